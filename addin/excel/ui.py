"""What a handler shows the clerk in Excel: the status bar for progress, a message box for
results, warnings and errors. Messages are Vietnamese. Every message is also kept in `log`, so
tests (and the remote engine, which has no status bar) can see what the clerk would have seen.

`deferred`: message boxes are not opened from Python but collected (`alerts`) and returned to the
add-in's VBA, which shows them in front of Excel (the COM server's way, `comserver.py`)."""

from __future__ import annotations

from typing import Any

TITLE = "Kiểm sát"
ALERT_KINDS = ("info", "warning", "error")


class HandlerError(Exception):
    """An expected failure (no ledger in this workbook, nothing selected...): its message,
    one Vietnamese sentence, is shown as is in a message box."""


class ExcelUI:
    def __init__(self, book: Any, app: Any = None, deferred: bool = False):
        self.book = book
        self._app = app
        self.deferred = deferred
        self.log: list[tuple[str, str]] = []  # (kind, text): kind is status, info, warning or error

    @property
    def app(self) -> Any:
        if self._app is None and self.book is not None:
            self._app = self.book.app
        return self._app

    def status(self, text: str) -> None:
        """Show progress on Excel's status bar (ignored where there is none)."""
        self.log.append(("status", text))
        try:
            self.app.status_bar = f"{TITLE}: {text}"
        except Exception:  # the remote engine has no status bar; never fail over progress
            pass

    def progress(self, done: int, total: int, what: str) -> None:
        self.status(f"{what} {done}/{total}…")

    def clear_status(self) -> None:
        try:
            self.app.status_bar = False
        except Exception:
            pass

    def info(self, text: str) -> None:
        self._alert(text, "info")

    def warning(self, text: str) -> None:
        self._alert(text, "warning")

    def error(self, text: str) -> None:
        self._alert(text, "error")

    def _alert(self, text: str, kind: str) -> None:
        self.log.append((kind, text))
        if self.deferred:
            return
        try:
            app = self.app
        except Exception:
            app = None
        if app is None:
            return  # nothing to show it on (a press without a workbook): kept in the log
        app.alert(text, title=TITLE, mode="critical" if kind != "info" else "info")

    def messages(self, kind: str | None = None) -> list[str]:
        return [t for k, t in self.log if kind is None or k == kind]

    def alerts(self) -> list[tuple[str, str]]:
        """The message boxes of this press, in order (what VBA shows in deferred mode)."""
        return [(k, t) for k, t in self.log if k in ALERT_KINDS]

    def last_status(self) -> str | None:
        return next((t for k, t in reversed(self.log) if k == "status"), None)
