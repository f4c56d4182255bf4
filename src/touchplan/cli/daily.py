"""The daily loop: `today`, `log`, `add`, `show`, `why`, `week`, `renewals`, `snooze`,
`check`. Each command reads its options, asks planning/ and files/ for the result and
hands it to views/ to print; the rules live in those packages, not here."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from touchplan.cli.completion import complete_touch_kind
from touchplan.cli.options import (
    AccountArg,
    DateOpt,
    DaysOpt,
    DirOpt,
    FolderOpt,
    FormatOpt,
    OwnerOpt,
    open_book,
    open_root,
    pick_owner,
    pick_today,
    real_today,
)
from touchplan.dates import DATE_HELP, parse_days
from touchplan.errors import EXIT_DATA, UsageError
from touchplan.model import TOUCH_KIND_NAMES, Status
from touchplan.views.output import (
    Format,
    emit,
    progress,
    say,
    show,
    show_problems,
    warn,
    warn_skipped,
)

if TYPE_CHECKING:
    from touchplan.model import Account, Item

# Each command imports what it works with: `--help`, `--version` and completion load
# only Typer and the options (see touchplan.cli).

AllOpt = Annotated[
    bool, typer.Option("--all", "-a", help="List every due item, not just today's capacity.")
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Parse every file; neither read nor write the cache.")
]


def today(
    show_all: AllOpt = False,
    owner: OwnerOpt = None,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    no_cache: NoCacheOpt = False,
    dir_opt: DirOpt = None,
) -> None:
    """Today's calls, ranked: what to do, why, whom to ask for, and what was said last."""
    from touchplan.files.cache import plan_today
    from touchplan.views import daily, records

    day = pick_today(date_opt)
    root, config = open_root(dir_opt)
    owner = pick_owner(root, config, owner)
    with progress("Reading accounts") as reporter:
        plan = plan_today(
            root, config, day, owner, show_all=show_all, use_cache=not no_cache, progress=reporter
        )
    shown, accounts = plan.items, plan.accounts
    more = plan.total - len(shown)
    emit(
        fmt,
        table=lambda: daily.today_view(day, shown, more, accounts, plan.total),
        document=lambda: records.today_record(day, shown, more, accounts, plan.skipped),
        rows=lambda: [records.item_record(i, accounts[i.account], day) for i in shown],
        columns=records.TODAY_CSV,
    )
    warn_skipped(plan.skipped)


# -- log --------------------------------------------------------------------------------

SummaryArg = Annotated[
    str | None, typer.Argument(help="What happened (prompted on a terminal when left out).")
]
KindOpt = Annotated[
    str,
    typer.Option(
        "--kind", "-k", help=f"One of: {TOUCH_KIND_NAMES}.", autocompletion=complete_touch_kind
    ),
]
WithOpt = Annotated[
    str | None,
    typer.Option("--with", "-w", help="Whom you spoke to (a contact's name or first name)."),
]
WhenOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="When it happened (YYYY-MM-DD, today, yesterday, -3d, or a weekday name: "
        "the last one); default today.",
    ),
]
NextOpt = Annotated[
    str | None,
    typer.Option(
        "--next",
        "-n",
        help='A promised follow-up: "DATE ACTION", e.g. "friday Send the quote".',
    ),
]
DoneOpt = Annotated[
    bool, typer.Option("--done", help="Close the account's due follow-ups and gap checks.")
]
ProblemOpt = Annotated[
    str | None, typer.Option("--problem", help="Open a problem with this description.")
]
ResolvedOpt = Annotated[bool, typer.Option("--resolved", help="Close the account's open problems.")]
RenewalDateOpt = Annotated[
    str | None,
    typer.Option("--renewal-date", help="With --kind renewal: the next renewal date."),
]


