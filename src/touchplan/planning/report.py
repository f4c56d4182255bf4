"""The manager's report: where the book stands today, the retention scoreboard over a
period, and weekly trends, per owner or tier. Every figure comes from the history alone.

The engine's own readings make every figure, so the report and `today` never
disagree: the history walk (`walk_history`: what was opened, done, missed), the items
(`items_from_walk`, read as `item_dues`: what is due or late) and the renewal reading
(`renewal_state`).
"How it stood on a day" plans the account `as_of` that day, with that day as today.

The work is per account (`account_figures`), and accounts add up (`Tally.add`,
`Tally.merge`), so the files layer can spread a large book over every core and hand
back plain data (`Tally.to_data`): nothing here needs to see all accounts at once.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from touchplan.config import Policy
from touchplan.dates import EARLIEST, FIRST_YEAR, LAST_YEAR, RANGE_TEXT, parse_date, parse_days
from touchplan.errors import UsageError
from touchplan.model import (
    CONTACT_KINDS,
    Account,
    ItemClass,
    ItemKind,
    Status,
    Tier,
    Touch,
    TouchKind,
)
from touchplan.planning.past import (
    LAPSED,
    LATE,
    ON_TIME,
    OPEN,
    Cycle,
    as_of,
    first_lost,
    renewal_cycles,
    signings,
    status_on,
)
from touchplan.planning.relations import relations
from touchplan.planning.renewal import renewal_state, renewal_status
from touchplan.planning.schedule import (
    Due,
    is_planned,
    item_dues,
    stable_until,
    touch_and_commitments,
)
from touchplan.planning.walk import (
    Walk,
    Walker,
    arrival,
    effective_renewal,
    ordered,
    plus,
    tell,
    walk_history,
)

RENEWAL_WINDOW = 90  # days ahead the report lists renewals
DEFAULT_WEEKS = 12  # weeks of trends
PIPELINE_MONTHS = 6  # months of renewals ahead in the pipeline, from this month
PROGRESS = ("not started", "conversation", "proposal", "verbal", "lapsed")
BY = ("owner", "tier")


# -- the period --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The days the scoreboard counts: ``start`` to ``until``, both included."""

    start: date
    until: date
    quarter: str = ""  # "2026Q4" when asked for as a quarter

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.until


def period_start(text: str, end: date) -> date:
    """``--since``: ``90d`` / ``8w`` / ``3m`` back from ``end``, or a date (``2026-09-01``,
    ``-3m``: relative to today)."""
    try:
        return max(EARLIEST, plus(end, -parse_days(text, "--since")))  # 99999m: all
    except UsageError:
        return parse_date(text, end, "--since")


_QUARTER = re.compile(r"(\d{4})-?q([1-4])")


def quarter_days(text: str) -> tuple[date, date]:
    """``2026Q4`` (or ``2026-q4``): its first and last day."""
    match = _QUARTER.fullmatch(text.strip().lower())
    if match is None:
        raise UsageError(f"--quarter: {text!r} is not a quarter", "use e.g. 2026Q4")
    year, n = int(match.group(1)), int(match.group(2))
    if not FIRST_YEAR <= year <= LAST_YEAR:  # every date touchplan plans with is in range
        raise UsageError(
            f"--quarter: {text.strip()!r} is outside {RANGE_TEXT}",
            f"give a quarter from {FIRST_YEAR}Q1 to {LAST_YEAR}Q4",
        )
    first = date(year, 3 * n - 2, 1)
    last = date(year + 1, 1, 1) if n == 4 else date(year, 3 * n + 1, 1)
    return first, last - timedelta(days=1)


def report_period(since: str | None, until: str | None, quarter: str | None, today: date) -> Period:
    """The period from ``--since``/``--until`` (default: the 90 days up to today) or
    ``--quarter``; it never ends after ``today`` (a quarter under way ends today)."""
    if quarter is not None:
        if since is not None or until is not None:
            raise UsageError("--quarter is a period of its own", "leave out --since and --until")
        first, last = quarter_days(quarter)
        if first > today:
            raise UsageError(
                f"--quarter {quarter.strip().upper()} starts after {today.isoformat()}"
            )
        label = f"{first.year}Q{(first.month + 2) // 3}"
        return Period(first, min(last, today), label)
    end = parse_date(until, today, "--until") if until is not None else today
    if end > today:
        raise UsageError(
            f"--until {end.isoformat()} is after {today.isoformat()}",
            "the report counts what has happened; use --date to move today",
        )
    start = period_start(since if since is not None else "90d", end)
    if start > end:
        raise UsageError(f"--since {start.isoformat()} is after {end.isoformat()}")
    return Period(start, end)


