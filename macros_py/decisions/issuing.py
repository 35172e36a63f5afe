"""Issuing decisions: ledger rows -> numbered .docx files, recorded in the register and on the rows.

    batch = issue_decisions("so.xlsx", "hinh-su", rows=[5, 7, 8], out_dir=Path("quyet-dinh"))

Everything that can be checked is checked before anything is written: the template's fields
(against what the schema provides), the rows (exist, are of the right kind, have every field
the template needs, are not past the stage, have no number of this type yet unless reissued),
the signer (never the person assigned; the Viện trưởng for a deputy), the register. A row that
fails is left out and listed with its reason (or, all or nothing, stops the batch). Then, holding the register lock, the numbers are
taken, the files written (each in a folder per case, never over an existing file) and the
register and case rows updated in one safe edit; if that edit fails the files are removed, so
a number is never used without being recorded.

The middle is shared with the Excel ribbon (addin/excel/handlers/decide.py): `plan_decisions` numbers
and renders from a ledger already read (from the file here, from the open workbook there) and
returns what to write; `issue_planned` writes the documents and lets the caller record the
register rows and case cells (`register.write_back` into the file here, xlwings there).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, Template

from macros_py.decisions.decision_types import (
    ADDRESS_SUFFIX,
    DECISION_FIELDS,
    DECISION_TYPES,
    DEPUTY,
    HEAD,
    PERSON_SUFFIXES,
    TITLE_SUFFIX,
    DecisionType,
    template_path,
)
from macros_py.decisions.legal_bases import bases_context
from macros_py.decisions.manifest import load_types
from macros_py.decisions.merge import (
    FILTERS,
    CompiledTemplate,
    MergeError,
    VnDate,
    context_value,
    is_empty,
    row_context,
    settings_context,
)
from macros_py.decisions.register import (
    ISSUED,
    RESERVED,
    UNUSED,
    CaseUpdate,
    Entry,
    WriteBack,
    check_register,
    mark,
    next_number,
    parse_decision_no,
    plan_write_back,
    register_lock,
    reserved_rows,
    replacement_updates,
    symbol_for,
    write_back,
)
from macros_py.ledger.reader import Ledger, Record, SheetData, read_ledger
from macros_py.ledger.schema import (
    AGENCIES,
    REGISTER,
    SETTINGS_BY_KEY,
    SHEETS_BY_KEY,
    STAFF,
    SheetSpec,
)
from macros_py.ledger.values import display, fmt_date, fold
from macros_py.workbook.safefile import TEMP_PREFIX, ensure_not_open

NAME_LIMIT = 60  # characters of a case number kept in a file or folder name
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_ROWS = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")
DEFAULT_OUT_DIR = "quyet_dinh"  # beside the ledger, as `kiemsat demo` lays it out
INSPECTOR_TYPE = "kiem-tra-vien"  # issued on request (its own button), never by default
T = TypeVar("T")


class DecisionError(Exception):
    """Nothing was written; `messages` says why, one Vietnamese line each."""

    def __init__(self, messages: Sequence[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


class AllRefused(DecisionError):
    """Every chosen row was refused, each for its reason (a refusal, not a mistake in the command)."""


@dataclass
class Issued:
    row: int
    type: str
    number: int
    decision_no: str
    date: date
    case: str
    file: Path
    pdf: Path | None = None
    sheet: str | None = None  # the row's sheet, its name in the file
    several: bool = False  # the ledger keeps several sheets of the row's kind (say which one)

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "type": self.type, "number": self.number,
                "decision_no": self.decision_no, "date": fmt_date(self.date), "case": self.case, "file": str(self.file),
                "pdf": str(self.pdf) if self.pdf else None}


@dataclass
class Batch:
    issued: list[Issued]
    backup: Path | None  # None for a preview (the ledger is not touched)
    warnings: list[str] = field(default_factory=list)
    recovered: list[Voided] = field(default_factory=list)  # numbers an interrupted run left unused, now voided
    combined: Path | None = None
    combined_pdf: Path | None = None
    rejected: list[str] = field(default_factory=list)  # rows not issued, each with its reason
    preview: bool = False
    # --force on a row lacking a fact its type requires: an unnumbered DỰ THẢO with the gap marked
    drafts: list[Issued] = field(default_factory=list)


# ---------------------------------------------------------------- arguments


def parse_rows(text: str) -> list[int]:
    """«5,7-9» -> [5, 7, 8, 9] (Excel row numbers)."""
    rows: list[int] = []
    seen: set[int] = set()
    for part in text.split(","):
        m = _ROWS.match(part)
        if not m:
            raise ValueError(f"«{part.strip()}» không phải số dòng hay khoảng dòng (ví dụ: 5,7-9)")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first or last - first > 100_000:
            raise ValueError(f"khoảng dòng «{part.strip()}» không hợp lệ")
        for r in range(first, last + 1):
            if r not in seen:  # a set: 100,000 rows parse at once, not in quadratic time
                seen.add(r)
                rows.append(r)
    return rows


def safe_name(text: str, limit: int = NAME_LIMIT) -> str:
    """A file or folder name from untrusted text: no separators, no «..», no reserved names."""
    text = unicodedata.normalize("NFC", str(text))
    text = _UNSAFE.sub("-", text)
    text = " ".join(text.split())[:limit].strip(" .-")
    if not text or set(text) <= {"."}:
        text = "_"
    if text.split(".")[0].upper() in _RESERVED:
        text = f"_{text}"
    return text


# ---------------------------------------------------------------- choosing rows and signer


def _row_id(dtype: DecisionType, record: Record) -> str:
    return record_case(dtype.spec, record)


def _where(ledger: Ledger, dtype: DecisionType, record: Record) -> str:
    """«dòng 5 (VA-01)», with the sheet's name when the ledger keeps several sheets of the kind."""
    several = len(ledger.sheets_of(record.sheet)) > 1
    return f"dòng {record.row}{f' sheet «{record.sheet_name}»' if several else ''} ({_row_id(dtype, record)})"


def _sheet_list(sheets: Sequence[SheetData]) -> str:
    return ", ".join(f"«{d.name}»" for d in sheets)


