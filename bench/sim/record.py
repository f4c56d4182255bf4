"""What happened in a simulated run, and every figure computed from it.

The simulator keeps its own record of each contact, call, promise, thank-you, problem,
renewal and booked visit; the figures come from this record alone, never from what
touchplan printed. Everything here is pure (no I/O, no clock) so the metrics can be
tested on hand-built records with known answers.

Working days are Monday to Friday (the simulated book's policy has no holidays).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

DAY = timedelta(days=1)
TIERS = ("A", "B", "C")
TOUCH_EVERY = {"A": 14, "B": 30, "C": 90}
VISIT_EVERY: dict[str, int | None] = {"A": 90, "B": 180, "C": None}
REVIEW_EVERY = {"A": 90, "B": 180, "C": 365}


# -- working days --------------------------------------------------------------------


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after ``day`` (n = 0: ``day`` itself)."""
    while n > 0:
        day += DAY
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: 0 when end <= start. Friday -> Monday is 1."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    day = start + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += DAY
        if is_working_day(day):
            count += 1
    return count


def working_days(start: date, count: int) -> list[date]:
    """``count`` working days from ``start`` (itself included when it is one)."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if is_working_day(day):
            days.append(day)
        day += DAY
    return days


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): the smallest value with at least q % of
    the values at or below it. None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


# -- the record ------------------------------------------------------------------------


@dataclass
class AccountInfo:
    slug: str
    tier: str
    # last contact before the run (prior history, or a CRM's last activity)
    prior_contact: date | None = None
    # the day the account entered the planner (imports); lateness never counts before it
    added: date | None = None
    lost_on: date | None = None


@dataclass
class ThankYou:
    slug: str
    trigger: date  # the sale, visit or meeting
    sent: date | None = None

    @property
    def deadline(self) -> date:
        return add_working_days(self.trigger, 2)


@dataclass
class Promise:
    slug: str
    made: date
    due: date
    action: str
    done: date | None = None


@dataclass
class Problem:
    slug: str
    opened: date  # the inbound call that reported it
    text: str
    needed: int  # further touches until the customer is satisfied
    touches: list[date] = field(default_factory=list)  # contacts after the report
    resolved: date | None = None


@dataclass
class Renewal:
    slug: str
    due: date  # the contract's renewal date
    needed: int  # progress touches after the conversation starts
    lose: bool  # the customer walks away at the end
    started: date | None = None
    progress: list[date] = field(default_factory=list)
    outcome: str = ""  # signed | lost
    closed: date | None = None


@dataclass
class Booking:
    slug: str
    made: date
    on: date
    action: str
    kept: date | None = None


@dataclass(frozen=True)
class Contact:
    day: date
    slug: str
    kind: str  # the history kind (call, visit, sale, thank-you, ...)
    rep: bool  # the rep reached out (False: the customer called in / ordered)


@dataclass(frozen=True)
class Call:
    """One call the rep worked from the day's list (capacity counts these)."""

    day: date
    slug: str
    reached: bool


@dataclass(frozen=True)
class Logged:
    """One history entry the simulator asked touchplan to append."""

    slug: str
    day: date
    kind: str
    summary: str


@dataclass
class Record:
    start: date
    end: date  # the last simulated day
    accounts: dict[str, AccountInfo] = field(default_factory=dict)
    contacts: list[Contact] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    thank_yous: list[ThankYou] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    renewals: list[Renewal] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    logged: list[Logged] = field(default_factory=list)

    def days(self) -> int:
        """Working days simulated."""
        return working_days_between(self.start - DAY, self.end)


# -- the figures -----------------------------------------------------------------------


def _pct(hits: int, total: int) -> float | None:
    return None if total == 0 else 100.0 * hits / total


