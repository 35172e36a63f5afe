"""`kiemsat doctor --report BAO_CAO.zip` (issue 21, item 5): what a remote helper needs, no case data.

The PC is simulated (the registry as data, as in tests/test_addin_windows.py); the self-test runs every
button through the file shell for real, on a sample ledger the report makes for itself.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from addin.commands.registry import COMMANDS
from addin.doctor import checks, report
from addin.doctor.roundtrip import RoundTrip
from addin.xlam import comreg
from macros_py.ledger.reader import read_ledger
from tests.test_addin_windows import POL, SEC, FakeRegistry, layout, office
from workbook_templates.builder import create_ledger

SECRET_NAMES = ["Trịnh Văn Bímật", "Lò Thị Kínđáo", "Hà Xuân Riêngtư"]


@pytest.fixture
def clerks_ledger(tmp_path) -> Path:
    """A unit's ledger whose notes name people found nowhere else."""
    path = tmp_path / "Sổ của đơn vị" / "so_2026.xlsx"
    path.parent.mkdir()
    create_ledger(path, sample=12, seed=3, today=date(2026, 3, 16))
    data = read_ledger(path).sheets["an_hinh_su"]
    wb = openpyxl.load_workbook(path)
    for row, name in zip((3, 4, 5), SECRET_NAMES):
        wb[data.name].cell(row, data.columns["note"] + 1).value = name
    wb.save(path)
    return path


def windows_pc() -> checks.Machine:
    reg = office(vba_warnings=4, policy=(r"\Trusted Locations\Location7", {"Path": r"\\may-chu\mau\\"}))
    lay = layout()
    python = lay.python.with_name("pythonw.exe")
    for e in comreg.entries(python):
        reg.values.setdefault(("HKCU", e.key.lower()), {})[e.name] = e.value
    reg.values[("HKLM", r"software\microsoft\office\clicktorun\configuration")] = {"Platform": "x86",
                                                                                 "VersionToReport": "16.0.17928.20156"}
    return checks.Machine(windows=True, layout=lay, registry=reg, exists=lambda p: True,
                          registered_command=comreg.server_command(python), task_query=lambda name: False,
                          call_server=lambda: RoundTrip(True, 1.84, version=__import__("macros_py").__version__))


def _members(zip_path: Path) -> dict[str, str]:
    with zipfile.ZipFile(zip_path) as z:
        return {n: z.read(n).decode("utf-8-sig", errors="replace") for n in z.namelist()}


def test_the_report_holds_what_a_helper_needs(tmp_path, monkeypatch, clerks_ledger):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "may-chu-com.log").write_text("--- khởi động kiemsat 0.1.0\n", encoding="utf-8")
    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(logs))
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    target = tmp_path / "BAO_CAO.zip"
    facts = report.write_report(target, create_ledger, windows_pc(), ledger=str(clerks_ledger))
    members = _members(target)
    assert set(members) == {"bao-cao.txt", "may.json", "nhat-ky/may-chu-com.log"}
    data = json.loads(members["may.json"])
    assert data == json.loads(json.dumps(facts, ensure_ascii=False, default=str))
    assert data["office"]["click_to_run_platform"] == "x86" and data["office"]["excel"] == "Excel.Application.16"
    assert data["python"]["path_co_chu_ngoai_ascii"] is False and data["ansi_code_page"]
    places = {(t["chinh_sach"], t["path"]) for t in data["trusted_locations"]}
    assert (False, "%APPDATA%\\Microsoft\\Excel\\XLSTART\\") in places and (True, r"\\may-chu\mau\\") in places
    assert all(e["found"] == e["expected"] for e in data["dang_ky_com"]) and len(data["dang_ky_com"]) == 6
    assert data["goi_thu_com"]["ok"] and data["goi_thu_com"]["seconds"] == 1.84
    tested = {t["nut"]: t for t in data["tu_kiem_tra_cac_nut"]}
    assert set(tested) == {c.id for c in COMMANDS if c.available and c.id != "doctor"}
    assert all(t["ket_qua"] == "xong" for t in tested.values()), tested
    assert "[OK] Gọi thử máy chủ Python" in members["bao-cao.txt"] and "Tự kiểm tra các nút" in members["bao-cao.txt"]


def test_the_report_holds_no_case_data(tmp_path, monkeypatch, clerks_ledger):
    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    target = tmp_path / "BAO_CAO.zip"
    report.write_report(target, create_ledger, windows_pc(), ledger=str(clerks_ledger))
    everything = "\n".join(_members(target).values())
    ledger = read_ledger(clerks_ledger)
    values = {str(v) for d in ledger.sheets.values() for r in d.records for v in r.values.values()
              if isinstance(v, str) and len(v) >= 6}
    assert set(SECRET_NAMES) <= values and len(values) > 50
    leaked = sorted(v for v in values if v in everything)
    assert leaked == [], leaked
    # nor anything of the sample the self-test pressed the buttons on (the messages quote ledgers)
    sample = tmp_path / "mau.xlsx"
    create_ledger(sample, sample=20, seed=7, today=date.today())
    sample_values = {str(v) for d in read_ledger(sample).sheets.values() for r in d.records
                     for v in r.values.values() if isinstance(v, str) and len(v) >= 8 and " " in v}
    assert sample_values and not [v for v in sample_values if v in everything]


def test_the_self_test_never_uses_the_units_mail_configuration(tmp_path, monkeypatch):
    real = tmp_path / "canh-bao.toml"
    real.write_text('transport = "smtp"\n[smtp]\nhost = "smtp.vks.gov.vn"\n', encoding="utf-8")
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(real))
    seen = []
    from addin.excel.handlers import alerts

    original = alerts.run

    def spy(book, ui):
        import os

        seen.append(os.environ["KIEMSAT_ALERTS_CONFIG"])
        return original(book, ui)

    monkeypatch.setattr(alerts, "run", spy)
    (tmp_path / "t").mkdir()
    report.self_test(tmp_path / "t", create_ledger)
    assert seen and seen[0] != str(real)
    import os

    assert os.environ["KIEMSAT_ALERTS_CONFIG"] == str(real)  # put back


def test_kiemsat_doctor_report_on_this_machine(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from addin.commands.cli import cli

    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("KIEMSAT_ALERTS_CONFIG", str(tmp_path / "none.toml"))
    result = CliRunner().invoke(cli, ["doctor", "--report", str(tmp_path / "bao cáo.zip")])
    assert result.exit_code == 0, result.output
    assert "Đã ghi báo cáo" in result.output and (tmp_path / "bao cáo.zip").is_file()
