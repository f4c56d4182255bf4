"""Reading YAML safely: bytes in, a located tree out, or located problems.

PyYAML's C loader is used only to *compose* nodes; values are never constructed by
YAML's implicit resolvers, so ``phone: +15551234`` stays the text ``+15551234`` and
``country: no`` stays ``no``. Each field's type is decided later, by the schema.
Aliases are refused (alias bombs), duplicate keys are errors naming both lines, and
nesting depth and file size are capped before libyaml sees the text (its composer
recurses in C and overflows the stack at ~50,000 levels). Syntax errors are reported in
our own words wherever the text shows what is wrong; libyaml's wording changes between
releases (0.2.6 added a nesting limit of its own, worded its own way).

The nodes and the field readers live here; libyaml's half (``touchplan.yamlparse``) is
imported by the first ``parse``, so a command that reads no YAML never imports PyYAML.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from touchplan.dates import EARLIEST, LATEST, RANGE_TEXT, in_range
from touchplan.errors import Problem

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
# Every nesting level needs one of these characters, so a text with fewer of them
# cannot be deeper than that count and needs no event scan.
_NESTING_CHARS = ("[", "{", "-", "?", ":")
_CHEAP_DEPTH_BOUND = 2000


@dataclass(slots=True)
class Scalar:
    text: str
    line: int
    col: int
    end_line: int
    end_col: int
    style: str | None = None  # None = plain; '"', "'", '|', '>' otherwise

    @property
    def is_null(self) -> bool:
        return self.style is None and self.text in ("", "~", "null", "Null", "NULL")


@dataclass(slots=True)
class Seq:
    items: list[Node]
    line: int
    col: int
    end_line: int
    end_col: int
    flow: bool = False


@dataclass(slots=True)
class Map:
    # key -> (line of the key, value); insertion order kept
    entries: dict[str, tuple[int, Node]] = field(default_factory=dict)
    line: int = 0
    col: int = 0
    end_line: int = 0
    end_col: int = 0
    flow: bool = False
    key_cols: dict[str, int] = field(default_factory=dict)


Node = Scalar | Seq | Map


@dataclass
class Document:
    """A decoded file: its text (BOM removed), how to write it back, and its tree."""

    text: str
    bom: bool
    newline: str
    root: Node | None


def kind_name(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    return "text"


def decode(data: bytes, path: str) -> tuple[str, bool] | Problem:
    """UTF-8 text and whether it had a BOM, or a problem naming the encoding."""
    if len(data) > MAX_FILE_BYTES:
        return Problem(
            path,
            None,
            "",
            f"file is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
            "split the history or archive old entries",
        )
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return Problem(path, 1, "", "file is UTF-32", "save it as UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(data) >= 2 and (data[0] == 0 or data[1] == 0)
    ):
        return Problem(path, 1, "", "file is UTF-16", "save it as UTF-8")
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        return Problem(
            path,
            line,
            "",
            f"not valid UTF-8 (byte 0x{byte:02X})",
            "the file looks like Latin-1 or Windows-1252; save it as UTF-8",
        )
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return Problem(path, line, "", "file contains a NUL character", "remove it")
    return text, bom


def parse(data: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """Decode and compose one YAML document; never raises for bad input.

    The plain layout touchplan writes is read by ``yamlfast`` without libyaml (the same
    tree, for a third of the cost); everything else, and every file with a problem, by
    libyaml, which is imported only then."""
    from touchplan.yamlfast import fast_root

    decoded = decode(data, path)
    if isinstance(decoded, Problem):
        return None, [decoded]
    text, bom = decoded
    root = fast_root(text)
    if root is not None:
        return Document(text, bom, "\n", root), []
    from touchplan.yamlparse import compose_document  # PyYAML: ~10 ms to import

    return compose_document(text, bom, path)


# Counts of days or calls: far above anything meant, low enough that no date
# arithmetic with them leaves the calendar (1900–2200 plus 100,000 days is year 2474).
MAX_INTEGER = 100_000
_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT_SHAPE = re.compile(r"[+-]?\d[\d_]*")
_NUMBER_SHAPE = re.compile(r"[+-]?(\d[\d_]*)?(\.\d+)?([eE][+-]?\d+)?")


@functools.cache
def _key_set(names: tuple[str, ...]) -> frozenset[str]:
    """``names`` as a set, made once for each list of known keys (a handful, in code)."""
    return frozenset(names)


class Fields:
    """Typed, located reads from a tree; each bad value becomes one Problem."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.clean = False  # set when the whole text is known to hold no control character

    def problem(
        self, node: Node | int | None, field: str, message: str, hint: str = "", fatal: bool = True
    ) -> None:
        line = node if isinstance(node, int) or node is None else node.line
        self.problems.append(Problem(self.path, line, field, message, hint, fatal))

    def text(self, node: Node, field: str, *, allow_empty: bool = True) -> str | None:
        if not isinstance(node, Scalar):
            self.problem(node, field, f"expected text, found {kind_name(node)}")
            return None
        if node.is_null:
            if not allow_empty:
                self.problem(node, field, "must not be empty")
                return None
            return ""
        value = node.text
        if not allow_empty and not value.strip():
            self.problem(node, field, "must not be empty")
            return None
        return value

    def date(self, node: Node, field: str) -> date | None:
        if not isinstance(node, Scalar) or node.is_null:
            what = "nothing" if isinstance(node, Scalar) else kind_name(node)
            self.problem(node, field, f"expected a date, found {what}", "use YYYY-MM-DD")
            return None
        return self.date_text(node.text.strip(), node, field)

    def date_text(self, text: str, node: Node | int | None, field: str) -> dt.date | None:
        if _DATE_SHAPE.fullmatch(text):
            try:
                day = date.fromisoformat(text)
            except ValueError:
                pass
            else:
                if in_range(day):
                    return day
                self.problem(
                    node,
                    field,
                    f"{text} is outside {RANGE_TEXT}",
                    f"use a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}",
                )
                return None
        self.problem(node, field, f"{text!r} is not a date", "use YYYY-MM-DD")
        return None

    def integer(
        self, node: Node, field: str, *, minimum: int = 0, maximum: int = MAX_INTEGER
    ) -> int | None:
        if isinstance(node, Scalar) and node.style is None and _INT_SHAPE.fullmatch(node.text):
            digits = node.text.replace("_", "")
            if len(digits) > 20:  # never convert a 10,000-digit number: just out of range
                digits = str(minimum - 1 if digits.startswith("-") else maximum + 1)
            value = int(digits)
            if value > maximum:
                self.problem(node, field, f"{node.text} is above the maximum {maximum:,}")
                return None
            if value >= minimum:
                return value
            self.problem(node, field, f"{node.text} is below the minimum {minimum}")
            return None
        if isinstance(node, Scalar):
            self.problem(node, field, f"{node.text!r} is not a whole number")
        else:
            self.problem(node, field, f"expected a whole number, found {kind_name(node)}")
        return None

    def number(self, node: Node, field: str, *, minimum: float = 0) -> float | None:
        if (
            isinstance(node, Scalar)
            and node.style is None
            and node.text
            and _NUMBER_SHAPE.fullmatch(node.text)
            and any(ch.isdigit() for ch in node.text)
        ):
            value = float(node.text.replace("_", ""))
            if not math.isfinite(value):
                self.problem(node, field, f"{node.text} is too large", "write digits only")
                return None
            if value >= minimum:
                return value
            self.problem(node, field, f"{node.text} is below the minimum {minimum:g}")
            return None
        if isinstance(node, Scalar):
            self.problem(
                node, field, f"{node.text!r} is not a number", "write digits only, e.g. 120000"
            )
        else:
            self.problem(
                node,
                field,
                f"expected a number, found {kind_name(node)}",
                "write digits only, e.g. 120000",
            )
        return None

    def boolean(self, node: Node, field: str) -> bool | None:
        if isinstance(node, Scalar) and node.style is None:
            if node.text in ("true", "True", "yes"):
                return True
            if node.text in ("false", "False", "no") or node.is_null:
                return False
        if isinstance(node, Scalar):
            self.problem(node, field, f"{node.text!r} is not true or false")
        else:
            self.problem(node, field, f"expected true or false, found {kind_name(node)}")
        return None

    def choice(self, node: Node, field: str, choices: Iterable[str]) -> str | None:
        options = list(choices)
        if isinstance(node, Scalar) and not node.is_null and node.text.strip() in options:
            return node.text.strip()
        if isinstance(node, Scalar):
            self.problem(node, field, f"{node.text!r} is not one of {', '.join(options)}")
        else:
            self.problem(
                node, field, f"expected one of {', '.join(options)}, found {kind_name(node)}"
            )
        return None

    def mapping(self, node: Node, field: str) -> Map | None:
        if isinstance(node, Map):
            return node
        self.problem(node, field, f"expected a mapping, found {kind_name(node)}")
        return None

    def sequence(self, node: Node, field: str) -> Seq | None:
        if isinstance(node, Seq):
            return node
        if isinstance(node, Scalar) and node.is_null:
            return Seq([], node.line, node.col, node.end_line, node.end_col)
        self.problem(node, field, f"expected a list, found {kind_name(node)}")
        return None

    def unknown_keys(self, mapping: Map, known: Iterable[str], prefix: str = "") -> None:
        """Unknown keys are reported (so `check` fails) but do not stop planning."""
        names = known if isinstance(known, tuple) else tuple(known)
        if mapping.entries.keys() <= _key_set(names):
            return  # the usual case, asked for every history entry: nothing unknown
        for key, (line, _value) in mapping.entries.items():
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(names)}"
                self.problem(line, f"{prefix}{key}", "unknown key", hint, fatal=False)
