import pytest

from designer.models import DraftTable
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    htmx_post(client, cast.architect, draft_url(draft, "tables/new/"), {"new-table-name": "author"})

    response = htmx_post(client, cast.user(role), draft_url(draft, "undo/"))

    assert response.status_code == status
    assert DraftTable.objects.filter(name="author").exists() == (status != 200)


def test_it_undoes_the_last_changes_one_by_one(client, cast, draft):
    before = draft.to_schema()
    htmx_post(client, cast.architect, draft_url(draft, "tables/new/"), {"new-table-name": "author"})
    htmx_post(client, cast.architect, draft_url(draft, "t/t-order/edit/"), {"table-name": "orders"})

    response = htmx_post(client, cast.architect, draft_url(draft, "undo/"), {"table": "t-order"})

    content = response.content.decode()
    assert content.startswith('<div id="workspace"')
    assert "Undone: Rename table order to orders." in content
    assert "Add table author" in content  # the next step Undo offers
    assert 'value="t-order"' in content
    assert "draft-changed" in response["HX-Trigger"]
    htmx_post(client, cast.architect, draft_url(draft, "undo/"))
    assert draft.to_schema() == before


def test_with_nothing_to_undo_it_says_so(client, cast, draft):
    response = htmx_post(client, cast.architect, draft_url(draft, "undo/"))

    assert response.status_code == 200
    assert "There is nothing to undo." in response.content.decode()


def test_undo_restores_a_deleted_table_with_its_uids(client, cast, draft):
    htmx_post(client, cast.architect, draft_url(draft, "t/t-customer/delete/"))

    htmx_post(client, cast.architect, draft_url(draft, "undo/"))

    assert draft.to_schema() == draft.base_schema()
    assert draft.diff_against_base() == []


def test_without_htmx_it_redirects(client, cast, draft):
    client.force_login(cast.architect)

    response = client.post(draft_url(draft, "undo/"))

    assert response.status_code == 302
