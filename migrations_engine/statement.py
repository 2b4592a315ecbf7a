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


#: SQLite's statement opening a table rebuild (foreign keys must be off while the old table is
#: dropped): the runner runs a migration holding it with foreign keys off and checks them after.
SQLITE_FOREIGN_KEYS_OFF = "PRAGMA foreign_keys = OFF"
