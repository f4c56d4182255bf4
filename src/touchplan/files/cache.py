"""The plan cache: per account file, what `today` and `check` need, keyed by its stat.

It lives outside the data repository (see ``state.state_dir``), is an SQLite database
of plain values (standard library; it can never run code), carries a schema version,
the package version and a hash of the policy, and is thrown away whole when the schema
or version differ or when it cannot be read. A different policy keeps one table: each
file's parsed account (files.stored), from which every plan row is made again on every
core without reading YAML.
Deleting it is always safe: the next run rebuilds it (cold), parsing on every core.

A record holds the file's due-date skeleton: each item's kind, class, due date,
cadence and key from ``plan_account``, valid while the file is unchanged and the day is
inside the window ``planning.schedule.stable_until`` gives. `today` ranks the accounts'
calls from those skeletons (the same score arithmetic as a full plan, in SQL, kept per
day and per account so a warm run reads the top of an index), weighs
the commitments ahead for ``pull_forward``, and then plans in full only the few
accounts it shows, so a warm run never parses YAML it does not print. The header's
workload figure is summed in SQL from per-file figures and the recent history entries.

`report` reads the parsed accounts, and keeps beside them (table `trends`) what its
weekly trends read of each file's plans (``TrendKeeper``), for the next report to read;
a file it had to parse (new, changed, or with no cache yet) has its parse kept too, so
the next report, or `today`, reads no YAML for it (``start_cache`` makes the cache when
there is none: a manager who only runs `report` pays for the parse once).
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import os
import re
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from touchplan import __version__
from touchplan.config import (
    NOTED,
    NOTED_READ,
    POLICY_FILE,
    Config,
    Policy,
    days_asked,
    fingerprint,
    noting,
    plain,
)
from touchplan.errors import AccountFileError, Problem
from touchplan.files.figures import Figures, loads, sum_figures
from touchplan.files.schema import read_account
from touchplan.files.state import state_dir
from touchplan.files.store import (
    Block,
    FileStat,
    direct_hit,
    duplicate_slug,
    file_stat,
    leftover_temps,
    list_account_files,
    list_account_rels,
    load_book,
    load_file,
    read_capped,
    resolve_rel,
    scan_tree,
)
from touchplan.files.stored import DAMAGED, dump_account, load_account
from touchplan.model import EVERYONE, Account, Item, ItemClass, ItemKind, Status, Tier
from touchplan.planning.calls import (
    EARLY_KINDS,
    Ahead,
    Call,
    call_key,
    calls_from,
    due_and_pulled,
    make_call,
    pull_forward,
    relabel,
    spare_for,
)
from touchplan.planning.people import owned
from touchplan.planning.schedule import (
    ID_LENGTH,
    TIER_ORDER,
    assign_ids,
    grace_limit,
    is_planned,
    kept_items,
    plan_account,
    stable_until,
    wait_limit,
)
from touchplan.planning.walk import (
    attempted,
    effective_renewal,
    plus,
    touch_changes,
    touch_every,
    walk_history,
)
from touchplan.planning.workload import WINDOW, kind_loads, needed_calls, needed_of
from touchplan.progress import ProgressFactory
from touchplan.text import fold_name

# 3 was two layouts on two branches (ctime and digest; repeats): a new file;
# 5: when each item was opened (book-wide ids); 6: `imp` holds a cadence row's kind
# weight (weights.cadence); 7: workload figures (every, renewal_due, events) and the
# parsed accounts (`parsed`, kept across a policy change); 8: each day's ranking rows
# (`ranks`), covering indexes for the header's workload figures; 9: the commitments ahead
# read from a covering index (`items_ahead`); 10: the workload figures kept per day
# (`demand`), the key made of the settings plans depend on (not touchplan.yaml's bytes);
# 11: a ranking row's `p` counts cadence work past its grace, not all late cadence work
# (schedule.wait_limit); `items_ahead` covers `opened` (a promise made today keeps no
# spare day: calls.spare_for); 12: `demand` holds whole-number figures (files.figures), which
# a changed file's rows adjust instead of emptying the table; 13: the days each plan asked
# about (`files.days`), so a holidays edit re-plans only the accounts that asked about one;
# 14: `trends`, the report's weekly trend readings kept per file (planning.report.Segment),
# written by `report`; 15: `files.days_mask`, the weeks those days fall in (a holidays
# edit reads the days of only the plans that asked about a changed day's week), and
# `files.reads`, which of config.NOTED each plan read (an edit of one of them plans again
# only the accounts whose plans read it); 16: a table of ranking rows per day kept
# (``_RANKS``), `ranked.slot` naming it
SCHEMA = 16
CACHE_NAME = f"plan-cache-v{SCHEMA}.sqlite3"
PARALLEL_FROM = 400  # files to parse before a process pool pays for itself
CHUNK = 250
_REPLACE_CHUNK = 1000  # the largest chunk of rows replacing others (see _fill)
# Git's racy-clean rule: a file changed within this long of our reading it may change
# again without its stat changing (1-second or 2-second timestamps: ext3, FAT, many
# network mounts), so its row also keeps a hash of its bytes, compared on later runs.
RACY_NS = 3_000_000_000
# SQLite's page cache for the process pool's writer: 64 MiB, not its default 2, so that
# re-planning a fifth of the book (a policy edit) keeps the index pages it changes over
# and over in memory (half the time of inserting its rows). Not for a warm run's reads:
# pages read once cost more to keep (fresh memory) than to recycle.
_CACHE_SIZE = "PRAGMA cache_size=-65536"


@dataclass(slots=True)
class Record:
    """One account file as the cache keeps it: a row of `files`, and one row of `items`
    per item (its problems are stored as a JSON list)."""

    rel: str
    stat: FileStat
    slug: str
    name: str = ""
    tier: str = ""
    owner: str = ""
    status: str = ""
    snooze_until: int = 0  # ordinal; 0 = not snoozed
    renewal: int = 0  # ordinal; 0 = none
    ok: bool = False
    problems: list[list[Any]] = field(default_factory=list)
    valid_from: int = 0
    valid_until: int = 0
    attempt: int = 0  # ordinal of the day it was tried without reaching anyone (if that day)
    digest: str = ""  # a hash of the bytes, kept only while the stat is racy (see RACY_NS)
    # [kind, class, due ordinal, cadence, key, deferred, repeats, opened ordinal]
    items: list[list[Any]] = field(default_factory=list)
    every: int = 0  # the touch cadence in days (workload), unchanged until valid_until
    renewal_due: int = 0  # ordinal of the effective renewal date (workload); 0 = none
    # [ordinal, touch kind, problem?, promise?]: the entries a workload window may count
    events: list[list[Any]] = field(default_factory=list)
    # the day ranges (ordinals, flat: first, last, first, last, ...) whose being holidays
    # the plan asked about (config.days_asked): a holidays edit meeting none keeps it
    days: list[int] = field(default_factory=list)
    parsed: str | None = None  # the account as files.stored keeps it (None: it has none)
    reads: int = 0  # which of config.NOTED the plan read: bit n for NOTED[n]
    reparsed: bool = True  # read from the file (False: from the stored parse)


def _slug(rel: str) -> str:
    return rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def problem_rows(problems: Iterable[Problem]) -> list[list[Any]]:
    """A file's problems as a stored parse keeps them (the path is the row's own)."""
    return [[p.line, p.field, p.message, p.hint, p.fatal] for p in problems]


def build_record(
    root: str, rel: str, stat: FileStat, policy: Policy, day: date, scanned: int
) -> Record:
    """Parse and plan one file (the slow path, run on a cache miss). ``scanned``: when
    ``stat`` was taken; racy is judged as of then, not of the read, which can come
    seconds later (a change between the two could leave the same stat where the file
    system's timestamps are coarse)."""
    record = Record(rel, stat, _slug(rel))
    racy = is_racy(stat, scanned)
    data = read_capped(os.path.join(root, rel), rel)
    if isinstance(data, Problem):
        record.problems = problem_rows([data])
        return record
    if racy:
        record.digest = content_digest(data)
    account, problems = read_account(data, record.slug, rel)
    record.problems = problem_rows(problems)
    if account is not None:
        record.parsed = dump_account(account)
        plan_record(record, account, policy, day)
    return record


def replan_record(
    rel: str,
    stat: FileStat,
    parsed: tuple[str, str, str | None],
    policy: Policy,
    day: date,
    scanned: int,
) -> Record:
    """Plan one file from its stored parse (digest, problems, account): no YAML read."""
    digest, problems, text = parsed
    record = Record(rel, stat, _slug(rel), problems=json.loads(problems), reparsed=False)
    record.digest = digest if is_racy(stat, scanned) else ""
    if text is not None:
        record.parsed = text
        plan_record(record, load_account(text), policy, day)
    return record


def plan_record(record: Record, account: Account, policy: Policy, day: date) -> None:
    """Fill in what the plan needs of a parsed account (everything policy-dependent)."""
    NOTED_READ.clear()
    with days_asked() as asked:
        _plan_record(record, account, noting(policy), day)
    record.days = _day_ranges(asked)
    record.reads = noted_mask(NOTED_READ)


_NOTED_BITS = {name: 1 << n for n, name in enumerate(NOTED)}


def noted_mask(names: Iterable[str]) -> int:
    """``names`` (of config.NOTED) as bits: bit n for NOTED[n]."""
    return sum(map(_NOTED_BITS.__getitem__, set(names)))


def _day_ranges(asked: list[tuple[date, date]]) -> list[int]:
    """``asked`` as sorted, disjoint ranges of ordinals, flat (first, last, ...)."""
    flat: list[int] = []
    for first, last in sorted(asked):
        low, high = first.toordinal(), last.toordinal()
        if flat and low <= flat[-1] + 1:
            flat[-1] = max(flat[-1], high)
        else:
            flat += (low, high)
    return flat


# A plan's days as a bit per week (the week's number modulo _WEEK_BITS; 63 bits stay a
# positive SQLite integer): a holidays edit reads only the plans whose mask has a changed
# day's bit, and tells the few whose other weeks share it apart by their days.
_WEEK_BITS = 63
_ALL_WEEKS = (1 << _WEEK_BITS) - 1


def week_mask(flat: Sequence[int]) -> int:
    """The weeks of the ranges ``flat`` (first, last, first, last, ...) as bits."""
    mask = 0
    for n in range(0, len(flat), 2):
        first, last = flat[n] // 7, flat[n + 1] // 7
        if last - first >= _WEEK_BITS - 1:
            return _ALL_WEEKS
        for week in range(first, last + 1):
            mask |= 1 << (week % _WEEK_BITS)
    return mask


def _plan_record(record: Record, account: Account, policy: Policy, day: date) -> None:
    record.ok = True
    record.name, record.tier, record.owner = account.name, account.tier.value, account.owner
    record.status = account.status.value
    record.snooze_until = account.snooze.until.toordinal() if account.snooze else 0
    record.renewal = account.renewal.toordinal() if account.renewal else 0
    record.valid_from = day.toordinal()
    walk = walk_history(account, policy, day)  # one walk for both: the cold run's hot path
    record.valid_until = stable_until(account, policy, day, walk).toordinal()
    record.every = touch_every(account, policy, day, walk)[0]
    later = [c.toordinal() - 1 for c in touch_changes(account, policy, walk) if c > day]
    record.valid_until = min([record.valid_until, *later])  # the cadence moves then
    effective = effective_renewal(account)
    record.renewal_due = effective.toordinal() if effective else 0
    # the entries a later day's window may count (never older: the day only moves on
    # within a record's validity)
    start = plus(day, -WINDOW)
    record.events = [
        [t.date.toordinal(), t.kind.value, int(bool(t.problem)), int(t.next is not None)]
        for t in account.history
        if t.date > start
    ]
    record.attempt = day.toordinal() if attempted(account, day) else 0
    record.items = [
        [
            i.kind.value,
            0 if i.cls is ItemClass.COMMITMENT else 1,
            i.due.toordinal(),
            i.cadence,
            i.key,
            int(i.deferred),
            int(i.repeats),
            i.trigger.toordinal(),
        ]
        for i in kept_items(account, policy, day, walk)
    ]


def is_racy(stat: FileStat, now_ns: int | None = None) -> bool:
    """Whether the file changed too recently for its stat to prove it unchanged later."""
    now = time.time_ns() if now_ns is None else now_ns
    return max(stat[0], stat[3]) >= now - RACY_NS


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# The pool's workers are forked after this is set, so the policy is never pickled.
_WORKER_POLICY: Policy | None = None
_WORKER_STORED: sqlite3.Connection | None = None  # the cache itself, read-only


def _start_worker(cache_path: str) -> None:
    global _WORKER_STORED
    _WORKER_STORED = sqlite3.connect(f"file:{cache_path}?mode=ro", uri=True, timeout=10)


# (rel, stat, whether its stored parse is valid: re-plan from it instead of the file)
Job = tuple[str, FileStat, bool]


def _parse_chunk(root: str, jobs: list[Job], day_ordinal: int, scanned: int) -> Rows:
    """Worker: parse (or re-plan) a chunk into its table rows, built here, on this core;
    only those plain tuples cross back, for the parent to insert while the rest parse."""
    assert _WORKER_POLICY is not None
    day = date.fromordinal(day_ordinal)
    records = make_records(root, jobs, _WORKER_POLICY, day, _WORKER_STORED, scanned)
    return record_rows(_WORKER_POLICY, records)


def pool_size(workers: int | None, jobs: int) -> int:
    """How many processes parse ``jobs`` files: 1 (this one) when a pool does not pay."""
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if count < 2 or jobs < PARALLEL_FROM or sys.platform == "win32":
        return 1
    return count


def make_records(
    root: str,
    jobs: list[Job],
    policy: Policy,
    day: date,
    stored: sqlite3.Connection | None,
    scanned: int,
) -> list[Record]:
    """The records of ``jobs``: from their stored parses where valid, else the files
    (``scanned``: when their stats were taken)."""
    parses: dict[str, tuple[str, str, str | None]] = {}
    wanted = [rel for rel, _stat, reuse in jobs if reuse]
    if wanted and stored is not None:
        with contextlib.suppress(sqlite3.Error):
            parses = {
                rel: (digest, problems, account)
                for rel, digest, problems, account in stored.execute(
                    "SELECT rel, digest, problems, account FROM parsed WHERE rel IN "
                    "(SELECT value FROM json_each(?))",
                    (json.dumps(wanted),),
                )
            }
    records = []
    for rel, stat, _reuse in jobs:
        parsed = parses.get(rel)
        if parsed is not None:
            try:
                records.append(replan_record(rel, stat, parsed, policy, day, scanned))
                continue
            except DAMAGED:
                pass  # a damaged stored parse: the file itself tells
        records.append(build_record(root, rel, stat, policy, day, scanned))
    return records


# The settings only ranking reads (planning.calls, and here the rows' weights and the
# ranking rows): a file's record never depends on them, so an edit of these alone keeps
# every record, and one of WEIGHING re-weighs the items in place (``_reweigh``).
RANKING_ONLY = ("capacity", "lookahead", "plan_ahead", "spare_days", "grace", "weights", "source")
WEIGHING = ("weights", "grace")


# The settings kept per tier (planning reads an account's own tier's entry only), so an
# edit of one tier's cadence plans only that tier's accounts again (``tier_keys``).
PER_TIER = ("touch_every", "visit_every", "review_every", "stakeholder_every")


def policy_key(policy: Policy) -> str:
    """Everything besides a file itself that every record depends on: the settings, not
    touchplan.yaml's bytes (a comment, `owners:` or `tiers:` keep the cache whole)."""
    settings = fingerprint(policy, leave_out=(*RANKING_ONLY, *PER_TIER, "holidays", *NOTED))
    text = f"{SCHEMA}|{__version__}|{settings}"
    return hashlib.sha256(text.encode()).hexdigest()


def noted_key(policy: Policy) -> str:
    """The settings of config.NOTED as the cache's meta keeps them (a JSON object of each
    setting's value as JSON): the ones an edit changed are told apart
    (``_forget_readers``)."""
    settings = plain(policy)
    assert isinstance(settings, dict)
    return json.dumps(
        {name: json.dumps(settings[name], sort_keys=True) for name in NOTED}, sort_keys=True
    )


def tier_keys(policy: Policy) -> dict[str, str]:
    """Per tier, what its accounts' records depend on besides ``policy_key``: its own
    entry of each cadence (an account's plan reads only its tier's)."""
    return {
        f"tier:{tier.value}": hashlib.sha256(
            json.dumps([plain(getattr(policy, name)[tier]) for name in PER_TIER]).encode()
        ).hexdigest()
        for tier in Tier
    }


_TIER_KEYS = tuple(f"tier:{tier.value}" for tier in Tier)


def holidays_key(policy: Policy) -> str:
    """The holidays as the cache's meta keeps them (ordinals, a JSON list): the days an
    edit made or unmade holidays are told apart (``_forget_days``)."""
    return json.dumps(sorted(day.toordinal() for day in policy.holidays))


def weights_key(policy: Policy) -> str:
    """What the stored weights (``items.imp``, ``items.tw``) and ranking rows depend on."""
    return fingerprint(policy, only=WEIGHING)


def cache_file(root: Path) -> Path:
    return state_dir(root) / CACHE_NAME


_KEEP_DAYS = 2  # a day off also asks for the next working day's count
# One table of ranking rows per day kept (``ranked`` says which day's each holds): a new
# day's rows replace the oldest day's by emptying its table whole, which SQLite does by
# dropping its pages (40,000 accounts: 5 ms, where deleting them by day took 210 ms).
_RANKS = tuple(f"ranks{slot}" for slot in range(_KEEP_DAYS))
_RANKING = (*_RANKS, "ranked")  # every kept day's ranking rows, and whose each are
_PLANS = ("files", "items", "events", *_RANKING)  # every plan's rows
_KNOWN = ("blocks", "unique_slugs", "demand")  # what is known of them, kept to save reads
_TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    rel TEXT PRIMARY KEY, mtime INTEGER, size INTEGER, ino INTEGER, ctime INTEGER, slug TEXT,
    name TEXT, name_key TEXT, tier TEXT, owner TEXT, owner_key TEXT, status TEXT,
    snooze INTEGER, renewal INTEGER, ok INTEGER, valid_from INTEGER, valid_until INTEGER,
    problems TEXT, attempt INTEGER, digest TEXT, every INTEGER, renewal_due INTEGER,
    days TEXT, days_low INTEGER, days_high INTEGER, days_mask INTEGER, reads INTEGER);