def sheets_named(ledger: Ledger, spec_key: str, title: str, sheet: str | None) -> list[SheetData]:
    """The sheets of kind `spec_key` a command works on: all of them, or the one named `sheet` (its
    name in the file; case, spaces and diacritics aside when that names only one)."""
    sheets = ledger.sheets_of(spec_key)
    if not sheets:
        raise DecisionError([f"sổ «{ledger.path.name}» không có sheet «{title}»."])
    if sheet is None:
        return sheets
    exact = [d for d in sheets if d.name == sheet]
    near = exact or [d for d in sheets if fold(d.name) == fold(sheet)]
    if len(near) != 1:
        raise DecisionError([f"không có sheet «{sheet}» trong các sheet «{title}» của sổ; chọn một trong: "
                             f"{_sheet_list(sheets)}."])
    return near


def select_rows(ledger: Ledger, dtype: DecisionType, rows: Sequence[int | tuple[str, int]] | None,
                case: str | None, sheet: str | None = None) -> list[Record]:
    """The chosen rows of the type's sheets (every sheet of its kind: one per prosecutor, per year, ...;
    or only the one named `sheet`); rows that do not exist stop the batch (a mistyped row number is not
    a row to skip), and so does a row number that two sheets of the kind have, unless `sheet` says which.
    Whether each row may get the decision is `plan_decisions`'."""
    spec = dtype.spec
    sheets = sheets_named(ledger, spec.key, spec.title, sheet)
    problems: list[str] = []
    if rows:
        by_row: dict[int, list[Record]] = {}
        for data in sheets:
            for r in data.records:
                by_row.setdefault(r.row, []).append(r)
        chosen = []
        for n in rows:
            if isinstance(n, tuple):  # (sheet name, row), as `Record.where` names a row
                name, n = n
                found = [r for r in by_row.get(n, []) if r.sheet_name == name]
            else:
                found = by_row.get(n, [])
            if len(found) == 1:
                chosen.append(found[0])
            elif found:
                problems.append(f"dòng {n} có ở nhiều sheet «{spec.title}»: "
                                + ", ".join(f"«{r.sheet_name}» ({record_case(spec, r)})" for r in found)
                                + "; hãy ghi thêm tên sheet, ví dụ --sheet \"" + found[0].sheet_name + "\".")
            else:
                problems.append(f"dòng {n}: không có dữ liệu trong sheet {_sheet_list(sheets)}.")
    elif case:
        chosen = []
        for data in sheets:
            keys = [k for k in (spec.id_column, "case_id") if k in data.columns]
            chosen += [r for r in data.records if any(fold(display(r.values.get(k))) == fold(case) for k in keys)]
        if not chosen:
            problems.append(f"không có «{case}» trong sheet {_sheet_list(sheets)}.")
    else:
        problems.append("cần chọn dòng (--rows) hoặc vụ án (--case).")
        chosen = []
    if problems:
        raise DecisionError(problems)
    return chosen


@dataclass(frozen=True)
class Person:
    name: str
    title: str
    address: str  # «Ông» / «Bà», or empty


def _staff(ledger: Ledger) -> dict[str, Person]:
    return {r.values["name"]: Person(r.values["name"], r.values.get("title") or "", r.values.get("address") or "")
            for r in ledger.records(STAFF.key) if r.values.get("name")}


def _agencies(ledger: Ledger) -> dict[str, str]:
    return {str(r.values["short_name"]): str(r.values["full_name"]) for r in ledger.records(AGENCIES.key)
            if r.values.get("short_name") and r.values.get("full_name")}


def resolve_signer(staff: Mapping[str, Person], values: Mapping[str, Any], requested: str | None,
                   assignee: str | None = None) -> tuple[str, str]:
    """(name, title) of who signs: `requested`, else the row's leader, else the Viện trưởng; never
    the person assigned, and only the Viện trưởng when a deputy is assigned (BLTTHS Đ.41 k1 b).
    Raises DecisionError (one line) when nobody may sign."""
    signers = {fold(n): n for n, p in staff.items() if p.title in (HEAD, DEPUTY)}
    head = next((n for n, p in staff.items() if p.title == HEAD), None)
    assigned = staff.get(assignee) if assignee else None
    deputy_assigned = assigned is not None and assigned.title == DEPUTY
    if assigned is not None and assigned.title == HEAD:
        raise DecisionError([f"người được phân công «{assignee}» là Viện trưởng: không ai ký quyết định phân công "
                             "chính Viện trưởng; hãy phân công người khác."])
    if requested:
        name = signers.get(fold(requested))
        if name is None:
            raise DecisionError([f"người ký «{requested}» không phải Viện trưởng hay Phó Viện trưởng trong sheet "
                                 f"«{STAFF.title}»."])
        if name == assignee:
            raise DecisionError([f"«{name}» không tự ký quyết định phân công chính mình; người ký phải là "
                                 f"{'Viện trưởng' if deputy_assigned else 'người khác'}."])
        if deputy_assigned and staff[name].title != HEAD:
            raise DecisionError([f"«{assignee}» là Phó Viện trưởng được phân công: quyết định do Viện trưởng ký, "
                                 f"không do Phó Viện trưởng «{name}» ký."])
        return name, staff[name].title
    leader = values.get("leader")
    if leader and fold(leader) in signers and not deputy_assigned:
        name = signers[fold(leader)]
        if name != assignee:
            return name, staff[name].title
    if head is None:
        raise DecisionError([f"sheet «{STAFF.title}» không có Viện trưởng để ký"
                             + (f" quyết định phân công Phó Viện trưởng «{assignee}»" if deputy_assigned else "")
                             + "; hãy thêm Viện trưởng vào sheet, hoặc chọn người ký (--signer)."])
    return head, HEAD


def _signer_fields(name: str, title: str) -> dict[str, str]:
    deputy = title == DEPUTY
    return {"signer_name": name, "signer_title": title.upper(),
            "signer_on_behalf": f"KT. {HEAD.upper()}" if deputy else ""}


def _label(dtype: DecisionType, key: str) -> str:
    if key in ("assignment_no", "assignment_date"):
        return dtype.spec.column("decision_no" if key == "assignment_no" else "decision_date").label
    if key in DECISION_FIELDS and key not in ("assignment_no", "assignment_date"):
        return DECISION_FIELDS[key]
    for spec in (dtype.spec, *dtype.joined_specs()):
        if key in spec.keys:
            return spec.column(key).label if spec is dtype.spec else f"{spec.column(key).label} (sheet {spec.title})"
    if key in SETTINGS_BY_KEY:
        return f"{SETTINGS_BY_KEY[key].label} (sheet Cấu hình)"
    for suffix, what in ((TITLE_SUFFIX, "chức vụ"), (ADDRESS_SUFFIX, "danh xưng (Ông/Bà)")):
        base = key.removesuffix(suffix)
        if base != key and base in dtype.spec.keys:
            return f"{what} của «{dtype.spec.column(base).label}» (sheet {STAFF.title})"
    if key in ("assignment_no", "assignment_date"):
        return dtype.spec.column("decision_no" if key == "assignment_no" else "decision_date").label
    return DECISION_FIELDS.get(key, key)


