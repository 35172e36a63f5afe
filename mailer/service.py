"""The alert service: one run (read ledgers, plan, record, send) and the daily scheduler.

`run_once(ledger_paths, today, ...)` is the whole job; `kiemsat alerts run-once`, the scheduler
and `kiemsat demo` call it, the Excel button calls `run_ledgers` (the same job on the ledger it
read from the open workbook). The job is written as "send every alert due on
or before today that is not yet sent", so a missed day is caught up by the next run.

`serve(config)` runs it with APScheduler 3.x: daily at the configured time (and once at
start-up), with coalesce=True and misfire_grace_time=None, so a PC that slept through 07:00
runs the job once when it wakes, not once per missed day and not never (APScheduler's default
grace of 1 s would skip the day). A second job retries failed sends every `retry_minutes`.
One scheduler per process, with an in-memory job store: the outbox, not the scheduler, is what
makes each alert go out once, so two services over the same outbox still send each alert once.

Running it unattended
---------------------
Windows (Task Scheduler), as the user whose keyring holds the SMTP password::

    schtasks /Create /TN "kiemsat canh bao" /SC ONLOGON /RL LIMITED ^
      /TR "\"C:\\kiemsat\\.venv\\Scripts\\kiemsat.exe\" alerts serve --config \"%APPDATA%\\kiemsat\\canh-bao.toml\""

or, without a resident process, a daily task running `kiemsat alerts run-once` (add
"/SC DAILY /ST 07:00" and tick "Run task as soon as possible after a scheduled start is missed").

Linux (systemd), /etc/systemd/system/kiemsat-alerts.service::

    [Unit]
    Description=kiemsat: canh bao thoi han to tung
    After=network-online.target
    Wants=network-online.target

    [Service]
    User=kiemsat
    EnvironmentFile=/etc/kiemsat/smtp.env        # KIEMSAT_SMTP_PASSWORD=..., mode 0600
    ExecStart=/opt/kiemsat/.venv/bin/kiemsat alerts serve --config /etc/kiemsat/canh-bao.toml
    Restart=on-failure

    [Install]
    WantedBy=multi-user.target

then `systemctl enable --now kiemsat-alerts`.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import signal
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from macros_py.ledger.reader import Ledger
from macros_py.ledger.values import fmt_date

from .config import AlertConfig, ConfigError, load_config
from .messages import Composed, Sender, compose_digest
from .outbox import Delivery, Outbox, OutboxStatus, SendReport
from .planning import _SEP, Alert, Plan, plan_ledger, source_for
from .transports import EmlFolderTransport, SendError, SmtpTransport, Transport

__all__ = ["RunResult", "make_transport", "policy_warnings", "resend", "run_ledgers", "run_once", "send_pending", "serve",
           "setup_logging", "status", "summary_lines"]

if TYPE_CHECKING:
    from macros_py.law.writeback import Moved

log = logging.getLogger("kiemsat.alerts")


@dataclass
class RunResult:
    today: date
    dry_run: bool
    db_path: Path | None
    outbox_dir: Path | None  # the .eml folder, when that transport was used
    ledgers: list[str] = field(default_factory=list)  # file names read
    notes: list[str] = field(default_factory=list)  # Vietnamese, lỗi: unreadable ledgers, unreachable staff
    warnings: list[str] = field(default_factory=list)  # Vietnamese, cảnh báo: done, worth a look (exit 0)
    planned: int = 0  # alerts due today (sent before or not)
    new: int = 0  # alerts this run recorded first
    digests: list[Composed] = field(default_factory=list)  # digests this run built
    report: SendReport = field(default_factory=SendReport)
    moved: list[Moved] = field(default_factory=list)  # due dates of alerted steps that changed, old -> new

    @property
    def sent(self) -> list[Delivery]:
        return self.report.sent

    @property
    def failed(self) -> list[Delivery]:
        return self.report.failed

    def lines(self) -> list[str]:
        """What happened, in Vietnamese, for the CLI, the log and the demo."""
        out = [f"Cảnh báo thời hạn ngày {fmt_date(self.today)}: đọc {len(self.ledgers)} sổ, "
               f"{self.planned} cảnh báo đến hạn, {self.new} cảnh báo mới."]
        if self.dry_run:
            out.append(f"Chạy thử (--dry-run): sẽ gửi {len(self.digests)} thư, chưa gửi, chưa ghi gì.")
            out += [f"  - {c.recipient}: {c.subject} ({len(c.keys)} cảnh báo)" for c in self.digests]
        else:
            out += summary_lines(self.report, self.outbox_dir)
        if self.moved:
            out.append(f"Hạn đã thay đổi so với lúc lập cảnh báo ({len(self.moved)}); cảnh báo theo hạn mới "
                       "được gửi khi đến ngày nhắc:")
            out += [f"  - {m}" for m in self.moved]
        if self.notes:
            out.append(f"Cần kiểm tra ({len(self.notes)}):")
            out += [f"  - {n}" for n in self.notes]
        if self.warnings:
            out.append(f"Cảnh báo ({len(self.warnings)}):")
            out += [f"  - {n}" for n in self.warnings]
        return out


RESEND_HINT = "sửa xong, gửi lại bằng lệnh «kiemsat alerts resend --failed»"


def summary_lines(report: SendReport, outbox_dir: Path | None) -> list[str]:
    """What a send did, honestly: files written are not mails sent; a refusal is not a retry."""
    out: list[str] = []
    if report.sent and outbox_dir is not None:
        out.append(f"Đã ghi {len(report.sent)} tệp thư (.eml) vào thư mục {outbox_dir}; chưa có thư nào được gửi "
                   "qua máy chủ thư.")
    elif report.sent:
        out.append(f"Đã gửi {len(report.sent)} thư.")
    elif not report.failed:
        out.append("Không có thư mới cần gửi.")
    out += [f"  - {d.recipient}: {d.subject} ({d.alerts} cảnh báo)" for d in report.sent]
    if report.retrying:
        out.append(f"Sẽ gửi lại {len(report.retrying)} thư (máy chủ tạm thời chưa nhận; tự gửi lại ở lần chạy sau):")
        out += [f"  - {d.recipient}: {d.error}" for d in report.retrying]
    if report.refused:
        out.append(f"Lỗi: {len(report.refused)} thư bị máy chủ từ chối, không tự gửi lại ({RESEND_HINT}):")
        out += [f"  - {d.recipient}: {d.error}" for d in report.refused]
    if report.stopped:
        out.append(f"Dừng gửi: {report.stopped}.")
    return out


def _sender(config: AlertConfig | None) -> Sender:
    return Sender(config.sender, config.sender_name) if config else Sender()


def make_transport(config: AlertConfig) -> Transport:
    """The configured transport; raises ConfigError (e.g. SMTP without a password)."""
    if config.transport == "smtp":
        assert config.smtp is not None
        return SmtpTransport(config.smtp, config.sender)
    assert config.outbox_dir is not None
    return EmlFolderTransport(config.outbox_dir)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _plan(sources: Iterable[Path | str | Ledger], today: date, result: RunResult,
          start: date | None = None) -> tuple[Plan, list[str]]:
    """Plan the alerts of each ledger: a path is read here, a `Ledger` is taken as read.
    Returns the plan and the identities of the ledgers read (see `planning.Source`)."""
    from macros_py.ledger.reader import LedgerError, read_ledger

    plan, read = Plan(today), []
    paths: dict[str, Path] = {}
    for source in sources:
        path = source.path if isinstance(source, Ledger) else Path(source)
        try:
            ledger = source if isinstance(source, Ledger) else read_ledger(path)
            identity = source_for(ledger.settings, path)[0].identity
            if identity in paths and paths[identity].resolve() != path.resolve():
                # two ledgers with the same unit and title and no «Mã sổ»: keep them apart by file name
                result.warnings.append(f"Sổ «{path.name}» và sổ «{paths[identity].name}» cùng tên đơn vị và tên sổ; "
                                       "hãy ghi «Mã sổ» khác nhau trong sheet Cấu hình của mỗi sổ.")
                identity = f"{identity}{_SEP}{path.name}"
            part = plan_ledger(ledger, today, start=start, identity=identity)
        except LedgerError as exc:
            result.notes.append(str(exc) + " Chưa gửi cảnh báo của sổ này.")
            continue
        except ValueError as exc:  # a contradictory calendar in Cấu hình
            result.notes.append(f"Sổ «{path.name}»: {exc} Chưa gửi cảnh báo của sổ này.")
            continue
        paths.setdefault(identity, path)
        plan.extend(part)
        read.append(identity)
        result.ledgers.append(path.name)
    return plan, read


def run_once(ledger_paths: Sequence[Path | str], today: date | None = None, *, outbox_dir: Path | None = None,
             db_path: Path | None = None, transport: Transport | None = None, sender: Sender | None = None,
             config: AlertConfig | None = None, dry_run: bool = False, now: datetime | None = None) -> RunResult:
    """Read the ledgers, record the alerts due on `today` in the outbox and send what is due.

    Without `transport`, messages go where `config` says (default: .eml files in `outbox_dir`).
    `outbox_dir` and `db_path` override the config; without a config, `db_path` defaults to
    "canh-bao.sqlite3" beside `outbox_dir`. With `dry_run`, nothing is recorded or sent.
    """
    return _run(list(ledger_paths), today, outbox_dir=outbox_dir, db_path=db_path, transport=transport,
                sender=sender, config=config, dry_run=dry_run, now=now)


def run_ledgers(ledgers: Sequence[Ledger], today: date | None = None, *, outbox_dir: Path | None = None,
                db_path: Path | None = None, transport: Transport | None = None, sender: Sender | None = None,
                config: AlertConfig | None = None, dry_run: bool = False, now: datetime | None = None) -> RunResult:
    """`run_once` for ledgers already read (the Excel button reads the open workbook, saved or not).

    A ledger's identity in the outbox comes from its Cấu hình («Mã sổ», else unit and title;
    `planning.Source`), not its path, so the button and the daily service over that workbook share
    their alerts and neither sends again what the other sent, wherever the file is.
    """
    return _run(list(ledgers), today, outbox_dir=outbox_dir, db_path=db_path, transport=transport,
                sender=sender, config=config, dry_run=dry_run, now=now)


def _run(sources: list[Path | str | Ledger], today: date | None, *, outbox_dir: Path | None,
         db_path: Path | None, transport: Transport | None, sender: Sender | None, config: AlertConfig | None,
         dry_run: bool, now: datetime | None) -> RunResult:
    today = today or date.today()
    clock_now = now
    now = now or datetime.now(timezone.utc)
    if config is None and transport is None and outbox_dir is None and db_path is None:
        config = load_config()
    explicit_folder = outbox_dir is not None
    if outbox_dir is not None:
        outbox_dir = Path(outbox_dir)
    elif config is not None and config.transport == "eml":
        outbox_dir = config.outbox_dir
    if db_path is None:
        db_path = config.db_path if config is not None else (
            outbox_dir.parent / "canh-bao.sqlite3" if outbox_dir is not None else None)
    if db_path is None:
        raise ValueError("run_once needs db_path, outbox_dir or config")
    if transport is None and not dry_run:
        if config is not None and config.transport == "smtp" and not explicit_folder:
            transport = make_transport(config)  # ConfigError before anything is recorded
        else:
            assert outbox_dir is not None
            transport = EmlFolderTransport(outbox_dir)
    sender = sender or _sender(config)
    result = RunResult(today, dry_run, Path(db_path), None)
    target = db_path if not dry_run or Path(db_path).exists() else ":memory:"
    with Outbox(target, max_tries=config.max_tries if config else 5) as outbox:
        plan, ledgers = _plan(sources, today, result, outbox.first_run(today, record=not dry_run))
        result.notes.extend(plan.notes)
        result.warnings.extend(plan.warnings)
        result.planned = len(plan.alerts)

        def compose(alerts: list) -> Composed:
            return compose_digest(alerts, today, sender, now, sequences=outbox.sequences)

        result.moved = outbox.track_steps(plan.steps, plan.alerts, ledgers, now, dry_run=dry_run)
        if outbox.previous:  # the mails of a step that moved say its earlier due date
            plan.alerts = [replace(a, previous=outbox.previous[a.step_key])
                           if isinstance(a, Alert) and a.step_key in outbox.previous else a for a in plan.alerts]
        result.new, result.digests = outbox.enqueue(plan.alerts, ledgers, now, compose, dry_run=dry_run)
        if dry_run or transport is None:
            return result
        if isinstance(transport, EmlFolderTransport):
            result.outbox_dir = transport.folder
        clock = (lambda: clock_now) if clock_now is not None else None
        result.report = outbox.send_due(transport, sender.address, owner=_owner(), clock=clock)
    for line in result.lines():
        log.info(line)
    return result


def send_pending(config: AlertConfig, now: datetime | None = None) -> SendReport:
    """Retry what is due in the outbox, without reading the ledgers (the scheduler's retry job)."""
    assert config.db_path is not None
    with Outbox(config.db_path, max_tries=config.max_tries) as outbox:
        clock = (lambda: now) if now is not None else None
        return outbox.send_due(make_transport(config), config.sender, owner=_owner(), clock=clock)


def policy_warnings(config: AlertConfig) -> list[str]:
    """Vietnamese warnings when case content would go through a public mail service: the SMTP server is
    Gmail, Yahoo or Outlook.com and a ledger's «Nội dung thư cảnh báo» is above «Chỉ số lượng»."""
    from macros_py.ledger.reader import LedgerError, read_ledger

    from .config import public_provider
    from .planning import COUNTS

    provider = public_provider(config.smtp.host) if config.transport == "smtp" and config.smtp else None
    if provider is None:
        return []
    out = []
    for path in config.ledgers:
        try:
            source = source_for(read_ledger(path).settings, path)[0]
        except (LedgerError, OSError):
            continue
        if source.content != COUNTS:
            level = "Đầy đủ" if source.content == "full" else "Rút gọn"
            out.append(f"Máy chủ thư {config.smtp.host} là dịch vụ thư công cộng ({provider}) mà sổ «{path.name}» "  # type: ignore[union-attr]
                       f"gửi nội dung «{level}»: thư công vụ không dùng Gmail, Yahoo (Văn phòng Chính phủ, "
                       "5598/VPCP-TTĐT); hãy đặt «Nội dung thư cảnh báo» là «Chỉ số lượng» hoặc dùng máy chủ thư "
                       "của ngành.")
    return out


def status(db_path: Path) -> OutboxStatus:
    with Outbox(db_path) as outbox:
        return outbox.status()


def resend(config: AlertConfig, *, failed_only: bool, since: date | None = None,
           now: datetime | None = None, transport: Transport | None = None) -> tuple[int, SendReport]:
    """`kiemsat alerts resend`: queue again the refused messages (or, without `failed_only`, every
    message since `since`, sent ones included), then send what is due. Returns (queued, report)."""
    assert config.db_path is not None
    clock = (lambda: now) if now is not None else None
    now = now or datetime.now(timezone.utc)
    start = datetime.combine(since, time(0, 0)).astimezone() if since is not None else None  # local midnight
    with Outbox(config.db_path, max_tries=config.max_tries) as outbox:
        queued = outbox.resend(now, failed_only=failed_only, since=start)
        transport = transport or make_transport(config)
        return queued, outbox.send_due(transport, config.sender, owner=_owner(), clock=clock)


def setup_logging(log_file: Path | None, level: int = logging.INFO) -> None:
    """Log to a rotating file (1 MB, 5 old files kept), in UTF-8."""
    if log_file is None:
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name, lvl in (("kiemsat", level), ("apscheduler", logging.WARNING)):
        logger = logging.getLogger(name)
        logger.setLevel(lvl)
        if not any(isinstance(h, logging.handlers.RotatingFileHandler)
                   and getattr(h, "baseFilename", None) == handler.baseFilename for h in logger.handlers):
            logger.addHandler(handler)


def send_time_for(config: AlertConfig) -> time:
    """The configured time, else the first readable ledger's "Giờ gửi cảnh báo", else 07:00."""
    if config.send_time is not None:
        return config.send_time
    from macros_py.ledger.reader import LedgerError, read_ledger

    for path in config.ledgers:
        try:
            value = read_ledger(path).settings.get("send_time")
        except (LedgerError, OSError):
            continue
        if isinstance(value, time):
            return value
    return time(7, 0)


def daily_job(config: AlertConfig) -> RunResult | None:
    try:
        return run_once(config.ledgers, date.today(), config=config)
    except (ConfigError, SendError, OSError) as exc:
        log.error("Lần chạy cảnh báo thất bại: %s", exc)
    except Exception:  # noqa: BLE001 - the service must keep running; the log has the details
        log.exception("Lần chạy cảnh báo thất bại do lỗi không mong muốn.")
    return None


def retry_job(config: AlertConfig) -> None:
    try:
        report = send_pending(config)
    except Exception as exc:  # noqa: BLE001
        log.error("Gửi lại thư cảnh báo thất bại: %s", exc)
        return
    if report.sent or report.failed:
        log.info("Gửi lại: %d thư đã gửi, %d thư chưa gửi được.", len(report.sent), len(report.failed))


def build_scheduler(config: AlertConfig, *, first_run: datetime | None = None, background: bool = False) -> Any:
    """The scheduler: the daily job (first at `first_run`, default now: a run at start-up) and
    the retry job. coalesce + misfire_grace_time=None: fire times missed while the PC slept
    run once, on waking."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    at = send_time_for(config)
    settings = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}
    kind = BackgroundScheduler if background else BlockingScheduler
    scheduler = kind(executors={"default": ThreadPoolExecutor(1)}, job_defaults=settings)  # one job at a time
    now = datetime.now().astimezone()
    scheduler.add_job(daily_job, CronTrigger(hour=at.hour, minute=at.minute), args=[config], id="daily",
                      name="cảnh báo hằng ngày", next_run_time=first_run or now, **settings)
    scheduler.add_job(retry_job, IntervalTrigger(minutes=config.retry_minutes), args=[config], id="retry",
                      name="gửi lại thư chưa gửi được", next_run_time=now + timedelta(minutes=config.retry_minutes),
                      **settings)
    return scheduler


def serve(config: AlertConfig) -> None:
    """Run until stopped (Ctrl+C, SIGTERM)."""
    setup_logging(config.log_file)
    make_transport(config)  # fail now, not at 07:00, when the SMTP password is missing
    scheduler = build_scheduler(config)
    at = send_time_for(config)

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    log.info("Bắt đầu dịch vụ cảnh báo: %d sổ, gửi lúc %s hằng ngày, thư qua %s.", len(config.ledgers),
             at.strftime("%H:%M"), config.transport)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        log.info("Đã dừng dịch vụ cảnh báo.")
