"""People: whom to ask for, whose accounts to show, and which contact a name means."""

from __future__ import annotations

from touchplan.model import EVERYONE, Account, Contact, Item


def ask_for(item: Item, account: Account) -> Contact | None:
    """The contact the item names, else the account's first contact."""
    if item.contact:
        known = account.contact_named(item.contact)
        return known or Contact(item.contact)
    if account.contacts:
        return account.contacts[0]
    return None


def owned(accounts: list[Account], owner: str | None) -> list[Account]:
    """The accounts of ``owner`` (case-insensitive); all of them for None or "all"."""
    if not owner or owner.strip().lower() == EVERYONE:
        return accounts
    wanted = owner.strip().casefold()
    return [a for a in accounts if a.owner.casefold() == wanted]


def match_contact(account: Account, name: str) -> tuple[str, bool]:
    """A contact's full name from a case-insensitive name or first-name prefix, and
    whether it is one of the account's contacts (else ``name`` itself, stripped)."""
    wanted = name.strip().casefold()
    exact = [c for c in account.contacts if c.name.casefold() == wanted]
    if exact:
        return exact[0].name, True
    prefix = [c for c in account.contacts if c.name.casefold().startswith(wanted)]
    if len(prefix) == 1:
        return prefix[0].name, True
    return name.strip(), False
