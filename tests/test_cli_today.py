"""`touchplan today`: ranking, capacity, filters, dates, formats, bad files, the data root.

The small book below is hand-made so every number can be worked out from the README's
rules (today is Tuesday 2026-11-24, default policy unless a test writes touchplan.yaml):

- initech (C): problem opened 2026-11-19, last touch that day, every 2 days -> 2026-11-21
  (Sat) moves to Mon 2026-11-23; 1 day late; 100 + 0 + 1x2 = 102.
- globex (C, east/): renewal 2027-01-10 is 47 days away, so the 60-day stage is due from
  2026-11-11; 13 days late; 60 + 0 + 13x2 + (60-47)x1 = 99. Its 2026-11-20 follow-up is
  4 days late: 40 + 0 + 4x2 = 48. Last contact 2026-10-26 + 90 is not due yet.
- acme (C): last call 2026-08-20 + 90 days = 2026-11-18; 6 days late: 10 + 6x2 = 22.
- umbrella (C): last call 2026-11-01, review 2026-09-01: nothing due.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run

ACME = """
    name: Acme Corp
    tier: C
    owner: dana
    since: 2024-01-15
    contacts:
      - name: Jane Smith
        role: VP Operations
        phone: "+1 555 0100"
        email: jane@acme.example
    history:
      - date: 2026-06-01
        kind: review
        with: Jane Smith
        summary: Annual review went well.
      - date: 2026-08-20
        kind: call
        with: Jane Smith
        summary: Asked about volumes.
"""
GLOBEX = """
    name: Globex
    tier: C
    owner: sam
    since: 2023-05-01
    renewal: 2027-01-10
    history:
      - date: 2026-03-02
        kind: review
        summary: Annual review.
      - date: 2026-10-26
        kind: call
        summary: Talked pricing.
        next: 2026-11-20 Send the price list
"""
INITECH = """
    name: Initech
    tier: C
    owner: dana
    since: 2022-02-01
    contacts:
      - name: Bill Lumbergh
        role: VP
        phone: "+1 555 0199"
    history:
      - date: 2026-04-01
        kind: review
        summary: Fine.
      - date: 2026-11-19
        kind: call
        with: Bill Lumbergh
        summary: Printer jam complaints.
        problem: Printers jam
"""
UMBRELLA = """
    name: Umbrella
    tier: C
    owner: sam
    history:
      - date: 2026-09-01
        kind: review
        summary: Fine.
      - date: 2026-11-01
        kind: call
        summary: All good.
