"""Calls, not items: one call per account a day, carrying its agenda.

A call ranks by its best item; `capacity` counts calls. Its agenda: every item due, the
commitments it can settle early while the rep is on the line anyway, commitments pulled
forward so that a later, overbooked day keeps its deadlines, and the cadence items due
within the look-ahead that its mode (visit, review or call) settles.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from touchplan.config import Policy
from touchplan.model import Account, Item, ItemClass, ItemKind, Tier, TouchKind
from touchplan.planning.relations import drop_reason
from touchplan.planning.schedule import (
    TIER_ORDER,
    RankKey,
    cannot_wait,
    is_planned,
    plan_account,
    rank_key,
    with_ids,
)
from touchplan.planning.walk import attempted, fmt, plus, working_days


def due_items(accounts: Iterable[Account], policy: Policy, today: date) -> list[Item]:
    """Every item due on or before ``today`` across the planned accounts, ranked."""
    calls = plan_calls(accounts, policy, today)
    return [item for call in calls for item in call.items]


class Mode:
    VISIT = "visit"
    REVIEW = "review"
    CALL = "call"


@dataclass(frozen=True)
class Call:
    """One account to contact today: its agenda and how to reach it."""

    account: str  # slug
    tier: Tier
    items: tuple[Item, ...]  # due today or late, ranked
    upcoming: tuple[Item, ...]  # cadence items due within the look-ahead this call settles
    mode: str  # visit, review or call
    # commitments due on a later day that has more of them than calls: done today so
    # that their deadline holds
    early: tuple[Item, ...] = ()

    @property
    def score(self) -> float:
        return (self.items or self.early)[0].score

    @property
    def agenda(self) -> tuple[Item, ...]:
        return self.items + self.early + self.upcoming


def relabel(call: Call, ids: Mapping[str, str]) -> Call:
    """The call with its items' ids made unique in the book (see ``assign_ids``)."""
    if not ids:
        return call
    return replace(
        call,
        items=tuple(with_ids(call.items, ids)),
        upcoming=tuple(with_ids(call.upcoming, ids)),
        early=tuple(with_ids(call.early, ids)),
    )


def call_mode(items: Iterable[Item]) -> str:
    """A visit when a visit is due, a review when a review is, otherwise a call."""
    kinds = {i.kind for i in items}
    booked = {i.booked for i in items if i.booked is not None}
    if ItemKind.VISIT in kinds or booked & {TouchKind.VISIT, TouchKind.MEETING}:
        return Mode.VISIT
    if ItemKind.REVIEW in kinds or TouchKind.REVIEW in booked:
        return Mode.REVIEW
    return Mode.CALL


_SETTLED_BY_MODE = {
    Mode.CALL: frozenset({ItemKind.TOUCH}),
    Mode.VISIT: frozenset({ItemKind.TOUCH, ItemKind.VISIT}),
    Mode.REVIEW: frozenset({ItemKind.TOUCH, ItemKind.REVIEW}),
}


# Commitments that can be settled before their date, on a call made anyway or pulled
# forward (a booking waits for its day, a gap check for the delivery it checks).
EARLY_KINDS = frozenset(
    {ItemKind.FOLLOW_UP, ItemKind.THANK_YOU, ItemKind.RENEWAL, ItemKind.PROBLEM}
)


def make_call(
    account: Account,
    items: Sequence[Item],
    policy: Policy,
    today: date,
    pulled: Sequence[Item] = (),
    why: Mapping[str, str] | None = None,
) -> Call | None:
    """The call an account needs today, from its open items (None: nothing due).

    Its agenda: what is due; commitments pulled forward (``why``: item key -> the reason
    ``pull_forward`` gave, one of PULLED_WHY's keys) to keep a later deadline; and,
    within the look-ahead, the commitments it can settle early and the cadence items
    its mode settles."""
    due = [i for i in items if i.due <= today]
    if not due and not pulled:
        return None
    due.sort(key=lambda i: rank_key(i, account.tier, today))
    horizon = plus(today, policy.lookahead)
    keys = {i.key for i in pulled}
    soon = [
        i
        for i in items
        if i.key not in keys
        and i.cls is ItemClass.COMMITMENT
        and today < i.due <= horizon
        and i.kind in EARLY_KINDS
        and i.deferred is None
    ]
    code = why or {}
    early = [
        *(pulled_note(i, code.get(i.key, OVERBOOKED)) for i in pulled),
        *(_note(i, "can be settled on this call") for i in soon if due),
    ]
    early.sort(key=lambda i: (i.due, i.kind.value))
    if flag := drop_reason(account, policy):  # the customer's view fell: say so on the call
        if due:
            due[0] = _note(due[0], flag)
        else:
            early[0] = _note(early[0], flag)
    mode = call_mode(due + early)
    upcoming = sorted(
        (
            i
            for i in items
            if i.cls is ItemClass.CADENCE
            and today < i.due <= horizon
            and i.kind in _SETTLED_BY_MODE[mode]
            and i.deferred is None
        ),
        key=lambda i: i.due,
    )
    return Call(account.slug, account.tier, tuple(due), tuple(upcoming), mode, tuple(early))


