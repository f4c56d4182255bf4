"""Text hygiene: what may be written to a file, and what may reach a terminal."""

from __future__ import annotations

import re
import unicodedata

# C0 controls, DEL, C1 controls (incl. U+0085 NEL and U+009B CSI), line/paragraph
# separators (YAML line breaks), and bidi embeddings/overrides/isolates (text that
# displays differently from what it is).
# Lone surrogates (U+D800-U+DFFF) are how Python carries command-line bytes that are
# not UTF-8: they cannot be written to a file or a terminal.
_SPECIAL = "\u061c\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_SPECIAL}]")
_CONTROL_WITH_NL = re.compile(f"[\x00-\x1f\x7f-\x9f{_SPECIAL}]")


def control_chars(text: str) -> str:
    """The control characters in ``text`` (newline and tab allowed), in order."""
    return "".join(_CONTROL.findall(text.replace("\t", " ")))


def check_input(text: str, what: str, *, multiline: bool = False) -> str:
    """Text typed by the user, ready to write; raises UsageError for control chars.

    A file must never become unloadable or able to rewrite someone's terminal, so we
    refuse rather than guess. CRLF from a paste becomes LF; tabs become spaces.
    """
    from touchplan.errors import UsageError

    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\t", " "))
    pattern = _CONTROL if multiline else _CONTROL_WITH_NL
    bad = pattern.search(text)
    if bad:
        char = bad.group()
        if char == "\n":
            shown = "a newline"
        elif "\ud800" <= char <= "\udfff":
            shown = "bytes that are not UTF-8"
        else:
            shown = f"the control character U+{ord(char):04X}"
        raise UsageError(f"{what} contains {shown}", "remove it and try again")
    return text


def for_display(value: object, *, multiline: bool = True) -> str:
    """Any value as printable text: control characters shown as visible escapes."""
    text = value if isinstance(value, str) else str(value)

    def show(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\n":
            return "\n" if multiline else " "
        if char == "\t":
            return " "
        return f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}"

    return _CONTROL_WITH_NL.sub(show, text)


def fold_name(text: str) -> str:
    """A name as a lookup key: case and runs of whitespace do not matter
    (``"Sam  REP"`` and ``"sam rep"`` are the same owner)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
