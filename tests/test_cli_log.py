"""`touchplan log`: one entry appended, nothing else in the file touched.

Today is Tuesday 2026-11-24. ODD is a hand-edited file: comments, odd quoting and
indents, blank lines, a `|` block summary in the last entry, and keys after `history`.
Its open items after any contact logged today (tier B, no `since`): touch 2026-12-24
(+30 d), review 2027-03-30 (first entry 2026-10-01 + 180 d), visit 2027-05-03 (visit
2026-11-02 + 180 d = Sat 2027-05-01), renewal from Mon 2027-05-03 (60 d before
2027-06-30 is a Saturday). Ranked by score: renewal 75, review 40, visit 35, touch 25.
The visit's thank-you is closed by the 2026-11-03 thank-you.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import Run
from touchplan.cli import app

RunFn = Callable[..., Run]

ODD = (
    "# Odd Co - hand edited, keep comments.\n"
    "name:   'Odd Co'   # single-quoted, extra spaces\n"
    'tier: "B"\n'
    "owner: dana\n"
    "\n"
    "contacts:\n"
    "    - name: Jane Smith      # four-space indent\n"
    '      role: "VP, Ops"\n'
    "      phone: '+1 555 0100'\n"
    "    - name: Raj Patel\n"
    "history:\n"
    "    # first contact\n"
    "    -   date: 2026-10-01\n"
    "        kind: call\n"
    '        summary: "Intro call"\n'
    "\n"
    "    -   date: 2026-11-02\n"
    "        kind: visit\n"
    "        with: Jane Smith\n"
    "        summary: Site visit.\n"
    "    -   date: 2026-11-03\n"
    "        kind: thank-you\n"
    "        summary: |\n"
    "          Thanked Jane.\n"
    "          Two lines.\n"
    "\n"
    "# trailing remarks\n"
    "notes: >\n"
    "  Folded notes\n"
    "  here.\n"
    "renewal: 2027-06-30  # contract\n"
)
# Where a new entry goes: after the last entry, whose `|` block takes the blank line.
ODD_END_OF_HISTORY = "          Two lines.\n\n"


def with_entry(entry: str, before: str = ODD) -> bytes:
    """ODD with ``entry`` spliced in after the last history entry."""
    head, sep, tail = before.partition(ODD_END_OF_HISTORY)
    assert sep, "the splice point is in the file"
    return (head + sep + entry + tail).encode()


@pytest.fixture
def odd(write_account: Callable[..., Path]) -> Path:
    return write_account("odd", ODD.encode())


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def show_json(run: RunFn, account: str, *args: str) -> dict[str, Any]:
    result = run("show", account, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# -- the bytes ------------------------------------------------------------------------


def test_log_appends_exactly_one_entry_and_keeps_everything_else(odd: Path, run: RunFn) -> None:
    result = run("log", "odd", "Called Jane", "--with", "jane", "--next", "friday Send quote")
    assert result.exit_code == 0, result.stderr
    assert odd.read_bytes() == with_entry(
        "    -   date: 2026-11-24\n"
        "        kind: call\n"
        "        with: Jane Smith\n"
        "        summary: Called Jane\n"
        "        next: 2026-11-27 Send quote\n"
    )
    assert result.stderr == ""
    assert lines(result.stdout) == [
        "Logged call with Jane Smith on 2026-11-24 → accounts/odd.yaml",
        "Next: follow-up qknyc — Send quote (due 2026-11-27)",
        "Still open:",
        "  2026-11-27  follow-up qknyc: Send quote",
    ]


def test_history_last_key_old_bytes_are_a_prefix(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    old = (
        "name: Plain\n"
        "tier: C\n"
        "history:\n"
        "- date: 2026-10-01   # dash at column 0\n"
        "  kind: call\n"
        "  summary: 'It''s fine'\n"
        "  # a comment after the last entry stays after it\n"
    )
    path = write_account("plain", old.encode())
    assert run("log", "plain", "Quick hello", "--kind", "email").exit_code == 0
    assert path.read_bytes() == (
        b"name: Plain\n"
        b"tier: C\n"
        b"history:\n"
        b"- date: 2026-10-01   # dash at column 0\n"
        b"  kind: call\n"
        b"  summary: 'It''s fine'\n"
        b"- date: 2026-11-24\n"
        b"  kind: email\n"
        b"  summary: Quick hello\n"
        b"  # a comment after the last entry stays after it\n"
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(
            b"name: N\ntier: C\n",
            b"name: N\ntier: C\nhistory:\n  - date: 2026-11-24\n    kind: note\n    summary: Hi\n",
            id="no-history-key",
        ),
        pytest.param(
            b"name: N\ntier: C\nhistory:\nowner: x\n",
            b"name: N\ntier: C\nhistory:\n  - date: 2026-11-24\n    kind: note\n"
            b"    summary: Hi\nowner: x\n",
            id="empty-history",
        ),
        pytest.param(
            b"name: N\r\ntier: C\r\nhistory:\r\n  - {date: 2026-10-01, kind: call}\r\n",
            b"name: N\r\ntier: C\r\nhistory:\r\n  - {date: 2026-10-01, kind: call}\r\n"
            b"  - date: 2026-11-24\r\n    kind: note\r\n    summary: Hi\r\n",
            id="crlf-flow-entry",
        ),
        pytest.param(
            b"\xef\xbb\xbfname: N\ntier: C\nhistory:\n  - date: 2026-10-01\n    kind: call",
            b"\xef\xbb\xbfname: N\ntier: C\nhistory:\n  - date: 2026-10-01\n    kind: call\n"
            b"  - date: 2026-11-24\n    kind: note\n    summary: Hi",
            id="bom-no-final-newline",
        ),
        pytest.param(
            b"name: N\ntier: C\nhistory:\n  - date: 2026-10-01\n    kind: call\n"
            b"    summary: |+\n      keep\n\n\n",
            b"name: N\ntier: C\nhistory:\n  - date: 2026-10-01\n    kind: call\n"
            b"    summary: |+\n      keep\n\n\n  - date: 2026-11-24\n    kind: note\n"
            b"    summary: Hi\n",
            id="keep-chomping-block",
        ),
    ],
)
def test_layouts(write_account: Callable[..., Path], run: RunFn, old: bytes, new: bytes) -> None:
    path = write_account("n", old)
    result = run("log", "n", "Hi", "--kind", "note")
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == new


def test_file_mode_is_kept(odd: Path, run: RunFn) -> None:
    odd.chmod(0o640)
    assert run("log", "odd", "Hi").exit_code == 0
    assert odd.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in odd.parent.iterdir()) == ["odd.yaml"]  # no temp files left


def test_block_scalar_at_eof_without_newline_is_refused_untouched(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    # Appending would add a line break to the block's text: not pure addition, so refused.
    old = (
        b"name: N\ntier: C\nhistory:\n  - date: 2026-10-01\n    kind: call\n    summary: |\n      a"
    )
    path = write_account("n", old)
    result = run("log", "n", "Hi")
    assert result.exit_code == 1
    assert path.read_bytes() == old
    assert "line break" in result.stderr
    assert "please report" not in result.stderr


# -- what gets written ------------------------------------------------------------------


def test_summary_quoting_and_multiline(odd: Path, run: RunFn) -> None:
    summary = 'Said: "no" #1\nthen yes'
    assert run("log", "odd", summary).exit_code == 0
    assert odd.read_bytes() == with_entry(
        "    -   date: 2026-11-24\n"
        "        kind: call\n"
        '        summary: "Said: \\"no\\" #1\\nthen yes"\n'
    )
    assert show_json(run, "odd")["history"][-1]["summary"] == summary


def test_no_summary_off_a_terminal_is_refused(odd: Path, run: RunFn) -> None:
    # CliRunner's stdin is not a terminal, so there is no prompt: an entry must say what
    # happened, or it is no use in the diary
    result = run("log", "odd", "--kind", "note", input="")
    assert result.exit_code == 2
    assert lines(result.stderr) == [
        'error: say what happened (e.g. touchplan log acme "Sent the quote")'
    ]
    assert odd.read_bytes() == ODD.encode()


def test_with_unknown_person_warns_and_keeps_the_name(odd: Path, run: RunFn) -> None:
    result = run("log", "odd", "Met the new CFO", "--kind", "meeting", "--with", "Bob Lee")
    assert result.exit_code == 0
    assert lines(result.stderr) == ["note: 'Bob Lee' is not among Odd Co's contacts"]
    assert odd.read_bytes() == with_entry(
        "    -   date: 2026-11-24\n"
        "        kind: meeting\n"
        "        with: Bob Lee\n"
        "        summary: Met the new CFO\n"
    )


@pytest.mark.parametrize(("given", "written"), [("raj", "Raj Patel"), ("JANE SMITH", "Jane Smith")])
def test_with_matches_a_contact(odd: Path, run: RunFn, given: str, written: str) -> None:
    result = run("log", "odd", "x", "--with", given)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert show_json(run, "odd")["history"][-1]["with"] == written


def test_past_date(odd: Path, run: RunFn) -> None:
    result = run("log", "odd", "Called last week", "--date", "2026-11-17")
    assert result.exit_code == 0
    assert lines(result.stdout)[0] == "Logged call on 2026-11-17 → accounts/odd.yaml"
    assert odd.read_bytes() == with_entry(
        "    -   date: 2026-11-17\n        kind: call\n        summary: Called last week\n"
    )


# -- follow-ups, problems, renewals ------------------------------------------------------


def test_done_by_id_closes_the_promise_and_says_so(odd: Path, run: RunFn) -> None:
    assert run("log", "odd", "Called", "--next", "friday Send quote").exit_code == 0
    result = run("log", "odd", "Sent quote", "--kind", "email", "--done", "qknyc")
    assert result.exit_code == 0
    assert odd.read_bytes() == with_entry(
        "    -   date: 2026-11-24\n"
        "        kind: call\n"
        "        summary: Called\n"
        "        next: 2026-11-27 Send quote\n"
        "    -   date: 2026-11-24\n"
        "        kind: email\n"
        "        summary: Sent quote\n"
        "        done: [qknyc]\n"
    )
    assert lines(result.stdout) == [
        "Logged email on 2026-11-24 → accounts/odd.yaml",
        "Closed follow-up qknyc: Send quote",
        "Next: touch xbewj — Check in (due 2026-12-24)",
    ]
    # nothing is due: in rank order, how close each is to its date
    assert [i["kind"] for i in show_json(run, "odd")["items"]] == [
        "review",
        "renewal",
        "visit",
        "stakeholder",  # only Jane is named so far: a second stakeholder in 158 days
        "touch",
    ]


def test_bare_done_never_closes_a_promise_not_yet_due(odd: Path, run: RunFn) -> None:
    assert run("log", "odd", "Called", "--next", "friday Send quote").exit_code == 0
    result = run("log", "odd", "Sent quote", "--kind", "email", "--done")
    assert result.exit_code == 0
    assert lines(result.stderr) == [
        "note: --done found nothing due to close; nothing was marked done"
    ]
    assert odd.read_text(encoding="utf-8").count("done:") == 0
    assert "qknyc" in [i["id"] for i in show_json(run, "odd")["items"]]


F_PROMISES = """
    name: F
    tier: C
    contacts:
      - name: Hal Brennan
      - name: Renee Castillo
    history:
      - date: 2026-11-01
        kind: call
        with: Hal Brennan
        next: 2026-11-10 Send the brochure
      - date: 2026-11-02
        kind: email
        with: Renee Castillo
        next: 2026-11-20 Confirm the credit note
      - date: 2026-11-03
        kind: email
        next: 2026-12-15 Ask for a referral
