"""SQLite: declared types kept as written, few forms of ALTER TABLE, the table rebuild for the rest.

SQLite stores each column's declared type text verbatim and derives the column's *affinity* (how
values are stored) from that text. Every logical type is spelt so that ``introspect.sqlite`` reads
it back exactly and so that its affinity stores the values faithfully (``UUID_TEXT`` and
``JSON_TEXT`` rather than ``UUID``/``JSON``, whose affinity would be NUMERIC).

An enum column is TEXT and a boolean one BOOLEAN, each with a column CHECK holding its values
(``value_check_sql``); a STRICT table declares only the types it accepts (``strict_type_sql``).

Plain ALTER TABLE renames tables and columns, adds simple columns and drops unused ones; indexes
are created and dropped. Every other change rebuilds the table in ``SQLiteDialect._remake_table``
(``rebuilds`` says whether an operation does). Reasons and limits are in docs/dialects/sqlite.md.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import UnsupportedChange
from ..naming import primary_key_name
from ..operations import AddColumn, DropColumn, Operation, RenameColumn, RenameIndex
from ..schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from ..statement import SQLITE_FOREIGN_KEYS_OFF
from ..types import ColumnType
from .base import Dialect

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect as SADialect

# Defaults SQLite takes without parentheses: numbers, strings, blobs, NULL, TRUE, FALSE.
_CONSTANT = re.compile(
    r"""^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?0[xX][0-9a-fA-F]+"""
    r"""|'(?:[^']|'')*'|[xX]'[0-9a-fA-F]*'|NULL|TRUE|FALSE)$""",
    re.IGNORECASE,
)
_CURRENT = frozenset({"CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: The only declared types a STRICT table takes (https://sqlite.org/stricttables.html).
STRICT_TYPES = frozenset({"INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"})
#: The STRICT type of each logical type that reads back as itself from it (a boolean and an enum
#: through their CHECK, see ``SQLiteDialect.value_check_sql``).
_STRICT_SPELLING = {
    "integer": "INTEGER",
    "float": "REAL",
    "text": "TEXT",
    "binary": "BLOB",
    "boolean": "INTEGER",
    "enum": "TEXT",
}
#: What to use instead, for the logical types a STRICT table cannot declare.
_STRICT_INSTEAD = {
    "smallint": "integer (SQLite integers are all 64-bit)",
    "bigint": "integer (SQLite integers are all 64-bit)",
    "double": "float (REAL, the same 8-byte float)",
    "decimal": "float (REAL) or text, or sqlite:ANY to keep values as given",
    "char": "text (SQLite does not enforce lengths)",
    "varchar": "text (SQLite does not enforce lengths)",
    "date": "text (ISO dates)",
    "time": "text (ISO times)",
    "timestamp": "text (ISO timestamps)",
    "timestamptz": "text (ISO timestamps with their offset)",
    "uuid": "text",
    "json": "text",
    "binary": "binary without a length (BLOB)",
}


def affinity(declared_type: str) -> str:
    """The affinity SQLite gives a column declared so (https://sqlite.org/datatype3.html, 3.1)."""
    text = declared_type.upper()
    if "INT" in text:
        return "INTEGER"
    if "CHAR" in text or "CLOB" in text or "TEXT" in text:
        return "TEXT"
    if "BLOB" in text or not text.strip():
        return "BLOB"
    if "REAL" in text or "FLOA" in text or "DOUB" in text:
        return "REAL"
    return "NUMERIC"


class SQLiteDialect(Dialect):
    name: ClassVar[str] = "sqlite"
    data_types: ClassVar[dict[str, str]] = {
        "smallint": "SMALLINT",
        "integer": "INTEGER",
        "bigint": "BIGINT",
        "decimal": "DECIMAL(%(precision)s,%(scale)s)",
        "float": "REAL",
        "double": "DOUBLE",
        "boolean": "BOOLEAN",
        "char": "CHAR(%(length)s)",
        "varchar": "VARCHAR(%(length)s)",
        "text": "TEXT",
        "date": "DATE",
        "time": "TIME(%(precision)s)",
        "timestamp": "TIMESTAMP(%(precision)s)",
        "timestamptz": "TIMESTAMPTZ(%(precision)s)",
        # "UUID" and "JSON" would have NUMERIC affinity, turning '1e5' into 100000.0: spell TEXT in.
        "uuid": "UUID_TEXT",
        "json": "JSON_TEXT",
        "binary": "BLOB(%(length)s)",
    }
    data_types_without_args: ClassVar[dict[str, str]] = {
        "decimal": "DECIMAL",
        "char": "CHAR",
        "varchar": "VARCHAR",
        "time": "TIME",
        "timestamp": "TIMESTAMP",
        "timestamptz": "TIMESTAMPTZ",
        "binary": "BLOB",
    }

    sql_foreign_keys_off = SQLITE_FOREIGN_KEYS_OFF
    sql_foreign_keys_on = "PRAGMA foreign_keys = ON"
    sql_foreign_key_check = "PRAGMA foreign_key_check(%(table)s)"
    sql_copy_rows = "INSERT INTO %(new)s (%(columns)s)\n  SELECT %(values)s FROM %(old)s"
    sql_round_to_integer = (
        "CASE WHEN typeof(%(value)s) = 'real' THEN CAST(round(%(value)s) AS INTEGER) ELSE %(value)s END"
    )
    sql_coalesce = "COALESCE(%(value)s, %(fill)s)"
    sql_forget_sequence = "DELETE FROM sqlite_sequence WHERE name = %(new)s"
    sql_carry_sequence = (
        "INSERT INTO sqlite_sequence (name, seq) SELECT %(new)s, seq FROM sqlite_sequence WHERE name = %(old)s"
    )
    #: The rebuilt table is created as ``new__<name>`` (then renamed), as Django names it.
    temporary_prefix: ClassVar[str] = "new__"

    def make_sa_dialect(self) -> SADialect:
        from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

        return SQLiteDialect_pysqlite()

    @property
    def can_drop_column(self) -> bool:
        """ALTER TABLE DROP COLUMN exists from SQLite 3.35 (the library this process runs)."""
        return sqlite3.sqlite_version_info >= (3, 35, 0)

    @property
    def can_rename_column(self) -> bool:
        """ALTER TABLE RENAME COLUMN exists from SQLite 3.25."""
        return sqlite3.sqlite_version_info >= (3, 25, 0)

    # ------------------------------------------------------------ building blocks

    def enum_type_sql(self, column_type: ColumnType, schema: Schema) -> str:
        """SQLite has no enums: an enum column is TEXT, its values held by a CHECK
        (``enum_check_sql``)."""
        return "TEXT"

    def boolean_literal(self, value: bool) -> str:
        return "1" if value else "0"

    def expression_default_sql(self, expression: str) -> str:
        """SQLite takes CURRENT_TIMESTAMP & co. and constants bare; any other expression in parentheses."""
        text = expression.strip()
        if text.upper() in _CURRENT or _CONSTANT.match(text):
            return text
        return f"({text})"

    def is_rowid_identity(self, column: Column, table: Table) -> bool:
        """True for an identity column that is the whole primary key: ``INTEGER PRIMARY KEY AUTOINCREMENT``.

        SQLite has no other identity: elsewhere ``identity`` renders nothing (see the docs). A
        WITHOUT ROWID table has no rowid to count with (``create_table_sql`` refuses one there).
        """
        pk = table.primary_key
        return (
            column.identity
            and not table.without_rowid
            and pk is not None
            and pk.columns == (column.name,)
            and column.type.is_integer
        )

    def column_type_sql(self, column: Column, schema: Schema) -> str:
        """The type as it was declared (``declared_type``), so a rebuild keeps its spelling."""
        return column.declared_type or self.type_sql(column.type, schema)

    def strict_type_sql(self, column: Column, table: Table) -> str:
        """The type of ``column`` in a STRICT table, which accepts INT, INTEGER, REAL, TEXT, BLOB
        and ANY only: a declared spelling among those, else the one that reads back as the
        column's type. Types no STRICT type reads back as are refused, naming the one to use."""
        declared = column.declared_type
        if declared and declared.strip().upper() in STRICT_TYPES:
            return declared
        column_type = column.type
        if column_type.is_native and column_type.dialect == self.name:
            if (column_type.native or "").strip().upper() in STRICT_TYPES:
                return column_type.native or ""
        elif column_type.length is None and column_type.precision is None and column_type.kind in _STRICT_SPELLING:
            return _STRICT_SPELLING[column_type.kind]
        use = _STRICT_INSTEAD.get(column_type.kind, "a native sqlite type among them (sqlite:ANY keeps any value)")
        raise UnsupportedChange(
            f"table {table.name!r} is STRICT, which declares INT, INTEGER, REAL, TEXT, BLOB or ANY only: "
            f"column {column.name!r} of type {column_type} cannot be declared there (it would read back as "
            f"another type); use {use}, or make the table not STRICT"
        )

    def column_definition(self, column: Column, schema: Schema, table: Table | None = None) -> str:
        """``name type [COLLATE c] [NOT NULL] [GENERATED ALWAYS AS (...) kind | DEFAULT ...] [CHECK]``,
        or the inline primary key of a rowid identity.

        An enum column or a boolean one carries the CHECK that holds its values (``value_check_sql``).
        """
        if table is not None and self.is_rowid_identity(column, table):
            return self._rowid_identity_definition(column, table)
        type_sql = self.strict_type_sql(column, table) if table is not None and table.strict else self.column_type_sql(column, schema)
        parts = [self.quote(column.name), type_sql]
        if column.collation:
            parts.append("COLLATE " + self.collation_sql(column.collation))
        if not column.nullable:
            parts.append("NOT NULL")
        if column.generated is not None:
            kind = "STORED" if column.generated.stored else "VIRTUAL"
            parts.append(f"GENERATED ALWAYS AS ({column.generated.expression.strip()}) {kind}")
        elif column.default is not None:
            parts.append("DEFAULT " + self.default_sql(column))
        check = self.value_check_sql(column, schema)
        if check:
            parts.append(check)
        return " ".join(parts)

    def _rowid_identity_definition(self, column: Column, table: Table) -> str:
        assert table.primary_key is not None
        # AUTOINCREMENT requires exactly INTEGER; SQLite integers are 64-bit whatever the spelling.
        parts = [self.quote(column.name), "INTEGER"]
        if not column.nullable:
            parts.append("NOT NULL")
        name = table.primary_key.name
        if name and name != primary_key_name(table.name):
            parts += ["CONSTRAINT", self.quote(name)]
        parts.append("PRIMARY KEY AUTOINCREMENT")
        return " ".join(parts)

    def collation_sql(self, collation: str) -> str:
        """A collation name: bare when it is a plain word (``NOCASE``), else quoted."""
        return collation if _WORD.fullmatch(collation) else self.quote(collation)

    def value_check_sql(self, column: Column, schema: Schema) -> str:
        """The column CHECK standing for what SQLite has no type for, so the meaning holds.

        An enum column is TEXT with ``CONSTRAINT "<enum>" CHECK ("col" IN ('a', 'b'))``: the
        constraint's name is the enum's, which is how ``introspect.sqlite`` reads the column back
        as that enum (SQLite reports the name when a value is refused, ``CHECK constraint failed:
        mood``). A boolean column gets ``CHECK ("col" IN (0, 1))``. NULL passes both checks (an
        ``IN`` of NULL is NULL), so a nullable column still takes NULL.
        """
        kind = column.type.kind
        if column.type.is_native or kind not in ("enum", "boolean"):
            return ""
        name = self.quote(column.name)
        if kind == "boolean":
            return f"CHECK ({name} IN (0, 1))"
        enum = schema.enum(column.type.enum or "")
        values = ", ".join(self.string_literal(v) for v in enum.values)
        return f"CONSTRAINT {self.quote(enum.name)} CHECK ({name} IN ({values}))"

    def foreign_key_definition(self, fk: ForeignKey) -> str:
        """As standard SQL, with ``DEFERRABLE [INITIALLY DEFERRED]`` (SQLite defers a foreign key
        only when it is both). MATCH and NOT VALID are refused: SQLite would ignore them."""
        self._refuse_options(fk)
        sql = super().foreign_key_definition(fk)
        if fk.deferrable or fk.initially_deferred:
            sql += " DEFERRABLE"
            if fk.initially_deferred:
                sql += " INITIALLY DEFERRED"
        return sql

    def primary_key_definition(self, pk: PrimaryKey) -> str:
        self._refuse_options(pk)
        return super().primary_key_definition(pk)

    def unique_definition(self, unique: Unique) -> str:
        self._refuse_options(unique)
        return super().unique_definition(unique)

    def check_definition(self, check: Check) -> str:
        self._refuse_options(check)
        return super().check_definition(check)

    def _refuse_options(self, element: PrimaryKey | Unique | ForeignKey | Check) -> None:
        """Refuse what SQLite would accept in silence and not do, rather than drop it silently."""
        kind = {PrimaryKey: "primary key", Unique: "unique constraint", ForeignKey: "foreign key", Check: "check"}
        where = f"{kind[type(element)]} {element.name!r}"
        timed = getattr(element, "deferrable", False) or getattr(element, "initially_deferred", False)
        if timed and not isinstance(element, ForeignKey):
            raise UnsupportedChange(f"SQLite defers foreign keys only: {where} cannot be DEFERRABLE")
        if getattr(element, "not_valid", False):
            raise UnsupportedChange(f"SQLite has no NOT VALID constraints: {where} would check existing rows")
        if getattr(element, "no_inherit", False):
            raise UnsupportedChange(f"SQLite has no table inheritance: {where} cannot be NO INHERIT")
        if getattr(element, "nulls_not_distinct", False):
            raise UnsupportedChange(f"SQLite has no NULLS NOT DISTINCT: {where} lets NULLs repeat")
        if getattr(element, "match", None):
            raise UnsupportedChange(f"SQLite ignores MATCH {element.match}: {where} would be MATCH SIMPLE")  # type: ignore[union-attr]

    def constraint_definitions(self, table: Table, schema: Schema) -> list[str]:
        """Table-level constraints; unnamed ones stay unnamed (they read back with conventional names)."""
        pk = table.primary_key
        inline_pk = pk is not None and any(self.is_rowid_identity(c, table) for c in table.columns)
        out = []
        if pk is not None and not inline_pk:
            out.append(self._named(pk.name, self.primary_key_definition(pk)))
        out += [self._named(u.name, self.unique_definition(u)) for u in table.uniques]
        out += [self._named(c.name, self.check_definition(c)) for c in table.checks]
        out += [self._named(fk.name, self.foreign_key_definition(fk)) for fk in table.foreign_keys]
        return out

    def _named(self, name: str | None, definition: str) -> str:
        return f"CONSTRAINT {self.quote(name)} {definition}" if name else definition

    def create_table_sql(self, table: Table, schema: Schema) -> list[str]:
        """CREATE TABLE with every constraint (foreign keys too), then its indexes. No comments."""
        return [self._create_table_statement(table, schema), *self._create_indexes(table)]

    def table_options_sql(self, table: Table) -> str:
        """`` WITHOUT ROWID, STRICT`` (either or both) after the closing parenthesis.

        A WITHOUT ROWID table needs a primary key and has no AUTOINCREMENT: both are refused here
        rather than by SQLite halfway through a migration."""
        options = []
        if table.without_rowid:
            if table.primary_key is None:
                raise UnsupportedChange(f"table {table.name!r}: a WITHOUT ROWID table needs a primary key")
            counted = [c.name for c in table.columns if c.identity and table.primary_key.columns == (c.name,)]
            if counted:
                raise UnsupportedChange(
                    f"table {table.name!r}: a WITHOUT ROWID table has no AUTOINCREMENT (identity column {counted[0]!r})"
                )
            options.append("WITHOUT ROWID")
        if table.strict:
            options.append("STRICT")
        return " " + ", ".join(options) if options else ""

    def _create_table_statement(self, table: Table, schema: Schema, name: str | None = None) -> str:
        """CREATE TABLE for ``table``, optionally under another ``name`` (the rebuild's temporary one)."""
        lines = [self.column_definition(c, schema, table) for c in table.columns]
        lines += self.constraint_definitions(table, schema)
        statement = self.sql_create_table % {"table": self.quote(name or table.name), "definition": ",\n  ".join(lines)}
        return statement + self.table_options_sql(table)

    def _create_indexes(self, table: Table) -> list[str]:
        return [self.create_index_sql(table.name, index) for index in table.indexes]

    def create_index_sql(self, table: str, index: Index) -> str:
        """``CREATE [UNIQUE] INDEX name ON table (key, ...) [WHERE ...]``; a key is a quoted column
        or a parenthesised expression, then ``COLLATE c`` and ``DESC`` where given. What SQLite
        indexes cannot be (methods, INCLUDE, operator classes, NULLS FIRST/LAST, prefixes) is refused."""
        where = f"index {index.name!r}"
        if index.method not in (None, "btree"):
            raise UnsupportedChange(f"{where} uses {index.method!r}: SQLite has B-tree indexes only")
        if index.include:
            raise UnsupportedChange(f"{where}: SQLite has no INCLUDE columns ({', '.join(index.include)})")
        if index.nulls_not_distinct:
            raise UnsupportedChange(f"{where}: SQLite has no NULLS NOT DISTINCT")
        return self.sql_create_index % {
            "unique": "UNIQUE " if index.unique else "",
            "name": self.quote(index.name or ""),
            "table": self.quote(table),
            "columns": ", ".join(self.index_key_sql(index, n) for n in range(len(index.columns))),
            "where": self.index_where_sql(index),
        }

    def index_key_sql(self, index: Index, position: int) -> str:
        key = index.key(position)
        element = index.columns[position]
        if key.opclass or key.nulls or key.length is not None:
            raise UnsupportedChange(
                f"index {index.name!r}: SQLite has no operator classes, NULLS FIRST/LAST or prefix lengths "
                f"in index keys ({element!r})"
            )
        parts = [f"({element.strip()})" if key.expression else self.quote(element)]
        if key.collation:
            parts.append("COLLATE " + self.collation_sql(key.collation))
        if key.descending:
            parts.append("DESC")
        return " ".join(parts)

    # ------------------------------------------------------------ tables

    def drop_table(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """DROP TABLE; with foreign keys off when other tables still reference it.

        With foreign keys on, DROP TABLE first deletes every row, which would fire ON DELETE
        actions in the referencing tables.
        """
        statements = super().drop_table(op, before, after)
        if any(t.name != op.table.name for t, _ in before.referencing(op.table.name)):
            return [self.sql_foreign_keys_off, *statements, self.sql_foreign_keys_on]
        return statements

    # ------------------------------------------------------------ columns

    def add_column(self, op: AddColumn, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """ALTER TABLE ADD COLUMN when SQLite allows it, else the rebuild."""
        table = after.table(op.table)
        if self._can_add_in_place(op.column, table):
            definition = self.column_definition(op.column, after, table)
            return [self.sql_add_column % {"table": self.quote(op.table), "definition": definition}]
        return self._rebuild(op.table, before, after)

    def _can_add_in_place(self, column: Column, table: Table) -> bool:
        """SQLite adds a column that is nullable or has a constant non-NULL default, and is no key."""
        keyed = {c for u in table.uniques for c in u.columns}
        if table.primary_key is not None:
            keyed.update(table.primary_key.columns)
        if column.identity or column.name in keyed:
            return False
        if column.generated is not None:  # SQLite cannot add a STORED column: "cannot add a STORED column"
            return not column.generated.stored
        if column.default is None:
            return column.nullable
        if not column.default.expression:
            return True
        text = column.default.value.strip()
        return bool(_CONSTANT.match(text)) and (column.nullable or text.upper() != "NULL")

    def drop_column(self, op: DropColumn, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """ALTER TABLE DROP COLUMN (SQLite 3.35+) when nothing uses the column, else the rebuild."""
        if not self.can_drop_column or self._column_in_use(op.column.name, before.table(op.table), before):
            return self._rebuild(op.table, before, after)
        return super().drop_column(op, before, after)

    def rename_column(self, op: RenameColumn, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """ALTER TABLE RENAME COLUMN (SQLite 3.25+, which rewrites indexes, checks and foreign keys too)."""
        if self.can_rename_column:
            return super().rename_column(op, before, after)
        new = after.table(op.table)
        column_map = {c: (op.old_name if c == op.new_name else c) for c in new.column_names}
        return self._remake_table(before.table(op.table), new, after, column_map)

    def _column_in_use(self, name: str, table: Table, schema: Schema) -> bool:
        """True when a key, index, check or foreign key names the column: SQLite refuses to drop it then."""
        used = {c for u in table.uniques for c in u.columns}
        used.update(c for i in table.indexes for c in i.column_names)
        used.update(c for fk in table.foreign_keys for c in fk.columns)
        used.update(c for t, fk in schema.referencing(table.name) for c in fk.ref_columns)
        if table.primary_key is not None:
            used.update(table.primary_key.columns)
        expressions = [c.expression for c in table.checks] + [i.where for i in table.indexes if i.where]
        expressions += [e for i in table.indexes for n, e in enumerate(i.columns) if i.key(n).expression]
        expressions += [c.generated.expression for c in table.columns if c.generated is not None and c.name != name]
        return name in used or any(_mentions(e, name) for e in expressions)

    def alter_column(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """Every column change is a rebuild (none when only the comment changed: SQLite keeps none).
        A generated column whose expression or kind changes is computed anew for every row."""
        return self._rebuild(op.table, before, after)

    # ------------------------------------------------------------ table options, enums

    def set_table_options(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """WITHOUT ROWID and STRICT are fixed at CREATE TABLE: turning either on or off rebuilds."""
        return self._rebuild(op.table, before, after)

    def alter_enum(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """The CHECK of every column of the enum follows its values: each such table is rebuilt
        (rows holding a removed value make the copy, and so the migration, fail)."""
        return self._rebuild_users(op.new.name, before, after)

    def rename_enum(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """The enum's name is its CHECK's name (``value_check_sql``): the tables using it are rebuilt."""
        return self._rebuild_users(op.new_name, before, after)

    def _rebuild_users(self, enum: str, before: Schema, after: Schema) -> list[str]:
        tables = dict.fromkeys(table.name for table, _ in after.columns_of_enum(enum))
        return [sql for name in tables for sql in self._rebuild(name, before, after)]

    # ------------------------------------------------------------ what rebuilds

    def rebuilds(self, op: Operation, before: Schema, after: Schema) -> bool:
        """True when rendering ``op`` (on ``before``, giving ``after``) rebuilds a table, which
        drops what the engine does not manage on it (triggers; views naming it must go first)."""
        return bool(self.rebuilt_tables(op, before, after))

    def rebuilt_tables(self, op: Operation, before: Schema, after: Schema) -> list[str]:
        """The tables rendering ``op`` rebuilds (several for a change of an enum), in order.

        Read from the statements themselves, so it cannot disagree with them: a rebuild is the
        only statement renaming a table's temporary copy (``_remake_table``, step 5) to its name.
        """
        if op.kind in ("create_table", "drop_table", "rename_table"):
            return []
        statements = set(self.render(op, before, after))
        return [
            table.name
            for table in after.tables
            if self._rename_back_sql(table.name, after) in statements
        ]

    def _rename_back_sql(self, name: str, schema_after: Schema) -> str:
        temporary = self._temporary_name(name, schema_after)
        return self.sql_rename_table % {"old": self.quote(temporary), "new": self.quote(name)}

    # ------------------------------------------------------------ keys and constraints: all rebuilds

    def add_primary_key(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self._rebuild(op.table, before, after)

    def drop_primary_key(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self._rebuild(op.table, before, after)

    def add_foreign_key(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self._rebuild(op.table, before, after)

    def drop_foreign_key(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self._rebuild(op.table, before, after)

    def add_unique(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self._rebuild(op.table, before, after)

    def drop_unique(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self._rebuild(op.table, before, after)

    def add_check(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self._rebuild(op.table, before, after)

    def drop_check(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self._rebuild(op.table, before, after)

    def rename_constraint(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self._rebuild(op.table, before, after)

    # ------------------------------------------------------------ indexes

    def rename_index(self, op: RenameIndex, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """SQLite cannot rename an index: drop it and create it under the new name."""
        renamed = replace(op.index, name=op.new_name)
        drop = self.sql_drop_index % {"name": self.quote(op.index.name or "")}
        return [drop, self.create_index_sql(op.table, renamed)]

    # ------------------------------------------------------------ the rebuild

    def _rebuild(self, table_name: str, before: Schema, after: Schema) -> list[str]:
        """Remake ``table_name`` as ``after`` has it, each kept column copied from its namesake."""
        old, new = before.table(table_name), after.table(table_name)
        if self.create_table_sql(old, before) == self.create_table_sql(new, after):
            return []
        column_map = {c.name: c.name for c in new.columns if old.has_column(c.name)}
        return self._remake_table(old, new, after, column_map)

    def _remake_table(
        self, table_before: Table, table_after: Table, schema_after: Schema, column_map: dict[str, str]
    ) -> list[str]:
        """Rebuild a table into any new definition, keeping its rows.

        SQLite's answer to every change ALTER TABLE cannot make, following "Making Other Kinds Of
        Table Schema Changes" in https://www.sqlite.org/lang_altertable.html (Django's
        ``_remake_table`` does the same). ``column_map`` maps each column of ``table_after`` that
        takes its values from a column of ``table_before`` to that column's name (a renamed column
        maps to its old name); every other column gets its default, or a zero value when it is NOT
        NULL without one.

        1. ``PRAGMA foreign_keys = OFF``. Dropping the old table with foreign keys on would first
           delete its rows, firing ON DELETE CASCADE/SET NULL in the tables that reference it.
           The pragma is a no-op inside a transaction: a runner that wraps the migration in one
           must turn foreign keys off before BEGIN and on after COMMIT (the test harness runs
           each statement in autocommit mode, where the pragma takes effect).
        2. CREATE TABLE ``new__<name>`` with the whole new definition: columns, defaults, primary
           key, uniques, checks, foreign keys (a self-reference names the final table), options.
        3. INSERT INTO the new table SELECT from the old one: a column becoming NOT NULL reads
           ``COALESCE(column, default or zero)``; a REAL value going into an INTEGER column is
           rounded (affinity alone would keep 2.5 as REAL); other type changes are left to the new
           column's affinity, which converts as an INSERT into it would. Generated columns are
           left out: SQLite computes them for every row. An AUTOINCREMENT table
           gets the old table's counter in ``sqlite_sequence``, so deleted ids are not reused.
        4. DROP TABLE the old table (its indexes go with it).
        5. ALTER TABLE RENAME the new table to the old name. Foreign keys of other tables name
           the table, so they now point at the new one, unchanged: this order (not "rename the old
           table aside first") is what keeps them, since renaming a table rewrites references.
        6. CREATE INDEX for each index of the new definition.
        7. ``PRAGMA foreign_key_check`` on the table and every table referencing it: it returns
           the violating rows instead of failing, so a runner must fail when it returns any.
        8. ``PRAGMA foreign_keys = ON``.
        """
        name, old_name = table_after.name, table_before.name
        temporary = self._temporary_name(name, schema_after)
        statements = [self.sql_foreign_keys_off]
        statements.append(self._create_table_statement(table_after, schema_after, temporary))
        statements += self._copy_rows(table_before, table_after, schema_after, column_map, temporary)
        if any(self.is_rowid_identity(c, table_after) for c in table_after.columns):
            statements += self._carry_sequence(old_name, temporary)
        statements.append(self.sql_drop_table % {"table": self.quote(old_name)})
        statements.append(self._rename_back_sql(name, schema_after))
        statements += self._create_indexes(table_after)
        checked = self._checked_tables(table_after, schema_after)
        statements += [self.sql_foreign_key_check % {"table": self.quote(t)} for t in checked]
        statements.append(self.sql_foreign_keys_on)
        return statements

    def _temporary_name(self, name: str, schema: Schema) -> str:
        temporary = self.temporary_prefix + name
        while schema.has_table(temporary):
            temporary = "_" + temporary
        return temporary

    def _copy_rows(
        self, table_before: Table, table_after: Table, schema: Schema, column_map: dict[str, str], temporary: str
    ) -> list[str]:
        """INSERT ... SELECT filling the new table; columns left out take their default."""
        targets, values = [], []
        for column in table_after.columns:
            if column.generated is not None:
                continue  # SQLite computes it (a STORED one anew for every row)
            if column.name in column_map:
                old = table_before.column(column_map[column.name])
                values.append(self._copy_value(old, column, table_after, schema))
            elif self._needs_value(column, table_after):
                values.append(self.zero_value(column, schema))
            else:
                continue  # the column's default (or NULL, or a new rowid) fills it
            targets.append(self.quote(column.name))
        if not targets:
            return []
        return [
            self.sql_copy_rows
            % {
                "new": self.quote(temporary),
                "columns": ", ".join(targets),
                "values": ", ".join(values),
                "old": self.quote(table_before.name),
            }
        ]

    def _carry_sequence(self, old: str, new: str) -> list[str]:
        """The new table's AUTOINCREMENT counter continues the old one's (ids are never reused)."""
        names = {"old": self.string_literal(old), "new": self.string_literal(new)}
        return [self.sql_forget_sequence % names, self.sql_carry_sequence % names]

    def _copy_value(self, old: Column, new: Column, table_after: Table, schema: Schema) -> str:
        """The SELECT expression giving ``new`` its value from ``old``."""
        value = self.quote(old.name)
        old_affinity, new_affinity = (affinity(self.type_sql(c.type, schema)) for c in (old, new))
        if new_affinity == "INTEGER" and old_affinity != "INTEGER":
            value = self.sql_round_to_integer % {"value": value}
        # A NULL into an INTEGER PRIMARY KEY takes a new rowid: no fill needed there.
        if old.nullable and not new.nullable and not self.is_rowid_identity(new, table_after):
            value = self.sql_coalesce % {"value": value, "fill": self.fill_value(new, schema)}
        return value

    def _needs_value(self, column: Column, table: Table) -> bool:
        """True for a new NOT NULL column without default: neither NULL nor DEFAULT can fill it."""
        return not column.nullable and column.default is None and not self.is_rowid_identity(column, table)

    def _checked_tables(self, table: Table, schema: Schema) -> list[str]:
        """The tables whose foreign keys the rebuild could break: the table and those referencing it."""
        names = {t.name for t, _ in schema.referencing(table.name)}
        if table.foreign_keys:
            names.add(table.name)
        return sorted(names)


def _mentions(expression: str, name: str) -> bool:
    """True when ``expression`` may name the column ``name`` (erring on yes when it cannot be read)."""
    import sqlglot

    try:
        tokens = sqlglot.tokenize(expression, read="sqlite")
    except Exception:  # sqlglot raises several kinds; unreadable means "maybe"
        return True
    return any(token.text.lower() == name.lower() for token in tokens)
