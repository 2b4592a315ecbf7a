"""Helpers for the deployment tests: a project with three published versions, connections to
scratch databases on the real servers, and running a deployment's task the way a worker does."""

from __future__ import annotations

from migrations_engine.schema import Column, Default, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType

from designer.models import Project, SchemaVersion

#: A Fernet key for the tests only (never a real one).
TEST_CONNECTION_KEY = "kN1m9lq1sFv6vYgJ3mWq0G5y2p8b2o5oQ7V0nS0nqjA="
#: A password the tests look for in every response and log: it must never show.
SECRET_PASSWORD = "s3cr3t-Pa55-word"


def _col(name: str, type_: str, uid: str, **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_), id=uid, **kwargs)


def schema_v1() -> Schema:
    item = Table(
        "item",
        columns=(
            _col("id", "integer", "c-id", nullable=False),
            _col("name", "varchar(100)", "c-name", nullable=False),
            _col("odd \"name\"", "varchar(20)", "c-odd"),
        ),
        primary_key=PrimaryKey(("id",), "item_pkey", "pk-item"),
        id="t-item",
    )
    return Schema(tables=(item,))


def schema_v2() -> Schema:
    (item,) = schema_v1().tables
    from dataclasses import replace

    item = replace(item, columns=(*item.columns, _col("price", "decimal(10,2)", "c-price", default=Default("0"))))
    order = Table(
        "order line",
        columns=(_col("id", "integer", "o-id", nullable=False), _col("qty", "integer", "o-qty")),
        primary_key=PrimaryKey(("id",), "order_line_pkey", "pk-order"),
        id="t-order",
    )
    return Schema(tables=(item, order))


def schema_v3() -> Schema:
    """v2 without item's "odd name" column: a destructive change (the runner backs it up)."""
    from dataclasses import replace

    item, order = schema_v2().tables
    item = replace(item, columns=tuple(c for c in item.columns if c.name != 'odd "name"'))
    return Schema(tables=(item, order))


def publish_three(project: Project, author) -> list[SchemaVersion]:
    return [
        SchemaVersion.publish(project, schema(), author=author, message=message)
        for schema, message in ((schema_v1, "items"), (schema_v2, "prices and order lines"), (schema_v3, "drop odd name"))
    ]


def run_queued() -> list[str]:
    """Run every ready task as the worker does (its claim, then its ``run_task``), inside the
    test's transaction (the worker's loop would close the test's database connection); the
    tasks' final statuses. The worker process itself is tested in test_deploy_worker.py."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )
    statuses = []
    while (result := DBTaskResult.objects.ready().get_locked()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        result.refresh_from_db()
        statuses.append(result.status)
    return statuses
