"""End to end: the installed `touchplan` executable, as a real process, on a temp copy of
the bundled sample data (the `demo` fixture). Smoke-level: exact numbers live in the
CliRunner tests over hand-made files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

TOUCHPLAN = shutil.which("touchplan")
GIT = shutil.which("git")
ITEM_KEYS = {
    "id",
    "class",
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
}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def touchplan(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed executable; the pinned test environment is inherited."""
    assert TOUCHPLAN, "touchplan is not on PATH: install the package (pip install -e .)"
    return subprocess.run(
        [TOUCHPLAN, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def git(*args: str, cwd: Path) -> str:
    assert GIT, "git is needed for the diff check"
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    done = subprocess.run(
        [GIT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def account_slugs(demo: Path) -> list[str]:
    return sorted(p.stem for p in (demo / "accounts").rglob("*.yaml"))


def lines_added(demo: Path, rel: str, fields: int) -> int:
    """An entry of ``fields`` lines, plus a `history:` line for a file without one."""
    text = (demo / rel).read_text(encoding="utf-8")
    return fields + (not re.search(r"^history:", text, re.MULTILINE))


def test_today_table(demo: Path) -> None:
    done = touchplan("today", cwd=demo / "accounts")  # the root is found upwards
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    first = done.stdout.splitlines()[0].rstrip()
    assert re.fullmatch(
        r"Today, Tue 2026-11-24 · everyone · 6 of (\d+) calls due \(capacity 6\)", first
    ), first
    total = int(first.rsplit(" of ", 1)[1].split()[0])
    assert total > 6  # the sample data is meant to overflow a day
    more = total - 6
    assert done.stdout.rstrip().splitlines()[-1] == (
        f"{more} more call{'' if more == 1 else 's'} due — `touchplan today --all` lists them."
    )


def test_today_json(demo: Path) -> None:
    done = touchplan("today", "--format", "json", "--all", cwd=demo)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["date"] == "2026-11-24"
    assert (data["more"], data["more_calls"]) == (0, 0)
    calls, items = data["calls"], data["items"]
    assert len(calls) > 6
    assert [c["rank"] for c in calls] == list(range(1, len(calls) + 1))
    assert len({c["account"] for c in calls}) == len(calls)  # one call per account
    for item in items:
        assert set(item) >= ITEM_KEYS
        assert ISO.match(item["due"])
        assert item["overdue_days"] >= 0 or item["class"] == "commitment"  # done early
        assert (demo / item["file"]).is_file()
        assert item["account"] == Path(item["file"]).stem
        assert item["reasons"] and all(isinstance(r, str) for r in item["reasons"])
    # calls with a commitment due first, then cadence work; each by score, highest first
    due_commitment = [
        c for c in calls
        if any(i["class"] == "commitment" and i["overdue_days"] >= 0 for i in c["items"])
    ]  # fmt: skip
    assert calls[: len(due_commitment)] == due_commitment
    for part in (calls[: len(due_commitment)], calls[len(due_commitment) :]):
        scores = [c["score"] for c in part]
        assert scores == sorted(scores, reverse=True)
    capped = json.loads(touchplan("today", "--format", "json", cwd=demo).stdout)
    assert capped["calls"] == calls[:6]
    assert capped["more_calls"] == len(calls) - 6


def test_every_sample_account_logs_as_pure_additions(demo: Path) -> None:
    git("init", "-q", cwd=demo)
    git("add", "-A", cwd=demo)
    git("commit", "-q", "-m", "sample data", cwd=demo)
    slugs = account_slugs(demo)
    assert len(slugs) >= 12
    expected = {
        p.relative_to(demo).as_posix(): lines_added(demo, p.relative_to(demo).as_posix(), 4)
        for p in (demo / "accounts").rglob("*.yaml")
    }
    for slug in slugs:
        done = touchplan(
            "log", slug, "End-to-end call", "--kind", "call", "--next", "+3d Call back", cwd=demo
        )
        assert done.returncode == 0, (slug, done.stderr)
        assert done.stdout.startswith("Logged call on 2026-11-24 → accounts/")
    numstat = git("diff", "--numstat", cwd=demo).splitlines()
    assert len(numstat) == len(slugs)
    for row in numstat:
        added, deleted, path = row.split("\t")
        # date, kind, summary, next: four lines added, none changed or deleted
        assert (int(added), int(deleted)) == (expected[path], 0), row
    check = touchplan("check", cwd=demo)
    assert (check.returncode, check.stdout, check.stderr) == (0, "", "")


def test_log_done_then_show(demo: Path) -> None:
    git("init", "-q", cwd=demo)
    git("add", "-A", cwd=demo)
    git("commit", "-q", "-m", "sample data", cwd=demo)
    slug = account_slugs(demo)[0]
    (file,) = (demo / "accounts").rglob(f"{slug}.yaml")
    rel = file.relative_to(demo).as_posix()
    expected = lines_added(demo, rel, 4)  # date, kind, summary, done
    before = json.loads(touchplan("show", slug, "--format", "json", cwd=demo).stdout)
    target = next(i for i in before["items"] if i["kind"] != "problem")
    done = touchplan("log", slug, "Closed the loop", "--done", target["id"], cwd=demo)
    assert done.returncode == 0, done.stderr
    assert git("diff", "--numstat", cwd=demo).splitlines() == [f"{expected}\t0\t{rel}"]
    shown = json.loads(touchplan("show", slug, "--format", "json", cwd=demo).stdout)
    assert shown["history"][-1] == {
        "date": "2026-11-24",
        "kind": "call",
        "with": "",
        "summary": "Closed the loop",
        "next": None,
        "problem": None,
        "resolved": False,
        "done": True,
        "renewal": None,
        "done_ids": [target["id"]],
        "resolved_ids": [],
        "stage": None,
        "item": None,
        "until": None,
        "cancelled_ids": [],
        "ref": None,
        "rating": None,
    }


def test_help_and_version(demo: Path) -> None:
    helped = touchplan("--help", cwd=demo)
    assert helped.returncode == 0
    assert helped.stdout.startswith("Usage: touchplan ")
    for command in ("today", "log", "add", "show", "why", "week", "renewals", "snooze", "check"):
        assert re.search(rf"^\s+{command}\s", helped.stdout, re.MULTILINE), command
    shown = touchplan("--version", cwd=demo)
    assert (shown.returncode, shown.stdout) == (0, f"touchplan {version('touchplan')}\n")
    module = subprocess.run(
        [sys.executable, "-m", "touchplan", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (module.returncode, module.stdout) == (0, shown.stdout)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["today", "--date", "someday"], 2),
        (["today", "--format", "yaml"], 2),
        (["show", "no-such-account"], 1),
        (["log", "no-such-account", "x"], 1),
        (["frobnicate"], 2),
    ],
)
def test_exit_codes(demo: Path, args: list[str], code: int) -> None:
    done = touchplan(*args, cwd=demo)
    assert done.returncode == code
    assert done.stdout == ""
    assert done.stderr.strip()
    assert "Traceback" not in done.stderr


def test_no_data_root(tmp_path: Path) -> None:
    done = touchplan("today", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("error: no touchplan data here")
    assert "Traceback" not in done.stderr
