"""The schema model: a schema holds tables and enums; a table holds columns and constraints.

Every element is an immutable value. Elements designed in the web app carry a stable ``id`` that
survives renames; elements read from a live database have ``id=None`` and match by name.
Constraint and index names are always set: ``naming.with_default_names`` fills any left out.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from .errors import SchemaError
from .types import ColumnType

REFERENTIAL_ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")


@dataclass(frozen=True)
class Default:
    """A column default: a literal value (``expression=False``) or a SQL expression kept verbatim.

    Literals are stored as text (``"42"``, ``"it's"``, ``"true"``) and rendered per the column's
    type by each dialect; expressions (``CURRENT_TIMESTAMP``) are copied into the SQL as written.
    """

    value: str
    expression: bool = False


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = True
    default: Default | None = None
    identity: bool = False
    comment: str | None = None
    id: str | None = None
    #: MySQL/MariaDB: the column's character set and collation; None = the table's default.
    charset: str | None = None
    collation: str | None = None
    #: MySQL/MariaDB: the expression set on every UPDATE (``CURRENT_TIMESTAMP``), or None.
    on_update: str | None = None


@dataclass(frozen=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    name: str | None = None
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    id: str | None = None


@dataclass(frozen=True)
class Unique:
    columns: tuple[str, ...]
    name: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class Check:
    expression: str
    name: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class Index:
    columns: tuple[str, ...]
    name: str | None = None
    unique: bool = False
    where: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple[str, ...]
    id: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: str | None = None
    id: str | None = None
    #: MySQL/MariaDB: the table's default character set (None = utf8mb4, what the dialect
    #: writes) and collation (None = the character set's default collation).
    charset: str | None = None
    collation: str | None = None

    def __post_init__(self) -> None:
        # Canonical order: constraints sorted by name, so equality ignores how they were listed.
        for attr in ("foreign_keys", "uniques", "checks", "indexes"):
            object.__setattr__(self, attr, _in_canonical_order(getattr(self, attr)))

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise SchemaError(f"table {self.name!r} has no column {name!r}")

    def has_column(self, name: str) -> bool:
        return any(column.name == name for column in self.columns)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def replace_column(self, name: str, new: Column) -> Table:
        self.column(name)
        return replace(self, columns=tuple(new if c.name == name else c for c in self.columns))

    def without_foreign_keys(self) -> Table:
        return replace(self, foreign_keys=())


@dataclass(frozen=True)
class Schema:
    tables: tuple[Table, ...] = ()
    enums: tuple[Enum, ...] = ()
    _by_name: dict[str, Table] = field(default=None, init=False, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        # Canonical order: tables and enums sorted by name (columns keep their order).
        object.__setattr__(self, "tables", tuple(sorted(self.tables, key=lambda t: t.name)))
        object.__setattr__(self, "enums", tuple(sorted(self.enums, key=lambda e: e.name)))
        object.__setattr__(self, "_by_name", {t.name: t for t in self.tables})

    def table(self, name: str) -> Table:
        try:
            return self._by_name[name]
        except KeyError:
            raise SchemaError(f"schema has no table {name!r}") from None

    def has_table(self, name: str) -> bool:
        return name in self._by_name

    def enum(self, name: str) -> Enum:
        for enum in self.enums:
            if enum.name == name:
                return enum
        raise SchemaError(f"schema has no enum {name!r}")

    def has_enum(self, name: str) -> bool:
        return any(enum.name == name for enum in self.enums)

    def replace_table(self, name: str, new: Table) -> Schema:
        self.table(name)
        tables = tuple(new if t.name == name else t for t in self.tables)
        if new.name != name:
            return replace(self, tables=tables)
        # Same name, same place: skip re-sorting (diffs replace tables thousands of times).
        return self._assembled(tables, {**self._by_name, name: new})

    def with_table(self, table: Table) -> Schema:
        if self.has_table(table.name):
            raise SchemaError(f"table {table.name!r} exists already")
        # Put in its place rather than re-sorting: applying a diff adds tables one by one.
        at = bisect.bisect_right(self.tables, table.name, key=_name)
        return self._assembled((*self.tables[:at], table, *self.tables[at:]), {**self._by_name, table.name: table})

    def without_table(self, name: str) -> Schema:
        self.table(name)
        by_name = dict(self._by_name)
        del by_name[name]
        at = bisect.bisect_left(self.tables, name, key=_name)
        return self._assembled((*self.tables[:at], *self.tables[at + 1 :]), by_name)

    def _assembled(self, tables: tuple[Table, ...], by_name: dict[str, Table]) -> Schema:
        """This schema's enums with ``tables``, already in name order, and their index."""
        schema = object.__new__(Schema)
        object.__setattr__(schema, "tables", tables)
        object.__setattr__(schema, "enums", self.enums)
        object.__setattr__(schema, "_by_name", by_name)
        return schema

    def replace_enum(self, name: str, new: Enum) -> Schema:
        self.enum(name)
        return replace(self, enums=tuple(new if e.name == name else e for e in self.enums))

    def referencing(self, table_name: str) -> list[tuple[Table, ForeignKey]]:
        """Foreign keys (with their table) that reference ``table_name``."""
        return [
            (table, fk)
            for table in self.tables
            for fk in table.foreign_keys
            if fk.ref_table == table_name
        ]

    def columns_of_enum(self, enum_name: str) -> list[tuple[Table, Column]]:
        return [
            (table, column)
            for table in self.tables
            for column in table.columns
            if column.type.kind == "enum" and column.type.enum == enum_name
        ]


