"""Dates as typed on the command line; ``today`` is always a parameter."""

from __future__ import annotations

import re
from datetime import date, timedelta

from touchplan.errors import UsageError

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"([+-])(\d{1,4})([dwmy])")
DATE_HELP = "YYYY-MM-DD, today, yesterday, tomorrow, +3d/-2w/+1m, or a weekday name (the next one)"
# Every date touchplan reads (files, settings, the command line) lies in these years, so
# the rules' arithmetic (a year ahead, a few hundred days back) stays inside the calendar.
FIRST_YEAR = 1900
LAST_YEAR = 2200
EARLIEST = date(FIRST_YEAR, 1, 1)
LATEST = date(LAST_YEAR, 12, 31)
RANGE_TEXT = f"{FIRST_YEAR}–{LAST_YEAR}"


def in_range(day: date) -> bool:
    """Whether ``day`` is one touchplan plans with (years FIRST_YEAR to LAST_YEAR)."""
    return EARLIEST <= day <= LATEST


def parse_date(text: str, today: date, what: str = "date", *, past: bool = False) -> date:
    """``text`` as a date relative to ``today``; UsageError naming the accepted forms.

    A weekday name means the next one, or with ``past`` (when logging what happened)
    the latest one up to today.
    """
    try:
        found = _parse(text.strip().lower(), today, past=past)
    except (ValueError, OverflowError):
        found = None  # out of the calendar's range (years 1 to 9999), or no such day
    if found is None:
        raise UsageError(f"{what}: {text!r} is not a date", f"use {DATE_HELP}")
    if not in_range(found):
        raise UsageError(
            f"{what}: {found.isoformat()} is outside {RANGE_TEXT}",
            f"give a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}",
        )
    return found


def _parse(value: str, today: date, *, past: bool) -> date | None:
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    if value == "tomorrow":
        return today + timedelta(days=1)
    if match := _RELATIVE.fullmatch(value):
        sign = 1 if match.group(1) == "+" else -1
        n = int(match.group(2)) * sign
        unit = match.group(3)
        if unit == "d":
            return today + timedelta(days=n)
        if unit == "w":
            return today + timedelta(weeks=n)
        from dateutil.relativedelta import relativedelta  # only months and years need it

        if unit == "m":
            return today + relativedelta(months=n)
        return today + relativedelta(years=n)
    for index, name in enumerate(WEEKDAY_NAMES):
        if len(value) >= 3 and name.startswith(value):
            if past:
                return today - timedelta(days=(today.weekday() - index) % 7)
            ahead = (index - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return None


def parse_days(text: str, what: str) -> int:
    """``120``, ``120d``, ``4w`` or ``3m`` as a number of days."""
    value = text.strip().lower()
    match = re.fullmatch(r"(\d{1,5})([dwm]?)", value)
    if not match:
        raise UsageError(
            f"{what}: {text!r} is not a length of time",
            "use e.g. 120d, 8w or 3m",
        )
    n = int(match.group(1))
    return n * {"": 1, "d": 1, "w": 7, "m": 30}[match.group(2)]
