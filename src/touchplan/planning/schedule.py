"""Planning: pure functions from (account, policy, today) to items and scores.

Nothing here reads files or the clock. The history walk (``walk``) leaves what is open;
this module turns it into items with due dates, reasons and score terms.

Items come in two classes. *Commitments* have a date that matters (problems, renewals,
promises, booked appointments, sequence steps); *cadence* items keep a relationship warm
(touch, visit, review). A commitment due today or late ranks above all cadence work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import NamedTuple

from touchplan.config import Policy
from touchplan.model import (
    Account,
    ClosedItem,
    Deferral,
    Item,
    ItemClass,
    ItemKind,
    ScoreTerm,
    Status,
    Tier,
    Touch,
)
from touchplan.planning.people import name_key
from touchplan.planning.renewal import LAPSED, NOT_STARTED, renewal_item, renewal_state
from touchplan.planning.walk import (
    BOOKED_CADENCE,
    Opened,
    Walk,
    attempted,
    by_last_touch,
    cadence_every,
    cadence_key,
    commitment_day,
    days_text,
    effective_renewal,
    fmt,
    item_key,
    next_personal_day,
    plus,
    renewal_key,
    stakeholder_anchor,
    touch_every,
    walk_history,
)

ID_LENGTH = 5  # characters of an item id as shown (longer only to tell two apart)
TIER_ORDER = {Tier.A: 0, Tier.B: 1, Tier.C: 2}


def _touch_key(account: Account, walk: Walk) -> str:
    """The touch item's key: it counts from the last contact (none: a first touch)."""
    last = walk.last_contact
    return item_key(account.slug, cadence_key(ItemKind.TOUCH, last.date if last else None))


def _touch_due(
    account: Account, policy: Policy, today: date, walk: Walk
) -> tuple[date, int, list[str]]:
    """When the touch falls due, before any move to a working day or deferral: a first
    touch on the day the account came (else today), a check-in the touch cadence after
    the last contact; with that cadence and why it is what it is (0: a first touch)."""
    last = walk.last_contact
    if last is None:
        return account.added or today, 0, []
    every, why = touch_every(account, policy, last.date, walk)
    return plus(last.date, every), every, why


def _touch_item(
    account: Account, policy: Policy, today: date, walk: Walk, explain: bool
) -> Opened | None:
    last = walk.last_contact
    key = _touch_key(account, walk)
    due, every, why = _touch_due(account, policy, today, walk)
    if last is None:
        start = due
        reasons = (
            [f"no contact on record; added to touchplan on {fmt(start)}"]
            if account.added
            else ["no contact on record"]
        )
        return Opened(
            ItemKind.TOUCH,
            "Get in touch: first contact",
            start,
            start,
            reasons,
            "touch",
            key,
            cls=ItemClass.CADENCE,
            deferral=walk.cadence_deferrals.get(key),
        )
    reasons = []
    if explain:
        reasons = [
            f"last contact {fmt(last.date)} ({last.kind.value}); "
            f"tier {account.tier.value} every {days_text(every)}",
            *why,
        ]
    return Opened(
        ItemKind.TOUCH,
        "Check in",
        due,
        last.date,
        reasons,
        "touch",
        key,
        cls=ItemClass.CADENCE,
        deferral=walk.cadence_deferrals.get(key),
    )


def _cadence_item(
    account: Account,
    walk: Walk,
    kind: ItemKind,
    every: int | None,
    last: Touch | None,
    what: str,
    action: str,
    explain: bool,
) -> Opened | None:
    if not every or walk.first_contact is None:
        return None  # no cadence, or nobody reached yet: the first touch comes first
    anchor = last.date if last else walk.first_contact
    key = item_key(account.slug, cadence_key(kind, anchor))
    reasons = []
    if explain:
        since = (
            f"last {what} {fmt(anchor)} ({last.kind.value})"
            if last
            else f"no {what} yet; counted from the first contact on record, {fmt(anchor)}"
        )
        reasons = [f"{since}; tier {account.tier.value} every {days_text(every)}"]
    return Opened(
        kind,
        action,
        plus(anchor, every),
        anchor,
        reasons,
        kind.value,
        key,
        cls=ItemClass.CADENCE,
        deferral=walk.cadence_deferrals.get(key),
    )


