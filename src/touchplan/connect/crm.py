"""Account files from a CRM export (CSV): Salesforce reports and Data Loader, HubSpot
companies, others.

Reading is forgiving, writing is strict. Columns are recognised by their usual labels
and API names (``--map`` overrides), each customer row becomes an account file, and
nothing in a row is silently dropped or changed:

- a row that cannot become an account (no name, a broken line) is skipped with its
  reason; a row whose type or lifecycle stage says it is not a customer (Prospect,
  Lead, Partner...) is skipped with that reason;
- a bad optional cell (``Annual Revenue: not disclosed``) leaves that one field out,
  with a warning on the row naming the column and the value;
- every other cell ends up in the file as written (dates as YYYY-MM-DD, amounts as
  plain numbers, owners mapped through the aliases under ``owners:``).

Every file is created whole (atomically) or not at all. An account already in the book
(same CRM id, else same slug or name) is reported, never touched, so re-running an
import creates nothing new.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from touchplan.config import Owners
from touchplan.dates import RANGE_TEXT, DateFormError, in_range, parse_written_date, slash_order
from touchplan.errors import TouchplanError, UsageError
from touchplan.files.edit import Plain, clean_stale_temps, create_file, scalar_text, sync_folder
from touchplan.files.schema import read_account
from touchplan.files.store import ACCOUNTS_DIR, iter_account_files, load_book, relpath
from touchplan.model import Account, Relationship, Tier, TouchKind
from touchplan.text import check_input, fold_name, slugify

IGNORE = "-"
# The fields a column can fill; `contact`, `role`, `phone` and `email` make the first
# contact of the account, `last_contact` its one `imported` history entry, and `type`
# decides whether the row is a customer at all.
FIELDS = (
    "name",
    "tier",
    "owner",
    "crm_id",
    "type",
    "since",
    "last_contact",
    "renewal",
    "value",
    "revenue",
    "relationship",
    "notes",
    "contact",
    "role",
    "phone",
    "email",
)
DATE_FIELDS = ("since", "last_contact", "renewal")
AMOUNT_FIELDS = ("value", "revenue")

# Column names, normalised (see `normal_header`: lower case, single spaces, no "(USD)"
# suffix, no `__c`), that Salesforce (report labels and API names) and HubSpot (labels
# and internal names) use, per field. When several are present the earlier one in its
# list wins: an owner's name beats their user id.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "account name",
        "company name",
        "organization name",
        "organisation name",
        "customer name",
        "account",
        "company",
        "name",
    ),
    "owner": (
        "account owner",
        "company owner",
        "hubspot owner",
        "account manager",
        "owner name",
        "owner full name",
        "hubspot owner name",
        "owner",
        "account owner alias",
        "owner alias",
        "hubspot owner email",
        "owner email",
        "account owner id",
        "owner id",
        "ownerid",
        "hubspot owner id",
    ),
    "crm_id": (
        "account id",
        "record id",
        "company id",
        "hs object id",
        "id",
    ),
    "type": (
        "lifecycle stage",
        "lifecyclestage",
        "type",
        "account type",
        "company type",
        "customer type",
    ),
    "since": (
        "customer since",
        "became a customer date",
        "customer since date",
        "hs lifecyclestage customer date",
        "create date",
        "created date",
        "createddate",
        "createdate",
        "since",
    ),
    "last_contact": (
        "last activity date",
        "last activity",
        "lastactivitydate",
        "notes last updated",
        "last contacted",
        "notes last contacted",
        "last contact date",
        "last contact",
    ),
    "renewal": (
        "contract end date",
        "renewal date",
        "next renewal date",
        "contract renewal date",
        "contract end",
        "contractenddate",
        "renewal",
    ),
    "value": (
        "annual contract value",
        "acv",
        "arr",
        "annual recurring revenue",
        "contract value",
        "annual value",
        "value",
        "amount",
    ),
    "revenue": ("annual revenue", "annualrevenue", "company revenue", "revenue"),
    "tier": (
        "tier",
        "account tier",
        "customer tier",
        "account priority",
        "priority",
    ),
    "relationship": ("relationship",),
    "notes": ("description", "account description", "notes", "note"),
    "contact": (
        "primary contact",
        "primary contact name",
        "main contact",
        "contact name",
        "contact",
    ),
    "role": ("primary contact title", "contact title", "contact role", "job title", "title"),
    "phone": ("phone", "phone number", "account phone", "company phone", "main phone"),
    "email": ("primary contact email", "contact email", "email", "email address"),
}

# Tier and priority words CRMs use, normalised.
TIER_WORDS: dict[str, Tier] = {
    **{t.value.lower(): t for t in Tier},
    "1": Tier.A,
    "2": Tier.B,
    "3": Tier.C,
    "high": Tier.A,
    "medium": Tier.B,
    "med": Tier.B,
    "normal": Tier.B,
    "low": Tier.C,
    "gold": Tier.A,
    "silver": Tier.B,
    "bronze": Tier.C,
}

# Account types (Salesforce `Type`) and lifecycle stages (HubSpot) that say a row is, or
# is not, a customer; compared folded, with spaces and dashes squeezed out.
CUSTOMER_TYPES = frozenset(
    {"customer", "customerdirect", "customerchannel", "evangelist", "client", "activecustomer"}
)
NOT_CUSTOMER_TYPES = frozenset(
    {
        "prospect",
        "lead",
        "subscriber",
        "opportunity",
        "other",
        "competitor",
        "partner",
        "formercustomer",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "mql",
        "sql",
        "channelpartner/reseller",
        "installationpartner",
        "technologypartner",
        "reseller",
        "vendor",
        "supplier",
        "analyst",
        "investor",
        "press",
    }
)
# Words that settle an unlisted type: "Former customer (2019)", "Strategic partner".
_NOT_CUSTOMER_WORDS = re.compile(
    r"\b(former|ex|past|lost|churned|prospect|lead|partner|reseller|vendor|competitor)\b"
)
_CUSTOMER_WORDS = re.compile(r"\b(customer|client)\b")

UNNAMED_CONTACT = "Main contact"
MAX_AMOUNT = Decimal(10) ** 15  # beyond any company's revenue: a garbled cell


class RowError(ValueError):
    """Why a cell cannot be used, and how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


