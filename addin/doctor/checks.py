"""The checks of `kiemsat doctor`, one `Line` each (what was found, and what to do).

Each check reads what it needs from a `Machine` (the environment, the registry, the interpreter,
a way to query the scheduled task), so the whole list runs off Windows on a simulated PC in the
tests, and on Linux for real, where the checks that only mean something on Windows say so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

from addin.doctor.roundtrip import RoundTrip, round_trip
from addin.xlam import comreg, support
from addin.xlam.install import Finding, Registry, WindowsLayout, environment_findings, in_onedrive

OK, WARN, BLOCK, SKIP = "OK", "LƯU Ý", "CHẶN", "—"
TASK_NAME = "kiemsat canh bao"  # the scheduled task the README has the clerk create


@dataclass(frozen=True)
class Line:
    key: str
    state: str  # OK, WARN, BLOCK (a press cannot work), SKIP (does not apply here)
    text: str

    def render(self) -> str:
        return f"[{self.state}] {self.text}"


@dataclass
class Machine:
    """What the checks look at. `current()` is this computer; tests build a simulated one."""

    windows: bool
    layout: WindowsLayout | None = None
    registry: Registry | None = None
    exists: Callable[[str], bool] = os.path.exists
    registered_command: str | None = None  # the COM server's LocalServer32 value (None: not registered)
    has_pywin32: bool = True
    task_query: Callable[[str], bool | None] = lambda name: None  # True/False, None: cannot tell
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    # the call to the COM server (`roundtrip.round_trip`); None: this check runs inside a press, which is one
    call_server: Callable[[], RoundTrip] | None = round_trip

    @classmethod
    def current(cls) -> Machine:
        if sys.platform != "win32":
            return cls(windows=False)
        from addin.xlam.install import WinRegistry

        try:
            import pythoncom  # type: ignore[import-not-found]  # noqa: F401

            pywin32 = True
        except ImportError:
            pywin32 = False
        return cls(windows=True, layout=WindowsLayout.from_environ(os.environ, sys.executable, sys.base_prefix),
                   registry=WinRegistry(), registered_command=comreg.registered_command(), has_pywin32=pywin32,
                   task_query=_schtasks_query)


def _schtasks_query(name: str) -> bool | None:  # pragma: no cover - Windows only
    try:
        done = subprocess.run(["schtasks", "/Query", "/TN", name], capture_output=True, timeout=20,
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.returncode == 0


def _from_finding(f: Finding) -> Line:
    return Line(f.key, OK if f.ok else (BLOCK if f.blocking else WARN), f.text)


def _windows_only(key: str, what: str) -> Line:
    return Line(key, SKIP, f"{what}: chỉ kiểm tra được trên Windows.")


def split_command_line(line: str) -> list[str]:
    """Windows' rules for a command line (CommandLineToArgvW; the program name: quoted or up to the
    first space, no escapes)."""
    args: list[str] = []
    i, n = 0, len(line)
    if line.startswith('"'):
        end = line.find('"', 1)
        end = n if end < 0 else end
        args.append(line[1:end])
        i = end + 1
    else:
        end = next((j for j, c in enumerate(line) if c in " \t"), n)
        args.append(line[:end])
        i = end
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        arg, quoted = [], False
        while i < n and (quoted or line[i] not in " \t"):
            if line[i] == "\\":
                j = i
                while j < n and line[j] == "\\":
                    j += 1
                if j < n and line[j] == '"':
                    arg.append("\\" * ((j - i) // 2))
                    if (j - i) % 2:
                        arg.append('"')
                        i = j + 1
                    else:
                        i = j
                    continue
                arg.append("\\" * (j - i))
                i = j
                continue
            if line[i] == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':
                    arg.append('"')
                    i += 2
                    continue
                quoted = not quoted
                i += 1
                continue
            arg.append(line[i])
            i += 1
        args.append("".join(arg))


def check_server(m: Machine) -> list[Line]:
    """The COM server the ribbon calls: registered, and its interpreter present."""
    if not m.windows:
        return [_windows_only("server", "Đăng ký máy chủ Python «Kiemsat.Dispatcher» cho Excel")]
    out = []
    if not m.has_pywin32:
        out.append(Line("pywin32", BLOCK, "Thiếu gói pywin32 (máy chủ Python của thanh Kiểm sát cần nó). "
                                          "Hãy gõ: py -m pip install pywin32"))
    if m.registered_command is None:
        out.append(Line("server", BLOCK, "Chưa đăng ký máy chủ Python «Kiemsat.Dispatcher»: các nút sẽ báo lỗi. "
                                         "Hãy đóng Excel và gõ «kiemsat addin install»."))
        return out
    exe = split_command_line(m.registered_command)[0]
    if not m.exists(exe):
        out.append(Line("server", BLOCK, f"Máy chủ Python đã đăng ký trỏ tới «{exe}», tệp này không còn (Python đã "
                                         "gỡ hoặc chuyển chỗ). Hãy gõ «kiemsat addin install» bằng Python đang dùng."))
    elif m.layout is not None and PureWindowsPath(exe).parent != m.layout.python.parent:
        out.append(Line("server", WARN, f"Excel sẽ dùng Python «{exe}», khác Python đang chạy lệnh này "
                                        f"({m.layout.python}). Nếu đó không phải ý bạn, gõ «kiemsat addin install»."))
    else:
        out.append(Line("server", OK, f"Máy chủ Python «Kiemsat.Dispatcher» đã đăng ký: {exe}."))
    return out


def check_round_trip(m: Machine) -> list[Line]:
    """A real call: Dispatch("Kiemsat.Dispatcher").Version(), with a timeout (`roundtrip.py`)."""
    from macros_py import __version__

    if m.call_server is None:
        return [Line("com", OK, "Excel đã gọi được máy chủ Python qua COM: chính lần bấm này.")]
    if m.windows and m.registered_command is None:
        return []  # check_server already says it is not registered
    result = m.call_server()
    how = "qua COM" if result.via_com else "trong tiến trình này (máy không chạy Windows, không qua COM)"
    if not result.ok:
        return [Line("com", BLOCK, f"Gọi thử máy chủ Python «{comreg.PROGID}» {how}: không được sau "
                                   f"{result.seconds:.1f} giây: {result.problem}.")]
    if result.version != __version__:
        return [Line("com", WARN, f"Máy chủ Python «{comreg.PROGID}» trả lời sau {result.seconds:.2f} giây nhưng là "
                                  f"kiemsat {result.version}, khác bản đang chạy lệnh này ({__version__}): hãy đóng "
                                  "Excel và gõ «kiemsat addin install».")]
    return [Line("com", OK, f"Gọi thử máy chủ Python «{comreg.PROGID}» {how}: trả lời sau {result.seconds:.2f} giây "
                            f"(kiemsat {result.version}).")]


def check_support(m: Machine) -> list[Line]:
    """Python's version and bitness against the support matrix (`addin/xlam/support.py`)."""
    version = sys.version_info[:2]
    bits = 64 if sys.maxsize > 2**32 else 32
    where = f"Python {version[0]}.{version[1]} {bits}-bit"
    if not support.python_supported(version) or (m.windows and bits != 64):
        return [Line("support", WARN, f"{where} nằm ngoài bảng hỗ trợ của kiemsat ({support.summary_vi()}).")]
    return [Line("support", OK, f"{where}: trong bảng hỗ trợ.")]


