"""A fuzz campaign against the one ledger writer (`macros_py.workbook.package.write_cells`, issue 11).

`make_case(seed, dir)` builds a workbook in one of the shapes real files take, by XML surgery on
an openpyxl package or on the sample ledger: shared, inline and `t="str"` strings, rich-text
shared strings, rows and cells without `r`, a prefixed main namespace (`<x:worksheet>`),
self-closing empty rows, `spans`, formulas with cached values (plain, shared, array), cells out
of column order, a very long row, a `<dimension>` that lies, the 1904 date system, sheets listed
in another order than their part numbers, a table below which rows are written, `.xlsm` with a VBA
project, CRLF and indentation between elements. It then draws a random `Patch` (dates, ints,
floats, text with Vietnamese, `<&>"'`, control characters, 33,000 characters, None, rows
beyond the end, new columns) and `check_case` applies it with `write_cells` and checks the
writer's promise: every part not meant to change is byte-identical (raw compressed bytes and
CRC), rewritten parts are well formed and in the main namespace, python-calamine and openpyxl
read the intended values at the patched cells and the old ones everywhere else, no formula is
overwritten (each is in `formulas_kept`), written cells keep their style, the file keeps its mode.

    .venv/bin/python -m tests.writer_fuzz DIR N SEED [--lo K] [--lo-saved K]

runs N cases from SEED, keeps each failing case (before/after files and the patch) in DIR; with
--lo K converts K of the results with LibreOffice headless and compares its reading of them; with
--lo-saved K patches K of the workbooks as LibreOffice saves them.
"""

from __future__ import annotations

import io
import math
import os
import random
import re
import shutil
import sys
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any

import openpyxl
from lxml import etree
from python_calamine import CalamineWorkbook

from macros_py.workbook.package import Package, Patch, write_cells
from macros_py.workbook.sheetxml import column_letter, column_number

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_M = f"{{{MAIN}}}"

# cellXfs: 0 General, 1 dd/mm/yyyy (custom 164), 2 bold, 3 built-in 14 (a date), 4 text "@", 5 0.00 bold
STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
          '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill>'
          '<fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="2" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>'
          '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
          '</styleSheet>')

WORDS = ["Nguyễn Văn Ân", "Lê Thị Hồng", "Trộm cắp tài sản", "Điều 173", "VKSND khu vực 1",
         "Tạm giam",
         "a<b&c>d", "\"quoted\" 'single'", "  leading and trailing  ", "ĐẶNG", "x", "Số 12/2026/QĐ-VKS",
         "ẩ ẫ ậ ừ ữ ự", "😀 emoji", "tab\there", "line\nbreak", "carriage\r\nreturn", "_x000D_ literal",
         "]]>", "&amp; already escaped", "=SUM(A1:A3)", "123", "TRUE", "  ", ""]


@dataclass
class Case:
    seed: int
    path: Path
    patch: Patch
    features: list[str] = field(default_factory=list)
    tables: dict[str, tuple[str, str]] = field(default_factory=dict)  # table part -> (sheet, ref)


# ---------------------------------------------------------------- sheets built from a model


@dataclass
class Model:
    """One worksheet's cells: (row, col) -> (xml body and attributes) plus what the oracle needs."""

    cells: dict[tuple[int, int], str] = field(default_factory=dict)  # the <c> element text
    columns_styled: dict[int, int] = field(default_factory=dict)  # <col> style


def _text(rng: random.Random) -> str:
    return rng.choice(WORDS) if rng.random() < 0.8 else "".join(rng.choice("abcđươ <&>") for _ in range(30))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _model_sheet(rng: random.Random, sst: list[str], features: set[str], long_row: bool) -> Model:
    model = Model()
    nrows, ncols = rng.randint(1, 30), rng.randint(1, 12)
    if rng.random() < 0.05:
        features.add("empty sheet")
        return model
    for r in range(1, nrows + 1):
        if rng.random() < 0.15:
            continue  # a missing row
        for c in range(1, ncols + 1):
            if rng.random() < 0.25:
                continue
            ref = f"{column_letter(c)}{r}"
            s = rng.choice([0, 0, 0, 1, 2, 3, 4, 5])
            sa = f' s="{s}"' if s else ""
            kind = rng.choice(["n", "n", "s", "s", "rich", "inline", "str", "b", "f", "e", "empty", "date",
                               "richinline", "nocache", "meta"])
            if kind == "n":
                v = rng.choice([rng.randint(-10**6, 10**6), round(rng.uniform(-1e4, 1e4), 3), 0, 1e-7])
                body = f"<v>{v!r}</v>"
                xml = f'<c r="{ref}"{sa}>{body}</c>'
            elif kind == "date":
                xml = f'<c r="{ref}" s="{rng.choice([1, 3])}"><v>{rng.randint(40000, 47000)}</v></c>'
            elif kind == "s":
                sst.append(f"<si><t xml:space=\"preserve\">{_esc(_text(rng))}</t></si>")
                xml = f'<c r="{ref}"{sa} t="s"><v>{len(sst) - 1}</v></c>'
            elif kind == "rich":
                features.add("rich shared string")
                sst.append(f'<si><r><t xml:space="preserve">{_esc(_text(rng))}</t></r><r><rPr><b/><sz val="11"/>'
                           f'<rFont val="Calibri"/><family val="2"/></rPr><t xml:space="preserve"> '
                           f'{_esc(_text(rng))}</t></r></si>')
                xml = f'<c r="{ref}"{sa} t="s"><v>{len(sst) - 1}</v></c>'
            elif kind == "inline":
                features.add("inline string")
                xml = f'<c r="{ref}"{sa} t="inlineStr"><is><t>{_esc(_text(rng).strip() or "y")}</t></is></c>'
            elif kind == "str":
                features.add('t="str"')
                word = _text(rng).strip() or "z"
                literal = _esc(word).replace('"', '""')
                xml = f'<c r="{ref}"{sa} t="str"><f>"{literal}"</f><v>{_esc(word)}</v></c>'
            elif kind == "richinline":
                features.add("rich inline string")
                xml = (f'<c r="{ref}"{sa} t="inlineStr"><is><r><rPr><b/></rPr><t>{_esc(_text(rng).strip() or "r")}'
                       f'</t></r><r><t xml:space="preserve"> {_esc(_text(rng))}</t></r></is></c>')
            elif kind == "nocache":
                features.add("formula without cached value")
                xml = f'<c r="{ref}"{sa}><f>2*3</f></c>'
            elif kind == "meta":
                features.add("cm/vm attributes")
                xml = f'<c r="{ref}"{sa} cm="1"><v>{rng.randint(1, 9)}</v></c>'
            elif kind == "b":
                xml = f'<c r="{ref}"{sa} t="b"><v>{rng.randint(0, 1)}</v></c>'
            elif kind == "f":
                features.add("formula")
                a, b = rng.randint(1, 99), rng.randint(1, 99)
                xml = f'<c r="{ref}"{sa}><f>{a}+{b}</f><v>{a + b}</v></c>'
            elif kind == "e":
                xml = f'<c r="{ref}"{sa} t="e"><f>1/0</f><v>#DIV/0!</v></c>'
            else:
                xml = f'<c r="{ref}" s="{s or 2}"/>'
            model.cells[(r, c)] = xml
    if rng.random() < 0.5 and nrows >= 4:  # a shared formula down a column past the others
        features.add("shared formula")
        col = ncols + 1
        first, last = rng.randint(1, nrows - 3), nrows
        for r in range(first, last + 1):
            head = (f'<f t="shared" ref="{column_letter(col)}{first}:{column_letter(col)}{last}" si="0">'
                    f'ROW()*2</f>' if r == first else '<f t="shared" si="0"/>')
            model.cells[(r, col)] = f'<c r="{column_letter(col)}{r}">{head}<v>{r * 2}</v></c>'
    if rng.random() < 0.4 and nrows >= 3:  # an array formula over three rows
        features.add("array formula")
        col = ncols + 2
        first = rng.randint(1, nrows - 2)
        ref = f"{column_letter(col)}{first}:{column_letter(col)}{first + 2}"
        for k, r in enumerate(range(first, first + 3)):
            f = f'<f t="array" ref="{ref}">ROW({ref})</f>' if k == 0 else ""
            model.cells[(r, col)] = f'<c r="{column_letter(col)}{r}">{f}<v>{r}</v></c>'
    if long_row:
        features.add("very long row")
        r = rng.randint(1, nrows)
        for c in range(1, 400):
            model.cells.setdefault((r, c), f'<c r="{column_letter(c)}{r}"><v>{c}</v></c>')
    if rng.random() < 0.3:
        features.add("column styles")
        model.columns_styled = {c: rng.choice([2, 4, 5]) for c in rng.sample(range(1, 20), 3)}
    return model


