"""Tables that never split a token.

Rich fits a table that is too wide by narrowing its widest columns, down to breaking
words, amounts and phone numbers across lines (``Northsta`` / ``r``). touchplan lays
its tables out here and lets Rich only paint the lines:

- every column is at least as wide as its longest unbreakable piece: a word of free
  text, or the whole cell in a ``no_wrap`` column (dates, numbers, amounts, phones,
  e-mails, ids). Free text wraps at spaces, or, put in a ``Clip``, is shortened to one
  line with an ellipsis;
- when the width cannot hold every column, the least important columns are left out
  (the rightmost first, unless the view names an order) and one line says which;
- spare width goes to the columns that want it: a wider terminal shows longer text,
  not more lines;
- without a width (stdout is not a terminal and COLUMNS is unset: see
  ``console.stdout_console``) nothing is wrapped or shortened: one line per row.

A view builds an ordinary ``rich.table.Table`` (its columns, rows, title and sections)
and hands it to ``fit``; a cell may also be one of the ``Cell`` classes below, for
lines whose parts behave differently (an id kept whole beside text that may shrink).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Column, Table
from rich.text import Text

ELLIPSIS = "…"
UNLIMITED = 10_000  # a console this wide has no width: see console.stdout_console
WORD_CAP = 40  # a longer "word" (a URL in a note) may be shortened rather than widen a column
CLIP_LEAST = 8  # the narrowest a Clip asks for: a word or two and the ellipsis
GAP = 2  # spaces between columns; 1 when 2 would not fit
_WORD = re.compile(r"(?:\S|\u00a0)+")  # a no-break space holds a word together
_TRAILING = ",;:·-–—"


def width_of(options: ConsoleOptions) -> int | None:
    """The width to lay out for, None for no limit."""
    return None if options.max_width >= UNLIMITED else options.max_width


# -- text at a width ------------------------------------------------------------------


def _cut(text: Text, start: int, end: int) -> Text:
    """``text[start:end]`` with its styles (``divide`` exists in every Rich we support)."""
    return text.divide([start, end])[1] if end > start else Text(style=text.style)


def shorten(text: Text, width: int) -> Text:
    """One line of at most ``width`` cells: cut after the last whole word that fits,
    with an ellipsis; a first word too long for the width is cut inside."""
    if cell_len(text.plain) <= width:
        return text
    if width <= 0:
        return Text()
    plain = text.plain
    room = width - 1  # the ellipsis takes a cell
    end = 0
    for match in _WORD.finditer(plain):
        if cell_len(plain[: match.end()]) > room:
            break
        end = match.end()
    if end == 0:  # not even one word fits: a word shortened is still not split
        end = len(plain)
        while end and cell_len(plain[:end]) > room:
            end -= 1
    out = _cut(text, 0, end)
    out.rstrip()
    while out.plain and out.plain[-1] in _TRAILING:  # "days:…" reads as "days…"
        out.right_crop(1)
        out.rstrip()
    out.append(ELLIPSIS, style=text.style or None)
    return out


def first_word_end(text: Text) -> int:
    """Cells up to the end of the first word with a letter or digit in it (a shortened
    part must show at least that much, not a lone comma)."""
    plain = text.plain
    for match in _WORD.finditer(plain):
        if any(ch.isalnum() for ch in match.group()):
            return cell_len(plain[: match.end()])
    return cell_len(plain)


def _lines_of(text: Text) -> list[Text]:
    """The text's lines, without the blank ones at its end (a YAML block's newline)."""
    if "\n" not in text.plain:
        return [text]
    lines = list(text.split("\n", allow_blank=True))
    while len(lines) > 1 and not lines[-1].plain.strip():
        lines.pop()
    return lines


def wrap(text: Text, width: int, hang: int = 0) -> list[Text]:
    """Lines of at most ``width`` cells, broken only at spaces (a word longer than the
    width is shortened with an ellipsis, never split); lines after a line's first are
    indented by ``hang`` when that leaves room."""
    if hang and width - hang < WORD_CAP // 2:
        hang = 0
    out: list[Text] = []
    for line in _lines_of(text):
        plain = line.plain
        spans = [m.span() for m in _WORD.finditer(plain)]
        if not spans:
            out.append(Text())
            continue
        last = spans[-1][1]
        if not line.spans and cell_len(plain[:last]) <= width:
            # all on one line: what `_cut(line, 0, last)` gives (a table's common case,
            # without `divide`'s cost)
            out.append(Text(plain[:last], style=line.style, justify=line.justify,
                            overflow=line.overflow))  # fmt: skip
            continue
        room = width
        first, end = 0, spans[0][1]  # a line's indent stays on its first line
        for start, stop in spans[1:]:
            if cell_len(plain[first:stop]) <= room:
                end = stop
                continue
            out.append(_hung(shorten(_cut(line, first, end), room), width - room))
            first, end, room = start, stop, width - hang
        out.append(_hung(shorten(_cut(line, first, end), room), width - room))
    return out


def _hung(line: Text, indent: int) -> Text:
    return Text(" " * indent) + line if indent else line


def flat(text: Text) -> Text:
    """The text on one line: line breaks and runs of spaces become one space."""
    if "\n" not in text.plain:
        return text
    out = Text(style=text.style)
    for n, line in enumerate(_lines_of(text)):
        line = line.copy()
        line.rstrip()
        if not line.plain.strip():
            continue
        if n and out.plain:
            out.append(" ")
        out.append_text(line)
    return out


def _longest_word(plain: str) -> int:
    return max((cell_len(w.group()) for w in _WORD.finditer(plain)), default=0)


def _natural(text: Text) -> int:
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


# -- cells ------------------------------------------------------------------------------


@runtime_checkable
class Cell(Protocol):
    """A table cell that knows its widths and how to show itself at a width."""

    def measure(self) -> tuple[int, int]:
        """(narrowest width that keeps every token whole, width it needs on one line)."""
        ...

    def lines(self, width: int | None) -> list[Text]:
        """The cell's lines at ``width`` (None: no limit, one line)."""
        ...


