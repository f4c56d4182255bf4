"""Writes under stress, with real processes: concurrency, SIGKILL, editors, modes, links.

The code has a test hook: ``TOUCHPLAN_DEBUG_PAUSE=after-read:SECONDS`` (after the file is
read and parsed) or ``before-replace:SECONDS`` (temp file written and fsynced, not yet
moved into place) sleeps at that stage, so each race window can be hit on purpose.
"""

from __future__ import annotations

import json
import os
import random
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Run
from touchplan.cli import app
from touchplan.files.schema import read_account

ACME = "name: Acme Corp\ntier: A\nowner: dana\nhistory:\n  - date: 2026-11-20\n    kind: call\n"
NEW_ENTRY = "  - date: 2026-11-24\n    kind: call\n    summary: Sent the quote.\n"


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


def _start(root: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "touchplan", *args, "--dir", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(**env),
    )


def _cli(root: Path, *args: str) -> Run:
    """In-process, for the quick follow-up checks."""
    result = CliRunner().invoke(app, [*args, "--dir", str(root)], catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def _summaries(data: bytes) -> list[str]:
    account, problems = read_account(data, "acme", "accounts/acme.yaml")
    assert account is not None, problems
    return [t.summary for t in account.history]


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


# -- many writers at once -----------------------------------------------------------------


def test_40_concurrent_logs_all_land_and_locks_stay_out_of_git(root: Path) -> None:
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "start")
    procs = [_start(root, "log", "acme", f"call number {i}") for i in range(40)]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    for proc in procs:
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    assert [code for code, _ in results] == [0] * 40, [err for _, err in results if err]
    summaries = _summaries(path.read_bytes())
    assert sorted(summaries[1:]) == sorted(f"call number {i}" for i in range(40))
    assert path.read_text().startswith(ACME)
    assert _git(root, "status", "--porcelain", "--untracked-files=all") == " M accounts/acme.yaml\n"
    cache = Path(os.environ["TOUCHPLAN_CACHE_DIR"])
    assert list(cache.rglob("write.lock")), "the lock lives in TOUCHPLAN_CACHE_DIR"
    assert _cli(root, "check").exit_code == 0


# -- SIGKILL at random points -------------------------------------------------------------


# A parent that imports touchplan once, then forks one child per trial; each child runs
# the real `touchplan log` command and is SIGKILLed by the parent at its random moment.
# (A fresh interpreter per trial costs ~0.4 s of imports; a fork costs milliseconds.)
KILLER = """
import contextlib, io, json, os, signal, sys, time
from touchplan.cli import app
trials, warm = json.load(sys.stdin)
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    app(["log", "acme", "warm-up", "--dir", warm])  # load the lazy imports once


def child(root, pause):
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.environ["TOUCHPLAN_DEBUG_PAUSE"] = pause
        try:
            app(["log", "acme", "Sent the quote.", "--dir", root])
        finally:
            os._exit(0)
    return pid


BATCH = 10
# how long a batch of writers takes here and now (a loaded machine is slower): the
# random moments of the "after-read" trials are spread over it, so those kills land
# before, inside and after the write
started = time.monotonic()
for pid in [child(warm, "after-read:0.2") for _ in range(BATCH)]:
    os.waitpid(pid, 0)
span = time.monotonic() - started


def temp_exists(root):
    accounts = os.path.join(root, "accounts")
    return any(name.endswith(".touchplan-tmp") for name in os.listdir(accounts))


# A "before-replace" trial is killed a random moment after its temp file appears: within
# the 0.2 s pause (old file, leftover temp) or after the replace (new file), whatever the
# machine's speed, so both outcomes and leftovers are always exercised.
for batch in range(0, len(trials), BATCH):
    pending = {}
    for root, pause, fraction in trials[batch : batch + BATCH]:
        pid = child(root, pause)
        at = None if pause.startswith("before-replace") else time.monotonic() + fraction * span
        pending[pid] = [root, fraction, at]
    limit = time.monotonic() + 60
    while pending:
        now = time.monotonic()
        for pid, (root, fraction, at) in list(pending.items()):
            if at is None and temp_exists(root):
                pending[pid][2] = at = now + fraction * 0.35
            if (at is not None and now >= at) or now > limit:
                os.kill(pid, signal.SIGKILL)
            elif os.waitpid(pid, os.WNOHANG) == (0, 0):
                continue
            else:
                del pending[pid]
                continue
            os.waitpid(pid, 0)
            del pending[pid]
        time.sleep(0.002)
"""


