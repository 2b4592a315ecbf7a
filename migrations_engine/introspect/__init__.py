"""Reading a live database into a ``Schema``: one module per dialect, bulk catalog queries only.

Snapshots read from a database carry no ids; their elements match by name when diffed.
"""

from __future__ import annotations

from ..connection import Database, connect
from ..schema import Schema
from ..urls import DatabaseURL


def introspect(source: str | DatabaseURL | Database) -> Schema:
    """The schema of a live database, given its URL or an open connection."""
    if isinstance(source, Database):
        return _read(source)
    with connect(source, create=False) as database:
        return _read(database)


def _read(database: Database) -> Schema:
    if database.dialect == "postgresql":
        from .postgresql import read_schema
    elif database.dialect == "mysql":
        from .mysql import read_schema
    else:
        from .sqlite import read_schema
    return read_schema(database)
