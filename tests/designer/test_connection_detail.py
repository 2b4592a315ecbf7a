"""A connection's page: everyone in the project reads it; the deploy form for those who may
deploy, the settings for owners; the stored URL's password never on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import READ_MATRIX, Cast, expect_status
from tests.designer.connection_pages import (  # noqa: F401
    add_connection,
    connection_path,
    connection_settings,
    deploy,
    sqlite_connection,
)
from tests.designer.deployments import SECRET_PASSWORD, publish_three

pytestmark = pytest.mark.usefixtures("connection_settings")


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client: Client, cast: Cast, tmp_path: Path, role: str, status: int) -> None:
    connection = sqlite_connection(cast, tmp_path)

    assert expect_status(client, cast.user(role), "get", connection_path(connection)) == status


def test_a_connection_of_another_project_is_not_found(client: Client, cast: Cast, tmp_path: Path) -> None:
    from designer.models import Membership, Project, Role

    other = Project.objects.create(name="Other", slug="other", dialect="sqlite")
    Membership.objects.create(project=other, user=cast.owner, role=Role.OWNER)
    connection = sqlite_connection(cast, tmp_path)

    assert expect_status(client, cast.owner, "get", f"/p/other/connections/{connection.pk}/") == 404


@pytest.mark.parametrize(
    "role, deploys, manages, drafts",
    [
        ("owner", True, True, True),
        ("architect", True, False, True),
        ("reviewer", False, False, False),
        ("viewer", False, False, False),
    ],
)
def test_each_role_sees_what_it_may_do(
    client: Client, cast: Cast, tmp_path: Path, role: str, deploys: bool, manages: bool, drafts: bool
) -> None:
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.user(role))

    content = client.get(connection_path(connection)).content.decode()

    assert ("Review the plan" in content) == deploys
    assert ("needs an architect or an owner" in content) == (not deploys)
    assert ('id="connection-edit"' in content) == manages
    assert ("Remove connection…" in content) == manages
    assert ("New draft from live schema" in content) == drafts
    assert "Test connection" in content and "Check now" in content


def test_production_is_deployed_by_owners_only(client: Client, cast: Cast, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path, name="prod", environment="production")

    client.force_login(cast.architect)
    assert "Deploying to production needs an owner" in client.get(connection_path(connection)).content.decode()
    client.force_login(cast.owner)
    assert "Review the plan" in client.get(connection_path(connection)).content.decode()


def test_the_page_shows_the_url_and_deployments_but_never_the_password(
    client: Client, cast: Cast, pg_url: DatabaseURL, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, pg_url)
    deployment = deploy(cast, connection, 1, django_capture_on_commit_callbacks)
    client.force_login(cast.owner)  # owners see the settings form too

    content = client.get(connection_path(connection)).content.decode()

    assert connection.display_url in content
    assert f'href="/p/shop/deployments/{deployment.pk}/"' in content
    assert 'type="password" name="url"' in content
    assert SECRET_PASSWORD not in content
