"""The command registry: every action of the Kiểm sát ribbon, defined once.

From this table come the ribbon XML (`addin/xlam/ribbon.py`), the VBA dispatcher (`addin/xlam/vba.py`), the
dispatcher on the Python side (`dispatch.py`) and the names of the CLI's sub-commands
(`addin/commands/cli.py` names each with `cmd(id).cli_name`; a test checks both sides). A command
whose core is not built yet stays registered with `available=False`: its button is shown
disabled (the ribbon's getEnabled callback answers False) and pressing it cannot happen.

This module is on the import path of every button press: it imports nothing heavy, and a
handler is imported only when its command runs (`Command.resolve`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,30}$")  # a valid XML NCName, VBA string and CLI word
CLI_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,30}$")


@dataclass(frozen=True)
class Group:
    id: str
    label_vi: str


@dataclass(frozen=True)
class Command:
    id: str  # ribbon control id; what the VBA dispatcher passes to Python
    label_vi: str  # the button's caption
    tooltip_vi: str  # the screentip's text (supertip)
    image_mso: str  # a built-in Office icon (imageMso)
    handler: str  # "package.module:function", imported only when the command runs
    cli_name: str | None  # the sub-command's name under `kiemsat`; None: ribbon only
    group: str  # Group.id
    available: bool = True  # False while the core it needs is not built
    large: bool = True  # large or normal button
    needs_workbook: bool = True  # False: the button works with no workbook open
    argument: str | None = None  # passed to the handler (a menu item's decision type)

    def resolve(self) -> Callable[..., Any]:
        """Import the handler's module and return the function (lazily: only this one)."""
        module_name, _, func = self.handler.partition(":")
        handler = getattr(import_module(module_name), func)
        if self.argument is None:
            return handler
        return lambda book, ui: handler(book, ui, self.argument)


@dataclass(frozen=True)
class Menu:
    """A menu whose items Python gives when it opens (the ribbon's dynamicMenu, getContent callback):
    `content` ("package.module:function", called with the workbook or None) returns the menu's XML."""

    id: str
    label_vi: str
    tooltip_vi: str
    image_mso: str
    content: str
    group: str

    def resolve(self) -> Callable[..., Any]:
        module_name, _, func = self.content.partition(":")
        return getattr(import_module(module_name), func)


# what the ribbon's XML and the menus Python builds at run time both name (addin/xlam and addin/excel read them here)
CUSTOMUI_NAMESPACE = "http://schemas.microsoft.com/office/2009/07/customui"
VBA_MODULE = "KiemsatRibbon"
ON_ACTION = f"{VBA_MODULE}.KiemsatOnAction"  # the VBA Sub every button and menu item calls

TAB_ID = "kiemsat_tab"
TAB_LABEL_VI = "Kiểm sát"

GROUPS: tuple[Group, ...] = (
    Group("grp_cases", "Hồ sơ, quyết định"),
    Group("grp_deadlines", "Thời hạn"),
    Group("grp_ledger", "Sổ theo dõi"),
    Group("grp_settings", "Cài đặt"),
)

