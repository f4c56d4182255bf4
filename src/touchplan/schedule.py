"""Planning: pure functions from (account, policy, today) to items with reasons.

Nothing here reads files or the clock. Each rule walks the account's history once;
the history is processed in date order (file order within a day), so "closed by a
thank-you logged after it" and "closed explicitly" mean the same thing to every rule.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from touchplan.config import SINCE, Policy, Step
from touchplan.model import (
    CONTACT_KINDS,
    FACE_TO_FACE_KINDS,
    Account,
    Item,
    ItemKind,
    ScoreTerm,
    Status,
    Tier,
    Touch,
    TouchKind,
)

DAY = timedelta(days=1)
# Problems are ranked above everything, whatever the other scores grow to.
FIRST_KINDS = frozenset({ItemKind.PROBLEM})


@dataclass
class _Open:
    """An item opened by a history entry and not yet closed."""

    kind: ItemKind
    action: str
    raw_due: date
    trigger: date
    reasons: list[str]
    source: str
    contact: str = ""
    step: Step | None = None


@dataclass
class _Walk:
    """What one pass over the history leaves behind."""

    explicit: list[_Open] = field(default_factory=list)  # closed by `done`
    by_kind: list[_Open] = field(default_factory=list)  # closed by a matching touch
    problems: list[tuple[Touch, date]] = field(default_factory=list)  # (opened by, last touch)
    last_resolved: date | None = None


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _fmt(day: date) -> str:
    return day.isoformat()


def cadence_days(
    account: Account, policy: Policy, anchor: date, walk: _Walk
) -> tuple[int, list[str]]:
    """The touch cadence that applies after ``anchor``, with why it was tightened."""
    base = policy.touch_every[account.tier] or 0
    reasons: list[str] = []
    tight = max(1, round(base * policy.tighten_factor))
    if account.since and anchor < account.since + timedelta(days=policy.new_customer_days):
        reasons.append(
            f"new customer since {_fmt(account.since)}: cadence tightened "
            f"{base} → {tight} days for the first {policy.new_customer_days} days"
        )
    elif walk.last_resolved and anchor < walk.last_resolved + timedelta(
        days=policy.after_problem_days
    ):
        reasons.append(
            f"problem resolved on {_fmt(walk.last_resolved)}: cadence tightened "
            f"{base} → {tight} days for {policy.after_problem_days} days"
        )
    return (tight if reasons else base), reasons


def _ordered(history: Iterable[Touch]) -> list[Touch]:
    return sorted(history, key=lambda t: (t.date, t.index))


def _since_steps(
    account: Account, policy: Policy, today: date, history: Sequence[Touch]
) -> list[_Open]:
    """Onboarding steps a new account's `since` triggers (only while it is new)."""
    since = account.since
    if since is None or today >= since + timedelta(days=policy.new_customer_days):
        return []
    window_end = since + timedelta(days=policy.new_customer_days)
    opened = []
    for step in policy.sequences:
        if SINCE not in step.after:
            continue
        # A sale logged for the start already triggers the same step: do not double it.
        if any(t.kind in step.after and since <= t.date < window_end for t in history):
            continue
        opened.append(
            _Open(
                step.kind,
                step.action,
                since + timedelta(days=step.days),
                since,
                [
                    f"new customer since {_fmt(since)}: "
                    f"{step.name} {_days(step.days)} after the start"
                ],
                step.name,
                step=step,
            )
        )
    return opened


