"""`show` (the account card), `why` (the score, term by term) and `check` (validation).

GLOBEX, today Tuesday 2026-11-24, default policy:
- renewal 2027-01-10 is 47 days off: the conversation should have started 60 days
  ahead, 2026-11-11; a commitment 13 days late, 1000 + 13x10 + 4 = 1134.
- follow-up promised for 2026-11-20: 4 days late, 1000 + 4x10 + 3 = 1043.
- touch: last contact 2026-10-26; a problem was resolved on 2026-09-20, so for 90 days
  (to 2026-12-19) tier C's 90 days are halved to 45: due Thu 2026-12-10, 16 days ahead:
  5 x (1 - 16/45 = 0.644) = 3.22.
- review: last review 2026-03-02 + 365 = 2027-03-02, 98 days ahead: 5 x 0.732 = 3.66.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run

RunFn = Callable[..., Run]

GLOBEX = """
    name: Globex
    tier: C
    owner: sam
    since: 2023-05-01
    renewal: 2027-01-10
    value: 50000
    relationship: relational
    contacts:
      - name: Hank Scorpio
        role: CEO
        phone: "+1 555 0142"
        email: hank@globex.example
    notes: Likes volcanoes.
    tags: [energy, west]
    history:
      - date: 2026-03-02
        kind: review
        with: Hank Scorpio
        summary: Annual review.
      - date: 2026-10-26
        kind: call
        summary: Talked pricing.
        next: 2026-11-20 Send the price list
      - date: 2026-09-14
        kind: email
        summary: Sent the catalogue.
        problem: Catalogue was outdated
      - date: 2026-09-20
        kind: note
        summary: New catalogue printed.
        resolved: true
"""
HANK = {
    "name": "Hank Scorpio",
    "role": "CEO",
    "phone": "+1 555 0142",
    "email": "hank@globex.example",
}


@pytest.fixture
def globex(write_account: Callable[..., Path]) -> Path:
    return write_account("globex", GLOBEX, folder="east")


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def squeezed(text: str) -> list[str]:
    """Lines with runs of spaces collapsed: table cells without the padding."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def as_json(result: Run) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# -- show ---------------------------------------------------------------------------------


def test_show_card(globex: Path, run: RunFn) -> None:
    result = run("show", "globex")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert squeezed(result.stdout) == [
        "Globex (globex, tier C)",
        "file accounts/east/globex.yaml",
        "owner sam",
        "status active",
        "customer since 2023-05-01",
        "renewal 2027-01-10 (47 d)",
        "annual value 50,000",
        "relationship relational",
        "tags energy, west",
        "notes Likes volcanoes.",
        "Contacts",
        "Name Role Phone Email Last touched",
        "─" * 76,
        "Hank Scorpio CEO +1 555 0142 hank@globex.example 2026-03-02 (267 d ago)",
        "Open items",
        "Due Do · why Score",
        "─" * 95,
        "2026-11-11 renewal ht03p Renewal in 47 days: start the conversation 1,134",
        "13 d late · renewal on 2027-01-10; 47 days left",
        "· the conversation starts 60 days ahead (2026-11-11); not started yet",
        "2026-11-20 follow-up azar4 Send the price list 1,043",
        "4 d late · promised on 2026-10-26 (call): Send the price list",
        "2026-12-10 touch p73xb Check in 3.22",
        "in 16 d · last contact 2026-10-26 (call); tier C every 45 days",
        "· problem resolved on 2026-09-20: cadence tightened 90 → 45 days for 90 days",
        "2027-03-02 review ctydq Hold a relationship review (health check) 3.66",
        "in 98 d · last relationship review 2026-03-02 (review); tier C every 365 days",
        "History (newest first)",
        "Date Kind With Summary",
        "─" * 70,
        "2026-10-26 call Talked pricing.",
        "next: 2026-11-20 Send the price list",
        "2026-09-20 note New catalogue printed.",
        "resolved: yes",
        "2026-09-14 email Sent the catalogue.",
        "problem: Catalogue was outdated",
        "2026-03-02 review Hank Scorpio Annual review.",
    ]


