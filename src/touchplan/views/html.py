"""`touchplan report --format html`: one self-contained page to look at.

Everything is inline: the CSS, and each chart as an SVG drawn by pygal (small, pure
Python, renders SVG itself: nothing to fetch, no script needed to draw). The scripts
pygal adds for hover tooltips are taken out, so the page loads nothing and runs
nothing. It reads on a laptop, on a phone (tables scroll sideways inside their box,
charts shrink with the page) and prints on A4. All user text is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from touchplan import __version__
from touchplan.errors import TouchplanError
from touchplan.text import for_display

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

LIST_LIMIT = 200  # rows per list on the page; the JSON has them all
PROGRESS_COLORS = {
    "not started": "#9e9e9e",
    "conversation": "#64b5f6",
    "proposal": "#1e88e5",
    "verbal": "#2e7d32",
    "lapsed": "#c62828",
}
SERIES_COLORS = ("#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#00897b", "#e53935", "#6d4c41")
MAX_GROUP_LINES = 6  # more owners than this: the coverage chart shows the total only

CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --dim: #6e6e73; --line: #d2d2d7;
  --bad: #c62828; --warn: #b26a00; --good: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 16px; color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.5em; margin: 0 0 4px; }
h2 { font-size: 1.15em; margin: 28px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; }
p.meta, p.note, figcaption, .dim { color: var(--dim); }
p.note { font-size: 0.85em; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 0.9em; width: 100%; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right;
  white-space: nowrap; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
td.wrap { white-space: normal; min-width: 12em; }
tr.total td { font-weight: 600; border-top: 2px solid var(--ink); }
.bad { color: var(--bad); } .warn { color: var(--warn); } .good { color: var(--good); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr));
  gap: 16px; }
figure.chart { margin: 0; min-width: 0; }
figure.chart svg { display: block; width: 100%; height: auto; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.card b { display: block; font-size: 1.4em; }
footer { margin-top: 32px; font-size: 0.8em; color: var(--dim); }
@media (max-width: 600px) { body { padding: 8px; font-size: 14px; } }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .scroll { overflow: visible; }
  table { font-size: 7pt; table-layout: auto; }
  th, td { padding: 2px 3px; white-space: normal; overflow-wrap: anywhere; }
  section, figure.chart, tr { break-inside: avoid; }
  .charts { grid-template-columns: 1fr 1fr; }
}
"""


def _text(value: object) -> str:
    """User text as inert HTML: control characters made visible, markup escaped."""
    return html.escape(for_display(str(value), multiline=False))


def _num(value: float | None, suffix: str = "") -> str:
    if value is None:
        return '<span class="dim">—</span>'
    shown = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"
    return shown + suffix