def week_ends(until: date, weeks: int) -> list[date]:
    """The last day of each of ``weeks`` weeks ending on ``until``, oldest first."""
    return [plus(until, -7 * k) for k in range(weeks - 1, -1, -1)]


# -- one group's figures -------------------------------------------------------------------


def _zeros(n: int) -> list[int]:
    return [0] * n


@dataclass
class Group:
    """One row of the report: an owner's or a tier's accounts. Every field adds up."""

    key: str
    # where the book stands today
    accounts: int = 0  # every account not marked lost
    planned: int = 0  # of those, not snoozed: what coverage is measured on
    snoozed: int = 0
    lost: int = 0
    covered: int = 0  # planned accounts within cadence (see `within_cadence`)
    overdue_items: int = 0
    neglected_a: int = 0
    open_problems: int = 0
    rating_drops: int = 0  # accounts whose latest review rating fell `review.drop` or more
    single_threaded: int = 0  # watched-tier accounts where one person alone was touched
    renewals: int = 0  # renewals within RENEWAL_WINDOW days, and lapsed ones
    renewal_value: float = 0.0
    touches: Counter[str] = field(default_factory=Counter)  # entries in the period, by kind
    # the scoreboard: the period
    renewals_due: int = 0
    renewals_on_time: int = 0
    renewals_late: int = 0
    renewals_lapsed: int = 0
    renewals_lost: int = 0
    renewals_open: int = 0
    renewals_started_ahead: int = 0
    value_due: float = 0.0  # of the renewals due and decided (not open)
    value_renewed: float = 0.0
    promises_due: int = 0
    promises_on_time: int = 0
    promises_late: int = 0
    promises_open: int = 0
    thank_yous_due: int = 0
    thank_yous_on_time: int = 0
    thank_yous_late: int = 0
    thank_yous_missed: int = 0
    thank_yous_open: int = 0
    gap_checks_due: int = 0
    gap_checks_done: int = 0
    gap_checks_missed: int = 0
    gap_checks_open: int = 0
    problems_opened: int = 0
    problems_resolved: int = 0
    resolve_days: list[int] = field(default_factory=list)  # per problem resolved
    customers_lost: int = 0
    planned_at_end: int = 0
    within_cadence_at_end: int = 0
    # trends: one value per week
    trend_planned: list[int] = field(default_factory=list)
    trend_covered: list[int] = field(default_factory=list)
    trend_overdue: list[int] = field(default_factory=list)
    trend_contacts: list[int] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        """Percent of planned accounts within cadence today."""
        return percent(self.covered, self.planned)

    @property
    def contacts(self) -> int:
        """Entries in the period that reached the customer."""
        return sum(n for kind, n in self.touches.items() if kind in _CONTACTS)

    @property
    def grr(self) -> float | None:
        """Gross revenue retention: value renewed ÷ value of the renewals due (decided)."""
        return percent(self.value_renewed, self.value_due)

    @property
    def coverage_at_end(self) -> float | None:
        return percent(self.within_cadence_at_end, self.planned_at_end)

    @property
    def median_days_to_resolve(self) -> float | None:
        return float(statistics.median(self.resolve_days)) if self.resolve_days else None

    def trend_coverage(self) -> list[float | None]:
        return [percent(c, p) for c, p in zip(self.trend_covered, self.trend_planned, strict=True)]

    def merge(self, other: Group) -> None:
        # twice per account (its group and the total): the fields by kind, worked out once
        mine, theirs = self.__dict__, other.__dict__
        for name in _SUMS:
            if value := theirs[name]:  # most of an account's are 0
                mine[name] += value
        self.touches.update(other.touches)
        self.resolve_days.extend(other.resolve_days)
        for name in _WEEKLY:
            value = theirs[name]
            if not value:
                continue
            if not mine[name]:
                mine[name] = list(value)
                continue
            mine[name] = [a + b for a, b in zip(mine[name], value, strict=True)]


