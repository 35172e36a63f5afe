"""What kiemsat's ribbon supports on Windows, stated once: used by the README (a test compares), the
installer's checks, `kiemsat doctor` and the offline bundle (which wheels it carries).

Why these: Python 3.11+ is kiemsat's floor (`requires-python`), and Python 3.11+ installs on Windows
10 and 11 only (python.org dropped Windows 7 with 3.9 and 8.1 with 3.13; 8.1 has been out of support
since 2023). Office 2016 and later all report version 16.0 (2016, 2019, 2021, 2024, Microsoft 365);
Office 2013 (15.0) and 2010 (14.0) are out of Microsoft's support and untested. The ribbon's Python
runs in its own process (a COM local server), so Python's bitness need not match Office's: 32-bit and
64-bit Office both work with 64-bit Python. 32-bit Python (win32) is not supported: pandas 2.1+ and
matplotlib 3.8+ publish no win32 wheels (checked on PyPI with `pip download --platform win32
--only-binary=:all:` for Python 3.11-3.13; pandas' last is 2.0.3, for 3.11 only), so a 32-bit Windows
(no 64-bit Python) cannot run kiemsat; the bundle carries win_amd64 wheels.
"""

from __future__ import annotations

WINDOWS = ("10", "11")
OFFICE_VERSIONS = ("16.0",)  # the registry version of Office 2016, 2019, 2021, 2024 and Microsoft 365
OFFICE_NAMES = "Office 2016, 2019, 2021, 2024 hoặc Microsoft 365"
UNSUPPORTED_OFFICE = {"15.0": "Office 2013", "14.0": "Office 2010", "12.0": "Office 2007"}
OFFICE_BITNESS = ("32-bit", "64-bit")
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")
WHEEL_PLATFORMS = {"win_amd64": "Python 64-bit"}
UNSUPPORTED_PLATFORMS = {"win32": "pandas 2.1+ và matplotlib 3.8+ không có bản cho Python 32-bit"}


def python_supported(version: tuple[int, int]) -> bool:
    return f"{version[0]}.{version[1]}" in PYTHON_VERSIONS


def summary_vi() -> str:
    """The matrix in one Vietnamese sentence (README, doctor, the installer's messages)."""
    pythons = ", ".join(PYTHON_VERSIONS)
    return (f"Windows {' hoặc '.join(WINDOWS)}; Microsoft {OFFICE_NAMES} có Excel cài trên máy "
            f"(bản {' hoặc '.join(OFFICE_BITNESS)}); Python {pythons} bản 64-bit từ python.org "
            "(dùng được với cả Office 32-bit)")
