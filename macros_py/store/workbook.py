"""The province's workbook (openpyxl, a new file): one sheet per view of `province.ProvinceView`.

«Tổng hợp» (each unit: its last snapshot, overdue and due soon, its report, what to look at), «Thời hạn» (every
overdue and imminent deadline, most urgent first), «Theo đơn vị», «Theo KSV», «Thống kê» (the same tables as a
unit's report, summed, each followed by the units' lines; written by `macros_py.stats.sheet`), «Báo cáo kỳ»
(each unit's report state and the commands to send it up or back). Ledger text goes in as text
(`literal_cell`): a clerk's «=...» never becomes a formula.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from macros_py.ledger.values import fmt_date
from macros_py.stats.sheet import write_statistics_sheet
from macros_py.store.province import ProvinceView
from macros_py.store.reports import NOT_SENT, RETURNED, return_command, send_command
from macros_py.workbook.literal import literal_cell

FONT = "Times New Roman"
SHEETS = ("Tổng hợp", "Thời hạn", "Theo đơn vị", "Theo KSV", "Thống kê", "Báo cáo kỳ")


def local_time(when: datetime | None) -> str:
    return when.astimezone().strftime("%d/%m/%Y %H:%M") if when else ""


def _styles(wb: Any) -> None:
    """The named styles of the body cells, made once: a style set on each cell would cost openpyxl seconds."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    thin = Side(style="thin", color="8EA9DB")
    for red in (False, True):
        for kind, fmt in (("text", "General"), ("wrap", "General"), ("date", "dd/mm/yyyy"),
                          ("time", "dd/mm/yyyy hh:mm")):
            style = NamedStyle(f"ks_{kind}{'_red' if red else ''}", font=Font(name=FONT, size=11),
                               border=Border(left=thin, right=thin, top=thin, bottom=thin), number_format=fmt,
                               alignment=Alignment(wrap_text=kind == "wrap", vertical="top"))
            if red:
                style.fill = PatternFill("solid", fgColor="F8CBAD")
            wb.add_named_style(style)


def _kind(value: Any) -> str:
    if isinstance(value, datetime):
        return "time"
    if hasattr(value, "isoformat"):
        return "date"
    return "wrap" if isinstance(value, str) and len(value) > 30 else "text"


def _sheet(wb: Any, title: str, heading: str, subtitle: str, columns: list[tuple[str, float]],
           rows: list[list[Any]], red: set[int] | None = None) -> Any:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.cell(1, 1, heading).font = Font(name=FONT, bold=True, size=14)
    ws.cell(2, 1, subtitle).font = Font(name=FONT, italic=True, size=11)
    thin = Side(style="thin", color="8EA9DB")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    for j, (name, width) in enumerate(columns, start=1):
        c = ws.cell(4, j, name)
        c.font, c.fill, c.border = Font(name=FONT, bold=True, size=11), head_fill, box
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(j)].width = width
    red = red or set()
    for i, values in enumerate(rows):
        tail = "_red" if i in red else ""
        for j, value in enumerate(values, start=1):
            c = literal_cell(ws.cell(5 + i, j, value))
            c.style = f"ks_{_kind(value)}{tail}"
    ws.freeze_panes = "A5"
    if rows:
        ws.auto_filter.ref = f"A4:{get_column_letter(len(columns))}{4 + len(rows)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "4:4"
    return ws


