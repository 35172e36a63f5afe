"""A real second spreadsheet application: LibreOffice opens our workbooks and saves them again.

Clerks open the ledger in whatever they have (Excel, LibreOffice, WPS); whatever saved the file,
kiemsat must read the same ledger. Each workbook below goes through LibreOffice headless
(`soffice --convert-to xlsx`, all files in one call) and is read again: every sheet must give the
same row numbers, the same typed values (a date stays a `datetime.date`, a flag a `bool`, a
number an `int`), the same extra columns, the same settings and no problems.

Skipped when LibreOffice is missing, except on CI (env CI set) where that is a failure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from macros_py.ledger.reader import Ledger, read_ledger
from macros_py.ledger.schema import (
    LEDGER_SHEETS,
    LISTS_SHEET,
    SETTINGS,
    SETTINGS_SHEET,
    Kind,
)
from macros_py.sample import sample_rows
from tests.lo import LibreOffice, libreoffice  # noqa: F401  (session fixture)
from workbook_templates.builder import TEMPLATE_PATH, build_workbook, create_ledger

TODAY = date(2026, 3, 16)  # fixed, so the sample ledger is the same on every run
SEED = 7
ROWS = 60

# settings that differ from every default, so a setting LibreOffice lost would show
# (the reader falls back to the default for an empty cell, silently)
OWN_SETTINGS = {
    "unit_name": "VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 3 - HẢI PHÒNG",
    "place": "Kiến Thụy",
    "doc_symbol": "VKSKV3",
    "alert_days": 7,
    "send_time": "06:45",
    "extra_days_off": (date(2026, 5, 2), date(2026, 9, 1)),
    "extra_work_days": (date(2026, 4, 25),),
}
CRIMINAL_SHEET = "Án hình sự"
STAFF_SHEET = "Cán bộ"

# what each kind of column may hold after reading (exact types: bool is not an int here,
# and a datetime is not a date)
KIND_TYPES = {
    Kind.DATE: date, Kind.INT: int, Kind.BOOL: bool, Kind.TEXT: str, Kind.CHOICE: str,
    Kind.STAFF: str, Kind.EMAIL: str, Kind.TIME: time,
}


def _add_clerk_columns(wb) -> None:
    """Columns a clerk adds right of our table: text, numbers, a date, a time, a flag."""
    ws = wb[CRIMINAL_SHEET]
    c = ws.max_column + 1
    for j, label in enumerate(("Số điện thoại KSV", "Ngày báo cáo riêng", "Số bút lục", "Tỷ lệ", "Đã họp")):
        ws.cell(2, c + j, label)
    ws.cell(3, c, "0912 345 678")
    ws.cell(4, c, 912345678)
    ws.cell(3, c + 1, date(2026, 3, 4)).number_format = "dd/mm/yyyy"
    ws.cell(5, c + 1, datetime(2026, 3, 4, 14, 30)).number_format = "dd/mm/yyyy hh:mm"
    ws.cell(3, c + 2, 120)
    ws.cell(4, c + 2, 7.5)
    ws.cell(3, c + 3, 0.25).number_format = "0%"
    ws.cell(4, c + 3, time(8, 15)).number_format = "hh:mm"
    ws.cell(6, c + 4, True)
    ws.cell(7, c + 4, False)
    staff = wb[STAFF_SHEET]
    c = staff.max_column + 1
    staff.cell(2, c, "Điện thoại")
    staff.cell(3, c, "0225 3 123 456")


@pytest.fixture(scope="session")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The workbooks as kiemsat writes them (distinct names: LibreOffice names outputs by stem)."""
    d = tmp_path_factory.mktemp("lo_originals")
    template = d / "so_theo_doi.xlsx"
    shutil.copyfile(TEMPLATE_PATH, template)
    sample = d / "so_mau.xlsx"
    create_ledger(sample, sample=ROWS, seed=SEED, today=TODAY)
    own = d / "so_mau_tuy_bien.xlsx"  # sample rows + clerk's columns + own settings
    wb = build_workbook(sample_rows(ROWS, seed=SEED, today=TODAY), settings=OWN_SETTINGS)
    _add_clerk_columns(wb)
    wb.save(own)
    return {"template": template, "sample": sample, "own": own}


