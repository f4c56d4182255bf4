"""`touchplan import FILE.ics`: meetings from Google, Exchange and Apple calendars become
diary entries; meetings ahead become bookings, moved or cancelled as the calendar says.

The calendars in tests/data/calendars/ are written the way each client writes them:
Google (UTC times, X-WR-TIMEZONE, folded ATTENDEE lines), Exchange (Windows time-zone
names, MAILTO in capitals, X-MICROSOFT-CDO lines), Apple (EMAIL parameters on urn:uuid
attendees, a structured location, all-day events) and a repeating series with its
exceptions (RRULE, RDATE, EXDATE, moved, cancelled and declined occurrences).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import Run

CALENDARS = Path(__file__).parent / "data" / "calendars"

ACME = """\
name: Acme Corp
tier: A
owner: dana
# our biggest customer
contacts:
  - name: Jane Smith
    role: VP Operations
    email: jane@acme.example
  - name: Raj Patel
    email: raj@acme.example
history:
  - date: 2026-06-01
    kind: call
    with: Jane Smith
    summary: Intro call.
"""
GLOBEX = "name: Globex\ntier: B\ndomains: [globex.example]\n"
INITECH = "name: Initech\ntier: C\nwebsite: https://www.initech.example\n"
HOOLI = "name: Hooli\ntier: C\n"


@pytest.fixture(autouse=True)
def quiet_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The rep's zone is Berlin and nobody's git identity leaks in, whatever the machine."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def book(root: Path, write_account: Callable[..., Path]) -> Path:
    """Four accounts: Acme by contact e-mails, Globex by `domains:`, Initech by
    `website:`, Hooli by nothing; dana's company is us.example."""
    write_account("acme-corp", ACME)
    write_account("globex", GLOBEX)
    write_account("initech", INITECH)
    write_account("hooli", HOOLI)
    (root / "touchplan.yaml").write_text("owners:\n  dana: dana@us.example\n", encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "accounts").rglob("*")) if p.is_file()}


def added(root: Path, slug: str, before: str) -> str:
    """What an import appended to an account file (which must start with ``before``)."""
    text = (root / "accounts" / f"{slug}.yaml").read_text(encoding="utf-8")
    assert text.startswith(before)
    return text[len(before) :]


def events(result: Run) -> list[tuple[object, ...]]:
    return [
        (e["date"], e["event"], e["account"], e["status"], e["kind"], e["with"], e["reason"])
        for e in json.loads(result.stdout)["events"]
    ]


def import_ics(run: Callable[..., Run], name: str, *args: str) -> Run:
    return run("import", str(CALENDARS / name), *args)


# -- the clients' calendars ---------------------------------------------------------------

GOOGLE_ACME = """\
  - date: 2026-11-10
    kind: meeting
    with: Jane Smith
    summary: Acme quarterly business review
    ref: ics:3k1q9v8m2n7b6c5x4z0a1b2c3d@google.com
  - date: 2026-11-18
    kind: visit
    with: Jane Smith, Raj Patel
    summary: Plant tour
    ref: ics:2b9c8d7e6f5g4h3i2j1k0l9m8n@google.com
  - date: 2026-11-24
    kind: note
    with: Jane Smith
    summary: "Booked in the calendar: Acme renewal kickoff"
    next: "2026-12-08 meeting: Acme renewal kickoff"
    ref: ics:9z8x7c6v5b4n3m2l1k0j9h8g7f@google.com
"""


