"""`touchplan add`: a new account file with exact bytes, safe names, no overwrites."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

RunFn = Callable[..., Run]

ISSUE_EXAMPLE = (
    "add",
    "Acme Corp",
    "--tier",
    "A",
    "--owner",
    "dana",
    "--since",
    "2026-10-02",
    "--renewal",
    "2027-03-31",
    "--value",
    "120000",
    "--contact",
    "Jane Smith, VP Operations, +1 555 0100, jane@acme.example",
)
ACME_BYTES = (
    b"name: Acme Corp\n"
    b"tier: A\n"
    b"owner: dana\n"
    b"since: 2026-10-02\n"
    b"added: 2026-11-24\n"
    b"renewal: 2027-03-31\n"
    b"value: 120000\n"
    b"contacts:\n"
    b"  - name: Jane Smith\n"
    b"    role: VP Operations\n"
    b'    phone: "+1 555 0100"\n'
    b"    email: jane@acme.example\n"
    b"history:\n"
)


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_issue_example_creates_exact_file(root: Path, run: RunFn) -> None:
    result = run(*ISSUE_EXAMPLE)
    assert result.exit_code == 0, result.stderr
    assert (root / "accounts" / "acme-corp.yaml").read_bytes() == ACME_BYTES
    assert files_under(root) == ["accounts/acme-corp.yaml"]
    # a customer since 2026-10-02 added today: its first touch is due today (the gap
    # check 7 days after the start closed before it came to touchplan)
    assert lines(result.stdout) == [
        "Created accounts/acme-corp.yaml",
        "Next: touch ka3kh — Get in touch: first contact (due 2026-11-24)",
    ]
    assert result.stderr == ""


def test_new_account_is_planned_and_valid(root: Path, run: RunFn) -> None:
    assert run(*ISSUE_EXAMPLE).exit_code == 0
    check = run("check")
    assert (check.exit_code, check.stdout, check.stderr) == (0, "", "")
    data = json.loads(run("today", "--format", "json").stdout)
    # never contacted: a first touch from the day it was added, tier A weight 30 x 1
    assert [(i["kind"], i["due"], i["score"], i["reasons"]) for i in data["items"]] == [
        ("touch", "2026-11-24", 30, ["no contact on record; added to touchplan on 2026-11-24"]),
    ]
    # nothing missed either: the start's gap check closed before the account arrived
    assert json.loads(run("show", "acme", "--format", "json").stdout)["closed"] == []
    assert data["items"][0]["contact"] == {
        "name": "Jane Smith",
        "role": "VP Operations",
        "phone": "+1 555 0100",
        "email": "jane@acme.example",
    }
    assert data["items"][0]["last_touch"] is None


def test_defaults_since_today_and_tier_any_case(root: Path, run: RunFn) -> None:
    result = run("add", "Globex", "--tier", "b")
    assert result.exit_code == 0
    assert (root / "accounts" / "globex.yaml").read_bytes() == (
        b"name: Globex\ntier: B\nsince: 2026-11-24\nadded: 2026-11-24\nhistory:\n"
    )


def test_folder(root: Path, run: RunFn) -> None:
    assert run("add", "Globex", "--tier", "B", "--folder", "east").exit_code == 0
    assert run("add", "Initech", "--tier", "C", "--folder", "east/boston").exit_code == 0
    assert files_under(root) == ["accounts/east/boston/initech.yaml", "accounts/east/globex.yaml"]
    result = run("show", "globex", "--format", "json")
    assert json.loads(result.stdout)["file"] == "accounts/east/globex.yaml"


def test_everything_that_needs_quoting_round_trips(root: Path, run: RunFn) -> None:
    result = run(
        "add",
        'O\'Brien & Sons: "Best"',
        "--tier",
        "C",
        "--slug",
        "obrien",
        "--owner",
        "yes",
        "--value",
        "1200.5",
        "--relationship",
        "relational",
    )
    assert result.exit_code == 0, result.stderr
    assert (root / "accounts" / "obrien.yaml").read_bytes() == (
        b'name: "O\'Brien & Sons: \\"Best\\""\n'
        b"tier: C\n"
        b'owner: "yes"\n'
        b"since: 2026-11-24\n"
        b"added: 2026-11-24\n"
        b"value: 1200.5\n"
        b"relationship: relational\n"
        b"history:\n"
    )
    data = json.loads(run("show", "obrien", "--format", "json").stdout)
    assert (data["name"], data["owner"], data["value"]) == (
        'O\'Brien & Sons: "Best"',
        "yes",
        1200.5,
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            ["Jane Smith, VP Operations, +1 555 0100, jane@acme.example"],
            b'  - name: Jane Smith\n    role: VP Operations\n    phone: "+1 555 0100"\n'
            b"    email: jane@acme.example\n",
        ),
        (["Raj Patel"], b"  - name: Raj Patel\n"),
        (["Raj Patel, raj@acme.example"], b"  - name: Raj Patel\n    email: raj@acme.example\n"),
        (
            # the order does not matter; a role may itself hold a comma
            ["Li Wei, +44 20 7946 0958, Head of Sales, EMEA"],
            b'  - name: Li Wei\n    role: Head of Sales, EMEA\n    phone: "+44 20 7946 0958"\n',
        ),
        (["  Jane  ,  555-0100 "], b"  - name: Jane\n    phone: 555-0100\n"),
        (
            ["Jane Smith, VP", "Raj Patel, AP"],
            b"  - name: Jane Smith\n    role: VP\n  - name: Raj Patel\n    role: AP\n",
        ),
    ],
)
def test_contact_parsing(root: Path, run: RunFn, given: list[str], expected: bytes) -> None:
    args = ["add", "Acme", "--tier", "C", "--since", "2026-01-05"]
    for contact in given:
        args += ["--contact", contact]
    assert run(*args).exit_code == 0
    assert (root / "accounts" / "acme.yaml").read_bytes() == (
        b"name: Acme\ntier: C\nsince: 2026-01-05\nadded: 2026-11-24\ncontacts:\n"
        + expected
        + b"history:\n"
    )


# -- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "folder"), [("Acme Corp", None), ("ACME corp!", None), ("acme  corp", "west")]
)
def test_slug_collision_is_refused(
    root: Path, write_account: Callable[..., Path], run: RunFn, name: str, folder: str | None
) -> None:
    existing = write_account("acme-corp", b"name: Acme Corp\ntier: A\n", folder="east")
    args = ["add", name, "--tier", "B"] + (["--folder", folder] if folder else [])
    result = run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert lines(result.stderr) == [
        "error: an account with the slug 'acme-corp' exists: accounts/east/acme-corp.yaml "
        "(pass --slug to choose another file name)"
    ]
    assert existing.read_bytes() == b"name: Acme Corp\ntier: A\n"
    assert files_under(root) == ["accounts/east/acme-corp.yaml"]


def test_slug_option_avoids_the_collision(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    write_account("acme-corp", b"name: Acme Corp\ntier: A\n")
    assert run("add", "Acme Corp", "--tier", "B", "--slug", "acme-corp-uk").exit_code == 0
    assert files_under(root) == ["accounts/acme-corp-uk.yaml", "accounts/acme-corp.yaml"]


@pytest.mark.parametrize(
    ("name", "created"),
    [
        ("../../x", "accounts/x.yaml"),
        ("/etc/passwd", "accounts/etc-passwd.yaml"),
        ("..\\..\\evil", "accounts/evil.yaml"),
        ("a/../../b", "accounts/a-b.yaml"),
        ("~/.bashrc", "accounts/bashrc.yaml"),
        ("CON", "accounts/con-account.yaml"),
        ("Café Müller", "accounts/cafe-muller.yaml"),
    ],
)
def test_names_never_escape_accounts(
    tmp_path: Path, root: Path, run: RunFn, name: str, created: str
) -> None:
    result = run("add", name, "--tier", "C")
    assert result.exit_code == 0, result.stderr
    assert files_under(tmp_path) == [f"data/{created}"]
    assert lines(result.stdout)[0] == f"Created {created}"


@pytest.mark.parametrize(
    "args",
    [
        ["Foo", "--tier", "C", "--folder", "../.."],
        ["Foo", "--tier", "C", "--folder", "east/../../x"],
        ["Foo", "--tier", "C", "--folder", "."],
        ["!!!", "--tier", "C"],
        ["   ", "--tier", "C"],
        ["Foo", "--tier", "D"],
        ["Foo", "--tier", "C", "--value", "-5"],
        ["Foo", "--tier", "C", "--relationship", "friendly"],
        ["Foo", "--tier", "C", "--since", "soon"],
        ["Foo", "--tier", "C", "--contact", " , "],
        ["Foo", "--tier", "C", "--contact", "Jane\x1b[31m"],
        ["Foo"],  # --tier is required
    ],
)
def test_bad_usage_creates_nothing(tmp_path: Path, run: RunFn, args: list[str]) -> None:
    result = run("add", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() != ""
    assert files_under(tmp_path) == []


def test_no_letters_hint(root: Path, run: RunFn) -> None:
    result = run("add", "!!!", "--tier", "C")
    assert lines(result.stderr) == [
        "error: '!!!' has no letters or digits to make a file name from "
        "(pass --slug, e.g. --slug acme)"
    ]
