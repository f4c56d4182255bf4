"""The team's settings: the one reader of ``touchplan.yaml`` and ``touchplan.local.yaml``.

A command calls `load_config` once and gets everything both files say: the planning
policy (every default from the playbook, overridable), the owners and who "me" is,
and the 80/20 tier thresholds, with every problem found, located. What is wrong is
left at its default; the CLI decides, in one place, how loudly to say so.

``touchplan.yaml`` (shared, in git)::

    capacity: 6                 # ... the policy: see the README and `touchplan init`
    owners:                     # owner (as written in account files) -> email(s)
      dana: dana@acme.example
      lee: [lee@acme.example, lee.k@acme.example]
    me: dana                    # a repository with a single rep
    tiers: {A: 80, B: 95}       # percent of total value for the 80/20 suggestion

``touchplan.local.yaml`` (per person, ignored by git) holds only ``me: NAME``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import TypeVar, Union, get_args, get_origin, get_type_hints

from touchplan.errors import AccountFileError, Problem
from touchplan.model import ItemClass, ItemKind, Relationship, Tier, TouchKind
from touchplan.text import fold_name
from touchplan.yamldoc import Document, Fields, Map, Scalar, Seq, parse

POLICY_FILE = "touchplan.yaml"
LOCAL_FILE = "touchplan.local.yaml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SINCE = "since"  # a sequence trigger that is not a touch kind: the account's start


@dataclass(frozen=True)
class Step:
    """One step of a sequence: ``days`` after a trigger, an item of ``kind`` is due;
    ``expires`` days after that an undone step is recorded as missed."""

    name: str
    after: frozenset[str]  # touch kinds, or "since"
    days: int
    kind: ItemKind
    action: str
    closed_by: frozenset[TouchKind] | None  # None: closed only explicitly (`done`)
    expires: int | None = None  # days after due; None: open until closed
    cls: ItemClass = ItemClass.COMMITMENT


DEFAULT_SEQUENCES = (
    Step(
        "thank-you",
        frozenset({"sale", "visit", "meeting"}),
        2,
        ItemKind.THANK_YOU,
        "Send a thank-you note",
        frozenset({TouchKind.THANK_YOU}),
        expires=7,
    ),
    Step(
        "gap-check",
        frozenset({"sale", SINCE}),
        7,
        ItemKind.GAP_CHECK,
        "Check that what was delivered is what was expected",
        None,
        expires=14,
    ),
    Step(
        "implementation-review",
        frozenset({"sale"}),
        30,
        ItemKind.REVIEW,
        "Implementation review: is it working as promised?",
        frozenset({TouchKind.REVIEW}),
        expires=30,
    ),
    Step(
        "introductions",
        frozenset({SINCE}),
        14,
        ItemKind.STAKEHOLDER,
        "Introductions: our accounts receivable and support people to theirs",
        None,
        expires=30,
    ),
)

# Among commitments due on the same day: what matters most.
DEFAULT_IMPORTANCE = {
    ItemKind.PROBLEM: 5.0,
    ItemKind.RENEWAL: 4.0,
    ItemKind.FOLLOW_UP: 3.0,
    ItemKind.BOOKED: 3.0,
    ItemKind.THANK_YOU: 2.0,
    ItemKind.REVIEW: 2.0,
    ItemKind.GAP_CHECK: 1.0,
    ItemKind.VISIT: 1.0,
    ItemKind.TOUCH: 1.0,
    ItemKind.STAKEHOLDER: 1.0,
    ItemKind.BIRTHDAY: 1.0,
}
# Cadence work of these kinds weighs less than a touch, visit or review of its tier
# (every other kind: 1): meeting a second stakeholder is worth doing, never at the
# cost of the regular contact.
DEFAULT_CADENCE_WEIGHT = {ItemKind.STAKEHOLDER: 0.5}


@dataclass(frozen=True)
class Weights:
    """The ranking's numbers (see `touchplan why`)."""

    # every commitment due today or late: above all cadence work
    commitment: float = 1000.0
    late_day: float = 10.0  # per day a commitment is late: the nearest deadline first
    importance: dict[ItemKind, float] = field(default_factory=lambda: dict(DEFAULT_IMPORTANCE))
    # cadence urgency = tier weight x cadences since the last contact
    tier: dict[Tier, float] = field(
        default_factory=lambda: {Tier.A: 30.0, Tier.B: 15.0, Tier.C: 5.0}
    )
    # a cadence item's tier weight is multiplied by its kind's (absent: 1)
    cadence: dict[ItemKind, float] = field(default_factory=lambda: dict(DEFAULT_CADENCE_WEIGHT))


