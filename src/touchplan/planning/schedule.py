"""Planning: pure functions from (account, policy, today) to items with reasons.

Nothing here reads files or the clock. Each rule walks the account's history once;
the history is processed in date order (file order within a day), so "closed by a
thank-you logged after it" and "closed explicitly" mean the same thing to every rule.
"""

from __future__ import annotations

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
from touchplan.planning.renewal import LAPSED, open_renewal

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
    stage: str = "",
) -> Item:
    due = policy.next_working_day(o.raw_due)
    if not explain:  # the cache needs kinds and due dates only
        return Item(
            account.slug,
            o.kind,
            o.action,
            due,
            o.raw_due,
            (),
            o.source,
            o.trigger,
            o.contact,
            stage,
        )
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
        stage=stage,
        terms=score_terms(account, policy, today, o.kind, due),
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
    found = open_renewal(account, policy, today)
    if found is None:
        return None
    left, stage = found.days_left, found.stage
    reasons = [f"renewal on {_fmt(found.renewal)}"]
    if stage == LAPSED:
        action = f"Renewal lapsed {_days(-left)} ago: renew or mark lost"
        reasons.append(f"the date passed {_days(-left)} ago with no renewal logged")
    else:
        first = stage == str(policy.renewal_lead)
        action = f"Renewal in {_days(left)}: {'start the conversation' if first else 'escalate'}"
        reasons.append(
            f"{_days(left)} left; work starts {policy.renewal_lead} days ahead ({stage}-day stage)"
        )
    o = _Open(ItemKind.RENEWAL, action, found.raw_due, found.opened, reasons, "renewal")
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
