"""Retrying a deployment that failed, was interrupted or cancelled: those who may deploy to its
connection; a new deployment to the same target, which succeeds once the cause is gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from designer.deploy import plans
from designer.models.connections import Connection, Deployment, DeploymentState
from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import Cast, expect_status
from tests.designer.connection_pages import (  # noqa: F401
    add_connection,
    connection_settings,
    deploy,
    deployment_path,
    run_sql,
    sqlite_connection,
)
from tests.designer.deployments import SECRET_PASSWORD, publish_three, run_queued

pytestmark = pytest.mark.usefixtures("connection_settings")

MATRIX = [("owner", 302), ("architect", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)]


def finished(connection: Connection, state: DeploymentState) -> Deployment:
    return Deployment.objects.create(
        project=connection.project, connection=connection, connection_name=connection.name,
        environment=connection.environment, to_version=1, state=state, finished=timezone.now(), error="boom",
    )


def post_retry(client: Client, user, deployment: Deployment, capture, **data) -> object:
    client.force_login(user)
    with capture(execute=True):
        response = client.post(deployment_path(deployment, "retry/"), data)
    run_queued()
    return response


@pytest.mark.parametrize("role, status", MATRIX)
def test_role_matrix(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks, role: str, status: int
) -> None:
    publish_three(cast.project, cast.owner)
    failed = finished(sqlite_connection(cast, tmp_path), DeploymentState.FAILED)

    response = post_retry(client, cast.user(role), failed, django_capture_on_commit_callbacks)

    assert response.status_code == status
    assert Deployment.objects.filter(retry_of=failed).exists() == (status == 302)


@pytest.mark.parametrize("role, status", [("owner", 422), ("architect", 403)])
def test_production_deployments_are_retried_by_owners_only(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks, role: str, status: int
) -> None:
    """The owner's retry still goes through production's gate (it answers with the reasons)."""
    publish_three(cast.project, cast.owner)
    failed = finished(sqlite_connection(cast, tmp_path, name="prod", environment="production"), DeploymentState.FAILED)

    response = post_retry(client, cast.user(role), failed, django_capture_on_commit_callbacks, confirmation="prod")

    assert response.status_code == status
    if role == "owner":
        content = response.content.decode()
        assert "<strong>Not retried:</strong>" in content and "v1 was published without an approving review" in content
    assert not Deployment.objects.filter(retry_of=failed).exists()


def test_it_succeeds_once_the_conflicting_table_made_by_hand_is_gone(
    client: Client, cast: Cast, pg_url: DatabaseURL, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, pg_url)
    assert deploy(cast, connection, 1, django_capture_on_commit_callbacks).state == DeploymentState.SUCCEEDED
    run_sql(connection, 'CREATE TABLE "order line" (made_by_hand integer)')
    failed = deploy(cast, connection, 2, django_capture_on_commit_callbacks)
    assert failed.state == DeploymentState.FAILED
    assert "order line" in failed.error and "already exists" in failed.error
    client.force_login(cast.architect)
    assert f'action="{deployment_path(failed, "retry/")}"' in client.get(deployment_path(failed)).content.decode()

    run_sql(connection, 'DROP TABLE "order line"')
    response = post_retry(client, cast.architect, failed, django_capture_on_commit_callbacks)

    retry = Deployment.objects.get(retry_of=failed)
    assert response["Location"] == deployment_path(retry)
    assert retry.state == DeploymentState.SUCCEEDED, retry.error
    assert (retry.from_version, retry.to_version, retry.requested_by) == (1, 2, cast.architect)
    assert plans.current_of(connection) == (2, False)
    page = client.get(deployment_path(retry)).content.decode()
    assert f"retrying <a href=\"{deployment_path(failed)}\">#{failed.pk}</a>" in page
    assert SECRET_PASSWORD not in page + failed.error + failed.log


@pytest.mark.parametrize("state", [DeploymentState.INTERRUPTED, DeploymentState.CANCELLED])
def test_interrupted_and_cancelled_deployments_are_retried(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks, state: DeploymentState
) -> None:
    publish_three(cast.project, cast.owner)
    stopped = finished(sqlite_connection(cast, tmp_path), state)

    post_retry(client, cast.owner, stopped, django_capture_on_commit_callbacks)

    assert Deployment.objects.get(retry_of=stopped).state == DeploymentState.SUCCEEDED


@pytest.mark.parametrize("state", [DeploymentState.SUCCEEDED, DeploymentState.QUEUED, DeploymentState.RUNNING])
def test_only_a_deployment_that_did_not_finish_well_is_retried(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks, state: DeploymentState
) -> None:
    connection = sqlite_connection(cast, tmp_path)
    deployment = Deployment.objects.create(
        project=cast.project, connection=connection, connection_name="dev", environment="development",
        to_version=1, state=state, heartbeat=timezone.now(),
    )

    response = post_retry(client, cast.owner, deployment, django_capture_on_commit_callbacks)

    assert response.status_code == 422
    assert "only a failed, interrupted or cancelled deployment can be retried" in response.content.decode()
    assert not Deployment.objects.filter(retry_of=deployment).exists()


def test_it_rejects_get(client: Client, cast: Cast, tmp_path: Path) -> None:
    failed = finished(sqlite_connection(cast, tmp_path), DeploymentState.FAILED)

    assert expect_status(client, cast.owner, "get", deployment_path(failed, "retry/")) == 405
