"""A connection URL's password never shows: a whole flow through the pages (add, test, check,
plan, validation, deploy, follow, a failing deployment and its retry, an unreachable server,
the settings) leaves it in no response, no log record at any level, no activity and no record."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from designer.models import Activity
from designer.models.connections import Connection, ConnectionCheck, Deployment, DeploymentState
from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import HTMX, Cast
from tests.designer.connection_pages import connection_path, connection_settings, deployment_path, run_sql  # noqa: F401
from tests.designer.deployments import SECRET_PASSWORD, publish_three, run_queued

pytestmark = pytest.mark.usefixtures("connection_settings")


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG into ``caplog``, those that do not propagate included."""
    caplog.set_level(logging.DEBUG)
    detached = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
            if not logger.propagate:
                logger.addHandler(caplog.handler)
                detached.append(logger)
    yield caplog
    for logger in detached:
        logger.removeHandler(caplog.handler)


class Recorder:
    """The test client, keeping every response body."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.bodies: list[str] = []

    def __call__(self, method: str, path: str, data: dict | None = None, **extra):
        response = getattr(self.client, method)(path, data or {}, **extra)
        self.bodies.append(f"{method.upper()} {path} {response.status_code}\n" + response.content.decode())
        return response


def test_the_password_shows_nowhere(
    client: Client, cast: Cast, pg_url: DatabaseURL, every_log: pytest.LogCaptureFixture, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    typed = f"postgresql://{pg_url.user}:{SECRET_PASSWORD}@{pg_url.host}:{pg_url.port}/{pg_url.database}"
    unreachable = f"postgresql://postgres:{SECRET_PASSWORD}@127.0.0.1:1/nowhere"
    page = Recorder(client)
    client.force_login(cast.owner)

    # Add: refused (another dialect, a name taken), then accepted; an unreachable one too.
    assert page("post", "/p/shop/connections/", {"name": "dev", "environment": "development",
                "url": typed.replace("postgresql", "mysql")}).status_code == 422
    assert page("post", "/p/shop/connections/", {"name": "dev", "environment": "development", "url": typed}).status_code == 302
    assert page("post", "/p/shop/connections/", {"name": "dev", "environment": "staging", "url": typed}).status_code == 422
    assert page("post", "/p/shop/connections/", {"name": "gone", "environment": "staging", "url": unreachable}).status_code == 302
    dev, gone = Connection.objects.get(name="dev"), Connection.objects.get(name="gone")
    assert dev.url() == typed  # the password was kept, only never shown

    # Read it: list, page, test, check, plan, validation, for the owner and a viewer.
    for user in (cast.owner, cast.viewer):
        client.force_login(user)
        page("get", "/p/shop/connections/")
        for connection in (dev, gone):
            page("get", connection_path(connection))
            page("post", connection_path(connection, "test/"), **HTMX)
            page("post", connection_path(connection, "test/"))
            page("post", connection_path(connection, "check/"), **HTMX)
            page("get", connection_path(connection, "plan/?to=3"))
            page("get", connection_path(connection, "plan/validation/?to=3"), **HTMX)
    client.force_login(cast.owner)
    assert any("Connected: PostgreSQL" in b for b in page.bodies)
    assert any("Connection refused" in body for body in page.bodies)

    # Deploy v1, follow it; a hand-made table makes v2 fail; retry after removing it.
    with django_capture_on_commit_callbacks(execute=True):
        assert page("post", connection_path(dev, "deploy/"), {"to": 1}).status_code == 302
    run_queued()
    run_sql(dev, 'CREATE TABLE "order line" (made_by_hand integer)')
    with django_capture_on_commit_callbacks(execute=True):
        page("post", connection_path(dev, "deploy/"), {"to": 2})
    run_queued()
    failed = Deployment.objects.filter(connection=dev).first()
    assert failed.state == DeploymentState.FAILED and "order line" in failed.error
    page("get", deployment_path(failed))
    page("get", deployment_path(failed), **HTMX)
    page("post", connection_path(dev, "check/"), **HTMX)
    page("get", connection_path(dev, "drift/erd/"))
    page("post", connection_path(dev, "draft/"))
    run_sql(dev, 'DROP TABLE "order line"')
    with django_capture_on_commit_callbacks(execute=True):
        page("post", deployment_path(failed, "retry/"))
    run_queued()
    retry = Deployment.objects.get(retry_of=failed)
    assert retry.state == DeploymentState.SUCCEEDED, retry.error
    page("get", deployment_path(retry))

    # The unreachable one: refused to start, no draft; settings changed, refused, removed.
    assert page("post", connection_path(gone, "deploy/"), {"to": 1}).status_code == 422
    assert page("post", connection_path(gone, "draft/")).status_code == 422
    assert page("post", connection_path(gone, "edit/"), {"name": "gone", "environment": "staging",
                "url": unreachable.replace("postgresql", "mysql")}).status_code == 422
    assert page("post", connection_path(gone, "edit/"), {"name": "away", "environment": "staging",
                "url": unreachable.replace("nowhere", "elsewhere")}).status_code == 302
    page("get", connection_path(gone))
    page("get", connection_path(gone, "delete/"))
    assert page("post", connection_path(gone, "delete/")).status_code == 302
    page("get", "/p/shop/connections/")
    page("get", "/p/shop/")

    assert len(page.bodies) > 40
    for body in page.bodies:
        assert SECRET_PASSWORD not in body, body[:200]
    assert every_log.records, "the flow logs something (the 422s at least)"
    for record in every_log.records:
        assert SECRET_PASSWORD not in every_log.handler.format(record), record.name
        assert SECRET_PASSWORD not in repr(record.args)
    for detail in Activity.objects.values_list("detail", flat=True):
        assert SECRET_PASSWORD not in detail
    for deployment in Deployment.objects.all():
        assert SECRET_PASSWORD not in deployment.log + deployment.error
    for check in ConnectionCheck.objects.all():
        assert SECRET_PASSWORD not in check.error + str(check.history) + check.drift_note
