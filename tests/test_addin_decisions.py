"""Tạo quyết định, QĐ phân công KTV, Cấp số, Mở hồ sơ: on xlwings' remote engine (the workbook as
Excel holds it, writes as the actions Excel would run) and on the file shell; the live path must
write what `kiemsat decide` writes into a file."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

# xlwings loads its remote engine only if a licence key is set when it is first imported (tests only)
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import docx  # noqa: E402
import openpyxl  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from addin.excel import dispatch  # noqa: E402
from addin.excel.handlers import decide  # noqa: E402
from macros_py.decisions.issuing import DEFAULT_OUT_DIR, issue_decisions, safe_name  # noqa: E402
from macros_py.decisions.register import CellWrite, lock_path  # noqa: E402
from macros_py.ledger.reader import read_ledger  # noqa: E402
from macros_py.ledger.schema import REGISTER  # noqa: E402
from macros_py.workbook.literal import excel_typed  # noqa: E402
from tests.xlremote import actions, apply_actions, grid, remote_book  # noqa: E402

DAY = date(2026, 3, 16)
SYMBOL = "QĐ-VKSKV1"


# cases still open, so that each row is due for its assignment decision (past-stage rows are
# refused: tests/test_decision_rules.py)
_OPEN = {"tin_bao": {"outcome": None, "outcome_date": None},
         "an_hinh_su": {"judgment_date": None, "stage": "Điều tra"},
         "an_dan_su": {"judgment_date": None, "stage": "Chuẩn bị xét xử"}}


@pytest.fixture
def ledger(sample_ledger: Path, tmp_path: Path) -> Path:
    path = tmp_path / "so.xlsx"
    shutil.copy(sample_ledger, path)
    sheets = read_ledger(path).sheets
    wb = openpyxl.load_workbook(path)
    for key, values in _OPEN.items():
        data = sheets[key]
        for record in data.records:
            for column, value in values.items():
                wb[data.name].cell(record.row, data.columns[column] + 1).value = value
    wb.save(path)
    return path


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(decide, "_today", lambda: DAY)


def remote(path: Path, sheet: str, selection: str):
    """The workbook `path` as Excel would send it, `selection` selected on `sheet`; its name is the
    full path (on the remote engine `fullname` is the name: Excel gives the full path)."""
    return remote_book(path, sheet=sheet, selection=selection, name=str(path))


def _actions(book, func: str) -> list[dict]:
    return actions(book, func)


def _docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])


def _last_number(path: Path) -> int:
    return max(r.values["number"] for r in read_ledger(path).records(REGISTER.key)
               if r.values["year"] == DAY.year and r.values["symbol"] == SYMBOL)


# ---------------------------------------------------------------- Tạo quyết định on the remote engine


def test_decisions_write_into_the_live_workbook_what_kiemsat_decide_writes_into_the_file(ledger, tmp_path):
    last = _last_number(ledger)
    # one area: the remote engine reads only the first two cells of "B3:D4,B6" (several areas are
    # tested on the file shell, and Excel's address of them in test_parse_areas)
    book = remote(ledger, "Án hình sự", "B3:D6")
    before = ledger.read_bytes()
    ui = dispatch.run("decisions", book=book)
    assert ui.messages("error") == []
    assert ledger.read_bytes() == before  # the file behind Excel is never written

    # the same rows through `kiemsat decide`'s core, on a copy in another folder
    copy = tmp_path / "ban_sao" / "so.xlsx"
    copy.parent.mkdir()
    shutil.copy(ledger, copy)
    batch = issue_decisions(copy, "hinh-su", rows=[3, 4, 5, 6], out_dir=copy.parent / DEFAULT_OUT_DIR, day=DAY)
    names = [s.name for s in book.sheets]
    live = grid(ledger)
    ranges = apply_actions(live, names, book.json()["actions"])
    assert live == grid(copy)

    # few writes: the new register rows in one range, the consecutive case rows' numbers and dates in one
    register = read_ledger(copy).sheets[REGISTER.key]
    cases = read_ledger(copy).sheets["an_hinh_su"]
    assert ranges == [
        ("Sổ quyết định", register.records[-4].row, 1, register.records[-1].row, len(register.columns) - 1),
        # the hình sự decision assigns the row's Kiểm tra viên too (Điều 2): her number and date follow
        ("Án hình sự", 3, cases.columns["decision_no"] + 1, 6, max(
            cases.columns[k] for k in ("decision_date", "inspector_decision_no", "inspector_decision_date")) + 1)]

    # the documents: one per row, numbered, in a folder per case beside the workbook
    out = ledger.parent / DEFAULT_OUT_DIR
    files = sorted(out.rglob("*.docx"))
    assert [f.relative_to(out) for f in files] == sorted(i.file.relative_to((copy.parent / DEFAULT_OUT_DIR).resolve())
                                                        for i in batch.issued)
    for item in batch.issued:
        assert item.number in range(last + 1, last + 5)
        mine = out / item.file.parent.name / item.file.name
        assert f"Số: {item.decision_no}" in _docx_text(mine)

    [message] = ui.messages("info")
    assert message.startswith("Đã ra 4 quyết định ngày 16/03/2026, ghi vào sheet «Sổ quyết định» và các dòng của "
                              "sheet «Án hình sự»:")
    for item in batch.issued:
        rel = f"{DEFAULT_OUT_DIR}/{safe_name(item.case)}/{item.file.name}"
        assert f"- dòng {item.row}: số {item.decision_no} → {rel}" in message
    assert f"Thư mục quyết định: {out}" in message and "Ctrl+S" in message
    assert "đang soạn 4 quyết định…" in ui.messages("status")
    [alert] = _actions(book, "alert")
    assert alert["args"][:2] == [message, "Kiểm sát"]
    # the lock beside the workbook was released: the next press numbers on
    again = dispatch.run("decisions", book=remote(ledger, "Án hình sự", "A9"))
    assert again.messages("error") == [] and f"số {last + 1}/{SYMBOL}" in again.messages("info")[0]


def test_civil_rows_get_civil_or_administrative_decisions_by_their_kind(ledger):
    data = read_ledger(ledger).sheets["an_dan_su"]
    kinds = {r.row: r.values["case_type"] for r in data.records}
    assert kinds[3] == "Hành chính" and kinds[4] != "Hành chính"
    last = _last_number(ledger)
    book = remote(ledger, data.name, "A3:A4")
    ui = dispatch.run("decisions", book=book)
    assert ui.messages("error") == []
    out = ledger.parent / DEFAULT_OUT_DIR
    names = sorted(f.name for f in out.rglob("*.docx"))
    assert [n.split("_")[2] for n in names] == ["PC-KSV-hanh-chinh", "PC-KSV-dan-su"]
    assert names[0].startswith(f"{DAY.year}-{last + 1:04d}_") and names[1].startswith(f"{DAY.year}-{last + 2:04d}_")
    cells = grid(ledger)
    apply_actions(cells, [s.name for s in book.sheets], book.json()["actions"])
    no_col = data.columns["decision_no"] + 1
    assert cells[data.name][(3, no_col)] == f"{last + 1}/{SYMBOL}"
    assert cells[data.name][(4, no_col)] == f"{last + 2}/{SYMBOL}"


def test_a_row_missing_a_field_stops_the_batch_with_nothing_written(ledger):
    wb = openpyxl.load_workbook(ledger)
    data = read_ledger(ledger).sheets["tin_bao"]
    wb[data.name].cell(4, data.columns["summary"] + 1).value = None
    wb.save(ledger)
    book = remote(ledger, data.name, "A3:A5")
    ui = dispatch.run("decisions", book=book)
    [error] = ui.messages("error")
    assert error.startswith("Chưa ra quyết định nào, sổ và thư mục không thay đổi:\n- dòng 4")
    assert "«Nội dung»" in error
    assert _actions(book, "setValues") == [] and not (ledger.parent / DEFAULT_OUT_DIR).exists()
    assert _actions(book, "alert")[0]["args"][3] == "critical"


def test_a_row_with_a_decision_already_is_refused(ledger):
    data = read_ledger(ledger).sheets["an_hinh_su"]
    wb = openpyxl.load_workbook(ledger)
    wb[data.name].cell(5, data.columns["decision_no"] + 1).value = "7/QĐ-VKSKV1"
    wb.save(ledger)
    book = remote(ledger, data.name, "C5")
    ui = dispatch.run("decisions", book=book)
    [error] = ui.messages("error")
    assert "dòng 5" in error and "đã có quyết định số 7/QĐ-VKSKV1" in error and "«Số QĐ phân công»" in error
    assert _actions(book, "setValues") == []


def test_a_row_with_a_decision_is_reissued_when_the_clerk_confirms(ledger, monkeypatch):
    led = read_ledger(ledger)
    data = led.sheets["an_hinh_su"]
    earlier = led.sheets[REGISTER.key].records[0].values  # a decision already in the register
    old = f"{earlier['number']}/{earlier['symbol']}"
    wb = openpyxl.load_workbook(ledger)
    wb[data.name].cell(5, data.columns["decision_no"] + 1).value = old
    wb[data.name].cell(5, data.columns["decision_date"] + 1).value = earlier["date"]
    wb.save(ledger)
    book = remote(ledger, data.name, "C5")
    asked = []
    monkeypatch.setattr(decide, "confirm", lambda ui, text: asked.append(text) or True)
    ui = dispatch.run("decisions", book=book)
    assert ui.messages("error") == [] and len(asked) == 1
    assert "dòng 5" in asked[0] and old in asked[0] and "thay thế" in asked[0]
    cells = grid(ledger)
    apply_actions(cells, [s.name for s in book.sheets], book.json()["actions"])
    new = cells[data.name][(5, data.columns["decision_no"] + 1)]
    assert new != old and new.endswith(SYMBOL)
    register = read_ledger(ledger).sheets[REGISTER.key]
    notes = [v for (r, c), v in cells[register.name].items() if c == register.columns["note"] + 1 and v]
    assert f"Thay thế Quyết định số {old}" in notes
    assert any(v.startswith(f"Đã được thay thế bằng Quyết định số {new} ngày 16/03/2026") for v in notes)
    # answered «No»: nothing written
    monkeypatch.setattr(decide, "confirm", lambda ui, text: False)
    book = remote(ledger, data.name, "C5")
    ui = dispatch.run("decisions", book=book)
    assert "bấm «Yes» (Có)" in ui.messages("error")[0] and _actions(book, "setValues") == []


@pytest.mark.parametrize("sheet, selection, expected", [
    ("Cấu hình", "B3", "không phải sổ vụ án"),
    ("Án hình sự", "C:C", "cả cột"),
    ("Án hình sự", "A1:A2", "không có dòng dữ liệu nào"),
])
def test_a_selection_that_is_not_case_rows_is_refused(ledger, sheet, selection, expected):
    book = remote(ledger, sheet, selection)
    ui = dispatch.run("decisions", book=book)
    [error] = ui.messages("error")
    assert expected in error
    assert _actions(book, "setValues") == []


def test_an_unsaved_workbook_is_refused(ledger):
    import xlwings as xw

    book = remote(ledger, "Tin báo", "A3")
    book.api["book"]["name"] = "Book1"
    assert isinstance(book, xw.Book)
    ui = dispatch.run("decisions", book=book)
    assert "chưa được lưu" in ui.messages("error")[0]


def test_the_register_lock_held_by_another_clerk_is_a_message(ledger, monkeypatch):
    from filelock import FileLock

    from macros_py.decisions import register

    monkeypatch.setattr(register, "LOCK_TIMEOUT", 0.2)
    other = FileLock(str(lock_path(ledger)))
    other.acquire()
    try:
        book = remote(ledger, "Tin báo", "A3")
        ui = dispatch.run("decisions", book=book)
    finally:
        other.release()
    [error] = ui.messages("error")
    assert error.startswith("Một người khác đang cấp số quyết định hoặc ghi vào sổ «so.xlsx»")
    assert _actions(book, "setValues") == []


def test_the_inspector_button_issues_the_ktv_decision(ledger):
    data = read_ledger(ledger).sheets["an_hinh_su"]
    # the KTV's decision cites the KSV's assignment: refused while the row has none
    ui = dispatch.run("decisions_inspector", book=remote(ledger, data.name, "A7"))
    assert "«Số QĐ phân công»" in ui.messages("error")[0]
    wb = openpyxl.load_workbook(ledger)
    wb[data.name].cell(7, data.columns["decision_no"] + 1).value = "5/QĐ-VKSKV1"
    wb[data.name].cell(7, data.columns["decision_date"] + 1).value = date(2026, 1, 5)
    wb.save(ledger)
    book = remote(ledger, data.name, "A7")
    ui = dispatch.run("decisions_inspector", book=book)
    assert ui.messages("error") == []
    [f] = list((ledger.parent / DEFAULT_OUT_DIR).rglob("*.docx"))
    assert "_PC-KTV-ho-so_" in f.name and "Kiểm tra viên" in _docx_text(f)
    assert "Quyết định phân công Kiểm sát viên thực hành quyền công tố, kiểm sát điều tra vụ án hình sự số " \
           "5/QĐ-VKSKV1 ngày 05/01/2026" in _docx_text(f)
    cells = grid(ledger)
    apply_actions(cells, [s.name for s in book.sheets], book.json()["actions"])
    assert cells[data.name][(7, data.columns["inspector_decision_no"] + 1)] == f"{_last_number(ledger) + 1}/{SYMBOL}"
    assert cells[data.name][(7, data.columns["decision_no"] + 1)] == "5/QĐ-VKSKV1"  # the KSV's stays

    ui = dispatch.run("decisions_inspector", book=remote(ledger, "Tin báo", "A3"))
    assert "ra cho các dòng của sheet «Án hình sự»" in ui.messages("error")[0]


# ---------------------------------------------------------------- Cấp số


def test_number_appends_a_register_row_for_the_active_case(ledger):
    led = read_ledger(ledger)
    register = led.sheets[REGISTER.key]
    last_row = max(r.row for r in register.records)
    last = _last_number(ledger)
    case = next(r for r in led.sheets["thi_hanh_an"].records if r.row == 4).values["judgment_no"]
    book = remote(ledger, led.sheets["thi_hanh_an"].name, "E4:F9")
    ui = dispatch.run("register_number", book=book)
    assert ui.messages("error") == []
    [message] = ui.messages("info")
    assert message.startswith(f"Đã cấp số {last + 1}/{SYMBOL} ngày 16/03/2026 cho «{case}» (dòng 4 sheet "
                              f"«Thi hành án hình sự»), ghi ở dòng {last_row + 1} sheet «Sổ quyết định».")
    cells = grid(ledger)
    apply_actions(cells, [s.name for s in book.sheets], book.json()["actions"])
    row = {k: cells[register.name].get((last_row + 1, c + 1)) for k, c in register.columns.items()}
    assert row == {"number": last + 1, "year": 2026, "symbol": SYMBOL, "date": DAY, "decision_type": None,
                   "summary": None, "case_id": case, "signer": None, "file": None, "status": None, "note": None}
    assert not (ledger.parent / DEFAULT_OUT_DIR).exists()


def test_number_on_the_register_itself_is_refused(ledger):
    ui = dispatch.run("register_number", book=remote(ledger, "Sổ quyết định", "A3"))
    assert "Hãy bấm vào dòng của vụ án cần cấp số" in ui.messages("error")[0]


# ---------------------------------------------------------------- Mở hồ sơ


def test_open_folder_is_where_kiemsat_decide_put_the_case(ledger):
    from addin.commands.cli import cli

    data = read_ledger(ledger).sheets["tin_bao"]
    result = CliRunner().invoke(cli, ["decide", str(ledger), "--type", "tin-bao", "--rows", "8", "--date",
                                      "16/03/2026", "--out", str(ledger.parent / DEFAULT_OUT_DIR), "--json"])
    assert result.exit_code == 0, result.output
    import json

    [issued] = json.loads(result.output)["issued"]
    folder = Path(issued["file"]).parent
    assert folder.is_dir()

    from addin.excel.handlers.folder import folder_for_active_row
    from addin.excel.livebook import read_book

    book = remote(ledger, data.name, "F8")
    assert folder_for_active_row(book, read_book(book)) == (issued["case"], folder)
    ui = dispatch.run("open_folder", book=book)
    assert ui.messages("error") == []
    assert ui.messages("info") == [f"Thư mục hồ sơ của vụ «{issued['case']}»:\n{folder}"]

    # a defendant's row opens the folder of its case
    led = read_ledger(ledger)
    case_row = next(r for r in led.sheets["an_hinh_su"].records if r.row == 3)
    defendant = next(r for r in led.sheets["bi_can"].records if r.values["case_id"] == case_row.values["case_id"])
    book = remote(ledger, led.sheets["bi_can"].name, f"A{defendant.row}")
    ui = dispatch.run("open_folder", book=book)
    [message] = ui.messages("info")
    expected = ledger.parent.resolve() / DEFAULT_OUT_DIR / safe_name(case_row.values["case_id"])
    assert message.startswith(f"Vụ «{case_row.values['case_id']}» chưa có thư mục hồ sơ. Thư mục sẽ là:\n{expected}\n")


def test_open_folder_opens_the_folder_on_windows(ledger, monkeypatch):
    from addin.excel.handlers import folder as folder_module

    row = next(r for r in read_ledger(ledger).sheets["tin_bao"].records if r.row == 5)
    case_dir = ledger.parent / DEFAULT_OUT_DIR / safe_name(row.values["receipt_no"])
    case_dir.mkdir(parents=True)
    opened = []
    monkeypatch.setattr(folder_module.sys, "platform", "win32")
    monkeypatch.setattr(folder_module.os, "startfile", opened.append, raising=False)
    ui = dispatch.run("open_folder", book=remote(ledger, "Tin báo", "A5"))
    # the result goes to a message box too: on the status bar alone it is overwritten at once
    assert ui.messages("error") == [] and ui.messages("info") == [f"Đã mở thư mục hồ sơ của vụ «{row.values['receipt_no']}»."]
    assert opened == [case_dir.resolve()]


def test_open_folder_outside_a_case_row(ledger):
    ui = dispatch.run("open_folder", book=remote(ledger, "Cán bộ", "A3"))
    assert "không gắn với vụ án nào" in ui.messages("error")[0]
    ui = dispatch.run("open_folder", book=remote(ledger, "Án hình sự", "A200"))
    assert "không thuộc dòng vụ án nào (dòng 200 của sheet «Án hình sự»)" in ui.messages("error")[0]


# ---------------------------------------------------------------- the file shell


def _select(path: Path, sheet: str, sqref: str) -> None:
    wb = openpyxl.load_workbook(path)
    wb.active = wb.sheetnames.index(sheet)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == sheet
    wb[sheet].sheet_view.selection[0].sqref = sqref
    wb[sheet].sheet_view.selection[0].activeCell = sqref.split()[0].split(":")[0]
    wb.save(path)


def test_decisions_on_the_file_shell_with_the_saved_selection(ledger, tmp_path):
    from addin.excel.filebook import run_on_file

    data = read_ledger(ledger).sheets["tin_bao"]
    _select(ledger, data.name, "A3 B5:C6")  # two areas: rows 3, 5, 6
    copy = tmp_path / "ban_sao" / "so.xlsx"
    copy.parent.mkdir()
    shutil.copy(ledger, copy)
    batch = issue_decisions(copy, "tin-bao", rows=[3, 5, 6], out_dir=copy.parent / DEFAULT_OUT_DIR, day=DAY)

    run = run_on_file(ledger, "decisions")
    assert run.ui.messages("error") == [] and run.backup is not None
    assert "Đã ra 3 quyết định" in run.ui.messages("info")[0]
    assert grid(ledger)[REGISTER.title] == grid(copy)[REGISTER.title]
    assert grid(ledger)[data.name] == grid(copy)[data.name]
    assert sorted(f.name for f in (ledger.parent / DEFAULT_OUT_DIR).rglob("*.docx")) == \
        sorted(i.file.name for i in batch.issued)
    assert [a[1] for a in run.ui.book.app.alerts] == ["info"]


def test_number_and_open_folder_on_the_file_shell(ledger):
    from addin.excel.filebook import run_on_file

    last = _last_number(ledger)
    _select(ledger, "Án hình sự", "D5")
    run = run_on_file(ledger, "register_number")
    assert f"Đã cấp số {last + 1}/{SYMBOL}" in run.ui.messages("info")[0]
    assert _last_number(ledger) == last + 1
    run = run_on_file(ledger, "open_folder")
    assert run.backup is None  # nothing written
    assert "chưa có thư mục hồ sơ" in run.ui.messages("info")[0]


# ---------------------------------------------------------------- pieces


def test_parse_areas():
    assert decide.parse_areas("$A$3,$B$5:$D$7") == [(3, 3), (5, 7)]
    assert decide.parse_areas("A3 B5:C6") == [(3, 3), (5, 6)]
    assert decide.parse_areas("$C:$C") == [(1, decide.EXCEL_ROWS)]
    assert decide.parse_areas("$4:$2") == [(2, 4)]
    assert decide.parse_areas("'Án hình sự'!$A$9:$B$10") == [(9, 10)]
    with pytest.raises(ValueError):
        decide.parse_areas("hello")


def test_blocks_group_cells_into_few_writes_and_never_write_a_cell_in_between():
    cells = [CellWrite("R", 10, c, f"{c}") for c in (1, 2, 3, 5)] + \
            [CellWrite("R", 11, c, f"{c}'") for c in (1, 2, 3, 5)] + [CellWrite("S", 4, 7, 1), CellWrite("S", 4, 8, 2)]
    got = [(b.sheet, b.row, b.column, b.values) for b in decide.blocks(cells)]
    assert got == [("R", 10, 1, [["1", "2", "3"], ["1'", "2'", "3'"]]), ("R", 10, 5, [["5"], ["5'"]]),
                   ("S", 4, 7, [[1, 2]])]


def test_text_excel_would_convert_keeps_its_apostrophe():
    for text in ("=HYPERLINK(\"http://x\")", "+1", "-3", "@SUM(A1)", "01/2026", "12", "1.5", "TRUE"):
        assert excel_typed(text) == "'" + text
    for value in ("12/QĐ-VKSKV1", "1/2026/HS", "Nguyễn Văn A", 12, DAY, None):
        assert excel_typed(value) == value