def fact_label(dtype: DecisionType, key: str) -> str:
    """The label of a required fact: its column's (the row's sheet first), or its setting's."""
    for spec in (dtype.spec, *dtype.joined_specs()):
        if key in spec.keys:
            return spec.column(key).label
    return _label(dtype, key)


def unknown_fields(dtype: DecisionType, compiled: CompiledTemplate) -> list[str]:
    return sorted(compiled.fields - dtype.provided_fields())


# ---------------------------------------------------------------- files


def _exclusive(path: Path) -> tuple[Path, Any]:
    stem, suffix, n = path.stem, path.suffix, 1
    while True:
        try:
            return path, path.open("xb")
        except FileExistsError:
            n += 1
            path = path.with_name(f"{stem} ({n}){suffix}")


def _file_name(dtype: DecisionType, year: int, number: int, symbol: str, case: str) -> str:
    return f"{year}-{number:04d}_{safe_name(symbol, 30)}_{dtype.slug}_{safe_name(case)}.docx"


def _relative(path: Path, ledger: Path) -> str:
    try:
        return str(path.resolve().relative_to(ledger.resolve().parent))
    except ValueError:
        return str(path.resolve())


# ---------------------------------------------------------------- the batch


def load_template(dtype: DecisionType, templates_dir: Path | None = None) -> CompiledTemplate:
    if templates_dir is not None and not Path(templates_dir).is_dir():
        raise DecisionError([f"không có thư mục mẫu «{templates_dir}» (--templates); kiểm tra lại đường dẫn. "
                             "Không dùng mẫu gốc thay cho mẫu đơn vị đã sửa."])
    path = template_path(dtype, templates_dir)
    try:
        compiled = CompiledTemplate(path)
    except FileNotFoundError:
        raise DecisionError([f"không tìm thấy mẫu «{path}»."]) from None
    except MergeError as exc:
        raise DecisionError([str(exc)]) from None
    unknown = unknown_fields(dtype, compiled)
    if unknown:
        raise DecisionError([f"mẫu «{path.name}» dùng trường sổ không có: {', '.join(unknown)} "
                             "(xem «kiemsat templates check»)."])
    return compiled


def default_out_dir(ledger_path: Path) -> Path:
    """Where decisions of the ledger `ledger_path` go when no folder is given: beside it."""
    return Path(ledger_path).parent / DEFAULT_OUT_DIR


def case_folder(out_dir: Path, case: str) -> Path:
    """The folder of case `case` under `out_dir` (each case's decisions go in its own folder)."""
    root = Path(out_dir).resolve()
    folder = root / safe_name(case)
    if not folder.resolve().is_relative_to(root):  # cannot happen after safe_name; kept as the last guard
        raise DecisionError([f"tên thư mục «{case}» ra ngoài thư mục kết quả."])
    return folder


def record_case(spec: SheetSpec, record: Record) -> str:
    """The case a row is filed under (its folder name before `safe_name`): the case it refers to
    (a defendant's case), else the sheet's id column."""
    ref = next((c.key for c in spec.columns if c.references and record.values.get(c.key) not in (None, "")), None)
    value = record.values.get(ref or spec.id_column)
    return display(value) if value is not None else f"dòng {record.row}"


def type_for_row(sheet_key: str, record: Record, exclude: Sequence[str] = (INSPECTOR_TYPE,)) -> DecisionType:
    """The decision a row of sheet `sheet_key` gets by default: the sheet's decision type whose
    `only_when` accepts the row (Dân sự / Hành chính by «Loại vụ việc»); `exclude` leaves out the
    types issued on request only (the inspector's). Raises DecisionError when none fits."""
    candidates = [t for t in DECISION_TYPES if t.sheet == sheet_key and t.key not in exclude and not t.on_request]
    if not candidates:
        raise DecisionError([f"sheet «{SHEETS_BY_KEY[sheet_key].title}» không có quyết định phân công nào."])
    for dtype in candidates:
        if dtype.only_when is None or record.values.get(dtype.only_when[0]) in dtype.only_when[1]:
            return dtype
    key = next(t.only_when[0] for t in candidates if t.only_when)
    spec = SHEETS_BY_KEY[sheet_key]
    allowed = [v for t in candidates if t.only_when for v in t.only_when[1]]
    raise DecisionError([(f"dòng {record.row} ({record_case(spec, record)}): «{spec.column(key).label}» là "
                          f"«{display(record.values.get(key))}»; cần một trong: {', '.join(allowed)}.")])


def due_rows(ledger: Ledger, dtype: DecisionType, limit: int | None = None, complete: bool = True) -> list[int]:
    """The Excel rows of `due_records` (a ledger with one sheet of the kind; else row numbers repeat)."""
    return [r.row for r in due_records(ledger, dtype, limit, complete)]


def due_records(ledger: Ledger, dtype: DecisionType, limit: int | None = None, complete: bool = True) -> list[Record]:
    """Rows of the type's sheets (every sheet of its kind) that are plainly due for it: of the right
    kind, not past the stage, without a number of this type yet, and (`complete`) with every fact the
    type requires (the first `limit` of them)."""
    found: list[Record] = []
    for record in ledger.records(dtype.sheet):
        v = record.values
        if dtype.only_when and v.get(dtype.only_when[0]) not in dtype.only_when[1]:
            continue
        if (dtype.past_stage and dtype.past_stage(v)) or v.get(dtype.writeback[0]) not in (None, ""):
            continue
        if complete and missing_facts(dtype, v, ledger.settings):
            continue
        found.append(record)
        if limit is not None and len(found) >= limit:
            break
    return found


