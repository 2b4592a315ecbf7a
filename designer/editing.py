"""Edits of a draft's rows: small functions, each run inside ``change()`` so Undo can revert it.

Forms (designer/editor_forms.py) validate the input first; these functions assume it is valid
and keep the rows consistent: deleting a column takes it out of every key and index, deleting a
table takes its foreign keys and those pointing at it, renaming an enum retypes its columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from designer.models import (
    Draft,
    DraftCheck,
    DraftColumn,
    DraftEnum,
    DraftForeignKey,
    DraftIndex,
    DraftTable,
    DraftUnique,
    TableGroup,
    new_uid,
)
from migrations_engine.expressions import rename_column_in
from migrations_engine.operations import exclusion_with_column_renamed
from migrations_engine.schema import Exclusion
from migrations_engine.snapshot import exclusion_from_data, exclusion_to_data
from migrations_engine.types import enum_type_text


class NoChange(Exception):
    """Raised inside ``change()`` when the edit turned out to change nothing: no undo step."""


@contextmanager
def change(draft: Draft, description: str) -> Iterator[None]:
    """One undoable edit: the content before it is recorded, the edit is atomic."""
    try:
        with transaction.atomic():
            draft.record_change(description)
            yield
    except NoChange:
        pass


# ---------------------------------------------------------------- tables


def add_table(
    draft: Draft,
    name: str,
    *,
    comment: str = "",
    group: TableGroup | None = None,
    with_id: bool = True,
) -> DraftTable:
    """A new table; ``with_id`` gives it an ``id bigint`` identity primary key."""
    table = DraftTable.objects.create(draft=draft, name=name, comment=comment or None, group=group)
    if with_id:
        column = DraftColumn.objects.create(
            draft=draft, table=table, name="id", type="bigint", nullable=False, identity=True
        )
        table.pk_columns, table.pk_uid = [column.uid], new_uid()
        table.save(update_fields=["pk_columns", "pk_uid"])
    return table


def update_table(table: DraftTable, *, name: str, comment: str, group: TableGroup | None) -> None:
    table.name, table.comment, table.group = name, comment or None, group
    table.save(update_fields=["name", "comment", "group"])


def delete_table(table: DraftTable) -> None:
    """The table, its rows, and the foreign keys of other tables that point at it."""
    DraftForeignKey.objects.filter(ref_table=table).delete()
    table.delete()


# ---------------------------------------------------------------- columns


@dataclass
class ColumnData:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    default_is_expression: bool = False
    identity: bool = False
    comment: str | None = None
    primary_key: bool = False
    unique: bool = False


def add_column(table: DraftTable, data: ColumnData) -> DraftColumn:
    last = DraftColumn.objects.filter(table=table).aggregate(n=Max("position"))["n"]
    column = DraftColumn(
        draft_id=table.draft_id, table=table, position=0 if last is None else last + 1
    )
    _write_column(column, data)
    return column


def update_column(column: DraftColumn, data: ColumnData) -> None:
    _write_column(column, data)


def _write_column(column: DraftColumn, data: ColumnData) -> None:
    renamed_from = column.name if column.pk is not None and column.name != data.name else None
    column.name, column.type = data.name, data.type
    column.nullable = data.nullable and not data.primary_key
    column.default = data.default if data.default not in (None, "") else None
    column.default_is_expression = data.default_is_expression and column.default is not None
    column.identity, column.comment = data.identity, data.comment or None
    if not column.identity:  # what only an identity has goes with it
        column.extra = {k: v for k, v in column.extra.items() if k not in ("identity_always", "serial", "sequence")}
    column.save()
    table = column.table
    if renamed_from is not None:
        _rename_in_expressions(table, renamed_from, column.name)
    in_pk = column.uid in table.pk_columns
    if data.primary_key and not in_pk:
        table.pk_columns = [*table.pk_columns, column.uid]
        table.pk_uid = table.pk_uid or new_uid()
        table.save(update_fields=["pk_columns", "pk_uid"])
    elif in_pk and not data.primary_key:
        _drop_from_primary_key(table, column.uid)
    single = [u for u in DraftUnique.objects.filter(table=table) if u.columns == [column.uid]]
    if data.unique and not single:
        DraftUnique.objects.create(draft_id=table.draft_id, table=table, columns=[column.uid])
    elif single and not data.unique:
        DraftUnique.objects.filter(pk__in=[u.pk for u in single]).delete()


def _rename_in_expressions(table: DraftTable, old: str, new: str) -> None:
    """The table's checks, partial-index conditions and exclusion constraints follow a renamed
    column, as the databases' RENAME COLUMN makes them do (the engine's RenameColumn does the same)."""
    for check in DraftCheck.objects.filter(table=table):
        expression = rename_column_in(check.expression, old, new, table.name)
        if expression != check.expression:
            check.expression = expression
            check.save(update_fields=["expression"])
    for index in DraftIndex.objects.filter(table=table):
        keys = index.extra.get("keys") or [{}] * len(index.columns)
        columns = [
            rename_column_in(element, old, new, table.name) if key.get("expression") else element
            for element, key in zip(index.columns, keys)
        ]
        where = index.where and rename_column_in(index.where, old, new, table.name)
        if (where, columns) != (index.where, index.columns):
            index.where, index.columns = where, columns
            index.save(update_fields=["where", "columns"])
    exclusions = table.extra.get("exclusions")
    if exclusions:
        renamed = [
            exclusion_to_data(exclusion_with_column_renamed(exclusion_from_data(x), old, new, table.name))
            for x in exclusions
        ]
        if renamed != exclusions:
            table.extra["exclusions"] = renamed
            table.save(update_fields=["extra"])
    for column in DraftColumn.objects.filter(table=table, extra__has_key="generated"):
        generated = column.extra["generated"]
        expression = rename_column_in(generated["expression"], old, new, table.name)
        if expression != generated["expression"]:
            column.extra["generated"] = {**generated, "expression": expression}
            column.save(update_fields=["extra"])


def _drop_from_primary_key(table: DraftTable, uid: str) -> None:
    table.pk_columns = [c for c in table.pk_columns if c != uid]
    if not table.pk_columns:
        table.pk_uid = table.pk_name = ""
    table.save(update_fields=["pk_columns", "pk_uid", "pk_name"])


def delete_column(column: DraftColumn) -> None:
    """The column, and every key, index and foreign key that would be left without it; the
    exclusion constraints naming it go whole, as PostgreSQL drops them with the column."""
    table, uid = column.table, column.uid
    exclusions = table.extra.get("exclusions")
    if exclusions:
        kept = [x for x in exclusions if not _names_column(exclusion_from_data(x), column.name, table.name)]
        if kept != exclusions:
            table.extra["exclusions"] = kept
            if not kept:
                del table.extra["exclusions"]
            table.save(update_fields=["extra"])
    if uid in table.pk_columns:
        _drop_from_primary_key(table, uid)
    for model in (DraftIndex, DraftUnique):
        for element in model.objects.filter(table=table):
            if uid in element.columns:
                keys = element.extra.get("keys")
                if keys:  # per-element options follow their elements
                    element.extra["keys"] = [k for c, k in zip(element.columns, keys) if c != uid]
                element.columns = [c for c in element.columns if c != uid]
                if element.columns:
                    element.save(update_fields=["columns", "extra"])
                else:
                    element.delete()
            elif uid in element.extra.get("include", ()):
                element.extra["include"] = [c for c in element.extra["include"] if c != uid]
                element.save(update_fields=["extra"])
    doomed = [fk.pk for fk in DraftForeignKey.objects.filter(table=table) if uid in fk.columns]
    doomed += [
        fk.pk for fk in DraftForeignKey.objects.filter(ref_table=table) if uid in fk.ref_columns
    ]
    DraftForeignKey.objects.filter(pk__in=doomed).delete()
    column.delete()


def _names_column(exclusion: Exclusion, name: str, table: str) -> bool:
    """Whether ``exclusion`` uses column ``name``: an element, an INCLUDE column, or in an expression."""
    return exclusion_with_column_renamed(exclusion, name, "__probe_column__", table) != exclusion


def move_column(column: DraftColumn, offset: int) -> None:
    """Swap the column with its neighbour ``offset`` places away (``NoChange`` at either end)."""
    columns = list(DraftColumn.objects.filter(table_id=column.table_id).order_by("position", "id"))
    here = next(n for n, c in enumerate(columns) if c.pk == column.pk)
    there = here + offset
    if not 0 <= there < len(columns):
        raise NoChange
    columns[here], columns[there] = columns[there], columns[here]
    for position, c in enumerate(columns):
        c.position = position
    DraftColumn.objects.bulk_update(columns, ["position"])


# ---------------------------------------------------------------- indexes and constraints


def add_index(
    table: DraftTable, columns: list[str], *, unique: bool = False, name: str = "", where: str = ""
) -> DraftIndex:
    return DraftIndex.objects.create(
        draft_id=table.draft_id,
        table=table,
        columns=columns,
        unique=unique,
        name=name,
        where=where or None,
    )


def add_unique(table: DraftTable, columns: list[str], *, name: str = "") -> DraftUnique:
    return DraftUnique.objects.create(
        draft_id=table.draft_id, table=table, columns=columns, name=name
    )


def add_check(table: DraftTable, expression: str, *, name: str = "") -> DraftCheck:
    return DraftCheck.objects.create(
        draft_id=table.draft_id, table=table, expression=expression, name=name
    )


def add_foreign_key(
    table: DraftTable,
    columns: list[str],
    ref_table: DraftTable,
    ref_columns: list[str],
    *,
    on_delete: str = "NO ACTION",
    on_update: str = "NO ACTION",
    name: str = "",
) -> DraftForeignKey:
    return DraftForeignKey.objects.create(
        draft_id=table.draft_id,
        table=table,
        columns=columns,
        ref_table=ref_table,
        ref_columns=ref_columns,
        on_delete=on_delete,
        on_update=on_update,
        name=name,
    )


ELEMENT_MODELS = {
    "index": DraftIndex,
    "unique": DraftUnique,
    "check": DraftCheck,
    "fk": DraftForeignKey,
}


def delete_element(table: DraftTable, kind: str, uid: str) -> bool:
    """Delete one index or constraint of ``table``; False when there is none with that uid."""
    if kind == "pk":
        if not table.pk_columns or table.pk_uid != uid:
            return False
        table.pk_columns, table.pk_uid, table.pk_name = [], "", ""
        table.save(update_fields=["pk_columns", "pk_uid", "pk_name"])
        return True
    deleted, _ = ELEMENT_MODELS[kind].objects.filter(table=table, uid=uid).delete()
    return bool(deleted)


# ---------------------------------------------------------------- groups and enums


def add_group(draft: Draft, name: str, colour: str) -> TableGroup:
    return TableGroup.objects.create(draft=draft, name=name, colour=colour)


def delete_group(group: TableGroup) -> None:
    group.delete()  # its tables stay, ungrouped


def add_enum(draft: Draft, name: str, values: list[str]) -> DraftEnum:
    return DraftEnum.objects.create(draft=draft, name=name, values=values)


def update_enum(enum: DraftEnum, name: str, values: list[str]) -> None:
    if name != enum.name:
        DraftColumn.objects.filter(draft_id=enum.draft_id, type=enum_type_text(enum.name)).update(
            type=enum_type_text(name)
        )
    enum.name, enum.values = name, values
    enum.save(update_fields=["name", "values"])


def enum_users(enum: DraftEnum) -> list[str]:
    """``table.column`` of every column typed with the enum."""
    rows = DraftColumn.objects.filter(draft_id=enum.draft_id, type=enum_type_text(enum.name))
    return [f"{t}.{c}" for t, c in rows.values_list("table__name", "name")]


def delete_enum(enum: DraftEnum) -> None:
    enum.delete()
