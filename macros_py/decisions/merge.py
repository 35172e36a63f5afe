"""Mail-merge of decision templates: the context for a ledger row, and a fast docxtpl renderer.

`CompiledTemplate` gives, for the same context, the same word/document.xml as
`DocxTemplate(path).render(context, jinja_env=make_env(), autoescape=True)` followed by `save`,
because it runs docxtpl's own steps (patch_xml, the Jinja render, listing, fix_tables) and
python-docx's serialisation. What it avoids is the per-document waste: it parses the .docx and
compiles the Jinja template once, and writes each output zip from pre-compressed parts.

Values are escaped (autoescape), control characters that XML cannot hold are dropped, and a
rendered part that is not well-formed XML raises MergeError instead of being silently cut.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, Template, meta, nodes
from jinja2.exceptions import TemplateError
from lxml import etree

from macros_py.decisions.decision_types import ABBREVIATIONS, ADDRESS_SUFFIX, AGENCY_FIELDS, PERSON_SUFFIXES, TITLE_SUFFIX
from macros_py.documents.docxzip import PackageWriter
from macros_py.ledger.schema import SETTINGS, Kind, SheetSpec
from macros_py.ledger.values import fmt_date
from macros_py.ledger.values import long_date as vn_long_date

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NL_PARAGRAPH = re.compile(r"\n<w:p([ >])")
_PARAGRAPH = re.compile(r"<w:p([ >])")
_LISTING = re.compile("[\t\a\n\f]")
# characters XML 1.0 cannot hold (tab and line feed are kept: docxtpl turns them into tabs and breaks)
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_JINJA = re.compile(r"\{[{%#]")


class MergeError(Exception):
    """A template cannot be used or a document cannot be made; the message is Vietnamese."""


# ---------------------------------------------------------------- values and filters


class VnDate(date):
    """A date that prints as dd/mm/yyyy, so `{{ receipt_date }}` reads right in a decision."""

    __slots__ = ()

    def __str__(self) -> str:
        return fmt_date(self)

    @classmethod
    def of(cls, d: date) -> VnDate:
        return cls(d.year, d.month, d.day)


def long_date(value: Any) -> str:
    """«ngày 05 tháng 8 năm 2024»: day < 10 and months 1-2 take a leading zero (Decree 30/2020)."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return "" if value is None else str(value)
    return vn_long_date(value)


