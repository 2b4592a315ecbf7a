"""Index suggestions from queries (migrations_engine.advice.indexes)."""

from __future__ import annotations

import pytest

from migrations_engine.advice.indexes import (
    COVERING,
    EQUALITY,
    ORDER_BY,
    RANGE,
    AdviceError,
    placeholders,
    read_pg_stat_statements_csv,
    suggest_indexes,
)
from migrations_engine.schema import Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType

INT = ColumnType("integer")
TEXT = ColumnType("text")
VARCHAR = ColumnType("varchar", length=100)
TIMESTAMP = ColumnType("timestamp")


def _schema(*order_indexes: Index) -> Schema:
    customers = Table(
        "customers",
        columns=(Column("id", INT, nullable=False), Column("email", VARCHAR), Column("country", VARCHAR), Column("notes", TEXT)),
        primary_key=PrimaryKey(("id",)),
        uniques=(Unique(("email",), name="customers_email_key"),),
    )
    orders = Table(
        "orders",
        columns=(
            Column("id", INT, nullable=False),
            Column("customer_id", INT, nullable=False),
            Column("status", VARCHAR),
            Column("placed_at", TIMESTAMP),
            Column("total", INT),
            Column("notes", TEXT),
            Column("shipped_at", TIMESTAMP),
        ),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("customer_id",), "customers", ("id",)),),
        indexes=order_indexes,
    )
    return Schema(tables=(customers, orders))


def _reasons(suggestion) -> list[tuple[str, str]]:
    return [(c.name, c.reason) for c in suggestion.columns]


def test_equality_before_range_before_order_by():
    query = "SELECT * FROM orders WHERE placed_at >= $2 AND status = $1 ORDER BY total"
    [suggestion] = suggest_indexes(_schema(), [query], "postgresql")
    assert _reasons(suggestion) == [("status", EQUALITY), ("placed_at", RANGE), ("total", ORDER_BY)]
    assert suggestion.table == "orders" and suggestion.query == query and not suggestion.skipped
    assert suggestion.sql == 'CREATE INDEX "orders_status_placed_at_total_idx" ON "orders" ("status", "placed_at", "total")'


def test_in_and_is_null_are_equality_between_is_range():
    query = "SELECT * FROM orders WHERE total BETWEEN 1 AND 9 AND shipped_at IS NULL AND status IN ('a', 'b')"
    [suggestion] = suggest_indexes(_schema(), [query], "postgresql")
    assert _reasons(suggestion) == [("shipped_at", EQUALITY), ("status", EQUALITY), ("total", RANGE)]


def test_conditions_under_or_are_not_used():
    [entry] = suggest_indexes(_schema(), ["SELECT * FROM orders WHERE status = 'a' OR total > 3"], "postgresql")
    assert entry.problem and entry.problem.startswith("nothing to index")


def test_mixed_order_directions_are_kept_all_descending_is_not():
    [mixed] = suggest_indexes(_schema(), ["SELECT * FROM orders WHERE status = 'x' ORDER BY placed_at DESC, total"], "postgresql")
    assert [(c.name, c.descending) for c in mixed.columns] == [("status", False), ("placed_at", True), ("total", False)]
    assert '"placed_at" DESC, "total"' in mixed.sql
    [backwards] = suggest_indexes(_schema(), ["SELECT * FROM orders ORDER BY placed_at DESC, total DESC"], "postgresql")
    assert [(c.name, c.descending) for c in backwards.columns] == [("placed_at", False), ("total", False)]


def test_covering_includes_the_few_narrow_columns_read():
    query = "SELECT placed_at, total FROM orders WHERE customer_id = $1"
    [suggestion] = suggest_indexes(_schema(), [query], "postgresql")
    assert _reasons(suggestion) == [("customer_id", EQUALITY), ("placed_at", COVERING), ("total", COVERING)]
    assert suggestion.sql.endswith('("customer_id") INCLUDE ("placed_at", "total")')
    # No INCLUDE outside PostgreSQL: the columns go last in the key.
    [mysql] = suggest_indexes(_schema(), [query.replace("$1", "?")], "mysql")
    assert mysql.sql == "CREATE INDEX `orders_customer_id_idx` ON `orders` (`customer_id`, `placed_at`, `total`)"


def test_covering_does_not_pay_for_star_wide_or_many_columns():
    for query in (
        "SELECT * FROM orders WHERE customer_id = $1",
        "SELECT notes FROM orders WHERE customer_id = $1",  # text: too wide to copy
        "SELECT id, status, placed_at, total FROM orders WHERE customer_id = $1",  # four: too many
    ):
        [suggestion] = suggest_indexes(_schema(), [query], "postgresql")
        assert _reasons(suggestion) == [("customer_id", EQUALITY)], query


def test_an_existing_index_serving_the_query_skips_it():
    schema = _schema(Index(("status", "placed_at", "customer_id"), name="orders_by_status"))
    [suggestion] = suggest_indexes(schema, ["SELECT * FROM orders WHERE placed_at > now() AND status = 'new'"], "postgresql")
    assert suggestion.skipped and suggestion.served_by == "orders_by_status"
    # The same index does not serve a query whose range is on another column.
    [other] = suggest_indexes(schema, ["SELECT * FROM orders WHERE total > 5 AND status = 'new'"], "postgresql")
    assert not other.skipped


