"""How a ledger's headers were read, and the pins a unit sets when kiemsat guesses wrong.

A unit pins a header in two places, both used by every command (`reader.read_workbook` applies them):

- in the ledger itself, sheet «Cấu hình», section «Ghim cột» (schema.PIN_SECTION): one pin a row,
  the sheet as named in the file, the header as written there, and what it is read as;
- in a file beside the ledger: for `SO.xlsx` it is `SO.ghim-cot.toml`, one table per sheet, each
  header mapped to one of our columns (its label, as in kiemsat's template, or its key) or to ""
  (the unit's own column); `"sổ"` names the ledger a sheet holds when kiemsat does not recognise it:

    ["Sổ TB năm 2024"]
    "sổ" = "Tin báo"
    "Người nhập" = "Kiểm sát viên"
    "STT" = ""

When both pin the same header (or the same sheet) differently, Cấu hình wins and a cảnh báo says
so: it is in the workbook the clerk keeps, it travels with it, and «Kiểm tra sổ» shows it. A pin
that names nothing known (a sheet, a header, a column, a ledger) is a cảnh báo where it is written,
and the sheet is read as kiemsat guesses.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from macros_py.ledger import per_defendant
from macros_py.ledger.headers import score
from macros_py.ledger.problems import WARNING, Problem, column_letter
from macros_py.ledger.schema import (
    DEFENDANTS,
    LEDGER_SHEETS,
    PIN_COLUMNS,
    PIN_OWN_COLUMN,
    PIN_SECTION,
    PIN_SHEET_HEADER,
    SETTINGS_SHEET,
    SheetSpec,
)
from macros_py.ledger.values import display, fold, squash

PIN_SUFFIX = ".ghim-cot.toml"
SHEET_PIN = PIN_SHEET_HEADER
_OWN = {"", fold(PIN_OWN_COLUMN), "cot rieng", "rieng", "khong doc"}


@dataclass(frozen=True)
class PinAt:
    """Where a pin is written, for a problem about it: (sheet or file, row, column letter, text)."""

    sheet: str
    row: int | None
    column: str
    target: str  # what the pin says the header is, as written
    origin: str  # "Cấu hình" or the pin file's name, for messages
    header: str = ""  # the header pinned, as written in the pin
    header_column: str = ""  # the column letter of that header in Cấu hình


@dataclass
class Pins:
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name in the file -> schema sheet key
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet name -> folded header -> key or ""
    problems: list[Problem] = field(default_factory=list)  # one per pin that could not be used (cảnh báo)
    path: Path | None = None
    at: dict[tuple[str, str], PinAt] = field(default_factory=dict)  # (sheet, folded header or "sổ") -> where

    def warn(self, at: PinAt, value: str, message: str) -> None:
        self.problems.append(Problem(at.sheet, at.row, at.column, value, message, WARNING))


def pin_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.stem + PIN_SUFFIX)


_SPEC_NAMES = {fold(name): spec for spec in LEDGER_SHEETS for name in (spec.title, spec.key, *spec.synonyms)}


def _spec(name: str) -> SheetSpec | None:
    return _SPEC_NAMES.get(fold(name))


def _column_key(spec: SheetSpec, name: str) -> str | None:
    if fold(name) in _OWN:
        return ""
    for col in spec.columns:
        if fold(name) in (fold(col.label), fold(col.key)):
            return col.key
    return None


def _resolve(target: str, spec: SheetSpec | None) -> str | None:
    for cand in [spec] if spec else LEDGER_SHEETS:
        key = _column_key(cand, target)
        if key is not None:
            return key
    if spec is not None and spec.key == per_defendant.CASE_SHEET:
        # a criminal sheet kept one row per defendant holds the defendants' columns too
        key = _column_key(DEFENDANTS, target)
        if key in per_defendant.DEFENDANT_ONLY:
            return key
    return None


def pin_keys(spec: SheetSpec) -> frozenset[str]:
    """The columns a pin on a sheet of `spec` may name: a criminal sheet's include a defendant's."""
    keys = frozenset(spec.keys)
    return keys | per_defendant.DEFENDANT_ONLY if spec.key == per_defendant.CASE_SHEET else keys


def _closest(spec: SheetSpec, target: str) -> str:
    """The ledger's column labels nearest to what a pin says (its first ones when none is near)."""
    ranked = sorted(((score(target, c.label), i, c.label) for i, c in enumerate(spec.columns)), key=lambda t: (-t[0], t[1]))
    near = [label for s, _, label in ranked[:3] if s > 0] or [c.label for c in spec.columns[:4]]
    return ", ".join(f"«{label}»" for label in near)


