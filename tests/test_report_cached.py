"""`report` reads unchanged files from the plan cache's stored parses (no YAML), and
its figures are the same as from the files: on one core and on every core."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from touchplan.files.cache import cache_file
from touchplan.files.sweep import PARALLEL_FROM

REPO = Path(__file__).resolve().parent.parent


def _book(write_account: Callable[..., Path], count: int) -> None:
    for i in range(count):
        write_account(
            f"acct-{i:03d}",
            f"name: A{i}\ntier: {'ABC'[i % 3]}\nowner: rep{i % 7}\nsince: 2024-03-0{i % 9 + 1}\n"
            f"renewal: 2026-{i % 12 + 1:02d}-15\nvalue: {i}\nhistory:\n"
            f"  - date: 2026-09-{i % 28 + 1:02d}\n    kind: renewal\n    stage: conversation\n"
            f"  - date: 2026-10-{i % 28 + 1:02d}\n    kind: {('call', 'sale', 'visit')[i % 3]}\n"
            f"    next: 2026-11-{i % 20 + 1:02d} Call back\n"
            + (f"    problem: Late order {i}\n" if i % 5 == 0 else ""),
        )
    write_account("broken", "name: [\n")


def _report(run: Callable[..., Any], *args: str) -> dict[str, Any]:
    result = run("report", "--format", "json", *(args or ("--weeks", "8")))
    assert result.exit_code == 0
    assert "accounts/broken.yaml" in result.stderr or args
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize("count", [12, PARALLEL_FROM + 10], ids=["one core", "every core"])
def test_stored_parses_give_the_same_report_as_the_files(
    root: Path,
    write_account: Callable[..., Path],
    run: Callable[..., Any],
    count: int,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _book(write_account, count)
    from_files = _report(run)  # no cache yet
    assert run("today").exit_code == 0  # writes the cache: every file's parse
    assert _report(run) == from_files
    # a file changed since is read again (its stat moved on)
    changed = root / "accounts" / "acct-004.yaml"
    text = changed.read_text(encoding="utf-8").replace("owner: rep4", "owner: rep-new")
    changed.write_text(text + "  - date: 2026-11-20\n    kind: call\n", encoding="utf-8")
    after = _report(run)
    assert [g["group"] for g in after["groups"]] != [g["group"] for g in from_files["groups"]]
    monkeypatch.setenv("TOUCHPLAN_CACHE_DIR", str(tmp_path / "elsewhere"))  # no cache
    assert after == _report(run)


def test_an_unchanged_file_is_read_from_its_stored_parse(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    """Proof the stored parse is what is read: one edited inside the cache shows."""
    _book(write_account, 3)
    assert run("today").exit_code == 0
    db = sqlite3.connect(cache_file(root))
    rel = "accounts/acct-001.yaml"
    (text,) = db.execute("SELECT account FROM parsed WHERE rel = ?", (rel,)).fetchone()
    assert '"rep1"' in text
    db.execute(
        "UPDATE parsed SET account = ? WHERE rel = ?", (text.replace('"rep1"', '"rep-stored"'), rel)
    )
    db.commit()
    db.close()
    keys = [g["group"] for g in _report(run)["groups"]]
    assert "rep-stored" in keys and "rep1" not in keys
    # touched on disk (a new stat): the file again, not the stored parse
    path = root / "accounts" / "acct-001.yaml"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    keys = [g["group"] for g in _report(run)["groups"]]
    assert "rep1" in keys and "rep-stored" not in keys


def test_a_damaged_stored_parse_reads_the_file(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    _book(write_account, 3)
    from_files = _report(run)
    assert run("today").exit_code == 0
    db = sqlite3.connect(cache_file(root))
    db.execute("UPDATE parsed SET account = '[\"not an account\"]'")
    db.commit()
    db.close()
    assert _report(run) == from_files


@pytest.mark.parametrize("count", [12, PARALLEL_FROM + 10], ids=["one core", "every core"])
def test_two_files_with_one_slug_count_once(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any], count: int
) -> None:
    """Files in two folders with one name (`acct-003`, and a dotted `acct.v2`) are one
    account: the first that loads counts, the other is skipped and named."""
    _book(write_account, count)
    write_account("acct-003", "name: Again\ntier: A\nowner: rep-again\n", folder="west")
    write_account("acct.v2", "name: Dotted\ntier: B\nowner: rep-dot\n", folder="east")
    write_account("acct.v2", "name: Dotted too\ntier: B\nowner: rep-dot2\n", folder="west")
    data = _report(run)
    keys = [g["group"] for g in data["groups"]]
    assert "rep-again" not in keys and "rep-dot" in keys and "rep-dot2" not in keys
    assert data["total"]["accounts"] == count + 1
    result = run("report", "--format", "json", "--weeks", "8")
    assert "accounts/west/acct-003.yaml" in result.stderr
    assert "accounts/west/acct.v2.yaml" in result.stderr


def _year_book(root: Path, count: int) -> None:
    """A year of history per account (bench/year.py, seeded)."""
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "year.py"), str(count), str(root), "--seed", "9"],
        check=True,
        capture_output=True,
    )


FORMATS = ("table", "json", "csv", "html")


def _every_format(
    run: Callable[..., Any], *args: str, formats: tuple[str, ...] = FORMATS
) -> list[tuple[int, str, str]]:
    outputs = []
    for fmt in formats:
        result = run("report", "--format", fmt, *args)
        outputs.append((result.exit_code, result.stdout, result.stderr))
    return outputs


def _trend_rows(root: Path) -> int:
    db = sqlite3.connect(cache_file(root))
    try:
        (count,) = db.execute("SELECT count(*) FROM trends").fetchone()
    finally:
        db.close()
    return int(count)


@pytest.mark.parametrize("count", [40, PARALLEL_FROM + 10], ids=["one core", "every core"])
def test_kept_trends_give_the_report_made_afresh(
    root: Path,
    run: Callable[..., Any],
    count: int,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The first report keeps each file's trend readings in the plan cache and later
    ones read them: every format, byte for byte, is the report with no cache at all,
    the same day, the next, a week on, after a logged call and after a policy edit
    (on every core: JSON, the figures the other formats show)."""
    formats = ("json",) if count > PARALLEL_FROM else FORMATS
    _year_book(root, count)
    write = root / "accounts" / "broken.yaml"
    write.write_text("name: [\n", encoding="utf-8")
    cache = os.environ["TOUCHPLAN_CACHE_DIR"]

    def fresh(*args: str) -> list[tuple[int, str, str]]:
        monkeypatch.setenv("TOUCHPLAN_CACHE_DIR", str(tmp_path / "none"))
        try:
            return _every_format(run, *args, formats=formats)
        finally:
            monkeypatch.setenv("TOUCHPLAN_CACHE_DIR", cache)

    today = run("today").stdout
    assert run("today").exit_code == 0  # fills the cache: every file's parse
    expected = fresh()
    assert expected[0][0] == 0 and "accounts/broken.yaml" in expected[0][2]
    assert _every_format(run, formats=formats) == expected  # the first keeps the trends ...
    assert count * 0.9 < _trend_rows(root) <= count  # not those lost all the weeks
    assert _every_format(run, formats=formats) == expected  # ... and the second reads them
    assert run("today").stdout == today == run("today", "--no-cache").stdout
    quarter = ("--quarter", "2026Q3", "--by", "tier", "--weeks", "26")
    assert _every_format(run, *quarter, formats=formats) == fresh(*quarter)
    for day in ("2026-11-25", "2026-12-01", "2026-12-04"):
        monkeypatch.setenv("TOUCHPLAN_TODAY", day)
        assert _every_format(run, formats=formats) == fresh(), day
    slug = next(
        path.stem
        for path in sorted((root / "accounts").rglob("*.yaml"))
        if "status:" not in (text := path.read_text(encoding="utf-8")) and "history:" in text
    )
    assert run("log", slug, "Called about the order", "--kind", "call").exit_code == 0
    assert _every_format(run, formats=formats) == fresh()
    before = fresh()
    policy = "touch:\n  every: {A: 14, B: 12, C: 90}\n"
    (root / "touchplan.yaml").write_text(policy, encoding="utf-8")
    assert _every_format(run, formats=formats) == fresh() != before
    assert _every_format(run, *quarter, formats=formats) == fresh(*quarter)
    # holidays (a month of them): the plan cache keeps the records that asked about none,
    # but the trend weeks span months
    before = fresh()
    october = ", ".join(f"2026-10-{day:02d}" for day in range(5, 31))
    (root / "touchplan.yaml").write_text(f"{policy}holidays: [{october}]\n", encoding="utf-8")
    assert _every_format(run, formats=formats) == fresh() != before


