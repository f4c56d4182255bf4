"""`touchplan export ics`: the week plan as an iCalendar file, parsed back with icalendar."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar, Event

from conftest import Run

# Tuesday 2026-11-24 is "today" (conftest). Every account below has something due in the
# next days, including text with the characters iCalendar must escape.
ACCOUNTS = {
    "smith-jones": """
        name: "Smith, Jones; & Co"
        tier: A
        owner: dana
        renewal: 2027-01-08
        value: 200000
        contacts:
          - name: Jane Smith
            role: VP Ops, East; interim
            phone: "+1 555 0100"
            email: jane@smith-jones.example
        history:
          - date: 2026-11-02
            kind: call
            with: Jane Smith
            summary: |
              Line one, with a comma; and a semicolon.
              Line two \\ with a backslash.
            next: 2026-11-26 Send the quote, the specs; and the price list
    """,
    "globex": """
        name: Globex
        tier: B
        owner: sam
        contacts:
          - name: Hank Scorpio
            phone: "+1 555 0199"
        history:
          - date: 2026-11-16
            kind: call
            summary: Delivery late.
            problem: Pallets 3, 4; and 7 missing
    """,
    "initech": """
        name: Initech
        tier: C
        owner: dana
        since: 2020-01-01
        history:
          - date: 2026-08-01
            kind: email
            summary: Quarterly note.
    """,
}


@pytest.fixture
def accounts(write_account: Callable[..., Path]) -> None:
    for slug, text in ACCOUNTS.items():
        write_account(slug, text)


def events_of(data: bytes) -> list[Event]:
    calendar = Calendar.from_ical(data)
    return [c for c in calendar.walk("VEVENT")]


def export(run: Callable[..., Run], tmp_path: Path, *args: str) -> bytes:
    target = tmp_path / "touches.ics"
    result = run("export", "ics", "-o", str(target), *args)
    assert result.exit_code == 0, result.stderr
    return target.read_bytes()


def by_summary(events: list[Event]) -> dict[str, Event]:
    return {str(e["SUMMARY"]): e for e in events}


def again_days(event: Event) -> list[str]:
    match = re.search(r"Planned again until closed: ([\d\-, ]+)", str(event["DESCRIPTION"]))
    return re.findall(r"\d{4}-\d{2}-\d{2}", match.group(1)) if match else []


@pytest.mark.usefixtures("accounts")
def test_every_planned_item_is_an_event_on_its_day(run: Callable[..., Run], tmp_path: Path) -> None:
    data = export(run, tmp_path, "--days", "10")
    events = events_of(data)
    week = json.loads(run("week", "--days", "10", "--format", "json").stdout)
    planned = [(d["date"], i) for d in week["days"] for i in d["items"]]
    assert planned, "the fixture must plan something"
    for day, item in planned:
        # a renewal's words move on with its progress; its event keeps its first day's
        matching = [
            e
            for e in events
            if str(e["SUMMARY"]).startswith(f"{item['name']}: ")
            and item["kind"] in [str(c) for c in e["CATEGORIES"].cats]
            and (e.decoded("DTSTART").isoformat() == day or day in again_days(e))
        ]
        assert len(matching) == 1, (day, item["account"], item["kind"])
    # one event per distinct item: the events' own days plus their repeats are the plan
    covered = sorted(
        [e.decoded("DTSTART").isoformat() for e in events]
        + [d for e in events for d in again_days(e)]
    )
    assert covered == sorted(day for day, _ in planned)


@pytest.mark.usefixtures("accounts")
def test_events_are_all_day_with_the_required_properties(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    data = export(run, tmp_path, "--days", "10")
    calendar = Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//touchplan//touch plan export//EN"
    events = events_of(data)
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    for event in events:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and type(end) is date  # all-day, not a datetime
        assert end == start + timedelta(days=1)
        assert start >= date(2026, 11, 24) and start.weekday() < 5
        stamp = event.decoded("DTSTAMP")
        assert isinstance(stamp, datetime) and stamp.utcoffset() == timedelta(0)
        assert str(event["TRANSP"]) == "TRANSPARENT"
    # RFC 5545: CRLF line endings, lines folded at 75 octets
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75


@pytest.mark.usefixtures("accounts")
def test_text_with_commas_semicolons_and_newlines_survives(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    data = export(run, tmp_path, "--days", "10")
    events = by_summary(events_of(data))
    follow_up = events["Smith, Jones; & Co: Send the quote, the specs; and the price list"]
    # due Thursday, and on Tuesday's call (for the late renewal) it can be settled early
    assert follow_up.decoded("DTSTART") == date(2026, 11, 24)
    description = str(follow_up["DESCRIPTION"])
    assert "Ask for: Jane Smith (VP Ops, East; interim)\nPhone: +1 555 0100\n" in description
    assert "Email: jane@smith-jones.example\n" in description
    assert (
        "Last touch: 2026-11-02 call: Line one, with a comma; and a semicolon.\n"
        "Line two \\ with a backslash.\n"
    ) in description
    assert (
        "Why:\n- promised on 2026-11-02 (call): Send the quote, the specs; and the price list"
        in (description)
    )
    assert "File: accounts/smith-jones.yaml" in description
    # escaped on the wire, by the library
    unfolded = data.replace(b"\r\n ", b"")
    assert b"SUMMARY:Smith\\, Jones\\; & Co: Send the quote\\, the specs\\; and the price list" in (
        unfolded
    )
    assert b"Line one\\, with a comma\\; and a semicolon.\\nLine two \\\\ with a backslash." in (
        unfolded
    )
    problem = events["Globex: Work the open problem: Pallets 3, 4; and 7 missing"]
    assert "Ask for: Hank Scorpio\nPhone: +1 555 0199" in str(problem["DESCRIPTION"])


@pytest.mark.usefixtures("accounts")
def test_renewal_events_and_only_they_have_a_reminder(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    events = events_of(export(run, tmp_path, "--days", "10"))
    with_alarm = {str(e["SUMMARY"]): e.subcomponents for e in events if e.subcomponents}
    assert list(with_alarm) == ["Smith, Jones; & Co: Renewal in 45 days: start the conversation"]
    (alarm,) = with_alarm["Smith, Jones; & Co: Renewal in 45 days: start the conversation"]
    assert alarm.name == "VALARM"
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(hours=8)
    assert str(alarm["DESCRIPTION"]).startswith("Smith, Jones; & Co: Renewal")
    renewal = next(e for e in events if e.subcomponents)
    assert renewal.decoded("DTSTART") == date(2026, 11, 24)  # due 2026-11-09, overdue


@pytest.mark.usefixtures("accounts")
def test_uids_are_stable_across_runs(run: Callable[..., Run], tmp_path: Path) -> None:
    first = export(run, tmp_path, "--days", "10")
    second = export(run, tmp_path, "--days", "10")
    assert [str(e["UID"]) for e in events_of(first)] == [str(e["UID"]) for e in events_of(second)]

    def without_stamps(data: bytes) -> bytes:
        return re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", b"", data)

    assert without_stamps(first) == without_stamps(second)


@pytest.mark.usefixtures("accounts")
def test_uids_follow_the_item_when_the_plan_moves_it(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    """Exported on Tuesday, again on Friday with nothing done: same items, same UIDs."""
    tuesday = {str(e["UID"]): e for e in events_of(export(run, tmp_path, "--days", "10"))}
    friday_run = export(run, tmp_path, "--days", "10", "--date", "2026-11-27")
    friday = {str(e["UID"]): e for e in events_of(friday_run)}
    renewal_uid = "smith-jones.renewal.renewal.2026-11-09@touchplan"
    problem = next(u for u in tuesday if u.startswith("globex.problem.problem."))
    follow_up = next(u for u in tuesday if u.startswith("smith-jones.follow-up.next."))
    for uid in (renewal_uid, problem, follow_up):
        assert uid in tuesday and uid in friday
    assert tuesday[renewal_uid].decoded("DTSTART") == date(2026, 11, 24)
    assert friday[renewal_uid].decoded("DTSTART") == date(2026, 11, 27)
    assert friday[follow_up].decoded("DTSTART") == date(2026, 11, 27)


def test_repeated_items_are_one_event_listing_the_other_days(
    write_account: Callable[..., Path], run: Callable[..., Run], tmp_path: Path
) -> None:
    """An open problem is planned every 2 working days until resolved: one UID, one event."""
    write_account("globex", ACCOUNTS["globex"])
    events = events_of(export(run, tmp_path, "--days", "10"))
    problems = [e for e in events if "problem" in [str(c) for c in e["CATEGORIES"].cats]]
    assert len(problems) == 1
    assert problems[0].decoded("DTSTART") == date(2026, 11, 24)
    assert again_days(problems[0]) == ["2026-11-26", "2026-11-30", "2026-12-02", "2026-12-04"]


def test_a_logged_touch_keeps_other_items_uids(
    write_account: Callable[..., Path], run: Callable[..., Run], tmp_path: Path
) -> None:
    write_account("smith-jones", ACCOUNTS["smith-jones"])
    before = {str(e["UID"]) for e in events_of(export(run, tmp_path, "--days", "5"))}
    logged = run("log", "smith-jones", "Left a message", "--kind", "email")
    assert logged.exit_code == 0, logged.stderr
    after = {str(e["UID"]) for e in events_of(export(run, tmp_path, "--days", "5"))}
    renewal = "smith-jones.renewal.renewal.2026-11-09@touchplan"
    assert renewal in before and renewal in after
    assert any(u.startswith("smith-jones.follow-up.next.") for u in before & after)


@pytest.mark.usefixtures("accounts")
def test_owner_filter_and_stdout(run: Callable[..., Run]) -> None:
    result = run("export", "ics", "--days", "10", "--owner", "sam")
    assert result.exit_code == 0
    calendar = Calendar.from_ical(result.stdout.encode())
    assert str(calendar["X-WR-CALNAME"]) == "touchplan (sam)"
    summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert summaries and all(s.startswith("Globex: ") for s in summaries)


@pytest.mark.usefixtures("accounts")
def test_output_file_message_and_errors(run: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "touches.ics"
    result = run("export", "ics", "--days", "3", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    count = target.read_bytes().count(b"BEGIN:VEVENT")
    assert result.stderr.startswith(f"Wrote {count} events for 3 working days from 2026-11-24 to ")
    folder = run("export", "ics", "-o", str(tmp_path))
    assert folder.exit_code == 2 and "is a folder" in folder.stderr
    missing = run("export", "ics", "-o", str(tmp_path / "no" / "such" / "dir.ics"))
    assert missing.exit_code == 1 and "cannot write" in missing.stderr
    bad_days = run("export", "ics", "--days", "0")
    assert bad_days.exit_code == 2


def test_empty_plan_is_a_valid_empty_calendar(root: Path, run: Callable[..., Run]) -> None:
    result = run("export", "ics")
    assert result.exit_code == 0
    calendar = Calendar.from_ical(result.stdout.encode())
    assert calendar.walk("VEVENT") == []
    assert str(calendar["PRODID"]).startswith("-//touchplan//")
