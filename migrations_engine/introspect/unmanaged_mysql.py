"""MySQL/MariaDB: what the engine does not model in ``DATABASE()`` (see ``migrations_engine.unmanaged``).

The server records no dependencies: a view depends on the tables and columns its definition
names, a trigger on its own table and on the tables and columns its body names (both read by
``named_dependencies``, which counts a mention as a use). Views of other databases whose
definition names this one are read too (``db.view``): the server breaks them as it breaks this
database's own. Routines and events are only listed:
their bodies are not read (a routine naming a dropped table fails when called, as it would
after any hand-made change). Partitioned tables are listed too: the engine reads them as plain
tables and would not recreate their partitioning.
"""

from __future__ import annotations

from ..connection import Database
from ..unmanaged import UnmanagedObject, named_dependencies

_COLUMNS = """
SELECT c.TABLE_NAME, c.COLUMN_NAME
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION
"""
#: This database's views, and those of other databases whose definition names it (as the server
#: stores it, qualified: `db`.`table`), named db.view.
_VIEWS = """
SELECT IF(TABLE_SCHEMA = DATABASE(), TABLE_NAME, CONCAT(TABLE_SCHEMA, '.', TABLE_NAME)), VIEW_DEFINITION
FROM information_schema.VIEWS
WHERE TABLE_SCHEMA = DATABASE() OR LOCATE(CONCAT('`', REPLACE(DATABASE(), '`', '``'), '`.'), VIEW_DEFINITION) > 0
"""
_TRIGGERS = """
SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM information_schema.TRIGGERS
WHERE TRIGGER_SCHEMA = DATABASE()
"""
_OTHERS = """
SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()
UNION ALL
SELECT 'event', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()
UNION ALL
SELECT DISTINCT 'partitioning of table', TABLE_NAME FROM information_schema.PARTITIONS
WHERE TABLE_SCHEMA = DATABASE() AND PARTITION_NAME IS NOT NULL
"""


def read_unmanaged(database: Database) -> list[UnmanagedObject]:
    views, triggers, others = database.execute_together([_VIEWS, _TRIGGERS, _OTHERS])
    columns: dict[str, list[str]] = {}
    if views or triggers:  # the columns only matter then (reading them is most of the time)
        for table, column in database.query(_COLUMNS):
            columns.setdefault(table, []).append(column)
    objects = [UnmanagedObject("view", name, named_dependencies(sql or "", columns)) for name, sql in views or ()]
    objects += [
        UnmanagedObject("trigger", name, named_dependencies(body or "", columns, table))
        for name, table, body in triggers or ()
    ]
    objects += [UnmanagedObject(kind, name) for kind, name in others or ()]
    return objects
