"""The alert service's settings: a small TOML file, never the workbook.

Keys (all optional; relative paths are relative to the file's folder):

    ledgers = ["D:/VKS/so_theo_doi.xlsx"]   # the ledgers to watch
    transport = "eml"                      # "eml": write .eml files into outbox_dir; "smtp": send
    outbox_dir = "thu-canh-bao"            # the .eml folder
    database = "canh-bao.sqlite3"          # the outbox (SQLite, on a local disk)
    log_file = "canh-bao.log"              # rotating log
    send_time = "07:00"                    # default: "Giờ gửi cảnh báo" of the first ledger
    retry_minutes = 30                     # how often `serve` retries failed sends
    max_tries = 5                          # failed sends are reported after this many tries
    sender = "canhbao@vks.gov.vn"          # From address (default: smtp.user, else kiemsat@localhost)
    sender_name = "kiemsat - Cảnh báo thời hạn"

    [smtp]
    host = "smtp.vks.gov.vn"
    port = 587                             # default 465 for ssl, 587 for starttls, 25 for none
    security = "starttls"                  # "starttls", "ssl" or "none"
    user = "canhbao@vks.gov.vn"            # omit to send without logging in
    password_env = "KIEMSAT_SMTP_PASSWORD" # the password comes from this variable ...
    keyring_service = "kiemsat"            # ... or else from the OS keyring (service, user)
    oauth2_file = "gmail-oauth2.json"      # Gmail OAuth2 (yagmail's credentials file) instead of a password
    timeout = 30

A "password" key is refused: passwords live in the environment or the OS keyring only.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

__all__ = ["AlertConfig", "ConfigError", "SmtpConfig", "default_config_path", "load_config"]

CONFIG_NAME = "canh-bao.toml"
DEFAULT_SENDER = "kiemsat@localhost"
DEFAULT_SENDER_NAME = "kiemsat - Cảnh báo thời hạn"
SECURITY = ("starttls", "ssl", "none")


class ConfigError(Exception):
    """A bad setting; the message is one Vietnamese sentence."""


@dataclass
class SmtpConfig:
    host: str
    port: int | None = None
    security: str = "starttls"
    user: str | None = None
    password_env: str = "KIEMSAT_SMTP_PASSWORD"
    keyring_service: str = "kiemsat"
    oauth2_file: Path | None = None
    timeout: float = 30.0

    @property
    def effective_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587, "none": 25}[self.security]


@dataclass
class AlertConfig:
    path: Path | None  # the file read, if any
    folder: Path  # where relative paths and the defaults live
    ledgers: list[Path] = field(default_factory=list)
    transport: str = "eml"
    outbox_dir: Path | None = None
    db_path: Path | None = None
    log_file: Path | None = None
    send_time: time | None = None
    retry_minutes: int = 30
    max_tries: int = 5
    sender: str = DEFAULT_SENDER
    sender_name: str = DEFAULT_SENDER_NAME
    smtp: SmtpConfig | None = None

    def __post_init__(self) -> None:
        self.outbox_dir = self.outbox_dir or self.folder / "thu-canh-bao"
        self.db_path = self.db_path or self.folder / "canh-bao.sqlite3"
        self.log_file = self.log_file or self.folder / "canh-bao.log"


def default_config_path() -> Path:
    """%APPDATA%\\kiemsat\\canh-bao.toml on Windows, $XDG_CONFIG_HOME/kiemsat/canh-bao.toml elsewhere."""
    env = os.environ.get("KIEMSAT_ALERTS_CONFIG")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "kiemsat" / CONFIG_NAME


def _path(folder: Path, value: Any, key: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"«{key}» cần một đường dẫn.")
    p = Path(os.path.expandvars(os.path.expanduser(value.strip())))
    return p if p.is_absolute() else folder / p


def _int(value: Any, key: str, low: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise ConfigError(f"«{key}» cần một số nguyên từ {low} trở lên.")
    return value


def _smtp(folder: Path, raw: Any) -> SmtpConfig:
    if not isinstance(raw, dict):
        raise ConfigError("mục [smtp] không hợp lệ.")
    host = raw.get("host")
    if not isinstance(host, str) or not host.strip():
        raise ConfigError("[smtp] cần «host», ví dụ host = \"smtp.vks.gov.vn\".")
    security = str(raw.get("security", "starttls")).lower()
    if security not in SECURITY:
        raise ConfigError(f"[smtp] «security» cần một trong: {', '.join(SECURITY)}.")
    port = raw.get("port")
    user = raw.get("user")
    oauth2 = raw.get("oauth2_file")
    timeout = raw.get("timeout", 30)
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ConfigError("[smtp] «timeout» cần một số giây lớn hơn 0.")
    return SmtpConfig(
        host=host.strip(), port=_int(port, "smtp.port", 1) if port is not None else None, security=security,
        user=str(user).strip() if user else None,
        password_env=str(raw.get("password_env", "KIEMSAT_SMTP_PASSWORD")),
        keyring_service=str(raw.get("keyring_service", "kiemsat")),
        oauth2_file=_path(folder, oauth2, "smtp.oauth2_file") if oauth2 else None, timeout=float(timeout))


def _refuse_passwords(raw: dict[str, Any], where: str = "") -> None:
    for key, value in raw.items():
        if "password" in key.lower() and key != "password_env":
            raise ConfigError(f"không ghi mật khẩu vào tệp cấu hình («{where}{key}»); hãy đặt biến môi trường "
                              "KIEMSAT_SMTP_PASSWORD hoặc lưu mật khẩu vào keyring của hệ điều hành.")
        if isinstance(value, dict):
            _refuse_passwords(value, f"{where}{key}.")


def _check_sender(address: str, name: str) -> None:
    """The From header is built from these: no line breaks, a real address (user@domain)."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    if any(c in address + name for c in "\r\n"):
        raise ConfigError("«sender» và «sender_name» không được xuống dòng.")
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, HeaderParseError, IndexError):
        parsed = None
    if parsed is None or not parsed.username or not parsed.domain:
        raise ConfigError(f"«sender» = «{address}» không phải địa chỉ thư; cần dạng ten@donvi.vn, "
                          "ví dụ sender = \"canhbao@vks.gov.vn\".")