def _share(part: int, whole: int) -> str:
    if not whole:
        return '<span class="dim">—</span>'
    share = round(100 * part / whole)
    css = "bad" if share < 50 else ("warn" if share < 80 else "")
    return f'<span class="{css}">{part}/{whole} ({share}%)</span>'


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], total: bool = False) -> str:
    """A table in a box that scrolls sideways on a narrow screen; cells are HTML."""
    cells = "".join(f"<th>{h}</th>" for h in head)
    body = []
    for i, row in enumerate(rows):
        css = ' class="total"' if total and i == len(rows) - 1 else ""
        body.append(f"<tr{css}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{cells}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _group_name(g: dict[str, Any], last: bool) -> str:
    return "(all)" if last else _text(g["group"] or "(no owner)")


# -- charts ---------------------------------------------------------------------------------


def _pygal() -> Any:
    try:
        import pygal
    except ImportError:  # a broken install: pygal is a dependency
        raise TouchplanError(
            "the HTML report needs the charting library pygal, which is not installed",
            "pip install pygal (or reinstall touchplan)",
        ) from None
    return pygal


def _strip(root: Element) -> Element:
    """No scripts (pygal's tooltips) and no comments (they carry the day it ran)."""
    for parent in root.iter():
        for child in list(parent):
            if child.tag == "script" or not isinstance(child.tag, str):
                parent.remove(child)
    return root


def _chart(kind: str, name: str, title: str, colors: Sequence[str], **config: Any) -> Any:
    pygal = _pygal()
    style = pygal.style.Style(
        background="transparent",
        plot_background="#ffffff",
        foreground="#1d1d1f",
        foreground_strong="#1d1d1f",
        foreground_subtle="#6e6e73",
        font_family='system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
        title_font_size=18,
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=13,
        value_font_size=12,
        colors=tuple(colors),
        transition="0ms",
    )
    chart = getattr(pygal, kind)(
        style=style,
        width=640,
        height=340,
        explicit_size=False,
        disable_xml_declaration=True,
        js=[],
        title=for_display(title, multiline=False),
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        truncate_legend=-1,
        truncate_label=-1,
        x_label_rotation=30,
        margin=8,
        **config,
    )
    chart.uuid = name  # a stable id (the CSS is scoped by it), not a random one
    chart.add_xml_filter(_strip)
    return chart


def _svg(chart: Any) -> str:
    text: str = chart.render(is_unicode=True)
    return text


def _week_labels(weeks: Sequence[str]) -> list[str]:
    return [w[5:] for w in weeks]  # MM-DD: the year is in the caption


def coverage_chart(data: dict[str, Any]) -> str:
    trends = data["trends"]
    groups = trends["groups"]
    lines = groups if 1 < len(groups) <= MAX_GROUP_LINES else []
    chart = _chart(
        "Line",
        "coverage",
        "Coverage: accounts within cadence (%)",
        ["#1d1d1f", *SERIES_COLORS],
        range=(0, 100),
        show_dots=True,
        dots_size=3,
        show_legend=bool(lines),
    )
    chart.x_labels = _week_labels(trends["weeks"])
    chart.add("all", trends["total"]["coverage"], stroke_style={"width": 3})
    for g in lines:
        chart.add(for_display(g["group"] or "(no owner)", multiline=False), g["coverage"])
    return _svg(chart)


def contacts_chart(data: dict[str, Any]) -> str:
    trends = data["trends"]
    chart = _chart("Bar", "contacts", "Contacts a week", ["#1e88e5"], show_legend=False)
    chart.x_labels = _week_labels(trends["weeks"])
    chart.add("contacts", trends["total"]["contacts"])
    return _svg(chart)


def overdue_chart(data: dict[str, Any]) -> str:
    trends = data["trends"]
    chart = _chart(
        "Line",
        "overdue",
        "Overdue commitments at each week's end",
        ["#c62828"],
        show_legend=False,
        fill=True,
        dots_size=3,
    )
    chart.x_labels = _week_labels(trends["weeks"])
    chart.add("overdue", trends["total"]["overdue_commitments"])
    return _svg(chart)


def pipeline_chart(data: dict[str, Any]) -> str:
    months = data["pipeline"]
    progress = list(PROGRESS_COLORS)
    chart = _chart(
        "StackedBar",
        "pipeline",
        "Renewals by month and progress",
        [PROGRESS_COLORS[p] for p in progress],
    )
    chart.x_labels = [m["month"] for m in months]
    for name in progress:
        chart.add(name, [m["progress"].get(name, {}).get("renewals") for m in months])
    return _svg(chart)


# -- the page -------------------------------------------------------------------------------


def _cards(total: dict[str, Any]) -> str:
    cards = [
        ("Renewals due", _num(total["renewals_due"])),
        ("Gross revenue retention", _num(total["grr"], "%")),
        ("Renewed on time", _share(total["renewals_on_time"], total["renewals_due"])),
        ("Promises kept on time", _share(total["promises_on_time"], total["promises_due"])),
        ("Within cadence at end", _share(total["within_cadence_at_end"], total["planned_at_end"])),
        ("Contacts", _num(total["contacts"])),
    ]
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><span class="dim">{label}</span><b>{value}</b></div>'
            for label, value in cards
        )
        + "</div>"
    )