class Shown:
    """Base of the cells: also a Rich renderable, so a cell can sit in a Rich table (or
    be printed alone) and shows as it would in a fitted table."""

    def measure(self) -> tuple[int, int]:
        raise NotImplementedError

    def lines(self, width: int | None) -> list[Text]:
        raise NotImplementedError

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from lines_renderable(console, self.lines(width_of(options)))


@dataclass
class Words(Shown):
    """Free text: wraps at spaces, never inside a word; at most ``most`` lines (the
    last one shortened with an ellipsis), and one line without a width."""

    text: Text
    most: int | None = None
    cap: int = WORD_CAP  # the narrowest width asked for never exceeds this
    hang: int = 0  # lines after the first are indented this much

    def measure(self) -> tuple[int, int]:
        natural = _natural(self.text)
        least = min(_longest_word(self.text.plain), self.cap)
        if self.most is not None and least < min(natural, self.cap):
            # the narrowest width that still holds it in ``most`` lines (a greedy wrap
            # never needs more lines at a larger width, so halving finds it)
            low, high = least, min(natural, self.cap)
            while low < high:
                middle = (low + high) // 2
                if len(wrap(self.text, middle)) <= self.most:
                    high = middle
                else:
                    low = middle + 1
            least = low
        return least, natural

    def lines(self, width: int | None) -> list[Text]:
        if width is None:
            return [flat(self.text)] if self.most is not None else _lines_of(self.text)
        lines = wrap(self.text, width, self.hang)
        if self.most is not None and len(lines) > self.most:
            last = lines[self.most - 1].copy()
            last.append(" " + ELLIPSIS)
            lines = [*lines[: self.most - 1], shorten(last, width)]
        return lines


@dataclass
class Whole(Shown):
    """A value that is never wrapped nor shortened: a date, an amount, a phone, an id."""

    text: Text

    def measure(self) -> tuple[int, int]:
        natural = _natural(self.text)
        return natural, natural

    def lines(self, width: int | None) -> list[Text]:
        lines = _lines_of(self.text)
        if width is None:
            return lines
        return [shorten(line, width) for line in lines]  # only if squeezed past its minimum


