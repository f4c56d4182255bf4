"""Who "me" is: TOUCHPLAN_OWNER, touchplan.local.yaml, git user.email under `owners:`."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from touchplan.config import Owners, read_local, read_owners
from touchplan.connect.git import current_owner, who_am_i

OWNERS = """\
owners:
  dana: dana@acme.example
  lee: [lee@acme.example, Lee.K@Acme.Example]
  sam:
"""


@pytest.fixture
def repo(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data root as a git repository, with no machine-wide git config."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_DIR", raising=False)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def set_email(repo: Path, email: str) -> None:
    subprocess.run(["git", "config", "user.email", email], cwd=repo, check=True)


def test_owners_formats(root: Path) -> None:
    (root / "touchplan.yaml").write_text(OWNERS + "me: dana\n")
    owners, problems = read_owners(root)
    assert problems == []
    assert owners == Owners(
        {
            "dana": ("dana@acme.example",),
            "lee": ("lee@acme.example", "Lee.K@Acme.Example"),
            "sam": (),
        },
        me="dana",
    )


def test_owners_take_aliases_folded_for_lookup(root: Path) -> None:
    """CRM user names and ids sit beside the e-mails; case and spacing do not matter,
    and an alias two owners claim stays with the first."""
    (root / "touchplan.yaml").write_text(
        "owners:\n"
        "  dana: [dana@acme.example, Dana  Whitaker]\n"
        "  sam: [Sam Rep, 0055g00000XyZabAAB, dana whitaker]\n"
    )
    owners, problems = read_owners(root)
    assert problems == []
    assert owners.aliases() == {
        "dana": "dana",
        "dana@acme.example": "dana",
        "dana whitaker": "dana",
        "sam": "sam",
        "sam rep": "sam",
        "0055g00000xyzabaab": "sam",
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("owners: [dana, lee]\n", "touchplan.yaml:1: owners: expected a mapping, found a list"),
        (
            "owners:\n  dana: {email: d@a.example}\n",
            "touchplan.yaml:2: owners.dana: expected text, found a mapping",
        ),
    ],
)
def test_owners_problems_are_located(root: Path, text: str, problem: str) -> None:
    (root / "touchplan.yaml").write_text(text)
    _owners, problems = read_owners(root)
    assert [str(p) for p in problems] == [problem]


def test_local_file_unknown_key(root: Path) -> None:
    (root / "touchplan.local.yaml").write_text("me: dana\nmy: lee\n")
    me, problems = read_local(root)
    assert me == "dana"
    assert [str(p) for p in problems] == [
        "touchplan.local.yaml:2: my: unknown key (known keys: me)"
    ]


def test_git_email_matches_an_owner_case_insensitively(repo: Path) -> None:
    (repo / "touchplan.yaml").write_text(OWNERS)
    set_email(repo, "lee.k@acme.example")
    assert who_am_i(repo) == (
        "lee",
        "git user.email lee.k@acme.example under owners: in touchplan.yaml",
    )


def test_unknown_email_is_nobody(repo: Path) -> None:
    (repo / "touchplan.yaml").write_text(OWNERS)
    set_email(repo, "temp@elsewhere.example")
    assert current_owner(repo) is None


def test_precedence(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Environment, then the local file, then git's email, then `me:` in touchplan.yaml."""
    (repo / "touchplan.yaml").write_text(OWNERS + "me: sam\n")
    assert who_am_i(repo) == ("sam", "me: in touchplan.yaml")
    set_email(repo, "dana@acme.example")
    assert current_owner(repo) == "dana"
    (repo / "touchplan.local.yaml").write_text("me: lee\n")
    assert who_am_i(repo) == ("lee", "me: in touchplan.local.yaml")
    monkeypatch.setenv("TOUCHPLAN_OWNER", "all")
    assert who_am_i(repo) == ("all", "TOUCHPLAN_OWNER")


def test_no_owners_no_git_needed(root: Path) -> None:
    assert who_am_i(root) == (None, "")


