"""Reading ledgers: our template and the workbooks clerks made themselves.

python-calamine reads the cells (an order of magnitude faster than openpyxl). The reader then
finds each sheet (by name, or by its headers), finds the header row (below any title block,
one or two rows, merged cells), maps headers to schema columns through their synonyms, and
converts every cell column by column. Problems are collected, never raised: valid rows still
come through. Only a file that cannot be opened at all raises `LedgerError`.
"""

from __future__ import annotations

import gc
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

from python_calamine import CalamineWorkbook

from macros_py.ledger import per_defendant
from macros_py.ledger.guard import KIND_SUFFIX, KIND_WORDS, NO_CACHED_VALUE, Preflight, Refused, misnamed, preflight
from macros_py.ledger.headers import MATCH_SCORE, Entry, best_entries, tokens, vocabulary
from macros_py.ledger.mapping import Pins, check_pins, load_pins, merge_pins, pins_row, settings_pins, unused_pins
from macros_py.ledger.problems import ERROR, WARNING, Problem, column_index, column_letter
from macros_py.ledger.schema import (
    LEDGER_SHEETS,
    OWN_DEADLINE_COLUMNS,
    PIN_OWN_COLUMN,
    PIN_SECTION,
    SETTINGS_SHEET,
    OWN_SHEETS,
    SETTINGS,
    SETTINGS_SHEET,
    SETTINGS_SHEET_SYNONYMS,
    SHEETS_BY_KEY,
    Column,
    Kind,
    SheetSpec,
)
from macros_py.ledger.values import (
    MAX_DATE,
    MIN_DATE,
    PARSERS,
    BadValue,
    ChoiceMatcher,
    display,
    extract,
    fold,
    parse_text,
    squash,
    texts_as_typed,
)

HEADER_SEARCH_ROWS = 200  # official registers carry a long letterhead above the header
MIN_HEADER_MATCHES = 2


class LedgerError(Exception):
    """The file cannot be read at all. The message is one Vietnamese sentence for the clerk."""


class Record:
    """One ledger row: typed values by column key, plus the clerk's own extra columns."""

    __slots__ = ("sheet", "row", "values", "extra", "problems", "sheet_name")

    def __init__(self, sheet: str, row: int, values: dict[str, Any], extra: dict[str, Any],
                 sheet_name: str | None = None):
        self.sheet = sheet  # schema sheet key
        self.row = row  # Excel row number: unique within one sheet of the file, not across sheets of a kind
        # the sheet's name in the file (several sheets of one kind: one per prosecutor, per year, ...);
        # `where` is the row's identity in the workbook
        self.sheet_name = sheet_name if sheet_name is not None else sheet
        self.values = values
        self.extra = extra  # header label -> raw value, for columns the schema does not know
        self.problems = 0  # how many problems this row has (its bad cells read as None)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    @property
    def where(self) -> tuple[str, int]:
        """(sheet name in the file, Excel row): what names this row in the workbook."""
        return self.sheet_name, self.row

    def __repr__(self) -> str:
        return f"Record({self.sheet!r}, {self.sheet_name!r}, row={self.row}, {self.values!r})"


@dataclass
class SheetData:
    spec: SheetSpec
    name: str  # the sheet's name in the file
    header_row: int  # Excel row number of the (lower) header row
    columns: dict[str, int]  # schema key -> 0-based column index
    extra_columns: dict[int, str]  # 0-based column index -> header text
    records: list[Record] = field(default_factory=list)
    # columns read out of a composite cell of a national register («số 12 ngày 15/3/2024»):
    # key -> (0-based column index, pick). Not in `columns`: nothing writes back into such a cell
    picked: dict[str, tuple[int, str]] = field(default_factory=dict)
    mapping: list[HeaderRead] = field(default_factory=list)  # how each header was read (check --mapping)
    from_name: dict[str, str] = field(default_factory=dict)  # key -> value every row takes from the sheet's name
    # a criminal sheet kept one row per defendant (macros_py.ledger.per_defendant): how it was read, in
    # words, on both readings of it; on the criminal-case reading, the defendants' reading of the same sheet
    reading: str = ""
    defendants: SheetData | None = None

    def column_of(self, key: str) -> int | None:
        if key in self.columns:
            return self.columns[key]
        return self.picked[key][0] if key in self.picked else None


@dataclass
class Ledger:
    path: Path
    sheets: dict[str, SheetData]  # by schema key, only the sheets found
    settings: dict[str, Any]
    problems: list[Problem]  # errors and warnings (Problem.level)
    unknown_sheets: list[str]
    # further sheets of a kind already in `sheets` (one per prosecutor, per year, per team), in file order
    more: list[SheetData] = field(default_factory=list)

    def all_sheets(self) -> list[SheetData]:
        """Every sheet read, in ledger order, several of one kind together."""
        return [d for data in self.sheets.values() for d in self.sheets_of(data.spec.key)]

    def sheets_of(self, key: str) -> list[SheetData]:
        """The sheets read as ledger `key`: the first (`sheets[key]`) and the others of its kind."""
        first = self.sheets.get(key)
        return [first, *(d for d in self.more if d.spec.key == key)] if first else []

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def records(self, key: str) -> list[Record]:
        """Every row of ledger `key`, from each of its sheets in turn (row numbers repeat across
        sheets: a row is named by `Record.where`)."""
        sheets = self.sheets_of(key)
        if len(sheets) == 1:
            return sheets[0].records
        return [r for data in sheets for r in data.records]

    def sheet_named(self, name: str, key: str | None = None) -> SheetData | None:
        """The sheet read whose name in the file is `name` (of ledger `key`: one file sheet may be read as
        two ledgers, a criminal sheet kept one row per defendant)."""
        return next((d for d in self.all_sheets() if d.name == name and key in (None, d.spec.key)), None)

    def data_of(self, record: Record) -> SheetData:
        """The sheet `record` was read from."""
        data = self.sheet_named(record.sheet_name, record.sheet)
        if data is None:
            data = self.sheets[record.sheet]
        return data


# ---------------------------------------------------------------- opening the file


def is_panic(exc: BaseException) -> bool:
    """A Rust panic inside python-calamine: pyo3's PanicException derives from BaseException."""
    return type(exc).__name__ == "PanicException"


def open_workbook(path: Path) -> tuple[CalamineWorkbook, Preflight]:
    """The workbook as calamine opens it, after `guard.preflight` has looked at every part calamine
    reads (a repaired in-memory copy when some cells had to be left out)."""
    try:
        pre = preflight(path)
    except Refused as exc:
        raise LedgerError(str(exc)) from None
    try:
        if pre.data is not None:
            return CalamineWorkbook.from_filelike(io.BytesIO(pre.data)), pre
        if misnamed(path, pre.kind):  # calamine picks its reader by the name; the bytes say otherwise
            return CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes())), pre
        return CalamineWorkbook.from_path(str(path)), pre
    except BaseException as exc:  # calamine raises several types, and panics, for a file that is not a workbook
        if not (isinstance(exc, Exception) or is_panic(exc)):
            raise
        if "password" in str(exc).lower() or type(exc).__name__ == "PasswordError":
            raise LedgerError(
                f"Tệp «{path.name}» được đặt mật khẩu; hãy gỡ mật khẩu trong Excel rồi thử lại.") from None
        raise LedgerError(f"Tệp «{path.name}» không phải sổ Excel đọc được (.xlsx, .xlsm, .xls, .ods).") from None


