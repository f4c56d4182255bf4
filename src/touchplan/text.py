"""Text hygiene: what may be written to a file, what may reach a terminal, and the safe
file names (slugs) that names become."""

from __future__ import annotations

import re
import unicodedata

from touchplan.errors import UsageError

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


def one_line(text: str) -> str:
    """Text from outside (a calendar event's title) as one clean line: control
    characters and line breaks become spaces, runs of white space one space."""
    return " ".join(_CONTROL_WITH_NL.sub(" ", unicodedata.normalize("NFC", text)).split())


_SLUG_DROP = re.compile(r"[^a-z0-9]+")
# letters NFKD does not decompose into ASCII
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "TH",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ð": "d",
        "Ð": "D",
    }
)
MAX_SLUG = 80
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def slugify(name: str) -> str:
    """A safe file name stem: ASCII letters, digits and dashes, under 80 characters.

    NFKD folds accents (``Café`` -> ``cafe``, NFC and NFD alike); everything else
    becomes a dash, so no slug can hold a path separator, a dot or a control character.
    """
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
    folded = decomposed.encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_DROP.sub("-", folded.lower()).strip("-")
    slug = slug[:MAX_SLUG].rstrip("-")
    if slug in _RESERVED:
        slug = f"{slug}-account"
    return slug


def fold_name(text: str) -> str:
    """A name as a lookup key: case and runs of whitespace do not matter
    (``"Sam  REP"`` and ``"sam rep"`` are the same owner)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
