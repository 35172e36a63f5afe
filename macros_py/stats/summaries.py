"""Statistics for leaders: what clerks count by hand today, computed from the ledger.

`compute_statistics(ledger, period, today)` returns a `Statistics`: a list of `StatsTable`s
(each a titled table with a label column, value columns, an optional total row and an optional
chart), the same for the Thống kê sheet (`stats_sheet.py`), the Word report (`stats_report.py`)
and `kiemsat stats --json`, so the three always agree.

What is counted, and how a row belongs to the period:

* A case belongs to the period by the date it came to the procuracy, one column per sheet,
  defined once in `PERIOD_DATE` (the first filled column of the tuple wins): tin báo by
  «Ngày tiếp nhận», criminal cases by «Ngày khởi tố», civil and administrative cases by «Ngày
  thụ lý», judgments to enforce by «Ngày nhận bản án» (else «Ngày bản án»), suspended cases by
  «Ngày QĐ tạm đình chỉ», decisions of the Sổ quyết định by «Ngày». A row without that date is
  in no period; `Statistics.undated` counts them per sheet.
* Counts per prosecutor, per deputy head, by type and stage, by crime category and the
  digitised share are of the cases that belong to the period.
* Time limits (overdue, due within the unit's alert days) are the state on the reference day
  `today`, over every row of the ledger, whatever the period: a limit running today matters
  whenever its case came in.
* Decisions issued: the Sổ quyết định rows dated in the period, by «Loại quyết định» and by month.

Sheets, columns, labels and choice values all come from the schema; names sort the Vietnamese
way (`stats_names`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from macros_py.law.deadlines import (
    STATUS_OVERDUE,
    STATUS_SOON,
    DeadlineReport,
    compute_deadlines,
)
from macros_py.law.rules import default_rules
from macros_py.ledger.reader import Ledger
from macros_py.ledger.schema import SHEETS_BY_KEY, STAFF_TITLE, Choices, SheetSpec
from macros_py.ledger.values import fmt_date
from macros_py.stats.collation import name_key, text_key
from macros_py.stats.periods import Period
from macros_py.stats.standard import (
    STREAMS_BY_KEY,
    StandardTable,
    ledger_records,
    pending_limits,
    standard_tables,
)

__all__ = [
    "CASE_SHEETS", "COUNTED_SHEETS", "LISTING_TABLES", "NO_STAFF", "NO_VALUE", "PERIOD_DATE", "Chart", "Statistics", "StatsTable",
    "compute_statistics", "drawn_series", "format_share", "in_period",
]

# sheet key -> the date columns that place its rows in a period (first filled one wins)
PERIOD_DATE: dict[str, tuple[str, ...]] = {
    "tin_bao": ("receipt_date",),
    "an_hinh_su": ("opening_date",),
    "an_dan_su": ("acceptance_date",),
    "thi_hanh_an": ("received_date", "judgment_date"),
    "tam_dinh_chi": ("decision_date",),
    "so_quyet_dinh": ("date",),
}
# the sheets whose rows are cases (tin báo, vụ án, vụ việc, bản án), in schema order
CASE_SHEETS: tuple[str, ...] = ("tin_bao", "an_hinh_su", "an_dan_su", "thi_hanh_an", "tam_dinh_chi")
# the sheets whose rows add up to «án, vụ việc»: a tin báo is not yet a case, a judgment to enforce is
# another kind of work, and a suspended case is already a row of its own case sheet (counted once)
COUNTED_SHEETS: tuple[str, ...] = ("an_hinh_su", "an_dan_su")
CASES_TOTAL_LABEL = "Tổng số án, vụ việc"
# a sheet whose cases are split by a choice column in the «by type» and «digitised» tables
TYPE_COLUMN: dict[str, str] = {"an_dan_su": "case_type"}

# tables with one row per item and text columns (not counts): listed unit after unit, never summed
LISTING_TABLES = frozenset({"co_quan_khac"})
NO_STAFF = "(chưa phân công)"
NO_VALUE = "(chưa ghi)"
TOTAL_LABEL = "Tổng số"
TOTAL_ROW = "Cộng"


def _check_schema() -> None:
    """The columns named above must exist in the schema: a rename fails here, at import."""
    for key, cols in PERIOD_DATE.items():
        spec = SHEETS_BY_KEY[key]
        for col in cols:
            spec.column(col)
    for key, col in TYPE_COLUMN.items():
        assert SHEETS_BY_KEY[key].column(col).choices is not None


_check_schema()


def _sheets_with(column: str) -> tuple[SheetSpec, ...]:
    return tuple(SHEETS_BY_KEY[k] for k in CASE_SHEETS if column in SHEETS_BY_KEY[k].keys)


# ---------------------------------------------------------------- the result


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" (vertical columns), "hbar" (horizontal bars, stacked when several series), "line"
    title: str  # Vietnamese; starts with «Biểu đồ»
    series: tuple[int, ...]  # indexes of the table's value columns drawn
    axis_title: str = "Số vụ việc"


@dataclass
class StatsTable:
    key: str  # ASCII id, the JSON key
    title: str  # Vietnamese heading
    label: str  # header of the label column
    columns: tuple[str, ...]  # headers of the value columns
    rows: list[tuple[str, list[Any]]]  # (row label, values); None: no value (a share of 0/0); str in a listing
    total: list[float | int | None] | None = None  # the «Cộng» row
    shares: frozenset[int] = frozenset()  # value columns holding a share 0..1 (shown as %)
    chart: Chart | None = None
    note: str = ""  # Vietnamese, shown under the table
    form: bool = False  # the lines of a statistical form: numbered lines stay even when zero

    def value(self, row_label: str, column: str) -> float | int | None:
        j = self.columns.index(column)
        for label, values in self.rows:
            if label == row_label:
                return values[j]
        raise KeyError(row_label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "label": self.label, "columns": list(self.columns),
            "rows": [{"label": label, "values": dict(zip(self.columns, values))} for label, values in self.rows],
            "total": dict(zip(self.columns, self.total)) if self.total is not None else None,
        }


def drawn_series(table: StatsTable, chart: Chart) -> tuple[int, ...]:
    """The chart's series that hold a value other than zero (the first if every one is zero): a legend entry
    for a series that is zero everywhere says nothing. The sheet's charts and the report's images both use it."""
    kept = tuple(j for j in chart.series if any(values[j] for _, values in table.rows))
    return kept or chart.series[:1]


@dataclass
class Statistics:
    period: Period
    today: date  # reference day of the time limits
    alert_days: int
    source: str  # the ledger's file name
    tables: list[StatsTable]
    undated: dict[str, int] = field(default_factory=dict)  # sheet title -> rows without their period date
    head: str | None = None  # the Viện trưởng's name (sheet Cán bộ), who signs the report
    standard: list[StandardTable] = field(default_factory=list)  # the forms' tables, plain (they add up)

    def table(self, key: str) -> StatsTable:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.as_dict(), "today": self.today.isoformat(), "alert_days": self.alert_days,
            "source": self.source, "undated": self.undated,
            "tables": {t.key: t.as_dict() for t in self.tables},
            "standard": {t.key: {"title": t.title, "form": t.form, "units": list(t.units),
                                 "lines": [{"label": label.strip(), "values": dict(zip(t.units, values))}
                                           for label, values in t.lines]} for t in self.standard},
        }


def format_share(share: float | None) -> str:
    """0.1843 -> «18,43%», 1.0 -> «100%» (Vietnamese decimal comma); None (0 of 0) -> «—»."""
    if share is None:
        return "—"
    pct = round(share * 100, 2)
    text = f"{pct:.0f}" if pct == int(pct) else f"{pct:.2f}".rstrip("0")
    return text.replace(".", ",") + "%"


# ---------------------------------------------------------------- frames


def _frame(ledger: Ledger, spec: SheetSpec) -> pd.DataFrame:
    """The sheet's records as a DataFrame with every schema column, plus `_date` (the period date)."""
    records = [r.values for r in ledger.records(spec.key)]
    df = pd.DataFrame.from_records(records, columns=list(spec.keys)) if records else pd.DataFrame(
        columns=list(spec.keys))
    df = df.astype(object)
    dates = pd.Series([None] * len(df), index=df.index, dtype=object)
    for col in reversed(PERIOD_DATE.get(spec.key, ())):
        filled = df[col].notna()
        dates[filled] = df.loc[filled, col]
    df["_date"] = dates
    return df


