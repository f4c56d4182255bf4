"""Account files: the schema, validated field by field with located problems."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from touchplan.dates import month_day
from touchplan.errors import Problem
from touchplan.model import (
    BOOKABLE_KINDS,
    Account,
    Contact,
    NextAction,
    Relationship,
    RenewalStage,
    Snooze,
    Status,
    Tier,
    Touch,
    TouchKind,
    split_booking,
)
from touchplan.text import control_chars
from touchplan.yamldoc import Document, Fields, Map, Node, Scalar, Seq, kind_name, parse

ACCOUNT_KEYS = (
    "name",
    "tier",
    "owner",
    "since",
    "added",
    "renewal",
    "value",
    "relationship",
    "status",
    "snooze",
    "contacts",
    "notes",
    "tags",
    "history",
    "revenue",
    "crm_id",
    "domains",
    "website",
)
CONTACT_KEYS = ("name", "role", "phone", "email", "birthday")
_TOUCH_KINDS = tuple(k.value for k in TouchKind)
_TIERS = tuple(t.value for t in Tier)
ENTRY_KEYS = (
    "date",
    "kind",
    "with",
    "summary",
    "next",
    "problem",
    "resolved",
    "done",
    "renewal",
    "stage",
    "item",
    "until",
    "rating",
    "cancelled",
    "ref",
)
_STAGES = tuple(s.value for s in RenewalStage)
ITEM_ID = re.compile(r"[0-9a-z]{3,16}")
# An e-mail domain: dot-separated labels of letters, digits and inner hyphens.
DOMAIN = re.compile(r"(?:[^\W_](?:[^\W_]|-)*\.)+[^\W_](?:[^\W_]|-)*[^\W_]")


def parse_next(text: str, f: Fields, node: Node, field: str) -> NextAction | None:
    """``2026-11-28 Confirm the delivery arrived`` -> NextAction; a booked appointment
    names its kind first: ``2027-01-12 visit: Chicago depot``."""
    head, _, action = text.strip().partition(" ")
    due = f.date_text(head, node, field)
    if due is None:
        return None
    booked, what = split_booking(action)
    if not what:
        f.problem(node, field, "says when but not what", "write `YYYY-MM-DD what to do`")
        return None
    assert booked is None or booked in BOOKABLE_KINDS
    return NextAction(due, what, booked)


def _flag_or_ids(
    f: Fields, node: Node, field: str, *, flag: bool = True
) -> tuple[bool, tuple[str, ...]] | None:
    """`done:`/`resolved:` hold `true`, one item id, or a list of ids (`cancelled:` only
    ids, ``flag=False``)."""
    flag_words = ("true", "false", "True", "False", "yes", "no")
    if isinstance(node, Scalar) and node.style is None and node.text in flag_words:
        if flag:
            return bool(f.boolean(node, field)), ()
        f.problem(node, field, f"{node.text!r} is not an item id", "write the ids it closes")
        return None
    nodes = node.items if isinstance(node, Seq) else [node]
    ids: list[str] = []
    for i, item in enumerate(nodes):
        where = f"{field}[{i}]" if isinstance(node, Seq) else field
        if not isinstance(item, Scalar) or item.is_null or not ITEM_ID.fullmatch(item.text.strip()):
            shown = item.text if isinstance(item, Scalar) else kind_name(item)
            f.problem(
                item,
                where,
                f"{shown!r} is not an item id",
                "write true, an id from `touchplan show`, or a list of ids"
                if flag
                else "write an id from `touchplan show`, or a list of ids",
            )
            return None
        ids.append(item.text.strip())
    return False, tuple(ids)


def _clean_text(f: Fields, node: Node, field: str, *, allow_empty: bool = True) -> str | None:
    value = f.text(node, field, allow_empty=allow_empty)
    if f.clean:
        return value  # the whole file was checked at once
    if value is not None and (bad := control_chars(value.replace("\n", "").replace("\t", ""))):
        f.problem(
            node,
            field,
            f"contains the control character U+{ord(bad[0]):04X}",
            "remove it; it could rewrite the terminal",
            fatal=False,
        )
    return value


def _read_contact(f: Fields, node: Node, where: str) -> Contact | None:
    m = f.mapping(node, where)
    if m is None:
        return None
    f.unknown_keys(m, CONTACT_KEYS, f"{where}.")
    if "name" not in m.entries:
        f.problem(m, where, "a contact needs a name", "add `name: ...`")
        return None
    values: dict[str, str] = {}
    for key in CONTACT_KEYS:
        if key in m.entries:
            value = _clean_text(f, m.entries[key][1], f"{where}.{key}", allow_empty=key != "name")
            if value is None:
                return None
            values[key] = value.strip()
    if values.get("birthday") and month_day(values["birthday"]) is None:
        f.problem(
            m.entries["birthday"][1],
            f"{where}.birthday",
            f"{values['birthday']!r} is not a day of the year",
            "use MM-DD, e.g. 03-14; no year",
        )
        return None
    return Contact(**values)


def _read_entry(f: Fields, node: Node, index: int) -> Touch | None:
    where = f"history[{index}]"
    m = f.mapping(node, where)
    if m is None:
        return None
    f.unknown_keys(m, ENTRY_KEYS, f"{where}.")
    e = m.entries
    if "date" not in e or "kind" not in e:
        missing = [k for k in ("date", "kind") if k not in e]
        f.problem(m, where, f"missing {' and '.join(missing)}", "every entry needs a date and kind")
        return None
    day = f.date(e["date"][1], f"{where}.date")
    kind = f.choice(e["kind"][1], f"{where}.kind", _TOUCH_KINDS)
    ok = day is not None and kind is not None
    texts: dict[str, str] = {}
    for key in ("summary", "with", "problem"):
        if key in e:
            value = _clean_text(f, e[key][1], f"{where}.{key}")
            ok = ok and value is not None
            texts[key] = (value or "").strip() if key != "summary" else (value or "")
    next_action = None
    if "next" in e:
        value = f.text(e["next"][1], f"{where}.next")
        if value:
            next_action = parse_next(value, f, e["next"][1], f"{where}.next")
            ok = ok and next_action is not None
    flags: dict[str, bool] = {}
    ids: dict[str, tuple[str, ...]] = {}
    for key in ("resolved", "done", "cancelled"):
        if key in e:
            read = _flag_or_ids(f, e[key][1], f"{where}.{key}", flag=key != "cancelled")
            ok = ok and read is not None
            if read is not None:
                flags[key], ids[key] = read
    stage = None
    if "stage" in e:
        chosen = f.choice(e["stage"][1], f"{where}.stage", _STAGES)
        ok = ok and chosen is not None
        stage = RenewalStage(chosen) if chosen else None
        if kind is not None and kind != TouchKind.RENEWAL:
            f.problem(e["stage"][1], f"{where}.stage", "only a `renewal` entry has a stage")
            ok = False
    item, until = "", None
    if kind == TouchKind.DEFER:
        for key in ("item", "until"):
            if key not in e:
                f.problem(m, f"{where}.{key}", "is missing", "a deferral needs item and until")
                ok = False
        if "item" in e:
            value = f.text(e["item"][1], f"{where}.item", allow_empty=False)
            if value is not None and not ITEM_ID.fullmatch(value.strip()):
                f.problem(e["item"][1], f"{where}.item", f"{value!r} is not an item id")
                value = None
            ok = ok and value is not None
            item = (value or "").strip()
        if "until" in e:
            until = f.date(e["until"][1], f"{where}.until")
            ok = ok and until is not None
    else:
        for key in ("item", "until"):
            if key in e:
                f.problem(e[key][1], f"{where}.{key}", "only a `defer` entry has it")
                ok = False
    rating = None
    if "rating" in e:
        rating = f.integer(e["rating"][1], f"{where}.rating", minimum=1)
        if rating is not None and rating > 5:
            f.problem(e["rating"][1], f"{where}.rating", f"{rating} is not between 1 and 5")
            rating = None
        ok = ok and rating is not None
        if kind is not None and kind != TouchKind.REVIEW:
            f.problem(e["rating"][1], f"{where}.rating", "only a `review` entry has a rating")
            ok = False
    ref = ""
    if "ref" in e:
        value = _clean_text(f, e["ref"][1], f"{where}.ref")
        ok = ok and value is not None
        ref = (value or "").strip()
    renewal = None
    if "renewal" in e:
        renewal = f.date(e["renewal"][1], f"{where}.renewal")
        ok = ok and renewal is not None
        if kind is not None and kind != TouchKind.RENEWAL:
            f.problem(e["renewal"][1], f"{where}.renewal", "only a `renewal` entry sets a new date")
            ok = False
    if not ok or day is None or kind is None:
        return None
    return Touch(
        date=day,
        kind=TouchKind(kind),
        summary=texts.get("summary", ""),
        with_=texts.get("with", ""),
        next=next_action,
        problem=texts.get("problem", ""),
        resolved=flags.get("resolved", False),
        done=flags.get("done", False),
        renewal=renewal,
        index=index,
        line=m.line,
        done_ids=ids.get("done", ()),
        resolved_ids=ids.get("resolved", ()),
        stage=stage,
        item=item,
        until=until,
        rating=rating,
        ref=ref,
        cancelled_ids=ids.get("cancelled", ()),
    )


def _read_domains(f: Fields, node: Node) -> tuple[str, ...]:
    """`domains:` one e-mail domain or a list of them, kept in lower case. A bad one is
    reported but keeps no account out of planning (only the calendar import reads them)."""
    nodes = node.items if isinstance(node, Seq) else [node]
    domains: list[str] = []
    for i, item in enumerate(nodes):
        where = f"domains[{i}]" if isinstance(node, Seq) else "domains"
        if isinstance(item, Scalar) and item.is_null:
            continue
        text = f.text(item, where) if isinstance(item, Scalar) else None
        if text is None:
            if not isinstance(item, Scalar):
                f.problem(item, where, f"expected a domain, found {kind_name(item)}", fatal=False)
            continue
        domain = text.strip().lower().removeprefix("@")
        if not DOMAIN.fullmatch(domain):
            f.problem(
                item,
                where,
                f"{text!r} is not an e-mail domain",
                "write what follows the @ of their addresses, e.g. acme.example",
                fatal=False,
            )
            continue
        if domain not in domains:
            domains.append(domain)
    return tuple(domains)


def _read_website(f: Fields, node: Node) -> str:
    """`website:` a web address (``https://www.acme.example`` or ``acme.example``)."""
    text = _clean_text(f, node, "website")
    if not text or not text.strip():
        return ""
    if not website_host(text):
        f.problem(
            node,
            "website",
            f"{text.strip()!r} is not a web address",
            "e.g. https://www.acme.example",
            fatal=False,
        )
        return ""
    return text.strip()


def website_host(address: str) -> str:
    """The host of a web address, lower case and without ``www.`` ("" when none)."""
    text = address.strip()
    try:
        host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    except ValueError:
        return ""
    host = host.removeprefix("www.")
    return host if DOMAIN.fullmatch(host) else ""


def account_from_document(
    doc: Document, slug: str, rel: str, problems: list[Problem]
) -> Account | None:
    """Build an Account from a parsed file, adding every problem found."""
    f = Fields(rel, problems)
    # One scan of the whole text instead of one per value: with no control character
    # and no backslash (a double-quoted escape could make one), no value can hold one.
    f.clean = "\\" not in doc.text and not control_chars(
        doc.text.replace("\n", "").replace("\r", "")
    )
    if doc.root is None or (isinstance(doc.root, Scalar) and doc.root.is_null):
        f.problem(1, "", "the file is empty", "an account needs at least `name:` and `tier:`")
        return None
    if not isinstance(doc.root, Map):
        f.problem(
            doc.root,
            "",
            "expected one mapping of account fields",
            "start with `name: ...` on the first line",
        )
        return None
    root = doc.root
    f.unknown_keys(root, ACCOUNT_KEYS)
    e = root.entries
    before = sum(p.fatal for p in problems)
    for key in ("name", "tier"):
        if key not in e:
            f.problem(root, key, "is missing", f"add `{key}: ...`")
    name = _clean_text(f, e["name"][1], "name", allow_empty=False) if "name" in e else None
    tier = f.choice(e["tier"][1], "tier", _TIERS) if "tier" in e else None
    owner = _clean_text(f, e["owner"][1], "owner") if "owner" in e else ""
    since = f.date(e["since"][1], "since") if "since" in e else None
    added = f.date(e["added"][1], "added") if "added" in e else None
    renewal = f.date(e["renewal"][1], "renewal") if "renewal" in e else None
    value = None
    if "value" in e and not (isinstance(e["value"][1], Scalar) and e["value"][1].is_null):
        value = f.number(e["value"][1], "value")
    revenue = None
    if "revenue" in e and not (isinstance(e["revenue"][1], Scalar) and e["revenue"][1].is_null):
        revenue = f.number(e["revenue"][1], "revenue")
    crm_id = _clean_text(f, e["crm_id"][1], "crm_id") if "crm_id" in e else ""
    relationship = None
    if "relationship" in e:
        chosen = f.choice(e["relationship"][1], "relationship", [r.value for r in Relationship])
        relationship = Relationship(chosen) if chosen else None
    status = Status.ACTIVE
    if "status" in e:
        chosen = f.choice(e["status"][1], "status", [s.value for s in Status])
        status = Status(chosen) if chosen else status
    snooze = None
    if "snooze" in e and (m := f.mapping(e["snooze"][1], "snooze")):
        f.unknown_keys(m, ("until", "reason"), "snooze.")
        if "until" not in m.entries:
            f.problem(m, "snooze.until", "is missing", "add `until: YYYY-MM-DD`")
        else:
            until = f.date(m.entries["until"][1], "snooze.until")
            reason = (
                _clean_text(f, m.entries["reason"][1], "snooze.reason")
                if "reason" in m.entries
                else ""
            )
            if until is not None:
                snooze = Snooze(until, (reason or "").strip())
    contacts: list[Contact] = []
    if "contacts" in e and (seq := f.sequence(e["contacts"][1], "contacts")):
        for i, item in enumerate(seq.items):
            contact = _read_contact(f, item, f"contacts[{i}]")
            if contact is not None:
                contacts.append(contact)
    notes = _clean_text(f, e["notes"][1], "notes") if "notes" in e else ""
    tags: list[str] = []
    if "tags" in e and (seq := f.sequence(e["tags"][1], "tags")):
        for i, item in enumerate(seq.items):
            tag = _clean_text(f, item, f"tags[{i}]")
            if tag:
                tags.append(tag.strip())
    domains = _read_domains(f, e["domains"][1]) if "domains" in e else ()
    website = _read_website(f, e["website"][1]) if "website" in e else ""
    history: list[Touch] = []
    if "history" in e and (seq := f.sequence(e["history"][1], "history")):
        if seq.flow and seq.items:
            f.problem(
                seq,
                "history",
                "is a flow list `[...]`",
                "write one `- date: ...` entry per line so `log` can append",
                fatal=False,
            )
        for i, item in enumerate(seq.items):
            touch = _read_entry(f, item, i)
            if touch is not None:
                history.append(touch)
    if sum(p.fatal for p in problems) > before or name is None or tier is None:
        return None
    return Account(
        slug=slug,
        file=rel,
        name=name.strip(),
        tier=Tier(tier),
        owner=(owner or "").strip(),
        since=since,
        added=added,
        renewal=renewal,
        value=value,
        relationship=relationship,
        status=status,
        snooze=snooze,
        contacts=tuple(contacts),
        notes=notes or "",
        tags=tuple(tags),
        history=tuple(history),
        revenue=revenue,
        crm_id=(crm_id or "").strip(),
        domains=domains,
        website=website,
    )


def read_account(data: bytes, slug: str, rel: str) -> tuple[Account | None, list[Problem]]:
    """Parse and validate one account file's bytes."""
    doc, problems = parse(data, rel)
    if doc is None:
        return None, problems
    account = account_from_document(doc, slug, rel, problems)
    # in file order, like a compiler; sorted() is stable for problems on one line
    problems.sort(key=lambda p: p.line or 0)
    if any(p.fatal for p in problems):
        # a duplicate key or an alias leaves the data ambiguous: never plan from a guess
        return None, problems
    return account, problems
