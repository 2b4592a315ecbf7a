"""Structural checks of a schema: what must hold before it can be diffed or rendered."""

from __future__ import annotations

from collections import Counter

from .schema import Schema, Table


def _duplicates(names: list[str]) -> list[str]:
    return [name for name, count in Counter(names).items() if count > 1]


def _table_problems(table: Table, schema: Schema) -> list[str]:
    where = f"table {table.name!r}"
    found = [f"{where}: column {n!r} appears twice" for n in _duplicates(list(table.column_names))]
    columns = set(table.column_names)

    def missing(kind: str, name: str | None, cols: tuple[str, ...]) -> None:
        if not cols:
            found.append(f"{where}: {kind} {name or ''} has no columns".replace("  ", " "))
        for col in cols:
            if col not in columns:
                found.append(f"{where}: {kind} {name or ''} names unknown column {col!r}".replace("  ", " "))

    if table.primary_key is not None:
        missing("primary key", table.primary_key.name, table.primary_key.columns)
    for unique in table.uniques:
        missing("unique constraint", unique.name, unique.columns)
    for index in table.indexes:
        missing("index", index.name, index.columns)
    for fk in table.foreign_keys:
        missing("foreign key", fk.name, fk.columns)
        if len(fk.columns) != len(fk.ref_columns):
            found.append(f"{where}: foreign key {fk.name or ''} has {len(fk.columns)} columns but references {len(fk.ref_columns)}")
        if not schema.has_table(fk.ref_table):
            found.append(f"{where}: foreign key {fk.name or ''} references unknown table {fk.ref_table!r}")
        else:
            ref = schema.table(fk.ref_table)
            for col in fk.ref_columns:
                if not ref.has_column(col):
                    found.append(f"{where}: foreign key {fk.name or ''} references unknown column {fk.ref_table}.{col}")
    for column in table.columns:
        if column.type.kind == "enum" and not schema.has_enum(column.type.enum or ""):
            found.append(f"{where}: column {column.name!r} uses unknown enum {column.type.enum!r}")
    names = [c.name for c in (*table.foreign_keys, *table.uniques, *table.checks) if c.name]
    if table.primary_key and table.primary_key.name:
        names.append(table.primary_key.name)
    found += [f"{where}: constraint name {n!r} used twice" for n in _duplicates(names)]
    found += [f"{where}: index name {n!r} used twice" for n in _duplicates([i.name for i in table.indexes if i.name])]
    return [f.replace("  ", " ") for f in found]


def problems(schema: Schema) -> list[str]:
    """Every structural problem of ``schema`` as a sentence; empty when it is sound."""
    found = [f"table {n!r} appears twice" for n in _duplicates([t.name for t in schema.tables])]
    found += [f"enum {n!r} appears twice" for n in _duplicates([e.name for e in schema.enums])]
    for enum in schema.enums:
        if not enum.values:
            found.append(f"enum {enum.name!r} has no values")
        found += [f"enum {enum.name!r}: value {v!r} appears twice" for v in _duplicates(list(enum.values))]
    for table in schema.tables:
        found += _table_problems(table, schema)
    return found