"""

INITECH_PROBLEM: dict[str, Any] = {
    "account": "initech",
    "name": "Initech",
    "tier": "C",
    "owner": "dana",
    "kind": "problem",
    "action": "Work the open problem: Printers jam",
    "due": "2026-11-23",
    "overdue_days": 1,
    "score": 102,
    "reasons": [
        "open problem since 2026-11-19: Printers jam",
        "last touch 2026-11-19; touch every 2 days until resolved",
        "2026-11-21 is not a working day: moved to 2026-11-23",
    ],
    "contact": {"name": "Bill Lumbergh", "role": "VP", "phone": "+1 555 0199", "email": ""},
    "last_touch": {"date": "2026-11-19", "kind": "call", "summary": "Printer jam complaints."},
    "file": "accounts/initech.yaml",
    "stage": None,
}
GLOBEX_LAST = {"date": "2026-10-26", "kind": "call", "summary": "Talked pricing."}
GLOBEX_RENEWAL: dict[str, Any] = {
    "account": "globex",
    "name": "Globex",
    "tier": "C",
    "owner": "sam",
    "kind": "renewal",
    "action": "Renewal in 47 days: start the conversation",
    "due": "2026-11-11",
    "overdue_days": 13,
    "score": 99,
    "reasons": [
        "renewal on 2027-01-10",
        "47 days left; work starts 60 days ahead (60-day stage)",
    ],
    "contact": None,
    "last_touch": GLOBEX_LAST,
    "file": "accounts/east/globex.yaml",
    "stage": "60",
}
GLOBEX_FOLLOW_UP: dict[str, Any] = {
    "account": "globex",
    "name": "Globex",
    "tier": "C",
    "owner": "sam",
    "kind": "follow-up",
    "action": "Send the price list",
    "due": "2026-11-20",
    "overdue_days": 4,
    "score": 48,
    "reasons": ["promised on 2026-10-26 (call): Send the price list"],
    "contact": None,
    "last_touch": GLOBEX_LAST,
    "file": "accounts/east/globex.yaml",
    "stage": None,
}
ACME_TOUCH: dict[str, Any] = {
    "account": "acme",
    "name": "Acme Corp",
    "tier": "C",
    "owner": "dana",
    "kind": "touch",
    "action": "Check in",
    "due": "2026-11-18",
    "overdue_days": 6,
    "score": 22,
    "reasons": ["last contact 2026-08-20 (call); tier C every 90 days"],
    "contact": {
        "name": "Jane Smith",
        "role": "VP Operations",
        "phone": "+1 555 0100",
        "email": "jane@acme.example",
    },
    "last_touch": {"date": "2026-08-20", "kind": "call", "summary": "Asked about volumes."},
    "file": "accounts/acme.yaml",
    "stage": None,
}
ITEM_KEYS = {
    "account",
    "name",
    "tier",
    "owner",
    "kind",
    "action",
    "due",
    "overdue_days",
    "score",
    "reasons",
    "contact",
    "last_touch",
    "file",
}

RunFn = Callable[..., Run]


@pytest.fixture
def book(root: Path, write_account: Callable[..., Path]) -> Path:
    write_account("acme", ACME)
    write_account("globex", GLOBEX, folder="east")
    write_account("initech", INITECH)
    write_account("umbrella", UMBRELLA)
    return root


def lines(text: str) -> list[str]:
    """Output lines without Rich's trailing padding."""
    return [line.rstrip() for line in text.splitlines()]


def today_json(run: RunFn, *args: str) -> dict[str, Any]:
    result = run("today", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def kinds(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i["account"], i["kind"]) for i in data["items"]]


# -- JSON: the promised document ------------------------------------------------------


def test_json_is_the_full_promised_document(book: Path, run: RunFn) -> None:
    data = today_json(run)
    assert data == {
        "date": "2026-11-24",
        "items": [INITECH_PROBLEM, GLOBEX_RENEWAL, GLOBEX_FOLLOW_UP, ACME_TOUCH],
        "more": 0,
        "skipped": [],
    }
    for item in data["items"]:
        assert set(item) >= ITEM_KEYS


def test_json_dates_are_iso_and_numbers_are_numbers(book: Path, run: RunFn) -> None:
    result = run("today", "--format", "json")
    assert '"due": "2026-11-23"' in result.stdout
    assert '"overdue_days": 1,' in result.stdout
    assert result.stdout.endswith("}\n")


def test_empty_book_is_an_empty_document(root: Path, run: RunFn) -> None:
    assert today_json(run) == {"date": "2026-11-24", "items": [], "more": 0, "skipped": []}


# -- ranking and capacity ---------------------------------------------------------------


def test_problem_ranks_above_a_higher_scoring_renewal(book: Path, run: RunFn) -> None:
    # On Friday 2026-11-27 both score 108 (problem 100 + 4x2; renewal 60 + 16x2 + 16);
    # problems come first whatever the scores.
    data = today_json(run, "--date", "2026-11-27")
    assert [(i["kind"], i["score"], i["overdue_days"]) for i in data["items"]] == [
        ("problem", 108, 4),
        ("renewal", 108, 16),
        ("follow-up", 54, 7),
        ("touch", 28, 9),
    ]


def seven_overdue_touches(write_account: Callable[..., Path]) -> None:
    """c1..c7, tier C: call on 2026-08-11..17, so touches fall due 2026-11-09..15."""
    for i in range(1, 8):
        write_account(
            f"c{i}",
            f"""
            name: Customer {i}
            tier: C
            history:
              - date: 2026-06-01
                kind: review
              - date: 2026-08-{10 + i}
                kind: call
            """,
        )


