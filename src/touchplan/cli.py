"""The Typer app: thin commands over store/schedule/render. The only module that exits."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from touchplan import __version__
from touchplan.completion import complete_account, complete_owner, complete_touch_kind
from touchplan.dates import DATE_HELP, parse_date, parse_days, split_date
from touchplan.edit import (
    AppendEntry,
    Both,
    Edit,
    Plain,
    SetBlock,
    SetScalars,
    apply_edit,
    create_file,
)
from touchplan.errors import (
    EXIT_DATA,
    EXIT_USAGE,
    AccountFileError,
    AmbiguousError,
    Problem,
    TouchplanError,
    UsageError,
)
from touchplan.model import Account, Item, ItemKind, TouchKind
from touchplan.policy import Policy, load_policy
from touchplan.schedule import (
    closes_on_done,
    due_items,
    is_planned,
    plan_account,
    plan_week,
    rank_key,
)
from touchplan.store import (
    ACCOUNTS_DIR,
    Book,
    direct_hit,
    find_root,
    iter_account_files,
    list_account_rels,
    load_book,
    load_file,
    resolve_rel,
    slugify,
)
from touchplan.text import check_input, for_display


def _lazy(name: str) -> Any:
    """Import a module on first use: `--help` and `--version` must not pay for Rich."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


