"""`touchplan call`: the 45 minutes. Today's calls one card at a time; a few answers
each, and one history entry per call through the same verified, atomic write as `log`.

The questions are asked with prompt_toolkit (line editing, completion of names, kinds
and ids, answers checked before Enter is accepted); the rules of what an answer means
live in ``planning.session``. Nothing is written until a card's last answer: Ctrl-C or
end of input at any question leaves that account's file as it was, and the calls
already logged stay logged.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from touchplan.cli.completion import complete_account
from touchplan.cli.options import (
    DirOpt,
    OwnerOpt,
    after_write,
    open_root,
    pick_owner,
    real_today,
)
from touchplan.dates import parse_date
from touchplan.errors import AccountFileError, TouchplanError, UsageError
from touchplan.views.output import progress, say, show, warn, warn_skipped

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession

    from touchplan.config import Config
    from touchplan.model import Account, Item
    from touchplan.planning.calls import Call
    from touchplan.planning.session import CallEntry, Card, Outcome, Reached

T = TypeVar("T")
Planned = tuple[Path, "Account", "Call"]  # a call of the day, and the account as planned

CallAccountArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[ACCOUNT]",
        help="Call only this account (slug, unique slug prefix, or name), due or not.",
        autocompletion=complete_account,
        show_default=False,
    ),
]
CallDateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="The day the calls were made, to catch up on one (YYYY-MM-DD, yesterday, "
        "-2d, or a weekday name: the last one): planned and logged as of it. Default: today.",
        show_default=False,
    ),
]
CallAllOpt = Annotated[
    bool, typer.Option("--all", "-a", help="Every call due today, not just today's capacity.")
]


def call(
    account_name: CallAccountArg = None,
    show_all: CallAllOpt = False,
    owner: OwnerOpt = None,
    date_opt: CallDateOpt = None,
    dir_opt: DirOpt = None,
) -> None:
    """Work through today's calls one card at a time: the agenda, whom to ask for, what
    was said last; then a few questions (a routine call is Enter, what was said, and
    three Enters) and one history entry per call, as `log` writes it. Needs a terminal."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "touchplan call asks questions and needs a terminal",
            'in a script, record each call with: touchplan log ACCOUNT "SUMMARY"',
        )
    from touchplan.files.cache import find_account, plan_today
    from touchplan.planning.session import named_call

    base = real_today()
    day = parse_date(date_opt, base, "--date", past=True) if date_opt else base
    if day > base:
        raise UsageError(f"--date {day.isoformat()} is in the future", "call logs calls made now")
    root, config = open_root(dir_opt)
    owner = pick_owner(root, config, owner)
    queue: list[Planned]
    if account_name:
        path, account = find_account(root, account_name)
        queue = [(path, account, named_call(account, config.policy, day))]
    else:
        with progress("Reading accounts") as reporter:
            plan = plan_today(root, config, day, owner, show_all=show_all, progress=reporter)
        warn_skipped(plan.skipped, plan.warnings)
        accounts = plan.accounts
        queue = [(root / accounts[c.account].file, accounts[c.account], c) for c in plan.calls]
    if not queue:
        say("Nothing is due today. Enjoy the quiet, or run `touchplan week`.")
        return
    session = Session(root, config, day, Asker())
    session.run(queue)
    still = plan_today(root, config, day, owner)
    names = [still.accounts[c.account].name for c in still.calls[:3]]
    from touchplan.planning.session import tally
    from touchplan.views.card import tally_view

    show(tally_view(tally(session.outcomes, still.total_calls, names)))
    if session.stopped is not None:
        say(f"Stopped at {session.stopped}.", err=True)
        raise typer.Abort()


# -- asking ------------------------------------------------------------------------------


