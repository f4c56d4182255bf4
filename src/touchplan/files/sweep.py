"""The manager's report over every account file, on every core.

Each worker (forked, so the policy and the report's parameters are inherited, never
pickled) reads its share of the files (a file unchanged since the plan cache parsed it
is read from that parse, plain JSON, instead of its YAML), adds each account's figures
into a `Tally`, and writes that tally as JSON into a scratch file of its own; only a
count crosses back. The parent reads the scratch files and adds them up. A file that
does not load is skipped and named, as everywhere else; two files with one slug keep the
first that loads, like `load_book`.

The weekly trends plan each account as it stood at each week's end; a plan depends on
the file, the settings and the day alone, so what those plans read (the trend segments,
`planning.report.Segment`) is kept in the plan cache beside the file's stored parse and
read by the next report instead of planning again (the parent writes them, once the
workers are done). A changed file, or other settings, plans afresh. A file read from
its YAML (no stored parse, or a stale one) has its parse kept too, with the stat the
scan took, and the plan cache is made when there is none: the next report, or `today`,
reads no YAML for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import date
from multiprocessing import get_context
from pathlib import Path

from touchplan.config import Policy
from touchplan.errors import Problem
from touchplan.files.cache import (
    ParseRow,
    StoredParse,
    TrendKeeper,
    TrendRow,
    cache_file,
    parse_row,
    read_parses,
    start_cache,
    stored_parses,
    trend_keys,
)
from touchplan.files.schema import read_account
from touchplan.files.store import FileStat, duplicate_slug, load_file, read_capped, scan_tree
from touchplan.files.stored import DAMAGED, load_account
from touchplan.model import Account
from touchplan.planning.report import Period, Segment, Tally, account_figures
from touchplan.progress import ProgressFactory

PARALLEL_FROM = 400  # files before a process pool pays for itself
CHUNK = 500


@dataclass(frozen=True)
class Job:
    """What every worker needs besides its files (inherited across the fork)."""

    root: Path
    policy: Policy
    today: date
    period: Period
    weeks: int
    by: str
    stored: Path | None = None  # the plan cache holding parses of unchanged files
    trend_keys: dict[str, str] = field(default_factory=dict)  # tier -> `cache.trend_keys`
    # the files to read from YAML whose parses are kept (with ``stored``): rel -> the
    # stat the scan took, at ``scanned_ns``
    stats: dict[str, FileStat] = field(default_factory=dict)
    scanned_ns: int = 0


@dataclass
class Swept:
    tally: Tally
    skipped: list[str] = field(default_factory=list)  # files left out (they have errors)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # unreadable folders, as `load_book`


_JOB: Job | None = None


@dataclass
class Part:
    """What one share of the files adds: their tally, and the trend segments to keep."""

    tally: Tally
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    trends: list[TrendRow] = field(default_factory=list)
    parses: list[ParseRow] = field(default_factory=list)  # of the files read from YAML


Read = tuple[Account | None, list[Problem], StoredParse | None, ParseRow | None]


def _read(job: Job, rel: str, parses: dict[str, StoredParse]) -> Read:
    """The account in ``rel``: from its stored parse when there is one, else the file;
    with the parse (stored, or made now and to keep: then also its row)."""
    parsed = parses.get(rel)
    if parsed is not None:
        try:
            found = [Problem(rel, *row) for row in json.loads(parsed.problems)]
            return load_account(parsed.account), found, parsed, None
        except DAMAGED:
            pass  # a damaged stored parse: the file itself tells (and its parse is kept)
    stat = job.stats.get(rel)
    if stat is None:  # no cache to keep its parse in
        return (*load_file(job.root, job.root / rel), None, None)
    data = read_capped(job.root / rel, rel)
    if isinstance(data, Problem):
        return None, [data], None, None
    account, found = read_account(data, _slug(rel), rel)
    row = parse_row(rel, stat, job.scanned_ns, data, account, found)
    if account is None:
        return None, found, None, row
    return account, found, StoredParse(row[6], row[7] or "", (*stat, row[5]), None, None), row


def _kept(job: Job, account: Account, parsed: StoredParse) -> list[Segment] | None:
    """The trend segments kept for this parse with today's settings, if any."""
    if parsed.segments is None or parsed.trend_key != job.trend_keys.get(account.tier.value):
        return None
    with contextlib.suppress(ValueError):
        segments = json.loads(parsed.segments)
        if isinstance(segments, list) and all(
            isinstance(seg, list) and len(seg) >= 5 and all(type(n) is int for n in seg)
            for seg in segments
        ):
            return segments
    return None  # damaged: plan afresh (and keep what is made now)


def _tally(job: Job, rels: list[str], reuse: list[str]) -> Part:
    """``reuse``: those of ``rels`` with a stored parse that still holds."""
    part = Part(Tally(job.by))
    parses = read_parses(job.stored, reuse) if job.stored is not None else {}
    for rel in rels:
        account, found, parsed, row = _read(job, rel, parses)
        if row is not None:
            part.parses.append(row)
        part.problems.extend(found)
        if account is None:
            part.skipped.append(rel)
            continue
        # only a stored parse has a stat to keep segments with (the bytes it was read from)
        kept = _kept(job, account, parsed) if parsed is not None else None
        figures = account_figures(
            account, job.policy, job.today, job.period, job.weeks, job.by,
            kept, keep=parsed is not None,
        )  # fmt: skip
        if figures.segments is not None and parsed is not None:
            key = job.trend_keys[account.tier.value]
            part.trends.append((rel, *parsed.stat, key, json.dumps(figures.segments)))
        part.tally.add(figures)
    return part


