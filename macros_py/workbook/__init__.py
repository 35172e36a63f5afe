"""Writing ledger files: the only code that changes an .xlsx/.xlsm on disk (locks, backups, atomic
replace). May import `macros_py.ledger`; never a shell.
"""
