"""A clerk's real workbook, built by XML surgery on kiemsat's sample ledger: everything openpyxl
does not model, so a writer that loads and saves the package would lose it.

- a clerk's sheet «Sổ tay» with formulas and their cached values (one across sheets), a rich-text
  shared string, a text box (drawing), a legacy comment with its VML and a threaded comment with a
  reply (and the persons part), x14 data validation and a sparkline in its extLst;
- in the case sheet «Án hình sự» (which kiemsat writes): the opening date of the first case typed
  as a formula with its cached value, x14 data validation in an extLst, printer settings;
- customXml parts; for `.xlsm`, a real VBA project taken from xlwings' own add-in.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date
from pathlib import Path

from python_calamine import CalamineWorkbook

from macros_py.ledger.problems import column_index

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
CLERK_SHEET = "Sổ tay"
CASE_SHEET = "Án hình sự"
PRINTER_BYTES = bytes(range(256)) * 4  # a DEVMODE blob as Windows writes it: opaque to everyone else
PERSON = "{6B8E4C2A-1D2F-4A51-9E0B-1B2C3D4E5F60}"
COMMENT = "{0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9}"
REPLY = "{1A2B3C4D-5E6F-4071-8283-94A5B6C7D8EA}"


def _x14_validation(sqref: str, source: str) -> str:
    return (f'<ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}">'
            f'<x14:dataValidations count="1" xmlns:xm="{XM}"><x14:dataValidation type="list" allowBlank="1">'
            f"<x14:formula1><xm:f>{source}</xm:f></x14:formula1><xm:sqref>{sqref}</xm:sqref>"
            "</x14:dataValidation></x14:dataValidations></ext>")


def clerk_sheet_xml(cross_value: str) -> str:
    sparkline = (f'<ext uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}" xmlns:x14="{X14}">'
                 f'<x14:sparklineGroups xmlns:xm="{XM}"><x14:sparklineGroup displayEmptyCellsAs="gap">'
                 '<x14:colorSeries rgb="FF376092"/><x14:sparklines><x14:sparkline>'
                 "<xm:f>'Sổ tay'!A3:C3</xm:f><xm:sqref>D3</xm:sqref></x14:sparkline></x14:sparklines>"
                 "</x14:sparklineGroup></x14:sparklineGroups></ext>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{R}">'
            '<dimension ref="A1:C3"/><sheetData>'
            '<row r="1"><c r="A1"><v>5</v></c><c r="B1"><f>A1+A2</f><v>12</v></c><c r="C1" t="s"><v>0</v></c></row>'
            f"<row r=\"2\"><c r=\"A2\"><v>7</v></c><c r=\"B2\" t=\"str\"><f>'Cán bộ'!A3</f><v>{cross_value}</v></c>"
            "</row>"
            '<row r="3"><c r="A3"><v>1</v></c><c r="B3"><v>2</v></c><c r="C3"><v>3</v></c>'
            "<c r=\"D4\"><f>SUM(A3:C3)</f><v>6</v></c></row>"
            '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '<drawing r:id="rIdD"/><legacyDrawing r:id="rIdV"/>'
            f"<extLst>{_x14_validation('E1:E10', chr(39) + 'Cán bộ' + chr(39) + '!$A$3:$A$20')}{sparkline}</extLst>"
            "</worksheet>")


DRAWING = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor>'
           "<xdr:from><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff>"
           "</xdr:from><xdr:to><xdr:col>9</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>6</xdr:row>"
           '<xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro="" textlink=""><xdr:nvSpPr>'
           '<xdr:cNvPr id="2" name="TextBox 1"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm>'
           '<a:off x="0" y="0"/><a:ext cx="2438400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
           "</a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>Nhắc: nộp báo cáo "
           "tháng trước ngày 25</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>"
           "</xdr:wsDr>")
COMMENTS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN}"><authors>'
            f"<author>tc={COMMENT}</author></authors><commentList><comment ref=\"A1\" authorId=\"0\" "
            f'shapeId="0"><text><t>[Threaded comment] Số liệu tháng 3. Trả lời: Đã kiểm tra</t></text></comment>'
            "</commentList></comments>")
VML = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
       'xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shapetype id="_x0000_t202" coordsize="21600,21600" '
       'o:spt="202" path="m,l,21600r21600,l21600,xe"/><v:shape id="_x0000_s1025" type="#_x0000_t202" '
       'style="position:absolute;visibility:hidden"><x:ClientData ObjectType="Note"><x:MoveWithCells/>'
       "<x:Row>0</x:Row><x:Column>0</x:Column></x:ClientData></v:shape></xml>")
THREADED = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ThreadedComments '
            'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
            f'<threadedComment ref="A1" dT="2026-03-01T08:00:00.00" personId="{PERSON}" id="{COMMENT}">'
            "<text>Số liệu tháng 3</text></threadedComment>"
            f'<threadedComment ref="A1" dT="2026-03-02T09:30:00.00" personId="{PERSON}" id="{REPLY}" '
            f'parentId="{COMMENT}"><text>Đã kiểm tra</text></threadedComment></ThreadedComments>')
PERSONS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<personList '
           'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
           f'xmlns:x="{MAIN}"><person displayName="Nguyễn Thư Ký" id="{PERSON}" userId="thuky@vks.example" '
           'providerId="None"/></personList>')
SHARED = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="1" uniqueCount="1">'
          '<si><r><rPr><b/><sz val="11"/><color rgb="FFC00000"/><rFont val="Calibri"/></rPr><t>Khẩn:</t></r>'
          '<r><rPr><sz val="11"/><rFont val="Calibri"/></rPr><t xml:space="preserve"> gọi CQĐT trước 10 giờ</t></r>'
          "</si></sst>")
CUSTOM_ITEM = '<?xml version="1.0" encoding="UTF-8"?><donvi xmlns="urn:vks:test">VKSND khu vực 1</donvi>'
CUSTOM_PROPS = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<ds:datastoreItem '
                'ds:itemID="{5C7E2A11-3B1C-4D7A-9F00-112233445566}" '
                'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs/>'
                "</ds:datastoreItem>")

CT = {
    "sheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    "drawing": "application/vnd.openxmlformats-officedocument.drawing+xml",
    "comments": "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
    "threaded": "application/vnd.ms-excel.threadedcomments+xml",
    "person": "application/vnd.ms-excel.person+xml",
    "shared": "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
    "props": "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
    "printer": "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings",
    "vml": "application/vnd.openxmlformats-officedocument.vmlDrawing",
    "vba": "application/vnd.ms-office.vbaProject",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


def _rels(*rels: tuple[str, str, str]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in rels)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG}">{body}</Relationships>'


def _add_rels(xml: str, *rels: tuple[str, str, str]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in rels)
    return xml.replace("</Relationships>", body + "</Relationships>")


def vba_project() -> bytes:
    """A real VBA project (vbaProject.bin) from one of the add-ins xlwings ships."""
    import xlwings

    for addin in sorted(Path(xlwings.__file__).parent.rglob("*.xlam")):
        with zipfile.ZipFile(addin) as z:
            if "xl/vbaProject.bin" in z.namelist():
                return z.read("xl/vbaProject.bin")
    raise FileNotFoundError("no .xlam with a VBA project in xlwings")


def build_clerk_workbook(sample: Path, target: Path, *, macros: bool = False) -> Path:
    """The sample ledger turned into a clerk's workbook at `target` (.xlsx, or .xlsm with `macros`)."""
    src = zipfile.ZipFile(sample)
    parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    order = [i.filename for i in src.infolist()]
    wb = parts["xl/workbook.xml"].decode()
    wb_rels = parts["xl/_rels/workbook.xml.rels"].decode()
    types = parts["[Content_Types].xml"].decode()
    sheets = dict(re.findall(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="(rId\d+)"', wb))
    targets = dict((i, t) for t, i in re.findall(r'Target="([^"]+)" Id="(rId\d+)"', wb_rels))
    case_part = targets[sheets[CASE_SHEET]].lstrip("/")
    book = CalamineWorkbook.from_path(str(sample))
    staff = book.get_sheet_by_name("Cán bộ").to_python()
    cross_value = str(staff[2][0])  # 'Cán bộ'!A3, the first name

    # the clerk's sheet and what hangs from it
    new = {
        "xl/worksheets/sheet99.xml": clerk_sheet_xml(cross_value),
        "xl/worksheets/_rels/sheet99.xml.rels": _rels(
            ("rIdD", f"{R}/drawing", "../drawings/drawing99.xml"),
            ("rIdV", f"{R}/vmlDrawing", "../drawings/vmlDrawing99.vml"),
            ("rIdC", f"{R}/comments", "../comments99.xml"),
            ("rIdT", "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
             "../threadedComments/threadedComment99.xml")),
        "xl/drawings/drawing99.xml": DRAWING,
        "xl/drawings/vmlDrawing99.vml": VML,
        "xl/comments99.xml": COMMENTS,
        "xl/threadedComments/threadedComment99.xml": THREADED,
        "xl/persons/person.xml": PERSONS,
        "xl/sharedStrings.xml": SHARED,
        "customXml/item1.xml": CUSTOM_ITEM,
        "customXml/itemProps1.xml": CUSTOM_PROPS,
        "customXml/_rels/item1.xml.rels": _rels(
            ("rId1", f"{R}/customXmlProps", "itemProps1.xml")),
        "xl/printerSettings/printerSettings1.bin": PRINTER_BYTES,
    }
    wb = wb.replace("</sheets>", f'<sheet xmlns:r="{R}" name="{CLERK_SHEET}" sheetId="99" r:id="rId99"/></sheets>')
    wb_rels = _add_rels(wb_rels, ("rId99", f"{R}/worksheet", "/xl/worksheets/sheet99.xml"),
                        ("rId98", f"{R}/sharedStrings", "sharedStrings.xml"),
                        ("rId97", "http://schemas.microsoft.com/office/2017/10/relationships/person",
                         "persons/person.xml"),
                        ("rId96", f"{R}/customXml", "../customXml/item1.xml"))
    overrides = [("/xl/worksheets/sheet99.xml", CT["sheet"]), ("/xl/drawings/drawing99.xml", CT["drawing"]),
                 ("/xl/comments99.xml", CT["comments"]),
                 ("/xl/threadedComments/threadedComment99.xml", CT["threaded"]),
                 ("/xl/persons/person.xml", CT["person"]), ("/xl/sharedStrings.xml", CT["shared"]),
                 ("/customXml/itemProps1.xml", CT["props"]),
                 ("/xl/printerSettings/printerSettings1.bin", CT["printer"])]
    defaults = [("vml", CT["vml"])]

    # the case sheet: a formula in a date kiemsat reads, x14 validation, printer settings
    case = parts[case_part].decode()
    header = re.search(r'<row r="2".*?</row>', case, re.S).group(0)
    opening_col = _column_of(header, "Ngày khởi tố")
    opening = book.get_sheet_by_name(CASE_SHEET).to_python()[2][column_index(opening_col)]
    opening = opening.date() if hasattr(opening, "date") else opening
    serial = (opening - date(1899, 12, 30)).days
    y, m, d = opening.year, opening.month, opening.day  # the same date, now typed as a formula
    case, n = re.subn(rf'<c r="{opening_col}3"( s="\d+")?[^>]*?(?:/>|>.*?</c>)',
                      lambda mt: f'<c r="{opening_col}3"{mt.group(1) or ""}><f>DATE({y},{m},{d})</f><v>{serial}</v></c>',
                      case, count=1, flags=re.S)
    assert n == 1, "the first case's opening date cell"
    case = re.sub(r"<pageSetup\b", '<pageSetup r:id="rIdP"', case, count=1)
    if 'xmlns:r="' not in case[:500]:
        case = case.replace("<worksheet ", f'<worksheet xmlns:r="{R}" ', 1)
    case = case.replace("</worksheet>", "<extLst>" + _x14_validation("AB3:AB500", "'Cán bộ'!$A$3:$A$20")
                        + "</extLst></worksheet>")
    parts[case_part] = case.encode()
    case_rels = _rels_name(case_part)
    parts[case_rels] = _add_rels(parts[case_rels].decode(), ("rIdP", f"{R}/printerSettings",
                                                             "../printerSettings/printerSettings1.bin")).encode()

    if macros:
        new["xl/vbaProject.bin"] = vba_project()
        wb_rels = _add_rels(wb_rels, ("rId95", "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
                                      "vbaProject.bin"))
        overrides.append(("/xl/vbaProject.bin", CT["vba"]))
        types = types.replace(CT["xlsx"], CT["xlsm"])
    for ext, ct in defaults:
        types = types.replace("<Override", f'<Default Extension="{ext}" ContentType="{ct}"/><Override', 1)
    types = types.replace("</Types>", "".join(f'<Override PartName="{p}" ContentType="{c}"/>'
                                              for p, c in overrides) + "</Types>")
    parts["xl/workbook.xml"], parts["xl/_rels/workbook.xml.rels"] = wb.encode(), wb_rels.encode()
    parts["[Content_Types].xml"] = types.encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name in order:
            out.writestr(name, parts[name])
        for name, data in new.items():
            out.writestr(name, data if isinstance(data, bytes) else data.encode())
    target.write_bytes(buf.getvalue())
    return target


def _rels_name(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def _column_of(header_row: str, label: str) -> str:
    for ref, body in re.findall(r'<c r="([A-Z]+)2"[^>]*?>(.*?)</c>', header_row, re.S):
        if f">{label}<" in html.unescape(body):
            return ref
    raise KeyError(label)


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def outside_sheet_data(xml: bytes) -> bytes:
    """A worksheet part without its cells and its dimension: what a cell patch must leave alone."""
    text = re.sub(rb"<(\w+:)?sheetData\b[^>]*?(/>|>.*?</(\w+:)?sheetData>)", b"<sheetData/>", xml, count=1, flags=re.S)
    return re.sub(rb"<(\w+:)?dimension\b[^>]*/>", b"", text, count=1)
