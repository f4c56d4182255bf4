"""The history walk: one pass over an account's entries, in the order things happened.

Entries open items (a problem, a promise, a booked appointment, a sequence step after a
sale), close them (by id, by kind, or `resolved`), cancel them (`cancelled`: closed but
never held), set them aside (`defer`), or move the renewal along; the walk leaves behind
what is still open and the dates the cadences count from. Pure: no I/O, no clock
(``today`` is a parameter).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache, wraps
from typing import Any, TypeVar

from touchplan.config import SINCE, Policy, Step
from touchplan.dates import in_year, month_day
from touchplan.model import (
    CONTACT_KINDS,
    FACE_TO_FACE_KINDS,
    Account,
    Deferral,
    ItemClass,
    ItemKind,
    RenewalStage,
    Touch,
    TouchKind,
)
from touchplan.planning.people import Roster, name_key

_T = TypeVar("_T")
_R = TypeVar("_R")
DAY = timedelta(days=1)
STAGE_ORDER = {RenewalStage.CONVERSATION: 1, RenewalStage.PROPOSAL: 2, RenewalStage.VERBAL: 3}
# Which cadence a booked appointment stands in for, and which kinds keep it.
BOOKED_CADENCE = {
    TouchKind.CALL: ItemKind.TOUCH,
    TouchKind.VISIT: ItemKind.VISIT,
    TouchKind.MEETING: ItemKind.VISIT,
    TouchKind.REVIEW: ItemKind.REVIEW,
}
_BOOKED_KEPT_BY = {
    TouchKind.CALL: frozenset({TouchKind.CALL, TouchKind.VISIT, TouchKind.MEETING}),
    TouchKind.VISIT: FACE_TO_FACE_KINDS,
    TouchKind.MEETING: FACE_TO_FACE_KINDS,
    TouchKind.REVIEW: frozenset({TouchKind.REVIEW}),
}
# Crockford's base32, lower case: no i, l, o or u to misread.
_B32_LETTERS = "0123456789abcdefghjkmnpqrstvwxyz"


def days_text(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def fmt(day: date) -> str:
    return day.isoformat()


# The spans `plus` adds, made once: a handful of cadences and windows, asked for
# dozens of times per account (a timedelta's making was most of the addition's cost).
_SPANS: dict[int, timedelta] = {}


def plus(day: date, days: int) -> date:
    """``day + days``, held at the calendar's ends instead of overflowing."""
    span = _SPANS.get(days)
    if span is None:
        span = timedelta(days=days)
        if len(_SPANS) < 1024:
            _SPANS[days] = span
    try:
        return day + span
    except OverflowError:
        return date.max if days > 0 else date.min


# Two base32 letters per 10 bits: a key is made for every item of every account a cold
# run plans, and base64.b32encode (pure Python) was a tenth of that run's planning.
_PAIRS = [a + b for a in _B32_LETTERS for b in _B32_LETTERS]


# Memoised: the report plans each account as it stood at up to 12 week ends, and every
# plan makes the same keys again for the same entries.
@lru_cache(maxsize=8192)
def item_key(slug: str, identity: str) -> str:
    """The full hash an item id is a prefix of: the account and what opened the item
    (its 80 bits in Crockford's base32, in the order base64.b32encode writes them)."""
    digest = hashlib.blake2b(f"{slug}\0{identity}".encode(), digest_size=10).digest()
    n = int.from_bytes(digest, "big")
    p = _PAIRS
    return (
        p[n >> 70] + p[(n >> 60) & 1023] + p[(n >> 50) & 1023] + p[(n >> 40) & 1023]
        + p[(n >> 30) & 1023] + p[(n >> 20) & 1023] + p[(n >> 10) & 1023] + p[n & 1023]
    )  # fmt: skip


def last_account(read: Callable[[Account], _R]) -> Callable[[Account], _R]:
    """``read`` (a reading of an account alone) remembering the account it last read
    and its answer: a plan asks several times of one account (the walk, its items, how
    long the plan holds), and the report plans each account at up to 12 week ends. An
    account is frozen, and the one held here stays alive, so the same object means the
    same answer."""
    last: list[tuple[Account, _R]] = []

    @wraps(read)
    def remembered(account: Account) -> _R:
        if last and last[0][0] is account:
            return last[0][1]
        found = read(account)
        last[:] = [(account, found)]
        return found

    _REMEMBERED[remembered] = last
    return remembered


_REMEMBERED: dict[Callable[[Account], object], list[Any]] = {}


def tell(reading: Callable[[Account], _R], account: Account, found: _R) -> None:
    """Have ``reading`` (a `last_account` one) remember ``found`` as its answer for
    ``account``, worked out by the caller for less (the report's cuts of one history:
    see `report._tell_cut`)."""
    _REMEMBERED[reading][:] = [(account, found)]


