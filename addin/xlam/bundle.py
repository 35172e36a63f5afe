"""`kiemsat addin bundle --out THU_MUC`: everything a Windows PC without internet needs, in a folder and a zip.

Built on any machine that reaches the package index:

* `wheels/`: kiemsat's wheel and a wheel of every dependency for each Python of the support matrix
  (`support.PYTHON_VERSIONS`) and each Windows platform (`support.WHEEL_PLATFORMS`: win_amd64; win32
  cannot be, see `support.py`), pywin32 included. `pip download --platform` picks files by tag but evaluates environment markers on
  the machine that runs it (Linux drops `pywin32; sys_platform == 'win32'`, keyring's
  `pywin32-ctypes`, click's `colorama`...), so the set is closed here: every wheel's `Requires-Dist` is
  evaluated for Windows (`windows_environment`) and what is missing is downloaded, until nothing is;
* `kiemsat.xlam` (the add-in as built here; `cai-dat.bat` builds and installs its own);
* `cai-dat.bat`: removes Mark-of-the-Web from the folder's files (PowerShell `Unblock-File`, else by
  emptying each file's `Zone.Identifier` stream), creates a per-user virtual environment
  (`%LOCALAPPDATA%\\kiemsat\\venv`), installs with `pip --no-index --find-links wheels`, registers the COM
  server and puts the add-in in XLSTART (`kiemsat addin install`), then runs `kiemsat doctor`; no
  administrator rights, no internet. `go-cai-dat.bat` undoes it.

`plan_closure` is pure (wheel files in, missing requirements out) so the tests check it offline.
"""

from __future__ import annotations

import email.parser
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from addin.xlam import support

WHEELS = "wheels"
INSTALL_BAT = "cai-dat.bat"
UNINSTALL_BAT = "go-cai-dat.bat"
README_TXT = "HUONG-DAN.txt"
VENV = r"%LOCALAPPDATA%\kiemsat\venv"

Pip = Callable[[Sequence[str]], None]  # runs `python -m pip ARGS`; raises BundleError on failure


class BundleError(Exception):
    """The bundle cannot be built (message in Vietnamese)."""


def windows_environment(python: str, platform: str) -> dict[str, str]:
    """PEP 508 marker values of CPython `python` ("3.11") on Windows `platform` (win_amd64, win32)."""
    return {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
            "platform_machine": "AMD64" if platform == "win_amd64" else "x86",
            "platform_release": "10", "platform_version": "10.0.19045",
            "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "implementation_version": f"{python}.0",
            "platform_python_implementation": "CPython", "extra": ""}


def _tags(python: str, platform: str) -> set:
    from packaging import tags

    version = tuple(int(p) for p in python.split("."))
    interp = f"cp{version[0]}{version[1]}"
    return set(tags.cpython_tags(version, abis=[interp, "abi3", "none"], platforms=[platform])) | set(
        tags.compatible_tags(version, interp, platforms=[platform]))


@dataclass
class Wheel:
    path: Path
    name: str  # canonical
    version: object  # packaging Version
    tags: frozenset
    requires: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Wheel:
        from packaging.utils import parse_wheel_filename

        name, version, _, tags = parse_wheel_filename(path.name)
        with zipfile.ZipFile(path) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
            message = email.parser.Parser().parsestr(z.read(meta).decode("utf-8"))
        return cls(path, name, version, frozenset(tags), message.get_all("Requires-Dist") or [])


def plan_closure(wheels: Iterable[Wheel], roots: Sequence[str], python: str, platform: str) -> list[str]:
    """Requirements reachable from `roots` (requirement strings) on Windows `platform` with `python` that
    no wheel of `wheels` satisfies; [] when the set installs offline."""
    return walk(wheels, roots, python, platform)[1]