# ---------------------------------------------------------------- finding sheets and headers


def _exact_index(entries: list[Entry]) -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for entry in entries:
        index.setdefault(fold(entry.text), entry)
    return index


_VOCAB = {spec.key: vocabulary(spec) for spec in LEDGER_SHEETS}
# our own spellings; then each national register's, so that a row laid out like one register reads
# its composite cells as that register means them
_SCHEMA_EXACT = {key: _exact_index([e for e in v if not e.source]) for key, v in _VOCAB.items()}
_LAYOUT_EXACT = {key: [_exact_index([e for e in v if e.source == code])
                       for code in dict.fromkeys(e.source for e in v if e.source)] for key, v in _VOCAB.items()}
# a row is read as a national register when it has at least this many of the register's headers, and
# no fewer than of our own (our template with a unit's «STT» column stays our template)
LAYOUT_MIN_HEADERS = 3


_OWN_DEADLINES: dict[str, set[frozenset[str]]] = {}  # sheet key -> the unit's own deadline headers, as tokens
for _sheet, _rules, _headers in OWN_DEADLINE_COLUMNS:
    _OWN_DEADLINES.setdefault(_sheet, set()).update(tokens(h) for h in _headers)
_SHEET_NAMES = {fold(name): spec for spec in LEDGER_SHEETS for name in (spec.title, *spec.synonyms)}
_SETTINGS_NAMES = {fold(n) for n in (SETTINGS_SHEET, *SETTINGS_SHEET_SYNONYMS)}
_OWN_SHEETS = {fold(n) for n in OWN_SHEETS}
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def _filled_header_rows(rows: list[list[Any]], merged: list) -> list[list[str]]:
    """The first rows as text, each merged range filled with its top-left value."""
    top = [[squash(display(v)) if v != "" else "" for v in row] for row in rows[:HEADER_SEARCH_ROWS]]
    for (r1, c1), (r2, c2) in merged or ():
        if r1 >= len(top):
            continue
        value = top[r1][c1] if c1 < len(top[r1]) else ""
        for r in range(r1, min(r2 + 1, len(top))):
            for c in range(c1, min(c2 + 1, len(top[r]))):
                top[r][c] = value
    return top


def _match_row(top: list[list[str]], r: int, exact: dict[str, Entry]) -> dict[int, Entry]:
    """Column index -> vocabulary entry for header row r (with row r-1 as a possible group header)."""
    matched: dict[int, Entry] = {}
    row = top[r]
    above = top[r - 1] if r > 0 else []
    for c, child in enumerate(row):
        parent = above[c] if c < len(above) else ""
        candidates = []
        if parent and child and parent != child:
            candidates.append(f"{parent} {child}")
        if child:
            candidates.append(child)
        elif parent:
            candidates.append(parent)
        for cand in candidates:
            entry = exact.get(cand)
            if entry:
                matched[c] = entry
                break
    return matched


def _row_score(matched: dict[int, Entry]) -> float:
    keys = {k for e in matched.values() for k, _ in e.fills}
    return len(keys) + 0.1 * sum(1 for e in matched.values() if not e.fills)


@dataclass
class HeaderRead:
    """How one header cell was read: the columns it fills (none: the unit's own column)."""

    column: int  # 0-based
    text: str
    keys: tuple[str, ...]
    score: float  # 1.0 for an exact spelling; lower for a match by tokens
    source: str  # "" our schema, "04" a national register, "ghim" a unit's pin
    note: str = ""  # why a column it names was read elsewhere


@dataclass
class Header:
    row: int  # 0-based index of the (lower) header row
    matched: dict[int, str]  # column index -> schema key, for headers whose whole cell is one column
    labels: dict[int, str]  # column index -> header text as written, for every non-empty header cell
    entries: dict[int, tuple[Entry, float]] = field(default_factory=dict)  # every header read, with its score
    groups: dict[int, str] = field(default_factory=dict)  # column index -> its group header(s), if any


def find_header(rows: list[list[Any]], merged: list, spec: SheetSpec,
                pins: dict[str, str] | None = None) -> Header | None:
    """The header row is the row (with the one above it) that names most schema columns; its
    cells not spelled as we know them are then matched by tokens. `pins`: folded header -> key."""
    raw = _filled_header_rows(rows, merged)
    top = [[fold(v) if v else "" for v in row] for row in raw]
    ours = _SCHEMA_EXACT[spec.key]
    pinned = {h: Entry(h, ((k, ""),) if k else (), "ghim") for h, k in (pins or {}).items()}
    best: tuple[int, dict[int, Entry]] | None = None
    best_score = 0.0

    def match_at(r: int) -> tuple[dict[int, Entry], float]:
        schema = _match_row(top, r, ours)
        layouts = sorted((_match_row(top, r, index) for index in _LAYOUT_EXACT[spec.key]), key=len, reverse=True)
        layout = layouts[0] if layouts else {}
        if len(layout) >= max(LAYOUT_MIN_HEADERS, len(schema)) and any(top[r][c] not in ours for c in layout):
            matched = {**schema, **layout}  # laid out as this register: its meaning of each header
        else:
            matched = {**{c: e for m in reversed(layouts) for c, e in m.items()}, **schema}
        if pinned:
            matched.update(_match_row(top, r, pinned))
        return matched, _row_score(matched) + 0.5 * len(layout)

    for r in range(len(top)):
        if not any(top[r]) and not (r and any(top[r - 1])):
            continue
        matched, score = match_at(r)
        if score > best_score or (best is not None and score == best_score and r == best[0] + 1 and any(top[r])
                                  and {c: e.fills for c, e in matched.items()}
                                  == {c: e.fills for c, e in best[1].items()}):
            # the same headers one row lower: a header of two rows (merged down, groups above), read at its foot
            best, best_score = (r, matched), score
    if best is None or best_score < min(MIN_HEADER_MATCHES, len(spec.columns)):
        return None
    r, matched = best
    while r + 1 < len(top) and _heads_two_rows(raw, merged, r):
        # the top of a header of two rows: groups merged across, the other headers merged down, names
        # under the groups («Gia hạn điều tra» over «Số lần | Đến ngày»); the header is read at its foot,
        # each name under its group, even when a group's name alone is one of our headers
        r += 1
        matched, _ = match_at(r)
    above = raw[r - 1] if r > 0 else []
    texts = {c: v or (above[c] if c < len(above) else "") for c, v in enumerate(raw[r])}
    groups = _groups(raw, merged, r, texts)
    entries = {c: (e, 1.0) for c, e in matched.items()}
    vocab = _VOCAB[spec.key]
    for c, group in groups.items():
        # under a group («Tạm giam» over «Gia hạn đến») the header is read with its group: a child
        # spelled as one of our headers stays that header unless its group makes it another one
        if c in entries and fold(texts[c]) in pinned:
            continue
        (found_score, entry), = best_entries(f"{group} {texts[c]}", vocab) or [(0.0, None)]
        if entry is not None and found_score >= 1.0 and c in entries and entry.fills != entries[c][0].fills:
            entries[c] = (entry, found_score)
    for c, text in texts.items():
        if text and c not in entries and not _NUMBERING.match(text) and fold(text) not in pinned:
            whole = f"{groups[c]} {text}" if c in groups else text  # never the child alone under its group
            if fold(whole) in pinned or tokens(text) in _OWN_DEADLINES.get(spec.key, ()):
                continue  # pinned, or the unit's own deadline column: kept as the unit's, checked, never written
            (found_score, entry), = best_entries(whole, vocab) or [(0.0, None)]
            if entry is not None and found_score >= MATCH_SCORE:
                entries[c] = (entry, found_score)
    direct = {c: e.fills[0][0] for c, (e, _) in entries.items() if len(e.fills) == 1 and not e.fills[0][1]}
    labels = {c: f"{groups[c]} {GROUP_MARK} {t}" if c in groups else t for c, t in texts.items() if t}
    return Header(r, direct, labels, entries, groups)


