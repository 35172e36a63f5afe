"""Writing workbook files without ever losing what is in them.

Never write into a workbook a person has open: Excel keeps a lock file `~$name.xlsx` beside it
(LibreOffice `.~lock.name.xlsx#`) while it is open. Every kiemsat writer of a ledger holds
`ledger_lock(path)` (a lock file `.~kiemsat-name.xlsx.lock` beside it, across processes) for its
whole read-modify-write. A write copies the old file into `kiemsat-sao-luu/` (pruned to the last
`keep` copies of that ledger, never the newest), writes the new content to a temporary file in
the same folder with the old file's mode and owner, then renames it over the old one (atomic on
one file system): a crash leaves either the old file or the new one, and the next write removes
a temporary file a crash left behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock, Timeout

from macros_py.ledger.schema import SETTINGS_BY_KEY

BACKUP_DIR = "kiemsat-sao-luu"
BACKUPS_KEPT: int = SETTINGS_BY_KEY["backups_kept"].default  # type: ignore[assignment]  # per ledger
LOCK_TIMEOUT = 300.0  # seconds to wait for another kiemsat writer (a batch of decisions)
TEMP_PREFIX = ".~kiemsat-tmp-"


class FileBusy(Exception):
    """The workbook is open in Excel or LibreOffice, or another writer holds it; message in Vietnamese."""


def lock_files(path: Path) -> list[Path]:
    return [path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")]


def ensure_not_open(path: Path) -> None:
    for lock in lock_files(path):
        if lock.exists():
            raise FileBusy(f"Tệp «{path.name}» đang được mở (có tệp khóa «{lock.name}»); "
                           "hãy đóng tệp trong Excel rồi thử lại, hoặc dùng nút trên thanh Kiểm sát trong Excel.")


def lock_path(path: Path) -> Path:
    return Path(path).with_name(f".~kiemsat-{Path(path).name}.lock")


@contextmanager
def ledger_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the writers' lock of the ledger at `path` for the block. Re-entrant in one thread
    (a writer may call another writer's function); exclusive across threads and processes."""
    lock = FileLock(str(lock_path(Path(path).resolve())), is_singleton=True)
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise FileBusy(f"một lệnh kiemsat khác đang ghi vào sổ «{Path(path).name}» (chờ quá lâu); "
                       "hãy thử lại sau ít phút.") from None
    try:
        yield
    finally:
        lock.release()


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


def backup(path: Path, now: datetime | None = None, keep: int = BACKUPS_KEPT) -> Path:
    """Copy `path` into the backup folder beside it (never over an earlier backup), then keep only
    the newest `keep` backups of this ledger (at least the one just made)."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"{path.stem}-{_stamp(now)}{path.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}-{_stamp(now)}-{n}{path.suffix}"
    shutil.copy2(path, target)
    prune_backups(path, keep, newest=target)
    return target


_BACKUP_NAME = r"-\d{8}-\d{6}(?:-\d+)?"


def backups_of(path: Path) -> list[Path]:
    """The backups of `path`, oldest first."""
    folder = path.parent / BACKUP_DIR
    if not folder.is_dir():
        return []
    pattern = re.compile(re.escape(path.stem) + _BACKUP_NAME + re.escape(path.suffix) + "$")
    found = [p for p in folder.iterdir() if pattern.match(p.name) and p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def prune_backups(path: Path, keep: int, newest: Path | None = None) -> list[Path]:
    keep = max(int(keep), 1)
    found = backups_of(path)
    if newest is not None and newest in found:  # the copy just made is never the one removed
        found.remove(newest)
        found.append(newest)
    removed = found[: max(len(found) - keep, 0)]
    for p in removed:
        p.unlink(missing_ok=True)
    return removed


def _clean_stale_temps(folder: Path, name: str) -> None:
    """Remove temporary files an interrupted write of `name` left (call holding its lock)."""
    for p in folder.glob(f"{TEMP_PREFIX}{name}-*"):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


def _keep_owner(src: os.stat_result, dst: Path) -> None:
    os.chmod(dst, src.st_mode & 0o7777)
    if hasattr(os, "chown"):
        try:
            os.chown(dst, src.st_uid, src.st_gid)
        except PermissionError:
            pass  # only root may give a file away; the mode is what shares it


def replace_file(path: Path, write: Callable[[BinaryIO], None], *, keep: int = BACKUPS_KEPT,
                 make_backup: bool = True) -> Path | None:
    """Replace the file at `path` by what `write(out)` writes, keeping its mode and owner, after a
    backup copy (returned). The old file stays whole until the new one is complete."""
    path = Path(path)
    ensure_not_open(path)
    _clean_stale_temps(path.parent, path.name)
    old = path.stat() if path.exists() else None
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}-", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if old is not None:
            _keep_owner(old, tmp)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        ensure_not_open(path)  # it may have been opened while we were writing
        saved = backup(path, keep=keep) if (old is not None and make_backup) else None
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return saved


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[Path], None], *, overwrite: bool = False,
                 keep: int = BACKUPS_KEPT) -> Path | None:
    """Write a new file at `path` through `write(temp_path)` (a builder that saves to a path).

    If `path` exists it is replaced only when `overwrite` is true, after a backup copy (returned).
    """
    path = Path(path)
    ensure_not_open(path)
    if path.exists() and not overwrite:
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def via_path(out: BinaryIO) -> None:
        folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{path.name}-", dir=path.parent))
        try:
            staged = folder / path.name
            write(staged)
            with staged.open("rb") as fh:
                shutil.copyfileobj(fh, out)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return replace_file(path, via_path, keep=keep)
