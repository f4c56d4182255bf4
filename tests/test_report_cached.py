"""`report` reads unchanged files from the plan cache's stored parses (no YAML), and
its figures are the same as from the files: on one core and on every core."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from touchplan.files.cache import cache_file
from touchplan.files.sweep import PARALLEL_FROM


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


def _report(run: Callable[..., Any]) -> dict[str, Any]:
    result = run("report", "--format", "json", "--weeks", "8")
    assert result.exit_code == 0
    assert "accounts/broken.yaml" in result.stderr
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
