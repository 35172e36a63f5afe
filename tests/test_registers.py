"""Ledgers in the national register layouts (../shared/registers.md) give the same records, and so
the same deadlines, as the same data in kiemsat's template (issue 13)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from macros_py.law.deadlines import compute_deadlines
from macros_py.ledger.headers import score
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import REGISTER_LAYOUTS, SHEETS_BY_KEY, STAFF, RegisterHeader, RegisterLayout
from macros_py.ledger.values import compose
from macros_py.sample import sample_rows
from workbook_templates.builder import build_workbook

TODAY = date(2025, 9, 1)
N = 30


def _cell(header: RegisterHeader, row: dict) -> object:
    return compose(header.fills, row) if header.fills else "ghi chú riêng của đơn vị"


def _rows(layout: RegisterLayout) -> dict[str, list[dict]]:
    rows = sample_rows(N, seed=4, today=TODAY)
    return {layout.sheet: rows[layout.sheet], STAFF.key: rows[STAFF.key]}


def _filled(layout: RegisterLayout) -> set[str]:
    return {k for h in layout.headers for k, _ in h.fills} | ({"category"} if layout.code == "07" else set())


def _save_with_staff(wb: Workbook, rows: dict[str, list[dict]], path: Path) -> Path:
    """The unit's staff list as its own sheet, then the workbook saved at `path`."""
    staff = wb.create_sheet("Cán bộ")
    staff.append(["Họ và tên", "Chức vụ", "Thư điện tử"])
    for person in rows[STAFF.key]:
        staff.append([person["name"], person["title"], person.get("email")])
    wb.save(path)
    return path


