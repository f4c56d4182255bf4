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
    after_write,
    open_book,
    open_root,
    pick_owner,
    pick_today,
    real_today,
)
from touchplan.dates import DATE_HELP, parse_days
from touchplan.errors import EXIT_DATA, AmbiguousError, UsageError
from touchplan.model import LOG_KIND_NAMES, Status
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
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from touchplan.config import Policy
    from touchplan.model import Account, Item
    from touchplan.planning.entry import Unclear

# Each command imports what it works with: `--help`, `--version` and completion load
# only Typer and the options (see touchplan.cli).

AllOpt = Annotated[
    bool, typer.Option("--all", "-a", help="List every call due, not just today's capacity.")
]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Show every item's reasons under it.")
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Parse every file; neither read nor write the cache.")
]


def today(
    show_all: AllOpt = False,
    owner: OwnerOpt = None,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    verbose: VerboseOpt = False,
    no_cache: NoCacheOpt = False,
    dir_opt: DirOpt = None,
) -> None:
    """Today's calls, ranked: one per account, with its agenda, whom to ask for, and
    what was said last. Commitments due come before routine keep-in-touch work."""
    from touchplan.files.cache import plan_today
    from touchplan.views import daily, records

    day = pick_today(date_opt)
    root, config = open_root(dir_opt)
    owner = pick_owner(root, config, owner)
    with progress("Reading accounts") as reporter:
        plan = plan_today(
            root, config, day, owner, show_all=show_all, use_cache=not no_cache, progress=reporter
        )
    shown, accounts = plan.calls, plan.accounts
    capacity = config.policy.capacity
    needed = (plan.scope.needed, capacity) if plan.scope is not None else None
    more_calls = plan.total_calls - len(shown)
    more = plan.total_items - sum(len(c.items) for c in shown)
    emit(
        fmt,
        table=lambda: daily.today_view(
            day,
            shown,
            more_calls,
            accounts,
            plan.total_calls,
            verbose,
            scope=plan.scope,
            capacity=config.policy.capacity,
            skipped=plan.skipped,
        ),
        document=lambda: records.today_record(
            day, shown, more_calls, more, accounts, plan.skipped, needed
        ),
        rows=lambda: records.call_rows(shown, accounts, day),
        columns=records.TODAY_CSV,
    )
    # the table's header names the skipped files (said once); other warnings on stderr
    warn_skipped(plan.skipped if fmt is not Format.table else [], plan.warnings)


# -- log --------------------------------------------------------------------------------

SummaryArg = Annotated[
    str | None, typer.Argument(help="What happened (prompted on a terminal when left out).")
]
KindOpt = Annotated[
    str,
    typer.Option(
        "--kind",
        "-k",
        help=f"One of: {LOG_KIND_NAMES}. An `attempt` is a call that reached nobody.",
        autocompletion=complete_touch_kind,
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
        help='A promise: "DATE ACTION", e.g. "friday Send the quote"; or a booked '
        'appointment: "DATE KIND: WHAT" (KIND call, visit, meeting or review), e.g. '
        '"2027-01-12 visit: Chicago depot".',
    ),
]
DoneOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--done",
        help="Close an open item by its id (repeat for more). Bare --done closes the due "
        "follow-up, gap check or booking when only one is meant.",
    ),
]
ProblemOpt = Annotated[
    str | None, typer.Option("--problem", help="Open a problem with this description.")
]
ResolvedOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--resolved",
        help="Resolve an open problem by its id (repeat for more); bare: the only one.",
    ),
]
StageOpt = Annotated[
    str | None,
    typer.Option(
        "--stage", help="With --kind renewal: how far it came: conversation, proposal or verbal."
    ),
]
RenewalDateOpt = Annotated[
    str | None,
    typer.Option("--renewal-date", help="With --kind renewal: signed; the next renewal date."),
]
RatingOpt = Annotated[
    int | None,
    typer.Option(
        "--rating",
        help="With --kind review: the customer's rating of us, 1 (worst) to 5 (best); "
        "the summary is their comment. A low rating opens a problem.",
    ),
]


def log(
    account_name: AccountArg,
    summary: SummaryArg = None,
    kind: KindOpt = "call",
    with_: WithOpt = None,
    date_opt: WhenOpt = None,
    next_: NextOpt = None,
    done: DoneOpt = None,
    problem: ProblemOpt = None,
    resolved: ResolvedOpt = None,
    stage: StageOpt = None,
    renewal_date: RenewalDateOpt = None,
    rating: RatingOpt = None,
    dir_opt: DirOpt = None,
) -> None:
    """Record a touch: appends one entry to the account's history, nothing else changes
    (a signed renewal also moves the account's renewal date)."""
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

    def plan_entry() -> entry.LogPlan:
        return entry.log_entry(
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
            stage=stage,
            renewal_date=renewal_date,
            rating=rating,
        )

    try:
        plan = plan_entry()
    except entry.Unclear as unclear:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise
        # on a terminal, ask which of the items it means (nothing is written yet)
        chosen = ask_which(unclear)
        if unclear.what == "--done":
            done = chosen
        else:
            resolved = chosen
        plan = plan_entry()
    for note in plan.notes:
        warn(f"note: {note}")
    written = apply_edit(root, path, log_edit(plan.entry))
    with after_write(f"logged {plan.entry.kind.value} in {path.relative_to(root).as_posix()}"):
        after = load_bytes(root, path, written)
        summary_after = entry.after_log(after, config.policy, base, plan.entry, plan, account)
        plan, summary_after = entry.relabel_log(plan, summary_after, root_ids(root))
        show(logged_view(plan, after.file, summary_after))


