"""A fast path for the plain layout touchplan writes, giving libyaml's tree without it.

Account files are block mappings and sequences of one-line scalars: plain, or quoted
without escapes. For such a text this builds exactly the located tree that
``yamlparse.parse_document`` composes with libyaml (the same values, styles and line
and column of every node, the ends of collections included), at about a third of the
cost; for anything else, however harmless, it returns None and the caller takes the
libyaml path. So every file that holds a problem, or any YAML this does not fully
understand (escapes, multi-line or flow values, anchors, tags,
empty values, a sequence not indented under its key, duplicate keys...), is read and
reported exactly as before. tests/test_yamlfast.py holds the two paths to each other.
"""

from __future__ import annotations

import re

from touchplan.yamldoc import Map, Node, Scalar, Seq

# What libyaml does not read as a printable character within a line: a tab, a CR, a
# control character (C0 but LF, DEL, C1 with U+0085), U+2028/U+2029, a surrogate, a BOM
# inside the text, U+FFFE/U+FFFF. A text holding one is left to libyaml. (Written as the
# characters refused, not those allowed: compiling that class cost 3 ms a process.)
_UNSUPPORTED = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
# One line: its indent, an optional `- ` item mark, then `key:` (with or without a
# value after spaces) or, after an item mark, a value alone.
_LINE = re.compile(r"( *)(- +)?(?:([A-Za-z_][A-Za-z0-9_]{0,63}):(?:( +)(.*))?$|(.*))")
# A comment after a value: at least one space, then `#`.
_COMMENT = re.compile(" +#")
# What a plain scalar may not start with (YAML's indicators), to be left to libyaml.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


class _Bail(Exception):
    """The text is outside the fast path's layout: libyaml decides."""


# A line with a token: (0-based line, column of its first token, item mark?, key or
# None, column of the key (or of the value, when there is no key), the value's text
# without the spaces around it ("" or None when there is none), the value's column)
_Line = tuple[int, int, bool, str | None, int, str | None, int]


def fast_root(text: str) -> Node | None:
    """The root node libyaml's path gives ``text`` (no BOM, decoded), or None when the
    text is not in the layout this reads: then only libyaml's path may answer."""
    if _UNSUPPORTED.search(text):
        return None
    last = text.rpartition("\n")[2].lstrip(" ")
    if text and not text.endswith("\n") and last[:1] in ("", "#"):
        # a last line of spaces or a comment, with no line break after it: libyaml ends
        # the blocks nested three deep and more inside that line, not after it
        return None
    try:
        return _Reader(text).root()
    except _Bail:
        return None


class _Reader:
    def __init__(self, text: str) -> None:
        lines: list[_Line] = []
        for number, raw in enumerate(text.split("\n")):
            match = _LINE.match(raw)
            if match is None:
                raise _Bail
            indent, mark, key, spaces, value, alone = match.groups()
            col = len(indent)
            if mark is None:
                if key is None:
                    # the indent takes every leading space, so ``alone`` is the rest
                    if not alone or alone[0] == "#":
                        continue  # blank or a whole-line comment: no token
                    raise _Bail  # a value alone on its line: a continuation, or not ours
                at = col + len(key) + 1 + (len(spaces) if spaces else 0)
                lines.append((number, col, False, key, col, value and value.rstrip(" "), at))
            else:
                inner = col + len(mark)
                if key is None:
                    lines.append((number, col, True, None, inner, alone.rstrip(" "), inner))
                else:
                    at = inner + len(key) + 1 + (len(spaces) if spaces else 0)
                    lines.append((number, col, True, key, inner, value and value.rstrip(" "), at))
        self.lines = lines
        self.at = 0
        # libyaml ends the stream at the start of the line after the last one
        self.end = text.count("\n") + (0 if text.endswith("\n") else 1)

    def _next_mark(self) -> tuple[int, int]:
        """Where the next token starts (1-based line, column): where libyaml ends the
        collections it closes."""
        if self.at < len(self.lines):
            line = self.lines[self.at]
            return line[0] + 1, line[1]
        return self.end + 1, 0

    def root(self) -> Node:
        if not self.lines:
            raise _Bail  # empty or only comments
        first = self.lines[0]
        if first[1] != 0 or first[2]:
            raise _Bail
        node = self._map(0)
        if self.at != len(self.lines):
            raise _Bail
        return node

    def _map(self, indent: int) -> Map:
        """A block mapping whose keys stand at ``indent``; the current line holds its
        first key (after an item mark, when the mapping is a sequence item)."""
        lines = self.lines
        first = lines[self.at]
        result = Map(line=first[0] + 1, col=indent)
        entries, key_cols = result.entries, result.key_cols
        started = False
        while self.at < len(lines):
            number, col, mark, key, key_col, value, at = lines[self.at]
            if started:
                if col < indent:
                    break
                if col > indent or mark:
                    raise _Bail
            started = True
            if key is None or key_col != indent or key in entries:
                raise _Bail
            self.at += 1
            if value and value[0] != "#":  # else `key:` and a comment: a block follows
                node: Node = _scalar(value, number + 1, at)  # a deeper line next: _Bail
            else:
                if self.at >= len(lines) or lines[self.at][1] <= indent:
                    raise _Bail  # an empty value (or a sequence at the key's indent)
                node = self._block()
            entries[key] = (number + 1, node)
            key_cols[key] = key_col
        result.end_line, result.end_col = self._next_mark()
        return result

    def _block(self) -> Node:
        line = self.lines[self.at]
        if line[2]:
            return self._seq(line[1])
        return self._map(line[1])

    def _seq(self, indent: int) -> Seq:
        """A block sequence whose item marks stand at ``indent`` (the current line)."""
        lines = self.lines
        first = lines[self.at]
        items: list[Node] = []
        while self.at < len(lines):
            number, col, mark, key, inner, value, at = lines[self.at]
            if col < indent:
                break
            if col > indent or not mark:
                raise _Bail
            if key is not None:
                items.append(self._map(inner))
                continue
            if not value:
                raise _Bail  # an empty item, or a block after the mark
            items.append(_scalar(value, number + 1, at))
            self.at += 1  # a deeper line next (a continuation of the value): _Bail
        end_line, end_col = self._next_mark()
        return Seq(items, first[0] + 1, indent, end_line, end_col)


def _scalar(text: str, line: int, col: int) -> Scalar:
    """A one-line scalar: ``text`` stands at ``col`` of ``line`` (1-based), without the
    spaces around it; a comment may follow it after a space."""
    first = text[0]
    if first == '"' or first == "'":
        close = text.find(first, 1)
        inner = text[1:close]
        rest = text[close + 1 :]
        if close < 0 or "\\" in inner or (rest and not _COMMENT.match(rest)):
            raise _Bail  # an escape, a quote inside, not closed on this line, or more after
        return Scalar(inner, line, col, line, col + close + 1, first)
    cut = text.find(" #")
    if cut >= 0:
        text = text[:cut].rstrip(" ")
    if first in _INDICATORS or ": " in text or text[-1] == ":":
        raise _Bail
    return Scalar(text, line, col, line, col + len(text))
