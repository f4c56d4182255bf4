"""What `log` and `add` write: a history entry or a new account from what the rep typed.

The rules of both commands live here, pure (``today`` is a parameter): which options
go together, what a date or a contact may be, what an entry closes and what to tell
the rep. ``files`` turns the result into YAML text and writes it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from touchplan.config import Policy
from touchplan.dates import parse_date, split_date
from touchplan.errors import AmbiguousError, TouchplanError, UsageError
from touchplan.model import (
    LOG_KIND_NAMES,
    NOT_LOGGED,
    Account,
    Contact,
    Item,
    ItemClass,
    ItemKind,
    NextAction,
    Relationship,
    RenewalStage,
    Snooze,
    Status,
    Tier,
    TouchKind,
    split_booking,
)
from touchplan.planning.people import match_contact
from touchplan.planning.relations import RatingTrend, rating_trend
from touchplan.planning.renewal import NOT_STARTED
from touchplan.planning.schedule import plan_account, with_ids
from touchplan.text import check_input, slugify

# Items that stay open until closed, whenever they are due: `log` lists them after it.
OPEN_UNTIL_CLOSED = frozenset(
    {ItemKind.FOLLOW_UP, ItemKind.BOOKED, ItemKind.GAP_CHECK, ItemKind.PROBLEM, ItemKind.THANK_YOU}
)


# -- log --------------------------------------------------------------------------------


def touch_kind(value: str) -> TouchKind:
    """``--kind``: what the entry records."""
    try:
        kind = TouchKind(value.strip().lower())
    except ValueError:
        kind = None
    if kind is None or kind in NOT_LOGGED:
        raise UsageError(f"--kind: {value!r} is not a kind", f"use one of {LOG_KIND_NAMES}")
    return kind


def touch_date(text: str | None, today: date) -> date:
    """When the touch happened (a weekday name means the last one); never in the future."""
    when = parse_date(text, today, "--date", past=True) if text else today
    if when > today:
        raise UsageError(
            f"--date {when.isoformat()} is in the future",
            "log records touches that happened; promise future ones with --next",
        )
    return when


@dataclass(frozen=True)
class Entry:
    """A history entry to append; its keys are written in this order."""

    date: dt.date
    kind: TouchKind
    with_: str | None = None  # None: no such key (an option given blank writes "")
    summary: str | None = None
    next: NextAction | None = None
    problem: str | None = None
    resolved: tuple[str, ...] = ()  # ids of the problems it resolves
    done: tuple[str, ...] = ()  # ids of the items it closes
    stage: RenewalStage | None = None
    renewal: dt.date | None = None  # a signed renewal's next date: the account's moves too
    item: str = ""  # a deferral's item id
    until: dt.date | None = None  # a deferral's end
    cancelled: tuple[str, ...] = ()  # ids of the bookings it cancels (never held)
    ref: str = ""  # an outside reference: the calendar event it records
    rating: int | None = None  # a review's rating, 1-5


@dataclass(frozen=True)
class LogPlan:
    """The entry to append, what it closes and resolves, and notes for the rep."""

    entry: Entry
    closes: tuple[Item, ...]
    resolves: tuple[Item, ...]
    notes: tuple[str, ...]


def log_entry(
    account: Account,
    policy: Policy,
    today: date,
    *,
    kind: TouchKind,
    when: date,
    summary: str | None = None,
    with_: str | None = None,
    next_: str | None = None,
    problem: str | None = None,
    resolved: Sequence[str] | None = None,
    done: Sequence[str] | None = None,
    stage: str | None = None,
    renewal_date: str | None = None,
    rating: int | None = None,
) -> LogPlan:
    """The entry `log` appends to ``account``: user text checked, dates parsed (relative
    to ``today``), what `--done` and `--resolved` mean worked out against the items open
    on the entry's day (``None``: the option was not given; ``[""]``: given bare), and a
    note for each option that will not do what it says."""
    text = check_input(summary, "the summary", multiline=True).strip() if summary else ""
    if not text:
        raise UsageError("say what happened", 'e.g. touchplan log acme "Sent the quote"')
    notes = []
    contact = None
    if with_:
        contact, known = match_contact(account, check_input(with_, "--with"))
        if not known:
            notes.append(f"{contact!r} is not among {account.name}'s contacts")
    promise = read_next(next_, today, when) if next_ else None
    opened = check_input(problem, "--problem").strip() if problem else None
    if kind is TouchKind.ATTEMPT and (done is not None or resolved is not None):
        raise UsageError(
            "an unanswered attempt closes nothing", "log the call once it reaches someone"
        )
    items = plan_account(account, policy, when)
    closes = tuple(done_items(items, when, done, contact or "")) if done is not None else ()
    resolves = tuple(resolved_items(items, resolved, contact or "")) if resolved is not None else ()
    if done is not None and not closes:
        notes.append("--done found nothing due to close; nothing was marked done")
    if resolved is not None and not resolves:
        notes.append("--resolved found no open problem; nothing was resolved")
    chosen_stage = None
    if stage:
        if kind is not TouchKind.RENEWAL:
            raise UsageError("--stage goes with --kind renewal")
        try:
            chosen_stage = RenewalStage(stage.strip().lower())
        except ValueError:
            raise UsageError(
                f"--stage: {stage!r} is not a stage", "use conversation, proposal or verbal"
            ) from None
    renewal = None
    if renewal_date:
        if kind is not TouchKind.RENEWAL:
            raise UsageError("--renewal-date goes with --kind renewal")
        renewal = parse_date(renewal_date, today, "--renewal-date")
        if renewal <= when:
            raise UsageError(f"--renewal-date {renewal.isoformat()} is not after the touch")
    if rating is not None:
        if kind is not TouchKind.REVIEW:
            raise UsageError("--rating goes with --kind review")
        if not 1 <= rating <= 5:
            raise UsageError(
                f"--rating: {rating} is not between 1 and 5", "5 is the best, 1 the worst"
            )
    entry = Entry(
        when,
        kind,
        contact,
        text,
        promise,
        opened,
        tuple(i.id for i in resolves),
        tuple(i.id for i in closes),
        chosen_stage,
        renewal,
        rating=rating,
    )
    return LogPlan(entry, closes, resolves, tuple(notes))


def read_next(text: str, today: date, when: date) -> NextAction:
    """``--next "friday Send the quote"`` (a promise) or ``--next "2027-01-12 visit:
    Chicago depot"`` (a booked appointment): a date and what, not before the touch."""
    due, rest = split_date(check_input(text, "--next"), today, "--next")
    booked, action = split_booking(rest)
    if not action:
        raise UsageError(
            "--next needs a date and an action",
            'e.g. --next "friday Send the quote" or --next "2027-01-12 visit: Plant tour"',
        )
    if due < when:
        raise UsageError(f"--next {due.isoformat()} is before the touch itself")
    return NextAction(due, action, booked)


