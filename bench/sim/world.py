"""The seeded synthetic book and the seeded stream of outside events.

Everything random is drawn from the seed: the book and the events up front (identical
for every strategy), and each per-call outcome (a promise, an unanswered call, a booked
visit) from a hash of (seed, account, day, purpose), so it does not depend on the order
in which a strategy happens to work its calls.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sim.record import (
    DAY,
    REVIEW_EVERY,
    TOUCH_EVERY,
    VISIT_EVERY,
    add_working_days,
    is_working_day,
    working_days,
)

OWNER = "sam"
CRM_OWNER = "Sam Rep"
# Outside events per working day, for one rep's book whatever its size (issue 13: a sale
# a week, an inbound problem a fortnight). A bigger book is more cadence work, not more
# news: that is what makes the overloaded scenario overloaded.
SALES_PER_DAY = 1 / 5
PROBLEMS_PER_DAY = 1 / 10
SALE_WEIGHT = {"A": 5, "B": 3, "C": 1}
PROMISE_SHARE = 0.3  # calls on which the rep promises a follow-up
BOOK_SHARE = 0.3  # visits the rep books for later instead of going at once
ATTEMPT_SHARE = 0.1  # calls nobody answers (only where the CLI can log an attempt)
LOST_SHARE = 0.08  # renewals that end with the customer lost
# A renewal's next step needs this many days after the previous one (the customer
# reads the proposal, asks their board); touches in between keep it warm only.
RENEWAL_STEP_DAYS = 3

WORDS = (
    "Northwind",
    "Meridian",
    "Halvorsen",
    "Pinecrest",
    "Tallgrass",
    "Westbrook",
    "Orchard",
    "Sierra",
    "Copperfield",
    "Quarry",
    "Lumen",
    "Granite",
    "Fernhill",
    "Brightline",
    "Harbor",
    "Summit",
    "Riverside",
    "Bluebird",
    "Ironwood",
    "Cobalt",
    "Redwood",
    "Atlas",
    "Beacon",
    "Juniper",
    "Kestrel",
    "Larkspur",
    "Marlow",
    "Oakridge",
    "Prairie",
    "Silverton",
)
TRADES = (
    "Logistics",
    "Steel",
    "Dental",
    "Marine",
    "Health",
    "Print",
    "Foods",
    "Analytics",
    "Builders",
    "Signage",
    "Telecom",
    "Wines",
    "Supply",
    "Systems",
    "Labs",
    "Plastics",
    "Optics",
    "Textiles",
)
FIRST = (
    "Jane",
    "Raj",
    "Marta",
    "Tom",
    "Ingrid",
    "Carla",
    "Hal",
    "Renee",
    "Mike",
    "Aisha",
    "Lars",
    "Sofia",
    "Kenji",
    "Priya",
    "Omar",
    "Elena",
    "Noah",
    "Grace",
    "Ivan",
    "Lena",
)
LAST = (
    "Smith",
    "Patel",
    "Kowalski",
    "Becker",
    "Nguyen",
    "Brennan",
    "Castillo",
    "Duarte",
    "Okafor",
    "Nilsson",
    "Rossi",
    "Tanaka",
    "Sharma",
    "Haddad",
    "Petrova",
    "Lindqvist",
)
ROLES = ("VP Operations", "Procurement Lead", "Plant Manager", "Head of IT", "CFO")
PROBLEMS = (
    "Late delivery on the last order",
    "Invoice billed at the wrong price",
    "Damaged pallets on arrival",
    "Wrong part numbers shipped",
    "Support ticket unanswered for a week",
    "Portal login broken for their buyers",
)
PROMISES = (
    "Send the revised quote",
    "Confirm the delivery date",
    "Send the spec sheet",
    "Check the credit note",
    "Introduce our logistics lead",
    "Send the volume pricing",
)


def chance(seed: int, *parts: object) -> float:
    """A uniform draw in [0, 1) fixed by the seed and the parts (order-free)."""
    return random.Random(":".join(str(p) for p in (seed, *parts))).random()


def pick(seed: int, lo: int, hi: int, *parts: object) -> int:
    """An integer in [lo, hi] fixed by the seed and the parts."""
    return random.Random(":".join(str(p) for p in (seed, *parts))).randint(lo, hi)


@dataclass(frozen=True)
class Scenario:
    name: str
    accounts: int
    mix: tuple[float, float, float]  # share of A, B, C
    days: int  # working days simulated
    imported: bool = False
    last_activity_share: float = 0.6  # imported rows that carry a last activity date


@dataclass
class Entry:
    day: date
    kind: str
    who: str
    summary: str
    done: bool = False


@dataclass
class Spec:
    """One account of the book, as its file (or CSV row) will say it."""

    slug: str
    name: str
    tier: str
    since: date
    renewal: date
    value: int
    contacts: list[tuple[str, str, str]]  # name, role, phone
    history: list[Entry] = field(default_factory=list)
    last_activity: date | None = None  # imported rows: the CRM's last activity date

    @property
    def contact(self) -> str:
        return self.contacts[0][0]

    def last(self, kinds: frozenset[str]) -> date | None:
        days = [e.day for e in self.history if e.kind in kinds]
        return max(days) if days else None


@dataclass(frozen=True)
class Event:
    day: date
    kind: str  # sale | problem
    slug: str
    text: str
    needed: int = 0  # problems: further touches until it is resolved


@dataclass
class Book:
    scenario: Scenario
    seed: int
    start: date
    specs: dict[str, Spec]
    events: list[Event]
    # per account: (progress touches needed, lost at the end) of the renewal in the book
    renewal_terms: dict[str, tuple[int, bool]]

    @property
    def end(self) -> date:
        return working_days(self.start, self.scenario.days)[-1]


CONTACT_KINDS = frozenset({"call", "visit", "meeting", "email", "review", "sale", "thank-you"})


def _names(rng: random.Random, count: int) -> list[str]:
    combos = [f"{w} {t}" for w in WORDS for t in TRADES]
    if count <= len(combos):
        return rng.sample(combos, count)
    return [f"{c} {i // len(combos) + 1}" for i, c in enumerate(rng.choices(combos, k=count))]


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def _working_before(day: date) -> date:
    """``day`` if it is a working day, else the working day before it."""
    while not is_working_day(day):
        day -= DAY
    return day


def _prior_history(rng: random.Random, spec: Spec, start: date) -> list[Entry]:
    """A few months of history that leaves every cadence mid-cycle and nothing open."""
    who = spec.contact
    tier = spec.tier
    entries: list[Entry] = []
    new = (start - spec.since).days < 90
    touch = TOUCH_EVERY[tier] // (2 if new else 1)
    if new:
        entries.append(Entry(spec.since, "sale", who, "Signed the first contract."))
        entries.append(
            Entry(add_working_days(spec.since, 1), "thank-you", who, "Thanks for the order.")
        )
        gap_check = spec.since + timedelta(days=7)
        if gap_check < start:
            entries.append(
                Entry(
                    _working_before(gap_check),
                    "call",
                    who,
                    "Checked the first delivery: as expected.",
                    done=True,
                )
            )
        onboarding = spec.since + timedelta(days=30)
        if onboarding < start:
            entries.append(
                Entry(_working_before(onboarding), "review", who, "Implementation review.")
            )
        day = spec.since + timedelta(days=touch)
        while day < start - DAY:
            entries.append(Entry(_working_before(day), "call", who, "Checked in."))
            day += timedelta(days=touch)
        return entries
    earliest = max(spec.since, start - timedelta(days=120))
    day = start - timedelta(days=rng.randint(1, touch))
    while day >= earliest:
        kind = rng.choice(("call", "call", "email"))
        entries.append(Entry(_working_before(day), kind, who, "Checked in; all well."))
        day -= timedelta(days=round(touch * rng.uniform(0.8, 1.0)))
    visit_every = VISIT_EVERY[tier]
    if visit_every:
        visit = _working_before(start - timedelta(days=rng.randint(1, visit_every)))
        if visit >= spec.since:
            entries.append(Entry(visit, "visit", who, "Site visit."))
            thanks = add_working_days(visit, 1)
            if thanks < start:
                entries.append(Entry(thanks, "thank-you", who, "Thanks for the visit."))
    review = _working_before(start - timedelta(days=rng.randint(1, REVIEW_EVERY[tier])))
    if review >= spec.since:
        entries.append(Entry(review, "review", who, "Relationship review."))
    return entries


def _contacts(rng: random.Random) -> list[tuple[str, str, str]]:
    people = []
    for _ in range(rng.randint(1, 2)):
        people.append(
            (
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                rng.choice(ROLES),
                f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            )
        )
    return people


def make_book(scenario: Scenario, seed: int, start: date) -> Book:
    """The book and the events of one scenario and seed."""
    rng = random.Random(f"{seed}:{scenario.name}")
    count_a = round(scenario.accounts * scenario.mix[0])
    count_b = round(scenario.accounts * scenario.mix[1])
    tiers = ["A"] * count_a + ["B"] * count_b + ["C"] * (scenario.accounts - count_a - count_b)
    rng.shuffle(tiers)
    specs: dict[str, Spec] = {}
    for name, tier in zip(_names(rng, scenario.accounts), tiers, strict=True):
        slug = _slug(name)
        if scenario.imported:
            since = start - timedelta(days=rng.randint(365, 3650))
            renewal = start + timedelta(days=rng.randint(10, 365))
        else:
            recent = rng.random() < 0.15
            since = start - timedelta(days=rng.randint(5, 80) if recent else rng.randint(400, 2500))
            # every renewal's 60-day window opens inside the run or later
            renewal = start + timedelta(days=rng.randint(61, 426))
        spec = Spec(
            slug,
            name,
            tier,
            since,
            renewal,
            rng.randint(2, 400) * 1000,
            _contacts(rng),
        )
        if scenario.imported:
            if rng.random() < scenario.last_activity_share:
                spec.last_activity = _working_before(start - timedelta(days=rng.randint(1, 200)))
        else:
            spec.history = sorted(_prior_history(rng, spec, start), key=lambda e: e.day)
        specs[slug] = spec
    terms = {slug: (rng.randint(2, 4), rng.random() < LOST_SHARE) for slug in sorted(specs)}
    return Book(scenario, seed, start, specs, _events(rng, scenario, specs, start), terms)


def _poisson(rng: random.Random, rate: float) -> int:
    count, threshold, product = 0, pow(2.718281828459045, -rate), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _events(
    rng: random.Random, scenario: Scenario, specs: dict[str, Spec], start: date
) -> list[Event]:
    slugs = sorted(specs)
    weights = [SALE_WEIGHT[specs[s].tier] for s in slugs]
    events: list[Event] = []
    last_problem: dict[str, date] = {}
    for n, day in enumerate(working_days(start, scenario.days)):
        for _ in range(_poisson(rng, SALES_PER_DAY)):
            slug = rng.choices(slugs, weights=weights)[0]
            events.append(Event(day, "sale", slug, f"Order for {rng.randint(20, 900)} units."))
        for _ in range(_poisson(rng, PROBLEMS_PER_DAY)):
            slug = rng.choice(slugs)
            if slug in last_problem and (day - last_problem[slug]).days < 30:
                continue  # one complaint at a time per customer keeps the story readable
            last_problem[slug] = day
            text = f"{rng.choice(PROBLEMS)} (#q{n}-{len(events)})"
            events.append(Event(day, "problem", slug, text, rng.randint(1, 4)))
    return events


# -- files -----------------------------------------------------------------------------


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def account_yaml(spec: Spec) -> str:
    """The account file a rep would have written by hand."""
    lines = [
        f"# {spec.name}",
        f"name: {_q(spec.name)}",
        f"tier: {spec.tier}",
        f"owner: {OWNER}",
        f"since: {spec.since.isoformat()}",
        f"renewal: {spec.renewal.isoformat()}",
        f"value: {spec.value}",
        "contacts:",
    ]
    for name, role, phone in spec.contacts:
        lines += [f"  - name: {_q(name)}", f"    role: {_q(role)}", f"    phone: {_q(phone)}"]
    lines.append("history:")
    for entry in spec.history:
        lines += [
            f"  - date: {entry.day.isoformat()}",
            f"    kind: {entry.kind}",
            f"    with: {_q(entry.who)}",
            f"    summary: {_q(entry.summary)}",
        ]
        if entry.done:
            lines.append("    done: true")
    return "\n".join(lines) + "\n"


POLICY_YAML = "# Written by bench/simulate.py: the default policy, no holidays.\ncapacity: 6\n"

CSV_COLUMNS = (
    "Account Name",
    "Account Owner",
    "Type",
    "Account Priority",
    "Customer Since",
    "Contract End Date",
    "Annual Contract Value",
    "Primary Contact",
    "Phone",
    "Last Activity Date",
)
PRIORITY = {"A": "High", "B": "Medium", "C": "Low"}


def _us(day: date | None) -> str:
    return "" if day is None else f"{day.month}/{day.day}/{day.year}"


def salesforce_csv(specs: list[Spec]) -> str:
    """A Salesforce-style account report export (US dates, labels as headers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for spec in specs:
        name, _role, phone = spec.contacts[0]
        writer.writerow(
            (
                spec.name,
                CRM_OWNER,
                "Customer - Direct",
                PRIORITY[spec.tier],
                _us(spec.since),
                _us(spec.renewal),
                f"${spec.value:,.2f}",
                name,
                phone,
                _us(spec.last_activity),
            )
        )
    return buffer.getvalue()
