"""The business calendar: the contract's PUT /calendar rules, its GET body, the holidays it keeps."""
from datetime import date

import pytest

from hrbpo.plugins.servicedesk.business_calendar import WEEKDAYS, Calendar, CalendarInvalid, Holiday, parse_calendar

NINE_TO_FIVE = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def errors_of(body) -> dict:
    with pytest.raises(CalendarInvalid) as caught:
        parse_calendar(body, "Europe/Oslo")
    return caught.value.errors


def test_default_is_monday_to_friday_nine_to_five_without_holidays():
    assert Calendar.default("Europe/Oslo").to_json() == {
        "timezone": "Europe/Oslo",
        "business_hours": {**NINE_TO_FIVE, "sat": [], "sun": []},
        "holidays_country": None, "holidays_subdivision": None, "holidays": []}


def test_a_body_round_trips_and_days_left_out_are_closed():
    body = {"business_hours": {"mon": [["13:00", "17:00"], ["08:00", "12:00"]], "sat": [["00:00", "24:00"]]},
            "holidays_country": "US", "holidays_subdivision": "CA", "holidays": ["2026-12-24", "2026-07-03"]}
    calendar = parse_calendar(body, "America/Los_Angeles")
    assert calendar.hours[0] == ((480, 720), (780, 1020)) and calendar.hours[5] == ((0, 1440),)
    assert calendar.to_json() == {
        "timezone": "America/Los_Angeles",
        "business_hours": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [], "wed": [], "thu": [],
                           "fri": [], "sat": [["00:00", "24:00"]], "sun": []},
        "holidays_country": "US", "holidays_subdivision": "CA", "holidays": ["2026-07-03", "2026-12-24"]}
    assert parse_calendar(calendar.to_json(), "America/Los_Angeles") == calendar  # timezone in the body ignored


def test_spans_that_touch_do_not_overlap():
    calendar = parse_calendar({"business_hours": {"mon": [["09:00", "12:00"], ["12:00", "17:00"]]}}, "UTC")
    assert calendar.hours[0] == ((540, 720), (720, 1020))


