"""`touchplan report`: the manager's numbers per owner and tier, on a small known team.

Today is Tuesday 2026-11-24. Visits and reviews are switched off so each account has
only the items named in its comment.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from touchplan.model import TouchKind

POLICY = """\
visit:
  every: {A: null, B: null, C: null}
review:
  every: {A: null, B: null, C: null}
"""

ACCOUNTS = {
    # covered (called 4 days ago); renewal in 26 days: 30-day stage, due since 11-20
    "acme": """\
        name: Acme
        tier: A
        owner: dana
        since: 2024-01-01
        renewal: 2026-12-20
        value: 100000
        history:
          - date: 2026-11-20
            kind: call
        """,
    # neglected: no contact for 54 days (limit 2 × 14); touch and open problem overdue
    "globex": """\
        name: Globex
        tier: A
        owner: dana
        since: 2024-01-01
        history:
          - date: 2026-10-01
            kind: call
            problem: Late delivery
        """,
    # a note is not a contact: the touch is overdue
    "initech": """\
        name: Initech
        tier: B
        owner: dana
        since: 2024-01-01
        history:
          - date: 2026-11-10
            kind: note
            summary: internal
        """,
    # covered; renewal in 69 days: not started yet ("ahead")
    "umbrella": """\
        name: Umbrella
        tier: C
        owner: lee
        since: 2024-01-01
        renewal: 2027-02-01
        value: 5000
        history:
          - date: 2026-11-01
            kind: call
        """,
    # snoozed: counted, but not in coverage or neglect
    "hooli": """\
        name: Hooli
        tier: A
        owner: lee
        since: 2024-01-01
        snooze:
          until: 2026-12-31
          reason: budget freeze
        history:
          - date: 2026-06-01
            kind: call
        """,
    # lost: only its touches and the `lost` count
    "vandelay": """\
        name: Vandelay
        tier: B
        owner: lee
        status: lost
        renewal: 2026-12-01
        history:
          - date: 2026-11-15
            kind: email
        """,
    # no owner; covered; the renewal lapsed 23 days ago (an overdue item)
    "stark": """\
        name: Stark
        tier: C
        since: 2024-01-01
        renewal: 2026-11-01
        value: 2000
        history:
          - date: 2026-09-01
            kind: call
        """,
}


@pytest.fixture
def team(root: Path, write_account: Callable[..., Path]) -> Path:
    (root / "touchplan.yaml").write_text(POLICY)
    for slug, text in ACCOUNTS.items():
        write_account(slug, text)
    return root


def touches(**counts: int) -> dict[str, int]:
    return {kind.value: counts.get(kind.value.replace("-", "_"), 0) for kind in TouchKind}


def row(group: str, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "group": group,
        "accounts": 0,
        "planned": 0,
        "snoozed": 0,
        "lost": 0,
        "covered": 0,
        "coverage": None,
        "overdue_items": 0,
        "neglected_a": 0,
        "open_problems": 0,
        "renewals": 0,
        "renewal_value": 0.0,
        "touches": touches(),
        "touches_total": 0,
    }
    base.update(values)
    return base


DANA = row(
    "dana",
    accounts=3,
    planned=3,
    covered=1,
    coverage=33.3,
    overdue_items=3,  # initech was never reached: its first touch is due today, not late
    neglected_a=1,
    open_problems=1,
    renewals=1,
    renewal_value=100000.0,
    touches=touches(call=2, note=1),
    touches_total=3,
)
LEE = row(
    "lee",
    accounts=2,
    planned=1,
    snoozed=1,
    lost=1,
    covered=1,
    coverage=100.0,
    renewals=1,
    renewal_value=5000.0,
    touches=touches(call=1, email=1),
    touches_total=2,
)
NOBODY = row(
    "",
    accounts=1,
    planned=1,
    covered=1,
    coverage=100.0,
    overdue_items=1,
    renewals=1,
    renewal_value=2000.0,
    touches=touches(call=1),
    touches_total=1,
)
TOTAL = row(
    "all",
    accounts=6,
    planned=5,
    snoozed=1,
    lost=1,
    covered=3,
    coverage=60.0,
    overdue_items=4,
    neglected_a=1,
    open_problems=1,
    renewals=3,
    renewal_value=107000.0,
    touches=touches(call=4, note=1, email=1),
    touches_total=6,
)


def report(run: Callable[..., Any], *args: str) -> dict[str, Any]:
    result = run("report", "--format", "json", *args)
    assert (result.exit_code, result.stderr) == (0, "")
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def today_part(group: dict[str, Any]) -> dict[str, Any]:
    """The keys of the report before the scoreboard (test_report_scoreboard has those)."""
    return {k: group[k] for k in row("")}


def test_report_by_owner(team: Path, run: Callable[..., Any]) -> None:
    data = report(run)
    assert {k: data[k] for k in ("date", "from", "by", "renewal_window_days")} == {
        "date": "2026-11-24",
        "from": "2026-08-26",
        "by": "owner",
        "renewal_window_days": 90,
    }
    groups = [today_part(g) for g in data["groups"]]
    assert groups == [DANA, LEE, NOBODY]  # accounts without an owner last
    assert today_part(data["total"]) == TOTAL
    assert data["neglected"] == [
        {
            "account": "globex",
            "name": "Globex",
            "tier": "A",
            "owner": "dana",
            "last_contact": "2026-10-01",
            "days_since": 54,
            "limit_days": 28,
            "file": "accounts/globex.yaml",
        }
    ]
    renewals = [
        (r["account"], r["days_left"], r["stage"], r["progress"], r["value"])
        for r in data["renewals"]
    ]
    assert renewals == [
        ("stark", -23, "lapsed", "lapsed", 2000.0),
        ("acme", 26, "30", "not started", 100000.0),
        ("umbrella", 69, "ahead", "not started", 5000.0),
    ]


def test_report_by_tier_and_a_shorter_period(team: Path, run: Callable[..., Any]) -> None:
    data = report(run, "--by", "tier", "--since", "30d")
    assert data["from"] == "2026-10-25"
    assert [(g["group"], g["accounts"], g["planned"], g["covered"]) for g in data["groups"]] == [
        ("A", 3, 2, 1),
        ("B", 1, 1, 0),
        ("C", 2, 2, 2),
    ]
    assert [(g["group"], g["touches_total"]) for g in data["groups"]] == [
        ("A", 1),  # acme's call; globex's and hooli's are older
        ("B", 2),  # initech's note, vandelay's email
        ("C", 1),  # umbrella's call
    ]
    assert data["total"]["coverage"] == 60.0


def test_since_a_date_and_the_what_if_date(team: Path, run: Callable[..., Any]) -> None:
    data = report(run, "--since", "2026-11-15", "--date", "2026-11-20")
    assert (data["from"], data["date"]) == ("2026-11-15", "2026-11-20")
    assert data["total"]["touches"]["call"] == 1  # acme's call on the 20th
    assert data["total"]["touches"]["email"] == 1  # vandelay's, on the 15th


def test_report_csv(team: Path, run: Callable[..., Any]) -> None:
    result = run("report", "--format", "csv", "--by", "tier")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    # the columns before the scoreboard's are where they always were
    assert lines[0] == (
        "group,accounts,planned,snoozed,lost,covered,coverage,overdue_items,neglected_a,"
        "open_problems,renewals,renewal_value,touches_total,touches_call,touches_visit,"
        "touches_meeting,touches_email,touches_letter,touches_note,touches_review,"
        "touches_sale,touches_renewal,touches_thank-you,touches_share,touches_imported,"
        "touches_attempt,touches_defer,touches_lost,"
        "contacts,renewals_due,renewals_on_time,renewals_late,renewals_lapsed,renewals_lost,"
        "renewals_open,renewals_started_ahead,value_due,value_renewed,grr,promises_due,"
        "promises_on_time,promises_late,promises_open,thank_yous_due,thank_yous_on_time,"
        "thank_yous_late,thank_yous_missed,thank_yous_open,gap_checks_due,gap_checks_done,"
        "gap_checks_missed,gap_checks_open,problems_opened,problems_resolved,"
        "problems_median_days,customers_lost,planned_at_end,within_cadence_at_end,"
        "coverage_at_end,rating_drops,single_threaded"
    )
    touches_then_scoreboard = [
        # A: acme, globex and (snoozed) hooli; globex's problem was opened before the period
        "A,3,2,1,0,1,50,3,1,1,1,100000,2,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
        "2,0,0,0,0,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,,0,2,1,50,0,0",
        "B,1,1,0,1,0,0,0,0,0,0,0,2,0,0,0,1,0,1,0,0,0,0,0,0,0,0,0,"
        "1,0,0,0,0,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,0,1,0,0,0,0",
        # C: stark's renewal lapsed on 11-01, in the period: GRR 0
        "C,2,2,0,0,2,100,1,0,0,2,7000,2,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
        "2,1,0,0,1,0,0,0,2000,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,0,2,2,100,0,0",
        "all,6,5,1,1,3,60,4,1,1,3,107000,6,4,0,0,1,0,1,0,0,0,0,0,0,0,0,0,"
        "5,1,0,0,1,0,0,0,2000,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,,0,5,3,60,0,0",
    ]
    assert lines[1:] == touches_then_scoreboard


def test_report_table(team: Path, run: Callable[..., Any]) -> None:
    result = run("report")
    assert result.exit_code == 0
    text = result.stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Team report, 2026-11-24 · by owner · touches logged 2026-08-26 to 2026-11-24" in lines
    assert "dana 3 33.3% (1/3) 3 1 1 1 100,000 3" in lines
    assert "lee 2 (1 snoozed, 1 lost) 100% (1/1) 0 0 0 1 5,000 2" in lines
    assert "(no owner) 1 100% (1/1) 1 0 0 1 2,000 1" in lines
    assert "(all) 6 (1 snoozed, 1 lost) 60% (3/5) 4 1 1 3 107,000 6" in lines
    # the touches by kind: a table of their own, a column per kind logged
    assert "Touches logged 2026-08-26 to 2026-11-24, by kind" in lines
    assert "Owner call email note all" in lines
    assert "dana 2 0 1 3" in lines
    assert "(all) 4 1 1 6" in lines
    assert "Retention scoreboard, 2026-08-26 to 2026-11-24" in lines
    assert "dana 0 0 0 0 0 — —" in lines
    assert "(no owner) 1 0 0 1 0 0% 0/1 0%" in lines
    assert "Promises, problems and contacts" in lines
    assert "dana — — 1 / 0 — 2 1/3 33%" in lines
    assert "(no owner) — — 0 / 0 — 1 1/1 100%" in lines
    assert "Trends, 12 weeks to 2026-11-24 · each week as the history stood at its end" in lines
    # coverage 0-100 %; contacts and overdue scaled to their largest; the last value
    assert "dana ▁▁▁▁▃▃▁▁▁▁▁▃ 33.3% ▁▁▁▁█▁▁▁▁▁▁█ 1 ▁▁▁▁▅▅▅█████ 2" in lines
    assert "(all) ▂▂▂▂▄▄▂▂▄▄▄▅ 60% ▁▁▁▁█▁▁▁█▁██ 1 ▃▃▃▃▆▆▆█████ 3" in lines
    assert "Globex dana 2026-10-01 54 28" in lines
    assert "2026-11-01 -23 lapsed lapsed Stark — C 2,000" in lines
    assert "2026-12-20 26 30-day not started Acme dana A 100,000" in lines
    assert lines[-2:] == ["Customers lost in the period", "None."]


def test_empty_repository(root: Path, run: Callable[..., Any]) -> None:
    data = report(run)
    assert data["groups"] == [] and today_part(data["total"]) == row("all")
    assert (data["total"]["renewals_due"], data["total"]["grr"]) == (0, None)
    assert data["trends"]["total"]["coverage"] == [None] * 12
    result = run("report")
    assert result.exit_code == 0
    assert "None." in result.stdout


@pytest.mark.parametrize("since", ["soon", "2027-01-01"])
def test_bad_since_is_a_usage_error(team: Path, run: Callable[..., Any], since: str) -> None:
    result = run("report", "--since", since)
    assert result.exit_code == 2
    assert "--since" in result.stderr


def test_a_broken_file_is_skipped_with_a_warning(
    team: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    write_account("broken", "name: [\n")
    result = run("report", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["total"]["accounts"] == 6
    assert "skipped 1 account file with errors: accounts/broken.yaml" in result.stderr


# -- the period ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "period"),
    [
        (["--quarter", "2026Q3"], ("2026-07-01", "2026-09-30", "2026Q3")),
        (["--quarter", "2026-q4"], ("2026-10-01", "2026-11-24", "2026Q4")),  # under way
        (["--since", "30d", "--until", "2026-10-31"], ("2026-10-01", "2026-10-31", None)),
        (["--until", "2026-10-31"], ("2026-08-02", "2026-10-31", None)),  # 90 days back
        (["--since", "2026-01-01"], ("2026-01-01", "2026-11-24", None)),
    ],
)
def test_the_period(team: Path, run: Callable[..., Any], args: list[str], period: tuple) -> None:
    data = report(run, *args)
    assert (data["from"], data["until"], data["quarter"]) == period
    assert data["trends"]["weeks"][-1] == period[1]  # the trends end with the period


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2026Q5"], "--quarter: '2026Q5' is not a quarter"),
        (["--quarter", "2027Q1"], "--quarter 2027Q1 starts after 2026-11-24"),
        (["--quarter", "2026Q4", "--since", "30d"], "--quarter is a period of its own"),
        (["--until", "2026-12-01"], "--until 2026-12-01 is after 2026-11-24"),
        (["--since", "2026-11-01", "--until", "2026-10-01"], "is after 2026-10-01"),
        (["--weeks", "0"], "--weeks"),
        (["-o", "out.txt"], "-o goes with --format json, csv or html"),
    ],
)
def test_bad_periods_are_usage_errors(
    team: Path, run: Callable[..., Any], args: list[str], message: str
) -> None:
    result = run("report", *args)
    assert result.exit_code == 2
    assert message in result.stderr


# -- files and the HTML page --------------------------------------------------------------


def test_output_files(team: Path, run: Callable[..., Any], tmp_path: Path) -> None:
    printed = run("report", "--format", "json").stdout
    out = tmp_path / "report.json"
    result = run("report", "--format", "json", "-o", str(out))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert out.read_text() == printed
    csv_file = tmp_path / "report.csv"
    assert run("report", "--format", "csv", "-o", str(csv_file)).exit_code == 0
    assert csv_file.read_text() == run("report", "--format", "csv").stdout
    folder = run("report", "--format", "json", "-o", str(tmp_path))
    assert folder.exit_code == 2 and "is a folder" in folder.stderr


def test_the_html_page_is_self_contained_and_stable(
    team: Path, run: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = run("report", "--format", "html", "-o", str(out))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count('<figure class="chart"') == 4 and page.count("<svg") == 4
    # nothing to fetch or run: no script, no link, no src or href, no url() or @import
    for forbidden in ("<script", "<link", "src=", "href=", "url(", "@import", "<iframe"):
        assert forbidden not in page
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched
    assert "Generated with pygal" not in page  # no run date: same data, same bytes
    again = tmp_path / "again.html"
    run("report", "--format", "html", "-o", str(again))
    assert again.read_bytes() == out.read_bytes()
    # without -o the page goes to stdout
    assert run("report", "--format", "html").stdout == page


def test_user_text_in_the_page_is_inert(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    write_account(
        "evil",
        """\
        name: "<script>alert(1)</script> \\e[31mRed"
        tier: A
        owner: "<b>dana</b>"
        renewal: 2026-11-20
        status: lost
        history:
          - date: 2026-11-02
            kind: lost
            summary: "<img src=x onerror=alert(2)>"
        """,
    )
    result = run("report", "--format", "html")
    assert result.exit_code == 0
    page = result.stdout
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>dana" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\x1b[31mRed" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "\x1b" not in page


def test_a_missing_chart_library_is_said_plainly(
    team: Path, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pygal", None)  # import pygal raises ImportError
    result = run("report", "--format", "html")
    assert result.exit_code == 1
    assert "the HTML report needs the charting library pygal" in result.stderr
    assert result.stdout == ""


def test_a_large_book_gives_the_same_report_on_every_core(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    from touchplan.config import load_config
    from touchplan.files.sweep import PARALLEL_FROM, Job, sweep_report
    from touchplan.planning.report import finish, report_period
    from touchplan.views.records import report_record

    for i in range(PARALLEL_FROM + 20):
        write_account(
            f"acct-{i:03d}",
            f"name: A{i}\ntier: {'ABC'[i % 3]}\nowner: rep{i % 7}\n"
            f"renewal: 2026-{i % 12 + 1:02d}-15\nvalue: {i}\nhistory:\n"
            f"  - date: 2026-10-{i % 28 + 1:02d}\n    kind: {('call', 'sale', 'visit')[i % 3]}\n"
            f"    next: 2026-11-{i % 20 + 1:02d} Call back\n",
        )
    write_account("broken", "name: [\n")
    write_account("acct-001", "name: Twin\ntier: A\n", folder="zz")  # the slug is taken
    result = run("report", "--format", "json")
    assert result.exit_code == 0
    assert "accounts/broken.yaml" in result.stderr and "accounts/zz/acct-001.yaml" in result.stderr
    day = date(2026, 11, 24)
    period = report_period(None, None, None, day)
    config = load_config(root)
    here = sweep_report(Job(root, config.policy, day, period, 12, "owner"), workers=1)
    assert here.skipped == ["accounts/broken.yaml", "accounts/zz/acct-001.yaml"]
    expected = report_record(finish(here.tally, config.policy, day, period, 12))
    assert json.loads(result.stdout) == expected
    assert expected["total"]["accounts"] == PARALLEL_FROM + 20
