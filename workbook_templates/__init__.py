"""The ledger workbook template and the code that builds it."""