def _cadence(a: int | None, b: int | None, c: int | None) -> dict[Tier, int | None]:
    return {Tier.A: a, Tier.B: b, Tier.C: c}


DEFAULT_RELATIONSHIP = {
    Relationship.TRANSACTIONAL: 1.5,
    Relationship.RELATIONAL: 1.0,
    Relationship.PARTNERING: 0.75,
}


@dataclass(frozen=True)
class Policy:
    capacity: int = 6  # calls a working day
    working_days: frozenset[int] = frozenset(range(5))  # Monday=0 .. Friday=4
    holidays: frozenset[date] = frozenset()
    lookahead: int = 7  # cadence items due this soon join a call's agenda
    plan_ahead: int = 10  # working days ahead whose deadlines today's list protects
    spare_days: int = 1  # working days before its date a commitment is done when there is room
    # working days cadence work may run late before it ranks above cadence work that can
    # wait (None: by score alone)
    grace: int | None = 3
    touch_every: dict[Tier, int | None] = field(default_factory=lambda: _cadence(14, 30, 90))
    tighten_factor: float = 0.5
    new_customer_days: int = 90
    after_problem_days: int = 90
    visit_every: dict[Tier, int | None] = field(default_factory=lambda: _cadence(90, 180, None))
    review_every: dict[Tier, int | None] = field(default_factory=lambda: _cadence(90, 180, 365))
    review_problem_at: int = 2  # a review rated this or lower opens a problem (0: never)
    review_drop: int = 2  # a fall of this many points since the previous review is flagged
    # a second stakeholder touched at least this often (None: not watched for that tier)
    stakeholder_every: dict[Tier, int | None] = field(
        default_factory=lambda: _cadence(180, 180, None)
    )
    anniversary_days: int | None = 7  # a `since` anniversary's thank-you stays open (None: off)
    birthday_days: int | None = 2  # a contact's birthday stays open (None: off)
    relationship: dict[Relationship, float] = field(
        default_factory=lambda: dict(DEFAULT_RELATIONSHIP)
    )
    problem_every: int = 2  # working days between touches while a problem is open
    problem_first: int = 1  # working days after it is reported: the first response
    renewal_lead: int = 60
    renewal_escalate: tuple[int, ...] = (30, 14)
    # while a renewal is in progress: again in a quarter of the days left, between these
    renewal_rhythm: int = 14
    renewal_rhythm_close: int = 3
    sequences: tuple[Step, ...] = DEFAULT_SEQUENCES
    weights: Weights = field(default_factory=Weights)
    source: str = ""  # the file it came from, or "" for the defaults

    def is_working_day(self, day: date) -> bool:
        if _asked is not None:
            _asked.append((day, day))
        return day.weekday() in self.working_days and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """``day`` itself when it is a working day, else the next one."""
        start = day
        for _ in range(366):
            if day.weekday() in self.working_days and day not in self.holidays:
                break
            if day == date.max:
                break
            day += _DAY
        if _asked is not None:
            _asked.append((start, day))
        return day  # (no working day in a year: validation prevents that)

    def previous_working_day(self, day: date) -> date:
        """``day`` itself when it is a working day, else the one before."""
        start = day
        for _ in range(366):
            if day.weekday() in self.working_days and day not in self.holidays:
                break
            if day == date.min:
                break
            day -= _DAY
        if _asked is not None:
            _asked.append((day, start))
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself for 0)."""
        for _ in range(count):
            if day >= date.max - _DAY:
                return date.max
            day = self.next_working_day(day + _DAY)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        if end <= start:
            return 0
        if _asked is not None:
            _asked.append((start, end))
        full_weeks, rest = divmod((end - start).days, 7)
        count = full_weeks * len(self.working_days)
        day = start
        for _ in range(rest):
            day += _DAY
            count += day.weekday() in self.working_days
        # holidays between them that fall on working weekdays
        count -= sum(
            1 for h in self.holidays if start < h <= end and h.weekday() in self.working_days
        )
        return count


# The calendar days whose being a holiday the working-day questions above looked at,
# while ``days_asked`` watches (one account's plan, for files.cache: an edit of the
# holidays plans again only the accounts that asked about a changed day).
_asked: list[tuple[date, date]] | None = None


@contextmanager
def days_asked() -> Iterator[list[tuple[date, date]]]:
    """The (first, last) day ranges the working-day questions asked inside the block."""
    global _asked
    outer, _asked = _asked, []
    try:
        yield _asked
    finally:
        _asked = outer


# The settings whose reading a plan notes (``noting``; files.cache
# keeps, per plan, which it read: an edit of one plans again only the accounts whose plans
# read it; one with no problem never reads `problem.every`). Not `working_days`, read on
# every day a plan asks about, nor the ranking's, the tiers' cadences or the holidays,
# which the cache keys its own ways.
NOTED = (
    "tighten_factor",
    "new_customer_days",
    "after_problem_days",
    "review_problem_at",
    "review_drop",
    "anniversary_days",
    "birthday_days",
    "relationship",
    "problem_every",
    "problem_first",
    "renewal_lead",
    "renewal_escalate",
    "renewal_rhythm",
    "renewal_rhythm_close",
    "sequences",
)
NOTED_READ: set[str] = set()  # the NOTED names read through a ``noting`` copy


class _Noting(Policy):
    """A policy whose NOTED settings note their being read (``noting``): made from a
    policy's own attributes, never constructed."""