CREATE TABLE IF NOT EXISTS items(
    rel TEXT, slug TEXT, kind TEXT, cls INTEGER, due INTEGER, cadence INTEGER, imp REAL,
    tw REAL, tier_rank INTEGER, key TEXT, deferred INTEGER, active INTEGER, snooze INTEGER,
    owner_key TEXT, tier TEXT, attempt INTEGER, repeats INTEGER, opened INTEGER);
CREATE TABLE IF NOT EXISTS events(rel TEXT, day INTEGER, kind TEXT, problem INTEGER,
    promise INTEGER, active INTEGER, snooze INTEGER, owner_key TEXT);
CREATE TABLE IF NOT EXISTS parsed(rel TEXT PRIMARY KEY, mtime INTEGER, size INTEGER,
    ino INTEGER, ctime INTEGER, digest TEXT, problems TEXT, account TEXT);
CREATE TABLE IF NOT EXISTS ranked(day INTEGER PRIMARY KEY, slot INTEGER);
CREATE TABLE IF NOT EXISTS blocks(key TEXT PRIMARY KEY, valid_from INTEGER,
    valid_until INTEGER);
CREATE TABLE IF NOT EXISTS unique_slugs(checked INTEGER);
CREATE TABLE IF NOT EXISTS demand(day INTEGER, owner TEXT, skipped TEXT, figures TEXT,
    PRIMARY KEY(day, owner, skipped));
CREATE TABLE IF NOT EXISTS trends(rel TEXT PRIMARY KEY, mtime INTEGER, size INTEGER,
    ino INTEGER, ctime INTEGER, digest TEXT, key TEXT, segments TEXT);
""" + "".join(
    f"""CREATE TABLE IF NOT EXISTS {table}(rel TEXT PRIMARY KEY, day INTEGER, slug TEXT,
    owner_key TEXT, best REAL, tier_rank INTEGER, n INTEGER, c INTEGER, p INTEGER);
CREATE INDEX IF NOT EXISTS {table}_best ON {table}(best, tier_rank, slug);
CREATE INDEX IF NOT EXISTS {table}_count ON {table}(owner_key, n, c, p);
"""
    for table in _RANKS
)
_INDEXES = """
CREATE INDEX IF NOT EXISTS items_rel ON items(rel);
CREATE INDEX IF NOT EXISTS events_rel ON events(rel);
CREATE INDEX IF NOT EXISTS items_count ON items(due, active, snooze, owner_key);
CREATE INDEX IF NOT EXISTS items_key ON items(key);
CREATE INDEX IF NOT EXISTS files_slug ON files(slug, ok);
CREATE INDEX IF NOT EXISTS files_bad ON files(rel) WHERE ok = 0 OR problems != '[]';
CREATE INDEX IF NOT EXISTS files_name ON files(name_key);
CREATE INDEX IF NOT EXISTS items_touch ON items(owner_key, active, snooze, cadence)
    WHERE kind = 'touch';
CREATE INDEX IF NOT EXISTS files_owner ON files(owner_key, snooze, every, renewal_due)
    WHERE ok = 1 AND status = 'active';
CREATE INDEX IF NOT EXISTS events_window
    ON events(kind, day, active, snooze, owner_key, problem, promise);
CREATE INDEX IF NOT EXISTS items_ahead ON items(due, kind, deferred, active, snooze, attempt,
    owner_key, rel, slug, tier, key, repeats, imp, opened) WHERE cls = 0;