def renewal_figures(record: Record) -> dict[str, float | None]:
    """Lead of each renewal's first conversation; lapsed renewals.

    Only renewals dated at least 60 days after the start (whose whole window lies in
    the run) and on or before the end count for the lead; every renewal dated inside
    the run counts for lapsing (its date passed before it was signed or lost)."""
    lead_pool = [
        r for r in record.renewals if record.start + timedelta(days=60) <= r.due <= record.end
    ]

    def ahead(r: Renewal, days: int) -> bool:
        return r.started is not None and (r.due - r.started).days >= days

    dated = [r for r in record.renewals if record.start <= r.due <= record.end]
    lapsed = [r for r in dated if r.closed is None or r.closed > r.due]
    return {
        "renewals_counted": float(len(lead_pool)),
        "renewals_60": _pct(sum(ahead(r, 60) for r in lead_pool), len(lead_pool)),
        "renewals_30": _pct(sum(ahead(r, 30) for r in lead_pool), len(lead_pool)),
        "renewals_dated": float(len(dated)),
        "renewals_lapsed": float(len(lapsed)),
    }


def _moot(record: Record, slug: str, due: date) -> bool:
    """A commitment to a customer lost before it fell due is owed to nobody."""
    lost = record.accounts[slug].lost_on
    return lost is not None and lost <= due


def thank_you_figures(record: Record) -> dict[str, float | None]:
    """Thank-yous sent within 2 working days of their sale, visit or meeting (those
    whose deadline fell inside the run, to customers not lost by then)."""
    pool = [
        t
        for t in record.thank_yous
        if t.deadline <= record.end and not _moot(record, t.slug, t.deadline)
    ]
    hits = sum(t.sent is not None and t.sent <= t.deadline for t in pool)
    return {"thank_yous": float(len(pool)), "thank_you_2wd": _pct(hits, len(pool))}


def problem_coverage(problem: Problem, end: date) -> tuple[int, int]:
    """(covered, open) working days of one problem.

    A working day after the report, up to its resolution (or the end of the run), is
    covered when the problem was touched (the report itself or a later contact) on it
    or within the 2 working days before it."""
    last_day = min(problem.resolved or end, end)
    touched = sorted([problem.opened, *problem.touches])
    covered = total = 0
    day = problem.opened
    while True:
        day = add_working_days(day, 1)
        if day > last_day:
            break
        total += 1
        latest = max(t for t in touched if t <= day)
        if working_days_between(latest, day) <= 2:
            covered += 1
    return covered, total


def first_response(problem: Problem, end: date) -> tuple[int, bool]:
    """Working days from the report to the first contact after it (0: the same day),
    and whether that is known (False: no response by the end; the figure is then the
    working days waited so far)."""
    if problem.touches:
        return working_days_between(problem.opened, problem.touches[0]), True
    return working_days_between(problem.opened, end), False


def problem_figures(record: Record) -> dict[str, float | None]:
    covered = total = 0
    responses: list[int] = []
    for problem in record.problems:
        c, t = problem_coverage(problem, record.end)
        covered += c
        total += t
        if problem.opened < record.end:  # reported on the last day: no chance to answer
            responses.append(first_response(problem, record.end)[0])
    return {
        "problems": float(len(record.problems)),
        "problem_days_covered": _pct(covered, total),
        "first_response_1wd": _pct(sum(r <= 1 for r in responses), len(responses)),
        "first_response_max": float(max(responses)) if responses else None,
    }


def promise_figures(record: Record) -> dict[str, float | None]:
    """Promises due inside the run (to customers not lost by then): done on or before
    their date; the worst lateness in working days (a promise still open at the end
    counts as late by then)."""
    pool = [p for p in record.promises if p.due <= record.end and not _moot(record, p.slug, p.due)]
    on_time = sum(p.done is not None and p.done <= p.due for p in pool)
    late = [working_days_between(p.due, p.done or record.end) for p in pool]
    return {
        "promises": float(len(pool)),
        "promises_on_time": _pct(on_time, len(pool)),
        "promise_worst_late": float(max(late)) if late else None,
    }


def booking_figures(record: Record) -> dict[str, float | None]:
    pool = [b for b in record.bookings if b.on <= record.end]
    kept = sum(b.kept == b.on for b in pool)
    return {"bookings": float(len(pool)), "bookings_kept": _pct(kept, len(pool))}


