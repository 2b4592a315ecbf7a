"""Backups of the data a destructive operation destroys, and their restore when it is rolled back.

Before an operation that drops a table, drops a column, or changes a column so that values may be
lost (a narrowing type, NOT NULL replacing NULLs), the runner saves what it will destroy into a
backup table of the target database, ``engine_backup_<version>_<n>``:

- a dropped table: all its rows;
- a dropped or narrowed column: its values with the row's key — the primary key, or, for a table
  without one (or when the column is part of it), every other column. A generated column is not
  saved: rolled back, the database computes its values again.

Each backup is listed in ``engine_migration_backups`` (name, version, operation, table, column,
key columns, rows, when). The backup statements run just before the operation's own, in the same
transaction where DDL is transactional, so a failed migration leaves no backup behind; on MySQL
they are statements of the run like the others, counted in its progress.

Rolling the migration back restores the data right after the down statements re-create the table
(``INSERT … SELECT`` of every column but the generated ones) or the column (an ``UPDATE`` joining
the backup on the key: PostgreSQL and SQLite ``UPDATE … FROM``, MySQL ``UPDATE … JOIN``), then
drops the backup and its row. Identities keep counting after the restored values: PostgreSQL's
sequences are set explicitly (the rows go in ``OVERRIDING SYSTEM VALUE``, an ALWAYS identity's
values through ``BY DEFAULT`` for the time of the UPDATE); MySQL's AUTO_INCREMENT and SQLite's
``sqlite_sequence`` follow the values written by themselves. A backup that no longer exists
(purged, or a baselined version) is simply not restored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from ..connection import Database
from ..statement import Statement
from .history import BACKUP_PREFIX, BACKUPS_TABLE, history_for, quote_plain
from .model import Backup, BackupScript, Migration, Script, version_text

if TYPE_CHECKING:
    from ..dialects import Dialect
    from ..operations import Operation
    from ..schema import Column, Schema, Table

TABLE_BACKUP = "table"
COLUMN_BACKUP = "column"
_NAME = re.compile(rf"^{BACKUP_PREFIX}(\d+)_(\d+)$")


@dataclass(frozen=True)
class BackupStatement(Statement):
    """A statement the runner adds to take a backup: ``step`` is ``copy`` (creates the backup
    table) or ``record`` (its row in the backups table). Resuming a run uses this to tell
    whether the statement took effect."""

    backup: str = ""
    step: str = ""


COPY = "copy"
RECORD = "record"


@dataclass(frozen=True)
class BackupRow:
    """A row of ``engine_migration_backups``."""

    name: str
    version: int
    operation: int
    kind: str
    table_name: str
    column_name: str | None
    key_columns: tuple[str, ...]
    row_count: int
    created_at: datetime


def backup_name(version: int, number: int) -> str:
    return f"{BACKUP_PREFIX}{version_text(version)}_{number}"


def planned_backups(migration: Migration) -> list[Backup]:
    """The backups taken before the destructive operations of ``migration``, in order."""
    return list(migration.backups)


def plan_backups(migration: Migration) -> tuple[Backup, ...]:
    """Plan ``migration``'s backups and render their statements for each of its dialects (when the
    migration is made; the folder stores the result)."""
    from ..operations import AlterColumn, DropColumn, DropTable

    backups: list[Backup] = []
    for index, operation in enumerate(migration.operations):
        if not operation.destructive or not isinstance(operation, (DropTable, DropColumn, AlterColumn)):
            continue
        before = migration.schema_before(index)
        planned = _backup_of(migration.version, index, operation, before, backup_name(migration.version, len(backups) + 1))
        if planned is None:
            continue
        backup, table = planned
        scripts = {}
        for dialect in migration.dialects:
            sql = backup_sql(dialect)
            scripts[dialect] = BackupScript(tuple(sql.take(backup, table)), tuple(sql.restore(backup, table, before)))
        backups.append(replace(backup, sql=scripts))
    return tuple(backups)


def _backup_of(version: int, index: int, operation: Operation, before: Schema, name: str) -> tuple[Backup, Table] | None:
    from ..operations import AlterColumn, DropColumn, DropTable

    if isinstance(operation, DropTable):
        table = before.table(operation.table.name)
        pk = table.primary_key.columns if table.primary_key else ()
        return Backup(name, version, index, TABLE_BACKUP, table.name, None, pk, bool(pk)), table
    assert isinstance(operation, (DropColumn, AlterColumn))
    table = before.table(operation.table)
    column = operation.column.name if isinstance(operation, DropColumn) else operation.old.name
    if table.column(column).generated is not None:
        return None  # rolled back, the database computes its values again (and refuses to be given them)
    pk = table.primary_key.columns if table.primary_key else ()
    if pk and column not in pk:
        return Backup(name, version, index, COLUMN_BACKUP, table.name, column, pk, True), table
    others = tuple(c.name for c in table.columns if c.name != column)
    if not others:
        return None  # a table's only column: nothing could find its rows again
    return Backup(name, version, index, COLUMN_BACKUP, table.name, column, others, False), table


def saved_columns(backup: Backup, table: Table) -> tuple[Column, ...]:
    """The columns the backup table holds."""
    if backup.kind == TABLE_BACKUP:
        return table.columns
    return tuple(table.column(name) for name in [*backup.keys, backup.column])


def run_script(migration: Migration, dialect: str, restorable: Collection[str] | None = None) -> Script:
    """The statements a run executes for ``migration`` on ``dialect``: its own, with each backup
    taken just before its operation, and restored right after that operation is undone.

    ``restorable`` names the backups that exist in the database (None: every planned one, as
    after the up statements ran). Backup statements carry their operation's index, so progress
    per operation (MySQL) and dry-run headers treat them as part of it.
    """
    script = migration.script(dialect)
    backups = migration.backups
    if not backups:
        return script
    count = len(migration.operations_data)
    before = {b.operation: b for b in backups}
    up: list[Statement] = []
    for operation in range(count):
        if operation in before:
            backup = before[operation]
            copy, record = backup.sql[dialect].take
            up += [BackupStatement(copy, operation, backup.name, COPY), BackupStatement(record, operation, backup.name, RECORD)]
        up += [s for s in script.up if s.operation == operation]
    after = {count - 1 - b.operation: b for b in backups if restorable is None or b.name in restorable}
    down: list[Statement] = []
    for operation in range(count):
        down += [s for s in script.down if s.operation == operation]
        if operation in after:
            down += [Statement(s, operation) for s in after[operation].sql[dialect].restore]
    return Script(tuple(up), tuple(down))


# ---------------------------------------------------------------- SQL, one class per dialect


class BackupSQL:
    """The statements taking, restoring and dropping backups on one dialect, and the backups table.

    Templates are class attributes; a dialect overrides what differs.
    """

    dialect_name: ClassVar[str] = ""
    #: Column → SQL type of the backups table. Mandatory.
    types: ClassVar[dict[str, str]] = {}
    #: Text after ``CREATE TABLE (...)``.
    create_suffix: ClassVar[str] = ""
    #: The current UTC time as the ``created_at`` column stores it. Mandatory.
    sql_now: ClassVar[str] = ""
    #: Names of the tables of the current schema whose name starts with the backup prefix. Mandatory.
    sql_backup_tables: ClassVar[str] = ""
    sql_copy = "CREATE TABLE %(backup)s AS SELECT %(columns)s FROM %(table)s"
    sql_register = (
        "INSERT INTO %(registry)s (%(names)s) SELECT %(values)s, COUNT(*), %(now)s FROM %(backup)s"
    )
    sql_restore_rows = "INSERT INTO %(table)s (%(columns)s) SELECT %(values)s FROM %(backup)s"
    #: Set a column from the backup, joining on the key. Mandatory.
    sql_restore_values: ClassVar[str] = ""
    #: Two values equal, NULLs included. Mandatory.
    sql_same: ClassVar[str] = ""
    #: Two values equal (keys never NULL).
    sql_equal = "%(a)s = %(b)s"
    sql_drop = "DROP TABLE %(backup)s"
    sql_unregister = "DELETE FROM %(registry)s WHERE %(name)s = %(value)s"
    TARGET = "target"
    SOURCE = "backup"

    def __init__(self) -> None:
        self.registry = self.plain(BACKUPS_TABLE)

    @cached_property
    def dialect(self) -> Dialect:
        from ..dialects import get_dialect  # only to render backups: applying a folder never does

        return get_dialect(self.dialect_name)

    def q(self, name: str) -> str:
        """Any identifier, quoted by the dialect."""
        return self.dialect.quote(name)

    def plain(self, name: str) -> str:
        """One of the runner's own names (backup tables, the backups table and its columns)."""
        return quote_plain(self.dialect_name, name)

    # ------------------------------------------------------------ taking

    def take(self, backup: Backup, table: Table) -> list[str]:
        """Copy what the operation destroys from ``table`` (as it is before), then record the copy."""
        columns = ", ".join(self.saved_value(c) for c in saved_columns(backup, table))
        copy = self.sql_copy % {
            "backup": self.q(backup.name),
            "columns": columns,
            "table": self.q(backup.table),
            "key": self.dialect.quote_columns(backup.keys),
        }
        return [copy, self.register(backup)]

    def saved_value(self, column: Column) -> str:
        """A column as the backup holds it. Defaults to the column itself."""
        return self.q(column.name)

    def register(self, backup: Backup) -> str:
        names = ", ".join(self.q(n) for n in self.types)
        text = self.dialect.string_literal
        values = ", ".join(
            [
                text(backup.name),
                str(backup.version),
                str(backup.operation),
                text(backup.kind),
                text(backup.table),
                text(backup.column) if backup.column is not None else "NULL",
                text(json.dumps(list(backup.keys), ensure_ascii=False)),
            ]
        )
        return self.sql_register % {"registry": self.registry, "names": names, "values": values, "now": self.sql_now, "backup": self.q(backup.name)}

    # ------------------------------------------------------------ restoring

    def restore(self, backup: Backup, table: Table, schema: Schema) -> list[str]:
        """Put the saved data back into ``table`` of ``schema`` (as they are before the operation,
        which the down statements re-create), then drop the backup."""
        if backup.kind == TABLE_BACKUP:
            statements = self.restore_rows(backup, table, schema)
        else:
            statements = self.restore_values(backup, table, schema)
        return [*statements, *self.drop(backup.name)]

    def restore_rows(self, backup: Backup, table: Table, schema: Schema) -> list[str]:
        """Insert the saved rows; generated columns are left out (every database refuses a value
        for them, and computes them anew)."""
        columns = [c for c in table.columns if c.generated is None]
        return [
            self.restore_rows_template(table)
            % {
                "table": self.q(table.name),
                "columns": ", ".join(self.q(c.name) for c in columns),
                "values": ", ".join(self.restored_value(self.q(c.name), c, schema) for c in columns),
                "backup": self.q(backup.name),
            }
        ]

    def restore_rows_template(self, table: Table) -> str:
        """The INSERT putting rows back into ``table``. Defaults to ``sql_restore_rows``."""
        return self.sql_restore_rows

    def restore_values(self, backup: Backup, table: Table, schema: Schema) -> list[str]:
        """Set the column from the backup, matching rows on its keys (never a generated column:
        those are not backed up)."""
        return [self.update_from_backup(backup, table, schema)]

    def update_from_backup(self, backup: Backup, table: Table, schema: Schema) -> str:
        assert backup.column is not None
        column = table.column(backup.column)
        target, source = self.q(self.TARGET), self.q(self.SOURCE)
        # A primary key is never NULL and plain equality lets the database hash or index the join;
        # matching on every other column must take NULL as equal to NULL.
        same = self.sql_equal if backup.key_is_primary else self.sql_same
        condition = " AND ".join(
            same
            % {
                "a": self.key_value(f"{target}.{self.q(k)}", table.column(k)),
                "b": self.key_value(f"{source}.{self.q(k)}", table.column(k)),
            }
            for k in backup.keys
        )
        return self.sql_restore_values % {
            "table": self.q(table.name),
            "backup": self.q(backup.name),
            "target": target,
            "source": source,
            "column": self.q(column.name),
            "value": self.restored_value(f"{source}.{self.q(column.name)}", column, schema),
            "condition": condition,
        }

    def restored_value(self, value: str, column: Column, schema: Schema) -> str:
        """A saved value as the column takes it back. Defaults to the value itself."""
        return value

    def key_value(self, value: str, column: Column) -> str:
        """A key value as compared when matching rows. Defaults to the value itself."""
        return value

    def drop(self, name: str) -> list[str]:
        return [
            self.sql_drop % {"backup": self.plain(name)},
            self.sql_unregister % {"registry": self.registry, "name": self.plain("name"), "value": f"'{name}'"},
        ]

    # ------------------------------------------------------------ the backups table

    def create_registry_sql(self) -> str:
        columns = ",\n  ".join(f"{self.plain(name)} {kind}" for name, kind in self.types.items())
        return f"CREATE TABLE IF NOT EXISTS {self.registry} (\n  {columns},\n  PRIMARY KEY ({self.plain('name')})\n){self.create_suffix}"

    def time_from_db(self, value: Any) -> datetime:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


