"""Installing kiemsat.xlam on a Windows PC: where Excel loads it, and how a press reaches Python.

Excel opens every workbook in the user's XLSTART folder when it starts; XLSTART is a trusted
location by default, and macros in a trusted location run whatever the macro setting, even
"Disable all macros without notification" (VBAWarnings=4). A press reaches Python through
kiemsat's COM server (`addin/excel/comserver.py`), registered per user (`comreg.py`): no xlwings
DLL, no `kiemsat.conf`, no path in VBA.

Everything this module decides is computed from a `WindowsLayout` (environment folders and the
interpreter) and a `Registry` (what Excel's settings say), so that it can be checked off Windows
on a simulated layout; only `install()` touches the real machine. Each problem is one Vietnamese
sentence saying what to do.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Protocol

from addin.xlam import comreg, support
from addin.xlam.build import ADDIN_FILENAME

# the Office versions whose settings are read: the supported ones (support.py), then older ones, to say so
OFFICE_VERSIONS = (*support.OFFICE_VERSIONS, *support.UNSUPPORTED_OFFICE)
HKCU, HKLM = "HKCU", "HKLM"


class InstallError(Exception):
    pass


class Registry(Protocol):
    """What the checks read from the registry: a value (None when absent) and a key's subkeys."""

    def value(self, root: str, key: str, name: str) -> object | None: ...

    def subkeys(self, root: str, key: str) -> list[str]: ...

    def exists(self, root: str, key: str) -> bool: ...


class WinRegistry:  # pragma: no cover - Windows only
    def _open(self, root: str, key: str):  # noqa: ANN202
        import winreg  # type: ignore[import-not-found]

        hive = {HKCU: winreg.HKEY_CURRENT_USER, HKLM: winreg.HKEY_LOCAL_MACHINE,
                "HKCR": winreg.HKEY_CLASSES_ROOT}[root]
        return winreg.OpenKey(hive, key)

    def value(self, root: str, key: str, name: str) -> object | None:
        import winreg  # type: ignore[import-not-found]

        try:
            with self._open(root, key) as k:
                return winreg.QueryValueEx(k, name or None)[0]
        except OSError:
            return None

    def subkeys(self, root: str, key: str) -> list[str]:
        import winreg  # type: ignore[import-not-found]

        try:
            with self._open(root, key) as k:
                out, i = [], 0
                while True:
                    try:
                        out.append(winreg.EnumKey(k, i))
                    except OSError:
                        return out
                    i += 1
        except OSError:
            return []

    def exists(self, root: str, key: str) -> bool:
        try:
            self._open(root, key).Close()
            return True
        except OSError:
            return False


@dataclass(frozen=True)
class WindowsLayout:
    """The folders that matter on a Windows PC, as the environment gives them."""

    appdata: PureWindowsPath
    userprofile: PureWindowsPath
    localappdata: PureWindowsPath
    python: PureWindowsPath  # sys.executable
    base_prefix: PureWindowsPath  # sys.base_prefix
    environ: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], executable: str, base_prefix: str) -> WindowsLayout:
        def get(name: str, default: str) -> PureWindowsPath:
            return PureWindowsPath(environ.get(name) or default)

        profile = get("USERPROFILE", r"C:\Users\Default")
        return cls(appdata=get("APPDATA", str(profile / "AppData" / "Roaming")), userprofile=profile,
                   localappdata=get("LOCALAPPDATA", str(profile / "AppData" / "Local")),
                   python=PureWindowsPath(executable), base_prefix=PureWindowsPath(base_prefix),
                   environ=dict(environ))

    @property
    def xlstart(self) -> PureWindowsPath:
        return self.appdata / "Microsoft" / "Excel" / "XLSTART"

    def expand(self, text: str) -> str:
        """%NAME% expanded from this layout's environment (as Windows' ExpandEnvironmentStrings)."""
        env = {k.upper(): v for k, v in self.environ.items()}
        env.setdefault("APPDATA", str(self.appdata))
        env.setdefault("USERPROFILE", str(self.userprofile))
        env.setdefault("LOCALAPPDATA", str(self.localappdata))
        parts = text.split("%")
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            name = parts[i]
            if i + 1 < len(parts) and name.upper() in env:
                out.append(env[name.upper()] + parts[i + 1])
            else:
                out.append("%" + name + ("%" + parts[i + 1] if i + 1 < len(parts) else ""))
        return "".join(out)

    def onedrive_roots(self) -> list[PureWindowsPath]:
        """The local folders OneDrive syncs (personal and work), from its environment variables."""
        seen = []
        for name in ("OneDriveCommercial", "OneDriveConsumer", "OneDrive"):
            value = self.environ.get(name)
            if value and PureWindowsPath(value) not in seen:
                seen.append(PureWindowsPath(value))
        return seen


