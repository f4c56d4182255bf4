"""Faults from the outside world: full disks, file-size limits, read-only mounts,
permission bits, broken cache folders, vanishing folders and racy timestamps.

Each write must fail with one line naming the file and what to do, exit 1, the file
untouched and no temp file left; planning must name what it could not read and go on.

We run as root here, and root ignores permission bits: the permission tests run
touchplan without the capabilities that let root do so (``setpriv --bounding-set``),
so the bits apply to it as to any user. Mounts (tmpfs, read-only binds) are made in a
private mount namespace (``unshare -m``) that ends with the command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run
from touchplan.files import cache as cache_module

# both due on 2026-11-24 (a touch every 14 days for A, 30 for B; C would be 90)
ACME = "name: Acme Corp\ntier: A\nowner: dana\nhistory:\n  - date: 2026-10-01\n    kind: call\n"
BETA = "name: Beta Ltd\ntier: B\nhistory:\n  - date: 2026-09-01\n    kind: call\n"
NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _tp(root: Path, *args: str, prefix: tuple[str, ...] = (), **env: str) -> Run:
    """The real `touchplan`, as its own process (limits and privileges apply to it)."""
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "touchplan", *args, "--dir", str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _can(*command: str) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _need_permission_bits() -> None:
    """Skip unless permission bits can bind touchplan (as non-root, or root without
    the DAC capabilities)."""
    if os.geteuid() != 0:
        return
    if shutil.which("setpriv") is None or not _can(*NO_DAC, "true"):
        pytest.skip("running as root and setpriv cannot drop the DAC capabilities")


def _no_dac() -> tuple[str, ...]:
    return tuple(NO_DAC) if os.geteuid() == 0 else ()


def _need_mounts() -> None:
    if shutil.which("unshare") is None or not _can(
        "unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"
    ):
        pytest.skip("this machine does not allow private mounts (unshare -m, mount)")


# -- file-size limit (prlimit --fsize) -------------------------------------------------


FSIZE_MESSAGE = (
    "the file would exceed the file-size limit; nothing was written "
    "(raise the limit (ulimit -f), then run the command again)\n"
)


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (("log", "acme", "Sent the quote."), "accounts/acme.yaml"),
        (("snooze", "acme", "--until", "2026-12-10"), "accounts/acme.yaml"),
        (("lost", "acme", "--reason", "Chose a competitor"), "accounts/acme.yaml"),
        (("add", "Zed Industries", "--tier", "B"), "accounts/zed-industries.yaml"),
    ],
)
def test_a_file_size_limit_is_one_line_and_leaves_the_file(
    root: Path, args: tuple[str, ...], target: str
) -> None:
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit is not installed")
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    result = _tp(root, *args, prefix=("prlimit", f"--fsize={len(ACME) - 10}"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: cannot write {target}: {FSIZE_MESSAGE}"
    assert path.read_text() == ACME
    assert _listing(root / "accounts") == ["acme.yaml"]


def test_init_under_a_file_size_limit(tmp_path: Path) -> None:
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit is not installed")
    result = _tp(tmp_path / "new", "init", prefix=("prlimit", "--fsize=100"))
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write touchplan.yaml: {FSIZE_MESSAGE}"
    assert _listing(tmp_path / "new") == ["accounts"]


def test_tiers_apply_under_a_file_size_limit_names_each_file(root: Path) -> None:
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit is not installed")
    (root / "accounts" / "acme.yaml").write_text(ACME.replace("tier: A", "tier: C") + "value: 9\n")
    (root / "accounts" / "beta.yaml").write_text(BETA + "value: 1000000\n")
    before = {p.name: p.read_bytes() for p in (root / "accounts").iterdir()}
    result = _tp(root, "tiers", "--apply", prefix=("prlimit", "--fsize=20"))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert (
        f"warning: accounts/beta.yaml: tier not changed: cannot write accounts/beta.yaml: "
        f"{FSIZE_MESSAGE}"
    ) in result.stderr
    assert {p.name: p.read_bytes() for p in (root / "accounts").iterdir()} == before


# -- a full disk, a read-only mount --------------------------------------------------------


def _in_namespace(script: str, root: Path, **env: str) -> Run:
    """``script`` in a private mount namespace; $TP runs touchplan, $ROOT is the data."""
    done = subprocess.run(
        ["unshare", "-m", "sh", "-ec", script],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "ROOT": str(root), "TP": f"{sys.executable} -m touchplan"},
        timeout=120,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def test_a_full_disk_is_one_line_and_leaves_the_file(tmp_path: Path) -> None:
    _need_mounts()
    disk = tmp_path / "disk"
    disk.mkdir()
    script = """
        mount -t tmpfs -o size=64k tmpfs "$ROOT"
        mkdir "$ROOT/accounts"
        printf '%s' "$ACME" > "$ROOT/accounts/acme.yaml"
        dd if=/dev/zero of="$ROOT/filler" bs=4k 2>/dev/null || true
        code=0; $TP log acme "Sent the quote." --dir "$ROOT" || code=$?
        echo "exit $code"
        ls -a "$ROOT/accounts"
        cat "$ROOT/accounts/acme.yaml"
    """
    result = _in_namespace(script, disk, ACME=ACME)
    assert result.stdout == "exit 1\n.\n..\nacme.yaml\n" + ACME
    assert result.stderr == (
        "error: cannot write accounts/acme.yaml: the disk is full; nothing was written "
        "(free some space, then run the command again)\n"
    )


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (("log", "acme", "Sent the quote."), "accounts/acme.yaml"),
        (("snooze", "acme", "--until", "2026-12-10"), "accounts/acme.yaml"),
        (("add", "Zed Industries", "--tier", "B"), "accounts/zed-industries.yaml"),
        (("init",), "touchplan.yaml"),
    ],
)
def test_a_read_only_mount_is_one_line(root: Path, args: tuple[str, ...], target: str) -> None:
    _need_mounts()
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    quoted = " ".join(f"'{a}'" for a in args)
    result = _in_namespace(f'mount --bind -o ro "$ROOT" "$ROOT"\n$TP {quoted} --dir "$ROOT"', root)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot write {target}: the file system is read-only; nothing was written "
        "(remount it writable, or work in a writable clone)\n"
    )
    assert path.read_text() == ACME
    assert _listing(root) == ["accounts"]
    assert _listing(root / "accounts") == ["acme.yaml"]


# -- permission bits (as a user whom they bind) -------------------------------------------


def test_a_folder_without_write_permission_is_one_line(root: Path) -> None:
    _need_permission_bits()
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    (root / "accounts").chmod(0o555)
    try:
        result = _tp(root, "log", "acme", "Sent the quote.", prefix=_no_dac())
    finally:
        (root / "accounts").chmod(0o755)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: cannot write accounts/acme.yaml: permission denied; nothing was written "
        "(make the file and its folder writable for you, then run the command again)\n"
    )
    assert path.read_text() == ACME
    assert _listing(root / "accounts") == ["acme.yaml"]


def test_an_unreadable_sub_folder_is_reported_never_silent(root: Path) -> None:
    _need_permission_bits()
    (root / "accounts" / "acme.yaml").write_text(ACME)
    east = root / "accounts" / "east"
    east.mkdir()
    (east / "beta.yaml").write_text(BETA)
    east.chmod(0o000)
    try:
        checked = _tp(root, "check", prefix=_no_dac())
        today = _tp(root, "today", "--all", prefix=_no_dac())
        plain = _tp(root, "today", "--all", "--no-cache", prefix=_no_dac())
        week = _tp(root, "week", prefix=_no_dac())
        report = _tp(root, "report", prefix=_no_dac())
    finally:
        east.chmod(0o755)
    problem = (
        "accounts/east/: folder cannot be read: Permission denied (its accounts are left out "
        "of planning; make it readable (chmod u+rx))"
    )
    assert (checked.exit_code, checked.stdout) == (1, problem + "\n")
    for result in (today, plain, week):
        assert result.exit_code == 0
        assert "Acme Corp" in result.stdout
        assert f"warning: {problem}\n" in result.stderr
    assert today.stdout == plain.stdout
    assert report.exit_code == 0
    assert f"warning: {problem}\n" in report.stderr


def test_a_chmod_alone_is_noticed_by_the_cache(root: Path) -> None:
    _need_permission_bits()
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    (root / "accounts" / "beta.yaml").write_text(BETA)
    assert "Acme Corp" in _tp(root, "today", "--all", prefix=_no_dac()).stdout  # cached
    path.chmod(0o000)  # same mtime, size and inode: only the change time moves
    try:
        today = _tp(root, "today", "--all", prefix=_no_dac())
        checked = _tp(root, "check", prefix=_no_dac())
    finally:
        path.chmod(0o644)
    assert today.exit_code == 0
    assert "Acme Corp" not in today.stdout
    assert "Beta Ltd" in today.stdout
    assert "accounts/acme.yaml" in today.stdout  # the header names skipped files
    assert checked.exit_code == 1
    assert checked.stdout == "accounts/acme.yaml: cannot read: Permission denied\n"


# -- the cache folder is unusable -----------------------------------------------------


@pytest.fixture
def broken_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG_CACHE_HOME names a file: no cache folder, and no lock folder, can be made."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be\n")
    monkeypatch.delenv("TOUCHPLAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    return blocker


def test_an_unusable_cache_folder_never_blocks_a_write(
    root: Path, run: Callable[..., Run], broken_cache: Path
) -> None:
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    logged = run("log", "acme", "Sent the quote.")
    assert logged.exit_code == 0, logged.stderr
    assert path.read_text().startswith(ACME)
    assert path.read_text().count("Sent the quote.") == 1
    assert run("snooze", "acme", "--until", "2026-12-10").exit_code == 0
    assert run("add", "Zed Industries", "--tier", "B").exit_code == 0
    assert (root / ".touchplan.lock").exists()  # the lock moved beside the data
    assert broken_cache.read_text() == "a file where the cache folder should be\n"


def test_an_unusable_cache_folder_plans_without_it_and_says_so(
    root: Path, run: Callable[..., Run], broken_cache: Path
) -> None:
    (root / "accounts" / "acme.yaml").write_text(ACME)
    today = run("today", "--all", "--format", "json")
    plain = run("today", "--all", "--format", "json", "--no-cache")
    assert today.exit_code == 0
    assert today.stdout == plain.stdout
    folder = broken_cache / "touchplan"
    assert today.stderr.startswith(f"warning: the cache folder {folder}")
    assert today.stderr.endswith(
        "planning without the cache (set TOUCHPLAN_CACHE_DIR to a writable folder)\n"
    )
    checked = run("check")
    assert (checked.exit_code, checked.stdout) == (0, "")
    assert checked.stderr.startswith(f"note: the cache folder {folder}")


def test_a_lock_path_that_is_a_folder_never_blocks_a_write(
    root: Path, run: Callable[..., Run]
) -> None:
    from touchplan.files.state import state_dir

    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    (state_dir(root) / "write.lock").mkdir(parents=True)
    logged = run("log", "acme", "Sent the quote.")
    assert logged.exit_code == 0, logged.stderr
    assert path.read_text().count("Sent the quote.") == 1


# -- accounts/ missing, dangling, looping ------------------------------------------------


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (
            lambda root: (root / "accounts").rmdir(),
            "accounts/: folder is missing (create accounts/ (`touchplan init` does), "
            "or pass --dir)",
        ),
        (
            lambda root: (
                (root / "accounts").rmdir() or (root / "accounts").symlink_to(root / "gone")
            ),
            "accounts/: folder is a link to a folder that does not exist (fix or remove the link)",
        ),
        (
            lambda root: (
                (root / "accounts").rmdir() or (root / "accounts").symlink_to(root / "accounts")
            ),
            "accounts/: folder is a link that loops back on itself "
            "(point the link at a real folder)",
        ),
    ],
    ids=["missing", "dangling", "looping"],
)
def test_accounts_folder_missing_dangling_or_looping(
    root: Path, run: Callable[..., Run], make: Callable[[Path], object], problem: str
) -> None:
    (root / "touchplan.yaml").write_text("capacity: 6\n")
    make(root)
    checked = run("check")
    assert (checked.exit_code, checked.stdout) == (1, problem + "\n")
    for args in (("today",), ("today", "--no-cache"), ("week",), ("renewals",), ("report",)):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert f"warning: {problem}\n" in result.stderr, args
    added = run("add", "Zed Industries", "--tier", "B")
    if "missing" in problem:  # `add` makes the folder
        assert added.exit_code == 0, added.stderr
    else:
        assert added.exit_code == 1
        assert added.stderr == (
            "error: cannot create accounts/zed-industries.yaml: a folder on the way is a "
            "broken or looping link (fix or remove the link; nothing was written)\n"
        )
        assert not (root / "gone").exists()


# -- leftover temp files ---------------------------------------------------------------


def test_a_stale_temp_file_is_cleaned_by_the_next_write_in_its_folder(
    root: Path, run: Callable[..., Run]
) -> None:
    (root / "accounts" / "acme.yaml").write_text(ACME)
    killed_add = root / "accounts" / ".zed.yaml.0badf00d.touchplan-tmp"  # no zed.yaml
    killed_log = root / "accounts" / ".acme.yaml.1234abcd.touchplan-tmp"
    fresh = root / "accounts" / ".acme.yaml.5678ef01.touchplan-tmp"  # mid-write elsewhere
    not_ours = root / "accounts" / ".acme.yaml.swp"
    for path in (killed_add, killed_log, fresh, not_ours):
        path.write_text("name: Ghost\ntier: A\n")
    stale = time.time() - 60
    for path in (killed_add, killed_log):
        os.utime(path, (stale, stale))
    checked = run("check")
    assert checked.exit_code == 1
    hint = "(it is not an account; delete it, or the next write in its folder will)"
    assert checked.stdout == (
        f"accounts/{killed_log.name}: leftover temporary file from an interrupted write {hint}\n"
        f"accounts/{killed_add.name}: leftover temporary file from an interrupted write {hint}\n"
    )
    assert checked.stderr.startswith(
        f"note: accounts/{fresh.name}: a temporary file of a write in progress "
        "(or just interrupted)\n"
    )
    assert run("log", "acme", "Sent the quote.").exit_code == 0
    assert _listing(root / "accounts") == sorted([fresh.name, not_ours.name, "acme.yaml"])
    after = run("check")
    assert (after.exit_code, after.stdout) == (0, "")


# -- after the file is replaced, nothing may fail -------------------------------------------


def test_log_exits_0_once_the_file_is_replaced(
    root: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)

    def broken(*_args: object, **_kwargs: object) -> object:
        raise OverflowError("date value out of range")

    monkeypatch.setattr("touchplan.planning.entry.after_log", broken)
    logged = run("log", "acme", "Sent the quote.")
    assert logged.exit_code == 0
    assert logged.stderr == (
        "warning: logged call in accounts/acme.yaml, but could not show what comes next "
        "(OverflowError: date value out of range)\n"
    )
    assert path.read_text().count("Sent the quote.") == 1


# -- `add --value` ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "NaN", "infinity"])
def test_add_refuses_a_value_that_is_not_a_finite_amount(
    root: Path, run: Callable[..., Run], value: str
) -> None:
    result = run("add", "Zed Industries", "--tier", "B", "--value", value)
    assert result.exit_code == 2
    assert "is not an amount (give a number, e.g. 120000)" in result.stderr
    assert _listing(root / "accounts") == []


# -- the cache and racy timestamps ---------------------------------------------------------


def _plan(run: Callable[..., Run], *extra: str) -> dict[str, object]:
    result = run("today", "--all", "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _same_size_edit(path: Path) -> None:
    text = path.read_text()
    edited = text.replace("tier: A", "tier: C")
    assert len(edited) == len(text)
    path.write_text(edited)


def test_a_restored_mtime_is_not_a_stale_plan(root: Path, run: Callable[..., Run]) -> None:
    """`cp -p`, `tar x` and `rsync -t` restore the old mtime after a same-size edit."""
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    old = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(old, old))
    first = _plan(run)
    _same_size_edit(path)
    os.utime(path, ns=(old, old))
    assert _plan(run) == _plan(run, "--no-cache") != first


class CoarseStat:
    """A file system whose timestamps only have whole seconds (ext3, FAT, NFS)."""

    def __init__(self, real: os.stat_result, frozen_ns: int) -> None:
        self.st_mode = real.st_mode
        self.st_size = real.st_size
        self.st_ino = real.st_ino
        self.st_mtime_ns = self.st_ctime_ns = frozen_ns
        self.st_mtime = self.st_ctime = frozen_ns / 1e9


def test_a_same_size_edit_in_the_same_second_is_not_a_stale_plan(
    root: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    (root / "accounts" / "beta.yaml").write_text(BETA)
    second = time.time_ns() // 10**9 * 10**9  # every change lands in this same second
    real_stat = os.stat

    def coarse(target: object, *args: object, **kwargs: object) -> object:
        found = real_stat(target, *args, **kwargs)  # type: ignore[call-overload]
        return CoarseStat(found, second) if str(target).endswith(".yaml") else found

    monkeypatch.setattr(os, "stat", coarse)
    first = _plan(run)
    _same_size_edit(path)  # same size, same inode, same (coarse) mtime and ctime
    assert _plan(run) == _plan(run, "--no-cache") != first
    # much later, the row is settled (hash dropped) only once its bytes were compared
    later = time.time_ns() + 60 * 10**9
    monkeypatch.setattr(cache_module.time, "time_ns", lambda: later)
    path.write_text(ACME)  # back, still the same second on this file system
    assert _plan(run) == _plan(run, "--no-cache") == first


def _coarse_and_slow(monkeypatch: pytest.MonkeyPatch, module: Any) -> Callable[[], None]:
    """Whole-second stats (as above), and a clock a minute ahead from the moment
    ``module``'s scan has taken them: the files are read long after their stat (a cold
    run of 40,000 files takes seconds). Returns a reset to the real clock."""
    second = time.time_ns() // 10**9 * 10**9
    real_stat, real_clock, real_scan = os.stat, time.time_ns, module.scan_tree
    late = [False]

    def coarse(target: object, *args: object, **kwargs: object) -> object:
        found = real_stat(target, *args, **kwargs)  # type: ignore[call-overload]
        return CoarseStat(found, second) if str(target).endswith(".yaml") else found

    def scan_then_wait(*args: Any, **kwargs: Any) -> Any:
        found = real_scan(*args, **kwargs)
        late[0] = True
        return found

    monkeypatch.setattr(os, "stat", coarse)
    monkeypatch.setattr(time, "time_ns", lambda: real_clock() + 60 * 10**9 * late[0])
    monkeypatch.setattr(module, "scan_tree", scan_then_wait)
    return lambda: late.__setitem__(0, False)


@pytest.mark.parametrize("command", ["today", "report"])
def test_a_file_read_long_after_its_racy_stat_keeps_its_hash(
    root: Path,
    run: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: str,
) -> None:
    """Racy is judged as of the stat, not of the read: a same-size edit in the stat's
    second, after the scan, is seen by the next run (`today`'s plan cache, and the
    parses `report` keeps in it)."""
    from touchplan.files import sweep

    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    (root / "accounts" / "beta.yaml").write_text(BETA)
    back_to_now = _coarse_and_slow(monkeypatch, cache_module if command == "today" else sweep)
    args = (command, "--format", "json", *(["--all"] if command == "today" else []))
    first = run(*args).stdout
    back_to_now()
    _same_size_edit(path)  # same size, inode and (coarse) times as the stat of the first
    kept = run(*args).stdout
    monkeypatch.setenv("TOUCHPLAN_CACHE_DIR", str(tmp_path / "none"))
    assert kept == run(*args).stdout != first


@pytest.mark.parametrize("same_size", [False, True])
def test_a_file_that_stops_loading_while_today_plans_is_skipped(
    root: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, same_size: bool
) -> None:
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    (root / "accounts" / "beta.yaml").write_text(BETA)
    assert run("today", "--all").exit_code == 0  # the cache holds both parses
    real_rank = cache_module.rank_calls

    def edited_meanwhile(*args: Any, **kwargs: Any) -> object:
        # someone saves a broken file after the scan: its stored parse no longer holds
        if same_size:  # the same size and mtime: only the ctime (or the bytes) tell
            before = path.stat()
            path.write_text(ACME.replace("tier: A", "tier: Z"))
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        else:
            path.write_text("name: Acme Corp\ntier: Z\n")
        return real_rank(*args, **kwargs)

    monkeypatch.setattr(cache_module, "rank_calls", edited_meanwhile)
    result = run("today", "--all")
    assert result.exit_code == 0
    assert "Beta Ltd" in result.stdout
    assert "Acme Corp" not in result.stdout
    assert (
        "warning: accounts/acme.yaml:2: tier: 'Z' is not one of A, B, C "
        "(it changed while planning; left out)\n"
    ) in result.stderr


def test_a_shown_file_that_breaks_while_today_plans_makes_room_for_the_next(
    root: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    # room for one call: Acme ranks first, breaks after the scan, and Beta (ranked
    # second, not planned at first) is planned instead, as --no-cache would show it
    (root / "touchplan.yaml").write_text("capacity: 1\n")
    path = root / "accounts" / "acme.yaml"
    path.write_text(ACME)
    (root / "accounts" / "beta.yaml").write_text(BETA)
    first = run("today", "--format", "json")
    assert [c["account"] for c in json.loads(first.stdout)["calls"]] == ["acme"]
    real_rank = cache_module.rank_calls

    def edited_meanwhile(*args: Any, **kwargs: Any) -> object:
        if path.read_text() == ACME:
            path.write_text("name: Acme Corp\ntier: Z\n")
        return real_rank(*args, **kwargs)

    monkeypatch.setattr(cache_module, "rank_calls", edited_meanwhile)
    result = run("today", "--format", "json")
    assert result.exit_code == 0
    assert [c["account"] for c in json.loads(result.stdout)["calls"]] == ["beta"]
    assert "(it changed while planning; left out)" in result.stderr
