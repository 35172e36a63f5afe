"""The case in human terms, for «Đầy đủ» mail: who (the accused, the parties) and what (the offence).

Looked up from the ledger's rows when the mail is planned at that level, never by the deadline
engine (`compute_deadlines` stays as fast as it is): one pass over the sheets, a dict from (sheet
key, Excel row) to one short line such as «Bị can: Nguyễn Văn A, Trần Văn B; tội Trộm cắp tài sản
(Điều 173)». The values are the ledger's own, untrusted: the mail escapes them.
"""

from __future__ import annotations

import re

from macros_py.ledger.reader import Ledger, Record

__all__ = ["case_facts"]

_NAMES_SHOWN = 3
_SUMMARY_CHARS = 90
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _text(value: object) -> str:
    return _CONTROL.sub(" ", str(value)).strip() if value not in (None, "") else ""


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_NAMES_SHOWN])
    more = len(names) - _NAMES_SHOWN
    return shown + (f" và {more} người khác" if more > 0 else "")


def _offence(rec: Record | None) -> str:
    if rec is None:
        return ""
    offence, article = _text(rec.get("offence")), _text(rec.get("article"))
    if offence and article:
        return f"tội {offence} ({article})" if "điều" in article.lower() else f"tội {offence} (Điều {article})"
    return f"tội {offence}" if offence else (f"Điều {article}" if article else "")


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def case_facts(ledger: Ledger) -> dict[tuple[str, int], str]:
    """(sheet name in the file, row) -> «Bị can: ...; tội ...» for every row that has something to say."""
    cases = {_text(r.get("case_id")).casefold(): r for r in ledger.records("an_hinh_su") if r.get("case_id")}
    accused: dict[str, list[str]] = {}
    for r in ledger.records("bi_can"):
        case, name = _text(r.get("case_id")).casefold(), _text(r.get("name"))
        if case and name:
            accused.setdefault(case, []).append(name)
    out: dict[tuple[str, int], str] = {}

    def put(rec: Record, text: str) -> None:
        if text:
            out[rec.where] = text

    for r in ledger.records("an_hinh_su"):
        names = accused.get(_text(r.get("case_id")).casefold(), [])
        put(r, _join(f"Bị can: {_names(names)}" if names else "", _offence(r)))
    for r in ledger.records("bi_can"):
        put(r, _join(f"Bị can: {_text(r.get('name'))}" if r.get("name") else "",
                     _offence(cases.get(_text(r.get("case_id")).casefold()))))
    for r in ledger.records("tin_bao"):
        summary = _text(r.get("summary"))
        if len(summary) > _SUMMARY_CHARS:
            summary = summary[:_SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
        put(r, _join(_offence(r), f"Nội dung: {summary}" if summary else ""))
    for r in ledger.records("an_dan_su"):
        parties = " - ".join(x for x in (_text(r.get("plaintiff")), _text(r.get("defendant"))) if x)
        put(r, _join(f"Đương sự: {parties}" if parties else "", _text(r.get("dispute"))))
    for r in ledger.records("thi_hanh_an"):
        put(r, _join(f"Người phải thi hành án: {_text(r.get('person'))}" if r.get("person") else "",
                     _text(r.get("penalty"))))
    for r in ledger.records("tam_dinh_chi"):
        case = _text(r.get("case_id")).casefold()
        names = accused.get(case, [])
        put(r, _join(f"Bị can: {_names(names)}" if names else "", _offence(cases.get(case)) or _offence(r)))
    return out
