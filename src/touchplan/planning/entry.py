"""What `log` and `add` write: a history entry or a new account from what the rep typed.

The rules of both commands live here, pure (``today`` is a parameter): which options
go together, what a date or a contact may be, what an entry closes and what to tell
the rep. ``files`` turns the result into YAML text and writes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from touchplan.config import Policy
from touchplan.dates import parse_date
from touchplan.errors import UsageError
from touchplan.model import (
    TOUCH_KIND_NAMES,
    Account,
    Contact,
    Item,
    ItemKind,
    NextAction,
    Relationship,
    Snooze,
    Tier,
    TouchKind,
)
from touchplan.planning.people import match_contact
from touchplan.planning.schedule import closes_on_done, plan_account
from touchplan.text import check_input, slugify

# Items that stay open until a matching touch or an explicit close.
OPEN_UNTIL_CLOSED = frozenset(
    {ItemKind.FOLLOW_UP, ItemKind.GAP_CHECK, ItemKind.PROBLEM, ItemKind.THANK_YOU}
)


# -- log --------------------------------------------------------------------------------


def touch_kind(value: str) -> TouchKind:
    """``--kind``: what the entry records."""
    try:
        return TouchKind(value.strip().lower())
    except ValueError:
        raise UsageError(
            f"--kind: {value!r} is not a kind", f"use one of {TOUCH_KIND_NAMES}"
        ) from None


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
    """A history entry for `log` to append; its keys are written in this order."""

    date: dt.date
    kind: TouchKind
    with_: str | None = None  # None: no such key (an option given blank writes "")
    summary: str | None = None
    next: NextAction | None = None
    problem: str | None = None
    resolved: bool = False
    done: bool = False
    renewal: dt.date | None = None  # a signed renewal's next date: the account's moves too


@dataclass(frozen=True)
class LogPlan:
    """The entry to append, what its `--done` closes, and notes for the rep."""

    entry: Entry
    closes: tuple[Item, ...]
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
    resolved: bool = False,
    done: bool = False,
    renewal_date: str | None = None,
) -> LogPlan:
    """The entry `log` appends to ``account``: user text checked, dates parsed (relative
    to ``today``), and a note for each option that will not do what it says."""
    notes = []
    contact = None
    if with_:
        contact, known = match_contact(account, check_input(with_, "--with"))
        if not known:
            notes.append(f"{contact!r} is not among {account.name}'s contacts")
    text = check_input(summary, "the summary", multiline=True).strip() if summary else None
    promise = _promise(next_, today, when) if next_ else None
    opened = check_input(problem, "--problem").strip() if problem else None
    closes = tuple(closes_on_done(account, policy, when)) if done else ()
    if done and not closes:
        notes.append("--done found no open follow-up or gap check to close")
    if resolved and not _open_problem(account, policy, when):
        notes.append("--resolved found no open problem; the entry still tightens the cadence")
    renewal = None
    if renewal_date:
        if kind is not TouchKind.RENEWAL:
            raise UsageError("--renewal-date goes with --kind renewal")
        renewal = parse_date(renewal_date, today, "--renewal-date")
        if renewal <= when:
            raise UsageError(f"--renewal-date {renewal.isoformat()} is not after the touch")
    entry = Entry(when, kind, contact, text, promise, opened, resolved, done, renewal)
    return LogPlan(entry, closes, tuple(notes))


def _open_problem(account: Account, policy: Policy, day: date) -> bool:
    return any(i.kind is ItemKind.PROBLEM for i in plan_account(account, policy, day))


def _promise(text: str, today: date, when: date) -> NextAction:
    """``--next "friday Send the quote"``: a date and an action, not before the touch."""
    head, _, action = check_input(text, "--next").strip().partition(" ")
    if not action.strip():
        raise UsageError("--next needs a date and an action", 'e.g. --next "friday Send the quote"')
    due = parse_date(head, today, "--next")
    if due < when:
        raise UsageError(f"--next {due.isoformat()} is before the touch itself")
    return NextAction(due, action.strip())


@dataclass(frozen=True)
class AfterLog:
    """The account's plan once the entry is written."""

    next: Item | None  # the earliest item
    still_open: tuple[Item, ...]  # due now, or open until explicitly closed


def after_log(account: Account, policy: Policy, today: date) -> AfterLog:
    items = plan_account(account, policy, today)
    upcoming = sorted(items, key=lambda i: (i.due, i.kind.value))
    still = [i for i in items if i.kind in OPEN_UNTIL_CLOSED or i.due <= today]
    return AfterLog(upcoming[0] if upcoming else None, tuple(sorted(still, key=lambda i: i.due)))


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
    since: date
    owner: str = ""
    renewal: date | None = None
    value: float | None = None
    relationship: Relationship | None = None
    contacts: tuple[Contact, ...] = ()


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
    start = parse_date(since, today, "--since") if since else today
    renews = parse_date(renewal, today, "--renewal") if renewal else None
    if relationship and relationship not in [r.value for r in Relationship]:
        raise UsageError(
            f"--relationship: {relationship!r} is not transactional, relational or partnering"
        )
    people = tuple(parse_contact(c) for c in contacts)
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
    )


def first_item(account: Account, policy: Policy, today: date) -> Item | None:
    """The new account's earliest item, for `add` to say what comes next."""
    items = plan_account(account, policy, today)
    return min(items, key=lambda i: i.due) if items else None
