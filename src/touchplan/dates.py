"""Dates as typed on the command line or written in a CRM export; ``today`` is always a
parameter."""

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
        # The forms a CRM export writes (01/20/2027, 20.01.2027, 15-Mar-2027, ISO with a
        # time) are accepted too, so a date copied from one works here.
        try:
            found = parse_written_date(text)
        except DateFormError as exc:
            if exc.ambiguous:
                raise UsageError(
                    f"{what}: {text.strip()!r} could be {exc.readings}",
                    "write it as YYYY-MM-DD",
                ) from None
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


def split_date(text: str, today: date, what: str) -> tuple[date, str]:
    """``"Mar 15, 2027 Send the quote"`` -> (that date, ``"Send the quote"``): the
    longest run of leading words (up to three) that reads as a date, and the rest."""
    for n in (3, 2, 1):
        m = re.match(rf"\s*(\S+(?:\s+\S+){{{n - 1}}})(?:\s+(.*))?\s*$", text, re.DOTALL)
        if m is None:
            continue
        try:
            return parse_date(m.group(1), today, what), (m.group(2) or "").strip()
        except UsageError:
            if n == 1:
                raise
    raise UsageError(f"{what} is empty")


# -- dates as written in exports -----------------------------------------------------------

WRITTEN_FORMS = (
    "YYYY-MM-DD (a time and zone after it are fine), MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY, "
    "15-Mar-2027 or Mar 15, 2027"
)
_TIME = r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?"
_ZONE = r"(?: ?(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?"
_ISO = re.compile(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}{_ZONE}", re.IGNORECASE)
_CLOCK = r"(?:,? \d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]\.?m\.?)?)?"
_SLASH = re.compile(rf"(\d{{1,2}})/(\d{{1,2}})/(\d{{2,4}}){_CLOCK}", re.IGNORECASE)
_DOTTED = re.compile(rf"(\d{{1,2}})\.(\d{{1,2}})\.(\d{{2,4}}){_CLOCK}", re.IGNORECASE)
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]{3,9})\.?[ -](\d{2,4})", re.IGNORECASE)
_MONTH_DAY = re.compile(r"([a-z]{3,9})\.?[ -](\d{1,2})(?:st|nd|rd|th)?,? (\d{2,4})", re.IGNORECASE)
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# English month names and their abbreviations (not the locale's: exports are read the
# same on every machine).
_MONTHS = {
    **{name.lower(): n for n, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].lower(): n for n, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}


class DateFormError(ValueError):
    """Why a written date cannot be read, and how to write it. ``readings`` is set when
    only the day order is in question: the two dates it could be."""

    def __init__(self, message: str, hint: str = "", *, readings: str = "") -> None:
        super().__init__(message)
        self.message, self.hint, self.readings = message, hint, readings

    @property
    def ambiguous(self) -> bool:
        return bool(self.readings)

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


def slash_order(text: str) -> str | None:
    """Which day order a slash date allows: "mdy", "dmy", "both", "same" (05/05: the
    same day either way), or None (not a slash date, or no order fits)."""
    m = _SLASH.fullmatch(text.strip())
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    mdy, dmy = 1 <= a <= 12 and 1 <= b <= 31, 1 <= b <= 12 and 1 <= a <= 31
    if mdy and dmy:
        return "both" if a != b else "same"
    return "mdy" if mdy else "dmy" if dmy else None


def _day(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateFormError(f"{text!r} is not a real date") from None


def _year(digits: str, text: str) -> int:
    if len(digits) != 4:
        raise DateFormError(f"{text!r} has a two-digit year", "write the year with four digits")
    return int(digits)


def parse_written_date(text: str, order: str | None = None) -> date:
    """A date as spreadsheets and CRM exports write it. ``order`` ("mdy" or "dmy") reads
    a slash date that fits both orders. A time and zone after an ISO date are dropped:
    the date is the one written. Raises DateFormError."""
    value = text.strip()
    if m := _ISO.fullmatch(value):
        hour, minute, second = (int(g) if g else 0 for g in m.group(4, 5, 6))
        if hour > 24 or minute > 59 or second > 60:
            raise DateFormError(f"{value!r} has an impossible time of day")
        return _day(int(m.group(1)), int(m.group(2)), int(m.group(3)), value)
    if m := _DOTTED.fullmatch(value):  # German and others: always day first
        return _day(_year(m.group(3), value), int(m.group(2)), int(m.group(1)), value)
    if m := _SLASH.fullmatch(value):
        a, b, year = int(m.group(1)), int(m.group(2)), _year(m.group(3), value)
        reading = order or slash_order(value)  # a given order holds for every date
        if reading == "both":
            raise DateFormError(
                f"{value!r} is ambiguous: {a}/{b} could be month/day or day/month",
                "pass --date-order mdy (US) or dmy",
                readings=f"{MONTH_NAMES[a - 1]} {b} or {a} {MONTH_NAMES[b - 1]}",
            )
        if reading == "dmy":
            return _day(year, b, a, value)
        if reading in ("mdy", "same"):
            return _day(year, a, b, value)
        raise DateFormError(f"{value!r} is not a real date")
    for pattern, day_at, month_at in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        if (m := pattern.fullmatch(value)) and m.group(month_at).lower() in _MONTHS:
            month = _MONTHS[m.group(month_at).lower()]
            return _day(_year(m.group(3), value), month, int(m.group(day_at)), value)
    raise DateFormError(f"{value!r} is not a date", f"use {WRITTEN_FORMS}")


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


# -- days of the year (birthdays) ----------------------------------------------------------

_MM_DD = re.compile(r"(\d{2})-(\d{2})")


def month_day(text: str) -> tuple[int, int] | None:
    """``MM-DD`` as (month, day) when that day exists in some year (02-29 does), else None."""
    match = _MM_DD.fullmatch(text.strip())
    if match is None:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(2000, month, day)  # a leap year: every day that exists at all
    except ValueError:
        return None
    return month, day


def in_year(month: int, day: int, year: int) -> date | None:
    """That day in ``year``: 02-29 falls on 02-28 in a common year (None: out of range)."""
    try:
        return date(year, month, day)
    except ValueError:
        if (month, day) != (2, 29) or not 1 <= year <= 9999:
            return None
        return date(year, 2, 28)
