"""Tables for the daily commands: `today`, `show`, `why`, `week`, `renewals`, and what
`log` and `add` say. Nothing here computes a date or a rule: it shows planning's results.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from touchplan.model import Account, Contact, Item, Status
from touchplan.planning.people import ask_for
from touchplan.views.console import safe

if TYPE_CHECKING:
    from touchplan.model import ClosedItem
    from touchplan.planning.calls import Call
    from touchplan.planning.entry import AfterLog, LogPlan
    from touchplan.planning.relations import Coverage, RatingTrend, Relations
    from touchplan.planning.week import WeekPlan
    from touchplan.planning.workload import Workload

KIND_STYLE = {
    "problem": "bold red",
    "renewal": "bold magenta",
    "follow-up": "cyan",
    "gap-check": "cyan",
    "thank-you": "green",
    "review": "blue",
    "visit": "blue",
    "touch": "",
    "booked": "cyan",
    "stakeholder": "blue",
    "birthday": "green",
}


def weekday(day: date) -> str:
    return day.strftime("%a")


def due_text(item: Item, today: date) -> Text:
    days = item.overdue_days(today)
    if days > 0:
        return Text(f"{item.due.isoformat()}\n{days} d late", style="red" if days > 7 else "yellow")
    if days == 0:
        return Text(f"{item.due.isoformat()}\ntoday", style="bold")
    return Text(f"{item.due.isoformat()}\nin {-days} d")


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
    cell.append(f" {item.id}", style="dim")
    cell.append(" ")
    cell.append_text(safe(item.action, "bold", multiline=False))
    if with_reasons:
        for reason in item.reasons:
            cell.append("\n· ", style="dim")
            cell.append_text(safe(reason, "dim", multiline=False))
    return cell


def late_text(item: Item, today: date) -> str:
    days = item.overdue_days(today)
    if days > 0:
        return f"{days} d late"
    return "today" if days == 0 else f"in {-days} d"


def agenda_cell(call: Call, today: date, with_reasons: bool = False) -> Text:
    """A call's agenda: one line per item (kind, id, what, when), due items first."""
    cell = Text()
    for n, item in enumerate(call.items + call.early + call.upcoming):
        if n:
            cell.append("\n")
        style = KIND_STYLE.get(item.kind.value, "")
        if item in call.upcoming:
            cell.append("+ ", style="dim")
        cell.append(item.kind.value, style=style)
        cell.append(f" {item.id} ", style="dim")
        cell.append_text(safe(item.action, "bold" if item in call.items else "", multiline=False))
        late = item.overdue_days(today)
        cell.append(
            f" ({late_text(item, today)})",
            style="red" if late > 7 else "yellow" if late > 0 else "dim",
        )
        if with_reasons:
            for reason in item.reasons:
                cell.append("\n  · ", style="dim")
                cell.append_text(safe(reason, "dim", multiline=False))
    return cell


def calls_table(
    calls: Sequence[Call],
    accounts: dict[str, Account],
    today: date,
    title: Text | None = None,
    with_reasons: bool = False,
) -> Table:
    table = Table(
        title=title, box=box.SIMPLE_HEAD, show_lines=False, expand=False, title_justify="left"
    )
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    # too wide for the terminal, it expands (see Fit) so the ratios share the width
    table.add_column("Account", overflow="fold", ratio=2)
    table.add_column("Agenda", overflow="fold", ratio=5)
    table.add_column("Ask for", overflow="fold", ratio=2)
    table.add_column("Last touch", overflow="fold", ratio=3)
    for rank, call in enumerate(calls, 1):
        account = accounts[call.account]
        name = safe(account.name, "bold")
        name.append(f"  {account.tier.value}")
        name.append(f"\n{call.mode}", style="dim")
        agenda = call.items + call.early
        table.add_row(
            str(rank),
            name,
            agenda_cell(call, today, with_reasons),
            contact_cell(ask_for(agenda[0], account)),
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
    today: date,
    calls: Sequence[Call],
    more_calls: int,
    accounts: dict[str, Account],
    total_calls: int,
    with_reasons: bool = False,
) -> RenderableType:
    title = Text(f"Today, {weekday(today)} {today.isoformat()}", style="bold")
    if not calls:
        return Group(title, Text("Nothing is due. Enjoy the quiet, or run `touchplan week`."))
    title.append(f" · {len(calls)} of {total_calls} calls due", style="dim")
    parts: list[RenderableType] = [
        Fit(calls_table(calls, accounts, today, title, with_reasons=with_reasons))
    ]
    if more_calls:
        parts.append(
            Text(
                f"{more_calls} more call{'' if more_calls == 1 else 's'} due — "
                "`touchplan today --all` lists them.",
                style="yellow",
            )
        )
    return Group(*parts)