def walk_history(account: Account, policy: Policy, today: date) -> _Walk:
    """Open and close event-driven items (follow-ups, sequences, problems) in order."""
    walk = _Walk()
    history = _ordered(account.history)
    pending = _since_steps(account, policy, today, history)
    for touch in history:
        # the `since` steps enter the walk on their day, before that day's entries
        for item in [p for p in pending if p.trigger <= touch.date]:
            (walk.explicit if item.step and item.step.closed_by is None else walk.by_kind).append(
                item
            )
            pending.remove(item)
        _close_by_kind(walk, touch)
        if touch.done:
            _close_explicit(walk, touch)
        if touch.resolved and walk.problems:
            walk.problems.clear()
            walk.last_resolved = touch.date
        elif touch.resolved:
            walk.last_resolved = touch.date
        for i, (opened, last) in enumerate(walk.problems):
            if touch.is_contact and touch.date >= last:
                walk.problems[i] = (opened, touch.date)
        if touch.problem:
            walk.problems.append((touch, touch.date))
        if touch.next is not None:
            walk.explicit.append(
                _Open(
                    ItemKind.FOLLOW_UP,
                    touch.next.action,
                    # a promise dated before the entry (a typo) is due at once, not earlier
                    max(touch.next.due, touch.date),
                    touch.date,
                    [f"promised on {_fmt(touch.date)} ({touch.kind.value}): {touch.next.action}"],
                    "next",
                    contact=touch.with_,
                )
            )
        for step in policy.sequences:
            if touch.kind in step.after:
                item = _Open(
                    step.kind,
                    step.action,
                    touch.date + timedelta(days=step.days),
                    touch.date,
                    [
                        f"{touch.kind.value} on {_fmt(touch.date)}: "
                        f"{step.name} due {_days(step.days)} after"
                    ],
                    step.name,
                    contact=touch.with_,
                    step=step,
                )
                (walk.explicit if step.closed_by is None else walk.by_kind).append(item)
    for item in pending:
        (walk.explicit if item.step and item.step.closed_by is None else walk.by_kind).append(item)
    return walk


def _close_by_kind(walk: _Walk, touch: Touch) -> None:
    walk.by_kind = [
        item
        for item in walk.by_kind
        if not (
            item.step
            and item.step.closed_by
            and touch.kind in item.step.closed_by
            and touch.date >= item.trigger
        )
    ]


def _close_explicit(walk: _Walk, touch: Touch) -> None:
    """`done` closes the items due by its date; if none is due, the next one."""
    due = [item for item in walk.explicit if item.raw_due <= touch.date]
    if not due and walk.explicit:
        due = [min(walk.explicit, key=lambda item: (item.raw_due, item.trigger))]
    for item in due:
        walk.explicit.remove(item)


def closes_on_done(account: Account, policy: Policy, on: date) -> list[Item]:
    """The items a `done` entry dated ``on`` would close (for `log` to say so)."""
    walk = walk_history(account, policy, on)
    probe = Touch(on, TouchKind.NOTE, done=True, index=len(account.history))
    before = list(walk.explicit)
    _close_explicit(walk, probe)
    closed = [item for item in before if item not in walk.explicit]
    return [_item(account, policy, on, o) for o in closed]


def _item(
    account: Account,
    policy: Policy,
    today: date,
    o: _Open,
    explain: bool = True,
    **extra: object,
) -> Item:
    due = policy.next_working_day(o.raw_due)
    if not explain:  # the cache needs kinds and due dates only
        return Item(account.slug, o.kind, o.action, due, o.raw_due, (), o.source, o.trigger,
                    o.contact, **extra)  # type: ignore[arg-type]  # fmt: skip
    reasons = list(o.reasons)
    if due != o.raw_due:
        reasons.append(f"{_fmt(o.raw_due)} is not a working day: moved to {_fmt(due)}")
    # built once, terms included: planning 40,000 accounts makes every copy count
    return Item(
        account=account.slug,
        kind=o.kind,
        action=o.action,
        due=due,
        raw_due=o.raw_due,
        reasons=tuple(reasons),
        source=o.source,
        trigger=o.trigger,
        contact=o.contact,
        terms=score_terms(account, policy, today, o.kind, due),
        **extra,  # type: ignore[arg-type]
    )


def score_terms(
    account: Account, policy: Policy, today: date, kind: ItemKind, due: date
) -> tuple[ScoreTerm, ...]:
    """The documented terms of an item's score (see `touchplan why`)."""
    return _terms(policy, kind, account.tier, due, account.renewal, today)