@dataclass(frozen=True)
class AfterLog:
    """The account's plan once the entry is written."""

    next: Item | None  # the promise just made, else the earliest item
    still_open: tuple[Item, ...]  # due now, or commitments open until closed
    # commitments the entry settled by its kind (a visit keeping a booking, a thank-you,
    # a signed renewal), besides what --done and --resolved closed by id
    settled: tuple[Item, ...] = ()
    ratings: RatingTrend | None = None  # a rated review: the trend it now makes


def after_log(
    account: Account,
    policy: Policy,
    today: date,
    logged: Entry,
    plan: LogPlan | None = None,
    before: Account | None = None,
) -> AfterLog:
    """What `log` says next; with the account ``before`` the entry, also what it settled."""
    items = plan_account(account, policy, today)
    settled: list[Item] = []
    if before is not None:
        named = {i.key for i in (*plan.closes, *plan.resolves)} if plan else set()
        still_keys = {i.key for i in items}
        settled = [
            i for i in plan_account(before, policy, today)
            if i.cls is ItemClass.COMMITMENT and i.key not in still_keys and i.key not in named
            # a signed renewal is told by "Renewal date moved to"
            and not (i.kind is ItemKind.RENEWAL and logged.renewal is not None)
        ]  # fmt: skip
    promised = [
        i
        for i in items
        if logged.next is not None and i.trigger == logged.date and i.raw_due >= logged.date
        and i.kind in (ItemKind.FOLLOW_UP, ItemKind.BOOKED) and logged.next.action in i.action
    ]  # fmt: skip
    upcoming = sorted(items, key=lambda i: (i.due, i.kind.value))
    first = promised[-1] if promised else (upcoming[0] if upcoming else None)
    # A renewal under way is open until signed or lost, like a promise: list it too.
    still = [
        i for i in items
        if i.kind in OPEN_UNTIL_CLOSED or i.due <= today
        or (i.kind is ItemKind.RENEWAL and i.progress not in ("", NOT_STARTED))
    ]  # fmt: skip
    ratings = rating_trend(account, policy) if logged.rating is not None else None
    return AfterLog(
        first,
        tuple(sorted(still, key=lambda i: (i.due, i.kind.value))),
        tuple(settled),
        ratings,
    )


def relabel_log(
    plan: LogPlan, after: AfterLog, ids_for: Callable[[Sequence[Item]], Mapping[str, str]]
) -> tuple[LogPlan, AfterLog]:
    """What `log` prints, with ids unique in the book (``ids_for`` gives them)."""
    shown = [*plan.closes, *plan.resolves, *after.still_open, *after.settled]
    ids = ids_for([*shown, *([after.next] if after.next else [])])
    return (
        replace(plan, closes=tuple(with_ids(plan.closes, ids)),
                resolves=tuple(with_ids(plan.resolves, ids))),
        replace(after, next=with_ids([after.next], ids)[0] if after.next else None,
                still_open=tuple(with_ids(after.still_open, ids)),
                settled=tuple(with_ids(after.settled, ids))),
    )  # fmt: skip