render = _lazy("touchplan.render")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class SafeGroup(TyperGroup):
    """Reports every error in one place, with data made inert, and picks the exit code."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except TouchplanError as exc:
            report_error(exc)
            result = exc.exit_code
        except typer.Abort:
            render.stderr_console().print(render.safe("Aborted.", "red"))
            result = EXIT_DATA
        except TyperException as exc:  # Typer's usage errors: data in them made inert
            result = report_usage_error(exc)
        except BrokenPipeError:
            # the reader of our output went away (e.g. `| head`): not an error to shout about
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115
            result = EXIT_DATA
        if not standalone:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def report_usage_error(exc: Exception) -> int:
    code = getattr(exc, "exit_code", EXIT_USAGE)
    format_message = getattr(exc, "format_message", None)
    message = format_message() if callable(format_message) else str(exc)
    if type(exc).__name__ == "NoArgsIsHelpError":
        sys.stdout.write(for_display(message) + "\n")
        return EXIT_USAGE
    err = render.stderr_console()
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        err.print(render.safe(ctx.get_usage()))
        err.print(render.safe(f"Try '{ctx.command_path} --help' for help."))
    err.print(render.safe(f"error: {message}", "red", multiline=False))
    return int(code)


app = typer.Typer(
    cls=SafeGroup,
    help="touchplan: whom to call today, and why. Accounts are YAML files in git.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def report_error(exc: TouchplanError) -> None:
    err = render.stderr_console()
    if isinstance(exc, AccountFileError):
        for problem in exc.problems:
            err.print(render.problem_line(problem))
        return
    err.print(render.safe(f"error: {exc}", "red"))
    if isinstance(exc, AmbiguousError):
        for candidate in exc.candidates:
            err.print(render.safe(f"  {candidate}"))


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"touchplan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """touchplan: whom to call today, and why. Accounts are YAML files in git."""


# -- shared options --------------------------------------------------------------------

DirOpt = Annotated[
    str | None,
    typer.Option(
        "--dir",
        help="Data folder (else TOUCHPLAN_DIR, else the nearest folder upwards "
        "holding touchplan.yaml or accounts/).",
        show_default=False,
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help=f"Plan as if today were this date ({DATE_HELP}). TOUCHPLAN_TODAY does the same.",
        show_default=False,
    ),
]
OwnerOpt = Annotated[
    str | None,
    typer.Option(
        "--owner",
        help="Only this owner's accounts ('all' for everyone). Default: you, when touchplan "
        "knows who you are (TOUCHPLAN_OWNER, `me:` in touchplan.local.yaml, or your git "
        "email under `owners:`), else everyone.",
        show_default=False,
        autocompletion=complete_owner,
    ),
]
AccountArg = Annotated[
    str,
    typer.Argument(
        metavar="ACCOUNT",
        help="Slug, unique slug prefix, or name.",
        autocompletion=complete_account,
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def real_today() -> date:
    """The date planning starts from: TOUCHPLAN_TODAY (tests, demos) or the clock."""
    env = os.environ.get("TOUCHPLAN_TODAY", "").strip()
    clock = date.today()
    if env:
        return parse_date(env, clock, "TOUCHPLAN_TODAY")
    return clock


def pick_today(date_opt: str | None) -> date:
    base = real_today()
    return parse_date(date_opt, base, "--date") if date_opt else base


def out() -> Any:
    return render.stdout_console()


# Characters that are valid in JSON strings but would act on a terminal (C1 controls
# such as U+009B CSI, bidi overrides, line separators): written as \uXXXX escapes.
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def emit_json(data: object) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


def emit_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    sys.stdout.write(buffer.getvalue())


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        raw = "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        raw = " ".join(str(v) for v in value.values() if v)
    else:
        raw = str(value)
    text = for_display(raw, multiline=False)  # a cell must never act on a terminal
    # a spreadsheet would run a cell starting with these as a formula
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def warn(message: str) -> None:
    render.stderr_console().print(render.safe(message, "yellow"))


def open_book(dir_opt: str | None) -> tuple[Path, Policy, Book]:
    """Root, policy and every account; problems become warnings, never a stop."""
    root = find_root(dir_opt)
    policy = policy_with_warnings(root)
    book = load_book(root)
    return root, policy, book


def policy_with_warnings(root: Path) -> Policy:
    policy, problems = load_policy(root)
    for problem in problems:
        if problem.fatal:
            warn(f"warning: {problem} — using the default for it")
    return policy


def warn_skipped(skipped: list[str]) -> None:
    """Name the account files left out of planning, on stderr."""
    if skipped:
        render.stderr_console().print(render.skipped_warning(skipped))


def default_owner(dir_opt: str | None, owner: str | None) -> str | None:
    """--owner, else the current rep (see touchplan.team), else None: everyone."""
    if owner is not None:
        return owner
    from touchplan.team import current_owner

    return current_owner(find_root(dir_opt))


def owned(accounts: list[Account], owner: str | None) -> list[Account]:
    if not owner or owner.strip().lower() == "all":
        return accounts
    wanted = owner.strip().casefold()
    return [a for a in accounts if a.owner.casefold() == wanted]


def find_account(root: Path, name: str) -> tuple[Path, Account]:
    """One account by slug, prefix or name, without reading the other 40,000 files."""
    from touchplan.cache import names_lookup

    path = direct_hit(root, name) or resolve_rel(
        list_account_rels(root), root, name, by_name=names_lookup(root)
    )
    account, problems = load_file(root, path)
    if account is None:
        raise AccountFileError(path, [p for p in problems if p.fatal] or problems)
    return path, account


# -- today ------------------------------------------------------------------------------

TODAY_CSV = (
    "account",
    "name",
    "tier",
    "owner",
    "kind",
    "action",
    "due",
    "overdue_days",
    "score",
    "reasons",
    "contact",
    "last_touch",
    "file",
)


@app.command()
def today(
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="List every due item, not just today's capacity.")
    ] = False,
    owner: OwnerOpt = None,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse every file; neither read nor write the cache.")
    ] = False,
    dir_opt: DirOpt = None,
) -> None:
    """Today's calls, ranked: what to do, why, whom to ask for, and what was said last."""
    day = pick_today(date_opt)
    owner = default_owner(dir_opt, owner)
    if no_cache:
        _root, policy, book = open_book(dir_opt)
        items = due_items(owned(book.accounts, owner), policy, day)
        total = len(items)
        shown = items if show_all else items[: policy.capacity]
        by_slug, skipped = book.by_slug(), book.skipped
    else:
        shown, total, by_slug, skipped, policy = plan_today_cached(dir_opt, day, owner, show_all)
    more = total - len(shown)
    if fmt is Format.json:
        emit_json(render.today_json(day, shown, more, by_slug, skipped))
    elif fmt is Format.csv:
        emit_csv([render.item_json(i, by_slug[i.account], day) for i in shown], TODAY_CSV)
    else:
        out().print(render.today_view(day, shown, more, by_slug, total))
    warn_skipped(skipped)


