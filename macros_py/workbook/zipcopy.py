"""Rewriting a zip package with a few parts changed and every other part copied raw.

An .xlsx is a zip. kiemsat changes a few parts of it; zipfile would decompress and recompress
every member (tens of MB for a large ledger) and could not promise the same bytes. Here each
unchanged member's compressed bytes, CRC and sizes are copied as they are from the source
file; only changed or new members are deflated. Members keep their order; new ones go last.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_UTF8_NAME = 0x800
_DATA_DESCRIPTOR = 0x8
LEVEL = 6
FAST_LEVEL, FAST_ABOVE = 3, 4_000_000  # a large sheet: half the time of level 6 for about 20% more bytes
MAX_32 = 0xFFFFFFFF


class Deflated:
    """A part's new content, compressed as soon as it is made (so a large sheet's text is not kept)."""

    __slots__ = ("crc", "size", "data")

    def __init__(self, content: bytes | Iterable[str]):
        if isinstance(content, bytes):
            self.crc, self.size, self.data = zlib.crc32(content), len(content), _deflate(content)
            return
        c = zlib.compressobj(FAST_LEVEL, zlib.DEFLATED, -15)  # chunks: a large sheet
        crc = size = 0
        out = []
        pending: list[str] = []
        held = 0

        def feed() -> None:
            nonlocal crc, size
            raw = "".join(pending).encode("utf-8")
            crc, size = zlib.crc32(raw, crc), size + len(raw)
            out.append(c.compress(raw))
            pending.clear()

        for chunk in content:  # in blocks of about 1 MB: one zlib call per row would cost more than the rows
            pending.append(chunk)
            held += len(chunk)
            if held > 1 << 20:
                feed()
                held = 0
        feed()
        out.append(c.flush())
        self.crc, self.size, self.data = crc, size, b"".join(out)


class PackageError(Exception):
    """The zip cannot be rewritten this way (message in Vietnamese)."""


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(FAST_LEVEL if len(data) > FAST_ABOVE else LEVEL, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _raw_data(fh: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """The member's compressed bytes as stored in the file."""
    fh.seek(info.header_offset)
    local = fh.read(_LOCAL.size)
    if len(local) != _LOCAL.size or local[:4] != b"PK\x03\x04":
        raise PackageError(f"phần «{info.filename}» của tệp bị hỏng (không đọc được đầu mục nén).")
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fh.seek(info.header_offset + _LOCAL.size + name_len + extra_len)
    data = fh.read(info.compress_size)
    if len(data) != info.compress_size:
        raise PackageError(f"phần «{info.filename}» của tệp bị cắt cụt.")
    return data


def _dos(info: zipfile.ZipInfo) -> tuple[int, int]:
    y, mo, d, h, mi, s = info.date_time
    y = max(y, 1980)
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def rewrite(source: BinaryIO, out: BinaryIO, replace: Mapping[str, bytes | Deflated], *,
            add: Mapping[str, bytes | Deflated] | None = None, remove: frozenset[str] = frozenset()) -> None:
    """Write to `out` the package read from `source` with `replace`d parts, `add`ed parts (appended)
    and `remove`d parts; every other member is copied byte for byte, compressed data included."""
    add = dict(add or {})
    fresh = {k: v for k, v in {**replace, **add}.items() if not isinstance(v, Deflated)}
    # deflate the new parts first, in threads (zlib releases the GIL): they are the slow part
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        deflated: dict[str, Deflated] = dict(zip(fresh, pool.map(Deflated, fresh.values())))
    deflated.update({k: v for k, v in {**replace, **add}.items() if isinstance(v, Deflated)})
    with zipfile.ZipFile(source) as zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if set(replace) - names:
            raise KeyError(f"parts not in the package: {sorted(set(replace) - names)}")
        if set(add) & names:
            raise KeyError(f"parts already in the package: {sorted(set(add) & names)}")
        template = infos[-1] if infos else zipfile.ZipInfo("x")
        entries = [i for i in infos if i.filename not in remove]
        entries += [zipfile.ZipInfo(n, date_time=template.date_time) for n in add]
        central = []
        offset = 0
        for info in entries:
            name = info.filename.encode("utf-8")
            flags = info.flag_bits & ~_DATA_DESCRIPTOR
            flags = (flags | _UTF8_NAME) if not name.isascii() else flags
            new = replace.get(info.filename, add.get(info.filename))
            if new is None:
                method, crc, size = info.compress_type, info.CRC, info.file_size
                data = _raw_data(source, info)
            else:
                d = deflated[info.filename]
                method, crc, size, data = zipfile.ZIP_DEFLATED, d.crc, d.size, d.data
                flags &= ~0x6  # compression-option bits belong to the old data
            if max(size, len(data), offset) >= MAX_32:
                raise PackageError("tệp quá lớn để ghi (trên 4 GB).")
            dos_time, dos_date = _dos(info)
            needed = max(info.extract_version, 20) if new is None else 20
            header = _LOCAL.pack(0x04034B50, needed, flags, method, dos_time, dos_date, crc, len(data), size,
                                 len(name), 0) + name
            out.write(header)
            out.write(data)
            made_by = (info.create_system << 8 | info.create_version) if new is None else 20
            central.append(_CENTRAL.pack(0x02014B50, made_by, needed, flags,
                                         method, dos_time, dos_date, crc, len(data), size, len(name), 0, 0, 0,
                                         0, info.external_attr if new is None else 0, offset) + name)
            offset += len(header) + len(data)
        directory = b"".join(central)
        out.write(directory)
        out.write(_END.pack(0x06054B50, 0, 0, len(central), len(central), len(directory), offset, 0))