def load_config(path: Path | None = None) -> AlertConfig:
    """Read the TOML file at `path` (default: `default_config_path()`); a missing default file
    gives the defaults. Raises ConfigError (Vietnamese)."""
    explicit = path is not None
    path = Path(path) if path is not None else default_config_path()
    folder = path.parent
    if not path.exists():
        if explicit:
            raise ConfigError(f"không tìm thấy tệp cấu hình «{path}».")
        return AlertConfig(None, folder)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"không đọc được tệp cấu hình «{path}»: {exc}.") from None
    except RecursionError:
        raise ConfigError(f"tệp cấu hình «{path}» có giá trị lồng nhau quá sâu; đây không phải tệp cấu hình "
                          "cảnh báo của kiemsat.") from None
    _refuse_passwords(raw)
    ledgers = raw.get("ledgers", [])
    if isinstance(ledgers, str):
        ledgers = [ledgers]
    if not isinstance(ledgers, list):
        raise ConfigError("«ledgers» cần một danh sách đường dẫn sổ.")
    transport = str(raw.get("transport", "smtp" if "smtp" in raw else "eml")).lower()
    if transport not in ("eml", "smtp"):
        raise ConfigError("«transport» cần «eml» hoặc «smtp».")
    smtp = _smtp(folder, raw["smtp"]) if "smtp" in raw else None
    if transport == "smtp" and smtp is None:
        raise ConfigError("transport = \"smtp\" cần mục [smtp] với host.")
    send_time = None
    if "send_time" in raw:
        from macros_py.ledger.values import BadValue, parse_time

        try:
            send_time = parse_time(raw["send_time"])
        except BadValue as exc:
            raise ConfigError(f"«send_time»: {exc}.") from None
    sender = raw.get("sender") or (smtp.user if smtp and smtp.user and "@" in smtp.user else DEFAULT_SENDER)
    _check_sender(str(sender).strip(), str(raw.get("sender_name", DEFAULT_SENDER_NAME)))
    return AlertConfig(
        path=path, folder=folder, ledgers=[_path(folder, p, "ledgers") for p in ledgers], transport=transport,
        outbox_dir=_path(folder, raw["outbox_dir"], "outbox_dir") if "outbox_dir" in raw else None,
        db_path=_path(folder, raw["database"], "database") if "database" in raw else None,
        log_file=_path(folder, raw["log_file"], "log_file") if "log_file" in raw else None,
        send_time=send_time, retry_minutes=_int(raw.get("retry_minutes", 30), "retry_minutes", 1),
        max_tries=_int(raw.get("max_tries", 5), "max_tries", 1), sender=str(sender).strip(),
        sender_name=str(raw.get("sender_name", DEFAULT_SENDER_NAME)), smtp=smtp)


# Public mail services the ngành's documents rule out for official mail (VPCP 5598/VPCP-TTĐT names Gmail and
# Yahoo; Outlook.com/Hotmail is the same kind of service): host suffix -> the provider's name
PUBLIC_PROVIDERS = (("gmail.com", "Gmail"), ("googlemail.com", "Gmail"), ("yahoo.com", "Yahoo"),
                    ("yahoo.com.vn", "Yahoo"), ("ymail.com", "Yahoo"), ("outlook.com", "Outlook.com"),
                    ("hotmail.com", "Outlook.com (Hotmail)"), ("live.com", "Outlook.com"))


def public_provider(host: str | None) -> str | None:
    """The public provider's name when `host` (an SMTP server) belongs to one, else None."""
    name = (host or "").strip().lower().rstrip(".")
    for suffix, provider in PUBLIC_PROVIDERS:
        if name == suffix or name.endswith("." + suffix):
            return provider
    return None