COMMANDS: tuple[Command, ...] = (
    Command(
        id="decisions", label_vi="Tạo quyết định",
        tooltip_vi="Tạo quyết định phân công cho các dòng đang chọn (loại quyết định theo sheet: tin báo, "
                   "án hình sự, dân sự hoặc hành chính, thi hành án): cấp số từ Sổ quyết định, ghi số vào sổ "
                   "và lưu tệp vào thư mục «quyet_dinh» cạnh sổ, mỗi vụ một thư mục.",
        image_mso="FileNew", handler="addin.excel.handlers.decide:run", cli_name="decide",
        group="grp_cases"),
    Command(
        id="decisions_inspector", label_vi="QĐ phân công KTV",
        tooltip_vi="Tạo quyết định phân công Kiểm tra viên nghiên cứu hồ sơ, lập hồ sơ kiểm sát cho các dòng "
                   "đang chọn ở sheet «Án hình sự» (trên dòng lệnh: kiemsat decide --type kiem-tra-vien).",
        image_mso="AddressBook", handler="addin.excel.handlers.decide:run_inspector", cli_name=None,
        group="grp_cases", large=False),
    Command(
        id="register_number", label_vi="Cấp số",
        tooltip_vi="Lấy số quyết định tiếp theo từ Sổ quyết định cho vụ án ở dòng đang chọn (quyết định soạn "
                   "tay): ghi một dòng mới vào Sổ quyết định với ngày hôm nay.",
        image_mso="NumberingInsert", handler="addin.excel.handlers.number:run", cli_name=None,
        group="grp_cases"),
    Command(
        id="open_folder", label_vi="Mở hồ sơ",
        tooltip_vi="Mở thư mục hồ sơ (bản số hóa, quyết định đã tạo) của vụ án ở dòng đang chọn, trong thư "
                   "mục «quyet_dinh» cạnh sổ.",
        image_mso="FileOpen", handler="addin.excel.handlers.folder:run", cli_name=None,
        group="grp_cases"),
    Command(
        id="intake", label_vi="Nạp văn bản",
        tooltip_vi="Đọc một văn bản đến (quyết định khởi tố, lệnh tạm giữ, tạm giam, thông báo tin báo, thông báo thụ "
                   "lý, bản án, quyết định thi hành án; .docx, .pdf, ảnh quét) thành dòng của sổ: xem trước từng giá "
                   "trị đọc được ở sheet «Nạp văn bản», xác nhận rồi ghi (trên dòng lệnh: kiemsat intake).",
        image_mso="ImportTextFile", handler="addin.excel.handlers.intake:run", cli_name="intake",
        group="grp_cases"),
    Command(
        id="deadlines", label_vi="Kiểm tra thời hạn",
        tooltip_vi="Tính thời hạn tố tụng của mọi dòng, ghi vào các cột thời hạn và tô màu "
                   "dòng sắp hết hạn (vàng) và quá hạn (đỏ).",
        image_mso="CalendarMonthDetailsSplitButton", handler="addin.excel.handlers.deadlines:run",
        cli_name="deadlines", group="grp_deadlines"),
    Command(
        id="send_alerts", label_vi="Gửi cảnh báo ngay",
        tooltip_vi="Gửi ngay thư cảnh báo các thời hạn sắp đến cho Kiểm sát viên và lãnh đạo, "
                   "không chờ giờ gửi hằng ngày.",
        image_mso="NewMailMessage", handler="addin.excel.handlers.alerts:run", cli_name="alerts",
        group="grp_deadlines"),
    Command(
        id="check", label_vi="Kiểm tra sổ",
        tooltip_vi="Kiểm tra dữ liệu đã nhập: liệt kê từng lỗi với sheet, dòng, cột và cách sửa "
                   "vào sheet «Lỗi nhập liệu».",
        image_mso="ReviewAcceptChange", handler="addin.excel.handlers.check:run", cli_name="check",
        group="grp_ledger"),
    Command(
        id="statistics", label_vi="Thống kê",
        tooltip_vi="Lập sheet thống kê cho lãnh đạo: số vụ theo Kiểm sát viên, theo Phó Viện "
                   "trưởng, hồ sơ đã số hóa, vụ quá hạn.",
        image_mso="ChartInsert", handler="addin.excel.handlers.statistics:run", cli_name="stats",
        group="grp_ledger"),
    Command(
        id="settings", label_vi="Cài đặt",
        tooltip_vi="Mở sheet «Cấu hình» của sổ: tên đơn vị, số ngày cảnh báo, giờ gửi thư, "
                   "ngày nghỉ bù.",
        image_mso="ControlProperties", handler="addin.excel.handlers.settings:run", cli_name=None,
        group="grp_settings"),
    Command(
        id="doctor", label_vi="Kiểm tra cài đặt",
        tooltip_vi="Kiểm tra máy này có chạy được thanh Kiểm sát không: Python, phiên bản, thư mục XLSTART, "
                   "cài đặt macro, sổ trên OneDrive, mật khẩu thư, tác vụ gửi cảnh báo; mỗi mục một dòng kèm "
                   "cách sửa (trên dòng lệnh: kiemsat doctor).",
        image_mso="Help", handler="addin.doctor.excel:run", cli_name="doctor",
        group="grp_settings", needs_workbook=False),
)

_BY_ID: dict[str, Command] = {c.id: c for c in COMMANDS}

# Every decision type, the unit's own included (those in the «mau_quyet_dinh» folder beside the workbook):
# a menu filled when it opens, one item per type, each pressed like a button whose id names the type
MENUS: tuple[Menu, ...] = (
    Menu(id="decision_types", label_vi="Loại quyết định",
         tooltip_vi="Chọn loại quyết định cho các dòng đang chọn: mọi loại kiemsat có (phê chuẩn, gia hạn, thay đổi "
                    "Kiểm sát viên, ...) và các loại riêng của đơn vị trong thư mục «mau_quyet_dinh» cạnh sổ; cấp "
                    "số, ghi Sổ quyết định và lưu tệp như «Tạo quyết định».",
         image_mso="FileNewContext", content="addin.excel.handlers.decision_menu:content", group="grp_cases"),
)
_MENUS_BY_ID: dict[str, Menu] = {m.id: m for m in MENUS}
TYPE_ITEM_PREFIX = "qd__"  # a menu item's id: the prefix, then the type's key with «-» as «_»


def type_item_id(key: str) -> str:
    """The menu item id of decision type `key` (keys are lower-case letters, digits and «-»: one id each)."""
    return TYPE_ITEM_PREFIX + key.replace("-", "_")


def type_item_key(command_id: str) -> str | None:
    """The decision type a menu item's id names, or None for any other id."""
    if not command_id.startswith(TYPE_ITEM_PREFIX):
        return None
    key = command_id[len(TYPE_ITEM_PREFIX):].replace("_", "-")
    return key if re.fullmatch(r"[a-z0-9][a-z0-9-]{1,40}", key) else None