GROUP_MARK = "›"  # between a group header and the header under it, as shown to the clerk


def _heads_two_rows(raw: list[list[str]], merged: list, r: int) -> bool:
    """Row r is the upper row of a header of two rows: at least two of its headers are merged down into row
    r+1, and at least one is a group merged across two or more columns with names under it in row r+1."""
    down = across = 0
    below = raw[r + 1]
    for (r1, c1), (r2, c2) in merged or ():
        if r1 != r or not (c1 < len(raw[r]) and raw[r][c1]):
            continue
        if r2 > r and c2 == c1:
            down += 1
        elif r2 == r and c2 > c1 and all(c < len(below) and below[c] and below[c] != raw[r][c1]
                                         for c in range(c1, c2 + 1)):
            across += 1
    return down >= 2 and across >= 1
GROUP_MAX_SHARE = 0.6  # a cell above spanning this share of the header's columns or more is a title


def _groups(raw: list[list[str]], merged: list, r: int, texts: dict[int, str]) -> dict[int, str]:
    """Column index -> the group header(s) written above header row r («Tạm giam» over «Ngày bắt đầu |
    Gia hạn đến»), up to two rows up. A cell above is a group when it spans some of the header's columns
    but not all of them (a title over the whole table is not a group), and differs from the header under it
    (one header merged down over two rows is not a group)."""
    cols = [c for c, t in texts.items() if t]
    if len(cols) < 2:
        return {}
    lo, hi = min(cols), max(cols)
    out: dict[int, list[str]] = {}
    for up in (1, 2):
        if r - up < 0:
            break
        row = raw[r - up]
        spans: dict[int, tuple[int, int]] = {}
        for (r1, c1), (r2, c2) in merged or ():
            if r1 <= r - up <= r2:
                for c in range(c1, c2 + 1):
                    spans[c] = (c1, c2)
        filled = [c for c in range(lo, min(hi + 1, len(row))) if row[c]]
        if len(filled) < 2 and not any(c2 > c1 for c1, c2 in spans.values()):
            break  # one cell alone above the table: a title, not a row of groups
        found = False
        below = raw[r - up + 1]
        for c in cols:
            value = row[c] if c < len(row) else ""
            c1, c2 = spans.get(c, (c, c))
            if not value or value == texts[c] or sum(c1 <= x <= c2 for x in cols) >= GROUP_MAX_SHARE * len(cols):
                continue  # nothing above, the same header merged down, or a title over (most of) the table
            if up == 2 and c < len(below) and value == below[c]:
                continue
            out.setdefault(c, []).insert(0, value)
            found = True
        if not found:
            break
    return {c: f" {GROUP_MARK} ".join(v) for c, v in out.items()}


# ---------------------------------------------------------------- converting cells


def _parser(col: Column) -> Callable[[Any], Any]:
    if col.kind is Kind.CHOICE:
        assert col.choices is not None
        return ChoiceMatcher(col.choices)
    return PARSERS[col.kind]


_PARSERS: dict[tuple[str, str], Callable[[Any], Any]] = {
    (spec.key, col.key): _parser(col) for spec in LEDGER_SHEETS for col in spec.columns
}


_TEXT_KINDS = (Kind.TEXT, Kind.STAFF)  # parsed by parse_text


def _required_level(col: Column) -> str:
    """A required value kiemsat computes with (a date, a category that selects a limit) is an error
    when missing; a missing identifier or name is a warning (rows are then named by their number)."""
    return ERROR if col.kind is Kind.DATE or col.strict else WARNING


def _is_numbering(row: list[Any]) -> bool:
    """(1), (2), (3) ... or 1, 2, 3 ... across the row under the header."""
    numbers = []
    for v in row:
        if _is_blank(v):
            continue
        m = _NUMBERING.match(display(v))
        if not m:
            return False
        numbers.append(int(display(v).strip("()")))
    return len(numbers) >= 2 and numbers == sorted(numbers)


# a sheet per prosecutor: «KSV Nguyễn Văn An», «Kiểm sát viên: Trần Thị Bình», «KSV - Lê Văn Cường»
_STAFF_SHEET = re.compile(r"^\s*(?:KSV|Kiểm sát viên|Kiem sat vien)\b[\s:.\-–]*(\S.*?)\s*$", re.IGNORECASE)
_HELD = {frozenset(("tam", "giam")), frozenset(("tam", "giu"))}
CONTENT_SAMPLE_ROWS = 500  # rows looked at to tell which of two headers holds a column's values


def _drives(spec: SheetSpec, col: Column) -> bool:
    """A column kiemsat computes with or writes: dates, numbers, categories, staff, the row's id."""
    return col.kind is not Kind.TEXT or col.computed or col.key == spec.id_column


def _is_blank(v: Any) -> bool:
    return v == "" or v is None or (type(v) is str and not v.strip())


