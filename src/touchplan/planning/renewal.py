"""Renewals: the one place that decides a renewal's stage and whether work on it began.

Work on a renewal starts ``renewal.lead`` days before the contract's renewal date (60
by default) and is escalated at each of ``renewal.escalate`` days before it (30, 14).
A ``renewal`` entry logged since the window opened means it was renewed; once the date
passes without one, it has lapsed. `today` plans the open stage as an item, and
`renewals` and `report` show the same stage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from touchplan.config import Policy
from touchplan.model import Account, Status, TouchKind

LAPSED = "lapsed"
AHEAD = "ahead"  # the current stage's work is not due yet
RENEWED = "renewed"  # a renewal was logged for this date


@dataclass(frozen=True)
class OpenRenewal:
    """The renewal work an account has open on a day."""

    renewal: date
    opened: date  # the day the renewal window opened
    stage: str  # days before the date ("60", "30", "14"), or "lapsed"
    raw_due: date  # when this stage's work fell due (before moving to a working day)
    days_left: int  # negative once the date has passed


def window_start(renewal: date, policy: Policy) -> date:
    return renewal - timedelta(days=policy.renewal_lead)


def open_renewal(account: Account, policy: Policy, today: date) -> OpenRenewal | None:
    """The open stage; None without a renewal date or once it was renewed."""
    renewal = account.renewal
    if renewal is None:
        return None
    start = window_start(renewal, policy)
    if any(t.kind is TouchKind.RENEWAL and t.date >= start for t in account.history):
        return None  # renewed for this date (or a renewal logged for it)
    left = (renewal - today).days
    if left < 0:
        return OpenRenewal(renewal, start, LAPSED, renewal, left)
    stage, raw_due = str(policy.renewal_lead), start
    for threshold in policy.renewal_escalate:
        if left <= threshold:
            # each escalation makes the renewal due afresh, from that stage's start
            stage, raw_due = str(threshold), renewal - timedelta(days=threshold)
    return OpenRenewal(renewal, start, stage, raw_due, left)


def renewal_stage(account: Account, policy: Policy, today: date) -> str:
    """The stage once its work is due ("60", "30", "14", "lapsed"), else "ahead", or
    "renewed" once a renewal was logged."""
    found = open_renewal(account, policy, today)
    if found is None:
        return RENEWED
    return found.stage if policy.next_working_day(found.raw_due) <= today else AHEAD


def renewal_started(account: Account, policy: Policy) -> bool:
    """Whether any contact was logged since the renewal window opened."""
    if account.renewal is None:
        return False
    start = window_start(account.renewal, policy)
    return any(t.is_contact and t.date >= start for t in account.history)


@dataclass(frozen=True)
class RenewalStatus:
    """One account's renewal as `renewals` and `report` list it."""

    account: Account
    renewal: date
    days_left: int
    stage: str
    started: bool


def renewal_status(account: Account, policy: Policy, today: date) -> RenewalStatus | None:
    """The account's renewal (None without a renewal date)."""
    if account.renewal is None:
        return None
    return RenewalStatus(
        account,
        account.renewal,
        (account.renewal - today).days,
        renewal_stage(account, policy, today),
        renewal_started(account, policy),
    )


def renewals_within(
    accounts: Iterable[Account], policy: Policy, today: date, horizon: int
) -> list[RenewalStatus]:
    """Active accounts renewing within ``horizon`` days (and lapsed ones), soonest first."""
    chosen = [
        a
        for a in accounts
        if a.status is Status.ACTIVE
        and a.renewal is not None
        and (a.renewal - today).days <= horizon
    ]
    found = [s for a in chosen if (s := renewal_status(a, policy, today)) is not None]
    found.sort(key=lambda s: (s.renewal, s.account.slug))
    return found
