"""The README's table of tracked limits, generated from rules.toml (the one source of truth).

    .venv/bin/python -m macros_py.law.limits_table      # rewrite the table in README.md

`tests/test_law_cases.py` fails when the README's table differs from what this module generates.
"""

from __future__ import annotations

import sys
from pathlib import Path

from macros_py.law.rules import DERIVED, Rule, Rules, default_rules
from macros_py.ledger.schema import LEDGER_SHEETS, SHEETS_BY_KEY

BEGIN = "<!-- bảng thời hạn: sinh từ macros_py/law/rules.toml bằng «python -m macros_py.law.limits_table» -->"
END = "<!-- hết bảng thời hạn -->"


def _lengths(rule: Rule) -> str:
    if rule.after:
        return "một ngày, không phải thời hạn"
    if rule.limit_of is not None:
        return f"không quá thời hạn của [{rule.limit_of}]"
    parts = []
    seen: dict[str, list[str]] = {}
    for key, variant in rule.variants.items():
        if variant.length is None:
            continue
        text = str(variant.length)
        if variant.extensions:
            text += ", gia hạn " + " + ".join(str(e) for e in variant.extensions)
        if variant.maximum is not None:
            text += f", tối đa {variant.maximum}"
        seen.setdefault(text, []).append(key)
    for text, keys in seen.items():
        parts.append(f"{', '.join(k for k in keys if k)}: {text}" if any(keys) else text)
    return "; ".join(parts) + (" (lặp lại)" if rule.every else "")


def _label(rule: Rule, key: str) -> str:
    """A column's Vietnamese label, on the rule's sheet or its case's sheet: «Ngày khởi tố»."""
    for sheet in (rule.sheet, rule.case_sheet):
        spec = SHEETS_BY_KEY.get(sheet or "")
        if spec is not None and key in spec.keys:
            return f"«{spec.column(key).label}»"
    if key in DERIVED:
        return f"«{key}» ({DERIVED[key]})"
    labels = {c.label for sp in LEDGER_SHEETS for c in sp.columns if c.key == key}
    return "«" + "/".join(sorted(labels)) + "»" if labels else key


def _values(values: frozenset[str]) -> str:
    return "/".join(sorted({"": "trống", "*": "có ghi"}.get(v, v) for v in values))


def _ledger(rule: Rule, rules: Rules) -> str:
    """Where the rule lives in the ledger: sheet and start column, what ends it, its recorded extension."""
    parts = []
    if rule.sheet and rule.replaces is None:
        parts.append(f"{SHEETS_BY_KEY[rule.sheet].title}: từ {_label(rule, rule.start_column or '')}"
                     + (f" (trống thì từ ngày tính theo [{rule.from_else[0]}] kể từ {_label(rule, rule.from_else[1])})"
                        if rule.from_else else ""))
    elif rule.replaces and rule.start_column and rule.start_column != rules[rule.replaces].start_column:
        parts.append(f"từ {_label(rule, rule.start_column)}")
    if rule.replaces:
        cond = [f"{_label(rule, c)} = {_values(v)}" for c, v, _ in rule.when]
        cond += [f"{_label(rule, c)} từ {d.strftime('%d/%m/%Y')}" for c, d in rule.since]
        if rule.limit_of:
            cond.append(f"bắt đầu trong thời hạn của [{rule.limit_of}]")
        parts.append(f"thay [{rule.replaces}] khi " + ", ".join(cond))
    if rule.replaces is None:
        cond = [f"{_label(rule, c)} = {_values(v)}" for c, v, _ in rule.when]
        cond += [f"{_label(rule, c)} từ {d.strftime('%d/%m/%Y')}" for c, d in rule.since]
        cond += [f"{_label(rule, c)} khác {_values(v)}" for c, v, _ in rule.unless]
        cond += [f"{_label(rule, c)} trước {d.strftime('%d/%m/%Y')}" for c, d in rule.before]
        if cond:
            parts.append("khi " + ", ".join(cond))
        if rule.superseded_by:
            parts.append("bỏ khi " + ", ".join(_label(rule, c) for c in rule.superseded_by) + " sau ngày bắt đầu")
        ends = [_label(rule, c) for c in rule.done_when]
        ends += [f"{_label(rule, c)} = {_values(v)}" for c, v in rule.done_if]
        ends += [f"{_label(rule, c)} khác {_values(v)}" for c, v in rule.done_unless]
        if ends:
            parts.append("xong khi có " + ", ".join(ends))
        recorded = [_label(rule, c) for c in (rule.extended_to, rule.extension_count, rule.extension_date,
                                               rule.until, rule.hour) if c]
        if recorded:
            parts.append("ghi " + ", ".join(recorded))
        if rule.requires:
            parts.append("chỉ tính khi sổ có " + ", ".join(_label(rule, c) for c in rule.requires))
    if rule.deduct:
        parts.append(f"trừ ngày của [{rule.deduct}]")
    if rule.after:
        parts.append("ngày sau ngày cuối của " + ", ".join(f"[{a}]" for a in rule.after))
    return "; ".join(parts)


def table(rules: Rules) -> str:
    lines = [BEGIN, "", "| Mục | Thời hạn | Điều luật | Tính | Bắt đầu | Độ dài | Trong sổ | Đã đối chiếu với |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for rule in rules:
        extra = []
        if rule.request_before:
            extra.append(f"đề nghị gia hạn trước {rule.request_before}")
        if not rule.track:
            extra.append("chỉ tra cứu")
        if rule.expires:
            extra.append("hết hạn thì xong")
        if rule.alternative:
            extra.append("hai cách hiểu: «" + "» / «".join(rule.reading_names) + "»")
        length = _lengths(rule) + (f" ({'; '.join(extra)})" if extra else "")
        cells = (f"`{rule.id}`", rule.title, rule.citation, rule.method, rule.start, length, _ledger(rule, rules),
                 rule.checked)
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    lines += ["", END]
    return "\n".join(lines)


def update(readme: Path, rules: Rules | None = None) -> bool:
    """Rewrite the table between the markers; True when the file changed."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + table(rules or default_rules()) + text[end:]
    if new == text:
        return False
    readme.write_text(new, encoding="utf-8")
    return True


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    changed = update(root / "README.md")
    print("README.md: bảng thời hạn " + ("đã cập nhật" if changed else "không đổi"))
    sys.exit(0)
