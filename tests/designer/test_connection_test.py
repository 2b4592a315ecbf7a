""""Test connection": everyone in the project may; the server's version, or quickly a clear
reason it cannot be reached (never with the password)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.test import Client

from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import HTMX, READ_MATRIX, Cast
from tests.designer.connection_pages import (  # noqa: F401
    add_connection,
    connection_path,
    connection_settings,
    sqlite_connection,
)
from tests.designer.deployments import SECRET_PASSWORD

pytestmark = pytest.mark.usefixtures("connection_settings")


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client: Client, cast: Cast, tmp_path: Path, role: str, status: int) -> None:
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.user(role))

    response = client.post(connection_path(connection, "test/"), **HTMX)

    assert response.status_code == status
    assert ("Connected: SQLite 3." in response.content.decode()) == (status == 200)


def test_it_rejects_get(client: Client, cast: Cast, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.owner)

    assert client.get(connection_path(connection, "test/")).status_code == 405


def test_it_shows_the_postgresql_server_version(client: Client, cast: Cast, pg_url: DatabaseURL) -> None:
    connection = add_connection(cast, pg_url)
    client.force_login(cast.viewer)

    content = client.post(connection_path(connection, "test/"), **HTMX).content.decode()

    assert content.startswith('<span class="badge ok" role="status">Connected: PostgreSQL 1')
    assert SECRET_PASSWORD not in content


def test_it_shows_the_mariadb_server_version(client: Client, cast: Cast, mysql_url: DatabaseURL) -> None:
    connection = add_connection(cast, mysql_url)
    client.force_login(cast.viewer)

    content = client.post(connection_path(connection, "test/"), **HTMX).content.decode()

    assert "Connected: " in content and "MariaDB" in content


def test_an_unreachable_host_is_said_so_within_seconds(client: Client, cast: Cast) -> None:
    connection = add_connection(cast, f"postgresql://postgres:{SECRET_PASSWORD}@127.0.0.1:1/nowhere")
    client.force_login(cast.viewer)

    started = time.monotonic()
    content = client.post(connection_path(connection, "test/"), **HTMX).content.decode()

    assert time.monotonic() - started < 5
    assert content.startswith('<span class="error" role="alert">cannot connect to postgresql://postgres@127.0.0.1:1/nowhere')
    assert "Connection refused" in content and "Connected" not in content
    assert SECRET_PASSWORD not in content


def test_without_htmx_it_shows_the_result_on_the_connection_page(client: Client, cast: Cast, pg_url: DatabaseURL) -> None:
    connection = add_connection(cast, pg_url)
    client.force_login(cast.owner)

    response = client.post(connection_path(connection, "test/"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>dev</h1>" in content and "Connected: PostgreSQL 1" in content
    assert SECRET_PASSWORD not in content
