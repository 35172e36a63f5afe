"""Where a composed message goes: an .eml folder (the embedded default) or an SMTP server.

A transport `send`s one message (envelope sender, one recipient, the raw bytes) and returns
where it went; it raises `SendError` saying whether the failure is permanent (the server
refused this message: do not retry), uncertain (the connection dropped while the message was
in flight: the server may have accepted it) and whether the connection is unusable (stop this
run: server down, bad login).

SMTP: yagmail 0.16 opens and authenticates the connection (any host and port, STARTTLS, SSL,
no login, Gmail OAuth2); messages then go through that one connection's `sendmail`, not
yagmail's `send()`, which opens a new connection per message, retries dropped connections for
about 18 s and then returns False keeping the message only in memory (DESIGN.md). The password
comes from an environment variable or the OS keyring; it is never logged and never read from
a workbook or the config file.
"""

from __future__ import annotations

import hashlib
import os
import re
import smtplib
import socket
import tempfile
from pathlib import Path
from typing import Protocol

from macros_py.ledger.oserrors import os_reason

from .config import ConfigError, SmtpConfig

__all__ = ["EmlFolderTransport", "SendError", "SmtpTransport", "Transport", "explain", "smtp_password"]


class SendError(Exception):
    """A failed send; the message is Vietnamese, for the log and `kiemsat alerts status`."""

    def __init__(self, message: str, *, permanent: bool = False, uncertain: bool = False,
                 connection: bool = False, code: int = 0):
        super().__init__(message)
        self.code = code  # the SMTP reply code, 0 when there was none
        self.permanent = permanent  # refused for good: do not retry
        self.uncertain = uncertain  # the server may have accepted it
        self.connection = connection  # the transport is unusable for the rest of this run


class Transport(Protocol):
    name: str

    def send(self, sender: str, recipient: str, raw: bytes, message_id: str) -> str:
        """Deliver one message; return where it went. Raise SendError."""

    def close(self) -> None: ...


class EmlFolderTransport:
    """Writes each message as an .eml file into a folder. The file name comes from the
    Message-ID, and the file is written to a temporary name and renamed: sending the same
    message twice leaves one file."""

    name = "eml"
    idempotent = True  # the same message written twice is one file: the outbox may record by batches

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path_for(self, recipient: str, message_id: str) -> Path:
        local = re.sub(r"[^A-Za-z0-9._-]+", "-", recipient.partition("@")[0])[:40] or "nguoi-nhan"
        return self.folder / f"canh-bao-{local}-{hashlib.sha256(message_id.encode()).hexdigest()[:12]}.eml"

    def send(self, sender: str, recipient: str, raw: bytes, message_id: str) -> str:
        target = self.path_for(recipient, message_id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".canh-bao-", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(raw)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise SendError(f"không ghi được thư vào thư mục «{self.folder}»: {os_reason(exc)}",
                            connection=True) from None
        return str(target)

    def close(self) -> None:
        pass


def smtp_password(cfg: SmtpConfig) -> str | None:
    """The SMTP password: environment variable, else the OS keyring; None when not needed."""
    if not cfg.user or cfg.oauth2_file is not None:
        return None
    value = os.environ.get(cfg.password_env)
    if value:
        return value
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            value = keyring.get_password(cfg.keyring_service, cfg.user)
        except (KeyringError, RuntimeError):
            value = None
    except ImportError:
        value = None
    if value:
        return value
    raise ConfigError(f"chưa có mật khẩu thư cho «{cfg.user}»: đặt biến môi trường {cfg.password_env}, hoặc lưu "
                      f"vào keyring: python -m keyring set {cfg.keyring_service} {cfg.user}")


def _code(exc: Exception) -> int:
    return int(getattr(exc, "smtp_code", 0) or 0)


# What an SMTP reply code means, for a clerk (RFC 5321 section 4.2.3). 4xx: try again later; 5xx: refused.
_MEANING = {
    421: "máy chủ tạm ngừng phục vụ (quá tải hoặc đang bảo trì)",
    450: "hộp thư người nhận tạm thời không dùng được (đang bận hoặc bị khóa tạm)",
    451: "máy chủ tạm thời chưa xử lý được thư (lỗi tạm thời của máy chủ hoặc đang kiểm tra chống thư rác)",
    452: "máy chủ tạm thời thiếu chỗ lưu thư",
    454: "máy chủ tạm thời không dùng được kết nối bảo mật hoặc đăng nhập",
    550: "hộp thư người nhận không tồn tại hoặc không nhận thư; kiểm tra địa chỉ ở sheet Cán bộ",
    551: "người nhận không thuộc máy chủ này; kiểm tra địa chỉ ở sheet Cán bộ",
    552: "hộp thư người nhận đã đầy hoặc thư vượt quá dung lượng cho phép",
    553: "địa chỉ thư không hợp lệ hoặc không được phép dùng",
    554: "máy chủ từ chối thư (thường do bộ lọc thư rác hoặc quy định nội dung của máy chủ; "
         "hỏi người quản trị máy chủ thư)",
}


def explain(code: int, answer: bytes | str | None = b"") -> str:
    """«máy chủ trả lời 554 (5.7.1 Rejected by policy): máy chủ từ chối thư (...)»."""
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "replace")
    text = " ".join(str(answer or "").split())[:200]
    meaning = _MEANING.get(code) or ("máy chủ tạm thời chưa nhận thư" if 400 <= code < 500
                                     else "máy chủ từ chối thư" if code >= 500 else "lỗi không rõ")
    return f"máy chủ trả lời {code}" + (f" «{text}»" if text else "") + f": {meaning}"


