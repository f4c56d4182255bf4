"""Time `touchplan import meetings.ics`: a year of a busy calendar into a book.

    python bench/calendar_bench.py                     # 2,000 events into 500 accounts
    python bench/calendar_bench.py --events 4000 --accounts 1000 --runs 7

The book is bench/generate.py's (seeded); the calendar is made here (seeded): events
over the year to --today and two months on, eight a working day, most with one to
three of an account's contacts (or people at its domain) and someone from the rep's
company, some internal only, some with strangers; a twentieth are weekly or fortnightly
series with excluded and moved occurrences; a few cancelled or declined; times in
UTC, in an IANA zone or in a Windows zone, as Google, Apple and Exchange write them.

Each figure is the median wall time of --runs runs of the installed `touchplan`, as a
whole process: the first import into a fresh copy of the book (writing every entry),
and the import again (adding nothing). Target (issue 20): 2,000 events into 500
accounts in 5 s or less.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import account  # noqa: E402  (bench/ is not a package)

ZONES = [("", ""), ("America/New_York", ""), ("W. Europe Standard Time", "Europe/Berlin")]
TITLES = ["Quarterly review", "Check-in", "Pricing call", "Site visit", "Onboarding",
          "Renewal talk", "Escalation", "Demo", "Lunch", "Workshop"]  # fmt: skip
LOCATIONS = ["https://meet.google.com/abc-defg-hij", "Microsoft Teams Meeting", "", "Room 4.12",
             "1200 Industrial Pkwy, Dayton", "Hauptstraße 5, 10115 Berlin"]  # fmt: skip


def book(target: Path, accounts: int, today: date, seed: int) -> list[tuple[str, list[str]]]:
    """Write the accounts; return each one's slug and its contacts' addresses."""
    rng = random.Random(seed)
    people = []
    for i in range(accounts):
        slug, text = account(rng, i, today)
        if i % 5 == 0:  # a fifth is known by its domain too
            text = text.replace("contacts:", f"domains: [{slug[:20]}.example]\ncontacts:", 1)
        (target / "accounts").mkdir(parents=True, exist_ok=True)
        (target / "accounts" / f"{slug}.yaml").write_text(text, encoding="utf-8")
        emails = [line.split("email: ")[1] for line in text.splitlines() if "email: " in line]
        people.append((slug, emails))
    (target / "touchplan.yaml").write_text(
        "capacity: 6\nowners:\n  dana: dana@us.example\n", encoding="utf-8"
    )
    return people


def stamp(moment: datetime, zone: str) -> tuple[str, str]:
    """The `;TZID=...` parameter and the value of a time, as the zone's client writes it."""
    if not zone:
        return "", moment.strftime("%Y%m%dT%H%M%SZ")
    return f";TZID={zone}", moment.strftime("%Y%m%dT%H%M%S")


def calendar(people: list[tuple[str, list[str]]], events: int, today: date, seed: int) -> str:
    rng = random.Random(seed)
    first = today - timedelta(days=300)
    days = [
        first + timedelta(days=n) for n in range(365) if (first + timedelta(days=n)).weekday() < 5
    ]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//touchplan bench//EN"]
    for n in range(events):
        day = rng.choice(days)
        start = datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.choice([0, 30]))
        zone, _iana = rng.choice(ZONES)
        tz, begin = stamp(start, zone)
        _tz, end = stamp(start + timedelta(minutes=rng.choice([30, 60, 90])), zone)
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{n}@cal.us.example",
            "DTSTAMP:20261101T000000Z",
            f"DTSTART{tz}:{begin}",
            f"DTEND{tz}:{end}",
            f"SUMMARY:{rng.choice(TITLES)}",
            f"LOCATION:{rng.choice(LOCATIONS).replace(',', chr(92) + ',')}",
            "ORGANIZER;CN=Dana Rep:mailto:dana@us.example",
        ]
        roll = rng.random()
        if roll < 0.8:
            _slug, emails = rng.choice(people)
            for email in rng.sample(emails, rng.randint(1, len(emails))):
                state = "DECLINED" if rng.random() < 0.05 else "ACCEPTED"
                lines.append(f"ATTENDEE;CN={email};PARTSTAT={state}:mailto:{email}")
            if rng.random() < 0.2:
                lines.append(f"ATTENDEE:mailto:guest{n}@partner{n % 40}.example")
        elif roll < 0.9:
            lines.append(f"ATTENDEE:mailto:colleague{n % 9}@us.example")
        else:
            lines.append(f"ATTENDEE:mailto:someone{n}@stranger{n % 60}.example")
        if rng.random() < 0.03:
            lines.append("STATUS:CANCELLED")
        if rng.random() < 0.05:  # a series: weekly or fortnightly, with exceptions
            lines.append(
                f"RRULE:FREQ=WEEKLY;INTERVAL={rng.choice([1, 2])};COUNT={rng.randint(4, 26)}"
            )
            lines.append(f"EXDATE{tz}:{stamp(start + timedelta(weeks=2), zone)[1]}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed: {err}")
    return elapsed, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", default="2026-11-24")
    parser.add_argument("--work", type=Path, default=Path("/tmp/touchplan-calendar-bench"))
    args = parser.parse_args()
    today = date.fromisoformat(args.today)
    exe = shutil.which("touchplan") or "touchplan"
    shutil.rmtree(args.work, ignore_errors=True)
    pristine = args.work / "pristine"
    people = book(pristine, args.accounts, today, args.seed)
    ics = args.work / "meetings.ics"
    ics.write_text(calendar(people, args.events, today, args.seed), encoding="utf-8", newline="")
    env = {**os.environ, "TOUCHPLAN_TODAY": args.today, "TZ": "UTC",
           "TOUCHPLAN_CACHE_DIR": str(args.work / "cache")}  # fmt: skip
    first, again = [], []
    for n in range(args.runs):
        target = args.work / f"run{n}"
        shutil.copytree(pristine, target)
        argv = [exe, "import", str(ics), "--dir", str(target)]
        first.append(timed(argv, env))
        again.append(timed(argv, env))
    before = sum(p.stat().st_size for p in (pristine / "accounts").glob("*.yaml"))
    after = sum(p.stat().st_size for p in (args.work / "run0" / "accounts").glob("*.yaml"))
    entries = sum(
        p.read_text(encoding="utf-8").count("    ref: ics:")
        for p in (args.work / "run0" / "accounts").glob("*.yaml")
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; median of {args.runs} runs, whole process.\n"
    )
    print(f"| {args.events:,} events into {args.accounts:,} accounts | wall time | CPU time |")
    print("|---|---|---|")
    for name, runs in (
        (f"first import ({entries:,} entries, +{(after - before) // 1024:,} KiB)", first),
        ("the same import again (adds nothing)", again),
    ):
        wall = statistics.median(t for t, _cpu in runs)
        cpu = statistics.median(c for _t, c in runs)
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s |")


if __name__ == "__main__":
    main()