def rating_line(trend: RatingTrend) -> Text:
    """What `log` says of a rated review: the rating and how it compares."""
    latest, previous, change = trend.latest, trend.previous, trend.change
    assert latest is not None
    line = Text(f"Rated {latest.rating}/5")
    if previous is None or change is None:
        line.append(": the first rating on record", style="dim")
    elif change == 0:
        line.append(f": as on {previous.date.isoformat()}", style="dim")
    else:
        word = "up" if change > 0 else "down"
        line.append(
            f": {word} {abs(change)} from {previous.rating}/5 on {previous.date.isoformat()}",
            style="bold red" if trend.dropped else "dim",
        )
    return line


def ratings_cell(trend: RatingTrend, shown: int = 6) -> Text:
    """The rating history as a trend: ``4/5 (2026-03-02) → 2/5 (2026-11-20), down 2``."""
    ratings = trend.ratings[-shown:]
    cell = Text("… → " if len(trend.ratings) > shown else "")
    cell.append(" → ".join(f"{r.rating}/5 ({r.date.isoformat()})" for r in ratings))
    change = trend.change
    if change:
        cell.append(
            f", {'up' if change > 0 else 'down'} {abs(change)}",
            style="bold red" if trend.dropped else "",
        )
    return cell


def coverage_cell(coverage: Coverage) -> Text:
    """Whether more than one person was touched lately (a watched tier only)."""
    days = coverage.within
    if len(coverage.touched) == 1:
        return safe(
            f"single-threaded: only {coverage.touched[0]} touched in the last {days} days",
            "yellow",
        )
    if not coverage.touched:
        return Text(f"nobody named in `with` in the last {days} days", style="dim")
    return Text(f"{len(coverage.touched)} people touched in the last {days} days")


def _touched_cell(day: date | None, today: date) -> Text:
    if day is None:
        return Text("never", style="dim")
    return Text(f"{day.isoformat()} ({(today - day).days} d ago)")


