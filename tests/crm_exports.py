"""Real-shaped CRM exports, generated: each row written the way the CRM writes it, with
what `touchplan import` must make of it, worked out from what the row means (not by
calling the importer). Shared by tests/test_import.py and bench/import_bench.py.

- `salesforce_report`: a Salesforce report export (field labels, US dates, formatted
  currency, 15-character ids, the report footer).
- `data_loader`: a Salesforce Data Loader / Bulk API export (API names in capitals,
  every value quoted, ISO timestamps with a zone, revenue in scientific notation,
  18-character ids, user ids as owners, multi-line descriptions).
- `hubspot_companies`: a HubSpot companies export (labels, lifecycle stages, numeric
  record ids, "YYYY-MM-DD HH:MM" dates, revenue someone typed words into).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

TODAY = date(2026, 11, 24)  # conftest's TOUCHPLAN_TODAY

# Names that trip up CSV, YAML, file names and terminals; each one customer.
GARBLED = (
    "Société Générale d'Équipement",
    "Müller & Söhne GmbH",
    "Łódź Logistics Sp. z o.o.",
    "Rocket 🚀 Labs",
    'Summit "Peak" Outfitters',
    "O'Brien's Pub Supply",
    "Baker, Lowe & Sons",
    "CafÃ© OlÃ© Roasters",  # UTF-8 read as Windows-1252 somewhere upstream
    "Acme: West",
    "#1 Supplies",
    "yes",
    "null",
    "- Dash Co",
    "[Bracket] Inc",
    "@Handle Media",
    "100",
    "東京商事株式会社",  # no letter a file name can use: the CRM id names the file
    "Ärzte-Verbund Süd",
    "Smith & Wesson; Holdings",
    "Grand Totals Inc",  # not the report footer
)
MOJIBAKE = {"CafÃ© OlÃ© Roasters": "Café Olé Roasters"}
WORDS = ("Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
         "Soylent", "Cyberdyne", "Tyrell", "Wonka", "Oscorp", "Monarch", "Nakatomi",
         "Virtucon", "Dunder", "Massive", "Prestige", "Gringotts")  # fmt: skip
SUFFIXES = ("Corp", "Inc.", "LLC", "GmbH", "Ltd", "S.A.", "Holdings", "Group", "AG", "Partners")
SF_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
BAD_AMOUNT = "not disclosed"
AMOUNT_WARNING = "{label}: 'not disclosed' is not an amount (write digits, e.g. 120000); left out"


def sf_id(prefix: str, rng: random.Random, length: int = 18) -> str:
    """A Salesforce record id: 15 case-sensitive characters, plus the 3-character case
    checksum in the 18-character form."""
    head = prefix + "".join(rng.choice(ALNUM) for _ in range(15 - len(prefix)))
    return head if length == 15 else head + sf_checksum(head)


def sf_checksum(head: str) -> str:
    tail = ""
    for j in (0, 5, 10):
        bits = sum(1 << i for i, ch in enumerate(head[j : j + 5]) if "A" <= ch <= "Z")
        tail += SF_CHECKSUM[bits]
    return tail


@dataclass
class Expect:
    """What import must report for one line, and the account it must write."""

    line: int
    status: str  # created | skipped
    name: str | None = None
    reason: str = ""
    problem: bool = False
    warnings: tuple[str, ...] = ()
    account: dict[str, Any] = field(default_factory=dict)


@dataclass
class Export:
    file_name: str
    data: bytes
    rows: list[Expect]
    columns: dict[str, str]  # column -> field, as import must report them
    ignored: list[str]
    orders: dict[str, tuple[int, str]]  # date column -> the line (and value) deciding it
    unmapped: dict[str, int]  # owner cell no alias maps -> accounts created with it

    def counts(self) -> dict[str, int]:
        made = sum(r.status == "created" for r in self.rows)
        return {"created": made, "would-create": 0, "present": 0, "skipped": len(self.rows) - made}


class Writer:
    """CSV text, and the line each record starts on."""

    def __init__(self, header: Sequence[str], *, quote_all: bool = False, crlf: bool = True):
        self.buffer = io.StringIO()
        self.csv = csv.writer(
            self.buffer,
            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
            lineterminator="\r\n" if crlf else "\n",
        )
        self.line = 1
        self.write(header)

    def write(self, cells: Sequence[str]) -> int:
        start, before = self.line, self.buffer.tell()
        self.csv.writerow(cells)
        self.line += self.buffer.getvalue()[before:].replace("\r\n", "\n").count("\n")
        return start


def company(i: int, rng: random.Random, garbled_every: int) -> str:
    if i % garbled_every == 0:
        k = i // garbled_every
        return GARBLED[k] if k < len(GARBLED) else f"{GARBLED[k % len(GARBLED)]} {i}"
    return f"{rng.choice(WORDS)} {rng.choice(SUFFIXES)} {i}"


def some_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def us_date(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def name_warnings(label: str, name: str) -> list[str]:
    for garbled, meant in MOJIBAKE.items():
        if name.startswith(garbled):
            fixed = meant + name.removeprefix(garbled)
            return [
                f"{label}: {name!r} looks mis-encoded (it may be {fixed!r}); imported as written"
            ]
    return []


@dataclass
class Row:
    """One customer as the CRM holds it, before any export formats it."""

    name: str
    owner: str  # as the export writes it; "" for none
    kind: str  # account type or lifecycle stage
    crm_id: str
    since: date | None
    last: date | None
    revenue: int | str | None  # a number, BAD_AMOUNT, or None (blank)
    phone: str = ""
    tier: str = "C"
    renewal: date | None = None
    notes: str = ""


def expect_row(
    line: int,
    row: Row,
    *,
    labels: Mapping[str, str],
    customer: Callable[[str], bool],
    aliases: Mapping[str, str],
    default_owner: str,
    file_name: str,
) -> Expect:
    """What import makes of one row, from the spec: nameless and non-customer rows are
    skipped with a note; a customer becomes an account whose every value is the row's."""
    if not row.name:
        return Expect(line, "skipped", reason=f"no account name ({labels['name']} is empty)")
    if not customer(row.kind):
        why = f"not a customer: {labels['type']} is {row.kind!r}"
        return Expect(line, "skipped", row.name, reason=why)
    warnings = name_warnings(labels["name"], row.name)
    if row.revenue == BAD_AMOUNT:
        warnings.append(AMOUNT_WARNING.format(label=labels["revenue"]))
    history = []
    if row.last:
        history.append((row.last, "imported", f"Last activity in the CRM ({file_name})"))
    account = {
        "name": row.name,
        "tier": row.tier,
        "owner": aliases.get(row.owner, row.owner) if row.owner else default_owner,
        "crm_id": row.crm_id,
        "since": row.since,
        "added": TODAY,
        "renewal": row.renewal,
        "value": None,
        "revenue": float(row.revenue) if isinstance(row.revenue, int) else None,
        "notes": row.notes,
        "contacts": [("Main contact", "", row.phone, "")] if row.phone else [],
        "history": history,
    }
    return Expect(line, "created", row.name, warnings=tuple(warnings), account=account)


