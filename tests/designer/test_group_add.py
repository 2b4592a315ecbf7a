import pytest

from designer.models import TableGroup
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post

URL = "groups/new/"


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(
        client,
        cast.user(role),
        draft_url(draft, URL),
        {"group-name": "Sales", "group-colour": "#ff8800"},
    )

    assert response.status_code == status
    assert TableGroup.objects.filter(draft=draft).exists() == (status == 200)


def test_it_adds_a_group_and_keeps_the_open_table(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"group-name": "Sales", "group-colour": "#FF8800", "table": "t-order"},
    )

    content = response.content.decode()
    assert content.startswith('<div id="workspace"')
    assert 'value="t-order"' in content
    assert TableGroup.objects.get().colour == "#ff8800"


def test_a_bad_colour_is_refused(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"group-name": "Sales", "group-colour": "red"},
    )

    assert response.status_code == 422
    assert "Give the colour as #rrggbb." in response.content.decode()
    assert 'value="Sales"' in response.content.decode()


def test_groups_travel_with_published_versions(client, cast, draft):
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"group-name": "Sales", "group-colour": "#ff8800"},
    )
    group = TableGroup.objects.get()
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, "t/t-order/edit/"),
        {"table-name": "order", "table-group": group.uid},
    )

    version = draft.publish(cast.owner)

    assert version.groups == [
        {"id": group.uid, "name": "Sales", "colour": "#ff8800", "tables": ["t-order"]}
    ]