@dataclass
class DecisionPlan:
    """What one batch writes, numbered and rendered from an already-read ledger: one document per
    accepted row, the register rows and the case-row cells. `issue_planned` writes the documents
    and has a shell record the rest (into the file, or into the workbook open in Excel)."""

    ledger_path: Path  # the ledger's file: register file names are relative to its folder
    out_dir: Path
    issued: list[Issued]  # `file` is where each document goes (a taken name gets « (2)» when written)
    documents: list[bytes]
    contexts: list[dict[str, Any]]
    templates: list[CompiledTemplate]
    entries: list[Entry]  # the register rows, one per document
    updates: list[CaseUpdate]  # the decision number and date on each case row (and replaced numbers)
    rejected: list[str] = field(default_factory=list)  # rows not issued, each with its reason
    preview: bool = False
    drafts: list[Issued] = field(default_factory=list)  # gaps marked, never numbered (--force)
    draft_documents: list[bytes] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """How a batch treats rows that are not plainly due for the decision."""

    reissue: bool = False  # a row that has a number of this type gets a new one replacing it
    force: bool = False  # issue for rows past the stage (a resolved tin báo, a tried case)
    all_or_nothing: bool = False  # one refused row stops the batch (the ribbon's way)
    preview: bool = False  # render unnumbered drafts marked DỰ THẢO; write nothing else
    until: date | None = None  # the end of an extension


DRAFT = "DỰ THẢO"
_BLANK_NUMBER = "\u00a0" * 8  # «Số:         /QĐ-VKSKV1» on a draft


def _joined(ledger: Ledger, dtype: DecisionType, record: Record) -> tuple[dict[str, Any], str | None]:
    """The row's values with those of its case row (a defendant's case) under them."""
    values: dict[str, Any] = {}
    for sheet, column in dtype.joins:
        key = record.values.get(column)
        match = next((r for r in ledger.records(sheet) if key is not None and r.values.get(column) == key), None)
        if match is None:
            spec = SHEETS_BY_KEY[sheet]
            return {}, f"không tìm thấy «{display(key)}» trong sheet «{spec.title}» (cột «{spec.column(column).label}»)."
        values.update(match.values)
    values.update({k: v for k, v in record.values.items() if v is not None or k not in values})
    return values, None


def earlier_assignment(dtype: DecisionType, values: Mapping[str, Any],
                       register_rows: Sequence[Record]) -> tuple[str, str, str] | None:
    """For a type that assigns one person a role on the row (`unique_role`: the inspector's), the
    earlier decision of *another* type that already assigned the row's person that role: (number,
    date, that decision's «Loại quyết định»), else None. The hình sự decision names the row's Kiểm
    tra viên in its Điều 2 and writes its own number into her column; the register says which type a
    number belongs to (a number typed by hand is another type's when another decision column of the
    row holds it). An earlier decision of this same type is no such case: --reissue replaces it."""
    if not dtype.unique_role or not dtype.assignee or is_empty(values.get(dtype.assignee)):
        return None
    no_key, date_key = dtype.writeback
    number = values.get(no_key)
    if is_empty(number):
        return None
    parsed = parse_decision_no(display(number))
    when = values.get(date_key)
    title = ""
    if parsed is not None:
        found = [r for r in register_rows if r.values.get("number") == parsed[0]
                 and fold(str(r.values.get("symbol") or "")) == fold(parsed[1])
                 and (not isinstance(when, date) or r.values.get("year") in (None, when.year))]
        if found:
            title = str(found[-1].values.get("decision_type") or "")
            if fold(title) == fold(dtype.title):
                return None
    if not title:
        others = [t for t in DECISION_TYPES if t.sheet == dtype.sheet and t.writeback[0] != no_key
                  and values.get(t.writeback[0]) == number]
        if not others:
            return None
        title = others[0].title
    return display(number), fmt_date(when) if isinstance(when, date) else "", title


def _role_refusal(dtype: DecisionType, values: Mapping[str, Any], earlier: tuple[str, str, str]) -> str:
    number, when, title = earlier
    role = dtype.spec.column(dtype.assignee).label
    dated = f" ngày {when}" if when else ""
    return (f"«{values[dtype.assignee]}» đã được phân công làm {role} của vụ án này tại Quyết định số {number}{dated} "
            f"({title}); không phân công một người hai lần cùng một vai trò trong một vụ án (đã đổi {role} khác thì "
            f"ghi tên người mới vào cột «{role}»; dùng --force nếu vẫn cần ra).")


def _check_row(dtype: DecisionType, values: Mapping[str, Any], staff: Mapping[str, Person], options: Options,
               day: date, register_rows: Sequence[Record] = ()) -> str | None:
    """Why this row may not get the decision now (None when it may)."""
    if dtype.only_when:
        key, allowed = dtype.only_when
        if values.get(key) not in allowed:
            return (f"«{dtype.spec.column(key).label}» là «{display(values.get(key))}»; loại quyết định này dùng "
                    f"cho: {', '.join(allowed)}.")
    if dtype.past_stage and not options.force:
        reason = dtype.past_stage(values)
        if reason:
            return f"{reason}; không ra quyết định này nữa (dùng --force nếu vẫn cần ra)."
    no_key = dtype.writeback[0]
    earlier = earlier_assignment(dtype, values, register_rows)
    if earlier is not None:
        if not options.force:  # --reissue would mark the other type's decision replaced: only --force
            return _role_refusal(dtype, values, earlier)
    elif values.get(no_key) not in (None, "") and not options.reissue:
        if not dtype.repeatable:
            return (f"đã có quyết định số {display(values[no_key])} (cột «{dtype.spec.column(no_key).label}»); "
                    "muốn ra quyết định mới thay thế thì dùng --reissue.")
    if dtype.repeat_guard and not options.reissue:
        reason = dtype.repeat_guard(values)
        if reason:
            return reason + "."
    if dtype.extension and options.until is not None and options.until <= day:
        return f"ngày gia hạn đến ({fmt_date(options.until)}) phải sau ngày quyết định."
    if dtype.assignee:
        name = values.get(dtype.assignee)
        person = staff.get(name) if name else None
        if person is not None and person.title not in dtype.duties and person.title != HEAD:
            wanted = ", ".join(dtype.duties)
            return (f"«{name}» có chức vụ «{person.title or 'chưa ghi'}» trong sheet «{STAFF.title}»; quyết định này "
                    f"phân công: {wanted}.")
    for key in dtype.people:
        name = values.get(key)
        if name and name not in staff:
            return f"«{name}» (cột «{dtype.spec.column(key).label}») không có trong sheet «{STAFF.title}»."
        if name and not staff[name].address:
            return (f"chưa ghi «Danh xưng» (Ông/Bà) của «{name}» trong sheet «{STAFF.title}»; quyết định không viết "
                    "«ông (bà)».")
    return None


