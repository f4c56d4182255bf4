"""The package's rooms keep their import rules, and breaking one fails `lint-imports`.

The rules live in pyproject.toml (`[tool.importlinter]`); CI runs `lint-imports`. Here
it runs against a copy of the package, clean and then with one bad import added.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

BESIDE = Path(sys.executable).parent / "lint-imports"
LINT = str(BESIDE) if BESIDE.exists() else shutil.which("lint-imports")
pytestmark = pytest.mark.skipif(LINT is None, reason="import-linter is not installed")

CONTRACTS = ("layers", "rich", "typer", "views-files")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package and its pyproject.toml, copied (tests break the copy, not the repo)."""
    target = tmp_path_factory.mktemp("layout") / "repo"
    shutil.copytree(
        REPO / "src" / "touchplan",
        target / "src" / "touchplan",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(REPO / "pyproject.toml", target / "pyproject.toml")
    return target


def lint(root: Path, contract: str | None = None) -> int:
    """`lint-imports` on the package under ``root`` (it, not the installed one, comes
    first on the path); its exit code."""
    assert LINT is not None
    argv = [LINT, "--no-cache", *(["--contract", contract] if contract else [])]
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, check=False).returncode


def test_every_rule_holds(package: Path) -> None:
    assert [lint(package, contract) for contract in CONTRACTS] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # planning is below files: pure rules never reach for the files
        ("planning/people.py", "from touchplan.files import store", "layers"),
        # nothing imports the CLI
        ("files/cache.py", "from touchplan.cli import options", "layers"),
        # connect and views are independent rooms
        ("connect/calendar.py", "from touchplan.views import daily", "layers"),
        ("files/store.py", "import rich.text", "rich"),
        ("connect/git.py", "import typer", "typer"),
        # views sits above files in the layers, yet must never open one
        ("views/records.py", "from touchplan.files import store", "views-files"),
    ],
)
def test_a_broken_rule_fails(
    package: Path, tmp_path: Path, module: str, line: str, contract: str
) -> None:
    broken = tmp_path / "repo"
    shutil.copytree(package, broken)
    path = broken / "src" / "touchplan" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # breaks a rule\n")
    assert lint(broken, contract) != 0


# Run in a fresh interpreter: what `touchplan ARGS` imported before it exited.
LOADED = """
import json, sys
from touchplan.cli import main
sys.argv = ["touchplan", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
names = ("rich", "yaml", "sqlite3", "touchplan.files", "touchplan.planning", "touchplan.config")
print(json.dumps([n for n in names if n in sys.modules]), file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["log", "--help"]])
def test_help_and_version_load_only_the_command_line(argv: list[str]) -> None:
    """They must stay fast: no Rich, no YAML, no cache, no account-file code."""
    done = subprocess.run(
        [sys.executable, "-c", LOADED, *argv], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stderr.splitlines()[-1]) == []
