"""SQL dialects, one module each. ``get_dialect(name)`` returns a ready instance."""

from __future__ import annotations

from functools import cache

from ..errors import EngineError
from .base import Dialect

NAMES = ("postgresql", "mysql", "sqlite")
_ALIASES = {"postgres": "postgresql", "pg": "postgresql", "mariadb": "mysql", "sqlite3": "sqlite"}


@cache
def get_dialect(name: str) -> Dialect:
    """The dialect called ``name`` (aliases: postgres, mariadb, sqlite3)."""
    key = _ALIASES.get(name.lower(), name.lower())
    if key == "postgresql":
        from .postgresql import PostgreSQLDialect

        return PostgreSQLDialect()
    if key == "mysql":
        from .mysql import MySQLDialect

        return MySQLDialect()
    if key == "sqlite":
        from .sqlite import SQLiteDialect

        return SQLiteDialect()
    raise EngineError(f"unknown dialect {name!r} (use one of: {', '.join(NAMES)})")