def _is_sheet_pin(header: str) -> bool:
    """«sổ» as the header: the pin names the sheet's ledger. Compared with its diacritics: «Số» is a header."""
    return squash(header).casefold() == SHEET_PIN


def _ledgers() -> str:
    return ", ".join(f"«{s.title}»" for s in LEDGER_SHEETS)


def load_pins(ledger: Path, sheet_names: list[str] | None = None) -> Pins:
    """The pins beside `ledger`, or none. A pin that names nothing known becomes a problem, not an error."""
    path = pin_path(ledger)
    pins = Pins(path=path)
    if not path.is_file():
        return pins
    here = PinAt(path.name, None, "", "", f"tệp «{path.name}»")
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        pins.warn(here, "", f"không đọc được tệp ghim cột «{path.name}» ({exc}); kiemsat đọc sổ không ghim.")
        return pins
    for sheet, table in data.items():
        if not isinstance(table, dict):
            pins.warn(here, "", f"«{sheet}» cần là một bảng [\"{sheet}\"] các cột.")
            continue
        if sheet_names is not None and sheet not in sheet_names:
            pins.warn(here, sheet, f"sổ không có sheet «{sheet}».")
            continue
        ledger_name = table.get(SHEET_PIN)
        spec = _spec(str(ledger_name)) if ledger_name is not None else None
        if ledger_name is not None:
            if spec is None:
                pins.warn(here, str(ledger_name), f"sheet «{sheet}»: không có sổ «{ledger_name}» (cần một trong: "
                          + ", ".join(s.title for s in LEDGER_SHEETS) + ").")
                continue
            pins.sheets[sheet] = spec.key
            pins.at[(sheet, SHEET_PIN)] = PinAt(path.name, None, "", str(ledger_name), here.origin)
        headers: dict[str, str] = {}
        for header, target in table.items():
            if header == SHEET_PIN:
                continue
            key = _resolve(str(target), spec or _spec(sheet))
            if key is None:
                pins.warn(here, str(target), f"sheet «{sheet}»: cột «{target}» (cho tiêu đề «{header}») "
                          "không có trong mẫu sổ của kiemsat.")
                continue
            headers[fold(header)] = key
            pins.at[(sheet, fold(header))] = PinAt(path.name, None, "", str(target), here.origin, header)
        pins.headers[sheet] = headers
    return pins


PIN_SEARCH_ROWS = 200  # the pins' header row is looked for this far down Cấu hình


def _pin_header(rows: Sequence[Sequence[Any]]) -> tuple[int, list[int]] | None:
    """The row (0-based) of Cấu hình holding the three pin labels, and their columns."""
    wanted = [fold(label) for label in PIN_COLUMNS]
    for r, row in enumerate(rows[:PIN_SEARCH_ROWS]):
        cells = [fold(display(v)) if v not in ("", None) else "" for v in row]
        if all(w in cells for w in wanted):
            return r, [cells.index(w) for w in wanted]
    return None


def pins_row(rows: Sequence[Sequence[Any]]) -> int | None:
    """Where the pins start in Cấu hình (0-based row of their header), so settings stop above it."""
    found = _pin_header(rows)
    return found[0] if found else None


