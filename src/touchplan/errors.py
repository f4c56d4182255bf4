"""The error hierarchy. Core code raises these; only ``cli`` reports them and exits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_DATA = 1
EXIT_USAGE = 2


class TouchplanError(Exception):
    """Base of every error touchplan reports to the user."""

    exit_code = EXIT_DATA

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(TouchplanError):
    """The command line was wrong: exit 2."""

    exit_code = EXIT_USAGE


class NotFoundError(TouchplanError):
    """No data root, or no account matching a name."""


class AmbiguousError(TouchplanError):
    """An account name matched several accounts."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class WriteError(TouchplanError):
    """An edit could not be made safely; the file was left untouched."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a file: ``FILE:LINE: field: message (hint)``."""

    path: str
    line: int | None
    field: str
    message: str
    hint: str = ""
    fatal: bool = True  # fatal problems keep the account out of planning

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}:{field} {self.message}{hint}"


class AccountFileError(TouchplanError):
    """A file that cannot be used, with every problem found in it."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