class _SheetReader:
    def __init__(self, spec: SheetSpec, name: str, rows: list[list[Any]], merged: list,
                 errors: dict[tuple[int, int], str], problems: list[Problem], notes: Sequence[Any] = (),
                 pins: dict[str, str] | None = None):
        self.spec, self.name, self.rows, self.problems = spec, name, rows, problems
        self.pins = pins
        self.merged = merged
        self.by_case = False  # one row per defendant: the case reading keeps one record per case
        self.only_with: list[int] | None = None  # the defendant reading keeps the rows with a defendant
        self._whole_header: Header | None = None  # a criminal sheet's header before its defendant columns left it
        # error cells, and cells the guard left out, report alike: (row0, col0) -> (value, message)
        self.bad_cells: dict[tuple[int, int], tuple[str, str]] = {
            rc: ("", "có công thức nhưng chưa có giá trị đã tính (sổ được ghi bằng một chương trình không tính "
                 "công thức); hãy mở sổ bằng Excel rồi lưu lại") if err == NO_CACHED_VALUE else
            (err, f"có lỗi công thức {err}; hãy sửa công thức hoặc nhập giá trị") for rc, err in errors.items()}
        for note in notes:
            if note.far:
                self.problem(note.row0, note.col0, note.value, note.message + ".", level=WARNING)
            elif note.row0 is not None and note.col0 is not None:  # a cell of the table: always placed
                self.bad_cells[(note.row0, note.col0)] = (note.value, note.message)

    def problem(self, row0: int | None, col0: int | None, value: Any, message: str,
                column: str | None = None, level: str = ERROR) -> None:
        self.problems.append(Problem(
            sheet=self.name,
            row=None if row0 is None else row0 + 1,
            column=column if column is not None else ("" if col0 is None else column_letter(col0)),
            value=display(value),
            message=message,
            level=level,
        ))

    def read(self) -> SheetData | None:
        spec, rows = self.spec, self.rows
        found = find_header(rows, self.merged, spec, self.pins)
        if found is None:
            self.problem(None, None, "", f"không tìm thấy dòng tiêu đề của sổ «{spec.title}» trong "
                         f"{HEADER_SEARCH_ROWS} dòng đầu (cần các cột như: "
                         f"{', '.join(c.label for c in spec.columns[:4])}); kiemsat bỏ qua sheet này.")
            return None
        split = None
        if spec.key == per_defendant.CASE_SHEET:
            split = self._split(found)
            if split is None:
                self._pins_without_defendants(found)
        data = self._read(found)
        if split is not None:
            self._defendants(data, found, split)
        return data

    def _split(self, found: Header) -> per_defendant.Split | None:
        """A criminal sheet kept one row per defendant: its defendant headers leave the case reading."""
        case_c = next((c for c, (e, _) in found.entries.items() if any(k == "case_id" for k, _ in e.fills)), 0)
        rows = self.rows
        split = per_defendant.find_split(found.labels, found.entries,
                                         (rows[r][case_c] if case_c < len(rows[r]) else ""
                                          for r in range(found.row + 1, len(rows))), GROUP_MARK)
        if split is None:
            return None
        per_defendant.fill_case_down(self.rows, self.merged, split.case_column, found.row + 1)
        self.by_case = True
        self._whole_header = Header(found.row, dict(found.matched), dict(found.labels), dict(found.entries),
                                    dict(found.groups))
        for c in split.columns:
            found.labels.pop(c, None)
            found.entries.pop(c, None)
            found.matched.pop(c, None)
        return split

    def _pins_without_defendants(self, found: Header) -> None:
        """A pin to a defendant's column on a criminal sheet read one row per case: the column is kept as
        the unit's own (read by neither reading), and the clerk is told why."""
        for c in per_defendant.pinned_to_defendants(found.entries):
            entry = found.entries[c][0]
            label = SHEETS_BY_KEY[per_defendant.DEFENDANT_SHEET].column(entry.fills[0][0]).label
            found.entries[c] = (Entry(entry.text, (), "ghim"), 1.0)
            found.matched.pop(c, None)
            self.problem(found.row, c, found.labels.get(c, ""),
                         f"tiêu đề «{found.labels.get(c, '')}» được ghim là «{label}» (cột của sổ «Bị can»), nhưng "
                         f"sheet «{self.name}» được đọc mỗi dòng một vụ án (không có cột «Họ tên bị can» hay vụ án "
                         "ghi nhiều dòng); kiemsat không đọc cột này. Nếu mỗi dòng là một bị can, hãy thêm cột "
                         "«Họ tên bị can».", level=WARNING)

    def _defendants(self, data: SheetData, found: Header, split: per_defendant.Split) -> None:
        """The same sheet read as the defendants: the case column, the defendant columns, the computed ones."""
        whole = self._whole_header
        assert whole is not None
        case_c = split.case_column
        entries: dict[int, tuple[Entry, float]] = {
            case_c: (Entry(whole.labels[case_c], (("case_id", ""),), whole.entries[case_c][0].source),
                     whole.entries[case_c][1])}
        entries.update(split.columns)
        for c, (e, score) in whole.entries.items():
            if c not in entries and e.fills and all(k in per_defendant.COMPUTED for k, _ in e.fills):
                entries[c] = (e, score)
        header = Header(found.row, {}, {c: whole.labels[c] for c in sorted(entries)}, entries, {})
        reader = _SheetReader(SHEETS_BY_KEY[per_defendant.DEFENDANT_SHEET], self.name, self.rows, self.merged,
                              {}, self.problems)
        reader.bad_cells = self.bad_cells
        reader.only_with = sorted(split.columns)
        before = len(self.problems)
        defendants = reader._read(found=header)
        per_defendant.duplicate_defendants(defendants.records, defendants.column_of("name"), reader.report)
        # a cell both readings read (the case, a computed column) is reported once
        seen = set(self.problems[:before])
        self.problems[before:] = [p for p in dict.fromkeys(self.problems[before:]) if p not in seen]
        data.reading = defendants.reading = per_defendant.reading_words(len(data.records), len(defendants.records),
                                                                        split.why)
        data.defendants = defendants

    def report(self, row0: int, col0: int, value: Any, message: str, level: str) -> None:
        self.problem(row0, col0, value, message, level=level)

    def _read(self, found: Header) -> SheetData:
        spec = self.spec
        header0 = self.header_row0 = found.row
        columns: dict[str, int] = {}
        picked: dict[str, tuple[int, str]] = {}
        mapping: list[HeaderRead] = []
        fallbacks: list[tuple[int, Entry]] = []
        claims: dict[str, list[tuple[int, str]]] = {}  # key -> (column, pick) of every header that fills it
        reads: dict[int, HeaderRead] = {}
        for c in sorted(found.labels):
            entry, score = found.entries.get(c, (None, 0.0))
            if entry is not None and entry.fallback:
                fallbacks.append((c, entry))
                continue
            reads[c] = HeaderRead(c, found.labels[c], tuple(k for k, _ in entry.fills) if entry else (),
                                  score, entry.source if entry else "")
            mapping.append(reads[c])
            for key, pick in entry.fills if entry else ():
                claims.setdefault(key, []).append((c, pick))
        for key, cands in claims.items():
            c, pick = cands[0] if len(cands) == 1 else self._by_content(key, cands, header0, reads)
            if pick:
                picked[key] = (c, pick)
            else:
                columns[key] = c
        self._unsure(mapping)
        for c, entry in fallbacks:  # «STT» as the receipt number, when no column gives one
            keys = tuple(k for k, _ in entry.fills if k not in columns and k not in picked)
            for key in keys:
                columns[key] = c
            mapping.append(HeaderRead(c, found.labels[c], keys, 1.0, entry.source))
        mapping.sort(key=lambda h: h.column)
        extra = {h.column: h.text for h in mapping if not h.keys}
        for col in spec.columns:
            if col.required and col.key not in columns and col.key not in picked:
                self.problem(header0, None, "", f"thiếu cột bắt buộc «{col.label}».", column=col.label,
                             level=_required_level(col))
        data = SheetData(spec, self.name, header0 + 1, columns, extra, picked=picked, mapping=mapping)
        data.records = self._records(header0, {**columns, **{k: c for k, (c, _) in picked.items()}}, extra, picked)
        self._named_by_sheet(data)
        self._held_elsewhere(data)
        return data

    def _held_elsewhere(self, data: SheetData) -> None:
        """Custody or detention dates in a sheet that is not the defendants' (a group «Tạm giam» in the
        criminal cases): kept as the unit's own columns, and said once, since no deadline is computed from them."""
        if data.spec.key == "bi_can" or not data.extra_columns or self.by_case:
            return
        held = [label for c, label in sorted(data.extra_columns.items())
                if any(h <= tokens(label) for h in _HELD) and any(isinstance(r.extra.get(label), date) for r in data.records)]
        if held:
            self.problem(data.header_row - 1, None, "", "các cột " + ", ".join(f"«{h}»" for h in held)
                         + f" ghi ngày tạm giữ, tạm giam, nhưng sổ «{data.spec.title}» không tính thời hạn đó: "
                         "kiemsat giữ nguyên các cột này (cột riêng của đơn vị) và không cảnh báo hạn tạm giữ, "
                         f"tạm giam của chúng; hãy ghi ở sheet «{SHEETS_BY_KEY['bi_can'].title}» để được theo dõi.",
                         level=WARNING)

    def _named_by_sheet(self, data: SheetData) -> None:
        """«KSV Nguyễn Văn An» as the sheet's name, and no «Kiểm sát viên» column: that prosecutor for every row."""
        key = "prosecutor"
        if key not in data.spec.keys or data.column_of(key) is not None:
            return
        m = _STAFF_SHEET.match(self.name)
        if not m:
            return
        name = squash(m.group(1))
        data.from_name[key] = name
        for rec in data.records:
            rec.values[key] = name

    def _by_content(self, key: str, cands: list[tuple[int, str]], header0: int,
                    reads: dict[int, HeaderRead]) -> tuple[int, str]:
        """Two headers fill one column («QĐ khởi tố vụ án» holding «101/QĐ-CSĐT» and «Ngày khởi tố» holding
        the date): the one whose cells read as that column wins, whatever their order; on a tie, a whole
        cell before a part of one, then the first. The mapping of the others says where the column was read."""
        col = self.spec.column(key)
        parse = _PARSERS[(self.spec.key, key)]
        body = self.rows[header0 + 1:header0 + 1 + CONTENT_SAMPLE_ROWS]

        def readable(c: int, pick: str) -> int:
            n = 0
            for row in body:
                v = row[c] if c < len(row) else ""
                if _is_blank(v):
                    continue
                if pick:
                    v = extract(v, pick)
                    if _is_blank(v):
                        continue
                try:
                    n += parse(v) is not None
                except BadValue:
                    pass
            return n

        counts = {cand: readable(*cand) for cand in cands}
        win = max(cands, key=lambda cand: (counts[cand], not cand[1], -cands.index(cand)))
        why = (f"cột {column_letter(win[0])} ghi {counts[win]} giá trị đọc được, "
               + ", ".join(f"cột {column_letter(c)}: {counts[(c, p)]}" for c, p in cands if (c, p) != win))
        for c, pick in cands:
            if (c, pick) == win:
                continue
            h = reads[c]
            h.keys = tuple(k for k in h.keys if k != key)
            h.note = f"«{col.label}» đọc ở cột {column_letter(win[0])} ({why})"
            if not pick and not win[1]:  # two whole columns for one: worth a look
                self.problem(header0, c, h.text, f"cột «{col.label}» có ở cột {column_letter(win[0])} và "
                             f"{column_letter(c)}; kiemsat đọc cột {column_letter(win[0])} ({why}).", level=WARNING)
        return win

    def _unsure(self, mapping: list[HeaderRead]) -> None:
        """A header matched only in part to a column kiemsat computes with (a date, a category, a staff
        name, the case): a cảnh báo naming the pin that confirms it or sets it right, and exit 1 until then."""
        for h in mapping:
            if h.score >= 1.0 or h.source == "ghim" or not h.keys:
                continue
            driving = [k for k in h.keys if _drives(self.spec, self.spec.column(k))]
            if not driving:
                continue
            labels = ", ".join(f"«{self.spec.column(k).label}»" for k in h.keys)
            first = self.spec.column(h.keys[0]).label
            self.problems.append(Problem(
                self.name, self.header_row0 + 1, column_letter(h.column), h.text,
                f"tiêu đề «{h.text}» chỉ khớp {h.score:.0%} với {labels}, cột kiemsat dùng để tính thời hạn "
                f"hoặc ra quyết định; kiemsat tạm đọc như vậy. Nếu đúng, hãy ghim ở sheet «{SETTINGS_SHEET}», mục "
                f"«{PIN_SECTION}»: «{self.name}» | «{h.text}» | «{first}»; nếu không phải, ghim «{PIN_OWN_COLUMN}»"
                " (hoặc đúng tên cột của kiemsat). Lệnh kết thúc với mã 1 cho đến khi ghim.",
                WARNING, confirm=True))

    def _records(self, header0: int, columns: dict[str, int], extra: dict[int, str],
                 picked: dict[str, tuple[int, str]]) -> list[Record]:
        spec, rows, errors = self.spec, self.rows, self.bad_cells
        keys = list(columns)
        idxs = [columns[k] for k in keys]
        width = max([*idxs, *extra]) + 1 if idxs else 0
        getter = itemgetter(*idxs) if len(idxs) > 1 else (lambda row, i=idxs[0] if idxs else 0: (row[i],))
        blank = ("",) * len(idxs)
        mapped_errors = {rc for rc in errors if rc[1] in set(idxs) and rc[0] > header0}

        start = header0 + 1
        for r in range(len(rows), max((r + 1 for r, _ in mapped_errors), default=0)):
            rows.append([])  # a row whose only cells were left out by the guard
        # an official ledger often numbers its columns (1), (2), ... in the row under the header
        while start < len(rows) and _is_numbering(rows[start]):
            start += 1

        data_rows: list[int] = []
        for r in range(start, len(rows)):
            row = rows[r]
            if len(row) < width:
                row = rows[r] = row + [""] * (width - len(row))
            cells = getter(row)
            if cells != blank:
                for v in cells:  # inline, not a generator: this runs once per row
                    if v is not None and v != "" and (type(v) is not str or not v.isspace()):
                        break
                else:
                    cells = blank
            if cells == blank and not any((r, c) in mapped_errors for c in idxs):
                continue
            data_rows.append(r)
        if self.only_with is not None:  # the defendant reading of a sheet kept one row per defendant
            data_rows = [r for r in data_rows if any(not _is_blank(rows[r][c]) for c in self.only_with)]

        n = len(data_rows)
        table = [rows[r] for r in data_rows]
        converted: list[list[Any]] = []
        bad: set[tuple[int, str]] = set()  # (position in data_rows, key) of cells with a problem
        # every row is at least `width` long (padded above); zip makes the columns lazily, one at a time
        by_column = list(islice(zip(*table), width)) if table else [()] * width
        for key, c in zip(keys, idxs):
            col = spec.column(key)
            cells = by_column[c]
            if key in picked:
                pick = picked[key][1]
                cells = [extract(v, pick) for v in cells]
            out, failures = self._convert_column(col, cells)
            if failures and col.kind is Kind.CHOICE and not col.strict:
                # a value outside a dropdown list that nothing is computed from: kept as typed
                out = list(out)
                for j, exc in failures:
                    out[j] = parse_text(table[j][c])
                    if not col.open_list:
                        self.problem(data_rows[j], c, table[j][c], f"«{col.label}»: {exc}; kiemsat giữ nguyên "
                                     "giá trị đã ghi.", level=WARNING)
                failures = []
            for j, exc in failures:
                bad.add((j, key))
                self.problem(data_rows[j], c, table[j][c], f"«{col.label}»: {exc}.")
            if mapped_errors:
                for j, r in enumerate(data_rows):
                    err = errors.get((r, c)) if (r, c) in mapped_errors else None
                    if err:
                        bad.add((j, key))
                        self.problem(r, c, err[0], f"ô «{spec.column(key).label}» {err[1]}.")
            converted.append(out)

        extra_items = list(extra.items())
        values_iter = zip(*converted) if converted else [()] * n
        # built by map() rather than a comprehension: 50,000 rows x 40 columns, the loop stays in C
        dicts = map(dict, map(zip, repeat(keys), values_iter))
        records = list(map(Record, repeat(spec.key), [r + 1 for r in data_rows], dicts, map(dict, repeat((), n)),
                           repeat(self.name)))
        if extra_items:
            for rec, row in zip(records, table):
                rec.extra = {label: row[c] for c, label in extra_items if not _is_blank(row[c])}
        for j, _key in bad:
            records[j].problems += 1

        values = dict(zip(keys, converted))
        if self.by_case:  # one row per defendant: one record per case
            records, values, bad = per_defendant.one_per_case(records, keys, columns, bad, self.report)
        self._check_rows(records, columns, values, bad)
        return records

    def _convert_column(self, col: Column, cells: Sequence[Any]) -> tuple[Sequence[Any], list[tuple[int, BadValue]]]:
        """Typed values for one column, and (position, reason) for each cell that does not fit.

        Ledgers repeat themselves (staff, offences, categories, dates), so each distinct value
        is parsed once. Booleans compare equal to 1 and 0, so a column holding any is parsed cell by cell.
        """
        parse = _PARSERS[(self.spec.key, col.key)]
        failures: list[tuple[int, BadValue]] = []
        kinds = set(map(type, cells))
        if kinds == {date} and MIN_DATE <= min(cells) and max(cells) <= MAX_DATE:
            return cells, failures  # a column of real dates, as in our template: nothing to convert
        distinct = set(cells)
        if kinds == {date, str} and col.kind is Kind.DATE:
            dates = distinct - {""}
            if all(type(v) is date for v in dates) and MIN_DATE <= min(dates) and max(dates) <= MAX_DATE:
                return [v or None for v in cells], failures  # real dates and empty cells (a date is truthy)
        if col.kind in _TEXT_KINDS and kinds == {str} and texts_as_typed(distinct):
            return [v or None for v in cells], failures  # text already as kiemsat stores it
        if bool in kinds:
            out = []
            for j, v in enumerate(cells):
                try:
                    out.append(None if v == "" else parse(v))
                except BadValue as exc:
                    out.append(None)
                    failures.append((j, exc))
            return out, failures
        results: dict[Any, Any] = {"": None}
        broken = False
        for v in distinct:
            if v in results:
                continue
            try:
                results[v] = parse(v)
            except BadValue as exc:
                results[v] = exc
                broken = True
        out = list(map(results.__getitem__, cells))
        if broken:
            for j, v in enumerate(out):
                if isinstance(v, BadValue):
                    failures.append((j, v))
                    out[j] = None
        return out, failures

    def _check_rows(self, records: list[Record], columns: dict[str, int], values: dict[str, Sequence[Any]],
                    bad: set[tuple[int, str]]) -> None:
        """Required, unique and date-order checks, column by column over the converted values."""
        spec = self.spec
        for col in spec.columns:
            if col.key not in columns:
                continue
            c = columns[col.key]
            column = values[col.key]
            if col.required:
                level = _required_level(col)
                for j in [j for j, v in enumerate(column) if v is None]:
                    if (j, col.key) not in bad:
                        records[j].problems += level == ERROR
                        self.problem(records[j].row - 1, c, "", f"«{col.label}» không được để trống.", level=level)
            if col.unique:
                seen: dict[Any, int] = {}
                for rec, v in zip(records, column):
                    if v is None:
                        continue
                    k = v.lower() if isinstance(v, str) else v
                    if k in seen:
                        rec.problems += 1
                        self.problem(rec.row - 1, c, v, f"«{col.label}» trùng với dòng {seen[k]}; "
                                     "mỗi dòng cần một giá trị riêng.")
                    else:
                        seen[k] = rec.row
            if col.not_before and col.not_before in columns:
                other = spec.column(col.not_before)
                for rec, v, start in zip(records, column, values[other.key]):
                    if v is not None and start is not None and v < start:
                        rec.problems += 1
                        self.problem(rec.row - 1, c, v, f"«{col.label}» ({display(v)}) sớm hơn "
                                     f"«{other.label}» ({display(start)}); hãy kiểm tra lại ngày.")