def _addin_version(path: Path) -> str | None:
    import re
    import zipfile

    from addin.xlam.ovba import VBAProject
    from addin.xlam.vba import MODULE_NAME

    with zipfile.ZipFile(path) as z:
        project = VBAProject.read(z.read("xl/vbaProject.bin"))
    found = re.search(r'KIEMSAT_VERSION As String = "([^"]+)"', project.module(MODULE_NAME).source)
    return found.group(1) if found else None


def check_addin(m: Machine, addin: Path | None) -> list[Line]:
    """The add-in in XLSTART (or the file given) and its version against the installed package."""
    from macros_py import __version__

    if addin is None:
        if not m.windows or m.layout is None:
            return [_windows_only("addin", "Thanh Kiểm sát trong thư mục XLSTART của Excel")]
        addin = Path(m.layout.xlstart / "kiemsat.xlam")
    if not addin.is_file():
        return [Line("addin", BLOCK, f"Không thấy thanh Kiểm sát «{addin}». Hãy gõ «kiemsat addin install».")]
    try:
        version = _addin_version(addin)
    except Exception as exc:  # a damaged or foreign file
        return [Line("addin", BLOCK, f"Không đọc được «{addin}» ({type(exc).__name__}). Hãy gõ «kiemsat addin "
                                     "install» để cài lại.")]
    if version != __version__:
        return [Line("addin", WARN, f"Thanh Kiểm sát «{addin}» là bản {version}, còn kiemsat đã cài là bản "
                                    f"{__version__}. Hãy đóng Excel và gõ «kiemsat addin install».")]
    return [Line("addin", OK, f"Thanh Kiểm sát «{addin}» cùng bản với kiemsat ({__version__}).")]


def check_excel(m: Machine) -> list[Line]:
    """Excel present, XLSTART trusted, the macro setting, Store Python (the installer's checks)."""
    if not m.windows or m.layout is None or m.registry is None:
        return [_windows_only("excel", "Excel, thư mục tin cậy XLSTART, cài đặt macro, Python bản Microsoft Store")]
    return [_from_finding(f) for f in environment_findings(m.layout, m.registry)]


def _non_ascii(path: str) -> bool:
    return any(ord(c) > 127 for c in path)


def check_paths(m: Machine) -> list[Line]:
    """Non-ASCII folders: harmless with the COM server, but say where they are, since other
    Excel tools (and xlwings' RunPython) break on them."""
    if m.layout is None:
        return [_windows_only("paths", "Tên người dùng, thư mục có dấu")]
    odd = [str(p) for p in (m.layout.userprofile, m.layout.python) if _non_ascii(str(p))]
    if not odd:
        return [Line("paths", OK, "Đường dẫn hồ sơ người dùng và Python chỉ có chữ không dấu.")]
    return [Line("paths", OK, "Đường dẫn có chữ có dấu (" + "; ".join(odd) + "): thanh Kiểm sát không bị ảnh hưởng "
                              "(Python được đăng ký bằng Unicode, VBA không đọc đường dẫn nào).")]


