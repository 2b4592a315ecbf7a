"""Verifying an index suggestion on a scratch database of the real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrations_engine import snapshot
from migrations_engine.advice.indexes import suggest_indexes
from migrations_engine.advice.verify import MAX_ROWS, VerifyFailed, verify
from migrations_engine.connection import connect
from migrations_engine.schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType
from tests.conftest import SERVERS

SERVER = SERVERS["postgresql"]
SAKILA = Path(__file__).resolve().parents[2] / "designer" / "fixtures" / "sakila.snapshot.json"


def _scratch_databases() -> set[str]:
    with connect(SERVER) as db:
        return {name for (name,) in db.query("SELECT datname FROM pg_database WHERE datname LIKE 'me_advice%'")}


@pytest.fixture
def no_leftovers():
    before = _scratch_databases()
    yield
    assert _scratch_databases() <= before, "the scratch database was not dropped"


def _shop() -> Schema:
    kinds = Table(
        "kind of thing",  # a name needing quotes
        columns=(Column("id", ColumnType("smallint"), nullable=False), Column("label", ColumnType("varchar", length=4), nullable=False)),
        primary_key=PrimaryKey(("id",)),
        uniques=(Unique(("label",)),),
    )
    items = Table(
        "items",
        columns=(
            Column("id", ColumnType("bigint"), nullable=False, identity=True),
            Column("kind", ColumnType("smallint"), nullable=False),
            Column("sku", ColumnType("uuid"), nullable=False),
            Column("price", ColumnType("decimal", precision=6, scale=2), nullable=False),
            Column("added", ColumnType("timestamptz"), nullable=False),
            Column("on sale", ColumnType("boolean"), nullable=False),
            Column("parent_id", ColumnType("bigint")),
            Column("meta", ColumnType("json")),
        ),
        primary_key=PrimaryKey(("id",)),
        uniques=(Unique(("sku",)),),
        foreign_keys=(
            ForeignKey(("kind",), "kind of thing", ("id",)),
            ForeignKey(("parent_id",), "items", ("id",)),
        ),
        checks=(Check("price > 1000000"),),  # generated rows do not meet it: left out on the scratch database
        indexes=(Index(("kind",), name="items_kind_idx"),),
    )
    return Schema(tables=(kinds, items))


def test_plan_before_is_a_seq_scan_after_uses_the_index(no_leftovers):
    schema = _shop()
    query = 'SELECT i.id FROM items i WHERE i.price BETWEEN $1 AND $2 AND i."on sale" = $3'
    [suggestion] = suggest_indexes(schema, [query], "postgresql")
    assert [c.name for c in suggestion.columns] == ["on sale", "price", "id"]
    result = verify(schema, query, suggestion, SERVER, rows=5000)
    assert result.before_plan.startswith("Seq Scan on items")
    assert "Index" in result.after_plan.splitlines()[0] or "Index Scan using items_on sale_price_idx" in result.after_plan
    assert "items_on sale_price_idx" in result.after_plan and result.index_used
    assert result.after_cost < result.before_cost and result.ratio > 1
    assert 4900 < result.rows <= 5000  # the row count is said
    assert set(result.parameters) == {"$1", "$2", "$3"} and result.parameters["$3"] in ("true", "false")
    assert result.tables == ("items", "kind of thing")


def test_sakila_join_with_foreign_keys_and_domains(no_leftovers):
    schema = snapshot.loads(SAKILA.read_text())
    query = (
        "SELECT r.rental_date FROM rental r JOIN customer c ON c.customer_id = r.customer_id "
        "WHERE c.store_id = $1 AND r.return_date > $2"
    )
    rental = next(s for s in suggest_indexes(schema, [query], "postgresql") if s.table == "rental")
    result = verify(schema, query, rental, SERVER, rows=3000)
    assert "Seq Scan on rental" in result.before_plan and "Seq Scan on rental" not in result.after_plan
    assert result.index_used and result.seconds < 20
    # Every table a foreign key reaches was built and filled (the foreign keys were added after the rows).
    assert {"rental", "customer", "inventory", "film", "language", "store", "staff", "address", "city", "country"} <= set(result.tables)


def test_psycopg_placeholders(no_leftovers):
    schema = _shop()
    query = "SELECT id FROM items WHERE price > %s AND price < %(high)s"
    [suggestion] = suggest_indexes(schema, [query], "postgresql")
    result = verify(schema, query, suggestion, SERVER, rows=3000)
    assert set(result.parameters) == {"$1", "$2"} and result.index_used


def test_a_second_statement_is_refused_by_the_server(no_leftovers):
    schema = _shop()
    [suggestion] = suggest_indexes(schema, ["SELECT * FROM items WHERE price > 3"], "postgresql")
    with pytest.raises(VerifyFailed, match="cannot insert multiple commands|expected one statement"):
        verify(schema, "SELECT * FROM items WHERE price > 3; DROP TABLE items", suggestion, SERVER, rows=100)


def test_rows_are_capped(no_leftovers):
    schema = _shop()
    query = "SELECT id FROM items WHERE added > now()"
    [suggestion] = suggest_indexes(schema, [query], "postgresql")
    result = verify(schema, query, suggestion, SERVER, rows=10**9)
    assert MAX_ROWS - 100 < result.rows <= MAX_ROWS
    # A unique varchar(4) holds 10000 values at most: its table gets no more rows.
    assert 9900 < result.table_rows["kind of thing"] <= 10_000


def test_only_postgresql():
    schema = _shop()
    [suggestion] = suggest_indexes(schema, ["SELECT * FROM items WHERE price > 3"], "postgresql")
    with pytest.raises(VerifyFailed, match="needs a PostgreSQL server"):
        verify(schema, suggestion.query, suggestion, SERVERS["mysql"])


def test_a_covering_index_gives_an_index_only_scan(no_leftovers):
    schema = _shop()
    query = "SELECT sku, price FROM items WHERE kind = $1 AND added > $2"
    [suggestion] = suggest_indexes(schema, [query], "postgresql")
    assert suggestion.covering_columns == ("sku", "price")
    result = verify(schema, query, suggestion, SERVER, rows=5000)
    # The tables are vacuumed, as tables at rest are: the visibility map lets the plan skip the heap.
    assert result.after_plan.startswith("Index Only Scan using items_kind_added_idx on items")
    assert result.ratio > 2
