"""The rep: each working day a list of calls, worked one by one.

The World is the ground truth of one run (what the customers asked for and what the
rep really did), kept in a Record. Strategies differ only in how the day's calls are
chosen and what the rep knows is on each call's agenda:

- ``touchplan``: `today --format json`, the calls shown (items grouped by account when
  the CLI has no `calls`), each call's agenda as shown;
- ``due-order``: `today --all --format json`, items sorted by due date, the first
  ``capacity`` distinct accounts, each with all its listed items;
- ``reminder``: pure Python, no touchplan: the ``capacity`` most overdue accounts by
  last contact + cadence (A 14, B 30, C 90 days); on each call the rep handles whatever
  is pending (due promises, a pending thank-you, an open problem, a renewal within 60
  days);
- ``unconstrained``: pure Python, every account that has anything due, no capacity: how
  many calls a day the book asks for (the demand).

For the touchplan strategies everything the rep does is logged with `touchplan log`
(or `lost`), with ``--date`` the simulated day.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sim.record import (
    REVIEW_EVERY,
    TOUCH_EVERY,
    VISIT_EVERY,
    AccountInfo,
    Booking,
    Call,
    Contact,
    Logged,
    Promise,
    Record,
    Renewal,
    ThankYou,
    add_working_days,
    working_days,
    working_days_between,
)
from sim.record import Problem as ProblemRec
from sim.runner import Features, SimError, Touchplan
from sim.world import (
    ATTEMPT_SHARE,
    BOOK_SHARE,
    FIRST,
    LAST,
    LOST_SHARE,
    PROMISE_SHARE,
    PROMISES,
    RENEWAL_STEP_DAYS,
    Book,
    chance,
    pick,
)

CAPACITY = 6
STRATEGIES = ("touchplan", "reminder", "due-order")
CLI_STRATEGIES = frozenset({"touchplan", "due-order"})
TAG = re.compile(r"\(#([pbq][\w-]+)\)")


class World:
    """What really happened: the customers' side and the rep's, in one Record."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.seed = book.seed
        self.record = Record(book.start, book.end)
        self.last_contact: dict[str, date | None] = {}
        self.last_visit: dict[str, date | None] = {}
        self.last_review: dict[str, date | None] = {}
        self.thanks: dict[str, list[ThankYou]] = {}
        self.promises: dict[str, list[Promise]] = {}
        self.problems: dict[str, list[ProblemRec]] = {}
        self.renewal: dict[str, Renewal] = {}
        self.bookings: dict[str, list[Booking]] = {}
        self.lost: set[str] = set()
        self.by_tag: dict[str, Promise | Booking] = {}
        self._serial = 0
        for slug, spec in book.specs.items():
            contacts = [e.day for e in spec.history if e.kind != "note"]
            if spec.last_activity:
                contacts.append(spec.last_activity)
            prior = max(contacts) if contacts else None
            added = book.start if book.scenario.imported else None
            self.record.accounts[slug] = AccountInfo(slug, spec.tier, prior, added)
            self.last_contact[slug] = prior
            self.last_visit[slug] = spec.last(frozenset({"visit", "meeting"}))
            self.last_review[slug] = spec.last(frozenset({"review"}))
            for kind in ("thanks", "promises", "problems", "bookings"):
                getattr(self, kind)[slug] = []
            needed, lose = book.renewal_terms[slug]
            self._add_renewal(Renewal(slug, spec.renewal, needed, lose))

    def _add_renewal(self, renewal: Renewal) -> None:
        self.renewal[renewal.slug] = renewal
        self.record.renewals.append(renewal)

    def _tag(self, letter: str) -> str:
        self._serial += 1
        return f"{letter}{self._serial}"

    def contact(self, slug: str, day: date, kind: str, *, rep: bool) -> None:
        """A contact with the customer: a sale, visit or meeting calls for a thank-you;
        the rep's contact is a touch on each open problem."""
        self.record.contacts.append(Contact(day, slug, kind, rep))
        self.last_contact[slug] = day
        if kind in ("visit", "meeting"):
            self.last_visit[slug] = day
        if kind == "review":
            self.last_review[slug] = day
        if kind in ("sale", "visit", "meeting"):
            thanks = ThankYou(slug, day)
            self.thanks[slug].append(thanks)
            self.record.thank_yous.append(thanks)
        if rep:
            for problem in self.problems[slug]:
                problem.touches.append(day)

    def open_problem(self, slug: str, day: date, text: str, needed: int) -> ProblemRec:
        problem = ProblemRec(slug, day, text, needed)
        self.problems[slug].append(problem)
        self.record.problems.append(problem)
        return problem

    def settle_problems(self, slug: str, day: date) -> list[ProblemRec]:
        """The open problems the customer now considers solved."""
        done = [p for p in self.problems[slug] if len(p.touches) >= p.needed]
        for problem in done:
            problem.resolved = day
            self.problems[slug].remove(problem)
        return done

    def promise(self, slug: str, day: date) -> Promise | None:
        """On some calls the customer asks for something and the rep promises it."""
        if chance(self.seed, slug, day, "promise") >= PROMISE_SHARE:
            return None
        tag = self._tag("p")
        what = PROMISES[pick(self.seed, 0, len(PROMISES) - 1, slug, day, "what")]
        due = add_working_days(day, pick(self.seed, 2, 10, slug, day, "due"))
        promise = Promise(slug, day, due, f"{what} (#{tag})")
        self.promises[slug].append(promise)
        self.record.promises.append(promise)
        self.by_tag[tag] = promise
        return promise

    def keep_promise(self, promise: Promise, day: date) -> None:
        if promise.done is None:
            promise.done = day
            self.promises[promise.slug].remove(promise)

    def book_visit(self, slug: str, day: date) -> Booking:
        tag = self._tag("b")
        on = add_working_days(day, pick(self.seed, 3, 8, slug, day, "on"))
        booking = Booking(slug, day, on, f"Site visit (#{tag})")
        self.bookings[slug].append(booking)
        self.record.bookings.append(booking)
        self.by_tag[tag] = booking
        return booking

    def keep_booking(self, booking: Booking, day: date) -> None:
        if booking.kept is None:
            booking.kept = day
            self.bookings[booking.slug].remove(booking)

    def send_thanks(self, slug: str, day: date) -> None:
        for thanks in self.thanks[slug]:
            thanks.sent = day
        self.thanks[slug] = []

    def renewal_open(self, slug: str) -> Renewal | None:
        renewal = self.renewal.get(slug)
        return renewal if renewal is not None and renewal.closed is None else None

    @staticmethod
    def stage(renewal: Renewal) -> str:
        """Where an open renewal stands: conversation, proposal or verbal."""
        done = len(renewal.progress)
        if done == 0:
            return "conversation"
        return "verbal" if done == renewal.needed - 1 else "proposal"

    def work_renewal(self, slug: str, day: date) -> str:
        """The renewal's next step on a call that works it: conversation (started),
        proposal, verbal, signed, lost, 'wait' (too soon after the last step: the
        customer is still deciding) or '' (nothing open)."""
        renewal = self.renewal_open(slug)
        if renewal is None:
            return ""
        if renewal.started is None:
            renewal.started = day
            return "conversation"
        last = renewal.progress[-1] if renewal.progress else renewal.started
        if (day - last).days < RENEWAL_STEP_DAYS:
            return "wait"
        renewal.progress.append(day)
        if len(renewal.progress) < renewal.needed:
            return self.stage(renewal)
        renewal.closed = day
        renewal.outcome = "lost" if renewal.lose else "signed"
        if renewal.lose:
            self.lost.add(slug)
            self.record.accounts[slug].lost_on = day
            return "lost"
        nxt = renewal.due + timedelta(days=365)
        lose = chance(self.seed, slug, nxt, "lost") < LOST_SHARE
        self._add_renewal(Renewal(slug, nxt, pick(self.seed, 2, 4, slug, nxt, "needed"), lose))
        return "signed"