def unmapped_owners(
    rows: list[Expect], cells: dict[int, str], aliases: Mapping[str, str]
) -> dict[str, int]:
    found: dict[str, int] = {}
    for r in rows:
        owner = cells.get(r.line, "")
        if r.status == "created" and owner and owner not in aliases:
            found[owner] = found.get(owner, 0) + 1
    return found


def first_deciding(cells: list[tuple[int, str]]) -> tuple[int, str]:
    """The first US date whose day is above 12: only month-first reads it."""
    return next((line, text) for line, text in cells if text and int(text.split("/")[1]) > 12)


# -- Salesforce report (labels) ---------------------------------------------------------

SF_OWNERS = ("Dana Whitaker", "Sam Ortiz", "Lee Park", "Chris Nguyen")
SF_TYPES = (
    ("Customer - Direct", 60),
    ("Customer - Channel", 15),
    ("Prospect", 10),
    ("Channel Partner / Reseller", 5),
    ("Other", 5),
    ("", 5),
)
SF_HEADER = (
    "Account Name",
    "Account Owner",
    "Type",
    "Billing City",
    "Phone",
    "Website",
    "Annual Revenue",
    "Created Date",
    "Last Activity",
    "Account ID",
    "Account Tier",
    "Rating",
)
SF_LABELS = {"name": "Account Name", "type": "Type", "revenue": "Annual Revenue"}


