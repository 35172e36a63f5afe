"""Statistics: periods, Vietnamese name order, and every summary against counts made here by hand.

The expected numbers are counted in plain Python from the rows the sample ledger was built from
(`sample_rows` with the fixture's seed), not from the reader or from pandas, so a wrong filter,
a wrong column or a lost row in the statistics shows as a difference.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date

import pytest

from macros_py.law.deadlines import STATUS_OVERDUE, STATUS_SOON, compute_deadlines
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import (
    CATEGORY,
    CIVIL_STAGE,
    CIVIL_TYPE,
    CRIMINAL_STAGE,
    SHEETS_BY_KEY,
)
from macros_py.sample import sample_rows
from macros_py.stats.collation import name_key, sort_names, text_key
from macros_py.stats.periods import PeriodError, half_year_of, parse_period
from macros_py.stats.summaries import NO_STAFF, compute_statistics, decision_type_name, format_share
from tests.conftest import SAMPLE_ROWS, SAMPLE_SEED, TODAY
from workbook_templates.builder import create_ledger

PERIOD = "2026-Q1"  # holds TODAY (16/03/2026): every sheet of the sample has rows in it


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize("text, code, start, end, label", [
    ("2024-M03", "2024-M03", date(2024, 3, 1), date(2024, 3, 31), "tháng 3 năm 2024"),
    ("2024-m2", "2024-M02", date(2024, 2, 1), date(2024, 2, 29), "tháng 02 năm 2024"),
    ("2024-03", "2024-M03", date(2024, 3, 1), date(2024, 3, 31), "tháng 3 năm 2024"),
    ("2024-Q1", "2024-Q1", date(2024, 1, 1), date(2024, 3, 31), "quý I năm 2024"),
    ("2024-q4", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31), "quý IV năm 2024"),
    ("2024-H1", "2024-H1", date(2024, 1, 1), date(2024, 6, 30), "6 tháng đầu năm 2024"),
    ("2024-H2", "2024-H2", date(2024, 7, 1), date(2024, 12, 31), "6 tháng cuối năm 2024"),
    ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31), "năm 2024"),
])
def test_period_syntax(text, code, start, end, label):
    p = parse_period(text)
    assert (p.code, p.start, p.end, p.label) == (code, start, end, label)
    assert start in p and end in p
    assert date(start.year - 1, 12, 31) not in p
    assert (end.year, end.month) == list(p.months())[-1]


@pytest.mark.parametrize("text", ["", "2024-H3", "2024-Q5", "2024-M13", "24-H1", "2024/H1", "H1-2024", "1900"])
def test_bad_periods_are_refused_in_vietnamese(text):
    with pytest.raises(PeriodError, match="không hợp lệ|nằm ngoài"):
        parse_period(text)


def test_default_period_is_the_half_year_of_the_day():
    assert half_year_of(date(2024, 6, 30)).code == "2024-H1"
    assert half_year_of(date(2024, 7, 1)).code == "2024-H2"


def test_share_reads_the_vietnamese_way():
    assert format_share(47 / 255) == "18,43%"
    assert format_share(1.0) == "100%"
    assert format_share(0.0) == "0%"
    assert format_share(None) == "—"
    assert format_share(0.525) == "52,5%"


# ---------------------------------------------------------------- Vietnamese order


def test_letters_follow_the_vietnamese_alphabet_not_the_unicode_default():
    # ă, â, đ, ê, ô, ơ, ư are letters of their own: «ânh» comes after every «an...»
    words = ["ưa", "uz", "ơi", "ôm", "oz", "đa", "dz", "ânh", "ăn", "anz", "ba", "êm", "ez"]
    assert sorted(words, key=text_key) == ["anz", "ăn", "ânh", "ba", "dz", "đa", "ez", "êm", "oz", "ôm",
                                           "ơi", "uz", "ưa"]


def test_tones_order_level_grave_hook_tilde_acute_dot():
    words = ["mạ", "má", "mã", "mả", "mà", "ma"]
    random.Random(1).shuffle(words)
    assert sorted(words, key=text_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_letters_come_before_tones_and_syllables_one_by_one():
    assert sorted(["bà", "ban", "ba"], key=text_key) == ["ba", "bà", "ban"]
    assert sorted(["bà a", "ba ba"], key=text_key) == ["ba ba", "bà a"]


def test_names_sort_by_given_name_then_family_then_middle():
    names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Minh Anh", "Đặng Văn An", "Đinh Văn An", "Dương Văn An",
             "Vũ Quang Ánh", "Nguyễn Thị Ân", "Nguyễn Ân", "Bùi Thị Ấn"]
    expected = [
        "Dương Văn An",  # An first; families D < Đ < T, and Đặng < Đinh (ă < i)
        "Đặng Văn An",
        "Đinh Văn An",
        "Trần Thị An",
        "Lê Minh Anh",  # Anh after An (longer); level tone before the acute of Ánh
        "Vũ Quang Ánh",
        "Nguyễn Ân",  # Ân after every An... (â is the letter after ă and a); no middle name first
        "Nguyễn Thị Ân",
        "Bùi Thị Ấn",
        "Nguyễn Văn Bình",
    ]
    random.Random(3).shuffle(names)
    assert sort_names(names) == expected
    # same given and family name: the middle name decides (Nguyễn Ân has none: first)
    assert name_key("Nguyễn Ân") < name_key("Nguyễn Thị Ân")


def test_decomposed_and_composed_spellings_sort_alike():
    import unicodedata

    nfc, nfd = "Nguyễn Thị Ấn", unicodedata.normalize("NFD", "Nguyễn Thị Ấn")
    assert name_key(nfc)[:3] == name_key(nfd)[:3]


# ---------------------------------------------------------------- the summaries


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict]]:
    return sample_rows(SAMPLE_ROWS, seed=SAMPLE_SEED, today=TODAY)


@pytest.fixture(scope="module")
def stats(sample_ledger):
    return compute_statistics(read_ledger(sample_ledger), parse_period(PERIOD), TODAY)


def _in(d: date | None) -> bool:
    return d is not None and date(2026, 1, 1) <= d <= date(2026, 3, 31)


def _placed(sheet: str, row: dict) -> bool:
    day = {"tin_bao": row.get("receipt_date"), "an_hinh_su": row.get("opening_date"),
           "an_dan_su": row.get("acceptance_date"),
           "thi_hanh_an": row.get("received_date") or row.get("judgment_date"),
           "tam_dinh_chi": row.get("decision_date"), "so_quyet_dinh": row.get("date")}[sheet]
    return _in(day)


def _rows_in(rows, sheet):
    return [r for r in rows[sheet] if _placed(sheet, r)]


def test_by_type_counts(stats, rows):
    """Cases add up; tin báo, judgments to enforce and suspended cases are listed apart, in no total."""
    table = stats.table("theo_loai")
    civil = Counter(r["case_type"] for r in _rows_in(rows, "an_dan_su"))
    expected = {"Án hình sự": len(_rows_in(rows, "an_hinh_su")), **{t: civil.get(t, 0) for t in CIVIL_TYPE.canonical}}
    assert {label: v[0] for label, v in table.rows} == expected
    assert table.total == [len(_rows_in(rows, "an_hinh_su")) + len(_rows_in(rows, "an_dan_su"))]
    other = stats.table("tin_bao_tha")
    assert {label: v[0] for label, v in other.rows} == {
        "Tin báo": len(_rows_in(rows, "tin_bao")), "Thi hành án hình sự": len(_rows_in(rows, "thi_hanh_an")),
        "Tạm đình chỉ": len(_rows_in(rows, "tam_dinh_chi"))}
    assert other.total is None
    assert all(v[0] > 0 for _, v in other.rows[:2]) and expected["Án hình sự"] > 0


@pytest.mark.parametrize("key, column", [("theo_ksv", "prosecutor"), ("theo_pvt", "leader")])
def test_counts_per_prosecutor_and_per_deputy_head(stats, rows, key, column):
    table = stats.table(key)
    sheets = [k for k in ("tin_bao", "an_hinh_su", "an_dan_su", "thi_hanh_an", "tam_dinh_chi")
              if column in SHEETS_BY_KEY[k].keys]
    cases = [k for k in sheets if k in ("an_hinh_su", "an_dan_su")]
    other = [k for k in sheets if k not in cases]
    assert table.columns == (*(SHEETS_BY_KEY[k].title for k in cases), "Tổng số án, vụ việc",
                             *(SHEETS_BY_KEY[k].title for k in other))
    tally: dict[str, Counter] = {}
    for k in sheets:
        for r in _rows_in(rows, k):
            tally.setdefault(r.get(column) or NO_STAFF, Counter())[k] += 1
    got = {label: values for label, values in table.rows}
    assert set(got) == set(tally)
    for name, counts in tally.items():
        expected = [counts[k] for k in cases]
        assert got[name] == expected + [sum(expected)] + [counts[k] for k in other], name
    # the total counts each case once: no tin báo, no judgment to enforce, no suspended case again
    assert table.total[len(cases)] == sum(len(_rows_in(rows, k)) for k in cases)
    # Vietnamese order: by given name, then family name
    labels = [label for label, _ in table.rows if label != NO_STAFF]
    assert labels == sort_names(labels) and len(labels) >= 2
    assert NO_STAFF not in [label for label, _ in table.rows][:-1]


def test_criminal_cases_by_stage_and_crime_category(stats, rows):
    table = stats.table("hinh_su")
    cases = _rows_in(rows, "an_hinh_su")
    assert [label for label, _ in table.rows] == list(CRIMINAL_STAGE.canonical)
    assert table.columns == (*CATEGORY.canonical, "Tổng số")
    pairs = Counter((r["stage"], r["category"]) for r in cases)
    for stage, values in table.rows:
        assert values == [pairs[(stage, c)] for c in CATEGORY.canonical] + [
            sum(pairs[(stage, c)] for c in CATEGORY.canonical)]
    assert table.total[-1] == len(cases)


def test_civil_cases_by_stage_and_type(stats, rows):
    table = stats.table("dan_su")
    cases = _rows_in(rows, "an_dan_su")
    assert [label for label, _ in table.rows] == list(CIVIL_STAGE.canonical)
    pairs = Counter((r["stage"], r["case_type"]) for r in cases)
    for stage, values in table.rows:
        assert values[:-1] == [pairs[(stage, t)] for t in CIVIL_TYPE.canonical]
    assert table.total[-1] == len(cases)


def test_digitised_share_per_case_type(stats, rows):
    table = stats.table("so_hoa")
    expected: dict[str, tuple[int, int]] = {}
    crim = _rows_in(rows, "an_hinh_su")
    expected["Án hình sự"] = (len(crim), sum(1 for r in crim if r["digitised"]))
    for t in CIVIL_TYPE.canonical:
        part = [r for r in _rows_in(rows, "an_dan_su") if r["case_type"] == t]
        expected[t] = (len(part), sum(1 for r in part if r["digitised"]))
    got = {label: v for label, v in table.rows}
    assert set(got) == set(expected)  # suspended cases are already counted in their own sheet
    for label, (n, done) in expected.items():
        assert got[label][:2] == [n, done]
        assert got[label][2] == (pytest.approx(done / n) if n else None)  # 0 of 0 is no share
    n_all, done_all = sum(n for n, _ in expected.values()), sum(d for _, d in expected.values())
    assert table.total == pytest.approx([n_all, done_all, done_all / n_all])
    assert 0 < done_all < n_all


def test_overdue_and_due_soon_as_of_the_reference_day(sample_ledger, stats):
    """The prosecutor and deputy tables count the procuracy's own limits only; every overdue limit of another
    body (court, investigating body...) is one row of its own table, with how many days late."""
    report = compute_deadlines(read_ledger(sample_ledger), TODAY)
    pending = [d for d in report.deadlines if not d.done]
    overdue = [d for d in pending if d.status == STATUS_OVERDUE and d.procuracy_owned]
    soon = [d for d in pending if d.status == STATUS_SOON and d.procuracy_owned]
    others = [d for d in pending if d.status == STATUS_OVERDUE and not d.procuracy_owned]
    assert overdue and soon and others
    assert {d.actor for d in others} <= {"co_quan_dieu_tra", "toa_an", "co_quan_thi_hanh_an", "duong_su"}
    assert stats.table("thoi_han").total == [len(overdue), len(soon)]
    by_prosecutor = Counter((d.prosecutor or NO_STAFF, d.status) for d in overdue + soon)
    got = {label: v for label, v in stats.table("thoi_han_ksv").rows}
    assert got == {name: [by_prosecutor[(name, STATUS_OVERDUE)], by_prosecutor[(name, STATUS_SOON)]]
                   for name, _ in by_prosecutor}
    by_leader = Counter(d.leader or NO_STAFF for d in overdue + soon)
    assert {label: sum(v) for label, v in stats.table("thoi_han_pvt").rows} == dict(by_leader)
    listed = stats.table("co_quan_khac")
    assert len(listed.rows) == len(others)
    assert sorted(v[3] for _, v in listed.rows) == sorted((TODAY - d.due).days for d in others)
    assert {v[1] for _, v in listed.rows} == {d.title for d in others}
    assert all(v[0].startswith(("Tòa án", "Cơ quan điều tra", "Cơ quan thi hành án", "Người tham gia"))
               for _, v in listed.rows)
    assert stats.alert_days == report.alert_days == 10


def test_decisions_per_type_and_month(stats, rows):
    decisions = _rows_in(rows, "so_quyet_dinh")
    assert decisions
    by_type = Counter(decision_type_name(r["decision_type"]) for r in decisions)
    assert {label: v[0] for label, v in stats.table("quyet_dinh_loai").rows} == dict(by_type)
    by_month = Counter(r["date"].month for r in decisions)
    assert stats.table("quyet_dinh_thang").rows == [(f"{m:02d}/2026", [by_month[m]]) for m in (1, 2, 3)]


def test_period_edges_and_rows_without_a_date(tmp_path):
    """Hand-made ledger: the last and first day of a half year, and the fallback date of a judgment."""
    from workbook_templates.builder import build_workbook

    staff = [{"name": "Trần Văn Bình", "title": "Kiểm sát viên"}, {"name": "Lê Thị An", "title": "Kiểm sát viên"}]
    crim = [
        {"case_id": f"{i}/HS", "opening_date": d, "offence": "Trộm cắp tài sản", "category": "Nghiêm trọng",
         "stage": "Điều tra", "prosecutor": p, "digitised": dig}
        for i, (d, p, dig) in enumerate([(date(2024, 6, 30), "Trần Văn Bình", True),
                                         (date(2024, 7, 1), "Lê Thị An", True),
                                         (date(2024, 1, 1), "Lê Thị An", False),
                                         (date(2023, 12, 31), "Trần Văn Bình", True),
                                         (None, "Trần Văn Bình", True)], start=1)]  # no date: no period
    enforcement = [
        {"judgment_no": "1/HS-ST", "judgment_date": date(2024, 5, 2), "person": "Phạm Văn Cường",
         "received_date": date(2024, 7, 3)},  # received in H2: H2, though judged in H1
        {"judgment_no": "2/HS-ST", "judgment_date": date(2024, 5, 2), "person": "Phạm Văn Cường"},  # H1
    ]
    path = tmp_path / "edge.xlsx"
    build_workbook({"an_hinh_su": crim, "can_bo": staff, "thi_hanh_an": enforcement}).save(path)
    ledger = read_ledger(path)
    h1 = compute_statistics(ledger, parse_period("2024-H1"), date(2024, 7, 15))
    assert h1.table("theo_loai").value("Án hình sự", "Số thụ lý") == 2
    assert h1.table("tin_bao_tha").value("Thi hành án hình sự", "Số lượng") == 1
    assert h1.table("so_hoa").value("Án hình sự", "Số vụ đã số hóa") == 1
    assert h1.table("so_hoa").value("Án hình sự", "Tỷ lệ số hóa") == 0.5
    # the judgment has no prosecutor: counted under «(chưa phân công)», last
    assert [label for label, _ in h1.table("theo_ksv").rows] == ["Lê Thị An", "Trần Văn Bình", NO_STAFF]
    assert h1.undated == {"Án hình sự": 1}
    h2 = compute_statistics(ledger, parse_period("2024-H2"), date(2024, 7, 15))
    assert h2.table("theo_loai").value("Án hình sự", "Số thụ lý") == 1
    assert h2.table("tin_bao_tha").value("Thi hành án hình sự", "Số lượng") == 1
    assert [m for m, _ in h2.table("quyet_dinh_thang").rows] == [f"{m:02d}/2024" for m in range(7, 13)]


def test_an_empty_ledger_gives_empty_tables(tmp_path):
    path = tmp_path / "empty.xlsx"
    create_ledger(path)
    s = compute_statistics(read_ledger(path), parse_period("2024"), date(2024, 12, 31))
    assert s.table("theo_loai").total == [0]
    assert s.table("theo_ksv").rows == []
    assert s.table("so_hoa").total == [0, 0, None]
    assert s.table("quyet_dinh_thang").total == [0]


@pytest.mark.parametrize("setting, day, code", [
    (None, date(2026, 12, 1), "2026-H2"),  # the default: the six months holding the day
    ("6 tháng", date(2026, 6, 30), "2026-H1"),
    ("Quý", date(2026, 12, 1), "2026-Q4"),
    ("tháng", date(2026, 12, 1), "2026-M12"),
    ("năm", date(2026, 12, 1), "2026"),
    # «đã hết»: the last period that ended before the day
    ("6 tháng đã hết", date(2026, 12, 1), "2026-H1"),
    ("6 tháng đã hết", date(2026, 3, 16), "2025-H2"),
    ("quý đã hết", date(2026, 12, 1), "2026-Q3"),
    ("quý  đã hết", date(2026, 1, 1), "2025-Q4"),
    ("tháng đã hết", date(2026, 3, 1), "2026-M02"),
    ("năm đã hết", date(2026, 12, 1), "2025"),
])
def test_the_default_period_follows_the_units_setting(setting, day, code):
    from macros_py.stats.periods import default_period

    assert default_period(day, setting).code == code


def test_a_period_setting_that_means_nothing_is_refused_in_vietnamese():
    from macros_py.stats.periods import default_period

    with pytest.raises(PeriodError, match="Kỳ thống kê"):
        default_period(date(2026, 12, 1), "hai tuần")


def test_kiemsat_stats_takes_its_period_from_cau_hinh(tmp_path):
    from click.testing import CliRunner

    from addin.commands.cli import cli
    from workbook_templates.builder import build_workbook

    path = tmp_path / "so.xlsx"
    build_workbook({}, {"stats_period": "quý đã hết"}).save(path)
    result = CliRunner().invoke(cli, ["stats", str(path), "--today", "2026-12-01", "--json"], catch_exceptions=False)
    assert json.loads(result.stdout)["period"]["code"] == "2026-Q3"