# ---------------------------------------------------------------- settings


def _read_settings(name: str, rows: list[list[Any]], problems: list[Problem]) -> dict[str, Any]:
    settings: dict[str, Any] = {s.key: s.default for s in SETTINGS}
    labels = {fold(label): s for s in SETTINGS for label in (s.label, *s.synonyms)}
    for r, row in enumerate(rows):
        first = next((c for c, v in enumerate(row) if not _is_blank(v)), None)
        if first is None or first + 1 >= len(row):
            continue
        setting = labels.get(fold(display(row[first])))
        if setting is None:
            continue
        c, raw = first + 1, row[first + 1]  # the value sits right of its label
        parser = PARSERS[setting.kind]
        try:
            value = parser(raw)
        except BadValue as exc:
            problems.append(Problem(name, r + 1, column_letter(c), display(raw),
                                    f"«{setting.label}»: {exc}; tạm dùng giá trị mặc định {setting.default}."))
            continue
        if value is not None:
            settings[setting.key] = value
    return settings


def settings_sheet_name(names: Sequence[str]) -> str | None:
    """The workbook's Cấu hình sheet (the first sheet named as one), if it has one."""
    return next((n for n in names if fold(n) in _SETTINGS_NAMES), None)


def settings_of(sheets: dict[str, Callable[[], list[list[Any]]]]) -> dict[str, Any]:
    """The Cấu hình settings of a workbook whose sheets are given by name, each as a function giving
    its rows (only the settings sheet's is called); the defaults when it has none. Its problems
    are the reader's to report: here a value that cannot be read is its default."""
    name = settings_sheet_name(list(sheets))
    return _read_settings(name, sheets[name](), []) if name else {s.key: s.default for s in SETTINGS}


