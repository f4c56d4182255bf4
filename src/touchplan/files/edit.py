"""Safe edits: splice text into a file, verify the data, replace it atomically.

A file is never re-serialised. `log` inserts the new entry's lines after the last
line of the `history` list, so comments, quoting, key order and blank lines survive
byte for byte. Every edit re-parses the result and refuses to write unless the data
is exactly the old data plus the change. Writes hold a lock that lives outside the
repository (a lock on the data file itself would not survive `os.replace`), go to a
temp file in the same folder, are fsynced, and replace the file only if nobody
changed it since it was read.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from touchplan.errors import AccountFileError, TouchplanError, WriteError
from touchplan.files.schema import read_account
from touchplan.files.state import LOCK_NAME, state_dir
from touchplan.files.store import STALE_TEMP_SECONDS, TEMP_MARK
from touchplan.model import Snooze, Tier
from touchplan.yamldoc import Document, Map, Node, Scalar, Seq, parse

if TYPE_CHECKING:
    from touchplan.planning.entry import Entry

_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")
LOCK_TIMEOUT = 30.0


@contextlib.contextmanager
def write_lock(root: Path) -> Iterator[None]:
    """One writer at a time per data root, across processes.

    The lock lives in the cache folder; when that folder is unusable (a file where the
    folder should be, no permission, a full disk) it is taken beside the data instead:
    the cache may always be deleted or broken, and a write never depends on it.
    """
    from filelock import FileLock, Timeout  # only writers pay for it

    failure: OSError | None = None
    for path in (state_dir(root) / "write.lock", root / LOCK_NAME):
        lock = FileLock(str(path), timeout=LOCK_TIMEOUT)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout as exc:
            raise WriteError(
                f"another touchplan is still writing after {LOCK_TIMEOUT:.0f} s",
                f"try again; the lock is {path}",
            ) from exc
        except (OSError, NotImplementedError) as exc:  # NotImplemented: no flock there
            failure = exc if isinstance(exc, OSError) else OSError(errno.ENOLCK, str(exc))
            continue
        try:
            yield
        finally:
            lock.release()
        return
    assert failure is not None
    raise write_failed(failure, str(root / LOCK_NAME), "take the write lock")


def write_failed(exc: OSError, where: str, doing: str = "write") -> WriteError:
    """An OS error during a write, as one line: what happened to which path, what to do."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        what = "the disk is full" if code == errno.ENOSPC else "the disk quota is used up"
        hint = "free some space, then run the command again"
    elif code == errno.EFBIG:
        what = "the file would exceed the file-size limit"
        hint = "raise the limit (ulimit -f), then run the command again"
    elif code in (errno.EACCES, errno.EPERM):
        what = "permission denied"
        hint = "make the file and its folder writable for you, then run the command again"
    elif code == errno.EROFS:
        what = "the file system is read-only"
        hint = "remount it writable, or work in a writable clone"
    else:
        what = exc.strerror or type(exc).__name__
        hint = "fix that, then run the command again"
    return WriteError(f"cannot {doing} {where}: {what}; nothing was written", hint)


def _debug_pause(stage: str) -> None:
    """Tests widen the race windows with TOUCHPLAN_DEBUG_PAUSE=stage:seconds."""
    spec = os.environ.get("TOUCHPLAN_DEBUG_PAUSE", "")
    name, _, seconds = spec.partition(":")
    if name == stage and seconds:
        time.sleep(float(seconds))


# -- YAML text for new values ----------------------------------------------------------

_PLAIN_OK = re.compile(r"[A-Za-z0-9(][^\n]*")


class Plain(str):
    """A value written as-is (``true``), not quoted as text."""


class Ids(tuple[str, ...]):
    """Item ids, written as a flow list: ``done: [b7pj7, x80pb]``."""


Value = str | Ids


def value_text(value: Value) -> str:
    if isinstance(value, Ids):
        return "[" + ", ".join(scalar_text(v) for v in value) + "]"
    return scalar_text(value)


