"""`touchplan import`: account files from Salesforce/HubSpot-style CSV exports."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run
from touchplan.connect.crm import RowError, parse_amount, parse_export_date
from touchplan.files.store import load_book

DATA = Path(__file__).parent / "data"
SALESFORCE = DATA / "salesforce_accounts.csv"
HUBSPOT = DATA / "hubspot_companies.csv"


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


QUOTE_HINT = ' (a value with a comma or quote needs "double quotes", and "" for a quote in it)'
SALESFORCE_ROWS = {
    2: ("created", "Acme Corp", "accounts/acme-corp.yaml"),
    3: ("created", "Baker, Lowe & Sons", "accounts/baker-lowe-sons.yaml"),
    4: ("skipped", None, "blank row"),
    5: ("created", "Café Olé Roasters", "accounts/cafe-ole-roasters.yaml"),
    6: ("created", 'Summit "Peak" Outfitters', "accounts/summit-peak-outfitters.yaml"),
    7: (
        "skipped",
        None,
        "has 11 values, the header has 10 (an unquoted comma in a value?)",
    ),
    8: ("skipped", "Evergreen Mills", "Contract End Date: '02/30/2027' is not a real date"),
    9: ("skipped", None, "no account name (Account Name is empty)"),
    10: (
        "skipped",
        "Foxglove Clinics",
        "tier 'Strategic' is not A, B or C (A/B/C, 1/2/3, High/Medium/Low and "
        'Gold/Silver/Bronze are understood; or --map "COLUMN=-" to ignore the column)',
    ),
    11: ("skipped", None, "blank row"),
    12: ("skipped", None, "bad quoting: ',' expected after '\"'" + QUOTE_HINT),
    13: ("created", "Harbor Freightways", "accounts/harbor-freightways.yaml"),
    14: ("skipped", "ACME Corp", "same account as line 2"),
}


def test_salesforce_export(root: Path, run: Callable[..., Run]) -> None:
    result = run("import", str(SALESFORCE), "--format", "json")
    assert result.exit_code == 1  # rows were skipped for bad data
    report = json.loads(result.stdout)
    assert report["encoding"] == "utf-8"  # the BOM is gone, not part of the first column
    assert report["columns"] == {
        "Account Name": "name",
        "Account Owner": "owner",
        "Annual Revenue": "value",
        "Phone": "phone",
        "Customer Since": "since",
        "Contract End Date": "renewal",
        "Account Priority": "tier",
        "Primary Contact": "contact",
    }
    assert report["ignored_columns"] == ["Billing City", "Type"]
    assert report["date_order"] == "mdy"
    assert report["counts"] == {"created": 5, "would-create": 0, "present": 0, "skipped": 8}
    assert rows_of(result) == SALESFORCE_ROWS
    files = snapshot(root)
    assert sorted(files) == sorted(r[2] for r in SALESFORCE_ROWS.values() if r[0] == "created")
    assert files["accounts/acme-corp.yaml"] == (
        b"name: Acme Corp\n"
        b"tier: A\n"
        b"owner: Dana Whitaker\n"
        b"since: 2019-03-15\n"
        b"renewal: 2027-03-31\n"
        b"value: 1250000\n"
        b"contacts:\n"
        b"  - name: Jane Smith\n"
        b"    phone: (555) 010-0100\n"
        b"history:\n"
    )
    assert files["accounts/baker-lowe-sons.yaml"] == (
        b"name: Baker, Lowe & Sons\n"
        b"tier: B\n"
        b"owner: Sam Ortiz\n"
        b"since: 2024-11-02\n"
        b"renewal: 2027-01-15\n"
        b"value: 480000\n"
        b"contacts:\n"
        b"  - name: Main contact\n"
        b'    phone: "+1 555 0101"\n'
        b"history:\n"
    )
    book = load_book(root)
    assert book.problems == []
    by_slug = book.by_slug()
    cafe = by_slug["cafe-ole-roasters"]
    assert (cafe.name, cafe.tier.value, cafe.since, cafe.renewal, cafe.value) == (
        "Café Olé Roasters",
        "C",
        date(2023, 7, 4),  # 7/4/2023 read month first, as the file's other dates show
        date(2026, 12, 31),
        95000.0,
    )
    assert by_slug["summit-peak-outfitters"].contacts == ()


def test_salesforce_table_output(root: Path, run: Callable[..., Run]) -> None:
    result = run("import", str(SALESFORCE))
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith("Import of salesforce_accounts.csv\n")
    assert "Ignored columns: Billing City, Type\n" in out
    assert "    2   Acme Corp " in out and " created " in out
    assert "    8   Evergreen Mills " in out
    assert "'02/30/2027' is not a real date" in out
    assert out.rstrip().endswith("5 created, 0 already present, 8 skipped")


def test_hubspot_export_dry_run_then_real(root: Path, run: Callable[..., Run]) -> None:
    dry = run("import", str(HUBSPOT), "--dry-run", "--format", "json")
    assert dry.exit_code == 1
    assert snapshot(root) == {}
    expected = {
        2: ("would-create", "Globex Industries", "accounts/globex-industries.yaml"),
        3: ("would-create", "Initech, LLC", "accounts/initech-llc.yaml"),
        4: ("skipped", None, "blank row"),
        5: ("would-create", "Umbrella Health", "accounts/umbrella-health.yaml"),
        6: (
            "skipped",
            "Hooli",
            "Annual Revenue: 'not disclosed' is not an amount (write digits, e.g. 120000)",
        ),
        7: ("skipped", "Vandelay Imports", "Create Date: '2024-13-01 10:00' is not a real date"),
        8: ("skipped", None, "has 8 values, the header has 9"),
        9: ("would-create", 'Wayne "Bat" Supplies', "accounts/wayne-bat-supplies.yaml"),
        10: ("skipped", None, "blank row"),
    }
    assert rows_of(dry) == expected
    assert json.loads(dry.stdout)["ignored_columns"] == ["Record ID", "Lifecycle Stage"]
    real = run("import", str(HUBSPOT), "--format", "json")
    assert rows_of(real) == {
        line: (status.replace("would-create", "created"), name, where)
        for line, (status, name, where) in expected.items()
    }
    accounts = load_book(root).by_slug()
    globex = accounts["globex-industries"]
    assert (globex.tier.value, globex.owner, globex.since, globex.renewal, globex.value) == (
        "A",
        "Morgan Lee",
        date(2021, 6, 1),
        date(2027, 6, 30),
        2500000.0,
    )
    assert accounts["initech-llc"].tier.value == "B"  # "medium"
    umbrella = accounts["umbrella-health"]
    assert (umbrella.value, umbrella.renewal) == (None, None)
    assert accounts["wayne-bat-supplies"].value == 1500000.0


def test_rerun_creates_nothing_and_changes_nothing(root: Path, run: Callable[..., Run]) -> None:
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
        13: "accounts/harbor-freightways.yaml",
        14: "accounts/acme-corp.yaml",  # "ACME Corp": the same slug
    }
    table = run("import", str(SALESFORCE))
    assert table.stdout.rstrip().endswith("0 created, 6 already present, 7 skipped")


def test_existing_account_by_name_or_slug_in_any_folder(
    root: Path, write_account: Callable[..., Path], run: Callable[..., Run]
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
    root: Path, run: Callable[..., Run], tmp_path: Path
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
        renewal: 2027-03-31
        value: 1250000.5
        notes: Zahlt pünktlich; mag Anrufe vor 9
        contacts:
          - name: Frau Keller
            phone: "+49 30 1234567"
        history:
        """
    )


