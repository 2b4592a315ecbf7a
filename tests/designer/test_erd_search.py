"""Search across a whole diagram: ``designer/erd/search.py`` and the ``…/erd/search/`` views."""

from __future__ import annotations

import time

import pytest

from designer.erd.model import REMOVED, Column, Diagram, Edge, Group, Table
from designer.erd.search import build_index, search
from designer.models import SchemaVersion
from tests.designer.conftest import READ_MATRIX, draft_url
from tests.designer.connection_pages import connection_path, connection_settings  # noqa: F401
from tests.designer.schemas import sample_schema, wide_schema

URL = "/p/shop/v/1/erd/search/"


def _diagram() -> Diagram:
    tables = [
        Table("customer", "t-customer", [Column("email", "text")], group="Sales", comment="people who buy"),
        Table("customer_note", "t-note", [Column("body", "text")], group="Sales"),
        Table("order", "t-order", [Column("customer_id", "bigint")], group="Sales"),
        Table("audit", "t-audit", [Column("customer_ref", "text")]),
        Table("old_customers", "t-old", [Column("x", "int")], status=REMOVED),
    ]
    edges = [Edge(2, (0,), 0, (0,), False, False, "order → customer")]
    return Diagram(tables, edges, {"Sales": Group("Sales", "#aa3300")})


def test_tables_first_exact_then_prefix_then_the_rest_then_columns_then_comments():
    found = search(build_index(_diagram()), "CUSTOMER")

    assert [(m.kind, m.table, m.column) for m in found] == [
        ("table", "customer", ""),
        ("table", "customer_note", ""),
        ("column", "order", "customer_id"),
        ("column", "audit", "customer_ref"),
    ]


def test_comments_are_searched_and_removed_tables_are_not():
    found = search(build_index(_diagram()), "who buy")

    assert [(m.kind, m.table, m.text) for m in found] == [("comment", "customer", "people who buy")]
    assert search(build_index(_diagram()), "old_cust") == []


def test_a_match_opens_its_group_or_its_neighbourhood_whichever_is_smaller():
    index = build_index(_diagram())

    (note,) = search(index, "customer_note")
    (audit,) = search(index, "audit")
    (customer,) = search(index, "customer", limit=1)

    # customer_note has no neighbour: its neighbourhood (1 table) is smaller than Sales (3).
    assert note.query() == {"focus": "customer_note", "hops": "1", "q": "customer_note", "at": "customer_note"}
    assert audit.group == "" and audit.query()["focus"] == "audit"
    assert customer.group == "Sales" and customer.query()["focus"] == "customer"


def test_a_small_group_is_the_view_of_its_tables():
    diagram = _diagram()
    diagram.tables[3].group = "Audit"
    diagram.groups["Audit"] = Group("Audit", "#336699")

    (audit,) = search(build_index(diagram), "audit")

    assert audit.query() == {"group": "Audit", "q": "audit", "at": "audit"}


def test_limits_and_empty_queries():
    index = build_index(_diagram())

    assert len(search(index, "e", limit=2)) == 2
    assert search(index, "   ") == []


def test_ten_thousand_tables_are_searched_in_milliseconds():
    tables = [
        Table(f"table_{n:05}", f"t{n}", [Column(f"col_{n}_{k}", "text") for k in range(10)], comment=f"note {n}")
        for n in range(10_000)
    ]
    diagram = Diagram(tables, [Edge(n, (0,), n - 1, (0,), False, False, "") for n in range(1, 10_000)], {})
    index = build_index(diagram)

    start = time.perf_counter()
    found = search(index, "table_09999")
    column = search(index, "col_9876_3")
    nothing = search(index, "no such thing")
    elapsed = time.perf_counter() - start

    assert [m.table for m in found] == ["table_09999"]
    assert [(m.table, m.column) for m in column] == [("table_09876", "col_9876_3")]
    assert nothing == []
    assert elapsed < 0.25  # three searches over 10,000 tables and 100,000 columns (about 30 ms here)


# ---------------------------------------------------------------- the views


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client, cast, version, role, status):
    client.force_login(cast.user(role))

    assert client.get(URL + "?find=email").status_code == status


def test_it_requires_login(client, version):
    assert client.get(URL + "?find=email").status_code == 302


def test_json_says_what_and_where_and_how_to_open_it(client, cast):
    groups = [{"id": "g1", "name": "Sales", "colour": "#aa3300", "tables": ["t-order"]}]
    SchemaVersion.publish(cast.project, sample_schema(), groups=groups, author=cast.owner)
    client.force_login(cast.viewer)

    data = client.get(URL + "?find=CUSTOMER&format=json").json()

    assert data["query"] == "CUSTOMER"
    assert [(m["kind"], m["table"], m["column"], m["group"]) for m in data["matches"]] == [
        ("table", "customer", "", ""),
        ("column", "order", "customer_region", "Sales"),
        ("column", "order", "customer_number", "Sales"),
    ]
    assert data["matches"][0]["url"] == "/p/shop/v/1/erd/?focus=customer&hops=1&q=customer&at=customer"
    # order's group (1 table) is smaller than its neighbourhood (2).
    assert data["matches"][1]["url"] == "/p/shop/v/1/erd/?group=Sales&q=customer_region&at=order"