# Group's fields by how they add up: numbers, week-by-week lists; every field is one
# (`f.type` is the annotation's text: this module has postponed annotations)
_SUMS = tuple(f.name for f in fields(Group) if str(f.type) in ("int", "float"))
_WEEKLY = tuple(f.name for f in fields(Group) if f.name.startswith("trend_"))
assert {*_SUMS, *_WEEKLY, "key", "touches", "resolve_days"} == {f.name for f in fields(Group)}


_CONTACTS = frozenset(k.value for k in CONTACT_KINDS)


def percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# -- the lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Neglected:
    """An A account with no contact in twice its tier's cadence."""

    account: str
    name: str
    tier: str
    owner: str
    file: str
    last_contact: date | None
    days: int | None  # since the last contact (or `since`); None: never contacted
    limit: int  # 2 × the tier's cadence


@dataclass(frozen=True)
class Renewal:
    """A renewal within the window (or lapsed), as of today."""

    account: str
    name: str
    tier: str
    owner: str
    file: str
    renewal: date
    days_left: int
    stage: str
    progress: str
    value: float | None


@dataclass(frozen=True)
class Rated:
    """An account's latest review rating and how it compares with the one before."""

    account: str
    name: str
    tier: str
    owner: str
    file: str
    rating: int
    on: date
    previous: int | None
    change: int | None
    trend: str  # up, down, flat, first
    dropped: bool  # fell `review.drop` points or more
    comment: str


@dataclass(frozen=True)
class Threaded:
    """A watched-tier account where only one person was touched within the window."""

    account: str
    name: str
    tier: str
    owner: str
    file: str
    person: str
    within: int  # days


@dataclass(frozen=True)
class Outcome:
    """A renewal due in the period and how it ended."""

    account: str
    name: str
    tier: str
    owner: str
    file: str
    value: float | None
    cycle: Cycle
    started_ahead: bool


@dataclass(frozen=True)
class Loss:
    """A customer marked lost in the period."""

    account: str
    name: str
    tier: str
    owner: str
    file: str
    on: date
    reason: str
    value: float | None


# -- one account -------------------------------------------------------------------------


@dataclass
class Figures:
    """What one account adds to the report."""

    key: str  # its group
    group: Group
    neglected: Neglected | None = None
    renewal: Renewal | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)
    pipeline: tuple[str, str, float] | None = None  # (month or "lapsed", progress, value)
    rated: Rated | None = None
    threaded: Threaded | None = None
    # the trend segments its file keeps from now on, when this report made new ones
    # (see `Segment`); None: nothing new to keep
    segments: list[Segment] | None = None


def group_key(account: Account, by: str) -> str:
    return account.tier.value if by == "tier" else account.owner


def within_cadence(walk: Walk, items: Iterable[Any], day: date) -> bool:
    """Reached at least once, and the regular touch not late on ``day`` (a booked call
    stands in for it until its date, so then there is no touch item)."""
    if walk.last_contact is None:
        return False
    touch = next((i for i in items if i.kind is ItemKind.TOUCH), None)
    return touch is None or touch.due >= day


def overdue_commitments(items: Iterable[Any], day: date) -> int:
    return sum(1 for i in items if i.cls is ItemClass.COMMITMENT and i.due < day)


def _neglected(account: Account, policy: Policy, today: date) -> Neglected | None:
    every = policy.touch_every.get(Tier.A)
    if account.tier is not Tier.A or not every:
        return None
    last = account.last_touch()
    anchor = last.date if last else account.since
    days = (today - anchor).days if anchor else None
    if days is None or days > 2 * every:
        return Neglected(
            account.slug, account.name, account.tier.value, account.owner, account.file,
            last.date if last else None, days, 2 * every,
        )  # fmt: skip
    return None


# A plan's trend readings as plain data, kept per file by the files layer (the plan
# cache) so a later report reads them instead of planning again: [entries in the cut,
# the day it was made for, the last day it holds (`stable_until`), reached (0/1), the
# touch's due day (0: none), the commitments' due days...], days as ordinals. A plan is
# a function of the file, the settings and the day alone: the same ``count`` of entries
# and a day from ``made`` to ``valid`` give the same touch and commitments, as the week
# loop below reuses a plan from week to week.
Segment = list[int]
_NO_TOUCH = 0  # no day has ordinal 0
_KEEP_AT_MOST = 64  # segments kept per file (the latest)