# -- the history walk ----------------------------------------------------------------


@dataclass
class Opened:
    """An item opened by a history entry (or by `since`) and not yet closed."""

    kind: ItemKind
    action: str
    raw_due: date
    trigger: date
    reasons: list[str]
    source: str
    key: str
    cls: ItemClass = ItemClass.COMMITMENT
    contact: str = ""
    step: Step | None = None
    booked: TouchKind | None = None
    cadence: int = 0  # cadence-class items: the cadence their lateness is measured against
    last: date | None = None  # problems: the latest contact after it was reported
    deferral: Deferral | None = None
    stage: str = ""  # renewals: the escalation stage
    progress: str = ""  # renewals: how far the conversation has come
    opened_by: Touch | None = None  # the entry that opened it (its `ref`, its `next`)
    person: str = ""  # birthdays: closed only by a contact that names this person
    last_day: date | None = None  # personal touches: the last day it can be done

    @property
    def expiry(self) -> date | None:
        """The last day it can still be done; after it, a sequence step is missed.
        Worked out once (the walk asks at every entry): what it reads is set when the
        item is made, and `replace` makes a new item."""
        try:
            return self.__dict__["_expiry"]  # type: ignore[no-any-return]
        except KeyError:
            pass
        if self.last_day is not None:
            expiry: date | None = self.last_day
        elif self.step is None or self.step.expires is None:
            expiry = None
        else:
            expiry = plus(self.raw_due, self.step.expires)
        self.__dict__["_expiry"] = expiry
        return expiry


class _Step(Opened):
    """A sequence step an entry started. Most are missed or done before anyone reads
    their key or reasons (a walk opens one for nearly every entry, and a cold run plans
    every account), so both are made when first read: the key from the identity
    ``_open_from`` counted, the reason from the step, its entry and its day. The same
    strings, a tenth less of a plan's time. ``replace`` copies them made."""

    _keyed: tuple[str, str]  # (slug, the key's identity, counted in the walk's order)

    @property
    def key(self) -> str:
        key: str = self.__dict__["_key"]
        if not key:
            key = self.__dict__["_key"] = item_key(*self._keyed)
        return key

    @key.setter
    def key(self, value: str) -> None:
        self.__dict__["_key"] = value

    @property
    def reasons(self) -> list[str]:
        reasons: list[str] | None = self.__dict__["_reasons"]
        if reasons is None:
            step, entry = self.step, self.opened_by
            assert step is not None and entry is not None  # as _open_from makes it
            later = f"{step.name} {days_text(step.days)} later"
            reasons = [f"{entry.kind} on {fmt(self.trigger)}: {later}"]
            self.__dict__["_reasons"] = reasons
        return reasons

    @reasons.setter
    def reasons(self, value: list[str] | None) -> None:
        self.__dict__["_reasons"] = value


@dataclass
class RenewalProgress:
    """The current renewal cycle: progress since the last signing."""

    stage: RenewalStage | None = None
    last: date | None = None  # the latest progress
    signed: Touch | None = None  # the last signing entry (it set the current date)


@dataclass
class Walk:
    """What one pass over the history leaves behind."""

    open: list[Opened] = field(default_factory=list)  # open commitments, in opening order
    closed: list[tuple[Opened, Touch]] = field(default_factory=list)
    cancelled: set[str] = field(default_factory=set)  # keys of closed items never held
    missed: list[Opened] = field(default_factory=list)
    last_contact: Touch | None = None
    first_contact: date | None = None
    last_face: Touch | None = None  # visit or meeting (or a visit item closed by id)
    last_review: Touch | None = None
    last_resolved: date | None = None
    last_attempt: date | None = None
    renewal: RenewalProgress = field(default_factory=RenewalProgress)
    cadence_deferrals: dict[str, Deferral] = field(default_factory=dict)  # key -> deferral
    # who was touched (from `with`): name key -> the person, in the order first touched
    people: dict[tuple[str, ...], Person] = field(default_factory=dict)
    stakeholder_done: date | None = None  # a second stakeholder recorded by id (`done`)


@dataclass
class Person:
    """Someone an entry's `with` names: when they were first and last touched."""

    name: str  # as the contact list spells it (else as first written)
    first: date
    last: date


def by_last_touch(walk: Walk) -> list[Person]:
    """The people touched, the latest first (by name on the same day)."""
    return sorted(walk.people.values(), key=lambda p: (-p.last.toordinal(), p.name))


