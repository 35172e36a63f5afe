"""MS-OVBA data encryption (2.4.3): the obfuscation of the PROJECT stream's CMG, DPB and GC values.

They hold the project's protection state, password and visibility, keyed by the project's ID (the
`ID="{...}"` line): a project that takes a new ID must have the three values written again with it, or
Office reads them with the wrong key. kiemsat's project gets its own ID (xlwings' quickstart add-in's
ID would otherwise be carried into every kiemsat.xlam) and these three values: no protection
(CMG: 4 zero bytes), no password (DPB: one zero byte), visible (GC: 0xFF).
"""

from __future__ import annotations

import struct

VERSION = 2


def project_key(project_id: str) -> int:
    """2.4.3.2: the sum of the bytes of the project's ID string (with its braces), truncated to a byte."""
    return sum(project_id.encode("ascii")) & 0xFF


def encrypt(data: bytes, project_id: str, seed: int, ignored: bytes | None = None) -> str:
    """The hex text (upper case, as Office writes it) of `data` encrypted for `project_id` with `seed`
    (`ignored`: the (seed & 6) / 2 filler bytes, "any value"; zeros by default)."""
    key = project_key(project_id)
    version_enc, key_enc = seed ^ VERSION, seed ^ key
    out = [seed, version_enc, key_enc]
    plain1, enc1, enc2 = key, key_enc, version_enc
    ignored = bytes((seed & 6) // 2) if ignored is None else ignored
    for byte in ignored + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((enc2 + plain1) & 0xFF)
        out.append(enc)
        enc2, enc1, plain1 = enc1, enc, byte
    return bytes(out).hex().upper()


def decrypt(text: str, project_id: str | None = None) -> bytes:
    """The data of an encrypted value; with `project_id`, checks that it was keyed for that ID."""
    return decrypt_parts(text, project_id)[1]


def decrypt_parts(text: str, project_id: str | None = None) -> tuple[bytes, bytes]:
    """(the filler bytes, the data) of an encrypted value."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != VERSION:
        raise ValueError("not MS-OVBA encrypted data (version)")
    key = seed ^ key_enc
    if project_id is not None and key != project_key(project_id):
        raise ValueError("encrypted for another project ID")
    plain1, enc1, enc2 = key, key_enc, version_enc
    plain = []
    for enc in raw[3:]:
        byte = enc ^ ((enc2 + plain1) & 0xFF)
        plain.append(byte)
        enc2, enc1, plain1 = enc1, enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack("<I", bytes(plain[ignored:ignored + 4]))[0]
    data = bytes(plain[ignored + 4:])
    if len(data) != length:
        raise ValueError(f"length {length} but {len(data)} bytes")
    return bytes(plain[:ignored]), data
