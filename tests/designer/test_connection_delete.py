"""Removing a connection: owners only, after a confirmation page; its deployments stay on record."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from designer.models import Activity, Event
from designer.models.connections import Connection, Deployment
from tests.designer.conftest import Cast, expect_status
from tests.designer.connection_pages import (  # noqa: F401
    connection_path,
    connection_settings,
    deploy,
    sqlite_connection,
)
from tests.designer.deployments import publish_three

pytestmark = pytest.mark.usefixtures("connection_settings")

MATRIX_GET = [("owner", 200), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)]
MATRIX_POST = [("owner", 302), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)]


@pytest.fixture
def connection(cast: Cast, tmp_path: Path) -> Connection:
    return sqlite_connection(cast, tmp_path)


@pytest.mark.parametrize("role, status", MATRIX_GET)
def test_role_matrix_to_confirm(client: Client, cast: Cast, connection: Connection, role: str, status: int) -> None:
    assert expect_status(client, cast.user(role), "get", connection_path(connection, "delete/")) == status
    assert Connection.objects.filter(pk=connection.pk).exists()


@pytest.mark.parametrize("role, status", MATRIX_POST)
def test_role_matrix_to_remove(client: Client, cast: Cast, connection: Connection, role: str, status: int) -> None:
    assert expect_status(client, cast.user(role), "post", connection_path(connection, "delete/")) == status
    assert Connection.objects.filter(pk=connection.pk).exists() == (status != 302)


def test_the_confirmation_page_asks_first(client: Client, cast: Cast, connection: Connection) -> None:
    client.force_login(cast.owner)

    content = client.get(connection_path(connection, "delete/")).content.decode()

    assert "<h1>Remove dev?</h1>" in content and "Remove connection" in content
    assert "The database itself is not touched" in content


def test_removal_keeps_the_deployments_on_record(
    client: Client, cast: Cast, connection: Connection, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    deployment = deploy(cast, connection, 1, django_capture_on_commit_callbacks)
    client.force_login(cast.owner)

    response = client.post(connection_path(connection, "delete/"))

    assert response["Location"] == "/p/shop/connections/"
    assert not Connection.objects.exists()
    deployment.refresh_from_db()
    assert deployment.connection is None and deployment.connection_name == "dev"
    assert Activity.objects.filter(event=Event.CONNECTIONS_CHANGED, detail__startswith="removed dev").exists()
    page = client.get(f"/p/shop/deployments/{deployment.pk}/")
    assert page.status_code == 200 and "dev to v1" in page.content.decode()
    assert Deployment.objects.count() == 1
