"""Many sheets of one kind (one per prosecutor, per year): every consumer sees every sheet.

Both workbooks are built from the same rows with kiemsat's template builder: one keeps each ledger in one
sheet, the other splits Tin báo and Án hình sự into a sheet per prosecutor (rows from the template's first
data row on every sheet, so row numbers repeat across sheets) and the register into two sheets. Statistics,
the mail plan and the decision numbers must be the same; a decision on a row of a second sheet is written
into that sheet only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from macros_py.decisions.issuing import issue_decisions
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import REGISTER, SHEETS_BY_KEY
from macros_py.sample import sample_rows
from tests.conftest import TODAY
from workbook_templates.builder import FIRST_DATA_ROW, build_workbook

KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))
ROWS, SEED = 36, 11
DAY = TODAY


def _rows() -> dict[str, list[dict[str, Any]]]:
    return sample_rows(ROWS, seed=SEED, today=TODAY)


def split(wb: Any, key: str, groups: Sequence[tuple[str, Sequence[int]]]) -> None:
    """Ledger `key`'s sheet of a workbook built by `build_workbook` kept as one sheet per group
    (title, indices of its rows): each sheet has the template's header and its rows from the first
    data row on, in the same order."""
    ws = wb[SHEETS_BY_KEY[key].title]
    width = ws.max_column
    n = sum(len(idx) for _, idx in groups)
    source = [[ws.cell(FIRST_DATA_ROW + i, c).value for c in range(1, width + 1)] for i in range(n)]
    sheets = [ws] + [wb.copy_worksheet(ws) for _ in groups[1:]]
    for sheet, (title, idx) in zip(sheets, groups):
        sheet.title = title
        for i in range(n):
            for c in range(1, width + 1):
                sheet.cell(FIRST_DATA_ROW + i, c).value = None
        for j, i in enumerate(idx):
            for c, v in enumerate(source[i], start=1):
                sheet.cell(FIRST_DATA_ROW + j, c).value = v


def by_prosecutor(rows: Sequence[dict[str, Any]], prefix: str) -> list[tuple[str, list[int]]]:
    names = list(dict.fromkeys(r.get("prosecutor") or "" for r in rows))
    return [(f"{prefix} KSV {name}"[:31], [i for i, r in enumerate(rows) if (r.get("prosecutor") or "") == name])
            for name in names]


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("many")
    rows = _rows()
    one = folder / "mot-sheet.xlsx"
    # the alerts carry the case's facts, found in whichever sheet; «Mã sổ» for the province store
    settings = {"alert_content": "Đầy đủ", "ledger_code": "VKSKV1-SO"}
    build_workbook(rows, settings).save(one)
    wb = build_workbook(rows, settings)
    split(wb, "tin_bao", by_prosecutor(rows["tin_bao"], "TB"))
    split(wb, "an_hinh_su", by_prosecutor(rows["an_hinh_su"], "HS"))
    half = len(rows[REGISTER.key]) // 2
    split(wb, REGISTER.key, [("Sổ quyết định", range(half)),
                             ("Sổ quyết định (tiếp)", range(half, len(rows[REGISTER.key])))])
    many = folder / "nhieu-sheet.xlsx"
    wb.save(many)
    return one, many


def _copy(path: Path, folder: Path) -> Path:
    target = folder / path.name
    target.write_bytes(path.read_bytes())
    return target


def test_the_split_workbook_is_read_as_the_same_ledgers(ledgers):
    one, many = (read_ledger(p) for p in ledgers)
    assert [p for p in many.problems if p.is_error] == [p for p in one.problems if p.is_error] == []
    assert not many.unknown_sheets
    for key in ("tin_bao", "an_hinh_su", REGISTER.key):
        sheets = many.sheets_of(key)
        assert len(sheets) > 1, key
        # row numbers repeat across the sheets: a row is named by its sheet and row
        assert len({r.row for r in many.records(key)}) < len(many.records(key))
        assert len({r.where for r in many.records(key)}) == len(many.records(key))
        assert sorted(map(repr, (r.values for r in many.records(key)))) == \
            sorted(map(repr, (r.values for r in one.records(key))))
        for data in sheets:
            assert all(r.sheet_name == data.name for r in data.records)
    # a defendant whose case is kept in a prosecutor's second sheet is not «không có vụ án này»
    assert [p for p in many.warnings if "không có vụ án" in p.message] == []


def _stats(ledger: Any) -> list[Any]:
    from macros_py.stats.periods import default_period
    from macros_py.stats.summaries import compute_statistics

    stats = compute_statistics(ledger, default_period(TODAY), TODAY)
    # a listing (one line per case) lists limits due the same day in its rows' order: compared as a set
    return ([(t.key, sorted(t.rows, key=repr) if any(isinstance(v, str) for _, vs in t.rows for v in vs) else t.rows,
              t.total) for t in stats.tables],
            [(t.key, t.lines) for t in stats.standard], stats.undated)


def test_statistics_count_every_sheet_once(ledgers):
    one, many = (read_ledger(p) for p in ledgers)
    a, b = _stats(one), _stats(many)
    assert a == b
    tables = dict((k, (rows, total)) for k, rows, total in a[0])
    assert any(total and any(total) for _, total in tables.values())  # not two empty reports


def _alerts(path: Path) -> list[tuple]:
    from mailer.planning import Alert, plan_ledger

    plan = plan_ledger(read_ledger(path), TODAY)
    out = [(a.recipient.address, a.deadline.case, a.deadline.kind, a.deadline.due, a.roles, a.day, a.facts)
           for a in plan.alerts if isinstance(a, Alert)]
    return sorted(out, key=repr)


def test_mail_plan_is_the_same(ledgers):
    a, b = (_alerts(p) for p in ledgers)
    assert a == b
    assert len(a) > 5
    assert any(facts for *_, facts in a)  # the case's facts found in whichever sheet holds it


def _mail_keys(path: Path) -> list[str]:
    from mailer.planning import Alert, plan_ledger

    return sorted(a.key for a in plan_ledger(read_ledger(path), TODAY, identity="so").alerts if isinstance(a, Alert))


def test_outbox_keys_do_not_depend_on_the_sheets(ledgers):
    """An alert already sent is not sent again: the outbox key names the case (or the sheet and row of a row
    without one), never which sheet of its kind a case is kept in; no two alerts share a key."""
    one, many = (_mail_keys(p) for p in ledgers)
    assert one == many
    assert len(many) == len(set(many)) > 5


def _cases_on_other_sheets(path: Path) -> list[tuple[str, str, int]]:
    """(case id, sheet, row) of the first criminal case due for its decision on each sheet but the first."""
    from macros_py.decisions.decision_types import DECISION_TYPES_BY_KEY
    from macros_py.decisions.issuing import due_records

    ledger = read_ledger(path)
    seen: dict[str, tuple[str, str, int]] = {}
    for r in due_records(ledger, DECISION_TYPES_BY_KEY["hinh-su"]):
        seen.setdefault(r.sheet_name, (r.values["case_id"], r.sheet_name, r.row))
    return list(seen.values())


def test_decisions_take_the_same_numbers_and_go_into_the_row_s_own_sheet(ledgers, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, many = _copy(ledgers[0], tmp_path / "a"), _copy(ledgers[1], tmp_path / "b")
    chosen = _cases_on_other_sheets(many)
    assert len(chosen) >= 3
    numbers = {}
    for path in (one, many):
        got = []
        for case, _, _ in chosen:
            batch = issue_decisions(path, "hinh-su", case=case, out_dir=path.parent / "qd", day=DAY)
            got += [(case, i.decision_no) for i in batch.issued]
        numbers[path] = got
    assert numbers[one] == numbers[many]
    assert len({no for _, no in numbers[many]}) == len(chosen)
    after = read_ledger(many)
    before = read_ledger(ledgers[1])
    for (case, sheet, row), (_, no) in zip(chosen, numbers[many]):
        rec = next(r for r in after.sheet_named(sheet).records if r.row == row)
        assert rec.values["case_id"] == case and rec.values["decision_no"] == no
    # nothing else changed in any criminal sheet: the rows with the same numbers on other sheets kept theirs
    changed = {(r.sheet_name, r.row) for r, old in zip(after.records("an_hinh_su"), before.records("an_hinh_su"))
               if r.values != old.values}
    assert changed == {(s, r) for _, s, r in chosen}
    # the register rows went below the register's last sheet holding this year, numbered after both sheets
    reg = after.sheets_of(REGISTER.key)
    assert [len(d.records) for d in reg] == [len(d.records) for d in before.sheets_of(REGISTER.key)][:1] + \
        [len(before.sheets_of(REGISTER.key)[1].records) + len(chosen)]


def test_decide_asks_which_sheet_a_row_number_is_on(ledgers, tmp_path):
    many = _copy(ledgers[1], tmp_path)
    case, sheet, row = _cases_on_other_sheets(many)[1]
    ledger = read_ledger(many)
    holders = [d.name for d in ledger.sheets_of("an_hinh_su") if any(r.row == row for r in d.records)]
    assert len(holders) > 1
    out = tmp_path / "qd"
    refused = subprocess.run([KIEMSAT, "decide", str(many), "--type", "hinh-su", "--rows", str(row), "--out",
                              str(out), "--date", DAY.strftime("%d/%m/%Y")], capture_output=True, text=True,
                             timeout=120, stdin=subprocess.DEVNULL)
    assert refused.returncode == 2, refused.stdout + refused.stderr  # a mistake in the command: nothing done
    assert f"dòng {row} có ở nhiều sheet" in refused.stderr
    assert all(f"«{name}»" in refused.stderr for name in holders)
    assert "--sheet" in refused.stderr
    assert read_ledger(many).records("an_hinh_su")[0].values == ledger.records("an_hinh_su")[0].values
    assert not out.exists() or not any(out.rglob("*.docx"))

    done = subprocess.run([KIEMSAT, "decide", str(many), "--type", "hinh-su", "--rows", str(row), "--sheet", sheet,
                           "--out", str(out), "--date", DAY.strftime("%d/%m/%Y"), "--json"],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    issued = json.loads(done.stdout)["issued"]
    assert [(i["sheet"], i["row"]) for i in issued] == [(sheet, row)]
    after = read_ledger(many)
    for data in after.sheets_of("an_hinh_su"):
        old = ledger.sheet_named(data.name)
        for rec, was in zip(data.records, old.records):
            if data.name == sheet and rec.row == row:
                assert rec.values["decision_no"] == issued[0]["decision_no"]
            else:
                assert rec.values == was.values

    unknown = subprocess.run([KIEMSAT, "decide", str(many), "--type", "hinh-su", "--rows", str(row), "--sheet",
                              "KSV Không Có", "--out", str(out)], capture_output=True, text=True, timeout=120,
                             stdin=subprocess.DEVNULL)
    assert unknown.returncode != 0
    assert "không có sheet «KSV Không Có»" in unknown.stderr and holders[0] in unknown.stderr


def test_register_kept_one_sheet_per_year(tmp_path):
    """Numbers of a year run across every register sheet; a new row goes to the sheet named for its year,
    whatever its place in the file; a year with no sheet goes to the first, with a warning."""
    rows = _rows()
    reg = rows[REGISTER.key]
    old = [{**r, "year": 2025, "date": r["date"].replace(year=2025), "number": r["number"] + 40} for r in reg]
    rows[REGISTER.key] = old + reg
    wb = build_workbook(rows)
    split(wb, REGISTER.key, [("Sổ QĐ năm 2025", range(len(old))),
                             ("Sổ QĐ năm 2026", range(len(old), len(old) + len(reg)))])
    path = tmp_path / "so.xlsx"
    wb.save(path)
    ledger = read_ledger(path)
    assert [d.name for d in ledger.sheets_of(REGISTER.key)] == ["Sổ QĐ năm 2025", "Sổ QĐ năm 2026"]
    case = _cases_on_other_sheets(path)[0][0]  # a one-sheet Án hình sự here: its first due case
    batch = issue_decisions(path, "hinh-su", case=case, out_dir=tmp_path / "qd", day=date(2026, 3, 16))
    assert batch.issued[0].number == max(r["number"] for r in reg) + 1  # 2026's numbers, not 2025's larger ones
    after = read_ledger(path)
    first, second = after.sheets_of(REGISTER.key)
    assert len(first.records) == len(old) and len(second.records) == len(reg) + 1
    assert second.records[-1].values["number"] == batch.issued[0].number
    assert not batch.warnings

    other = _cases_on_other_sheets(path)[0][0]
    later = issue_decisions(path, "hinh-su", case=other, out_dir=tmp_path / "qd", day=date(2027, 1, 5))
    assert later.issued[0].number == 1
    first, second = read_ledger(path).sheets_of(REGISTER.key)
    assert first.records[-1].values["year"] == 2027 and len(second.records) == len(reg) + 1
    assert any("năm 2027" in w and "Sổ QĐ năm 2025" in w for w in later.warnings)


def test_summaries_name_every_sheet_read_and_left_out(ledgers, tmp_path):
    from openpyxl import load_workbook

    many = tmp_path / "so.xlsx"
    wb = load_workbook(ledgers[1])
    wb.create_sheet("Ghi chú riêng")["A1"] = "việc cần nhớ của tổ"
    wb.save(many)
    ledger = read_ledger(many)
    for command in (["deadlines", str(many), "--today", TODAY.isoformat()],
                    ["stats", str(many), "--today", TODAY.isoformat()], ["check", str(many)]):
        done = subprocess.run([KIEMSAT, *command], capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        assert done.returncode in (0, 1), done.stderr
        for data in ledger.all_sheets():
            assert f"{len(data.records)} dòng «{data.name}»" in done.stdout, (command[0], data.name)
        assert "Các sheet không thuộc kiemsat (bỏ qua): Ghi chú riêng" in done.stdout, command[0]


def test_ribbon_decides_and_numbers_the_active_sheet_s_row(ledgers, tmp_path, monkeypatch):
    """Tạo quyết định and Cấp số on a row of a prosecutor's second sheet: the live workbook's active sheet
    says which sheet the row is on; the case cells go into that sheet's row only."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine (tests only)
    from addin.excel import dispatch
    from addin.excel.handlers import decide
    from tests.xlremote import apply_actions, grid, remote_book

    monkeypatch.setattr(decide, "_today", lambda: DAY)
    many = _copy(ledgers[1], tmp_path)
    case, sheet, row = _cases_on_other_sheets(many)[1]
    ledger = read_ledger(many)
    assert sum(any(r.row == row for r in d.records) for d in ledger.sheets_of("an_hinh_su")) > 1
    book = remote_book(many, sheet=sheet, selection=f"B{row}", name=str(many))
    ui = dispatch.run("decisions", book=book)
    assert ui.messages("error") == []
    names = [s.name for s in book.sheets]
    live = grid(many)
    ranges = apply_actions(live, names, book.json()["actions"])
    data = ledger.sheet_named(sheet)
    register = ledger.sheets_of(REGISTER.key)[-1]
    assert {r[0] for r in ranges} == {sheet, register.name}
    assert [r[1:4:2] for r in ranges if r[0] == sheet] == [(row, row)]
    assert live[sheet][(row, data.columns["decision_no"] + 1)] == f"{_next(ledger)}/QĐ-VKSKV1"

    number = dispatch.run("register_number", book=remote_book(many, sheet=sheet, selection=f"C{row}", name=str(many)))
    assert number.messages("error") == []
    assert f"(dòng {row} sheet «{sheet}»)" in number.messages("info")[0]