def walk(wheels: Iterable[Wheel], roots: Sequence[str], python: str,
         platform: str) -> tuple[list[str], list[str]]:
    """(the distributions Windows would install, by name; the requirements no wheel satisfies)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    env = windows_environment(python, platform)
    fits = _tags(python, platform)
    by_name: dict[str, list[Wheel]] = {}
    for w in wheels:
        if w.tags & fits:
            by_name.setdefault(w.name, []).append(w)
    missing: list[str] = []
    reached: list[str] = []
    todo = [(Requirement(r), "") for r in roots]
    seen: set[tuple[str, str]] = set()
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({**env, "extra": extra}):
            continue
        name = canonicalize_name(req.name)
        key = (str(req), extra)
        if key in seen:
            continue
        seen.add(key)
        candidates = sorted((w for w in by_name.get(name, []) if req.specifier.contains(w.version, prereleases=True)),
                            key=lambda w: w.version, reverse=True)
        if not candidates:
            missing.append(str(Requirement(f"{req.name}{req.specifier}")) if req.specifier else req.name)
            continue
        best = candidates[0]
        if best.name not in reached:
            reached.append(best.name)
        for extra_name in [""] + sorted(req.extras):
            for r in best.requires:
                todo.append((Requirement(r), extra_name))
    return sorted(reached), sorted(set(missing))


def pip_runner(python: str = sys.executable) -> Pip:
    def run(args: Sequence[str]) -> None:
        done = subprocess.run([python, "-m", "pip", *args], capture_output=True, text=True)
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-6:])
            raise BundleError(f"pip không tải được gói (cần mạng tới kho gói Python):\n{tail}")
    return run


def project_root() -> Path | None:
    """The source folder kiemsat runs from, when it has its pyproject.toml (an editable or source install)."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() else None


def _platform_args(python: str, platform: str | None) -> list[str]:
    if platform is None:  # this machine (the Linux bundle the tests install from)
        return []
    return ["--only-binary=:all:", "--platform", platform, "--python-version", python, "--implementation", "cp"]


def download_wheels(wheels_dir: Path, pythons: Sequence[str], platforms: Sequence[str | None], pip: Pip,
                    root: Path | None = None) -> list[str]:
    """kiemsat's wheel and its closure for each (python, platform) into `wheels_dir`; returns the
    requirement roots (kiemsat==version)."""
    from macros_py import __version__

    wheels_dir.mkdir(parents=True, exist_ok=True)
    root = root or project_root()
    if root is not None:
        pip(["wheel", "--no-deps", "--wheel-dir", str(wheels_dir), str(root)])
    else:
        pip(["download", "--no-deps", "--dest", str(wheels_dir), f"kiemsat=={__version__}"])
    roots = [f"kiemsat=={__version__}"]
    for platform in platforms:
        for python in pythons:
            args = _platform_args(python, platform)
            pip(["download", "--dest", str(wheels_dir), "--find-links", str(wheels_dir), *args, *roots])
            if platform is None:
                continue
            for _ in range(10):  # markers pip evaluated for this machine, not Windows: close the set
                wheels = [Wheel.read(p) for p in wheels_dir.glob("*.whl")]
                missing = plan_closure(wheels, roots, python, platform)
                if not missing:
                    break
                pip(["download", "--dest", str(wheels_dir), "--find-links", str(wheels_dir), *args, *missing])
            else:
                raise BundleError(f"Không gom đủ gói cho Windows ({platform}, Python {python}): {', '.join(missing)}")
    return roots


