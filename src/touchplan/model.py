"""The data model: frozen dataclasses and enums. No I/O, no clock."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import TypeVar

_C = TypeVar("_C", bound=type)


def quick_init(cls: _C) -> _C:
    """Give a frozen dataclass an ``__init__`` that fills the instance dict in one call.

    Frozen forbids plain assignment, so the generated ``__init__`` calls
    ``object.__setattr__`` once per field: about 2 µs for Touch's 20 fields, paid for
    every history entry, contact and item a cold run reads and plans (4-5 % of its
    CPU). Same parameters, defaults and order; plain fields only (no factory, no
    ``__post_init__``, no ``init=False``), checked here. Instances stay frozen."""
    params: list[str] = []
    names: list[str] = []
    scope: dict[str, object] = {}
    for f in fields(cls):
        if not f.init or f.kw_only or f.default_factory is not MISSING:
            raise TypeError(f"quick_init: {cls.__name__}.{f.name} is not a plain field")
        names.append(f.name)
        if f.default is MISSING:
            params.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"quick_init: {cls.__name__} has a __post_init__")
    fill = ", ".join(f"{name}={name}" for name in names)
    exec(f"def __init__(self, {', '.join(params)}):\n    self.__dict__.update({fill})", scope)
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    setattr(cls, "__init__", init)  # noqa: B010  (mypy refuses assigning a method)
    return cls


class Tier(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class TouchKind(StrEnum):
    """What a history entry records."""

    CALL = "call"
    VISIT = "visit"
    MEETING = "meeting"
    EMAIL = "email"
    LETTER = "letter"
    NOTE = "note"
    REVIEW = "review"
    SALE = "sale"
    RENEWAL = "renewal"
    THANK_YOU = "thank-you"
    SHARE = "share"  # sent something useful: an article, an industry note
    IMPORTED = "imported"  # a contact recorded outside touchplan (a CRM's last activity)
    ATTEMPT = "attempt"  # an unanswered call: recorded, but reaches nobody
    DEFER = "defer"  # sets one open item aside until a date
    LOST = "lost"  # the customer was lost (written by `touchplan lost`)


TOUCH_KIND_NAMES = ", ".join(k.value for k in TouchKind)  # for help and error messages
# Kinds `log` does not write: a deferral, a lost customer and an imported contact have
# commands of their own (`defer`, `lost`, `add --last-contact` and `import`).
NOT_LOGGED = frozenset({TouchKind.DEFER, TouchKind.LOST, TouchKind.IMPORTED})
LOG_KIND_NAMES = ", ".join(k.value for k in TouchKind if k not in NOT_LOGGED)

# What reaches the customer. A note is internal, an attempt reached nobody, and a
# deferral or a lost mark is bookkeeping.
NOT_CONTACT_KINDS = frozenset({TouchKind.NOTE, TouchKind.ATTEMPT, TouchKind.DEFER, TouchKind.LOST})
CONTACT_KINDS = frozenset(k for k in TouchKind if k not in NOT_CONTACT_KINDS)
FACE_TO_FACE_KINDS = frozenset({TouchKind.VISIT, TouchKind.MEETING})
# Kinds an appointment can be booked as (`--next "DATE visit: ..."`).
BOOKABLE_KINDS = frozenset({TouchKind.CALL, TouchKind.VISIT, TouchKind.MEETING, TouchKind.REVIEW})


class ItemKind(StrEnum):
    """What a planned item asks the rep to do."""

    TOUCH = "touch"
    VISIT = "visit"
    REVIEW = "review"
    THANK_YOU = "thank-you"
    GAP_CHECK = "gap-check"
    FOLLOW_UP = "follow-up"
    PROBLEM = "problem"
    RENEWAL = "renewal"
    BOOKED = "booked"  # a booked appointment (call, visit, meeting or review)
    STAKEHOLDER = "stakeholder"  # know more people at the account (introductions, coverage)
    BIRTHDAY = "birthday"  # a contact's birthday (`birthday: MM-DD`)


class ItemClass(StrEnum):
    """Commitments have a date that matters; cadence keeps a relationship warm."""

    COMMITMENT = "commitment"
    CADENCE = "cadence"


class RenewalStage(StrEnum):
    """How far a renewal conversation has come (`log --kind renewal --stage`)."""

    CONVERSATION = "conversation"
    PROPOSAL = "proposal"
    VERBAL = "verbal"


EVERYONE = "all"  # the owner name that means every owner (`--owner all`)


class Relationship(StrEnum):
    TRANSACTIONAL = "transactional"
    RELATIONAL = "relational"
    PARTNERING = "partnering"


class Status(StrEnum):
    ACTIVE = "active"
    LOST = "lost"


@quick_init
@dataclass(frozen=True)
class Contact:
    name: str
    role: str = ""
    phone: str = ""
    email: str = ""
    birthday: str = ""  # MM-DD (validated by the schema), or ""


@quick_init
@dataclass(frozen=True)
class NextAction:
    """A promised follow-up: ``next: 2026-11-28 Confirm the delivery arrived``, or a
    booked appointment: ``next: 2027-01-12 visit: Chicago depot`` (``booked`` = visit)."""

    due: date
    action: str
    booked: TouchKind | None = None


_BOOKING = re.compile(r"(call|visit|meeting|review):\s*(.*)", re.DOTALL | re.IGNORECASE)


def split_booking(action: str) -> tuple[TouchKind | None, str]:
    """``visit: Chicago depot`` (any case) -> (visit, "Chicago depot"); a plain promise ->
    (None, it)."""
    match = _BOOKING.fullmatch(action.strip())
    if match is None:
        return None, action.strip()
    return TouchKind(match.group(1).lower()), match.group(2).strip()


@quick_init
@dataclass(frozen=True)
class Touch:
    """One history entry. ``index`` is its position in the file's history list."""

    date: dt.date
    kind: TouchKind
    summary: str = ""
    with_: str = ""
    next: NextAction | None = None
    problem: str = ""
    resolved: bool = False  # `resolved: true`: every open problem
    done: bool = False  # `done: true`: the follow-ups and gap checks due by its date
    renewal: dt.date | None = None
    index: int = 0
    line: int = 0
    done_ids: tuple[str, ...] = ()  # `done: [id, ...]`: exactly these items
    resolved_ids: tuple[str, ...] = ()  # `resolved: [id, ...]`: exactly these problems
    stage: RenewalStage | None = None  # renewal progress
    item: str = ""  # a deferral's item id
    until: dt.date | None = None  # a deferral's end
    rating: int | None = None  # a review's rating, 1-5
    ref: str = ""  # an outside reference (a calendar event)
    cancelled_ids: tuple[str, ...] = ()  # `cancelled: [id, ...]`: closed, never held

    @property
    def is_contact(self) -> bool:
        return self.kind in CONTACT_KINDS


