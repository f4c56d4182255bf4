"""The plan cache never changes an answer: cold, warm, after edits, corrupt, or bypassed."""

from __future__ import annotations

import difflib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, Run
from pty_read import read_to_end
from touchplan.files import cache
from touchplan.files.cache import cache_file


@pytest.fixture
def data(generated: Path) -> Path:
    return generated


def today_json(run_in: Callable[..., Run], root: Path, *extra: str) -> dict[str, object]:
    result = run_in("today", "--all", "--format", "json", "--dir", str(root), *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.fixture
def run_in() -> Callable[..., Run]:
    from typer.testing import CliRunner

    from touchplan.cli import app

    def invoke(*args: str) -> Run:
        result = CliRunner().invoke(app, list(args), catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


def test_cold_warm_changed_deleted_and_bypassed_agree(
    data: Path, run_in: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "PARALLEL_FROM", 50)  # the cold run uses the process pool
    reference = today_json(run_in, data, "--no-cache")
    assert len(reference["items"]) > 100  # type: ignore[arg-type]
    assert not cache_file(data).exists()  # --no-cache neither reads nor writes it

    cold = today_json(run_in, data)
    assert cache_file(data).exists()
    warm = today_json(run_in, data)
    assert cold == reference
    assert warm == reference

    # one file changed: a new contact today takes its touch item off the list
    target = sorted((data / "accounts").glob("*.yaml"))[3]
    with target.open("a", encoding="utf-8") as handle:
        handle.write("  - date: 2026-11-24\n    kind: visit\n    summary: Came by.\n")
    changed = today_json(run_in, data)
    assert changed == today_json(run_in, data, "--no-cache")
    assert changed != reference

    # one file deleted: its items disappear at once
    gone = sorted((data / "accounts").glob("*.yaml"))[5]
    slug = gone.stem
    gone.unlink()
    after = today_json(run_in, data)
    assert after == today_json(run_in, data, "--no-cache")
    assert all(item["account"] != slug for item in after["items"])  # type: ignore[attr-defined,index]


def test_one_core_parses_each_file_once_and_keeps_the_cache(
    data: Path, run_in: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On one core a cold run of many files parses here, into the cache file: each file
    once, and the next run is warm (it used to parse every file twice and keep nothing)."""
    monkeypatch.setattr(cache, "PARALLEL_FROM", 50)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    reference = today_json(run_in, data, "--no-cache")
    parsed: list[str] = []
    build = cache.build_record

    def counted(root: str, rel: str, *rest: object) -> cache.Record:
        parsed.append(rel)
        return build(root, rel, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "build_record", counted)
    assert today_json(run_in, data) == reference
    assert len(parsed) == len(set(parsed)) == 250
    parsed.clear()
    assert today_json(run_in, data) == reference
    assert parsed == []


def test_many_changed_files_replace_their_rows_on_every_core(
    data: Path, run_in: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull that changes many files (enough for the pool) replaces just their rows."""
    monkeypatch.setattr(cache, "PARALLEL_FROM", 50)
    today_json(run_in, data)
    changed = sorted((data / "accounts").rglob("*.yaml"))[::3]
    assert len(changed) >= 60
    for path in changed:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("  - date: 2026-11-24\n    kind: visit\n    summary: Came by.\n")
    calls: list[int] = []
    fill = cache._fill
    monkeypatch.setattr(cache, "_fill", lambda *a, **k: calls.append(len(a[1])) or fill(*a, **k))
    assert today_json(run_in, data) == today_json(run_in, data, "--no-cache")
    assert calls == [len(changed)]
    db = sqlite3.connect(cache_file(data))
    assert db.execute("SELECT COUNT(*) FROM files").fetchone() == (250,)
    assert db.execute("SELECT COUNT(DISTINCT rel) FROM parsed").fetchone() == (250,)


def test_today_top_items_match_without_cache(data: Path, run_in: Callable[..., Run]) -> None:
    """Capacity-limited output ranks exactly like a full plan, ties included."""
    for day in ("2026-11-24", "2026-12-01", "2027-01-04"):
        with_cache = run_in("today", "--format", "json", "--date", day, "--dir", str(data))
        without = run_in(
            "today", "--format", "json", "--date", day, "--no-cache", "--dir", str(data)
        )
        assert with_cache.stdout == without.stdout
        assert json.loads(with_cache.stdout)["more"] > 0


def test_days_move_within_the_cache_window(data: Path, run_in: Callable[..., Run]) -> None:
    """A cache built on one day answers correctly on later days (renewal stages move)."""
    today_json(run_in, data)
    for day in ("2026-11-25", "2026-12-24", "2027-03-01"):
        assert today_json(run_in, data, "--date", day) == today_json(
            run_in, data, "--date", day, "--no-cache"
        )


def test_owner_filter_matches(data: Path, run_in: Callable[..., Run]) -> None:
    assert today_json(run_in, data, "--owner", "REP07") == today_json(
        run_in, data, "--owner", "rep07", "--no-cache"
    )


@pytest.mark.parametrize(
    "damage",
    [b"", b"this is not a database", b"SQLite format 3\x00" + b"\xff" * 500],
    ids=["empty", "garbage", "truncated"],
)
def test_corrupt_cache_is_discarded_and_rebuilt(
    data: Path, run_in: Callable[..., Run], damage: bytes
) -> None:
    reference = today_json(run_in, data, "--no-cache")
    today_json(run_in, data)
    path = cache_file(data)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(damage)
    assert today_json(run_in, data) == reference
    assert today_json(run_in, data) == reference  # and the rebuilt cache is good


def test_cache_from_another_version_is_not_trusted(data: Path, run_in: Callable[..., Run]) -> None:
    reference = today_json(run_in, data, "--no-cache")
    today_json(run_in, data)
    db = sqlite3.connect(cache_file(data))
    db.execute("UPDATE meta SET value = 'stale' WHERE key = 'key'")
    db.execute("UPDATE items SET due = 1")  # would make everything overdue if trusted
    db.commit()
    db.close()
    assert today_json(run_in, data) == reference


def test_policy_change_invalidates(data: Path, run_in: Callable[..., Run]) -> None:
    today_json(run_in, data)
    (data / "touchplan.yaml").write_text("capacity: 6\ntouch:\n  every: {A: 7, B: 10, C: 20}\n")
    assert today_json(run_in, data) == today_json(run_in, data, "--no-cache")


def test_unwritable_cache_dir_still_plans(
    data: Path, run_in: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("TOUCHPLAN_CACHE_DIR", str(blocker))
    assert today_json(run_in, data) == today_json(run_in, data, "--no-cache")


def test_cache_lives_outside_the_repository(data: Path, run_in: Callable[..., Run]) -> None:
    today_json(run_in, data)
    path = cache_file(data).resolve()
    assert data.resolve() not in path.parents
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


def test_check_uses_the_cache_and_still_reports_everything(
    data: Path, run_in: Callable[..., Run]
) -> None:
    (data / "accounts" / "zz-broken.yaml").write_text("name: Broken\ntier: Z\n")
    first = run_in("check", "--dir", str(data))
    second = run_in("check", "--dir", str(data))
    assert first.exit_code == second.exit_code == 1
    assert first.stdout == second.stdout
    assert "accounts/zz-broken.yaml:2: tier: 'Z' is not one of A, B, C" in first.stdout


def first_named(data: Path, run_in: Callable[..., Run]) -> tuple[Path, str]:
    """The cache built, and the first account file with its name."""
    today_json(run_in, data)
    target = sorted((data / "accounts").glob("*.yaml"))[0]
    return target, target.read_text().splitlines()[1].removeprefix("name: ")


def test_log_finds_an_account_by_name_from_the_cache(
    data: Path, run_in: Callable[..., Run]
) -> None:
    target, name = first_named(data, run_in)
    result = run_in("log", name.upper(), "Quick call", "--dir", str(data))
    assert result.exit_code == 0, result.stderr
    assert target.read_text().endswith("    summary: Quick call\n")


def test_a_name_the_cache_holds_once_is_ambiguous_with_a_file_added_since(
    data: Path, run_in: Callable[..., Run]
) -> None:
    target, name = first_named(data, run_in)
    twin = data / "accounts" / "zz-twin.yaml"
    twin.write_text(f"name: {name}\ntier: B\n")
    before = target.read_bytes()
    result = run_in("log", name, "Quick call", "--dir", str(data))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {name!r} matches 2 accounts",
        f"  accounts/{target.name}",
        "  accounts/zz-twin.yaml",
    ]
    assert target.read_bytes() == before
    assert twin.read_text() == f"name: {name}\ntier: B\n"


def test_a_name_is_found_in_a_file_renamed_since_the_cache_and_not_in_its_old_row(
    data: Path, run_in: Callable[..., Run]
) -> None:
    target, name = first_named(data, run_in)
    # the account renamed in place: its row still holds the old name
    target.write_text(target.read_text().replace(f"name: {name}", "name: Renamed Holdings", 1))
    gone = run_in("log", name, "Quick call", "--dir", str(data))
    assert gone.exit_code == 1
    assert gone.stderr == (
        f"error: no account matches {name!r} (try `touchplan today --all` to list accounts)\n"
    )
    found = run_in("log", "renamed holdings", "Quick call", "--dir", str(data))
    assert found.exit_code == 0, found.stderr
    assert target.read_text().endswith("    summary: Quick call\n")


def test_cold_run_prints_no_progress_bar_when_not_a_terminal(
    data: Path, run_in: Callable[..., Run]
) -> None:
    result = run_in("today", "--dir", str(data))
    assert result.stderr == ""
    assert os.environ["TOUCHPLAN_CACHE_DIR"]


def test_cold_run_on_a_terminal_shows_a_progress_bar(tmp_path: Path) -> None:
    """A long cold read draws a Rich progress bar on stderr when stderr is a terminal,
    and the data on stdout stays clean."""
    import pty
    import shutil

    exe = shutil.which("touchplan")
    assert exe is not None
    book = tmp_path / "big"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "generate.py"), "2600", str(book), "--seed", "3"],
        check=True,
    )
    env = {**os.environ, "TOUCHPLAN_CACHE_DIR": str(tmp_path / "cache"), "TERM": "xterm"}
    env.pop("NO_COLOR", None)

    def today_on_a_terminal() -> tuple[bytes, bytes]:
        """`today`'s stderr as a terminal shows it, and its stdout."""
        master, slave = pty.openpty()
        proc = subprocess.Popen(
            [exe, "today", "--format", "json", "--dir", str(book)],
            stdout=subprocess.PIPE,
            stderr=slave,
            env=env,
        )
        os.close(slave)
        try:
            seen = read_to_end(master, proc, timeout=120)
        finally:
            os.close(master)
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        return seen, out

    seen, out = today_on_a_terminal()
    assert b"Reading accounts" in seen
    assert b"Planning accounts" not in seen
    assert json.loads(out)["date"] == "2026-11-24"  # stdout is untouched by the bar
    # an edit every plan reads plans every account again from its stored parse: no file
    # is read, and the bar says what is being done
    policy = book / "touchplan.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + "renewal:\n  lead: 75\n", "utf-8")
    seen, out = today_on_a_terminal()
    assert b"Planning accounts" in seen
    assert b"Reading accounts" not in seen
    assert json.loads(out)["date"] == "2026-11-24"


