"""Reading what a program writes to a pseudo-terminal, for tests that give it one."""

from __future__ import annotations

import os
import select
import subprocess
import time


def read_to_end(master: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> bytes:
    """Everything ``proc`` writes to the terminal whose master end is ``master`` until
    it closes its end (EIO on Linux, an empty read elsewhere) or ends, for at most
    ``timeout`` seconds; the caller closes ``master``."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the program closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen
