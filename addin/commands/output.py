"""How every `kiemsat` command speaks: exit codes, the one error line, the crash log, the output style.

Exit codes (README, «Mã kết thúc»):
    0  done, nothing to report
    1  done, problems found (ledger errors, alerts not sent, unusable templates)
    2  could not do it: bad argument, file missing or unreadable, open in Excel, bad setting
    3  kiemsat itself failed (a bug): one line on stderr, the traceback in the crash log
  130  stopped with Ctrl+C

Every failure is one line on stderr starting "Lỗi:" that says what to do. Output style of every command:
a summary first; the details with `--verbose`; machine output with `--json` (on stdout, notes on stderr).
"""

from __future__ import annotations

from datetime import date
import json
import sqlite3
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from addin.commands import click_vi
from macros_py.ledger.oserrors import ERRNO_VI
from macros_py.ledger.oserrors import os_reason as _os_reason

EXIT_OK, EXIT_PROBLEMS, EXIT_FAIL, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
CRASH_LOG_NAME = "kiemsat-loi.log"
HELP_WIDTH = 100

click_vi.install()


def exit_for(problems: Iterable[Any]) -> int:
    """1 when a problem is a lỗi (a value kiemsat needs and cannot read), or a cảnh báo the unit must
    answer (a header read by a partial match, until pinned: `Problem.confirm`), else 0."""
    return EXIT_PROBLEMS if any(p.is_error or getattr(p, "confirm", False) for p in problems) else EXIT_OK


class Failure(click.ClickException):
    """A one-line Vietnamese message and exit code 2."""

    exit_code = EXIT_FAIL

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"Lỗi: {self.message}", err=True)


# ---- messages for the OS's and SQLite's errors ---------------------------------------------------------

def sheets_read(ledger: Any) -> str:
    """«12 dòng «Tin báo», 30 dòng «HS KSV An»»: every sheet read (a reader.Ledger), with its rows."""
    return (", ".join(f"{len(d.records)} {_rows_word(d)} «{d.name}»" for d in ledger.all_sheets())
            or "không đọc được sheet nào")


def _rows_word(data: Any) -> str:
    """What a sheet's records are (a reader.SheetData): rows, or cases and defendants of a sheet kept one
    row per defendant."""
    if not data.reading:
        return "dòng"
    return "bị can ở" if data.defendants is None else "vụ án ở"


def reading_notes(ledger: Any) -> list[str]:
    """What a command's summary says of the sheets when a ledger keeps several sheets of a kind or sheets
    kiemsat does not read: every sheet read with its rows, and every sheet left out (empty otherwise)."""
    several = len(ledger.all_sheets()) > len(ledger.sheets)
    notes = [f"Đã đọc: {sheets_read(ledger)}."] if several else []
    if ledger.unknown_sheets:
        notes.append("Các sheet không thuộc kiemsat (bỏ qua): " + ", ".join(ledger.unknown_sheets))
    return notes


def known_os_reason(exc: OSError) -> str | None:
    """`os_reason` when kiemsat has Vietnamese words for it, else None (never the system's English)."""
    return ERRNO_VI.get(exc.errno or 0)


def os_reason(exc: OSError) -> str:
    """What went wrong, in Vietnamese, without the path (`macros_py.ledger.oserrors`, shared with the core)."""
    return _os_reason(exc)


def describe_os_error(exc: OSError, path: Path | str | None = None, doing: str = "ghi") -> str:
    where = exc.filename or path
    return f"không {doing} được «{where}»: {os_reason(exc)}." if where else f"không {doing} được: {os_reason(exc)}."


def describe_sqlite_error(exc: sqlite3.Error, path: Path | str | None) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return (f"tệp «{path}» không phải sổ thư cảnh báo (SQLite) hoặc đã hỏng; đổi tên tệp đó đi "
                "để kiemsat tạo sổ mới, hoặc khai báo «database» khác trong tệp cấu hình.")
    if "readonly" in text:
        return f"không có quyền ghi sổ thư cảnh báo «{path}»; hãy cho quyền ghi hoặc chọn «database» khác."
    if "locked" in text or "busy" in text:
        return f"sổ thư cảnh báo «{path}» đang bị một chương trình khác giữ; chờ một lát rồi chạy lại."
    if path is not None and Path(path).is_dir():
        return f"«{path}» là một thư mục; «database» trong tệp cấu hình cần đường dẫn một tệp, ví dụ canh-bao.sqlite3."
    return (f"không mở được sổ thư cảnh báo «{path}»: thư mục không có hoặc không có quyền ghi; "
            "hãy kiểm tra «database» trong tệp cấu hình.")