# ---------------------------------------------------------------- the whole ledger


class SheetUnreadable(Exception):
    """One sheet cannot be read (too large, or calamine fails on it); the rest of the ledger is."""


def _assign_sheets(wb: WorkbookLike, problems: list[Problem], pins: Pins | None = None
                   ) -> tuple[list[tuple[SheetSpec, str]], list[str]]:
    """Which file sheets hold which ledger: by a unit's pin, by name, then by their headers. Several sheets
    may hold one ledger (one per prosecutor, per year): sheets with the same columns get the same kind."""
    assigned: list[tuple[SheetSpec, str]] = []
    settings_sheet = settings_sheet_name(wb.sheet_names)
    unknown: list[str] = []
    pinned = pins.sheets if pins else {}
    for name in wb.sheet_names:
        key = fold(name)
        spec = SHEETS_BY_KEY[pinned[name]] if name in pinned else _SHEET_NAMES.get(key)
        if name == settings_sheet:
            continue
        if spec is not None and (name in pinned or spec.key not in {s.key for s, _ in assigned}):
            assigned.append((spec, name))
        elif key not in _OWN_SHEETS:
            unknown.append(name)
    still_unknown: list[str] = []
    by_columns: dict[tuple[str, ...], SheetSpec | None] = {}
    for name in unknown:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS)
        except SheetUnreadable as exc:
            problems.append(Problem(name, None, "", "", f"không đọc được sheet này ({exc}); kiemsat bỏ qua nó.",
                                    WARNING))
            still_unknown.append(name)
            continue
        best, best_score, near = None, 2, (None, 0)  # at least three known headers to claim a sheet
        for spec in LEDGER_SHEETS:
            found = find_header(rows, [], spec, pins.headers.get(name) if pins else None)
            score = (len({k for e, _ in found.entries.values() for k, _ in e.fills})
                     + sum(1 for e, _ in found.entries.values() if e.source)) if found else 0
            if score > best_score:
                best, best_score = spec, score
            if score > near[1]:
                near = (spec, score)
        if best is not None:
            # the same header row as a sheet seen before: the same kind, whatever the scores say
            heads = _header_signature(rows, best, pins.headers.get(name) if pins else None)
            best = by_columns.setdefault(heads, best) or best
            assigned.append((best, name))
        else:
            still_unknown.append(name)
            if near[0] is not None and near[1] >= MIN_HEADER_MATCHES:
                problems.append(Problem(name, None, "", "", f"sheet giống sổ «{near[0].title}» nhưng chỉ nhận ra "
                                        f"{near[1]} cột trong {HEADER_SEARCH_ROWS} dòng đầu; kiemsat bỏ qua sheet "
                                        "này (đặt tên sheet như sổ của kiemsat hoặc sửa tiêu đề cột).", WARNING))
    order = {name: i for i, name in enumerate(wb.sheet_names)}
    assigned.sort(key=lambda a: order[a[1]])
    return assigned, still_unknown


