"""Tables for the team commands: the manager's report, `doctor` and `init`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from touchplan.text import one_line
from touchplan.views.console import safe
from touchplan.views.layout import Clip, fit


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _count(n: int) -> str:
    return f"{n:,}"


def touches_table(data: dict[str, Any]) -> RenderableType:
    """Touches logged in the period: a row per group, a column per kind logged."""
    title = Text(f"Touches logged {data['from']} to {data['until']}, by kind", style="bold")
    rows = [*data["groups"], data["total"]]
    kinds = [kind for kind, n in data["total"]["touches"].items() if n]
    if not kinds:
        return Group(title, Text("None.", style="dim"))
    table = Table(title=title, box=box.SIMPLE_HEAD)
    table.add_column("Owner" if data["by"] == "owner" else "Tier")
    for kind in kinds:
        table.add_column(kind, justify="right", no_wrap=True)
    table.add_column("all", justify="right", no_wrap=True)
    for i, g in enumerate(rows):
        last = i == len(rows) - 1
        table.add_row(
            safe("(all)" if last else g["group"] or "(no owner)", "bold" if last else ""),
            *(_count(g["touches"].get(kind, 0)) for kind in kinds),
            Text(_count(g["touches_total"]), style="bold"),
            end_section=i == len(rows) - 2,
        )
    # a narrow terminal leaves out the kinds logged least
    rare = sorted(kinds, key=lambda kind: data["total"]["touches"][kind])
    return fit(table, rare)


def _group_name(g: dict[str, Any], last: bool) -> Text:
    return safe("(all)" if last else g["group"] or "(no owner)", "bold" if last else "")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _share(part: int, whole: int) -> Text:
    """``12/15 80%``; a dash when there was nothing to count."""
    if not whole:
        return Text("—", style="dim")
    share = round(100 * part / whole)
    return Text(f"{part}/{whole} {share}%", style="red" if share < 50 else "")


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None], top: float | None = None) -> str:
    """One character per value, scaled from 0 to ``top`` (default: the largest); a
    space where there is no value."""
    known = [v for v in values if v is not None]
    high = top if top is not None else max(known, default=0)
    line = ""
    for v in values:
        if v is None:
            line += " "
        elif high <= 0:
            line += SPARKS[0]
        else:
            line += SPARKS[min(len(SPARKS) - 1, int(v / high * (len(SPARKS) - 1) + 0.5))]
    return line


def _trend(values: Sequence[float | None], suffix: str = "", top: float | None = None) -> Text:
    last = values[-1] if values else None
    text = Text(sparkline(values, top), style="cyan")
    text.append(f" {'—' if last is None else f'{last:g}'}{suffix if last is not None else ''}")
    return text


def _today_table(data: dict[str, Any]) -> Table:
    by = data["by"]
    title = Text(f"Team report, {data['date']} · by {by}", style="bold")
    title.append(f" · touches logged {data['from']} to {data['until']}", style="dim")
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for col, justify in (
        ("Owner" if by == "owner" else "Tier", "left"),
        ("Accounts", "right"),
        ("Coverage", "right"),
        ("Overdue", "right"),
        ("Neglected A", "right"),
        ("Problems", "right"),
        ("Renewals", "right"),
        ("Value", "right"),
        ("Touches", "right"),
    ):
        table.add_column(col, justify=justify, no_wrap=justify == "right")  # type: ignore[arg-type]
    rows = [*data["groups"], data["total"]]
    for i, g in enumerate(rows):
        coverage = (
            Text("—", style="dim")
            if g["coverage"] is None
            else Text(
                f"{g['coverage']:g}% ({g['covered']}/{g['planned']})",
                style="red" if g["coverage"] < 50 else "yellow" if g["coverage"] < 80 else "",
            )
        )
        accounts = _count(g["accounts"])
        extra = [f"{g[k]} {k}" for k in ("snoozed", "lost") if g[k]]
        if extra:
            accounts += f" ({', '.join(extra)})"
        touches = Text(_count(g["touches_total"]), style="bold")  # by kind: touches_table
        table.add_row(
            _group_name(g, i == len(rows) - 1),
            accounts,
            coverage,
            _count(g["overdue_items"]),
            Text(_count(g["neglected_a"]), style="bold red" if g["neglected_a"] else ""),
            Text(_count(g["open_problems"]), style="bold red" if g["open_problems"] else ""),
            _count(g["renewals"]),
            _money(g["renewal_value"]) if g["renewals"] else "—",
            touches,
            end_section=i == len(rows) - 2,
        )
    return table


def _scoreboard_tables(data: dict[str, Any]) -> tuple[Table, Table]:
    """The scoreboard in two tables (renewals; promises, problems and contacts), so that
    each fits 100 columns."""
    period = data["quarter"] or f"{data['from']} to {data['until']}"
    renewals = Table(title=Text(f"Retention scoreboard, {period}", style="bold"),
                     box=box.SIMPLE_HEAD)  # fmt: skip
    others = Table(title=Text("Promises, problems and contacts", style="bold"),
                   box=box.SIMPLE_HEAD)  # fmt: skip
    group = "Owner" if data["by"] == "owner" else "Tier"
    for table, cols in (
        (renewals, ("Renewals due", "On time", "Late", "Lapsed", "Lost", "GRR",
                    f"Started ≥{data['renewal_lead_days']}d")),
        (others, ("Promises on time", "Thank-yous on time", "Problems opened / resolved",
                  "Median days", "Contacts", "Within cadence at end")),
    ):  # fmt: skip
        table.add_column(group)
        for col in cols:
            table.add_column(col, justify="right", no_wrap=True)
    rows = [*data["groups"], data["total"]]
    for i, g in enumerate(rows):
        due = g["renewals_due"]
        name = _group_name(g, i == len(rows) - 1)
        section = i == len(rows) - 2
        renewals.add_row(
            name,
            _count(due),
            _count(g["renewals_on_time"]),
            Text(_count(g["renewals_late"]), style="bold" if g["renewals_late"] else ""),
            Text(_count(g["renewals_lapsed"]), style="bold red" if g["renewals_lapsed"] else ""),
            Text(_count(g["renewals_lost"]), style="bold red" if g["renewals_lost"] else ""),
            _pct(g["grr"]),
            _share(g["renewals_started_ahead"], due),
            end_section=section,
        )
        others.add_row(
            name,
            _share(g["promises_on_time"], g["promises_due"]),
            _share(g["thank_yous_on_time"], g["thank_yous_due"]),
            f"{g['problems_opened']:,} / {g['problems_resolved']:,}",
            "—" if g["problems_median_days"] is None else f"{g['problems_median_days']:,g}",
            _count(g["contacts"]),
            _share(g["within_cadence_at_end"], g["planned_at_end"]),
            end_section=section,
        )
    return renewals, others


def _trends_table(data: dict[str, Any]) -> Table:
    weeks = data["trends"]["weeks"]
    title = Text(f"Trends, {len(weeks)} weeks to {weeks[-1]}", style="bold")
    title.append(" · each week as the history stood at its end", style="dim")
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Owner" if data["by"] == "owner" else "Tier")
    table.add_column("Coverage")
    table.add_column("Contacts a week")
    table.add_column("Overdue commitments")
    trends = data["trends"]
    rows = [*trends["groups"], trends["total"]]
    for i, t in enumerate(rows):
        table.add_row(
            _group_name(t, i == len(rows) - 1),
            _trend(t["coverage"], "%", top=100),
            _trend(t["contacts"]),
            _trend(t["overdue_commitments"]),
            end_section=i == len(rows) - 2,
        )
    return table


def report_view(data: dict[str, Any]) -> RenderableType:
    """The manager's report from its JSON form (`records.report_record`)."""
    parts: list[RenderableType] = [fit(_today_table(data)), Text(), touches_table(data), Text()]
    for table in (*_scoreboard_tables(data), _trends_table(data)):
        parts += [fit(table), Text()]
    neglect_title = Text("A accounts with no contact in 2× their cadence", style="bold")
    if data["neglected"]:
        neglected = Table(title=neglect_title, box=box.SIMPLE_HEAD, title_justify="left")
        for col in ("Account", "Owner", "Last contact", "Days", "Limit"):
            neglected.add_column(col, justify="right" if col in ("Days", "Limit") else "left")
        for n in data["neglected"]:
            neglected.add_row(
                safe(n["name"], "bold"),
                safe(n["owner"] or "—"),
                n["last_contact"] or Text("never", style="red"),
                "—" if n["days_since"] is None else _count(n["days_since"]),
                _count(n["limit_days"]),
            )
        parts += [fit(neglected), Text()]
    else:
        parts.append(Group(neglect_title, Text("None.", style="dim"), Text("")))
    renew_title = Text(
        f"Renewals in the next {data['renewal_window_days']} days (and lapsed)", style="bold"
    )
    if data["renewals"]:
        renewals = Table(title=renew_title, box=box.SIMPLE_HEAD, title_justify="left")
        for col in ("Renewal", "Days", "Stage", "Progress", "Account", "Owner", "Tier", "Value"):
            renewals.add_column(col, justify="right" if col in ("Days", "Value") else "left")
        for r in data["renewals"]:
            stage = r["stage"]
            style = {"lapsed": "bold red", "14": "red", "30": "yellow"}.get(stage, "")
            shown = stage if not stage.isdigit() else f"{stage}-day"
            renewals.add_row(
                r["renewal"],
                _count(r["days_left"]),
                Text(shown, style=style),
                r["progress"],
                safe(r["name"], "bold"),
                safe(r["owner"] or "—"),
                r["tier"],
                _money(r["value"]),
            )
        parts += [fit(renewals), Text()]
    else:
        parts.append(Group(renew_title, Text("None.", style="dim"), Text("")))
    parts += [_ratings_table(data), Text(), _threaded_table(data), Text()]
    lost_title = Text("Customers lost in the period", style="bold")
    if data["lost"]:
        lost = Table(title=lost_title, box=box.SIMPLE_HEAD, title_justify="left")
        for col in ("Date", "Account", "Owner", "Value", "Reason"):
            lost.add_column(col, justify="right" if col == "Value" else "left", overflow="fold")
        for loss in data["lost"]:
            lost.add_row(
                loss["date"],
                safe(loss["name"], "bold"),
                safe(loss["owner"] or "—"),
                _money(loss["value"]),
                safe(loss["reason"] or "—"),
            )
        parts.append(fit(lost))
    else:
        parts.append(Group(lost_title, Text("None.", style="dim")))
    return Group(*parts)


