"""`touchplan import`: account files from Salesforce/HubSpot-style CSV exports."""

from __future__ import annotations

import csv
import io
import json
import textwrap
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run
from crm_exports import (
    TODAY,
    Export,
    data_loader,
    hubspot_companies,
    salesforce_report,
    sf_checksum,
)
from pty_read import read_to_end
from touchplan.connect.crm import (
    RowError,
    crm_key,
    is_customer,
    parse_amount,
    parse_export_date,
)
from touchplan.files.store import load_book
from touchplan.model import Account

DATA = Path(__file__).parent / "data"
SALESFORCE = DATA / "salesforce_accounts.csv"
HUBSPOT = DATA / "hubspot_companies.csv"
RunFn = Callable[..., Run]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under accounts/, hidden ones (temp files) included."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "accounts").rglob("*"))
        if p.is_file()
    }


def rows_of(result: Run) -> dict[int, tuple[str, str | None, str | None]]:
    report = json.loads(result.stdout)
    return {r["line"]: (r["status"], r["name"], r["file"] or r["reason"]) for r in report["rows"]}


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def values(account: Account) -> dict[str, Any]:
    """An account in the shape `crm_exports.Expect.account` describes."""
    return {
        "name": account.name,
        "tier": account.tier.value,
        "owner": account.owner,
        "crm_id": account.crm_id,
        "since": account.since,
        "added": account.added,
        "renewal": account.renewal,
        "value": account.value,
        "revenue": account.revenue,
        "notes": account.notes,
        "contacts": [(c.name, c.role, c.phone, c.email) for c in account.contacts],
        "history": [(t.date, t.kind.value, t.summary) for t in account.history],
    }


# -- the small, hand-written exports in tests/data ---------------------------------------

QUOTE_HINT = ' (a value with a comma or quote needs "double quotes", and "" for a quote in it)'
SALESFORCE_ROWS = {
    2: ("created", "Acme Corp", "accounts/acme-corp.yaml"),
    3: ("created", "Baker, Lowe & Sons", "accounts/baker-lowe-sons.yaml"),
    4: ("skipped", None, "blank row"),
    5: ("created", "Café Olé Roasters", "accounts/cafe-ole-roasters.yaml"),
    6: ("created", 'Summit "Peak" Outfitters', "accounts/summit-peak-outfitters.yaml"),
    7: ("skipped", None, "has 11 values, the header has 10 (an unquoted comma in a value?)"),
    8: ("created", "Evergreen Mills", "accounts/evergreen-mills.yaml"),
    9: ("skipped", None, "no account name (Account Name is empty)"),
    10: ("created", "Foxglove Clinics", "accounts/foxglove-clinics.yaml"),
    11: ("skipped", None, "blank row"),
    12: ("skipped", None, "bad quoting: ',' expected after '\"'" + QUOTE_HINT),
    13: ("created", "Harbor Freightways", "accounts/harbor-freightways.yaml"),
    14: ("skipped", "ACME Corp", "same account as line 2"),
}


def test_salesforce_export(root: Path, run: RunFn) -> None:
    result = run("import", str(SALESFORCE), "--format", "json")
    assert result.exit_code == 1  # lines 7, 12 and 14 hold accounts that were not imported
    report = json.loads(result.stdout)
    assert report["encoding"] == "utf-8"  # the BOM is gone, not part of the first column
    assert report["columns"] == {
        "Account Name": "name",
        "Account Owner": "owner",
        "Annual Revenue": "revenue",  # the customer's own revenue, not what they pay us
        "Phone": "phone",
        "Type": "type",
        "Customer Since": "since",
        "Contract End Date": "renewal",
        "Account Priority": "tier",
        "Primary Contact": "contact",
    }
    assert report["ignored_columns"] == ["Billing City"]
    assert report["date_order"] == "mdy"
    assert report["date_orders"]["Contract End Date"] == {
        "order": "mdy",
        "source": "column",
        "line": 2,
        "value": "03/31/2027",
        "note": "Contract End Date: month first, as line 2 shows (03/31/2027)",
    }
    assert report["counts"] == {"created": 7, "would-create": 0, "present": 0, "skipped": 6}
    assert report["problems"] == 3
    assert rows_of(result) == SALESFORCE_ROWS
    problems = {r["line"] for r in report["rows"] if r["problem"]}
    assert problems == {7, 12, 14}
    warnings = {r["line"]: r["warnings"] for r in report["rows"] if r["warnings"]}
    assert warnings == {
        8: ["Contract End Date: '02/30/2027' is not a real date; left out"],
        10: [
            "Account Priority: tier 'Strategic' is not A, B or C (A/B/C, 1/2/3, "
            "High/Medium/Low and Gold/Silver/Bronze are understood); tier C used"
        ],
    }
    files = snapshot(root)
    assert sorted(files) == sorted(r[2] for r in SALESFORCE_ROWS.values() if r[0] == "created")
    assert files["accounts/acme-corp.yaml"] == (
        b"name: Acme Corp\n"
        b"tier: A\n"
        b"owner: Dana Whitaker\n"
        b"since: 2019-03-15\n"
        b"added: 2026-11-24\n"
        b"renewal: 2027-03-31\n"
        b"revenue: 1250000\n"
        b"contacts:\n"
        b"  - name: Jane Smith\n"
        b"    phone: (555) 010-0100\n"
        b"history:\n"
    )
    evergreen = (
        b"name: Evergreen Mills\n"
        b"tier: A\n"
        b"owner: Lee Park\n"
        b"since: 2020-05-01\n"
        b"added: 2026-11-24\n"  # no renewal: its cell was not a date
        b"revenue: 310000\n"
        b"contacts:\n"
        b"  - name: Ann Lee\n"
        b"    phone: 555-0105\n"
        b"history:\n"
    )
    assert files["accounts/evergreen-mills.yaml"] == evergreen
    book = load_book(root)
    assert book.problems == []
    by_slug = book.by_slug()
    cafe = by_slug["cafe-ole-roasters"]
    assert (cafe.name, cafe.tier.value, cafe.since, cafe.renewal, cafe.revenue, cafe.value) == (
        "Café Olé Roasters",
        "C",
        date(2023, 7, 4),  # 7/4/2023 read month first, as the column's other dates show
        date(2026, 12, 31),
        95000.0,
        None,
    )
    assert by_slug["summit-peak-outfitters"].contacts == ()