def _segment(kept: list[Segment], count: int, day: int) -> Segment | None:
    for seg in kept:
        if seg[0] == count and seg[1] <= day <= seg[2]:
            return seg
    return None


def _trends(
    account: Account,
    policy: Policy,
    ends: list[date],
    group: Group,
    kept: list[Segment] | None = None,
    made_now: list[Segment] | None = None,
) -> tuple[Account, date, Walk] | None:
    """Coverage, overdue commitments and contacts at each week's end, as the history
    stood then. A plan is reused while no entry was added and its due dates hold; a
    walk goes on from the week before's where it can (`Walker.resume`), so the history
    is walked about once instead of once a week. Of each week's plan only what the
    figures read is made (`touch_and_commitments`). ``kept``: segments of plans made by
    an earlier report of the same file and settings, read instead of planning; each plan
    made here is added to ``made_now`` (when given).

    Returns the last week's plan as (the account then, the day it was made for, its
    walk): its full items are that day's ``items_from_walk`` (None when there is none,
    or the last week was read from ``kept``)."""
    n = len(ends)
    group.trend_planned = _zeros(n)
    group.trend_covered = _zeros(n)
    group.trend_overdue = _zeros(n)
    group.trend_contacts = _zeros(n)
    entries = ordered(account.history)  # every cut's entries are the first of these
    entry_days = [t.date for t in entries]  # in date order, as ``entries``
    contact_days = [t.date for t in entries if t.is_contact]
    # a file written by `log` is in date order: a cut is then its first entries
    in_order = all(t.date == day for t, day in zip(account.history, entry_days, strict=True))
    signed = signings(account, entries)
    sign_days = [t.date for t in signed]
    lost_on = first_lost(account)  # `is_planned` of each cut, without making the cut
    kept_count = -1
    valid = date.min
    then = account
    then_count = -1  # the entries in ``then``, the cut planned last
    walker: Walker | None = None
    walk: Walk | None = None
    touch: date | None = None
    commitments: list[date] = []
    made = then, date.min  # the account and day the plan in ``walk`` was made for
    for w, end in enumerate(ends):
        start = plus(end, -6)
        group.trend_contacts[w] = bisect_right(contact_days, end) - bisect_left(contact_days, start)
        count = bisect_right(entry_days, end)
        if status_on(account, end, lost_on) is not Status.ACTIVE or account.is_snoozed(end):
            kept_count, walk = count, None  # not planned that day
            continue
        if kept and (walk is None or count != kept_count or end > valid):
            seg = _segment(kept, count, end.toordinal())
            if seg is not None:
                kept_count, walk = count, None  # a later week plans afresh if it must
                group.trend_planned[w] = 1
                day = end.toordinal()
                group.trend_covered[w] = int(seg[3] == 1 and (seg[4] == _NO_TOUCH or seg[4] >= day))
                group.trend_overdue[w] = len([due for due in seg[5:] if due < day])
                continue
        if walk is None or count != kept_count or end > valid:
            if count != then_count:
                then = as_of(account, end, signed, count if in_order else None)
                _tell_cut(then, count, entry_days, signed, bisect_right(sign_days, end))
                then_count = count
            if walker is None or walker.fed > count or not walker.go_on(then, end):
                walker = Walker(then, policy, end, entries)
            walker.feed(count)
            walk = walker.view(end)  # read before the walker is fed again
            touch, commitments = touch_and_commitments(then, policy, end, walk)
            valid = stable_until(then, policy, end, walk)
            made = then, end
            if made_now is not None:
                made_now.append(
                    [
                        count, end.toordinal(), valid.toordinal(),
                        int(walk.last_contact is not None),
                        touch.toordinal() if touch is not None else _NO_TOUCH,
                        *map(date.toordinal, commitments),
                    ]
                )  # fmt: skip
        kept_count = count
        group.trend_planned[w] = 1
        # as `within_cadence` and `overdue_commitments` read the plan's items
        group.trend_covered[w] = int(
            walk.last_contact is not None and (touch is None or touch >= end)
        )
        if commitments:
            group.trend_overdue[w] = len([due for due in commitments if due < end])
    if walk is None or not group.trend_planned[-1]:
        return None
    return made[0], made[1], walk  # the plan on the last week's end