_MOVED = " is not a working day: due "


def working_day_note(raw: date, due: date) -> str:
    """The reason that says a due date moved off a non-working day."""
    return f"{fmt(raw)}{_MOVED}{fmt(due)}"


def is_working_day_note(reason: str) -> bool:
    """Whether ``reason`` only says that (views keep it for `why` and `today -v`)."""
    return _MOVED in reason


def _working_due(account: Account, policy: Policy, o: Opened) -> tuple[date, date]:
    """The working day ``o`` falls due on (a commitment's deadline moves earlier, see
    `commitment_day`), and its due date before any deferral: never before the account
    arrived (lateness never counts from before then)."""
    return _working_day(account, policy, o.cls, o.raw_due, o.trigger)


def _working_day(
    account: Account, policy: Policy, cls: ItemClass, raw_due: date, trigger: date
) -> tuple[date, date]:
    """`_working_due` of an item of class ``cls`` due ``raw_due``, opened ``trigger``."""
    if cls is ItemClass.COMMITMENT:
        day = commitment_day(policy, raw_due, trigger)
    else:
        day = policy.next_working_day(raw_due)
    added = account.added
    return day, added if added is not None and day < added else day


def _due(account: Account, policy: Policy, o: Opened) -> date:
    """The due date `_finish` gives ``o``."""
    return _deferred(_working_due(account, policy, o)[1], o.deferral)


def _deferred(due: date, deferral: Deferral | None) -> date:
    return deferral.until if deferral is not None and deferral.until > due else due


def _finish(
    account: Account, policy: Policy, today: date, o: Opened, explain: bool, cadence: int = 0
) -> Item:
    """Working days, deferral and arrival applied; scored as of ``today``."""
    day, due = _working_due(account, policy, o)
    reasons = list(o.reasons) if explain else []
    if explain and due != day:
        reasons.append(f"counted from {fmt(due)}, when it was added to touchplan")
    elif explain and due != o.raw_due:
        reasons.append(working_day_note(o.raw_due, due))
    if o.deferral is not None and o.deferral.until > due:
        due = o.deferral.until
        if explain:
            reasons.append(
                f"deferred on {fmt(o.deferral.on)} until {fmt(o.deferral.until)}"
                + (f": {o.deferral.reason}" if o.deferral.reason else "")
            )
    item = Item(
        account=account.slug,
        kind=o.kind,
        action=o.action,
        due=due,
        raw_due=o.raw_due,
        reasons=tuple(reasons),
        source=o.source,
        trigger=o.trigger,
        contact=o.contact,
        cls=o.cls,
        id=o.key[:ID_LENGTH],
        key=o.key,
        cadence=cadence or o.cadence,
        booked=o.booked,
        deferred=o.deferral if o.deferral is not None and o.deferral.until > today else None,
        stage=o.stage,
        progress=o.progress,
        repeats=_repeats(o),
    )
    return scored(item, account.tier, policy, today) if explain else item


def _repeats(o: Opened) -> bool:
    """Whether the item comes back once done: an answered problem, a renewal under way."""
    return (o.kind is ItemKind.PROBLEM and o.last is not None) or (
        o.kind is ItemKind.RENEWAL and o.progress not in ("", NOT_STARTED, LAPSED)
    )


def scored(item: Item, tier: Tier, policy: Policy, today: date) -> Item:
    """The item with its score terms, and whether it is past its grace, as of ``today``."""
    return replace(
        item,
        terms=score_terms(item, tier, policy, today),
        past_grace=grace_passed(item, policy, today),
    )