def test_salesforce_table_output(root: Path, run: RunFn) -> None:
    result = run("import", str(SALESFORCE))
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith("Import of salesforce_accounts.csv\n")
    assert "Ignored columns: Billing City\n" in out
    assert "Dates: Customer Since: month first, as line 2 shows (03/15/2019)\n" in out
    rows = [" ".join(line.split()) for line in out.splitlines()]
    assert "2 Acme Corp created accounts/acme-corp.yaml" in rows
    assert "8 Evergreen Mills created accounts/evergreen-mills.yaml" in rows
    assert "warning: Contract End Date: '02/30/2027' is not a real date; left out" in out
    assert "7 created, 0 already present, 6 skipped; 2 warnings\n" in out
    assert out.endswith(
        "owners:\n  dana-whitaker: Dana Whitaker\n  sam-ortiz: Sam Ortiz\n  lee-park: Lee Park\n"
    )
    assert out.count("owners:\n") == 1  # listed once, at the end


def test_hubspot_export_dry_run_then_real(root: Path, run: RunFn) -> None:
    dry = run("import", str(HUBSPOT), "--dry-run", "--format", "json")
    assert dry.exit_code == 1  # line 8 holds an account that could not be read
    assert snapshot(root) == {}
    expected = {
        2: ("would-create", "Globex Industries", "accounts/globex-industries.yaml"),
        3: ("would-create", "Initech, LLC", "accounts/initech-llc.yaml"),
        4: ("skipped", None, "blank row"),
        5: ("would-create", "Umbrella Health", "accounts/umbrella-health.yaml"),
        6: ("would-create", "Hooli", "accounts/hooli.yaml"),
        7: ("would-create", "Vandelay Imports", "accounts/vandelay-imports.yaml"),
        8: ("skipped", None, "has 8 values, the header has 9"),
        9: ("would-create", 'Wayne "Bat" Supplies', "accounts/wayne-bat-supplies.yaml"),
        10: ("skipped", None, "blank row"),
    }
    assert rows_of(dry) == expected
    report = json.loads(dry.stdout)
    assert report["ignored_columns"] == []
    assert report["columns"]["Record ID"] == "crm_id"
    assert report["columns"]["Lifecycle Stage"] == "type"
    assert {r["line"]: r["warnings"] for r in report["rows"] if r["warnings"]} == {
        6: [
            "Annual Revenue: 'not disclosed' is not an amount (write digits, e.g. 120000); left out"
        ],
        7: ["Create Date: '2024-13-01 10:00' is not a real date; left out"],
    }
    real = run("import", str(HUBSPOT), "--format", "json")
    assert rows_of(real) == {
        line: (status.replace("would-create", "created"), name, where)
        for line, (status, name, where) in expected.items()
    }
    accounts = load_book(root).by_slug()
    globex = accounts["globex-industries"]
    assert (globex.tier.value, globex.owner, globex.crm_id, globex.since, globex.renewal) == (
        "A",
        "Morgan Lee",
        "5120001",
        date(2021, 6, 1),
        date(2027, 6, 30),
    )
    assert globex.revenue == 2500000.0 and globex.value is None
    assert accounts["initech-llc"].tier.value == "B"  # "medium"
    assert (accounts["hooli"].revenue, accounts["hooli"].renewal) == (None, date(2027, 5, 31))
    assert accounts["vandelay-imports"].since is None
    assert accounts["wayne-bat-supplies"].revenue == 1500000.0


def test_rerun_creates_nothing_and_changes_nothing(root: Path, run: RunFn) -> None:
    run("import", str(SALESFORCE))
    before = snapshot(root)
    again = run("import", str(SALESFORCE), "--format", "json")
    assert snapshot(root) == before
    report = json.loads(again.stdout)
    assert report["counts"]["created"] == 0
    present = {r["line"]: r["file"] for r in report["rows"] if r["status"] == "present"}
    assert present == {
        2: "accounts/acme-corp.yaml",
        3: "accounts/baker-lowe-sons.yaml",
        5: "accounts/cafe-ole-roasters.yaml",
        6: "accounts/summit-peak-outfitters.yaml",
        8: "accounts/evergreen-mills.yaml",
        10: "accounts/foxglove-clinics.yaml",
        13: "accounts/harbor-freightways.yaml",
        14: "accounts/acme-corp.yaml",  # "ACME Corp": the same slug
    }
    assert report["unmapped_owners"] == []  # only the accounts written count
    table = run("import", str(SALESFORCE))
    assert "0 created, 8 already present, 5 skipped" in table.stdout