def _header_signature(rows: list[list[Any]], spec: SheetSpec, pins: dict[str, str] | None) -> tuple[str, ...]:
    found = find_header(rows, [], spec, pins)
    return tuple(fold(t) for _, t in sorted(found.labels.items())) if found else ()


@dataclass
class SheetRows:
    """One sheet's cells as the reader needs them, from whichever source (file or live Excel)."""

    rows: list[list[Any]]  # every row from row 1, every column from A; '' for an empty cell
    merged: list = field(default_factory=list)  # ((row0, col0), (row1, col1)) ranges
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # error cells: (row0, col0) -> '#REF!'
    # cells left out before reading (guard.CellNote): a stray cell far away, a date no calendar has
    notes: list = field(default_factory=list)


class WorkbookLike(Protocol):
    """What sheet assignment needs to peek at: python-calamine's workbook, or an adapter."""

    sheet_names: list[str]

    def get_sheet_by_name(self, name: str) -> Any: ...


def read_workbook(source: Path, wb: WorkbookLike, load: Callable[[list[str]], dict[str, SheetRows]],
                  pins: Pins | None = None) -> Ledger:
    """Validate a workbook given by `wb` (for finding its sheets) and `load` (the full rows of the
    sheets asked for). `read_ledger` gives calamine; the Excel add-in gives the live workbook.
    `pins`: the unit's own mapping of sheets and headers from the sidecar file (`mapping.load_pins`);
    the pins in Cấu hình («Ghim cột») are read first, and win over them."""
    problems: list[Problem] = []
    settings_sheet = settings_sheet_name(wb.sheet_names)
    loaded = load([settings_sheet]) if settings_sheet else {}
    settings_rows = loaded.get(settings_sheet) if settings_sheet else None
    if isinstance(settings_rows, SheetRows):
        pins = merge_pins(pins, settings_pins(settings_sheet, settings_rows.rows, wb.sheet_names))
    if pins is not None:
        problems += pins.problems
    assigned, unknown = _assign_sheets(wb, problems, pins)
    if pins is not None:
        before = len(pins.problems)
        check_pins(pins, {name: spec for spec, name in assigned})
        problems += pins.problems[before:]
    loaded.update(load([name for _, name in assigned]))
    sheets: dict[str, SheetData] = {}
    more: list[SheetData] = []
    derived: list[SheetData] = []  # the defendants of criminal sheets kept one row per defendant
    order = {spec.key: i for i, spec in enumerate(LEDGER_SHEETS)}
    for spec, name in sorted(assigned, key=lambda a: order[a[0].key]):  # stable: file order within a kind
        got = loaded[name]
        if isinstance(got, SheetUnreadable):
            problems.append(Problem(name, None, "", "", f"không đọc được sheet này: {got}."))
            continue
        data = _SheetReader(spec, name, got.rows, got.merged, got.errors, problems, got.notes,
                            pins.headers.get(name) if pins else None).read()
        if data is not None:
            if spec.key in sheets:
                more.append(data)
            else:
                sheets[spec.key] = data
            if pins is not None:
                problems += unused_pins(pins, data, data.defendants)
            if data.defendants is not None:
                derived.append(data.defendants)
    for data in derived:  # after any sheet of defendants kept apart: that one stays the first of its kind
        if data.spec.key in sheets:
            more.append(data)
        else:
            sheets[data.spec.key] = data
    if derived:
        sheets = dict(sorted(sheets.items(), key=lambda kv: order[kv[0]]))
    if isinstance(settings_rows, SheetUnreadable):
        problems.append(Problem(settings_sheet, None, "", "", f"không đọc được sheet này: {settings_rows}; "
                                "tạm dùng cấu hình mặc định.", WARNING))
        settings_rows = None
    settings = (_read_settings(settings_sheet, settings_rows.rows[:pins_row(settings_rows.rows)], problems)
                if settings_rows else {s.key: s.default for s in SETTINGS})
    if not assigned:
        problems.append(Problem(source.name, None, "", "", "không tìm thấy sổ nào của kiemsat trong tệp (cần "
                                "các sheet như: " + ", ".join(s.title for s in LEDGER_SHEETS) + ")."))
    ledger = Ledger(source, sheets, settings, problems, unknown, more)
    _cross_check(ledger)
    return ledger


