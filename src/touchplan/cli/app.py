"""The Typer app: every command registered in one place, and the one place where an
error becomes a message on stderr and an exit code."""

from __future__ import annotations

import gc
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from touchplan import __version__
from touchplan.cli import call, connect, daily, team
from touchplan.errors import EXIT_DATA, EXIT_USAGE, AccountFileError, AmbiguousError, TouchplanError
from touchplan.text import for_display


class SafeGroup(TyperGroup):
    """Reports every error in one place, with data made inert, and picks the exit code."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False
        try:
            argv = bare_options(list(sys.argv[1:] if args is None else args))
            result = super().main(argv, *rest, **kwargs)
        except TouchplanError as exc:
            report_error(exc)
            result = exc.exit_code
        except typer.Abort:
            from touchplan.views.output import warn

            warn("Aborted.", "red")
            result = EXIT_DATA
        except TyperException as exc:  # Typer's usage errors: data in them made inert
            result = report_usage_error(exc)
        except BrokenPipeError:
            # the reader of our output went away (e.g. `| head`): not an error to shout about
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115
            result = EXIT_DATA
        if not standalone:
            return result
        sys.exit(result if isinstance(result, int) else 0)


# `log --done` and `--resolved` take an item id, or stand alone. Typer has no option
# with an optional value, so a bare one (followed by nothing, another option, or text
# that is no id, such as the summary) is rewritten to `--done=` before parsing.
ITEM_ID = re.compile(r"[0-9a-z]{3,16}")
OPTIONAL_VALUE = ("--done", "--resolved")


def bare_options(argv: list[str]) -> list[str]:
    out: list[str] = []
    for n, arg in enumerate(argv):
        if arg == "--":
            return out + argv[n:]
        following = argv[n + 1] if n + 1 < len(argv) else None
        if arg in OPTIONAL_VALUE and (following is None or not ITEM_ID.fullmatch(following)):
            out.append(f"{arg}=")
        else:
            out.append(arg)
    return out


def report_error(exc: TouchplanError) -> None:
    """Core code raises; this says what went wrong: every located problem of a file, or
    the message (and an ambiguous name's candidates)."""
    from touchplan.views.console import problem_line, safe, stderr_console

    err = stderr_console()
    if isinstance(exc, AccountFileError):
        for problem in exc.problems:
            err.print(problem_line(problem))
        return
    err.print(safe(f"error: {exc}", "red"))
    if isinstance(exc, AmbiguousError):
        for candidate in exc.candidates:
            err.print(safe(f"  {candidate}"))


def report_usage_error(exc: Exception) -> int:
    code = getattr(exc, "exit_code", EXIT_USAGE)
    format_message = getattr(exc, "format_message", None)
    message = format_message() if callable(format_message) else str(exc)
    if type(exc).__name__ == "NoArgsIsHelpError":
        sys.stdout.write(for_display(message) + "\n")
        return EXIT_USAGE
    from touchplan.views.console import safe, stderr_console

    err = stderr_console()
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        err.print(safe(ctx.get_usage()))
        err.print(safe(f"Try '{ctx.command_path} --help' for help."))
    err.print(safe(f"error: {message}", "red", multiline=False))
    return int(code)


SETTINGS: dict[str, Any] = {
    "no_args_is_help": True,
    "rich_markup_mode": None,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
app = typer.Typer(
    cls=SafeGroup,
    help="touchplan: whom to call today, and why. Accounts are YAML files in git.",
    add_completion=True,
    pretty_exceptions_enable=False,
    **SETTINGS,
)
export_app = typer.Typer(help="Export the plan for other programs.", **SETTINGS)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"touchplan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """touchplan: whom to call today, and why. Accounts are YAML files in git."""


# In the order `touchplan --help` lists them: the daily loop first.
COMMANDS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("today", daily.today),
    ("call", call.call),
    ("log", daily.log),
    ("add", daily.add),
    ("show", daily.show_account),
    ("why", daily.why),
    ("week", daily.week),
    ("renewals", daily.renewals),
    ("defer", daily.defer),
    ("lost", daily.lost),
    ("snooze", daily.snooze),
    ("workload", daily.workload),
    ("check", daily.check),
    ("import", connect.import_accounts),
    ("tiers", connect.tiers),
    ("init", team.init),
    ("doctor", team.doctor),
    ("merge-driver", team.merge_driver),
    ("report", team.report),
)
for name, command in COMMANDS:
    app.command(name)(command)
app.add_typer(export_app, name="export")
export_app.command("ics")(connect.export_ics)


def app_for(argv: Sequence[str]) -> typer.Typer:
    """The app to run ``argv`` with: when it starts with a command's name, an app of that
    command alone (Typer builds a Click command for every command registered, about 8 ms
    of each run for all of them; the others cannot be reached from there), else the
    whole app (`--help`, `--version`, `export ics`, a typo to suggest from, and shell
    completion, which asks with the words so far in the environment)."""
    command = dict(COMMANDS).get(argv[0]) if argv else None
    # completion's variable is named after the program (`_TOUCHPLAN_COMPLETE`, `_TP_...`)
    if command is None or any(k[:1] == "_" and k.endswith("_COMPLETE") for k in os.environ):
        return app
    alone = typer.Typer(cls=SafeGroup, pretty_exceptions_enable=False, **SETTINGS)
    alone.callback(help=app.info.help)(main_options)
    alone.command(argv[0])(command)
    return alone


def main() -> NoReturn:
    """The console-script entry point."""
    # Everything imported so far lives as long as the process: moved out of the
    # collector's sight, a full collection no longer walks every module's objects (a
    # warm `today` at 40,000 accounts: 23 ms of its 0.33 s), and forked workers share
    # those pages instead of copying them when a collection touches them.
    gc.freeze()
    app_for(sys.argv[1:])()
    sys.exit(0)  # pragma: no cover - app() always exits