"""
_DDL = _TABLES + _INDEXES
# a file's row as the freshness checks read it (``Cache.stats``)
_ROW = "rel, mtime, size, ino, ctime, ok, valid_from, valid_until, digest"
StatRow = tuple[int, int, int, int, int, int, int, str]  # _ROW without the rel
_INDEX_NAMES = (
    "items_rel",
    "events_rel",
    "items_count",
    "items_key",
    "files_slug",
    "files_bad",
    "files_name",
    "items_touch",
    "files_owner",
    "events_window",
    "items_ahead",
)


class Cache:
    """The SQLite file: opened, checked against the schema and key, or started afresh.

    SQLite (in the standard library) stores plain values, so the cache can never run
    code, and it ranks the due items in C. Any error reading it discards it whole.
    """

    def __init__(self, root: Path, policy: Policy, *, in_memory: bool = False) -> None:
        self.root = root
        self.path = cache_file(root)
        self.policy = policy
        self.key = policy_key(policy)
        self.in_memory = in_memory
        self.db: sqlite3.Connection | None = None
        self.trouble = ""  # why the cache folder cannot be used, for a warning
        # the meta this run's rows are made for (``_begin_ours``; empty in memory)
        self.meta: dict[str, str] = {}
        if in_memory:
            self.db = sqlite3.connect(":memory:", isolation_level=None)
            self.db.executescript(_DDL)
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                _drop_older(self.path.parent)
            self.db = self._open()
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.trouble = (
                f"the cache folder {self.path.parent} cannot be used ({reason}): planning "
                "without the cache (set TOUCHPLAN_CACHE_DIR to a writable folder)"
            )

    def _open(self) -> sqlite3.Connection | None:
        for attempt in range(2):
            try:
                db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(_DDL)
                meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
                wanted = {
                    "schema": str(SCHEMA),
                    "version": __version__,
                    "key": self.key,
                    "root": str(self.root),
                    "weights": weights_key(self.policy),
                }
                wanted.update(tier_keys(self.policy))
                wanted["holidays"] = holidays_key(self.policy)
                wanted["noted"] = noted_key(self.policy)
                # what moves without discarding every row
                kept = ("weights", "holidays", "noted", *_TIER_KEYS)
                if meta != wanted and _without(meta, *kept) == _without(wanted, *kept):
                    # only the weights, grace, holidays, one tier's cadences or settings
                    # of config.NOTED moved: every other record holds; that tier's
                    # accounts, those whose plans asked about a day made or unmade a
                    # holiday, and those whose plans read a changed setting are planned
                    # again (from their stored parses: the scan finds their rows out of
                    # date)
                    db.execute("BEGIN IMMEDIATE")
                    tiers = [t for t in _TIER_KEYS if meta.get(t) != wanted[t]]
                    if tiers:
                        _forget_tiers(db, [t.removeprefix("tier:") for t in tiers])
                    if meta.get("noted") != wanted["noted"]:
                        _forget_readers(db, meta.get("noted", "{}"), wanted["noted"])
                    if meta.get("holidays") != wanted["holidays"]:
                        _forget_days(db, meta.get("holidays", "[]"), wanted["holidays"])
                    if meta.get("weights") != wanted["weights"]:
                        _reweigh(db, self.policy)
                    db.execute("DELETE FROM meta")
                    db.executemany("INSERT INTO meta VALUES (?, ?)", wanted.items())
                    db.execute("COMMIT")
                elif meta != wanted:
                    db.execute("BEGIN IMMEDIATE")
                    _empty(db, *_PLANS, *_KNOWN)
                    if _without(meta, "key", *kept) != _without(wanted, "key", *kept):
                        # parsed by another version (or for another root): parse again;
                        # a policy change alone keeps the parsed accounts to plan from
                        db.execute("DELETE FROM parsed")
                        db.execute("DELETE FROM trends")
                    db.execute("DELETE FROM meta")
                    db.executemany("INSERT INTO meta VALUES (?, ?)", wanted.items())
                    db.execute("COMMIT")
                self.meta = wanted
                return db
            except sqlite3.Error as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    return None  # another touchplan is writing it: this run keeps its own
                # corrupt or from an incompatible version: throw it away and start again
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{self.path}{suffix}")
                if attempt:
                    raise
        return None

    def stats(self) -> dict[str, StatRow]:
        """rel -> (mtime, size, ino, ctime, ok, valid_from, valid_until, digest)."""
        if self.db is None:
            return {}
        try:
            rows = self.db.execute(f"SELECT {_ROW} FROM files").fetchall()
        except sqlite3.Error:
            return {}
        return {row[0]: row[1:] for row in rows}

    def rows_in(self, blocks: list[Block]) -> dict[str, StatRow] | None:
        """``stats()`` of the rows in ``blocks``' ranges and folders (those of files
        since deleted included); None when the cache cannot be read."""
        if self.db is None:
            return None
        found: dict[str, StatRow] = {}
        try:
            for block in blocks:
                for row in self.db.execute(
                    f"SELECT {_ROW} FROM files WHERE rel >= ? AND rel < ?",
                    (block.low, block.high),
                ):
                    if row[0].rpartition("/")[0] == block.folder:  # not a sub-folder's
                        found[row[0]] = row[1:]
        except sqlite3.Error:
            return None
        return found

    def known_blocks(self) -> tuple[dict[str, tuple[int, int]], int]:
        """Blocks whose files all had fresh, settled rows when last seen: digest ->
        (valid_from, valid_until) of those rows; and how many rows there are."""
        if self.db is None:
            return {}, -1
        try:
            known = {k: (a, b) for k, a, b in self.db.execute("SELECT * FROM blocks")}
            return known, self.db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        except sqlite3.Error:
            return {}, -1

    def parsed_stats(self, rels: list[str]) -> dict[str, tuple[int, int, int, int, str]]:
        """rel -> (mtime, size, ino, ctime, digest) of the stored parses of ``rels`` (only
        those: one changed file must not cost a pass over 40,000 rows)."""
        if self.db is None:
            return {}
        try:
            rows = self.db.execute(
                "SELECT rel, mtime, size, ino, ctime, digest FROM parsed "
                "WHERE rel IN (SELECT value FROM json_each(?))",
                (json.dumps(rels),),
            ).fetchall()
        except sqlite3.Error:
            return {}
        return {row[0]: row[1:] for row in rows}

    def data_version(self) -> int | None:
        """SQLite's count of the commits other connections made to the file (None: no
        cache file), to tell whether rows read earlier still hold."""
        if self.db is None or self.in_memory:
            return None
        try:
            return int(self.db.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return None

    def settled(self, rels: list[str]) -> None:
        """Rows whose files proved unchanged and are no longer racy need no hash."""
        if self.db is not None and rels:
            with contextlib.suppress(sqlite3.Error):
                changed = [(r,) for r in rels]
                self.db.executemany("UPDATE files SET digest = '' WHERE rel = ?", changed)
                self.db.executemany("UPDATE parsed SET digest = '' WHERE rel = ?", changed)

    def store(
        self, policy: Policy, records: list[Record], gone: list[str], fresh: bool = False
    ) -> None:
        if self.db is not None:
            store_records(self.db, policy, records, gone, fresh, self.meta)

    def reopen(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


_OLDER = re.compile(r"plan-cache-v(\d+)\.sqlite3(-wal|-shm)?")


def _drop_older(folder: Path) -> None:
    """Delete the caches an older schema left in ``folder`` (at 40,000 accounts, 180 MB
    an upgrade would otherwise leave behind): a newer one's stays, for the version that
    reads it."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            found = _OLDER.fullmatch(entry.name)
            if found and int(found[1]) < SCHEMA:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _begin_ours(db: sqlite3.Connection, meta: dict[str, str] | None) -> bool:
    """Begin a write transaction, if the cache's meta is still ``meta`` (what this run
    opened it with; None, {}: an in-memory cache): a run that started before another
    changed the settings (a `touchplan.yaml` edit while it plans) must not write rows
    made under the old ones where they would be taken for the new ones'. False (and no
    transaction) when it is not."""
    db.execute("BEGIN IMMEDIATE")
    if not meta or dict(db.execute("SELECT key, value FROM meta").fetchall()) == meta:
        return True
    db.execute("ROLLBACK")
    return False


def _without(meta: dict[str, str], *keys: str) -> dict[str, str]:
    return {k: v for k, v in meta.items() if k not in keys}


def _weights(policy: Policy) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """What an item row stores of the weights: a commitment's importance and a cadence
    item's kind weight (``imp``) by kind, and the tier weight (``tw``) by tier."""
    w = policy.weights
    importance = {k.value: 0.0 + w.importance.get(k, 0.0) for k in ItemKind}
    cadence_weight = {k.value: 0.0 + w.cadence.get(k, 1.0) for k in ItemKind}
    tier_weight = {t.value: 0.0 + w.tier.get(t, 0.0) for t in Tier}
    return importance, cadence_weight, tier_weight


def _empty(db: sqlite3.Connection, *tables: str) -> None:
    """Delete every row of ``tables`` (inside the caller's transaction; with no WHERE,
    SQLite drops each table's pages whole)."""
    for table in tables:
        db.execute(f"DELETE FROM {table}")


def _forget(db: sqlite3.Connection, rels: str, params: Sequence[object]) -> None:
    """Put out of date the records of the files the query ``rels`` selects (from
    ``files``, with ``params``; inside the caller's transaction): the next scan misses
    them and plans them again from their stored parses, each chunk replacing a file's
    rows and its ranking rows at once, while the other files' rows hold. A record is put
    out of date, not deleted: its rows go once, when replaced (half the writing), and a
    run stopped half way leaves every file with rows that match. Every plan (a setting
    every plan reads): every row goes, as for a change of the whole policy (rows go
    faster into empty tables)."""
    count = db.execute(f"SELECT COUNT(*) FROM ({rels})", params).fetchone()[0]
    if count == db.execute("SELECT COUNT(*) FROM files WHERE ok = 1").fetchone()[0]:
        _empty(db, *_PLANS)
    else:
        db.execute(f"UPDATE files SET valid_until = 0 WHERE rel IN ({rels})", params)
    _empty(db, *_KNOWN)


def _forget_tiers(db: sqlite3.Connection, tiers: list[str]) -> None:
    """Drop the records of the accounts of ``tiers`` (``_forget``)."""
    query = "SELECT rel FROM files WHERE ok = 1 AND tier IN (SELECT value FROM json_each(?))"
    _forget(db, query, (json.dumps(tiers),))


def _forget_readers(db: sqlite3.Connection, before: str, after: str) -> None:
    """Drop the records whose plans read a setting of config.NOTED that differs between
    ``before`` and ``after`` (meta's JSON objects; ``_forget``)."""
    old, new = json.loads(before), json.loads(after)
    changed = noted_mask(name for name in NOTED if old.get(name) != new.get(name))
    _forget(db, "SELECT rel FROM files WHERE ok = 1 AND reads & ? != 0", (changed,))


def _in_ranges(flat: list[int], day: int) -> bool:
    """Whether ``day`` lies in one of the sorted, disjoint ranges ``flat`` (first, last,
    first, last, ...): after an odd number of their ends, or on a range's last day."""
    at = bisect.bisect_right(flat, day)
    return at % 2 == 1 or (at > 0 and flat[at - 1] == day)


def _forget_days(db: sqlite3.Connection, before: str, after: str) -> None:
    """Drop the records whose plans asked whether a day is a holiday that has changed
    between the holidays ``before`` and ``after`` (meta's JSON lists; inside the
    caller's transaction). Every other plan asked about none, so it holds as it is."""
    changed = sorted(set(json.loads(before)) ^ set(json.loads(after)))
    if not changed:
        return
    gone = []
    for rel, days in db.execute(
        "SELECT rel, days FROM files WHERE ok = 1 AND days_low <= ? AND days_high >= ? "
        "AND days_mask & ? != 0",
        (changed[-1], changed[0], week_mask([d for day in changed for d in (day, day)])),
    ):
        if any(_in_ranges(json.loads(days), day) for day in changed):
            gone.append(rel)
    _forget(db, "SELECT value FROM json_each(?)", (json.dumps(gone),))
    # a day's ranking rows ask only about the days before it (`grace_limit`): those of
    # days up to a changed one hold (a holiday added ahead keeps today's)
    for (slot,) in db.execute("SELECT slot FROM ranked WHERE day > ?", (changed[0],)).fetchall():
        _empty(db, _RANKS[slot])
    db.execute("DELETE FROM ranked WHERE day > ?", (changed[0],))


def _reweigh(db: sqlite3.Connection, policy: Policy) -> None:
    """Give every item row ``policy``'s weights, as ``store_records`` would, and drop the
    ranking rows scored with the old ones (inside the caller's transaction)."""
    importance, cadence_weight, tier_weight = _weights(policy)

    def case(column: str, values: dict[str, float]) -> tuple[str, list[object]]:
        args: list[object] = []
        for name, value in values.items():
            args += [name, value]
        return f"CASE {column} " + "WHEN ? THEN ? " * len(values) + "END", args

    commitment, a = case("kind", importance)
    cadence, b = case("kind", cadence_weight)
    tier, c = case("tier", tier_weight)
    imp = f"CASE WHEN cls = 0 THEN {commitment} ELSE {cadence} END"
    # only the rows whose weights change are written (`late_day`, say, changes none)
    db.execute(
        f"UPDATE items SET imp = {imp}, tw = {tier} WHERE imp IS NOT {imp} OR tw IS NOT {tier}",
        [*a, *b, *c, *a, *b, *c],
    )
    _empty(db, *_RANKING)


# The rows of a batch of records, one list per table: files, items, events, parsed.
# Plain tuples of str, int and float: what a worker hands back to the parent.
Row = tuple[Any, ...]
Rows = tuple[list[Row], list[Row], list[Row], list[Row]]


def record_rows(policy: Policy, records: list[Record]) -> Rows:
    """The table rows of ``records`` (the policy gives the weights each item row keeps)."""
    importance, cadence_weight, tier_weight = _weights(policy)
    tier_rank = {t.value: TIER_ORDER[t] for t in Tier}
    active_value = Status.ACTIVE.value
    file_rows: list[Row] = []
    item_rows: list[Row] = []
    event_rows: list[Row] = []
    parsed_rows: list[Row] = []
    for r in records:
        owner_key = r.owner.casefold()
        file_rows.append(
            (
                r.rel,
                r.stat[0],
                r.stat[1],
                r.stat[2],
                r.stat[3],
                r.slug,
                r.name,
                r.name.casefold(),
                r.tier,
                r.owner,
                owner_key,
                r.status,
                r.snooze_until,
                r.renewal,
                int(r.ok),
                r.valid_from,
                r.valid_until,
                json.dumps(r.problems),
                r.attempt,
                r.digest,
                r.every,
                r.renewal_due,
                json.dumps(r.days),
                r.days[0] if r.days else 0,
                r.days[-1] if r.days else 0,
                week_mask(r.days),
                r.reads,
            )
        )
        # events, like items, repeat what the workload query filters on
        planned = (int(r.status == active_value), r.snooze_until, owner_key)
        event_rows.extend((r.rel, *event, *planned) for event in r.events)
        if r.reparsed:
            parsed_rows.append((r.rel, *r.stat, r.digest, json.dumps(r.problems), r.parsed))
        if r.ok:
            # items repeat what ranking filters on, so ranking reads one table
            active = int(r.status == active_value)
            for kind, cls, due, cadence, key, deferred, repeats, opened in r.items:
                item_rows.append(
                    (
                        r.rel,
                        r.slug,
                        kind,
                        cls,
                        due,
                        cadence,
                        importance[kind] if cls == 0 else cadence_weight[kind],
                        tier_weight[r.tier],
                        tier_rank[r.tier],
                        key,
                        deferred,
                        active,
                        r.snooze_until,
                        owner_key,
                        r.tier,
                        r.attempt,
                        repeats,
                        opened,
                    )
                )
    return file_rows, item_rows, event_rows, parsed_rows