def keep_segments(kept: list[Segment] | None, made: list[Segment], first: date) -> list[Segment]:
    """What a file keeps after a report that made ``made``: those still reaching
    ``first`` (the report's first week's end) or later, the latest at most."""
    day = first.toordinal()
    segments = [seg for seg in (kept or []) if seg[2] >= day] + made
    return segments[-_KEEP_AT_MOST:]


def _tell_cut(
    then: Account, count: int, entry_days: list[date], signed: list[Touch], kept: int
) -> None:
    """Tell `arrival` and `effective_renewal` their answers for ``then``, a cut of a
    history already sorted here (``count`` entries, ``kept`` of its ``signed``): each
    cut is a new account to them, and their own reading scans its history again."""
    tell(arrival, then, then.added or (entry_days[0] if count else then.since))
    last = signed[kept - 1].renewal if kept else None  # the latest signing in the cut
    dates = [d for d in (then.renewal, last) if d is not None]
    tell(effective_renewal, then, max(dates) if dates else None)


def _started_ahead(account: Account, policy: Policy, cycle: Cycle) -> bool:
    """Was the conversation for this date under way `renewal.lead` days before it, as
    the history stood then (a signing by then counts)?"""
    day = cycle.due - timedelta(days=policy.renewal_lead)
    if cycle.outcome in (ON_TIME, LATE) and cycle.closed is not None and cycle.closed <= day:
        return True
    then = as_of(account, day)
    state = renewal_state(then, policy, day)
    return state is not None and state.renewal == cycle.due and state.started


def _commitments(walk: Walk, period: Period, group: Group) -> None:
    """Promises, thank-yous and gap checks due in the period (by the date they were
    due, before any move to a working day), and problems opened and resolved in it.
    The thank-you an anniversary brings is cadence work, not the one a sale, visit or
    meeting owes: not counted (nor seen for long: the walk looks back a few months for
    it, so a plan made days before would count what today's does not)."""
    done = [(o, t.date) for o, t in walk.closed if o.cls is ItemClass.COMMITMENT]
    for o, on in done:
        if o.kind is ItemKind.PROBLEM:
            if o.trigger in period:
                group.problems_opened += 1
            if on in period:
                group.problems_resolved += 1
                group.resolve_days.append((on - o.trigger).days)
            continue
        if o.raw_due not in period:
            continue
        in_time = on <= o.raw_due
        if o.kind is ItemKind.FOLLOW_UP:
            group.promises_due += 1
            group.promises_on_time += in_time
            group.promises_late += not in_time
        elif o.kind is ItemKind.THANK_YOU:
            group.thank_yous_due += 1
            group.thank_yous_on_time += in_time
            group.thank_yous_late += not in_time
        elif o.kind is ItemKind.GAP_CHECK:
            group.gap_checks_due += 1
            group.gap_checks_done += 1
    for o in walk.missed:
        if o.raw_due not in period or o.cls is not ItemClass.COMMITMENT:
            continue
        if o.kind is ItemKind.THANK_YOU:
            group.thank_yous_due += 1
            group.thank_yous_missed += 1
        elif o.kind is ItemKind.GAP_CHECK:
            group.gap_checks_due += 1
            group.gap_checks_missed += 1
        elif o.kind is ItemKind.FOLLOW_UP:  # a promise never expires; kept for safety
            group.promises_due += 1
            group.promises_open += 1
    for o in walk.open:
        if o.kind is ItemKind.PROBLEM:
            group.problems_opened += o.trigger in period
            continue
        if o.raw_due not in period or o.cls is not ItemClass.COMMITMENT:
            continue
        if o.kind is ItemKind.FOLLOW_UP:
            group.promises_due += 1
            group.promises_open += 1
        elif o.kind is ItemKind.THANK_YOU:
            group.thank_yous_due += 1
            group.thank_yous_open += 1
        elif o.kind is ItemKind.GAP_CHECK:
            group.gap_checks_due += 1
            group.gap_checks_open += 1


