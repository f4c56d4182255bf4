"""Every command explains itself, and the README covers every command and the JSON promise."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.testing import CliRunner

from conftest import REPO, Run
from touchplan.cli import app
from touchplan.cli.app import app_for

RunFn = Callable[..., Run]
README = REPO / "README.md"


# Typer vendors click (it is not a dependency of ours): its own classes name the types.
def walk(group: TyperGroup, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, TyperGroup):
            yield from walk(command, (*path, name))


COMMANDS = list(walk(typer.main.get_command(app)))  # type: ignore[arg-type]
VISIBLE = [(path, cmd) for path, cmd in COMMANDS if not cmd.hidden]
TOP_LEVEL = [path[0] for path, cmd in VISIBLE if len(path) == 1]


def test_the_daily_loop_commands_exist() -> None:
    for name in ("today", "log", "add", "show", "why", "week", "renewals", "snooze", "check"):
        assert name in TOP_LEVEL


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_help(run: RunFn, path: tuple[str, ...], command: Any) -> None:
    result = run(*path, "--help", use_dir=False)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    description = (command.help or "").strip().splitlines()
    assert description and len(description[0]) >= 15, f"{path} has no description"
    assert " ".join(description[0].split()[:4]) in " ".join(result.stdout.split())
    for param in command.params:
        if isinstance(param, TyperOption) and "--help" not in param.opts:
            assert (param.help or "").strip(), f"{' '.join(path)} {param.opts[0]} has no help"
            if not param.hidden:
                assert param.opts[0] in result.stdout, f"{path} help lacks {param.opts[0]}"
        if isinstance(param, TyperArgument):
            assert (getattr(param, "help", "") or "").strip(), f"{path} {param.name} has no help"


@pytest.mark.parametrize("argv", [[*path, *tail] for path, _cmd in COMMANDS for tail in (
    ["--help"], ["--no-such-option"], ["one", "two", "three", "four"],
)], ids=lambda argv: " ".join(argv))  # fmt: skip
def test_a_command_built_alone_behaves_as_in_the_whole_app(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The executable builds only the command it is asked for (`app_for`): its help and
    its usage errors are the whole app's, byte for byte."""
    monkeypatch.chdir(tmp_path)  # no data folder here: nothing is planned or written
    alone = app_for(argv)
    assert alone is not app or argv[0] == "export"
    runner = CliRunner()
    expected = runner.invoke(app, argv)
    result = runner.invoke(alone, argv)
    assert (result.exit_code, result.stdout, result.stderr) == (
        expected.exit_code, expected.stdout, expected.stderr,
    )  # fmt: skip


def test_the_whole_app_runs_what_names_no_command(monkeypatch: pytest.MonkeyPatch) -> None:
    for argv in ([], ["--help"], ["--version"], ["tday"], ["export", "ics"]):
        assert app_for(argv) is app
    for program in ("TOUCHPLAN", "TP"):  # shell completion asking, for `touchplan` or `tp`
        monkeypatch.setenv(f"_{program}_COMPLETE", "complete_bash")
        assert app_for(["today"]) is app
        monkeypatch.delenv(f"_{program}_COMPLETE")
    assert app_for(["today"]) is not app


def test_top_level_help_lists_every_command(run: RunFn) -> None:
    result = run("--help", use_dir=False)
    assert result.exit_code == 0
    for name in TOP_LEVEL:
        assert re.search(rf"^\s+{re.escape(name)}\s", result.stdout, re.MULTILINE), name


def test_readme_mentions_every_command() -> None:
    assert README.is_file(), "README.md is missing"
    text = README.read_text(encoding="utf-8")
    missing = [name for name in TOP_LEVEL if f"touchplan {name}" not in text]
    assert not missing, f"README.md never shows `touchplan {missing[0]}` (missing: {missing})"


def readme_commands() -> list[list[str]]:
    """Every `touchplan ...` line in the README's shell blocks, as argv (no comments)."""
    text = README.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```(?:sh|bash|console)\n(.*?)```", text, re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            argv = shlex.split(line, comments=True)
            if argv[:1] == ["touchplan"] and len(argv) > 1:
                commands.append(argv[1:])
    return commands


def test_readme_tour_runs_on_the_sample_data(demo: Path, run: RunFn) -> None:
    """The README's usage matches the real interface: each line runs, in order."""
    tour = readme_commands()
    assert [argv[0] for argv in tour][:3] == ["today", "show", "log"], tour
    for argv in tour:
        result = run(*argv, "--dir", str(demo), use_dir=False)
        assert result.exit_code == 0, (argv, result.stderr)
        if argv == ["check"]:
            assert (result.stdout, result.stderr) == ("", "")


def test_readme_documents_the_json_promise_and_exit_codes() -> None:
    text = README.read_text(encoding="utf-8")
    for key in (
        "date",
        "items",
        "more",
        "account",
        "name",
        "tier",
        "owner",
        "kind",
        "action",
        "due",
        "overdue_days",
        "score",
        "reasons",
        "contact",
        "last_touch",
        "file",
    ):
        assert f"`{key}`" in text, f"README.md does not document the JSON key `{key}`"
    assert re.search(r"[Ee]xit codes", text)
    for code in ("0", "1", "2"):
        assert re.search(rf"\*\*{code}\*\*|`{code}`", text), f"exit code {code}"
