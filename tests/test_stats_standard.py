"""The standard tables (the lines of the ngành's statistical forms), the ngành's periods, and `stats --write`
refusing an open ledger before anything is written.

The identities (cũ + mới = tổng; tổng = đã giải quyết + còn lại; the outcomes add up to «đã giải quyết»;
quá hạn ≤ còn lại) are checked over generated ledgers (hypothesis), together with counts made here from the
generated dates, and the sum of two units' tables equals the table of their records together (a province)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macros_py.ledger.schema import CIVIL_STAGE, CIVIL_TYPE, CRIMINAL_STAGE, RETURNED_BY, TIP_OUTCOME
from macros_py.stats.periods import PERIOD_NAMES, PeriodError, default_period, parse_period
from macros_py.stats.standard import (
    LINE_NEW,
    LINE_OLD,
    LINE_OVERDUE,
    LINE_REMAINING,
    LINE_RESOLVED,
    LINE_TOTAL,
    STREAMS,
    add_tables,
    check_identities,
    standard_tables,
)

# ---------------------------------------------------------------- the ngành's periods


@pytest.mark.parametrize("text, start, end, label", [
    ("2026-K12", date(2025, 12, 1), date(2026, 11, 30), "12 tháng năm 2026"),
    ("2026-k6", date(2025, 12, 1), date(2026, 5, 31), "6 tháng năm 2026"),
    ("2024-K12", date(2023, 12, 1), date(2024, 11, 30), "12 tháng năm 2024"),  # 2024: 29/02 inside
])
def test_the_sectors_periods_run_from_the_first_of_december(text, start, end, label):
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.code == text.upper()


@pytest.mark.parametrize("setting, day, code", [
    ("12 tháng ngành", date(2026, 11, 30), "2026-K12"),
    ("12 tháng ngành", date(2026, 12, 1), "2027-K12"),  # 01/12 opens the next statistical year
    ("12 tháng ngành đã hết", date(2026, 12, 6), "2026-K12"),
    ("6 tháng ngành", date(2026, 3, 1), "2026-K6"),
    ("6 tháng ngành đã hết", date(2026, 7, 1), "2026-K6"),  # ended on 31/05
    ("6 tháng ngành đã hết", date(2026, 3, 1), "2025-K6"),
])
def test_the_period_setting_knows_the_sectors_periods(setting, day, code):
    assert default_period(day, setting).code == code


def test_a_wrong_sector_period_is_refused_and_every_kind_is_named():
    with pytest.raises(PeriodError, match="2024-K12"):
        parse_period("2026-K3")
    assert [parse_period(code).code for code, _ in PERIOD_NAMES] == [c for c, _ in PERIOD_NAMES]


def test_stats_help_lists_the_period_names():
    from click.testing import CliRunner

    from addin.commands.cli import cli

    text = " ".join(CliRunner().invoke(cli, ["stats", "--help"]).output.split())
    for code in ("2026-M03", "2026-Q1", "2026-H1", "2026-K6", "2026-K12"):
        assert code in text
    assert "01/12/2025 - 30/11/2026" in text


# ---------------------------------------------------------------- generated ledgers

DAYS = st.dates(date(2024, 6, 1), date(2027, 6, 30))
MAYBE_DAY = st.one_of(st.none(), DAYS)
CASE_IDS = st.sampled_from([f"{n}/HS" for n in range(1, 9)])


def _tip() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({
        "receipt_date": MAYBE_DAY, "outcome_date": MAYBE_DAY,
        "outcome": st.one_of(st.none(), st.sampled_from(TIP_OUTCOME.canonical))})


def _criminal() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({
        "case_id": CASE_IDS, "opening_date": MAYBE_DAY, "file_received": MAYBE_DAY, "indictment_date": MAYBE_DAY,
        "court_accepted": MAYBE_DAY, "hearing_date": MAYBE_DAY, "judgment_date": MAYBE_DAY,
        "resumed_date": MAYBE_DAY, "stage": st.one_of(st.none(), st.sampled_from(CRIMINAL_STAGE.canonical)),
        "returned_by": st.one_of(st.none(), st.sampled_from(RETURNED_BY.canonical))})


def _defendant() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({
        "case_id": CASE_IDS, "custody_start": MAYBE_DAY, "detention_start": MAYBE_DAY, "released_date": MAYBE_DAY})


def _civil() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({
        "acceptance_date": MAYBE_DAY, "judgment_date": MAYBE_DAY, "hearing_date": MAYBE_DAY,
        "case_type": st.sampled_from(CIVIL_TYPE.canonical), "case_id": st.sampled_from(["1/DS", "2/HC", "3/DS"]),
        "stage": st.one_of(st.none(), st.sampled_from(CIVIL_STAGE.canonical))})


def _enforcement() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({
        "received_date": MAYBE_DAY, "judgment_date": MAYBE_DAY, "enforcement_decision_date": MAYBE_DAY})


def _suspended() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({"case_id": st.one_of(CASE_IDS, st.just("1/DS")), "decision_date": MAYBE_DAY})


def _numbered(rows: list[dict]) -> list[dict]:
    return [{**r, "_row": i + 3} for i, r in enumerate(rows)]


LEDGERS = st.fixed_dictionaries({
    "tin_bao": st.lists(_tip(), max_size=12).map(_numbered),
    "an_hinh_su": st.lists(_criminal(), max_size=12).map(_numbered),
    "bi_can": st.lists(_defendant(), max_size=12).map(_numbered),
    "an_dan_su": st.lists(_civil(), max_size=10).map(_numbered),
    "thi_hanh_an": st.lists(_enforcement(), max_size=8).map(_numbered),
    "tam_dinh_chi": st.lists(_suspended(), max_size=4).map(_numbered),
})
PERIODS = st.sampled_from(["2026-K12", "2026-K6", "2025-K12", "2026-M03", "2026-H2", "2026"]).map(parse_period)


def _overdue(records: dict, rng_days: int) -> list[tuple[str, int, str, date]]:
    """Every row of every stream with one of its limits due `rng_days` after the row's first date."""
    out = []
    for stream in STREAMS:
        for r in records[stream.sheet]:
            first = next((v for k, v in r.items() if isinstance(v, date)), None)
            if first is not None:
                out.append((stream.sheet, r["_row"], sorted(stream.rules)[0], first + timedelta(days=rng_days)))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=LEDGERS, period=PERIODS, late=st.integers(0, 400))
