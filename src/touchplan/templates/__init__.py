"""Files `touchplan init` writes, shipped as package data.

``touchplan.yaml`` here is the commented default policy; the repository's own
touchplan.yaml is a copy of it (a test keeps them equal).
"""

from importlib.resources import files

POLICY_TEMPLATE = (files(__name__) / "touchplan.yaml").read_text(encoding="utf-8")
