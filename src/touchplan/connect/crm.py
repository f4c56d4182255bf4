"""Account files from a CRM export (CSV): Salesforce accounts, HubSpot companies, others.

Reading is forgiving, writing is strict. Columns are recognised by their usual names
(``--map`` overrides), each row becomes the same file `touchplan add` writes, and a
row that cannot become a valid file is skipped with its reason, never guessed at.
Every file is created whole (atomically) or not at all, and an account that already
exists (same slug or same name) is reported, not touched, so re-running an import
creates nothing new.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from touchplan.dates import RANGE_TEXT, in_range
from touchplan.errors import TouchplanError, UsageError
from touchplan.files.edit import Plain, create_file
from touchplan.files.schema import read_account
from touchplan.files.store import ACCOUNTS_DIR, iter_account_files, load_book, relpath
from touchplan.model import Relationship, Tier
from touchplan.text import check_input, slugify

IGNORE = "-"
# The fields a column can fill; `contact`, `role`, `phone` and `email` make the first
# contact of the account.
FIELDS = (
    "name",
    "tier",
    "owner",
    "since",
    "renewal",
    "value",
    "relationship",
    "notes",
    "contact",
    "role",
    "phone",
    "email",
)
DATE_FIELDS = ("since", "renewal")

# Column names (normalised: lower case, single spaces, no "(USD)"-style suffix) that
# Salesforce account and HubSpot company exports use, per field. When several are
# present the earlier one in its list wins: a contract value beats company revenue.
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
        "owner",
        "account owner alias",
    ),
    "value": (
        "annual contract value",
        "acv",
        "arr",
        "annual recurring revenue",
        "contract value",
        "value",
        "annual revenue",
    ),
    "renewal": (
        "contract end date",
        "renewal date",
        "next renewal date",
        "contract renewal date",
        "contract end",
        "renewal",
    ),
    "since": (
        "customer since",
        "became a customer date",
        "customer since date",
        "create date",
        "created date",
        "since",
    ),
    "tier": (
        "tier",
        "account tier",
        "customer tier",
        "account priority",
        "priority",
    ),
    "relationship": ("relationship",),
    "notes": ("description", "notes", "note"),
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
UNNAMED_CONTACT = "Main contact"


class RowError(ValueError):
    """Why one row cannot become an account file, and how to fix it."""

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


# -- columns ----------------------------------------------------------------------------


def normal_header(text: str) -> str:
    text = text.replace("\ufeff", "").strip().casefold()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text)  # "Annual Revenue (USD)"
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

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_SLASH = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{2,4})(?:,? \d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?"
)
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2,4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_NAMED = ("%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%B %d, %Y", "%d %B %Y")
DATE_FORMATS = "YYYY-MM-DD, YYYY-MM-DD HH:MM, MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY or 15-Mar-2026"


def slash_reading(text: str) -> str | None:
    """Which day order a slash date allows: "mdy", "dmy", "both", "same" (05/05: the
    same day either way) or None (neither)."""
    m = _SLASH.fullmatch(text.strip())
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    mdy, dmy = a <= 12 and b <= 31, b <= 12 and a <= 31
    if mdy and dmy:
        return "both" if a != b else "same"
    return "mdy" if mdy else "dmy" if dmy else None


def infer_order(values: Iterable[str]) -> str | None:
    """The day order of the file's slash dates, when its unambiguous dates agree."""
    seen = {slash_reading(v) for v in values}
    if "mdy" in seen and "dmy" not in seen:
        return "mdy"
    if "dmy" in seen and "mdy" not in seen:
        return "dmy"
    return None


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise RowError(f"{text!r} is not a real date") from None


def _year(text: str, whole: str) -> int:
    if len(text) != 4:
        raise RowError(f"{whole!r} has a two-digit year", "export with four-digit years")
    return int(text)


def parse_export_date(text: str, order: str | None) -> date:
    """A date as CRM exports write it; ``order`` ("mdy"/"dmy") reads slash dates."""
    found = _export_date(text.strip(), order)
    if not in_range(found):
        raise RowError(f"{text.strip()!r} is outside {RANGE_TEXT}")
    return found