def sf_customer(kind: str) -> bool:
    return kind in ("Customer - Direct", "Customer - Channel", "")


def salesforce_report(
    rows: int = 300, seed: int = 1, aliases: Mapping[str, str] | None = None
) -> Export:
    """``aliases``: owner cell -> rep, as the test's `owners:` maps them."""
    rng = random.Random(seed)
    aliases = aliases or {}
    file_name = "report1764000000000.csv"
    out = Writer(SF_HEADER)
    expect: list[Expect] = []
    owners: dict[int, str] = {}
    dates: dict[str, list[tuple[int, str]]] = {"Created Date": [], "Last Activity": []}
    types = [t for t, weight in SF_TYPES for _ in range(weight)]
    # The first rows are fixed, for their exact bytes: a long-standing customer with
    # everything, a customer with only a name, a prospect.
    fixed = [
        Row("Acme Corp", "Dana Whitaker", "Customer - Direct", "001A000001AcmeQ",
            date(2019, 3, 15), date(2026, 10, 2), 1250000, "(555) 010-0100", "A"),
        Row('Summit "Peak" Outfitters', "", "Customer - Channel", "", None, None, None),
        Row("Pied Piper", "Lee Park", "Prospect", "001A00000PiedP1", date(2026, 11, 20),
            None, 5000, "555-0199"),
    ]  # fmt: skip
    for i in range(rows):
        if i < len(fixed):
            row = fixed[i]
        else:
            since = some_day(rng, date(2012, 1, 1), date(2026, 6, 30))
            row = Row(
                company(i, rng, 16) if i % 97 != 50 else "",  # now and then a nameless one
                rng.choice(SF_OWNERS) if rng.random() < 0.95 else "",
                rng.choice(types),
                sf_id("001", rng, 15),
                since,
                some_day(rng, since, TODAY) if rng.random() < 0.7 else None,
                rng.choice((None, rng.randrange(10**5, 10**8), BAD_AMOUNT)),
                f"(555) 010-{i:04d}",
                rng.choice("ABCC"),
            )
        revenue = row.revenue
        if isinstance(revenue, int):
            revenue = rng.choice((f"${revenue:,}.00", f"USD {revenue:,}.00", str(revenue)))
        tier_cell = f"Tier {row.tier}" if row.tier != "C" or rng.random() < 0.5 else ""
        cells = [
            row.name,
            row.owner,
            row.kind,
            rng.choice(("Denver", "Boston", "Austin", "")),
            row.phone,
            f"www.company{i}.example",
            revenue or "",
            us_date(row.since) if row.since else "",
            us_date(row.last) if row.last else "",
            row.crm_id,
            tier_cell,
            rng.choice(("Hot", "Warm", "Cold", "")),
        ]
        line = out.write(cells)
        owners[line] = row.owner
        dates["Created Date"].append((line, cells[7]))
        dates["Last Activity"].append((line, cells[8]))
        expect.append(
            expect_row(
                line,
                row,
                labels=SF_LABELS,
                customer=sf_customer,
                aliases=aliases,
                default_owner="",
                file_name=file_name,
            )
        )
        if i % 101 == 7:
            expect.append(Expect(out.write([""] * len(SF_HEADER)), "skipped", reason="blank row"))
    # What a Salesforce report export ends with.
    expect.append(Expect(out.write([""]), "skipped", reason="blank row"))
    for text in (
        f"Grand Totals ({rows} records)",
        "",
        "Confidential Information - Do Not Distribute",
        "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.",
    ):
        expect.append(Expect(out.write([text]), "skipped", reason="report footer"))
    return Export(
        file_name,
        ("\ufeff" + out.buffer.getvalue()).encode("utf-8"),
        expect,
        {
            "Account Name": "name",
            "Account Owner": "owner",
            "Type": "type",
            "Phone": "phone",
            "Annual Revenue": "revenue",
            "Created Date": "since",
            "Last Activity": "last_contact",
            "Account ID": "crm_id",
            "Account Tier": "tier",
        },
        ["Billing City", "Website", "Rating"],
        {column: first_deciding(cells) for column, cells in dates.items()},
        unmapped_owners(expect, owners, aliases),
    )


