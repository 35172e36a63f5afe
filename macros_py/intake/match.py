"""Finding the ledger rows a document belongs to: the case by its QĐ khởi tố's number and date, its case code, or
its accused's names; the defendant's row by case and name; and whether the document is addressed to this unit."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from macros_py.intake.errors import IntakeError
from macros_py.intake.fields import Reading
from macros_py.ledger.reader import Ledger, Record
from macros_py.ledger.schema import CRIMINAL_CASES, DEFENDANTS
from macros_py.ledger.values import display, fold, fmt_date

_VKS_PREFIX = re.compile(r"^(?:vien kiem sat nhan dan|vksnd)\s*")


def number_key(text: Any) -> str:
    """«01/2026/QĐ-CSĐT», «01 / 2026 / QĐ - CSĐT», «1/2026/qđ-csđt» compare equal."""
    f = fold(str(text or ""))
    return re.sub(r"\b0+(\d)", r"\1", f).replace(" ", "")


def _unit_key(name: str) -> str:
    return _VKS_PREFIX.sub("", fold(name)).replace(" ", "")


def check_addressee(reading: Reading, unit_name: str | None) -> None:
    """Refuse a document sent to another procuracy: it names procuracies («Kính gửi», «Nơi nhận») and this unit is
    none of them."""
    if not reading.addressees or not unit_name:
        return
    ours = _unit_key(unit_name)
    for a in reading.addressees:
        theirs = _unit_key(a.value)
        if theirs and (ours.startswith(theirs) or theirs.startswith(ours)):
            return
    names = "; ".join(f"«{a.value}»" for a in reading.addressees)
    raise IntakeError(f"văn bản gửi {names}, không phải đơn vị của sổ («{unit_name}», ô «Tên đơn vị» ở sheet Cấu hình). "
                      "Không ghi gì vào sổ. Nếu văn bản đúng là của đơn vị mình, hãy sửa «Tên đơn vị» cho khớp.")


def find_case(ledger: Ledger, reading: Reading, case_id: str | None = None) -> tuple[Record | None, str]:
    """The criminal case the document belongs to, and how it was found (Vietnamese); (None, why not)."""
    cases = ledger.records(CRIMINAL_CASES.key)
    if case_id:
        hit = [r for r in cases if fold(display(r.get("case_id"))) == fold(case_id)]
        if hit:
            return hit[0], f"mã vụ án «{case_id}» (chỉ định khi chạy)"
        return None, f"không có vụ án mã «{case_id}» ở sheet «{CRIMINAL_CASES.title}»"
    code = reading.value("case_code")
    if code:
        hit = [r for r in cases if fold(display(r.get("case_id"))) == fold(code)]
        if len(hit) == 1:
            return hit[0], f"mã vụ án «{code}» ghi trong văn bản"
    no, day = reading.value("case_opening_no"), reading.value("case_opening_date")
    if no:
        hit = [r for r in cases if number_key(r.get("opening_no")) == number_key(no)
               and (day is None or r.get("opening_date") in (None, day))]
        if len(hit) == 1:
            when = f" ngày {fmt_date(day)}" if isinstance(day, date) else ""
            return hit[0], f"QĐ khởi tố vụ án số {no}{when}"
        if len(hit) > 1:
            return None, f"có {len(hit)} vụ án cùng số QĐ khởi tố {no}; hãy chỉ định bằng --case"
    names = {fold(p["name"].value) for p in reading.persons}
    if names:
        found = Counter(r.get("case_id") for r in ledger.records(DEFENDANTS.key) if fold(display(r.get("name"))) in names)
        ids = [c for c in found if c]
        if len(ids) == 1:
            hit = [r for r in cases if r.get("case_id") == ids[0]]
            if hit:
                who = ", ".join(p["name"].value for p in reading.persons)
                return hit[0], f"bị can, bị cáo {who} ở sheet «{DEFENDANTS.title}»"
        if len(ids) > 1:
            return None, (f"tên bị can, bị cáo có ở {len(ids)} vụ án ({', '.join(map(str, ids))}); hãy chỉ định bằng "
                          "--case")
    return None, "không tìm thấy vụ án trong sổ theo số QĐ khởi tố, mã vụ án hay tên bị can"


def find_person(ledger: Ledger, case_id: str, name: str) -> Record | None:
    for r in ledger.records(DEFENDANTS.key):
        if fold(display(r.get("case_id"))) == fold(case_id) and fold(display(r.get("name"))) == fold(name):
            return r
    return None


_ID = re.compile(r"^(\d+)(\D.*)$")


def next_id(existing: list[Any], year: int, default_suffix: str) -> str:
    """A proposal for a new row's id following the ledger's own numbering: «12/2026/HS» after «11/2026/HS»; the
    clerk confirms or changes it (--set)."""
    best: tuple[int, str] | None = None
    for value in existing:
        m = _ID.match(display(value).strip())
        if m and str(year) in m.group(2):
            n = int(m.group(1))
            if best is None or n > best[0]:
                best = (n, m.group(2))
    if best:
        return f"{best[0] + 1}{best[1]}"
    return f"1{default_suffix.format(year=year)}"