@dataclass
class Item:
    """One item of a call's agenda as touchplan listed it."""

    kind: str
    action: str
    id: str = ""
    due: str = ""


@dataclass
class ShownCall:
    slug: str
    mode: str
    items: list[Item]


@dataclass
class CallPlan:
    """What a call will settle, decided before it is made."""

    main: str = "call"
    promises: list[Promise] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    thank_you: bool = False
    renewal: bool = False
    review_extra: bool = False
    book_visit: bool = False
    done_ids: list[str] = field(default_factory=list)
    bare_done: bool = False
    stakeholder: bool = False  # meet someone besides the usual contact (issue 19)
    problem_ids: dict[str, str] = field(default_factory=dict)


def _item(raw: dict[str, Any]) -> Item:
    return Item(
        str(raw.get("kind", "")),
        str(raw.get("action", "")),
        str(raw.get("id") or ""),
        str(raw.get("due") or ""),
    )


def calls_shown(doc: dict[str, Any]) -> list[ShownCall]:
    """Today's calls: `calls` when the CLI has them, else `items` grouped by account."""
    if isinstance(doc.get("calls"), list):
        return [
            ShownCall(c["account"], str(c.get("mode") or ""), [_item(i) for i in c["items"]])
            for c in doc["calls"]
        ]
    grouped: dict[str, ShownCall] = {}
    for raw in doc["items"]:
        slug = raw["account"]
        grouped.setdefault(slug, ShownCall(slug, "", [])).items.append(_item(raw))
    return list(grouped.values())