# -- Salesforce Data Loader (API names) -------------------------------------------------

DL_HEADER = (
    "ID",
    "ISDELETED",
    "NAME",
    "TYPE",
    "PARENTID",
    "BILLINGCITY",
    "PHONE",
    "WEBSITE",
    "ANNUALREVENUE",
    "NUMBEROFEMPLOYEES",
    "DESCRIPTION",
    "OWNERID",
    "CREATEDDATE",
    "LASTACTIVITYDATE",
    "CONTRACT_END_DATE__C",
)
DL_TYPES = (
    ("Customer - Direct", 55),
    ("Customer - Channel", 15),
    ("Prospect", 10),
    ("Other", 4),
    ("Channel Partner / Reseller", 4),
    ("Installation Partner", 3),
    ("Technology Partner", 3),
    ("Former Customer", 3),
    ("", 3),
)
DL_LABELS = {"name": "NAME", "type": "TYPE", "revenue": "ANNUALREVENUE"}
DL_NOTES = ("", "", "Key account.", "Pays on time.\nPrefers calls before 9.", 'Says "no" a lot')


def dl_customer(kind: str) -> bool:
    return kind in ("Customer - Direct", "Customer - Channel", "")


def data_loader(
    rows: int = 300,
    seed: int = 2,
    users: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
    default_owner: str = "",
) -> Export:
    """``users``: the OWNERID values to draw from; ``aliases`` maps some to reps."""
    rng = random.Random(seed)
    aliases = aliases or {}
    users = users or tuple(sf_id("005", rng) for _ in range(3))
    file_name = "extract.csv"
    out = Writer(DL_HEADER, quote_all=True, crlf=False)
    expect: list[Expect] = []
    owners: dict[int, str] = {}
    types = [t for t, weight in DL_TYPES for _ in range(weight)]
    for i in range(rows):
        since = some_day(rng, date(2006, 1, 1), date(2026, 6, 30))
        row = Row(
            company(i, rng, 5),
            rng.choice(users) if rng.random() < 0.9 else "",
            rng.choice(types),
            sf_id("001", rng),
            since,
            some_day(rng, since, TODAY) if rng.random() < 0.6 else None,
            rng.choice((None, rng.randrange(1, 10**4) * 10**4)),
            f"+1 555 {i:04d}" if rng.random() < 0.8 else "",
            "C",
            some_day(rng, TODAY, date(2028, 12, 31)) if rng.random() < 0.5 else None,
            rng.choice(DL_NOTES),
        )
        revenue = ""
        if isinstance(row.revenue, int):  # 60000000 -> 6.0E7, as the API writes it
            revenue = rng.choice((f"{row.revenue:.1E}".replace("E+0", "E"), f"{row.revenue}.0"))
            if float(revenue) != row.revenue:
                revenue = f"{row.revenue}.0"
        created = f"{row.since.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:"
        created += f"{rng.randrange(60):02d}.000{rng.choice(('Z', '+0000'))}"
        cells = [
            row.crm_id,
            "false",
            row.name,
            row.kind,
            "",
            rng.choice(("Denver", "Zürich", "")),
            row.phone,
            f"https://company{i}.example",
            revenue,
            str(rng.randrange(5, 5000)),
            row.notes,
            row.owner,
            created,
            row.last.isoformat() if row.last else "",
            row.renewal.isoformat() if row.renewal else "",
        ]
        line = out.write(cells)
        owners[line] = row.owner
        expect.append(
            expect_row(
                line,
                row,
                labels=DL_LABELS,
                customer=dl_customer,
                aliases=aliases,
                default_owner=default_owner,
                file_name=file_name,
            )
        )
    return Export(
        file_name,
        out.buffer.getvalue().encode("utf-8"),
        expect,
        {
            "ID": "crm_id",
            "NAME": "name",
            "TYPE": "type",
            "PHONE": "phone",
            "ANNUALREVENUE": "revenue",
            "DESCRIPTION": "notes",
            "OWNERID": "owner",
            "CREATEDDATE": "since",
            "LASTACTIVITYDATE": "last_contact",
            "CONTRACT_END_DATE__C": "renewal",
        },
        ["ISDELETED", "PARENTID", "BILLINGCITY", "WEBSITE", "NUMBEROFEMPLOYEES"],
        {},
        unmapped_owners(expect, owners, aliases),
    )