SHOWN = 20  # rows of a relationship list in the terminal; the JSON and HTML have more


def _listed(table: Table, drop: Sequence[str], rows: Sequence[Any]) -> RenderableType:
    """The table of the first SHOWN rows, and how many more the JSON has."""
    more = len(rows) - SHOWN
    if more <= 0:
        return fit(table, drop)
    return Group(fit(table, drop), Text(f"… and {more:,} more (all of them: --format json).",
                                        style="dim"))  # fmt: skip


def _ratings_table(data: dict[str, Any]) -> RenderableType:
    """Accounts by latest review rating, lowest first, then the biggest fall."""
    title = Text("Review ratings, lowest first", style="bold")
    rows = data["ratings"]
    if not rows:
        return Group(title, Text("No rated reviews.", style="dim"))
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("Rating", "Trend", "Date", "Account", "Owner", "Comment"):
        table.add_column(col, no_wrap=col != "Comment", ratio=1 if col == "Comment" else None)
    for r in rows[:SHOWN]:
        change = r["change"]
        trend = r["trend"] if not change else f"{r['trend']} {abs(change)}"
        table.add_row(
            Text(f"{r['rating']}/5", style="bold red" if r["rating"] <= 2 else ""),
            Text(trend, style="bold red" if r["dropped"] else ""),
            r["date"],
            safe(r["name"], "bold"),
            safe(r["owner"] or "—"),
            # a one-line excerpt: a list to scan, not the diary
            Clip(safe(one_line(r["comment"]) or "—")),
        )
    return _listed(table, ("Comment", "Owner"), rows)


