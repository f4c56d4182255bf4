"""Working as a team over git: `init`, `doctor`, who "me" is, and the manager's report.

Everything here returns data; `cli_team` prints it.

Git setup that `touchplan init` makes (and `touchplan doctor` checks)::

    .gitattributes   accounts/**/*.yaml merge=touchplan   (and *.yml)
    .gitignore       touchplan.local.yaml, *.touchplan-tmp
    git config merge.touchplan.name "touchplan: merge appended history entries"
    git config merge.touchplan.driver "touchplan merge-driver %O %A %B %P"

Git config is not cloned, so every clone runs `touchplan init` once (it is idempotent).

Who "me" is (the owner `today`, `week` and `renewals` default to), first match wins:

1. ``TOUCHPLAN_OWNER`` in the environment;
2. ``me:`` in ``touchplan.local.yaml`` at the data root (ignored by git, per person);
3. ``git config user.email`` matching an owner's address under ``owners:`` in
   ``touchplan.yaml``, which maps each owner (as written in account files) to one
   address or a list of them, and to the other names the owner goes by elsewhere (a
   CRM's user name or user id), which `import` maps to the owner::

       owners:
         dana: dana@acme.example
         lee: [lee@acme.example, lee.k@acme.example]
         sam: [sam@acme.example, Sam Rep, 0055g00000XyZabAAB]

4. ``me:`` in ``touchplan.yaml`` itself (a repository with a single rep).

A plain pre-commit hook, for teams without the pre-commit framework
(``.git/hooks/pre-commit``, executable)::

    #!/bin/sh
    # refuse a commit while any account file or touchplan.yaml does not validate
    exec touchplan check
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from touchplan.edit import state_dir, write_atomic
from touchplan.errors import Problem
from touchplan.model import Account, Item, ItemKind, Status, Tier, TouchKind
from touchplan.policy import POLICY_FILE, Policy
from touchplan.schedule import is_planned, plan_account
from touchplan.store import ACCOUNTS_DIR, TEMP_MARK, iter_account_files
from touchplan.text import fold_name
from touchplan.yamldoc import Fields, Map, Scalar, parse

LOCAL_FILE = "touchplan.local.yaml"
DRIVER = "touchplan merge-driver %O %A %B %P"
DRIVER_NAME = "touchplan: merge appended history entries"
ATTRIBUTE_LINES = ("accounts/**/*.yaml merge=touchplan", "accounts/**/*.yml merge=touchplan")
IGNORE_LINES = (LOCAL_FILE, f"*{TEMP_MARK}")
CONFIG_COMMANDS = (
    f'git config merge.touchplan.name "{DRIVER_NAME}"',
    f'git config merge.touchplan.driver "{DRIVER}"',
)
RENEWAL_WINDOW = 90  # days ahead the report lists renewals

# The commented policy `init` writes: the bundled touchplan.yaml (a test keeps them equal).
POLICY_TEMPLATE = """\
# touchplan.yaml: the team's touch policy.
# Every value below is the built-in default except `holidays`. Change a number
# here and `touchplan today` / `week` / `renewals` pick it up on the next run.
# All durations are in calendar days unless a comment says otherwise.

# How many items `touchplan today` lists as today's calls (items per rep per day).
# The rest are counted under "more".
capacity: 6

# Days a rep works. A due date that falls on any other day moves forward to the
# next working day. Values: mon tue wed thu fri sat sun.
working_days: [mon, tue, wed, thu, fri]

# Company holidays (YYYY-MM-DD). Treated like weekends: due dates move to the
# next working day.
holidays:
  - 2026-12-25   # Christmas Day
  - 2027-01-01   # New Year's Day

# Regular contact: a touch is due when this many days have passed since the last
# contact (call, visit, meeting, email, letter, review, sale, renewal, thank-you;
# an internal `note` does not count).
touch:
  every: {A: 14, B: 30, C: 90}   # days between contacts, per tier
  tighten_factor: 0.5            # multiplier on `every` while an account is new or
                                 # recovering from a problem (0.5 = twice as often)
  new_customer_days: 90          # days after `since` the account counts as new
  after_problem_days: 90         # days after a problem is resolved the tighter cadence holds

# Face-to-face: a visit is due this many days after the last visit or meeting.
visit:
  every: {A: 90, B: 180, C: null}   # days; null = no visits planned for that tier

