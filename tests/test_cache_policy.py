"""A change to touchplan.yaml re-plans from the cached parses: no YAML read, same plan.

Every kind of policy edit is made to a warm cache; `today` then agrees with
`--no-cache` (which parses every file under the new policy), in-process and with the
process pool, and no account file is parsed again; an edit of what only ranking reads
(capacity, weights, grace, owners, a comment) plans no account again at all.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, Run
from touchplan.cli import app
from touchplan.files import cache, stored
from touchplan.files.cache import cache_file
from touchplan.files.store import load_book
from touchplan.model import (
    Account,
    Contact,
    NextAction,
    Relationship,
    RenewalStage,
    Snooze,
    Status,
    Tier,
    Touch,
    TouchKind,
)

RunIn = Callable[..., Run]

EDITS = {
    "capacity": "capacity: 3\n",
    "cadences": "capacity: 6\ntouch:\n  every: {A: 7, B: 21, C: 60}\nvisit:\n"
    "  every: {A: 60, B: 120, C: 365}\n",
    "weights": "capacity: 6\nweights:\n  commitment: 500\n  late_day: 3\n"
    "  tier: {A: 50, B: 10, C: 1}\n  importance: {problem: 1, renewal: 9}\n",
    "sequences": "capacity: 6\nsequences:\n  - name: thank-you\n    after: [sale, call]\n"
    "    days: 1\n    kind: thank-you\n    action: Say thanks\n    closed_by: [thank-you]\n"
    "    expires: 3\n",
    "working days": "capacity: 6\nworking_days: [mon, tue, wed, thu]\n"
    "holidays: [2026-11-26, 2026-12-01]\n",
    "holidays": "capacity: 6\nholidays: [2026-11-25, 2026-11-26, 2026-12-01]\n",
    "owners": "capacity: 6\nowners:\n  rep01: rep01@example.com\n  rep02: rep02@example.com\n",
    "grace": "capacity: 6\ngrace: 0\n",
    "no grace": "capacity: 6\ngrace: null\n",
    "lookahead": "capacity: 6\nlookahead: 20\nplan_ahead: 2\nspare_days: 4\n",
    "cadence weights": "capacity: 6\nweights:\n  cadence: {touch: 3, visit: 0.5, review: 2}\n",
    "touch rules": "capacity: 6\ntouch:\n  every: {A: 14, B: 30, C: 90}\n"
    "  tighten_factor: 0.25\n  new_customer_days: 400\n  after_problem_days: 10\n",
    "reviews": "capacity: 6\nreview:\n  every: {A: 30, B: 60, C: 90}\n  problem_at: 4\n"
    "stakeholders:\n  every: {A: 30, B: 60, C: 90}\n",
    "relationship": "capacity: 6\nrelationship: {transactional: 3, partnering: 0.25}\n",
    "problems": "capacity: 6\nproblem: {every: 5, first_response: 0}\n",
    "renewals": "capacity: 6\nrenewal: {lead: 120, escalate: [90, 45, 7], rhythm: 5,"
    " rhythm_close: 1}\n",
    "personal": "capacity: 6\npersonal: {anniversary: 30, birthday: null}\n",
    "tiers and me": "capacity: 6\nme: rep01\ntiers: {A: 60, B: 90}\n",
    "a comment": "# the team's policy\ncapacity: 6  # calls a day\n",
    "A touches": "capacity: 6\ntouch:\n  every: {A: 10, B: 30, C: 90}\n",
    "C visits and B stakeholders": "capacity: 6\nvisit:\n  every: {A: 90, B: 180, C: 200}\n"
    "stakeholders:\n  every: {A: 180, B: 60, C: null}\n",
}
# Edits that change no plan (and so prove nothing by a changed answer)
SAME_PLAN = ("owners", "tiers and me", "a comment")
# Edits of what only ranking reads: no account is planned again after them
RANKING = ("capacity", "weights", "grace", "no grace", "lookahead", "cadence weights",
           *SAME_PLAN)  # fmt: skip


@pytest.fixture
def data(generated: Path) -> Path:
    return generated


@pytest.fixture
def run_in(data: Path) -> RunIn:
    def invoke(*args: str) -> Run:
        result = CliRunner().invoke(app, [*args, "--dir", str(data)], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, the cache parsing an account file fails the run (also in the
    forked workers, which inherit the patch)."""

    def refuse(data: bytes, slug: str, rel: str) -> object:
        raise AssertionError(f"{rel} was parsed again")

    monkeypatch.setattr(cache, "read_account", refuse)


