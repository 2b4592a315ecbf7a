"""PostgreSQL: inheritance children and partitions are not read as tables of their own, and a
numeric the portable decimal cannot hold reads as a native type; on the real server.

What the engine reads it writes back exactly: a child (``INHERITS``) or a partition (``PARTITION
OF``) read as a table would be created as an unrelated one, its inherited columns and checks
doubled. They are listed as not managed, on their parents, so that dropping or recreating a parent
(written back without ``PARTITION BY`` and without its children) is refused naming them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from migrations_engine.compare import differences, normalized
from migrations_engine.connection import connect
from migrations_engine.diff import diff
from migrations_engine.introspect import introspect
from migrations_engine.introspect.postgresql import read_type
from migrations_engine.operations import CreateTable, DropTable
from migrations_engine.render import render
from migrations_engine.schema import Schema
from migrations_engine.scratch import scratch_database
from migrations_engine.sources import read_source
from migrations_engine.unmanaged import UnmanagedConflict, check, conflicts, read_unmanaged
from migrations_engine.validate import problems
from tests.conftest import SERVERS
from tests.engine.roundtrip import create_schema

ROOT = Path(__file__).resolve().parents[2]

#: Sakila's payment, split by month through inheritance, and a rental table partitioned by range,
#: one partition itself partitioned (its primary key's index partitions are no partitions).
SAKILA = [
    "CREATE TABLE customer (customer_id serial PRIMARY KEY, name text NOT NULL)",
    "CREATE TABLE payment (payment_id serial PRIMARY KEY,"
    " customer_id integer NOT NULL REFERENCES customer ON DELETE RESTRICT,"
    " amount numeric(5,2) NOT NULL CHECK (amount >= 0), payment_date timestamp NOT NULL)",
    "CREATE INDEX payment_date_idx ON payment (payment_date)",
    "CREATE TABLE payment_p2007_01 (CONSTRAINT payment_p2007_01_payment_date_check"
    " CHECK (payment_date >= '2007-01-01' AND payment_date < '2007-02-01')) INHERITS (payment)",
    "ALTER TABLE payment_p2007_01 ADD CONSTRAINT payment_p2007_01_customer_id_fkey"
    " FOREIGN KEY (customer_id) REFERENCES customer (customer_id)",
    "CREATE TABLE payment_p2007_02 (note text) INHERITS (payment)",
    "CREATE TABLE rental (rental_id integer NOT NULL, rented date NOT NULL,"
    " customer_id integer REFERENCES customer, PRIMARY KEY (rental_id, rented)) PARTITION BY RANGE (rented)",
    "CREATE TABLE rental_2005 PARTITION OF rental FOR VALUES FROM ('2005-01-01') TO ('2006-01-01')",
    "CREATE TABLE rental_2006 PARTITION OF rental FOR VALUES FROM ('2006-01-01') TO ('2007-01-01')"
    " PARTITION BY LIST (rental_id)",
    "CREATE TABLE rental_2006_1 PARTITION OF rental_2006 FOR VALUES IN (1)",
    "INSERT INTO customer (name) VALUES ('Mary')",
    "INSERT INTO payment_p2007_01 (customer_id, amount, payment_date) VALUES (1, 2.99, '2007-01-15')",
]
CHILDREN = {
    ("inheritance child", "payment_p2007_01"): (("payment", None), ("customer", None), ("customer", "customer_id")),
    ("inheritance child", "payment_p2007_02"): (("payment", None),),
    ("partition", "rental_2005"): (("rental", None),),
    ("partition", "rental_2006"): (("rental", None),),
    ("partition", "rental_2006_1"): (("rental_2006", None),),
    ("partitioning of table", "rental"): (("rental", None), ("rental", "rented")),
}


@pytest.fixture
def sakila(pg_url):
    with connect(pg_url) as db:
        for sql in SAKILA:
            db.execute(sql)
    return pg_url


@pytest.fixture(scope="module")
def empty() -> Iterator:
    with scratch_database(SERVERS["postgresql"], prefix="me_test") as url:
        yield url


def emptied(url):
    with connect(url) as db:
        db.execute("DROP SCHEMA public CASCADE")
        db.execute("CREATE SCHEMA public")
    return url


def test_children_and_partitions_are_left_out_and_the_parents_read_as_they_are(sakila):
    schema = introspect(sakila)
    assert [t.name for t in schema.tables] == ["customer", "payment", "rental"]
    payment = schema.table("payment")
    assert payment.column_names == ("payment_id", "customer_id", "amount", "payment_date")
    assert [c.name for c in payment.checks] == ["payment_amount_check"]
    assert [i.name for i in payment.indexes] == ["payment_date_idx"]
    rental = schema.table("rental")
    assert rental.column_names == ("rental_id", "rented", "customer_id")
    assert rental.primary_key is not None and rental.primary_key.columns == ("rental_id", "rented")
    assert [fk.ref_table for fk in rental.foreign_keys] == ["customer"]
    assert problems(schema, dialect="postgresql") == []


def test_they_are_listed_as_not_managed_on_their_parents(sakila):
    with connect(sakila) as db:
        found = {(o.kind, o.name): o.depends_on for o in read_unmanaged(db)}
    assert found == CHILDREN  # not the primary key's index partitions


def test_inspect_notes_them_on_stderr_and_prints_only_the_managed_tables(sakila):
    result = subprocess.run(
        [sys.executable, "-m", "migrations_engine", "inspect", str(sakila)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert [t["name"] for t in json.loads(result.stdout)["tables"]] == ["customer", "payment", "rental"]
    assert result.stderr.strip() == (
        "note: not managed (kept as they are): "
        'inheritance child "payment_p2007_01" (on payment, customer), '
        'inheritance child "payment_p2007_02" (on payment), '
        'partition "rental_2005" (on rental), partition "rental_2006" (on rental), '
        'partition "rental_2006_1" (on rental_2006), partitioning of table "rental" (on rental)'
    )


def test_the_managed_part_round_trips_through_a_create_script(sakila, empty):
    read = introspect(sakila)
    create_schema(emptied(empty), read)
    again = introspect(empty)
    assert normalized(again) == normalized(read), differences(again, read)
    assert again == read


def test_the_partitioned_parent_would_be_written_without_partition_by(sakila):
    """Why recreating it is refused: the engine does not model ``PARTITION BY``."""
    rental = introspect(sakila).table("rental")
    sql = render([CreateTable(rental)], Schema(), "postgresql")[0].sql
    assert sql.startswith('CREATE TABLE "rental" (') and "PARTITION" not in sql


@pytest.mark.parametrize(("parent", "children"), [
    ("payment", ['inheritance child "payment_p2007_01"', 'inheritance child "payment_p2007_02"']),
    ("rental", ['partition "rental_2005"', 'partition "rental_2006"', 'partitioning of table "rental"']),
])
def test_dropping_or_recreating_a_parent_is_refused_naming_its_children(sakila, parent, children):
    source = read_source(str(sakila))
    table = source.schema.table(parent)
    dropped = diff(source.schema, Schema(tuple(t for t in source.schema.tables if t.name != parent)))
    hit = conflicts(dropped, source.schema, "postgresql", source.unmanaged)
    assert [o.label() for c in hit for o in c.objects] == children
    with pytest.raises(UnmanagedConflict) as refused:
        check([DropTable(table), CreateTable(table)], source.schema, "postgresql", source.unmanaged)
    named = ", ".join(children[:-1]) + " and " + children[-1]
    assert str(refused.value).startswith(f"refused: the engine does not manage {named} and will not drop")
    assert f"drops table {parent}, on which" in str(refused.value)


def test_a_partitioned_table_without_partitions_is_not_dropped_or_retyped_either(pg_url):
    from migrations_engine.operations import AlterColumn
    from migrations_engine.types import ColumnType

    with connect(pg_url) as db:
        db.execute("CREATE TABLE events (id integer, at date NOT NULL, kind text) PARTITION BY LIST ((extract(year FROM at)))")
    source = read_source(str(pg_url))
    assert [o.describe() for o in source.unmanaged] == ['partitioning of table "events" (on events)']
    assert source.unmanaged[0].depends_on == (("events", None), ("events", "at"))
    events = source.schema.table("events")
    hit = conflicts([DropTable(events), CreateTable(events)], source.schema, "postgresql", source.unmanaged)
    assert [c.action for c in hit] == ["drops table events"]
    at = events.column("at")
    retyped = [AlterColumn("events", at, replace(at, type=ColumnType.parse("timestamp")))]
    assert [c.action for c in conflicts(retyped, source.schema, "postgresql", source.unmanaged)] == [
        "changes the type of column events.at"
    ]
    kind = events.column("kind")  # not in the key: free to change
    assert conflicts(
        [AlterColumn("events", kind, replace(kind, type=ColumnType.parse("varchar(20)")))],
        source.schema, "postgresql", source.unmanaged,
    ) == []


def test_dropping_what_a_childs_own_foreign_key_references_is_refused(sakila):
    """PostgreSQL would stop at the child's key (``constraint … depends on table customer``)."""
    source = read_source(str(sakila))
    hit = conflicts([DropTable(source.schema.table("customer"))], source.schema, "postgresql", source.unmanaged)
    assert [o.name for c in hit for o in c.objects] == ["payment_p2007_01"]


