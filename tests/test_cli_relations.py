"""Issue 19 through the CLI: `log --rating`, `show`'s ratings and stakeholders, a low
rating's problem and a drop on `today`, birthdays in `check`, and the merge driver.

ACME, today Tuesday 2026-11-24, default policy (tier A):
- review: last 2026-03-02 (rated 4/5 by Raj) + 90 = Sun 2026-05-31 -> Mon 2026-06-01,
  176 days late: 30 x (1 + 176/90 = 2.956) = 88.68.
- birthday: Jane's is 11-24, today: 30 x 1 = 30.
- stakeholder: Jane touched 2026-09-01 and 2026-11-16, Raj last 2026-03-02: + 180 = Sat
  2026-08-29 -> Mon 2026-08-31, 85 days late, at half weight: 30 x 0.5 x 1.472 = 22.08.
- touch: last contact 2026-11-16 + 14 = 2026-11-30, in 6 days: 30 x 0.571 = 17.13.
- visit: last visit 2026-09-01 + 90 = 2026-11-30, in 6 days: 30 x 0.933 = 27.99.
- anniversary: since 2019-11-26, the 7th on Thu 2026-11-26.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run
from touchplan.files.merge import Merged, merge

RunFn = Callable[..., Run]

ACME = """\
name: Acme Corp
tier: A
owner: dana
since: 2019-11-26
contacts:
  - name: Jane Smith
    role: VP Operations
    phone: "+1 555 0100"
    birthday: 11-24
  - name: Raj Patel
    role: Accounts Payable
history:
  - date: 2026-03-02
    kind: review
    with: Raj Patel
    summary: Health check, happy.
    rating: 4
  - date: 2026-09-01
    kind: visit
    with: Jane Smith
    summary: Plant tour.
  - date: 2026-11-16
    kind: call
    with: Jane Smith
    summary: Asked about the new line.
"""
RATED = """\
  - date: 2026-11-24
    kind: review
    with: Jane Smith
    summary: Support is slow lately
    rating: 2
