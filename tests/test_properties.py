"""Properties of the rules engine over generated accounts (hypothesis)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from touchplan.config import Policy
from touchplan.model import (
    Account,
    Item,
    ItemKind,
    NextAction,
    Snooze,
    Status,
    Tier,
    Touch,
    TouchKind,
)
from touchplan.planning.schedule import due_items, plan_account
from touchplan.planning.week import plan_week

START = date(2026, 6, 1)
END = date(2026, 12, 31)
days_in_range = st.dates(min_value=START, max_value=END)
EXPLICIT_SOURCES = {"next", "gap-check"}  # the default items only `done` closes


@st.composite
def touches(draw: st.DrawFn, index: int) -> Touch:
    day = draw(days_in_range)
    promise = None
    if draw(st.integers(0, 3)) == 0:
        # now and then a promise dated before its own entry (a typo in the file)
        offset = draw(st.integers(-10, 40))
        promise = NextAction(day + timedelta(days=offset), draw(st.sampled_from(["Call", "Quote"])))
    return Touch(
        day,
        draw(st.sampled_from(list(TouchKind))),
        next=promise,
        problem=draw(st.sampled_from(["", "", "", "Late delivery"])),
        resolved=draw(st.integers(0, 5)) == 0,
        done=draw(st.integers(0, 4)) == 0,
        index=index,
    )


@st.composite
def accounts(draw: st.DrawFn, slug: str = "acme") -> Account:
    size = draw(st.integers(0, 7))
    history = tuple(draw(touches(i)) for i in range(size))
    snooze = None
    if draw(st.integers(0, 5)) == 0:
        snooze = Snooze(draw(days_in_range), "away")
    return Account(
        slug=slug,
        file=f"accounts/{slug}.yaml",
        name=slug,
        tier=draw(st.sampled_from(list(Tier))),
        since=draw(st.none() | st.dates(date(2026, 1, 1), END)),
        renewal=draw(st.none() | st.dates(date(2026, 8, 1), date(2027, 6, 30))),
        status=Status.LOST if draw(st.integers(0, 9)) == 0 else Status.ACTIVE,
        snooze=snooze,
        history=history,
    )


HOLIDAYS = [date(2026, 11, 26), date(2026, 11, 27), date(2026, 12, 24), date(2026, 12, 25)]


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    working = draw(st.sets(st.integers(0, 6), min_size=1))
    return Policy(
        capacity=draw(st.integers(1, 4)),
        working_days=frozenset(working),
        holidays=frozenset(draw(st.sets(st.sampled_from(HOLIDAYS)))),
    )


def add(account: Account, touch: Touch) -> Account:
    """The account with one more entry at the end of its file."""
    return replace(account, history=(*account.history, replace(touch, index=len(account.history))))


def after_everything(account: Account, gap: int) -> date:
    """A day on or after every entry (so a new entry is processed last).

    An account with neither history nor `since` has its visit and review due "today",
    and its first entry of any kind becomes their anchor: not a case of closing."""
    assume(account.history or account.since)
    return max((t.date for t in account.history), default=START) + timedelta(days=gap)


# -- no item is due before what triggered it ----------------------------------------


@settings(max_examples=300, deadline=None)
@given(account=accounts(), policy=policies(), today=days_in_range)
def test_no_item_is_due_before_the_entry_that_triggered_it(
    account: Account, policy: Policy, today: date
) -> None:
    lead = timedelta(days=policy.renewal_lead)
    triggers = {t.date for t in account.history} | {account.since, today}
    if account.renewal:
        triggers.add(account.renewal - lead)
    last_contact = account.last_touch()
    for item in plan_account(account, policy, today):
        assert item.trigger in triggers
        assert item.trigger is not None and item.raw_due >= item.trigger
        assert item.due >= item.raw_due and policy.is_working_day(item.due)
        if item.kind in (ItemKind.TOUCH, ItemKind.PROBLEM) and last_contact is not None:
            assert item.raw_due > last_contact.date


# -- closing an item removes it and nothing else ------------------------------------


@settings(max_examples=300, deadline=None)
@given(account=accounts(), today=days_in_range, gap=st.integers(0, 30))
def test_done_closes_the_due_explicit_items_and_nothing_else(
    account: Account, today: date, gap: int
) -> None:
    on = after_everything(account, gap)
    before = plan_account(account, Policy(), today)
    after = plan_account(add(account, Touch(on, TouchKind.NOTE, done=True)), Policy(), today)
    assert not Counter(after) - Counter(before)  # nothing new, nothing changed
    removed = Counter(before) - Counter(after)
    # only items already opened by that day can be closed by it
    explicit = [i for i in before if i.source in EXPLICIT_SOURCES and i.trigger <= on]  # type: ignore[operator]
    due = [i for i in explicit if i.raw_due <= on]
    if due:
        assert removed == Counter(due)
    elif explicit:
        (closed,) = removed.elements()
        earliest = min((i.raw_due, i.trigger) for i in explicit)
        assert closed in explicit and (closed.raw_due, closed.trigger) == earliest
    else:
        assert not removed


def unaffected(items: list[Item], *kinds: ItemKind) -> Counter[Item]:
    """Items of every kind but ``kinds`` (a contact also moves the touch and problem clocks)."""
    return Counter(i for i in items if i.kind not in kinds)


@settings(max_examples=300, deadline=None)
@given(account=accounts(), today=days_in_range, gap=st.integers(0, 30))
def test_a_thank_you_closes_the_thank_you_items_and_nothing_else(
    account: Account, today: date, gap: int
) -> None:
    on = after_everything(account, gap)
    before = plan_account(account, Policy(), today)
    after = plan_account(add(account, Touch(on, TouchKind.THANK_YOU)), Policy(), today)
    assert [i for i in after if i.kind is ItemKind.THANK_YOU] == []
    moved = (ItemKind.THANK_YOU, ItemKind.TOUCH, ItemKind.PROBLEM)
    assert unaffected(after, *moved) == unaffected(before, *moved)
    for kind in (ItemKind.TOUCH, ItemKind.PROBLEM):
        assert len([i for i in after if i.kind is kind]) == len(
            [i for i in before if i.kind is kind]
        )


@settings(max_examples=300, deadline=None)
@given(account=accounts(), today=days_in_range, gap=st.integers(0, 30))
def test_resolved_closes_the_problems_and_nothing_else(
    account: Account, today: date, gap: int
) -> None:
    on = after_everything(account, gap)
    before = plan_account(account, Policy(), today)
    after = plan_account(add(account, Touch(on, TouchKind.NOTE, resolved=True)), Policy(), today)
    assert [i for i in after if i.kind is ItemKind.PROBLEM] == []
    # the touch cadence may tighten after a resolution; everything else stays as it was
    moved = (ItemKind.PROBLEM, ItemKind.TOUCH)
    assert unaffected(after, *moved) == unaffected(before, *moved)


@settings(max_examples=300, deadline=None)
@given(account=accounts(), today=days_in_range, gap=st.integers(0, 30))
def test_a_renewal_entry_closes_the_renewal_and_nothing_else(
    account: Account, today: date, gap: int
) -> None:
    on = after_everything(account, gap)
    if account.renewal is not None:
        on = max(on, account.renewal - timedelta(days=Policy().renewal_lead))
    before = plan_account(account, Policy(), today)
    after = plan_account(add(account, Touch(on, TouchKind.RENEWAL)), Policy(), today)
    assert [i for i in after if i.kind is ItemKind.RENEWAL] == []
    moved = (ItemKind.RENEWAL, ItemKind.TOUCH, ItemKind.PROBLEM)
    assert unaffected(after, *moved) == unaffected(before, *moved)


# -- the week plan: within capacity, nothing dropped --------------------------------


def placement(item: Item) -> tuple[object, ...]:
    """One renewal per account, whatever its stage; other items by what made them."""
    if item.kind is ItemKind.RENEWAL:
        return (item.account, item.kind)
    return (item.account, item.kind, item.source, item.trigger, item.raw_due, item.action)


@st.composite
def books(draw: st.DrawFn) -> list[Account]:
    size = draw(st.integers(1, 6))
    return [draw(accounts(f"a{i}")) for i in range(size)]


@settings(max_examples=200, deadline=None)
@given(book=books(), policy=policies(), today=days_in_range, days=st.integers(1, 7))
def test_week_stays_within_capacity_and_drops_nothing(
    book: list[Account], policy: Policy, today: date, days: int
) -> None:
    plan = plan_week(book, policy, today, days)
    assert len(plan.days) == days and list(plan.days) == sorted(set(plan.days))
    assert plan.days[0] >= today and all(policy.is_working_day(day) for day in plan.days)
    per_day = Counter(p.day for p in plan.planned)
    assert set(per_day) <= set(plan.days)
    assert max(per_day.values(), default=0) <= policy.capacity
    for p in plan.planned:
        assert p.item.due <= p.day  # never planned before it is due
        if p.carried_from is not None:
            assert p.carried_from in plan.days and p.carried_from < p.day
    # nothing is planned more often than it is open on the first day (a touch or a problem
    # comes back, but only with a new due date)
    once = [p.item for p in plan.planned if p.item.kind not in (ItemKind.TOUCH, ItemKind.PROBLEM)]
    open_items = [
        i for a in book if a.status is Status.ACTIVE for i in plan_account(a, policy, plan.days[0])
    ]
    assert not Counter(map(placement, once)) - Counter(map(placement, open_items))
    again = [placement(p.item) for p in plan.planned if p.item.kind is ItemKind.TOUCH]
    assert len(again) == len(set(again))
    # every item due on the first day is planned or left over; a due touch or problem may
    # instead be met by another planned contact with the same account
    placed = Counter(placement(i) for i in [p.item for p in plan.planned] + list(plan.left_over))
    contacted = {p.item.account for p in plan.planned}
    owed: Counter[tuple[object, ...]] = Counter()
    for item in due_items(book, policy, plan.days[0]):
        if item.kind in (ItemKind.TOUCH, ItemKind.PROBLEM) and item.account in contacted:
            continue
        owed[placement(item)] += 1
    assert not owed - placed
    # left over means: due, and no room on the last day
    if plan.left_over:
        assert per_day[plan.days[-1]] == policy.capacity
        assert all(i.due <= plan.days[-1] for i in plan.left_over)
