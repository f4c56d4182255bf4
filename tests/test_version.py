"""One version number: `touchplan --version`, the package metadata and CHANGELOG.md agree."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import version

from conftest import REPO
from touchplan import __version__

HEADING = re.compile(r"^## \[([^\]]+)\](?: - (\S+))?$", re.MULTILINE)
RELEASE = re.compile(r"\d+\.\d+\.\d+")


def changelog_headings() -> list[tuple[str, str]]:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    return HEADING.findall(text)


def test_version_is_a_release_number() -> None:
    assert RELEASE.fullmatch(__version__), __version__


def test_metadata_and_command_agree() -> None:
    assert version("touchplan") == __version__
    shown = subprocess.run(
        [sys.executable, "-m", "touchplan", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (shown.returncode, shown.stdout, shown.stderr) == (0, f"touchplan {__version__}\n", "")


def test_changelog_newest_heading_names_the_version() -> None:
    headings = changelog_headings()
    assert headings, "CHANGELOG.md has no `## [VERSION] - DATE` heading"
    newest, when = headings[0]
    assert newest == __version__, f"CHANGELOG.md's newest heading is {newest}, not {__version__}"
    assert when == "Unreleased" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", when), when


def test_changelog_versions_go_down_and_dates_are_iso() -> None:
    headings = changelog_headings()
    numbers = [tuple(int(part) for part in v.split(".")) for v, _ in headings]
    assert all(RELEASE.fullmatch(v) for v, _ in headings), headings
    assert numbers == sorted(set(numbers), reverse=True), headings
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", when) for _, when in headings[1:]), headings
