"""`kiemsat doctor --report BAO_CAO.zip`: what a remote helper needs from a unit's PC, and no case data.

The zip holds `bao-cao.txt` (the doctor's lines and the facts, in Vietnamese), `may.json` (the same facts
for a program), and `nhat-ky/` (kiemsat's log files, the last `LOG_TAIL` bytes of each). Facts: Windows
and Office versions and bitness, the ANSI code page, the Python path and whether it holds non-ASCII
letters, the trusted locations (user and policy), the add-in's registry entries, whether the COM round
trip works and how long it took, and a self-test of every button through the file shell on a sample
ledger made for the purpose (what kind of message each press ended with and how long it took; never the
message's text, which can quote a ledger). The clerk's ledger is never opened; `--ledger` adds only the
doctor's line about where it lives.
"""

from __future__ import annotations

import json
import locale
import os
import platform
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from addin.doctor.checks import Machine, run_checks
from addin.xlam import comreg, support

LOG_TAIL = 200_000
SELF_TEST_SKIPPED = ("doctor",)  # the doctor's own button: this report is it


def ansi_code_page(m: Machine) -> str:
    if m.windows and sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        return f"cp{ctypes.windll.kernel32.GetACP()}"
    return f"{locale.getpreferredencoding(False)} (không phải Windows)"


def office_facts(m: Machine) -> dict[str, Any]:
    if m.registry is None:
        return {"ghi_chu": "không phải Windows"}
    reg = m.registry
    return {
        "excel": reg.value("HKCR", r"Excel.Application\CurVer", ""),
        "click_to_run_platform": reg.value("HKLM", r"SOFTWARE\Microsoft\Office\ClickToRun\Configuration", "Platform"),
        "click_to_run_version": reg.value("HKLM", r"SOFTWARE\Microsoft\Office\ClickToRun\Configuration",
                                          "VersionToReport"),
        "bitness_msi": {v: reg.value("HKLM", rf"SOFTWARE\Microsoft\Office\{v}\Outlook", "Bitness")
                        for v in support.OFFICE_VERSIONS},
    }


def trusted_locations(m: Machine) -> list[dict[str, Any]]:
    """Every Trusted Locations entry Excel reads, user and policy, for each Office version."""
    from addin.xlam.install import OFFICE_VERSIONS, _security_keys

    if m.registry is None:
        return []
    out = []
    for version in OFFICE_VERSIONS:
        for root, key in _security_keys(version):
            base = key + r"\Trusted Locations"
            for sub in m.registry.subkeys(root, base):
                out.append({"office": version, "noi": f"{root}\\{base}\\{sub}",
                            "chinh_sach": "Policies" in key,
                            "path": m.registry.value(root, rf"{base}\{sub}", "Path"),
                            "allow_subfolders": m.registry.value(root, rf"{base}\{sub}", "AllowSubfolders")})
    return out


def registry_entries(m: Machine) -> list[dict[str, Any]]:
    """The COM registration `kiemsat addin install` writes, as this PC holds it."""
    from addin.xlam.install import interpreter

    if m.registry is None:
        return []
    python = interpreter(m.layout, m.exists) if m.layout is not None else "pythonw.exe"  # what install registers
    return [{"key": f"HKCU\\{e.key}", "name": e.name or "(Default)", "expected": e.value,
             "found": m.registry.value("HKCU", e.key, e.name)} for e in comreg.entries(python)]


MakeSample = Callable[..., Any]  # workbook_templates.builder.create_ledger (given by the CLI: the layout's rule)


CASE_ROW = 3  # the «Án hình sự» row the row buttons are pressed on


def _select_open_case(sample: Path, row: int = CASE_ROW) -> str | None:
    """The sample saved with row `row` of «Án hình sự» selected and still under investigation, so the row
    buttons (decisions, number, folder) run as a clerk's press does, not on the header. The row's Kiểm tra
    viên is taken off (and returned): «Tạo quyết định» then assigns only its Kiểm sát viên, and
    «QĐ phân công KTV» assigns her once she is named again (`_name_inspector`), as when a unit adds a KTV
    to a case later; the hình sự decision's Điều 2 naming her would forbid a second assignment."""
    import openpyxl

    from macros_py.ledger.reader import read_ledger

    data = read_ledger(sample).sheets["an_hinh_su"]
    wb = openpyxl.load_workbook(sample)
    ws = wb[data.name]
    ws.cell(row, data.columns["judgment_date"] + 1).value = None
    ws.cell(row, data.columns["stage"] + 1).value = "Điều tra"
    inspector_cell = ws.cell(row, data.columns["inspector"] + 1)
    inspector, inspector_cell.value = inspector_cell.value, None
    for key in ("inspector_decision_no", "inspector_decision_date"):
        ws.cell(row, data.columns[key] + 1).value = None
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws
    wb.active = wb.worksheets.index(ws)
    ws.sheet_view.selection[0].activeCell = ws.sheet_view.selection[0].sqref = f"A{row}"
    wb.save(sample)
    return str(inspector) if inspector else None


def _name_inspector(sample: Path, name: str | None, row: int = CASE_ROW) -> None:
    """Put the row's Kiểm tra viên back (what a clerk types before pressing «QĐ phân công KTV»)."""
    import openpyxl

    from macros_py.ledger.reader import read_ledger

    if not name:
        return
    data = read_ledger(sample).sheets["an_hinh_su"]
    wb = openpyxl.load_workbook(sample)
    wb[data.name].cell(row, data.columns["inspector"] + 1).value = name
    wb.save(sample)


