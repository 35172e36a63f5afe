"""The demo's sample data split into several units' ledgers (for the province's tests and benchmark).

`split_rows(rows, k)` deals each case sheet's rows out to `k` units in turn; rows that name a case (a
defendant, a suspension, a decision) follow their case; Cán bộ and Cơ quan go to every unit (addresses made
distinct per unit). `unit_ledgers(folder, k, ...)` writes them as ledgers with their own «Tên đơn vị» and
«Mã sổ».
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from macros_py.sample import sample_rows
from workbook_templates.builder import build_workbook

SHARED = ("can_bo", "co_quan")


def unit_name(i: int) -> str:
    return f"VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC {i} - HẢI PHÒNG"


def unit_code(i: int) -> str:
    return f"HP-KV{i}"


def split_rows(rows: dict[str, list[dict[str, Any]]], k: int) -> list[dict[str, list[dict[str, Any]]]]:
    units: list[dict[str, list[dict[str, Any]]]] = [{key: [] for key in rows} for _ in range(k)]
    owner: dict[str, int] = {}
    for key in ("an_hinh_su", "an_dan_su"):
        for n, row in enumerate(rows.get(key, [])):
            owner[str(row["case_id"])] = n % k
            units[n % k][key].append(row)
    for key, items in rows.items():
        if key in ("an_hinh_su", "an_dan_su"):
            continue
        for n, row in enumerate(items):
            if key in SHARED:
                for i in range(k):
                    copy = dict(row)
                    if copy.get("email"):
                        copy["email"] = f"kv{i + 1}.{copy['email']}"
                    units[i][key].append(copy)
                continue
            case = row.get("case_id")
            units[owner.get(str(case), n % k) if case is not None else n % k][key].append(row)
    return units


def write_unit(path: Path, rows: dict[str, list[dict[str, Any]]], i: int, **settings: Any) -> Path:
    build_workbook(rows, {"unit_name": unit_name(i), "ledger_code": unit_code(i), **settings},
                   write_only=True).save(path)
    return path


def unit_ledgers(folder: Path, k: int, *, sample: int = 40, seed: int = 1, today: date) -> list[Path]:
    """The demo's sample ledger (`kiemsat demo`: 40 rows, seed 1) split into `k` units' ledgers in `folder`."""
    parts = split_rows(sample_rows(sample, seed=seed, today=today), k)
    return [write_unit(folder / f"don_vi_{i + 1}.xlsx", rows, i + 1) for i, rows in enumerate(parts)]