def plan_today_cached(
    dir_opt: str | None, day: date, owner: str | None, show_all: bool
) -> tuple[list[Item], int, dict[str, Account], list[str], Policy]:
    """Rank every due item from the cache; plan in full only the accounts shown."""
    from touchplan.cache import build_index, rank_due

    root = find_root(dir_opt)
    policy = policy_with_warnings(root)
    reporter = render.ProgressReporter("Reading accounts")
    try:
        index = build_index(root, policy, day, progress=reporter)
    finally:
        reporter.close()
    limit = None if show_all else policy.capacity
    try:
        ranked, total = rank_due(index, policy, day, owner, limit)
    finally:
        index.db.close()
    chosen: dict[str, str] = {}
    for slug, rel in ranked:
        chosen.setdefault(slug, rel)
    accounts: dict[str, Account] = {}
    items: list[Item] = []
    for slug, rel in chosen.items():
        account, problems = load_file(root, root / rel)
        if account is None:  # changed since the scan a moment ago
            raise AccountFileError(rel, [p for p in problems if p.fatal] or problems)
        accounts[slug] = account
        items.extend(i for i in plan_account(account, policy, day) if i.due <= day)
    items.sort(key=rank_key)
    return items[: len(ranked)], total, accounts, index.skipped, policy


# Items that stay open until a matching touch or an explicit close.
OPEN_UNTIL_CLOSED = frozenset(
    {ItemKind.FOLLOW_UP, ItemKind.GAP_CHECK, ItemKind.PROBLEM, ItemKind.THANK_YOU}
)

# -- log --------------------------------------------------------------------------------

KINDS_HELP = ", ".join(k.value for k in TouchKind)


def _kind(value: str) -> TouchKind:
    try:
        return TouchKind(value.strip().lower())
    except ValueError:
        raise UsageError(
            f"--kind: {value!r} is not a kind",
            f"use one of {KINDS_HELP}",
        ) from None


def _match_contact(account: Account, name: str) -> tuple[str, bool]:
    """A contact's full name from a case-insensitive name or first-name prefix."""
    wanted = name.strip().casefold()
    exact = [c for c in account.contacts if c.name.casefold() == wanted]
    if exact:
        return exact[0].name, True
    prefix = [c for c in account.contacts if c.name.casefold().startswith(wanted)]
    if len(prefix) == 1:
        return prefix[0].name, True
    return name.strip(), False


