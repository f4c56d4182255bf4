"""`touchplan import meetings.ics`: the rep's calendar becomes diary entries.

An event with a customer among its attendees (an address that is a contact's e-mail, or
whose domain is listed in an account's `domains:` or is its `website:`'s) becomes, for
each such account:

- once it is over: a history entry of kind `meeting` (`visit` when its location reads
  like a street address; `--as` overrides), `with` the people met, `summary` its title
  and `ref: ics:UID[/OCCURRENCE]`, the key that makes a second import add nothing;
- while it is ahead: a booked appointment, a `note` dated the import day whose `next`
  books it (the cadence then knows it is planned); only the next occurrence of a series
  is booked, the following ones as each comes up;
- when a later import shows the booking moved, changed, cancelled, declined or gone:
  a `note` whose `cancelled:` closes the old booking without counting it as held (and,
  moved, books it anew).

The work is split in three: reading the file (``ics_read``), deciding the entries of one
account (``account_changes``, pure), and writing each account's entries in one verified,
atomic append (``files.edit``): an account is written whole or not at all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from touchplan.config import Policy
from touchplan.connect.ics_read import BadEvent, CalendarFile, Occurrence, read_calendar
from touchplan.errors import TouchplanError
from touchplan.files.edit import Edit, apply_batch, entries_edit
from touchplan.files.schema import account_from_document, website_host
from touchplan.model import (
    BOOKABLE_KINDS,
    FACE_TO_FACE_KINDS,
    Account,
    NextAction,
    TouchKind,
)
from touchplan.planning.entry import Entry
from touchplan.planning.walk import Opened, walk_history
from touchplan.text import slugify
from touchplan.yamldoc import parse

HORIZON = 366  # days ahead: a meeting further out is booked by a later import
REF_PREFIX = "ics:"
ID_LENGTH = 5  # as planning shows ids; longer only to tell two open items apart
# Mail providers anyone can use: their domain says nothing about an account.
PUBLIC_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.com",
        "zoho.com",
        "fastmail.com",
    }
)
_VIDEO = re.compile(
    r"https?://|www\.|\b(zoom|teams|meet\.google|google meet|webex|skype|whereby|"
    r"gotomeeting|jitsi|chime|bluejeans|video|online|virtual|phone|dial[- ]?in|call)\b",
    re.IGNORECASE,
)
_ROOM = re.compile(
    r"\b(room|raum|salle|sala|floor|etage|suite|desk|office|board ?room|building|bldg)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.])\d{1,5}(?:[-/]\d{1,5})?[a-z]?(?![\w.])", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{3,}")
_LEGAL = re.compile(
    r"inc|incorporated|corp|corporation|co|company|llc|ltd|limited|gmbh|ag|sa|sas|bv|nv|plc|"
    r"group|holding|holdings|the|and"
)  # words a company name carries that its domain leaves out


def meeting_kind(occurrence: Occurrence) -> TouchKind:
    """`visit` when the location reads like a street address (a house number beside a
    street or town name, or a map pin) and names no video link or call; else `meeting`."""
    location = occurrence.location
    if _VIDEO.search(location):
        return TouchKind.MEETING
    if occurrence.pinned and location:
        return TouchKind.VISIT
    for part in location.split(","):
        if _ROOM.search(part):
            continue
        if _NUMBER.search(part) and _WORD.search(part):
            return TouchKind.VISIT
    return TouchKind.MEETING


# -- who is who ----------------------------------------------------------------------


def _parents(domain: str) -> Iterable[str]:
    """``eu.acme.example`` -> itself, ``acme.example`` (never a bare top-level domain)."""
    labels = domain.split(".")
    for i in range(len(labels) - 1):
        yield ".".join(labels[i:])


def account_domains(account: Account) -> tuple[str, ...]:
    host = website_host(account.website) if account.website else ""
    return tuple(dict.fromkeys([*account.domains, *([host] if host else [])]))


class Directory:
    """Attendee addresses to accounts: a contact's e-mail first, then a domain."""

    def __init__(self, accounts: Sequence[Account]) -> None:
        self.by_email: dict[str, list[tuple[Account, str]]] = {}
        self.by_domain: dict[str, list[Account]] = {}
        for account in accounts:
            for contact in account.contacts:
                email = contact.email.strip().lower()
                if "@" in email:
                    self.by_email.setdefault(email, []).append((account, contact.name))
            for domain in account_domains(account):
                self.by_domain.setdefault(domain, []).append(account)

    def match(self, email: str, display: str) -> list[tuple[Account, str]]:
        """The accounts an address belongs to, each with the name to write in `with`.
        A domain listed by several accounts matches none of them (it cannot say which)."""
        if email in self.by_email:
            return list(self.by_email[email])
        for domain in _parents(email.rpartition("@")[2]):
            claimed = self.by_domain.get(domain)
            if claimed:
                return [(claimed[0], display or email)] if len(claimed) == 1 else []
        return []