def _renewals(
    account: Account, policy: Policy, today: date, period: Period, figures: Figures
) -> None:
    group = figures.group
    value = account.value or 0.0
    for cycle in renewal_cycles(account, today):
        if cycle.due not in period:
            continue
        ahead = _started_ahead(account, policy, cycle)
        figures.outcomes.append(
            Outcome(
                account.slug, account.name, account.tier.value, account.owner, account.file,
                account.value, cycle, ahead,
            )
        )  # fmt: skip
        group.renewals_due += 1
        group.renewals_started_ahead += ahead
        if cycle.outcome == OPEN:
            group.renewals_open += 1
            continue
        group.value_due += value
        if cycle.outcome in (ON_TIME, LATE):
            group.value_renewed += value
        if cycle.outcome == ON_TIME:
            group.renewals_on_time += 1
        elif cycle.outcome == LATE:
            group.renewals_late += 1
        elif cycle.outcome == LAPSED:
            group.renewals_lapsed += 1
        else:
            group.renewals_lost += 1
    for touch in account.history:
        if touch.kind is TouchKind.LOST and touch.date in period:
            group.customers_lost += 1
            figures.losses.append(
                Loss(
                    account.slug, account.name, account.tier.value, account.owner,
                    account.file, touch.date, touch.summary.strip(), account.value,
                )
            )  # fmt: skip


def _today(
    account: Account, policy: Policy, today: date, walk: Walk, items: list[Due], figures: Figures
) -> None:
    """Where the account stands today: the report's first table and its lists."""
    group = figures.group
    if account.status is Status.LOST:
        group.lost = 1
        return
    group.accounts = 1
    _relations(account, policy, today, figures)
    state = renewal_state(account, policy, today, walk)
    # the listing's reading (it words the next step) only for a renewal it lists: its
    # stage is lapsed when the state's is, its days left are the state's
    if state is not None and (state.stage == LAPSED or 0 <= state.days_left <= RENEWAL_WINDOW):
        status = renewal_status(account, policy, today, walk)
        assert status is not None  # there is a state
        group.renewals = 1
        group.renewal_value = account.value or 0.0
        figures.renewal = Renewal(
            account.slug, account.name, account.tier.value, account.owner, account.file,
            status.renewal, status.days_left, status.stage, status.progress, account.value,
        )  # fmt: skip
    if state is not None:
        first = date(today.year, today.month, 1)
        months = (state.renewal.year - first.year) * 12 + state.renewal.month - first.month
        if state.progress == LAPSED:
            figures.pipeline = ("lapsed", LAPSED, account.value or 0.0)
        elif 0 <= months < PIPELINE_MONTHS:
            month = state.renewal.strftime("%Y-%m")
            figures.pipeline = (month, state.progress, account.value or 0.0)
    if not is_planned(account, today):
        group.snoozed = 1
        return
    group.planned = 1
    group.covered = int(within_cadence(walk, items, today))
    group.overdue_items = sum(1 for i in items if i.due < today)
    group.open_problems = sum(1 for i in items if i.kind is ItemKind.PROBLEM)
    figures.neglected = _neglected(account, policy, today)
    group.neglected_a = int(figures.neglected is not None)


def _relations(account: Account, policy: Policy, today: date, figures: Figures) -> None:
    """The account's latest rating and whether it is single-threaded (for the lists)."""
    rated = any(t.rating is not None for t in account.history)
    if not rated and not policy.stakeholder_every[account.tier]:
        return  # cheap for most accounts: nothing to read
    who = (account.slug, account.name, account.tier.value, account.owner, account.file)
    found = relations(account, policy, today)
    trend, latest = found.trend, found.trend.latest
    if latest is not None:
        previous = trend.previous
        figures.rated = Rated(
            *who, latest.rating, latest.date, previous.rating if previous else None,
            trend.change, trend.trend or "", trend.dropped, latest.summary,
        )  # fmt: skip
        figures.group.rating_drops = int(trend.dropped)
    cover = found.coverage
    if cover.single_threaded and cover.within is not None:
        figures.threaded = Threaded(*who, cover.touched[0], cover.within)
        figures.group.single_threaded = 1


