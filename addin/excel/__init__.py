"""The Excel side: the ribbon's dispatcher, its handlers, and the two shells they run in (the live
workbook through xlwings, a closed file). Imports the core, `mailer` and `addin.commands.registry`.
"""
