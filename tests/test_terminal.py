"""`today` and `show` in a real terminal: a pseudo-terminal of a given size, colour on,
its output fed to a terminal emulator (pyte), and the screen read back.

What a rep sees at 80x24 (the README's promise): the day's calls on one screen, every
name, phone and date whole, late commitments in bold red, today's in bold magenta,
cadence work plain, problems in reverse video; NO_COLOR keeps the words and drops the
colours.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass
from pathlib import Path

import pyte
import pytest

from pty_read import read_to_end

BOOK = Path(__file__).resolve().parent / "data" / "display"
COLOUR = re.compile(rb"\x1b\[[0-9;]*(?:3[0-79]|9[0-7]|38;[25];[0-9;]+)m")


@dataclass
class Terminal:
    screen: pyte.Screen
    raw: bytes

    @property
    def rows(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def find(self, text: str) -> tuple[int, int]:
        """Row and column of ``text`` on the screen (the first place it shows)."""
        for y, line in enumerate(self.screen.display):
            x = line.find(text)
            if x >= 0:
                return y, x
        raise AssertionError(f"{text!r} is not on the screen:\n" + "\n".join(self.rows))

    def style(self, text: str) -> set[str]:
        """The attributes every cell of ``text`` has: a colour name, bold, reverse."""
        y, x = self.find(text)
        cells = [self.screen.buffer[y][x + i] for i in range(len(text))]
        found = {cells[0].fg} | {a for a in ("bold", "reverse") if getattr(cells[0], a)}
        assert all({c.fg} | {a for a in ("bold", "reverse") if getattr(c, a)} == found
                   for c in cells), text  # fmt: skip
        return found


def terminal(book: Path, *args: str, columns: int = 80, lines: int = 24, **env: str) -> Terminal:
    """Run touchplan on a pseudo-terminal of ``columns`` x ``lines``; the screen after."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM")
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "touchplan", *args, "--dir", str(book)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**clean, "TERM": "xterm-256color", **env},
        start_new_session=True,
    )
    os.close(slave)
    try:
        raw = read_to_end(master, proc)
        assert proc.wait(timeout=10) == 0, raw.decode(errors="replace")
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    screen = pyte.Screen(columns, lines)
    pyte.ByteStream(screen).feed(raw)
    return Terminal(screen, raw)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(BOOK, target)
    return target


NAMES = [
    "Westbrook Print & Packaging",
    "Northstar Regional Health Cooperative",
    "Quarry Lane Builders",
    "Brightline Health Partners",
    "Meridian Steel Fabrication",
    "Pinecrest Dental Group",
]
PHONES = [
    "+1 614 555 0172",
    "(312) 555-0120",
    "+1 512 555 0153",
    "+1 617 555 0176",
    "+1 412 555 0108",
    "+1 720 555 0126",
]
LAST_TOUCHED = ["2026-11-13", "2026-11-18", "2026-09-16", "2026-11-10", "2026-11-17", "2026-11-20"]


def test_today_on_one_80_by_24_screen(book: Path) -> None:
    term = terminal(book, "today")
    assert term.raw.count(b"\n") <= 23  # nothing scrolled off: the prompt fits below
    rows = term.rows
    shown = rows[: max(n for n, row in enumerate(rows) if row) + 1]
    assert shown[0] == "Today, Tue 2026-11-24 · everyone · 6 of 9 calls due (capacity 6)"
    assert shown[-1] == "3 more calls due — `touchplan today --all` lists them."
    for rank, name in enumerate(NAMES, 1):
        y, _ = term.find(f"{rank} {name.split()[0]}")
        # a call is two lines at most, and its name's words are whole on them
        two = rows[y : y + 2]
        assert rows[y + 2][:1].isdigit() or not rows[y + 2].strip(), rows[y : y + 3]
        for word in name.split():
            assert any(re.search(rf"(?<!\S){re.escape(word)}(?!\S)", row) for row in two), two
    for value in [*PHONES, *LAST_TOUCHED]:
        term.find(value)  # whole, on one line
    assert all(len(row) <= 80 for row in rows)


def test_today_colours_say_what_is_urgent(book: Path) -> None:
    term = terminal(book, "today")
    assert COLOUR.search(term.raw), "colours are on in a terminal"
    assert term.style("50 d late") == {"red", "bold"}  # a late commitment stands out
    assert term.style("today") == {"magenta", "bold"}  # one due today, a second style
    term.find("renewal rmpq6")
    assert term.style("renewal") == {"red", "bold"}
    assert term.style("problem") == {"red", "bold", "reverse"}  # marked in any palette
    assert term.style("in 2 d") == {"default"}  # not due yet: plain


def test_no_color_keeps_the_words_and_drops_the_colours(book: Path) -> None:
    plain = terminal(book, "today", NO_COLOR="1")
    assert not COLOUR.search(plain.raw)
    assert plain.rows == terminal(book, "today").rows
    assert plain.style("50 d late") == {"default", "bold"}  # bold is not a colour


def test_a_narrow_terminal_leaves_columns_out_and_says_so(book: Path) -> None:
    term = terminal(book, "today", columns=60)
    assert "Left out at 60 columns: Ask for, Last touch." in term.rows
    assert all(len(row) <= 60 for row in term.rows)
    term.find("renewal rmpq6")
    term.find("(50 d late)")


def test_show_in_a_terminal(book: Path) -> None:
    term = terminal(book, "show", "northstar", lines=80)
    rows = term.rows
    assert rows[0] == "Northstar Regional Health Cooperative  (northstar-regional-health, tier A)"
    for value in ("(312) 555-0120", "2,845,000", "2026-12-18", "2026-09-08", "2026-11-16"):
        term.find(value)
    # the contact's long e-mail does not fit beside the rest at 80 columns: its column
    # is left out, and says so, rather than cut
    assert "Left out at 80 columns: Email." in rows
    assert "alicia.moreno" not in "\n".join(rows)
    assert term.style("36 d late") == {"red", "bold"}
    assert all(len(row) <= 80 for row in rows)
