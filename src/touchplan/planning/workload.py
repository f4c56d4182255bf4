"""Workload: how many calls a working day the policy asks of a book, against capacity.

Pure arithmetic over the accounts and the policy. Cadence calls come from each
account's touch cadence (a visit or a review is a touch made in person, so it changes a
call's mode, not the number of calls). Commitment calls come from the book's recent rate
of sales (each opens its sequence steps), problems (a first response, then a touch every
`problem.every` working days until resolved) and promises, and from the renewals ahead.
Commitments made on a call the cadence asks for anyway are counted twice, so the total
is an upper bound; the README says so.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from touchplan.config import Policy
from touchplan.model import Account, ItemClass, Tier, TouchKind
from touchplan.planning.schedule import is_planned
from touchplan.planning.walk import effective_renewal, touch_every, walk_history

WINDOW = 90  # calendar days of history the commitment rates are measured over


@dataclass(frozen=True)
class TierLoad:
    tier: Tier
    accounts: int
    cadence: int | None  # the tier's touch cadence in days
    calls: float  # calls a working day


@dataclass(frozen=True)
class KindLoad:
    kind: str  # touch, sale steps, problem, follow-up, renewal
    count: int  # events in the window (accounts for touch; renewals ahead in a year)
    calls: float


@dataclass(frozen=True)
class Suggestion:
    text: str
    accounts: tuple[str, ...] = ()  # the accounts it names (slugs)


@dataclass(frozen=True)
class Workload:
    date: date
    capacity: int
    needed: float  # calls a working day the policy asks
    by_tier: tuple[TierLoad, ...]
    by_kind: tuple[KindLoad, ...]
    suggestions: tuple[Suggestion, ...]

    @property
    def over(self) -> bool:
        return self.needed > self.capacity

    @property
    def ratio(self) -> float:
        return self.needed / self.capacity if self.capacity else math.inf


def _per_working_day(policy: Policy) -> float:
    """Working days in an average calendar day."""
    return len(policy.working_days) / 7 or 1 / 7


def _touch_calls(account: Account, policy: Policy, today: date) -> float:
    """Calls a working day this account's touch cadence asks (tightened while new)."""
    return 1 / account_every(account, policy, today) / _per_working_day(policy)


def account_every(account: Account, policy: Policy, today: date) -> int:
    """The touch cadence in days that applies to ``account`` on ``today``."""
    walk = walk_history(account, policy, today)
    every, _ = touch_every(account, policy, today, walk)
    return every


@dataclass(frozen=True)
class Demand:
    """What the workload is computed from, gathered from loaded accounts (``demand``) or
    from the plan cache's tables (files.cache): one formula, ``kind_loads``, for both."""

    accounts: int  # planned accounts
    touch_rate: float  # sum over them of 1 / touch cadence in days (calls a calendar day)
    kinds: Mapping[str, int]  # history entries in the last WINDOW days, by touch kind
    problems: int  # of those, entries reporting a problem
    promises: int  # of those, entries promising a next action
    renewals: int  # renewal dates within the coming year


def demand(active: Sequence[Account], policy: Policy, today: date) -> Demand:
    """The figures ``kind_loads`` needs, from loaded (planned) accounts."""
    since = today - timedelta(days=WINDOW)
    horizon = today + timedelta(days=365)
    kinds: Counter[str] = Counter()
    problems = promises = renewals = 0
    rate = 0.0
    for account in active:
        rate += 1 / account_every(account, policy, today)
        for touch in account.history:
            if since < touch.date <= today:
                kinds[touch.kind.value] += 1
                problems += bool(touch.problem)
                promises += touch.next is not None
        renewal = effective_renewal(account)
        renewals += renewal is not None and today <= renewal <= horizon
    return Demand(len(active), rate, kinds, problems, promises, renewals)


def needed_of(accounts: Sequence[Account], policy: Policy, today: date) -> float:
    """Calls a working day the planned ones of ``accounts`` need (`today`, `week`)."""
    active = [a for a in accounts if is_planned(a, today)]
    return needed_calls(kind_loads(demand(active, policy, today), policy))


