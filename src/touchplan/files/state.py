"""Where touchplan keeps its local state: a folder per data root outside the repository
(the plan cache, the saved settings, the write lock). Apart from ``files.edit``, whose
writing machinery a warm `today` never needs to import."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

LOCK_NAME = ".touchplan.lock"  # the fallback lock beside the data (init gitignores it)


def state_dir(root: Path) -> Path:
    """A per-data-root folder in the user's cache dir: locks (and the cache)."""
    base = os.environ.get("TOUCHPLAN_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("TOUCHPLAN_CACHE_DIR"):
        folder = folder / "touchplan"
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return folder / f"{root.name[:40]}-{key}"
