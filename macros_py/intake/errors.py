"""The one exception of intake: what cannot be read or written, said in Vietnamese."""

from __future__ import annotations


class IntakeError(Exception):
    """The document cannot be taken in (its message, in Vietnamese, says why and what to do);
    nothing has been written."""
