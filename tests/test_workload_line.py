"""`today` and `week` say in one line when the book needs more calls than capacity.

The sample book needs 1.53 calls a working day (`workload`), dana's part of it 0.57:
with `capacity: 1` the whole book is over and dana's is not.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Run
from touchplan.cli import app
from touchplan.files.cache import cache_file

OVER = "The book needs 1.53 calls a day, capacity 1: see `touchplan workload`."

RunIn = Callable[..., Run]


@pytest.fixture
def run_in(demo: Path) -> RunIn:
    def invoke(*args: str) -> Run:
        result = CliRunner().invoke(app, [*args, "--dir", str(demo)], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


def set_capacity(demo: Path, capacity: int) -> None:
    policy = demo / "touchplan.yaml"
    text = policy.read_text(encoding="utf-8")
    assert "\ncapacity: 6\n" in text
    policy.write_text(text.replace("\ncapacity: 6\n", f"\ncapacity: {capacity}\n"), "utf-8")


def lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines()]


def test_workload_says_the_figure_the_line_repeats(demo: Path, run_in: RunIn) -> None:
    set_capacity(demo, 1)
    load = json.loads(run_in("workload", "--format", "json").stdout)
    assert (load["needed"], load["capacity"], load["over"]) == (1.53, 1, True)
    mine = json.loads(run_in("workload", "--owner", "dana", "--format", "json").stdout)
    assert (mine["needed"], mine["over"]) == (0.57, False)


def test_today_says_it_cold_warm_and_without_the_cache(demo: Path, run_in: RunIn) -> None:
    set_capacity(demo, 1)
    cold = run_in("today").stdout
    assert cache_file(demo).exists()
    warm = run_in("today").stdout
    full = run_in("today", "--no-cache").stdout
    assert cold == warm == full
    assert lines(cold)[:2] == [
        "Today, Tue 2026-11-24 · everyone · 1 of 10 calls due (capacity 1)",
        OVER,
    ]
    assert lines(cold).count(OVER) == 1


def test_week_says_it_once_above_the_days(demo: Path, run_in: RunIn) -> None:
    set_capacity(demo, 1)
    out = lines(run_in("week").stdout)
    assert out[:3] == [OVER, "", "Tue 2026-11-24 · 1 call"]
    assert out.count(OVER) == 1


def test_within_capacity_nothing_is_said(demo: Path, run_in: RunIn) -> None:
    for args in (("today",), ("today",), ("today", "--no-cache"), ("week",)):
        assert "calls a working day" not in run_in(*args).stdout
    # an owner's own book, within capacity though the whole book is not
    set_capacity(demo, 1)
    for args in (("today",), ("today", "--no-cache"), ("week",)):
        assert "calls a working day" not in run_in(*args, "--owner", "dana").stdout


def test_json_carries_the_figure_cached_and_not(demo: Path, run_in: RunIn) -> None:
    set_capacity(demo, 1)
    for owner, needed in (("all", 1.53), ("dana", 0.57), ("Lee", 0.36)):
        figures = [
            json.loads(run_in("today", "--owner", owner, "--format", "json", *extra).stdout)
            for extra in ((), (), ("--no-cache",))
        ]
        assert [f["workload"] for f in figures] == [{"needed": needed, "capacity": 1}] * 3
        load = json.loads(run_in("workload", "--owner", owner, "--format", "json").stdout)
        assert load["needed"] == needed


@pytest.mark.parametrize("day", ["2026-11-24", "2026-12-19", "2027-02-10", "2027-09-01"])
def test_cache_and_files_agree_as_the_window_moves(demo: Path, run_in: RunIn, day: str) -> None:
    """The 90-day window and the year of renewals ahead move with the day; the tightened
    cadences of new customers end: the cached figure follows, as `workload`'s does."""
    run_in("today", "--date", "2026-11-24")  # a cache built on another day
    cached = json.loads(run_in("today", "--date", day, "--format", "json").stdout)
    full = json.loads(run_in("today", "--date", day, "--format", "json", "--no-cache").stdout)
    load = json.loads(run_in("workload", "--date", day, "--format", "json").stdout)
    assert cached["workload"] == full["workload"]
    assert cached["workload"]["needed"] == load["needed"]


