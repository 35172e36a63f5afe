"""A ledger typed by hand in another layout, with the faults clerks make, and the problems
kiemsat must report for it (sheet, row, column). Built with openpyxl, like a clerk's own file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

TIP_SHEET = "Sổ TB năm 2024"  # not a name kiemsat knows: found by its headers
STAFF_SHEET = "Danh sách"
CASE_SHEET = "Vụ án HS"

# (sheet, row, column) of every fault planted below
EXPECTED_PROBLEMS = {
    (TIP_SHEET, 14, "B"),  # 32/13/2024: no such date
    (TIP_SHEET, 16, "B"),  # #VALUE! error cell
    (TIP_SHEET, 17, "H"),  # unknown crime category
    (TIP_SHEET, 18, "C"),  # required receipt number missing
    (TIP_SHEET, 19, "C"),  # receipt number repeats row 7
    (TIP_SHEET, 20, "J"),  # resolved before it was received
    (TIP_SHEET, 21, "B"),  # two-digit year
    (TIP_SHEET, 22, "G"),  # prosecutor not in the staff list
    (TIP_SHEET, 23, "E"),  # extension date is text that is not a date
    (STAFF_SHEET, 4, "C"),  # bad e-mail address
    (CASE_SHEET, 1, "Loại tội phạm"),  # required column missing
    (CASE_SHEET, 3, "A"),  # formula error #REF! in the case id
}
# what `kiemsat check` adds: cảnh báo that the decisions due cannot be issued without these columns
DECISION_WARNINGS = {
    (TIP_SHEET, 5, "Cơ quan giải quyết"),
    (CASE_SHEET, 1, "Cơ quan điều tra"),
    (CASE_SHEET, 1, "Số QĐ khởi tố"),
}

# receipt number -> the receipt date kiemsat must read for the good rows
GOOD_TIPS = {
    "1/TB": date(2024, 3, 15),   # a real date
    "2/TB": date(2024, 3, 15),   # "15/3/2024"
    "3/TB": date(2024, 3, 15),   # "15-03-2024"
    "4/TB": date(2024, 3, 15),   # "15.3.2024"
    "5/TB": date(2024, 3, 15),   # "ngày 15 tháng 3 năm 2024"
    "6/TB": date(2024, 3, 15),   # Excel serial 45366
    "8/TB": date(2024, 4, 3),    # "03/04/2024" is day/month
}


def build_messy_ledger(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = TIP_SHEET
    ws["A1"] = "VIỆN KIỂM SÁT NHÂN DÂN HUYỆN KIẾN THỤY"
    ws.merge_cells("A1:K1")
    ws["A2"] = "SỔ THEO DÕI TIN BÁO NĂM 2024"
    ws.merge_cells("A2:K2")
    # two header rows: single headers merged down, "Gia hạn" merged across its two children
    headers = {"A": "STT", "B": "Ngày nhận", "C": "Số TB", "D": "Nội dung tin báo", "G": "KSV",
               "H": "Loại tội phạm", "I": "Kết quả", "J": "Ngày giải quyết", "K": "Người nhập"}
    for col, label in headers.items():
        ws[f"{col}4"] = label
        ws.merge_cells(f"{col}4:{col}5")
    ws["E4"] = "Gia hạn"
    ws.merge_cells("E4:F4")
    ws["E5"], ws["F5"] = "Ngày QĐ", "Đến ngày"
    for i, col in enumerate("ABCDEFGHIJK", start=1):  # the official "(1) (2) ..." numbering row
        ws[f"{col}6"] = f"({i})"
    rows = {
        7: [1, date(2024, 3, 15), "1/TB", "Trộm cắp xe máy", None, None, "Nguyễn Văn An", "ít NT", None, None, "Hà"],
        8: [2, "15/3/2024", "2/TB", "Đánh bạc", None, None, "nguyễn văn an", "INT", "KKT", "30/3/2024", "Hà"],
        9: [3, "15-03-2024", "3/TB", "Lừa đảo", None, None, "Nguyen Van An", "NT", None, None, None],
        10: [4, "15.3.2024", "4/TB", "Cố ý gây thương tích", None, None, "Lê Thị Bình", None, None, None, None],
        11: [5, "ngày 15 tháng 3 năm 2024", "5/TB", "Trộm cắp", "02/04/2024", "15/05/2024", None, None,
             None, None, None],
        12: [6, 45366, "6/TB", "Trộm cắp", None, None, None, None, None, None, None],
        # row 13 left blank
        14: [7, "32/13/2024", "7/TB", "Cướp giật", None, None, None, None, None, None, None],
        15: [8, "03/04/2024", "8/TB", "Cướp giật", None, None, None, None, None, None, None],
        16: [9, "#VALUE!", "9/TB", "Ma túy", None, None, None, None, None, None, None],
        17: [10, date(2024, 4, 1), "10/TB", "Ma túy", None, None, None, "Nghiêm trọng lắm", None, None, None],
        18: [11, date(2024, 4, 2), None, "Giết người", None, None, None, "ĐBNT", None, None, None],
        19: [12, date(2024, 4, 2), "1/TB", "Trộm cắp", None, None, None, None, None, None, None],
        20: [13, date(2024, 4, 10), "13/TB", "Trộm cắp", None, None, None, None, "Khởi tố", date(2024, 4, 1), None],
        21: [14, "15/3/24", "14/TB", "Trộm cắp", None, None, None, None, None, None, None],
        22: [15, date(2024, 4, 12), "15/TB", "Trộm cắp", None, None, "Trần Văn Không Có", None, None, None, None],
        23: [16, date(2024, 4, 12), "16/TB", "Trộm cắp", "sau Tết", None, None, None, None, None, None],
        25: [17],  # a pre-numbered empty row: blank for kiemsat
    }
    for r, values in rows.items():
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(r, c, value)

    staff = wb.create_sheet(STAFF_SHEET)
    staff.append(["DANH SÁCH CÁN BỘ, KIỂM SÁT VIÊN"])
    staff.append(["Chức vụ", "Họ tên", "Email", "Nhận cảnh báo"])
    staff.append(["KSV", "Nguyễn Văn An", "an@vks.gov.vn", "x"])
    staff.append(["Kiểm sát viên", "Lê Thị Bình", "binh at vks", "không"])

    cases = wb.create_sheet(CASE_SHEET)
    cases.append(["Ghi chú riêng", "Ngày khởi tố", "Mã vụ án", "Tội danh", "KSV thụ lý"])
    cases.append(["x", "01/02/2024", "1/2024/HS", "Trộm cắp tài sản", "Lê Thị Bình"])
    cases.append(["y", "02/02/2024", "#REF!", "Đánh bạc", "Lê Thị Bình"])
    # swap columns A and C of row 3 so the error sits in the case id column
    cases["A3"], cases["C3"] = "#REF!", "y"
    cases["A1"], cases["C1"] = "Mã vụ án", "Ghi chú riêng"
    cases["A2"], cases["C2"] = "1/2024/HS", "x"
    wb.save(path)
    return path