def stakeholder_anchor(walk: Walk) -> date | None:
    """When someone besides the person touched last was last touched (or a second
    stakeholder recorded by id), else when the only person was first touched: the
    second-stakeholder cadence counts from it. None: nobody named yet."""
    if not walk.people:
        return None
    latest = by_last_touch(walk)
    anchor = latest[1].last if len(latest) > 1 else latest[0].first
    if walk.stakeholder_done is not None:
        anchor = max(anchor, walk.stakeholder_done)
    return anchor


def ordered(history: Iterable[Touch]) -> list[Touch]:
    return sorted(history, key=lambda t: (t.date, t.index))


class _Keys:
    """Identities for the items one account opens; repeats get a counter."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        # a plain dict: nearly every identity is new, and Counter's __missing__ is a
        # Python call for each
        self.seen: dict[str, int] = {}

    def make(self, identity: str) -> str:
        return item_key(self.slug, self.name(identity))

    def name(self, identity: str) -> str:
        """``identity`` as its key is made of: counted now, in the walk's order (the
        hash itself may wait: ``_Step``)."""
        n = self.seen[identity] = self.seen.get(identity, 0) + 1
        return identity if n == 1 else f"{identity}#{n}"


def cadence_every(account: Account, policy: Policy, base: int | None) -> int | None:
    """A tier cadence scaled by the account's relationship level."""
    if not base:
        return None
    if account.relationship is None:
        return base
    return max(1, round(base * policy.relationship.get(account.relationship, 1.0)))


def touch_every(
    account: Account, policy: Policy, anchor: date, walk: Walk
) -> tuple[int, list[str]]:
    """The touch cadence that applies after ``anchor``, with why it is what it is."""
    base = cadence_every(account, policy, policy.touch_every[account.tier]) or 1
    reasons: list[str] = []
    if account.relationship is not None and base != policy.touch_every[account.tier]:
        reasons.append(
            f"{account.relationship.value} relationship: cadence "
            f"{policy.touch_every[account.tier]} → {base} days"
        )
    if account.since and account.since <= anchor < plus(account.since, policy.new_customer_days):
        tight = max(1, round(base * policy.tighten_factor))
        reasons.append(
            f"new customer since {fmt(account.since)}: cadence tightened "
            f"{base} → {tight} days for the first {policy.new_customer_days} days"
        )
        return tight, reasons
    if walk.last_resolved and anchor < plus(walk.last_resolved, policy.after_problem_days):
        tight = max(1, round(base * policy.tighten_factor))
        reasons.append(
            f"problem resolved on {fmt(walk.last_resolved)}: cadence tightened "
            f"{base} → {tight} days for {policy.after_problem_days} days"
        )
        return tight, reasons
    return base, reasons


def touch_changes(account: Account, policy: Policy, walk: Walk) -> list[date]:
    """The days on which ``touch_every`` may start answering differently (the new
    customer period's ends, the end of the tightening after the last resolution)."""
    days = []
    if account.since:
        days += [account.since, plus(account.since, policy.new_customer_days)]
    if walk.last_resolved:
        days.append(plus(walk.last_resolved, policy.after_problem_days))
    return days


@last_account
def arrival(account: Account) -> date | None:
    """When the account entered touchplan: `added`, else its first entry, else `since`."""
    if account.added is not None:
        return account.added
    if account.history:
        return min(t.date for t in account.history)
    return account.since


def cadence_key(kind: ItemKind, anchor: date | None) -> str:
    return f"{kind.value}|{anchor.isoformat() if anchor else 'first'}"


def _since_steps(account: Account, policy: Policy, keys: _Keys) -> list[Opened]:
    """Onboarding steps a new account's `since` opens (a sale on the start opens the same
    steps itself, so those are left to it)."""
    since = account.since
    if since is None:
        return []
    start = arrival(account)
    if start is not None and plus(since, policy.new_customer_days) < start:
        return []  # a long-standing customer arriving in touchplan is not new
    opened = []
    for step in policy.sequences:
        if SINCE not in step.after:
            continue
        if any(
            t.kind in step.after and abs((t.date - since).days) <= max(step.days, 7)
            for t in account.history
        ):
            continue
        opened.append(
            Opened(
                step.kind,
                step.action,
                plus(since, step.days),
                since,
                [f"new customer since {fmt(since)}: {step.name} {days_text(step.days)} after it"],
                step.name,
                keys.make(f"step|{step.name}|since|{since.isoformat()}"),
                cls=step.cls,
                step=step,
            )
        )
    return opened


# How far back personal touches are looked for: those missed in this many days are
# recorded (`show` lists the last 90 days' missed items); older ones are not looked at
# (a birthday written down today says nothing of the years before).
PERSONAL_LOOKBACK = 90


