"""The week plan as an iCalendar file (RFC 5545), built with the ``icalendar`` library.

One all-day VEVENT per planned item. Events rather than VTODOs because every calendar
program shows events on their day, while to-dos are ignored by Google Calendar's import
and shown apart from the calendar by most others; an all-day event marked TRANSPARENT
sits on the day without blocking it as busy.

UIDs name the item, not the day it is planned for (account slug, item kind, the rule
that made it and the date of the entry that triggered it), so exporting again after
the plan moved updates the same events in the calendar instead of adding copies.
Pure but for `write_calendar`: the plan, the accounts and the time stamp come in,
bytes go out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from touchplan.errors import TouchplanError, UsageError
from touchplan.files.edit import write_atomic
from touchplan.model import EVERYONE, Account, Item, ItemKind
from touchplan.planning.people import ask_for
from touchplan.planning.week import WeekPlan
from touchplan.text import for_display, slugify

PRODID = "-//touchplan//touch plan export//EN"
UID_DOMAIN = "touchplan"
# Items whose rule can open several at once from one entry date: their own text
# (the promised action, the problem, whose birthday) tells them apart.
_TEXT_KEYED = frozenset({ItemKind.FOLLOW_UP, ItemKind.PROBLEM, ItemKind.BIRTHDAY})
# The renewal reminder pops up at 08:00 on the planned day (all-day events start at
# midnight, local time).
RENEWAL_ALARM = timedelta(hours=8)
AGAIN_SHOWN = 5


def real_dates(account: Account) -> frozenset[date]:
    """Dates that come from the file itself, not from a touch the plan only foresees."""
    dates = {t.date for t in account.history}
    if account.since:
        dates.add(account.since)
    return frozenset(dates)


def item_key(item: Item) -> str:
    """What an item is, without when: account, kind, the rule that made it."""
    parts = [item.account, item.kind.value, slugify(item.source) or "-"]
    if item.kind in _TEXT_KEYED:
        parts.append(hashlib.sha256(item.action.encode()).hexdigest()[:10])
    return ".".join(parts)


@dataclass(frozen=True)
class PlannedItem:
    """One item of a planned call, on its day."""

    item: Item
    day: date
    carried_from: date | None


def planned_items(plan: WeekPlan) -> list[PlannedItem]:
    """Every item the week plan's calls carry, day by day."""
    return [
        PlannedItem(item, p.day, p.carried_from)
        for p in plan.planned
        for item in p.call.items + p.call.early
    ]


@dataclass(frozen=True)
class CalendarItem:
    planned: PlannedItem  # the first day it is planned
    uid: str
    again: tuple[date, ...]  # later days the plan repeats it on


def calendar_items(plan: WeekPlan, accounts: Mapping[str, Account]) -> list[CalendarItem]:
    """Each item once, on the first day it is planned, under a UID that outlives the run.

    The UID is the item's key plus the date of the entry that triggered it. A renewal's
    trigger is the start of its window. An item triggered by a touch the plan only
    foresees (the check-in after the one planned today) has no such date: it is
    numbered instead, the 1st, 2nd... repeat of its key, which is the same on the next
    run as long as the file did not change. `plan_week` plans an item again on later
    days when doing it does not close it (an open problem every two days, a renewal
    until it is logged): one UID is one event, so it stands on its first day and the
    description lists the others.
    """
    found: dict[str, tuple[PlannedItem, list[date]]] = {}
    numbered: dict[tuple[str, date | None], str] = {}
    repeats: dict[str, int] = {}
    real: dict[str, frozenset[date]] = {}
    for planned in planned_items(plan):
        item = planned.item
        key = item_key(item)
        if item.account not in real:
            real[item.account] = real_dates(accounts[item.account])
        trigger = item.trigger
        if item.kind is ItemKind.RENEWAL or (trigger and trigger in real[item.account]):
            uid = f"{key}.{trigger.isoformat() if trigger else '-'}@{UID_DOMAIN}"
        else:
            if (key, trigger) not in numbered:
                repeats[key] = repeats.get(key, 0) + 1
                numbered[key, trigger] = f"{key}.next-{repeats[key]}@{UID_DOMAIN}"
            uid = numbered[key, trigger]
        if uid in found:
            found[uid][1].append(planned.day)
        else:
            found[uid] = (planned, [])
    return [CalendarItem(p, uid, tuple(again)) for uid, (p, again) in found.items()]