def test_a_partial_index_does_not_serve():
    schema = _schema(Index(("status",), name="orders_open", where="shipped_at IS NULL"))
    [suggestion] = suggest_indexes(schema, ["SELECT * FROM orders WHERE status = $1"], "postgresql")
    assert not suggestion.skipped


def test_a_key_among_the_equality_columns_serves():
    [by_key] = suggest_indexes(_schema(), ["SELECT * FROM customers WHERE email = $1 AND country = 'FR'"], "postgresql")
    assert by_key.served_by == "customers_email_key"


def test_an_earlier_suggestion_serves_a_later_query():
    first, second = suggest_indexes(
        _schema(),
        ["SELECT * FROM orders WHERE status = $1 AND total > $2", "SELECT * FROM orders WHERE status = 'x' AND total < 3"],
        "postgresql",
    )
    assert not first.skipped and second.served_by == first.index.name


def test_joins_and_aliases():
    query = (
        "SELECT o.placed_at FROM customers AS c JOIN orders o ON o.customer_id = c.id "
        "WHERE c.country = $1 ORDER BY c.email"
    )
    customers, orders = suggest_indexes(_schema(), [query], "postgresql")
    # The join column is equality on the side the JOIN brings in; the FROM table's order is kept.
    assert customers.table == "customers"
    assert _reasons(customers) == [("country", EQUALITY), ("email", ORDER_BY), ("id", COVERING)]
    assert orders.table == "orders" and _reasons(orders)[0] == ("customer_id", EQUALITY)


def test_join_on_a_primary_key_is_served():
    query = "SELECT c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = 'x'"
    suggestions = {s.table: s for s in suggest_indexes(_schema(), [query], "postgresql")}
    assert suggestions["customers"].served_by == "customers_pkey"
    assert _reasons(suggestions["orders"])[0] == ("status", EQUALITY)


def test_subqueries_and_ctes():
    query = (
        "WITH recent AS (SELECT customer_id FROM orders WHERE placed_at > $1) "
        "SELECT * FROM customers c WHERE c.id IN (SELECT customer_id FROM recent) "
        "AND EXISTS (SELECT 1 FROM orders x WHERE x.customer_id = c.id AND x.status = 'paid')"
    )
    found = [( s.table, _reasons(s)) for s in suggest_indexes(_schema(), [query], "postgresql") if not s.skipped]
    assert ("orders", [("placed_at", RANGE), ("customer_id", COVERING)]) in found
    # The outer query's column in the correlated subquery is a value: equality on the inner side.
    assert ("orders", [("customer_id", EQUALITY), ("status", EQUALITY)]) in found


def test_update_and_delete_where():
    [update] = suggest_indexes(_schema(), ["UPDATE orders SET status = 'x' WHERE customer_id = $1 AND total > 3"], "postgresql")
    assert _reasons(update) == [("customer_id", EQUALITY), ("total", RANGE)]
    [delete] = suggest_indexes(_schema(), ["DELETE FROM orders WHERE shipped_at < '2020-01-01'"], "postgresql")
    assert _reasons(delete) == [("shipped_at", RANGE)]


@pytest.mark.parametrize(
    "query, problem",
    [
        ("SELECT * FROM invoices WHERE id = 1", "unknown table 'invoices'"),
        ("SELECT * FROM orders o WHERE o.colour = 'red'", "unknown column o.colour"),
        ("SELECT colour FROM orders WHERE id = 1", "unknown column 'colour'"),
        ("SELECT * FROM orders WHERE z.id = 1", "unknown table or alias 'z'"),
        ("SELECT * FROM orders WHERE (", "cannot read the query"),
        ("SELECT 1; SELECT 2", "expected one statement, found 2"),
        ("CREATE TABLE t (a int)", "not a query"),
    ],
)
def test_problems_are_reported_not_raised(query, problem):
    [entry] = suggest_indexes(_schema(), [query, ""], "postgresql")
    assert entry.problem is not None and problem in entry.problem, entry.problem
    assert entry.query == query and entry.sql is None


def test_case_of_unquoted_names_does_not_matter_quoted_does():
    [found] = suggest_indexes(_schema(), ["SELECT * FROM ORDERS WHERE STATUS = 'a'"], "postgresql")
    assert _reasons(found) == [("status", EQUALITY)]
    [quoted] = suggest_indexes(_schema(), ['SELECT * FROM "ORDERS" WHERE status = 1'], "postgresql")
    assert quoted.problem == "unknown table 'ORDERS'"


