"""`touchplan add`: whatever the name, the file lands inside accounts/ with a safe slug."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run


def _files(root: Path) -> list[str]:
    """Every file under the data root's parent (the whole temp dir), relative to root."""
    found = []
    for folder, _dirs, files in os.walk(root.parent):
        for name in files:
            found.append(os.path.relpath(os.path.join(folder, name), root))
    return sorted(found)


SAFE = {
    "../../x": "accounts/x.yaml",
    "/etc/passwd": "accounts/etc-passwd.yaml",
    "..\\..\\windows": "accounts/windows.yaml",
    "CON": "accounts/con-account.yaml",
    "aux": "accounts/aux-account.yaml",
    "nul": "accounts/nul-account.yaml",
    "COM1": "accounts/com1-account.yaml",
    "Acme Corp...": "accounts/acme-corp.yaml",
    "  Acme Corp  ": "accounts/acme-corp.yaml",
    ".hidden": "accounts/hidden.yaml",
    "#1 Corp": "accounts/1-corp.yaml",
    "Café Noir": "accounts/cafe-noir.yaml",
    "a" * 300: f"accounts/{'a' * 80}.yaml",
    ("word " * 60).strip(): f"accounts/{('word-' * 16).rstrip('-')}.yaml",
}


@pytest.mark.parametrize("name", SAFE, ids=lambda n: repr(n[:20]))
def test_add_keeps_every_file_inside_accounts(
    name: str, root: Path, run: Callable[..., Run]
) -> None:
    result = run("add", name, "--tier", "B")
    assert result.exit_code == 0, result.stderr
    assert _files(root) == [SAFE[name]]
    stem = Path(SAFE[name]).stem
    assert len(stem) <= 80
    shown = run("show", stem, "--format", "json")
    assert shown.exit_code == 0
    assert '"name": ' in shown.stdout


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "error: the name is empty\n"),
        ("   ", "error: the name is empty\n"),
        (
            "..",
            "error: '..' has no letters or digits to make a file name from (pass --slug, "
            "e.g. --slug acme)\n",
        ),
        (
            "...",
            "error: '...' has no letters or digits to make a file name from (pass --slug, "
            "e.g. --slug acme)\n",
        ),
        (
            "東京",
            "error: '東京' has no letters or digits to make a file name from (pass --slug, "
            "e.g. --slug acme)\n",
        ),
        (
            "Acme\x00Corp",
            "error: the name contains the control character U+0000 (remove it and try again)\n",
        ),
        (
            "Acme\nCorp",
            "error: the name contains a newline (remove it and try again)\n",
        ),
    ],
    ids=["empty", "blank", "dotdot", "dots", "no-ascii", "nul", "newline"],
)
def test_add_refuses_names_without_a_safe_file_name(
    name: str, message: str, root: Path, run: Callable[..., Run]
) -> None:
    result = run("add", name, "--tier", "B")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert _files(root) == []


def test_a_name_with_no_ascii_can_be_given_a_slug(root: Path, run: Callable[..., Run]) -> None:
    result = run("add", "東京", "--tier", "B", "--slug", "tokyo")
    assert result.exit_code == 0
    assert _files(root) == ["accounts/tokyo.yaml"]
    assert run("show", "東京", "--format", "json").exit_code == 0


@pytest.mark.parametrize("slug", ["../../x", "/etc/passwd", "a/b", "CON", "x" * 300])
def test_slug_option_is_slugged_too(slug: str, root: Path, run: Callable[..., Run]) -> None:
    result = run("add", "Acme", "--tier", "B", "--slug", slug)
    assert result.exit_code == 0, result.stderr
    (created,) = _files(root)
    assert created.startswith("accounts/") and "/" not in created[len("accounts/") :]
    assert len(Path(created).stem) <= 80


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("east", "accounts/east/acme.yaml"),
        ("../../etc", "error"),
        ("/tmp", "accounts/tmp/acme.yaml"),
        ("east/../..", "error"),
        ("Nord Ost/Köln", "accounts/nord-ost/koln/acme.yaml"),
    ],
)
def test_folder_option_stays_inside_accounts(
    folder: str, expected: str, root: Path, run: Callable[..., Run]
) -> None:
    result = run("add", "Acme", "--tier", "B", "--folder", folder)
    if expected == "error":
        assert result.exit_code == 2
        assert result.stderr == f"error: --folder {folder!r} is not a safe folder name\n"
        assert _files(root) == []
    else:
        assert result.exit_code == 0, result.stderr
        assert _files(root) == [expected]


COLLISIONS = [
    ("Acme, Inc.", "ACME inc", "acme-inc"),
    ("Acme Inc", "acme-inc", "acme-inc"),
    (unicodedata.normalize("NFC", "Café"), unicodedata.normalize("NFD", "Café"), "cafe"),
    ("Globex", "GLOBEX", "globex"),
    ("Globex", "globex!", "globex"),
    ("a" * 300, "a" * 80 + "b", "a" * 80),
]


@pytest.mark.parametrize(("first", "second", "slug"), COLLISIONS, ids=lambda v: repr(v[:12]))
def test_names_that_collide_after_slugging_are_reported(
    first: str, second: str, slug: str, root: Path, run: Callable[..., Run]
) -> None:
    assert run("add", first, "--tier", "B").exit_code == 0
    before = (root / "accounts" / f"{slug}.yaml").read_bytes()
    result = run("add", second, "--tier", "A")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: an account with the slug {slug!r} exists: accounts/{slug}.yaml "
        "(pass --slug to choose another file name)\n"
    )
    assert _files(root) == [f"accounts/{slug}.yaml"]
    assert (root / "accounts" / f"{slug}.yaml").read_bytes() == before


def test_collision_across_folders_and_case_of_existing_files(
    root: Path, run: Callable[..., Run]
) -> None:
    (root / "accounts" / "west").mkdir()
    (root / "accounts" / "west" / "Globex.yml").write_text("name: Globex West\ntier: C\n")
    result = run("add", "Globex", "--tier", "B", "--folder", "east")
    assert result.exit_code == 1
    assert "accounts/west/Globex.yml" in result.stderr
    assert _files(root) == ["accounts/west/Globex.yml"]


def test_add_never_overwrites_through_a_dangling_link(
    root: Path, tmp_path: Path, run: Callable[..., Run]
) -> None:
    target = tmp_path / "victim.txt"
    (root / "accounts" / "acme.yaml").symlink_to(target)  # dangling: not an account
    result = run("add", "Acme", "--tier", "B")
    assert result.exit_code == 1
    assert result.stderr == "error: accounts/acme.yaml already exists\n"
    assert not target.exists()
