"""`touchplan call`: what a card offers and what the rep's answers mean.

Pure rules for the calling session; the CLI asks the questions and writes through the
same path as `log`. A card is one call: its agenda, whom to ask for, and the defaults
that make a routine call a few keystrokes (reached the suggested contact, the kind the
call's mode says, every agenda item that contact and kind settle). Each answer is read
here into what `log` would have been given on its command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from touchplan.config import Policy
from touchplan.dates import parse_date
from touchplan.errors import AmbiguousError, TouchplanError, UsageError
from touchplan.model import (
    CONTACT_KINDS,
    NOT_LOGGED,
    Account,
    Contact,
    Item,
    ItemClass,
    ItemKind,
    RenewalStage,
    Status,
    Touch,
    TouchKind,
)
from touchplan.planning.calls import Call, Mode, account_call, call_mode, make_call
from touchplan.planning.entry import UnknownId, find_item
from touchplan.planning.people import ask_for, match_contact, name_key
from touchplan.planning.renewal import RenewalState, renewal_state
from touchplan.planning.schedule import plan_account
from touchplan.text import check_input

# -- the card ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """One account to call, as the session shows it."""

    account: Account
    call: Call
    items: tuple[Item, ...]  # every open item of the account (ids the rep may type)
    contact: Contact | None  # whom to ask for
    renewal_state: RenewalState | None  # where the renewal stands (None: no renewal)

    @property
    def agenda(self) -> tuple[Item, ...]:
        return self.call.agenda

    @property
    def kind(self) -> TouchKind:
        """The kind a reached call is logged as unless the rep says otherwise."""
        return _MODE_KIND[self.call.mode]

    @property
    def contacts(self) -> tuple[Contact, ...]:
        """Every contact, whom to ask for first."""
        first = self.contact
        rest = tuple(c for c in self.account.contacts if first is None or c.name != first.name)
        return (first, *rest) if first is not None else rest

    @property
    def renewal(self) -> Item | None:
        """The renewal item when it is on the agenda: the card asks for its progress."""
        return next((i for i in self.agenda if i.kind is ItemKind.RENEWAL), None)

    @property
    def also_open(self) -> tuple[Item, ...]:
        """Open promises, bookings and problems that are not on the agenda."""
        keys = {i.key for i in self.agenda}
        kinds = (ItemKind.FOLLOW_UP, ItemKind.BOOKED, ItemKind.PROBLEM)
        rest = [i for i in self.items if i.kind in kinds and i.key not in keys]
        return tuple(sorted(rest, key=lambda i: (i.due, i.kind.value)))


_MODE_KIND = {Mode.VISIT: TouchKind.VISIT, Mode.REVIEW: TouchKind.REVIEW, Mode.CALL: TouchKind.CALL}


def card_for(account: Account, call: Call, policy: Policy, today: date) -> Card:
    items = tuple(plan_account(account, policy, today))
    agenda = call.agenda or items
    contact = ask_for(agenda[0], account) if agenda else None
    if contact is None and account.contacts:
        contact = account.contacts[0]
    return Card(account, call, items, contact, renewal_state(account, policy, today))


def fresh_call(
    planned: Account, account: Account, call: Call, policy: Policy, today: date
) -> Call | None:
    """The call as the account file reads now: the day's plan while the file is as it
    was planned; else (logged from elsewhere meanwhile) planned again, and None when
    nothing is due any more."""
    if account == planned:
        return call
    return account_call(account, policy, today)


def named_call(account: Account, policy: Policy, today: date) -> Call:
    """`touchplan call ACCOUNT`: its call when one is due, else every open item as the
    agenda (the customer rang, or the rep calls ahead of the plan)."""
    if account.status is not Status.ACTIVE:
        raise TouchplanError(f"{account.name} is marked lost; it is not called")
    items = plan_account(account, policy, today)
    call = make_call(account, items, policy, today)
    if call is not None:
        return call
    ahead = tuple(sorted(items, key=lambda i: (i.due, i.kind.value)))
    return Call(account.slug, account.tier, (), ahead, call_mode(()))


# -- the first answer: who was reached --------------------------------------------------


class Choice(StrEnum):
    """What the first question takes besides a name: the call's other outcomes."""

    NOBODY = "n"  # nobody answered: an attempt
    SKIP = "s"  # not now: the call stays for tomorrow
    SNOOZE = "z"  # pause the whole account
    QUIT = "q"  # stop the session


@dataclass(frozen=True)
class Reached:
    """A call that reached someone: the entry's kind and whom (None: no `with`)."""

    kind: TouchKind
    with_: str | None
    known: bool  # one of the account's contacts


# Kinds the first question takes as a word before the name (`visit hal`, `email`).
REACHED_KINDS = tuple(k for k in TouchKind if k not in NOT_LOGGED and k is not TouchKind.ATTEMPT)