# -- lost and defer ----------------------------------------------------------------------


def lost_entry(account: Account, reason: str, when_text: str | None, today: date) -> Entry:
    """`touchplan lost`: the entry that records why the customer was lost."""
    text = check_input(reason, "--reason").strip()
    if not text:
        raise UsageError("--reason is empty", 'e.g. --reason "Chose a competitor"')
    if account.status is Status.LOST:
        raise TouchplanError(f"{account.name} is already marked lost")
    return Entry(touch_date(when_text, today), TouchKind.LOST, summary=text)


def defer_entry(item: Item, until_text: str, reason: str, today: date) -> Entry:
    """`touchplan defer`: set one open item aside until a date, with why."""
    if item.kind is ItemKind.RENEWAL:
        raise UsageError(
            "a renewal is not deferred",
            "record its progress with log --kind renewal --stage, or touchplan lost",
        )
    until = parse_date(until_text, today, "--until")
    if until <= today:
        raise UsageError(f"--until {until.isoformat()} is not in the future")
    text = check_input(reason, "--reason").strip()
    if not text:
        raise UsageError("--reason is empty", 'e.g. --reason "Waiting on the supplier\'s ETA"')
    return Entry(today, TouchKind.DEFER, summary=text, item=item.id, until=until)


def item_line(item: Item) -> str:
    """``k7q2x  follow-up: Send the quote (due 2026-11-26)``: an item, to choose by id."""
    return f"{item.id}  {item.kind.value}: {item.action} (due {item.due.isoformat()})"


class Unclear(AmbiguousError):
    """`--done` or `--resolved` could mean several items: the caller asks, or lists them."""

    def __init__(self, what: str, candidates: list[Item]) -> None:
        super().__init__(
            f"{what} could mean any of these; nothing was written (say which: {what} ID)",
            [item_line(i) for i in candidates],
        )
        self.what = what
        self.items = candidates


class UnknownId(TouchplanError):
    """No open item has that id."""

    def __init__(self, wanted: str, open_items: list[Item] | None) -> None:
        """``open_items``: the account's, to list; None when the whole book was searched."""
        if open_items is None:
            hint = "`today`, `show ACCOUNT` and `week` print the ids of open items"
        else:
            hint = "open: " + (", ".join(f"{i.id} ({i.kind.value})" for i in open_items) or "none")
        super().__init__(f"no open item {wanted!r}; nothing was written", hint)
        self.wanted = wanted


def find_item(items: Sequence[Item], wanted: str) -> Item:
    """The open item an id names: its shown id, else a unique prefix of its key."""
    wanted = wanted.strip().lower()
    exact = [i for i in items if i.id == wanted]
    if len(exact) == 1:
        return exact[0]
    prefixed = [i for i in items if len(wanted) >= 3 and i.key.startswith(wanted)]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        raise Unclear(wanted, prefixed)
    raise UnknownId(wanted, list(items))


_DONE_WITHOUT_ID = frozenset({ItemKind.FOLLOW_UP, ItemKind.GAP_CHECK, ItemKind.BOOKED})


def done_items(
    items: Sequence[Item], on: date, wanted: Sequence[str], with_: str = ""
) -> list[Item]:
    """What `log --done [ID ...]` closes. By id: exactly those (a problem is resolved,
    not done). Without one: the due follow-ups, gap checks and bookings when that is
    unambiguous (one of them, or the ones promised to the `--with` contact); else
    Unclear. Nothing not yet due is ever closed without its id."""
    closable = [i for i in items if i.kind is not ItemKind.PROBLEM]
    ids = [w for w in wanted if w]
    if ids:
        found: list[Item] = []
        for w in ids:
            item = find_item(closable, w)
            if item not in found:
                found.append(item)
        return found
    due = [i for i in closable if i.kind in _DONE_WITHOUT_ID and i.due <= on]
    if len(due) <= 1:
        return due
    mine = [i for i in due if with_ and i.contact.casefold() == with_.casefold()]
    if mine:
        return mine
    raise Unclear("--done", due)


def resolved_items(items: Sequence[Item], wanted: Sequence[str], with_: str = "") -> list[Item]:
    """What `log --resolved [ID ...]` resolves: those problems, or without an id the
    one open problem (or the ones raised by the `--with` contact)."""
    problems = [i for i in items if i.kind is ItemKind.PROBLEM]
    ids = [w for w in wanted if w]
    if ids:
        return list(dict.fromkeys(find_item(problems, w) for w in ids))
    if len(problems) <= 1:
        return problems
    mine = [i for i in problems if with_ and i.contact.casefold() == with_.casefold()]
    if mine:
        return mine
    raise Unclear("--resolved", problems)


