"""The ledger: its schema (the one source of truth for sheets and columns), parsing what clerks type,
reading and validating workbooks, problems, sample rows. Imports nothing else of kiemsat.
"""