def test_map_can_ignore_a_column_and_rename_one(
    root: Path, run: Callable[..., Run], tmp_path: Path
) -> None:
    source = tmp_path / "a.csv"
    source.write_text(
        "Account Name,Account Priority,Region\nFoxglove Clinics,Strategic,north\n", encoding="utf-8"
    )
    bad = run("import", str(source), "--format", "json")
    assert bad.exit_code == 1 and rows_of(bad)[2][0] == "skipped"
    good = run("import", str(source), "-m", "Account Priority=-", "-m", "region=notes")
    assert good.exit_code == 0
    assert (root / "accounts/foxglove-clinics.yaml").read_text() == (
        "name: Foxglove Clinics\ntier: C\nnotes: north\nhistory:\n"
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
    ],
)
def test_usage_errors_write_nothing(
    root: Path, run: Callable[..., Run], args: list[str], message: str
) -> None:
    result = run("import", str(SALESFORCE), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert snapshot(root) == {}


def test_no_name_column(root: Path, run: Callable[..., Run], tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("Firm,Owner\nAcme,dana\n", encoding="utf-8")
    result = run("import", str(source))
    assert result.exit_code == 2
    assert "no column holds the account name" in result.stderr
    assert 'use --map "COLUMN=name"' in result.stderr
    assert run("import", str(source), "--map", "Firm=name").exit_code == 0
    assert (
        root / "accounts/acme.yaml"
    ).read_text() == "name: Acme\ntier: C\nowner: dana\nhistory:\n"


def test_ambiguous_dates_are_row_errors_until_the_order_is_given(
    root: Path, run: Callable[..., Run], tmp_path: Path
) -> None:
    source = tmp_path / "uk.csv"
    source.write_text(
        "Account Name,Contract End Date\nAlpha,03/04/2027\nBeta,05/05/2027\n", encoding="utf-8"
    )
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 1
    assert rows_of(result) == {
        2: (
            "skipped",
            "Alpha",
            "Contract End Date: '03/04/2027' is ambiguous: 3/4 could be month/day or "
            "day/month (pass --date-order mdy (US) or dmy)",
        ),
        3: ("created", "Beta", "accounts/beta.yaml"),  # the 5th of May either way
    }
    assert run("import", str(source), "--date-order", "dmy").exit_code == 0
    assert "renewal: 2027-04-03\n" in (root / "accounts/alpha.yaml").read_text()


def test_day_first_file_is_recognised(root: Path, run: Callable[..., Run], tmp_path: Path) -> None:
    source = tmp_path / "uk.csv"
    source.write_text(
        "Account Name,Customer Since,Contract End Date\nAlpha,03/04/2020,25/12/2027\n",
        encoding="utf-8",
    )
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["date_order"] == "dmy"
    text = (root / "accounts/alpha.yaml").read_text()
    assert "since: 2020-04-03\nrenewal: 2027-12-25\n" in text


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2027-03-31", None, date(2027, 3, 31)),
        ("2027-3-1", None, date(2027, 3, 1)),
        ("2024-02-01 10:00", None, date(2024, 2, 1)),
        ("2024-02-01 10:00:59", None, date(2024, 2, 1)),
        ("2024-02-01T10:00:00Z", None, date(2024, 2, 1)),
        ("2024-02-01T10:00:00+01:00", None, date(2024, 2, 1)),
        ("03/31/2027", None, date(2027, 3, 31)),
        ("3/31/2027 9:30 AM", None, date(2027, 3, 31)),
        ("31/03/2027", None, date(2027, 3, 31)),
        ("03/04/2027", "mdy", date(2027, 3, 4)),
        ("03/04/2027", "dmy", date(2027, 4, 3)),
        ("31.03.2027", None, date(2027, 3, 31)),
        ("1.3.2027 08:15", None, date(2027, 3, 1)),
        ("15-Mar-2027", None, date(2027, 3, 15)),
        ("Mar 15, 2027", None, date(2027, 3, 15)),
        ("15 March 2027", None, date(2027, 3, 15)),
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
        ("next week", None, "'next week' is not a date"),
        ("2027/03/31", None, "'2027/03/31' is not a date"),
    ],
)
def test_bad_export_dates(text: str, order: str | None, message: str) -> None:
    with pytest.raises(RowError) as caught:
        parse_export_date(text, order)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120000", 120000.0),
        ("$1,250,000.00", 1250000.0),
        ("1.250.000,00 €", 1250000.0),
        ("1,250,000", 1250000.0),
        ("1250,50", 1250.5),
        ("USD 98000", 98000.0),
        ("95,000", 95000.0),
        ("0", 0.0),
    ],
)
def test_amounts(text: str, expected: float) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["n/a", "-5000", "12-34", ""])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(RowError):
        parse_amount(text)


