"""Shell-completion callbacks: account slugs and names, touch kinds, owners.

Typer calls these on every Tab press, so they must be quick and must never fail: any
problem (no data root, an unreadable file) means no candidates, not a traceback. Files
are not fully parsed: the top-level ``name:``/``owner:`` line is enough to offer a
candidate (`files.store.headlines`), and a file whose line cannot be read is offered by
its slug alone. The files layer is imported inside the callbacks: building the
options of every command (for `--help` too) must not load it.
"""

from __future__ import annotations

from pathlib import Path

import typer

from touchplan.model import EVERYONE, TouchKind

TOUCH_HELP = {
    TouchKind.CALL: "a phone call",
    TouchKind.VISIT: "a visit at the customer's site",
    TouchKind.MEETING: "a meeting in person",
    TouchKind.EMAIL: "an email",
    TouchKind.LETTER: "a letter or card",
    TouchKind.NOTE: "an internal note (not a contact)",
    TouchKind.REVIEW: "a relationship review (health check)",
    TouchKind.SALE: "a sale or new order",
    TouchKind.RENEWAL: "renewal progress (--stage) or signed (--renewal-date)",
    TouchKind.THANK_YOU: "a thank-you sent",
    TouchKind.SHARE: "something useful sent: an article, an industry note",
    TouchKind.ATTEMPT: "a call that reached nobody (not a contact)",
}


def _root(ctx: typer.Context | None) -> Path | None:
    """The data root as the command would find it: --dir if typed, else as usual."""
    explicit = None
    if ctx is not None:
        value = ctx.params.get("dir_opt")
        explicit = value if isinstance(value, str) and value else None
    try:
        from touchplan.files.store import find_root

        return find_root(explicit)
    except Exception:  # completion must never fail
        return None


def account_candidates(root: Path, incomplete: str) -> list[tuple[str, str]]:
    """Slugs, then names, that start with ``incomplete`` (case-insensitive), with help.

    A slug is offered with the account's name as help; a name (which the user can
    type in quotes) with its slug. Slugs are unique across folders, so a slug always
    names exactly one account.
    """
    from touchplan.files.store import headlines

    wanted = incomplete.casefold()
    by_slug: list[tuple[str, str]] = []
    by_name: list[tuple[str, str]] = []
    for slug, values in headlines(root):
        name = values.get("name", "")
        if slug.casefold().startswith(wanted):
            by_slug.append((slug, name))
        elif name and name.casefold().startswith(wanted):
            by_name.append((name, slug))
    return sorted(by_slug) + sorted(by_name)


def owner_candidates(root: Path, incomplete: str) -> list[tuple[str, str]]:
    from touchplan.files.store import headlines

    wanted = incomplete.casefold()
    counts: dict[str, int] = {}
    for _slug, values in headlines(root):
        owner = values.get("owner")
        if owner and owner.casefold().startswith(wanted):
            counts[owner] = counts.get(owner, 0) + 1
    options = [(o, f"{n} account{'s' if n != 1 else ''}") for o, n in sorted(counts.items())]
    if EVERYONE.startswith(wanted):
        options.append((EVERYONE, "everyone's accounts"))
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
    return [(k.value, help) for k, help in TOUCH_HELP.items() if k.value.startswith(wanted)]
