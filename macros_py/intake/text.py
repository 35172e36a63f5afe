"""A document's text, whatever its format: .docx, PDF with a text layer, plain text, pasted text (stdin), and
scans (PDF without text, images) through OCR (`ocr.py`). Old .doc files, encrypted PDFs and unknown formats are
refused with a Vietnamese message."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from macros_py.intake import ocr
from macros_py.intake.errors import IntakeError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")
TEXT_SUFFIXES = (".txt", ".text", "")
MIN_CHARS_PER_PAGE = 40  # fewer characters than this a page: the PDF is a scan
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Source:
    text: str
    format: str  # "txt", "docx", "pdf", "ocr"
    name: str  # the file's name, or «văn bản dán vào» for stdin

    @property
    def ocr(self) -> bool:
        return self.format == "ocr"


def _decode(data: bytes, what: str) -> str:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")  # Vietnamese Windows code page (Notepad's «ANSI»)
    except UnicodeDecodeError:
        raise IntakeError(f"{what} không phải văn bản mã UTF-8; hãy lưu lại bằng Notepad, chọn Encoding «UTF-8».") from None


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " "))


def _docx_text(data: bytes, what: str) -> str:
    import zipfile

    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IntakeError(f"{what} không phải tệp Word .docx hợp lệ ({exc}).") from None
    lines: list[str] = []

    def walk(parent) -> None:  # noqa: ANN001 - a python-docx block container
        for block in parent.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                for row in block.rows:
                    seen: set[int] = set()
                    for cell in row.cells:  # merged cells repeat: once each
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)
    walk(doc)
    return "\n".join(lines)


def _pdf_text(path: Path, data: bytes, what: str) -> Source:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many PDFs carry only an owner password: readable as is
            except Exception:  # noqa: BLE001 - pypdf raises several types for ciphers it lacks
                opened = 0
            if not opened:
                raise IntakeError(f"{what} là PDF có mật khẩu (mã hóa) nên kiemsat không đọc được. Hãy xin bản "
                                  "không đặt mật khẩu, hoặc mở tệp bằng mật khẩu rồi in ra PDF mới (Microsoft Print "
                                  "to PDF) và nạp tệp đó.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise IntakeError(f"{what} không phải PDF đọc được ({exc}).") from None
    text = "\n".join(pages)
    if len(text.strip()) >= MIN_CHARS_PER_PAGE * max(len(pages), 1) // 2:
        return Source(nfc(text), "pdf", path.name)
    return Source(nfc(ocr.ocr_pdf(path, what)), "ocr", path.name)


def read_source(path: str | Path, stdin: BinaryIO | None = None) -> Source:
    """The text of the document at `path` («-»: read from `stdin`). Raises IntakeError."""
    if str(path) == "-":
        if stdin is None:
            raise IntakeError("không có văn bản dán vào (stdin trống).")
        text = _decode(stdin.read(MAX_BYTES), "văn bản dán vào")
        return Source(nfc(text), "txt", "văn bản dán vào")
    path = Path(path)
    what = f"tệp «{path.name}»"
    if not path.is_file():
        raise IntakeError(f"không thấy {what} ở «{path.parent}».")
    suffix = path.suffix.lower()
    if path.stat().st_size > MAX_BYTES:
        raise IntakeError(f"{what} lớn quá {MAX_BYTES // 1024 // 1024} MB, không phải một văn bản tố tụng.")
    data = path.read_bytes()
    if suffix == ".docx" or (suffix not in (".pdf", *IMAGE_SUFFIXES) and data[:2] == b"PK"):
        return Source(nfc(_docx_text(data, what)), "docx", path.name)
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        return _pdf_text(path, data, what)
    if suffix in IMAGE_SUFFIXES:
        return Source(nfc(ocr.ocr_image(path, what)), "ocr", path.name)
    if suffix == ".doc" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IntakeError(f"{what} là tệp Word cũ (.doc). Hãy mở bằng Word, chọn File > Save As > «Word Document "
                          "(*.docx)» rồi nạp tệp .docx.")
    if suffix in TEXT_SUFFIXES or suffix in (".csv", ".md"):
        return Source(nfc(_decode(data, what)), "txt", path.name)
    raise IntakeError(f"kiemsat không đọc được tệp dạng {suffix} ({what}); cần .docx, .pdf, .txt hoặc ảnh quét "
                      "(.png, .jpg, .tif).")