def _serialise(model: Model, rng: random.Random, features: set[str]) -> str:
    rows: dict[int, list[tuple[int, str]]] = {}
    for (r, c), xml in model.cells.items():
        rows.setdefault(r, []).append((c, xml))
    if rng.random() < 0.4:  # self-closing empty rows, as Excel writes a row with a height only
        features.add("self-closing rows")
        for r in rng.sample(range(1, 40), 4):
            rows.setdefault(r, [])
    spans = rng.random() < 0.4
    if spans:
        features.add("spans")
    excel = rng.random() < 0.4  # as Excel writes: x14ac:dyDescent on rows, ignorable namespaces on the root
    if excel:
        features.add("x14ac row attributes")
    styled_rows = set(rng.sample(sorted(rows), min(3, len(rows)))) if rows and rng.random() < 0.3 else set()
    if styled_rows:
        features.add("row styles")
    out = []
    for r in sorted(rows):
        cells = sorted(rows[r])
        if len(cells) > 2 and rng.random() < 0.1:
            features.add("cells out of column order")
            rng.shuffle(cells)
        sp = f' spans="{min(c for c, _ in cells)}:{max(c for c, _ in cells)}"' if spans and cells else ""
        if r in styled_rows:
            sp += ' s="5" customFormat="1"'
        if excel:
            sp += ' x14ac:dyDescent="0.25"'
        if not cells:
            out.append(f'<row r="{r}"{sp} ht="20" customHeight="1"/>')
        else:
            out.append(f'<row r="{r}"{sp}>' + "".join(x for _, x in cells) + "</row>")
    dims = [max((r for r, _ in model.cells), default=1), max((c for _, c in model.cells), default=1)]
    dim = f"A1:{column_letter(dims[1])}{dims[0]}"
    if rng.random() < 0.3:
        features.add("lying dimension")
        dim = rng.choice(["A1", "A1:B2", "A1:ZZ9999", "C3:D4"])
    cols = ""
    if model.columns_styled:
        cols = "<cols>" + "".join(f'<col min="{c}" max="{c}" width="12" style="{s}" customWidth="1"/>'
                                  for c, s in sorted(model.columns_styled.items())) + "</cols>"
    ns = (' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
          'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"') if excel else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
            f'xmlns:r="{R_NS}"{ns}><dimension ref="{dim}"/><sheetViews><sheetView workbookViewId="0"/>'
            f'</sheetViews><sheetFormatPr defaultRowHeight="15"/>{cols}'
            + (f'<sheetData>{"".join(out)}</sheetData>' if out else "<sheetData/>") +
            f'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            f'</worksheet>')


# ---------------------------------------------------------------- surgery on any sheet's XML


def drop_refs(xml: str, rng: random.Random, rows: bool, cells: bool) -> str:
    """Remove `r` where a reader infers it (row = previous + 1, column = previous + 1)."""
    root = etree.fromstring(xml.encode())
    last_row = 0
    for row in root.iter(_M + "row"):
        r = int(row.get("r", last_row + 1))
        if rows and r == last_row + 1 and rng.random() < 0.7:
            del row.attrib["r"]
        last_row = r
        last_col = 0
        for c in row.iter(_M + "c"):
            ref = c.get("r")
            col = column_number(re.match(r"[A-Z]+", ref).group(0)) if ref else last_col + 1
            if cells and col == last_col + 1 and rng.random() < 0.7:
                del c.attrib["r"]
            last_col = col
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode()


def prefix_main(xml: str) -> str:
    """The main namespace under the prefix x (as some tools write): <x:worksheet xmlns:x=...>."""
    xml = xml.replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"', 1)
    body = re.sub(r"<(/?)(?![\w.-]+:)(?=[A-Za-z])", r"<\1x:", xml.replace("<?xml", "\0"))
    return body.replace("\0", "<?xml")


def loosen(xml: str, rng: random.Random) -> str:
    """CRLF and indentation between rows and cells (and inside cells); single-quoted attributes,
    attributes in another order, `<row></row>` for an empty row, here and there."""
    sep = rng.choice(["\r\n", "\n  ", "\r\n\t\t", " "])
    xml = re.sub(r"(<(?:\w+:)?(?:row|c)\b|</(?:\w+:)?(?:row|sheetData)>)", lambda m: sep + m.group(1), xml)
    if rng.random() < 0.3:
        xml = re.sub(r"(<(?:\w+:)?(?:v|f|is)\b|</(?:\w+:)?c>)", lambda m: sep + m.group(1), xml)
    if rng.random() < 0.5:
        xml = re.sub(r'(<(?:\w+:)?c\b[^>]*?)\br="([A-Z]+\d+)"', r"\1r='\2'", xml)
    if rng.random() < 0.3:
        xml = re.sub(r'(<(?:\w+:)?row\b[^>]*?)\br="(\d+)"', r"\1r='\2'", xml)
    if rng.random() < 0.4:  # s and t before r, as some writers order them
        xml = re.sub(r'<((?:\w+:)?c) (r=["\'][A-Z]+\d+["\'])((?: [st]="[^"]*")+)', r"<\1\3 \2", xml)
    if rng.random() < 0.3:
        xml = re.sub(r'<((?:\w+:)?row)\b([^>]*?)/>', r"<\1\2></\1>", xml)
    return xml


