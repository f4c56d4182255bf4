"""One colour scheme for every command.

Colour only repeats what the words already say (``12 d late``, ``today``, ``problem``),
so nothing is lost in monochrome or with NO_COLOR. The colours are the two ANSI ones
that read on dark and light backgrounds alike (red and magenta: yellow, cyan and green
fade on white, blue on black), with bold and reverse, which every terminal has:

- a commitment past its date: bold red (a lapsed renewal too);
- a commitment due today: bold magenta;
- cadence work (keep in touch, visits, reviews) and commitments not yet due: plain;
  cadence work falling due within the look-ahead: dim;
- a problem: its kind in reverse video, a mark that survives any palette.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text

from touchplan.model import Item, ItemClass, ItemKind

LATE = "bold red"
TODAY = "bold magenta"
PLAIN = ""
SOON = "dim"
PROBLEM = "reverse"
NAME = "bold"
MUTED = "dim"
GOOD = "green"
WARN = "yellow"  # warnings on stderr, as every tool prints them


def item_style(item: Item, today: date) -> str:
    """The urgency of an item as a style: late and due-today commitments stand out."""
    days = item.overdue_days(today)
    if item.cls is ItemClass.COMMITMENT:
        return LATE if days > 0 else TODAY if days == 0 else PLAIN
    return PLAIN if days >= 0 else SOON


def due_words(item: Item, today: date) -> str:
    """``12 d late``, ``today`` or ``in 3 d``."""
    days = item.overdue_days(today)
    if days > 0:
        return f"{days} d late"
    return "today" if days == 0 else f"in {-days} d"


def due_label(item: Item, today: date) -> Text:
    return Text(due_words(item, today), style=item_style(item, today))


def kind_label(item: Item, today: date) -> Text:
    """The item's kind in its urgency's style; a problem marked whatever the colours."""
    style = item_style(item, today)
    if item.kind is ItemKind.PROBLEM:
        style = f"{style} {PROBLEM}".strip()
    return Text(item.kind.value, style=style)


def head_label(item: Item, today: date) -> Text:
    """``follow-up 8v3pp``: the kind and the id to close it by, kept whole in a table."""
    head = kind_label(item, today)
    head.append(f" {item.id}")
    return head


def renewal_stage_style(stage: str) -> str:
    """Lapsed renewals like late commitments, the last escalation like today's."""
    return LATE if stage == "lapsed" else TODAY if stage == "14" else PLAIN
