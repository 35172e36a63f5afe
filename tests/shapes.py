"""Ledgers shaped the way units keep them, built here from the same rows as kiemsat's template.

Each builder writes `rows` (criminal cases from `macros_py.sample`, dicts by schema key) in one clerk's
layout; `template` writes the same rows into kiemsat's own template. A shape is read right when
`deadlines_of` gives the same deadlines for both, with no error and nothing waiting for a pin.
None of these files comes from kiemsat's writer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from macros_py.sample import sample_rows

TODAY = date(2026, 6, 1)
CASE_KEYS = ("case_id", "opening_no", "opening_date", "offence", "category", "stage", "investigation_extended_to",
             "file_received", "indictment_date", "court_accepted", "hearing_date", "judgment_date", "judgment_received", "prosecutor")


def cases(n: int = 25, seed: int = 7) -> list[dict[str, Any]]:
    """n criminal cases with only the columns every shape below writes."""
    return [{k: row.get(k) for k in CASE_KEYS} for row in sample_rows(n, seed=seed, today=TODAY)["an_hinh_su"]]


def template(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    from workbook_templates.builder import build_workbook

    build_workbook({"an_hinh_su": list(rows)}).save(path)
    return path


def deadlines_of(path: Path, today: date = TODAY) -> tuple[set[tuple[str, str, date]], list, list]:
    """(case, kind, due) of every deadline, the ledger's errors, and its cảnh báo waiting for a pin."""
    from macros_py.law.deadlines import compute_deadlines
    from macros_py.ledger.reader import read_ledger

    ledger = read_ledger(path)
    report = compute_deadlines(ledger, today)
    found = {(d.case, d.kind, d.due) for d in report.deadlines}
    return found, ledger.errors, [p for p in ledger.problems if p.confirm]


def _put(ws: Any, r: int, values: Sequence[Any]) -> None:
    for c, v in enumerate(values, start=1):
        if v is not None and v != "":
            ws.cell(r, c, v)
            if isinstance(v, date):
                ws.cell(r, c).number_format = "dd/mm/yyyy"


def _d(v: date | None) -> str:
    """A date as a clerk types it in text: day and month without padding («6/6/2026»)."""
    return f"{v.day}/{v.month}/{v.year}" if v else ""


# ---------------------------------------------------------------- national register layout (Sổ 07)

NATIONAL_HEADERS = ["STT", "Vụ án", "QĐ khởi tố vụ án", "Ngày khởi tố", "Tội danh", "Loại tội", "Giai đoạn",
                    "Gia hạn điều tra đến", "Ngày nhận hồ sơ, KLĐT", "Ngày truy tố", "Ngày Tòa thụ lý",
                    "Ngày xét xử", "Ngày tuyên án", "Ngày VKS nhận bản án", "KSV thụ lý"]


def _national_row(i: int, row: dict[str, Any], one_cell: bool) -> list[Any]:
    opening = (f"{row['opening_no']} ngày {_d(row['opening_date'])}" if one_cell else row["opening_no"])
    out = [i, row["case_id"], opening, row["opening_date"], row["offence"], row["category"], row["stage"],
           row["investigation_extended_to"], row["file_received"], row["indictment_date"], row["court_accepted"],
           row["hearing_date"], row["judgment_date"], row["judgment_received"], row["prosecutor"]]
    return [v for j, v in enumerate(out) if not (one_cell and j == 3)]


