"""Likely renames between two schemas, offered to a user to confirm one by one.

An import pairs elements by name (``pairing.adopt_ids``), so a renamed element arrives as one
element gone and one new: the diff would drop and create it, losing its data. Two patterns
are suggested here:

* a column: in a table present on both sides, exactly one column gone and exactly one new,
  of the same type;
* a table: a table gone and a new one with the same column names and types (and no other
  gone or new table with those same columns, so the pairing is not a guess).

``apply_rename`` gives the new element the old one's id (a table's columns, keys, indexes and
constraints too, by name), so the diff sees a rename instead of a drop and a create.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar
from urllib.parse import quote

from .errors import EngineError
from .pairing import adopt_ids
from .schema import Column, Schema, Table

COLUMN = "column"
TABLE = "table"


class RenameNotApplicable(EngineError):
    """A suggestion that no longer fits the schema (already applied, or the elements changed)."""


class _Named(Protocol):
    name: str
    id: str | None


N = TypeVar("N", bound=_Named)


@dataclass(frozen=True)
class RenameSuggestion:
    """``old_name`` (in the old schema) seems to have become ``new_name`` (in the new one).

    For a column, ``table`` is the table's name in the new schema; for a table it is empty.
    """

    kind: str  # COLUMN or TABLE
    table: str
    old_name: str
    new_name: str

    @property
    def key(self) -> str:
        """A stable name for the suggestion (the same elements give the same key), for forms;
        names are percent-encoded so that a colon in one cannot make two keys alike."""
        parts = (self.table, self.old_name, self.new_name)
        return ":".join((self.kind, *(quote(part, safe="") for part in parts)))

    def describe(self) -> str:
        if self.kind == COLUMN:
            return f"Rename column {self.table}.{self.old_name} to {self.new_name}"
        return f"Rename table {self.old_name} to {self.new_name}"


def suggest_renames(old: Schema, new: Schema) -> list[RenameSuggestion]:
    """The likely renames from ``old`` to ``new``: tables first, then columns, each by name."""
    gone_tables = _unmatched(old.tables, new.tables)
    new_tables = _unmatched(new.tables, old.tables)
    suggestions = _table_renames(gone_tables, new_tables)
    added_names = {t.name for t in new_tables}
    old_by_id = {t.id: t for t in old.tables if t.id is not None}
    for table in new.tables:
        if table.name in added_names:
            continue
        before = old_by_id.get(table.id) if table.id is not None else None
        before = before or (old.table(table.name) if old.has_table(table.name) else None)
        if before is None:
            continue
        gone = _unmatched(before.columns, table.columns)
        added = _unmatched(table.columns, before.columns)
        if len(gone) == 1 and len(added) == 1 and gone[0].type == added[0].type:
            suggestions.append(RenameSuggestion(COLUMN, table.name, gone[0].name, added[0].name))
    return suggestions


def find_suggestion(old: Schema, new: Schema, key: str) -> RenameSuggestion | None:
    """The suggestion of ``suggest_renames(old, new)`` with ``key``, if it is (still) offered."""
    return next((s for s in suggest_renames(old, new) if s.key == key), None)


def apply_rename(schema: Schema, suggestion: RenameSuggestion, old: Schema) -> Schema:
    """``schema`` (the new side) with the renamed element taking the id of its ``old`` self.

    ``RenameNotApplicable`` when either element is not where the suggestion says.
    """
    if suggestion.kind == TABLE:
        before = _table_or_refuse(old, suggestion.old_name)
        after = _table_or_refuse(schema, suggestion.new_name)
        # Pair the parts by name as an import does, as if the table had kept its name.
        paired = adopt_ids(Schema(tables=(after,)), Schema(tables=(replace(before, name=after.name),)))
        return schema.replace_table(after.name, paired.tables[0])
    table = _table_or_refuse(schema, suggestion.table)
    before_table = _counterpart(table, old.tables)
    if before_table is None:
        raise RenameNotApplicable(f"table {suggestion.table!r} is not in the schema before")
    before = _column_or_refuse(before_table, suggestion.old_name)
    after = _column_or_refuse(table, suggestion.new_name)
    return schema.replace_table(table.name, table.replace_column(after.name, replace(after, id=before.id)))


def _table_renames(gone: list[Table], added: list[Table]) -> list[RenameSuggestion]:
    gone_by_shape = Counter(_shape(t) for t in gone)
    added_by_shape = Counter(_shape(t) for t in added)
    suggestions = []
    for table in added:
        shape = _shape(table)
        if table.columns and gone_by_shape[shape] == 1 and added_by_shape[shape] == 1:
            before = next(t for t in gone if _shape(t) == shape)
            suggestions.append(RenameSuggestion(TABLE, "", before.name, table.name))
    return suggestions


def _shape(table: Table) -> tuple:
    """A table's columns as a set of names and types (order aside)."""
    return tuple(sorted((c.name, repr(c.type)) for c in table.columns))


def _unmatched(elements: tuple[N, ...], others: tuple[_Named, ...]) -> list[N]:
    """The elements with no counterpart (same id, or same name) among ``others``."""
    ids = {o.id for o in others if o.id is not None}
    names = {o.name for o in others}
    return [e for e in elements if not ((e.id is not None and e.id in ids) or e.name in names)]


def _counterpart(element: _Named, others: tuple[N, ...]) -> N | None:
    by_id = next((o for o in others if element.id is not None and o.id == element.id), None)
    return by_id or next((o for o in others if o.name == element.name), None)


def _table_or_refuse(schema: Schema, name: str) -> Table:
    if not schema.has_table(name):
        raise RenameNotApplicable(f"there is no table {name!r} any more")
    return schema.table(name)


def _column_or_refuse(table: Table, name: str) -> Column:
    if not table.has_column(name):
        raise RenameNotApplicable(f"table {table.name!r} has no column {name!r} any more")
    return table.column(name)