"""


def test_bare_done_with_several_due_lists_them_and_writes_nothing(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    path = write_account("f", F_PROMISES)
    before = path.read_bytes()
    result = run("log", "f", "Sent and called", "--done")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert lines(result.stderr) == [
        "error: --done could mean any of these; nothing was written (say which: --done ID)",
        "  djj65  follow-up: Send the brochure (due 2026-11-10)",
        "  ny3rq  follow-up: Confirm the credit note (due 2026-11-20)",
    ]
    assert path.read_bytes() == before


def test_bare_done_with_the_contact_closes_only_their_promise(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    write_account("f", F_PROMISES)
    result = run("log", "f", "Sent the brochure", "--with", "hal", "--done")
    assert result.exit_code == 0
    assert lines(result.stdout) == [
        "Logged call with Hal Brennan on 2026-11-24 → accounts/f.yaml",
        "Closed follow-up djj65: Send the brochure",
        "Next: follow-up ny3rq — Confirm the credit note (due 2026-11-20)",
        "Still open:",
        "  2026-11-20  follow-up ny3rq: Confirm the credit note",
        "  2026-12-15  follow-up dg4ae: Ask for a referral",
    ]


def test_done_with_several_ids_closes_exactly_those(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    path = write_account("f", F_PROMISES)
    result = run("log", "f", "Both done", "--done", "djj65", "--done", "dg4ae")
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8").endswith("    done: [djj65, dg4ae]\n")
    assert [i["id"] for i in show_json(run, "f")["items"] if i["kind"] == "follow-up"] == ["ny3rq"]


def test_an_unknown_id_writes_nothing_and_lists_the_open_ones(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    path = write_account("f", F_PROMISES)
    before = path.read_bytes()
    result = run("log", "f", "Hm", "--done", "zzzzz")
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        "error: no open item 'zzzzz'; nothing was written (open: djj65 (follow-up), ny3rq "
        "(follow-up), dg4ae (follow-up), 1b0ny (touch), y72cd (review))"
    ]
    assert path.read_bytes() == before


def test_problem_then_resolved_tightens_the_cadence(
    odd: Path, run: RunFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("log", "odd", "Delivery late", "--with", "Jane", "--problem", "Late delivery")
    assert result.exit_code == 0
    assert odd.read_bytes() == with_entry(
        "    -   date: 2026-11-24\n"
        "        kind: call\n"
        "        with: Jane Smith\n"
        "        summary: Delivery late\n"
        "        problem: Late delivery\n"
    )
    # a first response the next working day
    assert lines(result.stdout) == [
        "Logged call with Jane Smith on 2026-11-24 → accounts/odd.yaml",
        "Next: problem b5nqp — Work the open problem: Late delivery (due 2026-11-25)",
        "Still open:",
        "  2026-11-25  problem b5nqp: Work the open problem: Late delivery",
    ]
    monkeypatch.setenv("TOUCHPLAN_TODAY", "2026-11-26")
    result = run("log", "odd", "Delivered", "--resolved")
    assert result.exit_code == 0
    assert odd.read_text(encoding="utf-8").endswith(
        "        problem: Late delivery\n"
        "    -   date: 2026-11-26\n"
        "        kind: call\n"
        "        summary: Delivered\n"
        "        resolved: [b5nqp]\n" + ODD[ODD.index("# trailing") :]
    )
    assert lines(result.stdout)[1] == "Resolved problem b5nqp: Work the open problem: Late delivery"
    # B every 30 days, halved to 15 for 90 days after the resolution: due Fri 2026-12-11
    assert lines(result.stdout)[2] == "Next: touch pnej8 — Check in (due 2026-12-11)"
    touch = [i for i in show_json(run, "odd")["items"] if i["kind"] == "touch"]
    assert touch[0]["reasons"] == [
        "last contact 2026-11-26 (call); tier B every 15 days",
        "problem resolved on 2026-11-26: cadence tightened 30 → 15 days for 90 days",
    ]


def test_renewal_moves_the_renewal_date_in_place(odd: Path, run: RunFn) -> None:
    result = run(
        "log", "odd", "Renewed for a year", "--kind", "renewal", "--renewal-date", "2028-06-30"
    )
    assert result.exit_code == 0, result.stderr
    expected = with_entry(
        "    -   date: 2026-11-24\n"
        "        kind: renewal\n"
        "        summary: Renewed for a year\n"
        "        renewal: 2028-06-30\n"
    ).replace(b"renewal: 2027-06-30  # contract\n", b"renewal: 2028-06-30  # contract\n")
    assert odd.read_bytes() == expected
    assert lines(result.stdout) == [
        "Logged renewal on 2026-11-24 → accounts/odd.yaml",
        "Renewal date moved to 2028-06-30",
        "Next: touch xbewj — Check in (due 2026-12-24)",
    ]
    data = show_json(run, "odd")
    assert data["renewal"] == "2028-06-30"
    # the next renewal's conversation starts 60 days before the new date: Mon 2028-05-01
    renewal = [i for i in data["items"] if i["kind"] == "renewal"]
    assert [(i["due"], i["stage"], i["progress"]) for i in renewal] == [
        ("2028-05-01", "60", "not started")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--renewal-date", "2027-12-31"],
            "error: --renewal-date goes with --kind renewal",
        ),
        (
            ["--kind", "renewal", "--renewal-date", "2026-11-01"],
            "error: --renewal-date 2026-11-01 is not after the touch",
        ),
        (
            ["--date", "2026-11-25"],
            "error: --date 2026-11-25 is in the future (log records touches that happened; "
            "promise future ones with --next)",
        ),
        (["--date", "tomorrow"], None),
        (["--date", "+1d"], None),
        (["--kind", "chat"], None),
        (
            ["--next", "friday"],
            'error: --next needs a date and an action (e.g. --next "friday Send the quote" or '
            '--next "2027-01-12 visit: Plant tour")',
        ),
        (
            ["--next", "2026-11-01 Too late", "--date", "2026-11-10"],
            "error: --next 2026-11-01 is before the touch itself",
        ),
        (["--next", "someday Call back"], None),
    ],
)
def test_bad_usage_exits_2_and_writes_nothing(
    odd: Path, run: RunFn, args: list[str], message: str | None
) -> None:
    result = run("log", "odd", "Hi", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert odd.read_bytes() == ODD.encode()
    if message:
        assert " ".join(result.stderr.split()) == message


def test_control_characters_are_refused(odd: Path, run: RunFn) -> None:
    result = run("log", "odd", "evil \x1b[2J summary")
    assert result.exit_code == 2
    assert lines(result.stderr) == [
        "error: the summary contains the control character U+001B (remove it and try again)"
    ]
    assert odd.read_bytes() == ODD.encode()


# -- naming the account ----------------------------------------------------------------

SIMPLE = "name: {name}\ntier: C\nhistory:\n  - date: 2026-10-01\n    kind: call\n"
APPENDED = "  - date: 2026-11-24\n    kind: call\n    summary: Hi\n"


@pytest.fixture
def named(write_account: Callable[..., Path]) -> dict[str, Path]:
    return {
        "acme": write_account("acme", SIMPLE.format(name="Acme Corp").encode()),
        "acme-west": write_account("acme-west", SIMPLE.format(name="Acme West").encode()),
        "globex": write_account("globex", SIMPLE.format(name="Globex").encode(), folder="east"),
        "initech": write_account("initech", SIMPLE.format(name="Initech Ltd").encode()),
    }


@pytest.mark.parametrize(
    ("given", "slug"),
    [
        ("acme", "acme"),  # exact slug, though it prefixes acme-west too
        ("acme-w", "acme-west"),  # unique slug prefix
        ("ACME CORP", "acme"),  # name, any case
        ("acme west", "acme-west"),
        ("glo", "globex"),  # in a sub-folder
        ("Globex", "globex"),
        ("accounts/east/globex", "globex"),
        ("  initech  ", "initech"),
        ("initech ltd", "initech"),
    ],
)
def test_resolution(named: dict[str, Path], run: RunFn, given: str, slug: str) -> None:
    before = {k: p.read_bytes() for k, p in named.items()}
    result = run("log", given, "Hi")
    assert result.exit_code == 0, result.stderr
    for key, path in named.items():
        expected = before[key] + APPENDED.encode() if key == slug else before[key]
        assert path.read_bytes() == expected


@pytest.mark.parametrize("given", ["east/globex", "accounts/east/globex.yaml"])
def test_resolution_by_sub_folder_path(named: dict[str, Path], run: RunFn, given: str) -> None:
    result = run("log", given, "Hi")
    assert result.exit_code == 0, result.stderr


def test_ambiguous_name_lists_candidates(named: dict[str, Path], run: RunFn) -> None:
    before = {k: p.read_bytes() for k, p in named.items()}
    result = run("log", "acm", "Hi")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert lines(result.stderr) == [
        "error: 'acm' matches 2 accounts",
        "  accounts/acme-west.yaml",
        "  accounts/acme.yaml",
    ]
    assert {k: p.read_bytes() for k, p in named.items()} == before


def test_same_slug_in_two_folders_is_ambiguous(
    named: dict[str, Path], write_account: Callable[..., Path], run: RunFn
) -> None:
    # distinct names, so only the (shared) slug can match
    write_account("globex", SIMPLE.format(name="Globex East").encode(), folder="east")
    write_account("globex", SIMPLE.format(name="Globex West").encode(), folder="west")
    result = run("log", "globex", "Hi")
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        "error: 'globex' matches 2 accounts",
        "  accounts/east/globex.yaml",
        "  accounts/west/globex.yaml",
    ]
    # the folder path picks one
    assert run("log", "accounts/west/globex", "Hi").exit_code == 0


def test_prefix_of_the_accounts_folder_name_is_not_ambiguous(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    write_account("accent-lighting", SIMPLE.format(name="Accent Lighting").encode())
    write_account("globex", SIMPLE.format(name="Globex").encode())
    result = run("log", "acc", "Hi")
    assert result.exit_code == 0, result.stderr


def test_unknown_account(named: dict[str, Path], run: RunFn) -> None:
    result = run("log", "umbrella", "Hi")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert lines(result.stderr) == [
        "error: no account matches 'umbrella' (try `touchplan today --all` to list accounts)"
    ]


def test_broken_account_file_is_reported_not_edited(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    old = b"name: Broken\ntier: A\nhistory:\n  - date: 2026-13-01\n    kind: call\n"
    path = write_account("broken", old)
    result = run("log", "broken", "Hi")
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        "accounts/broken.yaml:4: history[0].date: '2026-13-01' is not a date (use YYYY-MM-DD)"
    ]
    assert path.read_bytes() == old


# -- property: a logged touch reloads as the old data plus that entry --------------------

SUMMARIES = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"), whitelist_characters="\n"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summary=SUMMARIES, with_=st.sampled_from([None, "jane", "Someone Else"]))
def test_any_summary_round_trips_and_only_adds_bytes(summary: str, with_: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        (data / "accounts").mkdir()
        path = data / "accounts" / "odd.yaml"
        path.write_bytes(ODD.encode())
        args = ["log", "odd", "--dir", str(data)]
        if with_:
            args += ["--with", with_]
        args += ["--", summary]  # a summary may start with a dash
        result = CliRunner().invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        new = path.read_bytes().decode()
        head, _, tail = ODD.partition(ODD_END_OF_HISTORY)
        assert new.startswith(head + ODD_END_OF_HISTORY)
        assert new.endswith(tail)
        shown = CliRunner().invoke(app, ["show", "odd", "-f", "json", "--dir", str(data)])
        history = json.loads(shown.stdout)["history"]
        assert len(history) == 4
        assert history[-1]["summary"] == unicodedata.normalize("NFC", summary.strip())
        assert history[-1]["date"] == "2026-11-24"
        assert history[-1]["with"] == {None: "", "jane": "Jane Smith"}.get(with_, with_)


def test_done_and_resolved_with_nothing_open_say_so(
    write_account: Callable[..., Path], run: RunFn
) -> None:
    path = write_account(
        "quiet", "name: Quiet Co\ntier: C\nhistory:\n  - date: 2026-11-02\n    kind: call\n"
    )
    result = run("log", "quiet", "All fine", "--done", "--resolved")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "note: --done found nothing due to close; nothing was marked done",
        "note: --resolved found no open problem; nothing was resolved",
    ]
    # the call is logged; a stray --done or --resolved adds nothing to it
    assert path.read_text().endswith(
        "  - date: 2026-11-24\n    kind: call\n    summary: All fine\n"
    )