def national(path: Path, rows: Sequence[dict[str, Any]], *, one_cell: bool = False) -> Path:
    """«QĐ khởi tố vụ án» holds the number («101/QĐ-CSĐT») and «Ngày khởi tố» the date, in that order;
    with `one_cell`, the number and date are one cell «101/QĐ-CSĐT ngày 6/6/2026» and no date column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ 07"
    ws["A1"] = "VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 1"
    ws["A3"] = "SỔ THỤ LÝ THỰC HÀNH QUYỀN CÔNG TỐ, KIỂM SÁT ĐIỀU TRA VỤ ÁN HÌNH SỰ"
    headers = [h for h in NATIONAL_HEADERS if not (one_cell and h == "Ngày khởi tố")]
    _put(ws, 5, headers)
    _put(ws, 6, [f"({i})" for i in range(1, len(headers) + 1)])
    for i, row in enumerate(rows, start=1):
        _put(ws, 6 + i, _national_row(i, row, one_cell))
    wb.save(path)
    return path


# ---------------------------------------------------------------- grouped two-row headers, 3-row title

def grouped(path: Path, rows: Sequence[dict[str, Any]], detention: Callable[[int], tuple[date, date]] | None = None
            ) -> Path:
    """Three merged title rows, then a header of two rows: single headers merged down over both, and groups
    merged across their sub-headers: «Khởi tố» over «Số QĐ | Ngày», «Tạm giam» over «Ngày bắt đầu | Gia hạn đến»
    (the unit's own: not a column of this ledger; before the other «Gia hạn đến», so order cannot decide),
    «Điều tra» over «Gia hạn đến | Ngày nhận hồ sơ, KLĐT»,
    «Xét xử» over «Ngày Tòa thụ lý | Ngày xét xử | Ngày tuyên án | Ngày VKS nhận bản án»."""
    detention = detention or (lambda i: (date(2026, 1, 1 + i % 27), date(2026, 5, 1 + i % 27)))
    top = ["Vụ án", "Tội danh", "Loại tội phạm", "Giai đoạn", "Khởi tố", None, "Tạm giam", None, "Điều tra", None,
           "Ngày truy tố", "Xét xử", None, None, None, "KSV thụ lý"]
    sub = [None, None, None, None, "Số QĐ", "Ngày", "Ngày bắt đầu", "Gia hạn đến", "Gia hạn đến",
           "Ngày nhận hồ sơ, KLĐT", None, "Ngày Tòa thụ lý", "Ngày xét xử", "Ngày tuyên án", "Ngày VKS nhận bản án",
           None]
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    last = get_column_letter(len(top))
    for r, text in enumerate(("VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 1 - HẢI PHÒNG", "SỔ THỤ LÝ VỤ ÁN HÌNH SỰ",
                              "Năm 2026"), start=1):
        ws.cell(r, 1, text)
        ws.merge_cells(f"A{r}:{last}{r}")
    _put(ws, 4, top)
    _put(ws, 5, sub)
    for c, (a, b) in enumerate(zip(top, sub), start=1):
        if a and not b:
            ws.merge_cells(start_row=4, start_column=c, end_row=5, end_column=c)
    for first, width in ((5, 2), (7, 2), (9, 2), (12, 4)):
        ws.merge_cells(start_row=4, start_column=first, end_row=4, end_column=first + width - 1)
    for i, row in enumerate(rows):
        start, until = detention(i)
        _put(ws, 6 + i, [row["case_id"], row["offence"], row["category"], row["stage"], row["opening_no"],
                         row["opening_date"], start, until, row["investigation_extended_to"], row["file_received"],
                         row["indictment_date"], row["court_accepted"], row["hearing_date"], row["judgment_date"],
                         row["judgment_received"], row["prosecutor"]])
    wb.save(path)
    return path


# ---------------------------------------------------------------- the clerk's own deadline formula

TIP_KEYS = ("receipt_no", "receipt_date", "summary", "category", "prosecutor", "outcome", "outcome_date",
            "extension_date", "extended_to")
TIP_HEADERS = ["Số thụ lý", "Ngày tiếp nhận", "Nội dung", "Loại tội phạm", "Kiểm sát viên", "Kết quả giải quyết",
               "Ngày giải quyết", "Ngày QĐ gia hạn", "Gia hạn đến ngày", "Hạn giải quyết"]


def tips(n: int = 32, seed: int = 5, receipts: Sequence[date] = ()) -> list[dict[str, Any]]:
    """n tin báo rows (the first receipt dates replaced by `receipts`), only the columns written below."""
    rows = [{k: row.get(k) for k in TIP_KEYS} for row in sample_rows(n, seed=seed, today=TODAY)["tin_bao"]]
    for row, day in zip(rows, receipts):
        row.update(receipt_date=day, outcome=None, outcome_date=None, extension_date=None, extended_to=None)
    return rows


def naive_deadline(receipt: date) -> date:
    """What the clerk's formula «=B+19» gives: 20 days counting the first, never moved off a day off."""
    from datetime import timedelta

    return receipt + timedelta(days=19)


def own_formula(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """A tin báo ledger whose last column «Hạn giải quyết» is the clerk's formula =B{r}+19, with the
    cached values Excel would store (the 1900 date system)."""
    import re
    import zipfile

    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ TB"
    _put(ws, 1, TIP_HEADERS)
    for i, row in enumerate(rows, start=2):
        _put(ws, i, [row[k] for k in TIP_KEYS])
        ws.cell(i, len(TIP_HEADERS), f"=B{i}+19").number_format = "dd/mm/yyyy"
    wb.save(path)
    epoch = date(1899, 12, 30)
    values = {i: (naive_deadline(row["receipt_date"]) - epoch).days for i, row in enumerate(rows, start=2)}
    col = get_column_letter(len(TIP_HEADERS))

    def cached(m: re.Match[str]) -> str:
        return f"{m.group(1)}<v>{values[int(m.group(2))]}</v></c>"

    with zipfile.ZipFile(path) as z:
        parts = {i: z.read(i) for i in z.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            if info.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(rf'(<c r="{col}(\d+)"[^>]*><f>[^<]*</f>)(?:<v\s*/>|<v>\s*</v>)?</c>', cached,
                              data.decode())
                data = text.encode()
            z.writestr(info, data)
    return path


def tip_template(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    from workbook_templates.builder import build_workbook

    build_workbook({"tin_bao": list(rows)}).save(path)
    return path


# ---------------------------------------------------------------- one sheet per prosecutor

PROSECUTORS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")


def per_prosecutor(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """Tin báo kept one sheet per prosecutor («KSV Nguyễn Văn An», ...), the same columns on each, no
    «Kiểm sát viên» column: row i goes to PROSECUTORS[i % 3] (`with_prosecutors` gives the same rows)."""
    wb = Workbook()
    wb.remove(wb.active)
    headers = [h for h, k in zip(TIP_HEADERS, TIP_KEYS) if k != "prosecutor"]
    sheets = {p: wb.create_sheet(f"KSV {p}") for p in PROSECUTORS}
    for ws in sheets.values():
        ws["A1"] = "SỔ THEO DÕI GIẢI QUYẾT TIN BÁO"
        _put(ws, 3, headers)
    for i, row in enumerate(with_prosecutors(rows)):
        ws = sheets[row["prosecutor"]]
        _put(ws, ws.max_row + 1, [row[k] for k in TIP_KEYS if k != "prosecutor"])
    wb.save(path)
    return path


def with_prosecutors(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "prosecutor": PROSECUTORS[i % len(PROSECUTORS)]} for i, row in enumerate(rows)]


# ---------------------------------------------------------------- one row per defendant

DEFENDANT_KEYS = ("case_id", "name", "birth_year", "measure", "custody_start", "custody_until", "detention_start",
                  "detention_until", "released_date")
PER_DEFENDANT_CASE = ("opening_no", "opening_date", "offence", "category", "stage", "investigation_extended_to",
                      "file_received", "indictment_date", "court_accepted", "hearing_date", "judgment_date",
                      "judgment_received", "prosecutor")
PER_DEFENDANT_HEADERS = ["STT", "Vụ án (bị can)", "Họ tên bị can", "Năm sinh", "Số QĐ khởi tố", "Ngày khởi tố",
                         "Tội danh", "Loại tội phạm", "Giai đoạn", "Gia hạn điều tra đến", "Ngày nhận hồ sơ, KLĐT",
                         "Ngày truy tố", "Ngày Tòa thụ lý", "Ngày xét xử", "Ngày tuyên án", "Ngày VKS nhận bản án",
                         "KSV thụ lý", "Biện pháp ngăn chặn", "Tạm giữ từ ngày", "Tạm giữ đến ngày",
                         "Tạm giam từ ngày", "Tạm giam đến ngày", "Ngày trả tự do"]


def defendants(rows: Sequence[dict[str, Any]], n: int = 25, seed: int = 7) -> list[dict[str, Any]]:
    """The sample defendants of `cases(n, seed)` (two for some cases; none for every sixth, as a case whose
    defendant is not yet identified), only the columns written below."""
    ids = {r["case_id"] for i, r in enumerate(rows) if i % 6 != 5}
    return [{k: d.get(k) for k in DEFENDANT_KEYS}
            for d in sample_rows(n, seed=seed, today=TODAY)["bi_can"] if d["case_id"] in ids]


def two_sheet_template(path: Path, rows: Sequence[dict[str, Any]], people: Sequence[dict[str, Any]]) -> Path:
    from workbook_templates.builder import build_workbook

    build_workbook({"an_hinh_su": list(rows), "bi_can": list(people)}).save(path)
    return path


def per_defendant(path: Path, rows: Sequence[dict[str, Any]], people: Sequence[dict[str, Any]], *,
                  merged: bool = False) -> Path:
    """One sheet «Án hình sự», one row per defendant: the case on each of its defendants' rows (with
    `merged`, written once and merged down over them, as printed registers do), a case without a
    defendant on a row of its own."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    ws["A1"] = "SỔ THỤ LÝ VỤ ÁN HÌNH SỰ (MỖI DÒNG MỘT BỊ CAN)"
    _put(ws, 3, PER_DEFENDANT_HEADERS)
    r, n = 4, 0
    for row in rows:
        mine = [d for d in people if d["case_id"] == row["case_id"]] or [{}]
        for i, person in enumerate(mine):
            n += 1
            case = [row[k] for k in PER_DEFENDANT_CASE] if i == 0 or not merged else [None] * len(PER_DEFENDANT_CASE)
            who = [person.get(k) for k in DEFENDANT_KEYS[1:]]
            _put(ws, r + i, [n, row["case_id"] if i == 0 or not merged else None, *who[:2], *case, *who[2:]])
        if merged and len(mine) > 1:
            for c in [2, *range(5, 5 + len(PER_DEFENDANT_CASE))]:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + len(mine) - 1, end_column=c)
        r += len(mine)
    wb.save(path)
    return path
