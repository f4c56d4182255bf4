"""The package as a user installs it: a wheel, built once per test run, installed into a
fresh virtual environment, run as the `touchplan` command there.

Offline and quick: the wheel is built without build isolation (setuptools comes with
the test extras), and the new environment sees this environment's dependencies through
a `.pth` line instead of downloading them; `pip check` still holds the wheel's declared
requirements against them.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from conftest import REPO

PACKAGE = REPO / "src" / "touchplan"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    python: Path
    touchplan: Path


def _run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def _build_and_install(work: Path) -> Installed:
    # Build from a copy: an in-tree build leaves build/ behind, whose stale files a later
    # build would pack.
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(
        REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    dist = work / "dist"
    built = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--no-index", "-q", "-w", dist, source,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = dist.glob("touchplan-*.whl")

    venv = work / "venv"
    made = _run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert made.returncode == 0, made.stderr
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    # after the new environment's own packages: this one's dependencies, nothing else
    user = [site.getusersitepackages()] if site.ENABLE_USER_SITE else []
    here = [p for p in [*site.getsitepackages(), *user] if Path(p).is_dir()]
    Path(purelib.stdout.strip(), "_dependencies.pth").write_text("\n".join(here) + "\n")
    pip = (sys.executable, "-m", "pip", "--python", python)
    installed = _run(*pip, "install", "--no-deps", "--no-index", "-q", wheel)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    checked = _run(*pip, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return Installed(wheel, python, bindir / "touchplan")


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Installed:
    """One build per test run, shared by the xdist workers (the first one builds)."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # this run's folder, above each worker's own
    work = shared / "wheel"
    with FileLock(str(shared / "wheel.lock")):
        done = shared / "wheel.json"
        if not done.is_file():
            work.mkdir()
            made = _build_and_install(work)
            done.write_text(json.dumps({k: str(v) for k, v in vars(made).items()}))
        paths = json.loads(done.read_text())
    return Installed(**{k: Path(v) for k, v in paths.items()})


def test_the_wheel_ships_every_file_of_the_package(installed: Installed) -> None:
    """Modules and package data alike (py.typed, the policy template, ...)."""
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    wanted = {
        "touchplan/" + path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert wanted - names == set()
    assert {"touchplan/__init__.py", "touchplan/py.typed"} <= wanted


def test_the_command_runs_the_installed_copy(installed: Installed) -> None:
    where = _run(installed.python, "-c", "import touchplan; print(touchplan.__file__)")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed.python.parent.parent)
    shown = _run(installed.touchplan, "--version")
    from touchplan import __version__

    assert (shown.returncode, shown.stdout, shown.stderr) == (0, f"touchplan {__version__}\n", "")


def test_today_from_the_wheel_matches_the_source(installed: Installed, demo: Path) -> None:
    argv = ("today", "--dir", demo.name)
    wheel = _run(installed.touchplan, *argv, cwd=demo.parent)
    source = _run(sys.executable, "-m", "touchplan", *argv, cwd=demo.parent)
    assert (wheel.returncode, wheel.stderr) == (0, "")
    assert wheel.stdout.startswith("Today, Tue 2026-11-24 · everyone · 6 of ")
    assert wheel.stdout == source.stdout


def test_init_from_the_wheel_writes_the_bundled_policy(
    installed: Installed, tmp_path: Path
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    done = _run(installed.touchplan, "init", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert (folder / "accounts").is_dir()
    assert (folder / "touchplan.yaml").read_bytes() == (REPO / "touchplan.yaml").read_bytes()
    check = _run(installed.touchplan, "check", cwd=folder)
    assert (check.returncode, check.stdout, check.stderr) == (0, "", "")
