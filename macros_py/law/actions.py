"""«Việc cần làm»: what must be done about a deadline, from its rule's entry in the rules table.

The table (`rules.toml`) is the one source: every tracked rule names who must act (`actor`), the
procuracy's action before the due date (`action`) and once it is over (`overdue_action`), and for an
extension-request step who asks (`request_actor`) and what the procuracy does (`request_action`).
A text may use {due}, {due_at} (the hour too, for limits counted in hours) and {request_by}.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from macros_py.law.deadlines import _days
from macros_py.ledger.values import fmt_date

if TYPE_CHECKING:
    from macros_py.law.deadlines import Deadline

__all__ = ["action_text"]


def action_text(d: Deadline) -> str:
    """The «Việc cần làm» line for `d` (empty when the deadline carries no rule)."""
    rule = d.rule
    if rule is None:
        return ""
    before = _days(rule.request_before) if rule.request_before is not None else 0
    if d.step_of is not None:  # an extension-request step: its own due is the last day to ask
        return _format(rule.request_action, d.due + timedelta(days=before), None, d.due)
    over = d.days_left < 0 or (d.hours_left is not None and d.hours_left < 0)  # a limit in hours: past its hour
    text = rule.overdue_action if over else rule.action
    return _format(text, d.due, d.due_time, d.due - timedelta(days=before))


@lru_cache(maxsize=65536)
def _format(text: str, due: date, due_time: time | None, request_by: date) -> str:
    due_at = f"{due_time.strftime('%H:%M')} ngày {fmt_date(due)}" if due_time else fmt_date(due)
    try:
        return text.format(due=fmt_date(due), due_at=due_at, request_by=fmt_date(request_by))
    except (KeyError, IndexError, ValueError):  # a unit's own text with an unknown {name}
        return text
