"""kiemsat's core, plain Python (no Excel, no network): `ledger`, `workbook` (the only writer of ledger
files), `law` (time limits), `documents`, `decisions`, `stats`. It imports no shell (`addin`, `mailer`)
and no builder of `workbook_templates` (see `resources`); `tests/test_layout.py` holds the rules."""

__version__ = "0.1.0"
