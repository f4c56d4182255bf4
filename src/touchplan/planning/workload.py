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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from touchplan.config import Policy
from touchplan.model import Account, ItemClass, Status, Tier, TouchKind
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
    walk = walk_history(account, policy, today)
    every, _ = touch_every(account, policy, today, walk)
    return 1 / every / _per_working_day(policy)


def cadence_calls(cadences: Iterable[int], policy: Policy) -> float:
    """Calls a working day that touch cadences of ``cadences`` days ask together: the
    keep-in-touch part of ``workload``, from one figure per account (the plan cache
    keeps it), so `today`'s header can afford it on any book."""
    return per_working_day(sum(1 / max(c, 1) for c in cadences), policy)


def per_working_day(calls_a_day: float, policy: Policy) -> float:
    """Calls a calendar day, as calls a working day."""
    return round(calls_a_day / _per_working_day(policy), 2)


def workload(accounts: Sequence[Account], policy: Policy, today: date) -> Workload:
    """The calls a working day the policy asks of ``accounts``, and what would fit."""
    active = [a for a in accounts if a.status is Status.ACTIVE and is_planned(a, today)]
    per_day = _per_working_day(policy)
    tiers = []
    touch_total = 0.0
    for tier in Tier:
        members = [a for a in active if a.tier is tier]
        calls = sum(_touch_calls(a, policy, today) for a in members)
        touch_total += calls
        tiers.append(TierLoad(tier, len(members), policy.touch_every[tier], round(calls, 2)))
    since = today - timedelta(days=WINDOW)
    window_days = WINDOW * per_day
    sales = problems = promises = 0
    problem_calls = 0.0
    commitment_steps = [s for s in policy.sequences if s.cls is ItemClass.COMMITMENT]
    step_calls = 0.0
    for account in active:
        for touch in account.history:
            if not since < touch.date <= today:
                continue
            triggered = [s for s in commitment_steps if touch.kind.value in s.after]
            if touch.kind is TouchKind.SALE:
                sales += 1
            step_calls += len(triggered)
            if touch.problem:
                problems += 1
                # a first response, then every `problem.every` working days for ~a week
                problem_calls += 1 + 5 / policy.problem_every
            if touch.next is not None:
                promises += 1
    renewals_ahead = 0
    renewal_calls = 0.0
    horizon = today + timedelta(days=365)
    touches_per_renewal = 1 + policy.renewal_lead / policy.renewal_rhythm
    for account in active:
        renewal = effective_renewal(account)
        if renewal is not None and today <= renewal <= horizon:
            renewals_ahead += 1
            renewal_calls += touches_per_renewal
    year_days = 365 * per_day
    kinds = (
        KindLoad("touch", len(active), round(touch_total, 2)),
        KindLoad("sequence steps", sales, round(step_calls / window_days, 2)),
        KindLoad("problem", problems, round(problem_calls / window_days, 2)),
        KindLoad("follow-up", promises, round(promises / window_days, 2)),
        KindLoad("renewal", renewals_ahead, round(renewal_calls / year_days, 2)),
    )
    needed = round(sum(k.calls for k in kinds), 2)
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
