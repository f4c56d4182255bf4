"""Reading an iCalendar file (RFC 5545) into the meetings it holds, each located in it.

``icalendar`` parses the file (folded lines, Windows and IANA time-zone names, a
VTIMEZONE of the file's own); ``recurring-ical-events`` expands repeating events
(RRULE, RDATE, EXDATE, occurrences moved or cancelled through RECURRENCE-ID). What this
module adds is what an import needs and neither library gives: the line of every event,
a check of each event before it is trusted (a start, a UID, time zones that exist), and
one meaning for "the day" of a meeting.

A file whose structure is broken (a BEGIN without its END: usually a file cut short) is
refused whole: the import could not tell a deleted event from one it failed to read.
A malformed event is skipped with a located message, together with every other part of
its series (a moved occurrence without its series would land on the wrong day).
Pure: bytes in, occurrences out; the window and the time zone are parameters. The
libraries load when a calendar is read, so telling a calendar from a CSV file is cheap.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from touchplan.errors import TouchplanError
from touchplan.text import one_line

_BREAK = re.compile(r"\r\n|\n|\r")
_NAME = re.compile(r"[A-Za-z0-9-]+")
# Properties an occurrence is made of: a parse error in any of them, or in a line that
# names none, makes the event untrustworthy. Errors elsewhere (a broken DESCRIPTION)
# are ignored.
_NEEDED = frozenset(
    {
        "UID",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "STATUS",
        "SUMMARY",
        "LOCATION",
        "ATTENDEE",
        "ORGANIZER",
    }
)
_TIMED = ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE")
MAX_OCCURRENCES = 10_000  # per series in the window: a runaway rule is refused, not run
EARLIEST = date(1970, 1, 1)  # without --since, the window starts here
UNTITLED = "(untitled event)"


class CalendarFileError(TouchplanError):
    """The file cannot be read as a whole (nothing is imported from it)."""


@dataclass(frozen=True)
class Attendee:
    email: str  # lower case
    name: str  # the display name (CN), or ""
    declined: bool


@dataclass(frozen=True)
class Occurrence:
    """One meeting on one day: a single event, or one occurrence of a series."""

    uid: str
    ref: str  # "ics:UID", or "ics:UID/<its RECURRENCE-ID or start>" in a series
    series: bool
    title: str
    day: date  # the rep's day (see read_calendar)
    start: datetime  # for ordering the day's meetings
    end: datetime  # aware: when it is over
    location: str
    pinned: bool  # a map location (GEO, Apple's structured location) was given
    cancelled: bool
    attendees: tuple[Attendee, ...]
    line: int  # where its VEVENT begins (the moved occurrence's own one, if moved)


@dataclass(frozen=True)
class BadEvent:
    """An event left out, and why: ``meetings.ics:42: event 'Sync' (UID x): ...``."""

    file: str
    line: int
    uid: str
    title: str
    message: str

    def __str__(self) -> str:
        what = f"event {self.title!r}" + (f" (UID {self.uid})" if self.uid else "")
        return f"{self.file}:{self.line}: {what}: {self.message}"


@dataclass(frozen=True)
class CalendarFile:
    occurrences: tuple[Occurrence, ...]  # in the window, by day, start and line
    bad: tuple[BadEvent, ...]
    bad_uids: frozenset[str]  # series skipped as a whole (their bookings are left alone)
    first: date | None  # the days the file's events span within the window
    last: date | None
    owner: str  # the calendar's own address when its name is one (Google names it so)


# -- bytes, detection and structure ---------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 (old Outlook)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def is_icalendar(head: bytes) -> bool:
    """Whether a file's first bytes open an iCalendar file (whatever its name)."""
    return decode(head).lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VCALENDAR")


