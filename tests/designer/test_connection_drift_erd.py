"""The ER diagram of a connection's drift, from its last reading: the version it is at against
its live schema, the table changed by hand marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from designer.deploy import status
from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import READ_MATRIX, Cast, expect_status
from tests.designer.connection_pages import (  # noqa: F401
    add_connection,
    connection_path,
    connection_settings,
    deploy,
    run_sql,
    sqlite_connection,
)
from tests.designer.deployments import publish_three

pytestmark = pytest.mark.usefixtures("connection_settings")


@pytest.mark.parametrize("role, status_code", READ_MATRIX)
def test_role_matrix(client: Client, cast: Cast, tmp_path: Path, role: str, status_code: int) -> None:
    connection = sqlite_connection(cast, tmp_path)
    status.check(connection)

    assert expect_status(client, cast.user(role), "get", connection_path(connection, "drift/erd/")) == status_code


def test_before_any_reading_there_is_nothing_to_draw(client: Client, cast: Cast, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path)

    assert expect_status(client, cast.owner, "get", connection_path(connection, "drift/erd/")) == 404


def test_it_draws_the_table_changed_by_hand(
    client: Client, cast: Cast, pg_url: DatabaseURL, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, pg_url)
    deploy(cast, connection, 2, django_capture_on_commit_callbacks)
    run_sql(connection, "ALTER TABLE item ADD COLUMN hand_made integer")
    status.check(connection)
    client.force_login(cast.viewer)

    response = client.get(connection_path(connection, "drift/erd/"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Drift of dev: v2 → live schema" in content
    assert "<svg" in content and 'data-table="item"' in content
    assert 'fill="#1b7a2e">hand_made</text>' in content  # marked as added


def test_it_downloads_as_svg(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    deploy(cast, connection, 1, django_capture_on_commit_callbacks)
    run_sql(connection, "CREATE TABLE made_by_hand (id integer PRIMARY KEY)")
    status.check(connection)
    client.force_login(cast.reviewer)

    response = client.get(connection_path(connection, "drift/erd.svg"))

    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert b'data-table="made_by_hand"' in response.content


def test_it_draws_the_newest_reading(client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    deploy(cast, connection, 1, django_capture_on_commit_callbacks)
    status.check(connection)  # no drift yet
    run_sql(connection, "CREATE TABLE made_later (id integer PRIMARY KEY)")
    status.check(connection)
    client.force_login(cast.owner)

    content = client.get(connection_path(connection, "drift/erd/")).content.decode()

    assert 'data-table="made_later"' in content and "Drift of dev: v1 → live schema" in content
