"""`kiemsat stats`: the JSON, the Thống kê sheet (in the ledger and in the .xlsx report) and the
Word report give the same numbers, which are those counted here from the sample rows; the charts
are visible once LibreOffice renders the workbook and the report to PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from macros_py.sample import sample_rows
from macros_py.stats.report import SECTIONS
from macros_py.stats.summaries import format_share
from tests.conftest import SAMPLE_ROWS, SAMPLE_SEED, TODAY
from tests.lo import LibreOffice, libreoffice  # noqa: F401  (session fixture)
from tests.test_cli import run
from tests.test_stats_sheet import read_sheet_tables

PERIOD = "2026-Q1"


@pytest.fixture(scope="module")
def made(sample_ledger: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("stats")
    ledger = folder / "so.xlsx"
    shutil.copy(sample_ledger, ledger)
    docx, xlsx = folder / "bao_cao.docx", folder / "thong_ke.xlsx"
    done = run("stats", str(ledger), "--period", PERIOD, "--today", TODAY.isoformat(), "--out", str(docx),
               "--out", str(xlsx), "--write", "--json")
    assert done.returncode == 0, done.stderr
    return {"json": json.loads(done.stdout), "ledger": ledger, "docx": docx, "xlsx": xlsx, "folder": folder,
            "stderr": done.stderr}


def _independent_counts() -> dict[str, Counter]:
    rows = sample_rows(SAMPLE_ROWS, seed=SAMPLE_SEED, today=TODAY)

    def q1(d: date | None) -> bool:
        return d is not None and date(2026, 1, 1) <= d <= date(2026, 3, 31)

    placed = {
        "Tin báo": [r for r in rows["tin_bao"] if q1(r["receipt_date"])],
        "Án hình sự": [r for r in rows["an_hinh_su"] if q1(r["opening_date"])],
        "Án dân sự, hành chính": [r for r in rows["an_dan_su"] if q1(r["acceptance_date"])],
        "Thi hành án hình sự": [r for r in rows["thi_hanh_an"] if q1(r.get("received_date") or r["judgment_date"])],
        "Tạm đình chỉ": [r for r in rows["tam_dinh_chi"] if q1(r["decision_date"])],
    }
    # a person's «Tổng số án, vụ việc»: criminal, civil and administrative cases only
    per_prosecutor = Counter(r.get("prosecutor") for k in ("Án hình sự", "Án dân sự, hành chính") for r in placed[k])
    digitised = Counter()
    for r in placed["Án hình sự"]:
        digitised["Án hình sự", "n"] += 1
        digitised["Án hình sự", "done"] += bool(r["digitised"])
    decisions = Counter(r["date"].month for r in rows["so_quyet_dinh"] if q1(r["date"]))
    return {"sizes": Counter({k: len(v) for k, v in placed.items()}), "per_prosecutor": per_prosecutor,
            "digitised": digitised, "decisions": decisions}


def test_json_agrees_with_counts_made_here(made):
    data = made["json"]
    assert data["period"] == {"code": PERIOD, "label": "quý I năm 2026", "start": "2026-01-01", "end": "2026-03-31"}
    counts = _independent_counts()
    tables = data["tables"]
    by_type = {row["label"]: row["values"]["Số thụ lý"] for row in tables["theo_loai"]["rows"]}
    civil = sum(v for k, v in by_type.items() if k not in counts["sizes"])
    assert civil == counts["sizes"]["Án dân sự, hành chính"]
    assert by_type["Án hình sự"] == counts["sizes"]["Án hình sự"]
    assert tables["theo_loai"]["total"]["Số thụ lý"] == counts["sizes"]["Án hình sự"] + civil
    other = {row["label"]: row["values"]["Số lượng"] for row in tables["tin_bao_tha"]["rows"]}
    for sheet in ("Tin báo", "Thi hành án hình sự", "Tạm đình chỉ"):
        assert other[sheet] == counts["sizes"][sheet]
    per = {row["label"]: row["values"]["Tổng số án, vụ việc"] for row in tables["theo_ksv"]["rows"]}
    assert {k: v for k, v in per.items() if v} == dict(counts["per_prosecutor"])
    crim = next(r for r in tables["so_hoa"]["rows"] if r["label"] == "Án hình sự")["values"]
    assert (crim["Tổng số vụ"], crim["Số vụ đã số hóa"]) == (counts["digitised"]["Án hình sự", "n"],
                                                             counts["digitised"]["Án hình sự", "done"])
    months = [r["values"]["Số lượng"] for r in tables["quyet_dinh_thang"]["rows"]]
    assert months == [counts["decisions"][m] for m in (1, 2, 3)]


def _json_tables(data: dict) -> list[tuple[str, dict]]:
    return [(t["title"], t) for t in data["tables"].values()]


@pytest.mark.parametrize("which", ["ledger", "xlsx"])
def test_the_sheet_agrees_with_the_json(made, which):
    sheet = read_sheet_tables(made[which])
    tables = _json_tables(made["json"])
    assert list(sheet) == [title for title, _ in tables]
    for title, t in tables:
        got = sheet[title]
        assert got["columns"] == t["columns"]
        assert got["rows"] == {r["label"]: pytest.approx([r["values"][c] for c in t["columns"]]) for r in t["rows"]}
        if t["total"] is None:
            assert got["total"] is None
        else:
            assert got["total"] == pytest.approx([t["total"][c] for c in t["columns"]])


def _text(value: float | None, column: str) -> str:
    """How the report must print a JSON value (shares as «71,43%», counts as digits, 0 of 0 as «—»)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return format_share(value) if column == "Tỷ lệ số hóa" else str(int(value))