def _note(item: Item, reason: str) -> Item:
    return replace(item, reasons=(*item.reasons, reason))


def call_key(call: Call, today: date) -> RankKey:
    """A call ranks by its best item; a call made only to keep a later deadline ranks
    after every commitment due today and before all cadence work."""
    if call.items:
        key = rank_key(call.items[0], call.tier, today)
        if key[0] <= 0 or not call.early:  # a booking on its day, or a commitment due
            return key
    first = call.early[0]
    return (0, -first.score, TIER_ORDER[call.tier], first.due, call.account, first.kind.value,
            first.id)  # fmt: skip


@dataclass(frozen=True)
class Ahead:
    """A commitment due on a later day, as `pull_forward` weighs it."""

    account: str
    tier: Tier
    due: date
    key: str
    spare: int = 0  # working days to keep before its date when there is room


def spare_for(
    repeats: bool, kind: ItemKind, opened: date | None, policy: Policy, today: date
) -> int:
    """Working days a commitment keeps before its date when there is room (Ahead.spare):
    none for one that comes back after each touch (done early it only comes back
    sooner), nor for a promise made today (its date was just agreed on the call: it is
    not brought back the same day)."""
    if repeats or (kind is ItemKind.FOLLOW_UP and opened == today):
        return 0
    return policy.spare_days


# Why `pull_forward` brought a commitment into today (the reason its call shows).
OVERBOOKED = "overbooked"  # its day has more commitments due than calls
SPARE = "spare"  # a day to spare before its date, in case nobody answers
ROOM = "room"  # today has calls to spare
PULLED_WHY = {
    OVERBOOKED: "done today: {due} has more commitments due than calls",
    SPARE: "done today: a day to spare before {due}, in case nobody answers",
    ROOM: "done today, while there is room: due {due}",
}


def pulled_note(item: Item, why: str) -> Item:
    """``item`` saying why ``pull_forward`` brings it onto today's list (``why``: one of
    PULLED_WHY's keys)."""
    return _note(item, PULLED_WHY[why].format(due=fmt(item.due)))


