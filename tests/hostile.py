"""Hostile workbooks: every way a cell or a part has stopped a ledger, generated at random.

`python -m tests.hostile DIR N SEED [--limit-mb MB]` writes N workbooks into DIR, runs `kiemsat check`
in-process on each (click's runner) and prints one JSON summary: outcomes by exit code, files
that raised, seconds. It runs in a child process of the test, under an address-space limit, so
that an abort (SIGABRT from a failed allocation in calamine) or a memory blow-up is seen as the
child's death, not the test runner's.
"""

from __future__ import annotations

import io
import json
import random
import resource
import sys
import time
import zipfile
from pathlib import Path

from macros_py.ledger.problems import column_letter

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
      'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
      'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
      'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '{sheets}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
      'spreadsheetml.styles+xml"/></Types>')
SHEET_CT = ('<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
      '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}'
      '</sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
           '2006/relationships">{sheets}<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
           'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
SHEET_REL = ('<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             'worksheet" Target="worksheets/sheet{i}.xml"/>')
STYLES = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
          'spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
          '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
          '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" '
          'applyNumberFormat="1"/><xf numFmtId="20" applyNumberFormat="1"/></cellXfs></styleSheet>')

DATE_STYLE, TIME_STYLE = 1, 2
HEADERS = ["Số thụ lý", "Ngày tiếp nhận", "Nguồn tin", "Nội dung", "Loại tội phạm", "Kiểm sát viên",
           "Ngày giải quyết"]
NEW_ERRORS = ["#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA",
              "#PYTHON!"]
OLD_ERRORS = ["#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NAME?", "#NUM!", "#NULL!"]
ODD_NUMBERS = ["-1e308", "1e308", "-INF", "INF", "NaN", "2958466", "99999999", "-1", "-0.5", "1e400", "nan"]


letters = column_letter  # 0-based column index -> Excel letters


def text_cell(ref: str, text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(sheets: dict[str, str], *, extra: dict[str, bytes] | None = None) -> bytes:
    """An .xlsx from {sheet name: sheetData XML}."""
    buf = io.BytesIO()
    names = list(sheets)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT.format(sheets="".join(SHEET_CT.format(i=i + 1) for i in range(len(names)))))
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB.format(sheets="".join(
            f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names))))
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS.format(sheets="".join(
            SHEET_REL.format(i=i + 1) for i in range(len(names)))))
        z.writestr("xl/styles.xml", STYLES)
        for i, n in enumerate(names):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", (
                '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main"><sheetData>{sheets[n]}</sheetData></worksheet>').encode("utf-8", "surrogateescape"))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def ledger_rows(rng: random.Random, header_row: int = 1, n: int = 6) -> list[str]:
    rows = [f'<row r="{header_row}">' + "".join(text_cell(f"{letters(c)}{header_row}", h)
                                               for c, h in enumerate(HEADERS)) + "</row>"]
    for i in range(n):
        r = header_row + 1 + i
        rows.append(f'<row r="{r}">' + text_cell(f"A{r}", f"{i + 1}/TB") + f'<c r="B{r}" s="{DATE_STYLE}">'
                    f"<v>{45366 + rng.randrange(300)}</v></c>" + text_cell(f"C{r}", rng.choice(
                        ["Tin báo", "Công an xã", "Tố giác"])) + text_cell(f"E{r}", "Nghiêm trọng") + "</row>")
    return rows


def hostile_cell(rng: random.Random, ref: str) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return f'<c r="{ref}" t="e"><v>{rng.choice(NEW_ERRORS + OLD_ERRORS)}</v></c>'
    if kind == 1:
        return f'<c r="{ref}" s="{rng.choice([DATE_STYLE, TIME_STYLE])}"><v>{rng.choice(ODD_NUMBERS)}</v></c>'
    if kind == 2:
        return f'<c r="{ref}" t="b"><v>{rng.choice(["2", "-1", "x", "", "1.5"])}</v></c>'
    if kind == 3:
        return f'<c r="{ref}" t="s"><v>{rng.choice(["99999", "-1", "abc"])}</v></c>'
    return f'<c r="{ref}"><v>{rng.choice(["1e308", "-0", "NaN", "12abc", ""])}</v></c>'


