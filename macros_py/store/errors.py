"""The store's one error: a Vietnamese sentence for the person at the keyboard."""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot do what was asked; the message is Vietnamese and names what to do."""
