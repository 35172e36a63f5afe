"""Intake's reading of documents: dates and numbers in every written form, kinds, fields left empty rather than
guessed, and the accuracy floor on the hand-annotated corpus (tests/intake_corpus)."""

from __future__ import annotations

import sys
from datetime import date, time
from pathlib import Path

import pytest

from macros_py.intake.dates import clean_number, find_dates, find_hour
from macros_py.intake.fields import read_document
from macros_py.intake.kinds import recognise

CORPUS = Path(__file__).resolve().parent / "intake_corpus"
sys.path.insert(0, str(CORPUS))

from scoring import corpus, run, total  # noqa: E402

# the floor reached on the text corpus (bench/bench_intake.py prints the table); a regression fails here
TEXT_ACCURACY_FLOOR = 0.99
TEXT_KIND_FLOOR = 0.97
OCR_ACCURACY_FLOOR = 0.97
HANDWRITTEN_ACCURACY_FLOOR = 0.95  # 8 documents typed by hand in other wordings, kept apart from the rules


@pytest.mark.parametrize("text, expected", [
    ("Hải Phòng, ngày 05 tháng 8 năm 2024", date(2024, 8, 5)),
    ("ngày 5 tháng 02 năm 2026", date(2026, 2, 5)),
    ("kể từ ngày 05/8/2024", date(2024, 8, 5)),
    ("ngày 05/08/2024", date(2024, 8, 5)),
    ("Ngày: 10-9-2024", date(2024, 9, 10)),
    ("ngày 10.9.2024", date(2024, 9, 10)),
    ("ngày 05 tháng\n8 năm 2024", date(2024, 8, 5)),
])
def test_dates_in_every_written_form(text, expected):
    assert find_dates(text)[0][0] == expected


@pytest.mark.parametrize("text", ["ngày 31/02/2024", "ngày 05/8/24", "ngày 05/13/2024", "ngày    tháng    năm 2024",
                                  "năm 1890 ngày 01/01/1890"])
def test_no_date_is_made_up(text):
    assert find_dates(text) == []


def test_hours_and_numbers():
    assert find_hour("từ 10 giờ 30 phút ngày 01/3/2024")[0] == time(10, 30)
    assert find_hour("lúc 22h15")[0] == time(22, 15)
    assert find_hour("từ 08 giờ ngày")[0] == time(8, 0)
    assert clean_number("01 / 2026 / QĐ - CSĐT") == "01/2026/QĐ-CSĐT"


def test_kind_by_title_not_by_what_the_body_cites():
    text = ("CÔNG AN HUYỆN A\nSố: 3/QĐ-CSĐT\nQUYẾT ĐỊNH\nKHỞI TỐ BỊ CAN\n"
            "Căn cứ Quyết định khởi tố vụ án hình sự số 1/QĐ-CSĐT ngày 01/3/2024;\n")
    kind, _ = recognise(text)
    assert kind is not None and kind.key == "khoi_to_bi_can"
    assert recognise("QUYẾT ĐỊNH\nGIA HẠN THỜI HẠN ĐIỀU TRA\nCăn cứ Điều 172")[0] is None


def test_several_offences_and_accused_each_with_their_own_facts():
    text = (
        "CƠ QUAN CẢNH SÁT ĐIỀU TRA\nSố: 7/QĐ-CSĐT\nQUYẾT ĐỊNH\nKHỞI TỐ BỊ CAN\n"
        "Căn cứ Quyết định khởi tố vụ án hình sự số 5/QĐ-CSĐT ngày 02/01/2026;\nQUYẾT ĐỊNH:\n"
        "1. Họ tên: LÊ VĂN MỘT Giới tính: Nam\nSinh ngày 01 tháng 02 năm 1990 tại Hà Nội\n"
        "Nơi cư trú: xã A, huyện B, tỉnh C\n"
        "2. Họ tên: Trần Thị Hai\nSinh năm: 1985\nNơi thường trú: phường D, thành phố E\n"
        "Về các tội “Cướp tài sản” và “Cố ý gây thương tích” quy định tại điểm d khoản 2 Điều 168 và "
        "khoản 1 Điều 134 Bộ luật Hình sự.\n")
    r = read_document(text)
    assert [(p["name"].value, p.get("birth_date") and p["birth_date"].value, p["birth_year"].value,
             p["residence"].value) for p in r.persons] == [
        ("Lê Văn Một", date(1990, 2, 1), 1990, "xã A, huyện B, tỉnh C"),
        ("Trần Thị Hai", None, 1985, "phường D, thành phố E")]
    assert [(o["offence"].value, o["article"].value) for o in r.offences] == [
        ("Cướp tài sản", "điểm d khoản 2 Điều 168"), ("Cố ý gây thương tích", "khoản 1 Điều 134")]
    assert r.value("case_opening_no") == "5/QĐ-CSĐT" and r.value("case_opening_date") == date(2026, 1, 2)


