"""The `kiemsat` command. A thin shell: it parses arguments, calls the core, prints in Vietnamese.

Exit codes, error lines and the output style are those of `addin/commands/output.py`: 0 done and clean, or
warnings only (`output.exit_for`); 1 done, problems (errors) found; 2 could not do it at all (file missing, not a workbook, open in Excel, bad argument);
3 a bug in kiemsat (traceback in the crash log). A new sub-command is a small function decorated with
`@cli.command(...)` (or `@alerts_group.command(...)`); it raises `Failure("...")` for anything it cannot do.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from datetime import date
from pathlib import Path

import click

from addin.commands.registry import (
    cmd,  # sub-command names come from the ribbon's registry
)
from macros_py import __version__

from addin.commands.output import (
    EXIT_FAIL,
    EXIT_OK,
    EXIT_PROBLEMS,
    HELP_WIDTH,
    AsciiInt,
    Failure,
    RootGroup,
    describe_os_error,
    describe_sqlite_error,
    echo_details,
    echo_report,
    exit_for,
    os_reason,
    reading_notes,
    sheets_read,
    verbose_option,
)
from addin.commands.output import alert_run_options
from addin.commands.output import in_range as _in_range
from addin.commands.output import parse_day as _parse_day


@click.group("kiemsat", cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": HELP_WIDTH})
@click.version_option(__version__, prog_name="kiemsat")
def cli() -> None:
    """kiemsat: sổ theo dõi vụ án trên Excel cho Viện kiểm sát nhân dân."""


@cli.command("init")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sample", "sample_n", type=AsciiInt(0, 100_000), default=0,
              help="Số dòng dữ liệu mẫu cho mỗi sổ (0: sổ trống).")
@click.option("--seed", type=AsciiInt(), default=1, show_default=True, help="Hạt giống để dữ liệu mẫu lặp lại được.")
@click.option("--today", help="Ngày làm mốc cho dữ liệu mẫu (YYYY-MM-DD); mặc định hôm nay.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có (tệp cũ được sao lưu trước).")
def init_cmd(path: Path, sample_n: int, seed: int, today: str | None, force: bool) -> None:
    """Tạo sổ theo dõi mới tại PATH (tùy chọn có dữ liệu mẫu)."""
    from macros_py.workbook.safefile import FileBusy
    from workbook_templates.builder import create_ledger

    if path.suffix.lower() != ".xlsx":
        raise Failure(f"tên tệp «{path.name}» cần đuôi .xlsx.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise Failure(f"thư mục «{folder}» không có; hãy kiểm tra lại đường dẫn, hoặc tạo thư mục đó trước.")
    try:
        saved = create_ledger(path, sample=sample_n, seed=seed, today=_parse_day(today), overwrite=force)
    except FileExistsError:
        raise Failure(f"tệp «{path}» đã có; dùng --force để ghi đè (tệp cũ sẽ được sao lưu).") from None
    except FileBusy as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(describe_os_error(exc, path)) from None
    what = f"với {sample_n} dòng mẫu mỗi sổ" if sample_n else "trống"
    click.echo(f"Đã tạo sổ theo dõi {what}: {path}")
    if saved:
        click.echo(f"Tệp cũ được sao lưu tại: {saved}")


@cli.command(cmd("check").cli_name)
@click.argument("path", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In danh sách lỗi dạng JSON.")
@click.option("--mapping", "show_mapping", is_flag=True,
              help="In cách kiemsat đọc từng tiêu đề cột của mỗi sheet (và tiêu đề gần nhất cho cột bắt buộc thiếu).")
@verbose_option
def check_cmd(path: Path, as_json: bool, show_mapping: bool, verbose: bool) -> None:
    """Kiểm tra sổ PATH: in từng lỗi với sheet, dòng, cột, giá trị."""
    from macros_py.ledger.reader import LedgerError, read_ledger

    from macros_py.decisions.readiness import decision_problems

    try:
        ledger = read_ledger(path)
    except LedgerError as exc:
        raise Failure(str(exc)) from None
    # rows due for a decision that lack a fact it requires (cảnh báo: the rest of the ledger is fine)
    ledger.problems.extend(decision_problems(ledger))
    if show_mapping:
        _echo_mapping(ledger, as_json)
    elif as_json:
        click.echo(json.dumps([p.as_dict() for p in ledger.problems], ensure_ascii=False, indent=1))
    else:
        counts = sheets_read(ledger)
        errors, warnings = len(ledger.errors), len(ledger.warnings)
        if ledger.problems:
            found = " và ".join(x for x in (f"{errors} lỗi" if errors else "", f"{warnings} cảnh báo" if warnings
                                            else "") if x)
            click.echo(f"Sổ «{path.name}» có {found} ({counts}):")
            echo_details((f"- {p}" for p in ledger.problems), verbose)
        else:
            click.echo(f"Sổ «{path.name}» hợp lệ: {counts}.")
        for d in ledger.all_sheets():
            if d.defendants is not None:
                click.echo(f"Sheet «{d.name}»: {d.reading}.")
        if ledger.unknown_sheets:
            click.echo("Các sheet không thuộc kiemsat (bỏ qua): " + ", ".join(ledger.unknown_sheets))
    # 0: clean or warnings only; 1: errors (values kiemsat cannot compute with); 2: unreadable (Failure)
    sys.exit(exit_for(ledger.problems))


def _echo_mapping(ledger, as_json: bool) -> None:  # noqa: ANN001 - a reader.Ledger
    """`check --mapping`: for each sheet, how each header was read (the ribbon's «Cách đọc cột» in words)."""
    from macros_py.ledger.mapping import header_words, mapping_report, missing_words, pin_path
    from macros_py.ledger.problems import column_letter
    from macros_py.ledger.schema import PIN_SECTION, SETTINGS_SHEET

    report = mapping_report(ledger)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for sheet in report:
        click.echo(f"Sheet «{sheet['sheet']}» đọc là sổ «{sheet['ledger']}» (dòng tiêu đề {sheet['header_row']}):")
        if sheet.get("reading"):
            click.echo(f"  Cách đọc: {sheet['reading']}.")
        for h in sheet["headers"]:
            how, note = header_words(h)
            click.echo(f"  {column_letter(h['column'])} «{h['header']}» -> {how}" + (f" ({note})" if note else ""))
        for field_label, value in sheet.get("from_sheet_name", {}).items():
            click.echo(f"  «{field_label}» của mọi dòng: «{value}», lấy từ tên sheet (sheet không có cột này)")
        for m in sheet["missing"]:
            what, near = missing_words(m)
            click.echo(f"  {what[0].upper()}{what[1:]}; {near}.")
    click.echo(f"Muốn sửa cách đọc: ghi ở sheet «{SETTINGS_SHEET}», mục «{PIN_SECTION}», hoặc tệp "
               f"«{pin_path(ledger.path).name}» cạnh sổ (xem README, mục Ghim cột).")


@cli.command("demo")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("kiemsat-demo"),
              show_default=True, help="Thư mục ghi kết quả chạy thử.")
