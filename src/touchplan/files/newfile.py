"""The text of a new account file, as `touchplan add` and `touchplan import` write it."""

from __future__ import annotations

from touchplan.files.edit import scalar_text


def account_text(fields: list[tuple[str, str]], contacts: list[dict[str, str]]) -> str:
    """Top-level ``fields`` in order, the contacts, and an empty ``history:`` to log into."""
    lines = [f"{key}: {scalar_text(value)}" for key, value in fields]
    if contacts:
        lines.append("contacts:")
        for contact in contacts:
            for i, (key, value) in enumerate(contact.items()):
                lines.append(f"  {'- ' if i == 0 else '  '}{key}: {scalar_text(value)}")
    lines.append("history:")
    return "\n".join(lines) + "\n"
