import pytest

from designer.models import DraftColumn, DraftEnum
from tests.designer.conftest import EDIT_MATRIX, HTMX, draft_url, htmx_post

URL = "enums/e-status/edit/"


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))
    assert client.get(draft_url(draft, URL), **HTMX).status_code == status

    response = htmx_post(
        client,
        cast.user(role),
        draft_url(draft, URL),
        {"enum-edit-name": "status", "enum-edit-values": "active, closed, frozen"},
    )

    assert response.status_code == status
    expected = ["active", "closed", "frozen"] if status == 200 else ["active", "closed"]
    assert DraftEnum.objects.get(uid="e-status").values == expected


def test_get_shows_the_form_in_the_sidebar(client, cast, draft):
    client.force_login(cast.architect)

    content = client.get(draft_url(draft, URL), **HTMX).content.decode()

    assert 'name="enum-edit-values" value="active, closed"' in content


def test_a_rename_retypes_its_columns(client, cast, draft):
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"enum-edit-name": "state", "enum-edit-values": "active, closed"},
    )

    assert DraftColumn.objects.get(uid="c-status").type == "enum(state)"
    kinds = [op.kind for op in draft.diff_against_base()]
    assert kinds == ["rename_enum"]


def test_a_value_used_as_a_default_must_stay(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"enum-edit-name": "status", "enum-edit-values": "closed"},
    )

    assert response.status_code == 422
    assert "Columns use active as their default: keep it." in response.content.decode()
