"""Tables and JSON-ready dicts. The only module that imports rich.

User data is never markup: every value goes through ``safe()``, which strips control
characters and wraps the text in ``rich.text.Text``. Nothing here computes dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from touchplan.errors import Problem
from touchplan.model import Account, Contact, Item, Touch
from touchplan.schedule import PlannedItem, WeekPlan
from touchplan.text import for_display

KIND_STYLE = {
    "problem": "bold red",
    "renewal": "bold magenta",
    "follow-up": "cyan",
    "gap-check": "cyan",
    "thank-you": "green",
    "review": "blue",
    "visit": "blue",
    "touch": "",
}


def safe(value: object, style: str = "", *, multiline: bool = True) -> Text:
    """Data as inert text: no markup, no escapes, no control characters."""
    return Text(for_display("" if value is None else value, multiline=multiline), style=style)


def stdout_console() -> Console:
    return Console(highlight=False, emoji=False, markup=False)


def stderr_console() -> Console:
    # diagnostics are lines to grep, never wrapped to the terminal's width
    return Console(stderr=True, highlight=False, emoji=False, markup=False, soft_wrap=True)


def weekday(day: date) -> str:
    return day.strftime("%a")


def due_text(item: Item, today: date) -> Text:
    days = item.overdue_days(today)
    if days > 0:
        return Text(f"{item.due.isoformat()}\n{days} d late", style="red" if days > 7 else "yellow")
    if days == 0:
        return Text(f"{item.due.isoformat()}\ntoday", style="bold")
    return Text(f"{item.due.isoformat()}\nin {-days} d")


# -- who to ask for, what was said ----------------------------------------------------


def ask_for(item: Item, account: Account) -> Contact | None:
    """The contact the item names, else the account's first contact."""
    if item.contact:
        known = account.contact_named(item.contact)
        return known or Contact(item.contact)
    if account.contacts:
        return account.contacts[0]
    return None


def contact_json(contact: Contact | None) -> dict[str, str] | None:
    if contact is None:
        return None
    return {
        "name": contact.name,
        "role": contact.role,
        "phone": contact.phone,
        "email": contact.email,
    }


def touch_json(touch: Touch | None) -> dict[str, str] | None:
    if touch is None:
        return None
    return {"date": touch.date.isoformat(), "kind": touch.kind.value, "summary": touch.summary}


def item_json(item: Item, account: Account, today: date) -> dict[str, Any]:
    """One item, with the keys PRODUCT.md promises (documented in the README)."""
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
        "contact": contact_json(ask_for(item, account)),
        "last_touch": touch_json(account.last_touch()),
        "file": account.file,
        "stage": item.stage or None,
    }


def today_json(
    today: date, items: Sequence[Item], more: int, accounts: dict[str, Account], skipped: list[str]
) -> dict[str, Any]:
    return {
        "date": today.isoformat(),
        "items": [item_json(i, accounts[i.account], today) for i in items],
        "more": more,
        "skipped": skipped,
    }


def contact_cell(contact: Contact | None) -> Text:
    if contact is None:
        return Text("—", style="dim")
    cell = safe(contact.name, "bold")
    if contact.role:
        cell.append_text(safe(f", {contact.role}", "dim"))
    if contact.phone:
        cell.append("\n")
        cell.append_text(safe(contact.phone))
    return cell


def last_touch_cell(account: Account) -> Text:
    last = account.last_touch()
    if last is None:
        return Text("never", style="dim")
    cell = Text(f"{last.date.isoformat()} {last.kind.value}", style="dim")
    if last.summary:
        cell.append("\n")
        cell.append_text(safe(_shorten(last.summary, 80)))
    return cell


def _shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def action_cell(item: Item, with_reasons: bool = True) -> Text:
    cell = safe(item.kind.value, KIND_STYLE.get(item.kind.value, ""))
    cell.append(" ")
    cell.append_text(safe(item.action, "bold", multiline=False))
    if with_reasons:
        for reason in item.reasons:
            cell.append("\n· ", style="dim")
            cell.append_text(safe(reason, "dim", multiline=False))
    return cell


