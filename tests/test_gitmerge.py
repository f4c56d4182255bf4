"""The merge driver's rule, case by case: (base, ours, theirs) -> merged bytes or conflict."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from touchplan.cli import app
from touchplan.files.edit import Plain, raw, splice_entry
from touchplan.files.merge import Conflict, Merged, merge
from touchplan.yamldoc import parse

HEAD = """\
# Acme: hand-edited, keep the comments
name: Acme Corp   # the legal name
tier: A
owner: dana
"""

BASE = (
    HEAD
    + """\
history:
  - date: 2026-11-02
    kind: call
    summary: "Kick-off"
"""
)

CALL_23 = """\
  - date: 2026-11-23
    kind: call
    summary: Ours on the 23rd
"""
EMAIL_20 = """\
  - date: 2026-11-20
    kind: email
    summary: Theirs on the 20th
"""
EMAIL_23 = """\
  - date: 2026-11-23
    kind: email
    summary: Theirs on the 23rd
"""
REVIEW_24 = """\
  # December review, written by hand
  - date: 2026-11-24
    kind: review
    with: Jane Smith
    summary: |
      Health check, score 8/10.
      Wants a single monthly statement.
"""


def d(text: str) -> str:
    return textwrap.dedent(text)


# (id, base, ours, theirs, expected text)
MERGES = [
    ("theirs earlier goes first", BASE, BASE + CALL_23, BASE + EMAIL_20, BASE + EMAIL_20 + CALL_23),
    ("same date: ours first", BASE, BASE + CALL_23, BASE + EMAIL_23, BASE + CALL_23 + EMAIL_23),
    (
        "cherry-picked entry appears once",
        BASE,
        BASE + EMAIL_20 + CALL_23,
        BASE + EMAIL_20,
        BASE + EMAIL_20 + CALL_23,
    ),
    (
        "several each, interleaved by date, comments and block text kept",
        BASE,
        BASE + EMAIL_20 + REVIEW_24,
        BASE + CALL_23,
        BASE + EMAIL_20 + CALL_23 + REVIEW_24,
    ),
    (
        "each side's own order is kept",
        BASE,
        BASE + REVIEW_24 + EMAIL_20,
        BASE + CALL_23,
        BASE + CALL_23 + REVIEW_24 + EMAIL_20,
    ),
    (
        "history followed by more keys",
        BASE + "notes: keep me\n",
        BASE + CALL_23 + "notes: keep me\n",
        BASE + EMAIL_20 + "notes: keep me\n",
        BASE + EMAIL_20 + CALL_23 + "notes: keep me\n",
    ),
    (
        "empty `history:`",
        HEAD + "history:\n",
        HEAD + "history:\n" + CALL_23,
        HEAD + "history:\n" + EMAIL_20,
        HEAD + "history:\n" + EMAIL_20 + CALL_23,
    ),
    (
        "`history: []` with a comment",
        HEAD + "history: []  # none yet\n",
        HEAD + "history:  # none yet\n" + CALL_23,
        HEAD + "history:  # none yet\n" + EMAIL_20,
        HEAD + "history:  # none yet\n" + EMAIL_20 + CALL_23,
    ),
    (
        "no history key yet",
        HEAD,
        HEAD + "history:\n" + CALL_23,
        HEAD + "history:\n" + EMAIL_20,
        HEAD + "history:\n" + EMAIL_20 + CALL_23,
    ),
    (
        "no final line break is kept",
        BASE.rstrip("\n"),
        BASE + CALL_23.rstrip("\n"),
        BASE + EMAIL_20.rstrip("\n"),
        BASE + EMAIL_20 + CALL_23.rstrip("\n"),
    ),
    (
        "CRLF files",
        BASE.replace("\n", "\r\n"),
        (BASE + CALL_23).replace("\n", "\r\n"),
        (BASE + EMAIL_20).replace("\n", "\r\n"),
        (BASE + EMAIL_20 + CALL_23).replace("\n", "\r\n"),
    ),
    ("only theirs changed", BASE, BASE, BASE + EMAIL_20, BASE + EMAIL_20),
    ("both made the same change", BASE, BASE + CALL_23, BASE + CALL_23, BASE + CALL_23),
]


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "expected"),
    [case[1:] for case in MERGES],
    ids=[case[0] for case in MERGES],
)
def test_appends_merge(base: str, ours: str, theirs: str, expected: str) -> None:
    result = merge(base.encode(), ours.encode(), theirs.encode(), "accounts/acme.yaml")
    assert isinstance(result, Merged), result
    assert result.data.decode() == expected


def test_bom_is_kept() -> None:
    bom = b"\xef\xbb\xbf"
    result = merge(
        bom + BASE.encode(), bom + (BASE + CALL_23).encode(), bom + (BASE + EMAIL_20).encode()
    )
    assert isinstance(result, Merged)
    assert result.data == bom + (BASE + EMAIL_20 + CALL_23).encode()


CONFLICTS = [
    (
        "both changed owner",
        BASE,
        BASE.replace("owner: dana", "owner: lee") + CALL_23,
        BASE.replace("owner: dana", "owner: sam"),
        "ours changed `owner`",
    ),
    (
        "theirs changed a header field, ours appended",
        BASE,
        BASE + CALL_23,
        BASE.replace("tier: A", "tier: B"),
        "theirs changed `tier`",
    ),
    (
        "theirs edited an entry",
        BASE,
        BASE + CALL_23,
        BASE.replace("Kick-off", "Kick-off call") + EMAIL_20,
        "theirs edited or removed a history entry",
    ),
    (
        "ours deleted an entry",
        BASE + EMAIL_20,
        BASE,
        BASE + EMAIL_20 + CALL_23,
        "ours edited or removed a history entry",
    ),
    (
        "theirs inserted in the middle",
        BASE + EMAIL_23,
        BASE + EMAIL_23 + CALL_23,
        BASE + EMAIL_20 + EMAIL_23,
        "theirs edited or removed a history entry",
    ),
    (
        "theirs also reworded a comment",
        BASE,
        BASE + CALL_23,
        BASE.replace("keep the comments", "KEEP the comments") + EMAIL_20,
        "theirs changed more than the end of the history",
    ),
    (
        "theirs also changed a comment after the history",
        BASE + "# the end\n",
        BASE + CALL_23 + "# the end\n",
        BASE + EMAIL_20 + "# THE END\n",
        "theirs changed more than the end of the history",
    ),
    (
        "ours does not parse",
        BASE,
        BASE + CALL_23 + "\tbroken: [\n",
        BASE + EMAIL_20,
        "(ours) does not parse",
    ),
    (
        "theirs has a duplicate key",
        BASE,
        BASE + CALL_23,
        BASE + EMAIL_20 + "    summary: again\n",
        "(theirs) does not parse",
    ),
    (
        "theirs appended an entry without a date",
        BASE,
        BASE + CALL_23,
        BASE + "  - kind: call\n",
        "theirs appended an entry without a YYYY-MM-DD date",
    ),
    (
        "indentations that do not fit together",
        HEAD + "history:\n",
        HEAD + "history:\n" + CALL_23,
        HEAD + "history:\n" + d(EMAIL_20),
        "did not read back",
    ),
    (
        "the base is not an account mapping",
        "",
        BASE + CALL_23,
        BASE + EMAIL_20,
        "(base) is not a block mapping",
    ),
    (
        "theirs changed every line ending",
        BASE.replace("\n", "\r\n"),
        (BASE + CALL_23).replace("\n", "\r\n"),
        BASE + EMAIL_20,
        "theirs changed more than the end of the history",
    ),
    ("a side added a byte-order mark", BASE, "\ufeff" + BASE + CALL_23, BASE + EMAIL_20, "mark"),
]


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "reason"),
    [case[1:] for case in CONFLICTS],
    ids=[case[0] for case in CONFLICTS],
)
def test_everything_else_is_a_conflict(base: str, ours: str, theirs: str, reason: str) -> None:
    result = merge(base.encode(), ours.encode(), theirs.encode(), "accounts/acme.yaml")
    assert isinstance(result, Conflict), result
    assert reason in result.reason


def test_the_real_log_output_merges(root: Path, run: Callable[..., object]) -> None:
    """What `touchplan log` writes on two machines merges into both entries."""
    sample = (Path(__file__).parent.parent / "accounts" / "meridian-steel.yaml").read_bytes()
    path = root / "accounts" / "meridian-steel.yaml"
    outputs = []
    for args in (["Called Hal", "--date", "2026-11-24"], ["Emailed Renee", "--kind", "email"]):
        path.write_bytes(sample)
        result = run("log", "meridian", *args)
        assert result.exit_code == 0  # type: ignore[attr-defined]
        outputs.append(path.read_bytes())
    merged = merge(sample, outputs[0], outputs[1], "accounts/meridian-steel.yaml")
    assert isinstance(merged, Merged)
    added = outputs[1][len(sample) :]
    assert merged.data == outputs[0] + added  # same date: ours first, then theirs
    assert added.startswith(b"  - date: 2026-11-24\n    kind: email\n")


# -- property: any two sets of appended entries merge to both, by date ---------------------

_SUMMARY = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20
)
_ENTRY = st.tuples(st.integers(1, 9), st.sampled_from(["call", "email", "note"]), _SUMMARY)


def _append(text: str, entries: list[tuple[int, str, str]]) -> str:
    for day, kind, summary in entries:
        doc, _ = parse(text.encode(), "x.yaml")
        assert doc is not None
        fields = [("date", Plain(f"2026-12-0{day}")), ("kind", kind), ("summary", summary)]
        text = splice_entry(doc, fields)
    return text


@settings(max_examples=60, deadline=None)
@given(
    base=st.sampled_from([BASE, HEAD, HEAD + "history:\n", BASE + "notes: x\n"]),
    ours=st.lists(_ENTRY, min_size=1, max_size=4),
    theirs=st.lists(_ENTRY, min_size=1, max_size=4),
)
def test_property_both_sides_entries_by_date(
    base: str, ours: list[tuple[int, str, str]], theirs: list[tuple[int, str, str]]
) -> None:
    ours, theirs = sorted(ours), sorted(theirs)
    ours_text = _append(base, ours)
    result = merge(base.encode(), ours_text.encode(), _append(base, theirs).encode(), "x.yaml")
    assert isinstance(result, Merged), result
    unmatched, fresh = list(ours), []
    for entry in theirs:  # an entry both sides logged is kept once
        if entry in unmatched:
            unmatched.remove(entry)
        else:
            fresh.append(entry)
    expected = sorted(ours + fresh, key=lambda e: e[0])  # stable: ours first on a tie
    base_doc, _ = parse(base.encode(), "base.yaml")
    doc, problems = parse(result.data, "x.yaml")
    assert base_doc is not None and doc is not None and not problems
    history = raw(doc.root)["history"]
    old = raw(base_doc.root).get("history") or []
    assert history[: len(old)] == old
    assert [(int(h["date"][-1]), h["kind"], h["summary"]) for h in history[len(old) :]] == expected
    # ours survives byte for byte: its lines, in order, with theirs spliced in between
    merged_lines = iter(result.data.decode().splitlines(keepends=True))
    assert all(line in merged_lines for line in ours_text.splitlines(keepends=True))


# -- the command git runs ---------------------------------------------------------------


def _driver(tmp_path: Path, base: str, ours: str, theirs: str) -> tuple[int, str, bytes]:
    files = []
    for name, text in (("O", base), ("A", ours), ("B", theirs)):
        path = tmp_path / f".merge_file_{name}"
        path.write_bytes(text.encode())
        files.append(str(path))
    result = CliRunner().invoke(app, ["merge-driver", *files, "accounts/acme.yaml"])
    return result.exit_code, result.stderr, Path(files[1]).read_bytes()


def test_driver_writes_the_merge_to_ours(tmp_path: Path) -> None:
    code, err, written = _driver(tmp_path, BASE, BASE + CALL_23, BASE + EMAIL_20)
    assert (code, err) == (0, "")
    assert written == (BASE + EMAIL_20 + CALL_23).encode()


def test_driver_leaves_git_conflict_markers(tmp_path: Path) -> None:
    ours = BASE.replace("owner: dana", "owner: lee")
    theirs = BASE.replace("owner: dana", "owner: sam")
    code, err, written = _driver(tmp_path, BASE, ours, theirs)
    assert code == 1
    assert "accounts/acme.yaml: ours changed `owner`; resolve the conflict by hand" in err
    assert written.decode() == BASE.replace(
        "owner: dana\n", "<<<<<<< ours\nowner: lee\n=======\nowner: sam\n>>>>>>> theirs\n"
    )


def test_driver_reports_an_unreadable_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["merge-driver", str(tmp_path / "nope"), str(tmp_path / "a"), str(tmp_path / "b")]
    )
    assert result.exit_code == 1
    assert "cannot read" in result.stderr


# -- more than appends: git's line merge, accepted when nobody has anything to decide ------


def test_driver_takes_their_field_change_beside_our_appended_entry(tmp_path: Path) -> None:
    theirs = BASE.replace("tier: A", "tier: B")
    code, err, written = _driver(tmp_path, BASE, BASE + CALL_23, theirs)
    assert (code, err) == (0, "")
    assert written == (theirs + CALL_23).encode()


def test_driver_keeps_our_field_change_beside_their_appended_entry(tmp_path: Path) -> None:
    ours = BASE.replace("owner: dana", "owner: lee")
    code, err, written = _driver(tmp_path, BASE, ours, BASE + EMAIL_20)
    assert (code, err) == (0, "")
    assert written == (ours + EMAIL_20).encode()


def test_driver_takes_a_field_change_on_each_side(tmp_path: Path) -> None:
    ours = BASE.replace("owner: dana", "owner: lee")
    theirs = BASE.replace("name: Acme Corp ", "name: Acme Inc.")
    code, err, written = _driver(tmp_path, BASE, ours, theirs)
    assert (code, err) == (0, "")
    assert (
        written
        == BASE.replace("owner: dana", "owner: lee")
        .replace("name: Acme Corp ", "name: Acme Inc.")
        .encode()
    )


@pytest.mark.parametrize(
    ("ours", "theirs", "reason"),
    [
        pytest.param(
            BASE + EMAIL_20,
            BASE.replace('"Kick-off"', '"Kick-off call"') + "\n# a note at the end\n",
            "theirs edited or removed a history entry",
            id="theirs edited an entry",
        ),
        pytest.param(
            BASE + CALL_23 + EMAIL_20,
            (BASE + EMAIL_20).replace(
                '  - date: 2026-11-02\n    kind: call\n    summary: "Kick-off"\n', ""
            ),
            "edited or removed a history entry",
            id="theirs removed an entry",
        ),
    ],
)
def test_driver_leaves_markers_or_a_conflict_when_an_entry_would_be_lost(
    tmp_path: Path, ours: str, theirs: str, reason: str
) -> None:
    code, err, written = _driver(tmp_path, BASE, ours, theirs)
    assert code == 1
    assert reason in err
    assert "resolve the conflict by hand" in err
    assert b"<<<<<<< ours\n" in written  # a person decides, with git's markers


def test_check_text_merge_refuses_a_clean_text_that_lost_an_entry() -> None:
    from touchplan.files.merge import check_text_merge

    ours, theirs = BASE + CALL_23, BASE.replace("tier: A", "tier: B")
    good = check_text_merge(
        BASE.encode(), ours.encode(), theirs.encode(), (theirs + CALL_23).encode()
    )
    assert isinstance(good, Merged)
    lost = check_text_merge(BASE.encode(), ours.encode(), theirs.encode(), theirs.encode())
    assert isinstance(lost, Conflict)
    assert lost.reason == "the merged history does not hold every entry of both sides once"
    twice = (theirs + CALL_23 + CALL_23).encode()
    assert isinstance(
        check_text_merge(BASE.encode(), ours.encode(), theirs.encode(), twice), Conflict
    )
    wrong_tier = (BASE + CALL_23).encode()
    refused = check_text_merge(BASE.encode(), ours.encode(), theirs.encode(), wrong_tier)
    assert isinstance(refused, Conflict)
    assert refused.reason == "the merged `tier` is neither side's"


def test_driver_merges_appends_on_both_sides_and_a_field_change(tmp_path: Path) -> None:
    theirs = BASE.replace("tier: A", "tier: B") + EMAIL_20
    code, err, written = _driver(tmp_path, BASE, BASE + CALL_23, theirs)
    assert (code, err) == (0, "")
    assert written == (BASE.replace("tier: A", "tier: B") + EMAIL_20 + CALL_23).encode()


def test_driver_merges_field_changes_on_both_sides_around_their_appends(tmp_path: Path) -> None:
    ours = BASE.replace("owner: dana", "owner: lee") + CALL_23 + REVIEW_24
    theirs = BASE.replace("tier: A", "tier: B") + EMAIL_20
    code, err, written = _driver(tmp_path, BASE, ours, theirs)
    assert (code, err) == (0, "")
    head = BASE.replace("owner: dana", "owner: lee").replace("tier: A", "tier: B")
    assert written == (head + EMAIL_20 + CALL_23 + REVIEW_24).encode()


def test_driver_still_stops_when_both_changed_a_field_and_appended(tmp_path: Path) -> None:
    ours = BASE.replace("owner: dana", "owner: lee") + CALL_23
    theirs = BASE.replace("owner: dana", "owner: sam") + EMAIL_20
    code, err, written = _driver(tmp_path, BASE, ours, theirs)
    assert code == 1
    assert "ours changed `owner`; resolve the conflict by hand" in err
    assert b"<<<<<<< ours\n" in written
