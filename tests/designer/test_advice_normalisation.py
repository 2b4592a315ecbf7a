"""Normalisation hints of a draft: everyone in the project sees them, architects and owners apply
one (an undoable edit, refused on a stale page), rows sampled from a connection add the hints
only rows show."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from designer.models import Draft, DraftChange, SchemaVersion
from migrations_engine.advice.normalisation import hint_for
from migrations_engine.compare import differences
from migrations_engine.schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.designer.conftest import EDIT_MATRIX, HTMX, READ_MATRIX, Cast, draft_url, htmx_post
from tests.designer.connection_pages import (  # noqa: F401
    add_connection,
    connection_settings,
    sqlite_connection,
)
from tests.designer.deployments import SECRET_PASSWORD
from tests.engine.roundtrip import create_schema, insert_rows


def col(name: str, type_text: str = "varchar(40)", **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_text), id=f"c-{name}", **kwargs)


def key() -> Column:
    return Column("id", ColumnType("bigint"), nullable=False, identity=True)


def shop() -> Schema:
    customers = Table(
        "customers",
        columns=(key(), col("name"), col("phone1"), col("phone2"), col("phone3")),
        primary_key=PrimaryKey(("id",), "customers_pkey"),
        indexes=(Index(("phone1",), "customers_phone1_idx", id="i-phone1"),),
        checks=(Check("phone2 <> ''", "customers_phone2_check", id="k-phone2"),),
        id="t-customers",
    )
    orders = Table(
        "orders",
        columns=(key(), col("customer_id", "bigint"), col("customer_name"), col("zip", "varchar(10)"), col("city")),
        primary_key=PrimaryKey(("id",), "orders_pkey"),
        foreign_keys=(ForeignKey(("customer_id",), "customers", ("id",), "orders_customer_id_fkey"),),
        id="t-orders",
    )
    return Schema((customers, orders))


@pytest.fixture
def shop_draft(cast: Cast) -> Draft:
    version = SchemaVersion.publish(cast.project, shop(), author=cast.owner, message="shop")
    return Draft.objects.create_from_version(version, cast.architect, title="Tidy")


GROUP = {"kind": "repeating-group", "table": "customers", "columns": ["phone1", "phone2", "phone3"]}
PAGE = "advice/normalisation/"
APPLY = "advice/normalisation/apply/"


def apply(client: Client, user, draft: Draft, data: dict, **extra):
    client.force_login(user)
    return client.post(draft_url(draft, APPLY), {**data, "draft_token": str(draft.content_token)}, **extra)


# ---------------------------------------------------------------- the page


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix_of_the_page(client: Client, cast: Cast, shop_draft: Draft, role: str, status: int) -> None:
    client.force_login(cast.user(role))

    response = client.get(draft_url(shop_draft, PAGE))

    assert response.status_code == status
    if status == 200:
        content = response.content.decode()
        assert "Move customers.phone1, phone2, phone3 to a child table customers_phones" in content
        assert "Drop orders.customer_name, a copy of customers" in content
        assert "functional-dependency" not in content  # no rows sampled
        assert ("Apply</button>" in content) == (role in ("owner", "architect"))


def test_the_editor_links_to_it(client: Client, cast: Cast, shop_draft: Draft) -> None:
    client.force_login(cast.viewer)

    response = client.get(draft_url(shop_draft))

    assert f'href="{draft_url(shop_draft, PAGE)}">Normalisation hints</a>' in response.content.decode()


def test_htmx_gets_the_list_alone(client: Client, cast: Cast, shop_draft: Draft) -> None:
    client.force_login(cast.viewer)

    response = client.get(draft_url(shop_draft, PAGE), **HTMX)

    content = response.content.decode()
    assert content.startswith('<section id="hints">')
    assert "customers_phones" in content


# ---------------------------------------------------------------- apply


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix_of_apply(client: Client, cast: Cast, shop_draft: Draft, role: str, status: int) -> None:
    before = shop_draft.to_schema()

    response = apply(client, cast.user(role), shop_draft, GROUP)

    assert response.status_code == (302 if status == 200 else status)
    assert (shop_draft.to_schema() == before) == (status != 200)


def test_apply_makes_the_change_and_undo_takes_it_back(client: Client, cast: Cast, shop_draft: Draft) -> None:
    before = shop_draft.to_schema()
    proposed = hint_for(before, GROUP["kind"], GROUP["table"], GROUP["columns"]).proposed(before)

    response = apply(client, cast.architect, shop_draft, GROUP)

    assert response.status_code == 302
    assert response["Location"] == draft_url(shop_draft) + "?table=t-customers"
    after = shop_draft.to_schema()
    assert differences(after, proposed) == []
    assert after.table("customers").column_names == ("id", "name")
    assert after.table("customers").indexes == after.table("customers").checks == ()
    child = after.table("customers_phones")
    assert child.column_names == ("id", "customer_id", "phone")
    assert [(fk.columns, fk.ref_table, fk.on_delete) for fk in child.foreign_keys] == [(("customer_id",), "customers", "CASCADE")]
    page = client.get(draft_url(shop_draft)).content.decode()
    assert "Move customers.phone1, phone2, phone3 to a child table customers_phones" in page  # the undo bar

    shop_draft.refresh_from_db()
    undone = htmx_post(client, cast.architect, draft_url(shop_draft, "undo/"))

    assert "Undone: Move customers.phone1, phone2, phone3 to a child table customers_phones." in undone.content.decode()
    assert shop_draft.to_schema() == before


def test_apply_a_dependency_and_a_copied_column(client: Client, cast: Cast, shop_draft: Draft) -> None:
    before = shop_draft.to_schema()
    dependency = {"kind": "functional-dependency", "table": "orders", "columns": ["zip", "city"]}
    copied = {"kind": "copied-column", "table": "orders", "columns": ["customer_name"]}

    assert apply(client, cast.owner, shop_draft, dependency).status_code == 302
    shop_draft.refresh_from_db()
    response = apply(client, cast.owner, shop_draft, copied, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == draft_url(shop_draft) + "?table=t-orders"
    after = shop_draft.to_schema()
    assert after.table("orders").column_names == ("id", "customer_id", "zip")
    zips = after.table("zips")
    assert zips.column_names == ("zip", "city")
    assert zips.primary_key.columns == ("zip",)
    assert [i.columns for i in after.table("orders").indexes] == [("zip",)]
    assert sorted((fk.columns, fk.ref_table) for fk in after.table("orders").foreign_keys) == [
        (("customer_id",), "customers"),
        (("zip",), "zips"),
    ]
    htmx_post(client, cast.owner, draft_url(shop_draft, "undo/"))
    htmx_post(client, cast.owner, draft_url(shop_draft, "undo/"))
    assert shop_draft.to_schema() == before


def test_a_long_summary_is_cut_to_fit_the_undo_bar(client: Client, cast: Cast) -> None:
    numbered = tuple(col(f"a_rather_long_phone_number_column_name_{n}") for n in range(1, 13))
    contacts = Table("contacts", (key(), *numbered), PrimaryKey(("id",), "contacts_pkey"), id="t-contacts")
    version = SchemaVersion.publish(cast.project, Schema((contacts,)), author=cast.owner, message="wide")
    draft = Draft.objects.create_from_version(version, cast.architect, title="Wide")
    group = {"kind": "repeating-group", "table": "contacts", "columns": [c.name for c in numbered]}

    assert apply(client, cast.architect, draft, group).status_code == 302

    description = DraftChange.objects.filter(draft=draft).latest("id").description
    assert len(description) == 200
    assert description.startswith("Move contacts.a_rather_long_phone_number_column_name_1, ")
    assert description.endswith("…")


def test_a_stale_page_is_refused(client: Client, cast: Cast, shop_draft: Draft) -> None:
    stale = str(shop_draft.content_token)
    htmx_post(client, cast.architect, draft_url(shop_draft, "tables/new/"), {"new-table-name": "extra"})
    before = shop_draft.to_schema()

    response = client.post(draft_url(shop_draft, APPLY), {**GROUP, "draft_token": stale})

    assert response.status_code == 409
    assert shop_draft.to_schema() == before


def test_a_hint_that_no_longer_applies_is_refused(client: Client, cast: Cast, shop_draft: Draft) -> None:
    before = shop_draft.to_schema()

    response = apply(client, cast.architect, shop_draft, {**GROUP, "columns": ["phone1", "phone9"]})

    assert response.status_code == 422
    assert "has no column &#x27;phone9&#x27; any more" in response.content.decode()
    assert shop_draft.to_schema() == before


def test_unknown_kinds_and_empty_posts_are_refused(client: Client, cast: Cast, shop_draft: Draft) -> None:
    assert apply(client, cast.architect, shop_draft, {"kind": "nonsense", "table": "orders", "columns": ["zip"]}).status_code == 422
    assert apply(client, cast.architect, shop_draft, {}).status_code == 422


# ---------------------------------------------------------------- sampled rows


@pytest.mark.usefixtures("connection_settings")
def test_rows_sampled_from_a_connection_add_their_hints(
    client: Client, cast: Cast, shop_draft: Draft, dialect: str, db_url: DatabaseURL
) -> None:
    create_schema(db_url, shop())
    cities = {"10001": "New York", "60601": "Chicago", "94105": "San Francisco"}
    insert_rows(db_url, {"customers": [{"name": "Ann"}]})
    insert_rows(db_url, {"orders": [{"customer_id": 1, "zip": z, "city": cities[z]} for z in list(cities) * 5]})
    connection = add_connection(cast, db_url)
    client.force_login(cast.viewer)

    response = client.get(draft_url(shop_draft, PAGE), {"connection": connection.pk})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Sampled 2 tables of dev." in content
    assert "Move orders.city to zips, keyed by zip" in content
    assert "in all 15 sampled rows with a zip, 3 values" in content
    assert "Apply</button>" not in content  # a viewer
    assert SECRET_PASSWORD not in content


@pytest.mark.usefixtures("connection_settings")
def test_a_connection_that_cannot_be_read_is_said_not_a_500(client: Client, cast: Cast, shop_draft: Draft, tmp_path: Path) -> None:
    connection = sqlite_connection(cast, tmp_path)
    (tmp_path / "dev.sqlite3").unlink()
    client.force_login(cast.architect)

    response = client.get(draft_url(shop_draft, PAGE), {"connection": connection.pk})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Rows of dev could not be read: cannot open" in content
    assert "customers_phones" in content  # the schema's hints still


@pytest.mark.usefixtures("connection_settings")
def test_a_password_never_shows(client: Client, cast: Cast, shop_draft: Draft) -> None:
    connection = add_connection(cast, "postgresql://postgres:s3cr3t-pw@127.0.0.1:1/nowhere")
    client.force_login(cast.owner)

    response = client.get(draft_url(shop_draft, PAGE), {"connection": connection.pk})

    content = response.content.decode()
    assert "could not be read" in content
    assert "s3cr3t-pw" not in content


def test_another_projects_connection_is_a_404(client: Client, cast: Cast, shop_draft: Draft) -> None:
    client.force_login(cast.owner)

    assert client.get(draft_url(shop_draft, PAGE), {"connection": "99999"}).status_code == 404
    assert client.get(draft_url(shop_draft, PAGE), {"connection": "x"}).status_code == 404
