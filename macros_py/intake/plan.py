"""What a document changes in the ledger: new rows and updates of matched rows, each cell with its old value,
the words it was read from and how sure the reading is; then the write, through the one writer, under the lock.

A filled cell is changed only when the document says something else, and the plan shows old -> new. The plan
is made again inside the lock (`apply`): if the ledger changed since the clerk saw it, nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

from macros_py.intake.errors import IntakeError
from macros_py.intake.fields import LABELS, Reading
from macros_py.intake.match import check_addressee, find_case, find_person, next_id, number_key
from macros_py.ledger.reader import Ledger, Record
from macros_py.ledger.schema import (
    CIVIL_CASES,
    CRIMINAL_CASES,
    DEFENDANTS,
    ENFORCEMENT,
    SHEETS_BY_KEY,
    TIP_OFFS,
)
from macros_py.ledger.values import display, fmt_date, fold
from macros_py.workbook.package import Patch, WriteReport, update_ledger

PROPOSED = None  # a Change's confidence when kiemsat proposes the value (an id), not reads it


@dataclass
class Change:
    sheet: str  # schema sheet key
    row: int  # Excel row
    new_row: bool
    key: str  # column key
    old: Any
    new: Any
    source: str  # the words it was read from
    confidence: float | None
    sheet_name: str = ""  # the sheet's name in the file (a ledger may keep several sheets of a kind)

    @property
    def label(self) -> str:
        return SHEETS_BY_KEY[self.sheet].column(self.key).label


@dataclass
class Plan:
    reading: Reading
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Vietnamese, for the clerk
    sheet_names: dict[str, str] = field(default_factory=dict)  # schema key -> the sheet's name in the file

    @property
    def rows(self) -> list[tuple[str, int]]:
        return sorted({(c.sheet, c.row) for c in self.changes})

    def sheet_of(self, c: Change) -> str:
        """The name in the file of the sheet `c` writes into."""
        return c.sheet_name or self.sheet_names.get(c.sheet, c.sheet)

    def signature(self) -> list[tuple[str, int, str, str]]:  # (sheet name, row, column key, value)
        return [(c.sheet_name, c.row, c.key, display(c.new)) for c in self.changes]


def _cell(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def _same(old: Any, new: Any) -> bool:
    if old is None or old == "":
        return False
    if isinstance(new, (date, time, int)) or isinstance(old, (date, time, int)):
        return display(old) == display(_cell(new)) or old == new
    return fold(display(old)) == fold(display(new))


class _Builder:
    def __init__(self, ledger: Ledger, reading: Reading, overrides: dict[str, str]):
        self.ledger = ledger
        self.reading = reading
        self.overrides = overrides
        self.plan = Plan(reading)
        self.next_rows: dict[str, int] = {}

    def sheet(self, key: str) -> Any:
        data = self.ledger.sheets.get(key)
        if data is None:
            raise IntakeError(f"sổ «{self.ledger.path.name}» không có sheet «{SHEETS_BY_KEY[key].title}» để ghi "
                              f"{self.reading.kind.label.lower() if self.reading.kind else 'văn bản'}.")
        self.plan.sheet_names[key] = data.name
        return data

    def new_row(self, key: str) -> int:
        data = self.sheet(key)
        if key not in self.next_rows:
            self.next_rows[key] = max([r.row for r in data.records] + [data.header_row]) + 1
        else:
            self.next_rows[key] += 1
        return self.next_rows[key]

    def field(self, key: str) -> tuple[Any, str, float | None]:
        f = self.reading.fields.get(key)
        return (f.value, f.source, f.confidence) if f else (None, "", None)

    def put(self, sheet: str, row: int, record: Record | None, key: str, value: Any, source: str,
            confidence: float | None, *, overwrite: bool = True) -> None:
        """One cell: skipped when empty or already equal; a filled cell is changed only with `overwrite`."""
        if key in self.overrides and sheet == self.primary:
            value, source, confidence = self.overrides.pop(key), "sửa khi xác nhận (--set)", 1.0
            if record is not None and not _same(record.get(key), value):
                overwrite = True
        if value in (None, ""):
            return
        data = self.sheet(sheet)
        if record is not None:
            data = self.ledger.data_of(record)  # the sheet the row was found in, of every sheet of its kind
        if key not in data.columns:
            label = SHEETS_BY_KEY[sheet].column(key).label
            note = f"sheet «{data.name}» không có cột «{label}»: «{display(value)}» không được ghi."
            if note not in self.plan.notes:
                self.plan.notes.append(note)
            return
        old = record.get(key) if record is not None else None
        if _same(old, value):
            return
        if old not in (None, "") and not overwrite:
            self.plan.notes.append(f"«{SHEETS_BY_KEY[sheet].column(key).label}» dòng {row} đã có «{display(old)}», "
                                   f"văn bản ghi «{display(_cell(value))}»: giữ nguyên.")
            return
        self.plan.changes.append(Change(sheet, row, record is None, key, old, _cell(value), source, confidence,
                                        data.name))

    primary = ""

    def offences(self, sheet: str, row: int) -> None:
        """«Tội danh» and «Điều luật» of a new row: every offence the document names, «; » between them."""
        items = self.reading.offences
        if not items:
            return
        names = "; ".join(o["offence"].value for o in items)
        self.put(sheet, row, None, "offence", names, " / ".join(o["offence"].source for o in items),
                 min(o["offence"].confidence for o in items))
        arts = [o["article"] for o in items if "article" in o]
        if arts:
            self.put(sheet, row, None, "article", "; ".join(a.value for a in arts), " / ".join(a.source for a in arts),
                     min(a.confidence for a in arts))


def _duplicate(what: str) -> IntakeError:
    return IntakeError(f"{what} đã có trong sổ: văn bản này đã được nạp. Không ghi gì.")


def _need_case(b: _Builder, case_id: str | None) -> Record:
    record, how = find_case(b.ledger, b.reading, case_id)
    if record is None:
        raise IntakeError(f"{how}. Hãy nạp Quyết định khởi tố vụ án trước, hoặc chỉ rõ vụ án: --case MÃ_VỤ_ÁN. "
                          "Không ghi gì.")
    b.plan.notes.append(f"Vụ án «{display(record.get('case_id'))}» (dòng {record.row}), tìm theo {how}.")
    return record


def _case_opening(b: _Builder, case_id: str | None) -> None:
    r = b.reading
    data = b.sheet(CRIMINAL_CASES.key)
    no, day = r.value("doc_no"), r.value("doc_date")
    for rec in data.records:
        if no and number_key(rec.get("opening_no")) == number_key(no) and (day is None or rec.get("opening_date") == day):
            raise _duplicate(f"Vụ án khởi tố theo quyết định số {no} (dòng {rec.row}, mã «{display(rec.get('case_id'))}»)")
    if case_id and any(fold(display(rec.get("case_id"))) == fold(case_id) for rec in data.records):
        raise _duplicate(f"Vụ án mã «{case_id}»")
    row = b.new_row(CRIMINAL_CASES.key)
    year = day.year if isinstance(day, date) else date.today().year
    proposed = case_id or next_id([x.get("case_id") for x in data.records], year, "/{year}/HS")
    b.put(CRIMINAL_CASES.key, row, None, "case_id", proposed, "chỉ định khi chạy" if case_id else
          "kiemsat đề xuất theo cách đánh mã của sổ", 1.0 if case_id else PROPOSED)
    for key, src in (("opening_no", "doc_no"), ("opening_date", "doc_date"), ("investigating_body", "issuer")):
        b.put(CRIMINAL_CASES.key, row, None, key, *b.field(src))
    b.offences(CRIMINAL_CASES.key, row)
    b.put(CRIMINAL_CASES.key, row, None, "stage", "Điều tra", "vụ án mới khởi tố", PROPOSED)
    if "category" not in b.overrides:
        b.plan.notes.append("«Loại tội phạm» không đọc được từ văn bản (cần cho thời hạn điều tra): hãy điền vào sổ "
                            "hoặc thêm --set category=\"Nghiêm trọng\".")


def _persons(b: _Builder, case: Record, measure: str | None, spans: tuple[tuple[str, str], ...]) -> None:
    r = b.reading
    case_id = display(case.get("case_id"))
    if not r.persons:
        raise IntakeError("không đọc được họ tên bị can trong văn bản, nên không biết ghi vào dòng nào. Không ghi gì.")
    before = len(b.plan.changes)
    for person in r.persons:
        name = person["name"].value
        record = find_person(b.ledger, case_id, name)
        row = record.row if record is not None else b.new_row(DEFENDANTS.key)
        if record is None:
            b.put(DEFENDANTS.key, row, None, "case_id", case_id, b.plan.notes[-1] if b.plan.notes else "", 1.0)
            b.put(DEFENDANTS.key, row, None, "name", name, person["name"].source, person["name"].confidence)
        for key in ("birth_year", "birth_date"):
            if key in person:
                b.put(DEFENDANTS.key, row, record, key, person[key].value, person[key].source, person[key].confidence)
        if "residence" in person:
            f = person["residence"]
            if "residence" in b.sheet(DEFENDANTS.key).columns:  # the decisions print it from there
                b.put(DEFENDANTS.key, row, record, "residence", f.value, f.source, f.confidence, overwrite=False)
            elif record is None:  # a ledger made before the column: kept in «Ghi chú»
                b.put(DEFENDANTS.key, row, None, "note", f"Nơi cư trú: {f.value}", f.source, f.confidence)
        if measure:
            current = record.get("measure") if record is not None else None
            keep = current == "Tạm giam" and measure == "Tạm giữ"
            if not keep:
                b.put(DEFENDANTS.key, row, record, "measure", measure, r.kind.label if r.kind else "", 0.95)
        for column, key in spans:
            b.put(DEFENDANTS.key, row, record, column, *b.field(key))
    if len(b.plan.changes) == before:
        who = ", ".join(p["name"].value for p in r.persons)
        raise _duplicate(f"Mọi điều văn bản ghi về {who} (vụ án «{case_id}»)")


def _tip(b: _Builder) -> None:
    r = b.reading
    data = b.sheet(TIP_OFFS.key)
    received, reporter = r.value("received_date"), r.value("reporter")
    for rec in data.records:
        if received and rec.get("receipt_date") == received and reporter and fold(display(rec.get("reporter"))) == fold(reporter):
            raise _duplicate(f"Tin báo ngày {fmt_date(received)} của «{reporter}» (dòng {rec.row}, số "
                             f"«{display(rec.get('receipt_no'))}»)")
    row = b.new_row(TIP_OFFS.key)
    year = received.year if isinstance(received, date) else date.today().year
    b.put(TIP_OFFS.key, row, None, "receipt_no", next_id([x.get("receipt_no") for x in data.records], year, "/TB-{year}"),
          "kiemsat đề xuất theo cách đánh số của sổ", PROPOSED)
    for key, src in (("receipt_date", "received_date"), ("source", "source"), ("summary", "summary"),
                     ("reporter", "reporter"), ("investigating_body", "issuer")):
        b.put(TIP_OFFS.key, row, None, key, *b.field(src))
    b.offences(TIP_OFFS.key, row)


def _acceptance(b: _Builder, case_id: str | None) -> None:
    r = b.reading
    kind = r.value("case_type")
    if kind == "Hình sự" or (kind is None and r.persons):
        case = _need_case(b, case_id)
        if case.get("court_accepted") == r.value("acceptance_date") and case.get("court_accepted"):
            raise _duplicate(f"Ngày Tòa thụ lý {fmt_date(case.get('court_accepted'))} của vụ án «{display(case.get('case_id'))}»")
        b.put(CRIMINAL_CASES.key, case.row, case, "court_accepted", *b.field("acceptance_date"))
        b.put(CRIMINAL_CASES.key, case.row, case, "stage", "Xét xử sơ thẩm", r.kind.label if r.kind else "", 0.9)
        return
    data = b.sheet(CIVIL_CASES.key)
    no = r.value("acceptance_no")
    for rec in data.records:
        if no and number_key(rec.get("acceptance_no")) == number_key(no):
            raise _duplicate(f"Vụ việc thụ lý số {no} (dòng {rec.row})")
    row = b.new_row(CIVIL_CASES.key)
    b.put(CIVIL_CASES.key, row, None, "case_id", case_id or no, "chỉ định khi chạy" if case_id else
          "số thụ lý của Tòa án (kiemsat đề xuất làm mã)", 1.0 if case_id else PROPOSED)
    for key, src in (("case_type", "case_type"), ("court", "issuer"), ("acceptance_no", "acceptance_no"),
                     ("acceptance_date", "acceptance_date"), ("plaintiff", "plaintiff"), ("defendant", "defendant"),
                     ("dispute", "dispute")):
        b.put(CIVIL_CASES.key, row, None, key, *b.field(src))
    b.put(CIVIL_CASES.key, row, None, "stage", "Chuẩn bị xét xử", "vụ việc mới thụ lý", PROPOSED)


def _judgment(b: _Builder, case_id: str | None, enforcement: bool) -> None:
    r = b.reading
    if not r.persons:
        raise IntakeError("không đọc được họ tên bị cáo, người bị kết án trong văn bản. Không ghi gì.")
    j_no = r.value("judgment_no") if enforcement else r.value("doc_no")
    j_day = r.value("judgment_date") if enforcement else r.value("doc_date")
    j_src = "judgment_no" if enforcement else "doc_no"
    court = r.value("court") or r.value("issuer")
    case, how = find_case(b.ledger, r, case_id)
    if case is None and j_no:
        hit = [c for c in b.ledger.records(CRIMINAL_CASES.key) if number_key(c.get("judgment_no")) == number_key(j_no)]
        case = hit[0] if len(hit) == 1 else None
        how = f"số bản án {j_no}" if case else how
    if case is not None:
        b.plan.notes.append(f"Vụ án «{display(case.get('case_id'))}» (dòng {case.row}), tìm theo {how}.")
        if not enforcement:
            b.put(CRIMINAL_CASES.key, case.row, case, "judgment_no", *b.field("doc_no"))
            b.put(CRIMINAL_CASES.key, case.row, case, "judgment_date", *b.field("doc_date"))
            b.put(CRIMINAL_CASES.key, case.row, case, "decision_kind", "Bản án", r.kind.label, 0.95)
    else:
        b.plan.notes.append(f"Chưa gắn với vụ án nào ở sheet «{CRIMINAL_CASES.title}»: {how}.")
    data = b.sheet(ENFORCEMENT.key)
    before = len(b.plan.changes)
    for person in r.persons:
        name = person["name"].value
        record = next((x for x in b.ledger.records(ENFORCEMENT.key) if fold(display(x.get("person"))) == fold(name)
                       and (not j_no or number_key(x.get("judgment_no")) == number_key(j_no))), None)
        row = record.row if record is not None else b.new_row(ENFORCEMENT.key)
        if record is None:
            b.put(ENFORCEMENT.key, row, None, "judgment_no", *b.field(j_src))
            b.put(ENFORCEMENT.key, row, None, "person", name, person["name"].source, person["name"].confidence)
        b.put(ENFORCEMENT.key, row, record, "judgment_date", j_day, *b.field(j_src)[1:], overwrite=False)
        b.put(ENFORCEMENT.key, row, record, "court", court, *b.field("court" if r.value("court") else "issuer")[1:],
              overwrite=False)
        if "penalty" in person:
            f = person["penalty"]
            b.put(ENFORCEMENT.key, row, record, "penalty", f.value, f.source, f.confidence)
        if case is not None:
            b.put(ENFORCEMENT.key, row, record, "case_id", display(case.get("case_id")), "vụ án tìm được", 1.0,
                  overwrite=False)
        if enforcement:
            b.put(ENFORCEMENT.key, row, record, "enforcement_decision_no", *b.field("doc_no"))
            b.put(ENFORCEMENT.key, row, record, "enforcement_decision_date", *b.field("doc_date"))
    if len(b.plan.changes) == before and not any(c.sheet == CRIMINAL_CASES.key for c in b.plan.changes):
        raise _duplicate(f"{r.kind.label} số {r.value('doc_no') or '?'}")


def _leftover_overrides(b: _Builder) -> None:
    """--set for a column nothing was read into: written into the primary sheet's row this document fills."""
    spec = SHEETS_BY_KEY[b.primary]
    rows = [c for c in b.plan.changes if c.sheet == b.primary]
    if not rows:
        return
    row, new = rows[0].row, rows[0].new_row
    record = None if new else next((r for r in b.ledger.records(b.primary) if r.where == (rows[0].sheet_name, row)),
                                   None)
    for key in [k for k in b.overrides if k in spec.keys]:
        b.put(b.primary, row, record, key, None, "", 1.0)


