"""`touchplan log` splices one entry into the file: every other byte stays as it was.

Each layout below is a file as someone might write it by hand, and the exact bytes
`touchplan log acme "Sent the quote."` must leave (today is 2026-11-24).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from unicodedata import normalize

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run
from touchplan.files.edit import AppendEntry, Plain, apply_edit
from touchplan.files.schema import read_account

HEAD = "name: Acme Corp\ntier: A\n"
OLD = "  - date: 2026-11-20\n    kind: call\n"
NEW = "  - date: 2026-11-24\n    kind: call\n    summary: Sent the quote.\n"

LAYOUTS = {
    "history-last": (HEAD + "history:\n" + OLD, HEAD + "history:\n" + OLD + NEW),
    "history-not-last": (
        "name: Acme Corp\nhistory:\n" + OLD + "tier: A  # key order is kept\n",
        "name: Acme Corp\nhistory:\n" + OLD + NEW + "tier: A  # key order is kept\n",
    ),
    "no-trailing-newline": (
        HEAD + "history:\n" + OLD.rstrip("\n"),
        HEAD + "history:\n" + OLD + NEW.rstrip("\n"),
    ),
    "crlf-kept": (
        (HEAD + "history:\n" + OLD).replace("\n", "\r\n"),
        (HEAD + "history:\n" + OLD + NEW).replace("\n", "\r\n"),
    ),
    "cr-only-kept": (
        (HEAD + "history:\n" + OLD).replace("\n", "\r"),
        (HEAD + "history:\n" + OLD + NEW).replace("\n", "\r"),
    ),
    "bom-kept": ("\ufeff" + HEAD + "history:\n" + OLD, "\ufeff" + HEAD + "history:\n" + OLD + NEW),
    "four-spaces": (
        HEAD + "history:\n    - date: 2026-11-20\n      kind: call\n",
        HEAD + "history:\n    - date: 2026-11-20\n      kind: call\n"
        "    - date: 2026-11-24\n      kind: call\n      summary: Sent the quote.\n",
    ),
    "four-spaces-wide-dash": (
        HEAD + "history:\n    -   date: 2026-11-20\n        kind: call\n",
        HEAD + "history:\n    -   date: 2026-11-20\n        kind: call\n"
        "    -   date: 2026-11-24\n        kind: call\n        summary: Sent the quote.\n",
    ),
    "indentless": (
        HEAD + "history:\n- date: 2026-11-20\n  kind: call\n",
        HEAD + "history:\n- date: 2026-11-20\n  kind: call\n"
        "- date: 2026-11-24\n  kind: call\n  summary: Sent the quote.\n",
    ),
    "block-literal-last": (
        HEAD + "history:\n" + OLD + "    summary: |\n      Line one.\n      Line two.\n",
        HEAD + "history:\n" + OLD + "    summary: |\n      Line one.\n      Line two.\n" + NEW,
    ),
    "block-keep-last": (
        HEAD + "history:\n" + OLD + "    summary: |+\n      Kept.\n\n\n",
        HEAD + "history:\n" + OLD + "    summary: |+\n      Kept.\n\n\n" + NEW,
    ),
    "block-strip-no-newline": (
        HEAD + "history:\n" + OLD + "    summary: >-\n      Folded",
        HEAD + "history:\n" + OLD + "    summary: >-\n      Folded\n" + NEW.rstrip("\n"),
    ),
    "comment-after-list": (
        HEAD + "history:\n" + OLD + "# the end of the file\n",
        HEAD + "history:\n" + OLD + NEW + "# the end of the file\n",
    ),
    "comment-and-blank-inside": (
        HEAD + "history:\n" + OLD + "\n  # older entries archived\nowner: dana\n",
        HEAD + "history:\n" + OLD + NEW + "\n  # older entries archived\nowner: dana\n",
    ),
    "history-empty": (HEAD + "history:\n", HEAD + "history:\n" + NEW),
    "history-empty-commented": (
        HEAD + "history:   # newest last\nowner: dana\n",
        HEAD + "history:   # newest last\n" + NEW + "owner: dana\n",
    ),
    "history-tilde": (HEAD + "history: ~\n", HEAD + "history:\n" + NEW),
    "history-null": (
        HEAD + "history: null\nowner: dana\n",
        HEAD + "history:\n" + NEW + "owner: dana\n",
    ),
    "history-flow-empty": (HEAD + "history: []\n", HEAD + "history:\n" + NEW),
    "history-missing": (HEAD, HEAD + "history:\n" + NEW),
    "history-missing-no-newline": (HEAD.rstrip("\n"), HEAD + "history:\n" + NEW.rstrip("\n")),
    "history-missing-document-end": (
        "---\n" + HEAD + "...\n",
        "---\n" + HEAD + "history:\n" + NEW + "...\n",
    ),
    "history-tagged": (
        HEAD + "history: !!seq\n" + OLD,
        HEAD + "history: !!seq\n" + OLD + NEW,
    ),
    "history-anchored-entry": (
        HEAD + "history:\n  - &first\n    date: 2026-11-20\n    kind: call\n",
        HEAD + "history:\n  - &first\n    date: 2026-11-20\n    kind: call\n" + NEW,
    ),
    "flow-entry-last": (
        HEAD + "history:\n  - {date: 2026-11-20, kind: call}\n",
        HEAD + "history:\n  - {date: 2026-11-20, kind: call}\n" + NEW,
    ),
    "indented-document": (
        "  name: Acme Corp\n  tier: A\n",
        "  name: Acme Corp\n  tier: A\n  history:\n    - date: 2026-11-24\n      kind: call\n"
        "      summary: Sent the quote.\n",
    ),
}


def _history(data: bytes) -> list[tuple[str, str, str]]:
    account, problems = read_account(data, "acme", "accounts/acme.yaml")
    assert account is not None, problems
    return [(t.date.isoformat(), t.kind.value, t.summary) for t in account.history]


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
def test_log_splices_exact_bytes(
    layout: str, write_account: Callable[..., Path], run: Callable[..., Run]
) -> None:
    before, after = (text.encode("utf-8") for text in LAYOUTS[layout])
    path = write_account("acme", before)
    old_history = _history(before)
    result = run("log", "acme", "Sent the quote.")
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == after
    assert _history(after) == [*old_history, ("2026-11-24", "call", "Sent the quote.")]


REFUSED = {
    "flow-list": (
        HEAD + "history: [{date: 2026-11-20, kind: call}]\n",
        "error: `history` is a flow list `[...]` (write it as one `- date: ...` entry per line, "
        "then log again)\n",
    ),
    "block-cut-by-end-of-file": (
        HEAD + "history:\n" + OLD + "    summary: |\n      No final line break",
        "error: the file ends inside a `|` block text with no final line break (add a line "
        "break at the end of the file, then run the command again)\n",
    ),
    "flow-empty-on-two-lines": (
        HEAD + "history: [\n  ]\n",
        "error: `history: [ ]` spans several lines (write `history:` instead)\n",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_log_refuses_layouts_it_cannot_splice(
    case: str, write_account: Callable[..., Path], run: Callable[..., Run]
) -> None:
    text, message = REFUSED[case]
    path = write_account("acme", text.encode())
    result = run("log", "acme", "Sent the quote.")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message)
    assert path.read_bytes() == text.encode()


def test_history_that_is_not_a_list_is_a_located_error(
    write_account: Callable[..., Path], run: Callable[..., Run]
) -> None:
    path = write_account("acme", HEAD + "history:\n  date: 2026-11-20\n")
    result = run("log", "acme", "x")
    assert result.exit_code == 1
    assert result.stderr == "accounts/acme.yaml:4: history: expected a list, found a mapping\n"
    assert path.read_bytes() == (HEAD + "history:\n  date: 2026-11-20\n").encode()


# -- summaries: anything a person types comes back exactly --------------------------------

TRICKY = [
    ": ", ":", "#", " #", "- ", "-", "'", '"', "no", "yes", "No", "off", "null", "~", "NULL",
    "true", "1e3", "0x1F", "012", "+1 555", "2026-11-24", "[", "]", "{", "}", ",", "&a", "*a",
    "!tag", "%", "@", "`", "|", ">", "?", "\\", "\\n", "😀", "Café", "e\u0301", "ﬁ", "\n",
    "\n\n", " ", "  ", "x", "Jane", "…", "\u00a0", "---", "...",
]  # fmt: skip
summaries = st.lists(st.sampled_from(TRICKY), min_size=1, max_size=8).map("".join) | st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf")), min_size=1, max_size=30
)


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(summary=summaries)
def test_any_summary_round_trips_through_the_file(root: Path, summary: str) -> None:
    """The writer's own promise: the reloaded summary is the exact string given."""
    path = root / "accounts" / "acme.yaml"
    path.write_text(HEAD + "history:\n" + OLD)
    fields = (("date", Plain("2026-11-24")), ("kind", "call"), ("summary", summary))
    written = apply_edit(root, path, AppendEntry(fields))
    assert path.read_bytes() == written
    assert written.startswith((HEAD + "history:\n" + OLD).encode())
    assert _history(written)[-1] == ("2026-11-24", "call", summary)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(summary=summaries.filter(lambda s: s.strip() != "" and "\t" not in s))