def interpreter(layout: WindowsLayout, exists=os.path.exists) -> PureWindowsPath:  # noqa: ANN001
    """The interpreter COM starts: pythonw.exe next to Python (no console window) when present."""
    pythonw = layout.python.with_name("pythonw.exe")
    return pythonw if exists(str(pythonw)) else layout.python


def is_store_python(layout: WindowsLayout) -> bool:
    """Microsoft Store Python (an app package): its writes under AppData and the registry go to a
    private copy that Excel never sees."""
    for p in (layout.python, layout.base_prefix):
        parts = [s.lower() for s in p.parts]
        if "windowsapps" in parts:
            return True
        if any(s.startswith("pythonsoftwarefoundation.python.") for s in parts):
            return True
    return False


def _under(path: PureWindowsPath, root: PureWindowsPath) -> bool:
    a, b = str(path).lower().rstrip("\\"), str(root).lower().rstrip("\\")
    return a == b or a.startswith(b + "\\")


def in_onedrive(layout: WindowsLayout, path: PureWindowsPath) -> PureWindowsPath | None:
    return next((root for root in layout.onedrive_roots() if _under(path, root)), None)


# ---------------------------------------------------------------- Excel's Trust Center


@dataclass(frozen=True)
class TrustCenter:
    version: str | None  # the Office version whose settings were read (None: no Office settings found)
    vba_warnings: int | None  # 1 enable all, 2 disable with notification, 3 signed only, 4 disable all
    xlstart_trusted: bool
    trusted_by_default: bool  # no Trusted Locations key yet (Excel never started): Excel's defaults apply
    locations_disabled: bool  # policy "disable all trusted locations"
    addins_must_be_signed: bool  # RequireAddinSig


def _security_keys(version: str) -> list[tuple[str, str]]:
    """Where a setting is read, policy first (a policy overrides the user's choice)."""
    return [(HKCU, rf"Software\Policies\Microsoft\Office\{version}\Excel\Security"),
            (HKLM, rf"Software\Policies\Microsoft\Office\{version}\Excel\Security"),
            (HKCU, rf"Software\Microsoft\Office\{version}\Excel\Security")]


def _setting(reg: Registry, version: str, name: str, sub: str = "") -> object | None:
    for root, key in _security_keys(version):
        value = reg.value(root, key + sub, name)
        if value is not None:
            return value
    return None


def trust_center(reg: Registry, layout: WindowsLayout) -> TrustCenter:
    version = next((v for v in OFFICE_VERSIONS if any(reg.exists(r, k) for r, k in _security_keys(v))
                    or reg.exists(HKCU, rf"Software\Microsoft\Office\{v}\Excel")), None)
    if version is None:
        return TrustCenter(None, None, True, True, False, False)
    warnings = _setting(reg, version, "VBAWarnings")
    disabled = _setting(reg, version, "AllLocationsDisabled", r"\Trusted Locations") == 1
    network_ok = _setting(reg, version, "AllowNetworkLocations", r"\Trusted Locations") == 1
    target = layout.xlstart
    trusted, any_location = False, False
    for root, key in _security_keys(version):
        base = key + r"\Trusted Locations"
        for sub in reg.subkeys(root, base):
            raw = reg.value(root, rf"{base}\{sub}", "Path")
            if not isinstance(raw, str):
                continue
            any_location = True
            loc = PureWindowsPath(layout.expand(raw))
            subfolders = reg.value(root, rf"{base}\{sub}", "AllowSubfolders") == 1
            if str(loc).lower().rstrip("\\") == str(target).lower().rstrip("\\") or (subfolders and _under(target, loc)):
                trusted = True
    by_default = not any_location
    if str(target).startswith("\\\\") and not network_ok:
        trusted, by_default = False, False  # a network location is trusted only when allowed
    return TrustCenter(version, int(warnings) if isinstance(warnings, int) else None,
                       (trusted or by_default) and not disabled, by_default and not disabled, disabled,
                       _setting(reg, version, "RequireAddinSig") == 1)


