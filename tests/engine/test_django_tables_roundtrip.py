"""The app's own tables, as Django's ``migrate`` makes them on each server, with the demo's rows.

Django writes what nobody here designed: PostgreSQL foreign keys DEFERRABLE INITIALLY DEFERRED,
MariaDB column checks for positive integer fields, its own index names and varchar lengths.
Read back, written again by the engine's CREATE script into an empty database and read back:
one schema, and the server's own account agrees. Then every column's comment changes (at once,
then one column at a time) on the database holding the rows, up and down: rows byte for byte,
nothing else changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from migrations_engine.introspect import introspect
from migrations_engine.scratch import scratch_database
from migrations_engine.urls import DatabaseURL
from tests.conftest import SERVERS
from tests.engine.corpus import assert_comment_changes_keep_everything, assert_create_script_rebuilds, gap

ROOT = Path(__file__).resolve().parents[2]
DIALECTS = ("postgresql", "mysql", "sqlite")

#: Cases that fail because of an engine gap, each with the gap (see the issue's report).
GAPS: dict[tuple[str, str], str] = {}

# migrate, then the demo's two users (without passwords: hashing them is most of ensure_demo's
# time) and its Sakila project (versions, drafts, a review): rows in most of the app's tables.
MIGRATE = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
for name in ("demo", "reviewer"):
    get_user_model().objects.create(username=name, email=name + "@example.com", password="!")
call_command("load_demo", verbosity=0)
"""


def cases(test: str) -> list:
    return [pytest.param(d, id=d, marks=[gap(GAPS[(test, d)])] if (test, d) in GAPS else []) for d in DIALECTS]


def django_url(url: DatabaseURL) -> str:
    if url.dialect == "sqlite":
        return f"sqlite:///{url.database}"
    credentials = quote(url.user or "", safe="") + (f":{quote(url.password, safe='')}" if url.password else "")
    port = f":{url.port}" if url.port else ""
    return f"{url.dialect}://{credentials}@{url.host}{port}/{quote(url.database, safe='')}"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Iterator[dict[str, DatabaseURL]]:
    """One database per server made by Django's migrate, the three made at the same time."""
    folder = tmp_path_factory.mktemp("django-tables")
    with (
        scratch_database(SERVERS["postgresql"], prefix="me_test") as pg,
        scratch_database(SERVERS["mysql"], prefix="me_test") as mysql,
        scratch_database(f"sqlite:///{folder / 'server.sqlite3'}", prefix="me_test") as sqlite,
    ):
        urls = {"postgresql": pg, "mysql": mysql, "sqlite": sqlite}
        runs = {
            dialect: subprocess.Popen(
                [sys.executable, "-c", MIGRATE],
                cwd=ROOT,
                env={
                    **os.environ,
                    "DJANGO_SETTINGS_MODULE": "schemadesign.settings",
                    "DATABASE_URL": django_url(url),
                },
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for dialect, url in urls.items()
        }
        for dialect, run in runs.items():
            output, _ = run.communicate(timeout=300)
            assert run.returncode == 0, f"migrate on {dialect} failed:\n{output}"
        yield urls


@pytest.mark.parametrize("dialect", cases("create"))
def test_create_script_rebuilds_the_app_tables(dialect, migrated, second_db_url):
    source = migrated[dialect]
    assert introspect(source).has_table("django_migrations"), "migrate made no tables"
    assert_create_script_rebuilds(source, second_db_url, "the app's tables")


@pytest.mark.parametrize("dialect", cases("comments"))
def test_comment_changes_keep_the_app_rows(dialect, migrated):
    assert_comment_changes_keep_everything(migrated[dialect], "the app's tables with the demo")
