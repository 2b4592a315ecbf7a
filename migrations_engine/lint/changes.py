"""Rules on a change between two schemas: destructive steps, NOT NULL columns added without a
default to tables with rows, types narrowed."""

from __future__ import annotations

from collections.abc import Iterator

from ..operations import AddColumn, AlterColumn
from ..types import is_widening
from . import ChangeContext, Hit, rule


def _narrowing(op: AlterColumn) -> bool:
    return op.type_changed and not is_widening(op.old.type, op.new.type)


@rule("L101", "destructive-change", "warning", "The step can lose data: take a backup, or check nothing is lost, before it runs.", scope="change")
def destructive_change(change: ChangeContext) -> Iterator[Hit]:
    for op in change.operations:
        if not op.destructive:
            continue
        # A narrowed type alone is type-narrowing's (L103): one finding per cause.
        if isinstance(op, AlterColumn) and _narrowing(op) and not (op.old.nullable and not op.new.nullable) and not op.becomes_generated:
            continue
        loss = op.data_loss() or f"{op.describe()}: can lose data"
        yield Hit(loss[0].upper() + loss[1:], op.table_name)


@rule(
    "L102", "not-null-without-default", "error",
    "A NOT NULL column added without a default gets a made-up value (0, '', false) in every existing row.",
    scope="change",
)
def not_null_without_default(change: ChangeContext) -> Iterator[Hit]:
    for op in change.operations:
        if not isinstance(op, AddColumn) or not change.existing(op.table):
            continue
        column = op.column
        if column.nullable or column.default is not None or column.identity or column.generated is not None:
            continue
        rows = change.rows(op.table)
        if rows == 0:
            continue
        where = f"{op.table}.{column.name}"
        if rows is None:
            yield Hit(
                f"column {where} is added NOT NULL without a default: if the table has rows, each gets a zero value of its type; give a default, or add it NULL, fill it, then make it NOT NULL",
                op.table,
                severity="warning",
            )
        else:
            yield Hit(
                f"column {where} is added NOT NULL without a default to a table with {rows} row{'s' if rows != 1 else ''}: each gets a zero value of its type; give a default, or add it NULL, fill it, then make it NOT NULL",
                op.table,
            )


@rule("L103", "type-narrowing", "warning", "A narrower type can cut or refuse existing values (shorter text, fewer digits, a smaller integer).", scope="change")
def type_narrowing(change: ChangeContext) -> Iterator[Hit]:
    for op in change.operations:
        if isinstance(op, AlterColumn) and change.existing(op.table) and _narrowing(op):
            yield Hit(f"column {op.table}.{op.old.name} narrows from {op.old.type} to {op.new.type}: values that do not fit are cut or refused", op.table)
