"""SQL import of DDL nobody here wrote by hand: the app's own tables as Django's ``migrate`` makes
them on each server (deferrable PostgreSQL foreign keys, ``varchar_pattern_ops`` indexes, MariaDB
column checks, Django's index names), dumped the way each server's users dump a schema
(``pg_dump --schema-only``, ``mariadb-dump --no-data``, SQLite's stored ``CREATE`` texts as
``.schema`` prints them), imported, and compared with the live inspection."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from migrations_engine.connection import connect
from migrations_engine.imports.sql import read_sql
from migrations_engine.introspect import introspect
from migrations_engine.scratch import scratch_database
from migrations_engine.urls import DatabaseURL
from tests.conftest import SERVERS
from tests.engine.roundtrip import assert_same_schema
from tests.engine.test_django_tables_roundtrip import ROOT, django_url
from tests.engine.test_import_sql import mariadb_dump, pg_dump, server_defaults

MIGRATE = "import django; django.setup(); from django.core.management import call_command; call_command('migrate', interactive=False, verbosity=0)"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Iterator[dict[str, DatabaseURL]]:
    """One database per server made by Django's migrate, the three at the same time."""
    folder = tmp_path_factory.mktemp("django-import")
    with (
        scratch_database(SERVERS["postgresql"], prefix="me_test") as pg,
        scratch_database(SERVERS["mysql"], prefix="me_test") as mysql,
        scratch_database(f"sqlite:///{folder / 'server.sqlite3'}", prefix="me_test") as sqlite,
    ):
        urls = {"postgresql": pg, "mysql": mysql, "sqlite": sqlite}
        server_defaults(mysql)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "schemadesign.settings"}
        runs = {
            dialect: subprocess.Popen(
                [sys.executable, "-c", MIGRATE], cwd=ROOT, env={**env, "DATABASE_URL": django_url(url)},
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )
            for dialect, url in urls.items()
        }
        for dialect, run in runs.items():
            output, _ = run.communicate(timeout=300)
            assert run.returncode == 0, f"migrate on {dialect} failed:\n{output}"
        yield urls


def sqlite_schema(url: DatabaseURL) -> str:
    """What ``sqlite3 FILE .schema`` prints: every stored CREATE text, each ended by ``;``."""
    with connect(url) as db:
        rows = db.query("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
    return "".join(f"{sql};\n" for (sql,) in rows)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_a_dump_of_the_app_tables_imports_as_the_live_database_reads(dialect, migrated):
    url = migrated[dialect]
    dump = {"postgresql": pg_dump, "mysql": mariadb_dump, "sqlite": sqlite_schema}[dialect](url)
    result = read_sql(dump, dialect)
    live = introspect(url)
    assert len(live.tables) > 20 and live.has_table("django_migrations")
    assert_same_schema(result.schema, live, f"a dump of the app's tables on {dialect}")
