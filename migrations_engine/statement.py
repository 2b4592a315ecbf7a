"""A rendered SQL statement: what ``render`` produces and a migration stores.

Kept apart from ``render`` so that reading and applying a migrations folder need not import the
dialects.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    """One SQL statement and the index of the operation it belongs to."""

    sql: str
    operation: int
