"""Messages that carry values (recurrences, calendar spans, life-event deadlines)
in each language: placeholders filled, plurals by count, never the English text
on a page of another language (the API keeps answering in English)."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hrbpo.core.auth.models import User
from hrbpo.core.db import db
from hrbpo.plugin_api import form_message
from hrbpo.plugins.benefits import life_events
from hrbpo.plugins.compliance.editor import describe
from hrbpo.plugins.servicedesk.forms import CALENDAR_MESSAGES, calendar_errors

from tests.plugins.servicedesk.test_servicedesk_api import browser, csrf

LANGUAGES = ["hi", "ur", "nb"]
# What each language's text holds that English does not (a word of the translation).
RECURRENCE = {"hi": ("हर सप्ताह", "हर 3 महीने"), "ur": ("ہر ہفتے", "ہر 3"), "nb": ("Hver uke", "Hver 3.")}
CALENDAR = {  # the engine's message → a word of its translation
    "'9:00' is not a time HH:MM from 00:00 to 24:00.": {"hi": "समय नहीं", "ur": "وقت نہیں", "nb": "ikke et klokkeslett"},
    "The span must start before it ends (17:00 is not before 09:00).":
        {"hi": "शुरू होना चाहिए", "ur": "شروع ہونا چاہیے", "nb": "må begynne før"},
    "Overlaps 09:00–12:00: spans of a day must not overlap.": {"hi": "टकराता", "ur": "ٹکراتا", "nb": "Overlapper"},
    "The holidays package knows no subdivisions of IS.": {"hi": "उप-क्षेत्र", "ur": "ذیلی علاقے", "nb": "underinndelinger"},
    "Not a subdivision of NO the holidays package knows (03, 11, …).":
        {"hi": "उप-क्षेत्र", "ur": "ذیلی علاقہ", "nb": "underinndeling"},
    "'2026-02-30' is not a date YYYY-MM-DD.": {"hi": "तारीख नहीं", "ur": "تاریخ نہیں", "nb": "ikke en dato"},
}
LATE = {"hi": ("बहुत देर", "दिनों के भीतर"), "ur": ("بہت دیر", "دنوں کے اندر"), "nb": ("For sent", "dager")}


@pytest.mark.parametrize("locale", LANGUAGES)
def test_recurrences_are_said_in_each_language_with_their_counts(app, locale):
    with app.test_request_context(), force_locale(locale):
        weekly, every_three = describe("FREQ=WEEKLY;BYDAY=MO"), describe("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15")
        yearly = describe("FREQ=YEARLY;INTERVAL=2;BYMONTH=3;BYMONTHDAY=-1")
    assert RECURRENCE[locale][0] in weekly and RECURRENCE[locale][1] in every_three and "15" in every_three
    assert "2" in yearly and "Every" not in weekly + every_three + yearly


@pytest.mark.parametrize("locale", LANGUAGES)
def test_calendar_messages_with_values_are_translated_with_their_values(app, locale):
    with app.test_request_context(), force_locale(locale):
        for english, words in CALENDAR.items():
            said = form_message(english, CALENDAR_MESSAGES)
            assert words[locale] in said and said != english, (english, said)
        said = form_message("The span must start before it ends (17:00 is not before 09:00).", CALENDAR_MESSAGES)
        assert "17:00" in said and "09:00" in said
        # the form's fields get them in the page's language
        errors = calendar_errors({"business_hours.wed.1": ["Overlaps 09:00–12:00: spans of a day must not overlap."]})
        assert CALENDAR["Overlaps 09:00–12:00: spans of a day must not overlap."][locale] in errors["hours_wed"][0]
    with app.test_request_context(), force_locale("en"):
        assert form_message("'9:00' is not a time HH:MM from 00:00 to 24:00.", CALENDAR_MESSAGES) == \
            "'9:00' is not a time HH:MM from 00:00 to 24:00."


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_late_life_event_is_explained_with_both_counts_and_the_date(app, locale):
    english = ("event_date: Too late: a birth or adoption must be reported within 60 days. This one was 75 days ago "
               "(2026-01-05). You can change your benefits at the next open enrolment; ask HR if you think an "
               "exception applies.")
    with app.test_request_context(), force_locale(locale):
        said = form_message(english, life_events.MESSAGES)
        other = form_message(english.replace("a birth or adoption", "a life event like this").replace("60", "30"),
                             life_events.MESSAGES)
    first, many = LATE[locale]
    assert said.startswith("event_date: ") and first in said and many in said and "Too late" not in said
    assert "60" in said and "75" in said and "2026" in said and "05" not in said.split("(")[0]
    assert "30" in other and other != said


def test_pages_show_them_in_the_reader_s_language(app, make_tenant):
    desk = make_tenant("desk-a", modules=["servicedesk"])
    db.session.execute(sa.update(User).where(User.email == "hr@desk-a.test").values(locale="ur"))
    db.session.commit()
    hr = browser(app, "hr@desk-a.test", "desk-a")
    page = hr.get("/t/desk-a/servicedesk/calendar").get_data(as_text=True)
    r = hr.post("/t/desk-a/servicedesk/calendar", data={
        "csrf_token": csrf(page), "hours_mon": "09:00-12:00, 11:00-13:00", "hours_tue": "17:00-09:00"})
    text = r.get_data(as_text=True)
    assert r.status_code == 422 and "ٹکراتا" in text and "شروع ہونا چاہیے" in text
    assert "spans of a day must not overlap" not in text
    # the API, for the same user, stays English
    r = desk.hr.put(desk.url("/servicedesk/calendar"), json={"business_hours": {"mon": [["17:00", "09:00"]]}})
    assert r.status_code == 422 and "must start before it ends" in str(r.get_json()["errors"])


def test_a_late_life_event_on_the_benefits_page_is_in_bokmal(app, make_tenant):
    make_tenant("ben-a", modules=["benefits"])
    db.session.execute(sa.update(User).where(User.email == "emp@ben-a.test").values(locale="nb"))
    db.session.commit()
    employee = browser(app, "emp@ben-a.test", "ben-a")
    page = employee.get("/t/ben-a/benefits/").get_data(as_text=True)
    r = employee.post("/t/ben-a/benefits/life-events", data={
        "csrf_token": csrf(page), "kind": "birth", "event_date": str(date.today() - timedelta(days=75))})
    assert r.status_code == 303
    text = employee.get(r.headers["Location"]).get_data(as_text=True)
    assert "For sent: en fødsel eller adopsjon må meldes innen 60 dager." in text
    assert "for 75 dager siden" in text and "Too late" not in text