def settings_pins(name: str, rows: Sequence[Sequence[Any]], sheet_names: Sequence[str]) -> Pins:
    """The pins of the Cấu hình sheet `name` (its rows as read), for a workbook of `sheet_names`."""
    pins = Pins()
    found = _pin_header(rows)
    if found is None:
        return pins
    r0, cols = found
    label_sheet, label_header, label_target = PIN_COLUMNS
    ledgers = [n for n in sheet_names if fold(n) != fold(name)]
    by_fold: dict[str, list[str]] = {}
    for n in ledgers:
        by_fold.setdefault(fold(n), []).append(n)
    entries = []
    for r in range(r0 + 1, len(rows)):
        row = rows[r]
        cells = [display(row[c]).strip() if c < len(row) else "" for c in cols]
        if not any(cells):
            continue
        at = [PinAt(name, r + 1, column_letter(c), cells[2], f"sheet «{SETTINGS_SHEET}»", cells[1],
                    column_letter(cols[1])) for c in cols]
        sheet_text, header, target = cells
        if not sheet_text:
            pins.warn(at[0], "", f"«{label_sheet}» để trống; cần tên một sheet của sổ, ví dụ "
                      + ", ".join(f"«{n}»" for n in ledgers[:4]) + ".")
            continue
        sheet = sheet_text if sheet_text in ledgers else (by_fold.get(fold(sheet_text)) or [None])[0]
        if sheet is None:
            pins.warn(at[0], sheet_text, f"«{label_sheet}»: sổ không có sheet «{sheet_text}»; cần đúng tên một "
                      "sheet của sổ: " + ", ".join(f"«{n}»" for n in ledgers[:8]) + ".")
            continue
        if not header:
            pins.warn(at[1], "", f"«{label_header}» để trống; cần tiêu đề cột đúng như ở dòng tiêu đề của sheet "
                      f"«{sheet}», hoặc «{PIN_SHEET_HEADER}» để nói sheet đó là sổ nào.")
            continue
        if not target:
            pins.warn(at[2], "", f"«{label_target}» để trống; cần tên một cột của kiemsat (như ở dòng tiêu đề "
                      f"của mẫu sổ) hoặc «{PIN_OWN_COLUMN}».")
            continue
        entries.append((sheet, header, target, at))
    for sheet, header, target, at in entries:  # the ledger of each sheet first: it says which columns exist
        if not _is_sheet_pin(header):
            continue
        spec = _spec(target)
        if spec is None:
            pins.warn(at[2], target, f"«{label_target}»: không có sổ «{target}»; cần một trong: {_ledgers()}.")
        elif sheet in pins.sheets:
            pins.warn(at[1], header, f"sheet «{sheet}» đã được ghim là sổ ở dòng {pins.at[(sheet, SHEET_PIN)].row}; "
                      "kiemsat dùng dòng đó.")
        else:
            pins.sheets[sheet] = spec.key
            pins.at[(sheet, SHEET_PIN)] = at[2]
    for sheet, header, target, at in entries:
        if _is_sheet_pin(header):
            continue
        spec = next((s for s in LEDGER_SHEETS if s.key == pins.sheets.get(sheet)), None) or _spec(sheet)
        key = _resolve(target, spec)
        if key is None:
            known = _closest(spec, target) if spec else ""
            pins.warn(at[2], target, f"«{label_target}»: kiemsat không có cột «{target}»"
                      + (f" ở sổ «{spec.title}»" if spec else "") + "; cần tên cột như ở dòng tiêu đề của mẫu sổ"
                      + (f" (ví dụ {known})" if known else "") + f", hoặc «{PIN_OWN_COLUMN}».")
            continue
        headers = pins.headers.setdefault(sheet, {})
        if fold(header) in headers:
            pins.warn(at[1], header, f"tiêu đề «{header}» của sheet «{sheet}» đã được ghim ở dòng "
                      f"{pins.at[(sheet, fold(header))].row}; kiemsat dùng dòng đó.")
            continue
        headers[fold(header)] = key
        pins.at[(sheet, fold(header))] = at[2]
    return pins


