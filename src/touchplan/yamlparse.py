"""libyaml's half of ``touchplan.yamldoc``: compose a document into its located nodes.

Imported by ``yamldoc.parse`` on first use, so a command that reads no YAML (a warm
`today` reads its settings from the cache) never pays for importing PyYAML.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

import yaml
from yaml.constructor import BaseConstructor
from yaml.cyaml import CParser  # type: ignore[attr-defined]  # libyaml; not re-exported
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from touchplan.errors import Problem
from touchplan.yamldoc import (
    _CHEAP_DEPTH_BOUND,
    _NESTING_CHARS,
    MAX_DEPTH,
    Document,
    Map,
    Node,
    Scalar,
    Seq,
    decode,
)


class _NoResolver:
    """Tags every node by its kind alone.

    We never construct values through YAML's implicit resolvers (the schema types each
    field), and PyYAML's Python resolver costs about a third of composing a file.
    """

    DEFAULT_SCALAR_TAG = "tag:yaml.org,2002:str"

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return _TAGS[kind]


_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Loader(CParser, BaseConstructor, _NoResolver):
    """libyaml's parser and composer, no resolver: compose-only."""

    def __init__(self, stream: str | bytes) -> None:
        CParser.__init__(self, stream)
        BaseConstructor.__init__(self)


def _too_deep(path: str, line: int | None) -> Problem:
    return Problem(
        path, line, "", f"nested deeper than {MAX_DEPTH} levels", "an account file needs few levels"
    )


