"""Decisions by mail-merge: the decision types, the merge, the number register, issuing a batch.
May import `ledger`, `workbook`, `documents` and `macros_py.resources`.
"""
