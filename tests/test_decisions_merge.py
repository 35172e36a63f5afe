"""Decision templates and the fast renderer: the committed templates are what the builder makes,
every template's fields come from the schema, and the fast renderer writes the same
word/document.xml as docxtpl, hostile values included."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
import pytest
from jinja2 import Environment
from lxml import etree

from macros_py.decisions.decision_types import (
    DECISION_TYPES,
    DECISION_TYPES_BY_KEY,
    template_path,
)
from macros_py.decisions.merge import (
    CompiledTemplate,
    MergeError,
    VnDate,
    clean_text,
    long_date,
    naive_render,
    row_context,
    settings_context,
    short_date,
    template_fields,
)
from macros_py.ledger.schema import SETTINGS
from macros_py.sample import sample_rows
from workbook_templates.decisions import TEMPLATES_DIR, build_all

HOSTILE = {
    "markup": "<w:p>Nguyễn & <b>Văn</b> \"An\" 'x' </w:t></w:r>",
    "braces": "{{ unit_name }} {% if x %} }} {# c #}",  # docxtpl turns a literal "{_{" into "{{"
    "long": "Trộm cắp tài sản " * 300,  # ~5,000 characters
    "control": "Lê\x00Văn\x07Bình\x0c\x1b",
    "lines": "dòng một\ndòng hai\tcột",
}


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml")}


def _contexts(dtype, n: int = 3, overrides: dict | None = None) -> list[dict]:
    data = sample_rows(max(n, 5), seed=11, today=date(2026, 3, 16))
    staff = {s["name"]: s["title"] for s in data["can_bo"]}
    rows = [r for r in data[dtype.sheet]
            if not dtype.only_when or r.get(dtype.only_when[0]) in dtype.only_when[1]] or data[dtype.sheet]
    out = []
    for i in range(n):
        row = dict(rows[i % len(rows)], **(overrides or {}))
        ctx = {**settings_context({s.key: s.default for s in SETTINGS}), **row_context(dtype.spec, row, staff)}
        ctx.update(number=i + 1, symbol="QĐ-VKSKV1", decision_no=f"{i + 1}/QĐ-VKSKV1", title=dtype.title,
                   decision_date=VnDate(2026, 2, 5), signer_name="Trần Văn Bình", signer_title="PHÓ VIỆN TRƯỞNG",
                   signer_on_behalf="KT. VIỆN TRƯỞNG" if i % 2 == 0 else "")
        out.append(ctx)
    return out


def test_committed_templates_are_what_the_builder_makes(tmp_path):
    rebuilt = build_all(tmp_path)
    committed = sorted(p.relative_to(TEMPLATES_DIR) for p in TEMPLATES_DIR.glob("*/*.docx"))
    assert sorted(p.relative_to(tmp_path) for p in rebuilt) == committed
    for path in rebuilt:
        assert _parts(path) == _parts(TEMPLATES_DIR / path.relative_to(tmp_path)), \
            "run: python -m workbook_templates.decisions"


def test_each_type_is_defined_once_and_has_its_template():
    assert len({t.key for t in DECISION_TYPES}) == len({t.template for t in DECISION_TYPES}) == len(DECISION_TYPES) >= 6
    for dtype in DECISION_TYPES:
        compiled = CompiledTemplate(template_path(dtype))
        assert compiled.fields <= dtype.provided_fields(), dtype.key
        assert {"unit_name", "parent_unit", "place", "decision_no", "signer_name"} <= compiled.fields
        assert dtype.writeback[0] in dtype.spec.keys and dtype.writeback[1] in dtype.spec.keys


def test_templates_have_the_official_layout():
    doc = docx.Document(str(template_path(DECISION_TYPES_BY_KEY["hinh-su"])))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size.pt in (13, 14)
    # Decree 30: the page number at the top centre, none on page 1 (and no footer at all)
    assert section.different_first_page_header_footer
    assert "PAGE" in etree.tostring(section.header._element).decode()
    assert "PAGE" not in etree.tostring(section.first_page_header._element).decode()
    assert section.footer.is_linked_to_previous  # the template has no footer part
    texts = [p.text for p in doc.paragraphs]
    assert "QUYẾT ĐỊNH" in texts and "QUYẾT ĐỊNH:" in texts
    bases = [p for p in doc.paragraphs if p.text.startswith(("Căn cứ", "Xét"))]
    assert bases and all(r.italic for p in bases for r in p.runs)
    assert [p.text.split(".")[0] for p in doc.paragraphs if p.text.startswith("Điều")] == ["Điều 1", "Điều 2", "Điều 3"]
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for needed in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Nơi nhận:",
                   "Lưu: VT, HSKS.", "{{ signer_name }}"):
        assert needed in cells


@pytest.mark.parametrize("d, text", [
    (date(2024, 8, 5), "ngày 05 tháng 8 năm 2024"),
    (date(2024, 2, 15), "ngày 15 tháng 02 năm 2024"),
    (date(2025, 1, 1), "ngày 01 tháng 01 năm 2025"),
    (date(2025, 12, 31), "ngày 31 tháng 12 năm 2025"),
    (date(2025, 3, 9), "ngày 09 tháng 3 năm 2025"),
])
def test_long_date(d, text):
    assert long_date(d) == text
    assert short_date(d) == d.strftime("%d/%m/%Y")
    assert str(VnDate.of(d)) == d.strftime("%d/%m/%Y")


def test_required_fields_skip_guarded_ones():
    src = "{{ a }}{% if b %}{{ b }}{{ b_title }}{% endif %}{{ c|default('') }}{% if d %}{{ e }}{% endif %}"
    used, required = template_fields(Environment(), src)
    assert used == {"a", "b", "b_title", "c", "d", "e"}
    assert required == {"a", "e"}


def test_clean_text_drops_what_xml_cannot_hold():
    assert clean_text("A\x00B\x07C\x0cD\r\nE\tF") == "ABCD\nE\tF"


@pytest.mark.parametrize("dtype", DECISION_TYPES, ids=lambda t: t.key)
def test_fast_renderer_matches_docxtpl(tmp_path, dtype):
    path = template_path(dtype)
    compiled = CompiledTemplate(path)
    for i, ctx in enumerate(_contexts(dtype, 3)):
        fast = tmp_path / f"fast{i}.docx"
        fast.write_bytes(compiled.render_bytes(ctx))
        slow = tmp_path / f"slow{i}.docx"
        naive_render(path, ctx, slow)
        assert _parts(fast)["word/document.xml"] == _parts(slow)["word/document.xml"]
        assert _parts(fast) == _parts(slow)  # footers too
        with zipfile.ZipFile(fast) as zf:
            assert zf.testzip() is None
        docx.Document(str(fast))  # opens


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_values_come_out_literally_and_whole(tmp_path, name):
    dtype = DECISION_TYPES_BY_KEY["hinh-su"]
    value = HOSTILE[name]
    ctx = _contexts(dtype, 1, {"offence": value, "investigating_body": value, "prosecutor": value})[0]
    path = template_path(dtype)
    data = CompiledTemplate(path).render_bytes(ctx)
    slow = tmp_path / "slow.docx"
    naive_render(path, ctx, slow)
    fast_xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    assert fast_xml == _parts(slow)["word/document.xml"]
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count("Điều ") >= 3  # nothing cut off after the value
    signature = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Trần Văn Bình" in signature and "Lưu: VT, HSKS." in signature
    expected = clean_text(value).split("\n")[0].split("\t")[0]
    assert expected.strip()[:40] in text


def test_a_broken_template_is_an_error_not_a_truncated_document(tmp_path):
    src = template_path(DECISION_TYPES_BY_KEY["tin-bao"])
    doc = docx.Document(str(src))
    doc.add_paragraph("{% if prosecutor %}")  # never closed
    bad = tmp_path / "bad.docx"
    doc.save(bad)
    with pytest.raises(MergeError, match="Jinja"):
        CompiledTemplate(bad)
    doc = docx.Document(str(src))
    doc.add_paragraph("{{ '<w:p>' | safe }}")  # markup that breaks the XML
    bad.unlink()
    doc.save(bad)
    ctx = _contexts(DECISION_TYPES_BY_KEY["tin-bao"], 1)[0]
    with pytest.raises(MergeError, match="XML"):
        CompiledTemplate(bad).render_bytes(ctx)


def test_combined_file_has_one_section_per_decision():
    dtype = DECISION_TYPES_BY_KEY["dan-su"]
    buf = io.BytesIO()
    count = CompiledTemplate(template_path(dtype)).write_combined(_contexts(dtype, 4), buf)
    assert count == 4
    document = docx.Document(io.BytesIO(buf.getvalue()))
    assert len(document.sections) == 4
    assert sum(p.text == "QUYẾT ĐỊNH" for p in document.paragraphs) == 4
    xml = zipfile.ZipFile(io.BytesIO(buf.getvalue())).read("word/document.xml")
    assert xml.count(b'w:pgNumType w:start="1"') == 4
