"""Reading touchplan.yaml: every key takes effect; bad values are located problems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import Run
from touchplan.config import (
    DEFAULT_IMPORTANCE,
    Policy,
    Step,
    Weights,
    load_config,
    read_policy,
)
from touchplan.model import ItemClass, ItemKind, Relationship, Tier, TouchKind

REPO = Path(__file__).resolve().parent.parent
NAME = "touchplan.yaml"
DEFAULT = Policy(source=NAME)

EVERY_KEY = b"""\
# every setting changed from its default
capacity: 4
working_days: [mon, tue, wed, thu, fri, sat]
holidays:
  - 2026-12-24
  - 2026-12-31
lookahead: 3
plan_ahead: 5
grace: 5
touch:
  every: {A: 10, B: 21, C: 60}
  tighten_factor: 0.25
  new_customer_days: 45
  after_problem_days: 30
visit:
  every: {A: 60, B: 120, C: 365}
review:
  every: {A: 30, B: 60, C: null}
relationship: {transactional: 2, partnering: 0.5}
problem:
  every: 1
  first_response: 0
renewal:
  lead: 90
  escalate: [14, 45]
  rhythm: 10
  rhythm_close: 2
sequences:
  - name: welcome-pack
    after: [sale, since]
    days: 3
    action: Send the welcome pack
  - name: thanks
    after: [visit]
    days: 1
    kind: thank-you
    action: Say thanks
    closed_by: [thank-you, email]
    expires: 3
  - name: check
    after: [meeting]
    days: 0
    kind: gap-check
    action: Same-day check
    closed_by: done
    class: cadence
weights:
  commitment: 500
  late_day: 20
  importance: {problem: 9, gap-check: 0}
  tier: {A: 40, C: 2}