class PostgreSQLBackupSQL(BackupSQL):
    """Enum values are saved as text: a backup column of the enum's type would keep a later
    ``DROP TYPE`` of the same migration from running."""

    dialect_name = "postgresql"
    types = {
        "name": "varchar(63) NOT NULL",
        "version": "integer NOT NULL",
        "operation": "integer NOT NULL",
        "kind": "varchar(16) NOT NULL",
        "table_name": "text NOT NULL",
        "column_name": "text",
        "key_columns": "text NOT NULL",
        "row_count": "bigint NOT NULL",
        "created_at": "timestamptz NOT NULL",
    }
    sql_now = "CURRENT_TIMESTAMP"
    sql_backup_tables = (
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_name LIKE 'engine\\_backup\\_%'"
    )
    sql_restore_values = (
        "UPDATE %(table)s AS %(target)s SET %(column)s = %(value)s FROM %(backup)s AS %(source)s WHERE %(condition)s"
    )
    sql_same = "%(a)s IS NOT DISTINCT FROM %(b)s"
    sql_restore_rows_overriding = (
        "INSERT INTO %(table)s (%(columns)s) OVERRIDING SYSTEM VALUE SELECT %(values)s FROM %(backup)s"
    )
    sql_set_generated = "ALTER TABLE %(table)s ALTER COLUMN %(column)s SET GENERATED %(kind)s"
    # The sequence's next value is the one it would have given after the rows: its first value
    # past the greatest (least, descending) row value reached from START by whole INCREMENTs, or
    # START itself when no row is past it (CASE: GREATEST and LEAST skip NULLs); kept within
    # MINVALUE and MAXVALUE. The options are read from the sequence the down statements just made
    # (defaults per type, serials included), not from the model.
    sql_restart_identity = (
        "SELECT setval(s.seqrelid, CASE WHEN r.last IS NULL THEN s.seqstart ELSE CAST(GREATEST(s.seqmin, LEAST(s.seqmax, "
        "s.seqstart + div(CAST(r.last AS numeric) - s.seqstart, s.seqincrement) * s.seqincrement)) AS bigint) END, "
        "r.last IS NOT NULL) "
        "FROM pg_sequence AS s CROSS JOIN LATERAL (SELECT CASE WHEN s.seqincrement > 0 "
        "THEN MAX(t.%(column)s) FILTER (WHERE t.%(column)s >= s.seqstart) "
        "ELSE MIN(t.%(column)s) FILTER (WHERE t.%(column)s <= s.seqstart) END AS last FROM %(table)s AS t) AS r "
        "WHERE s.seqrelid = CAST(pg_get_serial_sequence(%(table_literal)s, %(column_literal)s) AS regclass)"
    )

    def saved_value(self, column: Column) -> str:
        if column.type.kind == "enum":
            return f"CAST({self.q(column.name)} AS text) AS {self.q(column.name)}"
        return self.q(column.name)

    def restored_value(self, value: str, column: Column, schema: Schema) -> str:
        if column.type.kind == "enum":
            return f"CAST({value} AS {self.dialect.type_sql(column.type, schema)})"
        return value

    def key_value(self, value: str, column: Column) -> str:
        # json (and some native types) have no equality operator, and enum values are saved as
        # text: compare their text forms.
        if column.type.kind in ("enum", "json") or column.type.is_native:
            return f"CAST({value} AS text)"
        return value

    def restore_rows(self, backup: Backup, table: Table, schema: Schema) -> list[str]:
        """The rows (``OVERRIDING SYSTEM VALUE`` for an ALWAYS identity, which refuses values
        otherwise), then each identity's sequence moved past them."""
        restarts = [self.restart(table, c) for c in table.columns if c.identity]
        return [*super().restore_rows(backup, table, schema), *restarts]

    def restore_rows_template(self, table: Table) -> str:
        if any(self.is_always(c) for c in table.columns):
            return self.sql_restore_rows_overriding
        return self.sql_restore_rows

    def restore_values(self, backup: Backup, table: Table, schema: Schema) -> list[str]:
        """An identity's values: an ALWAYS identity takes them only while BY DEFAULT, and its
        sequence (numbering the rows anew when the column was added back) is moved past them."""
        update = self.update_from_backup(backup, table, schema)
        assert backup.column is not None
        column = table.column(backup.column)
        if not column.identity:
            return [update]
        if not self.is_always(column):
            return [update, self.restart(table, column)]
        names = {"table": self.q(table.name), "column": self.q(column.name)}
        return [
            self.sql_set_generated % {**names, "kind": "BY DEFAULT"},
            update,
            self.sql_set_generated % {**names, "kind": "ALWAYS"},
            self.restart(table, column),
        ]

    @staticmethod
    def is_always(column: Column) -> bool:
        return column.identity and column.identity_always and not column.serial

    def restart(self, table: Table, column: Column) -> str:
        name = self.q(table.name)
        return self.sql_restart_identity % {
            "table_literal": self.dialect.string_literal(name),
            "column_literal": self.dialect.string_literal(column.name),
            "column": self.q(column.name),
            "table": name,
        }


