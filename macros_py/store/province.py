"""The province's views over every unit's current snapshot.

`build_view(store, period, today)` gives:

* the deadlines of every unit that are overdue or due within the unit's alert days, most urgent first
  (a person held past the order first, then by days left), with counts by unit and by prosecutor;
* the statistics: each unit's tables are computed by `macros_py.stats.summaries.compute_statistics` from its
  published rows (the same tables as the unit's own report), then summed (`sum_statistics`); each summed
  table is followed by one line per unit;
* the state of each unit's report for the period (chưa gửi, đã gửi, bị trả lại with the reason) and the
  commands that send it up and back;
* the units with no new snapshot for `stale_days` days, and those whose snapshot could not be read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone

from macros_py.law.deadlines import STATUS_OVERDUE, STATUS_SOON, Deadline, DeadlineReport
from macros_py.stats.periods import Period
from macros_py.stats.summaries import NO_STAFF, TOTAL_ROW, Statistics, StatsTable, compute_statistics
from macros_py.store.connect import Store
from macros_py.store.load import UnitData, load_units
from macros_py.store.reports import ReportState, report_states

# the statistics tables whose rows are people: summed across units, a name is shown with its unit (two units
# may each have a «Nguyễn Văn A»)
PERSON_TABLES = frozenset({"theo_ksv", "theo_pvt", "thoi_han_ksv", "thoi_han_pvt"})
STALE_DAYS = 7


@dataclass
class UnitDeadline:
    unit: UnitData
    deadline: Deadline

    @property
    def unit_name(self) -> str:
        return self.unit.info.unit_name


@dataclass
class ProvinceView:
    today: date
    period: Period
    store: str  # the store's address as shown (no secret)
    units: list[UnitData]
    urgent: list[UnitDeadline]  # overdue and due soon, most urgent first
    summed: Statistics | None  # every readable unit's tables summed, each followed by the units' lines
    per_unit: dict[str, Statistics] = field(default_factory=dict)  # by «Mã sổ»
    reports: dict[str, ReportState] = field(default_factory=dict)
    stale: list[UnitData] = field(default_factory=list)
    stale_days: int = STALE_DAYS

    @property
    def read(self) -> list[UnitData]:
        return [u for u in self.units if u.ledger is not None]

    @property
    def refused(self) -> list[UnitData]:
        return [u for u in self.units if u.ledger is None]

    def overdue(self) -> list[UnitDeadline]:
        return [x for x in self.urgent if x.deadline.status == STATUS_OVERDUE]

    def by_unit(self) -> list[tuple[str, str, int, int]]:
        """(unit name, «Mã sổ», overdue, due soon), every unit read, most overdue first."""
        counts = {u.info.code: [0, 0] for u in self.read}
        for x in self.urgent:
            counts[x.unit.info.code][0 if x.deadline.status == STATUS_OVERDUE else 1] += 1
        names = {u.info.code: u.info.unit_name for u in self.read}
        return sorted(((names[c], c, a, b) for c, (a, b) in counts.items()), key=lambda r: (-r[2], -r[3], r[0]))

    def by_prosecutor(self) -> list[tuple[str, str, int, int]]:
        """(unit name, prosecutor, overdue, due soon), most overdue first."""
        tally: Counter[tuple[str, str, str]] = Counter()
        for x in self.urgent:
            tally[(x.unit_name, x.deadline.prosecutor or NO_STAFF, x.deadline.status)] += 1
        keys = {(u, p) for u, p, _ in tally}
        rows = [(u, p, tally[(u, p, STATUS_OVERDUE)], tally[(u, p, STATUS_SOON)]) for u, p in keys]
        return sorted(rows, key=lambda r: (-r[2], -r[3], r[0], r[1]))


def province_settings(view: ProvinceView) -> dict[str, str]:
    """The heading of the province's Word report: the units' «Đơn vị cấp trên» is the province, its own parent
    the Supreme People's Procuracy; the place as most units write it."""
    parents = Counter(u.info.parent_unit for u in view.read if u.info.parent_unit)
    places = Counter(str(u.ledger.settings.get("place") or "") for u in view.read if u.ledger is not None)
    return {"unit_name": parents.most_common(1)[0][0] if parents else "VIỆN KIỂM SÁT NHÂN DÂN CẤP TỈNH",
            "parent_unit": "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO",
            "place": places.most_common(1)[0][0] if places else "", "doc_symbol": "VKS"}


