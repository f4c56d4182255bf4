"""An item's life through the CLI: booked appointments, renewal stages, unanswered
attempts, lost customers, deferrals, workload, `add --last-contact`, whom `--with`
means, and a bare `--done` answered on a real terminal.

Today is Tuesday 2026-11-24 (conftest). Every date below was worked out from the rules
in the README: Monday-to-Friday weeks, tier A touch every 14 days and visit/review every
90, B 30/180/180, C 90/none/365; commitments on a weekend move to the Friday before,
cadence dates to the Monday after. Item ids are hashes of the account's slug and what
opened the item, so they are fixed for these files.
"""

from __future__ import annotations

import csv
import io
import json
import os
import select
import shutil
import subprocess
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run

RunFn = Callable[..., Run]
WriteFn = Callable[..., Path]


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def words(text: str) -> list[str]:
    """Each non-blank line with its runs of spaces squeezed (table padding ignored)."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def as_json(result: Run) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def text_of(content: str) -> bytes:
    """What ``write_account`` writes for ``content``."""
    return textwrap.dedent(content).lstrip("\n").encode()


def open_items(run: RunFn, account: str, *args: str) -> list[tuple[str, str, str]]:
    """`show`'s open items as (kind, id, due), sorted (by kind first)."""
    items = as_json(run("show", account, "--format", "json", *args))["items"]
    return sorted((i["kind"], i["id"], i["due"]) for i in items)


def closed_items(run: RunFn, account: str) -> list[tuple[str, str, str, str, str | None]]:
    closed = as_json(run("show", account, "--format", "json"))["closed"]
    return [(c["kind"], c["id"], c["how"], c["on"], c["by"]) for c in closed]


def calls_on(run: RunFn, *args: str) -> list[tuple[str, list[tuple[str, str, str, int]]]]:
    """`today`'s calls as (account, [(kind, id, due, overdue_days)])."""
    data = as_json(run("today", "--format", "json", *args))
    return [
        (c["account"], [(i["kind"], i["id"], i["due"], i["overdue_days"]) for i in c["items"]])
        for c in data["calls"]
    ]


NOTHING_DUE_TODAY = [
    "Today, Tue 2026-11-24 · everyone · no calls due (capacity 6)",
    "Nothing is due. Enjoy the quiet, or run `touchplan week`.",
]


# -- booked appointments ------------------------------------------------------------------

# Tier A. Last visit 2026-08-01: the visit cadence fell due Fri 2026-10-30 (25 d late
# today). The review on 11-17 puts the next review at 2027-02-15, and the touch at
# 2026-12-01. The visit's thank-you was sent.
ACME = """
    name: Acme Depot
    tier: A
    contacts:
      - name: Jane Smith
    history:
      - date: 2026-08-01
        kind: visit
        summary: Site visit.
      - date: 2026-08-03
        kind: thank-you
        summary: Thanked Jane.
      - date: 2026-11-17
        kind: review
        summary: Health check.
    """
BOOKING = (
    "  - date: 2026-11-24\n"
    "    kind: call\n"
    "    summary: Booked the depot visit\n"
    '    next: "2026-12-01 visit: Chicago depot"\n'
)
ACME_BOOKED = text_of(ACME) + BOOKING.encode()