@dataclass
class _Block:
    """A VEVENT as the text has it: where it begins and where each property is."""

    begin: int
    props: dict[str, int]  # property name -> its first line


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Unfolded content lines with the number of the physical line each starts on."""
    start, parts = 0, list[str]()
    for number, line in enumerate(_BREAK.split(text), 1):
        if line[:1] in (" ", "\t") and parts:
            parts.append(line[1:])
            continue
        if parts:
            yield start, "".join(parts)
        start, parts = number, [line]
    if parts:
        yield start, "".join(parts)


def _structure(text: str, name: str) -> list[_Block]:
    """Every VEVENT block, in order; a BEGIN/END mismatch refuses the file."""
    stack: list[tuple[str, int]] = []
    blocks: list[_Block] = []
    for number, line in _logical_lines(text):
        match = _NAME.match(line)
        if match is None:
            continue
        prop = match.group().upper()
        if prop not in ("BEGIN", "END"):
            if blocks and stack and stack[-1][0] == "VEVENT":
                # a line that is no `NAME:value` is filed under "" (see _problem)
                blocks[-1].props.setdefault(prop if ":" in line else "", number)
            continue
        value = line[match.end() :].partition(":")[2].strip().upper()
        if prop == "BEGIN":
            stack.append((value, number))
            if value == "VEVENT":
                blocks.append(_Block(number, {}))
            continue
        if not stack or stack[-1][0] != value:
            opened = f"BEGIN:{stack[-1][0]} of line {stack[-1][1]}" if stack else "no BEGIN"
            raise CalendarFileError(
                f"{name}:{number}: END:{value} does not close {opened}",
                "the file is damaged; export the calendar again",
            )
        stack.pop()
    if stack:
        what, number = stack[-1]
        raise CalendarFileError(
            f"{name}:{number}: BEGIN:{what} is never closed: the file looks cut short",
            "export the calendar again; nothing was imported",
        )
    return blocks


# -- one event --------------------------------------------------------------------------


def _values(component: Any, name: str) -> list[Any]:
    value = component.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _unknown_zone(component: Any) -> tuple[str, str] | None:
    """(property, zone) when a TZID names a zone neither library knows: its times were
    read without one, and the meeting could land on the wrong day."""
    for name in _TIMED:
        for prop in _values(component, name):
            zone = prop.params.get("TZID") if hasattr(prop, "params") else None
            if not zone:
                continue
            times = (
                [d.dt for d in prop.dts] if hasattr(prop, "dts") else [getattr(prop, "dt", None)]
            )
            if any(isinstance(t, datetime) and t.tzinfo is None for t in times):
                return name, str(zone)
    return None


def _problem(component: Any) -> tuple[str, str] | None:
    """(property, what is wrong) for an event that cannot be trusted, else None."""
    for prop, message in getattr(component, "errors", None) or ():
        name = str(prop).upper() if prop else ""
        if not name:
            return "", f"has a line that is not iCalendar `NAME:value` ({message})"
        if name in _NEEDED:
            return name, f"{name} cannot be read ({message})"
    if not str(component.get("UID", "")).strip():
        return "", "has no UID, so a second import could not tell it was already imported"
    if "DTSTART" not in component:
        return "", "has no start (DTSTART)"
    start = component.decoded("DTSTART")
    if not isinstance(start, date):
        return "DTSTART", "DTSTART is neither a date nor a date and time"
    unknown = _unknown_zone(component)
    if unknown is not None:
        name, zone = unknown
        return name, f"unknown time zone {zone!r} (neither an IANA nor a Windows name)"
    if "DTEND" in component:
        end = component.decoded("DTEND")
        if not isinstance(end, date) or type(end) is not type(start):
            return "DTEND", "DTEND is not of the same type as DTSTART"
        if _as_datetime(end, None) < _as_datetime(start, None):
            return "DTEND", "ends before it starts"
    return None


def _as_datetime(value: date, zone: tzinfo | None) -> datetime:
    """A comparable instant: a date is its midnight; a floating time is in ``zone``."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone or ZoneInfo("UTC"))
    return value


