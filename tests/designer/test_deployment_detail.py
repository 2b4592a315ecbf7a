"""A deployment's page: everyone in the project follows it; the htmx partial polls every second
while the deployment is queued or running, and stops once it has finished."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from designer.deploy import starting
from designer.models.connections import Deployment, DeploymentState
from tests.designer.conftest import HTMX, READ_MATRIX, Cast, expect_status
from tests.designer.connection_pages import (  # noqa: F401
    connection_settings,
    deploy,
    deployment_path,
    membership,
    sqlite_connection,
)
from tests.designer.deployments import publish_three

pytestmark = pytest.mark.usefixtures("connection_settings")

POLL = 'hx-trigger="every 1s"'


@pytest.fixture
def queued(cast: Cast, tmp_path: Path) -> Deployment:
    """A deployment of v1 that no worker has taken yet."""
    publish_three(cast.project, cast.owner)
    return starting.start(sqlite_connection(cast, tmp_path), membership(cast, "architect"), 1)


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client: Client, cast: Cast, queued: Deployment, role: str, status: int) -> None:
    assert expect_status(client, cast.user(role), "get", deployment_path(queued)) == status


def test_a_deployment_of_another_project_is_not_found(client: Client, cast: Cast, queued: Deployment) -> None:
    from designer.models import Membership, Project, Role

    Membership.objects.create(project=Project.objects.create(name="B", slug="b"), user=cast.owner, role=Role.OWNER)

    assert expect_status(client, cast.owner, "get", f"/p/b/deployments/{queued.pk}/") == 404


def test_the_partial_polls_while_queued_and_running(client: Client, cast: Cast, queued: Deployment) -> None:
    client.force_login(cast.viewer)

    waiting = client.get(deployment_path(queued), **HTMX).content.decode()
    Deployment.objects.filter(pk=queued.pk).update(
        state=DeploymentState.RUNNING, started=timezone.now(), heartbeat=timezone.now(),
        statements_total=4, statements_done=1,
    )
    running = client.get(deployment_path(queued), **HTMX).content.decode()

    for partial in (waiting, running):
        assert partial.startswith('<section id="deployment-progress"')
        assert f'hx-get="{deployment_path(queued)}" {POLL}' in partial
        assert "<html" not in partial
    assert "waiting for a worker…" in waiting
    assert ">Running</span>" in running and "1 of 4 statements" in running


def test_the_partial_stops_polling_once_finished(
    client: Client, cast: Cast, queued: Deployment, django_capture_on_commit_callbacks
) -> None:
    Deployment.objects.filter(pk=queued.pk).update(state=DeploymentState.FAILED, finished=timezone.now(), error="boom")
    client.force_login(cast.viewer)

    failed = client.get(deployment_path(queued), **HTMX).content.decode()
    done = deploy(cast, queued.connection, 1, django_capture_on_commit_callbacks)
    succeeded = client.get(deployment_path(done), **HTMX).content.decode()

    assert POLL not in failed and ">Failed</span>" in failed and "boom" in failed
    assert POLL not in succeeded and ">Succeeded</span>" in succeeded
    assert done.statements_total and f"{done.statements_total} of {done.statements_total} statement" in succeeded


def test_the_full_page_holds_the_same_partial(client: Client, cast: Cast, queued: Deployment) -> None:
    client.force_login(cast.viewer)

    content = client.get(deployment_path(queued)).content.decode()

    assert "<html" in content and "Deployment #" in content and "dev to v1" in content
    assert '<section id="deployment-progress"' in content and POLL in content


@pytest.mark.parametrize("role, acts", [("owner", True), ("architect", True), ("reviewer", False), ("viewer", False)])
def test_cancel_is_offered_to_those_who_may_deploy(
    client: Client, cast: Cast, queued: Deployment, role: str, acts: bool
) -> None:
    client.force_login(cast.user(role))

    content = client.get(deployment_path(queued), **HTMX).content.decode()

    assert (f'action="{deployment_path(queued, "cancel/")}"' in content) == acts