# ---------------------------------------------------------------- checks


@dataclass(frozen=True)
class Finding:
    key: str
    ok: bool
    text: str  # one Vietnamese line: what was found and, when not ok, what to do
    blocking: bool = False  # a press cannot work until it is fixed


def macro_findings(tc: TrustCenter, layout: WindowsLayout) -> list[Finding]:
    xlstart = layout.xlstart
    if tc.locations_disabled:
        return [Finding("xlstart_trusted", False, "Chính sách của cơ quan tắt mọi thư mục tin cậy (Trusted Locations) "
                        "của Excel, nên macro trong XLSTART không được tin cậy. Nhờ bộ phận CNTT cho phép thư mục "
                        f"«{xlstart}» hoặc ký số thanh Kiểm sát.", blocking=tc.vba_warnings in (3, 4, None))]
    if tc.addins_must_be_signed:
        return [Finding("addin_signature", False, "Excel chỉ cho chạy add-in có chữ ký số (Require Application "
                        "Add-ins to be signed). Nhờ bộ phận CNTT tắt mục này cho kiemsat.xlam hoặc ký số nó.",
                        blocking=True)]
    if tc.xlstart_trusted:
        how = "mặc định của Excel" if tc.trusted_by_default else "Trusted Locations"
        note = (" Macro trong thư mục này vẫn chạy dù Excel đặt «Disable all macros without notification»."
                if tc.vba_warnings == 4 else "")
        return [Finding("xlstart_trusted", True, f"Thư mục XLSTART «{xlstart}» là nơi tin cậy ({how}).{note}")]
    if tc.vba_warnings in (3, 4):
        setting = "chỉ macro có chữ ký số" if tc.vba_warnings == 3 else "tắt mọi macro không thông báo"
        return [Finding("xlstart_trusted", False, f"Thư mục XLSTART «{xlstart}» không phải nơi tin cậy và Excel đang "
                        f"đặt «{setting}»: thanh Kiểm sát sẽ không chạy. Vào File > Options > Trust Center > Trust "
                        f"Center Settings > Trusted Locations, bấm «Add new location» và thêm «{xlstart}».",
                        blocking=True)]
    return [Finding("xlstart_trusted", False, f"Thư mục XLSTART «{xlstart}» không phải nơi tin cậy: mỗi lần mở "
                    "Excel sẽ có thanh vàng hỏi bật macro. Nên thêm thư mục này vào File > Options > Trust Center > "
                    "Trust Center Settings > Trusted Locations.")]


def environment_findings(layout: WindowsLayout, reg: Registry) -> list[Finding]:
    """What decides whether installing can work on this PC (the installer refuses on a blocking one)."""
    out: list[Finding] = []
    if is_store_python(layout):
        out.append(Finding("store_python", False, f"Python đang dùng là bản Microsoft Store ({layout.python}): bản này "
                           "ghi vào AppData và registry ở một bản sao riêng mà Excel không thấy. Hãy gỡ nó, cài Python "
                           "từ python.org (chọn «Add python.exe to PATH»), rồi cài lại kiemsat.", blocking=True))
    else:
        out.append(Finding("store_python", True, f"Python: {layout.python} (không phải bản Microsoft Store)."))
    excel = reg.value("HKCR", r"Excel.Application\CurVer", "")
    if excel is None:
        out.append(Finding("excel", False, f"Không tìm thấy Microsoft Excel trên máy này. Hãy cài Microsoft "
                           f"{support.OFFICE_NAMES} (có Excel) rồi chạy lại «kiemsat addin install».", blocking=True))
    else:
        out.append(Finding("excel", True, f"Excel: {excel}."))
    tc = trust_center(reg, layout)
    if tc.version in support.UNSUPPORTED_OFFICE:
        out.append(Finding("office_version", False, f"Máy dùng {support.UNSUPPORTED_OFFICE[tc.version]} ({tc.version}): "
                           f"kiemsat chỉ hỗ trợ {support.OFFICE_NAMES}; thanh Kiểm sát có thể vẫn chạy nhưng chưa "
                           "được thử."))
    out += macro_findings(tc, layout)
    where = in_onedrive(layout, PureWindowsPath(layout.xlstart))
    if where is not None:
        out.append(Finding("xlstart_onedrive", False, f"Thư mục XLSTART nằm trong OneDrive ({where}): Excel có thể "
                           "mở bản chưa đồng bộ. Nhờ bộ phận CNTT để AppData ngoài OneDrive."))
    return out


