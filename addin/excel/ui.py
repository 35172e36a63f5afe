"""What a handler shows the clerk in Excel: the status bar for progress, a message box for
results, warnings and errors. Messages are Vietnamese. Every message is also kept in `log`, so
tests (and the remote engine, which has no status bar) can see what the clerk would have seen.

`deferred`: message boxes are not opened during the press but collected (`alerts`); the COM server
(`comserver.py`) shows them when the press ends, through `presenter` (`messages.py`: Unicode boxes
owned by Excel), which also asks the press's questions (`ask`) while it runs."""

from __future__ import annotations

from typing import Any

TITLE = "Kiểm sát"
ALERT_KINDS = ("info", "warning", "error")


class HandlerError(Exception):
    """An expected failure (no ledger in this workbook, nothing selected...): its message,
    one Vietnamese sentence, is shown as is in a message box."""


class ExcelUI:
    def __init__(self, book: Any, app: Any = None, deferred: bool = False, presenter: Any = None):
        self.book = book
        self._app = app
        self.deferred = deferred
        self.presenter = presenter  # messages.Presenter: how questions are asked (None: xlwings' alert)
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

    def ask(self, text: str) -> bool:
        """Ask the clerk Có / Không. False where nobody can answer at once: no presenter and no Excel,
        or the remote engine of Excel on the web (it sends the box but not the answer back)."""
        self.log.append(("confirm", text))
        if self.presenter is not None:
            return bool(self.presenter.ask(text))
        try:
            app = self.app
        except Exception:
            return False
        if app is None or "_xlremote" in type(getattr(app, "impl", None)).__module__:
            return False
        try:
            return app.alert(text, title=TITLE, buttons="yes_no", mode="info") == "yes"
        except Exception:  # a shell without message boxes: answer no
            return False

    def messages(self, kind: str | None = None) -> list[str]:
        return [t for k, t in self.log if kind is None or k == kind]

    def alerts(self) -> list[tuple[str, str]]:
        """The message boxes of this press, in order (what VBA shows in deferred mode)."""
        return [(k, t) for k, t in self.log if k in ALERT_KINDS]

    def last_status(self) -> str | None:
        return next((t for k, t in reversed(self.log) if k == "status"), None)