@pytest.mark.parametrize(
    ("edit", "pool"),
    [(edit, False) for edit in EDITS] + [("cadences", True), ("working days", True)],
)
def test_a_policy_edit_replans_without_parsing(
    data: Path, run_in: RunIn, monkeypatch: pytest.MonkeyPatch, edit: str, pool: bool
) -> None:
    if pool:
        monkeypatch.setattr(cache, "PARALLEL_FROM", 50)
    before = run_in("today", "--all", "--format", "json").stdout
    (data / "touchplan.yaml").write_text(EDITS[edit], encoding="utf-8")
    expected = {
        args: run_in(*args, "--no-cache").stdout
        for args in (
            ("today", "--all", "--format", "json"),
            ("today", "--owner", "rep01", "--format", "json"),
            ("today",),
        )
    }
    with monkeypatch.context() as patch:
        no_parsing(patch)
        for args, out in expected.items():
            assert run_in(*args).stdout == out, args
        # the next day moves on from the same parses
        later = run_in("today", "--all", "--format", "json", "--date", "2026-12-02").stdout
    assert later == run_in("today", "--all", "--format", "json", "--date", "2026-12-02",
                           "--no-cache").stdout  # fmt: skip
    if edit not in SAME_PLAN:  # `owners:`, say, changes who is asked, never the plan
        assert expected[("today", "--all", "--format", "json")] != before


