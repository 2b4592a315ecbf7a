"""The round-trip harness used by every dialect's tests on the real servers.

Build ``old`` in database A and put rows in it; build ``new`` in database B. Apply the up script
to A: A must read back as B does and keep its rows. Apply the down script: A must read back as it
did at first, rows still there.
"""

from __future__ import annotations

from typing import Any

from migrations_engine.compare import differences, normalized
from migrations_engine.connection import connect
from migrations_engine.diff import diff
from migrations_engine.dialects import get_dialect
from migrations_engine.introspect import introspect
from migrations_engine.naming import with_default_names
from migrations_engine.operations import DropTable
from migrations_engine.render import render, render_down
from migrations_engine.schema import Schema
from migrations_engine.urls import DatabaseURL

Rows = dict[str, list[dict[str, Any]]]


def create_schema(url: DatabaseURL, schema: Schema) -> None:
    """Create ``schema`` in an empty database through the engine (a diff from nothing)."""
    run(url, [s.sql for s in render(diff(Schema(), schema), Schema(), url.dialect)])


def run(url: DatabaseURL, statements: list[str]) -> None:
    with connect(url) as db:
        for sql in statements:
            try:
                db.execute(sql)
            except Exception as exc:
                raise AssertionError(f"{sql}\n  failed: {exc}") from exc


def insert_rows(url: DatabaseURL, rows: Rows) -> None:
    dialect = get_dialect(url.dialect)
    marker = "%s" if url.dialect != "sqlite" else "?"
    with connect(url) as db:
        for table, table_rows in rows.items():
            for row in table_rows:
                if not row:
                    db.execute(f"INSERT INTO {dialect.quote(table)} DEFAULT VALUES" if url.dialect != "mysql" else f"INSERT INTO {dialect.quote(table)} () VALUES ()")
                    continue
                cols = ", ".join(dialect.quote(c) for c in row)
                db.execute(
                    f"INSERT INTO {dialect.quote(table)} ({cols}) VALUES ({', '.join([marker] * len(row))})",
                    list(row.values()),
                )


def count_rows(url: DatabaseURL, table: str) -> int:
    dialect = get_dialect(url.dialect)
    with connect(url) as db:
        return db.query(f"SELECT COUNT(*) FROM {dialect.quote(table)}")[0][0]


def assert_same_schema(actual: Schema, expected: Schema, context: str) -> None:
    if normalized(actual) != normalized(expected):
        found = differences(actual, expected)
        raise AssertionError(f"{context}: schemas differ: {found or 'in details the diff does not see'}")


def roundtrip(old: Schema, new: Schema, url_a: DatabaseURL, url_b: DatabaseURL, rows: Rows | None = None) -> list[str]:
    """Run the whole round trip; returns the up script's statements for further assertions."""
    rows = rows or {}
    old, new = with_default_names(old), with_default_names(new)
    create_schema(url_a, old)
    insert_rows(url_a, rows)
    create_schema(url_b, new)
    old_live, new_live = introspect(url_a), introspect(url_b)

    operations = diff(old, new)
    up = [s.sql for s in render(operations, old, url_a.dialect)]
    down = [s.sql for s in render_down(operations, new, url_a.dialect)]

    run(url_a, up)
    assert_same_schema(introspect(url_a), new_live, "after up")
    for table, table_rows in rows.items():
        if new.has_table(table) or any(t.name == table for t in new.tables):
            assert count_rows(url_a, table) == len(table_rows), f"rows lost in {table!r} by up"

    run(url_a, down)
    assert_same_schema(introspect(url_a), old_live, "after down")
    # Down re-creates a table up dropped, empty (restoring data is the runner's backups' job);
    # every other table has all its rows again, no more, no fewer.
    dropped = {op.table.name for op in operations if isinstance(op, DropTable)}
    for table, table_rows in rows.items():
        if not old.has_table(table):
            continue
        expected = 0 if table in dropped else len(table_rows)
        assert count_rows(url_a, table) == expected, f"{table!r} has the wrong number of rows after down"
    return up
