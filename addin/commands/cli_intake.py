"""`kiemsat intake TỆP --ledger SO.xlsx`: an incoming document becomes a ledger row, after one confirmation.

Registered on the main `cli` group by addin/commands/cli.py; its name comes from the command registry. The core
is macros_py/intake; this shell shows the plan as a table (each value, the words it was read from, how sure),
asks, writes, and prints the deadlines that follow.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from addin.commands.output import EXIT_OK, Failure, parse_day
from addin.commands.registry import cmd

SOURCE_WIDTH = 60
YES = ("c", "co", "có", "y", "yes", "đồng ý", "dong y")
NO = ("k", "khong", "không", "n", "no")


def _sure(confidence: float | None) -> str:
    return "đề xuất" if confidence is None else f"{confidence:.0%}"


def _cut(text: str, width: int = SOURCE_WIDTH) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(p: Any) -> list[str]:  # a session.Preview
    from macros_py.intake.fields import LABELS
    from macros_py.ledger.values import display

    r, plan = p.reading, p.plan
    lines = [f"Văn bản «{p.source.name}» ({'nhận dạng chữ OCR' if p.source.ocr else p.source.format}): "
             f"{r.kind.label if r.kind else '?'}"]
    for key in ("doc_no", "doc_date", "issuer"):
        f = r.fields.get(key)
        lines.append(f"  {LABELS[key]:<22} {display(f.value) if f else '(không đọc được)'}")
    by_row: dict[tuple[str, int], list[Any]] = {}
    for c in plan.changes:
        by_row.setdefault((plan.sheet_of(c), c.row), []).append(c)
    for (sheet, row), changes in by_row.items():
        new = changes[0].new_row
        lines.append(f"\nSheet «{sheet}», dòng {row}{' (dòng mới)' if new else ''}:")
        lines.append(f"  {'Cột':<28} {'Giá trị':<34} {'Chắc':>7}  Đọc từ")
        for c in changes:
            value = display(c.new) if new or c.old in (None, "") else f"{display(c.old)} → {display(c.new)}"
            if not new and c.old not in (None, ""):
                value = f"[ĐỔI] {value}"
            lines.append(f"  {_cut(c.label, 28):<28} {_cut(value, 34):<34} {_sure(c.confidence):>7}  «{_cut(c.source)}»")
    if plan.notes:
        lines.append("")
        lines += [f"Lưu ý: {n}" for n in plan.notes]
    return lines


def _as_json(p: Any, written: bool, report: Any = None, deadlines: list[Any] | None = None) -> dict[str, Any]:
    from macros_py.intake.fields import as_plain
    from macros_py.ledger.values import display

    return {
        "document": p.source.name, "format": p.source.format, "reading": as_plain(p.reading),
        "sources": {k: {"source": f.source, "confidence": round(f.confidence, 2)} for k, f in p.reading.fields.items()},
        "missing": p.reading.missing,
        "changes": [{"sheet": p.plan.sheet_of(c), "row": c.row, "new_row": c.new_row,
                     "column": c.label, "key": c.key, "old": display(c.old) if c.old is not None else None,
                     "new": display(c.new), "source": c.source,
                     "confidence": None if c.confidence is None else round(c.confidence, 2)} for c in p.plan.changes],
        "notes": p.plan.notes, "written": written,
        "backup": str(report.backup) if report is not None and report.backup else None,
        "deadlines": [d.as_dict() for d in deadlines or []],
    }


def _ask(document: str) -> bool:
    """The clerk's answer: from the terminal, or one line piped in. No answer possible: refuse."""
    if document == "-":
        raise Failure("văn bản được dán qua stdin nên không còn chỗ để trả lời câu hỏi xác nhận. Hãy lưu văn bản "
                      "thành tệp .txt, hoặc thêm --yes để ghi không cần hỏi. Chưa ghi gì.")
    if sys.stdin is None or sys.stdin.closed:
        raise Failure("cần xác nhận trước khi ghi nhưng không có bàn phím (stdin); thêm --yes để ghi không cần hỏi. "
                      "Chưa ghi gì.")
    click.echo("Ghi vào sổ? [c]ó / [k]hông: ", nl=False)
    answer = sys.stdin.readline()
    if not answer:
        click.echo()
        raise Failure("không nhận được câu trả lời (stdin đã hết); thêm --yes để ghi không cần hỏi. Chưa ghi gì.")
    answer = answer.strip().lower()
    if answer in YES:
        return True
    if answer not in NO:
        click.echo(f"Không hiểu câu trả lời «{answer}»; coi như không.")
    return False


