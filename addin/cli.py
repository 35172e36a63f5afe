"""The `kiemsat` command. A thin shell: it parses arguments, calls the core, prints in Vietnamese.

Exit codes: 0 done and clean; 1 done, problems found in the ledger; 2 could not do it at all
(file missing, not a workbook, password-protected, open in Excel, bad argument).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from macros_py import __version__

EXIT_OK, EXIT_PROBLEMS, EXIT_FAIL = 0, 1, 2


class Failure(click.ClickException):
    """A one-line Vietnamese message and exit code 2."""

    exit_code = EXIT_FAIL

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"Lỗi: {self.message}", err=True)


def _parse_day(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Failure(f"ngày «{value}» không hợp lệ; cần dạng YYYY-MM-DD, ví dụ 2024-03-15.") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kiemsat")
def cli() -> None:
    """kiemsat: sổ theo dõi vụ án trên Excel cho Viện kiểm sát nhân dân."""


@cli.command("init")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sample", "sample_n", type=click.IntRange(0, 100_000), default=0,
              help="Số dòng dữ liệu mẫu cho mỗi sổ (0: sổ trống).")
@click.option("--seed", type=int, default=1, show_default=True, help="Hạt giống để dữ liệu mẫu lặp lại được.")
@click.option("--today", help="Ngày làm mốc cho dữ liệu mẫu (YYYY-MM-DD); mặc định hôm nay.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có (tệp cũ được sao lưu trước).")
def init_cmd(path: Path, sample_n: int, seed: int, today: str | None, force: bool) -> None:
    """Tạo sổ theo dõi mới tại PATH (tùy chọn có dữ liệu mẫu)."""
    from workbook_templates.builder import create_ledger
    from macros_py.safefile import FileBusy

    if path.suffix.lower() != ".xlsx":
        raise Failure(f"tên tệp «{path.name}» cần đuôi .xlsx.")
    try:
        saved = create_ledger(path, sample=sample_n, seed=seed, today=_parse_day(today), overwrite=force)
    except FileExistsError:
        raise Failure(f"tệp «{path}» đã có; dùng --force để ghi đè (tệp cũ sẽ được sao lưu).") from None
    except FileBusy as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(f"không ghi được «{path}»: {exc.strerror or exc}.") from None
    what = f"với {sample_n} dòng mẫu mỗi sổ" if sample_n else "trống"
    click.echo(f"Đã tạo sổ theo dõi {what}: {path}")
    if saved:
        click.echo(f"Tệp cũ được sao lưu tại: {saved}")


@cli.command("check")
@click.argument("path", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In danh sách lỗi dạng JSON.")
def check_cmd(path: Path, as_json: bool) -> None:
    """Kiểm tra sổ PATH: in từng lỗi với sheet, dòng, cột, giá trị."""
    from macros_py.reader import LedgerError, read_ledger

    try:
        ledger = read_ledger(path)
    except LedgerError as exc:
        raise Failure(str(exc)) from None
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in ledger.problems], ensure_ascii=False, indent=1))
    else:
        counts = ", ".join(f"{len(d.records)} dòng «{d.name}»" for d in ledger.sheets.values())
        if ledger.problems:
            click.echo(f"Sổ «{path.name}» có {len(ledger.problems)} lỗi ({counts}):")
            for p in ledger.problems:
                click.echo(f"  - {p}")
        else:
            click.echo(f"Sổ «{path.name}» hợp lệ: {counts}.")
        if ledger.unknown_sheets:
            click.echo("Các sheet không thuộc kiemsat (bỏ qua): " + ", ".join(ledger.unknown_sheets))
    sys.exit(EXIT_PROBLEMS if ledger.problems else EXIT_OK)


@cli.command("demo")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("kiemsat-demo"),
              show_default=True, help="Thư mục ghi kết quả chạy thử.")
@click.option("--today", help="Ngày làm mốc (YYYY-MM-DD); mặc định hôm nay.")
def demo_cmd(folder: Path, today: str | None) -> None:
    """Chạy thử toàn bộ trên dữ liệu mẫu: tạo sổ, kiểm tra sổ."""
    from workbook_templates.builder import create_ledger
    from macros_py.reader import read_ledger
    from macros_py.safefile import FileBusy

    day = _parse_day(today)
    folder.mkdir(parents=True, exist_ok=True)
    ledger_path = folder / "so_theo_doi_mau.xlsx"
    try:
        create_ledger(ledger_path, sample=40, seed=1, today=day, overwrite=True)
    except FileBusy as exc:
        raise Failure(str(exc)) from None
    click.echo(f"1. Đã tạo sổ mẫu: {ledger_path}")
    ledger = read_ledger(ledger_path)
    for data in ledger.sheets.values():
        click.echo(f"   - {data.name}: {len(data.records)} dòng")
    click.echo(f"2. Kiểm tra sổ: {len(ledger.problems)} lỗi.")
    for p in ledger.problems[:20]:
        click.echo(f"   - {p}")
    click.echo(f"Xong. Kết quả ở thư mục: {folder.resolve()}")
    sys.exit(EXIT_PROBLEMS if ledger.problems else EXIT_OK)


@cli.command("deadlines")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--today", help="Ngày làm mốc tính số ngày còn lại (YYYY-MM-DD); mặc định hôm nay.")
@click.option("--within", type=click.IntRange(min=0), metavar="DAYS",
              help="Chỉ liệt kê thời hạn còn không quá DAYS ngày (kể cả đã quá hạn).")
@click.option("--json", "as_json", is_flag=True, help="In danh sách thời hạn dạng JSON.")
@click.option("--all", "show_all", is_flag=True, help="Liệt kê cả các thời hạn đã xong.")
@click.option("--write", is_flag=True,
              help="Ghi hạn tiếp theo, số ngày còn lại và căn cứ vào sổ (tệp cũ được sao lưu trước).")
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Bảng thời hạn riêng của đơn vị (TOML); mặc định bảng kèm theo kiemsat.")
def deadlines_cmd(path: Path, today: str | None, within: int | None, as_json: bool, show_all: bool,
                  write: bool, rules_path: Path | None) -> None:
    """Liệt kê các thời hạn tố tụng của sổ PATH, sớm nhất trước, kèm căn cứ pháp lý."""
    from macros_py.deadlines import compute_deadlines
    from macros_py.reader import LedgerError, read_ledger
    from macros_py.rules import RulesError, load_rules
    from macros_py.safefile import FileBusy
    from macros_py.values import fmt_date
    from macros_py.writeback import WritebackError, write_deadlines

    day = _parse_day(today)
    try:
        rules = load_rules(rules_path)
        ledger = read_ledger(path)
        report = compute_deadlines(ledger, day, rules=rules)
    except (LedgerError, RulesError) as exc:
        raise Failure(str(exc)) from None
    except ValueError as exc:  # a contradictory calendar in Cấu hình
        raise Failure(str(exc)) from None
    shown = [d for d in report.deadlines if (show_all or not d.done)
             and (within is None or d.days_left <= within)]
    echo_note = (lambda text: click.echo(text, err=True)) if as_json else click.echo

    if as_json:
        click.echo(json.dumps([d.as_dict() for d in shown], ensure_ascii=False, indent=1))
    else:
        overdue = sum(d.status == "đã quá hạn" for d in shown)
        soon = sum(d.status == "sắp hết hạn" for d in shown)
        scope = f" trong {within} ngày tới" if within is not None else ""
        click.echo(f"Sổ «{path.name}», tính đến ngày {fmt_date(day)}: {len(shown)} thời hạn{scope} "
                   f"({overdue} đã quá hạn, {soon} sắp hết hạn trong {report.alert_days} ngày).")
        if shown:
            click.echo(f"{'Hạn':<10}  {'Còn':>5}  {'Tình trạng':<11}  {'Sổ, dòng':<30}  {'Vụ việc':<28}  KSV / PVT")
            for d in shown:
                where = f"{d.sheet_name}, dòng {d.row}"
                case = " - ".join(x for x in (d.case, d.person) if x)
                staff = " / ".join(x or "?" for x in (d.prosecutor, d.leader))
                click.echo(f"{fmt_date(d.due):<10}  {d.days_left:>5}  {d.status:<11}  {where:<30}  {case:<28}  {staff}")
                click.echo(f"{'':<10}  {'':>5}  {d.basis}")
    if report.problems:
        echo_note(f"Cần kiểm tra ({len(report.problems)}):")
        for p in report.problems:
            echo_note(f"  - {p}")

    if write:
        try:
            result = write_deadlines(path, ledger, report)
        except (FileBusy, WritebackError) as exc:
            raise Failure(str(exc)) from None
        except OSError as exc:
            raise Failure(f"không ghi được «{path}»: {exc.strerror or exc}.") from None
        echo_note(f"Đã ghi hạn tiếp theo vào {result.written} dòng, xóa {result.cleared} dòng đã xong; "
                  f"tệp cũ được sao lưu tại: {result.backup}")
        for note in result.notes:
            echo_note(f"  - {note}")
    sys.exit(EXIT_PROBLEMS if report.problems else EXIT_OK)


from addin.cli_addin import addin_group  # noqa: E402 - the add-in's sub-commands

cli.add_command(addin_group)


def main() -> None:
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("Đã dừng.", err=True)
        sys.exit(EXIT_FAIL)
    except Exception as exc:  # never a traceback for a clerk: one line, exit 2
        click.echo(f"Lỗi không mong muốn: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_FAIL)


if __name__ == "__main__":
    main()
