"""The plan-quality simulation behind bench/simulate.py (see its docstring)."""
