import pytest

from designer.models import DraftTable, TableGroup
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post


@pytest.fixture
def group(draft):
    group = TableGroup.objects.create(draft=draft, name="Sales", uid="g1")
    DraftTable.objects.filter(uid="t-order").update(group=group)
    return group


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, group, role, status):
    response = htmx_post(client, cast.user(role), draft_url(draft, "groups/g1/delete/"))

    assert response.status_code == status
    assert TableGroup.objects.exists() == (status != 200)


def test_its_tables_stay_ungrouped(client, cast, draft, group):
    htmx_post(client, cast.architect, draft_url(draft, "groups/g1/delete/"))

    assert DraftTable.objects.get(uid="t-order").group is None


def test_unknown_groups_are_a_404(client, cast, draft):
    assert (
        htmx_post(client, cast.architect, draft_url(draft, "groups/nope/delete/")).status_code
        == 404
    )
