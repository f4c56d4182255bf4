"""touchplan.yaml and touchplan.local.yaml as the last run read them, kept beside the cache.

Reading the settings means importing PyYAML (about 10 ms) and composing the file; a
warm `today` otherwise reads no YAML at all. So the Config read from both files' bytes
is kept as JSON of plain values (never pickled: reading it can never run code) in the
cache folder, keyed by a hash of those bytes and the touchplan version: any edit to
either file, or another release, reads them again. Best effort: a kept copy that cannot
be read or written only costs the parse.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from touchplan import __version__
from touchplan.config import (
    LOCAL_FILE,
    POLICY_FILE,
    Config,
    config_from_plain,
    load_config,
    plain,
    read_config,
)
from touchplan.files.state import state_dir

SETTINGS_NAME = "settings-v1.json"  # the number moves with the stored form


def load_settings(root: Path) -> Config:
    """What ``config.load_config`` gives for ``root``, from the kept copy when both
    files' bytes are those it was read from."""
    try:
        data = _read(root / POLICY_FILE)
        local = _read(root / LOCAL_FILE)
    except OSError:
        return load_config(root)  # an unreadable file: its problem is reported from there
    key = settings_key(data, local)
    path = state_dir(root) / SETTINGS_NAME
    with contextlib.suppress(OSError, ValueError):
        kept = json.loads(path.read_bytes())
        if isinstance(kept, dict) and kept.get("key") == key:
            return config_from_plain(kept.get("config"))
    config = read_config(data, local)
    _keep(path, key, config)
    return config


def settings_key(data: bytes | None, local: bytes | None) -> str:
    digest = hashlib.sha256(f"{__version__}|{SETTINGS_NAME}|".encode())
    for part in (data, local):
        digest.update(b"-" if part is None else b"+%d:" % len(part) + part)
    return digest.hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _keep(path: Path, key: str, config: Config) -> None:
    """Write the kept copy atomically (a reader sees the old one or the new one)."""
    text = json.dumps({"key": key, "config": plain(config, canonical=False)})
    with contextlib.suppress(OSError, TypeError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
