"""kiemsat's one log folder, shared by the CLI's crash log, the ribbon's failures and the COM server.

`KIEMSAT_LOG_DIR`, else `%LOCALAPPDATA%\\kiemsat` on Windows, `$XDG_STATE_HOME/kiemsat` (default
`~/.local/state/kiemsat`) elsewhere. Light on purpose: the COM server imports it before anything else.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

SERVER_LOG = "may-chu-com.log"  # the COM server's start-up, loading and failures
PRESS_LOG = "loi.log"  # a ribbon press that failed unexpectedly (its traceback)


def log_folder() -> Path:
    env = os.environ.get("KIEMSAT_LOG_DIR")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "kiemsat"


def append_log(name: str, text: str) -> Path | None:
    """Append a dated entry to log `name` in the log folder (or the temp folder when that cannot be
    written); the file written, or None when neither can be."""
    entry = f"--- {datetime.now():%Y-%m-%d %H:%M:%S} pid {os.getpid()}\n{text.rstrip()}\n"
    for folder in (log_folder(), Path(tempfile.gettempdir()) / "kiemsat"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            with path.open("a", encoding="utf-8") as fh:
                fh.write(entry)
            return path
        except OSError:
            continue
    return None