def _export_date(value: str, order: str | None) -> date:
    if m := _ISO.fullmatch(value):
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), value)
    if m := _DOTTED.fullmatch(value):  # German and others: always day first
        return _make_date(_year(m.group(3), value), int(m.group(2)), int(m.group(1)), value)
    if m := _SLASH.fullmatch(value):
        a, b, year = int(m.group(1)), int(m.group(2)), _year(m.group(3), value)
        reading = order or slash_reading(value)
        if reading == "both":
            raise RowError(
                f"{value!r} is ambiguous: {a}/{b} could be month/day or day/month",
                "pass --date-order mdy (US) or dmy",
            )
        if reading == "dmy":
            return _make_date(year, b, a, value)
        if reading in ("mdy", "same"):
            return _make_date(year, a, b, value)
        raise RowError(f"{value!r} is not a real date")
    for fmt in _NAMED:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise RowError(f"{value!r} is not a date", f"use {DATE_FORMATS}")


_MONEY_JUNK = re.compile(r"[^\d.,\-]")


def parse_amount(text: str) -> float:
    """``$1,250,000.00``, ``1.250.000,00 €``, ``USD 98000`` -> a number."""
    value = _MONEY_JUNK.sub("", text.strip())
    if not any(ch.isdigit() for ch in value) or "-" in value.lstrip("-"):
        raise RowError(f"{text.strip()!r} is not an amount", "write digits, e.g. 120000")
    if value.startswith("-"):
        raise RowError(f"{text.strip()!r} is negative")
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
    try:
        return float(value)
    except ValueError:
        raise RowError(f"{text.strip()!r} is not an amount") from None


def parse_tier(text: str) -> Tier:
    words = re.sub(r"^(tier|priority|class)\s*", "", text.strip().casefold())
    if words in TIER_WORDS:
        return TIER_WORDS[words]
    raise RowError(
        f"tier {text.strip()!r} is not A, B or C",
        "A/B/C, 1/2/3, High/Medium/Low and Gold/Silver/Bronze are understood; "
        'or --map "COLUMN=-" to ignore the column',
    )


# -- rows -> account files --------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """What a row says, ready to become an account file."""

    name: str
    slug: str
    fields: tuple[tuple[str, str], ...]
    contacts: tuple[dict[str, str], ...]


def _text(value: str, what: str) -> str:
    try:
        return check_input(value.strip(), what)
    except UsageError as exc:
        raise RowError(exc.message) from None


def draft(cells: Sequence[str], columns: Columns, order: str | None, default_tier: Tier) -> Draft:
    """One row as account fields; RowError says why it cannot be."""

    def cell(key: str) -> str:
        i = columns.index.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def label(key: str) -> str:
        return columns.header[columns.index[key]]

    name = _text(cell("name"), label("name"))
    if not name:
        raise RowError(f"no account name ({label('name')} is empty)")
    slug = slugify(name)
    if not slug:
        raise RowError(f"{name!r} has no letters or digits to make a file name from")
    tier = parse_tier(cell("tier")) if cell("tier") else default_tier
    fields: list[tuple[str, str]] = [("name", name), ("tier", tier.value)]
    if owner := cell("owner"):
        fields.append(("owner", _text(owner, label("owner"))))
    for key in DATE_FIELDS:
        if raw := cell(key):
            try:
                fields.append((key, Plain(parse_export_date(raw, order).isoformat())))
            except RowError as exc:
                raise RowError(f"{label(key)}: {exc.message}", exc.hint) from None
    if raw := cell("value"):
        try:
            amount = parse_amount(raw)
        except RowError as exc:
            raise RowError(f"{label('value')}: {exc.message}", exc.hint) from None
        shown = f"{amount:.0f}" if amount == int(amount) else f"{amount:.2f}".rstrip("0")
        fields.append(("value", Plain(shown)))
    if raw := cell("relationship"):
        choices = [r.value for r in Relationship]
        if raw.casefold() not in choices:
            raise RowError(f"{label('relationship')}: {raw!r} is not one of {', '.join(choices)}")
        fields.append(("relationship", raw.casefold()))
    if raw := cell("notes"):
        try:
            fields.append(("notes", check_input(raw, label("notes"), multiline=True)))
        except UsageError as exc:
            raise RowError(exc.message) from None
    contact = {
        k: _text(cell(k), label(k)) for k in ("contact", "role", "phone", "email") if cell(k)
    }
    contacts: tuple[dict[str, str], ...] = ()
    if contact.keys() & {"contact", "phone", "email"}:  # a title alone is nobody to call
        contacts = ({"name": contact.pop("contact", UNNAMED_CONTACT), **contact},)
    return Draft(name, slug, tuple(fields), contacts)