def personal_days(
    account: Account, policy: Policy, start: date, end: date
) -> list[tuple[date, str]]:
    """The anniversaries of `since` and the contacts' birthdays from ``start`` to ``end``
    (never before the account's arrival): (day, whose: "" for the anniversary, else the
    contact's name), in date order."""
    dates = _yearly(account, policy)
    if not dates:
        return []
    start = max(start, arrival(account) or start)
    found: list[tuple[date, str]] = []
    for (month, day), whose in dates:
        for year in range(start.year, end.year + 1):
            on = in_year(month, day, year)
            if on is None or not start <= on <= end:
                continue
            if not whose and account.since is not None and on <= account.since:
                continue  # the first anniversary is a year after `since`
            found.append((on, whose))
    found.sort()
    return found


# The last account's yearly days: every cut of an account (the report's weeks) shares
# its contacts, and `since` and the policy are the same objects.
_last_yearly: list[tuple[object, date | None, Policy, list[tuple[tuple[int, int], str]]]] = []


def _yearly(account: Account, policy: Policy) -> list[tuple[tuple[int, int], str]]:
    """(month, day) of the `since` anniversary and of each contact's birthday, with
    whose it is ("" for the anniversary)."""
    if _last_yearly:
        contacts, since, rules, dates = _last_yearly[0]
        if contacts is account.contacts and since == account.since and rules is policy:
            return dates
    dates = []
    if policy.anniversary_days is not None and account.since is not None:
        dates.append(((account.since.month, account.since.day), ""))
    if policy.birthday_days is not None:
        for contact in account.contacts:
            if contact.birthday and (parts := month_day(contact.birthday)):
                dates.append((parts, contact.name))
    _last_yearly[:] = [(account.contacts, account.since, policy, dates)]
    return dates


def next_personal_day(account: Account, policy: Policy, today: date) -> date | None:
    """The first day after ``today`` that brings a personal touch (the plan changes)."""
    dates = _yearly(account, policy)
    if not dates:
        return None
    start = arrival(account)
    if _last_next:
        known, was, day, found = _last_next[0]
        # the answer for an earlier day holds until it: nothing came between
        if known is dates and was == start and found is not None and day <= today < found:
            return found
    later = personal_days(account, policy, plus(today, 1), plus(today, 366))
    found = later[0][0] if later else None
    _last_next[:] = [(dates, start, today, found)]
    return found


# The last answer, with what it was worked out from: the yearly days (the same list for
# every cut of an account) and the arrival (personal days before it do not count).
_last_next: list[tuple[list[tuple[tuple[int, int], str]], date | None, date, date | None]] = []


def _personal(account: Account, policy: Policy, today: date, keys: _Keys) -> list[Opened]:
    """The thank-you a `since` anniversary brings and the word a birthday does: cadence
    work due on the day, open for a few days, then missed."""
    window = max(policy.anniversary_days or 0, policy.birthday_days or 0) + 7
    start = plus(today, -PERSONAL_LOOKBACK - window)
    opened = []
    for on, whose in personal_days(account, policy, start, today):
        due = policy.next_working_day(on)
        if not whose:
            assert account.since is not None and policy.anniversary_days is not None
            years = on.year - account.since.year
            span = f"{years} year{'s' if years != 1 else ''}"
            last = max(plus(on, policy.anniversary_days), due)
            opened.append(
                Opened(
                    ItemKind.THANK_YOU,
                    f"Thank them for {span} as a customer",
                    on,
                    on,
                    [f"customer since {fmt(account.since)}: {span} on {fmt(on)}"],
                    "anniversary",
                    keys.make(f"anniversary|{on.isoformat()}"),
                    cls=ItemClass.CADENCE,
                    step=_ANNIVERSARY,
                    cadence=365,
                    last_day=last,
                )
            )
        else:
            assert policy.birthday_days is not None
            last = max(plus(on, policy.birthday_days), due)
            opened.append(
                Opened(
                    ItemKind.BIRTHDAY,
                    f"Wish {whose} a happy birthday",
                    on,
                    on,
                    [f"{whose}'s birthday is {on.strftime('%m-%d')}"],
                    "birthday",
                    keys.make(f"birthday|{' '.join(name_key(whose))}|{on.isoformat()}"),
                    cls=ItemClass.CADENCE,
                    contact=whose,
                    step=_BIRTHDAY,
                    cadence=365,
                    person=whose,
                    last_day=last,
                )
            )
    return opened


# Personal touches close like sequence steps: a thank-you logged on or after the
# anniversary; a contact naming the person on or after the birthday. Their windows come
# from `personal:` (Opened.last_day), not from the step.
_ANNIVERSARY = Step(
    "anniversary", frozenset(), 0, ItemKind.THANK_YOU, "", frozenset({TouchKind.THANK_YOU}),
    cls=ItemClass.CADENCE,
)  # fmt: skip
_BIRTHDAY = Step(
    "birthday", frozenset(), 0, ItemKind.BIRTHDAY, "", CONTACT_KINDS, cls=ItemClass.CADENCE
)


