"""`week` (capacity-bound plan), `renewals` (window, stages) and `snooze`.

Today is Tuesday 2026-11-24; the next five working days are 11-24, 25, 26, 27 and
Monday 11-30.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run

RunFn = Callable[..., Run]


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def as_json(result: Run) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def overdue_touches(write_account: Callable[..., Path], count: int) -> None:
    """t01..tNN, tier C: last call 2026-08-20, so a touch is due 2026-11-18 (6 d late).

    The review on 2026-06-01 keeps the yearly review out of the way; all scores tie
    (5 x (1 + 6/90)), so the slug decides the order.
    """
    for i in range(1, count + 1):
        write_account(
            f"t{i:02}",
            f"""
            name: T{i:02}
            tier: C
            history:
              - date: 2026-06-01
                kind: review
              - date: 2026-08-20
                kind: call
            """,
        )


def plan_of(data: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [
        (day["date"], item["account"], item["carried_from"])
        for day in data["days"]
        for item in day["items"]
    ]


# -- week ---------------------------------------------------------------------------------


def test_week_spreads_within_capacity_and_carries_the_rest(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    overdue_touches(write_account, 15)
    (root / "touchplan.yaml").write_text("capacity: 2\n", encoding="utf-8")
    data = as_json(run("week", "--format", "json"))
    assert data["date"] == "2026-11-24"
    assert [d["date"] for d in data["days"]] == [
        "2026-11-24",
        "2026-11-25",
        "2026-11-26",
        "2026-11-27",
        "2026-11-30",
    ]
    assert plan_of(data) == [
        ("2026-11-24", "t01", None),
        ("2026-11-24", "t02", None),
        ("2026-11-25", "t03", "2026-11-24"),
        ("2026-11-25", "t04", "2026-11-24"),
        ("2026-11-26", "t05", "2026-11-24"),
        ("2026-11-26", "t06", "2026-11-24"),
        ("2026-11-27", "t07", "2026-11-24"),
        ("2026-11-27", "t08", "2026-11-24"),
        ("2026-11-30", "t09", "2026-11-24"),
        ("2026-11-30", "t10", "2026-11-24"),
    ]
    # every planned item is scored for its own day: 6, 7, 8, 9, 12 days late on a 90-day
    # cadence, tier C weight 5
    assert [(i["overdue_days"], i["score"]) for d in data["days"] for i in d["items"][:1]] == [
        (6, 5.33),
        (7, 5.39),
        (8, 5.45),
        (9, 5.5),
        (12, 5.67),
    ]
    # nothing is dropped: what does not fit is listed
    assert [(i["account"], i["due"]) for i in data["left_over"]] == [
        (f"t{i}", "2026-11-18") for i in range(11, 16)
    ]


def test_week_lists_a_call_that_never_fit_and_sits_out_the_last_day(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    overdue_touches(write_account, 3)
    # t02 is already down as tried tomorrow (entered ahead): it sits out that day
    path = root / "accounts" / "t02.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  - date: 2026-11-25\n    kind: attempt\n",
        encoding="utf-8",
    )
    (root / "touchplan.yaml").write_text("capacity: 1\n", encoding="utf-8")
    data = as_json(run("week", "--format", "json", "--days", "2"))
    assert plan_of(data) == [("2026-11-24", "t01", None), ("2026-11-25", "t03", "2026-11-24")]
    # the last day had room, yet t02's call never found a place: it is left over
    assert [(i["account"], i["due"]) for i in data["left_over"]] == [("t02", "2026-11-18")]
    out = lines(run("week", "--days", "2").stdout)
    assert out[-1] == "1 more call due does not fit in these days: carried to the next working day."


def test_week_table(root: Path, write_account: Callable[..., Path], run: RunFn) -> None:
    overdue_touches(write_account, 5)
    (root / "touchplan.yaml").write_text("capacity: 2\n", encoding="utf-8")
    result = run("week", "--days", "2")
    assert result.exit_code == 0
    out = lines(result.stdout)
    assert out[0] == "Tue 2026-11-24 · 2 calls"
    assert "Wed 2026-11-25 · 2 calls" in out
    assert "  carried from 2026-11-24: T03" in out
    assert "  carried from 2026-11-24: T04" in out
    assert out[-1] == "1 more call due does not fit in these days: carried to the next working day."


def test_week_skips_weekends_and_holidays(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    overdue_touches(write_account, 1)
    (root / "touchplan.yaml").write_text(
        "holidays: [2026-11-26, 2026-11-27]\nworking_days: [mon, tue, wed, thu, fri, sat]\n",
        encoding="utf-8",
    )
    data = as_json(run("week", "--format", "json", "--days", "4"))
    assert [d["date"] for d in data["days"]] == [
        "2026-11-24",
        "2026-11-25",
        "2026-11-28",
        "2026-11-30",
    ]


def test_week_simulates_forward(write_account: Callable[..., Path], run: RunFn) -> None:
    # Tier A, last call 2026-11-10: the touch is due today; doing it today makes the next
    # one due 14 days later, Tue 2026-12-08 (the 11th working day from today).
    write_account(
        "a",
        """
        name: A Co
        tier: A
        history:
          - {date: 2026-10-01, kind: visit}
          - {date: 2026-10-02, kind: review}
          - {date: 2026-10-03, kind: thank-you}
          - {date: 2026-11-10, kind: call}
        """,
    )
    data = as_json(run("week", "--format", "json", "--days", "11"))
    assert data["days"][-1]["date"] == "2026-12-08"
    assert [(d["date"], i["kind"], i["due"]) for d in data["days"] for i in d["items"]] == [
        ("2026-11-24", "touch", "2026-11-24"),
        ("2026-12-08", "touch", "2026-12-08"),
    ]
    assert data["left_over"] == []


def test_week_never_exceeds_capacity_on_the_sample_data(demo: Path, run: RunFn) -> None:
    for capacity in (1, 3, 6):
        policy = (demo / "touchplan.yaml").read_text(encoding="utf-8")
        (demo / "touchplan.yaml").write_text(
            policy.replace("capacity: 6", f"capacity: {capacity}"), encoding="utf-8"
        )
        data = as_json(run("week", "--format", "json", "--dir", str(demo), use_dir=False))
        assert len(data["days"]) == 5
        assert all(len(day["calls"]) <= capacity for day in data["days"])
        assert sum(len(day["calls"]) for day in data["days"]) >= capacity
        policy = (demo / "touchplan.yaml").read_text(encoding="utf-8")
        (demo / "touchplan.yaml").write_text(
            policy.replace(f"capacity: {capacity}", "capacity: 6"), encoding="utf-8"
        )


def test_week_csv(root: Path, write_account: Callable[..., Path], run: RunFn) -> None:
    overdue_touches(write_account, 3)
    (root / "touchplan.yaml").write_text("capacity: 2\n", encoding="utf-8")
    result = run("week", "--format", "csv", "--days", "2")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["day"], r["carried_from"], r["account"], r["kind"]) for r in rows] == [
        ("2026-11-24", "", "t01", "touch"),
        ("2026-11-24", "", "t02", "touch"),
        ("2026-11-25", "2026-11-24", "t03", "touch"),
    ]


@pytest.mark.parametrize("days", ["0", "61", "x"])
def test_week_bad_days(root: Path, run: RunFn, days: str) -> None:
    result = run("week", "--days", days)
    assert result.exit_code == 2
    assert result.stdout == ""


RENEWING = """
    name: Renewing Co
    tier: C
    renewal: 2027-01-10
    history:
      - {date: 2026-06-01, kind: review}
      - {date: 2026-11-02, kind: call}
