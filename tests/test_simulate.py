"""bench/simulate.py: the figures on hand-built records with known answers, and a short
end-to-end run whose record must agree with the account files it wrote."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import simulate
from sim.record import (
    AccountInfo,
    Booking,
    Call,
    Contact,
    Logged,
    Problem,
    Promise,
    Record,
    Renewal,
    ThankYou,
    account_gaps,
    add_working_days,
    figures,
    first_response,
    percentile,
    problem_coverage,
    unlogged,
    working_days_between,
)
from sim.rep import Item, Rep, ShownCall, calls_by_due, calls_shown
from sim.runner import Features, Result, Touchplan, _takes_value
from sim.world import Scenario, make_book

MON = date(2027, 1, 4)


def d(offset: int) -> date:
    """A day relative to Monday 2027-01-04 (5 = Saturday, 7 = the next Monday)."""
    return MON + timedelta(days=offset)


def record(days: int = 20, **accounts: str) -> Record:
    rec = Record(MON, d(days))
    for slug, tier in accounts.items():
        rec.accounts[slug] = AccountInfo(slug, tier)
    return rec


# -- working days and percentiles ------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (d(0), d(0), 0),
        (d(0), d(1), 1),  # Mon -> Tue
        (d(4), d(7), 1),  # Fri -> Mon: the weekend does not count
        (d(4), d(5), 0),  # Fri -> Sat
        (d(3), d(8), 3),  # Thu -> next Tue: Fri, Mon, Tue
        (d(0), d(14), 10),  # two weeks
        (d(5), d(6), 0),  # Sat -> Sun
        (d(7), d(0), 0),  # backwards
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_add_working_days_skips_weekends() -> None:
    assert add_working_days(d(3), 2) == d(7)  # Thu + 2 -> Mon
    assert add_working_days(d(4), 2) == d(8)  # Fri + 2 -> Tue
    assert add_working_days(d(0), 0) == d(0)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        (list(range(1, 21)), 95, 19),  # nearest rank: ceil(0.95 * 20) = 19th
        (list(range(1, 101)), 95, 95),
        ([7], 95, 7),
        ([30, 10, 20], 50, 20),
        ([1, 2, 3, 4, 100], 95, 100),  # ceil(4.75) = 5th
        ([], 95, None),
    ],
)
def test_percentile_nearest_rank(values: list[int], q: float, expected: int | None) -> None:
    assert percentile(values, q) == expected


# -- gaps ------------------------------------------------------------------------------


def test_gaps_run_from_the_prior_contact_through_each_contact_to_the_end() -> None:
    info = AccountInfo("acme", "A", prior_contact=d(-10))
    assert account_gaps(info, [d(4), d(18)], d(30)) == [14, 14, 12]


def test_gaps_of_an_imported_account_start_when_it_was_added() -> None:
    info = AccountInfo("acme", "A", prior_contact=d(-200), added=d(0))
    assert account_gaps(info, [d(9)], d(20)) == [9, 11]
    never = AccountInfo("new", "C", added=d(0))
    assert account_gaps(never, [], d(20)) == [20]


def test_gaps_stop_when_the_customer_is_lost() -> None:
    info = AccountInfo("acme", "B", prior_contact=d(-5), lost_on=d(10))
    assert account_gaps(info, [d(10)], d(60)) == [15]


def test_gap_p95_and_max_per_tier() -> None:
    rec = record(days=100, a1="A", a2="A", c1="C")
    rec.accounts["a1"].prior_contact = d(0)
    rec.accounts["a2"].prior_contact = d(0)
    rec.accounts["c1"].prior_contact = d(-30)
    # a1: 20 gaps of 5 days; a2: one gap of 100 days (never called)
    for k in range(1, 21):
        rec.contacts.append(Contact(d(5 * k), "a1", "call", True))
    result = figures(rec)
    # 21 gaps: twenty of 5 and one of 100; the 95th percentile is the 20th (5 days)
    assert result["gap_p95_A"] == 5
    assert result["gap_max_A"] == 100
    assert result["gap_p95_C"] == 130
    assert result["gap_p95_B"] is None
    assert result["never_contacted"] == 2  # a2 and c1


# -- thank-yous ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "sent", "on_time"),
    [
        (d(0), d(2), True),  # Mon -> Wed: 2 working days
        (d(0), d(3), False),  # Mon -> Thu: 3
        (d(3), d(7), True),  # Thu -> Mon: Fri and Mon
        (d(3), d(8), False),  # Thu -> Tue
        (d(4), d(8), True),  # Fri -> Tue: Mon and Tue
        (d(4), d(4), True),  # the same day
        (d(0), None, False),  # never sent
    ],
)
def test_thank_you_within_two_working_days(trigger: date, sent: date | None, on_time: bool) -> None:
    rec = record(acme="A")
    rec.thank_yous.append(ThankYou("acme", trigger, sent))
    result = figures(rec)
    assert result["thank_yous"] == 1
    assert result["thank_you_2wd"] == (100.0 if on_time else 0.0)


def test_a_thank_you_whose_deadline_is_after_the_end_is_not_counted() -> None:
    rec = record(days=3, acme="A")  # the run ends on Thursday
    rec.thank_yous.append(ThankYou("acme", d(2)))  # due Friday
    assert figures(rec)["thank_yous"] == 0
    assert figures(rec)["thank_you_2wd"] is None


# -- problems --------------------------------------------------------------------------


def test_problem_coverage_counts_days_touched_within_two_working_days() -> None:
    # reported Monday, touched Wednesday, then nothing until the next Wednesday
    problem = Problem("acme", d(0), "Late delivery", 2, [d(2), d(9)], resolved=d(9))
    # Tue(1 since Mon) Wed(touched) Thu(1) Fri(2) | Mon(3) Tue(4) | Wed(touched)
    assert problem_coverage(problem, d(30)) == (5, 7)
    assert first_response(problem, d(30)) == (2, True)


def test_problem_coverage_over_a_weekend_and_to_the_end_of_the_run() -> None:
    # reported Friday, answered Monday; still open when the run ends on Thursday
    problem = Problem("acme", d(4), "Invoice wrong", 3, [d(7)])
    # Mon(touched) Tue(1) Wed(2) Thu(3)
    assert problem_coverage(problem, d(10)) == (3, 4)
    assert first_response(problem, d(10)) == (1, True)


def test_problem_figures_first_response() -> None:
    rec = record(days=10, acme="A", beta="B", gamma="C")
    rec.problems = [
        Problem("acme", d(0), "x", 1, [d(0)], resolved=d(0)),  # answered the same day
        Problem("beta", d(4), "y", 1, [d(8)], resolved=d(8)),  # Fri -> Tue: 2
        Problem("gamma", d(7), "z", 1, []),  # never answered: waited Tue..Thu = 3
    ]
    result = figures(rec)
    assert result["first_response_1wd"] == pytest.approx(100 / 3)
    assert result["first_response_max"] == 3
    assert result["problems"] == 3


# -- promises, bookings ----------------------------------------------------------------


def test_promises_on_time_and_worst_lateness_in_working_days() -> None:
    rec = record(days=21, acme="A")
    rec.promises = [
        Promise("acme", d(0), d(4), "on the day", done=d(4)),
        Promise("acme", d(0), d(4), "early", done=d(1)),
        Promise("acme", d(0), d(4), "Fri -> Tue", done=d(8)),  # 2 working days late
        Promise("acme", d(0), d(14), "never kept"),  # Mon d14 -> end Mon d21: 5 late
        Promise("acme", d(0), d(30), "due after the end"),
    ]
    result = figures(rec)
    assert result["promises"] == 4
    assert result["promises_on_time"] == 50
    assert result["promise_worst_late"] == 5


def test_promises_and_thank_yous_to_a_lost_customer_are_owed_to_nobody() -> None:
    rec = record(days=21, acme="A", gone="B")
    rec.accounts["gone"].lost_on = d(3)
    rec.promises = [
        Promise("acme", d(0), d(4), "kept", done=d(4)),
        Promise("gone", d(0), d(4), "lost before it fell due"),
        Promise("gone", d(0), d(2), "due before the loss, never kept"),
    ]
    rec.thank_yous = [ThankYou("gone", d(0)), ThankYou("gone", d(4))]  # deadlines d2, d8
    result = figures(rec)
    assert (result["promises"], result["promises_on_time"]) == (2, 50)
    assert (result["thank_yous"], result["thank_you_2wd"]) == (1, 0)


def test_booked_visits_count_when_kept_on_their_day() -> None:
    rec = record(acme="A")
    rec.bookings = [
        Booking("acme", d(0), d(3), "kept", kept=d(3)),
        Booking("acme", d(0), d(4), "late", kept=d(7)),
    ]
    assert figures(rec)["bookings_kept"] == 50


# -- renewals --------------------------------------------------------------------------


def test_renewal_lead_and_lapses() -> None:
    rec = record(days=180, a="A", b="B", c="C", e="C")
    due = d(100)
    rec.renewals = [
        Renewal("a", due, 2, False, started=due - timedelta(days=61), closed=d(60)),
        Renewal("b", due, 2, False, started=due - timedelta(days=45), closed=d(70)),
        Renewal("c", due, 2, False, started=due - timedelta(days=10), closed=d(110)),
        Renewal("e", due, 2, False),  # never started: lapsed
        Renewal("a", d(30), 2, False, started=d(0), closed=d(20)),  # window opened early
        Renewal("b", d(400), 2, False),  # after the end: not counted
    ]
    result = figures(rec)
    assert result["renewals_counted"] == 4
    assert result["renewals_60"] == 25
    assert result["renewals_30"] == 50
    assert result["renewals_dated"] == 5
    assert result["renewals_lapsed"] == 2  # c (signed after its date) and e


# -- calls, first contact, consistency ------------------------------------------------


def test_calls_a_day_and_first_contact_per_tier() -> None:
    rec = record(days=11, a1="A", a2="A", c1="C")  # Mon..next Fri: 10 working days
    rec.calls = [Call(d(0), "a1", True), Call(d(0), "a2", True), Call(d(1), "a1", False)]
    rec.contacts = [Contact(d(0), "a1", "call", True), Contact(d(8), "a2", "call", True)]
    result = figures(rec, imported=True)
    assert result["calls_per_day"] == pytest.approx(0.3)
    assert result["calls_max_day"] == 2
    assert result["first_contact_max_A"] == 7  # Mon d0 is day 1; Tue d8 is day 7
    assert result["first_contact_p95_A"] == 7
    assert result["first_contact_max_C"] == 11  # never: the run's 10 days + 1
    assert result["days"] == 10
    row = next(r for r in simulate.ROWS if r.key == "first_contact_max_C")
    assert simulate.cell([result], row) == "> 10"
    row = next(r for r in simulate.ROWS if r.key == "first_contact_max_A")
    assert simulate.cell([result, {**result, "first_contact_max_A": 3.0}], row) == "5 [3–7]"


def test_unlogged_names_entries_missing_from_the_files() -> None:
    rec = record(acme="A")
    rec.logged = [Logged("acme", d(0), "call", "Hi"), Logged("acme", d(0), "call", "Hi")]
    assert unlogged(rec, {"acme": [(d(0), "call", "Hi"), (d(0), "call", "Hi")]}) == []
    assert unlogged(rec, {"acme": [(d(0), "call", "Hi")]}) == ["acme: 2027-01-04 call 'Hi'"]


# -- reading touchplan's lists ---------------------------------------------------------


def test_calls_shown_groups_items_by_account_when_there_are_no_calls() -> None:
    doc = {
        "items": [
            {"account": "b", "kind": "problem", "action": "Work it", "due": "2027-01-04"},
            {"account": "a", "kind": "touch", "action": "Check in", "due": "2027-01-01"},
            {"account": "b", "kind": "touch", "action": "Check in", "due": "2027-01-02"},
        ]
    }
    calls = calls_shown(doc)
    assert [(c.slug, [i.kind for i in c.items]) for c in calls] == [
        ("b", ["problem", "touch"]),
        ("a", ["touch"]),
    ]
    by_due = calls_by_due(doc, 1, set())
    assert [c.slug for c in by_due] == ["a"]
    assert [c.slug for c in calls_by_due(doc, 5, {"a"})] == ["b"]


def test_calls_shown_uses_calls_with_mode_and_ids() -> None:
    item = {"account": "a", "kind": "visit", "id": "k3x9q", "action": "Visit", "due": "x"}
    doc = {"calls": [{"account": "a", "mode": "visit", "items": [item]}], "items": [item]}
    (call,) = calls_shown(doc)
    assert (call.slug, call.mode, call.items[0].id) == ("a", "visit", "k3x9q")


# -- end to end ------------------------------------------------------------------------


def test_the_same_book_and_events_for_every_seed_use() -> None:
    scenario = Scenario("t", 12, (0.25, 0.25, 0.5), 10)
    one, two = make_book(scenario, 7, MON), make_book(scenario, 7, MON)
    assert one.events == two.events and one.specs.keys() == two.specs.keys()
    assert make_book(scenario, 8, MON).events != one.events


def test_smoke_run_keeps_a_record_that_agrees_with_the_files() -> None:
    """A few simulated weeks on a small book: every entry the rep logged is in the
    files (run_strategy checks it and raises otherwise), and the figures add up."""
    scenario = Scenario("smoke", 14, (0.3, 0.3, 0.4), 12)
    book = make_book(scenario, 3, MON)
    outcome = simulate.run_strategy(
        book, "touchplan", attempts=False, use_subprocess=False, progress=lambda _m: None
    )
    rec = outcome.record
    assert rec.logged, "the rep logged nothing"
    assert outcome.commands > scenario.days  # one `today` a day, and the logs
    # every outside event went into the files (no renewal, so no customer lost, this early)
    assert [(e.slug, e.day) for e in book.events if e.kind == "sale"] == [
        (entry.slug, entry.day) for entry in rec.logged if entry.kind == "sale"
    ]
    assert len(rec.problems) == sum(e.kind == "problem" for e in book.events)
    # each rep call is one reached call, and every promise kept was made first
    assert len(rec.calls) == sum(c.rep for c in rec.contacts)
    assert all(p.done is None or p.done >= p.made for p in rec.promises)
    result = figures(rec)
    assert result["calls_per_day"] == pytest.approx(len(rec.calls) / scenario.days)
    # the pure-Python baseline runs the same book and events without touchplan
    baseline = Rep(book, "reminder").run()
    assert baseline.logged == []
    assert len(baseline.problems) == len(rec.problems)


def test_the_command_prints_a_table_per_scenario_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = {name: replace(s, accounts=8, days=4) for name, s in simulate.QUICK.items()}
    monkeypatch.setattr(simulate, "QUICK", tiny)
    out = tmp_path / "figures.json"
    code = simulate.main(["--quick", "--scenario", "feasible,imported", "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr()
    assert (
        printed.out.count("| Measure | Target | touchplan | reminder list | items by due date |")
        == 2
    )
    assert "A: working days to first contact, max | ≤ 10 |" in printed.out
    assert "imported, seed 1" in printed.err
    data = json.loads(out.read_text())
    assert set(data["scenarios"]) == {"feasible", "imported"}
    assert set(data["scenarios"]["feasible"]["median"]) == {"touchplan", "reminder", "due-order"}


def test_all_answered_models_no_unanswered_call(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = {name: replace(s, accounts=8, days=3) for name, s in simulate.QUICK.items()}
    monkeypatch.setattr(simulate, "QUICK", tiny)
    args = ["--quick", "--scenario", "feasible", "--strategies", "reminder", "--json", "-"]
    assert simulate.main(args) == 0
    assert "; unanswered calls modelled" in capsys.readouterr().err
    assert simulate.main([*args, "--all-answered"]) == 0
    assert "unanswered" not in capsys.readouterr().err


# -- the target CLI: ids, calls, stages, bookings ------------------------------------


class RecordingTouchplan(Touchplan):
    """The simulator's runner with canned `today` answers: it records each command
    instead of running touchplan, to check what the rep would type on the new CLI."""

    def __init__(self, features: Features, today: dict[str, Any]) -> None:
        self.book = Path("/nonexistent")
        self.features = features
        self.today_doc = today
        self.commands: list[list[str]] = []
        self.runs = 0

    def run(self, args: Sequence[str], day: date | None, *, check: bool = True) -> Result:
        self.commands.append(list(args))
        out = json.dumps(self.today_doc) if args[0] == "today" else "{}"
        return Result(0, out, "")


def target_item(kind: str, item_id: str, action: str, account: str) -> dict[str, Any]:
    return {"account": account, "kind": kind, "id": item_id, "action": action, "due": "x"}


def test_on_the_target_cli_the_rep_closes_by_id_books_visits_and_records_stages() -> None:
    scenario = Scenario("t", 6, (0.5, 0.5, 0.0), 5)
    book = make_book(scenario, 11, MON)
    slug = next(s for s, spec in book.specs.items() if spec.tier == "A")
    features = Features(done_ids=True, stage=True, booking=True, lost=True)
    tp = RecordingTouchplan(features, {"calls": [], "items": []})
    rep = Rep(book, "touchplan", tp)
    w = rep.world
    problem = w.open_problem(slug, MON, "Late delivery (#q7)", needed=1)
    promise = Promise(slug, MON, MON, "Send the quote (#p900)")
    w.promises[slug].append(promise)
    w.record.promises.append(promise)
    w.by_tag["p900"] = promise
    w.renewal[slug].due = MON + timedelta(days=50)
    call = ShownCall(
        slug,
        "visit",
        [
            Item("follow-up", "Send the quote (#p900)", "f1abc"),
            Item("gap-check", "Check the delivery", "g2abc"),
            Item("problem", "Work the open problem: Late delivery (#q7)", "p3abc"),
            Item("renewal", "Renewal in 50 days", "r4abc"),
            Item("visit", "Plan a visit", "v5abc"),
            Item("thank-you", "Send a thank-you note", "t6abc"),
        ],
    )
    plan = rep.plan_call(call, MON)
    assert plan.done_ids == ["f1abc", "g2abc"] and not plan.bare_done
    rep.work(slug, MON, plan)
    main = tp.commands[0]
    assert main[:2] == ["log", slug]
    assert main[main.index("--done") + 1] == "f1abc"
    assert main[main.index("--resolved") + 1] == "p3abc"
    assert promise.done == MON and problem.resolved == MON
    kinds = [c[c.index("--kind") + 1] for c in tp.commands if c[0] == "log"]
    assert "thank-you" in kinds
    stage = next(c for c in tp.commands if "--stage" in c)
    assert stage[stage.index("--stage") + 1] == "conversation"
    assert w.renewal[slug].started == MON
    if plan.book_visit:  # the seeded draw decides whether this visit is booked for later
        (booking,) = w.record.bookings
        nexts = [c[c.index("--next") + 1] for c in tp.commands if "--next" in c]
        assert f"{booking.on.isoformat()} visit: {booking.action}" in nexts
    else:
        assert main[main.index("--kind") + 1] == "visit"


def test_the_rep_keeps_a_booked_visit_shown_on_its_day() -> None:
    book = make_book(Scenario("t", 4, (1.0, 0.0, 0.0), 5), 5, MON)
    slug = sorted(book.specs)[0]
    tp = RecordingTouchplan(Features(done_ids=True, booking=True), {"calls": [], "items": []})
    rep = Rep(book, "touchplan", tp)
    booking = rep.world.book_visit(slug, MON - timedelta(days=7))
    shown = ShownCall(slug, "visit", [Item("booked", f"Visit: {booking.action}", "b1xyz")])
    plan = rep.plan_call(shown, booking.on)
    assert plan.main == "visit" and plan.bookings == [booking] and not plan.book_visit
    rep.work(slug, booking.on, plan)
    assert booking.kept == booking.on
    assert figures(rep.world.record)["bookings_kept"] == 100


@pytest.mark.parametrize(
    ("help_text", "expected"),
    [
        ("  --done                Close the account's due follow-ups.", False),
        ("  --done                A follow-up closes.", False),
        ("  --done <str>          Close exactly this item (repeatable).", True),
        ("  --done ID             Close exactly this item.", True),
        ("  --done TEXT", True),
    ],
)
def test_feature_detection_reads_whether_an_option_takes_a_value(
    help_text: str, expected: bool
) -> None:
    assert _takes_value(help_text, "--done") is expected