def store_records(
    db: sqlite3.Connection,
    policy: Policy,
    records: list[Record],
    gone: list[str],
    fresh: bool = False,
    meta: dict[str, str] | None = None,
) -> None:
    """Replace the rows of changed files; best effort (a failure costs speed only).

    ``fresh``: the rows are known to be absent (a cold build), so nothing to delete;
    ``meta``: the cache's, as this run opened it (``_begin_ours``).
    """
    if not (records or gone):
        return
    file_rows, item_rows, event_rows, parsed_rows = record_rows(policy, records)
    moved = json.dumps(gone + [r.rel for r in records])
    try:
        if not _begin_ours(db, meta):
            return
        kept = _demand_before(db, moved, len(gone) + len(records))
        if fresh:
            _insert_rows(db, (file_rows, item_rows, event_rows, parsed_rows))
            _rerank(db, policy, gone + [r.rel for r in records])
        else:
            _drop_rows(db, gone)
            db.executemany("DELETE FROM parsed WHERE rel = ?", [(rel,) for rel in gone])
            db.executemany("DELETE FROM trends WHERE rel = ?", [(rel,) for rel in gone])
            rows = (file_rows, item_rows, event_rows, parsed_rows)
            changed = _replace_rows(db, rows, [r.rel for r in records])
            _rerank(db, policy, gone + sorted(changed))
        if _taken_twice(db, [r.slug for r in records if r.ok]):
            db.execute("DELETE FROM unique_slugs")
        _demand_after(db, kept, moved)
        db.execute("COMMIT")
    except sqlite3.Error:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")


def _drop_rows(db: sqlite3.Connection, rels: list[str]) -> None:
    """Delete the plan rows of ``rels`` (their files, items and events rows)."""
    changed = [(rel,) for rel in rels]
    for table in ("files", "items", "events"):
        db.executemany(f"DELETE FROM {table} WHERE rel = ?", changed)


_INSERT = {
    "files": f"INSERT INTO files VALUES ({','.join('?' * 27)})",
    "items": f"INSERT INTO items VALUES ({','.join('?' * 18)})",
    "events": f"INSERT INTO events VALUES ({','.join('?' * 8)})",
    # a file's parse is kept under its path: a later one replaces it
    "parsed": f"INSERT OR REPLACE INTO parsed VALUES ({','.join('?' * 8)})",
}


def _insert_rows(db: sqlite3.Connection, rows: Rows) -> None:
    file_rows, item_rows, event_rows, parsed_rows = rows
    db.executemany(_INSERT["files"], file_rows)
    db.executemany(_INSERT["parsed"], parsed_rows)
    db.executemany(_INSERT["items"], item_rows)
    db.executemany(_INSERT["events"], event_rows)


def _replace_rows(db: sqlite3.Connection, rows: Rows, rels: list[str]) -> set[str]:
    """Replace the rows of the files ``rels`` with ``rows`` (inside the caller's
    transaction), writing only the item and event rows that differ (an item row with a
    new value or two in place, ``_update_items``): a file planned again mostly comes out
    as it was (a policy edit moves a due date or two), and each row written costs a
    write to every index. Returns the files whose item rows changed (their ranking rows
    must be made again)."""
    file_rows, item_rows, event_rows, parsed_rows = rows
    wanted = (json.dumps(rels),)
    db.execute("DELETE FROM files WHERE rel IN (SELECT value FROM json_each(?))", wanted)
    db.executemany(_INSERT["files"], file_rows)
    db.executemany(_INSERT["parsed"], parsed_rows)
    changed: set[str] = set()
    for table, new in (("items", item_rows), ("events", event_rows)):
        old: dict[Row, list[int]] = {}
        query = f"SELECT rowid, * FROM {table} WHERE rel IN (SELECT value FROM json_each(?))"
        for rowid, *row in db.execute(query, wanted):
            old.setdefault(tuple(row), []).append(rowid)
        added = []
        for row in new:
            same = old.get(row)
            if same:
                same.pop()  # kept as it is
            else:
                added.append(row)
        gone = [(rowid, row) for row, rowids in old.items() for rowid in rowids]
        if table == "items":
            changed = {row[0] for row in added} | {row[0] for _rowid, row in gone}
            added, gone = _update_items(db, added, gone)
        db.executemany(f"DELETE FROM {table} WHERE rowid = ?", [(rowid,) for rowid, _ in gone])
        db.executemany(_INSERT[table], added)
    return changed


# the columns of `items`, in order (rel 0, key 9: an item's identity in its file)
_ITEM_COLUMNS = (
    *("rel", "slug", "kind", "cls", "due", "cadence", "imp", "tw", "tier_rank", "key"),
    *("deferred", "active", "snooze", "owner_key", "tier", "attempt", "repeats", "opened"),
)


def _update_items(
    db: sqlite3.Connection, added: list[Row], gone: list[tuple[int, Row]]
) -> tuple[list[Row], list[tuple[int, Row]]]:
    """Write in place each item row that comes back with another value or two (a policy
    edit moves its due date): the item of the same file and key, one old row and one new.
    An update writes only the indexes of the columns it sets, where a delete and an
    insert write all six (a `problem.every` edit at 40,000 accounts moves 7,900 due
    dates: 290 ms of deletes and inserts, 80 ms of updates). Returns the rows left to
    insert and to delete."""
    olds: dict[tuple[str, str], list[tuple[int, Row]]] = {}
    for rowid, row in gone:
        olds.setdefault((row[0], row[9]), []).append((rowid, row))
    news: dict[tuple[str, str], list[Row]] = {}
    for row in added:
        news.setdefault((row[0], row[9]), []).append(row)
    updates: dict[tuple[int, ...], list[list[Any]]] = {}
    paired: set[int] = set()
    still: list[Row] = []
    for identity, rows in news.items():
        was = olds.get(identity)
        if len(rows) != 1 or was is None or len(was) != 1:
            still.extend(rows)
            continue
        (rowid, old), (row,) = was[0], rows
        differ = tuple(n for n, value in enumerate(row) if value != old[n])
        updates.setdefault(differ, []).append([*(row[n] for n in differ), rowid])
        paired.add(rowid)
    for differ, params in updates.items():
        columns = ", ".join(f"{_ITEM_COLUMNS[n]} = ?" for n in differ)
        db.executemany(f"UPDATE items SET {columns} WHERE rowid = ?", params)
    return still, [(rowid, row) for rowid, row in gone if rowid not in paired]


# Rows of `demand` (days, owners, skipped files asked for) and changed files up to which
# a change adjusts the figures kept; beyond either, they are summed again when next asked.
_DEMAND_ROWS = 16
_DEMAND_FILES = 64
Kept = list[tuple[tuple[int, str, str], Figures, Figures]]


def _demand_before(db: sqlite3.Connection, rels: str, count: int) -> Kept | None:
    """Each kept row of workload figures with the part the ``count`` files in ``rels``
    (a JSON list) have in it, read before their rows are replaced (inside the caller's
    transaction); None when the figures are to be emptied instead."""
    if count > _DEMAND_FILES:
        return None
    rows = db.execute(
        "SELECT day, owner, skipped, figures FROM demand LIMIT ?", (_DEMAND_ROWS + 1,)
    ).fetchall()
    if len(rows) > _DEMAND_ROWS:
        return None
    kept = []
    for day, owner, skipped, text in rows:
        try:
            figures = loads(text)
        except DAMAGED:
            return None  # a damaged row: every row is summed again
        part = sum_figures(db, day, owner or None, skipped, rels)
        kept.append(((day, owner, skipped), figures, part))
    return kept


def _demand_after(db: sqlite3.Connection, kept: Kept | None, rels: str) -> None:
    """Adjust the kept figures by the difference between the files' old part in them and
    their new one (unchanged when a file's edit does not touch what they count): exactly
    what summing every row again gives, as they are whole numbers."""
    if kept is None:
        db.execute("DELETE FROM demand")
        return
    for key, figures, old in kept:
        new = sum_figures(db, key[0], key[1] or None, key[2], rels)
        if new == old:
            continue
        moved = figures.shifted(old, new)
        if moved is None:  # the row did not hold the files' old part: sum it again
            db.execute("DELETE FROM demand WHERE day = ? AND owner = ? AND skipped = ?", key)
        else:
            db.execute("UPDATE demand SET figures = ? WHERE day = ? AND owner = ? AND skipped = ?",
                       (moved.dumps(), *key))  # fmt: skip


def _taken_twice(db: sqlite3.Connection, slugs: list[str]) -> bool:
    """Whether one of ``slugs`` (those of the files just stored) is now taken twice: the
    only way a change can end `unique_slugs`' truth (a row removed takes no slug)."""
    if not slugs:
        return False
    twice = db.execute(
        "SELECT 1 FROM files WHERE ok = 1 AND slug IN (SELECT value FROM json_each(?)) "
        "GROUP BY slug HAVING COUNT(*) > 1 LIMIT 1",
        (json.dumps(slugs),),
    )
    return twice.fetchone() is not None


@dataclass
class Index:
    """Every account file, checked against the cache, and what went wrong."""

    root: Path
    db: sqlite3.Connection
    skipped: list[str]
    problems: list[Problem]
    folders: list[Problem] = field(default_factory=list)  # unreadable: also in problems
    warnings: list[str] = field(default_factory=list)  # the cache could not be used
    notes: list[str] = field(default_factory=list)  # `check` mentions these, never fails
    meta: dict[str, str] = field(default_factory=dict)  # the cache's, as opened: _begin_ours


