"""Issuing decisions: ledger rows -> numbered .docx files, recorded in the register and on the rows.

    batch = issue_decisions("so.xlsx", "hinh-su", rows=[5, 7, 8], out_dir=Path("quyet-dinh"))

Everything that can be checked is checked before anything is written: the template's fields
(against what the schema provides), the rows (exist, are of the right kind, have every field
the template needs), the signer, the register. Then, holding the register lock, the numbers are
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
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, Template

from macros_py.decisions.decision_types import (
    DECISION_FIELDS,
    DECISION_TYPES,
    DECISION_TYPES_BY_KEY,
    DecisionType,
    template_path,
)
from macros_py.decisions.merge import (
    FILTERS,
    CompiledTemplate,
    MergeError,
    VnDate,
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
    check_register,
    mark,
    next_number,
    plan_write_back,
    register_lock,
    reserved_rows,
    symbol_for,
    write_back,
)
from macros_py.ledger.reader import Ledger, Record, read_ledger
from macros_py.ledger.schema import (
    REGISTER,
    SETTINGS_BY_KEY,
    SHEETS_BY_KEY,
    STAFF,
    SheetSpec,
)
from macros_py.ledger.values import display, fmt_date, fold
from macros_py.workbook.safefile import TEMP_PREFIX, ensure_not_open

HEAD, DEPUTY = "Viện trưởng", "Phó Viện trưởng"
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

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "type": self.type, "number": self.number, "decision_no": self.decision_no,
                "date": fmt_date(self.date), "case": self.case, "file": str(self.file),
                "pdf": str(self.pdf) if self.pdf else None}


@dataclass
class Batch:
    issued: list[Issued]
    backup: Path | None
    warnings: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # Vietnamese: numbers an interrupted run left unused
    combined: Path | None = None
    combined_pdf: Path | None = None


# ---------------------------------------------------------------- arguments


def parse_rows(text: str) -> list[int]:
    """«5,7-9» -> [5, 7, 8, 9] (Excel row numbers)."""
    rows: list[int] = []
    for part in text.split(","):
        m = _ROWS.match(part)
        if not m:
            raise ValueError(f"«{part.strip()}» không phải số dòng hay khoảng dòng (ví dụ: 5,7-9)")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first or last - first > 100_000:
            raise ValueError(f"khoảng dòng «{part.strip()}» không hợp lệ")
        rows.extend(r for r in range(first, last + 1) if r not in rows)
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


def select_rows(ledger: Ledger, dtype: DecisionType, rows: Sequence[int] | None, case: str | None) -> list[Record]:
    spec = dtype.spec
    data = ledger.sheets.get(spec.key)
    if data is None:
        raise DecisionError([f"sổ «{ledger.path.name}» không có sheet «{spec.title}»."])
    problems: list[str] = []
    if rows:
        by_row = {r.row: r for r in data.records}
        chosen = []
        for n in rows:
            if n in by_row:
                chosen.append(by_row[n])
            else:
                problems.append(f"dòng {n}: không có dữ liệu trong sheet «{data.name}».")
    elif case:
        keys = [k for k in (spec.id_column, "case_id") if k in data.columns]
        chosen = [r for r in data.records if any(fold(display(r.values.get(k))) == fold(case) for k in keys)]
        if not chosen:
            problems.append(f"không có «{case}» trong sheet «{data.name}».")
    else:
        problems.append("cần chọn dòng (--rows) hoặc vụ án (--case).")
        chosen = []
    if dtype.only_when:
        key, allowed = dtype.only_when
        label = spec.column(key).label
        for r in chosen:
            if r.values.get(key) not in allowed:
                problems.append(f"dòng {r.row} ({_row_id(dtype, r)}): «{label}» là «{display(r.values.get(key))}», "
                                f"loại quyết định này dùng cho: {', '.join(allowed)}.")
    if problems:
        raise DecisionError(problems)
    return chosen


def _staff(ledger: Ledger) -> dict[str, str]:
    return {r.values["name"]: r.values.get("title") or "" for r in ledger.records(STAFF.key) if r.values.get("name")}


def resolve_signer(staff: dict[str, str], record: Record, requested: str | None) -> tuple[str, str]:
    """(name, title) of who signs: `requested`, else the row's leader, else the Viện trưởng."""
    signers = {fold(n): n for n, t in staff.items() if t in (HEAD, DEPUTY)}
    if requested:
        name = signers.get(fold(requested))
        if name is None:
            raise DecisionError([f"«{requested}» không phải Viện trưởng hay Phó Viện trưởng trong sheet "
                                 f"«{STAFF.title}»."])
        return name, staff[name]
    leader = record.values.get("leader")
    if leader and fold(leader) in signers:
        name = signers[fold(leader)]
        return name, staff[name]
    head = next((n for n, t in staff.items() if t == HEAD), None)
    if head is None:
        raise DecisionError([f"sheet «{STAFF.title}» không có Viện trưởng; hãy thêm, hoặc chọn người ký (--signer)."])
    return head, HEAD


