"""The alert service over the shared store: every unit's current snapshot, as a ledger, through `run_ledgers`.

The province (or a unit, over its own rows) runs the same alerts as from the files: each unit's ledger is
rebuilt from its published rows (`macros_py.store.load`), deadlines are computed for `today` and the outbox
sends each alert once. A ledger's identity in the outbox is its «Mã sổ», so alerts sent from the file and from
the store are the same alerts and go once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from macros_py.store.connect import open_store
from macros_py.store.load import load_units
from macros_py.store.migrate import ready
from mailer.config import AlertConfig
from mailer.service import RunResult, run_ledgers


@dataclass
class StoreRun:
    result: RunResult
    units: int
    skipped: list[str] = field(default_factory=list)  # Vietnamese: a unit whose snapshot was not read, and why


def run_from_store(store_url: str, today: date | None = None, *, config: AlertConfig | None = None,
                   outbox_dir: Path | None = None, db_path: Path | None = None, dry_run: bool = False,
                   password: str | None = None) -> StoreRun:
    """Plan (and unless `dry_run`, send) the alerts of every unit the store holds. StoreError if it cannot open."""
    today = today or date.today()
    store = open_store(store_url, password=password)
    try:
        ready(store)
        units = load_units(store, today)
    finally:
        store.dispose()
    ledgers = [u.ledger for u in units if u.ledger is not None]
    skipped = [f"Đơn vị «{u.info.unit_name}» (Mã sổ {u.info.code}): {u.refused}" for u in units if u.ledger is None]
    result = run_ledgers(ledgers, today, config=config, outbox_dir=outbox_dir, db_path=db_path, dry_run=dry_run)
    return StoreRun(result, len(ledgers), skipped)
