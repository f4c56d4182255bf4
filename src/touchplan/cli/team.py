"""Team commands: `init`, `doctor`, `merge-driver` (run by git) and `report`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from touchplan.cli.options import DateOpt, DirOpt, FormatOpt, open_book, pick_today
from touchplan.errors import EXIT_DATA
from touchplan.views.output import Format, emit, show, warn, warn_skipped

InitDirOpt = Annotated[
    str | None,
    typer.Option(
        "--dir",
        help="Folder to set up (default: the data root above the current folder, "
        "else the current folder).",
        show_default=False,
    ),
]


def init(dir_opt: InitDirOpt = None) -> None:
    """Set up a repository: accounts/, touchplan.yaml, .gitattributes, .gitignore and
    git's merge driver. Safe to run again; run it once in every clone."""
    from touchplan.connect import git
    from touchplan.files.store import setup_root
    from touchplan.views.team import init_view

    show(init_view(git.init(setup_root(dir_opt))))


def doctor(fmt: FormatOpt = Format.table, dir_opt: DirOpt = None) -> None:
    """Check the git setup: merge driver, attributes, ignored local files, cache folder.
    Exit 1 when something needs fixing."""
    from touchplan.config import load_config
    from touchplan.connect import git
    from touchplan.files.store import find_root
    from touchplan.views import records, team

    root = find_root(dir_opt)
    checks = git.doctor(root, load_config(root))  # its problems are one of the checks
    emit(
        fmt,
        table=lambda: team.doctor_view(records.doctor_record(checks)["checks"]),
        document=lambda: records.doctor_record(checks),
        rows=lambda: [records.check_record(c) for c in checks],
        columns=records.DOCTOR_CSV,
    )
    if not all(c.ok for c in checks):
        raise typer.Exit(EXIT_DATA)


def merge_driver(
    base: Annotated[str, typer.Argument(help="%O: the common ancestor's version.")],
    ours: Annotated[str, typer.Argument(help="%A: our version; the result is written here.")],
    theirs: Annotated[str, typer.Argument(help="%B: their version.")],
    path: Annotated[str, typer.Argument(help="%P: the file's path in the repository.")] = "",
) -> None:
    """Run by git to merge an account file. When both sides only appended history
    entries, keeps both (by date) and exits 0; so it does when git's line merge is clean
    and keeps every field change and every entry of both sides once; otherwise leaves
    git's conflict markers and exits 1. Set up by `touchplan init`:
    git config merge.touchplan.driver "touchplan merge-driver %O %A %B %P"
    """
    from touchplan.connect.git import merge_file_text, write_conflict
    from touchplan.files.merge import Conflict, merge_files

    name = path or ours
    try:
        result = merge_files(Path(base), Path(ours), Path(theirs), name, merge_file_text)
    except OSError as exc:
        warn(f"touchplan merge-driver: {name}: cannot read {exc.filename}: {exc.strerror}")
        raise typer.Exit(EXIT_DATA) from None
    if isinstance(result, Conflict):
        if not write_conflict(Path(base), Path(ours), Path(theirs)):
            warn(f"touchplan merge-driver: {name}: git merge-file failed; the file is left as ours")
        warn(f"touchplan merge-driver: {name}: {result.reason}; resolve the conflict by hand")
        raise typer.Exit(EXIT_DATA)


class By(StrEnum):
    owner = "owner"
    tier = "tier"


SinceOpt = Annotated[
    str, typer.Option("--since", help="Count touches logged since: 90d, 8w, 3m or a date.")
]
ByOpt = Annotated[By, typer.Option("--by", help="One row per owner or per tier.")]


def report(
    since: SinceOpt = "90d",
    by: ByOpt = By.owner,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """For the manager: accounts, coverage (% touched within cadence), overdue items,
    neglected A accounts, open problems, renewals in the next 90 days and touches
    logged, per owner or tier."""
    from touchplan.planning.report import build_report, period_start
    from touchplan.views import records, team

    day = pick_today(date_opt)
    start = period_start(since, day)
    _root, config, book = open_book(dir_opt)
    data = records.report_record(build_report(book.accounts, config.policy, day, start, by.value))
    emit(
        fmt,
        table=lambda: team.report_view(data),
        document=lambda: data,
        rows=lambda: records.report_csv_rows(data),
        columns=records.REPORT_CSV,
    )
    warn_skipped(book.skipped, book.warnings)
