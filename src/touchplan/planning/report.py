"""The manager's report: coverage, neglect, problems, renewals and touches, per owner or tier.

Everything here is figured from the same rules as `today` (`plan_account`), so the
report and the daily plan never disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from touchplan.config import Policy
from touchplan.dates import EARLIEST, parse_date, parse_days
from touchplan.errors import UsageError
from touchplan.model import Account, ItemKind, Status, Tier
from touchplan.planning.renewal import LAPSED, RenewalStatus, renewal_status
from touchplan.planning.schedule import is_planned, plan_account
from touchplan.planning.walk import plus

RENEWAL_WINDOW = 90  # days ahead the report lists renewals


@dataclass
class Group:
    """One row of the report: an owner's or a tier's accounts."""

    key: str
    accounts: int = 0  # every account not marked lost
    planned: int = 0  # of those, not snoozed: what coverage is measured on
    snoozed: int = 0
    lost: int = 0
    covered: int = 0  # planned accounts whose regular touch is not overdue
    overdue_items: int = 0
    neglected_a: int = 0
    open_problems: int = 0
    renewals: int = 0  # renewals within RENEWAL_WINDOW days, and lapsed ones
    renewal_value: float = 0.0
    touches: Counter[str] = field(default_factory=Counter)  # logged in the period, by kind

    @property
    def coverage(self) -> float | None:
        """Percent of planned accounts touched within their cadence."""
        return round(100 * self.covered / self.planned, 1) if self.planned else None


@dataclass(frozen=True)
class Neglected:
    account: Account
    last_contact: date | None
    days: int | None  # since the last contact (or `since`); None: never contacted
    limit: int  # 2 × the tier's cadence


@dataclass
class Report:
    today: date
    start: date  # first day of the period whose touches are counted
    by: str  # owner | tier
    groups: list[Group]
    total: Group
    neglected: list[Neglected]
    renewals: list[RenewalStatus]
    renewal_window: int = RENEWAL_WINDOW  # days ahead `renewals` reaches


def period_start(text: str, today: date) -> date:
    """``--since``: ``90d`` / ``8w`` / ``3m`` back from today, or a date (``2026-09-01``,
    ``-3m``); never after today."""
    try:
        start = max(EARLIEST, plus(today, -parse_days(text, "--since")))  # 99999m: all
    except UsageError:
        start = parse_date(text, today, "--since")
    if start > today:
        raise UsageError(f"--since {start.isoformat()} is after {today.isoformat()}")
    return start


def _renewal(account: Account, policy: Policy, today: date) -> RenewalStatus | None:
    """The account's renewal when it falls within the window or has lapsed."""
    status = renewal_status(account, policy, today)
    if status and (status.stage == LAPSED or 0 <= status.days_left <= RENEWAL_WINDOW):
        return status
    return None


def _neglected(account: Account, policy: Policy, today: date) -> Neglected | None:
    """An A account with no contact in twice its tier's cadence."""
    every = policy.touch_every.get(Tier.A)
    if account.tier is not Tier.A or not every:
        return None
    last = account.last_touch()
    anchor = last.date if last else account.since
    days = (today - anchor).days if anchor else None
    if days is None or days > 2 * every:
        return Neglected(account, last.date if last else None, days, 2 * every)
    return None


def _group_order(by: str, key: str) -> tuple[int, str]:
    if by == "tier":
        return (0, key)
    return (1 if not key else 0, key.casefold())  # accounts without an owner last


def build_report(
    accounts: Iterable[Account], policy: Policy, today: date, start: date, by: str = "owner"
) -> Report:
    """Coverage, neglect, problems, renewals and logged touches, per owner or tier.

    Items come from `plan_account`, so the report follows the same rules as `today`.
    Lost accounts count only under `lost` and for the touches logged; snoozed ones are
    left out of coverage, neglect, overdue items and problems.
    """
    groups: dict[str, Group] = {}
    total = Group("all")
    neglected: list[Neglected] = []
    renewals: list[RenewalStatus] = []
    for account in accounts:
        key = account.tier.value if by == "tier" else account.owner
        rows = (groups.setdefault(key, Group(key)), total)
        touches = Counter(t.kind.value for t in account.history if start <= t.date <= today)
        for row in rows:
            row.touches.update(touches)
        if account.status is Status.LOST:
            for row in rows:
                row.lost += 1
            continue
        items = plan_account(account, policy, today)
        renewal = _renewal(account, policy, today)
        planned = is_planned(account, today)
        lapse = _neglected(account, policy, today) if planned else None
        touch = next((i for i in items if i.kind is ItemKind.TOUCH), None)
        covered = (touch is None or touch.overdue_days(today) <= 0) and bool(
            account.last_touch() or account.since
        )
        if renewal:
            renewals.append(renewal)
        if lapse:
            neglected.append(lapse)
        for row in rows:
            row.accounts += 1
            if renewal:
                row.renewals += 1
                row.renewal_value += account.value or 0.0
            if not planned:
                row.snoozed += 1
                continue
            row.planned += 1
            row.covered += covered
            row.overdue_items += sum(1 for i in items if i.overdue_days(today) > 0)
            row.open_problems += sum(1 for i in items if i.kind is ItemKind.PROBLEM)
            row.neglected_a += lapse is not None
    neglected.sort(key=lambda n: (-(n.days if n.days is not None else 10**9), n.account.slug))
    renewals.sort(key=lambda r: (r.days_left, r.account.slug))
    ordered = sorted(groups.values(), key=lambda g: _group_order(by, g.key))
    return Report(today, start, by, ordered, total, neglected, renewals)