def _pending(account: Account, policy: Policy, today: date, keys: _Keys) -> list[Opened]:
    """The items a walk opens by the calendar rather than by an entry: onboarding steps
    and personal touches (a walker moves each into the walk when the entries reach it)."""
    return _since_steps(account, policy, keys) + _personal(account, policy, today, keys)


def renewal_key(slug: str, renewal: date) -> str:
    """The key of the renewal item for the renewal date ``renewal``."""
    return item_key(slug, f"renewal|{renewal}")


def walk_history(account: Account, policy: Policy, today: date) -> Walk:
    """Open, close and set aside event-driven items, in the order things happened."""
    walker = Walker(account, policy, today)
    walker.feed(len(walker.entries))
    return walker.finish(today)


class Walker:
    """`walk_history` a few entries at a time, for a history read as it stood on one day
    after another (the report's weekly trends): the walk of the account cut after its
    first ``n`` entries (in date order) is ``feed(n)`` then ``finish``, or ``snapshot``
    to go on feeding. A later cut goes on from an earlier one's walk when ``resume``
    shows the entries fed so far walk alike for both."""

    def __init__(
        self, account: Account, policy: Policy, today: date, entries: list[Touch] | None = None
    ) -> None:
        """``entries``: ``ordered(account.history)``, or a longer history it is the first
        entries of (a later cut of the same account), when the caller has it."""
        self.account = account
        self.policy = policy
        self.walk = Walk()
        self.keys = _Keys(account.slug)
        self.pending = _pending(account, policy, today, self.keys)
        self.roster = Roster(account.contacts)
        # who was touched matters to a watched tier's stakeholder cadence and to birthdays
        self.watched = bool(policy.stakeholder_every.get(account.tier))
        # the renewal date: its item's key is made only for an entry naming ids
        self.renewal = effective_renewal(account)
        self.entries: list[Touch] = ordered(account.history) if entries is None else entries
        self.fed = 0
        self.consumed: list[str] = []  # keys of the pending items moved into the walk
        self.keyed = False  # an entry fed so far matched ids (it may have used renewal_key)

    def resume(self, later: Walker) -> bool:
        """Go on as ``later`` (a walker of a later cut of the same history, not fed yet):
        possible when the entries fed so far walk alike under both, that is, the same
        onboarding and personal items came due among them (the rest wait, and are
        ``later``'s), and the renewal key was not needed or is the same (the same
        date). Besides those, the walk depends on the account only through its slug,
        contacts and tier, which a cut keeps."""
        return self._take(later.account, later.pending, later.renewal)

    def go_on(self, account: Account, today: date) -> bool:
        """``resume(Walker(account, policy, today, entries))`` without making that
        walker: only what `resume` reads of it (the same readings, so the same answer)."""
        renewal = effective_renewal(account)
        if self.keyed and renewal != self.renewal:
            return False
        pending = _pending(account, self.policy, today, _Keys(account.slug))
        return self._take(account, pending, renewal)

    def _take(self, account: Account, pending: list[Opened], renewal: date | None) -> bool:
        if self.keyed and renewal != self.renewal:
            return False
        last = self.entries[self.fed - 1].date if self.fed else None
        due = [p.key for p in pending if last is not None and p.trigger <= last]
        if due != self.consumed:
            return False
        self.pending = [p for p in pending if last is None or p.trigger > last]
        self.renewal = renewal
        self.account = account
        return True

    def _renewal_key(self) -> str:
        """The renewal item's key ("": no renewal date)."""
        return renewal_key(self.account.slug, self.renewal) if self.renewal else ""

    def feed(self, count: int) -> None:
        """Walk on through the first ``count`` entries (the walk depends on the account
        only through its slug, contacts and tier, and the signature)."""
        walk, account, policy = self.walk, self.account, self.policy
        pending = self.pending
        # read once, not once an entry (the cache notes each reading: config.noting)
        steps = policy.sequences if count > self.fed else ()
        # the report's trends feed every history here, an entry or two at a time: the
        # common cases (nothing pending, nothing open) skip their loops
        for touch in self.entries[self.fed : count]:
            on = touch.date
            if pending:
                for item in [p for p in pending if p.trigger <= on]:
                    walk.open.append(item)
                    pending.remove(item)
                    self.consumed.append(item.key)
            if walk.open:
                _expire(walk, on)
            if touch.kind is TouchKind.DEFER or touch.done_ids:
                self.keyed = True
            if touch.kind is TouchKind.DEFER:
                _defer(walk, account, policy, touch, self._renewal_key())
                continue
            if touch.cancelled_ids:
                _cancel(walk, touch)
            contact = touch.is_contact
            named: list[str] = []
            if touch.with_ and contact and (self.watched or any(i.person for i in walk.open)):
                named = self.roster.people(touch.with_)
            if walk.open:
                _close_by_kind(walk, touch, named)
            if touch.done_ids:
                _close_by_id(walk, account, policy, touch, self._renewal_key())
            if touch.done:
                _close_legacy_done(walk, touch)
            _resolve(walk, touch)
            if contact:
                for item in walk.open:
                    if item.kind is ItemKind.PROBLEM:
                        item.last = on  # opened earlier in the walk: this answers it
                for name in named:
                    _touched(walk, name, on)
                walk.last_contact = touch
                walk.first_contact = walk.first_contact or on
                if touch.kind in FACE_TO_FACE_KINDS:
                    walk.last_face = touch
                if touch.kind is TouchKind.REVIEW:
                    walk.last_review = touch
            elif touch.kind is TouchKind.ATTEMPT:
                walk.last_attempt = touch.date
            _open_from(walk, account, policy, steps, touch, self.keys)
            if touch.kind is TouchKind.RENEWAL:
                if touch.renewal is not None:
                    walk.renewal = RenewalProgress(signed=touch)
                else:
                    _progress(walk.renewal, touch.date, touch.stage or RenewalStage.CONVERSATION)
        self.fed = max(self.fed, count)

    def finish(self, today: date) -> Walk:
        """The walk as of ``today`` (the walker is spent)."""
        self.walk.open.extend(self.pending)
        self.pending = []
        _expire(self.walk, today)
        return self.walk

    def snapshot(self, today: date) -> Walk:
        """The walk as of ``today``, leaving the walker free to feed on: a copy of what
        feeding changes (the open items, the people, the renewal progress)."""
        w = self.walk
        walk = Walk(
            [_clone(o) for o in w.open] + [_clone(o) for o in self.pending],
            list(w.closed),
            set(w.cancelled),
            list(w.missed),
            w.last_contact,
            w.first_contact,
            w.last_face,
            w.last_review,
            w.last_resolved,
            w.last_attempt,
            _clone(w.renewal),
            dict(w.cadence_deferrals),
            {k: _clone(p) for k, p in w.people.items()},
            w.stakeholder_done,
        )
        _expire(walk, today)
        return walk

    def view(self, today: date) -> Walk:
        """The walk as of ``today`` as `snapshot` gives it, but sharing the walker's
        items, lists and readings instead of copying them: a reading that holds only
        until the walker is fed again (the report's trends read each week's at once,
        and the last one after the last feed)."""
        w = self.walk
        items = w.open + self.pending
        missed = w.missed
        if any((e := o.expiry) is not None and e < today for o in items):
            gone = [o for o in items if (e := o.expiry) is not None and e < today]
            items = [o for o in items if (e := o.expiry) is None or e >= today]
            missed = missed + gone
        return Walk(
            items, w.closed, w.cancelled, missed, w.last_contact, w.first_contact,
            w.last_face, w.last_review, w.last_resolved, w.last_attempt, w.renewal,
            w.cadence_deferrals, w.people, w.stakeholder_done,
        )  # fmt: skip


