"""What the tests of the connection and deployment pages share: the settings a connection needs,
connections to real scratch databases (PostgreSQL with a password trust auth ignores, SQLite files
under the allowed folder), their page addresses, SQL run by hand behind the app's back, and
deployments run as a worker runs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.http import HttpResponse

from designer import reviewing
from designer.deploy import registry, starting
from designer.models import Draft, Membership, SchemaVersion, Verdict
from designer.models.connections import Connection, Deployment
from migrations_engine.connection import connect
from migrations_engine.schema import Schema
from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import Cast
from tests.designer.deployments import SECRET_PASSWORD, TEST_CONNECTION_KEY, run_queued


@pytest.fixture
def connection_settings(settings: Any, tmp_path: Path) -> Any:
    """The test's connection key, SQLite targets under the test's folder, any host, a short timeout."""
    settings.CONNECTION_KEYS = [TEST_CONNECTION_KEY]
    settings.CONNECTION_SQLITE_DIR = str(tmp_path)
    settings.CONNECTION_ALLOWED_HOSTS = []
    settings.CONNECTION_TIMEOUT = 5
    return settings


def url_text(url: DatabaseURL, password: str | None = SECRET_PASSWORD) -> str:
    """``url`` as a connection URL with ``password`` (PostgreSQL's trust auth ignores it; MariaDB's
    root has none, so its URL goes without one unless the test made a user with it)."""
    if url.dialect == "sqlite":
        return f"sqlite:///{url.database}"
    if url.dialect == "mysql" and url.user == "root":
        password = None
    credentials = f"{url.user}:{password}" if password else f"{url.user}"
    return f"{url.dialect}://{credentials}@{url.host}:{url.port}/{url.database}"


def use_dialect(cast: Cast, dialect: str) -> None:
    if cast.project.dialect != dialect:
        cast.project.dialect = dialect
        cast.project.save()


def add_connection(
    cast: Cast, url: DatabaseURL | str, name: str = "dev", environment: str = "development", **kwargs: Any
) -> Connection:
    """A connection of the cast's project (its dialect made ``url``'s), registered by the owner;
    ``kwargs`` go to ``registry.add``."""
    text = url if isinstance(url, str) else url_text(url)
    dialect = text.split(":", 1)[0]
    if dialect == "sqlite":
        connect(text).close()  # a deployment never creates the file (test_deploy_run shows a first one making it)
    use_dialect(cast, dialect)
    return registry.add(cast.project, cast.owner, name, environment, text, **kwargs)


def sqlite_connection(cast: Cast, folder: Path, name: str = "dev", environment: str = "development") -> Connection:
    """A connection to a new SQLite file in ``folder`` (the allowed one)."""
    return add_connection(cast, f"sqlite:///{folder / (name + '.sqlite3')}", name, environment)


def run_sql(connection: Connection, *statements: str) -> None:
    """Change the database by hand, as someone would outside migrations."""
    with connect(connection.url()) as db:
        for statement in statements:
            db.execute(statement)
        if db.dialect == "sqlite":
            db.commit()


def connection_path(connection: Connection, rest: str = "") -> str:
    return f"/p/{connection.project.slug}/connections/{connection.pk}/{rest}"


def deployment_path(deployment: Deployment, rest: str = "") -> str:
    return f"/p/{deployment.project.slug}/deployments/{deployment.pk}/{rest}"


def membership(cast: Cast, role: str = "owner") -> Membership:
    return Membership.objects.get(project=cast.project, user=cast.user(role))


def deploy(
    cast: Cast, connection: Connection, target: int, capture: Any, role: str = "owner", **kwargs: Any
) -> Deployment:
    """Deploy as ``role`` through the core (not the page), run as a worker would; the finished row."""
    with capture(execute=True):
        deployment = starting.start(connection, membership(cast, role), target, **kwargs)
    run_queued()
    deployment.refresh_from_db()
    return deployment


def post_start(client: Client, user: Any, connection: Connection, capture: Any, **data: Any) -> HttpResponse:
    """POST the deploy form as ``user`` (its task enqueued on commit), then run the queue."""
    client.force_login(user)
    with capture(execute=True):
        response = client.post(connection_path(connection, "deploy/"), data)
    run_queued()
    return response


def publish_reviewed(cast: Cast, schema: Schema, base: SchemaVersion | None) -> SchemaVersion:
    """Publish ``schema`` from the architect's draft, approved by the reviewer."""
    draft = Draft.objects.create_from_schema(cast.project, schema, base, cast.architect, title="change")
    reviewing.submit(draft, cast.architect, "a change")
    draft.refresh_from_db()
    reviewing.give_verdict(draft, membership(cast, "reviewer"), Verdict.APPROVED, "")
    draft.refresh_from_db()
    return reviewing.publish(draft, cast.owner, "reviewed")
