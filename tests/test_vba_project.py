"""The built VBA project carries nothing of another project's (issue 21, item 7).

xlwings' quickstart add-in, which kiemsat.xlam is built from, references the MSForms control library
with a path on its author's machine (`C:\\Users\\felix\\AppData\\Local\\Temp\\VBE\\MSForms.exd`), and
carries its own project ID and cookies. In kiemsat's: no MSForms reference, no foreign path, its own
ID with CMG/DPB/GC keyed for it, cookies 0xFFFF ([MS-OVBA] 2.3.4.2.3: "MUST be 0xFFFF on write").
Three readers agree on every stream: olevba (oletools), the independent decompressor in
`tests/ovba_reference.py`, and kiemsat's own.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import olefile
import pytest

from addin.xlam import ovba_crypt
from addin.xlam.build import PROJECT_ID, build_addin, xlwings_source
from addin.xlam.ovba import VBAProject
from addin.xlam.ovba_compress import decompress
from tests.ovba_reference import decompress_container, walk_dir


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_addin(tmp_path_factory.mktemp("vba")).path


def _bin(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def _dir_records(data: bytes) -> list[tuple[int, bytes]]:
    """(id, payload) of every dir record, read with the reference walker's sizes."""
    sizes, _ = walk_dir(data)
    out, pos = [], 0
    for rid, size in sizes:
        out.append((rid, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return out


def test_no_msforms_reference_and_no_foreign_path(built):
    ole = olefile.OleFileIO(io.BytesIO(_bin(built)))
    streams = {"/".join(e): ole.openstream("/".join(e)).read() for e in ole.listdir()}
    readable = b"".join(decompress_container(v) if k == "VBA/dir" else v for k, v in streams.items())
    msforms_guid = b"{0D452EE1-E08F-101A-852E-02608C4D0BB4}"
    for needle in (b"MSForms", b"FM20.DLL", b"felix", b"\\VBE\\", b"\\Temp\\", msforms_guid):
        assert needle not in readable and needle.decode().encode("utf-16-le") not in readable, needle
    records = _dir_records(decompress_container(streams["VBA/dir"]))
    names = [p.decode("cp1252") for i, (r, p) in enumerate(records) if r == 0x16 and records[i - 1][0] != 0x2F]
    assert names == ["Office"]  # IRibbonControl is declared in the Office library; nothing else is needed
    source = _dir_records(decompress_container(olefile.OleFileIO(io.BytesIO(
        zipfile.ZipFile(xlwings_source()[0]).read("xl/vbaProject.bin"))).openstream("VBA/dir").read()))
    assert b"felix" in b"".join(p for _, p in source)  # what was there to remove


def test_cookies_are_0xffff_as_ms_ovba_says(built):
    ole = olefile.OleFileIO(io.BytesIO(_bin(built)))
    records = _dir_records(decompress_container(ole.openstream("VBA/dir").read()))
    cookies = {rid: [struct.unpack("<H", p)[0] for r, p in records if r == rid] for rid in (0x13, 0x2C)}
    modules = sum(1 for r, _ in records if r == 0x19)
    assert cookies[0x13] == [0xFFFF] and cookies[0x2C] == [0xFFFF] * modules and modules == 3


def test_the_project_has_its_own_id_and_its_protection_values_are_keyed_for_it(built):
    ole = olefile.OleFileIO(io.BytesIO(_bin(built)))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert f'ID="{PROJECT_ID}"' in text
    source = VBAProject.read(zipfile.ZipFile(xlwings_source()[0]).read("xl/vbaProject.bin")).project_text
    assert re.search(r'ID="([^"]+)"', source).group(1) != PROJECT_ID
    values = {k: re.search(rf'^{k}="([0-9A-F]+)"', text, re.M).group(1) for k in ("CMG", "DPB", "GC")}
    # no protection, no password, visible: what the quickstart's say, decrypted with their own ID
    assert ovba_crypt.decrypt(values["CMG"], PROJECT_ID) == b"\0\0\0\0"
    assert ovba_crypt.decrypt(values["DPB"], PROJECT_ID) == b"\0"
    assert ovba_crypt.decrypt(values["GC"], PROJECT_ID) == b"\xff"
    with pytest.raises(ValueError, match="another project ID"):
        ovba_crypt.decrypt(values["GC"], re.search(r'ID="([^"]+)"', source).group(1))


def test_the_encryption_reproduces_what_office_wrote():
    """xlwings' three add-ins were saved by Office: decrypting and encrypting again with the same seed and
    filler gives their bytes back, for each of CMG, DPB and GC."""
    import xlwings

    folder = Path(xlwings.__file__).parent
    for path in (folder / "quickstart_addin_ribbon.xlam", folder / "quickstart_addin.xlam",
                 folder / "addin" / "xlwings.xlam"):
        text = VBAProject.read(zipfile.ZipFile(path).read("xl/vbaProject.bin")).project_text
        pid = re.search(r'ID="([^"]+)"', text).group(1)
        for key in ("CMG", "DPB", "GC"):
            value = re.search(rf'^{key}="([0-9A-F]+)"', text, re.M).group(1)
            filler, data = ovba_crypt.decrypt_parts(value, pid)
            assert ovba_crypt.encrypt(data, pid, int(value[:2], 16), filler) == value, (path.name, key)


def test_olevba_the_reference_decompressor_and_kiemsats_reader_agree(built):
    from oletools.olevba import VBA_Parser, decompress_stream

    ole = olefile.OleFileIO(io.BytesIO(_bin(built)))
    for entry in ole.listdir():
        if entry[0] == "VBA" and entry[-1] not in ("_VBA_PROJECT",):
            blob = ole.openstream("/".join(entry)).read()
            assert decompress_container(blob) == decompress(blob) == bytes(decompress_stream(bytearray(blob)))
    ours = {m.name: m.source for m in VBAProject.read(_bin(built)).modules}
    parser = VBA_Parser(str(built))
    try:
        theirs = {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    assert set(theirs) == {f"{n}.cls" if n in ("ThisWorkbook", "Sheet2") else f"{n}.bas" for n in ours} or \
        {n.rsplit(".", 1)[0] for n in theirs} == set(ours)
    for name, code in theirs.items():
        assert code.replace("\r\n", "\n").strip() == ours[name.rsplit(".", 1)[0]].replace("\r\n", "\n").strip()