def merge_pins(file_pins: Pins | None, book_pins: Pins | None) -> Pins | None:
    """The sidecar's pins overridden by Cấu hình's; a cảnh báo where the two disagree."""
    if book_pins is None or not (book_pins.sheets or book_pins.headers or book_pins.problems):
        return file_pins
    if file_pins is None:
        return book_pins
    out = Pins(dict(file_pins.sheets), {s: dict(h) for s, h in file_pins.headers.items()},
               file_pins.problems + book_pins.problems, file_pins.path, dict(file_pins.at))
    for sheet, key in book_pins.sheets.items():
        old = out.sheets.get(sheet)
        if old is not None and old != key:
            _overridden(out, book_pins.at[(sheet, SHEET_PIN)], out.at[(sheet, SHEET_PIN)], f"sổ của sheet «{sheet}»")
        out.sheets[sheet] = key
        out.at[(sheet, SHEET_PIN)] = book_pins.at[(sheet, SHEET_PIN)]
    for sheet, headers in book_pins.headers.items():
        mine = out.headers.setdefault(sheet, {})
        for header, key in headers.items():
            if header in mine and mine[header] != key:
                _overridden(out, book_pins.at[(sheet, header)], out.at[(sheet, header)],
                            f"tiêu đề «{book_pins.at[(sheet, header)].header}» của sheet «{sheet}»")
            mine[header] = key
            out.at[(sheet, header)] = book_pins.at[(sheet, header)]
    return out


def _overridden(pins: Pins, winner: PinAt, loser: PinAt, what: str) -> None:
    pins.warn(winner, winner.target, f"{what} cũng được ghim trong {loser.origin} là «{loser.target}»; kiemsat "
              f"dùng cách ghim ở {winner.origin} («{winner.target}»). Hãy bỏ một trong hai.")


def check_pins(pins: Pins, assigned: dict[str, SheetSpec]) -> None:
    """After each file sheet has its ledger (`assigned`: sheet name -> spec): drop, with a cảnh báo,
    the pins that name a column that ledger does not have, or a sheet read as no ledger."""
    for sheet, headers in pins.headers.items():
        spec = assigned.get(sheet)
        for header, key in list(headers.items()):
            at = pins.at[(sheet, header)]
            if spec is None:
                pins.warn(at, at.target, f"sheet «{sheet}» không được đọc là sổ nào, nên cách ghim tiêu đề "
                          f"«{at.header}» chưa được dùng; hãy ghim thêm «{PIN_SHEET_HEADER}» cho sheet này "
                          f"(một trong: {_ledgers()}).")
                del headers[header]
                continue
            if key and key not in pin_keys(spec):
                again = _resolve(at.target, spec)  # the same label may name a column of this ledger
                if again is not None:
                    headers[header] = again
                    continue
                pins.warn(at, at.target, f"sheet «{sheet}» là sổ «{spec.title}», không có cột «{at.target}»; cần "
                          f"một cột của sổ đó, ví dụ {_closest(spec, at.target)}, hoặc «{PIN_OWN_COLUMN}».")
                del headers[header]


def unused_pins(pins: Pins, data: Any, also: Any = None) -> list[Problem]:
    """The pins of a sheet read (`reader.SheetData`) whose header is not in its header row; `also`: the same
    sheet's other reading (the defendants of a criminal sheet kept one row per defendant)."""
    headers = pins.headers.get(data.name, {})
    used = {fold(h.text) for d in (data, also) if d is not None for h in d.mapping if h.source == "ghim"}
    out = []
    for header in headers:
        if header in used or any(header.endswith(" " + u) for u in used):
            continue
        at = pins.at[(data.name, header)]
        written = ", ".join(f"«{h.text}»" for h in data.mapping[:6])
        out.append(Problem(at.sheet, at.row, at.header_column, at.header,
                           f"sheet «{data.name}» không có tiêu đề «{at.header}» ở dòng tiêu đề (dòng {data.header_row}), "
                           f"nên cách ghim này chưa được dùng; cần tiêu đề đúng như trong sổ, ví dụ {written}.",
                           WARNING))
    return out