def test_google_calendar(run: Callable[..., Run], book: Path) -> None:
    dry = import_ics(run, "google.ics", "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.stderr
    assert events(dry) == [
        ("2026-11-05", "Intro with Hooli", None, "skipped", None, None,
         "no customer among its attendees"),
        ("2026-11-10", "Acme quarterly business review", "acme-corp", "would-log", "meeting",
         "Jane Smith", None),
        ("2026-11-12", "Acme escalation call", "acme-corp", "skipped", None, None,
         "cancelled in the calendar"),
        ("2026-11-16", "Globex pricing call", "globex", "skipped", None, None,
         "declined by Hank Scorpio"),
        ("2026-11-18", "Plant tour", "acme-corp", "would-log", "visit", "Jane Smith, Raj Patel",
         None),
        # 02:30 UTC on the 20th is the evening of the 19th in the calendar's New York
        ("2026-11-19", "Dinner with Globex", "globex", "would-log", "meeting", "Hank Scorpio",
         None),
        ("2026-11-23", "Pipeline review", None, "skipped", None, None,
         "no customer among its attendees"),
        ("2026-12-08", "Acme renewal kickoff", "acme-corp", "would-book", "meeting", "Jane Smith",
         None),
    ]  # fmt: skip
    report = json.loads(dry.stdout)
    assert report["unmatched"] == [
        {
            "domain": "hooli.example",
            "address": None,
            "people": 1,
            "events": 1,
            "likely": {
                "account": "hooli",
                "name": "Hooli",
                "file": "accounts/hooli.yaml",
                "why": "its name matches the domain",
            },
            "fix": "add `domains: [hooli.example]` to accounts/hooli.yaml",
        }
    ]
    assert snapshot(book)["acme-corp.yaml"] == ACME.encode()  # a dry run writes nothing

    done = import_ics(run, "google.ics")
    assert done.exit_code == 0, done.stderr
    assert added(book, "acme-corp", ACME) == GOOGLE_ACME
    assert added(book, "globex", GLOBEX) == (
        "history:\n"
        "  - date: 2026-11-19\n"
        "    kind: meeting\n"
        "    with: Hank Scorpio\n"
        "    summary: Dinner with Globex\n"
        "    ref: ics:8m7n6b5v4c3x2z1a0s9d8f7g6h@google.com\n"
    )
    assert added(book, "hooli", HOOLI) == ""
    assert "3 logged, 1 booked, 4 skipped" in done.stdout
    assert (
        "hooli.example: 1 person, 1 event — likely Hooli (its name matches the domain); "
        "add `domains: [hooli.example]` to accounts/hooli.yaml" in done.stdout
    )

    files = snapshot(book)
    again = import_ics(run, "google.ics")
    assert again.exit_code == 0
    assert snapshot(book) == files  # a second import adds nothing
    assert "4 already there, 4 skipped" in again.stdout
    assert run("check").exit_code == 0


def test_exchange_calendar_with_windows_time_zones(run: Callable[..., Run], book: Path) -> None:
    result = import_ics(run, "exchange.ics")
    assert result.exit_code == 1  # an event could not be read
    assert result.stderr.splitlines()[0] == (
        "exchange.ics:111: event 'Acme on Mars time' (UID 040000008200E00074C5B7101A82E008000"
        "00000C2D3E4F5A6B7C801000000000000000010000000AABBCCDDEEFF00112233445566778899): "
        "unknown time zone 'Olympus Mons Standard Time' (neither an IANA nor a Windows name); "
        "skipped"
    )
    assert added(book, "acme-corp", ACME) == (
        "  - date: 2026-11-17\n"
        "    kind: visit\n"
        "    with: Jane Smith\n"
        "    summary: Supplier audit\n"
        "    ref: ics:040000008200E00074C5B7101A82E00800000000D0F0E1D2C3B4D50100000000000000001"
        "0000000A1B2C3D4E5F60718293A4B5C6D7E8F90\n"
        # 23:30 on the 19th in Pacific Standard Time is the 20th in Berlin
        "  - date: 2026-11-20\n"
        "    kind: meeting\n"
        "    with: Jane Smith\n"
        "    summary: Forecast sync\n"
        "    ref: ics:040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5A601000000000000000010"
        "0000001122334455667788990011223344556677\n"
        "  - date: 2026-11-24\n"
        "    kind: note\n"
        "    with: Jane Smith\n"
        '    summary: "Booked in the calendar: Acme contract walkthrough"\n'
        '    next: "2026-12-03 meeting: Acme contract walkthrough"\n'
        "    ref: ics:040000008200E00074C5B7101A82E00800000000E4F5A6B7C8D9E00100000000000000001"
        "0000000EEFF00112233445566778899AABBCCDD\n"
    )
    # "Romance Standard Time" has no VTIMEZONE in the file: the Windows name is enough
    assert "  - date: 2026-11-13\n    kind: meeting\n    with: Hank Scorpio\n" in added(
        book, "globex", GLOBEX
    )
    assert (
        "acme-europe.example: 1 person, 1 event — likely Acme Corp (its name matches the "
        "domain); add `domains: [acme-europe.example]` to accounts/acme-corp.yaml"
    ) in result.stdout
    files = snapshot(book)
    assert import_ics(run, "exchange.ics").exit_code == 1
    assert snapshot(book) == files


def test_apple_calendar(run: Callable[..., Run], book: Path) -> None:
    result = import_ics(run, "apple.ics")
    assert result.exit_code == 0, result.stderr
    assert added(book, "acme-corp", ACME) == (
        # a map pin (X-APPLE-STRUCTURED-LOCATION) makes it a visit
        "  - date: 2026-11-19\n"
        "    kind: visit\n"
        "    with: Jane Smith\n"
        "    summary: Acme steering committee\n"
        "    ref: ics:5E7A2C1B-3D4F-4A6B-8C9D-0E1F2A3B4C5D\n"
        # tomorrow's all-day fair is ahead: booked
        "  - date: 2026-11-24\n"
        "    kind: note\n"
        "    with: Jane Smith\n"
        '    summary: "Booked in the calendar: Acme at the logistics fair"\n'
        '    next: "2026-11-25 visit: Acme at the logistics fair"\n'
        "    ref: ics:A1B2C3D4-E5F6-4788-99AA-BBCCDDEEFF00\n"
    )
    # Peter is known by the domain of Initech's website; his address is in EMAIL=
    assert added(book, "initech", INITECH) == (
        "history:\n"
        "  - date: 2026-11-02\n"
        "    kind: meeting\n"
        "    with: Peter Gibbons\n"
        "    summary: Initech site day\n"
        "    ref: ics:0F3B8A52-7C1D-4E9F-A2B6-5D8C3E1F7A90\n"
        "  - date: 2026-11-19\n"
        "    kind: visit\n"
        "    with: Peter Gibbons\n"
        "    summary: Acme steering committee\n"
        "    ref: ics:5E7A2C1B-3D4F-4A6B-8C9D-0E1F2A3B4C5D\n"
    )
    files = snapshot(book)
    assert import_ics(run, "apple.ics").exit_code == 0
    assert snapshot(book) == files


# -- a series with exceptions, over three imports ----------------------------------------------

SERIES = "ics:acme-weekly-sync-2026@cal.us.example"


def held(slug: str, day: str, stamp: str, title: str = "Acme weekly sync") -> str:
    return (
        f"  - date: {day}\n    kind: meeting\n    with: Jane Smith\n    summary: {title}\n"
        f"    ref: {SERIES}/{stamp}\n"
    )


def open_items(run: Callable[..., Run], day: str) -> list[tuple[str, str, str]]:
    shown = json.loads(run("show", "acme", "--format", "json", "--date", day).stdout)
    return [(i["id"], i["kind"], i["due"]) for i in shown["items"] if i["kind"] == "booked"]


def test_recurring_series_with_exceptions(
    run: Callable[..., Run], book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = import_ics(run, "recurring.ics", "--format", "json")
    assert first.exit_code == 0, first.stderr
    # weekly on Tuesdays from 6 October: 20 October excluded (EXDATE), Thursday 29 October
    # added (RDATE), 3 November moved to the 4th, 10 November cancelled, 17 November
    # declined by Jane; today's (the 24th) is over by the end of the day.
    assert [e for e in events(first) if e[3] != "would-log"] == [
        ("2026-10-06", "Acme weekly sync", "acme-corp", "logged", "meeting", "Jane Smith", None),
        ("2026-10-13", "Acme weekly sync", "acme-corp", "logged", "meeting", "Jane Smith", None),
        ("2026-10-27", "Acme weekly sync", "acme-corp", "logged", "meeting", "Jane Smith", None),
        ("2026-10-29", "Acme weekly sync", "acme-corp", "logged", "meeting", "Jane Smith", None),
        ("2026-11-04", "Acme weekly sync (moved)", "acme-corp", "logged", "meeting",
         "Jane Smith", None),
        ("2026-11-10", "Acme weekly sync", None, "skipped", None, None, "no attendees"),
        ("2026-11-17", "Acme weekly sync", "acme-corp", "skipped", None, None,
         "declined by Jane Smith"),
        ("2026-11-24", "Acme weekly sync", "acme-corp", "logged", "meeting", "Jane Smith", None),
        # only the next meeting of the series is booked
        ("2026-12-01", "Acme weekly sync", "acme-corp", "booked", "meeting", "Jane Smith", None),
    ]  # fmt: skip
    assert added(book, "acme-corp", ACME) == (
        held("acme", "2026-10-06", "20261006T080000Z")
        + held("acme", "2026-10-13", "20261013T080000Z")
        + held("acme", "2026-10-27", "20261027T090000Z")
        + held("acme", "2026-10-29", "20261029T090000Z")
        + held("acme", "2026-11-04", "20261103T090000Z", "Acme weekly sync (moved)")
        + held("acme", "2026-11-24", "20261124T090000Z")
        + "  - date: 2026-11-24\n    kind: note\n    with: Jane Smith\n"
        '    summary: "Booked in the calendar: Acme weekly sync"\n'
        '    next: "2026-12-01 meeting: Acme weekly sync"\n'
        f"    ref: {SERIES}/20261201T090000Z\n"
    )
    [(booking, _kind, due)] = open_items(run, "2026-11-24")
    assert due == "2026-12-01"
    before = (book / "accounts" / "acme-corp.yaml").read_text(encoding="utf-8")

    # the same day, next week's meeting moves to Wednesday: the booking moves with it
    moved = import_ics(run, "recurring-moved.ics")
    assert moved.exit_code == 0, moved.stderr
    assert added(book, "acme-corp", before) == (
        "  - date: 2026-11-24\n    kind: note\n    with: Jane Smith\n"
        '    summary: "Moved in the calendar: Acme weekly sync"\n'
        '    next: "2026-12-02 meeting: Acme weekly sync"\n'
        f"    cancelled: [{booking}]\n"
        f"    ref: {SERIES}/20261201T090000Z\n"
    )
    [(rebooked, _kind, due)] = open_items(run, "2026-11-24")
    assert due == "2026-12-02" and rebooked != booking
    before = (book / "accounts" / "acme-corp.yaml").read_text(encoding="utf-8")

    # a week later: Wednesday's meeting is over (it closes its booking), the next is booked
    monkeypatch.setenv("TOUCHPLAN_TODAY", "2026-12-03")
    later = import_ics(run, "recurring-moved.ics")
    assert later.exit_code == 0, later.stderr
    assert added(book, "acme-corp", before) == (
        "  - date: 2026-12-02\n    kind: meeting\n    with: Jane Smith\n"
        "    summary: Acme weekly sync\n"
        f"    done: [{rebooked}]\n"
        f"    ref: {SERIES}/20261201T090000Z\n"
        "  - date: 2026-12-03\n    kind: note\n    with: Jane Smith\n"
        '    summary: "Booked in the calendar: Acme weekly sync"\n'
        '    next: "2026-12-08 meeting: Acme weekly sync"\n'
        f"    ref: {SERIES}/20261208T090000Z\n"
    )
    files = snapshot(book)
    assert import_ics(run, "recurring-moved.ics").exit_code == 0
    assert snapshot(book) == files

    shown = json.loads(run("show", "acme", "--format", "json").stdout)
    closed = [(c["kind"], c["due"], c["how"], c["by"]) for c in shown["closed"]]
    assert ("booked", "2026-12-01", "cancelled", "note") in closed
    assert ("booked", "2026-12-02", "done", "meeting") in closed


def test_a_booking_whose_event_is_gone_is_cancelled(
    run: Callable[..., Run], book: Path, tmp_path: Path
) -> None:
    assert import_ics(run, "google.ics").exit_code == 0
    [(booking, _kind, due)] = open_items(run, "2026-11-24")
    assert due == "2026-12-08"
    text = (CALENDARS / "google.ics").read_bytes()
    start = text.index(b"BEGIN:VEVENT\r\nDTSTART:20261208")
    end = text.index(b"END:VEVENT\r\n", start) + len(b"END:VEVENT\r\n")
    # the kickoff is deleted; a later meeting keeps the calendar's dates past its day
    later = (
        b"BEGIN:VEVENT\r\nDTSTART:20261215T160000Z\r\nUID:team-party@google.com\r\n"
        b"SUMMARY:Team party\r\nEND:VEVENT\r\n"
    )
    gone = tmp_path / "google.ics"
    gone.write_bytes(text[:start] + later + text[end:])
    before = (book / "accounts" / "acme-corp.yaml").read_text(encoding="utf-8")
    result = run("import", str(gone))
    assert result.exit_code == 0, result.stderr
    assert added(book, "acme-corp", before) == (
        "  - date: 2026-11-24\n    kind: note\n"
        '    summary: "No longer in the calendar: Acme renewal kickoff"\n'
        f"    cancelled: [{booking}]\n"
        "    ref: ics:9z8x7c6v5b4n3m2l1k0j9h8g7f@google.com\n"
    )
    assert open_items(run, "2026-11-24") == []

    # a calendar that ends before the booked day says nothing about it: the booking stays
    kept = (book / "accounts" / "acme-corp.yaml").read_bytes()
    assert import_ics(run, "google.ics").exit_code == 0  # booked again
    [(again, _kind, _due)] = open_items(run, "2026-11-24")
    short = tmp_path / "short.ics"
    short.write_bytes(text[:start] + text[end:])
    result = run("import", str(short), "--format", "json")
    assert [e for e in events(result) if e[3] == "kept"] == [
        ("2026-12-08", "Acme renewal kickoff", "acme-corp", "kept", None, None,
         "not in this calendar (its events run from 2026-11-05 to 2026-11-23)"),
    ]  # fmt: skip
    assert open_items(run, "2026-11-24") == [(again, "booked", "2026-12-08")]
    assert len((book / "accounts" / "acme-corp.yaml").read_bytes()) > len(kept)


def test_a_cancelled_or_declined_booking_ends(
    run: Callable[..., Run], book: Path, tmp_path: Path
) -> None:
    assert import_ics(run, "exchange.ics").exit_code == 1
    [(booking, _kind, due)] = open_items(run, "2026-11-24")
    assert due == "2026-12-03"
    text = (CALENDARS / "exchange.ics").read_bytes()
    declined = tmp_path / "exchange.ics"
    declined.write_bytes(
        text.replace(
            b"PARTSTAT=ACCEPTED;RSVP=TRUE;CN=Jane Smith:MAIL\r\n TO:jane@acme.example\r\n"
            b"UID:040000008200E00074C5B7101A82E00800000000E4F5",
            b"PARTSTAT=DECLINED;RSVP=TRUE;CN=Jane Smith:MAIL\r\n TO:jane@acme.example\r\n"
            b"UID:040000008200E00074C5B7101A82E00800000000E4F5",
        )
    )
    before = (book / "accounts" / "acme-corp.yaml").read_text(encoding="utf-8")
    assert run("import", str(declined)).exit_code == 1
    assert added(book, "acme-corp", before) == (
        "  - date: 2026-11-24\n    kind: note\n"
        '    summary: "Declined by Jane Smith in the calendar: Acme contract walkthrough"\n'
        f"    cancelled: [{booking}]\n"
        "    ref: ics:040000008200E00074C5B7101A82E00800000000E4F5A6B7C8D9E00100000000000000001"
        "0000000EEFF00112233445566778899AABBCCDD\n"
    )
    files = snapshot(book)
    assert run("import", str(declined)).exit_code == 1
    assert snapshot(book) == files


def test_a_meeting_moved_back_before_its_booking_closes_it(
    run: Callable[..., Run], book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calendar = tmp_path / "c.ics"
    event = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:e1\r\n"
        "DTSTART:{}T150000Z\r\nSUMMARY:Site walk\r\n"
        "ATTENDEE;CN=Jane:mailto:jane@acme.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    calendar.write_text(event.format("20261126"), newline="")
    assert run("import", str(calendar)).exit_code == 0
    [(booking, _kind, due)] = open_items(run, "2026-11-24")
    assert due == "2026-11-26"
    before = (book / "accounts" / "acme-corp.yaml").read_text(encoding="utf-8")
    # it was held on the 23rd after all: before the day it was booked on
    calendar.write_text(event.format("20261123"), newline="")
    monkeypatch.setenv("TOUCHPLAN_TODAY", "2026-11-27")
    assert run("import", str(calendar)).exit_code == 0
    assert added(book, "acme-corp", before) == (
        "  - date: 2026-11-23\n    kind: meeting\n    with: Jane Smith\n"
        "    summary: Site walk\n    ref: ics:e1\n"
        "  - date: 2026-11-27\n    kind: note\n"
        '    summary: "Held on 2026-11-23, before its booked day: Site walk"\n'
        f"    cancelled: [{booking}]\n    ref: ics:e1\n"
    )
    assert open_items(run, "2026-11-27") == []


# -- matching and kinds -------------------------------------------------------------------------


def test_a_meeting_logged_by_hand_is_not_logged_again(
    run: Callable[..., Run], book: Path, write_account: Callable[..., Path]
) -> None:
    by_hand = ACME + (
        "  - date: 2026-11-10\n    kind: meeting\n    with: Jane Smith\n    summary: QBR, done.\n"
    )
    write_account("acme-corp", by_hand)
    result = import_ics(run, "google.ics", "--format", "json")
    assert result.exit_code == 0
    assert [e for e in events(result) if e[1] == "Acme quarterly business review"] == [
        ("2026-11-10", "Acme quarterly business review", "acme-corp", "present", "meeting",
         None, "a meeting logged by hand that day"),
    ]  # fmt: skip
    assert "Acme quarterly business review" not in added(book, "acme-corp", by_hand)


def test_as_kind_and_since(run: Callable[..., Run], book: Path) -> None:
    result = import_ics(run, "google.ics", "--as", "call", "--since", "2026-11-15")
    assert result.exit_code == 0, result.stderr
    assert added(book, "acme-corp", ACME) == (
        "  - date: 2026-11-18\n"
        "    kind: call\n"
        "    with: Jane Smith, Raj Patel\n"
        "    summary: Plant tour\n"
        "    ref: ics:2b9c8d7e6f5g4h3i2j1k0l9m8n@google.com\n"
        "  - date: 2026-11-24\n"
        "    kind: note\n"
        "    with: Jane Smith\n"
        '    summary: "Booked in the calendar: Acme renewal kickoff"\n'
        '    next: "2026-12-08 call: Acme renewal kickoff"\n'
        "    ref: ics:9z8x7c6v5b4n3m2l1k0j9h8g7f@google.com\n"
    )


@pytest.mark.parametrize(
    ("location", "kind"),
    [
        ("1200 Industrial Pkwy, Dayton, OH 45404", "visit"),
        ("Acme Europe GmbH, Hauptstraße 5, 10115 Berlin", "visit"),
        ("5 rue de la Paix, Paris", "visit"),
        ("https://zoom.us/j/5551234567", "meeting"),
        ("Microsoft Teams Meeting", "meeting"),
        ("Call +1 555 0100", "meeting"),
        ("Room 4.12", "meeting"),
        ("Building 3", "meeting"),
        ("Conference room 2, 100 Main St", "visit"),
        ("The Capital Grille", "meeting"),
        ("", "meeting"),
    ],
)
def test_a_street_address_makes_a_visit(location: str, kind: str) -> None:
    from datetime import UTC, date, datetime

    from touchplan.connect.calendar_import import meeting_kind
    from touchplan.connect.ics_read import Occurrence

    moment = datetime(2026, 11, 10, 15, tzinfo=UTC)
    occurrence = Occurrence(
        "u", "ics:u", False, "t", date(2026, 11, 10), moment, moment, location, False, False,
        (), 1,
    )  # fmt: skip
    assert meeting_kind(occurrence).value == kind


def test_contact_email_wins_and_shared_domains_match_nobody(
    run: Callable[..., Run], root: Path, write_account: Callable[..., Path], tmp_path: Path
) -> None:
    write_account("acme-corp", ACME)
    write_account("acme-labs", "name: Acme Labs\ntier: B\ndomains: [acme.example]\n")
    write_account("umbrella", "name: Umbrella\ntier: B\ndomains: [umbrella.example]\n")
    write_account("umbrella-eu", "name: Umbrella EU\ntier: B\ndomains: [umbrella.example]\n")
    calendar = tmp_path / "c.ics"
    calendar.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:e1\r\nDTSTART:20261110T150000Z\r\nSUMMARY:Jane\r\n"
        b"ATTENDEE;CN=Jane:mailto:JANE@acme.example\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:e2\r\nDTSTART:20261111T150000Z\r\nSUMMARY:Someone at Acme\r\n"
        b"ATTENDEE;CN=Wile E:mailto:wile@eu.acme.example\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:e3\r\nDTSTART:20261112T150000Z\r\nSUMMARY:Umbrella\r\n"
        b"ATTENDEE:mailto:alice@umbrella.example\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:e4\r\nDTSTART:20261113T150000Z\r\nSUMMARY:Jane and Bob\r\n"
        b"ATTENDEE:mailto:jane@acme.example\r\nATTENDEE:mailto:bob.jones@gmail.com\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = run("import", str(calendar), "--dry-run", "--format", "json")
    assert events(result) == [
        # an exact contact address wins over another account's domain
        ("2026-11-10", "Jane", "acme-corp", "would-log", "meeting", "Jane Smith", None),
        # a sub-domain matches its domain; without a name, the address is who was met
        ("2026-11-11", "Someone at Acme", "acme-labs", "would-log", "meeting", "Wile E", None),
        ("2026-11-12", "Umbrella", None, "skipped", None, None,
         "no customer among its attendees"),
        ("2026-11-13", "Jane and Bob", "acme-corp", "would-log", "meeting", "Jane Smith", None),
    ]  # fmt: skip
    [gmail, umbrella] = json.loads(result.stdout)["unmatched"]
    # a domain two accounts list: the fix is to keep it in one (the same name is likelier)
    assert umbrella["domain"] == "umbrella.example"
    assert umbrella["likely"]["account"] == "umbrella"
    assert umbrella["fix"] == (
        "listed under `domains:` by accounts/umbrella-eu.yaml and accounts/umbrella.yaml: "
        "keep it in one"
    )
    # at a public mail provider, the address (never the domain) is what to add
    assert gmail == {
        "domain": "gmail.com",
        "address": "bob.jones@gmail.com",
        "people": 1,
        "events": 1,
        "likely": {
            "account": "acme-corp",
            "name": "Acme Corp",
            "file": "accounts/acme-corp.yaml",
            "why": "met with its people in 1 event",
        },
        "fix": "add bob.jones@gmail.com as a contact's email in accounts/acme-corp.yaml",
    }


# -- bad input ------------------------------------------------------------------------------


def ours(line: str) -> str:
    for marker in ("cannot be read", "`NAME:value`"):
        if marker in line:
            return line[: line.index(marker) + len(marker)]
    return line


def test_malformed_events_are_skipped_with_their_line(run: Callable[..., Run], book: Path) -> None:
    result = import_ics(run, "malformed.ics")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    # the library's own wording follows some of ours in brackets: only ours is pinned
    assert [ours(line) for line in lines] == [
        "malformed.ics:11: event 'No UID at all': has no UID, so a second import could not "
        "tell it was already imported; skipped",
        "malformed.ics:16: event 'No start' (UID no-start@tests.example): has no start "
        "(DTSTART); skipped",
        "malformed.ics:24: event 'Thirteenth month' (UID bad-month@tests.example): DTSTART "
        "cannot be read",
        "malformed.ics:31: event 'Ends before it starts' (UID backwards@tests.example): ends "
        "before it starts; skipped",
        "malformed.ics:40: event 'Same UID, second' (UID twice@tests.example): has the UID of "
        "the event of line 34; both are skipped; skipped",
        "malformed.ics:50: event 'Every so often' (UID bad-rule@tests.example): RRULE cannot "
        "be read",
        "malformed.ics:64: event 'Acme stand-up (later)' (UID series-bad-part@tests.example): "
        "unknown time zone 'Nowhere/Land' (neither an IANA nor a Windows name) (its 2 parts "
        "are all skipped); skipped",
        "malformed.ics:71: event 'A line that is not iCalendar' (UID junk-line@tests.example): "
        "has a line that is not iCalendar `NAME:value`",
    ]  # fmt: skip
    # the good event is imported all the same
    assert added(book, "acme-corp", ACME) == (
        "  - date: 2026-11-16\n    kind: meeting\n    with: Jane Smith\n"
        "    summary: Acme check-in\n    ref: ics:good-1@tests.example\n"
    )
    files = snapshot(book)
    assert import_ics(run, "malformed.ics").exit_code == 1
    assert snapshot(book) == files


def test_a_calendar_cut_short_is_refused_whole(
    run: Callable[..., Run], book: Path, tmp_path: Path
) -> None:
    text = (CALENDARS / "google.ics").read_bytes()
    cut = tmp_path / "cut.ics"
    cut.write_bytes(text[: text.index(b"SUMMARY:Plant tour")])
    files = snapshot(book)
    result = run("import", str(cut))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: cut.ics:97: BEGIN:VEVENT is never closed: the file looks cut short (export "
        "the calendar again; nothing was imported)\n"
    )
    assert snapshot(book) == files


def test_an_account_that_cannot_be_written_does_not_stop_the_others(
    run: Callable[..., Run], book: Path
) -> None:
    acme = book / "accounts" / "acme-corp.yaml"
    acme.chmod(0o444)
    result = import_ics(run, "google.ics", "--format", "json")
    assert result.exit_code == 1
    assert "error: accounts/acme-corp.yaml: accounts/acme-corp.yaml is read-only" in result.stderr
    report = json.loads(result.stdout)
    assert report["counts"]["failed"] == 3 and report["counts"]["logged"] == 1
    assert acme.read_text(encoding="utf-8") == ACME
    assert "Dinner with Globex" in added(book, "globex", GLOBEX)
    acme.chmod(0o644)
    assert import_ics(run, "google.ics").exit_code == 0
    assert added(book, "acme-corp", ACME) == GOOGLE_ACME
    assert added(book, "globex", GLOBEX).count("Dinner with Globex") == 1


def test_a_calendar_is_told_by_its_content(
    run: Callable[..., Run], book: Path, tmp_path: Path
) -> None:
    disguised = tmp_path / "meetings.txt"
    disguised.write_bytes(b"\xef\xbb\xbf\r\n  " + (CALENDARS / "apple.ics").read_bytes())
    result = run("import", str(disguised), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "Calendar import of meetings.txt (dry run: nothing written)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "party"], "error: --as: 'party' is not a meeting kind (use one of call, "
         "meeting, review, visit)\n"),
        (["--map", "A=name"], "error: --map: only for a CSV file; google.ics is an iCalendar "
         "file\n"),
        (["--format", "csv"], "error: import has no csv format (use --format json)\n"),
        (["--since", "someday"], None),
    ],
)  # fmt: skip
def test_usage_errors(
    run: Callable[..., Run], book: Path, args: list[str], message: str | None
) -> None:
    files = snapshot(book)
    result = import_ics(run, "google.ics", *args)
    assert result.exit_code == 2
    if message is not None:
        assert result.stderr == message
    assert snapshot(book) == files


def test_calendar_options_are_refused_for_a_csv_file(
    run: Callable[..., Run], root: Path, tmp_path: Path
) -> None:
    data = tmp_path / "accounts.csv"
    data.write_text("Account Name\nAcme Corp\n", encoding="utf-8")
    result = run("import", str(data), "--since", "2026-01-01")
    assert result.exit_code == 2
    assert result.stderr == "error: --since and --as are for calendar (.ics) files\n"
    assert not (root / "accounts" / "acme-corp.yaml").exists()


# -- the new keys ------------------------------------------------------------------------------


BOOKED = ACME + (
    "  - date: 2026-11-02\n"
    "    kind: note\n"
    "    summary: Plant visit agreed\n"
    '    next: "2026-11-20 visit: Plant tour"\n'
)


def test_cancelled_closes_a_booking_without_holding_it(
    run: Callable[..., Run], root: Path, write_account: Callable[..., Path]
) -> None:
    write_account("acme-corp", BOOKED)
    shown = json.loads(run("show", "acme", "--format", "json").stdout)
    [booking] = [i["id"] for i in shown["items"] if i["kind"] == "booked"]
    # while booked, the visit cadence waits for it
    assert "visit" not in [i["kind"] for i in shown["items"]]
    write_account(
        "acme-corp",
        BOOKED + f"  - date: 2026-11-10\n    kind: note\n    summary: Off\n"
        f"    cancelled: [{booking}]\n",
    )
    shown = json.loads(run("show", "acme", "--format", "json").stdout)
    kinds = [i["kind"] for i in shown["items"]]
    assert "booked" not in kinds and "visit" in kinds  # no visit was held
    [closed] = [c for c in shown["closed"] if c["kind"] == "booked"]
    assert (closed["how"], closed["on"], closed["by"]) == ("cancelled", "2026-11-10", "note")
    assert shown["history"][-1]["cancelled_ids"] == [booking]
    table = run("show", "acme").stdout
    assert f"cancelled: {booking}" in table
    assert run("check").exit_code == 0


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("    cancelled: true\n", "history[2].cancelled: 'true' is not an item id (write the "
         "ids it closes)"),
        ("    cancelled: [ab]\n", "history[2].cancelled[0]: 'ab' is not an item id (write an "
         "id from `touchplan show`, or a list of ids)"),
    ],
)  # fmt: skip
def test_cancelled_holds_ids(
    run: Callable[..., Run], write_account: Callable[..., Path], entry: str, problem: str
) -> None:
    write_account("acme-corp", BOOKED + "  - date: 2026-11-10\n    kind: note\n" + entry)
    result = run("check")
    assert result.exit_code == 1
    assert f"accounts/acme-corp.yaml:22: {problem}" in result.stdout