def account_figures(
    account: Account,
    policy: Policy,
    today: date,
    period: Period,
    weeks: int,
    by: str,
    kept: list[Segment] | None = None,
    keep: bool = False,
) -> Figures:
    """Everything one account adds to the report (its history cut at ``today``).
    ``kept``: trend segments an earlier report kept for this file and settings;
    ``keep``: hand back in ``segments`` what to keep when plans were made here."""
    account = as_of(account, today)
    key = group_key(account, by)
    figures = Figures(key, Group(key))
    group = figures.group
    group.touches.update(t.kind.value for t in account.history if t.date in period)
    ends = week_ends(period.until, weeks)
    made: list[Segment] | None = [] if keep else None
    last = _trends(account, policy, ends, group, kept, made)
    if made:
        figures.segments = keep_segments(kept, made, ends[0])
    group.planned_at_end = group.trend_planned[-1]  # the last week ends with the period
    group.within_cadence_at_end = group.trend_covered[-1]
    if last is not None and period.until == today:
        then, day, walk = last  # the same plan, with all its items
        items = item_dues(then, policy, day, walk)
    else:
        walk = walk_history(account, policy, today)
        items = item_dues(account, policy, today, walk)
    _today(account, policy, today, walk, items, figures)
    _commitments(walk, period, group)
    _renewals(account, policy, today, period, figures)
    return figures


# -- adding up ---------------------------------------------------------------------------