class MySQLBackupSQL(BackupSQL):
    """The backup of a table with a primary key gets that key (``sql_require_primary_key`` on
    MySQL 8 refuses tables without one)."""

    dialect_name = "mysql"
    types = {
        **PostgreSQLBackupSQL.types,
        "name": "varchar(64) NOT NULL",
        "table_name": "varchar(255) NOT NULL",
        "column_name": "varchar(255)",
        "key_columns": "longtext NOT NULL",
        "created_at": "datetime(6) NOT NULL",
    }
    create_suffix = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    sql_now = "UTC_TIMESTAMP(6)"
    sql_backup_tables = (
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_NAME LIKE 'engine\\\\_backup\\\\_%'"
    )
    sql_copy_with_key = "CREATE TABLE %(backup)s (PRIMARY KEY (%(key)s)) AS SELECT %(columns)s FROM %(table)s"
    sql_restore_values = (
        "UPDATE %(table)s AS %(target)s JOIN %(backup)s AS %(source)s ON %(condition)s "
        "SET %(target)s.%(column)s = %(value)s"
    )
    sql_same = "%(a)s <=> %(b)s"

    def take(self, backup: Backup, table: Table) -> list[str]:
        if not backup.key_is_primary:
            return super().take(backup, table)
        copy = self.sql_copy_with_key % {
            "backup": self.q(backup.name),
            "key": self.dialect.quote_columns(backup.keys),
            "columns": ", ".join(self.saved_value(c) for c in saved_columns(backup, table)),
            "table": self.q(backup.table),
        }
        return [copy, self.register(backup)]