def parse_overrides(sheet_key: str | None, pairs: list[str]) -> dict[str, Any]:
    """«category=Nghiêm trọng» -> {"category": "Nghiêm trọng"}, typed by the column's kind when the sheet is known
    (dates dd/mm/yyyy). Raises IntakeError."""
    from macros_py.ledger.schema import Kind
    from macros_py.ledger.values import PARSERS, BadValue, ChoiceMatcher

    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise IntakeError(f"--set «{pair}»: cần dạng CỘT=GIÁ_TRỊ, ví dụ --set category=\"Nghiêm trọng\".")
        out[key] = value.strip()
        if sheet_key and key in SHEETS_BY_KEY[sheet_key].keys:
            col = SHEETS_BY_KEY[sheet_key].column(key)
            try:
                if col.kind == Kind.CHOICE and col.choices is not None:
                    out[key] = ChoiceMatcher(col.choices)(value) if not col.open_list else value.strip()
                else:
                    out[key] = PARSERS.get(col.kind, PARSERS[Kind.TEXT])(value.strip())
            except BadValue as exc:
                raise IntakeError(f"--set {key}: «{value}» không hợp lệ cho cột «{col.label}»: {exc}.") from None
    return out


def primary_sheet(reading: Reading) -> str | None:
    """The sheet a document of this kind mainly writes into (where --set columns go)."""
    if reading.kind is None:
        return None
    key = reading.kind.key
    if key == "thu_ly":
        return CRIMINAL_CASES.key if reading.value("case_type") == "Hình sự" else CIVIL_CASES.key
    return {"khoi_to_vu_an": CRIMINAL_CASES.key, "tin_bao": TIP_OFFS.key, "ban_an": ENFORCEMENT.key,
            "thi_hanh_an": ENFORCEMENT.key}.get(key, DEFENDANTS.key)