# -- reading the file -------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without a BOM), UTF-16 with a
    BOM (Excel's "Unicode text"), else Windows-1252 (an older Excel "CSV")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise TouchplanError(
            f"the file is neither UTF-8 nor Windows-1252 text (byte {exc.start})",
            "export it again as CSV UTF-8",
        ) from None


def delimiter_of(first_line: str) -> str:
    """Comma, semicolon (European Excel) or tab: whichever the header uses most."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True)
class Record:
    """One CSV record: its first line, its cells, or why it could not be read."""

    line: int
    cells: tuple[str, ...] = ()
    error: str = ""


QUOTING_HINT = ' (a value with a comma or quote needs "double quotes", and "" for a quote in it)'


def records(text: str, delimiter: str) -> Iterator[Record]:
    """Every record with its line number; a record with broken quoting is reported
    and reading goes on, so one stray quote never swallows the rest of the file."""
    lines = io.StringIO(text, newline="").readlines()
    pos = 0
    while pos < len(lines):
        reader = csv.reader(lines[pos:], delimiter=delimiter, strict=True)
        done = 0
        try:
            for row in reader:
                yield Record(pos + done + 1, tuple(row))
                done = reader.line_num
            return
        except csv.Error as exc:
            # A quote left open swallows the lines after it until the error shows; a
            # well-quoted value never errs, so only the record's first line is bad.
            start = pos + done + 1
            why = "a quoted value is never closed" if "end of data" in str(exc) else str(exc)
            yield Record(start, error=f"bad quoting: {why}{QUOTING_HINT}")
            pos = start


# The lines a Salesforce report export ends with, one value each.
_FOOTER = re.compile(
    r"(grand totals? \(|generated by:|copyright (\(c\)|©)|confidential information - do not)",
    re.IGNORECASE,
)


def footer_start(body: Sequence[Record]) -> int:
    """Where a report's footer starts ("Grand Totals (120 records)", "Confidential
    Information - Do Not Distribute", "Copyright (c) ... salesforce.com"): the first
    one-value line that looks like one, when only one-value or blank lines follow."""
    start = len(body)
    for i in range(len(body) - 1, -1, -1):
        cells = [c for c in body[i].cells if c.strip()]
        if body[i].error or len(cells) > 1:
            break
        if cells and _FOOTER.match(cells[0].strip()):
            start = i
    return start


# -- columns ----------------------------------------------------------------------------


def normal_header(text: str) -> str:
    """``"Annual Revenue (USD)"``, ``"ANNUALREVENUE"``, ``"Renewal_Date__c"`` and
    ``"Owner.Name"`` as lookup keys: ``annual revenue``, ``annualrevenue``,
    ``renewal date``, ``owner name``."""
    text = text.replace("\ufeff", "").strip().casefold()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text)  # "Annual Revenue (USD)"
    text = re.sub(r"__c$", "", text)  # a Salesforce custom field's API name
    return " ".join(re.sub(r"[_\-./:]+", " ", text).split())


def parse_map(specs: Iterable[str]) -> dict[str, str]:
    """``"Account Name=name,Contract End Date=renewal"`` -> {column: field}."""
    mapping: dict[str, str] = {}
    for spec in specs:
        for part in spec.split(","):
            if not part.strip():
                continue
            column, sep, target = part.rpartition("=")
            if not sep or not column.strip():
                raise UsageError(
                    f"--map: {part.strip()!r} is not COLUMN=FIELD",
                    'e.g. --map "Account Name=name,Contract End Date=renewal"',
                )
            target = target.strip().lower() or IGNORE
            if target not in (*FIELDS, IGNORE):
                raise UsageError(
                    f"--map: {target!r} is not a field",
                    f"use one of {', '.join(FIELDS)}, or '-' to ignore the column",
                )
            mapping[column.strip()] = target
    return mapping


@dataclass(frozen=True)
class Columns:
    """Which column fills which field."""

    header: tuple[str, ...]
    index: Mapping[str, int]  # field -> column index
    ignored: tuple[str, ...]  # columns that fill nothing

    def used(self) -> dict[str, str]:
        return {self.header[i]: f for f, i in sorted(self.index.items(), key=lambda x: x[1])}

    def label(self, key: str) -> str:
        return self.header[self.index[key]]


def map_columns(header: Sequence[str], overrides: Mapping[str, str]) -> Columns:
    """Recognised columns plus ``--map`` overrides (which win)."""
    names = [h.replace("\ufeff", "").strip() for h in header]
    normal = [normal_header(h) for h in names]
    index: dict[str, int] = {}
    taken: set[int] = set()
    for column, target in overrides.items():
        matches = [i for i, h in enumerate(names) if h == column] or [
            i for i, h in enumerate(normal) if h == normal_header(column)
        ]
        if not matches:
            raise UsageError(
                f"--map: the file has no column {column!r}",
                f"its columns are: {', '.join(names)}",
            )
        taken.add(matches[0])
        if target != IGNORE:
            index[target] = matches[0]
    for target, aliases in ALIASES.items():
        if target in index:
            continue
        for alias in aliases:
            found = [i for i, h in enumerate(normal) if h == alias and i not in taken]
            if found:
                index[target] = found[0]
                taken.add(found[0])
                break
    if "name" not in index:
        raise UsageError(
            "no column holds the account name",
            f'its columns are: {", ".join(names)}; use --map "COLUMN=name"',
        )
    ignored = tuple(h for i, h in enumerate(names) if i not in index.values() and h)
    return Columns(tuple(names), index, ignored)


# -- values -----------------------------------------------------------------------------


def parse_export_date(text: str, order: str | None) -> date:
    """A date as CRM exports write it; ``order`` ("mdy"/"dmy") reads slash dates that
    fit both orders. Only years touchplan plans with (see `dates.in_range`) are dates."""
    try:
        found = parse_written_date(text, order)
    except DateFormError as exc:
        raise RowError(exc.message, exc.hint) from None
    if not in_range(found):
        raise RowError(f"{text.strip()!r} is outside {RANGE_TEXT}")
    return found


# Grouping marks: comma, dot, apostrophe (Swiss), and the spaces French and others use.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_CURRENCY_HEAD = re.compile(r"^(?:[A-Z]{3}|[A-Z]{0,2}[$€£¥₹₩₽])")  # USD 5, US$ 5, € 5
_CURRENCY_TAIL = re.compile(r"(?:[A-Z]{3}|[$€£¥₹₩₽])$")  # 5 EUR, 5 €
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?[eE][+-]?\d{1,3}")
_GROUPED = re.compile(r"[\d.,]*\d[\d.,]*")


def parse_amount(text: str) -> Decimal:
    """``$1,250,000.00``, ``1.250.000,00 €``, ``USD 98000``, ``6.0E7`` -> a number,
    exactly as written (no binary rounding on the way)."""
    shown = text.strip()
    value = shown
    negative = value.startswith("(") and value.endswith(")")  # accounting: (5000)
    if negative:
        value = value[1:-1].strip()
    if value.startswith(("+", "-")):
        negative, value = value[0] == "-", value[1:].strip()
    value = _CURRENCY_TAIL.sub("", _CURRENCY_HEAD.sub("", value).strip()).strip()
    if value.startswith(("+", "-")):  # $-5,000
        negative, value = value[0] == "-", value[1:]
    value = _SPACES.sub("", value)
    if _SCIENTIFIC.fullmatch(value):
        number = Decimal(value)
    elif _GROUPED.fullmatch(value):
        number = Decimal(_ungroup(value, shown))
    else:
        raise RowError(f"{shown!r} is not an amount", "write digits, e.g. 120000")
    if negative and number:
        raise RowError(f"{shown!r} is negative")
    if number >= MAX_AMOUNT:
        raise RowError(f"{shown!r} is too large to be an amount")
    if Decimal(repr(float(number))) != number:
        raise RowError(f"{shown!r} has more digits than an amount can keep")
    return number


def _ungroup(value: str, shown: str) -> str:
    """Digits with thousands marks and a decimal mark, as a plain decimal string."""
    last_dot, last_comma = value.rfind("."), value.rfind(",")
    if last_dot >= 0 and last_comma >= 0:  # the later one is the decimal mark
        decimal, thousands = (".", ",") if last_dot > last_comma else (",", ".")
    elif last_comma >= 0:
        # 1,250,000 groups thousands; 1250,50 is a decimal comma
        decimal, thousands = ("", ",") if re.fullmatch(r"\d{1,3}(,\d{3})+", value) else (",", "")
    elif value.count(".") > 1:
        decimal, thousands = "", "."
    else:
        decimal, thousands = ".", ""
    if thousands:
        value = value.replace(thousands, "")
    if decimal and decimal != ".":
        value = value.replace(decimal, ".")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", value):
        raise RowError(f"{shown!r} is not an amount", "write digits, e.g. 120000")
    return value


def amount_text(number: Decimal) -> str:
    """An amount as the file writes it: ``60000000``, ``1250000.5``."""
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def parse_tier(text: str) -> Tier:
    words = re.sub(r"^(tier|priority|class)\s*", "", text.strip().casefold())
    if words in TIER_WORDS:
        return TIER_WORDS[words]
    raise RowError(
        f"tier {text.strip()!r} is not A, B or C",
        "A/B/C, 1/2/3, High/Medium/Low and Gold/Silver/Bronze are understood",
    )


def is_customer(text: str) -> bool | None:
    """Whether an account type or lifecycle stage means a customer; None: unknown."""
    folded = fold_name(text)
    squeezed = re.sub(r"[\s\-]+", "", folded)
    if squeezed in CUSTOMER_TYPES:
        return True
    if squeezed in NOT_CUSTOMER_TYPES or _NOT_CUSTOMER_WORDS.search(folded):
        return False
    return True if _CUSTOMER_WORDS.search(folded) else None


def looks_mis_encoded(text: str) -> str:
    """What ``text`` reads as when it is UTF-8 that was decoded as Windows-1252 once too
    often (``CafÃ© OlÃ©`` -> ``Café Olé``), else ''."""
    if text.isascii():
        return ""
    try:
        fixed = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return ""
    return fixed if fixed != text else ""


# -- date order, per column -------------------------------------------------------------

ORDER_WORDS = {"mdy": "month first", "dmy": "day first"}


@dataclass(frozen=True)
class ColumnOrder:
    """How one column's slash dates are read, and what showed it."""

    column: str
    order: str  # mdy | dmy
    line: int | None = None  # the row whose date fits only this order
    value: str = ""
    source: str = "column"  # column: its own rows; file: another column; option: --date-order

    def describe(self) -> str:
        how = ORDER_WORDS[self.order]
        if self.source == "option":
            return f"{self.column}: {how}, as --date-order says"
        shown = f"line {self.line} shows ({self.value})"
        if self.source == "file":
            return f"{self.column}: {how}, like the file's other dates ({shown})"
        return f"{self.column}: {how}, as {shown}"

    def to_json(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "source": self.source,
            "line": self.line,
            "value": self.value or None,
            "note": self.describe(),
        }