def menu(menu_id: str) -> Menu:
    try:
        return _MENUS_BY_ID[menu_id]
    except KeyError:
        raise UnknownCommand(menu_id) from None


def menus_of(group_id: str) -> tuple[Menu, ...]:
    return tuple(m for m in MENUS if m.group == group_id)


@dataclass(frozen=True)
class CliCommand:
    """A command with no button: only a sub-command of `kiemsat` (the shared store is not a clerk's click)."""

    id: str
    cli_name: str
    help_vi: str


CLI_ONLY: tuple[CliCommand, ...] = (
    CliCommand("publish", "publish", "Gửi số liệu của sổ (các dòng, thời hạn, cách tính) lên kho số liệu chung."),
    CliCommand("province", "province", "Tổng hợp các đơn vị từ kho số liệu chung: thời hạn, thống kê, báo cáo kỳ."),
    CliCommand("period_report", "report", "Gửi báo cáo kỳ lên Viện tỉnh; Viện tỉnh trả lại báo cáo kèm lý do."),
    CliCommand("store", "store", "Kho số liệu chung: nâng cấp, tài khoản đơn vị, cảnh báo từ kho."),
)
_CLI_ONLY_BY_ID: dict[str, CliCommand] = {c.id: c for c in CLI_ONLY}


def cli_only(command_id: str) -> CliCommand:
    """The CLI-only entry `command_id` (its sub-command name under `kiemsat`)."""
    try:
        return _CLI_ONLY_BY_ID[command_id]
    except KeyError:
        raise UnknownCommand(command_id) from None


def check_cli_only() -> list[str]:
    """The CLI-only entries: well-formed names, none used twice, none taken by a button's command."""
    errors: list[str] = []
    taken = {c.cli_name for c in COMMANDS if c.cli_name} | {c.id for c in COMMANDS}
    seen: set[str] = set()
    for c in CLI_ONLY:
        if not ID_PATTERN.match(c.id) or not CLI_NAME_PATTERN.match(c.cli_name):
            errors.append(f"{c.id}: id or cli name malformed")
        if c.cli_name in taken or c.id in taken or c.cli_name in seen:
            errors.append(f"{c.id}: cli name {c.cli_name} used twice")
        seen.add(c.cli_name)
    return errors


class UnknownCommand(KeyError):
    pass


def get(command_id: str) -> Command:
    """The command `command_id`: a button's, or a decision type's item of the «Loại quyết định» menu."""
    try:
        return _BY_ID[command_id]
    except KeyError:
        key = type_item_key(command_id)
        if key is None:
            raise UnknownCommand(command_id) from None
    return Command(id=command_id, label_vi="Loại quyết định", tooltip_vi="", image_mso="FileNewContext",
                   handler="addin.excel.handlers.decide:run_type", cli_name=None, group="grp_cases", argument=key)


def cmd(command_id: str) -> Command:
    """The registry entry `command_id` (what addin/commands/cli.py takes its sub-command names from)."""
    return get(command_id)


def by_group(group_id: str) -> tuple[Command, ...]:
    return tuple(c for c in COMMANDS if c.group == group_id)


def check_registry() -> list[str]:
    """Inconsistencies in the table (empty when it is sound); a test and the build call it."""
    errors: list[str] = []
    group_ids = {g.id for g in GROUPS}
    seen: set[str] = set()
    for c in COMMANDS:
        if not ID_PATTERN.match(c.id):
            errors.append(f"{c.id}: id must match {ID_PATTERN.pattern}")
        if c.id in seen or c.id in group_ids or c.id == TAB_ID:
            errors.append(f"{c.id}: id used twice")
        seen.add(c.id)
        if c.group not in group_ids:
            errors.append(f"{c.id}: unknown group {c.group}")
        if ":" not in c.handler:
            errors.append(f"{c.id}: handler must be 'module:function'")
        if not c.label_vi or not c.tooltip_vi:
            errors.append(f"{c.id}: label and tooltip are required")
        if c.cli_name is not None and not CLI_NAME_PATTERN.match(c.cli_name):
            errors.append(f"{c.id}: cli name must match {CLI_NAME_PATTERN.pattern}")
    for m in MENUS:
        if not ID_PATTERN.match(m.id) or m.id in seen or m.id in group_ids or m.id.startswith(TYPE_ITEM_PREFIX):
            errors.append(f"{m.id}: menu id malformed or used twice")
        seen.add(m.id)
        if m.group not in group_ids or ":" not in m.content or not m.label_vi or not m.tooltip_vi:
            errors.append(f"{m.id}: menu needs a known group, a 'module:function' content, a label and a tooltip")
    if any(c.id.startswith(TYPE_ITEM_PREFIX) for c in COMMANDS):
        errors.append(f"command ids may not start with {TYPE_ITEM_PREFIX} (the decision types' menu items)")
    names = [c.cli_name for c in COMMANDS if c.cli_name is not None]
    for n in set(names):
        if names.count(n) > 1:
            errors.append(f"cli name {n} used twice")
    return errors