def extension_count(dtype: DecisionType, values: Mapping[str, Any], replaces: bool = False) -> int | None:
    """The row's «Số lần gia hạn» after this extension: one more, or the same when it replaces the
    last extension (--reissue); a row with an earlier extension but no count counts it as the first."""
    if not dtype.counter:
        return None
    count = values.get(dtype.counter)
    if not isinstance(count, int):
        earlier = any(values.get(c[0]) for c in dtype.copies if c[1] == "extended_until")
        count = 1 if earlier else 0
    return max(count, 1) if replaces else count + 1


def count_conflict(dtype: DecisionType, values: Mapping[str, Any], replaces: bool = False) -> str | None:
    """The row's «Số lần gia hạn» contradicting what the row records: 0 while an extension's end is
    recorded (the decision would call itself the first when it is not), or a count below one while this
    decision replaces an extension (--reissue)."""
    column = _extended_column(dtype)
    if not dtype.counter or column is None:
        return None
    count = values.get(dtype.counter)
    if not isinstance(count, int) or count > 0:
        return None
    recorded = values.get(column)
    if is_empty(recorded) and not replaces:
        return None
    label = dtype.spec.column(dtype.counter).label
    what = (f"đã ghi «{dtype.spec.column(column).label}» {display(recorded)}" if not is_empty(recorded)
            else "quyết định này thay thế một lần gia hạn")
    return (f"«{label}» là {count} nhưng {what}; hãy ghi đúng số lần đã gia hạn vào cột «{label}» (lần gia hạn "
            "ghi trong quyết định tính từ cột này)")


def _extended_column(dtype: DecisionType) -> str | None:
    return next((c[0] for c in dtype.copies if c[1] == "extended_until"), None)


def _row_only(ledger: Ledger, dtype: DecisionType, record: Record) -> Ledger:
    """The ledger for the deadline engine on this row alone (and its case row): a batch does not
    recompute the whole ledger per row, and no other sheet of the kind (`more`) may bring in a row of
    the same number."""
    data = ledger.data_of(record)
    only = {dtype.sheet: replace(data, records=[record])}
    for sheet, key in dtype.joins:
        if sheet in ledger.sheets:
            only[sheet] = replace(ledger.sheets[sheet], records=[r for r in ledger.records(sheet)
                                                                 if r.values.get(key) == record.values.get(key)])
    return replace(ledger, sheets=only, more=[], problems=[])


ORDINALS = {1: "nhất", 2: "hai", 3: "ba", 4: "tư", 5: "năm"}


def extension_facts(ledger: Ledger, dtype: DecisionType, record: Record, values: Mapping[str, Any], until: date,
                    day: date, replaces: bool = False) -> dict[str, Any]:
    """What an extension decision states besides its end: which extension it is («nhất», «hai»), the
    day it starts (the day after the period it extends ends, as the deadline engine computes that
    period from the row) and its length («02 tháng», «15 ngày»). Empty when the engine has no period
    for the row (the decision is then refused for the missing facts)."""
    from macros_py.law.counting import add_months
    from macros_py.law.deadlines import compute_deadlines
    from macros_py.law.rules import default_rules

    column = _extended_column(dtype)
    data = ledger.sheets.get(dtype.sheet)
    if column is None or data is None:
        return {}
    rules = default_rules()
    saved = dict(record.values)
    if replaces:  # the period before the extension this decision replaces
        record.values[column] = None
        if dtype.counter and isinstance(saved.get(dtype.counter), int):
            record.values[dtype.counter] = max(saved[dtype.counter] - 1, 0)
    try:
        report = compute_deadlines(_row_only(ledger, dtype, record), day,
                                   rules=rules)
    finally:
        record.values.clear()
        record.values.update(saved)
    ends = [(d.due, d.kind) for d in report.deadlines if d.sheet == dtype.sheet and d.row == record.row
            and d.step_of is None and getattr(rules[d.kind], "extended_to", None) == column]
    if not ends:
        return {}
    previous, kind = max(ends)
    if until <= previous:
        return {}
    count = extension_count(dtype, values, replaces) if dtype.counter else (
        2 if values.get(column) not in (None, "") and not replaces else 1)
    rule = rules[kind]
    months = next((n for n in range(1, 13) if add_months(previous, n) == until), None)
    days = (until - previous).days
    if months is None and rule.method == "custody" and days % 30 == 0:
        months = days // 30  # tạm giam: 01 tháng = 30 ngày (TTLT 04/2018 Điều 17)
    length = f"{months:02d} tháng" if months else f"{days:02d} ngày"
    facts: dict[str, Any] = {"extension_round": f"thứ {ORDINALS.get(count or 1, str(count))}",
                             "extension_from": VnDate.of(previous + timedelta(days=1)), "extension_length": length,
                             "previous_end": VnDate.of(previous)}
    # the law's length for this round (Đ.147 k2: «gia hạn một lần nhưng không quá 02 tháng»; Đ.172 k2 b: «lần thứ
    # nhất không quá 03 tháng và lần thứ hai không quá 02 tháng»), from the rules table the engine uses
    by = getattr(rule, "by", None)
    variant = rule.variant(values.get(by) if by else None) or (
        rule.variant(rule.default_variant) if getattr(rule, "default_variant", None) else None)
    if variant is not None and count and 0 < count <= len(variant.extensions):
        step = variant.extensions[count - 1]
        if rule.method == "custody":
            latest = previous + timedelta(days=30 * step.months + step.days)
        else:
            latest = add_months(previous, step.months) + timedelta(days=step.days)
        if step and not step.hours and until > latest:
            facts["round_limit"] = (step, latest, rule.citation)
    return facts


def round_too_long(dtype: DecisionType, facts: Mapping[str, Any], until: date) -> str | None:
    """Why this extension is longer than the law allows for its round (from `extension_facts`), or None."""
    if "round_limit" not in facts:
        return None
    step, latest, citation = facts["round_limit"]
    length = facts["extension_length"]
    allowed = " ".join(f"{n:02d} {unit}" for n, unit in ((step.months, "tháng"), (step.days, "ngày")) if n)
    return (f"gia hạn lần {facts['extension_round']} dài {length} (kể từ ngày {fmt_date(facts['extension_from'])} "
            f"đến hết ngày {fmt_date(until)}), quá {allowed} mà {citation} cho lần gia hạn này: ngày gia hạn đến muộn "
            f"nhất là {fmt_date(latest)}, tính từ ngày hết thời hạn trước đó ({fmt_date(facts['previous_end'])}) do "
            "kiemsat tính từ dòng")