def short_date(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return "" if value is None else str(value)
    return fmt_date(value)


def _items(value: Any) -> list[str]:
    """Several offences or articles typed in one cell, separated by «;» or line breaks."""
    return [p.strip() for p in re.split(r"[;\n]+", "" if value is None else str(value)) if p.strip()]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def offences(value: Any) -> str:
    """«Trộm cắp tài sản; cố ý gây thương tích» -> «các tội “Trộm cắp tài sản” và “Cố ý gây thương tích”»."""
    names = []
    for item in _items(value):
        item = re.sub(r"^tội\s+", "", item, flags=re.IGNORECASE).strip("“”\"' ")
        names.append(f"“{item[:1].upper()}{item[1:]}”")
    if not names:
        return ""
    return ("về tội " if len(names) == 1 else "về các tội ") + _and(names)


def articles(value: Any) -> str:
    """«Điều 173; Điều 134» -> «các điều 173 và 134»; one article stays as typed."""
    items = _items(value)
    if len(items) <= 1:
        return items[0] if items else ""
    numbers = [re.sub(r"^điều\s+", "", i, flags=re.IGNORECASE) for i in items]
    return "các điều " + _and(numbers)


_NBSP = "\u00a0"
_NAME_BREAK = re.compile(r"^(VIỆN KIỂM SÁT NHÂN DÂN|TÒA ÁN NHÂN DÂN)\s+(.+)$")


_WJ = "\u2060"  # word joiner: no line break after the hyphen of «KHU VỰC 1 - HẢI PHÒNG»


def _unbreakable(text: str) -> str:
    """A group of words that no line break may split (non-breaking spaces, a joined hyphen)."""
    parts = re.split(r"\s+-\s+", " ".join(text.split()))
    return (_NBSP + "-" + _WJ + _NBSP).join(p.replace(" ", _NBSP) for p in parts)


def unit_lines(value: Any) -> str:
    """A unit's name for the header block: «VIỆN KIỂM SÁT NHÂN DÂN» on its own line and the rest
    never broken inside a word group («… KHU VỰC 1 - HẢI PHÒNG» does not become «HẢI / PHÒNG»)."""
    text = " ".join(str(value or "").split())
    m = _NAME_BREAK.match(text)
    if m and len(text) > 28:
        return _unbreakable(m.group(1)) + "\n" + _unbreakable(m.group(2))
    return _unbreakable(text)


def unit_inline(value: Any) -> str:
    """A unit's name inside a line of text: it may wrap only after «NHÂN DÂN»."""
    text = " ".join(str(value or "").split())
    m = _NAME_BREAK.match(text)
    return _unbreakable(m.group(1)) + " " + _unbreakable(m.group(2)) if m else _unbreakable(text)


# administrative words a unit's name writes in lower case inside a sentence («thành phố Hải Phòng»)
_UNIT_WORDS = ("CẤP CAO TẠI", "THÀNH PHỐ", "KHU VỰC", "TỐI CAO", "CẤP CAO", "THỊ XÃ", "TỈNH", "HUYỆN", "QUẬN")


def unit_prose(value: Any) -> str:
    """A unit's name as a sentence writes it: «VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ HẢI PHÒNG» ->
    «Viện kiểm sát nhân dân thành phố Hải Phòng» (the Cấu hình sheet keeps it upper case for the
    header). A name not wholly upper case is left as typed."""
    text = " ".join(str(value or "").split())
    if not text or text != text.upper():
        return text
    m = _NAME_BREAK.match(text)
    head, rest = (m.group(1).capitalize(), m.group(2)) if m else ("", text)
    words, out = rest.split(), []
    while words:
        phrase = next((p for p in _UNIT_WORDS if words[:len(p.split())] == p.split()), None)
        if phrase:
            out.append(phrase.lower())
            words = words[len(phrase.split()):]
        elif words[0] == "-" or any(c.isdigit() for c in words[0]):
            out.append(words.pop(0))
        else:  # the place name to the end, or to the next hyphen
            stop = words.index("-") if "-" in words else len(words)
            out += [w.capitalize() for w in words[:stop]]
            words = words[stop:]
    return " ".join(([head] if head else []) + out)


_LONE_DIGIT = re.compile(r"(?<![\d.,/])(\d)(\s+(?:năm|tháng|ngày|giờ)\b)")


def padded(value: Any) -> str:
    """«2 năm tù» -> «02 năm tù»: a one-digit count of years, months, days or hours takes a leading
    zero, as the ngành writes it («02 năm», «09 tháng»); other numbers stay as typed."""
    return _LONE_DIGIT.sub(r"0\1\2", "" if value is None else str(value))


FILTERS = {"padded": padded, "long_date": long_date, "short_date": short_date, "offences": offences, "articles": articles,
           "unit_lines": unit_lines, "unit_inline": unit_inline, "unit_prose": unit_prose}


def make_env() -> Environment:
    """The Jinja environment for decision templates: autoescape on, with the date filters."""
    env = Environment(autoescape=True)
    env.filters.update(FILTERS)
    return env


def clean_text(text: str) -> str:
    """Drop what XML cannot carry; Excel's line breaks stay (they become line breaks in Word)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text)


def context_value(value: Any) -> Any:
    """A typed ledger value as the merge context holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime):
        return VnDate.of(value.date())
    if isinstance(value, date):
        return VnDate.of(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (tuple, list)):
        return "; ".join(str(context_value(v)) for v in value)
    return clean_text(str(value))


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- which fields a template needs


