"""Downloads of a draft (designer/views/exports.py draft_export): the draft's current content
as every target of migrations_engine.generate; any member, outsiders 404; errors as messages."""

from __future__ import annotations

import pytest

from designer import editing
from designer.models import Draft
from migrations_engine import snapshot
from tests.designer.conftest import READ_MATRIX, expect_status
from tests.designer.schemas import sample_schema
from tests.designer.test_export_version import FILE_NAMES, check_content, download, needs


def url(draft: Draft, target: str) -> str:
    return f"/p/{draft.project.slug}/d/{draft.pk}/download/{target}/"


def file_name(draft: Draft, target: str) -> str:
    """The version's file name with the draft in it: shop-v1-draft-7.sql, shop_v1_draft_7_django.py."""
    return FILE_NAMES[target].replace("v1", f"v1-draft-{draft.pk}" if target not in ("sqlalchemy", "django") else f"v1_draft_{draft.pk}")


@pytest.mark.parametrize(("role", "status"), READ_MATRIX)
def test_every_member_downloads_outsiders_get_404(client, cast, draft, role, status):
    assert expect_status(client, cast.user(role), "get", url(draft, "sql")) == status


@pytest.mark.parametrize("target", list(FILE_NAMES))
def test_each_target_is_an_attachment_of_the_drafts_content(client, cast, draft, target):
    needs(target)

    response, text = download(client, cast.reviewer, url(draft, target))

    assert response["Content-Disposition"] == f'attachment; filename="{file_name(draft, target)}"'
    check_content(target, text, draft.to_schema())


def test_it_is_the_current_content(client, cast, draft):
    with editing.change(draft, "Add table shipment"):
        editing.add_table(draft, "shipment")

    _, text = download(client, cast.viewer, url(draft, "snapshot"))

    assert snapshot.loads(text).table("shipment").column_names == ("id",)


def test_a_draft_based_on_nothing_is_named_without_a_version(client, cast):
    draft = Draft.objects.create_from_schema(cast.project, sample_schema(), None, cast.owner)

    response, _ = download(client, cast.owner, url(draft, "sql"))

    assert response["Content-Disposition"] == f'attachment; filename="shop-draft-{draft.pk}.sql"'


def test_the_draft_page_has_the_download_menu(client, cast, draft):
    client.force_login(cast.viewer)

    page = client.get(f"/p/shop/d/{draft.pk}/").content.decode()

    for target in FILE_NAMES:
        assert f'href="{url(draft, target)}"' in page


def test_a_draft_of_another_project_is_404(client, cast, draft, django_user_model):
    from designer.models import Membership, Project, Role

    other = Project.objects.create(name="Other", slug="other", dialect="sqlite")
    Membership.objects.create(project=other, user=cast.owner, role=Role.OWNER)

    assert expect_status(client, cast.owner, "get", f"/p/other/d/{draft.pk}/download/sql/") == 404


def test_an_unknown_target_is_404(client, cast, draft):
    assert expect_status(client, cast.owner, "get", url(draft, "xml")) == 404


def test_what_the_engine_cannot_write_becomes_a_message(client, cast, draft):
    needs("sql")
    cast.project.dialect = "sqlite"
    cast.project.save()
    client.force_login(cast.viewer)

    response = client.get(url(draft, "sql"))

    assert response.status_code == 302 and response["Location"] == f"/p/shop/d/{draft.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Could not write SQL (CREATE script)" in page and "postgresql:inet has no sqlite equivalent" in page
