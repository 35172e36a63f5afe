"""Shared fixtures: ledgers on disk, built the way users would get them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbook_templates.builder import create_ledger

TODAY = date(2026, 3, 16)  # a fixed reference day keeps sample ledgers identical between runs
SAMPLE_ROWS = 60
SAMPLE_SEED = 7


@pytest.fixture(scope="session")
def sample_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "so_mau.xlsx"
    create_ledger(path, sample=SAMPLE_ROWS, seed=SAMPLE_SEED, today=TODAY)
    return path


from tests.pgserver import postgres_server  # noqa: E402,F401 - the session's PostgreSQL server (skips when absent)