def mapping_report(ledger: Any) -> list[dict[str, Any]]:
    """For each sheet read: each header as read (columns filled, or the unit's own) and, for each
    required column not found, the closest headers with their scores."""
    out = []
    for data in ledger.all_sheets():
        spec = data.spec
        labels = {c.key: c.label for c in spec.columns}
        headers = [{"column": h.column, "header": h.text, "fields": [labels[k] for k in h.keys],
                    "score": round(h.score, 2), "source": h.source, "note": h.note} for h in data.mapping]
        missing = []
        for col in spec.columns:
            if col.required and data.column_of(col.key) is None:
                ranked = sorted(((max(score(h.text, t) for t in (col.label, *col.synonyms)), h.text)
                                 for h in data.mapping), reverse=True)[:3]
                missing.append({"field": col.label, "closest": [{"header": t, "score": round(s, 2)}
                                                                for s, t in ranked if s > 0]})
        out.append({"sheet": data.name, "ledger": spec.title, "header_row": data.header_row,
                    "headers": headers, "missing": missing, "reading": data.reading,
                    "from_sheet_name": {labels[k]: v for k, v in data.from_name.items()}})
    return out


# ---------------------------------------------------------------- the mapping in words (CLI and ribbon)

MAPPING_HEADER = ["Sheet", "Đọc là sổ", "Dòng tiêu đề", "Cột", "Tiêu đề", "Đọc thành", "Mức khớp", "Ghi chú"]
OWN_WORDS = "cột riêng của đơn vị (giữ nguyên)"


def header_words(h: dict[str, Any]) -> tuple[str, str]:
    """One header of `mapping_report` in words: what it is read as, and how it was recognised."""
    how = ", ".join(h["fields"]) if h["fields"] else OWN_WORDS
    notes = [f"theo Sổ {h['source']}" if h["fields"] and h["source"] not in ("", "ghim") else "",
             "đơn vị đã ghim" if h["source"] == "ghim" else "",
             f"khớp {h['score']:.0%}, cần ghim để xác nhận" if h["fields"] and h["score"] < 1
             and h["source"] != "ghim" else "", h.get("note", "")]
    return how, "; ".join(n for n in notes if n)


def missing_words(m: dict[str, Any]) -> tuple[str, str]:
    """A required column not found, in words: what is missing, and the closest headers."""
    near = ", ".join(f"«{c['header']}» ({c['score']:.0%})" for c in m["closest"]) or "không có"
    return f"thiếu cột bắt buộc «{m['field']}»", f"tiêu đề gần nhất: {near}"


def as_template(report: list[dict[str, Any]]) -> bool:
    """Every header read as spelled in kiemsat's template, none of the unit's own, none missing."""
    return all(not s["missing"] and all(h["fields"] and not h["source"] and h["score"] >= 1 for h in s["headers"])
               for s in report)


def mapping_table(report: list[dict[str, Any]]) -> list[list[Any]]:
    """`mapping_report` as the rows of a sheet (the ribbon's «Cách đọc cột»), header row first."""
    rows: list[list[Any]] = [list(MAPPING_HEADER)]
    for s in report:
        where = [s["sheet"], s["ledger"], s["header_row"]]
        if s.get("reading"):
            rows.append([*where, "", "", "", "", f"Cách đọc: {s['reading']}"])
        for h in s["headers"]:
            how, note = header_words(h)
            rows.append([*where, column_letter(h["column"]), h["header"], how,
                         f"{h['score']:.0%}" if h["fields"] else "", note])
        for label, value in s.get("from_sheet_name", {}).items():
            rows.append([*where, "", "", label, "", f"«{value}» cho mọi dòng, lấy từ tên sheet"])
        for m in s["missing"]:
            what, near = missing_words(m)
            rows.append([*where, "", "", what, "", near])
    return rows