@click.option("--today", help="Ngày làm mốc (YYYY-MM-DD); mặc định hôm nay.")
def demo_cmd(folder: Path, today: str | None) -> None:
    """Chạy thử toàn bộ trên dữ liệu mẫu: sổ, thời hạn, quyết định, thống kê, thư cảnh báo."""
    from macros_py.ledger.reader import read_ledger
    from macros_py.workbook.safefile import FileBusy
    from workbook_templates.builder import create_ledger

    day = _parse_day(today)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Failure(describe_os_error(exc, folder, doing="tạo")) from None
    ledger_path = folder / "so_theo_doi_mau.xlsx"
    backups: list[Path | None] = []  # copies of files this demo made itself: removed at the end
    try:
        backups.append(create_ledger(ledger_path, sample=40, seed=1, today=day, overwrite=True))
    except FileBusy as exc:
        raise Failure(str(exc)) from None
    click.echo(f"1. Đã tạo sổ mẫu: {ledger_path}")
    ledger = read_ledger(ledger_path)
    for data in ledger.sheets.values():
        click.echo(f"   - {data.name}: {len(data.records)} dòng")
    click.echo(f"2. Kiểm tra sổ: {len(ledger.problems)} lỗi.")
    for p in ledger.problems[:20]:
        click.echo(f"   - {p}")

    from macros_py.law.deadlines import compute_deadlines
    from macros_py.law.writeback import write_deadlines

    report = compute_deadlines(ledger, day)
    pending = report.pending()
    overdue = [d for d in pending if d.status == "đã quá hạn"]
    soon = [d for d in pending if d.status == "sắp hết hạn"]
    written = write_deadlines(ledger_path, lambda led: compute_deadlines(led, day))
    backups.append(written.backup)
    click.echo(f"3. Thời hạn tố tụng: {len(pending)} thời hạn đang chạy, {len(overdue)} đã quá hạn, "
               f"{len(soon)} sắp hết hạn trong {report.alert_days} ngày; đã ghi vào {written.written} dòng của sổ.")
    for title, group in (("Đã quá hạn", overdue), ("Sắp hết hạn", soon)):
        if group:
            click.echo(f"   {title} ({len(group)}){', 5 thời hạn đầu' if len(group) > 5 else ''}:")
        for d in sorted(group, key=lambda d: d.due)[:5]:
            click.echo(f"   - {d.due.strftime('%d/%m/%Y')} ({due_words(d.days_left)}): {d.sheet_name} dòng {d.row}, "
                       f"{' - '.join(x for x in (d.case, d.person) if x)}: {d.title}")

    from macros_py.decisions.decision_types import DECISION_TYPES_BY_KEY
    from macros_py.decisions.issuing import due_records, issue_decisions

    decisions_dir = folder / "quyet_dinh"
    issued = []
    ledger = read_ledger(ledger_path)
    for type_key, count in (("tin-bao", 3), ("hinh-su", 2)):
        rows = [r.where for r in due_records(ledger, DECISION_TYPES_BY_KEY[type_key], count)]
        batch = issue_decisions(ledger_path, type_key, out_dir=decisions_dir, rows=rows, day=day)
        issued += batch.issued
        backups.append(batch.backup)
    click.echo(f"4. Quyết định phân công: đã ra {len(issued)} quyết định, cấp số từ Sổ quyết định và ghi vào sổ:")
    for item in issued:
        click.echo(f"   - số {item.decision_no}: {item.file}")

    from macros_py.stats.periods import PeriodError, default_period
    from macros_py.stats.report import save_report
    from macros_py.stats.sheet import write_statistics_to_ledger
    from macros_py.workbook.package import backups_kept
    from macros_py.stats.summaries import compute_statistics

    ledger = read_ledger(ledger_path)  # again: it now holds the deadlines and decisions
    try:
        chosen = default_period(day, ledger.settings.get("stats_period"))
    except PeriodError as exc:
        raise Failure(str(exc)) from None
    stats = compute_statistics(ledger, chosen, day)
    backups.append(write_statistics_to_ledger(ledger_path, stats, backups_kept(ledger.settings))[1])
    report_path = folder / "bao_cao_thong_ke.docx"
    backups.append(save_report(report_path, stats, ledger.settings, day))
    click.echo(f"5. Thống kê {stats.period.label}: sheet «Thống kê» trong sổ, báo cáo Word: {report_path}")

    from mailer.service import run_once

    # the demo starts a new sample ledger each time, so it starts a new outbox too
    outbox_dir, db_path = folder / "thu-canh-bao", folder / "canh-bao.sqlite3"
    db_path.unlink(missing_ok=True)
    for old in outbox_dir.glob("*.eml") if outbox_dir.is_dir() else ():
        old.unlink()
    alerts = run_once([ledger_path], day, outbox_dir=outbox_dir, db_path=db_path)
    click.echo("6. Thư cảnh báo thời hạn (gửi vào hộp thư đi trên máy, không gửi ra mạng):")
    for line in alerts.lines():
        click.echo(f"   {line}")
    click.echo(f"   Thư ở thư mục: {alerts.outbox_dir}")
    _remove_backups(backups)
    click.echo(f"Xong. Kết quả ở thư mục: {folder.resolve()}")
    sys.exit(max(exit_for(ledger.problems + report.problems), alerts_exit(alerts)))


def due_words(days_left: int) -> str:
    """«quá hạn 3 ngày», «hết hạn hôm nay», «còn 5 ngày»."""
    if days_left < 0:
        return f"quá hạn {-days_left} ngày"
    return "hết hạn hôm nay" if days_left == 0 else f"còn {days_left} ngày"


def _remove_backups(backups: list[Path | None]) -> None:
    """The demo's own files need no backup: drop the copies, and their folder when it is left empty."""
    folders = set()
    for saved in backups:
        if saved is not None:
            saved.unlink(missing_ok=True)
            folders.add(saved.parent)
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            pass  # holds other files


@cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--so", "code", required=True, help="Số hiệu sổ nghiệp vụ: 01, 03, 04, 07, 08, 21, 22.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp .xlsx ghi sổ nghiệp vụ (không ghi đè tệp đã có).")
@click.option("--pdf", is_flag=True, help="Chuyển cả sang PDF bằng LibreOffice.")
def export_cmd(path: Path, code: str, out: Path, pdf: bool) -> None:
    """In sổ nghiệp vụ theo mẫu của phần mềm quản lý sổ thụ lý từ sổ theo dõi PATH (sổ không bị thay đổi)."""
    from macros_py.documents.pdf import PdfError, to_pdf
    from macros_py.ledger.reader import LedgerError, read_ledger
    from workbook_templates.registers import ExportError, export_register, layout_for

    if out.suffix.lower() != ".xlsx":
        raise Failure(f"tên tệp «{out.name}» cần đuôi .xlsx.")
    if out.exists():
        raise Failure(f"tệp «{out}» đã có; hãy chọn tên khác.")
    try:
        layout = layout_for(code)
        ledger = read_ledger(path)
        n = export_register(ledger, layout.code, out)
        made = to_pdf([out])[0] if pdf else None
    except (LedgerError, ExportError, PdfError) as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(describe_os_error(exc, out)) from None
    click.echo(f"Đã in Sổ {layout.code} ({layout.title}): {n} dòng -> {out}" + (f", {made}" if made else ""))
    if ledger.errors:
        click.echo(f"Lưu ý: sổ có {len(ledger.errors)} lỗi nhập liệu (kiemsat check); ô lỗi để trống.")
    sys.exit(exit_for(ledger.problems))


@cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Sổ mới theo mẫu của kiemsat (.xlsx, không ghi đè tệp đã có).")
def import_cmd(path: Path, out: Path) -> None:
    """Chuyển sổ đơn vị tự lập PATH sang mẫu của kiemsat; sổ cũ không bị thay đổi."""
    from macros_py.ledger.reader import LedgerError, read_ledger
    from macros_py.workbook.safefile import FileBusy
    from workbook_templates.migrate import RESULT_SHEET, migrate

    if out.suffix.lower() != ".xlsx":
        raise Failure(f"tên tệp «{out.name}» cần đuôi .xlsx.")
    if out.exists() or _same_file(out, path):
        raise Failure(f"tệp «{out}» đã có; hãy chọn tên khác (sổ cũ không bao giờ bị ghi đè).")
    try:
        ledger = read_ledger(path)
        moved = migrate(ledger, out)
    except LedgerError as exc:
        raise Failure(str(exc)) from None
    except (FileBusy, FileExistsError) as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(describe_os_error(exc, out)) from None
    if not moved:
        out.unlink(missing_ok=True)
        raise Failure(f"không tìm thấy sổ nào trong «{path.name}» để chuyển.")
    click.echo(f"Đã chuyển sang {out}: " + ", ".join(f"{n} dòng «{t}»" for t, n in moved.items()) + ".")
    click.echo(f"Xem sheet «{RESULT_SHEET}» trong sổ mới: cột nào đọc thành gì, {len(ledger.errors)} lỗi, "
               f"{len(ledger.warnings)} cảnh báo.")
    sys.exit(exit_for(ledger.problems))


def _same_file(a: Path, b: Path) -> bool:
    """The same file by two names; a path that cannot be resolved (links pointing in a loop) is nobody's."""
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


@cli.command(cmd("deadlines").cli_name)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--today", help="Ngày làm mốc tính số ngày còn lại (YYYY-MM-DD); mặc định hôm nay.")
@click.option("--within", type=AsciiInt(min=0), metavar="SỐ_NGÀY",
              help="Chỉ liệt kê thời hạn còn không quá SỐ_NGÀY ngày (kể cả đã quá hạn).")
@click.option("--json", "as_json", is_flag=True, help="In danh sách thời hạn dạng JSON.")
@click.option("--all", "show_all", is_flag=True, help="Liệt kê cả các thời hạn đã xong.")
@click.option("--write", is_flag=True,
              help="Ghi hạn tiếp theo, số ngày còn lại và căn cứ vào sổ (tệp cũ được sao lưu trước).")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Bảng thời hạn riêng của đơn vị (TOML); mặc định bảng kèm theo kiemsat.")
@verbose_option
def deadlines_cmd(path: Path, today: str | None, within: int | None, as_json: bool, show_all: bool,
                  write: bool, rules_path: Path | None, verbose: bool) -> None:
    """Liệt kê các thời hạn tố tụng của sổ PATH, sớm nhất trước, kèm căn cứ pháp lý."""
    from macros_py.law.deadlines import compute_deadlines
    from macros_py.law.rules import RulesError, load_rules
    from macros_py.law.writeback import WritebackError, write_deadlines
    from macros_py.ledger.reader import LedgerError, read_ledger
    from macros_py.ledger.values import fmt_date
    from macros_py.workbook.safefile import FileBusy

    day = _parse_day(today)
    result = None
    ledger_errors: list = []  # the ledger's own input errors (not the ledger: --write frees it before writing)
    ledger_unsure: list = []  # headers read by a partial match, for columns deadlines are computed from

    notes: list[str] = []  # the sheets read and left out, when a kind has several or some are not kiemsat's

    def compute(led):  # noqa: ANN001, ANN202 - a reader.Ledger, a DeadlineReport
        notes[:] = reading_notes(led)
        ledger_errors[:] = [p for p in led.problems if p.is_error]
        ledger_unsure[:] = [p for p in led.problems if p.confirm]
        return compute_deadlines(led, day, rules=rules)

    try:
        rules = load_rules(rules_path)
        if write:  # one read, under the writers' lock: what is listed is what is written
            result = write_deadlines(path, compute)
            report = result.report
        else:
            report = compute(read_ledger(path))
    except (LedgerError, RulesError, FileBusy, WritebackError) as exc:
        raise Failure(str(exc)) from None
    except RecursionError:
        raise Failure(f"bảng thời hạn «{rules_path}» lồng nhau quá sâu, không phải bảng thời hạn của kiemsat.") from None
    except ValueError as exc:  # a contradictory calendar in Cấu hình
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(describe_os_error(exc, path)) from None
    shown = [d for d in report.deadlines if (show_all or not d.done)
             and (within is None or d.days_left <= within)]
    echo_note = (lambda text: click.echo(text, err=True)) if as_json else click.echo

    if as_json:
        click.echo(json.dumps([d.as_dict() for d in shown], ensure_ascii=False, indent=1))
    else:
        overdue = sum(d.status == "đã quá hạn" for d in shown)
        if within is not None and within <= report.alert_days:
            due_soon = sum(0 <= d.days_left <= within and not d.done for d in shown)
            counts = f"{overdue} đã quá hạn, {due_soon} hết hạn trong {within} ngày tới"
            scope = f" đã quá hạn hoặc hết hạn trong {within} ngày tới"
        else:
            soon = sum(d.status == "sắp hết hạn" for d in shown)
            counts = f"{overdue} đã quá hạn, {soon} sắp hết hạn trong {report.alert_days} ngày"
            scope = f" còn không quá {within} ngày hoặc đã quá hạn" if within is not None else ""
        click.echo(f"Sổ «{path.name}», tính đến ngày {fmt_date(day)}: {len(shown)} thời hạn{scope} ({counts}).")
        for note in notes:
            click.echo(note)
        if shown:
            from macros_py.law.urgency import band_for, due_text

            click.echo(f"{'Hạn':<10}  {'Còn':>5}  {'Mức':<12}  {'Sổ, dòng':<30}  {'Vụ việc':<28}  KSV / PVT")

            def rows():
                for d in shown:
                    where = f"{d.sheet_name}, dòng {d.row}"
                    case = " - ".join(x for x in (d.case, d.person) if x)
                    staff = " / ".join(x or "?" for x in (d.prosecutor, d.leader))
                    level = "ĐÃ XONG" if d.done else band_for(d, alert_days=report.alert_days).word
                    hour = f"{'':<10}  {'':>5}  hết hạn {due_text(d.due, d.due_time)}\n" if d.due_time else ""
                    yield (f"{fmt_date(d.due):<10}  {d.days_left:>5}  {level:<12}  {where:<30}  {case:<28}  "
                           f"{staff}\n{hour}{'':<10}  {'':>5}  {d.basis}\n{'':<10}  {'':>5}  Việc cần làm: {d.action}")
            echo_details(rows(), verbose, indent="")
    if report.problems:
        echo_note(f"Cần kiểm tra ({len(report.problems)}):")
        echo_details((f"- {p}" for p in report.problems), verbose, err=as_json)
    if ledger_errors:
        echo_note(f"Lưu ý: sổ có {len(ledger_errors)} lỗi nhập liệu (kiemsat check); ô lỗi không được tính thời hạn.")
    for p in ledger_unsure:
        echo_note(f"Cần xác nhận: {p}")

    if result is not None:
        if result.backup is None:
            echo_note("Sổ đã ghi đúng các thời hạn này; không phải ghi gì thêm.")
        else:
            echo_note(f"Đã ghi hạn tiếp theo vào {result.written} dòng, xóa {result.cleared} dòng đã xong; "
                      f"tệp cũ được sao lưu tại: {result.backup}")
        for note in result.notes:
            echo_note(f"  - {note}")
        if result.moved:
            echo_note(f"Hạn đã thay đổi so với sổ trước khi ghi ({len(result.moved)}):")
            for moved in result.moved:
                echo_note(f"  - {moved}")
    sys.exit(exit_for(report.problems + ledger_errors + ledger_unsure))


