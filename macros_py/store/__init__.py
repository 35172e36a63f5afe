"""The shared store: each unit's published snapshot in PostgreSQL (a province's server) or SQLite (one machine).

`connect.open_store(url)` opens it (credentials from the environment or the OS keyring, never from the URL),
`migrate` versions its schema with the numbered SQL files of `migrations/`, `snapshot` turns a read ledger into
what is published, `publish` writes it in one transaction, `load` reads the current snapshots back as ledgers and
deadlines, `reports` keeps each unit's period report state, `province` builds the province's views and
`workbook` its workbook.
"""
