"""Comparing schemas for equivalence: ids ignored, column order ignored, names in expressions spelled one way.

Column order is ignored because PostgreSQL and SQLite add columns at the end only; two databases
holding the same tables, columns and constraints are the same schema for every purpose we serve.
"""

from __future__ import annotations

from dataclasses import replace

from .expressions import is_plain_name, unquote_names
from .schema import Index, Schema, Table, strip_ids


def normalized(schema: Schema) -> Schema:
    """``schema`` without ids, with columns in name order and expressions (and SQLite's declared
    types) in one spelling."""
    bare = strip_ids(schema)
    if any(c.declared_type for t in bare.tables for c in t.columns):
        bare = replace(bare, tables=tuple(
            replace(t, columns=tuple(replace(c, declared_type=None) for c in t.columns)) for t in bare.tables
        ))
    return replace(
        bare,
        tables=tuple(
            _plain_names(replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name)))) for t in bare.tables
        ),
    )


def _plain_names(table: Table) -> Table:
    """Expressions (checks, index conditions and expressions, generated columns) without double
    quotes around the table's column names that need none: SQLite's RENAME COLUMN quotes every
    name it rewrites, where a fresh build keeps the model's spelling (a double-quoted word that
    names no column may be a string in SQLite)."""
    texts = [c.expression for c in table.checks]
    texts += [i.where or "" for i in table.indexes]
    texts += [e for i in table.indexes for n, e in enumerate(i.columns) if i.key(n).expression]
    texts += [c.generated.expression for c in table.columns if c.generated is not None]
    if not any('"' in text for text in texts):
        return table
    columns = set(table.column_names)

    def needs_quotes(name: str) -> bool:
        return name not in columns or not is_plain_name(name)

    def plain(expression: str) -> str:
        return unquote_names(expression, '"', needs_quotes, backslash_escapes=False)

    def index(i: Index) -> Index:
        elements = tuple(plain(e) if i.key(n).expression else e for n, e in enumerate(i.columns))
        return replace(i, columns=elements, where=plain(i.where) if i.where else i.where)

    return replace(
        table,
        columns=tuple(
            replace(c, generated=replace(c.generated, expression=plain(c.generated.expression))) if c.generated else c
            for c in table.columns
        ),
        checks=tuple(replace(c, expression=plain(c.expression)) for c in table.checks),
        indexes=tuple(index(i) for i in table.indexes),
    )


def equivalent(a: Schema, b: Schema) -> bool:
    return normalized(a) == normalized(b)


def differences(actual: Schema, expected: Schema) -> list[str]:
    """What it would take to turn ``actual`` into ``expected``, one sentence per change."""
    from .diff import diff

    return [op.describe() for op in diff(normalized(actual), normalized(expected))]
