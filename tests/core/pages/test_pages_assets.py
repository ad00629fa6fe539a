"""Files browsers ask for on their own."""


def test_favicon_is_served_and_pages_link_an_icon(browser):
    page = browser()
    icon = page.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    html = page.get("/login").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in html
    svg = page.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