@dataclass
class Tally:
    """Accounts added up: per group, the total, and the lists (in any order)."""

    by: str
    groups: dict[str, Group] = field(default_factory=dict)
    total: Group = field(default_factory=lambda: Group("all"))
    neglected: list[Neglected] = field(default_factory=list)
    renewals: list[Renewal] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)
    rated: list[Rated] = field(default_factory=list)
    threaded: list[Threaded] = field(default_factory=list)
    # (month or "lapsed", progress) -> [renewals, value]
    pipeline: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def add(self, figures: Figures) -> None:
        group = self.groups.get(figures.key)
        if group is None:
            group = self.groups[figures.key] = Group(figures.key)
        group.merge(figures.group)
        self.total.merge(figures.group)
        if figures.neglected is not None:
            self.neglected.append(figures.neglected)
        if figures.renewal is not None:
            self.renewals.append(figures.renewal)
        self.outcomes.extend(figures.outcomes)
        self.losses.extend(figures.losses)
        if figures.rated is not None:
            self.rated.append(figures.rated)
        if figures.threaded is not None:
            self.threaded.append(figures.threaded)
        if figures.pipeline is not None:
            month, progress, value = figures.pipeline
            cell = self.pipeline.setdefault((month, progress), [0, 0.0])
            cell[0] += 1
            cell[1] += value

    def merge(self, other: Tally) -> None:
        for key, group in other.groups.items():
            self.groups.setdefault(key, Group(key)).merge(group)
        self.total.merge(other.total)
        self.neglected.extend(other.neglected)
        self.renewals.extend(other.renewals)
        self.outcomes.extend(other.outcomes)
        self.losses.extend(other.losses)
        self.rated.extend(other.rated)
        self.threaded.extend(other.threaded)
        for cell, (count, value) in other.pipeline.items():
            mine = self.pipeline.setdefault(cell, [0, 0.0])
            mine[0] += count
            mine[1] += value

    # Plain data (JSON types only) for the files layer to carry between processes:
    # account data is never pickled.

    def to_data(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "groups": [_group_data(g) for g in self.groups.values()],
            "total": _group_data(self.total),
            "neglected": [_row(n) for n in self.neglected],
            "renewals": [_row(r) for r in self.renewals],
            "outcomes": [_outcome_data(o) for o in self.outcomes],
            "losses": [_row(loss) for loss in self.losses],
            "rated": [_row(r) for r in self.rated],
            "threaded": [_row(t) for t in self.threaded],
            "pipeline": [[m, p, c, v] for (m, p), (c, v) in self.pipeline.items()],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Tally:
        tally = cls(data["by"])
        for g in data["groups"]:
            group = _group_from(g)
            tally.groups[group.key] = group
        tally.total = _group_from(data["total"])
        tally.neglected = [_from_row(Neglected, n, ("last_contact",)) for n in data["neglected"]]
        tally.renewals = [_from_row(Renewal, r, ("renewal",)) for r in data["renewals"]]
        tally.outcomes = [_outcome_from(o) for o in data["outcomes"]]
        tally.losses = [_from_row(Loss, loss, ("on",)) for loss in data["losses"]]
        tally.rated = [_from_row(Rated, r, ("on",)) for r in data["rated"]]
        tally.threaded = [_from_row(Threaded, t, ()) for t in data["threaded"]]
        tally.pipeline = {(m, p): [c, v] for m, p, c, v in data["pipeline"]}
        return tally


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _row(row: Any) -> dict[str, Any]:
    return {k: _plain(v) for k, v in vars(row).items()}


def _from_row(cls: Any, data: dict[str, Any], dates: tuple[str, ...]) -> Any:
    values = dict(data)
    for name in dates:
        if values[name] is not None:
            values[name] = date.fromisoformat(values[name])
    return cls(**values)


def _group_data(group: Group) -> dict[str, Any]:
    data = dict(vars(group))
    data["touches"] = dict(group.touches)
    return data


def _group_from(data: dict[str, Any]) -> Group:
    values = dict(data)
    values["touches"] = Counter(values["touches"])
    return Group(**values)


def _outcome_data(outcome: Outcome) -> dict[str, Any]:
    data = _row(outcome)
    data["cycle"] = _row(outcome.cycle)
    return data


def _outcome_from(data: dict[str, Any]) -> Outcome:
    values = dict(data)
    values["cycle"] = _from_row(Cycle, data["cycle"], ("due", "closed", "signed_to"))
    return Outcome(**values)


# -- the report ----------------------------------------------------------------------------


@dataclass
class Report:
    today: date
    period: Period
    by: str  # owner | tier
    weeks: list[date]  # each trend week's last day, oldest first
    groups: list[Group]
    total: Group
    neglected: list[Neglected]
    renewals: list[Renewal]
    outcomes: list[Outcome]
    losses: list[Loss]
    pipeline: list[tuple[str, dict[str, tuple[int, float]]]]  # month -> progress -> (n, value)
    rated: list[Rated] = field(default_factory=list)  # lowest rating first, then biggest fall
    threaded: list[Threaded] = field(default_factory=list)  # by tier, then account
    renewal_lead: int = 60  # a conversation started this many days ahead counts as ahead
    renewal_window: int = RENEWAL_WINDOW  # days ahead `renewals` reaches

    @property
    def start(self) -> date:
        return self.period.start


def _group_order(by: str, key: str) -> tuple[int, str]:
    if by == "tier":
        return (0, key)
    return (1 if not key else 0, key.casefold())  # accounts without an owner last


def _months(today: date) -> list[str]:
    year, month = today.year, today.month
    found = []
    for _ in range(PIPELINE_MONTHS):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def finish(tally: Tally, policy: Policy, today: date, period: Period, weeks: int) -> Report:
    """The report from every account's figures: groups and lists in a stable order."""
    tally.neglected.sort(key=lambda n: (-(n.days if n.days is not None else 10**9), n.account))
    tally.renewals.sort(key=lambda r: (r.days_left, r.account))
    tally.outcomes.sort(key=lambda o: (o.cycle.due, o.account))
    tally.losses.sort(key=lambda loss: (loss.on, loss.account))
    # the same order as relations.ratings_board: lowest rating, then the biggest fall
    tally.rated.sort(key=lambda r: (r.rating, r.change or 0, r.account))
    tally.threaded.sort(key=lambda t: (t.tier, t.account))
    ends = week_ends(period.until, weeks)
    for group in [*tally.groups.values(), tally.total]:
        for name in ("trend_planned", "trend_covered", "trend_overdue", "trend_contacts"):
            if not getattr(group, name):
                setattr(group, name, _zeros(len(ends)))
    pipeline = []
    for month in ["lapsed", *_months(today)]:
        cells = {
            progress: (int(cell[0]), cell[1])
            for progress in PROGRESS
            if (cell := tally.pipeline.get((month, progress))) is not None
        }
        pipeline.append((month, cells))
    ordered = sorted(tally.groups.values(), key=lambda g: _group_order(tally.by, g.key))
    return Report(
        today, period, tally.by, ends, ordered, tally.total, tally.neglected, tally.renewals,
        tally.outcomes, tally.losses, pipeline, tally.rated, tally.threaded, policy.renewal_lead,
    )  # fmt: skip


def build_report(
    accounts: Iterable[Account],
    policy: Policy,
    today: date,
    period: Period,
    by: str = "owner",
    weeks: int = DEFAULT_WEEKS,
) -> Report:
    """The whole report, here and now (the files layer spreads big books over cores)."""
    tally = Tally(by)
    for account in accounts:
        tally.add(account_figures(account, policy, today, period, weeks, by))
    return finish(tally, policy, today, period, weeks)