def test_names_are_quoted_in_every_dialect():
    table = Table(
        'order "lines"',
        columns=(Column("select", INT), Column("größe", INT), Column("a`b", INT)),
    )
    schema = Schema(tables=(table,))
    query = {
        "postgresql": 'SELECT * FROM "order ""lines""" WHERE "select" = 1 AND "größe" > 2',
        "mysql": "SELECT * FROM `order \"lines\"` WHERE `select` = 1 AND `größe` > 2",
        "sqlite": 'SELECT * FROM "order ""lines""" WHERE "select" = 1 AND "größe" > 2',
    }
    expected = {
        "postgresql": 'CREATE INDEX "order ""lines""_select_größe_idx" ON "order ""lines""" ("select", "größe")',
        "mysql": 'CREATE INDEX `order "lines"_select_größe_idx` ON `order "lines"` (`select`, `größe`)',
        "sqlite": 'CREATE INDEX "order ""lines""_select_größe_idx" ON "order ""lines""" ("select", "größe")',
    }
    for dialect in ("postgresql", "mysql", "sqlite"):
        [suggestion] = suggest_indexes(schema, [query[dialect]], dialect)
        assert suggestion.sql == expected[dialect], dialect


def test_suggested_names_do_not_clash():
    schema = _schema(Index(("total",), name="orders_status_idx"))
    [suggestion] = suggest_indexes(schema, ["SELECT * FROM orders WHERE status = 1"], "postgresql")
    assert suggestion.index.name == "orders_status_idx1"


def test_mysql_text_keys_get_a_prefix_and_leave_the_primary_key_out():
    [suggestion] = suggest_indexes(_schema(), ["SELECT id FROM orders WHERE notes = ?"], "mysql")
    assert suggestion.sql == "CREATE INDEX `orders_notes_idx` ON `orders` (`notes`(255))"


def test_placeholders_know_their_column_and_role():
    query = "SELECT * FROM orders o WHERE o.status = $1 AND o.total BETWEEN $2 AND $3 AND o.placed_at < $4 LIMIT $5"
    found = {(p.name, p.table, p.column, p.role) for p in placeholders(_schema(), query, "postgresql")}
    assert found == {
        ("$1", "orders", "status", "="),
        ("$2", "orders", "total", ">"),
        ("$3", "orders", "total", "<"),
        ("$4", "orders", "placed_at", "<"),
        ("$5", None, None, "limit"),
    }


CSV = """userid,dbid,queryid,query,calls,total_exec_time,rows
10,5,111,"SELECT * FROM orders WHERE status = $1",12,5.5,3
10,5,222,"SELECT placed_at, total FROM orders WHERE customer_id = $1 AND placed_at > $2",900,1200.25,9
10,5,333,"select ""email"" from customers where country = $1
  order by email",3,80.0,3
"""


def test_pg_stat_statements_csv_costliest_first():
    queries = read_pg_stat_statements_csv(CSV)
    assert queries[0].startswith("SELECT placed_at") and queries[1].startswith('select "email"') and len(queries) == 3
    suggestions = suggest_indexes(_schema(), queries, "postgresql")
    assert [s.table for s in suggestions] == ["orders", "customers", "orders"]
    assert _reasons(suggestions[0]) == [("customer_id", EQUALITY), ("placed_at", RANGE), ("total", COVERING)]
    assert all(s.problem is None for s in suggestions)


def test_pg_stat_statements_csv_older_and_smaller_exports():
    old = "query,calls,total_time\n\"SELECT 1 FROM orders WHERE id = $1\",1,1.0\n\"SELECT * FROM orders WHERE total > $1\",1,50\n"
    assert read_pg_stat_statements_csv(old)[0] == "SELECT * FROM orders WHERE total > $1"
    by_calls = "query,calls\na,1\nb,7\n"
    assert read_pg_stat_statements_csv(by_calls) == ["b", "a"]
    assert read_pg_stat_statements_csv("\ufeffquery\nx\n\ny\n") == ["x", "y"]


def test_pg_stat_statements_csv_errors():
    with pytest.raises(AdviceError, match="no 'query' column"):
        read_pg_stat_statements_csv("calls,total_time\n1,2\n")
    with pytest.raises(AdviceError, match="total_exec_time is not a number"):
        read_pg_stat_statements_csv("query,total_exec_time\nselect 1,abc\n")


@pytest.mark.parametrize(
    "dialect, query",
    [
        ("postgresql", "SELECT * FROM orders WHERE status = %s AND total > %(low)s AND notes <> '%s'"),
        ("mysql", "SELECT * FROM orders WHERE status = %s AND total > %(low)s AND notes <> '%s'"),
        ("mysql", "SELECT * FROM orders WHERE status = $1 AND total > ?"),
        ("sqlite", "SELECT * FROM orders WHERE status = $1 AND total > :low"),
    ],
)
def test_any_drivers_placeholders_are_parameters(dialect, query):
    [suggestion] = suggest_indexes(_schema(), [query], dialect)
    assert suggestion.key_columns == ("status", "total"), suggestion.problem


def test_psycopg_placeholders_are_numbered_for_postgresql():
    query = "SELECT * FROM orders WHERE status = %s AND total > %(low)s AND notes = '%s'"
    found = [(p.name, p.column) for p in placeholders(_schema(), query, "postgresql")]
    assert found == [("$1", "status"), ("$2", "total")]
