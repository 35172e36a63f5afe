"""Which document this is, from its title (the capitals under the number line): the kinds intake reads.

A kind names the ledger sheet its facts go to. A document whose title is none of these (a decision to extend,
a conclusion of investigation…) is «unknown»: intake says so and writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from macros_py.ledger.values import fold


@dataclass(frozen=True)
class DocKind:
    key: str
    label: str  # Vietnamese, as the clerk calls it
    patterns: tuple[str, ...]  # folded title words (regular expressions over fold(title))


KINDS: tuple[DocKind, ...] = (
    DocKind("khoi_to_vu_an", "Quyết định khởi tố vụ án hình sự", (r"quyet dinh khoi to vu an\b",)),
    DocKind("khoi_to_bi_can", "Quyết định khởi tố bị can", (r"quyet dinh khoi to bi can\b",)),
    DocKind("tam_giu", "Quyết định (lệnh) tạm giữ", (r"(?:quyet dinh|lenh) tam giu\b",)),
    DocKind("tam_giam", "Lệnh tạm giam, đề nghị phê chuẩn lệnh tạm giam", (
        r"lenh (?:bat bi can de )?tam giam\b", r"de nghi phe chuan lenh (?:bat bi can de )?tam giam\b")),
    DocKind("tin_bao", "Thông báo tiếp nhận tố giác, tin báo về tội phạm", (
        r"thong bao (?:ve viec )?(?:tiep nhan|thu ly) (?:nguon tin|to giac|tin bao)",
        r"phieu chuyen (?:nguon tin|to giac|tin bao)")),
    DocKind("thu_ly", "Thông báo thụ lý vụ án của Tòa án", (r"thong bao (?:ve viec )?thu ly vu (?:an|viec)",)),
    DocKind("ban_an", "Bản án", (r"^(?:ban an)\b", r"\bban an (?:hinh su )?(?:so )?\d+")),
    DocKind("thi_hanh_an", "Quyết định thi hành án hình sự", (r"quyet dinh thi hanh an (?:hinh su|phat tu)",)),
)
KINDS_BY_KEY = {k.key: k for k in KINDS}

_HEADER_NOISE = re.compile(r"cong hoa xa hoi|doc lap tu do|^\W*$")


_BODY = re.compile(r"^(?:can cu|kinh gui|xet thay|hom nay|vao hoi|nhan danh|dieu 1\b|toi \w+ \w+ \w+ thu truong)")


def title_area(text: str) -> tuple[str, int]:
    """The folded title words of the document (the capitals after the number and date lines, before the first
    «Căn cứ», «Kính gửi» or the body), and the character offset where the title starts."""
    lines = text.splitlines()[:60]
    folded = [fold(line) for line in lines]
    limit = next((i for i, f in enumerate(folded) if _BODY.match(f)), len(lines))
    start = 0
    for i, f in enumerate(folded[:limit]):
        if re.match(r"^(?:so|s6|sô)\b", f) or re.search(r"\bngay\b.*\bthang\b.*\bnam\b", f):
            start = i + 1
    if start == 0:  # no number line: the title is the first capitals that are not the header
        start = next((i for i, f in enumerate(folded[:limit]) if re.match(r"^(?:quyet dinh|lenh|thong bao|ban an|phieu)", f)), 0)
    words = [f for f in folded[start:limit] if not _HEADER_NOISE.search(f)]
    return " ".join(words), sum(len(x) + 1 for x in lines[:start])


def recognise(text: str) -> tuple[DocKind | None, str]:
    """The kind and the title words it was recognised by ("" when none)."""
    title, _ = title_area(text)
    for kind in KINDS:
        for pattern in kind.patterns:
            if re.search(pattern, title):
                return kind, title
    # no clear title (a pasted excerpt): the first 600 characters, folded
    head = fold(text[:600]).split(" can cu ")[0]
    for kind in KINDS:
        for pattern in kind.patterns:
            if re.search(pattern.lstrip("^"), head):
                return kind, head[:120]
    return None, title
