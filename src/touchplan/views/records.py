"""Every JSON and CSV record touchplan prints, in one place. No Rich here.

The keys are a promise (documented in the README): add keys, never rename or drop
one. Dates are ISO strings, user text is passed as it is (`output` makes it inert).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from touchplan.model import Account, Contact, Item, Touch, TouchKind
from touchplan.planning.people import ask_for

if TYPE_CHECKING:  # the results' types only: a command loads the planning it uses
    from touchplan.planning.renewal import RenewalStatus
    from touchplan.planning.report import Group, Report
    from touchplan.planning.tiers import TierPlan, TierRow
    from touchplan.planning.week import PlannedItem, WeekPlan

# -- items, accounts, the daily plan ------------------------------------------------------

TODAY_CSV = (
    "account",
    "name",
    "tier",
    "owner",
    "kind",
    "action",
    "due",
    "overdue_days",
    "score",
    "reasons",
    "contact",
    "last_touch",
    "file",
)
WEEK_CSV = ("day", "carried_from", *TODAY_CSV)


def contact_record(contact: Contact | None) -> dict[str, str] | None:
    if contact is None:
        return None
    return {
        "name": contact.name,
        "role": contact.role,
        "phone": contact.phone,
        "email": contact.email,
    }


def touch_record(touch: Touch | None) -> dict[str, str] | None:
    if touch is None:
        return None
    return {"date": touch.date.isoformat(), "kind": touch.kind.value, "summary": touch.summary}


def item_record(item: Item, account: Account, today: date) -> dict[str, Any]:
    """One item, with the keys the README's "JSON output" section promises."""
    return {
        "account": account.slug,
        "name": account.name,
        "tier": account.tier.value,
        "owner": account.owner,
        "kind": item.kind.value,
        "action": item.action,
        "due": item.due.isoformat(),
        "overdue_days": item.overdue_days(today),
        "score": item.score,
        "reasons": list(item.reasons),
        "contact": contact_record(ask_for(item, account)),
        "last_touch": touch_record(account.last_touch()),
        "file": account.file,
        "stage": item.stage or None,
    }


def today_record(
    today: date, items: Sequence[Item], more: int, accounts: dict[str, Account], skipped: list[str]
) -> dict[str, Any]:
    return {
        "date": today.isoformat(),
        "items": [item_record(i, accounts[i.account], today) for i in items],
        "more": more,
        "skipped": skipped,
    }


def account_record(account: Account, items: Sequence[Item], today: date) -> dict[str, Any]:
    return {
        "account": account.slug,
        "name": account.name,
        "tier": account.tier.value,
        "owner": account.owner,
        "status": account.status.value,
        "snooze": {"until": account.snooze.until.isoformat(), "reason": account.snooze.reason}
        if account.snooze
        else None,
        "since": account.since.isoformat() if account.since else None,
        "renewal": account.renewal.isoformat() if account.renewal else None,
        "value": account.value,
        "relationship": account.relationship.value if account.relationship else None,
        "tags": list(account.tags),
        "notes": account.notes,
        "contacts": [contact_record(c) for c in account.contacts],
        "file": account.file,
        "items": [item_record(i, account, today) for i in items],
        "history": [
            {
                "date": t.date.isoformat(),
                "kind": t.kind.value,
                "with": t.with_,
                "summary": t.summary,
                "next": {"date": t.next.due.isoformat(), "action": t.next.action}
                if t.next
                else None,
                "problem": t.problem or None,
                "resolved": t.resolved,
                "done": t.done,
                "renewal": t.renewal.isoformat() if t.renewal else None,
            }
            for t in account.history
        ],
    }


def show_record(account: Account, items: Sequence[Item], today: date) -> dict[str, Any]:
    """`show --format json`: the day, then the account."""
    return {"date": today.isoformat(), **account_record(account, items, today)}


def why_record(account: Account, items: Sequence[Item], today: date) -> dict[str, Any]:
    return {
        "date": today.isoformat(),
        "account": account.slug,
        "items": [
            {
                **item_record(item, account, today),
                "terms": [
                    {"term": t.label, "measure": t.measure, "weight": t.weight, "value": t.value}
                    for t in item.terms
                ],
            }
            for item in items
        ],
    }


def planned_record(p: PlannedItem, accounts: dict[str, Account]) -> dict[str, Any]:
    return {
        **item_record(p.item, accounts[p.item.account], p.day),
        "day": p.day.isoformat(),
        "carried_from": p.carried_from.isoformat() if p.carried_from else None,
    }


def week_record(plan: WeekPlan, accounts: dict[str, Account], today: date) -> dict[str, Any]:
    return {
        "date": today.isoformat(),
        "days": [
            {
                "date": day.isoformat(),
                "items": [planned_record(p, accounts) for p in plan.planned if p.day == day],
            }
            for day in plan.days
        ],
        "left_over": [item_record(i, accounts[i.account], plan.days[-1]) for i in plan.left_over],
    }


# -- renewals -------------------------------------------------------------------------

RENEWALS_CSV = (
    "account",
    "name",
    "tier",
    "owner",
    "renewal",
    "days_left",
    "stage",
    "value",
    "started",
    "last_touch",
    "file",
)


