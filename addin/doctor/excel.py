"""The ribbon's «Kiểm tra cài đặt»: the doctor's lines in one message box, from inside the press
(so the COM server itself is proven to work: Excel reached Python)."""

from __future__ import annotations

import sys
from typing import Any


def run(book: Any, ui: Any) -> None:
    from addin.doctor.checks import BLOCK, SKIP, WARN, Machine, run_checks
    from macros_py import __version__

    ledger = None
    if book is not None:
        for get in (lambda: book.api.FullName, lambda: book.fullname):  # Excel's own name first (a web address)
            try:
                ledger = str(get()) or None
                break
            except Exception:  # XlwingsError on OneDrive, a remote book's dict...
                continue
    machine = Machine.current()
    machine.call_server = None  # this press is the round trip: a second COM call into this busy server would hang
    lines = [ln for ln in run_checks(machine, ledger=ledger) if ln.state != SKIP]
    head = f"Excel đã gọi được Python: {sys.executable}, kiemsat {__version__}."
    text = "\n".join([head] + [ln.render() for ln in lines])
    if any(ln.state == BLOCK for ln in lines):
        ui.error(text)
    elif any(ln.state == WARN for ln in lines):
        ui.warning(text)
    else:
        ui.info(text)