def root_ids(root: Path) -> Callable[[Sequence[Item]], dict[str, str]]:
    """Ids unique in the book for the items a command shows (see `files.cache.book_ids`)."""
    from touchplan.files.cache import book_ids

    return lambda items: book_ids(root, items)


def ask_which(unclear: Unclear) -> list[str]:
    """The ids the rep picks among an unclear `--done`/`--resolved`'s candidates."""
    for line in unclear.candidates:
        say(f"  {line}")
    answer = str(
        typer.prompt(f"{unclear.what}: which ids (space-separated)", default="", show_default=False)
    )
    picked = answer.replace(",", " ").split()
    if not picked:
        raise typer.Abort()
    return picked


# -- lost and defer ---------------------------------------------------------------------

LostReasonOpt = Annotated[str, typer.Option("--reason", help="Why the customer was lost.")]


def lost(
    account_name: AccountArg,
    reason: LostReasonOpt,
    date_opt: WhenOpt = None,
    dir_opt: DirOpt = None,
) -> None:
    """Mark a customer lost: `status: lost` and a history entry with the reason. Its
    planning ends; `report` counts it."""
    from touchplan.files.cache import find_account
    from touchplan.files.edit import apply_edit, lost_edit
    from touchplan.planning import entry

    base = real_today()
    root, _config = open_root(dir_opt)
    path, account = find_account(root, account_name)
    lost_entry = entry.lost_entry(account, reason, date_opt, base)
    apply_edit(root, path, lost_edit(lost_entry))
    say(
        f"{account.name} marked lost on {lost_entry.date.isoformat()}: {lost_entry.summary}",
        "green",
    )


ItemArg = Annotated[
    str, typer.Argument(metavar="ID", help="The item's id, as `today`, `show` or `week` print it.")
]
DeferUntilOpt = Annotated[str, typer.Option("--until", help=f"When it comes back ({DATE_HELP}).")]
DeferReasonOpt = Annotated[str, typer.Option("--reason", help="Why it waits (shown in `show`).")]
InAccountOpt = Annotated[
    str | None,
    typer.Option("--account", help="The account, when the id alone is not enough."),
]


def defer(
    item_id: ItemArg,
    until: DeferUntilOpt,
    reason: DeferReasonOpt,
    account_name: InAccountOpt = None,
    dir_opt: DirOpt = None,
) -> None:
    """Set one open item aside until a date (a problem waiting on a supplier, a promise
    the customer moved). It stays open, shows in `show` with the reason, and comes back
    on its date. Recorded in the account's history."""
    from touchplan.files.cache import book_ids, find_account, find_item_accounts
    from touchplan.files.edit import apply_edit, log_edit
    from touchplan.planning import entry
    from touchplan.planning.schedule import plan_account, with_ids

    base = real_today()
    root, config = open_root(dir_opt)
    if account_name:
        found = [find_account(root, account_name)]
    else:
        found = find_item_accounts(root, config, base, item_id)
    planned = [
        (path, account, plan_account(account, config.policy, base)) for path, account in found
    ]
    ids = book_ids(root, [i for _p, _a, items in planned for i in items])
    hits = []
    for path, account, items in planned:
        try:
            hits.append((path, account, entry.find_item(with_ids(items, ids), item_id)))
        except entry.UnknownId:
            if account_name:
                raise
    exact = [hit for hit in hits if hit[2].id == item_id.strip().lower()]
    if len(exact) == 1:
        hits = exact  # the id as shown names one item in the book (see assign_ids)
    if not hits:
        raise entry.UnknownId(item_id, None)
    if len(hits) > 1:
        raise AmbiguousError(
            f"{item_id!r} names items of several accounts; pass --account",
            [f"{a.slug}: {entry.item_line(i)}" for _p, a, i in hits],
        )
    path, account, item = hits[0]
    deferral = entry.defer_entry(item, until, reason, base)
    apply_edit(root, path, log_edit(deferral))
    assert deferral.until is not None
    say(
        f"Deferred {item.kind.value} {item.id} of {account.name} until "
        f"{deferral.until.isoformat()}: {deferral.summary}",
        "green",
    )


# -- workload ---------------------------------------------------------------------------


