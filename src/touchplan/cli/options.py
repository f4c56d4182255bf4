"""What the commands share: the common options, the day, and the data root with its
settings (read once per command, problems in them warned about)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from touchplan.cli.completion import complete_account, complete_owner
from touchplan.dates import DATE_HELP, parse_date
from touchplan.views.output import Format, warn

if TYPE_CHECKING:
    from touchplan.config import Config
    from touchplan.files.store import Book

DirOpt = Annotated[
    str | None,
    typer.Option(
        "--dir",
        help="Data folder (else TOUCHPLAN_DIR, else the nearest folder upwards "
        "holding touchplan.yaml or accounts/).",
        show_default=False,
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help=f"Plan as if today were this date ({DATE_HELP}). TOUCHPLAN_TODAY does the same.",
        show_default=False,
    ),
]
OwnerOpt = Annotated[
    str | None,
    typer.Option(
        "--owner",
        help="Only this owner's accounts ('all' for everyone). Default: you, when touchplan "
        "knows who you are (TOUCHPLAN_OWNER, `me:` in touchplan.local.yaml, or your git "
        "email under `owners:`), else everyone.",
        show_default=False,
        autocompletion=complete_owner,
    ),
]
AccountArg = Annotated[
    str,
    typer.Argument(
        metavar="ACCOUNT",
        help="Slug, unique slug prefix, or name.",
        autocompletion=complete_account,
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
DaysOpt = Annotated[
    int, typer.Option("--days", help="How many working days to plan.", min=1, max=60)
]
FolderOpt = Annotated[
    str | None, typer.Option("--folder", help="Sub-folder of accounts/, e.g. east.")
]


def real_today() -> date:
    """The date planning starts from: TOUCHPLAN_TODAY (tests, demos) or the clock."""
    env = os.environ.get("TOUCHPLAN_TODAY", "").strip()
    clock = date.today()
    if env:
        return parse_date(env, clock, "TOUCHPLAN_TODAY")
    return clock


def pick_today(date_opt: str | None) -> date:
    base = real_today()
    return parse_date(date_opt, base, "--date") if date_opt else base


def open_root(dir_opt: str | None) -> tuple[Path, Config]:
    """The data root and its settings; what is wrong in them is warned about."""
    from touchplan.files.settings import load_settings
    from touchplan.files.store import find_root

    root = find_root(dir_opt)
    config = load_settings(root)
    warn_config(config)
    return root, config


def warn_config(config: Config) -> None:
    """The one error policy for touchplan.yaml (and the local file) outside `check`:
    say what is wrong and plan with the default for it, never stop."""
    for problem in config.problems:
        if problem.fatal:
            warn(f"warning: {problem} — using the default for it")


def open_book(dir_opt: str | None) -> tuple[Path, Config, Book]:
    """The data root, its settings and every account that loads (the rest are skipped)."""
    from touchplan.files.store import load_book

    root, config = open_root(dir_opt)
    return root, config, load_book(root)


def pick_owner(root: Path, config: Config, owner: str | None) -> str | None:
    """--owner, else the current rep (see touchplan.connect.git), else None: everyone."""
    from touchplan.connect.git import current_owner

    return owner if owner is not None else current_owner(root, config)


@contextlib.contextmanager
def after_write(done: str) -> Iterator[None]:
    """What runs once the file is replaced: the edit is done, so nothing may exit
    non-zero now (a retry would record it twice). A failure here is only a warning."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away: nothing to say to it
    except Exception as exc:  # deliberately everything: the write stands
        warn(f"warning: {done}, but could not show what comes next ({type(exc).__name__}: {exc})")
