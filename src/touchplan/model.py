"""The data model: frozen dataclasses and enums. No I/O, no clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


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
    IMPORTED = "imported"  # a contact recorded outside touchplan (a CRM's last activity)


# Every kind but an internal note reaches the customer.
CONTACT_KINDS = frozenset(k for k in TouchKind if k is not TouchKind.NOTE)
FACE_TO_FACE_KINDS = frozenset({TouchKind.VISIT, TouchKind.MEETING})


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


class Relationship(StrEnum):
    TRANSACTIONAL = "transactional"
    RELATIONAL = "relational"
    PARTNERING = "partnering"


class Status(StrEnum):
    ACTIVE = "active"
    LOST = "lost"


@dataclass(frozen=True)
class Contact:
    name: str
    role: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class NextAction:
    """A promised follow-up: ``next: 2026-11-28 Confirm the delivery arrived``."""

    due: date
    action: str


@dataclass(frozen=True)
class Touch:
    """One history entry. ``index`` is its position in the file's history list."""

    date: dt.date
    kind: TouchKind
    summary: str = ""
    with_: str = ""
    next: NextAction | None = None
    problem: str = ""
    resolved: bool = False
    done: bool = False
    renewal: dt.date | None = None
    index: int = 0
    line: int = 0

    @property
    def is_contact(self) -> bool:
        return self.kind in CONTACT_KINDS


@dataclass(frozen=True)
class Snooze:
    until: date
    reason: str = ""


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


@dataclass(frozen=True)
class Item:
    """Something the rep should do for an account, with why."""

    account: str  # slug
    kind: ItemKind
    action: str
    due: date  # after moving to a working day
    raw_due: date  # before moving to a working day
    reasons: tuple[str, ...]
    source: str = ""  # which rule made it (e.g. a sequence step's name)
    trigger: date | None = None  # the history date that made it
    contact: str = ""  # whom to ask for, when the rule knows
    stage: str = ""  # renewal stage: 60, 30, 14, lapsed
    terms: tuple[ScoreTerm, ...] = field(default=())

    @property
    def score(self) -> float:
        return round(sum(t.value for t in self.terms), 2)

    def overdue_days(self, today: date) -> int:
        return (today - self.due).days
