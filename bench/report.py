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
cache (a private one under --work) is filled by one `touchplan today` first, as any
daily use does; the "no plan cache" row starts each run with an empty one. With several
--venv, each row has a column per install, their runs interleaved (a shared machine's
load falls on both alike).
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
    args = parser.parse_args()
    book = args.work / f"year-{args.size}"
    if not (book / "accounts").exists():
        subprocess.run([sys.executable, str(HERE / "year.py"), str(args.size), str(book)],
                       check=True)  # fmt: skip
    venvs = args.venv or [Path(sys.executable).parent.parent]
    cache = args.work / "report-cache"
    env = {**os.environ, "TOUCHPLAN_TODAY": TODAY, "TOUCHPLAN_DIR": str(book),
           "TOUCHPLAN_CACHE_DIR": str(cache)}  # fmt: skip
    out = args.work / "report.out"
    cases = {
        "report (table)": ["report"],
        "report --format json": ["report", "--format", "json", "-o", str(out)],
        "report --format html": ["report", "--format", "html", "-o", str(out)],
        "report --quarter 2026Q3 --by tier --weeks 26": [
            "report", "--quarter", "2026Q3", "--by", "tier", "--weeks", "26",
        ],
        "report --format json, no plan cache": ["report", "--format", "json", "-o", str(out)],
    }  # fmt: skip
    cores = os.cpu_count()
    print(f"{args.size:,} accounts, a year of history; median of {args.runs} runs, {cores} cores\n")
    print("| operation | " + " | ".join(str(v) for v in venvs) + " |")
    print("|---|" + "---|" * len(venvs))
    shutil.rmtree(cache, ignore_errors=True)
    run([str(venvs[-1] / "bin" / "touchplan"), "today"], env)  # fills the plan cache
    for name, argv in cases.items():
        times: dict[Path, list[float]] = {v: [] for v in venvs}
        cpus: dict[Path, list[float]] = {v: [] for v in venvs}
        peaks: dict[Path, list[int]] = {v: [] for v in venvs}
        for _ in range(args.runs):
            for venv in venvs:
                case_env = env
                if "no plan cache" in name:
                    case_env = {**env, "TOUCHPLAN_CACHE_DIR": str(args.work / "no-cache")}
                    shutil.rmtree(args.work / "no-cache", ignore_errors=True)
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


if __name__ == "__main__":
    main()