FAR_REFS = ["XFD1048576", "XFE1", "A1048577", "A99999999999", "ZZZZ1", "AAA5", "A0", "XFD1", "A1048576", "BAD"]


def make_case(rng: random.Random, i: int) -> tuple[str, bytes]:
    """One hostile file: (suffix, bytes)."""
    kind = i % 12
    if kind == 0:  # cells calamine refuses or panics on, in data rows of a ledger sheet and on own sheets
        rows = ledger_rows(rng)
        r = 9
        rows.append(f'<row r="{r}">' + "".join(hostile_cell(rng, f"{letters(c)}{r}") for c in range(7)) + "</row>")
        own = f'<row r="1">{hostile_cell(rng, "A1")}{hostile_cell(rng, "B1")}</row>'
        return ".xlsx", workbook({"Tin báo": "".join(rows), "Sổ riêng": own})
    if kind == 1:  # a cell far away or beyond the grid
        rows = ledger_rows(rng)
        ref = rng.choice(FAR_REFS)
        far_row = rng.choice([12, 1048576, 4000000000])
        if rng.random() < 0.3:  # cells without a reference, placed by their order: far down or far right
            rows.append(f'<row r="{far_row}">' + "<c><v>1</v></c>" * rng.choice([1, 2, 20000]) + "</row>")
        else:
            rows.append(f'<row r="{far_row}"><c r="{ref}"><v>1</v></c></row>')
        return ".xlsx", workbook({rng.choice(["Tin báo", "Sổ TB 2024"]): "".join(rows)})
    if kind == 2:  # the header far down, below a letterhead
        rows = [f'<row r="{r}">{text_cell(f"A{r}", "VIỆN KIỂM SÁT NHÂN DÂN")}</row>' for r in range(1, 40)]
        rows += ledger_rows(rng, header_row=rng.randrange(40, 190))
        return ".xlsx", workbook({rng.choice(["Tin báo", "Sổ TB 2024"]): "".join(rows)})
    if kind == 3:  # truncated or bit-flipped zip
        data = bytearray(workbook({"Tin báo": "".join(ledger_rows(rng))}))
        if rng.random() < 0.5:
            return ".xlsx", bytes(data[:rng.randrange(10, len(data))])
        for _ in range(rng.randrange(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return ".xlsx", bytes(data)
    if kind == 4:  # broken XML inside a valid zip
        xml = "".join(ledger_rows(rng))
        cut = rng.randrange(len(xml))
        return ".xlsx", workbook({"Tin báo": xml[:cut] + rng.choice(["<c r=", "</row", "&#0;", "\udcff", ""])})
    if kind == 5:  # a truncated or fake .xls
        head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))
        return rng.choice([".xls", ".xlsx"]), head
    if kind == 6:  # random bytes, empty files, text files
        return rng.choice([".xlsx", ".ods", ".xlsm"]), bytes(rng.randrange(256) for _ in range(rng.randrange(0, 200)))
    if kind == 7:  # sizes that lie
        return ".xlsx", lying_sizes(workbook({"Tin báo": "".join(ledger_rows(rng))}), rng)
    if kind == 8:  # a shared-strings or sheet part that expands enormously (a zip bomb)
        return ".xlsx", bomb(rng)
    if kind == 9:  # duplicate, unsorted, reversed rows and cells
        rows = ledger_rows(rng, n=10)
        rng.shuffle(rows)
        return ".xlsx", workbook({"Tin báo": "".join(rows + rows[:3])})
    if kind == 10:  # many hostile cells in mapped columns of several sheets
        rows = ledger_rows(rng)
        for r in range(20, 40):
            rows.append(f'<row r="{r}">' + text_cell(f"A{r}", f"x{r}") + hostile_cell(rng, f"B{r}") +
                        hostile_cell(rng, f"E{r}") + "</row>")
        return ".xlsx", workbook({"Tin báo": "".join(rows), "Cấu hình": f'<row r="5">{hostile_cell(rng, "B5")}</row>'})
    # kind 11: dimensions and odd attributes
    rows = ledger_rows(rng)
    rows.append('<row r="30" spans="1:16384"><c r="A30" t="inlineStr"><is><t>' + "x" * rng.randrange(0, 40000) +
                "</t></is></c></row>")
    return ".xlsx", workbook({"Tin báo": "".join(rows)})