@cli.command("holidays")
@click.argument("year", type=click.IntRange(1990, 2100))
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Sổ có sheet «Cấu hình» để tính cả ngày nghỉ bù, ngày làm bù của đơn vị.")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
def holidays_cmd(year: int, ledger_path: Path | None, as_json: bool) -> None:
    """In các ngày nghỉ (và ngày làm bù) của năm YEAR mà kiemsat dùng để tính hạn, kèm nguồn."""
    from macros_py.law.counting import weekday_name
    from macros_py.law.deadlines import calendar_for
    from macros_py.law.workcalendar import UNCONFIRMED, WorkCalendar, year_source
    from macros_py.ledger.reader import LedgerError, read_ledger
    from macros_py.ledger.values import fmt_date

    calendar = WorkCalendar.default()
    if ledger_path is not None:
        try:
            calendar = calendar_for(read_ledger(ledger_path).settings)
        except (LedgerError, ValueError) as exc:
            raise Failure(str(exc)) from None
    days = calendar.year_listing(year)
    origin = year_source(year)
    if as_json:
        click.echo(json.dumps([{"date": d.day.isoformat(), "day_off": off, "name": d.name, "source": d.source,
                                "confirmed": d.day not in origin.unconfirmed}
                               for d, off in days], ensure_ascii=False, indent=1))
        return
    click.echo(f"Năm {year}: ngoài thứ Bảy, Chủ nhật, kiemsat tính {sum(off for _, off in days)} ngày nghỉ "
               f"và {sum(not off for _, off in days)} ngày làm bù.")
    click.echo(f"Nguồn: {origin.source}" if origin.confirmed or origin.source.startswith(UNCONFIRMED)
               else f"Nguồn ({UNCONFIRMED}): {origin.source}")
    if origin.possible:
        click.echo("Có thể thành ngày nghỉ (lịch dự kiến khác): "
                   + ", ".join(fmt_date(d) for d in sorted(origin.possible)))
    for d, off in days:
        kind = "nghỉ   " if off else "làm bù "
        click.echo(f"{fmt_date(d.day)}  {weekday_name(d.day):<8}  {kind}  {d.name}  [{d.source}]")


from addin.commands.cli_addin import addin_group, doctor_cmd  # noqa: E402 - the add-in's sub-commands

cli.add_command(addin_group)
cli.add_command(doctor_cmd)

from addin.commands.cli_intake import intake_cmd  # noqa: E402 - kiemsat intake (macros_py/intake)

cli.add_command(intake_cmd)

from addin.commands.cli_store import (  # noqa: E402 - the shared store's sub-commands
    province_cmd,
    publish_cmd,
    report_group,
    store_group,
)

for _command in (publish_cmd, province_cmd, report_group, store_group):
    cli.add_command(_command)


def _decision_types_help() -> str:
    from macros_py.decisions.decision_types import DECISION_TYPES

    return ("Loại quyết định: " + ", ".join(t.key for t in DECISION_TYPES) + "; và các loại đơn vị tự thêm "
            "trong thư mục --templates (kiemsat templates check --templates THƯ_MỤC liệt kê tất cả).")


def _parse_decision_day(value: str | None) -> date:
    if value and "/" in value:
        from macros_py.ledger.values import BadValue, parse_date

        try:
            parsed = parse_date(value)
        except BadValue as exc:
            raise Failure(f"ngày «{value}»: {exc}.") from None
        if parsed is None:
            raise Failure(f"ngày «{value}» không hợp lệ.")
        return _in_range(parsed, value)
    return _parse_day(value)


@cli.command(cmd("decisions").cli_name)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--type", "type_key", required=True, help=_decision_types_help())
@click.option("--rows", help="Các dòng Excel cần ra quyết định, ví dụ 5,7-9.")
@click.option("--case", "case_id", help="Mã vụ án (hoặc số thụ lý tin báo, số bản án).")
@click.option("--sheet", "sheet_name", help="Tên sheet của các dòng (--rows), khi sổ có nhiều sheet cùng loại, "
                                            "ví dụ --sheet \"KSV Trần Thị Bình\".")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục ghi quyết định (mỗi vụ một thư mục con).")
@click.option("--date", "day", help="Ngày quyết định (dd/mm/yyyy hoặc YYYY-MM-DD); mặc định hôm nay.")
@click.option("--until", "until", help="Quyết định gia hạn: gia hạn đến hết ngày (dd/mm/yyyy).")
@click.option("--signer", help="Họ tên người ký (Viện trưởng hoặc Phó Viện trưởng); mặc định PVT phụ trách của dòng.")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục mẫu của đơn vị: tệp .docx cùng tên thay mẫu gốc; mỗi thư mục con có manifest.toml "
                   "là một loại quyết định riêng.")
@click.option("--reissue", is_flag=True, help="Dòng đã có số quyết định loại này: ra số mới thay thế (số cũ được "
                                               "đánh dấu «đã được thay thế» trong Sổ quyết định).")
