"""Every JSON and CSV record touchplan prints, in one place. No Rich here.

The keys are a promise (documented in the README): add keys, never rename or drop
one. Dates are ISO strings, user text is passed as it is (`output` makes it inert).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from touchplan.model import Account, ClosedItem, Contact, Item, Touch, TouchKind
from touchplan.planning.people import ask_for

if TYPE_CHECKING:  # the results' types only: a command loads the planning it uses
    from touchplan.planning.calls import Call
    from touchplan.planning.relations import Relations
    from touchplan.planning.renewal import RenewalStatus
    from touchplan.planning.report import Group, Report
    from touchplan.planning.tiers import TierPlan, TierRow
    from touchplan.planning.week import WeekPlan
    from touchplan.planning.workload import Workload

# -- items, accounts, the daily plan ------------------------------------------------------

TODAY_CSV = (
    "rank",
    "id",
    "class",
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
    "mode",
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
        "id": item.id,
        "class": item.cls.value,
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
        "progress": item.progress or None,
        "booked": item.booked.value if item.booked else None,
        "deferred": {
            "until": item.deferred.until.isoformat(),
            "reason": item.deferred.reason,
            "on": item.deferred.on.isoformat(),
        }
        if item.deferred
        else None,
    }


def call_record(rank: int, call: Call, account: Account, today: date) -> dict[str, Any]:
    """One call: the account, how to reach it, and its agenda (`items`: what is due and
    what it settles early; `upcoming`: cadence work due soon that it settles too)."""
    agenda = call.items + call.early
    return {
        "rank": rank,
        "account": account.slug,
        "name": account.name,
        "tier": account.tier.value,
        "owner": account.owner,
        "mode": call.mode,
        "score": call.score,
        "contact": contact_record(ask_for(agenda[0], account)),
        "last_touch": touch_record(account.last_touch()),
        "file": account.file,
        "items": [item_record(i, account, today) for i in agenda],
        "upcoming": [item_record(i, account, today) for i in call.upcoming],
    }


def call_rows(
    calls: Sequence[Call], accounts: dict[str, Account], today: date
) -> list[dict[str, Any]]:
    """CSV: one row per agenda item, with its call's rank and mode."""
    return [
        {**item_record(i, accounts[c.account], today), "rank": n, "mode": c.mode}
        for n, c in enumerate(calls, 1)
        for i in c.items + c.early
    ]


def today_record(
    today: date,
    calls: Sequence[Call],
    more_calls: int,
    more: int,
    accounts: dict[str, Account],
    skipped: list[str],
    workload: tuple[float, int] | None = None,
) -> dict[str, Any]:
    """`today --format json`: the calls shown, and the items of those calls; and
    ``workload``: the calls a working day the book needs, and the capacity."""
    shown = [call_record(n, c, accounts[c.account], today) for n, c in enumerate(calls, 1)]
    record = {
        "date": today.isoformat(),
        "calls": shown,
        "more_calls": more_calls,
        "items": [item for call in shown for item in call["items"]],
        "more": more,
        "skipped": skipped,
    }
    if workload is not None:
        record["workload"] = {"needed": workload[0], "capacity": workload[1]}
    return record


def closed_record(closed: ClosedItem, account: Account, today: date) -> dict[str, Any]:
    """An item that left the plan: done (by what) or missed (its window passed)."""
    return {**item_record(closed.item, account, today), "how": closed.how,
            "on": closed.on.isoformat(), "by": closed.by or None}  # fmt: skip


def relations_record(relations: Relations) -> dict[str, Any]:
    """`show`'s `ratings`, `rating_trend` and `stakeholders` (coverage) keys."""
    trend, cover = relations.trend, relations.coverage
    return {
        "ratings": [
            {"date": r.date.isoformat(), "rating": r.rating, "summary": r.summary, "with": r.with_}
            for r in trend.ratings
        ],
        "rating_trend": {
            "latest": trend.latest.rating if trend.latest else None,
            "previous": trend.previous.rating if trend.previous else None,
            "change": trend.change,
            "trend": trend.trend,
            "dropped": trend.dropped,
        },
        "stakeholders": {
            "within_days": cover.within,
            "single_threaded": cover.single_threaded,
            "touched": list(cover.touched),
            "people": [
                {
                    "name": p.name,
                    "role": p.role,
                    "last_touched": p.last_touched.isoformat() if p.last_touched else None,
                    "on_file": p.on_file,
                }
                for p in cover.people
            ],
        },
    }


