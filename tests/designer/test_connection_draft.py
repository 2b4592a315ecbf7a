"""A draft from a connection's live schema: architects and owners; based on the version the
database is at, its elements paired with that version's so that only the hand-made change differs."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from designer.models import Draft
from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import EDIT_MATRIX, Cast
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


@pytest.mark.parametrize("role, status", [(role, 302 if status == 200 else status) for role, status in EDIT_MATRIX])
def test_role_matrix(client: Client, cast: Cast, tmp_path: Path, role: str, status: int) -> None:
    connection = sqlite_connection(cast, tmp_path)
    run_sql(connection, "CREATE TABLE made_by_hand (id integer PRIMARY KEY)")
    client.force_login(cast.user(role))

    response = client.post(connection_path(connection, "draft/"))

    assert response.status_code == status
    assert Draft.objects.filter(project=cast.project).exists() == (status == 302)


def test_it_rejects_get(client: Client, cast: Cast, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.owner)

    assert client.get(connection_path(connection, "draft/")).status_code == 405


def test_the_draft_differs_from_its_base_by_the_hand_made_change_only(
    client: Client, cast: Cast, pg_url: DatabaseURL, django_capture_on_commit_callbacks
) -> None:
    v1, v2, _ = publish_three(cast.project, cast.owner)
    connection = add_connection(cast, pg_url)
    assert deploy(cast, connection, 2, django_capture_on_commit_callbacks).state == "succeeded"
    run_sql(connection, "ALTER TABLE item ADD COLUMN note text")
    client.force_login(cast.architect)

    response = client.post(connection_path(connection, "draft/"))

    draft = Draft.objects.get(project=cast.project)
    assert response["Location"] == f"/p/shop/d/{draft.pk}/"
    assert draft.base_version == v2 and draft.author == cast.architect
    assert draft.title == "Live schema of dev"
    assert [op.describe() for op in draft.diff_against_base()] == ["Add column “note” (text) to table “item”"]
    # Paired by name: the tables keep the version's ids, so nothing reads as dropped and re-added.
    assert {t.name: t.id for t in draft.to_schema().tables} == {t.name: t.id for t in v2.schema().tables}


def test_without_a_hand_made_change_the_draft_is_the_version(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    v1, _, _ = publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    deploy(cast, connection, 1, django_capture_on_commit_callbacks)
    client.force_login(cast.owner)

    client.post(connection_path(connection, "draft/"))

    draft = Draft.objects.get(project=cast.project)
    assert draft.base_version == v1 and draft.diff_against_base() == []


def test_an_unreachable_database_makes_no_draft(client: Client, cast: Cast) -> None:
    connection = add_connection(cast, f"postgresql://postgres:{SECRET_PASSWORD}@127.0.0.1:1/nowhere")
    client.force_login(cast.owner)

    response = client.post(connection_path(connection, "draft/"))

    assert response.status_code == 422
    content = response.content.decode()
    assert "No draft made: cannot connect to postgresql://postgres@127.0.0.1:1/nowhere" in content
    assert SECRET_PASSWORD not in content
    assert not Draft.objects.exists()
