"""The legal bases a decision cites, as dated data (macros_py/decisions/legal_bases.toml).

A decision dated 30/06/2026 cites «Luật Thi hành án hình sự năm 2019», one dated 01/07/2026 the
2025 law: `bases_context(day)` gives each field the text in force on `day`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

BASES_FILE = Path(__file__).with_name("legal_bases.toml")


class BasesError(Exception):
    """The table of legal bases cannot be used; the message is Vietnamese."""


@dataclass(frozen=True)
class Basis:
    field: str
    text: str
    start: date
    end: date | None
    source: str

    def in_force(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def load_bases(path: Path = BASES_FILE) -> tuple[Basis, ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BasesError(f"không đọc được bảng căn cứ pháp lý «{path}»: {exc}.") from None
    out: list[Basis] = []
    for i, item in enumerate(data.get("basis", []), start=1):
        where = f"bảng căn cứ «{path.name}», mục thứ {i}"
        if not isinstance(item, dict) or not {"field", "text", "from", "source"} <= set(item):
            raise BasesError(f"{where}: cần «field», «text», «from» và «source».")
        start, end = item["from"], item.get("until")
        if not isinstance(start, date) or (end is not None and not isinstance(end, date)):
            raise BasesError(f"{where}: «from», «until» là ngày dạng yyyy-mm-dd.")
        if end is not None and end < start:
            raise BasesError(f"{where}: «until» ({end:%d/%m/%Y}) trước «from» ({start:%d/%m/%Y}).")
        out.append(Basis(str(item["field"]), str(item["text"]), start, end, str(item["source"])))
    for a in out:
        for b in out:
            if a is not b and a.field == b.field and a.start <= (b.end or date.max) and b.start <= (a.end or date.max):
                raise BasesError(f"bảng căn cứ «{path.name}»: hai mục «{a.field}» cùng có hiệu lực "
                                 f"(từ {a.start:%d/%m/%Y} và từ {b.start:%d/%m/%Y}).")
    return tuple(out)


@cache
def _bases() -> tuple[Basis, ...]:
    return load_bases()


def basis_fields() -> frozenset[str]:
    return frozenset(b.field for b in _bases())


def bases_in_force(day: date) -> dict[str, Basis]:
    return {b.field: b for b in _bases() if b.in_force(day)}


def bases_context(day: date) -> dict[str, str]:
    """Each basis field with its text in force on `day` (a field with none in force is absent)."""
    return {k: b.text for k, b in bases_in_force(day).items()}