# Relationship review ("health check"): due this many days after the last `review`.
review:
  every: {A: 90, B: 180, C: 365}    # days, per tier

# While a problem is open, touch the account this often (days since the last
# contact). Problems rank above everything else.
problem:
  every: 2   # days

# Renewals: work starts `lead` days before the contract's renewal date and is
# escalated at each of `escalate` days before it. After the date passes with no
# `renewal` entry the renewal is reported as lapsed.
renewal:
  lead: 60            # days before the renewal date
  escalate: [30, 14]  # days before the renewal date

# Follow-up steps that an event starts. `after` lists the history kinds (or
# `since`, for a new account) that trigger the step; `days` is how many days
# after the triggering event it falls due; `closed_by` is either a list of
# history kinds logged after the trigger, or `done` (an entry with `done: true`).
sequences:
  - name: thank-you
    after: [sale, visit, meeting]
    days: 2
    kind: thank-you
    action: Send a thank-you note
    closed_by: [thank-you]
  - name: gap-check
    after: [sale, since]
    days: 7
    kind: gap-check
    action: Check that what was delivered is what was expected
    closed_by: done
  - name: implementation-review
    after: [sale]
    days: 30
    kind: review
    action: "Implementation review: is it working as promised?"
    closed_by: [review]

# Ranking. An item's score = kind weight + tier weight
#   + overdue_day x days overdue (no cap)
#   + renewal_day x days inside the renewal window (renewal items only).
weights:
  kind: {problem: 100, renewal: 60, follow-up: 40, gap-check: 35, \
thank-you: 30, review: 25, visit: 20, touch: 10}
  tier: {A: 30, B: 15, C: 0}
  overdue_day: 2    # points per calendar day overdue
  renewal_day: 1    # points per calendar day since the renewal window opened
"""


# -- git --------------------------------------------------------------------------------


def git(
    root: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str] | None:
    """``git ARGS`` run in ``root``; None when git is not installed."""
    try:
        return subprocess.run(
            ["git", *args], cwd=root, input=stdin, capture_output=True, text=True, check=False
        )
    except (FileNotFoundError, NotADirectoryError):
        return None


def git_top(root: Path) -> Path | None:
    """The work tree ``root`` is in, or None outside git (or without git)."""
    done = git(root, "rev-parse", "--show-toplevel")
    if done is None or done.returncode != 0:
        return None
    return Path(done.stdout.rstrip("\n")).resolve()


def write_conflict(base: Path, ours: Path, theirs: Path) -> bool:
    """Leave git's usual conflict markers in ``ours`` (what a merge without the driver
    leaves); False when git could not produce them and ``ours`` is unchanged."""
    paths = (ours, base, theirs)
    try:
        done = subprocess.run(
            ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", *map(str, paths)],
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        return False
    return done.returncode >= 0 and done.returncode != 255  # 255 (-1): merge-file failed


# -- init -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One thing `init` did or found: status is created, added, configured, ok or todo."""

    status: str
    what: str
    commands: tuple[str, ...] = ()


def _ensure_lines(path: Path, wanted: Sequence[str], comment: str) -> Step:
    """Append the ``wanted`` lines that ``path`` lacks, keeping every existing line."""
    try:
        original: bytes | None = path.read_bytes()
    except FileNotFoundError:
        original = None
    text = (original or b"").decode("utf-8", errors="surrogateescape")
    present = {" ".join(line.split()) for line in text.splitlines()}
    missing = [line for line in wanted if line not in present]
    if not missing:
        return Step("ok", f"{path.name} already has {', '.join(wanted)}")
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    text += newline.join([comment, *missing]) + newline
    write_atomic(path, text.encode("utf-8", errors="surrogateescape"), original)
    return Step("added", f"{path.name}: {', '.join(missing)}")


def _configure_driver(root: Path) -> Step:
    if git_top(root) is None:
        return Step(
            "todo",
            "not a git repository: configure the merge driver in each clone, with",
            CONFIG_COMMANDS,
        )
    changed = []
    for key, value in (("merge.touchplan.name", DRIVER_NAME), ("merge.touchplan.driver", DRIVER)):
        current = git(root, "config", "--local", "--get", key)
        if current is not None and current.stdout.rstrip("\n") == value:
            continue
        done = git(root, "config", "--local", key, value)
        if done is None or done.returncode != 0:
            return Step("todo", "could not write the git config; run", CONFIG_COMMANDS)
        changed.append(key)
    if not changed:
        return Step("ok", "git config already runs `touchplan merge-driver` for account files")
    return Step("configured", f"git config {', '.join(changed)}")


