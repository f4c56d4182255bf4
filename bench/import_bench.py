"""Time `touchplan import` as whole processes on generated CRM exports; print a table.

    python bench/import_bench.py                  # 5,000 rows of each export, 3 runs
    python bench/import_bench.py --rows 20000 --runs 5

The exports are the real-shaped ones the tests use (tests/crm_exports.py, seeded): a
Salesforce report, a Salesforce Data Loader extract and a HubSpot companies export.
Each figure is the median wall time of ``--runs`` runs of the installed ``touchplan``
executable: into an empty book (every customer row written: one file each, fsynced),
the same with ``--format json``, and the import run again over the book it made (every
row present, nothing written). Peak memory is the largest resident set of those runs.
Target: 5,000 rows in under 20 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from crm_exports import Export, data_loader, hubspot_companies, salesforce_report  # noqa: E402

TODAY = "2026-11-24"


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed: {err}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss


def bench_export(
    export: Export, work: Path, runs: int, exe: str
) -> list[tuple[str, float, int, int]]:
    """(operation, median seconds, peak KiB, accounts written) per operation."""
    source = work / export.file_name
    source.write_bytes(export.data)
    book = work / "book"
    env = {**os.environ, "TOUCHPLAN_TODAY": TODAY, "TOUCHPLAN_CACHE_DIR": str(work / "cache"),
           "COLUMNS": "160"}  # fmt: skip
    for var in ("TOUCHPLAN_DIR", "TOUCHPLAN_OWNER"):
        env.pop(var, None)

    def fresh() -> None:
        shutil.rmtree(book, ignore_errors=True)
        (book / "accounts").mkdir(parents=True)

    results = []
    for label, extra in (("table", []), ("json", ["--format", "json"])):
        times, peaks = [], []
        for _ in range(runs):
            fresh()
            elapsed, peak = run([exe, "import", str(source), "--dir", str(book), *extra], env)
            times.append(elapsed)
            peaks.append(peak)
        made = len(list((book / "accounts").glob("*.yaml")))
        results.append(
            (f"into an empty book ({label})", statistics.median(times), max(peaks), made)
        )
    times, peaks = [], []
    for _ in range(runs):
        elapsed, peak = run([exe, "import", str(source), "--dir", str(book)], env)
        times.append(elapsed)
        peaks.append(peak)
    results.append(("again: every row present", statistics.median(times), max(peaks), 0))
    return results


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/touchplan-import-bench"))
    args = parser.parse_args()
    beside = Path(sys.executable).parent / "touchplan"
    exe = str(beside) if beside.exists() else shutil.which("touchplan")
    if exe is None:
        raise SystemExit("install touchplan first: pip install -e .")
    exports = {
        "Salesforce report": salesforce_report(args.rows),
        "Salesforce Data Loader": data_loader(args.rows),
        "HubSpot companies": hubspot_companies(args.rows),
    }
    rows = []
    for name, export in exports.items():
        print(f"benchmarking {name}, {args.rows:,} rows…", file=sys.stderr)
        work = args.work / name.lower().replace(" ", "-")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        for operation, seconds, peak, made in bench_export(export, work, args.runs, exe):
            rows.append((name, operation, seconds, peak, made))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python "
    machine += f"{platform.python_version()}, {platform.system()} {platform.release()}"
    print(f"Machine: {machine}; median of {args.runs} runs, whole process, "
          f"{args.rows:,} rows per export.\n")  # fmt: skip
    print("| export | operation | time | peak memory | files written |")
    print("|---|---|---|---|---|")
    for name, operation, seconds, peak, made in rows:
        print(f"| {name} | {operation} | {seconds:.2f} s | {peak / 1024:.0f} MB | {made:,} |")


if __name__ == "__main__":
    main()