def _work(rels: list[str], reuse: list[str], out: str) -> int:
    """Worker: tally ``rels`` and write the result as JSON to ``out``."""
    assert _JOB is not None
    part = _tally(_JOB, rels, reuse)
    data = {
        "tally": part.tally.to_data(),
        "skipped": part.skipped,
        "problems": [[p.path, p.line, p.field, p.message, p.hint, p.fatal] for p in part.problems],
        "trends": part.trends,
        "parses": part.parses,
    }
    text = json.dumps(data)  # at once: `json.dump` writes it in small pieces, 3 times slower
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(text)
    return len(rels)


def _slug(rel: str) -> str:
    """``slug_of(Path(rel))`` without making a Path (40,000 of them cost a quarter of a
    second): the file name up to its last dot, as ``Path.stem`` cuts it."""
    name = os.path.basename(rel)
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _order(root: Path, rels: list[str], swept: Swept) -> list[str]:
    """The files to tally: of files sharing a slug, the first that loads (the rest are
    skipped, as `load_book` does)."""
    counts = Counter(_slug(rel) for rel in rels)
    if len(counts) == len(rels):
        return rels
    keep: list[str] = []
    owner: dict[str, str] = {}
    for rel in rels:
        slug = _slug(rel)
        if counts[slug] == 1:
            keep.append(rel)
            continue
        if slug in owner:
            swept.problems.append(duplicate_slug(rel, owner[slug], slug))
            swept.skipped.append(rel)
            continue
        account, _found = load_file(root, root / rel)
        if account is not None:
            owner[slug] = rel
        keep.append(rel)  # the tally reports it skipped, with its problems, if it fails
    return keep


def sweep_report(
    job: Job, *, workers: int | None = None, progress: ProgressFactory | None = None
) -> Swept:
    """Every account's figures, added up (``workers``: processes; default every core)."""
    start_cache(job.root, job.policy)
    # the stat of every file is needed only to trust a stored parse, or keep one
    cached = cache_file(job.root).exists()
    scanned_ns = time.time_ns()  # before the scan: racy is judged as of the stats
    found, _temps, folders = scan_tree(job.root, with_stat=cached)
    swept = Swept(Tally(job.by), problems=list(folders), warnings=[str(p) for p in folders])
    every = [rel for rel, _stat in found]
    rels = _order(job.root, every, swept)
    fresh: set[str] = set()
    if cached:
        stored, fresh = stored_parses(job.root, found)
        if stored is not None:
            stats = {rel: stat for rel, stat in found if rel not in fresh}
            job = replace(job, stored=stored, stats=stats, scanned_ns=scanned_ns)
        job = replace(job, trend_keys=trend_keys(job.policy))
    try:
        return _sweep(job, rels, fresh, swept, workers, progress)
    finally:
        place = {rel: n for n, rel in enumerate(every)}
        swept.skipped.sort(key=lambda rel: place.get(rel, 0))  # named in file order


def _sweep(
    job: Job,
    rels: list[str],
    fresh: set[str],
    swept: Swept,
    workers: int | None,
    progress: ProgressFactory | None,
) -> Swept:
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    tick = progress(len(rels)) if progress else None
    keeper = TrendKeeper(job.stored)
    try:
        return _sweep_with(job, rels, fresh, swept, count, tick, keeper)
    finally:
        keeper.close()


def _sweep_with(
    job: Job,
    rels: list[str],
    fresh: set[str],
    swept: Swept,
    count: int,
    tick: Callable[[int], None] | None,
    keeper: TrendKeeper,
) -> Swept:
    chunks = [rels[i : i + CHUNK] for i in range(0, len(rels), CHUNK)]
    reuse = [[rel for rel in chunk if rel in fresh] for chunk in chunks]
    if count < 2 or len(rels) < PARALLEL_FROM or sys.platform == "win32":
        for chunk, stored in zip(chunks, reuse, strict=True):
            part = _tally(job, chunk, stored)
            _add(swept, part.tally, part.skipped, part.problems)
            keeper.add(part.trends, part.parses)
            if tick:
                tick(len(chunk))
        return swept
    global _JOB
    _JOB = job  # the forked workers inherit it: nothing of it is pickled
    parts = Path(tempfile.mkdtemp(prefix="touchplan-report-"))
    try:
        outs = [str(parts / f"part-{n}.json") for n in range(len(chunks))]
        with ProcessPoolExecutor(count, mp_context=get_context("fork")) as pool:
            jobs = zip(chunks, reuse, outs, strict=True)
            futures = [pool.submit(_work, chunk, stored, out) for chunk, stored, out in jobs]
            place = {future: n for n, future in enumerate(futures)}
            finished = [False] * len(futures)
            added = 0  # parts are added up in file order (sums of values are floats)
            for future in as_completed(futures):
                done = future.result()
                finished[place[future]] = True
                while added < len(outs) and finished[added]:
                    keeper.add(*_add_part(swept, outs[added]))  # while the workers go on
                    added += 1
                if tick:
                    tick(done)
    finally:
        shutil.rmtree(parts, ignore_errors=True)
        _JOB = None
    return swept


def _add_part(swept: Swept, out: str) -> tuple[list[TrendRow], list[ParseRow]]:
    """Add a worker's part; returns the trend segments and the parses it made, to keep."""
    with open(out, encoding="utf-8") as handle:
        data = json.load(handle)
    problems = [Problem(*row) for row in data["problems"]]
    _add(swept, Tally.from_data(data["tally"]), data["skipped"], problems)
    return [tuple(row) for row in data["trends"]], [tuple(row) for row in data["parses"]]


def _add(swept: Swept, tally: Tally, skipped: list[str], problems: list[Problem]) -> None:
    swept.tally.merge(tally)
    swept.skipped.extend(skipped)
    swept.problems.extend(problems)
