"""`touchplan call`: the card of one call, what a logged call did, and the day's tally.

A card fits an 80×24 terminal with room for the questions under it: every row is one
line (cut with an ellipsis, never wrapped), and when the account has more to say than
``CARD_LINES`` rows, reasons go first, then the agenda is cut with a count of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.text import Text

from touchplan.model import Contact, Item, Touch
from touchplan.planning.schedule import is_working_day_note
from touchplan.views import scheme
from touchplan.views.console import safe

if TYPE_CHECKING:
    from touchplan.planning.entry import AfterLog, LogPlan
    from touchplan.planning.renewal import RenewalState
    from touchplan.planning.session import Card, Tally

CARD_LINES = 17  # the questions (up to 6 lines) fit under it on a 24-line terminal
MAX_CONTACTS = 3
MAX_TOUCHES = 3
MAX_OPEN = 2
LABEL_WIDTH = 9
KEYS = "Enter reached · NAME or KIND NAME · n no answer · s skip · z snooze · q stop"

Row = tuple[str, Text, Text]  # label, what, when (right-aligned)


def card_view(card: Card, position: int, total: int, today: date) -> RenderableType:
    """The card: the agenda with ids and reasons, whom to ask for, the last touches,
    other open promises and problems, and the renewal."""
    account = card.account
    title = Text("── ", style="dim")
    title.append(f"{position}/{total} ")
    title.append_text(safe(account.name, "bold", multiline=False))
    title.append(f" · tier {account.tier.value} · {card.call.mode}")
    if not card.call.items and not card.call.early:
        title.append(" · nothing due today")
    head = Rule(title, align="left", style="dim")
    people = _contact_rows(card.contacts)
    touches = _touch_rows(account.history)
    also = _open_rows(card.also_open, today)
    renewal = _renewal_rows(card.renewal_state, today)
    room = CARD_LINES - 2 - len(people) - len(touches) - len(also) - len(renewal)
    rows = [*_agenda_rows(card, today, room), *people, *touches, *also, *renewal]
    return Group(head, Rows(rows), Text(KEYS, style="dim", no_wrap=True, overflow="ellipsis"))


class Rows:
    """Label, what and when, one terminal line each at any width: what is cut with an
    ellipsis so that the label and the right-aligned when always show."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        right = max((r[2].cell_len for r in self.rows), default=0)
        for label, what, when in self.rows:
            line = Text(label.ljust(LABEL_WIDTH), style="dim", no_wrap=True)
            room = options.max_width - LABEL_WIDTH - (right + 1 if when else 0)
            cut = what.copy()
            cut.truncate(max(room, 1), overflow="ellipsis", pad=bool(when))
            line.append_text(cut)
            if when:
                line.append(" " * (right + 1 - when.cell_len))
                line.append_text(when)
            yield line


def _labelled(label: str, rows: list[tuple[Text, Text]]) -> list[Row]:
    return [(label if n == 0 else "", what, when) for n, (what, when) in enumerate(rows)]


def _when(item: Item, today: date) -> Text:
    return scheme.due_label(item, today)  # the colours every table uses


def _item_text(item: Item, today: date, upcoming: bool = False) -> Text:
    text = Text("+ " if upcoming else "", style="dim")
    text.append_text(scheme.kind_label(item, today))
    text.append(f" {item.id} ", style="dim")
    text.append_text(safe(item.action, "" if upcoming else "bold", multiline=False))
    return text


def _agenda_rows(card: Card, today: date, room: int) -> list[Row]:
    """The agenda in ``room`` lines: every item, then the first reason of as many of
    them as fit; when the items alone do not fit, the rest are counted."""
    call = card.call
    items = [(i, i in call.upcoming) for i in call.items + call.early + call.upcoming]
    if not items:
        return _labelled("Agenda", [(Text("nothing open", style="dim"), Text(""))])
    room = max(room, 2)
    rows: list[tuple[Text, Text]] = []
    if len(items) > room:
        shown, rest = items[: room - 1], len(items) - (room - 1)
        rows = [(_item_text(i, today, up), _when(i, today)) for i, up in shown]
        more = f"… {rest} more: touchplan show {card.account.slug}"
        rows.append((Text(more, style="dim"), Text("")))
        return _labelled("Agenda", rows)
    spare = room - len(items)
    for item, upcoming in items:
        rows.append((_item_text(item, today, upcoming), _when(item, today)))
        # the last reason that says why (a date moved off a weekend is for `why`)
        why = [r for r in item.reasons if not is_working_day_note(r)]
        if spare > 0 and why and not upcoming:
            reason = Text("  · ", style="dim")
            reason.append_text(safe(why[-1], "dim", multiline=False))
            rows.append((reason, Text("")))
            spare -= 1
    return _labelled("Agenda", rows)


