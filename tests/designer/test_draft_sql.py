import pytest

from designer.models import Draft
from tests.designer.change_schemas import DROP_STATUS, STATUS_LOSS, without_status
from tests.designer.conftest import READ_MATRIX, draft_url
from tests.designer.schemas import sample_schema


@pytest.fixture
def dropping(draft):
    """The draft with the customers' status dropped."""
    draft.replace_content(without_status(draft.to_schema()), [])
    return draft


@pytest.mark.parametrize("role, status", READ_MATRIX)
@pytest.mark.parametrize("direction", ["up", "down"])
def test_role_matrix(client, cast, dropping, role, status, direction):
    client.force_login(cast.user(role))

    assert client.get(draft_url(dropping, f"change.{direction}.sql")).status_code == status


def test_it_downloads_the_change_from_the_base_version(client, cast, dropping):
    client.force_login(cast.viewer)

    response = client.get(draft_url(dropping, "change.up.sql"))

    filename = f"shop-draft-{dropping.pk}-up.postgresql.sql"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    text = response.content.decode()
    assert text.startswith(f"-- Shop draft #{dropping.pk} (Add things): the change from v1\n")
    assert STATUS_LOSS in text
    assert DROP_STATUS in text


def test_down_goes_back_to_the_base(client, cast, dropping):
    client.force_login(cast.viewer)

    text = client.get(draft_url(dropping, "change.down.sql") + "?dialect=mysql").content.decode()

    assert "ALTER TABLE `customer` ADD COLUMN `status`" in text


def test_a_draft_from_nothing_creates_everything(client, cast):
    draft = Draft.objects.create_from_schema(cast.project, sample_schema(), None, cast.architect)
    client.force_login(cast.viewer)

    text = client.get(draft_url(draft, "change.up.sql")).content.decode()

    assert "the change from an empty database" in text
    assert 'CREATE TABLE "order"' in text


def test_a_dialect_that_cannot_express_it_is_a_message(client, cast):
    draft = Draft.objects.create_from_schema(cast.project, sample_schema(), None, cast.architect)
    client.force_login(cast.viewer)

    response = client.get(draft_url(draft, "change.up.sql") + "?dialect=sqlite")

    assert response.status_code == 422
    assert b"type postgresql:inet has no sqlite equivalent" in response.content


def test_other_projects_drafts_are_a_404(client, cast, draft):
    client.force_login(cast.owner)

    assert client.get(f"/p/shop/d/{draft.pk + 1}/change.up.sql").status_code == 404