def test_any_summary_round_trips_through_the_cli(
    root: Path, run: Callable[..., Run], summary: str
) -> None:
    """Through `log` and `show`: what was typed is what is shown.

    `log` trims the ends and composes accents (NFC), so `Café` typed on any system is
    one spelling in the file.
    """
    (root / "accounts" / "acme.yaml").write_text(HEAD)
    # `--` so a summary such as "- x" is not taken for an option
    logged = run("log", "--dir", str(root), "acme", "--", summary, use_dir=False)
    assert logged.exit_code == 0, logged.stderr
    shown = run("show", "acme", "--format", "json")
    assert json.loads(shown.stdout)["history"][-1]["summary"] == normalize("NFC", summary.strip())


# -- control characters never reach the file -----------------------------------------------

CONTROLS = {
    "ESC": "\x1b",
    "NUL": "\x00",
    "DEL": "\x7f",
    "BEL": "\x07",
    "CR": "\r",
    "NEL": "\x85",
    "CSI": "\x9b",
    "LS": "\u2028",
    "PS": "\u2029",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "BOM": "\ufeff",
    "not-UTF-8": "\udcff",  # how Python hands over argv bytes that are not UTF-8
}


@pytest.mark.parametrize("name", CONTROLS, ids=list(CONTROLS))
@pytest.mark.parametrize(
    "option", ["summary", "--with", "--next", "--problem"], ids=lambda o: o.strip("-")
)
def test_log_rejects_control_characters_before_writing(
    name: str, option: str, write_account: Callable[..., Path], run: Callable[..., Run]
) -> None:
    path = write_account("acme", HEAD + "history:\n" + OLD)
    before = path.read_bytes()
    bad = f"Sent{CONTROLS[name]}it"
    args = {
        "summary": ["log", "acme", bad],
        "--with": ["log", "acme", "ok", "--with", bad],
        "--next": ["log", "acme", "ok", "--next", f"friday {bad}"],
        "--problem": ["log", "acme", "ok", "--problem", bad],
    }[option]
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "(remove it and try again)" in result.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("name", ["ESC", "NEL", "RLO", "not-UTF-8"])
def test_snooze_reason_and_add_reject_control_characters(
    name: str, write_account: Callable[..., Path], run: Callable[..., Run], root: Path
) -> None:
    path = write_account("acme", HEAD)
    bad = f"x{CONTROLS[name]}y"
    assert run("snooze", "acme", "--until", "+3d", "--reason", bad).exit_code == 2
    assert path.read_bytes() == HEAD.encode()
    for args in (
        ["add", f"Globex{CONTROLS[name]}", "--tier", "B"],
        ["add", "Globex", "--tier", "B", "--owner", bad],
        ["add", "Globex", "--tier", "B", "--contact", f"Jane {bad}, +1 555 0100"],
    ):
        assert run(*args).exit_code == 2
    assert sorted(p.name for p in (root / "accounts").iterdir()) == ["acme.yaml"]