def test_booking_a_visit_writes_the_entry_and_stands_in_for_the_visit_cadence(
    write_account: WriteFn, run: RunFn
) -> None:
    path = write_account("acme", ACME)
    assert calls_on(run) == [("acme", [("visit", "ahq2v", "2026-10-30", 25)])]

    result = run(
        "log", "acme", "Booked the depot visit", "--next", "2026-12-01 visit: Chicago depot"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert path.read_bytes() == ACME_BOOKED
    assert lines(result.stdout) == [
        "Logged call on 2026-11-24 → accounts/acme.yaml",
        "Next: booked 7vqrm — Booked visit: Chicago depot (due 2026-12-01)",
        "Still open:",
        "  2026-12-01  booked 7vqrm: Booked visit: Chicago depot",
    ]
    # the call reset the touch (+14 d); the late visit is no longer asked for: the
    # booking stands in for it until its day
    assert lines(run("today").stdout) == NOTHING_DUE_TODAY
    assert open_items(run, "acme") == [
        ("booked", "7vqrm", "2026-12-01"),
        ("review", "g5v8j", "2027-02-15"),
        ("touch", "qnycf", "2026-12-08"),
    ]
    assert calls_on(run, "--date", "2026-11-30") == []
    assert open_items(run, "acme", "--date", "2026-11-30")[0] == ("booked", "7vqrm", "2026-12-01")


def test_on_its_day_a_booked_visit_is_a_commitment(write_account: WriteFn, run: RunFn) -> None:
    write_account("acme", ACME_BOOKED)
    data = as_json(run("today", "--date", "2026-12-01", "--format", "json"))
    (call,) = data["calls"]
    assert (call["account"], call["mode"], call["score"]) == ("acme", "visit", 1003.0)
    (booked,) = call["items"]
    assert data["items"] == [booked]
    assert {k: booked[k] for k in ("id", "class", "kind", "booked", "action", "due")} == {
        "id": "7vqrm",
        "class": "commitment",
        "kind": "booked",
        "booked": "visit",
        "action": "Booked visit: Chicago depot",
        "due": "2026-12-01",
    }
    # commitment 1000 + importance of a booking 3, due today
    assert (booked["overdue_days"], booked["score"], booked["reasons"]) == (
        0,
        1003.0,
        ["booked on 2026-11-24 (call) for 2026-12-01"],
    )
    # the touch due 2026-12-08 is within the week's look-ahead: the same visit settles it
    assert [(i["kind"], i["id"], i["due"]) for i in call["upcoming"]] == [
        ("touch", "qnycf", "2026-12-08")
    ]


@pytest.mark.parametrize(
    ("args", "entry", "closed_by"),
    [
        pytest.param(
            ["Toured the depot", "--kind", "visit"],
            "  - date: 2026-12-01\n    kind: visit\n    summary: Toured the depot\n",
            "visit",
            id="a-visit-on-its-day",
        ),
        pytest.param(
            ["Visit done", "--done", "7vqrm"],
            "  - date: 2026-12-01\n    kind: call\n    summary: Visit done\n    done: [7vqrm]\n",
            "call",
            id="done-by-id",
        ),
        pytest.param(
            ["Visit done", "--done"],
            "  - date: 2026-12-01\n    kind: call\n    summary: Visit done\n    done: [7vqrm]\n",
            "call",
            id="bare-done-the-only-booking",
        ),
    ],
)
def test_a_booked_visit_is_closed_by_a_visit_on_its_day_or_by_done(
    write_account: WriteFn,
    run: RunFn,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    entry: str,
    closed_by: str,
) -> None:
    path = write_account("acme", ACME_BOOKED)
    monkeypatch.setenv("TOUCHPLAN_TODAY", "2026-12-01")
    result = run("log", "acme", *args)
    assert (result.exit_code, result.stderr) == (0, "")
    assert path.read_bytes() == ACME_BOOKED + entry.encode()
    assert closed_items(run, "acme") == [
        ("thank-you", "41dg2", "done", "2026-08-03", "thank-you"),
        ("booked", "7vqrm", "done", "2026-12-01", closed_by),
    ]
    # either way the visit counts as held: the visit cadence starts again from 12-01
    # (+90 d = 2027-03-01), and nothing is due today; only the visit's thank-you (due
    # Thursday) is listed, done today while the day has calls to spare
    items = open_items(run, "acme")
    assert ("visit", "whcax", "2027-03-01") in items
    assert [kind for kind, _id, _due in items if kind == "booked"] == []
    assert [(acct, [i[0] for i in its]) for acct, its in calls_on(run)] == (
        [("acme", ["thank-you"])] if closed_by == "visit" else []
    )


def test_done_by_id_on_a_booking_says_what_it_closed(
    write_account: WriteFn, run: RunFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_account("acme", ACME_BOOKED)
    monkeypatch.setenv("TOUCHPLAN_TODAY", "2026-12-01")
    result = run("log", "acme", "Visit done", "--done", "7vqrm")
    assert lines(result.stdout) == [
        "Logged call on 2026-12-01 → accounts/acme.yaml",
        "Closed booked 7vqrm: Booked visit: Chicago depot",
        "Next: touch jpe5d — Check in (due 2026-12-15)",
    ]


def test_a_visit_that_keeps_a_booking_says_it_closed_it(
    write_account: WriteFn, run: RunFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_account("acme", ACME_BOOKED)
    monkeypatch.setenv("TOUCHPLAN_TODAY", "2026-12-01")
    result = run("log", "acme", "Toured the depot", "--kind", "visit")
    assert result.exit_code == 0
    assert "Closed booked 7vqrm: Booked visit: Chicago depot" in lines(result.stdout)


def test_a_booked_meeting(
    write_account: WriteFn, run: RunFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_account("acme", ACME)
    result = run("log", "acme", "Set up Q1 planning", "--next", "2026-12-03 meeting: Q1 planning")
    assert (result.exit_code, result.stderr) == (0, "")
    assert path.read_bytes() == text_of(ACME) + (
        b"  - date: 2026-11-24\n"
        b"    kind: call\n"
        b"    summary: Set up Q1 planning\n"
        b'    next: "2026-12-03 meeting: Q1 planning"\n'
    )
    # a meeting is face to face: it stands in for the visit cadence too
    assert [k for k, _i, _d in open_items(run, "acme")] == ["booked", "review", "touch"]
    data = as_json(run("today", "--date", "2026-12-03", "--format", "json"))
    assert [(c["account"], c["mode"]) for c in data["calls"]] == [("acme", "visit")]
    assert [(i["kind"], i["booked"], i["action"], i["due"]) for i in data["items"]] == [
        ("booked", "meeting", "Booked meeting: Q1 planning", "2026-12-03")
    ]
    booked_id = data["items"][0]["id"]
    monkeypatch.setenv("TOUCHPLAN_TODAY", "2026-12-03")
    assert run("log", "acme", "Planned Q1 with Jane", "--kind", "meeting").exit_code == 0
    assert ("booked", booked_id, "done", "2026-12-03", "meeting") in closed_items(run, "acme")


def test_a_booking_without_what_is_refused_and_nothing_written(
    write_account: WriteFn, run: RunFn
) -> None:
    path = write_account("acme", ACME)
    result = run("log", "acme", "Booked", "--next", "2026-12-01 visit:")
    assert (result.exit_code, result.stdout) == (2, "")
    assert " ".join(result.stderr.split()) == (
        'error: --next needs a date and an action (e.g. --next "friday Send the quote" or '
        '--next "2027-01-12 visit: Plant tour")'
    )
    assert path.read_bytes() == text_of(ACME)


def test_a_booking_kind_in_capitals_still_books(write_account: WriteFn, run: RunFn) -> None:
    write_account("acme", ACME)
    result = run("log", "acme", "Booked", "--next", "2026-12-01 Visit: Chicago depot")
    assert result.exit_code == 0
    assert [k for k, _i, _d in open_items(run, "acme")] == ["booked", "review", "touch"]


# -- renewal stages -----------------------------------------------------------------------

# Tier B, renewal Fri 2027-01-15: the window opened Mon 2026-11-16 (60 d before), so the
# renewal is 8 d late today. The call on 11-20 keeps the touch away (2026-12-21).
TALLGRASS = """
    name: Tallgrass Ag
    tier: B
    renewal: 2027-01-15
    contacts:
      - name: Gary Olsen
    history:
      - date: 2026-11-20
        kind: call
        summary: Fine.
    """


def test_a_renewal_stage_is_written_and_the_renewal_comes_back_on_its_rhythm(
    write_account: WriteFn, run: RunFn
) -> None:
    path = write_account("tallgrass", TALLGRASS)
    assert calls_on(run) == [("tallgrass", [("renewal", "5q9b8", "2026-11-16", 8)])]

    result = run(
        "log", "tallgrass", "Sent the renewal proposal", "--kind", "renewal", "--stage", "proposal"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert path.read_bytes() == text_of(TALLGRASS) + (
        b"  - date: 2026-11-24\n"
        b"    kind: renewal\n"
        b"    summary: Sent the renewal proposal\n"
        b"    stage: proposal\n"
    )
    # 52 days were left: again in a quarter of them, 13 days, Mon 2026-12-07 (before the
    # 30-day escalation on 2026-12-16)
    assert lines(result.stdout) == [
        "Logged renewal on 2026-11-24 → accounts/tallgrass.yaml",
        "Next: renewal 5q9b8 — Renewal in 52 days (proposal): keep it moving (due 2026-12-07)",
        "Still open:",
        "  2026-12-07  renewal 5q9b8: Renewal in 52 days (proposal): keep it moving",
    ]
    assert lines(run("today").stdout) == NOTHING_DUE_TODAY
    assert calls_on(run, "--date", "2026-12-04") == []
    data = as_json(run("today", "--date", "2026-12-07", "--format", "json"))
    assert [
        (i["kind"], i["id"], i["due"], i["stage"], i["progress"], i["action"])
        for i in data["items"]
    ] == [
        (
            "renewal",
            "5q9b8",
            "2026-12-07",
            "60",
            "proposal",
            "Renewal in 39 days (proposal): keep it moving",
        )
    ]


def test_closing_a_renewal_by_id_works_it_and_says_it_stays_open(
    write_account: WriteFn, run: RunFn
) -> None:
    write_account("tallgrass", TALLGRASS)
    result = run("log", "tallgrass", "Opened the renewal talk", "--done", "5q9b8")
    assert (result.exit_code, result.stderr) == (0, "")
    # never "Closed": the renewal is open until it is signed or lost
    assert lines(result.stdout) == [
        "Logged call on 2026-11-24 → accounts/tallgrass.yaml",
        "Worked renewal 5q9b8: open until signed (--kind renewal --renewal-date) or lost "
        "(touchplan lost)",
        "Next: renewal 5q9b8 — Renewal in 52 days (conversation): keep it moving (due 2026-12-07)",
        "Still open:",
        "  2026-12-07  renewal 5q9b8: Renewal in 52 days (conversation): keep it moving",
    ]


def test_a_stage_in_capitals_is_written_in_lower_case(write_account: WriteFn, run: RunFn) -> None:
    path = write_account("tallgrass", TALLGRASS)
    result = run("log", "tallgrass", "Verbal yes", "--kind", "renewal", "--stage", "VERBAL")
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes().endswith(b"    summary: Verbal yes\n    stage: verbal\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stage", "proposal"], "error: --stage goes with --kind renewal"),
        (["--kind", "call", "--stage", "proposal"], "error: --stage goes with --kind renewal"),
        (
            ["--kind", "renewal", "--stage", "signed"],
            "error: --stage: 'signed' is not a stage (use conversation, proposal or verbal)",
        ),
    ],
)
def test_bad_stage_usage_exits_2_and_writes_nothing(
    write_account: WriteFn, run: RunFn, args: list[str], message: str
) -> None:
    path = write_account("tallgrass", TALLGRASS)
    result = run("log", "tallgrass", "Talked renewal", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert lines(result.stderr) == [message]
    assert path.read_bytes() == text_of(TALLGRASS)


# -- an unanswered attempt ----------------------------------------------------------------

# Tier C: a price list promised for Friday 2026-11-27.
HALVORSEN = """
    name: Halvorsen Marine
    tier: C
    contacts:
      - name: Erik Halvorsen
    history:
      - date: 2026-11-10
        kind: call
        summary: Asked for the winter price list.
        next: 2026-11-27 Send the winter price list
    """


def test_an_attempt_on_a_friday_puts_the_call_off_to_monday_and_closes_nothing(
    write_account: WriteFn, run: RunFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOUCHPLAN_TODAY", "2026-11-27")  # a Friday
    path = write_account("halvorsen", HALVORSEN)
    assert calls_on(run) == [("halvorsen", [("follow-up", "z13y0", "2026-11-27", 0)])]

    result = run("log", "halvorsen", "No answer; left Erik a voicemail", "--kind", "attempt")
    assert (result.exit_code, result.stderr) == (0, "")
    attempt = (
        b"  - date: 2026-11-27\n    kind: attempt\n    summary: No answer; left Erik a voicemail\n"
    )
    assert path.read_bytes() == text_of(HALVORSEN) + attempt
    assert lines(result.stdout) == [
        "Logged attempt on 2026-11-27 → accounts/halvorsen.yaml",
        "Next: follow-up z13y0 — Send the winter price list (due 2026-11-27)",
        "Still open:",
        "  2026-11-27  follow-up z13y0: Send the winter price list",
    ]
    assert lines(run("today").stdout) == [
        "Today, Fri 2026-11-27 · everyone · no calls due (capacity 6)",
        "Nothing is due. Enjoy the quiet, or run `touchplan week`.",
    ]
    # back the next working day, the promise still open (and late now)
    monday = as_json(run("today", "--date", "2026-11-30", "--format", "json"))
    assert [(i["kind"], i["id"], i["due"], i["overdue_days"]) for i in monday["items"]] == [
        ("follow-up", "z13y0", "2026-11-27", 3)
    ]
    # an attempt is no contact: the last touch is still the call, and the touch cadence
    # still counts from it (2026-11-10 + 90 d)
    assert monday["calls"][0]["last_touch"] == {
        "date": "2026-11-10",
        "kind": "call",
        "summary": "Asked for the winter price list.",
    }
    assert ("touch", "3rbc7", "2027-02-08") in open_items(run, "halvorsen")
    assert closed_items(run, "halvorsen") == []


@pytest.mark.parametrize("closing", [["--done"], ["--done", "z13y0"], ["--resolved"]])
def test_an_attempt_closes_nothing_even_when_asked(
    write_account: WriteFn, run: RunFn, closing: list[str]
) -> None:
    path = write_account("halvorsen", HALVORSEN)
    result = run("log", "halvorsen", "No answer", "--kind", "attempt", *closing)
    assert (result.exit_code, result.stdout) == (2, "")
    assert lines(result.stderr) == [
        "error: an unanswered attempt closes nothing (log the call once it reaches someone)"
    ]
    assert path.read_bytes() == text_of(HALVORSEN)


# -- lost ---------------------------------------------------------------------------------

QUARRY = """
    name: Quarry Lane Builders
    tier: B
    owner: dana
    status: active   # until they leave
    renewal: 2026-12-10
    history:
      - date: 2026-09-01
        kind: call
        summary: Prices too high.
    """
PLAIN = """
    name: Plain Co
    tier: C
    history:
      - date: 2026-07-01
        kind: call
    notes: keep
    """


def test_lost_edits_the_status_adds_the_entry_and_ends_planning(
    write_account: WriteFn, run: RunFn
) -> None:
    quarry = write_account("quarry", QUARRY)
    plain = write_account("plain", PLAIN)
    assert [account for account, _items in calls_on(run)] == ["quarry", "plain"]

    result = run("lost", "quarry", "--reason", "Went with a cheaper local supplier")
    assert (result.exit_code, result.stderr) == (0, "")
    assert lines(result.stdout) == [
        "Quarry Lane Builders marked lost on 2026-11-24: Went with a cheaper local supplier"
    ]
    # `status:` is edited in place, its comment kept
    status_lost = text_of(QUARRY).replace(b"status: active   #", b"status: lost   #")
    assert quarry.read_bytes() == status_lost + (
        b"  - date: 2026-11-24\n    kind: lost\n    summary: Went with a cheaper local supplier\n"
    )

    result = run("lost", "plain", "--reason", "Closed down", "--date", "2026-11-20")
    assert (result.exit_code, result.stderr) == (0, "")
    assert lines(result.stdout) == ["Plain Co marked lost on 2026-11-20: Closed down"]
    # no `status:` yet: added after the last of the account's leading keys
    assert plain.read_bytes() == (
        b"name: Plain Co\n"
        b"tier: C\n"
        b"status: lost\n"
        b"history:\n"
        b"  - date: 2026-07-01\n"
        b"    kind: call\n"
        b"  - date: 2026-11-20\n"
        b"    kind: lost\n"
        b"    summary: Closed down\n"
        b"notes: keep\n"
    )

    assert lines(run("today").stdout) == NOTHING_DUE_TODAY
    week = as_json(run("week", "--format", "json"))
    assert [day["calls"] for day in week["days"]] == [[], [], [], [], []]
    assert week["left_over"] == []
    # the renewal is no longer worked (nor lapses): a lost customer is not renewed
    shown = as_json(run("show", "quarry", "--format", "json"))
    assert shown["status"] == "lost"
    assert [i["kind"] for i in shown["items"] if i["kind"] == "renewal"] == []
    # nor is it late for anything: a lost customer has no open items
    assert shown["items"] == []


def test_lost_twice_is_refused_and_writes_nothing(write_account: WriteFn, run: RunFn) -> None:
    path = write_account("quarry", QUARRY)
    assert run("lost", "quarry", "--reason", "Chose a competitor").exit_code == 0
    once = path.read_bytes()
    result = run("lost", "quarry", "--reason", "Again")
    assert (result.exit_code, result.stdout) == (1, "")
    assert lines(result.stderr) == ["error: Quarry Lane Builders is already marked lost"]
    assert path.read_bytes() == once


@pytest.mark.parametrize(
    ("args", "last_line"),
    [
        ([], "error: Missing option '--reason'."),
        (["--reason", "   "], 'error: --reason is empty (e.g. --reason "Chose a competitor")'),
        (
            ["--reason", "Gone", "--date", "2026-11-25"],
            "error: --date 2026-11-25 is in the future (log records touches that happened; "
            "promise future ones with --next)",
        ),
    ],
)
def test_lost_bad_usage_exits_2_and_writes_nothing(
    write_account: WriteFn, run: RunFn, args: list[str], last_line: str
) -> None:
    path = write_account("quarry", QUARRY)
    result = run("lost", "quarry", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert " ".join(lines(result.stderr)[-1].split()) == last_line
    assert path.read_bytes() == text_of(QUARRY)


# -- defer --------------------------------------------------------------------------------

# Tier B. A problem reported Fri 11-20: first response due Mon 11-23 (1 d late today),
# and a promise for Thu 11-26.
BRIGHTLINE = """
    name: Brightline Health
    tier: B
    contacts:
      - name: Renee Castillo
    history:
      - date: 2026-11-20
        kind: call
        with: Renee Castillo
        summary: Invoice 88231 billed twice.
        problem: Double-billed invoice 88231
        next: 2026-11-26 Confirm the credit note
    """
DEFERRAL = (
    b"  - date: 2026-11-24\n"
    b"    kind: defer\n"
    b"    item: w7wfh\n"
    b"    until: 2026-12-03\n"
    b"    summary: Finance issues the credit note on the 2nd\n"
)


@pytest.fixture
def book_to_defer(write_account: WriteFn) -> dict[str, Path]:
    return {
        "brightline": write_account("brightline", BRIGHTLINE),
        "tallgrass": write_account("tallgrass", TALLGRASS),
    }


def test_defer_sets_one_item_aside_until_its_date(
    book_to_defer: dict[str, Path], run: RunFn
) -> None:
    assert calls_on(run) == [
        ("tallgrass", [("renewal", "5q9b8", "2026-11-16", 8)]),
        (
            "brightline",
            [("problem", "w7wfh", "2026-11-23", 1), ("follow-up", "x4we8", "2026-11-26", -2)],
        ),
    ]
    reason = "Finance issues the credit note on the 2nd"
    result = run("defer", "w7wfh", "--until", "2026-12-03", "--reason", reason)
    assert (result.exit_code, result.stderr) == (0, "")
    assert lines(result.stdout) == [
        "Deferred problem w7wfh of Brightline Health until 2026-12-03: "
        "Finance issues the credit note on the 2nd"
    ]
    assert book_to_defer["brightline"].read_bytes() == text_of(BRIGHTLINE) + DEFERRAL
    assert book_to_defer["tallgrass"].read_bytes() == text_of(TALLGRASS)

    # nothing else on the account is due today: only its promise due Thursday is left,
    # done today while the day has calls to spare
    assert calls_on(run) == [
        ("tallgrass", [("renewal", "5q9b8", "2026-11-16", 8)]),
        ("brightline", [("follow-up", "x4we8", "2026-11-26", -2)]),
    ]

    card = words(run("show", "brightline").stdout)
    at = card.index("2026-12-03 problem w7wfh Work the open problem: Double-billed invoice 88231 5")
    assert card[at + 1 : at + 4] == [
        "in 9 d · problem reported on 2026-11-20: Double-billed invoice 88231",
        "· first response within 1 day (working days)",
        "· deferred on 2026-11-24 until 2026-12-03: Finance issues the credit note on the 2nd",
    ]
    shown = as_json(run("show", "brightline", "--format", "json"))
    (problem,) = [i for i in shown["items"] if i["id"] == "w7wfh"]
    assert problem["due"] == "2026-12-03"
    assert problem["deferred"] == {"until": "2026-12-03", "reason": reason, "on": "2026-11-24"}
    assert shown["history"][-1]["item"] == "w7wfh"
    assert shown["history"][-1]["until"] == "2026-12-03"

    # the promise still falls due on its day; the problem comes back on the 3rd
    assert ("brightline", [("follow-up", "x4we8", "2026-11-26", 0)]) in calls_on(
        run, "--date", "2026-11-26"
    )
    back = as_json(run("today", "--date", "2026-12-03", "--format", "json"))
    brightline = [c for c in back["calls"] if c["account"] == "brightline"]
    assert [(i["kind"], i["id"], i["due"], i["overdue_days"]) for i in brightline[0]["items"]] == [
        ("follow-up", "x4we8", "2026-11-26", 7),
        ("problem", "w7wfh", "2026-12-03", 0),
    ]
    # back on its date, the deferral is no longer in force
    assert [i["deferred"] for i in brightline[0]["items"]] == [None, None]


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2026-11-24", "error: --until 2026-11-24 is not in the future"),
        ("yesterday", "error: --until 2026-11-23 is not in the future"),
    ],
)
def test_defer_until_not_in_the_future_is_refused(
    book_to_defer: dict[str, Path], run: RunFn, until: str, message: str
) -> None:
    result = run("defer", "w7wfh", "--until", until, "--reason", "Later")
    assert (result.exit_code, result.stdout) == (2, "")
    assert lines(result.stderr) == [message]
    assert book_to_defer["brightline"].read_bytes() == text_of(BRIGHTLINE)


def test_a_renewal_is_not_deferred(book_to_defer: dict[str, Path], run: RunFn) -> None:
    result = run("defer", "5q9b8", "--until", "2026-12-03", "--reason", "Board meets later")
    assert (result.exit_code, result.stdout) == (2, "")
    assert lines(result.stderr) == [
        "error: a renewal is not deferred (record its progress with log --kind renewal "
        "--stage, or touchplan lost)"
    ]
    assert book_to_defer["tallgrass"].read_bytes() == text_of(TALLGRASS)


def test_defer_an_unknown_id_writes_nothing(book_to_defer: dict[str, Path], run: RunFn) -> None:
    result = run("defer", "zzzzz", "--until", "2026-12-03", "--reason", "Later")
    assert (result.exit_code, result.stdout) == (1, "")
    assert " ".join(result.stderr.split()) == (
        "error: no open item 'zzzzz'; nothing was written (`today`, `show ACCOUNT` and "
        "`week` print the ids of open items)"
    )
    # with the account named, the error lists that account's open items
    result = run(
        "defer", "zzzzz", "--account", "brightline", "--until", "2026-12-03", "--reason", "Later"
    )
    assert (result.exit_code, result.stdout) == (1, "")
    assert " ".join(result.stderr.split()) == (
        "error: no open item 'zzzzz'; nothing was written (open: w7wfh (problem), x4we8 "
        "(follow-up), wk5n5 (touch), 1mdnv (review), waf0s (visit), n9kaa (stakeholder))"
    )
    # an id of another account than the one named is unknown there
    result = run(
        "defer", "x4we8", "--account", "tallgrass", "--until", "2026-12-03", "--reason", "Later"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no open item 'x4we8'; nothing was written")
    assert {k: p.read_bytes() for k, p in book_to_defer.items()} == {
        "brightline": text_of(BRIGHTLINE),
        "tallgrass": text_of(TALLGRASS),
    }


@pytest.mark.parametrize("missing", ["--until", "--reason"])
def test_defer_needs_until_and_reason(
    book_to_defer: dict[str, Path], run: RunFn, missing: str
) -> None:
    args = {"--until": "2026-12-03", "--reason": "Later"}
    del args[missing]
    result = run("defer", "w7wfh", *[part for pair in args.items() for part in pair])
    assert (result.exit_code, result.stdout) == (2, "")
    assert lines(result.stderr)[-1] == f"error: Missing option '{missing}'."
    assert book_to_defer["brightline"].read_bytes() == text_of(BRIGHTLINE)


# Never contacted, so each has one item, a first touch, keyed by the slug alone. These
# two slugs' keys share their first three characters (22dzj..., 22dny...).
NEW_GRANITE = "name: Granite Works\ntier: B\nadded: 2026-11-02\n"
NEW_ORCHID = "name: Orchid Labs\ntier: B\nadded: 2026-11-20\n"


def test_an_id_prefix_shared_by_two_accounts_needs_account(
    write_account: WriteFn, run: RunFn
) -> None:
    granite = write_account("granite-1", NEW_GRANITE)
    orchid = write_account("orchid-28", NEW_ORCHID)
    assert calls_on(run) == [
        ("granite-1", [("touch", "22dzj", "2026-11-02", 22)]),
        ("orchid-28", [("touch", "22dny", "2026-11-20", 4)]),
    ]
    result = run("defer", "22d", "--until", "2026-12-01", "--reason", "Trade show")
    assert (result.exit_code, result.stdout) == (1, "")
    assert lines(result.stderr) == [
        "error: '22d' names items of several accounts; pass --account",
        "  orchid-28: 22dny  touch: Get in touch: first contact (due 2026-11-20)",
        "  granite-1: 22dzj  touch: Get in touch: first contact (due 2026-11-02)",
    ]
    assert (granite.read_bytes(), orchid.read_bytes()) == (
        NEW_GRANITE.encode(),
        NEW_ORCHID.encode(),
    )

    result = run(
        "defer", "22d", "--account", "orchid", "--until", "2026-12-01", "--reason", "Trade show"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert lines(result.stdout) == [
        "Deferred touch 22dny of Orchid Labs until 2026-12-01: Trade show"
    ]
    assert granite.read_bytes() == NEW_GRANITE.encode()
    assert orchid.read_bytes() == NEW_ORCHID.encode() + (
        b"history:\n"
        b"  - date: 2026-11-24\n"
        b"    kind: defer\n"
        b"    item: 22dny\n"
        b"    until: 2026-12-01\n"
        b"    summary: Trade show\n"
    )
    assert calls_on(run) == [("granite-1", [("touch", "22dzj", "2026-11-02", 22)])]
    # a whole id names one item: no --account needed
    assert run("defer", "22dzj", "--until", "+1w", "--reason", "Busy").exit_code == 0
    assert calls_on(run) == []


def test_colliding_ids_are_told_apart_and_the_short_one_names_the_earlier_item(
    write_account: WriteFn, run: RunFn
) -> None:
    # these slugs' first-touch keys share five characters: c99e511z..., c99e5mjr...
    early = write_account("acct-6825", "name: Early Co\ntier: B\nadded: 2026-11-02\n")
    write_account("acct-8797", "name: Late Co\ntier: B\nadded: 2026-11-20\n")
    # the item opened earlier keeps the short id; the other is lengthened
    assert calls_on(run) == [
        ("acct-6825", [("touch", "c99e5", "2026-11-02", 22)]),
        ("acct-8797", [("touch", "c99e5m", "2026-11-20", 4)]),
    ]
    # every command shows the same ids, with or without the cache
    assert calls_on(run, "--no-cache") == calls_on(run)
    late = as_json(run("show", "acct-8797", "--format", "json"))
    assert [i["id"] for i in late["items"] if i["kind"] == "touch"] == ["c99e5m"]
    week = as_json(run("week", "--format", "json"))
    assert [i["id"] for i in week["days"][0]["items"]] == ["c99e5", "c99e5m"]
    logged = run("log", "acct-8797", "Intro call", "--kind", "attempt")
    assert "touch c99e5m" in logged.stdout
    result = run("defer", "c99e5", "--until", "2026-12-01", "--reason", "Trade show")
    assert result.exit_code == 0, result.stderr
    assert early.read_bytes().endswith(
        b"    item: c99e5\n    until: 2026-12-01\n    summary: Trade show\n"
    )


# -- workload -----------------------------------------------------------------------------

# A Monday-to-Friday week: a calendar day is 5/7 of a working day. A touch every 14 days
# is 1/14 / (5/7) = 0.1 calls a working day; every 30: 0.0467; every 90: 0.0156.
# Commitments over the last 90 days (90 x 5/7 = 64.29 working days): the sale opens three
# commitment steps, 3 / 64.29 = 0.0467; the problem a first response and a touch every 2
# working days for a week, 3.5 / 64.29 = 0.0544; the promise 1 / 64.29 = 0.0156. The
# renewal within a year: 1 + 60/14 touches over 365 x 5/7 working days = 0.0203.
ANCHOR = """
    name: Anchor Steel
    tier: A
    owner: dana
    history:
      - date: 2026-11-02
        kind: sale
        summary: Signed the supply contract.
      - date: 2026-11-10
        kind: call
        summary: First delivery late.
        problem: Late first delivery
        next: 2026-11-30 Send the revised schedule
    """


@pytest.fixture
def small_book(write_account: WriteFn) -> None:
    write_account("anchor", ANCHOR)
    write_account("birch", "name: Birch Foods\ntier: B\nowner: dana\nrenewal: 2027-03-31\n")
    write_account("cedar", "name: Cedar Print\ntier: C\nowner: lee\n")


def test_workload_json(small_book: None, run: RunFn) -> None:
    assert as_json(run("workload", "--format", "json")) == {
        "date": "2026-11-24",
        "owner": None,
        "capacity": 6,
        "needed": 0.3,  # 0.16 + 0.05 + 0.05 + 0.02 + 0.02
        "over": False,
        "by_tier": [
            {"tier": "A", "accounts": 1, "cadence": 14, "calls": 0.1},
            {"tier": "B", "accounts": 1, "cadence": 30, "calls": 0.05},
            {"tier": "C", "accounts": 1, "cadence": 90, "calls": 0.02},
        ],
        "by_kind": [
            {"kind": "touch", "count": 3, "calls": 0.16},  # 0.1 + 0.0467 + 0.0156
            {"kind": "sequence steps", "count": 1, "calls": 0.05},
            {"kind": "problem", "count": 1, "calls": 0.05},
            {"kind": "follow-up", "count": 1, "calls": 0.02},
            {"kind": "renewal", "count": 1, "calls": 0.02},
        ],
        "suggestions": [],
    }
    # dana's book leaves Cedar out: touch 0.1 + 0.0467 = 0.15
    mine = as_json(run("workload", "--owner", "dana", "--format", "json"))
    assert (mine["owner"], mine["needed"]) == ("dana", 0.29)
    assert [t["accounts"] for t in mine["by_tier"]] == [1, 1, 0]


def test_workload_csv(small_book: None, run: RunFn) -> None:
    result = run("workload", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["part", "name", "count", "cadence", "calls"],
        ["tier", "A", "1", "14", "0.1"],
        ["tier", "B", "1", "30", "0.05"],
        ["tier", "C", "1", "90", "0.02"],
        ["kind", "touch", "3", "", "0.16"],
        ["kind", "sequence steps", "1", "", "0.05"],
        ["kind", "problem", "1", "", "0.05"],
        ["kind", "follow-up", "1", "", "0.02"],
        ["kind", "renewal", "1", "", "0.02"],
    ]


def test_workload_table(small_book: None, run: RunFn) -> None:
    result = run("workload")
    assert (result.exit_code, result.stderr) == (0, "")
    table = words(result.stdout)
    assert table[:2] == [
        "Workload of the book on 2026-11-24",
        "0.3 calls a working day needed, capacity 6",
    ]
    assert table[2:] == [
        "By tier (keep-in-touch)",
        "Tier Accounts Every Calls a day",
        "─" * 34,
        "A 1 14 d 0.1",
        "B 1 30 d 0.05",
        "C 1 90 d 0.02",
        "By kind",
        "Kind Count Calls a day",
        "─" * 34,
        "touch 3 0.16",
        "sequence steps 1 0.05",
        "problem 1 0.05",
        "follow-up 1 0.02",
        "renewal 1 0.02",
        "Cadence calls come from each account's touch cadence; commitment calls from the "
        "last 90 days' sales, problems and promises and the renewals ahead.",
    ]


def test_an_overloaded_book_says_what_would_fit(
    root: Path, write_account: WriteFn, run: RunFn
) -> None:
    # capacity 1: nine A accounts (0.9), two B (0.0933, shown 0.09) and one C (0.0156,
    # shown 0.02) need 1.0089, shown 1.01. Moving the cheaper B account to C's 90 days
    # saves 0.0311, enough for the 0.01 over; or C's 0.02 must shrink to 0.01: 180 days.
    (root / "touchplan.yaml").write_text("capacity: 1\n", encoding="utf-8")
    for n in range(1, 10):
        write_account(f"a{n}", f"name: A{n}\ntier: A\n")
    write_account("b-big", "name: B Big\ntier: B\nvalue: 90000\n")
    write_account("b-small", "name: B Small\ntier: B\nvalue: 5000\n")
    write_account("c1", "name: C1\ntier: C\n")
    result = run("workload")
    assert (result.exit_code, result.stderr) == (0, "")
    table = words(result.stdout)
    assert table[1] == "1.01 calls a working day needed, capacity 1"
    at = table.index("What would fit:")
    assert table[at : at + 4] == [
        "What would fit:",
        "raise capacity to 2 calls a day",
        "or move 1 B account with the lowest value to the C cadence (90 days): b-small",
        "or lengthen the C cadence to 180 days",
    ]
    data = as_json(run("workload", "--format", "json"))
    assert (data["needed"], data["over"], data["capacity"]) == (1.01, True, 1)
    assert data["suggestions"] == [
        {"text": "raise capacity to 2 calls a day", "accounts": []},
        {
            "text": "or move 1 B account with the lowest value to the C cadence (90 days)",
            "accounts": ["b-small"],
        },
        {"text": "or lengthen the C cadence to 180 days", "accounts": []},
    ]


# -- add --last-contact -------------------------------------------------------------------


def test_add_with_a_last_contact_records_it_and_the_cadence_counts_from_it(
    root: Path, run: RunFn
) -> None:
    result = run(
        "add", "Acme Corp", "--tier", "A", "--since", "2024-03-01", "--last-contact", "2026-10-30"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert (root / "accounts" / "acme-corp.yaml").read_bytes() == (
        b"name: Acme Corp\n"
        b"tier: A\n"
        b"since: 2024-03-01\n"
        b"added: 2026-11-24\n"
        b"history:\n"
        b"  - date: 2026-10-30\n"
        b"    kind: imported\n"
        b"    summary: Last contact before touchplan (add --last-contact)\n"
    )
    # 2026-10-30 + 14 d = 2026-11-13, before the account came to touchplan: due today
    assert lines(result.stdout) == [
        "Created accounts/acme-corp.yaml",
        "Next: touch 9t6dw — Check in (due 2026-11-24)",
    ]
    data = as_json(run("today", "--format", "json"))
    (item,) = data["items"]
    assert (item["kind"], item["id"], item["due"], item["overdue_days"]) == (
        "touch",
        "9t6dw",
        "2026-11-24",
        0,
    )
    assert item["reasons"] == [
        "last contact 2026-10-30 (imported); tier A every 14 days",
        "counted from 2026-11-24, when it was added to touchplan",
    ]
    assert item["last_touch"] == {
        "date": "2026-10-30",
        "kind": "imported",
        "summary": "Last contact before touchplan (add --last-contact)",
    }


def test_add_last_contact_takes_a_weekday_as_the_last_one(root: Path, run: RunFn) -> None:
    since = ("--since", "2025-01-06")
    result = run("add", "Globex", "--tier", "C", *since, "--last-contact", "friday")
    assert result.exit_code == 0, result.stderr
    text = (root / "accounts" / "globex.yaml").read_text(encoding="utf-8")
    assert "  - date: 2026-11-20\n    kind: imported\n" in text


@pytest.mark.parametrize("when", ["2026-11-25", "tomorrow", "+1w"])
def test_add_a_last_contact_in_the_future_is_refused(root: Path, run: RunFn, when: str) -> None:
    result = run("add", "Globex", "--tier", "B", "--last-contact", when)
    assert (result.exit_code, result.stdout) == (2, "")
    assert "error: --last-contact" in result.stderr
    assert list((root / "accounts").iterdir()) == []


def test_an_existing_customer_added_with_its_last_contact_is_not_new(
    root: Path, run: RunFn
) -> None:
    assert run("add", "Acme Corp", "--tier", "A", "--last-contact", "2026-10-30").exit_code == 0
    assert run("log", "acme", "Intro call").exit_code == 0
    # no onboarding gap check; tier A's touch every 14 days, not halved to 7
    assert [k for k, _i, _d in open_items(run, "acme")] == ["review", "touch", "visit"]
    assert ("touch", "2026-12-08") in [(k, d) for k, _i, d in open_items(run, "acme")]


# -- whom --with means ----------------------------------------------------------------------

PINECREST = """
    name: Pinecrest Dental
    tier: B
    contacts:
      - name: Dr. Alicia Moreno
      - name: Élodie Martin
      - name: Alicia Brandt
    history:
      - date: 2026-11-02
        kind: call
    """


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("moreno", b"    with: Dr. Alicia Moreno\n"),
        ("Dr Moreno", b"    with: Dr. Alicia Moreno\n"),
        ("elodie", b'    with: "\xc3\x89lodie Martin"\n'),
        ("MARTIN", b'    with: "\xc3\x89lodie Martin"\n'),
        ("brandt", b"    with: Alicia Brandt\n"),
    ],
)
def test_with_ignores_titles_accents_and_case(
    write_account: WriteFn, run: RunFn, given: str, written: bytes
) -> None:
    path = write_account("pinecrest", PINECREST)
    result = run("log", "pinecrest", "Checked in", "--with", given)
    assert (result.exit_code, result.stderr) == (0, "")
    assert path.read_bytes() == text_of(PINECREST) + (
        b"  - date: 2026-11-24\n    kind: call\n" + written + b"    summary: Checked in\n"
    )


def test_with_an_ambiguous_first_name_lists_the_candidates(
    write_account: WriteFn, run: RunFn
) -> None:
    path = write_account("pinecrest", PINECREST)
    result = run("log", "pinecrest", "Checked in", "--with", "alicia")
    assert (result.exit_code, result.stdout) == (1, "")
    assert lines(result.stderr) == [
        "error: --with 'alicia' could be any of",
        "  Dr. Alicia Moreno",
        "  Alicia Brandt",
    ]
    assert path.read_bytes() == text_of(PINECREST)


# -- a bare --done on a real terminal -------------------------------------------------------

TWO_DUE = """
    name: Fenwick Supply
    tier: C
    contacts:
      - name: Hal Brennan
      - name: Renee Castillo
    history:
      - date: 2026-11-01
        kind: call
        with: Hal Brennan
        next: 2026-11-10 Send the brochure
      - date: 2026-11-02
        kind: email
        with: Renee Castillo
        next: 2026-11-20 Confirm the credit note
    """


def converse(argv: list[str], answer: str, timeout: float = 60) -> tuple[str, str, int]:
    """Run the installed `touchplan` with stdin and stdout on a pseudo-terminal, type
    ``answer`` when it asks which ids, and return what the terminal showed, stderr and
    the exit code. A hang fails the test after ``timeout`` seconds instead of blocking."""
    import pty

    exe = shutil.which("touchplan")
    assert exe is not None
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [exe, *argv], stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=dict(os.environ)
    )
    os.close(slave)
    seen = b""
    answered = False
    deadline = time.monotonic() + timeout
    try:
        while True:
            if time.monotonic() > deadline:
                raise AssertionError(f"no end after {timeout} s; the terminal showed {seen!r}")
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if not answered and b"which ids" in seen:
                os.write(master, answer.encode() + b"\n")
                answered = True
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert answered, f"it never asked; the terminal showed {seen!r}"
    return seen.decode().replace("\r\n", "\n"), err, code


BROCHURE = "Closed follow-up 4prxs: Send the brochure"
CREDIT_NOTE = "Closed follow-up baz1k: Confirm the credit note"


@pytest.mark.parametrize(
    ("answer", "written", "closed"),
    [
        ("4prxs", "    done: [4prxs]\n", [BROCHURE]),
        ("baz1k, 4prxs", "    done: [baz1k, 4prxs]\n", [CREDIT_NOTE, BROCHURE]),
    ],
)
def test_a_bare_done_on_a_terminal_asks_which_and_closes_exactly_those(
    root: Path, write_account: WriteFn, answer: str, written: str, closed: list[str]
) -> None:
    path = write_account("fenwick", TWO_DUE)
    shown, err, code = converse(
        ["log", "fenwick", "Sent and called", "--done", "--dir", str(root)], answer
    )
    assert code == 0, shown + err
    assert err.strip() == ""
    screen = lines(shown)
    assert screen[:2] == [
        "  4prxs  follow-up: Send the brochure (due 2026-11-10)",
        "  baz1k  follow-up: Confirm the credit note (due 2026-11-20)",
    ]
    assert screen[2].startswith("--done: which ids (space-separated):")
    assert "[]" not in screen[2]  # no empty default shown
    entry = "  - date: 2026-11-24\n    kind: call\n    summary: Sent and called\n" + written
    assert path.read_bytes() == text_of(TWO_DUE) + entry.encode()
    assert [line for line in screen if line.startswith("Closed ")] == closed


def test_a_bare_done_on_a_terminal_answered_with_nothing_writes_nothing(
    root: Path, write_account: WriteFn
) -> None:
    path = write_account("fenwick", TWO_DUE)
    argv = ["log", "fenwick", "Sent and called", "--done", "--dir", str(root)]
    shown, err, code = converse(argv, "")
    assert code == 1, shown + err
    assert err.strip() == "Aborted."
    assert not any(line.startswith("Logged") for line in lines(shown))
    assert path.read_bytes() == text_of(TWO_DUE)
