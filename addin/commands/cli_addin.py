"""`kiemsat addin ...`: build and install the Excel add-in, list the ribbon's commands.

Registered on the main `cli` group by addin/commands/cli.py. Imports stay inside the commands so that
`kiemsat --help` does not pay for them.
"""

from __future__ import annotations

from pathlib import Path

import click


class _Failure(click.ClickException):
    exit_code = 2

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"Lỗi: {self.message}", err=True)


@click.group("addin")
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
        raise _Failure(f"không ghi được vào «{out_dir}»: {exc.strerror or exc}.") from None
    click.echo(f"Đã tạo thanh Kiểm sát: {result.path}")
    click.echo(f"(kiemsat {result.kiemsat_version}, xlwings {result.xlwings_version})")


@addin_group.command("install")
def install_cmd() -> None:
    """Cài thanh Kiểm sát vào Excel trên máy Windows này."""
    from addin.xlam.install import InstallError, install

    try:
        p = install()
    except InstallError as exc:
        raise _Failure(str(exc)) from None
    click.echo(f"Đã cài thanh Kiểm sát: {p.addin_target}")
    click.echo(f"Python được dùng: {p.interpreter} (ghi trong {p.config_path})")
    click.echo("Hãy đóng hết cửa sổ Excel rồi mở lại: thẻ «Kiểm sát» hiện trên thanh công cụ.")


@addin_group.command("commands")
def commands_cmd() -> None:
    """Liệt kê các nút của thanh Kiểm sát."""
    from addin.commands.registry import COMMANDS

    for c in COMMANDS:
        state = "" if c.available else "  (đang xây dựng)"
        where = f"kiemsat {c.cli_name}" if c.cli_name else "chỉ trên Excel"
        click.echo(f"{c.id:<16} {c.label_vi:<18} {where:<18}{state}")
