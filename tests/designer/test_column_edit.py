import pytest
from django.utils.html import escape

from designer.models import DraftColumn
from migrations_engine.operations import RenameColumn
from tests.designer.conftest import EDIT_MATRIX, HTMX, draft_url, htmx_post

URL = "t/t-customer/c/c-email/edit/"


def fields(**changes) -> dict:
    return {"name": "email", "type": "varchar(200)", "unique": "on", "comment": "login", **changes}


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))
    assert client.get(draft_url(draft, URL), **HTMX).status_code == status

    response = htmx_post(client, cast.user(role), draft_url(draft, URL), fields(name="mail"))

    assert response.status_code == status
    assert DraftColumn.objects.get(uid="c-email").name == ("mail" if status == 200 else "email")


def test_get_turns_the_row_into_a_form(client, cast, draft):
    client.force_login(cast.architect)

    content = client.get(draft_url(draft, URL), **HTMX).content.decode()

    assert 'id="edit-column"' in content
    assert 'name="name" value="email"' in content
    assert 'name="type" value="varchar(200)"' in content
    assert 'name="unique" checked' in content


def test_get_without_htmx_renders_the_page_with_the_form(client, cast, draft):
    client.force_login(cast.architect)

    content = client.get(draft_url(draft, URL)).content.decode()

    assert "<html" in content and 'id="edit-column"' in content


def test_a_rename_diffs_as_a_rename_not_a_drop_and_add(client, cast, draft):
    response = htmx_post(client, cast.architect, draft_url(draft, URL), fields(name="mail"))

    assert response.status_code == 200
    assert 'id="edit-column"' not in response.content.decode()
    assert draft.diff_against_base() == [
        RenameColumn(table="customer", old_name="email", new_name="mail")
    ]


def test_it_changes_type_nullability_default_and_keys(client, cast, draft):
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        fields(type="text", nullable="on", unique="", default="none@example.com"),
    )

    table = draft.to_schema().table("customer")
    column = table.column("email")
    assert (str(column.type), column.nullable, column.default.value) == (
        "text",
        True,
        "none@example.com",
    )
    assert not table.uniques


def test_leaving_the_primary_key_drops_it_when_empty(client, cast, draft):
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, "t/t-order/c/o-id/edit/"),
        {"name": "id", "type": "bigint", "identity": "on"},
    )

    assert draft.to_schema().table("order").primary_key is None


def test_refusal_keeps_the_row_in_edit_mode_with_the_typed_values(client, cast, draft):
    response = htmx_post(
        client, cast.architect, draft_url(draft, URL), fields(name="region", comment="typed")
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert 'id="edit-column"' in content
    assert 'name="name" value="region"' in content
    assert 'value="typed"' in content
    assert "has a column called “region” already" in content
    assert DraftColumn.objects.get(uid="c-email").name == "email"


def test_unknown_columns_are_a_404(client, cast, draft):
    response = htmx_post(
        client, cast.architect, draft_url(draft, "t/t-customer/c/o-id/edit/"), fields()
    )

    assert response.status_code == 404


def test_a_rename_carries_into_checks_and_index_conditions(client, cast, draft):
    """The check and the partial index follow the column, as RENAME COLUMN makes them do in the
    databases: the migration is the rename alone and the draft's schema stays valid."""
    number = {"name": "num", "type": "integer", "primary_key": "on"}
    total = {"name": "amount", "type": "decimal(10,2)", "default": "0", "nullable": "on"}
    htmx_post(client, cast.architect, draft_url(draft, "t/t-customer/c/c-number/edit/"), number)
    htmx_post(client, cast.architect, draft_url(draft, "t/t-order/c/o-total/edit/"), total)

    schema = draft.to_schema()
    assert [c.expression for c in schema.table("customer").checks] == ["num > 0"]
    assert [i.where for i in schema.table("order").indexes] == ["amount > 100"]
    assert draft.diff_against_base() == [
        RenameColumn(table="customer", old_name="number", new_name="num"),
        RenameColumn(table="order", old_name="total", new_name="amount"),
    ]


def test_an_expression_default_that_breaks_out_is_refused_and_kept(client, cast, draft):
    typed = "'x'); DROP TABLE items; --"
    response = htmx_post(
        client, cast.architect, draft_url(draft, URL), fields(default=typed, default_is_expression="on")
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert "The default closes a parenthesis it did not open" in content
    assert escape(typed) in content
    assert DraftColumn.objects.get(uid="c-email").default is None