# -- what one account gets -------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """One occurrence as one account sees it."""

    occurrence: Occurrence
    people: tuple[str, ...]  # the account's people attending (not declined)
    declined: tuple[str, ...]  # the account's people who declined


@dataclass(frozen=True)
class Row:
    """One line of the import report."""

    status: str  # logged booked moved cancelled present kept skipped error failed
    line: int | None
    day: date | None
    title: str
    account: Account | None = None
    kind: str = ""
    with_: str = ""
    reason: str = ""
    ref: str = ""


@dataclass
class Changes:
    """What one account gets from the calendar: the entries and a row for each event."""

    entries: list[Entry] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def short_id(key: str, others: Iterable[str]) -> str:
    """The shortest id (5 characters or more) that names ``key`` among ``others``."""
    rivals = [k for k in others if k != key]
    length = ID_LENGTH
    while length < len(key) and any(r.startswith(key[:length]) for r in rivals):
        length += 1
    return key[:length]


def _is_ours(o: Opened) -> bool:
    touch = o.opened_by
    return o.booked is not None and touch is not None and touch.ref.startswith(REF_PREFIX)


def _same_booking(o: Opened, occurrence: Occurrence, kind: TouchKind) -> bool:
    promise = o.opened_by.next if o.opened_by else None
    return (
        promise is not None
        and promise.due == occurrence.day
        and promise.booked is kind
        and promise.action == occurrence.title
    )


def _in_series(ref: str, uids: Iterable[str]) -> bool:
    return any(ref == f"{REF_PREFIX}{u}" or ref.startswith(f"{REF_PREFIX}{u}/") for u in uids)


