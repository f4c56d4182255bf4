"""The date forms `import` reads are accepted on the command line too: `add`, `log --date`
and `--next`; a date whose day order is open is refused with how to write it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import Run
from touchplan.dates import split_date
from touchplan.errors import UsageError

RunFn = Callable[..., Run]
TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("01/20/2027", "2027-01-20"),
        ("20/01/2027", "2027-01-20"),
        ("20.01.2027", "2027-01-20"),
        ("15-Mar-2027", "2027-03-15"),
        ("Mar 15, 2027", "2027-03-15"),
        ("2027-03-15T09:30:00.000Z", "2027-03-15"),
        ("2027-03-15T09:30:00+0100", "2027-03-15"),
        ("05/05/2027", "2027-05-05"),  # the same day either way
    ],
)
def test_add_takes_export_date_forms(root: Path, run: RunFn, given: str, written: str) -> None:
    result = run("add", "Acme", "--tier", "B", "--since", given, "--renewal", given)
    assert result.exit_code == 0, result.stderr
    assert (root / "accounts/acme.yaml").read_text() == (
        f"name: Acme\ntier: B\nsince: {written}\nadded: 2026-11-24\nrenewal: {written}\nhistory:\n"
    )


def test_an_open_day_order_is_a_usage_error(root: Path, run: RunFn) -> None:
    result = run("add", "Acme", "--tier", "B", "--renewal", "03/04/2027")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --renewal: '03/04/2027' could be March 4 or 3 April (write it as YYYY-MM-DD)"
    )
    assert not (root / "accounts/acme.yaml").exists()


def test_log_date_and_next_take_export_date_forms(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    path = write_account("acme", "name: Acme\ntier: B\nhistory:\n")
    result = run(
        "log",
        "acme",
        "Called",
        "--date",
        "2026-11-20T16:05:00Z",
        "--next",
        "Jan 20, 2027 Send  the quote",
    )
    assert result.exit_code == 0, result.stderr
    assert path.read_text().endswith(
        "history:\n"
        "  - date: 2026-11-20\n"
        "    kind: call\n"
        "    summary: Called\n"
        "    next: 2027-01-20 Send  the quote\n"
    )
    again = run("log", "acme", "Mailed", "--kind", "email", "--next", "20.01.2027 Call back")
    assert again.exit_code == 0
    assert path.read_text().endswith("    next: 2027-01-20 Call back\n")


def test_log_refuses_an_open_day_order(
    root: Path, write_account: Callable[..., Path], run: RunFn
) -> None:
    path = write_account("acme", "name: Acme\ntier: B\nhistory:\n")
    result = run("log", "acme", "Hi", "--next", "3/4/2027 Call back")
    assert result.exit_code == 2
    assert "--next: '3/4/2027' could be March 4 or 3 April (write it as YYYY-MM-DD)" in (
        result.stderr
    )
    assert path.read_text() == "name: Acme\ntier: B\nhistory:\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday Send quote", (date(2026, 11, 27), "Send quote")),
        ("Mar 15, 2027 Send the quote", (date(2027, 3, 15), "Send the quote")),
        ("15 March 2027 Call", (date(2027, 3, 15), "Call")),
        ("2027-01-20", (date(2027, 1, 20), "")),
        ("  tomorrow   x  ", (date(2026, 11, 25), "x")),
        ("+2w Review\nthe plan", (date(2026, 12, 8), "Review\nthe plan")),
    ],
)
def test_split_date(text: str, expected: tuple[date, str]) -> None:
    assert split_date(text, TODAY, "--next") == expected


@pytest.mark.parametrize("text", ["someday Call", "", "3/4/2027 9:30 AM Call"])
def test_split_date_errors(text: str) -> None:
    with pytest.raises(UsageError):
        split_date(text, TODAY, "--next")
