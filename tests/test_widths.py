"""Every table at 60, 80, 120 and 200 columns: no token is ever split.

The book in tests/data/display holds what broke tables before: long names, phones
written five ways, wide characters, amounts in the millions, long slugs. Each command is
rendered at each width (COLUMNS, as a pipe sees it) and every account-name word, phone,
date and amount its JSON form lists must appear whole on one line, unless its column was
left out, which the table says in one line; and no line may be wider than the width.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from touchplan.cli import app

BOOK = Path(__file__).resolve().parent / "data" / "display"
WIDTHS = (60, 80, 120, 200)
LEFT_OUT = re.compile(r"^Left out at (\d+) columns: (.+)\.$")

# (token, the column showing it, or None for text outside any table)
Expected = list[tuple[str, str | None]]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(BOOK, target)
    return target


def invoke(book: Path, width: int | None, *args: str) -> list[str]:
    env = {"COLUMNS": str(width)} if width else {}
    result = CliRunner(env=env).invoke(app, [*args, "--dir", str(book)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout.splitlines()


def as_json(book: Path, *args: str) -> Any:
    return json.loads("\n".join(invoke(book, 200, *args, "--format", "json")))


def left_out(lines: list[str]) -> set[str]:
    """The columns the tables say they left out."""
    found: set[str] = set()
    for line in lines:
        match = LEFT_OUT.match(line)
        if match:
            found.update(match.group(2).split(", "))
    return found


def whole(token: str, lines: list[str]) -> bool:
    """``token`` on one line, not glued to a longer word."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(token)}(?![\w-])")
    return any(pattern.search(line) for line in lines)


def name_words(name: str) -> Expected:
    return [(word, None) for word in name.split()]