def _scoreboard(data: dict[str, Any]) -> str:
    rows = [*data["groups"], data["total"]]
    head = [
        "Owner" if data["by"] == "owner" else "Tier",
        "Renewals due",
        "On time",
        "Late",
        "Lapsed",
        "Lost",
        "GRR",
        f"Started ≥{data['renewal_lead_days']} d ahead",
        "Promises on time",
        "Thank-yous on time",
        "Gap checks done",
        "Problems opened / resolved",
        "Median days to resolve",
        "Contacts",
        "Within cadence at end",
    ]
    body = []
    for i, g in enumerate(rows):
        body.append(
            [
                _group_name(g, i == len(rows) - 1),
                _num(g["renewals_due"]),
                _num(g["renewals_on_time"]),
                _num(g["renewals_late"]),
                _num(g["renewals_lapsed"]),
                _num(g["renewals_lost"]),
                _num(g["grr"], "%"),
                _share(g["renewals_started_ahead"], g["renewals_due"]),
                _share(g["promises_on_time"], g["promises_due"]),
                _share(g["thank_yous_on_time"], g["thank_yous_due"]),
                _share(g["gap_checks_done"], g["gap_checks_due"]),
                f"{g['problems_opened']} / {g['problems_resolved']}",
                _num(g["problems_median_days"]),
                _num(g["contacts"]),
                _share(g["within_cadence_at_end"], g["planned_at_end"]),
            ]
        )
    return _table(head, body, total=True)


def _standing(data: dict[str, Any]) -> str:
    rows = [*data["groups"], data["total"]]
    head = ["Owner" if data["by"] == "owner" else "Tier", "Accounts", "Coverage"]
    head += ["Overdue items", "Neglected A", "Open problems", "Renewals ≤90 d", "Value"]
    body = [
        [
            _group_name(g, i == len(rows) - 1),
            _num(g["accounts"]),
            _share(g["covered"], g["planned"]),
            _num(g["overdue_items"]),
            _num(g["neglected_a"]),
            _num(g["open_problems"]),
            _num(g["renewals"]),
            _num(g["renewal_value"]),
        ]
        for i, g in enumerate(rows)
    ]
    return _table(head, body, total=True)


def _pipeline_table(data: dict[str, Any]) -> str:
    head = ["Month", *PROGRESS_COLORS, "Renewals", "Value"]
    body = []
    for m in data["pipeline"]:
        cells = [_text(m["month"])]
        cells += [_num(m["progress"].get(p, {}).get("renewals", 0)) for p in PROGRESS_COLORS]
        cells += [_num(m["renewals"]), _num(m["value"])]
        body.append(cells)
    return _table(head, body)


def _listing(
    rows: Sequence[dict[str, Any]],
    head: Sequence[str],
    cells: Callable[[dict[str, Any]], list[str]],
    empty: str = "None.",
) -> str:
    if not rows:
        return f'<p class="dim">{empty}</p>'
    shown = _table(head, [cells(r) for r in rows[:LIST_LIMIT]])
    if len(rows) > LIST_LIMIT:
        more = len(rows) - LIST_LIMIT
        shown += f'<p class="note">… and {more:,} more (all of them: --format json).</p>'
    return shown


def _outcome_cell(o: dict[str, Any]) -> str:
    css = {"lapsed": "bad", "lost": "bad", "late": "warn", "on-time": "good"}.get(o["outcome"], "")
    late = f" ({o['days_late']} d)" if o["outcome"] in ("late", "lapsed") else ""
    return f'<span class="{css}">{o["outcome"]}{late}</span>'


