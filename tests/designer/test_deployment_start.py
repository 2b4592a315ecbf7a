"""Starting a deployment: architects and owners outside production, owners only in production
with its name typed and a reviewed version that went through the environment before it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from designer.deploy import plans
from designer.models import Activity, Event
from designer.models.connections import Deployment, DeploymentState
from tests.designer.conftest import Cast
from tests.designer.connection_pages import (  # noqa: F401
    add_connection,
    connection_path,
    connection_settings,
    deploy,
    post_start,
    publish_reviewed,
    sqlite_connection,
    use_dialect,
)
from tests.designer.deployments import publish_three, schema_v1

pytestmark = pytest.mark.usefixtures("connection_settings")


@pytest.mark.parametrize(
    "role, status", [("owner", 302), ("architect", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)]
)
def test_role_matrix(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks, role: str, status: int
) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)

    response = post_start(client, cast.user(role), connection, django_capture_on_commit_callbacks, to=1)

    assert response.status_code == status
    assert Deployment.objects.filter(connection=connection).exists() == (status == 302)


@pytest.mark.parametrize(
    "role, status", [("owner", 422), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)]
)
def test_role_matrix_in_production(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks, role: str, status: int
) -> None:
    """Nobody gets through here (v1 is unreviewed); only the owner is told the reasons."""
    publish_three(cast.project, cast.owner)
    production = sqlite_connection(cast, tmp_path, name="prod", environment="production")

    response = post_start(client, cast.user(role), production, django_capture_on_commit_callbacks, to=1, confirmation="prod")

    assert response.status_code == status
    assert not Deployment.objects.exists()


def test_it_redirects_to_the_deployment_which_the_worker_runs(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)

    response = post_start(client, cast.architect, connection, django_capture_on_commit_callbacks, to=2)

    deployment = Deployment.objects.get()
    assert response["Location"] == f"/p/shop/deployments/{deployment.pk}/"
    assert deployment.requested_by == cast.architect and deployment.to_version == 2
    assert deployment.state == DeploymentState.SUCCEEDED, deployment.error
    assert deployment.task_id
    assert plans.current_of(connection) == (2, False)
    assert Activity.objects.filter(event=Event.DEPLOY_REQUESTED, actor=cast.architect).exists()


def test_it_rejects_get(client: Client, cast: Cast, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.owner)

    assert client.get(connection_path(connection, "deploy/")).status_code == 405


def test_an_unknown_version_is_not_found(client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)

    assert post_start(client, cast.owner, connection, django_capture_on_commit_callbacks, to=4).status_code == 404
    assert not Deployment.objects.exists()


def test_production_refuses_without_its_name_typed(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    production = sqlite_connection(cast, tmp_path, name="prod", environment="production")

    for typed in ({}, {"confirmation": ""}, {"confirmation": "Prod"}, {"confirmation": "production"}):
        response = post_start(client, cast.owner, production, django_capture_on_commit_callbacks, to=1, **typed)
        assert response.status_code == 422
        assert "type the connection&#x27;s name, “prod”, to confirm a change to production" in response.content.decode()
    assert not Deployment.objects.exists()


def test_production_refuses_an_unreviewed_version_with_the_reasons(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    sqlite_connection(cast, tmp_path, name="staging", environment="staging")
    production = sqlite_connection(cast, tmp_path, name="prod", environment="production")

    response = post_start(client, cast.owner, production, django_capture_on_commit_callbacks, to=2, confirmation="prod")

    assert response.status_code == 422
    content = response.content.decode()
    assert "<strong>Not started:</strong>" in content
    assert "<li>v1 was published without an approving review</li>" in content
    assert "<li>v2 was published without an approving review</li>" in content
    assert "<li>v2 has not been deployed without error to staging yet</li>" in content
    assert not Deployment.objects.exists()


def test_production_takes_a_reviewed_version_deployed_before_it(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    use_dialect(cast, "sqlite")
    publish_reviewed(cast, schema_v1(), None)
    staging = sqlite_connection(cast, tmp_path, name="staging", environment="staging")
    production = sqlite_connection(cast, tmp_path, name="prod", environment="production")
    refused = post_start(client, cast.owner, production, django_capture_on_commit_callbacks, to=1, confirmation="prod")
    assert "v1 has not been deployed without error to staging yet" in refused.content.decode()
    deploy(cast, staging, 1, django_capture_on_commit_callbacks)

    response = post_start(client, cast.owner, production, django_capture_on_commit_callbacks, to=1, confirmation=" prod ")

    deployment = Deployment.objects.get(connection=production)
    assert response["Location"] == f"/p/shop/deployments/{deployment.pk}/"
    assert deployment.state == DeploymentState.SUCCEEDED, deployment.error
    assert plans.current_of(production) == (1, False)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_production_on_a_real_server_takes_a_reviewed_version_deployed_to_staging(
    client: Client, cast: Cast, db_url, second_db_url, django_capture_on_commit_callbacks
) -> None:
    use_dialect(cast, db_url.dialect)
    publish_reviewed(cast, schema_v1(), None)
    staging = add_connection(cast, db_url, name="staging", environment="staging")
    production = add_connection(cast, second_db_url, name="prod", environment="production")
    deploy(cast, staging, 1, django_capture_on_commit_callbacks)

    response = post_start(client, cast.owner, production, django_capture_on_commit_callbacks, to=1, confirmation="prod")

    deployment = Deployment.objects.get(connection=production)
    assert response["Location"] == f"/p/shop/deployments/{deployment.pk}/"
    assert deployment.state == DeploymentState.SUCCEEDED, deployment.error
    assert plans.current_of(production) == (1, False)