def account_card(
    account: Account,
    items: Sequence[Item],
    today: date,
    snoozed: bool,
    closed: Sequence[ClosedItem] = (),
    relations: Relations | None = None,
) -> RenderableType:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column(overflow="fold")
    head = safe(account.name, "bold")
    head.append(f"  ({account.slug}, tier {account.tier.value})", style="dim")
    rows: list[tuple[str, Text]] = [
        ("file", safe(account.file)),
        ("owner", safe(account.owner or "—")),
        ("status", safe(account.status.value, "red" if account.status is Status.LOST else "")),
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
    if account.added:
        rows.append(("in touchplan since", Text(account.added.isoformat())))
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
    if relations is not None and relations.trend.ratings:
        rows.append(("review ratings", ratings_cell(relations.trend)))
    if relations is not None and relations.coverage.within is not None:
        rows.append(("stakeholders", coverage_cell(relations.coverage)))
    if account.tags:
        rows.append(("tags", safe(", ".join(account.tags))))
    if account.notes:
        rows.append(("notes", safe(account.notes)))
    for label, value in rows:
        facts.add_row(label, value)
    contacts = Table(
        box=box.SIMPLE_HEAD, title=Text("Contacts", style="bold"), title_justify="left"
    )
    birthdays = any(c.birthday for c in account.contacts)
    columns = ["Name", "Role", "Phone", "Email", *(["Birthday"] if birthdays else [])]
    for col in columns:
        contacts.add_column(col, overflow="fold")
    people = relations.coverage.people if relations is not None else ()
    if people:
        contacts.add_column("Last touched", no_wrap=True)
    for n, c in enumerate(account.contacts):
        cells = [safe(c.name, "bold"), safe(c.role), safe(c.phone), safe(c.email)]
        if birthdays:
            cells.append(safe(c.birthday))
        if people:
            cells.append(_touched_cell(people[n].last_touched, today))
        contacts.add_row(*cells)
    for person in people[len(account.contacts) :]:  # named in `with`, not on file
        cells = [safe(person.name), Text("not on file", style="dim"), Text(""), Text("")]
        if birthdays:
            cells.append(Text(""))
        contacts.add_row(*cells, _touched_cell(person.last_touched, today))
    open_items = Table(
        box=box.SIMPLE_HEAD, title=Text("Open items", style="bold"), title_justify="left"
    )
    open_items.add_column("Due", no_wrap=True)
    open_items.add_column("Do · why", overflow="fold")
    open_items.add_column("Score", justify="right")
    for item in sorted(items, key=lambda i: (i.due, i.kind.value)):
        open_items.add_row(due_text(item, today), action_cell(item), f"{item.score:g}")
    recent = [c for c in closed if c.how == "missed" and (today - c.on).days <= 90]
    missed = Table(
        box=box.SIMPLE_HEAD,
        title=Text("Missed (the last 90 days)", style="bold"),
        title_justify="left",
    )
    missed.add_column("Due", no_wrap=True)
    missed.add_column("What", overflow="fold")
    missed.add_column("Missed on", no_wrap=True)
    for gone in recent:
        missed.add_row(gone.item.due.isoformat(), action_cell(gone.item, with_reasons=False),
                       gone.on.isoformat())  # fmt: skip
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
        booked = f"{touch.next.booked.value}: " if touch.next and touch.next.booked else ""
        for label, extra in (
            (
                "booked" if booked else "next",
                f"{touch.next.due.isoformat()} {booked}{touch.next.action}" if touch.next else "",
            ),
            ("problem", touch.problem),
            ("resolved", "yes" if touch.resolved else " ".join(touch.resolved_ids)),
            ("done", "closed due follow-ups" if touch.done else " ".join(touch.done_ids)),
            ("cancelled", " ".join(touch.cancelled_ids)),
            ("stage", touch.stage.value if touch.stage else ""),
            ("rating", f"{touch.rating}/5" if touch.rating is not None else ""),
            ("item", touch.item),
            ("until", touch.until.isoformat() if touch.until else ""),
            ("renewed to", touch.renewal.isoformat() if touch.renewal else ""),
        ):
            if extra:
                summary.append(f"\n{label}: ", style="dim")
                summary.append_text(safe(extra))
        timeline.add_row(touch.date.isoformat(), touch.kind.value, safe(touch.with_), summary)
    parts: list[RenderableType] = [head, facts]
    listed = bool(account.contacts or people)
    parts.append(contacts if listed else Text("No contacts on file.", style="dim"))
    parts.append(open_items if items else Text("Nothing open.", style="dim"))
    if recent:
        parts.append(missed)
    parts.append(timeline if account.history else Text("No history yet.", style="dim"))
    return Group(*parts)


def why_view(account: Account, items: Sequence[Item], today: date) -> RenderableType:
    parts: list[RenderableType] = [
        safe(f"Why {account.name} ({account.slug}) ranks where it does", "bold")
    ]
    if not items:
        parts.append(Text("Nothing is open.", style="dim"))
    for item in items:
        head = action_cell(item, with_reasons=False)
        head.append(f"  due {item.due.isoformat()} · {item.cls.value}", style="dim")
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


def week_view(plan: WeekPlan, accounts: dict[str, Account], today: date) -> RenderableType:
    parts: list[RenderableType] = []
    for day in plan.days:
        planned = [p for p in plan.planned if p.day == day]
        title = Text(f"{weekday(day)} {day.isoformat()}", style="bold")
        title.append(f" · {len(planned)} calls", style="dim")
        if not planned:
            parts.append(Group(title, Text("  nothing due", style="dim"), Text("")))
            continue
        parts.append(Fit(calls_table([p.call for p in planned], accounts, day, title)))
        for p in planned:
            if p.carried_from:
                parts.append(
                    safe(
                        f"  carried from {p.carried_from.isoformat()}: "
                        f"{accounts[p.call.account].name}",
                        "yellow",
                    )
                )
    if plan.left_over:
        parts.append(
            Text(
                f"{len(plan.left_over)} more call{'' if len(plan.left_over) == 1 else 's'} due "
                f"{'does' if len(plan.left_over) == 1 else 'do'} not fit in these days: "
                "carried to the next working day.",
                style="yellow",
            )
        )
    return Group(*parts)


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
        ("Progress", "left"),
        ("Next step", "left"),
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
            Text(
                stage if stage in ("lapsed", "renewed", "lost", "ahead") else f"{stage}-day",
                style=style,
            ),
            safe(r["name"], "bold"),
            r["tier"],
            f"{r['value']:,.0f}" if r["value"] is not None else "—",
            Text(r["progress"], style="" if r["started"] else "yellow"),
            safe(f"{r['next_due']}: {r['next_step']}"),
            last_cell,
        )
    return table


