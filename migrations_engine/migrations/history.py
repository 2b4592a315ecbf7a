"""The history table ``engine_migration_history`` in the target database, one class per dialect.

One row per version that was applied, baselined, or that failed: its name and checksum, when, by
whom, how long it took, whether it succeeded, how many of its statements ran (of how many), the
failing statement and its error. Where DDL is not transactional (MySQL) a row with
``success = false`` and ``statements_applied > 0`` records a migration that stopped half-way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar

from ..connection import Database

if TYPE_CHECKING:
    from ..schema import Schema

TABLE = "engine_migration_history"
#: The table listing the backups taken before destructive operations (see ``backups``).
BACKUPS_TABLE = "engine_migration_backups"
#: Backup tables are named ``engine_backup_<version>_<n>``.
BACKUP_PREFIX = "engine_backup_"
_BACKUP_NAME = re.compile(rf"^{BACKUP_PREFIX}\d+_\d+$")
KIND_MIGRATE = "migrate"
KIND_BASELINE = "baseline"
_MAX_TEXT = 255
#: The identifier quote character of each dialect (as its ``Dialect.quote_character``; a test
#: checks they agree), for the runner's own names: applying a folder never loads the dialects.
QUOTE_CHARACTERS = {"postgresql": '"', "mysql": "`", "sqlite": '"'}
_PLAIN_NAME = re.compile(r"[a-z0-9_]+")


def quote_plain(dialect: str, name: str) -> str:
    """One of the runner's own names (lower-case ASCII letters, digits, ``_``), quoted for ``dialect``."""
    if not _PLAIN_NAME.fullmatch(name):
        raise ValueError(f"not one of the runner's plain names: {name!r}")
    quote = QUOTE_CHARACTERS[dialect]
    return f"{quote}{name}{quote}"


@dataclass(frozen=True)
class HistoryRow:
    version: int
    name: str
    checksum: str
    applied_at: datetime
    applied_by: str
    duration_ms: int
    success: bool
    statements_applied: int
    statements_total: int
    failed_statement: str | None = None
    error: str | None = None
    #: ``migrate`` (its statements ran) or ``baseline`` (recorded as applied without running).
    kind: str = KIND_MIGRATE

    @property
    def partial(self) -> bool:
        """The migration stopped with some statements applied (only where DDL is not transactional)."""
        return not self.success and self.statements_applied > 0

    @property
    def in_database(self) -> bool:
        """The migration's changes, all or some, are in the database."""
        return self.success or self.partial


COLUMNS = tuple(f.name for f in fields(HistoryRow))


def without_history(schema: Schema) -> Schema:
    """``schema`` without the history table (it belongs to the runner, not to the designed schema)."""
    if not schema.has_table(TABLE):
        return schema
    return schema.without_table(TABLE)


def is_runner_table(name: str) -> bool:
    """The history table, the backups table and the backup tables belong to the runner."""
    return name in (TABLE, BACKUPS_TABLE) or bool(_BACKUP_NAME.match(name))


def without_runner_tables(schema: Schema) -> Schema:
    """``schema`` without the runner's tables: what is compared with the designed schema (drift)."""
    for table in [t.name for t in schema.tables if is_runner_table(t.name)]:
        schema = schema.without_table(table)
    return schema


def now() -> datetime:
    return datetime.now(timezone.utc)


def os_user() -> str:
    import getpass

    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "unknown"
    return f"{user}@{_host_name()}"


def _host_name() -> str:
    if hasattr(os, "uname"):
        return os.uname().nodename  # what gethostname() returns, without loading the socket module
    import socket

    return socket.gethostname()