def _names(node: nodes.Node) -> set[str]:
    return {n.name for n in node.find_all(nodes.Name)} | ({node.name} if isinstance(node, nodes.Name) else set())


def _required(node: nodes.Node, guarded: frozenset[str], out: set[str]) -> None:
    """Names used outside a test of themselves: `{% if x %}{{ x }}{% endif %}` and
    `{{ x|default('') }}` make x optional."""
    if isinstance(node, (nodes.If, nodes.CondExpr)):
        inner = guarded | _names(node.test)
        branches = (node.body, node.elif_) if isinstance(node, nodes.If) else ([node.expr1],)
        for branch in branches:
            for child in branch:
                _required(child, inner, out)
        rest = node.else_ if isinstance(node, nodes.If) else ([node.expr2] if node.expr2 else [])
        for child in rest:
            _required(child, guarded, out)
        return
    if isinstance(node, nodes.Filter) and node.name == "default":
        return
    if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in guarded and all(
            node.name.removesuffix(s) not in guarded for s in PERSON_SUFFIXES):  # a person's title goes with them
        out.add(node.name)
    for child in node.iter_child_nodes():
        _required(child, guarded, out)


def template_fields(env: Environment, source: str) -> tuple[frozenset[str], frozenset[str]]:
    """(every field the template uses, the fields it cannot do without)."""
    ast = env.parse(source)
    used = meta.find_undeclared_variables(ast)
    required: set[str] = set()
    _required(ast, frozenset(), required)
    return frozenset(used), frozenset(required & used)


# ---------------------------------------------------------------- the compiled template


CORE_PART = "docProps/core.xml"
_CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{author}</dc:creator>'
    '<cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision><dc:language>vi-VN</dc:language>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified></cp:coreProperties>')


def core_properties_xml(context: Mapping[str, Any]) -> bytes:
    """The document's own properties: title and subject of the decision, author the issuing unit,
    created on the decision's date (never the template's)."""
    from xml.sax.saxutils import escape

    day = context.get("decision_date")
    created = f"{day:%Y-%m-%d}T00:00:00Z" if isinstance(day, date) else "2000-01-01T00:00:00Z"
    number = str(context.get("decision_no") or "")
    title = f"Quyết định số {number}: {context.get('title', '')}" if number else str(context.get("title", ""))
    return _CORE_XML.format(title=escape(clean_text(title)), subject=escape(clean_text(str(context.get("title", "")))),
                            author=escape(clean_text(str(context.get("unit_name", "")))),
                            created=created).encode("utf-8")


class _Ids:
    docx_ids_index = 1000


def _well_formed(xml: str, where: str) -> None:
    try:
        etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        raise MergeError(f"kết quả trộn {where} không phải XML hợp lệ ({exc}); mẫu có thẻ Jinja đặt sai "
                         "chỗ (ví dụ {%p ... %} không đứng riêng một đoạn).") from None