def grace_passed(item: Item, policy: Policy, today: date) -> bool:
    """Cadence work due `grace` working days before ``today`` or earlier: it ranks above
    cadence work that can wait (on time, or late by less), so no gap runs far past its
    cadence while others are merely due."""
    if item.cls is not ItemClass.CADENCE or item.due > today:
        return False  # the common case, without counting working days
    limit = grace_limit(policy, today)
    return limit is not None and item.due <= limit


def wait_limit(policy: Policy, today: date) -> date:
    """Cadence work due on this day or earlier cannot wait a day for a commitment done
    ahead of its date (its spare day): past its grace, or late at all without one."""
    return grace_limit(policy, today) or today - timedelta(days=1)


def cannot_wait(items: Iterable[Item], policy: Policy, today: date) -> bool:
    """Something here must be done today: a commitment due, or cadence work past
    ``wait_limit``."""
    limit = wait_limit(policy, today)
    return any(i.due <= (today if i.cls is ItemClass.COMMITMENT else limit) for i in items)


def grace_limit(policy: Policy, today: date) -> date | None:
    """The `grace`-th working day before ``today`` (``today`` for 0): cadence work due
    then or earlier has used up its grace (None: no grace rule)."""
    if policy.grace is None:
        return None
    day = today
    for _ in range(policy.grace):
        day = policy.previous_working_day(day - timedelta(days=1))
    return day


def _problem_due(policy: Policy, o: Opened) -> date:
    if o.last is None:
        return policy.add_working_days(o.trigger, policy.problem_first)
    return policy.add_working_days(o.last, policy.problem_every)


def plan_account(
    account: Account, policy: Policy, today: date, *, explain: bool = True
) -> list[Item]:
    """Every open item of an account, due or not (ranked when ``explain``).

    ``explain=False`` leaves out reasons and score terms (the cache keeps kinds, classes
    and due dates only); everything else is the same computation.
    """
    walk = walk_history(account, policy, today)
    return items_from_walk(account, policy, today, walk, explain=explain)


def items_from_walk(
    account: Account, policy: Policy, today: date, walk: Walk, *, explain: bool = True
) -> list[Item]:
    items = [
        _finish(account, policy, today, o, explain, cadence)
        for o, cadence in _opened(account, policy, today, walk, explain)
    ]
    if explain:
        items.sort(key=lambda i: rank_key(i, account.tier, today))
    return items


class Kept(NamedTuple):
    """An item as the plan cache keeps it (see `kept_items`)."""

    kind: ItemKind
    cls: ItemClass
    due: date
    cadence: int
    key: str
    deferred: bool  # a deferral still holds it back
    repeats: bool
    trigger: date


def kept_items(account: Account, policy: Policy, today: date, walk: Walk) -> list[Kept]:
    """What the cache keeps of each item ``items_from_walk`` gives with ``explain=False``,
    in its order, without making the items (a cold run plans every account, and the
    items' other fields are never read there)."""
    return [
        Kept(
            o.kind,
            o.cls,
            _due(account, policy, o),
            cadence or o.cadence,
            o.key,
            o.deferral is not None and o.deferral.until > today,
            _repeats(o),
            o.trigger,
        )
        for o, cadence in _opened(account, policy, today, walk, False)
    ]


class Due(NamedTuple):
    """An item as the report reads it (see `item_dues`)."""

    kind: ItemKind
    cls: ItemClass
    due: date


def item_dues(account: Account, policy: Policy, today: date, walk: Walk) -> list[Due]:
    """The kind, class and due date of each item ``items_from_walk`` gives (in its
    order with ``explain=False``), without making the items."""
    return [
        Due(o.kind, o.cls, _due(account, policy, o))
        for o, _cadence in _opened(account, policy, today, walk, False)
    ]


