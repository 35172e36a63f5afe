"""`kiemsat addin ...`: build and install the Excel add-in, list the ribbon's commands; `kiemsat doctor`.

Registered on the main `cli` group by addin/commands/cli.py. Imports stay inside the commands so that
`kiemsat --help` does not pay for them.
"""

from __future__ import annotations

from pathlib import Path

import click

from addin.commands.output import Failure as _Failure
from addin.commands.output import Group, describe_os_error
from addin.commands.registry import cmd


@click.group("addin", cls=Group)
def addin_group() -> None:
    """Thanh Kiểm sát trên Excel: tạo, cài đặt, liệt kê các nút."""


@addin_group.command("build")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Thư mục ghi tệp kiemsat.xlam.")
def build_cmd(out_dir: Path) -> None:
    """Tạo tệp kiemsat.xlam (chạy được trên mọi hệ điều hành)."""
    from addin.xlam.build import BuildError, build_addin

    try:
        result = build_addin(out_dir)
    except BuildError as exc:
        raise _Failure(str(exc)) from None
    except OSError as exc:
        raise _Failure(describe_os_error(exc, out_dir)) from None
    click.echo(f"Đã tạo thanh Kiểm sát: {result.path}")
    click.echo(f"(kiemsat {result.kiemsat_version}, xlwings {result.xlwings_version})")


@addin_group.command("bundle")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Thư mục ghi bộ cài (thư mục kiemsat-cai-dat và tệp kiemsat-cai-dat.zip).")
@click.option("--python", "pythons", multiple=True, metavar="3.X",
              help="Chỉ gom gói cho bản Python này (lặp lại được); mặc định: mọi bản kiemsat hỗ trợ.")
def bundle_cmd(out_dir: Path, pythons: tuple[str, ...]) -> None:
    """Tạo bộ cài cho máy Windows không có Internet (cần mạng tới kho gói Python khi tạo)."""
    from addin.xlam import support
    from addin.xlam.build import BuildError
    from addin.xlam.bundle import BundleError, build_bundle

    wrong = [p for p in pythons if p not in support.PYTHON_VERSIONS]
    if wrong:
        raise _Failure(f"kiemsat không hỗ trợ Python {', '.join(wrong)}; "
                       f"chọn trong {', '.join(support.PYTHON_VERSIONS)}.")
    click.echo("Đang tải các gói cho Windows (có thể mất vài phút)…", err=True)
    try:
        result = build_bundle(out_dir, pythons or support.PYTHON_VERSIONS)
    except (BundleError, BuildError) as exc:
        raise _Failure(str(exc)) from None
    except OSError as exc:
        raise _Failure(describe_os_error(exc, out_dir)) from None
    click.echo(f"Đã tạo bộ cài: {result.folder} ({result.wheels} gói; Python {', '.join(result.pythons)}; "
               f"{', '.join(result.platforms)})")
    click.echo(f"Tệp zip: {result.zip_path}")
    click.echo("Chép tệp zip sang máy cần cài, giải nén, đóng Excel rồi bấm đúp cai-dat.bat.")


@addin_group.command("install")
@click.option("--dry-run", is_flag=True, help="Chỉ in kế hoạch cài đặt và kết quả kiểm tra, không ghi gì.")
def install_cmd(dry_run: bool) -> None:
    """Cài thanh Kiểm sát vào Excel trên máy Windows này."""
    from addin.xlam.install import InstallError, current_plan, install

    try:
        if dry_run:
            p = current_plan()
            for line in p.describe():
                click.echo(line)
            if p.blocking:
                raise _Failure("máy này chưa cài được: sửa các mục [CHẶN] ở trên trước.")
            return
        p = install()
    except InstallError as exc:
        raise _Failure(str(exc)) from None
    for f in p.findings:
        if not f.ok:
            click.echo(f"Lưu ý: {f.text}")
    click.echo(f"Đã cài thanh Kiểm sát: {p.addin_target}")
    click.echo(f"Python được dùng: {p.interpreter} (đăng ký cho Excel dưới tên «Kiemsat.Dispatcher»)")
    click.echo("Hãy đóng hết cửa sổ Excel rồi mở lại: thẻ «Kiểm sát» hiện trên thanh công cụ. "
               "Gõ «kiemsat doctor» để kiểm tra lại.")


@addin_group.command("uninstall")
def uninstall_cmd() -> None:
    """Gỡ thanh Kiểm sát khỏi Excel trên máy Windows này (gỡ tệp trong XLSTART và phần đăng ký)."""
    from addin.xlam.install import InstallError, uninstall

    try:
        p = uninstall()
    except InstallError as exc:
        raise _Failure(str(exc)) from None
    click.echo(f"Đã gỡ thanh Kiểm sát ({p.addin_target}) và phần đăng ký «Kiemsat.Dispatcher».")


@addin_group.command("commands")
def commands_cmd() -> None:
    """Liệt kê các nút của thanh Kiểm sát."""
    from addin.commands.registry import COMMANDS

    for c in COMMANDS:
        state = "" if c.available else "  (đang xây dựng)"
        where = f"kiemsat {c.cli_name}" if c.cli_name else "chỉ trên Excel"
        click.echo(f"{c.id:<16} {c.label_vi:<18} {where:<18}{state}")


@click.command(cmd("doctor").cli_name)
@click.option("--ledger", help="Kiểm tra thêm một sổ (đường dẫn hoặc địa chỉ OneDrive/SharePoint của nó).")
@click.option("--addin", "addin_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Kiểm tra tệp kiemsat.xlam này thay cho tệp trong XLSTART.")
@click.option("--report", "report", type=click.Path(dir_okay=False, path_type=Path),
              help="Ghi thêm báo cáo (tệp .zip, không có dữ liệu vụ án) để gửi người hỗ trợ.")
def doctor_cmd(ledger: str | None, addin_path: Path | None, report: Path | None) -> None:
    """Kiểm tra máy này có chạy được thanh Kiểm sát không (mỗi mục một dòng, kèm cách sửa)."""
    import sys

    from addin.doctor.checks import blocking, run_checks

    if report is not None:
        from addin.doctor.report import write_report
        from workbook_templates.builder import create_ledger

        click.echo("Đang kiểm tra và thử từng nút trên một sổ mẫu (có thể mất một phút)…", err=True)
        try:
            facts = write_report(report, create_ledger, ledger=ledger, addin=addin_path)
        except OSError as exc:
            raise _Failure(describe_os_error(exc, report)) from None
        for item in facts["doctor"]:
            click.echo(f"[{item['trang_thai']}] {item['noi_dung']}")
        click.echo(f"Đã ghi báo cáo: {report} (không có dữ liệu vụ án). Gửi tệp này cho người hỗ trợ kiemsat.")
        if any(item["trang_thai"] == "CHẶN" for item in facts["doctor"]):
            sys.exit(1)
        return
    lines = run_checks(ledger=ledger, addin=addin_path)
    for line in lines:
        click.echo(line.render())
    if sys.platform != "win32":
        click.echo("(Máy này không chạy Windows: các mục «—» chỉ kiểm tra được trên máy Windows có Excel.)")
    stop = blocking(lines)
    if stop:
        click.echo(f"Còn {len(stop)} mục [CHẶN]: các nút trên thanh Kiểm sát chưa chạy được.", err=True)
        sys.exit(1)
