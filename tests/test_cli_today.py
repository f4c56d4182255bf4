"""`touchplan today`: calls, ranking, capacity, filters, dates, formats, bad files, the root.

The small book below is hand-made so every number can be worked out from the README's
rules (today is Tuesday 2026-11-24, default policy unless a test writes touchplan.yaml):

- globex (C, east/): renewal 2027-01-10 is 47 days away; the conversation should have
  started 60 days ahead, on 2026-11-11: a commitment 13 days late,
  1000 + 13x10 + 4 (renewal) = 1134. Its 2026-11-20 promise is 4 days late:
  1000 + 4x10 + 3 (follow-up) = 1043. One call carries both.
- initech (C): a problem reported on Thu 2026-11-19 needs a first response the next
  working day, Fri 2026-11-20: 4 days late, 1000 + 4x10 + 5 (problem) = 1045.
- acme (C): last call 2026-08-20 + 90 days = 2026-11-18, 6 days late on a 90-day cadence:
  tier C weight 5 x (1 + 6/90 = 1.067) = 5.33, cadence work, after every commitment.
- umbrella (C): last call 2026-11-01, review 2026-09-01: nothing due.

Item ids are the first 5 characters of a hash of the account and what opened the item;
they are written into files (`done: [id]`), so they must never change: the literal ids
below guard that.
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

GLOBEX_LAST = {"date": "2026-10-26", "kind": "call", "summary": "Talked pricing."}
ITEM_EXTRA: dict[str, Any] = {"progress": None, "booked": None, "deferred": None, "stage": None}
INITECH_PROBLEM: dict[str, Any] = {
    "id": "4mnvy",
    "class": "commitment",
    "account": "initech",
    "name": "Initech",
    "tier": "C",
    "owner": "dana",
    "kind": "problem",
    "action": "Work the open problem: Printers jam",
    "due": "2026-11-20",
    "overdue_days": 4,
    "score": 1045,
    "reasons": [
        "problem reported on 2026-11-19: Printers jam",
        "first response within 1 day (working days)",
    ],
    "contact": {"name": "Bill Lumbergh", "role": "VP", "phone": "+1 555 0199", "email": ""},
    "last_touch": {"date": "2026-11-19", "kind": "call", "summary": "Printer jam complaints."},
    "file": "accounts/initech.yaml",
    **ITEM_EXTRA,
}
GLOBEX_RENEWAL: dict[str, Any] = {
    "id": "ht03p",
    "class": "commitment",
    "account": "globex",
    "name": "Globex",
    "tier": "C",
    "owner": "sam",
    "kind": "renewal",
    "action": "Renewal in 47 days: start the conversation",
    "due": "2026-11-11",
    "overdue_days": 13,
    "score": 1134,
    "reasons": [
        "renewal on 2027-01-10; 47 days left",
        "the conversation starts 60 days ahead (2026-11-11); not started yet",
    ],
    "contact": None,
    "last_touch": GLOBEX_LAST,
    "file": "accounts/east/globex.yaml",
    **ITEM_EXTRA,
    "stage": "60",
    "progress": "not started",
}
GLOBEX_FOLLOW_UP: dict[str, Any] = {
    "id": "azar4",
    "class": "commitment",
    "account": "globex",
    "name": "Globex",
    "tier": "C",
    "owner": "sam",
    "kind": "follow-up",
    "action": "Send the price list",
    "due": "2026-11-20",
    "overdue_days": 4,
    "score": 1043,
    "reasons": ["promised on 2026-10-26 (call): Send the price list"],
    "contact": None,
    "last_touch": GLOBEX_LAST,
    "file": "accounts/east/globex.yaml",
    **ITEM_EXTRA,
}
ACME_TOUCH: dict[str, Any] = {
    "id": "vy7n9",
    "class": "cadence",
    "account": "acme",
    "name": "Acme Corp",
    "tier": "C",
    "owner": "dana",
    "kind": "touch",
    "action": "Check in",
    "due": "2026-11-18",
    "overdue_days": 6,
    "score": 5.33,
    "reasons": ["last contact 2026-08-20 (call); tier C every 90 days"],
    "contact": {
        "name": "Jane Smith",
        "role": "VP Operations",
        "phone": "+1 555 0100",
        "email": "jane@acme.example",
    },
    "last_touch": {"date": "2026-08-20", "kind": "call", "summary": "Asked about volumes."},
    "file": "accounts/acme.yaml",
    **ITEM_EXTRA,
}
ITEM_KEYS = {
    "id",
    "class",
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
CALL_KEYS = {
    "rank",
    "account",
    "name",
    "tier",
    "owner",
    "mode",
    "score",
    "contact",
    "last_touch",
    "file",
    "items",
}


def call(rank: int, *items: dict[str, Any], mode: str = "call") -> dict[str, Any]:
    """The call record of the account of ``items`` (its agenda, in rank order)."""
    first = items[0]
    return {
        "rank": rank,
        **{key: first[key] for key in ("account", "name", "tier", "owner")},
        "mode": mode,
        "score": first["score"],
        **{key: first[key] for key in ("contact", "last_touch", "file")},
        "items": list(items),
        "upcoming": [],
    }


CALLS = [
    call(1, GLOBEX_RENEWAL, GLOBEX_FOLLOW_UP),
    call(2, INITECH_PROBLEM),
    call(3, ACME_TOUCH),
]
ITEMS = [GLOBEX_RENEWAL, GLOBEX_FOLLOW_UP, INITECH_PROBLEM, ACME_TOUCH]

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


def accounts(data: dict[str, Any]) -> list[str]:
    return [c["account"] for c in data["calls"]]


# -- JSON: the promised document ------------------------------------------------------


def test_json_is_the_full_promised_document(book: Path, run: RunFn) -> None:
    data = today_json(run)
    assert data == {
        "date": "2026-11-24",
        "calls": CALLS,
        "more_calls": 0,
        "items": ITEMS,
        "more": 0,
        "skipped": [],
        "workload": {"needed": 0.15, "capacity": 6},
    }
    for item in data["items"]:
        assert set(item) >= ITEM_KEYS
    for one in data["calls"]:
        assert set(one) >= CALL_KEYS


def test_json_dates_are_iso_and_numbers_are_numbers(book: Path, run: RunFn) -> None:
    result = run("today", "--format", "json")
    assert '"due": "2026-11-20"' in result.stdout
    assert '"overdue_days": 4,' in result.stdout
    assert result.stdout.endswith("}\n")


def test_empty_book_is_an_empty_document(root: Path, run: RunFn) -> None:
    assert today_json(run) == {
        "date": "2026-11-24",
        "calls": [],
        "more_calls": 0,
        "items": [],
        "more": 0,
        "skipped": [],
        "workload": {"needed": 0.0, "capacity": 6},
    }


# -- ranking and capacity ---------------------------------------------------------------


def test_the_nearest_deadline_first_then_importance(book: Path, run: RunFn) -> None:
    # On Friday 2026-11-27 the renewal is 16 days late, the problem and the promise 7:
    # the older deadline first, then the problem (5) before the promise (3); each call
    # ranks by its best item, so Globex's call carries its promise along.
    data = today_json(run, "--date", "2026-11-27")
    assert [(i["kind"], i["score"], i["overdue_days"]) for i in data["items"]] == [
        ("renewal", 1164, 16),
        ("follow-up", 1073, 7),
        ("problem", 1075, 7),
        ("touch", round(5 * 1.1, 2), 9),
    ]
    assert accounts(data) == ["globex", "initech", "acme"]


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
    # Due Nov 9..13: 15..11 days late on a 90-day cadence, 5 x 1.167 .. 5 x 1.122; Nov 14
    # and 15 fall on a weekend and move to Monday Nov 16 (8 late, 5 x 1.089 each): the tie
    # goes to the slug.
    assert [(i["account"], i["due"], i["score"]) for i in data["items"]] == [
        ("c1", "2026-11-09", 5.83),
        ("c2", "2026-11-10", 5.78),
        ("c3", "2026-11-11", 5.72),
        ("c4", "2026-11-12", 5.67),
        ("c5", "2026-11-13", 5.61),
        ("c6", "2026-11-16", 5.45),
    ]
    assert (data["more_calls"], data["more"]) == (1, 1)
    table = run("today")
    assert table.exit_code == 0
    assert (
        lines(table.stdout)[0] == "Today, Tue 2026-11-24 · everyone · 6 of 7 calls due (capacity 6)"
    )
    assert lines(table.stdout)[-1] == "1 more call due — `touchplan today --all` lists them."


def test_all_lists_every_due_item(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    seven_overdue_touches(write_account)
    data = today_json(run, "--all")
    assert [i["account"] for i in data["items"]] == [f"c{i}" for i in range(1, 8)]
    assert (data["more_calls"], data["more"]) == (0, 0)
    table = run("today", "-a")
    assert (
        lines(table.stdout)[0] == "Today, Tue 2026-11-24 · everyone · 7 of 7 calls due (capacity 6)"
    )
    assert "more calls due" not in table.stdout


def test_capacity_from_touchplan_yaml(book: Path, run: RunFn) -> None:
    (book / "touchplan.yaml").write_text("# two calls a day\ncapacity: 2\n", encoding="utf-8")
    data = today_json(run)
    # capacity counts calls: Globex's one call carries two items
    assert data["calls"] == CALLS[:2]
    assert data["items"] == ITEMS[:3]
    assert (data["more_calls"], data["more"]) == (1, 1)


def test_table_shows_one_row_per_call_with_its_agenda(book: Path, run: RunFn) -> None:
    (book / "touchplan.yaml").write_text("capacity: 2\n", encoding="utf-8")
    result = run("today")
    assert result.exit_code == 0
    assert result.stderr == ""
    # two lines a call: the agenda's first two items beside whom to ask for (name, then
    # phone) and the last touch (date and kind, then what was said)
    assert lines(result.stdout) == [
        "Today, Tue 2026-11-24 · everyone · 2 of 3 calls due (capacity 2)",
        "",
        "#  Account    Agenda                                                    Due        "
        "Ask for            Last touch",
        "─" * 125,
        "1  Globex C   renewal ht03p Renewal in 47 days: start the conversation  13 d late  "
        "—                  2026-10-26 call",
        "              follow-up azar4 Send the price list                       4 d late   "
        "                   Talked pricing.",
        "2  Initech C  problem 4mnvy Work the open problem: Printers jam         4 d late   "
        "Bill Lumbergh, VP  2026-11-19 call",
        "                                                                                   "
        "+1 555 0199        Printer jam complaints.",
        "",
        "1 more call due — `touchplan today --all` lists them.",
    ]


def test_verbose_shows_the_reasons(book: Path, run: RunFn) -> None:
    (book / "touchplan.yaml").write_text("capacity: 1\n", encoding="utf-8")
    result = run("today", "-v")
    assert result.exit_code == 0
    text = "\n".join(lines(result.stdout))
    for reason in GLOBEX_RENEWAL["reasons"] + GLOBEX_FOLLOW_UP["reasons"]:
        assert f"· {reason}" in text
    assert "· " not in "\n".join(lines(run("today").stdout)[1:])


def test_nothing_due_says_so(root: Path, write_account: Callable[..., Path], run: RunFn) -> None:
    write_account("umbrella", UMBRELLA)
    result = run("today")
    assert result.exit_code == 0
    assert lines(result.stdout) == [
        "Today, Tue 2026-11-24 · everyone · no calls due (capacity 6)",
        "Nothing is due. Enjoy the quiet, or run `touchplan week`.",
    ]


# -- filters and dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        ("sam", [("globex", "renewal"), ("globex", "follow-up")]),
        ("DANA", [("initech", "problem"), ("acme", "touch")]),
        ("all", [("globex", "renewal"), ("globex", "follow-up"), ("initech", "problem"),
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
    # Friday 2026-11-20: the renewal is 9 days late, the promise and the problem's first
    # response are due today, the touch 2 days late on its 90-day cadence.
    data = today_json(run, "--date", "2026-11-20")
    assert [(i["account"], i["kind"], i["overdue_days"], i["score"]) for i in data["items"]] == [
        ("globex", "renewal", 9, 1094),  # 1000 + 9x10 + 4
        ("globex", "follow-up", 0, 1003),
        ("initech", "problem", 0, 1005),
        ("acme", "touch", 2, 5.11),  # 5 x (1 + 2/90)
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
        "rank,id,class,account,name,tier,owner,kind,action,due,overdue_days,score,reasons,"
        "contact,last_touch,file,mode"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["rank"], r["id"], r["account"], r["kind"], r["due"], r["overdue_days"])
            for r in rows] == [
        ("1", "ht03p", "globex", "renewal", "2026-11-11", "13"),
        ("1", "azar4", "globex", "follow-up", "2026-11-20", "4"),
        ("2", "4mnvy", "initech", "problem", "2026-11-20", "4"),
        ("3", "vy7n9", "acme", "touch", "2026-11-18", "6"),
    ]  # fmt: skip
    assert [float(r["score"]) for r in rows] == [1134, 1043, 1045, 5.33]
    assert [r["class"] for r in rows] == ["commitment"] * 3 + ["cadence"]
    assert rows[2]["reasons"] == (
        "problem reported on 2026-11-19: Printers jam; first response within 1 day (working days)"
    )
    assert rows[2]["contact"] == "Bill Lumbergh VP +1 555 0199"
    assert rows[0]["contact"] == ""
    assert rows[3]["last_touch"] == "2026-08-20 call Asked about volumes."
    assert rows[0]["file"] == "accounts/east/globex.yaml"
    assert {r["mode"] for r in rows} == {"call"}


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
    # never contacted: a first touch, due today (visits and reviews wait for it)
    assert [(r["name"], r["kind"], r["reasons"]) for r in rows] == [
        ("'=HYPERLINK(1)", "touch", "no contact on record"),
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
    assert data["items"] == ITEMS
    assert data["skipped"] == ["accounts/broken.yaml"]
    assert lines(result.stderr) == [WARNING]
    table = run("today")
    assert table.exit_code == 0
    # the table says it once, in its header (stderr stays for the other formats)
    assert lines(table.stdout)[:2] == [
        "Today, Tue 2026-11-24 · everyone · 3 of 3 calls due (capacity 6)",
        "Skipped 1 account file with errors: accounts/broken.yaml (`touchplan check` says why).",
    ]
    assert table.stderr == ""


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


def today_calls(run: RunFn, *extra: str) -> list[dict[str, Any]]:
    result = run("today", "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    calls: list[dict[str, Any]] = json.loads(result.stdout)["calls"]
    return calls


def eighty_a_accounts_due_today(write_account: Callable[..., Path]) -> None:
    """More accounts due than the cache plans in full (capacity + a margin), each scoring
    30: whatever ranks above them must be found by the cache's own ranking."""
    for n in range(80):
        write_account(
            f"a{n:02}", f"name: A{n:02}\ntier: A\nhistory:\n  - date: 2026-11-10\n    kind: call\n"
        )