def _opened(
    account: Account, policy: Policy, today: date, walk: Walk, explain: bool
) -> list[tuple[Opened, int]]:
    """The items of ``items_from_walk`` before `_finish`, each with the cadence it is
    measured against (0: its own)."""
    found: list[tuple[Opened, int]] = []
    suppressed: set[ItemKind] = set()
    for o in walk.open:
        if o.kind is ItemKind.PROBLEM:
            due = _problem_due(policy, o)
            o = replace(o, raw_due=due)
            if explain:
                last = (
                    f"last contact {fmt(o.last)}; every {days_text(policy.problem_every)} "
                    "(working days) until resolved"
                    if o.last
                    else f"first response within {days_text(policy.problem_first)} (working days)"
                )
                o.reasons = [*o.reasons, last]
        if o.booked is not None:
            suppressed.add(BOOKED_CADENCE[o.booked])
        found.append((o, 0))
    renewal = renewal_item(account, policy, today, walk, explain)
    if renewal is not None:
        found.append((renewal, 0))
    if ItemKind.TOUCH not in suppressed and (
        t := _touch_item(account, policy, today, walk, explain)
    ):
        every = (
            touch_every(account, policy, walk.last_contact.date, walk)[0]
            if walk.last_contact
            else cadence_every(account, policy, policy.touch_every[account.tier]) or 1
        )
        found.append((t, every))
    visit_every = cadence_every(account, policy, policy.visit_every[account.tier])
    if ItemKind.VISIT not in suppressed and (
        v := _cadence_item(
            account,
            walk,
            ItemKind.VISIT,
            visit_every,
            walk.last_face,
            "face-to-face meeting",
            "Plan a visit",
            explain,
        )
    ):
        found.append((v, visit_every or 0))
    review_every = cadence_every(account, policy, policy.review_every[account.tier])
    if ItemKind.REVIEW not in suppressed and (
        r := _cadence_item(
            account,
            walk,
            ItemKind.REVIEW,
            review_every,
            walk.last_review,
            "relationship review",
            "Hold a relationship review (health check)",
            explain,
        )
    ):
        found.append((r, review_every or 0))
    stakeholder_every = cadence_every(account, policy, policy.stakeholder_every[account.tier])
    if stakeholder_every and (s := _stakeholder_item(account, walk, stakeholder_every, explain)):
        found.append((s, stakeholder_every))
    return found


def touch_and_commitments(
    account: Account, policy: Policy, today: date, walk: Walk
) -> tuple[date | None, list[date]]:
    """Of the items `items_from_walk` gives, what the report's weekly trends read, made
    without the items: the due date of the first touch item (None: there is none) and
    those of the commitments. The visit, review, second-stakeholder and personal items
    are cadence work of other kinds: neither."""
    touch: date | None = None
    commitments: list[date] = []
    suppressed: set[ItemKind] = set()
    for o in walk.open:
        if o.booked is not None:
            suppressed.add(BOOKED_CADENCE[o.booked])
        if o.cls is not ItemClass.COMMITMENT and o.kind is not ItemKind.TOUCH:
            continue
        if o.kind is ItemKind.PROBLEM:
            o = replace(o, raw_due=_problem_due(policy, o))
        due = _due(account, policy, o)
        if o.cls is ItemClass.COMMITMENT:
            commitments.append(due)
        if o.kind is ItemKind.TOUCH and touch is None:
            touch = due  # a sequence step of kind touch comes before the cadence's
    # the renewal and touch items' due dates as `_due` reads them, without making the
    # items (their wording and keys): a key is needed only to find a deferral
    deferrals = walk.cadence_deferrals
    state = renewal_state(account, policy, today, walk)
    if state is not None:
        due = _working_day(account, policy, ItemClass.COMMITMENT, state.due, state.window_start)[1]
        if deferrals:
            due = _deferred(due, deferrals.get(renewal_key(account.slug, state.renewal)))
        commitments.append(due)
    if touch is None and ItemKind.TOUCH not in suppressed:
        raw_due = _touch_due(account, policy, today, walk)[0]
        due = _working_day(account, policy, ItemClass.CADENCE, raw_due, raw_due)[1]
        touch = _deferred(due, deferrals.get(_touch_key(account, walk))) if deferrals else due
    return touch, commitments


