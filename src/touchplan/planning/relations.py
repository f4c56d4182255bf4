"""The relationship beyond the calendar: how the customer rates us, and whom we know.

Review ratings (`log --kind review --rating N`, 1-5) make a trend; a fall of
`review.drop` points since the previous rated review is flagged on the account's call.
Stakeholder coverage comes from each contact entry's `with`: when each person was last
touched, and whether a watched tier's account is single-threaded (only one person
touched within `stakeholders.every` days). `show` prints both; the report lists the
accounts by latest rating and the single-threaded ones (`relations`). Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from touchplan.config import Policy
from touchplan.model import Account, TouchKind
from touchplan.planning.people import Roster, name_key
from touchplan.planning.walk import cadence_every, fmt, ordered, plus

UP, DOWN, FLAT, FIRST = "up", "down", "flat", "first"


@dataclass(frozen=True)
class Rating:
    """One rated review: the customer's view of how we are doing."""

    date: date
    rating: int  # 1-5
    summary: str  # the customer's comment, as the entry's summary says it
    with_: str = ""


@dataclass(frozen=True)
class RatingTrend:
    """An account's rated reviews, oldest first, and how the latest compares."""

    ratings: tuple[Rating, ...]
    drop_at: int  # a fall of this many points is flagged (`review.drop`)

    @property
    def latest(self) -> Rating | None:
        return self.ratings[-1] if self.ratings else None

    @property
    def previous(self) -> Rating | None:
        return self.ratings[-2] if len(self.ratings) > 1 else None

    @property
    def change(self) -> int | None:
        """The latest rating minus the one before (None with fewer than two)."""
        if self.latest is None or self.previous is None:
            return None
        return self.latest.rating - self.previous.rating

    @property
    def trend(self) -> str | None:
        """up, down, flat; first for a single rating; None without any."""
        if self.latest is None:
            return None
        change = self.change
        if change is None:
            return FIRST
        return UP if change > 0 else DOWN if change < 0 else FLAT

    @property
    def dropped(self) -> bool:
        """The latest rating fell by `review.drop` points or more since the one before."""
        change = self.change
        return change is not None and -change >= self.drop_at

    def drop_reason(self) -> str | None:
        """The reason a call's agenda carries while the latest rating is a drop."""
        if not self.dropped:
            return None
        assert self.latest is not None and self.previous is not None
        return (
            f"review rating fell from {self.previous.rating}/5 to {self.latest.rating}/5 "
            f"on {fmt(self.latest.date)}"
        )


def rating_trend(account: Account, policy: Policy) -> RatingTrend:
    ratings = tuple(
        Rating(t.date, t.rating, t.summary, t.with_)
        for t in ordered(account.history)
        if t.kind is TouchKind.REVIEW and t.rating is not None
    )
    return RatingTrend(ratings, policy.review_drop)


def drop_reason(account: Account, policy: Policy) -> str | None:
    """Why the account's call is flagged: its latest review rating fell (None: it did not).
    Cheap when the account has no rated review (most have none)."""
    if not any(t.rating is not None for t in account.history):
        return None
    return rating_trend(account, policy).drop_reason()


@dataclass(frozen=True)
class Stakeholder:
    """A contact on file, or someone a `with` named who is not one, and when touched."""

    name: str
    role: str
    last_touched: date | None  # the latest contact entry naming them, up to today
    on_file: bool


@dataclass(frozen=True)
class Coverage:
    """Whom the account's contact entries reached, and whether it is single-threaded."""

    people: tuple[Stakeholder, ...]  # the contacts on file first, in file order
    within: int | None  # the window (`stakeholders.every`, relationship applied); None: off
    touched: tuple[str, ...]  # the people touched within the window, latest first

    @property
    def single_threaded(self) -> bool:
        """Only one person touched within the window, on a watched tier."""
        return self.within is not None and len(self.touched) == 1


def coverage(account: Account, policy: Policy, today: date) -> Coverage:
    """When each person was last touched (from `with` on contact entries up to ``today``)
    and whether the account is single-threaded."""
    roster = Roster(account.contacts)
    last: dict[tuple[str, ...], tuple[str, date]] = {}
    for touch in account.history:
        if not (touch.is_contact and touch.with_) or touch.date > today:
            continue
        for name in roster.people(touch.with_):
            key = name_key(name)
            if key not in last or last[key][1] < touch.date:
                last[key] = (name, touch.date)
    people = []
    for contact in account.contacts:
        found = last.pop(name_key(contact.name), None)
        people.append(Stakeholder(contact.name, contact.role, found[1] if found else None, True))
    for name, day in sorted(last.values(), key=lambda p: (-p[1].toordinal(), p[0])):
        people.append(Stakeholder(name, "", day, False))
    within = cadence_every(account, policy, policy.stakeholder_every[account.tier])
    touched: tuple[str, ...] = ()
    if within is not None:
        start = plus(today, -within)
        recent = [p for p in people if p.last_touched is not None and p.last_touched > start]
        recent.sort(key=lambda p: p.last_touched or date.min, reverse=True)
        touched = tuple(p.name for p in recent)
    return Coverage(tuple(people), within, touched)


# -- for the report -----------------------------------------------------------------


@dataclass(frozen=True)
class Relations:
    """One account's ratings and coverage, as the report lists them."""

    account: Account
    trend: RatingTrend
    coverage: Coverage


def relations(account: Account, policy: Policy, today: date) -> Relations:
    return Relations(account, rating_trend(account, policy), coverage(account, policy, today))