"""


def test_week_plans_an_item_once(write_account: Callable[..., Path], run: RunFn) -> None:
    write_account("renewing", RENEWING)
    # the renewal (60-day stage, due 2026-11-11) is planned today, and not again
    data = as_json(run("week", "--format", "json"))
    planned = [
        (i["account"], i["kind"], i["due"], d["date"], i["carried_from"])
        for d in data["days"]
        for i in d["items"]
    ]
    seen = Counter((a, k, due) for a, k, due, _day, _carried in planned)
    assert max(seen.values()) == 1, planned
    days_planned = {(a, k, due): day for a, k, due, day, _c in planned}
    for account, kind, due, _day, carried in planned:
        assert carried != days_planned[(account, kind, due)] or carried is None
    assert [(a, k, day) for a, k, _due, day, _c in planned] == [
        ("renewing", "renewal", "2026-11-24")
    ]


# -- renewals ------------------------------------------------------------------------------


def renewal_account(
    write_account: Callable[..., Path],
    slug: str,
    name: str,
    tier: str,
    renewal: str,
    value: int,
    extra: str = "",
) -> None:
    write_account(
        slug,
        f"name: {name}\ntier: {tier}\nowner: dana\nrenewal: {renewal}\nvalue: {value}\n"
        f"history:\n  - date: 2026-09-01\n    kind: review\n{extra}",
    )


@pytest.fixture
def renewal_book(root: Path, write_account: Callable[..., Path]) -> Path:
    renewal_account(write_account, "lapsed", "Lapsed Co", "B", "2026-11-01", 10000)
    renewal_account(write_account, "r14", "Fourteen Co", "A", "2026-12-04", 20000)
    renewal_account(
        write_account,
        "r30",
        "Thirty Co",
        "C",
        "2026-12-18",
        30000,
        "  - date: 2026-11-18\n    kind: call\n    summary: Raised the renewal.\n",
    )
    renewal_account(write_account, "r60", "Sixty Co", "B", "2027-01-10", 40000)
    renewal_account(write_account, "ahead", "Ahead Co", "C", "2027-03-01", 50000)
    renewal_account(write_account, "far", "Far Co", "C", "2027-06-01", 60000)
    write_account("lost", "name: Lost Co\ntier: A\nstatus: lost\nrenewal: 2026-12-10\n")
    write_account("none", "name: No Renewal\ntier: A\n")
    return root


def test_renewals_json(renewal_book: Path, run: RunFn) -> None:
    data = as_json(run("renewals", "--format", "json"))
    assert (data["date"], data["within_days"]) == ("2026-11-24", 120)
    # days left: -23, 10, 24, 47, 97; Far Co (189) is outside 120 days; Lost Co is lost.
    # A call inside the window is no progress: only a renewal entry (or the renewal item
    # closed by id) starts the conversation.
    assert [
        (r["account"], r["renewal"], r["days_left"], r["stage"], r["started"], r["progress"])
        for r in data["renewals"]
    ] == [
        ("lapsed", "2026-11-01", -23, "lapsed", False, "lapsed"),
        ("r14", "2026-12-04", 10, "14", False, "not started"),
        ("r30", "2026-12-18", 24, "30", False, "not started"),
        ("r60", "2027-01-10", 47, "60", False, "not started"),
        ("ahead", "2027-03-01", 97, "ahead", False, "not started"),
    ]
    assert data["renewals"][2] == {
        "account": "r30",
        "name": "Thirty Co",
        "tier": "C",
        "owner": "dana",
        "renewal": "2026-12-18",
        "days_left": 24,
        "stage": "30",
        "value": 30000,
        "last_touch": {"date": "2026-11-18", "kind": "call", "summary": "Raised the renewal."},
        "started": False,
        "file": "accounts/r30.yaml",
        "progress": "not started",
        "next_due": "2026-10-19",
        "next_step": "Renewal in 24 days: escalate",
    }


@pytest.mark.parametrize(
    ("within", "days", "accounts"),
    [
        ("30d", 30, ["lapsed", "r14", "r30"]),
        ("2w", 14, ["lapsed", "r14"]),
        ("10", 10, ["lapsed", "r14"]),
        ("9", 9, ["lapsed"]),
        ("7m", 210, ["lapsed", "r14", "r30", "r60", "ahead", "far"]),
    ],
)
def test_renewals_within(
    renewal_book: Path, run: RunFn, within: str, days: int, accounts: list[str]
) -> None:
    data = as_json(run("renewals", "--within", within, "--format", "json"))
    assert data["within_days"] == days
    assert [r["account"] for r in data["renewals"]] == accounts


def test_renewals_table(renewal_book: Path, run: RunFn) -> None:
    result = run("renewals", "--within", "30d")
    assert result.exit_code == 0
    rows = [" ".join(line.split()) for line in result.stdout.splitlines() if line.strip()]
    assert rows[0] == "Renewals within 30 days of 2026-11-24"
    assert rows[1] == ("Renewal Days Stage Account Tier Value Progress Next step Last touch")
    assert rows[3:] == [
        "2026-11-01 -23 lapsed Lapsed Co B 10,000 lapsed 2026-11-01: Renewal lapsed 23 days "
        "ago: renew or mark lost 2026-09-01 review",
        "2026-12-04 10 14-day Fourteen Co A 20,000 not started 2026-10-05: Renewal in 10 "
        "days: escalate 2026-09-01 review",
        "2026-12-18 24 30-day Thirty Co C 30,000 not started 2026-10-19: Renewal in 24 days: "
        "escalate 2026-11-18 call: Raised the renewal.",
    ]


def test_renewals_csv(renewal_book: Path, run: RunFn) -> None:
    result = run("renewals", "--within", "30d", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "account",
        "name",
        "tier",
        "owner",
        "renewal",
        "days_left",
        "stage",
        "value",
        "started",
        "last_touch",
        "file",
        "progress",
        "next_due",
        "next_step",
    ]
    assert [(r["account"], r["days_left"], r["stage"], float(r["value"])) for r in rows] == [
        ("lapsed", "-23", "lapsed", 10000),
        ("r14", "10", "14", 20000),
        ("r30", "24", "30", 30000),
    ]


def test_renewals_owner_and_date(renewal_book: Path, run: RunFn) -> None:
    assert as_json(run("renewals", "--owner", "sam", "--format", "json"))["renewals"] == []
    # as if it were 2026-10-01: Lapsed Co's renewal is 31 days off, at the 60-day stage
    data = as_json(run("renewals", "--date", "2026-10-01", "--within", "31", "-f", "json"))
    assert [(r["account"], r["days_left"], r["stage"]) for r in data["renewals"]] == [
        ("lapsed", 31, "60")
    ]


def test_renewals_empty(root: Path, run: RunFn) -> None:
    result = run("renewals")
    assert result.exit_code == 0
    assert lines(result.stdout) == ["Renewals within 120 days of 2026-11-24", "None."]


@pytest.mark.parametrize("within", ["xyz", "-5d", "3y"])
def test_renewals_bad_within(renewal_book: Path, run: RunFn, within: str) -> None:
    result = run("renewals", "--within", within)
    assert result.exit_code == 2
    assert lines(result.stderr) == [
        f"error: --within: {within!r} is not a length of time (use e.g. 120d, 8w or 3m)"
    ]


def test_renewal_progress_shows_and_sets_the_next_step(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    renewal_account(
        write_account,
        "talking",
        "Talking Co",
        "C",
        "2026-12-20",
        70000,
        "  - date: 2026-11-20\n    kind: renewal\n    stage: proposal\n"
        "    summary: Sent the proposal.\n",
    )
    (row,) = as_json(run("renewals", "--format", "json"))["renewals"]
    # 30 days were left at the proposal: again a quarter of them later (7), Fri 11-27
    assert (row["progress"], row["started"], row["stage"], row["next_due"]) == (
        "proposal",
        True,
        "ahead",
        "2026-11-27",
    )
    assert row["next_step"] == "Renewal in 26 days (proposal): keep it moving"


def test_a_signed_renewal_is_shown_renewed_then_the_next_cycle_starts(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    renewal_account(write_account, "signing", "Signing Co", "C", "2026-12-20", 70000)
    result = run(
        "log", "signing", "Signed for a year", "--kind", "renewal", "--renewal-date", "2027-12-20"
    )
    assert result.exit_code == 0, result.stderr
    (row,) = as_json(run("renewals", "--format", "json"))["renewals"]
    # How this cycle ended stays listed for the lead (60 days), after the open ones
    assert {k: row[k] for k in ("renewal", "days_left", "stage", "progress", "started",
                                "next_due", "next_step")} == {
        "renewal": "2027-12-20",
        "days_left": 391,
        "stage": "renewed",
        "progress": "renewed",
        "started": True,
        "next_due": "2026-11-24",
        "next_step": "Signed on 2026-11-24; renewal date now 2027-12-20",
    }  # fmt: skip
    later = as_json(run("renewals", "--format", "json", "--date", "2027-01-24"))
    assert later["renewals"] == []
    (row,) = as_json(run("renewals", "--format", "json", "--within", "14m"))["renewals"]
    assert (row["renewal"], row["progress"], row["next_due"]) == (
        "2027-12-20",
        "not started",
        "2027-10-21",
    )


# -- snooze ---------------------------------------------------------------------------------

SNOOZABLE = (
    "name: Acme Corp  # the big one\n"
    "tier: C\n"
    "owner: dana\n"
    "history:\n"
    "  - date: 2026-06-01\n"
    "    kind: review\n"
    "  - date: 2026-08-20\n"
    "    kind: call\n"
)


def due_accounts(run: RunFn, *args: str) -> list[str]:
    return [i["account"] for i in as_json(run("today", "--format", "json", *args))["items"]]


def test_snooze_until_then_back_by_itself(write_account: Callable[..., Path], run: RunFn) -> None:
    path = write_account("acme", SNOOZABLE.encode())
    assert due_accounts(run) == ["acme"]
    result = run("snooze", "acme", "--until", "2026-12-01", "--reason", "On holiday")
    assert result.exit_code == 0
    assert lines(result.stdout) == ["Snoozed Acme Corp until 2026-12-01."]
    assert path.read_bytes() == (
        b"name: Acme Corp  # the big one\n"
        b"tier: C\n"
        b"owner: dana\n"
        b"snooze:\n"
        b"  until: 2026-12-01\n"
        b"  reason: On holiday\n"
        b"history:\n"
        b"  - date: 2026-06-01\n"
        b"    kind: review\n"
        b"  - date: 2026-08-20\n"
        b"    kind: call\n"
    )
    assert due_accounts(run) == []
    assert due_accounts(run, "--date", "2026-11-30") == []
    assert due_accounts(run, "--date", "2026-12-01") == ["acme"]
    card = " ".join(run("show", "acme").stdout.split())
    assert "snooze snoozed until 2026-12-01: On holiday" in card
    assert as_json(run("show", "acme", "-f", "json"))["snooze"] == {
        "until": "2026-12-01",
        "reason": "On holiday",
    }
    # the week plan leaves it out until it comes back
    week = as_json(run("week", "--format", "json"))
    assert [d["date"] for d in week["days"] if d["items"]] == []


def test_snooze_relative_date_and_replace(write_account: Callable[..., Path], run: RunFn) -> None:
    path = write_account("acme", SNOOZABLE.encode())
    assert run("snooze", "acme", "--until", "+1w").exit_code == 0
    assert b"snooze:\n  until: 2026-12-01\nhistory:" in path.read_bytes()
    assert run("snooze", "acme", "--until", "friday", "--reason", "x").exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.count("snooze:") == 1
    assert "snooze:\n  until: 2026-11-27\n  reason: x\nhistory:" in text


def test_snooze_clear_restores_the_file(write_account: Callable[..., Path], run: RunFn) -> None:
    path = write_account("acme", SNOOZABLE.encode())
    assert run("snooze", "acme", "--until", "2027-01-04", "--reason", "Busy").exit_code == 0
    result = run("snooze", "acme", "--clear")
    assert result.exit_code == 0
    assert lines(result.stdout) == ["Acme Corp is back in planning."]
    assert path.read_bytes() == SNOOZABLE.encode()
    assert due_accounts(run) == ["acme"]
    again = run("snooze", "acme", "--clear")
    assert (again.exit_code, lines(again.stdout)) == (0, ["Acme Corp is not snoozed."])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--until", "2026-11-24"], "error: --until 2026-11-24 is not in the future"),
        (["--until", "yesterday"], "error: --until 2026-11-23 is not in the future"),
        ([], "error: give either --until DATE or --clear"),
        (["--until", "2026-12-01", "--clear"], "error: give either --until DATE or --clear"),
        (["--until", "later"], None),
    ],
)
def test_snooze_bad_usage(
    write_account: Callable[..., Path], run: RunFn, args: list[str], message: str | None
) -> None:
    path = write_account("acme", SNOOZABLE.encode())
    result = run("snooze", "acme", *args)
    assert result.exit_code == 2
    assert path.read_bytes() == SNOOZABLE.encode()
    if message:
        assert lines(result.stderr) == [message]


def test_snooze_unknown_account(root: Path, run: RunFn) -> None:
    result = run("snooze", "nobody", "--until", "+1w")
    assert result.exit_code == 1
    assert "no account matches 'nobody'" in result.stderr


def test_a_lost_customer_is_shown_lost_for_the_lead(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    renewal_account(write_account, "going", "Going Co", "B", "2026-12-20", 40000)
    result = run("lost", "going", "--reason", "Chose a cheaper supplier", "--date", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    (row,) = as_json(run("renewals", "--format", "json"))["renewals"]
    assert (row["stage"], row["progress"], row["next_due"], row["next_step"]) == (
        "lost",
        "lost",
        "2026-11-20",
        "Lost on 2026-11-20: Chose a cheaper supplier",
    )
    assert as_json(run("today", "--format", "json"))["calls"] == []
    assert as_json(run("renewals", "--format", "json", "--date", "2027-01-20"))["renewals"] == []
