"""The commands that connect touchplan to the rep's world: `export ics`, `import`, `tiers`.

The work is in connect/ (calendar, CRM) and planning/tiers, imported by the command
that uses it (icalendar and the CSV reader load only when their command runs).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from touchplan.cli.completion import complete_owner
from touchplan.cli.meetings import AsOpt, SinceOpt, import_meetings, is_calendar_file
from touchplan.cli.options import (
    DateOpt,
    DaysOpt,
    DirOpt,
    FolderOpt,
    FormatOpt,
    OwnerOpt,
    open_book,
    open_root,
    pick_owner,
    pick_today,
    real_today,
    warn_config,
)
from touchplan.errors import EXIT_DATA, UsageError
from touchplan.views.output import Format, emit, no_csv, progress, show, warn, warn_skipped

OutputOpt = Annotated[
    str,
    typer.Option(
        "--output", "-o", help="The .ics file to write ('-' for stdout).", show_default=False
    ),
]


def export_ics(
    output: OutputOpt = "-",
    days: DaysOpt = 30,
    owner: OwnerOpt = None,
    date_opt: DateOpt = None,
    dir_opt: DirOpt = None,
) -> None:
    """The coming days' planned touches (as `week` plans them) as an iCalendar file.

    One all-day event per item with the account, the action, whom to ask for, their
    phone and why; a reminder on renewals. Import the file again later: the events
    are updated, not duplicated.
    """
    from touchplan.connect.calendar import calendar_title, plan_calendar, write_calendar
    from touchplan.planning.people import owned
    from touchplan.planning.week import plan_week
    from touchplan.views.connect import exported

    day = pick_today(date_opt)
    root, config, book = open_book(dir_opt)
    owner = pick_owner(root, config, owner)
    plan = plan_week(owned(book.accounts, owner), config.policy, day, days)
    stamp = datetime.now(UTC).replace(microsecond=0)
    data = plan_calendar(plan, book.by_slug(), stamp, calendar_title(owner))
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_calendar(output, data)
        events = data.count(b"BEGIN:VEVENT")
        show(exported(events, len(plan.days), day, output), err=True)
    warn_skipped(book.skipped, book.warnings)


# -- import -----------------------------------------------------------------------------


class DateOrder(StrEnum):
    mdy = "mdy"
    dmy = "dmy"


CsvArg = Annotated[
    Path,
    typer.Argument(
        metavar="FILE",
        help="A CSV export of accounts or companies, or an iCalendar (.ics) file of meetings.",
        dir_okay=False,
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        "-m",
        metavar="COLUMN=FIELD,...",
        help='Column to field, e.g. "Account Name=name,Contract End Date=renewal"; '
        "FIELD '-' ignores a column. Fields: name, tier, owner, crm_id, type, since, "
        "last_contact, renewal, value, revenue, relationship, notes, contact, role, "
        "phone, email.",
        show_default=False,
    ),
]
DefaultTierOpt = Annotated[
    str, typer.Option("--tier", "-t", help="Tier for rows without one (A, B or C).")
]
DateOrderOpt = Annotated[
    DateOrder | None,
    typer.Option(
        "--date-order",
        help="How to read dates like 03/04/2026: mdy (US) or dmy. Default: each "
        "column's own unambiguous dates, else the file's; an undecided column is an "
        "error.",
        show_default=False,
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", "-n", help="Show what would happen; write nothing.")
]
RowOwnerOpt = Annotated[
    str | None,
    typer.Option(
        "--owner",
        help="Owner of the rows without one (default: the current rep, when known).",
        show_default=False,
        autocompletion=complete_owner,
    ),
]


def import_accounts(
    csv_file: CsvArg,
    map_: MapOpt = None,
    tier: DefaultTierOpt = "C",
    date_order: DateOrderOpt = None,
    folder: FolderOpt = None,
    owner: RowOwnerOpt = None,
    dry_run: DryRunOpt = False,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
    since: SinceOpt = None,
    as_kind: AsOpt = None,
) -> None:
    """Create account files from a CRM export (Salesforce, HubSpot or similar CSV).

    Only customers are imported: rows whose type or lifecycle stage says otherwise
    (Prospect, Lead, Partner...) are skipped with the reason. Owners are mapped through
    the aliases under `owners:` in touchplan.yaml. A bad optional cell leaves its field
    out with a warning. Rows whose account exists already (same CRM id, slug or name)
    are reported and left alone, so running the same import again creates nothing new.
    Exit 1 when a row holding an account could not be imported.

    An iCalendar file (.ics) instead logs its meetings with customers and books the
    ones ahead (README: Calendar import).
    """
    if is_calendar_file(csv_file):
        given = {
            "--map": map_,
            "--tier": tier != "C",
            "--date-order": date_order,
            "--folder": folder,
            "--owner": owner,
        }
        return import_meetings(
            csv_file,
            since=since,
            as_kind=as_kind,
            dry_run=dry_run,
            fmt=fmt,
            dir_opt=dir_opt,
            csv_only=[name for name, value in given.items() if value],
        )
    if since is not None or as_kind is not None:
        raise UsageError("--since and --as are for calendar (.ics) files")
    from touchplan.connect import crm
    from touchplan.connect.git import current_owner
    from touchplan.planning.entry import folder_parts, tier_choice
    from touchplan.text import check_input
    from touchplan.views.connect import import_view

    if fmt is Format.csv:
        raise no_csv("import")  # before anything is written
    default_tier = tier_choice(tier)
    parts = folder_parts(folder)
    overrides = crm.parse_map(map_ or [])
    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {csv_file}: {exc.strerror}") from None
    root, config = open_root(dir_opt)
    if owner is not None:
        owner = check_input(owner, "--owner").strip()
    with progress("Importing", minimum=500) as reporter:
        report = crm.import_csv(
            root,
            data,
            csv_file.name,
            today=real_today(),
            overrides=overrides,
            default_tier=default_tier,
            folder=parts,
            date_order=date_order.value if date_order else None,
            dry_run=dry_run,
            owners=config.owners,
            default_owner=owner if owner is not None else current_owner(root, config) or "",
            progress=reporter,
        )
    emit(fmt, table=lambda: import_view(report.to_json()), document=report.to_json)
    if report.problems:
        raise typer.Exit(EXIT_DATA)


# -- tiers ------------------------------------------------------------------------------

ApplyOpt = Annotated[
    bool, typer.Option("--apply", help="Write the suggested tiers (only the `tier:` lines).")
]
# not the shared OwnerOpt: the split is everyone's unless an owner is named
BookOpt = Annotated[
    str | None,
    typer.Option(
        "--owner",
        help="Only this owner's accounts ('all' for everyone, the default).",
        show_default=False,
        autocompletion=complete_owner,
    ),
]
AShareOpt = Annotated[
    float | None,
    typer.Option(
        "--a-share",
        help="Percent of total value the A accounts make (touchplan.yaml tiers.A; 80).",
        show_default=False,
    ),
]
BShareOpt = Annotated[
    float | None,
    typer.Option(
        "--b-share",
        help="Cumulative percent up to which accounts are B (touchplan.yaml tiers.B; 95).",
        show_default=False,
    ),
]


def tiers(
    apply: ApplyOpt = False,
    owner: BookOpt = None,
    a_share: AShareOpt = None,
    b_share: BShareOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """The 80/20 rule: accounts by value with the share they make and a suggested tier.

    A: the largest accounts that together make the first 80 % of total value; B: up
    to 95 %; C: the rest. Lost accounts and accounts without a value are left out.
    """
    from touchplan.config import load_config
    from touchplan.files.edit import apply_each, tier_edit
    from touchplan.files.store import find_root, load_book
    from touchplan.planning.people import owned
    from touchplan.planning.tiers import override, suggest_tiers
    from touchplan.views import connect, records

    root = find_root(dir_opt)
    config = load_config(root)
    configured = config.require_thresholds()  # refused before anything is said or done
    warn_config(config)
    book = load_book(root)
    plan = suggest_tiers(owned(book.accounts, owner), override(configured, a_share, b_share))
    edits = [(row.account.file, tier_edit(row.suggested)) for row in plan.changes]
    failed = apply_each(root, edits) if apply else []
    for file, exc in failed:
        warn(f"warning: {file}: tier not changed: {exc}")
    data = records.tiers_record(plan, apply, {file for file, _exc in failed})
    emit(
        fmt,
        table=lambda: connect.tiers_view(data, apply),
        document=lambda: data,
        rows=lambda: data["accounts"],
        columns=records.TIERS_CSV,
    )
    warn_skipped(book.skipped, book.warnings)
    if failed:
        raise typer.Exit(EXIT_DATA)