def _terms(
    policy: Policy, kind: ItemKind, tier: Tier, due: date, renewal: date | None, today: date
) -> tuple[ScoreTerm, ...]:
    w = policy.weights
    late = ScoreTerm("days overdue", max(0, (today - due).days), w.overdue_day)
    if kind is ItemKind.RENEWAL and renewal is not None:
        # counted from the window's opening, not the current stage's: an escalation
        # must never make a renewal rank lower than the day before
        opened = renewal - timedelta(days=policy.renewal_lead)
        late = ScoreTerm(
            "days since the renewal window opened", max(0, (today - opened).days), w.overdue_day
        )
    terms = [
        ScoreTerm(f"kind {kind.value}", 1, w.kind.get(kind, 0.0)),
        ScoreTerm(f"tier {tier.value}", 1, w.tier.get(tier, 0.0)),
        late,
    ]
    if kind is ItemKind.RENEWAL and renewal is not None:
        inside = min(policy.renewal_lead, policy.renewal_lead - (renewal - today).days)
        terms.append(ScoreTerm("days inside the renewal window", max(0, inside), w.renewal_day))
    return tuple(terms)


def quick_score(
    policy: Policy, kind: ItemKind, tier: Tier, due: date, renewal: date | None, today: date
) -> float:
    """An item's score from what the cache keeps (the same terms, without the item)."""
    return round(sum(t.value for t in _terms(policy, kind, tier, due, renewal, today)), 2)


def stable_until(account: Account, policy: Policy, day: date) -> date:
    """The last day on which ``plan_account`` yields the same items with the same due
    dates as on ``day`` (only scores and wording move with the clock until then).

    What moves them: an item due "today" (never contacted), the end of the new-customer
    window (its onboarding steps expire), and each renewal stage boundary.
    """
    until = date.max
    if account.since is None and account.last_touch(CONTACT_KINDS) is None:
        return day  # "never contacted" (and its unanchored cadences) is due on any day
    if account.since is not None:
        window_end = account.since + timedelta(days=policy.new_customer_days)
        if day < window_end:
            until = min(until, window_end - DAY)
    renewal = account.renewal
    if renewal is not None:
        boundaries = [renewal - timedelta(days=t) for t in policy.renewal_escalate]
        boundaries.append(renewal + DAY)
        later = [b for b in boundaries if b > day]
        if later:
            until = min(until, min(later) - DAY)
    return until


def finish(account: Account, policy: Policy, today: date, item: Item) -> Item:
    """The item re-scored as of ``today`` (the week plan moves day by day)."""
    return replace(item, terms=score_terms(account, policy, today, item.kind, item.due))


def _cadence_item(
    account: Account,
    policy: Policy,
    today: date,
    kind: ItemKind,
    every: int | None,
    kinds: frozenset[TouchKind],
    what: str,
    action: str,
    explain: bool = True,
) -> Item | None:
    if not every:
        return None
    last = account.last_touch(kinds)
    first = _ordered(account.history)[0].date if account.history else None
    if last is not None:
        raw_due = last.date + timedelta(days=every)
        reasons = [
            f"last {what} {_fmt(last.date)} ({last.kind.value}); "
            f"tier {account.tier.value} every {_days(every)}"
        ]
        trigger: date | None = last.date
    elif account.since or first:
        start = account.since or first
        assert start is not None
        raw_due = start + timedelta(days=every)
        reasons = [
            f"no {what} yet; tier {account.tier.value} every {_days(every)} "
            f"from {'customer since' if account.since else 'first entry'} {_fmt(start)}"
        ]
        trigger = start
    else:
        raw_due = today
        reasons = [f"no {what} on record"]
        trigger = None
    o = _Open(kind, action, raw_due, trigger or today, reasons, kind.value)
    return _item(account, policy, today, o, explain)


def _touch_item(
    account: Account, policy: Policy, today: date, walk: _Walk, explain: bool = True
) -> Item | None:
    last = account.last_touch(CONTACT_KINDS)
    if last is None and account.since is None:
        o = _Open(
            ItemKind.TOUCH,
            "Get in touch: first contact",
            today,
            today,
            ["never contacted"],
            "touch",
        )
        return _item(account, policy, today, o, explain)
    anchor = last.date if last else account.since
    assert anchor is not None
    every, why = cadence_days(account, policy, anchor, walk)
    if not every:
        return None
    if last is not None:
        reasons = [
            f"last contact {_fmt(last.date)} ({last.kind.value}); "
            f"tier {account.tier.value} every {_days(every)}"
        ]
    else:
        reasons = [
            f"no contact since becoming a customer on {_fmt(anchor)}; "
            f"tier {account.tier.value} every {_days(every)}"
        ]
    action = "Check in" if last else "First check-in call"
    o = _Open(
        ItemKind.TOUCH, action, anchor + timedelta(days=every), anchor, reasons + why, "touch"
    )
    return _item(account, policy, today, o, explain)


