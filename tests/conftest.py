"""Shared fixtures: a pinned clock, a private cache dir, and one-off account files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from touchplan.cli.app import app_for

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-24"  # a Tuesday

# Subprocesses, and git running the merge driver, must find the `touchplan` installed
# beside this interpreter (the code under test), not whichever one PATH lists first.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])


@pytest.fixture(autouse=True)
def pinned_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test sees the same day, width and colours, and its own cache."""
    monkeypatch.setenv("TOUCHPLAN_TODAY", TODAY)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("TOUCHPLAN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    for var in ("TOUCHPLAN_DIR", "TOUCHPLAN_OWNER", "TOUCHPLAN_DEBUG_PAUSE", "FORCE_COLOR"):
        monkeypatch.delenv(var, raising=False)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty data root (with an accounts/ folder)."""
    data = tmp_path / "data"
    (data / "accounts").mkdir(parents=True)
    return data


@pytest.fixture
def write_account(root: Path) -> Callable[..., Path]:
    """Write ``accounts/<slug>.yaml`` (dedented text, or raw bytes) and return its path."""

    def write(slug: str, content: str | bytes, folder: str = "") -> Path:
        path = root / "accounts" / folder / f"{slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write


@pytest.fixture
def run(root: Path) -> Callable[..., Run]:
    """Run the CLI in-process against ``root`` (``--dir`` is added for you)."""

    def invoke(*args: str, input: str | None = None, use_dir: bool = True) -> Run:
        argv = list(args)
        if use_dir and argv and argv[0] not in ("--help", "--version"):
            argv += ["--dir", str(root)]
        # the app the `touchplan` executable runs for these words (`cli.app.main`)
        result = CliRunner().invoke(app_for(argv), argv, input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A temp copy of the bundled sample data (accounts/ and touchplan.yaml)."""
    target = tmp_path / "demo"
    shutil.copytree(REPO / "accounts", target / "accounts")
    shutil.copy(REPO / "touchplan.yaml", target / "touchplan.yaml")
    return target


@pytest.fixture(scope="module")
def generated_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated book of 250 accounts in sub-folders (seeded, the benchmark's generator)."""
    target = tmp_path_factory.mktemp("book") / "book"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "generate.py"), "250", str(target), "--seed", "7"],
        check=True,
    )
    return target


@pytest.fixture
def generated(generated_book: Path, tmp_path: Path) -> Path:
    """A private copy of the generated book (tests edit it)."""
    target = tmp_path / "book"
    shutil.copytree(generated_book, target)
    return target
