"""Relationship helpers: the columns, keys and junction tables a relationship needs, in one step.

* one-to-many: the open table gets a column per primary key column of the target
  (``<target>_<column>``, same type) and a foreign key to the target;
* one-to-one: the same, plus a unique constraint on those columns;
* many-to-many: a new junction table holding both tables' key columns, a composite primary key
  over all of them, and a foreign key (ON DELETE CASCADE) to each side.
"""

from __future__ import annotations

from dataclasses import dataclass

from designer import editing
from designer.models import Draft, DraftTable, new_uid
from migrations_engine.schema import Column, Table

ONE_TO_MANY = "one_to_many"
ONE_TO_ONE = "one_to_one"
MANY_TO_MANY = "many_to_many"
KINDS = [
    (ONE_TO_MANY, "one-to-many: many rows here point at one row there"),
    (ONE_TO_ONE, "one-to-one: each row here points at its own row there"),
    (MANY_TO_MANY, "many-to-many: through a new junction table"),
]


@dataclass(frozen=True)
class KeyColumn:
    """A column the relationship adds (or reuses, when one of that name and type exists)."""

    name: str
    ref: Column  # the primary key column it points at

    def definition(self, nullable: bool) -> editing.ColumnData:
        return editing.ColumnData(name=self.name, type=str(self.ref.type), nullable=nullable)


def key_columns(target: Table, prefix: str) -> list[KeyColumn]:
    """One column per primary key column of ``target``, named ``<prefix>_<column>``."""
    assert target.primary_key is not None
    return [
        KeyColumn(f"{prefix}_{name}", target.column(name)) for name in target.primary_key.columns
    ]


def conflicts(table: Table, columns: list[KeyColumn]) -> list[str]:
    """Why ``columns`` cannot go into ``table``: a column of the same name but another type."""
    problems = []
    for key in columns:
        if table.has_column(key.name) and table.column(key.name).type != key.ref.type:
            existing = table.column(key.name).type
            problems.append(
                f"Table “{table.name}” has a column “{key.name}” "
                f"of type {existing}, not {key.ref.type}."
            )
    return problems


def junction_columns(this: Table, target: Table) -> tuple[list[KeyColumn], list[KeyColumn]]:
    """The junction's columns for each side; a table related to itself gets a ``related_`` side."""
    mine = key_columns(this, this.name)
    theirs = key_columns(
        target, target.name if target.name != this.name else f"related_{target.name}"
    )
    return mine, theirs


def add_reference(
    this_row: DraftTable,
    this: Table,
    target_row: DraftTable,
    target: Table,
    *,
    unique: bool,
    required: bool,
    on_delete: str,
) -> None:
    """One-to-many (or one-to-one with ``unique``) from ``this`` to ``target``."""
    columns = key_columns(target, target.name)
    uids = [_column_uid(this_row, this, key, required) for key in columns]
    ref_uids = [key.ref.id for key in columns]
    editing.add_foreign_key(this_row, uids, target_row, ref_uids, on_delete=on_delete)
    if unique:
        editing.add_unique(this_row, uids)


def _column_uid(row: DraftTable, table: Table, key: KeyColumn, required: bool) -> str:
    if table.has_column(key.name):
        return table.column(key.name).id or ""
    return editing.add_column(row, key.definition(nullable=not required)).uid


def add_junction(
    draft: Draft,
    name: str,
    this_row: DraftTable,
    this: Table,
    target_row: DraftTable,
    target: Table,
) -> DraftTable:
    """Many-to-many: the junction table ``name`` with its composite key and both foreign keys."""
    junction = editing.add_table(draft, name, with_id=False)
    mine, theirs = junction_columns(this, target)
    uids = {}
    for key in (*mine, *theirs):
        uids[key.name] = editing.add_column(junction, key.definition(nullable=False)).uid
    junction.pk_columns = list(uids.values())
    junction.pk_uid = new_uid()
    junction.save(update_fields=["pk_columns", "pk_uid"])
    for side, row in ((mine, this_row), (theirs, target_row)):
        editing.add_foreign_key(
            junction,
            [uids[k.name] for k in side],
            row,
            [k.ref.id for k in side],
            on_delete="CASCADE",
        )
    # The primary key serves lookups from the first side; the other side gets its own index.
    editing.add_index(junction, [uids[k.name] for k in theirs])
    return junction