def build_index(
    root: Path,
    config: Config,
    day: date,
    *,
    use_cache: bool = True,
    progress: ProgressFactory | None = None,
    workers: int | None = None,
) -> Index:
    """Bring the cache up to date with the files (parsing only what changed)."""
    policy = config.policy
    cache = Cache(root, policy, in_memory=not use_cache)
    warnings: list[str] = []
    if cache.db is None:
        # no usable cache dir: an in-memory database does the same job for this run
        if cache.trouble:
            warnings.append(cache.trouble)
        cache = Cache(root, policy, in_memory=True)
    scanned = time.time_ns()  # before any stat: the racy rule's conservative clock
    blocks: list[Block] = []
    files, temps, folders = scan_tree(root, blocks=blocks)
    ordinal = day.toordinal()
    version = cache.data_version()  # before any row is read (see _note_blocks)
    # A block whose names and stats are exactly as when all its rows were last found
    # fresh and settled needs no look at its rows while the day is inside their window
    # (an edit moves a file's mtime or ctime; a racy file never gets its block known).
    known, count = cache.known_blocks()
    unsure = [
        b
        for b in blocks
        if b.key is None or not (k := known.get(b.key)) or not k[0] <= ordinal <= k[1]
    ]
    checked = files
    rows = cache.rows_in(unsure) if len(unsure) < len(blocks) else None
    if rows is not None and count == len(rows) + len(files) - sum(b.end - b.start for b in unsure):
        stored = rows
        checked = [files[n] for b in unsure for n in range(b.start, b.end)]
    else:  # rows no block accounts for (a folder gone or unreadable): every row
        stored = cache.stats()
    fresh = count == 0  # nothing to replace: inserts only
    misses: list[Job] = []
    settled: list[str] = []
    now = time.time_ns()
    seen = dict(stored)  # the rows as read, and (below) as this run writes them
    for rel, stat in checked:
        row = stored.pop(rel, None)
        if row is None or row[:4] != stat or (row[4] and not row[5] <= ordinal <= row[6]):
            misses.append((rel, stat, False))
        elif row[7]:  # racily clean when stored: only its bytes can tell
            if not _same_bytes(root, rel, row[7]):
                misses.append((rel, stat, False))
            elif not is_racy(stat, now):
                settled.append(rel)
                seen[rel] = (*row[:7], "")
    cache.settled(settled)
    if misses:
        # a file unchanged since it was parsed (only the policy or the day moved on) is
        # re-planned from its stored parse: no YAML read
        parses = cache.parsed_stats([rel for rel, _stat, _reuse in misses])
        misses = [
            (rel, stat, rel in parses and _unchanged(root, rel, stat, parses[rel]))
            for rel, stat, _reuse in misses
        ]

    def sink(records: list[Record]) -> None:
        # stored chunk by chunk, while the workers parse the rest
        cache.store(policy, records, [], fresh=fresh)
        seen.update(
            (r.rel, (*r.stat, int(r.ok), r.valid_from, r.valid_until, r.digest)) for r in records
        )

    if misses:
        count = 1 if cache.in_memory else pool_size(workers, len(misses))
        if count > 1:
            # the workers fork: no connection of ours may cross it
            assert cache.db is not None
            cache.db.close()
            # the rows go in through another connection: the note reads them again
            version = None
            seen.clear()  # and the rows read are let go of (40,000: about 10 MB)
            try:
                _fill(
                    root, misses, policy, day, progress, count, cache.path, scanned, cache.meta,
                    replacing=not fresh,
                )  # fmt: skip
                cache.db = cache.reopen()
            except (OSError, sqlite3.Error) as exc:  # the cache folder failed mid-way
                warnings.append(
                    f"the cache folder {cache.path.parent} failed ({exc}): planning without "
                    "the cache"
                )
                cache = Cache(root, policy, in_memory=True)
                # every row must come from this run: parse them all
                misses = [(rel, stat, False) for rel, stat in files]
                _parse_all(root, misses, policy, day, None, sink, None, scanned)
        else:
            _parse_all(root, misses, policy, day, progress, sink, cache.db, scanned)
    cache.store(policy, [], list(stored))
    assert cache.db is not None
    if (misses or stored) and not _covers(cache.db, misses, list(stored), ordinal):
        # the cache could not take the rows (disk full, a locked file): never plan from
        # a partial index; this run uses a private in-memory one instead
        cache = Cache(root, policy, in_memory=True)
        _parse_all(
            root, [(rel, st, False) for rel, st in files], policy, day, None, sink, None, scanned
        )
    db = cache.db
    assert db is not None
    if not cache.in_memory and any(b.key for b in unsure):
        known_rows = None if version is None else (version, seen)
        _note_blocks(
            db, blocks, [b for b in unsure if b.key], files, scanned, cache.meta, known_rows
        )
    positions: dict[str, int] = {}

    def order(rel: str) -> int:
        """Where ``rel`` is in the walk (built only when a problem must be sorted)."""
        if not positions:
            positions.update((path, n) for n, (path, _stat) in enumerate(files))
        return positions.get(rel, 0)

    problems: list[Problem] = list(folders)
    skipped: list[str] = []
    bad = db.execute("SELECT rel, ok, problems FROM files WHERE ok = 0 OR problems != '[]'")
    for rel, ok, text in sorted(bad.fetchall(), key=lambda row: order(row[0])):
        problems.extend(
            Problem(rel, line, fld, msg, hint, bool(fatal))
            for line, fld, msg, hint, fatal in json.loads(text)
        )
        if not ok:
            skipped.append(rel)
    dupes: list[tuple[str, str]] = []
    if not _unique_slugs(db, cache.in_memory):
        dupes = db.execute(
            "SELECT slug, rel FROM files WHERE ok = 1 AND slug IN "
            "(SELECT slug FROM files WHERE ok = 1 GROUP BY slug HAVING COUNT(*) > 1)"
        ).fetchall()
    first: dict[str, str] = {}
    for slug, rel in sorted(dupes, key=lambda row: order(row[1])):
        if slug not in first:
            first[slug] = rel
            continue
        problems.append(duplicate_slug(rel, first[slug], slug))
        skipped.append(rel)
    stale, notes = leftover_temps(root, temps)
    problems.extend(stale)
    if skipped:
        skipped.sort(key=order)
    return Index(root, db, skipped, problems, folders, warnings, notes, cache.meta)


_TWICE = "SELECT 1 FROM files WHERE ok = 1 GROUP BY slug HAVING COUNT(*) > 1"


def _unique_slugs(db: sqlite3.Connection, in_memory: bool) -> bool:
    """Whether no slug is taken by two files: `unique_slugs` has a row while that is
    known (store_records empties it with any change), else the rows are counted and,
    when none is twice, it is noted in the same statement (no writer in between)."""
    if db.execute("SELECT 1 FROM unique_slugs").fetchone():
        return True
    if in_memory:
        return not db.execute(_TWICE).fetchone()
    try:
        noted = db.execute(
            f"INSERT INTO unique_slugs SELECT 1 WHERE NOT EXISTS ({_TWICE}) "
            "AND NOT EXISTS (SELECT 1 FROM unique_slugs)"
        ).rowcount
    except sqlite3.Error:
        return not db.execute(_TWICE).fetchone()
    return noted == 1 or not db.execute(_TWICE).fetchone()


_ALWAYS = 1 << 40  # the end of the window of a block with no account planned
_NOTE_CHUNK = 64  # blocks whose rows are read at once


def _note_blocks(
    db: sqlite3.Connection,
    every: list[Block],
    checked: list[Block],
    files: list[tuple[str, FileStat]],
    scanned: int,
    meta: dict[str, str],
    seen: tuple[int, dict[str, StatRow]] | None = None,
) -> None:
    """Remember the ``checked`` blocks whose files all have rows of their stat now, none
    racy (by the clock read before the scan) or kept with a hash, with the window those
    rows hold for; forget the blocks no longer on disk. Best effort.

    ``seen``: the connection's ``data_version`` and the rows this run read and wrote
    through it since (the files of ``checked``, at least): while no other connection has
    written, they are the rows, and the table need not be read again."""
    try:
        if not _begin_ours(db, meta):
            return
        # read in the write transaction: no other run can change a row before the note
        if seen is None or db.execute("PRAGMA data_version").fetchone()[0] != seen[0]:
            rows = _rows_of(db, checked, files)
        else:  # no other connection wrote since this run read its rows: those, as they are
            rows = seen[1]
        noted = []
        for block in checked:
            low, high = 0, _ALWAYS
            for rel, stat in files[block.start : block.end]:
                row = rows.get(rel)
                if row is None or tuple(row[:4]) != stat or row[7] or is_racy(stat, scanned):
                    break
                if row[4]:
                    low, high = max(low, row[5]), min(high, row[6])
            else:
                noted.append((block.key, low, high))
        db.execute(
            "DELETE FROM blocks WHERE key NOT IN (SELECT value FROM json_each(?))",
            (json.dumps([b.key for b in every if b.key]),),
        )
        db.executemany("INSERT OR REPLACE INTO blocks VALUES (?, ?, ?)", noted)
        db.execute("COMMIT")
    except sqlite3.Error:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")


def _rows_of(
    db: sqlite3.Connection, checked: list[Block], files: list[tuple[str, FileStat]]
) -> dict[str, StatRow]:
    """The rows (as ``Cache.stats``) of the files of the ``checked`` blocks."""
    # most of the book (a cold run, every block forgotten by a holidays edit): one plain
    # read of the table beats looking each row up
    if 2 * sum(b.end - b.start for b in checked) > len(files):
        return {rel: tuple(row) for rel, *row in db.execute(f"SELECT {_ROW} FROM files")}
    rows: dict[str, StatRow] = {}
    for n in range(0, len(checked), _NOTE_CHUNK):
        rels = [files[i][0] for b in checked[n : n + _NOTE_CHUNK] for i in range(b.start, b.end)]
        found = db.execute(
            f"SELECT {_ROW} FROM files WHERE rel IN (SELECT value FROM json_each(?))",
            (json.dumps(rels),),
        )
        rows.update((rel, tuple(row)) for rel, *row in found)
    return rows


def _unchanged(
    root: Path, rel: str, stat: FileStat, parsed: tuple[int, int, int, int, str]
) -> bool:
    """Whether a stored parse still holds: the same stat, and the same bytes while racy."""
    return parsed[:4] == stat and (not parsed[4] or _same_bytes(root, rel, parsed[4]))


def start_cache(root: Path, policy: Policy) -> None:
    """Make the plan cache when there is none, as `today` would (best effort: a cache
    folder that cannot be used keeps none, and the caller goes on without)."""
    if not cache_file(root).exists():
        Cache(root, policy).close()


def stored_parses(root: Path, files: list[tuple[str, FileStat]]) -> tuple[Path | None, set[str]]:
    """The cache file and which of ``files`` it holds a parse of that still holds (same
    stat; same bytes while racy), for `report`: (None, ∅) when there is no cache of
    this schema, version and root. Read only: `TrendKeeper` writes."""
    path = cache_file(root)
    if not path.exists():
        return None, set()
    wanted = {"schema": str(SCHEMA), "version": __version__, "root": str(root)}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if any(meta.get(k) != v for k, v in wanted.items()):
                return None, set()  # another version's parse: the files tell
            parses = {
                row[0]: row[1:]
                for row in db.execute(
                    "SELECT rel, mtime, size, ino, ctime, digest FROM parsed "
                    "WHERE account IS NOT NULL"
                )
            }
        finally:
            db.close()
    except sqlite3.Error:
        return None, set()
    fresh = {
        rel for rel, stat in files if rel in parses and _unchanged(root, rel, stat, parses[rel])
    }
    return path, fresh


@dataclass(frozen=True, slots=True)
class StoredParse:
    """A stored parse as `report` reads it, with the trend segments kept for it."""

    problems: str  # JSON
    account: str  # JSON (files.stored)
    stat: tuple[int, int, int, int, str]  # the parse's (mtime, size, ino, ctime, digest)
    trend_key: str | None  # the settings the segments were made with (None: none kept)
    segments: str | None  # JSON (planning.report.Segment)


def trend_keys(policy: Policy) -> dict[str, str]:
    """Per tier, the settings an account's kept trend segments depend on: those its
    plan depends on (``policy_key``, the holidays, the settings of config.NOTED and its
    tier's ``tier_keys``; an edit of the holidays or of NOTED, which keeps most records,
    drops every kept segment: its weeks span months, and they are not noted per file)."""
    base = f"{policy_key(policy)}|{holidays_key(policy)}|{noted_key(policy)}"
    tiers = tier_keys(policy)
    keys = {}
    for tier in Tier:
        text = f"{base}|{tiers[f'tier:{tier.value}']}"
        keys[tier.value] = hashlib.sha256(text.encode()).hexdigest()[:16]  # in every row
    return keys


def read_parses(path: Path, rels: list[str]) -> dict[str, StoredParse]:
    """The stored parses of ``rels`` and the trend segments kept for the same bytes
    (those it cannot read are left out: the caller reads their files)."""
    if not rels:
        return {}
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            return {
                row[0]: StoredParse(row[1], row[2], row[3:8], row[8], row[9])
                for row in db.execute(
                    "SELECT p.rel, p.problems, p.account, p.mtime, p.size, p.ino, p.ctime, "
                    "p.digest, t.key, t.segments FROM parsed p LEFT JOIN trends t "
                    "ON t.rel = p.rel AND t.mtime = p.mtime AND t.size = p.size "
                    "AND t.ino = p.ino AND t.ctime = p.ctime AND t.digest IS p.digest "
                    "WHERE p.account IS NOT NULL AND p.rel IN (SELECT value FROM json_each(?))",
                    (json.dumps(rels),),
                )
            }
        finally:
            db.close()
    return {}


# a kept trends row: (rel, mtime, size, ino, ctime, digest, key, segments JSON)
TrendRow = tuple[str, int, int, int, int, str, str, str]
# a parsed row (rel, mtime, size, ino, ctime, digest, problems JSON, account JSON or
# None): the stat taken before the read, the digest of the bytes read while it is racy
# (`build_record`'s rule, so a file changed after the stat is never trusted later)
ParseRow = tuple[str, int, int, int, int, str, str, str | None]


def parse_row(
    rel: str,
    stat: FileStat,
    stat_ns: int,
    data: bytes,
    account: Account | None,
    problems: list[Problem],
) -> ParseRow:
    """The parsed row of ``data``, read after ``stat`` was taken (at ``stat_ns``): racy
    is judged as of the stat, since a change after it could leave the same stat on a
    file system with coarse timestamps."""
    digest = content_digest(data) if is_racy(stat, stat_ns) else ""
    found = json.dumps(problem_rows(problems))
    return (rel, *stat, digest, found, dump_account(account) if account is not None else None)


