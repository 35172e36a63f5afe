"""The standard tables: the shape of the ngành's statistical forms, per stream of work.

Each table counts, for one stream (tin báo; khởi tố – điều tra; truy tố; xét xử sơ thẩm; tạm giữ; tạm giam;
thi hành án hình sự; dân sự – hành chính), in the lines of the ngành's forms:

    1. Số cũ (chuyển từ kỳ trước)       came in before the period and not resolved before it
    2. Số mới (thụ lý trong kỳ)         came in during the period
    3. Tổng số (3 = 1 + 2)
    4. Đã giải quyết (4 = tổng các dòng «trong đó») resolved in the period, one line per outcome
    5. Còn lại (5 = 3 - 4)
       trong đó: quá hạn                of the remaining, a limit of the stream past due at the period's end
                                         (or at the reference day while the period runs)

by vụ (case, tin báo, vụ việc) and, where the stream has them, by bị can (the defendants of the «Bị can» sheet
linked by «Mã vụ án»; a defendant is counted with his case: the ledger keeps one stage per case). A person-based
stream (tạm giữ, tạm giam, thi hành án) counts people.

The computation is a function of plain records (`dict`s of schema keys, plus `_row`, the Excel row) so that a
province can sum the tables of its units (`add_tables`). The identities are checked in `check_identities` and
by the property tests (tests/test_stats_standard.py).

What a record's start, end and outcome are, per stream, is in `STREAMS`; an outcome recorded without its date
counts as resolved on the day the record came in (the earliest it can have been), so it is never «còn lại».
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from macros_py.stats.periods import Period

__all__ = [
    "LINE_NEW", "LINE_OLD", "LINE_OVERDUE", "LINE_REMAINING", "LINE_RESOLVED", "LINE_TOTAL", "STREAMS",
    "StandardTable", "Stream", "add_tables", "check_identities", "ledger_records", "pending_limits",
    "standard_tables",
]

Record = Mapping[str, Any]

LINE_OLD = "1. Số cũ (kỳ trước chuyển sang)"
LINE_NEW = "2. Số mới (thụ lý trong kỳ)"
LINE_TOTAL = "3. Tổng số (3 = 1 + 2)"
LINE_RESOLVED = "4. Đã giải quyết"
LINE_REMAINING = "5. Còn lại (5 = 3 - 4)"
LINE_OVERDUE = "   Trong đó: quá hạn"
OUTCOME_PREFIX = "   - "
NO_OUTCOME = "Khác (chưa ghi kết quả)"


@dataclass(frozen=True)
class Event:
    """When a record came into the stream, and when and how it left it (None: still in)."""
    start: date
    end: date | None
    outcome: str | None


@dataclass(frozen=True)
class Stream:
    key: str  # ASCII id, the JSON key
    title: str  # Vietnamese
    form: str  # the ngành's form it follows (or approximates), shown in brackets after the title
    sheet: str  # the sheet whose rows it counts
    outcomes: tuple[str, ...]  # the lines of «đã giải quyết», in order
    event: Callable[[Record, Mapping[str, Any]], Event | None]
    units: tuple[str, ...] = ("Vụ",)  # column headers; a second one counts the defendants of each case
    rules: frozenset[str] = frozenset()  # the rules (rules.toml ids) whose overdue limits count as «quá hạn»
    note: str = ""


def _first(*days: Any) -> date | None:
    return next((d for d in days if isinstance(d, date)), None)


def _event(start: date | None, end: date | None, outcome: str | None) -> Event | None:
    if start is None:
        return None
    if outcome is not None and (end is None or end < start):
        end = start  # resolved, date not written (or written before it came in): the earliest possible day
    return Event(start, end, outcome if end is not None else None)


# ---------------------------------------------------------------- the streams


def _tip(r: Record, ctx: Mapping[str, Any]) -> Event | None:
    outcome = r.get("outcome")
    if outcome is None and isinstance(r.get("outcome_date"), date):
        outcome = NO_OUTCOME
    return _event(_first(r.get("receipt_date")), _first(r.get("outcome_date")), outcome)


_SUSPENDED, _DROPPED = "Tạm đình chỉ", "Đình chỉ"
_LATER_THAN_INVESTIGATION = ("Truy tố", "Xét xử sơ thẩm", "Xét xử phúc thẩm", "Đã xét xử")


def _suspension_date(r: Record, ctx: Mapping[str, Any]) -> date | None:
    return ctx.get("suspended", {}).get(r.get("case_id"))


def _investigation(r: Record, ctx: Mapping[str, Any]) -> Event | None:
    stage = r.get("stage")
    done = _first(r.get("file_received"), r.get("indictment_date"), r.get("court_accepted"), r.get("hearing_date"),
                  r.get("judgment_date"))
    if done is not None or stage in _LATER_THAN_INVESTIGATION:
        return _event(_first(r.get("opening_date")), done, "Kết thúc điều tra, đề nghị truy tố")
    if stage == _SUSPENDED:
        return _event(_first(r.get("opening_date")), _suspension_date(r, ctx), "Tạm đình chỉ điều tra")
    if stage == _DROPPED:
        return _event(_first(r.get("opening_date")), None, "Đình chỉ điều tra")
    return _event(_first(r.get("opening_date")), None, None)


def _before_the_court(r: Record, ctx: Mapping[str, Any], start: date | None, done: date | None, *,
                      done_stages: tuple[str, ...], outcome: str, returned_by: str,
                      returned_stages: tuple[str, ...]) -> Event | None:
    """A stage the file reaches on `start` and leaves on `done` (truy tố; xét xử sơ thẩm), else by a return
    for further investigation by `returned_by`, a suspension or a dropping of the case."""
    if start is None:
        if done is None:
            return None  # never reached this stage
        start = done
    stage = r.get("stage")
    if done is not None or stage in done_stages:
        return _event(start, done, outcome)
    if r.get("returned_by") == returned_by and stage in returned_stages:
        return _event(start, _first(r.get("resumed_date")), "Trả hồ sơ điều tra bổ sung")
    if stage == _SUSPENDED:
        return _event(start, _suspension_date(r, ctx), "Tạm đình chỉ vụ án")
    if stage == _DROPPED:
        return _event(start, None, "Đình chỉ vụ án")
    return _event(start, None, None)


def _prosecution(r: Record, ctx: Mapping[str, Any]) -> Event | None:
    later = _first(r.get("indictment_date"), r.get("court_accepted"), r.get("hearing_date"), r.get("judgment_date"))
    return _before_the_court(r, ctx, _first(r.get("file_received")), later,
                             done_stages=("Xét xử sơ thẩm", "Xét xử phúc thẩm", "Đã xét xử"), outcome="Truy tố",
                             returned_by="Viện kiểm sát", returned_stages=("Điều tra bổ sung", "Điều tra"))


def _trial(r: Record, ctx: Mapping[str, Any]) -> Event | None:
    return _before_the_court(r, ctx, _first(r.get("court_accepted")), _first(r.get("judgment_date"),
                                                                             r.get("hearing_date")),
                             done_stages=("Xét xử phúc thẩm", "Đã xét xử"), outcome="Đã xét xử sơ thẩm",
                             returned_by="Tòa án", returned_stages=("Điều tra bổ sung", "Điều tra", "Truy tố"))


def _custody(r: Record, ctx: Mapping[str, Any]) -> Event | None:
    start = _first(r.get("custody_start"))
    if start is None:
        return None
    detained = _first(r.get("detention_start"))
    if detained is not None:
        return _event(start, detained, "Chuyển tạm giam")
    released = _first(r.get("released_date"))
    if released is not None:
        return _event(start, released, "Trả tự do, áp dụng biện pháp khác")
    return _event(start, None, None)


def _detention(r: Record, ctx: Mapping[str, Any]) -> Event | None:
    released = _first(r.get("released_date"))
    start = _first(r.get("detention_start"))
    if start is None or (released is not None and released < start and r.get("custody_start")):
        return None  # released from custody before any detention
    return _event(start, released, "Trả tự do, thay đổi, hủy bỏ biện pháp" if released else None)


def _enforcement(r: Record, ctx: Mapping[str, Any]) -> Event | None:
    return _event(_first(r.get("received_date"), r.get("judgment_date")), _first(r.get("enforcement_decision_date")),
                  "Tòa án đã ra quyết định thi hành án" if r.get("enforcement_decision_date") else None)


def _civil(r: Record, ctx: Mapping[str, Any]) -> Event | None:
    start = _first(r.get("acceptance_date"))
    tried = _first(r.get("judgment_date"), r.get("hearing_date"))
    stage = r.get("stage")
    if tried is not None or stage in ("Xét xử phúc thẩm", "Đã xét xử"):
        return _event(start, tried, "Đã xét xử sơ thẩm (bản án, quyết định)")
    if stage == _SUSPENDED:
        return _event(start, _suspension_date(r, ctx), "Tạm đình chỉ")
    if stage == _DROPPED:
        return _event(start, None, "Đình chỉ")
    return _event(start, None, None)


CIVIL_ADMIN = "Hành chính"

STREAMS: tuple[Stream, ...] = (
    Stream("tk_tin_bao", "Kiểm sát giải quyết tố giác, tin báo về tội phạm, kiến nghị khởi tố",
           "theo Biểu 01: tin báo", "tin_bao",
           ("Khởi tố vụ án", "Không khởi tố vụ án", "Tạm đình chỉ", "Chuyển cơ quan có thẩm quyền", NO_OUTCOME),
           _tip, ("Tin báo",), frozenset({"tin_bao"}),
           note="Số cũ, mới theo «Ngày tiếp nhận»; đã giải quyết theo «Ngày giải quyết» và «Kết quả giải quyết»."),
    Stream("tk_dieu_tra", "Thực hành quyền công tố, kiểm sát khởi tố, điều tra", "theo Biểu 02: khởi tố, điều tra",
           "an_hinh_su", ("Kết thúc điều tra, đề nghị truy tố", "Đình chỉ điều tra", "Tạm đình chỉ điều tra"),
           _investigation, ("Vụ", "Bị can"),
           frozenset({"dieu_tra", "dieu_tra_rut_gon", "phuc_hoi_dieu_tra", "dieu_tra_bo_sung",
                      "dieu_tra_chua_thanh_nien"}),
           note="Số mới theo «Ngày khởi tố»; kết thúc điều tra theo ngày nhận hồ sơ, kết luận điều tra; bị can tính "
                "theo vụ án của mình (sổ «Bị can»)."),
    Stream("tk_truy_to", "Thực hành quyền công tố, kiểm sát truy tố", "theo Biểu 02: truy tố", "an_hinh_su",
           ("Truy tố", "Trả hồ sơ điều tra bổ sung", "Đình chỉ vụ án", "Tạm đình chỉ vụ án"),
           _prosecution, ("Vụ", "Bị can"),
           frozenset({"truy_to", "truy_to_rut_gon", "truy_to_chua_thanh_nien"}),
           note="Số mới theo «Ngày nhận hồ sơ, KLĐT»; truy tố theo «Ngày truy tố»."),
    Stream("tk_xet_xu", "Thực hành quyền công tố, kiểm sát xét xử sơ thẩm hình sự", "theo Biểu 03: xét xử sơ thẩm",
           "an_hinh_su", ("Đã xét xử sơ thẩm", "Trả hồ sơ điều tra bổ sung", "Đình chỉ vụ án",
                          "Tạm đình chỉ vụ án"),
           _trial, ("Vụ", "Bị can"),
           frozenset({"chuan_bi_xet_xu", "chuan_bi_xet_xu_rut_gon", "chuan_bi_xet_xu_chua_thanh_nien"}),
           note="Số mới theo «Ngày Tòa thụ lý»; đã xét xử theo «Ngày tuyên án» (hoặc «Ngày xét xử»)."),
    Stream("tk_tam_giu", "Kiểm sát tạm giữ", "chia dòng như biểu tạm giữ của QĐ 758/QĐ-VKSTC-TKTP", "bi_can",
           ("Chuyển tạm giam", "Trả tự do, áp dụng biện pháp khác"), _custody, ("Người",),
           frozenset({"tam_giu", "tam_giu_rut_gon"})),
    Stream("tk_tam_giam", "Kiểm sát tạm giam", "chia dòng như biểu tạm giam của QĐ 758/QĐ-VKSTC-TKTP", "bi_can",
           ("Trả tự do, thay đổi, hủy bỏ biện pháp",), _detention, ("Người",),
           frozenset({"tam_giam", "tam_giam_rut_gon", "tam_giam_phuc_hoi_dieu_tra", "tam_giam_dieu_tra_bo_sung",
                      "tam_giam_truy_to", "tam_giam_truy_to_rut_gon", "tam_giam_xet_xu", "tam_giam_xet_xu_rut_gon",
                      "tam_giam_chua_thanh_nien"}),
           note="Người còn bị tạm giam khi chưa ghi «Ngày trả tự do, thay đổi BPNC»; chuyển đi, chuyển đến, chết, "
                "trốn không có cột trong sổ."),
    Stream("tk_thi_hanh_an", "Kiểm sát thi hành án hình sự", "theo biểu thi hành án hình sự", "thi_hanh_an",
           ("Tòa án đã ra quyết định thi hành án",), _enforcement, ("Người",),
           frozenset({"quyet_dinh_thi_hanh_an"}),
           note="Mỗi dòng sổ là một người phải thi hành án; tính theo «Ngày nhận bản án» (hoặc «Ngày bản án»)."),
    Stream("tk_dan_su", "Kiểm sát giải quyết vụ việc dân sự, hôn nhân và gia đình, kinh doanh thương mại, lao "
           "động, vụ án hành chính (sơ thẩm)", "theo biểu dân sự, hành chính", "an_dan_su",
           ("Đã xét xử sơ thẩm (bản án, quyết định)", "Đình chỉ", "Tạm đình chỉ"), _civil,
           ("Dân sự, HNGĐ, KDTM, LĐ", "Hành chính"),
           frozenset({"chuan_bi_xet_xu_dan_su", "chuan_bi_xet_xu_hanh_chinh", "chuan_bi_xet_xu_hanh_chinh_2_thang"}),
           note="Số mới theo «Ngày thụ lý» của Tòa án; cột «Hành chính» là vụ án hành chính."),
)
STREAMS_BY_KEY = {s.key: s for s in STREAMS}


# ---------------------------------------------------------------- the tables


@dataclass
class StandardTable:
    """A stream's lines (label, one count per unit), plain numbers: tables of several units add up."""
    key: str
    title: str
    form: str
    units: tuple[str, ...]
    lines: list[tuple[str, list[int]]]
    note: str = ""

    def line(self, label: str) -> list[int]:
        for text, values in self.lines:
            if text == label:
                return values
        raise KeyError(label)

    def outcomes(self) -> list[tuple[str, list[int]]]:
        return [(t.removeprefix(OUTCOME_PREFIX), v) for t, v in self.lines if t.startswith(OUTCOME_PREFIX)]