def _noting_property(name: str) -> property:
    # the set's `add` bound once: this runs about twenty times in each plan the cache makes
    def get(self: Policy, note: Callable[[str], None] = NOTED_READ.add) -> object:
        note(name)
        return self.__dict__[name]

    return property(get)


for _name in NOTED:
    setattr(_Noting, _name, _noting_property(_name))
_last_noting: list[tuple[Policy, Policy]] = []  # the last policy and its noting copy


def noting(policy: Policy) -> Policy:
    """``policy`` as a copy whose NOTED settings, read through it, go in ``NOTED_READ``
    (which the caller empties before the reads it watches; one copy per policy, kept)."""
    if not _last_noting or _last_noting[0][0] is not policy:
        copy = object.__new__(_Noting)
        copy.__dict__.update(policy.__dict__)
        _last_noting[:] = [(policy, copy)]
    return _last_noting[0][1]


_DAY = timedelta(days=1)


_TOP_KEYS = (
    "capacity",
    "working_days",
    "holidays",
    "lookahead",
    "plan_ahead",
    "spare_days",
    "grace",
    "touch",
    "visit",
    "review",
    "relationship",
    "stakeholders",
    "personal",
    "problem",
    "renewal",
    "sequences",
    "weights",
    "owners",
    "me",
    "tiers",
)


def _tier_map(f: Fields, node: Map, field_name: str) -> dict[Tier, int | None] | None:
    result: dict[Tier, int | None] = {}
    f.unknown_keys(node, [t.value for t in Tier], prefix=f"{field_name}.")
    for tier in Tier:
        if tier.value not in node.entries:
            f.problem(node, field_name, f"missing tier {tier.value}", "give A, B and C")
            return None
        value = node.entries[tier.value][1]
        if isinstance(value, Scalar) and value.is_null:
            result[tier] = None
            continue
        days = f.integer(value, f"{field_name}.{tier.value}", minimum=1)
        if days is None:
            return None
        result[tier] = days
    return result


def _cadence_section(
    f: Fields, root: Map, key: str, extra: tuple[str, ...] = ()
) -> tuple[Map | None, dict[Tier, int | None] | None]:
    if key not in root.entries:
        return None, None
    section = f.mapping(root.entries[key][1], key)
    if section is None:
        return None, None
    f.unknown_keys(section, ("every", *extra), prefix=f"{key}.")
    every = None
    if "every" in section.entries:
        node = f.mapping(section.entries["every"][1], f"{key}.every")
        if node is not None:
            every = _tier_map(f, node, f"{key}.every")
    return section, every


