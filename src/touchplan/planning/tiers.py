"""The 80/20 rule: suggested tiers from each account's annual ``value``.

Accounts are sorted by value, largest first. The accounts that together make the first
80 % of the total value are A (the one that crosses the line included), those up to
95 % are B, the rest C. Both shares are configurable in touchplan.yaml::

    tiers:
      A: 80   # percent of total value
      B: 95

Accounts with the same value get the same tier (the first of them decides), so the
suggestion never depends on file names. Shares are compared exactly (fractions), so a
split that lands on 80 % is not at the mercy of floating point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from touchplan.config import Thresholds
from touchplan.errors import UsageError
from touchplan.model import Account, Status, Tier


def measure_of(thresholds: Thresholds) -> Callable[[Account], float | None]:
    """What tiers rank by: the account's `value`, or with `tiers: {by: revenue}` its
    company `revenue`."""
    if thresholds.by == "revenue":
        return lambda account: account.revenue
    return lambda account: account.value


def override(base: Thresholds, a: float | None, b: float | None) -> Thresholds:
    """Command-line shares over the configured ones."""
    chosen = Thresholds(base.a if a is None else a, base.b if b is None else b, base.by)
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


@dataclass(frozen=True)
class TierPlan:
    thresholds: Thresholds
    total: Fraction
    rows: tuple[TierRow, ...]
    without_value: tuple[Account, ...]  # not tiered: no `value` (or `revenue`) in the file

    @property
    def changes(self) -> list[TierRow]:
        return [r for r in self.rows if r.changes]


def suggest_tiers(accounts: Sequence[Account], thresholds: Thresholds) -> TierPlan:
    """The Pareto table. Lost accounts are left out; accounts without a value are listed
    apart and keep their tier."""
    active = [a for a in accounts if a.status is Status.ACTIVE]
    measure = measure_of(thresholds)
    valued = sorted(
        (a for a in active if measure(a) is not None),
        key=lambda a: (-(measure(a) or 0.0), a.slug),
    )
    values = [Fraction(measure(a) or 0.0) for a in valued]
    total = sum(values, Fraction(0))
    # the decimals as written (80, 95.5), exactly: never a float's approximation
    a_line, b_line = Fraction(str(thresholds.a)) / 100, Fraction(str(thresholds.b)) / 100
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