def surgery(xml: str, rng: random.Random, features: set[str], no_rows: bool, no_cells: bool, prefixed: bool) -> str:
    """A worksheet part put through the transformations above, as asked and at random."""
    if no_rows or no_cells:
        features.add("rows/cells without r")
        xml = drop_refs(xml, rng, no_rows, no_cells)
    if prefixed:
        features.add("x: prefix")
        xml = prefix_main(xml)
    if rng.random() < 0.3:
        features.add("CRLF/whitespace")
        xml = loosen(xml, rng)
    return xml


# ---------------------------------------------------------------- the package


def _base_parts() -> dict[str, bytes]:
    wb = openpyxl.Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {n: z.read(n) for n in z.namelist() if not n.startswith("xl/worksheets/")}


def _vba() -> bytes:
    from tests.clerkbook import vba_project

    return vba_project()


SHEET_NAMES = ["Án hình sự", "Sổ tay", "Cán bộ & Kiểm sát viên", "O'Brien", "Thống kê 2026", "Sheet1"]


def build_model_workbook(seed: int, path: Path) -> tuple[list[str], dict[str, tuple[str, str]]]:
    rng = random.Random(seed)
    parts = _base_parts()
    features: set[str] = set()
    n = rng.randint(1, 4)
    names = rng.sample(SHEET_NAMES, n)
    sst: list[str] = []
    sheets: list[tuple[str, str]] = []  # (name, part)
    tables: dict[str, tuple[str, str]] = {}
    extra_ct: list[str] = []
    prefixed = rng.random() < 0.25
    for k, name in enumerate(names, 1):
        model = _model_sheet(rng, sst, features, long_row=rng.random() < 0.15)
        part = f"xl/worksheets/sheet{k}.xml"
        rels = []
        if k == 1 and rng.random() < 0.4:  # a table over A1:C<last> with a header row
            features.add("table")
            last = max([r for r, c in model.cells if c <= 3] + [3])
            for c in range(1, 4):
                model.cells[(1, c)] = f'<c r="{column_letter(c)}1" t="inlineStr"><is><t>Cột {c}</t></is></c>'
            for r in range(2, last + 1):
                for c in range(1, 4):
                    model.cells.setdefault((r, c), f'<c r="{column_letter(c)}{r}"><v>{r * c}</v></c>')
            ref = f"A1:C{last}"
            totals = rng.random() < 0.3
            if totals:
                features.add("table with totals row")
            tparts = f"xl/tables/table{k}.xml"
            tables[tparts] = (name, ref)
            parts[tparts] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<table xmlns="{MAIN}" '
                             f'id="1" name="Bang1" displayName="Bang1" ref="{ref}" '
                             + ('totalsRowCount="1">' if totals else 'totalsRowShown="0">') +
                             f'<autoFilter ref="{ref}"/><tableColumns count="3">'
                             + "".join(f'<tableColumn id="{c}" name="Cột {c}"/>' for c in range(1, 4))
                             + '</tableColumns><tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" '
                             'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>').encode()
            extra_ct.append(f'<Override PartName="/{tparts}" ContentType="application/vnd.openxmlformats-'
                            'officedocument.spreadsheetml.table+xml"/>')
            rels.append(f'<Relationship Id="rIdT1" Type="{R_NS}/table" Target="../tables/table{k}.xml"/>')
        xml = _serialise(model, rng, features)
        if rels:
            xml = xml.replace("</worksheet>", '<tableParts count="1"><tablePart r:id="rIdT1"/></tableParts>'
                              "</worksheet>")
            parts[f"xl/worksheets/_rels/sheet{k}.xml.rels"] = (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG}">'
                + "".join(rels) + "</Relationships>").encode()
        no_rows, no_cells = rng.random() < 0.25, rng.random() < 0.25
        parts[part] = surgery(xml, rng, features, no_rows, no_cells, prefixed).encode()
        sheets.append((name, part))
    order = list(range(n))
    if n > 1 and rng.random() < 0.4:
        features.add("sheets listed out of part order")
        rng.shuffle(order)
    date1904 = rng.random() < 0.2
    if date1904:
        features.add("1904")
    macros = rng.random() < 0.2
    rels = [f'<Relationship Id="rId{k + 1}" Type="{R_NS}/worksheet" Target="worksheets/{Path(p).name}"/>'
            for k, (_, p) in enumerate(sheets)]
    rels += [f'<Relationship Id="rIdS" Type="{R_NS}/styles" Target="styles.xml"/>',
             f'<Relationship Id="rIdTh" Type="{R_NS}/theme" Target="theme/theme1.xml"/>']
    if sst:
        features.add("shared strings")
        parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst '
                                         f'xmlns="{MAIN}" count="{len(sst)}" uniqueCount="{len(sst)}">'
                                         + "".join(sst) + "</sst>").encode()
        rels.append(f'<Relationship Id="rIdSS" Type="{R_NS}/sharedStrings" Target="sharedStrings.xml"/>')
        extra_ct.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                        'officedocument.spreadsheetml.sharedStrings+xml"/>')
    if macros:
        features.add(".xlsm")
        parts["xl/vbaProject.bin"] = _vba()
        rels.append(f'<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/relationships/'
                    f'vbaProject" Target="vbaProject.bin"/>')
        extra_ct.append('<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>')
    parts["xl/_rels/workbook.xml.rels"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                           f'<Relationships xmlns="{PKG}">' + "".join(rels)
                                           + "</Relationships>").encode()
    sheet_list = "".join(f'<sheet name="{_esc(sheets[k][0]).replace(chr(34), "&quot;")}" sheetId="{k + 1}" '
                         f'r:id="rId{k + 1}"/>' for k in order)
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    calc = '<calcPr calcId="191029"/>' if rng.random() < 0.5 else ""
    parts["xl/workbook.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook '
                                f'xmlns="{MAIN}" xmlns:r="{R_NS}">{pr}<bookViews><workbookView/></bookViews>'
                                f'<sheets>{sheet_list}</sheets>{calc}</workbook>').encode()
    parts["xl/styles.xml"] = STYLES.encode()
    main_ct = ("application/vnd.ms-excel.sheet.macroEnabled.main+xml" if macros else
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    ct = parts["[Content_Types].xml"].decode()
    ct = re.sub(r'<Override PartName="/xl/worksheets/[^"]+"[^>]*/>', "", ct)
    ct = re.sub(r'(PartName="/xl/workbook.xml" ContentType=")[^"]+', rf"\g<1>{main_ct}", ct)
    ct = ct.replace("</Types>", "".join(extra_ct) + "".join(
        f'<Override PartName="/{p}" ContentType="{WS_TYPE}"/>' for _, p in sheets) + "</Types>")
    parts["[Content_Types].xml"] = ct.encode()
    _write_zip(path.with_suffix(".xlsm" if macros else ".xlsx"), parts, rng, features)
    return sorted(features), tables


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in: it then writes data descriptors after each member
    (as streaming writers do)."""

    def __init__(self, fh: Any):
        self.fh = fh

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        return self.fh.write(b)

    def seekable(self) -> bool:
        return False


def _write_zip(path: Path, parts: dict[str, bytes], rng: random.Random, features: set[str] | None = None) -> None:
    names = list(parts)
    first = ["[Content_Types].xml"]
    rest = [n for n in names if n not in first]
    rng.shuffle(rest)
    streamed = rng.random() < 0.15
    features = features if features is not None else set()
    with path.open("wb") as fh:
        with zipfile.ZipFile(_Unseekable(fh) if streamed else fh, "w") as z:
            if streamed:
                features.add("zip data descriptors")
            if rng.random() < 0.1:
                features.add("zip comment")
                z.comment = "tệp của đơn vị".encode()
            for n in first + rest:
                method = zipfile.ZIP_STORED if rng.random() < 0.1 else zipfile.ZIP_DEFLATED
                info = zipfile.ZipInfo(n, date_time=(2026, 11, 30, 8, 15, 0))
                if rng.random() < 0.1:
                    features.add("zip extra fields")
                    info.extra = b"UT\x05\x00\x01" + (1764490500).to_bytes(4, "little")  # extended timestamp
                if rng.random() < 0.05 and "/" in n:
                    features.add("zip directory entries")  # as some Java and WPS writers add
                    folder = n.rsplit("/", 1)[0] + "/"
                    if folder not in z.NameToInfo:
                        z.writestr(zipfile.ZipInfo(folder, date_time=(2026, 11, 30, 8, 15, 0)), b"")
                if rng.random() < 0.05:
                    features.add("zip64 members")
                    info.compress_type = method
                    with z.open(info, "w", force_zip64=True) as member:
                        member.write(parts[n])
                    continue
                z.writestr(info, parts[n], compress_type=method, compresslevel=rng.choice([1, 6, 9]))


def build_ledger_workbook(seed: int, path: Path) -> tuple[list[str], dict[str, tuple[str, str]]]:
    """The sample ledger (as the builder writes it), its sheets put through the same surgery."""
    from workbook_templates.builder import create_ledger

    rng = random.Random(seed)
    src = path.with_name(path.stem + "-src.xlsx")
    create_ledger(src, sample=rng.randint(2, 8), seed=seed, today=date(2026, 12, 1))
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    src.unlink()
    features = {"sample ledger"}
    prefixed = rng.random() < 0.3
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        drop = rng.random() < 0.3
        xml = parts[name].decode()
        parts[name] = surgery(xml, rng, features, drop, drop, prefixed and "xmlns:x=" not in xml).encode()
    if rng.random() < 0.3:
        features.add("1904")
        parts["xl/workbook.xml"] = re.sub(rb"<workbookPr\b", b'<workbookPr date1904="1"', parts["xl/workbook.xml"])
    _write_zip(path.with_suffix(".xlsx"), parts, rng, features)
    return sorted(features), {}


# ---------------------------------------------------------------- patches


def _value(rng: random.Random) -> Any:
    kind = rng.choice(["date", "datetime", "int", "float", "text", "text", "none", "bool", "long", "control"])
    if kind == "date":
        if rng.random() < 0.05:  # Excel's 1900 system: the days before its fictitious 29/02/1900
            return date(1900, 1, 1) + timedelta(days=rng.randint(0, 70))
        return date(2026, 1, 1) + timedelta(days=rng.randint(-9000, 3000))
    if kind == "datetime":
        return datetime(2026, 12, 1, 8, 30) + timedelta(seconds=rng.randint(-10**8, 10**8))
    if kind == "int":
        # within Excel's dates: python-calamine panics on a date-styled cell beyond them (its bug, not ours)
        return rng.choice([0, 1, -1, 7, 2026, 2_958_465, -(10**5)])
    if kind == "float":
        return rng.choice([0.5, -2.25, 1e-9, 3.14159, 12345.678901, round(rng.uniform(-1e6, 1e6), 4)])
    if kind == "none":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "long":
        return ("Đơn đề nghị <&> " * 2100)[: rng.choice([32766, 32767, 32768, 33000])]
    if kind == "control":
        return "ký\x00tự\x01điều\x07khiển\x1f" + rng.choice(["", "\x0b", "\ufffe", "\ud800 lẻ"])
    return rng.choice(WORDS)


def random_patch(rng: random.Random, path: Path) -> Patch:
    grid = read_calamine(path)
    patch = Patch()
    pkg = Package(path)
    names = list(pkg.sheets)
    pkg.close()
    for name in rng.sample(names, rng.randint(1, len(names))):
        cells = grid[name]
        used = list(cells)
        last_row = max((r for r, _ in used), default=0)
        last_col = max((c for _, c in used), default=0)
        for _ in range(rng.randint(1, 25)):
            where = rng.random()
            if used and where < 0.5:
                r, c = rng.choice(used)  # an existing cell (maybe a formula)
            elif where < 0.7:
                r, c = rng.randint(1, max(last_row, 1)), rng.randint(1, max(last_col, 1) + 1)
            elif where < 0.9:
                r, c = last_row + rng.randint(1, 5), rng.randint(1, max(last_col, 3))  # rows beyond the end
            else:
                r, c = rng.randint(1, last_row + 2), last_col + rng.randint(1, 4)  # new columns
            patch.set(name, r, c, _value(rng))
    return patch


# ---------------------------------------------------------------- the oracle


def read_calamine(path: Path) -> dict[str, dict[tuple[int, int], Any]]:
    book = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = {(r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v != ""}
    return out


def _serial(value: Any, date1904: bool) -> float:
    if isinstance(value, dt_time):  # calamine's reading of a date-styled number below 1
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if not isinstance(value, datetime):
        raise TypeError(value)
    if not date1904 and value < datetime(1900, 3, 1):
        epoch = datetime(1899, 12, 31)  # Excel's 1900 counts a 29/02/1900: serials 1..60 are a day later
    return (value - epoch).total_seconds() / 86400


def expected_text(value: str) -> str:
    """What a cell can hold of `value`: what the writer promises (clean_text) as an application reads it."""
    from macros_py.workbook.sheetxml import clean_text

    return clean_text(value)


def same(read: Any, meant: Any, date1904: bool) -> bool:
    if meant is None:
        return read in (None, "")
    if isinstance(meant, bool) or isinstance(read, bool):
        return type(read) is type(meant) and read == meant  # noqa: E721
    if isinstance(meant, (date, datetime)):
        if date1904 and meant < (datetime(1904, 1, 1) if isinstance(meant, datetime) else date(1904, 1, 1)):
            return True  # before the 1904 system's day 0: no application shows it (Excel: ####)
        if not isinstance(read, (date, datetime)):
            return False
        return math.isclose(_serial(read, date1904), _serial(meant, date1904), abs_tol=1e-5)
    if isinstance(meant, (int, float)):
        if isinstance(read, (date, datetime, dt_time)):  # a number in a date-styled cell: read back to ms
            if isinstance(read, dt_time) and not 0 <= meant < 1:
                return math.isclose(_serial(read, date1904), meant % 1, abs_tol=1e-7)  # calamine drops the days
            serial = _serial(read, date1904)
            return math.isclose(serial, float(meant), abs_tol=1e-7)
        return isinstance(read, (int, float)) and math.isclose(float(read), float(meant), rel_tol=1e-15,
                                                               abs_tol=1e-12)
    if isinstance(meant, str):
        return read == expected_text(meant) or (read in (None, "") and expected_text(meant) == "")
    return read == meant


def _raw_members(path: Path) -> dict[str, tuple[int, int, int, bytes]]:
    """name -> (CRC, compressed size, size, raw compressed bytes)."""
    out = {}
    with path.open("rb") as fh, zipfile.ZipFile(path) as z:
        for info in z.infolist():
            fh.seek(info.header_offset + 26)
            n, e = int.from_bytes(fh.read(2), "little"), int.from_bytes(fh.read(2), "little")
            fh.seek(info.header_offset + 30 + n + e)
            out[info.filename] = (info.CRC, info.compress_size, info.file_size, fh.read(info.compress_size))
    return out


def _cells_of(xml: bytes) -> Any:
    """(row, column, <c> element) of every cell of a worksheet part, references inferred where absent."""
    last_row = 0
    for row in etree.fromstring(xml).iter(_M + "row"):
        r = int(row.get("r", last_row + 1))
        last_row = r
        col = 0
        for c in row.iter(_M + "c"):
            ref = c.get("r")
            col = column_number(re.match(r"[A-Z]+", ref).group(0)) if ref else col + 1
            yield r, col, c


def _formulas(xml: bytes) -> tuple[dict[tuple[int, int], tuple[str, str | None]], set[tuple[int, int]]]:
    """Formula cells -> (formula element text, cached value), and the cells array formulas cover."""
    out: dict[tuple[int, int], tuple[str, str | None]] = {}
    arrays: set[tuple[int, int]] = set()
    for r, col, c in _cells_of(xml):
        f = c.find(_M + "f")
        if f is not None:
            v = c.find(_M + "v")
            out[(r, col)] = (etree.tostring(f, with_tail=False).decode(), v.text if v is not None else None)
            if f.get("t") == "array" and f.get("ref"):
                a, _, b = f.get("ref").partition(":")
                ma, mb = re.match(r"([A-Z]+)(\d+)", a), re.match(r"([A-Z]+)(\d+)", b or a)
                for rr in range(int(ma.group(2)), int(mb.group(2)) + 1):
                    for cc in range(column_number(ma.group(1)), column_number(mb.group(1)) + 1):
                        arrays.add((rr, cc))
    return out, arrays


def _outside_cells_kept(before: dict[str, bytes], after: dict[str, bytes], sheet_parts: set[str],
                        styles_part: str | None) -> list[str]:
    """A patched sheet changes only in <sheetData> and <dimension>; workbook.xml only in calcPr's
    fullCalcOnLoad; styles.xml only by formats and cell formats added at the end."""
    from tests.clerkbook import outside_sheet_data

    out = []
    for part in sheet_parts:
        if outside_sheet_data(after[part]) != outside_sheet_data(before[part]):
            out.append(f"{part}: changed outside <sheetData> and <dimension>")
    wb_before, wb_after = etree.fromstring(before["xl/workbook.xml"]), etree.fromstring(after["xl/workbook.xml"])
    calc = wb_after.find(_M + "calcPr")
    if calc is not None:
        old = wb_before.find(_M + "calcPr")
        if old is None:
            calc.getparent().remove(calc)
        elif calc.get("fullCalcOnLoad") != old.get("fullCalcOnLoad"):
            calc.attrib.pop("fullCalcOnLoad")
            if old.get("fullCalcOnLoad") is not None:
                calc.set("fullCalcOnLoad", old.get("fullCalcOnLoad"))
    if etree.tostring(wb_after, method="c14n") != etree.tostring(wb_before, method="c14n"):
        out.append("xl/workbook.xml changed beyond calcPr")
    if styles_part and after[styles_part] != before[styles_part]:
        st_before, st_after = etree.fromstring(before[styles_part]), etree.fromstring(after[styles_part])
        old_ids = {n.get("numFmtId") for n in st_before.iter(_M + "numFmt")}
        for n in list(st_after.iter(_M + "numFmt")):
            if n.get("numFmtId") not in old_ids:
                n.getparent().remove(n)
        for name in ("numFmts", "cellXfs"):
            a, b = st_before.find(_M + name), st_after.find(_M + name)
            if b is not None:
                if name == "cellXfs" and a is not None:
                    for xf in list(b)[len(a):]:
                        b.remove(xf)
                if a is None and name == "numFmts":
                    b.getparent().remove(b)
                    continue
                b.attrib.pop("count", None)
                if a is not None and a.get("count") is not None:
                    b.set("count", a.get("count"))
        if etree.tostring(st_after, method="c14n") != etree.tostring(st_before, method="c14n"):
            out.append(f"{styles_part} changed beyond formats added at the end")
    return out


def _row_styles(xml: bytes) -> dict[int, int]:
    """Row -> its style, for rows with customFormat (their empty cells show in it)."""
    out = {}
    last_row = 0
    for row in etree.fromstring(xml).iter(_M + "row"):
        r = int(row.get("r", last_row + 1))
        last_row = r
        if row.get("customFormat") in ("1", "true") and row.get("s"):
            out[r] = int(row.get("s"))
    return out


def _styles(xml: bytes) -> dict[tuple[int, int], int]:
    return {(r, col): int(c.get("s", 0)) for r, col, c in _cells_of(xml)}


def _tables(path: Path, parts: dict[str, bytes], sheets: dict[str, str]) -> list[tuple[str, str, str]]:
    """(sheet, table part, ref) of every table."""
    pkg = Package(path)
    try:
        return [(s, t, re.search(rb'<(?:\w+:)?table\b[^>]*?\bref="([^"]+)"', parts[t]).group(1).decode())
                for s, p in sheets.items() for t in pkg.tables(p)]
    finally:
        pkg.close()


def _sheet_parts(path: Path) -> tuple[dict[str, str], bool, str | None]:
    pkg = Package(path)
    try:
        return dict(pkg.sheets), pkg.date1904, pkg.styles_part
    finally:
        pkg.close()


def _xf_without_format(styles_xml: bytes, index: int) -> dict[str, str]:
    xfs = list(etree.fromstring(styles_xml).find(_M + "cellXfs"))
    attrs = dict(xfs[index].attrib) if index < len(xfs) else {}
    for k in ("numFmtId", "applyNumberFormat"):
        attrs.pop(k, None)
    return attrs


def check_case(path: Path, patch: Patch, openpyxl_too: bool = True) -> list[str]:
    """Apply `patch` to the workbook at `path` with write_cells and answer the broken promises."""
    problems: list[str] = []
    os.chmod(path, 0o640)
    before_raw = _raw_members(path)
    with zipfile.ZipFile(path) as z:
        before = {n: z.read(n) for n in z.namelist()}
    sheets, date1904, styles_part = _sheet_parts(path)
    with zipfile.ZipFile(path) as z:
        before = {n: z.read(n) for n in z.namelist()}
    grid_before = read_calamine(path)
    opx_before = _read_openpyxl(path) if openpyxl_too else None
    report = write_cells(path, patch, backup=False)

    if (os.stat(path).st_mode & 0o777) != 0o640:
        problems.append(f"file mode changed to {oct(os.stat(path).st_mode & 0o777)}")
    after_raw = _raw_members(path)
    with zipfile.ZipFile(path) as z:
        if z.testzip() is not None:
            problems.append(f"bad CRC in {z.testzip()}")
        after = {n: z.read(n) for n in z.namelist()}
    patched_parts = {sheets[s] for s, cells in patch.cells.items() if cells}
    tables = {t: (s, ref) for s, t, ref in _tables(path, before, sheets) if sheets[s] in patched_parts}
    allowed = set(patched_parts) | {styles_part, "xl/workbook.xml"} | set(tables)
    if set(before) != set(after):
        problems.append(f"members added/removed: {set(before) ^ set(after)}")
    if list(before) != [n for n in after if n in before]:
        problems.append("member order changed")
    for name in before:
        if name in after and name not in report.parts and after_raw.get(name) != before_raw[name]:
            problems.append(f"{name} not reported as rewritten but its raw bytes or CRC changed")
    for name in report.parts:
        if name not in allowed:
            problems.append(f"{name} rewritten though nothing in it was meant to change")
        if name.endswith(".xml") and name in after:
            try:
                root = etree.fromstring(after[name])
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name} not well formed: {exc}")
                continue
            if name in patched_parts:
                for el in root.iter():
                    if isinstance(el.tag, str) and etree.QName(el).namespace not in (MAIN, R_NS) \
                            and etree.QName(el).localname in ("row", "c", "v", "is", "t", "f", "sheetData"):
                        problems.append(f"{name}: <{el.tag}> is not in the main namespace")
                        break

    problems += _outside_cells_kept(before, after, patched_parts, styles_part)
    if any(re.search(rb"<(?:\w+:)?f[\s>/]", before[p]) for p in sheets.values()) and \
            not re.search(rb'<(?:\w+:)?calcPr\b[^>]*?fullCalcOnLoad="(1|true)"', after["xl/workbook.xml"]):
        problems.append("the workbook has formulas but is not set to recalculate on load")
    grid_after = read_calamine(path)
    formulas_kept = set(report.formulas_kept)
    meant_kept = set()
    after_styles_xml = after.get(styles_part, b"") if styles_part else b""
    for sheet, part in sheets.items():
        cells = patch.cells.get(sheet, {})
        old_f, arrays = _formulas(before[part])
        new_f, _ = _formulas(after[part])
        for rc, f in old_f.items():
            if new_f.get(rc) != f:
                problems.append(f"«{sheet}» {column_letter(rc[1])}{rc[0]}: formula or its cached value changed "
                                f"({f} -> {new_f.get(rc)})")
        protected = set(old_f) | arrays
        meant_kept |= {(sheet, r, c) for r, c in cells if (r, c) in protected}
        for rc in cells:
            if rc in arrays and rc not in old_f:
                if new_f.get(rc) is None and same(grid_after[sheet].get(rc), cells[rc], date1904) and \
                        not same(grid_before[sheet].get(rc), cells[rc], date1904):
                    problems.append(f"«{sheet}» {column_letter(rc[1])}{rc[0]}: a cell inside an array formula's "
                                    "range was overwritten")
        expected = dict(grid_before[sheet])
        for rc, v in cells.items():
            if rc not in protected:
                expected[rc] = v
        for rc in set(expected) | set(grid_after[sheet]):
            meant, got = expected.get(rc), grid_after[sheet].get(rc)
            ref = f"«{sheet}» {column_letter(rc[1])}{rc[0]}"
            if rc in cells and rc not in protected:
                if not same(got, meant, date1904):
                    problems.append(f"{ref}: wrote {meant!r:.80}, calamine reads {got!r:.80}")
                elif isinstance(meant, (date, datetime)) and not isinstance(got, (date, datetime)) and \
                        not (date1904 and same(None, meant, date1904)):
                    problems.append(f"{ref}: a date was written but is not shown as one")
            elif got != meant:
                problems.append(f"{ref}: not meant to change, was {meant!r:.60}, now {got!r:.60}")
        old_s, new_s = _styles(before[part]), _styles(after[part])
        row_s = _row_styles(before[part])
        for rc, v in cells.items():
            if rc not in protected and rc not in old_s and rc[0] in row_s:
                old_s[rc] = row_s[rc[0]]  # a new cell in a formatted row shows as the row did
            if rc in old_s and rc not in protected:
                s0, s1 = old_s[rc], new_s.get(rc, 0)
                if s0 != s1 and not (isinstance(v, (date, datetime)) and
                                     _xf_without_format(before[styles_part], s0) ==
                                     _xf_without_format(after_styles_xml, s1)):
                    problems.append(f"«{sheet}» {column_letter(rc[1])}{rc[0]}: style {s0} became {s1}")
    if formulas_kept != meant_kept:
        problems.append(f"formulas_kept {sorted(formulas_kept)} but formula cells written {sorted(meant_kept)}")
    for tpart, (sheet, ref) in tables.items():
        m = re.match(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", ref)
        c1, c2, bottom = column_number(m.group(1)), column_number(m.group(3)), int(m.group(4))
        rows = {r for r, c in patch.cells.get(sheet, {}) if c1 <= c <= c2}
        grown = bottom
        # a totals row is the table's last row: rows written below it are not the table's
        totals = re.search(rb'<(?:\w+:)?table\b[^>]*?\btotalsRowCount="([1-9]\d*)"', before[tpart])
        while grown + 1 in rows and not totals:
            grown += 1
        new_ref = re.search(rb'<(?:\w+:)?table\b[^>]*?\bref="([^"]+)"', after[tpart]).group(1).decode()
        if new_ref != f"{m.group(1)}{m.group(2)}:{m.group(3)}{grown}":
            problems.append(f"table {tpart}: ref {ref} became {new_ref}, expected bottom row {grown}")
    if opx_before is not None:
        problems += _check_openpyxl(path, patch, opx_before, grid_before, grid_after)
    return problems


def _read_openpyxl(path: Path) -> dict[str, dict[tuple[int, int], Any]] | None:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=True, read_only=False)
    except Exception:  # noqa: BLE001  openpyxl cannot read this shape at all (then calamine alone judges)
        return None
    out = {ws.title: {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
           for ws in wb.worksheets}
    wb.close()
    return out


def _check_openpyxl(path: Path, patch: Patch, before: dict, grid_before: dict, grid_after: dict) -> list[str]:
    """openpyxl must agree with calamine on every cell it read the same way before the write."""
    after = _read_openpyxl(path)
    if after is None:
        return ["openpyxl read the workbook before the write but cannot read it after"]
    out = []
    for sheet, cells in before.items():
        for rc in set(cells) | set(after.get(sheet, {})):
            b, a = cells.get(rc), after.get(sheet, {}).get(rc)
            cb, ca = grid_before[sheet].get(rc), grid_after[sheet].get(rc)
            if rc not in patch.cells.get(sheet, {}) and a != b and ca == cb:
                out.append(f"openpyxl: «{sheet}» {column_letter(rc[1])}{rc[0]} was {b!r:.60}, now {a!r:.60}")
    return out[:10]


# ---------------------------------------------------------------- running


def donor_sheet(rng: random.Random, marker: str) -> Any:
    """A sheet kiemsat builds whole (as «Thống kê» is): openpyxl, shared strings, styles, a date, a
    formula and the sheet-scoped defined name that marks it as kiemsat's."""
    from openpyxl.styles import Font
    from openpyxl.workbook.defined_name import DefinedName

    from macros_py.workbook.package import DonorSheet

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thống kê"
    values: dict[tuple[int, int], Any] = {}
    for r in range(1, rng.randint(2, 12)):
        for c in range(1, rng.randint(2, 6)):
            # (openpyxl takes "=..." for a formula and writes "_x000D_" unescaped: not the graft's doing)
            word = rng.choice([w for w in WORDS if not w.startswith("=") and "_x" not in w]).strip() or "trống"
            v = rng.choice([word, rng.randint(0, 999), date(2026, 1, r)])
            ws.cell(r, c, v)
            if isinstance(v, date):
                ws.cell(r, c).number_format = "dd/mm/yyyy"
            if rng.random() < 0.3:
                ws.cell(r, c).font = Font(bold=True)
            values[(r, c)] = v
    ws.defined_names[marker] = DefinedName(marker, attr_text="'Thống kê'!$A$1")
    buf = io.BytesIO()
    wb.save(buf)
    return DonorSheet(buf.getvalue(), marker), values


def check_graft(path: Path, rng: random.Random) -> list[str]:
    """Put a kiemsat-built sheet into the workbook twice (the second replaces the first in place)
    and check: only workbook.xml, its rels, the content types and styles.xml change besides the new
    parts; the old sheets read as before; the new sheet reads as the donor was built."""
    problems: list[str] = []
    before_raw = _raw_members(path)
    grid_before = read_calamine(path)
    names_before = list(grid_before)
    allowed = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
               _sheet_parts(path)[2]}
    for round_ in (1, 2):
        donor, values = donor_sheet(rng, "kiemsat_Fuzz")
        report = write_cells(path, Patch(sheets={"Thống kê": donor}), backup=False)
        after_raw = _raw_members(path)
        for name, raw in before_raw.items():
            if name not in after_raw:
                problems.append(f"round {round_}: {name} lost")
            elif name not in allowed and after_raw[name] != raw:
                problems.append(f"round {round_}: {name} changed")
        with zipfile.ZipFile(path) as z:
            if z.testzip() is not None:
                problems.append(f"round {round_}: bad CRC in {z.testzip()}")
            for name in z.namelist():
                if name.endswith((".xml", ".rels")):
                    try:
                        etree.fromstring(z.read(name))
                    except etree.XMLSyntaxError as exc:
                        problems.append(f"round {round_}: {name} not well formed: {exc}")
        grid = read_calamine(path)
        title = report.sheets.get("Thống kê")
        if list(grid) != names_before + [title]:
            problems.append(f"round {round_}: sheets {list(grid)}, expected {names_before + [title]}")
        for sheet in names_before:
            if grid.get(sheet) != grid_before[sheet]:
                problems.append(f"round {round_}: «{sheet}» reads differently after the graft")
        got = grid.get(title, {})
        for rc, v in values.items():
            if not same(got.get(rc), v, _sheet_parts(path)[1]):
                problems.append(f"round {round_}: «{title}» {column_letter(rc[1])}{rc[0]}: built {v!r}, "
                                f"reads {got.get(rc)!r}")
        if set(got) - set(values):
            extra = sorted(set(got) - set(values))[:5]
            problems.append(f"round {round_}: «{title}» has cells the donor did not: {extra}")
    return problems


