"""How a ledger's headers were read, and the pins a unit sets when kiemsat guesses wrong.

A pin file sits beside the ledger: for `SO.xlsx` it is `SO.ghim-cot.toml`, one table per sheet
(the sheet's name as in the file), each header as written mapped to one of our columns (its label,
as in kiemsat's template, or its key) or to "" (the unit's own column); `"sổ"` names the ledger a
sheet holds when kiemsat does not recognise it:

    ["Sổ TB năm 2024"]
    "sổ" = "Tin báo"
    "Người nhập" = "Kiểm sát viên"
    "STT" = ""

Every command reads ledgers through `reader.read_ledger`, which applies the pins.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from macros_py.ledger.headers import score
from macros_py.ledger.schema import LEDGER_SHEETS, SheetSpec
from macros_py.ledger.values import fold

PIN_SUFFIX = ".ghim-cot.toml"
SHEET_PIN = "sổ"


@dataclass
class Pins:
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name in the file -> schema sheet key
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet name -> folded header -> key or ""
    problems: list[str] = field(default_factory=list)  # Vietnamese, one per pin that could not be used
    path: Path | None = None


def pin_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.stem + PIN_SUFFIX)


def _spec(name: str) -> SheetSpec | None:
    for spec in LEDGER_SHEETS:
        if fold(name) in (fold(spec.title), fold(spec.key)):
            return spec
    return None


def _column_key(spec: SheetSpec, name: str) -> str | None:
    if not name.strip():
        return ""
    for col in spec.columns:
        if fold(name) in (fold(col.label), fold(col.key)):
            return col.key
    return None


def load_pins(ledger: Path, sheet_names: list[str] | None = None) -> Pins:
    """The pins beside `ledger`, or none. A pin that names nothing known becomes a problem, not an error."""
    path = pin_path(ledger)
    pins = Pins(path=path)
    if not path.is_file():
        return pins
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        pins.problems.append(f"không đọc được tệp ghim cột «{path.name}» ({exc}); kiemsat đọc sổ không ghim.")
        return pins
    for sheet, table in data.items():
        if not isinstance(table, dict):
            pins.problems.append(f"«{path.name}»: «{sheet}» cần là một bảng [\"{sheet}\"] các cột.")
            continue
        if sheet_names is not None and sheet not in sheet_names:
            pins.problems.append(f"«{path.name}»: sổ không có sheet «{sheet}».")
            continue
        ledger_name = table.get(SHEET_PIN)
        spec = _spec(str(ledger_name)) if ledger_name is not None else None
        if ledger_name is not None:
            if spec is None:
                pins.problems.append(f"«{path.name}», sheet «{sheet}»: không có sổ «{ledger_name}» (cần một trong: "
                                     + ", ".join(s.title for s in LEDGER_SHEETS) + ").")
                continue
            pins.sheets[sheet] = spec.key
        headers: dict[str, str] = {}
        for header, target in table.items():
            if header == SHEET_PIN:
                continue
            key = None
            candidates = [spec] if spec else LEDGER_SHEETS
            for cand in candidates:
                key = _column_key(cand, str(target))
                if key is not None:
                    break
            if key is None:
                pins.problems.append(f"«{path.name}», sheet «{sheet}»: cột «{target}» (cho tiêu đề «{header}») "
                                     "không có trong mẫu sổ của kiemsat.")
                continue
            headers[fold(header)] = key
        pins.headers[sheet] = headers
    return pins


def mapping_report(ledger: Any) -> list[dict[str, Any]]:
    """For each sheet read: each header as read (columns filled, or the unit's own) and, for each
    required column not found, the closest headers with their scores."""
    out = []
    for data in ledger.sheets.values():
        spec = data.spec
        labels = {c.key: c.label for c in spec.columns}
        headers = [{"column": h.column, "header": h.text, "fields": [labels[k] for k in h.keys],
                    "score": round(h.score, 2), "source": h.source} for h in data.mapping]
        missing = []
        for col in spec.columns:
            if col.required and data.column_of(col.key) is None:
                ranked = sorted(((max(score(h.text, t) for t in (col.label, *col.synonyms)), h.text)
                                 for h in data.mapping), reverse=True)[:3]
                missing.append({"field": col.label, "closest": [{"header": t, "score": round(s, 2)}
                                                                for s, t in ranked if s > 0]})
        out.append({"sheet": data.name, "ledger": spec.title, "header_row": data.header_row,
                    "headers": headers, "missing": missing})
    return out
