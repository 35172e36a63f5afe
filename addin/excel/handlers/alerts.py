"""Gửi cảnh báo ngay: run the daily alert job now, for the workbook open in Excel.

The ledger is read from the live workbook (`addin.excel.livebook`), so rows typed but not yet saved
are planned too, and handed to the alert service as read (`mailer.service.run_ledgers`): the
workbook is never saved behind the clerk's back and its file is not read. The workbook must
have been saved once, though: its file path is the ledger's identity in the outbox (the daily
service reading that file shares the same alerts, so what the button sent is not sent again at
07:00, and the reverse), and without a configuration the outbox lives beside it.

Where messages go: the alert configuration (`mailer.config.load_config`, default location
%APPDATA%\\kiemsat\\canh-bao.toml or $KIEMSAT_ALERTS_CONFIG) when it exists: its transport
(SMTP or .eml folder) and its outbox database; with no configuration file, .eml files into the
folder «thu-canh-bao» beside the workbook and the outbox «canh-bao.sqlite3» beside it (the
defaults of `AlertConfig` for that folder). Pressing again the same day sends nothing new.

Unsaved edits count: an alert planned from a row the clerk then discards without saving has
been sent all the same (as with any message); the next run no longer plans it.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

from addin.excel.ui import ExcelUI, HandlerError

SHOWN_IN_BOX = 14  # lines of the job's report shown in the message box


def _today() -> date:
    return date.today()


def book_path(book: Any) -> Path:
    """The workbook's file on this PC (`bookpath.ledger_file`: OneDrive's web addresses resolved to the
    synced copy when there is one); HandlerError for a workbook never saved or with no copy on this PC."""
    from addin.excel.bookpath import ledger_file

    return ledger_file(book, "kiemsat không biết sổ nằm ở đâu (đường dẫn tệp là căn cứ để không gửi trùng thư "
                             "cảnh báo)")


def summary(result: Any, config: Any, path: Path) -> str:
    """The message box's text (Vietnamese): the job's own report, shortened, and where mail went."""
    lines = result.lines()
    if len(lines) > SHOWN_IN_BOX:
        more = len(lines) - SHOWN_IN_BOX
        lines = [*lines[:SHOWN_IN_BOX], f"… và {more} dòng nữa (xem đủ bằng lệnh «kiemsat alerts run-once»)."]
    if result.sent and result.outbox_dir is not None:
        lines.append("Chưa cấu hình máy chủ thư: thư được ghi thành tệp .eml, mở bằng Outlook hoặc Thunderbird để "
                     "gửi đi.")
    if config.path is not None and config.ledgers and path not in {p.resolve() for p in config.ledgers}:
        lines.append(f"Lưu ý: sổ này chưa có trong danh sách «ledgers» của tệp cấu hình «{config.path}», nên dịch "
                     "vụ gửi hằng ngày chưa theo dõi sổ này.")
    return "\n".join(lines)


def run(book: Any, ui: ExcelUI) -> None:
    from addin.excel.livebook import read_book
    from macros_py.ledger.schema import LEDGER_SHEETS
    from mailer.config import AlertConfig, ConfigError, load_config
    from mailer.service import run_ledgers

    path = book_path(book)
    try:
        config = load_config()
    except ConfigError as exc:
        raise HandlerError(f"Tệp cấu hình cảnh báo có lỗi: {exc}") from None
    if config.path is None:  # no configuration: the .eml outbox and its database beside the workbook
        config = AlertConfig(None, path.parent)
    ui.status("đang đọc sổ…")
    ledger = read_book(book, progress=ui.progress)
    if not any(d.spec.has_deadlines for d in ledger.sheets.values()):
        wanted = ", ".join(f"«{s.title}»" for s in LEDGER_SHEETS if s.has_deadlines)
        raise HandlerError(f"Sổ «{book.name}» không có sheet nào có thời hạn tố tụng (cần các sheet như {wanted}). "
                           "Hãy mở đúng sổ theo dõi rồi bấm lại.")
    ledger = dataclasses.replace(ledger, path=path)  # the file's identity, as the daily service reads it
    ui.status("đang gửi thư cảnh báo…")
    try:
        result = run_ledgers([ledger], _today(), config=config)
    except ConfigError as exc:  # SMTP without a password, ...
        raise HandlerError(f"Chưa gửi được cảnh báo: {exc}") from None
    except OSError as exc:  # the outbox folder or database cannot be written
        from addin.commands.output import describe_os_error

        raise HandlerError(f"Chưa gửi được cảnh báo: {describe_os_error(exc, config.outbox_dir)}") from None
    ui.info(summary(result, config, path))
