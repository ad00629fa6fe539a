"""Where a page may send the browser on to: `?next=` and its kind.

Only a path on this site is followed. Browsers are lenient readers of a
Location header: they drop tabs and line breaks (`/\\t/evil.example` becomes
`//evil.example`, another site), read a backslash as a slash and `//host` as
a host. So a target with any control character, space, backslash or
non-ASCII character is refused outright, as is one with a scheme or a host;
what is left is normalised (dot segments resolved, runs of slashes made one)
so that it begins with exactly one slash.
"""
import re
from urllib.parse import urlsplit, urlunsplit

_PRINTABLE_ASCII = re.compile(r"[!-\[\]-~]+")  # no controls, space, backslash or DEL


def safe_next(target: str | None) -> str | None:
    """`target` as a path on this site, or None when it is not one."""
    if not target or not _PRINTABLE_ASCII.fullmatch(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return urlunsplit(("", "", _normalised(parts.path), parts.query, parts.fragment))


def _normalised(path: str) -> str:
    kept = []
    segments = path.split("/")[1:]
    for segment in segments:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment not in ("", "."):
            kept.append(segment)
    trailing = segments[-1] in ("", ".", "..")
    return "/" + "/".join(kept) + ("/" if trailing and kept else "")