def account_changes(
    account: Account,
    policy: Policy,
    today: date,
    now: datetime,
    seen: Sequence[Seen],
    calendar: CalendarFile,
    file_refs: frozenset[str],
    as_kind: TouchKind | None = None,
) -> Changes:
    """The entries the calendar adds to one account, and why each event does or does not
    add one. ``seen``: the occurrences with one of the account's people on them, in order;
    ``file_refs``: every occurrence the file holds (so a booking whose event is gone can
    be told from one that is only not the account's any more)."""
    out = Changes()
    walk = walk_history(account, policy, today)
    open_keys = [o.key for o in walk.open]
    bookings: dict[str, list[Opened]] = {}
    for o in walk.open:
        if _is_ours(o):
            assert o.opened_by is not None
            bookings.setdefault(o.opened_by.ref, []).append(o)
    handled: set[str] = set()
    held = {t.ref for t in account.history if t.ref and t.kind is not TouchKind.NOTE}
    held_on: dict[date, list[str]] = {}
    for t in account.history:
        if t.ref and t.kind is not TouchKind.NOTE:
            held_on.setdefault(t.date, []).append(t.ref)
    by_hand: Counter[tuple[date, TouchKind]] = Counter(
        (t.date, t.kind) for t in account.history if not t.ref and t.is_contact
    )

    def ids(found: Sequence[Opened]) -> tuple[str, ...]:
        return tuple(short_id(o.key, open_keys) for o in found)

    def row(status: str, s: Seen, **kw: Any) -> Row:
        occ = s.occurrence
        return Row(status, occ.line, occ.day, occ.title, account, ref=occ.ref, **kw)

    def logged_already(occ: Occurrence) -> bool:
        if occ.ref in held:
            return True
        prefix = f"{REF_PREFIX}{occ.uid}/"
        # a series meets once a day: one rewritten with other times brings nothing new
        return occ.series and any(r.startswith(prefix) for r in held_on.get(occ.day, ()))

    def kind_of(occ: Occurrence) -> TouchKind:
        return as_kind or meeting_kind(occ)

    def cancel(base: Row, found: list[Opened], why: str) -> None:
        """A note closing ``found`` (bookings of one event) as cancelled."""
        handled.add(base.ref)
        out.entries.append(
            Entry(
                today,
                TouchKind.NOTE,
                summary=f"{why}: {base.title}",
                cancelled=ids(found),
                ref=base.ref,
            )
        )
        out.rows.append(replace(base, status="cancelled", reason=why[:1].lower() + why[1:]))

    past = [s for s in seen if s.occurrence.end <= now]
    ahead = [s for s in seen if s.occurrence.end > now]
    # 1. The past: each meeting held is logged once; a booking of one that was not, ends.
    fresh: list[Seen] = []
    for s in past:
        occ = s.occurrence
        reason = _why_not(s)
        if reason is not None:
            found = bookings.get(occ.ref, [])
            if found and occ.ref not in handled:
                cancel(row("", s), found, reason[0])
            else:
                out.rows.append(row("skipped", s, reason=reason[1]))
        elif logged_already(occ):
            handled.add(occ.ref)
            out.rows.append(row("present", s, kind=kind_of(occ).value, reason="already logged"))
        else:
            fresh.append(s)
    for s in fresh:  # after every ref was seen: a hand-logged entry stands for one meeting
        occ = s.occurrence
        kind = kind_of(occ)
        like = FACE_TO_FACE_KINDS if kind in FACE_TO_FACE_KINDS else frozenset({kind})
        hand = next((k for k in sorted(like) if by_hand[(occ.day, k)] > 0), None)
        if hand is not None and occ.ref not in bookings:
            by_hand[(occ.day, hand)] -= 1
            why = f"a {hand.value} logged by hand that day"
            out.rows.append(row("present", s, kind=kind.value, reason=why))
            continue
        if logged_already(occ):  # a series' second meeting on one day
            out.rows.append(row("present", s, kind=kind.value, reason="already logged that day"))
            continue
        found = bookings.get(occ.ref, [])
        handled.add(occ.ref)
        who = ", ".join(s.people)
        # the entry closes its booking by id, unless it happened before it was booked (the
        # calendar moved it back): the walk meets the entry first, so a note ends that one
        later = [o for o in found if o.opened_by and o.opened_by.date > occ.day]
        closes = [o for o in found if o not in later]
        out.entries.append(
            Entry(occ.day, kind, with_=who, summary=occ.title, done=ids(closes), ref=occ.ref)
        )
        if later:
            out.entries.append(
                Entry(
                    today,
                    TouchKind.NOTE,
                    summary=f"Held on {occ.day.isoformat()}, before its booked day: {occ.title}",
                    cancelled=ids(later),
                    ref=occ.ref,
                )
            )
        held.add(occ.ref)
        held_on.setdefault(occ.day, []).append(occ.ref)
        out.rows.append(row("logged", s, kind=kind.value, with_=who))
    # 2. Ahead: every single meeting and the next one of each series are booked.
    booked_series: set[str] = set()
    for s in ahead:
        occ = s.occurrence
        found = bookings.get(occ.ref, [])
        reason = _why_not(s)
        if reason is not None:
            if found:
                cancel(row("", s), found, reason[0])
            elif not (occ.series and occ.uid in booked_series):
                out.rows.append(row("skipped", s, reason=reason[1]))
            continue
        kind = kind_of(occ)
        if occ.ref in held:  # logged when it was over, then moved ahead: not new
            handled.add(occ.ref)
            out.rows.append(row("present", s, kind=kind.value, reason="already logged"))
            continue
        if any(_same_booking(o, occ, kind) for o in found):
            handled.add(occ.ref)
            booked_series.add(occ.uid)
            out.rows.append(row("present", s, kind=kind.value, reason="already booked"))
            continue
        if occ.series and occ.uid in booked_series and not found:
            continue  # a series' later meetings are booked one at a time
        handled.add(occ.ref)
        booked_series.add(occ.uid)
        who = ", ".join(s.people)
        promise = NextAction(occ.day, occ.title, kind)
        if found:
            was = [o.opened_by.next.due for o in found if o.opened_by and o.opened_by.next]
            what = (
                "Moved in the calendar"
                if any(d != occ.day for d in was)
                else "Changed in the calendar"
            )
            summary = f"{what}: {occ.title}"
            out.rows.append(row("moved", s, kind=kind.value, with_=who, reason=what.lower()))
        else:
            summary = f"Booked in the calendar: {occ.title}"
            out.rows.append(row("booked", s, kind=kind.value, with_=who))
        out.entries.append(
            Entry(
                today,
                TouchKind.NOTE,
                with_=who,
                summary=summary,
                next=promise,
                cancelled=ids(found),
                ref=occ.ref,
            )
        )
    # 3. The bookings no occurrence above accounted for.
    for ref, found in bookings.items():
        if ref in handled:
            continue
        booking = found[0].opened_by.next if found[0].opened_by else None
        day = booking.due if booking else found[0].raw_due
        title = booking.action if booking else found[0].action
        gone = Row("", None, day, title, account, ref=ref)
        if ref in file_refs:
            cancel(gone, found, f"Nobody from {account.name} attends any more")
        elif _in_series(ref, calendar.bad_uids):
            out.rows.append(replace(gone, status="kept", reason="its event could not be read"))
        elif calendar.first and calendar.last and calendar.first <= day <= calendar.last:
            cancel(gone, found, "No longer in the calendar")
        else:
            span = (
                f"its events run from {calendar.first} to {calendar.last}"
                if calendar.first
                else "it has no events"
            )
            out.rows.append(replace(gone, status="kept", reason=f"not in this calendar ({span})"))
    return out


