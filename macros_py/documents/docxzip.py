"""Writing many .docx files that differ in one or two parts, fast.

A .docx is a zip. `PackageWriter` compresses the parts that never change once (styles, theme,
settings... most of the bytes) and, per document, compresses only the parts given to `write`,
then lays out a plain zip (local headers, data, central directory) by hand. zipfile would
recompress every member for every document.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_UTF8_NAME = 0x800
LEVEL = 6  # zlib's default, as zipfile uses


@dataclass(frozen=True)
class _Member:
    name: bytes
    flags: int
    dos_time: int
    dos_date: int
    external_attr: int
    crc: int
    size: int
    data: bytes  # raw-deflated


def _deflate(data: bytes, level: int = LEVEL) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _member(info: zipfile.ZipInfo, data: bytes) -> _Member:
    y, mo, d, h, mi, s = info.date_time
    name = info.filename.encode("utf-8")
    flags = 0 if name.isascii() else _UTF8_NAME
    return _Member(name, flags, (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d,
                   info.external_attr, zlib.crc32(data), len(data), _deflate(data))


class PackageWriter:
    """Writes copies of a template package with some parts replaced."""

    def __init__(self, template: bytes | str, replaced: tuple[str, ...]):
        source = io.BytesIO(template) if isinstance(template, bytes) else template
        with zipfile.ZipFile(source) as zf:
            self.infos = zf.infolist()
            self.fixed = {i.filename: _member(i, zf.read(i.filename)) for i in self.infos
                          if i.filename not in replaced}
            missing = set(replaced) - {i.filename for i in self.infos}
            if missing:
                raise KeyError(f"parts not in the package: {sorted(missing)}")

    def write(self, out: BinaryIO, parts: Mapping[str, bytes]) -> None:
        """Write the package to `out`, with `parts` (name -> new bytes) replacing template parts."""
        central = []
        offset = 0
        chunks = []
        for info in self.infos:
            m = self.fixed.get(info.filename)
            if m is None:
                m = _member(info, parts[info.filename])
            header = _LOCAL.pack(0x04034B50, 20, m.flags, zipfile.ZIP_DEFLATED, m.dos_time, m.dos_date,
                                 m.crc, len(m.data), m.size, len(m.name), 0) + m.name
            chunks += (header, m.data)
            central.append(_CENTRAL.pack(0x02014B50, 20, 20, m.flags, zipfile.ZIP_DEFLATED, m.dos_time,
                                         m.dos_date, m.crc, len(m.data), m.size, len(m.name), 0, 0, 0, 0,
                                         m.external_attr, offset) + m.name)
            offset += len(header) + len(m.data)
        directory = b"".join(central)
        chunks += (directory, _END.pack(0x06054B50, 0, 0, len(central), len(central), len(directory), offset, 0))
        out.write(b"".join(chunks))
