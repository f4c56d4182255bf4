"""A new account file, as `touchplan add` and `touchplan import` write it.

Values are written so they load back as exactly what was meant: dates and numbers
plain, text quoted when YAML would read it as something else.
"""

from __future__ import annotations

from pathlib import Path

from touchplan.errors import TouchplanError
from touchplan.files.edit import (
    Plain,
    create_file,
    entry_lines,
    scalar_text,
)
from touchplan.files.schema import read_account
from touchplan.files.store import ACCOUNTS_DIR, iter_account_files
from touchplan.model import Account, Contact
from touchplan.planning.entry import NewAccount


def account_text(
    fields: list[tuple[str, str]],
    contacts: list[dict[str, str]],
    history: list[list[tuple[str, str]]] | None = None,
) -> str:
    """Top-level ``fields`` in order, the contacts, and ``history:`` (empty, to log into,
    or with the given entries)."""
    lines = [f"{key}: {scalar_text(value)}" for key, value in fields]
    if contacts:
        lines.append("contacts:")
        for contact in contacts:
            for i, (key, value) in enumerate(contact.items()):
                lines.append(f"  {'- ' if i == 0 else '  '}{key}: {scalar_text(value)}")
    lines.append("history:")
    for entry in history or []:
        lines.extend(entry_lines(entry, 2, 4))
    return "\n".join(lines) + "\n"


def contact_fields(contact: Contact) -> dict[str, str]:
    """The contact's keys that have a value, in the schema's order."""
    values = {"name": contact.name, "role": contact.role, "phone": contact.phone}
    values["email"] = contact.email
    return {key: value for key, value in values.items() if value}


def new_account_text(new: NewAccount) -> str:
    fields: list[tuple[str, str]] = [("name", new.name), ("tier", new.tier.value)]
    if new.owner:
        fields.append(("owner", new.owner))
    if new.since:
        fields.append(("since", Plain(new.since.isoformat())))
    if new.added:
        fields.append(("added", Plain(new.added.isoformat())))
    if new.renewal:
        fields.append(("renewal", Plain(new.renewal.isoformat())))
    if new.value is not None:
        value = new.value
        fields.append(("value", Plain(f"{value:.0f}" if value == int(value) else f"{value}")))
    if new.relationship:
        fields.append(("relationship", new.relationship.value))
    history = []
    if new.last_contact is not None:
        history.append(
            [
                ("date", Plain(new.last_contact.isoformat())),
                ("kind", "imported"),
                ("summary", "Last contact before touchplan (add --last-contact)"),
            ]
        )
    return account_text(fields, [contact_fields(c) for c in new.contacts], history)


def create_account(root: Path, new: NewAccount) -> Account:
    """Write the new account's file, refusing a slug in use anywhere under accounts/."""
    for existing in iter_account_files(root):
        if existing.stem.casefold() == new.slug:
            raise TouchplanError(
                f"an account with the slug {new.slug!r} exists: "
                f"{existing.relative_to(root).as_posix()}",
                "pass --slug to choose another file name",
            )
    text = new_account_text(new)
    path = root / ACCOUNTS_DIR / Path(*new.folder) / f"{new.slug}.yaml"
    rel = path.relative_to(root).as_posix()
    account, problems = read_account(text.encode(), new.slug, rel)
    if account is None or account.name != new.name:
        raise TouchplanError(
            f"could not build a valid file for {new.name!r}", "; ".join(str(p) for p in problems)
        )
    create_file(root, path, text.encode())
    return account