def _read_steps(f: Fields, node: Seq) -> tuple[Step, ...] | None:
    steps: list[Step] = []
    # a booking comes from `next:`, a birthday from a contact: no step makes either
    item_kinds = [k.value for k in ItemKind if k not in (ItemKind.BOOKED, ItemKind.BIRTHDAY)]
    # a deferral or a lost mark is bookkeeping: nothing follows from it
    triggers = [k.value for k in TouchKind if k not in (TouchKind.DEFER, TouchKind.LOST)]
    triggers.append(SINCE)
    ok = True
    for i, item in enumerate(node.items):
        where = f"sequences[{i}]"
        step = f.mapping(item, where)
        if step is None:
            ok = False
            continue
        f.unknown_keys(
            step,
            ("name", "after", "days", "kind", "action", "closed_by", "expires", "class"),
            f"{where}.",
        )
        missing = [k for k in ("name", "after", "days", "action") if k not in step.entries]
        if missing:
            f.problem(step, where, f"missing {', '.join(missing)}", "see the README's sequences")
            ok = False
            continue
        name = f.text(step.entries["name"][1], f"{where}.name", allow_empty=False)
        action = f.text(step.entries["action"][1], f"{where}.action", allow_empty=False)
        days = f.integer(step.entries["days"][1], f"{where}.days", minimum=0)
        after_node = f.sequence(step.entries["after"][1], f"{where}.after")
        after: set[str] = set()
        if after_node is not None:
            for j, trig in enumerate(after_node.items):
                value = f.choice(trig, f"{where}.after[{j}]", triggers)
                if value is not None:
                    after.add(value)
        kind = ItemKind.FOLLOW_UP
        if "kind" in step.entries:
            chosen = f.choice(step.entries["kind"][1], f"{where}.kind", item_kinds)
            kind = ItemKind(chosen) if chosen else kind
        closed_by: frozenset[TouchKind] | None = None
        if "closed_by" in step.entries:
            cnode = step.entries["closed_by"][1]
            if isinstance(cnode, Scalar) and cnode.text == "done":
                closed_by = None
            else:
                seq = f.sequence(cnode, f"{where}.closed_by")
                kinds: set[TouchKind] = set()
                if seq is not None:
                    for j, k in enumerate(seq.items):
                        value = f.choice(k, f"{where}.closed_by[{j}]", [t.value for t in TouchKind])
                        if value is not None:
                            kinds.add(TouchKind(value))
                    # an empty list would leave the step's items open for ever
                    if not seq.items:
                        f.problem(
                            seq, f"{where}.closed_by", "lists no kinds", "list kinds, or write done"
                        )
                        ok = False
                closed_by = frozenset(kinds)
        expires: int | None = None
        if "expires" in step.entries:
            enode = step.entries["expires"][1]
            if not (isinstance(enode, Scalar) and enode.is_null):
                expires = f.integer(enode, f"{where}.expires", minimum=0)
                ok = ok and expires is not None
        cls = ItemClass.COMMITMENT
        if "class" in step.entries:
            chosen = f.choice(
                step.entries["class"][1], f"{where}.class", [c.value for c in ItemClass]
            )
            cls = ItemClass(chosen) if chosen else cls
        if name is None or action is None or days is None or not after:
            ok = False
            continue
        steps.append(Step(name, frozenset(after), days, kind, action, closed_by, expires, cls))
    return tuple(steps) if ok else None


_OBSOLETE_WEIGHTS = {
    "kind": "commitments rank by deadline then `importance`; cadence by `tier`",
    "overdue_day": "use `late_day` (commitments) — cadence lateness is relative to its cadence",
    "renewal_day": "a renewal is a commitment: it ranks by its deadline",
}


E = TypeVar("E", ItemKind, Tier)


def _weight_map(
    f: Fields, node: Map, key: str, members: type[E], base: Mapping[E, float]
) -> dict[E, float]:
    """``weights.KEY``: a number per kind (or tier) over ``base``; problems located."""
    weights = dict(base)
    if key in node.entries and (m := f.mapping(node.entries[key][1], f"weights.{key}")):
        f.unknown_keys(m, [e.value for e in members], f"weights.{key}.")
        for e in members:
            if e.value in m.entries:
                value = f.number(m.entries[e.value][1], f"weights.{key}.{e.value}")
                if value is not None:
                    weights[e] = value
    return weights


def _read_weights(f: Fields, node: Map, base: Weights) -> Weights:
    known = ("commitment", "late_day", "importance", "tier", "cadence")
    for key, (line, _value) in node.entries.items():
        if key in _OBSOLETE_WEIGHTS:
            f.problem(
                line, f"weights.{key}", "is no longer used", _OBSOLETE_WEIGHTS[key], fatal=False
            )
    f.unknown_keys(node, (*known, *_OBSOLETE_WEIGHTS), "weights.")
    importance = _weight_map(f, node, "importance", ItemKind, base.importance)
    tier = _weight_map(f, node, "tier", Tier, base.tier)
    cadence = _weight_map(f, node, "cadence", ItemKind, base.cadence)
    commitment, late_day = base.commitment, base.late_day
    if "commitment" in node.entries:
        value = f.number(node.entries["commitment"][1], "weights.commitment")
        commitment = commitment if value is None else value
    if "late_day" in node.entries:
        value = f.number(node.entries["late_day"][1], "weights.late_day")
        late_day = late_day if value is None else value
    return Weights(commitment, late_day, importance, tier, cadence)


def read_policy(data: bytes, path: str) -> tuple[Policy, list[Problem]]:
    """The policy in ``data``; defaults where a value is absent or invalid."""
    doc, problems = parse(data, path)
    return _policy(doc, path, problems), problems


