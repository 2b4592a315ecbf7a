"""MySQL 8 and MariaDB 10.11: inline enums, AUTO_INCREMENT keys, full column definitions.

Every statement is written so that both servers accept it (docs/dialects/mysql.md lists where
they differ). Three MySQL rules shape most of this module:

* ``MODIFY COLUMN`` replaces a column's whole definition, so every column change writes it all:
  type, character set, collation, NULL/NOT NULL, DEFAULT, ON UPDATE, AUTO_INCREMENT, the
  generated expression, COMMENT, and the column's own CHECK (MariaDB drops it otherwise).
  Index and key comments are index options: a comment is changed by making the index again.
* An AUTO_INCREMENT column must lead some index. Key changes carry, in the same ALTER TABLE,
  the ``MODIFY`` that removes AUTO_INCREMENT before the key goes or adds it once the key exists.
* A foreign key needs an index led by its columns: MySQL creates one named like the key when
  there is none, keeps it after the key is dropped, and refuses to drop the last index a key
  relies on. Dropping a key drops that index too; dropping an index a key relies on puts the
  key's own index back, so the database always matches the model (where those indexes are not).
  An automatic index stays automatic for good, and MySQL drops it by itself when a new key
  starts with its columns. One made for a key written without a name is named after its first
  column, so the model holds it as an ordinary index: a statement building a key makes again
  (``DROP INDEX i, ADD INDEX i``) every plain index MySQL could drop for it, so that it stays.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import UnsupportedChange
from ..operations import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddPrimaryKey,
    AddUnique,
    AlterColumn,
    AlterEnum,
    CreateIndex,
    DropCheck,
    DropForeignKey,
    DropIndex,
    DropPrimaryKey,
    DropUnique,
    COMMENTED_ELEMENTS,
    RenameConstraint,
    SetComment,
    SetTableCharset,
)
from ..schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from ..types import ColumnType
from .base import _PLAIN_TEXT, Dialect

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect as SADialect

#: Defaults MySQL takes bare (not as a parenthesised expression): the current time.
_NOW = re.compile(r"^\s*(current_timestamp|now|localtimestamp|localtime)\s*(\(\s*(\d*)\s*\))?\s*$", re.IGNORECASE)
#: Native types MySQL 8 refuses a literal default for (it takes ``DEFAULT ('x')`` only).
_BLOB_LIKE = re.compile(r"^\s*(tinytext|text|mediumtext|longtext|tinyblob|blob|mediumblob|longblob|json|geometry|point|linestring|polygon)\b", re.IGNORECASE)
_NATIVE_NUMBER = re.compile(r"^\s*(tinyint|smallint|mediumint|int|integer|bigint|decimal|numeric|float|double|real|bit|year)\b", re.IGNORECASE)
#: uuid is stored as ASCII text: 36 bytes a value, and the character set tells it from char(36).
UUID_TYPE = "char(36) CHARACTER SET ascii"


class MySQLDialect(Dialect):
    name: ClassVar[str] = "mysql"
    data_types: ClassVar[dict[str, str]] = {
        "smallint": "smallint",
        "integer": "int",
        "bigint": "bigint",
        "decimal": "decimal(%(precision)s,%(scale)s)",
        "float": "float",
        "double": "double",
        "boolean": "tinyint(1)",
        "char": "char(%(length)s)",
        "varchar": "varchar(%(length)s)",
        "text": "text",
        "date": "date",
        "time": "time(%(precision)s)",
        "timestamp": "datetime(%(precision)s)",
        "timestamptz": "timestamp(%(precision)s)",
        "uuid": UUID_TYPE,
        "json": "json",
        "binary": "varbinary(%(length)s)",
    }
    data_types_without_args: ClassVar[dict[str, str]] = {
        "decimal": "decimal",
        "char": "char",
        # MySQL needs a length; 255 keeps the column indexable in utf8mb4 (1020 bytes < 3072).
        "varchar": "varchar(255)",
        "time": "time",
        "timestamp": "datetime",
        "timestamptz": "timestamp",
        "binary": "longblob",
    }

    sql_create_table = "CREATE TABLE %(table)s (\n  %(definition)s\n) %(options)s"
    sql_table_options = "ENGINE=InnoDB DEFAULT CHARSET=%(charset)s"
    sql_table_charset = "ALTER TABLE %(table)s DEFAULT CHARACTER SET = %(charset)s%(collation)s"
    default_charset: ClassVar[str] = "utf8mb4"
    sql_alter_table = "ALTER TABLE %(table)s %(changes)s"
    sql_modify_column = "MODIFY COLUMN %(definition)s"
    sql_drop_column_clause = "DROP COLUMN %(column)s"
    sql_copy_column = "UPDATE %(table)s SET %(new)s = %(old)s"
    sql_add_primary_key = "ADD %(definition)s"
    sql_drop_primary_key = "ALTER TABLE %(table)s DROP PRIMARY KEY"
    sql_drop_foreign_key = "ALTER TABLE %(table)s DROP FOREIGN KEY %(name)s"
    # DROP CONSTRAINT: MariaDB >= 10.2 and MySQL >= 8.0.19 (DROP CHECK is MySQL only).
    sql_drop_check = "ALTER TABLE %(table)s DROP CONSTRAINT %(name)s"
    sql_drop_index = "DROP INDEX %(name)s ON %(table)s"
    sql_create_index = "CREATE %(unique)sINDEX %(name)s ON %(table)s (%(columns)s)%(options)s"
    sql_add_index = "ADD %(unique)sINDEX %(name)s (%(columns)s)%(options)s"
    sql_drop_index_clause = "DROP INDEX %(name)s"
    sql_rename_index = "ALTER TABLE %(table)s RENAME INDEX %(old)s TO %(new)s"
    sql_table_comment = "ALTER TABLE %(table)s COMMENT = %(comment)s"

    quote_character: ClassVar[str] = "`"

    def make_sa_dialect(self) -> SADialect:
        from sqlalchemy.dialects.mysql.pymysql import MySQLDialect_pymysql

        # Statements run without parameters, so "%" must not be doubled as the pyformat style does.
        return MySQLDialect_pymysql(paramstyle="named")

    @cached_property
    def _compiler(self) -> Any:
        return self.sa_dialect.statement_compiler(self.sa_dialect, None)

    # ------------------------------------------------------------ building blocks

    def string_literal(self, value: str) -> str:
        """A string literal for the default sql_mode: quotes doubled and backslashes escaped.

        (SQLAlchemy's String literal processor leaves backslashes alone; its statement
        compiler escapes them, as MySQL needs unless NO_BACKSLASH_ESCAPES is set.)
        """
        if _PLAIN_TEXT.fullmatch(value):  # nothing to escape
            return f"'{value}'"
        from sqlalchemy import String

        return self._compiler.render_literal_value(value, String())

    def enum_type_sql(self, column_type: ColumnType, schema: Schema) -> str:
        values = schema.enum(column_type.enum or "").values
        return "enum(" + ",".join(self.string_literal(v) for v in values) + ")"

    def default_sql(self, column: Column) -> str:
        """``CURRENT_TIMESTAMP[(p)]`` bare, other expressions in parentheses, literals as written.

        Literals of TEXT, BLOB and JSON columns are parenthesised too: MySQL 8 only accepts
        expression defaults there, and MariaDB reads ``('x')`` back as the literal ``'x'``.
        """
        assert column.default is not None
        value = column.default.value
        if column.default.expression:
            now = _NOW.match(value)
            if now:
                precision = now.group(3) or _precision(column.type)
                return f"CURRENT_TIMESTAMP({precision})" if precision else "CURRENT_TIMESTAMP"
            return _parenthesised(value)
        literal = self.literal_sql(value, column.type)
        return f"({literal})" if self.needs_expression_default(column.type) else literal

    def on_update_sql(self, column: Column) -> str:
        """``CURRENT_TIMESTAMP`` with the column's precision (MySQL refuses another), else verbatim."""
        assert column.on_update is not None
        now = _NOW.match(column.on_update)
        if now:
            precision = now.group(3) or _precision(column.type)
            return f"CURRENT_TIMESTAMP({precision})" if precision else "CURRENT_TIMESTAMP"
        return column.on_update

    def table_options(self, table: Table) -> str:
        """``ENGINE=InnoDB DEFAULT CHARSET=<the table's, utf8mb4 by default> [COLLATE=...]``."""
        options = self.sql_table_options % {"charset": table.charset or self.default_charset}
        if table.collation:
            options += " COLLATE=" + table.collation
        return options

    def needs_expression_default(self, column_type: ColumnType) -> bool:
        """True for types MySQL 8 gives no literal default: TEXT, BLOB, JSON (and natives alike)."""
        if column_type.is_native:
            return bool(_BLOB_LIKE.match(column_type.native or ""))
        return column_type.kind in ("text", "json") or (column_type.kind == "binary" and column_type.length is None)

    def zero_value(self, column: Column, schema: Schema) -> str:
        if column.type.kind == "timestamptz":
            # TIMESTAMP starts at 1970-01-01 00:00:01 UTC: a day later fits whatever the time zone.
            return self.string_literal("1970-01-02 00:00:00")
        if column.type.is_native and _NATIVE_NUMBER.match(column.type.native or ""):
            return "0"
        return super().zero_value(column, schema)

    def column_definition(self, column: Column, schema: Schema, table: Table | None = None, *, auto_increment: bool | None = None, default: str | None = None) -> str:
        """``name type [CHARACTER SET cs] [COLLATE co] NULL|NOT NULL [DEFAULT ...] [ON UPDATE ...]
        [AUTO_INCREMENT] [COMMENT '...']``: everything, since ``MODIFY`` forgets what is not written.

        ``auto_increment`` defaults to: the column is an identity and leads a key of ``table``.
        ``default`` replaces the column's own DEFAULT (a temporary one while adding a column).
        NULL is written out because a TIMESTAMP column is NOT NULL by default on servers with
        ``explicit_defaults_for_timestamp`` off.
        """
        if auto_increment is None:
            auto_increment = column.identity and (table is None or leads_a_key(table, column.name))
        parts = [self.quote(column.name), self.type_sql(column.type, schema)]
        if column.charset:
            parts.append("CHARACTER SET " + column.charset)
        if column.collation:
            parts.append("COLLATE " + column.collation)
        if column.generated is not None:
            return " ".join(parts + [self.generated_sql(column)])
        parts.append("NULL" if column.nullable else "NOT NULL")
        if default is None and column.default is not None and not auto_increment:
            default = self.default_sql(column)
        if default is not None:
            parts.append("DEFAULT " + default)
        if column.on_update:
            parts.append("ON UPDATE " + self.on_update_sql(column))
        if auto_increment:
            parts.append("AUTO_INCREMENT")
        if column.comment:
            parts.append("COMMENT " + self.string_literal(column.comment))
        if table is not None:
            parts += [f"CHECK ({check.expression})" for check in table.checks if check.name == column.name and is_column_check(table, check)]
        return " ".join(parts)

    def generated_sql(self, column: Column) -> str:
        """``GENERATED ALWAYS AS (expr) VIRTUAL|STORED [NOT NULL] [COMMENT '...']``.

        MariaDB refuses NULL and NOT NULL on a generated column (MySQL 8 takes both): NULL is
        left unwritten, NOT NULL written for MySQL 8, whose generated columns may have it.
        A generated column has no DEFAULT, ON UPDATE or AUTO_INCREMENT.
        """
        assert column.generated is not None
        parts = [f"GENERATED ALWAYS AS ({column.generated.expression.strip()})", "STORED" if column.generated.stored else "VIRTUAL"]
        if not column.nullable:
            parts.append("NOT NULL")
        if column.comment:
            parts.append("COMMENT " + self.string_literal(column.comment))
        return " ".join(parts)

    def primary_key_definition(self, pk: PrimaryKey) -> str:
        """``PRIMARY KEY (...) [COMMENT '...']``: the primary key is an index, which takes a comment."""
        refuse_options(pk)
        return f"PRIMARY KEY ({self.quote_columns(pk.columns)})" + self.comment_clause(pk.comment)

    def unique_definition(self, unique: Unique) -> str:
        refuse_options(unique)
        return f"UNIQUE ({self.quote_columns(unique.columns)})" + self.comment_clause(unique.comment)

    def check_definition(self, check: Check) -> str:
        refuse_options(check)
        return f"CHECK ({check.expression})"

    def comment_clause(self, comment: str | None) -> str:
        """`` COMMENT '...'`` for a key or index, or nothing."""
        return f" COMMENT {self.string_literal(comment)}" if comment else ""

    def foreign_key_definition(self, fk: ForeignKey) -> str:
        """Both actions always written: MariaDB reads an unwritten one back as RESTRICT."""
        refuse_options(fk)
        if "SET DEFAULT" in (fk.on_delete, fk.on_update):
            raise UnsupportedChange(
                f"MySQL's InnoDB refuses SET DEFAULT in foreign key {fk.name!r}: "
                "use NO ACTION, RESTRICT, CASCADE or SET NULL"
            )
        return (
            f"FOREIGN KEY ({self.quote_columns(fk.columns)}) "
            f"REFERENCES {self.quote(fk.ref_table)} ({self.quote_columns(fk.ref_columns)}) "
            f"ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}"
        )

    def index_where_sql(self, index: Index) -> str:
        if index.where:
            raise UnsupportedChange(
                f"MySQL has no partial indexes: index {index.name!r} (WHERE {index.where}) "
                "cannot be created; drop its condition or make it a plain index"
            )
        return ""

    def constraint_definitions(self, table: Table, schema: Schema) -> list[str]:
        """The primary key is unnamed: MySQL always calls it PRIMARY."""
        out = [self.primary_key_definition(table.primary_key)] if table.primary_key else []
        out += [f"CONSTRAINT {self.quote(u.name or '')} {self.unique_definition(u)}" for u in table.uniques]
        out += [f"CONSTRAINT {self.quote(c.name or '')} {self.check_definition(c)}" for c in table.checks if not is_column_check(table, c)]
        out += [self.index_definition(index) for index in table.indexes]
        out += [f"CONSTRAINT {self.quote(fk.name or '')} {self.foreign_key_definition(fk)}" for fk in table.foreign_keys]
        return out

    def index_definition(self, index: Index) -> str:
        return self.sql_add_index.removeprefix("ADD ") % self._index_args(index)

    def create_index_sql(self, table: str, index: Index) -> str:
        """``CREATE [UNIQUE|FULLTEXT] INDEX name ON table (col(len) DESC, ...) [COMMENT '...']``."""
        return self.sql_create_index % {**self._index_args(index), "table": self.quote(table)}

    def index_key_sql(self, index: Index, position: int) -> str:
        """One element of an index: the column, its prefix length, DESC."""
        key = index.key(position)
        if key.expression:
            raise UnsupportedChange(
                f"index {index.name!r} has the expression {index.columns[position]!r}: MariaDB has no "
                "functional indexes (and the engine writes none for MySQL 8); index a generated column instead"
            )
        if key.opclass or key.collation or key.nulls:
            raise UnsupportedChange(
                f"index {index.name!r}: MySQL has no operator classes, collations or NULLS FIRST/LAST "
                f"in index keys ({index.columns[position]!r})"
            )
        sql = self.quote(index.columns[position])
        if key.length is not None:
            sql += f"({key.length})"
        return sql + (" DESC" if key.descending else "")

    def index_kind(self, index: Index) -> str:
        """``UNIQUE ``, ``FULLTEXT `` or nothing; refuses what MySQL indexes cannot be."""
        self.index_where_sql(index)
        if index.method not in (None, "btree", "fulltext"):
            raise UnsupportedChange(
                f"index {index.name!r} uses {index.method!r}: MySQL's InnoDB has B-tree and FULLTEXT indexes only"
            )
        if index.include:
            raise UnsupportedChange(f"index {index.name!r}: MySQL has no INCLUDE columns ({', '.join(index.include)})")
        if index.nulls_not_distinct:
            raise UnsupportedChange(f"index {index.name!r}: MySQL has no NULLS NOT DISTINCT")
        if index.method == "fulltext":
            if index.unique:
                raise UnsupportedChange(f"index {index.name!r}: a FULLTEXT index cannot be unique")
            if any(index.key(n).length is not None or index.key(n).descending for n in range(len(index.columns))):
                raise UnsupportedChange(f"FULLTEXT index {index.name!r} takes neither prefix lengths nor DESC")
            return "FULLTEXT "
        return "UNIQUE " if index.unique else ""

    def create_table_sql(self, table: Table, schema: Schema) -> list[str]:
        """One CREATE TABLE holding columns, keys, checks, indexes, foreign keys and comments."""
        for column in table.columns:
            if column.identity and not leads_a_key(table, column.name):
                raise UnsupportedChange(
                    f"MySQL needs AUTO_INCREMENT column {table.name}.{column.name} to lead a key: "
                    "make it the (first column of the) primary key, a unique constraint or an index"
                )
        lines = [self.column_definition(c, schema, table) for c in table.columns]
        lines += self.constraint_definitions(table, schema)
        options = self.table_options(table)
        if table.comment:
            options += " COMMENT=" + self.string_literal(table.comment)
        return [
            self.sql_create_table
            % {"table": self.quote(table.name), "definition": ",\n  ".join(lines), "options": options}
        ]

    def table_comment_sql(self, table: str, comment: str | None, *, creating: bool = False) -> list[str]:
        return [self.sql_table_comment % {"table": self.quote(table), "comment": self.string_literal(comment or "")}]

    def _index_args(self, index: Index) -> dict[str, str]:
        return {
            "unique": self.index_kind(index),
            "name": self.quote(index.name or ""),
            "columns": ", ".join(self.index_key_sql(index, n) for n in range(len(index.columns))),
            "options": self.comment_clause(index.comment),
        }

    def _alter(self, table: str, changes: list[str]) -> str:
        return self.sql_alter_table % {"table": self.quote(table), "changes": ", ".join(changes)}

    def _remake_index(self, index: Index) -> list[str]:
        # An index added by ALTER TABLE is never automatic, whatever the one it replaces was.
        drop = self.sql_drop_index_clause % {"name": self.quote(index.name or "")}
        return [drop, self.sql_add_index % self._index_args(index)]

    def _modify(self, column: Column, schema: Schema, table: Table, *, auto_increment: bool | None = None) -> str:
        return self.sql_modify_column % {"definition": self.column_definition(column, schema, table, auto_increment=auto_increment)}

    # ------------------------------------------------------------ keys and what hangs on them

    def key_change_sql(self, table_name: str, changes: list[str], before: Schema, after: Schema) -> str:
        """One ALTER TABLE making ``changes`` to the keys of a table, with their consequences."""
        first, last = self.key_consequences(table_name, before, after)
        return self._alter(table_name, [*first, *changes, *last])

    def key_consequences(self, table_name: str, before: Schema, after: Schema) -> tuple[list[str], list[str]]:
        """The clauses a change of keys needs before it and after it, in the same ALTER TABLE.

        Before: the plain indexes MySQL might take for automatic ones and drop in favour of a key
        the change builds, made again so that they stay; the MODIFYs taking AUTO_INCREMENT off
        identity columns that stop leading a key.
        After: the indexes foreign keys need once the index they used is gone, and the MODIFYs
        giving AUTO_INCREMENT to identity columns that now lead a key (existing rows are
        numbered then).
        """
        old, new = before.table(table_name), after.table(table_name)
        fk_indexes = indexes_foreign_keys_lose(old, new)
        built = added_key_column_lists(old, new) + [index.columns for index in fk_indexes]
        first = [sql for index in replaceable_indexes(old, new, built) for sql in self._remake_index(index)]
        last = [self.sql_add_index % self._index_args(index) for index in fk_indexes]
        for column in new.columns:
            if not column.identity:
                continue
            had, has = leads_a_key(old, column.name), leads_a_key(new, column.name)
            if had and not has:
                first.append(self._modify(column, after, new, auto_increment=False))
            elif has and not had:
                last.append(self._modify(column, after, new, auto_increment=True))
        return first, last

    def add_primary_key(self, op: AddPrimaryKey, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        change = self.sql_add_primary_key % {"definition": self.primary_key_definition(op.primary_key)}
        return [self.key_change_sql(op.table, [change], before, after)]

    def drop_primary_key(self, op: DropPrimaryKey, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        return [self.key_change_sql(op.table, ["DROP PRIMARY KEY"], before, after)]

    def add_unique(self, op: AddUnique, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        u = op.unique
        change = f"ADD CONSTRAINT {self.quote(u.name or '')} {self.unique_definition(u)}"
        return [self.key_change_sql(op.table, [change], before, after)]

    def drop_unique(self, op: DropUnique, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        change = self.sql_drop_index_clause % {"name": self.quote(op.unique.name or "")}
        return [self.key_change_sql(op.table, [change], before, after)]

    def create_index(self, op: CreateIndex, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """CREATE INDEX, or an ALTER TABLE when the index brings an AUTO_INCREMENT with it."""
        if self.key_consequences(op.table, before, after) == ([], []):
            return [self.create_index_sql(op.table, op.index)]
        self.index_where_sql(op.index)
        return [self.key_change_sql(op.table, [self.sql_add_index % self._index_args(op.index)], before, after)]

    def drop_index(self, op: DropIndex, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """DROP INDEX, or an ALTER TABLE when AUTO_INCREMENT or a foreign key relied on the index."""
        name = self.quote(op.index.name or "")
        if self.key_consequences(op.table, before, after) == ([], []):
            return [self.sql_drop_index % {"name": name, "table": self.quote(op.table)}]
        return [self.key_change_sql(op.table, [self.sql_drop_index_clause % {"name": name}], before, after)]

    def add_foreign_key(self, op: AddForeignKey, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """ADD CONSTRAINT ... FOREIGN KEY, keeping the plain indexes its automatic index could replace."""
        fk = op.foreign_key
        change = f"ADD CONSTRAINT {self.quote(fk.name or '')} {self.foreign_key_definition(fk)}"
        return [self.key_change_sql(op.table, [change], before, after)]

    def drop_foreign_key(self, op: DropForeignKey, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """Drop the key, then the index MySQL made for it (when no index of ours served it)."""
        fk, table = op.foreign_key, before.table(op.table)
        statements = [self.sql_drop_foreign_key % {"table": self.quote(op.table), "name": self.quote(fk.name or "")}]
        if not has_index_for(table, fk.columns):
            statements.append(self._alter(op.table, [self.sql_drop_index_clause % {"name": self.quote(fk.name or "")}]))
        return statements

    def rename_constraint(self, op: RenameConstraint, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """MySQL renames indexes only: a unique is renamed, a check or foreign key made again.

        The primary key is always called PRIMARY, so renaming it changes nothing.
        """
        constraint = op.constraint_in(before)
        table, old, new = self.quote(op.table), self.quote(op.old_name), self.quote(op.new_name)
        if isinstance(constraint, PrimaryKey):
            return []
        if isinstance(constraint, Unique):
            return [self.sql_rename_index % {"table": table, "old": old, "new": new}]
        if isinstance(constraint, Check):
            middle = DropCheck(op.table, constraint).apply(before)
            renamed_check = replace(constraint, name=op.new_name)
            return [
                *self.drop_check(DropCheck(op.table, constraint), before, middle),
                *self.add_check(AddCheck(op.table, renamed_check), middle, after),
            ]
        statements = [self.sql_drop_foreign_key % {"table": table, "name": old}]
        if not has_index_for(before.table(op.table), constraint.columns):
            statements.append(self.sql_rename_index % {"table": table, "old": old, "new": new})
        renamed = replace(constraint, name=op.new_name)
        statements.append(self.key_change_sql(op.table, [f"ADD CONSTRAINT {new} {self.foreign_key_definition(renamed)}"], before, after))
        return statements

    # ------------------------------------------------------------ columns

    def rename_column(self, op: Any, before: Schema, after: Schema) -> list[str]:
        """MySQL 8 refuses to rename a column a check names (error 3959) where MariaDB rewrites
        the check: both accept the checks dropped, the column renamed and the checks added again
        as the model now writes them."""
        earlier = {c.name: c for c in before.table(op.table).checks}
        rewritten = [c for c in after.table(op.table).checks if c.name in earlier and earlier[c.name].expression != c.expression]
        drops, schema = [], before
        for check in rewritten:
            drop = DropCheck(op.table, earlier[check.name])
            drops += self.drop_check(drop, schema, drop.apply(schema))
            schema = drop.apply(schema)
        adds = [sql for c in rewritten for sql in self.add_check(AddCheck(op.table, c), before, after)]
        return [*drops, *super().rename_column(op, before, after), *adds]

    def add_check(self, op: AddCheck, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """ADD CONSTRAINT ... CHECK, or, for a check named after its column, the column written
        again with the check on it (``is_column_check``)."""
        table = after.table(op.table)
        if is_column_check(table, op.check):
            return [self._alter(op.table, [self._modify(table.column(op.check.name or ""), after, table)])]
        return super().add_check(op, before, after)

    def drop_check(self, op: DropCheck, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """DROP CONSTRAINT, or, for a check named after its column, the column written again
        without it: MariaDB cannot DROP CONSTRAINT a column's own check."""
        if is_column_check(before.table(op.table), op.check):
            table = after.table(op.table)
            return [self._alter(op.table, [self._modify(table.column(op.check.name or ""), after, table)])]
        return super().drop_check(op, before, after)

    def add_column(self, op: AddColumn, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """Add a column; a NOT NULL one without default gets a temporary one for existing rows."""
        column = op.column
        table = after.table(op.table)
        auto = column.identity and leads_a_key(table, column.name)
        needs_value = not column.nullable and column.default is None and not auto and column.generated is None
        temporary = self._temporary_default(column, after) if needs_value else None
        definition = self.column_definition(column, after, table, default=temporary)
        statements = [self.sql_add_column % {"table": self.quote(op.table), "definition": definition}]
        if needs_value:
            statements += self.drop_default_sql(op.table, column)
        return statements

    def _temporary_default(self, column: Column, schema: Schema) -> str:
        zero = self.zero_value(column, schema)
        return f"({zero})" if self.needs_expression_default(column.type) else zero

    def alter_column(self, op: AlterColumn, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """``MODIFY COLUMN`` with the whole new definition, after filling NULLs if it becomes NOT NULL.

        Generated columns: both servers change an expression, or turn a column STORED or back to
        a plain one, in place; a change to or from VIRTUAL otherwise (VIRTUAL ↔ STORED, VIRTUAL
        ↔ plain) makes the column again (``rebuild_column``).
        """
        old, new = op.old, op.new
        if old.generated is not None or new.generated is not None:
            virtual = (old.generated is not None and not old.generated.stored) or (new.generated is not None and not new.generated.stored)
            same_kind = old.generated is not None and new.generated is not None and old.generated.stored == new.generated.stored
            if virtual and not same_kind:
                return self.rebuild_column(op, before, after)
            if old.generated is not None and new.generated is None and not new.nullable:
                # A STORED column becomes a plain NOT NULL one: keep its values, fill its NULLs.
                loose = replace(new, nullable=True)
                return [
                    self._alter(op.table, [self._modify(loose, after, after.table(op.table), auto_increment=False)]),
                    *self.alter_column(AlterColumn(op.table, loose, new), before, after),
                ]
            if new.generated is not None:
                return [self._alter(op.table, [self.sql_modify_column % {"definition": self.column_definition(new, after)}])]
        table = after.table(op.table)
        statements = []
        if op.old.nullable and not op.new.nullable:
            statements.append(
                self.sql_fill_nulls
                % {"table": self.quote(op.table), "column": self.quote(op.new.name), "value": self.fill_value(op.new, after)}
            )
        statements.append(self._alter(op.table, [self.sql_modify_column % {"definition": self.column_definition(op.new, after, table)}]))
        return statements

    def rebuild_column(self, op: AlterColumn, before: Schema, after: Schema) -> list[str]:
        """Make a column again where MySQL cannot MODIFY it (to or from VIRTUAL), in its place.

        The indexes, keys and checks naming it are dropped and added again in the same ALTER
        TABLE (a dropped column leaves the indexes it was part of, shortened). A plain column
        coming from a VIRTUAL one keeps its values: it is added under a temporary name, filled,
        and takes the old one's name. Foreign keys on the column are refused.
        """
        old_table, table = before.table(op.table), after.table(op.table)
        name = op.new.name
        if any(name in fk.columns for fk in table.foreign_keys) or any(
            fk.ref_table == table.name and name in fk.ref_columns for _, fk in after.referencing(table.name)
        ):
            raise UnsupportedChange(f"MySQL makes {table.name}.{name} again to change its kind of generated column: drop its foreign keys first")
        position = table.column_names.index(name)
        place = f"AFTER {self.quote(table.column_names[position - 1])}" if position else "FIRST"
        drops, adds = self._column_dependents(old_table, table, name)
        if op.new.generated is not None:
            definition = self.column_definition(op.new, after, table)
            return [self._alter(table.name, [*drops, self.sql_drop_column_clause % {"column": self.quote(name)}, f"ADD COLUMN {definition} {place}", *adds])]
        temporary = _free_column_name(table, f"{name}__new")
        loose = replace(op.new, name=temporary, nullable=True, identity=False, default=None)
        statements = [
            self.sql_add_column % {"table": self.quote(table.name), "definition": self.column_definition(loose, after) + f" AFTER {self.quote(name)}"},
            self.sql_copy_column % {"table": self.quote(table.name), "new": self.quote(temporary), "old": self.quote(name)},
        ]
        if not op.new.nullable:
            statements.append(self.sql_fill_nulls % {"table": self.quote(table.name), "column": self.quote(temporary), "value": self.fill_value(op.new, after)})
        change = f"CHANGE COLUMN {self.quote(temporary)} {self.column_definition(op.new, after, table)}"
        statements.append(self._alter(table.name, [*drops, self.sql_drop_column_clause % {"column": self.quote(name)}, change, *adds]))
        return statements

    def _column_dependents(self, old: Table, new: Table, column: str) -> tuple[list[str], list[str]]:
        """Clauses dropping the keys, indexes and checks of ``old`` naming ``column``, and adding
        those of ``new`` again."""
        def named(table: Table) -> tuple[list[Any], list[Index], list[Check]]:
            keys = [k for k in ([table.primary_key] if table.primary_key else []) + list(table.uniques) if column in k.columns]
            return keys, [i for i in table.indexes if column in i.columns], [c for c in table.checks if re.search(rf"\b{re.escape(column)}\b", c.expression)]

        old_keys, old_indexes, old_checks = named(old)
        new_keys, new_indexes, new_checks = named(new)
        drops = ["DROP PRIMARY KEY" if isinstance(k, PrimaryKey) else self.sql_drop_index_clause % {"name": self.quote(k.name or "")} for k in old_keys]
        drops += [self.sql_drop_index_clause % {"name": self.quote(i.name or "")} for i in old_indexes]
        # A column's own check goes with it, and comes back in its definition when it is plain.
        drops += [f"DROP CONSTRAINT {self.quote(c.name or '')}" for c in old_checks if not is_column_check(old, c)]
        adds = [self.sql_add_primary_key % {"definition": self.primary_key_definition(k)} if isinstance(k, PrimaryKey) else f"ADD CONSTRAINT {self.quote(k.name or '')} {self.unique_definition(k)}" for k in new_keys]
        adds += [self.sql_add_index % self._index_args(i) for i in new_indexes]
        adds += [
            f"ADD CONSTRAINT {self.quote(c.name or '')} {self.check_definition(c)}"
            for c in new_checks
            if not is_column_check(new, c) and not (is_column_check(old, c) and c.name != column)
        ]
        return drops, adds

    def set_comment(self, op: SetComment, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """A key's or index's comment is an index option, set by making the index again in one
        ALTER TABLE. Foreign keys and checks have none (refused); enums are column types, whose
        comment MySQL has nowhere to keep: nothing is written for it."""
        if op.element == "enum":
            return []
        table = after.table(op.table or "")
        if op.element == "primary_key":
            assert table.primary_key is not None
            return [self._alter(table.name, ["DROP PRIMARY KEY", self.sql_add_primary_key % {"definition": self.primary_key_definition(table.primary_key)}])]
        if op.element == "unique":
            unique = next(u for u in table.uniques if u.name == op.name)
            drop = self.sql_drop_index_clause % {"name": self.quote(op.name)}
            return [self._alter(table.name, [drop, f"ADD CONSTRAINT {self.quote(op.name)} {self.unique_definition(unique)}"])]
        if op.element == "index":
            index = next(i for i in table.indexes if i.name == op.name)
            return [self._alter(table.name, self._remake_index(index))]
        refuse_options(next(e for e in getattr(table, COMMENTED_ELEMENTS[op.element] or "") if e.name == op.name))
        return []  # a comment removed that MySQL could never have held

    def element_comment_sql(self, table: str | None, element: str, name: str, comment: str | None) -> list[str]:
        """Not used: ``set_comment`` needs the whole index to make it again."""
        raise UnsupportedChange(f"MySQL sets the comment of {element} {name!r} by making it again (set_comment)")

    def set_table_charset(self, op: SetTableCharset, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """The table's new default, then a ``MODIFY`` of each text column that uses the default,
        which converts its values: a column without a character set follows its table's."""
        table = after.table(op.table)
        collation = f" COLLATE = {op.new_collation}" if op.new_collation else ""
        statements = [self.sql_table_charset % {"table": self.quote(op.table), "charset": op.new_charset or self.default_charset, "collation": collation}]
        following = [c for c in table.columns if c.charset is None and c.collation is None and is_text(c.type)]
        if following:
            statements.append(self._alter(op.table, [self.sql_modify_column % {"definition": self.column_definition(c, after, table)} for c in following]))
        return statements

    def alter_enum(self, op: AlterEnum, before: Schema, after: Schema) -> list[str]:  # type: ignore[override]
        """Enums are column types here: every column of the enum gets its new value list."""
        return [
            self._alter(table.name, [self.sql_modify_column % {"definition": self.column_definition(column, after, table)}])
            for table, column in after.columns_of_enum(op.new.name)
        ]


def is_column_check(table: Table, check: Check) -> bool:
    """True for a check named exactly as a plain column of its table: written on that column
    (``col int CHECK (...)``), as Django writes PositiveIntegerField's. MariaDB names such a
    check after its column, cannot DROP CONSTRAINT it, and drops it whenever the column is
    written again without it: every MODIFY of the column writes it again."""
    return bool(check.name) and table.has_column(check.name or "") and table.column(check.name or "").generated is None


def _free_column_name(table: Table, base: str) -> str:
    name, n = base, 1
    while table.has_column(name):
        n += 1
        name = f"{base}{n}"
    return name


def refuse_options(element: PrimaryKey | Unique | ForeignKey | Check) -> None:
    """Refuse what a key or constraint holds that MySQL cannot keep, rather than drop it silently:
    constraint timing, NOT VALID, NO INHERIT, MATCH, NULLS NOT DISTINCT, and comments on foreign
    keys and checks (MySQL keeps comments on indexes only, so on primary keys and uniques)."""
    kind = {PrimaryKey: "primary key", Unique: "unique constraint", ForeignKey: "foreign key", Check: "check constraint"}[type(element)]
    where = f"{kind} {element.name!r}"
    if getattr(element, "deferrable", False) or getattr(element, "initially_deferred", False):
        raise UnsupportedChange(f"MySQL checks every constraint at once: {where} cannot be DEFERRABLE")
    if getattr(element, "not_valid", False):
        raise UnsupportedChange(f"MySQL has no NOT VALID constraints: {where} would check existing rows")
    if getattr(element, "no_inherit", False):
        raise UnsupportedChange(f"MySQL has no table inheritance: {where} cannot be NO INHERIT")
    if getattr(element, "nulls_not_distinct", False):
        raise UnsupportedChange(f"MySQL has no NULLS NOT DISTINCT: {where} lets NULLs repeat")
    if getattr(element, "match", None):
        raise UnsupportedChange(f"MySQL's InnoDB ignores MATCH {element.match}: {where} would be MATCH SIMPLE")  # type: ignore[union-attr]
    if isinstance(element, (ForeignKey, Check)) and element.comment:
        raise UnsupportedChange(
            f"MySQL has no comments on foreign keys or checks: {where} cannot keep its comment {element.comment!r}"
        )


_NATIVE_TEXT = re.compile(r"^\s*(char|varchar|tinytext|text|mediumtext|longtext|enum|set)\b", re.IGNORECASE)


def is_text(column_type: ColumnType) -> bool:
    """True for types that hold text in a character set (uuid has its own: ascii)."""
    if column_type.is_native:
        return bool(_NATIVE_TEXT.match(column_type.native or ""))
    return column_type.kind in ("char", "varchar", "text", "enum")


def _precision(column_type: ColumnType) -> int | None:
    return column_type.precision if column_type.kind in ("timestamp", "timestamptz") else None


def _parenthesised(expression: str) -> str:
    text = expression.strip()
    return text if text.startswith("(") and _closes_at_end(text) else f"({text})"


def _closes_at_end(text: str) -> bool:
    """True when the parenthesis opening ``text`` closes at its last character (quotes respected)."""
    depth, quote, escaped = 0, "", False
    for position, char in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position == len(text) - 1
    return False


def key_column_lists(table: Table) -> list[tuple[str, ...]]:
    """The columns of every index the table has in MySQL: primary key, uniques, indexes."""
    keys = [table.primary_key.columns] if table.primary_key else []
    return keys + [u.columns for u in table.uniques] + [i.columns for i in table.indexes]


def leads_a_key(table: Table, column: str) -> bool:
    """True when ``column`` is the first column of an index (MySQL's rule for AUTO_INCREMENT)."""
    return any(columns[:1] == (column,) for columns in key_column_lists(table))


def has_index_for(table: Table, columns: tuple[str, ...]) -> bool:
    """True when an index of ``table`` starts with ``columns`` (so a foreign key can use it)."""
    return any(key[: len(columns)] == columns for key in key_column_lists(table))


def indexes_foreign_keys_lose(old: Table, new: Table) -> list[Index]:
    """The indexes foreign keys of ``new`` need because the index of ``old`` that served them is
    gone, each named like its key, as MySQL would have made it."""
    lose = [fk for fk in new.foreign_keys if has_index_for(old, fk.columns) and not has_index_for(new, fk.columns)]
    return [Index(fk.columns, fk.name) for fk in lose]


def _built_keys(table: Table) -> set[tuple[str, str, tuple[str, ...]]]:
    """Every index MySQL builds for ``table``, by kind, name and columns; a foreign key counts
    for the automatic index MySQL makes whenever one is added (and drops if another serves)."""
    keys = {("primary", "", table.primary_key.columns)} if table.primary_key else set()
    keys |= {("unique", u.name or "", u.columns) for u in table.uniques}
    keys |= {("index", i.name or "", i.columns) for i in table.indexes}
    return keys | {("foreign key", fk.name or "", fk.columns) for fk in table.foreign_keys}


def added_key_column_lists(old: Table, new: Table) -> list[tuple[str, ...]]:
    """The columns of every index MySQL builds going from ``old`` to ``new``."""
    return [columns for _, _, columns in _built_keys(new) - _built_keys(old)]


def replaceable_indexes(old: Table, new: Table, built: list[tuple[str, ...]]) -> list[Index]:
    """The plain indexes of both ``old`` and ``new`` that lead one of the ``built`` column lists.

    MySQL drops an index it made for a foreign key when a new key starts with its columns, and
    nothing tells such an index from one made on purpose but its name, which is the key's only
    when the key was named: any plain index may be one.
    """
    kept = [index for index in old.indexes if not index.unique and index in new.indexes]
    return [index for index in kept if any(columns[: len(index.columns)] == index.columns for columns in built)]