def make_case(seed: int, directory: Path) -> Case:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"case{seed}"
    build = build_ledger_workbook if seed % 7 == 0 else build_model_workbook
    features, tables = build(seed, path)
    path = next(p for p in (path.with_suffix(".xlsx"), path.with_suffix(".xlsm")) if p.exists())
    patch = random_patch(random.Random(seed * 7919 + 1), path)
    return Case(seed, path, patch, features, tables)


def libreoffice_saved_cases(convert: Any, seeds: list[int], directory: Path) -> list[Case]:
    """The seeds' workbooks as LibreOffice saves them (`convert(files, out_dir)`, one soffice call),
    each with a random patch drawn for the saved file: the shape of a ledger a clerk keeps in Calc."""
    made = [make_case(s, directory / "made") for s in seeds]
    saved = convert([c.path for c in made], directory / "saved")
    cases = []
    for case, path in zip(made, saved):
        target = directory / f"lo{case.seed}.xlsx"
        shutil.copy(path, target)
        patch = random_patch(random.Random(case.seed * 31 + 7), target)
        cases.append(Case(case.seed, target, patch, ["LibreOffice-saved", *case.features]))
    return cases


def check_kept(case: Case) -> list[str]:
    """check_case on `case`, its file kept (with -before) when a promise is broken."""
    keep = case.path.with_name(case.path.stem + "-before" + case.path.suffix)
    shutil.copy2(case.path, keep)
    try:
        problems = check_case(case.path, case.patch)
    except BaseException as exc:  # noqa: BLE001  a crash is a finding too (calamine panics are BaseException)
        if isinstance(exc, KeyboardInterrupt):
            raise
        problems = ["write_cells or the check raised:\n" + traceback.format_exc()]
    if not problems:
        keep.unlink()
    return problems


