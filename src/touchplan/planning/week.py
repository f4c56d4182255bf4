"""The week plan: calls spread over the coming working days within daily capacity."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from touchplan.config import Policy
from touchplan.model import Account, Item, ItemClass, ItemKind, Status, Touch, TouchKind
from touchplan.planning.calls import Call, Mode, calls_from, relabel
from touchplan.planning.renewal import LAPSED
from touchplan.planning.schedule import is_planned, plan_account, scored, stable_until
from touchplan.planning.walk import attempted, plus, working_days


@dataclass(frozen=True)
class PlannedCall:
    call: Call
    day: date
    carried_from: date | None  # the first planned day it was due but did not fit


@dataclass(frozen=True)
class WeekPlan:
    days: tuple[date, ...]
    planned: tuple[PlannedCall, ...]
    left_over: tuple[Call, ...]  # due within the window but beyond capacity


def simulate(account: Account, call: Call, day: date) -> Account:
    """The account as if ``call`` were made on ``day``: a contact of the call's mode that
    closes its agenda's commitments (problems are touched, not resolved; a renewal
    moves on to its rhythm; a lapsed one ``plan_week`` takes as settled)."""
    kind = {Mode.VISIT: TouchKind.VISIT, Mode.REVIEW: TouchKind.REVIEW}.get(
        call.mode, TouchKind.CALL
    )
    done = tuple(
        i.key
        for i in call.agenda
        if i.kind is not ItemKind.PROBLEM
        and (i.cls is ItemClass.COMMITMENT or i.kind is not ItemKind.TOUCH)
    )
    touch = Touch(day, kind, summary="(planned)", index=len(account.history), done_ids=done)
    return replace(account, history=(*account.history, touch))


def plan_week(accounts: Sequence[Account], policy: Policy, today: date, days: int) -> WeekPlan:
    """Spread the due calls over ``days`` working days, at most ``capacity`` a day.

    Each day is planned as `today` plans it (commitments first, later deadlines kept by
    pulling work forward), and each planned call is simulated (a contact that closes its
    agenda), so the account's next dates move; calls that do not fit carry to the next
    day and are never dropped. Only the accounts touched on a day are planned again.
    """
    plan_days = working_days(policy, today, days)
    if not plan_days:
        return WeekPlan((), (), ())
    last_day = plan_days[-1]
    # what today's list weighs: the window, and the deadlines the last day protects
    horizon = policy.add_working_days(last_day, policy.plan_ahead)
    by_slug = {a.slug: a for a in accounts if a.status is Status.ACTIVE}
    items: dict[str, tuple[list[Item], date]] = {}  # slug -> (open items, valid until)
    # lapsed renewals on a planned call: the rep renews or marks it lost there (the only
    # ways it closes), so later days do not list it again
    settled: set[str] = set()

    def open_items(slug: str, day: date) -> list[Item]:
        cached = items.get(slug)
        if cached is None or day > cached[1]:
            account = by_slug[slug]
            found = plan_account(account, policy, day)
            cached = (
                [i for i in found if i.due <= horizon and i.key not in settled],
                stable_until(account, policy, day),
            )
            items[slug] = cached
        return cached[0]

    for slug in by_slug:
        if not open_items(slug, plan_days[0]):
            del items[slug]
    first_due: dict[str, date] = {}
    last_seen: dict[str, Call] = {}  # each unplaced account's call as last ranked
    planned: list[PlannedCall] = []
    left: list[Call] = []
    for day in plan_days:
        candidates = {}
        for slug in list(items):
            account = by_slug[slug]
            if is_planned(account, day) and not attempted(account, day):
                found = [scored(i, account.tier, policy, day) for i in open_items(slug, day)]
                candidates[slug] = (account, found)
        pool = calls_from(candidates, policy, day)
        for call in pool:
            first_due.setdefault(call.account, day)
            last_seen[call.account] = call
        chosen = pool[: policy.capacity]
        for call in chosen:
            carried = first_due.pop(call.account)
            planned.append(PlannedCall(call, day, carried if carried != day else None))
            by_slug[call.account] = simulate(by_slug[call.account], call, day)
            settled.update(i.key for i in call.agenda if i.progress == LAPSED)
            items.pop(call.account, None)
            if open_items(call.account, plus(day, 1)) == []:
                items.pop(call.account, None)
        if day == last_day:
            left = pool[policy.capacity :]
    return WeekPlan(
        tuple(plan_days),
        tuple(planned),
        (*left, *_sat_out(left, first_due, last_seen, open_items, last_day)),
    )


def _sat_out(
    left: Sequence[Call],
    unplaced: Mapping[str, date],
    last_seen: Mapping[str, Call],
    open_items: Callable[[str, date], list[Item]],
    last_day: date,
) -> list[Call]:
    """Calls that never fit and sat out the last day (an attempt on record then): still
    left over, with only their items still open, so no due call goes unshown."""
    listed = {c.account for c in left}
    extra: list[Call] = []
    for slug in unplaced:
        if slug in listed:
            continue
        still = {i.key for i in open_items(slug, last_day)}
        call = last_seen[slug]
        items = tuple(i for i in call.items if i.key in still)
        early = tuple(i for i in call.early if i.key in still)
        if items or early:  # else its whole agenda lapsed meanwhile
            upcoming = tuple(i for i in call.upcoming if i.key in still)
            extra.append(replace(call, items=items, early=early, upcoming=upcoming))
    return sorted(extra, key=lambda c: -c.score)


def relabel_week(plan: WeekPlan, ids: Mapping[str, str]) -> WeekPlan:
    """The plan with its items' ids made unique in the book (see ``assign_ids``)."""
    if not ids:
        return plan
    return replace(
        plan,
        planned=tuple(replace(p, call=relabel(p.call, ids)) for p in plan.planned),
        left_over=tuple(relabel(c, ids) for c in plan.left_over),
    )


def week_items(plan: WeekPlan) -> list[Item]:
    """Every item the plan shows."""
    calls = [p.call for p in plan.planned] + list(plan.left_over)
    return [i for c in calls for i in c.agenda]