def read_reached(text: str, card: Card) -> Reached | Choice:
    """The first answer: Enter (the suggested contact, the card's kind), a name, a kind
    and a name (``visit renee``), or n / s / z / q."""
    words = check_input(text, "the answer").split()
    if not words:
        return Reached(card.kind, card.contact.name if card.contact else None, True)
    if len(words) == 1 and words[0].lower() in {c.value for c in Choice}:
        return Choice(words[0].lower())
    if len(words) == 1 and words[0].lower() in ("-", "no", TouchKind.ATTEMPT.value):
        return Choice.NOBODY
    kind = card.kind
    first = words[0].lower()
    if first in {k.value for k in REACHED_KINDS}:
        whole = " ".join(words)
        name_first = len(words) > 1 and _is_contact(card.account, whole)
        if not name_first:
            kind = TouchKind(first)
            words = words[1:]
    if not words:
        return Reached(kind, card.contact.name if card.contact else None, True)
    try:
        name, known = match_contact(card.account, " ".join(words))
    except AmbiguousError as exc:
        raise UsageError(
            f"{' '.join(words)!r} could be {' or '.join(exc.candidates)}", "type more of the name"
        ) from None
    return Reached(kind, name, known)


def _is_contact(account: Account, text: str) -> bool:
    wanted = name_key(text)
    return any(name_key(c.name) == wanted for c in account.contacts)


# -- what the call settles --------------------------------------------------------------


def settled_by_kind(
    card: Card, kind: TouchKind, with_: str | None, policy: Policy, today: date
) -> list[Item]:
    """The open items an entry of ``kind`` closes by itself (a contact settles the touch,
    a visit the visit cadence, a thank-you the thank-you step, a booked call a call):
    what the engine would make of the entry, with nothing closed by id."""
    account = card.account
    probe = Touch(today, kind, with_=with_ or "", index=len(account.history))
    after = plan_account(replace(account, history=(*account.history, probe)), policy, today)
    still = {i.key for i in after}
    return [i for i in card.items if i.key not in still and i.kind is not ItemKind.RENEWAL]


def settled_by_default(
    card: Card, kind: TouchKind, with_: str | None, policy: Policy, today: date
) -> list[Item]:
    """The agenda items to close by id unless the rep says otherwise: the promises and
    checks that only an explicit close ends (follow-ups, gap checks), made to this
    contact or to nobody in particular, when the call reached someone. Problems and the
    renewal have questions of their own; what the kind settles by itself needs no id."""
    if kind not in CONTACT_KINDS:
        return []
    by_kind = {i.key for i in settled_by_kind(card, kind, with_, policy, today)}
    steps = {s.name: s for s in policy.sequences}
    chosen = []
    for item in card.call.items + card.call.early:
        step = steps.get(item.source)
        explicit = item.kind is ItemKind.FOLLOW_UP or (step is not None and step.closed_by is None)
        if item.key in by_kind or not explicit or item.cls is not ItemClass.COMMITMENT:
            continue
        if not item.contact or not with_ or name_key(item.contact) == name_key(with_):
            chosen.append(item)
    return chosen


def asks_what_closes(
    card: Card, kind: TouchKind, with_: str | None, policy: Policy, today: date
) -> bool:
    """Whether the card asks which items the call settled: not when the kind settles
    the whole agenda by itself and no problem is open (a routine keep-in-touch call)."""
    if kind not in CONTACT_KINDS:
        return False
    by_kind = {i.key for i in settled_by_kind(card, kind, with_, policy, today)}
    left = [i for i in card.agenda if i.key not in by_kind and i.kind is not ItemKind.RENEWAL]
    return bool(left) or any(i.kind is ItemKind.PROBLEM for i in card.items)


@dataclass(frozen=True)
class Closes:
    """What a call closes by id: `done:` and `resolved:` as `log --done/--resolved`."""

    done: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()


def read_closes(text: str, card: Card, default: Sequence[Item]) -> Closes:
    """Enter: the default; ``-``: nothing; else the ids typed (space or comma apart),
    each an open item of the account. A problem's id resolves it."""
    words = check_input(text, "the ids").replace(",", " ").split()
    chosen: list[Item]
    if not words:
        chosen = list(default)
    elif words in (["-"], ["none"]):
        chosen = []
    else:
        chosen = []
        for word in words:
            try:
                item = find_item(card.items, word)
            except UnknownId:
                raise UsageError(
                    f"{word!r} is not an open item of {card.account.name}",
                    "type ids from the card, or - for none",
                ) from None
            if item not in chosen:
                chosen.append(item)
    return Closes(
        tuple(i.id for i in chosen if i.kind is not ItemKind.PROBLEM),
        tuple(i.id for i in chosen if i.kind is ItemKind.PROBLEM),
    )


# -- the renewal ------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalStep:
    """How far the renewal came on this call: a stage, or signed with the next date."""

    stage: RenewalStage | None = None
    signed: date | None = None


# Kinds that become a `renewal` entry when the call moved the renewal on: `log` takes a
# stage or a signing only on a renewal entry, and a call, e-mail or letter loses nothing
# by being one. A visit, meeting or review keeps its kind (its cadence counts on it).
BECOMES_RENEWAL = frozenset({TouchKind.CALL, TouchKind.EMAIL, TouchKind.LETTER})