def _clone(thing: _T) -> _T:
    """A shallow copy of a plain dataclass (copy.copy, without its protocol's cost)."""
    new = object.__new__(type(thing))
    new.__dict__.update(thing.__dict__)
    return new


def _touched(walk: Walk, name: str, on: date) -> None:
    key = name_key(name)
    person = walk.people.get(key)
    if person is None:
        walk.people[key] = Person(name, on, on)
    else:
        person.last = max(person.last, on)


def _expire(walk: Walk, on: date) -> None:
    """Sequence steps whose window closed before ``on`` are missed."""
    for item in list(walk.open):
        expiry = item.expiry
        if expiry is not None and expiry < on:
            _drop(walk.open, item)
            walk.missed.append(item)


def _progress(renewal: RenewalProgress, on: date, stage: RenewalStage) -> None:
    if renewal.stage is None or STAGE_ORDER[stage] >= STAGE_ORDER[renewal.stage]:
        renewal.stage = stage
    renewal.last = on


def _drop(items: list[Opened], item: Opened) -> None:
    """Take ``item`` itself out of ``items`` (``list.remove`` would compare it with the
    items before it, field by field, making every step's key and reasons: ``_Step``)."""
    for n, other in enumerate(items):
        if other is item:
            del items[n]
            return


def _close(walk: Walk, item: Opened, touch: Touch) -> None:
    _drop(walk.open, item)
    walk.closed.append((item, touch))


