"""`touchplan report`: the manager's numbers per owner and tier, on a small known team.

Today is Tuesday 2026-11-24. Visits and reviews are switched off so each account has
only the items named in its comment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
    kinds = ("call", "visit", "meeting", "email", "letter", "note")
    kinds += ("review", "sale", "renewal", "thank-you")
    return {kind: counts.get(kind.replace("-", "_"), 0) for kind in kinds}


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
    overdue_items=4,
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
    overdue_items=5,
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


def test_report_by_owner(team: Path, run: Callable[..., Any]) -> None:
    data = report(run)
    assert {k: data[k] for k in ("date", "from", "by", "renewal_window_days")} == {
        "date": "2026-11-24",
        "from": "2026-08-26",
        "by": "owner",
        "renewal_window_days": 90,
    }
    assert data["groups"] == [DANA, LEE, NOBODY]  # accounts without an owner last
    assert data["total"] == TOTAL
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
    assert [(r["account"], r["days_left"], r["stage"], r["value"]) for r in data["renewals"]] == [
        ("stark", -23, "lapsed", 2000.0),
        ("acme", 26, "30", 100000.0),
        ("umbrella", 69, "ahead", 5000.0),
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
    assert lines[0] == (
        "group,accounts,planned,snoozed,lost,covered,coverage,overdue_items,neglected_a,"
        "open_problems,renewals,renewal_value,touches_total,touches_call,touches_visit,"
        "touches_meeting,touches_email,touches_letter,touches_note,touches_review,"
        "touches_sale,touches_renewal,touches_thank-you"
    )
    assert lines[1:] == [
        "A,3,2,1,0,1,50,3,1,1,1,100000,2,2,0,0,0,0,0,0,0,0,0",
        "B,1,1,0,1,0,0,1,0,0,0,0,2,0,0,0,1,0,1,0,0,0,0",
        "C,2,2,0,0,2,100,1,0,0,2,7000,2,2,0,0,0,0,0,0,0,0,0",
        "all,6,5,1,1,3,60,5,1,1,3,107000,6,4,0,0,1,0,1,0,0,0,0",
    ]


def test_report_table(team: Path, run: Callable[..., Any]) -> None:
    result = run("report")
    assert result.exit_code == 0
    text = result.stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Team report, 2026-11-24 · by owner · touches logged 2026-08-26 to 2026-11-24" in lines
    assert "dana 3 33.3% (1/3) 4 1 1 1 100,000 3: call 2, note 1" in lines
    assert "lee 2 (1 snoozed, 1 lost) 100% (1/1) 0 0 0 1 5,000 2: call 1, email 1" in lines
    assert "(no owner) 1 100% (1/1) 1 0 0 1 2,000 1: call 1" in lines
    assert (
        "(all) 6 (1 snoozed, 1 lost) 60% (3/5) 5 1 1 3 107,000 6: call 4, email 1, note 1" in lines
    )
    assert "Globex dana 2026-10-01 54 28" in lines
    assert "2026-11-01 -23 lapsed Stark — C 2,000" in lines
    assert "2026-12-20 26 30-day Acme dana A 100,000" in lines


def test_empty_repository(root: Path, run: Callable[..., Any]) -> None:
    data = report(run)
    assert data["groups"] == [] and data["total"] == row("all")
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