@dataclass
class Clip(Shown):
    """Free text on one line, shortened with an ellipsis to fit (at least ``least``)."""

    text: Text
    least: int = CLIP_LEAST

    def measure(self) -> tuple[int, int]:
        natural = cell_len(flat(self.text).plain)
        return min(natural, self.least), natural

    def lines(self, width: int | None) -> list[Text]:
        one = flat(self.text)
        return [one if width is None else shorten(one, width)]


@dataclass
class Parts(Shown):
    """One line of parts: the ``keep`` ones always whole, the others shortened (or left
    out) to fit, e.g. ``follow-up 8v3pp`` kept and ``Send the price list`` shortened."""

    parts: Sequence[tuple[Text, bool]]

    def measure(self) -> tuple[int, int]:
        keep = sum(cell_len(t.plain) for t, k in self.parts if k)
        return keep, sum(cell_len(t.plain) for t, _k in self.parts)

    def lines(self, width: int | None) -> list[Text]:
        out = Text()
        if width is None:
            for text, _keep in self.parts:
                out.append_text(text)
            return [out]
        cut = False  # once a part is shortened, the shrinkable ones after it are left out
        for n, (text, keep) in enumerate(self.parts):
            after = sum(cell_len(t.plain) for t, k in self.parts[n + 1 :] if k)
            room = width - cell_len(out.plain) - after
            if keep or (not cut and cell_len(text.plain) <= room):
                out.append_text(text)
            elif not cut and room > first_word_end(text):
                out.append_text(shorten(text, room))
                cut = True
            else:
                cut = True
        return [shorten(out, width)]


@dataclass
class Stack(Shown):
    """Cells one under another; on one line (no width) joined by ``sep``."""

    cells: Sequence[Cell]
    sep: str = " · "

    def measure(self) -> tuple[int, int]:
        sizes = [c.measure() for c in self.cells] or [(0, 0)]
        return max(s[0] for s in sizes), max(s[1] for s in sizes)

    def lines(self, width: int | None) -> list[Text]:
        if width is None:
            out = Text()
            for cell in self.cells:
                for line in cell.lines(None):
                    if line.plain:
                        if out.plain:
                            out.append(self.sep)
                        out.append_text(line)
            return [out]
        return [line for cell in self.cells for line in cell.lines(width)]


def as_cell(value: object, column: Column) -> Cell:
    """A cell from what a Rich table holds: whole in a ``no_wrap`` column, else words
    (a view puts a ``Clip`` or ``Parts`` in the cell itself to shorten instead)."""
    if isinstance(value, Shown):
        return value  # before the protocol check: a runtime one costs a table's rendering
    if value is None:
        text = Text()
    elif isinstance(value, Text):
        text = value
    elif isinstance(value, str):
        text = Text(value)  # plain: our consoles never read markup
    elif isinstance(value, Cell):
        return value
    else:
        text = Text(str(value))
    return Whole(text) if column.no_wrap else Words(text)


# -- the layout ---------------------------------------------------------------------------


@dataclass
class Layout:
    """Which columns are shown, how wide, and which were left out."""

    shown: list[int]
    widths: dict[int, int]
    gap: int
    dropped: list[str] = field(default_factory=list)


def _drop_order(columns: Sequence[Column], drop: Sequence[str] | None) -> list[int]:
    if drop is None:  # the rightmost first; the first column always stays
        return list(range(len(columns) - 1, 0, -1))
    index = {str(c.header): n for n, c in enumerate(columns)}
    return [index[name] for name in drop if name in index]


@dataclass(frozen=True)
class Size:
    """A column's widths: the narrowest that keeps every token whole (``least``), the
    narrowest it asks for (``wanted``: its ``min_width``, given up before a column is
    left out) and what it needs to show everything on one line (``natural``)."""

    least: int
    wanted: int
    natural: int