def decide_orders(
    body: Sequence[Record], columns: Columns, given: str | None
) -> dict[str, ColumnOrder]:
    """The day order of each date column that needs one (a slash date fitting both
    orders, or rows that contradict each other), decided by the column's own rows, else
    by the file's other date columns when they agree, else by ``given``; UsageError
    when a column stays undecided, so nothing is written from a guess."""
    evidence: dict[str, dict[str, tuple[int, str]]] = {}  # field -> order -> first row
    open_: dict[str, tuple[int, str]] = {}  # field -> first row fitting both orders
    for key in DATE_FIELDS:
        if key not in columns.index:
            continue
        at = columns.index[key]
        seen: dict[str, tuple[int, str]] = {}
        for record in body:
            if at >= len(record.cells):
                continue
            cell = record.cells[at].strip()
            reading = slash_order(cell)
            if reading in ("mdy", "dmy"):
                seen.setdefault(reading, (record.line, cell))
            elif reading == "both":
                open_.setdefault(key, (record.line, cell))
        evidence[key] = seen
    decided = {
        key: ColumnOrder(columns.label(key), order, *seen[order])
        for key, seen in evidence.items()
        if len(seen) == 1
        for order in seen
    }
    agreed = {c.order for c in decided.values()}
    orders: dict[str, ColumnOrder] = {}
    unsure: list[str] = []
    for key, seen in evidence.items():
        label = columns.label(key)
        if key in decided:
            orders[key] = decided[key]
        elif given is not None and (seen or key in open_):
            orders[key] = ColumnOrder(label, given, source="option")
        elif len(seen) > 1:
            (m_line, m_value), (d_line, d_value) = seen["mdy"], seen["dmy"]
            unsure.append(
                f"{label}: line {m_line} reads month first ({m_value}) but line {d_line} "
                f"day first ({d_value})"
            )
        elif key in open_ and len(agreed) == 1:
            first = next(c for c in decided.values())
            orders[key] = ColumnOrder(label, first.order, first.line, first.value, "file")
        elif key in open_:
            line, value = open_[key]
            unsure.append(
                f"{label}: {value} (line {line}) could be month or day first, and no line "
                "shows which"
            )
    if unsure:
        raise UsageError(
            "cannot tell the day order of " + "; ".join(unsure),
            "pass --date-order mdy (US) or dmy; a date that does not fit it is left out "
            "with a warning",
        )
    return orders


