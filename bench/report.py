"""Time `touchplan report` on a book with a year of history; print a Markdown table.

    python bench/report.py                       # 40,000 accounts, 3 runs each
    python bench/report.py --size 10000 --runs 5

The book is made once by bench/year.py (seeded) under --work. Each figure is the median
wall time of the installed `touchplan` over --runs runs, and the largest resident set
of the main process (the workers are separate processes). Target: <= 10 s for 40,000.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-24"


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {err}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=40000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "tp-bench")
    args = parser.parse_args()
    book = args.work / f"year-{args.size}"
    if not (book / "accounts").exists():
        subprocess.run([sys.executable, str(HERE / "year.py"), str(args.size), str(book)],
                       check=True)  # fmt: skip
    exe = str(Path(sys.executable).parent / "touchplan")
    env = {**os.environ, "TOUCHPLAN_TODAY": TODAY, "TOUCHPLAN_DIR": str(book)}
    out = args.work / "report.out"
    cases = {
        "report (table)": [exe, "report"],
        "report --format json": [exe, "report", "--format", "json", "-o", str(out)],
        "report --format html": [exe, "report", "--format", "html", "-o", str(out)],
        "report --quarter 2026Q3 --by tier --weeks 26": [
            exe,
            "report",
            "--quarter",
            "2026Q3",
            "--by",
            "tier",
            "--weeks",
            "26",
        ],
    }
    cores = os.cpu_count()
    print(f"{args.size:,} accounts, a year of history; median of {args.runs} runs, {cores} cores\n")
    print("| operation | wall | peak memory |")
    print("|---|---|---|")
    for name, argv in cases.items():
        times, peaks = [], []
        for _ in range(args.runs):
            elapsed, peak = run(argv, env)
            times.append(elapsed)
            peaks.append(peak)
        print(f"| {name} | {statistics.median(times):.2f} s | {max(peaks) // 1024} MB |")


if __name__ == "__main__":
    main()