def money(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "—"


# -- what each command must show ----------------------------------------------------------


def today(book: Path) -> tuple[list[str], Expected]:
    data = as_json(book, "today")
    expected: Expected = []
    for call in data["calls"]:
        expected += name_words(call["name"])
        if call["contact"] and call["contact"]["phone"]:
            expected.append((call["contact"]["phone"], "Ask for"))
        if call["last_touch"]:
            expected.append((call["last_touch"]["date"], "Last touch"))
    return ["today"], expected


def week(book: Path) -> tuple[list[str], Expected]:
    data = as_json(book, "week", "--days", "2")
    expected: Expected = []
    for day in data["days"]:
        for item in day["items"]:
            expected += name_words(item["name"])
    return ["week", "--days", "2"], expected


def show(book: Path) -> tuple[list[str], Expected]:
    data = as_json(book, "show", "northstar")
    expected: Expected = [*name_words(data["name"]), (money(data["value"]), None)]
    for contact in data["contacts"]:
        expected += [(contact["phone"], "Phone"), (contact["email"], "Email")]
    expected += [(item["due"], "Due") for item in data["items"]]
    expected += [(entry["date"], "Date") for entry in data["history"]]
    return ["show", "northstar"], expected


def why(book: Path) -> tuple[list[str], Expected]:
    data = as_json(book, "why", "northstar")
    expected: Expected = [(item["due"], None) for item in data["items"]]
    return ["why", "northstar"], [*name_words("Northstar Regional Health Cooperative"), *expected]


def renewals(book: Path) -> tuple[list[str], Expected]:
    data = as_json(book, "renewals")
    expected: Expected = []
    for r in data["renewals"]:
        expected += [
            *name_words(r["name"]),
            (r["renewal"], "Renewal"),
            (money(r["value"]), "Value"),
        ]
    return ["renewals"], expected


def report(book: Path) -> tuple[list[str], Expected]:
    data = as_json(book, "report")
    expected: Expected = []
    for r in data["renewals"]:
        expected += [
            *name_words(r["name"]),
            (r["renewal"], "Renewal"),
            (money(r["value"]), "Value"),
        ]
    for n in data["neglected"]:
        expected += name_words(n["name"])
    return ["report"], expected


def tiers(book: Path) -> tuple[list[str], Expected]:
    data = as_json(book, "tiers")
    expected: Expected = []
    for row in data["accounts"]:
        expected += [*name_words(row["name"]), (money(row["value"]), "Value")]
    return ["tiers"], expected


def import_(book: Path) -> tuple[list[str], Expected]:
    export = book / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Account Name", "Phone", "Annual Revenue", "Type"])
        writer.writerow(["Evergreen Mills Cooperative", "(555) 010-4477", "$2,845,000", "Customer"])
        writer.writerow(["Summit Peak Outfitters", "+1 555 0199", "not disclosed", "Customer"])
        writer.writerow(["Harbor Freightways", "555-0100", "", "Prospect"])
    args = ["import", str(export), "--dry-run"]
    data = json.loads("\n".join(invoke(book, 200, *args, "--format", "json")))
    expected: Expected = []
    for row in data["rows"]:
        expected += name_words(row["name"])
        if row["file"]:
            expected.append((row["file"], "File / reason"))
    return args, expected


def workload(book: Path) -> tuple[list[str], Expected]:
    data = as_json(book, "workload")
    expected: Expected = [(f"{t['accounts']:,}", "Accounts") for t in data["by_tier"]]
    return ["workload"], expected


COMMANDS: dict[str, Callable[[Path], tuple[list[str], Expected]]] = {
    "today": today,
    "week": week,
    "show": show,
    "why": why,
    "renewals": renewals,
    "report": report,
    "tiers": tiers,
    "import": import_,
    "workload": workload,
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_token_is_ever_split(book: Path, command: str, width: int) -> None:
    args, expected = COMMANDS[command](book)
    assert expected, "the book must give the command something to show"
    lines = invoke(book, width, *args)
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, too_wide
    dropped = left_out(lines)
    for token, column in expected:
        if column in dropped:
            continue
        assert whole(token, lines), f"{token!r} is not whole on one line at {width} columns"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_dropped_column_leaves_no_fragment(book: Path, width: int) -> None:
    """Phones either show whole or not at all (never a piece of one)."""
    lines = invoke(book, width, "today")
    text = "\n".join(lines)
    for call in as_json(book, "today")["calls"]:
        phone = (call["contact"] or {}).get("phone", "")
        if not phone:
            continue
        if "Ask for" in left_out(lines):
            assert phone.split()[-1] not in text
        else:
            assert whole(phone, lines)


# -- today on one screen ------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_today_is_two_lines_a_call(book: Path, width: int) -> None:
    lines = invoke(book, width, "today")
    rule = next(n for n, line in enumerate(lines) if line.startswith("───"))
    rows = [line for line in lines[rule + 1 : lines.index("", rule)] if not LEFT_OUT.match(line)]
    starts = [n for n, line in enumerate(rows) if re.match(r"\d+ ", line)]
    assert len(starts) == 6  # the capacity
    heights = [b - a for a, b in zip(starts, [*starts[1:], len(rows)], strict=True)]
    assert max(heights) <= 2, rows


def test_today_fits_an_80_by_24_screen(book: Path) -> None:
    lines = invoke(book, 80, "today")
    assert len(lines) <= 23, lines  # and the prompt on the 24th
    assert "Left out" not in "\n".join(lines)  # everything fits: nothing was dropped


def test_wider_terminals_show_longer_text_not_more_lines(book: Path) -> None:
    narrow, wide = invoke(book, 80, "today"), invoke(book, 200, "today")
    assert len(wide) == len(narrow)
    summary = "Left a voicemail and emailed again. No reply."
    assert not whole(summary, narrow)
    assert any(summary in line for line in wide)
    assert any(re.search(r"Left a[\w ]*…", line) for line in narrow)


def test_narrow_terminals_say_what_they_left_out(book: Path) -> None:
    lines = invoke(book, 60, "today")
    assert "Left out at 60 columns: Ask for, Last touch." in lines
    # the due dates move into the agenda, so nothing of the plan is lost
    assert any(re.search(r"renewal \w{5} .*\(\d+ d late\)", line) for line in lines)


# -- pipes and scripts --------------------------------------------------------------------


def piped(book: Path, *args: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    done = subprocess.run(
        [sys.executable, "-m", "touchplan", *args, "--dir", str(book)],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_pipe_without_columns_gets_one_line_a_row(book: Path) -> None:
    out = piped(book, "today").splitlines()
    rows = [line for line in out if re.match(r"\d+  ", line)]
    assert len(rows) == 6
    northstar = next(line for line in rows if "Northstar" in line)
    # everything about the call on its line: agenda with due dates, contact, last touch
    assert "Northstar Regional Health Cooperative A" in northstar
    assert "(312) 555-0120" in northstar
    assert "problem 60bs2 Work the open problem: Evanston delivery short by 40 cases" in northstar
    assert "(36 d late)" in northstar
    assert not any(line.endswith(" ") for line in out)
    assert "\x1b" not in "\n".join(out)  # no colour into a pipe


def test_a_pipe_with_columns_is_laid_out_for_them(book: Path) -> None:
    out = piped(book, "today", COLUMNS="80").splitlines()
    assert max(cell_len(line) for line in out) <= 80
    assert out == invoke(book, 80, "today")


def test_json_and_csv_are_never_laid_out(book: Path) -> None:
    wide = piped(book, "today", "--format", "csv")
    narrow = piped(book, "today", "--format", "csv", COLUMNS="40")
    assert wide == narrow
