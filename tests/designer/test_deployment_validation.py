"""The runner's validation of a plan on a scratch database (up, down, up), loaded by htmx after
the plan page: everyone in the project reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from designer.models.connections import Connection
from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import HTMX, READ_MATRIX, Cast
from tests.designer.connection_pages import (  # noqa: F401
    add_connection,
    connection_path,
    connection_settings,
    deploy,
    sqlite_connection,
)
from tests.designer.deployments import SECRET_PASSWORD, publish_three

pytestmark = pytest.mark.usefixtures("connection_settings")


def validation_path(connection: Connection, to: int) -> str:
    return connection_path(connection, f"plan/validation/?to={to}")


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client: Client, cast: Cast, tmp_path: Path, role: str, status: int) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.user(role))

    response = client.get(validation_path(connection, 1), **HTMX)

    assert response.status_code == status
    assert ("Validated" in response.content.decode()) == (status == 200)


def test_an_unknown_version_is_not_found(client: Client, cast: Cast, tmp_path: Path) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.owner)

    assert client.get(validation_path(connection, 7), **HTMX).status_code == 404


def test_it_validates_the_pending_migrations_on_postgresql(
    client: Client, cast: Cast, pg_url: DatabaseURL, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, pg_url)
    deploy(cast, connection, 2, django_capture_on_commit_callbacks)
    client.force_login(cast.viewer)

    content = client.get(validation_path(connection, 3), **HTMX).content.decode()

    assert content.startswith('<div id="validation-result">')
    assert '<span class="badge ok">Validated</span>' in content
    assert "validated 0003 on a scratch copy: up, down, up again" in content
    assert "0002" not in content
    assert SECRET_PASSWORD not in content


def test_nothing_to_validate_at_the_target(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    deploy(cast, connection, 1, django_capture_on_commit_callbacks)
    client.force_login(cast.owner)

    content = client.get(validation_path(connection, 1), **HTMX).content.decode()

    assert "nothing to validate: no migration to apply" in content


def test_an_unreachable_database_fails_validation_without_the_password(client: Client, cast: Cast) -> None:
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, f"postgresql://postgres:{SECRET_PASSWORD}@127.0.0.1:1/nowhere")
    client.force_login(cast.owner)

    content = client.get(validation_path(connection, 1), **HTMX).content.decode()

    assert "Validation failed" in content and "Connection refused" in content
    assert SECRET_PASSWORD not in content
