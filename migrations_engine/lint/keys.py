"""Rules on keys and indexes: primary keys, foreign keys' indexes and types, duplicate and
redundant indexes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..dialects.base import Dialect
from ..naming import index_name
from ..schema import Column, Index, Schema, Table
from . import Hit, rule


@rule("L001", "no-primary-key", "error", "A table without a primary key cannot be updated row by row, replicated safely or referenced.")
def no_primary_key(schema: Schema, dialect: Dialect) -> Iterator[Hit]:
    for table in schema.tables:
        if table.primary_key is None:
            yield Hit(f"table {table.name!r} has no primary key", table.name)


@dataclass(frozen=True)
class _Access:
    """An index-like access path of a table: a plain (B-tree, unconditional) index, a unique
    constraint or the primary key; what the duplicate and prefix rules compare."""

    kind: str  # "primary key", "unique", "index"
    name: str
    columns: tuple[str, ...]
    unique: bool
    index: Index | None = None


def _access_paths(table: Table) -> list[_Access]:
    """The table's plain access paths: indexes with expressions, conditions, INCLUDE columns,
    non-default methods or key options are left out (they are not interchangeable)."""
    paths = []
    if table.primary_key is not None:
        paths.append(_Access("primary key", table.primary_key.name or "", table.primary_key.columns, True))
    paths += [_Access("unique", u.name or "", u.columns, True) for u in table.uniques]
    for index in table.indexes:
        if index.where or index.method or index.include or index.keys or index.nulls_not_distinct:
            continue
        paths.append(_Access("index", index.name or "", index.columns, index.unique, index))
    return paths


def _starts_with(table: Table, columns: tuple[str, ...]) -> bool:
    """Whether an index (or key) over all rows starts with ``columns``, in any order."""
    wanted = set(columns)
    # An index with key options (DESC, prefix lengths) still serves lookups on its columns.
    optioned = [i.columns for i in table.indexes if i.keys and not i.where and not i.method and not i.has_expressions]
    for keys in [p.columns for p in _access_paths(table)] + optioned:
        if len(keys) >= len(columns) and set(keys[: len(columns)]) == wanted:
            return True
    return False


@rule(
    "L002", "fk-without-index", "warning",
    "A foreign key without an index starting with its columns makes every delete or key update of the referenced row scan the whole table.",
    dialects=("postgresql", "sqlite"),
)
def fk_without_index(schema: Schema, dialect: Dialect) -> Iterator[Hit]:
    # MySQL's InnoDB makes such an index itself when none exists: the rule is off there.
    for table in schema.tables:
        for fk in table.foreign_keys:
            if _starts_with(table, fk.columns):
                continue
            name = index_name(table.name, fk.columns)
            sql = dialect.create_index_sql(table.name, Index(fk.columns, name=name)) + ";"
            yield Hit(
                f"foreign key {fk.name!r} of table {table.name!r} ({', '.join(fk.columns)}) has no index starting with its columns",
                table.name,
                sql,
            )


def _drop_sql(dialect: Dialect, table: str, path: _Access) -> str | None:
    """DROP INDEX for a plain index; None for a constraint (SQLite rebuilds the table for that)."""
    if path.kind != "index":
        return None
    return dialect.sql_drop_index % {"name": dialect.quote(path.name), "table": dialect.quote(table)} + ";"


def _describe(path: _Access) -> str:
    return "the primary key" if path.kind == "primary key" else f"{path.kind} {path.name!r}"


@rule("L003", "duplicate-index", "warning", "Two indexes on the same columns cost twice on every write and serve no query the other does not.")
def duplicate_index(schema: Schema, dialect: Dialect) -> Iterator[Hit]:
    for table in schema.tables:
        kept: dict[tuple[str, ...], _Access] = {}
        # Constraints first: of two equal access paths the plain index is the one to drop.
        for path in sorted(_access_paths(table), key=lambda p: (p.kind == "index", not p.unique, p.name)):
            first = kept.get(path.columns)
            if first is None:
                kept[path.columns] = path
                continue
            yield Hit(
                f"{_describe(path)} of table {table.name!r} ({', '.join(path.columns)}) duplicates {_describe(first)}",
                table.name,
                _drop_sql(dialect, table.name, path),
            )


@rule("L004", "redundant-index", "info", "A plain index whose columns start another index is served by that index; it only costs writes.")
def redundant_index(schema: Schema, dialect: Dialect) -> Iterator[Hit]:
    for table in schema.tables:
        paths = _access_paths(table)
        for path in paths:
            if path.kind != "index" or path.unique:
                continue  # a unique index enforces something: never redundant
            longer = [
                other for other in paths
                if len(other.columns) > len(path.columns) and other.columns[: len(path.columns)] == path.columns
            ]
            if longer:
                wider = min(longer, key=lambda p: (len(p.columns), p.name))
                yield Hit(
                    f"index {path.name!r} of table {table.name!r} ({', '.join(path.columns)}) is a prefix of {_describe(wider)} ({', '.join(wider.columns)})",
                    table.name,
                    _drop_sql(dialect, table.name, path),
                )


def _type_text(dialect: Dialect, column: Column, schema: Schema) -> str:
    try:
        return dialect.type_sql(column.type, schema).lower()
    except Exception:  # a type the dialect refuses: other checks say so; compare as written
        return str(column.type).lower()


def sqlite_affinity(declared: str) -> str:
    """SQLite's type affinity of a declared type (https://sqlite.org/datatype3.html, 3.1): what
    it stores and compares by; integer and bigint are the same to it."""
    text = declared.upper()
    if "INT" in text:
        return "integer"
    if any(word in text for word in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if "BLOB" in text or not text.strip():
        return "blob"
    if any(word in text for word in ("REAL", "FLOA", "DOUB")):
        return "real"
    return "numeric"


@rule("L005", "fk-type-mismatch", "error", "A foreign key column of another type than its target forces conversions on every join and is refused by MySQL.")
def fk_type_mismatch(schema: Schema, dialect: Dialect) -> Iterator[Hit]:
    for table in schema.tables:
        for fk in table.foreign_keys:
            if not schema.has_table(fk.ref_table):
                continue
            target = schema.table(fk.ref_table)
            for name, ref_name in zip(fk.columns, fk.ref_columns):
                if not table.has_column(name) or not target.has_column(ref_name):
                    continue
                column, ref = table.column(name), target.column(ref_name)
                if column.type == ref.type:
                    continue
                mine, theirs = _type_text(dialect, column, schema), _type_text(dialect, ref, schema)
                if mine == theirs or (dialect.name == "sqlite" and sqlite_affinity(mine) == sqlite_affinity(theirs)):
                    continue
                yield Hit(
                    f"column {table.name}.{name} is {mine} but foreign key {fk.name!r} references {fk.ref_table}.{ref_name}, which is {theirs}",
                    table.name,
                )