def _weight(stream: Stream, r: Record, ctx: Mapping[str, Any]) -> list[int]:
    """What one record adds to each column: 1 case and its defendants; a civil case in its type's column."""
    if stream.units == ("Vụ", "Bị can"):
        return [1, int(ctx.get("defendants", {}).get(r.get("case_id"), 0))]
    if stream.key == "tk_dan_su":
        admin = r.get("case_type") == CIVIL_ADMIN
        return [0, 1] if admin else [1, 0]
    return [1]


def _reference_day(period: Period, today: date) -> date:
    return min(period.end, today)


def standard_tables(records: Mapping[str, Sequence[Record]], period: Period, today: date,
                    overdue: Iterable[tuple[str, Any, str, date]] = ()) -> list[StandardTable]:
    """The standard tables of `records` (sheet key -> records as dicts, each with `_row`, the row's identity:
    its Excel row, or (sheet name, row) when a ledger keeps several sheets of a kind) for `period`.

    `overdue`: (sheet key, row identity as in `_row`, rule id, due date)
    of every limit not yet done (from the deadline engine):
    a remaining record counts as «quá hạn» when one of its stream's limits was due before the period's end (or
    before `today` while the period runs)."""
    ref = _reference_day(period, today)
    late: dict[tuple[str, Any], set[str]] = {}
    for sheet, row, rule, due in overdue:
        if due < ref:
            late.setdefault((sheet, row), set()).add(rule)
    ctx = _context(records)
    out = []
    for stream in STREAMS:
        width = len(stream.units)
        old, new, left, late_n = [0] * width, [0] * width, [0] * width, [0] * width
        resolved = {o: [0] * width for o in stream.outcomes}
        for r in records.get(stream.sheet, ()):
            ev = stream.event(r, ctx)
            if ev is None or ev.start > period.end:
                continue
            if ev.end is not None and ev.end < period.start:
                continue  # resolved before the period
            w = _weight(stream, r, ctx)
            bucket = old if ev.start < period.start else new
            _add(bucket, w)
            if ev.end is not None and ev.end <= period.end:
                outcome = ev.outcome if ev.outcome in resolved else NO_OUTCOME
                _add(resolved.setdefault(outcome, [0] * width), w)
            else:
                _add(left, w)
                if late.get((stream.sheet, r.get("_row")), set()) & stream.rules:
                    _add(late_n, w)
        total = [a + b for a, b in zip(old, new)]
        done = [sum(v[j] for v in resolved.values()) for j in range(width)]
        lines = [(LINE_OLD, old), (LINE_NEW, new), (LINE_TOTAL, total), (LINE_RESOLVED, done)]
        lines += [(OUTCOME_PREFIX + o, v) for o, v in resolved.items() if o != NO_OUTCOME or any(v)]
        lines += [(LINE_REMAINING, left), (LINE_OVERDUE, late_n)]
        out.append(StandardTable(stream.key, stream.title, stream.form, stream.units, lines, stream.note))
    return out


