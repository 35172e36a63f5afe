"""The per-user COM registration of kiemsat's ribbon server (no administrator rights needed).

Written under `HKEY_CURRENT_USER\\Software\\Classes` with the registry's Unicode API (winreg), so
an interpreter under `C:\\Users\\Nguyễn Thư` reaches Windows intact: VBA never handles the path.
The values are those pywin32's `win32com.server.register` writes for a local server, in the
per-user hive instead of HKLM. `entries` is plain data so that it can be checked off Windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PureWindowsPath

from addin.commands.comclass import CLSID, DESCRIPTION, PROGID, SERVER_CLASS, SERVER_MODULE

CLASSES = r"Software\Classes"


@dataclass(frozen=True)
class Entry:
    key: str  # under HKEY_CURRENT_USER
    name: str  # "" is the key's default value
    value: str




def server_command(interpreter: PureWindowsPath | str) -> str:
    """The LocalServer32 command line: Windows appends ` -Embedding` when it starts it."""
    exe = str(interpreter)
    if '"' in exe:
        raise ValueError(f"a Windows path cannot hold a quote: {exe!r}")
    # the program name is always quoted: CreateProcess splits an unquoted one at the first space;
    # -P (Python 3.11+): COM starts the server in System32, which `-m` would otherwise put on sys.path
    return f'"{exe}" -P -m {SERVER_MODULE}'


def entries(interpreter: PureWindowsPath | str) -> list[Entry]:
    clsid_key = rf"{CLASSES}\CLSID\{CLSID}"
    return [
        Entry(clsid_key, "", DESCRIPTION),
        Entry(rf"{clsid_key}\LocalServer32", "", server_command(interpreter)),
        Entry(rf"{clsid_key}\ProgID", "", PROGID),
        Entry(rf"{clsid_key}\PythonCOM", "", SERVER_CLASS),
        Entry(rf"{CLASSES}\{PROGID}", "", DESCRIPTION),
        Entry(rf"{CLASSES}\{PROGID}\CLSID", "", CLSID),
    ]


def keys_to_delete() -> list[str]:
    """Every key `entries` creates, children before parents (winreg deletes only empty keys)."""
    keys = {e.key for e in entries("python.exe")}
    return sorted(keys, key=lambda k: (-k.count("\\"), k))


def unregister() -> None:  # pragma: no cover - Windows only
    import winreg  # type: ignore[import-not-found]

    for key in keys_to_delete():
        try:
            winreg.DeleteKey(winreg.HKEY_CURRENT_USER, key)
        except FileNotFoundError:
            pass


def register(interpreter: PureWindowsPath | str) -> None:  # pragma: no cover - Windows only
    import winreg  # type: ignore[import-not-found]

    for e in entries(interpreter):
        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, e.key, 0, winreg.KEY_SET_VALUE) as key:
            winreg.SetValueEx(key, e.name or None, 0, winreg.REG_SZ, e.value)


def registered_command() -> str | None:  # pragma: no cover - Windows only
    """The LocalServer32 command line Windows will start, or None when kiemsat is not registered."""
    import winreg  # type: ignore[import-not-found]

    try:
        with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, rf"CLSID\{CLSID}\LocalServer32") as key:
            return str(winreg.QueryValueEx(key, None)[0])
    except OSError:
        return None