def read_renewal(text: str, kind: TouchKind, today: date) -> RenewalStep | None:
    """Enter: no progress; a stage (or its first letter); ``signed DATE``."""
    words = check_input(text, "the renewal").lower().split()
    if not words:
        return None
    if words[0] in ("signed", "renewed"):
        if len(words) == 1:
            raise UsageError("signed needs the next renewal date", "e.g. signed 2027-12-04")
        if kind not in BECOMES_RENEWAL | {TouchKind.RENEWAL}:
            raise UsageError(
                f"a {kind.value} entry cannot carry the signing",
                "log it afterwards: touchplan log ACCOUNT --kind renewal --renewal-date DATE",
            )
        signed = parse_date(" ".join(words[1:]), today, "the renewal date")
        if signed <= today:
            raise UsageError(f"the renewal date {signed.isoformat()} is not after today")
        return RenewalStep(signed=signed)
    if len(words) == 1:
        found = [s for s in RenewalStage if s.value.startswith(words[0])]
        if len(found) == 1:
            return RenewalStep(stage=found[0])
    raise UsageError(
        f"{text.strip()!r} is not a renewal step", "conversation, proposal, verbal or signed DATE"
    )


# -- the entry --------------------------------------------------------------------------


@dataclass(frozen=True)
class CallEntry:
    """What `log` is given for one card: its options, as the rep answered them."""

    kind: TouchKind
    summary: str
    with_: str | None = None
    next: str | None = None
    problem: str | None = None
    done: tuple[str, ...] | None = None  # None: no `--done` at all
    resolved: tuple[str, ...] | None = None
    stage: str | None = None
    renewal_date: str | None = None


def call_entry(
    card: Card,
    reached: Reached,
    summary: str,
    closes: Closes,
    renewal: RenewalStep | None,
    next_: str,
    problem: str,
    policy: Policy,
    today: date,
) -> CallEntry:
    """The `log` options for a reached call. Renewal progress makes a call (e-mail,
    letter) a `renewal` entry with its stage; what the first kind settled by itself and
    the new one does not is then closed by id, so nothing the rep saw settle stays open.
    On a visit, meeting or review the renewal item is closed by id instead: progress at
    the stage it had."""
    kind = reached.kind
    done = list(closes.done)
    stage = signed = None
    if renewal is not None and card.renewal is not None:
        if kind in BECOMES_RENEWAL:
            before = settled_by_kind(card, kind, reached.with_, policy, today)
            renewal_settles = settled_by_kind(card, TouchKind.RENEWAL, reached.with_, policy, today)
            after = {i.key for i in renewal_settles}
            kind = TouchKind.RENEWAL
            done += [
                i.id
                for i in before
                if i.key not in after and i.cls is ItemClass.COMMITMENT and i.id not in done
            ]
        if kind is TouchKind.RENEWAL:
            stage = renewal.stage.value if renewal.stage else None
            signed = renewal.signed.isoformat() if renewal.signed else None
        elif card.renewal.id not in done:
            done.append(card.renewal.id)
    return CallEntry(
        kind,
        summary,
        reached.with_,
        next_ or None,
        problem or None,
        tuple(done) or None,
        closes.resolved or None,
        stage,
        signed,
    )


def attempt_entry(card: Card, note: str) -> CallEntry:
    """Nobody answered: an `attempt` with whom was tried; it closes nothing, and the
    engine brings the call back on the next working day."""
    return CallEntry(TouchKind.ATTEMPT, note, card.contact.name if card.contact else None)


def skip_entry(reason: str) -> CallEntry | None:
    """A skip writes nothing, or with a reason a `note` (not a contact: the call stays
    due and comes back tomorrow) so that the diary says why."""
    text = reason.strip()
    return CallEntry(TouchKind.NOTE, f"Call skipped: {text}") if text else None


# -- the tally --------------------------------------------------------------------------


class Outcome(StrEnum):
    REACHED = "reached"
    ATTEMPT = "attempt"
    SKIPPED = "skipped"
    SNOOZED = "snoozed"
    FAILED = "failed"  # the file could not be read or written: nothing was


@dataclass(frozen=True)
class Tally:
    """The session's day: what was done with each card."""

    reached: int = 0
    attempts: int = 0
    skipped: int = 0
    snoozed: int = 0
    failed: int = 0
    promises: int = 0  # promises and bookings made
    still_due: int = 0  # calls still due today when the session ended
    still_names: tuple[str, ...] = ()  # the first of them

    @property
    def made(self) -> int:
        return self.reached + self.attempts


def tally(
    outcomes: Sequence[tuple[Outcome, bool]], still_due: int, still_names: Sequence[str]
) -> Tally:
    """The tally of (outcome, promised) pairs, one per card acted on."""
    count = {o: sum(1 for got, _ in outcomes if got is o) for o in Outcome}
    return Tally(
        count[Outcome.REACHED],
        count[Outcome.ATTEMPT],
        count[Outcome.SKIPPED],
        count[Outcome.SNOOZED],
        count[Outcome.FAILED],
        sum(1 for _, promised in outcomes if promised),
        still_due,
        tuple(still_names),
    )
