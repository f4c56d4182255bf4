"""The report's trends walk each history once (`Walker`, going on from one week's cut to
the next) instead of once a week: the walk of every cut must be the plain one's, and
the report the same as with a fresh walk every week."""

from __future__ import annotations

import importlib.util
import json
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from touchplan.config import Policy, Step
from touchplan.files.schema import read_account
from touchplan.model import Account, ItemClass, ItemKind, Status
from touchplan.planning import report, schedule
from touchplan.planning.past import as_of, signings
from touchplan.planning.walk import Walker, item_key, ordered, walk_history

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 24)


def _year() -> Any:
    """bench/year.py: a year of history as a rep working the plan leaves it."""
    spec = importlib.util.spec_from_file_location("bench_year", REPO / "bench" / "year.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _account(text: str, slug: str) -> Account:
    account, problems = read_account(text.encode(), slug, f"accounts/{slug}.yaml")
    assert account is not None, problems
    return account


def _generated(count: int, seed: int) -> list[Account]:
    year = _year()
    rng = random.Random(seed)
    found = []
    for i in range(count):
        made = year.Account(rng, i, TODAY)
        found.append(_account(made.year(), made.slug))
    return found


RENEWAL_KEY = item_key("keyed", "renewal|2026-09-30")[:5]
BOOKED_KEY = item_key("onboarding", "booked|2026-11-02|2026-11-09|visit|Plant tour")[:5]
# what the generator never writes: birthdays, a new customer's onboarding steps, an
# anniversary inside the trend weeks, ids done and deferred (one the renewal's, which
# a signing then moves on), a cancelled booking, a review rating, a history out of date
# order (a hand edit)
HANDMADE = {
    "birthdays": """\
name: Birthdays
tier: A
owner: rep1
since: 2019-10-02
contacts:
  - name: Jane Smith
    birthday: 10-12
  - name: Raj Patel
    birthday: 09-03
history:
  - date: 2026-08-20
    kind: call
    with: Jane Smith
  - date: 2026-09-04
    kind: email
    with: Raj Patel
  - date: 2026-10-13
    kind: call
    with: Jane
    next: 2026-10-20 Send the quote
  - date: 2026-10-27
    kind: thank-you
    with: Jane Smith
  - date: 2026-11-10
    kind: review
    rating: 2
    with: Raj Patel
""",
    "onboarding": f"""\
name: Onboarding
tier: B
owner: rep2
since: 2026-09-15
history:
  - date: 2026-09-16
    kind: call
  - date: 2026-09-29
    kind: sale
  - date: 2026-10-02
    kind: thank-you
  - date: 2026-11-02
    kind: call
    next: "2026-11-09 visit: Plant tour"
  - date: 2026-11-05
    kind: note
    cancelled: [{BOOKED_KEY}]
""",
    "shuffled": """\
name: Shuffled
tier: B
owner: rep2
since: 2021-05-01
renewal: 2027-01-15
history:
  - date: 2026-10-20
    kind: call
    next: 2026-10-27 Send the price list
  - date: 2026-09-02
    kind: sale
  - date: 2026-11-12
    kind: email
  - date: 2026-09-30
    kind: renewal
    stage: conversation
""",
    "keyed": f"""\
name: Keyed
tier: A
owner: rep3
since: 2020-01-01
renewal: 2026-09-30
history:
  - date: 2026-07-20
    kind: call
    problem: Late delivery
  - date: 2026-08-01
    kind: renewal
    stage: conversation
    done: [{RENEWAL_KEY}]
  - date: 2026-08-25
    kind: defer
    item: {RENEWAL_KEY}
    until: 2026-09-10
  - date: 2026-09-20
    kind: renewal
    renewal: 2027-09-30
  - date: 2026-10-05
    kind: call
    resolved: true
  - date: 2026-11-01
    kind: lost
    summary: Chose a competitor
status: lost
""",
}


def _book() -> list[Account]:
    made = [_account(text, slug) for slug, text in HANDMADE.items()]
    return made + _generated(150, 7)


@pytest.mark.parametrize("step", [1, 7], ids=["every day", "every week"])
def test_every_cut_walks_as_the_plain_walk(step: int) -> None:
    policy = Policy()
    for account in _book():
        entries = ordered(account.history)
        walker: Walker | None = None
        going: Walker | None = None  # the report's way: `go_on`, and a `view` of the walk
        day = TODAY - timedelta(days=200)
        while day <= TODAY:
            then = as_of(account, day)
            count = len(then.history)
            fresh = Walker(then, policy, day, entries)
            if walker is None or not walker.resume(fresh):
                walker = fresh
            walker.feed(count)
            plain = walk_history(then, policy, day)
            assert walker.snapshot(day) == plain, (account.slug, day)
            if going is None or not going.go_on(then, day):
                going = Walker(then, policy, day, entries)
            going.feed(count)
            assert going.view(day) == plain, (account.slug, day)
            day += timedelta(days=step)


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh walk for every week, as before the walker went on from week to week."""
    monkeypatch.setattr(report.Walker, "go_on", lambda self, account, today: False)


def test_the_report_is_the_plain_one(
    root: Path,
    run: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    year = _year()
    rng = random.Random(11)
    for slug, text in HANDMADE.items():
        (root / "accounts" / f"{slug}.yaml").write_text(text, encoding="utf-8")
    for i in range(120):
        made = year.Account(rng, i, TODAY)
        (root / "accounts" / f"{made.slug}.yaml").write_text(made.year(), encoding="utf-8")
    args = ("report", "--format", "json", "--weeks", "26", "--since", "180d")
    fast = run(*args)
    assert fast.exit_code == 0, fast.stderr
    _plain(monkeypatch)
    plain = run(*args)
    assert json.loads(fast.stdout) == json.loads(plain.stdout)
    assert sum(json.loads(fast.stdout)["trends"]["total"]["contacts"]) > 0


def _plain_figures(
    account: Account, policy: Policy, today: date, ends: list[date]
) -> dict[str, Any]:
    """The figures the trends and today's table read, each from a plan made afresh
    with every item (`plan_account`) on the history as it stood that day."""
    figures: dict[str, Any] = {"planned": [], "covered": [], "overdue": []}
    account = as_of(account, today)
    for end in ends:
        then = as_of(account, end)
        planned = schedule.is_planned(then, end)
        items = schedule.plan_account(then, policy, end, explain=False) if planned else []
        walk = walk_history(then, policy, end)
        figures["planned"].append(int(planned))
        figures["covered"].append(int(planned and report.within_cadence(walk, items, end)))
        figures["overdue"].append(report.overdue_commitments(items, end) if planned else 0)
    items = schedule.plan_account(account, policy, today, explain=False)
    planned = schedule.is_planned(account, today) and account.status is not Status.LOST
    walk = walk_history(account, policy, today)
    figures["today"] = (
        (
            int(report.within_cadence(walk, items, today)),
            sum(1 for i in items if i.due < today),
            sum(1 for i in items if i.kind is ItemKind.PROBLEM),
        )
        if planned
        else (0, 0, 0)
    )
    return figures


# a sequence step of kind touch: the trends' touch is then the step's while it is open
# (the first touch item of the plan), whatever its class
CALL_BACK = (
    Step("call-back", frozenset({"call", "sale"}), 3, ItemKind.TOUCH, "Call back", None, 5,
         ItemClass.CADENCE),
    Step("check-back", frozenset({"email"}), 4, ItemKind.TOUCH, "Check back", None, 9),
)  # fmt: skip


@pytest.mark.parametrize(
    ("seed", "until", "weeks", "steps"),
    [
        (7, TODAY, 12, ()),
        (23, TODAY, 26, ()),
        (31, TODAY - timedelta(days=10), 12, ()),
        (41, TODAY, 12, CALL_BACK),
    ],
)
def test_the_trends_read_the_plain_plans(
    seed: int, until: date, weeks: int, steps: tuple[Step, ...]
) -> None:
    """Of each week's plan only the touch and the commitments are made, and a plan is
    reused while it holds: the figures must be those of the full plan made afresh
    every week."""
    policy = replace(Policy(), sequences=Policy().sequences + steps)
    period = report.Period(until - timedelta(days=90), until)
    ends = report.week_ends(until, weeks)
    accounts = [_account(text, slug) for slug, text in HANDMADE.items()]
    for account in accounts + _generated(150, seed):
        g = report.account_figures(account, policy, TODAY, period, weeks, "owner").group
        plain = _plain_figures(account, policy, TODAY, ends)
        assert g.trend_planned == plain["planned"], account.slug
        assert g.trend_covered == plain["covered"], account.slug
        assert g.trend_overdue == plain["overdue"], account.slug
        assert (g.covered, g.overdue_items, g.open_problems) == plain["today"], account.slug


def test_a_cut_is_the_account_with_three_fields_changed() -> None:
    """`as_of` copies an account without `__init__` (its cost was the report's): that
    copy is `dataclasses.replace`'s only while `Account` derives nothing on creation."""
    assert not hasattr(Account, "__post_init__")
    for account in _book()[:40]:
        signed = signings(account)
        for back in (0, 30, 90, 200):
            day = TODAY - timedelta(days=back)
            cut = as_of(account, day, signed)
            plain = replace(
                account,
                history=tuple(t for t in account.history if t.date <= day),
                renewal=cut.renewal,
                status=cut.status,
            )
            assert cut == plain and vars(cut) == vars(plain)
            assert as_of(account, day) == cut


def _figures_without_segments(figures: report.Figures) -> dict[str, Any]:
    data = dict(vars(figures))
    data.pop("segments")
    data["group"] = dict(vars(figures.group))
    return data


@pytest.mark.parametrize(
    ("seed", "weeks", "back", "steps"),
    [(5, 12, 0, ()), (13, 26, 0, ()), (17, 12, 10, ()), (29, 12, 0, CALL_BACK)],
)
def test_kept_segments_give_the_figures_made_afresh(
    seed: int, weeks: int, back: int, steps: tuple[Step, ...]
) -> None:
    """A report keeps its plans' trend readings (segments) and a later one, on the same
    day, the next, a week on or a month on, reads them instead of planning again: every
    figure must be the one made afresh, and what is kept must keep holding."""
    policy = replace(Policy(), sequences=Policy().sequences + steps)
    accounts = [_account(text, slug) for slug, text in HANDMADE.items()]
    accounts += _generated(120, seed)
    kept: dict[str, list[report.Segment] | None] = {a.slug: None for a in accounts}
    first = TODAY - timedelta(days=45)
    days = [first, first, first + timedelta(days=1), first + timedelta(days=3)]
    days += [first + timedelta(days=7), first + timedelta(days=8), first + timedelta(days=30)]
    days += [TODAY, TODAY + timedelta(days=6)]
    read = 0
    for day in days:
        until = day - timedelta(days=back)
        period = report.Period(until - timedelta(days=90), until)
        for account in accounts:
            fresh = report.account_figures(account, policy, day, period, weeks, "owner")
            segments = kept[account.slug]
            again = report.account_figures(
                account, policy, day, period, weeks, "owner", segments, keep=True
            )
            assert _figures_without_segments(again) == _figures_without_segments(fresh), (
                account.slug,
                day,
            )
            if again.segments is not None:
                kept[account.slug] = again.segments
            else:
                read += 1  # every week read from what was kept
    assert read > len(accounts)  # the same day's second report plans nothing