def no_planning(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, the cache making any account's record again fails the run."""

    def refuse(record: cache.Record, *args: object) -> None:
        raise AssertionError(f"{record.rel} was planned again")

    monkeypatch.setattr(cache, "plan_record", refuse)


@pytest.mark.parametrize("edit", RANKING)
def test_a_ranking_edit_keeps_every_record(
    data: Path, run_in: RunIn, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    run_in("today", "--format", "json")
    (data / "touchplan.yaml").write_text(EDITS[edit], encoding="utf-8")
    expected = {
        args: run_in(*args, "--no-cache").stdout
        for args in (
            ("today", "--all", "--format", "json"),
            ("today", "--owner", "rep02", "--format", "json"),
            ("today", "--verbose"),
        )
    }
    with monkeypatch.context() as patch:
        no_planning(patch)
        for args, out in expected.items():
            assert run_in(*args).stdout == out, args


@pytest.mark.parametrize(
    ("edit", "tiers"), [("A touches", {"A"}), ("C visits and B stakeholders", {"B", "C"})]
)
def test_a_cadence_edit_plans_only_its_tiers_accounts_again(
    data: Path, run_in: RunIn, monkeypatch: pytest.MonkeyPatch, edit: str, tiers: set[str]
) -> None:
    run_in("today")
    planned: list[str] = []
    plan_record = cache.plan_record

    def note(record: cache.Record, account: Account, *args: object) -> None:
        planned.append(account.tier.value)
        plan_record(record, account, *args)  # type: ignore[arg-type]

    (data / "touchplan.yaml").write_text(EDITS[edit], encoding="utf-8")
    expected = run_in("today", "--all", "--format", "json", "--no-cache").stdout
    with monkeypatch.context() as patch:
        patch.setattr(cache, "plan_record", note)
        no_parsing(patch)
        assert run_in("today", "--all", "--format", "json").stdout == expected
    assert set(planned) == tiers
    book = load_book(data).accounts
    assert len(planned) == sum(1 for a in book if a.tier.value in tiers)


def test_files_planned_again_on_every_core_are_ranked_again_for_each_day_kept(
    data: Path, run_in: RunIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # thirty files given a promise due today (a `git pull`, say) are planned again by the
    # process pool: their ranking rows are scored again for every day kept, the other
    # files' rows hold, and each day's list is the one made without the cache
    monkeypatch.setattr(cache, "PARALLEL_FROM", 20)
    days = (("--date", "2026-11-24"), ("--date", "2026-11-25"))
    for day in days:
        run_in("today", *day)
    for path in sorted((data / "accounts").rglob("*.yaml"))[::8][:30]:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("  - date: 2026-11-20\n    kind: call\n    next: 2026-11-24 Call back\n")
    for day in days:
        for args in (("today",), ("today", "--owner", "rep01"), ("today", "--verbose")):
            assert run_in(*args, *day).stdout == run_in(*args, *day, "--no-cache").stdout


def test_weights_edited_back_and_forth_around_a_file_edit(data: Path, run_in: RunIn) -> None:
    policy = data / "touchplan.yaml"
    plans = ("today", "--all", "--format", "json")
    run_in(*plans)
    policy.write_text(EDITS["weights"], encoding="utf-8")
    assert run_in(*plans).stdout == run_in(*plans, "--no-cache").stdout
    # a file stored under the new weights, then the old weights back
    target = sorted((data / "accounts").rglob("*.yaml"))[9]
    with target.open("a", encoding="utf-8") as handle:
        handle.write("  - date: 2026-11-23\n    kind: note\n    summary: Asked for a demo.\n"
                     "    problem: Wants a demo\n")  # fmt: skip
    assert run_in(*plans).stdout == run_in(*plans, "--no-cache").stdout
    policy.write_text("capacity: 6\n", encoding="utf-8")
    assert run_in(*plans).stdout == run_in(*plans, "--no-cache").stdout
    policy.write_text(EDITS["grace"], encoding="utf-8")
    assert run_in(*plans).stdout == run_in(*plans, "--no-cache").stdout


def test_an_edited_file_is_parsed_again_after_a_policy_edit(data: Path, run_in: RunIn) -> None:
    run_in("today")
    target = sorted((data / "accounts").rglob("*.yaml"))[5]
    with target.open("a", encoding="utf-8") as handle:
        handle.write("  - date: 2026-11-24\n    kind: visit\n    summary: Came by.\n")
    (data / "touchplan.yaml").write_text(EDITS["capacity"], encoding="utf-8")
    cached = run_in("today", "--all", "--format", "json").stdout
    assert cached == run_in("today", "--all", "--format", "json", "--no-cache").stdout
    assert f"{target.stem}" not in json.dumps(
        [c for c in json.loads(cached)["calls"] if any(i["kind"] == "touch" for i in c["items"])]
    )


def test_a_damaged_stored_parse_reads_the_file(data: Path, run_in: RunIn) -> None:
    import sqlite3

    run_in("today")
    db = sqlite3.connect(cache_file(data))
    db.execute("UPDATE parsed SET account = '[\"not an account\"]'")
    db.commit()
    db.close()
    (data / "touchplan.yaml").write_text(EDITS["capacity"], encoding="utf-8")
    cached = run_in("today", "--all", "--format", "json").stdout
    assert cached == run_in("today", "--all", "--format", "json", "--no-cache").stdout


# -- the stored form ------------------------------------------------------------------


def test_the_codec_holds_every_field_of_the_model() -> None:
    for cls, names in stored.FIELDS.items():
        assert names == tuple(f.name for f in dataclasses.fields(cls)), cls


def test_every_field_survives_the_round_trip() -> None:
    d = date(2026, 11, 24)
    full = Touch(
        d, TouchKind.RENEWAL, "Signed — ünïcode \u202e", "Jane",
        NextAction(d, "visit", TouchKind.VISIT), "Late", True, True, date(2027, 3, 31), 3, 40,
        ("abc12",), ("def34",),
        RenewalStage.VERBAL, "xyz99", date(2026, 12, 1), 4, "cal-1", ("ghi56",),
    )  # fmt: skip
    account = Account(
        "acme", "accounts/east/acme.yaml", "Acme", Tier.B, "dana", date(2020, 1, 2),
        date(2027, 3, 31), 120000, Relationship.PARTNERING, Status.LOST,
        Snooze(date(2027, 1, 1), "Busy"),
        (Contact("Jane", "VP", "+1 555", "j@a.example", "03-04"),),
        "Notes\nline two", ("key", "east"), (full, Touch(d, TouchKind.CALL, index=4)),
        date(2021, 5, 6), 1.5e9, "0015", ("acme.example",), "https://acme.example",
    )  # fmt: skip
    assert stored.load_account(stored.dump_account(account)) == account
    assert isinstance(stored.load_account(stored.dump_account(account)).value, int)


def test_the_sample_book_survives_the_round_trip() -> None:
    book = load_book(REPO)
    assert book.accounts
    for account in book.accounts:
        assert stored.load_account(stored.dump_account(account)) == account


def test_item_keys_are_base32_of_the_hash_as_before() -> None:
    """Ids are user-visible and must not move: the fast spelling of an item's key is
    base64.b32encode's, in Crockford's lower-case alphabet."""
    import base64
    import hashlib

    from touchplan.planning.walk import item_key

    crockford = str.maketrans(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789abcdefghjkmnpqrstvwxyz"
    )
    for n in range(2000):
        slug, identity = f"acme-{n}", f"touch:{n * 7919}"
        digest = hashlib.blake2b(f"{slug}\0{identity}".encode(), digest_size=10).digest()
        assert item_key(slug, identity) == base64.b32encode(digest).decode().translate(crockford)


# -- holidays: only the plans that asked about a changed day are made again -------------


def _rows(data: Path) -> list[tuple[object, ...]]:
    """Every record's plan in the cache, as a cold build makes it."""
    import sqlite3

    db = sqlite3.connect(cache_file(data))
    try:
        files = db.execute(
            "SELECT rel, ok, valid_from, valid_until, every, renewal_due, days, problems "
            "FROM files ORDER BY rel"
        ).fetchall()
        items = db.execute(
            "SELECT rel, kind, cls, due, cadence, key, deferred, repeats, opened, imp, tw "
            "FROM items ORDER BY rel, key, kind, due"
        ).fetchall()
        events = db.execute("SELECT * FROM events ORDER BY rel, day, kind").fetchall()
    finally:
        db.close()
    return [*files, *items, *events]


@pytest.mark.parametrize("pool", [False, True])
def test_a_holidays_edit_plans_again_only_the_accounts_that_asked_about_a_changed_day(
    data: Path, run_in: RunIn, monkeypatch: pytest.MonkeyPatch, pool: bool
) -> None:
    if pool:
        monkeypatch.setattr(cache, "PARALLEL_FROM", 50)
    policy = data / "touchplan.yaml"
    policy.write_text("capacity: 6\nholidays: [2026-12-25]\n", encoding="utf-8")
    run_in("today")
    total = len(load_book(data).accounts)
    steps = [
        ("[2026-11-26, 2026-12-25]", True),  # the day after tomorrow: dues move
        ("[2026-11-26, 2026-12-24, 2026-12-25, 2027-01-01]", True),
        ("[2026-12-24, 2026-12-25, 2027-01-01]", True),  # unmade again
        ("[2026-12-24, 2026-12-25, 2027-01-01, 2040-06-05]", False),  # nobody asked
    ]
    plans = ("today", "--all", "--format", "json")
    planned: list[str] = []
    plan_record = cache.plan_record

    def note(record: cache.Record, *args: object) -> None:
        planned.append(record.rel)
        plan_record(record, *args)  # type: ignore[arg-type]

    for holidays, some in steps:
        policy.write_text(f"capacity: 6\nholidays: {holidays}\n", encoding="utf-8")
        planned.clear()

        with monkeypatch.context() as patch:
            no_parsing(patch)
            with monkeypatch.context() as counting:
                counting.setattr(cache, "plan_record", note)
                cached = run_in(*plans).stdout
            owner = run_in("today", "--owner", "rep01").stdout
            later = run_in(*plans, "--date", "2026-12-04").stdout  # the next week moves on
        assert cached == run_in(*plans, "--no-cache").stdout, holidays
        assert owner == run_in("today", "--owner", "rep01", "--no-cache").stdout, holidays
        assert later == run_in(*plans, "--date", "2026-12-04", "--no-cache").stdout, holidays
        if not pool:
            assert (0 < len(planned) < total / 2) if some else not planned, (holidays, planned)
        # every record kept is what a cold build under these holidays makes
        run_in("today")
        kept = _rows(data)
        cache_file(data).unlink()
        run_in("today")
        assert kept == _rows(data), holidays


NOT_TOUCHES = ("visit", "review", "stakeholders")


def test_a_holiday_just_before_a_day_ranks_that_day_again(tmp_path: Path) -> None:
    """A day's ranking rows know which cadence work is past its grace, which holidays in
    the working days before it move: an account whose plan asked about none of them
    must still be ranked again for that day."""
    (tmp_path / "accounts").mkdir()
    policy = tmp_path / "touchplan.yaml"
    off = "".join(f"{k}:\n  every: {{A: null, B: null, C: null}}\n" for k in NOT_TOUCHES)
    policy.write_text(f"capacity: 1\n{off}", encoding="utf-8")
    # Xylo's touch was due Monday 11-30: past its grace (3 working days) on Friday
    # 12-04, so it comes before Yew's, due Wednesday 12-02 ...
    for slug, tier, last in (("xylo", "C", "2026-09-01"), ("yew", "A", "2026-11-18")):
        (tmp_path / "accounts" / f"{slug}.yaml").write_text(
            f"name: {slug.title()}\ntier: {tier}\nsince: 2020-01-01\nhistory:\n"
            f"  - date: {last}\n    kind: call\n    summary: Catch-up.\n",
            encoding="utf-8",
        )

    def first(*extra: str) -> str:
        args = ["today", "--date", "2026-12-04", "--format", "json", "--dir", str(tmp_path)]
        result = CliRunner().invoke(app, [*args, *extra], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return str(json.loads(result.stdout)["calls"][0]["account"])

    assert first() == "xylo"  # the cache keeps the day's ranking rows
    # ... until 12-01 to 12-03 are holidays: 11-30 is then within its grace
    policy.write_text(policy.read_text() + "holidays: [2026-12-01, 2026-12-02, 2026-12-03]\n")
    assert first("--no-cache") == "yew"
    assert first() == "yew"


# -- the settings each plan read: an edit of one plans again only its readers ----------

# Settings few plans read (config.NOTED): only accounts with an open problem read the
# problem rhythm, only renewals under way the renewal rhythm, only new customers and
# accounts out of a problem lately the tightening, only rated reviews the problem rating.
READERS = {
    "problem rhythm": "problem: {every: 5, first_response: 0}\n",
    "renewal rhythm": "renewal: {rhythm: 5, rhythm_close: 1}\n",
    "tightening": "touch:\n  tighten_factor: 0.25\n",
    "problem rating": "review:\n  problem_at: 4\n",
}


@pytest.mark.parametrize("pool", [False, True])
@pytest.mark.parametrize("edit", READERS)
def test_an_edit_of_a_setting_plans_again_only_the_accounts_whose_plans_read_it(
    data: Path, run_in: RunIn, monkeypatch: pytest.MonkeyPatch, edit: str, pool: bool
) -> None:
    if pool:
        monkeypatch.setattr(cache, "PARALLEL_FROM", 5)
    policy = data / "touchplan.yaml"
    plans = ("today", "--all", "--format", "json")
    run_in(*plans)
    total = len(load_book(data).accounts)
    planned: list[str] = []
    plan_record = cache.plan_record

    def note(record: cache.Record, *args: object) -> None:
        planned.append(record.rel)
        plan_record(record, *args)  # type: ignore[arg-type]

    for text in (f"capacity: 6\n{READERS[edit]}", "capacity: 6\n"):  # made, then unmade
        policy.write_text(text, encoding="utf-8")
        planned.clear()
        with monkeypatch.context() as patch:
            no_parsing(patch)
            patch.setattr(cache, "plan_record", note)
            cached = run_in(*plans).stdout
            later = run_in(*plans, "--date", "2026-12-04").stdout
        assert cached == run_in(*plans, "--no-cache").stdout, text
        assert later == run_in(*plans, "--date", "2026-12-04", "--no-cache").stdout, text
        if not pool:  # (the forked workers' calls are not seen here)
            assert 0 < len(set(planned)) < total / 2, (text, len(set(planned)))
        # every record kept is what a cold build under these settings makes
        run_in("today")
        kept = _rows(data)
        cache_file(data).unlink()
        run_in("today")
        assert kept == _rows(data), text


def test_an_edit_of_a_setting_every_plan_reads_plans_every_account_again(
    data: Path, run_in: RunIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_in("today")
    planned: list[str] = []
    plan_record = cache.plan_record

    def note(record: cache.Record, *args: object) -> None:
        planned.append(record.rel)
        plan_record(record, *args)  # type: ignore[arg-type]

    (data / "touchplan.yaml").write_text("capacity: 6\nrenewal: {lead: 75}\n", encoding="utf-8")
    with monkeypatch.context() as patch:
        no_parsing(patch)
        patch.setattr(cache, "plan_record", note)
        cached = run_in("today", "--all", "--format", "json").stdout
    assert cached == run_in("today", "--all", "--format", "json", "--no-cache").stdout
    assert len(planned) == len(load_book(data).accounts)


# -- a run stopped while it plans accounts again ----------------------------------------


@pytest.mark.parametrize(
    "policy",
    [
        "capacity: 6\ntouch:\n  every: {A: 10, B: 30, C: 90}\n",
        "capacity: 6\nholidays: [2026-11-26, 2026-11-27]\n",
        f"capacity: 6\n{READERS['problem rhythm']}",
    ],
)
def test_a_run_stopped_half_way_through_planning_again_leaves_rows_that_match(
    data: Path, run_in: RunIn, monkeypatch: pytest.MonkeyPatch, policy: str
) -> None:
    """A Ctrl-C after the process pool's first chunk of accounts planned again: the next
    run plans the rest, and every account keeps its ranking rows (none is lost from the
    day's list, none keeps the old plan's)."""
    monkeypatch.setattr(cache, "PARALLEL_FROM", 5)
    monkeypatch.setattr(cache, "CHUNK", 16)  # chunks of 2 to 16 accounts
    plans = ("today", "--all", "--format", "json")
    run_in(*plans)
    (data / "touchplan.yaml").write_text(policy, encoding="utf-8")
    write_rows = cache._write_rows
    written: list[int] = []

    def stop_after_one(*args: object) -> None:
        if written:
            raise KeyboardInterrupt
        written.append(1)
        write_rows(*args)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(cache, "_write_rows", stop_after_one)
        stopped = CliRunner().invoke(app, [*plans, "--dir", str(data)])
    assert stopped.exit_code != 0
    assert written == [1]  # one chunk went in
    assert run_in(*plans).stdout == run_in(*plans, "--no-cache").stdout
    assert run_in("today").stdout == run_in("today", "--no-cache").stdout
    kept = _rows(data)
    cache_file(data).unlink()
    run_in("today")
    assert kept == _rows(data)


@pytest.mark.parametrize("pool", [False, True])
def test_a_run_whose_settings_were_edited_meanwhile_writes_none_of_its_rows(
    data: Path, run_in: RunIn, monkeypatch: pytest.MonkeyPatch, pool: bool
) -> None:
    """Another run opens the cache with other settings while this one plans: this run's
    plans (made under its own settings) never go in as the other's, nor its note of
    which runs of files are fresh; it plans without the cache, and says the same."""
    import sqlite3

    if pool:
        monkeypatch.setattr(cache, "PARALLEL_FROM", 5)
    plans = ("today", "--all", "--format", "json")
    run_in(*plans)
    (data / "touchplan.yaml").write_text(f"capacity: 6\n{READERS['problem rhythm']}")
    parsed_stats = cache.Cache.parsed_stats

    def meanwhile(self: cache.Cache, rels: list[str]) -> object:
        other = sqlite3.connect(self.path, isolation_level=None)
        other.execute("UPDATE meta SET value = 'another run' WHERE key = 'noted'")
        other.close()
        return parsed_stats(self, rels)

    with monkeypatch.context() as patch:
        patch.setattr(cache.Cache, "parsed_stats", meanwhile)
        cached = run_in(*plans).stdout
    assert cached == run_in(*plans, "--no-cache").stdout
    db = sqlite3.connect(cache_file(data))
    try:
        assert db.execute("SELECT COUNT(*) FROM blocks").fetchone() == (0,)
        # the accounts put out of date by the edit are still out of date
        assert db.execute("SELECT COUNT(*) FROM files WHERE valid_until = 0").fetchone()[0] > 0
    finally:
        db.close()


@pytest.mark.parametrize("edit", EDITS)
def test_after_any_policy_edit_every_kept_record_is_what_a_cold_build_makes(
    data: Path, run_in: RunIn, edit: str
) -> None:
    """What each plan noted of the settings it read (or the day ranges it asked about,
    or its tier) is enough: a record an edit kept is the one planning afresh makes."""
    run_in("today")
    (data / "touchplan.yaml").write_text(EDITS[edit], encoding="utf-8")
    run_in("today")
    kept = _rows(data)
    cache_file(data).unlink()
    run_in("today")
    assert kept == _rows(data)
