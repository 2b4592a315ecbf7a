import pytest

from designer.models import DraftForeignKey, DraftTable
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post


@pytest.fixture
def book(client, cast, draft):
    """A ``book`` table with an id key, beside the sample's customer and order."""
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, "tables/new/"),
        {"new-table-name": "book", "new-table-with_id": "on"},
    )
    return DraftTable.objects.get(draft=draft, name="book")


def relate(client, user, draft, table_uid: str, **fields):
    data = {"rel-kind": "one_to_many", "rel-on_delete": "NO ACTION", "rel-required": "on", **fields}
    return htmx_post(client, user, draft_url(draft, f"t/{table_uid}/relationships/new/"), data)


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, book, role, status):
    response = relate(client, cast.user(role), draft, book.uid, **{"rel-target": "t-customer"})

    assert response.status_code == status
    assert DraftForeignKey.objects.filter(table=book).exists() == (status == 200)


def test_one_to_many_adds_columns_of_the_key_types_and_a_foreign_key(client, cast, draft, book):
    response = relate(
        client,
        cast.architect,
        draft,
        book.uid,
        **{"rel-target": "t-customer", "rel-on_delete": "CASCADE"},
    )

    assert response.status_code == 200
    table = draft.to_schema().table("book")
    assert table.column_names == ("id", "customer_region", "customer_number")
    assert [str(c.type) for c in table.columns[1:]] == ["char(2)", "integer"]
    assert not table.column("customer_region").nullable
    (fk,) = table.foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete) == (
        ("customer_region", "customer_number"),
        "customer",
        ("region", "number"),
        "CASCADE",
    )
    assert table.uniques == ()


def test_one_to_one_adds_a_unique_constraint(client, cast, draft, book):
    relate(
        client,
        cast.architect,
        draft,
        book.uid,
        **{"rel-kind": "one_to_one", "rel-target": "t-order", "rel-required": ""},
    )

    table = draft.to_schema().table("book")
    assert table.column("order_id").nullable
    assert table.uniques[0].columns == ("order_id",)


def test_an_existing_column_of_the_same_type_is_reused(client, cast, draft, book):
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, f"t/{book.uid}/columns/new/"),
        {"name": "order_id", "type": "bigint"},
    )

    relate(client, cast.architect, draft, book.uid, **{"rel-target": "t-order"})

    table = draft.to_schema().table("book")
    assert table.column_names == ("id", "order_id")
    assert table.foreign_keys[0].columns == ("order_id",)


def test_an_existing_column_of_another_type_is_refused(client, cast, draft, book):
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, f"t/{book.uid}/columns/new/"),
        {"name": "order_id", "type": "text"},
    )

    response = relate(client, cast.architect, draft, book.uid, **{"rel-target": "t-order"})

    assert response.status_code == 422
    assert "has a column “order_id” of type text, not bigint" in response.content.decode()


def test_many_to_many_creates_the_junction_table(client, cast, draft, book):
    response = relate(
        client,
        cast.architect,
        draft,
        book.uid,
        **{"rel-kind": "many_to_many", "rel-target": "t-customer"},
    )

    assert response.status_code == 200
    assert "book_customer" in response.content.decode()  # in the table list, swapped out of band
    junction = draft.to_schema().table("book_customer")
    assert junction.column_names == ("book_id", "customer_region", "customer_number")
    assert all(not c.nullable for c in junction.columns)
    assert junction.primary_key.columns == junction.column_names
    refs = sorted((fk.ref_table, fk.columns, fk.on_delete) for fk in junction.foreign_keys)
    assert refs == [
        ("book", ("book_id",), "CASCADE"),
        ("customer", ("customer_region", "customer_number"), "CASCADE"),
    ]
    assert junction.indexes[0].columns == ("customer_region", "customer_number")
    assert draft.changes.first().description == "Relate book to customer (many-to-many)"


def test_many_to_many_with_itself_names_the_other_side(client, cast, draft, book):
    relate(
        client,
        cast.architect,
        draft,
        book.uid,
        **{"rel-kind": "many_to_many", "rel-target": book.uid, "rel-junction": "sequel"},
    )

    assert draft.to_schema().table("sequel").column_names == ("book_id", "related_book_id")


def test_the_junction_name_must_be_free(client, cast, draft, book):
    response = relate(
        client,
        cast.architect,
        draft,
        book.uid,
        **{"rel-kind": "many_to_many", "rel-target": "t-order", "rel-junction": "customer"},
    )

    assert response.status_code == 422
    assert "There is a table called “customer” already." in response.content.decode()


def test_a_target_without_primary_key_is_refused(client, cast, draft, book):
    DraftTable.objects.filter(uid="t-order").update(pk_columns=[])

    response = relate(client, cast.architect, draft, book.uid, **{"rel-target": "t-order"})

    assert response.status_code == 422
    assert "has no primary key to point at" in response.content.decode()


def test_the_migration_creates_it_all(client, cast, draft, book):
    relate(
        client,
        cast.architect,
        draft,
        book.uid,
        **{"rel-kind": "many_to_many", "rel-target": "t-order"},
    )

    from designer.preview import migration

    kinds = [op.kind for op in draft.diff_against_base()]
    assert kinds.count("create_table") == 2
    up = migration(draft.base_schema(), draft.to_schema(), "postgresql").up
    assert up.count("FOREIGN KEY") == 2
