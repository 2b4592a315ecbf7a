"""What the deployment tests of the core share: the settings a deployment needs, a connection
URL with a password in it, registering a connection and running one deployment through its task."""

from __future__ import annotations

from typing import Any

import pytest

from designer.deploy import registry, starting
from designer.models import Membership
from designer.models.connections import Connection, Deployment
from migrations_engine.connection import connect
from migrations_engine.urls import DatabaseURL
from tests.designer.deployments import SECRET_PASSWORD, TEST_CONNECTION_KEY, run_queued


@pytest.fixture
def deploy_settings(settings, tmp_path) -> Any:
    """Connection keys for the tests, SQLite targets allowed in the test's folder, any host."""
    settings.CONNECTION_KEYS = [TEST_CONNECTION_KEY]
    settings.CONNECTION_SQLITE_DIR = str(tmp_path)
    settings.CONNECTION_ALLOWED_HOSTS = []
    settings.CONNECTION_TIMEOUT = 5
    return settings


def url_text(url: DatabaseURL, password: str | None = SECRET_PASSWORD) -> str:
    """``url`` as a connection URL with ``password`` (PostgreSQL's trust ignores it; MariaDB's
    root has none, so its URL goes without one unless the test made a user with it)."""
    if url.dialect == "sqlite":
        return f"sqlite:///{url.database}"
    if url.dialect == "mysql":
        password = None if url.user == "root" else password
    credentials = f"{url.user}:{password}" if password else f"{url.user}"
    return f"{url.dialect}://{credentials}@{url.host}:{url.port}/{url.database}"


def register(cast: Any, url: DatabaseURL, name: str = "dev", environment: str = "development", **kwargs: Any) -> Connection:
    """A connection of the cast's project (whose dialect becomes ``url``'s) to ``url``."""
    if url.dialect == "sqlite":
        connect(url).close()  # as a database someone made (test_deploy_run shows a first deployment making one)
    if cast.project.dialect != url.dialect:
        cast.project.dialect = url.dialect
        cast.project.save()
    return registry.add(cast.project, cast.owner, name, environment, kwargs.pop("text", None) or url_text(url), **kwargs)


def membership(cast: Any, role: str = "owner") -> Membership:
    return Membership.objects.get(project=cast.project, user=cast.user(role))


def deploy(cast: Any, connection: Connection, target: int, capture: Any, role: str = "owner", **kwargs: Any) -> Deployment:
    """Start a deployment (its task enqueued on commit), run the queue as a worker would, and
    return the deployment as it finished."""
    with capture(execute=True):
        deployment = starting.start(connection, membership(cast, role), target, **kwargs)
    run_queued()
    deployment.refresh_from_db()
    return deployment
