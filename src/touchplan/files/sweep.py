"""The manager's report over every account file, on every core.

Each worker (forked, so the policy and the report's parameters are inherited, never
pickled) reads its share of the files (a file unchanged since the plan cache parsed it
is read from that parse, plain JSON, instead of its YAML), adds each account's figures
into a `Tally`, and writes that tally as JSON into a scratch file of its own; only a
count crosses back. The parent reads the scratch files and adds them up. A file that
does not load is skipped and named, as everywhere else; two files with one slug keep the
first that loads, like `load_book`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import date
from multiprocessing import get_context
from pathlib import Path

from touchplan.config import Policy
from touchplan.errors import Problem
from touchplan.files.cache import cache_file, read_parses, stored_parses
from touchplan.files.store import duplicate_slug, load_file, scan_tree
from touchplan.files.stored import DAMAGED, load_account
from touchplan.model import Account
from touchplan.planning.report import Period, Tally, account_figures

PARALLEL_FROM = 400  # files before a process pool pays for itself
CHUNK = 500

ProgressFactory = Callable[[int], Callable[[int], None]]


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


@dataclass
class Swept:
    tally: Tally
    skipped: list[str] = field(default_factory=list)  # files left out (they have errors)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # unreadable folders, as `load_book`


_JOB: Job | None = None


def _read(
    job: Job, rel: str, parses: dict[str, tuple[str, str]]
) -> tuple[Account | None, list[Problem]]:
    """The account in ``rel``: from its stored parse when there is one, else the file."""
    parsed = parses.get(rel)
    if parsed is not None:
        try:
            found = [Problem(rel, *row) for row in json.loads(parsed[0])]
            return load_account(parsed[1]), found
        except DAMAGED:
            pass  # a damaged stored parse: the file itself tells
    return load_file(job.root, job.root / rel)


def _tally(job: Job, rels: list[str], reuse: list[str]) -> tuple[Tally, list[str], list[Problem]]:
    """``reuse``: those of ``rels`` with a stored parse that still holds."""
    tally = Tally(job.by)
    skipped: list[str] = []
    problems: list[Problem] = []
    parses = read_parses(job.stored, reuse) if job.stored is not None else {}
    for rel in rels:
        account, found = _read(job, rel, parses)
        problems.extend(found)
        if account is None:
            skipped.append(rel)
            continue
        tally.add(account_figures(account, job.policy, job.today, job.period, job.weeks, job.by))
    return tally, skipped, problems


def _work(rels: list[str], reuse: list[str], out: str) -> int:
    """Worker: tally ``rels`` and write the result as JSON to ``out``."""
    assert _JOB is not None
    tally, skipped, problems = _tally(_JOB, rels, reuse)
    data = {
        "tally": tally.to_data(),
        "skipped": skipped,
        "problems": [[p.path, p.line, p.field, p.message, p.hint, p.fatal] for p in problems],
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
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
    # the stat of every file is needed only to trust a stored parse
    cached = cache_file(job.root).exists()
    found, _temps, folders = scan_tree(job.root, with_stat=cached)
    swept = Swept(Tally(job.by), problems=list(folders), warnings=[str(p) for p in folders])
    every = [rel for rel, _stat in found]
    rels = _order(job.root, every, swept)
    fresh: set[str] = set()
    if cached:
        stored, fresh = stored_parses(job.root, found)
        job = replace(job, stored=stored)
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
    chunks = [rels[i : i + CHUNK] for i in range(0, len(rels), CHUNK)]
    reuse = [[rel for rel in chunk if rel in fresh] for chunk in chunks]
    if count < 2 or len(rels) < PARALLEL_FROM or sys.platform == "win32":
        for chunk, stored in zip(chunks, reuse, strict=True):
            tally, skipped, problems = _tally(job, chunk, stored)
            _add(swept, tally, skipped, problems)
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
                    _add_part(swept, outs[added])  # while the workers go on
                    added += 1
                if tick:
                    tick(done)
    finally:
        shutil.rmtree(parts, ignore_errors=True)
        _JOB = None
    return swept


def _add_part(swept: Swept, out: str) -> None:
    with open(out, encoding="utf-8") as handle:
        data = json.load(handle)
    problems = [Problem(*row) for row in data["problems"]]
    _add(swept, Tally.from_data(data["tally"]), data["skipped"], problems)


def _add(swept: Swept, tally: Tally, skipped: list[str], problems: list[Problem]) -> None:
    swept.tally.merge(tally)
    swept.skipped.extend(skipped)
    swept.problems.extend(problems)