def plain_value(value: Value) -> Any:
    """What the written value reads back as (see ``raw``)."""
    return list(value) if isinstance(value, Ids) else str(value)


def scalar_text(value: str) -> str:
    """``value`` as a YAML scalar that loads back as exactly this string."""
    if isinstance(value, Plain):
        return str(value)
    if (
        _PLAIN_OK.fullmatch(value)
        and value == value.strip()
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
    ):
        import yaml  # here: a warm `today` imports this module, not PyYAML

        try:
            if yaml.load(value, Loader=yaml.CSafeLoader) == value:
                return value
        except yaml.YAMLError:
            pass
    return _double_quoted(value)


def _double_quoted(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029\ufeff":
            out.append(f"\\u{ord(ch):04x}" if ord(ch) > 0xFF else f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def entry_lines(fields: Sequence[tuple[str, Value]], dash_col: int, key_col: int) -> list[str]:
    """A history entry as lines (no line endings), indented like its neighbours."""
    gap = max(1, key_col - dash_col - 1)
    lines = []
    for i, (key, value) in enumerate(fields):
        prefix = " " * dash_col + "-" + " " * gap if i == 0 else " " * max(key_col, dash_col + 2)
        lines.append(f"{prefix}{key}: {value_text(value)}")
    return lines


# -- locating and splicing --------------------------------------------------------------


class RefusedEdit(WriteError):
    """The file's layout does not allow a safe splice."""


_DASH = re.compile(r" *-(?=[ \t\r\n]|$)")


def _item_cols(lines: list[str], seq: Seq) -> tuple[int, int]:
    """Where a new item's dash and keys go: under the existing last item's.

    The list's own start is not enough: `history: !!seq` or `history: &h` start it
    at the tag or anchor, so the dash is found in the text before the item.
    """
    last = seq.items[-1]
    dash_col = seq.col
    for index in range(last.line - 1, max(-1, last.line - 4), -1):
        text = lines[index][: last.col] if index == last.line - 1 else lines[index]
        match = _DASH.match(text)
        if match:
            dash_col = match.end() - 1
            break
    if isinstance(last, Map) and not last.flow and last.key_cols:
        key_col = next(iter(last.key_cols.values()))
        if key_col > dash_col:
            return dash_col, key_col
    return dash_col, dash_col + 2


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split exactly where libyaml counts line breaks."""
    parts: list[str] = []
    pos = 0
    for match in _BREAK.finditer(text):
        parts.append(text[pos : match.end()])
        pos = match.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def _last_leaf(node: Node) -> Scalar | None:
    while True:
        if isinstance(node, Scalar):
            return node
        if isinstance(node, Seq):
            if not node.items:
                return None
            node = node.items[-1]
        else:
            if not node.entries:
                return None
            node = list(node.entries.values())[-1][1]


_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")


def after_node(lines: list[str], node: Node) -> int:
    """The index of the first line after ``node`` ends (its trailing comment kept)."""
    leaf = _last_leaf(node)
    end_line, end_col = (leaf.end_line, leaf.end_col) if leaf else (node.end_line, node.end_col)
    if leaf is not None and leaf.style in ("|", ">") and end_col != 0:
        # A block scalar cut off by the end of the file: the line break we must add
        # before new lines would become part of its text (unless it strips breaks).
        header = _BLOCK_HEADER.search(lines[leaf.line - 1], leaf.col)
        if header is None or "-" not in header.group():
            raise RefusedEdit(
                f"the file ends inside a `{leaf.style}` block text with no final line break",
                "add a line break at the end of the file, then run the command again",
            )
    # a block scalar ends at column 0 of the line after its text
    return end_line - 1 if end_col == 0 else min(end_line, len(lines))


def _insert(text: str, newline: str, at: int, new_lines: list[str]) -> str:
    lines = split_lines(text)
    before, after = lines[:at], lines[at:]
    body = newline.join(new_lines)
    if before and not _BREAK.search(before[-1][-2:] if before[-1] else ""):
        # the file had no final line break: keep it that way
        return "".join(before) + newline + body + (newline + "".join(after) if after else "")
    return "".join(before) + body + newline + "".join(after)


def splice_entry(doc: Document, fields: list[tuple[str, Value]]) -> str:
    """The text with one more history entry at the end of the `history` list."""
    return splice_entries(doc, [fields])


def splice_entries(doc: Document, entries: Sequence[Sequence[tuple[str, Value]]]) -> str:
    """The text with more history entries at the end of the `history` list, in order."""

    def lines_of(dash_col: int, key_col: int) -> list[str]:
        return [line for fields in entries for line in entry_lines(fields, dash_col, key_col)]

    root = doc.root
    if not isinstance(root, Map) or root.flow:
        raise RefusedEdit("the file is not a block mapping of account fields")
    text = doc.text
    lines = split_lines(text)
    if "history" not in root.entries:
        key_col = root.col
        new = [" " * key_col + "history:", *lines_of(key_col + 2, key_col + 4)]
        # right after the mapping: before a `...` document end marker, if any
        return _insert(text, doc.newline, after_node(lines, root), new)
    key_line, history = root.entries["history"]
    key_col = root.key_cols["history"]
    if isinstance(history, Scalar) and history.is_null:
        if history.text:  # `history: ~` -> `history:`
            line = lines[key_line - 1]
            lines[key_line - 1] = line[: history.col].rstrip(" ") + line[history.end_col :]
            text = "".join(lines)
        return _insert(text, doc.newline, key_line, lines_of(key_col + 2, key_col + 4))
    if isinstance(history, Seq) and history.flow:
        if history.items:
            raise RefusedEdit(
                "`history` is a flow list `[...]`",
                "write it as one `- date: ...` entry per line, then log again",
            )
        line = lines[key_line - 1]
        if history.line != history.end_line:
            raise RefusedEdit("`history: [ ]` spans several lines", "write `history:` instead")
        lines[key_line - 1] = line[: history.col].rstrip(" ") + line[history.end_col :]
        text = "".join(lines)
        return _insert(text, doc.newline, key_line, lines_of(key_col + 2, key_col + 4))
    if not isinstance(history, Seq) or not history.items:
        raise RefusedEdit("`history` is not a list of entries", "see the README's file format")
    dash_col, entry_col = _item_cols(lines, history)
    at = after_node(lines, history.items[-1])
    return _insert(text, doc.newline, at, lines_of(dash_col, entry_col))


def set_scalar(doc: Document, key: str, value: str, after: tuple[str, ...] = ()) -> str:
    """Replace a top-level scalar's text in place, or add ``key: value``."""
    root = doc.root
    if not isinstance(root, Map) or root.flow:
        raise RefusedEdit("the file is not a block mapping of account fields")
    lines = split_lines(doc.text)
    if key in root.entries:
        node = root.entries[key][1]
        if not isinstance(node, Scalar) or node.style in ("|", ">") or node.line != node.end_line:
            raise RefusedEdit(f"`{key}` is not a one-line value", f"edit `{key}:` by hand")
        line = lines[node.line - 1]
        if node.is_null and not node.text:
            start = len(line.rstrip("\r\n"))
            lines[node.line - 1] = line[:start] + " " + scalar_text(value) + line[start:]
        else:
            lines[node.line - 1] = line[: node.col] + scalar_text(value) + line[node.end_col :]
        return "".join(lines)
    return insert_block(doc, [f"{' ' * root.col}{key}: {scalar_text(value)}"], after)


def insert_block(doc: Document, new_lines: list[str], after: tuple[str, ...]) -> str:
    """Insert top-level lines after the first present key of ``after``, else at the top."""
    root = doc.root
    assert isinstance(root, Map)
    lines = split_lines(doc.text)
    for anchor in after:
        if anchor in root.entries:
            at = after_node(lines, root.entries[anchor][1])
            return _insert(doc.text, doc.newline, at, new_lines)
    first_key_line = min(line for line, _ in root.entries.values()) if root.entries else 1
    return _insert(doc.text, doc.newline, first_key_line - 1, new_lines)


def remove_key(doc: Document, key: str) -> str:
    """Remove a top-level key and its value's lines."""
    root = doc.root
    assert isinstance(root, Map)
    if key not in root.entries:
        return doc.text
    lines = split_lines(doc.text)
    key_line, node = root.entries[key]
    end = after_node(lines, node)
    return "".join(lines[: key_line - 1] + lines[end:])


# -- verification -------------------------------------------------------------------


def raw(node: Node | None) -> Any:
    """The data of a tree, as plain values: what "the same data" means."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return None if node.is_null else node.text
    if isinstance(node, Seq):
        return [raw(item) for item in node.items]
    return {key: raw(value) for key, (_line, value) in node.entries.items()}


def encode(text: str, bom: bool) -> bytes:
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


@dataclass(frozen=True)
class Edit:
    """What to change and what the data must look like afterwards."""

    def apply(self, doc: Document) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def expected(self, old: dict[str, Any]) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class AppendEntry(Edit):
    fields: tuple[tuple[str, Value], ...]

    def apply(self, doc: Document) -> str:
        return splice_entry(doc, list(self.fields))

    def expected(self, old: dict[str, Any]) -> dict[str, Any]:
        new = dict(old)
        history = old.get("history") or []
        new["history"] = [*history, {k: plain_value(v) for k, v in self.fields}]
        return new


@dataclass(frozen=True)
class AppendEntries(Edit):
    """Several entries appended in one write (the calendar import), refused when the
    file is no longer the text they were worked out from (``based_on``): an entry that
    closes an item by id must not land in a history that changed underneath."""

    entries: tuple[tuple[tuple[str, Value], ...], ...]
    based_on: str | None = None

    def apply(self, doc: Document) -> str:
        if self.based_on is not None and doc.text != self.based_on:
            raise ChangedUnderneath(
                "the file changed since touchplan read it", "nothing was written; run it again"
            )
        return splice_entries(doc, self.entries)

    def expected(self, old: dict[str, Any]) -> dict[str, Any]:
        new = dict(old)
        history = old.get("history") or []
        added = [{k: plain_value(v) for k, v in fields} for fields in self.entries]
        new["history"] = [*history, *added]
        return new


@dataclass(frozen=True)
class SetScalars(Edit):
    """Set top-level one-line values (e.g. `renewal`, `tier`); None removes a key."""

    values: tuple[tuple[str, str | None], ...]
    after: tuple[str, ...] = ("renewal", "since", "owner", "tier", "name")

    def apply(self, doc: Document) -> str:
        for key, value in self.values:
            text = (
                remove_key(doc, key) if value is None else set_scalar(doc, key, value, self.after)
            )
            reparsed, problems = parse(encode(text, doc.bom), "edit")
            if reparsed is None:
                raise WriteError(f"editing `{key}` would break the file", str(problems[0]))
            doc = reparsed
        return doc.text

    def expected(self, old: dict[str, Any]) -> dict[str, Any]:
        new = dict(old)
        for key, value in self.values:
            if value is None:
                new.pop(key, None)
            else:
                new[key] = value
        return new


@dataclass(frozen=True)
class SetBlock(Edit):
    """Set a top-level mapping (e.g. `snooze`) to ``fields``, or remove it when empty."""

    key: str
    fields: tuple[tuple[str, str], ...]
    after: tuple[str, ...] = ("status", "renewal", "since", "owner", "tier", "name")

    def apply(self, doc: Document) -> str:
        text = remove_key(doc, self.key)
        if not self.fields:
            return text
        reparsed, _problems = parse(encode(text, doc.bom), "edit")
        if reparsed is None or not isinstance(reparsed.root, Map):
            raise WriteError(f"editing `{self.key}` would break the file")
        col = reparsed.root.col
        new = [" " * col + f"{self.key}:"] + [
            " " * (col + 2) + f"{k}: {scalar_text(v)}" for k, v in self.fields
        ]
        return insert_block(reparsed, new, self.after)

    def expected(self, old: dict[str, Any]) -> dict[str, Any]:
        new = dict(old)
        if self.fields:
            new[self.key] = dict(self.fields)
        else:
            new.pop(self.key, None)
        return new


@dataclass(frozen=True)
class Both(Edit):
    """Two edits applied in turn and verified together: one write (a renewal logged
    with its new date)."""

    first: Edit
    second: Edit

    def apply(self, doc: Document) -> str:
        text = self.first.apply(doc)
        middle, problems = parse(encode(text, doc.bom), "edit")
        if middle is None:
            raise WriteError("the edit would break the file", str(problems[0]) if problems else "")
        return self.second.apply(middle)

    def expected(self, old: dict[str, Any]) -> dict[str, Any]:
        return self.second.expected(self.first.expected(old))


# -- the write itself ---------------------------------------------------------------


class ChangedUnderneath(WriteError):
    """Someone else changed the file between our read and our replace."""


def real_target(root: Path, path: Path) -> Path:
    """The file to write: through a symlink, but never outside the data root."""
    try:
        real = path.resolve()
        root_real = root.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        raise WriteError(
            f"cannot write {path.relative_to(root).as_posix()}: a link on the way loops",
            "fix the link; nothing was written",
        ) from exc
    # a linked file or a linked folder on the way: either may lead out of the data root
    if root_real not in real.parents:
        raise WriteError(
            f"{path.relative_to(root).as_posix()} links outside the data folder",
            "touchplan only edits files inside the data folder",
        )
    return real


def clean_stale_temps(folder: Path, now: float | None = None) -> None:
    """Remove touchplan's own temp files in ``folder`` left by a killed write (older than
    a few seconds: a younger one may be another writer's, mid-write)."""
    cutoff = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    for leftover in folder.glob(f".*{TEMP_MARK}"):
        with contextlib.suppress(OSError):
            if leftover.lstat().st_mtime < cutoff:
                leftover.unlink()


def write_atomic(
    real: Path,
    data: bytes,
    original: bytes | None,
    mode: int | None = None,
    *,
    label: str | None = None,
    sync_dir: bool = True,
) -> None:
    """Write via a temp file in the same folder; replace only if ``original`` still holds.

    Any OS error (disk full, file-size limit, permission, read-only) is a WriteError
    naming ``label`` (default: the path), with the file untouched and no temp file left.
    Once the file is replaced nothing here can fail: the edit is done.
    ``sync_dir=False`` leaves the folder's fsync to the caller (`sync_folder`), so a batch
    of files pays it once.
    """
    where = label or str(real)
    try:
        _write_and_replace(real, data, original, mode)
    except OSError as exc:
        raise write_failed(exc, where) from exc
    if sync_dir:
        sync_folder(real.parent)


def sync_folder(folder: Path) -> None:
    """Make the names last written in ``folder`` durable (so a rename survives a power cut).

    Called once the files are replaced: too late to fail, so an error here is ignored.
    """
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def _write_and_replace(real: Path, data: bytes, original: bytes | None, mode: int | None) -> None:
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(real).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    tmp = real.parent / f".{real.name}.{secrets.token_hex(4)}{TEMP_MARK}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        _debug_pause("before-replace")
        try:
            current: bytes | None = real.read_bytes()
        except FileNotFoundError:
            current = None
        if current != original:
            raise ChangedUnderneath(
                f"{real.name} was changed by someone else while touchplan was writing",
                "nothing was written; run the command again",
            )
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def apply_edit(
    root: Path,
    path: Path,
    edit: Edit,
    attempts: int = 3,
    *,
    sync_dir: bool = True,
    locked: bool = False,
) -> bytes:
    """Apply ``edit`` to the account file at ``path``; returns the bytes written
    (``sync_dir``: see `write_atomic`; ``locked``: the caller holds the write lock)."""
    rel = path.relative_to(root).as_posix()
    with contextlib.nullcontext() if locked else write_lock(root):
        real = real_target(root, path)
        try:
            mode = stat.S_IMODE(os.stat(real).st_mode)
        except OSError as exc:
            raise write_failed(exc, rel, "read") from exc
        if not mode & 0o222 or not os.access(real, os.W_OK):
            if _read_only_mount(real):  # not the file's mode: say what is really wrong
                raise write_failed(OSError(errno.EROFS, "read-only"), rel)
            # os.replace only needs the folder to be writable: honour the file's own mode
            raise WriteError(f"{rel} is read-only", "nothing was written; chmod u+w it first")
        clean_stale_temps(real.parent)
        for _ in range(attempts):
            try:
                original = real.read_bytes()
            except OSError as exc:
                raise write_failed(exc, rel, "read") from exc
            doc, problems = parse(original, rel)
            fatal = [p for p in problems if p.fatal]
            if doc is None or fatal:
                raise AccountFileError(rel, fatal or problems)
            account, problems = read_account(original, path.stem, rel)
            if account is None:
                raise AccountFileError(rel, [p for p in problems if p.fatal])
            _debug_pause("after-read")
            new_text = edit.apply(doc)
            new_bytes = encode(new_text, doc.bom)
            verify(rel, doc, new_bytes, edit)
            try:
                write_atomic(real, new_bytes, original, label=rel, sync_dir=sync_dir)
            except ChangedUnderneath:
                continue
            return new_bytes
        raise ChangedUnderneath(
            f"{rel} kept changing while touchplan was writing", "nothing was written; try again"
        )


BATCH_WORKERS = 8


def apply_batch(root: Path, edits: Sequence[tuple[Path, Edit]]) -> list[TouchplanError | None]:
    """Apply each edit to its own file, under one lock, several files at a time: each is
    still read, verified, fsynced and replaced on its own (`apply_edit`), but their
    fsyncs overlap and the file system commits them together (480 small files: 1.1 s one
    after the other, 0.15 s eight at a time, measured here). Each folder is synced once,
    at the end. A file that cannot be edited safely is left as it was, and its error is
    returned in its place (None: written); the others are still written."""

    def one(item: tuple[Path, Edit]) -> TouchplanError | None:
        path, edit = item
        try:
            apply_edit(root, path, edit, sync_dir=False, locked=True)
        except TouchplanError as exc:
            return exc
        except OSError as exc:
            return WriteError(
                f"cannot write {path.relative_to(root).as_posix()}: {exc.strerror}",
                "nothing was written to it",
            )
        return None

    from concurrent.futures import ThreadPoolExecutor

    with write_lock(root):
        with ThreadPoolExecutor(max_workers=BATCH_WORKERS) as pool:
            results = list(pool.map(one, edits))
        for folder in sorted({path.resolve().parent for path, _edit in edits}):
            sync_folder(folder)
    return results


def _read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def verify(rel: str, old_doc: Document, new_bytes: bytes, edit: Edit) -> None:
    """Refuse to write unless the new file holds exactly the old data plus the edit."""
    new_doc, problems = parse(new_bytes, rel)
    old = raw(old_doc.root)
    if new_doc is None or not isinstance(old, dict):
        raise WriteError(
            f"the edit would make {rel} unreadable; nothing was written",
            str(problems[0]) if problems else "",
        )
    if raw(new_doc.root) != edit.expected(old):
        raise WriteError(
            f"the edit did not round-trip in {rel}; nothing was written",
            "please report this with the file's layout",
        )
    account, problems = read_account(new_bytes, Path(rel).stem, rel)
    if account is None:
        raise AccountFileError(rel, [p for p in problems if p.fatal])


def create_file(root: Path, path: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Create a new account file atomically; refuse to overwrite anything.

    ``sync_dir=False`` is for a batch of new files (the CRM import): the caller syncs each
    folder once and cleans its stale temp files once (`sync_folder`, `clean_stale_temps`).
    """
    rel = path.relative_to(root).as_posix()
    with write_lock(root):
        try:
            exists = path.exists() or path.is_symlink()
            inside = root.resolve() in path.resolve().parents
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
            raise WriteError(
                f"cannot create {rel}: a folder on the way is a broken or looping link",
                "fix or remove the link; nothing was written",
            ) from exc
        if exists:
            raise WriteError(f"{rel} already exists")
        if not inside:
            raise WriteError(
                f"{rel} would be created outside the data folder (a folder on the way is a link)"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if isinstance(exc, FileExistsError) or exc.errno == errno.ELOOP:
                raise WriteError(
                    f"cannot create {rel}: a folder on the way is a broken or looping link",
                    "fix or remove the link; nothing was written",
                ) from exc
            raise write_failed(exc, rel, "create") from exc
        if sync_dir:  # a batch (sync_dir=False) cleans its folders once, with sync_folder
            clean_stale_temps(path.parent)
        write_atomic(path, data, None, label=rel, sync_dir=sync_dir)


# -- the edits commands make --------------------------------------------------------------


def entry_fields(entry: Entry) -> list[tuple[str, Value]]:
    """A history entry's keys, in the order the schema documents them."""
    fields: list[tuple[str, Value]] = [
        ("date", Plain(entry.date.isoformat())),
        ("kind", entry.kind.value),
    ]
    if entry.item:
        fields.append(("item", Plain(entry.item)))
    if entry.until is not None:
        fields.append(("until", Plain(entry.until.isoformat())))
    if entry.with_ is not None:
        fields.append(("with", entry.with_))
    if entry.summary is not None:
        fields.append(("summary", entry.summary))
    if entry.rating is not None:
        fields.append(("rating", Plain(str(entry.rating))))
    if entry.next:
        what = entry.next.action
        if entry.next.booked is not None:
            what = f"{entry.next.booked.value}: {what}"
        fields.append(("next", f"{entry.next.due.isoformat()} {what}"))
    if entry.problem is not None:
        fields.append(("problem", entry.problem))
    if entry.resolved:
        fields.append(("resolved", Ids(entry.resolved)))
    if entry.done:
        fields.append(("done", Ids(entry.done)))
    if entry.cancelled:
        fields.append(("cancelled", Ids(entry.cancelled)))
    if entry.stage is not None:
        fields.append(("stage", entry.stage.value))
    if entry.renewal is not None:
        fields.append(("renewal", Plain(entry.renewal.isoformat())))
    if entry.ref:
        fields.append(("ref", entry.ref))
    return fields


def log_edit(entry: Entry) -> Edit:
    """`log`, `defer`: append ``entry`` (and move the renewal date with a signed renewal)."""
    fields = tuple(entry_fields(entry))
    if entry.renewal is None:
        return AppendEntry(fields)
    renewal = Plain(entry.renewal.isoformat())
    return Both(AppendEntry(fields), SetScalars((("renewal", renewal),)))


def entries_edit(entries: Sequence[Entry], based_on: str | None = None) -> Edit:
    """The calendar import: its entries for one account, appended in one write."""
    return AppendEntries(tuple(tuple(entry_fields(e)) for e in entries), based_on)


def lost_edit(entry: Entry) -> Edit:
    """`lost`: the entry with the reason, and `status: lost` (planning ends)."""
    return Both(AppendEntry(tuple(entry_fields(entry))), SetScalars((("status", "lost"),)))


def snooze_edit(snooze: Snooze | None) -> Edit:
    """`snooze`: set the account's pause, or end it (None)."""
    if snooze is None:
        return SetBlock("snooze", ())
    fields: list[tuple[str, str]] = [("until", Plain(snooze.until.isoformat()))]
    if snooze.reason:
        fields.append(("reason", snooze.reason))
    return SetBlock("snooze", tuple(fields))


def tier_edit(tier: Tier) -> Edit:
    """`tiers --apply`: only the `tier:` line changes."""
    return SetScalars((("tier", tier.value),))


def apply_each(root: Path, edits: Iterable[tuple[str, Edit]]) -> list[tuple[str, TouchplanError]]:
    """Apply each edit to its file (relative to ``root``); a file that cannot be edited
    safely is left as it was and named with why, and the others are still edited."""
    failed = []
    for rel, edit in edits:
        try:
            apply_edit(root, root / rel, edit)
        except TouchplanError as exc:
            failed.append((rel, exc))
    return failed