def test_the_partial_lists_links_to_the_matches(client, cast, version):
    client.force_login(cast.viewer)

    content = client.get(URL + "?find=who+buy").content.decode()

    assert '<ul role="listbox"' in content
    assert 'href="/p/shop/v/1/erd/?focus=customer&amp;hops=1&amp;q=customer&amp;at=customer"' in content
    assert "comment: people who buy" in content
    assert "Nothing called “zzz”." in client.get(URL + "?find=zzz").content.decode()
    assert client.get(URL).content.decode().strip() == ""


def test_names_are_escaped(client, cast):
    schema = wide_schema(1)
    from dataclasses import replace

    table = replace(schema.tables[0], name='<img src=x onerror="alert(1)">')
    SchemaVersion.publish(cast.project, replace(schema, tables=(table,)), author=cast.owner)
    client.force_login(cast.viewer)

    content = client.get(URL + "?find=img").content.decode()

    assert "<img" not in content and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in content


def test_a_table_outside_the_default_view_is_found(client, cast):
    SchemaVersion.publish(cast.project, wide_schema(150), author=cast.owner)
    client.force_login(cast.viewer)
    page = client.get("/p/shop/v/1/erd/").content.decode()
    assert 'data-table="t0007"' not in page  # 150 tables: the default is one table's neighbours

    (match,) = client.get(URL + "?find=t0007&format=json").json()["matches"]
    view = client.get(match["url"]).content.decode()

    assert 'data-table="t0007"' in view and 'data-at="t0007"' in view
    assert 'class="erd-crumbs"' in view and "t0007 (within 1 hop)" in view


def test_the_index_is_built_once_per_content(client, cast, version, django_assert_max_num_queries):
    client.force_login(cast.viewer)
    client.get(URL + "?find=email")

    with django_assert_max_num_queries(4):  # session, user, membership, version without snapshot
        assert client.get(URL + "?find=total&format=json").json()["matches"][0]["column"] == "total"


def test_a_draft_and_the_changes_have_their_search(client, cast, draft):
    client.force_login(cast.viewer)

    found = client.get(draft_url(draft, "erd/search/?find=order&format=json")).json()["matches"]
    changes = client.get(draft_url(draft, "erd/diff/search/?find=order&format=json")).json()
    versions = client.get("/p/shop/v/1/erd/diff/search/?find=email&format=json").json()

    assert found[0]["url"] == draft_url(draft, "erd/?focus=order&hops=1&q=order&at=order")
    assert changes["matches"][0]["table"] == "order"
    assert versions["matches"][0]["column"] == "email"


def test_the_changes_between_versions_keep_their_base(client, cast, version):
    SchemaVersion.publish(cast.project, wide_schema(2), author=cast.owner)
    SchemaVersion.publish(cast.project, wide_schema(3), author=cast.owner)
    client.force_login(cast.viewer)

    (match,) = client.get("/p/shop/v/3/erd/diff/search/?find=t0002&against=1&format=json").json()["matches"]

    assert match["url"].startswith("/p/shop/v/3/erd/diff/?against=1&focus=t0002")


def test_a_group_is_opened_by_what_its_links_use():
    class Cluster(Group):
        @property
        def ref(self) -> str:  # as erd.clusters' found clusters: a stable key
            return "cluster:audit"

    diagram = _diagram()
    diagram.tables[3].group = "audit & 0 more"
    diagram.groups["audit & 0 more"] = Cluster("audit & 0 more", "#336699")

    (audit,) = search(build_index(diagram), "audit")

    assert audit.group == "audit & 0 more"
    assert audit.query() == {"group": "cluster:audit", "q": "audit", "at": "audit"}


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_a_drafts_search_is_read_as_its_diagram(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    assert client.get(draft_url(draft, "erd/search/?find=order")).status_code == status


@pytest.mark.usefixtures("connection_settings")
def test_a_connections_drift_has_its_search(client, cast, tmp_path, sqlite_connection_checked):
    client.force_login(cast.viewer)
    path = connection_path(sqlite_connection_checked, "drift/erd/search/?find=item&format=json")

    assert client.get(path).json()["matches"][0]["table"] == "item"
    client.force_login(cast.outsider)
    assert client.get(path).status_code == 404


@pytest.fixture
def sqlite_connection_checked(cast, tmp_path):
    from designer.deploy import status
    from tests.designer.connection_pages import run_sql, sqlite_connection

    connection = sqlite_connection(cast, tmp_path)
    run_sql(connection, "CREATE TABLE item (id integer primary key)")
    status.check(connection)
    return connection


@pytest.mark.usefixtures("connection_settings")
def test_a_schema_that_cannot_be_read_says_so(client, cast, sqlite_connection_checked):
    check = sqlite_connection_checked.checks.first()
    check.live_snapshot = {"format": 999, "tables": [{"name": 1}]}
    check.save()
    client.force_login(cast.viewer)
    path = connection_path(sqlite_connection_checked, "drift/erd/search/?find=item")

    html = client.get(path)
    data = client.get(path + "&format=json").json()

    assert html.status_code == 200 and "The schema could not be searched:" in html.content.decode()
    assert data["matches"] == [] and data["error"].startswith("The schema could not be searched:")