def logged_view(plan: LogPlan, file: str, after: AfterLog) -> RenderableType:
    """What `log` says: the entry written, what it closed, and what is next."""
    logged = plan.entry
    line = safe(f"Logged {logged.kind.value}", "green")
    line.append_text(safe(f" with {logged.with_}" if logged.with_ is not None else ""))
    line.append_text(safe(f" on {logged.date.isoformat()} → {file}"))
    lines: list[RenderableType] = [line]
    for item in plan.closes:
        lines.append(safe(f"Closed {item.kind.value} {item.id}: {item.action}", "dim"))
    for item in plan.resolves:
        lines.append(safe(f"Resolved {item.kind.value} {item.id}: {item.action}", "dim"))
    for item in after.settled:
        lines.append(safe(f"Closed {item.kind.value} {item.id}: {item.action}", "dim"))
    if logged.renewal:
        lines.append(safe(f"Renewal date moved to {logged.renewal.isoformat()}"))
    if after.ratings is not None and after.ratings.latest is not None:
        lines.append(rating_line(after.ratings))
    if after.next:
        first = after.next
        nxt = safe("Next: ", "bold")
        nxt.append_text(
            safe(f"{first.kind.value} {first.id} — {first.action} (due {first.due.isoformat()})")
        )
        lines.append(nxt)
    if after.still_open:
        lines.append(safe("Still open:", "bold"))
        for item in after.still_open:
            lines.append(
                safe(f"  {item.due.isoformat()}  {item.kind.value} {item.id}: {item.action}")
            )
    return Group(*lines)


def entry_view(what: str, account: Account, file: str) -> RenderableType:
    """What `lost` and `defer` say."""
    return safe(f"{what} → {file}", "green")


def added_view(account: Account, first: Item | None) -> RenderableType:
    """What `add` says: the file created and the account's first item."""
    lines: list[RenderableType] = [safe(f"Created {account.file}", "green")]
    if first:
        due = first.due.isoformat()
        lines.append(safe(f"Next: {first.kind.value} {first.id} — {first.action} (due {due})"))
    return Group(*lines)


def workload_line(load: Workload) -> Text | None:
    """One line for `today` and `week` when the book needs more calls than capacity."""
    if not load.over:
        return None
    return Text(
        f"The book needs {load.needed:g} calls a working day against a capacity of "
        f"{load.capacity}: `touchplan workload` says what would fit.",
        style="yellow",
    )


def workload_view(load: Workload, owner: str | None) -> RenderableType:
    whose = f"{owner}'s book" if owner and owner != "all" else "the book"
    head = Text(f"Workload of {whose} on {load.date.isoformat()}", style="bold")
    verdict = Text(
        f"{load.needed:g} calls a working day needed, capacity {load.capacity}",
        style="red" if load.over else "green",
    )
    tiers = Table(box=box.SIMPLE_HEAD, title=Text("By tier (keep-in-touch)", style="bold"),
                  title_justify="left")  # fmt: skip
    for col, justify in (("Tier", "left"), ("Accounts", "right"), ("Every", "right"),
                         ("Calls a day", "right")):  # fmt: skip
        tiers.add_column(col, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for t in load.by_tier:
        tiers.add_row(t.tier.value, f"{t.accounts:,}", f"{t.cadence} d" if t.cadence else "—",
                      f"{t.calls:g}")  # fmt: skip
    kinds = Table(box=box.SIMPLE_HEAD, title=Text("By kind", style="bold"), title_justify="left")
    for col, justify in (("Kind", "left"), ("Count", "right"), ("Calls a day", "right")):
        kinds.add_column(col, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for k in load.by_kind:
        kinds.add_row(k.kind, f"{k.count:,}", f"{k.calls:g}")
    parts: list[RenderableType] = [head, verdict, tiers, kinds]
    if load.suggestions:
        parts.append(Text("What would fit:", style="bold"))
        for suggestion in load.suggestions:
            line = safe(f"  {suggestion.text}")
            if suggestion.accounts:
                shown = ", ".join(suggestion.accounts[:8])
                more = len(suggestion.accounts) - 8
                line.append_text(
                    safe(f": {shown}" + (f" and {more} more" if more > 0 else ""), "dim")
                )
            parts.append(line)
    parts.append(
        Text(
            "Cadence calls come from each account's touch cadence; commitment calls from the "
            "last 90 days' sales, problems and promises and the renewals ahead.",
            style="dim",
        )
    )
    return Group(*parts)
