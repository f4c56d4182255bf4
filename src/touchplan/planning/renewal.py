"""Renewals: THE one reading of where an account's renewal stands, for `today`, `renewals`
and `report` alike.

The conversation starts ``renewal.lead`` days before the contract's renewal date (60 by
default), escalating at each of ``renewal.escalate`` days before it (30, 14). Once under
way (a `renewal` entry with a stage, or the renewal item closed by id) it comes back on a
rhythm until it is signed (`--renewal-date`: the date moves and the next cycle starts
from it) or lost (`touchplan lost`). A date that passes with neither has lapsed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from touchplan.config import Policy
from touchplan.model import Account, ItemKind, Status, TouchKind
from touchplan.planning.walk import (
    Opened,
    Walk,
    commitment_day,
    days_text,
    effective_renewal,
    fmt,
    plus,
    renewal_key,
    walk_history,
)

NOT_STARTED = "not started"
LAPSED = "lapsed"
RENEWED = "renewed"
LOST = "lost"


@dataclass(frozen=True)
class RenewalState:
    """THE one reading of where an account's renewal stands (today, renewals, report)."""

    renewal: date
    window_start: date  # the conversation should start by then (a working day)
    days_left: int
    stage: str  # the escalation stage: "60", "30", "14" (lead and escalations) or "lapsed"
    progress: str  # not started, conversation, proposal, verbal, lapsed
    last_progress: date | None
    due: date  # when the renewal item is next due
    started: bool  # has the conversation started for this date
    rhythm: int = 0  # days between touches while in progress


# The last reading made from a walk: a plan asks it again and again of one walk (the
# renewal item, the renewals listing, the report's pipeline). It holds the account and
# the walk it was read from, so the same objects mean the same answer (a walk is not
# changed once walked).
_last_state: list[tuple[Account, Policy, date, Walk, RenewalState | None]] = []


def renewal_state(
    account: Account, policy: Policy, today: date, walk: Walk | None = None
) -> RenewalState | None:
    """Where the renewal stands, or None when there is none to work (no date, or lost)."""
    if walk is None:
        return _renewal_state(account, policy, today, walk_history(account, policy, today))
    if _last_state:
        was, rules, day, walked, state = _last_state[0]
        if was is account and walked is walk and day == today and rules is policy:
            return state
    state = _renewal_state(account, policy, today, walk)
    _last_state[:] = [(account, policy, today, walk, state)]
    return state