@click.command(cmd("intake").cli_name)
@click.argument("document", metavar="TỆP")
@click.option("--ledger", "ledger_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Sổ theo dõi (.xlsx) nhận dòng mới hoặc dòng được cập nhật.")
@click.option("--yes", is_flag=True, help="Ghi luôn, không hỏi (cho tập lệnh).")
@click.option("--json", "as_json", is_flag=True,
              help="In kết quả đọc và các thay đổi dạng JSON; không có --yes thì chỉ xem trước, không ghi.")
@click.option("--case", "case_id", metavar="MÃ_VỤ_ÁN", help="Vụ án văn bản thuộc về (khi kiemsat không tự tìm được).")
@click.option("--set", "sets", multiple=True, metavar="CỘT=GIÁ_TRỊ",
              help="Sửa hoặc thêm một giá trị trước khi ghi, ví dụ --set category=\"Nghiêm trọng\" (lặp lại được).")
@click.option("--today", help="Ngày làm mốc tính thời hạn (YYYY-MM-DD); mặc định hôm nay.")
def intake_cmd(document: str, ledger_path: Path, yes: bool, as_json: bool, case_id: str | None, sets: tuple[str, ...],
               today: str | None) -> None:
    """Nạp văn bản TỆP (.docx, .pdf, .txt, ảnh quét; «-»: dán qua stdin) thành dòng của sổ, sau một lần xác nhận."""
    from macros_py.intake.errors import IntakeError
    from macros_py.intake.session import commit, preview
    from macros_py.ledger.reader import LedgerError
    from macros_py.ledger.values import fmt_date
    from macros_py.workbook.package import WorkbookError
    from macros_py.workbook.safefile import FileBusy

    day = parse_day(today) if today else None
    if not ledger_path.is_file():
        raise Failure(f"không thấy sổ «{ledger_path}».")
    stdin = sys.stdin.buffer if document == "-" and sys.stdin is not None else None
    try:
        p = preview(document, ledger_path, stdin=stdin, case_id=case_id, sets=list(sets))
    except (IntakeError, LedgerError) as exc:
        raise Failure(str(exc)) from None
    if as_json and not yes:
        click.echo(json.dumps(_as_json(p, False), ensure_ascii=False, indent=1))
        click.echo("Chỉ xem trước: chưa ghi gì (thêm --yes để ghi).", err=True)
        sys.exit(EXIT_OK)
    if not as_json:
        for line in describe(p):
            click.echo(line)
    if not yes and not _ask(document):
        click.echo("Không ghi gì vào sổ.")
        sys.exit(EXIT_OK)
    try:
        report, plan, deadlines = commit(p, ledger_path, day)
    except (IntakeError, LedgerError, WorkbookError, FileBusy) as exc:
        raise Failure(str(exc)) from None
    if as_json:
        click.echo(json.dumps(_as_json(p, True, report, deadlines), ensure_ascii=False, indent=1))
        sys.exit(EXIT_OK)
    rows = ", ".join(f"dòng {r} sheet «{plan.sheet_names.get(s, s)}»" for s, r in plan.rows)
    click.echo(f"\nĐã ghi {len(plan.changes)} ô vào sổ «{ledger_path.name}» ({rows}); bản sao lưu: {report.backup}")
    for line in report.describe_kept():
        click.echo(f"Lưu ý: {line}")
    if deadlines:
        click.echo("Thời hạn tính ngay cho các dòng vừa ghi:")
        for d in deadlines:
            hour = f" {d.due_time.strftime('%H:%M')}" if d.due_time else ""
            who = f" - {d.person}" if d.person else ""
            click.echo(f"  {fmt_date(d.due)}{hour}  còn {d.days_left} ngày  {d.title} ({d.case}{who})\n"
                       f"      {d.basis}")
    else:
        click.echo("Chưa có thời hạn nào bắt đầu từ các dòng vừa ghi (hoặc còn thiếu dữ liệu để tính, xem Lưu ý).")
    sys.exit(EXIT_OK)