def kind_loads(d: Demand, policy: Policy) -> tuple[KindLoad, ...]:
    """Calls a working day by kind of work: the keep-in-touch cadences, the window's
    rate of sequence steps, problems and promises, and the renewals ahead."""
    per_day = _per_working_day(policy)
    window_days = WINDOW * per_day
    steps = sum(
        count * sum(1 for s in policy.sequences
                    if s.cls is ItemClass.COMMITMENT and kind in s.after)
        for kind, count in d.kinds.items()
    )  # fmt: skip
    # a first response, then every `problem.every` working days for ~a week
    problem_calls = d.problems * (1 + 5 / policy.problem_every)
    renewal_calls = d.renewals * (1 + policy.renewal_lead / policy.renewal_rhythm)
    return (
        KindLoad("touch", d.accounts, round(d.touch_rate / per_day, 2)),
        KindLoad("sequence steps", d.kinds.get(TouchKind.SALE.value, 0),
                 round(steps / window_days, 2)),
        KindLoad("problem", d.problems, round(problem_calls / window_days, 2)),
        KindLoad("follow-up", d.promises, round(d.promises / window_days, 2)),
        KindLoad("renewal", d.renewals, round(renewal_calls / (365 * per_day), 2)),
    )  # fmt: skip


def needed_calls(kinds: Sequence[KindLoad]) -> float:
    """Calls a working day in all: what `workload`, `today` and `week` compare to capacity."""
    return round(sum(k.calls for k in kinds), 2)


def workload(accounts: Sequence[Account], policy: Policy, today: date) -> Workload:
    """The calls a working day the policy asks of ``accounts``, and what would fit."""
    active = [a for a in accounts if is_planned(a, today)]
    per_day = _per_working_day(policy)
    tiers = []
    for tier in Tier:
        members = [a for a in active if a.tier is tier]
        calls = sum(1 / account_every(a, policy, today) for a in members) / per_day
        tiers.append(TierLoad(tier, len(members), policy.touch_every[tier], round(calls, 2)))
    kinds = kind_loads(demand(active, policy, today), policy)
    needed = needed_calls(kinds)
    suggestions = (
        _suggestions(active, policy, today, needed, tiers) if needed > policy.capacity else ()
    )
    return Workload(today, policy.capacity, needed, tuple(tiers), kinds, suggestions)


def _suggestions(
    active: Sequence[Account],
    policy: Policy,
    today: date,
    needed: float,
    tiers: Sequence[TierLoad],
) -> tuple[Suggestion, ...]:
    """What would fit: more capacity, fewer B accounts on B cadence, a longer C cadence."""
    out = [Suggestion(f"raise capacity to {math.ceil(needed - 1e-9)} calls a day")]
    excess = needed - policy.capacity
    demoted = replace(
        policy, touch_every={**policy.touch_every, Tier.B: policy.touch_every[Tier.C]}
    )
    saved = 0.0
    moved: list[str] = []
    b_accounts = sorted(
        (a for a in active if a.tier is Tier.B), key=lambda a: (a.value or 0.0, a.slug)
    )
    for account in b_accounts:
        before = _touch_calls(account, policy, today)
        after = _touch_calls(account, demoted, today)
        saved += before - after
        moved.append(account.slug)
        if saved >= excess:
            break
    if moved and saved >= excess:
        out.append(
            Suggestion(
                f"or move {len(moved)} B account{'s' if len(moved) != 1 else ''} with the "
                f"lowest value to the C cadence ({policy.touch_every[Tier.C]} days)",
                tuple(moved),
            )
        )
    c_load = next(t for t in tiers if t.tier is Tier.C)
    room = c_load.calls - excess
    c_every = policy.touch_every[Tier.C]
    if c_load.accounts and c_every and room > 0:
        longer = math.ceil(c_every * c_load.calls / room - 1e-9)  # 315.0000001 is 315
        out.append(Suggestion(f"or lengthen the C cadence to {longer} days"))
    return tuple(out)
