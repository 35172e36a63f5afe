import unicodedata
from datetime import date, datetime, time

import pytest

from macros_py.ledger.schema import CATEGORY
from macros_py.ledger.values import (
    texts_as_typed,
    BadValue,
    ChoiceMatcher,
    fold,
    parse_bool,
    parse_date,
    parse_date_list,
    parse_email,
    parse_int,
    parse_text,
    parse_time,
)


@pytest.mark.parametrize("raw", [
    "15/3/2024", "15/03/2024", "15-03-2024", "15.3.2024", " 15 / 03 / 2024 ", "ngày 15 tháng 3 năm 2024",
    "Ngày 15 tháng 03 năm 2024", "15 tháng 3 năm 2024", "2024-03-15", "15/03/2024 08:30",
    date(2024, 3, 15), datetime(2024, 3, 15, 10, 0), 45366, 45366.0, 45366.75,
])
def test_dates_in_every_form_clerks_type(raw):
    assert parse_date(raw) == date(2024, 3, 15)


def test_day_comes_before_month():
    assert parse_date("03/04/2024") == date(2024, 4, 3)
    assert parse_date("1/2/2025") == date(2025, 2, 1)


@pytest.mark.parametrize("raw, expected_words", [
    ("32/13/2024", "không có ngày"),
    ("29/02/2023", "không có ngày"),
    ("15/3/24", "4 chữ số"),
    ("15/03-2024", "không đọc được"),
    ("mười lăm tháng ba", "không đọc được"),
    ("2024", "không đọc được"),
    (2024, "không phải một ngày"),  # a year typed into a date cell reads as serial 2024 = 1905
    (True, "cần một ngày"),
    ("01/01/1900", "nằm ngoài khoảng"),
])
def test_bad_dates_are_refused_with_a_reason(raw, expected_words):
    with pytest.raises(BadValue, match=expected_words):
        parse_date(raw)


def test_blank_cells_are_none():
    for parse in (parse_date, parse_text, parse_int, parse_bool, parse_email, parse_time):
        assert parse("") is None
    assert parse_text("   ") is None
    assert parse_date_list("") == ()


def test_text_numbers_keep_their_digits():
    assert parse_text(12.0) == "12"
    assert parse_text("  Nguyễn   Văn  An ") == "Nguyễn Văn An"


def test_ints_bools_emails_times():
    assert parse_int(12.0) == 12 and parse_int("1990") == 1990
    with pytest.raises(BadValue):
        parse_int(1.5)
    with pytest.raises(BadValue):
        parse_int("một")
    assert parse_bool("Có") is True and parse_bool("co") is True and parse_bool("x") is True
    assert parse_bool("Không") is False and parse_bool(0) is False and parse_bool("chưa") is False
    with pytest.raises(BadValue):
        parse_bool("có lẽ")
    assert parse_email("an@vks.gov.vn") == "an@vks.gov.vn"
    for bad in ("an@", "An <an@vks.gov.vn>", "an@vks.gov.vn\nBcc: x@y.z", "an vks.gov.vn"):
        with pytest.raises(BadValue):
            parse_email(bad)
    assert parse_time("7:00") == time(7) and parse_time("07h30") == time(7, 30)
    assert parse_time(0.3125) == time(7, 30)
    with pytest.raises(BadValue):
        parse_time("25:00")


def test_date_lists():
    assert parse_date_list("02/09/2025; 1/9/2025") == (date(2025, 9, 1), date(2025, 9, 2))
    with pytest.raises(BadValue):
        parse_date_list("02/09/2025; 31/09/2025")


def test_choices_accept_spellings_and_abbreviations():
    match = ChoiceMatcher(CATEGORY)
    assert match("ít nghiêm trọng") == "Ít nghiêm trọng"
    assert match("IT NGHIEM TRONG") == "Ít nghiêm trọng"
    assert match("ĐBNT") == "Đặc biệt nghiêm trọng"
    assert match("rất NT") == "Rất nghiêm trọng"
    with pytest.raises(BadValue, match="Ít nghiêm trọng, Nghiêm trọng"):
        match("nghiêm trọng lắm")


def test_fold_ignores_case_diacritics_and_punctuation():
    assert fold("Ngày nhận hồ sơ, KLĐT:") == "ngay nhan ho so kldt"
    assert fold("  Số  TB (*) ") == "so tb"


def test_document_date_line_follows_decree_30():
    from macros_py.ledger.values import long_date

    assert long_date(date(2024, 8, 5)) == "ngày 05 tháng 8 năm 2024"
    assert long_date(date(2025, 2, 15)) == "ngày 15 tháng 02 năm 2025"
    assert long_date(date(2025, 12, 31)) == "ngày 31 tháng 12 năm 2025"


# texts as clerks type them: every shape of whitespace str.split knows, NFD and NFC, and clean ones
_TEXTS = ["98/2025/HS", "Nguyễn Đình An", "", " Nguyễn Văn An", "Nguyễn Văn An ", "Nguyễn  Văn An",
          "Công\u00a0an xã", "A\tB", "dòng 1\ndòng 2", "   ", unicodedata.normalize("NFD", "Trần Thị Ấn"),
          "Điều 249", "x\u2028y", "a\u3000b"]


@pytest.mark.parametrize("text", _TEXTS)
def test_column_check_agrees_with_the_cell_by_cell_parser(text):
    """texts_as_typed is a shortcut for parse_text over a whole column: whenever it says "as typed",
    parse_text must give back each text unchanged; and a column holding one text that needs work
    must never be waved through."""
    typed = parse_text(text) == (text or None)
    assert texts_as_typed(["Điều 171", text, "12/TB"]) is typed


def test_whole_column_of_clean_texts_is_as_typed():
    assert texts_as_typed([t for t in _TEXTS if parse_text(t) == (t or None)])
    assert not texts_as_typed(["a ", "b"]) and not texts_as_typed(["a", " b"])  # a space at a seam
