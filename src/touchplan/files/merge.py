"""Merging two reps' logs on one account file: base, ours, theirs bytes -> merged bytes.

Git runs this as a merge driver (see ``touchplan init``)::

    git config merge.touchplan.driver "touchplan merge-driver %O %A %B %P"
    # .gitattributes:  accounts/**/*.yaml merge=touchplan

The only change merged automatically is the one `touchplan log` makes: new entries
appended at the end of the `history` list. When both sides did only that, the result is
ours byte for byte with their new entries spliced in, the new entries of both sides
interleaved by date (ours first on a tie, each side's own order kept), and an entry both
sides added (a cherry-pick) kept once. Each entry's text is cut from its file by node
positions, comments and quoting included; nothing is re-serialised. Anything else (a
header field changed, an entry edited or removed, a side that does not parse) is a
`Conflict` for a person to resolve: never a silent choice.

``merge=union`` is no substitute: it keeps the lines of both sides in one hunk, so two
entries appended at the same place become one entry with duplicate keys.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from touchplan.errors import WriteError
from touchplan.files.edit import after_node, encode, raw, split_lines
from touchplan.files.schema import read_account
from touchplan.yamldoc import Document, Map, Scalar, Seq, parse

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ABSENT = object()


@dataclass(frozen=True)
class Merged:
    data: bytes


@dataclass(frozen=True)
class Conflict:
    reason: str  # why a person has to decide, e.g. "both sides changed `owner`"


@dataclass(frozen=True)
class _Entry:
    text: list[str]  # its lines with their endings, leading comments and blank lines included
    data: Any
    date: str


@dataclass(frozen=True)
class _Side:
    """A side that is the base plus entries appended at the end of the history."""

    lines: list[str]
    end: int  # index of the first line after the new entries
    entries: list[_Entry]


class _NotAppendOnly(Exception):
    pass


def _with_final_break(text: str, newline: str) -> str:
    return text if not text or text.endswith(("\n", "\r")) else text + newline


def _load(data: bytes, label: str) -> Document:
    doc, problems = parse(data, label)
    fatal = [p for p in problems if p.fatal]
    if doc is None or fatal:
        first = (fatal or problems)[0]
        raise _NotAppendOnly(f"{label} does not parse: {first}")
    if not isinstance(doc.root, Map) or doc.root.flow:
        raise _NotAppendOnly(f"{label} is not a block mapping of account fields")
    return doc


def _base_layout(doc: Document) -> tuple[str, int, int]:
    """The base text as `log` sees it before appending, the insertion line, and the
    number of entries. An empty `history: ~` / `history: []` loses its value and a
    missing `history:` key is added, exactly as `touchplan.files.edit.splice_entry` does."""
    assert isinstance(doc.root, Map)
    text = _with_final_break(doc.text, doc.newline)
    lines = split_lines(text)
    if "history" not in doc.root.entries:
        at = after_node(lines, doc.root)
        lines.insert(at, " " * doc.root.col + "history:" + doc.newline)
        return "".join(lines), at + 1, 0
    key_line, history = doc.root.entries["history"]
    if isinstance(history, Seq) and not history.flow and history.items:
        return text, after_node(lines, history.items[-1]), len(history.items)
    empty_flow = isinstance(history, Seq) and history.flow and not history.items
    if (isinstance(history, Scalar) and history.is_null) or empty_flow:
        if empty_flow or (isinstance(history, Scalar) and history.text):  # `~` or `[]`
            if history.line != history.end_line:
                raise _NotAppendOnly("the base's `history:` value spans several lines")
            line = lines[key_line - 1]
            lines[key_line - 1] = line[: history.col].rstrip(" ") + line[history.end_col :]
        return "".join(lines), key_line, 0
    raise _NotAppendOnly("the base's `history` is not a block list of entries")


def _changed_fields(base: dict[str, Any], side: dict[str, Any]) -> list[str]:
    """The top-level keys other than `history` whose data differ."""
    keys = [k for k in [*base, *(k for k in side if k not in base)] if k != "history"]
    return [k for k in keys if base.get(k, _ABSENT) != side.get(k, _ABSENT)]


def _side(doc: Document, label: str, base_lines: list[str], at: int, count: int) -> _Side:
    """``doc`` split into base text and appended entries, or _NotAppendOnly."""
    root = doc.root
    assert isinstance(root, Map)
    history = root.entries.get("history", (0, None))[1]
    if not isinstance(history, Seq) or history.flow or len(history.items) <= count:
        raise _NotAppendOnly(f"{label} did not append history entries")
    lines = split_lines(_with_final_break(doc.text, doc.newline))
    start = after_node(lines, history.items[count - 1]) if count else at
    end = after_node(lines, history.items[-1])
    if start != at or lines[:at] != base_lines[:at] or lines[end:] != base_lines[at:]:
        raise _NotAppendOnly(f"{label} changed more than the end of the history")
    entries: list[_Entry] = []
    cut = at
    for item in history.items[count:]:
        after = after_node(lines, item)
        date = item.entries.get("date", (0, None))[1] if isinstance(item, Map) else None
        if not isinstance(date, Scalar) or not _DATE.fullmatch(date.text.strip()):
            raise _NotAppendOnly(f"{label} appended an entry without a YYYY-MM-DD date")
        entries.append(_Entry(lines[cut:after], raw(item), date.text.strip()))
        cut = after
    return _Side(lines, end, entries)


def _interleave(ours: list[_Entry], theirs: list[_Entry]) -> list[_Entry]:
    """Both sides' new entries by date; ours first on a tie; each side's order kept."""
    merged: list[_Entry] = []
    i = j = 0
    while i < len(ours) and j < len(theirs):
        if theirs[j].date < ours[i].date:
            merged.append(theirs[j])
            j += 1
        else:
            merged.append(ours[i])
            i += 1
    return merged + ours[i:] + theirs[j:]


def _only_new(ours: list[_Entry], theirs: list[_Entry]) -> list[_Entry]:
    """Their entries that ours does not already hold (each of ours matches once)."""
    unmatched = [e.data for e in ours]
    fresh = []
    for entry in theirs:
        if entry.data in unmatched:
            unmatched.remove(entry.data)
        else:
            fresh.append(entry)
    return fresh


def merge_files(
    base: Path,
    ours: Path,
    theirs: Path,
    name: str,
    text_merge: TextMerge | None = None,
) -> Merged | Conflict:
    """What git's merge driver does with its three files: ``ours`` is rewritten with the
    merge (only when it differs). When both sides did more than append, ``text_merge``
    (git's line merge) may still merge them with nothing for a person to decide: see
    ``check_text_merge``. OSError when one cannot be read."""
    base_bytes, ours_bytes, theirs_bytes = base.read_bytes(), ours.read_bytes(), theirs.read_bytes()
    result = merge(base_bytes, ours_bytes, theirs_bytes, name)
    if isinstance(result, Conflict) and text_merge is not None:
        for attempt in (_whole_text, _around_appends):
            merged = attempt(base_bytes, ours_bytes, theirs_bytes, name, text_merge)
            if merged is not None:
                second = check_text_merge(base_bytes, ours_bytes, theirs_bytes, merged, name)
                if isinstance(second, Merged):
                    result = second
                    break
    if isinstance(result, Merged) and result.data != ours_bytes:
        ours.write_bytes(result.data)  # git's own temp file: git replaces the real one
    return result


TextMerge = Callable[[bytes, bytes, bytes], bytes | None]


def _whole_text(
    base: bytes, ours: bytes, theirs: bytes, name: str, text_merge: TextMerge
) -> bytes | None:
    """Git's line merge of the whole files (a field changed beside appended entries)."""
    return text_merge(base, ours, theirs)


def _around_appends(
    base: bytes, ours: bytes, theirs: bytes, name: str, text_merge: TextMerge
) -> bytes | None:
    """Both sides appended entries and changed fields: git's line merge sees the two
    appends as one conflict. Merge the field changes with the new entries set aside,
    put each side's entries back on the result, then merge the entries as appends."""
    try:
        count = _entry_count(_load(base, f"{name} (base)"))
    except _NotAppendOnly:
        return None
    ours_fields = _without_new_entries(ours, count, name)
    theirs_fields = _without_new_entries(theirs, count, name)
    if ours_fields is None or theirs_fields is None:
        return None
    fields = text_merge(base, ours_fields, theirs_fields) or _key_merge(
        base, ours_fields, theirs_fields, name
    )
    if fields is None:
        return None
    ours_again = text_merge(ours_fields, ours, fields)
    theirs_again = text_merge(theirs_fields, theirs, fields)
    if ours_again is None or theirs_again is None:
        return None
    result = merge(fields, ours_again, theirs_again, name)
    return result.data if isinstance(result, Merged) else None


def _key_merge(base: bytes, ours: bytes, theirs: bytes, name: str) -> bytes | None:
    """Ours with the top-level fields that only theirs changed taken from theirs, line
    for line: what git's line merge cannot do when the two changes sit on adjacent
    lines. None unless theirs changed nothing but whole fields the base already had."""
    try:
        docs = [_load(data, name) for data in (base, ours, theirs)]
    except _NotAppendOnly:
        return None
    old, mine, other = (raw(d.root) for d in docs)
    keys = [k for k in old if k != "history" and other.get(k, _ABSENT) != old[k]]
    if any(k not in other or mine.get(k, _ABSENT) not in (old[k], other[k]) for k in keys):
        return None
    if [k for k in other if k not in old]:
        return None
    base_lines, ours_lines, theirs_lines = (
        split_lines(_with_final_break(d.text, d.newline)) for d in docs
    )
    spans = [
        _field_span(d, lines, keys)
        for d, lines in zip(docs, (base_lines, ours_lines, theirs_lines), strict=True)
    ]
    # theirs, with those fields put back as the base has them, must be the base itself
    if _replace_spans(theirs_lines, spans[2], base_lines, spans[0]) != "".join(base_lines):
        return None
    text = _replace_spans(ours_lines, spans[1], theirs_lines, spans[2])
    return encode(text, docs[1].bom)


def _field_span(doc: Document, lines: list[str], keys: list[str]) -> dict[str, tuple[int, int]]:
    """Where each top-level field's lines are: (first index, index after the last)."""
    assert isinstance(doc.root, Map)
    spans = {}
    for key in keys:
        key_line, node = doc.root.entries[key]
        spans[key] = (key_line - 1, max(key_line, after_node(lines, node)))
    return spans


def _replace_spans(
    lines: list[str],
    spans: dict[str, tuple[int, int]],
    source: list[str],
    source_spans: dict[str, tuple[int, int]],
) -> str:
    out = list(lines)
    for key, (start, end) in sorted(spans.items(), key=lambda kv: kv[1], reverse=True):
        first, after = source_spans[key]
        out[start:end] = source[first:after]
    return "".join(out)


def _entry_count(doc: Document) -> int:
    assert isinstance(doc.root, Map)
    history = doc.root.entries.get("history", (0, None))[1]
    return len(history.items) if isinstance(history, Seq) else 0


def _without_new_entries(data: bytes, count: int, name: str) -> bytes | None:
    """The side's text without the entries it appended after the base's ``count``."""
    try:
        doc = _load(data, name)
    except _NotAppendOnly:
        return None
    assert isinstance(doc.root, Map)
    if "history" not in doc.root.entries:
        return data if count == 0 else None
    key_line, history = doc.root.entries["history"]
    if not isinstance(history, Seq) or history.flow or len(history.items) < count:
        return None
    if len(history.items) == count:
        return data
    lines = split_lines(_with_final_break(doc.text, doc.newline))
    start = after_node(lines, history.items[count - 1]) if count else key_line
    end = after_node(lines, history.items[-1])
    return encode("".join(lines[:start] + lines[end:]), doc.bom)


def _entries(history: Any) -> Counter[str]:
    return Counter(json.dumps(e, sort_keys=True) for e in (history or []))


def check_text_merge(
    base: bytes, ours: bytes, theirs: bytes, merged: bytes, path: str = "file"
) -> Merged | Conflict:
    """A line-based merge's result (``git merge-file``, no conflict markers), accepted
    only when a person would have nothing to decide: every field is what one side
    changed it to (or the base's), every history entry of both sides is there once and
    nothing else is, and the file is a valid account whenever both sides were."""
    try:
        docs = [
            _load(data, f"{path} ({label})")
            for data, label in (
                (base, "base"),
                (ours, "ours"),
                (theirs, "theirs"),
                (merged, "merged"),
            )
        ]
    except _NotAppendOnly as exc:
        return Conflict(str(exc))
    if len({d.bom for d in docs}) != 1:
        return Conflict("a side added or removed the byte-order mark")
    old, mine, other, result = (raw(d.root) for d in docs)
    for key in [*dict.fromkeys([*old, *mine, *other, *result])]:
        if key == "history":
            continue
        a, b, c = (d.get(key, _ABSENT) for d in (old, mine, other))
        wanted = c if a == b else b if a == c or b == c else None
        if wanted is None:
            return Conflict(f"both sides changed `{key}`")
        if result.get(key, _ABSENT) != wanted:
            return Conflict(f"the merged `{key}` is neither side's")
    histories = [d.get("history") for d in (mine, other, result)]
    if any(h is not None and not isinstance(h, list) for h in histories):
        return Conflict("`history` is not a list on every side")
    if _entries(histories[2]) != _entries(histories[0]) | _entries(histories[1]):
        return Conflict("the merged history does not hold every entry of both sides once")
    slug = path.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "account"
    both_valid = all(read_account(side, slug, path)[0] is not None for side in (ours, theirs))
    if both_valid and read_account(merged, slug, path)[0] is None:
        return Conflict("the merged file is not a valid account")
    return Merged(merged)


def merge(base: bytes, ours: bytes, theirs: bytes, path: str = "file") -> Merged | Conflict:
    """Both sides' appended history entries, or why a person has to merge."""
    if ours == theirs or base == theirs:
        return Merged(ours)
    if base == ours:
        return Merged(theirs)
    try:
        return _merge_appends(base, ours, theirs, path)
    except (_NotAppendOnly, WriteError) as exc:  # WriteError: a layout `log` refuses too
        return Conflict(str(exc))


def _merge_appends(base: bytes, ours: bytes, theirs: bytes, path: str) -> Merged:
    base_doc = _load(base, f"{path} (base)")
    ours_doc = _load(ours, f"{path} (ours)")
    theirs_doc = _load(theirs, f"{path} (theirs)")
    if not base_doc.bom == ours_doc.bom == theirs_doc.bom:
        raise _NotAppendOnly("a side added or removed the byte-order mark")
    base_text, at, count = _base_layout(base_doc)
    base_lines = split_lines(base_text)
    base_data = raw(base_doc.root)
    base_history = base_data.get("history") or []
    for label, doc in (("ours", ours_doc), ("theirs", theirs_doc)):
        data = raw(doc.root)
        fields = _changed_fields(base_data, data)
        if fields:
            raise _NotAppendOnly(f"{label} changed {', '.join(f'`{f}`' for f in fields)}")
        if (data.get("history") or [])[:count] != base_history:
            raise _NotAppendOnly(f"{label} edited or removed a history entry")
    mine = _side(ours_doc, "ours", base_lines, at, count)
    other = _side(theirs_doc, "theirs", base_lines, at, count)
    fresh = _only_new(mine.entries, other.entries)
    entries = _interleave(mine.entries, fresh)
    spliced = [line for entry in entries for line in entry.text]
    text = "".join(mine.lines[:at] + spliced + mine.lines[mine.end :])
    if not ours_doc.text.endswith(("\n", "\r")):
        text = text[: -len(ours_doc.newline)]
    merged = encode(text, ours_doc.bom)
    _verify(merged, base_doc, entries, ours, theirs, path)
    return Merged(merged)


def _verify(
    merged: bytes, base: Document, entries: list[_Entry], ours: bytes, theirs: bytes, path: str
) -> None:
    """The result must hold exactly the base's data plus the new entries, and load as an
    account whenever both sides did."""
    doc, problems = parse(merged, path)
    expected = raw(base.root)
    expected["history"] = (expected.get("history") or []) + [e.data for e in entries]
    if doc is None or any(p.fatal for p in problems) or raw(doc.root) != expected:
        raise _NotAppendOnly("the merged entries did not read back as both sides' entries")
    slug = path.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "account"
    both_valid = all(read_account(side, slug, path)[0] is not None for side in (ours, theirs))
    if both_valid and read_account(merged, slug, path)[0] is None:
        raise _NotAppendOnly("the merged file is not a valid account")