def _policy(doc: Document | None, path: str, problems: list[Problem]) -> Policy:
    """The policy sections of a parsed touchplan.yaml; their problems are added."""
    policy = Policy(source=path)
    if doc is None:
        return policy
    if doc.root is None or (isinstance(doc.root, Scalar) and doc.root.is_null):
        return policy
    f = Fields(path, problems)
    root = f.mapping(doc.root, "")
    if root is None:
        problems[-1] = Problem(path, doc.root.line, "", "expected one mapping of settings")
        return policy
    f.unknown_keys(root, _TOP_KEYS)
    changes: dict[str, object] = {}
    e = root.entries
    if "capacity" in e:
        value = f.integer(e["capacity"][1], "capacity", minimum=1)
        if value is not None:
            changes["capacity"] = value
    if "working_days" in e and (seq := f.sequence(e["working_days"][1], "working_days")):
        days: set[int] = set()
        for i, item in enumerate(seq.items):
            chosen = f.choice(item, f"working_days[{i}]", WEEKDAYS)
            if chosen is not None:
                days.add(WEEKDAYS.index(chosen))
        if days:
            changes["working_days"] = frozenset(days)
        else:
            f.problem(seq, "working_days", "needs at least one day", "e.g. [mon, tue, wed]")
    if "holidays" in e and (seq := f.sequence(e["holidays"][1], "holidays")):
        holidays = {f.date(item, f"holidays[{i}]") for i, item in enumerate(seq.items)}
        changes["holidays"] = frozenset(d for d in holidays if d is not None)
    touch, every = _cadence_section(
        f, root, "touch", ("tighten_factor", "new_customer_days", "after_problem_days")
    )
    if every is not None:
        if any(v is None for v in every.values()):
            f.problem(touch, "touch.every", "every tier needs a touch cadence", "give days")
        else:
            changes["touch_every"] = every
    if touch is not None:
        if "tighten_factor" in touch.entries:
            factor = f.number(touch.entries["tighten_factor"][1], "touch.tighten_factor")
            if factor is not None and not 0 < factor <= 1:
                f.problem(
                    touch.entries["tighten_factor"][1],
                    "touch.tighten_factor",
                    f"{factor:g} is not between 0 and 1",
                    "0.5 halves the cadence",
                )
            elif factor is not None:
                changes["tighten_factor"] = factor
        for key in ("new_customer_days", "after_problem_days"):
            if key in touch.entries:
                value = f.integer(touch.entries[key][1], f"touch.{key}")
                if value is not None:
                    changes[key] = value
    _, visit_every = _cadence_section(f, root, "visit")
    if visit_every is not None:
        changes["visit_every"] = visit_every
    review, review_every = _cadence_section(f, root, "review", ("problem_at", "drop"))
    if review_every is not None:
        changes["review_every"] = review_every
    if review is not None:
        for key, attr, low in (("problem_at", "review_problem_at", 0), ("drop", "review_drop", 1)):
            if key in review.entries:
                value = f.integer(review.entries[key][1], f"review.{key}", minimum=low)
                if value is not None and value > 5:
                    f.problem(review.entries[key][1], f"review.{key}",
                              f"{value} is above 5, the highest rating")  # fmt: skip
                elif value is not None:
                    changes[attr] = value
    _, stakeholder_every = _cadence_section(f, root, "stakeholders")
    if stakeholder_every is not None:
        changes["stakeholder_every"] = stakeholder_every
    if "personal" in e and (m := f.mapping(e["personal"][1], "personal")):
        f.unknown_keys(m, ("anniversary", "birthday"), "personal.")
        for key in ("anniversary", "birthday"):
            if key not in m.entries:
                continue
            node = m.entries[key][1]
            if isinstance(node, Scalar) and node.is_null:
                changes[f"{key}_days"] = None
                continue
            value = f.integer(node, f"personal.{key}", minimum=0)
            if value is not None:
                changes[f"{key}_days"] = value
    if "grace" in e:
        node = e["grace"][1]
        if isinstance(node, Scalar) and node.is_null:
            changes["grace"] = None
        elif (value := f.integer(node, "grace", minimum=0)) is not None:
            changes["grace"] = value
    for key in ("lookahead", "plan_ahead", "spare_days"):
        if key in e:
            value = f.integer(e[key][1], key, minimum=0)
            if value is not None:
                changes[key] = value
    if "relationship" in e and (m := f.mapping(e["relationship"][1], "relationship")):
        levels = [r.value for r in Relationship]
        f.unknown_keys(m, levels, "relationship.")
        factors = dict(policy.relationship)
        for level in Relationship:
            if level.value in m.entries:
                node = m.entries[level.value][1]
                factor = f.number(node, f"relationship.{level.value}")
                if factor is not None and factor <= 0:
                    f.problem(node, f"relationship.{level.value}", "must be above 0",
                              "1.5 makes the cadences half as long again")  # fmt: skip
                elif factor is not None:
                    factors[level] = factor
        changes["relationship"] = factors
    if "problem" in e and (m := f.mapping(e["problem"][1], "problem")):
        f.unknown_keys(m, ("every", "first_response"), "problem.")
        if "every" in m.entries:
            value = f.integer(m.entries["every"][1], "problem.every", minimum=1)
            if value is not None:
                changes["problem_every"] = value
        if "first_response" in m.entries:
            value = f.integer(m.entries["first_response"][1], "problem.first_response", minimum=0)
            if value is not None:
                changes["problem_first"] = value
    if "renewal" in e and (m := f.mapping(e["renewal"][1], "renewal")):
        f.unknown_keys(m, ("lead", "escalate", "rhythm", "rhythm_close"), "renewal.")
        for key, attr in (("rhythm", "renewal_rhythm"), ("rhythm_close", "renewal_rhythm_close")):
            if key in m.entries:
                value = f.integer(m.entries[key][1], f"renewal.{key}", minimum=1)
                if value is not None:
                    changes[attr] = value
        lead = policy.renewal_lead
        if "lead" in m.entries:
            value = f.integer(m.entries["lead"][1], "renewal.lead", minimum=1)
            if value is not None:
                lead = changes["renewal_lead"] = value
        if "escalate" in m.entries and (
            seq := f.sequence(m.entries["escalate"][1], "renewal.escalate")
        ):
            stages = [
                f.integer(item, f"renewal.escalate[{i}]", minimum=1)
                for i, item in enumerate(seq.items)
            ]
            if all(s is not None for s in stages):
                clean = sorted({s for s in stages if s is not None}, reverse=True)
                if clean and clean[0] >= lead:
                    f.problem(
                        seq, "renewal.escalate", f"stages must be under the lead ({lead} days)"
                    )
                else:
                    changes["renewal_escalate"] = tuple(clean)
    if "sequences" in e and (seq := f.sequence(e["sequences"][1], "sequences")):
        steps = _read_steps(f, seq)
        if steps is not None:
            names = [s.name for s in steps]
            dupes = {n for n in names if names.count(n) > 1}
            if dupes:
                f.problem(seq, "sequences", f"step names repeat: {', '.join(sorted(dupes))}")
            else:
                changes["sequences"] = steps
    if "weights" in e and (m := f.mapping(e["weights"][1], "weights")):
        changes["weights"] = _read_weights(f, m, policy.weights)
    return replace(policy, **changes)  # type: ignore[arg-type]