SHEETS_READ = ("tin_bao", "an_hinh_su", "bi_can", "an_dan_su", "thi_hanh_an", "tam_dinh_chi")


def ledger_records(ledger: Any) -> dict[str, list[dict[str, Any]]]:
    """The records `standard_tables` reads, from a `reader.Ledger` (every sheet of each kind): schema values
    plus `_row`, the row's (sheet name, Excel row)."""
    return {key: [{**r.values, "_row": r.where} for r in ledger.records(key)] for key in SHEETS_READ}


def pending_limits(report: Any) -> list[tuple[str, Any, str, date]]:
    """The `overdue` argument of `standard_tables` from a `deadlines.DeadlineReport`: every limit not done,
    its row named as `ledger_records` names it."""
    return [(d.sheet, (d.sheet_name, d.row), d.kind, d.due) for d in report.pending()]


def _add(into: list[int], weight: Sequence[int]) -> None:
    for j, w in enumerate(weight):
        into[j] += w


def _context(records: Mapping[str, Sequence[Record]]) -> dict[str, Any]:
    defendants: dict[Any, int] = {}
    for r in records.get("bi_can", ()):
        if r.get("case_id") is not None:
            defendants[r["case_id"]] = defendants.get(r["case_id"], 0) + 1
    suspended: dict[Any, date] = {}
    for r in records.get("tam_dinh_chi", ()):
        day = r.get("decision_date")
        if r.get("case_id") is not None and isinstance(day, date):
            suspended[r["case_id"]] = min(day, suspended.get(r["case_id"], day))
    return {"defendants": defendants, "suspended": suspended}