def init(root: Path) -> list[Step]:
    """Make ``root`` a touchplan repository that git merges well; safe to run again."""
    steps = []
    accounts = root / ACCOUNTS_DIR
    if accounts.is_dir():
        steps.append(Step("ok", f"{ACCOUNTS_DIR}/ exists"))
    else:
        accounts.mkdir(parents=True)
        steps.append(Step("created", f"{ACCOUNTS_DIR}/"))
    policy = root / POLICY_FILE
    if policy.exists():
        steps.append(Step("ok", f"{POLICY_FILE} exists"))
    else:
        write_atomic(policy, POLICY_TEMPLATE.encode(), None)
        steps.append(Step("created", f"{POLICY_FILE} (the defaults, commented)"))
    steps.append(
        _ensure_lines(
            root / ".gitattributes",
            ATTRIBUTE_LINES,
            "# touchplan: merge two reps' logs on one account (touchplan init)",
        )
    )
    steps.append(
        _ensure_lines(
            root / ".gitignore",
            IGNORE_LINES,
            "# touchplan: per-person settings, interrupted writes",
        )
    )
    steps.append(_configure_driver(root))
    return steps


# -- owners: who "me" is -----------------------------------------------------------------


@dataclass(frozen=True)
class Owners:
    """``owners:`` (owner -> email addresses and other aliases) and ``me:`` from
    touchplan.yaml."""

    emails: dict[str, tuple[str, ...]] = field(default_factory=dict)  # and aliases
    me: str = ""

    def aliases(self) -> dict[str, str]:
        """Every name an owner goes by, folded (see `fold_name`) -> the owner as written
        in account files. The owner's own name counts; the first owner listing an alias
        keeps it."""
        found: dict[str, str] = {}
        for owner, names in self.emails.items():
            for name in (owner, *names):
                found.setdefault(fold_name(name), owner)
        return found


def _read_yaml_map(root: Path, name: str) -> tuple[Map | None, list[Problem]]:
    try:
        data = (root / name).read_bytes()
    except OSError:
        return None, []
    doc, problems = parse(data, name)
    if doc is None or not isinstance(doc.root, Map):
        return None, problems
    return doc.root, problems


def read_owners(root: Path) -> tuple[Owners, list[Problem]]:
    """The owners section of touchplan.yaml; its problems (other sections' problems are
    `load_policy`'s to report)."""
    mapping, _ = _read_yaml_map(root, POLICY_FILE)
    problems: list[Problem] = []
    if mapping is None:
        return Owners(), problems
    f = Fields(POLICY_FILE, problems)
    emails: dict[str, tuple[str, ...]] = {}
    node = mapping.entries.get("owners", (0, None))[1]
    owners = f.mapping(node, "owners") if node is not None else None
    for owner, (_line, value) in (owners.entries if owners else {}).items():
        where = f"owners.{owner}"
        values = value.items if not isinstance(value, Scalar | Map) else [value]
        addresses = []
        for item in values:
            text = f.text(item, where)
            if text is None or not text.strip():
                continue
            # anything but an address is an alias: a CRM user name or id
            addresses.append(text.strip())
        emails[owner.strip()] = tuple(addresses)
    me = ""
    if "me" in mapping.entries:
        me = (f.text(mapping.entries["me"][1], "me") or "").strip()
    return Owners(emails, me), problems


def read_local(root: Path) -> tuple[str, list[Problem]]:
    """``me:`` from touchplan.local.yaml (not shared: git ignores it)."""
    mapping, problems = _read_yaml_map(root, LOCAL_FILE)
    if mapping is None:
        return "", problems
    f = Fields(LOCAL_FILE, problems)
    f.unknown_keys(mapping, ("me",))
    if "me" not in mapping.entries:
        return "", problems
    return (f.text(mapping.entries["me"][1], "me") or "").strip(), problems


