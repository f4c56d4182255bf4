"""Plan quality: a rep who each working day runs `touchplan today` and works exactly the
calls shown, for about six months, against two baselines on the same book and events.

    python bench/simulate.py                      # the three scenarios, seed 1
    python bench/simulate.py --seeds 1,2,3        # medians [min–max] over seeds
    python bench/simulate.py --scenario feasible --days 40 --json out.json
    python bench/simulate.py --quick              # a small smoke run

Scenarios: ``feasible`` (60 accounts, less work than the daily capacity), ``overloaded``
(220 accounts, about three times more work than capacity) and ``imported`` (a quarter
after importing 120 long-standing customers with no history from a Salesforce-style
CSV). Strategies: ``touchplan`` (`today` as shown), ``reminder`` (the 6 most overdue
accounts by last contact + cadence, pure Python) and ``due-order`` (touchplan's own
items ordered by due date). The book's demand is measured by an unconstrained rep who
calls every account with anything due.

The simulator keeps its own record of what happened and computes every figure from it,
never from touchplan's output; see bench/sim/. touchplan runs in-process through its
console-script entry point (``--subprocess`` runs the executable instead: slower, exact).
Progress goes to stderr, the Markdown tables to stdout.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sim.record import Record, figures, unlogged
from sim.rep import CLI_STRATEGIES, STRATEGIES, Rep
from sim.runner import Features, SimError, Touchplan
from sim.world import (
    POLICY_YAML,
    Book,
    Scenario,
    account_yaml,
    make_book,
    salesforce_csv,
)

START = date(2027, 1, 4)  # a Monday
SCENARIOS = {
    "feasible": Scenario("feasible", 60, (0.12, 0.30, 0.58), 130),
    "overloaded": Scenario("overloaded", 220, (0.20, 0.35, 0.45), 130),
    "imported": Scenario("imported", 120, (0.15, 0.30, 0.55), 65, imported=True),
}
QUICK = {
    "feasible": Scenario("feasible", 16, (0.25, 0.35, 0.40), 15),
    "overloaded": Scenario("overloaded", 50, (0.25, 0.35, 0.40), 15),
    "imported": Scenario("imported", 40, (0.25, 0.35, 0.40), 15, imported=True),
}
NAMES = {"touchplan": "touchplan", "reminder": "reminder list", "due-order": "items by due date"}


# -- one run -----------------------------------------------------------------------------


def load_histories(root: Path) -> dict[str, list[tuple[date, str, str]]]:
    """Each account file's history as (date, kind, summary), keyed by slug."""
    histories: dict[str, list[tuple[date, str, str]]] = {}
    for path in sorted((root / "accounts").rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        entries = data.get("history") or []
        histories[path.stem] = [
            (e["date"], str(e["kind"]), str(e.get("summary", "")).strip()) for e in entries
        ]
    return histories


def account_names(root: Path) -> dict[str, tuple[str, str]]:
    """name -> (slug, tier) of every account file."""
    found = {}
    for path in (root / "accounts").rglob("*.yaml"):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        found[str(data["name"])] = (path.stem, str(data["tier"]))
    return found


def write_book(book: Book, root: Path, tp: Touchplan) -> None:
    """The book on disk: files written directly, or imported from a CRM export."""
    (root / "accounts").mkdir(parents=True)
    (root / "touchplan.yaml").write_text(POLICY_YAML, encoding="utf-8")
    if not book.scenario.imported:
        for spec in book.specs.values():
            text = account_yaml(spec)
            (root / "accounts" / f"{spec.slug}.yaml").write_text(text, encoding="utf-8")
        return
    export = root.parent / "salesforce-accounts.csv"
    export.write_text(salesforce_csv(list(book.specs.values())), encoding="utf-8")
    args = ["import", str(export)]
    if tp.features.date_order:
        args += ["--date-order", "mdy"]
    tp.run(args, book.start)
    names = account_names(root)
    for spec in book.specs.values():
        if names.get(spec.name) != (spec.slug, spec.tier):
            raise SimError(f"import made {names.get(spec.name)} of {spec.name!r} ({spec.tier})")


@dataclass
class Outcome:
    record: Record
    seconds: float
    commands: int = 0
    features: Features = field(default_factory=Features)
    calls_key: bool | None = None


def run_strategy(
    book: Book,
    strategy: str,
    *,
    attempts: bool,
    use_subprocess: bool,
    progress: Callable[[str], None],
) -> Outcome:
    started = time.perf_counter()
    if strategy not in CLI_STRATEGIES:
        rep = Rep(book, strategy, attempts=attempts, progress=progress)
        return Outcome(rep.run(), time.perf_counter() - started)
    with tempfile.TemporaryDirectory(prefix="touchplan-sim-") as tmp:
        root = Path(tmp) / "book"
        tp = Touchplan(root, Path(tmp) / "cache", use_subprocess=use_subprocess)
        write_book(book, root, tp)
        rep = Rep(book, strategy, tp, attempts=attempts, progress=progress)
        record = rep.run()
        missing = unlogged(record, load_histories(root))
        if missing:
            raise SimError("logged entries missing from the files:\n" + "\n".join(missing[:20]))
        return Outcome(
            record, time.perf_counter() - started, tp.runs, tp.features, rep.used_calls_key
        )


# -- the tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    fmt: str  # pct | num | days | dec | wait (working days; more than the run: never)
    targets: dict[str, str] = field(default_factory=dict)
    of: str = ""  # the figure holding the row's denominator
    scenarios: tuple[str, ...] = ("feasible", "overloaded", "imported")


FEAS_OVER = ("feasible", "overloaded")


def _t(feasible: str, overloaded: str = "", imported: str = "") -> dict[str, str]:
    return {"feasible": feasible, "overloaded": overloaded, "imported": imported or feasible}


OVER = "≥ 95 %, ≥ baselines"
ROWS = (
    Row("renewals_60", "Renewals: conversation started ≥ 60 d ahead", "pct",
        _t("100 %", OVER), "renewals_counted"),
    Row("renewals_30", "Renewals: conversation started ≥ 30 d ahead", "pct",
        _t("100 %", OVER), "renewals_counted"),
    Row("renewals_lapsed", "Renewals lapsed (dated in the run)", "num", _t("0", "0"),
        "renewals_dated"),
    Row("thank_you_2wd", "Thank-yous within 2 working days", "pct", _t("≥ 98 %", OVER),
        "thank_yous"),
    Row("problem_days_covered", "Open-problem days covered (touched every 2 wd)", "pct",
        _t("100 %", OVER)),
    Row("first_response_1wd", "Problems answered by the next working day", "pct",
        _t("100 %", OVER), "problems"),
    Row("first_response_max", "Worst first response (working days)", "num", _t("≤ 1", "≤ 1")),
    Row("promises_on_time", "Promises done on or before their date", "pct",
        _t("≥ 98 %", OVER), "promises"),
    Row("promise_worst_late", "Worst promise lateness (working days)", "num"),
    Row("bookings_kept", "Booked visits kept on their day", "pct", _t("100 %", OVER),
        "bookings"),
    Row("gap_p95_A", "A: p95 gap between contacts (cadence 14 d)", "days",
        _t("≤ 14 d + 3 wd", "≤ 17.5 d")),
    Row("gap_max_A", "A: max gap", "days", _t("≤ 14 d + 3 wd")),
    Row("gap_p95_B", "B: p95 gap (cadence 30 d)", "days", _t("≤ 30 d + 3 wd", "≥ A's share")),
    Row("gap_max_B", "B: max gap", "days", _t("≤ 30 d + 3 wd")),
    Row("gap_p95_C", "C: p95 gap (cadence 90 d)", "days", _t("≤ 90 d + 3 wd", "takes the cut")),
    Row("gap_max_C", "C: max gap", "days", _t("≤ 90 d + 3 wd")),
    Row("first_contact_p95_A", "A: working days to first contact, p95", "wait", _t("", "", "≤ 10"),
        scenarios=("imported",)),
    Row("first_contact_max_A", "A: working days to first contact, max", "wait",
        _t("", "", "≤ 10"), scenarios=("imported",)),
    Row("first_contact_p95_B", "B: working days to first contact, p95", "wait",
        _t("", "", "≤ 25"), scenarios=("imported",)),
    Row("first_contact_max_B", "B: working days to first contact, max", "wait",
        _t("", "", "≤ 25"), scenarios=("imported",)),
    Row("first_contact_p95_C", "C: working days to first contact, p95", "wait",
        _t("", "", "≤ 65"), scenarios=("imported",)),
    Row("first_contact_max_C", "C: working days to first contact, max", "wait",
        _t("", "", "≤ 65"), scenarios=("imported",)),
    Row("never_contacted", "Accounts never contacted", "num", _t("0", "", "0")),
    Row("calls_per_day", "Calls a working day (mean)", "dec", _t("≤ 6", "≤ 6")),
)  # fmt: skip


def _value(value: float | None, fmt: str, days: float | None = None) -> str:
    if value is None:
        return "–"
    if fmt == "wait" and days is not None and value > days:
        return f"> {days:.0f}"  # someone was never contacted
    if fmt == "pct":
        return f"{value:.0f} %"
    if fmt == "days":
        return f"{value:.0f} d"
    if fmt == "dec":
        return f"{value:.1f}"
    return f"{value:.0f}"


def _median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def cell(runs: Sequence[dict[str, float | None]], row: Row) -> str:
    """One strategy's figure: the value (median over seeds, with the range when there
    are several), and how many it counts."""
    values = [r.get(row.key) for r in runs]
    days = runs[0].get("days") if runs else None
    text = _value(_median(values), row.fmt, days)
    present = [v for v in values if v is not None]
    if len(runs) > 1 and present and min(present) != max(present):
        low, high = _value(min(present), row.fmt, days), _value(max(present), row.fmt, days)
        text += f" [{low}–{high}]"
    if row.of:
        total = _median([r.get(row.of) for r in runs])
        if total is not None:
            text += f" of {total:.0f}"
    return text


def table(scenario: str, results: dict[str, list[dict[str, float | None]]]) -> str:
    strategies = [s for s in STRATEGIES if s in results]
    head = ["Measure", "Target", *(NAMES[s] for s in strategies)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in ROWS:
        if scenario not in row.scenarios:
            continue
        cells = [
            row.label,
            row.targets.get(scenario, "") or "",
            *(cell(results[s], row) for s in strategies),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# -- the command -------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scenario", default="all", help="feasible, overloaded, imported, a comma list, or all"
    )
    parser.add_argument(
        "--strategies",
        default=",".join(STRATEGIES),
        help=f"a comma list of {', '.join(STRATEGIES)}",
    )
    parser.add_argument("--seeds", default="1", help="comma list of seeds, e.g. 1,2,3")
    parser.add_argument(
        "--days", type=int, help="working days to simulate (default: 130, imported 65)"
    )
    parser.add_argument(
        "--accounts", type=int, help="accounts in the book (default: 60, 220, imported 120)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="small books, 15 working days: a smoke run"
    )
    parser.add_argument(
        "--json",
        metavar="FILE",
        help="also write every figure as JSON ('-' for stdout, then without the tables)",
    )
    parser.add_argument(
        "--all-answered",
        action="store_true",
        help="every call is answered (by default one in ten is not): what the plan alone "
        "keeps, apart from the misses unanswered calls cause",
    )
    parser.add_argument(
        "--subprocess",
        action="store_true",
        help="run the touchplan executable for each command (slow, exact)",
    )
    return parser.parse_args(argv)


def _split(text: str, allowed: Sequence[str], what: str) -> list[str]:
    chosen = list(allowed) if text == "all" else [p.strip() for p in text.split(",") if p.strip()]
    unknown = [c for c in chosen if c not in allowed]
    if unknown or not chosen:
        raise SystemExit(f"simulate.py: unknown {what}: {', '.join(unknown) or text!r}")
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios = _split(args.scenario, list(SCENARIOS), "scenario")
    strategies = _split(args.strategies, STRATEGIES, "strategy")
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        raise SystemExit(
            f"simulate.py: --seeds {args.seeds!r} is not a comma list of integers"
        ) from None
    catalog = QUICK if args.quick else SCENARIOS

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        probe = Touchplan(Path("."), Path("."), use_subprocess=args.subprocess)
    except SimError as exc:
        say(f"simulate.py: {exc}")
        return 1
    features = probe.features
    attempts = features.attempt and not args.all_answered
    say(
        f"touchplan features: {features.describe()}"
        f"{'; unanswered calls modelled' if attempts else ''}"
    )
    report: dict[str, Any] = {
        "start": START.isoformat(),
        "seeds": seeds,
        "features": features.__dict__,
        "scenarios": {},
    }
    tables: list[str] = []
    for name in scenarios:
        scenario = catalog[name]
        if args.days:
            scenario = replace(scenario, days=args.days)
        if args.accounts:
            scenario = replace(scenario, accounts=args.accounts)
        results: dict[str, list[dict[str, float | None]]] = {s: [] for s in strategies}
        demand: list[float] = []
        per_seed: list[dict[str, Any]] = []
        for seed in seeds:
            book = make_book(scenario, seed, START)
            tiers = {t: sum(s.tier == t for s in book.specs.values()) for t in "ABC"}
            say(
                f"{name}, seed {seed}: {scenario.accounts} accounts {tiers}, "
                f"{scenario.days} working days, {len(book.events)} outside events"
            )
            unconstrained = Rep(book, "unconstrained", attempts=attempts).run()
            demand_now = figures(unconstrained)["calls_per_day"] or 0.0
            demand.append(demand_now)
            say(f"  demand: {demand_now:.1f} calls a working day (capacity 6)")
            seed_figures: dict[str, Any] = {"seed": seed, "demand": demand_now}
            for strategy in strategies:

                def progress(message: str, strategy: str = strategy) -> None:
                    say(f"  {strategy}: {message}")

                try:
                    outcome = run_strategy(
                        book,
                        strategy,
                        attempts=attempts,
                        use_subprocess=args.subprocess,
                        progress=progress,
                    )
                except SimError as exc:
                    say(f"simulate.py: {name}, seed {seed}, {strategy}: {exc}")
                    return 1
                numbers = figures(outcome.record, imported=scenario.imported)
                results[strategy].append(numbers)
                seed_figures[strategy] = numbers
                extra = f", {outcome.commands} touchplan commands" if outcome.commands else ""
                if outcome.calls_key is not None:
                    extra += (
                        ", calls from `calls`"
                        if outcome.calls_key
                        else (", calls = `items` grouped by account")
                    )
                say(f"  {strategy}: done in {outcome.seconds:.1f} s{extra}")
            per_seed.append(seed_figures)
        tiers_text = ", ".join(f"{t} {round(scenario.mix[i] * 100)} %" for i, t in enumerate("ABC"))
        heading = (
            f"### {name}: {scenario.accounts} accounts ({tiers_text}), {scenario.days} working "
            f"days from {START.isoformat()}; demand {_value(_median(demand), 'dec')} calls a "
            f"working day against a capacity of 6; seeds {','.join(map(str, seeds))}"
        )
        tables.append(heading + "\n\n" + table(name, results))
        report["scenarios"][name] = {
            "accounts": scenario.accounts,
            "days": scenario.days,
            "demand_calls_per_day": _median(demand),
            "runs": per_seed,
            "median": {
                s: {k: _median([r.get(k) for r in results[s]]) for k in results[s][0]}
                for s in strategies
            },
        }
    if args.json:
        text = json.dumps(report, indent=2, default=str)
        if args.json == "-":
            sys.stdout.write(text + "\n")
            return 0
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    sys.stdout.write("\n\n".join(tables) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