def check_identities(table: StandardTable) -> list[str]:
    """The identities a form's lines carry; [] when they hold, else what does not (Vietnamese)."""
    bad = []
    old, new, total = table.line(LINE_OLD), table.line(LINE_NEW), table.line(LINE_TOTAL)
    done, left = table.line(LINE_RESOLVED), table.line(LINE_REMAINING)
    late = table.line(LINE_OVERDUE)
    parts = table.outcomes()
    for j, unit in enumerate(table.units):
        if old[j] + new[j] != total[j]:
            bad.append(f"{table.title} ({unit}): số cũ + số mới khác tổng số")
        if done[j] + left[j] != total[j]:
            bad.append(f"{table.title} ({unit}): đã giải quyết + còn lại khác tổng số")
        if sum(v[j] for _, v in parts) != done[j]:
            bad.append(f"{table.title} ({unit}): các kết quả giải quyết không cộng đúng số đã giải quyết")
        if not 0 <= late[j] <= left[j]:
            bad.append(f"{table.title} ({unit}): số quá hạn lớn hơn số còn lại")
    return bad


def add_tables(*tables: StandardTable) -> StandardTable:
    """The sum of one stream's tables of several units (a province's statistics): line by line."""
    first = tables[0]
    labels: list[str] = []
    sums: dict[str, list[int]] = {}
    for t in tables:
        if (t.key, t.units) != (first.key, first.units):
            raise ValueError(f"không cộng được bảng «{t.title}» với bảng «{first.title}»")
        for label, values in t.lines:
            if label not in sums:
                labels.append(label)
                sums[label] = [0] * len(values)
            _add(sums[label], values)
    order = [label for label, _ in first.lines]
    extra = [la for la in labels if la not in order]  # an outcome only another unit had: with the outcomes
    at = order.index(LINE_REMAINING)
    order[at:at] = extra
    return StandardTable(first.key, first.title, first.form, first.units, [(la, sums[la]) for la in order],
                         first.note)