def _render(template: Template, context: Mapping[str, Any]) -> str:
    """docxtpl's render_xml_part after Jinja: paragraph newlines out, escaped braces back, listing."""
    xml = template.render(context)
    xml = _NL_PARAGRAPH.sub(r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if _LISTING.search(xml):
        xml = DocxTemplate.resolve_listing(None, xml)  # does not use self; a no-op without \t\a\n\f
    return xml


class CompiledTemplate:
    """A docxtpl template parsed and compiled once, for rendering many documents."""

    def __init__(self, path: str | Path, env: Environment | None = None):
        self.path = Path(path)
        self.env = env or make_env()
        self.env.autoescape = True
        data = self.path.read_bytes()
        try:
            tpl = DocxTemplate(io.BytesIO(data))
            tpl.init_docx()
        except Exception as exc:  # not a zip, not a Word document
            raise MergeError(f"mẫu «{self.path.name}» không phải tệp Word .docx đọc được ({type(exc).__name__}).") \
                from None
        docx = tpl.docx
        self._root = docx.element
        self._body = self._root.find(f"{{{W_NS}}}body")
        sources: list[str] = []
        try:
            body_src = _PARAGRAPH.sub(r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
            sources.append(body_src)
            self._body_template = self.env.from_string(body_src)
            # headers and footers, rendered as docxtpl does; constant ones once
            self._parts: dict[str, Template] = {}
            self._encodings: dict[str, str] = {}
            self._constant: dict[str, bytes] = {}
            for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
                for _key, part in tpl.get_headers_footers(uri):
                    xml = tpl.get_part_xml(part)
                    encoding = tpl.get_headers_footers_encoding(xml)
                    src = _PARAGRAPH.sub(r"\n<w:p\1", tpl.patch_xml(xml))
                    name = part.partname.lstrip("/")
                    template = self.env.from_string(src)
                    if _JINJA.search(src):
                        sources.append(src)
                        self._parts[name], self._encodings[name] = template, encoding
                    else:
                        self._constant[name] = self._finish_part(_render(template, {}), encoding, name)
        except TemplateError as exc:
            raise MergeError(f"mẫu «{self.path.name}» có thẻ Jinja sai: {exc}.") from None
        self._check_unsupported(docx)
        self.fields, self.required = template_fields(self.env, "".join(sources))
        self.document_part = docx.part.partname.lstrip("/")
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        self._core = CORE_PART in names
        replaced = (self.document_part, *self._parts, *self._constant, *((CORE_PART,) if self._core else ()))
        self._writer = PackageWriter(data, replaced)

    def _check_unsupported(self, docx: Any) -> None:
        props = docx.core_properties
        for prop in ("author", "comments", "identifier", "language", "subject", "title"):
            if _JINJA.search(getattr(props, prop) or ""):
                raise MergeError(f"mẫu «{self.path.name}»: thuộc tính tệp «{prop}» chứa thẻ Jinja; "
                                 "kiemsat chỉ trộn nội dung, đầu trang và chân trang.")
        for part in docx.part.package.parts:
            if part.content_type.endswith(".footnotes+xml") and _JINJA.search(part.blob.decode("utf-8", "replace")):
                raise MergeError(f"mẫu «{self.path.name}»: chú thích cuối trang chứa thẻ Jinja, chưa hỗ trợ.")

    def _finish_part(self, xml: str, encoding: str, name: str) -> bytes:
        _well_formed(xml, f"«{name}» của mẫu «{self.path.name}»")
        return serialize_part_xml(parse_xml(xml.encode(encoding)))

    # -- rendering

    def render_body(self, context: Mapping[str, Any]) -> etree._Element:
        """The rendered <w:body> element, as docxtpl builds it before saving."""
        xml = _render(self._body_template, context)
        _well_formed(xml, f"của mẫu «{self.path.name}»")
        tree = DocxTemplate.fix_tables(None, xml)  # does not use self
        if "docPr" in xml:
            DocxTemplate.fix_docpr_ids(_Ids(), tree)
        return tree

    def serialize_body(self, body: etree._Element) -> bytes:
        """word/document.xml with `body` in place of the template's body."""
        self._root.replace(self._body, body)
        self._body = body
        return serialize_part_xml(self._root)

    def render_document_xml(self, context: Mapping[str, Any]) -> bytes:
        return self.serialize_body(self.render_body(context))

    def render_parts(self, context: Mapping[str, Any]) -> dict[str, bytes]:
        parts = {self.document_part: self.render_document_xml(context)}
        for name, template in self._parts.items():
            parts[name] = self._finish_part(_render(template, context), self._encodings[name], name)
        parts.update(self._constant)
        if self._core:
            parts[CORE_PART] = core_properties_xml(context)
        return parts

    def write(self, context: Mapping[str, Any], out: BinaryIO) -> None:
        """Render one document into the binary file `out`."""
        self._writer.write(out, self.render_parts(context))

    def render_bytes(self, context: Mapping[str, Any]) -> bytes:
        buf = io.BytesIO()
        self.write(context, buf)
        return buf.getvalue()

    def write_combined(self, contexts: Iterable[Mapping[str, Any]], out: BinaryIO) -> int:
        """One document holding every rendered decision, each in its own section (so each starts
        on a new page and, with <w:pgNumType w:start="1"/> in the template, restarts its page
        numbers). Headers and footers are those of the first context. Returns the count."""
        sect_tag = f"{{{W_NS}}}sectPr"
        combined = None
        first: Mapping[str, Any] | None = None
        count = 0
        for context in contexts:
            body = self.render_body(context)
            first = first or context
            count += 1
            if combined is None:
                combined = body
                continue
            last_sect = combined[-1] if len(combined) and combined[-1].tag == sect_tag else None
            if last_sect is not None:
                # the previous document's final section becomes a section break paragraph
                p = etree.SubElement(combined, f"{{{W_NS}}}p")
                ppr = etree.SubElement(p, f"{{{W_NS}}}pPr")
                ppr.append(last_sect)  # moves it
            for child in list(body):
                combined.append(child)
        if combined is None or first is None:
            raise MergeError("không có quyết định nào để gộp.")
        parts = self.render_parts(first)
        parts[self.document_part] = self.serialize_body(combined)
        self._writer.write(out, parts)
        return count


def naive_render(path: str | Path, context: Mapping[str, Any], out: str | Path | BinaryIO) -> None:
    """The plain docxtpl way, for comparison: new template, render, save."""
    tpl = DocxTemplate(str(path))
    tpl.render(dict(context), jinja_env=make_env(), autoescape=True)
    tpl.save(out)


# ---------------------------------------------------------------- the context of a ledger row


def expand_agency(name: str, agencies: Mapping[str, str] | None = None) -> str:
    """An agency's name as a decision writes it: the full name from the Danh mục «Cơ quan» (by
    its short form, or a short form it starts with), then the usual abbreviations written out."""
    text = " ".join(name.split())
    if agencies:
        folded = {k.casefold(): v for k, v in agencies.items()}
        if text.casefold() in folded:
            return folded[text.casefold()]
        for short in sorted(folded, key=len, reverse=True):
            if text.casefold().startswith(short + " "):
                return folded[short] + text[len(short):]
    for short, full in ABBREVIATIONS:
        text = re.sub(rf"(?<!\w){short}(?!\w)", full, text)
    return re.sub(r"\bCơ quan (Cơ quan)\b", r"\1", text)  # «Cơ quan CQĐT» typed in full


def row_context(spec: SheetSpec, values: Mapping[str, Any], staff_titles: Mapping[str, str],
                addresses: Mapping[str, str] | None = None,
                agencies: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every column of the row's sheet by schema key; for each staff column the person's title
    from Cán bộ (`prosecutor_title`, falling back to the column's own label) and form of address
    (`prosecutor_address`: «ông» / «bà», empty when Cán bộ has none); agency names written out."""
    context: dict[str, Any] = {}
    for col in spec.columns:
        value = context_value(values.get(col.key))
        if col.key in AGENCY_FIELDS and isinstance(value, str) and value:
            value = expand_agency(value, agencies)
        context[col.key] = value
        if col.kind is Kind.STAFF:
            context[col.key + TITLE_SUFFIX] = "" if is_empty(value) else staff_titles.get(value, col.label)
            address = (addresses or {}).get(value, "") if not is_empty(value) else ""
            context[col.key + ADDRESS_SUFFIX] = address.lower()
    return context


def settings_context(settings: Mapping[str, Any]) -> dict[str, Any]:
    return {s.key: context_value(settings.get(s.key, s.default)) for s in SETTINGS}