def test_an_unreadable_field_is_empty_and_named():
    text = ("CÔNG AN HUYỆN A\nCƠ QUAN CẢNH SÁT ĐIỀU TRA\nSố:      /QĐ-CSĐT\nA, ngày     tháng     năm 2024\n"
            "QUYẾT ĐỊNH\nTẠM GIỮ\nĐiều 1. Tạm giữ đối với:\nHọ tên: Nguyễn Văn Ba\n"
            "Thời hạn tạm giữ tính từ ngày 01/3/2024 đến ngày 04/3/2024.\n")
    r = read_document(text)
    assert r.kind.key == "tam_giu"
    assert "doc_no" not in r.fields and "doc_date" not in r.fields and "custody_time" not in r.fields
    assert {"doc_no", "doc_date", "custody_time"} <= set(r.missing)
    assert r.value("custody_start") == date(2024, 3, 1) and r.value("custody_until") == date(2024, 3, 4)


def test_each_field_keeps_the_words_it_was_read_from():
    r = read_document((CORPUS / "docs" / "001-ktva-s1.txt").read_text(encoding="utf-8"))
    assert r.fields["doc_no"].source == "Số: 15/QĐ-CSĐT"
    assert "ngày 05 tháng 8 năm 2025" in r.fields["doc_date"].source
    assert all(0 < f.confidence <= 1 for f in r.fields.values())


def test_ocr_repairs_only_what_has_one_reading():
    r = read_document("CƠ QUAN CẢNH SÁT ĐIỀU TRA\nS6: 12/QĐ-CSĐT\nQUYẾT ĐỊNH\nKHỞI TỐ VỤ ÁN HÌNH SỰ\n"
                      "Điều L. Khởi tố vụ án hình sự “Trộm cắp tài sản” quy định tại khoản l Điều 173 Bộ luật Hình sự.",
                      ocr=True)
    assert r.value("doc_no") == "12/QĐ-CSĐT"
    assert r.offences[0]["article"].value == "khoản 1 Điều 173"
    assert r.fields["doc_no"].confidence < 0.95  # an OCR reading is less sure


def test_the_corpus_is_big_and_varied_enough():
    docs = corpus("docs")
    assert len(docs) >= 60
    assert len({e["kind"] for _, e in docs}) >= 6
    assert {d.suffix for d, _ in docs} >= {".txt", ".docx"}


def test_accuracy_floor_on_text_documents():
    per_field, per_kind, mistakes = run("docs")
    t = total(per_field)
    assert t.accuracy >= TEXT_ACCURACY_FLOOR, mistakes[:10]
    assert t.invented == 0, [m for m in mistakes if m[2] in (None, [])]  # nothing guessed where the text says nothing
    for kind, c in per_kind.items():
        assert c.accuracy >= TEXT_KIND_FLOOR, (kind, c)


def test_accuracy_floor_on_ocr_texts():
    """The OCR'd texts are committed (built by build_corpus.py --ocr with Tesseract): no Tesseract needed here."""
    docs = corpus("ocr")
    assert len(docs) >= 15 and len({e["kind"] for _, e in docs}) >= 6
    per_field, _, mistakes = run("ocr")
    assert total(per_field).accuracy >= OCR_ACCURACY_FLOOR, mistakes[:10]


def test_accuracy_floor_on_documents_typed_in_other_wordings():
    docs = corpus("handwritten")
    assert len(docs) >= 8
    per_field, _, mistakes = run("handwritten")
    assert total(per_field).accuracy >= HANDWRITTEN_ACCURACY_FLOOR, mistakes