def calls_by_due(doc: dict[str, Any], limit: int, skip: set[str]) -> list[ShownCall]:
    """The first ``limit`` distinct accounts of every listed item sorted by due date
    (touchplan's order breaks ties), each with all its listed items."""
    every = {c.slug: c for c in calls_shown(doc)}
    ordered = sorted(enumerate(doc["items"]), key=lambda pair: (pair[1]["due"], pair[0]))
    chosen: list[ShownCall] = []
    for _n, raw in ordered:
        slug = raw["account"]
        if slug in skip or any(c.slug == slug for c in chosen):
            continue
        chosen.append(every[slug])
        if len(chosen) == limit:
            break
    return chosen


class Rep:
    """One strategy's rep working one book for the whole run."""

    def __init__(
        self,
        book: Book,
        strategy: str,
        touchplan: Touchplan | None = None,
        *,
        attempts: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        if (strategy in CLI_STRATEGIES) != (touchplan is not None):
            raise ValueError(f"strategy {strategy} and touchplan do not go together")
        self.book = book
        self.strategy = strategy
        self.tp = touchplan
        self.features = touchplan.features if touchplan else Features()
        self.attempts = attempts
        self.world = World(book)
        self.progress = progress or (lambda _msg: None)
        self.known_ids: dict[str, str] = {}  # problem tag -> touchplan item id
        self.used_calls_key: bool | None = None

    # -- the run -------------------------------------------------------------------

    def run(self) -> Record:
        events: dict[date, list[Any]] = {}
        for event in self.book.events:
            events.setdefault(event.day, []).append(event)
        days = working_days(self.book.start, self.book.scenario.days)
        for n, day in enumerate(days, 1):
            for event in events.get(day, []):
                self.outside_event(event)
            for call in self.plan_day(day):
                if call.slug not in self.world.lost:
                    self.work(call.slug, day, self.plan_call(call, day))
            if n % 10 == 0 or n == len(days):
                self.progress(f"day {n}/{len(days)}")
        return self.world.record

    def outside_event(self, event: Any) -> None:
        slug, day = event.slug, event.day
        if slug in self.world.lost:
            return
        who = self.book.specs[slug].contact
        if event.kind == "sale":
            self.world.contact(slug, day, "sale", rep=False)
            self.log(slug, day, f"Order placed: {event.text}", "sale", who)
        else:
            self.world.contact(slug, day, "call", rep=False)
            self.world.open_problem(slug, day, event.text, event.needed)
            self.log(
                slug, day, "They called in with a problem.", "call", who, ["--problem", event.text]
            )

    # -- choosing the day's calls ----------------------------------------------------

    def plan_day(self, day: date) -> list[ShownCall]:
        if self.strategy == "reminder":
            return [ShownCall(s, "call", []) for s in self.reminder_list(day)]
        if self.strategy == "unconstrained":
            return [
                ShownCall(s, "", [])
                for s in self.world.record.accounts
                if s not in self.world.lost and self.anything_due(s, day)
            ]
        assert self.tp is not None
        args = ["today", "--format", "json"]
        if self.features.owner:
            args += ["--owner", "all"]
        if self.strategy == "due-order":
            args.append("--all")
        doc = json.loads(self.tp.run(args, day).stdout)
        if self.used_calls_key is None:
            self.used_calls_key = isinstance(doc.get("calls"), list)
        self.remember_ids(doc)
        if self.strategy == "due-order":
            return calls_by_due(doc, CAPACITY, self.world.lost)
        return calls_shown(doc)

    def reminder_list(self, day: date) -> list[str]:
        """The ``capacity`` most overdue accounts by last contact + cadence."""
        overdue: list[tuple[int, str, str]] = []
        for slug, info in self.world.record.accounts.items():
            if slug in self.world.lost:
                continue
            last = self.world.last_contact[slug] or info.added or self.book.start
            late = (day - (last + timedelta(days=TOUCH_EVERY[info.tier]))).days
            if late >= 0:
                overdue.append((-late, info.tier, slug))
        return [slug for _late, _tier, slug in sorted(overdue)[:CAPACITY]]

    def _cadence_due(self, last: date | None, slug: str, every: int | None, day: date) -> bool:
        if not every:
            return False
        anchor = last or self.world.record.accounts[slug].added or self.book.specs[slug].since
        return anchor + timedelta(days=every) <= day

    def anything_due(self, slug: str, day: date) -> bool:
        w, tier = self.world, self.world.record.accounts[slug].tier
        renewal = w.renewal_open(slug)
        return (
            self._cadence_due(w.last_contact[slug], slug, TOUCH_EVERY[tier], day)
            or self._cadence_due(w.last_visit[slug], slug, VISIT_EVERY[tier], day)
            or self._cadence_due(w.last_review[slug], slug, REVIEW_EVERY[tier], day)
            or any(p.due <= day for p in w.promises[slug])
            or bool(w.thanks[slug])
            or any(
                working_days_between(p.touches[-1] if p.touches else p.opened, day)
                >= (2 if p.touches else 1)
                for p in w.problems[slug]
            )
            or (
                renewal is not None
                and (renewal.due - day).days <= 60
                and (
                    renewal.started is None
                    or (day - (renewal.progress or [renewal.started])[-1]).days >= RENEWAL_STEP_DAYS
                )
            )
        )

    # -- what a call settles ----------------------------------------------------------

    def plan_call(self, call: ShownCall, day: date) -> CallPlan:
        if self.strategy in CLI_STRATEGIES:
            return self.plan_listed_call(call, day)
        w, slug = self.world, call.slug
        plan = CallPlan()
        plan.promises = [p for p in w.promises[slug] if p.due <= day]
        plan.thank_you = bool(w.thanks[slug])
        renewal = w.renewal_open(slug)
        plan.renewal = renewal is not None and (renewal.due - day).days <= 60
        if self.strategy == "unconstrained":
            tier = w.record.accounts[slug].tier
            visit = self._cadence_due(w.last_visit[slug], slug, VISIT_EVERY[tier], day)
            review = self._cadence_due(w.last_review[slug], slug, REVIEW_EVERY[tier], day)
            plan.main = "visit" if visit else "review" if review else "call"
            plan.review_extra = visit and review
        return plan

    def plan_listed_call(self, call: ShownCall, day: date) -> CallPlan:
        """The agenda touchplan listed, mapped onto what it stands for."""
        w, slug = self.world, call.slug
        plan = CallPlan()
        kinds = {i.kind for i in call.items}
        for item in call.items:
            tags = TAG.findall(item.action)
            found = w.by_tag.get(tags[-1]) if tags else None
            if item.kind in ("follow-up", "gap-check"):
                if isinstance(found, Promise) and found.done is None:
                    plan.promises.append(found)
                if isinstance(found, Booking) and found.kept is None:
                    plan.bookings.append(found)
                if self.features.done_ids and item.id:
                    plan.done_ids.append(item.id)
                else:
                    plan.bare_done = True
            elif item.kind == "booked":
                due_now = [b for b in w.bookings[slug] if b.on <= day]
                if isinstance(found, Booking) and found.kept is None:
                    plan.bookings.append(found)
                elif due_now:
                    plan.bookings.append(due_now[0])
            elif item.kind == "thank-you":
                plan.thank_you = True
            elif item.kind == "renewal":
                plan.renewal = True
            elif item.kind == "problem" and item.id and tags:
                plan.problem_ids[tags[-1]] = item.id
            elif item.kind == "stakeholder":
                # introductions, or a second stakeholder: the call reaches someone new
                plan.stakeholder = True
                if self.features.done_ids and item.id:
                    plan.done_ids.append(item.id)
        mode = call.mode if call.mode in ("visit", "review", "call") else ""
        if not mode:
            mode = "visit" if "visit" in kinds else "review" if "review" in kinds else "call"
        if plan.bookings:
            mode = "visit"
        elif mode == "visit":
            if any(b.on > day for b in w.bookings[slug]):
                mode = "call"  # already booked: the list will have to wait for the day
            elif chance(self.book.seed, slug, day, "book") < BOOK_SHARE:
                plan.book_visit = True
                mode = "review" if "review" in kinds else "call"
        plan.review_extra = mode == "visit" and "review" in kinds
        if mode == "call" and kinds == {"thank-you"}:
            mode, plan.thank_you = "thank-you", False  # the call is the thank-you
        plan.main = mode
        return plan

    # -- working a call ----------------------------------------------------------------

    def work(self, slug: str, day: date, plan: CallPlan) -> None:
        w = self.world
        who = self.other_person(slug, day) if plan.stakeholder else self.book.specs[slug].contact
        if self.attempts and chance(self.book.seed, slug, day, "attempt") < ATTEMPT_SHARE:
            w.record.calls.append(Call(day, slug, reached=False))
            self.log(slug, day, "No answer; left a voicemail.", "attempt", who)
            return
        w.record.calls.append(Call(day, slug, reached=True))
        w.contact(slug, day, plan.main, rep=True)
        for kept_booking in plan.bookings:
            w.keep_booking(kept_booking, day)
        for kept in plan.promises:
            w.keep_promise(kept, day)
        extra: list[str] = []
        for item_id in plan.done_ids:
            extra += ["--done", item_id]
        if plan.bare_done:
            extra.append("--done")
        resolved = w.settle_problems(slug, day)
        if resolved and self.features.done_ids:
            for problem in resolved:
                extra += self._resolve_args(slug, day, problem.text, plan)
        elif resolved:
            extra.append("--resolved")
        renewal_step = w.work_renewal(slug, day) if plan.renewal else ""
        promise = w.promise(slug, day)
        if promise is not None:
            extra += ["--next", f"{promise.due.isoformat()} {promise.action}"]
        booking = w.book_visit(slug, day) if plan.book_visit else None
        booking_next = None
        if booking is not None:
            action = f"visit: {booking.action}" if self.features.booking else booking.action
            booking_next = f"{booking.on.isoformat()} {action}"
            if promise is None:
                extra += ["--next", booking_next]
                booking_next = None
        summary = SUMMARY[plan.main]
        if plan.renewal and renewal_step and not self.features.stage:
            summary += " Talked about the renewal."
        self.log(slug, day, summary, plan.main, who, extra)
        if booking_next is not None:
            self.log(slug, day, "Booked a site visit.", "note", who, ["--next", booking_next])
        if plan.thank_you or plan.main == "thank-you":
            w.send_thanks(slug, day)
            if plan.thank_you:
                self.log(slug, day, "Sent a thank-you note.", "thank-you", who)
        if plan.review_extra:
            w.last_review[slug] = day
            self.log(slug, day, "Relationship review during the visit.", "review", who)
        if renewal_step:
            self.renewal_entry(slug, day, renewal_step, who)

    def other_person(self, slug: str, day: date) -> str:
        """Someone at the account besides the usual contact: the second contact on file,
        else a colleague the usual contact introduces."""
        contacts = self.book.specs[slug].contacts
        if len(contacts) > 1:
            return contacts[1][0]
        seed = self.book.seed
        first = FIRST[pick(seed, 0, len(FIRST) - 1, slug, day, "first")]
        return f"{first} {LAST[pick(seed, 0, len(LAST) - 1, slug, day, 'last')]}"

    def renewal_entry(self, slug: str, day: date, step: str, who: str) -> None:
        """Progress as touchplan can record it: a stage (or, without stages, only the
        call's summary), the signed date, or the customer lost."""
        if step in ("conversation", "proposal", "verbal", "wait"):
            renewal = self.world.renewal_open(slug)
            if self.features.stage and renewal is not None:
                stage = World.stage(renewal)
                summary = "Renewal: still deciding." if step == "wait" else f"Renewal: {stage}."
                self.log(slug, day, summary, "renewal", who, ["--stage", stage])
        elif step == "signed":
            new = self.world.renewal[slug].due
            self.log(
                slug, day, "Renewal signed.", "renewal", who, ["--renewal-date", new.isoformat()]
            )
        elif self.tp is None:
            return
        elif self.features.lost:
            args = ["lost", slug, "--reason", "Chose a competitor.", "--date", day.isoformat()]
            self.tp.run(args, day)
        else:
            # Without `lost`, the README's way: a note, and `status: lost` edited by hand.
            self.log(slug, day, "Lost the renewal: they chose a competitor.", "note", who)
            mark_lost_by_hand(self.tp.book, slug)

    def _resolve_args(self, slug: str, day: date, text: str, plan: CallPlan) -> list[str]:
        tags = TAG.findall(text)
        tag = tags[-1] if tags else ""
        found = plan.problem_ids.get(tag) or self.known_ids.get(tag) or self._lookup(slug, day, tag)
        return ["--resolved", found] if found else ["--resolved"]

    def _lookup(self, slug: str, day: date, tag: str) -> str:
        """A problem's id from `show --format json` (it was not on today's agenda)."""
        if self.tp is None or not tag:
            return ""
        doc = json.loads(self.tp.run(["show", slug, "--format", "json"], day).stdout)
        for raw in _dicts(doc):
            if raw.get("kind") == "problem" and f"(#{tag})" in str(raw.get("action", "")):
                return str(raw.get("id") or "")
        return ""

    def remember_ids(self, doc: dict[str, Any]) -> None:
        for raw in _dicts(doc):
            if raw.get("kind") == "problem" and raw.get("id"):
                for tag in TAG.findall(str(raw.get("action", ""))):
                    self.known_ids[tag] = str(raw["id"])

    def log(
        self, slug: str, day: date, summary: str, kind: str, who: str, extra: Iterable[str] = ()
    ) -> None:
        """Append one history entry through `touchplan log` (touchplan strategies)."""
        if self.tp is None:
            return
        args = ["log", slug, summary, "--kind", kind, "--with", who, "--date", day.isoformat()]
        self.tp.run([*args, *extra], day)
        self.world.record.logged.append(Logged(slug, day, kind, summary))


SUMMARY = {
    "call": "Checked in by phone.",
    "visit": "Visited the site.",
    "review": "Held the relationship review.",
    "thank-you": "Sent a thank-you note.",
}


def mark_lost_by_hand(root: Path, slug: str) -> None:
    """Set ``status: lost`` in the account's file as a rep would in an editor."""
    found = list((root / "accounts").rglob(f"{slug}.yaml"))
    if len(found) != 1:
        raise SimError(f"cannot find the file of {slug} to mark it lost")
    path = found[0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    status = [n for n, line in enumerate(lines) if line.startswith("status:")]
    if status:
        lines[status[0]] = "status: lost\n"
    else:
        tier = next(n for n, line in enumerate(lines) if line.startswith("tier:"))
        lines.insert(tier + 1, "status: lost\n")
    temp = path.with_suffix(".tmp")
    temp.write_text("".join(lines), encoding="utf-8")
    os.replace(temp, path)


def _dicts(value: object) -> Iterable[dict[str, Any]]:
    """Every JSON object inside ``value``, depth first."""
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _dicts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _dicts(inner)


__all__ = ["STRATEGIES", "Rep", "SimError", "World"]