def plain(value: object, *, canonical: bool = True) -> object:
    """``value`` (the settings, or any part of them) as JSON values: a dataclass as an
    object of its fields, sets sorted, enums and dates as their text, a mapping as
    [key, value] pairs — sorted when ``canonical``, so that two equal policies give the
    same text whatever the hash seed or the order touchplan.yaml wrote them in; else in
    their order (`owners:` order counts), for ``config_from_plain`` to read back."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name), canonical=canonical) for f in fields(value)}
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        pairs = [[plain(k, canonical=canonical), plain(v, canonical=canonical)]
                 for k, v in value.items()]  # fmt: skip
        return sorted(pairs, key=lambda pair: json.dumps(pair[0])) if canonical else pairs
    if isinstance(value, frozenset | set):
        return sorted((plain(v, canonical=canonical) for v in value), key=json.dumps)
    if isinstance(value, tuple | list):
        return [plain(v, canonical=canonical) for v in value]
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"no plain form for {type(value).__name__}")


def config_from_plain(value: object) -> Config:
    """The Config that ``plain(config, canonical=False)`` gave ``value`` for, typed by
    its fields' annotations; anything else raises ValueError."""
    try:
        found = _typed(Config, value)
    except (TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"not a stored Config: {exc}") from exc
    assert isinstance(found, Config)
    return found