def check_ledger(m: Machine, ledger: str | None) -> list[Line]:
    """A ledger on OneDrive or SharePoint: Excel names it by a URL; kiemsat must find the local copy
    to write decisions next to it."""
    if not ledger:
        return []
    if "://" in ledger:
        try:
            from xlwings.utils import fullname_url_to_local_path

            local = fullname_url_to_local_path(ledger)
        except Exception:
            local = None
        if local and Path(local).exists():
            return [Line("ledger", OK, f"Sổ «{ledger}» ở OneDrive/SharePoint, bản trên máy: {local}.")]
        return [Line("ledger", BLOCK, f"Sổ «{ledger}» mở từ OneDrive/SharePoint mà không thấy bản đồng bộ trên máy: "
                                      "kiemsat không ghi được quyết định cạnh sổ. Hãy đồng bộ thư viện đó bằng "
                                      "OneDrive (nút «Sync») rồi mở sổ từ thư mục trên máy, hoặc chép sổ ra ổ đĩa.")]
    if m.layout is not None:
        root = in_onedrive(m.layout, PureWindowsPath(ledger))
        if root is not None:
            return [Line("ledger", WARN, f"Sổ «{ledger}» nằm trong thư mục OneDrive ({root}): được, nhưng hãy để "
                                         "OneDrive đồng bộ xong và chỉ một người sửa sổ một lúc.")]
    return [Line("ledger", OK, f"Sổ «{ledger}» nằm trên ổ đĩa của máy.")]


def check_alerts(m: Machine) -> list[Line]:
    """The alerts configuration, the SMTP password's place, the scheduled task."""
    from mailer.config import ConfigError, default_config_path, load_config

    path = default_config_path()
    try:
        config = load_config()
    except ConfigError as exc:
        return [Line("alerts", WARN, f"Tệp cấu hình cảnh báo có lỗi: {exc} Hãy sửa «{path}».")]
    out = []
    if config.path is None:
        out.append(Line("alerts", WARN, f"Chưa có tệp cấu hình gửi cảnh báo «{path}»: chưa gửi thư cảnh báo tự động "
                                        "(xem README, mục «Gửi cảnh báo»)."))
    else:
        out.append(Line("alerts", OK, f"Cấu hình cảnh báo: «{config.path}», {len(config.ledgers)} sổ, gửi bằng "
                                      f"{config.transport}."))
        smtp = config.smtp
        if config.transport == "smtp" and smtp is not None and smtp.user and smtp.oauth2_file is None:
            from mailer.transports import smtp_password

            try:
                smtp_password(smtp)
                out.append(Line("keyring", OK, f"Mật khẩu thư của «{smtp.user}» đã có (biến môi trường hoặc keyring)."))
            except ConfigError as exc:
                out.append(Line("keyring", WARN, f"Thư cảnh báo sẽ không gửi được: {exc}"))
    if not m.windows:
        out.append(_windows_only("task", f"Tác vụ «{TASK_NAME}» trong Task Scheduler"))
    elif config.path is not None:
        found = m.task_query(TASK_NAME)
        if found is None:
            out.append(Line("task", WARN, f"Không hỏi được Task Scheduler về tác vụ «{TASK_NAME}»."))
        elif found:
            out.append(Line("task", OK, f"Tác vụ «{TASK_NAME}» có trong Task Scheduler."))
        else:
            out.append(Line("task", WARN, f"Chưa có tác vụ «{TASK_NAME}» trong Task Scheduler: thư cảnh báo chỉ đi "
                                          "khi bấm «Gửi cảnh báo ngay» (README, mục «Gửi cảnh báo» có lệnh schtasks)."))
    return out


def run_checks(m: Machine | None = None, *, ledger: str | None = None, addin: Path | None = None) -> list[Line]:
    m = m or Machine.current()
    lines: list[Line] = []
    for check in (lambda: check_support(m), lambda: check_server(m), lambda: check_round_trip(m),
                  lambda: check_addin(m, addin), lambda: check_excel(m), lambda: check_paths(m),
                  lambda: check_ledger(m, ledger), lambda: check_alerts(m)):
        try:
            lines += check()
        except Exception:  # one broken check must not hide the others
            import traceback

            from addin.commands.logs import PRESS_LOG, append_log

            where = append_log(PRESS_LOG, "kiemsat doctor\n" + traceback.format_exc())
            lines.append(Line("internal", WARN, "Một bước kiểm tra bị lỗi" + (f"; chi tiết trong «{where}»." if where
                                                                              else ".")))
    return lines


def blocking(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if ln.state == BLOCK]


__all__ = ["Line", "Machine", "run_checks", "blocking", "split_command_line"]
