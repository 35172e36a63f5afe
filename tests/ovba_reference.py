"""A second MS-OVBA decompressor, written from the spec's pseudocode (2.4.1.3) for the tests only,
independent of `addin/xlam/ovba_compress.py` and of oletools, and a dir-stream walker.

2.4.1.3.1: a CompressedContainer is a signature byte 0x01 then CompressedChunks; each chunk has a
2-byte header (bits 0-11: size - 3, bits 12-14: 0b011, bit 15: compressed flag) and, if compressed,
token sequences: one flag byte, then 8 tokens, a 0 bit a literal byte, a 1 bit a 16-bit
CopyToken whose split between offset and length depends on how much of the chunk is already
decompressed (2.4.1.3.19.1 CopyToken Help)."""

from __future__ import annotations

import struct


def copy_token_help(decompressed_in_chunk: int) -> tuple[int, int]:
    """(length mask, offset bit count) for a CopyToken at this position of the chunk."""
    bit_count = 4
    while (1 << bit_count) < decompressed_in_chunk:
        bit_count += 1
    bit_count = max(bit_count, 4)
    length_mask = 0xFFFF >> bit_count
    return length_mask, bit_count


def decompress_container(data: bytes) -> bytes:
    if not data or data[0] != 0x01:
        raise ValueError("CompressedContainer must start with 0x01")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError(f"bad chunk signature at {pos}")
        compressed = header >> 15
        chunk_end = min(pos + size, len(data))
        pos += 2
        chunk_start = len(out)
        if not compressed:
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not (flags >> bit) & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                length_mask, bit_count = copy_token_help(len(out) - chunk_start)
                length = (token & length_mask) + 3
                offset = (token >> (16 - bit_count)) + 1
                if offset > len(out) - chunk_start:
                    raise ValueError("CopyToken reaches before the chunk")
                for _ in range(length):  # byte by byte: source and destination may overlap
                    out.append(out[-offset])
    return bytes(out)


def walk_dir(data: bytes) -> tuple[list[tuple[int, int]], int]:
    """(record id, payload size) of every record of a decompressed `dir` stream, and the offset just
    after the Terminator record (id 0x0010 with its 4-byte Reserved). PROJECTVERSION (0x0009) has a
    Reserved size field of 4 followed by 6 bytes (2.3.4.2.1.11)."""
    pos, records = 0, []
    while pos + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == 0x0009:
            size = 6
        elif rid == 0x0010:
            records.append((rid, 0))
            return records, pos + 6
        records.append((rid, size))
        pos += 6 + size
    raise ValueError("no Terminator record")
