"""`touchplan call`: today's calls one card at a time, driven through a real terminal.

Today is Tuesday 2026-11-24. The book, in rank order:
- ACME (A): a promise to Jane due Fri 2026-11-20, a renewal on 2027-01-10 whose
  conversation should have started on 2026-11-11, and a touch due today (last call
  2026-11-10 + 14 d).
- GLOBEX (B): a touch due since Mon 2026-11-02 (last call 2026-10-01 + 30 d, a Saturday).
- INITECH (C): a touch due since Mon 2026-11-02 (last e-mail 2026-08-03 + 90 d, a Sunday).

Each test spawns the installed `touchplan` on a pseudo-terminal (pexpect) with a full
terminal type, so prompt_toolkit edits lines as it does for a rep; one test takes the
dumb-terminal path. Cursor-position requests are off (PROMPT_TOOLKIT_NO_CPR: pexpect
does not answer them).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pexpect
import pytest
from rich.console import Console

from conftest import Run
from touchplan.config import Policy, load_config
from touchplan.errors import UsageError
from touchplan.files.store import load_file
from touchplan.model import RenewalStage, TouchKind
from touchplan.planning.calls import plan_calls
from touchplan.planning.session import (
    Card,
    Choice,
    Closes,
    Reached,
    RenewalStep,
    call_entry,
    card_for,
    read_closes,
    read_reached,
    read_renewal,
    settled_by_default,
)
from touchplan.views.card import CARD_LINES, card_view

RunFn = Callable[..., Run]
SNAPSHOTS = Path(__file__).parent / "snapshots"

ACME = """\
name: Acme Corp
tier: A
owner: dana
since: 2020-01-15
renewal: 2027-01-10  # two-year supply agreement
contacts:
  - name: Jane Smith
    role: VP Operations
    phone: "+1 555 0100"
    email: jane@acme.example
  - name: Raj Patel
    role: Accounts Payable
    phone: "+1 555 0101"
history:
  - date: 2026-11-10
    kind: call
    with: Jane Smith
    summary: Wants a quote for the 2027 volumes.
    next: 2026-11-20 Send the 2027 quote
"""
GLOBEX = """\
name: Globex
tier: B
owner: dana
contacts:
  - name: Bob Jones
    role: Buyer
    phone: "+1 555 0200"
history:
  - date: 2026-10-01
    kind: call
    with: Bob Jones
    summary: Happy with the service.
"""
INITECH = """\
name: Initech
tier: C
owner: dana
contacts:
  - name: Peter Gibbons
    phone: "+1 555 0300"
history:
  - date: 2026-08-03
    kind: email
    with: Peter Gibbons
    summary: Sent the price list.
"""

STYLED = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>])")


@pytest.fixture
def book(root: Path, write_account: Callable[..., Path]) -> dict[str, Path]:
    return {
        "acme": write_account("acme", ACME),
        "globex": write_account("globex", GLOBEX),
        "initech": write_account("initech", INITECH),
    }


def snapshot(book: dict[str, Path]) -> dict[str, bytes]:
    return {slug: path.read_bytes() for slug, path in book.items()}


def item_ids(run: RunFn, slug: str) -> dict[str, str]:
    """The account's open items, kind -> id, as `show` prints them."""
    shown = json.loads(run("show", slug, "--format", "json").stdout)
    return {i["kind"]: i["id"] for i in shown["items"]}