# ---- the crash log -------------------------------------------------------------------------------------

def crash_log_path() -> Path:
    """KIEMSAT_LOG_DIR, else %LOCALAPPDATA%\\kiemsat (Windows) or $XDG_STATE_HOME/kiemsat (`logs.log_folder`)."""
    from addin.commands.logs import log_folder

    return log_folder() / CRASH_LOG_NAME


def write_crash_log(exc: BaseException) -> Path | None:
    from addin.commands.logs import append_log

    return append_log(CRASH_LOG_NAME, f"kiemsat {' '.join(sys.argv[1:])}\n" + "".join(traceback.format_exception(exc)))


# ---- the command classes: Vietnamese help, one error line ----------------------------------------------

_METAVARS = {"text": "GIÁ_TRỊ", "integer": "SỐ", "integer range": "SỐ", "file": "TỆP", "directory": "THƯ_MỤC",
             "path": "ĐƯỜNG_DẪN"}
_METAVARS_BY_NAME = {"today": "NGÀY", "day": "NGÀY", "period": "KỲ", "rows": "DÒNG", "case_id": "MÃ_VỤ",
                     "signer": "HỌ_TÊN"}


class AsciiInt(click.IntRange):
    """An integer typed with ASCII digits 0-9 only (int() would take '٣' as 3)."""

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not (value.strip().lstrip("+-").isascii()):
            self.fail(f"«{value}» không phải là một số (chỉ gồm chữ số 0-9).", param, ctx)
        return super().convert(value, param, ctx)


def _ascii_digits(kind: click.ParamType) -> click.ParamType:
    """Every integer parameter of every command takes ASCII digits only (a command need not ask)."""
    if isinstance(kind, AsciiInt) or not isinstance(kind, click.types.IntParamType):
        return kind
    if isinstance(kind, click.IntRange):
        return AsciiInt(kind.min, kind.max, min_open=kind.min_open, max_open=kind.max_open, clamp=kind.clamp)
    return AsciiInt()


def speak_vietnamese(command: click.Command) -> click.Command:
    """Vietnamese placeholders, ASCII-only integers and whole help lines for `command` (and, for a group,
    its sub-commands). Our own classes call it; `Group.add_command` calls it for a command made with plain
    `click.command`, so a sub-command added by anyone speaks the same way."""
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = "[TÙY CHỌN]"
    for param in command.params:
        param.type = _ascii_digits(param.type)
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
            param.metavar = _METAVARS_BY_NAME.get(param.name or "") or _METAVARS.get(param.type.name)
    if command.short_help is None and command.help:  # click would cut it at 45 characters with "..."
        command.short_help = command.help.strip().split("\n\n")[0].replace("\n", " ").strip()
    if isinstance(command, click.Group) and hasattr(command, "subcommand_metavar"):  # set once Group is made
        if command.subcommand_metavar == "COMMAND [ARGS]...":
            command.subcommand_metavar = "LỆNH [ĐỐI SỐ]..."
        for sub in command.commands.values():
            speak_vietnamese(sub)
    return command


class Command(click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        speak_vietnamese(self)


class Group(click.Group, Command):
    command_class = Command
    group_class = type  # sub-groups are of this class too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        speak_vietnamese(self)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(speak_vietnamese(cmd), name)


def _usage_line(exc: click.UsageError) -> str:
    ctx = exc.ctx
    path = ctx.command_path if ctx else "kiemsat"
    if isinstance(exc, click.exceptions.NoArgsIsHelpError) and ctx and isinstance(ctx.command, click.Group):
        names = ", ".join(ctx.command.list_commands(ctx))
        return f"Lỗi: thiếu tên lệnh; chọn một trong: {names}. Xem cách dùng: {path} --help"
    if (isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter)
            and isinstance(exc.param, click.Argument) and isinstance(exc.param.type, click.Path)):
        # the file named is not one (a folder, say): a fault of the file, not of the command typed; worded as
        # the reader words it for `check`, so every command says the same fault the same way
        return f"Lỗi: {' '.join(str(exc.message).split())}"
    message = " ".join(exc.format_message().split())  # one line, whatever click put in it
    if message and not message.endswith((".", "?", ")")):
        message += "."
    return f"Lỗi: {message} Xem cách dùng: {path} --help"