def test_existing_account_by_name_or_slug_in_any_folder(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    write_account("acme", "name: Acme Corp\ntier: B\n")  # same name, another slug
    write_account("harbor-freightways", "name: Harbor\ntier: C\n", folder="east")
    result = run("import", str(SALESFORCE), "--format", "json")
    rows = rows_of(result)
    assert rows[2] == ("present", "Acme Corp", "accounts/acme.yaml")
    assert rows[13] == ("present", "Harbor Freightways", "accounts/east/harbor-freightways.yaml")
    assert (root / "accounts/acme.yaml").read_bytes() == b"name: Acme Corp\ntier: B\n"
    assert not (root / "accounts/acme-corp.yaml").exists()


def test_map_overrides_semicolons_european_numbers_and_dotted_dates(
    root: Path, run: RunFn, tmp_path: Path
) -> None:
    source = tmp_path / "kunden.csv"
    source.write_bytes(
        "Kunde;Betreuer;Umsatz;Vertragsende;Ansprechpartner;Telefon;Anmerkung\n"
        "Müller GmbH;Dana;1.250.000,50 €;31.03.2027;Frau Keller;+49 30 1234567;"
        '"Zahlt pünktlich; mag Anrufe vor 9"\n'.encode()
    )
    mapping = "Kunde=name,Betreuer=owner,Umsatz=value,Vertragsende=renewal,"
    mapping += "Ansprechpartner=contact,Telefon=phone,Anmerkung=notes"
    result = run("import", str(source), "--map", mapping, "--tier", "b")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (root / "accounts/muller-gmbh.yaml").read_text(encoding="utf-8") == textwrap.dedent(
        """\
        name: Müller GmbH
        tier: B
        owner: Dana
        added: 2026-11-24
        renewal: 2027-03-31
        value: 1250000.5
        notes: Zahlt pünktlich; mag Anrufe vor 9
        contacts:
          - name: Frau Keller
            phone: "+49 30 1234567"
        history:
        """
    )


def test_map_can_ignore_a_column_and_rename_one(root: Path, run: RunFn, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text(
        "Account Name,Account Priority,Region\nFoxglove Clinics,Strategic,north\n", encoding="utf-8"
    )
    warned = run("import", str(source), "--format", "json", "--dry-run")
    assert warned.exit_code == 0 and rows_of(warned)[2][0] == "would-create"
    good = run("import", str(source), "-m", "Account Priority=-", "-m", "region=notes")
    assert good.exit_code == 0
    assert (root / "accounts/foxglove-clinics.yaml").read_text() == (
        "name: Foxglove Clinics\ntier: C\nadded: 2026-11-24\nnotes: north\nhistory:\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "Nope=name"], "--map: the file has no column 'Nope'"),
        (["--map", "Account Name=title"], "--map: 'title' is not a field"),
        (["--map", "just-a-word"], "--map: 'just-a-word' is not COLUMN=FIELD"),
        (["--tier", "D"], "--tier: 'D' is not A, B or C"),
        (["--folder", "../.."], "--folder '../..' is not a safe folder name"),
        (["--format", "csv"], "import has no csv format"),
        (["--owner", "dana\x1b[2J"], "--owner contains the control character U+001B"),
    ],
)
def test_usage_errors_write_nothing(root: Path, run: RunFn, args: list[str], message: str) -> None:
    result = run("import", str(SALESFORCE), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert snapshot(root) == {}


def test_no_name_column(root: Path, run: RunFn, tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("Firm,Owner\nAcme,dana\n", encoding="utf-8")
    result = run("import", str(source))
    assert result.exit_code == 2
    assert "no column holds the account name" in result.stderr
    assert 'use --map "COLUMN=name"' in result.stderr
    assert run("import", str(source), "--map", "Firm=name").exit_code == 0
    assert (root / "accounts/acme.yaml").read_text() == (
        "name: Acme\ntier: C\nowner: dana\nadded: 2026-11-24\nhistory:\n"
    )


# -- generated exports of a few hundred rows ---------------------------------------------

OWNERS_YAML = """\
owners:
  dana: [dana@acme.example, Dana Whitaker, {dana_id}]
  sam: [sam@acme.example, Sam Ortiz, {sam_id}]
  lee: lee@acme.example
"""
DANA_ID = "0055g00000DanaWAAA"[:15]
SAM_ID = "0055g00000SamOrAAB"[:15]
DANA_ID += sf_checksum(DANA_ID)
SAM_ID += sf_checksum(SAM_ID)
OTHER_ID = "0055g00000ChrisNg"[:15] + sf_checksum("0055g00000ChrisNg"[:15])


@pytest.fixture
def team(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A book whose touchplan.yaml lists owners; no git identity says who "me" is."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    (root / "touchplan.yaml").write_text(
        OWNERS_YAML.format(dana_id=DANA_ID, sam_id=SAM_ID), encoding="utf-8"
    )
    return root


def check_export(root: Path, run: RunFn, export: Export, tmp_path: Path) -> dict[str, Any]:
    """Import ``export`` and check every line's result and every written account."""
    source = tmp_path / export.file_name
    source.write_bytes(export.data)
    result = run("import", str(source), "--format", "json")
    report: dict[str, Any] = json.loads(result.stdout)
    assert result.exit_code == 0, result.stderr  # every row holding an account made it
    assert report["columns"] == export.columns
    assert report["ignored_columns"] == export.ignored
    assert report["counts"] == export.counts()
    assert report["problems"] == 0
    got = {r["line"]: r for r in report["rows"]}
    assert sorted(got) == [e.line for e in export.rows]
    accounts = {a.file: a for a in load_book(root).accounts}
    assert len(accounts) == export.counts()["created"]
    for want in export.rows:
        row = got[want.line]
        assert (row["status"], row["name"], row["problem"]) == (
            want.status,
            want.name,
            want.problem,
        ), want
        assert tuple(row["warnings"]) == want.warnings, want
        if want.status == "created":
            assert values(accounts[row["file"]]) == want.account, want
        else:
            assert row["reason"] == want.reason
    assert {u["owner"]: u["accounts"] for u in report["unmapped_owners"]} == export.unmapped
    return report


def test_salesforce_report_export(team: Path, run: RunFn, tmp_path: Path) -> None:
    export = salesforce_report(aliases={"Dana Whitaker": "dana", "Sam Ortiz": "sam"})
    report = check_export(team, run, export, tmp_path)
    assert report["counts"] == {"created": 241, "would-create": 0, "present": 0, "skipped": 67}
    for column, (line, value) in export.orders.items():
        assert report["date_orders"][column]["note"] == (
            f"{column}: month first, as line {line} shows ({value})"
        )
    assert (team / "accounts/acme-corp.yaml").read_bytes() == (
        b"name: Acme Corp\n"
        b"tier: A\n"
        b"owner: dana\n"
        b"crm_id: 001A000001AcmeQ\n"
        b"since: 2019-03-15\n"
        b"added: 2026-11-24\n"
        b"revenue: 1250000\n"
        b"contacts:\n"
        b"  - name: Main contact\n"
        b"    phone: (555) 010-0100\n"
        b"history:\n"
        b"  - date: 2026-10-02\n"
        b"    kind: imported\n"
        b"    summary: Last activity in the CRM (report1764000000000.csv)\n"
    )
    assert (team / "accounts/summit-peak-outfitters.yaml").read_bytes() == (
        b'name: Summit "Peak" Outfitters\ntier: C\nadded: 2026-11-24\nhistory:\n'
    )
    # Lee Park is rep `lee` by first name: the line adds the alias to lee's list.
    lines = {u["owner"]: u["line"] for u in report["unmapped_owners"]}
    assert lines == {
        "Lee Park": "lee: [lee@acme.example, Lee Park]",
        "Chris Nguyen": "chris-nguyen: Chris Nguyen",
    }
    # the CJK name has no letters for a file name: its CRM id names the file
    tokyo = [a for a in load_book(team).accounts if a.name == "東京商事株式会社"]
    assert [a.file for a in tokyo] == [f"accounts/{tokyo[0].crm_id.lower()}.yaml"]


def test_data_loader_export(
    team: Path, run: RunFn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOUCHPLAN_OWNER", "dana")  # the current rep owns rows without one
    export = data_loader(
        users=(DANA_ID, SAM_ID, OTHER_ID),
        aliases={DANA_ID: "dana", SAM_ID: "sam"},
        default_owner="dana",
    )
    report = check_export(team, run, export, tmp_path)
    assert report["counts"]["created"] == 222
    assert report["default_owner"] == "dana"
    assert report["date_orders"] == {}  # ISO dates need no day order
    assert report["unmapped_owners"] == [
        {"owner": OTHER_ID, "accounts": export.unmapped[OTHER_ID], "line": f"rep-1: {OTHER_ID}"}
    ]
    skipped_types = {
        r["reason"] for r in report["rows"] if r["reason"] and "customer" in r["reason"]
    }
    assert skipped_types == {
        f"not a customer: TYPE is {kind!r}"
        for kind in (
            "Prospect",
            "Other",
            "Channel Partner / Reseller",
            "Installation Partner",
            "Technology Partner",
            "Former Customer",
        )
    }
    first = next(r for r in export.rows if r.status == "created")
    row = next(r for r in report["rows"] if r["line"] == first.line)
    text = (team / row["file"]).read_text(encoding="utf-8")
    assert text.startswith(f"name: {first.name}\ntier: C\n")
    assert f"crm_id: {first.account['crm_id']}\n" in text


def test_hubspot_companies_export(team: Path, run: RunFn, tmp_path: Path) -> None:
    export = hubspot_companies()
    report = check_export(team, run, export, tmp_path)
    assert report["counts"]["created"] == 187
    reasons = {r["reason"] for r in report["rows"] if r["status"] == "skipped"}
    assert "not a customer: Lifecycle Stage is 'Marketing Qualified Lead'" in reasons
    assert {u["owner"]: u["line"] for u in report["unmapped_owners"]} == {
        "Morgan Lee": "morgan-lee: Morgan Lee",
        "Jo Smith": "jo-smith: Jo Smith",
        "Ana Lima": "ana-lima: Ana Lima",
    }


def test_generated_exports_rerun_as_present(team: Path, run: RunFn, tmp_path: Path) -> None:
    """A second import of the same export, and of the same records exported through
    the API (18-character ids) after a rename, creates nothing."""
    export = salesforce_report(rows=60)
    source = tmp_path / export.file_name
    source.write_bytes(export.data)
    first = json.loads(run("import", str(source), "--format", "json").stdout)
    before = snapshot(team)
    again = json.loads(run("import", str(source), "--format", "json").stdout)
    assert again["counts"]["present"] == first["counts"]["created"] > 40
    assert snapshot(team) == before
    book = load_book(team)
    renamed = tmp_path / "api.csv"
    write_csv(
        renamed,
        [["Id", "Name", "Type"]]
        + [
            [a.crm_id + sf_checksum(a.crm_id), f"{a.name} (renamed)", ""]
            for a in book.accounts
            if a.crm_id
        ],
    )
    third = json.loads(run("import", str(renamed), "--format", "json").stdout)
    assert third["counts"]["created"] == 0
    assert third["counts"]["present"] == sum(1 for a in book.accounts if a.crm_id)
    assert snapshot(team) == before


# -- what a row is ------------------------------------------------------------------------


def test_same_name_other_crm_record_is_a_second_account(
    root: Path, write_account: Callable[..., Path], run: RunFn, tmp_path: Path
) -> None:
    write_account("acme-corp", "name: Acme Corp\ntier: B\ncrm_id: 001A\n")
    source = write_csv(
        tmp_path / "a.csv",
        [
            ["Account ID", "Account Name"],
            ["001A", "Acme Corp"],  # the same record
            ["001B", "Acme Corp"],  # another customer with the same name
            ["001B", "Acme Corp"],  # that one again
            ["", "Acme Corp"],  # no id: the name decides
        ],
    )
    result = run("import", str(source), "--format", "json")
    report = json.loads(result.stdout)
    assert rows_of(result) == {
        2: ("present", "Acme Corp", "accounts/acme-corp.yaml"),
        3: ("created", "Acme Corp", "accounts/acme-corp-2.yaml"),
        4: ("skipped", "Acme Corp", "same account as line 3"),
        5: ("present", "Acme Corp", "accounts/acme-corp.yaml"),
    }
    assert report["rows"][1]["warnings"] == [
        "another account has this name: accounts/acme-corp.yaml"
    ]
    assert result.exit_code == 0  # line 4 is the same record as line 3: nothing lost


def test_fifteen_and_eighteen_character_ids_are_one_record() -> None:
    head = "001A000001AcmeQ"
    assert crm_key(head + sf_checksum(head)) == head
    assert crm_key(head) == head
    assert crm_key(head + "AAA") == head + "AAA"  # a wrong checksum: not a Salesforce id
    assert crm_key("5120001") == "5120001"


@pytest.mark.parametrize(
    ("kind", "customer"),
    [
        ("Customer - Direct", True),
        ("customer - channel", True),
        ("Customer", True),
        ("customer", True),
        ("Evangelist", True),
        ("Prospect", False),
        ("Lead", False),
        ("Subscriber", False),
        ("Opportunity", False),
        ("Other", False),
        ("Competitor", False),
        ("Partner", False),
        ("Former Customer", False),
        ("Ex-customer", False),
        ("Customer - Churned", False),
        ("marketingqualifiedlead", False),
        ("Sales Qualified Lead", False),
        ("Channel Partner / Reseller", False),
        ("Vendor", False),
        ("Key Account", None),
    ],
)
def test_customer_types(kind: str, customer: bool | None) -> None:
    assert is_customer(kind) is customer


def test_an_unknown_type_imports_with_a_warning(root: Path, run: RunFn, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "t.csv",
        [["Account Name", "Account Type"], ["Alpha", "Key Account"], ["Beta", "Prospect"]],
    )
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert [(r["status"], r["reason"], r["warnings"]) for r in report["rows"]] == [
        (
            "created",
            None,
            ["Account Type: 'Key Account' is not a type touchplan knows; imported as a customer"],
        ),
        ("skipped", "not a customer: Account Type is 'Prospect'", []),
    ]


def test_bad_optional_cells_leave_their_field_out(root: Path, run: RunFn, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "b.csv",
        [
            ["Account Name", "Annual Revenue", "ARR", "Renewal Date", "Last Activity Date",
             "Relationship", "Phone", "Contact Title", "Description"],
            ["Alpha", "not disclosed", "-5000", "soon", "2027-01-01", "friends", "555\x1b[2J",
             "CFO", "ok\x07"],
        ],
    )  # fmt: skip
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 0
    row = json.loads(result.stdout)["rows"][0]
    assert row["status"] == "created"
    assert row["warnings"] == [
        "Renewal Date: 'soon' is not a date (use YYYY-MM-DD (a time and zone after it are "
        "fine), MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY, 15-Mar-2027 or Mar 15, 2027); left out",
        "Last Activity Date: '2027-01-01' is after today; left out",
        "ARR: '-5000' is negative; left out",
        "Annual Revenue: 'not disclosed' is not an amount (write digits, e.g. 120000); left out",
        "Relationship: 'friends' is not one of transactional, relational, partnering; left out",
        "Description: 'ok\\x07' contains the control character U+0007; left out",
        "Phone: '555\\x1b[2J' contains the control character U+001B; left out",
        "Contact Title: 'CFO' names no contact to give it to; left out",
    ]
    assert (root / "accounts/alpha.yaml").read_text() == (
        "name: Alpha\ntier: C\nadded: 2026-11-24\nhistory:\n"
    )


def test_rows_that_hold_no_account_are_notes_not_problems(
    root: Path, run: RunFn, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "n.csv",
        [["Account Name", "Type"], ["", "Customer"], ["   ", ""], ["", ""], ["Fine", ""]],
    )
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 0
    assert rows_of(result) == {
        2: ("skipped", None, "no account name (Account Name is empty)"),
        3: ("skipped", None, "blank row"),
        4: ("skipped", None, "blank row"),
        5: ("created", "Fine", "accounts/fine.yaml"),
    }


def test_control_characters_and_newlines_in_names_are_problems(
    root: Path, run: RunFn, tmp_path: Path
) -> None:
    source = tmp_path / "c.csv"
    source.write_text(
        'Account Name,Owner\n"Two\nLines",dana\nEvil\x1b[2J,dana\nFine,dana\n', encoding="utf-8"
    )
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 1
    assert rows_of(result) == {
        2: ("skipped", None, "Account Name: 'Two\\nLines' contains a newline"),
        4: ("skipped", None, "Account Name: 'Evil\\x1b[2J' contains the control character U+001B"),
        5: ("created", "Fine", "accounts/fine.yaml"),
    }
    table = run("import", str(source), "--dry-run")
    assert "\x1b" not in table.stdout + table.stderr


# -- date order, per column --------------------------------------------------------------


def test_each_column_decides_its_own_day_order(root: Path, run: RunFn, tmp_path: Path) -> None:
    """A day-first column and a month-first column in one file: neither makes the
    other ambiguous, and each says which line decided it."""
    source = write_csv(
        tmp_path / "mixed.csv",
        [
            ["Account Name", "Customer Since", "Contract End Date"],
            ["Alpha", "03/04/2020", "04/05/2027"],
            ["Beta", "13/05/2020", "12/31/2027"],
            ["Gamma", "01/02/2021", "06/07/2027"],
        ],
    )
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [o["note"] for o in report["date_orders"].values()] == [
        "Customer Since: day first, as line 3 shows (13/05/2020)",
        "Contract End Date: month first, as line 3 shows (12/31/2027)",
    ]
    assert report["date_order"] is None  # the columns disagree
    alpha = load_book(root).by_slug()["alpha"]
    assert (alpha.since, alpha.renewal) == (date(2020, 4, 3), date(2027, 4, 5))


def test_an_undecided_column_follows_the_files_other_dates(
    root: Path, run: RunFn, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "uk.csv",
        [
            ["Account Name", "Customer Since", "Contract End Date"],
            ["Alpha", "03/04/2020", "25/12/2027"],
        ],
    )
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["date_order"] == "dmy"
    assert report["date_orders"]["Customer Since"]["note"] == (
        "Customer Since: day first, like the file's other dates (line 2 shows (25/12/2027))"
    )
    text = (root / "accounts/alpha.yaml").read_text()
    assert "since: 2020-04-03\nadded: 2026-11-24\nrenewal: 2027-12-25\n" in text


def test_an_ambiguous_column_needs_the_order_and_writes_nothing(
    root: Path, run: RunFn, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "uk.csv",
        [["Account Name", "Contract End Date"], ["Alpha", "03/04/2027"], ["Beta", "05/05/2027"]],
    )
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 2
    assert snapshot(root) == {}
    assert " ".join(result.stderr.split()) == (
        "error: cannot tell the day order of Contract End Date: 03/04/2027 (line 2) could be "
        "month or day first, and no line shows which (pass --date-order mdy (US) or dmy; a "
        "date that does not fit it is left out with a warning)"
    )
    given = run("import", str(source), "--date-order", "dmy", "--format", "json")
    assert given.exit_code == 0
    assert json.loads(given.stdout)["date_orders"]["Contract End Date"]["note"] == (
        "Contract End Date: day first, as --date-order says"
    )
    assert "renewal: 2027-04-03\n" in (root / "accounts/alpha.yaml").read_text()
    assert "renewal: 2027-05-05\n" in (root / "accounts/beta.yaml").read_text()


def test_a_column_that_contradicts_itself_names_both_lines(
    root: Path, run: RunFn, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "x.csv",
        [["Account Name", "Renewal Date"], ["Alpha", "12/31/2027"], ["Beta", "31/12/2027"]],
    )
    result = run("import", str(source))
    assert result.exit_code == 2
    assert (
        "Renewal Date: line 2 reads month first (12/31/2027) but line 3 day first (31/12/2027)"
        in " ".join(result.stderr.split())
    )
    given = run("import", str(source), "--date-order", "mdy", "--format", "json")
    assert given.exit_code == 0
    rows = json.loads(given.stdout)["rows"]
    assert rows[1]["warnings"] == ["Renewal Date: '31/12/2027' is not a real date; left out"]


def test_a_columns_own_dates_beat_date_order(root: Path, run: RunFn, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "us.csv",
        [["Account Name", "Renewal Date"], ["Alpha", "12/31/2027"], ["Beta", "03/04/2027"]],
    )
    result = run("import", str(source), "--date-order", "dmy", "--format", "json")
    assert result.exit_code == 0
    assert "renewal: 2027-03-04\n" in (root / "accounts/beta.yaml").read_text()


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2027-03-31", None, date(2027, 3, 31)),
        ("2027-3-1", None, date(2027, 3, 1)),
        ("2024-02-01 10:00", None, date(2024, 2, 1)),
        ("2024-02-01 10:00:59", None, date(2024, 2, 1)),
        ("2024-02-01T10:00:00Z", None, date(2024, 2, 1)),
        ("2006-04-15T03:23:15.000Z", None, date(2006, 4, 15)),
        ("2006-04-15T23:23:15.000+0000", None, date(2006, 4, 15)),
        ("2024-02-01T10:00:00+01:00", None, date(2024, 2, 1)),
        ("03/31/2027", None, date(2027, 3, 31)),
        ("3/31/2027 9:30 AM", None, date(2027, 3, 31)),
        ("3/31/2027, 9:30 PM", None, date(2027, 3, 31)),
        ("31/03/2027", None, date(2027, 3, 31)),
        ("03/04/2027", "mdy", date(2027, 3, 4)),
        ("03/04/2027", "dmy", date(2027, 4, 3)),
        ("31.03.2027", None, date(2027, 3, 31)),
        ("1.3.2027 08:15", None, date(2027, 3, 1)),
        ("15-Mar-2027", None, date(2027, 3, 15)),
        ("Mar 15, 2027", None, date(2027, 3, 15)),
        ("15 March 2027", None, date(2027, 3, 15)),
        ("Sept 1, 2027", None, date(2027, 9, 1)),
    ],
)
def test_export_date_formats(text: str, order: str | None, expected: date) -> None:
    assert parse_export_date(text, order) == expected


@pytest.mark.parametrize(
    ("text", "order", "message"),
    [
        ("03/04/2027", None, "'03/04/2027' is ambiguous"),
        ("31/03/2027", "mdy", "'31/03/2027' is not a real date"),
        ("02/30/2027", None, "'02/30/2027' is not a real date"),
        ("13/13/2027", None, "'13/13/2027' is not a real date"),
        ("3/4/27", None, "'3/4/27' has a two-digit year"),
        ("2027-02-29", None, "'2027-02-29' is not a real date"),
        ("2027-02-01T25:00:00Z", None, "'2027-02-01T25:00:00Z' has an impossible time of day"),
        ("next week", None, "'next week' is not a date"),
        ("2027/03/31", None, "'2027/03/31' is not a date"),
        ("15-Foo-2027", None, "'15-Foo-2027' is not a date"),
    ],
)
def test_bad_export_dates(text: str, order: str | None, message: str) -> None:
    with pytest.raises(RowError) as caught:
        parse_export_date(text, order)
    assert str(caught.value).startswith(message)


# -- amounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120000", "120000"),
        ("$1,250,000.00", "1250000"),
        ("1.250.000,00 €", "1250000"),
        ("1,250,000", "1250000"),
        ("1250,50", "1250.5"),
        ("USD 98000", "98000"),
        ("US$ 98,000", "98000"),
        ("95,000", "95000"),
        ("1'250'000", "1250000"),
        ("1 250 000,50", "1250000.5"),
        ("6.0E7", "6.0E7"),
        ("1.5E+10", "15000000000"),
        ("60000000.0", "60000000"),
        ("0", "0"),
        ("0.1", "0.1"),
    ],
)
def test_amounts(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("n/a", "'n/a' is not an amount"),
        ("not disclosed", "'not disclosed' is not an amount"),
        ("-5000", "'-5000' is negative"),
        ("(5000)", "'(5000)' is negative"),
        ("$-5,000", "'$-5,000' is negative"),
        ("12-34", "'12-34' is not an amount"),
        ("1e400", "'1e400' is too large to be an amount"),
        ("999999999999999.99", "'999999999999999.99' has more digits than an amount can keep"),
        ("", "'' is not an amount"),
    ],
)
def test_bad_amounts(text: str, message: str) -> None:
    with pytest.raises(RowError) as caught:
        parse_amount(text)
    assert str(caught.value).startswith(message)


