"""Writing a ledger file never loses it: lock files are respected, backups kept, replacement atomic."""

import pytest

from macros_py.workbook.safefile import FileBusy, atomic_write, edit_workbook
from tests.fingerprint import workbook_fingerprint


def test_edit_workbook_changes_one_cell_and_keeps_the_rest(sample_ledger, tmp_path):
    path = tmp_path / "so.xlsx"
    path.write_bytes(sample_ledger.read_bytes())
    before = workbook_fingerprint(path, skip_cells={("Tin báo", "S3")})

    def edit(wb):
        wb["Tin báo"]["S3"] = "ghi chú mới"
        return "done"

    result, backup = edit_workbook(path, edit)
    assert result == "done"
    assert backup.read_bytes() == sample_ledger.read_bytes()
    assert workbook_fingerprint(path, skip_cells={("Tin báo", "S3")}) == before
    from openpyxl import load_workbook
    assert load_workbook(path)["Tin báo"]["S3"].value == "ghi chú mới"


@pytest.mark.parametrize("lock", ["~$so.xlsx", ".~lock.so.xlsx#"])
def test_edit_refuses_while_the_workbook_is_open(sample_ledger, tmp_path, lock):
    path = tmp_path / "so.xlsx"
    path.write_bytes(sample_ledger.read_bytes())
    (tmp_path / lock).write_text("x")
    with pytest.raises(FileBusy, match="đang được mở"):
        edit_workbook(path, lambda wb: None)
    assert path.read_bytes() == sample_ledger.read_bytes()
    assert not (tmp_path / "kiemsat-sao-luu").exists()


def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    path = tmp_path / "so.xlsx"
    path.write_bytes(b"old content")

    def broken(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, broken, overwrite=True)
    assert path.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kiemsat-sao-luu", "so.xlsx"]