def test_sigkill_at_random_points_leaves_old_or_new(tmp_path: Path) -> None:
    """100 writers killed at random moments: every file is exactly the old or the new
    version; leftover temp files are reported, never read as accounts, and cleaned."""
    rng = random.Random(4)  # reproducible
    old = ACME.encode()
    new = (ACME + NEW_ENTRY).encode()
    trials = []
    for i in range(100):
        root = tmp_path / f"t{i}"
        (root / "accounts").mkdir(parents=True)
        (root / "accounts" / "acme.yaml").write_bytes(old)
        stage = rng.choice(["after-read", "before-replace"])
        trials.append((str(root), f"{stage}:0.2", rng.uniform(0.0, 1.2)))
    warm = tmp_path / "warm"
    (warm / "accounts").mkdir(parents=True)
    (warm / "accounts" / "acme.yaml").write_bytes(old)
    subprocess.run(
        [sys.executable, "-c", KILLER],
        input=json.dumps([trials, str(warm)]),
        text=True,
        check=True,
        timeout=120,
        env=_env(),
    )
    outcomes = {"old": 0, "new": 0}
    leftovers: list[Path] = []
    for root_text, _pause, _delay in trials:
        accounts = Path(root_text) / "accounts"
        data = (accounts / "acme.yaml").read_bytes()
        assert data in (old, new), data
        outcomes["old" if data == old else "new"] += 1
        leftovers += sorted(accounts.glob(".acme.yaml.*.touchplan-tmp"))
    # the random kills must have hit both sides and the window inside the write
    assert outcomes["old"] > 10 and outcomes["new"] > 10, outcomes
    assert leftovers, "no trial was killed between the temp file and the replace"
    for temp in leftovers[:5]:
        root = temp.parent.parent
        before = (root / "accounts" / "acme.yaml").read_bytes()
        rel = temp.relative_to(root).as_posix()
        os.utime(temp)  # as if just killed: a fresh temp may be a write in progress
        fresh = _cli(root, "check")  # mentioned, not failed
        assert (fresh.exit_code, fresh.stdout) == (0, "")
        assert fresh.stderr == (
            f"note: {rel}: a temporary file of a write in progress (or just interrupted)\n"
        )
        stale = time.time() - 60
        os.utime(temp, (stale, stale))
        checked = _cli(root, "check")
        assert checked.exit_code == 1
        assert checked.stdout == (
            f"{rel}: leftover temporary file from an interrupted write "
            "(it is not an account; delete it, or the next write in its folder will)\n"
        )
        today = _cli(root, "today", "--all", "--format", "json")
        listed = json.loads(today.stdout)
        assert {i["file"] for i in listed["items"]} <= {"accounts/acme.yaml"}
        assert listed["skipped"] == []
        assert _cli(root, "log", "acme", "again").exit_code == 0
        assert not temp.exists(), "the next write cleans up"
        assert _summaries((root / "accounts" / "acme.yaml").read_bytes())[-1] == "again"
        assert (root / "accounts" / "acme.yaml").read_bytes().startswith(before)


def test_a_temp_file_is_never_an_account(root: Path, run: Callable[..., Run]) -> None:
    (root / "accounts" / "acme.yaml").write_text(ACME)
    temp = root / "accounts" / ".acme.yaml.0badf00d.touchplan-tmp"
    temp.write_text("name: Ghost Corp\ntier: A\n")
    today = run("today", "--all", "--format", "json")
    assert "Ghost Corp" not in today.stdout
    assert json.loads(today.stdout)["skipped"] == []
    assert run("show", "ghost").exit_code == 1


# -- someone else edits the file while we write -------------------------------------------


def _lock_taken() -> bool:
    return any(Path(os.environ["TOUCHPLAN_CACHE_DIR"]).rglob("write.lock"))


