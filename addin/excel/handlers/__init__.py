"""Ribbon handlers: `run(book, ui)` on the caller's xlwings Book; see `addin/commands/registry.py`."""