@dataclass(frozen=True)
class Snooze:
    until: date
    reason: str = ""


@quick_init
@dataclass(frozen=True)
class Account:
    slug: str
    file: str  # path relative to the data root, with forward slashes
    name: str
    tier: Tier
    owner: str = ""
    since: date | None = None
    renewal: date | None = None
    value: float | None = None
    relationship: Relationship | None = None
    status: Status = Status.ACTIVE
    snooze: Snooze | None = None
    contacts: tuple[Contact, ...] = ()
    notes: str = ""
    tags: tuple[str, ...] = ()
    history: tuple[Touch, ...] = ()
    added: date | None = None  # the day the account entered touchplan
    revenue: float | None = None  # the customer's company revenue (informational)
    crm_id: str = ""  # the CRM's record id, so a re-import knows the account
    domains: tuple[str, ...] = ()  # e-mail domains of its people (the calendar import)
    website: str = ""  # its web site (its host is one more such domain)

    def last_touch(self, kinds: frozenset[TouchKind] = CONTACT_KINDS) -> Touch | None:
        """The latest entry of the given kinds (by date, then file order)."""
        best: Touch | None = None
        for touch in self.history:
            if touch.kind in kinds and (best is None or touch.date >= best.date):
                best = touch
        return best

    def contact_named(self, name: str) -> Contact | None:
        wanted = name.strip().casefold()
        for contact in self.contacts:
            if contact.name.casefold() == wanted:
                return contact
        return None

    def is_snoozed(self, today: date) -> bool:
        return self.snooze is not None and today < self.snooze.until


@dataclass(frozen=True)
class ScoreTerm:
    """One term of an item's score: ``measure × weight = value``."""

    label: str
    measure: float
    weight: float

    @property
    def value(self) -> float:
        return self.measure * self.weight


@quick_init
@dataclass(frozen=True)
class Item:
    """Something the rep should do for an account, with why."""

    account: str  # slug
    kind: ItemKind
    action: str
    due: date  # after moving to a working day (and past any deferral)
    raw_due: date  # before moving to a working day
    reasons: tuple[str, ...]
    source: str = ""  # which rule made it (e.g. a sequence step's name)
    trigger: date | None = None  # the history date that made it
    contact: str = ""  # whom to ask for, when the rule knows
    stage: str = ""  # renewal stage: 60, 30, 14, lapsed
    terms: tuple[ScoreTerm, ...] = field(default=())
    cls: ItemClass = ItemClass.CADENCE
    id: str = ""  # short, stable while open, unique in the book
    key: str = ""  # the full hash the id is a prefix of
    cadence: int = 0  # cadence items: the cadence in days (their lateness is relative to it)
    progress: str = ""  # renewals: not started, conversation, proposal, verbal, lapsed
    booked: TouchKind | None = None  # booked appointments: the kind booked
    deferred: Deferral | None = None  # set aside until a date
    # comes back after each touch (a problem after its first response, a renewal under
    # way): done early it only comes back sooner, so it keeps no spare day
    repeats: bool = False
    # cadence work at its grace limit (`grace` working days late): ranks above the cadence
    # work that can wait, below every commitment due
    past_grace: bool = False

    @property
    def score(self) -> float:
        return round(sum(t.value for t in self.terms), 2)

    @property
    def is_commitment(self) -> bool:
        return self.cls is ItemClass.COMMITMENT

    def overdue_days(self, today: date) -> int:
        return (today - self.due).days


@dataclass(frozen=True)
class Deferral:
    """``touchplan defer ID --until DATE --reason TEXT``, as the plan sees it."""

    until: date
    reason: str
    on: date  # when it was deferred


@dataclass(frozen=True)
class ClosedItem:
    """An item that left the plan, and how: done (by whom/what), cancelled (closed but
    never held) or missed (expired)."""

    item: Item
    how: str  # "done", "cancelled", "missed"
    on: date
    by: str = ""  # the closing entry's kind, or "" for a missed item