class _TooDeep(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _depth_problem(text: str, path: str) -> Problem | None:
    """Refuse deep nesting and aliases from parser events, without recursion.

    Composing resolves an alias to the anchored node, losing the alias's own line, so
    aliases are found here, where each `*name` is an event with its position. A syntax
    error met on the way is reported at once: composing would stop at the same place.
    """
    bound = sum(text.count(c) for c in _NESTING_CHARS)
    if bound <= _CHEAP_DEPTH_BOUND and "*" not in text:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):  # type: ignore[arg-type]
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                return Problem(
                    path,
                    mark.line + 1 if mark else None,
                    "",
                    f"YAML alias *{event.anchor} is not allowed",
                    "write the value out in full",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return _too_deep(path, mark.line + 1 if mark else None)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        return _syntax_problem(exc, path, text)
    return None


class _PurePython(Reader, Scanner, Parser):
    """PyYAML's pure-Python parser: slower, but it has no nesting limit of its own."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


def _replay(text: str, end: int) -> tuple[yaml.Event | None, yaml.Event | None]:
    """Replay ``text[:end]`` through the pure-Python parser, which has no nesting limit.

    Returns the first collection nested deeper than MAX_DEPTH (or None), and the
    innermost collection still open where the replay stopped. libyaml (0.2.6 on) refuses
    deep nesting itself, in its own words, and its scanner reads ahead, so it can fail
    before handing us the event that crosses our limit. Runs on bad files only.
    """
    stack: list[yaml.CollectionStartEvent] = []
    try:
        for event in yaml.parse(text[:end], Loader=_PurePython):  # type: ignore[arg-type]
            if isinstance(event, yaml.CollectionStartEvent):
                stack.append(event)
                if len(stack) > MAX_DEPTH:
                    return event, None
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
    except yaml.YAMLError:
        pass  # it stops where libyaml did (or at the cut): what is open there is the clue
    return None, stack[-1] if stack else None


class _Mark(Protocol):
    """A position, as both libyaml's and PyYAML's parsers report it (0-based)."""

    line: int
    column: int


def _line_of(mark: _Mark | None) -> int | None:
    return mark.line + 1 if mark is not None else None


# Where YAML ends a line (libyaml's breaks; str.splitlines knows more).
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _character_problem(exc: yaml.reader.ReaderError, path: str, text: str) -> Problem:
    """A character YAML refuses in the raw text (not escaped in double quotes)."""
    char = exc.character  # libyaml gives the code point, PyYAML's reader the character
    code = char if isinstance(char, int) else ord(char) if isinstance(char, str) else None
    found = text.find(chr(code)) if code is not None else -1
    line = len(_LINE_BREAK.findall(text, 0, found)) + 1 if found >= 0 else None
    if code is None:
        return Problem(path, line, "", "a character YAML does not allow", "remove it")
    if unicodedata.category(chr(code)) == "Cc":
        return Problem(
            path,
            line,
            "",
            f"contains the control character U+{code:04X}",
            "remove it; it could rewrite the terminal",
        )
    return Problem(path, line, "", f"contains U+{code:04X}, which YAML does not allow", "remove it")


def _syntax_problem(exc: yaml.YAMLError, path: str, text: str) -> Problem:
    """A located syntax problem in touchplan's words, judged from the text itself.

    The parser's wording changes between releases; only cases the text does not explain
    fall back to quoting it.
    """
    if isinstance(exc, yaml.reader.ReaderError):
        return _character_problem(exc, path, text)
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def offset(mark: _Mark | None) -> int | None:
        if mark is None or not 0 <= mark.line < len(starts):
            return None
        return min(starts[mark.line] + mark.column, len(text))

    problem_mark: _Mark | None = getattr(exc, "problem_mark", None)
    context_mark: _Mark | None = getattr(exc, "context_mark", None)
    at = offset(problem_mark)
    opened = offset(context_mark)
    line = problem_mark.line + 1 if problem_mark is not None else None
    # replay up to the end of the problem's line: libyaml had read that far
    end = len(text) if at is None else next((s for s in starts if s > at), len(text))
    too_deep, still_open = _replay(text, end)
    if too_deep is not None:
        return _too_deep(path, _line_of(too_deep.start_mark))
    char = text[at] if at is not None and at < len(text) else ""
    opener = text[opened] if opened is not None and opened < len(text) else ""
    if at is not None and line is not None:
        row = text[starts[line - 1] : end]
        indent = row[: len(row) - len(row.lstrip(" \t"))]
        if char == "\t" or "\t" in indent:
            return Problem(
                path, line, "", "a tab where YAML needs spaces", "indent with spaces, not tabs"
            )
    if context_mark is not None and opener in ('"', "'"):
        if at is not None and not text[at:].strip():
            return Problem(
                path,
                context_mark.line + 1,
                "",
                f"the {opener} quote opened here is never closed",
                f"end the text with a matching {opener}",
            )
        if opener == '"' and char == "\\":
            return Problem(
                path,
                line,
                "",
                "an unknown escape in double-quoted text",
                "write \\\\ for a backslash, or use single quotes",
            )
    if char in ("@", "`"):
        return Problem(
            path, line, "", f"a value cannot start with {char}", "put the value in quotes"
        )
    if isinstance(still_open, yaml.CollectionStartEvent) and still_open.flow_style:
        bracket = "[" if isinstance(still_open, yaml.SequenceStartEvent) else "{"
        closer = "]" if bracket == "[" else "}"
        return Problem(
            path,
            _line_of(still_open.start_mark),
            "",
            f"the {bracket} opened here is not closed",
            f"close it with {closer}; separate items with commas",
        )
    if char == ":":
        return Problem(
            path,
            line,
            "",
            "a `:` where no key can start",
            "indent this key like the keys above it, or put text holding `: ` in quotes",
        )
    if isinstance(exc, yaml.parser.ParserError) and context_mark is not None:
        # the parser met a token that the block around it cannot hold: an indent slip
        return Problem(
            path,
            line,
            "",
            f"this line does not fit the block that starts on line {context_mark.line + 1}",
            "check its indentation against the lines above",
        )
    # anything else: the parser's own description, located
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}, {problem}" if context else str(problem)
    if context_mark is not None and line is not None and context_mark.line + 1 < line:
        message += f" (it starts on line {context_mark.line + 1})"
    return Problem(path, line, "", f"YAML syntax: {message}", "this is not valid YAML")


_ScalarNode = yaml.ScalarNode


def _scalar(node: yaml.ScalarNode) -> Scalar:
    start, end = node.start_mark, node.end_mark
    return Scalar(
        node.value, start.line + 1, start.column, end.line + 1, end.column, style=node.style or None
    )


def _convert(
    node: yaml.Node,
    path: str,
    seen: set[int] | None,
    problems: list[Problem],
    depth: int = 0,
) -> Node:
    """Our located tree from libyaml's nodes.

    ``seen`` tracks every node to catch aliases (an alias is a node met twice); a text
    without ``*`` cannot hold one, and most account files skip that bookkeeping.
    """
    if depth > MAX_DEPTH:
        # files under the cheap bound skip the event scan; Python recursion still needs a cap
        raise _TooDeep(_too_deep(path, node.start_mark.line + 1))
    if seen is not None:
        if id(node) in seen:
            problems.append(
                Problem(
                    path,
                    node.start_mark.line + 1,
                    "",
                    "YAML aliases (*name) are not allowed",
                    "write the value out in full",
                )
            )
            return Scalar("", node.start_mark.line + 1, node.start_mark.column, 0, 0)
        seen.add(id(node))
    if type(node) is _ScalarNode:
        return _scalar(node)
    start, end = node.start_mark, node.end_mark
    if isinstance(node, yaml.SequenceNode):
        items = [_convert(child, path, seen, problems, depth + 1) for child in node.value]
        return Seq(
            items,
            start.line + 1,
            start.column,
            end.line + 1,
            end.column,
            flow=bool(node.flow_style),
        )
    assert isinstance(node, yaml.MappingNode)
    result = Map(
        line=start.line + 1,
        col=start.column,
        end_line=end.line + 1,
        end_col=end.column,
        flow=bool(node.flow_style),
    )
    entries, key_cols = result.entries, result.key_cols
    for key_node, value_node in node.value:
        key_mark = key_node.start_mark
        key_line = key_mark.line + 1
        if type(key_node) is not _ScalarNode or (seen is not None and id(key_node) in seen):
            problems.append(
                Problem(path, key_line, "", "a key must be plain text", "use `name: value`")
            )
            continue
        if seen is None and type(value_node) is _ScalarNode:
            value: Node = _scalar(value_node)  # the common case, without a call level
        else:
            value = _convert(value_node, path, seen, problems, depth + 1)
        key = key_node.value
        if key in entries:
            first = entries[key][0]
            problems.append(
                Problem(
                    path,
                    key_line,
                    key,
                    f"duplicate key (first on line {first})",
                    "keep one of the two",
                )
            )
            continue
        entries[key] = (key_line, value)
        key_cols[key] = key_mark.column
    return result


def parse_document(data: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """Decode and compose one YAML document; never raises for bad input (``yamldoc.parse``)."""
    decoded = decode(data, path)
    if isinstance(decoded, Problem):
        return None, [decoded]
    return compose_document(*decoded, path)


def compose_document(text: str, bom: bool, path: str) -> tuple[Document | None, list[Problem]]:
    """Compose one decoded YAML document (``bom``: the file began with one)."""
    # the break new lines get: the file's own (old Mac files use a lone CR)
    newline = "\r\n" if "\r\n" in text else "\r" if "\r" in text and "\n" not in text else "\n"
    scanned = _depth_problem(text, path)
    if scanned is not None:
        return None, [scanned]
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))  # type: ignore[arg-type]
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(exc, path, text)]
    except (ValueError, RecursionError, MemoryError) as exc:  # defensive: never crash
        return None, [Problem(path, None, "", f"unreadable YAML: {exc}", "")]
    if len(nodes) > 1:
        second = nodes[1].start_mark.line + 1 if nodes[1] is not None else None
        return None, [
            Problem(
                path,
                second,
                "",
                f"expected one mapping, found {len(nodes)} YAML documents",
                "remove the extra `---` separators",
            )
        ]
    problems: list[Problem] = []
    try:
        seen: set[int] | None = set() if "*" in text else None  # no `*`, no alias
        root = _convert(nodes[0], path, seen, problems) if nodes else None
    except _TooDeep as exc:
        return None, [exc.problem]
    return Document(text, bom, newline, root), problems