def items_table(
    items: Sequence[Item], accounts: dict[str, Account], today: date, title: Text | None = None
) -> Table:
    table = Table(
        title=title, box=box.SIMPLE_HEAD, show_lines=False, expand=False, title_justify="left"
    )
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    # too wide for the terminal, it expands (see Fit) so the ratios share the width and
    # the action with its reasons keeps the most of it
    table.add_column("Account", overflow="fold", ratio=2)
    table.add_column("Tier", justify="center", no_wrap=True)
    table.add_column("Do · why", overflow="fold", ratio=4)
    table.add_column("Due", no_wrap=True)
    table.add_column("Ask for", overflow="fold", ratio=2)
    table.add_column("Last touch", overflow="fold", ratio=3)
    for rank, item in enumerate(items, 1):
        account = accounts[item.account]
        name = safe(account.name, "bold")
        name.append("\n")
        name.append_text(safe(account.slug, "dim"))
        table.add_row(
            str(rank),
            name,
            account.tier.value,
            action_cell(item),
            due_text(item, today),
            contact_cell(ask_for(item, account)),
            last_touch_cell(account),
        )
    return table


class Fit:
    """A table at its natural width when it fits, else shared out by column ratios."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # a measurement is clamped to the width: reaching it means the table would not fit
        if Measurement.get(console, options, self.table).maximum >= options.max_width:
            self.table.expand = True
        yield self.table


def today_view(
    today: date, items: Sequence[Item], more: int, accounts: dict[str, Account], total: int
) -> RenderableType:
    title = Text(f"Today, {weekday(today)} {today.isoformat()}", style="bold")
    if not items:
        return Group(title, Text("Nothing is due. Enjoy the quiet, or run `touchplan week`."))
    title.append(f" · {len(items)} of {total} due", style="dim")
    parts: list[RenderableType] = [Fit(items_table(items, accounts, today, title))]
    if more:
        parts.append(Text(f"{more} more due — `touchplan today --all` lists them.", style="yellow"))
    return Group(*parts)


# -- show ---------------------------------------------------------------------------


def account_card(
    account: Account, items: Sequence[Item], today: date, snoozed: bool
) -> RenderableType:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column(overflow="fold")
    head = safe(account.name, "bold")
    head.append(f"  ({account.slug}, tier {account.tier.value})", style="dim")
    rows: list[tuple[str, Text]] = [
        ("file", safe(account.file)),
        ("owner", safe(account.owner or "—")),
        ("status", safe(account.status.value, "red" if account.status.value == "lost" else "")),
    ]
    if account.snooze:
        state = "snoozed" if snoozed else "was snoozed"
        rows.append(
            (
                "snooze",
                safe(f"{state} until {account.snooze.until.isoformat()}: {account.snooze.reason}"),
            )
        )
    if account.since:
        rows.append(("customer since", Text(account.since.isoformat())))
    if account.renewal:
        left = (account.renewal - today).days
        rows.append(
            (
                "renewal",
                Text(
                    f"{account.renewal.isoformat()} ({left} d)"
                    if left >= 0
                    else f"{account.renewal.isoformat()} (passed {-left} d ago)"
                ),
            )
        )
    if account.value is not None:
        rows.append(("annual value", Text(f"{account.value:,.0f}")))
    if account.relationship:
        rows.append(("relationship", Text(account.relationship.value)))
    if account.tags:
        rows.append(("tags", safe(", ".join(account.tags))))
    if account.notes:
        rows.append(("notes", safe(account.notes)))
    for label, value in rows:
        facts.add_row(label, value)
    contacts = Table(
        box=box.SIMPLE_HEAD, title=Text("Contacts", style="bold"), title_justify="left"
    )
    for col in ("Name", "Role", "Phone", "Email"):
        contacts.add_column(col, overflow="fold")
    for c in account.contacts:
        contacts.add_row(safe(c.name, "bold"), safe(c.role), safe(c.phone), safe(c.email))
    open_items = Table(
        box=box.SIMPLE_HEAD, title=Text("Open items", style="bold"), title_justify="left"
    )
    open_items.add_column("Due", no_wrap=True)
    open_items.add_column("Do · why", overflow="fold")
    open_items.add_column("Score", justify="right")
    for item in sorted(items, key=lambda i: (i.due, i.kind.value)):
        open_items.add_row(due_text(item, today), action_cell(item), f"{item.score:g}")
    timeline = Table(
        box=box.SIMPLE_HEAD,
        title=Text("History (newest first)", style="bold"),
        title_justify="left",
    )
    timeline.add_column("Date", no_wrap=True)
    timeline.add_column("Kind", no_wrap=True)
    timeline.add_column("With", overflow="fold")
    timeline.add_column("Summary", overflow="fold")
    for touch in sorted(account.history, key=lambda t: (t.date, t.index), reverse=True):
        summary = safe(touch.summary)
        for label, extra in (
            ("next", f"{touch.next.due.isoformat()} {touch.next.action}" if touch.next else ""),
            ("problem", touch.problem),
            ("resolved", "yes" if touch.resolved else ""),
            ("done", "closed due follow-ups" if touch.done else ""),
            ("renewed to", touch.renewal.isoformat() if touch.renewal else ""),
        ):
            if extra:
                summary.append(f"\n{label}: ", style="dim")
                summary.append_text(safe(extra))
        timeline.add_row(touch.date.isoformat(), touch.kind.value, safe(touch.with_), summary)
    parts: list[RenderableType] = [head, facts]
    parts.append(contacts if account.contacts else Text("No contacts on file.", style="dim"))
    parts.append(open_items if items else Text("Nothing open.", style="dim"))
    parts.append(timeline if account.history else Text("No history yet.", style="dim"))
    return Group(*parts)


def account_json(account: Account, items: Sequence[Item], today: date) -> dict[str, Any]:
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
        "contacts": [contact_json(c) for c in account.contacts],
        "file": account.file,
        "items": [item_json(i, account, today) for i in items],
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


# -- why ----------------------------------------------------------------------------


def why_view(account: Account, items: Sequence[Item], today: date) -> RenderableType:
    parts: list[RenderableType] = [
        safe(f"Why {account.name} ({account.slug}) ranks where it does", "bold")
    ]
    if not items:
        parts.append(Text("Nothing is open.", style="dim"))
    for item in items:
        head = action_cell(item, with_reasons=False)
        head.append(f"  due {item.due.isoformat()}", style="dim")
        parts.append(Text(""))
        parts.append(head)
        table = Table(box=box.SIMPLE, show_header=True)
        table.add_column("term")
        table.add_column("measure", justify="right")
        table.add_column("× weight", justify="right")
        table.add_column("= value", justify="right")
        for term in item.terms:
            table.add_row(term.label, f"{term.measure:g}", f"{term.weight:g}", f"{term.value:g}")
        table.add_row(Text("score", style="bold"), "", "", Text(f"{item.score:g}", style="bold"))
        parts.append(table)
        for reason in item.reasons:
            parts.append(safe(f"  · {reason}", "dim"))
    return Group(*parts)


def why_json(account: Account, items: Sequence[Item], today: date) -> dict[str, Any]:
    return {
        "date": today.isoformat(),
        "account": account.slug,
        "items": [
            {
                **item_json(item, account, today),
                "terms": [
                    {"term": t.label, "measure": t.measure, "weight": t.weight, "value": t.value}
                    for t in item.terms
                ],
            }
            for item in items
        ],
    }


# -- week ---------------------------------------------------------------------------


def week_view(plan: WeekPlan, accounts: dict[str, Account], today: date) -> RenderableType:
    parts: list[RenderableType] = []
    for day in plan.days:
        planned = [p for p in plan.planned if p.day == day]
        title = Text(f"{weekday(day)} {day.isoformat()}", style="bold")
        title.append(f" · {len(planned)} planned", style="dim")
        if not planned:
            parts.append(Group(title, Text("  nothing due", style="dim"), Text("")))
            continue
        table = Fit(items_table([p.item for p in planned], accounts, day, title))
        parts.append(table)
        carried = [p for p in planned if p.carried_from]
        for p in carried:
            parts.append(
                safe(
                    f"  carried from {p.carried_from.isoformat() if p.carried_from else ''}: "
                    f"{accounts[p.item.account].name} ({p.item.kind.value})",
                    "yellow",
                )
            )
    if plan.left_over:
        parts.append(
            Text(
                f"{len(plan.left_over)} more due items do not fit in these days: "
                "they carry to the next working day.",
                style="yellow",
            )
        )
    return Group(*parts)


def planned_json(p: PlannedItem, accounts: dict[str, Account]) -> dict[str, Any]:
    return {
        **item_json(p.item, accounts[p.item.account], p.day),
        "day": p.day.isoformat(),
        "carried_from": p.carried_from.isoformat() if p.carried_from else None,
    }


def week_json(plan: WeekPlan, accounts: dict[str, Account], today: date) -> dict[str, Any]:
    return {
        "date": today.isoformat(),
        "days": [
            {
                "date": day.isoformat(),
                "items": [planned_json(p, accounts) for p in plan.planned if p.day == day],
            }
            for day in plan.days
        ],
        "left_over": [item_json(i, accounts[i.account], plan.days[-1]) for i in plan.left_over],
    }


# -- renewals -------------------------------------------------------------------------


def renewal_rows(
    accounts: Iterable[Account],
    stages: dict[str, str],
    today: date,
    started: dict[str, bool],
) -> list[dict[str, Any]]:
    rows = []
    for account in accounts:
        assert account.renewal is not None
        last = account.last_touch()
        rows.append(
            {
                "account": account.slug,
                "name": account.name,
                "tier": account.tier.value,
                "owner": account.owner,
                "renewal": account.renewal.isoformat(),
                "days_left": (account.renewal - today).days,
                "stage": stages.get(account.slug, "ahead"),
                "value": account.value,
                "last_touch": touch_json(last),
                "started": started.get(account.slug, False),
                "file": account.file,
            }
        )
    return rows


def renewals_table(rows: list[dict[str, Any]], today: date, within: int) -> RenderableType:
    title = Text(f"Renewals within {within} days of {today.isoformat()}", style="bold")
    if not rows:
        return Group(title, Text("None.", style="dim"))
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for col, justify in (
        ("Renewal", "left"),
        ("Days", "right"),
        ("Stage", "left"),
        ("Account", "left"),
        ("Tier", "center"),
        ("Value", "right"),
        ("Started", "center"),
        ("Last touch", "left"),
    ):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in rows:
        stage = r["stage"]
        style = {"lapsed": "bold red", "14": "red", "30": "yellow"}.get(stage, "")
        last = r["last_touch"]
        last_cell = (
            safe(
                f"{last['date']} {last['kind']}"
                + (f": {_shorten(last['summary'], 50)}" if last["summary"] else "")
            )
            if last
            else Text("never", style="dim")
        )
        table.add_row(
            r["renewal"],
            str(r["days_left"]),
            Text(stage if stage in ("lapsed", "renewed", "ahead") else f"{stage}-day", style=style),
            safe(r["name"], "bold"),
            r["tier"],
            f"{r['value']:,.0f}" if r["value"] is not None else "—",
            "yes" if r["started"] else Text("no", style="yellow"),
            last_cell,
        )
    return table


# -- problems -------------------------------------------------------------------------


def problem_line(problem: Problem) -> Text:
    return safe(str(problem), multiline=False)


def skipped_warning(skipped: list[str]) -> Text:
    shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
    noun = "file" if len(skipped) == 1 else "files"
    return safe(
        f"warning: skipped {len(skipped)} account {noun} with errors: {shown} "
        "(run `touchplan check` for details)",
        "yellow",
    )


class ProgressReporter:
    """A progress bar on stderr for long reads, only on a terminal and only when the
    work is big enough to take more than about a second."""

    def __init__(self, label: str, minimum: int = 2000) -> None:
        self.label = label
        self.minimum = minimum
        self.progress: Any = None

    def __call__(self, total: int) -> Callable[[int], None]:
        import sys

        if total < self.minimum or not sys.stderr.isatty():
            return lambda n: None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=stderr_console(),
            transient=True,
        )
        self.progress.start()
        task = self.progress.add_task(self.label, total=total)
        return lambda n: self.progress.advance(task, n)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


# -- report and doctor (team work over git) -----------------------------------------


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _touch_counts(touches: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in touches.items() if n)


def report_view(data: dict[str, Any]) -> RenderableType:
    """The manager's report from its JSON form (`team.report_json`)."""
    by = data["by"]
    title = Text(f"Team report, {data['date']} · by {by}", style="bold")
    title.append(f" · touches logged {data['from']} to {data['date']}", style="dim")
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for col, justify in (
        ("Owner" if by == "owner" else "Tier", "left"),
        ("Accounts", "right"),
        ("Coverage", "right"),
        ("Overdue items", "right"),
        ("Neglected A", "right"),
        ("Open problems", "right"),
        ("Renewals", "right"),
        ("Renewal value", "right"),
        ("Touches logged", "left"),
    ):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    rows = [*data["groups"], data["total"]]
    for i, g in enumerate(rows):
        last = i == len(rows) - 1
        coverage = (
            Text("—", style="dim")
            if g["coverage"] is None
            else Text(
                f"{g['coverage']:g}% ({g['covered']}/{g['planned']})",
                style="red" if g["coverage"] < 50 else "yellow" if g["coverage"] < 80 else "",
            )
        )
        accounts = str(g["accounts"])
        extra = [f"{g[k]} {k}" for k in ("snoozed", "lost") if g[k]]
        if extra:
            accounts += f" ({', '.join(extra)})"
        touches = Text(str(g["touches_total"]), style="bold")
        if g["touches_total"]:
            touches.append(f": {_touch_counts(g['touches'])}", style="dim")
        name = safe("(all)" if last else g["group"] or "(no owner)", "bold" if last else "")
        table.add_row(
            name,
            accounts,
            coverage,
            str(g["overdue_items"]),
            Text(str(g["neglected_a"]), style="red" if g["neglected_a"] else ""),
            Text(str(g["open_problems"]), style="red" if g["open_problems"] else ""),
            str(g["renewals"]),
            _money(g["renewal_value"]) if g["renewals"] else "—",
            touches,
            end_section=i == len(rows) - 2,
        )
    parts: list[RenderableType] = [table]
    neglect_title = Text("A accounts with no contact in 2× their cadence", style="bold")
    if data["neglected"]:
        neglected = Table(title=neglect_title, box=box.SIMPLE_HEAD, title_justify="left")
        for col in ("Account", "Owner", "Last contact", "Days", "Limit"):
            neglected.add_column(col, justify="right" if col in ("Days", "Limit") else "left")
        for n in data["neglected"]:
            neglected.add_row(
                safe(n["name"], "bold"),
                safe(n["owner"] or "—"),
                n["last_contact"] or Text("never", style="red"),
                "—" if n["days_since"] is None else str(n["days_since"]),
                str(n["limit_days"]),
            )
        parts.append(neglected)
    else:
        parts.append(Group(neglect_title, Text("None.", style="dim"), Text("")))
    renew_title = Text(
        f"Renewals in the next {data['renewal_window_days']} days (and lapsed)", style="bold"
    )
    if data["renewals"]:
        renewals = Table(title=renew_title, box=box.SIMPLE_HEAD, title_justify="left")
        for col in ("Renewal", "Days", "Stage", "Account", "Owner", "Tier", "Value"):
            renewals.add_column(col, justify="right" if col in ("Days", "Value") else "left")
        for r in data["renewals"]:
            stage = r["stage"]
            style = {"lapsed": "bold red", "14": "red", "30": "yellow"}.get(stage, "")
            shown = stage if not stage.isdigit() else f"{stage}-day"
            renewals.add_row(
                r["renewal"],
                str(r["days_left"]),
                Text(shown, style=style),
                safe(r["name"], "bold"),
                safe(r["owner"] or "—"),
                r["tier"],
                _money(r["value"]),
            )
        parts.append(renewals)
    else:
        parts.append(Group(renew_title, Text("None.", style="dim")))
    return Group(*parts)


