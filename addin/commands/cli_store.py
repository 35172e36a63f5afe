"""`kiemsat publish`, `kiemsat province`, `kiemsat report ...`, `kiemsat store ...`: the shared store.

Registered on the main `cli` group by addin/commands/cli.py; names from the registry's CLI-only entries.
The store's address comes from `--store` or the environment variable KIEMSAT_STORE; its password never from
the command line (macros_py/store/connect.py).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from addin.commands.output import (
    alert_run_options,
    parse_day,
    EXIT_OK,
    EXIT_PROBLEMS,
    Failure,
    Group,
    describe_os_error,
    echo_details,
    exit_for,
    verbose_option,
)
from addin.commands.registry import cli_only

STORE_ENV = "KIEMSAT_STORE"
NEW_ROLE_PASSWORD_ENV = "KIEMSAT_NEW_ROLE_PASSWORD"


def store_option(f: Any) -> Any:
    return click.option("--store", "store_url", envvar=STORE_ENV, required=True, metavar="ĐỊA_CHỈ",
                        help="Kho số liệu: postgresql://TÀI_KHOẢN@MÁY_CHỦ/CSDL hoặc sqlite:///TỆP (mặc định: biến "
                             f"môi trường {STORE_ENV}). Mật khẩu không ghi ở đây: biến môi trường "
                             "KIEMSAT_STORE_PASSWORD hoặc kho mật khẩu của máy.")(f)


def _open(store_url: str):  # noqa: ANN202 - a macros_py.store.connect.Store
    from macros_py.store.connect import open_store
    from macros_py.store.errors import StoreError
    from macros_py.store.migrate import ready

    try:
        store = open_store(store_url)
        ready(store)
    except StoreError as exc:
        raise Failure(str(exc)) from None
    return store


@click.command(cli_only("publish").cli_name)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@store_option
@click.option("--today", help="Ngày tính thời hạn (YYYY-MM-DD); mặc định hôm nay.")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Bảng thời hạn riêng của đơn vị (TOML); mặc định bảng kèm theo kiemsat.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def publish_cmd(path: Path, store_url: str, today: str | None, rules_path: Path | None, as_json: bool) -> None:
    """Gửi số liệu của sổ PATH (các dòng, thời hạn và cách tính) lên kho số liệu chung; sổ không bị thay đổi."""
    from macros_py.law.deadlines import compute_deadlines
    from macros_py.law.rules import RulesError, load_rules
    from macros_py.ledger.reader import LedgerError, read_ledger
    from macros_py.store.errors import StoreError
    from macros_py.store.publish import publish
    from macros_py.store.snapshot import build_snapshot

    day = parse_day(today)
    try:
        rules = load_rules(rules_path)
        ledger = read_ledger(path)
        snap = build_snapshot(ledger, compute_deadlines(ledger, day, rules=rules), rules=rules)
    except (LedgerError, RulesError, StoreError, ValueError) as exc:
        raise Failure(str(exc)) from None
    store = _open(store_url)
    try:
        done = publish(store, snap)
    except StoreError as exc:
        raise Failure(str(exc)) from None
    finally:
        store.dispose()
    if as_json:
        click.echo(json.dumps({"unit_code": done.unit_code, "unit_name": done.unit_name,
                               "snapshot": done.snapshot_id, "changed": done.changed, "rows": done.rows,
                               "deadlines": done.deadlines, "renamed_from": done.renamed_from,
                               "store": store.shown}, ensure_ascii=False, indent=1))
    elif done.changed:
        click.echo(f"Đã gửi số liệu của «{done.unit_name}» (Mã sổ {done.unit_code}) lên kho «{store.shown}»: "
                   f"{done.rows} dòng, {done.deadlines} thời hạn (bản số {done.snapshot_id}).")
        if done.renamed_from:
            click.echo(f"Đơn vị đã đổi tên (trước đây «{done.renamed_from}»): số liệu cũ vẫn giữ theo Mã sổ.")
    else:
        click.echo(f"Kho «{store.shown}» đã có đúng số liệu này của «{done.unit_name}» (bản số {done.snapshot_id}); "
                   "không ghi gì thêm.")
    if ledger.errors:
        click.echo(f"Lưu ý: sổ có {len(ledger.errors)} lỗi nhập liệu (kiemsat check); ô lỗi không được tính thời "
                   "hạn.", err=as_json)
    sys.exit(exit_for(ledger.problems))


@click.command(cli_only("province").cli_name)
@store_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp .xlsx ghi bảng tổng hợp (ghi đè tệp cũ, có sao lưu).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Ghi thêm báo cáo thống kê của cả tỉnh (.docx; các bảng cộng lại và dòng của từng đơn vị).")
@click.option("--period", help="Kỳ báo cáo: 2026-M03, 2026-Q1, 2026-H1, 2026; mặc định 6 tháng chứa ngày --today.")
@click.option("--today", help="Ngày tính thời hạn (YYYY-MM-DD); mặc định hôm nay.")
@click.option("--stale-days", type=click.IntRange(1, 3650), default=7, show_default=True,
              help="Nêu tên các đơn vị không gửi số liệu mới trong chừng ấy ngày.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@verbose_option
def province_cmd(store_url: str, out: Path, report_path: Path | None, period: str | None, today: str | None,
                 stale_days: int, as_json: bool, verbose: bool) -> None:
    """Tổng hợp mọi đơn vị từ kho số liệu: thời hạn quá hạn, sắp hết hạn; thống kê cộng lại; báo cáo kỳ."""
    from macros_py.ledger.values import fmt_date
    from macros_py.stats.periods import PeriodError, half_year_of, parse_period
    from macros_py.store.errors import StoreError
    from macros_py.store.province import build_view
    from macros_py.store.workbook import local_time, save_province_workbook
    from macros_py.workbook.safefile import FileBusy

    if out.suffix.lower() != ".xlsx":
        raise Failure(f"--out «{out.name}»: cần đuôi .xlsx.")
    if report_path is not None and report_path.suffix.lower() != ".docx":
        raise Failure(f"--report «{report_path.name}»: cần đuôi .docx.")
    day = parse_day(today)
    try:
        chosen = parse_period(period) if period else half_year_of(day)
    except PeriodError as exc:
        raise Failure(str(exc)) from None
    store = _open(store_url)
    try:
        view = build_view(store, chosen, day, stale_days=stale_days)
    except StoreError as exc:
        raise Failure(str(exc)) from None
    finally:
        store.dispose()
    try:
        save_province_workbook(out, view)
        if report_path is not None and view.summed is not None:
            from macros_py.stats.report import save_report
            from macros_py.store.province import province_settings

            save_report(report_path, view.summed, province_settings(view), day)
    except FileBusy as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(describe_os_error(exc, out)) from None
    overdue = view.overdue()
    soon = len(view.urgent) - len(overdue)
    states = [r.state for r in view.reports.values()]
    if as_json:
        click.echo(json.dumps({
            "today": day.isoformat(), "period": chosen.code, "units": [
                {"code": u.info.code, "name": u.info.unit_name, "published_at": u.info.published_at.isoformat()
                 if u.info.published_at else None, "refused": u.refused,
                 "report": view.reports[u.info.code].state, "reason": view.reports[u.info.code].reason,
                 "stale": u in view.stale} for u in view.units],
            "deadlines": [{"unit": x.unit.info.code, **x.deadline.as_dict()} for x in view.urgent],
            "statistics": view.summed.as_dict() if view.summed else None, "out": str(out)},
            ensure_ascii=False, indent=1, default=str))
    else:
        click.echo(f"Tổng hợp {len(view.units)} đơn vị, kỳ {chosen.label}, tính đến ngày {fmt_date(day)}: "
                   f"{len(overdue)} thời hạn đã quá hạn, {soon} sắp hết hạn.")
        click.echo(f"Báo cáo kỳ: {states.count('đã gửi')} đã gửi, {states.count('bị trả lại')} bị trả lại, "
                   f"{states.count('chưa gửi')} chưa gửi.")
        for u in view.units:
            r = view.reports[u.info.code]
            if r.state == "bị trả lại":
                click.echo(f"  - «{u.info.unit_name}» bị trả lại báo cáo: {r.reason}")
        if view.stale:
            click.echo(f"Không có số liệu mới trong {stale_days} ngày: " + "; ".join(
                f"«{u.info.unit_name}» (lần cuối {local_time(u.info.published_at) or 'chưa gửi lần nào'})"
                for u in view.stale) + ".")
        for u in view.refused:
            if u.info.published_at is not None:
                click.echo(f"Không đọc được số liệu của «{u.info.unit_name}»: {u.refused}")
        if overdue:
            click.echo("Đã quá hạn (gấp nhất trước):")
            echo_details((f"- {x.unit_name}: {x.deadline.title}, {x.deadline.case or ''} "
                          f"{x.deadline.person or ''}".rstrip() + f", hạn {fmt_date(x.deadline.due)} (quá "
                          f"{-x.deadline.days_left} ngày), KSV {x.deadline.prosecutor or '?'}" for x in overdue),
                         verbose)
        click.echo(f"Đã ghi: {out}" + (f", {report_path}" if report_path is not None and view.summed else ""))
    sys.exit(EXIT_PROBLEMS if overdue or view.stale or view.refused else EXIT_OK)


def _period(text: str):  # noqa: ANN202 - a macros_py.stats.periods.Period
    from macros_py.stats.periods import PeriodError, parse_period

    try:
        return parse_period(text)
    except PeriodError as exc:
        raise Failure(str(exc)) from None


@click.group(cli_only("period_report").cli_name, cls=Group)
def report_group() -> None:
    """Báo cáo kỳ: đơn vị gửi lên, Viện tỉnh trả lại (kèm lý do)."""


@report_group.command("send")
@store_option
@click.option("--unit", "code", required=True, metavar="MÃ_SỔ", help="«Mã sổ» của đơn vị (sheet Cấu hình).")
@click.option("--period", required=True, help="Kỳ báo cáo: 2026-M03, 2026-Q1, 2026-H1, 2026.")
def report_send_cmd(store_url: str, code: str, period: str) -> None:
    """Đơn vị gửi báo cáo kỳ lên Viện tỉnh (theo số liệu đã gửi lên kho gần nhất)."""
    from macros_py.store.errors import StoreError
    from macros_py.store.reports import send_report

    chosen = _period(period)
    store = _open(store_url)
    try:
        state = send_report(store, code, chosen.code)
    except StoreError as exc:
        raise Failure(str(exc)) from None
    finally:
        store.dispose()
    click.echo(f"Đã gửi báo cáo {chosen.label} của đơn vị «{code}» (theo bản số liệu số {state.snapshot_id}).")


@report_group.command("return")
@store_option
@click.option("--unit", "code", required=True, metavar="MÃ_SỔ", help="«Mã sổ» của đơn vị.")
@click.option("--period", required=True, help="Kỳ báo cáo: 2026-M03, 2026-Q1, 2026-H1, 2026.")
@click.option("--reason", required=True, help="Lý do trả lại (đơn vị đọc được ở bảng tổng hợp).")
def report_return_cmd(store_url: str, code: str, period: str, reason: str) -> None:
    """Viện tỉnh trả lại báo cáo kỳ của một đơn vị, kèm lý do."""
    from macros_py.store.errors import StoreError
    from macros_py.store.reports import return_report

    chosen = _period(period)
    store = _open(store_url)
    try:
        return_report(store, code, chosen.code, reason)
    except StoreError as exc:
        raise Failure(str(exc)) from None
    finally:
        store.dispose()
    click.echo(f"Đã trả lại báo cáo {chosen.label} của đơn vị «{code}»: {' '.join(reason.split())}")


@click.group(cli_only("store").cli_name, cls=Group)
def store_group() -> None:
    """Kho số liệu chung: nâng cấp, tài khoản của đơn vị và của Viện tỉnh, cảnh báo từ kho."""


@store_group.command("upgrade")
@store_option
def store_upgrade_cmd(store_url: str) -> None:
    """Tạo kho mới, hoặc nâng kho cũ lên phiên bản của kiemsat này (người quản trị kho chạy)."""
    from sqlalchemy.exc import DBAPIError

    from macros_py.store.connect import describe_db_error, open_store
    from macros_py.store.errors import StoreError
    from macros_py.store.migrate import latest, upgrade

    try:
        store = open_store(store_url)
        applied = upgrade(store)
    except StoreError as exc:
        raise Failure(str(exc)) from None
    except DBAPIError as exc:
        raise Failure(describe_db_error(exc, store, "nâng cấp")) from None
    store.dispose()
    if applied:
        click.echo(f"Kho «{store.shown}» đã lên phiên bản {latest(store.dialect)} (các bước "
                   f"{', '.join(map(str, applied))}).")
    else:
        click.echo(f"Kho «{store.shown}» đã ở phiên bản {latest(store.dialect)}; không phải làm gì.")


@store_group.command("grant")
@store_option
@click.option("--role", required=True, help="Tên tài khoản PostgreSQL (chữ thường, số, dấu gạch dưới).")
@click.option("--unit", "codes", multiple=True, metavar="MÃ_SỔ", help="Đơn vị tài khoản này được ghi (dùng nhiều lần được).")
@click.option("--province", "is_province", is_flag=True, help="Tài khoản của Viện tỉnh: đọc mọi đơn vị.")
def store_grant_cmd(store_url: str, role: str, codes: tuple[str, ...], is_province: bool) -> None:
    """Tạo (nếu chưa có) tài khoản đăng nhập cho một đơn vị hoặc cho Viện tỉnh (người quản trị kho chạy).

    Mật khẩu của tài khoản mới lấy từ biến môi trường KIEMSAT_NEW_ROLE_PASSWORD, không có thì hỏi."""
    from macros_py.store.errors import StoreError
    from macros_py.store.roles import grant

    if bool(codes) == is_province:
        raise Failure("cần đúng một trong hai: --unit MÃ_SỔ (tài khoản đơn vị) hoặc --province (Viện tỉnh).")
    store = _open(store_url)
    try:
        password = os.environ.get(NEW_ROLE_PASSWORD_ENV)

        def ask() -> str:
            return password or click.prompt(f"Mật khẩu cho tài khoản {role}", hide_input=True,
                                            confirmation_prompt=True)
        created = grant(store, role, list(codes), province=is_province, password=ask)
    except StoreError as exc:
        raise Failure(str(exc)) from None
    finally:
        store.dispose()
    what = "Viện tỉnh (đọc mọi đơn vị)" if is_province else "đơn vị " + ", ".join(codes)
    click.echo(f"{'Đã tạo' if created else 'Đã có'} tài khoản {role}; quyền: {what}.")


@store_group.command("alerts")
@store_option
@alert_run_options
@verbose_option
def store_alerts_cmd(store_url: str, today: str | None, dry_run: bool, config_path: Path | None,
                     outbox_dir: Path | None, verbose: bool) -> None:
    """Gửi cảnh báo thời hạn của mọi đơn vị trong kho (như «kiemsat alerts run-once» trên từng sổ)."""
    from addin.commands.output import echo_report
    from macros_py.store.errors import StoreError
    from mailer.config import ConfigError, load_config
    from mailer.from_store import run_from_store

    try:
        config = load_config(config_path)
        run = run_from_store(store_url, parse_day(today), config=config, outbox_dir=outbox_dir, dry_run=dry_run)
    except (StoreError, ConfigError) as exc:
        raise Failure(str(exc)) from None
    click.echo(f"Kho số liệu: {run.units} đơn vị đọc được.")
    for line in run.skipped:
        click.echo(f"Lưu ý: {line}")
    echo_report(run.result.lines(), verbose)
    sys.exit(EXIT_PROBLEMS if run.result.failed or run.result.notes or run.skipped else EXIT_OK)
