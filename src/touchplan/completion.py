"""Shell-completion callbacks: account slugs and names, touch and item kinds, owners.

Typer calls these on every Tab press, so they must be quick and must never fail: any
problem (no data root, an unreadable file) means no candidates, not a traceback. Files
are not fully parsed: the top-level ``name:``/``owner:`` line is enough to offer a
candidate, and a file whose line cannot be read is offered by its slug alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import typer
import yaml

from touchplan.model import ItemKind, TouchKind
from touchplan.store import find_root, iter_account_files

# The top-level (unindented) `key: value` lines; the value is read by YAML itself.
_TOP_LINE = re.compile(rb"^(name|owner):[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)
MAX_READ = 64 * 1024  # the keys sit at the top; a huge history need not be read

TOUCH_HELP = {
    TouchKind.CALL: "a phone call",
    TouchKind.VISIT: "a visit at the customer's site",
    TouchKind.MEETING: "a meeting in person",
    TouchKind.EMAIL: "an email",
    TouchKind.LETTER: "a letter or card",
    TouchKind.NOTE: "an internal note (not a contact)",
    TouchKind.REVIEW: "a relationship review (health check)",
    TouchKind.SALE: "a sale or new order",
    TouchKind.RENEWAL: "the contract was renewed",
    TouchKind.THANK_YOU: "a thank-you sent",
    TouchKind.IMPORTED: "a contact recorded outside touchplan (a CRM's last activity)",
}
ITEM_HELP = {
    ItemKind.TOUCH: "regular contact by tier cadence",
    ItemKind.VISIT: "face-to-face visit due",
    ItemKind.REVIEW: "relationship review due",
    ItemKind.THANK_YOU: "thank-you after a sale, visit or meeting",
    ItemKind.GAP_CHECK: "check that what was delivered is what was expected",
    ItemKind.FOLLOW_UP: "a promised next action",
    ItemKind.PROBLEM: "an open problem",
    ItemKind.RENEWAL: "renewal stage",
}


def _root(ctx: typer.Context | None) -> Path | None:
    """The data root as the command would find it: --dir if typed, else as usual."""
    explicit = None
    if ctx is not None:
        value = ctx.params.get("dir_opt")
        explicit = value if isinstance(value, str) and value else None
    try:
        return find_root(explicit)
    except Exception:  # completion must never fail
        return None


def _top_values(path: Path) -> dict[str, str]:
    """The `name:` and `owner:` of a file, read cheaply; {} if they cannot be read."""
    try:
        with path.open("rb") as handle:
            head = handle.read(MAX_READ)
    except OSError:
        return {}
    found: dict[str, str] = {}
    for match in _TOP_LINE.finditer(head.removeprefix(b"\xef\xbb\xbf")):
        key = match.group(1).decode()
        if key in found:
            continue
        try:
            value = yaml.load(match.group(2), Loader=yaml.CSafeLoader)
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value).strip()
            if text and text.isprintable():
                found[key] = text
    return found


def _accounts(root: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """(slug, top values) for each account file."""
    for path in iter_account_files(root):
        yield path.stem, _top_values(path)


def account_candidates(root: Path, incomplete: str) -> list[tuple[str, str]]:
    """Slugs, then names, that start with ``incomplete`` (case-insensitive), with help.

    A slug is offered with the account's name as help; a name (which the user can
    type in quotes) with its slug. Slugs are unique across folders, so a slug always
    names exactly one account.
    """
    wanted = incomplete.casefold()
    by_slug: list[tuple[str, str]] = []
    by_name: list[tuple[str, str]] = []
    for slug, values in _accounts(root):
        name = values.get("name", "")
        if slug.casefold().startswith(wanted):
            by_slug.append((slug, name))
        elif name and name.casefold().startswith(wanted):
            by_name.append((name, slug))
    return sorted(by_slug) + sorted(by_name)


def owner_candidates(root: Path, incomplete: str) -> list[tuple[str, str]]:
    wanted = incomplete.casefold()
    counts: dict[str, int] = {}
    for _slug, values in _accounts(root):
        owner = values.get("owner")
        if owner and owner.casefold().startswith(wanted):
            counts[owner] = counts.get(owner, 0) + 1
    options = [(o, f"{n} account{'s' if n != 1 else ''}") for o, n in sorted(counts.items())]
    if "all".startswith(wanted):
        options.append(("all", "everyone's accounts"))
    return options


def complete_account(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """For ACCOUNT arguments (`log`, `show`, `why`, `snooze`)."""
    root = _root(ctx)
    if root is None:
        return []
    try:
        return account_candidates(root, incomplete)
    except Exception:  # an unreadable folder mid-walk: no candidates rather than a trace
        return []


def complete_owner(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """For --owner."""
    root = _root(ctx)
    if root is None:
        return []
    try:
        return owner_candidates(root, incomplete)
    except Exception:
        return []


def complete_touch_kind(incomplete: str) -> list[tuple[str, str]]:
    """For `log --kind`: what a history entry records."""
    wanted = incomplete.strip().casefold()
    return [(k.value, TOUCH_HELP[k]) for k in TouchKind if k.value.startswith(wanted)]


def complete_item_kind(incomplete: str) -> list[tuple[str, str]]:
    """For options that filter planned items by kind."""
    wanted = incomplete.strip().casefold()
    return [(k.value, ITEM_HELP[k]) for k in ItemKind if k.value.startswith(wanted)]
