"""The header's workload figures as the plan cache keeps them (its ``demand`` table).

Whole numbers only: the planned accounts counted by touch cadence, the renewals ahead,
and the window's history entries by kind, problems and promises. A sum of counts can
have a changed file's old rows taken off and its new rows added and come out exactly
as a fresh sum would, so one changed file adjusts the figures kept (files.cache) instead
of costing a sum over every row. The touch rate is made from the counts by cadence in
one fixed order, so it never depends on the order the rows were read in.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from touchplan.planning.workload import WINDOW, Demand

# what a planned account is, as `today`'s header counts it
_PLANNED = (
    "f.ok = 1 AND f.status = 'active' AND f.snooze <= :today "
    "AND (:owner IS NULL OR f.owner_key = :owner)"
)
_NOT_SKIPPED = " AND {rel} NOT IN (SELECT value FROM json_each(:skipped))"
_ONLY = " AND {rel} IN (SELECT value FROM json_each(:rels))"


@dataclass(frozen=True)
class Figures:
    """The counts ``Demand`` is made from (zero counts left out, so equal sums compare
    equal)."""

    every: dict[int, int]  # planned accounts by touch cadence in days (at least 1)
    renewals: int  # renewal dates within the coming year
    kinds: dict[str, int]  # history entries in the last WINDOW days, by touch kind
    problems: int  # of those, entries reporting a problem
    promises: int  # of those, entries promising a next action

    def demand(self) -> Demand:
        rate = sum((count / every for every, count in sorted(self.every.items())), 0.0)
        return Demand(sum(self.every.values()), rate, self.kinds, self.problems,
                      self.promises, self.renewals)  # fmt: skip

    def shifted(self, old: Figures, new: Figures) -> Figures | None:
        """These figures with ``old`` taken off and ``new`` added; None when ``old`` is
        not part of them (figures that do not match the rows: sum them again)."""
        every = _shift(self.every, old.every, new.every)
        kinds = _shift(self.kinds, old.kinds, new.kinds)
        counts = [
            mine - before + after
            for mine, before, after in (
                (self.renewals, old.renewals, new.renewals),
                (self.problems, old.problems, new.problems),
                (self.promises, old.promises, new.promises),
            )
        ]
        if every is None or kinds is None or min(counts) < 0:
            return None
        return Figures(every, counts[0], kinds, counts[1], counts[2])

    def dumps(self) -> str:
        return json.dumps(
            {
                "every": sorted(self.every.items()),
                "renewals": self.renewals,
                "kinds": dict(sorted(self.kinds.items())),
                "problems": self.problems,
                "promises": self.promises,
            }
        )


K = TypeVar("K", int, str)


def _shift(mine: dict[K, int], old: dict[K, int], new: dict[K, int]) -> dict[K, int] | None:
    counts: Counter[K] = Counter(mine)
    counts.update(new)
    counts.subtract(old)
    if any(n < 0 for n in counts.values()):
        return None
    return {key: n for key, n in counts.items() if n}


def loads(text: str) -> Figures:
    """Figures as ``Figures.dumps`` wrote them (one of stored.DAMAGED when the row is
    damaged)."""
    data: Any = json.loads(text)
    every = {int(e): int(n) for e, n in data["every"]}
    kinds = {str(k): int(n) for k, n in data["kinds"].items()}
    return Figures(every, int(data["renewals"]), kinds, int(data["problems"]),
                   int(data["promises"]))  # fmt: skip


def sum_figures(
    db: sqlite3.Connection, day: int, owner: str | None, skipped: str, rels: str | None = None
) -> Figures:
    """The figures for ``day`` (an ordinal) and ``owner`` (a folded owner key; None:
    everyone), leaving out the files in ``skipped`` (a JSON list); only the rows of the
    files in ``rels`` (a JSON list) when given, else every row."""
    params = {
        "today": day,
        "owner": owner,
        "skipped": skipped,
        "rels": rels,
        "since": (date.fromordinal(day) - timedelta(days=WINDOW)).toordinal(),
        "horizon": (date.fromordinal(day) + timedelta(days=365)).toordinal(),
    }

    def narrowed(rel: str) -> str:
        return (_NOT_SKIPPED.format(rel=rel) if skipped != "[]" else "") + (
            "" if rels is None else _ONLY.format(rel=rel)
        )

    every: dict[int, int] = {}
    renewals = 0
    rows = db.execute(
        "SELECT MAX(f.every, 1), COUNT(*), SUM(f.renewal_due BETWEEN :today AND :horizon) "
        f"FROM files AS f WHERE {_PLANNED}{narrowed('f.rel')} GROUP BY 1",
        params,
    )
    for cadence, count, due in rows:
        every[cadence] = count
        renewals += due
    kinds: dict[str, int] = {}
    problems = promises = 0
    rows = db.execute(
        "SELECT kind, COUNT(*), SUM(problem), SUM(promise) FROM events "
        "WHERE day > :since AND day <= :today AND active = 1 AND snooze <= :today "
        f"AND (:owner IS NULL OR owner_key = :owner){narrowed('rel')} GROUP BY kind",
        params,
    )
    for kind, count, problem, promise in rows:
        kinds[kind] = count
        problems += problem
        promises += promise
    return Figures(every, renewals, kinds, problems, promises)