def test_concurrent_cold_runs_agree(tmp_path: Path) -> None:
    """Three `today` processes racing to build one cache (with the process pool) all
    print the same plan."""
    import shutil

    exe = shutil.which("touchplan")
    assert exe is not None
    book = tmp_path / "book"
    assert cache.PARALLEL_FROM <= 450
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "generate.py"), "450", str(book), "--seed", "11"],
        check=True,
    )
    env = {**os.environ, "TOUCHPLAN_CACHE_DIR": str(tmp_path / "cache")}
    argv = [exe, "today", "--all", "--format", "json", "--dir", str(book)]
    reference = subprocess.run([*argv, "--no-cache"], env=env, capture_output=True, check=True)
    procs = [
        subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], [err for _out, err in results]
    for n, (out, err) in enumerate(results):  # on a mismatch, say how (it has been seen once)
        if out != reference.stdout:
            diff = difflib.unified_diff(
                reference.stdout.decode().splitlines(), out.decode().splitlines(), lineterm=""
            )
            pytest.fail(
                f"process {n} differs; stderr: {err.decode()!r}\n" + "\n".join(list(diff)[:60])
            )
    warm = subprocess.run(argv, env=env, capture_output=True, check=True)
    assert warm.stdout == reference.stdout


def test_ranking_rows_emptied_by_another_process_mid_run_are_not_read(
    data: Path, run_in: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another `today` building the cache afresh empties the day's ranking rows; one
    landing after this run found them ready must not leave it reading none: the reads
    share one snapshot, which sees them gone and ranks from the items."""
    reference = today_json(run_in, data, "--no-cache")
    assert today_json(run_in, data) == reference  # the cache and the day's rows made
    real_ready = cache._ranks_ready

    def emptied_meanwhile(db: sqlite3.Connection, *args: object) -> bool:
        ready = real_ready(db, *args)
        other = sqlite3.connect(cache.cache_file(data), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("DELETE FROM ranks0")
        other.execute("DELETE FROM ranks1")
        other.execute("DELETE FROM ranked")
        other.execute("COMMIT")
        other.close()
        return ready

    monkeypatch.setattr(cache, "_ranks_ready", emptied_meanwhile)
    assert today_json(run_in, data) == reference


def test_ranking_rows_follow_edits_additions_deletions_and_days(
    data: Path, run_in: Callable[..., Run]
) -> None:
    """The cache keeps each day's ranking rows and replaces a changed file's rows with
    its items: after an edit, a new file and a deletion, on a working day, a day off
    (which also counts the next working day) and days asked for again, `today` (at
    capacity and --all) prints exactly what `--no-cache` prints."""
    days = ("2026-11-24", "2026-11-28", "2026-11-24", "2026-12-01")

    def outputs() -> list[str]:
        printed = []
        for day in days:
            for extra in ((), ("--all",)):
                argv = ("today", "--format", "json", "--date", day, "--dir", str(data), *extra)
                cached, plain = run_in(*argv), run_in(*argv, "--no-cache")
                assert cached.exit_code == plain.exit_code == 0, cached.stderr
                assert cached.stdout == plain.stdout, (day, extra)
                printed.append(cached.stdout)
        return printed

    before = outputs()
    files = sorted((data / "accounts").rglob("*.yaml"))
    # a promise due today on an account that had nothing pressing
    last = json.loads(before[1])["items"][-1]["account"]
    target = next(f for f in files if f.stem == last)
    with target.open("a", encoding="utf-8") as handle:
        handle.write(
            "  - date: 2026-11-20\n    kind: call\n    summary: Asked for a quote.\n"
            "    next: 2026-11-24 Send the quote\n"
        )
    edited = outputs()
    assert edited[1] != before[1]
    (data / "accounts" / "zz-copy.yaml").write_bytes(files[0].read_bytes().replace(
        b"name: ", b"name: Copy of ", 1))  # fmt: skip
    files[7].unlink()
    changed = outputs()
    assert changed[1] != edited[1]
    assert files[7].stem not in changed[1]


def test_a_new_days_ranking_rows_take_the_oldest_days_table(
    data: Path, run_in: Callable[..., Run]
) -> None:
    """Two days' ranking rows are kept, each day's in a table of its own: a third day's
    rows empty the oldest day's table and take it; the day kept keeps its table and
    rows; each table holds exactly the rows the query makes for its day."""
    from datetime import date

    from touchplan.config import load_config

    policy = load_config(data).policy

    def kept() -> dict[int, list[tuple[object, ...]]]:
        db = sqlite3.connect(f"file:{cache_file(data)}?mode=ro", uri=True)
        try:
            tables: dict[int, list[tuple[object, ...]]] = {}
            for day, slot in db.execute("SELECT day, slot FROM ranked ORDER BY day"):
                rows = db.execute(f"SELECT * FROM ranks{slot} ORDER BY rel").fetchall()
                made = db.execute(
                    f"SELECT * FROM ({cache._RANK_SELECT.format(hint='', only='')}) ORDER BY rel",
                    cache._rank_params(policy, day),
                ).fetchall()
                assert rows == made and rows, day
                tables[slot] = rows
            return tables
        finally:
            db.close()

    first, second, third = "2026-11-24", "2026-11-25", "2026-11-26"
    for day in (first, second):
        assert run_in("today", "--date", day, "--dir", str(data)).exit_code == 0
    before = kept()
    assert len(before) == 2
    assert run_in("today", "--date", third, "--dir", str(data)).exit_code == 0
    after = kept()
    assert len(after) == 2
    # the second day's table as it was; the first day's table now the third day's
    days = {rows[0][1]: slot for slot, rows in before.items()}
    ordinal = {day: date.fromisoformat(day).toordinal() for day in (first, second, third)}
    assert set(days) == {ordinal[first], ordinal[second]}
    assert after[days[ordinal[second]]] == before[days[ordinal[second]]]
    assert after[days[ordinal[first]]][0][1] == ordinal[third]


def test_the_item_columns_the_updates_name_are_the_tables(tmp_path: Path) -> None:
    """A replaced item row is updated in place by its columns' names: they are the
    table's, in its order (the rows are tuples in that order)."""
    db = sqlite3.connect(tmp_path / "c.sqlite3")
    try:
        db.executescript(cache._DDL)
        names = tuple(row[1] for row in db.execute("PRAGMA table_info(items)"))
    finally:
        db.close()
    assert names == cache._ITEM_COLUMNS


def test_a_new_cache_deletes_what_older_schemas_left_and_keeps_newer_ones(
    data: Path, run_in: Callable[..., Run]
) -> None:
    """An upgrade's first run makes a cache of the new schema and deletes the older
    schemas' files (with their WAL and shared-memory files); a newer schema's file, of a
    newer touchplan, and anything else in the folder stay."""
    ours = cache_file(data)
    folder = ours.parent
    folder.mkdir(parents=True)
    older = [f"plan-cache-v{cache.SCHEMA - 1}.sqlite3", f"plan-cache-v{cache.SCHEMA - 1}"
             ".sqlite3-wal", "plan-cache-v3.sqlite3-shm"]  # fmt: skip
    kept = [f"plan-cache-v{cache.SCHEMA + 1}.sqlite3", "plan-cache-v1.sqlite3.bak", "notes.txt"]
    for name in older + kept:
        (folder / name).write_bytes(b"x")
    assert run_in("today", "--dir", str(data)).exit_code == 0
    assert ours.exists()
    assert [name for name in older if (folder / name).exists()] == []
    assert [(folder / name).read_bytes() for name in kept] == [b"x"] * len(kept)


def test_ranking_without_a_writable_cache_matches_the_kept_rows(
    data: Path, run_in: Callable[..., Run]
) -> None:
    """When the cache cannot be written (another process holds it), the ranking rows are
    computed in the query itself and rank exactly as the kept ones."""
    from datetime import date

    from touchplan.config import load_config

    today_json(run_in, data)
    policy = load_config(data).policy
    writable = sqlite3.connect(cache_file(data), isolation_level=None)
    read_only = sqlite3.connect(f"file:{cache_file(data)}?mode=ro", uri=True)
    try:
        for day in (date(2026, 12, 1), date(2026, 11, 28)):
            for limit in (6, None):
                inline = cache.rank_calls(cache.Index(data, read_only, [], []), policy, day,
                                          None, limit)  # fmt: skip
                kept = cache.rank_calls(cache.Index(data, writable, [], []), policy, day,
                                        None, limit)  # fmt: skip
                assert inline == kept
                assert len(inline.candidates) >= (limit or 1)
        assert read_only.execute("SELECT COUNT(*) FROM ranked").fetchone()[0] == 2
    finally:
        writable.close()
        read_only.close()


def test_settled_blocks_still_see_every_change(data: Path, run_in: Callable[..., Run]) -> None:
    """Once its files are settled, a run of a folder's files whose names and stats are as
    they were is not looked at row by row; every kind of change is still seen: a same-size
    edit (with its old mtime put back, as `cp -p` does), a new, a deleted and a renamed
    file, a sub-folder removed, and later days (cached output equals `--no-cache`)."""
    import shutil
    import time

    def agree(*extra: str) -> dict[str, object]:
        cached = today_json(run_in, data, *extra)
        assert cached == today_json(run_in, data, *extra, "--no-cache")
        return cached

    time.sleep(cache.RACY_NS / 1e9 + 0.2)  # no file is racy any more
    first = agree()
    db = sqlite3.connect(cache_file(data))
    try:
        assert db.execute("SELECT COUNT(*) FROM blocks").fetchone()[0] >= 5
    finally:
        db.close()
    assert agree() == first  # from the settled blocks alone

    files = sorted((data / "accounts").rglob("*.yaml"))
    target = next(f for f in files if "\ntier: A\n" in f.read_text())
    before = target.stat()
    target.write_text(target.read_text().replace("\ntier: A\n", "\ntier: C\n"))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    edited = agree()
    assert edited != first

    (target.parent / "zz-new.yaml").write_bytes(files[1].read_bytes().replace(
        b"name: ", b"name: New ", 1))  # fmt: skip
    files[2].unlink()
    files[3].rename(files[3].with_name("zz-renamed.yaml"))
    changed = agree()
    assert changed != edited
    gone = next(f for f in (data / "accounts").rglob("*") if f.is_dir())
    shutil.rmtree(gone)
    assert agree() != changed
    for day in ("2026-12-24", "2027-03-01"):
        agree("--date", day)


def test_blocks_are_noted_from_the_rows_the_run_wrote_unless_another_wrote(
    data: Path, run_in: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run notes the blocks it found fresh from the rows it read and wrote itself,
    exactly as it would from the table; when another process wrote rows meanwhile, from
    the rows as they are then: a block holding a row another run changed is not noted
    as settled."""
    import time

    time.sleep(cache.RACY_NS / 1e9 + 0.2)  # no file is racy any more
    real = cache._note_blocks

    def noted(note: Callable[..., None]) -> list[tuple[object, ...]]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{cache_file(data)}{suffix}").unlink(missing_ok=True)
        monkeypatch.setattr(cache, "_note_blocks", note)
        assert run_in("today", "--dir", str(data)).exit_code == 0
        db = sqlite3.connect(cache_file(data))
        try:
            return db.execute("SELECT * FROM blocks ORDER BY key").fetchall()
        finally:
            db.close()

    def read_again(db: sqlite3.Connection, *args: Any) -> None:
        real(db, *args[:5])  # without the rows the run kept: the table read

    def meanwhile(db: sqlite3.Connection, *args: Any) -> None:
        other = sqlite3.connect(cache_file(data), isolation_level=None)
        other.execute("UPDATE files SET mtime = mtime + 1 WHERE rel = (SELECT MIN(rel) FROM files)")
        other.close()
        real(db, *args)

    kept = noted(real)
    assert len(kept) >= 5
    assert noted(read_again) == kept
    assert len(noted(meanwhile)) == len(kept) - 1


def test_a_slug_taken_twice_is_seen_after_warm_runs(data: Path, run_in: Callable[..., Run]) -> None:
    """The cache remembers that no slug is taken twice through changes that take none
    twice: a copy in a sub-folder appearing after warm runs (or mended after failing to
    parse) is named, and leaving it out of `today` agrees with `--no-cache`."""

    def noted() -> bool:
        db = sqlite3.connect(cache_file(data))
        try:
            return db.execute("SELECT COUNT(*) FROM unique_slugs").fetchone()[0] == 1
        finally:
            db.close()

    assert run_in("check", "--dir", str(data)).exit_code == 0
    assert run_in("check", "--dir", str(data)).exit_code == 0  # the second from the cache
    original = sorted((data / "accounts").glob("*.yaml"))[0]
    with original.open("a", encoding="utf-8") as handle:
        handle.write("# an edit that takes no slug\n")
    assert run_in("check", "--dir", str(data)).exit_code == 0
    assert noted()
    twice = (
        f"accounts/zz-sub/{original.name}: slug {original.stem!r} is also used by "
        f"accounts/{original.name}"
    )
    copy = data / "accounts" / "zz-sub" / original.name
    copy.parent.mkdir()
    copy.write_bytes(b"name: [\n")  # fails to parse: takes no slug
    result = run_in("check", "--dir", str(data))
    assert result.exit_code == 1
    assert twice not in result.stdout
    assert noted()
    copy.write_bytes(original.read_bytes())
    for _ in range(2):
        result = run_in("check", "--dir", str(data))
        assert result.exit_code == 1
        assert twice in result.stdout
        assert not noted()
        assert today_json(run_in, data) == today_json(run_in, data, "--no-cache")
    copy.unlink()
    assert run_in("check", "--dir", str(data)).exit_code == 0
    assert noted()