def who_am_i(root: Path, owners: Owners | None = None) -> tuple[str | None, str]:
    """The current rep and where that came from (see the module docstring)."""
    env = os.environ.get("TOUCHPLAN_OWNER", "").strip()
    if env:
        return env, "TOUCHPLAN_OWNER"
    me, _ = read_local(root)
    if me:
        return me, f"me: in {LOCAL_FILE}"
    if owners is None:
        owners, _ = read_owners(root)
    if owners.emails:  # only then is asking git worth a process
        done = git(root, "config", "user.email")
        email = done.stdout.strip().casefold() if done is not None else ""
        for owner, addresses in owners.emails.items():
            if email and email in (a.casefold() for a in addresses):
                return owner, f"git user.email {email} under owners: in {POLICY_FILE}"
    if owners.me:
        return owners.me, f"me: in {POLICY_FILE}"
    return None, ""


def current_owner(root: Path, owners: Owners | None = None) -> str | None:
    """The owner `today`, `week` and `renewals` show when --owner is not given."""
    return who_am_i(root, owners)[0]


# -- doctor -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _driver_check(root: Path) -> list[Check]:
    done = git(root, "config", "--get", "merge.touchplan.driver")
    value = done.stdout.strip() if done is not None and done.returncode == 0 else ""
    words = value.split()
    if words[1:5] != ["merge-driver", "%O", "%A", "%B"]:
        shown = f"is {value!r}" if value else "is not set"
        return [Check("merge driver", False, f"merge.touchplan.driver {shown}", CONFIG_COMMANDS[1])]
    checks = [Check("merge driver", True, f"merge.touchplan.driver = {value}")]
    if shutil.which(words[0]) is None:
        checks.append(
            Check(
                "merge driver program",
                False,
                f"git cannot find {words[0]!r} on PATH",
                "install touchplan on PATH, or give the driver its full path",
            )
        )
    return checks


def _attribute_check(root: Path) -> Check:
    paths = [p.relative_to(root).as_posix() for p in iter_account_files(root)]
    paths += [f"{ACCOUNTS_DIR}/example.yaml", f"{ACCOUNTS_DIR}/team/example.yaml"]
    done = git(root, "check-attr", "-z", "--stdin", "merge", stdin="\0".join(paths) + "\0")
    if done is None or done.returncode != 0:
        return Check("git attributes", False, "git check-attr failed", "run `touchplan init`")
    fields = done.stdout.split("\0")
    values = dict(zip(fields[0::3], fields[2::3], strict=False))
    wrong = [p for p in paths if values.get(p) != "touchplan"]
    if wrong:
        shown = ", ".join(f"{p} (merge: {values.get(p, '?')})" for p in wrong[:3])
        more = f" and {len(wrong) - 3} more" if len(wrong) > 3 else ""
        return Check(
            "git attributes",
            False,
            f"not merged by touchplan: {shown}{more}",
            "run `touchplan init` (adds `accounts/**/*.yaml merge=touchplan` to .gitattributes)",
        )
    return Check("git attributes", True, "account files use merge=touchplan")


def _ignored(root: Path, path: str) -> bool:
    done = git(root, "check-ignore", "-q", "--no-index", "--", path)
    return done is not None and done.returncode == 0


def _local_check(root: Path) -> Check:
    tracked = git(root, "ls-files", "--error-unmatch", "--", LOCAL_FILE)
    if tracked is not None and tracked.returncode == 0:
        return Check(
            "local settings",
            False,
            f"{LOCAL_FILE} is committed: everyone would share one `me`",
            f"git rm --cached {LOCAL_FILE}",
        )
    if not _ignored(root, LOCAL_FILE):
        return Check(
            "local settings", False, f"{LOCAL_FILE} is not ignored by git", "run `touchplan init`"
        )
    return Check("local settings", True, f"{LOCAL_FILE} is ignored by git")


