""""Check now": everyone in the project reads the database's status afresh; "No drift" after a
deployment, the operations of a change made by hand after one."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from designer.models.connections import ConnectionCheck
from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import HTMX, READ_MATRIX, Cast
from tests.designer.connection_pages import (  # noqa: F401
    add_connection,
    connection_path,
    connection_settings,
    deploy,
    run_sql,
    sqlite_connection,
)
from tests.designer.deployments import SECRET_PASSWORD, publish_three

pytestmark = pytest.mark.usefixtures("connection_settings")


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client: Client, cast: Cast, tmp_path: Path, role: str, status: int) -> None:
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.user(role))

    response = client.post(connection_path(connection, "check/"), **HTMX)

    assert response.status_code == status
    assert ConnectionCheck.objects.filter(connection=connection).exists() == (status == 200)


def test_it_rejects_get(client: Client, cast: Cast, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.owner)

    assert client.get(connection_path(connection, "check/")).status_code == 405


def test_no_drift_after_deploying_then_the_hand_made_change(
    client: Client, cast: Cast, pg_url: DatabaseURL, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, pg_url)
    assert deploy(cast, connection, 2, django_capture_on_commit_callbacks).state == "succeeded"
    client.force_login(cast.viewer)

    clean = client.post(connection_path(connection, "check/"), **HTMX).content.decode()

    assert clean.startswith('<section class="status-card"')
    assert "<strong>v2</strong>; pending: v3." in clean
    assert "No drift" in clean and 'id="drift"' in clean and "Drift:" not in clean

    run_sql(connection, "ALTER TABLE item ADD COLUMN hand_made integer")
    drifted = client.post(connection_path(connection, "check/"), **HTMX).content.decode()

    assert "No drift" not in drifted
    assert "the database differs from v2; changed outside migrations:" in drifted
    assert "<li>Add column “hand_made” (integer) to table “item”</li>" in drifted
    assert f'href="{connection_path(connection, "drift/erd/")}"' in drifted
    assert SECRET_PASSWORD not in clean + drifted


def test_without_htmx_it_goes_back_to_the_page_which_shows_the_reading(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    deploy(cast, connection, 1, django_capture_on_commit_callbacks)
    client.force_login(cast.reviewer)

    response = client.post(connection_path(connection, "check/"))

    assert response.status_code == 302 and response["Location"] == connection_path(connection)
    page = client.get(connection_path(connection)).content.decode()
    assert "<strong>v1</strong>; pending: v2, v3." in page and "No drift" in page


def test_an_unreachable_database_is_said_so(client: Client, cast: Cast) -> None:
    connection = add_connection(cast, f"postgresql://postgres:{SECRET_PASSWORD}@127.0.0.1:1/nowhere")
    client.force_login(cast.viewer)

    content = client.post(connection_path(connection, "check/"), **HTMX).content.decode()

    assert 'role="alert"' in content and "Connection refused" in content
    assert SECRET_PASSWORD not in content
    check = ConnectionCheck.objects.get(connection=connection)
    assert check.version is None and SECRET_PASSWORD not in check.error
