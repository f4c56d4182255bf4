"""The settings kept beside the cache: the same Config as reading touchplan.yaml, so a
warm `today` never imports PyYAML; any edit to either file is read again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, Run
from test_cache_policy import EDITS
from touchplan.config import config_from_plain, plain, read_config
from touchplan.files.settings import SETTINGS_NAME
from touchplan.files.state import state_dir

POLICIES = {
    **EDITS,
    "the sample": (REPO / "touchplan.yaml").read_text(encoding="utf-8"),
    "nothing": "",
    "wrong values": "capacity: lots\ngrace: -1\ntouch:\n  every: {A: 7}\nweights: [1]\n",
    "not YAML": "capacity: [6\n",
    "owners in an order": "owners:\n  zed: [zed@example.com, Zed Z]\n  amy: amy@example.com\n"
    "  bo: [Zed Z]\nme: amy\ntiers: {A: 70.5, B: 90, by: revenue}\n",
}


@pytest.mark.parametrize("name", POLICIES)
def test_the_kept_form_reads_back_as_the_same_config(name: str) -> None:
    config = read_config(POLICIES[name].encode(), b"me: zed\n")
    text = json.dumps(plain(config, canonical=False))
    again = config_from_plain(json.loads(text))
    assert again == config
    assert list(again.owners.emails) == list(config.owners.emails)  # the first alias wins
    assert again.owners.aliases() == config.owners.aliases()
    assert [type(v) for v in vars(again.policy.weights).values()] == [
        type(v) for v in vars(config.policy.weights).values()
    ]


@pytest.mark.parametrize("damage", ["not json", "[]", "\x00", "config 1", "fields missing"])
def test_a_damaged_kept_copy_is_read_again(
    demo: Path, run_in_demo: Callable[..., Run], damage: str
) -> None:
    expected = run_in_demo("today", "--format", "json").stdout
    kept = state_dir(demo) / SETTINGS_NAME
    key = json.loads(kept.read_text(encoding="utf-8"))["key"]  # kept by that run
    texts = {
        "config 1": json.dumps({"key": key, "config": 1}),
        "fields missing": json.dumps({"key": key, "config": {"policy": {"capacity": 1}}}),
    }
    kept.write_text(texts.get(damage, damage), encoding="utf-8")
    assert run_in_demo("today", "--format", "json").stdout == expected
    assert json.loads(kept.read_text(encoding="utf-8"))["key"] == key  # kept again


@pytest.fixture
def run_in_demo(demo: Path) -> Callable[..., Run]:
    from typer.testing import CliRunner

    from touchplan.cli import app

    def invoke(*args: str) -> Run:
        result = CliRunner().invoke(app, [*args, "--dir", str(demo)], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


def test_each_edit_is_read_and_its_problems_said_every_run(
    demo: Path, run_in_demo: Callable[..., Run]
) -> None:
    policy = demo / "touchplan.yaml"
    policy.write_text("capacity: 2\ngrace: soon\n", encoding="utf-8")
    for _ in range(2):  # read, then kept: the same calls and the same warning
        result = run_in_demo("today", "--format", "json")
        assert len(json.loads(result.stdout)["calls"]) == 2
        assert "touchplan.yaml:2: grace:" in result.stderr
    policy.write_text("capacity: 3\n", encoding="utf-8")
    result = run_in_demo("today", "--format", "json")
    assert len(json.loads(result.stdout)["calls"]) == 3
    assert result.stderr == ""
    (demo / "touchplan.local.yaml").write_text("me: nobody-here\n", encoding="utf-8")
    assert json.loads(run_in_demo("today", "--format", "json").stdout)["calls"] == []


def test_a_warm_today_imports_no_yaml(demo: Path) -> None:
    env = {**os.environ, "TOUCHPLAN_DIR": str(demo)}
    code = (
        "import sys\n"
        "from touchplan.cli import main\n"
        "sys.argv = ['touchplan', 'today']\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "print('yaml' in sys.modules, file=sys.stderr)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [r.stderr.splitlines()[-1] for r in runs] == ["True", "False"]  # cold, then warm
    assert runs[0].stdout == runs[1].stdout