def _state_check(root: Path, top: Path | None) -> Check:
    folder = state_dir(root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return Check(
            "cache and lock folder",
            False,
            f"{folder} is not writable ({exc.strerror})",
            "make it writable, or set TOUCHPLAN_CACHE_DIR to a writable folder",
        )
    real = folder.resolve()
    inside = [
        t for t in (top, root.resolve()) if t is not None and (t == real or t in real.parents)
    ]
    if inside and not (top is not None and _ignored(root, str(real))):
        return Check(
            "cache and lock folder",
            False,
            f"{folder} is inside the repository and not ignored",
            "set TOUCHPLAN_CACHE_DIR to a folder outside the repository",
        )
    where = "inside the repository, ignored by git" if inside else "outside the repository"
    return Check("cache and lock folder", True, f"{folder} is writable, {where}")


def _owner_check(root: Path) -> Check:
    owners, problems = read_owners(root)
    _me, local_problems = read_local(root)
    every = problems + local_problems
    if every:
        return Check("owners", False, str(every[0]), f"edit {every[0].path}")
    who, source = who_am_i(root, owners)
    if who is None:
        hint = f"set `me: NAME` in {LOCAL_FILE}, or list owners' emails under `owners:`"
        return Check("owners", True, f"no current rep: commands show everyone ({hint})")
    return Check("owners", True, f"you are {who} ({source})")


def doctor(root: Path) -> list[Check]:
    """Is this repository set up so that git merges logs and local files stay local?"""
    top = git_top(root)
    checks: list[Check] = []
    if top is None:
        checks.append(
            Check(
                "git repository",
                False,
                f"{root} is not in a git work tree (or git is not installed)",
                "git init, then touchplan init",
            )
        )
    else:
        checks.append(Check("git repository", True, f"work tree {top}"))
        checks.extend(_driver_check(root))
        checks.append(_attribute_check(root))
        checks.append(_local_check(root))
    checks.append(_state_check(root, top))
    checks.append(_owner_check(root))
    return checks


# -- the manager's report ---------------------------------------------------------------


# The touches a rep logs; an `imported` entry (a CRM's last activity) is not one.
LOGGED_KINDS = tuple(k for k in TouchKind if k is not TouchKind.IMPORTED)


@dataclass
class Group:
    """One row of the report: an owner's or a tier's accounts."""

    key: str
    accounts: int = 0  # every account not marked lost
    planned: int = 0  # of those, not snoozed: what coverage is measured on
    snoozed: int = 0
    lost: int = 0
    covered: int = 0  # planned accounts whose regular touch is not overdue
    overdue_items: int = 0
    neglected_a: int = 0
    open_problems: int = 0
    renewals: int = 0  # renewals within RENEWAL_WINDOW days, and lapsed ones
    renewal_value: float = 0.0
    touches: Counter[str] = field(default_factory=Counter)  # logged in the period, by kind

    @property
    def coverage(self) -> float | None:
        """Percent of planned accounts touched within their cadence."""
        return round(100 * self.covered / self.planned, 1) if self.planned else None


@dataclass(frozen=True)
class Neglected:
    account: Account
    last_contact: date | None
    days: int | None  # since the last contact (or `since`); None: never contacted
    limit: int  # 2 × the tier's cadence


@dataclass(frozen=True)
class Renewal:
    account: Account
    days_left: int
    stage: str  # 60 / 30 / 14 (days-before stage), lapsed, ahead, renewed


@dataclass
class Report:
    today: date
    start: date  # first day of the period whose touches are counted
    by: str  # owner | tier
    groups: list[Group]
    total: Group
    neglected: list[Neglected]
    renewals: list[Renewal]


def _renewal(account: Account, items: Iterable[Item], today: date) -> Renewal | None:
    """The account's renewal when it falls within the window or has lapsed."""
    if account.renewal is None:
        return None
    left = (account.renewal - today).days
    item = next((i for i in items if i.kind is ItemKind.RENEWAL), None)
    stage = "renewed" if item is None else item.stage if item.due <= today else "ahead"
    if stage == "lapsed" or 0 <= left <= RENEWAL_WINDOW:
        return Renewal(account, left, stage)
    return None


def _neglected(account: Account, policy: Policy, today: date) -> Neglected | None:
    """An A account with no contact in twice its tier's cadence."""
    every = policy.touch_every.get(Tier.A)
    if account.tier is not Tier.A or not every:
        return None
    last = account.last_touch()
    anchor = last.date if last else account.since
    days = (today - anchor).days if anchor else None
    if days is None or days > 2 * every:
        return Neglected(account, last.date if last else None, days, 2 * every)
    return None


def _group_order(by: str, key: str) -> tuple[int, str]:
    if by == "tier":
        return (0, key)
    return (1 if not key else 0, key.casefold())  # accounts without an owner last


def build_report(
    accounts: Iterable[Account], policy: Policy, today: date, start: date, by: str = "owner"
) -> Report:
    """Coverage, neglect, problems, renewals and logged touches, per owner or tier.

    Items come from `schedule.plan_account`, so the report follows the same rules as
    `today`. Lost accounts count only under `lost` and for the touches logged; snoozed
    ones are left out of coverage, neglect, overdue items and problems.
    """
    groups: dict[str, Group] = {}
    total = Group("all")
    neglected: list[Neglected] = []
    renewals: list[Renewal] = []
    for account in accounts:
        key = account.tier.value if by == "tier" else account.owner
        rows = (groups.setdefault(key, Group(key)), total)
        touches = Counter(
            t.kind.value
            for t in account.history
            if start <= t.date <= today and t.kind in LOGGED_KINDS
        )
        for row in rows:
            row.touches.update(touches)
        if account.status is Status.LOST:
            for row in rows:
                row.lost += 1
            continue
        items = plan_account(account, policy, today)
        renewal = _renewal(account, items, today)
        planned = is_planned(account, today)
        lapse = _neglected(account, policy, today) if planned else None
        touch = next((i for i in items if i.kind is ItemKind.TOUCH), None)
        covered = (touch is None or touch.overdue_days(today) <= 0) and bool(
            account.last_touch() or account.since
        )
        if renewal:
            renewals.append(renewal)
        if lapse:
            neglected.append(lapse)
        for row in rows:
            row.accounts += 1
            if renewal:
                row.renewals += 1
                row.renewal_value += account.value or 0.0
            if not planned:
                row.snoozed += 1
                continue
            row.planned += 1
            row.covered += covered
            row.overdue_items += sum(1 for i in items if i.overdue_days(today) > 0)
            row.open_problems += sum(1 for i in items if i.kind is ItemKind.PROBLEM)
            row.neglected_a += lapse is not None
    neglected.sort(key=lambda n: (-(n.days if n.days is not None else 10**9), n.account.slug))
    renewals.sort(key=lambda r: (r.days_left, r.account.slug))
    ordered = sorted(groups.values(), key=lambda g: _group_order(by, g.key))
    return Report(today, start, by, ordered, total, neglected, renewals)


def group_json(group: Group) -> dict[str, Any]:
    return {
        "group": group.key,
        "accounts": group.accounts,
        "planned": group.planned,
        "snoozed": group.snoozed,
        "lost": group.lost,
        "covered": group.covered,
        "coverage": group.coverage,
        "overdue_items": group.overdue_items,
        "neglected_a": group.neglected_a,
        "open_problems": group.open_problems,
        "renewals": group.renewals,
        "renewal_value": group.renewal_value,
        "touches": {kind.value: group.touches.get(kind.value, 0) for kind in LOGGED_KINDS},
        "touches_total": sum(group.touches.values()),
    }


def report_json(report: Report) -> dict[str, Any]:
    """The report as documented JSON: ISO dates, one object per group, `total` for all."""
    return {
        "date": report.today.isoformat(),
        "from": report.start.isoformat(),
        "by": report.by,
        "renewal_window_days": RENEWAL_WINDOW,
        "groups": [group_json(g) for g in report.groups],
        "total": group_json(report.total),
        "neglected": [
            {
                "account": n.account.slug,
                "name": n.account.name,
                "tier": n.account.tier.value,
                "owner": n.account.owner,
                "last_contact": n.last_contact.isoformat() if n.last_contact else None,
                "days_since": n.days,
                "limit_days": n.limit,
                "file": n.account.file,
            }
            for n in report.neglected
        ],
        "renewals": [
            {
                "account": r.account.slug,
                "name": r.account.name,
                "tier": r.account.tier.value,
                "owner": r.account.owner,
                "renewal": r.account.renewal.isoformat() if r.account.renewal else None,
                "days_left": r.days_left,
                "stage": r.stage,
                "value": r.account.value,
                "file": r.account.file,
            }
            for r in report.renewals
        ],
    }


REPORT_CSV = (
    "group",
    "accounts",
    "planned",
    "snoozed",
    "lost",
    "covered",
    "coverage",
    "overdue_items",
    "neglected_a",
    "open_problems",
    "renewals",
    "renewal_value",
    "touches_total",
    *(f"touches_{kind.value}" for kind in LOGGED_KINDS),
)


def report_csv_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per group and a last row `all`, touches spread over columns."""
    rows = []
    for group in [*data["groups"], data["total"]]:
        row = {k: v for k, v in group.items() if k != "touches"}
        row.update({f"touches_{k}": v for k, v in group["touches"].items()})
        rows.append(row)
    return rows
