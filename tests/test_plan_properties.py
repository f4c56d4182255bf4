"""Properties of the plan over generated books: what must hold whatever the history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchplan.config import Policy
from touchplan.model import (
    Account,
    ItemClass,
    ItemKind,
    NextAction,
    RenewalStage,
    Status,
    Tier,
    Touch,
    TouchKind,
)
from touchplan.planning.calls import account_call, plan_calls
from touchplan.planning.schedule import kept_items, plan_account, rank_key
from touchplan.planning.walk import walk_history
from touchplan.planning.week import plan_week

P = Policy()
START = date(2026, 6, 1)
TODAY = date(2026, 11, 24)
KINDS = [k for k in TouchKind if k not in (TouchKind.DEFER, TouchKind.LOST)]

days = st.integers(min_value=0, max_value=(TODAY - START).days)


@st.composite
def entries(draw: st.DrawFn) -> Touch:
    day = START + timedelta(days=draw(days))
    kind = draw(st.sampled_from(KINDS))
    promise = None
    if draw(st.booleans()):
        due = day + timedelta(days=draw(st.integers(0, 40)))
        booked = draw(
            st.sampled_from([None, None, TouchKind.VISIT, TouchKind.CALL, TouchKind.REVIEW])
        )
        promise = NextAction(due, draw(st.sampled_from(["Send the quote", "Plant tour"])), booked)
    return Touch(
        day,
        kind,
        next=promise,
        problem=draw(st.sampled_from(["", "", "", "Late delivery"])),
        resolved=draw(st.booleans()) and draw(st.booleans()),
        done=draw(st.booleans()) and draw(st.booleans()),
        stage=draw(st.sampled_from([None, *RenewalStage])) if kind is TouchKind.RENEWAL else None,
    )


@st.composite
def accounts(draw: st.DrawFn, slug: str = "acme") -> Account:
    history = draw(st.lists(entries(), max_size=12))
    renewal = draw(st.one_of(st.none(), st.dates(date(2026, 9, 1), date(2027, 6, 1))))
    since = draw(st.one_of(st.none(), st.dates(date(2015, 1, 1), TODAY)))
    return Account(
        slug=slug,
        file=f"accounts/{slug}.yaml",
        name=slug,
        tier=draw(st.sampled_from(list(Tier))),
        since=since,
        renewal=renewal,
        added=draw(st.one_of(st.none(), st.dates(START, TODAY))),
        history=tuple(replace(t, index=i) for i, t in enumerate(history)),
    )


@st.composite
def books(draw: st.DrawFn) -> list[Account]:
    n = draw(st.integers(1, 8))
    return [draw(accounts(slug=f"acct-{i}")) for i in range(n)]


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(books())
def test_a_commitment_due_today_outranks_every_cadence_item(book: list[Account]) -> None:
    items = [(i, a.tier) for a in book for i in plan_account(a, P, TODAY) if i.due <= TODAY]
    commitments = [rank_key(i, t, TODAY) for i, t in items if i.cls is ItemClass.COMMITMENT]
    cadence = [rank_key(i, t, TODAY) for i, t in items if i.cls is ItemClass.CADENCE]
    if commitments and cadence:
        assert max(commitments) < min(cadence)


@FAST
@given(accounts(), st.integers(-30, 200), st.integers(-1, 60))
def test_the_cache_keeps_what_the_plan_gives(acct: Account, ahead: int, until: int) -> None:
    # the cold run's rows are made without the items (kept_items): the same values, in
    # the same order, as the items a plan without explanations gives
    today = TODAY + timedelta(days=ahead)
    if until >= 0 and (first := plan_account(acct, P, TODAY, explain=False)):
        # one item deferred (held back on ``today``, or no longer)
        defer = Touch(TODAY, TouchKind.DEFER, item=first[0].id,
                      until=TODAY + timedelta(days=until), index=len(acct.history))  # fmt: skip
        acct = replace(acct, history=(*acct.history, defer))
    items = plan_account(acct, P, today, explain=False)
    kept = kept_items(acct, P, today, walk_history(acct, P, today))
    assert [
        (k.kind, k.cls, k.due, k.cadence, k.key, k.deferred, k.repeats, k.trigger) for k in kept
    ] == [
        (i.kind, i.cls, i.due, i.cadence, i.key, i.deferred is not None, i.repeats, i.trigger)
        for i in items
    ]


@FAST
@given(accounts(), st.data())
def test_closing_an_item_by_id_removes_exactly_that_item(
    acct: Account, data: st.DataObject
) -> None:
    items = [i for i in plan_account(acct, P, TODAY) if i.kind is not ItemKind.TOUCH]
    closable = [i for i in items if i.cls is ItemClass.COMMITMENT and i.kind not in
                (ItemKind.PROBLEM, ItemKind.RENEWAL)]  # fmt: skip
    if not closable:
        return
    target = data.draw(st.sampled_from(closable))
    # a note (not a contact) dated today that closes only the target
    note = Touch(TODAY, TouchKind.NOTE, done_ids=(target.id,), index=len(acct.history))
    after = plan_account(replace(acct, history=(*acct.history, note)), P, TODAY)
    # cadence items may move on (a booked visit done is a visit held): commitments only
    before_keys = {i.key for i in items if i.cls is ItemClass.COMMITMENT}
    after_keys = {i.key for i in after if i.cls is ItemClass.COMMITMENT}
    assert before_keys - after_keys == {target.key}
    assert after_keys <= before_keys


@FAST
@given(accounts(), st.integers(1, 30), st.sampled_from([TouchKind.VISIT, TouchKind.REVIEW]))
def test_a_booked_touch_stands_in_for_its_cadence_until_its_date_and_is_due_on_it(
    acct: Account, ahead: int, kind: TouchKind
) -> None:
    acct = replace(acct, tier=Tier.A, status=Status.ACTIVE)
    when = TODAY + timedelta(days=ahead)
    booking = Touch(TODAY, TouchKind.CALL, next=NextAction(when, "Booked", kind),
                    index=len(acct.history))  # fmt: skip
    booked = replace(acct, history=(*acct.history, booking))
    cadence = ItemKind.VISIT if kind is TouchKind.VISIT else ItemKind.REVIEW
    for day in (TODAY, when - timedelta(days=1)):
        items = plan_account(booked, P, day)
        assert not [i for i in items if i.kind is cadence and i.cls is ItemClass.CADENCE
                    and i.due <= day]  # fmt: skip
    on_the_day = [i for i in plan_account(booked, P, when) if i.kind is ItemKind.BOOKED]
    # due on its date (moved to the working day before when it falls on a weekend)
    assert any(i.due <= when and i.raw_due == when for i in on_the_day)


@FAST
@given(accounts(), st.integers(1, 40))
def test_a_deferred_item_returns_on_its_date(acct: Account, ahead: int) -> None:
    items = [i for i in plan_account(acct, P, TODAY) if i.due <= TODAY]
    if not items:
        return
    target = items[0]
    until = TODAY + timedelta(days=ahead)
    defer = Touch(TODAY, TouchKind.DEFER, item=target.id, until=until, summary="Later",
                  index=len(acct.history))  # fmt: skip
    later = replace(acct, history=(*acct.history, defer))
    now = {i.key: i for i in plan_account(later, P, TODAY)}
    assert target.key not in now or now[target.key].due > TODAY
    back = {i.key: i for i in plan_account(later, P, until)}
    if target.key in back:  # a sequence step may have expired meanwhile
        assert back[target.key].due <= P.next_working_day(until)  # a weekend waits


@FAST
@given(accounts(), st.integers(0, 400))
def test_no_renewal_ever_disappears_without_a_signing_or_a_lost_mark(
    acct: Account, ahead: int
) -> None:
    if acct.renewal is None:
        return
    plain = replace(acct, history=tuple(t for t in acct.history if t.kind is not TouchKind.RENEWAL))
    day = TODAY + timedelta(days=ahead)
    assert [i for i in plan_account(plain, P, day) if i.kind is ItemKind.RENEWAL]


@FAST
@given(books())
def test_no_due_date_precedes_the_last_touch_for_cadence(book: list[Account]) -> None:
    for acct in book:
        contacts = [t.date for t in acct.history if t.is_contact]
        for item in plan_account(acct, P, TODAY):
            if item.kind is ItemKind.TOUCH and contacts:
                assert item.due > max(contacts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books(), st.integers(1, 6), st.integers(1, 8))
def test_week_never_exceeds_capacity_and_never_drops_a_due_call(
    book: list[Account], capacity: int, length: int
) -> None:
    policy = replace(P, capacity=capacity)
    plan = plan_week(book, policy, TODAY, length)
    per_day: dict[date, int] = {}
    for planned in plan.planned:
        per_day[planned.day] = per_day.get(planned.day, 0) + 1
    assert max(per_day.values(), default=0) <= capacity
    # every account with a call due on the first day is planned some day or left over,
    # unless everything on its agenda lapsed meanwhile (a thank-you has a short window)
    placed = {p.call.account for p in plan.planned} | {c.account for c in plan.left_over}
    by_slug = {a.slug: a for a in book}
    for call in plan_calls(book, policy, TODAY):
        if call.account not in placed:
            still = {i.key for i in plan_account(by_slug[call.account], policy, plan.days[-1])}
            assert not {i.key for i in call.items} & still, call


@FAST
@given(books())
def test_one_call_per_account_and_calls_ranked(book: list[Account]) -> None:
    calls = plan_calls(book, P, TODAY)
    assert len({c.account for c in calls}) == len(calls)
    for call in calls:
        assert all(i.due <= TODAY for i in call.items)
        alone = account_call(next(a for a in book if a.slug == call.account), P, TODAY)
        # planned alone, the account's call is the same but for the commitments the book
        # pulled forward to keep a later deadline (a spare day, an overbooked day)
        if call.items:
            assert alone is not None and alone.items == call.items
        else:
            assert alone is None and call.early
