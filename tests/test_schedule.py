"""The rules engine as tables: tier × history × today → expected items.

Every expected date, overdue count and score below was worked out by hand from the
rules in the README (2026-11-24 is a Tuesday; 2026-11-01 a Sunday; 2026-12-25 a
Friday), never by running the code.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from touchplan.config import DEFAULT_SEQUENCES, SINCE, Policy, Step, Weights
from touchplan.model import (
    Account,
    Item,
    ItemKind,
    NextAction,
    Snooze,
    Status,
    Tier,
    Touch,
    TouchKind,
)
from touchplan.planning.schedule import due_items, plan_account

TODAY = date(2026, 11, 24)  # a Tuesday
P = Policy()


def d(text: str) -> date:
    return date.fromisoformat(text)


def entry(day: str, kind: str = "call", *, next: str = "", with_: str = "", **kw: object) -> Touch:
    """One history entry; ``next`` is written as in the file: ``DATE ACTION``."""
    promise = None
    if next:
        when, _, action = next.partition(" ")
        promise = NextAction(d(when), action)
    return Touch(d(day), TouchKind(kind), next=promise, with_=with_, **kw)  # type: ignore[arg-type]


def account(
    tier: str = "A",
    history: tuple[Touch, ...] | list[Touch] = (),
    *,
    slug: str = "acme",
    since: str | None = None,
    renewal: str | None = None,
    **kw: object,
) -> Account:
    return Account(
        slug=slug,
        file=f"accounts/{slug}.yaml",
        name=slug.title(),
        tier=Tier(tier),
        since=d(since) if since else None,
        renewal=d(renewal) if renewal else None,
        history=tuple(replace(t, index=i) for i, t in enumerate(history)),
        **kw,  # type: ignore[arg-type]
    )


def of_kind(items: list[Item], kind: ItemKind) -> list[Item]:
    return [i for i in items if i.kind is kind]


Expected = tuple[str, int, str]  # (due, overdue days, a reason that must be among reasons)


def check(items: list[Item], expected: list[Expected], today: date = TODAY) -> None:
    got = [(i.due.isoformat(), i.overdue_days(today)) for i in items]
    assert got == [(due, late) for due, late, _ in expected]
    for item, (_, _, reason) in zip(items, expected, strict=True):
        assert reason in item.reasons


# -- touch: the tier cadence ---------------------------------------------------------

TOUCH_ROWS = [
    pytest.param(
        "A",
        None,
        [entry("2026-11-10")],
        "2026-11-24",
        0,
        "last contact 2026-11-10 (call); tier A every 14 days",
        id="A-14-days-due-today",
    ),
    pytest.param(
        "B",
        None,
        [entry("2026-10-20", "email")],
        "2026-11-19",
        5,
        "last contact 2026-10-20 (email); tier B every 30 days",
        id="B-30-days-5-late",
    ),
    pytest.param(
        "C",
        None,
        [entry("2026-08-20", "visit")],
        "2026-11-18",
        6,
        "last contact 2026-08-20 (visit); tier C every 90 days",
        id="C-90-days-6-late",
    ),
    pytest.param(
        "A",
        None,
        [entry("2026-11-02"), entry("2026-11-20", "note")],
        "2026-11-16",
        8,
        "last contact 2026-11-02 (call); tier A every 14 days",
        id="a-note-is-not-a-contact",
    ),
    pytest.param(
        "A",
        None,
        [entry("2026-11-05", "letter"), entry("2026-11-12", "meeting")],
        "2026-11-26",
        -2,
        "last contact 2026-11-12 (meeting); tier A every 14 days",
        id="latest-contact-counts-not-yet-due",
    ),
    pytest.param(
        "A",
        None,
        [entry("2026-11-12", "meeting"), entry("2026-11-05", "letter")],
        "2026-11-26",
        -2,
        "last contact 2026-11-12 (meeting); tier A every 14 days",
        id="latest-by-date-not-file-order",
    ),
    pytest.param(
        "A",
        None,
        [entry("2026-11-08")],
        "2026-11-23",
        1,
        "2026-11-22 is not a working day: moved to 2026-11-23",
        id="due-on-sunday-moves-to-monday",
    ),
    # new customers: halved for the first 90 days after `since` (A 7, B 15, C 45)
    pytest.param(
        "A",
        "2026-10-01",
        [entry("2026-11-10")],
        "2026-11-17",
        7,
        "new customer since 2026-10-01: cadence tightened 14 → 7 days for the first 90 days",
        id="new-A-halved-to-7",
    ),
    pytest.param(
        "B",
        "2026-10-01",
        [entry("2026-11-10")],
        "2026-11-25",
        -1,
        "last contact 2026-11-10 (call); tier B every 15 days",
        id="new-B-halved-to-15",
    ),
    pytest.param(
        "C",
        "2026-10-01",
        [entry("2026-10-09")],
        "2026-11-23",
        1,
        "new customer since 2026-10-01: cadence tightened 90 → 45 days for the first 90 days",
        id="new-C-halved-to-45",
    ),
    pytest.param(
        "A",
        "2026-08-26",
        [entry("2026-11-23")],
        "2026-11-30",
        -6,
        "last contact 2026-11-23 (call); tier A every 7 days",
        id="day-89-after-since-still-new",
    ),
    pytest.param(
        "A",
        "2026-08-26",
        [entry("2026-11-24")],
        "2026-12-08",
        -14,
        "last contact 2026-11-24 (call); tier A every 14 days",
        id="day-90-after-since-no-longer-new",
    ),
    pytest.param(
        "A",
        "2026-11-10",
        [],
        "2026-11-17",
        7,
        "no contact since becoming a customer on 2026-11-10; tier A every 7 days",
        id="new-customer-never-called",
    ),
    pytest.param(
        "B",
        "2019-03-01",
        [entry("2026-11-01", "note")],
        "2019-03-18",  # since + 15 (halved: still the first 90 days), a Saturday → Monday
        2808,
        "no contact since becoming a customer on 2019-03-01; tier B every 15 days",
        id="old-customer-never-called-uncapped",
    ),
    # 90 days after a problem is resolved the cadence stays halved
    pytest.param(
        "A",
        None,
        [entry("2026-09-01", problem="Late delivery"), entry("2026-11-05", resolved=True)],
        "2026-11-12",
        12,
        "problem resolved on 2026-11-05: cadence tightened 14 → 7 days for 90 days",
        id="resolved-problem-halves",
    ),
    pytest.param(
        "A",
        None,
        [
            entry("2026-07-01", problem="Wrong invoice"),
            entry("2026-08-01", resolved=True),
            entry("2026-10-29"),
        ],
        "2026-11-05",
        19,
        "problem resolved on 2026-08-01: cadence tightened 14 → 7 days for 90 days",
        id="day-89-after-resolution-still-tight",
    ),
    pytest.param(
        "A",
        None,
        [
            entry("2026-07-01", problem="Wrong invoice"),
            entry("2026-08-01", resolved=True),
            entry("2026-11-10"),
        ],
        "2026-11-24",
        0,
        "last contact 2026-11-10 (call); tier A every 14 days",
        id="over-90-days-after-resolution-normal",
    ),
]


@pytest.mark.parametrize(("tier", "since", "history", "due", "late", "reason"), TOUCH_ROWS)
def test_touch_cadence(
    tier: str, since: str | None, history: list[Touch], due: str, late: int, reason: str
) -> None:
    items = of_kind(plan_account(account(tier, history, since=since), P, TODAY), ItemKind.TOUCH)
    check(items, [(due, late, reason)])


def test_resolution_without_tightening_reason_when_not_tight() -> None:
    items = plan_account(
        account(
            "A",
            [
                entry("2026-07-01", problem="Wrong invoice"),
                entry("2026-08-01", resolved=True),
                entry("2026-11-10"),
            ],
        ),
        P,
        TODAY,
    )
    (touch,) = of_kind(items, ItemKind.TOUCH)
    assert touch.reasons == ("last contact 2026-11-10 (call); tier A every 14 days",)
    assert touch.action == "Check in"


@pytest.mark.parametrize("kind", [k for k in TouchKind if k is not TouchKind.NOTE])
def test_every_contact_kind_resets_the_touch_cadence(kind: TouchKind) -> None:
    history = [entry("2026-10-01"), entry("2026-11-12", kind.value)]
    (touch,) = of_kind(plan_account(account("A", history), P, TODAY), ItemKind.TOUCH)
    assert (touch.due, touch.trigger) == (d("2026-11-26"), d("2026-11-12"))
    assert touch.reasons[0] == f"last contact 2026-11-12 ({kind.value}); tier A every 14 days"


@pytest.mark.parametrize(
    ("history", "since"),
    [
        pytest.param([], None, id="no-history"),
        pytest.param([entry("2026-11-01", "note", summary="Lead from the fair")], None, id="notes"),
    ],
)
def test_never_contacted_account_is_due_today(history: list[Touch], since: str | None) -> None:
    items = due_items([account("C", history, since=since)], P, TODAY)
    assert [(i.kind, i.action, i.due, i.reasons) for i in items if i.kind is ItemKind.TOUCH] == [
        (ItemKind.TOUCH, "Get in touch: first contact", TODAY, ("never contacted",))
    ]


def test_new_customer_first_check_in_action() -> None:
    (touch,) = of_kind(plan_account(account("A", since="2026-11-10"), P, TODAY), ItemKind.TOUCH)
    assert (touch.action, touch.raw_due, touch.trigger) == (
        "First check-in call",
        d("2026-11-17"),
        d("2026-11-10"),
    )
    assert touch.reasons == (
        "no contact since becoming a customer on 2026-11-10; tier A every 7 days",
        "new customer since 2026-11-10: cadence tightened 14 → 7 days for the first 90 days",
    )


# -- visit: face-to-face per tier ----------------------------------------------------

VISIT_ROWS = [
    pytest.param(
        "A",
        None,
        [entry("2026-08-20", "visit")],
        [("2026-11-18", 6, "last face-to-face meeting 2026-08-20 (visit); tier A every 90 days")],
        id="A-90-days",
    ),
    pytest.param(
        "A",
        None,
        [entry("2026-09-01", "meeting")],
        [
            (
                "2026-11-30",
                -6,
                "last face-to-face meeting 2026-09-01 (meeting); tier A every 90 days",
            )
        ],
        id="meeting-counts-as-face-to-face",
    ),
    pytest.param(
        "B",
        None,
        [entry("2026-05-28", "visit")],
        [("2026-11-24", 0, "last face-to-face meeting 2026-05-28 (visit); tier B every 180 days")],
        id="B-180-days",
    ),
    pytest.param("C", None, [entry("2025-01-01", "visit")], [], id="C-never-visits"),
    pytest.param("C", None, [], [], id="C-never-visits-even-without-history"),
    pytest.param(
        "A",
        None,
        [entry("2026-06-01", "visit"), entry("2026-10-01", "meeting")],
        [
            (
                "2026-12-30",
                -36,
                "last face-to-face meeting 2026-10-01 (meeting); tier A every 90 days",
            )
        ],
        id="closed-by-a-later-meeting",
    ),
    pytest.param(
        "A",
        None,
        [entry("2026-08-20", "visit"), entry("2026-11-20", "call")],
        [("2026-11-18", 6, "last face-to-face meeting 2026-08-20 (visit); tier A every 90 days")],
        id="a-call-is-not-a-visit",
    ),
    pytest.param(
        "A",
        None,
        [entry("2026-11-20", "call")],
        [
            (
                "2027-02-18",
                -86,
                "no face-to-face meeting yet; tier A every 90 days from first entry 2026-11-20",
            )
        ],
        id="never-visited-counts-from-first-entry",
    ),
    pytest.param(
        "A",
        "2026-10-01",
        [],
        [
            (
                "2026-12-30",
                -36,
                "no face-to-face meeting yet; tier A every 90 days from customer since 2026-10-01",
            )
        ],
        id="never-visited-counts-from-since",
    ),
    pytest.param(
        "B",
        None,
        [],
        [("2026-11-24", 0, "no face-to-face meeting on record")],
        id="nothing-on-record-due-today",
    ),
]


@pytest.mark.parametrize(("tier", "since", "history", "expected"), VISIT_ROWS)
def test_visit_cadence(
    tier: str, since: str | None, history: list[Touch], expected: list[Expected]
) -> None:
    items = of_kind(plan_account(account(tier, history, since=since), P, TODAY), ItemKind.VISIT)
    check(items, expected)
    assert all(i.action == "Plan a visit" for i in items)


# -- review: relationship review per tier --------------------------------------------

REVIEW_ROWS = [
    pytest.param(
        "A",
        [entry("2026-08-20", "review")],
        [("2026-11-18", 6, "last relationship review 2026-08-20 (review); tier A every 90 days")],
        id="A-90-days",
    ),
    pytest.param(
        "B",
        [entry("2026-05-28", "review")],
        [("2026-11-24", 0, "last relationship review 2026-05-28 (review); tier B every 180 days")],
        id="B-180-days",
    ),
    pytest.param(
        "C",
        [entry("2025-11-24", "review")],
        [("2026-11-24", 0, "last relationship review 2025-11-24 (review); tier C every 365 days")],
        id="C-365-days",
    ),
    pytest.param(
        "C",
        [entry("2025-12-01", "review")],
        [("2026-12-01", -7, "last relationship review 2025-12-01 (review); tier C every 365 days")],
        id="C-not-yet",
    ),
    pytest.param(
        "A",
        [entry("2026-08-20", "review"), entry("2026-11-20", "visit")],
        [("2026-11-18", 6, "last relationship review 2026-08-20 (review); tier A every 90 days")],
        id="a-visit-is-not-a-review",
    ),
    pytest.param(
        "A",
        [entry("2026-06-01", "review"), entry("2026-11-02", "review")],
        [("2027-02-01", -69, "last relationship review 2026-11-02 (review); tier A every 90 days")],
        id="closed-by-a-later-review",
    ),
]


@pytest.mark.parametrize(("tier", "history", "expected"), REVIEW_ROWS)
def test_review_cadence(tier: str, history: list[Touch], expected: list[Expected]) -> None:
    items = of_kind(plan_account(account(tier, history), P, TODAY), ItemKind.REVIEW)
    check(items, expected)
    assert all(i.action == "Hold a relationship review (health check)" for i in items)


# -- thank-you: 2 days after a sale, visit or meeting --------------------------------

THANK_YOU_ROWS = [
    pytest.param(
        [entry("2026-11-20", "sale")],
        [("2026-11-23", 1, "sale on 2026-11-20: thank-you due 2 days after")],
        id="after-a-sale-sunday-moves-to-monday",
    ),
    pytest.param(
        [entry("2026-11-18", "visit")],
        [("2026-11-20", 4, "visit on 2026-11-18: thank-you due 2 days after")],
        id="after-a-visit",
    ),
    pytest.param(
        [entry("2026-11-23", "meeting")],
        [("2026-11-25", -1, "meeting on 2026-11-23: thank-you due 2 days after")],
        id="after-a-meeting-not-yet-due",
    ),
    pytest.param([entry("2026-11-20", "call")], [], id="not-after-a-call"),
    pytest.param(
        [entry("2026-11-18", "sale"), entry("2026-11-19", "thank-you")],
        [],
        id="closed-by-thank-you",
    ),
    pytest.param(
        [entry("2026-11-18", "visit"), entry("2026-11-18", "thank-you")],
        [],
        id="closed-by-a-thank-you-the-same-day-after-it",
    ),
    pytest.param(
        [entry("2026-11-17", "thank-you"), entry("2026-11-18", "sale")],
        [("2026-11-20", 4, "sale on 2026-11-18: thank-you due 2 days after")],
        id="an-earlier-thank-you-does-not-close",
    ),
    pytest.param(
        [entry("2026-11-18", "thank-you"), entry("2026-11-18", "meeting")],
        [("2026-11-20", 4, "meeting on 2026-11-18: thank-you due 2 days after")],
        id="a-thank-you-above-it-the-same-day-does-not-close",
    ),
    pytest.param(
        [entry("2026-11-18", "sale"), entry("2026-11-19", "call", done=True)],
        [("2026-11-20", 4, "sale on 2026-11-18: thank-you due 2 days after")],
        id="done-does-not-close-a-thank-you",
    ),
    pytest.param(
        [entry("2026-11-16", "visit"), entry("2026-11-19", "meeting")],
        [
            ("2026-11-18", 6, "visit on 2026-11-16: thank-you due 2 days after"),
            ("2026-11-23", 1, "meeting on 2026-11-19: thank-you due 2 days after"),
        ],
        id="one-per-event",
    ),
]


@pytest.mark.parametrize(("history", "expected"), THANK_YOU_ROWS)
def test_thank_you(history: list[Touch], expected: list[Expected]) -> None:
    items = of_kind(plan_account(account("B", history), P, TODAY), ItemKind.THANK_YOU)
    items.sort(key=lambda i: i.due)
    check(items, expected)
    assert all(i.action == "Send a thank-you note" for i in items)


# -- gap-check: 7 days after a sale, and after `since` for a new account -------------

GAP = "Check that what was delivered is what was expected"
GAP_ROWS = [
    pytest.param(
        None,
        [entry("2026-11-10", "sale")],
        [("2026-11-17", 7, "sale on 2026-11-10: gap-check due 7 days after")],
        id="after-a-sale",
    ),
    pytest.param(
        None,
        [entry("2026-11-10", "sale"), entry("2026-11-20", "call", done=True)],
        [],
        id="closed-by-done",
    ),
    pytest.param(
        None,
        [entry("2026-11-10", "sale"), entry("2026-11-20", "thank-you")],
        [("2026-11-17", 7, "sale on 2026-11-10: gap-check due 7 days after")],
        id="not-closed-by-a-contact",
    ),
    pytest.param(
        "2026-11-02",
        [],
        [("2026-11-09", 15, "new customer since 2026-11-02: gap-check 7 days after the start")],
        id="after-since-for-a-new-account",
    ),
    pytest.param(
        "2026-11-02",
        [entry("2026-11-12", "call", done=True)],
        [],
        id="since-gap-check-closed-by-done",
    ),
    pytest.param(
        "2026-11-02",
        [entry("2026-11-02", "sale")],
        [("2026-11-09", 15, "sale on 2026-11-02: gap-check due 7 days after")],
        id="sale-on-the-start-is-not-doubled",
    ),
    pytest.param("2019-03-01", [], [], id="not-for-an-old-account"),
]


@pytest.mark.parametrize(("since", "history", "expected"), GAP_ROWS)
def test_gap_check(since: str | None, history: list[Touch], expected: list[Expected]) -> None:
    items = of_kind(plan_account(account("B", history, since=since), P, TODAY), ItemKind.GAP_CHECK)
    check(items, expected)
    assert all(i.action == GAP for i in items)


def test_a_sale_starts_the_whole_default_sequence() -> None:
    items = plan_account(account("C", [entry("2026-11-10", "sale")]), P, TODAY)
    got = sorted((i.source, i.kind.value, i.due.isoformat(), i.action) for i in items)
    assert got == [
        ("gap-check", "gap-check", "2026-11-17", GAP),
        (
            "implementation-review",
            "review",
            "2026-12-10",
            "Implementation review: is it working as promised?",
        ),
        ("review", "review", "2027-11-10", "Hold a relationship review (health check)"),
        ("thank-you", "thank-you", "2026-11-12", "Send a thank-you note"),
        ("touch", "touch", "2027-02-08", "Check in"),
    ]


# -- follow-up: a promised next action -----------------------------------------------

FOLLOW_UP_ROWS = [
    pytest.param(
        [entry("2026-11-20", next="2026-11-23 Confirm the delivery arrived")],
        [("2026-11-23", 1, "Confirm the delivery arrived")],
        id="due-on-the-promised-date",
    ),
    pytest.param(
        [entry("2026-11-20", next="2026-11-28 Send the quote")],
        [("2026-11-30", -6, "Send the quote")],
        id="promised-for-saturday-moves-to-monday",
    ),
    pytest.param(
        [
            entry("2026-11-20", next="2026-11-21 First"),
            entry("2026-11-20", "email", next="2026-11-22 Second"),
            entry("2026-11-20", "email", next="2026-12-10 Third"),
            entry("2026-11-23", "note", done=True),
        ],
        [("2026-12-10", -16, "Third")],
        id="done-closes-every-due-one",
    ),
    pytest.param(
        [
            entry("2026-11-20", next="2026-12-01 First"),
            entry("2026-11-20", "email", next="2026-12-10 Second"),
            entry("2026-11-23", "call", done=True),
        ],
        [("2026-12-10", -16, "Second")],
        id="done-with-none-due-closes-the-next",
    ),
    pytest.param(
        [entry("2026-11-20", next="2026-11-21 Call back"), entry("2026-11-23", "call")],
        [("2026-11-23", 1, "Call back")],
        id="a-contact-without-done-does-not-close",
    ),
    pytest.param(
        [
            entry("2026-11-16", next="2026-11-18 Send the samples"),
            entry("2026-11-19", "email", done=True, next="2026-11-26 Ask about the samples"),
        ],
        [("2026-11-26", -2, "Ask about the samples")],
        id="done-and-a-new-promise-in-one-entry",
    ),
    pytest.param(
        [entry("2026-11-20", next="2025-11-23 Typo in the year")],
        [("2026-11-20", 4, "Typo in the year")],
        id="a-promise-dated-before-its-entry-is-due-from-the-entry",
    ),
]


@pytest.mark.parametrize(("history", "expected"), FOLLOW_UP_ROWS)
def test_follow_up(history: list[Touch], expected: list[Expected]) -> None:
    items = of_kind(plan_account(account("B", history), P, TODAY), ItemKind.FOLLOW_UP)
    assert [(i.due.isoformat(), i.overdue_days(TODAY), i.action) for i in items] == expected
    for item in items:
        assert item.reasons[0].endswith(f": {item.action}")


def test_follow_up_reason_and_contact() -> None:
    history = [entry("2026-11-20", with_="Jane Smith", next="2026-11-23 Confirm the delivery")]
    (item,) = of_kind(plan_account(account("A", history), P, TODAY), ItemKind.FOLLOW_UP)
    assert (item.reasons, item.contact, item.trigger, item.source) == (
        ("promised on 2026-11-20 (call): Confirm the delivery",),
        "Jane Smith",
        d("2026-11-20"),
        "next",
    )


# -- problem: every 2 days from the last touch, ranked above everything --------------

PROBLEM_ROWS = [
    pytest.param(
        [entry("2026-11-20", problem="Late delivery")],
        [("2026-11-23", 1, "open problem since 2026-11-20: Late delivery")],
        id="two-days-after-it-was-raised",
    ),
    pytest.param(
        [entry("2026-11-17", problem="Late delivery"), entry("2026-11-18", "email")],
        [("2026-11-20", 4, "last touch 2026-11-18; touch every 2 days until resolved")],
        id="two-days-after-the-last-touch",
    ),
    pytest.param(
        [entry("2026-11-17", problem="Late delivery"), entry("2026-11-19", "note")],
        [("2026-11-19", 5, "last touch 2026-11-17; touch every 2 days until resolved")],
        id="a-note-is-not-a-touch",
    ),
    pytest.param(
        [entry("2026-11-17", problem="Late delivery"), entry("2026-11-19", resolved=True)],
        [],
        id="closed-by-resolved",
    ),
    pytest.param(
        [entry("2026-11-17", problem="Late delivery"), entry("2026-11-19", done=True)],
        [("2026-11-23", 1, "last touch 2026-11-19; touch every 2 days until resolved")],
        id="done-does-not-resolve",
    ),
    pytest.param(
        [entry("2026-11-23", problem="Late delivery")],
        [("2026-11-25", -1, "open problem since 2026-11-23: Late delivery")],
        id="not-yet-due",
    ),
]


@pytest.mark.parametrize(("history", "expected"), PROBLEM_ROWS)
def test_problem(history: list[Touch], expected: list[Expected]) -> None:
    items = of_kind(plan_account(account("B", history), P, TODAY), ItemKind.PROBLEM)
    check(items, expected)
    assert all(i.action == "Work the open problem: Late delivery" for i in items)


def test_problem_ranks_above_a_hugely_overdue_touch() -> None:
    # touch due 2020-04-01, 2428 days late: 10 + 0 + 2 × 2428 = 4866 points
    neglected = account("C", [entry("2020-01-02")], slug="neglected")
    # problem due 2026-11-23: 100 + 0 + 2 × 1 = 102 points
    upset = account("C", [entry("2026-11-20", problem="Late delivery")], slug="upset")
    lapsed = account("A", [entry("2026-11-20")], slug="lapsed", renewal="2026-10-01")
    items = due_items([neglected, lapsed, upset], P, TODAY)
    assert [(i.account, i.kind.value, i.score) for i in items][:3] == [
        ("upset", "problem", 102.0),
        ("neglected", "touch", 4866.0),
        ("neglected", "review", 4331.0),  # due 2021-01-01, 2153 days late: 25 + 2 × 2153
    ]
    assert items[0].terms[-1].measure == 1


def test_problem_ranks_first_within_an_account_and_keeps_its_contact() -> None:
    history = [
        entry("2026-10-01", next="2026-10-05 Send the contract"),
        entry("2026-11-20", with_="Jane Smith", problem="Late delivery"),
    ]
    items = plan_account(account("A", history, renewal="2026-11-30"), P, TODAY)
    assert items[0].kind is ItemKind.PROBLEM
    assert items[0].contact == "Jane Smith"
    assert items[0].score < items[1].score


# -- renewal: 60 days ahead, escalating at 30 and 14, lapsed after -------------------

RENEWAL_ROWS = [
    pytest.param(
        "2027-01-23",
        [],
        "60",
        "2026-11-24",
        0,
        "Renewal in 60 days: start the conversation",
        "60 days left; work starts 60 days ahead (60-day stage)",
        id="opens-60-days-ahead",
    ),
    pytest.param(
        "2027-01-24",
        [],
        "60",
        "2026-11-25",
        -1,
        "Renewal in 61 days: start the conversation",
        "61 days left; work starts 60 days ahead (60-day stage)",
        id="61-days-ahead-not-yet-due",
    ),
    pytest.param(
        "2026-12-25",
        [],
        "60",
        "2026-10-26",
        29,
        "Renewal in 31 days: start the conversation",
        "31 days left; work starts 60 days ahead (60-day stage)",
        id="31-days-left-still-the-first-stage",
    ),
    pytest.param(
        "2026-12-24",
        [],
        "30",
        "2026-11-24",
        0,
        "Renewal in 30 days: escalate",
        "30 days left; work starts 60 days ahead (30-day stage)",
        id="escalates-at-30",
    ),
    pytest.param(
        "2026-12-10",
        [],
        "30",
        "2026-11-10",
        14,
        "Renewal in 16 days: escalate",
        "16 days left; work starts 60 days ahead (30-day stage)",
        id="30-day-stage-due-from-its-start",
    ),
    pytest.param(
        "2026-12-08",
        [],
        "14",
        "2026-11-24",
        0,
        "Renewal in 14 days: escalate",
        "14 days left; work starts 60 days ahead (14-day stage)",
        id="escalates-at-14",
    ),
    pytest.param(
        "2026-12-01",
        [],
        "14",
        "2026-11-17",
        7,
        "Renewal in 7 days: escalate",
        "7 days left; work starts 60 days ahead (14-day stage)",
        id="14-day-stage-due-from-its-start",
    ),
    pytest.param(
        "2026-11-24",
        [],
        "14",
        "2026-11-10",
        14,
        "Renewal in 0 days: escalate",
        "0 days left; work starts 60 days ahead (14-day stage)",
        id="on-the-day",
    ),
    pytest.param(
        "2026-11-20",
        [],
        "lapsed",
        "2026-11-20",
        4,
        "Renewal lapsed 4 days ago: renew or mark lost",
        "the date passed 4 days ago with no renewal logged",
        id="lapsed",
    ),
    pytest.param(
        "2026-11-22",
        [],
        "lapsed",
        "2026-11-23",
        1,
        "Renewal lapsed 2 days ago: renew or mark lost",
        "2026-11-22 is not a working day: moved to 2026-11-23",
        id="lapsed-on-a-sunday",
    ),
    pytest.param(
        "2026-12-24",
        [entry("2026-10-20", "renewal")],
        "30",
        "2026-11-24",
        0,
        "Renewal in 30 days: escalate",
        "renewal on 2026-12-24",
        id="a-renewal-before-the-window-does-not-close",
    ),
    pytest.param(
        "2026-12-24",
        [entry("2026-11-20", "call", done=True)],
        "30",
        "2026-11-24",
        0,
        "Renewal in 30 days: escalate",
        "renewal on 2026-12-24",
        id="done-does-not-close",
    ),
]


@pytest.mark.parametrize(
    ("renewal", "history", "stage", "due", "late", "action", "reason"), RENEWAL_ROWS
)
def test_renewal(
    renewal: str,
    history: list[Touch],
    stage: str,
    due: str,
    late: int,
    action: str,
    reason: str,
) -> None:
    items = plan_account(account("B", history, renewal=renewal), P, TODAY)
    (item,) = of_kind(items, ItemKind.RENEWAL)
    assert (item.stage, item.due.isoformat(), item.overdue_days(TODAY), item.action) == (
        stage,
        due,
        late,
        action,
    )
    assert item.reasons[0] == f"renewal on {renewal}"
    assert reason in item.reasons


@pytest.mark.parametrize(
    ("renewal", "history"),
    [
        pytest.param("2026-12-24", [entry("2026-11-10", "renewal")], id="inside-the-window"),
        pytest.param("2026-11-20", [entry("2026-11-23", "renewal")], id="after-it-lapsed"),
        pytest.param("2026-12-24", [entry("2026-10-25", "renewal")], id="on-the-window-start"),
        pytest.param(None, [], id="no-renewal-date"),
    ],
)
def test_renewal_closed(renewal: str | None, history: list[Touch]) -> None:
    items = plan_account(account("B", history, renewal=renewal), P, TODAY)
    assert of_kind(items, ItemKind.RENEWAL) == []


# -- one account over time: today varies ---------------------------------------------

# B, no `since`: a sale on Mon 11-02, a call on 11-09 promising the manual for 11-16,
# renewal 2027-01-15 (window opens 11-16, 30-day stage 12-16). Due dates: thank-you 11-04,
# gap-check 11-09, follow-up 11-16, implementation review 12-02, touch 12-09 (B 30 days
# after the call), visit and review 2027-05-03 (180 days from the first entry, a Saturday).
TIMELINE = account(
    "B",
    [
        entry("2026-11-02", "sale", with_="Jane"),
        entry("2026-11-09", next="2026-11-16 Send the manual"),
    ],
    renewal="2027-01-15",
)
TIMELINE_ROWS = [
    pytest.param("2026-11-03", [], id="nothing-due-yet"),
    pytest.param("2026-11-04", [("thank-you", "2026-11-04", 0, 45.0)], id="thank-you-day"),
    pytest.param(
        "2026-11-09",
        [("thank-you", "2026-11-04", 5, 55.0), ("gap-check", "2026-11-09", 0, 50.0)],
        id="gap-check-day",
    ),
    pytest.param(
        "2026-11-16",
        [
            ("renewal", "2026-11-16", 0, 75.0),
            ("thank-you", "2026-11-04", 12, 69.0),
            ("gap-check", "2026-11-09", 7, 64.0),
            ("follow-up", "2026-11-16", 0, 55.0),
        ],
        id="renewal-window-opens",
    ),
    pytest.param(
        "2026-12-02",
        [
            ("renewal", "2026-11-16", 16, 123.0),  # 60 + 15 + 2 × 16 + 16 inside the window
            ("thank-you", "2026-11-04", 28, 101.0),
            ("gap-check", "2026-11-09", 23, 96.0),
            ("follow-up", "2026-11-16", 16, 87.0),
            ("review", "2026-12-02", 0, 40.0),
        ],
        id="implementation-review-day",
    ),
    pytest.param(
        "2026-12-15",
        [
            ("renewal", "2026-11-16", 29, 162.0),
            ("thank-you", "2026-11-04", 41, 127.0),
            ("gap-check", "2026-11-09", 36, 122.0),
            ("follow-up", "2026-11-16", 29, 113.0),
            ("review", "2026-12-02", 13, 66.0),
            ("touch", "2026-12-09", 6, 37.0),
        ],
        id="last-day-of-the-60-day-stage",
    ),
    pytest.param(
        "2026-12-16",
        [
            # the 30-day stage is due from its own start, but its score still counts from
            # the window's opening (2026-11-16): 60 + 15 + 30 × 2 + 30 inside, never lower
            ("renewal", "2026-12-16", 0, 165.0),
            ("thank-you", "2026-11-04", 42, 129.0),
            ("gap-check", "2026-11-09", 37, 124.0),
            ("follow-up", "2026-11-16", 30, 115.0),
            ("review", "2026-12-02", 14, 68.0),
            ("touch", "2026-12-09", 7, 39.0),
        ],
        id="escalated-to-the-30-day-stage",
    ),
]


@pytest.mark.parametrize(("today", "expected"), TIMELINE_ROWS)
def test_one_account_over_time(today: str, expected: list[tuple[str, str, int, float]]) -> None:
    items = due_items([TIMELINE], P, d(today))
    got = [(i.kind.value, i.due.isoformat(), i.overdue_days(d(today)), i.score) for i in items]
    assert got == expected


# -- working days ----------------------------------------------------------------------

WORKING_DAY_ROWS = [
    pytest.param(P, "2026-11-27", "2026-11-27", id="friday-stays"),
    pytest.param(P, "2026-11-28", "2026-11-30", id="saturday-to-monday"),
    pytest.param(P, "2026-11-29", "2026-11-30", id="sunday-to-monday"),
    pytest.param(
        Policy(holidays=frozenset({d("2026-12-25")})),
        "2026-12-25",
        "2026-12-28",
        id="holiday-friday-to-monday",
    ),
    pytest.param(
        Policy(holidays=frozenset({d("2026-11-30")})),
        "2026-11-28",
        "2026-12-01",
        id="weekend-then-holiday",
    ),
    pytest.param(
        Policy(working_days=frozenset(range(6))),
        "2026-11-28",
        "2026-11-28",
        id="six-day-week-saturday-stays",
    ),
    pytest.param(
        Policy(working_days=frozenset(range(6))),
        "2026-11-29",
        "2026-11-30",
        id="six-day-week-sunday-moves",
    ),
    pytest.param(
        Policy(working_days=frozenset({1, 2, 3})),
        "2026-11-27",
        "2026-12-01",
        id="tue-to-thu-week-friday-to-tuesday",
    ),
    pytest.param(
        Policy(working_days=frozenset({1, 2, 3}), holidays=frozenset({d("2026-12-01")})),
        "2026-11-27",
        "2026-12-02",
        id="tue-to-thu-week-with-a-holiday",
    ),
]


@pytest.mark.parametrize(("policy", "promised", "due"), WORKING_DAY_ROWS)
def test_due_dates_move_to_the_next_working_day(policy: Policy, promised: str, due: str) -> None:
    history = [entry("2026-11-20", next=f"{promised} Call back")]
    (item,) = of_kind(plan_account(account("A", history), policy, TODAY), ItemKind.FOLLOW_UP)
    assert (item.raw_due.isoformat(), item.due.isoformat()) == (promised, due)
    moved = f"{promised} is not a working day: moved to {due}"
    assert (moved in item.reasons) == (promised != due)


# -- snoozed and lost accounts ---------------------------------------------------------

OVERDUE = [entry("2026-10-01", next="2026-10-05 Send the contract")]


@pytest.mark.parametrize(
    ("extra", "today", "listed"),
    [
        pytest.param({}, "2026-11-24", True, id="active"),
        pytest.param(
            {"snooze": Snooze(d("2026-11-30"), "Away")}, "2026-11-24", False, id="snoozed"
        ),
        pytest.param(
            {"snooze": Snooze(d("2026-11-30"), "Away")}, "2026-11-30", True, id="snooze-ends"
        ),
        pytest.param(
            {"snooze": Snooze(d("2026-11-20"), "Away")}, "2026-11-24", True, id="snooze-past"
        ),
        pytest.param({"status": Status.LOST}, "2026-11-24", False, id="lost"),
        pytest.param(
            {"status": Status.LOST, "snooze": Snooze(d("2026-11-20"))},
            "2027-06-01",
            False,
            id="lost-for-good",
        ),
    ],
)
def test_snoozed_and_lost_accounts(extra: dict[str, Any], today: str, listed: bool) -> None:
    accounts = [account("A", OVERDUE, renewal="2026-11-01", **extra)]
    items = due_items(accounts, P, d(today))
    assert bool(items) is listed
    assert {i.account for i in items} <= {"acme"}


# -- sequences are data ------------------------------------------------------------------


def test_a_custom_sequence_step_appears_with_its_action() -> None:
    welcome = Step(
        "welcome-pack", frozenset({"sale"}), 3, ItemKind.FOLLOW_UP, "Send the welcome pack", None
    )
    policy = Policy(sequences=(*DEFAULT_SEQUENCES, welcome))
    items = plan_account(account("B", [entry("2026-11-16", "sale")]), policy, TODAY)
    (item,) = [i for i in items if i.source == "welcome-pack"]
    assert (item.kind, item.action, item.due, item.overdue_days(TODAY)) == (
        ItemKind.FOLLOW_UP,
        "Send the welcome pack",
        d("2026-11-19"),
        5,
    )
    assert item.reasons == ("sale on 2026-11-16: welcome-pack due 3 days after",)
    closed = account("B", [entry("2026-11-16", "sale"), entry("2026-11-20", "note", done=True)])
    assert [i for i in plan_account(closed, policy, TODAY) if i.source == "welcome-pack"] == []


@pytest.mark.parametrize(
    ("history", "open_"),
    [
        pytest.param([], True, id="open"),
        pytest.param([entry("2026-11-18", "email")], True, id="an-email-is-not-a-call"),
        pytest.param([entry("2026-11-18", "call")], False, id="closed-by-a-call"),
    ],
)
def test_a_custom_step_on_since_closed_by_its_kind(history: list[Touch], open_: bool) -> None:
    kickoff = Step(
        "kickoff",
        frozenset({SINCE}),
        1,
        ItemKind.FOLLOW_UP,
        "Kick-off call",
        frozenset({TouchKind.CALL}),
    )
    policy = Policy(sequences=(kickoff,))
    items = plan_account(account("B", history, since="2026-11-16"), policy, TODAY)
    got = [(i.action, i.due, i.reasons) for i in items if i.source == "kickoff"]
    expected = (
        "Kick-off call",
        d("2026-11-17"),
        ("new customer since 2026-11-16: kickoff 1 day after the start",),
    )
    assert got == ([expected] if open_ else [])


def test_no_sequences_means_no_sequence_items() -> None:
    items = plan_account(account("B", [entry("2026-11-16", "sale")]), Policy(sequences=()), TODAY)
    assert sorted(i.kind.value for i in items) == ["review", "touch", "visit"]


# -- an overridden policy ------------------------------------------------------------------

CUSTOM = Policy(
    touch_every={Tier.A: 10, Tier.B: 20, Tier.C: 40},
    tighten_factor=0.25,
    new_customer_days=30,
    after_problem_days=10,
    visit_every={Tier.A: 30, Tier.B: 60, Tier.C: 120},
    review_every={Tier.A: 45, Tier.B: 90, Tier.C: 180},
    problem_every=3,
    renewal_lead=90,
    renewal_escalate=(45,),
)

CUSTOM_ROWS = [
    pytest.param(
        "C", None, None, [entry("2026-10-20")], ItemKind.TOUCH, "2026-11-30", -6, id="touch-C-40"
    ),
    pytest.param(
        "A",
        "2026-11-01",
        None,
        [entry("2026-11-12")],
        ItemKind.TOUCH,
        "2026-11-16",
        8,
        id="new-customer-quarter-of-10-rounds-to-2",  # 10 × 0.25 = 2.5 → 2 (round half even)
    ),
    pytest.param(
        "B",
        "2026-10-01",
        None,
        [entry("2026-11-12")],
        ItemKind.TOUCH,
        "2026-12-02",
        -8,
        id="new-customer-window-30-days-over",
    ),
    pytest.param(
        "B",
        None,
        None,
        [entry("2026-11-01", problem="Outage"), entry("2026-11-09", resolved=True)],
        ItemKind.TOUCH,
        "2026-11-16",
        8,
        id="after-problem-10-days-20x0.25",
    ),
    pytest.param(
        "C",
        None,
        None,
        [entry("2026-08-01", "visit")],
        ItemKind.VISIT,
        "2026-11-30",
        -6,
        id="visit-C-120",
    ),
    pytest.param(
        "A",
        None,
        None,
        [entry("2026-10-01", "review")],
        ItemKind.REVIEW,
        "2026-11-16",
        8,
        id="review-A-45",
    ),
    pytest.param(
        "A",
        None,
        None,
        [entry("2026-11-18", problem="Outage")],
        ItemKind.PROBLEM,
        "2026-11-23",
        1,
        id="problem-every-3-saturday-to-monday",
    ),
    pytest.param(
        "A",
        None,
        "2027-02-22",
        [entry("2026-11-20")],
        ItemKind.RENEWAL,
        "2026-11-24",
        0,
        id="renewal-lead-90",
    ),
    pytest.param(
        "A",
        None,
        "2026-12-31",
        [entry("2026-11-20")],
        ItemKind.RENEWAL,
        "2026-11-16",
        8,
        id="renewal-escalates-at-45",
    ),
]


@pytest.mark.parametrize(
    ("tier", "since", "renewal", "history", "kind", "due", "late"), CUSTOM_ROWS
)
def test_overridden_policy(
    tier: str,
    since: str | None,
    renewal: str | None,
    history: list[Touch],
    kind: ItemKind,
    due: str,
    late: int,
) -> None:
    acc = account(tier, history, since=since, renewal=renewal)
    (item,) = of_kind(plan_account(acc, CUSTOM, TODAY), kind)
    assert (item.due.isoformat(), item.overdue_days(TODAY)) == (due, late)


def test_overridden_renewal_stage_names() -> None:
    acc = account("A", [entry("2026-11-20")], renewal="2026-12-31")
    (item,) = of_kind(plan_account(acc, CUSTOM, TODAY), ItemKind.RENEWAL)
    assert item.stage == "45"
    assert item.reasons[1] == "37 days left; work starts 90 days ahead (45-day stage)"


# -- scores ----------------------------------------------------------------------------------

Terms = list[tuple[str, float, float]]

SCORE_ROWS = [
    pytest.param(
        P,
        "A",
        [entry("2026-11-02")],
        None,
        ItemKind.TOUCH,
        [("kind touch", 1, 10.0), ("tier A", 1, 30.0), ("days overdue", 8, 2.0)],
        56.0,
        id="A-touch-8-days-late",
    ),
    pytest.param(
        P,
        "C",
        [entry("2020-01-02")],
        None,
        ItemKind.TOUCH,
        [("kind touch", 1, 10.0), ("tier C", 1, 0.0), ("days overdue", 2428, 2.0)],
        4866.0,
        id="overdue-is-uncapped",
    ),
    pytest.param(
        P,
        "B",
        [entry("2026-11-20", next="2026-11-30 Call back")],
        None,
        ItemKind.FOLLOW_UP,
        [("kind follow-up", 1, 40.0), ("tier B", 1, 15.0), ("days overdue", 0, 2.0)],
        55.0,
        id="not-yet-due-counts-zero-days",
    ),
    pytest.param(
        P,
        "B",
        [entry("2026-11-20")],
        "2026-12-10",
        ItemKind.RENEWAL,
        [
            ("kind renewal", 1, 60.0),
            ("tier B", 1, 15.0),
            # counted from the window's opening (2026-10-11), not the 30-day stage's
            ("days since the renewal window opened", 44, 2.0),
            ("days inside the renewal window", 44, 1.0),
        ],
        207.0,
        id="renewal-proximity",
    ),
    pytest.param(
        P,
        "C",
        [entry("2026-11-20")],
        "2026-09-01",
        ItemKind.RENEWAL,
        [
            ("kind renewal", 1, 60.0),
            ("tier C", 1, 0.0),
            # the window opened 2026-07-03, 144 days ago
            ("days since the renewal window opened", 144, 2.0),
            ("days inside the renewal window", 60, 1.0),
        ],
        408.0,
        id="lapsed-renewal-proximity-tops-out-at-the-lead",
    ),
    pytest.param(
        Policy(
            weights=Weights(
                kind={ItemKind.TOUCH: 1.0, ItemKind.RENEWAL: 7.0},
                tier={Tier.A: 5.0, Tier.B: 3.0, Tier.C: 0.5},
                overdue_day=0.5,
                renewal_day=3.0,
            )
        ),
        "B",
        [entry("2026-11-20")],
        "2026-12-10",
        ItemKind.RENEWAL,
        [
            ("kind renewal", 1, 7.0),
            ("tier B", 1, 3.0),
            ("days since the renewal window opened", 44, 0.5),
            ("days inside the renewal window", 44, 3.0),
        ],
        164.0,
        id="weights-overridden",
    ),
    pytest.param(
        Policy(weights=Weights(kind={ItemKind.PROBLEM: 5.0}, overdue_day=0.0)),
        "A",
        [entry("2026-11-02")],
        None,
        ItemKind.TOUCH,
        [("kind touch", 1, 0.0), ("tier A", 1, 30.0), ("days overdue", 8, 0.0)],
        30.0,
        id="a-kind-left-out-weighs-nothing",
    ),
]


@pytest.mark.parametrize(
    ("policy", "tier", "history", "renewal", "kind", "terms", "score"), SCORE_ROWS
)
def test_score_terms(
    policy: Policy,
    tier: str,
    history: list[Touch],
    renewal: str | None,
    kind: ItemKind,
    terms: Terms,
    score: float,
) -> None:
    (item,) = of_kind(plan_account(account(tier, history, renewal=renewal), policy, TODAY), kind)
    assert [(t.label, t.measure, t.weight) for t in item.terms] == terms
    assert item.score == score


def test_ranking_follows_the_weights() -> None:
    # the same two items swap places when the weights say so
    touch_late = account("A", [entry("2026-11-02")], slug="alpha")  # touch 8 days late
    promise = account("B", [entry("2026-11-20", next="2026-11-24 Send the quote")], slug="bravo")
    default = [(i.account, i.kind.value) for i in due_items([promise, touch_late], P, TODAY)]
    # alpha touch 10 + 30 + 16 = 56; bravo follow-up 40 + 15 = 55
    assert default[:2] == [("alpha", "touch"), ("bravo", "follow-up")]
    heavy = Policy(weights=Weights(kind={ItemKind.TOUCH: 10.0, ItemKind.FOLLOW_UP: 42.0}))
    swapped = [(i.account, i.kind.value) for i in due_items([promise, touch_late], heavy, TODAY)]
    assert swapped[:2] == [("bravo", "follow-up"), ("alpha", "touch")]


def test_due_items_only_lists_what_is_due_by_today() -> None:
    acc = account(
        "A",
        [
            entry("2026-11-20", next="2026-11-25 Tomorrow"),
            entry("2026-11-21", next="2026-11-24 Now"),
        ],
        renewal="2027-06-01",
    )
    assert [(i.kind.value, i.action) for i in due_items([acc], P, TODAY)] == [
        ("follow-up", "Now"),
    ]
    assert [(i.kind.value, i.action) for i in due_items([acc], P, d("2026-11-25"))] == [
        ("follow-up", "Now"),
        ("follow-up", "Tomorrow"),
    ]


def test_a_renewal_never_ranks_lower_as_it_escalates() -> None:
    """Day by day from the window's opening to after the date, the score only grows."""
    renewed = account("B", [entry("2026-11-20")], renewal="2027-01-15")
    day = date(2026, 11, 14)
    scores = []
    while day <= date(2027, 1, 25):
        (item,) = of_kind(plan_account(renewed, P, day), ItemKind.RENEWAL)
        if item.due <= day:
            scores.append((day, item.stage, item.score))
        day += timedelta(days=1)
    stages = {stage for _day, stage, _score in scores}
    assert stages == {"60", "30", "14", "lapsed"}
    for (day_a, _sa, a), (day_b, _sb, b) in itertools.pairwise(scores):
        assert b >= a, (day_a, a, day_b, b)
