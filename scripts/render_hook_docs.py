"""Render the hookspec docstrings into the "Hook reference" of docs/plugins.md.

    python scripts/render_hook_docs.py          # rewrite the section
    python scripts/render_hook_docs.py --check  # exit 1 if it is out of date (CI)
"""
import inspect
import re
import sys
from pathlib import Path

from hrbpo.core.plugins import hookspecs

DOC = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
START, END = "<!-- hook reference: start -->", "<!-- hook reference: end -->"
FIELDS = ("When", "Arguments", "Returns", "Per tenant")


def hooks():
    """(group banner, hook function) in the order of hookspecs.py."""
    group = ""
    for line in inspect.getsource(hookspecs).splitlines():
        if banner := re.match(r"# --- (.+)", line):
            group = banner.group(1)
        elif name := re.match(r"def (\w+)\(", line):
            yield group, getattr(hookspecs, name.group(1))


def fields(doc: str) -> tuple[str, dict]:
    """The summary line and the `Field: text` paragraphs of a hook docstring."""
    summary, _, rest = inspect.cleandoc(doc).partition("\n")
    found, current = {}, None
    for line in rest.splitlines():
        head = next((f for f in FIELDS if line.startswith(f + ":")), None)
        if head:
            current, line = head, line[len(head) + 1:]
        if current:
            found[current] = (found.get(current, "") + " " + line.strip()).strip()
    return summary.strip(), found


def render() -> str:
    out, group = [START, ""], None
    for banner, fn in hooks():
        if banner != group:
            group = banner
            out += [f"### {banner}", ""]
        summary, found = fields(fn.__doc__ or "")
        first = "yes (the first non-None answer wins)" if getattr(fn, "hrbpo_spec", {}).get("firstresult") else \
            "no (every plugin's answer is collected)"
        out += [f"#### `{fn.__name__}{inspect.signature(fn)}`", "", summary, ""]
        out += [f"- **{name}:** {found[name]}" for name in FIELDS if name in found]
        out += [f"- **firstresult:** {first}", ""]
    out.append(END)
    return "\n".join(out)


def updated(text: str) -> str:
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    return before + render() + after


def main(argv):
    text = DOC.read_text()
    if START not in text or END not in text:
        sys.exit(f"{DOC} lacks the {START} … {END} markers")
    new = updated(text)
    if "--check" in argv:
        if new != text:
            sys.exit(f"{DOC} is out of date: run python scripts/render_hook_docs.py")
        return
    DOC.write_text(new)


if __name__ == "__main__":
    main(sys.argv[1:])