def _close_by_kind(walk: Walk, touch: Touch, named: list[str]) -> None:
    for item in list(walk.open):
        if item.trigger > touch.date:
            continue
        if item.person and name_key(item.person) not in {name_key(n) for n in named}:
            continue  # a birthday wish reaches only the person it is for
        step = item.step
        if (step is not None and step.closed_by and touch.kind in step.closed_by) or (
            item.booked is not None
            and touch.date >= item.raw_due
            and touch.kind in _BOOKED_KEPT_BY[item.booked]
        ):
            _close(walk, item, touch)


def matches_id(key: str, wanted: str) -> bool:
    return len(wanted) >= 3 and key.startswith(wanted.lower())


def cadence_keys(account: Account, walk: Walk) -> dict[ItemKind, str]:
    """The keys the cadence items have at this point of the walk."""
    last = walk.last_contact
    keys = {ItemKind.TOUCH: cadence_key(ItemKind.TOUCH, last.date if last else None)}
    if walk.first_contact is not None:
        face = walk.last_face.date if walk.last_face else walk.first_contact
        review = walk.last_review.date if walk.last_review else walk.first_contact
        keys[ItemKind.VISIT] = cadence_key(ItemKind.VISIT, face)
        keys[ItemKind.REVIEW] = cadence_key(ItemKind.REVIEW, review)
    if (anchor := stakeholder_anchor(walk)) is not None:
        keys[ItemKind.STAKEHOLDER] = cadence_key(ItemKind.STAKEHOLDER, anchor)
    return {kind: item_key(account.slug, identity) for kind, identity in keys.items()}


def _close_by_id(
    walk: Walk, account: Account, policy: Policy, touch: Touch, renewal_key: str
) -> None:
    """`done: [id, ...]`: exactly those items. A visit or review cadence item closed by
    id counts as that visit or review held; a renewal item, as renewal progress."""
    cadence = cadence_keys(account, walk)
    for wanted in touch.done_ids:
        hit = next((i for i in walk.open if matches_id(i.key, wanted)), None)
        if hit is not None:
            _close(walk, hit, touch)
            if hit.booked in FACE_TO_FACE_KINDS:  # a booked visit done is a visit held
                walk.last_face = touch
            elif hit.booked is TouchKind.REVIEW:
                walk.last_review = touch
            continue
        if renewal_key and matches_id(renewal_key, wanted):
            _progress(walk.renewal, touch.date, walk.renewal.stage or RenewalStage.CONVERSATION)
            continue
        if ItemKind.VISIT in cadence and matches_id(cadence[ItemKind.VISIT], wanted):
            walk.last_face = touch
        elif ItemKind.REVIEW in cadence and matches_id(cadence[ItemKind.REVIEW], wanted):
            walk.last_review = touch
        elif ItemKind.STAKEHOLDER in cadence and matches_id(cadence[ItemKind.STAKEHOLDER], wanted):
            walk.stakeholder_done = touch.date  # a second stakeholder met, as the rep says


def _cancel(walk: Walk, touch: Touch) -> None:
    """`cancelled: [id, ...]`: those open items are closed as cancelled: nothing was held,
    so no visit or review counts (the entry itself is a contact only by its own kind)."""
    for wanted in touch.cancelled_ids:
        hit = next((i for i in walk.open if matches_id(i.key, wanted)), None)
        if hit is not None:
            _close(walk, hit, touch)
            walk.cancelled.add(hit.key)


def _close_legacy_done(walk: Walk, touch: Touch) -> None:
    """`done: true`: the promises and explicit steps due by the entry's date."""
    for item in list(walk.open):
        explicit = item.kind is ItemKind.FOLLOW_UP or (
            item.step is not None and item.step.closed_by is None
        )
        if explicit and item.raw_due <= touch.date:
            _close(walk, item, touch)


def _resolve(walk: Walk, touch: Touch) -> None:
    if not (touch.resolved or touch.resolved_ids):
        return
    problems = [i for i in walk.open if i.kind is ItemKind.PROBLEM]
    if touch.resolved_ids:
        problems = [p for p in problems if any(matches_id(p.key, w) for w in touch.resolved_ids)]
    for problem in problems:
        _close(walk, problem, touch)
    if problems:  # a stray `resolved` with nothing open changes nothing
        walk.last_resolved = touch.date


