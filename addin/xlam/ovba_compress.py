"""MS-OVBA compression (2.4.1): the LZ77 variant every stream of a VBA project uses.

We write our own: MS_OVBA_Compression 1.0.1 computes the longest copy as
`0xFFFF << bit_count + 3` instead of `(0xFFFF >> bit_count) + 3`, so a long repeated run
(a row of dashes in a comment, indentation) is packed into a token that overflows, and its own
decompressor and oletools' read back different text. The tests check both directions against
oletools' own decompressor (olevba's `decompress_stream`), a reader we did not write.
"""

from __future__ import annotations

import struct

CHUNK = 4096
MAX_CANDIDATES = 64  # how many earlier positions of the same 3 bytes to try


def _bit_count(position: int) -> int:
    """Bits for the offset in a copy token at `position` bytes into the chunk (2.4.1.3.19.1)."""
    bits = 4
    while (1 << bits) < position:
        bits += 1
    return bits


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos, n = 0, len(chunk)
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            bits = _bit_count(pos)
            max_len = (0xFFFF >> bits) + 3
            best_len, best_off = 0, 0
            key = chunk[pos:pos + 3]
            if len(key) == 3:
                for cand in reversed(heads.get(key, ())[-MAX_CANDIDATES:]):
                    length = 3
                    limit = min(max_len, n - pos)
                    while length < limit and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            step = best_len if best_len >= 3 else 1
            if best_len >= 3:
                out += struct.pack("<H", ((best_off - 1) << (16 - bits)) | (best_len - 3))
                flags |= 1 << bit
            else:
                out.append(chunk[pos])
            for p in range(pos, min(pos + step, n - 2)):
                heads.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) > CHUNK - 2 and len(chunk) == CHUNK:  # store it raw (2.4.1.3.10)
            out += struct.pack("<H", 0x3000 | (CHUNK - 1)) + chunk
        elif len(body) > CHUNK:
            raise ValueError("incompressible short chunk")
        else:
            out += struct.pack("<H", 0x8000 | 0x3000 | (len(body) + 2 - 3)) + body
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """Decompress a CompressedContainer (2.4.1.3.1)."""
    if not data or data[0] != 1:
        raise ValueError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos + 2 <= len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:
            out += data[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                bits = _bit_count(len(out) - start)
                offset = (token >> (16 - bits)) + 1
                for _ in range((token & (0xFFFF >> bits)) + 3):
                    out.append(out[-offset])
        pos = end
    return bytes(out)
