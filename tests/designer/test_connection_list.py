"""The connections page: everyone in the project sees it; owners add a connection, refused with a
clear 422 for a URL of another dialect, a host not allowed or a name taken; the URL never shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from designer.models import Activity, Event
from designer.models.connections import Connection
from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import READ_MATRIX, Cast, expect_status
from tests.designer.connection_pages import add_connection, connection_settings  # noqa: F401
from tests.designer.deployments import SECRET_PASSWORD

pytestmark = pytest.mark.usefixtures("connection_settings")

URL = "/p/shop/connections/"
PG_TEXT = f"postgresql://app:{SECRET_PASSWORD}@db.internal:5432/shop"


def add(client: Client, user: Any, url: str = PG_TEXT, name: str = "dev", environment: str = "development"):
    client.force_login(user)
    return client.post(URL, {"name": name, "environment": environment, "url": url, "order": ""})


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix_to_see(client: Client, cast: Cast, role: str, status: int) -> None:
    assert expect_status(client, cast.user(role), "get", URL) == status


@pytest.mark.parametrize(
    "role, status", [("owner", 302), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)]
)
def test_role_matrix_to_add(client: Client, cast: Cast, role: str, status: int) -> None:
    response = add(client, cast.user(role))

    assert response.status_code == status
    assert Connection.objects.filter(project=cast.project, name="dev").exists() == (status == 302)


def test_an_owner_adds_a_connection_and_lands_on_its_page(client: Client, cast: Cast) -> None:
    response = add(client, cast.owner, name="  staging   db ", environment="Staging")

    connection = Connection.objects.get(project=cast.project)
    assert response["Location"] == f"/p/shop/connections/{connection.pk}/"
    assert (connection.name, connection.environment, connection.environment_order) == ("staging db", "staging", 20)
    assert connection.url() == PG_TEXT
    assert connection.display_url == "postgresql://app@db.internal:5432/shop"
    detail = Activity.objects.get(project=cast.project, event=Event.CONNECTIONS_CHANGED).detail
    assert "added staging db" in detail and SECRET_PASSWORD not in detail


def test_the_list_shows_connections_without_their_password(client: Client, cast: Cast, pg_url: DatabaseURL) -> None:
    add_connection(cast, pg_url, name="dev")
    add_connection(cast, pg_url, name="prod", environment="production")

    for role in ("owner", "viewer"):
        client.force_login(cast.user(role))
        content = client.get(URL).content.decode()
        assert "dev" in content and "prod" in content and str(pg_url.database) in content
        assert SECRET_PASSWORD not in content
        assert ("Add a connection" in content) == (role == "owner")


def test_a_url_of_another_dialect_is_refused(client: Client, cast: Cast) -> None:
    response = add(client, cast.owner, url=f"mysql://app:{SECRET_PASSWORD}@db.internal:3306/shop")

    assert response.status_code == 422
    content = response.content.decode()
    assert "this is a mysql URL but the project&#x27;s dialect is postgresql" in content
    assert SECRET_PASSWORD not in content
    assert not Connection.objects.exists()


def test_a_host_not_allowed_is_refused(client: Client, cast: Cast, settings: Any) -> None:
    settings.CONNECTION_ALLOWED_HOSTS = ["db.example.com", ".db.example.org"]

    response = add(client, cast.owner)

    assert response.status_code == 422
    content = response.content.decode()
    assert "db.internal" in content and "is not on this server&#x27;s list of allowed database hosts" in content
    assert SECRET_PASSWORD not in content
    assert not Connection.objects.exists()
    assert add(client, cast.owner, url=PG_TEXT.replace("db.internal", "eu.db.example.org")).status_code == 302


def test_a_name_taken_is_refused(client: Client, cast: Cast) -> None:
    assert add(client, cast.owner).status_code == 302

    response = add(client, cast.owner, url=PG_TEXT.replace("shop", "other"))

    assert response.status_code == 422
    assert "this project has a connection named “dev” already" in response.content.decode()
    assert Connection.objects.count() == 1


def test_the_url_typed_is_never_rendered_back(client: Client, cast: Cast) -> None:
    """After a refusal the form comes back with the name kept, the URL field empty."""
    response = add(client, cast.owner, url=f"mysql://app:{SECRET_PASSWORD}@db.internal:3306/shop", name="kept")

    content = response.content.decode()
    assert 'value="kept"' in content
    assert 'type="password" name="url"' in content and SECRET_PASSWORD not in content
    assert "db.internal" not in content


def test_a_url_that_does_not_parse_is_refused_without_its_password(client: Client, cast: Cast) -> None:
    response = add(client, cast.owner, url=f"postgresql://app:{SECRET_PASSWORD}@db.internal:port/shop")

    assert response.status_code == 422
    assert SECRET_PASSWORD not in response.content.decode()
    assert not Connection.objects.exists()


def test_a_sqlite_file_outside_the_allowed_folder_is_refused(client: Client, cast: Cast, tmp_path: Path) -> None:
    cast.project.dialect = "sqlite"
    cast.project.save()

    response = add(client, cast.owner, url="sqlite:////etc/elsewhere.sqlite3")

    assert response.status_code == 422
    assert "SQLite files must be under" in response.content.decode()
    assert add(client, cast.owner, url=f"sqlite:///{tmp_path / 'ok.db'}").status_code == 302