def test_a_change_elsewhere_goes_through_and_keeps_the_children(sakila):
    source = read_source(str(sakila))
    customer = source.schema.table("customer")
    target = source.schema.replace_table("customer", replace(customer, comment="who pays"))
    operations = diff(source.schema, target)
    check(operations, source.schema, "postgresql", source.unmanaged)
    with connect(sakila) as db:
        for statement in render(operations, source.schema, "postgresql"):
            db.execute(statement.sql)
        assert db.query("SELECT count(*) FROM payment") == [(1,)]  # the child's row, seen through its parent
        found = {(o.kind, o.name): o.depends_on for o in read_unmanaged(db)}
    assert found == CHILDREN


def test_a_foreign_key_onto_a_child_or_another_schema_is_listed_not_read(sakila, empty):
    """The engine could not write it back: it is kept, listed on its table, and the rest reads valid."""
    with connect(sakila) as db:
        db.execute("ALTER TABLE payment_p2007_01 ADD CONSTRAINT payment_p2007_01_id_key UNIQUE (payment_id)")
        db.execute("CREATE SCHEMA elsewhere")
        db.execute("CREATE TABLE elsewhere.store (store_id integer PRIMARY KEY)")
        db.execute(
            "CREATE TABLE refund (id integer PRIMARY KEY, payment_id integer REFERENCES payment_p2007_01 (payment_id),"
            " store_id integer CONSTRAINT refund_store_fkey REFERENCES elsewhere.store,"
            " customer_id integer REFERENCES customer)"
        )
        found = {(o.kind, o.name): o.depends_on for o in read_unmanaged(db) if o.kind == "foreign key"}
    assert found == {
        ("foreign key", "refund_payment_id_fkey"): (
            ("refund", None), ("payment_p2007_01", None), ("payment_p2007_01", "payment_id"), ("refund", "payment_id"),
        ),
        ("foreign key", "refund_store_fkey"): (("refund", None), ("refund", "store_id")),
    }
    schema = introspect(sakila)
    assert [fk.name for fk in schema.table("refund").foreign_keys] == ["refund_customer_id_fkey"]
    assert problems(schema, dialect="postgresql") == []
    create_schema(emptied(empty), schema)
    assert introspect(empty) == schema
    source = read_source(str(sakila))
    hit = conflicts([DropTable(source.schema.table("refund"))], source.schema, "postgresql", source.unmanaged)
    assert sorted(o.name for c in hit for o in c.objects) == ["refund_payment_id_fkey", "refund_store_fkey"]