def log(
    account_name: AccountArg,
    summary: SummaryArg = None,
    kind: KindOpt = "call",
    with_: WithOpt = None,
    date_opt: WhenOpt = None,
    next_: NextOpt = None,
    done: DoneOpt = False,
    problem: ProblemOpt = None,
    resolved: ResolvedOpt = False,
    renewal_date: RenewalDateOpt = None,
    dir_opt: DirOpt = None,
) -> None:
    """Record a touch: appends one entry to the account's history, nothing else changes."""
    from touchplan.files.cache import find_account
    from touchplan.files.edit import apply_edit, log_edit
    from touchplan.files.store import load_bytes
    from touchplan.planning import entry
    from touchplan.views.daily import logged_view

    base = real_today()
    touch_kind = entry.touch_kind(kind)
    when = entry.touch_date(date_opt, base)
    root, config = open_root(dir_opt)
    path, account = find_account(root, account_name)
    if summary is None and sys.stdin.isatty() and sys.stdout.isatty():
        summary = typer.prompt("Summary", default="", show_default=False)
    plan = entry.log_entry(
        account,
        config.policy,
        base,
        kind=touch_kind,
        when=when,
        summary=summary,
        with_=with_,
        next_=next_,
        problem=problem,
        resolved=resolved,
        done=done,
        renewal_date=renewal_date,
    )
    for note in plan.notes:
        warn(f"note: {note}")
    after = load_bytes(root, path, apply_edit(root, path, log_edit(plan.entry)))
    show(logged_view(plan, after.file, entry.after_log(after, config.policy, base)))


# -- add --------------------------------------------------------------------------------

NameArg = Annotated[str, typer.Argument(help='The account\'s name, e.g. "Acme Corp".')]
TierOpt = Annotated[str, typer.Option("--tier", "-t", help="A, B or C.")]
RepOpt = Annotated[str | None, typer.Option("--owner", help="The rep responsible.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Customer since (default: today).")]
RenewalOpt = Annotated[str | None, typer.Option("--renewal", help="Contract renewal date.")]
ValueOpt = Annotated[float | None, typer.Option("--value", help="Annual value.", min=0)]
RelationshipOpt = Annotated[
    str | None, typer.Option("--relationship", help="transactional, relational or partnering.")
]
ContactOpt = Annotated[
    list[str] | None,
    typer.Option("--contact", "-c", help='"Name, Role, Phone, Email"; repeat for more.'),
]
SlugOpt = Annotated[
    str | None,
    typer.Option("--slug", help="File name to use instead of one made from the name."),
]


def add(
    name: NameArg,
    tier: TierOpt,
    owner: RepOpt = None,
    since: SinceOpt = None,
    renewal: RenewalOpt = None,
    value: ValueOpt = None,
    relationship: RelationshipOpt = None,
    contact: ContactOpt = None,
    folder: FolderOpt = None,
    slug: SlugOpt = None,
    dir_opt: DirOpt = None,
) -> None:
    """Create a new account file under accounts/."""
    from touchplan.files.newfile import create_account
    from touchplan.planning import entry
    from touchplan.views.daily import added_view

    base = real_today()
    new = entry.new_account(
        name,
        tier,
        base,
        owner=owner,
        since=since,
        renewal=renewal,
        value=value,
        relationship=relationship,
        contacts=contact or [],
        folder=folder,
        slug=slug,
    )
    root, config = open_root(dir_opt)
    account = create_account(root, new)
    show(added_view(account, entry.first_item(account, config.policy, base)))


# -- show and why -----------------------------------------------------------------------


def account_plan(
    dir_opt: str | None, account_name: str, date_opt: str | None
) -> tuple[date, Account, list[Item]]:
    """The planning day, one account, and all its open items."""
    from touchplan.files.cache import find_account
    from touchplan.planning.schedule import plan_account

    day = pick_today(date_opt)
    root, config = open_root(dir_opt)
    _path, account = find_account(root, account_name)
    return day, account, plan_account(account, config.policy, day)


