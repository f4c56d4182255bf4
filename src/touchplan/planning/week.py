"""The week plan: due items spread over the coming working days within daily capacity."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from touchplan.config import Policy
from touchplan.model import Account, Item, ItemKind, Status, Touch, TouchKind
from touchplan.planning.schedule import DAY, finish, is_planned, plan_account, rank_key


@dataclass(frozen=True)
class PlannedItem:
    item: Item
    day: date
    carried_from: date | None  # the first planned day it was due but did not fit


@dataclass(frozen=True)
class WeekPlan:
    days: tuple[date, ...]
    planned: tuple[PlannedItem, ...]
    left_over: tuple[Item, ...]  # due within the window but beyond capacity


def working_days(policy: Policy, start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        day = policy.next_working_day(day)
        days.append(day)
        day += DAY
    return days


def simulate(account: Account, item: Item, day: date) -> Account:
    """The account as if ``item`` were done on ``day``: a contact, so the touch cadence
    and an open problem's clock move. It closes nothing explicitly: a `done` would close
    every due follow-up of the account, and a review every review item, dropping items
    the plan has not placed yet."""
    touch = Touch(day, TouchKind.CALL, summary="(planned)", index=len(account.history))
    return replace(account, history=(*account.history, touch))


_MET_BY_CONTACT = frozenset({ItemKind.TOUCH, ItemKind.PROBLEM})
_Identity = tuple[str, str, str, date | None, date, str]


def _identity(item: Item) -> _Identity:
    """What tells one planned item from another, whatever day it is scored on (two
    entries can make equal items, so identities are counted, not just collected)."""
    return (item.account, item.kind.value, item.source, item.trigger, item.raw_due, item.action)


def _without(items: Iterable[Item], taken: Counter[_Identity]) -> list[Item]:
    """``items`` less as many of each identity as ``taken`` counts."""
    left = Counter(taken)
    kept = []
    for item in items:
        key = _identity(item)
        if left[key] > 0:
            left[key] -= 1
        else:
            kept.append(item)
    return kept


def plan_week(accounts: Sequence[Account], policy: Policy, today: date, days: int) -> WeekPlan:
    """Spread due items over ``days`` working days, at most ``capacity`` a day.

    Overdue items are paid down first because they rank highest. Planning an item
    simulates a contact, so the account's next cadence date moves; items that do not
    fit carry to the next day and are never dropped. Items are planned as seen on the
    first day (as of a later day a renewal's stage or a new account's onboarding window
    would hide or drop what is due now), and only the accounts touched on a day are
    re-planned, so the whole run is O(accounts + entries + planned items).
    """
    plan_days = working_days(policy, today, days)
    last_day = plan_days[-1]
    # snoozed accounts stay in: they come back on the day their snooze ends
    by_slug = {a.slug: a for a in accounts if a.status is Status.ACTIVE}
    done: dict[str, Counter[_Identity]] = {}  # planned so far, per account

    def upcoming_items(account: Account) -> list[Item]:
        items = plan_account(account, policy, plan_days[0])
        return _without((i for i in items if i.due <= last_day), done.get(account.slug, Counter()))

    # every item falling due inside the window, keyed by account
    upcoming: dict[str, list[Item]] = {}
    for slug, account in by_slug.items():
        if items := upcoming_items(account):
            upcoming[slug] = items
    first_due: dict[_Identity, date] = {}
    planned: list[PlannedItem] = []
    left: list[Item] = []
    for day in plan_days:
        pool = [
            finish(by_slug[slug], policy, day, i)
            for slug, items in upcoming.items()
            for i in items
            if i.due <= day and is_planned(by_slug[slug], day)
        ]
        chosen = heapq.nsmallest(policy.capacity, pool, key=rank_key)
        for item in pool:
            first_due.setdefault(_identity(item), day)
        for item in chosen:
            key = _identity(item)
            done.setdefault(item.account, Counter())[key] += 1
            planned.append(
                PlannedItem(item, day, first_due[key] if first_due[key] != day else None)
            )
        for slug in {i.account for i in chosen}:
            account = by_slug[slug]
            today_chosen = [i for i in chosen if i.account == slug]
            for item in today_chosen:
                account = simulate(account, item, day)
            by_slug[slug] = account
            fresh = upcoming_items(account)
            # The simulated call meets the touch cadence and a problem's clock; any other
            # item it makes vanish (a never-visited account's visit re-anchors on its first
            # entry) is still owed.
            gone = _without(upcoming[slug], Counter(map(_identity, [*today_chosen, *fresh])))
            upcoming[slug] = fresh + [i for i in gone if i.kind not in _MET_BY_CONTACT]
        if day == last_day:
            chosen_keys = {id(i) for i in chosen}
            left = [i for i in sorted(pool, key=rank_key) if id(i) not in chosen_keys]
    return WeekPlan(tuple(plan_days), tuple(planned), tuple(left))
