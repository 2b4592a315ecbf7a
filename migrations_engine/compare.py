"""Comparing schemas for equivalence: ids ignored, column order ignored.

Column order is ignored because PostgreSQL and SQLite add columns at the end only; two databases
holding the same tables, columns and constraints are the same schema for every purpose we serve.
"""

from __future__ import annotations

from dataclasses import replace

from .schema import Schema, strip_ids


def normalized(schema: Schema) -> Schema:
    """``schema`` without ids and with columns in name order."""
    bare = strip_ids(schema)
    return replace(
        bare,
        tables=tuple(replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name))) for t in bare.tables),
    )


def equivalent(a: Schema, b: Schema) -> bool:
    return normalized(a) == normalized(b)


def differences(actual: Schema, expected: Schema) -> list[str]:
    """What it would take to turn ``actual`` into ``expected``, one sentence per change."""
    from .diff import diff

    return [op.describe() for op in diff(normalized(actual), normalized(expected))]