@dataclass(frozen=True)
class RowResult:
    line: int
    status: str  # created | would-create | present | skipped
    name: str = ""
    file: str = ""
    reason: str = ""
    problem: bool = False  # a skipped row with bad data (a blank row is not a problem)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "status": self.status,
            "name": self.name or None,
            "file": self.file or None,
            "reason": self.reason or None,
        }


@dataclass
class ImportReport:
    source: str
    encoding: str
    dry_run: bool
    columns: Columns
    date_order: str | None
    rows: list[RowResult] = field(default_factory=list)

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
            "counts": {s: self.count(s) for s in ("created", "would-create", "present", "skipped")},
            "rows": [r.to_json() for r in self.rows],
        }


def account_bytes(d: Draft) -> bytes:
    from touchplan.files.newfile import account_text  # the same text `touchplan add` writes

    return account_text(list(d.fields), [dict(c) for c in d.contacts]).encode("utf-8")


def import_csv(
    root: Path,
    data: bytes,
    source: str,
    *,
    overrides: Mapping[str, str] | None = None,
    default_tier: Tier = Tier.C,
    folder: Sequence[str] = (),
    date_order: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Create an account file per new row of a CSV export; report every row."""
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
    if date_order is None:
        date_order = infer_order(
            r.cells[columns.index[k]]
            for r in body
            for k in DATE_FIELDS
            if k in columns.index and columns.index[k] < len(r.cells)
        )
    report = ImportReport(source, encoding, dry_run, columns, date_order)
    files = list(iter_account_files(root))
    importer = _Importer(
        root=root,
        target=root / ACCOUNTS_DIR / Path(*folder),
        width=len(header),
        columns=columns,
        order=date_order,
        default_tier=default_tier,
        dry_run=dry_run,
        by_slug={p.stem.casefold(): relpath(root, p) for p in files},
        by_name={a.name.casefold(): a.file for a in load_book(root, files).accounts},
    )
    report.rows = [importer.row(record) for record in body]
    return report


@dataclass
class _Importer:
    root: Path
    target: Path  # the folder new files go to
    width: int  # values per row, from the header
    columns: Columns
    order: str | None
    default_tier: Tier
    dry_run: bool
    by_slug: dict[str, str]  # existing accounts: slug -> file
    by_name: dict[str, str]  # existing accounts: name (casefolded) -> file
    seen: dict[str, int] = field(default_factory=dict)  # slug/name -> line, this run

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
            d = draft(record.cells, self.columns, self.order, self.default_tier)
        except RowError as exc:
            name = record.cells[self.columns.index["name"]].strip()
            return RowResult(line, "skipped", name, reason=str(exc), problem=True)
        key_name = d.name.casefold()
        for key in (d.slug, key_name):
            if key in self.seen:
                why = f"same account as line {self.seen[key]}"
                return RowResult(line, "skipped", d.name, reason=why, problem=True)
        existing = self.by_slug.get(d.slug) or self.by_name.get(key_name)
        if existing:
            return RowResult(line, "present", d.name, existing)
        path = self.target / f"{d.slug}.yaml"
        rel = relpath(self.root, path)
        data = account_bytes(d)
        account, problems = read_account(data, d.slug, rel)
        if account is None or account.name != d.name:
            why = "; ".join(str(p) for p in problems if p.fatal) or "it does not read back"
            return RowResult(line, "skipped", d.name, reason=f"invalid: {why}", problem=True)
        self.seen[d.slug] = self.seen[key_name] = line
        if self.dry_run:
            return RowResult(line, "would-create", d.name, rel)
        try:
            create_file(self.root, path, data)
        except (TouchplanError, OSError) as exc:
            return RowResult(line, "skipped", d.name, reason=f"not written: {exc}", problem=True)
        return RowResult(line, "created", d.name, rel)