@click.option("--force", is_flag=True, help="Vẫn ra cho dòng đã qua giai đoạn (tin báo đã giải quyết, vụ án đã xét xử); "
                                            "dòng thiếu thông tin bắt buộc thì chỉ soạn DỰ THẢO có đánh dấu chỗ thiếu.")
@click.option("--all-or-nothing", "all_or_nothing", is_flag=True,
              help="Một dòng không ra được thì không ra quyết định nào.")
@click.option("--preview", is_flag=True, help="Xem trước: bản DỰ THẢO không số, không ghi sổ.")
@click.option("--pdf", is_flag=True, help="Chuyển cả loạt sang PDF bằng LibreOffice (một lần gọi).")
@click.option("--combined", is_flag=True, help="Thêm một tệp gộp tất cả quyết định để in.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@verbose_option
def decide_cmd(path: Path, type_key: str, rows: str | None, case_id: str | None, sheet_name: str | None,
               out_dir: Path, day: str | None,
               until: str | None, signer: str | None, templates_dir: Path | None, reissue: bool, force: bool,
               all_or_nothing: bool, preview: bool, pdf: bool, combined: bool, as_json: bool,
               verbose: bool) -> None:
    """Ra quyết định hàng loạt từ các dòng của sổ PATH: cấp số, ghi sổ, ghi tệp."""
    from macros_py.decisions.issuing import AllRefused, DecisionError, Options, issue_decisions, parse_rows
    from macros_py.decisions.register import RegisterError
    from macros_py.documents.pdf import PdfError
    from macros_py.ledger.reader import LedgerError
    from macros_py.workbook.safefile import FileBusy

    from macros_py.decisions.manifest import load_types

    known = load_types(templates_dir if templates_dir is not None and templates_dir.is_dir() else None).types
    if type_key not in known:  # a mistyped --type is a usage error, like a wrong choice
        raise click.UsageError(f"--type «{type_key}» không phải loại quyết định nào (chọn một trong: "
                               f"{', '.join(sorted(known))}; danh sách đầy đủ: kiemsat templates check)",
                               ctx=click.get_current_context())
    if bool(rows) == bool(case_id):
        raise Failure("cần đúng một trong hai: --rows (ví dụ 5,7-9) hoặc --case MÃ_VỤ_ÁN.")
    if rows and not all(c in "0123456789,- " for c in rows):
        raise Failure(f"--rows «{rows}»: chỉ gồm chữ số 0-9, dấu phẩy và dấu gạch ngang, ví dụ 5,7-9.")
    try:
        row_numbers = parse_rows(rows) if rows else None
    except ValueError as exc:
        raise Failure(f"--rows: {exc}.") from None
    options = Options(reissue=reissue, force=force, all_or_nothing=all_or_nothing, preview=preview,
                      until=_parse_decision_day(until) if until else None)
    try:
        batch = issue_decisions(path, type_key, out_dir=out_dir, rows=row_numbers, case=case_id, sheet=sheet_name,
                                day=_parse_decision_day(day), signer=signer, templates_dir=templates_dir,
                                pdf=pdf, combined=combined, options=options)
    except AllRefused as exc:  # every row refused with its reason: 1, as when some rows are (README)
        if as_json:
            click.echo(json.dumps({"issued": [], "rejected": exc.messages, "drafts": [], "voided": [],
                                   "preview": preview}, ensure_ascii=False, indent=1))
        else:
            click.echo(f"Chưa ra quyết định nào: cả {len(exc.messages)} dòng không ra được:", err=True)
            echo_details((f"- {m}" for m in exc.messages), verbose, err=True)
        sys.exit(EXIT_PROBLEMS)
    except DecisionError as exc:
        if as_json:
            click.echo(json.dumps({"errors": exc.messages}, ensure_ascii=False, indent=1))
        else:
            messages = _missing_rows_explained(exc.messages, path, type_key)
            click.echo(f"Chưa ra quyết định nào ({len(messages)} lỗi):", err=True)
            echo_details((f"- {m}" for m in messages), verbose, err=True)
        sys.exit(EXIT_FAIL)
    except (LedgerError, FileBusy, RegisterError, PdfError) as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(describe_os_error(exc, out_dir)) from None
    if as_json:
        click.echo(json.dumps({"issued": [i.as_dict() for i in batch.issued], "rejected": batch.rejected,
                               "drafts": [d.as_dict() for d in batch.drafts],
                               "voided": [v.as_dict() for v in batch.recovered],
                               "preview": batch.preview}, ensure_ascii=False, indent=1))
    else:
        _print_batch(batch, verbose)
    sys.exit(EXIT_PROBLEMS if batch.rejected or batch.drafts else EXIT_OK)


def _row_words(item) -> str:  # noqa: ANN001 - an issuing.Issued
    """«dòng 5», or «dòng 5 sheet «KSV An»» when the row's sheet is not its kind's only one."""
    return f"dòng {item.row}" + (f" sheet «{item.sheet}»" if item.several else "")


def _print_batch(batch, verbose: bool) -> None:  # noqa: ANN001 - issuing.Batch is imported lazily
    total = len(batch.issued) + len(batch.rejected)
    if batch.preview:
        click.echo(f"Đã soạn {len(batch.issued)} bản DỰ THẢO (không cấp số, không ghi sổ):")
    else:
        click.echo(f"Đã ra {len(batch.issued)} quyết định, ghi vào Sổ quyết định (bản sao lưu: {batch.backup}):")
    echo_details((f"- {_row_words(item)}: {'' if batch.preview else 'số ' + item.decision_no + ' '}-> "
                  f"{item.pdf or item.file}" for item in batch.issued), verbose)
    if batch.combined:
        click.echo(f"Tệp gộp để in: {batch.combined_pdf or batch.combined}")
    if batch.drafts:
        click.echo(f"Thiếu thông tin bắt buộc, chỉ soạn {len(batch.drafts)} bản DỰ THẢO (không cấp số, không ghi sổ; "
                   "chỗ thiếu ghi «[THIẾU: ...]»):")
        echo_details((f"- {_row_words(d)}: -> {d.pdf or d.file}" for d in batch.drafts), verbose)
    if batch.rejected:
        click.echo(f"Không ra cho {len(batch.rejected)} dòng:")
        echo_details((f"- {m}" for m in batch.rejected), verbose)
    for warning in [*map(str, batch.recovered), *batch.warnings]:
        click.echo(f"Lưu ý: {warning}")
    click.echo(f"Tổng cộng: {len(batch.issued)}/{total} dòng "
               f"{'đã soạn dự thảo' if batch.preview else 'đã ra quyết định'}, {len(batch.rejected)} dòng không ra.")


_NO_DATA = re.compile(r"^dòng (\d+): không có dữ liệu trong sheet «(.+)»\.$")


def _row_spans(rows: list[int]) -> str:
    """[1, 33, 34, 35] -> «1, 33-35»."""
    spans: list[list[int]] = []
    for r in sorted(rows):
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _missing_rows_explained(messages: list[str], path: Path, type_key: str) -> list[str]:
    """The rows with no data folded into one line that says where the sheet's data starts and ends."""
    missing = [int(m.group(1)) for m in map(_NO_DATA.match, messages) if m]
    if not missing:
        return messages
    from macros_py.decisions.decision_types import DECISION_TYPES
    from macros_py.ledger.reader import LedgerError, read_ledger

    sheet = next(m.group(2) for m in map(_NO_DATA.match, messages) if m)
    line = f"dòng {_row_spans(missing)} không có dữ liệu trong sheet «{sheet}»"
    try:
        spec = next(t.spec for t in DECISION_TYPES if t.key == type_key)
        data = read_ledger(path).sheet_named(sheet)
    except (LedgerError, StopIteration):
        data = None
    if data is not None and data.records:
        first, last = min(r.row for r in data.records), max(r.row for r in data.records)
        head = f"dòng 1-{data.header_row} là phần tiêu đề" if data.header_row > 1 else "dòng 1 là dòng tiêu đề"
        line += (f"; {head}, dữ liệu ở dòng {first} đến {last} "
                 f"(ví dụ --rows {first}-{min(last, first + 4)})")
    elif data is not None:
        line += f"; sheet chưa có dòng dữ liệu nào (dòng tiêu đề là dòng {data.header_row})"
    return [line + "."] + [m for m in messages if not _NO_DATA.match(m)]


@cli.group("templates")
def templates_group() -> None:
    """Mẫu quyết định (.docx)."""


@templates_group.command("check")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục chứa mẫu đơn vị đã sửa.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def templates_check_cmd(templates_dir: Path | None, as_json: bool) -> None:
    """Kiểm tra các loại quyết định (thư mục mẫu: manifest.toml và tệp .docx): trường của từng mẫu,
    thông tin bắt buộc, và các trường sổ không cung cấp được."""
    from macros_py.decisions.decision_types import template_path
    from macros_py.decisions.issuing import unknown_fields
    from macros_py.decisions.manifest import load_types
    from macros_py.decisions.merge import CompiledTemplate, MergeError

    if templates_dir is not None and not templates_dir.is_dir():
        raise Failure(f"không có thư mục mẫu «{templates_dir}» (--templates).")
    typeset = load_types(templates_dir)
    report = []
    for dtype in sorted(typeset.types.values(), key=lambda t: (t.key in typeset.own, t.key)):
        path = template_path(dtype, templates_dir)
        item: dict = {"type": dtype.key, "title": dtype.title, "sheet": dtype.spec.title, "template": str(path),
                      "own": dtype.key in typeset.own, "form": dtype.form,
                      "required_facts": [{"field": f.field, "reason": f.reason} for f in dtype.required]}
        try:
            compiled = CompiledTemplate(path)
        except (OSError, MergeError) as exc:
            item["error"] = str(exc)
        else:
            item["fields"] = sorted(compiled.fields)
            item["required"] = sorted(compiled.required)
            item["unknown"] = unknown_fields(dtype, compiled)
        report.append(item)
    bad = [i for i in report if i.get("error") or i.get("unknown")]
    if as_json:
        click.echo(json.dumps({"types": report, "problems": typeset.problems}, ensure_ascii=False, indent=1))
    else:
        for item in report:
            own = " [của đơn vị]" if item["own"] else ""
            click.echo(f"{item['type']}: {item['title']} (sheet «{item['sheet']}»){own}")
            click.echo(f"  mẫu: {item['template']}")
            if item["form"]:
                click.echo(f"  theo mẫu: {item['form']}")
            if item.get("error"):
                click.echo(f"  LỖI: {item['error']}")
                continue
            click.echo(f"  trường: {', '.join(item['fields'])}")
            optional = sorted(set(item["fields"]) - set(item["required"]))
            if optional:
                click.echo(f"  được để trống: {', '.join(optional)}")
            if item["required_facts"]:
                click.echo("  bắt buộc: " + ", ".join(f["field"] for f in item["required_facts"]))
            if item["unknown"]:
                click.echo(f"  SỔ KHÔNG CÓ: {', '.join(item['unknown'])}")
        for problem in typeset.problems:
            click.echo(f"LỖI: {problem}")
        total = len(report) + len(typeset.problems)
        click.echo(f"{len(report) - len(bad)}/{total} mẫu dùng được." if bad or typeset.problems else
                   f"Cả {len(report)} mẫu dùng được.")
    sys.exit(EXIT_PROBLEMS if bad or typeset.problems else EXIT_OK)


@cli.command(cmd("statistics").cli_name)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", help="Kỳ báo cáo: 2026-M03 (tháng 3/2026, cũng là kỳ thống kê tháng của ngành), "
                               "2026-Q1 (quý I), 2026-H1 / 2026-H2 (6 tháng đầu / cuối năm dương lịch), 2026 (năm "
                               "dương lịch); kỳ thống kê của ngành: 2026-K6 (6 tháng năm 2026: 01/12/2025 - "
                               "31/05/2026), 2026-K12 (12 tháng năm 2026: 01/12/2025 - 30/11/2026). Mặc định theo "
                               "«Kỳ thống kê» ở sheet Cấu hình (6 tháng chứa ngày --today).")