"""


@pytest.fixture
def acme(write_account: Callable[..., Path]) -> Path:
    return write_account("acme", ACME)


def squeezed(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def as_json(result: Run) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def log_rated(run: RunFn) -> Run:
    return run("log", "acme", "Support is slow lately", "--kind", "review", "--rating", "2",
               "--with", "jane")  # fmt: skip


def test_today_brings_the_birthday_and_the_second_stakeholder(acme: Path, run: RunFn) -> None:
    result = run("today")
    assert result.exit_code == 0, result.stderr
    assert squeezed(result.stdout)[3:] == [
        "1 Acme Corp A review wyz2k Hold a relationship review (health check) 176 d late "
        "Jane Smith, VP Operations 2026-11-16 call",
        # the stakeholder item is past its grace (85 d late): it comes before the birthday
        "stakeholder c9p9s Meet a second stakeholder · birthday d7j26 Wish Jane Smith a "
        "happy birthday · touch vv4eg Check in 85 d late +1 555 0100 Asked about the new line.",
    ]
    (call,) = as_json(run("today", "--format", "json"))["calls"]
    assert [(i["kind"], i["class"], i["due"], i["score"]) for i in call["items"]] == [
        ("review", "cadence", "2026-06-01", 88.68),
        ("stakeholder", "cadence", "2026-08-31", 22.08),
        ("birthday", "cadence", "2026-11-24", 30),
    ]
    stakeholder, birthday = call["items"][1:]
    assert birthday["contact"]["name"] == "Jane Smith"
    assert stakeholder["contact"] == {  # whom to meet: the contact touched least lately
        "name": "Raj Patel",
        "role": "Accounts Payable",
        "phone": "",
        "email": "",
    }
    assert stakeholder["reasons"] == [
        "only Jane Smith touched since 2026-03-02 (Raj Patel then); tier A: a second "
        "stakeholder every 180 days",
        "2026-08-29 is not a working day: due 2026-08-31",
    ]


def test_the_anniversary_thank_you_on_its_day(acme: Path, run: RunFn) -> None:
    (call,) = as_json(run("today", "--format", "json", "--date", "2026-11-26"))["calls"]
    thanks = [i for i in call["items"] if i["kind"] == "thank-you"]
    assert [(i["action"], i["class"], i["due"], i["reasons"]) for i in thanks] == [
        (
            "Thank them for 7 years as a customer",
            "cadence",
            "2026-11-26",
            ["customer since 2019-11-26: 7 years on 2026-11-26"],
        )
    ]
    # the birthday (open to 2026-11-26) is still on the call
    assert "birthday" in [i["kind"] for i in call["items"]]


def test_log_a_rated_review(acme: Path, run: RunFn) -> None:
    result = log_rated(run)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert acme.read_text(encoding="utf-8") == ACME + RATED
    assert result.stdout.splitlines() == [
        "Logged review with Jane Smith on 2026-11-24 → accounts/acme.yaml",
        "Rated 2/5: down 2 from 4/5 on 2026-03-02",
        "Next: stakeholder c9p9s — Meet a second stakeholder (due 2026-08-31)",
        "Still open:",
        "  2026-08-31  stakeholder c9p9s: Meet a second stakeholder",
        "  2026-11-25  problem cq8m1: Work the open problem: Review rated 2/5: Support is slow "
        "lately",
    ]


@pytest.mark.parametrize(
    ("before", "said"),
    [
        pytest.param([], "Rated 2/5: the first rating on record", id="first"),
        pytest.param(["--rating", "2"], "Rated 2/5: as on 2026-11-20", id="as-before"),
        pytest.param(["--rating", "1"], "Rated 2/5: up 1 from 1/5 on 2026-11-20", id="up"),
    ],
)
def test_what_log_says_of_a_rating(
    write_account: Callable[..., Path], run: RunFn, before: list[str], said: str
) -> None:
    write_account("b", "name: B\ntier: B\n")
    if before:
        first = run("log", "b", "Earlier", "--kind", "review", "--date", "2026-11-20", *before)
        assert first.exit_code == 0, first.stderr
    result = run("log", "b", "Now", "--kind", "review", "--rating", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == said


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--kind", "review", "--rating", "7"],
            "error: --rating: 7 is not between 1 and 5 (5 is the best, 1 the worst)",
            id="seven",
        ),
        pytest.param(
            ["--kind", "review", "--rating", "0"],
            "error: --rating: 0 is not between 1 and 5 (5 is the best, 1 the worst)",
            id="zero",
        ),
        pytest.param(["--rating", "3"], "error: --rating goes with --kind review", id="a-call"),
    ],
)
def test_a_bad_rating_is_refused_and_nothing_written(
    acme: Path, run: RunFn, args: list[str], message: str
) -> None:
    result = run("log", "acme", "Reviewed", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]
    assert acme.read_text(encoding="utf-8") == ACME


def test_the_low_rating_is_a_problem_on_the_next_call_with_the_drop_flagged(
    acme: Path, run: RunFn
) -> None:
    assert log_rated(run).exit_code == 0
    (call,) = as_json(run("today", "--format", "json", "--date", "2026-11-25"))["calls"]
    problem, stakeholder = call["items"]
    assert (problem["id"], problem["kind"], problem["class"], problem["due"]) == (
        "cq8m1",
        "problem",
        "commitment",
        "2026-11-25",
    )
    assert problem["contact"]["name"] == "Jane Smith"
    assert problem["reasons"] == [
        "review on 2026-11-24 rated 2/5 (a rating of 2 or lower is a problem)",
        "first response within 1 day (working days)",
        "review rating fell from 4/5 to 2/5 on 2026-11-24",
    ]
    assert all("fell" not in r for r in stakeholder["reasons"])
    verbose = squeezed(run("today", "-v", "--date", "2026-11-25").stdout)
    assert "· review rating fell from 4/5 to 2/5 on 2026-11-24" in verbose
    # resolved the usual way, it leaves the plan
    resolved = run("log", "acme", "Support fixed", "--resolved", "cq8m1")
    assert resolved.exit_code == 0, resolved.stderr
    items = as_json(run("show", "acme", "--format", "json"))["items"]
    assert "problem" not in [i["kind"] for i in items]


def test_show_the_rating_trend_and_who_was_touched(acme: Path, run: RunFn) -> None:
    assert log_rated(run).exit_code == 0
    assert run("log", "acme", "Met their CFO", "--kind", "meeting", "--with", "Bob Lee",
               "--date", "2026-11-20").exit_code == 0  # fmt: skip
    out = squeezed(run("show", "acme").stdout)
    assert out[4:14] == [
        "customer since 2019-11-26",
        "review ratings 4/5 (2026-03-02) → 2/5 (2026-11-24), down 2",
        "stakeholders 2 people touched in the last 180 days",
        "Contacts",
        "Name Role Phone Email Birthday Last touched",
        "─" * 82,
        "Jane Smith VP Operations +1 555 0100 11-24 2026-11-24 (0 d ago)",
        "Raj Patel Accounts Payable 2026-03-02 (267 d ago)",
        "Bob Lee not on file 2026-11-20 (4 d ago)",
        "Open items",
    ]
    history = out[out.index("History (newest first)") :]
    assert history[3:5] == ["2026-11-24 review Jane Smith Support is slow lately", "rating: 2/5"]
    data = as_json(run("show", "acme", "--format", "json"))
    assert [c["last_touched"] for c in data["contacts"]] == ["2026-11-24", "2026-03-02"]
    assert [c["birthday"] for c in data["contacts"]] == ["11-24", None]
    assert data["ratings"] == [
        {"date": "2026-03-02", "rating": 4, "summary": "Health check, happy.", "with": "Raj Patel"},
        {"date": "2026-11-24", "rating": 2, "summary": "Support is slow lately",
         "with": "Jane Smith"},
    ]  # fmt: skip
    assert data["rating_trend"] == {
        "latest": 2,
        "previous": 4,
        "change": -2,
        "trend": "down",
        "dropped": True,
    }
    assert data["stakeholders"] == {
        "within_days": 180,
        "single_threaded": False,
        "touched": ["Jane Smith", "Bob Lee"],
        "people": [
            {"name": "Jane Smith", "role": "VP Operations", "last_touched": "2026-11-24",
             "on_file": True},
            {"name": "Raj Patel", "role": "Accounts Payable", "last_touched": "2026-03-02",
             "on_file": True},
            {"name": "Bob Lee", "role": "", "last_touched": "2026-11-20", "on_file": False},
        ],
    }  # fmt: skip
    assert data["history"][-2]["rating"] == 2


def test_show_flags_a_single_threaded_account(acme: Path, run: RunFn) -> None:
    out = squeezed(run("show", "acme").stdout)
    assert "stakeholders single-threaded: only Jane Smith touched in the last 180 days" in out
    assert as_json(run("show", "acme", "--format", "json"))["stakeholders"]["single_threaded"]


def test_why_prints_the_stakeholder_items_half_weight(acme: Path, run: RunFn) -> None:
    out = squeezed(run("why", "acme").stdout)
    assert (
        "cadences elapsed (85 days late on a 180-day cadence), tier A x 0.5 for a stakeholder "
        "item 1.472 15 22.08"
    ) in out


def test_closing_the_stakeholder_item_by_id(acme: Path, run: RunFn) -> None:
    result = run("log", "acme", "Asked Jane to introduce their CFO", "--done", "c9p9s",
                 "--with", "jane")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Closed stakeholder c9p9s: Meet a second stakeholder" in result.stdout.splitlines()
    items = as_json(run("show", "acme", "--format", "json"))["items"]
    (again,) = [i for i in items if i["kind"] == "stakeholder"]
    # recorded on 2026-11-24: + 180 = Sun 2027-05-23, Monday 2027-05-24
    assert (again["due"], again["id"] != "c9p9s") == ("2027-05-24", True)


def test_check_locates_a_bad_birthday_and_a_bad_rating(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    write_account(
        "bad",
        """
        name: Bad
        tier: B
        contacts:
          - name: Jane
            birthday: 02-30
          - name: Raj
            birthday: 1980-03-14
        history:
          - date: 2026-11-20
            kind: review
            rating: 7
          - date: 2026-11-21
            kind: call
            rating: 4
        """,
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "accounts/bad.yaml:5: contacts[0].birthday: '02-30' is not a day of the year "
        "(use MM-DD, e.g. 03-14; no year)",
        "accounts/bad.yaml:7: contacts[1].birthday: '1980-03-14' is not a day of the year "
        "(use MM-DD, e.g. 03-14; no year)",
        "accounts/bad.yaml:11: history[0].rating: 7 is not between 1 and 5",
        "accounts/bad.yaml:14: history[1].rating: only a `review` entry has a rating",
    ]


def test_rated_reviews_logged_on_two_machines_merge(acme: Path, run: RunFn) -> None:
    """The merge driver takes entries with the new keys like any appended entries."""
    outputs = []
    for args in (
        ["Quarterly review", "--kind", "review", "--rating", "5", "--with", "raj"],
        ["Support is slow lately", "--kind", "review", "--rating", "2", "--with", "jane",
         "--date", "2026-11-23"],
    ):  # fmt: skip
        acme.write_text(ACME, encoding="utf-8")
        assert run("log", "acme", *args).exit_code == 0
        outputs.append(acme.read_bytes())
    merged = merge(ACME.encode(), outputs[0], outputs[1], "accounts/acme.yaml")
    assert isinstance(merged, Merged)
    theirs = outputs[1][len(ACME) :]
    ours = outputs[0][len(ACME) :]
    assert merged.data == ACME.encode() + theirs + ours  # by date: theirs (11-23) first
    acme.write_bytes(merged.data)
    data = as_json(run("show", "acme", "--format", "json"))
    assert [(r["date"], r["rating"]) for r in data["ratings"]] == [
        ("2026-03-02", 4),
        ("2026-11-23", 2),
        ("2026-11-24", 5),
    ]
    assert data["rating_trend"]["trend"] == "up"


def test_the_cache_agrees_day_by_day_across_birthdays_and_anniversaries(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    """A warm cache is only trusted while a file's plan stays the same: an anniversary or
    a birthday falling due must bring its item on its day, with or without the cache."""
    for n in range(12):
        day = 16 + n  # anniversaries and birthdays from 2026-11-16 to 2026-11-27
        tier = "ABC"[n % 3]
        write_account(
            f"acct-{n:02d}",
            f"""
            name: Account {n}
            tier: {tier}
            since: 20{10 + n}-11-{day}
            contacts:
              - name: Ann Lee
                birthday: 11-{(day + 5) % 28 + 1:02d}
              - name: Bo Chan
                birthday: 12-{day - 14:02d}
            history:
              - date: 2026-0{1 + n % 9}-1{n % 10}
                kind: call
                with: Ann
                summary: Hello.
              - date: 2026-10-{10 + n}
                kind: {"review" if n % 2 else "email"}
                with: {"Bo Chan" if n % 4 == 1 else "Ann Lee"}
                summary: Checked in.
            """,
        )
    for offset in range(0, 20, 2):
        day = f"2026-11-{16 + offset}" if offset < 15 else f"2026-12-0{offset - 14}"
        cached = run("today", "--all", "--format", "json", "--date", day)
        fresh = run("today", "--all", "--format", "json", "--date", day, "--no-cache")
        assert cached.exit_code == fresh.exit_code == 0, (cached.stderr, fresh.stderr)
        assert cached.stdout == fresh.stdout, day
    kinds = {i["kind"] for i in json.loads(fresh.stdout)["items"]}
    assert {"birthday", "stakeholder"} <= kinds


def test_the_report_lists_ratings_lowest_first_and_the_single_threaded(
    acme: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    write_account("beta", "name: Beta Works\ntier: B\nowner: sam\ncontacts:\n  - name: Ann Ho\n"
                  "history:\n  - date: 2026-10-01\n    kind: call\n    with: Ann Ho\n")  # fmt: skip
    assert log_rated(run).exit_code == 0
    data = as_json(run("report", "--format", "json"))
    assert data["ratings"] == [
        {"account": "acme", "name": "Acme Corp", "tier": "A", "owner": "dana", "rating": 2,
         "date": "2026-11-24", "previous": 4, "change": -2, "trend": "down", "dropped": True,
         "comment": "Support is slow lately", "file": "accounts/acme.yaml"},
    ]  # fmt: skip
    assert data["single_threaded"] == [
        {"account": "acme", "name": "Acme Corp", "tier": "A", "owner": "dana",
         "touched": "Jane Smith", "within_days": 180, "file": "accounts/acme.yaml"},
        {"account": "beta", "name": "Beta Works", "tier": "B", "owner": "sam",
         "touched": "Ann Ho", "within_days": 180, "file": "accounts/beta.yaml"},
    ]  # fmt: skip
    assert (data["total"]["rating_drops"], data["total"]["single_threaded"]) == (1, 2)
    out = squeezed(run("report").stdout)
    start = out.index("Review ratings, lowest first")
    assert out[start : start + 7] == [
        "Review ratings, lowest first",
        "Rating Trend Date Account Owner Comment",
        out[start + 2],  # the rule
        "2/5 down 2 2026-11-24 Acme Corp dana Support is slow lately",
        "Single-threaded: one person touched lately",
        "Account Tier Owner Only Within",
        out[start + 6],
    ]
    assert out[start + 7 : start + 9] == [
        "Acme Corp A dana Jane Smith 180 d",
        "Beta Works B sam Ann Ho 180 d",
    ]
    html = run("report", "--format", "html").stdout
    assert '<section id="ratings">' in html and "Support is slow lately" in html
    assert '<section id="single-threaded">' in html and "Ann Ho" in html