def test_value_is_what_they_pay_and_revenue_theirs(root: Path, run: RunFn, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "v.csv",
        [["Account Name", "ANNUALREVENUE", "ARR"], ["Alpha", "6.0E7", "$48,000"]],
    )
    assert run("import", str(source)).exit_code == 0
    alpha = load_book(root).by_slug()["alpha"]
    assert (alpha.value, alpha.revenue) == (48000.0, 60000000.0)


# -- owners -------------------------------------------------------------------------------


def test_owners_map_through_aliases_and_default_to_the_current_rep(
    team: Path, run: RunFn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOUCHPLAN_OWNER", "sam")
    source = write_csv(
        tmp_path / "o.csv",
        [
            ["Account Name", "Account Owner"],
            ["Alpha", "  DANA   whitaker "],  # case and spacing do not matter
            ["Beta", DANA_ID],
            ["Gamma", "dana@acme.example"],
            ["Delta", ""],  # no owner: the current rep
            ["Epsilon", "Lee Park"],
            ["Zeta", "Lee Park"],
            ["Eta", "Sam Rep"],
        ],
    )
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 0
    owners = {a.name: a.owner for a in load_book(team).accounts}
    assert owners == {
        "Alpha": "dana",
        "Beta": "dana",
        "Gamma": "dana",
        "Delta": "sam",
        "Epsilon": "Lee Park",  # kept as written, and listed once
        "Zeta": "Lee Park",
        "Eta": "Sam Rep",
    }
    assert json.loads(result.stdout)["unmapped_owners"] == [
        {"owner": "Lee Park", "accounts": 2, "line": "lee: [lee@acme.example, Lee Park]"},
        {
            "owner": "Sam Rep",
            "accounts": 1,
            "line": "sam: [sam@acme.example, Sam Ortiz, " + SAM_ID + ", Sam Rep]",
        },
    ]
    by_option = run(
        "import", str(source), "--owner", "Dana Whitaker", "--dry-run", "--format", "json"
    )
    assert json.loads(by_option.stdout)["default_owner"] == "dana"


def test_the_suggested_lines_make_the_owners_match(team: Path, run: RunFn, tmp_path: Path) -> None:
    """Adding the lines the import prints makes a dry run map every owner."""
    source = write_csv(
        tmp_path / "o.csv",
        [
            ["Account Name", "Account Owner"],
            ["Alpha", "Chris Nguyen"],
            ["Beta", "chris.n@acme.example"],
            ["Gamma", OTHER_ID],
            ["Delta", "O'Hara, Pat"],
        ],
    )
    first = json.loads(run("import", str(source), "--format", "json", "--dry-run").stdout)
    lines = list(dict.fromkeys(u["line"] for u in first["unmapped_owners"]))
    assert lines == [
        "chris-nguyen: Chris Nguyen",
        "chris-n: chris.n@acme.example",
        f"rep-1: {OTHER_ID}",
        'o-hara-pat: "O\'Hara, Pat"',
    ]
    with (team / "touchplan.yaml").open("a", encoding="utf-8") as policy:
        policy.write("".join(f"  {line}\n" for line in lines))
    again = json.loads(run("import", str(source), "--format", "json", "--dry-run").stdout)
    assert again["unmapped_owners"] == []
    assert run("check").exit_code == 0


# -- writing ------------------------------------------------------------------------------


def test_a_row_that_cannot_be_written_leaves_the_others_whole(root: Path, run: RunFn) -> None:
    (root / "accounts" / "baker-lowe-sons.yaml").mkdir()  # in the way, and not an account
    result = run("import", str(SALESFORCE), "--format", "json")
    rows = rows_of(result)
    assert rows[3] == (
        "skipped",
        "Baker, Lowe & Sons",
        "not written: accounts/baker-lowe-sons.yaml already exists",
    )
    assert rows[5][0] == "created"
    files = snapshot(root)
    assert not [f for f in files if "/." in f]  # no temp file left behind
    assert load_book(root).problems == []


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Account Name,Phone\nCafé Olé,555\n".encode("utf-16"), "utf-16"),
        ("Account Name,Phone\nCafé Olé,555\n".encode("cp1252"), "cp1252"),
        ("\ufeffAccount Name\tPhone\r\nCafé Olé\t555\r\n".encode(), "utf-8"),
    ],
)
def test_encodings_and_tabs(
    root: Path, run: RunFn, tmp_path: Path, data: bytes, encoding: str
) -> None:
    source = tmp_path / "e.csv"
    source.write_bytes(data)
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["encoding"] == encoding
    assert load_book(root).by_slug()["cafe-ole"].name == "Café Olé"