def workload(
    owner: OwnerOpt = None,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """How many calls a working day the policy asks of the book, by tier and by kind,
    against capacity; and when it is more, what would fit."""
    from touchplan.planning.people import owned
    from touchplan.planning.workload import workload as book_workload
    from touchplan.views import daily, records

    day = pick_today(date_opt)
    root, config, book = open_book(dir_opt)
    owner = pick_owner(root, config, owner)
    load = book_workload(owned(book.accounts, owner), config.policy, day)
    emit(
        fmt,
        table=lambda: daily.workload_view(load, owner),
        document=lambda: records.workload_record(load, owner),
        rows=lambda: records.workload_rows(load),
        columns=records.WORKLOAD_CSV,
        command="workload",
    )
    warn_skipped(book.skipped, book.warnings)


# -- add --------------------------------------------------------------------------------

NameArg = Annotated[str, typer.Argument(help='The account\'s name, e.g. "Acme Corp".')]
TierOpt = Annotated[str, typer.Option("--tier", "-t", help="A, B or C.")]
RepOpt = Annotated[str | None, typer.Option("--owner", help="The rep responsible.")]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Customer since (default: today; none with --last-contact, an existing customer).",
    ),
]
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
LastContactOpt = Annotated[
    str | None,
    typer.Option(
        "--last-contact",
        help="An existing customer's last contact before touchplan (the cadences count from it).",
    ),
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
    last_contact: LastContactOpt = None,
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
        last_contact=last_contact,
    )
    root, config = open_root(dir_opt)
    account = create_account(root, new)
    with after_write(f"created {account.file}"):
        show(added_view(account, entry.first_item(account, config.policy, base)))


# -- show and why -----------------------------------------------------------------------


def account_plan(
    dir_opt: str | None, account_name: str, date_opt: str | None, *, pulled: bool = False
) -> tuple[date, Account, list[Item], Policy]:
    """The planning day, one account, all its open items, and the policy; with
    ``pulled``, the items today's list brings forward say why (as `today` shows them)."""
    from touchplan.files.cache import find_account, pulled_today
    from touchplan.planning.calls import pulled_note
    from touchplan.planning.schedule import is_planned, plan_account, with_ids

    day = pick_today(date_opt)
    root, config = open_root(dir_opt)
    _path, account = find_account(root, account_name)
    # a lost customer is no longer planned: `show` tells its story, not its lateness
    items = [] if account.status is Status.LOST else plan_account(account, config.policy, day)
    if pulled and items and is_planned(account, day):
        # pulled forward among its owner's calls: the list the account is on
        why = pulled_today(root, config, day, account.owner or None).get(account.slug, {})
        items = [pulled_note(i, why[i.key]) if i.key in why else i for i in items]
    return day, account, with_ids(items, root_ids(root)(items)), config.policy


def show_account(
    account_name: AccountArg,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """The account card: facts, review ratings, contacts and when each was last touched,
    open items with reasons, and the history."""
    from touchplan.planning.relations import relations
    from touchplan.planning.schedule import closed_items
    from touchplan.views import daily, records

    day, account, items, policy = account_plan(dir_opt, account_name, date_opt)
    closed = closed_items(account, policy, day)
    people = relations(account, policy, day)
    emit(
        fmt,
        table=lambda: daily.account_card(
            account, items, day, account.is_snoozed(day), closed, people
        ),
        document=lambda: records.show_record(account, items, day, closed, people),
        command="show",
    )


def why(
    account_name: AccountArg,
    date_opt: DateOpt = None,
    fmt: FormatOpt = Format.table,
    dir_opt: DirOpt = None,
) -> None:
    """Each open item's score, term by term: measure × weight = value; and why a
    commitment is on today's list ahead of its date."""
    from touchplan.planning.schedule import is_planned
    from touchplan.views import daily, records

    day, account, items, _policy = account_plan(dir_opt, account_name, date_opt, pulled=True)
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
    from touchplan.planning.week import plan_week, relabel_week, week_items
    from touchplan.planning.workload import needed_of
    from touchplan.views import daily, records

    day = pick_today(date_opt)
    root, config, book = open_book(dir_opt)
    owner = pick_owner(root, config, owner)
    mine = owned(book.accounts, owner)
    plan = plan_week(mine, config.policy, day, days)
    plan = relabel_week(plan, root_ids(root)(week_items(plan)))
    accounts = book.by_slug()
    capacity = config.policy.capacity
    emit(
        fmt,
        table=lambda: daily.week_view(
            plan,
            accounts,
            day,
            daily.workload_line(needed_of(mine, config.policy, day), capacity, owner),
        ),
        document=lambda: records.week_record(plan, accounts, day),
        rows=lambda: records.planned_rows(plan, accounts),
        columns=records.WEEK_CSV,
    )
    warn_skipped(book.skipped, book.warnings)


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
    warn_skipped(book.skipped, book.warnings)


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
        found, notes = check_files(root, config, real_today(), progress=reporter)
    for note in notes:
        warn(f"note: {note}")
    every = [*config.problems, *found]
    if every:
        show_problems(every)
        raise typer.Exit(EXIT_DATA)