def _renewal_item(
    account: Account, policy: Policy, today: date, explain: bool = True
) -> Item | None:
    renewal = account.renewal
    if renewal is None:
        return None
    start = renewal - timedelta(days=policy.renewal_lead)
    if any(t.kind is TouchKind.RENEWAL and t.date >= start for t in account.history):
        return None  # renewed for this date (or a renewal logged for it)
    left = (renewal - today).days
    reasons = [f"renewal on {_fmt(renewal)}"]
    if left < 0:
        stage = "lapsed"
        action = f"Renewal lapsed {_days(-left)} ago: renew or mark lost"
        raw_due = renewal
        reasons.append(f"the date passed {_days(-left)} ago with no renewal logged")
    else:
        stage, raw_due = str(policy.renewal_lead), start
        for threshold in policy.renewal_escalate:
            if left <= threshold:
                # each escalation makes the renewal due afresh, from that stage's start
                stage, raw_due = str(threshold), renewal - timedelta(days=threshold)
        first = stage == str(policy.renewal_lead)
        action = f"Renewal in {_days(left)}: {'start the conversation' if first else 'escalate'}"
        reasons.append(
            f"{_days(left)} left; work starts {policy.renewal_lead} days ahead ({stage}-day stage)"
        )
    o = _Open(ItemKind.RENEWAL, action, raw_due, start, reasons, "renewal")
    return _item(account, policy, today, o, explain, stage=stage)


def plan_account(
    account: Account, policy: Policy, today: date, *, explain: bool = True
) -> list[Item]:
    """Every open item of an account, due or not, ranked.

    ``explain=False`` leaves out reasons and score terms (the cache keeps kinds and due
    dates only); everything else is the same computation.
    """
    walk = walk_history(account, policy, today)
    items: list[Item] = []
    for opened, last in walk.problems:
        o = _Open(
            ItemKind.PROBLEM,
            f"Work the open problem: {opened.problem}",
            last + timedelta(days=policy.problem_every),
            opened.date,
            [
                f"open problem since {_fmt(opened.date)}: {opened.problem}",
                f"last touch {_fmt(last)}; "
                f"touch every {_days(policy.problem_every)} until resolved",
            ],
            "problem",
            contact=opened.with_,
        )
        items.append(_item(account, policy, today, o, explain))
    for o in walk.explicit + walk.by_kind:
        items.append(_item(account, policy, today, o, explain))
    touch = _touch_item(account, policy, today, walk, explain)
    if touch:
        items.append(touch)
    visit = _cadence_item(
        account,
        policy,
        today,
        ItemKind.VISIT,
        policy.visit_every[account.tier],
        FACE_TO_FACE_KINDS,
        "face-to-face meeting",
        "Plan a visit",
        explain,
    )
    if visit:
        items.append(visit)
    review = _cadence_item(
        account,
        policy,
        today,
        ItemKind.REVIEW,
        policy.review_every[account.tier],
        frozenset({TouchKind.REVIEW}),
        "relationship review",
        "Hold a relationship review (health check)",
        explain,
    )
    if review:
        items.append(review)
    renewal = _renewal_item(account, policy, today, explain)
    if renewal:
        items.append(renewal)
    if explain:
        items.sort(key=rank_key)
    return items


def rank_key(item: Item) -> tuple[int, float, date, str, str]:
    """Problems first, then by score (highest first), then earliest due, then name."""
    return (
        0 if item.kind in FIRST_KINDS else 1,
        -item.score,
        item.due,
        item.account,
        item.kind.value,
    )


def is_planned(account: Account, today: date) -> bool:
    """Lost and snoozed accounts are left out of planning."""
    return account.status is Status.ACTIVE and not account.is_snoozed(today)


def due_items(accounts: Iterable[Account], policy: Policy, today: date) -> list[Item]:
    """Every item due on or before ``today`` across the planned accounts, ranked."""
    items = [
        item
        for account in accounts
        if is_planned(account, today)
        for item in plan_account(account, policy, today)
        if item.due <= today
    ]
    items.sort(key=rank_key)
    return items


# -- the week plan ---------------------------------------------------------------


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