class _CalamineBook:
    """python-calamine's workbook as the reader uses it: each sheet parsed at most once, a sheet the
    guard refused never handed to calamine, and calamine's failures (panics included) kept to that sheet."""

    def __init__(self, wb: CalamineWorkbook, pre: Preflight):
        self.wb, self.pre = wb, pre
        self.sheet_names: list[str] = list(wb.sheet_names)
        self._sheets: dict[str, Any] = {}

    def get_sheet_by_name(self, name: str) -> Any:
        if name not in self._sheets:
            scan = self.pre.sheets.get(name)
            if scan is not None and scan.refused:
                raise SheetUnreadable(scan.refused)
            try:
                self._sheets[name] = _Sheet(self.wb.get_sheet_by_name(name))
            except BaseException as exc:
                if not (isinstance(exc, Exception) or is_panic(exc)):
                    raise
                raise SheetUnreadable(_calamine_reason(exc)) from None
        return self._sheets[name]

    def load(self, names: list[str]) -> dict[str, SheetRows | SheetUnreadable]:
        out: dict[str, SheetRows | SheetUnreadable] = {}
        for name in names:
            try:
                sheet = self.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
            except SheetUnreadable as exc:
                out[name] = exc
                continue
            scan = self.pre.sheets.get(name)
            out[name] = SheetRows(rows, sheet.merged, scan.errors if scan else {}, scan.notes if scan else [])
        return out


class _Sheet:
    def __init__(self, sheet: Any):
        self.sheet = sheet
        self._rows: list[list[Any]] | None = None
        try:
            self.merged = sheet.merged_cell_ranges or []
        except Exception:
            self.merged = []

    def to_python(self, skip_empty_area: bool = False, nrows: int | None = None) -> list[list[Any]]:
        if self._rows is None:
            try:
                self._rows = self.sheet.to_python(skip_empty_area=False)
            except BaseException as exc:
                if not (isinstance(exc, Exception) or is_panic(exc)):
                    raise
                raise SheetUnreadable(_calamine_reason(exc)) from None
        return self._rows if nrows is None else self._rows[:nrows]


_CALAMINE_KINDS = {  # python-calamine's error kinds, in words (never its English type name)
    "WorksheetNotFound": "tệp khai báo sheet này nhưng không có nội dung của nó (tệp bị hỏng)",
    "XmlError": "nội dung sheet không phải XML hợp lệ (tệp bị hỏng)",
    "ZipError": "phần nén của sheet bị hỏng",
}


def _calamine_reason(exc: BaseException) -> str:
    kind = _CALAMINE_KINDS.get(type(exc).__name__, "nội dung sheet bị hỏng")
    return f"{kind}; mở sổ bằng Excel rồi lưu lại có thể sửa được"


def read_ledger(path: str | Path) -> Ledger:
    """Read and validate a ledger workbook. Raises LedgerError only when the file cannot be read."""
    path = Path(path)
    wb, pre = open_workbook(path)
    book = _CalamineBook(wb, pre)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # reading builds millions of small objects and no cycles; the collector only costs time
    try:
        ledger = read_workbook(path, book, book.load, load_pins(path, book.sheet_names))
        if misnamed(path, pre.kind):
            ledger.problems.insert(0, Problem(path.name, None, "", "", f"tên tệp {f'có đuôi «{path.suffix}»' if path.suffix else 'không có đuôi'} nhưng tệp là "
                                              f"{KIND_WORDS[pre.kind]}; kiemsat đọc theo nội dung tệp. Nên đổi đuôi "
                                              f"thành «{KIND_SUFFIX[pre.kind]}» để Excel và các chương trình khác mở "
                                              "đúng.", WARNING))
        return ledger
    except LedgerError:
        raise
    except MemoryError:
        raise LedgerError(f"Không đọc được tệp «{path.name}»: máy không đủ bộ nhớ; hãy đóng bớt chương trình "
                          "hoặc tách sổ rồi thử lại.") from None
    except BaseException as exc:  # a corrupt part inside an otherwise valid zip; a panic in calamine
        if not (isinstance(exc, Exception) or is_panic(exc)):
            raise
        raise LedgerError(f"Không đọc được tệp «{path.name}»: tệp bị hỏng; hãy mở bằng Excel, lưu lại rồi thử lại.") \
            from None
    finally:
        wb.close()
        if gc_was_enabled:
            gc.enable()


def _cross_check(ledger: Ledger) -> None:
    """Checks across sheets: staff names against Cán bộ, links such as a defendant's case."""
    staff_sheet = ledger.sheets.get("can_bo")
    exact: dict[str, str] = {}
    folded: dict[str, set[str]] = {}
    if staff_sheet:
        for rec in staff_sheet.records:
            name = rec.values.get("name")
            if name:
                exact[name.lower()] = name
                folded.setdefault(fold(name), set()).add(name)

    def problem(data: SheetData, rec: Record, col: Column, value: Any, message: str) -> None:
        # a name missing from Cán bộ or a case missing from Án hình sự: worth a look, the value is kept
        ledger.problems.append(Problem(data.name, rec.row, column_letter(data.column_of(col.key) or 0),
                                       display(value), message, WARNING))

    for data in ledger.all_sheets():
        for col in data.spec.columns:
            if data.column_of(col.key) is None:
                continue
            if col.kind is Kind.STAFF and exact:
                key = col.key
                names: dict[str, str | None] = {}  # each distinct name resolved once
                for rec in data.records:
                    v = rec.values[key]
                    if v is None:
                        continue
                    if v in names:
                        name = names[v]
                    else:
                        name = exact.get(v.lower())
                        if name is None and len(folded.get(fold(v), ())) == 1:
                            name = next(iter(folded[fold(v)]))
                        names[v] = name
                    if name is None:
                        problem(data, rec, col, v, f"«{col.label}»: không có trong sheet «{staff_sheet.name}»; "
                                "cần đúng họ tên như trong danh sách cán bộ.")
                    elif name is not v:
                        rec.values[key] = name
            if col.references:
                target = ledger.sheets.get(col.references[0])
                if target is None or target.column_of(col.references[1]) is None:
                    continue
                ref_key = col.references[1]
                known = {str(v).lower() for v in (r.values.get(ref_key) for r in ledger.records(target.spec.key))
                         if v is not None}  # a case kept in any sheet of its kind
                for rec in data.records:
                    v = rec.values[col.key]
                    if v is not None and v not in known and v.lower() not in known:
                        problem(data, rec, col, v, f"«{col.label}»: không có vụ án này trong sheet "
                                f"«{target.name}».")
    ledger.problems.sort(key=lambda p: (_sheet_order(ledger, p.sheet), p.row or 0, column_index(p.column)
                                        if p.column.isalpha() and p.column.isupper() else -1))


def _sheet_order(ledger: Ledger, name: str) -> int:
    for i, data in enumerate(ledger.all_sheets()):
        if data.name == name:
            return i
    return len(ledger.sheets) + len(ledger.more)


def iter_records(ledger: Ledger) -> Iterator[Record]:
    for data in ledger.all_sheets():
        yield from data.records
