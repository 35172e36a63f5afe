"""kiemsat core: schema, ledger reading and validation, deadline rules, merge, statistics."""

__version__ = "0.1.0"