def _defer(walk: Walk, account: Account, policy: Policy, touch: Touch, renewal_key: str) -> None:
    if touch.until is None or not touch.item:
        return
    deferral = Deferral(touch.until, touch.summary.strip(), touch.date)
    hit = next((i for i in walk.open if matches_id(i.key, touch.item)), None)
    if hit is not None:
        hit.deferral = deferral
        return
    candidates = list(cadence_keys(account, walk).values())
    if renewal_key:
        candidates.append(renewal_key)
    for key in candidates:
        if matches_id(key, touch.item):
            walk.cadence_deferrals[key] = deferral
            return


def _open_from(
    walk: Walk,
    account: Account,
    policy: Policy,
    steps: tuple[Step, ...],
    touch: Touch,
    keys: _Keys,
) -> None:
    """The items an entry opens: a problem (reported, or a low review rating), a promise
    or booking, the steps of ``steps`` (the sequences) it starts."""
    on = touch.date
    rating = touch.rating
    if rating is not None and rating <= policy.review_problem_at:
        text = f"Review rated {rating}/5" + (f": {_gist(touch.summary)}" if touch.summary else "")
        walk.open.append(
            Opened(
                ItemKind.PROBLEM,
                f"Work the open problem: {text}",
                on,
                on,
                [
                    f"review on {fmt(on)} rated {rating}/5 (a rating of "
                    f"{policy.review_problem_at} or lower is a problem)"
                ],
                "rating",
                keys.make(f"rating|{on}|{rating}"),
                contact=touch.with_,
            )
        )
    if touch.problem:
        walk.open.append(
            Opened(
                ItemKind.PROBLEM,
                f"Work the open problem: {touch.problem}",
                on,
                on,
                [f"problem reported on {fmt(on)}: {touch.problem}"],
                "problem",
                keys.make(f"problem|{on}|{touch.problem}"),
                contact=touch.with_,
                opened_by=touch,
            )
        )
    promise = touch.next
    if promise is not None:
        due = max(promise.due, on)  # a promise dated before its entry (a typo) is due at once
        if promise.booked is not None:
            walk.open.append(
                Opened(
                    ItemKind.BOOKED,
                    f"Booked {promise.booked.value}: {promise.action}",
                    due,
                    on,
                    [f"booked on {fmt(on)} ({touch.kind.value}) for {fmt(promise.due)}"],
                    "booked",
                    keys.make(f"booked|{on}|{promise.due}|{promise.booked.value}|{promise.action}"),
                    contact=touch.with_,
                    booked=promise.booked,
                    opened_by=touch,
                )
            )
        else:
            walk.open.append(
                Opened(
                    ItemKind.FOLLOW_UP,
                    promise.action,
                    due,
                    on,
                    [f"promised on {fmt(on)} ({touch.kind.value}): {promise.action}"],
                    "next",
                    keys.make(f"next|{on}|{promise.due}|{promise.action}"),
                    contact=touch.with_,
                    opened_by=touch,
                )
            )
    kind = touch.kind  # a StrEnum: is its value in sets and strings (no `.value` call)
    for step in steps:
        if kind in step.after:
            item = _Step(
                step.kind,
                step.action,
                plus(on, step.days),
                on,
                None,  # type: ignore[arg-type]  # made when read
                step.name,
                "",  # made when read
                cls=step.cls,
                contact=touch.with_,
                step=step,
                opened_by=touch,
            )
            item._keyed = (keys.slug, keys.name(f"step|{step.name}|{on}|{kind}"))
            walk.open.append(item)


def _gist(text: str, width: int = 60) -> str:
    """A summary on one line, cut at a word to at most ``width`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


@last_account
def effective_renewal(account: Account) -> date | None:
    """The renewal date: the file's, or a later one the last signing entry recorded
    (`log --renewal-date` writes both; a hand edit may forget the first)."""
    signed = None
    for touch in account.history:
        if (
            touch.kind is TouchKind.RENEWAL
            and touch.renewal is not None
            and (signed is None or (touch.date, touch.index) >= (signed.date, signed.index))
        ):
            signed = touch
    dates = [d for d in (account.renewal, signed.renewal if signed else None) if d is not None]
    return max(dates) if dates else None


def commitment_day(policy: Policy, day: date, earliest: date) -> date:
    """A deadline on a non-working day moves to the working day before it, but never
    before ``earliest`` (the day the item was opened): then to the working day after."""
    moved = policy.previous_working_day(day)
    return moved if moved >= earliest else policy.next_working_day(earliest)


def attempted(account: Account, day: date) -> bool:
    """Tried on ``day`` without reaching anyone: the call comes back the next working day."""
    tried = reached = False
    for touch in account.history:
        if touch.date == day:
            tried = tried or touch.kind is TouchKind.ATTEMPT
            reached = reached or touch.is_contact
    return tried and not reached


def working_days(policy: Policy, start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count and day < date.max:
        day = policy.next_working_day(day)
        days.append(day)
        day = plus(day, 1)
    return days
