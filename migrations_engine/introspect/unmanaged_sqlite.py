"""SQLite: the views, triggers and virtual tables of the ``main`` database, which the engine does not
model (see ``migrations_engine.unmanaged``), and the shadow tables each virtual table keeps its
data in (``introspect/sqlite.py``'s ``shadow_tables``: read as on their virtual table).

SQLite records no dependencies: a view depends on the tables and columns its SQL names, a trigger
on its table (``tbl_name``) and on the tables and columns its SQL names (``named_dependencies``,
which counts a mention as a use).
"""

from __future__ import annotations

from ..connection import Database
from ..unmanaged import UnmanagedObject, named_dependencies
from .sqlite import shadow_tables, virtual_module

# Every table too: a virtual table's shadow tables are found among them.
_OBJECTS = """
SELECT type, name, tbl_name, sql FROM sqlite_master
WHERE type IN ('view', 'trigger', 'table') AND name NOT LIKE 'sqlite!_%' ESCAPE '!'
ORDER BY type, name
"""
_COLUMNS = """
SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!'
ORDER BY m.name, p.cid
"""


def read_unmanaged(database: Database) -> list[UnmanagedObject]:
    found = database.query(_OBJECTS)
    tables = {name: sql or "" for kind, name, _, sql in found if kind == "table"}
    virtual = {name for name, sql in tables.items() if virtual_module(sql) is not None}
    if len(found) == len(tables) and not virtual:
        return []
    columns: dict[str, list[str]] = {}
    for table, column in database.query(_COLUMNS):
        columns.setdefault(table, []).append(column)
    objects = []
    for kind, name, table, sql in found:
        if kind == "view":
            objects.append(UnmanagedObject("view", name, named_dependencies(sql or "", columns)))
        elif kind == "trigger":
            objects.append(UnmanagedObject("trigger", name, named_dependencies(sql or "", columns, table)))
        elif name in virtual:
            objects.append(UnmanagedObject("virtual table", name))
    shadows = shadow_tables(database, tables)
    objects += [UnmanagedObject("shadow table", name, ((owner, None),)) for name, owner in shadows.items()]
    return objects
