"""touchplan: a command-line touch planner for account managers."""

__version__ = "0.1.0"