# -- owners -----------------------------------------------------------------------------


def owner_line(rep: str, names: Sequence[str]) -> str:
    """The ``owners:`` line for ``rep`` with these names (YAML, one line)."""
    if len(names) == 1:
        return f"{_flow_key(rep)}: {_flow_item(names[0])}"
    return f"{_flow_key(rep)}: [{', '.join(_flow_item(n) for n in names)}]"


def _flow_key(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", text) else json.dumps(text)


def _flow_item(text: str) -> str:
    plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._@'+-]*", text) and text == text.strip()
    return text if plain and scalar_text(text) == text else json.dumps(text, ensure_ascii=False)


def suggest_owner_lines(
    unmapped: Mapping[str, int], owners: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """For each owner value no alias matched, the line to put under ``owners:``: an
    existing rep whose name is the value's first name (or an e-mail's first part) gets
    the value added to their list; otherwise a new rep named after the value, or
    ``rep-N`` for an id."""
    reps = {fold_name(rep): rep for rep in owners}
    groups: dict[str, list[str]] = {}
    placeholder = 0
    for value in unmapped:
        first = re.split(r"[\s._+@-]+", value.strip())[0]
        named = "" if any(ch.isdigit() for ch in value) and "@" not in value else value
        key = ""
        if named and fold_name(first) in reps:
            key = reps[fold_name(first)]
        elif named:
            key = slugify(named.split("@")[0])
        if not key:  # an id, or a name with no letters to spell, says nothing of whose it is
            placeholder += 1
            key = f"rep-{placeholder}"
        groups.setdefault(key, []).append(value)
    lines: dict[str, str] = {}
    for rep, values in groups.items():
        line = owner_line(rep, [*owners.get(rep, ()), *values])
        for value in values:
            lines[value] = line
    return lines


# -- rows -> account files --------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What every row is read with."""

    columns: Columns
    orders: Mapping[str, ColumnOrder]
    default_tier: Tier
    aliases: Mapping[str, str]  # folded alias -> owner
    default_owner: str
    today: date
    source: str  # the export's file name, for the imported entry's summary


@dataclass(frozen=True)
class Draft:
    """What a row says, ready to become an account file."""

    name: str
    slug: str
    crm_id: str
    fields: tuple[tuple[str, str], ...]
    contacts: tuple[dict[str, str], ...]
    history: tuple[tuple[tuple[str, str], ...], ...]
    warnings: tuple[str, ...]
    owner_unmapped: str = ""  # the owner value kept as written: no alias matched it

    def expected(self) -> dict[str, Any]:
        """What the written file must read back as."""
        fields = dict(self.fields)
        return {
            "name": self.name,
            "owner": fields.get("owner", ""),
            "crm_id": self.crm_id,
            "contacts": len(self.contacts),
            "history": len(self.history),
            **{k: fields.get(k) for k in ("since", "added", "renewal", "value", "revenue")},
        }


def found(account: Account) -> dict[str, Any]:
    """An account's values as `Draft.expected` writes them."""

    def text(value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, date):
            return value.isoformat()
        return amount_text(Decimal(str(value)))

    return {
        "name": account.name,
        "owner": account.owner,
        "crm_id": account.crm_id,
        "contacts": len(account.contacts),
        "history": len(account.history),
        "since": text(account.since),
        "added": text(account.added),
        "renewal": text(account.renewal),
        "value": text(account.value),
        "revenue": text(account.revenue),
    }


class SkipRow(Exception):
    """The row holds no account to import: why, and whether that is a problem."""

    def __init__(self, reason: str, *, problem: bool, name: str = "") -> None:
        super().__init__(reason)
        self.reason, self.problem, self.name = reason, problem, name


def _clean(value: str, *, multiline: bool = False) -> str:
    """A cell as text to write; RowError (quoting the cell) for a control character."""
    try:
        return check_input(value, repr(value), multiline=multiline).strip()
    except UsageError as exc:
        raise RowError(exc.message) from None


def draft(cells: Sequence[str], ctx: Context) -> Draft:
    """One row as account fields; SkipRow when it cannot be (or is not) an account.
    A bad optional cell becomes a warning and leaves its field out."""
    columns = ctx.columns
    warnings: list[str] = []

    def cell(key: str) -> str:
        i = columns.index.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def left_out(key: str, exc: RowError, then: str = "left out") -> None:
        warnings.append(f"{columns.label(key)}: {exc}; {then}")

    raw_name = cell("name")
    if not raw_name:
        raise SkipRow(f"no account name ({columns.label('name')} is empty)", problem=False)
    try:
        name = _clean(raw_name)
    except RowError as exc:
        raise SkipRow(f"{columns.label('name')}: {exc}", problem=True) from None
    # A name in a script a file name cannot hold (東京商事) is named by its CRM id.
    slug = slugify(name) or slugify(cell("crm_id"))
    if not slug:
        raise SkipRow(
            f"{name!r} has no letters or digits to make a file name from",
            problem=True,
            name=name,
        )
    if raw_type := cell("type"):
        customer = is_customer(raw_type)
        if customer is False:
            why = f"not a customer: {columns.label('type')} is {raw_type!r}"
            raise SkipRow(why, problem=False, name=name)
        if customer is None:
            warnings.append(
                f"{columns.label('type')}: {raw_type!r} is not a type touchplan knows; "
                "imported as a customer"
            )
    if fixed := looks_mis_encoded(name):
        warnings.append(
            f"{columns.label('name')}: {name!r} looks mis-encoded (it may be {fixed!r}); "
            "imported as written"
        )

    tier = ctx.default_tier
    if raw := cell("tier"):
        try:
            tier = parse_tier(raw)
        except RowError as exc:
            left_out("tier", exc, f"tier {tier.value} used")
    fields: list[tuple[str, str]] = [("name", name), ("tier", tier.value)]

    owner, unmapped = ctx.default_owner, ""
    if raw := cell("owner"):
        try:
            written = _clean(raw)
            owner = ctx.aliases.get(fold_name(written), "")
            if not owner:
                owner = unmapped = written
        except RowError as exc:
            owner = ""
            left_out("owner", exc)
    if owner:
        fields.append(("owner", owner))

    crm_id = ""
    if raw := cell("crm_id"):
        try:
            crm_id = _clean(raw)
            fields.append(("crm_id", crm_id))
        except RowError as exc:
            left_out("crm_id", exc)

    dates: dict[str, date] = {}
    for key in DATE_FIELDS:
        if raw := cell(key):
            order = ctx.orders.get(key)
            try:
                dates[key] = parse_export_date(raw, order.order if order else None)
            except RowError as exc:
                left_out(key, exc)
    last = dates.pop("last_contact", None)
    if last is not None and last > ctx.today:
        left_out("last_contact", RowError(f"{cell('last_contact')!r} is after today"))
        last = None
    if "since" in dates:
        fields.append(("since", Plain(dates["since"].isoformat())))
    fields.append(("added", Plain(ctx.today.isoformat())))
    if "renewal" in dates:
        fields.append(("renewal", Plain(dates["renewal"].isoformat())))

    for key in AMOUNT_FIELDS:
        if raw := cell(key):
            try:
                fields.append((key, Plain(amount_text(parse_amount(raw)))))
            except RowError as exc:
                left_out(key, exc)
    if raw := cell("relationship"):
        choices = [r.value for r in Relationship]
        if raw.casefold() in choices:
            fields.append(("relationship", raw.casefold()))
        else:
            left_out("relationship", RowError(f"{raw!r} is not one of {', '.join(choices)}"))
    if raw := cell("notes"):
        try:
            fields.append(("notes", _clean(raw, multiline=True)))
        except RowError as exc:
            left_out("notes", exc)

    contact: dict[str, str] = {}
    for key in ("contact", "role", "phone", "email"):
        if raw := cell(key):
            try:
                contact[key] = _clean(raw)
            except RowError as exc:
                left_out(key, exc)
    contacts: tuple[dict[str, str], ...] = ()
    if contact.keys() & {"contact", "phone", "email"}:  # a title alone is nobody to call
        contacts = ({"name": contact.pop("contact", UNNAMED_CONTACT), **contact},)
    elif "role" in contact:
        warnings.append(
            f"{columns.label('role')}: {contact['role']!r} names no contact to give it to; left out"
        )

    history: tuple[tuple[tuple[str, str], ...], ...] = ()
    if last is not None:
        summary = f"Last activity in the CRM ({ctx.source})"
        history = (
            (
                ("date", Plain(last.isoformat())),
                ("kind", TouchKind.IMPORTED.value),
                ("summary", summary),
            ),
        )
    return Draft(name, slug, crm_id, tuple(fields), contacts, history, tuple(warnings), unmapped)


def file_text(d: Draft) -> str:
    """The account file: the same layout `touchplan add` writes, plus the imported
    history entry."""
    lines = [f"{key}: {scalar_text(value)}" for key, value in d.fields]
    if d.contacts:
        lines.append("contacts:")
        for contact in d.contacts:
            for i, (key, value) in enumerate(contact.items()):
                lines.append(f"  {'- ' if i == 0 else '  '}{key}: {scalar_text(value)}")
    lines.append("history:")
    for entry in d.history:
        for i, (key, value) in enumerate(entry):
            lines.append(f"  {'- ' if i == 0 else '  '}{key}: {scalar_text(value)}")
    return "\n".join(lines) + "\n"


# A Salesforce id: 15 case-sensitive characters, or 18 with a case checksum. The same
# record exported both ways (a report gives 15, the API 18) is the same account.
_SF_ID = re.compile(r"[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?")
_SF_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def crm_key(crm_id: str) -> str:
    """A CRM id as a lookup key: an 18-character Salesforce id as its 15-character
    form (when its checksum holds), anything else as written."""
    if len(crm_id) == 18 and _SF_ID.fullmatch(crm_id):
        head = crm_id[:15]
        check = "".join(
            _SF_CHECKSUM[sum(1 << i for i, ch in enumerate(head[j : j + 5]) if ch.isupper())]
            for j in (0, 5, 10)
        )
        if check == crm_id[15:]:
            return head
    return crm_id


@dataclass(frozen=True)
class RowResult:
    line: int
    status: str  # created | would-create | present | skipped
    name: str = ""
    file: str = ""
    reason: str = ""
    problem: bool = False  # a row holding an account that could not be imported
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "status": self.status,
            "name": self.name or None,
            "file": self.file or None,
            "reason": self.reason or None,
            "problem": self.problem,
            "warnings": list(self.warnings),
        }


@dataclass
class ImportReport:
    source: str
    encoding: str
    dry_run: bool
    columns: Columns
    date_order: str | None
    orders: dict[str, ColumnOrder] = field(default_factory=dict)
    today: date | None = None
    default_owner: str = ""
    rows: list[RowResult] = field(default_factory=list)
    unmapped_owners: dict[str, int] = field(default_factory=dict)  # value -> accounts
    owner_lines: dict[str, str] = field(default_factory=dict)  # value -> line to add

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)

    @property
    def problems(self) -> int:
        return sum(r.problem for r in self.rows)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "encoding": self.encoding,
            "dry_run": self.dry_run,
            "columns": self.columns.used(),
            "ignored_columns": list(self.columns.ignored),
            "date_order": self.date_order,
            "date_orders": {o.column: o.to_json() for o in self.orders.values()},
            "added": self.today.isoformat() if self.today else None,
            "default_owner": self.default_owner or None,
            "counts": {s: self.count(s) for s in ("created", "would-create", "present", "skipped")},
            "problems": self.problems,
            "warnings": sum(len(r.warnings) for r in self.rows),
            "rows": [r.to_json() for r in self.rows],
            "unmapped_owners": [
                {"owner": value, "accounts": n, "line": self.owner_lines.get(value, "")}
                for value, n in self.unmapped_owners.items()
            ],
        }


