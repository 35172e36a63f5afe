"""Writing a ledger file never loses it: lock files respected, one lock for every writer,
backups kept and pruned, mode and owner kept, replacement atomic, leftovers of a crash removed."""

import os
import subprocess
import sys
import threading
import time

import pytest

from macros_py.workbook.package import Patch, write_cells
from macros_py.workbook.safefile import (
    BACKUP_DIR,
    TEMP_PREFIX,
    FileBusy,
    atomic_write,
    backups_of,
    ledger_lock,
    replace_file,
)


@pytest.fixture()
def path(sample_ledger, tmp_path):
    p = tmp_path / "so.xlsx"
    p.write_bytes(sample_ledger.read_bytes())
    return p


@pytest.mark.parametrize("lock", ["~$so.xlsx", ".~lock.so.xlsx#"])
def test_a_write_refuses_while_the_workbook_is_open(path, lock):
    original = path.read_bytes()
    (path.parent / lock).write_text("x")
    patch = Patch()
    patch.set("Tin báo", 3, 19, "ghi chú mới")
    with pytest.raises(FileBusy, match="đang được mở"):
        write_cells(path, patch)
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIR).exists()


def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    path = tmp_path / "so.xlsx"
    path.write_bytes(b"old content")

    def broken(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, broken, overwrite=True)
    assert path.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["so.xlsx"]


def test_mode_is_kept_and_a_new_file_follows_the_umask(path):
    os.chmod(path, 0o644)
    replace_file(path, lambda out: out.write(path.read_bytes()))
    assert path.stat().st_mode & 0o777 == 0o644
    os.chmod(path, 0o664)
    replace_file(path, lambda out: out.write(b"x"))
    assert path.stat().st_mode & 0o777 == 0o664
    new = path.with_name("moi.xlsx")
    old = os.umask(0o022)
    try:
        replace_file(new, lambda out: out.write(b"y"))
    finally:
        os.umask(old)
    assert new.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600: a shared folder keeps working


def test_backups_are_pruned_to_the_newest_and_never_the_one_just_made(path):
    contents = []
    for i in range(6):
        data = f"phiên bản {i}".encode()
        contents.append(path.read_bytes())
        replace_file(path, lambda out, d=data: out.write(d), keep=3)
    kept = backups_of(path)
    assert len(kept) == 3
    assert [p.read_bytes() for p in kept] == contents[-3:]  # the three most recent states before each write
    replace_file(path, lambda out: out.write(b"z"), keep=0)  # 0 means: keep the one just made
    assert [p.read_bytes() for p in backups_of(path)] == [b"phi\xc3\xaan b\xe1\xba\xa3n 5"]


def test_a_temp_file_left_by_a_crash_is_removed_by_the_next_write(path):
    stale = path.parent / f"{TEMP_PREFIX}{path.name}-abc.tmp"
    stale.write_bytes(b"half a workbook")
    other = path.parent / f"{TEMP_PREFIX}khac.xlsx-abc.tmp"  # another ledger's: not ours to remove
    other.write_bytes(b"x")
    replace_file(path, lambda out: out.write(b"new"))
    assert not stale.exists() and other.exists()


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_across_threads(path):
    order = []
    with ledger_lock(path):
        with ledger_lock(path):  # a writer calling another writer's function
            order.append("inner")

        def other():
            with ledger_lock(path):
                order.append("other")

        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.3)
        order.append("outer done")
    t.join(5)
    assert order == ["inner", "outer done", "other"]


def test_the_lock_is_exclusive_across_processes(path):
    code = ("import sys, time; from pathlib import Path; from macros_py.workbook.safefile import ledger_lock\n"
            "with ledger_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(1.5)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    start = time.monotonic()
    with pytest.raises(FileBusy, match="đang ghi vào sổ"):
        with ledger_lock(path, timeout=0.2):
            pass
    with ledger_lock(path, timeout=10):
        waited = time.monotonic() - start
    proc.wait(10)
    assert waited > 0.5


def test_the_ledger_own_backup_count_in_cau_hinh_is_used_by_every_write(tmp_path):
    """«Số bản sao lưu giữ lại» = 2 in Cấu hình: a write through update_ledger (the writers'
    read-modify-write) and `stats --write` keep the ledger's two newest backups, not the default 20."""
    from datetime import date

    from click.testing import CliRunner

    from addin.commands.cli import cli
    from macros_py.sample import sample_rows
    from macros_py.workbook.package import update_ledger
    from workbook_templates.builder import build_workbook

    path = tmp_path / "so.xlsx"
    build_workbook(sample_rows(5, seed=3, today=date(2026, 3, 2)), {"backups_kept": 2}).save(path)
    states = []
    for i in range(4):
        states.append(path.read_bytes())

        def plan(ledger, i=i):  # noqa: ANN001, ANN202
            assert ledger.settings["backups_kept"] == 2
            patch = Patch()
            patch.set("Tin báo", 3, 4, f"nội dung lần {i}")
            return patch, None

        update_ledger(path, plan)
    assert [p.read_bytes() for p in backups_of(path)] == states[-2:]

    result = CliRunner().invoke(cli, ["stats", str(path), "--today", "2026-03-02", "--write"])
    assert result.exit_code in (0, 1), result.output
    assert len(backups_of(path)) == 2  # stats --write pruned to the ledger's count too