class TrendKeeper:
    """Keeps the report's trend segments in the cache as they come (a transaction per
    batch, so the report's parent writes them while its workers go on), each with the
    stat of the parse it was read from (a later report trusts it only with that same
    parse), and the parses of the files it read from YAML. Best effort: a cache busy
    with another touchplan, or gone, keeps nothing more (the next report plans those
    files again)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None

    def add(self, rows: list[TrendRow], parses: Sequence[ParseRow] = ()) -> None:
        if not (rows or parses) or self.path is None:
            return
        try:
            if self.db is None:
                self.db = sqlite3.connect(self.path, timeout=1, isolation_level=None)
                # as `Cache`: in WAL mode no sync per transaction (one per part), only at
                # checkpoints; a crash loses at most the last parts, never the file
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(_INSERT["parsed"], parses)
            self.db.executemany(
                "INSERT OR REPLACE INTO trends VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self.close()
            self.path = None  # keep no more

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None


def _same_bytes(root: Path, rel: str, digest: str) -> bool:
    data = read_capped(root / rel, rel)
    return not isinstance(data, Problem) and content_digest(data) == digest


def _progress_label(jobs: list[Job]) -> str | None:
    """What the bar says when no file is read (a `touchplan.yaml` edit, a new day): the
    accounts are planned again from their stored parses. None: the caller's word."""
    return "Planning accounts" if all(reuse for _rel, _stat, reuse in jobs) else None


def _parse_all(
    root: Path,
    jobs: list[Job],
    policy: Policy,
    day: date,
    progress: ProgressFactory | None,
    sink: Callable[[list[Record]], None],
    stored: sqlite3.Connection | None,
    scanned: int,
) -> None:
    """Parse (or re-plan from their stored parses in ``stored``) ``jobs`` here, handing
    the records to ``sink`` chunk by chunk (``scanned``: when their stats were taken)."""
    tick = progress(len(jobs), _progress_label(jobs)) if progress else None
    for start in range(0, len(jobs), CHUNK):
        chunk = jobs[start : start + CHUNK]
        sink(make_records(str(root), chunk, policy, day, stored, scanned))
        if tick:
            tick(len(chunk))


def _fill(
    root: Path,
    jobs: list[Job],
    policy: Policy,
    day: date,
    progress: ProgressFactory | None,
    count: int,
    db_path: Path,
    scanned: int,
    meta: dict[str, str],
    replacing: bool = False,
) -> None:
    """Parse (or re-plan) ``jobs`` on ``count`` cores into the cache file at ``db_path``
    (``scanned``: when their stats were taken; ``meta``: the cache's, as this run opened
    it, ``_begin_ours``; ``replacing``: the cache holds rows, which these replace).

    Each worker builds its chunks' table rows; the parent inserts them while the others
    are parsed (its core is otherwise idle), in file order, one transaction a chunk. Into
    an empty cache the rows go in without indexes, which are built once at the end.
    No connection of the parent's may cross the fork: the caller has closed its own,
    and this one is opened after the workers started.
    """
    # imported here: a warm run never starts a pool, and these cost ~10 ms to import
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    global _WORKER_POLICY
    _WORKER_POLICY = policy  # the forked workers inherit it: the policy is never pickled
    tick = progress(len(jobs), _progress_label(jobs)) if progress else None
    # a few hundred jobs (a holidays edit) in smaller chunks: the parent writes the first
    # while the workers plan the rest, and neither worker is left with the last big one;
    # rows replaced among others in bigger ones: each chunk's transaction writes the
    # pages of every index it touches again (8,400 re-planned accounts: 2.43 → 2.32 s)
    cap = _REPLACE_CHUNK if replacing else CHUNK
    size = max(CHUNK // 8, min(cap, len(jobs) // (4 * count)))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    with ProcessPoolExecutor(
        count,
        mp_context=get_context("fork"),
        initializer=_start_worker,
        initargs=(str(db_path),),
    ) as pool:
        # with "fork", every worker starts at the first submit
        futures = deque(
            pool.submit(_parse_chunk, str(root), chunk, day.toordinal(), scanned)
            for chunk in chunks
        )
        db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=NORMAL")
            fresh = db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 0
            if fresh:  # a cold build: indexes are cheaper built once, afterwards
                for name in _INDEX_NAMES:
                    db.execute(f"DROP INDEX IF EXISTS {name}")
            else:
                # rows replaced among the others (a policy edit): their indexes' pages
                # kept at hand, and one checkpoint at the end, not one at nearly every
                # chunk's commit (each writes those pages again and syncs)
                db.execute("PRAGMA wal_autocheckpoint=0")
                db.execute(_CACHE_SIZE)
            for chunk in chunks:
                # a done future holds its rows: each is let go of once written (kept, they
                # would make the main process hold every row of the book by the end)
                rows = futures.popleft().result()
                replaced = None if fresh else [rel for rel, _stat, _reuse in chunk]
                _write_rows(db, rows, replaced, policy, meta)
                if tick:
                    tick(len(chunk))
            with contextlib.suppress(sqlite3.Error):
                db.execute("BEGIN IMMEDIATE")
                if fresh:
                    _empty(db, *_RANKING)
                _empty(db, "unique_slugs", "demand")
                db.execute("COMMIT")
            with contextlib.suppress(sqlite3.Error):
                db.executescript(_INDEXES)
            with contextlib.suppress(sqlite3.Error):
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            db.close()


def _write_rows(
    db: sqlite3.Connection,
    rows: Rows,
    replaced: list[str] | None,
    policy: Policy,
    meta: dict[str, str],
) -> None:
    """Insert one chunk's rows, first deleting the ``replaced`` files' old rows (None:
    there are none, nor ranking rows to keep), and rank them for every day kept, in one
    transaction: the ranking rows always match the items, the other files' rows hold (a
    policy edit of one tier, say). Best effort (``_covers`` catches rows that did not go
    in)."""
    try:
        if not _begin_ours(db, meta):
            return
        if replaced:
            _rerank(db, policy, sorted(_replace_rows(db, rows, replaced)))
        else:
            _insert_rows(db, rows)
        db.execute("COMMIT")
    except sqlite3.Error:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")


def _covers(db: sqlite3.Connection, written: list[Job], gone: list[str], day: int) -> bool:
    """Whether the cache now holds exactly the rows this run meant to write (reading
    only those rows: a warm run with one changed file reads one): of the stat it wrote,
    and for a plan, one that holds on ``day`` (a row a policy edit put out of date keeps
    its stat: ``_forget``)."""
    try:
        rows = {
            rel: ((mtime, size, ino, ctime), not ok or valid_until >= day)
            for rel, mtime, size, ino, ctime, ok, valid_until in db.execute(
                "SELECT rel, mtime, size, ino, ctime, ok, valid_until FROM files "
                "WHERE rel IN (SELECT value FROM json_each(?))",
                (json.dumps([rel for rel, _stat, _reuse in written] + gone),),
            )
        }
    except sqlite3.Error:
        return False
    return all(rows.get(rel) == (stat, True) for rel, stat, _reuse in written) and not any(
        rel in rows for rel in gone
    )


# -- ranking from the skeletons -----------------------------------------------------------

_PLANNED = """
    active = 1 AND snooze <= :today AND attempt != :today
      AND (:owner IS NULL OR owner_key = :owner)
"""
# Files left out of planning that still have items: a duplicate slug's second file.
_NOT_SKIPPED = " AND rel NOT IN (SELECT value FROM json_each(:skipped))"
# the per-account queries read items in rel order: no temporary B-tree to group them
_BY_REL = "INDEXED BY items_rel"
# How far below the last shown account's SQL score another account can still rank
# level with or above it once scores are rounded to cents (schedule.quick_score) and
# summed in Python's order: rounding moves each by at most 0.005, float error is far
# smaller, so an account more than this below can never be shown (the SQL ties by
# tier and slug, the full plan by tier, due date and slug: every such tie is within).
_SCORE_SLACK = 0.05
# score_terms in SQL: a commitment due today or late, else cadence work (see why)
# a booked appointment on its day ranks before everything (planning.schedule.rank_key)
# then cadence work past its grace (due on :limit or earlier), then the rest
_CLASS = (
    f"(CASE WHEN kind = '{ItemKind.BOOKED.value}' AND due = :today THEN -1 WHEN cls = 0 THEN 0 "
    "WHEN due <= :limit THEN 1 ELSE 2 END)"
)
# `imp` is a commitment's importance, or a cadence item's kind weight
_SCORE = """
    CASE WHEN cls = 0
      THEN :commitment + :late_day * MAX(0, :today - due) + imp
      ELSE tw * imp * MAX(0.0, ROUND(1 + (:today - due) * 1.0 / MAX(cadence, 1), 3)) END
"""


# Each planned account's ranking row for a day (``_RANKS``): its best score, its best tier
# and its counts (items due, a commitment due, something that cannot wait). The score
# depends on the day, so the cache keeps the rows of the days asked for (``ranked``) and
# store_records replaces a changed file's rows in the same transaction as its items: a
# warm `today` reads the top rows from an index instead of scoring every due item.
_RANK_SELECT = f"""
SELECT rel, :today AS day, slug, owner_key, MIN({_CLASS} * 1e9 - ({_SCORE})) AS best,
    MIN(tier_rank) AS tier_rank, COUNT(*) AS n, MAX(cls = 0) AS c,
    MAX(cls = 0 OR due <= :wait) AS p
FROM items {{hint}} WHERE due <= :today AND active = 1 AND snooze <= :today
    AND attempt != :today {{only}} GROUP BY rel
"""
_RANK_ROWS = "INSERT INTO {table} " + _RANK_SELECT
_ONLY_RELS = "AND rel IN (SELECT value FROM json_each(:rels))"


def _rank_params(policy: Policy, today: int) -> dict[str, Any]:
    w = policy.weights
    grace = grace_limit(policy, date.fromordinal(today))
    return {
        "today": today,
        "commitment": w.commitment,
        "late_day": w.late_day,
        "limit": -1 if grace is None else grace.toordinal(),
        "wait": wait_limit(policy, date.fromordinal(today)).toordinal(),
    }


def _rerank(db: sqlite3.Connection, policy: Policy, rels: list[str]) -> None:
    """Replace the ranking rows of ``rels`` for every day kept (inside the caller's
    transaction, so the rows always match the items)."""
    days = db.execute("SELECT day, slot FROM ranked").fetchall()
    if not days or not rels:
        return
    wanted = json.dumps(rels)
    for today, slot in days:
        table = _RANKS[slot]
        db.execute(f"DELETE FROM {table} WHERE rel IN (SELECT value FROM json_each(?))", (wanted,))
        db.execute(
            _RANK_ROWS.format(table=table, hint="", only=_ONLY_RELS),
            {**_rank_params(policy, today), "rels": wanted},
        )


def _ranks_ready(
    db: sqlite3.Connection, policy: Policy, today: int, meta: dict[str, str] | None = None
) -> bool:
    """Whether a table of ``_RANKS`` holds the day's rows, scoring every due item once
    if not (the first run of a day, whose rows take the oldest day's table); False when
    the cache cannot be written, or its settings are no longer ``meta``
    (``_begin_ours``): then rank from the items."""
    try:
        if _ranks_of(db, today) is not None:
            return True
        if not _begin_ours(db, meta):
            return False
        try:
            if _ranks_of(db, today) is None:
                kept = db.execute("SELECT day, slot FROM ranked ORDER BY day DESC").fetchall()
                for old, slot in kept[_KEEP_DAYS - 1 :]:
                    _empty(db, _RANKS[slot])
                    db.execute("DELETE FROM ranked WHERE day = ?", (old,))
                slot = min(set(range(_KEEP_DAYS)) - {slot for _day, slot in kept[: _KEEP_DAYS - 1]})
                table = _RANKS[slot]
                _empty(db, table)  # rows of no day kept: none, unless damaged
                _hinted(
                    db,
                    _RANK_ROWS.format(table=table, hint=_BY_REL, only=""),
                    _rank_params(policy, today),
                )
                db.execute("INSERT INTO ranked VALUES (?, ?)", (today, slot))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    except sqlite3.Error:
        return False
    return True