def test_a_logged_problem_and_sale_raise_it_on_the_next_run(demo: Path, run_in: RunIn) -> None:
    set_capacity(demo, 1)
    before = json.loads(run_in("today", "--format", "json").stdout)["workload"]["needed"]
    run_in("log", "cobalt", "Line down", "--kind", "call", "--problem", "Line down")
    run_in("log", "meridian", "Signed for another year", "--kind", "sale")
    after = json.loads(run_in("today", "--format", "json").stdout)["workload"]
    full = json.loads(run_in("today", "--format", "json", "--no-cache").stdout)["workload"]
    assert after == full
    assert after["needed"] > before


def kept_figures(demo: Path) -> dict[tuple[int, str, str], str]:
    """The workload figures the cache keeps, by (day, owner, skipped files)."""
    db = sqlite3.connect(cache_file(demo))
    try:
        return {tuple(key): figures for *key, figures in db.execute("SELECT * FROM demand")}
    finally:
        db.close()


def test_an_edit_adjusts_the_kept_figures_to_what_a_fresh_sum_gives(demo: Path) -> None:
    """A changed file's part in the header's figures is taken off and its new part added
    (the figures are not summed again over every file): after each kind of edit, what the
    cache keeps equals what summing every row gives, and the figure `--no-cache`'s."""

    def run(*args: str) -> Run:
        result = CliRunner().invoke(app, [*args, "--dir", str(demo)], catch_exceptions=False)
        assert result.exit_code in (0, 1), result.stderr
        return Run(result.exit_code, result.stdout, result.stderr)

    # the later day first: each ask plans the files anew for its day, so what the rows
    # hold between asks is today's plan
    asks = [("--date", "2027-01-05"), (), ("--owner", "dana"), ("--owner", "sam")]

    def workload(*args: str) -> object:
        return json.loads(run("today", *args, "--format", "json").stdout)["workload"]

    def agree() -> dict[tuple[int, str, str], str]:
        for ask in asks:
            assert workload(*ask) == workload(*ask, "--no-cache")
        return kept_figures(demo)

    def edit(rel: str, old: str, new: str) -> None:
        path = demo / "accounts" / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    first = agree()
    assert len(first) == len(asks)
    meridian = "meridian-steel.yaml"
    edits: list[tuple[str, Callable[[], object]]] = [
        ("a comment", lambda: edit(meridian, "\nhistory:", "\n# a comment\nhistory:")),
        ("a call", lambda: run("log", "meridian", "Called", "--kind", "call")),
        ("a problem", lambda: run("log", "lumen", "Down", "--kind", "call", "--problem", "Down")),
        ("a sale", lambda: run("log", "westbrook", "Signed", "--kind", "sale")),
        ("a promise", lambda: run("log", "meridian", "Quote", "--next", "2026-12-01 Send it")),
        ("a tier", lambda: edit(meridian, "\ntier: A\n", "\ntier: C\n")),
        ("an owner", lambda: edit(meridian, "\nowner: dana\n", "\nowner: sam\n")),
        ("a renewal", lambda: edit("westbrook-print.yaml", "2026-12-04", "2028-12-04")),
        ("a snooze", lambda: run("snooze", "lumen", "--until", "2026-12-20")),
        ("a bad file", lambda: edit(meridian, "\ntier: C\n", "\ntier: Z\n")),
        ("mended", lambda: edit(meridian, "\ntier: Z\n", "\ntier: B\n")),
        ("a new file", lambda: (demo / "accounts" / "east" / "zz-new.yaml").write_text(
            "name: Zz New\ntier: A\nowner: dana\nhistory:\n  - date: 2026-11-02\n"
            "    kind: sale\n    summary: Signed.\n", encoding="utf-8")),
        ("a file gone", lambda: (demo / "accounts" / "tallgrass-ag.yaml").unlink()),
    ]  # fmt: skip
    before = first
    for what, change in edits:
        change()
        run("today")  # the changed file is stored: every row kept is adjusted
        kept = kept_figures(demo)
        assert set(before) <= set(kept), what  # none emptied
        if what == "a comment":  # its part in the figures did not change
            assert kept == before
        if what in ("a problem", "a tier", "a file gone"):
            assert kept != before, what
        kept = agree()
        db = sqlite3.connect(cache_file(demo))
        db.execute("DELETE FROM demand")
        db.commit()
        db.close()
        fresh = agree()
        assert fresh == {key: kept[key] for key in fresh}, what
        before = fresh