def _signer_fields(name: str, title: str) -> dict[str, str]:
    deputy = title == DEPUTY
    return {"signer_name": name, "signer_title": title.upper(),
            "signer_on_behalf": f"KT. {HEAD.upper()}" if deputy else ""}


def _label(dtype: DecisionType, key: str) -> str:
    spec = dtype.spec
    if key in spec.keys:
        return spec.column(key).label
    if key in SETTINGS_BY_KEY:
        return f"{SETTINGS_BY_KEY[key].label} (sheet Cấu hình)"
    base = key.removesuffix("_title")
    if base in spec.keys:
        return f"chức vụ của «{spec.column(base).label}» (sheet {STAFF.title})"
    return DECISION_FIELDS.get(key, key)


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
    """The case a row is filed under (its folder name before `safe_name`): the sheet's id column."""
    value = record.values.get(spec.id_column)
    return display(value) if value is not None else f"dòng {record.row}"


def type_for_row(sheet_key: str, record: Record, exclude: Sequence[str] = (INSPECTOR_TYPE,)) -> DecisionType:
    """The decision a row of sheet `sheet_key` gets by default: the sheet's decision type whose
    `only_when` accepts the row (Dân sự / Hành chính by «Loại vụ việc»); `exclude` leaves out the
    types issued on request only (the inspector's). Raises DecisionError when none fits."""
    candidates = [t for t in DECISION_TYPES if t.sheet == sheet_key and t.key not in exclude]
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


@dataclass
class DecisionPlan:
    """What one batch writes, numbered and rendered from an already-read ledger: one document per
    row, the register rows and the case-row cells. `issue_planned` writes the documents and has a
    shell record the rest (into the file, or into the workbook open in Excel)."""

    ledger_path: Path  # the ledger's file: register file names are relative to its folder
    out_dir: Path
    issued: list[Issued]  # `file` is where each document goes (a taken name gets « (2)» when written)
    documents: list[bytes]
    contexts: list[dict[str, Any]]
    templates: list[CompiledTemplate]
    entries: list[Entry]  # the register rows, one per document
    updates: list[CaseUpdate]  # the decision number and date on each case row


def plan_decisions(ledger: Ledger, rows: Sequence[tuple[DecisionType, Record]],
                   templates: Mapping[str, CompiledTemplate], *, out_dir: Path, day: date,
                   signer: str | None = None, ledger_path: Path | None = None) -> DecisionPlan:
    """Number and render one decision per (type, row), from the register in `ledger` (the next
    numbers of `day`'s year and the symbol in Cấu hình). Writes nothing; raises DecisionError
    listing every row that lacks a field its template needs, RegisterError for a bad register."""
    check_register(ledger)
    ledger_path = Path(ledger_path or ledger.path)
    staff = _staff(ledger)
    symbol = symbol_for(ledger.settings.get("doc_symbol", ""))
    first = next_number(ledger.records(REGISTER.key), day.year, symbol)
    base = settings_context(ledger.settings)
    contexts: list[dict[str, Any]] = []
    problems: list[str] = []
    signers: list[str] = []
    for i, (dtype, record) in enumerate(rows):
        number = first + i
        name, title = resolve_signer(staff, record, signer)
        signers.append(name)
        context = {**base, **row_context(dtype.spec, record.values, staff)}
        context.update(number=number, symbol=symbol, decision_no=f"{number}/{symbol}",
                       decision_date=VnDate.of(day), title=dtype.title, **_signer_fields(name, title))
        compiled = templates[dtype.key]
        missing = [k for k in sorted(compiled.required) if is_empty(context.get(k))]
        if missing:
            problems.append(f"dòng {record.row} ({_row_id(dtype, record)}): thiếu "
                            + ", ".join(f"«{_label(dtype, k)}»" for k in missing) + f"; mẫu «{compiled.path.name}» "
                            "cần các trường này.")
        contexts.append(context)
    if problems:
        raise DecisionError(problems)

    plan = DecisionPlan(ledger_path, Path(out_dir), [], [], contexts, [], [], [])
    for (dtype, record), context, who in zip(rows, contexts, signers):
        compiled = templates[dtype.key]
        case_name = _row_id(dtype, record)
        path = case_folder(plan.out_dir, case_name) / _file_name(dtype, day.year, context["number"], symbol, case_name)
        plan.issued.append(Issued(record.row, dtype.key, context["number"], context["decision_no"], day,
                                  case_name, path))
        plan.documents.append(compiled.render_bytes(context))
        plan.templates.append(compiled)
        plan.entries.append(Entry(context["number"], day.year, symbol, day, dtype.title, _summary(dtype, context),
                                  case_name, who, _relative(path, ledger_path), ISSUED))
        no_key, date_key = dtype.writeback
        plan.updates.append(CaseUpdate(dtype.sheet, record.row, {no_key: context["decision_no"], date_key: day}))
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


