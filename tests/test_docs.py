"""Every command explains itself, and the README covers every command and the JSON promise."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import click
import pytest
import typer

from conftest import REPO, Run
from touchplan.cli import app

RunFn = Callable[..., Run]
README = REPO / "README.md"


def walk(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))


COMMANDS = list(walk(typer.main.get_command(app)))  # type: ignore[arg-type]
VISIBLE = [(path, cmd) for path, cmd in COMMANDS if not cmd.hidden]
TOP_LEVEL = [path[0] for path, cmd in VISIBLE if len(path) == 1]


def test_the_daily_loop_commands_exist() -> None:
    for name in ("today", "log", "add", "show", "why", "week", "renewals", "snooze", "check"):
        assert name in TOP_LEVEL


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_help(run: RunFn, path: tuple[str, ...], command: click.Command) -> None:
    result = run(*path, "--help", use_dir=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Usage: ")
    description = (command.help or "").strip().splitlines()
    assert description and len(description[0]) >= 15, f"{path} has no description"
    assert " ".join(description[0].split()[:4]) in " ".join(result.stdout.split())
    for param in command.params:
        if isinstance(param, click.Option) and "--help" not in param.opts:
            assert (param.help or "").strip(), f"{' '.join(path)} {param.opts[0]} has no help"
        if isinstance(param, click.Argument):
            assert (getattr(param, "help", "") or "").strip(), f"{path} {param.name} has no help"


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