class RootGroup(Group):
    """The `kiemsat` group: click runs in non-standalone mode and every error leaves through here."""

    group_class = Group

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:  # type: ignore[override]
        extra.pop("standalone_mode", None)
        try:
            code = super().main(args, prog_name=prog_name or "kiemsat", standalone_mode=False, **extra)
        except click.UsageError as exc:
            click.echo(_usage_line(exc), err=True)
            code = EXIT_FAIL
        except click.ClickException as exc:
            exc.show() if isinstance(exc, Failure) else click.echo(f"Lỗi: {exc.format_message()}", err=True)
            code = exc.exit_code
        except (click.Abort, KeyboardInterrupt):
            click.echo("Đã dừng.", err=True)
            code = EXIT_INTERRUPTED
        except SystemExit:
            raise
        except OSError as exc:  # not foreseen where it happened, but the OS says what is wrong
            click.echo(f"Lỗi: {describe_os_error(exc, doing='đọc hoặc ghi')}", err=True)
            code = EXIT_FAIL
        except Exception as exc:  # never a traceback for a clerk
            log = write_crash_log(exc)
            where = f"chi tiết đã ghi vào «{log}»" if log else "không ghi được nhật ký lỗi"
            click.echo(f"Lỗi: kiemsat gặp lỗi chưa lường trước ({type(exc).__name__}); {where}: hãy gửi tệp "
                       "đó cho người phụ trách kiemsat.", err=True)
            code = EXIT_BUG
        sys.exit(code if isinstance(code, int) else EXIT_OK)


# ---- the output style ----------------------------------------------------------------------------------

def parse_day(value: str | None) -> date:
    """A --today / --since value (YYYY-MM-DD); none: today. Every command words a bad one the same way."""
    if not value:
        return date.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Failure(f"ngày «{value}» không hợp lệ; cần dạng YYYY-MM-DD, ví dụ 2024-03-15.") from None
    return in_range(day, value)


def in_range(day: date, typed: str) -> date:
    if not 1945 <= day.year <= 2100:
        raise Failure(f"ngày «{typed}» nằm ngoài khoảng năm 1945 - 2100; hãy kiểm tra lại năm.")
    return day


def alert_run_options(f: Callable) -> Callable:
    """--today, --dry-run, --config, --outbox: an alert run, from ledgers or from the shared store."""
    for option in reversed((
        click.option("--today", help="Ngày làm mốc (YYYY-MM-DD); mặc định hôm nay."),
        click.option("--dry-run", is_flag=True, help="Chỉ liệt kê thư sẽ gửi; không gửi, không ghi gì."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Tệp cấu hình cảnh báo (TOML); mặc định canh-bao.toml trong thư mục cấu hình của kiemsat."),
        click.option("--outbox", "outbox_dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Ghi thư thành tệp .eml vào thư mục này thay vì gửi qua máy chủ thư."),
    )):
        f = option(f)
    return f


def json_option(f: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (cho chương trình khác).")(f)


def verbose_option(f: Callable) -> Callable:
    return click.option("--verbose", "-v", is_flag=True, help="In đầy đủ từng dòng chi tiết.")(f)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))


def note(text: str, as_json: bool = False) -> None:
    """A line for the person: on stdout, or on stderr when stdout carries JSON."""
    click.echo(text, err=as_json)


def echo_details(lines: Iterable[str], verbose: bool, limit: int = 20, indent: str = "  ",
                 err: bool = False) -> None:
    """The first `limit` detail lines (all with --verbose), then how many were left out."""
    shown = 0
    rest = 0
    for line in lines:
        if verbose or shown < limit:
            click.echo(f"{indent}{line}", err=err)
            shown += 1
        else:
            rest += 1
    if rest:
        click.echo(f"{indent}... và {rest} dòng nữa (thêm --verbose để xem hết).", err=err)


def echo_report(lines: Iterable[str], verbose: bool, limit: int = 20) -> None:
    """Lines as the core words them: a summary line, then its indented details (at most `limit` of each
    run of details without --verbose)."""
    run: list[str] = []

    def flush() -> None:
        echo_details((d.strip() for d in run), verbose, limit)
        run.clear()

    for line in lines:
        if line.startswith(" "):
            run.append(line)
            continue
        flush()
        click.echo(line)
    flush()