def test_identities_hold_on_any_ledger(records, period, late):
    tables = standard_tables(records, period, date(2026, 12, 6), _overdue(records, late))
    assert [t.key for t in tables] == [s.key for s in STREAMS]
    for t in tables:
        assert check_identities(t) == [], t.title
        for label, values in t.lines:
            assert all(v >= 0 for v in values), (t.title, label)
    # the new tin báo are those received in the period, counted here from the generated dates
    tips = next(t for t in tables if t.key == "tk_tin_bao")
    assert tips.line(LINE_NEW) == [sum(1 for r in records["tin_bao"] if r["receipt_date"] in period)]
    carried = sum(1 for r in records["tin_bao"] if r["receipt_date"] and r["receipt_date"] < period.start
                  and not (r["outcome"] and (r["outcome_date"] or r["receipt_date"]) < period.start)
                  and not (r["outcome"] is None and r["outcome_date"] and max(r["outcome_date"], r["receipt_date"])
                           < period.start))
    assert tips.line(LINE_OLD) == [carried]
    # bị can: a case with its defendants; the defendants' column never counts fewer than... its cases with any
    investigation = next(t for t in tables if t.key == "tk_dieu_tra")
    per_case = {}
    for d in records["bi_can"]:
        per_case[d["case_id"]] = per_case.get(d["case_id"], 0) + 1
    new_cases = [r for r in records["an_hinh_su"] if r["opening_date"] in period]
    assert investigation.line(LINE_NEW) == [len(new_cases), sum(per_case.get(r["case_id"], 0) for r in new_cases)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=LEDGERS, second=LEDGERS, period=PERIODS)
def test_the_tables_of_two_units_add_up_to_the_table_of_both(first, second, period):
    """A province sums its units' tables: the sum equals the table of all their records (case ids kept apart)."""
    def renamed(records: dict, tag: str) -> dict:
        return {k: [{**r, "case_id": f"{tag}{r['case_id']}"} if "case_id" in r else r for r in rows]
                for k, rows in records.items()}

    a, b = renamed(first, "A"), renamed(second, "B")
    both = {k: a[k] + [{**r, "_row": r["_row"] + 1000} for r in b[k]] for k in a}
    today = date(2026, 12, 6)
    summed = [add_tables(x, y) for x, y in zip(standard_tables(a, period, today), standard_tables(b, period, today))]
    whole = standard_tables(both, period, today)
    for s, w in zip(summed, whole):
        assert dict(s.lines) == dict(w.lines), s.title
        assert check_identities(s) == []


