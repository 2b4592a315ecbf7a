"""A new project from a connection's live schema: architects and owners of the connection's
project; its author becomes the new project's owner and its first draft holds the live schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from designer.models import Draft, Membership, Project, Role
from tests.designer.conftest import EDIT_MATRIX, Cast
from tests.designer.connection_pages import connection_path, connection_settings, deploy, run_sql, sqlite_connection  # noqa: F401
from tests.designer.deployments import publish_three

pytestmark = pytest.mark.usefixtures("connection_settings")


@pytest.mark.parametrize("role, status", [(role, 302 if status == 200 else status) for role, status in EDIT_MATRIX])
def test_role_matrix(client: Client, cast: Cast, tmp_path: Path, role: str, status: int) -> None:
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.user(role))

    response = client.post(connection_path(connection, "project/"), {"name": "From the live one"})

    assert response.status_code == status
    assert Project.objects.filter(name="From the live one").exists() == (status == 302)


def test_the_new_project_is_its_authors_and_its_draft_holds_the_live_schema(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    publish_three(cast.project, cast.owner)
    connection = sqlite_connection(cast, tmp_path)
    deploy(cast, connection, 2, django_capture_on_commit_callbacks)
    run_sql(connection, 'CREATE TABLE "made by hand" (id integer PRIMARY KEY)')
    client.force_login(cast.architect)

    response = client.post(connection_path(connection, "project/"), {"name": "Shop, as it runs"})

    new = Project.objects.get(name="Shop, as it runs")
    draft = Draft.objects.get(project=new)
    assert response["Location"] == f"/p/{new.slug}/d/{draft.pk}/"
    assert new.dialect == "sqlite" and new.versions.count() == 0
    assert Membership.objects.get(project=new).user == cast.architect
    assert Membership.objects.get(project=new).role == Role.OWNER
    assert draft.base_version is None
    assert sorted(t.name for t in draft.to_schema().tables) == ["item", "made by hand", "order line"]


def test_a_project_needs_a_name_and_nothing_is_made_without_one(client: Client, cast: Cast, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path)
    client.force_login(cast.owner)

    response = client.post(connection_path(connection, "project/"), {"name": ""})

    assert response.status_code == 422
    assert "No project made" in response.content.decode()
    assert Project.objects.count() == 1


def test_an_unreachable_database_makes_no_project(client: Client, cast: Cast, settings) -> None:
    from designer.deploy import registry

    cast.project.dialect = "postgresql"
    cast.project.save()
    connection = registry.add(cast.project, cast.owner, "gone", "development", "postgresql://postgres@127.0.0.1:1/nowhere")
    client.force_login(cast.owner)

    response = client.post(connection_path(connection, "project/"), {"name": "Never"})

    assert response.status_code == 422
    assert "No project made" in response.content.decode()
    assert not Project.objects.filter(name="Never").exists()
