"""The command line: the only package importing Typer or exiting.

``app`` registers the commands of ``daily``, ``connect`` and ``team``; each is thin:
options in, planning/ and files/ for the work, views/ to print. Views (and with them
Rich) and the cache are imported inside the commands, so `--help`, `--version` and
shell completion never load them.
"""

from touchplan.cli.app import app, main

__all__ = ["app", "main"]