def in_period(df: pd.DataFrame, period: Period) -> pd.DataFrame:
    mask = df["_date"].map(lambda d: d in period).astype(bool)
    return df[mask]


def _counts(series: pd.Series, fill: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.fillna(fill).value_counts().items()}


def _choice_order(choices: Choices, seen: Sequence[str]) -> list[str]:
    """The choice list's own order, then any other value seen (e.g. the «not filled» label)."""
    order = list(choices.canonical)
    return order + [v for v in seen if v not in order]


def _staff_order(names: Sequence[str]) -> list[str]:
    known = sorted((n for n in names if n != NO_STAFF), key=name_key)
    return known + ([NO_STAFF] if NO_STAFF in names else [])


def _total(rows: list[tuple[str, list[float | int | None]]], width: int) -> list[float | int | None]:
    return [sum(values[j] or 0 for _, values in rows) for j in range(width)]


# ---------------------------------------------------------------- the tables


class _Builder:
    def __init__(self, ledger: Ledger, period: Period, deadlines: DeadlineReport):
        self.ledger, self.period, self.deadlines = ledger, period, deadlines
        self.frames = {k: _frame(ledger, SHEETS_BY_KEY[k]) for k in PERIOD_DATE}
        self.current = {k: in_period(df, period) for k, df in self.frames.items()}
        self.undated = {SHEETS_BY_KEY[k].title: int(df["_date"].isna().sum())
                        for k, df in self.frames.items() if int(df["_date"].isna().sum())}

    def _type_rows(self) -> list[tuple[str, str, pd.DataFrame]]:
        """(sheet key, label, cases) per case type: one row per sheet, split by its type column if any."""
        out: list[tuple[str, str, pd.DataFrame]] = []
        for key in CASE_SHEETS:
            spec, df = SHEETS_BY_KEY[key], self.current[key]
            col = TYPE_COLUMN.get(key)
            if col is None:
                out.append((key, spec.title, df))
                continue
            choices = spec.column(col).choices
            assert choices is not None
            values = df[col].fillna(NO_VALUE)
            for v in _choice_order(choices, sorted(set(values), key=text_key)):
                label = v if v != NO_VALUE else f"{spec.title} {NO_VALUE}"
                part = df[values == v]
                if v in choices.canonical or len(part):
                    out.append((key, label, part))
        return out

    def by_type(self) -> list[StatsTable]:
        types = self._type_rows()
        rows: list[tuple[str, list[float | int | None]]] = [
            (label, [len(df)]) for key, label, df in types if key in COUNTED_SHEETS]
        other: list[tuple[str, list[float | int | None]]] = [
            (label, [len(df)]) for key, label, df in types if key not in COUNTED_SHEETS]
        return [
            StatsTable(
                "theo_loai", "Án, vụ việc thụ lý trong kỳ theo loại", "Loại án, vụ việc", ("Số thụ lý",),
                rows, _total(rows, 1),
                chart=Chart("bar", "Biểu đồ: án, vụ việc thụ lý trong kỳ theo loại", (0,)),
                note="Án hình sự tính theo ngày khởi tố; án dân sự, hành chính theo ngày thụ lý."),
            StatsTable(
                "tin_bao_tha", "Tin báo, bản án thi hành và vụ án tạm đình chỉ trong kỳ", "Loại việc",
                ("Số lượng",), other, None,
                note="Không cộng vào số án, vụ việc: tin báo tính theo ngày tiếp nhận; thi hành án theo ngày "
                     "nhận bản án; vụ án tạm đình chỉ (theo ngày quyết định) đã có trong số án của nó."),
        ]

    def by_staff(self, column: str, key: str, title: str, label: str, chart_title: str) -> StatsTable:
        """The cases per person, their total, then the other work (tin báo, enforcement, suspended) apart."""
        specs = _sheets_with(column)
        cases = [s for s in specs if s.key in COUNTED_SHEETS]
        other = [s for s in specs if s.key not in COUNTED_SHEETS]
        counts = {spec.title: _counts(self.current[spec.key][column], NO_STAFF) for spec in specs}
        names = _staff_order(sorted({n for c in counts.values() for n in c}))
        columns = (*(s.title for s in cases), CASES_TOTAL_LABEL, *(s.title for s in other))
        rows: list[tuple[str, list[float | int | None]]] = []
        for name in names:
            values = [counts[spec.title].get(name, 0) for spec in cases]
            rows.append((name, [*values, sum(values), *(counts[s.title].get(name, 0) for s in other)]))
        return StatsTable(key, title, label, columns, rows, _total(rows, len(columns)),
                          chart=Chart("hbar", chart_title, tuple(range(len(cases)))),
                          note="Tổng số án, vụ việc không gồm tin báo, bản án thi hành và vụ án tạm đình chỉ.")

    def crosstab(self, key: str, title: str, sheet: str, row_col: str, col_col: str) -> StatsTable:
        spec, df = SHEETS_BY_KEY[sheet], self.current[sheet]
        row_choices, col_choices = spec.column(row_col).choices, spec.column(col_col).choices
        assert row_choices is not None and col_choices is not None
        r = df[row_col].fillna(NO_VALUE)
        c = df[col_col].fillna(NO_VALUE)
        table = pd.crosstab(r, c) if len(df) else pd.DataFrame()
        row_order = _choice_order(row_choices, sorted(set(r), key=text_key))
        col_order = _choice_order(col_choices, sorted(set(c), key=text_key))
        table = table.reindex(index=row_order, columns=col_order, fill_value=0)
        rows = [(str(label), [*(int(v) for v in table.loc[label]), int(table.loc[label].sum())])
                for label in row_order]
        columns = tuple(col_order) + (TOTAL_LABEL,)
        return StatsTable(key, title, spec.column(row_col).label, columns, rows, _total(rows, len(columns)))

    def digitised(self) -> StatsTable:
        rows: list[tuple[str, list[float | int]]] = []
        sheets = {s.key for s in _sheets_with("digitised")}
        for key, label, df in self._type_rows():
            if key not in sheets or key not in COUNTED_SHEETS:
                continue
            total = len(df)
            done = int((df["digitised"] == True).sum())
            rows.append((label, [total, done, done / total if total else None]))
        total_n = sum(int(v[0] or 0) for _, v in rows)
        total_done = sum(int(v[1] or 0) for _, v in rows)
        return StatsTable(
            "so_hoa", "Hồ sơ đã số hóa (vụ việc thụ lý trong kỳ)", "Án, vụ việc",
            ("Tổng số vụ", "Số vụ đã số hóa", "Tỷ lệ số hóa"), rows,
            [total_n, total_done, total_done / total_n if total_n else None], shares=frozenset({2}),
            chart=Chart("bar", "Biểu đồ: tỷ lệ hồ sơ đã số hóa", (2,), axis_title="Tỷ lệ"))

    def deadline_tables(self) -> list[StatsTable]:
        """The procuracy's own limits (by kind, prosecutor, deputy head); other bodies' overdue limits apart,
        one row per limit, the basis of a kiến nghị: a court's late judgment is no prosecutor's delay."""
        pending = [d for d in self.deadlines.pending() if d.status in (STATUS_OVERDUE, STATUS_SOON)]
        own = [d for d in pending if d.procuracy_owned]
        today, days = fmt_date(self.deadlines.today), self.deadlines.alert_days
        columns = ("Đã quá hạn", f"Sắp hết hạn (còn ≤ {days} ngày)")
        note = (f"Thời hạn Viện kiểm sát phải thực hiện, tính đến ngày {today}, trên mọi án, vụ việc đang theo dõi "
                f"(không phụ thuộc kỳ báo cáo); sắp hết hạn là còn không quá {days} ngày. Thời hạn của cơ quan "
                f"khác ở bảng «vi phạm thời hạn của cơ quan khác».")

        def count(key_of: Any, order: Any) -> list[tuple[str, list[Any]]]:
            tally: dict[str, list[int]] = {}
            for d in own:
                row = tally.setdefault(key_of(d), [0, 0])
                row[0 if d.status == STATUS_OVERDUE else 1] += 1
            return [(k, list(tally[k])) for k in order(list(tally))]

        rank = {rule.id: i for i, rule in enumerate(default_rules())}  # the rules table's order
        titles = {d.title: rank.get(d.kind, len(rank)) for d in own}
        by_kind = count(lambda d: d.title, lambda ks: sorted(ks, key=lambda t: (titles[t], text_key(t))))
        by_prosecutor = count(lambda d: d.prosecutor or NO_STAFF, _staff_order)
        by_leader = count(lambda d: d.leader or NO_STAFF, _staff_order)
        return [
            StatsTable("thoi_han", f"Thời hạn của Viện kiểm sát đã quá hạn, sắp hết hạn tính đến ngày {today}",
                       "Loại thời hạn", columns, by_kind, _total(by_kind, 2), note=note),
            StatsTable("thoi_han_ksv", "Thời hạn của Viện kiểm sát đã quá hạn, sắp hết hạn theo Kiểm sát viên",
                       "Kiểm sát viên", columns, by_prosecutor, _total(by_prosecutor, 2)),
            StatsTable("thoi_han_pvt", "Thời hạn của Viện kiểm sát đã quá hạn, sắp hết hạn theo Phó Viện trưởng",
                       "Phó Viện trưởng", columns, by_leader, _total(by_leader, 2)),
            self.other_bodies(),
        ]

    def other_bodies(self) -> StatsTable:
        """Every overdue limit another body must keep (investigating body, court, enforcement body...): the
        case, the body, the limit, its due date and how many days late, most late first."""
        late = [d for d in self.deadlines.pending() if d.status == STATUS_OVERDUE and not d.procuracy_owned]
        late.sort(key=lambda d: (d.days_left, d.sheet, d.row))
        bodies = {r.where: r.values for key in ("tin_bao", "an_hinh_su", "an_dan_su", "thi_hanh_an")
                  for r in self.ledger.records(key)}
        rows: list[tuple[str, list[Any]]] = []
        for d in late:
            values = bodies.get((d.sheet_name, d.row), {})
            named = values.get("investigating_body") if d.actor == "co_quan_dieu_tra" else values.get("court")
            body = f"{d.actor_label} ({named})" if named else d.actor_label
            case = d.case or f"{d.sheet_name}, dòng {d.row}"
            if d.person:
                case = f"{case} - {d.person}"
            rows.append((case, [body, d.title, fmt_date(d.due), -d.days_left]))
        return StatsTable(
            "co_quan_khac", f"Vi phạm thời hạn của cơ quan khác tính đến ngày {fmt_date(self.deadlines.today)}",
            "Vụ án, vụ việc", ("Cơ quan phải thực hiện", "Thời hạn", "Hạn cuối", "Quá hạn (ngày)"), rows,
            note="Thời hạn do Cơ quan điều tra, Tòa án, cơ quan thi hành án phải thực hiện đã hết mà chưa thực "
                 "hiện: căn cứ để Viện kiểm sát kiến nghị; không tính vào thời hạn của Kiểm sát viên.")

    def standard(self, today: date) -> tuple[list[StandardTable], list[StatsTable]]:
        """The forms' tables of the period, plain and as report tables."""
        plain = standard_tables(ledger_records(self.ledger), self.period, today, pending_limits(self.deadlines))
        shown = [StatsTable(t.key, f"{t.title} ({t.form})", "Chỉ tiêu", t.units,
                            [(label, list(values)) for label, values in t.lines],
                            note=t.note or STREAMS_BY_KEY[t.key].note, form=True) for t in plain]
        return plain, shown

    def decisions(self) -> list[StatsTable]:
        df = self.current["so_quyet_dinh"]
        names = decision_type_names(list(df["decision_type"]))
        types = df["decision_type"].map(lambda v: names.get(str(v).strip()) if isinstance(v, str) else None)
        types = types.fillna(NO_VALUE)
        by_type = sorted(_counts(types, NO_VALUE).items(), key=lambda kv: (-kv[1], text_key(kv[0])))
        type_rows: list[tuple[str, list[float | int]]] = [(k, [v]) for k, v in by_type]
        months = pd.Series([(d.year, d.month) for d in df["_date"]], dtype=object)
        per_month = months.value_counts().to_dict() if len(months) else {}
        month_rows: list[tuple[str, list[float | int]]] = [
            (f"{m:02d}/{y}", [int(per_month.get((y, m), 0))]) for y, m in self.period.months()]
        return [
            StatsTable("quyet_dinh_loai", "Quyết định đã ban hành trong kỳ theo loại", "Loại quyết định",
                       ("Số lượng",), type_rows, _total(type_rows, 1),
                       note="Theo Sổ quyết định, tính theo ngày quyết định."),
            StatsTable("quyet_dinh_thang", "Quyết định đã ban hành theo tháng", "Tháng", ("Số lượng",),
                       month_rows, _total(month_rows, 1),
                       chart=Chart("bar", "Biểu đồ: quyết định ban hành theo tháng", (0,),
                                   axis_title="Số quyết định")),
        ]