def _national(path: Path, layout: RegisterLayout, rows: dict[str, list[dict]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = f"Sổ {layout.code}"  # not a name kiemsat knows: the sheet is found by its headers
    ws.append(["VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 1 - HẢI PHÒNG"])
    ws.append([layout.title.upper()])
    ws.append([])
    headers = list(layout.printed)
    extra = ["Loại tội"] if layout.code == "07" else []  # as the issue's clerk had it
    ws.append([h.header for h in headers] + extra)
    ws.append([f"({i})" for i in range(1, len(headers) + len(extra) + 1)])
    for row in rows[layout.sheet]:
        ws.append([_cell(h, row) for h in headers] + [row.get("category") for _ in extra])
    return _save_with_staff(wb, rows, path)


def _template(path: Path, layout: RegisterLayout, rows: dict[str, list[dict]]) -> Path:
    keep = _filled(layout)
    projected = {layout.sheet: [{k: v for k, v in r.items() if k in keep} for r in rows[layout.sheet]],
                 STAFF.key: rows[STAFF.key]}
    build_workbook(projected).save(path)
    return path


def _deadlines(ledger) -> list[tuple]:
    report = compute_deadlines(ledger, TODAY)
    return sorted((d.case, d.person, d.kind, d.due, d.done) for d in report.deadlines)


@pytest.mark.parametrize("layout", REGISTER_LAYOUTS, ids=lambda layout: f"so{layout.code}")
def test_national_layout_reads_as_the_template(tmp_path, layout):
    rows = _rows(layout)
    national = read_ledger(_national(tmp_path / "national.xlsx", layout, rows))
    ours = read_ledger(_template(tmp_path / "ours.xlsx", layout, rows))
    assert layout.sheet in national.sheets, [str(p) for p in national.problems]
    keys = sorted(_filled(layout))
    got = [{k: r.values.get(k) for k in keys} for r in national.records(layout.sheet)]
    want = [{k: r.values.get(k) for k in keys} for r in ours.records(layout.sheet)]
    assert len(got) == len(rows[layout.sheet]) >= 3
    assert got == want
    assert national.errors == [], [str(p) for p in national.errors]
    # the register's own columns are kept beside each record
    own = [h.header for h in layout.printed if not h.fills]
    if own:
        assert set(own) <= set(national.sheets[layout.sheet].extra_columns.values())
    assert _deadlines(national) == _deadlines(ours)


def test_national_layouts_give_deadlines_at_all():
    """Not a vacuous comparison: the layouts that carry a time limit yield running deadlines."""
    assert {layout.sheet for layout in REGISTER_LAYOUTS if SHEETS_BY_KEY[layout.sheet].has_deadlines} >= {
        "tin_bao", "an_hinh_su", "bi_can"}


def test_issue_example_so04_and_so07_give_deadlines(tmp_path):
    """The workbook of the issue: Sổ 04 and Sổ 07 headers, short forms, 0 deadlines before."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ 04"
    ws.append(["STT", "Ngày VKS thụ lý", "Người, cơ quan cung cấp tin", "Kiểm sát viên thụ lý", "QĐ gia hạn"])
    ws.append(["12/TB", date(2025, 8, 20), "Công an xã Tân Tiến", None, None])
    ws2 = wb.create_sheet("Sổ 07")
    ws2.append(["Vụ án", "Tội danh (điều luật)", "QĐ khởi tố vụ án", "Loại tội"])
    ws2.append(["Vụ Nguyễn Văn A", "Trộm cắp tài sản (Điều 173)", "Số 5/QĐ-CSĐT ngày 10/08/2025", "ít NT"])
    path = tmp_path / "so.xlsx"
    wb.save(path)
    ledger = read_ledger(path)
    assert ledger.errors == [], [str(p) for p in ledger.errors]
    tip = ledger.records("tin_bao")[0].values
    assert (tip["receipt_no"], tip["receipt_date"], tip["reporter"]) == ("12/TB", date(2025, 8, 20), "Công an xã Tân Tiến")
    case = ledger.records("an_hinh_su")[0].values
    assert (case["case_id"], case["offence"], case["article"], case["opening_no"], case["opening_date"],
            case["category"]) == ("Vụ Nguyễn Văn A", "Trộm cắp tài sản", "Điều 173", "5/QĐ-CSĐT", date(2025, 8, 10),
                                  "Ít nghiêm trọng")
    assert {d.sheet for d in compute_deadlines(ledger, TODAY).pending()} == {"tin_bao", "an_hinh_su"}


@pytest.mark.parametrize("header, entry", [
    ("KSV thụ lý", "Kiểm sát viên thụ lý"), ("thụ lý, KSV", "KSV thụ lý"), ("NGAY VKS THU LY", "Ngày VKS thụ lý"),
    ("QĐ khởi tố", "Quyết định khởi tố"), ("CQĐT", "cơ quan điều tra"), ("PVT phụ trách", "phó viện trưởng phụ trách"),
])
def test_header_tokens_ignore_diacritics_case_order_and_short_forms(header, entry):
    assert score(header, entry) == 1.0


def test_header_score_is_partial_for_other_words():
    assert 0 < score("Ngày VKS thụ lý", "Ngày thụ lý") < 0.75


def test_check_mapping_shows_each_header_and_a_pin_is_used(tmp_path):
    import subprocess
    import sys

    from tests.messy import CASE_SHEET, build_messy_ledger

    kiemsat = str(Path(sys.executable).with_name("kiemsat"))
    path = build_messy_ledger(tmp_path / "so.xlsx")
    shown = subprocess.run([kiemsat, "check", "--mapping", str(path)], capture_output=True, text=True).stdout
    assert "C «Số TB» -> Số thụ lý" in shown
    assert "K «Người nhập» -> cột riêng của đơn vị (giữ nguyên)" in shown
    assert "Thiếu cột bắt buộc «Loại tội phạm»; tiêu đề gần nhất:" in shown
    assert read_ledger(path).sheets["an_hinh_su"].column_of("category") is None

    (tmp_path / "so.ghim-cot.toml").write_text(f'["{CASE_SHEET}"]\n"Ghi chú riêng" = "Loại tội phạm"\n',
                                               encoding="utf-8")
    pinned = read_ledger(path)
    assert pinned.sheets["an_hinh_su"].column_of("category") == 2
    assert not [p for p in pinned.problems if p.column == "Loại tội phạm"]
    shown = subprocess.run([kiemsat, "check", "--mapping", str(path)], capture_output=True, text=True).stdout
    assert "C «Ghi chú riêng» -> Loại tội phạm (đơn vị đã ghim)" in shown
    (tmp_path / "so.ghim-cot.toml").write_text(f'["{CASE_SHEET}"]\n"Ghi chú riêng" = "Không có cột này"\n',
                                               encoding="utf-8")
    notes = [p for p in read_ledger(path).problems if p.sheet == "so.ghim-cot.toml"]
    assert len(notes) == 1 and "Không có cột này" in notes[0].message and not notes[0].is_error


@pytest.mark.parametrize("layout", REGISTER_LAYOUTS, ids=lambda layout: f"so{layout.code}")
def test_export_prints_the_register_and_reads_back_the_same(tmp_path, layout):
    """kiemsat export: the register printed from the ledger is itself read back to the same records."""
    import subprocess
    import sys

    rows = _rows(layout)
    ours = _template(tmp_path / "ours.xlsx", layout, rows)
    before = ours.read_bytes()
    out = tmp_path / f"so{layout.code}.xlsx"
    kiemsat = str(Path(sys.executable).with_name("kiemsat"))
    done = subprocess.run([kiemsat, "export", str(ours), "--so", layout.code, "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert ours.read_bytes() == before  # the ledger is never changed
    keys = sorted(_filled(layout) - ({"category"} if layout.code == "07" else set()))
    back = read_ledger(out)
    original = read_ledger(ours)
    assert [{k: r.values.get(k) for k in keys} for r in back.records(layout.sheet)] == [
        {k: r.values.get(k) for k in keys} for r in original.records(layout.sheet)]
    # Sổ 07 as printed has no «Loại tội», which our sheet requires (it selects the investigation limit)
    assert [p.column for p in back.errors] == (["Loại tội phạm"] if layout.code == "07" else [])


def test_import_moves_a_hand_made_ledger_into_the_template(tmp_path):
    import subprocess
    import sys

    from openpyxl import load_workbook

    from tests.messy import GOOD_TIPS, TIP_SHEET, build_messy_ledger

    old = build_messy_ledger(tmp_path / "so_cu.xlsx")
    before = old.read_bytes()
    new = tmp_path / "so.xlsx"
    kiemsat = str(Path(sys.executable).with_name("kiemsat"))
    done = subprocess.run([kiemsat, "import", str(old), "--out", str(new)], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # the old ledger has errors; they are listed, not moved
    assert old.read_bytes() == before
    ledger = read_ledger(new)
    dates: dict = {}
    for r in ledger.records("tin_bao"):  # «1/TB» is typed twice in the old ledger: the first one is checked
        dates.setdefault(r.values["receipt_no"], r.values["receipt_date"])
    assert {k: dates[k] for k in GOOD_TIPS} == GOOD_TIPS
    wb = load_workbook(new)
    header = [c.value for c in wb["Tin báo"][2]]
    assert header[:len(SHEETS_BY_KEY["tin_bao"].columns)] == [c.label for c in SHEETS_BY_KEY["tin_bao"].columns]
    assert "Người nhập" in header[len(SHEETS_BY_KEY["tin_bao"].columns):]  # the unit's own column, at the right
    result = wb["Kết quả chuyển sổ"]
    texts = [[c.value for c in row] for row in result.iter_rows()]
    assert [TIP_SHEET, "C", "Số TB", "Số thụ lý", "sổ «Tin báo»", None] in texts
    assert any(row[:3] == [TIP_SHEET, 14, "B"] for row in texts)  # 32/13/2024: not read, listed
    refused = subprocess.run([kiemsat, "import", str(old), "--out", str(new)], capture_output=True, text=True)
    assert refused.returncode == 2 and "đã có" in refused.stderr


def test_export_pdf_prints_the_register_in_column_groups(tmp_path):
    """kiemsat export --pdf through LibreOffice: the register's title on each page, its columns in printed groups
    that each repeat the first column and the header and numbering rows, every column and every row printed,
    pages numbered from 1 (readability itself: tests/test_print_layout.py)."""
    import re
    import subprocess
    import sys

    from tests.lo import find_soffice_or_skip

    find_soffice_or_skip()
    layout = next(x for x in REGISTER_LAYOUTS if x.code == "04")
    rows = sample_rows(90, seed=4, today=TODAY)
    ours = _template(tmp_path / "ours.xlsx", layout, {layout.sheet: rows[layout.sheet], STAFF.key: rows[STAFF.key]})
    out = tmp_path / "so04.xlsx"
    kiemsat = str(Path(sys.executable).with_name("kiemsat"))
    done = subprocess.run([kiemsat, "export", str(ours), "--so", "04", "--out", str(out), "--pdf"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pdf = out.with_suffix(".pdf")
    assert pdf.is_file() and str(pdf) in done.stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height  # A4 landscape
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    texts = text.split("\f")[:pages]
    assert pages >= 2 and len(texts) == pages  # enough rows to run down several pages
    printed = layout.printed
    seen: set[str] = set()
    for i, page in enumerate(texts, start=1):
        words = set(re.findall(r"\w+", page.casefold()))
        seen |= words
        assert layout.title.upper() in " ".join(page.split()), f"page {i}"
        assert re.search(rf"\bTrang {i}\b", page), f"page {i}"
        assert "(1)" in page and set(re.findall(r"\w+", printed[0].header.casefold())) <= words  # the key column
    for n, h in enumerate(printed, start=1):  # every column's header and number, on some page
        assert set(re.findall(r"\w+", h.header.casefold())) <= seen, h.header
        assert f"({n})" in text, n
    numbers = [r["receipt_no"] for r in rows[layout.sheet]]
    assert all(n in text for n in numbers)  # every row printed


# the unit's own columns a clerk adds to a register that lacks what a limit is computed from: Sổ 07 has no
# category (it selects the investigation limit), Sổ 08 neither the offence date nor the category (the
# limitation period, BLHS Điều 27, runs from the one by the other)
EXTRA = {"07": (("Loại tội", "category"),), "08": (("Ngày phạm tội", "offence_date"), ("Loại tội phạm", "category"))}


def _unit_book(path: Path, layouts: list[RegisterLayout], rows: dict[str, list[dict]]) -> Path:
    """One workbook holding several registers, as a unit keeps them, and its staff list."""
    wb = Workbook()
    wb.remove(wb.active)
    for layout in layouts:
        ws = wb.create_sheet(f"Sổ {layout.code}")
        ws.append([layout.title.upper()])
        headers, extra = list(layout.printed), EXTRA.get(layout.code, ())
        ws.append([h.header for h in headers] + [label for label, _ in extra])
        for row in rows[layout.sheet]:
            ws.append([_cell(h, row) for h in headers] + [row.get(key) for _, key in extra])
    return _save_with_staff(wb, rows, path)


def _unit_template(path: Path, layouts: list[RegisterLayout], rows: dict[str, list[dict]]) -> Path:
    keep = {layout.sheet: {k for h in layout.headers for k, _ in h.fills} | {k for _, k in EXTRA.get(layout.code, ())}
            for layout in layouts}
    build_workbook({**{sheet: [{k: v for k, v in r.items() if k in keys} for r in rows[sheet]]
                       for sheet, keys in keep.items()}, STAFF.key: rows[STAFF.key]}).save(path)
    return path


@pytest.mark.parametrize("codes", [("01", "03", "07", "08", "21"), ("01", "04", "07", "08", "22")],
                         ids=lambda codes: "+".join(codes))
def test_a_unit_keeping_the_national_registers_gets_the_template_deadlines(tmp_path, codes):
    """Done when (issue 13): the same data in the national layouts and in kiemsat's template give the same
    deadlines, every sheet that carries a limit giving some, Bị can's from its case's category (Sổ 07)."""
    from macros_py.decisions.register import next_number

    layouts = [x for x in REGISTER_LAYOUTS if x.code in codes]
    rows = sample_rows(N, seed=4, today=TODAY)
    categories = ("Ít nghiêm trọng", "Nghiêm trọng", "Rất nghiêm trọng", "Đặc biệt nghiêm trọng")
    for i, row in enumerate(rows["tam_dinh_chi"]):  # the sample has neither: as the unit's clerk would write
        row["offence_date"] = row["decision_date"] - timedelta(days=90 * (i + 1))
        row["category"] = categories[i % len(categories)]
    national = read_ledger(_unit_book(tmp_path / "national.xlsx", layouts, rows))
    ours = read_ledger(_unit_template(tmp_path / "ours.xlsx", layouts, rows))
    assert {x.sheet for x in layouts} <= set(national.sheets), [str(p) for p in national.problems]
    assert national.errors == [], [str(p) for p in national.errors]

    def deadlines(ledger) -> list[tuple]:
        return sorted((d.sheet, d.case or "", d.person or "", d.kind, d.due, d.done)
                      for d in compute_deadlines(ledger, TODAY).deadlines)

    got = deadlines(national)
    assert got == deadlines(ours)
    kinds = {(sheet, kind) for sheet, _, _, kind, _, _ in got}
    assert {sheet for sheet, _ in kinds} == {"tin_bao", "an_hinh_su", "bi_can", "tam_dinh_chi"}
    assert ("bi_can", "tam_giam") in kinds and ("tam_dinh_chi", "thoi_hieu_truy_cuu") in kinds
    if "21" in codes:
        assert ("bi_can", "tam_giu") in kinds
    # the decision register (Sổ 01): the number `decide` gives next is the same
    keys = sorted(_filled(next(x for x in layouts if x.code == "01")))
    register = [{k: r.values.get(k) for k in keys} for r in national.records("so_quyet_dinh")]
    assert register == [{k: r.values.get(k) for k in keys} for r in ours.records("so_quyet_dinh")] and register
    for year in {r["year"] for r in register}:
        assert next_number(national.records("so_quyet_dinh"), year, "QĐ-VKSKV1") == next_number(
            ours.records("so_quyet_dinh"), year, "QĐ-VKSKV1") > 1