def beyond_the_law(ledger: Ledger, dtype: DecisionType, record: Record, until: date, day: date,
                   replaces: bool = False) -> str | None:
    """Why extending `record` to `until` goes past the statute's maximum, as the deadline engine
    (macros_py.law, the one place the limits are computed) says it, or None."""
    from macros_py.law.deadlines import compute_deadlines

    column = _extended_column(dtype)
    data = ledger.data_of(record)
    if column is None or column not in data.columns:
        return None
    only = _row_only(ledger, dtype, record)
    saved = dict(record.values)
    record.values[column] = until
    count = extension_count(dtype, saved, replaces=replaces) if dtype.counter in data.columns else None
    if count is not None:
        record.values[dtype.counter] = count  # the engine checks how many extensions the law allows
    try:
        report = compute_deadlines(only, day)
    finally:
        record.values.clear()
        record.values.update(saved)
    for problem in report.problems:
        if problem.sheet == data.name and problem.row == record.row and (
                problem.value == fmt_date(until) or (count is not None and problem.value == str(count))):
            return problem.message.split("; kiemsat")[0]
    return None


def missing_facts(dtype: DecisionType, values: Mapping[str, Any], settings: Mapping[str, Any]) -> list[Any]:
    """The facts `dtype` requires (its manifest's `required`) that the row, or Cấu hình, leaves empty
    (a fact with `when` only on rows whose column holds one of its values)."""
    return [f for f in dtype.required if is_empty(values.get(f.field, settings.get(f.field)))
            and (f.when is None or values.get(f.when[0]) in f.when[1])]


def plan_decisions(ledger: Ledger, rows: Sequence[tuple[DecisionType, Record]],
                   templates: Mapping[str, CompiledTemplate], *, out_dir: Path, day: date,
                   signer: str | None = None, ledger_path: Path | None = None,
                   options: Options = Options(all_or_nothing=True)) -> DecisionPlan:
    """Number and render one decision per (type, row), from the register in `ledger` (the next
    numbers of `day`'s year and the symbol in Cấu hình). Writes nothing. A row that may not get
    its decision (past the stage, numbered already, no valid signer, a field its template needs
    left empty) is listed in `rejected` with its reason; with `options.all_or_nothing` any such
    row raises DecisionError listing them all instead. RegisterError for a bad register."""
    check_register(ledger)
    ledger_path = Path(ledger_path or ledger.path)
    staff = _staff(ledger)
    titles = {n: p.title for n, p in staff.items()}
    addresses = {n: p.address for n, p in staff.items()}
    agencies = _agencies(ledger)
    symbol = symbol_for(ledger.settings.get("doc_symbol", ""))
    number = next_number(ledger.records(REGISTER.key), day.year, symbol)
    base = settings_context(ledger.settings)
    plan = DecisionPlan(ledger_path, Path(out_dir), [], [], [], [], [], [], preview=options.preview)
    accepted: list[tuple[DecisionType, Record, dict[str, Any], str, Mapping[str, Any]]] = []
    register_rows = ledger.records(REGISTER.key)
    for dtype, record in rows:
        where = _where(ledger, dtype, record)
        values, problem = _joined(ledger, dtype, record)
        if problem is None:
            values["extended_until"] = options.until
            problem = _check_row(dtype, values, staff, options, day, register_rows)
        gaps: list[Any] = []
        if problem is None:
            gaps = missing_facts(dtype, values, ledger.settings)
            if gaps and not options.force:
                problem = "; ".join(f"thiếu «{fact_label(dtype, g.field)}»: {g.reason}" for g in gaps) + \
                    " (--force: soạn bản DỰ THẢO có đánh dấu chỗ thiếu, không cấp số)."
        if problem is None and dtype.extension and options.until is not None and not options.force:
            replaces = options.reissue and values.get(dtype.writeback[0]) not in (None, "")
            beyond = count_conflict(dtype, values, replaces) or \
                beyond_the_law(ledger, dtype, record, options.until, day, replaces) or \
                round_too_long(dtype, extension_facts(ledger, dtype, record, values, options.until, day, replaces),
                               options.until)
            if beyond:
                problem = f"{beyond}; không ra quyết định gia hạn này (dùng --force nếu vẫn cần ra)."
        if problem is None:
            try:
                name, title = resolve_signer(staff, values, signer, values.get(dtype.assignee) if dtype.assignee
                                             else None)
            except DecisionError as exc:
                problem = exc.messages[0]
        if problem is not None:
            plan.rejected.append(f"{where}: {problem}")
            continue
        context = dict(base)
        for spec in (*dtype.joined_specs(), dtype.spec):
            context.update(row_context(spec, values, titles, addresses, agencies))
        assignee_title = staff[values[dtype.assignee]].title if dtype.assignee and values.get(dtype.assignee) in \
            staff else ""
        # the row's own assignment decision (cited by the KTV's and the change of KSV), before the
        # new decision's number and date take those names
        context.update(assignment_no=context.get("decision_no", ""), assignment_date=context.get("decision_date", ""))
        context.update(title=dtype.title, decision_date=VnDate.of(day), **_signer_fields(name, title),
                       duty_article=dtype.duties.get(assignee_title, ""),
                       extended_until=context_value(options.until), draft=DRAFT if options.preview else "")
        context.update(bases_context(day))
        if dtype.extension and options.until is not None:
            replaces = options.reissue and values.get(dtype.writeback[0]) not in (None, "")
            facts = extension_facts(ledger, dtype, record, values, options.until, day, replaces)
            facts.pop("round_limit", None)
            context.update(facts)
        context.update(number=0, symbol=symbol, decision_no=symbol)  # numbered below, once all rows are checked
        for gap in gaps:  # --force: the gap shows where the fact would stand, and the document is a draft
            context[gap.field] = f"[THIẾU: {fact_label(dtype, gap.field)}]"
            context["draft"] = DRAFT
        compiled = templates[dtype.key]
        missing = [k for k in sorted(compiled.required) if is_empty(context.get(k))]
        # a person's title and address, and the duties' article, go with the person: name them once
        missing = [k for k in missing if not any(k.endswith(sfx) and k.removesuffix(sfx) in missing
                                                 for sfx in PERSON_SUFFIXES)
                   and not (k == "duty_article" and dtype.assignee in missing)]
        if missing:
            plan.rejected.append(f"{where}: thiếu " + ", ".join(f"«{_label(dtype, k)}»" for k in missing)
                                 + f"; mẫu «{compiled.path.name}» cần các trường này.")
            continue
        accepted.append((dtype, record, context, name, values, bool(gaps)))
    if plan.rejected and options.all_or_nothing:
        raise DecisionError(plan.rejected)
    for dtype, record, context, who, values, gapped in accepted:
        compiled = templates[dtype.key]
        case_name = _row_id(dtype, record)
        if gapped:  # never numbered, never recorded: a draft for the clerk to complete the row
            context.update(number="", symbol=symbol, decision_no=f"{_BLANK_NUMBER}/{symbol}")
            path = case_folder(plan.out_dir, case_name) / f"DU-THAO_THIEU_{dtype.slug}_{safe_name(case_name)}.docx"
            plan.drafts.append(Issued(record.row, dtype.key, 0, "", day, case_name, path, sheet=record.sheet_name,
                                      several=len(ledger.sheets_of(record.sheet)) > 1))
            plan.draft_documents.append(compiled.render_bytes(context))
            continue
        if options.preview:
            context.update(number="", symbol=symbol, decision_no=f"{_BLANK_NUMBER}/{symbol}")
            path = case_folder(plan.out_dir, case_name) / f"DU-THAO_{dtype.slug}_{safe_name(case_name)}.docx"
        else:
            context.update(number=number, symbol=symbol, decision_no=f"{number}/{symbol}")
            path = case_folder(plan.out_dir, case_name) / _file_name(dtype, day.year, number, symbol, case_name)
            number += 1
        plan.issued.append(Issued(record.row, dtype.key, context["number"] or 0, context["decision_no"], day,
                                  case_name, path, sheet=record.sheet_name,
                                  several=len(ledger.sheets_of(record.sheet)) > 1))
        plan.documents.append(compiled.render_bytes(context))
        plan.contexts.append(context)
        plan.templates.append(compiled)
        no_key, date_key = dtype.writeback
        old = values.get(no_key)
        note = f"Thay thế Quyết định số {display(old)}" if options.reissue and old not in (None, "") and \
            earlier_assignment(dtype, values, register_rows) is None else None
        plan.entries.append(Entry(context["number"] or 0, day.year, symbol, day, dtype.title,
                                  _summary(dtype, context), case_name, who, _relative(path, ledger_path),
                                  status=ISSUED, note=note))
        cells: dict[str, Any] = {no_key: context["decision_no"], date_key: day}
        for column, source, *when in dtype.copies:
            if when and is_empty(values.get(when[0])):
                continue  # e.g. the inspector's columns, only when the decision names an inspector
            new = {"extended_until": options.until, "@decision_no": context["decision_no"], "@decision_date": day}
            cells[column] = new[source] if source in new else values.get(source)
        if dtype.counter:
            cells[dtype.counter] = extension_count(dtype, values, replaces=note is not None)
        plan.updates.append(CaseUpdate.of(record, cells))
        if note:
            plan.updates += replacement_updates(register_rows, display(old), values.get(date_key),
                                                context["decision_no"], day)
    return plan


