"""`touchplan import FILE.ics`: meetings from the rep's calendar become diary entries.

`import` itself (cli/connect.py) takes CRM CSV files too: it hands a file over here
when its content opens an iCalendar file. The work is in connect/calendar_import.py.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Annotated

import typer

from touchplan.cli.options import open_book, real_today
from touchplan.dates import parse_date
from touchplan.errors import EXIT_DATA, UsageError
from touchplan.model import BOOKABLE_KINDS, TouchKind
from touchplan.views.output import Format, emit, no_csv, warn, warn_skipped

SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Calendar files only: leave out meetings before this day (YYYY-MM-DD, "
        "yesterday, -4w, or a weekday name: the last one).",
        show_default=False,
    ),
]
AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="KIND",
        help="Calendar files only: log every meeting as this kind (call, visit, meeting or "
        "review). Default: visit at a street address, else meeting.",
        show_default=False,
    ),
]
_AS_KINDS = ", ".join(sorted(k.value for k in BOOKABLE_KINDS))


def is_calendar_file(path: Path) -> bool:
    """Whether ``path`` holds an iCalendar file (by its content, whatever its name)."""
    from touchplan.connect.ics_read import is_icalendar

    try:
        with path.open("rb") as f:
            return is_icalendar(f.read(4096))
    except OSError:
        return False  # the CSV import says what is wrong with it


def meeting_kind_option(value: str | None) -> TouchKind | None:
    """``--as KIND``: a kind a meeting can be booked as."""
    if value is None:
        return None
    try:
        kind = TouchKind(value.strip().lower())
    except ValueError:
        kind = None
    if kind is None or kind not in BOOKABLE_KINDS:
        raise UsageError(f"--as: {value!r} is not a meeting kind", f"use one of {_AS_KINDS}")
    return kind


def local_zone() -> tzinfo:
    """The computer's time zone, daylight saving included (TZ when set)."""
    from dateutil.tz import tzlocal

    return tzlocal()


def import_now(today: date, zone: tzinfo) -> datetime:
    """What "over" means: the clock, or with TOUCHPLAN_TODAY the end of that day."""
    if os.environ.get("TOUCHPLAN_TODAY", "").strip():
        return datetime.combine(today + timedelta(days=1), time(), zone)
    return datetime.now(zone)


def own_addresses(root: Path, emails: dict[str, tuple[str, ...]]) -> list[str]:
    """The team's addresses (`owners:`) and the rep's git e-mail: not customers."""
    from touchplan.connect.git import git

    own = [a for addresses in emails.values() for a in addresses]
    done = git(root, "config", "user.email")
    if done is not None and done.returncode == 0 and "@" in done.stdout:
        own.append(done.stdout.strip())
    return own


def import_meetings(
    path: Path,
    *,
    since: str | None,
    as_kind: str | None,
    dry_run: bool,
    fmt: Format,
    dir_opt: str | None,
    csv_only: list[str],
) -> None:
    """Log the meetings of an iCalendar file that are over, book the ones ahead."""
    from touchplan.connect.calendar_import import import_calendar
    from touchplan.views.connect import meetings_view

    if csv_only:
        raise UsageError(
            f"{', '.join(csv_only)}: only for a CSV file; {path.name} is an iCalendar file"
        )
    if fmt is Format.csv:
        raise no_csv("import")  # before anything is written
    today = real_today()
    start = parse_date(since, today, "--since", past=True) if since else None
    kind = meeting_kind_option(as_kind)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    root, config, book = open_book(dir_opt)
    zone = local_zone()
    report = import_calendar(
        root,
        data,
        path.name,
        book.accounts,
        config.policy,
        today=today,
        now=import_now(today, zone),
        local=zone,
        since=start,
        as_kind=kind,
        own=own_addresses(root, config.owners.emails),
        dry_run=dry_run,
    )
    for bad in report.bad:
        warn(f"{bad}; skipped")
    for file, why in report.failed:
        warn(f"error: {file}: {why}", "red")
    document = report.to_json()
    emit(fmt, table=lambda: meetings_view(document), document=lambda: document)
    warn_skipped(book.skipped)
    if report.problems:
        raise typer.Exit(EXIT_DATA)