def plan_intake(ledger: Ledger, reading: Reading, *, case_id: str | None = None,
                overrides: dict[str, str] | None = None) -> Plan:
    """The changes `reading` makes to `ledger`. Raises IntakeError (Vietnamese) for a document of no known kind,
    sent to another unit, already taken in, or whose case is not in the ledger."""
    if reading.kind is None:
        from macros_py.intake.kinds import KINDS

        raise IntakeError("không nhận ra loại văn bản (không thấy tên văn bản như «QUYẾT ĐỊNH KHỞI TỐ VỤ ÁN HÌNH SỰ»). "
                          "kiemsat đọc được: " + "; ".join(k.label for k in KINDS) + ". Không ghi gì.")
    check_addressee(reading, ledger.settings.get("unit_name"))
    b = _Builder(ledger, reading, dict(overrides or {}))
    key = reading.kind.key
    b.primary = primary_sheet(reading) or DEFENDANTS.key
    if key == "khoi_to_vu_an":
        _case_opening(b, case_id)
    elif key == "khoi_to_bi_can":
        _persons(b, _need_case(b, case_id), None, ())
    elif key == "tam_giu":
        _persons(b, _need_case(b, case_id), "Tạm giữ", (("custody_start", "custody_start"),
                                                           ("custody_time", "custody_time"),
                                                           ("custody_until", "custody_until")))
    elif key == "tam_giam":
        _persons(b, _need_case(b, case_id), "Tạm giam", (("detention_start", "detention_start"),
                                                            ("detention_until", "detention_until")))
        if "đề nghị" in reading.kind_source.replace("de nghi", "đề nghị"):
            b.plan.notes.append("Đây là văn bản đề nghị phê chuẩn: lệnh tạm giam chỉ thi hành sau khi Viện kiểm sát "
                                "phê chuẩn.")
    elif key == "tin_bao":
        _tip(b)
    elif key == "thu_ly":
        _acceptance(b, case_id)
    elif key in ("ban_an", "thi_hanh_an"):
        _judgment(b, case_id, enforcement=key == "thi_hanh_an")
    _leftover_overrides(b)
    if b.overrides:
        unknown = ", ".join(sorted(b.overrides))
        raise IntakeError(f"--set {unknown}: không phải cột của sheet «{SHEETS_BY_KEY[b.primary].title}» mà văn bản này "
                          f"ghi vào. Các cột: {', '.join(SHEETS_BY_KEY[b.primary].keys)}.")
    unread = [LABELS.get(k, k) for k in reading.missing]
    if unread:
        b.plan.notes.append("Không đọc được (để trống, không đoán): " + ", ".join(unread) + ".")
    return b.plan




def apply(path: str | Path, reading: Reading, confirmed: Plan, *, case_id: str | None = None,
          overrides: dict[str, str] | None = None) -> tuple[WriteReport, Plan]:
    """Write `confirmed` through the one writer: under the ledger's lock, the ledger read again, the plan made again;
    if it differs from what the clerk confirmed (someone wrote in between), nothing is written."""
    def make(ledger: Ledger) -> tuple[Patch, Plan]:
        plan = plan_intake(ledger, reading, case_id=case_id, overrides=overrides)
        if plan.signature() != confirmed.signature():
            raise IntakeError("sổ vừa được sửa ở nơi khác trong lúc chờ xác nhận; chạy lại lệnh để xem thay đổi mới. "
                              "Không ghi gì.")
        patch = Patch()
        for c in plan.changes:
            data = ledger.sheet_named(c.sheet_name, c.sheet) or ledger.sheets[c.sheet]
            patch.set(data.name, c.row, data.columns[c.key] + 1, c.new)
        return patch, plan
    return update_ledger(path, make)