def decision_type_names(values: Sequence[Any]) -> dict[str, str]:
    """One name per decision type: a register's shorter spelling of a type that is the start of exactly one longer
    spelling in the same register («Phân công ... kiểm sát điều tra» and «... kiểm sát điều tra vụ án hình sự»)
    is read as that longer one. Values that are the start of several others stay as written."""
    def norm(t: str) -> str:
        return " ".join(unicodedata.normalize("NFC", t).lower().replace(",", " ").split())

    seen = sorted({str(v).strip() for v in values if isinstance(v, str) and v.strip()}, key=len)
    out: dict[str, str] = {}
    for v in seen:
        longer = [w for w in seen if len(w) > len(v) and norm(w).startswith(norm(v)) and norm(w) != norm(v)]
        maximal = [w for w in longer if not any(norm(x).startswith(norm(w)) and len(x) > len(w) for x in longer)]
        out[v] = maximal[0] if len(maximal) == 1 else v
    return out


def compute_statistics(ledger: Ledger, period: Period, today: date,
                       deadlines: DeadlineReport | None = None) -> Statistics:
    """Every summary table of `ledger` for `period`; time limits as of `today`."""
    report = deadlines if deadlines is not None else compute_deadlines(ledger, today)
    b = _Builder(ledger, period, report)
    plain, forms = b.standard(today)
    tables = [
        *forms,
        *b.by_type(),
        b.by_staff("prosecutor", "theo_ksv", "Án, vụ việc thụ lý trong kỳ theo Kiểm sát viên", "Kiểm sát viên",
                   "Biểu đồ: án, vụ việc thụ lý trong kỳ theo Kiểm sát viên"),
        b.by_staff("leader", "theo_pvt", "Án, vụ việc thụ lý trong kỳ theo Phó Viện trưởng phụ trách",
                   "Phó Viện trưởng", "Biểu đồ: án, vụ việc thụ lý trong kỳ theo Phó Viện trưởng"),
        b.crosstab("hinh_su", "Án hình sự thụ lý trong kỳ theo giai đoạn và loại tội phạm", "an_hinh_su",
                   "stage", "category"),
        b.crosstab("dan_su", "Án dân sự, hành chính thụ lý trong kỳ theo giai đoạn và loại vụ việc",
                   "an_dan_su", "stage", "case_type"),
        b.digitised(),
        *b.deadline_tables(),
        *b.decisions(),
    ]
    head_title = STAFF_TITLE.canonical[0]  # «Viện trưởng»
    head = next((r.values["name"] for r in ledger.records("can_bo")
                 if r.values.get("title") == head_title and r.values.get("name")), None)
    return Statistics(period, today, report.alert_days, ledger.path.name, tables, b.undated, head, plain)
