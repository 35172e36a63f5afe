"""Installing kiemsat.xlam on a Windows PC: where Excel loads it, with the interpreter path.

Excel opens every workbook in the user's XLSTART folder when it starts (a trusted location by
default, so the add-in's macros run without a prompt). The add-in's xlwings module reads its
settings from `%USERPROFILE%\\.kiemsat\\kiemsat.conf` (PROJECT_NAME "kiemsat"), lines of
`"KEY","value"`: we write the interpreter there. Each missing piece (Excel, the xlwings DLL next
to Python, macros disabled by policy) is reported in one Vietnamese sentence saying what to do.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from addin.xlam.build import ADDIN_FILENAME, PROJECT_NAME


class InstallError(Exception):
    pass


@dataclass(frozen=True)
class InstallPlan:
    addin_target: Path
    config_path: Path
    interpreter: Path


def plan(appdata: Path, userprofile: Path, python: Path) -> InstallPlan:
    """Where the add-in and its config go, and which interpreter Excel will start."""
    pythonw = python.with_name("pythonw.exe")
    return InstallPlan(
        addin_target=appdata / "Microsoft" / "Excel" / "XLSTART" / ADDIN_FILENAME,
        config_path=userprofile / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf",
        interpreter=pythonw if pythonw.exists() else python,
    )


def config_text(interpreter: Path, existing: str = "") -> str:
    """The config file with INTERPRETER_WIN set, other keys kept (xlwings' `"KEY","value"` lines)."""
    lines = [ln for ln in existing.splitlines() if ln.strip() and not ln.upper().startswith('"INTERPRETER_WIN"')]
    lines.insert(0, f'"INTERPRETER_WIN","{interpreter}"')
    return "\r\n".join(lines) + "\r\n"


def _excel_installed() -> bool:
    import winreg  # type: ignore[import-not-found]

    try:
        winreg.CloseKey(winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Excel.Application\CurVer"))
        return True
    except OSError:
        return False


def _macros_disabled() -> bool:
    """True when the Trust Center says "disable all macros without notification" (VBAWarnings 4)."""
    import winreg  # type: ignore[import-not-found]

    for version in ("16.0", "15.0", "14.0"):
        for root in (winreg.HKEY_CURRENT_USER, winreg.HKEY_LOCAL_MACHINE):
            for sub in (rf"Software\Microsoft\Office\{version}\Excel\Security",
                        rf"Software\Policies\Microsoft\Office\{version}\Excel\Security"):
                try:
                    with winreg.OpenKey(root, sub) as key:
                        if winreg.QueryValueEx(key, "VBAWarnings")[0] == 4:
                            return True
                except OSError:
                    continue
    return False


def check_environment() -> list[str]:
    """What is missing on this PC, one Vietnamese sentence each (empty when all is in place)."""
    import xlwings

    problems = []
    if not _excel_installed():
        problems.append("Không tìm thấy Microsoft Excel trên máy này. Hãy cài Microsoft Office 2016 trở lên "
                        "(có Excel) rồi chạy lại «kiemsat addin install».")
    bits = "64" if sys.maxsize > 2**32 else "32"
    dll = Path(sys.prefix) / f"xlwings{bits}-{xlwings.__version__}.dll"
    if not dll.exists():
        problems.append(f"Không thấy tệp «{dll.name}» của xlwings cạnh Python ({sys.prefix}). Hãy cài lại: "
                        "py -m pip install --force-reinstall xlwings")
    if _macros_disabled():
        problems.append("Excel đang tắt mọi macro (Trust Center: «Disable all macros without notification»). "
                        "Vào File > Options > Trust Center > Trust Center Settings > Macro Settings, chọn "
                        "«Disable all macros with notification», rồi mở lại Excel.")
    return problems


def install() -> InstallPlan:
    if sys.platform != "win32":
        raise InstallError("«kiemsat addin install» chỉ chạy trên Windows có Excel. Trên máy này, hãy tạo tệp "
                           "bằng «kiemsat addin build --out THU_MUC» rồi chép kiemsat.xlam sang máy Windows.")
    problems = check_environment()
    if problems:
        raise InstallError("\n".join(problems))
    from addin.xlam.build import build_addin

    p = plan(Path(os.environ["APPDATA"]), Path(os.environ["USERPROFILE"]), Path(sys.executable))
    p.addin_target.parent.mkdir(parents=True, exist_ok=True)
    built = build_addin(p.addin_target.parent / ".kiemsat-build")
    try:
        os.replace(built.path, p.addin_target)
    except PermissionError:
        raise InstallError("Excel đang mở thanh Kiểm sát cũ. Hãy đóng hết cửa sổ Excel rồi chạy lại "
                           "«kiemsat addin install».") from None
    finally:
        built.path.parent.joinpath(ADDIN_FILENAME).unlink(missing_ok=True)
        try:
            built.path.parent.rmdir()
        except OSError:
            pass
    p.config_path.parent.mkdir(parents=True, exist_ok=True)
    old = p.config_path.read_text(encoding="utf-8") if p.config_path.exists() else ""
    p.config_path.write_text(config_text(p.interpreter, old), encoding="utf-8")
    return p