def test_folder_option(root: Path, run: RunFn) -> None:
    result = run("import", str(HUBSPOT), "--folder", "West Coast")
    assert result.exit_code == 1
    assert (root / "accounts/west-coast/globex-industries.yaml").is_file()


def test_imported_accounts_plan_and_show(team: Path, run: RunFn, tmp_path: Path) -> None:
    """The imported entry counts as contact; `show` names its kind."""
    source = write_csv(
        tmp_path / "s.csv",
        [["Account Name", "Last Activity Date", "Account Tier"], ["Alpha", "2026-11-20", "A"]],
    )
    assert run("import", str(source)).exit_code == 0
    shown = run("show", "alpha")
    assert shown.exit_code == 0
    assert "imported" in shown.stdout
    assert "Last activity in the CRM (s.csv)" in shown.stdout
    assert run("check").exit_code == 0


# -- nothing is lost or changed -----------------------------------------------------------

NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), max_size=20
).filter(lambda s: any(ch.isalnum() for ch in s))
NO_DIGITS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Nd", "No", "Nl")), min_size=1, max_size=12
).filter(lambda s: s.strip() != "")
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
DAY = st.dates(min_value=date(1990, 1, 1), max_value=TODAY)


@st.composite
def date_cell(draw: st.DrawFn) -> tuple[str, date | None]:
    """A date written as exports write it (and the date it is), or not a date at all."""
    day = draw(DAY)
    form = draw(st.sampled_from(["iso", "stamp", "zulu", "dotted", "named", "junk", "blank"]))
    if form == "junk":
        return draw(NO_DIGITS), None
    if form == "blank":
        return draw(st.sampled_from(["", "  "])), None
    text = {
        "iso": day.isoformat(),
        "stamp": f"{day.isoformat()} 10:15",
        "zulu": f"{day.isoformat()}T23:59:59.000Z",
        "dotted": f"{day.day}.{day.month}.{day.year}",
        "named": day.strftime("%d-%b-%Y"),
    }[form]
    return text, day