@app.command()
def log(
    account_name: AccountArg,
    summary: Annotated[
        str | None, typer.Argument(help="What happened (prompted on a terminal when left out).")
    ] = None,
    kind: Annotated[
        str,
        typer.Option(
            "--kind", "-k", help=f"One of: {KINDS_HELP}.", autocompletion=complete_touch_kind
        ),
    ] = "call",
    with_: Annotated[
        str | None,
        typer.Option("--with", "-w", help="Whom you spoke to (a contact's name or first name)."),
    ] = None,
    date_opt: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="When it happened (YYYY-MM-DD, today, yesterday, -3d, or a weekday name: "
            "the last one); default today.",
        ),
    ] = None,
    next_: Annotated[
        str | None,
        typer.Option(
            "--next",
            "-n",
            help='A promised follow-up: "DATE ACTION", e.g. "friday Send the quote".',
        ),
    ] = None,
    done: Annotated[
        bool, typer.Option("--done", help="Close the account's due follow-ups and gap checks.")
    ] = False,
    problem: Annotated[
        str | None, typer.Option("--problem", help="Open a problem with this description.")
    ] = None,
    resolved: Annotated[
        bool, typer.Option("--resolved", help="Close the account's open problems.")
    ] = False,
    renewal_date: Annotated[
        str | None,
        typer.Option("--renewal-date", help="With --kind renewal: the next renewal date."),
    ] = None,
    dir_opt: DirOpt = None,
) -> None:
    """Record a touch: appends one entry to the account's history, nothing else changes."""
    base = real_today()
    touch_kind = _kind(kind)
    when = parse_date(date_opt, base, "--date", past=True) if date_opt else base
    if when > base:
        raise UsageError(
            f"--date {when.isoformat()} is in the future",
            "log records touches that happened; promise future ones with --next",
        )
    root = find_root(dir_opt)
    path, account = find_account(root, account_name)
    policy, _ = load_policy(root)
    if summary is None and sys.stdin.isatty() and sys.stdout.isatty():
        summary = typer.prompt("Summary", default="", show_default=False)
    fields: list[tuple[str, str]] = [("date", Plain(when.isoformat())), ("kind", touch_kind.value)]
    if with_:
        contact, known = _match_contact(account, check_input(with_, "--with"))
        if not known:
            warn(f"note: {contact!r} is not among {account.name}'s contacts")
        fields.append(("with", contact))
    if summary:
        fields.append(("summary", check_input(summary, "the summary", multiline=True).strip()))
    if next_:
        due, action = split_date(check_input(next_, "--next"), base, "--next")
        if not action:
            raise UsageError(
                "--next needs a date and an action", 'e.g. --next "friday Send the quote"'
            )
        if due < when:
            raise UsageError(f"--next {due.isoformat()} is before the touch itself")
        fields.append(("next", f"{due.isoformat()} {action.strip()}"))
    if problem:
        fields.append(("problem", check_input(problem, "--problem").strip()))
    if resolved:
        fields.append(("resolved", Plain("true")))
    if done:
        fields.append(("done", Plain("true")))
    closing = closes_on_done(account, policy, when) if done else []
    if done and not closing:
        warn("note: --done found no open follow-up or gap check to close")
    if resolved and not any(
        i.kind is ItemKind.PROBLEM for i in plan_account(account, policy, when)
    ):
        warn("note: --resolved found no open problem; the entry still tightens the cadence")
    edit: Edit = AppendEntry(tuple(fields))
    if renewal_date:
        if touch_kind is not TouchKind.RENEWAL:
            raise UsageError("--renewal-date goes with --kind renewal")
        new_renewal = parse_date(renewal_date, base, "--renewal-date")
        if new_renewal <= when:
            raise UsageError(f"--renewal-date {new_renewal.isoformat()} is not after the touch")
        fields.append(("renewal", Plain(new_renewal.isoformat())))
        edit = Both(
            AppendEntry(tuple(fields)), SetScalars((("renewal", Plain(new_renewal.isoformat())),))
        )
    written = apply_edit(root, path, edit)
    after, _ = load_account_bytes(root, path, written)
    console = out()
    line = render.safe(f"Logged {touch_kind.value}", "green")
    line.append_text(render.safe(f" with {dict(fields)['with']}" if with_ else ""))
    line.append_text(render.safe(f" on {when.isoformat()} → {after.file}"))
    console.print(line)
    for item in closing:
        console.print(
            render.safe(
                f"Closed {item.kind.value}: {item.action} (due {item.due.isoformat()})", "dim"
            )
        )
    if renewal_date:
        console.print(render.safe(f"Renewal date moved to {dict(fields)['renewal']}"))
    items = plan_account(after, policy, base)
    upcoming = sorted(items, key=lambda i: (i.due, i.kind.value))
    if upcoming:
        first = upcoming[0]
        nxt = render.safe("Next: ", "bold")
        nxt.append_text(
            render.safe(f"{first.kind.value} — {first.action} (due {first.due.isoformat()})")
        )
        console.print(nxt)
    still = [i for i in items if i.kind in OPEN_UNTIL_CLOSED or i.due <= base]
    if still:
        console.print(render.safe("Still open:", "bold"))
        for item in sorted(still, key=lambda i: i.due):
            console.print(
                render.safe(f"  {item.due.isoformat()}  {item.kind.value}: {item.action}")
            )


def load_account_bytes(root: Path, path: Path, data: bytes) -> tuple[Account, list[Problem]]:
    from touchplan.account_file import read_account

    account, problems = read_account(data, path.stem, path.relative_to(root).as_posix())
    if account is None:  # apply_edit verified it loads; this is a belt to its braces
        raise AccountFileError(path, problems)
    return account, problems


# -- add --------------------------------------------------------------------------------