def _typed(hint: object, value: object) -> object:
    """``value`` (plain JSON) as the type ``hint`` names."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Union or origin is UnionType:
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]  # X | None only
        return _typed(inner, value)
    if isinstance(hint, type) and is_dataclass(hint):
        if not isinstance(value, dict):
            raise ValueError(f"{hint.__name__}: expected an object")
        hints = get_type_hints(hint)
        wanted = {f.name for f in fields(hint)}
        if set(value) != wanted:
            raise ValueError(f"{hint.__name__}: fields {sorted(set(value) ^ wanted)}")
        return hint(**{name: _typed(hints[name], v) for name, v in value.items()})
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is date:
        if not isinstance(value, str):
            raise ValueError("a date: expected text")
        return date.fromisoformat(value)
    if origin is dict:
        key, item = args
        return {_typed(key, k): _typed(item, v) for k, v in _pairs(value)}
    if origin is frozenset:
        return frozenset(_typed(args[0], v) for v in _items(value))
    if origin is tuple:  # tuple[X, ...]
        return tuple(_typed(args[0], v) for v in _items(value))
    if hint is bool and isinstance(value, bool):
        return value
    if hint in (int, float) and isinstance(value, int | float) and not isinstance(value, bool):
        return value  # as it was written: an int stays an int
    if hint is str and isinstance(value, str):
        return value
    raise ValueError(f"{value!r} is not a {hint}")


def _items(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def _pairs(value: object) -> list[tuple[object, object]]:
    pairs = _items(value)
    if not all(isinstance(pair, list) and len(pair) == 2 for pair in pairs):
        raise ValueError("expected [key, value] pairs")
    return [(pair[0], pair[1]) for pair in pairs]  # type: ignore[index]


def fingerprint(
    policy: Policy, *, leave_out: tuple[str, ...] = (), only: tuple[str, ...] = ()
) -> str:
    """A hash of ``policy``'s settings (those in ``only`` when given, less ``leave_out``):
    equal for equal settings, so an edit that changes none of them keeps what they made."""
    settings = plain(policy)
    assert isinstance(settings, dict)
    kept = {k: v for k, v in settings.items() if k not in leave_out and (not only or k in only)}
    text = json.dumps(kept, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# -- owners and "me" --------------------------------------------------------------------


@dataclass(frozen=True)
class Owners:
    """``owners:`` (owner -> email addresses and other aliases) and ``me:`` from
    touchplan.yaml. An alias is any other name the owner goes by elsewhere (a CRM's user
    name or user id), which `import` maps to the owner::

        owners:
          sam: [sam@acme.example, Sam Rep, 0055g00000XyZabAAB]
    """

    emails: dict[str, tuple[str, ...]] = field(default_factory=dict)  # and aliases
    me: str = ""

    def aliases(self) -> dict[str, str]:
        """Every name an owner goes by, folded (see `fold_name`) -> the owner as written
        in account files. The owner's own name counts; the first owner listing an alias
        keeps it."""
        found: dict[str, str] = {}
        for owner, names in self.emails.items():
            for name in (owner, *names):
                found.setdefault(fold_name(name), owner)
        return found


def _owners(root: Map | None, problems: list[Problem]) -> Owners:
    """The owners section and the shared ``me:``; their problems are added."""
    if root is None:
        return Owners()
    f = Fields(POLICY_FILE, problems)
    emails: dict[str, tuple[str, ...]] = {}
    node = root.entries.get("owners", (0, None))[1]
    owners = f.mapping(node, "owners") if node is not None else None
    for owner, (_line, value) in (owners.entries if owners else {}).items():
        where = f"owners.{owner}"
        values = value.items if not isinstance(value, Scalar | Map) else [value]
        addresses = []
        for item in values:
            text = f.text(item, where)
            if text is None or not text.strip():
                continue
            # anything but an address is an alias: a CRM user name or id
            addresses.append(text.strip())
        emails[owner.strip()] = tuple(addresses)
    me = ""
    if "me" in root.entries:
        me = (f.text(root.entries["me"][1], "me") or "").strip()
    return Owners(emails, me)


def _local_me(data: bytes | None, problems: list[Problem]) -> str:
    """``me:`` from touchplan.local.yaml (per person: git ignores it)."""
    if data is None:
        return ""
    doc, found = parse(data, LOCAL_FILE)
    problems.extend(found)
    if doc is None or not isinstance(doc.root, Map):
        return ""
    f = Fields(LOCAL_FILE, problems)
    f.unknown_keys(doc.root, ("me",))
    if "me" not in doc.root.entries:
        return ""
    return (f.text(doc.root.entries["me"][1], "me") or "").strip()


# -- the 80/20 tier thresholds ----------------------------------------------------------

TIERS_KEY = "tiers"
TIER_MEASURES = ("value", "revenue")  # the account fields tiers may rank by
DEFAULT_A = 80.0
DEFAULT_B = 95.0


@dataclass(frozen=True)
class Thresholds:
    """Cumulative shares of total value, in percent: A up to ``a``, B up to ``b``.
    (`planning.tiers` compares shares exactly, as fractions of these decimals.)"""

    a: float = DEFAULT_A
    b: float = DEFAULT_B
    by: str = "value"  # one of TIER_MEASURES: the account field tiers rank by

    def check(self) -> str:
        """Why these thresholds cannot be used, or ''."""
        if not 0 < self.a < self.b <= 100:
            return f"need 0 < A ({_pct(self.a)}) < B ({_pct(self.b)}) <= 100"
        return ""


def _pct(value: float) -> str:
    return f"{float(value):g}"


def _thresholds(root: Map | None, problems: list[Problem]) -> Thresholds:
    """The ``tiers:`` section (defaults where absent or wrong); its problems are added."""
    if root is None or TIERS_KEY not in root.entries:
        return Thresholds()
    section = root.entries[TIERS_KEY][1]
    if isinstance(section, Scalar) and section.is_null:
        return Thresholds()
    found: list[Problem] = []
    f = Fields(POLICY_FILE, found)
    values = {"A": DEFAULT_A, "B": DEFAULT_B}
    node = f.mapping(section, TIERS_KEY)
    if node is not None:
        f.unknown_keys(node, ("A", "B", "by"), f"{TIERS_KEY}.")
        for key in values:
            if key in node.entries:
                number = f.number(node.entries[key][1], f"{TIERS_KEY}.{key}")
                if number is not None:
                    values[key] = number
    by = "value"
    if node is not None and "by" in node.entries:
        by = f.choice(node.entries["by"][1], f"{TIERS_KEY}.by", TIER_MEASURES) or by
    thresholds = Thresholds(values["A"], values["B"], by)
    if node is not None and not found and (why := thresholds.check()):
        f.problem(node, TIERS_KEY, why, "e.g. A: 80, B: 95")
    problems.extend(found)
    return Thresholds() if any(p.fatal for p in found) else thresholds


# -- both files at once -----------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """Everything touchplan.yaml and touchplan.local.yaml say, read once per command."""

    policy: Policy = field(default_factory=Policy)
    owners: Owners = field(default_factory=Owners)
    me: str = ""  # from touchplan.local.yaml; the shared `me:` is in `owners`
    thresholds: Thresholds = field(default_factory=Thresholds)
    # every problem in both files, in the order the sections are read
    problems: tuple[Problem, ...] = ()
    # the problems `doctor` reports under "owners", and those that stop `tiers`
    owner_problems: tuple[Problem, ...] = ()
    threshold_problems: tuple[Problem, ...] = ()
    digest: str = ""  # sha256 of touchplan.yaml's bytes ("" without one): the cache's key

    def require_thresholds(self) -> Thresholds:
        """The tier thresholds, or an error naming what is wrong with them: tiers applied
        from thresholds the team did not mean are hard to undo, so no default here."""
        fatal = [p for p in self.threshold_problems if p.fatal]
        if fatal:
            raise AccountFileError(POLICY_FILE, fatal)
        return self.thresholds


def read_config(data: bytes | None, local: bytes | None = None) -> Config:
    """Both files' contents (None: no such file) as one Config; defaults where wrong."""
    doc, parsed = parse(data, POLICY_FILE) if data is not None else (None, [])
    problems = list(parsed)
    policy = _policy(doc, POLICY_FILE, problems) if data is not None else Policy()
    root = doc.root if doc is not None and isinstance(doc.root, Map) else None
    owner_problems: list[Problem] = []
    owners = _owners(root, owner_problems)
    tier_problems: list[Problem] = []
    thresholds = _thresholds(root, tier_problems)
    local_problems: list[Problem] = []
    me = _local_me(local, local_problems)
    return Config(
        policy=policy,
        owners=owners,
        me=me,
        thresholds=thresholds,
        problems=(*problems, *owner_problems, *tier_problems, *local_problems),
        owner_problems=(*owner_problems, *local_problems),
        # a file that does not parse has no tiers to trust
        threshold_problems=(*(p for p in parsed if p.fatal), *tier_problems),
        digest=hashlib.sha256(data or b"").hexdigest(),
    )