def doctor_view(checks: Sequence[dict[str, Any]]) -> RenderableType:
    """`touchplan doctor`: each check, ok or what to do about it."""
    table = Table(box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("Check", no_wrap=True)
    table.add_column("Found", overflow="fold")
    table.add_column("Fix", overflow="fold")
    for check in checks:
        mark = Text("ok", style="green") if check["ok"] else Text("FAIL", style="bold red")
        table.add_row(mark, check["name"], safe(check["detail"]), safe(check["fix"], "yellow"))
    failed = sum(not c["ok"] for c in checks)
    if not failed:
        return Group(table, Text("All good.", style="green"))
    things = "1 thing" if failed == 1 else f"{failed} things"
    return Group(table, Text(f"{things} to fix, then run `touchplan doctor` again.", style="red"))


# -- import (touchplan import) -----------------------------------------------------------

IMPORT_STYLE = {"created": "green", "would-create": "green", "present": "dim", "skipped": "yellow"}


def import_view(report: dict[str, Any]) -> RenderableType:
    """The import summary from ``ImportReport.to_json()``: one line per row, then counts."""
    dry = report["dry_run"]
    title = safe(f"Import of {report['file']}", "bold")
    if dry:
        title.append(" (dry run: nothing written)", style="yellow")
    used = ", ".join(f"{col} → {fld}" for col, fld in report["columns"].items())
    parts: list[RenderableType] = [title, safe(f"Columns: {used}", "dim")]
    if report["ignored_columns"]:
        parts.append(safe(f"Ignored columns: {', '.join(report['ignored_columns'])}", "dim"))
    for order in report.get("date_orders", {}).values():
        parts.append(safe(f"Dates: {order['note']}", "dim"))
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Line", justify="right")
    table.add_column("Account", overflow="fold")
    table.add_column("Result")
    table.add_column("File / reason", overflow="fold")
    for row in report["rows"]:
        status = row["status"]
        where = safe(row["file"] or row["reason"] or "", multiline=False)
        for warning in row.get("warnings", []):
            where.append("\n")
            where.append_text(safe(f"warning: {warning}", "yellow", multiline=False))
        table.add_row(
            str(row["line"]),
            safe(row["name"] or "—", multiline=False),
            Text(status, style=IMPORT_STYLE.get(status, "")),
            where,
        )
    if report["rows"]:
        parts.append(table)
    counts = report["counts"]
    made = counts["would-create"] if dry else counts["created"]
    summary = (
        f"{made} {'to create' if dry else 'created'}, {counts['present']} already present, "
        f"{counts['skipped']} skipped"
    )
    if report.get("warnings"):
        summary += f"; {report['warnings']} warning{'s' if report['warnings'] != 1 else ''}"
    parts.append(Text(summary, style="bold"))
    unmapped = report.get("unmapped_owners", [])
    if unmapped:
        values = ", ".join(repr(u["owner"]) for u in unmapped)
        parts.append(
            safe(
                f"{len(unmapped)} owner value{'s' if len(unmapped) != 1 else ''} matched no rep "
                f"under `owners:` and {'were' if len(unmapped) != 1 else 'was'} kept as "
                f"written: {values}. Add to touchplan.yaml (rename the rep before the colon "
                "if the guess is wrong):",
                "yellow",
            )
        )
        lines = list(dict.fromkeys(u["line"] for u in unmapped))
        parts.append(safe("owners:\n" + "\n".join(f"  {line}" for line in lines)))
    return Group(*parts)


# -- tiers (touchplan tiers) --------------------------------------------------------------


def tiers_view(plan: dict[str, Any], applied: bool) -> RenderableType:
    """The Pareto table from ``TierPlan.to_json()``, then the changes."""
    limits = plan["thresholds"]
    by = plan.get("by", "value")
    title = Text(
        f"Tiers by {by}: A to {limits['A']:g} % of total {by}, B to {limits['B']:g} %, C the rest",
        style="bold",
    )
    parts: list[RenderableType] = [title]
    if plan["accounts"]:
        table = Table(box=box.SIMPLE_HEAD)
        for col, justify in (
            ("#", "right"),
            ("Account", "left"),
            ("Owner", "left"),
            (by.capitalize(), "right"),
            ("Share", "right"),
            ("Cumulative", "right"),
            ("Tier", "center"),
            ("Suggested", "center"),
        ):
            table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for row in plan["accounts"]:
            table.add_row(
                str(row["rank"]),
                safe(row["name"], "bold", multiline=False),
                safe(row["owner"], multiline=False),
                f"{row['value']:,.0f}",
                f"{row['share']:.1f} %",
                f"{row['cumulative']:.1f} %",
                row["tier"],
                Text(row["suggested"], style="bold yellow" if row["change"] else ""),
            )
        parts.append(table)
        parts.append(Text(f"Total {by} {plan['total_value']:,.0f}", style="dim"))
    else:
        parts.append(Text(f"No account has a {by}.", style="dim"))
    if plan["without_value"]:
        parts.append(
            safe(
                f"No {by}, tier kept: {', '.join(plan['without_value'])} "
                f"(add `{by}:` to tier them)",
                "dim",
            )
        )
    changes = plan["changes"]
    if not changes:
        parts.append(Text("Every tier already matches.", style="green"))
        return Group(*parts)
    verb = "Changed" if applied else "Would change"
    plural = "s" if len(changes) != 1 else ""
    parts.append(Text(f"{verb} {len(changes)} tier{plural}:", style="bold"))
    for change in changes:
        failed = " (not changed: see the warning)" if applied and not change["applied"] else ""
        parts.append(
            safe(
                f"  {change['file']}: tier {change['from']} → {change['to']}{failed}",
                "red" if failed else "",
                multiline=False,
            )
        )
    if not applied:
        parts.append(Text("Run `touchplan tiers --apply` to write them.", style="dim"))
    return Group(*parts)