def test_doctor_names_the_current_rep(repo: Path, run: Callable[..., object]) -> None:
    (repo / "touchplan.yaml").write_text(OWNERS)
    set_email(repo, "dana@acme.example")
    result = run("doctor", "--format", "json")
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}  # type: ignore[attr-defined]
    assert checks["owners"] == {
        "name": "owners",
        "ok": True,
        "detail": "you are dana (git user.email dana@acme.example under owners: in touchplan.yaml)",
        "fix": "",
    }


def test_doctor_fails_on_a_bad_owners_section(repo: Path, run: Callable[..., object]) -> None:
    (repo / "touchplan.yaml").write_text("owners: dana\n")
    result = run("doctor", "--format", "json")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}  # type: ignore[attr-defined]
    assert checks["owners"]["ok"] is False
    assert checks["owners"]["detail"] == "touchplan.yaml:1: owners: expected a mapping, found text"


TWO_REPS = {
    "acme": "name: Acme\ntier: A\nowner: dana\nhistory:\n",
    "globex": "name: Globex\ntier: A\nowner: lee\nhistory:\n",
}


def test_today_defaults_to_the_current_rep(
    root: Path, write_account: Callable[..., Path], run: Callable[..., object]
) -> None:
    for slug, text in TWO_REPS.items():
        write_account(slug, text)
    (root / "touchplan.local.yaml").write_text("me: dana\n")
    mine = run("today", "--format", "json")
    every = run("today", "--owner", "all", "--format", "json")
    owners = [
        sorted({i["owner"] for i in json.loads(r.stdout)["items"]})  # type: ignore[attr-defined]
        for r in (mine, every)
    ]
    assert owners == [["dana"], ["dana", "lee"]]


def test_check_and_doctor_name_owners_no_rep_lists(
    repo: Path, write_account: Callable[..., Path], run: Callable[..., object]
) -> None:
    """An owner the team's `owners:` does not list hides the account from its rep's
    `today`: `check` names each file and line (with the rep when it is an alias),
    `doctor` sums them up. Listed owners, in any case, and ownerless accounts are fine."""
    (repo / "touchplan.yaml").write_text(
        "owners:\n  dana: dana@acme.example\n  sam: [sam@acme.example, Sam Rep]\n"
    )
    write_account("acme", "name: Acme\ntier: A\nowner: Dana\nhistory:\n")
    write_account("globex", "name: Globex\ntier: B\n# moved from the CRM\nowner: Sam Rep\n")
    write_account("initech", "name: Initech\ntier: C\nowner: lee\n", folder="east")
    write_account("umbrella", "name: Umbrella\ntier: C\n")
    result = run("check")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert result.stderr == "2 problems in 2 files\n"  # type: ignore[attr-defined]
    named = [
        "accounts/east/initech.yaml:3: owner: 'lee' is not a rep under owners: in "
        "touchplan.yaml (add the rep under `owners:`, or correct the name)",
        "accounts/globex.yaml:4: owner: 'Sam Rep' is not a rep under owners: in "
        "touchplan.yaml (`Sam Rep` is one of sam's names: write `owner: sam`)",
    ]
    assert result.stdout.splitlines() == named  # type: ignore[attr-defined]
    doctor = run("doctor", "--format", "json")
    assert doctor.exit_code == 1  # type: ignore[attr-defined]
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}  # type: ignore[attr-defined]
    assert checks["account owners"] == {
        "name": "account owners",
        "ok": False,
        "detail": "2 accounts with an owner no rep lists (Sam Rep, lee): "
        "accounts/east/initech.yaml, accounts/globex.yaml",
        "fix": "list them under `owners:`, or correct `owner:` (`touchplan check` names each line)",
    }
    # the account still plans, whoever owns it
    every = json.loads(run("today", "--owner", "all", "--format", "json").stdout)  # type: ignore[attr-defined]
    assert {"globex", "initech"} <= {c["account"] for c in every["calls"]}


def test_without_owners_any_owner_name_is_fine(
    root: Path, write_account: Callable[..., Path], run: Callable[..., object]
) -> None:
    write_account("initech", "name: Initech\ntier: C\nowner: lee\n")
    result = run("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")  # type: ignore[attr-defined]