def _ranks_of(db: sqlite3.Connection, today: int) -> str | None:
    """The table holding the ranking rows of ``today`` (None: none does)."""
    row = db.execute("SELECT slot FROM ranked WHERE day = ?", (today,)).fetchone()
    return None if row is None else _RANKS[row[0]]


@dataclass(frozen=True)
class Ranked:
    """`today` from the cache: the accounts to plan in full, in about the right order."""

    candidates: list[tuple[str, str]]  # (slug, rel), best first, the margin included
    pulled: dict[str, dict[str, str]]  # slug -> key -> why, of commitments pulled to today
    calls: int  # calls due today in all
    items: int  # items due today in all


def rank_calls(
    index: Index, policy: Policy, day: date, owner: str | None, limit: int | None
) -> Ranked:
    """Today's calls ranked from the skeletons, as ``plan_calls`` ranks them.

    SQLite scores every due item in C and keeps each account's best, once a day (the
    ranking rows, replaced with a changed file's items); the commitments
    ahead go to ``pull_forward`` exactly as the full plan weighs them. The caller plans
    the candidates in full and re-ranks them with the exact scores.
    """
    db = index.db
    today = day.toordinal()
    ready = _ranks_ready(db, policy, today, index.meta)
    # every read below from one snapshot: another `today` building the cache afresh
    # empties the ranking rows and `ranked` meanwhile, which between two reads would mix
    # states (and another day's rows may take the table)
    try:
        db.execute("BEGIN")
    except sqlite3.Error:
        return _rank_in(index, policy, day, owner, limit, None)
    try:
        # None: emptied since, rank from the items, in this snapshot
        table = _ranks_of(db, today) if ready else None
        return _rank_in(index, policy, day, owner, limit, table)
    finally:
        with contextlib.suppress(sqlite3.Error):
            db.execute("COMMIT")


def _rank_in(
    index: Index,
    policy: Policy,
    day: date,
    owner: str | None,
    limit: int | None,
    ranks: str | None,
) -> Ranked:
    """``rank_calls`` from the day's ranking rows (in the table ``ranks``), else (None)
    from the items."""
    wanted = owner.casefold() if owner and owner.strip().lower() != EVERYONE else None
    today = day.toordinal()
    params = {
        **_rank_params(policy, today),
        "owner": wanted,
        "skipped": json.dumps(index.skipped),
    }
    planned = _PLANNED + (_NOT_SKIPPED if index.skipped else "")
    db = index.db
    # else the same rows, computed here (a cache another process holds locked)
    rows = ranks or f"({_RANK_SELECT.format(hint=_BY_REL, only='')})"
    # every row is of the day: a table of them (whose indexes have no day: else a look-up by
    # rel would read every row of the day), or the query's for it
    mine = f"{rows} WHERE (:owner IS NULL OR owner_key = :owner)" + (
        _NOT_SKIPPED if index.skipped else ""
    )
    calls, due_items, committed, pressing = _hinted(
        db, f"SELECT COUNT(*), SUM(n), SUM(c), SUM(p) FROM {mine}", params
    ).fetchone()
    due_items, committed, pressing = due_items or 0, committed or 0, pressing or 0
    horizon = (plus_working(policy, day, policy.plan_ahead)).toordinal()
    soon = plus(day, policy.lookahead).toordinal()  # what a call made anyway settles early
    ahead_rows = db.execute(
        "SELECT slug, tier, due, key, EXISTS(SELECT 1 FROM items AS o WHERE o.rel = items.rel "
        "AND o.due <= :today), repeats, kind, imp, rel, opened FROM items "
        "WHERE cls = 0 AND kind IN (SELECT value FROM json_each(:early)) AND deferred = 0 "
        f"AND due > :today AND due <= MAX(:horizon, :soon) AND {planned}",
        {
            **params,
            "horizon": horizon,
            "soon": soon,
            "early": json.dumps(sorted(k.value for k in EARLY_KINDS)),
        },
    ).fetchall()
    made = {0: None, today: day}  # only "opened today" matters (spare_for)
    ahead = [
        Ahead(
            slug,
            Tier(tier),
            date.fromordinal(due),
            key,
            spare_for(bool(repeats), ItemKind(kind), made.get(opened), policy, day),
        )
        for slug, tier, due, key, _, repeats, kind, _imp, _rel, opened in ahead_rows
    ]
    called = {slug for slug, _t, _d, _k, has_due, *_ in ahead_rows if has_due}
    pulled = pull_forward(ahead, called, committed or 0, policy, day, pressing or 0, calls)
    only_pulled = [slug for slug in pulled if slug not in called]
    # a call due anyway that settles a commitment early ranks above all cadence work
    # (calls.call_key), whatever its score: each is a candidate, past the margin too
    # accounts with a commitment or booking due rank by it (their ranking row shows it)
    ranked_by_due = {
        rel
        for (rel,) in _hinted(
            db,
            # `+best`: look each account up by its key, not every commitment's row by score
            f"SELECT rel FROM {mine} AND +best <= 0 "
            "AND rel IN (SELECT value FROM json_each(:rels))",
            {**params, "rels": json.dumps(sorted({row[8] for row in ahead_rows if row[4]}))},
        )
    }
    riding = _riding(
        [row for row in ahead_rows if row[8] not in ranked_by_due], pulled, soon, limit
    )
    if limit == 0:  # the counts only (the next working day's, for the header)
        return Ranked([], pulled, calls + len(only_pulled), due_items)
    query = f"SELECT slug, rel FROM {mine}"
    if limit is not None:  # the first ``limit`` and every account within the slack of them
        bound = f"SELECT best FROM {mine} ORDER BY best LIMIT 1 OFFSET :last"
        query += f" AND best <= COALESCE(({bound}) + :slack, 1e300)"
        params = {**params, "last": max(int(limit) - 1, 0), "slack": _SCORE_SLACK}
    query += " ORDER BY best, tier_rank, slug"
    candidates = [(slug, rel) for slug, rel in _hinted(db, query, params)]
    found = {slug for slug, _rel in candidates}
    # the pulled and riding accounts are among the commitments ahead, which name their
    # files (no look-up by slug: `items` has no index on it, and a scan costs 20 ms)
    files_of = {row[0]: row[8] for row in ahead_rows}
    more = sorted(s for s in {*only_pulled, *riding} if s not in found)
    candidates.extend((slug, files_of[slug]) for slug in more)
    return Ranked(candidates, pulled, calls + len(only_pulled), due_items)


def _riding(
    rows: list[tuple[Any, ...]],
    pulled: dict[str, dict[str, str]],
    soon: int,
    limit: int | None,
) -> set[str]:
    """The accounts called anyway whose call settles a commitment early, as far down as
    they can rank: such a call ranks by its earliest early item (calls.make_call sorts
    them by due date and kind), whose score is that commitment's importance (nothing is
    late yet), then tier, due date and account, as ``call_key`` has it; only the first
    ``limit`` of them can be shown (40,000 accounts: not all 1,000)."""
    first: dict[str, tuple[int, str, float, str]] = {}
    for slug, tier, due, key, has_due, _repeats, kind, imp, _rel, _opened in rows:
        if has_due and (due <= soon or key in pulled.get(slug, ())):
            here = (due, kind, imp, tier)
            if slug not in first or here[:2] < first[slug][:2]:
                first[slug] = here
    # the exact key: an early commitment's score is its importance, rounded to cents
    order = sorted(first, key=lambda s: (-round(first[s][2], 2), TIER_ORDER[Tier(first[s][3])],
                                         first[s][0], s))  # fmt: skip
    return set(order if limit is None else order[: int(limit)])


def _hinted(db: sqlite3.Connection, query: str, params: dict[str, Any]) -> sqlite3.Cursor:
    """``query`` reading items in rel order, or in any order while another run rebuilds
    the index (a cold build drops its indexes until its rows are in)."""
    try:
        return db.execute(query, params)
    except sqlite3.OperationalError as exc:
        if "no such index" not in str(exc):
            raise
        return db.execute(query.replace(_BY_REL, "NOT INDEXED"), params)


def plus_working(policy: Policy, day: date, count: int) -> date:
    """The ``count``-th working day after ``day``."""
    return policy.add_working_days(day, count)


def names_lookup(root: Path) -> Callable[[str], list[Path]] | None:
    """Account files by case-insensitive name, from the cache (None when there is none).

    The cache may be a run behind: a file whose stat (and bytes, while racy) is not the
    one its row was made from is read to learn its name, as is a file with no row, so a
    name no account has is known without reading 40,000 files.
    """
    path = cache_file(root)
    if not path.exists():
        return None

    def lookup(name_key: str) -> list[Path]:
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
            try:
                rows = {
                    rel: ((mtime, size, ino, ctime, digest or ""), ok and key == name_key)
                    for rel, mtime, size, ino, ctime, digest, ok, key in db.execute(
                        "SELECT rel, mtime, size, ino, ctime, digest, ok, name_key FROM files"
                    )
                }
            finally:
                db.close()
        except sqlite3.Error:
            return _read_names(root, name_key)
        found = []
        for rel, stat in scan_tree(root)[0]:
            row = rows.get(rel)
            if row is not None and _unchanged(root, rel, stat, row[0]):
                if row[1]:
                    found.append(root / rel)
                continue
            account, _ = load_file(root, root / rel)
            if account is not None and account.name.casefold() == name_key:
                found.append(root / rel)
        return found

    return lookup


def _read_names(root: Path, name_key: str) -> list[Path]:
    found = []
    for path in list_account_files(root):
        account, _ = load_file(root, path)
        if account is not None and account.name.casefold() == name_key:
            found.append(path)
    return found


# -- what commands ask of the cache -------------------------------------------------------


def find_account(root: Path, name: str) -> tuple[Path, Account]:
    """One account by slug, prefix or name, without reading the other 40,000 files."""
    path = direct_hit(root, name) or resolve_rel(
        list_account_rels(root), root, name, by_name=names_lookup(root)
    )
    account, problems = load_file(root, path)
    if account is None:
        raise AccountFileError(path, [p for p in problems if p.fatal] or problems)
    return path, account


@dataclass(frozen=True)
class Scope:
    """What `today`'s header says besides the calls: whose they are and what the owner
    filter left out, the calls a working day the book needs (``workload``'s figure, to
    hold against capacity), and, when today is not a working day, the next one's load."""

    owner: str | None  # the owner filter; None: everyone
    others: int = 0  # planned accounts (active, not snoozed) of other reps, left out
    unowned: int = 0  # planned accounts with no owner, left out by an owner filter
    needed: float = 0.0  # calls a working day the (owner's) book needs: `workload`
    next_day: date | None = None  # the next working day, when today is not one
    next_day_calls: int = 0  # calls due on it


@dataclass(frozen=True)
class TodayPlan:
    """`today`: the calls shown (ranked), how many are due in all, and their accounts."""

    calls: list[Call]
    total_calls: int  # calls due today in all
    total_items: int  # items due today in all (what `more` counts from)
    accounts: dict[str, Account]  # by slug: the accounts of the calls shown
    skipped: list[str]  # account files left out of planning
    warnings: list[str] = field(default_factory=list)  # what else the rep must hear
    scope: Scope | None = None  # what the header says besides the calls


def plan_today(
    root: Path,
    config: Config,
    day: date,
    owner: str | None,
    *,
    show_all: bool = False,
    use_cache: bool = True,
    progress: ProgressFactory | None = None,
) -> TodayPlan:
    """The calls due for ``owner`` (None: everyone), at most the capacity unless
    ``show_all``. From the cache, only the accounts shown are planned in full; without
    it every file is parsed and planned (the two must always agree)."""
    policy = config.policy
    limit = None if show_all else policy.capacity
    if not use_cache:
        book = load_book(root)
        mine = owned(book.accounts, owner)
        plans = {a.slug: (a, plan_account(a, policy, day)) for a in book.accounts}
        kept = {a.slug for a in mine}
        planned = {s: p for s, p in plans.items() if s in kept and is_planned(p[0], day)}
        every = calls_from(
            {slug: p for slug, p in planned.items() if not attempted(p[0], day)}, policy, day
        )
        due = sum(len(c.items) for c in every)
        scope = book_scope(book.accounts, mine, planned, policy, day, owner)
        ids = assign_ids(i for _a, items in plans.values() for i in items)
        return TodayPlan(
            [relabel(c, ids) for c in every[:limit]],
            len(every),
            due,
            book.by_slug(),
            book.skipped,
            book.warnings,
            scope,
        )
    index = build_index(root, config, day, progress=progress)
    try:
        scope = index_scope(index, policy, day, owner)
        return _today_from(
            root,
            policy,
            day,
            limit,
            index,
            lambda more: rank_calls(
                index, policy, day, owner, None if limit is None else limit + more
            ),
            scope,
        )
    finally:
        index.db.close()