T = TypeVar("T")


def _name(item: Table) -> str:
    return item.name


def _in_canonical_order(items: Iterable[Any]) -> tuple[Any, ...]:
    """By name, then (for unnamed elements, or names given twice) by content. The content's
    repr is the costly part of sorting a large schema's constraints: taken only where needed."""
    ordered = sorted(items, key=_cheap_key)
    if any(a.name and a.name == b.name for a, b in zip(ordered, ordered[1:])):
        ordered = sorted(ordered, key=_by_name_key)
    return tuple(ordered)


def _cheap_key(item: Any) -> tuple[str, str]:
    name = item.name
    return (name, "") if name else ("", repr(item))


def _by_name_key(item: object) -> tuple[str, str]:
    return (getattr(item, "name") or "", repr(item))


def replace_named(items: Iterable[T], name: str, new: T | None) -> tuple[T, ...]:
    """``items`` with the element called ``name`` replaced by ``new`` (or removed when None)."""
    out: list[T] = []
    found = False
    for item in items:
        if getattr(item, "name") == name:
            found = True
            if new is not None:
                out.append(new)
        else:
            out.append(item)
    if not found:
        raise SchemaError(f"no element named {name!r}")
    return tuple(out)


def strip_ids(schema: Schema) -> Schema:
    """The same schema with every ``id`` removed, as a live database would give it. What has no
    id (a schema read from a database) is returned as it is, not copied."""

    def clear(items: tuple[T, ...]) -> tuple[T, ...]:
        if all(item.id is None for item in items):  # type: ignore[attr-defined]
            return items
        return tuple(replace(item, id=None) for item in items)  # type: ignore[type-var]

    def bare(table: Table) -> Table:
        parts = {name: getattr(table, name) for name in ("columns", "foreign_keys", "uniques", "checks", "indexes")}
        cleared = {name: clear(items) for name, items in parts.items()}
        key = table.primary_key
        if table.id is None and (key is None or key.id is None) and all(cleared[n] is parts[n] for n in parts):
            return table
        return replace(table, id=None, primary_key=replace(key, id=None) if key else None, **cleared)

    tables = tuple(bare(table) for table in schema.tables)
    if all(new is old for new, old in zip(tables, schema.tables)) and clear(schema.enums) is schema.enums:
        return schema
    return Schema(tables=tables, enums=clear(schema.enums))