def parse_contact(text: str) -> dict[str, str]:
    """``"Jane Smith, VP Ops, +1 555 0100, jane@acme.example"`` -> contact fields."""
    parts = [p.strip() for p in check_input(text, "--contact").split(",") if p.strip()]
    if not parts:
        raise UsageError("--contact is empty", 'use "Name, Role, Phone, Email"')
    contact = {"name": parts[0]}
    roles = []
    for part in parts[1:]:
        digits = sum(ch.isdigit() for ch in part)
        if "@" in part and "email" not in contact:
            contact["email"] = part
        elif digits >= 5 and digits >= len(part.replace(" ", "")) * 0.6 and "phone" not in contact:
            contact["phone"] = part
        else:
            roles.append(part)
    if roles:
        contact["role"] = ", ".join(roles)
    return {k: contact[k] for k in ("name", "role", "phone", "email") if k in contact}


def account_text(fields: list[tuple[str, str]], contacts: list[dict[str, str]]) -> str:
    from touchplan.edit import scalar_text

    lines = [f"{key}: {scalar_text(value)}" for key, value in fields]
    if contacts:
        lines.append("contacts:")
        for contact in contacts:
            for i, (key, value) in enumerate(contact.items()):
                lines.append(f"  {'- ' if i == 0 else '  '}{key}: {scalar_text(value)}")
    lines.append("history:")
    return "\n".join(lines) + "\n"


@app.command()
def add(
    name: Annotated[str, typer.Argument(help='The account\'s name, e.g. "Acme Corp".')],
    tier: Annotated[str, typer.Option("--tier", "-t", help="A, B or C.")],
    owner: Annotated[str | None, typer.Option("--owner", help="The rep responsible.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Customer since (default: today).")
    ] = None,
    renewal: Annotated[str | None, typer.Option("--renewal", help="Contract renewal date.")] = None,
    value: Annotated[float | None, typer.Option("--value", help="Annual value.", min=0)] = None,
    relationship: Annotated[
        str | None, typer.Option("--relationship", help="transactional, relational or partnering.")
    ] = None,
    contact: Annotated[
        list[str] | None,
        typer.Option("--contact", "-c", help='"Name, Role, Phone, Email"; repeat for more.'),
    ] = None,
    folder: Annotated[
        str | None, typer.Option("--folder", help="Sub-folder of accounts/, e.g. east.")
    ] = None,
    slug: Annotated[
        str | None,
        typer.Option("--slug", help="File name to use instead of one made from the name."),
    ] = None,
    dir_opt: DirOpt = None,
) -> None:
    """Create a new account file under accounts/."""
    base = real_today()
    clean_name = check_input(name, "the name").strip()
    if not clean_name:
        raise UsageError("the name is empty")
    tier_value = tier.strip().upper()
    if tier_value not in ("A", "B", "C"):
        raise UsageError(f"--tier: {tier!r} is not A, B or C")
    stem = slugify(slug if slug is not None else clean_name)
    if not stem:
        raise UsageError(
            f"{clean_name!r} has no letters or digits to make a file name from",
            "pass --slug, e.g. --slug acme",
        )
    parts = [slugify(p) for p in (folder or "").replace("\\", "/").split("/") if p.strip()]
    if any(not p for p in parts):
        raise UsageError(f"--folder {folder!r} is not a safe folder name")
    root = find_root(dir_opt)
    for existing in iter_account_files(root):
        if existing.stem.casefold() == stem:
            raise TouchplanError(
                f"an account with the slug {stem!r} exists: "
                f"{existing.relative_to(root).as_posix()}",
                "pass --slug to choose another file name",
            )
    fields: list[tuple[str, str]] = [("name", clean_name), ("tier", tier_value)]
    if owner:
        fields.append(("owner", check_input(owner, "--owner").strip()))
    fields.append(
        ("since", Plain((parse_date(since, base, "--since") if since else base).isoformat()))
    )
    if renewal:
        fields.append(("renewal", Plain(parse_date(renewal, base, "--renewal").isoformat())))
    if value is not None:
        fields.append(("value", Plain(f"{value:.0f}" if value == int(value) else f"{value}")))
    if relationship:
        if relationship not in ("transactional", "relational", "partnering"):
            raise UsageError(
                f"--relationship: {relationship!r} is not transactional, relational or partnering"
            )
        fields.append(("relationship", relationship))
    contacts = [parse_contact(c) for c in contact or []]
    text = account_text(fields, contacts)
    path = (
        root / ACCOUNTS_DIR / Path(*parts) / f"{stem}.yaml"
        if parts
        else root / ACCOUNTS_DIR / f"{stem}.yaml"
    )
    rel = path.relative_to(root).as_posix()
    from touchplan.account_file import read_account

    account, problems = read_account(text.encode(), stem, rel)
    if account is None or account.name != clean_name:
        raise TouchplanError(
            f"could not build a valid file for {clean_name!r}", "; ".join(str(p) for p in problems)
        )
    create_file(root, path, text.encode())
    out().print(render.safe(f"Created {rel}", "green"))
    items = [i for i in plan_account(account, load_policy(root)[0], base)]
    if items:
        first = min(items, key=lambda i: i.due)
        out().print(
            render.safe(f"Next: {first.kind.value} — {first.action} (due {first.due.isoformat()})")
        )