def test_kept_trends_are_what_a_later_report_reads(
    root: Path, run: Callable[..., Any], tmp_path: Path
) -> None:
    """Proof the kept readings are read (ones edited inside the cache show), and only
    for the same bytes and settings: a touched file, or a policy edit, plans afresh."""
    _year_book(root, 30)
    assert run("today").exit_code == 0
    first = _report(run, "--weeks", "8")
    db = sqlite3.connect(cache_file(root))
    rows = db.execute("SELECT rel, segments FROM trends").fetchall()
    assert len(rows) > 25
    # each plan kept as reached, with no touch due: every planned week within cadence
    edited = [
        (json.dumps([[*seg[:3], 1, 0, *seg[5:]] for seg in json.loads(text)]), rel)
        for rel, text in rows
    ]
    db.executemany("UPDATE trends SET segments = ? WHERE rel = ?", edited)
    db.commit()
    db.close()
    trends = _report(run, "--weeks", "8")["trends"]["total"]
    assert trends["coverage"] == [100.0] * 8 != first["trends"]["total"]["coverage"]
    for path in (root / "accounts").rglob("*.yaml"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert run("today").exit_code == 0  # parses the touched files again
    assert _report(run, "--weeks", "8") == first
    db = sqlite3.connect(cache_file(root))
    db.execute("UPDATE trends SET segments = 'not json'")
    db.commit()
    db.close()
    assert _report(run, "--weeks", "8") == first  # damaged: planned afresh
    assert _report(run, "--weeks", "8") == first  # and kept again


def test_a_busy_cache_keeps_no_trends_and_the_report_is_the_same(
    root: Path, run: Callable[..., Any]
) -> None:
    """Another touchplan writing the cache: the report waits a moment, keeps nothing,
    and says the same; the next one keeps them."""
    _year_book(root, 12)
    assert run("today").exit_code == 0
    expected = _report(run, "--weeks", "8")
    other = sqlite3.connect(cache_file(root), isolation_level=None)
    other.execute("DELETE FROM trends")  # as `today` left it
    other.execute("BEGIN IMMEDIATE")  # holds the write lock
    try:
        result = run("report", "--format", "json", "--weeks", "8")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == expected
    assert _trend_rows(root) == 0
    assert _report(run, "--weeks", "8") == expected
    assert _trend_rows(root) > 0


def _parsed(root: Path) -> dict[str, tuple[Any, ...]]:
    db = sqlite3.connect(cache_file(root))
    try:
        return {row[0]: row[1:] for row in db.execute("SELECT * FROM parsed")}
    finally:
        db.close()


@pytest.mark.parametrize("count", [12, PARALLEL_FROM + 10], ids=["one core", "every core"])
def test_a_report_with_no_cache_keeps_every_parse_for_the_next_run(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any], count: int
) -> None:
    """A manager who only runs `report` pays for the YAML once: the first report makes
    the plan cache and keeps each file's parse (with the stat the scan took; the bytes'
    hash while the file is racy), and what it kept is what the next report, and
    `today`, read (one edited inside the cache shows)."""
    _book(write_account, count)
    assert not cache_file(root).exists()
    first = _report(run)
    parsed = _parsed(root)
    broken = "accounts/broken.yaml"
    assert len(parsed) == count + 1 and parsed[broken][-1] is None  # its problems, no account
    path = root / "accounts" / "acct-001.yaml"
    stat = path.stat()
    data = path.read_bytes()
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()  # written just now: racy
    stored = parsed["accounts/acct-001.yaml"]
    assert stored[:5] == (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns, digest)
    assert _trend_rows(root) == count  # and every account's trend weeks
    assert _report(run) == first
    today = run("today", "--format", "json").stdout
    assert today == run("today", "--format", "json", "--no-cache").stdout
    # proof the kept parse is read, by `today` as well as by `report`
    db = sqlite3.connect(cache_file(root))
    rel = "accounts/acct-001.yaml"
    (text,) = db.execute("SELECT account FROM parsed WHERE rel = ?", (rel,)).fetchone()
    edited = text.replace('"rep1"', '"rep-kept"')
    db.execute("UPDATE parsed SET account = ? WHERE rel = ?", (edited, rel))
    db.execute("DELETE FROM files")  # `today` plans every file again: from the parses
    db.commit()
    db.close()
    assert "rep-kept" in [g["group"] for g in _report(run)["groups"]]
    assert '"owner": "rep-kept"' in run("today", "--all", "--format", "json").stdout


def test_a_file_changed_since_today_has_its_new_parse_kept_by_report(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Any]
) -> None:
    _book(write_account, 6)
    assert run("today").exit_code == 0
    path = root / "accounts" / "acct-002.yaml"
    rel = "accounts/acct-002.yaml"
    before = _parsed(root)[rel]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("  - date: 2026-11-20\n    kind: call\n    summary: Kept by report\n")
    report = _report(run)
    after = _parsed(root)[rel]
    assert after != before and "Kept by report" in after[-1]
    assert after[:2] == (path.stat().st_mtime_ns, path.stat().st_size)
    assert _report(run) == report
    assert (
        run("today", "--format", "json").stdout
        == run("today", "--format", "json", "--no-cache").stdout
    )


def test_a_cache_folder_that_cannot_be_used_leaves_the_report_as_it_is(
    root: Path,
    write_account: Callable[..., Path],
    run: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _book(write_account, 6)
    expected = run("report", "--format", "json", "--weeks", "8")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("TOUCHPLAN_CACHE_DIR", str(blocker))
    result = run("report", "--format", "json", "--weeks", "8")
    assert (result.exit_code, result.stdout, result.stderr) == (
        expected.exit_code, expected.stdout, expected.stderr,
    )  # fmt: skip
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"