def test_default_capacity_is_six_and_the_rest_are_counted(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    seven_overdue_touches(write_account)
    data = today_json(run)
    # Due Nov 9..13 score 40, 38, 36, 34, 32; Nov 14 and 15 fall on a weekend and move to
    # Monday Nov 16 (8 days late, 26 each): the tie goes to the slug.
    assert [(i["account"], i["due"], i["score"]) for i in data["items"]] == [
        ("c1", "2026-11-09", 40),
        ("c2", "2026-11-10", 38),
        ("c3", "2026-11-11", 36),
        ("c4", "2026-11-12", 34),
        ("c5", "2026-11-13", 32),
        ("c6", "2026-11-16", 26),
    ]
    assert data["more"] == 1
    table = run("today")
    assert table.exit_code == 0
    assert lines(table.stdout)[0] == "Today, Tue 2026-11-24 · 6 of 7 due"
    assert lines(table.stdout)[-1] == "1 more due — `touchplan today --all` lists them."


def test_all_lists_every_due_item(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    seven_overdue_touches(write_account)
    data = today_json(run, "--all")
    assert [i["account"] for i in data["items"]] == [f"c{i}" for i in range(1, 8)]
    assert data["more"] == 0
    table = run("today", "-a")
    assert lines(table.stdout)[0] == "Today, Tue 2026-11-24 · 7 of 7 due"
    assert "more due" not in table.stdout


def test_capacity_from_touchplan_yaml(book: Path, run: RunFn) -> None:
    (book / "touchplan.yaml").write_text("# two calls a day\ncapacity: 2\n", encoding="utf-8")
    data = today_json(run)
    assert data["items"] == [INITECH_PROBLEM, GLOBEX_RENEWAL]
    assert data["more"] == 2


def test_table_shows_rank_why_due_contact_and_last_touch(book: Path, run: RunFn) -> None:
    (book / "touchplan.yaml").write_text("capacity: 2\n", encoding="utf-8")
    result = run("today")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert lines(result.stdout) == [
        "Today, Tue 2026-11-24 · 2 of 4 due",
        "",
        "  #   Account   Tier   Do · why                                                     "
        "Due          Ask for             Last touch",
        " " + "─" * 140,
        "  1   Initech    C     problem Work the open problem: Printers jam                  "
        "2026-11-23   Bill Lumbergh, VP   2026-11-19 call",
        "      initech          · open problem since 2026-11-19: Printers jam                "
        "1 d late     +1 555 0199         Printer jam complaints.",
        "                       · last touch 2026-11-19; touch every 2 days until resolved",
        "                       · 2026-11-21 is not a working day: moved to 2026-11-23",
        "  2   Globex     C     renewal Renewal in 47 days: start the conversation           "
        "2026-11-11   —                   2026-10-26 call",
        "      globex           · renewal on 2027-01-10                                      "
        "13 d late                        Talked pricing.",
        "                       · 47 days left; work starts 60 days ahead (60-day stage)",
        "",
        "2 more due — `touchplan today --all` lists them.",
    ]


def test_nothing_due_says_so(root: Path, write_account: Callable[..., Path], run: RunFn) -> None:
    write_account("umbrella", UMBRELLA)
    result = run("today")
    assert result.exit_code == 0
    assert lines(result.stdout) == [
        "Today, Tue 2026-11-24",
        "Nothing is due. Enjoy the quiet, or run `touchplan week`.",
    ]


# -- filters and dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        ("sam", [("globex", "renewal"), ("globex", "follow-up")]),
        ("DANA", [("initech", "problem"), ("acme", "touch")]),
        ("all", [("initech", "problem"), ("globex", "renewal"), ("globex", "follow-up"),
                 ("acme", "touch")]),
        ("nobody", []),
    ],
)  # fmt: skip
def test_owner_filter(book: Path, run: RunFn, owner: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(today_json(run, "--owner", owner)) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-11-20", "2026-11-20"),
        ("today", "2026-11-24"),
        ("yesterday", "2026-11-23"),
        ("tomorrow", "2026-11-25"),
        ("+3d", "2026-11-27"),
        ("+2w", "2026-12-08"),
        ("+1m", "2026-12-24"),
        ("-1d", "2026-11-23"),
        ("friday", "2026-11-27"),
        ("Fri", "2026-11-27"),
        ("monday", "2026-11-30"),
        ("tuesday", "2026-12-01"),  # the next one, not today
    ],
)
def test_date_forms(book: Path, run: RunFn, given: str, expected: str) -> None:
    assert today_json(run, "--date", given)["date"] == expected


