"""Giving a schema read from elsewhere (a live database, an import) the ids of a known schema,
element by element, paired by name: tables, then within each paired table its columns, keys,
indexes and constraints; enums (and any other named schema-level objects) likewise.

The diff pairs elements by id where both sides carry one: without this, every element read
from a database (which has no ids) would be new, and a draft made from it would show the whole
schema dropped and created again instead of its real changes.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

from .schema import Schema, Table

T = TypeVar("T")

#: A table's attributes that hold named elements with ids.
_TABLE_PARTS = ("columns", "foreign_keys", "uniques", "checks", "indexes", "exclusions")


def adopt_ids(incoming: Schema, known: Schema) -> Schema:
    """``incoming`` with the ids of ``known``'s elements of the same names (the rest keep theirs)."""
    changes: dict[str, Any] = {}
    for part in fields(Schema):
        value = getattr(incoming, part.name)
        if part.name == "tables":
            known_tables = {t.name: t for t in known.tables}
            changes["tables"] = tuple(_table(t, known_tables.get(t.name)) for t in value)
        elif isinstance(value, tuple) and value and _named(value[0]):
            changes[part.name] = _adopt_all(value, getattr(known, part.name, ()))
    return replace(incoming, **changes)


def _table(table: Table, known: Table | None) -> Table:
    if known is None:
        return table
    changes: dict[str, Any] = {"id": known.id}
    for part in _TABLE_PARTS:
        if hasattr(table, part):
            changes[part] = _adopt_all(getattr(table, part), getattr(known, part, ()))
    if table.primary_key is not None and known.primary_key is not None:
        changes["primary_key"] = replace(table.primary_key, id=known.primary_key.id)
    return replace(table, **changes)


def _adopt_all(elements: tuple[T, ...], known: tuple[Any, ...]) -> tuple[T, ...]:
    by_name = {element.name: element for element in known if getattr(element, "name", None)}
    return tuple(
        replace(element, id=by_name[element.name].id) if element.name in by_name else element  # type: ignore[attr-defined]
        for element in elements
    )


def _named(element: Any) -> bool:
    return is_dataclass(element) and hasattr(element, "name") and hasattr(element, "id")


def adopt_spellings(incoming: Schema, known: Schema, dialect: str) -> Schema:
    """``incoming`` (read from a ``dialect`` server) with ``known``'s text for each check, index
    condition, index expression and generated column the server rewrote without changing its
    meaning (``expressions.same_expression``), so that comparing the two shows only real changes:
    a database made from a model whose check says ``x BETWEEN 1 AND 9`` is not drift."""
    known_tables = {t.name: t for t in known.tables}
    tables = tuple(_spelled_table(t, known_tables[t.name], dialect) if t.name in known_tables else t for t in incoming.tables)
    if all(a is b for a, b in zip(tables, incoming.tables)):
        return incoming
    return replace(incoming, tables=tables)


def _spelled_table(table: Table, known: Table, dialect: str) -> Table:
    from .expressions import same_expression

    def spelled(text: str | None, known_text: str | None) -> str | None:
        if text is None or known_text is None or text == known_text:
            return text
        return known_text if same_expression(text, known_text, dialect) else text

    changes: dict[str, Any] = {}
    known_checks = {c.name: c for c in known.checks if c.name}
    checks = tuple(
        replace(c, expression=spelled(c.expression, known_checks[c.name].expression)) if c.name in known_checks else c
        for c in table.checks
    )
    if checks != table.checks:
        changes["checks"] = checks
    known_indexes = {i.name: i for i in known.indexes if i.name}
    indexes = tuple(_spelled_index(i, known_indexes.get(i.name), spelled) for i in table.indexes)
    if indexes != table.indexes:
        changes["indexes"] = indexes
    known_columns = {c.name: c for c in known.columns}
    columns = tuple(
        replace(c, generated=replace(c.generated, expression=spelled(c.generated.expression, known_columns[c.name].generated.expression)))
        if c.generated and c.name in known_columns and known_columns[c.name].generated else c
        for c in table.columns
    )
    if columns != table.columns:
        changes["columns"] = columns
    return replace(table, **changes) if changes else table


def _spelled_index(index: Any, known: Any, spelled: Any) -> Any:
    if known is None:
        return index
    where = spelled(index.where, known.where)
    columns = index.columns
    if len(index.columns) == len(known.columns) and index.has_expressions and known.has_expressions:
        columns = tuple(
            spelled(element, known.columns[n]) if index.key(n).expression and known.key(n).expression else element
            for n, element in enumerate(index.columns)
        )
    if where == index.where and columns == index.columns:
        return index
    return replace(index, where=where, columns=columns)