def _bat(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def install_bat(pythons: Sequence[str]) -> bytes:
    """cai-dat.bat: ASCII commands (cmd reads a batch file in the console's code page); what the IT person
    reads in Vietnamese is printed by kiemsat itself (Python writes Unicode to the console)."""
    accepted = ", ".join(f"({p.replace('.', ', ')})" for p in pythons)
    return _bat([
        "@echo off",
        "rem kiemsat: offline install for this Windows user (no administrator rights, no internet)",
        "setlocal EnableExtensions",
        "chcp 65001 >nul",
        'set "HERE=%~dp0"',
        f'set "VENV={VENV}"',
        "rem 1. Mark-of-the-Web: files from a download or an e-mail carry it and Office blocks their macros",
        'powershell -NoProfile -ExecutionPolicy Bypass -Command "Get-ChildItem -LiteralPath $env:HERE -Recurse -File'
        ' | Unblock-File" >nul 2>&1',
        'if errorlevel 1 for /r "%HERE%" %%F in (*) do @type nul > "%%F:Zone.Identifier" 2>nul',
        "rem 2. Python from python.org (the py launcher), one of the versions the wheels are for",
        'set "PY="',
        'where py >nul 2>&1 && set "PY=py -3"',
        'if not defined PY where python >nul 2>&1 && set "PY=python"',
        "if not defined PY (",
        "  echo [CHAN] Khong thay Python. Hay cai Python tu python.org (chon Add python.exe to PATH) roi chay lai.",
        "  exit /b 2",
        ")",
        f'%PY% -c "import sys; sys.exit(0 if sys.version_info[:2] in ({accepted},) else 1)"',
        "if errorlevel 1 (",
        f"  echo [CHAN] Bo cai nay co goi cho Python {', '.join(pythons)}. Hay cai mot trong cac ban do tu python.org.",
        "  %PY% --version",
        "  exit /b 2",
        ")",
        "rem 3. the per-user virtual environment and the packages, from the wheels folder only",
        'if not exist "%VENV%\\Scripts\\python.exe" %PY% -m venv "%VENV%" || exit /b 2',
        '"%VENV%\\Scripts\\python.exe" -m pip install --no-index --find-links "%HERE%wheels" --upgrade kiemsat'
        " || exit /b 2",
        "rem 4. the COM server (HKCU) and the add-in in XLSTART; then the check of this PC",
        '"%VENV%\\Scripts\\kiemsat.exe" addin install || exit /b 2',
        '"%VENV%\\Scripts\\kiemsat.exe" doctor',
        "endlocal",
    ])


def uninstall_bat() -> bytes:
    return _bat([
        "@echo off",
        "rem kiemsat: remove the add-in, its COM registration and the virtual environment of this user",
        "setlocal EnableExtensions",
        "chcp 65001 >nul",
        f'set "VENV={VENV}"',
        'if exist "%VENV%\\Scripts\\kiemsat.exe" "%VENV%\\Scripts\\kiemsat.exe" addin uninstall',
        'if exist "%VENV%" rmdir /s /q "%VENV%"',
        "endlocal",
    ])


def guide_txt(pythons: Sequence[str]) -> str:
    return "\r\n".join([
        "kiemsat - bộ cài không cần Internet",
        "",
        f"Hỗ trợ: {support.summary_vi()}.",
        f"Bộ này có gói cho Python {', '.join(pythons)} ({', '.join(support.WHEEL_PLATFORMS)}).",
        "",
        "1. Tệp zip nhận qua thư hay tải về: bấm chuột phải > Properties > Unblock. Giải nén vào một thư mục trên máy "
        "(ví dụ D:\\kiemsat-cai-dat).",
        "2. Cài Python từ bộ cài python.org (mang theo trên USB nếu máy không có mạng), chọn «Add python.exe to PATH».",
        "3. Đóng hết cửa sổ Excel, bấm đúp cai-dat.bat. Cuối cùng kiemsat in kết quả kiểm tra máy (kiemsat doctor).",
        "4. Mở Excel: thẻ «Kiểm sát» hiện trên thanh công cụ. Bấm «Kiểm tra cài đặt» để thử lần bấm đầu tiên.",
        "Gỡ: đóng Excel, bấm đúp go-cai-dat.bat.",
        "",
    ])


@dataclass(frozen=True)
class BundleResult:
    folder: Path
    zip_path: Path
    wheels: int
    pythons: tuple[str, ...]
    platforms: tuple[str, ...]


def build_bundle(out: Path, pythons: Sequence[str] = support.PYTHON_VERSIONS,
                 platforms: Sequence[str | None] = tuple(support.WHEEL_PLATFORMS), pip: Pip | None = None,
                 root: Path | None = None) -> BundleResult:
    """The folder `out/kiemsat-cai-dat` and the zip beside it."""
    from addin.xlam.build import build_addin

    pip = pip or pip_runner()
    folder = Path(out) / "kiemsat-cai-dat"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    download_wheels(folder / WHEELS, pythons, platforms, pip, root)
    build_addin(folder)
    (folder / INSTALL_BAT).write_bytes(install_bat(pythons))
    (folder / UNINSTALL_BAT).write_bytes(uninstall_bat())
    (folder / README_TXT).write_text(guide_txt(pythons), encoding="utf-8-sig")
    zip_path = Path(shutil.make_archive(str(folder), "zip", folder.parent, folder.name))
    return BundleResult(folder, zip_path, len(list((folder / WHEELS).glob("*.whl"))), tuple(pythons),
                        tuple(p or "this machine" for p in platforms))