def test_date_changes_what_is_due(book: Path, run: RunFn) -> None:
    # Friday 2026-11-20: the problem's Monday is still ahead; the follow-up is due today.
    data = today_json(run, "--date", "2026-11-20")
    assert [(i["account"], i["kind"], i["overdue_days"], i["score"]) for i in data["items"]] == [
        ("globex", "renewal", 9, 87),  # 51 days left: 60 + 9x2 + 9x1
        ("globex", "follow-up", 0, 40),
        ("acme", "touch", 2, 14),
    ]
    assert data["items"][0]["action"] == "Renewal in 51 days: start the conversation"


def test_touchplan_today_env_sets_the_day(
    book: Path, run: RunFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOUCHPLAN_TODAY", "2026-11-20")
    assert today_json(run)["date"] == "2026-11-20"
    # relative dates count from the pinned day, not the clock
    assert today_json(run, "--date", "+1d")["date"] == "2026-11-21"
    assert today_json(run, "--date", "friday")["date"] == "2026-11-27"


@pytest.mark.parametrize("bad", ["bogus", "2026-13-01", "2026-02-30", "26-11-24", "+3x"])
def test_bad_date_is_usage_error(book: Path, run: RunFn, bad: str) -> None:
    result = run("today", "--date", bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert lines(result.stderr) == [
        f"error: --date: {bad!r} is not a date (use YYYY-MM-DD, today, yesterday, tomorrow, "
        "+3d/-2w/+1m, or a weekday name (the next one))"
    ]


def test_bad_format_is_usage_error(book: Path, run: RunFn) -> None:
    result = run("today", "--format", "xml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "today --help' for help." in result.stderr
    # Typer words the problem; that our one error line names the option and value is ours
    [error] = [line for line in lines(result.stderr) if line.startswith("error: ")]
    assert "--format" in error and "'xml'" in error


def test_unknown_option_is_usage_error(book: Path, run: RunFn) -> None:
    result = run("today", "--colour")
    assert result.exit_code == 2
    assert result.stdout == ""
    [error] = [line for line in lines(result.stderr) if line.startswith("error: ")]
    assert "--colour" in error


# -- csv ----------------------------------------------------------------------------------


def test_csv(book: Path, run: RunFn) -> None:
    result = run("today", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "account,name,tier,owner,kind,action,due,overdue_days,score,reasons,contact,last_touch,file"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["account"], r["kind"], r["due"], r["overdue_days"]) for r in rows] == [
        ("initech", "problem", "2026-11-23", "1"),
        ("globex", "renewal", "2026-11-11", "13"),
        ("globex", "follow-up", "2026-11-20", "4"),
        ("acme", "touch", "2026-11-18", "6"),
    ]
    assert [float(r["score"]) for r in rows] == [102, 99, 48, 22]
    assert rows[0]["reasons"] == (
        "open problem since 2026-11-19: Printers jam; "
        "last touch 2026-11-19; touch every 2 days until resolved; "
        "2026-11-21 is not a working day: moved to 2026-11-23"
    )
    assert rows[0]["contact"] == "Bill Lumbergh VP +1 555 0199"
    assert rows[1]["contact"] == ""
    assert rows[3]["last_touch"] == "2026-08-20 call Asked about volumes."
    assert rows[1]["file"] == "accounts/east/globex.yaml"


def test_csv_cells_never_start_a_formula(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    write_account(
        "evil",
        """
        name: "=HYPERLINK(1)"
        tier: C
        """,
    )
    rows = list(csv.DictReader(io.StringIO(run("today", "--format", "csv").stdout)))
    # never contacted, no review on record: both due today
    assert [(r["name"], r["kind"], r["reasons"]) for r in rows] == [
        ("'=HYPERLINK(1)", "review", "no relationship review on record"),
        ("'=HYPERLINK(1)", "touch", "never contacted"),
    ]


# -- one bad file -------------------------------------------------------------------------

WARNING = (
    "warning: skipped 1 account file with errors: accounts/broken.yaml "
    "(run `touchplan check` for details)"
)


@pytest.mark.parametrize(
    "content",
    [
        "name: Broken\ntier: D\n",
        "name: Broken\ntier: A\nhistory:\n  - date: 2026-13-01\n    kind: call\n",
        "name: [unclosed\n",
        b"name: \xff\xfe broken\ntier: A\n",
    ],
    ids=["bad-tier", "bad-date", "bad-yaml", "bad-utf8"],
)
def test_one_bad_file_never_hides_the_others(
    book: Path, write_account: Callable[..., Path], run: RunFn, content: str | bytes
) -> None:
    write_account("broken", content)
    result = run("today", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["items"] == [INITECH_PROBLEM, GLOBEX_RENEWAL, GLOBEX_FOLLOW_UP, ACME_TOUCH]
    assert data["skipped"] == ["accounts/broken.yaml"]
    assert lines(result.stderr) == [WARNING]
    table = run("today")
    assert table.exit_code == 0
    assert lines(table.stdout)[0] == "Today, Tue 2026-11-24 · 4 of 4 due"
    assert lines(table.stderr) == [WARNING]


def test_bad_policy_warns_and_uses_the_default(book: Path, run: RunFn) -> None:
    (book / "touchplan.yaml").write_text("capacity: 0\n", encoding="utf-8")
    result = run("today", "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["items"]) == 4
    assert lines(result.stderr) == [
        "warning: touchplan.yaml:1: capacity: 0 is below the minimum 1 — using the default for it"
    ]


# -- finding the data root -----------------------------------------------------------------


def test_root_from_touchplan_dir(book: Path, run: RunFn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOUCHPLAN_DIR", str(book))
    monkeypatch.chdir(book.parent)
    result = run("today", "--format", "json", use_dir=False)
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["items"]) == 4


def test_dir_beats_touchplan_dir(
    book: Path, run: RunFn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    (other / "accounts").mkdir(parents=True)
    monkeypatch.setenv("TOUCHPLAN_DIR", str(other))
    assert len(today_json(run)["items"]) == 4  # the fixture passes --dir book


@pytest.mark.parametrize("start", [".", "accounts", "accounts/east"])
def test_root_found_upwards_from_cwd(
    book: Path, run: RunFn, monkeypatch: pytest.MonkeyPatch, start: str
) -> None:
    monkeypatch.chdir(book / start)
    result = run("today", "--format", "json", use_dir=False)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["items"][1]["file"] == "accounts/east/globex.yaml"


def test_root_found_by_touchplan_yaml_alone(
    tmp_path: Path, run: RunFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "policy-only"
    (data / "deep" / "er").mkdir(parents=True)
    (data / "touchplan.yaml").write_text("capacity: 3\n", encoding="utf-8")
    monkeypatch.chdir(data / "deep" / "er")
    result = run("today", "--format", "json", use_dir=False)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["items"] == []


def test_no_root_is_a_clear_error(
    tmp_path: Path, run: RunFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost = tmp_path / "nowhere"
    lost.mkdir()
    monkeypatch.chdir(lost)
    result = run("today", use_dir=False)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert " ".join(result.stderr.split()) == (
        f"error: no touchplan data here: no touchplan.yaml or accounts/ in {lost.resolve()} "
        "or above (run inside your accounts repository, or pass --dir)"
    )


def test_missing_dir_is_a_clear_error(tmp_path: Path, run: RunFn) -> None:
    missing = tmp_path / "missing"
    result = run("today", "--dir", str(missing), use_dir=False)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert " ".join(result.stderr.split()) == (
        f"error: data folder {str(missing)!r} does not exist (check --dir or TOUCHPLAN_DIR)"
    )


@pytest.mark.parametrize("bad", ["+9999y", "-2030y"])
def test_out_of_range_relative_date_is_usage_error(book: Path, run: RunFn, bad: str) -> None:
    result = run("today", "--date", bad)
    assert result.exit_code == 2
    assert f"--date: {bad!r} is not a date" in result.stderr