def _next(ledger: Any) -> int:
    return max(r.values["number"] for r in ledger.records(REGISTER.key) if r.values["year"] == DAY.year) + 1


def test_import_keeps_every_sheet_s_rows(ledgers, tmp_path):
    """`kiemsat import` of a ledger kept one sheet per prosecutor: one template sheet with every row."""
    out = tmp_path / "moi.xlsx"
    done = subprocess.run([KIEMSAT, "import", str(ledgers[1]), "--out", str(out)], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    new, one = read_ledger(out), read_ledger(ledgers[0])
    for key in ("tin_bao", "an_hinh_su", REGISTER.key):
        assert len(new.sheets_of(key)) == 1
        assert sorted(map(repr, (r.values for r in new.records(key)))) == \
            sorted(map(repr, (r.values for r in one.records(key))))


def test_the_province_store_keeps_every_sheet(ledgers, tmp_path):
    """Published to the province store and read back: every sheet with its rows, and the same statistics."""
    from macros_py.law.deadlines import compute_deadlines
    from macros_py.store.connect import open_store
    from macros_py.store.load import load_units
    from macros_py.store.migrate import ready
    from macros_py.store.publish import publish
    from macros_py.store.snapshot import build_snapshot

    store = open_store(f"sqlite:///{tmp_path / 'kho.sqlite3'}")
    ready(store)
    ledger = read_ledger(ledgers[1])
    done = publish(store, build_snapshot(ledger, compute_deadlines(ledger, TODAY)))
    assert done.rows == sum(len(d.records) for d in ledger.all_sheets())
    [unit] = load_units(store, TODAY)
    back = unit.ledger

    def sheets(led: Any) -> list:
        return sorted((d.name, d.spec.key, [(r.where, r.values, r.extra) for r in d.records]) for d in led.all_sheets())

    assert sheets(back) == sheets(ledger)
    assert _stats(back) == _stats(read_ledger(ledgers[0]))


def test_an_interrupted_run_is_repaired_in_the_register_sheet_that_holds_its_number(ledgers, tmp_path):
    """A number left «Đang cấp số» in the second register sheet is marked «Không sử dụng» there, and never
    given again."""
    from openpyxl import load_workbook

    from macros_py.decisions.register import RESERVED, UNUSED

    many = tmp_path / "so.xlsx"
    wb = load_workbook(ledgers[1])
    ledger = read_ledger(ledgers[1])
    second = ledger.sheets_of(REGISTER.key)[1]
    last = second.records[-1]
    ws = wb[second.name]
    status = second.columns["status"] + 1
    ws.cell(last.row, status).value = RESERVED
    wb.save(many)
    case = _cases_on_other_sheets(many)[0][0]
    batch = issue_decisions(many, "hinh-su", case=case, out_dir=tmp_path / "qd", day=DAY)
    assert [v.number for v in batch.recovered] == [last.values["number"]]
    after = read_ledger(many)
    fixed = next(r for r in after.sheet_named(second.name).records if r.row == last.row)
    assert fixed.values["status"] == UNUSED
    first = after.sheets_of(REGISTER.key)[0]
    assert [r.values.get("status") for r in first.records] == \
        [r.values.get("status") for r in ledger.sheets_of(REGISTER.key)[0].records]
    assert batch.issued[0].number == _next(ledger)


def test_intake_writes_into_the_sheet_that_holds_the_case(tmp_path):
    """A court's notice for a case kept on a prosecutor's second sheet: found there (by the accused's name),
    and written into that sheet's row, not into the same row number of the first sheet."""
    case = {"case_id": "1/2025/HS", "opening_no": "15/QĐ-CSĐT", "opening_date": date(2025, 8, 5),
            "offence": "Trộm cắp tài sản", "category": "Ít nghiêm trọng", "stage": "Truy tố",
            "prosecutor": "Trần Thị Bình"}
    other = {**case, "case_id": "9/2025/HS", "opening_no": "99/QĐ-CSĐT", "opening_date": date(2025, 7, 1),
             "prosecutor": "Nguyễn Văn An"}
    wb = build_workbook({"an_hinh_su": [other, case], "bi_can": [{"case_id": "1/2025/HS", "name": "Nguyễn Văn An"}]})
    split(wb, "an_hinh_su", [("HS KSV Nguyễn Văn An", [0]), ("HS KSV Trần Thị Bình", [1])])
    path = tmp_path / "so.xlsx"
    wb.save(path)
    docs = Path(__file__).resolve().parent / "intake_corpus" / "docs"
    done = subprocess.run([KIEMSAT, "intake", str(docs / "006-thuly-s1.txt"), "--ledger", str(path), "--yes",
                           "--today", "2025-10-20", "--json"], capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    assert {c["sheet"] for c in json.loads(done.stdout)["changes"]} == {"HS KSV Trần Thị Bình"}
    ledger = read_ledger(path)
    [mine] = ledger.sheet_named("HS KSV Trần Thị Bình").records
    [theirs] = ledger.sheet_named("HS KSV Nguyễn Văn An").records
    assert mine.row == theirs.row == FIRST_DATA_ROW
    assert mine.values["court_accepted"] == date(2025, 10, 15) and mine.values["stage"] == "Xét xử sơ thẩm"
    assert theirs.values["court_accepted"] is None and theirs.values["stage"] == "Truy tố"


def test_custody_on_one_sheet_is_not_deducted_from_detention_on_another(tmp_path: Path) -> None:
    # Defendants kept one sheet per prosecutor, so row numbers repeat: A (first sheet) was held from 01/03 and
    # detained from 04/03/2026; B (second sheet, same row) was detained from 10/03/2026 with no custody. TTLT
    # 04/2018 Điều 17 deducts a person's own custody only: B's detention must end exactly where
    # it ends when B is alone in a ledger
    case = {"case_id": "V1", "offence": "Trộm cắp tài sản", "category": "Nghiêm trọng",
            "opening_date": date(2026, 3, 1)}
    a = {"case_id": "V1", "name": "Nguyễn Văn A", "measure": "Tạm giam", "custody_start": date(2026, 3, 1),
         "detention_start": date(2026, 3, 4)}
    b = {"case_id": "V1", "name": "Trần Văn B", "measure": "Tạm giam", "detention_start": date(2026, 3, 10)}
    alone = tmp_path / "mot.xlsx"
    build_workbook({"an_hinh_su": [case], "bi_can": [b]}, {}).save(alone)
    wb = build_workbook({"an_hinh_su": [case], "bi_can": [a, b]}, {})
    split(wb, "bi_can", [("BC KSV An", [0]), ("BC KSV Bình", [1])])
    many = tmp_path / "nhieu.xlsx"
    wb.save(many)

    def detention(path: Path) -> list[tuple[date, str]]:
        from macros_py.law.deadlines import compute_deadlines
        report = compute_deadlines(read_ledger(path), date(2026, 3, 11))
        return [(d.due, d.computation) for d in report.deadlines
                if d.person == "Trần Văn B" and d.kind.startswith("tam_giam")]

    expected = detention(alone)
    assert expected and detention(many) == expected


def test_an_extension_is_measured_from_its_own_sheets_row(tmp_path: Path) -> None:
    # Cases kept one sheet per prosecutor, both on the sheets' first data row. BLTTHS Đ.172 k1: tội nghiêm
    # trọng, 03 tháng. V1 (first sheet) opened 02/03/2026 -> 02/06/2026 (Tue); V2 (second sheet) opened
    # 04/05/2026 -> 04/08/2026. Extending V1's investigation to 02/08/2026 is its first extension, from 03/06/2026,
    # 02 tháng after 02/06 (Đ.172 k2 b allows 03 for the first): nothing of V2's later period may enter the facts
    from macros_py.decisions.decision_types import DECISION_TYPES_BY_KEY
    from macros_py.decisions.issuing import extension_facts

    def case(cid: str, opened: date) -> dict[str, Any]:
        return {"case_id": cid, "offence": "Trộm cắp tài sản", "category": "Nghiêm trọng", "opening_date": opened,
                "stage": "Điều tra"}

    wb = build_workbook({"an_hinh_su": [case("V1", date(2026, 3, 2)), case("V2", date(2026, 5, 4))]}, {})
    split(wb, "an_hinh_su", [("HS KSV An", [0]), ("HS KSV Bình", [1])])
    path = tmp_path / "nhieu.xlsx"
    wb.save(path)
    ledger = read_ledger(path)
    v1, v2 = (next(r for r in ledger.records("an_hinh_su") if r.values["case_id"] == c) for c in ("V1", "V2"))
    assert v1.row == v2.row and v1.sheet_name != v2.sheet_name
    dtype = DECISION_TYPES_BY_KEY["gia-han-dieu-tra"]
    facts = extension_facts(ledger, dtype, v1, v1.values, date(2026, 8, 2), date(2026, 5, 20))
    assert facts["extension_round"] == "thứ nhất"
    assert facts["extension_length"] == "02 tháng"
    assert f"{facts['previous_end']}" == "02/06/2026"