def _wait_for_lock(timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not _lock_taken():
        assert time.monotonic() < end, "touchplan never took its lock"
        time.sleep(0.01)


@pytest.mark.parametrize("stage", ["after-read", "before-replace"])
def test_a_change_between_read_and_replace_is_not_lost(root: Path, stage: str) -> None:
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    proc = _start(root, "log", "acme", "Sent the quote.", TOUCHPLAN_DEBUG_PAUSE=f"{stage}:1.0")
    _wait_for_lock()
    time.sleep(0.3)  # the file is read a few milliseconds after the lock is taken
    edited = ACME.replace("owner: dana", "owner: sam  # handed over") + "# reviewed by sam\n"
    path.write_text(edited)  # an editor saving in place, mid-write
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    data = path.read_text()
    assert data == ACME.replace("owner: dana", "owner: sam  # handed over") + NEW_ENTRY + (
        "# reviewed by sam\n"
    )


def test_a_file_that_keeps_changing_fails_cleanly(root: Path) -> None:
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    proc = _start(root, "log", "acme", "Sent the quote.", TOUCHPLAN_DEBUG_PAUSE="after-read:0.3")
    stop = threading.Event()

    def editor() -> None:  # saves a new version every 50 ms until touchplan gives up
        n = 0
        while not stop.is_set():
            n += 1
            # saved whole (as editors do, by rename): written in place, a read between
            # its truncation and its write finds the file empty, and says so instead
            saved = path.with_name(f".acme-{n}.swp")
            saved.write_text(ACME + f"# edit {n}\n")
            os.replace(saved, path)
            time.sleep(0.05)

    _wait_for_lock()
    thread = threading.Thread(target=editor)
    thread.start()
    try:
        _out, err = proc.communicate(timeout=30)
    finally:
        stop.set()
        thread.join()
    assert proc.returncode == 1
    assert err == (
        "error: accounts/acme.yaml kept changing while touchplan was writing (nothing was "
        "written; try again)\n"
    )
    assert "Sent the quote." not in path.read_text()
    assert not list(path.parent.glob(".*touchplan-tmp"))


# -- modes and links ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o640, 0o664, 0o600, 0o755])
def test_file_mode_is_kept(mode: int, root: Path, run: Callable[..., Run]) -> None:
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    path.chmod(mode)
    assert run("log", "acme", "Sent the quote.").exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.read_text() == ACME + NEW_ENTRY


def test_a_read_only_file_is_refused(root: Path, run: Callable[..., Run]) -> None:
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    path.chmod(0o444)
    result = run("log", "acme", "Sent the quote.")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: accounts/acme.yaml is read-only (nothing was written; chmod u+w it first)\n",
    )
    assert path.read_text() == ACME
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_symlinked_account_is_updated_through_the_link(
    root: Path, run: Callable[..., Run]
) -> None:
    shared = root / "shared" / "acme.yaml"
    shared.parent.mkdir()
    shared.write_text(ACME)
    shared.chmod(0o640)
    link = root / "accounts" / "acme.yaml"
    link.symlink_to(Path("..") / "shared" / "acme.yaml")
    result = run("log", "acme", "Sent the quote.")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == "../shared/acme.yaml"
    assert shared.read_text() == ACME + NEW_ENTRY
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    assert sorted(p.name for p in shared.parent.iterdir()) == ["acme.yaml"]


def test_a_symlink_out_of_the_data_root_is_refused(
    root: Path, tmp_path: Path, run: Callable[..., Run]
) -> None:
    outside = tmp_path / "elsewhere" / "acme.yaml"
    outside.parent.mkdir()
    outside.write_text(ACME)
    link = root / "accounts" / "acme.yaml"
    link.symlink_to(outside)
    result = run("log", "acme", "Sent the quote.")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: accounts/acme.yaml links outside the data folder (touchplan only edits files "
        "inside the data folder)\n"
    )
    assert outside.read_text() == ACME
    assert link.is_symlink()
    assert list(outside.parent.iterdir()) == [outside]


def test_a_linked_folder_out_of_the_data_root_is_refused(
    root: Path, tmp_path: Path, run: Callable[..., Run]
) -> None:
    """Beyond the issue: the link can be a folder on the way, not the file itself."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "acme.yaml").write_text(ACME)
    (root / "accounts" / "east").symlink_to(outside, target_is_directory=True)
    result = run("log", "acme", "Sent the quote.")
    assert result.exit_code == 1
    assert "links outside the data folder" in result.stderr
    assert (outside / "acme.yaml").read_text() == ACME
    added = run("add", "Globex", "--tier", "B", "--folder", "east")
    assert added.exit_code == 1
    assert added.stderr == (
        "error: accounts/east/globex.yaml would be created outside the data folder (a folder "
        "on the way is a link)\n"
    )
    assert sorted(p.name for p in outside.iterdir()) == ["acme.yaml"]
