"""An import's page (designer/views/imports.py import_result, rename_confirm): the change against
the content before, and likely renames confirmed one by one, each an undoable change."""

from __future__ import annotations

from dataclasses import replace

import pytest

from designer.models import DraftChange, DraftTable, TableGroup
from designer.conversion import read_content
from migrations_engine.operations import RenameColumn, RenameTable
from tests.designer.conftest import EDIT_MATRIX, READ_MATRIX, expect_status
from tests.designer.schemas import sample_schema
from tests.designer.test_import_draft import without_ids


def renamed_column():
    """The sample with customer.email renamed (and its unique key following it)."""
    schema = sample_schema()
    customer = schema.table("customer")
    email = customer.column("email")
    customer = customer.replace_column("email", replace(email, name="email_address"))
    customer = replace(customer, uniques=tuple(replace(u, columns=("email_address",)) for u in customer.uniques))
    return schema.replace_table("customer", customer)


def renamed_table():
    """The sample with table "order" renamed "purchase"."""
    schema = sample_schema()
    return schema.without_table("order").with_table(replace(schema.table("order"), name="purchase"))


def imported(client, cast, draft, schema) -> str:
    """Import ``schema`` (without ids) as the architect; the import page's address."""
    client.force_login(cast.architect)
    response = client.post(
        f"/p/shop/d/{draft.pk}/import/",
        {"draft_token": str(draft.content_token), "source": "snapshot", "text": without_ids(schema)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    return response["Location"]


def confirm(client, user, draft, page: str, key: str):
    client.force_login(user)
    draft.refresh_from_db()
    return client.post(page + "rename/", {"draft_token": str(draft.content_token), "key": key})


@pytest.mark.parametrize(("role", "status"), READ_MATRIX)
def test_every_member_sees_the_import(client, cast, draft, role, status):
    page = imported(client, cast, draft, renamed_column())

    assert expect_status(client, cast.user(role), "get", page) == status


def test_the_page_suggests_the_rename_and_shows_the_change(client, cast, draft):
    page = imported(client, cast, draft, renamed_column())

    html = client.get(page).content.decode()

    assert "Rename column customer.email to email_address" in html
    assert 'value="column:customer:email:email_address"' in html and "Confirm rename" in html
    assert "Drop column “email” from table “customer”" in html or "“email”" in html
    client.force_login(cast.viewer)
    assert "Confirm rename" not in client.get(page).content.decode()


def test_confirming_a_column_rename_makes_it_a_rename(client, cast, draft):
    page = imported(client, cast, draft, renamed_column())
    assert {type(op).__name__ for op in draft.diff_against_base()} >= {"AddColumn", "DropColumn"}

    response = confirm(client, cast.architect, draft, page, "column:customer:email:email_address")

    assert response.status_code == 302 and response["Location"] == page
    draft.refresh_from_db()
    operations = draft.diff_against_base()
    assert [type(op) for op in operations if not type(op).__name__.startswith(("RenameConstraint", "RenameIndex"))] == [RenameColumn]
    html = client.get(page).content.decode()
    assert "Rename column customer.email to email_address: done." in html
    assert 'value="column:customer:email:email_address"' not in html
    assert DraftChange.objects.filter(draft=draft, kind=DraftChange.UNDO).count() == 2


def test_confirming_a_table_rename_keeps_its_group(client, cast, draft):
    group = TableGroup.objects.create(draft=draft, name="sales")
    DraftTable.objects.filter(draft=draft, name="order").update(group=group)
    page = imported(client, cast, draft, renamed_table())
    assert "Rename table order to purchase" in client.get(page).content.decode()

    confirm(client, cast.owner, draft, page, "table::order:purchase")

    draft.refresh_from_db()
    assert [type(op) for op in draft.diff_against_base()] == [RenameTable]
    table = DraftTable.objects.get(draft=draft, name="purchase")
    assert table.uid == "t-order" and table.group.uid == group.uid
    assert read_content(draft).group_of("t-order").name == "sales"


@pytest.mark.parametrize(("role", "status"), [(r, 302 if s == 200 else s) for r, s in EDIT_MATRIX])
def test_only_architects_and_owners_confirm(client, cast, draft, role, status):
    page = imported(client, cast, draft, renamed_column())

    response = confirm(client, cast.user(role), draft, page, "column:customer:email:email_address")

    assert response.status_code == status
    renamed = any(isinstance(op, RenameColumn) for op in draft.diff_against_base())
    assert renamed == (status == 302)


def test_a_rename_no_longer_offered_is_said_so(client, cast, draft):
    page = imported(client, cast, draft, renamed_column())

    confirm(client, cast.architect, draft, page, "column:customer:email:nope")

    assert "That rename is no longer suggested" in client.get(page).content.decode()
    assert not any(isinstance(op, RenameColumn) for op in draft.diff_against_base())


def test_a_confirmation_from_a_stale_page_changes_nothing(client, cast, draft):
    page = imported(client, cast, draft, renamed_column())
    client.force_login(cast.architect)

    response = client.post(page + "rename/", {"draft_token": "stale", "key": "column:customer:email:email_address"})

    assert response.status_code == 409
    assert not any(isinstance(op, RenameColumn) for op in draft.diff_against_base())


def test_an_undone_import_has_no_page(client, cast, draft):
    page = imported(client, cast, draft, renamed_column())
    client.post(f"/p/shop/d/{draft.pk}/undo/", {"draft_token": str(draft.content_token)})

    assert client.get(page).status_code == 404
    assert confirm(client, cast.architect, draft, page, "column:customer:email:email_address").status_code == 404


def test_a_confirmed_rename_is_undone_on_its_own(client, cast, draft):
    page = imported(client, cast, draft, renamed_column())
    confirm(client, cast.architect, draft, page, "column:customer:email:email_address")
    draft.refresh_from_db()

    client.post(f"/p/shop/d/{draft.pk}/undo/", {"draft_token": str(draft.content_token)})

    draft.refresh_from_db()
    kinds = {type(op).__name__ for op in draft.diff_against_base()}
    assert "RenameColumn" not in kinds and {"AddColumn", "DropColumn"} <= kinds
    assert 'value="column:customer:email:email_address"' in client.get(page).content.decode()
