"""Ledger values as JSON text and back, exactly: a date stays a date, a time a time.

JSON has no dates, so a value JSON cannot hold is written as a two-item list, its tag first:
["d", "2026-03-16"] date, ["dt", "2026-03-16T10:00:00"] datetime, ["t", "10:00:00"] time,
["td", 3600.0] duration in seconds, ["L", [...]] a tuple (a list of dates in Cấu hình). Plain lists never
occur among ledger values, so a list is always a tagged value. Text is stored as typed, whatever it holds:
it is data in a parameter, never SQL.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time, timedelta
from typing import Any

FORMAT = 1  # what a snapshot's rows look like; a reader refuses formats it does not know


class CodecError(ValueError):
    pass


_PLAIN = frozenset({str, int, bool, float, type(None)})
# one encoder for every call: json.dumps builds a new one each time it is given options
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)


def encode(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    if isinstance(value, time):
        return ["t", value.isoformat()]
    if isinstance(value, timedelta):
        return ["td", value.total_seconds()]
    if isinstance(value, (tuple, list)):
        return ["L", [encode(v) for v in value]]
    return str(value)


def decode(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    if len(value) != 2:
        raise CodecError(f"giá trị không rõ kiểu: {value!r}")
    tag, raw = value
    if tag == "d":
        return date.fromisoformat(raw)
    if tag == "dt":
        return datetime.fromisoformat(raw)
    if tag == "t":
        return time.fromisoformat(raw)
    if tag == "td":
        return timedelta(seconds=raw)
    if tag == "L":
        return tuple(decode(v) for v in raw)
    raise CodecError(f"giá trị có kiểu «{tag}» chưa biết")


def encode_all(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v if type(v) in _PLAIN else encode(v) for k, v in mapping.items()}


def dumps_encoded(mapping: dict[str, Any]) -> str:
    """JSON text of a mapping already through `encode_all`."""
    return _JSON.encode(mapping)


def dumps(mapping: dict[str, Any]) -> str:
    """A mapping of values as compact JSON text, keys in order (so equal content gives equal text)."""
    return _JSON.encode(encode_all(mapping))


def loads(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    return {k: decode(v) for k, v in json.loads(text).items()}


def content_hash(parts: list[str]) -> str:
    """sha256 of the snapshot's texts, each length-prefixed so that no two contents collide by shifting."""
    h = hashlib.sha256()
    for part in parts:
        raw = part.encode("utf-8")
        h.update(len(raw).to_bytes(8, "big"))
        h.update(raw)
    return h.hexdigest()
