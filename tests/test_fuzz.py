"""Seeded mutation fuzzing of the sample accounts: whatever a file turns into, no command
dies with a traceback, the cached and uncached plans agree, and `log` either refuses
(the file byte for byte as it was) or appends exactly one entry."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from conftest import REPO, Run
from touchplan.cli import app
from touchplan.files.schema import read_account

MUTANTS = 200
SEED = 20261124
EXTREME_DATES = ["0001-01-01", "1899-12-31", "1900-01-01", "2200-12-31", "9999-12-31"]
ODD_TEXT = [
    "\t",
    ":",
    ": ",
    '"',
    "'",
    "#",
    "- ",
    "&a ",
    "*a",
    "!!int ",
    "[",
    "{",
    "\x0b",
    "\x1a",
    "\x7f",
    "\ufffe",
    "\u2028",
    "\x85",
    "\ufeff",
    "\x1b[31m",
    "\r",
    "~",
    "null",
    "99999999999999999999999",
    "-1",
    "nan",
]

Mutation = Callable[[random.Random, bytes], bytes]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def flip_byte(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :]


def insert_text(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(ODD_TEXT).encode() + data[at:]


def drop_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    del lines[rng.randrange(len(lines))]
    return b"".join(lines)


def repeat_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    at = rng.randrange(len(lines))
    return b"".join([*lines[: at + 1], lines[at], *lines[at + 1 :]])


def swap_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return b"".join(lines)


def reindent(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    at = rng.randrange(len(lines))
    lines[at] = b" " * rng.choice([0, 1, 3, 6]) + lines[at].lstrip(b" ")
    return b"".join(lines)


def extreme_date(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    starts = [i for i in range(len(text) - 9) if text[i : i + 4].isdigit() and text[i + 4] == "-"]
    if not starts:
        return insert_text(rng, data)
    at = rng.choice(starts)
    text = text[:at] + rng.choice(EXTREME_DATES) + text[at + 10 :]
    return text.encode("utf-8", "surrogateescape")


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


MUTATIONS: list[Mutation] = [
    flip_byte,
    insert_text,
    insert_text,
    drop_line,
    repeat_line,
    swap_lines,
    reindent,
    extreme_date,
    extreme_date,
    truncate,
]


def _invoke(root: Path, *args: str) -> Run:
    # catch_exceptions=False: any exception, a traceback for a user, fails the test
    result = CliRunner().invoke(app, [*args, "--dir", str(root)], catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def _history(data: bytes, slug: str) -> list[object] | None:
    account, _problems = read_account(data, slug, f"accounts/{slug}.yaml")
    return None if account is None else [t.summary for t in account.history]


def test_mutants_of_the_sample_files_never_crash_and_never_lose_an_entry(
    tmp_path: Path,
) -> None:
    root = tmp_path / "demo"
    shutil.copytree(REPO / "accounts", root / "accounts")
    shutil.copy(REPO / "touchplan.yaml", root / "touchplan.yaml")
    files = sorted((root / "accounts").rglob("*.yaml"))
    originals = {path: path.read_bytes() for path in files}
    rng = random.Random(SEED)
    logged = refused = 0
    for n in range(MUTANTS):
        path = rng.choice(files)
        data = originals[path]
        for _ in range(rng.choice([1, 1, 2, 3])):
            data = rng.choice(MUTATIONS)(rng, data) or data
        path.write_bytes(data)
        where = f"mutant {n} of {path.name}: {data!r}"
        check = _invoke(root, "check")
        assert check.exit_code in (0, 1), where
        cached = _invoke(root, "today", "--all", "--format", "json")
        plain = _invoke(root, "today", "--all", "--format", "json", "--no-cache")
        assert cached.exit_code == plain.exit_code == 0, where
        assert cached.stdout == plain.stdout, where
        slug = path.stem
        log = _invoke(root, "log", slug, "Fuzz call")
        after = path.read_bytes()
        if log.exit_code == 0:
            logged += 1
            before_history, after_history = _history(data, slug), _history(after, slug)
            assert before_history is not None and after_history is not None, where
            assert after_history == [*before_history, "Fuzz call"], where
        else:
            refused += 1
            assert log.exit_code in (1, 2), where
            assert after == data, where
        assert [p.name for p in path.parent.iterdir() if p.name.endswith("touchplan-tmp")] == []
        path.write_bytes(originals[path])
    # the mutants must reach both outcomes, or the test proves little
    assert logged > MUTANTS // 10 and refused > MUTANTS // 10, (logged, refused)