def build_workbook(view: ProvinceView) -> Any:
    from openpyxl import Workbook

    wb = Workbook()
    default = wb.active
    _styles(wb)
    day = fmt_date(view.today)
    sub = f"Kỳ {view.period.label}; thời hạn tính đến ngày {day}; kho số liệu {view.store}."
    counts = {code: (a, b) for _, code, a, b in view.by_unit()}
    stale = {u.info.code for u in view.stale}
    rows, red = [], set()
    for i, u in enumerate(view.units):
        notes = []
        if u.refused:
            notes.append(u.refused)
        if u.info.code in stale and u.info.published_at is not None:
            notes.append(f"không có số liệu mới trong {view.stale_days} ngày")
        if u.info.errors:
            notes.append(f"sổ có {u.info.errors} lỗi nhập liệu")
        overdue, soon = counts.get(u.info.code, (None, None))
        report = view.reports.get(u.info.code)
        if u.info.code in stale or u.refused or overdue:
            red.add(i)
        rows.append([u.info.unit_name, u.info.code, u.info.published_at.astimezone().replace(tzinfo=None)
                     if u.info.published_at else "", u.info.rows, overdue, soon,
                     report.state if report else NOT_SENT, "; ".join(notes)])
    _sheet(wb, SHEETS[0], f"TỔNG HỢP SỐ LIỆU CÁC ĐƠN VỊ ({len(view.units)} đơn vị)", sub,
           [("Đơn vị", 40), ("Mã sổ", 12), ("Gửi số liệu lúc", 17), ("Số dòng", 9), ("Đã quá hạn", 10),
            ("Sắp hết hạn", 10), ("Báo cáo kỳ", 12), ("Cần xem", 50)], rows, red)

    # what a newer Deadline says of who acts and what to do (absent from an older one)
    extra = [(name, head) for name, head in (("actor_label", "Ai phải làm"), ("action", "Việc cần làm"))
             if view.urgent and hasattr(view.urgent[0].deadline, name)]
    rows, red = [], set()
    for i, x in enumerate(view.urgent):
        d = x.deadline
        if d.status == "đã quá hạn":
            red.add(i)
        left = f"quá {-d.days_left} ngày" if d.days_left < 0 else ("hôm nay" if d.days_left == 0 else d.days_left)
        rows.append([d.status + (" (đang giữ người)" if d.held_overdue else ""), d.due, left, x.unit_name,
                     d.prosecutor or "", d.leader or "", d.title, d.case or "", d.person or "",
                     *(getattr(d, name) or "" for name, _ in extra), d.sheet_name, d.row, d.basis, d.computation])
    _sheet(wb, SHEETS[1], f"THỜI HẠN ĐÃ QUÁ HẠN, SẮP HẾT HẠN CỦA CÁC ĐƠN VỊ ({len(view.urgent)})",
           sub + " Quá hạn trước, gấp nhất trước.",
           [("Tình trạng", 14), ("Hạn", 11), ("Còn (ngày)", 10), ("Đơn vị", 30), ("Kiểm sát viên", 20),
            ("Phó Viện trưởng", 20), ("Thời hạn", 30), ("Vụ việc", 16), ("Người", 18),
            *((head, 30) for _, head in extra), ("Sheet", 16), ("Dòng", 6), ("Căn cứ", 50),
            ("Cách tính", 50)], rows, red)

    by_unit = view.by_unit()
    _sheet(wb, SHEETS[2], "THỜI HẠN THEO ĐƠN VỊ", sub,
           [("Đơn vị", 40), ("Mã sổ", 12), ("Đã quá hạn", 12), ("Sắp hết hạn", 12)],
           [list(r) for r in by_unit], {i for i, r in enumerate(by_unit) if r[2]})
    by_ksv = view.by_prosecutor()
    _sheet(wb, SHEETS[3], "THỜI HẠN THEO KIỂM SÁT VIÊN", sub,
           [("Đơn vị", 40), ("Kiểm sát viên", 25), ("Đã quá hạn", 12), ("Sắp hết hạn", 12)],
           [list(r) for r in by_ksv], {i for i, r in enumerate(by_ksv) if r[2]})
    if view.summed is not None:
        write_statistics_sheet(wb, view.summed)

    rows, red = [], set()
    for i, u in enumerate(view.units):
        r = view.reports[u.info.code]
        if r.state != "đã gửi":
            red.add(i)
        rows.append([u.info.unit_name, u.info.code, r.state, r.sent_at.astimezone().replace(tzinfo=None)
                     if r.sent_at else "", r.sent_by or "", r.returned_at.astimezone().replace(tzinfo=None)
                     if r.returned_at else "", r.reason or "",
                     send_command(view.store, u.info.code, view.period.code),
                     return_command(view.store, u.info.code, view.period.code) if r.state == "đã gửi" else ""])
    sent = sum(r.state == "đã gửi" for r in view.reports.values())
    back = sum(r.state == RETURNED for r in view.reports.values())
    _sheet(wb, SHEETS[5], f"BÁO CÁO KỲ {view.period.label.upper()}",
           f"{sent} đơn vị đã gửi, {back} bị trả lại, {len(view.reports) - sent - back} chưa gửi. Đơn vị gửi báo "
           "cáo lên bằng lệnh ở cột «Lệnh gửi lên»; Viện tỉnh trả lại bằng lệnh ở cột «Lệnh trả lại» (ghi lý do).",
           [("Đơn vị", 36), ("Mã sổ", 12), ("Trạng thái", 12), ("Gửi lúc", 17), ("Người gửi", 14),
            ("Trả lại lúc", 17), ("Lý do trả lại", 36), ("Lệnh gửi lên", 60), ("Lệnh trả lại", 60)], rows, red)
    wb.remove(default)
    wb.properties.creator = "kiemsat"
    wb.properties.title = f"Tổng hợp các đơn vị, {view.period.label}"
    return wb


def save_province_workbook(path: Path, view: ProvinceView) -> Path | None:
    """Write the workbook at `path` (replaced atomically; an earlier file is backed up and its copy returned)."""
    from macros_py.workbook.safefile import atomic_write

    wb = build_workbook(view)
    return atomic_write(Path(path), wb.save, overwrite=True)
