"""Writing workbook files without ever losing what is in them.

Never write into a workbook a person has open: Excel keeps a lock file `~$name.xlsx` beside it
(LibreOffice `.~lock.name.xlsx#`) while it is open. Otherwise: copy the old file to a backup
folder, write the new content to a temporary file in the same folder, then rename it over the
old one (atomic on the same file system), so a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from openpyxl import Workbook

T = TypeVar("T")

BACKUP_DIR = "kiemsat-sao-luu"


class FileBusy(Exception):
    """The workbook is open in Excel or LibreOffice (or cannot be replaced); message in Vietnamese."""


def lock_files(path: Path) -> list[Path]:
    return [path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")]


def ensure_not_open(path: Path) -> None:
    for lock in lock_files(path):
        if lock.exists():
            raise FileBusy(f"Tệp «{path.name}» đang được mở (có tệp khóa «{lock.name}»); "
                           "hãy đóng tệp trong Excel rồi thử lại, hoặc dùng nút trên thanh Kiểm sát trong Excel.")


def backup(path: Path, now: datetime | None = None) -> Path:
    """Copy `path` into the backup folder beside it, never overwriting an earlier backup."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-{stamp}{path.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}-{stamp}-{n}{path.suffix}"
    shutil.copy2(path, target)
    return target


def atomic_write(path: Path, write: Callable[[Path], None], *, overwrite: bool = False) -> Path | None:
    """Write a new file at `path` through `write(temp_path)`.

    If `path` exists it is replaced only when `overwrite` is true, after a backup copy (returned).
    """
    path = Path(path)
    ensure_not_open(path)
    saved = None
    if path.exists():
        if not overwrite:
            raise FileExistsError(path)
        saved = backup(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        ensure_not_open(path)  # it may have been opened while we were writing
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return saved


def edit_workbook(path: Path, edit: Callable[[Workbook], T]) -> tuple[T, Path]:
    """Change a closed workbook file safely: refuse while it is open, back it up, load it with
    openpyxl, apply `edit(workbook)`, save to a temporary file and replace the original.

    Returns what `edit` returned and the backup's path. Use this for every change kiemsat makes
    to a ledger file; inside Excel, handlers write through xlwings instead.
    """
    from openpyxl import load_workbook

    path = Path(path)
    ensure_not_open(path)
    wb = load_workbook(path)
    try:
        result = edit(wb)
        saved = atomic_write(path, wb.save, overwrite=True)
    finally:
        wb.close()
    assert saved is not None
    return result, saved
