"""touchplan: a command-line touch planner for account managers."""

# The one place the version is written: the package metadata reads it (pyproject.toml),
# `touchplan --version` prints it without a metadata lookup, and CHANGELOG.md's newest
# heading names it (tests/test_version.py).
__version__ = "0.1.0"