def account_plan(
    dir_opt: str | None, account_name: str, date_opt: str | None
) -> tuple[date, Account, list[Item]]:
    """The planning day, one account, and all its open items."""
    day = pick_today(date_opt)
    root = find_root(dir_opt)
    _path, account = find_account(root, account_name)
    policy, _ = load_policy(root)
    return day, account, plan_account(account, policy, day)


# -- show -------------------------------------------------------------------------------


@app.command()
def show(
    account_name: AccountArg,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """The account card: facts, contacts, open items with reasons, and the history."""
    day, account, items = account_plan(dir_opt, account_name, date_opt)
    if fmt is Format.json:
        emit_json({"date": day.isoformat(), **render.account_json(account, items, day)})
        return
    if fmt is Format.csv:
        raise UsageError("show has no csv format", "use --format json")
    out().print(render.account_card(account, items, day, account.is_snoozed(day)))


# -- why --------------------------------------------------------------------------------


@app.command()
def why(
    account_name: AccountArg,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """Each open item's score, term by term: measure × weight = value."""
    day, account, items = account_plan(dir_opt, account_name, date_opt)
    if fmt is Format.json:
        emit_json(render.why_json(account, items, day))
        return
    if fmt is Format.csv:
        raise UsageError("why has no csv format", "use --format json")
    if not is_planned(account, day):
        warn(
            f"note: {account.name} is {'lost' if account.status.value == 'lost' else 'snoozed'}"
            " and left out of planning"
        )
    out().print(render.why_view(account, items, day))


# -- week -------------------------------------------------------------------------------


@app.command()
def week(
    days: Annotated[
        int, typer.Option("--days", help="How many working days to plan.", min=1, max=60)
    ] = 5,
    owner: OwnerOpt = None,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """The coming working days planned within daily capacity, most urgent first."""
    day = pick_today(date_opt)
    owner = default_owner(dir_opt, owner)
    _root, policy, book = open_book(dir_opt)
    plan = plan_week(owned(book.accounts, owner), policy, day, days)
    by_slug = book.by_slug()
    if fmt is Format.json:
        emit_json(render.week_json(plan, by_slug, day))
    elif fmt is Format.csv:
        rows = [render.planned_json(p, by_slug) for p in plan.planned]
        emit_csv(rows, ("day", "carried_from", *TODAY_CSV))
    else:
        out().print(render.week_view(plan, by_slug, day))
    warn_skipped(book.skipped)


# -- renewals ---------------------------------------------------------------------------

RENEWALS_CSV = (
    "account",
    "name",
    "tier",
    "owner",
    "renewal",
    "days_left",
    "stage",
    "value",
    "started",
    "last_touch",
    "file",
)


@app.command()
def renewals(
    within: Annotated[
        str, typer.Option("--within", help="Window ahead, e.g. 120d, 8w, 3m.")
    ] = "120d",
    owner: OwnerOpt = None,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """Renewals in the window (and lapsed ones): stage, days left, value, last touch."""
    day = pick_today(date_opt)
    owner = default_owner(dir_opt, owner)
    horizon = parse_days(within, "--within")
    _root, policy, book = open_book(dir_opt)
    chosen = [
        a
        for a in owned(book.accounts, owner)
        if a.renewal is not None
        and a.status.value == "active"
        and (a.renewal - day).days <= horizon
    ]
    chosen.sort(key=lambda a: (a.renewal or day, a.slug))
    stages: dict[str, str] = {}
    started: dict[str, bool] = {}
    for account in chosen:
        assert account.renewal is not None
        renewal_items = [
            i for i in plan_account(account, policy, day) if i.kind is ItemKind.RENEWAL
        ]
        if not renewal_items:
            stages[account.slug] = "renewed"  # a renewal touch closed this date
        elif renewal_items[0].due <= day:
            stages[account.slug] = renewal_items[0].stage
        else:
            stages[account.slug] = "ahead"
        start = account.renewal - timedelta(days=policy.renewal_lead)
        started[account.slug] = any(t.is_contact and t.date >= start for t in account.history)
    rows = render.renewal_rows(chosen, stages, day, started)
    if fmt is Format.json:
        emit_json({"date": day.isoformat(), "within_days": horizon, "renewals": rows})
    elif fmt is Format.csv:
        emit_csv(rows, RENEWALS_CSV)
    else:
        out().print(render.renewals_table(rows, day, horizon))
    warn_skipped(book.skipped)


# -- snooze -----------------------------------------------------------------------------


@app.command()
def snooze(
    account_name: AccountArg,
    until: Annotated[
        str | None, typer.Option("--until", help=f"Pause until this date ({DATE_HELP}).")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (shown in show and report).")] = "",
    clear: Annotated[bool, typer.Option("--clear", help="End the pause now.")] = False,
    dir_opt: DirOpt = None,
) -> None:
    """Pause an account until a date; it comes back into `today` by itself."""
    base = real_today()
    if clear == bool(until):
        raise UsageError("give either --until DATE or --clear")
    root = find_root(dir_opt)
    path, account = find_account(root, account_name)
    if clear:
        if account.snooze is None:
            out().print(render.safe(f"{account.name} is not snoozed."))
            return
        apply_edit(root, path, SetBlock("snooze", ()))
        out().print(render.safe(f"{account.name} is back in planning.", "green"))
        return
    assert until is not None
    end = parse_date(until, base, "--until")
    if end <= base:
        raise UsageError(f"--until {end.isoformat()} is not in the future")
    fields: list[tuple[str, str]] = [("until", Plain(end.isoformat()))]
    reason = check_input(reason, "--reason").strip()
    if reason:
        fields.append(("reason", reason))
    apply_edit(root, path, SetBlock("snooze", tuple(fields)))
    out().print(render.safe(f"Snoozed {account.name} until {end.isoformat()}.", "green"))


# -- check ------------------------------------------------------------------------------


@app.command()
def check(dir_opt: DirOpt = None) -> None:
    """Validate every account file and touchplan.yaml: silent and exit 0 when all is well."""
    from touchplan.cache import build_index

    root = find_root(dir_opt)
    policy, problems = load_policy(root)
    reporter = render.ProgressReporter("Checking accounts")
    try:
        index = build_index(root, policy, real_today(), progress=reporter)
    finally:
        reporter.close()
    index.db.close()
    every = problems + index.problems
    if not every:
        return
    console = out()
    for problem in every:
        console.print(render.problem_line(problem), soft_wrap=True)
    files = len({p.path for p in every})
    plural = "" if files == 1 else "s"
    render.stderr_console().print(
        render.safe(
            f"{len(every)} problem{'' if len(every) == 1 else 's'} in {files} file{plural}", "red"
        )
    )
    raise typer.Exit(EXIT_DATA)


def main() -> NoReturn:
    """The console-script entry point."""
    app()
    sys.exit(0)  # pragma: no cover - app() always exits


# Commands in their own modules register themselves on import.
from touchplan import cli_extra, cli_team  # noqa: E402, F401
