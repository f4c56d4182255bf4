"""Team commands: `init`, `doctor`, `merge-driver` (run by git) and `report`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from touchplan.cli.options import DateOpt, DirOpt, FormatOpt, open_root, pick_today, real_today
from touchplan.errors import EXIT_DATA, TouchplanError, UsageError
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
    checks = git.doctor(root, load_config(root), real_today())  # its problems are one check
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


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Start of the period: 90d, 8w, 3m back from its end, or a date. [default: 90d]",
        show_default=False,
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="End of the period (a date; default: today).", show_default=False),
]
QuarterOpt = Annotated[
    str | None,
    typer.Option(
        "--quarter",
        help="The period is this quarter, e.g. 2026Q4 (up to today if under way).",
        show_default=False,
    ),
]
WeeksOpt = Annotated[
    int, typer.Option("--weeks", help="Weeks of trends, ending with the period.", min=1, max=104)
]
ByOpt = Annotated[By, typer.Option("--by", help="One row per owner or per tier.")]
ReportFormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")]
ReportOutputOpt = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file instead of stdout (json, csv or html).",
        show_default=False,
    ),
]


def report(
    since: SinceOpt = None,
    until: UntilOpt = None,
    quarter: QuarterOpt = None,
    weeks: WeeksOpt = 12,
    by: ByOpt = By.owner,
    date_opt: DateOpt = None,
    fmt: ReportFormatOpt = ReportFormat.table,
    output: ReportOutputOpt = "-",
    dir_opt: DirOpt = None,
) -> None:
    """For the manager, per owner or tier: where the book stands today (coverage,
    overdue items, neglected A accounts, open problems, renewals ahead), the retention
    scoreboard over a period (renewals kept and lost, revenue retained, promises kept,
    thank-yous, problems, contacts) and weekly trends. --format html writes one
    self-contained page with charts."""
    from touchplan.files.sweep import Job, sweep_report
    from touchplan.planning.report import finish, report_period
    from touchplan.views import records, team
    from touchplan.views.output import progress

    if output != "-" and fmt is ReportFormat.table:
        raise UsageError("-o goes with --format json, csv or html")
    day = pick_today(date_opt)
    period = report_period(since, until, quarter, day)
    root, config = open_root(dir_opt)
    with progress("Reading accounts") as reporter:
        job = Job(root, config.policy, day, period, weeks, by.value)
        swept = sweep_report(job, progress=reporter)
    data = records.report_record(finish(swept.tally, config.policy, day, period, weeks))
    if fmt is ReportFormat.html:
        from touchplan.views.html import report_html

        _write(output, report_html(data).encode())
    elif output != "-":
        _write(output, _render(fmt, data).encode())
    else:
        emit(
            Format(fmt.value),
            table=lambda: team.report_view(data),
            document=lambda: data,
            rows=lambda: records.report_csv_rows(data),
            columns=records.REPORT_CSV,
        )
    warn_skipped(swept.skipped, swept.warnings)


def _render(fmt: ReportFormat, data: dict[str, Any]) -> str:
    """The JSON or CSV text `emit` would print."""
    from touchplan.views import records
    from touchplan.views.output import csv_text, json_text

    if fmt is ReportFormat.json:
        return json_text(data)
    return csv_text(records.report_csv_rows(data), records.REPORT_CSV)


def _write(output: str, data: bytes) -> None:
    """To stdout, or to a file replaced whole (never a half-written report)."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from touchplan.files.edit import write_atomic

    target = Path(output).expanduser()
    if target.is_dir():
        raise UsageError(f"-o {output!r} is a folder", "give a file name, e.g. report.html")
    try:
        current: bytes | None = target.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise TouchplanError(f"cannot write {output}: {exc.strerror}") from None
    try:
        write_atomic(target.resolve(), data, current, label=output)
    except OSError as exc:
        raise TouchplanError(f"cannot write {output}: {exc.strerror}") from None
