"""Generate N account files holding a year of history (seeded), for the report benchmark.

    python bench/year.py 40000 /tmp/year40k [--today 2026-11-24] [--seed 2026]

Each account is worked for the year before --today the way a rep following the plan
would, with the slips a real year has: contacts on roughly its tier's cadence (calls,
emails, shares, visits, meetings, reviews, unanswered attempts, notes), promises kept on
time or late or not at all, problems reported and resolved, sales and their thank-yous,
and the renewal that fell due in the year: started ahead or late, signed on time or
late (`log --kind renewal --renewal-date` moves `renewal:` as touchplan does), left to
lapse, or lost (`touchplan lost`: a `lost` entry and `status: lost`). A fifth of the
accounts live in region sub-folders. About 14 entries per account on average.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

DAY = timedelta(days=1)
CADENCE = {"A": 14, "B": 30, "C": 90}
CONTACT_KINDS = ["call"] * 10 + ["email"] * 5 + ["share"] * 1 + ["meeting"] * 1
FIRST = ["Jane", "Raj", "Marta", "Tom", "Ingrid", "Hal", "Renee", "Aisha", "Kenji", "Priya"]
LAST = ["Smith", "Patel", "Kowalski", "Becker", "Nguyen", "Okafor", "Rossi", "Tanaka"]
WORDS = ["Northwind", "Meridian", "Pinecrest", "Tallgrass", "Orchard", "Granite", "Harbor"]
TRADES = ["Logistics", "Steel", "Dental", "Marine", "Foods", "Analytics", "Telecom", "Labs"]
REASONS = ["Chose a competitor", "Budget cut", "Went in-house", "Acquired; vendor change"]
REGIONS = ["", "", "", "", "east", "west", "north/emea", "south"]


def working(day: date) -> date:
    while day.weekday() >= 5:
        day += DAY
    return day


class Account:
    """One account's file, written as touchplan would leave it after a year."""

    def __init__(self, rng: random.Random, i: int, today: date) -> None:
        self.rng = rng
        self.today = today
        self.name = f"{rng.choice(WORDS)} {rng.choice(TRADES)} {i}"
        self.slug = self.name.lower().replace(" ", "-")
        self.tier = rng.choices("ABC", weights=[15, 35, 50])[0]
        self.contact = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        self.entries: list[tuple[date, list[str]]] = []
        self.status = "active"

    def add(self, when: date, kind: str, summary: str, *extra: str) -> None:
        if when <= self.today:
            lines = [f"kind: {kind}", f"with: {self.contact}", f"summary: {json.dumps(summary)}"]
            self.entries.append((when, lines + list(extra)))

    def year(self) -> str:
        rng, today = self.rng, self.today
        start = today - timedelta(days=365)
        since = today - timedelta(days=rng.randint(30, 2500))
        every = CADENCE[self.tier]
        renewal = today + timedelta(days=rng.randint(-200, 365))
        signed_to = self.renewal_cycle(renewal, start)
        day = max(start, since) + timedelta(days=rng.randint(0, every))
        while day <= today and self.status == "active":
            self.touch(working(day))
            day += timedelta(days=max(1, round(every * rng.uniform(0.5, 1.6))))
        self.entries.sort(key=lambda e: e[0])
        lines = [
            f"name: {self.name}",
            f"tier: {self.tier}",
            f"owner: rep{rng.randint(1, 60):02d}",
            f"since: {since.isoformat()}",
            f"renewal: {(signed_to or renewal).isoformat()}",
            f"value: {rng.randint(2, 400) * 1000}",
        ]
        if self.status != "active":
            lines.append(f"status: {self.status}")
        lines += ["contacts:", f"  - name: {self.contact}", '    phone: "+1 555 0100"']
        lines.append("history:")
        for when, body in self.entries:
            lines.append(f"  - date: {when.isoformat()}")
            lines += [f"    {line}" for line in body]
        return "\n".join(lines) + "\n"

    def touch(self, day: date) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.06:
            self.add(day, "attempt", "No answer")
            return
        if roll < 0.08:
            self.add(day, "note", "Internal: pricing to check")
            return
        kind = rng.choice(CONTACT_KINDS)
        if roll < 0.12 and self.tier != "C":
            kind = "visit"
        elif roll < 0.14:
            kind = "review"
        elif roll < 0.17 and self.tier != "C":
            kind = "sale"
        extra: list[str] = []
        if rng.random() < 0.2:
            due = working(day + timedelta(days=rng.randint(3, 14)))
            extra.append(f"next: {due.isoformat()} Send the revised quote")
            keep = rng.random()
            if keep < 0.65:
                self.add(day + timedelta(days=rng.randint(0, (due - day).days)), "email",
                         "Sent the quote", "done: true")  # fmt: skip
            elif keep < 0.85:
                self.add(due + timedelta(days=rng.randint(1, 10)), "call", "Quote sent late",
                         "done: true")  # fmt: skip
        if rng.random() < 0.03:
            extra.append("problem: Late delivery on the last order")
            if rng.random() < 0.9:
                self.add(day + timedelta(days=rng.randint(1, 25)), "call",
                         "Delivery arrived; all good", "resolved: true")  # fmt: skip
        self.add(day, kind, f"{kind.title()}: checked in", *extra)
        if kind in ("sale", "visit", "meeting") and rng.random() < 0.75:
            self.add(day + timedelta(days=rng.choice([1, 1, 2, 2, 3, 5])), "thank-you",
                     "Thank-you note sent")  # fmt: skip

    def renewal_cycle(self, renewal: date, start: date) -> date | None:
        """The renewal that fell due in the year, if any: its entries; the date signed to."""
        rng = self.rng
        if renewal > self.today + timedelta(days=60):
            return None
        lead = rng.choice([90, 70, 60, 45, 30, 10])
        first = working(renewal - timedelta(days=lead))
        if first < start:
            return None
        self.add(first, "renewal", "Renewal: opened the conversation", "stage: conversation")
        self.add(working(first + timedelta(days=rng.randint(7, 20))), "renewal",
                 "Sent the renewal proposal", "stage: proposal")  # fmt: skip
        if renewal >= self.today:
            return None  # still in progress
        outcome = rng.random()
        if outcome < 0.06:
            reason = rng.choice(REASONS)
            self.add(renewal - timedelta(days=rng.randint(-20, 30)), "lost", reason)
            self.status = "lost"
            return None
        if outcome < 0.12:
            return None  # lapsed: nobody signed, nobody marked it lost
        late = outcome > 0.85
        signed = renewal + timedelta(days=rng.randint(1, 40) if late else -rng.randint(0, 25))
        if signed > self.today:
            return None
        new = renewal.replace(year=renewal.year + 1) if renewal.month != 2 or renewal.day != 29 \
            else renewal + timedelta(days=365)  # fmt: skip
        self.add(signed, "renewal", "Signed for another year", f"renewal: {new.isoformat()}")
        return new


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
    entries = 0
    for i in range(args.count):
        account = Account(rng, i, today)
        text = account.year()
        entries += len(account.entries)
        folder = accounts / rng.choice(REGIONS)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{account.slug}.yaml").write_text(text, encoding="utf-8")
    (args.target / "touchplan.yaml").write_text("capacity: 6\n", encoding="utf-8")
    print(f"{args.count} accounts, {entries} history entries ({entries / args.count:.1f} each)")


if __name__ == "__main__":
    main()
