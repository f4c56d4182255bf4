"""Finding the data root, discovering and loading account files, naming accounts."""

from __future__ import annotations

import errno
import hashlib
import marshal
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from operator import attrgetter
from pathlib import Path

from touchplan.config import POLICY_FILE
from touchplan.errors import (
    AccountFileError,
    AmbiguousError,
    NotFoundError,
    Problem,
    WriteError,
)
from touchplan.files.schema import read_account
from touchplan.model import Account
from touchplan.yamldoc import MAX_FILE_BYTES

ACCOUNTS_DIR = "accounts"
SUFFIXES = (".yaml", ".yml")
TEMP_MARK = ".touchplan-tmp"  # our temp files: `.NAME.RANDOM.touchplan-tmp`
STALE_TEMP_SECONDS = 10.0  # a temp file this old belongs to a write that was killed


def find_root(explicit: str | None, cwd: Path | None = None) -> Path:
    """The data root, found like git finds `.git`: --dir, TOUCHPLAN_DIR, then upwards
    from the current folder, but never above the top of the git repository it is in."""
    chosen = explicit or os.environ.get("TOUCHPLAN_DIR") or None
    if chosen:
        root = Path(chosen).expanduser()
        if not root.is_dir():
            raise NotFoundError(
                f"data folder {chosen!r} does not exist", "check --dir or TOUCHPLAN_DIR"
            )
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / POLICY_FILE).is_file() or (folder / ACCOUNTS_DIR).is_dir():
            return folder
        if (folder / ".git").exists():
            break  # never leave the current git repository for another's data
    raise NotFoundError(
        f"no touchplan data here: no {POLICY_FILE} or {ACCOUNTS_DIR}/ in {here} or above",
        "run inside your accounts repository, or pass --dir",
    )


def setup_root(explicit: str | None, cwd: Path | None = None) -> Path:
    """The folder `init` sets up: --dir (created if need be), else where you stand,
    like `git init` (never a folder above that happens to hold an `accounts/`)."""
    if explicit:
        folder = Path(explicit).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(
                f"cannot create {explicit}: {exc.strerror or exc}", "choose another --dir"
            ) from exc
        return folder.resolve()
    return (cwd or Path.cwd()).resolve()