def _why_not(s: Seen) -> tuple[str, str] | None:
    """(what a cancelling note says, the reason shown) when the occurrence does not count
    for the account: cancelled, or declined by every one of its people."""
    if s.occurrence.cancelled:
        return "Cancelled in the calendar", "cancelled in the calendar"
    if not s.people:
        who = ", ".join(s.declined)
        return f"Declined by {who} in the calendar", f"declined by {who}"
    return None


# -- attendees nobody knows ------------------------------------------------------------


@dataclass
class Stranger:
    """Attendees of one domain (or one address at a public mail provider) that match no
    account, and the account they most likely belong to."""

    domain: str
    address: str  # set for a public mail provider, where only the address says anything
    people: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    seen_with: Counter[str] = field(default_factory=Counter)  # slug -> events together


def _name_key(name: str) -> str:
    return "".join(w for w in slugify(name).split("-") if not _LEGAL.fullmatch(w))


def _labels(domain: str) -> list[str]:
    """The telling labels of a domain: not the top level, not a generic one."""
    generic = {"co", "com", "org", "net", "mail", "email", "www", "ac", "gov", "edu"}
    return [re.sub(r"[^a-z0-9]", "", x) for x in domain.split(".")[:-1] if x not in generic]


class Guesser:
    """Which account a stranger most likely belongs to, from what the book says."""

    def __init__(self, accounts: Sequence[Account]) -> None:
        self.by_slug = {a.slug: a for a in accounts}
        self.at_domain: dict[str, Counter[str]] = {}  # a domain -> accounts with people there
        for a in accounts:
            for c in a.contacts:
                for parent in _parents(c.email.rpartition("@")[2].strip().lower()):
                    self.at_domain.setdefault(parent, Counter())[a.slug] += 1
        self.names = [(key, a.slug) for a in accounts if (key := _name_key(a.name))]

    def likely(self, stranger: Stranger) -> tuple[Account, str] | None:
        """The account and why: its contacts' addresses are at (or under) that domain,
        else its name is the domain's, else they met most often (a tie says nothing)."""
        if not stranger.address:
            for domain in _parents(stranger.domain):
                at = self.at_domain.get(domain)
                if at and domain not in PUBLIC_MAIL:
                    slug, _n = max(at.items(), key=lambda kv: (kv[1], kv[0]))
                    return self.by_slug[slug], "its contacts' addresses are at this domain"
            best: tuple[bool, int, str] | None = None  # the same name first, then longest
            for label in _labels(stranger.domain):
                for key, slug in self.names:
                    fits = label == key or (
                        min(len(label), len(key)) >= 4
                        and (label.startswith(key) or key.startswith(label))
                    )
                    if fits and (best is None or (label == key, len(key), slug) > best):
                        best = (label == key, len(key), slug)
            if best is not None:
                return self.by_slug[best[2]], "its name matches the domain"
        ranked = stranger.seen_with.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            slug, n = ranked[0]
            return self.by_slug[slug], f"met with its people in {n} event{'s' if n != 1 else ''}"
        return None


# -- the whole import --------------------------------------------------------------------