def run_case(seed: int, directory: Path) -> tuple[Case, list[str]]:
    case = make_case(seed, directory)
    return case, check_kept(case)


def main(argv: list[str]) -> int:
    directory, count, seed = Path(argv[0]), int(argv[1]), int(argv[2])
    lo = int(argv[argv.index("--lo") + 1]) if "--lo" in argv else 0
    lo_saved = int(argv[argv.index("--lo-saved") + 1]) if "--lo-saved" in argv else 0
    started = time.perf_counter()
    failed = 0
    seen: dict[str, int] = {}
    done: list[Path] = []
    graft = int(argv[argv.index("--graft") + 1]) if "--graft" in argv else 0
    shapes: dict[str, int] = {}
    for s in range(seed, seed + count):
        case, problems = run_case(s, directory / "cases")
        for f in case.features:
            shapes[f] = shapes.get(f, 0) + 1
        if problems:
            failed += 1
            for p in problems:
                key = re.sub(r"«[^»]*»|[A-Z]+\d+|\d+|'[^']*'", "#", p)[:90]
                seen[key] = seen.get(key, 0) + 1
            (directory / "cases" / f"case{s}.txt").write_text(
                f"features: {case.features}\npatch: {case.patch.cells!r:.5000}\n" + "\n".join(problems) + "\n")
        else:
            done.append(case.path)
    elapsed = time.perf_counter() - started
    print(f"{count} cases from seed {seed}: {failed} with problems, {elapsed:.1f} s "
          f"({elapsed / max(count, 1) * 1000:.0f} ms a case)")
    for key, n in sorted(seen.items(), key=lambda kv: -kv[1]):
        print(f"  {n:5d}  {key}")
    print("cases per shape: " + ", ".join(f"{k} {v}" for k, v in sorted(shapes.items())))
    if lo and done:
        from macros_py.documents.pdf import find_soffice
        from tests.lo import convert

        sample = random.Random(seed).sample(done, min(lo, len(done)))
        t = time.perf_counter()
        bad = libreoffice_disagrees(lambda files, out: convert(find_soffice(), files, "xlsx", out,
                                                                directory / "lo-profile"), sample, directory / "lo")
        print(f"LibreOffice opened and re-saved {len(sample)} results ({time.perf_counter() - t:.1f} s): "
              f"{len(bad)} read differently")
        for path, problems in bad.items():
            print(f"  {path}: " + "; ".join(problems[:5]))
        failed += len(bad)
    if graft:
        t = time.perf_counter()
        bad_graft = {}
        for s in range(seed, seed + graft):
            case = make_case(s, directory / "graft")
            try:
                problems = check_graft(case.path, random.Random(s))
            except Exception:  # noqa: BLE001  a crash is a finding too
                problems = [traceback.format_exc()]
            if problems:
                bad_graft[case.path] = problems
        print(f"{graft} grafts ({time.perf_counter() - t:.1f} s): {len(bad_graft)} with problems")
        for path, problems in bad_graft.items():
            print(f"  {path}: " + "; ".join(problems[:4]))
        failed += len(bad_graft)
    if lo_saved:
        from macros_py.documents.pdf import find_soffice
        from tests.lo import convert

        t = time.perf_counter()
        seeds = random.Random(seed + 1).sample(range(seed, seed + count), min(lo_saved, count))
        cases = libreoffice_saved_cases(lambda files, out: convert(find_soffice(), files, "xlsx", out,
                                                                   directory / "lo-profile"), seeds,
                                        directory / "lo-saved")
        bad_saved = {c.path: p for c in cases if (p := check_kept(c))}
        print(f"{len(cases)} LibreOffice-saved workbooks patched ({time.perf_counter() - t:.1f} s): "
              f"{len(bad_saved)} with problems")
        for path, problems in bad_saved.items():
            print(f"  {path}: " + "; ".join(problems[:5]))
        failed += len(bad_saved)
    return 1 if failed else 0