def _read(path: Path) -> tuple[bytes | None, Problem | None]:
    try:
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, Problem(path.name, None, "", f"cannot read: {exc.strerror}")


def load_config(root: Path) -> Config:
    """touchplan.yaml and touchplan.local.yaml at the data root, read once."""
    data, unreadable = _read(root / POLICY_FILE)
    local, local_unreadable = _read(root / LOCAL_FILE)
    config = read_config(data, local)
    if unreadable is None and local_unreadable is None:
        return config
    shared = (unreadable,) if unreadable else ()
    mine = (local_unreadable,) if local_unreadable else ()
    return replace(
        config,
        problems=(*shared, *config.problems, *mine),
        owner_problems=(*config.owner_problems, *mine),
        threshold_problems=(*shared, *config.threshold_problems),
    )


def read_owners(root: Path) -> tuple[Owners, list[Problem]]:
    """The owners section of touchplan.yaml, and its problems."""
    config = load_config(root)
    return config.owners, [p for p in config.owner_problems if p.path == POLICY_FILE]


def read_local(root: Path) -> tuple[str, list[Problem]]:
    """``me:`` from touchplan.local.yaml, and that file's problems."""
    config = load_config(root)
    return config.me, [p for p in config.owner_problems if p.path == LOCAL_FILE]
