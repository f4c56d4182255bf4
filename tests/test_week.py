"""The week plan: calls within capacity per day, commitments first, simulated forward,
nothing dropped.

Expected plans are worked out by hand (2026-11-24 is a Tuesday; the default week from
it is Tue 24, Wed 25, Thu 26, Fri 27, Mon 30).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from touchplan.config import Policy
from touchplan.model import (
    Account,
    NextAction,
    RenewalStage,
    Snooze,
    Status,
    Tier,
    Touch,
    TouchKind,
)
from touchplan.planning.week import WeekPlan, plan_week

TODAY = date(2026, 11, 24)
P = Policy()


def d(text: str) -> date:
    return date.fromisoformat(text)


def entry(day: str, kind: str = "call", *, next: str = "", **kw: object) -> Touch:
    promise = None
    if next:
        when, _, action = next.partition(" ")
        promise = NextAction(d(when), action)
    return Touch(d(day), TouchKind(kind), next=promise, **kw)  # type: ignore[arg-type]


def account(slug: str, tier: str, history: list[Touch], **kw: object) -> Account:
    return Account(
        slug=slug,
        file=f"accounts/{slug}.yaml",
        name=slug.title(),
        tier=Tier(tier),
        history=tuple(replace(t, index=i) for i, t in enumerate(history)),
        **kw,  # type: ignore[arg-type]
    )


def rows(plan: WeekPlan) -> list[tuple[str, str, str, str | None]]:
    """(day, account, its agenda's kinds, carried_from) for every planned call, in order."""
    return [
        (
            p.day.isoformat(),
            p.call.account,
            ", ".join(i.kind.value for i in p.call.items + p.call.early),
            p.carried_from.isoformat() if p.carried_from else None,
        )
        for p in plan.planned
    ]


# Ten A accounts whose touch fell due on ten working days, 2026-11-10 .. 2026-11-23
# (last call 14 days earlier); c0 is the most overdue.
LAST_CALLS = [
    "2026-10-27",
    "2026-10-28",
    "2026-10-29",
    "2026-10-30",
    "2026-11-02",
    "2026-11-03",
    "2026-11-04",
    "2026-11-05",
    "2026-11-06",
    "2026-11-09",
]
BACKLOG = [account(f"c{i}", "A", [entry(day)]) for i, day in enumerate(LAST_CALLS)]


def test_never_more_than_capacity_a_day_and_the_rest_carries_over() -> None:
    plan = plan_week(BACKLOG, replace(P, capacity=3), TODAY, 5)
    assert plan.days == (
        d("2026-11-24"),
        d("2026-11-25"),
        d("2026-11-26"),
        d("2026-11-27"),
        d("2026-11-30"),
    )
    assert rows(plan) == [
        ("2026-11-24", "c0", "touch", None),
        ("2026-11-24", "c1", "touch", None),
        ("2026-11-24", "c2", "touch", None),
        ("2026-11-25", "c3", "touch", "2026-11-24"),
        ("2026-11-25", "c4", "touch", "2026-11-24"),
        ("2026-11-25", "c5", "touch", "2026-11-24"),
        ("2026-11-26", "c6", "touch", "2026-11-24"),
        ("2026-11-26", "c7", "touch", "2026-11-24"),
        ("2026-11-26", "c8", "touch", "2026-11-24"),
        ("2026-11-27", "c9", "touch", "2026-11-24"),
    ]
    assert plan.left_over == ()
    # each call is scored on the day it is planned: c3 (due 11-13) is 12 days late on
    # Wednesday, 1 + 12/14 = 1.857 cadences: 30 x 1.857
    c3 = plan.planned[3]
    assert (c3.call.items[0].overdue_days(c3.day), c3.call.score) == (12, 55.71)


def test_what_does_not_fit_in_the_window_is_left_over_ranked() -> None:
    plan = plan_week(BACKLOG, replace(P, capacity=2), TODAY, 2)
    assert rows(plan) == [
        ("2026-11-24", "c0", "touch", None),
        ("2026-11-24", "c1", "touch", None),
        ("2026-11-25", "c2", "touch", "2026-11-24"),
        ("2026-11-25", "c3", "touch", "2026-11-24"),
    ]
    assert [
        (c.account, c.items[0].kind.value, c.items[0].due.isoformat()) for c in plan.left_over
    ] == [
        ("c4", "touch", "2026-11-16"),
        ("c5", "touch", "2026-11-17"),
        ("c6", "touch", "2026-11-18"),
        ("c7", "touch", "2026-11-19"),
        ("c8", "touch", "2026-11-20"),
        ("c9", "touch", "2026-11-23"),
    ]


def test_a_commitment_due_today_comes_before_routine_backlog() -> None:
    # xeno: a promise due today, a commitment; yuma: touch due 11-04, 20 days late but
    # cadence work; zulu: a promise due Thursday, which has a free call for it. A spare
    # day before zulu's date (`spare_days: 1`) is only taken from room nothing due needs:
    # Wednesday has yuma, so zulu keeps its own day
    accounts = [
        account("xeno", "A", [entry("2026-11-20", next="2026-11-24 Send the quote")]),
        account("yuma", "A", [entry("2026-10-21")]),
        account("zulu", "A", [entry("2026-11-20", next="2026-11-26 Call about the quote")]),
    ]
    plan = plan_week(accounts, replace(P, capacity=1), TODAY, 4)
    assert rows(plan) == [
        ("2026-11-24", "xeno", "follow-up", None),
        ("2026-11-25", "yuma", "touch", "2026-11-24"),
        ("2026-11-26", "zulu", "follow-up", None),
    ]
    # without yuma, Wednesday has room: zulu is done a day early, in case nobody answers
    plan = plan_week([accounts[0], accounts[2]], replace(P, capacity=1), TODAY, 4)
    assert rows(plan) == [
        ("2026-11-24", "xeno", "follow-up", None),
        ("2026-11-25", "zulu", "follow-up", None),
    ]


def test_a_deadline_on_an_overbooked_day_is_kept_by_doing_it_earlier() -> None:
    # two promises fall due on Thursday with one call a day: one of them is done on
    # Wednesday, ahead of its date, instead of slipping to Friday; with a spare day kept
    # before each deadline (`spare_days: 1`), on Tuesday and Wednesday
    accounts = [
        account("alfa", "A", [entry("2026-11-20", next="2026-11-26 Send the quote")]),
        account("bravo", "B", [entry("2026-11-20", next="2026-11-26 Send the spec")]),
    ]
    plan = plan_week(accounts, replace(P, capacity=1, spare_days=0), TODAY, 3)
    assert rows(plan) == [
        ("2026-11-25", "bravo", "follow-up", None),
        ("2026-11-26", "alfa", "follow-up", None),
    ]
    plan = plan_week(accounts, replace(P, capacity=1), TODAY, 3)
    assert rows(plan) == [
        ("2026-11-24", "bravo", "follow-up", None),
        ("2026-11-25", "alfa", "follow-up", None),
    ]


def test_a_planned_touch_moves_the_next_cadence_date() -> None:
    # A every 3 days, last call Saturday 11-21: due Tue 11-24; planned then, it is next due
    # Fri 11-27, then Mon 11-30 (never on the days between)
    policy = replace(P, touch_every={Tier.A: 3, Tier.B: 30, Tier.C: 90})
    plan = plan_week([account("acme", "A", [entry("2026-11-21")])], policy, TODAY, 5)
    assert rows(plan) == [
        ("2026-11-24", "acme", "touch", None),
        ("2026-11-27", "acme", "touch", None),
        ("2026-11-30", "acme", "touch", None),
    ]
    assert [p.call.items[0].raw_due.isoformat() for p in plan.planned] == [
        "2026-11-24",
        "2026-11-27",
        "2026-11-30",
    ]


def test_a_touch_planned_on_tuesday_does_not_reappear() -> None:
    plan = plan_week([account("acme", "A", [entry("2026-11-10")])], P, TODAY, 5)
    assert rows(plan) == [("2026-11-24", "acme", "touch", None)]


def test_a_problem_comes_back_every_two_working_days_of_the_plan() -> None:
    # raised Fri 11-20: a first response due Mon 11-23; planned Tue, then two working days
    # later Thu, then Mon
    plan = plan_week([account("acme", "A", [entry("2026-11-20", problem="Outage")])], P, TODAY, 5)
    assert rows(plan) == [
        ("2026-11-24", "acme", "problem", None),
        ("2026-11-26", "acme", "problem", None),
        ("2026-11-30", "acme", "problem", None),
    ]


def test_non_working_days_are_skipped() -> None:
    accounts = BACKLOG[:3]
    saturday = d("2026-11-28")
    plan = plan_week(accounts, replace(P, capacity=1), saturday, 3)
    assert plan.days == (d("2026-11-30"), d("2026-12-01"), d("2026-12-02"))
    holiday = replace(P, capacity=1, holidays=frozenset({d("2026-12-01")}))
    plan = plan_week(accounts, holiday, saturday, 3)
    assert plan.days == (d("2026-11-30"), d("2026-12-02"), d("2026-12-03"))
    assert rows(plan) == [
        ("2026-11-30", "c0", "touch", None),
        ("2026-12-02", "c1", "touch", "2026-11-30"),
        ("2026-12-03", "c2", "touch", "2026-11-30"),
    ]
    tue_to_thu = replace(P, capacity=1, working_days=frozenset({1, 2, 3}))
    plan = plan_week(accounts, tue_to_thu, d("2026-11-27"), 4)
    assert plan.days == (d("2026-12-01"), d("2026-12-02"), d("2026-12-03"), d("2026-12-08"))
    assert [p.day for p in plan.planned] == [d("2026-12-01"), d("2026-12-02"), d("2026-12-03")]


def test_a_snoozed_account_comes_back_on_the_day_its_snooze_ends() -> None:
    late = [entry("2026-11-02", next="2026-11-10 Send the contract")]
    accounts = [
        account("away", "B", late, snooze=Snooze(d("2026-11-26"), "On holiday")),
        account("gone", "A", late, status=Status.LOST),
    ]
    plan = plan_week(accounts, P, TODAY, 5)
    # gone never appears; away's follow-up (due 11-10) waits for Thursday
    assert rows(plan) == [("2026-11-26", "away", "follow-up", None)]


def test_an_overdue_renewal_is_planned_first_and_worked_until_signed() -> None:
    # renewal 2026-12-12: 18 days left today, the 30-day stage, the conversation due since
    # the window opened on 10-13. Planned today it is under way: again after a quarter of
    # the 18 days left (4: Sat 11-28, so Friday), then after 3 (Mon 11-30)
    acc = account("acme", "C", [entry("2026-11-20")], renewal=d("2026-12-12"))
    plan = plan_week([acc], P, TODAY, 5)
    assert rows(plan) == [
        ("2026-11-24", "acme", "renewal", None),
        ("2026-11-27", "acme", "renewal", None),
        ("2026-11-30", "acme", "renewal", None),
    ]
    first = plan.planned[0].call.items[0]
    assert (first.stage, first.due, first.progress) == ("30", d("2026-10-13"), "not started")


def test_a_lapsed_renewal_is_planned_once_and_one_lapsing_in_the_week_once_more() -> None:
    # acme's renewal passed on 11-02 unsigned: "renew or mark lost" is due every day until
    # the rep does either, which the planned call is for, so the week lists it once (not
    # on each of the five days); globex's proposal, worked today, comes back on its date
    # (Thursday: its rhythm, 3 days near the date, would have let it pass first) to push
    # for a decision, and once more, lapsed, on Friday
    acme = account("acme", "C", [entry("2026-11-20")], renewal=d("2026-11-02"))
    globex = account(
        "globex", "C", [entry("2026-11-20", "renewal", stage=RenewalStage.PROPOSAL)],
        renewal=d("2026-11-26"),
    )  # fmt: skip
    plan = plan_week([acme, globex], P, TODAY, 5)
    assert rows(plan) == [
        ("2026-11-24", "acme", "renewal", None),
        ("2026-11-24", "globex", "renewal", None),
        ("2026-11-26", "globex", "renewal", None),
        ("2026-11-27", "globex", "renewal", None),
    ]
    progress = [p.call.items[0].progress for p in plan.planned]
    assert progress == ["lapsed", "proposal", "proposal", "lapsed"]
    assert plan.left_over == ()


def test_a_new_accounts_stale_onboarding_step_is_missed_its_first_touch_planned() -> None:
    # since 2026-08-28: its gap check fell due 09-04 and expired 14 days later, so it is
    # missed, not planned; never contacted, its first touch is due today (tier C, 5 x 1)
    acc = account("acme", "C", [], since=d("2026-08-28"))
    plan = plan_week([acc], P, TODAY, 5)
    assert rows(plan) == [("2026-11-24", "acme", "touch", None)]
    assert [p.call.score for p in plan.planned] == [5.0]


def test_a_call_settles_the_promises_due_not_the_ones_ahead() -> None:
    history = [
        entry("2026-11-16", next="2026-11-20 One"),
        entry("2026-11-16", "email", next="2026-11-23 Two"),
        entry("2026-11-16", "letter", next="2026-12-23 Three"),
    ]
    plan = plan_week([account("acme", "C", history)], replace(P, capacity=1), TODAY, 25)
    actions = [
        (p.day.isoformat(), [i.action for i in p.call.items + p.call.early], p.carried_from)
        for p in plan.planned
    ]
    # Three is done on the first day it is within the 7-day look-ahead: each day has a
    # call to spare (with `lookahead: 1`, the working day before its date, a spare day)
    assert actions == [("2026-11-24", ["One", "Two"], None), ("2026-12-16", ["Three"], None)]
    near = replace(P, capacity=1, lookahead=1)
    plan = plan_week([account("acme", "C", history)], near, TODAY, 25)
    days = [
        (p.day.isoformat(), [i.action for i in p.call.items + p.call.early]) for p in plan.planned
    ]
    assert days == [("2026-11-24", ["One", "Two"]), ("2026-12-22", ["Three"])]


def test_week_json_through_the_cli(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    (root / "touchplan.yaml").write_text("capacity: 1\n", encoding="utf-8")
    write_account(
        "late", "name: Late Co\ntier: A\nhistory:\n  - date: 2026-10-27\n    kind: call\n"
    )
    write_account("later", "name: Later\ntier: A\nhistory:\n  - date: 2026-10-28\n    kind: call\n")
    result = run("week", "--days", "2", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert [day["date"] for day in data["days"]] == ["2026-11-24", "2026-11-25"]
    planned = [
        (i["day"], i["account"], i["kind"], i["due"], i["overdue_days"], i["carried_from"])
        for day in data["days"]
        for i in day["items"]
    ]
    assert planned == [
        ("2026-11-24", "late", "touch", "2026-11-10", 14, None),
        ("2026-11-25", "later", "touch", "2026-11-11", 14, "2026-11-24"),
    ]
    assert data["left_over"] == []
