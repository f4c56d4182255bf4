"""What `today`, `show`, `week` and `report` look like at 80 columns, committed, so a
change of layout shows in the diff of tests/snapshots/ (and in the README's screenshot,
which is a real run of the bundled sample).

After a deliberate change: ``TOUCHPLAN_SNAPSHOTS=update pytest tests/test_snapshots.py``
rewrites the files and the README's block; review the diff, then commit it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from touchplan.cli import app

HERE = Path(__file__).resolve().parent
SNAPSHOTS = HERE / "snapshots"
README = HERE.parent / "README.md"
UPDATE = os.environ.get("TOUCHPLAN_SNAPSHOTS") == "update"
CASES = {
    "today-80.txt": ["today"],
    "show-80.txt": ["show", "northstar"],
    "week-80.txt": ["week", "--days", "3"],
    "report-80.txt": ["report"],
}


def at_80(book: Path, *args: str) -> str:
    result = CliRunner(env={"COLUMNS": "80"}).invoke(
        app, [*args, "--dir", str(book)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("name", list(CASES))
def test_layout_at_80_columns(tmp_path: Path, name: str) -> None:
    book = tmp_path / "book"
    shutil.copytree(HERE / "data" / "display", book)
    out = at_80(book, *CASES[name])
    path = SNAPSHOTS / name
    if UPDATE:
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


SCREENSHOT = re.compile(
    r"(<!-- screenshot: touchplan today, 80 columns -->\n```text\n)(.*?)(```\n)", re.S
)


def test_readme_screenshot_is_a_real_run(demo: Path) -> None:
    out = at_80(demo, "today")
    text = README.read_text(encoding="utf-8")
    match = SCREENSHOT.search(text)
    assert match, "README.md has lost its `today` screenshot"
    if UPDATE:
        README.write_text(text[: match.start(2)] + out + text[match.end(2) :], encoding="utf-8")
        return
    assert match.group(2) == out