def test_bad_domains_and_website_are_reported_but_plan_on(
    run: Callable[..., Run], write_account: Callable[..., Path]
) -> None:
    write_account(
        "globex",
        "name: Globex\ntier: B\ndomains:\n  - globex.example\n  - Globex Inc\n"
        "website: not a web address\n",
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "accounts/globex.yaml:5: domains[1]: 'Globex Inc' is not an e-mail domain (write what "
        "follows the @ of their addresses, e.g. acme.example)",
        "accounts/globex.yaml:6: website: 'not a web address' is not a web address (e.g. "
        "https://www.acme.example)",
    ]
    today = json.loads(run("today", "--format", "json").stdout)
    assert [c["account"] for c in today["calls"]] == ["globex"]
    shown = json.loads(run("show", "globex", "--format", "json").stdout)
    assert (shown["domains"], shown["website"]) == (["globex.example"], None)


def test_entries_keep_the_file_as_it_was(
    run: Callable[..., Run], book: Path, write_account: Callable[..., Path]
) -> None:
    crlf = ("\ufeff" + ACME.replace("Intro call.", "'Intro call.'  # by phone")).replace(
        "\n", "\r\n"
    )
    path = write_account("acme-corp", crlf.encode("utf-8"))
    assert import_ics(run, "google.ics").exit_code == 0
    data = path.read_bytes()
    assert data.startswith(crlf.encode("utf-8"))
    assert data[len(crlf.encode("utf-8")) :] == GOOGLE_ACME.replace("\n", "\r\n").encode()


def test_the_fixtures_end_their_lines_as_the_clients_do() -> None:
    """CRLF, as RFC 5545 asks and every client writes (an editor must not change it)."""
    for path in CALENDARS.glob("*.ics"):
        data = path.read_bytes()
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""), path