class History:
    """The history table on one connection. Subclasses give the column types and catalog queries."""

    #: Parameter marker of the driver. Mandatory where it is not ``%s``.
    marker: ClassVar[str] = "%s"
    #: Column → SQL type, in ``COLUMNS`` order. Mandatory.
    types: ClassVar[dict[str, str]] = {}
    #: Query returning a row when the table (the parameter) exists in the current schema. Mandatory.
    sql_exists: ClassVar[str] = ""
    #: Query returning the database user, or "" where there is none.
    sql_current_user: ClassVar[str] = ""
    #: Text after ``CREATE TABLE (...)``.
    create_suffix: ClassVar[str] = ""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.table = self.quote(TABLE)
        #: Every column, quoted, in ``COLUMNS`` order.
        self.columns_sql = ", ".join(self.quote(name) for name in COLUMNS)

    def quote(self, name: str) -> str:
        return quote_plain(self.db.dialect, name)

    def exists(self) -> bool:
        return bool(self.db.query(self.sql_exists, [TABLE]))

    def create(self) -> None:
        """Create the table unless it exists."""
        columns = ",\n  ".join(f"{self.quote(name)} {self.types[name]}" for name in COLUMNS)
        primary_key = f"PRIMARY KEY ({self.quote('version')})"
        self.db.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (\n  {columns},\n  {primary_key}\n){self.create_suffix}")

    def rows(self) -> list[HistoryRow]:
        """Every row in version order; none when the table does not exist yet."""
        if not self.exists():
            return []
        found = self.db.query(f"SELECT {self.columns_sql} FROM {self.table} ORDER BY {self.quote('version')}")
        return [self._row(values) for values in found]

    def get(self, version: int) -> HistoryRow | None:
        found = self.db.query(f"SELECT {self.columns_sql} FROM {self.table} WHERE {self.quote('version')} = {self.marker}", [version])
        return self._row(found[0]) if found else None

    def insert(self, row: HistoryRow) -> None:
        markers = ", ".join([self.marker] * len(COLUMNS))
        self.db.execute(f"INSERT INTO {self.table} ({self.columns_sql}) VALUES ({markers})", self._values(row))

    def insert_sql(self, row: HistoryRow, literal: Callable[[Any], str], **expressions: str) -> str:
        """``INSERT`` of ``row`` with its values as literals (``literal`` renders one), columns
        named in ``expressions`` set by SQL expressions instead, and those columns returned."""
        values = ", ".join(
            expressions[name] if name in expressions else literal(value)
            for name, value in zip(COLUMNS, self._values(row))
        )
        returning = f" RETURNING {', '.join(self.quote(name) for name in expressions)}" if expressions else ""
        return f"INSERT INTO {self.table} ({self.columns_sql}) VALUES ({values}){returning}"

    def delete_sql(self, version: int) -> str:
        """``DELETE`` of a failed attempt's row of ``version`` (a successful row stays)."""
        return f"DELETE FROM {self.table} WHERE {self.quote('version')} = {int(version)} AND NOT {self.quote('success')}"

    def update_sql(
        self, version: int, literal: Callable[[Any], str], values: Mapping[str, Any], expressions: Mapping[str, str] | None = None
    ) -> str:
        """``UPDATE`` of the row of ``version``: ``values`` as literals, ``expressions`` as SQL."""
        sets = [f"{self.quote(name)} = {literal(self._db_value(name, value))}" for name, value in values.items()]
        sets += [f"{self.quote(name)} = {sql}" for name, sql in (expressions or {}).items()]
        return f"UPDATE {self.table} SET {', '.join(sets)} WHERE {self.quote('version')} = {int(version)}"

    def update(self, version: int, **changes: Any) -> None:
        """Change some fields of a row (``statements_applied=3``, ``success=True`` …)."""
        sets = ", ".join(f"{self.quote(name)} = {self.marker}" for name in changes)
        values = [self._db_value(name, value) for name, value in changes.items()]
        self.db.execute(f"UPDATE {self.table} SET {sets} WHERE {self.quote('version')} = {self.marker}", [*values, version])

    def delete(self, version: int) -> None:
        self.db.execute(f"DELETE FROM {self.table} WHERE {self.quote('version')} = {self.marker}", [version])

    def applied_by(self) -> str:
        """Who applies: the database user and the operating-system user and host."""
        user = self.db.query(self.sql_current_user)[0][0] if self.sql_current_user else ""
        return f"{user} ({os_user()})"[:_MAX_TEXT] if user else os_user()[:_MAX_TEXT]

    # ------------------------------------------------------------ values

    def _values(self, row: HistoryRow) -> list[Any]:
        return [self._db_value(name, getattr(row, name)) for name in COLUMNS]

    def _db_value(self, name: str, value: Any) -> Any:
        if name == "applied_at":
            return self.time_to_db(value)
        if name in ("name", "applied_by") and isinstance(value, str):
            return value[:_MAX_TEXT]
        return value

    def _row(self, values: tuple[Any, ...]) -> HistoryRow:
        data = dict(zip(COLUMNS, values))
        data["applied_at"] = self.time_from_db(data["applied_at"])
        data["success"] = bool(data["success"])
        return HistoryRow(**data)

    def time_to_db(self, value: datetime) -> Any:
        """A UTC time as the driver stores it. Defaults to the aware datetime."""
        return value

    def time_from_db(self, value: Any) -> datetime:
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


class PostgreSQLHistory(History):
    types = {
        "version": "integer NOT NULL",
        "name": "varchar(255) NOT NULL",
        "checksum": "varchar(100) NOT NULL",
        "applied_at": "timestamptz NOT NULL",
        "applied_by": "varchar(255) NOT NULL",
        "duration_ms": "bigint NOT NULL",
        "success": "boolean NOT NULL",
        "statements_applied": "integer NOT NULL",
        "statements_total": "integer NOT NULL",
        "failed_statement": "text",
        "error": "text",
        "kind": "varchar(16) NOT NULL",
    }
    sql_exists = "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = %s"
    sql_current_user = "SELECT current_user"


class MySQLHistory(History):
    types = {
        **PostgreSQLHistory.types,
        "applied_at": "datetime(6) NOT NULL",
        "failed_statement": "longtext",
        "error": "longtext",
    }
    sql_exists = "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s"
    sql_current_user = "SELECT CURRENT_USER()"
    create_suffix = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

    def time_to_db(self, value: datetime) -> Any:
        return value.astimezone(timezone.utc).replace(tzinfo=None)


class SQLiteHistory(History):
    marker = "?"
    types = {
        name: ("INTEGER" if kind.split()[0] in ("integer", "bigint", "boolean") else "TEXT")
        + (" NOT NULL" if "NOT NULL" in kind else "")
        for name, kind in PostgreSQLHistory.types.items()
    }
    sql_exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"

    def time_to_db(self, value: datetime) -> Any:
        return value.astimezone(timezone.utc).isoformat()

    def time_from_db(self, value: Any) -> datetime:
        return super().time_from_db(datetime.fromisoformat(value))


def history_for(db: Database) -> History:
    return {"postgresql": PostgreSQLHistory, "mysql": MySQLHistory, "sqlite": SQLiteHistory}[db.dialect](db)
