"""Changing a connection's settings: owners only; an empty URL keeps the stored one; a refused
URL says why with a 422; the URL is never rendered back."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from designer.models import Activity, Event
from designer.models.connections import Connection
from tests.designer.conftest import Cast
from tests.designer.connection_pages import add_connection, connection_path, connection_settings  # noqa: F401
from tests.designer.deployments import SECRET_PASSWORD

pytestmark = pytest.mark.usefixtures("connection_settings")

PG_TEXT = f"postgresql://app:{SECRET_PASSWORD}@db.internal:5432/shop"


@pytest.fixture
def connection(cast: Cast) -> Connection:
    return add_connection(cast, PG_TEXT)


def edit(client: Client, user: Any, connection: Connection, **data: Any):
    client.force_login(user)
    fields = {"name": connection.name, "environment": connection.environment, "order": "", "url": "", **data}
    return client.post(connection_path(connection, "edit/"), fields)


@pytest.mark.parametrize(
    "role, status", [("owner", 302), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)]
)
def test_role_matrix(client: Client, cast: Cast, connection: Connection, role: str, status: int) -> None:
    response = edit(client, cast.user(role), connection, name="renamed")

    assert response.status_code == status
    connection.refresh_from_db()
    assert (connection.name == "renamed") == (status == 302)


def test_it_rejects_get(client: Client, cast: Cast, connection: Connection) -> None:
    client.force_login(cast.owner)

    assert client.get(connection_path(connection, "edit/")).status_code == 405


def test_an_empty_url_keeps_the_stored_one(client: Client, cast: Cast, connection: Connection) -> None:
    response = edit(client, cast.owner, connection, name="stage", environment="staging")

    assert response["Location"] == connection_path(connection)
    connection.refresh_from_db()
    assert (connection.name, connection.environment, connection.environment_order) == ("stage", "staging", 20)
    assert connection.url() == PG_TEXT
    detail = Activity.objects.filter(event=Event.CONNECTIONS_CHANGED).first().detail
    assert "renamed dev to stage" in detail and "moved to staging" in detail


def test_a_new_url_replaces_the_stored_one(client: Client, cast: Cast, connection: Connection) -> None:
    new = PG_TEXT.replace("shop", "shop2")

    edit(client, cast.owner, connection, url=new)

    connection.refresh_from_db()
    assert connection.url() == new and connection.display_url == "postgresql://app@db.internal:5432/shop2"
    assert SECRET_PASSWORD not in Activity.objects.filter(event=Event.CONNECTIONS_CHANGED).first().detail


def test_a_refused_url_says_why_and_is_not_rendered_back(client: Client, cast: Cast, connection: Connection) -> None:
    response = edit(client, cast.owner, connection, name="kept", url=f"mysql://app:{SECRET_PASSWORD}@other:3306/shop")

    assert response.status_code == 422
    content = response.content.decode()
    assert "this is a mysql URL but the project&#x27;s dialect is postgresql" in content
    assert 'value="kept"' in content and SECRET_PASSWORD not in content and "other:3306" not in content
    connection.refresh_from_db()
    assert (connection.name, connection.url()) == ("dev", PG_TEXT)


def test_a_name_taken_is_refused(client: Client, cast: Cast, connection: Connection) -> None:
    add_connection(cast, PG_TEXT, name="prod", environment="production")

    response = edit(client, cast.owner, connection, name="prod")

    assert response.status_code == 422
    assert "this project has a connection named “prod” already" in response.content.decode()
    connection.refresh_from_db()
    assert connection.name == "dev"


def test_a_custom_environment_needs_an_order(client: Client, cast: Cast, connection: Connection) -> None:
    refused = edit(client, cast.owner, connection, environment="qa")

    assert refused.status_code == 422
    assert "give it an order" in refused.content.decode()
    assert edit(client, cast.owner, connection, environment="qa", order="15").status_code == 302
    connection.refresh_from_db()
    assert (connection.environment, connection.environment_order) == ("qa", 15)


def test_the_settings_form_on_the_page_holds_no_url(client: Client, cast: Cast, connection: Connection) -> None:
    client.force_login(cast.owner)

    content = client.get(connection_path(connection)).content.decode()

    assert f'action="{connection_path(connection, "edit/")}"' in content
    assert 'value="dev"' in content and 'type="password" name="url"' in content
    assert "Leave empty to keep the stored URL" in content
    assert SECRET_PASSWORD not in content