# -- HubSpot companies ------------------------------------------------------------------

HS_HEADER = (
    "Record ID",
    "Company name",
    "Company owner",
    "Create Date",
    "Last Activity Date",
    "Lifecycle Stage",
    "Type",
    "Annual Revenue",
    "Phone Number",
    "City",
    "Country/Region",
    "Industry",
    "Company Domain Name",
    "Number of Employees",
)
HS_STAGES = (
    ("Customer", 60),
    ("Evangelist", 5),
    ("Lead", 8),
    ("Subscriber", 5),
    ("Opportunity", 8),
    ("Marketing Qualified Lead", 5),
    ("Sales Qualified Lead", 5),
    ("Other", 4),
)
HS_OWNERS = ("Morgan Lee", "Jo Smith", "Ana Lima")
HS_LABELS = {"name": "Company name", "type": "Lifecycle Stage", "revenue": "Annual Revenue"}


def hs_customer(stage: str) -> bool:
    return stage in ("Customer", "Evangelist")


def hubspot_companies(
    rows: int = 300, seed: int = 3, aliases: Mapping[str, str] | None = None
) -> Export:
    rng = random.Random(seed)
    aliases = aliases or {}
    file_name = "hubspot-crm-exports-all-companies-2026-11-24.csv"
    out = Writer(HS_HEADER, crlf=False)
    expect: list[Expect] = []
    owners: dict[int, str] = {}
    stages = [s for s, weight in HS_STAGES for _ in range(weight)]
    for i in range(rows):
        since = some_day(rng, date(2015, 1, 1), date(2026, 6, 30))
        row = Row(
            company(i, rng, 15),
            rng.choice(HS_OWNERS) if rng.random() < 0.9 else "",
            rng.choice(stages),
            str(5120000 + i),
            since,
            some_day(rng, since, TODAY) if rng.random() < 0.75 else None,
            rng.choice((None, rng.randrange(10**5, 10**9), BAD_AMOUNT)),
            f"+1 555 02{i:02d}" if rng.random() < 0.9 else "",
        )
        stamp = f" {rng.randrange(24):02d}:{rng.randrange(60):02d}"
        cells = [
            row.crm_id,
            row.name,
            row.owner,
            row.since.isoformat() + stamp if row.since else "",
            row.last.isoformat() + stamp if row.last else "",
            row.kind,
            rng.choice(("Prospect", "Partner", "Reseller", "")),  # stale: the stage decides
            str(row.revenue) if row.revenue is not None else "",
            row.phone,
            rng.choice(("Boston", "Lisbon", "")),
            rng.choice(("United States", "Portugal", "")),
            rng.choice(("COMPUTER_SOFTWARE", "RETAIL", "")),
            f"company{i}.example",
            str(rng.randrange(5, 5000)),
        ]
        line = out.write(cells)
        owners[line] = row.owner
        expect.append(
            expect_row(
                line,
                row,
                labels=HS_LABELS,
                customer=hs_customer,
                aliases=aliases,
                default_owner="",
                file_name=file_name,
            )
        )
    return Export(
        file_name,
        out.buffer.getvalue().encode("utf-8"),
        expect,
        {
            "Record ID": "crm_id",
            "Company name": "name",
            "Company owner": "owner",
            "Create Date": "since",
            "Last Activity Date": "last_contact",
            "Lifecycle Stage": "type",
            "Annual Revenue": "revenue",
            "Phone Number": "phone",
        },
        [
            "Type",
            "City",
            "Country/Region",
            "Industry",
            "Company Domain Name",
            "Number of Employees",
        ],
        {},
        unmapped_owners(expect, owners, aliases),
    )
