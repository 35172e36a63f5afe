"""What to do about a deadline: one line per rule of the rules table.

The rules table (`macros_py/law/rules.toml`) may give a rule an optional `action` text; when it
has none, the texts below (keyed by rule id) are used. A text may use {due} (the due date),
{request_by} (10 days before it: the last day to ask for an extension under Đ.172 and Đ.173
BLTTHS 2015) and {request_by_5} (5 days before it, for tin báo under Đ.147). Overdue steps get
the overdue line in front.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from macros_py.law.deadlines import Deadline
from macros_py.law.rules import default_rules
from macros_py.ledger.values import fmt_date

__all__ = ["ACTIONS", "action_for"]

ACTIONS: dict[str, str] = {
    "tin_bao": "Kiểm sát việc giải quyết tin báo; nếu cần kéo dài hoặc gia hạn, văn bản đề nghị chậm nhất ngày "
               "{request_by_5} (Điều 147 BLTTHS).",
    "tam_giu": "Hết hạn tạm giữ mà không gia hạn (tối đa 2 lần) hoặc không áp dụng biện pháp khác thì phải trả tự do "
               "ngay cho người bị tạm giữ (Điều 118 BLTTHS).",
    "tam_giam": "Xem đề nghị gia hạn tạm giam: Cơ quan điều tra phải đề nghị chậm nhất ngày {request_by} "
                "(Điều 173 BLTTHS); đã hết số lần gia hạn thì phải hủy bỏ hoặc thay thế biện pháp tạm giam.",
    "tam_giam_truy_to": "Tạm giam khi truy tố không được quá thời hạn quyết định việc truy tố (Điều 241 BLTTHS); "
                        "ra quyết định trước ngày {due}.",
    "tam_giam_xet_xu": "Tạm giam để chuẩn bị xét xử không được quá thời hạn chuẩn bị xét xử (Điều 278 BLTTHS); "
                       "kiểm sát lệnh tạm giam của Tòa án.",
    "dieu_tra": "Xem đề nghị gia hạn điều tra: Cơ quan điều tra phải đề nghị chậm nhất ngày {request_by} "
                "(Điều 172 BLTTHS); đã hết số lần gia hạn thì yêu cầu kết thúc điều tra.",
    "phuc_hoi_dieu_tra": "Xem đề nghị gia hạn phục hồi điều tra, chậm nhất ngày {request_by} (Điều 174 BLTTHS).",
    "dieu_tra_bo_sung": "Kiểm sát việc điều tra bổ sung; hết hạn thì yêu cầu chuyển hồ sơ cho Viện kiểm sát.",
    "truy_to": "Ra quyết định truy tố, trả hồ sơ điều tra bổ sung, đình chỉ hoặc tạm đình chỉ trước ngày {due}; "
               "cần thêm thời gian thì gia hạn theo Điều 240 BLTTHS.",
    "chuan_bi_xet_xu": "Theo dõi việc Tòa án đưa vụ án ra xét xử trước ngày {due} (Điều 277 BLTTHS); "
                       "kiểm sát quyết định gia hạn nếu có.",
    "khang_nghi_hinh_su": "Bản án hết hạn kháng nghị ngày {due} (Điều 337 BLTTHS): quyết định kháng nghị hay không "
                          "trước ngày này.",
    "chuan_bi_xet_xu_dan_su": "Theo dõi việc Tòa án đưa vụ việc ra xét xử trước ngày {due}.",
    "chuan_bi_xet_xu_hanh_chinh": "Theo dõi việc Tòa án đưa vụ án ra xét xử trước ngày {due}.",
    "nghien_cuu_ho_so_dan_su": "Nghiên cứu xong hồ sơ và trả lại Tòa án trước ngày {due}.",
    "nghien_cuu_ho_so_hanh_chinh": "Nghiên cứu xong hồ sơ và trả lại Tòa án trước ngày {due}.",
    "khang_nghi_dan_su": "Bản án, quyết định hết hạn kháng nghị ngày {due}: quyết định kháng nghị hay không trước "
                         "ngày này.",
    "khang_nghi_hanh_chinh": "Bản án, quyết định hết hạn kháng nghị ngày {due}: quyết định kháng nghị hay không "
                             "trước ngày này.",
}
_DEFAULT = "Kiểm tra bước tố tụng này và ghi kết quả vào sổ trước ngày {due}."
_OVERDUE = "Đã quá hạn: kiểm tra ngay, xử lý theo quy định và ghi kết quả vào sổ. "


def _text_for(kind: str) -> str:
    rule = default_rules().get(kind)
    table_text = getattr(rule, "action", None) if rule is not None else None  # optional field of the table
    return str(table_text) if table_text else ACTIONS.get(kind, _DEFAULT)


def action_for(d: Deadline) -> str:
    return _action(d.kind, d.due, d.days_left < 0)


@lru_cache(maxsize=65536)
def _action(kind: str, due: date, overdue: bool) -> str:
    values = {"due": fmt_date(due), "request_by": fmt_date(due - timedelta(days=10)),
              "request_by_5": fmt_date(due - timedelta(days=5))}
    try:
        text = _text_for(kind).format(**values)
    except (KeyError, IndexError, ValueError):  # a unit's own text with an unknown {name}
        text = _text_for(kind)
    return (_OVERDUE + text) if overdue else text
