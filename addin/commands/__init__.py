"""The command registry (each action once: ribbon, VBA dispatcher, CLI) and the `kiemsat` CLI.
May import the core, `mailer`, the other `addin` folders and `workbook_templates`' builders.
"""
