"""The retention scoreboard and the trends, figure by figure, on small hand-built books.

Today is Tuesday 2026-11-24. Most rows ask for `--quarter 2026Q4`: 2026-10-01 to
today (a quarter under way ends today). Each row is a book of a few accounts whose
answer is worked out by hand in its comment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Visits and reviews off: only what a row is about opens items.
QUIET = """\
visit:
  every: {A: null, B: null, C: null}
review:
  every: {A: null, B: null, C: null}
"""


def account(owner: str, *entries: str, extra: str = "", tier: str = "B") -> str:
    head = f"name: {owner}-x\ntier: {tier}\nowner: {owner}\nsince: 2024-01-01\n{extra}"
    return head + "history:\n" + "".join(entries) if entries else head


def entry(day: str, kind: str, *lines: str) -> str:
    text = f"  - date: {day}\n    kind: {kind}\n"
    return text + "".join(f"    {line}\n" for line in lines)


def report(
    root: Path,
    write_account: Callable[..., Path],
    run: Callable[..., Any],
    book: dict[str, str],
    *args: str,
) -> dict[str, Any]:
    (root / "touchplan.yaml").write_text(QUIET)
    for slug, text in book.items():
        write_account(slug, text)
    result = run("report", "--format", "json", *args)
    assert (result.exit_code, result.stderr) == (0, "")
    data: dict[str, Any] = json.loads(result.stdout)
    return data


RENEWALS = {
    # hand-written signing: the file still holds the date it closed (exact), signed
    # 11 days ahead; the conversation started on 08-15, 77 days ahead
    "on-time": account(
        "dana",
        entry("2026-08-15", "renewal", "summary: opened the renewal", "stage: conversation"),
        entry("2026-10-20", "renewal", "summary: signed", "renewal: 2027-10-31"),
        extra="renewal: 2026-10-31\nvalue: 100\n",
    ),
    # `log` moved the file to the new date: the date closed is estimated, 12 months
    # before (2026-10-15); signed 10 days late; the conversation began 40 days ahead
    "late": account(
        "dana",
        entry("2026-09-05", "renewal", "summary: talking", "stage: proposal"),
        entry("2026-10-25", "renewal", "summary: signed at last", "renewal: 2027-10-15"),
        extra="renewal: 2027-10-15\nvalue: 200\n",
    ),
    # lapsed on 10-05, renewed on 11-10: renewed late, 36 days
    "lapsed-then-renewed": account(
        "dana",
        entry("2026-11-10", "renewal", "summary: signed after all", "renewal: 2027-10-05"),
        extra="renewal: 2027-10-05\nvalue: 300\n",
    ),
    # the date passed 22 days ago, nothing signed, nothing lost
    "lapsed": account("lee", extra="renewal: 2026-11-02\nvalue: 400\n"),
    # lost before its date; the reason is the lost entry's summary
    "lost": account(
        "lee",
        entry("2026-11-01", "lost", "summary: Chose a competitor"),
        extra="renewal: 2026-11-15\nvalue: 500\nstatus: lost\n",
    ),
    # due today: still open, not in the value due
    "open": account("lee", extra="renewal: 2026-11-24\nvalue: 600\n"),
    # after the period: not counted
    "later": account("lee", extra="renewal: 2027-03-31\nvalue: 700\n"),
}


def test_renewal_outcomes_and_revenue_retention(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    data = report(root, write_account, run, RENEWALS, "--quarter", "2026Q4")
    assert (data["from"], data["until"], data["quarter"]) == ("2026-10-01", "2026-11-24", "2026Q4")
    total = data["total"]
    assert {k: total[k] for k in total if k.startswith(("renewals_", "value_"))} == {
        "renewals_due": 6,
        "renewals_on_time": 1,
        "renewals_late": 2,
        "renewals_lapsed": 1,
        "renewals_lost": 1,
        "renewals_open": 1,
        "renewals_started_ahead": 1,  # only on-time's began >= 60 days ahead
        "value_due": 1500.0,  # 100 + 200 + 300 + 400 + 500: the open one is undecided
        "value_renewed": 600.0,
    }
    assert total["grr"] == 40.0
    assert total["customers_lost"] == 1
    outcomes = [
        (o["account"], o["renewal"], o["estimated"], o["outcome"], o["closed"], o["days_late"])
        for o in data["outcomes"]
    ]
    assert outcomes == [
        ("lapsed-then-renewed", "2026-10-05", True, "late", "2026-11-10", 36),
        ("late", "2026-10-15", True, "late", "2026-10-25", 10),
        ("on-time", "2026-10-31", False, "on-time", "2026-10-20", 0),
        ("lapsed", "2026-11-02", False, "lapsed", None, 22),
        ("lost", "2026-11-15", False, "lost", "2026-11-01", 0),
        ("open", "2026-11-24", False, "open", None, 0),
    ]
    assert [o["reason"] for o in data["outcomes"]] == [
        None,
        None,
        None,
        None,
        "Chose a competitor",
        None,
    ]
    assert data["lost"] == [
        {
            "account": "lost",
            "name": "lee-x",
            "tier": "B",
            "owner": "lee",
            "date": "2026-11-01",
            "reason": "Chose a competitor",
            "value": 500.0,
            "file": "accounts/lost.yaml",
        }
    ]
    by_owner = {g["group"]: (g["renewals_due"], g["grr"]) for g in data["groups"]}
    assert by_owner == {"dana": (3, 100.0), "lee": (3, 0.0)}


def test_a_renewal_is_counted_in_the_period_of_its_date(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    # September: the period before the quarter; the same books, other renewals
    data = report(
        root, write_account, run, RENEWALS, "--since", "2026-09-01", "--until", "2026-10-10"
    )
    assert [(o["account"], o["outcome"]) for o in data["outcomes"]] == [
        ("lapsed-then-renewed", "late"),  # as known on the report's date
    ]


def test_an_owner_change_goes_to_the_owner_in_the_file(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    # Dana worked and signed this renewal; then the account passed to Lee (the file
    # says `owner: lee`). Git history is not read: every figure goes to Lee.
    book = {
        "handed-over": account(
            "lee",
            entry("2026-10-05", "call", "with: Jane", "summary: Dana's call"),
            entry("2026-10-20", "renewal", "summary: Dana signed", "renewal: 2027-10-31"),
            extra="renewal: 2027-10-31\nvalue: 900\n",
        ),
    }
    data = report(root, write_account, run, book, "--quarter", "2026Q4")
    assert [(g["group"], g["renewals_on_time"], g["contacts"]) for g in data["groups"]] == [
        ("lee", 1, 2)
    ]


COMMITMENTS: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    (
        "promises: on time, late, open; one due before the period",
        {
            "p": account(
                "dana",
                entry("2026-09-10", "call", "summary: a", "next: 2026-09-20 Old promise"),
                entry("2026-10-05", "call", "summary: b", "next: 2026-10-09 Send the quote"),
                entry("2026-10-08", "call", "summary: c", "next: 2026-10-12 Send samples"),
                entry("2026-10-09", "email", "summary: quote sent", "done: true"),
                entry("2026-10-14", "email", "summary: samples sent", "done: true"),
                entry("2026-11-01", "call", "summary: d", "next: 2026-11-02 Call back"),
            )
        },
        {"promises_due": 3, "promises_on_time": 1, "promises_late": 1, "promises_open": 1},
    ),
    (
        "thank-yous: within two days, late, missed, still open",
        {
            "t": account(
                "dana",
                entry("2026-10-06", "sale", "summary: sold"),  # due 10-08
                entry("2026-10-07", "thank-you", "summary: thanks"),
                entry("2026-10-20", "visit", "summary: visit"),  # due 10-22
                entry("2026-10-26", "thank-you", "summary: late thanks"),
                entry("2026-11-02", "meeting", "summary: meeting"),  # due 11-04, expired 11-11
                entry("2026-11-20", "visit", "summary: visit"),  # due 11-22, open until 11-29
            )
        },
        {
            "thank_yous_due": 4,
            "thank_yous_on_time": 1,
            "thank_yous_late": 1,
            "thank_yous_missed": 1,
            "thank_yous_open": 1,
        },
    ),
    (
        "an anniversary's thank-you is cadence work, not a thank-you owed: not counted",
        {
            # a customer since 2023-10-07: the anniversary on 2026-10-07 goes unthanked
            "missed": "name: m\ntier: B\nowner: dana\nsince: 2023-10-07\nhistory:\n"
            + entry("2026-09-01", "call", "summary: a"),
            # ... and here is thanked the day after
            "thanked": "name: t\ntier: B\nowner: dana\nsince: 2023-10-07\nhistory:\n"
            + entry("2026-10-08", "thank-you", "summary: three years"),
        },
        {
            "thank_yous_due": 0,
            "thank_yous_on_time": 0,
            "thank_yous_late": 0,
            "thank_yous_missed": 0,
            "thank_yous_open": 0,
            "contacts": 1,
        },
    ),
    (
        "gap checks: done (explicitly), missed after their window",
        {
            "done": account(
                "dana",
                entry("2026-10-06", "sale", "summary: sold"),  # gap check due 10-13
                entry("2026-10-13", "call", "summary: all delivered", "done: true"),
            ),
            "missed": account(
                "dana",
                entry("2026-10-01", "sale", "summary: sold"),  # due 10-08, expired 10-22
            ),
        },
        {"gap_checks_due": 2, "gap_checks_done": 1, "gap_checks_missed": 1, "gap_checks_open": 0},
    ),
    (
        "problems: opened and resolved in the period, median days to resolve",
        {
            "old": account(
                "dana",
                entry("2026-09-10", "call", "summary: a", "problem: Broken part"),
                entry("2026-10-02", "call", "summary: fixed", "resolved: true"),  # 22 days
            ),
            "fast": account(
                "dana",
                entry("2026-10-05", "call", "summary: a", "problem: Late delivery"),
                entry("2026-10-09", "call", "summary: arrived", "resolved: true"),  # 4 days
            ),
            "slow": account(
                "dana",
                entry("2026-10-20", "call", "summary: a", "problem: Wrong invoice"),
                entry("2026-11-10", "call", "summary: credited", "resolved: true"),  # 21 days
            ),
            "open": account("dana", entry("2026-11-18", "call", "summary: a", "problem: Outage")),
        },
        {"problems_opened": 3, "problems_resolved": 3, "problems_median_days": 21.0},
    ),
    (
        "contacts by kind: a note, an attempt and a deferral reach nobody",
        {
            "c": account(
                "dana",
                entry("2026-09-30", "call", "summary: before the period"),
                entry("2026-10-01", "call", "summary: a"),
                entry("2026-10-02", "email", "summary: b"),
                entry("2026-10-03", "note", "summary: internal"),
                entry("2026-10-05", "attempt", "summary: no answer"),
                entry("2026-10-06", "share", "summary: an article"),
            )
        },
        {"contacts": 3, "touches_total": 5},
    ),
    (
        "within cadence at the period's end: reached, and the touch not late",
        {
            "recent": account("dana", entry("2026-11-17", "call", "summary: a"), tier="A"),
            "stale": account("dana", entry("2026-10-01", "call", "summary: a"), tier="A"),
            "never": account("dana", tier="A"),  # never reached: not within cadence
            "snoozed": account(
                "dana",
                entry("2026-06-01", "call", "summary: a"),
                extra="snooze:\n  until: 2026-12-31\n  reason: budget freeze\n",
            ),
        },
        {"planned_at_end": 3, "within_cadence_at_end": 1, "coverage_at_end": 33.3},
    ),
]


@pytest.mark.parametrize(
    ("book", "expected"), [(b, e) for _n, b, e in COMMITMENTS], ids=[n for n, _b, _e in COMMITMENTS]
)
def test_scoreboard_figures(
    root: Path,
    write_account: Callable[..., Path],
    run: Callable[..., Any],
    book: dict[str, str],
    expected: dict[str, Any],
) -> None:
    total = report(root, write_account, run, book, "--quarter", "2026Q4")["total"]
    assert {k: total[k] for k in expected} == expected


def test_started_ahead_reads_the_history_as_it_stood(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    # both due 2026-11-20 (60 days ahead: 2026-09-21)
    book = {
        "early": account(
            "dana",
            entry("2026-09-15", "renewal", "summary: opened", "stage: conversation"),
            entry("2026-11-18", "renewal", "summary: signed", "renewal: 2027-11-20"),
            extra="renewal: 2026-11-20\n",
        ),
        "tardy": account(
            "dana",
            entry("2026-10-01", "renewal", "summary: opened", "stage: conversation"),
            entry("2026-11-18", "renewal", "summary: signed", "renewal: 2027-11-20"),
            extra="renewal: 2026-11-20\n",
        ),
        # signed 70 days ahead, no conversation logged: the signing itself was ahead
        "signed-early": account(
            "dana",
            entry("2026-09-11", "renewal", "summary: signed", "renewal: 2027-11-20"),
            extra="renewal: 2026-11-20\n",
        ),
    }
    data = report(root, write_account, run, book, "--quarter", "2026Q4")
    assert [(o["account"], o["started_ahead"]) for o in data["outcomes"]] == [
        ("early", True),
        ("signed-early", True),
        ("tardy", False),
    ]


TRENDS = {
    # tier A, every 14 days: called 10-30 (due 11-13) and 11-20 (due 12-04); a promise
    # noted on 11-05 (a note reaches nobody) for 11-12, kept on 11-20
    "a": account(
        "dana",
        entry("2026-10-30", "call", "summary: a"),
        entry("2026-11-05", "note", "summary: b", "next: 2026-11-12 Send the plan"),
        entry("2026-11-20", "call", "summary: plan sent", "done: true"),
        tier="A",
    ),
    # tier C: called 10-01 (due 12-30); its renewal on 11-05 lapsed, then was signed on
    # 11-20 (`log` moved the file): overdue while lapsed, not before and not after
    "c": account(
        "lee",
        entry("2026-10-01", "call", "summary: a"),
        entry("2026-11-20", "renewal", "summary: signed", "renewal: 2027-11-05"),
        extra="renewal: 2027-11-05\n",
        tier="C",
    ),
}


def test_trends_as_the_history_stood_at_each_weeks_end(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    data = report(root, write_account, run, TRENDS, "--weeks", "3")
    trends = data["trends"]
    assert trends["weeks"] == ["2026-11-10", "2026-11-17", "2026-11-24"]
    assert trends["total"] == {
        "group": "all",
        "planned": [2, 2, 2],
        "covered": [2, 1, 2],
        "coverage": [100.0, 50.0, 100.0],
        "contacts": [0, 0, 2],  # the two 11-20 entries
        "overdue_commitments": [1, 2, 0],  # the lapsed renewal; and the promise
    }
    dana = trends["groups"][0]
    assert (dana["group"], dana["coverage"], dana["overdue_commitments"]) == (
        "dana",
        [100.0, 0.0, 100.0],
        [0, 1, 0],
    )


def test_a_past_date_reads_the_files_as_they_stood(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    # on 11-15 the renewal had lapsed and nothing was signed yet
    data = report(root, write_account, run, TRENDS, "--date", "2026-11-15", "--weeks", "1")
    assert [(o["account"], o["outcome"], o["days_late"]) for o in data["outcomes"]] == [
        ("c", "lapsed", 10)
    ]
    assert data["trends"]["total"]["overdue_commitments"] == [2]
    assert data["pipeline"][0] == {
        "month": "lapsed",
        "renewals": 1,
        "value": 0.0,
        "progress": {"lapsed": {"renewals": 1, "value": 0.0}},
    }


def test_pipeline_by_month_and_progress(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    book = {
        "dec": account(
            "dana",
            entry("2026-10-15", "renewal", "summary: proposal out", "stage: proposal"),
            extra="renewal: 2026-12-15\nvalue: 100\n",
        ),
        "dec2": account("dana", extra="renewal: 2026-12-31\nvalue: 50\n"),
        "feb": account("dana", extra="renewal: 2027-02-01\nvalue: 10\n"),
        "far": account("dana", extra="renewal: 2027-06-01\nvalue: 10\n"),  # beyond 6 months
    }
    data = report(root, write_account, run, book)
    assert [(m["month"], m["renewals"], m["value"], m["progress"]) for m in data["pipeline"]] == [
        ("lapsed", 0, 0, {}),
        ("2026-11", 0, 0, {}),
        (
            "2026-12",
            2,
            150.0,
            {
                "not started": {"renewals": 1, "value": 50.0},
                "proposal": {"renewals": 1, "value": 100.0},
            },
        ),
        ("2027-01", 0, 0, {}),
        ("2027-02", 1, 10.0, {"not started": {"renewals": 1, "value": 10.0}}),
        ("2027-03", 0, 0, {}),
        ("2027-04", 0, 0, {}),
    ]