def pulled_today(
    root: Path, config: Config, day: date, owner: str | None
) -> dict[str, dict[str, str]]:
    """The commitments ``owner``'s list for ``day`` brings forward (``pull_forward``):
    slug -> item key -> why, as `today` weighs them (from the cache, kept up to date)."""
    index = build_index(root, config, day)
    try:
        return rank_calls(index, config.policy, day, owner, 0).pulled
    finally:
        index.db.close()


def _today_from(
    root: Path,
    policy: Policy,
    day: date,
    limit: int | None,
    index: Index,
    rank: Callable[[int], Ranked],
    scope: Scope,
) -> TodayPlan:
    """The calls ranked from the cache, planned in full for the accounts shown.

    ``rank(more)`` gives the candidates for ``limit + more`` calls: every account that
    can rank among the first ``limit`` is one of them as long as at most ``more`` of them
    give no call (a file that changed since the scan), so each such loss asks again."""
    accounts: dict[str, Account] = {}
    calls: list[Call] = []
    skipped = list(index.skipped)
    warnings = [str(p) for p in index.folders] + index.warnings
    lost = 0
    seen: set[str] = set()
    ranked = rank(0)
    while True:
        stored = _stored_accounts(index.db, [rel for slug, rel in ranked.candidates])
        for slug, rel in ranked.candidates:
            if slug in seen:
                continue
            seen.add(slug)
            account, problems = _load_candidate(root, rel, stored.get(rel))
            if account is None:
                # it changed (or became unreadable) since the scan a moment ago: one bad
                # file never stops the others; it is named, and the next run re-reads it
                first = next((p for p in problems if p.fatal), problems[0] if problems else None)
                skipped.append(rel)
                warnings.append(f"{first or rel} (it changed while planning; left out)")
                lost += 1
                continue
            accounts[slug] = account
            items = plan_account(account, policy, day)
            why = ranked.pulled.get(slug, {})
            call = make_call(account, items, policy, day, [i for i in items if i.key in why], why)
            if call is not None:
                calls.append(call)
        missing = len(seen) - len(calls)  # candidates that gave no call
        if limit is None or missing == 0:
            break
        again = rank(missing)
        if not {s for s, _r in again.candidates} - seen:
            break
        ranked = again
    calls.sort(key=lambda c: call_key(c, day))
    ids = _book_ids(index.db, [i for c in calls[:limit] for i in c.agenda])
    shown = [relabel(c, ids) for c in calls[:limit]]
    return TodayPlan(
        shown,
        max(len(shown), ranked.calls - lost),
        ranked.items,
        {c.account: accounts[c.account] for c in shown},
        skipped,
        warnings,
        scope,
    )


def _stored_accounts(
    db: sqlite3.Connection, rels: list[str]
) -> dict[str, tuple[tuple[int, int, int, int, str], str]]:
    """rel -> (stat and racy digest, account JSON) of the stored parses of ``rels``."""
    with contextlib.suppress(sqlite3.Error):
        return {
            rel: ((mtime, size, ino, ctime, digest or ""), account)
            for rel, mtime, size, ino, ctime, digest, account in db.execute(
                "SELECT rel, mtime, size, ino, ctime, digest, account FROM parsed "
                "WHERE account IS NOT NULL AND rel IN (SELECT value FROM json_each(?))",
                (json.dumps(rels),),
            )
        }
    return {}


def _load_candidate(
    root: Path, rel: str, stored: tuple[tuple[int, int, int, int, str], str] | None
) -> tuple[Account | None, list[Problem]]:
    """A shown account from its stored parse while that still holds (the file's stat now
    is the parsed one, and its bytes too while racy: the rules the scan used), else from
    the file: one changed or unreadable since the scan is read (and left out) here."""
    if stored is not None:
        try:
            stat = file_stat(os.stat(root / rel))
        except OSError:
            stat = None
        if stat is not None and _unchanged(root, rel, stat, stored[0]):
            with contextlib.suppress(*DAMAGED):
                return load_account(stored[1]), []
    return load_file(root, root / rel)


def _book_ids(db: sqlite3.Connection, items: Sequence[Item]) -> dict[str, str]:
    """Ids for ``items`` unique among every open item the cache knows of (the few keys
    sharing their first characters are read by prefix, through the key index)."""
    others: list[tuple[str, date | None]] = []
    for prefix in sorted({i.key[:ID_LENGTH] for i in items}):
        rows = db.execute(
            "SELECT key, opened FROM items WHERE key >= ? AND key < ?", (prefix, prefix + "~")
        )
        others.extend((key, date.fromordinal(o) if o else None) for key, o in rows)
    return assign_ids(items, others)


def book_ids(root: Path, items: Sequence[Item]) -> dict[str, str]:
    """Ids for ``items`` unique in the book, as `today` shows them: from the cache as the
    last run left it (without one, unique among ``items`` only)."""
    path = cache_file(root)
    if items and path.exists():
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
            try:
                return _book_ids(db, items)
            finally:
                db.close()
        except sqlite3.Error:
            pass
    return assign_ids(items)


def _owner_key(owner: str | None) -> str | None:
    return owner.strip().casefold() if owner and owner.strip().lower() != EVERYONE else None


def book_scope(
    book: list[Account],
    mine: list[Account],
    planned: dict[str, tuple[Account, list[Item]]],
    policy: Policy,
    day: date,
    owner: str | None,
) -> Scope:
    """The header's figures from the loaded book (``mine``: the accounts the owner
    filter keeps, ``planned``: the items of those planned today)."""
    wanted = _owner_key(owner)
    left = [a for a in book if wanted is not None and is_planned(a, day)]
    unowned = sum(1 for a in left if not a.owner)
    others = sum(1 for a in left if a.owner and a.owner.casefold() != wanted)
    scope = Scope(owner, others, unowned, needed_of(mine, policy, day))
    if policy.is_working_day(day):
        return scope
    next_day = policy.next_working_day(day)
    later = {a.slug: planned[a.slug][1] if a.slug in planned else plan_account(a, policy, day)
             for a in mine if is_planned(a, next_day)}  # fmt: skip
    return replace(scope, next_day=next_day, next_day_calls=_due_by(later, mine, policy, next_day))


def _due_by(items: dict[str, list[Item]], mine: list[Account], policy: Policy, day: date) -> int:
    """Calls due by ``day`` as today's plan stands: ``rank_calls``'s count (the accounts
    with an item due by then, and those a later deadline pulls forward), in Python."""
    tiers = {a.slug: a.tier for a in mine}
    called, pulled = due_and_pulled(
        {slug: (tiers[slug], its) for slug, its in items.items()}, policy, day
    )
    return len(called | set(pulled))


def index_scope(index: Index, policy: Policy, day: date, owner: str | None) -> Scope:
    """The header's figures from the cache: a few aggregates over its partial indexes
    (milliseconds at 40,000 accounts), never a file read."""
    wanted = _owner_key(owner)
    params = {"today": day.toordinal(), "owner": wanted, "skipped": json.dumps(index.skipped)}
    not_skipped = _NOT_SKIPPED if index.skipped else ""
    others = unowned = 0
    if wanted is not None:
        rows = index.db.execute(
            "SELECT owner_key, COUNT(*) FROM files WHERE ok = 1 AND status = 'active' "
            f"AND snooze <= :today{not_skipped} GROUP BY owner_key",
            params,
        )
        for key, count in rows:
            if key == "":
                unowned += count
            elif key != wanted:
                others += count
    scope = Scope(owner, others, unowned, _index_needed(index, policy, day, wanted))
    if policy.is_working_day(day):
        return scope
    # the next working day's calls as today's plan stands (a step expiring in between
    # still counts): from the skeletons, as the loaded book counts them in `_due_by`
    next_day = policy.next_working_day(day)
    ahead = rank_calls(index, policy, next_day, owner, 0)
    return replace(scope, next_day=next_day, next_day_calls=ahead.calls)


def _index_needed(index: Index, policy: Policy, day: date, wanted: str | None) -> float:
    """``workload``'s calls a working day, from the cache's per-file figures and window
    entries (the same ``kind_loads`` arithmetic as the loaded book's). The figures are
    kept per day, owner and skipped files (``demand``, adjusted by each change to the
    rows they sum: ``store_records``), so a warm run reads one row instead of summing
    40,000."""
    key = (day.toordinal(), wanted or "", json.dumps(index.skipped))
    db = index.db
    found = None
    try:
        row = db.execute(
            "SELECT figures FROM demand WHERE day = ? AND owner = ? AND skipped = ?", key
        ).fetchone()
        if row is not None:
            found = loads(row[0])
        else:
            db.execute("BEGIN IMMEDIATE")  # summed and kept with no writer in between
            try:
                found = sum_figures(db, key[0], wanted, key[2])
                db.execute("INSERT OR REPLACE INTO demand VALUES (?, ?, ?, ?)",
                           (*key, found.dumps()))  # fmt: skip
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
    except (sqlite3.Error, *DAMAGED):
        found = None
    if found is None:  # a cache another process holds locked, or a damaged row
        found = sum_figures(db, key[0], wanted, key[2])
    return needed_calls(kind_loads(found.demand(), policy))


def check_files(
    root: Path, config: Config, day: date, progress: ProgressFactory | None = None
) -> tuple[list[Problem], list[str]]:
    """`check`: every problem in every account file (the cache remembers clean ones) and
    every owner the team's `owners:` does not list; and what to mention without failing
    (a write in progress, a cache that cannot be used)."""
    index = build_index(root, config, day, progress=progress)
    try:
        owners = [p for _owner, p in _unlisted_owners(index, config)]
        return [*index.problems, *owners], index.warnings + index.notes
    finally:
        index.db.close()


def unlisted_owners(root: Path, config: Config, day: date) -> list[tuple[str, Problem]]:
    """`doctor`: the accounts whose `owner:` is not under `owners:` in touchplan.yaml,
    each with its owner as written."""
    index = build_index(root, config, day)
    try:
        return _unlisted_owners(index, config)
    finally:
        index.db.close()


_OWNER_LINE = re.compile(rb"^owner\s*:", re.MULTILINE)


def _unlisted_owners(index: Index, config: Config) -> list[tuple[str, Problem]]:
    """An owner no rep lists hides the account from its rep's `today`. Only when the
    team lists its reps at all; an account without an owner is everyone's."""
    listed = config.owners.emails
    if not listed:
        return []
    aliases = config.owners.aliases()
    reps = {fold_name(rep) for rep in listed}
    found = []
    rows = index.db.execute(
        "SELECT rel, owner FROM files WHERE ok = 1 AND owner IS NOT NULL AND owner != '' "
        "ORDER BY rel"
    )
    for rel, owner in rows:
        if fold_name(owner) in reps or rel in index.skipped:
            continue
        rep = aliases.get(fold_name(owner))
        hint = (
            f"`{owner}` is one of {rep}'s names: write `owner: {rep}`"
            if rep is not None
            else "add the rep under `owners:`, or correct the name"
        )
        found.append((owner, Problem(
            rel, _owner_line(index.root / rel), "owner",
            f"{owner!r} is not a rep under owners: in {POLICY_FILE}", hint, fatal=False,
        )))  # fmt: skip
    return found


def _owner_line(path: Path) -> int | None:
    """The line of the file's top-level `owner:` key (1-based), for the message."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    match = _OWNER_LINE.search(data)
    return data.count(b"\n", 0, match.start()) + 1 if match else None


def find_item_accounts(
    root: Path, config: Config, day: date, wanted: str
) -> list[tuple[Path, Account]]:
    """The accounts holding an open item whose key starts with ``wanted`` (an item id),
    from the cache's index of every item: no file but theirs is parsed."""
    prefix = wanted.strip().lower()
    if len(prefix) < 3:
        return []
    index = build_index(root, config, day)
    try:
        rels = [
            rel
            for (rel,) in index.db.execute(
                "SELECT DISTINCT rel FROM items WHERE key >= :p AND key < :p || '~'",
                {"p": prefix},
            )
            if rel not in index.skipped
        ]
    finally:
        index.db.close()
    found = []
    for rel in rels:
        account, _problems = load_file(root, root / rel)
        if account is not None:
            found.append((root / rel, account))
    return found