def _stamp(value: date) -> str:
    """An occurrence id: UTC for a time with a zone, as written for a floating time."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
        return value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def _address(prop: Any) -> str:
    """The e-mail of an ATTENDEE/ORGANIZER: its EMAIL parameter (Apple), else mailto:."""
    email = str(prop.params.get("EMAIL", "") or "").strip()
    if not email:
        value = str(prop).strip()
        email = value[7:] if value.lower().startswith("mailto:") else value
    email = email.strip().strip("<>").lower()
    return email if "@" in email and " " not in email else ""


def _attendees(component: Any) -> tuple[Attendee, ...]:
    seen: dict[str, Attendee] = {}
    for prop in _values(component, "ORGANIZER") + _values(component, "ATTENDEE"):
        email = _address(prop)
        if not email:
            continue
        name = one_line(str(prop.params.get("CN", "") or "")).strip('"')
        declined = str(prop.params.get("PARTSTAT", "")).upper() == "DECLINED"
        known = seen.get(email)
        # the ATTENDEE line says whether they declined (the ORGANIZER one never does)
        seen[email] = Attendee(email, (known.name if known else "") or name, declined)
    return tuple(seen.values())


# -- the file ----------------------------------------------------------------------------


def _zone_of(calendar: Any, local: tzinfo) -> tzinfo:
    """The rep's zone: the calendar's own (X-WR-TIMEZONE, as Google writes it), else the
    computer's."""
    name = str(calendar.get("X-WR-TIMEZONE", "") or "").strip()
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return local


def read_calendar(
    data: bytes, name: str, *, since: date | None, until: date, local: tzinfo
) -> CalendarFile:
    """Every occurrence on the days ``since`` (or 1970) to ``until``, each placed on the
    rep's day: a time with a zone is converted to the calendar's zone (X-WR-TIMEZONE),
    else to ``local``; a floating time or an all-day event keeps its own date."""
    import icalendar  # here, not at the top: `import` of a CSV file never loads it

    text = decode(data)
    body = text.lstrip("\ufeff \t\r\n")  # what `is_icalendar` allows before BEGIN
    text = "".join(_BREAK.findall(text[: len(text) - len(body)])) + body  # lines kept
    blocks = _structure(text, name)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # the library raises several kinds for unreadable text
        raise CalendarFileError(f"{name}: not a readable iCalendar file: {exc}") from None
    events = [(cal, ev) for cal in calendars for ev in cal.walk("VEVENT")]
    if len(events) != len(blocks):
        raise CalendarFileError(
            f"{name}: {len(blocks)} events in the text but {len(events)} could be read",
            "the file is damaged; export the calendar again",
        )
    bad: list[BadEvent] = []
    groups: dict[str, list[tuple[Any, Any, _Block]]] = {}
    for (cal, ev), block in zip(events, blocks, strict=True):
        uid = str(ev.get("UID", "")).strip()
        problem = _problem(ev)
        if problem is not None:
            prop, message = problem
            line = block.props.get(prop, block.begin)
            bad.append(BadEvent(name, line, uid, _title(ev), message))
        groups.setdefault(uid, []).append((cal, ev, block))
    bad_uids = {b.uid for b in bad if b.uid}
    occurrences: list[Occurrence] = []
    start = since or EARLIEST
    for uid, parts in groups.items():
        if not uid:
            continue
        cal = parts[0][0]
        if uid in bad_uids:
            if len(parts) > 1:
                first = next(b for b in bad if b.uid == uid)
                bad[bad.index(first)] = BadEvent(
                    first.file,
                    first.line,
                    first.uid,
                    first.title,
                    f"{first.message} (its {len(parts)} parts are all skipped)",
                )
            continue
        masters = [(ev, block) for _c, ev, block in parts if "RECURRENCE-ID" not in ev]
        if len(masters) > 1:
            ev, block = masters[1]
            again = f"has the UID of the event of line {masters[0][1].begin}; both are skipped"
            bad.append(BadEvent(name, block.begin, uid, _title(ev), again))
            bad_uids.add(uid)
            continue
        try:
            found = list(_expand(uid, parts, start, until, _zone_of(cal, local)))
        except Exception as exc:  # a runaway rule, or the library's: a bad rule, bad periods
            why = str(exc) if isinstance(exc, _Runaway) else f"cannot expand it: {exc}"
            bad.append(BadEvent(name, parts[0][2].begin, uid, _title(parts[0][1]), why))
            bad_uids.add(uid)
            continue
        occurrences.extend(found)
    occurrences.sort(key=lambda o: (o.day, o.start, o.line, o.ref))
    days = [o.day for o in occurrences]
    bad.sort(key=lambda b: b.line)
    names = (str(cal.get("X-WR-CALNAME", "") or "").strip().lower() for cal in calendars)
    return CalendarFile(
        tuple(occurrences),
        tuple(bad),
        frozenset(bad_uids),
        min(days) if days else None,
        max(days) if days else None,
        next((n for n in names if "@" in n and " " not in n), ""),
    )


