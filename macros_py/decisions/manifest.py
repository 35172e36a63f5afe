"""Decision types as data: each type is a folder holding its .docx template and `manifest.toml`.

    workbook_templates/decisions/tin-bao/manifest.toml     (the built-in types)
    workbook_templates/decisions/tin-bao/phan_cong_tin_bao.docx
    <the unit's --templates folder>/<key>/manifest.toml     (a unit's own types)

The manifest says which sheet's rows get the decision, the facts it cannot be issued without,
the register's «Loại quyết định» and trích yếu, who may sign (the person assigned and their
duties' articles), the stage guard, what is written back to the row, and (for the templates
kiemsat builds) the texts of the legal bases and articles. `load_manifest` validates it and says
what is wrong in Vietnamese; numbering, register, PDF, guards and write-back then need no code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from macros_py.ledger.schema import SETTINGS_BY_KEY, SHEETS_BY_KEY, STAFF, Kind
from macros_py.resources import DECISIONS_FOLDER, template_file

if TYPE_CHECKING:
    from macros_py.decisions.decision_types import DecisionType

MANIFEST = "manifest.toml"
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$")
_TOP = {"key", "title", "sheet", "template", "slug", "summary", "form", "people", "assignee", "duties",
        "executors", "only_when", "writeback", "copies", "stage_guard", "repeatable", "repeat_guard", "extension",
        "on_request", "joins", "counter", "required", "text", "unique_role", "articles"}
_TEXT = {"bases", "subtitle", "article1", "article2", "article3", "agencies", "recipients"}


class ManifestError(Exception):
    """A manifest kiemsat cannot use; `messages` are Vietnamese, one problem each."""

    def __init__(self, messages: Iterable[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class Fact:
    """A fact a decision cannot be issued without: a column (or setting) and why it is needed."""

    field: str
    reason: str
    when: tuple[str, tuple[str, ...]] | None = None  # only on rows whose column holds one of these values


def _as_str(data: Mapping[str, Any], key: str, where: str, problems: list[str], *, required: bool = False,
            default: str | None = None) -> str | None:
    value = data.get(key, default)
    if value is None:
        if required:
            problems.append(f"{where}: thiếu khóa «{key}».")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where}: «{key}» phải là một chuỗi chữ không rỗng (đang là {value!r}).")
        return None
    return value


def _as_list(data: Mapping[str, Any], key: str, where: str, problems: list[str]) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        problems.append(f"{where}: «{key}» phải là một danh sách [..] (đang là {value!r}).")
        return []
    return value


def _as_bool(data: Mapping[str, Any], key: str, where: str, problems: list[str]) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        problems.append(f"{where}: «{key}» phải là true hoặc false (đang là {value!r}).")
        return False
    return value


def load_manifest(folder: Path, check_template: bool = True) -> DecisionType:
    """The decision type in `folder` (its manifest.toml and template). Raises ManifestError.
    `check_template=False` for the built-in types, whose templates the builder makes from them."""
    from macros_py.decisions import decision_types as dt

    folder = Path(folder)
    path = folder / MANIFEST
    where = f"mẫu «{folder.name}» ({MANIFEST})"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError([f"thư mục mẫu «{folder}» không có tệp {MANIFEST}."]) from None
    except UnicodeDecodeError:
        raise ManifestError([f"{where}: tệp không phải văn bản UTF-8."]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError([f"{where}: sai cú pháp TOML ({exc})."]) from None
    problems: list[str] = []
    for extra in sorted(set(data) - _TOP):
        problems.append(f"{where}: khóa «{extra}» không có trong mẫu khai báo (các khóa: {', '.join(sorted(_TOP))}).")
    key = _as_str(data, "key", where, problems, required=True) or ""
    if key and not _KEY.match(key):
        problems.append(f"{where}: «key» = «{key}»: chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang "
                        "(ví dụ «phe-chuan-tam-giam»).")
    title = _as_str(data, "title", where, problems, required=True) or ""
    summary = _as_str(data, "summary", where, problems, required=True) or ""
    sheet = _as_str(data, "sheet", where, problems, required=True) or ""
    spec = SHEETS_BY_KEY.get(sheet)
    if sheet and spec is None:
        problems.append(f"{where}: «sheet» = «{sheet}» không phải sheet của sổ (chọn một trong: "
                        f"{', '.join(SHEETS_BY_KEY)}).")
    template = _as_str(data, "template", where, problems, default="mau.docx") or "mau.docx"
    if "/" in template or "\\" in template or not template.lower().endswith(".docx"):
        problems.append(f"{where}: «template» = «{template}»: phải là tên một tệp .docx trong thư mục mẫu.")
    elif check_template and not (folder / template).is_file():
        problems.append(f"{where}: không có tệp mẫu «{template}» trong thư mục «{folder}».")
    slug = _as_str(data, "slug", where, problems, default=key) or key
    if slug and not _SLUG.match(slug):
        problems.append(f"{where}: «slug» = «{slug}»: chỉ dùng chữ cái không dấu, chữ số, «-» và «_».")
    form = _as_str(data, "form", where, problems, default="") or ""

    joins: list[tuple[str, str]] = []
    for item in _as_list(data, "joins", where, problems):
        if (not isinstance(item, list) or len(item) != 2 or item[0] not in SHEETS_BY_KEY
                or item[1] not in SHEETS_BY_KEY[item[0]].keys):
            problems.append(f"{where}: «joins»: mỗi mục là [sheet, cột] của sheet đó (đang là {item!r}).")
        else:
            joins.append((item[0], item[1]))
    specs = [s for s in (spec, *(SHEETS_BY_KEY[s] for s, _ in joins)) if s is not None]
    columns = {k for s in specs for k in s.keys}
    staff_columns = {c.key for s in specs for c in s.columns if c.kind is Kind.STAFF}
    own = set(spec.keys) if spec else set()

    def column(value: Any, what: str, allowed: set[str] = own) -> str | None:
        if not isinstance(value, str) or value not in allowed:
            if spec is not None:
                problems.append(f"{where}: {what} = «{value}» không phải cột của sheet «{spec.title}» "
                                "(xem tên khóa các cột: kiemsat templates check --json).")
            return None
        return value

    people = tuple(p for p in (column(v, "«people»", staff_columns) for v in _as_list(data, "people", where,
                                                                                          problems)) if p) \
        if "people" in data else ("prosecutor",)
    assignee_raw = data.get("assignee", "prosecutor")
    assignee = None if assignee_raw in ("", None) else column(assignee_raw, "«assignee»", staff_columns)
    duties_raw = data.get("duties", {})
    duties: dict[str, str] = {}
    if not isinstance(duties_raw, dict) or not all(isinstance(v, str) for v in duties_raw.values()):
        problems.append(f"{where}: «duties» là bảng {{\"Chức vụ\" = \"điều luật\"}}, ví dụ "
                        "{ \"Kiểm sát viên\" = \"42\" }.")
    else:
        titles = STAFF.column("title").choices.canonical if STAFF.column("title").choices else ()
        for title_name, article in duties_raw.items():
            if titles and title_name not in titles:
                problems.append(f"{where}: «duties»: chức vụ «{title_name}» không có (chọn: {', '.join(titles)}).")
            duties[title_name] = article
    if assignee and not duties:
        problems.append(f"{where}: có «assignee» thì cần «duties» (điều luật về nhiệm vụ theo chức vụ).")

    only_when = None
    if "only_when" in data:
        raw = data["only_when"]
        if not isinstance(raw, dict) or set(raw) != {"column", "values"} or not isinstance(raw["values"], list):
            problems.append(f"{where}: «only_when» là {{ column = \"cột\", values = [\"giá trị\", ...] }}.")
        elif column(raw["column"], "«only_when.column»"):
            only_when = (raw["column"], tuple(str(v) for v in raw["values"]))

    writeback_raw = data.get("writeback", ["decision_no", "decision_date"])
    writeback = ("decision_no", "decision_date")
    if not isinstance(writeback_raw, list) or len(writeback_raw) != 2:
        problems.append(f"{where}: «writeback» là [cột số quyết định, cột ngày quyết định].")
    else:
        a, b = (column(v, "«writeback»") for v in writeback_raw)
        if a and b:
            if spec is not None and spec.column(b).kind is not Kind.DATE:
                problems.append(f"{where}: «writeback»: cột «{spec.column(b).label}» không phải cột ngày.")
            writeback = (a, b)
    copies: list[tuple[str, ...]] = []
    new_values = ("extended_until", "@decision_no", "@decision_date")
    for item in _as_list(data, "copies", where, problems):
        if not isinstance(item, list) or len(item) not in (2, 3):
            problems.append(f"{where}: «copies»: mỗi mục là [cột ghi vào, trường lấy giá trị] hoặc [cột ghi vào, "
                            f"trường lấy giá trị, cột phải có giá trị] (đang là {item!r}).")
            continue
        target = column(item[0], "«copies»")
        if len(item) == 3:
            column(item[2], "«copies» (cột điều kiện)")
        if target and not (item[1] in new_values or item[1] in columns):
            problems.append(f"{where}: «copies»: «{item[1]}» không phải trường có giá trị (một cột, hoặc "
                            f"{', '.join(f'«{v}»' for v in new_values)}).")
        elif target:
            copies.append(tuple(item))
    counter = data.get("counter")
    if counter is not None:
        counter = column(counter, "«counter»")
        if counter and spec is not None and spec.column(counter).kind is not Kind.INT:
            problems.append(f"{where}: «counter»: cột «{spec.column(counter).label}» không phải cột số.")

    guard_name = _as_str(data, "stage_guard", where, problems, default="") or ""
    if guard_name and guard_name not in dt.STAGE_GUARDS:
        problems.append(f"{where}: «stage_guard» = «{guard_name}» không có (chọn một trong: "
                        f"{', '.join(dt.STAGE_GUARDS)}).")
    repeat_name = _as_str(data, "repeat_guard", where, problems, default="") or ""
    if repeat_name and repeat_name not in dt.REPEAT_GUARDS:
        problems.append(f"{where}: «repeat_guard» = «{repeat_name}» không có (chọn một trong: "
                        f"{', '.join(dt.REPEAT_GUARDS)}).")
    extension = _as_bool(data, "extension", where, problems)
    extended_column = next((c[0] for c in copies if c[1] == "extended_until"), None)
    if repeat_name == "extension_not_later" and extended_column is None:
        problems.append(f"{where}: «repeat_guard» = «extension_not_later» cần một mục «copies» "
                        "[cột gia hạn đến, \"extended_until\"].")
    unique_role = _as_bool(data, "unique_role", where, problems)

    required: list[Fact] = []
    settings = set(SETTINGS_BY_KEY)
    for item in _as_list(data, "required", where, problems):
        if not isinstance(item, dict) or set(item) - {"field", "reason", "when"} or \
                not isinstance(item.get("field"), str):
            problems.append(f"{where}: «required»: mỗi mục là {{ field = \"cột\", reason = \"vì sao cần\" }} "
                            "(có thể thêm when = { column = \"cột\", values = [...] }).")
            continue
        if item["field"] not in columns and item["field"] not in settings:
            problems.append(f"{where}: «required»: «{item['field']}» không phải cột của sheet hay thông tin ở "
                            "sheet Cấu hình.")
            continue
        when = item.get("when")
        if when is not None:
            if not isinstance(when, dict) or set(when) != {"column", "values"} or not isinstance(when["values"], list):
                problems.append(f"{where}: «required» «{item['field']}»: «when» là {{ column = \"cột\", "
                                "values = [\"giá trị\", ...] }.")
                continue
            if not column(when["column"], "«required.when.column»", columns):
                continue
            when = (when["column"], tuple(str(v) for v in when["values"]))
        required.append(Fact(item["field"], str(item.get("reason") or ""), when))

    text = data.get("text", {})
    if not isinstance(text, dict):
        problems.append(f"{where}: «text» phải là một bảng [text].")
        text = {}
    for extra in sorted(set(text) - _TEXT):
        problems.append(f"{where}: [text]: khóa «{extra}» không có (các khóa: {', '.join(sorted(_TEXT))}).")
    bases = tuple(str(b) for b in _as_list(text, "bases", where + " [text]", problems))
    lists: dict[str, list[Any]] = {"agencies": [], "recipients": []}
    for name, found in lists.items():
        for item in _as_list(text, name, where + " [text]", problems):
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or set(item) - {"text", "when"}:
                problems.append(f"{where}: [text] «{name}»: mỗi mục là {{ text = \"...\", when = \"cột\" }}.")
                continue
            found.append(dt.Recipient(item["text"], item.get("when") or None))
    agencies = lists["agencies"]
    articles = data.get("articles", 3)
    if articles not in (2, 3) or isinstance(articles, bool):
        problems.append(f"{where}: «articles» là 2 hoặc 3 (số Điều của quyết định; đang là {articles!r}).")
        articles = 3
    executors = _as_str(data, "executors", where, problems, default="Văn phòng") or "Văn phòng"
    if problems:
        raise ManifestError(problems)
    if not people:
        people = (assignee,) if assignee else ()
    return dt.DecisionType(
        key=key, title=title, sheet=sheet, template=template, slug=slug, summary=summary,
        bases=bases, article1=str(text.get("article1", "")), article2=str(text.get("article2", "")),
        article3_text=str(text.get("article3", "")) or None,
        people=people, assignee=assignee, duties=duties, agencies=tuple(agencies), executors=executors,
        only_when=only_when, writeback=writeback, copies=tuple(copies),
        past_stage=dt.STAGE_GUARDS.get(guard_name) if guard_name else None, stage_guard=guard_name,
        repeatable=_as_bool(data, "repeatable", where, []), repeat_guard_name=repeat_name,
        repeat_guard=dt.make_repeat_guard(repeat_name, extended_column) if repeat_name else None,
        extension=extension, on_request=_as_bool(data, "on_request", where, []), joins=tuple(joins),
        counter=counter, required=tuple(required), form=form, folder=folder, unique_role=unique_role,
        articles=articles, recipients_text=tuple(lists["recipients"]), subtitle=str(text.get("subtitle", "")),
    )


def builtin_folder() -> Path:
    return template_file(DECISIONS_FOLDER)


def manifest_folders(root: Path) -> list[Path]:
    """The type folders under `root`: sub-folders holding a manifest.toml, by name."""
    root = Path(root)
    return sorted((p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).is_file()), key=lambda p: p.name)


@lru_cache(maxsize=1)
def builtin_types() -> tuple[DecisionType, ...]:
    """The types kiemsat ships; a broken shipped manifest is a bug, so it raises."""
    return tuple(load_manifest(folder, check_template=False) for folder in manifest_folders(builtin_folder()))


@dataclass
class TypeSet:
    types: dict[str, DecisionType]
    problems: list[str]  # the unit's folders that could not be used, with why
    own: list[str]  # keys of the unit's own types (new or replacing a built-in)


def load_types(templates_dir: Path | None = None) -> TypeSet:
    """The built-in types, then each type folder in the unit's `templates_dir` (a folder whose key is
    a built-in's replaces it). A folder that cannot be used is left out and listed in `problems`."""
    types = {t.key: t for t in builtin_types()}
    problems: list[str] = []
    own: list[str] = []
    if templates_dir is not None and Path(templates_dir).is_dir():
        for folder in manifest_folders(Path(templates_dir)):
            try:
                dtype = load_manifest(folder)
            except ManifestError as exc:
                problems += exc.messages
                continue
            if dtype.key in own:
                problems.append(f"mẫu «{folder.name}»: khóa «{dtype.key}» trùng với một mẫu khác của đơn vị.")
                continue
            types[dtype.key] = dtype
            own.append(dtype.key)
    return TypeSet(types, problems, own)
