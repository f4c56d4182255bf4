"""An account as the plan cache stores it: plain JSON arrays, read back without YAML.

The cache keeps each file's parsed account apart from its plan, so a change to
touchplan.yaml re-plans from these instead of parsing every file again. JSON of
strings, numbers and lists only: reading it can never run code (never pickle). Dates
are day ordinals (0: none); each dataclass is an array in its fields' order, and
``FIELDS`` lets a test hold the codec to the model.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from touchplan.model import (
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
)

# The model's fields each array holds, in order (tests compare them with the model's).
FIELDS: dict[type, tuple[str, ...]] = {
    Account: (
        "slug", "file", "name", "tier", "owner", "since", "renewal", "value",
        "relationship", "status", "snooze", "contacts", "notes", "tags", "history",
        "added", "revenue", "crm_id", "domains", "website",
    ),
    Touch: (
        "date", "kind", "summary", "with_", "next", "problem", "resolved", "done",
        "renewal", "index", "line", "done_ids", "resolved_ids", "stage", "item", "until",
        "rating", "ref", "cancelled_ids",
    ),
    Contact: ("name", "role", "phone", "email", "birthday"),
    NextAction: ("due", "action", "booked"),
    Snooze: ("until", "reason"),
}  # fmt: skip

_KINDS = {k.value: k for k in TouchKind}
_STAGES = {s.value: s for s in RenewalStage}
_TIERS = {t.value: t for t in Tier}
_fromordinal = date.fromordinal


def _day(value: date | None) -> int:
    return value.toordinal() if value is not None else 0


def _touch(t: Touch) -> list[Any]:
    nxt = t.next
    return [
        t.date.toordinal(), t.kind.value, t.summary, t.with_,
        [nxt.due.toordinal(), nxt.action, nxt.booked.value if nxt.booked else ""]
        if nxt is not None else None,
        t.problem, t.resolved, t.done, _day(t.renewal), t.index, t.line,
        t.done_ids, t.resolved_ids, t.stage.value if t.stage else "", t.item, _day(t.until),
        t.rating, t.ref, t.cancelled_ids,
    ]  # fmt: skip


def dump_account(a: Account) -> str:
    """The account as one line of JSON."""
    snooze = [a.snooze.until.toordinal(), a.snooze.reason] if a.snooze else None
    row = [
        a.slug, a.file, a.name, a.tier.value, a.owner, _day(a.since), _day(a.renewal),
        a.value, a.relationship.value if a.relationship else "", a.status.value, snooze,
        [[c.name, c.role, c.phone, c.email, c.birthday] for c in a.contacts],
        a.notes, a.tags, [_touch(t) for t in a.history], _day(a.added), a.revenue,
        a.crm_id, a.domains, a.website,
    ]  # fmt: skip
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def _load_touch(t: list[Any]) -> Touch:
    nxt = t[4]
    return Touch(
        _fromordinal(t[0]), _KINDS[t[1]], t[2], t[3],
        NextAction(_fromordinal(nxt[0]), nxt[1], _KINDS[nxt[2]] if nxt[2] else None)
        if nxt is not None else None,
        t[5], t[6], t[7], _fromordinal(t[8]) if t[8] else None, t[9], t[10],
        tuple(t[11]), tuple(t[12]), _STAGES[t[13]] if t[13] else None, t[14],
        _fromordinal(t[15]) if t[15] else None, t[16], t[17], tuple(t[18]),
    )  # fmt: skip


# What a malformed stored text raises in ``load_account``: the caller parses the file.
DAMAGED = (ValueError, KeyError, IndexError, TypeError)


def load_account(text: str) -> Account:
    """The account ``dump_account`` wrote (a malformed text raises one of DAMAGED)."""
    a = json.loads(text)
    snooze = a[10]
    return Account(
        a[0], a[1], a[2], _TIERS[a[3]], a[4],
        _fromordinal(a[5]) if a[5] else None, _fromordinal(a[6]) if a[6] else None,
        a[7], Relationship(a[8]) if a[8] else None, Status(a[9]),
        Snooze(_fromordinal(snooze[0]), snooze[1]) if snooze is not None else None,
        tuple(Contact(*c) for c in a[11]), a[12], tuple(a[13]),
        tuple(_load_touch(t) for t in a[14]), _fromordinal(a[15]) if a[15] else None,
        a[16], a[17], tuple(a[18]), a[19],
    )  # fmt: skip
