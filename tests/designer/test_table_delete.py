import pytest

from designer.models import DraftForeignKey, DraftTable
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(client, cast.user(role), draft_url(draft, "t/t-order/delete/"))

    assert response.status_code == status
    assert DraftTable.objects.filter(uid="t-order").exists() == (status != 200)


def test_deleting_a_referenced_table_takes_the_foreign_keys_to_it(client, cast, draft):
    response = htmx_post(client, cast.architect, draft_url(draft, "t/t-customer/delete/"))

    assert response.content.decode().startswith('<div id="workspace"')
    assert not DraftForeignKey.objects.filter(draft=draft).exists()
    schema = draft.to_schema()
    assert [t.name for t in schema.tables] == ["order"]
    kinds = [op.kind for op in draft.diff_against_base()]
    assert "drop_foreign_key" in kinds and "drop_table" in kinds


def test_the_migration_marks_the_drop_destructive(client, cast, draft):
    htmx_post(client, cast.architect, draft_url(draft, "t/t-order/delete/"))

    assert any(op.destructive for op in draft.diff_against_base())


def test_it_rejects_get(client, cast, draft):
    client.force_login(cast.architect)

    assert client.get(draft_url(draft, "t/t-order/delete/")).status_code == 405
