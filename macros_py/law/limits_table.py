"""The README's table of tracked limits, generated from rules.toml (the one source of truth).

    .venv/bin/python -m macros_py.law.limits_table      # rewrite the table in README.md

`tests/test_law_cases.py` fails when the README's table differs from what this module generates.
"""

from __future__ import annotations

import sys
from pathlib import Path

from macros_py.law.rules import Rule, Rules, default_rules

BEGIN = "<!-- bảng thời hạn: sinh từ macros_py/law/rules.toml bằng «python -m macros_py.law.limits_table» -->"
END = "<!-- hết bảng thời hạn -->"


def _lengths(rule: Rule) -> str:
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


def table(rules: Rules) -> str:
    lines = [BEGIN, "", "| Mục | Thời hạn | Điều luật | Tính | Bắt đầu | Độ dài | Đã đối chiếu với |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for rule in rules:
        extra = []
        if rule.replaces:
            extra.append(f"thay [{rule.replaces}] khi " + ", ".join(
                f"{c} = {'/'.join(sorted(v)) or 'trống'}" for c, v, _ in rule.when))
        if rule.request_before:
            extra.append(f"đề nghị gia hạn trước {rule.request_before}")
        if not rule.track:
            extra.append("chỉ tra cứu")
        if rule.expires:
            extra.append("hết hạn thì xong")
        length = _lengths(rule) + (f" ({'; '.join(extra)})" if extra else "")
        cells = (f"`{rule.id}`", rule.title, rule.citation, rule.method, rule.start, length, rule.checked)
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
