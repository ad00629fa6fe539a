"""Content-Disposition for downloads (RFC 6266, filename* per RFC 5987), whatever the name holds."""
import pytest

from hrbpo.core.files import disposition


@pytest.mark.parametrize("name, fallback, encoded", [
    ("report.pdf", "report.pdf", "report.pdf"),
    ('a"b.pdf', "a_b.pdf", "a%22b.pdf"),
    ("a\r\nSet-Cookie: x=1.pdf", "a__Set-Cookie: x=1.pdf", "a%0D%0ASet-Cookie%3A%20x%3D1.pdf"),
    ("履歴書.pdf", "___.pdf", "%E5%B1%A5%E6%AD%B4%E6%9B%B8.pdf"),
    ("a\\b;c.pdf", "a_b;c.pdf", "a%5Cb%3Bc.pdf"),
])
def test_disposition_is_safe_for_any_name(name, fallback, encoded):
    value = disposition(name)
    assert value == f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    assert "\r" not in value and "\n" not in value and value.isascii()
    assert disposition(name, inline=True).startswith("inline; ")
