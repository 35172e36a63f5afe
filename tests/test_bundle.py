"""The offline bundle's pieces, checked without a network (issue 21, item 4).

The end-to-end proof (real wheels for win_amd64 and win32 resolved with `pip install --dry-run
--no-index`, a Linux bundle installed with the index unreachable and running `kiemsat demo`) needs the
package index and minutes: `python -m tests.bundle_proof OUT` (see its docstring). Here: the closure
under Windows' markers that `pip download --platform` misses on Linux, the scripts, the folder and zip.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from addin.xlam import bundle, support


def fake_wheel(folder: Path, name: str, version: str, requires: list[str] = (), tag: str = "py3-none-any") -> Path:
    dist = f"{name.replace('-', '_')}-{version}"
    path = folder / f"{dist}-{tag}.whl"
    meta = "Metadata-Version: 2.1\nName: {}\nVersion: {}\n{}".format(
        name, version, "".join(f"Requires-Dist: {r}\n" for r in requires))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{dist}.dist-info/METADATA", meta)
        z.writestr(f"{dist}.dist-info/WHEEL", "Wheel-Version: 1.0\n")
    return path


@pytest.fixture
def wheels(tmp_path) -> Path:
    """kiemsat's shape: a Windows-only dependency, one reached through another's marker, an extra."""
    folder = tmp_path / "wheels"
    folder.mkdir()
    fake_wheel(folder, "kiemsat", "0.1.0", ["click>=8.1", "keyring>=24", "pywin32>=306; sys_platform == 'win32'",
                                          "pandas>=2.1"])
    fake_wheel(folder, "click", "8.1.7", ["colorama; platform_system == 'Windows'"])
    fake_wheel(folder, "keyring", "25.0", ["pywin32-ctypes>=0.2.0; sys_platform == 'win32'",
                                           "jaraco.classes", "SecretStorage>=3.2; sys_platform == 'linux'"])
    fake_wheel(folder, "jaraco.classes", "3.4")
    fake_wheel(folder, "pandas", "2.2.3", ["numpy>=1.23.2; python_version < '3.12'",
                                          "numpy>=1.26.0; python_version >= '3.12'", "tzdata>=2022.7"],
               tag="cp311-cp311-win_amd64")
    fake_wheel(folder, "numpy", "2.1.0", tag="cp311-cp311-win_amd64")
    fake_wheel(folder, "tzdata", "2024.1")
    return folder


def _read(folder: Path) -> list[bundle.Wheel]:
    return [bundle.Wheel.read(p) for p in folder.glob("*.whl")]


def test_markers_are_evaluated_for_windows_not_for_this_machine(wheels):
    """What `pip download --platform win_amd64` run on Linux leaves out is exactly what is found missing."""
    missing = bundle.plan_closure(_read(wheels), ["kiemsat==0.1.0"], "3.11", "win_amd64")
    assert missing == ["colorama", "pywin32-ctypes>=0.2.0", "pywin32>=306"]  # SecretStorage is Linux's, not asked for
    fake_wheel(wheels, "pywin32", "308", tag="cp311-cp311-win_amd64")
    fake_wheel(wheels, "pywin32-ctypes", "0.2.3")
    fake_wheel(wheels, "colorama", "0.4.6", tag="py2.py3-none-any")
    assert bundle.plan_closure(_read(wheels), ["kiemsat==0.1.0"], "3.11", "win_amd64") == []


def test_a_wheel_for_another_platform_or_python_does_not_count(wheels):
    for name in ("pywin32", "pywin32-ctypes", "colorama"):
        fake_wheel(wheels, name, "1.0", tag="py3-none-any" if name != "pywin32" else "cp311-cp311-win_amd64")
    assert "pywin32>=306" in bundle.plan_closure(_read(wheels), ["kiemsat"], "3.11", "win32")  # 64-bit only
    # numpy's and pandas' wheels are cp311 only: Python 3.12 needs its own
    missing = bundle.plan_closure(_read(wheels), ["kiemsat"], "3.12", "win_amd64")
    assert "pandas>=2.1" in missing


def test_the_install_script_works_offline_per_user_and_unblocks_first():
    bat = bundle.install_bat(("3.11", "3.12")).decode("utf-8")
    lines = bat.split("\r\n")
    assert bat.isascii()  # cmd reads a batch file in the console's code page: no Vietnamese letters in it
    assert all(ln == "" or not ln.endswith("\n") for ln in lines) and bat.endswith("\r\n")
    order = [next(i for i, ln in enumerate(lines) if key in ln) for key in
             ("Unblock-File", "Zone.Identifier", "-m venv", "--no-index --find-links", "addin install", "doctor")]
    assert order == sorted(order)
    pip_line = next(ln for ln in lines if "pip install" in ln)
    assert "--no-index" in pip_line and '--find-links "%HERE%wheels"' in pip_line
    assert r"%LOCALAPPDATA%\kiemsat\venv" in bat and "runas" not in bat.lower()  # per user, no elevation
    assert "sys.version_info[:2] in ((3, 11), (3, 12),)" in bat
    un = bundle.uninstall_bat().decode("utf-8")
    assert "addin uninstall" in un and "rmdir /s /q" in un


def test_build_bundle_with_a_stand_in_for_pip(tmp_path, wheels):
    """The folder and the zip: wheels, the add-in, both scripts and the guide; pip is asked for exactly
    the Windows platforms and Pythons of the support matrix, with binary wheels only."""
    calls = []

    def pip(args):
        calls.append(list(args))
        dest = Path(args[(args.index("--dest") if "--dest" in args else args.index("--wheel-dir")) + 1])
        for w in wheels.glob("*.whl"):
            (dest / w.name).write_bytes(w.read_bytes())
        if "pywin32>=306" in args:  # the closure's second round: what markers added
            bundle_platform = args[args.index("--platform") + 1]
            tag = "cp311-cp311-" + bundle_platform
            fake_wheel(dest, "pywin32", "308", tag=tag)
            fake_wheel(dest, "pywin32-ctypes", "0.2.3")
            fake_wheel(dest, "colorama", "0.4.6")

    result = bundle.build_bundle(tmp_path / "out", ("3.11",), ("win_amd64",), pip=pip, root=tmp_path)
    names = {p.name for p in result.folder.iterdir()}
    assert {"wheels", "kiemsat.xlam", "cai-dat.bat", "go-cai-dat.bat", "HUONG-DAN.txt"} <= names
    downloads = [c for c in calls if c[0] == "download"]
    assert all(c[c.index("--platform") + 1] == "win_amd64" and "--only-binary=:all:" in c
               and c[c.index("--python-version") + 1] == "3.11" for c in downloads)
    assert any("pywin32>=306" in c for c in downloads)  # the set was closed for Windows
    with zipfile.ZipFile(result.zip_path) as z:
        listed = set(z.namelist())
    assert "kiemsat-cai-dat/cai-dat.bat" in listed
    assert any(n.startswith("kiemsat-cai-dat/wheels/pywin32-") for n in listed)
    assert support.summary_vi() in (result.folder / "HUONG-DAN.txt").read_text(encoding="utf-8-sig")


def test_the_cli_refuses_a_python_outside_the_matrix(tmp_path):
    from click.testing import CliRunner

    from addin.commands.cli import cli

    result = CliRunner().invoke(cli, ["addin", "bundle", "--out", str(tmp_path), "--python", "3.8"])
    assert result.exit_code == 2 and "không hỗ trợ Python 3.8" in result.output


def test_the_readme_states_the_support_matrix_from_its_one_source():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert support.summary_vi() in " ".join(readme.split())  # as written, wrapped at any space
