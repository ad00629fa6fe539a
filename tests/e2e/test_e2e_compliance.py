"""The compliance template editor in a real browser: rows added and removed in
place, the recurrence picker, the form kept when the server refuses it."""
from playwright.sync_api import expect


def test_template_editor_adds_and_removes_items_and_keeps_the_form(live, page):
    kit = live.tenant("comp-e2e", ["compliance"])
    live.sign_in(page, "hr@comp-e2e.test")
    page.goto(live.url("/t/comp-e2e/compliance/templates/new"))
    page.get_by_label("Name", exact=True).fill("Quarterly safety")
    page.get_by_label("How often").select_option("monthly")
    page.get_by_label("N (every how many)").fill("3")
    page.get_by_label("On day (monthly, yearly)").select_option("15")
    expect(page.get_by_role("checkbox", name="Remove this item")).to_have_count(0)  # a button with JavaScript
    # Sent with no item at all: refused, and nothing typed is lost.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_have_text("Please correct the marked fields.")
    expect(page.get_by_text("Give at least one item (at most 100).")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Quarterly safety")
    expect(page.get_by_label("N (every how many)")).to_have_value("3")
    expect(page.get_by_label("On day (monthly, yearly)")).to_have_value("15")
    for n in range(5):  # more than the old three slots
        if n:
            page.get_by_role("button", name="Add item").click()
        titles = page.get_by_label("Title")
        expect(titles).to_have_count(n + 1)
        expect(titles.nth(n)).to_be_focused()
        titles.nth(n).fill(f"Check {n}")
    page.get_by_role("group", name="Item").nth(1).get_by_role("button", name="Remove this item").click()
    expect(page.get_by_label("Title")).to_have_count(4)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Template saved (version 1).")).to_be_visible()
    saved = kit.hr.get(kit.url("/compliance/templates")).get_json()["items"][0]
    assert saved["recurrence"] == "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15"
    assert [i["title"] for i in saved["items"]] == ["Check 0", "Check 2", "Check 3", "Check 4"]
