"""The visual diff: one diagram of two schemas, each element marked by what happened to it.

Tables and columns pair up as the engine's diff pairs them (``migrations_engine.diff.match``: by
id where both sides carry one, else by name), so a renamed table or column shows as
``old → new``, never as a removal and an addition. Then:

* a table only in the new schema is added (green), one only in the old schema removed (red,
  struck through), a paired one changed (amber) when the engine's diff has an operation on it
  or any of its columns changed; its name reads ``old → new`` when renamed;
* within a paired table the same for columns: added, removed (kept where they stood),
  changed (type, nullability, default, identity or comment; a new type reads
  ``old → new``), renamed;
* foreign keys match like the engine's constraints (``match_constraints``): new ones green,
  dropped ones red and dashed.
"""

from __future__ import annotations

from collections.abc import Mapping

from designer.erd.model import (
    ADDED,
    CHANGED,
    REMOVED,
    UNGROUPED,
    Column,
    Diagram,
    Group,
    Table,
    columns_of,
    edge_for,
    junction_of,
    ordered_groups,
)
from migrations_engine.diff import diff, match, match_constraints
from migrations_engine.errors import EngineError
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Column as EngineColumn
from migrations_engine.schema import ForeignKey, Schema
from migrations_engine.schema import Table as EngineTable


def _same_column(a: EngineColumn, b: EngineColumn) -> bool:
    return (a.type, a.nullable, a.default, a.identity, a.comment) == (
        b.type,
        b.nullable,
        b.default,
        b.identity,
        b.comment,
    )


def _touched_tables(old: Schema, new: Schema) -> set[str]:
    """Names (old or new) of the tables the engine's diff has an operation on."""
    try:
        operations = diff(old, new)
    except EngineError:
        return set()  # a draft the engine cannot diff yet: columns still tell what changed
    return {op.table_name for op in operations if op.table_name}


def _merge_columns(
    old: EngineTable, new: EngineTable
) -> tuple[list[Column], dict[str, int], dict[str, int]]:
    """The columns of a paired table, removed ones where they stood; and each side's name →
    position in the merged list."""
    matching = match(old.columns, new.columns)
    partner = {id(n): o for o, n in matching.pairs}
    removed = {id(c) for c in matching.removed}
    new_rows = {c.name: row for c, row in zip(new.columns, columns_of(new))}
    old_rows = {c.name: row for c, row in zip(old.columns, columns_of(old))}
    merged: list[Column] = []
    old_at: dict[str, int] = {}
    new_at: dict[str, int] = {}
    # Removed columns follow the old column before them (or lead, when first).
    after: dict[str | None, list[EngineColumn]] = {}
    previous: str | None = None
    for column in old.columns:
        if id(column) in removed:
            after.setdefault(previous, []).append(column)
        else:
            previous = column.name

    def add_removed(key: str | None) -> None:
        for column in after.pop(key, []):
            row = old_rows[column.name]
            row.status = REMOVED
            old_at[column.name] = len(merged)
            merged.append(row)

    add_removed(None)
    for column in new.columns:
        row = new_rows[column.name]
        before = partner.get(id(column))
        if before is None:
            row.status = ADDED
        else:
            if before.name != column.name:
                row.old_name = before.name
                row.status = CHANGED
            if before.type != column.type:
                row.old_type = str(before.type)
            if not _same_column(before, column):
                row.status = CHANGED
            old_at[before.name] = len(merged)
        new_at[column.name] = len(merged)
        merged.append(row)
        if before is not None:
            add_removed(before.name)
    for key in list(after):
        add_removed(key)
    return merged, old_at, new_at


def diff_diagram(
    old: Schema,
    new: Schema,
    groups: Mapping[str, Group] | None = None,
    old_groups: Mapping[str, Group] | None = None,
) -> Diagram:
    """The diagram of the change from ``old`` to ``new``; ``groups`` map table names of the new
    schema to groups, ``old_groups`` those of the old one (for removed tables)."""
    old, new = with_default_names(old), with_default_names(new)
    groups, old_groups = groups or {}, old_groups or {}
    touched = _touched_tables(old, new)
    matching = match(old.tables, new.tables)
    partner = {id(n): o for o, n in matching.pairs}
    entries = [(n.name, partner.get(id(n)), n) for n in new.tables]
    entries += [(o.name, o, None) for o in matching.removed]
    entries.sort(key=lambda e: (e[0], e[2] is not None))

    tables: list[Table] = []
    old_index: dict[str, int] = {}  # table name in the old schema -> position
    new_index: dict[str, int] = {}
    old_ports: dict[str, dict[str, int]] = {}  # table name -> column name -> position
    new_ports: dict[str, dict[str, int]] = {}
    for _, before, after in entries:
        position = len(tables)
        if after is None or before is None:
            element = before if after is None else after
            assert element is not None
            status = REMOVED if after is None else ADDED
            columns = columns_of(element)
            for column in columns:
                column.status = status
            mapping = old_groups if status == REMOVED else groups
            table = Table(
                name=element.name,
                key=element.id or element.name,
                columns=columns,
                group=mapping[element.name].name if element.name in mapping else UNGROUPED,
                junction=junction_of(element),
                comment=element.comment,
                status=status,
            )
            index, ports = (old_index, old_ports) if status == REMOVED else (new_index, new_ports)
            index[element.name] = position
            ports[element.name] = {c.name: k for k, c in enumerate(element.columns)}
        else:
            columns, old_at, new_at = _merge_columns(before, after)
            renamed = before.name != after.name
            changed = (
                renamed
                or before.name in touched
                or after.name in touched
                or before.comment != after.comment
                or any(c.status for c in columns)
            )
            table = Table(
                name=after.name,
                key=after.id or after.name,
                columns=columns,
                group=groups[after.name].name if after.name in groups else UNGROUPED,
                junction=junction_of(after),
                comment=after.comment,
                status=CHANGED if changed else "",
                old_name=before.name if renamed else None,
            )
            old_index[before.name], new_index[after.name] = position, position
            old_ports[before.name], new_ports[after.name] = old_at, new_at
        tables.append(table)

    used = {t.group for t in tables}
    assigned = [g for g in (*groups.values(), *old_groups.values()) if g.name in used]
    diagram = Diagram(tables, [], ordered_groups(assigned))
    new_side = (new_index, new_ports)
    old_side = (old_index, old_ports)
    for after in new.tables:
        before = partner.get(id(after))
        keys = match_constraints(before.foreign_keys if before else (), after.foreign_keys)
        for fk in keys.added:
            _add_edge(diagram, after, fk, *new_side, ADDED)
        for was, fk in keys.pairs:
            actions_changed = (was.on_delete, was.on_update) != (fk.on_delete, fk.on_update)
            _add_edge(diagram, after, fk, *new_side, CHANGED if actions_changed else "")
        for fk in keys.removed:
            _add_edge(diagram, before, fk, *old_side, REMOVED)
    for before in matching.removed:
        for fk in before.foreign_keys:
            _add_edge(diagram, before, fk, *old_side, REMOVED)
    return diagram


def _add_edge(
    diagram: Diagram,
    table: EngineTable,
    fk: ForeignKey,
    index: dict[str, int],
    ports: dict[str, dict[str, int]],
    status: str,
) -> None:
    source, target = index.get(table.name), index.get(fk.ref_table)
    if source is None or target is None:
        return
    edge = edge_for(table, fk, source, ports[table.name], target, ports[fk.ref_table], status)
    if edge is not None:
        diagram.edges.append(edge)