def test_the_word_report_agrees_with_the_json(made):
    doc = Document(str(made["docx"]))
    data = made["json"]["tables"]
    keys = [k for _, ks in SECTIONS for k in ks]
    assert sorted(keys) == sorted(data)

    def printed(t: dict) -> list[dict]:  # all-zero rows are left out; a form's numbered lines stay
        form = key.startswith("tk_")
        return [r for r in t["rows"] if any(v != 0 for v in r["values"].values())
                or (form and not r["label"].startswith(" "))]

    shown = []
    for key in keys:
        if printed(data[key]):
            shown.append(key)
    grids = doc.tables[1:-1]  # the first is the header block, the last the signature block
    assert len(grids) == len(shown)
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Bảng ")]
    assert len(captions) == len(keys)
    for key, grid in zip(shown, grids):
        t = data[key]
        n = keys.index(key) + 1
        assert captions[n - 1] == f"Bảng {n}. {t['title']}"
        cells = [[c.text for c in row.cells] for row in grid.rows]
        assert cells[0] == [t["label"], *t["columns"]]
        expected = [[r["label"], *(_text(r["values"][c], c) for c in t["columns"])] for r in printed(t)]
        if t["total"] is not None:
            expected.append(["Cộng", *(_text(t["total"][c], c) for c in t["columns"])])
        assert cells[1:] == expected, key
        assert not any(all(v in ("0", "") for v in row[1:]) and not row[0].startswith(("1.", "2.", "3.", "4.", "5."))
                       for row in cells[1:]), key
    images = [r for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) == sum(1 for k in keys if k in ("theo_loai", "theo_ksv", "theo_pvt", "so_hoa",
                                                        "quyet_dinh_thang") and data[k]["rows"])
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in "\n".join(c.text for c in doc.tables[0]._cells)
    assert "Số liệu thống kê quý I năm 2026 từ sổ theo dõi án, vụ việc" in text
    assert "Viện kiểm sát nhân dân thành phố" not in "\n".join(c.text for c in doc.tables[-1]._cells)  # not filed up
    assert "- Lãnh đạo Viện (để chỉ đạo);" in "\n".join(c.text for c in doc.tables[-1]._cells)
    # dated 16/03/2026, inside the quarter: the report says how far its figures go
    assert "(Kỳ báo cáo từ ngày 01/01/2026 đến ngày 31/03/2026; số liệu tính đến ngày 16/03/2026)" in text
    crim = next(r for r in data["so_hoa"]["rows"] if r["label"] == "Án hình sự")["values"]
    assert (f"{crim['Số vụ đã số hóa']}/{crim['Tổng số vụ']} vụ án hình sự "
            f"(đạt {format_share(crim['Tỷ lệ số hóa'])})") in text


def test_text_output_and_bad_arguments(made):
    summary = run("stats", str(made["ledger"]), "--period", PERIOD, "--today", TODAY.isoformat())
    assert summary.returncode == 0 and len(summary.stdout.splitlines()) <= 10
    shown = run("stats", str(made["ledger"]), "--period", PERIOD, "--today", TODAY.isoformat(), "--verbose")
    assert shown.returncode == 0
    total = made["json"]["tables"]["theo_loai"]["total"]["Số thụ lý"]
    assert f"  - Cộng: Số thụ lý: {total}" in shown.stdout
    assert "quý I năm 2026 (từ ngày 01/01/2026 đến ngày 31/03/2026; số liệu tính đến ngày 16/03/2026)" in shown.stdout
    bad = run("stats", str(made["ledger"]), "--period", "2026-H3")
    assert bad.returncode == 2 and "2024-H1" in bad.stderr
    bad = run("stats", str(made["ledger"]), "--out", str(made["folder"] / "x.pdf"))
    assert bad.returncode == 2 and ".docx" in bad.stderr


def test_charts_are_visible_in_libreoffice(made, libreoffice: LibreOffice, tmp_path):  # noqa: F811
    pdf_xlsx, pdf_docx = libreoffice.convert([made["xlsx"], made["docx"]], "pdf", tmp_path)
    # native charts: their titles exist only inside the charts, so they reach the PDF only if drawn
    text = subprocess.run(["pdftotext", "-layout", str(pdf_xlsx), "-"], capture_output=True, text=True,
                          check=True).stdout
    titles = [t["title"] for t in made["json"]["tables"].values()]
    assert all(t in text for t in titles[:3])
    for chart_title in ("Biểu đồ: án, vụ việc thụ lý trong kỳ theo loại", "Biểu đồ: quyết định ban hành theo tháng"):
        assert chart_title in " ".join(text.split()), chart_title
    # the report: one embedded picture per chart, drawn on the PDF pages
    listed = subprocess.run(["pdfimages", "-list", str(pdf_docx)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    listed = [line for line in listed if line.split()[2] == "image"]  # not the transparency masks
    assert len(listed) == 5
    assert all(int(line.split()[3]) >= 1000 for line in listed)  # width in pixels: the 200-dpi charts
