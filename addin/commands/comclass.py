"""The COM class through which the ribbon reaches Python, defined once.

The add-in's VBA calls `CreateObject(PROGID)`; Windows' COM service (DcomLaunch) starts the command
line registered under `HKCU\\Software\\Classes\\CLSID\\{CLSID}\\LocalServer32` (written by
`kiemsat addin install`, see `addin/xlam/comreg.py`); that process serves `SERVER_CLASS`
(`addin/excel/comserver.py`). Shared by the VBA generator, the registration and the server.
"""

from __future__ import annotations

PROGID = "Kiemsat.Dispatcher"
CLSID = "{5A1C4B95-604A-4FB8-BCD0-4EB59E6DB617}"
SERVER_MODULE = "addin.excel.comserver"
SERVER_CLASS = f"{SERVER_MODULE}.KiemsatDispatcher"
DESCRIPTION = "kiemsat: ribbon dispatcher (Python)"