def urgency_key(x: UnitDeadline) -> tuple:
    d = x.deadline
    return (not d.held_overdue, d.status != STATUS_OVERDUE, d.days_left, x.unit_name, d.sheet_name, d.row)


def _add(a: list, b: list) -> list:
    return [(x or 0) + (y or 0) if (x is not None or y is not None) else None for x, y in zip(a, b)]


def _shares_again(values: list, shares: frozenset[int]) -> list:
    """A share column is the column before it over the one before that (the «số hóa» table: total, done,
    share); a sum of shares means nothing, so it is computed again from the summed counts."""
    out = list(values)
    for j in shares:
        total, part = out[j - 2], out[j - 1]
        out[j] = part / total if total else None
    return out


def _line(table: StatsTable) -> list:
    if table.total is not None:
        return list(table.total)
    line = [0] * len(table.columns)
    for _, values in table.rows:
        line = _add(line, values)
    return _shares_again(line, table.shares)


def sum_statistics(parts: list[tuple[str, Statistics]], period: Period, today: date, alert_days: int) -> Statistics:
    """The tables of every (unit name, statistics) summed; each followed by a table of the units' lines."""
    tables: list[StatsTable] = []
    first = parts[0][1]
    for table in first.tables:
        key = table.key
        columns = table.columns
        rows: dict[str, list] = {}
        unit_lines: list[tuple[str, list]] = []
        total: list | None = [0] * len(columns) if table.total is not None else None
        for unit_name, stats in parts:
            try:
                mine = stats.table(key)
            except KeyError:
                continue
            if mine.columns != columns and len(mine.columns) != len(columns):  # other columns: by name
                mine = _aligned(mine, columns)
            for label, values in mine.rows:
                label = f"{label} — {unit_name}" if key in PERSON_TABLES else label
                rows[label] = _add(rows[label], values) if label in rows else list(values)
            if total is not None and mine.total is not None:
                total = _add(total, mine.total)
            unit_lines.append((unit_name, _line(mine)))
        summed_rows = [(label, _shares_again(values, table.shares)) for label, values in rows.items()]
        if total is not None:
            total = _shares_again(total, table.shares)
        tables.append(replace(table, rows=summed_rows, total=total))
        tables.append(StatsTable(f"{key}_don_vi", f"{table.title}: từng đơn vị", "Đơn vị", columns, unit_lines,
                                 total if total is not None else _line(replace(table, rows=summed_rows, total=None)),
                                 shares=table.shares, note=f"Mỗi dòng là dòng «{TOTAL_ROW}» của bảng trên ở "
                                 "từng đơn vị."))
    undated: dict[str, int] = {}
    for _, stats in parts:
        for k, v in stats.undated.items():
            undated[k] = undated.get(k, 0) + v
    return Statistics(period, today, alert_days, f"{len(parts)} đơn vị", tables, undated, None)


def _aligned(table: StatsTable, columns: tuple[str, ...]) -> StatsTable:
    index = {c: j for j, c in enumerate(table.columns)}

    def pick(values: list | None) -> list | None:
        return None if values is None else [values[index[c]] if c in index else 0 for c in columns]
    return replace(table, columns=columns, rows=[(label, pick(v)) for label, v in table.rows], total=pick(table.total))


def build_view(store: Store, period: Period, today: date, *, stale_days: int = STALE_DAYS,
               now: datetime | None = None) -> ProvinceView:
    now = now or datetime.now(timezone.utc)
    units = load_units(store, today)
    view = ProvinceView(today, period, store.shown, units, [], None, stale_days=stale_days)
    parts: list[tuple[str, Statistics]] = []
    for unit in units:
        published = unit.info.published_at
        if published is None or (now - published).days >= stale_days:
            view.stale.append(unit)
        if unit.ledger is None:
            continue
        view.urgent += [UnitDeadline(unit, d) for d in unit.deadlines if d.status in (STATUS_OVERDUE, STATUS_SOON)]
        report = DeadlineReport(today, unit.alert_days, unit.deadlines)
        stats = compute_statistics(unit.ledger, period, today, deadlines=report)
        view.per_unit[unit.info.code] = stats
        parts.append((unit.info.unit_name, stats))
    view.urgent.sort(key=urgency_key)
    if parts:
        alert_days = max(u.alert_days for u in view.read)
        view.summed = sum_statistics(parts, period, today, alert_days)
    view.reports = report_states(store, period.code, [u.info.code for u in units])
    return view