Progress = Callable[[int], Callable[[int], None]]


def import_csv(
    root: Path,
    data: bytes,
    source: str,
    *,
    today: date,
    overrides: Mapping[str, str] | None = None,
    default_tier: Tier = Tier.C,
    folder: Sequence[str] = (),
    date_order: str | None = None,
    dry_run: bool = False,
    owners: Owners | None = None,
    default_owner: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Create an account file per new customer row of a CSV export; report every row.

    ``owners`` is the ``owners:`` section (rep -> e-mails and aliases); ``default_owner``
    owns the rows without one (the current rep, when known).
    """
    check_input(source, "the file name")  # it goes into the imported entries' summary
    text, encoding = decode(data)
    all_records = list(records(text, delimiter_of(text.split("\n", 1)[0])))
    header_at = next(
        (i for i, r in enumerate(all_records) if any(c.strip() for c in r.cells)), None
    )
    if header_at is None or all_records[header_at].error:
        raise TouchplanError(f"{source} has no header row", "export with column names")
    header = all_records[header_at].cells
    columns = map_columns(header, overrides or {})
    body = all_records[header_at + 1 :]
    orders = decide_orders(body, columns, date_order)
    agreed = {o.order for o in orders.values()}
    report = ImportReport(
        source,
        encoding,
        dry_run,
        columns,
        date_order or (agreed.pop() if len(agreed) == 1 else None),
        orders,
        today,
    )
    owners = owners or Owners()
    aliases = owners.aliases()
    if default_owner:
        default_owner = aliases.get(fold_name(default_owner), default_owner.strip())
    report.default_owner = default_owner
    files = list(iter_account_files(root))
    book = load_book(root, files)
    importer = _Importer(
        root=root,
        target=root / ACCOUNTS_DIR / Path(*folder),
        width=len(header),
        ctx=Context(columns, orders, default_tier, aliases, default_owner, today, source),
        dry_run=dry_run,
        by_slug={p.stem.casefold(): relpath(root, p) for p in files},
        by_name={a.name.casefold(): a.file for a in book.accounts},
        by_crm={crm_key(a.crm_id): a.file for a in book.accounts if a.crm_id},
        crm_of={a.file: crm_key(a.crm_id) for a in book.accounts if a.crm_id},
    )
    footer = footer_start(body)
    tick = progress(footer) if progress else None
    try:
        for record in body[:footer]:
            report.rows.append(importer.row(record))
            if tick:
                tick(1)
    finally:
        for written in importer.folders:  # once per folder, not once per file
            clean_stale_temps(written)
            sync_folder(written)
    report.rows.extend(RowResult(r.line, "skipped", reason="report footer") for r in body[footer:])
    report.unmapped_owners = importer.unmapped
    report.owner_lines = suggest_owner_lines(importer.unmapped, owners.emails)
    return report


@dataclass
class _Importer:
    root: Path
    target: Path  # the folder new files go to
    width: int  # values per row, from the header
    ctx: Context
    dry_run: bool
    by_slug: dict[str, str]  # accounts in the book (and made by this run): slug -> file
    by_name: dict[str, str]  # name (casefolded) -> file
    by_crm: dict[str, str]  # crm key -> file
    crm_of: dict[str, str]  # file -> crm key, for the accounts that have one
    made: dict[str, int] = field(default_factory=dict)  # file -> line, this run
    unmapped: dict[str, int] = field(default_factory=dict)  # owner value -> accounts
    folders: set[Path] = field(default_factory=set)  # where files were written

    def row(self, record: Record) -> RowResult:
        line = record.line
        if record.error:
            return RowResult(line, "skipped", reason=record.error, problem=True)
        if not any(c.strip() for c in record.cells):
            return RowResult(line, "skipped", reason="blank row")
        if len(record.cells) != self.width:
            hint = " (an unquoted comma in a value?)" if len(record.cells) > self.width else ""
            return RowResult(
                line,
                "skipped",
                reason=f"has {len(record.cells)} values, the header has {self.width}{hint}",
                problem=True,
            )
        try:
            d = draft(record.cells, self.ctx)
        except SkipRow as skip:
            return RowResult(line, "skipped", skip.name, reason=skip.reason, problem=skip.problem)
        key = crm_key(d.crm_id) if d.crm_id else ""
        slug, warnings = d.slug, d.warnings
        if key and key in self.by_crm:
            return self._again(line, d, self.by_crm[key], "same CRM id")
        for other in dict.fromkeys((self.by_slug.get(d.slug), self.by_name.get(d.name.casefold()))):
            if other is None:
                continue
            if not (key and self.crm_of.get(other, key) != key):
                return self._again(line, d, other, "same name")
            # the same name, another CRM record: a second account of its own
            if other.rsplit("/", 1)[-1].removesuffix(".yaml") == slug:
                slug = self._free_slug(d.slug)
            warnings = (*warnings, f"another account has this name: {other}")
        path = self.target / f"{slug}.yaml"
        rel = relpath(self.root, path)
        data = file_text(d).encode("utf-8")
        account, problems = read_account(data, slug, rel)
        if account is None or found(account) != d.expected():
            why = "; ".join(str(p) for p in problems if p.fatal) or "it does not read back"
            return RowResult(line, "skipped", d.name, reason=f"invalid: {why}", problem=True)
        if not self.dry_run:
            try:
                create_file(self.root, path, data, sync_dir=False)
                self.folders.add(path.parent)
            except (TouchplanError, OSError) as exc:
                return RowResult(
                    line, "skipped", d.name, reason=f"not written: {exc}", problem=True
                )
        self.by_slug[slug] = self.by_name[d.name.casefold()] = rel
        if key:
            self.by_crm[key], self.crm_of[rel] = rel, key
        self.made[rel] = line
        if d.owner_unmapped:
            self.unmapped[d.owner_unmapped] = self.unmapped.get(d.owner_unmapped, 0) + 1
        status = "would-create" if self.dry_run else "created"
        return RowResult(line, status, d.name, rel, warnings=warnings)

    def _again(self, line: int, d: Draft, other: str, how: str) -> RowResult:
        """A row whose account is in the book already, or was made by an earlier row."""
        if other in self.made:
            # A second row for the same CRM record imports nothing new; a second row
            # with only the same name may be another customer: that needs a look.
            return RowResult(
                line,
                "skipped",
                d.name,
                reason=f"same account as line {self.made[other]}",
                problem=how != "same CRM id",
            )
        return RowResult(line, "present", d.name, other)

    def _free_slug(self, slug: str) -> str:
        for n in range(2, 10_000):
            candidate = f"{slug}-{n}"
            if candidate not in self.by_slug:
                return candidate
        raise TouchplanError(f"no free file name for {slug!r}")  # pragma: no cover
