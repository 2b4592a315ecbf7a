"""Cancelling a deployment: those who may deploy to its connection; a queued one is cancelled at
once (the worker then leaves it), a running one asked to stop between two migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from designer.deploy import plans, starting
from designer.models import Activity, Event, Membership, Role
from designer.models.connections import Connection, Deployment, DeploymentState
from tests.designer.conftest import Cast, expect_status
from tests.designer.connection_pages import (  # noqa: F401
    connection_settings,
    deployment_path,
    sqlite_connection,
)
from tests.designer.deployments import publish_three, run_queued

pytestmark = pytest.mark.usefixtures("connection_settings")

MATRIX = [("owner", 302), ("architect", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)]


def queue(connection: Connection, capture) -> Deployment:
    """A deployment of v1 whose task is enqueued but not yet run."""
    with capture(execute=True):
        deployment = starting.start(connection, Membership.objects.get(project=connection.project, role=Role.OWNER), 1)
    return deployment


@pytest.mark.parametrize("role, status", MATRIX)
def test_role_matrix(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks, role: str, status: int
) -> None:
    publish_three(cast.project, cast.owner)
    deployment = queue(sqlite_connection(cast, tmp_path), django_capture_on_commit_callbacks)

    assert expect_status(client, cast.user(role), "post", deployment_path(deployment, "cancel/")) == status
    deployment.refresh_from_db()
    assert (deployment.state == DeploymentState.CANCELLED) == (status == 302)


@pytest.mark.parametrize("role, status", [("owner", 302), ("architect", 403)])
def test_production_deployments_are_cancelled_by_owners_only(
    client: Client, cast: Cast, tmp_path: Path, role: str, status: int
) -> None:
    production = sqlite_connection(cast, tmp_path, name="prod", environment="production")
    deployment = Deployment.objects.create(
        project=cast.project, connection=production, connection_name="prod", environment="production", to_version=1
    )

    assert expect_status(client, cast.user(role), "post", deployment_path(deployment, "cancel/")) == status
    deployment.refresh_from_db()
    assert (deployment.state == DeploymentState.CANCELLED) == (status == 302)


def test_a_queued_deployment_is_cancelled_and_never_runs(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    deployment = queue(connection, django_capture_on_commit_callbacks)
    client.force_login(cast.architect)

    response = client.post(deployment_path(deployment, "cancel/"))

    assert response["Location"] == deployment_path(deployment)
    run_queued()
    deployment.refresh_from_db()
    assert deployment.state == DeploymentState.CANCELLED and deployment.finished
    assert deployment.error == "cancelled before it started"
    assert plans.current_of(connection) == (0, False)
    assert Activity.objects.filter(event=Event.DEPLOY_CANCELLED, actor=cast.architect).exists()
    page = client.get(deployment_path(deployment)).content.decode()
    assert ">Cancelled</span>" in page and "Retry" in page


def test_a_running_deployment_is_asked_to_stop(client: Client, cast: Cast, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path)
    deployment = Deployment.objects.create(
        project=cast.project, connection=connection, connection_name="dev", environment="development",
        to_version=1, state=DeploymentState.RUNNING, started=timezone.now(), heartbeat=timezone.now(),
    )
    client.force_login(cast.owner)

    client.post(deployment_path(deployment, "cancel/"))

    deployment.refresh_from_db()
    assert deployment.state == DeploymentState.RUNNING and deployment.cancel_requested
    assert "stopping at the next safe point" in client.get(deployment_path(deployment)).content.decode()


def test_a_finished_deployment_stays_as_it_was(client: Client, cast: Cast, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path)
    deployment = Deployment.objects.create(
        project=cast.project, connection=connection, connection_name="dev", environment="development",
        to_version=1, state=DeploymentState.SUCCEEDED, finished=timezone.now(),
    )
    client.force_login(cast.owner)

    assert client.post(deployment_path(deployment, "cancel/")).status_code == 302
    deployment.refresh_from_db()
    assert deployment.state == DeploymentState.SUCCEEDED and not deployment.cancel_requested
    assert not Activity.objects.filter(event=Event.DEPLOY_CANCELLED).exists()


def test_it_rejects_get(client: Client, cast: Cast, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path)
    deployment = Deployment.objects.create(
        project=cast.project, connection=connection, connection_name="dev", environment="development", to_version=1
    )

    assert expect_status(client, cast.owner, "get", deployment_path(deployment, "cancel/")) == 405
