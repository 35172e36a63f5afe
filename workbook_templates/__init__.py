"""Data files (the ledger workbook, the decision templates) and the builders that make them.

The core finds these files through `macros_py.resources`; only builders live here, and they may use the core.
Keep this module empty: `importlib.resources` imports it on every lookup."""
