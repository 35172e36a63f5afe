"""A small writer of Compound File Binary files ([MS-CFB], version 3), enough for vbaProject.bin.

`write_cfb(tree)` takes nested dicts: a storage is a dict, a stream is bytes. Streams shorter
than 4096 bytes go to the mini stream (64-byte sectors), longer ones to 512-byte sectors.
Siblings are kept in a red-black tree as the format requires (ordered by name length, then by
upper-case name). Reading is left to olefile (a tool we did not write), which the tests use
to check what this module writes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
RED, BLACK = 0, 1
STORAGE, STREAM, ROOT = 1, 2, 5

Tree = dict[str, "bytes | Tree"]


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN
    index: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


def _flatten(tree: Tree) -> list[_Entry]:
    root = _Entry("Root Entry", ROOT)
    entries = [root]

    def add(parent: _Entry, items: Tree) -> None:
        for name, value in items.items():
            if not 0 < len(name) <= 31 or any(c in name for c in "/\\:!"):
                raise ValueError(f"bad entry name {name!r}")
            e = _Entry(name, STORAGE) if isinstance(value, dict) else _Entry(name, STREAM, bytes(value))
            e.index = len(entries)
            entries.append(e)
            parent.children.append(e)
            if isinstance(value, dict):
                add(e, value)

    add(root, tree)
    for e in entries:
        names = [c.name.upper() for c in e.children]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate names under {e.name!r}")
        e.child = _build_tree(sorted(e.children, key=lambda c: _sort_key(c.name)))
    return entries


def _build_tree(items: list[_Entry]) -> int:
    """A balanced binary search tree over sorted siblings, coloured as a valid red-black tree:
    every node at the deepest level red (when it is not the root), every other node black."""
    if not items:
        return NOSTREAM
    depth: dict[int, int] = {}

    def build(lo: int, hi: int, d: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = items[mid]
        depth[mid] = d
        node.left = build(lo, mid, d + 1)
        node.right = build(mid + 1, hi, d + 1)
        return node.index

    top = build(0, len(items), 0)
    deepest = max(depth.values())
    for i, node in enumerate(items):
        node.color = RED if deepest > 0 and depth[i] == deepest else BLACK
    return top


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else ENDOFCHAIN


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\0" * (-len(data) % size)


def _dir_entry(e: _Entry) -> bytes:
    if e.kind == 0:
        return b"\0" * 64 + struct.pack("<HBB3I16sIQQIQ", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                                        b"\0" * 16, 0, 0, 0, 0, 0)
    name = (e.name + "\0").encode("utf-16-le")
    size = len(e.data) if e.kind != STORAGE else 0
    start = e.start if e.kind != STORAGE else 0
    return name.ljust(64, b"\0") + struct.pack(
        "<HBB3I16sIQQIQ", len(name), e.kind, e.color, e.left, e.right, e.child,
        b"\0" * 16, 0, 0, 0, start, size)


def write_cfb(tree: Tree) -> bytes:
    entries = _flatten(tree)
    root = entries[0]
    small = [e for e in entries if e.kind == STREAM and 0 < len(e.data) < MINI_CUTOFF]
    large = [e for e in entries if e.kind == STREAM and len(e.data) >= MINI_CUTOFF]

    # the mini stream and its allocation table
    minifat: list[int] = []
    mini = bytearray()
    for e in small:
        n = -(-len(e.data) // MINI_SECTOR)
        e.start = len(minifat)
        minifat.extend([0] * n)
        _chain(minifat, e.start, n)
        mini += _pad(e.data, MINI_SECTOR)
    root.data = bytes(mini)

    # sectors: large streams, mini stream, mini FAT, directory, then the FAT itself
    blobs: list[tuple[_Entry | str, bytes]] = [(e, e.data) for e in large]
    if mini:
        blobs.append((root, bytes(mini)))
    n_dir = -(-len(entries) // (SECTOR // 128))

    layout: list[tuple[object, bytes]] = []
    next_sector = 0
    starts: dict[int, int] = {}
    for owner, data in blobs:
        starts[id(owner)] = next_sector
        layout.append((owner, data))
        next_sector += -(-len(data) // SECTOR)
    minifat_start = next_sector if minifat else ENDOFCHAIN
    n_minifat = -(-len(minifat) * 4 // SECTOR) if minifat else 0
    next_sector += n_minifat
    dir_start = next_sector
    next_sector += n_dir
    n_fat = 1
    while n_fat * (SECTOR // 4) < next_sector + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("file too large for a header-only DIFAT")
    total = next_sector + n_fat
    fat = [FREESECT] * (n_fat * (SECTOR // 4))
    for owner, data in layout:
        _chain(fat, starts[id(owner)], -(-len(data) // SECTOR))
    if n_minifat:
        _chain(fat, minifat_start, n_minifat)
    _chain(fat, dir_start, n_dir)
    fat_start = next_sector
    for i in range(n_fat):
        fat[fat_start + i] = FATSECT

    for e in large:
        e.start = starts[id(e)]
    root.start = starts[id(root)] if mini else ENDOFCHAIN
    dir_bytes = b"".join(_dir_entry(e) for e in entries)
    dir_bytes += b"".join(_dir_entry(_Entry("", 0)) for _ in range(n_dir * 4 - len(entries)))

    difat = [fat_start + i for i in range(n_fat)] + [FREESECT] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0, n_fat, dir_start, 0, MINI_CUTOFF, minifat_start, n_minifat, ENDOFCHAIN, 0,
    ) + struct.pack("<109I", *difat)
    assert len(header) == SECTOR

    out = bytearray(header)
    for _owner, data in layout:
        out += _pad(data, SECTOR)
    if n_minifat:
        table = minifat + [FREESECT] * (n_minifat * (SECTOR // 4) - len(minifat))
        out += struct.pack(f"<{len(table)}I", *table)
    out += dir_bytes
    out += struct.pack(f"<{len(fat)}I", *fat)
    assert len(out) == SECTOR * (1 + total)
    return bytes(out)
