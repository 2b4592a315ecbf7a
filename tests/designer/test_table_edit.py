import pytest

from designer.models import DraftTable, TableGroup
from migrations_engine.operations import RenameTable
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post

URL = "t/t-order/edit/"


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(client, cast.user(role), draft_url(draft, URL), {"table-name": "orders"})

    assert response.status_code == status
    assert DraftTable.objects.get(uid="t-order").name == ("orders" if status == 200 else "order")


def test_a_rename_is_a_rename_in_the_migration(client, cast, draft):
    response = htmx_post(client, cast.architect, draft_url(draft, URL), {"table-name": "orders"})

    content = response.content.decode()
    assert content.startswith('<section id="table-panel"')
    assert 'id="table-list" class="table-list" hx-swap-oob="true"' in content
    assert 'id="undo-bar" class="undo-bar" hx-swap-oob="true"' in content
    assert "Rename table order to orders" in content
    assert "draft-changed" in response["HX-Trigger"]
    operations = draft.diff_against_base()
    assert RenameTable(old_name="order", new_name="orders") in operations
    assert not any(op.destructive for op in operations)


def test_it_sets_comment_and_group(client, cast, draft):
    group = TableGroup.objects.create(draft=draft, name="Sales")

    htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"table-name": "order", "table-comment": "what we sell", "table-group": group.uid},
    )

    table = DraftTable.objects.get(uid="t-order")
    assert (table.comment, table.group) == ("what we sell", group)


def test_a_taken_name_is_refused_and_kept(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {"table-name": "customer", "table-comment": "typed"},
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert "There is a table called “customer” already." in content
    assert 'value="typed"' in content
    assert DraftTable.objects.get(uid="t-order").name == "order"


def test_unknown_tables_are_a_404(client, cast, draft):
    response = htmx_post(
        client, cast.architect, draft_url(draft, "t/nope/edit/"), {"table-name": "x"}
    )

    assert response.status_code == 404