"""


def test_grace_null_ranks_cadence_work_by_score_alone() -> None:
    policy, problems = read_policy(b"grace: null\n", NAME)
    assert (policy.grace, problems) == (None, [])
    assert DEFAULT.grace == 3


def test_every_key_overridden_takes_effect() -> None:
    policy, problems = read_policy(EVERY_KEY, NAME)
    assert problems == []
    importance = dict(DEFAULT_IMPORTANCE)
    importance[ItemKind.PROBLEM] = 9.0
    importance[ItemKind.GAP_CHECK] = 0.0
    assert policy == Policy(
        capacity=4,
        working_days=frozenset({0, 1, 2, 3, 4, 5}),
        holidays=frozenset({date(2026, 12, 24), date(2026, 12, 31)}),
        lookahead=3,
        plan_ahead=5,
        grace=5,
        touch_every={Tier.A: 10, Tier.B: 21, Tier.C: 60},
        tighten_factor=0.25,
        new_customer_days=45,
        after_problem_days=30,
        visit_every={Tier.A: 60, Tier.B: 120, Tier.C: 365},
        review_every={Tier.A: 30, Tier.B: 60, Tier.C: None},
        relationship={
            Relationship.TRANSACTIONAL: 2.0,
            Relationship.RELATIONAL: 1.0,
            Relationship.PARTNERING: 0.5,
        },
        problem_every=1,
        problem_first=0,
        renewal_lead=90,
        renewal_escalate=(45, 14),
        renewal_rhythm=10,
        renewal_rhythm_close=2,
        sequences=(
            Step(
                "welcome-pack",
                frozenset({"sale", "since"}),
                3,
                ItemKind.FOLLOW_UP,
                "Send the welcome pack",
                None,
            ),
            Step(
                "thanks",
                frozenset({"visit"}),
                1,
                ItemKind.THANK_YOU,
                "Say thanks",
                frozenset({TouchKind.THANK_YOU, TouchKind.EMAIL}),
                expires=3,
            ),
            Step(
                "check",
                frozenset({"meeting"}),
                0,
                ItemKind.GAP_CHECK,
                "Same-day check",
                None,
                cls=ItemClass.CADENCE,
            ),
        ),
        weights=Weights(
            commitment=500.0,
            late_day=20.0,
            importance=importance,
            tier={Tier.A: 40.0, Tier.B: 15.0, Tier.C: 2.0},
        ),
        source=NAME,
    )


def test_the_bundled_policy_is_the_defaults_plus_holidays() -> None:
    policy, problems = read_policy((REPO / NAME).read_bytes(), NAME)
    assert problems == []
    assert policy == replace(DEFAULT, holidays=frozenset({date(2026, 12, 25), date(2027, 1, 1)}))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"# only a comment\n", id="comment"),
        pytest.param(b"---\n", id="null-document"),
    ],
)
def test_an_empty_policy_is_the_defaults(text: bytes) -> None:
    assert read_policy(text, NAME) == (DEFAULT, [])


BAD_ROWS = [
    pytest.param(
        "# the team's policy\n\ncapacity: many\n",
        ["touchplan.yaml:3: capacity: 'many' is not a whole number"],
        {},
        id="capacity-not-a-number",
    ),
    pytest.param(
        "grace: -1\n",
        ["touchplan.yaml:1: grace: -1 is below the minimum 0"],
        {},
        id="grace-negative",
    ),
    pytest.param(
        "grace: soon\n",
        ["touchplan.yaml:1: grace: 'soon' is not a whole number"],
        {},
        id="grace-not-a-number",
    ),
    pytest.param(
        "capacity: 0\n",
        ["touchplan.yaml:1: capacity: 0 is below the minimum 1"],
        {},
        id="capacity-zero",
    ),
    pytest.param(
        "capacity: '6'\n",
        ["touchplan.yaml:1: capacity: '6' is not a whole number"],
        {},
        id="capacity-quoted",
    ),
    pytest.param(
        "capacity: 5\ncapacity: 6\n",
        ["touchplan.yaml:2: capacity: duplicate key (first on line 1) (keep one of the two)"],
        {"capacity": 5},
        id="duplicate-key",
    ),
    pytest.param(
        "working_days: [mon, funday]\n",
        [
            "touchplan.yaml:1: working_days[1]: 'funday' is not one of "
            "mon, tue, wed, thu, fri, sat, sun"
        ],
        {"working_days": frozenset({0})},
        id="working-day-name",
    ),
    pytest.param(
        "working_days: []\n",
        ["touchplan.yaml:1: working_days: needs at least one day (e.g. [mon, tue, wed])"],
        {},
        id="no-working-days",
    ),
    pytest.param(
        "holidays:\n  - 2026-12-25\n  - 2026-13-01\n",
        ["touchplan.yaml:3: holidays[1]: '2026-13-01' is not a date (use YYYY-MM-DD)"],
        {"holidays": frozenset({date(2026, 12, 25)})},
        id="holiday-not-a-date",
    ),
    pytest.param(
        "touch:\n  every: {A: 14, B: 30}\n",
        ["touchplan.yaml:2: touch.every: missing tier C (give A, B and C)"],
        {},
        id="touch-missing-tier",
    ),
    pytest.param(
        "touch:\n  every: {A: 14, B: 30, C: null}\n",
        ["touchplan.yaml:2: touch.every: every tier needs a touch cadence (give days)"],
        {},
        id="touch-null-tier",
    ),
    pytest.param(
        "touch:\n  tighten_factor: 1.5\n",
        [
            "touchplan.yaml:2: touch.tighten_factor: 1.5 is not between 0 and 1 "
            "(0.5 halves the cadence)"
        ],
        {},
        id="tighten-factor-over-1",
    ),
    pytest.param(
        "touch:\n  new_customer_days: -5\n",
        ["touchplan.yaml:2: touch.new_customer_days: -5 is below the minimum 0"],
        {},
        id="negative-days",
    ),
    pytest.param(
        "visit:\n  every: {A: 90, B: 180, C: x}\n",
        ["touchplan.yaml:2: visit.every.C: 'x' is not a whole number"],
        {},
        id="visit-not-a-number",
    ),
    pytest.param(
        "review:\n  every: {A: 0, B: 1, C: 1}\n",
        ["touchplan.yaml:2: review.every.A: 0 is below the minimum 1"],
        {},
        id="review-zero",
    ),
    pytest.param(
        "problem:\n  every: two\n",
        ["touchplan.yaml:2: problem.every: 'two' is not a whole number"],
        {},
        id="problem-every-word",
    ),
    pytest.param(
        "problem: 2\n",
        ["touchplan.yaml:1: problem: expected a mapping, found text"],
        {},
        id="problem-not-a-mapping",
    ),
    pytest.param(
        "renewal:\n  lead: 60\n  escalate: [60, 14]\n",
        ["touchplan.yaml:3: renewal.escalate: stages must be under the lead (60 days)"],
        {"renewal_lead": 60},
        id="escalate-not-under-lead",
    ),
    pytest.param(
        "weights:\n  importance: {touch: -1}\n",
        ["touchplan.yaml:2: weights.importance.touch: -1 is below the minimum 0"],
        {},
        id="negative-weight",
    ),
    pytest.param(
        "weights:\n  late_day: lots\n",
        [
            "touchplan.yaml:2: weights.late_day: 'lots' is not a number "
            "(write digits only, e.g. 120000)"
        ],
        {},
        id="weight-not-a-number",
    ),
    pytest.param(
        "sequences:\n  - name: x\n    after: [sael]\n    days: 3\n    action: Do x\n",
        [
            "touchplan.yaml:3: sequences[0].after[0]: 'sael' is not one of call, visit, meeting, "
            "email, letter, note, review, sale, renewal, thank-you, share, imported, attempt, since"
        ],
        {},
        id="step-trigger-typo",
    ),
    pytest.param(
        "sequences:\n  - name: x\n    days: 3\n",
        ["touchplan.yaml:2: sequences[0]: missing after, action (see the README's sequences)"],
        {},
        id="step-missing-keys",
    ),
    pytest.param(
        "sequences:\n  - {name: x, after: [sale], days: -1, action: A}\n",
        ["touchplan.yaml:2: sequences[0].days: -1 is below the minimum 0"],
        {},
        id="step-negative-days",
    ),
    pytest.param(
        "sequences:\n  - {name: x, after: [sale], days: 1, action: A, kind: call}\n",
        [
            "touchplan.yaml:2: sequences[0].kind: 'call' is not one of touch, visit, review, "
            "thank-you, gap-check, follow-up, problem, renewal, stakeholder"
        ],
        {"sequences": (Step("x", frozenset({"sale"}), 1, ItemKind.FOLLOW_UP, "A", None),)},
        id="step-item-kind",
    ),
    pytest.param(
        "sequences:\n  - name: x\n    after: [sale]\n    days: 3\n    action: Do x\n"
        "    closed_by: []\n",
        ["touchplan.yaml:6: sequences[0].closed_by: lists no kinds (list kinds, or write done)"],
        {},
        id="step-closed-by-nothing",
    ),
    pytest.param(
        "sequences:\n  - {name: x, after: [sale], days: 1, action: A}\n"
        "  - {name: x, after: [visit], days: 2, action: B}\n",
        ["touchplan.yaml:2: sequences: step names repeat: x"],
        {},
        id="step-names-repeat",
    ),
    pytest.param(
        "- capacity\n- 6\n",
        ["touchplan.yaml:1: expected one mapping of settings"],
        {},
        id="not-a-mapping",
    ),
]


@pytest.mark.parametrize(("text", "expected", "changes"), BAD_ROWS)
def test_bad_values_are_located(text: str, expected: list[str], changes: dict[str, Any]) -> None:
    policy, problems = read_policy(text.encode(), NAME)
    assert [str(p) for p in problems] == expected
    assert all(p.fatal for p in problems)
    # a bad value never takes effect: the default (or the valid part) stays
    assert policy == replace(DEFAULT, **changes)


UNKNOWN_ROWS = [
    pytest.param(
        "capacty: 5\n", "touchplan.yaml:1: capacty: unknown key (did you mean 'capacity'?)"
    ),
    pytest.param(
        "touch:\n  evry: {A: 1, B: 2, C: 3}\n",
        "touchplan.yaml:2: touch.evry: unknown key (did you mean 'every'?)",
    ),
    pytest.param(
        "renewal:\n  leed: 30\n",
        "touchplan.yaml:2: renewal.leed: unknown key (did you mean 'lead'?)",
    ),
    pytest.param(
        "weights:\n  importance: {tuch: 3}\n",
        "touchplan.yaml:2: weights.importance.tuch: unknown key (did you mean 'touch'?)",
    ),
    pytest.param(
        "review:\n  every: {A: 1, B: 1, C: 1, D: 1}\n",
        "touchplan.yaml:2: review.every.D: unknown key (known keys: A, B, C)",
    ),
    pytest.param(
        "sequences:\n  - {name: x, after: [sale], day: 1, days: 1, action: A}\n",
        "touchplan.yaml:2: sequences[0].day: unknown key (did you mean 'days'?)",
    ),
]


@pytest.mark.parametrize(("text", "expected"), UNKNOWN_ROWS)
def test_unknown_keys_say_did_you_mean(text: str, expected: str) -> None:
    _policy, problems = read_policy(text.encode(), NAME)
    assert [str(p) for p in problems] == [expected]
    # reported (so `check` fails) but not fatal: planning still runs
    assert [p.fatal for p in problems] == [False]


def test_sections_read_by_other_modules_are_not_unknown() -> None:
    # `tiers:` and `owners:` are other sections of the same config: not unknown keys
    assert read_policy(b"tiers:\n  A: 80\n  B: 95\n", NAME) == (DEFAULT, [])


def test_load_config_defaults_what_is_wrong_and_keeps_the_problem(tmp_path: Path) -> None:
    (tmp_path / NAME).write_text("capacity: 3\nrenewal:\n  lead: soon\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert [str(p) for p in config.problems if p.fatal] == [
        "touchplan.yaml:3: renewal.lead: 'soon' is not a whole number"
    ]
    assert config.policy == replace(DEFAULT, capacity=3)


def test_load_config_reads_the_file_and_defaults_without_one(tmp_path: Path) -> None:
    assert load_config(tmp_path).policy == Policy()
    (tmp_path / NAME).write_text("capacity: 3\ncapcity: 4\n", encoding="utf-8")
    assert load_config(tmp_path).policy == replace(DEFAULT, capacity=3)


# -- one error policy: every planning command warns, `check` fails --------------------------

CAPACITY_WARNING = (
    "warning: touchplan.yaml:1: capacity: 0 is below the minimum 1 — using the default for it"
)
PLANNING_COMMANDS = [
    ("today",),
    ("week",),
    ("renewals",),
    ("report",),
    ("show", "acme"),
    ("why", "acme"),
    ("log", "acme", "Called about the order"),
    ("add", "Globex", "--tier", "B"),
]


@pytest.mark.parametrize("argv", PLANNING_COMMANDS, ids=[a[0] for a in PLANNING_COMMANDS])
def test_every_planning_command_warns_once_and_plans_with_the_default(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Run], argv: tuple[str, ...]
) -> None:
    write_account("acme", "name: Acme\ntier: A\nhistory:\n")
    (root / NAME).write_text("capacity: 0\n", encoding="utf-8")
    result = run(*argv)
    assert result.exit_code == 0, result.stderr
    # once: the file is read once per command
    assert result.stderr.splitlines() == [CAPACITY_WARNING]


def test_check_fails_on_what_the_other_commands_warn_about(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Run]
) -> None:
    write_account("acme", "name: Acme\ntier: A\nhistory:\n")
    (root / NAME).write_text("capacity: 0\nowners: dana\n", encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "touchplan.yaml:1: capacity: 0 is below the minimum 1",
        "touchplan.yaml:2: owners: expected a mapping, found text",
    ]
    today = run("today")
    assert today.exit_code == 0
    assert today.stderr.splitlines() == [
        CAPACITY_WARNING,
        "warning: touchplan.yaml:2: owners: expected a mapping, found text — using the "
        "default for it",
    ]
