"""The commands that connect touchplan to the rep's world: `export ics`, `import`, `tiers`.

Registered on the main app by the last line of ``cli.py``; thin like the commands there,
with the work in ``ics``, ``crmimport`` and ``tiers``.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
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
    default_owner,
    emit_json,
    open_book,
    out,
    owned,
    pick_today,
    real_today,
    render,
    warn,
    warn_skipped,
)
from touchplan.completion import complete_owner
from touchplan.edit import SetScalars, apply_edit, write_atomic
from touchplan.errors import EXIT_DATA, TouchplanError, UsageError
from touchplan.model import Tier
from touchplan.schedule import plan_week
from touchplan.store import find_root, slugify
from touchplan.text import check_input

# Heavy modules (icalendar, csv sniffing) load only when their command runs.
crmimport = _lazy("touchplan.crmimport")
ics = _lazy("touchplan.ics")
pareto = _lazy("touchplan.tiers")

# --owner with completion of the owners in the files (the shared OwnerOpt has none).
OwnerOpt = Annotated[
    str | None,
    typer.Option(
        "--owner",
        help="Only this owner's accounts ('all' for everyone).",
        show_default=False,
        autocompletion=complete_owner,
    ),
]

export_app = typer.Typer(
    help="Export the plan for other programs.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(export_app, name="export")


# -- export ics -------------------------------------------------------------------------


@export_app.command("ics")
def export_ics(
    output: Annotated[
        str,
        typer.Option(
            "--output", "-o", help="The .ics file to write ('-' for stdout).", show_default=False
        ),
    ] = "-",
    days: Annotated[
        int, typer.Option("--days", help="How many working days to plan.", min=1, max=60)
    ] = 30,
    owner: OwnerOpt = None,
    date_opt: DateOpt = None,
    dir_opt: DirOpt = None,
) -> None:
    """The coming days' planned touches (as `week` plans them) as an iCalendar file.

    One all-day event per item with the account, the action, whom to ask for, their
    phone and why; a reminder on renewals. Import the file again later: the events
    are updated, not duplicated.
    """
    day = pick_today(date_opt)
    owner = default_owner(dir_opt, owner)
    _root, policy, book = open_book(dir_opt)
    plan = plan_week(owned(book.accounts, owner), policy, day, days)
    title = f"touchplan ({owner})" if owner and owner.lower() != "all" else "touchplan"
    data = ics.plan_calendar(plan, book.by_slug(), datetime.now(UTC).replace(microsecond=0), title)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        target = Path(output).expanduser()
        if target.is_dir():
            raise UsageError(f"-o {output!r} is a folder", "give a file name, e.g. touches.ics")
        try:
            write_atomic(target.resolve(), data, _current(target))
        except OSError as exc:
            raise TouchplanError(f"cannot write {output}: {exc.strerror}") from None
        events = data.count(b"BEGIN:VEVENT")
        render.stderr_console().print(
            render.safe(
                f"Wrote {events} event{'s' if events != 1 else ''} for {len(plan.days)} "
                f"working days from {day.isoformat()} to {output}",
                "green",
            )
        )
    warn_skipped(book.skipped)


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


# -- import -----------------------------------------------------------------------------


class DateOrder(StrEnum):
    mdy = "mdy"
    dmy = "dmy"


@app.command("import")
def import_accounts(
    csv_file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv", help="A CSV export of accounts or companies.", dir_okay=False
        ),
    ],
    map_: Annotated[
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
    ] = None,
    tier: Annotated[
        str, typer.Option("--tier", "-t", help="Tier for rows without one (A, B or C).")
    ] = "C",
    date_order: Annotated[
        DateOrder | None,
        typer.Option(
            "--date-order",
            help="How to read dates like 03/04/2026: mdy (US) or dmy. Default: each "
            "column's own unambiguous dates, else the file's; an undecided column is an "
            "error.",
            show_default=False,
        ),
    ] = None,
    folder: Annotated[
        str | None, typer.Option("--folder", help="Sub-folder of accounts/, e.g. east.")
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            help="Owner of the rows without one (default: the current rep, when known).",
            show_default=False,
            autocompletion=complete_owner,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would happen; write nothing.")
    ] = False,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """Create account files from a CRM export (Salesforce, HubSpot or similar CSV).

    Only customers are imported: rows whose type or lifecycle stage says otherwise
    (Prospect, Lead, Partner...) are skipped with the reason. Owners are mapped through
    the aliases under `owners:` in touchplan.yaml. A bad optional cell leaves its field
    out with a warning. Rows whose account exists already (same CRM id, slug or name)
    are reported and left alone, so running the same import again creates nothing new.
    Exit 1 when a row holding an account could not be imported.
    """
    if fmt is Format.csv:
        raise UsageError("import has no csv format", "use --format json")
    default_tier = tier.strip().upper()
    if default_tier not in ("A", "B", "C"):
        raise UsageError(f"--tier: {tier!r} is not A, B or C")
    parts = [slugify(p) for p in (folder or "").replace("\\", "/").split("/") if p.strip()]
    if any(not p for p in parts):
        raise UsageError(f"--folder {folder!r} is not a safe folder name")
    overrides = crmimport.parse_map(map_ or [])
    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {csv_file}: {exc.strerror}") from None
    root = find_root(dir_opt)
    from touchplan.team import current_owner, read_owners

    owners, problems = read_owners(root)
    for problem in problems:
        warn(f"warning: {problem}")
    if owner is not None:
        owner = check_input(owner, "--owner").strip()
    reporter = render.ProgressReporter("Importing", minimum=500)
    try:
        report = crmimport.import_csv(
            root,
            data,
            csv_file.name,
            today=real_today(),
            overrides=overrides,
            default_tier=Tier(default_tier),
            folder=parts,
            date_order=date_order.value if date_order else None,
            dry_run=dry_run,
            owners=owners,
            default_owner=owner if owner is not None else current_owner(root, owners) or "",
            progress=reporter,
        )
    finally:
        reporter.close()
    if fmt is Format.json:
        emit_json(report.to_json())
    else:
        out().print(render.import_view(report.to_json()))
    if report.problems:
        raise typer.Exit(EXIT_DATA)


# -- tiers ------------------------------------------------------------------------------


@app.command()
def tiers(
    apply: Annotated[
        bool, typer.Option("--apply", help="Write the suggested tiers (only the `tier:` lines).")
    ] = False,
    owner: OwnerOpt = None,
    a_share: Annotated[
        float | None,
        typer.Option(
            "--a-share",
            help="Percent of total value the A accounts make (touchplan.yaml tiers.A; 80).",
            show_default=False,
        ),
    ] = None,
    b_share: Annotated[
        float | None,
        typer.Option(
            "--b-share",
            help="Cumulative percent up to which accounts are B (touchplan.yaml tiers.B; 95).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """The 80/20 rule: accounts by value with the share they make and a suggested tier.

    A: the largest accounts that together make the first 80 % of total value; B: up
    to 95 %; C: the rest. Lost accounts and accounts without a value are left out.
    """
    root, _policy, book = open_book(dir_opt)
    thresholds = pareto.override(pareto.load_thresholds(root), a_share, b_share)
    plan = pareto.suggest_tiers(owned(book.accounts, owner), thresholds)
    failed: list[str] = []
    if apply:
        for row in plan.changes:
            try:
                apply_edit(
                    root, root / row.account.file, SetScalars((("tier", row.suggested.value),))
                )
            except TouchplanError as exc:
                failed.append(row.account.file)
                warn(f"warning: {row.account.file}: tier not changed: {exc}")
    data = plan.to_json()
    data["applied"] = apply
    for change in data["changes"]:
        change["applied"] = apply and change["file"] not in failed
    if fmt is Format.json:
        emit_json(data)
    elif fmt is Format.csv:
        from touchplan.cli import emit_csv

        emit_csv(
            data["accounts"],
            (
                "rank",
                "account",
                "name",
                "owner",
                "value",
                "share",
                "cumulative",
                "tier",
                "suggested",
                "change",
                "file",
            ),
        )
    else:
        out().print(render.tiers_view(data, apply))
    warn_skipped(book.skipped)
    if failed:
        raise typer.Exit(EXIT_DATA)