def issue_planned(plan: DecisionPlan, record: Callable[[DecisionPlan], T]) -> T:
    """Write the plan's documents (each in its case folder, never over an existing file), then
    `record(plan)`: the shell writes the register rows and case cells. If anything fails the
    documents are removed, so a number is never used without being recorded. Call it holding
    the register lock, from the same read of the register as the plan."""
    written: list[Path] = []
    try:
        for item, entry, content in zip(plan.issued, plan.entries, plan.documents):
            item.file.parent.mkdir(parents=True, exist_ok=True)
            path, fh = _exclusive(item.file)
            written.append(path)
            with fh:
                fh.write(content)
            item.file = path
            entry.file = _relative(path, plan.ledger_path)
        return record(plan)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
            try:
                path.parent.rmdir()  # only when now empty
            except OSError:
                pass
        raise


def _ledger_folder(ledger_path: Path) -> Path:
    return ledger_path.resolve().parent


def _temp_for(path: Path) -> Path:
    return path.with_name(f"{TEMP_PREFIX}{path.name}")


@dataclass(frozen=True)
class Voided:
    """A number marked «Không sử dụng», and why (listed by `decide --json`)."""

    number: Any
    year: Any
    symbol: Any
    reason: str
    file: str | None  # the document removed, as the register named it

    def __str__(self) -> str:
        return f"số {self.number}/{self.symbol}: {UNUSED} ({self.reason})."

    def as_dict(self) -> dict[str, Any]:
        return {"decision_no": f"{self.number}/{self.symbol}", "number": self.number, "year": self.year,
                "status": UNUSED, "reason": self.reason, "file_removed": self.file}


def recover_interrupted(ledger: Ledger, ledger_path: Path, day: date) -> list[Voided]:
    """Mark the register rows an interrupted run left «Đang cấp số» as «Không sử dụng», with the
    reason, and remove their documents (published or not): they were never recorded as issued.
    Call it holding the lock. Returns each number voided (its str() is a Vietnamese line)."""
    rows = reserved_rows(ledger)
    if not rows:
        return []
    folder = _ledger_folder(ledger_path)
    reason = (f"số đã giữ nhưng lần tạo quyết định bị gián đoạn (phát hiện ngày {fmt_date(day)}); "
              "số này không cấp lại, quyết định đã xóa")
    values, lines = [], []
    for rec in rows:
        name = rec.values.get("file")
        if name:
            final = (folder / str(name)).resolve()
            if folder in final.parents:  # a path in the register is untrusted: only under the ledger's folder
                final.unlink(missing_ok=True)
                _temp_for(final).unlink(missing_ok=True)
        note = rec.values.get("note")
        values.append({"status": UNUSED, "note": f"{note}; {reason}" if note else reason})
        lines.append(Voided(rec.values.get("number"), rec.values.get("year"), rec.values.get("symbol"), reason,
                            str(name) if name else None))
    for name in dict.fromkeys(r.sheet_name for r in rows):  # a register kept one sheet per year: each its own
        data = ledger.sheet_named(name, REGISTER.key) or ledger.sheets[REGISTER.key]
        mine = [i for i, r in enumerate(rows) if r.sheet_name == name]
        mark(ledger_path, WriteBack([], data.name, data.header_row, 0, -1), [rows[i].row for i in mine],
             [values[i] for i in mine], [], ledger)
    return lines


