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