def test_the_cache_finds_a_call_that_settles_a_promise_early_behind_many_higher_scores(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    # The C account's touch scores lowest, but its call also settles a promise due in two
    # days, so it ranks above all cadence work (found by the overloaded simulation: the
    # cached list differed from --no-cache on 12 of 40 days).
    eighty_a_accounts_due_today(write_account)
    write_account(
        "rider",
        "name: Rider\ntier: C\nhistory:\n  - date: 2026-08-26\n    kind: call\n"
        "  - date: 2026-11-20\n    kind: note\n    summary: Said we would send the price list.\n"
        "    next: 2026-11-26 Send the price list\n",
    )
    expected = [("rider", ["touch", "follow-up"])] + [(f"a{n:02}", ["touch"]) for n in range(5)]
    for extra in (("--no-cache",), (), ()):  # without the cache, cold, warm
        calls = today_calls(run, *extra)
        assert [(c["account"], [i["kind"] for i in c["items"]]) for c in calls] == expected


def test_cadence_work_past_its_grace_comes_first_cached_or_not(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    # Tuesday 11-24: C's touch due Thu 11-19 is 3 working days late (its grace used up);
    # A's is due today, B's Fri 11-20 (2 working days), the other C's Fri 11-20
    book = [
        ("c-late", "C", "2026-08-21"),
        ("c-two", "C", "2026-08-22"),
        ("a-today", "A", "2026-11-10"),
        ("b-two", "B", "2026-10-21"),
    ]
    for slug, tier, last in book:
        write_account(
            slug, f"name: {slug}\ntier: {tier}\nhistory:\n  - date: {last}\n    kind: call\n"
        )

    def ranked(*extra: str) -> list[tuple[str, float]]:
        return [(c["account"], c["score"]) for c in today_calls(run, *extra)]

    expected = [("c-late", 5.28), ("a-today", 30.0), ("b-two", 17.0), ("c-two", 5.22)]
    assert ranked("--no-cache") == expected
    assert ranked() == expected  # cold: the cache built
    assert ranked() == expected  # warm: ranked from the cache
    out = [" ".join(line.split()) for line in run("why", "c-late").stdout.splitlines()]
    assert (
        "· past its grace (`grace` in touchplan.yaml): ranks above cadence work that can wait, "
        "below every commitment due"
    ) in out
    assert not any("past its grace" in line for line in run("why", "a-today").stdout.splitlines())
    (root / "touchplan.yaml").write_text("grace: null\n", encoding="utf-8")
    by_score = [("a-today", 30.0), ("b-two", 17.0), ("c-late", 5.28), ("c-two", 5.22)]
    assert ranked() == by_score == ranked("--no-cache")


def test_the_cache_finds_cadence_work_past_its_grace_behind_many_higher_scores(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    # the cache's own ranking must put the C account past its grace first, as the full
    # plan does
    eighty_a_accounts_due_today(write_account)
    write_account(
        "c-late", "name: C late\ntier: C\nhistory:\n  - date: 2026-08-21\n    kind: call\n"
    )
    expected = ["c-late", "a00", "a01", "a02", "a03", "a04"]
    for extra in (("--no-cache",), (), ()):  # without the cache, cold, warm
        assert [c["account"] for c in today_calls(run, *extra)] == expected


def test_the_cache_shows_the_earlier_due_of_two_equal_scores_past_the_capacity(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    # Two A accounts, both two cadences late (score 60): the new one on its halved 7-day
    # cadence, the other on 14 days. The cache's ranking rows tie them by slug, the full
    # plan by the earlier due date: with room for one call, the tie past the capacity
    # must still be planned in full, or the cached list would differ from --no-cache.
    (root / "touchplan.yaml").write_text("capacity: 1\n", encoding="utf-8")
    write_account(
        "a-new",
        "name: New\ntier: A\nsince: 2026-10-01\nhistory:\n  - date: 2026-11-10\n    kind: call\n",
    )
    write_account(
        "z-old",
        "name: Old\ntier: A\nsince: 2020-01-01\nhistory:\n  - date: 2026-10-27\n    kind: call\n",
    )

    for extra in (("--no-cache",), (), ()):  # without the cache, cold, warm
        assert [(c["account"], c["score"]) for c in today_calls(run, *extra)] == [("z-old", 60.0)]


def test_a_day_with_room_does_the_deadlines_ahead_cached_or_not(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    # Tuesday 11-24, one touch due: the promises of Thursday and Monday fill calls that
    # would go unused (within the 7-day look-ahead); Wednesday 12-02's waits
    write_account("due", "name: Due\ntier: A\nhistory:\n  - date: 2026-11-10\n    kind: call\n")
    for slug, when in (("thu", "2026-11-26"), ("mon", "2026-11-30"), ("dec", "2026-12-02")):
        write_account(
            slug,
            f"name: {slug}\ntier: C\nhistory:\n  - date: 2026-11-20\n    kind: call\n"
            f"    next: {when} Send the quote\n",
        )
    expected = [
        ("thu", ["follow-up"], "done today, while there is room: due 2026-11-26"),
        ("mon", ["follow-up"], "done today, while there is room: due 2026-11-30"),
        ("due", ["touch"], None),
    ]
    for extra in (("--no-cache",), (), ()):  # without the cache, cold, warm
        calls = today_calls(run, *extra)
        assert [
            (
                c["account"],
                [i["kind"] for i in c["items"]],
                next((r for i in c["items"] for r in i["reasons"] if "done today" in r), None),
            )
            for c in calls
        ] == expected


def test_why_says_which_rule_brings_a_commitment_onto_todays_list(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    # as above: Thursday's promise fills a call that would go unused; Wednesday 12-02's
    # is past the look-ahead and waits, so its `why` says nothing of today
    write_account("due", "name: Due\ntier: A\nhistory:\n  - date: 2026-11-10\n    kind: call\n")
    for slug, when in (("thu", "2026-11-26"), ("dec", "2026-12-02")):
        write_account(
            slug,
            f"name: {slug}\ntier: C\nhistory:\n  - date: 2026-11-20\n    kind: call\n"
            f"    next: {when} Send the quote\n",
        )
    pulled = "  · done today, while there is room: due 2026-11-26"
    for _ in range(2):  # cold, then warm
        thu = run("why", "thu")
        assert thu.exit_code == 0, thu.stderr
        assert pulled in thu.stdout.splitlines()
        dec = run("why", "dec")
        assert dec.exit_code == 0, dec.stderr
        assert "done today" not in dec.stdout
    record = json.loads(run("why", "thu", "--format", "json").stdout)
    follow_up = [i for i in record["items"] if i["kind"] == "follow-up"]
    assert [r for i in follow_up for r in i["reasons"] if "done today" in r] == [
        "done today, while there is room: due 2026-11-26"
    ]
    # a reason too long for the width wraps under its own first word, not the bullet
    with pytest.MonkeyPatch.context() as narrow:
        narrow.setenv("COLUMNS", "40")
        lines = run("why", "thu").stdout.splitlines()
        at = lines.index("  · done today, while there is room: due")
        assert lines[at + 1] == "    2026-11-26"
    # one call a day: the touch due takes it, Thursday's promise keeps its own date
    (root / "touchplan.yaml").write_text("capacity: 1\n", encoding="utf-8")
    assert "done today" not in run("why", "thu").stdout


def test_a_spare_day_displaces_cadence_work_within_its_grace_cached_or_not(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    # one call a day: the promise due Wednesday is tried today, a day to spare, before
    # the A account one working day late; past its grace, the A account keeps the call
    (root / "touchplan.yaml").write_text("capacity: 1\n", encoding="utf-8")
    write_account(
        "promise",
        "name: Promise\ntier: B\nhistory:\n  - date: 2026-11-20\n    kind: call\n"
        "    next: 2026-11-25 Send it\n",
    )
    late = write_account(
        "late", "name: Late\ntier: A\nhistory:\n  - date: 2026-11-09\n    kind: call\n"
    )
    for extra in (("--no-cache",), (), ()):
        assert [c["account"] for c in today_calls(run, *extra)] == ["promise"]
    late.write_text(
        "name: Late\ntier: A\nhistory:\n  - date: 2026-11-04\n    kind: call\n", encoding="utf-8"
    )
    for extra in (("--no-cache",), (), ()):
        assert [c["account"] for c in today_calls(run, *extra)] == ["late"]


def test_a_promise_just_made_is_not_back_on_todays_list_cached_or_not(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    # a light day: Acme's touch is due; logging the call with a promise for Thursday
    # leaves nothing for Acme today, though the day has room for early work
    write_account("acme", "name: Acme\ntier: A\nhistory:\n  - date: 2026-11-10\n    kind: call\n")
    write_account("beta", "name: Beta\ntier: A\nhistory:\n  - date: 2026-11-10\n    kind: call\n")
    assert [c["account"] for c in today_calls(run)] == ["acme", "beta"]
    result = run("log", "acme", "Talked prices", "--next", "2026-11-26 Send the quote")
    assert result.exit_code == 0, result.stderr
    for extra in ((), ("--no-cache",), ()):
        assert [c["account"] for c in today_calls(run, *extra)] == ["beta"]