@st.composite
def amount_cell(draw: st.DrawFn) -> tuple[str, Decimal | None]:
    number = Decimal(draw(st.integers(0, 10**11))) / draw(st.sampled_from([1, 100]))
    form = draw(st.sampled_from(["plain", "dollars", "code", "euro", "sci", "junk", "blank"]))
    if form == "junk":
        return draw(NO_DIGITS), None
    if form == "blank":
        return "", None
    if form == "sci":
        number = Decimal(draw(st.integers(1, 99))) * 10 ** draw(st.integers(0, 9))
        return f"{number:.1E}".replace("E+", "E"), number
    text = {
        "plain": f"{number}",
        "dollars": f"${number:,}",
        "code": f"USD {number:,}",
        "euro": f"{number:,}".replace(",", " ").replace(".", ",") + " €",
    }[form]
    return text, number


def as_written(cell: str) -> str:
    """What a text cell becomes in a file: trimmed, NFC, tabs as spaces."""
    return unicodedata.normalize("NFC", cell.replace("\t", " ")).strip()


# The export the property test writes: column, field, and how its cells are drawn.
PROPERTY_COLUMNS = (
    ("Account Name", "name"),
    ("Account Owner", "owner"),
    ("Annual Revenue", "revenue"),
    ("ACV", "value"),
    ("Renewal Date", "renewal"),
    ("Last Activity Date", "last_contact"),
    ("Phone", "phone"),
    ("Description", "notes"),
    ("Account ID", "crm_id"),
)