class SQLiteBackupSQL(BackupSQL):
    dialect_name = "sqlite"
    types = {
        name: ("INTEGER" if kind.split()[0] in ("integer", "bigint") else "TEXT") + (" NOT NULL" if "NOT NULL" in kind else "")
        for name, kind in PostgreSQLBackupSQL.types.items()
    }
    sql_now = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"
    sql_backup_tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'engine\\_backup\\_%' ESCAPE '\\'"
    # UPDATE … FROM needs SQLite 3.33 (2020).
    sql_restore_values = (
        "UPDATE %(table)s AS %(target)s SET %(column)s = %(value)s FROM %(backup)s AS %(source)s WHERE %(condition)s"
    )
    sql_same = "%(a)s IS %(b)s"


def backup_sql(dialect: str) -> BackupSQL:
    return {"postgresql": PostgreSQLBackupSQL, "mysql": MySQLBackupSQL, "sqlite": SQLiteBackupSQL}[dialect]()


# ---------------------------------------------------------------- the backups of one database


class BackupStore:
    """The backups table and the backup tables of one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sql = backup_sql(db.dialect)

    def create(self) -> None:
        """Create the backups table unless it exists."""
        self.db.execute(self.sql.create_registry_sql())

    def tables(self) -> set[str]:
        """The backup tables that exist, recorded or not."""
        return {row[0] for row in self.db.query(self.sql.sql_backup_tables) if _NAME.match(row[0])}

    def existing(self, version: int) -> set[str]:
        """The backup tables of ``version`` that exist."""
        return {name for name in self.tables() if backup_version(name) == version}

    def rows(self) -> list[BackupRow]:
        """Every recorded backup, by version then name; none when the table does not exist yet."""
        if not self.exists():
            return []
        q = self.sql.plain
        names = ", ".join(q(n) for n in self.sql.types)
        found = self.db.query(f"SELECT {names} FROM {self.sql.registry} ORDER BY {q('version')}, {q('name')}")
        return sorted((self._row(values) for values in found), key=lambda r: (r.version, _number(r.name)))

    def drop_statements(self, names: Iterable[str]) -> list[str]:
        return [sql for name in sorted(names) for sql in self.sql.drop(name)]

    def _row(self, values: tuple[Any, ...]) -> BackupRow:
        data = dict(zip(self.sql.types, values))
        return BackupRow(
            name=data["name"],
            version=int(data["version"]),
            operation=int(data["operation"]),
            kind=data["kind"],
            table_name=data["table_name"],
            column_name=data["column_name"],
            key_columns=tuple(json.loads(data["key_columns"])),
            row_count=int(data["row_count"]),
            created_at=self.sql.time_from_db(data["created_at"]),
        )

    def exists(self) -> bool:
        return bool(self.db.query(history_for(self.db).sql_exists, [BACKUPS_TABLE]))


def backup_version(name: str) -> int | None:
    """The version a backup table belongs to, from its name."""
    found = _NAME.match(name)
    return int(found[1]) if found else None


def _number(name: str) -> int:
    found = _NAME.match(name)
    return int(found[2]) if found else 0