class Asker:
    """One question at a time, through prompt_toolkit. An answer is read by ``parse``
    (a planning function): on a full terminal a wrong answer is refused under the
    line before Enter is taken; on a dumb one (no cursor control: prompt_toolkit shows
    no messages there) the reason is printed and the question asked again."""

    def __init__(self) -> None:
        from prompt_toolkit.utils import is_dumb_terminal

        self.dumb = is_dumb_terminal()
        self.sessions: dict[str, PromptSession[str]] = {}  # per question: its own history

    def ask(
        self,
        key: str,
        message: str,
        parse: Callable[[str], T],
        words: Mapping[str, str] | None = None,
    ) -> T:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.completion import WordCompleter
        from prompt_toolkit.document import Document
        from prompt_toolkit.validation import ValidationError, Validator

        class Check(Validator):
            def validate(self, document: Document) -> None:
                try:
                    parse(document.text)
                except TouchplanError as exc:  # the cursor stays at the end: Ctrl-U clears
                    raise ValidationError(len(document.text), str(exc)) from None

        session = self.sessions.setdefault(key, PromptSession())
        completer = (
            WordCompleter(list(words), ignore_case=True, meta_dict=dict(words)) if words else None
        )
        while True:
            text = session.prompt(
                message,
                completer=completer,
                complete_while_typing=False,  # Tab shows them: no menu over the card
                validator=None if self.dumb else Check(),
                validate_while_typing=False,
            )
            try:
                return parse(text)
            except TouchplanError as exc:
                warn(f"  {exc}", "red")


# -- the session ---------------------------------------------------------------------------


