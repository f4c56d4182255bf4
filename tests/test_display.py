"""Data is never markup and never a terminal command.

Names, summaries and contacts come from files anyone can commit. Whatever they hold,
`today`, `show`, `why`, `week`, `check` and every error message print them as inert text:
Rich markup stays literal, and escape sequences (CSI, OSC 52 clipboard writes, OSC 8
hyperlinks, C1 controls, bidi overrides, carriage returns) never reach stdout or stderr raw.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Run
from touchplan.cli import app

CLEAR = "\x1b[2J"
OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # writes `rm -rf ~` to the clipboard
OSC8 = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
CSI8 = "\x9b31m"  # the one-byte CSI
RLO = "\u202e"
EVIL = f"A{CLEAR}B{OSC52}C{OSC8}D{CSI8}E{RLO}F\rG\x07H\x00I"
# What must never appear raw in any output.
RAW = ("\x1b", "\x9b", "\u202e", "\r", "\x07", "\x00", "\u2066", "\u2028")


def _yaml(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def evil_account(root: Path) -> Path:
    path = root / "accounts" / "evil.yaml"
    path.write_text(
        f"name: {_yaml('Evil ' + EVIL)}\n"
        "tier: A\n"
        f"owner: {_yaml(EVIL)}\n"
        f"notes: {_yaml(EVIL)}\n"
        f"tags: [{_yaml(EVIL)}]\n"
        "snooze:\n  until: 2026-01-01\n"
        f"  reason: {_yaml(EVIL)}\n"
        "contacts:\n"
        f"  - name: {_yaml('Jane ' + EVIL)}\n"
        f"    role: {_yaml(EVIL)}\n"
        f"    phone: {_yaml(EVIL)}\n"
        f"    email: {_yaml(EVIL)}\n"
        "history:\n"
        "  - date: 2026-11-02\n    kind: call\n"
        f"    with: {_yaml(EVIL)}\n"
        f"    summary: {_yaml(EVIL)}\n"
        f"    problem: {_yaml(EVIL)}\n"
        f"    next: {_yaml('2026-11-20 ' + EVIL)}\n",
        encoding="utf-8",
    )
    return path


def assert_inert(*texts: str) -> None:
    for text in texts:
        for raw in RAW:
            assert raw not in text, (raw, text[:400])


COMMANDS = [
    ["today"],
    ["today", "--all"],
    ["week"],
    ["show", "evil"],
    ["why", "evil"],
    ["check"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_hostile_data_prints_inert(args: list[str], root: Path, run: Callable[..., Run]) -> None:
    evil_account(root)
    result = run(*args)
    assert result.exit_code in (0, 1)
    assert_inert(result.stdout, result.stderr)
    if args[0] != "check":
        # shown, made visible: the escape's text survives, only the control byte is escaped
        assert "\\x1b[2J" in result.stdout or "\\x1b" in result.stdout


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_hostile_data_on_a_colour_terminal(args: list[str], root: Path) -> None:
    """With colours forced and a real terminal type, still no hyperlinks or escapes from data."""
    evil_account(root)
    env = {**os.environ, "FORCE_COLOR": "1", "TERM": "xterm-256color", "TOUCHPLAN_DIR": str(root)}
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "touchplan", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    out = done.stdout + done.stderr
    assert "\x1b[" in out, "colours are on: the test would see an OSC 8 if there were one"
    assert "\x1b]" not in out  # no OSC at all: no hyperlink, no clipboard write
    assert "\x1b[2J" not in out
    assert "\x9b" not in out and RLO not in out and "\r" not in out


def test_markup_in_data_prints_literally(
    root: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # wide enough that no cell wraps the markup
    (root / "accounts" / "acme.yaml").write_text(
        "name: '[bold red]Acme[/] [/bold]'\ntier: A\n"
        "contacts:\n  - name: '[link=file:///etc/passwd]Jane[/link]'\n"
        "history:\n  - date: 2026-11-02\n    kind: call\n"
        "    summary: '[/bold] closed [link=file:///etc/passwd]x[/link] :smile:'\n"
    )
    for args in (["today"], ["show", "acme"], ["why", "acme"]):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert "[bold red]Acme[/] [/bold]" in result.stdout
        if args[0] != "why":  # `why` shows no contact
            assert "[link=file:///etc/passwd]Jane[/link]" in result.stdout
    shown = run("show", "acme").stdout
    assert "[/bold] closed [link=file:///etc/passwd]x[/link] :smile:" in shown
    assert "😄" not in shown


def test_markup_in_data_is_no_hyperlink_on_a_terminal(root: Path) -> None:
    (root / "accounts" / "acme.yaml").write_text(
        "name: Acme\ntier: A\nhistory:\n  - date: 2026-11-02\n    kind: call\n"
        "    summary: '[link=file:///etc/passwd]x[/link]'\n"
    )
    env = {**os.environ, "FORCE_COLOR": "1", "TERM": "xterm-256color", "TOUCHPLAN_DIR": str(root)}
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "touchplan", "show", "acme"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0
    assert "[link=file:///etc/passwd]x[/link]" in done.stdout
    assert "\x1b]8" not in done.stdout


# -- error messages, including Typer's own ---------------------------------------------


def test_unknown_account_named_with_escapes(root: Path, run: Callable[..., Run]) -> None:
    evil_account(root)
    result = run("show", f"nope{CLEAR}{OSC52}{RLO}")
    assert result.exit_code == 1
    assert_inert(result.stdout, result.stderr)
    assert result.stderr == (
        "error: no account matches 'nope\\x1b[2J\\x1b]52;c;cm0gLXJmIH4=\\x07\\u202e' "
        "(try `touchplan today --all` to list accounts)\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        [f"bogus{CLEAR}"],
        ["today", f"--x{CLEAR}"],
        ["today", "--format", f"x{OSC52}"],
        ["week", "--days", f"1{CSI8}"],
        ["today", "--date", f"x{RLO}\r"],
        ["log", "acme", "hi", "--kind", f"{OSC8}"],
        ["log", "acme", "hi", "--date", f"{CLEAR}"],
    ],
    ids=["command", "option", "choice", "integer", "date", "kind", "log-date"],
)
def test_usage_errors_with_escapes_are_inert(args: list[str], root: Path) -> None:
    (root / "accounts" / "acme.yaml").write_text("name: Acme\ntier: A\n")
    result = CliRunner().invoke(app, [*args, "--dir", str(root)], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("error: ") == 1
    assert_inert(result.stdout, result.stderr)
    assert (root / "accounts" / "acme.yaml").read_text() == "name: Acme\ntier: A\n"


def test_escapes_in_a_file_name_are_inert(root: Path, run: Callable[..., Run]) -> None:
    """A file name is data too (git allows any byte but / and NUL)."""
    (root / "accounts" / f"bad{CLEAR}{RLO}.yaml").write_text("name: x\ntier: Z\n")
    result = run("check")
    assert result.exit_code == 1
    assert_inert(result.stdout, result.stderr)
    assert "accounts/bad\\x1b[2J\\u202e.yaml:2: tier: 'Z' is not one of A, B, C" in result.stdout


# -- machine formats: data stays data, control characters escaped ------------------------


def test_json_escapes_every_control_character(root: Path, run: Callable[..., Run]) -> None:
    evil_account(root)
    result = run("show", "evil", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["history"][0]["summary"] == EVIL
    assert "\x1b" not in result.stdout and "\r" not in result.stdout and "\x00" not in result.stdout


def test_json_escapes_c1_and_bidi_controls(root: Path, run: Callable[..., Run]) -> None:
    evil_account(root)
    result = run("today", "--format", "json")
    assert json.loads(result.stdout)["items"][0]["last_touch"]["summary"] == EVIL
    assert_inert(result.stdout)


def test_csv_never_carries_raw_escapes(root: Path, run: Callable[..., Run]) -> None:
    evil_account(root)
    result = run("today", "--format", "csv")
    assert result.exit_code == 0
    assert_inert(result.stdout)


# -- values of the wrong type render as text or a located error -------------------------


def test_values_of_other_types_render_as_text(root: Path, run: Callable[..., Run]) -> None:
    (root / "accounts" / "acme.yaml").write_text(
        "name: 2026-11-24\ntier: A\nowner: 42\nnotes: 3.14\ntags: [1, true, null]\n"
        "contacts:\n  - name: 12345\n    phone: 5550100\n    role: 2026-01-01\n"
        "history:\n  - date: 2026-11-02\n    kind: call\n    summary: 1e3\n    with: false\n"
    )
    for args in (["today"], ["show", "acme"], ["why", "acme"], ["week"]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
    shown = run("show", "acme", "--format", "json")
    data = json.loads(shown.stdout)
    assert (data["name"], data["owner"], data["notes"], data["tags"]) == (
        "2026-11-24",
        "42",
        "3.14",
        ["1", "true"],
    )
    assert data["contacts"][0] == {
        "name": "12345",
        "role": "2026-01-01",
        "phone": "5550100",
        "email": "",
        "birthday": None,
        "last_touched": None,
    }


def test_mappings_where_text_belongs_are_located_errors(
    root: Path, run: Callable[..., Run]
) -> None:
    (root / "accounts" / "acme.yaml").write_text(
        "name: Acme\ntier: A\ncontacts:\n  - name: {first: Jane}\n"
        "history:\n  - date: 2026-11-02\n    kind: call\n    summary: [a, b]\n"
    )
    (root / "accounts" / "globex.yaml").write_text("name: Globex\ntier: B\n")
    for args in (["show", "acme"], ["why", "acme"], ["log", "acme", "hi"]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr == (
            "accounts/acme.yaml:4: contacts[0].name: expected text, found a mapping\n"
            "accounts/acme.yaml:8: history[0].summary: expected text, found a list\n"
        )
    today = run("today")
    assert today.exit_code == 0
    assert "Globex" in today.stdout
    assert "Skipped 1 account file with errors: accounts/acme.yaml" in today.stdout
    json_today = run("today", "--format", "json")
    assert "accounts/acme.yaml" in json_today.stderr


def test_check_lines_are_never_wrapped(root: Path) -> None:
    (root / "accounts" / "acme.yaml").write_text("name: Acme\ntier: A\nfavourite_colour: teal\n")
    env = {**os.environ, "COLUMNS": "80", "TOUCHPLAN_DIR": str(root)}
    done = subprocess.run(
        [sys.executable, "-m", "touchplan", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.stdout.count("\n") == 1, done.stdout