@st.composite
def export_row(draw: st.DrawFn) -> dict[str, Any]:
    """One row's cells by field; dates and amounts as (cell, what it means)."""
    return {
        "name": draw(NAME),
        "owner": draw(TEXT),
        "revenue": draw(amount_cell()),
        "value": draw(amount_cell()),
        "renewal": draw(date_cell()),
        "last_contact": draw(date_cell()),
        "phone": draw(TEXT),
        "notes": draw(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)),
        "crm_id": draw(st.from_regex(r"[0-9A-Za-z]{6}", fullmatch=True)),
    }


def cell_of(value: Any) -> str:
    return value[0] if isinstance(value, tuple) else str(value)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(export_row(), min_size=1, max_size=6))
def test_every_cell_ends_up_in_the_file_or_in_a_warning(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]]
) -> None:
    """Each cell of each imported row is in the account file as it was meant (text
    trimmed, dates as YYYY-MM-DD, amounts as numbers), or in a warning on that row
    that quotes it; a row that was not imported says why."""
    from typer.testing import CliRunner

    from touchplan.cli import app

    root = tmp_path_factory.mktemp("prop")
    (root / "accounts").mkdir()
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # "\r\n" records: a lone "\r" in a cell gets quoted
    writer.writerow([column for column, _ in PROPERTY_COLUMNS])
    for row in rows:
        writer.writerow([cell_of(row[key]) for _, key in PROPERTY_COLUMNS])
    source = root / "in.csv"
    source.write_bytes(buffer.getvalue().encode("utf-8"))
    argv = ["import", str(source), "--format", "json", "--dir", str(root)]
    result = CliRunner().invoke(app, argv, catch_exceptions=False)
    report = json.loads(result.stdout)
    assert report["columns"] == dict(PROPERTY_COLUMNS)
    book = {a.file: a for a in load_book(root).accounts}
    reader = csv.reader(io.StringIO(buffer.getvalue(), newline="").readlines())
    next(reader)
    starts = []
    for _ in rows:  # each record's first line, past any line breaks inside its cells
        starts.append(reader.line_num + 1)
        next(reader)
    results = {r["line"]: r for r in report["rows"]}
    for row, line in zip(rows, starts, strict=True):
        result_row = results[line]
        if result_row["status"] != "created":
            assert result_row["reason"]  # never dropped without a word
            continue
        account = book[result_row["file"]]
        check_cells(row, account, " ".join(result_row["warnings"]))


