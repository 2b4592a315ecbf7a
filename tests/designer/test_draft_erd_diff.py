import pytest

from designer import editing
from designer.models import Draft, DraftColumn
from migrations_engine.schema import Schema
from tests.designer.conftest import HTMX, READ_MATRIX, draft_url
from tests.designer.schemas import sample_schema


@pytest.mark.parametrize("role, status", READ_MATRIX)
@pytest.mark.parametrize("rest", ["erd/diff/", "erd/diff.svg"])
def test_role_matrix(client, cast, draft, role, status, rest):
    client.force_login(cast.user(role))

    assert client.get(draft_url(draft, rest)).status_code == status


def test_it_shows_renames_additions_and_removals(client, cast, draft):
    email = DraftColumn.objects.get(draft=draft, uid="c-email")
    with editing.change(draft, "Rename"):
        email.name = "mail"
        email.save()
        editing.delete_column(DraftColumn.objects.get(draft=draft, uid="o-note"))
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "erd/diff/")).content.decode()

    assert "Add things: changes from v1" in content
    assert ">email → mail</text>" in content
    assert 'text-decoration="line-through"' in content and ">note</text>" in content
    assert "2 of 2 tables, 2 changed" in content
    assert 'class="erd-legend' in content


def test_a_draft_from_nothing_is_all_additions(client, cast):
    draft = Draft.objects.create_from_schema(cast.project, sample_schema(), None, cast.architect)
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "erd/diff/"), **HTMX).content.decode()

    assert "changes from an empty database" in content
    assert 'class="node erd&#45;added"' in content
    assert "2 changed" in content


def test_no_change_is_a_plain_diagram(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "erd/diff/")).content.decode()

    assert "0 changed" in content and "erd&#45;" not in content


def test_a_download(client, cast, draft):
    draft.replace_content(Schema(), [])
    client.force_login(cast.viewer)

    response = client.get(draft_url(draft, "erd/diff.dot"))

    assert (
        response["Content-Disposition"]
        == f'attachment; filename="shop-draft-{draft.pk}-changes.dot"'
    )
    assert b"<S>" in response.content  # both tables removed, struck through