def _threaded_table(data: dict[str, Any]) -> RenderableType:
    """Watched-tier accounts where only one person was touched lately."""
    title = Text("Single-threaded: one person touched lately", style="bold")
    rows = data["single_threaded"]
    if not rows:
        return Group(title, Text("None.", style="dim"))
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("Account", "Tier", "Owner", "Only", "Within"):
        table.add_column(col, justify="right" if col == "Within" else "left")
    for t in rows[:SHOWN]:
        table.add_row(
            safe(t["name"], "bold"),
            t["tier"],
            safe(t["owner"] or "—"),
            safe(t["touched"]),
            f"{t['within_days']} d",
        )
    return _listed(table, ("Owner",), rows)


def doctor_view(checks: Sequence[dict[str, Any]]) -> RenderableType:
    """`touchplan doctor`: each check, ok or what to do about it."""
    table = Table(box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("Check", no_wrap=True)
    table.add_column("Found", ratio=1)
    table.add_column("Fix", ratio=1)
    for check in checks:
        mark = Text("ok", style="green") if check["ok"] else Text("FAIL", style="bold red")
        table.add_row(mark, check["name"], safe(check["detail"]), safe(check["fix"], "yellow"))
    failed = sum(not c["ok"] for c in checks)
    if not failed:
        return Group(fit(table, ()), Text("All good.", style="green"))
    things = "1 thing" if failed == 1 else f"{failed} things"
    return Group(
        fit(table, ()), Text(f"{things} to fix, then run `touchplan doctor` again.", style="red")
    )


class SetupStep(Protocol):
    """One thing `init` did or found (connect.git.Step)."""

    @property
    def status(self) -> str: ...
    @property
    def what(self) -> str: ...
    @property
    def commands(self) -> tuple[str, ...]: ...


STEP_STYLE = {"ok": "dim", "todo": "yellow"}  # anything else was done now: green


def init_view(steps: Sequence[SetupStep]) -> RenderableType:
    """`touchplan init`: one line per step, the commands to run under a step to do."""
    lines: list[RenderableType] = []
    for step in steps:
        lines.append(safe(f"{step.status:<10} {step.what}", STEP_STYLE.get(step.status, "green")))
        lines.extend(safe(f"    {command}") for command in step.commands)
    return Group(*lines)