def renewal_records(renewals: Iterable[RenewalStatus]) -> list[dict[str, Any]]:
    return [
        {
            "account": r.account.slug,
            "name": r.account.name,
            "tier": r.account.tier.value,
            "owner": r.account.owner,
            "renewal": r.renewal.isoformat(),
            "days_left": r.days_left,
            "stage": r.stage,
            "value": r.account.value,
            "last_touch": touch_record(r.account.last_touch()),
            "started": r.started,
            "file": r.account.file,
        }
        for r in renewals
    ]


def renewals_record(rows: list[dict[str, Any]], today: date, within: int) -> dict[str, Any]:
    """`renewals --format json`: the rows of `renewal_records` in their window."""
    return {"date": today.isoformat(), "within_days": within, "renewals": rows}


# -- the manager's report ---------------------------------------------------------------


def group_record(group: Group) -> dict[str, Any]:
    return {
        "group": group.key,
        "accounts": group.accounts,
        "planned": group.planned,
        "snoozed": group.snoozed,
        "lost": group.lost,
        "covered": group.covered,
        "coverage": group.coverage,
        "overdue_items": group.overdue_items,
        "neglected_a": group.neglected_a,
        "open_problems": group.open_problems,
        "renewals": group.renewals,
        "renewal_value": group.renewal_value,
        "touches": {kind.value: group.touches.get(kind.value, 0) for kind in TouchKind},
        "touches_total": sum(group.touches.values()),
    }


def report_record(report: Report) -> dict[str, Any]:
    """The report as documented JSON: ISO dates, one object per group, `total` for all."""
    return {
        "date": report.today.isoformat(),
        "from": report.start.isoformat(),
        "by": report.by,
        "renewal_window_days": report.renewal_window,
        "groups": [group_record(g) for g in report.groups],
        "total": group_record(report.total),
        "neglected": [
            {
                "account": n.account.slug,
                "name": n.account.name,
                "tier": n.account.tier.value,
                "owner": n.account.owner,
                "last_contact": n.last_contact.isoformat() if n.last_contact else None,
                "days_since": n.days,
                "limit_days": n.limit,
                "file": n.account.file,
            }
            for n in report.neglected
        ],
        "renewals": [
            {
                "account": r.account.slug,
                "name": r.account.name,
                "tier": r.account.tier.value,
                "owner": r.account.owner,
                "renewal": r.renewal.isoformat(),
                "days_left": r.days_left,
                "stage": r.stage,
                "value": r.account.value,
                "file": r.account.file,
            }
            for r in report.renewals
        ],
    }


REPORT_CSV = (
    "group",
    "accounts",
    "planned",
    "snoozed",
    "lost",
    "covered",
    "coverage",
    "overdue_items",
    "neglected_a",
    "open_problems",
    "renewals",
    "renewal_value",
    "touches_total",
    *(f"touches_{kind.value}" for kind in TouchKind),
)


def report_csv_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per group and a last row `all`, touches spread over columns."""
    rows = []
    for group in [*data["groups"], data["total"]]:
        row = {k: v for k, v in group.items() if k != "touches"}
        row.update({f"touches_{k}": v for k, v in group["touches"].items()})
        rows.append(row)
    return rows


# -- tiers by value (80/20) ------------------------------------------------------------

TIERS_CSV = (
    "rank",
    "account",
    "name",
    "owner",
    "value",
    "share",
    "cumulative",
    "tier",
    "suggested",
    "change",
    "file",
)


def tier_row_record(row: TierRow) -> dict[str, Any]:
    a = row.account
    return {
        "rank": row.rank,
        "account": a.slug,
        "name": a.name,
        "owner": a.owner,
        "value": a.value,
        "share": round(float(row.share) * 100, 2),
        "cumulative": round(float(row.cumulative) * 100, 2),
        "tier": a.tier.value,
        "suggested": row.suggested.value,
        "change": row.changes,
        "file": a.file,
    }


def tiers_record(plan: TierPlan, applied: bool, failed: Collection[str] = ()) -> dict[str, Any]:
    """The Pareto table; with ``applied``, each change says whether it was written
    (``failed`` names the files that could not be edited)."""
    return {
        "thresholds": {"A": float(plan.thresholds.a), "B": float(plan.thresholds.b)},
        "total_value": float(plan.total),
        "accounts": [tier_row_record(r) for r in plan.rows],
        "changes": [
            {
                "account": r.account.slug,
                "from": r.account.tier.value,
                "to": r.suggested.value,
                "file": r.account.file,
                "applied": applied and r.account.file not in failed,
            }
            for r in plan.changes
        ],
        "without_value": [a.slug for a in plan.without_value],
        "applied": applied,
    }


# -- doctor ---------------------------------------------------------------------------


class CheckResult(Protocol):
    """One `doctor` check (connect.git.Check)."""

    @property
    def name(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def detail(self) -> str: ...
    @property
    def fix(self) -> str: ...


DOCTOR_CSV = ("name", "ok", "detail", "fix")


def check_record(check: CheckResult) -> dict[str, Any]:
    return {"name": check.name, "ok": check.ok, "detail": check.detail, "fix": check.fix}


def doctor_record(checks: Sequence[CheckResult]) -> dict[str, Any]:
    return {"ok": all(c.ok for c in checks), "checks": [check_record(c) for c in checks]}
