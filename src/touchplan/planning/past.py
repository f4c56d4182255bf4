"""The past, read from the history alone: an account as its file stood on a day, and
the renewal cycles it went through.

Account files keep only the present (`renewal:` moves forward with each signing, `status:
lost` has no date), so the past is rebuilt from the entries: a signing's `renewal:` is
the date the next cycle runs to, a `lost` entry dates the loss. What the entries cannot
say is stated where it is guessed (the first cycle's date; see `first_cycle`). Pure: no
I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from touchplan.model import Account, Status, Touch, TouchKind
from touchplan.planning.walk import effective_renewal, ordered

# A renewal cycle's outcome.
ON_TIME = "on-time"  # signed on or before the renewal date
LATE = "late"  # signed after it
LAPSED = "lapsed"  # the date passed, neither signed nor lost (as of the day asked)
LOST = "lost"  # a `lost` entry (or `status: lost`) ended it
OPEN = "open"  # the date has not passed yet
OUTCOMES = (ON_TIME, LATE, LAPSED, LOST, OPEN)


def signings(account: Account, entries: list[Touch] | None = None) -> list[Touch]:
    """The `renewal` entries that signed (carry a new `renewal:` date), in the order
    they happened. ``entries``: ``ordered(account.history)``, when the caller has it."""
    if entries is None:  # the few signings sorted, not the history
        return ordered(t for t in account.history if t.kind is TouchKind.RENEWAL and t.renewal)
    return [t for t in entries if t.kind is TouchKind.RENEWAL and t.renewal]


def year_before(day: date) -> date:
    """The same day a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def first_cycle(account: Account, signed: list[Touch]) -> tuple[date, bool]:
    """The renewal date the first signing on record closed, and whether it is estimated.

    `log --renewal-date` moves the file's `renewal:` to the new date, so once signed the
    old date is in no file. When the file still holds an earlier date than the first
    signing's (the signing was written by hand), that is it; otherwise it is taken as
    12 months before the new date (an annual contract), and said to be estimated.
    """
    new = signed[0].renewal
    assert new is not None
    if account.renewal is not None and account.renewal < new:
        return account.renewal, False
    return year_before(new), True


def renewal_then(account: Account, kept: int, signed: list[Touch]) -> date | None:
    """The `renewal:` date the file had once the first ``kept`` signings were written."""
    if kept == len(signed):
        return account.renewal  # every signing is in: the file as it is now
    if kept:
        return signed[kept - 1].renewal
    return first_cycle(account, signed)[0]


def first_lost(account: Account) -> date | None:
    """The date of the account's first `lost` entry (None: it has none)."""
    return min((t.date for t in account.history if t.kind is TouchKind.LOST), default=None)


def status_on(account: Account, day: date, lost_on: date | None) -> Status:
    """The account's status at the end of ``day``, as ``as_of`` cuts it: a lost account
    is not lost yet before its first `lost` entry (``first_lost``: ``lost_on``)."""
    if account.status is Status.LOST and lost_on is not None and lost_on > day:
        return Status.ACTIVE
    return account.status


def as_of(
    account: Account, day: date, signed: list[Touch] | None = None, kept: int | None = None
) -> Account:
    """The account as its file stood at the end of ``day``: the entries dated after it
    left out, the renewal date it had then, and not lost yet if its `lost` entry is
    later. Owner, tier, value and snooze are the file's as they are now (their past is
    not in the history). ``signed``: ``signings(account)``, when the caller cuts one
    account at many days; ``kept``: how many entries are dated up to ``day``, when the
    caller knows the history is in date order (they are then its first ones)."""
    history = account.history
    if kept is not None:
        if kept == len(history):
            return account
        entries = history[:kept]
    else:
        entries = tuple(t for t in history if t.date <= day)
        if len(entries) == len(history):
            return account
    if signed is None:
        signed = signings(account)
    renewal = renewal_then(account, sum(1 for t in signed if t.date <= day), signed)
    status = account.status
    if status is Status.LOST:
        status = status_on(account, day, first_lost(account))
    # a copy with three fields changed, as `replace` makes it without its cost (an
    # account's fields are plain values: `__init__` checks and derives nothing)
    cut = object.__new__(Account)
    cut.__dict__.update(account.__dict__, history=entries, renewal=renewal, status=status)
    return cut


@dataclass(frozen=True)
class Cycle:
    """One renewal date of an account and how it ended (as of a day)."""

    due: date  # the renewal date
    estimated: bool  # the date is not in the files (see `first_cycle`)
    outcome: str  # one of OUTCOMES
    closed: date | None  # signed or lost on (None: open, lapsed, or lost with no entry)
    days_late: int  # signed late: days after the date; lapsed: days since it, as of the day
    reason: str = ""  # lost: the `lost` entry's summary
    signed_to: date | None = None  # signed: the next renewal date


def renewal_cycles(account: Account, today: date) -> list[Cycle]:
    """Every renewal date on record, oldest first, with its outcome as of ``today``.

    Each signing closes the date before it: the previous signing's `renewal:`, or for
    the first one `first_cycle`'s. The last date (`effective_renewal`) is still open
    unless a `lost` entry after the last signing, or `status: lost`, ended it; once
    it has passed without either it has lapsed. Pass the account `as_of` ``today``.
    """
    signed = signings(account)
    cycles: list[Cycle] = []
    if signed:
        due, estimated = first_cycle(account, signed)
        for touch in signed:
            assert touch.renewal is not None
            late = (touch.date - due).days
            outcome = ON_TIME if late <= 0 else LATE
            cycles.append(
                Cycle(due, estimated, outcome, touch.date, max(late, 0), signed_to=touch.renewal)
            )
            due, estimated = touch.renewal, False
    current = effective_renewal(account)
    if current is None:
        return cycles
    after = (signed[-1].date, signed[-1].index) if signed else (date.min, -1)
    lost = ordered(
        t for t in account.history if t.kind is TouchKind.LOST and (t.date, t.index) >= after
    )
    if lost or account.status is Status.LOST:
        entry = lost[-1] if lost else None
        cycles.append(
            Cycle(current, False, LOST, entry.date if entry else None, 0,
                  entry.summary.strip() if entry else "")
        )  # fmt: skip
    elif current < today:
        cycles.append(Cycle(current, False, LAPSED, None, (today - current).days))
    else:
        cycles.append(Cycle(current, False, OPEN, None, 0))
    return cycles
