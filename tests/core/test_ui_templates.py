"""Every template obeys the Content-Security-Policy (no inline script or
style, no event-handler attributes) and labels what it asks for."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "hrbpo"
TEMPLATES = sorted(ROOT.glob("**/templates/**/*.html"))
INLINE = [
    # JSON-LD and other data blocks are not run, so the CSP lets them be.
    (re.compile(r"<script(?![^>]*\b(src=|type=\"application/(ld\+)?json\"))[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"\s(data-)?hx-on[:-]", re.I), "hx-on (needs eval)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_are_found():
    assert any(t.name == "base.html" for t in TEMPLATES)
    assert len(TEMPLATES) > 10


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: str(t.relative_to(ROOT)))
def test_template_needs_no_inline_script_or_style(template):
    text = template.read_text()
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{template.relative_to(ROOT)}: {found} (the CSP blocks these; see docs/ui.md)"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: str(t.relative_to(ROOT)))
def test_every_input_has_a_label(template):
    """Fields written out by hand sit inside a <label>, or carry an id that a
    <label for> names, or an aria-label."""
    text = template.read_text()
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', text))
    for field in re.finditer(r"<(?:input|select|textarea)\b[^>]*>", text):
        tag, before = field.group(0), text[:field.start()]
        if re.search(r'type="(hidden|submit|button|image|reset)"', tag) or "aria-label" in tag:
            continue
        if before.rfind("<label") > before.rfind("</label>"):
            continue  # wrapped in its label
        ident = re.search(r'\bid="([^"]+)"', tag)
        assert ident and (ident.group(1) in labelled or "{{" in ident.group(1)), \
            f"{template.relative_to(ROOT)}: {tag} has no label"
