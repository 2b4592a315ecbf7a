"""The plan before a deployment: everyone in the project reads it; the migrations, their SQL,
destructive operations and backups; for production, the field to type the connection's name."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from designer.models.connections import Connection
from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import READ_MATRIX, Cast, expect_status
from tests.designer.connection_pages import (  # noqa: F401
    add_connection,
    connection_path,
    connection_settings,
    deploy,
    publish_reviewed,
    sqlite_connection,
    use_dialect,
)
from tests.designer.deployments import SECRET_PASSWORD, publish_three, schema_v1

pytestmark = pytest.mark.usefixtures("connection_settings")


def plan_path(connection: Connection, to: int) -> str:
    return connection_path(connection, f"plan/?to={to}")


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client: Client, cast: Cast, tmp_path: Path, role: str, status: int) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)

    assert expect_status(client, cast.user(role), "get", plan_path(connection, 1)) == status


def test_an_unknown_version_is_not_found(client: Client, cast: Cast, tmp_path: Path) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)

    assert expect_status(client, cast.owner, "get", plan_path(connection, 4)) == 404
    assert expect_status(client, cast.owner, "get", connection_path(connection, "plan/?to=x")) == 404


def test_v3_shows_its_migration_destructive_operation_and_backup(
    client: Client, cast: Cast, pg_url: DatabaseURL, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, pg_url)
    deploy(cast, connection, 2, django_capture_on_commit_callbacks)
    client.force_login(cast.architect)

    content = client.get(plan_path(connection, 3)).content.decode()

    assert "<h1>Deploy dev to v3</h1>" in content and "the database is at v2" in content
    assert "<h2>1 migration, 3 statements</h2>" in content
    assert "<strong>0003 drop odd name</strong>" in content
    assert "destructive</span> Drop column “odd &quot;name&quot;” from table “item” and its values" in content
    assert "backup: the values of “odd &quot;name&quot;” with the primary key (“id”) are saved in “engine_backup_0003_1”" in content
    assert "ALTER TABLE &quot;item&quot; DROP COLUMN" in content  # the runner's dry run
    assert f'hx-get="{connection_path(connection, "plan/validation/")}?to=3"' in content
    assert f'action="{connection_path(connection, "deploy/")}"' in content
    assert 'name="confirmation"' not in content  # not production
    assert SECRET_PASSWORD not in content


def test_two_migrations_from_an_empty_database(client: Client, cast: Cast, tmp_path: Path) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.viewer)

    content = client.get(plan_path(connection, 2)).content.decode()

    assert "the database is at v0" in content
    assert "<strong>0001 items</strong>" in content and "<strong>0002 prices and order lines</strong>" in content
    assert "0003" not in content and "badge danger" not in content
    # A viewer sees the plan, not the button.
    assert "deploying to development needs an architect or an owner" in content
    assert f'action="{connection_path(connection, "deploy/")}"' not in content


def test_a_rollback_plan(client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    deploy(cast, connection, 2, django_capture_on_commit_callbacks)
    client.force_login(cast.owner)

    content = client.get(plan_path(connection, 1)).content.decode()

    assert "<h1>Roll back dev to v1</h1>" in content
    assert "undo <strong>0002 prices and order lines</strong>" in content
    assert "plan/validation/" not in content


def test_at_the_target_there_is_nothing_to_do(client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    deploy(cast, connection, 1, django_capture_on_commit_callbacks)
    client.force_login(cast.owner)

    assert "Nothing to do: the database is at v1 already." in client.get(plan_path(connection, 1)).content.decode()


def test_production_asks_its_owner_to_type_its_name(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    use_dialect(cast, "sqlite")
    publish_reviewed(cast, schema_v1(), None)
    staging = sqlite_connection(cast, tmp_path, name="staging", environment="staging")
    production = sqlite_connection(cast, tmp_path, name="prod", environment="production")
    deploy(cast, staging, 1, django_capture_on_commit_callbacks)

    client.force_login(cast.owner)
    owner_page = client.get(plan_path(production, 1)).content.decode()
    client.force_login(cast.architect)
    architect_page = client.get(plan_path(production, 1)).content.decode()

    assert "Type <strong>prod</strong> to confirm a change to production" in owner_page
    assert '<input id="id_confirmation" name="confirmation" autocomplete="off" required>' in owner_page
    assert "deploying to production needs an owner" in architect_page
    assert 'name="confirmation"' not in architect_page


def test_production_lists_what_stands_in_the_way(client: Client, cast: Cast, tmp_path: Path) -> None:
    publish_three(cast.project, cast.owner)
    production = sqlite_connection(cast, tmp_path, name="prod", environment="production")
    client.force_login(cast.owner)

    content = client.get(plan_path(production, 1)).content.decode()

    assert "Not allowed:" in content
    assert "v1 was published without an approving review" in content
    assert "this project has no connection in an earlier environment" in content
    assert 'name="confirmation"' not in content
