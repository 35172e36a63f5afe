"""Optical character recognition through Tesseract with its Vietnamese model, when installed.

Offline and on the CPU: the `tesseract` program (Debian `tesseract-ocr` + `tesseract-ocr-vie`; on Windows the
UB Mannheim installer with «Vietnamese» ticked) is run as a subprocess, one page image at a time. A scanned PDF
is turned into page images by poppler's `pdftoppm` when present, else from the images the PDF holds (a scan is
one image a page). Without Tesseract or without its Vietnamese model, `IntakeError` says what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from macros_py.intake.errors import IntakeError

TIMEOUT = 300  # seconds per page: a 300 dpi A4 page takes a few seconds on an office PC
DPI = 300
_WINDOWS_PATHS = (r"C:\Program Files\Tesseract-OCR\tesseract.exe", r"C:\Program Files (x86)\Tesseract-OCR\tesseract.exe")

INSTALL_HINT = ("Cần cài Tesseract OCR kèm dữ liệu tiếng Việt: trên Windows dùng bộ cài Tesseract của UB Mannheim "
                "và đánh dấu «Vietnamese» ở mục Additional language data; trên Debian/Ubuntu chạy "
                "«sudo apt install tesseract-ocr tesseract-ocr-vie». Hoặc mở tệp gốc (.docx, PDF có chữ) thay cho bản quét.")


def tesseract_path() -> str | None:
    found = os.environ.get("KIEMSAT_TESSERACT") or shutil.which("tesseract")
    if found:
        return found
    return next((p for p in _WINDOWS_PATHS if Path(p).is_file()), None)


def languages(exe: str) -> set[str]:
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip() for line in (out.stdout + out.stderr).splitlines()[1:] if line.strip()}


def ocr_available() -> str | None:
    """Why OCR cannot run here (Vietnamese), or None when it can."""
    exe = tesseract_path()
    if exe is None:
        return "máy này chưa cài Tesseract OCR. " + INSTALL_HINT
    if "vie" not in languages(exe):
        return "Tesseract đã cài nhưng thiếu dữ liệu tiếng Việt (vie). " + INSTALL_HINT
    return None


def _require(what: str) -> str:
    reason = ocr_available()
    if reason:
        raise IntakeError(f"{what} là bản quét (ảnh, không có lớp chữ) nên phải nhận dạng chữ (OCR), nhưng {reason}")
    exe = tesseract_path()
    assert exe is not None
    return exe


def ocr_image(image: Path, what: str) -> str:
    exe = _require(what)
    try:
        out = subprocess.run([exe, str(image), "stdout", "-l", "vie", "--psm", "4"], capture_output=True,
                             timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise IntakeError(f"nhận dạng chữ {what} quá {TIMEOUT} giây, đã dừng.") from None
    except OSError as exc:
        raise IntakeError(f"không chạy được Tesseract ({exc}). " + INSTALL_HINT) from None
    if out.returncode != 0:
        err = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise IntakeError(f"Tesseract không đọc được {what}: {err[-1] if err else out.returncode}.")
    return out.stdout.decode("utf-8", "replace")


def _pdf_pages_as_images(pdf: Path, folder: Path) -> list[Path]:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run([pdftoppm, "-r", str(DPI), "-png", str(pdf), str(folder / "p")], capture_output=True,
                       timeout=TIMEOUT, check=True)
        return sorted(folder.glob("p*.png"))
    from pypdf import PdfReader

    images: list[Path] = []
    for i, page in enumerate(PdfReader(str(pdf)).pages):
        for j, img in enumerate(page.images):
            target = folder / f"p{i:04d}-{j}{Path(img.name).suffix or '.png'}"
            target.write_bytes(img.data)
            images.append(target)
    return images


def ocr_pdf(pdf: Path, what: str) -> str:
    _require(what)
    with tempfile.TemporaryDirectory(prefix="kiemsat-ocr-") as tmp:
        try:
            images = _pdf_pages_as_images(pdf, Path(tmp))
        except (OSError, subprocess.SubprocessError) as exc:
            raise IntakeError(f"không tách được trang của {what} thành ảnh để nhận dạng chữ ({exc}).") from None
        if not images:
            raise IntakeError(f"{what} không có chữ và cũng không có ảnh trang nào để nhận dạng.")
        return "\n\f".join(ocr_image(p, what) for p in images)