def recover_interrupted(ledger: Ledger, ledger_path: Path, day: date) -> list[str]:
    """Mark the register rows an interrupted run left «Đang cấp số» as «Không sử dụng», with the
    reason, and remove their documents (published or not): they were never recorded as issued.
    Call it holding the lock. Returns one Vietnamese line per number."""
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
        lines.append(f"số {rec.values.get('number')}/{rec.values.get('symbol')}: {UNUSED} ({reason}).")
    dummy = plan_write_back(ledger, [], [])
    mark(ledger_path, dummy, [r.row for r in rows], values, [], ledger)
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


def issue_decisions(ledger_path: str | Path, type_key: str, *, out_dir: str | Path,
                    rows: Sequence[int] | None = None, case: str | None = None, day: date | None = None,
                    signer: str | None = None, templates_dir: Path | None = None, pdf: bool = False,
                    combined: bool = False) -> Batch:
    """Make, number and record one decision of type `type_key` per chosen row.

    Under the ledger's lock: numbers reserved in the register (written), documents published, then
    the register rows marked issued with the case rows (written). An interrupted run is repaired by
    the next (`recover_interrupted`). Raises DecisionError (nothing written), and from the layers
    below LedgerError (unreadable ledger), FileBusy (open in Excel), RegisterError; PdfError only
    after the decisions are done."""
    ledger_path = Path(ledger_path)
    out_dir = Path(out_dir)
    dtype = DECISION_TYPES_BY_KEY.get(type_key)
    if dtype is None:
        raise DecisionError([f"không có loại quyết định «{type_key}»; chọn một trong: "
                             f"{', '.join(DECISION_TYPES_BY_KEY)}."])
    compiled = load_template(dtype, templates_dir)
    day = day or date.today()

    with register_lock(ledger_path):
        ensure_not_open(ledger_path)
        ledger = read_ledger(ledger_path)
        check_register(ledger)
        recovered = recover_interrupted(ledger, ledger_path, day)
        if recovered:
            ledger = read_ledger(ledger_path)
        records = select_rows(ledger, dtype, rows, case)
        plan = plan_decisions(ledger, [(dtype, r) for r in records], {dtype.key: compiled}, out_dir=out_dir,
                              day=day, signer=signer, ledger_path=ledger_path)
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
        warnings = plan_write_back(ledger, [], plan.updates).warnings

    issued = plan.issued
    batch = Batch(issued, backup, warnings, recovered)
    if combined and issued:
        name = f"in-gop_{dtype.slug}_{datetime.now():%Y%m%d-%H%M%S}.docx"
        path, fh = _exclusive(out_dir.resolve() / name)
        with fh:
            compiled.write_combined(plan.contexts, fh)
        batch.combined = path
    if pdf and issued:
        from macros_py.documents.pdf import to_pdf

        files = [i.file for i in issued] + ([batch.combined] if batch.combined else [])
        pdfs = to_pdf(files)
        for item, made in zip(issued, pdfs):
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