def relpath(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def slug_of(path: Path) -> str:
    return path.stem


# (mtime_ns, size, inode, ctime_ns): what says a file changed. ctime moves on every
# change a process can make, a restored mtime (`cp -p`, `tar x`) or a chmod included.
FileStat = tuple[int, int, int, int]


def file_stat(st: os.stat_result) -> FileStat:
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


_STAT_KEY = attrgetter("st_mtime_ns", "st_size", "st_ino", "st_ctime_ns")  # file_stat, in C
_MODE = attrgetter("st_mode")
# A block ends after at least BLOCK_MIN files at a file whose inode is a multiple of
# BLOCK_SPREAD (or after BLOCK_MAX): its cuts move only where files come and go.
BLOCK_MIN, BLOCK_SPREAD, BLOCK_MAX = 16, 64, 256


@dataclass(frozen=True, slots=True)
class Block:
    """A run of one folder's account files, for the cache's freshness check: a digest
    of their names and stats, where they sit in ``scan_tree``'s list, and the range of
    paths whose cached rows are theirs (from its first name up to the next block's)."""

    key: str | None  # None: no digest (an entry that is not a plain file, a failed stat)
    folder: str
    start: int
    end: int
    low: str
    high: str


def _blocks(rel: str, names: list[str], keys: list[FileStat], start: int) -> list[Block]:
    cuts = [0]
    for n, stat_key in enumerate(keys):
        size = n - cuts[-1]
        if size >= BLOCK_MAX or (size >= BLOCK_MIN and not stat_key[2] % BLOCK_SPREAD):
            cuts.append(n)
    cuts.append(len(keys))
    blocks = []
    for n, (a, b) in enumerate(pairwise(cuts)):
        # marshal version 0 of plain str/int values: the same values give the same
        # bytes (no shared references); only ever dumped to be hashed, never loaded
        text = marshal.dumps((rel, names[a:b], keys[a:b]), 0)
        key = hashlib.blake2b(text, digest_size=16).hexdigest()
        low = f"{rel}/{names[a]}" if n else f"{rel}/"
        high = f"{rel}/{names[b]}" if b < len(names) else f"{rel}0"  # "0" follows "/"
        blocks.append(Block(key, rel, start + a, start + b, low, high))
    return blocks


def scan_accounts(root: Path) -> list[tuple[str, FileStat]]:
    """Every account file under accounts/ (path relative to root, stat), stable order."""
    return scan_tree(root)[0]


def folder_problem(rel: str, exc: OSError) -> Problem:
    """A folder under accounts/ that cannot be listed: its accounts would vanish."""
    if exc.errno == errno.ELOOP:
        what, hint = "is a link that loops back on itself", "point the link at a real folder"
    elif exc.errno == errno.ENOTDIR:
        what, hint = "is not a folder", f"account files go in {ACCOUNTS_DIR}/ and its sub-folders"
    elif isinstance(exc, FileNotFoundError) and os.path.islink(exc.filename or ""):
        what, hint = "is a link to a folder that does not exist", "fix or remove the link"
    elif isinstance(exc, FileNotFoundError):
        what, hint = "is missing", f"create {rel}/ (`touchplan init` does), or pass --dir"
    else:
        what = f"cannot be read: {exc.strerror or exc}"
        hint = "its accounts are left out of planning; make it readable (chmod u+rx)"
    return Problem(f"{rel}/", None, "", f"folder {what}", hint)


def _stat_or_none(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def list_account_files(root: Path) -> list[Path]:
    """Account file paths without a stat each (what `log` needs to find one account)."""
    return [root / rel for rel in list_account_rels(root)]


def list_account_rels(root: Path) -> list[str]:
    """Account files relative to the root, listed by directory entry type alone."""
    return [rel for rel, _ in scan_tree(root, with_stat=False)[0]]


NO_STAT: FileStat = (0, 0, 0, 0)


def scan_tree(
    root: Path, with_stat: bool = True, blocks: list[Block] | None = None
) -> tuple[list[tuple[str, FileStat]], list[str], list[Problem]]:
    """Account files with their stat, leftover temp files, and the folders that could
    not be read (each a Problem: accounts must never vanish silently), in one walk;
    with ``blocks``, each listed folder's files cut into Blocks (with_stat only).

    Recursive; a folder's files come before its sub-folders, each in name order.
    Hidden files and folders (our temp files, editors' swap files) are never accounts.
    One stat per file: this is most of what a warm run pays for 40,000 accounts.
    """
    found: list[tuple[str, FileStat]] = []
    temps: list[str] = []
    folders: list[Problem] = []
    stack = [(str(root / ACCOUNTS_DIR), ACCOUNTS_DIR)]
    while stack:
        folder, rel = stack.pop()
        kinds: dict[str, bool] = {}  # without stat: file (True) or folder (False), by d_type
        try:
            if with_stat:
                names = sorted(os.listdir(folder))
            else:
                with os.scandir(folder) as it:
                    for entry in it:  # a plain try, not `suppress`: 40,000 entries for `log`
                        name = entry.name
                        if name.endswith(SUFFIXES):
                            try:
                                if entry.is_file():
                                    kinds[name] = True
                                elif entry.is_dir():
                                    kinds[name] = False
                            except OSError:
                                pass
                        elif name[:1] != "." and entry.is_dir():
                            kinds[name] = False
                        else:
                            kinds[name] = True
                names = sorted(kinds)
        except OSError as exc:
            exc.filename = folder
            if (
                rel == ACCOUNTS_DIR
                or not isinstance(exc, FileNotFoundError)
                or os.path.islink(folder)
            ):
                folders.append(folder_problem(rel, exc))
            continue  # (a sub-folder deleted since its parent was listed is simply gone)
        files = []
        subdirs = []
        for name in names:
            if name[0] == ".":
                if name.endswith(TEMP_MARK):
                    temps.append(f"{rel}/{name}")
            elif name.endswith(SUFFIXES):
                files.append(name)
            elif kinds.get(name) is False if not with_stat else os.path.isdir(f"{folder}/{name}"):
                subdirs.append((f"{folder}/{name}", f"{rel}/{name}"))
        if with_stat:
            start = len(found)
            try:  # one C-level loop of stat calls: the bulk of a warm run
                stats: list[os.stat_result | None] = list(
                    map(os.stat, [f"{folder}/{name}" for name in files])
                )
                plain = set(map(stat.S_IFMT, map(_MODE, stats))) <= {stat.S_IFREG}
            except OSError:
                stats = [_stat_or_none(f"{folder}/{name}") for name in files]
                plain = False
            if plain:  # every entry a file (the usual case): no loop in Python
                keys: list[FileStat] = list(map(_STAT_KEY, stats))
                found.extend(zip([f"{rel}/{name}" for name in files], keys, strict=True))
                if blocks is not None:
                    blocks.extend(_blocks(rel, files, keys, start))
            else:
                for name, st in zip(files, stats, strict=True):
                    if st is None:
                        continue  # vanished, or a dangling link: not an account
                    if stat.S_ISREG(st.st_mode):
                        found.append((f"{rel}/{name}", file_stat(st)))
                    elif stat.S_ISDIR(st.st_mode):
                        subdirs.append((f"{folder}/{name}", f"{rel}/{name}"))
                if blocks is not None:  # checked file by file
                    blocks.append(Block(None, rel, start, len(found), f"{rel}/", f"{rel}0"))
        else:
            for name in files:
                path = f"{folder}/{name}"
                kind = kinds.get(name)
                if kind is None:
                    continue
                if kind:
                    found.append((f"{rel}/{name}", NO_STAT))
                else:
                    subdirs.append((path, f"{rel}/{name}"))
        subdirs.sort()
        stack.extend(reversed(subdirs))
    return found, temps, folders


def iter_account_files(root: Path) -> Iterator[Path]:
    """Every account file's path, in the order of ``scan_accounts``."""
    for rel, _stat in scan_accounts(root):
        yield root / rel


@dataclass
class Book:
    """Every account that loaded, and every problem found on the way."""

    root: Path
    accounts: list[Account] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files left out of planning
    # what planning commands warn about besides skipped files (unreadable folders)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # `check` mentions these, never fails

    def by_slug(self) -> dict[str, Account]:
        return {a.slug: a for a in self.accounts}


def read_capped(path: Path | str, rel: str) -> bytes | Problem:
    """A file's bytes, never reading more than the size cap (a link to a huge file)."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return Problem(
                    rel,
                    None,
                    "",
                    f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
                    "split the history or archive old entries",
                )
            # read what fstat says is there (a 4 MB buffer a file cost a cold run a
            # tenth of its reading), then whatever it grew by since, up to the cap
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
            return data
    except OSError as exc:
        return Problem(rel, None, "", f"cannot read: {exc.strerror}")


def load_file(root: Path, path: Path) -> tuple[Account | None, list[Problem]]:
    rel = relpath(root, path)
    data = read_capped(path, rel)
    if isinstance(data, Problem):
        return None, [data]
    return read_account(data, slug_of(path), rel)


def load_bytes(root: Path, path: Path, data: bytes) -> Account:
    """The account in ``data``, bytes just written to ``path`` (a write verifies they
    load, so a problem here is a bug: reported, never ignored)."""
    account, problems = read_account(data, slug_of(path), relpath(root, path))
    if account is None:
        raise AccountFileError(path, problems)
    return account


def duplicate_slug(rel: str, first: str, slug: str) -> Problem:
    return Problem(
        rel,
        None,
        "",
        f"slug {slug!r} is also used by {first}",
        "rename one of the files: the file name is the account's id",
    )


def leftover_temps(
    root: Path, temps: list[str], now: float | None = None
) -> tuple[list[Problem], list[str]]:
    """Temp files: a stale one (from a killed write) is a problem `check` reports; a fresh
    one may be a write in progress, so it is only mentioned."""
    cutoff = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    problems: list[Problem] = []
    notes: list[str] = []
    for rel in temps:
        try:
            fresh = os.lstat(root / rel).st_mtime >= cutoff
        except OSError:
            continue  # gone: its write finished
        if fresh:
            notes.append(f"{rel}: a temporary file of a write in progress (or just interrupted)")
        else:
            problems.append(
                Problem(
                    rel,
                    None,
                    "",
                    "leftover temporary file from an interrupted write",
                    "it is not an account; delete it, or the next write in its folder will",
                    fatal=False,
                )
            )
    return problems, notes


def load_book(root: Path, paths: list[Path] | None = None) -> Book:
    """Load every account file; a bad file is skipped and reported, never fatal."""
    book = Book(root)
    found, temps, folders = scan_tree(root, with_stat=False)
    book.problems.extend(folders)
    book.warnings.extend(str(p) for p in folders)
    seen: dict[str, str] = {}
    for path in paths if paths is not None else [root / rel for rel, _ in found]:
        account, problems = load_file(root, path)
        book.problems.extend(problems)
        if account is None:
            book.skipped.append(relpath(root, path))
            continue
        if account.slug in seen:
            book.problems.append(duplicate_slug(account.file, seen[account.slug], account.slug))
            book.skipped.append(account.file)
            continue
        seen[account.slug] = account.file
        book.accounts.append(account)
    stale, book.notes = leftover_temps(root, temps)
    book.problems.extend(stale)
    return book


# -- names ------------------------------------------------------------------------


def _path_key(wanted: str) -> str:
    """`accounts/east/globex.yaml`, `east/globex` and `globex` as one lookup key."""
    key = wanted.strip().casefold().removeprefix(f"{ACCOUNTS_DIR}/")
    for suffix in SUFFIXES:
        key = key.removesuffix(suffix)
    return key


def direct_hit(root: Path, wanted: str) -> Path | None:
    """The file a slug or path names exactly, found without listing 40,000 files."""
    text = wanted.strip().removeprefix(f"{ACCOUNTS_DIR}/")
    for suffix in SUFFIXES:
        text = text.removesuffix(suffix)
    parts = text.split("/")
    if not text or any(p in ("", ".", "..") or p.startswith(".") for p in parts) or "\\" in text:
        return None
    for suffix in SUFFIXES:
        path = root / ACCOUNTS_DIR / f"{text}{suffix}"
        if path.is_file():
            return path
    return None


def resolve_rel(
    rels: list[str],
    root: Path,
    wanted: str,
    load_names: bool = True,
    by_name: Callable[[str], list[Path]] | None = None,
) -> Path:
    """The account file that ``wanted`` names: slug, unique slug prefix, or name.

    Works on paths relative to the root (strings: cheap for 40,000 files). Names need
    the files' contents: ``by_name`` (the cache) answers without reading them;
    otherwise, with ``load_names``, every file is read.
    """
    text = wanted.strip()
    if not text:
        raise NotFoundError("no account named ''", "give a slug or a name")
    key = text.casefold()
    path_key = _path_key(text)
    prefix = f"{ACCOUNTS_DIR}/"
    by_slug: dict[str, list[str]] = {}
    by_path: dict[str, str] = {}
    # Only a file whose path holds the key can match it by slug, path or prefix (case
    # folding goes character by character), so 40,000 names need no dictionary.
    for rel in [r for r in rels if path_key in r.casefold()]:
        inner = rel.removeprefix(prefix).rsplit(".", 1)[0].casefold()
        by_slug.setdefault(inner.rsplit("/", 1)[-1], []).append(rel)
        by_path[inner] = rel
    if "/" in path_key and path_key in by_path:
        return root / by_path[path_key]
    if path_key in by_slug and len(by_slug[path_key]) == 1:
        return root / by_slug[path_key][0]
    if "/" in path_key:
        prefixed = sorted({r for s, r in by_path.items() if s.startswith(path_key)})
    else:
        prefixed = sorted({r for s, rs in by_slug.items() if s.startswith(path_key) for r in rs})
    if len(prefixed) == 1:
        return root / prefixed[0]
    named: list[str] = [relpath(root, p) for p in by_name(key)] if by_name is not None else []
    if by_name is None and load_names:
        for rel in rels:
            account, _ = load_file(root, root / rel)
            if account is not None and account.name.casefold() == key:
                named.append(rel)
    if len(named) == 1:
        return root / named[0]
    candidates = sorted(set(prefixed) | set(named) | set(by_slug.get(path_key, [])))
    if candidates:
        raise AmbiguousError(f"{wanted!r} matches {len(candidates)} accounts", candidates)
    raise NotFoundError(
        f"no account matches {wanted!r}", "try `touchplan today --all` to list accounts"
    )


# -- headlines: what shell completion offers, read cheaply ------------------------------

# The top-level (unindented) `key: value` lines; the value is read by YAML itself.
_TOP_LINE = re.compile(rb"^(name|owner):[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)
HEADLINE_BYTES = 64 * 1024  # the keys sit at the top; a huge history need not be read


def headline(path: Path) -> dict[str, str]:
    """The `name:` and `owner:` of a file, read cheaply; {} if they cannot be read.

    Completion runs on every Tab press: the file is not parsed or validated, and a
    value YAML cannot read is left out rather than reported.
    """
    import yaml  # here, not above: a warm `today` imports this module, never PyYAML

    try:
        with path.open("rb") as handle:
            head = handle.read(HEADLINE_BYTES)
    except OSError:
        return {}
    found: dict[str, str] = {}
    for match in _TOP_LINE.finditer(head.removeprefix(b"\xef\xbb\xbf")):
        key = match.group(1).decode()
        if key in found:
            continue
        try:
            value = yaml.load(match.group(2), Loader=yaml.CSafeLoader)
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value).strip()
            if text and text.isprintable():
                found[key] = text
    return found


def headlines(root: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """(slug, headline) for each account file."""
    for path in iter_account_files(root):
        yield path.stem, headline(path)
