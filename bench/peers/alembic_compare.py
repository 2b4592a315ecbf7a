"""Alembic's equivalent of ``migrations_engine diff URL_A URL_B``, run as one process by the bench.

Reflects database B into a SQLAlchemy ``MetaData``, compares database A with it through
``alembic.autogenerate.produce_migrations`` (which calls ``compare_metadata``'s comparators, with
type and server-default comparison on, as our diff compares both), then prints the upgrade as SQL
through an offline migration context. Operations Alembic cannot write as SQL without batch mode
(SQLite's ALTER COLUMN) are printed as Alembic's Python directive instead.

    python bench/peers/alembic_compare.py URL_A URL_B

URLs are the engine's (``postgresql://``, ``mysql://``, ``sqlite:///path``); the drivers are the
ones the engine uses (psycopg 3, PyMySQL, sqlite3).
"""

from __future__ import annotations

import sys
from typing import Any

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext
from alembic.operations import Operations, ops
from sqlalchemy import MetaData, create_engine

_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg",
            "mysql": "mysql+pymysql", "mariadb": "mysql+pymysql", "sqlite": "sqlite"}


def sqlalchemy_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{_DRIVERS[scheme.split('+', 1)[0].lower()]}://{rest}"


def flatten(operations: list[Any]) -> list[Any]:
    """Alembic groups per-table changes in ``ModifyTableOps``; the offline context wants leaves."""
    out = []
    for op in operations:
        if isinstance(op, ops.OpContainer):
            out += flatten(op.ops)
        else:
            out.append(op)
    return out


def main(url_a: str, url_b: str) -> int:
    engine_a = create_engine(sqlalchemy_url(url_a))
    engine_b = create_engine(sqlalchemy_url(url_b))
    target = MetaData()
    target.reflect(bind=engine_b)
    with engine_a.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        script = produce_migrations(context, target)
    offline = MigrationContext.configure(
        dialect_name=engine_a.dialect.name,
        opts={"as_sql": True, "output_buffer": sys.stdout, "literal_binds": True},
    )
    operations = Operations(offline)
    leaves = flatten(script.upgrade_ops.ops)
    for op in leaves:
        try:
            operations.invoke(op)
        except Exception:  # e.g. SQLite: ALTER COLUMN needs batch mode
            wrapper = ops.UpgradeOps(ops=[op])
            sys.stdout.write("-- " + render_python_code(wrapper).replace("\n", "\n-- ") + "\n")
    print(f"alembic: {len(leaves)} operations", file=sys.stderr)
    engine_a.dispose()
    engine_b.dispose()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
