"""The bad-file corpus, in the style of hledger's test/errors/.

Each ``tests/errors/NAME.yaml`` (or ``NAME.bin``, raw bytes) is an account file; next to it
``NAME.expected`` holds the exact lines ``touchplan check`` prints for it. To add a case,
write the file, run ``touchplan check`` on a folder holding it as ``accounts/NAME.yaml``, read
every line, and save them as ``NAME.expected``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

CORPUS = Path(__file__).parent / "errors"
CASES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".bin"))
GOOD = "name: Globex\ntier: B\n"


def _install(root: Path, case: Path) -> Path:
    target = root / "accounts" / f"{case.stem}.yaml"
    target.write_bytes(case.read_bytes())
    return target


def test_every_case_has_its_expected_output() -> None:
    expected = {p.stem for p in CORPUS.glob("*.expected")}
    assert {c.stem for c in CASES} == expected
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_check_reports_exactly(case: Path, root: Path, run: Callable[..., Run]) -> None:
    _install(root, case)
    result = run("check")
    want = (CORPUS / f"{case.stem}.expected").read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert result.stdout == want
    count = len(want.splitlines())
    assert result.stderr == f"{count} problem{'s' if count > 1 else ''} in 1 file\n"


# Cases whose problems are all warnings: the account still plans, `check` still fails.
PLANNED = {"yaml11-coercions", "unknown-keys", "control-chars", "flow-history"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_today_lists_the_rest_and_names_the_skipped_file(
    case: Path, root: Path, run: Callable[..., Run]
) -> None:
    """One bad file never hides the others, never crashes `today`, and is never edited."""
    target = _install(root, case)
    before = target.read_bytes()
    (root / "accounts" / "globex.yaml").write_text(GOOD)
    result = run("today", "--all", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert "globex" in {item["account"] for item in data["items"]}
    rel = f"accounts/{case.stem}.yaml"
    if case.stem in PLANNED:
        assert data["skipped"] == []
        assert result.stderr == ""
    else:
        assert data["skipped"] == [rel]
        assert result.stderr == (
            f"warning: skipped 1 account file with errors: {rel} (run `touchplan check` for "
            "details)\n"
        )
    assert target.read_bytes() == before


def test_yaml11_values_stay_text(root: Path, run: Callable[..., Run]) -> None:
    """`+15551234`, `01234`, `no`, `1e3`, `2026-11-24` are what the file says, as text."""
    (root / "accounts" / "acme.yaml").write_text(
        "name: 2026-11-24\ntier: A\nowner: no\nnotes: 0o17\n"
        "contacts:\n  - name: 'null'\n    phone: +15551234\n    role: 1e3\n    email: 01234\n"
        "history:\n  - date: 2026-11-20\n    kind: call\n    with: yes\n    summary: ~x\n"
    )
    result = run("show", "acme", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["name"], data["owner"], data["notes"]) == ("2026-11-24", "no", "0o17")
    assert data["contacts"] == [
        {
            "name": "null",
            "role": "1e3",
            "phone": "+15551234",
            "email": "01234",
            "birthday": None,
            "last_touched": None,
        }
    ]
    assert (data["history"][0]["with"], data["history"][0]["summary"]) == ("yes", "~x")


def test_size_cap(root: Path, run: Callable[..., Run]) -> None:
    big = GOOD + "notes: |\n" + ("  " + "x" * 98 + "\n") * 42_000
    assert len(big) > 4 * 1024 * 1024
    (root / "accounts" / "big.yaml").write_text(big)
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout == (
        f"accounts/big.yaml: file is {len(big):,} bytes, over the 4,194,304-byte limit "
        "(split the history or archive old entries)\n"
    )


def test_a_syntax_error_touchplan_cannot_name_is_still_located(
    root: Path, run: Callable[..., Run]
) -> None:
    """Text after an explicit document end: the parser's words, which vary by release, are
    passed on, but the file, the line and the hint are touchplan's."""
    (root / "accounts" / "odd.yaml").write_text("name: Odd\ntier: A\n...\nstray\n")
    result = run("check")
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert line.startswith("accounts/odd.yaml:4: YAML syntax: ")
    assert line.endswith(" (this is not valid YAML)")
    assert result.stderr == "1 problem in 1 file\n"


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TOUCHPLAN_DIR": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "touchplan", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_100000_levels_exit_cleanly_in_a_real_process(root: Path, opener: str) -> None:
    """libyaml's composer recurses in C and segfaults near 50,000 levels: never reach it."""
    deep = root / "accounts" / "deep.yaml"
    if opener == "- ":  # `- - - x` nests block lists on one line
        deep.write_text(GOOD + "notes:\n  " + opener * 100_000 + "x\n")
    else:
        deep.write_text(GOOD + "notes: " + opener * 100_000 + "\n")
    line = 4 if opener == "- " else 3
    (root / "accounts" / "globex.yaml").write_text(GOOD)
    check = _cli(root, "check")
    assert check.returncode == 1, check.stderr
    assert check.stdout == (
        f"accounts/deep.yaml:{line}: nested deeper than 64 levels "
        "(an account file needs few levels)\n"
    )
    today = _cli(root, "today", "--format", "json")
    assert today.returncode == 0, today.stderr
    assert [i["account"] for i in json.loads(today.stdout)["items"]][:1] == ["globex"]
    assert "accounts/deep.yaml" in today.stderr
    show = _cli(root, "show", "deep")
    assert show.returncode == 1
    assert f"accounts/deep.yaml:{line}: nested deeper than 64 levels" in show.stderr
    assert "Traceback" not in show.stderr + today.stderr + check.stderr


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_file_longer_than_its_stat_says_is_read_whole() -> None:
    """Files are read to the size fstat gives, then on to the cap: a file that grew after
    the stat (here one that always reports 0 bytes) is read whole, as before."""
    from touchplan.files.store import read_capped

    source = Path("/proc/self/cmdline")  # this process's: the same while it lives
    data = read_capped(source, "accounts/x.yaml")
    assert isinstance(data, bytes) and data == source.read_bytes()
    assert source.stat().st_size == 0 and len(data) > 10
