"""What long work reports its progress through: the views draw the bar, the files
advance it, neither importing the other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class ProgressFactory(Protocol):
    """Starts a progress bar for ``total`` steps, named ``label`` (else the name its
    maker gave), and returns what advances it by ``n`` steps."""

    def __call__(self, total: int, label: str | None = None) -> Callable[[int], None]: ...
