"""Issue 19 as tables: review ratings, stakeholder coverage and personal touches.

Today is Tuesday 2026-11-24 (2026-11-21/22 and 2026-11-28/29 are weekends). Every
expected date, lateness and score was worked out by hand from the rules (README "The
rules"), never by running the code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from touchplan.config import Policy, read_policy
from touchplan.model import (
    Account,
    Contact,
    Item,
    ItemClass,
    ItemKind,
    Relationship,
    Status,
    Tier,
    Touch,
    TouchKind,
)
from touchplan.planning.calls import account_call
from touchplan.planning.relations import coverage, rating_trend
from touchplan.planning.report import Period, build_report
from touchplan.planning.schedule import closed_items, plan_account, stable_until

TODAY = date(2026, 11, 24)
P = Policy()
JANE = Contact("Jane Smith", "VP Operations", "+1 555 0100")
RAJ = Contact("Raj Patel", "Accounts Payable")


def d(text: str) -> date:
    return date.fromisoformat(text)


def entry(day: str, kind: str = "call", **kw: Any) -> Touch:
    return Touch(d(day), TouchKind(kind), **kw)


def account(
    tier: str = "A",
    history: list[Touch] | tuple[Touch, ...] = (),
    *,
    contacts: tuple[Contact, ...] = (JANE, RAJ),
    since: str | None = None,
    added: str | None = None,
    slug: str = "acme",
    **kw: Any,
) -> Account:
    return Account(
        slug=slug,
        file=f"accounts/{slug}.yaml",
        name=slug.title(),
        tier=Tier(tier),
        since=d(since) if since else None,
        added=d(added) if added else None,
        contacts=contacts,
        history=tuple(replace(t, index=i) for i, t in enumerate(history)),
        **kw,
    )


def of_kind(items: list[Item], kind: ItemKind) -> list[Item]:
    return [i for i in items if i.kind is kind]


def the(items: list[Item], kind: ItemKind) -> Item:
    found = of_kind(items, kind)
    assert len(found) == 1, found
    return found[0]


# -- review ratings ----------------------------------------------------------------------

RATING_ROWS = [
    # (rating, review.problem_at, opens a problem)
    pytest.param(2, 2, True, id="2-at-the-default-threshold"),
    pytest.param(1, 2, True, id="1-below-it"),
    pytest.param(3, 2, False, id="3-above-it"),
    pytest.param(3, 3, True, id="threshold-raised-to-3"),
    pytest.param(1, 0, False, id="threshold-0-never"),
]


@pytest.mark.parametrize(("rating", "problem_at", "opens"), RATING_ROWS)
def test_a_low_rating_opens_a_problem(rating: int, problem_at: int, opens: bool) -> None:
    review = entry("2026-11-20", "review", rating=rating, with_="Jane Smith",
                   summary="Support is slow.\nTickets wait a week.")  # fmt: skip
    policy = replace(P, review_problem_at=problem_at)
    items = plan_account(account("B", [review]), policy, TODAY)
    problems = of_kind(items, ItemKind.PROBLEM)
    if not opens:
        assert problems == []
        return
    (problem,) = problems
    assert problem.action == (
        f"Work the open problem: Review rated {rating}/5: Support is slow. Tickets wait a week."
    )
    assert problem.cls is ItemClass.COMMITMENT
    assert problem.contact == "Jane Smith"
    # reported on Friday 2026-11-20: the first response the next working day, Monday
    assert (problem.due, problem.overdue_days(TODAY)) == (d("2026-11-23"), 1)
    assert problem.reasons[0] == (
        f"review on 2026-11-20 rated {rating}/5 (a rating of {problem_at} or lower is a problem)"
    )
    assert len(problem.id) == 5
    # 1000 + 1 day late x 10 + importance of a problem 5
    assert problem.score == 1015


def test_a_long_comment_is_cut_in_the_problem_and_an_empty_one_left_out() -> None:
    long = "The new portal loses our orders whenever two buyers edit one at the same time."
    items = plan_account(
        account("B", [entry("2026-11-20", "review", rating=1, summary=long)]), P, TODAY
    )
    assert the(items, ItemKind.PROBLEM).action == (
        "Work the open problem: Review rated 1/5: "
        "The new portal loses our orders whenever two buyers edit…"
    )
    items = plan_account(account("B", [entry("2026-11-20", "review", rating=2)]), P, TODAY)
    assert the(items, ItemKind.PROBLEM).action == "Work the open problem: Review rated 2/5"


def test_the_ratings_problem_is_resolved_the_usual_way() -> None:
    review = entry("2026-11-16", "review", rating=2, summary="Slow support.")
    opened = plan_account(account("B", [review]), P, TODAY)
    problem_id = the(opened, ItemKind.PROBLEM).id
    for resolving in (
        entry("2026-11-23", "call", resolved=True),
        entry("2026-11-23", "call", resolved_ids=(problem_id,)),
    ):
        items = plan_account(account("B", [review, resolving]), P, TODAY)
        assert of_kind(items, ItemKind.PROBLEM) == []
        (closed,) = [c for c in closed_items(account("B", [review, resolving]), P, TODAY)]
        assert (closed.item.id, closed.how, closed.on) == (problem_id, "done", d("2026-11-23"))
    # a later contact answers it: every 2 working days from it (Thu 11-19 -> Mon 11-23)
    touched = plan_account(account("B", [review, entry("2026-11-19", "email")]), P, TODAY)
    assert the(touched, ItemKind.PROBLEM).due == d("2026-11-23")


TREND_ROWS = [
    # ratings (oldest first) -> latest, change, trend, dropped (review.drop = 2)
    pytest.param([], None, None, None, False, id="none"),
    pytest.param([4], 4, None, "first", False, id="first"),
    pytest.param([3, 5], 5, 2, "up", False, id="up"),
    pytest.param([4, 4], 4, 0, "flat", False, id="flat"),
    pytest.param([5, 4], 4, -1, "down", False, id="down-1-not-flagged"),
    pytest.param([5, 3], 3, -2, "down", True, id="down-2-flagged"),
    pytest.param([2, 5, 2], 2, -3, "down", True, id="against-the-previous-only"),
    pytest.param([5, 2, 3], 3, 1, "up", False, id="recovering-is-not-a-drop"),
]


@pytest.mark.parametrize(("ratings", "latest", "change", "trend", "dropped"), TREND_ROWS)
def test_rating_trend(
    ratings: list[int], latest: int | None, change: int | None, trend: str | None, dropped: bool
) -> None:
    days = ["2026-03-02", "2026-06-01", "2026-09-01"]
    history = [entry(day, "review", rating=r) for day, r in zip(days, ratings, strict=False)]
    history.insert(1, entry("2026-04-01", "review"))  # a review without a rating is no point
    found = rating_trend(account("A", history), P)
    assert (found.latest.rating if found.latest else None) == latest
    assert (found.change, found.trend, found.dropped) == (change, trend, dropped)


def test_a_drop_is_flagged_on_the_accounts_call_while_it_is_the_latest_rating() -> None:
    history = [
        entry("2026-06-01", "review", rating=4, with_="Jane Smith"),
        entry("2026-11-09", "review", rating=2, with_="Jane Smith", summary="Billing errors."),
    ]
    call = account_call(account("A", history), P, TODAY)
    assert call is not None
    lead = call.items[0]
    assert lead.kind is ItemKind.PROBLEM  # the low rating's problem leads the call
    assert lead.reasons[-1] == "review rating fell from 4/5 to 2/5 on 2026-11-09"
    assert all("fell" not in r for i in call.agenda[1:] for r in i.reasons)
    # a fall of 2 under a policy that flags 3 or more is not flagged
    quiet = account_call(account("A", history), replace(P, review_drop=3), TODAY)
    assert quiet is not None
    assert all("fell" not in r for i in quiet.agenda for r in i.reasons)
    # a later rating (as good as before) ends the flag
    recovered = [*history, entry("2026-11-20", "review", rating=4, resolved=True)]
    later = account_call(account("A", recovered), P, date(2027, 3, 1))
    assert later is not None
    assert all("fell" not in r for i in later.agenda for r in i.reasons)


def test_the_ratings_board_lists_the_lowest_and_the_biggest_falls_first() -> None:
    def rated(slug: str, *ratings: int) -> Account:
        days = ["2026-06-01", "2026-09-01"]
        history = [entry(day, "review", rating=r) for day, r in zip(days, ratings, strict=False)]
        return account("A", history, slug=slug)

    book = [
        rated("calm", 3, 3),
        rated("falling", 5, 3),
        rated("never"),
        rated("low", 2),
        rated("rising", 1, 3),
        replace(rated("gone", 1), status=Status.LOST),  # lost: not on the board
    ]
    report = build_report(book, P, TODAY, Period(date(2026, 10, 1), TODAY))
    assert [(r.account, r.rating, r.change, r.trend, r.dropped) for r in report.rated] == [
        ("low", 2, None, "first", False),
        ("falling", 3, -2, "down", True),
        ("calm", 3, 0, "flat", False),
        ("rising", 3, 2, "up", False),
    ]
    assert report.total.rating_drops == 1


# -- stakeholder coverage ----------------------------------------------------------------


def named(day: str, who: str, kind: str = "call") -> Touch:
    return entry(day, kind, with_=who)


# fmt: off
STAKEHOLDER_ROWS = [
    # (tier, extra account keys, history) -> due, days late, the reason
    pytest.param(
        "A", {}, [named("2026-05-28", "Jane Smith"), named("2026-11-20", "jane")],
        "2026-11-24", 0, "only Jane Smith touched, since 2026-05-28; tier A: a second "
        "stakeholder every 180 days", id="one-person-ever-counts-from-their-first-touch",
    ),
    pytest.param(
        "B", {}, [named("2026-05-01", "Raj Patel"), named("2026-11-20", "Jane Smith")],
        "2026-10-28", 27, "only Jane Smith touched since 2026-05-01 (Raj Patel then); tier B: "
        "a second stakeholder every 180 days", id="counted-from-the-other-persons-last-touch",
    ),
    pytest.param(
        "A", {}, [named("2026-05-01", "Raj Patel"), named("2026-11-02", "Raj, Jane Smith")],
        "2027-05-03", -160, "Jane Smith and Raj Patel touched together on 2026-11-02; tier A: "
        "a second stakeholder every 180 days", id="one-with-naming-two-covers-both",
    ),
    pytest.param(
        "A", {}, [named("2026-05-01", "Raj Patel"), named("2026-11-02", "Raj Patel", "note"),
                  named("2026-11-20", "Jane Smith")],
        "2026-10-28", 27, "only Jane Smith touched since 2026-05-01 (Raj Patel then); tier A: "
        "a second stakeholder every 180 days", id="a-note-reaches-nobody",
    ),
    pytest.param(
        "A", {"relationship": Relationship.PARTNERING}, [named("2026-05-28", "Jane Smith")],
        "2026-10-12", 43, "only Jane Smith touched, since 2026-05-28; tier A: a second "
        "stakeholder every 135 days", id="partnering-x0.75-a-saturday-moves-to-monday",
    ),
    pytest.param(
        "A", {}, [named("2026-06-01", "Bob Lee")],
        "2026-11-30", -6, "only Bob Lee touched, since 2026-06-01; tier A: a second "
        "stakeholder every 180 days", id="someone-not-on-file-counts-too",
    ),
]
# fmt: on


@pytest.mark.parametrize(("tier", "extra", "history", "due", "late", "reason"), STAKEHOLDER_ROWS)
def test_a_second_stakeholder(
    tier: str, extra: dict[str, Any], history: list[Touch], due: str, late: int, reason: str
) -> None:
    item = the(plan_account(account(tier, history, **extra), P, TODAY), ItemKind.STAKEHOLDER)
    assert (item.due.isoformat(), item.overdue_days(TODAY)) == (due, late)
    assert item.reasons[0] == reason
    assert (item.action, item.cls) == ("Meet a second stakeholder", ItemClass.CADENCE)


@pytest.mark.parametrize(
    ("tier", "history", "policy"),
    [
        pytest.param("C", [named("2025-01-06", "Jane Smith")], P, id="tier-C-is-not-watched"),
        pytest.param("A", [entry("2025-01-06"), entry("2026-11-02")], P, id="nobody-named-yet"),
        pytest.param(
            "A",
            [named("2025-01-06", "Jane Smith")],
            replace(P, stakeholder_every={Tier.A: None, Tier.B: None, Tier.C: None}),
            id="switched-off",
        ),
    ],
)
def test_no_stakeholder_item(tier: str, history: list[Touch], policy: Policy) -> None:
    assert of_kind(plan_account(account(tier, history), policy, TODAY), ItemKind.STAKEHOLDER) == []


def test_tier_c_when_the_policy_watches_it() -> None:
    policy = replace(P, stakeholder_every={Tier.A: 180, Tier.B: 180, Tier.C: 365})
    items = plan_account(account("C", [named("2025-06-01", "Jane Smith")]), policy, TODAY)
    # 2025-06-01 + 365 = 2026-06-01, 176 days late: 5 x 0.5 x (1 + 176/365 = 1.482) = 3.71
    item = the(items, ItemKind.STAKEHOLDER)
    assert (item.due, item.score) == (d("2026-06-01"), 3.71)


def test_a_stakeholder_item_ranks_below_every_commitment_and_scores_as_cadence() -> None:
    # a visit and a review on 2026-11-02 keep those cadences out of the way
    history = [named("2026-05-01", "Raj Patel"), named("2026-11-02", "Jane Smith", "visit"),
               named("2026-11-02", "Jane Smith", "review"),
               entry("2026-11-20", "email", problem="Late delivery")]  # fmt: skip
    call = account_call(account("A", history), P, TODAY)
    assert call is not None
    assert [i.kind for i in call.items] == [ItemKind.PROBLEM, ItemKind.STAKEHOLDER]
    # 27 days late on a 180-day cadence, tier A, weighed half: 30 x 0.5 x (1 + 27/180) = 17.25
    (term,) = call.items[1].terms
    assert (term.label, term.measure, term.weight, call.items[1].score) == (
        "cadences elapsed (27 days late on a 180-day cadence), tier A x 0.5 for a stakeholder item",
        1.15,
        15,
        17.25,
    )
    # weighed in full (`weights: {cadence: {}}`): 30 x 1.15 = 34.5
    full = replace(P, weights=replace(P.weights, cadence={}))
    call = account_call(account("A", history), full, TODAY)
    assert call is not None and call.items[1].score == 34.5


def test_closing_the_stakeholder_item_by_id_counts_as_a_second_stakeholder_met() -> None:
    history = [named("2026-05-01", "Raj Patel"), named("2026-11-20", "Jane Smith")]
    item = the(plan_account(account("A", history), P, TODAY), ItemKind.STAKEHOLDER)
    done = [*history, entry("2026-11-24", "call", with_="Jane Smith", done_ids=(item.id,))]
    after = the(plan_account(account("A", done), P, TODAY), ItemKind.STAKEHOLDER)
    assert after.key != item.key
    assert (after.due, after.reasons[0]) == (
        d("2027-05-24"),
        "a second stakeholder recorded on 2026-11-24; tier A: a second stakeholder every 180 days",
    )
    # touching Raj again does the same by itself
    met = [*history, named("2026-11-23", "Raj Patel")]
    assert the(plan_account(account("A", met), P, TODAY), ItemKind.STAKEHOLDER).due == d(
        "2027-05-19"  # counted from Jane's last touch, 2026-11-20 (+180 is a Wednesday)
    )


def test_a_deferred_stakeholder_item_waits() -> None:
    history = [named("2026-05-01", "Raj Patel"), named("2026-11-20", "Jane Smith")]
    item = the(plan_account(account("A", history), P, TODAY), ItemKind.STAKEHOLDER)
    later = [*history, entry("2026-11-24", "defer", item=item.id, until=d("2027-01-11"),
                             summary="Raj on leave")]  # fmt: skip
    moved = the(plan_account(account("A", later), P, TODAY), ItemKind.STAKEHOLDER)
    assert (moved.key, moved.due) == (item.key, d("2027-01-11"))
    assert moved.reasons[-1] == "deferred on 2026-11-24 until 2027-01-11: Raj on leave"


# fmt: off
COVERAGE_ROWS = [
    # (tier, history) -> people touched within the window (latest first), single-threaded
    pytest.param("A", [named("2026-05-01", "Raj Patel"), named("2026-11-20", "Jane Smith")],
                 ("Jane Smith",), True, id="raj-out-of-180-days"),
    pytest.param("A", [named("2026-05-29", "Raj Patel"), named("2026-11-20", "Jane Smith")],
                 ("Jane Smith", "Raj Patel"), False, id="raj-179-days-ago"),
    pytest.param("B", [named("2026-11-20", "jane / bob lee")],
                 ("Jane Smith", "bob lee"), False, id="someone-not-on-file"),
    pytest.param("A", [named("2026-01-05", "Jane Smith")], (), False, id="nobody-lately"),
    pytest.param("A", [entry("2026-11-20")], (), False, id="nobody-named"),
    pytest.param("C", [named("2026-11-20", "Jane Smith")], (), False, id="tier-C-not-watched"),
]
# fmt: on


@pytest.mark.parametrize(("tier", "history", "touched", "single"), COVERAGE_ROWS)
def test_coverage(tier: str, history: list[Touch], touched: tuple[str, ...], single: bool) -> None:
    found = coverage(account(tier, history), P, TODAY)
    assert (found.touched, found.single_threaded) == (touched, single)


def test_coverage_lists_each_contact_and_who_else_was_touched() -> None:
    history = [
        named("2026-03-02", "Raj Patel"),
        named("2026-06-01", "Bob Lee & Jane Smith", "meeting"),
        named("2026-11-20", "Jane Smith"),
        named("2026-11-23", "Raj", "note"),  # internal: touches nobody
        named("2026-12-01", "Raj"),  # after today
    ]
    found = coverage(account("A", history), P, TODAY)
    assert [(p.name, p.last_touched, p.on_file) for p in found.people] == [
        ("Jane Smith", d("2026-11-20"), True),
        ("Raj Patel", d("2026-03-02"), True),
        ("Bob Lee", d("2026-06-01"), False),
    ]
    assert found.within == 180
    assert found.touched == ("Jane Smith", "Bob Lee")


def test_the_single_threaded_accounts_for_the_report() -> None:
    one = [named("2026-11-20", "Jane Smith")]
    book = [
        account("B", one, slug="b-one"),
        account("A", one, slug="a-one"),
        account("C", one, slug="c-one"),
        account("A", [*one, named("2026-10-01", "Raj")], slug="a-two"),
    ]
    report = build_report(book, P, TODAY, Period(date(2026, 10, 1), TODAY))
    assert [(t.account, t.person, t.within) for t in report.threaded] == [
        ("a-one", "Jane Smith", 180),
        ("b-one", "Jane Smith", 180),
    ]
    assert report.total.single_threaded == 2


# -- personal touches --------------------------------------------------------------------


def test_the_anniversary_of_since_brings_a_thank_you_on_the_day() -> None:
    acct = account("B", [entry("2026-10-01")], since="2020-11-24")
    item = the(plan_account(acct, P, TODAY), ItemKind.THANK_YOU)
    assert item.action == "Thank them for 6 years as a customer"
    assert (item.due, item.cls, item.source) == (TODAY, ItemClass.CADENCE, "anniversary")
    assert item.reasons[0] == "customer since 2020-11-24: 6 years on 2026-11-24"
    # cadence work due today, tier B: 15 x 1
    assert item.score == 15
    # not there the day before
    assert of_kind(plan_account(acct, P, d("2026-11-23")), ItemKind.THANK_YOU) == []
    # a thank-you logged on the day closes it; a call does not
    for kind, left in (("thank-you", 0), ("call", 1)):
        thanked = replace(acct, history=(*acct.history, replace(entry("2026-11-24", kind),
                                                                index=1)))  # fmt: skip
        assert len(of_kind(plan_account(thanked, P, TODAY), ItemKind.THANK_YOU)) == left
    # open a week (to 2026-12-01), then missed
    assert of_kind(plan_account(acct, P, d("2026-12-01")), ItemKind.THANK_YOU) != []
    assert of_kind(plan_account(acct, P, d("2026-12-02")), ItemKind.THANK_YOU) == []
    (missed,) = closed_items(acct, P, d("2026-12-02"))
    assert (missed.item.id, missed.how, missed.on) == (item.id, "missed", d("2026-12-02"))


# fmt: off
ANNIVERSARY_ROWS = [
    # (since, extra, today) -> due of the anniversary thank-you, or None
    pytest.param("2019-11-21", {}, "2026-11-24", "2026-11-23", id="a-saturday-moves-to-monday"),
    pytest.param("2025-11-24", {}, "2026-11-24", "2026-11-24", id="the-first-after-a-year"),
    pytest.param("2026-11-24", {}, "2026-11-24", None, id="not-on-the-start-itself"),
    pytest.param("2019-11-16", {}, "2026-11-24", None, id="a-week-past-missed"),
    pytest.param("2019-11-24", {"added": "2026-11-25"}, "2026-11-25", None,
                 id="before-it-entered-touchplan"),
    pytest.param("2024-02-29", {}, "2027-02-28", "2027-03-01",
                 id="feb-29-on-feb-28-a-sunday-then-monday"),
]
# fmt: on


def test_the_first_anniversary_says_one_year() -> None:
    acct = account("C", [entry("2026-10-01")], since="2025-11-24")
    item = the(plan_account(acct, P, TODAY), ItemKind.THANK_YOU)
    assert (item.action, item.reasons[0]) == (
        "Thank them for 1 year as a customer",
        "customer since 2025-11-24: 1 year on 2026-11-24",
    )


@pytest.mark.parametrize(("since", "extra", "today", "due"), ANNIVERSARY_ROWS)
def test_anniversaries(since: str, extra: dict[str, Any], today: str, due: str | None) -> None:
    acct = account("C", [entry("2026-10-01")], since=since, **extra)
    found = of_kind(plan_account(acct, P, d(today)), ItemKind.THANK_YOU)
    assert [i.due.isoformat() for i in found] == ([due] if due else [])


def test_a_birthday_brings_a_word_for_that_person() -> None:
    jane = replace(JANE, birthday="11-24")
    acct = account("C", [entry("2026-10-01")], contacts=(RAJ, jane))
    item = the(plan_account(acct, P, TODAY), ItemKind.BIRTHDAY)
    assert (item.action, item.contact, item.due) == (
        "Wish Jane Smith a happy birthday",
        "Jane Smith",
        TODAY,
    )
    assert item.reasons[0] == "Jane Smith's birthday is 11-24"
    # cadence work due today, tier C: 5 x 1
    assert (item.cls, item.score) == (ItemClass.CADENCE, 5)
    # whom `today` tells you to ask for: Jane, not the first contact
    call = account_call(acct, P, TODAY)
    assert call is not None and call.items[0].contact == "Jane Smith"
    # only a contact with her closes it; an email to Raj or a note about her does not
    for touch, left in (
        (entry("2026-11-24", "email", with_="Raj Patel"), 1),
        (entry("2026-11-24", "note", with_="Jane Smith"), 1),
        (entry("2026-11-24", "email"), 1),
        (entry("2026-11-25", "call", with_="jane"), 0),
        (entry("2026-11-24", "meeting", with_="Raj, Jane"), 0),
    ):
        later = replace(acct, history=(*acct.history, replace(touch, index=1)))
        assert len(of_kind(plan_account(later, P, d("2026-11-25")), ItemKind.BIRTHDAY)) == left
    # open 2 days (to 2026-11-26), then missed
    assert of_kind(plan_account(acct, P, d("2026-11-26")), ItemKind.BIRTHDAY) != []
    assert of_kind(plan_account(acct, P, d("2026-11-27")), ItemKind.BIRTHDAY) == []


BIRTHDAY_ROWS = [
    # (birthday, policy change, today) -> due dates of birthday items
    pytest.param("11-21", {}, "2026-11-23", ["2026-11-23"], id="a-saturday-waits-for-monday"),
    pytest.param("11-22", {}, "2026-11-24", ["2026-11-23"], id="a-sunday-open-to-tuesday"),
    pytest.param("11-21", {}, "2026-11-24", [], id="a-saturday-gone-by-tuesday"),
    pytest.param("11-24", {"birthday_days": None}, "2026-11-24", [], id="switched-off"),
    pytest.param("11-20", {"birthday_days": 7}, "2026-11-24", ["2026-11-20"], id="a-week-open"),
    pytest.param("02-29", {}, "2027-03-01", ["2027-03-01"], id="feb-29-in-a-common-year"),
]


@pytest.mark.parametrize(("birthday", "change", "today", "dues"), BIRTHDAY_ROWS)
def test_birthdays(birthday: str, change: dict[str, Any], today: str, dues: list[str]) -> None:
    acct = account("C", [entry("2026-01-05")], contacts=(replace(JANE, birthday=birthday),))
    found = of_kind(plan_account(acct, replace(P, **change), d(today)), ItemKind.BIRTHDAY)
    assert [i.due.isoformat() for i in found] == dues


def test_a_birthday_already_past_when_the_account_arrived_is_not_missed() -> None:
    acct = account(
        "C", [], contacts=(replace(JANE, birthday="11-20"),), added="2026-11-23", since="2020-01-06"
    )
    assert of_kind(plan_account(acct, P, TODAY), ItemKind.BIRTHDAY) == []
    assert [c for c in closed_items(acct, P, TODAY) if c.item.kind is ItemKind.BIRTHDAY] == []


def test_the_plan_is_stable_until_the_day_before_a_personal_touch() -> None:
    acct = account(
        "C",
        [entry("2026-10-01")],
        contacts=(replace(JANE, birthday="12-03"),),
        since="2019-12-10",
        renewal=None,
    )
    # the touch is due 2026-12-30 and nothing expires: the birthday comes first
    assert stable_until(acct, P, TODAY) == d("2026-12-02")
    assert stable_until(acct, P, d("2026-12-03")) == d("2026-12-05")  # the end of its window
    assert stable_until(acct, P, d("2026-12-06")) == d("2026-12-09")  # the anniversary next


# -- the policy ----------------------------------------------------------------------------


def test_the_relations_settings_take_effect() -> None:
    text = b"""\
