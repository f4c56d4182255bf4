"""Dates at the calendar's edges: every date the schema accepts is planned, every other
one is a located `check` error; no command ever dies in date arithmetic."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import Run
from touchplan.cli import app

ACCOUNT = """\
name: Acme Corp
tier: A
owner: dana
since: {since}
added: {added}
renewal: {renewal}
snooze:
  until: {snooze}
history:
  - date: {d1}
    kind: sale
    next: {next} Send the quote
    problem: Late delivery
  - date: {d2}
    kind: renewal
    stage: proposal
  - date: {d3}
    kind: renewal
    renewal: {signed}
  - date: {d4}
    kind: call
    next: "{booked} visit: Plant tour"
  - date: {d5}
    kind: defer
    item: abcde
    until: {until}
"""
FIELDS = [
    "since",
    "added",
    "renewal",
    "snooze",
    "d1",
    "next",
    "d2",
    "d3",
    "signed",
    "d4",
    "booked",
    "d5",
    "until",
]
ORDINARY = dict.fromkeys(FIELDS, "2026-11-02")

# Every command that reads the book or one account, and what it is run with.
READERS = [
    ("check",),
    ("today",),
    ("today", "--all", "--no-cache"),
    ("today", "--format", "json"),
    ("week", "--days", "10"),
    ("show", "acme"),
    ("why", "acme"),
    ("renewals", "--within", "3m"),
    ("report",),
    ("workload",),
    ("export", "ics"),
]


def _invoke(root: Path, *args: str) -> Run:
    result = CliRunner().invoke(app, [*args, "--dir", str(root)], catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize(
    ("field", "value", "line", "key"),
    [
        ("since", "9999-12-31", 4, "since"),
        ("renewal", "0001-01-01", 6, "renewal"),
        ("added", "1899-12-31", 5, "added"),
        ("snooze", "2201-01-01", 8, "snooze.until"),
        ("d1", "9999-12-31", 10, "history[0].date"),
        ("next", "9999-12-31", 12, "history[0].next"),
        ("signed", "0001-01-01", 19, "history[2].renewal"),
        ("until", "9999-12-31", 26, "history[4].until"),
    ],
)
def test_a_date_outside_the_range_is_a_located_check_error(
    root: Path, run: Callable[..., Run], field: str, value: str, line: int, key: str
) -> None:
    (root / "accounts" / "acme.yaml").write_text(ACCOUNT.format(**{**ORDINARY, field: value}))
    (root / "accounts" / "beta.yaml").write_text("name: Beta\ntier: B\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout == (
        f"accounts/acme.yaml:{line}: {key}: {value} is outside 1900–2200 "
        "(use a date from 1900-01-01 to 2200-12-31)\n"
    )
    today = run("today", "--all")  # the other account is still planned; this one is named
    assert today.exit_code == 0
    assert "Beta" in today.stdout
    assert "accounts/acme.yaml" in today.stdout  # the header names skipped files


def test_a_holiday_outside_the_range_is_a_located_check_error(
    root: Path, run: Callable[..., Run]
) -> None:
    (root / "touchplan.yaml").write_text("holidays:\n  - 2026-12-25\n  - 0001-01-01\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout == (
        "touchplan.yaml:3: holidays[1]: 0001-01-01 is outside 1900–2200 "
        "(use a date from 1900-01-01 to 2200-12-31)\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("week", "--date", "9999-12-20"),
        ("today", "--date", "0001-01-01"),
        ("log", "acme", "hi", "--date", "1899-12-31"),
        ("log", "acme", "hi", "--next", "9999-12-31 Send it"),
        ("add", "Zed", "--tier", "A", "--since", "9999-12-31"),
        ("add", "Zed", "--tier", "A", "--renewal", "+999y"),
        ("snooze", "acme", "--until", "2201-01-01"),
        ("report", "--since", "1899-12-31"),
        ("report", "--until", "0001-01-01"),
    ],
)
def test_a_command_line_date_outside_the_range_is_a_usage_error(
    root: Path, run: Callable[..., Run], args: tuple[str, ...]
) -> None:
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACCOUNT.format(**ORDINARY))
    before = path.read_bytes()
    result = run(*args)
    assert result.exit_code == 2
    assert "is outside 1900–2200 (give a date from 1900-01-01 to 2200-12-31)" in result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in (root / "accounts").iterdir()) == ["acme.yaml"]


@pytest.mark.parametrize("quarter", ["9999Q4", "1899q4"])
def test_a_quarter_outside_the_range_is_a_usage_error(
    root: Path, run: Callable[..., Run], quarter: str
) -> None:
    (root / "accounts" / "acme.yaml").write_text(ACCOUNT.format(**ORDINARY))
    result = run("report", "--quarter", quarter)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: --quarter: {quarter!r} is outside 1900–2200 "
        "(give a quarter from 1900Q1 to 2200Q4)\n"
    )


def test_touchplan_today_outside_the_range_is_refused(
    root: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOUCHPLAN_TODAY", "9999-12-31")
    result = run("today")
    assert result.exit_code == 2
    assert "TOUCHPLAN_TODAY: 9999-12-31 is outside 1900–2200" in result.stderr


@pytest.mark.parametrize("edge", ["1900-01-01", "2200-12-31"])
@pytest.mark.parametrize("field", FIELDS)
def test_every_field_at_either_edge_is_planned_by_every_command(
    root: Path, field: str, edge: str
) -> None:
    (root / "accounts" / "acme.yaml").write_text(ACCOUNT.format(**{**ORDINARY, field: edge}))
    for args in READERS:
        result = _invoke(root, *args)
        assert result.exit_code == 0, (args, result.stderr)


@pytest.mark.parametrize("today", ["1900-01-01", "2200-12-31", "2200-12-20"])
def test_planning_on_the_edges_of_the_range(
    root: Path, today: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOUCHPLAN_TODAY", today)
    edges = {f: ("1900-01-01" if i % 2 else "2200-12-31") for i, f in enumerate(FIELDS)}
    (root / "accounts" / "acme.yaml").write_text(ACCOUNT.format(**{**edges, "d1": today}))
    for args in [*READERS, ("week", "--days", "60")]:
        result = _invoke(root, *args)
        assert result.exit_code == 0, (args, result.stderr)
    logged = _invoke(root, "log", "acme", "Checked in", "--next", "+30d Call back")
    assert logged.exit_code in (0, 2), logged.stderr  # 2: a promise past 2200-12-31


# -- the property: arbitrary valid dates in every date field ----------------------------

valid_dates = st.dates(date(1900, 1, 1), date(2200, 12, 31))
outside = st.one_of(st.dates(max_value=date(1899, 12, 31)), st.dates(min_value=date(2201, 1, 1)))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    dates=st.fixed_dictionaries({f: valid_dates for f in [*FIELDS, "holiday"]}),
    spoiled=st.one_of(st.none(), st.tuples(st.sampled_from([*FIELDS, "holiday"]), outside)),
    today=valid_dates,
)
def test_check_today_and_log_never_raise(
    dates: dict[str, date],
    spoiled: tuple[str, date] | None,
    today: date,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Any valid date in every date field (and now and then one outside the range)."""
    values = {**dates, **dict([spoiled] if spoiled else [])}
    holiday = values["holiday"]
    monkeypatch.setenv("TOUCHPLAN_TODAY", today.isoformat())
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "accounts").mkdir()
        (root / "touchplan.yaml").write_text(f"holidays:\n  - {holiday.isoformat()}\n")
        path = root / "accounts" / "acme.yaml"
        path.write_text(
            ACCOUNT.format(**{k: v.isoformat() for k, v in values.items() if k in FIELDS})
        )
        (root / "accounts" / "beta.yaml").write_text("name: Beta\ntier: B\n")
        valid = {k: date(1900, 1, 1) <= v <= date(2200, 12, 31) for k, v in values.items()}
        account_valid = all(ok for k, ok in valid.items() if k != "holiday")
        check = _invoke(root, "check")
        assert check.exit_code == (0 if all(valid.values()) else 1), check.stdout
        cached = _invoke(root, "today", "--all", "--format", "json")
        again = _invoke(root, "today", "--all", "--format", "json")
        plain = _invoke(root, "today", "--all", "--format", "json", "--no-cache")
        assert cached.exit_code == again.exit_code == plain.exit_code == 0
        assert cached.stdout == again.stdout == plain.stdout
        before = path.read_bytes()
        logged = _invoke(root, "log", "acme", "Checked in")
        if account_valid:  # a bad holiday is warned about, and the default used
            assert logged.exit_code == 0, logged.stderr
            assert path.read_bytes().startswith(before)
            assert path.read_bytes().count(b"Checked in") == 1
        else:  # the file does not load: refused, untouched
            assert logged.exit_code == 1
            assert path.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--since", "99999m"),
        ("renewals", "--within", "99999m"),
        ("week", "--days", "60", "--date", "2200-12-31"),
        ("export", "ics", "--days", "60", "--date", "2200-12-31"),
    ],
)
def test_the_longest_spans_the_options_allow(root: Path, args: tuple[str, ...]) -> None:
    (root / "accounts" / "acme.yaml").write_text(ACCOUNT.format(**ORDINARY))
    result = _invoke(root, *args)
    assert result.exit_code == 0, result.stderr