def lying_sizes(data: bytes, rng: random.Random) -> bytes:
    """Declared uncompressed sizes rewritten (local and central headers) to lie."""
    out = bytearray(data)
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := out.find(sig, at)) >= 0:
            if rng.random() < 0.7:
                out[at + offset:at + offset + 4] = rng.choice([1, 10, 100, 0xFFFFFFFF]).to_bytes(4, "little")
            at += 4
    return bytes(out)


_BOMB: dict[str, bytes] = {}


def bomb(rng: random.Random) -> bytes:
    """A part of 64 MB of spaces (about 64 KB deflated), streamed so that making it stays small."""
    which = rng.choice(["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
    if which not in _BOMB:
        base = zipfile.ZipFile(io.BytesIO(workbook({"Tin báo": text_cell("A1", "Số thụ lý")})))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for info in base.infolist():
                if info.filename != which:
                    z.writestr(info.filename, base.read(info))
            with z.open(which, "w", force_zip64=True) as part:
                part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                chunk = b" " * (1 << 20)
                for _ in range(64):
                    part.write(chunk)
                part.write(b"</sst>")
        _BOMB[which] = buf.getvalue()
    data = _BOMB[which]
    return lying_sizes(data, rng) if rng.random() < 0.5 else data


def tall_sheet(rows: int = 1_048_569, width: int = 12) -> bytes:
    """A sheet of `rows` rows under a header `width` columns wide (the issue's 2.8 GB case)."""
    head = '<row r="1">' + "".join(text_cell(f"{letters(c)}1", h) for c, h in enumerate((HEADERS * 2)[:width])) + "</row>"
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, rows + 2))
    return workbook({"Tin báo": head + body})


def peak_mb() -> float:
    """This process's peak resident memory since exec (VmHWM; ru_maxrss would count the parent's pages
    a forked child still shares, e.g. the whole pytest process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    folder, n, seed = Path(argv[0]), int(argv[1]), int(argv[2])
    limit_mb = int(argv[4]) if len(argv) > 4 and argv[3] == "--limit-mb" else 0
    if limit_mb:
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))
    from click.testing import CliRunner

    from addin.commands.cli import cli

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    runner = CliRunner()
    outcomes: dict[str, int] = {}
    raised: list[str] = []
    t0 = time.perf_counter()
    for i in range(n):
        suffix, data = make_case(rng, i)
        path = folder / f"case{i:04d}{suffix}"
        path.write_bytes(data)
        result = runner.invoke(cli, ["check", str(path), "--json"])
        outcomes[str(result.exit_code)] = outcomes.get(str(result.exit_code), 0) + 1
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raised.append(f"{path.name}: {type(result.exception).__name__}: {result.exception}")
        elif result.exit_code not in (0, 1, 2):  # 3: kiemsat's own crash handler caught something
            raised.append(f"{path.name}: exit {result.exit_code}: {result.output[-400:]}")
        elif result.exit_code == 2 and "Lỗi:" not in result.output:
            raised.append(f"{path.name}: exit 2 without a message: {result.output[:200]}")
        path.unlink()
    seconds = time.perf_counter() - t0
    print(json.dumps({"files": n, "seconds": round(seconds, 2), "outcomes": outcomes, "raised": raised,
                      "peak_mb": round(peak_mb())}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
