"""What a handler shows the clerk in Excel: the status bar for progress, a message box for
results and errors. Messages are Vietnamese. Every message is also kept in `log`, so tests
(and the remote engine, which has no status bar) can see what the clerk would have seen."""

from __future__ import annotations

from typing import Any

TITLE = "Kiểm sát"


class HandlerError(Exception):
    """An expected failure (no ledger in this workbook, nothing selected...): its message,
    one Vietnamese sentence, is shown as is in a message box."""


class ExcelUI:
    def __init__(self, book: Any):
        self.book = book
        self.log: list[tuple[str, str]] = []  # (kind, text): kind is status, info or error

    def status(self, text: str) -> None:
        """Show progress on Excel's status bar (ignored where there is none)."""
        self.log.append(("status", text))
        try:
            self.book.app.status_bar = f"{TITLE}: {text}"
        except Exception:  # the remote engine has no status bar; never fail over progress
            pass

    def progress(self, done: int, total: int, what: str) -> None:
        self.status(f"{what} {done}/{total}…")

    def clear_status(self) -> None:
        try:
            self.book.app.status_bar = False
        except Exception:
            pass

    def info(self, text: str) -> None:
        self._alert(text, "info")

    def error(self, text: str) -> None:
        self._alert(text, "critical")

    def _alert(self, text: str, mode: str) -> None:
        self.log.append(("error" if mode == "critical" else "info", text))
        self.book.app.alert(text, title=TITLE, mode=mode)

    def messages(self, kind: str | None = None) -> list[str]:
        return [t for k, t in self.log if kind is None or k == kind]