def plan_widths(
    sizes: Sequence[Size],
    columns: Sequence[Column],
    width: int | None,
    drop: Sequence[str] | None = None,
) -> Layout:
    """Widths for columns of ``sizes`` within ``width``."""
    every = list(range(len(sizes)))
    if width is None:
        return Layout(every, {n: sizes[n].natural for n in every}, GAP)
    order = _drop_order(columns, drop)
    shown = list(every)
    measures: tuple[Callable[[Size], int], ...] = (
        lambda size: size.natural,
        lambda size: size.wanted,
        lambda size: size.least,
    )

    def needed(cols: list[int], space: int, measure: Callable[[Size], int]) -> int:
        return sum(measure(sizes[n]) for n in cols) + space * (len(cols) - 1)

    # the first that fits: nothing wrapped (wide gaps, then narrow ones), every column
    # as wide as it asks, then as narrow as its tokens allow; a column is left out only
    # when even that cannot fit
    tries = [(g, m) for m in measures for g in range(GAP, 0, -1)]

    def fitting(cols: list[int]) -> tuple[int, Callable[[Size], int]] | None:
        return next(((g, m) for g, m in tries if needed(cols, g, m) <= width), None)

    dropped: list[int] = []
    while not (fits := fitting(shown)):
        victims = [n for n in order if n in shown]
        if not victims:
            break
        shown.remove(victims[0])
        dropped.append(victims[0])
    # a column left out early may fit again beside the ones that had to go after it
    for n in reversed(dropped[:-1]):
        again = sorted([*shown, n])
        if fitting(again):
            shown = again
            fits = fitting(shown)
    gap, measure = fits or (1, measures[-1])
    widths = {n: measure(sizes[n]) for n in shown}
    spare = width - needed(shown, gap, measure)
    while spare < 0 and max(widths.values(), default=0) > 1:
        # even the columns that always stay are too wide: their cells get shortened
        widest = max(widths, key=lambda n: widths[n])
        widths[widest] -= 1
        spare += 1
    # the spare room, up to each column's natural width: first to the columns with a
    # ratio (text that grows longer rather than wraps), shared by their ratios
    while spare > 0:
        hungry = [n for n in shown if widths[n] < sizes[n].natural and columns[n].ratio]
        if not hungry:
            break
        for n in hungry:
            give = min(columns[n].ratio or 1, sizes[n].natural - widths[n], spare)
            widths[n] += give
            spare -= give
            if not spare:
                break
    # then to the others, left to right, each whole when it fits: as many columns as
    # can be are unwrapped; what is left is shared out
    for n in shown:
        if sizes[n].natural - widths[n] <= spare:
            spare -= sizes[n].natural - widths[n]
            widths[n] = sizes[n].natural
    while spare > 0:
        hungry = [n for n in shown if widths[n] < sizes[n].natural]
        if not hungry:
            break
        for n in hungry[:spare]:
            widths[n] += 1
            spare -= 1
    return Layout(shown, widths, gap, [str(columns[n].header) for n in every if n not in shown])


