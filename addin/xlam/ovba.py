"""Editing a VBA project (vbaProject.bin, [MS-OVBA]) without Office: replace and add modules.

A VBA project is a compound file: `PROJECT` (text: modules and their kinds), `PROJECTwm`
(module names in two encodings), `VBA/dir` (compressed records describing the project and every
module, 2.3.4.2), `VBA/_VBA_PROJECT` (the compiled-code cache) and one stream per module
(a performance cache, then the compressed source at MODULEOFFSET).

We write every module as source only (MODULEOFFSET 0) and `_VBA_PROJECT` as its 7-byte
header with Version 0xFFFF and no PerformanceCache, which is what 2.3.4.1 says a writer must
do ("Version ... MUST be 0xFFFF on write", "PerformanceCache ... MUST NOT be present on
write"): Office then compiles the project from source when it opens it. xlwings' own add-ins
are stored exactly this way (their `_VBA_PROJECT` is cc61ffff000100).

Compression is MS-OVBA 2.4.1 (`ovba_compress.py`). The compound file is
written by `cfb.py`; olefile and olevba read the result back in the tests.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from io import BytesIO

from addin.xlam.ovba_compress import compress, decompress

VBA_PROJECT_HEADER = b"\xcc\x61\xff\xff\x00\x01\x00"

# record ids of the dir stream (MS-OVBA 2.3.4.2)
PROJECTNAME = 0x0004
PROJECTCODEPAGE = 0x0003
PROJECTVERSION = 0x0009  # its Size field says 4, but 6 bytes follow
PROJECTMODULES = 0x000F
PROJECTCOOKIE = 0x0013
MODULENAME = 0x0019
MODULENAMEUNICODE = 0x0047
MODULESTREAMNAME = 0x001A
MODULESTREAMNAMEUNICODE = 0x0032
MODULEDOCSTRING = 0x001C
MODULEDOCSTRINGUNICODE = 0x0048
MODULEOFFSET = 0x0031
MODULEHELPCONTEXT = 0x001E
MODULECOOKIE = 0x002C
MODULETYPE_PROCEDURAL = 0x0021
MODULETYPE_OTHER = 0x0022  # document and class modules
MODULE_TERMINATOR = 0x002B
MODULES_TERMINATOR = 0x0010
REFERENCENAME = 0x0016
REFERENCECONTROL = 0x002F
COOKIE_ON_WRITE = b"\xff\xff"  # PROJECTCOOKIE and MODULECOOKIE: "MUST be 0xFFFF on write" (2.3.4.2.3, 2.3.4.2.3.2.9)


class VBAProjectError(Exception):
    pass


Record = tuple[int, bytes]


def parse_records(data: bytes) -> list[Record]:
    records: list[Record] = []
    pos = 0
    while pos < len(data):
        if len(data) - pos < 6:
            raise VBAProjectError(f"truncated dir stream at {pos}")
        rid, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if rid == PROJECTVERSION:
            size = 6
        records.append((rid, data[pos:pos + size]))
        pos += size
        if rid == MODULES_TERMINATOR:
            records.append((-1, data[pos:]))  # the trailing Reserved field
            break
    return records


def serialize_records(records: list[Record]) -> bytes:
    out = bytearray()
    for rid, payload in records:
        if rid == -1:
            out += payload
        elif rid == PROJECTVERSION:
            out += struct.pack("<HI", rid, 4) + payload
        else:
            out += struct.pack("<HI", rid, len(payload)) + payload
    return bytes(out)


@dataclass
class Module:
    name: str
    source: str
    procedural: bool  # a standard module; False for document and class modules
    records: list[Record] = field(default_factory=list)  # its dir records, kept for old modules
    project_line: str = ""  # its line in the PROJECT stream, e.g. "Document=ThisWorkbook/&H00000000"


@dataclass
class VBAProject:
    head: list[Record]  # records before PROJECTMODULES
    cookie: bytes
    modules: list[Module]
    project_text: str  # the PROJECT stream
    codepage: str

    # ---------------------------------------------------------------- reading

    @classmethod
    def read(cls, data: bytes) -> VBAProject:
        import olefile

        ole = olefile.OleFileIO(BytesIO(data))
        try:
            records = parse_records(decompress(ole.openstream("VBA/dir").read()))
            codepage = next((struct.unpack("<H", p)[0] for r, p in records if r == PROJECTCODEPAGE), 1252)
            enc = f"cp{codepage}"
            start = next(i for i, (r, _) in enumerate(records) if r == PROJECTMODULES)
            head = records[:start]
            cookie = next(p for r, p in records[start:] if r == PROJECTCOOKIE)
            project_text = ole.openstream("PROJECT").read().decode(enc)
            modules: list[Module] = []
            current: list[Record] = []
            for rid, payload in records[start:]:
                if rid == MODULENAME:
                    current = []
                if rid in (PROJECTMODULES, PROJECTCOOKIE, MODULES_TERMINATOR, -1):
                    continue
                current.append((rid, payload))
                if rid == MODULE_TERMINATOR:
                    fields = dict(current)
                    name = fields[MODULENAME].decode(enc)
                    stream = ole.openstream(f"VBA/{fields[MODULESTREAMNAME].decode(enc)}").read()
                    offset = struct.unpack("<I", fields[MODULEOFFSET])[0]
                    source = decompress(stream[offset:]).decode(enc)
                    line = next((ln for ln in project_text.splitlines()
                                 if ln.split("=", 1)[-1].split("/")[0] == name and "=" in ln
                                 and ln.split("=", 1)[0] in ("Module", "Document", "Class", "BaseClass")),
                                f"Module={name}")
                    modules.append(Module(name, source, MODULETYPE_PROCEDURAL in fields, current, line))
        finally:
            ole.close()
        return cls(head, cookie, modules, project_text, enc)

    # ---------------------------------------------------------------- editing

    def module(self, name: str) -> Module:
        for m in self.modules:
            if m.name.lower() == name.lower():
                return m
        raise KeyError(name)

    def remove_module(self, name: str) -> None:
        self.modules.remove(self.module(name))

    def add_module(self, name: str, source: str) -> None:
        """Add a standard module; `source` starts with its `Attribute VB_Name` line."""
        if not name.isidentifier() or not name.isascii() or len(name) > 31:
            raise ValueError(f"module name {name!r}")
        if any(m.name.lower() == name.lower() for m in self.modules):
            raise ValueError(f"module {name} exists")
        if not source.startswith(f'Attribute VB_Name = "{name}"'):
            raise ValueError("the source must start with its Attribute VB_Name line")
        source.encode(self.codepage)  # VBA source holds only the project's code page
        self.modules.append(Module(name, source, True, [], f"Module={name}"))

    def references(self) -> list[tuple[str, list[Record]]]:
        """The project's references (2.3.4.2.2), each as (its name, its records in the dir stream). A
        REFERENCECONTROL's own extended name record (0x0016 after 0x002F) does not start a new one."""
        out: list[tuple[str, list[Record]]] = []
        previous = None
        for rid, payload in self.head:
            if rid == REFERENCENAME and previous != REFERENCECONTROL:
                out.append((payload.decode(self.codepage), []))
            if out and rid not in (PROJECTMODULES,):
                out[-1][1].append((rid, payload))
            previous = rid
        return out

    def remove_reference(self, name: str) -> None:
        """Drop the reference `name` (its name, libid and, for a control library, its extended records)."""
        found = [recs for n, recs in self.references() if n.lower() == name.lower()]
        if not found:
            raise KeyError(name)
        first = self.head.index(found[0][0])
        del self.head[first:first + len(found[0])]

    def reset_cookies(self) -> None:
        """PROJECTCOOKIE and every MODULECOOKIE as [MS-OVBA] says a writer sets them (0xFFFF)."""
        self.cookie = COOKIE_ON_WRITE
        for m in self.modules:
            m.records = [(r, COOKIE_ON_WRITE if r == MODULECOOKIE else p) for r, p in m.records]

    def set_id(self, project_id: str, seeds: tuple[int, int, int] = (0x3B, 0x5D, 0x7E)) -> None:
        """Give the project the ID `project_id` ("{GUID}") and write CMG, DPB and GC again for it: their
        data (protection, password, visibility) is kept, their encryption is keyed by the ID (2.4.3)."""
        import re

        from addin.xlam.ovba_crypt import decrypt, encrypt

        old = re.search(r'^ID="(\{[0-9A-Fa-f-]{36}\})"', self.project_text, re.M)
        if old is None or not re.fullmatch(r"\{[0-9A-F-]{36}\}", project_id):
            raise VBAProjectError(f"project ID {project_id!r}")
        lines = []
        for line in self.project_text.split("\r\n"):
            key, _, value = line.partition("=")
            if key == "ID":
                line = f'ID="{project_id}"'
            elif key in ("CMG", "DPB", "GC") and value.startswith('"'):
                seed = seeds[("CMG", "DPB", "GC").index(key)]
                line = f'{key}="{encrypt(decrypt(value.strip(chr(34)), old.group(1)), project_id, seed)}"'
            lines.append(line)
        self.project_text = "\r\n".join(lines)

    def set_name(self, name: str) -> None:
        if not name.isidentifier() or not name.isascii():
            raise ValueError(f"project name {name!r}")
        self.head = [(r, name.encode(self.codepage) if r == PROJECTNAME else p) for r, p in self.head]
        self.project_text = "\r\n".join(
            f'Name="{name}"' if ln.startswith("Name=") else ln for ln in self.project_text.split("\r\n"))

    # ---------------------------------------------------------------- writing

    def _module_records(self, m: Module) -> list[Record]:
        enc = self.codepage
        if m.records:  # an existing module: same records, source-only stream
            return [(r, struct.pack("<I", 0) if r == MODULEOFFSET else p) for r, p in m.records]
        utf16 = m.name.encode("utf-16-le")
        return [
            (MODULENAME, m.name.encode(enc)),
            (MODULENAMEUNICODE, utf16),
            (MODULESTREAMNAME, m.name.encode(enc)),
            (MODULESTREAMNAMEUNICODE, utf16),
            (MODULEDOCSTRING, b""),
            (MODULEDOCSTRINGUNICODE, b""),
            (MODULEOFFSET, struct.pack("<I", 0)),
            (MODULEHELPCONTEXT, struct.pack("<I", 0)),
            (MODULECOOKIE, struct.pack("<H", 0xFFFF)),
            (MODULETYPE_PROCEDURAL if m.procedural else MODULETYPE_OTHER, b""),
            (MODULE_TERMINATOR, b""),
        ]

    def _project_stream(self) -> bytes:
        """PROJECT: the ID line, one line per module (in module order), the rest unchanged;
        the [Workspace] section lists every module (window positions)."""
        lines = self.project_text.split("\r\n")
        kinds = ("Module=", "Document=", "Class=", "BaseClass=")
        first = next(i for i, ln in enumerate(lines) if ln.startswith(kinds))
        kept = [ln for ln in lines if not ln.startswith(kinds)]
        body = kept[:first] + [m.project_line for m in self.modules] + kept[first:]
        if "[Workspace]" in body:
            at = body.index("[Workspace]")
            old = {ln.split("=", 1)[0]: ln for ln in body[at + 1:] if "=" in ln}
            tail = [ln for ln in body[at + 1:] if "=" not in ln]
            body = body[:at + 1] + [old.get(m.name, f"{m.name}=0, 0, 0, 0, C") for m in self.modules] + tail
        return "\r\n".join(body).encode(self.codepage)

    def _projectwm(self) -> bytes:
        out = bytearray()
        for m in self.modules:
            out += m.name.encode(self.codepage) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
        return bytes(out + b"\0\0")

    def to_bytes(self) -> bytes:
        from addin.xlam.cfb import write_cfb

        records = list(self.head)
        records.append((PROJECTMODULES, struct.pack("<H", len(self.modules))))
        records.append((PROJECTCOOKIE, self.cookie))
        streams: dict[str, bytes] = {"_VBA_PROJECT": VBA_PROJECT_HEADER}
        for m in self.modules:
            records.extend(self._module_records(m))
            stream_name = dict(self._module_records(m))[MODULESTREAMNAME].decode(self.codepage)
            streams[stream_name] = compress(m.source.encode(self.codepage))
        # Terminator 0x0010 and its Reserved 0x00000000 (2.3.4.2): the stream ends exactly there
        records.append((MODULES_TERMINATOR, b""))
        streams["dir"] = compress(serialize_records(records))
        return write_cfb({"PROJECT": self._project_stream(), "PROJECTwm": self._projectwm(), "VBA": streams})
