"""Compare two installs of touchplan (say, on two Typer releases) side by side.

    python bench/compare.py /path/to/venv-a /path/to/venv-b --runs 21

Runs are interleaved (a, b, a, b, ...) so that load from other processes hits both
alike; each cell is the median wall time / median CPU time (user + sys) of the whole
process. Warm `today` runs on books from bench/generate.py (seeded), each install with
a cache of its own, warmed first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-24"


def book(size: int, work: Path) -> Path:
    path = work / f"book{size}"
    if not (path / "touchplan.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(size), str(path)],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return path


def once(exe: Path, args: list[str], cwd: Path, cache: Path) -> tuple[float, float]:
    env = {**os.environ, "TOUCHPLAN_TODAY": TODAY, "TOUCHPLAN_CACHE_DIR": str(cache),
           "COLUMNS": "160"}  # fmt: skip
    env.pop("TOUCHPLAN_DIR", None)
    start = time.perf_counter()
    proc = subprocess.Popen([str(exe), *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    _pid, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{exe} {' '.join(args)} failed")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("venvs", nargs=2, type=Path)
    parser.add_argument("--sizes", default="1000,40000")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--work", type=Path, default=Path("/tmp/touchplan-bench"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    exes = [venv / "bin" / "touchplan" for venv in args.venvs]
    books = {int(s): book(int(s), args.work) for s in args.sizes.split(",")}
    first = next(iter(books.values()))
    cases = [("--help", ["--help"], first, 0), ("--version", ["--version"], first, 0)]
    cases += [(f"today, warm, {n:,} accounts", ["today"], b, n) for n, b in books.items()]
    names = [venv.name for venv in args.venvs]
    print(f"| operation | {names[0]} | {names[1]} | difference |")
    print("|---|---|---|---|")
    for label, argv, cwd, size in cases:
        caches = [args.work / f"compare-cache-{i}-{size}" for i in range(2)]
        for exe, cache in zip(exes, caches, strict=True):
            once(exe, argv, cwd, cache)  # warm the cache (and the OS's file cache)
        walls: list[list[float]] = [[], []]
        cpus: list[list[float]] = [[], []]
        for _ in range(args.runs):
            for i, (exe, cache) in enumerate(zip(exes, caches, strict=True)):
                wall, cpu = once(exe, argv, cwd, cache)
                walls[i].append(wall * 1000)
                cpus[i].append(cpu * 1000)
        wall_ms = [statistics.median(w) for w in walls]
        cpu_ms = [statistics.median(c) for c in cpus]
        cells = [f"{w:.0f} / {c:.0f} ms" for w, c in zip(wall_ms, cpu_ms, strict=True)]
        diff = f"{wall_ms[1] - wall_ms[0]:+.0f} / {cpu_ms[1] - cpu_ms[0]:+.0f} ms"
        print(f"| {label} | {cells[0]} | {cells[1]} | {diff} |", flush=True)


if __name__ == "__main__":
    main()