def account_record(
    account: Account,
    items: Sequence[Item],
    today: date,
    closed: Sequence[ClosedItem] = (),
    relations: Relations | None = None,
) -> dict[str, Any]:
    touched = {p.name: p.last_touched for p in relations.coverage.people} if relations else {}
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
        "added": account.added.isoformat() if account.added else None,
        "renewal": account.renewal.isoformat() if account.renewal else None,
        "value": account.value,
        "relationship": account.relationship.value if account.relationship else None,
        "tags": list(account.tags),
        "domains": list(account.domains),
        "website": account.website or None,
        "notes": account.notes,
        "contacts": [
            {
                **(contact_record(c) or {}),
                "birthday": c.birthday or None,
                "last_touched": d.isoformat() if (d := touched.get(c.name)) else None,
            }
            for c in account.contacts
        ],
        "file": account.file,
        "items": [item_record(i, account, today) for i in items],
        "closed": [closed_record(c, account, today) for c in closed],
        **(relations_record(relations) if relations else {}),
        "history": [
            {
                "date": t.date.isoformat(),
                "kind": t.kind.value,
                "with": t.with_,
                "summary": t.summary,
                "next": {
                    "date": t.next.due.isoformat(),
                    "action": t.next.action,
                    "booked": t.next.booked.value if t.next.booked else None,
                }
                if t.next
                else None,
                "problem": t.problem or None,
                "resolved": t.resolved or bool(t.resolved_ids),
                "done": t.done or bool(t.done_ids),
                "renewal": t.renewal.isoformat() if t.renewal else None,
                "done_ids": list(t.done_ids),
                "resolved_ids": list(t.resolved_ids),
                "stage": t.stage.value if t.stage else None,
                "item": t.item or None,
                "until": t.until.isoformat() if t.until else None,
                "cancelled_ids": list(t.cancelled_ids),
                "ref": t.ref or None,
                "rating": t.rating,
            }
            for t in account.history
        ],
    }


def show_record(
    account: Account,
    items: Sequence[Item],
    today: date,
    closed: Sequence[ClosedItem] = (),
    relations: Relations | None = None,
) -> dict[str, Any]:
    """`show --format json`: the day, then the account."""
    return {
        "date": today.isoformat(),
        **account_record(account, items, today, closed, relations),
    }


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


def planned_rows(plan: WeekPlan, accounts: dict[str, Account]) -> list[dict[str, Any]]:
    """The week, one record per planned item: the item, its day and where it came from."""
    return [
        {
            **item_record(i, accounts[p.call.account], p.day),
            "day": p.day.isoformat(),
            "carried_from": p.carried_from.isoformat() if p.carried_from else None,
            "mode": p.call.mode,
        }
        for p in plan.planned
        for i in p.call.items + p.call.early
    ]


def week_record(plan: WeekPlan, accounts: dict[str, Account], today: date) -> dict[str, Any]:
    items = planned_rows(plan, accounts)
    return {
        "date": today.isoformat(),
        "days": [
            {
                "date": day.isoformat(),
                "calls": [
                    {
                        **call_record(n, p.call, accounts[p.call.account], day),
                        "carried_from": p.carried_from.isoformat() if p.carried_from else None,
                    }
                    for n, p in enumerate((p for p in plan.planned if p.day == day), 1)
                ],
                "items": [i for i in items if i["day"] == day.isoformat()],
            }
            for day in plan.days
        ],
        "left_over": [
            item_record(i, accounts[c.account], plan.days[-1])
            for c in plan.left_over
            for i in c.items + c.early
        ],
    }


# -- workload -------------------------------------------------------------------------


def workload_record(load: Workload, owner: str | None) -> dict[str, Any]:
    """`workload --format json`: the calls a working day the book needs, and what fits."""
    return {
        "date": load.date.isoformat(),
        "owner": owner,
        "capacity": load.capacity,
        "needed": load.needed,
        "over": load.over,
        "by_tier": [
            {"tier": t.tier.value, "accounts": t.accounts, "cadence": t.cadence, "calls": t.calls}
            for t in load.by_tier
        ],
        "by_kind": [{"kind": k.kind, "count": k.count, "calls": k.calls} for k in load.by_kind],
        "suggestions": [{"text": s.text, "accounts": list(s.accounts)} for s in load.suggestions],
    }


WORKLOAD_CSV = ("part", "name", "count", "cadence", "calls")


def workload_rows(load: Workload) -> list[dict[str, Any]]:
    """`workload --format csv`: one row per tier, then one per kind of work."""
    tiers = [
        {"part": "tier", "name": t.tier.value, "count": t.accounts, "cadence": t.cadence,
         "calls": t.calls}
        for t in load.by_tier
    ]  # fmt: skip
    kinds = [
        {"part": "kind", "name": k.kind, "count": k.count, "cadence": None, "calls": k.calls}
        for k in load.by_kind
    ]
    return tiers + kinds


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
    "progress",
    "next_due",
    "next_step",
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
            "progress": r.progress,
            "next_due": r.next_due.isoformat(),
            "next_step": r.next_step,
        }
        for r in renewals
    ]


def renewals_record(rows: list[dict[str, Any]], today: date, within: int) -> dict[str, Any]:
    """`renewals --format json`: the rows of `renewal_records` in their window."""
    return {"date": today.isoformat(), "within_days": within, "renewals": rows}


# -- the manager's report ---------------------------------------------------------------