def _plain(value: Any, date1904: bool) -> Any:
    """A cell as two applications must agree on it: LibreOffice keeps a line break as LF only, and
    writes a boolean or a number in a date-styled cell as a date (so dates compare as numbers)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, (date, datetime, dt_time)):
        return round(_serial(value, date1904), 6)
    if isinstance(value, (bool, int, float)):
        return round(float(value), 6)
    return value


def _merged(xml: bytes) -> set[tuple[int, int]]:
    """Cells a merged range covers, its first cell excepted."""
    out = set()
    for ref in re.findall(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+\d+:[A-Z]+\d+)"', xml):
        m = re.match(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", ref.decode())
        c1, r1, c2, r2 = column_number(m.group(1)), int(m.group(2)), column_number(m.group(3)), int(m.group(4))
        out |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
    return out


def libreoffice_disagrees(convert: Any, paths: list[Path], out: Path) -> dict[Path, list[str]]:
    """Convert the written workbooks with LibreOffice (`convert(files, out_dir)`, one soffice call) and
    answer, per workbook, the cells (not formulas) LibreOffice reads otherwise than calamine read ours."""
    # one output directory per file: results of different cases share names (caseN.xlsx / caseN.xlsm)
    bad: dict[Path, list[str]] = {}
    outs = convert(paths, out)
    for path, resaved in zip(paths, outs):
        ours, theirs = read_calamine(path), read_calamine(resaved)
        sheets, ours1904, _ = _sheet_parts(path)
        theirs1904 = _sheet_parts(resaved)[1]
        with zipfile.ZipFile(path) as z:
            # formula cells (LibreOffice recalculates them) and cells a merged range hides (it shows them
            # in the merge's format) are left out
            formulas = {s: set(_formulas(z.read(p))[0]) | _formulas(z.read(p))[1] | _merged(z.read(p))
                        for s, p in sheets.items()}
        problems = []
        for sheet, cells in ours.items():
            other = theirs.get(sheet)
            if other is None:
                problems.append(f"LibreOffice lost sheet «{sheet}»")
                continue
            for rc in (set(cells) | set(other)) - formulas[sheet]:
                a, b = _plain(cells.get(rc), ours1904), _plain(other.get(rc), theirs1904)
                if a != b and not (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b)):
                    problems.append(f"«{sheet}» {column_letter(rc[1])}{rc[0]}: ours {a!r:.60}, LibreOffice {b!r:.60}")
        if problems:
            bad[path] = problems
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
