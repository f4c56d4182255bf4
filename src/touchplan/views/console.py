"""Consoles and the pieces every command prints: inert text, problems, progress.

User data is never markup: every value goes through ``safe()``, which shows control
characters as escapes and wraps the text in ``rich.text.Text``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.text import Text

from touchplan.errors import Problem
from touchplan.text import for_display
from touchplan.views.layout import UNLIMITED


def safe(value: object, style: str = "", *, multiline: bool = True) -> Text:
    """Data as inert text: no markup, no escapes, no control characters."""
    return Text(for_display("" if value is None else value, multiline=multiline), style=style)


def stdout_console() -> Console:
    """Data's console: a terminal's own width; into a pipe or a file, COLUMNS when it is
    set and otherwise no width at all, so `touchplan today | less` and scripts get one
    line per row, never a layout for a terminal they are not (see views.layout)."""
    return Console(highlight=False, emoji=False, markup=False, width=output_width())


def output_width() -> int | None:
    """None on a terminal (Rich asks it, COLUMNS first), else what to lay out for."""
    if sys.stdout.isatty():
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return min(int(columns), UNLIMITED)
    return UNLIMITED


def stderr_console() -> Console:
    # diagnostics are lines to grep, never wrapped to the terminal's width
    return Console(stderr=True, highlight=False, emoji=False, markup=False, soft_wrap=True)


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

    def __call__(self, total: int, label: str | None = None) -> Callable[[int], None]:
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
        task = self.progress.add_task(label or self.label, total=total)
        return lambda n: self.progress.advance(task, n)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
