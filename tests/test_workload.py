"""Workload: calls a working day the policy asks of a book, worked out by hand.

With a Monday-to-Friday week a calendar day holds 5/7 of a working day, so an account
on a 14-day cadence needs 1/14 / (5/7) = 0.1 calls a working day; on 30 days 0.0467;
on 90 days 0.0156.
"""

from __future__ import annotations

from datetime import date

from touchplan.config import Policy
from touchplan.model import Account, Tier, Touch, TouchKind
from touchplan.planning.workload import workload

TODAY = date(2026, 11, 24)
P = Policy()


def book(a: int, b: int, c: int) -> list[Account]:
    accounts = []
    for tier, count in ((Tier.A, a), (Tier.B, b), (Tier.C, c)):
        for n in range(count):
            slug = f"{tier.value.lower()}{n:03d}"
            accounts.append(Account(slug, f"accounts/{slug}.yaml", slug, tier, value=float(n)))
    return accounts


def test_a_book_within_capacity_has_no_suggestions() -> None:
    load = workload(book(10, 20, 30), P, TODAY)
    # 10 x 0.1 + 20 x 0.0467 + 30 x 0.0156 = 1.0 + 0.93 + 0.47
    assert [(t.tier, t.accounts, t.calls) for t in load.by_tier] == [
        (Tier.A, 10, 1.0), (Tier.B, 20, 0.93), (Tier.C, 30, 0.47)]  # fmt: skip
    assert (load.needed, load.over, load.suggestions) == (2.4, False, ())


def test_an_overloaded_book_says_what_would_fit() -> None:
    load = workload(book(30, 60, 45), P, TODAY)
    # 3.0 + 2.8 + 0.7 = 6.5 against 6: 0.5 too many. Each B moved to C saves
    # 0.0467 - 0.0156 = 0.0311, so 17 B accounts (the lowest values, b000..b016); or C's
    # 0.7 must shrink to 0.2: 90 x 0.7 / 0.2 = 315 days.
    assert (load.needed, load.over) == (6.5, True)
    texts = [s.text for s in load.suggestions]
    assert texts == [
        "raise capacity to 7 calls a day",
        "or move 17 B accounts with the lowest value to the C cadence (90 days)",
        "or lengthen the C cadence to 315 days",
    ]
    assert load.suggestions[1].accounts == tuple(f"b{n:03d}" for n in range(17))


def test_when_only_more_capacity_would_do() -> None:
    load = workload(book(80, 0, 0), P, TODAY)
    assert load.needed == 8.0
    assert [s.text for s in load.suggestions] == ["raise capacity to 8 calls a day"]


def test_commitments_count_from_the_last_90_days() -> None:
    sale = Touch(date(2026, 11, 2), TouchKind.SALE)
    trouble = Touch(date(2026, 10, 1), TouchKind.CALL, problem="Late delivery", index=1)
    old = Touch(date(2026, 6, 1), TouchKind.SALE, index=2)  # outside the window
    acct = Account("x", "accounts/x.yaml", "X", Tier.C, history=(sale, trouble, old))
    load = workload([acct], P, TODAY)
    kinds = {k.kind: (k.count, k.calls) for k in load.by_kind}
    # 90 calendar days hold 90 x 5/7 = 64.29 working days.
    # the sale opens three commitment steps: 3 / 64.29 = 0.05; the problem: a first
    # response and ~5 working days at one touch every 2: 3.5 / 64.29 = 0.05
    assert kinds["sequence steps"] == (1, 0.05)
    assert kinds["problem"] == (1, 0.05)
    assert kinds["touch"] == (1, 0.02)
