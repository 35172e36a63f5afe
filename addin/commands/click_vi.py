"""Click's own words in Vietnamese: usage, help headings, argument errors.

Click passes every message it prints through `gettext` / `ngettext`, which each of its modules imports under
the names `_` and `ngettext`. `install()` points those names at this catalogue. A message missing from it
comes out in English: tests/test_cli_usage.py runs every command with wrong arguments and fails on English.
Placeholders are click's own (`{value}`, `{param_hint}` ...); a translation may drop or reorder them.
"""

from __future__ import annotations

import importlib

QUOTE_HINT = 'đường dẫn có dấu cách phải đặt trong ngoặc kép, ví dụ "D:\\Sổ theo dõi\\sổ 2026.xlsx"'

MESSAGES: dict[str, str] = {
    # help and usage
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số",
    "Show this message and exit.": "In hướng dẫn này rồi thoát.",
    "Show the version and exit.": "In số phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "(dynamic)": "(tùy lúc chạy)",
    "deprecated": "không dùng nữa",
    "required": "bắt buộc",
    "Aborted!": "Đã dừng.",
    "Do you want to continue?": "Tiếp tục?",
    "Confirm the action without prompting.": "Xác nhận luôn, không hỏi lại.",
    "Press any key to continue...": "Nhấn một phím bất kỳ để tiếp tục...",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai lần nhập không giống nhau.",
    "Error: invalid input": "Lỗi: giá trị không hợp lệ",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem cách dùng: {command} {option}",
    # errors of the command line
    "Missing command.": "thiếu tên lệnh.",
    "No such command {name!r}.": "không có lệnh «{name}».",
    "No such option {name!r}.": "không có tùy chọn «{name}».",
    "Missing argument": "thiếu đối số",
    "Missing option": "thiếu tùy chọn",
    "Missing parameter": "thiếu tham số",
    "Missing {param_type}": "thiếu {param_type}",
    "Missing parameter: {param_name}": "thiếu tham số: {param_name}",
    "Invalid value: {message}": "giá trị không hợp lệ: {message}",
    "Invalid value for {param_hint}: {message}": "{param_hint}: {message}",
    "Option {name!r} does not take a value.": "tùy chọn «{name}» không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "đối số «{name}» cần {nargs} giá trị.",
    "Invalid start character for option ({option})": "tùy chọn «{option}» bắt đầu bằng ký tự không hợp lệ",
    "Value must be an iterable.": "cần một danh sách giá trị.",
    "unknown error": "lỗi không rõ",
    "Could not open file {filename!r}: {message}": "không mở được tệp «{filename}»: {message}",
    # parameter types
    "{value!r} is not a valid {number_type}.": "«{value}» không phải là một số (chỉ gồm chữ số 0-9).",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng cho phép ({range}).",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "«{value}» không phải là có/không; dùng một trong: {states}.",
    "{value!r} is not a valid UUID.": "«{value}» không phải là một UUID.",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "Choice({choices})": "một trong ({choices})",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "{name} {filename!r} does not exist.": "không có {name} «{filename}».",
    "{name} {filename!r} is a file.": "«{filename}» là một tệp, cần một thư mục.",
    "{name} {filename!r} is a directory.": "«{filename}» là một thư mục, cần một tệp.",
    "{name} {filename!r} is not readable.": "không có quyền đọc {name} «{filename}».",
    "{name} {filename!r} is not writable.": "không có quyền ghi {name} «{filename}».",
    "{name} {filename!r} is not executable.": "không chạy được {name} «{filename}».",
    "Unknown color {colour!r}": "không có màu «{colour}»",
    "Unknown standard stream '{name}'": "không có luồng chuẩn «{name}»",
}

# keyed by the singular form; Vietnamese has no plural
PLURALS: dict[str, str] = {
    "Got unexpected extra argument ({args})": f"thừa đối số ({{args}}); {QUOTE_HINT}.",
    "Did you mean {possibility}?": "Có phải ý là {possibility}?",
    "Takes {nargs} values but 1 was given.": "cần {nargs} giá trị, mới có {len}.",
    "Option {name!r} requires an argument.": "tùy chọn «{name}» cần một giá trị đi sau.",
    "{value!r} is not {choice}.": "«{value}» không có trong danh sách; chọn một trong: {choices}.",
    "{value!r} does not match the format {format}.": "«{value}» không đúng dạng {formats}.",
    "{len_type} values are required, but {len_value} was given.": "cần {len_type} giá trị, mới có {len_value}.",
}

# the modules of click that import gettext's functions
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURALS:
        return PLURALS[singular]
    return singular if n == 1 else plural


def install() -> None:
    """Make click speak Vietnamese in this process (idempotent)."""
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
