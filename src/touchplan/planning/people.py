"""People: whom to ask for, whose accounts to show, and which contact a name means."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

from touchplan.errors import AmbiguousError
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


_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "dame", "herr", "frau"})


@lru_cache(maxsize=8192)  # the same few names come back on every entry of a history
def name_key(name: str) -> tuple[str, ...]:
    """A name as words to match: accents, case, punctuation and titles ignored
    (``Dr. Élodie Martin`` -> ``("elodie", "martin")``)."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    words = re.findall(r"[^\W_]+", plain)
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    return tuple(words)


def match_contact(account: Account, name: str) -> tuple[str, bool]:
    """A contact's full name from what the rep typed, and whether it is one of the
    account's contacts (else ``name`` itself, stripped).

    The whole name, else the start of it, else the start of any one of its words
    (``kim`` finds "Dr. Kim Lee", ``elodie`` "Élodie Martin", ``lee`` "Kim Lee"); accents,
    case and titles do not count. Two contacts matching as well raise AmbiguousError.
    """
    return Roster(account.contacts).match(name)


class Roster:
    """An account's contacts with their name keys worked out once, for matching many
    names (every `with` of a history) the way `match_contact` matches one."""

    def __init__(self, contacts: Sequence[Contact]) -> None:
        self.contacts = contacts
        self._keys: list[tuple[str, tuple[str, ...]]] | None = None
        self._seen: dict[str, tuple[str, bool]] = {}
        self._named: dict[str, tuple[str, ...]] = {}  # `with` -> `people`: names repeat

    @property
    def keys(self) -> list[tuple[str, tuple[str, ...]]]:
        if self._keys is None:  # worked out on the first match only
            self._keys = [(c.name, name_key(c.name)) for c in self.contacts]
        return self._keys

    def match(self, name: str) -> tuple[str, bool]:
        """As `match_contact`; AmbiguousError when two contacts match as well."""
        wanted = name_key(name)
        if not wanted:
            return name.strip(), False
        joined = " ".join(wanted)
        tests: tuple[Callable[[tuple[str, ...]], bool], ...] = (
            lambda key: key == wanted,
            lambda key: " ".join(key).startswith(joined),
            lambda key: len(wanted) == 1 and any(w.startswith(wanted[0]) for w in key),
        )
        for test in tests:
            found = list(dict.fromkeys(n for n, key in self.keys if test(key)))
            if len(found) == 1:
                return found[0], True
            if found:
                raise AmbiguousError(f"--with {name.strip()!r} could be any of", found)
        return name.strip(), False

    def people(self, with_: str) -> list[str]:
        """The people an entry's `with` names (``Jane, Raj Patel`` is two), each as the
        contact list spells them when it is one of them (an ambiguous name as written)."""
        named = self._named.get(with_)
        if named is None:
            named = self._named[with_] = tuple(self._people(with_))
        return list(named)

    def _people(self, with_: str) -> list[str]:
        found: list[str] = []
        for part in _SEPARATORS.split(with_):
            if not part.strip():
                continue
            if part not in self._seen:
                try:
                    self._seen[part] = self.match(part)
                except AmbiguousError:
                    self._seen[part] = (part.strip(), False)
            name = self._seen[part][0]
            if name not in found:
                found.append(name)
        return found


# Between the names of one `with`: a comma, a semicolon, a slash, "&" or "and".
_SEPARATORS = re.compile(r"\s*(?:[,;/&]|\band\b)\s*", re.IGNORECASE)