def _publish(plan: DecisionPlan) -> None:
    """Each document to a temporary file beside its final name, then linked into place (never over
    an existing file: the next free name is taken, and the register is told)."""
    for item, entry, content in zip(plan.issued, plan.entries, plan.documents):
        item.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temp_for(item.file)
        with tmp.open("wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        path = item.file
        stem, suffix, n = path.stem, path.suffix, 1
        while True:
            try:
                os.link(tmp, path)
                break
            except FileExistsError:
                n += 1
                path = item.file.with_name(f"{stem} ({n}){suffix}")
            except OSError:  # a file system without hard links: exclusive create, then copy
                try:
                    with path.open("xb") as out:
                        out.write(content)
                    break
                except FileExistsError:
                    n += 1
                    path = item.file.with_name(f"{stem} ({n}){suffix}")
        tmp.unlink(missing_ok=True)
        item.file = path
        entry.file = _relative(path, plan.ledger_path)


def _publish_drafts(plan: DecisionPlan) -> None:
    """The --force drafts of rows lacking a required fact: each under a free name, nothing recorded."""
    for item, content in zip(plan.drafts, plan.draft_documents):
        item.file.parent.mkdir(parents=True, exist_ok=True)
        path, fh = _exclusive(item.file)
        with fh:
            fh.write(content)
        item.file = path


def _record(ledger: Ledger, ledger_path: Path, plan: DecisionPlan) -> tuple[Path | None, list[str]]:
    """Reserve the plan's numbers in the register, publish its documents, then mark them issued
    together with the case rows (and the register rows of numbers they replace)."""
    for entry in plan.entries:
        entry.status = RESERVED
    reservation = plan_write_back(ledger, plan.entries, [])
    backup, _ = write_back(ledger, plan.entries, [])  # 1. the numbers are in the register before any document
    register_rows = list(range(reservation.first_row, reservation.last_row + 1))
    try:
        _publish(plan)  # 2. the documents
    except BaseException as exc:
        for item in plan.issued:
            item.file.unlink(missing_ok=True)
            _temp_for(item.file).unlink(missing_ok=True)
        if isinstance(exc, Exception):
            reason = f"không ghi được quyết định ({type(exc).__name__}: {exc}); số này không cấp lại"
            mark(ledger_path, reservation, register_rows,
                 [{"status": UNUSED, "note": reason}] * len(register_rows), [], ledger, backup=False)
        raise
    # 3. issued: the register rows and the case rows in one write
    mark(ledger_path, reservation, register_rows, [{"status": ISSUED, "file": e.file} for e in plan.entries],
         plan.updates, ledger, backup=False)
    return backup, [*reservation.warnings, *plan_write_back(ledger, [], plan.updates).warnings]


def issue_decisions(ledger_path: str | Path, type_key: str, *, out_dir: str | Path,
                    rows: Sequence[int | tuple[str, int]] | None = None, case: str | None = None,
                    sheet: str | None = None, day: date | None = None,
                    signer: str | None = None, templates_dir: Path | None = None, pdf: bool = False,
                    combined: bool = False, options: Options = Options()) -> Batch:
    """Make, number and record one decision of type `type_key` per chosen row.

    Under the ledger's lock: numbers reserved in the register (written), documents published, then
    the register rows marked issued with the case rows (written). An interrupted run is repaired by
    the next (`recover_interrupted`). Rows that may not get the decision are skipped and listed in
    `Batch.rejected` (with `options.all_or_nothing`, or when no row is left, DecisionError and
    nothing written). With `options.preview` the documents are unnumbered drafts and nothing else
    is written. Raises from the layers below LedgerError (unreadable ledger), FileBusy (open in
    Excel), RegisterError; PdfError only after the decisions are done."""
    ledger_path = Path(ledger_path)
    out_dir = Path(out_dir)
    typeset = load_types(templates_dir)
    dtype = typeset.types.get(type_key)
    if dtype is None:
        raise DecisionError([f"không có loại quyết định «{type_key}»; chọn một trong: "
                             f"{', '.join(sorted(typeset.types))}.", *typeset.problems])
    if dtype.extension and options.until is None:
        raise DecisionError([f"quyết định «{dtype.title}» cần ngày hết thời hạn được gia hạn: --until dd/mm/yyyy."])
    compiled = load_template(dtype, templates_dir)
    day = day or date.today()

    with register_lock(ledger_path):
        if not options.preview:
            ensure_not_open(ledger_path)
        ledger = read_ledger(ledger_path)
        check_register(ledger)
        recovered = [] if options.preview else recover_interrupted(ledger, ledger_path, day)
        if recovered:
            ledger = read_ledger(ledger_path)
        records = select_rows(ledger, dtype, rows, case, sheet)
        plan = plan_decisions(ledger, [(dtype, r) for r in records], {dtype.key: compiled}, out_dir=out_dir,
                              day=day, signer=signer, ledger_path=ledger_path, options=options)
        _publish_drafts(plan)
        if not plan.issued and not plan.drafts:
            if plan.rejected:
                raise AllRefused(plan.rejected)
            raise DecisionError(["không có dòng nào để ra quyết định."])
        if not plan.issued:
            backup, warnings = None, []
        elif options.preview:
            backup, warnings = None, []
            _publish(plan)
        else:
            backup, warnings = _record(ledger, ledger_path, plan)

    issued = plan.issued
    batch = Batch(issued, backup, warnings, recovered, rejected=plan.rejected, preview=options.preview,
                  drafts=plan.drafts)
    if combined and issued:
        prefix = "du-thao" if options.preview else "in-gop"
        name = f"{prefix}_{dtype.slug}_{datetime.now():%Y%m%d-%H%M%S}.docx"
        out_dir.mkdir(parents=True, exist_ok=True)
        path, fh = _exclusive(out_dir.resolve() / name)
        with fh:
            compiled.write_combined(plan.contexts, fh)
        batch.combined = path
    if pdf and (issued or batch.drafts):
        from macros_py.documents.pdf import to_pdf

        files = [i.file for i in issued] + [d.file for d in batch.drafts] + ([batch.combined] if batch.combined else [])
        pdfs = to_pdf(files)
        for item, made in zip([*issued, *batch.drafts], pdfs):
            item.pdf = made
        if batch.combined:
            batch.combined_pdf = pdfs[-1]
    return batch


@lru_cache(maxsize=None)
def _summary_template(source: str) -> Template:
    env = Environment(autoescape=False)  # plain text for an Excel cell, not XML
    env.filters.update(FILTERS)
    return env.from_string(source)


def _summary(dtype: DecisionType, context: dict[str, Any]) -> str:
    return " ".join(_summary_template(dtype.summary).render(context).split())