@dataclass
class Session:
    """The cards worked so far: each one's outcome (and whether it made a promise)."""

    root: Path
    config: Config
    day: date
    asker: Asker
    outcomes: list[tuple[Outcome, bool]] = field(default_factory=list)
    stopped: str | None = None  # Ctrl-C or end of input: where, and whether it wrote
    wrote: bool = False  # the current card's entry is written

    def run(self, queue: list[Planned]) -> None:
        from touchplan.files.store import load_file
        from touchplan.planning.session import Outcome, card_for, fresh_call
        from touchplan.views.card import card_view

        policy = self.config.policy
        for n, (path, planned_account, planned) in enumerate(queue, 1):
            name = path.stem
            self.wrote = False
            try:
                account, problems = load_file(self.root, path)
                if account is None:
                    raise AccountFileError(path, [p for p in problems if p.fatal])
                name = account.name
                current = fresh_call(planned_account, account, planned, policy, self.day)
                if current is None:
                    say(f"{account.name}: nothing is due any more; on to the next call.", "dim")
                    continue
                card = card_for(account, current, policy, self.day)
                show("")
                show(card_view(card, n, len(queue), self.day))
                outcome = self.work(path, card)
            except (KeyboardInterrupt, EOFError):
                say("")
                written = "its entry is written" if self.wrote else "nothing was written for it"
                self.stopped = f"{name}: {written}"
                return
            except TouchplanError as exc:
                warn(f"error: {exc}", "red")
                warn(f"Nothing was written for {name}; on to the next call.")
                self.outcomes.append((Outcome.FAILED, False))
                continue
            if outcome is None:
                return  # q
            self.outcomes.append(outcome)

    def work(self, path: Path, card: Card) -> tuple[Outcome, bool] | None:
        """Ask one card's questions and write its entry; None when the rep stops."""
        from touchplan.files.edit import apply_edit, snooze_edit
        from touchplan.planning import entry
        from touchplan.planning.session import (
            REACHED_KINDS,
            Choice,
            Outcome,
            attempt_entry,
            read_reached,
            skip_entry,
        )

        ask = self.asker.ask
        day = self.day
        default = f"{card.kind.value} · {card.contact.name}" if card.contact else card.kind.value
        words = {c.name: c.role for c in card.contacts}
        words.update({k.value: "kind" for k in REACHED_KINDS})
        answer = ask("reached", f"Reached [{default}]: ", lambda t: read_reached(t, card), words)
        if answer is Choice.QUIT:
            return None
        if answer is Choice.SKIP:
            reason = ask("skip", "Why skip [no reason: nothing written]: ", _line("the reason"))
            skipped = skip_entry(reason)
            if skipped is not None:
                self.write(path, card, skipped)
            say(f"Skipped {card.account.name}: it stays on the list for tomorrow.", "dim")
            return Outcome.SKIPPED, False
        if answer is Choice.SNOOZE:
            until = ask("until", "Snooze until: ", lambda t: entry.snooze(t, "", day).until)
            reason = ask("why", "Reason []: ", _line("the reason"))
            pause = entry.snooze(until.isoformat(), reason, day)
            apply_edit(self.root, path, snooze_edit(pause))
            self.wrote = True
            say(f"Snoozed {card.account.name} until {pause.until.isoformat()}.", "green")
            return Outcome.SNOOZED, False
        if answer is Choice.NOBODY:
            note = ask("note", "Note [No answer]: ", _line("the note"))
            back = self.config.policy.next_working_day(day + timedelta(days=1))
            self.write(path, card, attempt_entry(card, note or "No answer"), back)
            return Outcome.ATTEMPT, False
        summary = ask("said", "What was said: ", _said)
        return Outcome.REACHED, self.reached(path, card, answer, summary)

    def reached(self, path: Path, card: Card, answer: Reached, summary: str) -> bool:
        """The rest of a reached call's questions; True when it made a promise."""
        from touchplan.model import CONTACT_KINDS
        from touchplan.planning.session import (
            Closes,
            asks_what_closes,
            call_entry,
            read_closes,
            read_renewal,
            settled_by_default,
        )

        ask, day, policy = self.asker.ask, self.day, self.config.policy
        kind, with_ = answer.kind, answer.with_
        closes = Closes()
        if asks_what_closes(card, kind, with_, policy, day):
            default = settled_by_default(card, kind, with_, policy, day)
            shown = " ".join(i.id for i in default) or "none"
            ids = {i.id: f"{i.kind.value}: {i.action}" for i in card.items}
            closes = ask(
                "closes", f"Closes [{shown}]: ", lambda t: read_closes(t, card, default), ids
            )
        renewal = None
        if card.renewal is not None and kind in CONTACT_KINDS:
            stages = {"conversation": "", "proposal": "", "verbal": "", "signed": "DATE"}
            renewal = ask(
                "renewal",
                "Renewal [no progress] (conversation, proposal, verbal, signed DATE): ",
                lambda t: read_renewal(t, kind, day),
                stages,
            )
        next_ = ask(
            "next",
            "Next [none] (DATE ACTION, or DATE visit: WHAT): ",
            lambda t: _next(t, day),
        )
        problem = ask("problem", "New problem [none]: ", _line("the problem"))
        planned = call_entry(card, answer, summary, closes, renewal, next_, problem, policy, day)
        if renewal is not None and planned.stage is None and planned.renewal_date is None:
            say(
                f"  the renewal is marked as progressed; a {kind.value} entry has no stage "
                "(touchplan log ACCOUNT --kind renewal --stage STAGE records one)",
                "dim",
            )
        self.write(path, card, planned)
        return bool(next_)

    def write(
        self, path: Path, card: Card, planned: CallEntry, back_on: date | None = None
    ) -> None:
        """One history entry, exactly as `log` with these options writes it."""
        from touchplan.files.edit import apply_edit, log_edit
        from touchplan.files.store import load_bytes
        from touchplan.planning import entry
        from touchplan.planning.session import settled_by_kind
        from touchplan.views.card import called_view

        policy, day = self.config.policy, self.day
        plan = entry.log_entry(
            card.account,
            policy,
            day,
            kind=planned.kind,
            when=day,
            summary=planned.summary,
            with_=planned.with_,
            next_=planned.next,
            problem=planned.problem,
            resolved=planned.resolved,
            done=planned.done,
            stage=planned.stage,
            renewal_date=planned.renewal_date,
        )
        for note in plan.notes:
            warn(f"note: {note}")
        written = apply_edit(self.root, path, log_edit(plan.entry))
        self.wrote = True
        rel = path.relative_to(self.root).as_posix()
        with after_write(f"logged {plan.entry.kind.value} in {rel}"):  # never "not written"
            after = load_bytes(self.root, path, written)
            kind, with_ = plan.entry.kind, plan.entry.with_
            settled: list[Item] = settled_by_kind(card, kind, with_, policy, day)
            next_up = entry.after_log(after, policy, day, plan.entry)
            show(called_view(plan, settled, after.file, next_up, back_on))


def _line(what: str) -> Callable[[str], str]:
    """An optional one-line answer, checked like `log` checks its options."""
    from touchplan.text import check_input

    return lambda text: check_input(text, what).strip()


def _said(text: str) -> str:
    from touchplan.text import check_input

    said = check_input(text, "the summary", multiline=True).strip()
    if not said:
        raise UsageError("say what happened", "it is the diary's entry for this call")
    return said


def _next(text: str, day: date) -> str:
    from touchplan.planning.entry import read_next

    if text.strip():
        read_next(text, day, day)
    return text.strip()