# ---------------------------------------------------------------- the plan and the install


@dataclass(frozen=True)
class InstallPlan:
    addin_target: PureWindowsPath
    interpreter: PureWindowsPath
    registry: list[comreg.Entry]
    findings: list[Finding]

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    def describe(self) -> list[str]:
        """The plan in Vietnamese, one line each (what `--dry-run` prints)."""
        lines = [f"Chép thanh Kiểm sát vào: {self.addin_target}",
                 f"Đăng ký máy chủ Python «{comreg.PROGID}» cho người dùng này (không cần quyền quản trị):"]
        lines += [f"  HKCU\\{e.key}  {e.name or '(Default)'} = {e.value}" for e in self.registry]
        lines.append("Kiểm tra:")
        lines += [f"  [{'OK' if f.ok else ('CHẶN' if f.blocking else 'LƯU Ý')}] {f.text}" for f in self.findings]
        return lines


def plan(layout: WindowsLayout, reg: Registry, exists=os.path.exists) -> InstallPlan:  # noqa: ANN001
    python = interpreter(layout, exists)
    return InstallPlan(layout.xlstart / ADDIN_FILENAME, python, comreg.entries(python),
                       environment_findings(layout, reg))


def current_plan(command: str = "install") -> InstallPlan:
    if sys.platform != "win32":
        raise InstallError(f"«kiemsat addin {command}» chỉ chạy trên Windows có Excel. Trên máy này, hãy tạo tệp "
                           "bằng «kiemsat addin build --out THU_MUC» rồi chép kiemsat.xlam sang máy Windows.")
    layout = WindowsLayout.from_environ(os.environ, sys.executable, sys.base_prefix)
    return plan(layout, WinRegistry())


def install() -> InstallPlan:  # pragma: no cover - Windows only
    p = current_plan()
    if p.blocking:
        raise InstallError("\n".join(f.text for f in p.blocking))
    try:
        import pythoncom  # type: ignore[import-not-found]  # noqa: F401 - the COM server needs pywin32
    except ImportError:
        raise InstallError("Thiếu gói pywin32 mà máy chủ Python của thanh Kiểm sát cần. Hãy gõ: "
                           "py -m pip install pywin32") from None
    from addin.xlam.build import build_addin

    target = Path(p.addin_target)
    target.parent.mkdir(parents=True, exist_ok=True)
    built = build_addin(target.parent / ".kiemsat-build")
    try:
        os.replace(built.path, target)
    except PermissionError:
        raise InstallError("Excel đang mở thanh Kiểm sát cũ. Hãy đóng hết cửa sổ Excel rồi chạy lại "
                           "«kiemsat addin install».") from None
    finally:
        built.path.unlink(missing_ok=True)
        try:
            built.path.parent.rmdir()
        except OSError:
            pass
    comreg.register(p.interpreter)
    return p


def uninstall() -> InstallPlan:  # pragma: no cover - Windows only
    """Remove the add-in from XLSTART and the COM registration (what `install` wrote, nothing else)."""
    p = current_plan("uninstall")
    try:
        Path(p.addin_target).unlink(missing_ok=True)
    except PermissionError:
        raise InstallError("Excel đang mở thanh Kiểm sát. Hãy đóng hết cửa sổ Excel rồi chạy lại "
                           "«kiemsat addin uninstall».") from None
    comreg.unregister()
    return p
