"""Tables for the team commands: the manager's report, `doctor` and `init`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from touchplan.views.console import safe
from touchplan.views.layout import fit


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _count(n: int) -> str:
    return f"{n:,}"


def touches_table(data: dict[str, Any]) -> RenderableType:
    """Touches logged in the period: a row per group, a column per kind logged."""
    title = Text(f"Touches logged {data['from']} to {data['date']}, by kind", style="bold")
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


def report_view(data: dict[str, Any]) -> RenderableType:
    """The manager's report from its JSON form (`team.report_json`)."""
    by = data["by"]
    title = Text(f"Team report, {data['date']} · by {by}", style="bold")
    title.append(f" · touches logged {data['from']} to {data['date']}", style="dim")
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
        last = i == len(rows) - 1
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
        name = safe("(all)" if last else g["group"] or "(no owner)", "bold" if last else "")
        table.add_row(
            name,
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
    parts: list[RenderableType] = [fit(table), Text(), touches_table(data), Text()]
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
        for col in ("Renewal", "Days", "Stage", "Account", "Owner", "Tier", "Value"):
            renewals.add_column(col, justify="right" if col in ("Days", "Value") else "left")
        for r in data["renewals"]:
            stage = r["stage"]
            style = {"lapsed": "bold red", "14": "red", "30": "yellow"}.get(stage, "")
            shown = stage if not stage.isdigit() else f"{stage}-day"
            renewals.add_row(
                r["renewal"],
                _count(r["days_left"]),
                Text(shown, style=style),
                safe(r["name"], "bold"),
                safe(r["owner"] or "—"),
                r["tier"],
                _money(r["value"]),
            )
        parts.append(fit(renewals))
    else:
        parts.append(Group(renew_title, Text("None.", style="dim")))
    return Group(*parts)


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