@pytest.fixture(scope="session")
def resaved(originals: dict[str, Path], libreoffice: LibreOffice,  # noqa: F811
            tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same workbooks opened and saved as .xlsx by LibreOffice (one soffice call)."""
    out = libreoffice.convert(list(originals.values()), "xlsx", tmp_path_factory.mktemp("lo_xlsx"))
    return dict(zip(originals, out))


# ---------------------------------------------------------------- comparing two reads


def _typed(v: Any) -> Any:
    """A value with its exact type, so True vs 1, 7 vs 7.0 and a date vs a datetime differ."""
    if isinstance(v, tuple):
        return ("tuple", tuple(_typed(x) for x in v))
    return (type(v).__name__, v)


def _diff(a: Ledger, b: Ledger, limit: int = 60) -> list[str]:
    """What differs between reading the original (a) and LibreOffice's file (b), line by line."""
    out: list[str] = []
    if a.unknown_sheets != b.unknown_sheets:
        out.append(f"unknown sheets: {a.unknown_sheets} -> {b.unknown_sheets}")
    if list(a.sheets) != list(b.sheets):
        out.append(f"ledger sheets found: {list(a.sheets)} -> {list(b.sheets)}")
    for key in dict.fromkeys([*a.settings, *b.settings]):
        va, vb = a.settings.get(key), b.settings.get(key)
        if _typed(va) != _typed(vb):
            out.append(f"setting {key}: {va!r} -> {vb!r}")
    pa = [str(p) for p in a.problems]
    pb = [str(p) for p in b.problems]
    out += [f"problem only in original: {p}" for p in pa if p not in pb]
    out += [f"problem only after LibreOffice: {p}" for p in pb if p not in pa]
    for key in [k for k in a.sheets if k in b.sheets]:
        sa, sb = a.sheets[key], b.sheets[key]
        for attr in ("name", "header_row", "columns", "extra_columns"):
            if getattr(sa, attr) != getattr(sb, attr):
                out.append(f"{sa.name}: {attr} {getattr(sa, attr)!r} -> {getattr(sb, attr)!r}")
        rows_a = {r.row: r for r in sa.records}
        rows_b = {r.row: r for r in sb.records}
        if list(rows_a) != list(rows_b):
            out.append(f"{sa.name}: rows only in original {sorted(rows_a.keys() - rows_b.keys())[:20]}, "
                       f"only after LibreOffice {sorted(rows_b.keys() - rows_a.keys())[:20]}")
        for row in sorted(rows_a.keys() & rows_b.keys()):
            ra, rb = rows_a[row], rows_b[row]
            for col in dict.fromkeys([*ra.values, *rb.values]):
                va, vb = ra.values.get(col), rb.values.get(col)
                if _typed(va) != _typed(vb):
                    out.append(f"{sa.name} row {row} {col}: {va!r} -> {vb!r}")
            for label in dict.fromkeys([*ra.extra, *rb.extra]):
                va, vb = ra.extra.get(label), rb.extra.get(label)
                if _typed(va) != _typed(vb):
                    out.append(f"{sa.name} row {row} extra «{label}»: {va!r} -> {vb!r}")
            if ra.problems != rb.problems:
                out.append(f"{sa.name} row {row}: {ra.problems} -> {rb.problems} problems")
    if len(out) > limit:
        out = out[:limit] + [f"... and {len(out) - limit} more"]
    return out


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("name", ["template", "sample", "own"])
def test_libreoffice_really_rewrote_the_file(name, resaved):
    with zipfile.ZipFile(resaved[name]) as zf:
        app = zf.read("docProps/app.xml").decode("utf-8")
    assert "LibreOffice" in app, f"{resaved[name].name} was not written by LibreOffice: {app[:300]}"


@pytest.mark.parametrize("name", ["template", "sample", "own"])
def test_libreoffice_saved_file_reads_the_same(name, originals, resaved):
    before = read_ledger(originals[name])
    after = read_ledger(resaved[name])
    assert before.problems == [], "the original itself has problems: " + "; ".join(map(str, before.problems))
    assert set(before.sheets) == {s.key for s in LEDGER_SHEETS}
    differences = _diff(before, after)
    assert not differences, (f"{originals[name].name} reads differently after LibreOffice saved it:\n  "
                             + "\n  ".join(differences))
    assert after.problems == []


def test_sample_read_from_libreoffice_has_the_right_types(resaved):
    """Not only equal to the original read: the typed values are what the schema says."""
    ledger = read_ledger(resaved["sample"])
    seen: set[Kind] = set()
    wrong: list[str] = []
    for spec in LEDGER_SHEETS:
        records = ledger.records(spec.key)
        assert records, f"no rows read from «{spec.title}»"
        assert [r.row for r in records] == list(range(3, 3 + len(records))), spec.title
        for rec in records:
            for col in spec.columns:
                v = rec.values[col.key]
                if v is None:
                    continue
                seen.add(col.kind)
                if type(v) is not KIND_TYPES[col.kind]:
                    wrong.append(f"{spec.title} row {rec.row} {col.key}: {v!r} is {type(v).__name__}")
    assert not wrong, "\n".join(wrong[:30])
    assert {Kind.DATE, Kind.INT, Kind.BOOL, Kind.CHOICE, Kind.STAFF, Kind.EMAIL, Kind.TEXT} <= seen
    for setting in SETTINGS:
        v = ledger.settings[setting.key]
        if v is None:  # an optional setting left empty keeps its empty default
            assert setting.default is None, setting.key
        elif setting.kind in KIND_TYPES:
            assert type(v) is KIND_TYPES[setting.kind], (setting.key, v)
    assert ledger.settings["send_time"] == time(7, 0)


def test_own_settings_and_clerk_columns_survive_libreoffice(resaved):
    """The customised ledger: non-default settings and extra columns, read from LibreOffice's file."""
    ledger = read_ledger(resaved["own"])
    assert ledger.problems == []
    assert ledger.settings["alert_days"] == 7
    assert ledger.settings["send_time"] == time(6, 45)
    assert ledger.settings["extra_days_off"] == (date(2026, 5, 2), date(2026, 9, 1))
    assert ledger.settings["extra_work_days"] == (date(2026, 4, 25),)
    assert ledger.settings["unit_name"] == OWN_SETTINGS["unit_name"]
    cases = ledger.sheets["an_hinh_su"]
    assert list(cases.extra_columns.values()) == [
        "Số điện thoại KSV", "Ngày báo cáo riêng", "Số bút lục", "Tỷ lệ", "Đã họp"]
    extra = {r.row: r.extra for r in cases.records}
    assert extra[3]["Số điện thoại KSV"] == "0912 345 678"
    assert extra[3]["Ngày báo cáo riêng"] == date(2026, 3, 4)
    assert type(extra[3]["Ngày báo cáo riêng"]) is date
    assert extra[5]["Ngày báo cáo riêng"] == datetime(2026, 3, 4, 14, 30)
    assert extra[4]["Tỷ lệ"] == time(8, 15)
    assert extra[6]["Đã họp"] is True and extra[7]["Đã họp"] is False
    assert list(ledger.sheets["can_bo"].extra_columns.values()) == ["Điện thoại"]


_PDF_TITLE = re.compile(rb"/Title\s*<FEFF([0-9A-Fa-f]*)>")


def test_libreoffice_prints_sample_ledger_to_pdf(libreoffice, originals, tmp_path):  # noqa: F811
    (pdf,) = libreoffice.convert([originals["sample"]], "pdf", tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-64:]
    assert len(data) > 20_000, f"suspiciously small PDF ({len(data)} bytes)"
    # LibreOffice bookmarks each printed sheet by name (UTF-16 strings): Vietnamese survives,
    # every ledger sheet is printed, the hidden Danh mục sheet is not
    titles = {unicodedata.normalize("NFC", bytes.fromhex(m.group(1).decode()).decode("utf-16-be"))
              for m in _PDF_TITLE.finditer(data)}
    missing = [s.title for s in LEDGER_SHEETS if s.title not in titles]
    assert not missing, f"sheets not in the PDF's bookmarks: {missing} (bookmarks: {sorted(titles)})"
    assert SETTINGS_SHEET in titles
    assert LISTS_SHEET not in titles
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              timeout=60, check=True).stdout.decode("utf-8")
        text = unicodedata.normalize("NFC", text)
        assert "SỔ THỤ LÝ" in text
        assert "Trộm cắp tài sản" in text or "Đánh bạc" in text
