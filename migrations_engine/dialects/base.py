"""The base of every SQL dialect: statement templates as class attributes, one method per operation.

A dialect turns one operation into SQL statements, given the schema before and after it
(``render(op, before, after)``). Subclasses override only what differs from the standard SQL
written here, as Django's schema editors do. Identifier quoting and string literals come from
SQLAlchemy's dialect for the database, so every name (spaces, quotes, reserved words, unicode)
is quoted by the same well-tested code. SQLAlchemy is imported on first need: plain names and
literals (nothing to escape) are quoted here with the very result SQLAlchemy gives, so applying a
migrations folder never loads it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import UnsupportedChange
from ..operations import Operation
from ..schema import Check, Column, Exclusion, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from ..types import ColumnType

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect as SADialect

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: Names SQLAlchemy's ``quote_identifier`` only wraps in quote characters (nothing to escape).
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]+")
#: Strings whose SQL literal is the text in single quotes in every dialect (printable ASCII
#: without the quote, the backslash or the percent sign, which SQLAlchemy may escape).
_PLAIN_TEXT = re.compile(r"[ -$&(-\[\]-~]*")


class Dialect:
    """SQL for one database. Class attributes are templates filled with quoted names."""

    #: The dialect's name: ``postgresql``, ``mysql`` or ``sqlite``. Mandatory.
    name: ClassVar[str] = ""
    #: Logical kind → SQL template, filled with ``length``, ``precision``, ``scale``. Mandatory.
    data_types: ClassVar[dict[str, str]] = {}
    #: Templates for data types taking arguments when the argument is absent.
    data_types_without_args: ClassVar[dict[str, str]] = {}

    sql_create_table = "CREATE TABLE %(table)s (\n  %(definition)s\n)"
    sql_drop_table = "DROP TABLE %(table)s"
    sql_rename_table = "ALTER TABLE %(old)s RENAME TO %(new)s"
    sql_add_column = "ALTER TABLE %(table)s ADD COLUMN %(definition)s"
    sql_drop_column = "ALTER TABLE %(table)s DROP COLUMN %(column)s"
    sql_rename_column = "ALTER TABLE %(table)s RENAME COLUMN %(old)s TO %(new)s"
    sql_add_constraint = "ALTER TABLE %(table)s ADD CONSTRAINT %(name)s %(definition)s"
    sql_drop_constraint = "ALTER TABLE %(table)s DROP CONSTRAINT %(name)s"
    sql_drop_primary_key = sql_drop_constraint
    sql_drop_foreign_key = sql_drop_constraint
    sql_drop_unique = sql_drop_constraint
    sql_drop_check = sql_drop_constraint
    sql_create_index = "CREATE %(unique)sINDEX %(name)s ON %(table)s (%(columns)s)%(where)s"
    sql_drop_index = "DROP INDEX %(name)s"
    sql_rename_index = "ALTER INDEX %(old)s RENAME TO %(new)s"
    sql_rename_constraint = "ALTER TABLE %(table)s RENAME CONSTRAINT %(old)s TO %(new)s"
    sql_fill_nulls = "UPDATE %(table)s SET %(column)s = %(value)s WHERE %(column)s IS NULL"

    #: Whether the database has exclusion constraints (PostgreSQL's ``EXCLUDE``); the others
    #: refuse a table holding one, naming it, rather than create the table without it.
    has_exclusions: ClassVar[bool] = False
    #: Whether the engine writes standalone sequences and domains for the database (PostgreSQL);
    #: the others refuse a schema holding one, naming it, rather than write it without them.
    has_sequences_and_domains: ClassVar[bool] = False

    #: The identifier quote character of SQLAlchemy's preparer for this database (the fast path of
    #: ``quote`` for plain names; tests check it against SQLAlchemy's).
    quote_character: ClassVar[str] = '"'

    # SQLAlchemy is imported only when a dialect first needs it (rendering, literals, names with
    # characters to escape): applying a migrations folder's precomputed SQL never does.

    @cached_property
    def sa_dialect(self) -> SADialect:
        return self.make_sa_dialect()

    @cached_property
    def _preparer(self) -> Any:
        return self.sa_dialect.identifier_preparer

    @cached_property
    def _string_literal(self) -> Any:
        from sqlalchemy import String

        return String().literal_processor(self.sa_dialect)

    # ------------------------------------------------------------ building blocks

    def make_sa_dialect(self) -> SADialect:
        """SQLAlchemy's dialect for this database (quoting, literals). Mandatory."""
        raise NotImplementedError

    def quote(self, name: str) -> str:
        """The identifier always quoted, inner quote characters escaped."""
        if _PLAIN_NAME.fullmatch(name):
            return f"{self.quote_character}{name}{self.quote_character}"
        return self._preparer.quote_identifier(name)

    def quote_columns(self, columns: tuple[str, ...]) -> str:
        return ", ".join(self.quote(c) for c in columns)

    def string_literal(self, value: str) -> str:
        """A SQL string literal with every special character escaped."""
        if _PLAIN_TEXT.fullmatch(value):  # nothing to escape in any dialect
            return f"'{value}'"
        assert self._string_literal is not None
        return self._string_literal(value)

    def type_sql(self, column_type: ColumnType, schema: Schema) -> str:
        """SQL for a column type. Native types of this dialect render verbatim."""
        if column_type.is_native:
            if column_type.dialect == self.name:
                return column_type.native or ""
            return self.foreign_native_type_sql(column_type)
        if column_type.kind == "enum":
            return self.enum_type_sql(column_type, schema)
        args = {
            "length": column_type.length,
            "precision": column_type.precision,
            "scale": column_type.scale if column_type.scale is not None else 0,
        }
        has_args = column_type.length is not None or column_type.precision is not None
        if not has_args and column_type.kind in self.data_types_without_args:
            return self.data_types_without_args[column_type.kind]
        return self.data_types[column_type.kind] % args

    def foreign_native_type_sql(self, column_type: ColumnType) -> str:
        """A native type of another dialect, as the nearest portable type (read by sqlglot).

        Types with no portable equivalent (``inet``, arrays, geometry …) are refused with a clear
        message rather than written in a form the target database would reject.
        """
        portable = portable_equivalent(column_type)
        if portable is None:
            raise UnsupportedChange(
                f"type {column_type} has no {self.name} equivalent; use a portable type or a {self.name} native type"
            )
        return self.type_sql(portable, Schema())

    def enum_type_sql(self, column_type: ColumnType, schema: Schema) -> str:
        """SQL for a column of a named enum. Mandatory where the dialect has enums."""
        raise NotImplementedError

    def default_sql(self, column: Column) -> str:
        """The DEFAULT value: expressions verbatim, literals written for the column's type."""
        assert column.default is not None
        if column.default.expression:
            return self.expression_default_sql(column.default.value)
        return self.literal_sql(column.default.value, column.type)

    def expression_default_sql(self, expression: str) -> str:
        return expression

    def literal_sql(self, value: str, column_type: ColumnType) -> str:
        """A literal value of a column's type: numbers bare, booleans as the dialect writes them."""
        if column_type.kind == "boolean":
            return self.boolean_literal(value.strip().lower() in ("1", "true", "t", "yes", "y", "on"))
        if column_type.is_numeric and _NUMBER.match(value.strip()):
            return value.strip()
        return self.string_literal(value)

    def boolean_literal(self, value: bool) -> str:
        return "TRUE" if value else "FALSE"

    def zero_value(self, column: Column, schema: Schema) -> str:
        """A literal every row can take when a NOT NULL column needs a value and has no default."""
        kind = column.type.kind
        if column.type.is_numeric:
            return "0"
        if kind == "boolean":
            return self.boolean_literal(False)
        if kind == "enum":
            return self.string_literal(schema.enum(column.type.enum or "").values[0])
        zeros = {
            "date": "1970-01-01",
            "time": "00:00:00",
            "timestamp": "1970-01-01 00:00:00",
            "timestamptz": "1970-01-01 00:00:00+00",
            "uuid": "00000000-0000-0000-0000-000000000000",
            "json": "{}",
        }
        return self.string_literal(zeros.get(kind, ""))

    def fill_value(self, column: Column, schema: Schema) -> str:
        """What existing rows get when ``column`` becomes NOT NULL: its default, else a zero value."""
        if column.default is not None:
            return self.default_sql(column)
        return self.zero_value(column, schema)

    def column_type_sql(self, column: Column, schema: Schema) -> str:
        """The column's type in a column definition. Optional: SQLite keeps a declared spelling."""
        return self.type_sql(column.type, schema)

    def column_definition(self, column: Column, schema: Schema, table: Table | None = None) -> str:
        """``name type [NOT NULL] [DEFAULT ...]`` (identity and comments are dialect additions)."""
        parts = [self.quote(column.name), self.column_type_sql(column, schema)]
        if not column.nullable:
            parts.append("NOT NULL")
        if column.default is not None:
            parts.append("DEFAULT " + self.default_sql(column))
        return " ".join(parts)

    def primary_key_definition(self, pk: PrimaryKey) -> str:
        return f"PRIMARY KEY ({self.quote_columns(pk.columns)})"

    def foreign_key_definition(self, fk: ForeignKey) -> str:
        sql = (
            f"FOREIGN KEY ({self.quote_columns(fk.columns)}) "
            f"REFERENCES {self.quote(fk.ref_table)} ({self.quote_columns(fk.ref_columns)})"
        )
        if fk.on_delete != "NO ACTION":
            sql += f" ON DELETE {fk.on_delete}"
        if fk.on_update != "NO ACTION":
            sql += f" ON UPDATE {fk.on_update}"
        return sql

    def unique_definition(self, unique: Unique) -> str:
        return f"UNIQUE ({self.quote_columns(unique.columns)})"

    def check_definition(self, check: Check) -> str:
        return f"CHECK ({check.expression})"

    def exclusion_definition(self, exclusion: Exclusion) -> str:
        """``EXCLUDE USING method (element WITH operator, ...) ...``. Mandatory where
        ``has_exclusions``."""
        raise NotImplementedError

    def refuse_exclusions(self, table: str, exclusions: Sequence[Exclusion]) -> None:
        """``UnsupportedChange`` naming ``exclusions`` (of ``table``) where the dialect has none."""
        if exclusions and not self.has_exclusions:
            names = ", ".join(repr(x.name) for x in exclusions)
            raise UnsupportedChange(
                f"{self.name} has no exclusion constraints: table {table!r} has EXCLUDE constraint {names}"
                " (PostgreSQL only); remove it from the design for this database"
            )

    def constraint_definitions(self, table: Table, schema: Schema) -> list[str]:
        """Table-level constraints inside CREATE TABLE: primary key, uniques, checks, exclusions,
        foreign keys."""
        out = []
        if table.primary_key is not None:
            out.append(f"CONSTRAINT {self.quote(table.primary_key.name or '')} {self.primary_key_definition(table.primary_key)}")
        for unique in table.uniques:
            out.append(f"CONSTRAINT {self.quote(unique.name or '')} {self.unique_definition(unique)}")
        for check in table.checks:
            out.append(f"CONSTRAINT {self.quote(check.name or '')} {self.check_definition(check)}")
        for exclusion in table.exclusions:
            out.append(f"CONSTRAINT {self.quote(exclusion.name or '')} {self.exclusion_definition(exclusion)}")
        for fk in table.foreign_keys:
            out.append(f"CONSTRAINT {self.quote(fk.name or '')} {self.foreign_key_definition(fk)}")
        return out

    def create_table_sql(self, table: Table, schema: Schema) -> list[str]:
        """CREATE TABLE with its constraints, then its indexes and comments."""
        lines = [self.column_definition(c, schema, table) for c in table.columns]
        lines += self.constraint_definitions(table, schema)
        statements = [
            self.sql_create_table
            % {"table": self.quote(table.name), "definition": ",\n  ".join(lines)}
        ]
        statements += [self.create_index_sql(table.name, index) for index in table.indexes]
        statements += self.table_comment_sql(table.name, table.comment, creating=True)
        for column in table.columns:
            statements += self.column_comment_sql(table, column, schema, creating=True)
        return statements

    def create_index_sql(self, table: str, index: Index) -> str:
        return self.sql_create_index % {
            "unique": "UNIQUE " if index.unique else "",
            "name": self.quote(index.name or ""),
            "table": self.quote(table),
            "columns": self.quote_columns(index.columns),
            "where": self.index_where_sql(index),
        }

    def index_where_sql(self, index: Index) -> str:
        """The partial-index clause; dialects without partial indexes refuse one."""
        return f" WHERE {index.where}" if index.where else ""

    def table_comment_sql(self, table: str, comment: str | None, *, creating: bool = False) -> list[str]:
        """Statements setting a table's comment (None removes it). Mandatory where comments exist."""
        return []

    def column_comment_sql(self, table: Table, column: Column, schema: Schema, *, creating: bool = False) -> list[str]:
        """Statements setting a column's comment. Mandatory where comments exist."""
        return []

    def element_comment_sql(self, table: str | None, element: str, name: str, comment: str | None) -> list[str]:
        """Statements setting the comment of a key, constraint, index (``element`` as in
        ``operations.COMMENTED_ELEMENTS``) or enum. Mandatory where such comments exist."""
        return []

    # ------------------------------------------------------------ dispatch

    def render_all(self, operations: Sequence[Operation], start: Schema) -> list[tuple[int, str]]:
        """Statements for a whole script, each with the index of its operation.

        Optional: a dialect whose SQL for one operation depends on the operations after it
        overrides this (PostgreSQL: enum values used later in the same transaction).
        """
        statements: list[tuple[int, str]] = []
        schema = start
        for index, op in enumerate(operations):
            after = op.apply(schema)
            statements += [(index, sql) for sql in self.render(op, schema, after)]
            schema = after
        return statements

    def render(self, op: Operation, before: Schema, after: Schema) -> list[str]:
        """The statements that carry ``op`` out, given the schema before and after it."""
        method = getattr(self, op.kind, None)
        if method is None:
            raise UnsupportedChange(f"{self.name} cannot {op.describe().lower()}")
        return method(op, before, after)

    # ------------------------------------------------------------ one method per operation

    def create_table(self, op: Any, before: Schema, after: Schema) -> list[str]:
        self.refuse_exclusions(op.table.name, op.table.exclusions)
        return self.create_table_sql(op.table, after)

    def drop_table(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.sql_drop_table % {"table": self.quote(op.table.name)}]

    def rename_table(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.sql_rename_table % {"old": self.quote(op.old_name), "new": self.quote(op.new_name)}]

    def set_table_comment(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self.table_comment_sql(op.table, op.new)

    def add_column(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """Add a column. A NOT NULL column without default gets a temporary one for existing rows."""
        column: Column = op.column
        table = after.table(op.table)
        if not column.nullable and column.default is None and not column.identity:
            from dataclasses import replace

            from ..schema import Default

            temporary = replace(column, default=Default(self.zero_value(column, after), expression=True))
            statements = [self.sql_add_column % {"table": self.quote(op.table), "definition": self.column_definition(temporary, after, table)}]
            statements += self.drop_default_sql(op.table, column)
        else:
            statements = [self.sql_add_column % {"table": self.quote(op.table), "definition": self.column_definition(column, after, table)}]
        return statements + self.column_comment_sql(table, column, after, creating=True)

    def drop_default_sql(self, table: str, column: Column) -> list[str]:
        return [f"ALTER TABLE {self.quote(table)} ALTER COLUMN {self.quote(column.name)} DROP DEFAULT"]

    def drop_column(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.sql_drop_column % {"table": self.quote(op.table), "column": self.quote(op.column.name)}]

    def rename_column(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.sql_rename_column % {"table": self.quote(op.table), "old": self.quote(op.old_name), "new": self.quote(op.new_name)}]

    def alter_column(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """Change type, nullability, default, identity, comment. Mandatory."""
        raise NotImplementedError

    def add_primary_key(self, op: Any, before: Schema, after: Schema) -> list[str]:
        pk = op.primary_key
        return [self.sql_add_constraint % {"table": self.quote(op.table), "name": self.quote(pk.name), "definition": self.primary_key_definition(pk)}]

    def drop_primary_key(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.sql_drop_primary_key % {"table": self.quote(op.table), "name": self.quote(op.primary_key.name)}]

    def add_foreign_key(self, op: Any, before: Schema, after: Schema) -> list[str]:
        fk = op.foreign_key
        return [self.sql_add_constraint % {"table": self.quote(op.table), "name": self.quote(fk.name), "definition": self.foreign_key_definition(fk)}]

    def drop_foreign_key(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.sql_drop_foreign_key % {"table": self.quote(op.table), "name": self.quote(op.foreign_key.name)}]

    def add_unique(self, op: Any, before: Schema, after: Schema) -> list[str]:
        u = op.unique
        return [self.sql_add_constraint % {"table": self.quote(op.table), "name": self.quote(u.name), "definition": self.unique_definition(u)}]

    def drop_unique(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.sql_drop_unique % {"table": self.quote(op.table), "name": self.quote(op.unique.name)}]

    def add_check(self, op: Any, before: Schema, after: Schema) -> list[str]:
        c = op.check
        return [self.sql_add_constraint % {"table": self.quote(op.table), "name": self.quote(c.name), "definition": self.check_definition(c)}]

    def drop_check(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.sql_drop_check % {"table": self.quote(op.table), "name": self.quote(op.check.name)}]

    def add_exclusion(self, op: Any, before: Schema, after: Schema) -> list[str]:
        x = op.exclusion
        self.refuse_exclusions(op.table, [x])
        return [self.sql_add_constraint % {"table": self.quote(op.table), "name": self.quote(x.name), "definition": self.exclusion_definition(x)}]

    def drop_exclusion(self, op: Any, before: Schema, after: Schema) -> list[str]:
        self.refuse_exclusions(op.table, [op.exclusion])
        return [self.sql_drop_constraint % {"table": self.quote(op.table), "name": self.quote(op.exclusion.name)}]

    def create_index(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.create_index_sql(op.table, op.index)]

    def drop_index(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.sql_drop_index % {"table": self.quote(op.table), "name": self.quote(op.index.name)}]

    def rename_index(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return [self.sql_rename_index % {"table": self.quote(op.table), "old": self.quote(op.index.name), "new": self.quote(op.new_name)}]

    def rename_constraint(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """Rename a key or constraint (``op.constraint_in(before)`` tells which kind it is)."""
        return [self.sql_rename_constraint % {"table": self.quote(op.table), "old": self.quote(op.old_name), "new": self.quote(op.new_name)}]

    def set_comment(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return self.element_comment_sql(op.table, op.element, op.name, op.new)

    # Standalone sequences and domains are PostgreSQL's: elsewhere a schema holding them is
    # refused by name, never written without them (its defaults and column types need them).

    def refuse_postgresql_object(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """Refuse an operation on a sequence or domain, naming it. Overridden by PostgreSQL."""
        what = op.kind.split("_", 1)[1]
        element = getattr(op, what, None) or op.old
        needs = "defaults using it" if what == "sequence" else "columns typed with it"
        raise UnsupportedChange(
            f"{what} {element.name!r} cannot be written for {self.name}: the engine models standalone "
            f"{what}s for PostgreSQL only, and {needs} would not work without it; "
            f"remove it (and what uses it) from the schema for {self.name}"
        )

    create_sequence = drop_sequence = alter_sequence = refuse_postgresql_object
    create_domain = drop_domain = alter_domain = refuse_postgresql_object

    def refuse_schema_objects(self, schema: Schema) -> None:
        """Refuse a schema a script runs on that holds a sequence or domain, where the dialect has
        none: its columns' defaults and types would be written without them."""
        if self.has_sequences_and_domains:
            return
        for kind, items in (("sequence", schema.sequences), ("domain", schema.domains)):
            if items:
                raise UnsupportedChange(
                    f"{kind} {items[0].name!r} cannot be written for {self.name}: the engine models "
                    f"standalone {kind}s for PostgreSQL only; remove it (and what uses it) from the schema"
                )

    def create_enum(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """Create a named enum type. Dialects with inline enums emit nothing."""
        return []

    def drop_enum(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return []

    def rename_enum(self, op: Any, before: Schema, after: Schema) -> list[str]:
        return []

    def alter_enum(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """Change an enum's values. Mandatory where enums are types or inline column types."""
        return []


def _portable_kinds() -> dict[Any, str]:
    from sqlglot.expressions import DataType

    T = DataType.Type
    groups = {
        "smallint": ("TINYINT", "UTINYINT", "SMALLINT", "YEAR"),
        "integer": ("USMALLINT", "MEDIUMINT", "UMEDIUMINT", "INT", "SERIAL", "SMALLSERIAL"),
        "bigint": ("UINT", "BIGINT", "BIGSERIAL"),
        "decimal": ("UBIGINT", "DECIMAL"),
        "float": ("FLOAT",),
        "double": ("DOUBLE",),
        "boolean": ("BOOLEAN",),
        "char": ("CHAR", "NCHAR"),
        "varchar": ("VARCHAR", "NVARCHAR"),
        "text": ("TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "NAME", "ENUM", "SET", "XML"),
        "date": ("DATE",),
        "time": ("TIME",),
        "timestamp": ("TIMESTAMP", "DATETIME", "DATETIME64", "TIMESTAMPNTZ"),
        "timestamptz": ("TIMESTAMPTZ", "TIMESTAMPLTZ"),
        "json": ("JSON", "JSONB"),
        "uuid": ("UUID",),
        "binary": ("BINARY", "VARBINARY", "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB"),
    }
    return {getattr(T, name): kind for kind, names in groups.items() for name in names if hasattr(T, name)}


def portable_equivalent(column_type: ColumnType) -> ColumnType | None:
    """The portable type nearest to a native one (``mysql:mediumint`` → ``integer``), or None."""
    import sqlglot
    from sqlglot import exp

    source = {"postgresql": "postgres"}.get(column_type.dialect or "", column_type.dialect)
    try:
        built = exp.DataType.build(column_type.native or "", dialect=source)
    except (sqlglot.errors.ParseError, ValueError):
        return None
    kind = _portable_kinds().get(built.this)
    if built.this in (exp.DataType.Type.MONEY, exp.DataType.Type.SMALLMONEY):
        kind = "decimal"
    if kind is None:
        return None
    numbers = [int(p.name) for p in built.expressions if isinstance(p, exp.DataTypeParam) and p.name.isdigit()]
    if built.this == exp.DataType.Type.UBIGINT:
        return ColumnType("decimal", precision=20, scale=0)
    if built.this in (exp.DataType.Type.MONEY, exp.DataType.Type.SMALLMONEY):
        return ColumnType("decimal", precision=19, scale=2)
    if kind == "decimal":
        return ColumnType("decimal", precision=numbers[0] if numbers else None, scale=numbers[1] if len(numbers) > 1 else (0 if numbers else None))
    if kind in ("char", "varchar", "binary") and numbers and built.this not in (exp.DataType.Type.BLOB,):
        return ColumnType(kind, length=numbers[0])
    if kind in ("time", "timestamp", "timestamptz") and numbers:
        return ColumnType(kind, precision=numbers[0])
    return ColumnType(kind)
