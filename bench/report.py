"""Time `touchplan report` on a book with a year of history; print a Markdown table.

    python bench/report.py                       # 40,000 accounts, 3 runs each
    python bench/report.py --size 10000 --runs 5
    python bench/report.py --venv /path/venv-before --venv /path/venv-after

The book is made once by bench/year.py (seeded) under --work. Each figure is the median
wall time of the installed `touchplan` over --runs runs, its median CPU time (the
workers' included: a loaded machine stretches wall time more than CPU time), and the
largest resident set of the main process (the workers are separate processes).
Target: <= 10 s for 40,000.

`report` reads a file unchanged since the plan cache parsed it from the cache, so the
cache (a private one per install under --work) is filled by one `touchplan today` of
that install first, as any daily use does; the "no plan cache" row starts each run with
an empty one, and the row after it from a copy of the cache that one report (uncounted)
made from nothing (a manager who never runs `today`: that report kept every file's
parse and trend readings). A report keeps each file's trend readings in the cache and a later one
reads them: the "first after today" rows start each run from a copy of the cache as
`today` left it; the other rows run after one report of the same period per install
(uncounted), so they read what it kept, as a report after another does. Last, the
anchor bench/bench.py holds a cold `today` against: a plain single-process PyYAML
CSafeLoader load of every account file (what a report with no stored parse pays at
least). With
several --venv, each row has a column per install, their runs interleaved (a shared
machine's load falls on both alike).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import YAML_FLOOR  # noqa: E402  (bench/bench.py, beside this file)

TODAY = "2026-11-24"


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall time, CPU time (the workers' included: the process reaps them) and the
    main process's peak resident set."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {err}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=40000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "tp-bench")
    parser.add_argument(
        "--venv", type=Path, action="append", default=[], help="an install (default: this one)"
    )
    parser.add_argument("--only", default="", help="only the rows whose name holds this text")
    args = parser.parse_args()
    book = args.work / f"year-{args.size}"
    if not (book / "accounts").exists():
        subprocess.run([sys.executable, str(HERE / "year.py"), str(args.size), str(book)],
                       check=True)  # fmt: skip
    venvs = args.venv or [Path(sys.executable).parent.parent]
    env = {**os.environ, "TOUCHPLAN_TODAY": TODAY, "TOUCHPLAN_DIR": str(book)}
    out = args.work / "report.out"
    quarter = ["report", "--quarter", "2026Q3", "--by", "tier", "--weeks", "26"]
    cases = {
        "report --format json, first after today": ["report", "--format", "json", "-o", str(out)],
        "report --quarter 2026Q3 --by tier --weeks 26, first after today": quarter,
        "report (table)": ["report"],
        "report --format json": ["report", "--format", "json", "-o", str(out)],
        "report --format html": ["report", "--format", "html", "-o", str(out)],
        "report --quarter 2026Q3 --by tier --weeks 26": quarter,
        "report --format json, no plan cache": ["report", "--format", "json", "-o", str(out)],
        "report --format json, after a report with no plan cache":
            ["report", "--format", "json", "-o", str(out)],
    }  # fmt: skip
    cores = os.cpu_count()
    print(f"{args.size:,} accounts, a year of history; median of {args.runs} runs, {cores} cores\n")
    print("| operation | " + " | ".join(str(v) for v in venvs) + " |")
    print("|---|" + "---|" * len(venvs))
    caches = {v: args.work / f"report-cache-{n}" for n, v in enumerate(venvs)}
    for n, (venv, cache) in enumerate(caches.items()):  # as `today` leaves it, per install
        shutil.rmtree(args.work / f"report-only-{n}", ignore_errors=True)  # made afresh
        shutil.rmtree(cache, ignore_errors=True)
        run([str(venv / "bin" / "touchplan"), "today"], {**env, "TOUCHPLAN_CACHE_DIR": str(cache)})
        shutil.rmtree(f"{cache}.today", ignore_errors=True)
        shutil.copytree(cache, f"{cache}.today")
    primed = False
    for name, argv in cases.items():
        if args.only not in name:
            continue
        if "first after today" not in name and not primed:
            primed = True  # what a report keeps, for the later ones to read
            for venv, cache in caches.items():
                for prime in (["report"], quarter):
                    run([str(venv / "bin" / "touchplan"), *prime],
                        {**env, "TOUCHPLAN_CACHE_DIR": str(cache)})  # fmt: skip
        times: dict[Path, list[float]] = {v: [] for v in venvs}
        cpus: dict[Path, list[float]] = {v: [] for v in venvs}
        peaks: dict[Path, list[int]] = {v: [] for v in venvs}
        for _ in range(args.runs):
            for venv in venvs:
                case_env = {**env, "TOUCHPLAN_CACHE_DIR": str(caches[venv])}
                if "first after today" in name:
                    first = f"{caches[venv]}.first"
                    shutil.rmtree(first, ignore_errors=True)
                    shutil.copytree(f"{caches[venv]}.today", first)
                    case_env = {**env, "TOUCHPLAN_CACHE_DIR": first}
                if name.endswith("no plan cache"):
                    case_env = {**env, "TOUCHPLAN_CACHE_DIR": str(args.work / "no-cache")}
                    shutil.rmtree(args.work / "no-cache", ignore_errors=True)
                if "after a report with no plan cache" in name:
                    made = args.work / f"report-only-{venvs.index(venv)}"
                    if not made.exists():  # once: one report from nothing (uncounted)
                        run([str(venv / "bin" / "touchplan"), *argv],
                            {**env, "TOUCHPLAN_CACHE_DIR": str(made)})  # fmt: skip
                    second = args.work / "report-only"
                    shutil.rmtree(second, ignore_errors=True)
                    shutil.copytree(made, second)
                    case_env = {**env, "TOUCHPLAN_CACHE_DIR": str(second)}
                elapsed, cpu, peak = run([str(venv / "bin" / "touchplan"), *argv], case_env)
                times[venv].append(elapsed)
                cpus[venv].append(cpu)
                peaks[venv].append(peak)
        cells = [
            f"{statistics.median(times[v]):.2f} s (CPU {statistics.median(cpus[v]):.1f} s), "
            f"{max(peaks[v]) // 1024} MB"
            for v in venvs
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.only in ANCHOR:
        # what reading the YAML alone costs, for the rows that must: bench.py's anchor
        floor = [sys.executable, "-c", YAML_FLOOR, str(book / "accounts")]
        found = [run(floor, env) for _ in range(args.runs)]
        wall = statistics.median(f[0] for f in found)
        cpu = statistics.median(f[1] for f in found)
        print(f"\n{ANCHOR}: {wall:.2f} s (CPU {cpu:.1f} s)")


ANCHOR = "anchor: a plain CSafeLoader load of every file, one process"

if __name__ == "__main__":
    main()
