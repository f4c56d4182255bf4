"""Running touchplan the way a rep does, in-process (fast) or as a process (exact).

In-process runs go through the console-script entry point (resolved by name, so a
package re-layout does not break the simulator) with ``sys.argv`` set, stdout and
stderr captured, no terminal on stdin, and ``SystemExit`` caught.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

# The environment of every run: no colour, a wide console, and nothing of the
# caller's touchplan settings (a TOUCHPLAN_OWNER would filter the list).
FIXED_ENV = {"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"}
CLEARED_ENV = ("TOUCHPLAN_DIR", "TOUCHPLAN_OWNER", "FORCE_COLOR", "TOUCHPLAN_DEBUG_PAUSE")


class SimError(Exception):
    """A command the rep expected to succeed failed: the run stops."""


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Features:
    """What the installed touchplan can do, read once from its help texts."""

    done_ids: bool = False  # --done ID / --resolved ID
    stage: bool = False  # --kind renewal --stage
    attempt: bool = False  # --kind attempt
    booking: bool = False  # --next "DATE visit: ACTION"
    lost: bool = False  # the `lost` command
    owner: bool = False  # today --owner (we pass 'all')
    date_order: bool = False  # import --date-order

    def describe(self) -> str:
        names = [k for k, v in self.__dict__.items() if v]
        return ", ".join(names) or "none of the new options"


def _takes_value(help_text: str, option: str) -> bool:
    """Whether the help shows ``option`` with a value (``--done <str>``, ``--done ID``)."""
    # Click prints the metavar, then two or more spaces before the description
    pattern = rf"{re.escape(option)}[ =]+(<\w+>|[A-Z][A-Z_]*)(\s{{2,}}|$)"
    return re.search(pattern, help_text, re.MULTILINE) is not None


def _load_main() -> Callable[[], object]:
    found = entry_points(group="console_scripts", name="touchplan")
    if not found:
        raise SimError("no `touchplan` console script is installed (pip install -e .)")
    main: Callable[[], object] = next(iter(found)).load()
    return main


class Touchplan:
    """touchplan run against one book, on the simulated day."""

    def __init__(self, book: Path, cache: Path, *, use_subprocess: bool = False) -> None:
        self.book = book
        self.cache = cache
        self.use_subprocess = use_subprocess
        self.runs = 0
        self._main = None if use_subprocess else _load_main()
        self._exe = self._executable() if use_subprocess else ""
        self.features = self._detect()

    @staticmethod
    def _executable() -> str:
        beside = Path(sys.executable).parent / "touchplan"
        found = str(beside) if beside.exists() else shutil.which("touchplan")
        if not found:
            raise SimError("no `touchplan` executable on PATH")
        return found

    def _detect(self) -> Features:
        top = self.run(["--help"], None).stdout
        log = self.run(["log", "--help"], None).stdout
        today = self.run(["today", "--help"], None).stdout
        imp = self.run(["import", "--help"], None).stdout
        next_help = log[log.find("--next") :][:400]
        return Features(
            done_ids=_takes_value(log, "--done"),
            stage="--stage" in log,
            attempt=re.search(r"\battempt\b", log) is not None,
            booking=re.search(r"visit:|\bbook", next_help, re.IGNORECASE) is not None,
            lost=re.search(r"^\s+lost\s", top, re.MULTILINE) is not None,
            owner="--owner" in today,
            date_order="--date-order" in imp,
        )

    def env(self, day: date | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
        env.update(FIXED_ENV)
        env["TOUCHPLAN_CACHE_DIR"] = str(self.cache)
        if day is not None:
            env["TOUCHPLAN_TODAY"] = day.isoformat()
        return env

    def run(self, args: Sequence[str], day: date | None, *, check: bool = True) -> Result:
        """``touchplan ARGS --dir BOOK`` as of ``day``; a failure stops the run when
        ``check`` (help texts are run without --dir)."""
        argv = list(args)
        if day is not None:
            argv += ["--dir", str(self.book)]
        self.runs += 1
        result = self._subprocess(argv, day) if self.use_subprocess else self._inprocess(argv, day)
        if check and result.code != 0:
            shown = " ".join(_shell_word(a) for a in ["touchplan", *argv])
            raise SimError(
                f"{shown} exited {result.code} (TOUCHPLAN_TODAY={day}):\n{result.stderr.strip()}"
            )
        return result

    def _subprocess(self, argv: list[str], day: date | None) -> Result:
        done = subprocess.run(
            [self._exe, *argv],
            env=self.env(day),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def _inprocess(self, argv: list[str], day: date | None) -> Result:
        assert self._main is not None
        saved_env = dict(os.environ)
        saved_argv, saved_stdin = sys.argv, sys.stdin
        out, err = io.StringIO(), io.StringIO()
        code = 0
        try:
            os.environ.clear()
            os.environ.update(self.env(day))
            sys.argv = ["touchplan", *argv]
            sys.stdin = io.StringIO("")  # never a terminal: nothing may prompt
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    self._main()
                except SystemExit as exc:
                    code = _exit_code(exc.code)
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            sys.argv, sys.stdin = saved_argv, saved_stdin
        return Result(code, out.getvalue(), err.getvalue())


def _exit_code(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return 1  # sys.exit("message")


def _shell_word(word: str) -> str:
    return word if re.fullmatch(r"[\w@%+=:,./-]+", word) else "'" + word.replace("'", "'\\''") + "'"
