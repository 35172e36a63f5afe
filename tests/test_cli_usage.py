"""Every command and sub-command of `kiemsat`, typed wrong: missing, extra and wrong arguments.

The command tree is walked, so a command added later is covered without touching this file. Each mistake must
give exit code 2 and exactly one line on stderr, in Vietnamese, that says what to do; no traceback, no
English from click. The cases run in-process (click's CliRunner, through the same `RootGroup.main` as the
installed script); a few run as a real process too.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from addin.commands import click_vi
from addin.commands.cli import cli

KIEMSAT = str(Path(sys.executable).with_name("kiemsat"))

# click's English, as it would appear if a message were not translated
ENGLISH = re.compile(r"Usage|Error|Missing|Invalid|Try '|unexpected|No such|is not|requires|does not|"
                     r"Did you mean|Choose from|Aborted|Traceback|Options|Commands|OPTIONS|COMMAND|TEXT|INTEGER|"
                     r"valid|range|argument|option\b")

# click's messages for the programmer who wrote a command wrongly: never shown to a clerk
PROGRAMMER_ERRORS = {
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
}


def walk(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        sub = group.get_command(ctx, name)
        found.append(((*path, name), sub))
        if isinstance(sub, click.Group):
            found += walk(sub, (*path, name))
    return found


COMMANDS = walk(cli)
LEAVES = [(p, c) for p, c in COMMANDS if not isinstance(c, click.Group)]
GROUPS = [((), cli)] + [(p, c) for p, c in COMMANDS if isinstance(c, click.Group)]


def valid_value(param: click.Parameter) -> str:
    if isinstance(param.type, click.Choice):
        return str(param.type.choices[0])
    if isinstance(param.type, (click.IntRange, click.types.IntParamType)):
        low = getattr(param.type, "min", None)
        return str(low or 1)
    return "so 2026.xlsx"  # a path with a space, quoted


def required_args(command: click.Command) -> list[str]:
    """The smallest command line that parses: every required argument and option, with a valid value."""
    args: list[str] = []
    for p in command.params:
        if isinstance(p, click.Option) and p.required:
            args += [p.opts[0], valid_value(p)]
    for p in command.params:
        if isinstance(p, click.Argument) and p.required:
            args += [valid_value(p)] * max(p.nargs, 1)
    return args


def cases() -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for path, command in LEAVES:
        name = " ".join(path)
        base = [*path, *required_args(command)]
        if any(p.required for p in command.params):
            out.append((f"{name}: thiếu đối số", [*path]))
        out.append((f"{name}: tùy chọn không có", [*base, "--khong-co-tuy-chon"]))
        if not any(isinstance(p, click.Argument) and p.nargs == -1 for p in command.params):
            # a path with spaces typed without quotes: its tail is an extra argument
            out.append((f"{name}: thừa đối số", [*base, "dõi/sổ", "2026.xlsx"]))
        for p in command.params:
            if not isinstance(p, click.Option) or p.is_flag or p.hidden:
                continue
            out.append((f"{name}: {p.opts[0]} thiếu giá trị", [*path, *required_args(command), p.opts[0]]))
            if isinstance(p.type, click.Choice):
                out.append((f"{name}: {p.opts[0]} sai", [*base, p.opts[0], "khong-co"]))
            if isinstance(p.type, (click.IntRange, click.types.IntParamType)):
                out.append((f"{name}: {p.opts[0]} chữ", [*base, p.opts[0], "abc"]))
                out.append((f"{name}: {p.opts[0]} chữ số Ả Rập", [*base, p.opts[0], "٣"]))
                if getattr(p.type, "min", None) is not None:
                    out.append((f"{name}: {p.opts[0]} nhỏ quá", [*base, p.opts[0], str(p.type.min - 1)]))
    for path, _group in GROUPS:
        name = " ".join(path) or "kiemsat"
        out.append((f"{name}: thiếu lệnh", [*path]))
        out.append((f"{name}: lệnh không có", [*path, "khong-co-lenh"]))
        out.append((f"{name}: tùy chọn không có", [*path, "--khong-co-tuy-chon"]))
    return out


CASES = cases()


def assert_one_vietnamese_line(stderr: str, code: int, args: list[str]) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2, (args, code, stderr)
    assert len(lines) == 1, (args, stderr)
    line = lines[0]
    assert line.startswith("Lỗi: "), (args, line)
    assert "--help" in line, (args, line)  # says where to look
    # the words of the line, values the user typed and option names left out
    words = re.sub(r"«[^»]*»|'[^']*'|\([^)]*\)|--?[\w-]+|\"[^\"]*\"", " ", line)
    assert not ENGLISH.search(words), (args, line)


@pytest.mark.parametrize("label,args", CASES, ids=[c[0] for c in CASES])
def test_every_command_typed_wrong_says_what_to_do_in_one_vietnamese_line(label, args, tmp_path):
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert_one_vietnamese_line(result.stderr, result.exit_code, args)
    if "thừa đối số" in label:
        assert "ngoặc kép" in result.stderr
    if "thiếu" in label and "--" not in label:
        assert "thiếu" in result.stderr


def test_the_walk_finds_every_command():
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"init", "check", "deadlines", "decide", "stats", "demo", "alerts run-once", "alerts status",
            "addin build", "templates check"} <= names
    assert len(CASES) > 5 * len(LEAVES)


@pytest.mark.parametrize("args", [["init"], ["decide", "so.xlsx", "--type", "hinhsu", "--out", "q", "--rows", "3"],
                                  ["init", "theo", "dõi/sổ 2026.xlsx"], ["init", "a.xlsx", "--sample", "abc"]])
def test_the_installed_command_too(args, tmp_path):
    done = subprocess.run([KIEMSAT, *args], capture_output=True, text=True, cwd=tmp_path, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert_one_vietnamese_line(done.stderr, done.returncode, args)
    assert done.stdout == ""


@pytest.mark.parametrize("path", [()] + [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "kiemsat")
def test_help_is_vietnamese_and_not_cut(path):
    result = CliRunner().invoke(cli, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("Cách dùng: kiemsat")
    assert not re.search(r"Usage|Options:|Commands:|\[OPTIONS\]|COMMAND|\bTEXT\b|INTEGER|Show this", text), text
    assert "..." not in re.sub(r"\]\.\.\.", "]", text), text  # click cuts long lines with "..."


def _click_messages() -> set[str]:
    """Every message click passes through gettext / ngettext (singular form), read from its source."""
    found: set[str] = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        if source.name in ("testing.py", "shell_completion.py", "_termui_impl.py", "_winconsole.py"):
            continue  # not reached by kiemsat (no completion, pager, progress bar or Windows console calls)
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    found.add(node.args[0].value)
    return found


def test_every_message_of_the_installed_click_has_a_translation():
    missing = _click_messages() - set(click_vi.MESSAGES) - set(click_vi.PLURALS) - PROGRAMMER_ERRORS
    assert not missing, f"click messages without a Vietnamese translation: {sorted(missing)}"


def test_a_new_command_with_plain_click_integers_takes_ascii_digits_only():
    """A helper adding `type=int` or `click.IntRange` gets the ASCII-only check without asking."""
    from addin.commands.output import RootGroup

    group = RootGroup("kiemsat")

    @group.command("thu")
    @click.option("--n", type=int)
    @click.option("--m", type=click.IntRange(1, 5))
    def thu(n, m):
        click.echo(f"{n} {m}")

    runner = CliRunner()
    assert runner.invoke(group, ["thu", "--n", "7", "--m", "2"]).stdout == "7 2\n"
    for args in (["thu", "--n", "٣"], ["thu", "--m", "３"], ["thu", "--m", "9"]):
        result = runner.invoke(group, args)
        assert_one_vietnamese_line(result.stderr, result.exit_code, args)


def test_a_command_made_with_plain_click_speaks_vietnamese_once_added():
    from addin.commands.output import RootGroup

    group = RootGroup("kiemsat")

    @click.command("ngoai")
    @click.argument("path")
    @click.option("--so", type=int, help="Một số.")
    def outside(path, so):
        """Một lệnh viết bằng click.command, có dòng mô tả rất dài để click phải cắt nó nếu không ai ngăn lại."""

    group.add_command(outside)
    runner = CliRunner()
    usage = runner.invoke(group, ["--help"]).stdout
    assert "..." not in usage.replace("[ĐỐI SỐ]...", "") and "ngăn lại" in " ".join(usage.split())
    assert "[TÙY CHỌN]" in runner.invoke(group, ["ngoai", "--help"]).stdout
    for args in (["ngoai"], ["ngoai", "a", "b"], ["ngoai", "a", "--so", "٣"]):
        result = runner.invoke(group, args)
        assert_one_vietnamese_line(result.stderr, result.exit_code, args)