def _renewal_state(
    account: Account, policy: Policy, today: date, walk: Walk
) -> RenewalState | None:
    renewal = effective_renewal(account)
    if renewal is None or account.status is Status.LOST:
        return None
    left = (renewal - today).days
    window_start = policy.previous_working_day(plus(renewal, -policy.renewal_lead))
    progress = walk.renewal
    stage = str(policy.renewal_lead)
    for threshold in policy.renewal_escalate:
        if left <= threshold:
            stage = str(threshold)
    if left < 0:
        return RenewalState(
            renewal,
            window_start,
            left,
            LAPSED,
            LAPSED,
            progress.last,
            renewal,
            progress.last is not None,
        )
    if progress.last is not None and progress.stage is not None:
        # again in a quarter of the time that was left: a slow start far out, a quick
        # rhythm near the date, never more than `rhythm` nor less than `rhythm_close`
        left_then = (renewal - progress.last).days
        gap = min(policy.renewal_rhythm, max(policy.renewal_rhythm_close, left_then // 4))
        due = max(
            commitment_day(policy, plus(progress.last, gap), plus(progress.last, 1)),
            window_start,
        )
        # an escalation falling before that is a milestone to keep on its day, and so
        # is the date itself: the last day to sign, never left to pass between touches
        for threshold in (*sorted(policy.renewal_escalate, reverse=True), 0):
            milestone = commitment_day(policy, plus(renewal, -threshold), window_start)
            if progress.last < milestone < due:
                due = milestone
                break
        return RenewalState(
            renewal, window_start, left, stage, progress.stage.value, progress.last, due, True,
            rhythm=gap,
        )  # fmt: skip
    return RenewalState(
        renewal, window_start, left, stage, "not started", None, window_start, False
    )


def _milestone_reason(policy: Policy, state: RenewalState) -> str:
    """Why the renewal comes back before its rhythm: an escalation, or the date itself."""
    if state.due >= commitment_day(policy, state.renewal, state.window_start):
        return f"the renewal date ({fmt(state.renewal)}) comes before the next touch: kept"
    return (
        f"the {(state.renewal - state.due).days}-day escalation comes before the next touch: "
        "kept on its day"
    )


def renewal_item(
    account: Account, policy: Policy, today: date, walk: Walk, explain: bool
) -> Opened | None:
    state = renewal_state(account, policy, today, walk)
    if state is None:
        return None
    key = renewal_key(account.slug, state.renewal)
    reasons: list[str] = []
    left = state.days_left
    # the last day to sign says so: "Renewal today", "renewal on ...; today"
    when, remaining = (
        ("today", "today") if left == 0 else (f"in {days_text(left)}", f"{days_text(left)} left")
    )
    if state.progress == "lapsed":
        action = f"Renewal lapsed {days_text(-left)} ago: renew or mark lost"
        if explain:
            reasons = [
                f"renewal on {fmt(state.renewal)}",
                f"the date passed {days_text(-left)} ago, neither signed nor marked lost",
            ]
    elif state.started:
        assert state.last_progress is not None
        milestone = state.due < plus(state.last_progress, state.rhythm)
        action = f"Renewal {when} ({state.progress}): " + (
            "escalate, push for a decision" if milestone else "keep it moving"
        )
        if explain:
            reasons = [
                f"renewal on {fmt(state.renewal)}; {remaining}",
                f"last progress {fmt(state.last_progress)} ({state.progress})",
                _milestone_reason(policy, state)
                if milestone
                else f"again after a quarter of the time left: {days_text(state.rhythm)}",
            ]
    else:
        first = state.stage == str(policy.renewal_lead)
        action = f"Renewal {when}: {'start the conversation' if first else 'escalate'}"
        if explain:
            reasons = [
                f"renewal on {fmt(state.renewal)}; {remaining}",
                f"the conversation starts {policy.renewal_lead} days ahead "
                f"({fmt(state.window_start)}); not started yet",
            ]
    return Opened(
        ItemKind.RENEWAL,
        action,
        state.due,
        state.window_start,
        reasons,
        "renewal",
        key,
        deferral=walk.cadence_deferrals.get(key),
        stage=state.stage,
        progress=state.progress,
    )


# -- the renewals listing -------------------------------------------------------------------

AHEAD = "ahead"  # the renewal's next step is not due yet


@dataclass(frozen=True)
class RenewalStatus:
    """One account's renewal as `renewals` and `report` list it."""

    account: Account
    renewal: date
    days_left: int
    stage: (
        str  # the escalation stage once its work is due ("60", "30", "14", "lapsed"), else "ahead"
    )
    started: bool  # has the conversation started for this date
    progress: str  # not started, conversation, proposal, verbal, lapsed, renewed, lost
    next_due: date  # when the renewal item is next due (renewed, lost: the day it ended)
    next_step: str  # what to do then


def renewal_status(
    account: Account, policy: Policy, today: date, walk: Walk | None = None
) -> RenewalStatus | None:
    """The account's renewal (None without a renewal date, or lost). ``walk``: the
    account's `walk_history` on ``today``, when the caller has made it already."""
    walk = walk or walk_history(account, policy, today)
    state = renewal_state(account, policy, today, walk)
    opened = renewal_item(account, policy, today, walk, explain=False)
    if state is None or opened is None:
        return None
    due = policy.next_working_day(state.due) if state.due != state.renewal else state.due
    return RenewalStatus(
        account,
        state.renewal,
        state.days_left,
        state.stage if due <= today else AHEAD,
        state.started,
        state.progress,
        due,
        opened.action,
    )


def closed_renewal(account: Account, policy: Policy, today: date) -> RenewalStatus | None:
    """A renewal that ended in the last ``renewal.lead`` days: signed (`renewed`) or the
    customer lost (`lost`), so the listing still shows how this cycle ended."""
    since = today.toordinal() - policy.renewal_lead
    ending = None
    for touch in account.history:
        signed = touch.kind is TouchKind.RENEWAL and touch.renewal is not None
        if (signed or touch.kind is TouchKind.LOST) and since <= touch.date.toordinal() <= (
            today.toordinal()
        ):
            ending = touch
    renewal = effective_renewal(account)
    if ending is None or renewal is None:
        return None
    if ending.kind is TouchKind.LOST:
        if account.status is not Status.LOST:
            return None
        step = f"Lost on {fmt(ending.date)}" + (f": {ending.summary}" if ending.summary else "")
        return RenewalStatus(
            account, renewal, (renewal - today).days, LOST, True, LOST, ending.date, step
        )
    step = f"Signed on {fmt(ending.date)}; renewal date now {fmt(renewal)}"
    return RenewalStatus(
        account, renewal, (renewal - today).days, RENEWED, True, RENEWED, ending.date, step
    )


def renewals_within(
    accounts: Iterable[Account], policy: Policy, today: date, horizon: int
) -> list[RenewalStatus]:
    """Active accounts renewing within ``horizon`` days (and lapsed ones), soonest first;
    then the renewals signed or lost in the last ``renewal.lead`` days."""
    found = []
    ended = []
    for account in accounts:
        renewal = effective_renewal(account)
        status = None
        if account.status is Status.ACTIVE and renewal and (renewal - today).days <= horizon:
            status = renewal_status(account, policy, today)
        if status is not None:
            found.append(status)
        elif (closed := closed_renewal(account, policy, today)) is not None:
            ended.append(closed)
    found.sort(key=lambda s: (s.renewal, s.account.slug))
    ended.sort(key=lambda s: (s.next_due, s.account.slug))
    return found + ended
