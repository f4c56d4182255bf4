"""What the commands that reach outside print: `import`, `tiers` and `export ics`."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from touchplan.views.console import safe
from touchplan.views.layout import Cell, Stack, Words, fit

PATH_MOST = 100  # a file name is shortened only past this (the width's last resort)
IMPORT_STYLE = {"created": "green", "would-create": "green", "present": "dim", "skipped": "yellow"}


def import_view(report: dict[str, Any]) -> RenderableType:
    """The import summary from ``ImportReport.to_json()``: one line per row, then counts."""
    dry = report["dry_run"]
    title = safe(f"Import of {report['file']}", "bold")
    if dry:
        title.append(" (dry run: nothing written)", style="yellow")
    used = ", ".join(f"{col} → {fld}" for col, fld in report["columns"].items())
    parts: list[RenderableType] = [title, safe(f"Columns: {used}", "dim")]
    if report["ignored_columns"]:
        parts.append(safe(f"Ignored columns: {', '.join(report['ignored_columns'])}", "dim"))
    for order in report.get("date_orders", {}).values():
        parts.append(safe(f"Dates: {order['note']}", "dim"))
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Line", justify="right", no_wrap=True)
    table.add_column("Account", ratio=1)
    table.add_column("Result", ratio=2)
    for row in report["rows"]:
        status = row["status"]
        # the result, then the file it makes (a slug is never shortened: it wraps to a
        # line of its own when the width is short) or why not; warnings under it
        result = Text(status, style=IMPORT_STYLE.get(status, ""))
        result.append_text(safe(f" {row['file'] or row['reason'] or ''}", multiline=False))
        cells: list[Cell] = [Words(result, cap=PATH_MOST)]
        cells += [Words(safe(f"warning: {w}", "yellow", multiline=False))
                  for w in row.get("warnings", [])]  # fmt: skip
        table.add_row(f"{row['line']:,}", safe(row["name"] or "—", multiline=False), Stack(cells))
    if report["rows"]:
        parts.append(fit(table, ()))
    counts = report["counts"]
    made = counts["would-create"] if dry else counts["created"]
    summary = (
        f"{made} {'to create' if dry else 'created'}, {counts['present']} already present, "
        f"{counts['skipped']} skipped"
    )
    if report.get("warnings"):
        summary += f"; {report['warnings']} warning{'s' if report['warnings'] != 1 else ''}"
    parts.append(Text(summary, style="bold"))
    unmapped = report.get("unmapped_owners", [])
    if unmapped:
        values = ", ".join(repr(u["owner"]) for u in unmapped)
        parts.append(
            safe(
                f"{len(unmapped)} owner value{'s' if len(unmapped) != 1 else ''} matched no rep "
                f"under `owners:` and {'were' if len(unmapped) != 1 else 'was'} kept as "
                f"written: {values}. Add to touchplan.yaml (rename the rep before the colon "
                "if the guess is wrong):",
                "yellow",
            )
        )
        lines = list(dict.fromkeys(u["line"] for u in unmapped))
        parts.append(safe("owners:\n" + "\n".join(f"  {line}" for line in lines)))
    return Group(*parts)


def tiers_view(plan: dict[str, Any], applied: bool) -> RenderableType:
    """The Pareto table from ``TierPlan.to_json()``, then the changes."""
    limits = plan["thresholds"]
    by = plan.get("by", "value")
    title = Text(
        f"Tiers by {by}: A to {limits['A']:g} % of total {by}, B to {limits['B']:g} %, C the rest",
        style="bold",
    )
    parts: list[RenderableType] = [title]
    if plan["accounts"]:
        table = Table(box=box.SIMPLE_HEAD)
        for col, justify in (
            ("#", "right"),
            ("Account", "left"),
            ("Owner", "left"),
            (by.capitalize(), "right"),
            ("Share", "right"),
            ("Cumulative", "right"),
            ("Tier", "center"),
            ("Suggested", "center"),
        ):
            # names wrap at spaces; numbers, shares and tiers stay whole
            whole = col not in ("Account", "Owner")
            table.add_column(col, justify=justify, no_wrap=whole)  # type: ignore[arg-type]
        for row in plan["accounts"]:
            table.add_row(
                f"{row['rank']:,}",
                safe(row["name"], "bold", multiline=False),
                safe(row["owner"], multiline=False),
                f"{row['value']:,.0f}",
                f"{row['share']:.1f} %",
                f"{row['cumulative']:.1f} %",
                row["tier"],
                Text(row["suggested"], style="bold yellow" if row["change"] else ""),
            )
        parts.append(fit(table, ("Owner", "Share", "#")))
        parts.append(Text(f"Total {by} {plan['total_value']:,.0f}", style="dim"))
    else:
        parts.append(Text(f"No account has a {by}.", style="dim"))
    if plan["without_value"]:
        parts.append(
            safe(
                f"No {by}, tier kept: {', '.join(plan['without_value'])} "
                f"(add `{by}:` to tier them)",
                "dim",
            )
        )
    changes = plan["changes"]
    if not changes:
        parts.append(Text("Every tier already matches.", style="green"))
        return Group(*parts)
    verb = "Changed" if applied else "Would change"
    plural = "s" if len(changes) != 1 else ""
    parts.append(Text(f"{verb} {len(changes)} tier{plural}:", style="bold"))
    for change in changes:
        failed = " (not changed: see the warning)" if applied and not change["applied"] else ""
        parts.append(
            safe(
                f"  {change['file']}: tier {change['from']} → {change['to']}{failed}",
                "red" if failed else "",
                multiline=False,
            )
        )
    if not applied:
        parts.append(Text("Run `touchplan tiers --apply` to write them.", style="dim"))
    return Group(*parts)


def exported(events: int, days: int, start: date, target: str) -> Text:
    """What `export ics -o FILE` wrote (on stderr: stdout may be the calendar)."""
    return safe(
        f"Wrote {events} event{'s' if events != 1 else ''} for {days} "
        f"working days from {start.isoformat()} to {target}",
        "green",
    )


MEETING_STYLE = {
    "logged": "green",
    "booked": "green",
    "moved": "green",
    "cancelled": "magenta",
    "present": "dim",
    "kept": "dim",
    "skipped": "yellow",
    "error": "red",
    "failed": "red",
}
# A real run lists what it changed or could not do; these it only counts.
QUIET = ("present", "skipped")


def plural(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def meeting_line(row: dict[str, Any]) -> Text:
    """``2026-11-10  logged        Acme Corp · Quarterly review · meeting with Jane (line 45)``:
    one event for one account, as lines rather than a table (a year of meetings is
    thousands of them, and a table measures every cell before it prints one)."""
    status = row["status"]
    line = Text(f"{row['date'] or '':10}  ")
    line.append(f"{status:<13}", style=MEETING_STYLE.get(status.removeprefix("would-"), "green"))
    if row["name"]:
        line.append_text(safe(row["name"], "bold", multiline=False))
        line.append(" · ")
    line.append_text(safe(row["event"], multiline=False))
    what = row["kind"] or ""
    if row["with"]:
        what += f" with {row['with']}"
    if row["reason"]:
        what = f"{what}: {row['reason']}" if what else row["reason"]
    if what:
        line.append(" · ")
        line.append_text(safe(what, multiline=False))
    if row["line"]:
        line.append(f" (line {row['line']})", style="dim")
    return line


def meetings_view(report: dict[str, Any]) -> RenderableType:
    """The calendar import from ``ImportReport.to_json()``: a line per event and account
    (every one in a dry run), the attendees no account knows, then counts."""
    dry = report["dry_run"]
    title = safe(f"Calendar import of {report['file']}", "bold")
    if dry:
        title.append(" (dry run: nothing written)", style="yellow")
    parts: list[RenderableType] = [title]
    rows = [r for r in report["events"] if dry or r["status"] not in QUIET]
    if rows:
        parts.append(Text("\n").join(meeting_line(r) for r in rows))
    if report["unmatched"]:
        parts.append(Text("Attendees no account knows:", style="bold"))
        lines = []
        for s in report["unmatched"]:
            who = s["address"] or s["domain"]
            people = "" if s["address"] else f"{plural(s['people'], 'person', 'people')}, "
            line = f"  {who}: {people}{plural(s['events'], 'event')}"
            if s["likely"]:
                line += f" — likely {s['likely']['name']} ({s['likely']['why']})"
            lines.append(safe(f"{line}; {s['fix']}", multiline=False))
        parts.append(Text("\n").join(lines))
    counts = report["counts"]
    done = [
        (counts["would-log" if dry else "logged"], "to log" if dry else "logged"),
        (counts["would-book" if dry else "booked"], "to book" if dry else "booked"),
        (counts["would-move" if dry else "moved"], "to move" if dry else "moved"),
        (counts["would-cancel" if dry else "cancelled"], "to cancel" if dry else "cancelled"),
        (counts["present"], "already there"),
        (counts["kept"], "kept"),
        (counts["skipped"], "skipped"),
        (counts["error"], "unreadable"),
        (counts["failed"], "not written"),
    ]
    parts.append(Text(", ".join(f"{n} {what}" for n, what in done if n) or "No events.", "bold"))
    return Group(*parts)