def _stakeholder_item(account: Account, walk: Walk, every: int, explain: bool) -> Opened | None:
    """Someone besides the person touched last, at least every ``every`` days (counted
    from when the only person named so far was first touched). None before anyone is
    named in a `with`: nothing is known of who is touched."""
    anchor = stakeholder_anchor(walk)
    if anchor is None:
        return None
    key = item_key(account.slug, cadence_key(ItemKind.STAKEHOLDER, anchor))
    reasons = []
    if explain:
        latest = by_last_touch(walk)
        if walk.stakeholder_done is not None and walk.stakeholder_done == anchor:
            since = f"a second stakeholder recorded on {fmt(anchor)}"
        elif len(latest) > 1 and latest[1].last == latest[0].last:
            since = f"{latest[0].name} and {latest[1].name} touched together on {fmt(anchor)}"
        elif len(latest) > 1:
            since = f"only {latest[0].name} touched since {fmt(anchor)} ({latest[1].name} then)"
        else:
            since = f"only {latest[0].name} touched, since {fmt(anchor)}"
        reasons = [
            f"{since}; tier {account.tier.value}: a second stakeholder every {days_text(every)}"
        ]
    return Opened(
        ItemKind.STAKEHOLDER,
        "Meet a second stakeholder",
        plus(anchor, every),
        anchor,
        reasons,
        "stakeholders",
        key,
        cls=ItemClass.CADENCE,
        contact=_someone_else(account, walk),
        deferral=walk.cadence_deferrals.get(key),
    )


def _someone_else(account: Account, walk: Walk) -> str:
    """Whom to ask for: the contact on file touched least lately (never first) besides
    the person touched last; "" when there is nobody else on file."""
    latest = by_last_touch(walk)[0].name
    others = [c.name for c in account.contacts if name_key(c.name) != name_key(latest)]
    if not others:
        return ""

    def last(name: str) -> date:
        person = walk.people.get(name_key(name))
        return person.last if person else date.min

    return min(others, key=last)


def closed_items(account: Account, policy: Policy, today: date) -> list[ClosedItem]:
    """The items that left the plan: done (and by what), cancelled (a booking that will
    not happen) or missed (a step's window passed), in the order it happened."""
    walk = walk_history(account, policy, today)
    closed = [
        ClosedItem(
            _finish(account, policy, today, o, True),
            "cancelled" if o.key in walk.cancelled else "done",
            t.date,
            t.kind.value,
        )
        for o, t in walk.closed
    ]
    for o in walk.missed:
        item = _finish(account, policy, today, o, True)
        expiry = o.expiry or item.due
        if account.added is not None and expiry < account.added:
            continue  # its window closed before the account came to touchplan: not ours
        closed.append(ClosedItem(item, "missed", plus(expiry, 1)))
    closed.sort(key=lambda c: (c.on, c.item.due))
    return closed


# -- scores and ranking ----------------------------------------------------------------


def cadence_ratio(item: Item, today: date) -> float:
    """How many cadences have passed since the item's anchor: 1.0 on its due date."""
    cadence = item.cadence or 1
    return round(1 + (today - item.due).days / cadence, 3)


def score_terms(item: Item, tier: Tier, policy: Policy, today: date) -> tuple[ScoreTerm, ...]:
    """The documented terms of an item's score (see `touchplan why`)."""
    w = policy.weights
    if item.cls is ItemClass.COMMITMENT:
        due = item.due <= today
        return (
            ScoreTerm(
                "commitment due (ranks above all cadence work)", 1 if due else 0, w.commitment
            ),
            ScoreTerm("days late", max(0, (today - item.due).days), w.late_day),
            ScoreTerm(f"importance of a {item.kind.value}", 1, w.importance.get(item.kind, 0.0)),
        )
    late = (today - item.due).days
    where = (
        f"{late} days late" if late > 0 else ("due today" if late == 0 else f"due in {-late} days")
    )
    factor = w.cadence.get(item.kind, 1.0)
    weighed = "" if factor == 1 else f" x {factor:g} for a {item.kind.value} item"
    return (
        ScoreTerm(
            f"cadences elapsed ({where} on a {item.cadence}-day cadence), "
            f"tier {tier.value}{weighed}",
            max(0.0, cadence_ratio(item, today)),
            w.tier.get(tier, 0.0) * factor,
        ),
    )