def contact_days(record: Record) -> dict[str, list[date]]:
    """Each account's contact dates inside the run (before it was lost), sorted."""
    days: dict[str, list[date]] = {slug: [] for slug in record.accounts}
    for contact in record.contacts:
        info = record.accounts[contact.slug]
        if record.start <= contact.day <= record.end and (
            info.lost_on is None or contact.day <= info.lost_on
        ):
            days[contact.slug].append(contact.day)
    for dates in days.values():
        dates.sort()
    return days


def account_gaps(info: AccountInfo, dates: Sequence[date], end: date) -> list[int]:
    """Calendar days between consecutive contacts: from the last contact before the
    run (or the day the account was added, whichever is later) through each contact
    in the run to the end of the run (or the day it was lost), the last gap still open."""
    anchors = [d for d in (info.prior_contact, info.added) if d is not None]
    points = ([max(anchors)] if anchors else []) + list(dates)
    stop = min(info.lost_on or end, end)
    if points and points[-1] < stop:
        points.append(stop)
    return [(b - a).days for a, b in itertools.pairwise(points) if b > a]


def gap_figures(record: Record) -> dict[str, float | None]:
    per_contact = contact_days(record)
    figures: dict[str, float | None] = {}
    for tier in TIERS:
        gaps: list[int] = []
        for slug, info in record.accounts.items():
            if info.tier == tier:
                gaps.extend(account_gaps(info, per_contact[slug], record.end))
        p95 = percentile(gaps, 95)
        figures[f"gap_p95_{tier}"] = None if p95 is None else float(p95)
        figures[f"gap_max_{tier}"] = float(max(gaps)) if gaps else None
    active = [s for s, i in record.accounts.items() if i.lost_on is None]
    figures["never_contacted"] = float(sum(not per_contact[s] for s in active))
    return figures


def first_contact_figures(record: Record) -> dict[str, float | None]:
    """Working days from the start until each account's first contact, per tier (day
    1 is the start; an account never contacted counts as the run's length + 1)."""
    per_contact = contact_days(record)
    never = record.days() + 1
    figures: dict[str, float | None] = {}
    for tier in TIERS:
        waits = [
            working_days_between(record.start - DAY, days[0]) if days else never
            for slug, days in per_contact.items()
            if record.accounts[slug].tier == tier
        ]
        p95 = percentile(waits, 95)
        figures[f"first_contact_p95_{tier}"] = None if p95 is None else float(p95)
        figures[f"first_contact_max_{tier}"] = float(max(waits)) if waits else None
    return figures


def call_figures(record: Record) -> dict[str, float | None]:
    per_day: dict[date, int] = {}
    for call in record.calls:
        per_day[call.day] = per_day.get(call.day, 0) + 1
    days = record.days()
    return {
        "days": float(days),
        "calls_per_day": len(record.calls) / days if days else None,
        "calls_max_day": float(max(per_day.values())) if per_day else 0.0,
    }


def figures(record: Record, *, imported: bool = False) -> dict[str, float | None]:
    """Every figure of one run."""
    result: dict[str, float | None] = {}
    for part in (
        renewal_figures,
        thank_you_figures,
        problem_figures,
        promise_figures,
        booking_figures,
        gap_figures,
        call_figures,
    ):
        result.update(part(record))
    if imported:
        result.update(first_contact_figures(record))
    return result


def unlogged(record: Record, histories: Mapping[str, Iterable[tuple[date, str, str]]]) -> list[str]:
    """Entries the simulator logged that are missing from the account files, given each
    file's history as (date, kind, summary) triples: empty when the files agree."""
    missing: list[str] = []
    pools: dict[str, list[tuple[date, str, str]]] = {s: list(h) for s, h in histories.items()}
    for entry in record.logged:
        key = (entry.day, entry.kind, entry.summary)
        pool = pools.get(entry.slug, [])
        if key in pool:
            pool.remove(key)
        else:
            missing.append(f"{entry.slug}: {entry.day} {entry.kind} {entry.summary!r}")
    return missing