@click.option("--today", help="Ngày tính thời hạn quá hạn, sắp hết hạn (YYYY-MM-DD); mặc định hôm nay.")
@click.option("--out", "outs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Ghi báo cáo: .docx (báo cáo Word có bảng và biểu đồ) hoặc .xlsx (sheet Thống kê); "
                   "dùng nhiều lần được.")
@click.option("--write", is_flag=True, help="Ghi (thay) sheet «Thống kê» vào sổ PATH (tệp cũ được sao lưu trước).")
@click.option("--json", "as_json", is_flag=True, help="In số liệu dạng JSON.")
@verbose_option
def stats_cmd(path: Path, period: str | None, today: str | None, outs: tuple[Path, ...], write: bool,
              as_json: bool, verbose: bool) -> None:
    """Thống kê số liệu của sổ PATH cho lãnh đạo: theo KSV, PVT, loại, giai đoạn, số hóa, thời hạn, quyết định."""
    from macros_py.ledger.reader import LedgerError, read_ledger
    from macros_py.ledger.values import fmt_date
    from macros_py.stats.periods import PeriodError, default_period, parse_period
    from macros_py.stats.report import covered_span, highlights, save_report
    from macros_py.stats.sheet import (
        save_statistics_workbook,
        write_statistics_to_ledger,
    )
    from macros_py.stats.summaries import compute_statistics, format_share
    from macros_py.workbook.package import backups_kept
    from macros_py.workbook.safefile import FileBusy

    from macros_py.workbook.safefile import ensure_not_open

    day = _parse_day(today)
    bad = [o for o in outs if o.suffix.lower() not in (".docx", ".xlsx")]
    if bad:
        raise Failure(f"--out «{bad[0].name}»: cần đuôi .docx hoặc .xlsx.")
    try:  # refuse before anything is written or printed: a report of a ledger that is not saved is wrong too
        for target in ([path] if write else []) + list(outs):
            ensure_not_open(target)
    except FileBusy as exc:
        raise Failure(f"không lập thống kê: {exc}") from None
    try:
        ledger = read_ledger(path)
        chosen = parse_period(period) if period else default_period(day, ledger.settings.get("stats_period"))
        stats = compute_statistics(ledger, chosen, day)
    except (LedgerError, PeriodError) as exc:
        raise Failure(str(exc)) from None
    except ValueError as exc:  # a contradictory calendar in Cấu hình
        raise Failure(str(exc)) from None
    echo_note = (lambda text: click.echo(text, err=True)) if as_json else click.echo
    if as_json:
        click.echo(json.dumps(stats.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(f"Sổ «{path.name}», kỳ {chosen.label} ({covered_span(stats, day)}); thời hạn tính đến "
                   f"ngày {fmt_date(day)}.")
        for note in reading_notes(ledger):
            click.echo(note)
        for sentence in highlights(stats):
            click.echo(f"  {sentence}")
        if verbose:
            for table in stats.tables:
                click.echo(f"{table.title}:")
                for label, values in [*table.rows, *([("Cộng", table.total)] if table.total is not None else [])]:
                    shown = ", ".join(f"{c}: {format_share(v) if j in table.shares else v}"
                                      for j, (c, v) in enumerate(zip(table.columns, values)))
                    click.echo(f"  - {label}: {shown}")
        else:
            where = "" if outs else ", --out để ghi báo cáo"
            click.echo(f"  ({len(stats.tables)} bảng số liệu: thêm --verbose để in ra đây{where}.)")
    try:
        for out in outs:
            if out.suffix.lower() == ".docx":
                save_report(out, stats, ledger.settings, day)
            else:
                save_statistics_workbook(out, stats)
            echo_note(f"Đã ghi: {out}")
        if write:
            sheet, saved = write_statistics_to_ledger(path, stats, backups_kept(ledger.settings))
            echo_note(f"Đã ghi sheet «{sheet}» vào sổ; tệp cũ được sao lưu tại: {saved}")
    except FileBusy as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(describe_os_error(exc, out if outs else path)) from None
    if ledger.errors:
        echo_note(f"Lưu ý: sổ có {len(ledger.errors)} lỗi nhập liệu (kiemsat check); ô lỗi không được tính.")
    sys.exit(exit_for(ledger.problems))


@cli.group(cmd("send_alerts").cli_name)
def alerts_group() -> None:
    """Cảnh báo thời hạn qua thư điện tử cho Kiểm sát viên và lãnh đạo."""


def _setup_log(config) -> None:  # noqa: ANN001 - mailer.config is imported lazily
    from mailer.service import setup_logging

    try:
        setup_logging(config.log_file)
    except OSError as exc:
        raise Failure(f"không mở được tệp nhật ký «{config.log_file}» («log_file» trong tệp cấu hình): "
                      f"{os_reason(exc)}; «log_file» cần đường dẫn một tệp, ví dụ canh-bao.log.") from None


def _alerts_config(config_path: Path | None):  # noqa: ANN202 - mailer.config is imported lazily
    from mailer.config import ConfigError, load_config

    try:
        return load_config(config_path)
    except ConfigError as exc:
        raise Failure(str(exc)) from None


@alerts_group.command("run-once")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@alert_run_options
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@verbose_option
def alerts_run_once_cmd(paths: tuple[Path, ...], today: str | None, dry_run: bool, config_path: Path | None,
                        outbox_dir: Path | None, as_json: bool, verbose: bool) -> None:
    """Gửi một lần các cảnh báo đến hạn của các sổ PATH (mặc định: các sổ trong tệp cấu hình)."""
    from mailer.config import ConfigError
    from mailer.service import run_once

    day = _parse_day(today)
    config = _alerts_config(config_path)
    ledgers = list(paths) or config.ledgers
    if not ledgers:
        raise Failure("chưa có sổ nào: ghi đường dẫn sổ sau lệnh, hoặc khai báo «ledgers» trong tệp cấu hình.")
    if not dry_run:
        _setup_log(config)
    try:
        result = run_once(ledgers, day, config=config, outbox_dir=outbox_dir, dry_run=dry_run)
    except ConfigError as exc:
        raise Failure(str(exc)) from None
    except sqlite3.Error as exc:
        raise Failure(describe_sqlite_error(exc, config.db_path)) from None
    if as_json:
        click.echo(json.dumps({
            "today": day.isoformat(), "dry_run": dry_run, "ledgers": result.ledgers, "planned": result.planned,
            "new": result.new, "notes": result.notes, "warnings": result.warnings,
            "digests": [{"recipient": c.recipient, "subject": c.subject, "alerts": len(c.keys),
                         "message_id": c.message_id} for c in result.digests],
            "sent": [vars(d) for d in result.sent], "failed": [vars(d) for d in result.failed],
            "stopped": result.report.stopped,
            "moved": [{"sheet": m.sheet, "row": m.row, "case": m.case, "old": m.old.isoformat() if m.old else None,
                       "new": m.new.isoformat() if m.new else None, "reason": m.reason} for m in result.moved]},
            ensure_ascii=False, indent=1))
    else:
        echo_report(result.lines(), verbose)
    if result.report.stopped and not result.sent:
        sys.exit(EXIT_FAIL)
    sys.exit(alerts_exit(result))


def alerts_exit(result) -> int:  # noqa: ANN001 - a mailer.service.RunResult
    """1 when a mail was not sent or something stopped an alert (`RunResult.notes`: lỗi); its
    `warnings` (a setting not understood and replaced by its default) alone give 0."""
    return EXIT_PROBLEMS if result.failed or result.notes else EXIT_OK


@alerts_group.command("serve")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp cấu hình cảnh báo (TOML).")
def alerts_serve_cmd(config_path: Path | None) -> None:
    """Chạy dịch vụ cảnh báo: gửi hằng ngày vào giờ đã đặt, gửi lại thư chưa gửi được (Ctrl+C để dừng)."""
    from mailer.config import ConfigError
    from mailer.service import send_time_for, serve

    config = _alerts_config(config_path)
    _setup_log(config)
    if not config.ledgers:
        raise Failure("tệp cấu hình chưa khai báo sổ nào («ledgers»).")
    click.echo(f"Dịch vụ cảnh báo: {len(config.ledgers)} sổ, gửi lúc {send_time_for(config).strftime('%H:%M')} "
               f"hằng ngày; nhật ký: {config.log_file}. Nhấn Ctrl+C để dừng.")
    try:
        serve(config)
    except ConfigError as exc:
        raise Failure(str(exc)) from None
    except sqlite3.Error as exc:
        raise Failure(describe_sqlite_error(exc, config.db_path)) from None


@alerts_group.command("status")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp cấu hình cảnh báo (TOML).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@verbose_option
def alerts_status_cmd(config_path: Path | None, as_json: bool, verbose: bool) -> None:
    """Thư cảnh báo đã gửi, đang chờ gửi và gửi không được."""
    from mailer.outbox import local_time
    from mailer.service import status

    from mailer.service import policy_warnings

    config = _alerts_config(config_path)
    for warning in policy_warnings(config):
        click.echo(f"Cảnh báo: {warning}", err=True)
    assert config.db_path is not None
    if not config.db_path.exists():
        raise Failure(f"chưa có sổ thư cảnh báo «{config.db_path}»: chưa lần nào chạy gửi cảnh báo.")
    try:
        st = status(config.db_path)
    except sqlite3.Error as exc:
        raise Failure(describe_sqlite_error(exc, config.db_path)) from None
    if as_json:
        click.echo(json.dumps({"database": str(config.db_path), "alerts": st.alerts, "messages": st.messages,
                               "waiting": [vars(d) for d in st.waiting], "failed": [vars(d) for d in st.failed],
                               "last_sent": st.last_sent, "last_sent_local": local_time(st.last_sent)},
                              ensure_ascii=False, indent=1))
    else:
        from mailer.service import RESEND_HINT

        a, m = st.alerts, st.messages
        click.echo(f"Sổ thư cảnh báo: {config.db_path}")
        click.echo(f"Cảnh báo: {a.get('sent', 0)} đã gửi, {a.get('pending', 0)} chờ gửi, "
                   f"{a.get('cancelled', 0)} đã hủy (bước đã xong hoặc hạn đã đổi).")
        click.echo(f"Thư: {m.get('sent', 0)} đã gửi, {len(st.waiting)} chờ gửi, {len(st.failed)} gửi không được"
                   + (f"; lần gửi gần nhất {local_time(st.last_sent)} (giờ máy này)." if st.last_sent else "."))

        def failed_line(d) -> str:  # noqa: ANN001
            why = "máy chủ từ chối" if d.permanent else "đã thử nhiều lần"
            return f"KHÔNG GỬI ĐƯỢC ({why}, {local_time(d.when)}): {d.recipient}: {d.subject}: {d.error}"

        echo_details([*(f"chờ gửi: {d.recipient}: {d.subject}"
                        + (f" (lần trước, {local_time(d.when)}: {d.error})" if d.error else "") for d in st.waiting),
                      *(failed_line(d) for d in st.failed)], verbose)
        if any(d.permanent for d in st.failed):
            click.echo(f"Thư bị máy chủ từ chối không tự gửi lại: {RESEND_HINT}.")
    sys.exit(EXIT_PROBLEMS if st.failed else EXIT_OK)


@alerts_group.command("resend")
@click.option("--failed", "failed_only", is_flag=True, help="Chỉ gửi lại thư gửi không được (máy chủ từ chối).")
@click.option("--since", metavar="NGÀY", help="Chỉ các thư tạo từ ngày này (YYYY-MM-DD); không có --failed thì "
              "gửi lại cả thư đã gửi.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp cấu hình cảnh báo (TOML).")
def alerts_resend_cmd(failed_only: bool, since: str | None, config_path: Path | None) -> None:
    """Gửi lại thư cảnh báo: thư bị máy chủ từ chối (--failed), hoặc mọi thư từ một ngày (--since)."""
    from mailer.config import ConfigError
    from mailer.service import resend, summary_lines

    if not failed_only and since is None:
        raise Failure("ghi --failed (gửi lại thư bị từ chối) hoặc --since NGÀY (gửi lại mọi thư từ ngày đó).")
    day = _parse_day(since) if since is not None else None
    config = _alerts_config(config_path)
    assert config.db_path is not None
    if not config.db_path.exists():
        raise Failure(f"chưa có sổ thư cảnh báo «{config.db_path}»: chưa lần nào chạy gửi cảnh báo.")
    _setup_log(config)
    try:
        queued, report = resend(config, failed_only=failed_only, since=day)
    except ConfigError as exc:
        raise Failure(str(exc)) from None
    except sqlite3.Error as exc:
        raise Failure(describe_sqlite_error(exc, config.db_path)) from None
    click.echo(f"Đưa lại vào hàng gửi {queued} thư.")
    for line in summary_lines(report, config.outbox_dir if config.transport == "eml" else None):
        click.echo(line)
    sys.exit(EXIT_PROBLEMS if report.failed else EXIT_OK)


@alerts_group.command("list")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--today", help="Ngày làm mốc (YYYY-MM-DD); mặc định hôm nay.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Ghi danh sách ra tệp Word (.docx), mỗi Kiểm sát viên một trang.")
@click.option("--pdf", is_flag=True, help="Ghi thêm bản PDF để in (cần LibreOffice).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp cấu hình cảnh báo (TOML); dùng danh sách sổ «ledgers» khi không ghi sổ nào.")
def alerts_list_cmd(paths: tuple[Path, ...], today: str | None, out: Path | None, pdf: bool,
                    config_path: Path | None) -> None:
    """In danh sách thời hạn quá hạn, hết hạn hôm nay và trong tuần, theo từng Kiểm sát viên (khi không gửi thư)."""
    from macros_py.ledger.reader import LedgerError, read_ledger
    from mailer.printout import build_lists, lines_for, write_docx

    day = _parse_day(today)
    sources = list(paths) or _alerts_config(config_path).ledgers
    if not sources:
        raise Failure("chưa có sổ nào: ghi đường dẫn sổ sau lệnh, hoặc khai báo «ledgers» trong tệp cấu hình.")
    ledgers, bad = [], []
    for path in sources:
        try:
            ledgers.append(read_ledger(path))
        except LedgerError as exc:
            bad.append(str(exc))
    if not ledgers:
        raise Failure(" ".join(bad))
    lists = build_lists(ledgers, day)
    for line in lines_for(lists, day):
        click.echo(line)
    if pdf or out is not None:
        target = out or Path(f"thoi-han-tuan-{day.isoformat()}.docx")
        try:
            write_docx(lists, day, target)
        except OSError as exc:
            raise Failure(f"không ghi được «{target}»: {os_reason(exc)}.") from None
        click.echo(f"Đã ghi {target}: {len(lists)} Kiểm sát viên, mỗi người từ một trang mới.")
        if pdf:
            from macros_py.documents.pdf import PdfError, to_pdf

            try:
                [made] = to_pdf([target])
            except PdfError as exc:
                raise Failure(str(exc)) from None
            click.echo(f"Đã ghi {made}.")
    for note in bad:
        click.echo(f"Lưu ý: {note} Sổ này không có trong danh sách.", err=True)
    sys.exit(EXIT_PROBLEMS if bad else EXIT_OK)


def main() -> None:
    cli.main()  # RootGroup.main: every error becomes one line and an exit code


if __name__ == "__main__":
    main()
