"""What a command prints, and in which format: every listing command goes through `emit`.

This module imports no Rich at load time: the CLI imports it for every command,
`--help` and `--version` included, and Rich (about 30 ms) loads only when a table or
a message is actually printed. Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from touchplan.errors import Problem, UsageError
from touchplan.progress import ProgressFactory
from touchplan.text import for_display

if TYPE_CHECKING:
    from rich.console import RenderableType


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def emit(
    fmt: Format,
    *,
    table: Callable[[], RenderableType],
    document: Callable[[], object],
    rows: Callable[[], Sequence[Mapping[str, Any]]] | None = None,
    columns: Sequence[str] = (),
    command: str = "this command",
) -> None:
    """Print one of the three forms of a result; only the one asked for is built.

    ``rows`` and ``columns`` make the CSV form; a command without them has none.
    """
    if fmt is Format.json:
        emit_json(document())
    elif fmt is Format.csv:
        if rows is None:
            raise no_csv(command)
        emit_csv(rows(), columns)
    else:
        show(table())


def no_csv(command: str) -> UsageError:
    return UsageError(f"{command} has no csv format", "use --format json")


# Characters that are valid in JSON strings but would act on a terminal (C1 controls
# such as U+009B CSI, bidi overrides, line separators): written as \uXXXX escapes.
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def json_text(data: object) -> str:
    """The JSON document `emit` prints (with its final newline)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def emit_json(data: object) -> None:
    sys.stdout.write(json_text(data))


def csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """The CSV `emit` prints: a header row, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def emit_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    sys.stdout.write(csv_text(rows, columns))


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        raw = "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        raw = " ".join(str(v) for v in value.values() if v)
    else:
        raw = str(value)
    text = for_display(raw, multiline=False)  # a cell must never act on a terminal
    # a spreadsheet would run a cell starting with these as a formula
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- plain messages -----------------------------------------------------------------------


def show(renderable: RenderableType, *, err: bool = False) -> None:
    """A table or other renderable, on stdout (stderr with ``err``)."""
    from touchplan.views.console import stderr_console, stdout_console

    (stderr_console() if err else stdout_console()).print(renderable)


def say(message: str, style: str = "", *, err: bool = False) -> None:
    """One line of inert text on stdout (stderr with ``err``)."""
    from touchplan.views.console import safe

    show(safe(message, style), err=err)


def warn(message: str, style: str = "yellow") -> None:
    """A diagnostic: one line of inert text on stderr."""
    say(message, style, err=True)


def warn_skipped(skipped: Sequence[str], warnings: Sequence[str] = ()) -> None:
    """Name the account files (and folders) left out of planning, and anything else
    planning worked around (a cache folder it could not use), on stderr."""
    for message in warnings:
        warn(f"warning: {message}")
    if skipped:
        from touchplan.views.console import skipped_warning, stderr_console

        stderr_console().print(skipped_warning(list(skipped)))


def show_problems(problems: Sequence[Problem]) -> None:
    """`check`: every problem on stdout, one unwrapped line each, then a count on stderr."""
    from touchplan.views.console import problem_line, stdout_console

    console = stdout_console()
    for problem in problems:
        console.print(problem_line(problem), soft_wrap=True)
    files = len({p.path for p in problems})
    count = len(problems)
    warn(
        f"{count} problem{'' if count == 1 else 's'} in {files} file{'' if files == 1 else 's'}",
        "red",
    )


@contextlib.contextmanager
def progress(label: str, minimum: int = 2000) -> Iterator[ProgressFactory | None]:
    """A progress bar for long work (``minimum`` steps or more), on stderr and only on
    a terminal (Rich loads only then); None elsewhere."""
    if not sys.stderr.isatty():
        yield None
        return
    from touchplan.views.console import ProgressReporter

    reporter = ProgressReporter(label, minimum)
    try:
        yield reporter
    finally:
        reporter.close()
