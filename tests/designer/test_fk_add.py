import pytest

from designer.models import DraftForeignKey
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post
from tests.designer.schemas import col

URL = "t/t-order/fks/new/"


def add_customer_id(draft, type_: str = "bigint") -> None:
    from designer.editing import ColumnData, add_column
    from designer.models import DraftTable

    add_column(DraftTable.objects.get(uid="t-order"), ColumnData("helper_id", type_))


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    add_customer_id(draft)
    data = {
        "fk-columns": [],
        "fk-ref_table": "t-order",
        "fk-on_delete": "NO ACTION",
        "fk-on_update": "NO ACTION",
    }
    data["fk-columns"] = [draft.to_schema().table("order").column("helper_id").id]

    response = htmx_post(client, cast.user(role), draft_url(draft, URL), data)

    assert response.status_code == status
    assert DraftForeignKey.objects.filter(draft=draft).count() == (2 if status == 200 else 1)


def test_a_self_reference_to_the_primary_key(client, cast, draft):
    add_customer_id(draft)
    uid = draft.to_schema().table("order").column("helper_id").id

    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {
            "fk-columns": [uid],
            "fk-ref_table": "t-order",
            "fk-on_delete": "SET NULL",
            "fk-on_update": "CASCADE",
        },
    )

    assert response.status_code == 200
    fk = next(
        f for f in draft.to_schema().table("order").foreign_keys if f.columns == ("helper_id",)
    )
    assert (fk.ref_table, fk.ref_columns, fk.on_delete, fk.on_update) == (
        "order",
        ("id",),
        "SET NULL",
        "CASCADE",
    )
    assert "add_foreign_key" in [op.kind for op in draft.diff_against_base()]


def test_a_composite_key_with_named_columns(client, cast, draft):
    DraftForeignKey.objects.filter(draft=draft).delete()

    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {
            "fk-columns": ["o-region", "o-number"],
            "fk-ref_table": "t-customer",
            "fk-ref_columns": "region, number",
            "fk-on_delete": "CASCADE",
            "fk-on_update": "NO ACTION",
            "fk-name": "order_customer_fkey",
        },
    )

    assert response.status_code == 200
    assert draft.diff_against_base() == []


def test_a_type_mismatch_is_refused(client, cast, draft):
    add_customer_id(draft, "varchar(10)")
    uid = draft.to_schema().table("order").column("helper_id").id

    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {
            "fk-columns": [uid],
            "fk-ref_table": "t-order",
            "fk-on_delete": "NO ACTION",
            "fk-on_update": "NO ACTION",
        },
    )

    assert response.status_code == 422
    assert "order.helper_id is varchar(10) but order.id is bigint" in response.content.decode()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"fk-ref_columns": "email"}, "pairs 2 columns with 1"),
        ({"fk-ref_columns": "region, nope"}, "has no column “nope”"),
        ({"fk-ref_columns": "region, email"}, "is integer but customer.email is varchar(200)"),
        ({"fk-ref_table": "gone"}, "Choose a table of this draft."),
        ({"fk-on_delete": "EXPLODE"}, "Select a valid choice"),
        (
            {"fk-on_delete": "SET NULL"},
            "sets customer_region, customer_number to NULL on delete, but they are NOT NULL",
        ),
    ],
)
def test_bad_foreign_keys_are_refused(client, cast, draft, changes, message):
    data = {
        "fk-columns": ["o-region", "o-number"],
        "fk-ref_table": "t-customer",
        "fk-on_delete": "NO ACTION",
        "fk-on_update": "NO ACTION",
        **changes,
    }

    response = htmx_post(client, cast.architect, draft_url(draft, URL), data)

    assert response.status_code == 422
    assert message in response.content.decode()


def test_the_target_must_be_a_key(client, cast, draft):
    add_customer_id(draft, "timestamptz")
    uid = draft.to_schema().table("order").column("helper_id").id

    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {
            "fk-columns": [uid],
            "fk-ref_table": "t-customer",
            "fk-ref_columns": "created",
            "fk-on_delete": "NO ACTION",
            "fk-on_update": "NO ACTION",
        },
    )

    assert response.status_code == 422
    assert "customer(created) is neither its primary key nor unique" in response.content.decode()


def test_a_target_without_primary_key_needs_named_columns(client, cast, draft):
    from designer.models import DraftTable

    DraftTable.objects.filter(uid="t-customer").update(pk_columns=[])

    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        {
            "fk-columns": ["o-region"],
            "fk-ref_table": "t-customer",
            "fk-on_delete": "NO ACTION",
            "fk-on_update": "NO ACTION",
        },
    )

    assert "has no primary key: name the columns" in response.content.decode()


__all__ = ["col"]
