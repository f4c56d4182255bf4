"""Generate N realistic account files (seeded) for benchmarks.

    python bench/generate.py 40000 /tmp/book40k

History holds 3-12 entries of every kind, oldest first; a fifth of the accounts
live in region sub-folders; dates are relative to --today (default 2026-11-24).
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

FIRST = [
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
]
LAST = [
    "Smith",
    "Patel",
    "Kowalski",
    "Becker",
    "Halvorsen",
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
]
ROLES = [
    "VP Operations",
    "Procurement Lead",
    "Accounts Payable",
    "CFO",
    "Plant Manager",
    "Head of IT",
    "Office Manager",
    "Director of Logistics",
]
WORDS = [
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
]
KINDS_AFTER = [
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
]
SUMMARIES = [
    "Called about the Q{q} order; delivery confirmed for the {d}th.",
    "Discussed pricing: they want {p}% off on volume above {n} units.",
    "Sent the updated price list and the new lead times.",
    "Quarterly review: satisfied with service, asked about the new product line.",
    "Delivery {d} days late; {who} is unhappy, promised a credit note.",
    "Thank-you note for the meeting; attached the proposal.",
    "Site visit at the {city} plant; met the new plant manager.",
    "Left a voicemail, no answer.",
    "Renewal talk: they are comparing us with a competitor quote.",
    "Signed the {m}-month contract, first delivery next week.",
]
CITIES = ["Pittsburgh", "Memphis", "Boston", "Seattle", "Austin", "Denver", "Columbus"]
KINDS = [
    "call",
    "call",
    "call",
    "email",
    "email",
    "visit",
    "meeting",
    "letter",
    "note",
    "review",
    "sale",
    "thank-you",
]


def summary(rng: random.Random, who: str) -> str:
    return rng.choice(SUMMARIES).format(
        q=rng.randint(1, 4),
        d=rng.randint(2, 28),
        p=rng.randint(2, 9),
        n=rng.randint(100, 900),
        who=who,
        city=rng.choice(CITIES),
        m=rng.choice([12, 18, 24, 36]),
    )


def quoted(text: str) -> str:
    """Plain when YAML allows it, double-quoted otherwise (as a person would)."""
    return json.dumps(text) if ": " in text or " #" in text else text


def account(rng: random.Random, i: int, today: date) -> tuple[str, str]:
    name = f"{rng.choice(WORDS)} {rng.choice(KINDS_AFTER)} {i}"
    slug = name.lower().replace(" ", "-")
    tier = rng.choices("ABC", weights=[15, 35, 50])[0]
    owner = f"rep{rng.randint(1, 60):02d}"
    since = today - timedelta(days=rng.randint(20, 2500))
    renewal = today + timedelta(days=rng.randint(-30, 700))
    contacts = []
    for _ in range(rng.randint(1, 3)):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        contacts.append(
            (
                f"{first} {last}",
                rng.choice(ROLES),
                f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                f"{first.lower()}@{slug[:20]}.example",
            )
        )
    lines = [
        f"# {name}: account file",
        f"name: {name}",
        f"tier: {tier}",
        f"owner: {owner}",
        f"since: {since.isoformat()}",
        f"renewal: {renewal.isoformat()}",
        f"value: {rng.randint(2, 400) * 1000}",
        f"relationship: {rng.choice(['transactional', 'relational', 'partnering'])}",
        "contacts:",
    ]
    for cname, role, phone, email in contacts:
        lines += [
            f"  - name: {cname}",
            f"    role: {role}",
            f'    phone: "{phone}"',
            f"    email: {email}",
        ]
    lines.append("history:")
    n = rng.randint(3, 12)
    span = max(n, (today - since).days)
    days = sorted(rng.sample(range(0, span), n))
    for k, offset in enumerate(days):
        when = since + timedelta(days=offset)
        if when > today:
            when = today
        kind = "sale" if k == 0 else rng.choice(KINDS)
        who = contacts[0][0]
        lines += [
            f"  - date: {when.isoformat()}",
            f"    kind: {kind}",
            f"    with: {who}",
            f"    summary: {quoted(summary(rng, who.split()[0]))}",
        ]
        roll = rng.random()
        if roll < 0.12:
            lines.append(
                f"    next: {(when + timedelta(days=rng.randint(2, 30))).isoformat()} "
                "Send the revised quote"
            )
        elif roll < 0.16:
            lines.append("    problem: Late delivery on the last order")
        elif roll < 0.22:
            lines.append("    resolved: true")
        elif roll < 0.30:
            lines.append("    done: true")
    return slug, "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", default="2026-11-24")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    today = date.fromisoformat(args.today)
    accounts = args.target / "accounts"
    regions = ["", "", "", "", "east", "west", "north/emea", "south"]
    for i in range(args.count):
        slug, text = account(rng, i, today)
        folder = accounts / rng.choice(regions)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slug}.yaml").write_text(text, encoding="utf-8")
    (args.target / "touchplan.yaml").write_text("capacity: 6\n", encoding="utf-8")


if __name__ == "__main__":
    main()