def _clean(value: str) -> str:
    # RFC 5545 TEXT may not hold control characters; show them instead of dropping data
    return for_display(value)


def item_summary(item: Item, account: Account) -> str:
    return _clean(f"{account.name}: {item.action}")


def item_description(planned: PlannedItem, account: Account, later: Sequence[date]) -> str:
    item = planned.item
    lines = [f"{item.kind.value}: {item.action}"]
    contact = ask_for(item, account)
    if contact is not None:
        lines.append(f"Ask for: {contact.name}" + (f" ({contact.role})" if contact.role else ""))
        if contact.phone:
            lines.append(f"Phone: {contact.phone}")
        if contact.email:
            lines.append(f"Email: {contact.email}")
    if item.reasons:
        lines.append("Why:")
        lines.extend(f"- {reason}" for reason in item.reasons)
    last = account.last_touch()
    if last is not None:
        said = f": {last.summary.strip()}" if last.summary.strip() else ""
        lines.append(f"Last touch: {last.date.isoformat()} {last.kind.value}{said}")
    due = f"due {item.due.isoformat()}"
    if planned.carried_from:
        due += f", carried over from {planned.carried_from.isoformat()}"
    owner = f", owner {account.owner}" if account.owner else ""
    lines.append(f"Tier {account.tier.value}{owner}; {due}")
    if later:
        shown = ", ".join(d.isoformat() for d in later[:AGAIN_SHOWN])
        more = f" and {len(later) - AGAIN_SHOWN} more" if len(later) > AGAIN_SHOWN else ""
        lines.append(f"Planned again until closed: {shown}{more}")
    lines.append(f"File: {account.file}")
    return _clean("\n".join(lines))


def build_event(entry: CalendarItem, account: Account, stamp: datetime) -> Event:
    planned = entry.planned
    item = planned.item
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", planned.day)
    event.add("dtend", planned.day + timedelta(days=1))
    event.add("summary", item_summary(item, account))
    event.add("description", item_description(planned, account, entry.again))
    event.add("categories", ["touchplan", item.kind.value, f"tier {account.tier.value}"])
    event.add("transp", "TRANSPARENT")
    if item.kind is ItemKind.RENEWAL:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item_summary(item, account))
        alarm.add("trigger", RENEWAL_ALARM)
        event.add_component(alarm)
    return event


def plan_calendar(
    plan: WeekPlan,
    accounts: Mapping[str, Account],
    stamp: datetime,
    title: str = "touchplan",
) -> bytes:
    """The plan as an RFC 5545 calendar; ``stamp`` (UTC) becomes every DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _clean(title))
    for entry in calendar_items(plan, accounts):
        account = accounts[entry.planned.item.account]
        calendar.add_component(build_event(entry, account, stamp))
    data: bytes = calendar.to_ical()
    return data


def calendar_title(owner: str | None) -> str:
    """The calendar's name: whose plan it is, when it is one rep's."""
    return f"touchplan ({owner})" if owner and owner.lower() != EVERYONE else "touchplan"


def write_calendar(output: str, data: bytes) -> None:
    """Write the calendar to ``output`` atomically (an existing file is replaced)."""
    target = Path(output).expanduser()
    if target.is_dir():
        raise UsageError(f"-o {output!r} is a folder", "give a file name, e.g. touches.ics")
    try:
        current: bytes | None = target.read_bytes()
    except FileNotFoundError:
        current = None
    try:
        write_atomic(target.resolve(), data, current)
    except OSError as exc:
        raise TouchplanError(f"cannot write {output}: {exc.strerror}") from None
