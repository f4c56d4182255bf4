"""Shell completion: the callbacks directly, and through Typer's completion protocol."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import typer

from touchplan.cli.completion import (
    account_candidates,
    complete_account,
    complete_owner,
    complete_touch_kind,
    owner_candidates,
)


@pytest.fixture
def book(root: Path, write_account: Callable[..., Path]) -> Path:
    write_account(
        "meridian-steel",
        'name: "Meridian Steel Fabrication"  # the big one\ntier: A\nowner: dana\n',
    )
    write_account("meridian-foods", "name: Meridian Foods\ntier: B\nowner: Dana\n")
    write_account("acme", "# comment first\nname: Acme Corp\ntier: C\nowner: sam\n")
    write_account("globex", "name: Globex\ntier: B\nowner: lee\n", folder="east")
    write_account("broken", "name: [unclosed\ntier: A\n")  # offered by slug alone
    write_account("nameless", "tier: A\nowner: 12345\n")
    return root


def ctx_for(root: Path | None) -> typer.Context:
    """A context as Typer builds it, with --dir typed before the word being completed."""
    app = typer.Typer()

    @app.command()
    def command() -> None:  # pragma: no cover - never run
        pass

    ctx = typer.Context(typer.main.get_command(app))
    if root is not None:
        ctx.params["dir_opt"] = str(root)
    return ctx


TOUCHPLAN = shutil.which("touchplan") or str(Path(sys.executable).parent / "touchplan")


@pytest.mark.parametrize(
    ("incomplete", "expected"),
    [
        (
            "mer",
            [
                ("meridian-foods", "Meridian Foods"),
                ("meridian-steel", "Meridian Steel Fabrication"),
            ],
        ),
        ("MERIDIAN-S", [("meridian-steel", "Meridian Steel Fabrication")]),
        ("acme", [("acme", "Acme Corp")]),
        ("Acme C", [("Acme Corp", "acme")]),  # a name, with its slug as help
        ("glo", [("globex", "Globex")]),
        ("bro", [("broken", "")]),
        ("zzz", []),
    ],
)
def test_account_candidates(book: Path, incomplete: str, expected: list[tuple[str, str]]) -> None:
    assert account_candidates(book, incomplete) == expected
    assert complete_account(ctx_for(book), incomplete) == expected


def test_empty_word_offers_every_slug(book: Path) -> None:
    values = [v for v, _ in complete_account(ctx_for(book), "")]
    assert values == ["acme", "broken", "globex", "meridian-foods", "meridian-steel", "nameless"]


def test_data_root_found_like_other_commands(
    book: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bare = ctx_for(None)
    monkeypatch.chdir(book / "accounts" / "east")  # upwards, like git
    assert [v for v, _ in complete_account(bare, "acm")] == ["acme"]
    monkeypatch.chdir(tmp_path)
    assert complete_account(bare, "acm") == []  # no data root: nothing, and no error
    monkeypatch.setenv("TOUCHPLAN_DIR", str(book))
    assert [v for v, _ in complete_account(bare, "acm")] == ["acme"]
    assert complete_account(ctx_for(tmp_path / "missing"), "acm") == []


def test_owner_candidates(book: Path) -> None:
    assert owner_candidates(book, "") == [
        ("12345", "1 account"),
        ("Dana", "1 account"),
        ("dana", "1 account"),
        ("lee", "1 account"),
        ("sam", "1 account"),
        ("all", "everyone's accounts"),
    ]
    assert complete_owner(ctx_for(book), "D") == [("Dana", "1 account"), ("dana", "1 account")]


def test_kinds() -> None:
    assert complete_touch_kind("") == [
        ("call", "a phone call"),
        ("visit", "a visit at the customer's site"),
        ("meeting", "a meeting in person"),
        ("email", "an email"),
        ("letter", "a letter or card"),
        ("note", "an internal note (not a contact)"),
        ("review", "a relationship review (health check)"),
        ("sale", "a sale or new order"),
        ("renewal", "renewal progress (--stage) or signed (--renewal-date)"),
        ("thank-you", "a thank-you sent"),
        ("share", "something useful sent: an article, an industry note"),
        ("attempt", "a call that reached nobody (not a contact)"),
    ]
    assert [v for v, _ in complete_touch_kind("RE")] == ["review", "renewal"]


# -- through Typer's completion protocol, in a real process --------------------------


def complete(
    argv: list[str], words: str, cword: int, cwd: Path, env_var: str = "_TOUCHPLAN_COMPLETE"
) -> list[str]:
    env = {**os.environ, env_var: "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    env.pop("TOUCHPLAN_DIR", None)
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return [line for line in done.stdout.splitlines() if line]


def test_owner_option_of_tiers_completes_in_bash(book: Path) -> None:
    argv = [TOUCHPLAN]
    assert complete(argv, "touchplan tiers --owner d", 3, book) == ["dana"]
    assert complete(argv, "touchplan export ics --owner ", 4, book) == [
        "12345",
        "Dana",
        "dana",
        "lee",
        "sam",
        "all",
    ]


def test_account_and_kind_callbacks_through_typer(book: Path, tmp_path: Path) -> None:
    """The callbacks as they will be wired into `show`/`log`: ACCOUNT and --kind."""
    script = tmp_path / "tp.py"
    script.write_text(
        textwrap.dedent(
            """
            from typing import Annotated, Optional
            import typer
            from touchplan.cli.completion import complete_account, complete_touch_kind

            app = typer.Typer()

            @app.command()
            def log(
                account: Annotated[str, typer.Argument(autocompletion=complete_account)],
                kind: Annotated[str, typer.Option("--kind", autocompletion=complete_touch_kind)]
                = "call",
                dir_opt: Annotated[Optional[str], typer.Option("--dir")] = None,
            ) -> None:
                pass

            @app.command()
            def other() -> None:
                pass

            app(prog_name="tp")
            """
        )
    )
    argv = [sys.executable, str(script)]
    assert complete(argv, "tp log mer", 2, book, "_TP_COMPLETE") == [
        "meridian-foods",
        "meridian-steel",
    ]
    assert complete(argv, "tp log acme --kind th", 4, book, "_TP_COMPLETE") == ["thank-you"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    words = f"tp log --dir {book} glo"
    assert complete(argv, words, 4, elsewhere, "_TP_COMPLETE") == ["globex"]
    assert complete(argv, "tp log glo", 2, elsewhere, "_TP_COMPLETE") == []


def test_show_completes_account_slugs(book: Path) -> None:
    argv = [TOUCHPLAN]
    assert complete(argv, "touchplan show mer", 2, book) == ["meridian-foods", "meridian-steel"]