review:
  problem_at: 3
  drop: 1
stakeholders:
  every: {A: 90, B: null, C: 365}
personal:
  anniversary: null
  birthday: 0
weights:
  cadence: {stakeholder: 0.25, birthday: 2}
"""
    policy, problems = read_policy(text, "touchplan.yaml")
    assert problems == []
    assert (policy.review_problem_at, policy.review_drop) == (3, 1)
    assert policy.stakeholder_every == {Tier.A: 90, Tier.B: None, Tier.C: 365}
    assert (policy.anniversary_days, policy.birthday_days) == (None, 0)
    assert policy.weights.cadence == {ItemKind.STAKEHOLDER: 0.25, ItemKind.BIRTHDAY: 2.0}


# fmt: off
BAD_SETTINGS = [
    pytest.param("review:\n  problem_at: 6\n",
                 "touchplan.yaml:2: review.problem_at: 6 is above 5, the highest rating",
                 id="problem-at-above-5"),
    pytest.param("review:\n  drop: 0\n",
                 "touchplan.yaml:2: review.drop: 0 is below the minimum 1", id="drop-zero"),
    pytest.param("stakeholders:\n  every: {A: 180, B: 0, C: null}\n",
                 "touchplan.yaml:2: stakeholders.every.B: 0 is below the minimum 1",
                 id="stakeholders-zero-days"),
    pytest.param("stakeholders:\n  within: 180\n",
                 "touchplan.yaml:2: stakeholders.within: unknown key (known keys: every)",
                 id="stakeholders-unknown-key"),
    pytest.param("personal:\n  birthday: soon\n",
                 "touchplan.yaml:2: personal.birthday: 'soon' is not a whole number",
                 id="personal-not-a-number"),
    pytest.param("personal:\n  name_day: 1\n",
                 "touchplan.yaml:2: personal.name_day: unknown key (known keys: anniversary, "
                 "birthday)", id="personal-unknown-key"),
    pytest.param("weights:\n  cadence: {stakeholder: -1}\n",
                 "touchplan.yaml:2: weights.cadence.stakeholder: -1 is below the minimum 0",
                 id="negative-cadence-weight"),
    pytest.param("sequences:\n  - {name: x, after: [sale], days: 1, action: A, kind: birthday}\n",
                 "touchplan.yaml:2: sequences[0].kind: 'birthday' is not one of touch, visit, "
                 "review, thank-you, gap-check, follow-up, problem, renewal, stakeholder",
                 id="no-step-makes-a-birthday"),
]
# fmt: on


@pytest.mark.parametrize(("text", "message"), BAD_SETTINGS)
def test_bad_relations_settings_are_located_and_left_at_their_default(
    text: str, message: str
) -> None:
    policy, problems = read_policy(text.encode(), "touchplan.yaml")
    assert [str(p) for p in problems] == [message]
    default = Policy(source="touchplan.yaml")
    assert (policy.review_problem_at, policy.review_drop) == (2, 2)
    assert policy.stakeholder_every == default.stakeholder_every
    assert (policy.anniversary_days, policy.birthday_days) == (7, 2)
    assert policy.weights.cadence == default.weights.cadence


def test_whom_to_ask_for_a_second_stakeholder() -> None:
    """The contact on file touched least lately (never first) besides the last one."""
    bob = Contact("Bob Lee", "CFO")
    history = [named("2026-03-02", "Raj Patel"), named("2026-11-20", "Jane Smith")]
    for contacts, asked in (
        ((JANE, RAJ, bob), "Bob Lee"),  # never touched
        ((JANE, RAJ), "Raj Patel"),
        ((JANE,), ""),  # nobody else on file: `today` asks for Jane, for an introduction
    ):
        items = plan_account(account("A", history, contacts=contacts), P, TODAY)
        assert the(items, ItemKind.STAKEHOLDER).contact == asked