def self_test(folder: Path, make_sample: MakeSample) -> list[dict[str, Any]]:
    """Every available button on a sample ledger through the file shell: the kinds of its messages, the time."""
    from addin.commands.registry import COMMANDS
    from addin.excel.filebook import run_on_file

    sample = folder / "so_mau.xlsx"
    make_sample(sample, sample=20, seed=7, today=date.today())
    inspector = _select_open_case(sample)
    saved = os.environ.get("KIEMSAT_ALERTS_CONFIG")
    os.environ["KIEMSAT_ALERTS_CONFIG"] = str(folder / "khong-co.toml")  # never the unit's real mail server
    results = []
    try:
        for command in COMMANDS:
            if not command.available or command.id in SELF_TEST_SKIPPED:
                continue
            t0 = time.perf_counter()
            try:
                if command.id == "decisions_inspector":
                    _name_inspector(sample, inspector)
                run = run_on_file(sample, command.id)
                kinds = [k for k, _ in run.ui.alerts()]
                unexpected = any("Lỗi không mong muốn" in t for _, t in run.ui.alerts())
                outcome = ("lỗi của kiemsat" if unexpected else "báo lỗi" if "error" in kinds else
                           "xong" if kinds else "không có thông báo")
            except Exception as exc:  # the file shell refused: its type only, never its text
                kinds, outcome = [], f"không chạy được ({type(exc).__name__})"
            results.append({"nut": command.id, "ten": command.label_vi, "thong_bao": kinds, "ket_qua": outcome,
                            "giay": round(time.perf_counter() - t0, 3)})
    finally:
        if saved is None:
            os.environ.pop("KIEMSAT_ALERTS_CONFIG", None)
        else:
            os.environ["KIEMSAT_ALERTS_CONFIG"] = saved
    return results


def gather(m: Machine, make_sample: MakeSample, *, ledger: str | None = None,
           addin: Path | None = None) -> dict[str, Any]:
    from macros_py import __version__

    lines = run_checks(m, ledger=ledger, addin=addin)
    rt = m.call_server() if m.call_server is not None else None
    with tempfile.TemporaryDirectory() as tmp:
        tests = self_test(Path(tmp), make_sample)
    return {
        "ngay": datetime.now().isoformat(timespec="seconds"),
        "kiemsat": __version__,
        "ho_tro": support.summary_vi(),
        "windows": {"platform": platform.platform(), "win32_ver": list(platform.win32_ver()),
                    "machine": platform.machine(), "la_windows": m.windows},
        "office": office_facts(m),
        "ansi_code_page": ansi_code_page(m),
        "python": {"path": sys.executable, "version": sys.version.split()[0],
                   "bits": 64 if sys.maxsize > 2**32 else 32,
                   "path_co_chu_ngoai_ascii": any(ord(c) > 127 for c in sys.executable),
                   "base_prefix": sys.base_prefix},
        "trusted_locations": trusted_locations(m),
        "dang_ky_com": registry_entries(m),
        "goi_thu_com": asdict(rt) if rt is not None else None,
        "doctor": [{"muc": ln.key, "trang_thai": ln.state, "noi_dung": ln.text} for ln in lines],
        "tu_kiem_tra_cac_nut": tests,
    }


def text_report(facts: dict[str, Any]) -> str:
    out = [f"Báo cáo kiemsat {facts['kiemsat']}, {facts['ngay']}", f"Hỗ trợ: {facts['ho_tro']}", ""]
    out += [f"[{d['trang_thai']}] {d['noi_dung']}" for d in facts["doctor"]]
    py = facts["python"]
    out += ["", f"Windows: {facts['windows']['platform']}", f"Trang mã ANSI: {facts['ansi_code_page']}",
            f"Python: {py['path']} ({py['version']}, {py['bits']}-bit; "
            f"{'có' if py['path_co_chu_ngoai_ascii'] else 'không có'} chữ ngoài ASCII)",
            f"Office: {json.dumps(facts['office'], ensure_ascii=False)}", "", "Tự kiểm tra các nút (sổ mẫu):"]
    out += [f"- {t['ten']}: {t['ket_qua']} ({', '.join(t['thong_bao']) or '—'}; {t['giay']:.2f} giây)"
            for t in facts["tu_kiem_tra_cac_nut"]]
    return "\r\n".join(out) + "\r\n"


def write_report(target: Path, make_sample: MakeSample, m: Machine | None = None, *, ledger: str | None = None,
                 addin: Path | None = None) -> dict[str, Any]:
    from addin.commands.logs import log_folder

    m = m or Machine.current()
    facts = gather(m, make_sample, ledger=ledger, addin=addin)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bao-cao.txt", text_report(facts).encode("utf-8-sig"))
        z.writestr("may.json", json.dumps(facts, ensure_ascii=False, indent=2, default=str))
        folder = log_folder()
        if folder.is_dir():
            for log in sorted(folder.glob("*.log")):
                data = log.read_bytes()
                z.writestr(f"nhat-ky/{log.name}", data[-LOG_TAIL:])
    tmp.replace(target)
    return facts
