"""Tables for the daily commands: `today`, `show`, `why`, `week`, `renewals`, and what
`log` and `add` say. Nothing here computes a date or a rule: it shows planning's results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from touchplan.model import EVERYONE, Account, Contact, Item, ItemKind, Status
from touchplan.planning.calls import Mode
from touchplan.planning.people import ask_for
from touchplan.planning.schedule import is_working_day_note
from touchplan.views import scheme
from touchplan.views.console import safe
from touchplan.views.layout import (
    Cell,
    Clip,
    Parts,
    Prose,
    Shown,
    Stack,
    Whole,
    Words,
    fit,
    layout_of,
    lines_renderable,
    table_lines,
    width_of,
)

if TYPE_CHECKING:
    from touchplan.model import ClosedItem
    from touchplan.planning.calls import Call
    from touchplan.planning.entry import AfterLog, LogPlan
    from touchplan.planning.relations import Coverage, RatingTrend, Relations
    from touchplan.planning.week import WeekPlan
    from touchplan.planning.workload import Workload

# Columns of a calls table a narrow terminal leaves out first (the rest always stay).
CALL_DROPS = ("Last touch", "Due", "Ask for")
# At 80 columns: rank 1, account 18, agenda 22, due 9, phone 15, date 10, five gaps; a
# longer name takes its room from the agenda's words before a column is left out.
AGENDA_WANTED = 22  # an agenda narrower than this shows kinds and ids but few words
ACCOUNT_MOST = 20  # a name needing wider lines to fit in two ends in an ellipsis
LAST_TOUCH_MOST = 60  # an excerpt, not the diary: wider, the name gets the room


def weekday(day: date) -> str:
    return day.strftime("%a")


def due_text(item: Item, today: date) -> Text:
    """The due date over how late it is (two whole lines)."""
    text = Text(item.due.isoformat())
    text.append("\n")
    text.append_text(scheme.due_label(item, today))
    return text


def _plain_reasons(item: Item) -> list[str]:
    """The reasons worth a line on every row: a due date moved off a non-working day is
    for `why` and `today -v`."""
    return [r for r in item.reasons if not is_working_day_note(r)]


# -- calls: `today` and `week` ------------------------------------------------------------


def account_words(account: Account, mode: str = Mode.CALL) -> Text:
    """The account's name and tier, and the call's mode unless it is a plain call (the
    two-line table leaves the mode out: the agenda's kinds say it)."""
    text = safe(account.name, scheme.NAME, multiline=False)
    text.append(f" {account.tier.value}")
    if mode != Mode.CALL:
        text.append(f" · {mode}", style="italic")
    return text


def _item_parts(item: Item, today: date, inline_due: bool) -> Parts:
    parts: list[tuple[Text, bool]] = [
        (scheme.head_label(item, today), True),
        (safe(f" {item.action}", multiline=False), False),
    ]
    if inline_due:
        parts.append((_inline_due(item, today), True))
    return Parts(parts)


def _inline_due(item: Item, today: date) -> Text:
    """`` (12 d late)``: when the agenda carries the due column itself."""
    due = Text(" (")
    due.append_text(scheme.due_label(item, today))
    due.append(")")
    return due


@dataclass
class Agenda(Shown):
    """A call's agenda in at most two lines: the first item with a few words, then the
    second likewise, or the rest by kind and id (``follow-up qedpq, touch 1gxw7``).
    Verbose: every item on its own line with its reasons under it."""

    items: Sequence[Item]
    today: date
    inline_due: bool = False
    verbose: bool = False

    def _verbose(self) -> Stack:
        cells: list[Cell] = []
        for item in self.items:
            line = scheme.head_label(item, self.today)
            line.append_text(safe(f" {item.action}", multiline=False))
            due = _inline_due(item, self.today)  # " (12 d late)": broken before, not inside
            glued = " " + due.plain[1:].replace(" ", "\u00a0")
            line.append_text(Text(glued, style=due.style, spans=due.spans))
            cells.append(Words(line, hang=2))
            cells.extend(
                Words(safe(f"  · {r}", scheme.MUTED, multiline=False), hang=4) for r in item.reasons
            )
        return Stack(cells)

    def _rest(self) -> list[Text]:
        """The second line for three items or more, longest first: every item with its
        words, then kinds and ids, then fewer of them and how many more."""
        rest = self.items[1:]
        heads = []
        for item in rest:
            head = scheme.head_label(item, self.today)
            if self.inline_due:
                head.append_text(_inline_due(item, self.today))
            heads.append(head)
        full = Text(" · ").join(
            Text.assemble(*_item_parts(i, self.today, self.inline_due).lines(None)) for i in rest
        )
        out = [full]
        for shown in range(len(heads), 0, -1):
            line = Text(", ").join(heads[:shown])
            if shown < len(heads):
                line.append(f", +{len(heads) - shown} more")
            out.append(line)
        last = heads[0].copy()
        last.append(f" +{len(heads) - 1}")
        out.append(last)
        return out

    def measure(self) -> tuple[int, int]:
        if self.verbose:
            return self._verbose().measure()
        first = _item_parts(self.items[0], self.today, self.inline_due).measure()
        if len(self.items) == 1:
            return first
        if len(self.items) == 2:
            second = _item_parts(self.items[1], self.today, self.inline_due).measure()
            return max(first[0], second[0]), max(first[1], second[1])
        rest = self._rest()
        return max(first[0], cell_len(rest[-1].plain)), max(first[1], cell_len(rest[0].plain))

    def lines(self, width: int | None) -> list[Text]:
        if self.verbose:
            return self._verbose().lines(width)
        if width is None:
            return [Text("; ").join(
                Text.assemble(*_item_parts(i, self.today, True).lines(None)) for i in self.items
            )]  # fmt: skip
        out = _item_parts(self.items[0], self.today, self.inline_due).lines(width)
        if len(self.items) == 2:
            out += _item_parts(self.items[1], self.today, self.inline_due).lines(width)
        elif len(self.items) > 2:
            rest = self._rest()
            out.append(next((r for r in rest if cell_len(r.plain) <= width), rest[-1]))
        return out


def contact_cell(contact: Contact | None) -> Shown:
    """Whom to ask for (the name, then the role if there is room) over their phone, or
    their e-mail when there is no phone: a number is never shortened."""
    if contact is None:
        return Whole(Text("—", style=scheme.MUTED))
    name: list[tuple[Text, bool]] = [(safe(contact.name, scheme.NAME, multiline=False), False)]
    if contact.role:
        name.append((safe(f", {contact.role}", multiline=False), False))
    cells: list[Cell] = [Parts(name)]
    reach = contact.phone or contact.email
    if reach:
        cells.append(Whole(safe(reach, multiline=False)))
    return Stack(cells)


def last_touch_cell(account: Account) -> Shown:
    """The last contact's date and kind over a one-line excerpt of what was said."""
    last = account.last_touch()
    if last is None:
        return Whole(Text("never", style=scheme.MUTED))
    head = Parts([(Text(last.date.isoformat()), True), (Text(f" {last.kind.value}"), False)])
    if not last.summary:
        return head
    return Stack([head, Clip(safe(last.summary, scheme.MUTED))], sep=": ")


def calls_table(
    calls: Sequence[Call],
    accounts: dict[str, Account],
    today: date,
    title: Text | None = None,
    with_reasons: bool = False,
    inline_due: bool = False,
) -> Table:
    """One row per call: rank, account and tier, agenda, due, whom to ask for, last touch."""
    table = Table(title=title, box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Account")  # two lines anyway: the room goes to the text first
    table.add_column("Agenda", ratio=9 if with_reasons else 3, min_width=AGENDA_WANTED)
    inline_due = inline_due or with_reasons
    if not inline_due:
        table.add_column("Due", no_wrap=True)
    table.add_column("Ask for", ratio=1)
    table.add_column("Last touch", ratio=3, max_width=LAST_TOUCH_MOST)
    for rank, call in enumerate(calls, 1):
        account = accounts[call.account]
        agenda = call.items + call.early + call.upcoming
        row: list[RenderableType] = [
            str(rank),
            Words(
                account_words(account, call.mode if inline_due else Mode.CALL),
                most=None if with_reasons else 2,
                cap=ACCOUNT_MOST,
            ),
            Agenda(agenda, today, inline_due, with_reasons),
        ]
        if not inline_due:
            row.append(Stack([Whole(scheme.due_label(i, today)) for i in agenda[:2]]))
        row += [contact_cell(ask_for(agenda[0], account)), last_touch_cell(account)]
        table.add_row(*row)
    return table


class CallsView:
    """A calls table at the console's width: two lines a call; the due column folded
    into the agenda when the width leaves it out, or without a width (one line a call)."""

    def __init__(
        self,
        calls: Sequence[Call],
        accounts: dict[str, Account],
        today: date,
        with_reasons: bool = False,
    ) -> None:
        self.calls, self.accounts, self.today = calls, accounts, today
        self.with_reasons = with_reasons

    def lines(self, width: int | None) -> list[Text]:
        inline = self.with_reasons or width is None
        table = calls_table(self.calls, self.accounts, self.today, None, self.with_reasons, inline)
        if not inline and "Due" in layout_of(table, width, CALL_DROPS).dropped:
            table = calls_table(self.calls, self.accounts, self.today, None, False, True)
        return table_lines(table, width, CALL_DROPS)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from lines_renderable(console, self.lines(width_of(options)))


class Scope(Protocol):
    """What `today`'s header says besides the calls (files.cache.Scope)."""

    @property
    def owner(self) -> str | None: ...
    @property
    def others(self) -> int: ...
    @property
    def unowned(self) -> int: ...
    @property
    def needed(self) -> float: ...
    @property
    def next_day(self) -> date | None: ...
    @property
    def next_day_calls(self) -> int: ...


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def today_header(
    today: date,
    shown: int,
    total_calls: int,
    scope: Scope | None,
    capacity: int | None,
    skipped: Sequence[str] = (),
) -> list[Text]:
    """The day, whose calls and how many against capacity; then one line for each of:
    what the owner filter left out, a non-working day, a book over capacity, skipped
    files."""
    whose = scope.owner if scope is not None and scope.owner else "everyone"
    title = Text(f"Today, {weekday(today)} {today.isoformat()}", style="bold")
    title.append_text(safe(f" · {whose}", multiline=False))
    if total_calls:
        title.append(f" · {shown} of {_count(total_calls, 'call', 'calls')} due")
    else:
        title.append(" · no calls due")
    if capacity is not None:
        title.append(f" (capacity {capacity})", style=scheme.MUTED)
    lines = [title]
    if scope is not None and (scope.others or scope.unowned):
        left = []
        if scope.others:
            left.append(_count(scope.others, "more account belongs", "more accounts belong"))
            left[-1] += " to others"
        if scope.unowned:
            some = (
                f"{scope.unowned:,}"
                if scope.others
                else _count(scope.unowned, "more account", "more accounts")
            )
            left.append(f"{some} {'has' if scope.unowned == 1 else 'have'} no owner")
        lines.append(Text(f"{', '.join(left)} (`--owner all` shows them).", style=scheme.MUTED))
    if scope is not None and scope.next_day is not None:
        nxt = scope.next_day
        lines.append(
            Text(
                f"{weekday(today)} {today.isoformat()} is not a working day: "
                f"{weekday(nxt)} {nxt.isoformat()} has "
                f"{_count(scope.next_day_calls, 'call', 'calls')} due.",
                style=scheme.TODAY,
            )
        )
    over = (
        workload_line(scope.needed, capacity, scope.owner)
        if scope is not None and capacity is not None
        else None
    )
    if over is not None:
        lines.append(over)
    if skipped:
        shown_files = ", ".join(skipped[:3]) + (
            f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        )
        lines.append(
            safe(
                f"Skipped {_count(len(skipped), 'account file', 'account files')} with errors: "
                f"{shown_files} (`touchplan check` says why).",
                scheme.WARN,
                multiline=False,
            )
        )
    return lines


class TodayView:
    """`today` at the console's width: the header, the calls, how many more."""

    def __init__(
        self,
        header: list[Text],
        calls: Sequence[Call],
        more_calls: int,
        accounts: dict[str, Account],
        today: date,
        with_reasons: bool,
    ) -> None:
        self.header = header
        self.calls = CallsView(calls, accounts, today, with_reasons) if calls else None
        self.more_calls = more_calls

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = width_of(options)
        lines = [line for head in self.header for line in Words(head).lines(width)]
        if self.calls is None:
            lines.append(Text("Nothing is due. Enjoy the quiet, or run `touchplan week`."))
        else:
            lines.append(Text())
            lines += self.calls.lines(width)
        if self.more_calls:
            lines.append(Text())
            lines += Words(
                Text(
                    f"{_count(self.more_calls, 'more call', 'more calls')} due — "
                    "`touchplan today --all` lists them.",
                    style=scheme.MUTED,
                )
            ).lines(width)
        yield from lines_renderable(console, lines)


def today_view(
    today: date,
    calls: Sequence[Call],
    more_calls: int,
    accounts: dict[str, Account],
    total_calls: int,
    with_reasons: bool = False,
    scope: Scope | None = None,
    capacity: int | None = None,
    skipped: Sequence[str] = (),
) -> RenderableType:
    header = today_header(today, len(calls), total_calls, scope, capacity, skipped)
    return TodayView(header, calls, more_calls, accounts, today, with_reasons)


# -- one account: `show` and `why` --------------------------------------------------------


def action_cell(item: Item, today: date | None = None, with_reasons: bool = True) -> Text:
    """An item's kind, id and action, then its reasons one a line (working-day moves
    left to `why`)."""
    cell = scheme.head_label(item, today) if today is not None else safe(item.kind.value)
    if today is None:
        cell.append(f" {item.id}")
    cell.append_text(safe(f" {item.action}", multiline=False))
    if with_reasons:
        for reason in _plain_reasons(item):
            cell.append("\n")
            cell.append_text(safe(f"· {reason}", scheme.MUTED, multiline=False))
    return cell


def _grid(rows: Sequence[tuple[str, Text]]) -> Table:
    facts = Table(box=None, show_header=False)
    facts.add_column(style=scheme.MUTED, no_wrap=True)
    facts.add_column()
    for label, value in rows:
        facts.add_row(label, value)
    return facts


def rating_line(trend: RatingTrend) -> Text:
    """What `log` says of a rated review: the rating and how it compares."""
    latest, previous, change = trend.latest, trend.previous, trend.change
    assert latest is not None
    line = Text(f"Rated {latest.rating}/5")
    if previous is None or change is None:
        line.append(": the first rating on record", style=scheme.MUTED)
    elif change == 0:
        line.append(f": as on {previous.date.isoformat()}", style=scheme.MUTED)
    else:
        word = "up" if change > 0 else "down"
        line.append(
            f": {word} {abs(change)} from {previous.rating}/5 on {previous.date.isoformat()}",
            style=scheme.LATE if trend.dropped else scheme.MUTED,
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
            style=scheme.LATE if trend.dropped else "",
        )
    return cell


def coverage_cell(coverage: Coverage) -> Text:
    """Whether more than one person was touched lately (a watched tier only)."""
    days = coverage.within
    if len(coverage.touched) == 1:
        return safe(
            f"single-threaded: only {coverage.touched[0]} touched in the last {days} days",
            scheme.WARN,
        )
    if not coverage.touched:
        return Text(f"nobody named in `with` in the last {days} days", style=scheme.MUTED)
    return Text(f"{len(coverage.touched)} people touched in the last {days} days")


def _touched_cell(day: date | None, today: date) -> Text:
    if day is None:
        return Text("never", style=scheme.MUTED)
    return Text(f"{day.isoformat()} ({(today - day).days} d ago)")


def account_card(
    account: Account,
    items: Sequence[Item],
    today: date,
    snoozed: bool,
    closed: Sequence[ClosedItem] = (),
    relations: Relations | None = None,
) -> RenderableType:
    head = safe(account.name, "bold")
    head.append_text(safe(f"  ({account.slug}, tier {account.tier.value})", scheme.MUTED))
    rows: list[tuple[str, Text]] = [
        ("file", safe(account.file)),
        ("owner", safe(account.owner or "—")),
        (
            "status",
            safe(account.status.value, scheme.LATE if account.status is Status.LOST else ""),
        ),
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
    contacts = Table(box=box.SIMPLE_HEAD, title=Text("Contacts", style="bold"))
    birthdays = any(c.birthday for c in account.contacts)
    contacts.add_column("Name")
    contacts.add_column("Role")
    contacts.add_column("Phone", no_wrap=True)
    contacts.add_column("Email", no_wrap=True)
    if birthdays:
        contacts.add_column("Birthday", no_wrap=True)
    people = relations.coverage.people if relations is not None else ()
    if people:
        contacts.add_column("Last touched", no_wrap=True)
    for n, c in enumerate(account.contacts):
        cells = [safe(c.name, scheme.NAME), safe(c.role), safe(c.phone), safe(c.email)]
        if birthdays:
            cells.append(safe(c.birthday))
        if people:
            cells.append(_touched_cell(people[n].last_touched, today))
        contacts.add_row(*cells)
    for person in people[len(account.contacts) :]:  # named in `with`, not on file
        cells = [safe(person.name), Text("not on file", style=scheme.MUTED), Text(""), Text("")]
        if birthdays:
            cells.append(Text(""))
        contacts.add_row(*cells, _touched_cell(person.last_touched, today))
    open_items = Table(box=box.SIMPLE_HEAD, title=Text("Open items", style="bold"))
    open_items.add_column("Due", no_wrap=True)
    open_items.add_column("Do · why", ratio=3)
    open_items.add_column("Score", justify="right", no_wrap=True)
    for item in sorted(items, key=lambda i: (i.due, i.kind.value)):
        open_items.add_row(due_text(item, today), action_cell(item, today), f"{item.score:,g}")
    recent = [c for c in closed if c.how == "missed" and (today - c.on).days <= 90]
    missed = Table(box=box.SIMPLE_HEAD, title=Text("Missed (the last 90 days)", style="bold"))
    missed.add_column("Due", no_wrap=True)
    missed.add_column("What")
    missed.add_column("Missed on", no_wrap=True)
    for gone in recent:
        missed.add_row(gone.item.due.isoformat(), action_cell(gone.item, with_reasons=False),
                       gone.on.isoformat())  # fmt: skip
    timeline = Table(box=box.SIMPLE_HEAD, title=Text("History (newest first)", style="bold"))
    timeline.add_column("Date", no_wrap=True)
    timeline.add_column("Kind", no_wrap=True)
    timeline.add_column("With")
    timeline.add_column("Summary", ratio=3)
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
                if summary.plain:
                    summary.append("\n")
                summary.append(f"{label}: ", style=scheme.MUTED)
                summary.append_text(safe(extra))
        timeline.add_row(touch.date.isoformat(), touch.kind.value, safe(touch.with_), summary)
    parts: list[RenderableType] = [Prose(head), fit(_grid(rows)), Text()]
    listed = bool(account.contacts or people)
    parts.append(fit(contacts, ("Role", "Email", "Birthday")) if listed
                 else Text("No contacts on file.", style=scheme.MUTED))  # fmt: skip
    parts.append(Text())
    parts.append(fit(open_items, ("Score",)) if items
                 else Text("Nothing open.", style=scheme.MUTED))  # fmt: skip
    if recent:
        parts += [Text(), fit(missed, ("Missed on",))]
    parts.append(Text())
    parts.append(fit(timeline, ("With",)) if account.history
                 else Text("No history yet.", style=scheme.MUTED))  # fmt: skip
    return Group(*parts)


def why_view(account: Account, items: Sequence[Item], today: date) -> RenderableType:
    parts: list[RenderableType] = [
        Prose(safe(f"Why {account.name} ({account.slug}) ranks where it does", "bold"))
    ]
    if not items:
        parts.append(Text("Nothing is open.", style=scheme.MUTED))
    for item in items:
        head = action_cell(item, today, with_reasons=False)
        head.append(f"  due {item.due.isoformat()} · {item.cls.value}", style=scheme.MUTED)
        parts.append(Text(""))
        parts.append(Prose(head))
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column("term")
        table.add_column("measure", justify="right", no_wrap=True)
        table.add_column("× weight", justify="right", no_wrap=True)
        table.add_column("= value", justify="right", no_wrap=True)
        for term in item.terms:
            table.add_row(term.label, f"{term.measure:,g}", f"{term.weight:,g}", f"{term.value:,g}")
        table.add_row(Text("score", style="bold"), "", "", Text(f"{item.score:,g}", style="bold"))
        parts.append(fit(table, ()))
        if item.past_grace:
            parts.append(
                Prose(
                    Text(
                        "  · past its grace (`grace` in touchplan.yaml): ranks above cadence "
                        "work that can wait, below every commitment due",
                        style=scheme.MUTED,
                    )
                )
            )
        for reason in item.reasons:
            parts.append(Prose(safe(f"  · {reason}", scheme.MUTED), hang=4))
    return Group(*parts)


# -- `week` and `renewals` ----------------------------------------------------------------


def week_view(
    plan: WeekPlan,
    accounts: dict[str, Account],
    today: date,
    over: Text | None = None,
) -> RenderableType:
    """The planned days; ``over`` first: the book needs more than capacity (workload_line)."""
    parts: list[RenderableType] = [Prose(over), Text("")] if over is not None else []
    for day in plan.days:
        planned = [p for p in plan.planned if p.day == day]
        title = Text(f"{weekday(day)} {day.isoformat()}", style="bold")
        title.append(f" · {_count(len(planned), 'call', 'calls')}", style=scheme.MUTED)
        parts.append(Prose(title))
        if not planned:
            parts += [Text("  nothing due", style=scheme.MUTED), Text("")]
            continue
        parts.append(CallsView([p.call for p in planned], accounts, day))
        for p in planned:
            if p.carried_from:
                parts.append(
                    Prose(
                        safe(
                            f"  carried from {p.carried_from.isoformat()}: "
                            f"{accounts[p.call.account].name}",
                            scheme.WARN,
                        )
                    )
                )
        parts.append(Text(""))
    if plan.left_over:
        parts.append(
            Prose(
                Text(
                    f"{_count(len(plan.left_over), 'more call', 'more calls')} due "
                    f"{'does' if len(plan.left_over) == 1 else 'do'} not fit in these days: "
                    "carried to the next working day.",
                    style=scheme.WARN,
                )
            )
        )
    return Group(*parts)


def _colon(text: str) -> str:
    return f": {text}" if text else ""


def renewals_table(rows: list[dict[str, Any]], today: date, within: int) -> RenderableType:
    title = Text(f"Renewals within {within} days of {today.isoformat()}", style="bold")
    if not rows:
        return Group(Prose(title), Text("None.", style=scheme.MUTED))
    table = Table(title=title, box=box.SIMPLE_HEAD)
    for col, justify, whole, ratio in (
        ("Renewal", "left", True, None),
        ("Days", "right", True, None),
        ("Stage", "left", True, None),
        ("Account", "left", False, 2),
        ("Tier", "center", True, None),
        ("Value", "right", True, None),
        ("Progress", "left", True, None),
        ("Next step", "left", False, 2),
        ("Last touch", "left", False, 1),
    ):
        table.add_column(col, justify=justify, no_wrap=whole, ratio=ratio)  # type: ignore[arg-type]
    for r in rows:
        stage = r["stage"]
        last = r["last_touch"]
        last_cell: Shown = (
            Parts(
                [
                    (Text(last["date"]), True),
                    (safe(f" {last['kind']}", multiline=False), False),
                    (safe(_colon(last["summary"]), scheme.MUTED, multiline=False), False),
                ]
            )
            if last
            else Whole(Text("never", style=scheme.MUTED))
        )
        next_due = date.fromisoformat(r["next_due"])
        step_style = scheme.LATE if next_due < today else scheme.TODAY if next_due == today else ""
        table.add_row(
            r["renewal"],
            f"{r['days_left']:,}",
            Text(
                stage if stage in ("lapsed", "renewed", "lost", "ahead") else f"{stage}-day",
                style=scheme.renewal_stage_style(stage),
            ),
            Words(safe(r["name"], scheme.NAME, multiline=False), most=2, cap=ACCOUNT_MOST),
            r["tier"],
            f"{r['value']:,.0f}" if r["value"] is not None else "—",
            Text(r["progress"]),
            Parts(
                [
                    (Text(r["next_due"], style=step_style), True),
                    (safe(f": {r['next_step']}", multiline=False), False),
                ]
            ),
            last_cell,
        )
    return fit(table, ("Tier", "Last touch", "Progress", "Next step", "Value"))


def logged_view(plan: LogPlan, file: str, after: AfterLog) -> RenderableType:
    """What `log` says: the entry written, what it closed, and what is next."""
    logged = plan.entry
    line = safe(f"Logged {logged.kind.value}", "green")
    line.append_text(safe(f" with {logged.with_}" if logged.with_ is not None else ""))
    line.append_text(safe(f" on {logged.date.isoformat()} → {file}"))
    lines: list[RenderableType] = [line]
    open_keys = {i.key for i in after.still_open} | ({after.next.key} if after.next else set())
    for item in plan.closes:
        if item.key in open_keys:  # worked by the call, not closed (a renewal until decided)
            until = (
                "open until signed (--kind renewal --renewal-date) or lost (touchplan lost)"
                if item.kind is ItemKind.RENEWAL
                else "still open"
            )
            lines.append(safe(f"Worked {item.kind.value} {item.id}: {until}", "dim"))
            continue
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


def workload_line(needed: float, capacity: int, owner: str | None) -> Text | None:
    """One line for `today` and `week` when the book needs more calls than capacity."""
    if needed <= capacity:
        return None
    whose = f"{owner}'s book" if owner and owner.strip().lower() != EVERYONE else "The book"
    return safe(
        # short enough for one line at 80 columns
        f"{whose} needs {needed:g} calls a day, capacity {capacity}: see `touchplan workload`.",
        scheme.LATE,
        multiline=False,
    )


def workload_view(load: Workload, owner: str | None) -> RenderableType:
    whose = f"{owner}'s book" if owner and owner != "all" else "the book"
    head = Text(f"Workload of {whose} on {load.date.isoformat()}", style="bold")
    verdict = Text(
        f"{load.needed:g} calls a working day needed, capacity {load.capacity}",
        style="red" if load.over else "green",
    )
    tiers = Table(box=box.SIMPLE_HEAD, title=Text("By tier (keep-in-touch)", style="bold"))
    for col, justify in (("Tier", "left"), ("Accounts", "right"), ("Every", "right"),
                         ("Calls a day", "right")):  # fmt: skip
        tiers.add_column(col, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for t in load.by_tier:
        tiers.add_row(t.tier.value, f"{t.accounts:,}", f"{t.cadence} d" if t.cadence else "—",
                      f"{t.calls:,g}")  # fmt: skip
    kinds = Table(box=box.SIMPLE_HEAD, title=Text("By kind", style="bold"))
    for col, justify in (("Kind", "left"), ("Count", "right"), ("Calls a day", "right")):
        kinds.add_column(col, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for k in load.by_kind:
        kinds.add_row(k.kind, f"{k.count:,}", f"{k.calls:,g}")
    parts: list[RenderableType] = [head, verdict, Text(), fit(tiers), Text(), fit(kinds), Text()]
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
