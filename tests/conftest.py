"""Shared fixtures: scratch databases on the real PostgreSQL and MariaDB servers, SQLite files.

Servers default to the local ones; ``TEST_POSTGRES_URL`` and ``TEST_MYSQL_URL`` point elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from migrations_engine.scratch import scratch_database
from migrations_engine.urls import DatabaseURL

SERVERS = {
    "postgresql": os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    "mysql": os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql"),
}
DIALECTS = ("postgresql", "mysql", "sqlite")


def _scratch(dialect: str, tmp_path) -> Iterator[DatabaseURL]:
    server = SERVERS.get(dialect) or f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with scratch_database(server, prefix="me_test") as url:
        yield url


@pytest.fixture
def pg_url(tmp_path) -> Iterator[DatabaseURL]:
    yield from _scratch("postgresql", tmp_path)


@pytest.fixture
def mysql_url(tmp_path) -> Iterator[DatabaseURL]:
    yield from _scratch("mysql", tmp_path)


@pytest.fixture
def sqlite_url(tmp_path) -> Iterator[DatabaseURL]:
    yield from _scratch("sqlite", tmp_path)


@pytest.fixture(params=DIALECTS)
def dialect(request) -> str:
    return request.param


@pytest.fixture
def db_url(dialect, tmp_path) -> Iterator[DatabaseURL]:
    """A scratch database of each dialect in turn (use with the ``dialect`` fixture)."""
    yield from _scratch(dialect, tmp_path)


@pytest.fixture
def second_db_url(dialect, tmp_path) -> Iterator[DatabaseURL]:
    """Another scratch database of the same dialect as ``db_url``."""
    yield from _scratch(dialect, tmp_path)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory) -> None:
    """The app's SQLite test database in a file rather than in shared-cache memory, so that
    threads (two publishes at the same moment) each hold their own connection and queue on the
    file's lock as they would in production, instead of failing with "table is locked"."""
    from django.conf import settings

    for config in settings.DATABASES.values():
        if config["ENGINE"] == "django.db.backends.sqlite3" and not config.get("TEST", {}).get("NAME"):
            config.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("app-db") / "test.sqlite3")
            # Durability is not what tests check: skip the disk syncs.
            config.setdefault("OPTIONS", {})["init_command"] = "PRAGMA synchronous=OFF"