# ---------------------------------------------------------------- numerics decimal(p,s) cannot hold

NUMERICS = (
    "CREATE TABLE odd (tiny numeric(2,5) NOT NULL DEFAULT 0.00099, hundreds numeric(5,-2) DEFAULT 1200,"
    " fraction numeric(3,3), money numeric(10,2))"
)


def test_scale_above_precision_or_negative_reads_as_the_native_type(pg_url):
    with connect(pg_url) as db:
        db.execute(NUMERICS)
    schema = introspect(pg_url)
    assert [str(c.type) for c in schema.table("odd").columns] == [
        "postgresql:numeric(2,5)",
        "postgresql:numeric(5,-2)",
        "decimal(3,3)",
        "decimal(10,2)",
    ]
    assert problems(schema, dialect="postgresql") == []


def test_they_round_trip_through_a_create_script(pg_url, empty):
    with connect(pg_url) as db:
        db.execute(NUMERICS)
    read = introspect(pg_url)
    statements = render(diff(Schema(), read), Schema(), "postgresql")
    assert '"tiny" numeric(2,5) NOT NULL' in statements[0].sql
    create_schema(emptied(empty), read)
    assert introspect(empty) == read
    with connect(empty) as db:
        db.execute("INSERT INTO odd DEFAULT VALUES")
        assert db.query("SELECT tiny::text, hundreds::text FROM odd") == [("0.00099", "1200")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("numeric(2,5)", "postgresql:numeric(2,5)"),
        ("numeric(5,-2)", "postgresql:numeric(5,-2)"),
        ("numeric(3,3)", "decimal(3,3)"),
        ("numeric(5,0)", "decimal(5,0)"),
        ("numeric", "decimal"),
    ],
)
def test_read_numeric(text, expected):
    assert str(read_type(text)) == expected
