"""One person, one role, one case: the hình sự decision's Điều 2 assigns the row's Kiểm tra viên, so the
kiểm-tra-viên decision may not assign her again; a change of prosecutor may not name the case's own KSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from macros_py.decisions.issuing import DecisionError, Options, issue_decisions
from macros_py.ledger.reader import read_ledger
from macros_py.ledger.schema import REGISTER
from tests.decision_ledger import DAY, KSV_2, KTV_1, ROWS, build_ledger
from workbook_templates.builder import FIRST_DATA_ROW


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return build_ledger(tmp_path / "so.xlsx")


def _row(ledger: Path, sheet: str, row: int) -> dict:
    return next(r for r in read_ledger(ledger).records(sheet) if r.row == row).values


def test_the_inspector_named_in_the_hinh_su_decision_is_not_assigned_again(ledger, tmp_path):
    row = ROWS["hinh-su"]
    first = issue_decisions(ledger, "hinh-su", rows=[row], out_dir=tmp_path / "qd", day=DAY).issued[0]
    values = _row(ledger, "an_hinh_su", row)
    assert values["inspector"] == KTV_1
    assert values["inspector_decision_no"] == first.decision_no and values["inspector_decision_date"] == DAY
    before = ledger.read_bytes()
    for options in (Options(), Options(reissue=True)):  # --reissue would replace the hình sự decision: no
        with pytest.raises(DecisionError) as refused:
            issue_decisions(ledger, "kiem-tra-vien", rows=[row], out_dir=tmp_path / "qd", day=DAY, options=options)
        message = refused.value.messages[0]
        assert f"«{KTV_1}» đã được phân công làm Kiểm tra viên" in message
        assert f"Quyết định số {first.decision_no} ngày 16/03/2026" in message and "--force" in message
        assert ledger.read_bytes() == before
    # --force: issued anyway (e.g. the row's KTV was changed), numbered, the hình sự decision not «replaced»
    forced = issue_decisions(ledger, "kiem-tra-vien", rows=[row], out_dir=tmp_path / "qd", day=DAY,
                             options=Options(force=True)).issued[0]
    assert forced.number == first.number + 1
    assert _row(ledger, "an_hinh_su", row)["inspector_decision_no"] == forced.decision_no
    register = read_ledger(ledger).records(REGISTER.key)
    notes = {r.values["number"]: r.values.get("note") for r in register if r.values.get("year") == DAY.year}
    assert not notes[first.number] and not notes[forced.number]


def test_a_case_assigned_before_its_inspector_was_named_gets_her_own_decision(ledger, tmp_path):
    row = ROWS["hinh-su"]

    def no_inspector(rows):
        rows["an_hinh_su"][0]["inspector"] = None

    ledger = build_ledger(tmp_path / "khong_ktv.xlsx", edit=no_inspector)
    first = issue_decisions(ledger, "hinh-su", rows=[row], out_dir=tmp_path / "qd", day=DAY).issued[0]
    assert _row(ledger, "an_hinh_su", row).get("inspector_decision_no") in (None, "")
    # the clerk names the KTV later; her own decision is issued and cites the KSV's
    from openpyxl import load_workbook

    wb = load_workbook(ledger)
    data = read_ledger(ledger).sheets["an_hinh_su"]
    wb[data.name].cell(row, data.columns["inspector"] + 1).value = KTV_1
    wb.save(ledger)
    ktv = issue_decisions(ledger, "kiem-tra-vien", rows=[row], out_dir=tmp_path / "qd", day=DAY).issued[0]
    assert ktv.number == first.number + 1
    # and her own decision, once issued, is replaced only with --reissue (the ordinary rule, not this guard)
    with pytest.raises(DecisionError, match="đã có quyết định số .*--reissue"):
        issue_decisions(ledger, "kiem-tra-vien", rows=[row], out_dir=tmp_path / "qd", day=DAY)
    again = issue_decisions(ledger, "kiem-tra-vien", rows=[row], out_dir=tmp_path / "qd", day=DAY,
                            options=Options(reissue=True)).issued[0]
    register = read_ledger(ledger).records(REGISTER.key)
    note = next(r.values.get("note") for r in register if r.values.get("number") == again.number)
    assert note == f"Thay thế Quyết định số {ktv.decision_no}"


def test_a_change_of_prosecutor_naming_the_cases_own_ksv_is_refused_with_the_decision(tmp_path):
    row = FIRST_DATA_ROW + 1

    def same(rows):
        rows["an_hinh_su"][1]["replacement_prosecutor"] = KSV_2

    ledger = build_ledger(tmp_path / "so.xlsx", edit=same)
    with pytest.raises(DecisionError) as refused:
        issue_decisions(ledger, "thay-doi-ksv", rows=[row], out_dir=tmp_path / "qd", day=DAY)
    message = refused.value.messages[0]
    assert f"«{KSV_2}»" in message and "Kiểm sát viên của vụ án này tại Quyết định số 41/QĐ-VKSKV1 ngày 05/11/2025" \
        in message


def test_the_same_replacement_twice_names_the_first_change(ledger, tmp_path):
    row = ROWS["thay-doi-ksv"]
    first = issue_decisions(ledger, "thay-doi-ksv", rows=[row], out_dir=tmp_path / "qd", day=DAY).issued[0]
    with pytest.raises(DecisionError) as refused:
        issue_decisions(ledger, "thay-doi-ksv", rows=[row], out_dir=tmp_path / "qd", day=DAY)
    assert f"tại Quyết định số {first.decision_no} ngày 16/03/2026" in refused.value.messages[0]


def test_the_ribbon_refuses_the_second_assignment_with_the_reason(tmp_path):
    """The doctor's self-test presses both buttons on a row whose KTV is named after the hình sự
    decision; pressed on a row whose hình sự decision named her, the KTV button refuses, saying why."""
    from datetime import date

    from addin.doctor import report
    from addin.excel.filebook import run_on_file
    from workbook_templates.builder import create_ledger

    sample = tmp_path / "so_mau.xlsx"
    create_ledger(sample, sample=20, seed=7, today=date.today())
    inspector = report._select_open_case(sample)
    assert inspector
    report._name_inspector(sample, inspector)  # named before the hình sự decision: its Điều 2 assigns her
    first = run_on_file(sample, "decisions")
    assert [k for k, _ in first.ui.alerts()] == ["info"], first.ui.alerts()
    second = run_on_file(sample, "decisions_inspector")
    errors = [t for k, t in second.ui.alerts() if k == "error"]
    assert len(errors) == 1 and f"«{inspector}» đã được phân công làm Kiểm tra viên" in errors[0], second.ui.alerts()
    assert "Quyết định số " in errors[0]


# ---------------------------------------------------------------- gia hạn tin báo: «Số lần gia hạn»


def _tip_with(tmp_path: Path, **values) -> Path:
    def edit(rows):
        rows["tin_bao"][0].update(values)

    return build_ledger(tmp_path / "tb.xlsx", edit=edit)


def _docx_text(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_the_tin_bao_extension_counts_from_the_rows_extensions(tmp_path):
    from tests.decision_ledger import until

    UNTIL = until("gia-han-tin-bao")
    ledger = _tip_with(tmp_path, extensions=None)
    row = ROWS["gia-han-tin-bao"]
    issued = issue_decisions(ledger, "gia-han-tin-bao", rows=[row], out_dir=tmp_path / "qd", day=DAY,
                             options=Options(until=UNTIL)).issued[0]
    assert "Gia hạn lần thứ nhất thời hạn giải quyết nguồn tin" in _docx_text(issued.file)
    tip = _row(ledger, "tin_bao", row)
    assert tip["extensions"] == 1 and tip["extended_to"] == UNTIL


def test_a_second_tin_bao_extension_is_refused_by_the_law(tmp_path):
    """BLTTHS Điều 147 khoản 2: the Viện trưởng «có thể gia hạn một lần nhưng không quá 02 tháng»; a row
    that records one extension already (made by hand, no number here) cannot get a «lần thứ hai»."""
    from tests.decision_ledger import until

    UNTIL = until("gia-han-tin-bao")
    ledger = _tip_with(tmp_path, extensions=1, extended_to=None)
    before = ledger.read_bytes()
    with pytest.raises(DecisionError, match=r"gia hạn lần thứ 2 nhưng Điều 147.*chỉ cho gia hạn 1 lần"):
        issue_decisions(ledger, "gia-han-tin-bao", rows=[ROWS["gia-han-tin-bao"]], out_dir=tmp_path / "qd",
                        day=DAY, options=Options(until=UNTIL))
    assert ledger.read_bytes() == before


def test_a_count_of_zero_beside_a_recorded_extension_is_refused(tmp_path):
    from datetime import date

    from tests.decision_ledger import UNTIL

    ledger = _tip_with(tmp_path, extensions=0, extended_to=date(2026, 4, 1))
    with pytest.raises(DecisionError, match="«Số lần gia hạn» là 0 nhưng đã ghi «Gia hạn đến ngày» 01/04/2026"):
        issue_decisions(ledger, "gia-han-tin-bao", rows=[ROWS["gia-han-tin-bao"]], out_dir=tmp_path / "qd",
                        day=DAY, options=Options(until=UNTIL))


def test_a_tin_bao_extension_longer_than_two_months_is_refused(tmp_path):
    """BLTTHS Đ.147 k2: the Viện trưởng «có thể gia hạn một lần nhưng không quá 02 tháng». The row's 20 days
    (received 11/02/2026) end on 02/03/2026, so the extension may run to 02/05/2026 and not to 15/05/2026 (74 days),
    though the engine's total (04 tháng from receipt) would allow it."""
    from tests.decision_ledger import UNTIL, until

    ledger = _tip_with(tmp_path, extensions=None)
    row = ROWS["gia-han-tin-bao"]
    before = ledger.read_bytes()
    with pytest.raises(DecisionError) as refused:
        issue_decisions(ledger, "gia-han-tin-bao", rows=[row], out_dir=tmp_path / "qd", day=DAY,
                        options=Options(until=UNTIL))
    message = refused.value.messages[0]
    assert "gia hạn lần thứ nhất dài 74 ngày (kể từ ngày 03/03/2026 đến hết ngày 15/05/2026), quá 02 tháng" in message
    assert "Điều 147" in message and "ngày gia hạn đến muộn nhất là 02/05/2026" in message
    assert ledger.read_bytes() == before
    issued = issue_decisions(ledger, "gia-han-tin-bao", rows=[row], out_dir=tmp_path / "qd", day=DAY,
                             options=Options(until=until("gia-han-tin-bao"))).issued[0]
    assert "thời hạn gia hạn là 02 tháng, kể từ ngày 03/03/2026 đến hết ngày 02/05/2026" in _docx_text(issued.file)


# ---------------------------------------------------------------- wording (issue 23's list, read in the document)


def test_the_tin_bao_assignment_cites_its_articles_once_and_no_ledger_text_after_a_colon(tmp_path):
    ledger = build_ledger(tmp_path / "so.xlsx")
    issued = issue_decisions(ledger, "tin-bao", rows=[ROWS["tin-bao"]], out_dir=tmp_path / "qd", day=DAY).issued[0]
    text = _docx_text(issued.file)
    article1 = text[text.index("Điều 1."):text.index("Điều 2.")]
    assert "theo quy định tại các điều 42 và 159 Bộ luật Tố tụng hình sự" in text
    assert "Bộ luật Tố tụng hình sự và Điều" not in text and "Điều 42 và Điều 159" not in text
    assert ":" not in article1.removeprefix("Điều 1.")  # the ledger's summary stands in brackets, not after a colon
