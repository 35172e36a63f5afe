"""The law's time limits: the rules table (rules.toml), counting, the working calendar, each row's
deadlines and their write-back. May import `ledger` and `workbook`.
"""
