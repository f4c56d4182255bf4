"""The fast path reads exactly what libyaml's path reads, or leaves the file to it.

``yamldoc.parse`` tries ``yamlfast`` first; whatever it returns must equal
``yamlparse.parse_document`` (libyaml) byte for byte: the same tree (values, styles, the
line and column of every node and of every collection's end), no problems. Checked on
every account file the repository holds, the bad-file corpus, a generated book, and
texts hypothesis makes of touchplan's layout with YAML's traps mixed in.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from touchplan.yamldoc import decode, parse
from touchplan.yamlfast import fast_root
from touchplan.yamlparse import parse_document

TESTS = Path(__file__).parent
REPO = TESTS.parent


def _same_as_libyaml(data: bytes) -> bool:
    """Whether the fast path took ``data``; asserts it read what libyaml reads."""
    assert parse(data, "accounts/x.yaml") == parse_document(data, "accounts/x.yaml")
    decoded = decode(data, "accounts/x.yaml")
    return isinstance(decoded, tuple) and fast_root(decoded[0]) is not None


def _files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())


def test_every_account_file_and_bad_file_reads_as_libyaml_reads_it() -> None:
    files = _files(REPO / "accounts", TESTS / "errors", TESTS / "data" / "display")
    files = [p for p in files if p.suffix in (".yaml", ".yml", ".bin")]
    assert len(files) > 60
    taken = {p.name for p in files if _same_as_libyaml(p.read_bytes())}
    # a file whose YAML libyaml finds a problem in is left to it (the assert above); one
    # that is good YAML is read here even when the schema then rejects a value in it
    assert {"syntax-bad-escape.yaml", "duplicate-key.yaml", "alias.yaml"}.isdisjoint(taken)
    assert {"bad-choices.yaml", "date-feb-30.yaml", "cobalt-fasteners.yaml"} <= taken


def test_a_generated_book_takes_the_fast_path(generated_book: Path) -> None:
    files = _files(generated_book / "accounts")
    assert len(files) == 250
    assert all(_same_as_libyaml(p.read_bytes()) for p in files)


# -- texts in touchplan's layout, and near it ---------------------------------------------

# Plain text that stays plain, and the characters YAML treats specially.
_SAFE = st.text(alphabet="abcXYZ019 .,/()+-_=;é日", min_size=1, max_size=12).filter(
    lambda s: s[0] not in " -.,/()+=;" and s[-1] != " "
)
_TRAPS = st.text(
    alphabet="ab :#-\"'\\[]{},&*!|>%@`?~\t\r\x85\u2028\ufeff\x07é",
    min_size=0,
    max_size=10,
)
_KEYS = st.sampled_from(["name", "tier", "date", "kind", "summary", "with", "k", "a_b"])
_ODD_KEYS = st.sampled_from(["a b", "-x", "é", "<<", "k" * 70, "? k", '"q"', "x:y", ""])


@st.composite
def _scalar(draw: st.DrawFn, traps: bool) -> str:
    text = draw(_TRAPS if traps and draw(st.booleans()) else _SAFE)
    quote = draw(st.sampled_from(["", "", '"', "'"]))
    trail = draw(
        st.sampled_from(["", "", "  ", " # note", "# x", " #"] if traps else ["", " ", "  # note"])
    )
    return f"{quote}{text}{quote}{trail}"


@st.composite
def _mapping(draw: st.DrawFn, indent: int, depth: int, traps: bool, first: str = "") -> list[str]:
    """Lines of a block mapping at ``indent``; ``first``: the item mark its first key
    follows (a sequence item), already indented."""
    keys = draw(st.lists(_ODD_KEYS if traps and draw(st.booleans()) else _KEYS, min_size=1,
                         max_size=4, unique=not traps))  # fmt: skip
    lines: list[str] = []
    for n, key in enumerate(keys):
        lead = first if n == 0 and first else " " * indent
        gap = draw(st.sampled_from([" ", " ", "  "])) if traps else " "
        nested = depth < 3 and draw(st.integers(0, 3)) == 0
        if nested:
            lines.append(f"{lead}{key}:" + draw(st.sampled_from(["", "", "  # a list"])))
            step = draw(st.integers(0 if traps else 1, 3))
            if draw(st.booleans()):
                lines += draw(_sequence(indent + step, depth + 1, traps))
            else:
                lines += draw(_mapping(indent + max(step, 1), depth + 1, traps))
        else:
            lines.append(f"{lead}{key}:{gap}{draw(_scalar(traps))}")
        if traps and draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["", "  # c", "#", "   ", "  more text"])))
    return lines


@st.composite
def _sequence(draw: st.DrawFn, indent: int, depth: int, traps: bool) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        mark = draw(st.sampled_from(["- ", "- ", "-  "] if traps else ["- ", "-   "]))
        if draw(st.booleans()):
            lines += draw(_mapping(indent + len(mark), depth + 1, traps, " " * indent + mark))
        else:
            lines.append(" " * indent + mark + draw(_scalar(traps)))
    return lines


@st.composite
def _document(draw: st.DrawFn, traps: bool) -> str:
    lines = draw(_mapping(0, 0, traps))
    if draw(st.booleans()):
        lines.insert(0, "# a comment")
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n", "\n# end\n"]))
    if traps and draw(st.booleans()):  # one character in, out or changed anywhere
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 1))
        text = (
            text[:at]
            + draw(st.sampled_from(["", " ", ":", "-", "#", '"', "\n", "\t"]))
            + text[at + cut :]
        )
    return text


_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_document(traps=False))
def test_touchplans_layout_takes_the_fast_path_and_reads_alike(text: str) -> None:
    assert _same_as_libyaml(text.encode())


@_SETTINGS
@given(_document(traps=True))
@example("name: a\nname: b\n")  # a duplicate key: libyaml's path names both lines
@example("name: a: b\n")
@example("name: a\n  b\n")  # a value going on over two lines
@example("summary: done # and a comment\n")
@example('summary: "done"# no space\n')
@example("summary: 'it''s' # a comment\n")
@example("contacts: # a comment\n  - name: x\n")
@example("name: # nothing\ntier: B\n")
# blocks nested three deep closed by a last line with no break after it: libyaml's
# ends of them fall inside that line when it is a comment or spaces
@example("name:\n name:\n  name:\n   name: 0\n\n\n\n#")
@example("name:\n name:\n  name:\n    name: 0\n\n\n\n   ")
@example('summary: "a \\" b"\n')
@example("history:\n- date: 2026-01-02\n")  # a sequence at its key's indent
@example("name:\ntier: B\n")  # an empty value
@example("name: x\n tier: B\n")
@example("contacts:\n  - name: x\n   role: y\n")
@example("name: &a x\nother: *a\n")
@example("a:\n  - x\n  b: y\n")
@example("name: x\n---\nname: y\n")
@example("name: 'it''s'\n")
@example("name: x\u2028y\n")
@example("name: x\x7fy\n")  # DEL, C1 controls, U+FFFE: characters libyaml refuses
@example("name: x\x9fy\n")
@example("name: x\ufffey\n")
@example("name: x\ufdd0y\n")  # a noncharacter libyaml takes
def test_any_text_reads_as_libyaml_reads_it(text: str) -> None:
    _same_as_libyaml(text.encode())