def report_html(data: dict[str, Any]) -> str:
    """The report's JSON form (`records.report_record`) as one HTML page."""
    period = data["quarter"] or f"{data['from']} to {data['until']}"
    weeks = data["trends"]["weeks"]
    exceptions = [o for o in data["outcomes"] if o["outcome"] in ("late", "lapsed", "lost")]
    neglected = _listing(
        data["neglected"],
        ["Account", "Owner", "Last contact", "Days", "Limit"],
        lambda n: [
            _text(n["name"]),
            _text(n["owner"] or "—"),
            n["last_contact"] or '<span class="bad">never</span>',
            _num(n["days_since"]),
            _num(n["limit_days"]),
        ],
    )
    ratings = _listing(
        data["ratings"],
        ["Rating", "Trend", "Date", "Account", "Owner", "Comment"],
        lambda r: [
            f'<span class="{"bad" if r["rating"] <= 2 else ""}">{r["rating"]}/5</span>',
            f'<span class="{"bad" if r["dropped"] else ""}">{r["trend"]}'
            + (f" {abs(r['change'])}" if r["change"] else "")
            + "</span>",
            r["date"],
            _text(r["name"]),
            _text(r["owner"] or "—"),
            _text(r["comment"] or "—"),
        ],
        "No rated reviews.",
    )
    threaded = _listing(
        data["single_threaded"],
        ["Account", "Tier", "Owner", "Only person touched", "Within"],
        lambda t: [
            _text(t["name"]),
            t["tier"],
            _text(t["owner"] or "—"),
            _text(t["touched"]),
            f"{t['within_days']} d",
        ],
    )
    lost = _listing(
        data["lost"],
        ["Date", "Account", "Owner", "Value", "Reason"],
        lambda loss: [
            loss["date"],
            _text(loss["name"]),
            _text(loss["owner"] or "—"),
            _num(loss["value"]),
            f'<span class="wrap">{_text(loss["reason"] or "—")}</span>',
        ],
    )
    outcomes = _listing(
        exceptions,
        ["Renewal", "Account", "Owner", "Outcome", "Value", "Reason"],
        lambda o: [
            o["renewal"] + (" *" if o["estimated"] else ""),
            _text(o["name"]),
            _text(o["owner"] or "—"),
            _outcome_cell(o),
            _num(o["value"]),
            _text(o["reason"] or ""),
        ],
        "Every renewal due in the period was signed on time, or is still open.",
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Team report, {data["date"]}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>Team report</h1>
<p class="meta">As of {data["date"]} · scoreboard {period} · by {data["by"]} ·
trends: {len(weeks)} weeks to {weeks[-1]}</p>
</header>
<section id="scoreboard">
<h2>Retention scoreboard, {period}</h2>
{_cards(data["total"])}
{_scoreboard(data)}
<p class="note">GRR: value renewed ÷ value of the renewals due and decided. Renewals due
in the period by their date; promises and thank-yous by the day they were due; problems
by the day they were opened or resolved. Every formula: README, "The manager's report".</p>
</section>
<section id="trends">
<h2>Trends: each week as the history stood at its end</h2>
<div class="charts">
<figure class="chart" id="chart-coverage">{coverage_chart(data)}</figure>
<figure class="chart" id="chart-contacts">{contacts_chart(data)}</figure>
<figure class="chart" id="chart-overdue">{overdue_chart(data)}</figure>
</div>
</section>
<section id="pipeline">
<h2>Renewal pipeline</h2>
<div class="charts">
<figure class="chart" id="chart-pipeline">{pipeline_chart(data)}</figure>
</div>
{_pipeline_table(data)}
</section>
<section id="standing">
<h2>Where the book stands on {data["date"]}</h2>
{_standing(data)}
</section>
<section id="neglected">
<h2>A accounts with no contact in twice their cadence</h2>
{neglected}
</section>
<section id="ratings">
<h2>Review ratings, lowest first</h2>
{ratings}
</section>
<section id="single-threaded">
<h2>Single-threaded accounts: one person touched lately</h2>
{threaded}
</section>
<section id="lost">
<h2>Customers lost in the period</h2>
{lost}
</section>
<section id="renewals">
<h2>Renewals due in the period: late, lapsed or lost</h2>
{outcomes}
<p class="note">* the date is estimated: the first signing on record moved the file's
renewal date, so the date it closed is taken as 12 months before the new one.</p>
</section>
<footer>touchplan {__version__}</footer>
</body>
</html>
"""
