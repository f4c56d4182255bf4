"""Team commands: `init`, `doctor`, `merge-driver` (run by git) and `report`.

Registered on the main app by the last line of ``touchplan.cli``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date as date_type
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from touchplan.cli import (
    DateOpt,
    DirOpt,
    Format,
    FormatOpt,
    _lazy,
    app,
    emit_csv,
    emit_json,
    open_book,
    out,
    pick_today,
    render,
    warn,
    warn_skipped,
)
from touchplan.config import load_config
from touchplan.dates import parse_date, parse_days
from touchplan.errors import EXIT_DATA, NotFoundError, UsageError
from touchplan.files.store import find_root
from touchplan.planning.report import REPORT_CSV, build_report, report_csv_rows, report_json

# The merge driver and git helpers load only when their command runs.
gitmerge = _lazy("touchplan.files.merge")
team = _lazy("touchplan.connect.git")

# -- init -------------------------------------------------------------------------------


def _init_root(dir_opt: str | None) -> Path:
    """--dir (created if need be), else the data root above, else the current folder."""
    if dir_opt:
        folder = Path(dir_opt).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        return folder.resolve()
    try:
        return find_root(None)
    except NotFoundError:
        return Path.cwd().resolve()


@app.command()
def init(
    dir_opt: Annotated[
        str | None,
        typer.Option(
            "--dir",
            help="Folder to set up (default: the data root above the current folder, "
            "else the current folder).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Set up a repository: accounts/, touchplan.yaml, .gitattributes, .gitignore and
    git's merge driver. Safe to run again; run it once in every clone."""
    root = _init_root(dir_opt)
    console = out()
    for step in team.init(root):
        style = {"ok": "dim", "todo": "yellow"}.get(step.status, "green")
        console.print(render.safe(f"{step.status:<10} {step.what}", style))
        for command in step.commands:
            console.print(render.safe(f"    {command}"))


# -- doctor -----------------------------------------------------------------------------


@app.command()
def doctor(fmt: FormatOpt = Format.table, dir_opt: DirOpt = None) -> None:
    """Check the git setup: merge driver, attributes, ignored local files, cache folder.
    Exit 1 when something needs fixing."""
    root = find_root(dir_opt)
    checks = [asdict(check) for check in team.doctor(root, load_config(root))]
    if fmt is Format.json:
        emit_json({"ok": all(c["ok"] for c in checks), "checks": checks})
    elif fmt is Format.csv:
        emit_csv(checks, ("name", "ok", "detail", "fix"))
    else:
        out().print(render.doctor_view(checks))
    if not all(c["ok"] for c in checks):
        raise typer.Exit(EXIT_DATA)


# -- merge-driver -----------------------------------------------------------------------


@app.command("merge-driver")
def merge_driver(
    base: Annotated[str, typer.Argument(help="%O: the common ancestor's version.")],
    ours: Annotated[str, typer.Argument(help="%A: our version; the result is written here.")],
    theirs: Annotated[str, typer.Argument(help="%B: their version.")],
    path: Annotated[str, typer.Argument(help="%P: the file's path in the repository.")] = "",
) -> None:
    """Run by git to merge an account file. When both sides only appended history
    entries, keeps both (by date) and exits 0; otherwise leaves git's conflict markers
    and exits 1. Set up by `touchplan init`:
    git config merge.touchplan.driver "touchplan merge-driver %O %A %B %P"
    """
    name = path or ours
    try:
        ours_bytes = Path(ours).read_bytes()
        result = gitmerge.merge(
            Path(base).read_bytes(), ours_bytes, Path(theirs).read_bytes(), name
        )
    except OSError as exc:
        warn(f"touchplan merge-driver: {name}: cannot read {exc.filename}: {exc.strerror}")
        raise typer.Exit(EXIT_DATA) from None
    if isinstance(result, gitmerge.Merged):
        if result.data != ours_bytes:
            Path(ours).write_bytes(result.data)
        return
    if not team.write_conflict(Path(base), Path(ours), Path(theirs)):
        warn(f"touchplan merge-driver: {name}: git merge-file failed; the file is left as ours")
    warn(f"touchplan merge-driver: {name}: {result.reason}; resolve the conflict by hand")
    raise typer.Exit(EXIT_DATA)


# -- report -----------------------------------------------------------------------------


class By(StrEnum):
    owner = "owner"
    tier = "tier"


def period_start(text: str, today: date_type) -> date_type:
    """``90d`` / ``8w`` / ``3m`` back from today, or a date (``2026-09-01``, ``-3m``)."""
    try:
        start = today - timedelta(days=parse_days(text, "--since"))
    except UsageError:
        start = parse_date(text, today, "--since")
    if start > today:
        raise UsageError(f"--since {start.isoformat()} is after {today.isoformat()}")
    return start


@app.command()
def report(
    since: Annotated[
        str,
        typer.Option("--since", help="Count touches logged since: 90d, 8w, 3m or a date."),
    ] = "90d",
    by: Annotated[By, typer.Option("--by", help="One row per owner or per tier.")] = By.owner,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """For the manager: accounts, coverage (% touched within cadence), overdue items,
    neglected A accounts, open problems, renewals in the next 90 days and touches
    logged, per owner or tier."""
    day = pick_today(date_opt)
    start = period_start(since, day)
    _root, config, book = open_book(dir_opt)
    data = report_json(build_report(book.accounts, config.policy, day, start, by.value))
    if fmt is Format.json:
        emit_json(data)
    elif fmt is Format.csv:
        emit_csv(report_csv_rows(data), REPORT_CSV)
    else:
        out().print(render.report_view(data))
    warn_skipped(book.skipped)
