"""Server time of the draft editor: a 1,000-table (or ``--tables 10000``) draft beside an empty one.

In process, with Django's test client and a temporary SQLite database: best of ``--repeat``
requests for each page, with the number of SQL queries each ran. The editor page runs the same
number of queries whatever the draft's size (tests/designer/test_draft_editor.py and
test_query_counts.py assert it) and sends one page of the table list. An edit stores the whole
draft for Undo: read and packed by the edit itself, or for a large draft prepared by a worker
after the edit before (``PreparedState``; the second "add a column" row runs the worker between
edits, as the time a user takes between two edits would), and the SQL preview (loaded after the
page) validates, diffs and lints the whole draft (beyond 300 tables without rendering its
CREATE script).

    .venv/bin/python bench/designer_editor.py [--tables 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def configure(database: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="schemadesign.settings",
        DATABASE_URL=f"sqlite:///{database}",
        ANALYSIS_CACHE_DIR=str(database.parent / "analysis"),
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS="testserver",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        DEBUG="0",
    )
    import warnings

    import django

    # WhiteNoise warns that STATIC_ROOT is missing (no collectstatic here): nothing to do with this.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def wide_schema(tables: int):
    """``tables`` tables of six columns, each referencing the one before, with an index."""
    from migrations_engine.schema import (
        Column,
        Default,
        ForeignKey,
        Index,
        PrimaryKey,
        Schema,
        Table,
    )
    from migrations_engine.types import ColumnType

    def col(name: str, type_: str, **kwargs) -> Column:
        return Column(name, ColumnType.parse(type_), **kwargs)

    out = []
    for n in range(tables):
        name = f"table_{n:04}"
        fks = (ForeignKey(("parent_id",), f"table_{n - 1:04}", ("id",)),) if n else ()
        columns = (
            col("id", "bigint", nullable=False, identity=True),
            col("parent_id", "bigint"),
            col("name", "varchar(100)", nullable=False),
            col("price", "decimal(8,2)", default=Default("0")),
            col("note", "text"),
            col("created", "timestamp", default=Default("CURRENT_TIMESTAMP", True)),
        )
        out.append(
            Table(
                name,
                columns=columns,
                primary_key=PrimaryKey(("id",)),
                foreign_keys=fks,
                indexes=(Index(("name",)),),
            )
        )
    return Schema(tables=tuple(out))


def run_worker() -> None:
    """What a worker does between two edits of a large draft: prepare its content for the
    next one's Undo (``PreparedState``) and analyse it for the preview and the review
    (``designer.analysis``)."""
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, queue_name="default", verbosity=0)


def measure(
    repeat: int, get: Callable[[], object], before: Callable[[], object] | None = None
) -> tuple[float, int]:
    """Best seconds of ``repeat`` calls, and the queries of the last one; ``before`` runs,
    untimed, before each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get()  # warm: templates compiled, caches filled
    fastest, queries = float("inf"), 0
    for _ in range(repeat):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = get()
            fastest = min(fastest, time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return fastest, queries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        configure(Path(scratch) / "bench.sqlite3")
        from django.contrib.auth import get_user_model
        from django.test import Client

        from designer.models import Draft, Membership, Project, Role
        from migrations_engine.schema import Schema

        user = get_user_model().objects.create_user("bench")
        empty = Project.objects.create(name="Empty", slug="empty")
        big = Project.objects.create(name="Big", slug="big")
        for project in (empty, big):
            Membership.objects.create(project=project, user=user, role=Role.ARCHITECT)
        start = time.perf_counter()
        big_draft = Draft.objects.create_from_schema(big, wide_schema(args.tables), None, user)
        stored = time.perf_counter() - start
        empty_draft = Draft.objects.create_from_schema(empty, Schema(), None, user)
        client = Client()
        client.force_login(user)
        table = big_draft.tables.order_by("name").values_list("uid", flat=True)[args.tables // 2]
        added = iter(range(1_000_000))

        def add_column() -> object:
            """One edit: it records the draft for Undo, then answers with the panel."""
            url = f"/p/big/d/{big_draft.pk}/t/{table}/columns/new/"
            data = {"name": f"extra_{next(added)}", "type": "integer", "nullable": "on"}
            return client.post(url, data, HTTP_HX_REQUEST="true")

        def undo() -> object:
            return client.post(f"/p/big/d/{big_draft.pk}/undo/", HTTP_HX_REQUEST="true")

        def preview() -> object:
            return client.get(f"/p/big/d/{big_draft.pk}/preview/", HTTP_HX_REQUEST="true")

        rows = [
            ("empty project page", lambda: client.get("/p/empty/")),
            ("editor, empty draft", lambda: client.get(f"/p/empty/d/{empty_draft.pk}/")),
            (
                f"editor, {args.tables}-table draft",
                lambda: client.get(f"/p/big/d/{big_draft.pk}/?table={table}"),
            ),
            (
                f"table panel (htmx), {args.tables} tables",
                lambda: client.get(f"/p/big/d/{big_draft.pk}/t/{table}/", HTTP_HX_REQUEST="true"),
            ),
            (f"add a column (htmx), {args.tables} tables", add_column),
            (f"add a column, content prepared, {args.tables} tables", (add_column, run_worker)),
            (f"Undo an edit the worker went through, {args.tables} tables", (undo, lambda: (add_column(), run_worker()))),
            (f"Undo straight after an edit, {args.tables} tables", (undo, add_column)),
            (
                f"SQL preview (htmx) after an edit the worker analysed, {args.tables} tables",
                (preview, lambda: (add_column(), run_worker())),
            ),
            # Last: over ANALYSIS_INLINE_TABLES tables this leaves analyses queued.
            (f"SQL preview (htmx) straight after an edit, {args.tables} tables", (preview, add_column)),
        ]
        results = {
            label: measure(args.repeat, *(get if isinstance(get, tuple) else (get,)))
            for label, get in rows
        }

    print(
        f"Designer editor, best of {args.repeat}, SQLite, in process "
        f"(storing the draft took {stored:.2f} s)"
    )
    width = max(len(label) for label in results)
    for label, (seconds, queries) in results.items():
        print(f"  {label:<{width}}  {seconds * 1000:8.1f} ms  {queries:3d} queries")
    big_page = results[f"editor, {args.tables}-table draft"][0]
    for base in ("empty project page", "editor, empty draft"):
        print(f"  {args.tables}-table editor / {base}: {big_page / results[base][0]:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