def _title(component: Any) -> str:
    return one_line(str(component.get("SUMMARY", "") or "")) or UNTITLED


class _Runaway(Exception):
    """A series with more occurrences in the window than any meeting series has."""


def _expand(
    uid: str, parts: list[tuple[Any, Any, _Block]], start: date, until: date, zone: tzinfo
) -> Iterator[Occurrence]:
    """The occurrences of one event (a series: its master and its moved occurrences)."""
    import icalendar
    import recurring_ical_events

    calendar, first = parts[0][0], parts[0][1]
    series = len(parts) > 1 or any("RRULE" in ev or "RDATE" in ev for _c, ev, _b in parts)
    if not series:  # one meeting: nothing to expand
        occurrence = _occurrence(uid, first, False, zone, {}, parts[0][2].begin)
        if start <= occurrence.day <= until:
            yield occurrence
        return
    mini = icalendar.Calendar()
    if "X-WR-TIMEZONE" in calendar:  # the library reads UTC times in the calendar's zone
        mini.add("X-WR-TIMEZONE", calendar["X-WR-TIMEZONE"])
    lines: dict[str, int] = {}
    master_line = parts[0][2].begin
    for _c, ev, block in parts:
        mini.add_component(ev)
        if "RECURRENCE-ID" in ev:
            lines[_stamp(ev.decoded("RECURRENCE-ID"))] = block.begin
        else:
            master_line = block.begin
    count = 0
    # a day of margin each side: the window is in the rep's days, the query in the file's
    # (a datetime: the library steps through time in hours, which a date cannot hold)
    earliest = datetime.combine(start - timedelta(days=1), time())
    for component in recurring_ical_events.of(mini).after(earliest):
        occurrence = _occurrence(uid, component, series, zone, lines, master_line)
        if occurrence.day > until:
            if occurrence.start.date() > until + timedelta(days=1):
                break
            continue
        if occurrence.day < start:
            continue
        count += 1
        if count > MAX_OCCURRENCES:
            raise _Runaway(
                f"repeats more than {MAX_OCCURRENCES:,} times in the window; "
                "import with a later --since"
            )
        yield occurrence


def _occurrence(
    uid: str, c: Any, series: bool, zone: tzinfo, lines: dict[str, int], master_line: int
) -> Occurrence:
    begin = c.decoded("DTSTART")
    if "DTEND" in c:
        end = c.decoded("DTEND")
    elif "DURATION" in c:
        end = begin + c.decoded("DURATION")
    else:
        end = begin if isinstance(begin, datetime) else begin + timedelta(days=1)
    if isinstance(begin, datetime) and begin.tzinfo is not None:
        day = begin.astimezone(zone).date()
    else:
        day = begin if not isinstance(begin, datetime) else begin.date()
    rid = _stamp(c.decoded("RECURRENCE-ID") if "RECURRENCE-ID" in c else begin)
    return Occurrence(
        uid=uid,
        ref=f"ics:{uid}/{rid}" if series else f"ics:{uid}",
        series=series,
        title=_title(c),
        day=day,
        start=_as_datetime(begin, zone),
        end=_as_datetime(end, zone),
        location=one_line(str(c.get("LOCATION", "") or "")),
        pinned="GEO" in c or "X-APPLE-STRUCTURED-LOCATION" in c,
        cancelled=str(c.get("STATUS", "")).strip().upper() == "CANCELLED",
        attendees=_attendees(c),
        line=lines.get(rid, master_line),
    )
