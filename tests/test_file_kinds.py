"""A file is what its bytes say; cells beyond the grid cost nothing; no OS or library English in messages."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from macros_py.ledger.oserrors import os_reason
from macros_py.ledger.reader import LedgerError, read_ledger
from macros_py.workbook.package import WorkbookError, check_writable
from tests import shapes

XLS = Path(__file__).parent / "data" / "so07_clerk.xls"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "addin.commands.cli", *args], capture_output=True, text=True)


def _small(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Án hình sự"
    ws.append(["Mã vụ án", "Ngày khởi tố", "Tội danh", "Loại tội phạm"])
    ws.append(["1/2026/HS", date(2026, 6, 6), "Trộm cắp tài sản", "Nghiêm trọng"])
    wb.save(path)
    return path


@pytest.mark.parametrize("name", ["so.xlsx", "so.ods", "so"])
def test_xls_renamed_is_read_by_its_bytes_with_a_note(tmp_path, name):
    path = tmp_path / name
    shutil.copy(XLS, path)
    ledger = read_ledger(path)
    assert len(ledger.records("an_hinh_su")) == len(shapes.cases())
    (note,) = [p for p in ledger.problems if p.sheet == name]
    assert note.level == "cảnh báo" and "Excel 97-2003 (.xls)" in note.message and "«.xls»" in note.message
    assert ledger.errors == []


def test_xlsx_renamed_xls_is_read_and_a_real_xls_name_has_no_note(tmp_path):
    path = _small(tmp_path / "a.xlsx")
    renamed = tmp_path / "a.xls"
    path.rename(renamed)
    ledger = read_ledger(renamed)
    assert ledger.records("an_hinh_su")[0]["opening_date"] == date(2026, 6, 6)
    assert any("Excel (.xlsx)" in p.message for p in ledger.warnings)
    assert not [p for p in read_ledger(XLS).problems if p.sheet == XLS.name]


def test_writer_refuses_an_xls_named_xlsx_by_what_it_is(tmp_path):
    path = tmp_path / "so.xlsx"
    shutil.copy(XLS, path)
    with pytest.raises(WorkbookError, match=r"Excel 97-2003 \(\.xls\)"):
        check_writable(path)
    check_writable(_small(tmp_path / "ok.xlsx"))


def _with_cells(src: Path, dst: Path, xml: str) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", xml.encode() + b"</sheetData>")
            zout.writestr(info, data)
    return dst


@pytest.mark.parametrize("cell", [
    '<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>x</t></is></c></row>',
    '<row r="1048576"><c r="A1048576" t="e"><v>#REF!</v></c></row>',
    '<row r="1048576"><c r="A1048576" t="e"><v>#SPILL!</v></c></row>',
], ids=["beyond-grid", "error-at-last-row", "unknown-error-at-last-row"])
def test_cells_beyond_the_grid_are_one_note_at_no_cost(tmp_path, cell):
    path = _with_cells(_small(tmp_path / "clean.xlsx"), tmp_path / "far.xlsx", cell)
    tracemalloc.start()
    ledger = read_ledger(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert ledger.errors == []
    assert len(ledger.records("an_hinh_su")) == 1
    assert len(ledger.warnings) == 1 and "bỏ qua ô này" in ledger.warnings[0].message
    # no row built down to row 1,048,576 (that was 150 MB and seconds): a few MB, like the clean file
    assert peak < 20 << 20, peak


@pytest.mark.parametrize("cell, row, column", [
    ('<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>x</t></is></c></row>', 1048577, "A"),
    ('<row r="5"><c r="XFE5"><v>1</v></c></row>', 5, "XFE"),
    ('<row r="7"><c r="A0"><v>1</v></c></row>', None, ""),
], ids=["below-the-grid", "right-of-the-grid", "no-cell-at-all"])
def test_the_note_names_the_cell_as_written(tmp_path, cell, row, column):
    """A1048577 is «dòng 1048577» in the note, as its value says, never the grid's last row (1048576); a
    reference that is not one («A0») names no row, never row 1."""
    path = _with_cells(_small(tmp_path / "clean.xlsx"), tmp_path / "far.xlsx", cell)
    (note,) = read_ledger(path).warnings
    assert "bỏ qua ô này" in note.message
    assert (note.row, note.column) == (row, column)
    if row is not None:
        assert note.value == f"{column}{row}" and f"dòng {row}, cột {column}:" in str(note)
    else:
        assert note.value == "A0" and "dòng" not in str(note).split(":")[0]


# ---------------------------------------------------------------- messages

def test_every_errno_is_worded_in_vietnamese():
    for code in errno.errorcode:
        english = os.strerror(code)
        words = os_reason(OSError(code, english))
        assert english not in words, (code, words)
    assert "vòng" in os_reason(OSError(errno.ELOOP, os.strerror(errno.ELOOP)))
    assert "ổ đĩa" in os_reason(OSError(errno.EIO, os.strerror(errno.EIO)))


def test_symlink_loop_and_folder_are_worded_alike_by_every_command(tmp_path):
    (tmp_path / "a.xlsx").symlink_to(tmp_path / "b.xlsx")
    (tmp_path / "b.xlsx").symlink_to(tmp_path / "a.xlsx")
    (tmp_path / "thu-muc.xlsx").mkdir()
    for command in ("check", "deadlines", "export", "stats", "import"):
        extra = {"export": ["--so", "07", "--out", str(tmp_path / "o.xlsx")],
                 "import": ["--out", str(tmp_path / "o2.xlsx")], "stats": ["--period", "2026-H1"]}.get(command, [])
        loop = run(command, str(tmp_path / "a.xlsx"), *extra)
        assert loop.returncode == 2
        assert "trỏ vòng" in loop.stderr and "symbolic" not in loop.stderr, (command, loop.stderr)
        folder = run(command, str(tmp_path / "thu-muc.xlsx"), *extra)
        assert folder.returncode == 2
        assert "«" + str(tmp_path / "thu-muc.xlsx") + "» là một thư mục, cần một tệp." in folder.stderr, \
            (command, folder.stderr)


def test_a_sheet_declared_without_its_part_is_worded_in_vietnamese(tmp_path):
    clean = _small(tmp_path / "clean.xlsx")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(clean) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info, zin.read(info))
    result = run("check", str(broken))
    assert result.returncode == 1
    assert "WorksheetNotFound" not in result.stdout and "()" not in result.stdout
    assert "không có nội dung của nó" in result.stdout