def pull_forward(
    ahead: Sequence[Ahead],
    called: set[str],
    committed_today: int,
    policy: Policy,
    today: date,
    due_today: int | None = None,
    calls_today: int | None = None,
) -> dict[str, dict[str, str]]:
    """The commitments (account -> item key -> why, a PULLED_WHY key) to do today so
    that no deadline of the next `plan_ahead` working days slips.

    The later days are filled from their own deadlines backwards (latest first, each on
    the latest day with a free call), keeping `spare_days` working days before each
    deadline when there is room, so that a call nobody answers can be tried again in
    time. What finds no room before its deadline but today is done today, even if
    cadence work due today waits for it (``committed_today`` calls are taken by
    commitments due today). What only misses its spare day is done today when today has
    room left by the ``due_today`` calls that cannot wait (a commitment due, cadence work
    past its grace; cadence merely due or a little late can wait a day for it), else on
    its own day.
    An account in ``called`` is called today anyway and takes its pulled items for free.

    When today has calls to spare (``calls_today``: the calls due today), the nearest
    deadlines within the `lookahead` fill them (those that keep a spare day: as early as
    a call made anyway would settle them): the later days' room is only a forecast
    (cadence work takes it as it falls due, and a call nobody answers needs another
    day), and a call left unused today is lost.
    """
    days = working_days(policy, plus(today, 1), policy.plan_ahead)
    free = [policy.capacity - committed_today] + [policy.capacity] * len(days)
    spare_room = policy.capacity - (committed_today if due_today is None else due_today)
    if not days or free[0] <= 0:
        return {}  # nothing ahead to keep, or today is full of what is due today
    demands: dict[tuple[str, int], list[str]] = {}
    tiers: dict[str, Tier] = {}
    spare: dict[tuple[str, int], int] = {}
    for item in ahead:
        if today < item.due <= days[-1]:
            k = bisect.bisect_right(days, item.due)  # the working day it is due on (1-based)
            demands.setdefault((item.account, k), []).append(item.key)
            spare[(item.account, k)] = max(spare.get((item.account, k), 0), item.spare)
            tiers[item.account] = item.tier
    pulled: dict[str, dict[str, str]] = {}
    for slug, k in sorted(demands, key=lambda d: (-d[1], TIER_ORDER[tiers[d[0]]], d[0])):
        latest = max(k - spare[(slug, k)], 0)  # the last day that leaves the spare days
        slot = next((j for j in range(latest, 0, -1) if free[j] > 0), 0)
        if slot:
            free[slot] -= 1
            continue
        why = OVERBOOKED
        if slug not in called:
            own = next((j for j in range(k, latest, -1) if free[j] > 0), 0)
            if own and not (spare_room > 0 and free[0] > 0):
                free[own] -= 1  # kept on its own day, without a day to spare
                continue
            if free[0] == 0:
                continue  # no room anywhere before its deadline: it will be late
            free[0] -= 1
            spare_room -= 1
            why = SPARE if own else OVERBOOKED
        pulled.setdefault(slug, {}).update(dict.fromkeys(demands[(slug, k)], why))
    if calls_today is not None:
        idle = policy.capacity - calls_today - sum(1 for s in pulled if s not in called)
        soon = plus(today, policy.lookahead)  # as early as a call made anyway settles them
        waiting = sorted(
            (k, TIER_ORDER[tiers[s]], s)
            for s, k in demands
            if spare[(s, k)] > 0 and days[k - 1] <= soon and s not in called and s not in pulled
        )
        for _k, _tier, slug in waiting:
            if idle <= 0:
                break
            if slug not in pulled:  # one call settles all of an account's dates
                idle -= 1
                pulled[slug] = {
                    key: ROOM
                    for (s, k), keys in demands.items()
                    if s == slug and spare[(s, k)] > 0 and days[k - 1] <= soon
                    for key in keys
                }
    return pulled


def account_call(account: Account, policy: Policy, today: date) -> Call | None:
    """The account's call for ``today``, or None (nothing due, not planned, or tried
    today without reaching anyone)."""
    if not is_planned(account, today) or attempted(account, today):
        return None
    return make_call(account, plan_account(account, policy, today), policy, today)


def plan_calls(accounts: Iterable[Account], policy: Policy, today: date) -> list[Call]:
    """Every call due today across the planned accounts, ranked (with the commitments
    of overbooked later days pulled forward; see ``pull_forward``)."""
    planned = {
        a.slug: (a, plan_account(a, policy, today))
        for a in accounts
        if is_planned(a, today) and not attempted(a, today)
    }
    return calls_from(planned, policy, today)


def due_and_pulled(
    planned: Mapping[str, tuple[Tier, Sequence[Item]]], policy: Policy, today: date
) -> tuple[set[str], dict[str, dict[str, str]]]:
    """The accounts (by slug; with their tier and open items) with something due by
    ``today``, and the commitments ``pull_forward`` brings onto today (slug -> item key
    -> why): today's calls, from every planned account's items."""
    ahead = [
        Ahead(slug, tier, i.due, i.key, spare_for(i.repeats, i.kind, i.trigger, policy, today))
        for slug, (tier, items) in planned.items()
        for i in items
        if i.cls is ItemClass.COMMITMENT
        and i.kind in EARLY_KINDS
        and i.due > today
        and i.deferred is None
    ]
    called = {s for s, (_t, items) in planned.items() if any(i.due <= today for i in items)}
    committed = sum(
        1
        for _t, items in planned.values()
        if any(i.cls is ItemClass.COMMITMENT and i.due <= today for i in items)
    )
    # calls a spare day may not displace
    pressing = sum(1 for _t, items in planned.values() if cannot_wait(items, policy, today))
    return called, pull_forward(ahead, called, committed, policy, today, pressing, len(called))


def calls_from(
    planned: dict[str, tuple[Account, list[Item]]], policy: Policy, today: date
) -> list[Call]:
    """The ranked calls of accounts whose open items are known."""
    _called, early = due_and_pulled(
        {slug: (account.tier, items) for slug, (account, items) in planned.items()}, policy, today
    )
    calls = []
    for slug, (account, items) in planned.items():
        why = early.get(slug, {})
        pulled = [i for i in items if i.key in why]
        call = make_call(account, items, policy, today, pulled, why)
        if call is not None:
            calls.append(call)
    calls.sort(key=lambda c: call_key(c, today))
    return calls