def _pad(line: Text, width: int, justify: str) -> Text:
    room = width - cell_len(line.plain)
    if room <= 0:
        return line
    out = Text()
    if justify == "right":
        out.append(" " * room)
        out.append_text(line)
    elif justify == "center":
        out.append(" " * (room // 2))
        out.append_text(line)
        out.append(" " * (room - room // 2))
    else:
        out.append_text(line)
        out.append(" " * room)
    return out


def _styled(text: Text, style: str | Style) -> Text:
    """The column's style under the cell's own."""
    if not style:
        return text
    out = Text(style=style)
    out.append_text(text)
    return out


def _measured(table: Table) -> tuple[list[list[Cell]], list[Cell], list[Size]]:
    """The table's cells, its headers and each column's widths."""
    columns = table.columns
    cells = [[as_cell(value, col) for value in col.cells] for col in columns]
    heads: list[Cell] = [Words(Text(str(col.header))) for col in columns]
    sizes = []
    for col, head, column_cells in zip(columns, heads, cells, strict=True):
        measured = [c.measure() for c in column_cells]
        head_least, head_natural = head.measure() if table.show_header else (0, 0)
        least = max([head_least, *(m[0] for m in measured)])
        natural = max([head_natural, least, *(m[1] for m in measured)])
        if col.max_width is not None:
            natural = max(least, min(natural, col.max_width))
        wanted = max(least, min(col.min_width or 0, natural))
        sizes.append(Size(least, wanted, natural))
    return cells, heads, sizes


def layout_of(table: Table, width: int | None, drop: Sequence[str] | None = None) -> Layout:
    """How ``table`` would be laid out at ``width`` (to adapt a table to it first)."""
    return plan_widths(_measured(table)[2], table.columns, width, drop)


def table_lines(table: Table, width: int | None, drop: Sequence[str] | None = None) -> list[Text]:
    """The table as lines of at most ``width`` cells (title, header, rule, rows)."""
    columns = table.columns
    cells, heads, sizes = _measured(table)
    layout = plan_widths(sizes, columns, width, drop)
    gap = " " * layout.gap
    out: list[Text] = []
    if table.title:
        title = table.title if isinstance(table.title, Text) else Text(str(table.title))
        out.extend(Words(title).lines(width))

    def row_lines(row: Sequence[Cell], style_of: Sequence[str | Style]) -> list[Text]:
        rendered = {n: row[n].lines(layout.widths[n] if width is not None else None)
                    for n in layout.shown}  # fmt: skip
        height = max((len(lines) for lines in rendered.values()), default=0)
        lines = []
        for i in range(height):
            line = Text()
            for k, n in enumerate(layout.shown):
                part = rendered[n][i] if i < len(rendered[n]) else Text()
                part = _styled(part, style_of[n])
                last = k == len(layout.shown) - 1
                if width is not None or not last:
                    part = _pad(part, layout.widths[n], str(columns[n].justify))
                if k:
                    line.append(gap)
                line.append_text(part)
            line.rstrip()
            lines.append(line)
        return lines

    total = sum(layout.widths[n] for n in layout.shown) + layout.gap * (len(layout.shown) - 1)
    rule = Text("─" * total, style="dim")
    if table.show_header:
        out.extend(row_lines(heads, [c.header_style or "bold" for c in columns]))
        if table.box is not None:
            out.append(rule)
    for r in range(table.row_count):
        out.extend(row_lines([cells[n][r] for n in range(len(columns))],
                             [c.style or "" for c in columns]))  # fmt: skip
        if table.rows[r].end_section and r < table.row_count - 1:
            out.append(rule)
    if layout.dropped:
        out.append(dropped_hint(layout.dropped, width))
    return out


def dropped_hint(names: Sequence[str], width: int | None) -> Text:
    """The one line that says which columns a narrow terminal left out."""
    listed = ", ".join(names)
    return Text(f"Left out at {width} columns: {listed}.", style="dim")


class Fitted:
    """A Rich renderable: the table laid out at the console's width (see module doc)."""

    def __init__(self, table: Table, drop: Sequence[str] | None = None) -> None:
        self.table = table
        self.drop = drop

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from lines_renderable(console, table_lines(self.table, width_of(options), self.drop))


def fit(table: Table, drop: Sequence[str] | None = None) -> Fitted:
    """``table`` laid out so that no token is split (``drop``: the column headers to
    leave out first when the width is short, most expendable first)."""
    return Fitted(table, drop)


def lines_renderable(console: Console, lines: Iterable[Text]) -> Iterable[Segment]:
    """Finished lines as segments: Rich wraps nothing again."""
    for line in lines:
        yield from line.render(console)
        yield Segment.line()


class Prose:
    """Text that wraps at spaces only (Rich would break a long word), and not at all
    without a width; lines after the first indented ``hang`` columns."""

    def __init__(self, text: Text, hang: int = 0) -> None:
        self.text = text
        self.hang = hang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = Words(self.text, hang=self.hang).lines(width_of(options))
        yield from lines_renderable(console, lines)