def test_a_row_that_cannot_be_written_leaves_the_others_whole(
    root: Path, run: Callable[..., Run]
) -> None:
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
    root: Path, run: Callable[..., Run], tmp_path: Path, data: bytes, encoding: str
) -> None:
    source = tmp_path / "e.csv"
    source.write_bytes(data)
    result = run("import", str(source), "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["encoding"] == encoding
    assert load_book(root).by_slug()["cafe-ole"].name == "Café Olé"


def test_folder_option(root: Path, run: Callable[..., Run]) -> None:
    result = run("import", str(HUBSPOT), "--folder", "West Coast")
    assert result.exit_code == 1
    assert (root / "accounts/west-coast/globex-industries.yaml").is_file()


def test_control_characters_and_newlines_in_names_are_refused(
    root: Path, run: Callable[..., Run], tmp_path: Path
) -> None:
    source = tmp_path / "c.csv"
    source.write_text(
        'Account Name,Owner\n"Two\nLines",dana\nEvil\x1b[2J,dana\nFine,dana\n', encoding="utf-8"
    )
    rows = rows_of(run("import", str(source), "--format", "json"))
    assert rows[2][0] == "skipped" and "newline" in str(rows[2][2])
    assert rows[4][0] == "skipped" and "U+001B" in str(rows[4][2])
    assert rows[5] == ("created", "Fine", "accounts/fine.yaml")


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(names, st.integers(0, 10**7)), min_size=1, max_size=5))
def test_any_row_becomes_a_valid_file_or_a_reason_and_reruns_are_no_ops(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, int]]
) -> None:
    from typer.testing import CliRunner

    from touchplan.cli import app

    root = tmp_path_factory.mktemp("prop")
    (root / "accounts").mkdir()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Company name", "Annual Revenue"])
    writer.writerows(rows)
    source = root / "in.csv"
    source.write_text(buffer.getvalue(), encoding="utf-8")

    def invoke() -> dict[str, object]:
        argv = ["import", str(source), "--format", "json", "--dir", str(root)]
        result = CliRunner().invoke(app, argv, catch_exceptions=False)
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    first = invoke()
    book = load_book(root)
    assert book.problems == []
    created = {r["file"]: r["name"] for r in first["rows"] if r["status"] == "created"}  # type: ignore[attr-defined]
    assert {a.file: a.name for a in book.accounts} == created
    for row in first["rows"]:  # type: ignore[attr-defined]
        assert row["status"] in ("created", "skipped") and (row["file"] or row["reason"])
    before = snapshot(root)
    second = invoke()
    assert second["counts"]["created"] == 0  # type: ignore[index]
    assert snapshot(root) == before