@pytest.mark.parametrize("body, field", [
    ({}, "business_hours"),
    ({"business_hours": None}, "business_hours"),
    ({"business_hours": [["09:00", "17:00"]]}, "business_hours"),
    ({"business_hours": {"monday": [["09:00", "17:00"]]}}, "business_hours.monday"),
    ({"business_hours": {"Mon": [["09:00", "17:00"]]}}, "business_hours.Mon"),
    ({"business_hours": {"mon": "09:00-17:00"}}, "business_hours.mon"),
    ({"business_hours": {"mon": None}}, "business_hours.mon"),
    ({"business_hours": {"mon": [["09:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["09:00", "12:00", "17:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [[900, 1700]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": ["09:00"]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["9:00", "17:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["09:00", "17:0"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["09:60", "17:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["09:00", "24:01"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["09:00", "25:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["09:00", " 17:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["09:00", "17:00:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["０９:00", "17:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["24:00", "24:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["17:00", "09:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["09:00", "09:00"]]}}, "business_hours.mon.0"),
    ({"business_hours": {"mon": [["09:00", "12:00"], ["11:00", "17:00"]]}}, "business_hours.mon.1"),
    ({"business_hours": {"mon": [["11:00", "17:00"], ["09:00", "12:00"]]}}, "business_hours.mon.1"),
    ({"business_hours": {"mon": [["09:00", "17:00"], ["09:00", "17:00"]]}}, "business_hours.mon.1"),
    ({"business_hours": {}}, "business_hours"),
    ({"business_hours": {day: [] for day in WEEKDAYS}}, "business_hours"),
    ({"business_hours": NINE_TO_FIVE, "holidays_country": "XX"}, "holidays_country"),
    ({"business_hours": NINE_TO_FIVE, "holidays_country": "no"}, "holidays_country"),
    ({"business_hours": NINE_TO_FIVE, "holidays_country": "NOR"}, "holidays_country"),
    ({"business_hours": NINE_TO_FIVE, "holidays_country": "UK"}, "holidays_country"),  # GB is the code
    ({"business_hours": NINE_TO_FIVE, "holidays_country": ""}, "holidays_country"),
    ({"business_hours": NINE_TO_FIVE, "holidays_country": 47}, "holidays_country"),
    ({"business_hours": NINE_TO_FIVE, "holidays_country": "US", "holidays_subdivision": "XX"}, "holidays_subdivision"),
    ({"business_hours": NINE_TO_FIVE, "holidays_country": "US", "holidays_subdivision": "California"},
     "holidays_subdivision"),
    ({"business_hours": NINE_TO_FIVE, "holidays_country": "NO", "holidays_subdivision": "CA"}, "holidays_subdivision"),
    ({"business_hours": NINE_TO_FIVE, "holidays_subdivision": "CA"}, "holidays_subdivision"),
    ({"business_hours": NINE_TO_FIVE, "holidays": "2026-12-24"}, "holidays"),
    ({"business_hours": NINE_TO_FIVE, "holidays": ["2026-02-30"]}, "holidays.0"),
    ({"business_hours": NINE_TO_FIVE, "holidays": ["2026-12-24", "24.12.2026"]}, "holidays.1"),
    ({"business_hours": NINE_TO_FIVE, "holidays": ["20261224"]}, "holidays.0"),
    ({"business_hours": NINE_TO_FIVE, "holidays": ["2026-12-24T00:00:00"]}, "holidays.0"),
    ({"business_hours": NINE_TO_FIVE, "holidays": [20261224]}, "holidays.0"),
    ({"business_hours": NINE_TO_FIVE, "holidays": ["2027-02-29"]}, "holidays.0"),
])
def test_the_contracts_422_rules(body, field):
    errors = errors_of(body)
    assert list(errors) == [field]
    assert errors[field] and all(isinstance(m, str) and m.endswith((".", ")")) for m in errors[field])


def test_messages_say_what_is_wrong_for_people():
    errors = errors_of({"business_hours": {"mon": [["24:00", "24:00"]], "tue": [["17:00", "09:00"]],
                                           "wed": [["09:00", "12:00"], ["11:00", "13:00"]]},
                        "holidays_country": "US", "holidays_subdivision": "XX", "holidays": ["2026-02-30"]})
    assert errors == {
        "business_hours.mon.0": ["24:00 can only end a span (it is midnight at the end of the day)."],
        "business_hours.tue.0": ["The span must start before it ends (17:00 is not before 09:00)."],
        "business_hours.wed.1": ["Overlaps 09:00–12:00: spans of a day must not overlap."],
        "holidays_subdivision": ["Not a subdivision of US the holidays package knows "
                                 "(AK, AL, AR, AS, AZ, CA, CO, CT, DC, DE, FL, GA, GU, HI, IA, ID, IL, IN, KS, KY, …)."],
        "holidays.0": ["'2026-02-30' is not a date YYYY-MM-DD."],
    }
    assert "NO" in errors_of({"business_hours": NINE_TO_FIVE, "holidays_country": "XX"})["holidays_country"][0]
    assert errors_of({"business_hours": {"mon": [["9:00", "17:00"]]}}) == {
        "business_hours.mon.0": ["'9:00' is not a time HH:MM from 00:00 to 24:00."]}


def test_a_long_span_overlapping_several_is_reported_at_each():
    errors = errors_of({"business_hours": {"mon": [["09:00", "17:00"], ["10:00", "11:00"], ["12:00", "13:00"]]}})
    assert errors == {"business_hours.mon.1": ["Overlaps 09:00–17:00: spans of a day must not overlap."],
                      "business_hours.mon.2": ["Overlaps 09:00–17:00: spans of a day must not overlap."]}


def test_every_problem_is_reported_at_once_and_the_message_joins_them():
    with pytest.raises(CalendarInvalid) as caught:
        parse_calendar({"business_hours": {"xyz": [], "mon": [["1", "2"]]}, "holidays": ["x"]}, "UTC")
    assert set(caught.value.errors) == {"business_hours.xyz", "business_hours.mon.0", "holidays.0"}
    assert "Not a day" in str(caught.value)


def test_a_body_that_is_not_an_object():
    with pytest.raises(CalendarInvalid) as caught:
        parse_calendar(["mon"], "UTC")
    assert list(caught.value.errors) == ["_schema"]


def test_a_country_without_subdivisions_says_so():
    errors = errors_of({"business_hours": NINE_TO_FIVE, "holidays_country": "IS", "holidays_subdivision": "01"})
    assert errors == {"holidays_subdivision": ["The holidays package knows no subdivisions of IS."]}


def test_null_country_subdivision_and_holidays_mean_none():
    calendar = parse_calendar({"business_hours": NINE_TO_FIVE, "holidays_country": None,
                               "holidays_subdivision": None, "holidays": None}, "UTC")
    assert (calendar.country, calendar.subdivision, calendar.holidays) == (None, None, frozenset())


def test_duplicate_own_dates_are_kept_once():
    calendar = parse_calendar({"business_hours": NINE_TO_FIVE, "holidays": ["2026-12-24", "2026-12-24"]}, "UTC")
    assert calendar.to_json()["holidays"] == ["2026-12-24"]


def test_holidays_of_a_year_come_from_the_country_and_the_tenant_by_date():
    calendar = parse_calendar({"business_hours": NINE_TO_FIVE, "holidays_country": "NO",
                               "holidays": ["2026-12-24", "2026-05-17", "2027-01-04"]}, "Europe/Oslo")
    found = calendar.holidays_in(2026)
    assert found[0] == Holiday(date(2026, 1, 1), "New Year's Day", "country")
    assert [h for h in found if h.date == date(2026, 5, 17)] == [
        Holiday(date(2026, 5, 17), "Constitution Day", "country"), Holiday(date(2026, 5, 17), "Company holiday", "tenant")]
    assert found[-3:] == [Holiday(date(2026, 12, 24), "Company holiday", "tenant"),
                          Holiday(date(2026, 12, 25), "Christmas Day", "country"),
                          Holiday(date(2026, 12, 26), "Second Day of Christmas", "country")]
    assert [h.date for h in found] == sorted(h.date for h in found)
    assert all(h.date.year == 2026 for h in found)
    assert calendar.holidays_in(2027, tenant_name="Firmafri")[1] == Holiday(date(2027, 1, 4), "Firmafri", "tenant")


def test_holiday_names_follow_the_locale_where_the_package_has_it():
    calendar = parse_calendar({"business_hours": NINE_TO_FIVE, "holidays_country": "NO"}, "Europe/Oslo")
    assert calendar.holidays_in(2026, locale="nb")[0].name == "Første nyttårsdag"
    assert calendar.holidays_in(2026, locale="ur")[0].name == "New Year's Day"  # no Urdu names: English
    india = parse_calendar({"business_hours": NINE_TO_FIVE, "holidays_country": "IN"}, "Asia/Kolkata")
    assert india.holidays_in(2026, locale="hi")[0] == Holiday(date(2026, 1, 26), "गणतंत्र दिवस", "country")
    assert india.holidays_in(2026)[0] == Holiday(date(2026, 1, 26), "Republic Day", "country")


def test_a_subdivision_adds_its_own_holidays():
    us = parse_calendar({"business_hours": NINE_TO_FIVE, "holidays_country": "US"}, "America/Los_Angeles")
    california = parse_calendar({"business_hours": NINE_TO_FIVE, "holidays_country": "US",
                                 "holidays_subdivision": "CA"}, "America/Los_Angeles")
    cesar_chavez = date(2026, 3, 31)
    assert cesar_chavez in california.holiday_dates(2026) and cesar_chavez not in us.holiday_dates(2026)
    assert {date(2026, 7, 3), date(2026, 7, 4), date(2026, 11, 26)} <= us.holiday_dates(2026)  # observed days too
    assert Holiday(cesar_chavez, "Cesar Chavez Day", "country") in california.holidays_in(2026)


def test_holiday_dates_without_a_country_are_the_tenants_own():
    calendar = parse_calendar({"business_hours": NINE_TO_FIVE, "holidays": ["2028-02-29", "2027-12-31"]}, "UTC")
    assert calendar.holiday_dates(2028) == {date(2028, 2, 29)}
    assert calendar.holidays_in(2028) == [Holiday(date(2028, 2, 29), "Company holiday", "tenant")]