def _why(exc: BaseException) -> str:
    """What went wrong with the connection, in Vietnamese (never the system's or the library's English)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "máy chủ thư đã ngắt kết nối"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return "máy chủ thư trả lời không đúng giao thức SMTP"


def _refusal(exc: smtplib.SMTPResponseException, what: str) -> SendError:
    """A 4xx is temporary (retried with back-off), a 5xx permanent (reported, resent on request)."""
    code = _code(exc)
    return SendError(f"{what}: {explain(code, exc.smtp_error)}", permanent=code >= 500, code=code)


class SmtpTransport:
    """One SMTP connection for a whole run, opened on the first message."""

    name = "smtp"

    def __init__(self, cfg: SmtpConfig, sender: str, password: str | None = None):
        self.cfg, self.sender = cfg, sender
        self.password = password if password is not None else smtp_password(cfg)
        self._client = None

    def _connect(self) -> smtplib.SMTP:
        import yagmail

        cfg = self.cfg
        where = f"{cfg.host}:{cfg.effective_port}"
        try:
            client = yagmail.SMTP(
                user=cfg.user or self.sender, password=self.password, host=cfg.host, port=cfg.effective_port,
                smtp_ssl=cfg.security == "ssl", smtp_starttls=cfg.security == "starttls",
                smtp_skip_login=not cfg.user and cfg.oauth2_file is None,
                oauth2_file=str(cfg.oauth2_file) if cfg.oauth2_file else None, timeout=cfg.timeout)
            client.login()
        except smtplib.SMTPAuthenticationError as exc:
            raise SendError(f"máy chủ thư {where} từ chối đăng nhập ({_code(exc)}); kiểm tra tên đăng nhập "
                            "và mật khẩu", connection=True) from None
        except UnicodeEncodeError:  # smtplib sends user and password as ASCII only
            raise SendError(f"tên đăng nhập hoặc mật khẩu thư cho {where} có ký tự ngoài ASCII (chữ có dấu); "
                            "smtplib không gửi được, hãy đổi mật khẩu không dấu", connection=True) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"không kết nối được máy chủ thư {where}: {_why(exc)}", connection=True) from None
        self._client = client
        return client.smtp

    def send(self, sender: str, recipient: str, raw: bytes, message_id: str) -> str:
        smtp = self._client.smtp if self._client is not None else self._connect()
        where = f"{self.cfg.host}:{self.cfg.effective_port}"
        try:
            refused = smtp.sendmail(sender, [recipient], raw)
        except smtplib.SMTPRecipientsRefused as exc:
            code, answer = next(iter(exc.recipients.values()), (0, b""))
            raise SendError(f"người nhận {recipient}: {explain(code, answer)}", permanent=code >= 500,
                            code=code) from None
        except smtplib.SMTPSenderRefused as exc:
            raise SendError(f"địa chỉ gửi {sender}: {explain(_code(exc), exc.smtp_error)}",
                            connection=True, code=_code(exc)) from None
        except smtplib.SMTPDataError as exc:
            if _code(exc) == 421:  # smtplib has closed the connection: the next message reconnects
                self._drop()
            raise _refusal(exc, "khi chuyển thư") from None
        except (smtplib.SMTPServerDisconnected, OSError, socket.timeout) as exc:
            # the server may have accepted the message before the connection broke
            self._drop()
            raise SendError(f"mất kết nối với máy chủ thư {where} khi đang gửi ({_why(exc)})",
                            uncertain=True) from None
        except smtplib.SMTPException as exc:
            self._drop()
            raise SendError(f"lỗi gửi thư: {type(exc).__name__} ({_code(exc)})", uncertain=True) from None
        if refused:
            code, answer = next(iter(refused.values()))
            raise SendError(f"người nhận {recipient}: {explain(code, answer)}", permanent=code >= 500, code=code)
        return where

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.is_closed = True
            try:
                client.smtp.close()
            except Exception:  # noqa: BLE001 - the connection is already broken
                pass

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