def _contact_rows(contacts: Sequence[Contact]) -> list[Row]:
    """Whom to ask for first; name, phone and e-mail before the role (a cut line loses
    the role first)."""
    if not contacts:
        return _labelled("Ask for", [(Text("no contacts on file", style="dim"), Text(""))])
    shown = list(contacts[:MAX_CONTACTS])
    if len(contacts) > MAX_CONTACTS:
        shown = shown[: MAX_CONTACTS - 1]
    rows = []
    for n, contact in enumerate(shown):
        line = safe(contact.name, "bold" if n == 0 else "", multiline=False)
        for part in (contact.phone, contact.email, contact.role):
            if part:
                line.append(" · ", style="dim")
                line.append_text(safe(part, multiline=False))
        rows.append((line, Text("")))
    if len(shown) < len(contacts):
        rest = len(contacts) - len(shown)
        rows.append((Text(f"… {rest} more contacts", style="dim"), Text("")))
    return _labelled("Ask for", rows)


def _touch_rows(history: Sequence[Touch]) -> list[Row]:
    """The last three touches, newest first, with what was said."""
    last = sorted(history, key=lambda t: (t.date, t.index), reverse=True)[:MAX_TOUCHES]
    if not last:
        return _labelled("History", [(Text("no history yet", style="dim"), Text(""))])
    rows = []
    for touch in last:
        line = Text(f"{touch.date.isoformat()} {touch.kind.value}", style="dim")
        if touch.with_:
            line.append_text(safe(f" {touch.with_}", "dim", multiline=False))
        if touch.summary:
            line.append(": ", style="dim")
            line.append_text(safe(" ".join(touch.summary.split()), multiline=False))
        rows.append((line, Text("")))
    return _labelled("History", rows)


def _open_rows(items: Sequence[Item], today: date) -> list[Row]:
    """Promises, bookings and problems open but not on today's agenda."""
    if not items:
        return []
    shown = list(items[:MAX_OPEN])
    rows = [(_item_text(i, today), Text(f"due {i.due.isoformat()}", style="dim")) for i in shown]
    if len(items) > len(shown):
        rows[-1][0].append(f" (+{len(items) - len(shown)} more)", style="dim")
    return _labelled("Open", rows)


def _renewal_rows(state: RenewalState | None, today: date) -> list[Row]:
    if state is None:
        return []
    line = Text(state.renewal.isoformat())
    line.append(f" · {state.progress}", style="bold" if state.started else "yellow")
    if state.last_progress is not None:
        line.append(f" since {state.last_progress.isoformat()}", style="dim")
    if state.due > today:
        line.append(f" · next step {state.due.isoformat()}", style="dim")
    left = state.days_left
    when = f"in {left} d" if left >= 0 else f"{-left} d ago"
    return _labelled("Renewal", [(line, Text(when, style="red" if left < 15 else ""))])


# -- after a card -------------------------------------------------------------------------


def called_view(
    plan: LogPlan,
    settled: Sequence[Item],
    file: str,
    after: AfterLog,
    back_on: date | None = None,
) -> RenderableType:
    """What the call wrote: the entry, what it closed (by id, and by its kind), and what
    is next for the account; for an attempt, the day the call comes back instead."""
    logged = plan.entry
    line = safe(f"Logged {logged.kind.value}", "green")
    line.append_text(safe(f" with {logged.with_}" if logged.with_ is not None else ""))
    line.append_text(safe(f" → {file}"))
    lines: list[RenderableType] = [line]
    closed = {i.key for i in (*plan.closes, *plan.resolves)}
    for verb, items in (
        ("closed", plan.closes),
        ("resolved", plan.resolves),
        ("settled", [i for i in settled if i.key not in closed]),
    ):
        for item in items:
            lines.append(safe(f"  {verb} {item.kind.value} {item.id}: {item.action}", "dim"))
    if logged.stage is not None:
        lines.append(safe(f"  renewal: {logged.stage.value}", "dim"))
    if logged.renewal:
        lines.append(safe(f"  renewal signed: the date moves to {logged.renewal.isoformat()}"))
    if back_on is not None:
        lines.append(safe(f"  back on the list {back_on.strftime('%a')} {back_on.isoformat()}"))
    elif after.next:
        first = after.next
        nxt = safe("  next: ", "bold")
        nxt.append_text(
            safe(f"{first.kind.value} {first.id} {first.action} (due {first.due.isoformat()})")
        )
        lines.append(nxt)
    return Group(*lines)


def tally_view(t: Tally) -> RenderableType:
    """The day's tally: calls made, reached, attempts, skipped, promises, still due."""
    made = safe(
        f"{t.made} call{'' if t.made == 1 else 's'} made: {t.reached} reached, "
        f"{t.attempts} not answered · {t.skipped} skipped",
        "bold",
    )
    if t.snoozed:
        made.append(f" · {t.snoozed} snoozed")
    made.append(f" · {t.promises} promise{'' if t.promises == 1 else 's'} made")
    if t.failed:
        made.append(f" · {t.failed} not logged (see above)", style="red")
    lines: list[RenderableType] = [made]
    if t.still_due:
        still = Text(f"Still due today: {t.still_due} call{'' if t.still_due == 1 else 's'}")
        if t.still_names:
            still.append_text(safe(f" — {', '.join(t.still_names)}", multiline=False))
            if t.still_due > len(t.still_names):
                still.append(" …")
        lines.append(still)
    else:
        lines.append(Text("Nothing else is due today.", style="green"))
    return Group(*lines)