class Terminal:
    """`touchplan ARGS` on an 80×24 pseudo-terminal, answered prompt by prompt."""

    def __init__(self, root: Path, *args: str, term: str = "xterm-256color") -> None:
        env = dict(os.environ, TERM=term, COLUMNS="80", LINES="24", PROMPT_TOOLKIT_NO_CPR="1")
        program = shutil.which("touchplan")
        assert program is not None, "touchplan is installed beside the test interpreter"
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            program,
            [*args, "--dir", str(root)],
            env=env,
            dimensions=(24, 80),
            encoding="utf-8",
            timeout=30,
        )
        self.child.logfile_read = self.log

    def expect(self, text: str) -> None:
        """Wait for ``text`` on the screen, styled or not (escapes may split it)."""
        self.child.expect(STYLED.join(re.escape(ch) for ch in text))

    def answer(self, prompt: str, text: str) -> None:
        """Wait for ``prompt`` (drawn once the line editor reads keys), then type ``text``
        and Enter."""
        self.expect(prompt)
        self.child.send(text + "\r")

    def press(self, prompt: str, keys: str) -> None:
        self.expect(prompt)
        self.child.send(keys)

    def end(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        status = self.child.exitstatus
        assert status is not None, f"killed by a signal: {self.child.signalstatus}"
        return int(status)

    @property
    def text(self) -> str:
        """What the terminal showed, without its control sequences."""
        return ANSI.sub("", self.log.getvalue()).replace("\r", "")


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for t in opened:
        if t.child.isalive():
            t.child.terminate(force=True)


def start(
    terminals: list[Terminal], root: Path, *args: str, term: str = "xterm-256color"
) -> Terminal:
    t = Terminal(root, "call", *args, term=term)
    terminals.append(t)
    return t


def appended(before: bytes, lines: str) -> bytes:
    return before + lines.encode()


# -- a whole session ---------------------------------------------------------------------------


def test_a_session_of_three_calls_writes_exactly_what_was_said(
    root: Path, book: dict[str, Path], run: RunFn, terminals: list[Terminal]
) -> None:
    """Reached with a promise (and renewal progress), an attempt, a skip with a reason."""
    before = snapshot(book)
    promise = item_ids(run, "acme")["follow-up"]
    t = start(terminals, root)
    t.expect("1/3 Acme Corp")
    t.answer("Reached [call · Jane Smith]:", "")
    t.answer("What was said:", "Jane takes the proposal to her board on Monday.")
    t.answer(f"Closes [{promise}]:", "")
    t.answer("Renewal [no progress]", "proposal")
    t.answer("Next [none]", "2026-12-01 Send the contract")
    t.answer("New problem [none]:", "")
    t.expect("2/3 Globex")
    t.answer("Reached [call · Bob Jones]:", "n")
    t.answer("Note [No answer]:", "Left a voicemail")
    t.expect("3/3 Initech")
    t.answer("Reached [call · Peter Gibbons]:", "s")
    t.answer("Why skip", "Peter is out until Monday")
    assert t.end() == 0
    assert book["acme"].read_bytes() == appended(
        before["acme"],
        "  - date: 2026-11-24\n"
        "    kind: renewal\n"
        "    with: Jane Smith\n"
        "    summary: Jane takes the proposal to her board on Monday.\n"
        "    next: 2026-12-01 Send the contract\n"
        f"    done: [{promise}]\n"
        "    stage: proposal\n",
    )
    assert book["globex"].read_bytes() == appended(
        before["globex"],
        "  - date: 2026-11-24\n"
        "    kind: attempt\n"
        "    with: Bob Jones\n"
        "    summary: Left a voicemail\n",
    )
    assert book["initech"].read_bytes() == appended(
        before["initech"],
        "  - date: 2026-11-24\n"
        "    kind: note\n"
        '    summary: "Call skipped: Peter is out until Monday"\n',
    )
    shown = t.text
    assert "Logged renewal with Jane Smith → accounts/acme.yaml" in shown
    assert f"closed follow-up {promise}: Send the 2027 quote" in shown
    assert "next: follow-up" in shown and "Send the contract (due 2026-12-01)" in shown
    assert "Logged attempt with Bob Jones → accounts/globex.yaml" in shown
    assert "back on the list Wed 2026-11-25" in shown
    assert "Skipped Initech: it stays on the list for tomorrow." in shown
    assert "2 calls made: 1 reached, 1 not answered · 1 skipped · 1 promise made" in shown
    assert "Still due today: 1 call — Initech" in shown
    # the attempt took Globex off today's list until the next working day
    today = json.loads(run("today", "--format", "json").stdout)
    assert [c["account"] for c in today["calls"]] == ["initech"]
    tomorrow = json.loads(run("today", "--format", "json", "--date", "2026-11-25").stdout)
    assert "globex" in [c["account"] for c in tomorrow["calls"]]


def test_a_call_writes_what_the_same_log_command_writes(
    root: Path, book: dict[str, Path], run: RunFn, terminals: list[Terminal], tmp_path: Path
) -> None:
    """The same answers as `log` options give the same bytes: one path for both."""
    twin = tmp_path / "twin"
    shutil.copytree(root, twin)
    promise = item_ids(run, "acme")["follow-up"]
    t = start(terminals, root, "acme")
    t.answer("Reached [call · Jane Smith]:", "email raj")
    t.answer("What was said:", "Sent the credit note.")
    t.answer("Closes [none]:", promise)
    t.answer("Renewal [no progress]", "")
    t.answer("Next [none]", "friday visit: Plant tour")
    t.answer("New problem [none]:", "Invoice 88 is wrong")
    assert t.end() == 0
    logged = run(
        "log", "acme", "Sent the credit note.", "--kind", "email", "--with", "raj",
        "--done", promise, "--next", "friday visit: Plant tour",
        "--problem", "Invoice 88 is wrong", "--dir", str(twin),
        use_dir=False,
    )  # fmt: skip
    assert logged.exit_code == 0, logged.stderr
    assert book["acme"].read_bytes() == (twin / "accounts" / "acme.yaml").read_bytes()
    assert "kind: email\n    with: Raj Patel\n" in book["acme"].read_text()


def test_a_routine_call_is_four_keystrokes_and_the_summary(
    root: Path, write_account: Callable[..., Path], run: RunFn, terminals: list[Terminal]
) -> None:
    """Reached (Enter), what was said, then Enter for the promise it settles, no new
    promise, no problem: nothing else is asked."""
    umbrella = GLOBEX.replace("Globex", "Umbrella") + "    next: 2026-11-23 Send the brochure\n"
    path = write_account("umbrella", umbrella)
    before = path.read_bytes()
    promise = item_ids(run, "umbrella")["follow-up"]
    t = start(terminals, root, "umbrella")
    keys = ["\r", "Sent the brochure; all good.\r", "\r", "\r", "\r"]
    for prompt, key in zip(
        ["Reached", "What was said:", f"Closes [{promise}]:", "Next [none]", "New problem"],
        keys,
        strict=True,
    ):
        t.press(prompt, key)
    assert t.end() == 0
    assert sum(len(k) for n, k in enumerate(keys) if n != 1) == 4
    assert path.read_bytes() == appended(
        before,
        "  - date: 2026-11-24\n"
        "    kind: call\n"
        "    with: Bob Jones\n"
        "    summary: Sent the brochure; all good.\n"
        f"    done: [{promise}]\n",
    )


def test_a_keep_in_touch_call_is_not_asked_what_it_closes(
    root: Path, book: dict[str, Path], terminals: list[Terminal]
) -> None:
    before = book["globex"].read_bytes()
    t = start(terminals, root, "globex")
    t.answer("Reached [call · Bob Jones]:", "")
    t.answer("What was said:", "All fine.")
    t.answer("Next [none]", "")
    t.answer("New problem [none]:", "")
    assert t.end() == 0
    assert book["globex"].read_bytes() == appended(
        before,
        "  - date: 2026-11-24\n    kind: call\n    with: Bob Jones\n    summary: All fine.\n",
    )
    assert "settled touch" in t.text
    assert "Closes" not in t.text


# -- stopping ----------------------------------------------------------------------------------

REACHED = "Reached [call · Jane Smith]:"
SAID = "What was said:"
# Each question of a card, and the answers (question, text) that lead to it.
TO_EACH_QUESTION: dict[str, tuple[list[tuple[str, str]], str]] = {
    "reached": ([], REACHED),
    "said": ([(REACHED, "")], SAID),
    "closes": ([(REACHED, ""), (SAID, "Talked.")], "Closes ["),
    "renewal": ([(REACHED, ""), (SAID, "Talked."), ("Closes [", "")], "Renewal [no progress]"),
    "next": (
        [(REACHED, ""), (SAID, "Talked."), ("Closes [", ""), ("Renewal [", "verbal")],
        "Next [none]",
    ),
    "problem": (
        [
            (REACHED, ""),
            (SAID, "Talked."),
            ("Closes [", ""),
            ("Renewal [", "verbal"),
            ("Next [none]", "friday Call back"),
        ],
        "New problem [none]:",
    ),
    "attempt note": ([(REACHED, "n")], "Note [No answer]:"),
    "skip reason": ([(REACHED, "s")], "Why skip"),
    "snooze until": ([(REACHED, "z")], "Snooze until:"),
    "snooze reason": ([(REACHED, "z"), ("Snooze until:", "+2w")], "Reason []:"),
}


@pytest.mark.parametrize("question", list(TO_EACH_QUESTION))
def test_ctrl_c_at_any_question_writes_nothing(
    root: Path, book: dict[str, Path], terminals: list[Terminal], question: str
) -> None:
    before = snapshot(book)
    answers, prompt = TO_EACH_QUESTION[question]
    t = start(terminals, root)
    for asked, text in answers:
        t.answer(asked, text)
    t.press(prompt, "typed, not sent\x03")
    assert t.end() == 1
    assert snapshot(book) == before
    assert "Stopped at Acme Corp: nothing was written for it." in t.text


def test_end_of_input_writes_nothing(
    root: Path, book: dict[str, Path], terminals: list[Terminal]
) -> None:
    before = snapshot(book)
    t = start(terminals, root)
    t.answer("Reached [call · Jane Smith]:", "")
    t.press("What was said:", "\x04")
    assert t.end() == 1
    assert snapshot(book) == before


def test_ctrl_c_on_a_later_card_keeps_the_calls_logged(
    root: Path, book: dict[str, Path], terminals: list[Terminal]
) -> None:
    before = snapshot(book)
    t = start(terminals, root)
    t.answer("Reached [call · Jane Smith]:", "n")
    t.answer("Note [No answer]:", "")
    t.answer("Reached [call · Bob Jones]:", "")
    t.answer("What was said:", "Bob wants")
    t.press("Next [none]", "\x03")
    assert t.end() == 1
    assert book["acme"].read_bytes() == appended(
        before["acme"],
        "  - date: 2026-11-24\n    kind: attempt\n    with: Jane Smith\n    summary: No answer\n",
    )
    assert snapshot(book) | {"acme": before["acme"]} == before
    assert "1 call made: 0 reached, 1 not answered" in t.text
    assert "Stopped at Globex: nothing was written for it." in t.text


def test_a_call_written_but_not_shown_stays_logged(
    root: Path,
    book: dict[str, Path],
    terminals: list[Terminal],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once the entry is written, a failure showing what comes next is only a warning:
    the call counts as made and nothing says it was not written (a retry would log it
    twice)."""
    hook = tmp_path / "hook"  # the spawned touchplan imports it first (sitecustomize)
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import touchplan.planning.entry as entry\n\n"
        "def broken(*args, **kwargs):\n"
        "    raise OverflowError('date value out of range')\n\n"
        "entry.after_log = broken\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(hook))
    before = book["globex"].read_bytes()
    t = start(terminals, root, "globex")
    t.answer("Reached [call · Bob Jones]:", "")
    t.answer("What was said:", "All fine.")
    t.answer("Next [none]", "")
    t.answer("New problem [none]:", "")
    assert t.end() == 0
    assert book["globex"].read_bytes() == appended(
        before,
        "  - date: 2026-11-24\n    kind: call\n    with: Bob Jones\n    summary: All fine.\n",
    )
    shown = " ".join(t.text.split())  # the warning wraps at 80 columns
    assert (
        "warning: logged call in accounts/globex.yaml, but could not show what comes next "
        "(OverflowError: date value out of range)"
    ) in shown
    assert "Nothing was written" not in shown
    assert "1 call made: 1 reached" in shown


def test_q_stops_and_keeps_what_was_logged(
    root: Path, book: dict[str, Path], run: RunFn, terminals: list[Terminal]
) -> None:
    before = snapshot(book)
    t = start(terminals, root)
    t.answer("Reached [call · Jane Smith]:", "s")
    t.answer("Why skip", "")
    t.answer("Reached [call · Bob Jones]:", "z")
    t.answer("Snooze until:", "2026-12-15")
    t.answer("Reason []:", "Bob on leave")
    t.answer("Reached [call · Peter Gibbons]:", "q")
    assert t.end() == 0
    assert book["acme"].read_bytes() == before["acme"]  # a skip without a reason
    assert book["initech"].read_bytes() == before["initech"]
    assert book["globex"].read_bytes() == before["globex"].replace(
        b"owner: dana\n", b"owner: dana\nsnooze:\n  until: 2026-12-15\n  reason: Bob on leave\n"
    )
    assert "0 calls made: 0 reached, 0 not answered · 1 skipped · 1 snoozed" in t.text
    assert "Still due today: 2 calls — Acme Corp, Initech" in t.text


# -- answers checked before anything is written --------------------------------------------------


def test_a_wrong_answer_is_refused_on_the_line_and_asked_again(
    root: Path, book: dict[str, Path], run: RunFn, terminals: list[Terminal]
) -> None:
    before = book["acme"].read_bytes()
    t = start(terminals, root, "acme")
    t.answer("Reached [call · Jane Smith]:", "")
    t.answer("What was said:", "Talked.")
    t.press("Closes [", "zzzzz\r")
    t.expect("'zzzzz' is not an open item of Acme Corp")
    t.child.send("\x15\r")  # Ctrl-U clears the line; Enter takes the default
    t.answer("Renewal [no progress]", "signed yesterday")
    t.expect("is not after today")
    t.child.send("\x15conv\r")
    t.answer("Next [none]", "")
    t.answer("New problem [none]:", "")
    assert t.end() == 0
    promise = item_ids(run, "acme")
    assert "follow-up" not in promise
    assert book["acme"].read_bytes().startswith(before)
    assert book["acme"].read_bytes().endswith(b"    stage: conversation\n")


def test_a_dumb_terminal_says_why_and_asks_again(
    root: Path, book: dict[str, Path], terminals: list[Terminal]
) -> None:
    """Without cursor control prompt_toolkit shows no message under the line: the
    reason is printed and the question asked again."""
    before = book["globex"].read_bytes()
    t = start(terminals, root, "globex", term="dumb")
    t.answer("Reached [call · Bob Jones]:", "")
    t.answer("What was said:", "   ")
    t.answer("say what happened", "Fine.")
    t.answer("Next [none]", "someday Call again")
    t.answer("is not a date", "")
    t.answer("New problem [none]:", "")
    assert t.end() == 0
    assert book["globex"].read_bytes() == appended(
        before, "  - date: 2026-11-24\n    kind: call\n    with: Bob Jones\n    summary: Fine.\n"
    )


def test_without_a_terminal_it_refuses_and_points_to_log(book: dict[str, Path], run: RunFn) -> None:
    before = snapshot(book)
    result = run("call")
    assert result.exit_code == 2
    assert "touchplan call asks questions and needs a terminal" in result.stderr
    assert 'touchplan log ACCOUNT "SUMMARY"' in result.stderr
    assert snapshot(book) == before


# -- the card ------------------------------------------------------------------------------------


def render(renderable: object, width: int = 80) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(renderable)
    out = console.file.getvalue()
    assert isinstance(out, str)
    return out


def test_the_card_at_80_columns(root: Path, book: dict[str, Path]) -> None:
    card, _policy, day = acme(root)
    shown = render(card_view(card, 1, 3, day))
    expected = (SNAPSHOTS / "call_card.txt").read_text(encoding="utf-8")
    assert shown == expected


def test_a_crowded_card_still_fits_80_by_24(root: Path, write_account: Callable[..., Path]) -> None:
    contacts = "".join(
        f"  - name: Person {n} With A Rather Long Name\n    role: Head of Things {n}\n"
        f'    phone: "+1 555 01{n:02}"\n    email: person{n}@crowded.example\n'
        for n in range(6)
    )
    history = "".join(
        f"  - date: 2026-10-{n + 1:02}\n    kind: call\n    with: Person {n % 6}\n"
        f"    summary: {'A long summary of what was said. ' * 5}\n"
        f"    next: 2026-11-{n + 1:02} Promise number {n} {'and a long action ' * 3}\n"
        f"    problem: Problem {n}\n"
        for n in range(12)
    )
    write_account(
        "crowded",
        f"name: {'Crowded ' * 12}\ntier: A\nrenewal: 2026-12-20\ncontacts:\n{contacts}"
        f"history:\n{history}",
    )
    config = load_config(root)
    account, _ = load_file(root, root / "accounts" / "crowded.yaml")
    assert account is not None
    day = date(2026, 11, 24)
    call = plan_calls([account], config.policy, day)[0]
    assert len(call.agenda) > 20
    lines = render(card_view(card_for(account, call, config.policy, day), 1, 1, day)).splitlines()
    assert len(lines) <= CARD_LINES < 24
    assert max(len(line) for line in lines) <= 80
    assert any("… " in line and "more: touchplan show crowded" in line for line in lines)
    assert lines[-1].startswith("Enter reached")


# -- what the answers mean -----------------------------------------------------------------------


def acme(root: Path) -> tuple[Card, Policy, date]:
    config = load_config(root)
    account, _ = load_file(root, root / "accounts" / "acme.yaml")
    assert account is not None
    day = date(2026, 11, 24)
    call = plan_calls([account], config.policy, day)[0]
    return card_for(account, call, config.policy, day), config.policy, day


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("", Reached(TouchKind.CALL, "Jane Smith", True)),
        ("raj", Reached(TouchKind.CALL, "Raj Patel", True)),
        ("visit", Reached(TouchKind.VISIT, "Jane Smith", True)),
        ("Email  RAJ", Reached(TouchKind.EMAIL, "Raj Patel", True)),
        ("Tom Baker", Reached(TouchKind.CALL, "Tom Baker", False)),
        ("n", Choice.NOBODY),
        ("attempt", Choice.NOBODY),
        ("S", Choice.SKIP),
        ("z", Choice.SNOOZE),
        ("q", Choice.QUIT),
    ],
)
def test_who_was_reached(root: Path, book: dict[str, Path], typed: str, meant: object) -> None:
    card, _policy, _day = acme(root)
    assert read_reached(typed, card) == meant


def test_a_name_two_contacts_share_is_asked_again(
    root: Path, write_account: Callable[..., Path]
) -> None:
    write_account("acme", ACME.replace("Raj Patel", "Jane Doe"))
    card, _policy, _day = acme(root)
    with pytest.raises(UsageError, match="'jane' could be Jane Smith or Jane Doe"):
        read_reached("jane", card)


def test_the_default_closes_only_what_was_promised_to_whom_was_reached(
    root: Path, book: dict[str, Path], run: RunFn
) -> None:
    card, policy, day = acme(root)
    ids = item_ids(run, "acme")
    jane = settled_by_default(card, TouchKind.CALL, "Jane Smith", policy, day)
    raj = settled_by_default(card, TouchKind.CALL, "Raj Patel", policy, day)
    note = settled_by_default(card, TouchKind.NOTE, "Jane Smith", policy, day)
    assert [i.id for i in jane] == [ids["follow-up"]]
    assert raj == note == []
    assert read_closes("", card, jane) == Closes((ids["follow-up"],))
    assert read_closes(" - ", card, jane) == Closes()
    assert read_closes(f"{ids['renewal']},{ids['touch']}", card, jane) == Closes(
        (ids["renewal"], ids["touch"])
    )


def test_renewal_answers() -> None:
    day = date(2026, 11, 24)
    assert read_renewal("", TouchKind.CALL, day) is None
    assert read_renewal("p", TouchKind.CALL, day) == RenewalStep(stage=RenewalStage.PROPOSAL)
    assert read_renewal("Verbal", TouchKind.VISIT, day) == RenewalStep(stage=RenewalStage.VERBAL)
    assert read_renewal("signed 2028-01-10", TouchKind.EMAIL, day) == RenewalStep(
        signed=date(2028, 1, 10)
    )
    for wrong, kind in (("signed 2028-01-10", TouchKind.VISIT), ("maybe", TouchKind.CALL)):
        with pytest.raises(UsageError):
            read_renewal(wrong, kind, day)


def test_renewal_progress_on_a_visit_closes_the_renewal_item_instead(
    root: Path, book: dict[str, Path]
) -> None:
    """A visit keeps its kind (the visit cadence counts on it): the renewal item is
    closed by id, progress at the stage it had; a call becomes a renewal entry."""
    card, policy, day = acme(root)
    assert card.renewal is not None
    visit = Reached(TouchKind.VISIT, "Jane Smith", True)
    proposal = RenewalStep(stage=RenewalStage.PROPOSAL)
    on_visit = call_entry(card, visit, "Met.", Closes(), proposal, "", "", policy, day)
    assert (on_visit.kind, on_visit.stage, on_visit.done) == (
        TouchKind.VISIT,
        None,
        (card.renewal.id,),
    )
    call = Reached(TouchKind.CALL, "Jane Smith", True)
    on_call = call_entry(card, call, "Talked.", Closes(), proposal, "", "", policy, day)
    assert (on_call.kind, on_call.stage, on_call.done) == (TouchKind.RENEWAL, "proposal", None)
    plain = call_entry(card, call, "Talked.", Closes(), None, "", "", policy, day)
    assert (plain.kind, plain.stage, plain.done) == (TouchKind.CALL, None, None)


def test_a_booked_call_stays_kept_when_the_call_becomes_a_renewal_entry(
    root: Path, write_account: Callable[..., Path]
) -> None:
    """A renewal entry does not keep a booked call by its kind: its id is written."""
    write_account(
        "acme",
        ACME + "  - date: 2026-11-17\n    kind: call\n    with: Jane Smith\n"
        "    summary: Booked a call.\n    next: '2026-11-24 call: Renewal terms'\n",
    )
    card, policy, day = acme(root)
    booked = next(i for i in card.call.items if i.kind.value == "booked")
    call = Reached(TouchKind.CALL, "Jane Smith", True)
    verbal = RenewalStep(stage=RenewalStage.VERBAL)
    entry = call_entry(card, call, "Verbal yes.", Closes(), verbal, "", "", policy, day)
    assert entry.kind is TouchKind.RENEWAL
    assert entry.done is not None and booked.id in entry.done


def test_a_problem_id_among_the_closes_resolves_it(
    root: Path, write_account: Callable[..., Path]
) -> None:
    write_account("acme", ACME + "    problem: Late delivery\n")
    card, _policy, _day = acme(root)
    problem = next(i for i in card.items if i.kind.value == "problem")
    promise = next(i for i in card.items if i.kind.value == "follow-up")
    assert read_closes(f"{problem.id} {promise.id}", card, []) == Closes(
        (promise.id,), (problem.id,)
    )
    with pytest.raises(UsageError, match="'nope1' is not an open item of Acme Corp"):
        read_closes("nope1", card, [])


def test_an_account_named_with_nothing_due_is_called_anyway(
    root: Path, book: dict[str, Path], terminals: list[Terminal]
) -> None:
    """The customer rang: every open item is on the card, none is due."""
    before = book["globex"].read_bytes()
    t = start(terminals, root, "globex", "--date", "2026-10-15")
    t.expect("1/1 Globex · tier B · call · nothing due today")
    t.answer("Reached [call · Bob Jones]:", "")
    t.answer("What was said:", "Bob rang about an invoice.")
    t.answer("Closes [none]:", "")
    t.answer("Next [none]", "")
    t.answer("New problem [none]:", "")
    assert t.end() == 0
    assert book["globex"].read_bytes() == appended(
        before,
        "  - date: 2026-10-15\n    kind: call\n    with: Bob Jones\n"
        "    summary: Bob rang about an invoice.\n",
    )


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        ((), 0, "Nothing is due today."),
        (("--date", "2026-11-25"), 2, "--date 2026-11-25 is in the future"),
        (("gone",), 1, "Gone Ltd is marked lost; it is not called"),
    ],
    ids=["nothing due", "future date", "lost account"],
)
def test_when_there_is_nobody_to_call(
    root: Path,
    write_account: Callable[..., Path],
    terminals: list[Terminal],
    args: tuple[str, ...],
    status: int,
    said: str,
) -> None:
    write_account("gone", "name: Gone Ltd\ntier: B\nstatus: lost\n")
    t = start(terminals, root, *args)
    assert t.end() == status
    assert said in t.text


def test_a_call_logged_elsewhere_meanwhile_is_not_offered_again(
    root: Path, book: dict[str, Path], run: RunFn, terminals: list[Terminal]
) -> None:
    """Each card reads its file when it comes up: a call logged from another terminal
    during the session is passed over."""
    t = start(terminals, root)
    t.expect("1/3 Acme Corp")
    elsewhere = run("log", "globex", "Bob called us.", "--with", "bob")
    assert elsewhere.exit_code == 0, elsewhere.stderr
    t.answer("Reached [call · Jane Smith]:", "s")
    t.answer("Why skip", "")
    t.expect("Globex: nothing is due any more; on to the next call.")
    t.answer("Reached [call · Peter Gibbons]:", "q")
    assert t.end() == 0
    assert book["globex"].read_bytes().count(b"kind: call") == 2