def show_account(
    account_name: AccountArg,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """The account card: facts, contacts, open items with reasons, and the history."""
    from touchplan.views import daily, records

    day, account, items = account_plan(dir_opt, account_name, date_opt)
    emit(
        fmt,
        table=lambda: daily.account_card(account, items, day, account.is_snoozed(day)),
        document=lambda: records.show_record(account, items, day),
        command="show",
    )


def why(
    account_name: AccountArg,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """Each open item's score, term by term: measure × weight = value."""
    from touchplan.planning.schedule import is_planned
    from touchplan.views import daily, records

    day, account, items = account_plan(dir_opt, account_name, date_opt)
    if fmt is Format.table and not is_planned(account, day):
        state = "lost" if account.status is Status.LOST else "snoozed"
        warn(f"note: {account.name} is {state} and left out of planning")
    emit(
        fmt,
        table=lambda: daily.why_view(account, items, day),
        document=lambda: records.why_record(account, items, day),
        command="why",
    )


# -- week and renewals ------------------------------------------------------------------


def week(
    days: DaysOpt = 5,
    owner: OwnerOpt = None,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """The coming working days planned within daily capacity, most urgent first."""
    from touchplan.planning.people import owned
    from touchplan.planning.week import plan_week
    from touchplan.views import daily, records

    day = pick_today(date_opt)
    root, config, book = open_book(dir_opt)
    owner = pick_owner(root, config, owner)
    plan = plan_week(owned(book.accounts, owner), config.policy, day, days)
    accounts = book.by_slug()
    emit(
        fmt,
        table=lambda: daily.week_view(plan, accounts, day),
        document=lambda: records.week_record(plan, accounts, day),
        rows=lambda: [records.planned_record(p, accounts) for p in plan.planned],
        columns=records.WEEK_CSV,
    )
    warn_skipped(book.skipped)


WithinOpt = Annotated[str, typer.Option("--within", help="Window ahead, e.g. 120d, 8w, 3m.")]


def renewals(
    within: WithinOpt = "120d",
    owner: OwnerOpt = None,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """Renewals in the window (and lapsed ones): stage, days left, value, last touch."""
    from touchplan.planning.people import owned
    from touchplan.planning.renewal import renewals_within
    from touchplan.views import daily, records

    day = pick_today(date_opt)
    horizon = parse_days(within, "--within")
    root, config, book = open_book(dir_opt)
    owner = pick_owner(root, config, owner)
    found = renewals_within(owned(book.accounts, owner), config.policy, day, horizon)
    rows = records.renewal_records(found)
    emit(
        fmt,
        table=lambda: daily.renewals_table(rows, day, horizon),
        document=lambda: records.renewals_record(rows, day, horizon),
        rows=lambda: rows,
        columns=records.RENEWALS_CSV,
    )
    warn_skipped(book.skipped)


# -- snooze and check -------------------------------------------------------------------

UntilOpt = Annotated[
    str | None, typer.Option("--until", help=f"Pause until this date ({DATE_HELP}).")
]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (shown in show and report).")]
ClearOpt = Annotated[bool, typer.Option("--clear", help="End the pause now.")]


def snooze(
    account_name: AccountArg,
    until: UntilOpt = None,
    reason: ReasonOpt = "",
    clear: ClearOpt = False,
    dir_opt: DirOpt = None,
) -> None:
    """Pause an account until a date; it comes back into `today` by itself."""
    from touchplan.files.cache import find_account
    from touchplan.files.edit import apply_edit, snooze_edit
    from touchplan.files.store import find_root
    from touchplan.planning import entry

    base = real_today()
    if clear == bool(until):
        raise UsageError("give either --until DATE or --clear")
    root = find_root(dir_opt)
    path, account = find_account(root, account_name)
    if clear and account.snooze is None:
        say(f"{account.name} is not snoozed.")
    elif clear:
        apply_edit(root, path, snooze_edit(None))
        say(f"{account.name} is back in planning.", "green")
    else:
        assert until is not None
        pause = entry.snooze(until, reason, base)
        apply_edit(root, path, snooze_edit(pause))
        say(f"Snoozed {account.name} until {pause.until.isoformat()}.", "green")


def check(dir_opt: DirOpt = None) -> None:
    """Validate every account file and touchplan.yaml: silent and exit 0 when all is well."""
    from touchplan.config import load_config
    from touchplan.files.cache import check_files
    from touchplan.files.store import find_root

    root = find_root(dir_opt)
    config = load_config(root)  # `check` reports what other commands only warn about
    with progress("Checking accounts") as reporter:
        found = check_files(root, config, real_today(), progress=reporter)
    every = [*config.problems, *found]
    if every:
        show_problems(every)
        raise typer.Exit(EXIT_DATA)