def test_show_timeline_is_newest_first_even_when_the_file_is_not(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    write_account(
        "t",
        """
        name: T
        tier: C
        history:
          - {date: 2026-05-01, kind: call, summary: second}
          - {date: 2026-01-01, kind: call, summary: first}
          - {date: 2026-05-01, kind: email, summary: third}
          - {date: 2026-11-01, kind: note, summary: fourth}
        """,
    )
    out = lines(run("show", "t").stdout)
    start = out.index("History (newest first)")
    rows = [line.split()[:3] for line in out[start + 3 :] if line.strip()]
    assert rows == [
        ["2026-11-01", "note", "fourth"],
        ["2026-05-01", "email", "third"],  # same day, later in the file
        ["2026-05-01", "call", "second"],
        ["2026-01-01", "call", "first"],
    ]


def test_show_json(globex: Path, run: RunFn) -> None:
    data = as_json(run("show", "glob", "--format", "json"))
    items = data.pop("items")
    history = data.pop("history")
    closed = data.pop("closed")
    relations = {key: data.pop(key) for key in ("ratings", "rating_trend", "stakeholders")}
    assert data == {
        "date": "2026-11-24",
        "account": "globex",
        "name": "Globex",
        "tier": "C",
        "owner": "sam",
        "status": "active",
        "snooze": None,
        "since": "2023-05-01",
        "added": None,
        "renewal": "2027-01-10",
        "value": 50000,
        "relationship": "relational",
        "tags": ["energy", "west"],
        "domains": [],
        "website": None,
        "notes": "Likes volcanoes.",
        "contacts": [{**HANK, "birthday": None, "last_touched": "2026-03-02"}],
        "file": "accounts/east/globex.yaml",
    }
    # no rated review; tier C is not watched for stakeholders, but Hank's touch is known
    assert relations == {
        "ratings": [],
        "rating_trend": {
            "latest": None,
            "previous": None,
            "change": None,
            "trend": None,
            "dropped": False,
        },
        "stakeholders": {
            "within_days": None,
            "single_threaded": False,
            "touched": [],
            "people": [
                {
                    "name": "Hank Scorpio",
                    "role": "CEO",
                    "last_touched": "2026-03-02",
                    "on_file": True,
                }
            ],
        },
    }
    assert [(i["id"], i["kind"], i["due"], i["overdue_days"], i["score"]) for i in items] == [
        ("ht03p", "renewal", "2026-11-11", 13, 1134),
        ("azar4", "follow-up", "2026-11-20", 4, 1043),
        ("ctydq", "review", "2027-03-02", -98, 3.66),
        ("p73xb", "touch", "2026-12-10", -16, 3.22),
    ]
    # what left the plan, and how: the problem, resolved on 2026-09-20 by a note
    assert [(c["kind"], c["how"], c["on"], c["by"]) for c in closed] == [
        ("problem", "done", "2026-09-20", "note")
    ]
    assert all(i["contact"] == HANK for i in items)
    assert items[3]["reasons"] == [
        "last contact 2026-10-26 (call); tier C every 45 days",
        "problem resolved on 2026-09-20: cadence tightened 90 → 45 days for 90 days",
    ]
    # the history in file order, every field present
    assert history[1] == {
        "date": "2026-10-26",
        "kind": "call",
        "with": "",
        "summary": "Talked pricing.",
        "next": {"date": "2026-11-20", "action": "Send the price list", "booked": None},
        "problem": None,
        "resolved": False,
        "done": False,
        "renewal": None,
        "done_ids": [],
        "resolved_ids": [],
        "stage": None,
        "item": None,
        "until": None,
        "cancelled_ids": [],
        "ref": None,
        "rating": None,
    }
    assert [(h["date"], h["problem"], h["resolved"]) for h in history] == [
        ("2026-03-02", None, False),
        ("2026-10-26", None, False),
        ("2026-09-14", "Catalogue was outdated", False),
        ("2026-09-20", None, True),
    ]


def test_show_date_option(globex: Path, run: RunFn) -> None:
    data = as_json(run("show", "globex", "--format", "json", "--date", "2026-12-28"))
    # 13 days left: the 14-day stage; never started, so late since the window opened
    (renewal,) = [i for i in data["items"] if i["kind"] == "renewal"]
    assert (renewal["stage"], renewal["due"], renewal["overdue_days"]) == ("14", "2026-11-11", 47)
    assert renewal["action"] == "Renewal in 13 days: escalate"


def test_show_minimal_account(write_account: Callable[..., Path], run: RunFn) -> None:
    write_account("m", "name: Minimal\ntier: A\n")
    out = squeezed(run("show", "m").stdout)
    assert out[:4] == ["Minimal (m, tier A)", "file accounts/m.yaml", "owner —", "status active"]
    assert "No contacts on file." in out
    assert "No history yet." in out


def test_show_errors(globex: Path, run: RunFn) -> None:
    missing = run("show", "nope")
    assert missing.exit_code == 1
    assert lines(missing.stderr) == [
        "error: no account matches 'nope' (try `touchplan today --all` to list accounts)"
    ]
    csv_format = run("show", "globex", "--format", "csv")
    assert csv_format.exit_code == 2
    assert lines(csv_format.stderr) == ["error: show has no csv format (use --format json)"]


# -- why ------------------------------------------------------------------------------------


def test_why_prints_each_term(globex: Path, run: RunFn) -> None:
    result = run("why", "globex")
    assert result.exit_code == 0
    out = squeezed(result.stdout)
    assert out[0] == "Why Globex (globex) ranks where it does"
    start = out.index("term measure × weight = value")
    assert out[start - 1 : start + 8] == [
        "renewal ht03p Renewal in 47 days: start the conversation due 2026-11-11 · commitment",
        "term measure × weight = value",
        "─" * 73,
        "commitment due (ranks above all cadence work) 1 1,000 1,000",
        "days late 13 10 130",
        "importance of a renewal 1 4 4",
        "score 1,134",
        "· renewal on 2027-01-10; 47 days left",
        "· the conversation starts 60 days ahead (2026-11-11); not started yet",
    ]
    touch = out.index("touch p73xb Check in due 2026-12-10 · cadence")
    assert out[touch + 3 : touch + 5] == [
        "cadences elapsed (due in 16 days on a 45-day cadence), tier C 0.644 5 3.22",
        "score 3.22",
    ]


def test_why_heading_keeps_due_and_its_date_together(globex: Path, run: RunFn) -> None:
    out = lines(run("why", "globex").stdout)
    assert (
        "renewal ht03p Renewal in 47 days: start the conversation  due 2026-11-11 · commitment"
        in out
    )


def test_why_json_terms_add_up(globex: Path, run: RunFn) -> None:
    data = as_json(run("why", "globex", "--format", "json"))
    assert (data["date"], data["account"]) == ("2026-11-24", "globex")
    renewal = data["items"][0]
    assert renewal["terms"] == [
        {
            "term": "commitment due (ranks above all cadence work)",
            "measure": 1,
            "weight": 1000,
            "value": 1000,
        },
        {"term": "days late", "measure": 13, "weight": 10, "value": 130},
        {"term": "importance of a renewal", "measure": 1, "weight": 4, "value": 4},
    ]
    for item in data["items"]:
        assert round(sum(t["value"] for t in item["terms"]), 2) == item["score"]
        assert all(t["measure"] * t["weight"] == t["value"] for t in item["terms"])


def test_why_uses_configured_weights(globex: Path, run: RunFn) -> None:
    (globex.parents[2] / "touchplan.yaml").write_text(
        "weights:\n  commitment: 500\n  late_day: 20\n  importance: {follow-up: 9}\n"
        "  tier: {C: 8}\n",
        encoding="utf-8",
    )
    data = as_json(run("why", "globex", "--format", "json"))
    follow_up = next(i for i in data["items"] if i["kind"] == "follow-up")
    assert [(t["term"], t["value"]) for t in follow_up["terms"]] == [
        ("commitment due (ranks above all cadence work)", 500),
        ("days late", 80),
        ("importance of a follow-up", 9),
    ]
    assert follow_up["score"] == 589
    touch = next(i for i in data["items"] if i["kind"] == "touch")
    assert touch["score"] == round(0.644 * 8, 2)


def test_why_on_a_lost_account_says_it_is_not_planned(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    write_account("lost", "name: Lost Co\ntier: B\nstatus: lost\n")
    result = run("why", "lost")
    assert result.exit_code == 0
    assert lines(result.stderr) == ["note: Lost Co is lost and left out of planning"]


# -- check ---------------------------------------------------------------------------------


def test_check_is_silent_on_the_sample_data(demo: Path, run: RunFn) -> None:
    result = run("check", "--dir", str(demo), use_dir=False)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_check_is_silent_on_an_empty_root(root: Path, run: RunFn) -> None:
    result = run("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


PROBLEM_SHAPE = re.compile(r"^(touchplan\.yaml|accounts/[\w/.-]+\.yaml):\d+: ([\w\[\].]+: )?\S.*$")


def test_check_reports_every_problem_located(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    write_account("good", "name: Good\ntier: A\n")
    write_account(
        "bad",
        "name: Bad\n"
        "tier: D\n"
        "since: 2026-02-30\n"
        "history:\n"
        "  - date: 2026-13-01\n"
        "    kind: call\n"
        "  - date: 2026-11-01\n"
        "    kind: chat\n"
        "    next: soon Call back\n"
        "  - kind: call\n",
    )
    write_account("broken", "name: [unclosed\n", folder="east")
    write_account("empty", b"")
    (root / "touchplan.yaml").write_text("capacity: lots\n", encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    out = lines(result.stdout)
    assert out[:8] == [
        "touchplan.yaml:1: capacity: 'lots' is not a whole number",
        "accounts/bad.yaml:2: tier: 'D' is not one of A, B, C",
        "accounts/bad.yaml:3: since: '2026-02-30' is not a date (use YYYY-MM-DD)",
        "accounts/bad.yaml:5: history[0].date: '2026-13-01' is not a date (use YYYY-MM-DD)",
        "accounts/bad.yaml:8: history[1].kind: 'chat' is not one of call, visit, meeting, "
        "email, letter, note, review, sale, renewal, thank-you, share, imported, attempt, "
        "defer, lost",
        "accounts/bad.yaml:9: history[1].next: 'soon' is not a date (use YYYY-MM-DD)",
        "accounts/bad.yaml:10: history[2]: missing date (every entry needs a date and kind)",
        "accounts/empty.yaml:1: the file is empty (an account needs at least `name:` and `tier:`)",
    ]
    assert len(out) == 9
    assert out[8].startswith("accounts/east/broken.yaml:")
    assert all(PROBLEM_SHAPE.match(line) for line in out), out
    assert lines(result.stderr) == ["9 problems in 4 files"]


def test_check_one_problem(root: Path, write_account: Callable[..., Path], run: RunFn) -> None:
    write_account("dup", "name: A\nname: B\ntier: A\n")
    result = run("check")
    assert result.exit_code == 1
    assert lines(result.stdout) == [
        "accounts/dup.yaml:2: name: duplicate key (first on line 1) (keep one of the two)"
    ]
    assert lines(result.stderr) == ["1 problem in 1 file"]


def test_check_without_a_root(tmp_path: Path, run: RunFn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("check", use_dir=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no touchplan data here")