# The scoreboard's keys in a group record, in order (the CSV columns after the old ones).
SCOREBOARD_KEYS = (
    "contacts",
    "renewals_due",
    "renewals_on_time",
    "renewals_late",
    "renewals_lapsed",
    "renewals_lost",
    "renewals_open",
    "renewals_started_ahead",
    "value_due",
    "value_renewed",
    "grr",
    "promises_due",
    "promises_on_time",
    "promises_late",
    "promises_open",
    "thank_yous_due",
    "thank_yous_on_time",
    "thank_yous_late",
    "thank_yous_missed",
    "thank_yous_open",
    "gap_checks_due",
    "gap_checks_done",
    "gap_checks_missed",
    "gap_checks_open",
    "problems_opened",
    "problems_resolved",
    "problems_median_days",
    "customers_lost",
    "planned_at_end",
    "within_cadence_at_end",
    "coverage_at_end",
)


def group_record(group: Group) -> dict[str, Any]:
    record: dict[str, Any] = {
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
        "rating_drops": group.rating_drops,
        "single_threaded": group.single_threaded,
        "renewals": group.renewals,
        "renewal_value": group.renewal_value,
        "touches": {kind.value: group.touches.get(kind.value, 0) for kind in TouchKind},
        "touches_total": sum(group.touches.values()),
    }
    computed = {
        "contacts": group.contacts,
        "grr": group.grr,
        "problems_median_days": group.median_days_to_resolve,
        "coverage_at_end": group.coverage_at_end,
    }
    for key in SCOREBOARD_KEYS:
        record[key] = computed[key] if key in computed else getattr(group, key)
    return record


def trend_record(group: Group) -> dict[str, Any]:
    return {
        "group": group.key,
        "planned": list(group.trend_planned),
        "covered": list(group.trend_covered),
        "coverage": group.trend_coverage(),
        "contacts": list(group.trend_contacts),
        "overdue_commitments": list(group.trend_overdue),
    }


def _who(row: Any) -> dict[str, Any]:
    return {"account": row.account, "name": row.name, "tier": row.tier, "owner": row.owner}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def report_record(report: Report) -> dict[str, Any]:
    """The report as documented JSON: ISO dates, one object per group, `total` for all."""
    return {
        "date": report.today.isoformat(),
        "from": report.period.start.isoformat(),
        "until": report.period.until.isoformat(),
        "quarter": report.period.quarter or None,
        "by": report.by,
        "renewal_window_days": report.renewal_window,
        "renewal_lead_days": report.renewal_lead,
        "weeks": len(report.weeks),
        "groups": [group_record(g) for g in report.groups],
        "total": group_record(report.total),
        "neglected": [
            {
                **_who(n),
                "last_contact": _iso(n.last_contact),
                "days_since": n.days,
                "limit_days": n.limit,
                "file": n.file,
            }
            for n in report.neglected
        ],
        "renewals": [
            {
                **_who(r),
                "renewal": r.renewal.isoformat(),
                "days_left": r.days_left,
                "stage": r.stage,
                "value": r.value,
                "file": r.file,
                "progress": r.progress,
            }
            for r in report.renewals
        ],
        "outcomes": [
            {
                **_who(o),
                "renewal": o.cycle.due.isoformat(),
                "estimated": o.cycle.estimated,
                "outcome": o.cycle.outcome,
                "closed": _iso(o.cycle.closed),
                "days_late": o.cycle.days_late,
                "signed_to": _iso(o.cycle.signed_to),
                "started_ahead": o.started_ahead,
                "reason": o.cycle.reason or None,
                "value": o.value,
                "file": o.file,
            }
            for o in report.outcomes
        ],
        "lost": [
            {
                **_who(loss),
                "date": loss.on.isoformat(),
                "reason": loss.reason,
                "value": loss.value,
                "file": loss.file,
            }
            for loss in report.losses
        ],
        "ratings": [
            {
                **_who(r),
                "rating": r.rating,
                "date": r.on.isoformat(),
                "previous": r.previous,
                "change": r.change,
                "trend": r.trend,
                "dropped": r.dropped,
                "comment": r.comment,
                "file": r.file,
            }
            for r in report.rated
        ],
        "single_threaded": [
            {**_who(t), "touched": t.person, "within_days": t.within, "file": t.file}
            for t in report.threaded
        ],
        "trends": {
            "weeks": [end.isoformat() for end in report.weeks],
            "groups": [trend_record(g) for g in report.groups],
            "total": trend_record(report.total),
        },
        "pipeline": [
            {
                "month": month,
                "renewals": sum(n for n, _value in cells.values()),
                "value": sum(value for _n, value in cells.values()),
                "progress": {
                    progress: {"renewals": n, "value": value}
                    for progress, (n, value) in cells.items()
                },
            }
            for month, cells in report.pipeline
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
    *SCOREBOARD_KEYS,
    # added later: new columns go last, so a column's position never changes
    "rating_drops",
    "single_threaded",
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
        "value": row.value,
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
        "by": plan.thresholds.by,
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
