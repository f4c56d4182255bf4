"""Two reps, two clones, one bare remote: real git, with the installed `touchplan` as the
merge driver. The machine's git config is kept out (HOME, GIT_CONFIG_NOSYSTEM)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from touchplan.cli import app
from touchplan.templates import POLICY_TEMPLATE

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("touchplan") is None,
    reason="needs git and the installed touchplan on PATH",
)

ACCOUNT = """\
# Acme: hand-edited, keep the comments
name: Acme Corp
tier: A
owner: dana
since: 2025-01-10
contacts:
  - name: Jane Smith
    role: VP Operations
history:
  - date: 2026-11-02
    kind: call
    with: Jane Smith
    summary: Kick-off.
"""

# The lines `touchplan log` appends for the calls logged below.
CALL_BY_A = """\
  - date: 2026-11-23
    kind: call
    with: Jane Smith
    summary: Dana called about the delivery.
"""
EMAIL_BY_B = """\
  - date: 2026-11-24
    kind: email
    summary: Lee sent the new price list.
"""


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def tp(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME of our own so no global or system git config can interfere."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_GLOBAL", "EMAIL"):
        monkeypatch.delenv(var, raising=False)
    return home


def new_repo(path: Path, email: str) -> Path:
    git(path.parent, "init", "-q", "-b", "main", str(path))
    identity(path, email)
    return path


def identity(repo: Path, email: str) -> None:
    for key, value in (
        ("user.name", email.split("@")[0]),
        ("user.email", email),
        ("commit.gpgsign", "false"),
        ("pull.rebase", "false"),
    ):
        git(repo, "config", key, value)


@dataclass
class Team:
    remote: Path
    a: Path  # dana's clone
    b: Path  # lee's clone

    def account(self, clone: Path) -> str:
        return (clone / "accounts" / "acme.yaml").read_text()

    def commit(self, clone: Path, message: str) -> None:
        git(clone, "commit", "-qam", message)


@pytest.fixture
def team(tmp_path: Path, git_env: Path) -> Team:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a = new_repo(tmp_path / "a", "dana@acme.example")
    assert tp("init", "--dir", str(a))[0] == 0
    (a / "accounts" / "acme.yaml").write_text(ACCOUNT)
    git(a, "add", "-A")
    git(a, "commit", "-qm", "start")
    git(a, "remote", "add", "origin", str(remote))
    git(a, "push", "-q", "-u", "origin", "main")
    git(tmp_path, "clone", "-q", str(remote), str(tmp_path / "b"))
    b = tmp_path / "b"
    identity(b, "lee@acme.example")
    assert tp("init", "--dir", str(b))[0] == 0  # git config is not cloned
    return Team(remote, a, b)


def log_both(team: Team) -> None:
    """Dana logs yesterday's call and pushes; Lee logs today's email, unpushed."""
    args = ("log", "acme", "--with", "Jane")
    assert (
        tp(*args, "Dana called about the delivery.", "--date", "yesterday", "--dir", str(team.a))[0]
        == 0
    )
    team.commit(team.a, "dana: call")
    git(team.a, "push", "-q")
    code, _, _ = tp(
        "log", "acme", "Lee sent the new price list.", "-k", "email", "--dir", str(team.b)
    )
    assert code == 0
    team.commit(team.b, "lee: email")


def test_concurrent_logs_merge_cleanly_on_pull(team: Team) -> None:
    log_both(team)
    pulled = git(team.b, "pull", "--no-rebase", "-q", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stderr
    assert team.account(team.b) == ACCOUNT + CALL_BY_A + EMAIL_BY_B
    assert git(team.b, "status", "--porcelain").stdout == ""
    assert len(git(team.b, "log", "--merges", "--format=%H").stdout.split()) == 1
    assert tp("check", "--dir", str(team.b)) == (0, "", "")


def test_concurrent_logs_merge_cleanly_on_pull_rebase(team: Team) -> None:
    log_both(team)
    pulled = git(team.b, "pull", "--rebase", "-q", check=False)
    assert pulled.returncode == 0, pulled.stderr
    assert team.account(team.b) == ACCOUNT + CALL_BY_A + EMAIL_BY_B
    assert git(team.b, "log", "--format=%s").stdout.split("\n")[:3] == [
        "lee: email",
        "dana: call",
        "start",
    ]
    git(team.b, "push", "-q")
    git(team.a, "pull", "-q")
    assert team.account(team.a) == team.account(team.b)


def test_cherry_picked_entry_is_kept_once(team: Team) -> None:
    repo = team.a
    git(repo, "checkout", "-q", "-b", "side")
    tp("log", "acme", "Lee sent the new price list.", "-k", "email", "--dir", str(repo))
    team.commit(repo, "side: email")
    git(repo, "checkout", "-q", "main")
    tp(
        "log",
        "acme",
        "Dana called about the delivery.",
        "--with",
        "Jane",
        "--date",
        "yesterday",
        "--dir",
        str(repo),
    )
    team.commit(repo, "main: call")
    git(repo, "cherry-pick", "side")  # the driver merges the email after the call
    assert team.account(repo) == ACCOUNT + CALL_BY_A + EMAIL_BY_B
    git(repo, "merge", "-q", "--no-edit", "side")  # the same email on both sides
    assert team.account(repo) == ACCOUNT + CALL_BY_A + EMAIL_BY_B


def test_without_the_driver_the_same_pull_conflicts(team: Team) -> None:
    """The control for the two tests above: plain git cannot merge two appends."""
    git(team.b, "config", "--remove-section", "merge.touchplan")
    log_both(team)
    pulled = git(team.b, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode != 0
    assert "CONFLICT (content): Merge conflict in accounts/acme.yaml" in pulled.stdout


def test_both_changing_the_owner_is_left_as_a_conflict(team: Team) -> None:
    path_a, path_b = team.a / "accounts" / "acme.yaml", team.b / "accounts" / "acme.yaml"
    path_a.write_text(ACCOUNT.replace("owner: dana", "owner: sam"))
    team.commit(team.a, "hand to sam")
    git(team.a, "push", "-q")
    path_b.write_text(ACCOUNT.replace("owner: dana", "owner: lee"))
    team.commit(team.b, "hand to lee")
    pulled = git(team.b, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode != 0
    assert "ours changed `owner`; resolve the conflict by hand" in pulled.stderr
    assert "CONFLICT (content): Merge conflict in accounts/acme.yaml" in pulled.stdout
    assert git(team.b, "status", "--porcelain").stdout == "UU accounts/acme.yaml\n"
    assert path_b.read_text() == ACCOUNT.replace(
        "owner: dana\n", "<<<<<<< ours\nowner: lee\n=======\nowner: sam\n>>>>>>> theirs\n"
    )


def test_merge_union_loses_a_call(team: Team) -> None:
    """Regression guard: `merge=union` is not a substitute for the driver. Both calls
    share their first lines, so union keeps one entry with two `summary:` keys."""
    for clone in (team.a, team.b):
        (clone / ".git" / "info" / "attributes").write_text("accounts/**/*.yaml merge=union\n")
    summary_a, summary_b = "Dana heard the delivery is late.", "Lee was asked for a quote."
    tp("log", "acme", summary_a, "--dir", str(team.a))
    team.commit(team.a, "dana: call")
    git(team.a, "push", "-q")
    tp("log", "acme", summary_b, "--dir", str(team.b))
    team.commit(team.b, "lee: call")
    pulled = git(team.b, "pull", "--no-rebase", "-q", "--no-edit", check=False)
    assert pulled.returncode == 0  # union says all is well ...
    assert team.account(team.b).endswith(
        "  - date: 2026-11-24\n    kind: call\n"
        f"    summary: {summary_b}\n    summary: {summary_a}\n"
    )  # ... but two calls became one entry
    code, out, _ = tp("check", "--dir", str(team.b))
    assert code == 1
    duplicate = "summary: duplicate key (first on line 16) (keep one of the two)"
    assert out == f"accounts/acme.yaml:17: {duplicate}\n"


def test_init_is_idempotent_and_keeps_existing_lines(tmp_path: Path, git_env: Path) -> None:
    repo = new_repo(tmp_path / "r", "dana@acme.example")
    (repo / ".gitattributes").write_text("*.png binary")  # no final line break
    (repo / ".gitignore").write_text("*.pyc\n")
    code, out, _ = tp("init", "--dir", str(repo))
    assert code == 0
    assert out.splitlines() == [
        "created    accounts/",
        "created    touchplan.yaml (the defaults, commented)",
        "added      .gitattributes: accounts/**/*.yaml merge=touchplan, "
        "accounts/**/*.yml merge=touchplan",
        "added      .gitignore: touchplan.local.yaml, *.touchplan-tmp, .touchplan.lock",
        "configured git config merge.touchplan.name, merge.touchplan.driver",
    ]
    assert (repo / ".gitattributes").read_text() == (
        "*.png binary\n"
        "# touchplan: merge two reps' logs on one account (touchplan init)\n"
        "accounts/**/*.yaml merge=touchplan\naccounts/**/*.yml merge=touchplan\n"
    )
    assert (repo / ".gitignore").read_text() == (
        "*.pyc\n# touchplan: per-person settings, interrupted writes, the write lock\n"
        "touchplan.local.yaml\n*.touchplan-tmp\n.touchplan.lock\n"
    )
    assert (repo / "touchplan.yaml").read_text() == POLICY_TEMPLATE
    names = ("touchplan.yaml", ".gitattributes", ".gitignore", ".git/config")
    before = {name: (repo / name).read_bytes() for name in names}
    code, out, _ = tp("init", "--dir", str(repo))
    assert code == 0
    assert all(line.startswith("ok ") for line in out.splitlines())
    assert {name: (repo / name).read_bytes() for name in names} == before
    driver = git(repo, "config", "merge.touchplan.driver").stdout
    assert driver == "touchplan merge-driver %O %A %B %P\n"
    attrs = git(repo, "check-attr", "merge", "accounts/a.yaml", "accounts/east/b.yml").stdout
    assert attrs == "accounts/a.yaml: merge: touchplan\naccounts/east/b.yml: merge: touchplan\n"
    assert git(repo, "check-ignore", "touchplan.local.yaml").returncode == 0


def test_init_outside_git_prints_the_commands(tmp_path: Path, git_env: Path) -> None:
    folder = tmp_path / "plain"
    code, out, _ = tp("init", "--dir", str(folder))
    assert code == 0
    assert (folder / "accounts").is_dir()
    assert out.splitlines()[-3:] == [
        "todo       not a git repository: configure the merge driver in each clone, with",
        '    git config merge.touchplan.name "touchplan: merge appended history entries"',
        '    git config merge.touchplan.driver "touchplan merge-driver %O %A %B %P"',
    ]


def test_init_sets_up_where_you_stand_not_a_folder_above(
    tmp_path: Path, git_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a parent that happens to hold an accounts/ folder (another team's data)
    (tmp_path / "accounts").mkdir()
    (tmp_path / "work").mkdir()
    clone = new_repo(tmp_path / "work" / "clone", "dana@acme.example")
    monkeypatch.chdir(clone)
    code, _out, _err = tp("init")
    assert code == 0
    assert (clone / "accounts").is_dir() and (clone / "touchplan.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts", "home", "work"]


def test_the_data_root_is_never_found_outside_the_git_repository(
    tmp_path: Path, git_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "accounts").mkdir()  # someone else's data, above the repository
    clone = new_repo(tmp_path / "clone", "dana@acme.example")
    (clone / "docs").mkdir()
    monkeypatch.chdir(clone / "docs")
    code, out, err = tp("today")
    assert (code, out) == (1, "")
    assert " ".join(err.split()).startswith(
        f"error: no touchplan data here: no touchplan.yaml or accounts/ in {clone / 'docs'}"
    )
    (clone / "accounts").mkdir()
    assert tp("today", "--format", "json")[0] == 0  # inside it, found upwards as before


def test_the_bundled_policy_is_the_init_template() -> None:
    assert (REPO / "touchplan.yaml").read_text() == POLICY_TEMPLATE


def test_doctor_detects_a_missing_driver(team: Team) -> None:
    git(team.b, "config", "--unset", "merge.touchplan.driver")
    code, out, _ = tp("doctor", "--dir", str(team.b))
    assert code == 1
    assert "FAIL  merge driver" in out
    assert "merge.touchplan.driver is not set" in out
    assert 'git config merge.touchplan.driver "touchplan merge-driver %O %A %B %P"' in out
    assert "1 thing to fix, then run `touchplan doctor` again." in out
    assert tp("init", "--dir", str(team.b))[0] == 0
    code, out, _ = tp("doctor", "--dir", str(team.b))
    assert code == 0, out
    assert out.rstrip().endswith("All good.")


def test_doctor_json_lists_every_problem(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = team.b
    (repo / ".gitattributes").write_text("accounts/*.yaml merge=touchplan\n")  # no sub-folders
    (repo / ".gitignore").write_text("")
    (repo / "touchplan.local.yaml").write_text("me: lee\n")
    git(repo, "add", "-f", "touchplan.local.yaml")
    monkeypatch.setenv("TOUCHPLAN_CACHE_DIR", str(repo / ".cache"))  # inside, not ignored
    code, out, _ = tp("doctor", "-f", "json", "--dir", str(repo))
    assert code == 1
    checks = {c["name"]: c for c in yaml.safe_load(out)["checks"]}
    failed = sorted(name for name, c in checks.items() if not c["ok"])
    assert failed == ["cache and lock folder", "git attributes", "local settings"]
    assert "accounts/team/example.yaml (merge: unspecified)" in checks["git attributes"]["detail"]
    assert checks["local settings"]["fix"] == "git rm --cached touchplan.local.yaml"
    assert checks["owners"]["detail"] == "you are lee (me: in touchplan.local.yaml)"


def test_doctor_outside_git(root: Path, git_env: Path) -> None:
    code, out, _ = tp("doctor", "-f", "json", "--dir", str(root))
    assert code == 1
    checks = yaml.safe_load(out)["checks"]
    assert checks[0] == {
        "name": "git repository",
        "ok": False,
        "detail": f"{root} is not in a git work tree (or git is not installed)",
        "fix": "git init, then touchplan init",
    }


# -- pre-commit ---------------------------------------------------------------------------


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["touchplan-check"]
    hook = hooks[0]
    assert hook["entry"] == "touchplan check"
    assert hook["pass_filenames"] is False
    assert hook["language"] == "python"


def test_plain_pre_commit_hook_refuses_a_broken_file(team: Team) -> None:
    hook = team.a / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexec touchplan check\n")  # as documented in team.py
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    path = team.a / "accounts" / "acme.yaml"
    path.write_text(ACCOUNT.replace("tier: A", "tier: Z"))
    refused = git(team.a, "commit", "-qam", "oops", check=False)
    assert refused.returncode != 0
    assert "accounts/acme.yaml:3: tier: 'Z' is not one of A, B, C" in refused.stderr
    path.write_text(ACCOUNT.replace("tier: A", "tier: B"))
    assert git(team.a, "commit", "-qam", "fine", check=False).returncode == 0


def test_git_runs_the_installed_executable() -> None:
    """The driver in the git tests above is the `touchplan` on PATH, not this process."""
    found = shutil.which("touchplan")
    assert found is not None and os.access(found, os.X_OK)


def test_a_field_change_and_logs_on_both_sides_merge_on_pull(team: Team) -> None:
    """Dana re-tiers the account and logs a call; Lee logs an email: nothing to decide."""
    path = team.a / "accounts" / "acme.yaml"
    path.write_text(path.read_text().replace("tier: A", "tier: B"))
    team.commit(team.a, "dana: tier B")
    log_both(team)
    pulled = git(team.b, "pull", "--no-rebase", "-q", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    expected = ACCOUNT.replace("tier: A", "tier: B") + CALL_BY_A + EMAIL_BY_B
    assert team.account(team.b) == expected
    assert git(team.b, "status", "--porcelain").stdout == ""
    assert tp("check", "--dir", str(team.b)) == (0, "", "")


def test_both_sides_changing_one_field_is_still_a_conflict(team: Team) -> None:
    for clone, owner in ((team.a, "sam"), (team.b, "lee")):
        path = clone / "accounts" / "acme.yaml"
        path.write_text(path.read_text().replace("owner: dana", f"owner: {owner}"))
        team.commit(clone, f"owner {owner}")
    git(team.a, "push", "-q")
    pulled = git(team.b, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode != 0
    assert "CONFLICT (content): Merge conflict in accounts/acme.yaml" in pulled.stdout
    assert "<<<<<<< " in team.account(team.b)