def check_cells(row: dict[str, Any], account: Account, warned: str) -> None:
    labels = {key: column for column, key in PROPERTY_COLUMNS}

    def in_warning(key: str) -> bool:
        return f"{labels[key]}: {cell_of(row[key]).strip()!r}" in warned

    assert account.name == as_written(row["name"])
    assert account.crm_id == row["crm_id"]
    assert account.added == TODAY
    phone = account.contacts[0].phone if account.contacts else ""
    for key, got in (("owner", account.owner), ("phone", phone), ("notes", account.notes)):
        want = as_written(row[key].replace("\r\n", "\n"))
        assert got == want or in_warning(key), (key, row[key], got)
    imported = account.history[0].date if account.history else None
    for key, got in (
        ("revenue", account.revenue),
        ("value", account.value),
        ("renewal", account.renewal),
        ("last_contact", imported),
    ):
        cell, meant = row[key]
        if isinstance(meant, Decimal):
            meant = float(meant)
        if not cell.strip():
            assert got is None, (key, cell, got)
        elif meant is not None:
            assert got == meant, (key, cell, got)
        else:
            assert got is None and in_warning(key), (key, cell, got)


# -- a real process on a terminal ---------------------------------------------------------


def test_a_long_import_on_a_terminal_shows_one_progress_bar(tmp_path: Path) -> None:
    """Stderr on a terminal gets a progress bar; stdout keeps only the report."""
    import os
    import pty
    import shutil
    import subprocess

    exe = shutil.which("touchplan")
    assert exe is not None
    export = hubspot_companies(rows=600)
    source = tmp_path / export.file_name
    source.write_bytes(export.data)
    book = tmp_path / "book"
    (book / "accounts").mkdir(parents=True)
    master, slave = pty.openpty()
    env = {**os.environ, "TOUCHPLAN_CACHE_DIR": str(tmp_path / "cache"), "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    argv = [exe, "import", str(source), "--format", "json", "--dir", str(book)]
    report = tmp_path / "report.json"  # a file, not a pipe: a full pipe would block the child
    with report.open("wb") as stdout:
        proc = subprocess.Popen(argv, stdout=stdout, stderr=slave, env=env)
    os.close(slave)
    try:
        seen = read_to_end(master, proc, timeout=120)
    finally:
        os.close(master)
    proc.wait(timeout=120)
    assert proc.returncode == 0
    assert b"Importing" in seen
    assert json.loads(report.read_bytes())["counts"] == export.counts()
