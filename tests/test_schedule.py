"""The rules engine as tables: tier x history x today -> expected items.

Every expected date, lateness and score below was worked out by hand from the rules
(README "The rules"; 2026-11-24 is a Tuesday, 2026-11-21/22 a weekend, 2026-12-25 a
Friday), never by running the code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from touchplan.config import Policy, Step, Weights
from touchplan.model import (
    Account,
    Item,
    ItemClass,
    ItemKind,
    NextAction,
    Relationship,
    RenewalStage,
    Snooze,
    Status,
    Tier,
    Touch,
    TouchKind,
)
from touchplan.planning.calls import account_call, plan_calls
from touchplan.planning.renewal import renewal_state
from touchplan.planning.schedule import assign_ids, closed_items, plan_account, rank_key
from touchplan.planning.walk import item_key

TODAY = date(2026, 11, 24)  # a Tuesday
P = Policy()


def d(text: str) -> date:
    return date.fromisoformat(text)


def entry(day: str, kind: str = "call", *, next: str = "", with_: str = "", **kw: Any) -> Touch:
    """One history entry; ``next`` is written as in the file: ``DATE ACTION``."""
    promise = None
    if next:
        when, _, action = next.partition(" ")
        booked = None
        head, sep, rest = action.partition(": ")
        if sep and head in ("call", "visit", "meeting", "review"):
            booked, action = TouchKind(head), rest
        promise = NextAction(d(when), action, booked)
    if "until" in kw:
        kw["until"] = d(kw["until"])
    return Touch(d(day), TouchKind(kind), next=promise, with_=with_, **kw)


def account(
    tier: str = "A",
    history: tuple[Touch, ...] | list[Touch] = (),
    *,
    slug: str = "acme",
    since: str | None = None,
    renewal: str | None = None,
    added: str | None = None,
    **kw: Any,
) -> Account:
    return Account(
        slug=slug,
        file=f"accounts/{slug}.yaml",
        name=slug.title(),
        tier=Tier(tier),
        since=d(since) if since else None,
        renewal=d(renewal) if renewal else None,
        added=d(added) if added else None,
        history=tuple(replace(t, index=i) for i, t in enumerate(history)),
        **kw,
    )


def of_kind(items: list[Item], kind: ItemKind) -> list[Item]:
    return [i for i in items if i.kind is kind]


Expected = tuple[str, int, str]  # (due, days late, a reason that must be among the reasons)


def check(items: list[Item], expected: list[Expected], today: date = TODAY) -> None:
    got = [(i.due.isoformat(), i.overdue_days(today)) for i in items]
    assert got == [(due, late) for due, late, _ in expected]
    for item, (_, _, reason) in zip(items, expected, strict=True):
        assert reason in item.reasons, item.reasons


def the(items: list[Item], kind: ItemKind) -> Item:
    found = of_kind(items, kind)
    assert len(found) == 1, found
    return found[0]


# -- touch: the tier cadence ---------------------------------------------------------

TOUCH_ROWS = [
    pytest.param("A", {}, [entry("2026-11-10")], "2026-11-24", 0,
                 "last contact 2026-11-10 (call); tier A every 14 days", id="A-14-days-due-today"),
    pytest.param("B", {}, [entry("2026-10-20", "email")], "2026-11-19", 5,
                 "last contact 2026-10-20 (email); tier B every 30 days", id="B-30-days-5-late"),
    pytest.param("C", {}, [entry("2026-08-20", "visit")], "2026-11-18", 6,
                 "last contact 2026-08-20 (visit); tier C every 90 days", id="C-90-days-6-late"),
    pytest.param("A", {}, [entry("2026-11-02"), entry("2026-11-20", "note")], "2026-11-16", 8,
                 "last contact 2026-11-02 (call); tier A every 14 days",
                 id="a-note-is-not-a-contact"),
    pytest.param("A", {}, [entry("2026-11-02"), entry("2026-11-20", "attempt")], "2026-11-16", 8,
                 "last contact 2026-11-02 (call); tier A every 14 days",
                 id="an-unanswered-attempt-is-not-a-contact"),
    pytest.param("A", {}, [entry("2026-11-02"), entry("2026-11-20", "share")], "2026-12-04", -10,
                 "last contact 2026-11-20 (share); tier A every 14 days",
                 id="sharing-is-a-contact"),
    pytest.param("A", {}, [entry("2026-11-02", "imported")], "2026-11-16", 8,
                 "last contact 2026-11-02 (imported); tier A every 14 days",
                 id="an-imported-last-activity-is-a-contact"),
    pytest.param("A", {}, [entry("2026-11-12"), entry("2026-11-03")], "2026-11-26", -2,
                 "last contact 2026-11-12 (call); tier A every 14 days",
                 id="latest-by-date-not-file-order"),
    pytest.param("A", {}, [entry("2026-10-18")], "2026-11-02", 22,
                 "2026-11-01 is not a working day: due 2026-11-02", id="sunday-moves-to-monday"),
    pytest.param("A", {"since": "2026-10-01"}, [entry("2026-11-10")], "2026-11-17", 7,
                 "new customer since 2026-10-01: cadence tightened 14 → 7 days for the first "
                 "90 days", id="new-A-halved-to-7"),
    pytest.param("A", {"since": "2026-08-13"}, [entry("2026-11-10")], "2026-11-17", 7,
                 "last contact 2026-11-10 (call); tier A every 7 days",
                 id="day-89-after-since-still-new"),
    pytest.param("A", {"since": "2026-08-12"}, [entry("2026-11-10")], "2026-11-24", 0,
                 "last contact 2026-11-10 (call); tier A every 14 days",
                 id="day-90-after-since-no-longer-new"),
    pytest.param("A", {}, [entry("2026-11-01", problem="Late"), entry("2026-11-05", resolved=True)],
                 "2026-11-12", 12, "problem resolved on 2026-11-05: cadence tightened 14 → 7 days "
                 "for 90 days", id="a-resolved-problem-tightens"),
    pytest.param("A", {}, [entry("2026-11-05", resolved=True)], "2026-11-19", 5,
                 "last contact 2026-11-05 (call); tier A every 14 days",
                 id="a-stray-resolved-changes-nothing"),
    pytest.param("B", {"relationship": Relationship.TRANSACTIONAL}, [entry("2026-10-01")],
                 "2026-11-16", 8, "transactional relationship: cadence 30 → 45 days",
                 id="transactional-is-half-as-long-again"),
    pytest.param("A", {"relationship": Relationship.PARTNERING}, [entry("2026-11-10")],
                 "2026-11-20", 4, "partnering relationship: cadence 14 → 10 days",
                 id="partnering-is-three-quarters"),
]  # fmt: skip


@pytest.mark.parametrize(("tier", "extra", "history", "due", "late", "reason"), TOUCH_ROWS)
def test_touch_cadence(
    tier: str, extra: dict[str, Any], history: list[Touch], due: str, late: int, reason: str
) -> None:
    items = plan_account(account(tier, history, **extra), P, TODAY)
    check(of_kind(items, ItemKind.TOUCH), [(due, late, reason)])


@pytest.mark.parametrize("kind", [k for k in TouchKind if k.value not in
                                  ("note", "attempt", "defer", "lost")])  # fmt: skip
def test_every_contact_kind_resets_the_touch_cadence(kind: TouchKind) -> None:
    items = plan_account(
        account("A", [entry("2026-11-01"), Touch(d("2026-11-20"), kind)]), P, TODAY
    )
    assert the(items, ItemKind.TOUCH).due == d("2026-12-04")


NEVER_ROWS = [
    pytest.param({}, [], "2026-11-24", 0, "no contact on record", id="nothing-at-all"),
    pytest.param({"since": "2019-06-15"}, [], "2026-11-24", 0, "no contact on record",
                 id="years-since-since-count-for-nothing"),
    pytest.param({}, [entry("2026-10-01", "note")], "2026-11-24", 0, "no contact on record",
                 id="only-notes"),
    pytest.param({"added": "2026-11-10", "since": "2019-06-15"}, [], "2026-11-10", 14,
                 "no contact on record; added to touchplan on 2026-11-10",
                 id="late-from-the-day-it-was-added"),
]  # fmt: skip


@pytest.mark.parametrize(("extra", "history", "due", "late", "reason"), NEVER_ROWS)
def test_a_never_contacted_account_is_due_for_a_first_touch(
    extra: dict[str, Any], history: list[Touch], due: str, late: int, reason: str
) -> None:
    items = plan_account(account("B", history, **extra), P, TODAY)
    check(items, [(due, late, reason)])  # nothing but the first touch: no visit, no review
    assert items[0].action == "Get in touch: first contact"


def test_first_touches_rank_by_tier_never_by_since() -> None:
    old_c = account("C", since="2001-01-01", slug="old-c")
    new_a = account("A", since="2026-11-01", slug="new-a")
    b = account("B", slug="b")
    ranked = [c.account for c in plan_calls([old_c, b, new_a], P, TODAY)]
    assert ranked == ["new-a", "b", "old-c"]


def test_an_added_account_never_claims_lateness_from_before_it_arrived() -> None:
    acct = account("A", [entry("2026-06-01", "imported")], added="2026-11-20")
    items = plan_account(acct, P, TODAY)
    # touch due 06-15 and visit/review due 08-30 (90 days from the first contact on record)
    check(of_kind(items, ItemKind.TOUCH) + of_kind(items, ItemKind.VISIT), [
        ("2026-11-20", 4, "counted from 2026-11-20, when it was added to touchplan"),
        ("2026-11-20", 4, "counted from 2026-11-20, when it was added to touchplan"),
    ])  # fmt: skip


# -- visits and reviews ---------------------------------------------------------------

VISIT_ROWS = [
    pytest.param("A", [entry("2026-08-26", "visit")], [("2026-11-24", 0,
                 "last face-to-face meeting 2026-08-26 (visit); tier A every 90 days")], id="A-90"),
    pytest.param("A", [entry("2026-08-26", "meeting")], [("2026-11-24", 0,
                 "last face-to-face meeting 2026-08-26 (meeting); tier A every 90 days")],
                 id="a-meeting-is-face-to-face"),
    pytest.param("B", [entry("2026-05-28", "visit")], [("2026-11-24", 0,
                 "last face-to-face meeting 2026-05-28 (visit); tier B every 180 days")],
                 id="B-180"),
    pytest.param("C", [entry("2025-01-28", "visit")], [], id="C-never"),
    pytest.param("A", [entry("2026-08-01", "note"), entry("2026-08-26", "call")], [("2026-11-24", 0,
                 "no face-to-face meeting yet; counted from the first contact on record, "
                 "2026-08-26; tier A every 90 days")], id="from-the-first-contact-on-record"),
    pytest.param("A", [entry("2026-08-26", "visit"), entry("2026-11-20", "call")], [("2026-11-24",
                 0, "last face-to-face meeting 2026-08-26 (visit); tier A every 90 days")],
                 id="a-call-is-not-a-visit"),
]  # fmt: skip


@pytest.mark.parametrize(("tier", "history", "expected"), VISIT_ROWS)
def test_visit_cadence(tier: str, history: list[Touch], expected: list[Expected]) -> None:
    check(of_kind(plan_account(account(tier, history), P, TODAY), ItemKind.VISIT), expected)


REVIEW_ROWS = [
    pytest.param("A", [entry("2026-08-26", "review")], "2026-11-24", 0, id="A-90"),
    pytest.param("B", [entry("2026-05-28", "review")], "2026-11-24", 0, id="B-180"),
    pytest.param("C", [entry("2025-11-24", "review")], "2026-11-24", 0, id="C-365"),
    pytest.param("C", [entry("2025-11-25", "review")], "2026-11-25", -1, id="C-not-yet"),
    pytest.param("A", [entry("2026-08-26", "review"), entry("2026-11-01", "visit")], "2026-11-24",
                 0, id="a-visit-is-not-a-review"),
]  # fmt: skip


@pytest.mark.parametrize(("tier", "history", "due", "late"), REVIEW_ROWS)
def test_review_cadence(tier: str, history: list[Touch], due: str, late: int) -> None:
    review = the(plan_account(account(tier, history), P, TODAY), ItemKind.REVIEW)
    assert (review.due.isoformat(), review.overdue_days(TODAY)) == (due, late)
    assert review.cls is ItemClass.CADENCE


def test_a_visit_or_review_closed_by_id_counts_as_held() -> None:
    base = [entry("2026-08-01", "visit"), entry("2026-08-01", "review")]
    items = plan_account(account("A", base), P, TODAY)
    visit, review = the(items, ItemKind.VISIT), the(items, ItemKind.REVIEW)
    held = [*base, entry("2026-11-23", "call", done_ids=(visit.id, review.id))]
    after = plan_account(account("A", held), P, TODAY)
    assert the(after, ItemKind.VISIT).due == d("2027-02-22")  # 2026-11-23 + 90 (a Monday)
    assert the(after, ItemKind.REVIEW).due == d("2027-02-22")


# -- commitments: sequence steps --------------------------------------------------------

THANK_YOU_ROWS = [
    pytest.param([entry("2026-11-19", "sale")], [("2026-11-20", 4,
                 "2026-11-21 is not a working day: due 2026-11-20")],
                 id="thursday-sale-deadline-saturday-moves-to-friday"),
    pytest.param([entry("2026-11-20", "sale")], [("2026-11-20", 4,
                 "sale on 2026-11-20: thank-you 2 days later")],
                 id="friday-sale-deadline-sunday-moves-to-friday"),
    pytest.param([entry("2026-11-21", "sale")], [("2026-11-23", 1,
                 "sale on 2026-11-21: thank-you 2 days later")],
                 id="a-saturday-sale-is-due-monday"),
    pytest.param([entry("2026-11-23", "visit")], [("2026-11-25", -1,
                 "visit on 2026-11-23: thank-you 2 days later")], id="after-a-visit"),
    pytest.param([entry("2026-11-22", "call")], [], id="not-after-a-call"),
    pytest.param([entry("2026-11-19", "sale"), entry("2026-11-20", "thank-you")], [],
                 id="closed-by-a-thank-you"),
    pytest.param([entry("2026-11-19", "thank-you"), entry("2026-11-19", "meeting")],
                 [("2026-11-20", 4, "meeting on 2026-11-19: thank-you 2 days later")],
                 id="a-thank-you-before-it-does-not-close"),
    pytest.param([entry("2026-11-10", "sale")], [], id="expired-a-week-after-its-date"),
    pytest.param([entry("2026-06-10", "visit")], [], id="backfilled-history-opens-nothing-stale"),
]  # fmt: skip


@pytest.mark.parametrize(("history", "expected"), THANK_YOU_ROWS)
def test_thank_you(history: list[Touch], expected: list[Expected]) -> None:
    items = of_kind(plan_account(account("B", history), P, TODAY), ItemKind.THANK_YOU)
    check(items, expected)
    assert all(i.cls is ItemClass.COMMITMENT for i in items)


def test_a_missed_step_is_recorded_not_silently_dropped() -> None:
    closed = closed_items(account("B", [entry("2026-11-10", "sale")]), P, TODAY)
    missed = [(c.item.kind, c.how, c.on) for c in closed if c.how == "missed"]
    # thank-you due 11-12, expires after 11-19; nothing else of the sale's steps expired yet
    assert missed == [(ItemKind.THANK_YOU, "missed", d("2026-11-20"))]


GAP_ROWS = [
    pytest.param(None, [entry("2026-11-10", "sale")], [("2026-11-17", 7,
                 "sale on 2026-11-10: gap-check 7 days later")], id="after-a-sale"),
    pytest.param(None, [entry("2026-11-10", "sale"), entry("2026-11-17", done=True)], [],
                 id="closed-by-done-true-on-or-after-its-date"),
    pytest.param(None, [entry("2026-11-10", "sale"), entry("2026-11-12", done=True)],
                 [("2026-11-17", 7, "sale on 2026-11-10: gap-check 7 days later")],
                 id="done-true-before-its-date-leaves-it-open"),
    pytest.param(None, [entry("2026-11-10", "sale"), entry("2026-11-18", "call")],
                 [("2026-11-17", 7, "sale on 2026-11-10: gap-check 7 days later")],
                 id="not-closed-by-a-contact"),
    pytest.param("2026-11-10", [], [("2026-11-17", 7,
                 "new customer since 2026-11-10: gap-check 7 days after it")],
                 id="after-since-for-a-new-account"),
    pytest.param("2026-11-10", [entry("2026-11-10", "sale")], [("2026-11-17", 7,
                 "sale on 2026-11-10: gap-check 7 days later")],
                 id="a-sale-on-the-start-is-not-doubled"),
    pytest.param("2019-01-01", [entry("2026-11-10", "call")], [], id="not-for-an-old-account"),
]  # fmt: skip


@pytest.mark.parametrize(("since", "history", "expected"), GAP_ROWS)
def test_gap_check(since: str | None, history: list[Touch], expected: list[Expected]) -> None:
    items = plan_account(account("B", history, since=since), P, TODAY)
    check(of_kind(items, ItemKind.GAP_CHECK), expected)


def test_a_sale_starts_the_whole_default_sequence() -> None:
    items = plan_account(account("A", [entry("2026-11-23", "sale")]), P, TODAY)
    steps = sorted(
        (i.kind.value, i.due.isoformat()) for i in items if i.cls is ItemClass.COMMITMENT
    )
    # thank-you +2 (Wed); gap-check +7 (Mon 11-30); implementation review +30 (Wed 12-23)
    assert steps == [("gap-check", "2026-11-30"), ("review", "2026-12-23"),
                     ("thank-you", "2026-11-25")]  # fmt: skip


# -- commitments: promises, problems, bookings -------------------------------------------

FOLLOW_ROWS = [
    pytest.param([entry("2026-11-18", next="2026-11-23 Send the quote")],
                 [("2026-11-23", 1, "promised on 2026-11-18 (call): Send the quote")],
                 id="due-on-the-promised-date"),
    pytest.param([entry("2026-11-18", next="2026-11-21 Send the quote")],
                 [("2026-11-20", 4, "2026-11-21 is not a working day: due 2026-11-20")],
                 id="promised-for-saturday-is-due-friday"),
    pytest.param([entry("2026-11-21", next="2026-11-21 Send the quote")],
                 [("2026-11-23", 1, "promised on 2026-11-21 (call): Send the quote")],
                 id="never-due-before-the-promise-was-made"),
    pytest.param([entry("2026-11-18", next="2026-11-23 Send the quote"),
                  entry("2026-11-23", "email", done=True)], [], id="done-true-closes-the-due-one"),
    pytest.param([entry("2026-11-18", next="2026-11-30 Send the quote"),
                  entry("2026-11-23", "email", done=True)],
                 [("2026-11-30", -6, "promised on 2026-11-18 (call): Send the quote")],
                 id="done-true-never-closes-one-not-yet-due"),
    pytest.param([entry("2026-11-18", next="2026-11-23 Send the quote"), entry("2026-11-23")],
                 [("2026-11-23", 1, "promised on 2026-11-18 (call): Send the quote")],
                 id="a-contact-without-done-does-not-close"),
    pytest.param([entry("2026-11-18", next="2026-11-10 Typo")],
                 [("2026-11-18", 6, "promised on 2026-11-18 (call): Typo")],
                 id="a-promise-dated-before-its-entry-is-due-from-it"),
]  # fmt: skip


@pytest.mark.parametrize(("history", "expected"), FOLLOW_ROWS)
def test_follow_up(history: list[Touch], expected: list[Expected]) -> None:
    check(of_kind(plan_account(account("B", history), P, TODAY), ItemKind.FOLLOW_UP), expected)


def test_done_by_id_closes_exactly_that_promise() -> None:
    history = [
        entry("2026-11-16", with_="Hal", next="2026-11-19 Send lead times"),
        entry("2026-11-17", with_="Renee", next="2026-11-20 Confirm the credit note"),
    ]
    items = of_kind(plan_account(account("A", history), P, TODAY), ItemKind.FOLLOW_UP)
    hal = next(i for i in items if i.contact == "Hal")
    after = [*history, entry("2026-11-24", with_="Hal", done_ids=(hal.id,))]
    left = of_kind(plan_account(account("A", after), P, TODAY), ItemKind.FOLLOW_UP)
    assert [(i.contact, i.id) for i in left] == [("Renee", items[1 - items.index(hal)].id)]


PROBLEM_ROWS = [
    pytest.param([entry("2026-11-19", problem="Late delivery")], [("2026-11-20", 4,
                 "first response within 1 day (working days)")],
                 id="thursday-first-response-friday"),
    pytest.param([entry("2026-11-20", problem="Late delivery")], [("2026-11-23", 1,
                 "problem reported on 2026-11-20: Late delivery")],
                 id="friday-first-response-monday"),
    pytest.param([entry("2026-11-16", problem="Late"), entry("2026-11-20", "email")],
                 [("2026-11-24", 0, "last contact 2026-11-20; every 2 days (working days) until "
                  "resolved")], id="two-working-days-after-friday-is-tuesday"),
    pytest.param([entry("2026-11-16", problem="Late"), entry("2026-11-23", "email")],
                 [("2026-11-25", -1, "last contact 2026-11-23; every 2 days (working days) until "
                  "resolved")], id="not-yet-due"),
    pytest.param([entry("2026-11-16", problem="Late"), entry("2026-11-17", "note")],
                 [("2026-11-17", 7, "first response within 1 day (working days)")],
                 id="a-note-is-not-a-response"),
    pytest.param([entry("2026-11-16", problem="Late"), entry("2026-11-17", resolved=True)], [],
                 id="closed-by-resolved"),
    pytest.param([entry("2026-11-16", problem="Late"), entry("2026-11-17", done=True)],
                 [("2026-11-19", 5, "last contact 2026-11-17; every 2 days (working days) until "
                  "resolved")], id="done-does-not-resolve"),
    pytest.param([entry("2026-11-16", problem="Waiting on supplier"),
                  entry("2026-11-17", "defer", item="PROBLEM", until="2026-12-01",
                        summary="Supplier ETA is 12-01")],
                 [("2026-12-01", -7, "deferred on 2026-11-17 until 2026-12-01: Supplier ETA is "
                  "12-01")], id="deferred-until-the-supplier-answers"),
]  # fmt: skip


@pytest.mark.parametrize(("history", "expected"), PROBLEM_ROWS)
def test_problem(history: list[Touch], expected: list[Expected]) -> None:
    problem_id = item_key("acme", "problem|2026-11-16|Waiting on supplier")[:5]
    history = [replace(t, item=problem_id) if t.item == "PROBLEM" else t for t in history]
    check(of_kind(plan_account(account("B", history), P, TODAY), ItemKind.PROBLEM), expected)


def test_resolving_one_problem_by_id_keeps_the_other() -> None:
    history = [entry("2026-11-16", problem="Late"), entry("2026-11-17", problem="Billing")]
    first, second = of_kind(plan_account(account("B", history), P, TODAY), ItemKind.PROBLEM)
    after = [*history, entry("2026-11-20", resolved_ids=(first.id,))]
    assert [i.id for i in of_kind(plan_account(account("B", after), P, TODAY),
                                  ItemKind.PROBLEM)] == [second.id]  # fmt: skip


BOOKED = [entry("2026-06-01", "visit"), entry("2026-11-20", next="2026-12-01 visit: Plant tour")]


def test_a_booked_visit_stands_in_for_the_visit_cadence_until_its_date() -> None:
    items = plan_account(account("A", BOOKED), P, TODAY)
    assert of_kind(items, ItemKind.VISIT) == []  # the visit was due 08-30: no "Plan a visit"
    booked = the(items, ItemKind.BOOKED)
    assert (booked.action, booked.due, booked.cls) == (
        "Booked visit: Plant tour",
        d("2026-12-01"),
        ItemClass.COMMITMENT,
    )
    on_the_day = account_call(account("A", BOOKED), P, d("2026-12-01"))
    assert on_the_day is not None and on_the_day.mode == "visit"


@pytest.mark.parametrize(
    ("kind", "day", "still_open"),
    [("visit", "2026-12-01", False), ("meeting", "2026-12-02", False),
     ("call", "2026-12-01", True), ("visit", "2026-11-30", True)],
)  # fmt: skip
def test_a_booked_visit_is_closed_by_a_face_to_face_on_or_after_its_date(
    kind: str, day: str, still_open: bool
) -> None:
    items = plan_account(account("A", [*BOOKED, entry(day, kind)]), P, d("2026-12-03"))
    assert bool(of_kind(items, ItemKind.BOOKED)) is still_open


# -- renewals -----------------------------------------------------------------------------

C = K = ItemClass.COMMITMENT  # every renewal item is a commitment
RENEWAL_ROWS = [
    pytest.param("2027-01-23", [], "2026-11-24", 0, C, "not started", "60",
                 "Renewal in 60 days: start the conversation", id="opens-60-days-ahead"),
    pytest.param("2027-01-24", [], "2026-11-25", -1, C, "not started", "60",
                 "Renewal in 61 days: start the conversation", id="61-days-ahead-not-yet"),
    pytest.param("2027-01-21", [], "2026-11-20", 4, C, "not started", "60",
                 "Renewal in 58 days: start the conversation",
                 id="a-window-opening-on-sunday-opens-on-friday"),
    pytest.param("2026-12-24", [], "2026-10-23", 32, C, "not started", "30",
                 "Renewal in 30 days: escalate", id="escalated-at-30-still-late-from-the-start"),
    pytest.param("2027-01-15", [entry("2026-11-20", "renewal", stage=RenewalStage.PROPOSAL)],
                 "2026-12-04", -10, K, "proposal", "60",
                 "Renewal in 52 days (proposal): keep it moving",
                 id="in-progress-a-quarter-of-56-days-later"),
    pytest.param("2027-01-15", [entry("2026-11-20", "renewal")], "2026-12-04", -10, K,
                 "conversation", "60", "Renewal in 52 days (conversation): keep it moving",
                 id="a-renewal-entry-without-a-stage-is-a-conversation"),
    pytest.param("2026-12-19", [entry("2026-11-12", "renewal")], "2026-11-19", 5, C,
                 "conversation", "30", "Renewal in 25 days (conversation): escalate, push for a "
                 "decision", id="the-30-day-escalation-comes-before-the-next-touch"),
    pytest.param("2026-12-04", [entry("2026-11-20", "renewal", stage=RenewalStage.VERBAL)],
                 "2026-11-23", 1, K, "verbal", "14",
                 "Renewal in 10 days (verbal): keep it moving", id="inside-14-days-every-3-days"),
    pytest.param("2026-11-26", [entry("2026-11-24", "renewal", stage=RenewalStage.VERBAL)],
                 "2026-11-26", -2, K, "verbal", "14",
                 "Renewal in 2 days (verbal): escalate, push for a decision",
                 id="near-the-date-the-rhythm-never-passes-it"),
    pytest.param("2026-11-29", [entry("2026-11-24", "renewal", stage=RenewalStage.VERBAL)],
                 "2026-11-27", -3, K, "verbal", "14",
                 "Renewal in 5 days (verbal): keep it moving",
                 id="a-date-on-sunday-is-kept-on-friday-as-the-rhythm-has-it"),
    pytest.param("2026-11-24", [], "2026-09-25", 60, C, "not started", "14",
                 "Renewal today: escalate", id="on-its-date-never-started"),
    pytest.param("2027-03-31", [entry("2026-11-20", "renewal")], "2027-01-29", -66, K,
                 "conversation", "60", "Renewal in 127 days (conversation): keep it moving",
                 id="an-early-start-waits-for-the-window"),
    pytest.param("2026-11-20", [], "2026-11-20", 4, C, "lapsed", "lapsed",
                 "Renewal lapsed 4 days ago: renew or mark lost", id="lapsed"),
    pytest.param("2026-11-20", [entry("2026-11-01", "renewal", stage=RenewalStage.VERBAL)],
                 "2026-11-20", 4, C, "lapsed", "lapsed",
                 "Renewal lapsed 4 days ago: renew or mark lost", id="lapsed-despite-a-verbal"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("renewal", "history", "due", "late", "cls", "progress", "stage", "action"), RENEWAL_ROWS
)
def test_renewal(
    renewal: str,
    history: list[Touch],
    due: str,
    late: int,
    cls: ItemClass,
    progress: str,
    stage: str,
    action: str,
) -> None:
    acct = account("A", [entry("2026-11-23", "email"), *history], renewal=renewal)
    item = the(plan_account(acct, P, TODAY), ItemKind.RENEWAL)
    assert (item.due.isoformat(), item.overdue_days(TODAY), item.action) == (due, late, action)
    assert item.cls is cls
    state = renewal_state(acct, P, TODAY)
    assert state is not None and (state.progress, state.stage) == (progress, stage)


def test_why_a_renewal_comes_back_on_its_date() -> None:
    # a verbal yes two days out: the rhythm (3 days near the date) would let the date
    # pass before the next touch, so the touch is on the date, and says why
    verbal = entry("2026-11-24", "renewal", stage=RenewalStage.VERBAL)
    item = the(plan_account(account("A", [verbal], renewal="2026-11-26"), P, TODAY),
               ItemKind.RENEWAL)  # fmt: skip
    assert item.reasons == (
        "renewal on 2026-11-26; 2 days left",
        "last progress 2026-11-24 (verbal)",
        "the renewal date (2026-11-26) comes before the next touch: kept",
    )
    on_the_day = the(plan_account(account("A", [verbal], renewal="2026-11-24"), P, TODAY),
                     ItemKind.RENEWAL)  # fmt: skip
    assert on_the_day.action == "Renewal today (verbal): keep it moving"
    assert on_the_day.reasons[0] == "renewal on 2026-11-24; today"


def test_a_signed_renewal_starts_the_next_cycle() -> None:
    signed = entry("2026-11-20", "renewal", renewal=d("2027-12-31"))
    # log --renewal-date writes the entry and moves the account's date
    acct = account("A", [signed], renewal="2027-12-31")
    item = the(plan_account(acct, P, TODAY), ItemKind.RENEWAL)
    assert (item.due, item.action) == (
        d("2027-11-01"),
        "Renewal in 402 days: start the conversation",
    )


def test_a_signing_the_file_date_forgot_still_counts() -> None:
    acct = account(
        "A", [entry("2026-11-20", "renewal", renewal=d("2027-12-31"))], renewal="2026-12-31"
    )
    state = renewal_state(acct, P, TODAY)
    assert state is not None and state.renewal == d("2027-12-31")


def test_closing_the_renewal_by_id_is_progress() -> None:
    acct = account("A", [entry("2026-11-02")], renewal="2027-01-15")
    renewal = the(plan_account(acct, P, TODAY), ItemKind.RENEWAL)
    talked = replace(
        acct, history=(*acct.history, replace(entry("2026-11-24", done_ids=(renewal.id,)), index=1))
    )
    after = the(plan_account(talked, P, TODAY), ItemKind.RENEWAL)
    assert (after.id, after.due, after.progress or renewal_state(talked, P, TODAY).progress) == (  # type: ignore[union-attr]
        renewal.id,
        d("2026-12-07"),
        "conversation",  # 52 days left: again in 13 (a Monday)
    )


def test_a_lost_customer_has_no_renewal_and_is_not_planned() -> None:
    acct = account("A", renewal="2026-11-20", status=Status.LOST)
    assert renewal_state(acct, P, TODAY) is None
    assert account_call(acct, P, TODAY) is None


# -- ids ------------------------------------------------------------------------------------


def test_ids_are_stable_while_open_and_differ_between_items() -> None:
    history = [entry("2026-11-16", next="2026-11-20 Send the quote"), entry("2026-11-17", "sale")]
    before = {i.kind: i.id for i in plan_account(account("A", history), P, TODAY)}
    later = [*history, entry("2026-11-23", "email", next="2026-12-01 Another promise")]
    after = {
        i.kind: i.id
        for i in plan_account(account("A", later), P, TODAY)
        if i.kind is not ItemKind.FOLLOW_UP
    }
    assert before[ItemKind.THANK_YOU] == after[ItemKind.THANK_YOU]
    promise_ids = [
        i.id for i in plan_account(account("A", later), P, TODAY) if i.kind is ItemKind.FOLLOW_UP
    ]
    assert before[ItemKind.FOLLOW_UP] in promise_ids and len(set(promise_ids)) == 2
    assert all(len(i) == 5 for i in before.values())


def test_colliding_ids_are_told_apart_and_the_earlier_keeps_its_id() -> None:
    early = Item("a", ItemKind.TOUCH, "", TODAY, TODAY, (), trigger=d("2026-01-01"), key="abcdefgh")
    late = Item("b", ItemKind.TOUCH, "", TODAY, TODAY, (), trigger=d("2026-02-01"), key="abcdexyz")
    other = Item("c", ItemKind.TOUCH, "", TODAY, TODAY, (), trigger=d("2025-01-01"), key="zzzzzzzz")
    assert assign_ids([late, early, other]) == {"abcdefgh": "abcde", "abcdexyz": "abcdex",
                                                "zzzzzzzz": "zzzzz"}  # fmt: skip


# -- ranking and calls -------------------------------------------------------------------------


def test_score_terms_of_a_commitment_and_of_cadence_work() -> None:
    items = plan_account(
        account("B", [entry("2026-11-10", next="2026-11-19 Send the quote")]), P, TODAY
    )
    promise = the(items, ItemKind.FOLLOW_UP)
    assert [(t.label, t.measure, t.weight) for t in promise.terms] == [
        ("commitment due (ranks above all cadence work)", 1, 1000.0),
        ("days late", 5, 10.0),
        ("importance of a follow-up", 1, 3.0),
    ]
    assert promise.score == 1053.0
    touch = the(plan_account(account("A", [entry("2026-10-27")]), P, TODAY), ItemKind.TOUCH)
    # due 11-10: 14 days late on a 14-day cadence = 2 cadences since the last contact
    assert [(t.label, t.measure, t.weight) for t in touch.terms] == [
        ("cadences elapsed (14 days late on a 14-day cadence), tier A", 2.0, 30.0)
    ]
    assert touch.score == 60.0


def test_cadence_lateness_is_relative_to_the_cadence() -> None:
    a = the(plan_account(account("A", [entry("2026-11-03")]), P, TODAY), ItemKind.TOUCH)  # 7 late
    c = the(plan_account(account("C", [entry("2026-08-19")]), P, TODAY), ItemKind.TOUCH)  # 7 late
    assert (a.overdue_days(TODAY), c.overdue_days(TODAY)) == (7, 7)
    assert a.score == 45.0 and c.score == round(5 * (1 + 7 / 90), 2)


def test_a_commitment_due_today_outranks_a_hugely_late_cadence_item() -> None:
    ancient = account("A", [entry("2020-01-01")], slug="ancient")
    promise = account("C", [entry("2026-11-20", next="2026-11-24 Call back")], slug="promise")
    assert [c.account for c in plan_calls([ancient, promise], P, TODAY)] == ["promise", "ancient"]


# Tuesday 11-24: due Thu 11-19 is 3 working days late, Fri 11-20 only 2 (the weekend
# does not count)
GRACE_BOOK = [
    account("C", [entry("2026-08-21")], slug="c-3wd"),  # due 11-19, score 5.28
    account("C", [entry("2026-08-22")], slug="c-2wd"),  # due 11-20, score 5.22
    account("A", [entry("2026-11-10")], slug="a-today"),  # due 11-24, score 30
    account("B", [entry("2026-10-21")], slug="b-2wd"),  # due 11-20, score 17
]


@pytest.mark.parametrize(
    ("grace", "ranked", "past_grace"),
    [
        # cadence work at its grace limit first, then by score
        (3, ["c-3wd", "a-today", "b-2wd", "c-2wd"], {"c-3wd"}),
        (2, ["b-2wd", "c-3wd", "c-2wd", "a-today"], {"c-3wd", "c-2wd", "b-2wd"}),
        # 0 or null: all cadence work due is alike, by score alone
        (0, ["a-today", "b-2wd", "c-3wd", "c-2wd"], {"c-3wd", "c-2wd", "b-2wd", "a-today"}),
        (None, ["a-today", "b-2wd", "c-3wd", "c-2wd"], set()),
    ],
)
def test_cadence_work_past_its_grace_ranks_above_cadence_work_that_can_wait(
    grace: int | None, ranked: list[str], past_grace: set[str]
) -> None:
    policy = replace(P, grace=grace)
    calls = plan_calls(GRACE_BOOK, policy, TODAY)
    assert [c.account for c in calls] == ranked
    assert {c.account for c in calls if c.items[0].past_grace} == past_grace
    # the scores are not touched: only the order
    assert {c.account: c.score for c in calls} == {
        "c-3wd": 5.28, "c-2wd": 5.22, "a-today": 30.0, "b-2wd": 17.0
    }  # fmt: skip


def test_a_commitment_due_today_still_outranks_cadence_work_past_its_grace() -> None:
    promise = account("C", [entry("2026-11-20", next="2026-11-24 Call back")], slug="promise")
    calls = plan_calls([*GRACE_BOOK, promise], P, TODAY)
    assert [c.account for c in calls][:2] == ["promise", "c-3wd"]


def test_commitments_rank_by_deadline_then_importance() -> None:
    thanks = account("A", [entry("2026-11-20", "sale")], slug="thanks")  # due 11-20
    problem = account("C", [entry("2026-11-23", problem="Late")], slug="problem")  # due 11-24
    promise = account("B", [entry("2026-11-20", next="2026-11-24 X")], slug="promise")  # 11-24
    ranked = [c.account for c in plan_calls([promise, problem, thanks], P, TODAY)]
    assert ranked == ["thanks", "problem", "promise"]


def test_a_booked_appointment_on_its_day_comes_before_every_late_commitment() -> None:
    # the visit booked for today cannot be kept later; the promise is 4 days late
    visit = account("C", [entry("2026-11-10", next="2026-11-24 visit: Depot")], slug="visit")
    promise = account("A", [entry("2026-11-16", next="2026-11-20 Send it")], slug="promise")
    assert [c.account for c in plan_calls([promise, visit], P, TODAY)] == ["visit", "promise"]
    # missed, the next day it is a late commitment like any other: the older one first
    tomorrow = d("2026-11-25")
    assert [c.account for c in plan_calls([promise, visit], P, tomorrow)] == ["promise", "visit"]


def test_a_booked_appointment_ranks_first_with_a_promise_pulled_onto_its_call() -> None:
    # the booked account also owes a promise due tomorrow: a spare day pulls it onto
    # today's call, which must not demote the call below the late promise elsewhere
    visit = account(
        "C",
        [entry("2026-11-10", next="2026-11-24 visit: Depot"), entry("2026-11-11", "note",
                                                                   next="2026-11-25 Send it")],
        slug="visit",
    )  # fmt: skip
    promise = account("A", [entry("2026-11-16", next="2026-11-20 Send it")], slug="promise")
    calls = plan_calls([promise, visit], P, TODAY)
    assert [(c.account, [i.kind.value for i in c.early]) for c in calls] == [
        ("visit", ["follow-up"]),
        ("promise", []),
    ]


def test_a_call_carries_the_agenda_and_suggests_the_mode() -> None:
    acct = account(
        "A",
        [entry("2026-08-20", "visit"), entry("2026-11-12", next="2026-11-24 Send the price list")],
    )
    call = account_call(acct, P, TODAY)
    assert call is not None
    # visit and review (none yet: from the first contact) due 11-18, the promise today;
    # the touch (due 11-26) joins the agenda
    assert [i.kind.value for i in call.items] == ["follow-up", "review", "visit"]
    assert [i.kind.value for i in call.upcoming] == ["touch"]
    assert call.mode == "visit"


def test_a_call_mode_never_settles_a_visit_it_does_not_make() -> None:
    acct = account("A", [entry("2026-08-29", "visit"), entry("2026-11-10")])
    call = account_call(acct, P, TODAY)
    assert call is not None and call.mode == "call"
    assert [i.kind for i in call.upcoming] == []  # the visit due 11-27 needs a visit


def test_an_unanswered_attempt_puts_the_call_off_until_the_next_working_day() -> None:
    acct = account("A", [entry("2026-11-01"), entry("2026-11-24", "attempt")])
    assert account_call(acct, P, TODAY) is None
    assert account_call(acct, P, d("2026-11-25")) is not None


def test_capacity_counts_calls_not_items() -> None:
    busy = account("A", [entry("2026-05-01", "visit"), entry("2026-05-01", "review")], slug="busy")
    calls = plan_calls([busy], P, TODAY)
    assert len(calls) == 1 and len(calls[0].items) == 3


@pytest.mark.parametrize(
    ("extra", "today", "listed"),
    [({}, "2026-11-24", True), ({"snooze": Snooze(d("2026-12-01"))}, "2026-11-24", False),
     ({"snooze": Snooze(d("2026-12-01"))}, "2026-12-01", True),
     ({"status": Status.LOST}, "2026-11-24", False)],
)  # fmt: skip
def test_snoozed_and_lost_accounts(extra: dict[str, Any], today: str, listed: bool) -> None:
    acct = account("A", [entry("2026-10-01")], **extra)
    assert (account_call(acct, P, d(today)) is not None) is listed


def test_weights_are_the_policy() -> None:
    policy = replace(P, weights=Weights(tier={Tier.A: 1.0, Tier.B: 100.0, Tier.C: 0.0}))
    a = account("A", [entry("2026-11-01")], slug="a")
    b = account("B", [entry("2026-10-20")], slug="b")
    assert [c.account for c in plan_calls([a, b], policy, TODAY)] == ["b", "a"]


def test_a_custom_step_with_its_own_class_and_expiry() -> None:
    step = Step("quarterly-note", frozenset({"review"}), 5, ItemKind.FOLLOW_UP,
                "Send the review notes", None, expires=3, cls=ItemClass.CADENCE)  # fmt: skip
    policy = replace(P, sequences=(step,))
    items = plan_account(account("A", [entry("2026-11-19", "review")]), policy, TODAY)
    note = the(items, ItemKind.FOLLOW_UP)
    assert (note.due, note.cls, note.action) == (d("2026-11-24"), ItemClass.CADENCE,
                                                 "Send the review notes")  # fmt: skip
    assert of_kind(plan_account(account("A", [entry("2026-11-10", "review")]), policy, TODAY),
                   ItemKind.FOLLOW_UP) == []  # fmt: skip


def test_rank_key_puts_due_commitments_first() -> None:
    items = plan_account(account("A", [entry("2020-01-01", next="2026-11-24 X")]), P, TODAY)
    keys = sorted(items, key=lambda i: rank_key(i, Tier.A, TODAY))
    assert keys[0].kind is ItemKind.FOLLOW_UP


def test_a_day_with_calls_to_spare_does_the_nearest_deadlines_ahead() -> None:
    # Tuesday 11-24: one touch due today. Promises ahead: Thursday's (its spare day,
    # Wednesday, has room), Monday's, and Wednesday 12-02's, past the 7-day look-ahead;
    # a problem already answered comes back Wednesday (done early it only comes sooner)
    due = account("A", [entry("2026-11-10")], slug="due")
    thu = account("B", [entry("2026-11-20", next="2026-11-26 Send the quote")], slug="thu")
    mon = account("C", [entry("2026-11-20", next="2026-11-30 Send the spec")], slug="mon")
    dec = account("C", [entry("2026-11-20", next="2026-12-02 Send the deck")], slug="dec")
    problem = account("C", [entry("2026-11-19", problem="Late"), entry("2026-11-23")],
                      slug="problem")  # fmt: skip
    book = [due, thu, mon, dec, problem]

    def shown(policy: Policy) -> list[tuple[str, list[str]]]:
        return [
            (c.account, [r for i in c.early for r in i.reasons if r.startswith("done today")])
            for c in plan_calls(book, policy, TODAY)
        ]

    # one call to spare: the nearest deadline takes it
    assert shown(replace(P, capacity=2)) == [
        ("thu", ["done today, while there is room: due 2026-11-26"]),
        ("due", []),
    ]
    # room for all: every deadline within the look-ahead, nothing further, no problem
    assert shown(P) == [
        ("thu", ["done today, while there is room: due 2026-11-26"]),
        ("mon", ["done today, while there is room: due 2026-11-30"]),
        ("due", []),
    ]
    assert shown(replace(P, lookahead=14)) == [
        ("thu", ["done today, while there is room: due 2026-11-26"]),
        ("mon", ["done today, while there is room: due 2026-11-30"]),
        ("dec", ["done today, while there is room: due 2026-12-02"]),
        ("due", []),
    ]
    # `spare_days: 0`: commitments are done on their date, room or not
    assert shown(replace(P, spare_days=0)) == [("due", [])]


def test_a_spare_day_gives_way_only_to_what_cannot_wait() -> None:
    # One call a day, Tuesday 11-24: a promise due Wednesday keeps a spare day today (in
    # case nobody answers) over cadence work one working day late, within its grace; over
    # cadence work past its grace (4 working days late) it keeps its own day
    promise = account("B", [entry("2026-11-20", next="2026-11-25 Send it")], slug="promise")
    late = account("A", [entry("2026-11-09")], slug="late")  # touch due Monday 11-23
    later = account("A", [entry("2026-11-04")], slug="later")  # touch due 11-18
    one = replace(P, capacity=1)

    def shown(book: list[Account], policy: Policy = one) -> list[tuple[str, list[str]]]:
        return [
            (c.account, [r for i in c.early for r in i.reasons if r.startswith("done today")])
            for c in plan_calls(book, policy, TODAY)
        ]

    assert shown([promise, late]) == [
        ("promise", ["done today: a day to spare before 2026-11-25, in case nobody answers"]),
        ("late", []),
    ]
    assert shown([promise, later]) == [("later", [])]
    # without a grace rule (`grace: null`), cadence work late at all cannot wait
    assert shown([promise, late], replace(one, grace=None)) == [("late", [])]


def test_a_promise_made_today_is_not_brought_back_the_same_day() -> None:
    # its date was just agreed on the call: a day with room does not pull it into today,
    # though it does a promise made before, and a problem reported today (the customer
    # called in: a first response today beats tomorrow's)
    def pulled(history: list[Touch]) -> list[str]:
        return [
            i.kind.value for c in plan_calls([account("C", history)], P, TODAY) for i in c.early
        ]

    assert pulled([entry("2026-11-24", next="2026-11-26 Send the quote")]) == []
    assert pulled([entry("2026-11-23", next="2026-11-26 Send the quote")]) == ["follow-up"]
    assert pulled([entry("2026-11-24", problem="Late")]) == ["problem"]