def quick_score(
    policy: Policy, cls: ItemClass, kind: ItemKind, tier: Tier, due: date, cadence: int, today: date
) -> float:
    """An item's score from what the cache keeps (the same terms, without the item)."""
    probe = Item("", kind, "", due, due, (), cls=cls, cadence=cadence)
    return round(sum(t.value for t in score_terms(probe, tier, policy, today)), 2)


RankKey = tuple[int, float, int, date, str, str, str]


def rank_key(item: Item, tier: Tier, today: date) -> RankKey:
    """A booked appointment on its day first (the customer expects it then: it cannot be
    kept later); then commitments due today or late; then cadence work past its grace;
    then by score (highest first); ties by tier, earliest due, account and kind."""
    if item.kind is ItemKind.BOOKED and item.due == today:
        first = -1
    elif item.cls is ItemClass.COMMITMENT and item.due <= today:
        first = 0
    else:
        first = 1 if item.past_grace else 2
    return (first, -item.score, TIER_ORDER[tier], item.due, item.account, item.kind.value, item.id)


def is_planned(account: Account, today: date) -> bool:
    """Lost and snoozed accounts are left out of planning."""
    return account.status is Status.ACTIVE and not account.is_snoozed(today)


def stable_until(account: Account, policy: Policy, day: date, walk: Walk | None = None) -> date:
    """The last day on which ``plan_account`` yields the same items with the same due
    dates as on ``day`` (only scores and wording move with the clock until then).

    What moves them: a first touch with no arrival date (due "today"), an attempt today
    (the account sits out the day), a sequence step's expiry, a renewal's date passing,
    an anniversary or a birthday.
    """
    walk = walk or walk_history(account, policy, day)  # the walk of ``day``, when known
    if walk.last_contact is None and account.added is None:
        return day
    if attempted(account, day):
        return day
    until = date.max
    for o in walk.open:
        expiry = o.expiry
        if expiry is not None:
            until = min(until, expiry)
    renewal = effective_renewal(account)
    if renewal is not None and day <= renewal:
        until = min(until, renewal)
    personal = next_personal_day(account, policy, day)
    if personal is not None:
        until = min(until, plus(personal, -1))  # an anniversary or a birthday brings an item
    return until


def assign_ids(
    items: Iterable[Item], others: Iterable[tuple[str, date | None]] = ()
) -> dict[str, str]:
    """Short ids unique among ``items`` and the other open items of the book (``others``:
    their keys and the day each was opened): the full key -> the id to show.

    Two keys sharing a prefix are told apart by lengthening the id of the one opened
    later (by the day it was opened, then key), so an id shown once never changes while
    its item stays open; a longer id stays a prefix of its key, so what was typed or
    written with it keeps naming the same item.
    """
    opened: dict[str, date] = {}
    for key, day in [*((i.key, i.trigger) for i in items), *others]:
        day = day or date.min
        opened[key] = min(opened.get(key, day), day)
    by_prefix: dict[str, list[str]] = {}
    for key in opened:
        by_prefix.setdefault(key[:ID_LENGTH], []).append(key)
    ids: dict[str, str] = {}
    for prefix, group in by_prefix.items():
        keys = sorted(group, key=lambda k: (opened[k], k))
        ids[keys[0]] = prefix
        for key in keys[1:]:
            length = ID_LENGTH + 1
            while any(other != key and other.startswith(key[:length]) for other in keys):
                length += 1
            ids[key] = key[:length]
    return ids


def with_ids(items: Sequence[Item], ids: Mapping[str, str]) -> list[Item]:
    return [replace(i, id=ids.get(i.key, i.id)) for i in items]
