"""SQL dialects, one module each. ``get_dialect(name)`` returns a ready instance."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import EngineError

if TYPE_CHECKING:
    from .base import Dialect

NAMES = ("postgresql", "mysql", "sqlite")
_ALIASES = {"postgres": "postgresql", "pg": "postgresql", "mariadb": "mysql", "sqlite3": "sqlite"}


def __getattr__(name: str) -> Any:
    # ``Dialect`` is loaded on first use: naming a dialect (the CLI's arguments) needs no module of one.
    if name == "Dialect":
        from .base import Dialect

        return Dialect
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def canonical_name(name: str) -> str:
    """The dialect's own name for ``name`` or an alias of it; ``EngineError`` for an unknown one."""
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in NAMES:
        raise EngineError(f"unknown dialect {name!r} (use one of: {', '.join(NAMES)})")
    return key


@cache
def get_dialect(name: str) -> Dialect:
    """The dialect called ``name`` (aliases: postgres, mariadb, sqlite3)."""
    key = canonical_name(name)
    if key == "postgresql":
        from .postgresql import PostgreSQLDialect

        return PostgreSQLDialect()
    if key == "mysql":
        from .mysql import MySQLDialect

        return MySQLDialect()
    from .sqlite import SQLiteDialect

    return SQLiteDialect()