@dataclass
class ImportReport:
    """What `import FILE.ics` did (or, dry run, would do), event by event."""

    file: str
    dry_run: bool
    today: date
    since: date | None
    as_kind: TouchKind | None
    rows: list[Row] = field(default_factory=list)
    bad: list[BadEvent] = field(default_factory=list)
    strangers: list[tuple[Stranger, tuple[Account, str] | None, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # file, why

    @property
    def problems(self) -> bool:
        """Exit 1: an event could not be read, or an account file not written."""
        return bool(self.bad or self.failed)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for r in self.rows:
            counts[r.status] += 1
        counts["error"] = len(self.bad)
        return {shown_status(k, self.dry_run): v for k, v in counts.items()}

    def to_json(self) -> dict[str, Any]:
        """`import FILE.ics --format json` (the keys are documented in the README)."""
        rows = [
            {
                "line": r.line,
                "date": r.day.isoformat() if r.day else None,
                "event": r.title,
                "account": r.account.slug if r.account else None,
                "name": r.account.name if r.account else None,
                "file": r.account.file if r.account else None,
                "status": shown_status(r.status, self.dry_run),
                "kind": r.kind or None,
                "with": r.with_ or None,
                "reason": r.reason or None,
                "ref": r.ref or None,
            }
            for r in self.rows
        ]
        rows += [
            {
                "line": b.line,
                "date": None,
                "event": b.title,
                "account": None,
                "name": None,
                "file": None,
                "status": "error",
                "kind": None,
                "with": None,
                "reason": b.message,
                "ref": f"{REF_PREFIX}{b.uid}" if b.uid else None,
            }
            for b in self.bad
        ]
        rows.sort(key=lambda r: (r["date"] or "", r["line"] or 0, r["name"] or ""))
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "date": self.today.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "as": self.as_kind.value if self.as_kind else None,
            "counts": self.counts(),
            "events": rows,
            "unmatched": [
                {
                    "domain": s.domain,
                    "address": s.address or None,
                    "people": len(s.people),
                    "events": len(s.events),
                    "likely": _likely_record(likely),
                    "fix": fix,
                }
                for s, likely, fix in self.strangers
            ],
            "failed": [{"file": f, "reason": why} for f, why in self.failed],
        }


def _likely_record(likely: tuple[Account, str] | None) -> dict[str, str] | None:
    if likely is None:
        return None
    account, why = likely
    return {"account": account.slug, "name": account.name, "file": account.file, "why": why}


STATUSES = (
    "logged",
    "booked",
    "moved",
    "cancelled",
    "present",
    "kept",
    "skipped",
    "error",
    "failed",
)
_DRY = {
    "logged": "would-log",
    "booked": "would-book",
    "moved": "would-move",
    "cancelled": "would-cancel",
}


def shown_status(status: str, dry_run: bool) -> str:
    return _DRY.get(status, status) if dry_run else status


def _ours(address: str, own: frozenset[str]) -> bool:
    """An address of the rep's company: one of ``own`` (addresses), or at (or under) the
    domain of one, unless that domain is a public mail provider's."""
    if address in own:
        return True
    return any(p in own and p not in PUBLIC_MAIL for p in _parents(address.rpartition("@")[2]))


def import_calendar(
    root: Path,
    data: bytes,
    name: str,
    accounts: Sequence[Account],
    policy: Policy,
    *,
    today: date,
    now: datetime,
    local: tzinfo,
    since: date | None = None,
    as_kind: TouchKind | None = None,
    own: Iterable[str] = (),
    dry_run: bool = False,
) -> ImportReport:
    """Read the calendar, work out every account's entries, and (unless ``dry_run``)
    append them, one verified atomic write per account. ``now`` says which meetings are
    over; ``own`` holds the rep's company's addresses (left out of the strangers)."""
    if as_kind is not None and as_kind not in BOOKABLE_KINDS:
        raise TouchplanError(f"--as {as_kind.value}: not a kind a meeting can be logged as")
    calendar = read_calendar(
        data, name, since=since, until=today + timedelta(days=HORIZON), local=local
    )
    report = ImportReport(name, dry_run, today, since, as_kind, bad=list(calendar.bad))
    # the rep's company: the team's addresses and the calendar's own, and their domains
    addresses = [a.strip().lower() for a in [*own, calendar.owner] if "@" in a]
    ours = frozenset(addresses + [a.rpartition("@")[2] for a in addresses])
    directory = Directory(accounts)
    guesser = Guesser(accounts)
    file_refs = frozenset(o.ref for o in calendar.occurrences)
    seen: dict[str, list[Seen]] = {}
    strangers: dict[tuple[str, str], Stranger] = {}
    for occ in calendar.occurrences:
        people: dict[str, tuple[list[str], list[str]]] = {}
        unknown: list[tuple[str, str, str]] = []
        for attendee in occ.attendees:
            found = directory.match(attendee.email, attendee.name)
            if not found and not _ours(attendee.email, ours):
                domain = attendee.email.rpartition("@")[2]
                public = attendee.email if domain in PUBLIC_MAIL else ""
                unknown.append((domain, public, attendee.email))
            for account, who in found:
                going, declined = people.setdefault(account.slug, ([], []))
                (declined if attendee.declined else going).append(who)
        for domain, address, email in unknown:
            stranger = strangers.setdefault((domain, address), Stranger(domain, address))
            stranger.people.add(email)
            stranger.events.add(occ.uid)
            for slug in people:
                stranger.seen_with[slug] += 1
        if not people:
            reason = "no customer among its attendees" if occ.attendees else "no attendees"
            report.rows.append(
                Row("skipped", occ.line, occ.day, occ.title, reason=reason, ref=occ.ref)
            )
        for slug, (going, declined) in people.items():
            seen.setdefault(slug, []).append(
                Seen(occ, tuple(dict.fromkeys(going)), tuple(dict.fromkeys(declined)))
            )
    planned: list[tuple[Account, Changes]] = []
    for account in accounts:
        booked_here = any(
            t.ref.startswith(REF_PREFIX) and t.next is not None for t in account.history
        )
        if account.slug not in seen and not booked_here:
            continue
        changes = account_changes(
            account,
            policy,
            today,
            now,
            seen.get(account.slug, []),
            calendar,
            file_refs,
            as_kind,
        )
        planned.append((account, changes))
    failures = {} if dry_run else _write_all(root, [(a, c.entries) for a, c in planned])
    for account, changes in planned:
        failure = failures.get(account.file)
        if failure:
            report.failed.append((account.file, failure))
            changes.rows = [
                replace(r, status="failed", reason=failure)
                if r.status in ("logged", "booked", "moved", "cancelled")
                else r
                for r in changes.rows
            ]
        report.rows.extend(changes.rows)
    report.rows.sort(
        key=lambda r: (r.day or date.min, r.line or 0, r.account.name if r.account else "")
    )
    for stranger in sorted(strangers.values(), key=lambda s: (-len(s.events), s.domain, s.address)):
        likely = guesser.likely(stranger)
        claimed = directory.by_domain.get(stranger.domain, [])
        if len(claimed) > 1:
            fix = (
                "listed under `domains:` by "
                + " and ".join(a.file for a in claimed)
                + ": keep it in one"
            )
        elif stranger.address:
            fix = (
                f"add {stranger.address} as a contact's email in {likely[0].file}"
                if likely
                else f"add {stranger.address} as a contact's email in its account"
            )
        else:
            fix = (
                f"add `domains: [{stranger.domain}]` to {likely[0].file}"
                if likely
                else f"add `domains: [{stranger.domain}]` to the account it belongs to"
            )
        report.strangers.append((stranger, likely, fix))
    return report


def _write_all(root: Path, work: Sequence[tuple[Account, Sequence[Entry]]]) -> dict[str, str]:
    """Append each account's entries, if its file is still what they were worked out
    from, in one batch of verified atomic writes; why not, per file (nothing was written
    to those)."""
    failures: dict[str, str] = {}
    edits: list[tuple[Path, Edit]] = []
    files: list[str] = []
    for planned, entries in work:
        if not entries:
            continue
        path = root / planned.file
        try:
            data = path.read_bytes()
        except OSError as exc:
            failures[planned.file] = f"cannot read it: {exc.strerror}"
            continue
        doc, problems = parse(data, planned.file)
        current = account_from_document(doc, planned.slug, planned.file, problems) if doc else None
        if doc is None or current != planned:
            failures[planned.file] = (
                "the file changed while importing; nothing was written to it, run it again"
            )
            continue
        edits.append((path, entries_edit(entries, based_on=doc.text)))
        files.append(planned.file)
    for file, error in zip(files, apply_batch(root, edits), strict=True):
        if error is not None:
            failures[file] = str(error)
    return failures
