"""Types a dialect cannot hold exactly: said, never silently widened.

Most portable types have an exact home in every dialect. The ones below do not: the dialect
writes a near type, and this module names the column and what its meaning loses there, for the
designer's preview and the CLI's ``diff`` to show. (SQLite's enums and booleans are not here:
its dialect keeps their meaning with a CHECK of their values.)
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .schema import Column, Schema
from .types import ColumnType

#: (dialect, portable kind) → what a column of that kind loses there.
_PORTABLE_LOSSES = {
    ("mysql", "timestamptz"): (
        "MySQL has no time zone type: written as timestamp, which keeps the instant (stored in UTC)"
        " but not the zone, and only holds 1970-01-01 to 2038-01-19"
    ),
    ("mysql", "boolean"): "MySQL has no boolean type: written as tinyint(1), which also accepts -128 to 127",
    ("sqlite", "timestamptz"): "SQLite has no time zone type: values are stored as the text given",
}

#: Native types whose nearest portable type drops what makes them what they are.
_NATIVE_LOSSES = {
    "xml": "its XML well-formedness check",
    "enum": "its list of allowed values",
    "set": "its list of allowed values",
    "money": "its currency formatting",
    "smallmoney": "its currency formatting",
    "name": "its 63-byte limit",
    "citext": "its case-insensitive comparisons",
    "jsonb": "its binary form (keys are no longer de-duplicated or sorted)",
}


@dataclass(frozen=True)
class TypeLoss:
    """A column whose type ``dialect`` can only approximate."""

    table: str
    column: str
    type: ColumnType
    dialect: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column} ({self.type}) is lossy on {self.dialect}: {self.reason}"


def type_losses(
    schema: Schema, dialect: str, only: Collection[tuple[str, str]] | None = None
) -> list[TypeLoss]:
    """Every column of ``schema`` (or of the ``(table, column)`` pairs in ``only``) whose type
    ``dialect`` cannot express exactly, in table then column order."""
    losses = []
    for table in schema.tables:
        for column in table.columns:
            if only is not None and (table.name, column.name) not in only:
                continue
            reason = _reason(column, dialect)
            if reason is not None:
                losses.append(TypeLoss(table.name, column.name, column.type, dialect, reason))
    return losses


def _reason(column: Column, dialect: str) -> str | None:
    column_type = column.type
    if not column_type.is_native:
        return _PORTABLE_LOSSES.get((dialect, column_type.kind))
    if column_type.dialect == dialect:
        return None
    from .dialects.base import portable_equivalent

    near = portable_equivalent(column_type)
    if near is None:
        return None  # refused outright when rendered, with its own message
    base = (column_type.native or "").split("(")[0].strip().lower()
    lost = _NATIVE_LOSSES.get(base)
    if lost is not None:
        return f"{column_type.dialect} {base} is written as {near} there, losing {lost}"
    if "unsigned" in (column_type.native or "").lower() and near.kind != "decimal":
        return f"{column_type.native} is written as {near} there, which also accepts negative values"
    return None
