"""The 80/20 rule: suggested tiers from each account's annual ``value``.

Accounts are sorted by value, largest first. The accounts that together make the first
80 % of the total value are A (the one that crosses the line included), those up to
95 % are B, the rest C. Both shares are configurable in touchplan.yaml::

    tiers:
      A: 80   # percent of total value
      B: 95
      by: value   # or revenue: the customer's company revenue (informational) instead

Accounts with the same value get the same tier (the first of them decides), so the
suggestion never depends on file names. Shares are compared exactly (fractions), so a
split that lands on 80 % is not at the mercy of floating point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from touchplan.errors import AccountFileError, Problem, UsageError
from touchplan.model import Account, Status, Tier
from touchplan.policy import POLICY_FILE
from touchplan.yamldoc import Fields, Map, Scalar, parse

CONFIG_KEY = "tiers"
DEFAULT_A = Fraction(80)
DEFAULT_B = Fraction(95)
MEASURES = ("value", "revenue")  # the account fields tiers may rank by


@dataclass(frozen=True)
class Thresholds:
    """Cumulative shares of total value, in percent: A up to ``a``, B up to ``b``."""

    a: Fraction = DEFAULT_A
    b: Fraction = DEFAULT_B
    by: str = "value"  # one of MEASURES

    def measure(self, account: Account) -> float | None:
        return account.revenue if self.by == "revenue" else account.value

    def check(self) -> str:
        """Why these thresholds cannot be used, or ''."""
        if not 0 < self.a < self.b <= 100:
            return f"need 0 < A ({_pct(self.a)}) < B ({_pct(self.b)}) <= 100"
        return ""

    def to_json(self) -> dict[str, float]:
        return {"A": float(self.a), "B": float(self.b)}


def _pct(value: Fraction) -> str:
    return f"{float(value):g}"


def read_thresholds(data: bytes, path: str = POLICY_FILE) -> tuple[Thresholds, list[Problem]]:
    """The ``tiers:`` section of touchplan.yaml (defaults where absent)."""
    doc, problems = parse(data, path)
    if doc is None or not isinstance(doc.root, Map) or CONFIG_KEY not in doc.root.entries:
        return Thresholds(), [p for p in problems if p.fatal]
    found: list[Problem] = []
    f = Fields(path, found)
    section = doc.root.entries[CONFIG_KEY][1]
    if isinstance(section, Scalar) and section.is_null:
        return Thresholds(), []
    node = f.mapping(section, CONFIG_KEY)
    if node is None:
        return Thresholds(), found
    f.unknown_keys(node, ("A", "B", "by"), f"{CONFIG_KEY}.")
    values = {"A": DEFAULT_A, "B": DEFAULT_B}
    for key in values:
        if key in node.entries:
            number = f.number(node.entries[key][1], f"{CONFIG_KEY}.{key}")
            if number is not None:
                values[key] = Fraction(str(number))
    by = "value"
    if "by" in node.entries:
        by = f.choice(node.entries["by"][1], f"{CONFIG_KEY}.by", MEASURES) or by
    thresholds = Thresholds(values["A"], values["B"], by)
    if not found and (why := thresholds.check()):
        f.problem(node, CONFIG_KEY, why, "e.g. A: 80, B: 95")
    return thresholds, found


def load_thresholds(root: Path) -> Thresholds:
    """The thresholds from touchplan.yaml; a wrong value is an error, not a default,
    because tiers applied from a threshold the team did not mean are hard to undo."""
    try:
        data = (root / POLICY_FILE).read_bytes()
    except FileNotFoundError:
        return Thresholds()
    thresholds, problems = read_thresholds(data)
    fatal = [p for p in problems if p.fatal]
    if fatal:
        raise AccountFileError(POLICY_FILE, fatal)
    return thresholds


def override(base: Thresholds, a: float | None, b: float | None) -> Thresholds:
    """Command-line shares over the configured ones."""
    chosen = Thresholds(
        base.a if a is None else Fraction(str(a)),
        base.b if b is None else Fraction(str(b)),
        base.by,
    )
    if why := chosen.check():
        raise UsageError(f"tier thresholds: {why}")
    return chosen


@dataclass(frozen=True)
class TierRow:
    account: Account
    rank: int
    value: float  # the measure ranked by: `value`, or `revenue` with `tiers.by`
    share: Fraction  # of the total value, 0..1
    cumulative: Fraction  # including this account, 0..1
    suggested: Tier

    @property
    def changes(self) -> bool:
        return self.suggested is not self.account.tier

    def to_json(self) -> dict[str, Any]:
        a = self.account
        return {
            "rank": self.rank,
            "account": a.slug,
            "name": a.name,
            "owner": a.owner,
            "value": self.value,
            "share": round(float(self.share) * 100, 2),
            "cumulative": round(float(self.cumulative) * 100, 2),
            "tier": a.tier.value,
            "suggested": self.suggested.value,
            "change": self.changes,
            "file": a.file,
        }


@dataclass(frozen=True)
class TierPlan:
    thresholds: Thresholds
    total: Fraction
    rows: tuple[TierRow, ...]
    without_value: tuple[Account, ...]  # not tiered: no `value` (or `revenue`) in the file

    @property
    def changes(self) -> list[TierRow]:
        return [r for r in self.rows if r.changes]

    def to_json(self) -> dict[str, Any]:
        return {
            "thresholds": self.thresholds.to_json(),
            "by": self.thresholds.by,
            "total_value": float(self.total),
            "accounts": [r.to_json() for r in self.rows],
            "changes": [
                {
                    "account": r.account.slug,
                    "from": r.account.tier.value,
                    "to": r.suggested.value,
                    "file": r.account.file,
                }
                for r in self.changes
            ],
            "without_value": [a.slug for a in self.without_value],
        }


def suggest_tiers(accounts: Sequence[Account], thresholds: Thresholds) -> TierPlan:
    """The Pareto table. Lost accounts are left out; accounts without a value are listed
    apart and keep their tier."""
    active = [a for a in accounts if a.status is Status.ACTIVE]
    measure = thresholds.measure
    valued = sorted(
        (a for a in active if measure(a) is not None),
        key=lambda a: (-(measure(a) or 0.0), a.slug),
    )
    values = [Fraction(measure(a) or 0.0) for a in valued]
    total = sum(values, Fraction(0))
    a_line, b_line = thresholds.a / 100, thresholds.b / 100
    rows: list[TierRow] = []
    before = Fraction(0)  # share of the accounts ranked above
    tier = Tier.C
    for rank, (account, value) in enumerate(zip(valued, values, strict=True), start=1):
        share = value / total if total else Fraction(0)
        tied = rank > 1 and value == values[rank - 2]
        if not tied:
            if total == 0:
                tier = Tier.C
            elif before < a_line:
                tier = Tier.A
            elif before < b_line:
                tier = Tier.B
            else:
                tier = Tier.C
        before += share
        rows.append(TierRow(account, rank, measure(account) or 0.0, share, before, tier))
    without = tuple(sorted((a for a in active if measure(a) is None), key=lambda a: a.slug))
    return TierPlan(thresholds, total, tuple(rows), without)