# -- snooze -----------------------------------------------------------------------------


def snooze(until: str, reason: str, today: date) -> Snooze:
    """A pause until a date in the future, with why."""
    end = parse_date(until, today, "--until")
    if end <= today:
        raise UsageError(f"--until {end.isoformat()} is not in the future")
    return Snooze(end, check_input(reason, "--reason").strip())


# -- add --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAccount:
    """An account for `add` to create at ``accounts/<folder>/<slug>.yaml``."""

    name: str
    tier: Tier
    slug: str
    folder: tuple[str, ...]
    since: date | None  # None: an existing customer whose start is not known
    owner: str = ""
    renewal: date | None = None
    value: float | None = None
    relationship: Relationship | None = None
    contacts: tuple[Contact, ...] = ()
    added: date | None = None  # the day it entered touchplan
    last_contact: date | None = None  # a contact before touchplan (`--last-contact`)


def tier_choice(text: str) -> Tier:
    """``--tier``: A, B or C (any case)."""
    value = text.strip().upper()
    if value not in ("A", "B", "C"):
        raise UsageError(f"--tier: {text!r} is not A, B or C")
    return Tier(value)


def folder_parts(folder: str | None) -> tuple[str, ...]:
    """``--folder east/retail``: sub-folders of accounts/, each a safe name."""
    parts = [slugify(p) for p in (folder or "").replace("\\", "/").split("/") if p.strip()]
    if any(not p for p in parts):
        raise UsageError(f"--folder {folder!r} is not a safe folder name")
    return tuple(parts)


def parse_contact(text: str) -> Contact:
    """``"Jane Smith, VP Ops, +1 555 0100, jane@acme.example"`` -> a contact."""
    parts = [p.strip() for p in check_input(text, "--contact").split(",") if p.strip()]
    if not parts:
        raise UsageError("--contact is empty", 'use "Name, Role, Phone, Email"')
    email = phone = ""
    roles = []
    for part in parts[1:]:
        digits = sum(ch.isdigit() for ch in part)
        if "@" in part and not email:
            email = part
        elif digits >= 5 and digits >= len(part.replace(" ", "")) * 0.6 and not phone:
            phone = part
        else:
            roles.append(part)
    return Contact(parts[0], ", ".join(roles), phone, email)


def new_account(
    name: str,
    tier: str,
    today: date,
    *,
    owner: str | None = None,
    since: str | None = None,
    renewal: str | None = None,
    value: float | None = None,
    relationship: str | None = None,
    contacts: Sequence[str] = (),
    folder: str | None = None,
    slug: str | None = None,
    last_contact: str | None = None,
) -> NewAccount:
    """The account `add` creates from its options (dates relative to ``today``)."""
    clean_name = check_input(name, "the name").strip()
    if not clean_name:
        raise UsageError("the name is empty")
    chosen_tier = tier_choice(tier)
    stem = slugify(slug if slug is not None else clean_name)
    if not stem:
        raise UsageError(
            f"{clean_name!r} has no letters or digits to make a file name from",
            "pass --slug, e.g. --slug acme",
        )
    parts = folder_parts(folder)
    clean_owner = check_input(owner, "--owner").strip() if owner else ""
    # a new customer starts today, unless a last contact says it is an existing one
    start = parse_date(since, today, "--since") if since else None if last_contact else today
    renews = parse_date(renewal, today, "--renewal") if renewal else None
    if relationship and relationship not in [r.value for r in Relationship]:
        raise UsageError(
            f"--relationship: {relationship!r} is not transactional, relational or partnering"
        )
    if value is not None and not math.isfinite(value):
        # Typer reads `nan` and `inf` as floats, and `min=0` lets both through
        raise UsageError(f"--value: {value} is not an amount", "give a number, e.g. 120000")
    people = tuple(parse_contact(c) for c in contacts)
    contacted = (
        parse_date(last_contact, today, "--last-contact", past=True) if last_contact else None
    )
    if contacted is not None and contacted > today:
        raise UsageError(f"--last-contact {contacted.isoformat()} is in the future")
    return NewAccount(
        name=clean_name,
        tier=chosen_tier,
        slug=stem,
        folder=parts,
        since=start,
        owner=clean_owner,
        renewal=renews,
        value=value,
        relationship=Relationship(relationship) if relationship else None,
        contacts=people,
        added=today,
        last_contact=contacted,
    )


def first_item(account: Account, policy: Policy, today: date) -> Item | None:
    """The new account's earliest item, for `add` to say what comes next."""
    items = plan_account(account, policy, today)
    return min(items, key=lambda i: i.due) if items else None
