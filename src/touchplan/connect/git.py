"""Working as a team over git: git plumbing, `init`, `doctor` and who "me" is.

Everything here returns data; the CLI prints it.

Git setup that `touchplan init` makes (and `touchplan doctor` checks)::

    .gitattributes   accounts/**/*.yaml merge=touchplan   (and *.yml)
    .gitignore       touchplan.local.yaml, *.touchplan-tmp, .touchplan.lock
    git config merge.touchplan.name "touchplan: merge appended history entries"
    git config merge.touchplan.driver "touchplan merge-driver %O %A %B %P"

Git config is not cloned, so every clone runs `touchplan init` once (it is idempotent).

Who "me" is (the owner `today`, `week`, `renewals` and `export ics` default to), first
match wins:

1. ``TOUCHPLAN_OWNER`` in the environment;
2. ``me:`` in ``touchplan.local.yaml`` at the data root (ignored by git, per person);
3. ``git config user.email`` matching an owner's address under ``owners:`` in
   ``touchplan.yaml``, which maps each owner (as written in account files) to one
   address or a list of them::

       owners:
         dana: dana@acme.example
         lee: [lee@acme.example, lee.k@acme.example]

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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from touchplan.config import LOCAL_FILE, POLICY_FILE, Config, load_config
from touchplan.files.state import LOCK_NAME, state_dir
from touchplan.files.store import ACCOUNTS_DIR, TEMP_MARK, iter_account_files

DRIVER = "touchplan merge-driver %O %A %B %P"
DRIVER_NAME = "touchplan: merge appended history entries"
ATTRIBUTE_LINES = ("accounts/**/*.yaml merge=touchplan", "accounts/**/*.yml merge=touchplan")
IGNORE_LINES = (LOCAL_FILE, f"*{TEMP_MARK}", LOCK_NAME)
CONFIG_COMMANDS = (
    f'git config merge.touchplan.name "{DRIVER_NAME}"',
    f'git config merge.touchplan.driver "{DRIVER}"',
)

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


def merge_file_text(base: bytes, ours: bytes, theirs: bytes) -> bytes | None:
    """What `git merge-file` makes of the three versions, only when it merged them with
    no conflict (None otherwise, or without git)."""
    with tempfile.TemporaryDirectory(prefix="touchplan-merge-") as folder:
        paths = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_bytes(data)
            paths.append(str(path))
        try:
            done = subprocess.run(
                ["git", "merge-file", "-p", *paths], capture_output=True, check=False
            )
        except FileNotFoundError:
            return None
    return done.stdout if done.returncode == 0 else None


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
    from touchplan.files.edit import write_atomic  # only `init` writes: `today` never pays

    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    text += newline.join([comment, *missing]) + newline
    write_atomic(path, text.encode("utf-8", errors="surrogateescape"), original, label=path.name)
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
    from touchplan.files.edit import write_atomic, write_failed  # as in _ensure_lines

    steps = []
    accounts = root / ACCOUNTS_DIR
    if accounts.is_dir():
        steps.append(Step("ok", f"{ACCOUNTS_DIR}/ exists"))
    else:
        try:
            accounts.mkdir(parents=True)
        except OSError as exc:
            raise write_failed(exc, f"{ACCOUNTS_DIR}/", "create") from exc
        steps.append(Step("created", f"{ACCOUNTS_DIR}/"))
    policy = root / POLICY_FILE
    if policy.exists():
        steps.append(Step("ok", f"{POLICY_FILE} exists"))
    else:
        from touchplan.templates import POLICY_TEMPLATE  # package data: read only here

        write_atomic(policy, POLICY_TEMPLATE.encode(), None, label=POLICY_FILE)
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
            "# touchplan: per-person settings, interrupted writes, the write lock",
        )
    )
    steps.append(_configure_driver(root))
    return steps


# -- who "me" is ---------------------------------------------------------------------


def who_am_i(root: Path, config: Config | None = None) -> tuple[str | None, str]:
    """The current rep and where that came from (see the module docstring)."""
    env = os.environ.get("TOUCHPLAN_OWNER", "").strip()
    if env:
        return env, "TOUCHPLAN_OWNER"
    if config is None:
        config = load_config(root)
    if config.me:
        return config.me, f"me: in {LOCAL_FILE}"
    owners = config.owners
    if owners.emails:  # only then is asking git worth a process
        done = git(root, "config", "user.email")
        email = done.stdout.strip().casefold() if done is not None else ""
        for owner, addresses in owners.emails.items():
            if email and email in (a.casefold() for a in addresses):
                return owner, f"git user.email {email} under owners: in {POLICY_FILE}"
    if owners.me:
        return owners.me, f"me: in {POLICY_FILE}"
    return None, ""


def current_owner(root: Path, config: Config | None = None) -> str | None:
    """The owner `today`, `week` and `renewals` show when --owner is not given."""
    return who_am_i(root, config)[0]


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


def _owner_check(root: Path, config: Config) -> Check:
    every = config.owner_problems
    if every:
        return Check("owners", False, str(every[0]), f"edit {every[0].path}")
    who, source = who_am_i(root, config)
    if who is None:
        hint = f"set `me: NAME` in {LOCAL_FILE}, or list owners' emails under `owners:`"
        return Check("owners", True, f"no current rep: commands show everyone ({hint})")
    return Check("owners", True, f"you are {who} ({source})")


def doctor(root: Path, config: Config, day: date) -> list[Check]:
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
    checks.append(_owner_check(root, config))
    checks.append(_account_owner_check(root, config, day))
    return checks


def _account_owner_check(root: Path, config: Config, day: date) -> Check:
    """Accounts whose owner no rep lists: they are in nobody's `today`."""
    from touchplan.files.cache import unlisted_owners

    if not config.owners.emails:
        return Check("account owners", True, "no `owners:` listed: any owner name is used as is")
    found = unlisted_owners(root, config, day)
    if not found:
        return Check("account owners", True, "every account's owner is a rep under `owners:`")
    names = sorted({owner for owner, _problem in found})
    shown = ", ".join(problem.path for _owner, problem in found[:3]) + (
        f" and {len(found) - 3} more" if len(found) > 3 else ""
    )
    return Check(
        "account owners",
        False,
        f"{len(found)} account{'s' if len(found) != 1 else ''} with an owner no rep lists "
        f"({', '.join(names[:4])}{', ...' if len(names) > 4 else ''}): {shown}",
        "list them under `owners:`, or correct `owner:` (`touchplan check` names each line)",
    )
