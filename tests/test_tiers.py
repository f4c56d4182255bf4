"""`touchplan tiers`: the 80/20 rule from `value`, and `--apply` editing only `tier:` lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run
from touchplan.config import Thresholds
from touchplan.model import Account, Status, Tier
from touchplan.planning.tiers import suggest_tiers

# A known Pareto split: total 1000; cumulative 50 %, 80 %, 90 %, 95 %, 98 %, 100 %.
# A = the accounts making the first 80 % (a, b); B up to 95 % (c, d); C the rest (e, f).
TABLE = [
    ("alpha", 500, "C", "A"),
    ("bravo", 300, "B", "A"),
    ("charlie", 100, "B", "B"),
    ("delta", 50, "A", "B"),
    ("echo", 30, "C", "C"),
    ("foxtrot", 20, "C", "C"),
]


def account_text(slug: str, value: int, tier: str) -> str:
    return (
        f"# {slug}: kept by hand\n"
        f"name: {slug.title()} Inc\n"
        f"tier: {tier}   # set at signing\n"
        f"owner: {'dana' if value >= 100 else 'sam'}\n"
        f"value: {value}\n"
        "history:\n"
        "  - date: 2026-11-02\n"
        "    kind: call\n"
        "    summary: Hello, again.\n"
    )


@pytest.fixture
def table(write_account: Callable[..., Path]) -> dict[str, Path]:
    return {slug: write_account(slug, account_text(slug, v, t)) for slug, v, t, _ in TABLE}


@pytest.mark.usefixtures("table")
def test_known_split_json(run: Callable[..., Run]) -> None:
    result = run("tiers", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["thresholds"] == {"A": 80.0, "B": 95.0}
    assert data["total_value"] == 1000.0
    rows = [(r["account"], r["share"], r["cumulative"], r["suggested"]) for r in data["accounts"]]
    assert rows == [
        ("alpha", 50.0, 50.0, "A"),
        ("bravo", 30.0, 80.0, "A"),
        ("charlie", 10.0, 90.0, "B"),
        ("delta", 5.0, 95.0, "B"),
        ("echo", 3.0, 98.0, "C"),
        ("foxtrot", 2.0, 100.0, "C"),
    ]
    assert data["changes"] == [
        {"account": s, "from": a, "to": b, "file": f"accounts/{s}.yaml", "applied": False}
        for s, a, b in (("alpha", "C", "A"), ("bravo", "B", "A"), ("delta", "A", "B"))
    ]
    assert data["applied"] is False
    assert data["without_value"] == []


def test_table_output(table: dict[str, Path], run: Callable[..., Run]) -> None:
    before = {slug: path.read_bytes() for slug, path in table.items()}
    result = run("tiers")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Tiers by value: A to 80 % of total value, B to 95 %, C the rest"
    row = next(line for line in lines if "Bravo Inc" in line).split()
    assert row == ["2", "Bravo", "Inc", "dana", "300", "30.0", "%", "80.0", "%", "B", "A"]
    assert "Would change 3 tiers:" in lines
    assert "  accounts/alpha.yaml: tier C → A" in lines
    assert lines[-1] == "Run `touchplan tiers --apply` to write them."
    assert {slug: path.read_bytes() for slug, path in table.items()} == before


def test_apply_changes_only_the_tier_lines(table: dict[str, Path], run: Callable[..., Run]) -> None:
    before = {slug: path.read_bytes() for slug, path in table.items()}
    result = run("tiers", "--apply")
    assert result.exit_code == 0, result.stderr
    assert "Changed 3 tiers:" in result.stdout
    for slug, _value, old, new in TABLE:
        after = table[slug].read_bytes()
        if old == new:
            assert after == before[slug]
            continue
        old_lines, new_lines = before[slug].splitlines(True), after.splitlines(True)
        assert len(old_lines) == len(new_lines)
        changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
        assert changed == [
            (
                f"tier: {old}   # set at signing\n".encode(),
                f"tier: {new}   # set at signing\n".encode(),
            )
        ]
    again = run("tiers", "--apply", "--format", "json")
    assert json.loads(again.stdout)["changes"] == []
    assert "Every tier already matches." in run("tiers").stdout


def test_thresholds_from_touchplan_yaml(
    root: Path, table: dict[str, Path], run: Callable[..., Run]
) -> None:
    (root / "touchplan.yaml").write_text("tiers:\n  A: 50\n  B: 90\n")
    data = json.loads(run("tiers", "--format", "json").stdout)
    assert data["thresholds"] == {"A": 50.0, "B": 90.0}
    assert [r["suggested"] for r in data["accounts"]] == ["A", "B", "B", "C", "C", "C"]
    flags = json.loads(run("tiers", "--format", "json", "--a-share", "85").stdout)
    assert [r["suggested"] for r in flags["accounts"]] == ["A", "A", "A", "C", "C", "C"]


def test_tiers_by_revenue_when_the_policy_says_so(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Run]
) -> None:
    """Company revenue (an import's `Annual Revenue`) ranks accounts only with
    `tiers: {by: revenue}`; by default only `value` (what they pay us) does."""
    write_account("big", "name: Big\ntier: C\nrevenue: 900000000\nvalue: 1000\n")
    write_account("small", "name: Small\ntier: C\nrevenue: 1000000\nvalue: 90000\n")
    write_account("unknown", "name: Unknown\ntier: C\nvalue: 500\n")
    by_value = json.loads(run("tiers", "--format", "json").stdout)
    assert by_value["by"] == "value"
    assert [(r["account"], r["value"]) for r in by_value["accounts"]] == [
        ("small", 90000.0),
        ("big", 1000.0),
        ("unknown", 500.0),
    ]
    (root / "touchplan.yaml").write_text("tiers:\n  by: revenue\n")
    by_revenue = json.loads(run("tiers", "--format", "json").stdout)
    assert by_revenue["by"] == "revenue"
    assert [(r["account"], r["value"], r["suggested"]) for r in by_revenue["accounts"]] == [
        ("big", 900000000.0, "A"),
        ("small", 1000000.0, "C"),  # the accounts above it make 99.9 % of the revenue
    ]
    assert by_revenue["without_value"] == ["unknown"]
    table = run("tiers").stdout
    assert table.startswith("Tiers by revenue: A to 80 % of total revenue, B to 95 %")
    assert "No revenue, tier kept: unknown (add `revenue:` to tier them)" in table


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("tiers:\n  by: arr\n", "touchplan.yaml:2: tiers.by: 'arr' is not one of value, revenue"),
        ("tiers:\n  A: 95\n  B: 80\n", "touchplan.yaml:2: tiers: need 0 < A (95) < B (80) <= 100"),
        ("tiers:\n  A: eighty\n", "touchplan.yaml:2: tiers.A: 'eighty' is not a number"),
        ("tiers: 80\n", "touchplan.yaml:1: tiers: expected a mapping, found text"),
    ],
)
def test_bad_thresholds_are_located_errors(
    root: Path, table: dict[str, Path], run: Callable[..., Run], config: str, message: str
) -> None:
    (root / "touchplan.yaml").write_text(config)
    before = {slug: path.read_bytes() for slug, path in table.items()}
    result = run("tiers", "--apply")
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert {slug: path.read_bytes() for slug, path in table.items()} == before


@pytest.mark.usefixtures("table")
def test_bad_threshold_flags(run: Callable[..., Run]) -> None:
    result = run("tiers", "--a-share", "96")
    assert result.exit_code == 2
    assert "tier thresholds: need 0 < A (96) < B (95) <= 100" in result.stderr


def test_lost_accounts_and_accounts_without_value(
    table: dict[str, Path], write_account: Callable[..., Path], run: Callable[..., Run]
) -> None:
    write_account("gone", "name: Gone\ntier: A\nstatus: lost\nvalue: 900000\n")
    unvalued = write_account("novalue", "name: No Value\ntier: B\n")
    result = run("tiers", "--apply", "--format", "json")
    data = json.loads(result.stdout)
    assert [r["account"] for r in data["accounts"]] == [s for s, *_ in TABLE]
    assert data["without_value"] == ["novalue"]
    assert unvalued.read_bytes() == b"name: No Value\ntier: B\n"
    assert "No value, tier kept: novalue" in run("tiers").stdout


@pytest.mark.usefixtures("table")
def test_owner_filter_computes_the_split_within_that_book(run: Callable[..., Run]) -> None:
    data = json.loads(run("tiers", "--owner", "sam", "--format", "json").stdout)
    # sam's book: delta 50, echo 30, foxtrot 20 -> 50 %, 80 %, 100 %
    assert [(r["account"], r["suggested"]) for r in data["accounts"]] == [
        ("delta", "A"),
        ("echo", "A"),
        ("foxtrot", "B"),
    ]


@pytest.mark.usefixtures("table")
def test_csv_output(run: Callable[..., Run]) -> None:
    lines = run("tiers", "--format", "csv").stdout.splitlines()
    assert lines[0] == "rank,account,name,owner,value,share,cumulative,tier,suggested,change,file"
    assert lines[1] == "1,alpha,Alpha Inc,dana,500,50,50,C,A,true,accounts/alpha.yaml"


def test_an_account_that_cannot_be_edited_is_reported_and_the_rest_applied(
    table: dict[str, Path], write_account: Callable[..., Path], run: Callable[..., Run]
) -> None:
    # a flow mapping cannot be edited line by line: touchplan refuses rather than rewrite it
    flow = write_account("zulu", "{name: Zulu, tier: A, value: 0}\n")
    result = run("tiers", "--apply")
    assert result.exit_code == 1
    assert "accounts/zulu.yaml: tier not changed" in result.stderr
    assert flow.read_bytes() == b"{name: Zulu, tier: A, value: 0}\n"
    assert table["alpha"].read_bytes().splitlines()[2] == b"tier: A   # set at signing"


def make(slug: str, value: float | None, tier: Tier = Tier.C) -> Account:
    return Account(slug=slug, file=f"accounts/{slug}.yaml", name=slug, tier=tier, value=value)


def test_ties_get_the_same_tier() -> None:
    # 50, 25, 25 with A at 60 %: the third starts at 75 %, but it ties with the second
    accounts = [make("x", 50), make("y", 25), make("z", 25)]
    plan = suggest_tiers(accounts, Thresholds(a=60, b=95))  # type: ignore[arg-type]
    assert [(r.account.slug, r.suggested) for r in plan.rows] == [
        ("x", Tier.A),
        ("y", Tier.A),
        ("z", Tier.A),
    ]


def test_all_zero_values_are_c_and_lost_are_left_out() -> None:
    lost = Account(slug="l", file="l", name="l", tier=Tier.A, value=10, status=Status.LOST)
    plan = suggest_tiers([make("a", 0), make("b", 0), lost], Thresholds())
    assert [(r.account.slug, r.suggested) for r in plan.rows] == [("a", Tier.C), ("b", Tier.C)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=25))
def test_pareto_properties(values: list[int]) -> None:
    accounts = [make(f"a{i:02d}", v) for i, v in enumerate(values)]
    plan = suggest_tiers(accounts, Thresholds())
    tiers = [r.suggested for r in plan.rows]
    # sorted by value, tiers never improve going down the list
    assert [r.account.value for r in plan.rows] == sorted(values, reverse=True)
    assert tiers == sorted(tiers, key=lambda t: t.value)
    if sum(values):
        a_value = sum(r.account.value or 0 for r in plan.rows if r.suggested is Tier.A)
        assert a_value * 100 >= 80 * sum(values)  # A makes at least 80 %
        assert plan.rows[-1].cumulative == 1


@pytest.mark.usefixtures("table")
def test_check_accepts_the_tiers_section(root: Path, run: Callable[..., Run]) -> None:
    (root / "touchplan.yaml").write_text("tiers:\n  A: 80\n  B: 95\n")
    result = run("check")
    assert (result.exit_code, result.stdout) == (0, "")