def test_a_hand_counted_year_of_tin_bao():
    """01/12/2025 - 30/11/2026: counted by hand line by line."""
    rows = [
        {"receipt_date": date(2025, 11, 20), "outcome": "Khởi tố vụ án", "outcome_date": date(2025, 11, 30)},  # out
        {"receipt_date": date(2025, 11, 25), "outcome": "Khởi tố vụ án", "outcome_date": date(2025, 12, 1)},  # cũ
        {"receipt_date": date(2025, 10, 1), "outcome": None, "outcome_date": None},  # cũ, còn lại, quá hạn
        {"receipt_date": date(2025, 12, 1), "outcome": "Không khởi tố vụ án", "outcome_date": date(2026, 2, 1)},
        {"receipt_date": date(2026, 11, 30), "outcome": "Tạm đình chỉ", "outcome_date": date(2026, 12, 2)},  # left
        {"receipt_date": date(2026, 6, 1), "outcome": "Tạm đình chỉ", "outcome_date": None},  # resolved, no date
        {"receipt_date": date(2026, 12, 1), "outcome": None, "outcome_date": None},  # next year: out
    ]
    records = {"tin_bao": _numbered(rows)}
    overdue = [("tin_bao", 5, "tin_bao", date(2025, 11, 1)),  # row 5 is the third: still open, late
               ("tin_bao", 7, "tin_bao", date(2026, 12, 2))]  # due after the period's end: not late in it
    table = standard_tables(records, parse_period("2026-K12"), date(2026, 12, 6), overdue)[0]
    assert table.line(LINE_OLD) == [2]
    assert table.line(LINE_NEW) == [3]
    assert table.line(LINE_TOTAL) == [5]
    assert table.line(LINE_RESOLVED) == [3]
    assert dict(table.outcomes()) == {"Khởi tố vụ án": [1], "Không khởi tố vụ án": [1], "Tạm đình chỉ": [1],
                                      "Chuyển cơ quan có thẩm quyền": [0]}
    assert table.line(LINE_REMAINING) == [2]
    assert table.line(LINE_OVERDUE) == [1]


# ---------------------------------------------------------------- the demo-sized ledger, end to end


def test_the_twelve_month_statistics_of_a_sample_ledger(sample_ledger):
    from macros_py.ledger.reader import read_ledger
    from macros_py.stats.summaries import compute_statistics

    stats = compute_statistics(read_ledger(sample_ledger), parse_period("2026-K12"), date(2026, 12, 6))
    assert [t.key for t in stats.standard] == [s.key for s in STREAMS]
    for t in stats.standard:
        assert check_identities(t) == []
    assert sum(t.line(LINE_TOTAL)[0] for t in stats.standard) > 0
    shown = stats.table("tk_truy_to")
    assert shown.form and shown.columns == ("Vụ", "Bị can")
    assert stats.as_dict()["standard"]["tk_truy_to"]["units"] == ["Vụ", "Bị can"]


# ---------------------------------------------------------------- refusing an open ledger


def test_stats_write_refuses_an_open_ledger_before_writing_or_printing(sample_ledger, tmp_path):
    import shutil

    from click.testing import CliRunner

    from addin.commands.cli import cli

    ledger = tmp_path / "so.xlsx"
    shutil.copy(sample_ledger, ledger)
    before = ledger.read_bytes()
    (tmp_path / "~$so.xlsx").write_bytes(b"lock")
    report = tmp_path / "bao_cao.docx"
    result = CliRunner().invoke(cli, ["stats", str(ledger), "--period", "2026-K12", "--today", "2026-12-06",
                                      "--write", "--out", str(report)])
    assert result.exit_code == 2
    assert not report.exists()
    assert ledger.read_bytes() == before
    assert result.stdout == ""  # no summary
    assert "đang được mở" in result.stderr and "~$so.xlsx" in result.stderr
