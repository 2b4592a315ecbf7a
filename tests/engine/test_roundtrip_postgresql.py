"""Every kind of change applied up and down on the real PostgreSQL server, with rows in the tables."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from migrations_engine.compare import normalized
from migrations_engine.connection import connect
from migrations_engine.diff import diff
from migrations_engine.introspect import introspect
from migrations_engine.naming import with_default_names
from migrations_engine.render import render, render_down
from migrations_engine.schema import (
    Check,
    Column,
    Default,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from migrations_engine.scratch import scratch_database
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.conftest import SERVERS
from tests.engine.roundtrip import assert_same_schema, create_schema, insert_rows, roundtrip, run


# Two databases for the whole module, emptied before each test: much cheaper than new ones.
@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[DatabaseURL, DatabaseURL]]:
    with scratch_database(SERVERS["postgresql"], prefix="me_test") as a, scratch_database(SERVERS["postgresql"], prefix="me_test") as b:
        yield a, b


def empty(url: DatabaseURL) -> DatabaseURL:
    run(url, ["DROP SCHEMA public CASCADE", "CREATE SCHEMA public"])
    return url


@pytest.fixture
def pg_url(databases) -> DatabaseURL:
    return empty(databases[0])


@pytest.fixture
def pg_url_b(databases) -> DatabaseURL:
    return empty(databases[1])


def col(name: str, type_text: str, **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_text), **kwargs)


ID = col("id", "integer", nullable=False, identity=True, id="id")


def table(name: str, *columns: Column, pk: tuple[str, ...] | None = ("id",), **kwargs) -> Table:
    return Table(name, columns=(ID, *columns), primary_key=PrimaryKey(pk) if pk else None, **kwargs)


def one(*tables: Table, enums: tuple[Enum, ...] = ()) -> Schema:
    """A schema with every constraint named, as the diff and the renderer see it."""
    return with_default_names(Schema(tables=tables, enums=enums))


def query(url: DatabaseURL, sql: str) -> list[tuple]:
    with connect(url) as db:
        return db.query(sql)


# ---------------------------------------------------------------- tables


def test_create_table(pg_url, pg_url_b):
    people = table("people", col("name", "text"))
    new_table = table("pets", col("owner", "integer"), foreign_keys=(ForeignKey(("owner",), "people", ("id",)),))
    roundtrip(one(people), one(people, new_table), pg_url, pg_url_b, {"people": [{"name": "ann"}]})


def test_drop_table(pg_url, pg_url_b):
    people = table("people", col("name", "text", nullable=False), comment="everyone")
    pets = table("pets", col("owner", "integer"), foreign_keys=(ForeignKey(("owner",), "people", ("id",)),))
    rows = {"people": [{"name": "ann"}], "pets": [{"owner": 1}]}
    roundtrip(one(people, pets), one(people), pg_url, pg_url_b, rows)


def test_rename_table_referenced_by_a_foreign_key(pg_url, pg_url_b):
    people = table("people", col("name", "text"), id="t1")
    pets = table("pets", col("owner", "integer"), foreign_keys=(ForeignKey(("owner",), "people", ("id",), "pets_owner_fkey"),))
    renamed = replace(people, name="persons")
    pets_after = replace(pets, foreign_keys=(ForeignKey(("owner",), "persons", ("id",), "pets_owner_fkey"),))
    rows = {"people": [{"name": "ann"}], "pets": [{"owner": 1}]}
    up = roundtrip(one(people, pets), one(renamed, pets_after), pg_url, pg_url_b, rows)
    assert up == [
        'ALTER TABLE "people" RENAME TO "persons"',
        'ALTER TABLE "persons" RENAME CONSTRAINT "people_pkey" TO "persons_pkey"',
    ]


@pytest.mark.parametrize("new_comment", ["it's new", None])
def test_table_comment(pg_url, pg_url_b, new_comment):
    old = table("t", col("a", "integer"), comment="old words")
    roundtrip(one(old), one(replace(old, comment=new_comment)), pg_url, pg_url_b, {"t": [{"a": 1}]})


# ---------------------------------------------------------------- columns


def test_add_columns(pg_url, pg_url_b):
    old = table("t", col("a", "integer"))
    new = table(
        "t",
        col("a", "integer"),
        col("maybe", "varchar(20)"),
        col("score", "integer", nullable=False),
        col("joined", "date", nullable=False, default=Default("2000-01-01")),
        col("at", "timestamptz", default=Default("now()", expression=True)),
        col("serial", "bigint", nullable=False, identity=True),
        col("noted", "text", comment="a note"),
    )
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1}, {"a": 2}]})
    assert query(pg_url, "SELECT count(*) FROM t")[0][0] == 2


def test_drop_columns(pg_url, pg_url_b):
    old = table("t", col("a", "integer"), col("b", "text", nullable=False), col("c", "uuid", nullable=False, default=Default("gen_random_uuid()", expression=True)))
    new = table("t", col("a", "integer"))
    rows = {"t": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]}
    roundtrip(one(old), one(new), pg_url, pg_url_b, rows)


def test_rename_column(pg_url, pg_url_b):
    old = table("t", col("a", "integer", id="c1"), indexes=(Index(("a",), "t_a_idx"),))
    new = table("t", col("b", "integer", id="c1"), indexes=(Index(("b",), "t_a_idx"),))
    up = roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1}]})
    assert up == ['ALTER TABLE "t" RENAME COLUMN "a" TO "b"']
    assert query(pg_url, "SELECT a FROM t") == [(1,)]


def test_rename_column_named_by_a_check_and_a_partial_index(pg_url, pg_url_b):
    """PostgreSQL rewrites both itself: the rename alone, and the model agrees with the server."""
    old = table("t", col("qty", "integer", id="q"), checks=(Check("qty > 0", "t_qty", id="k"),),
                indexes=(Index(("id",), "t_positive", where="qty > 5", id="i"),))  # fmt: skip
    new = table("t", col("order", "integer", id="q"), checks=(Check('"order" > 0', "t_qty", id="k"),),
                indexes=(Index(("id",), "t_positive", where='"order" > 5', id="i"),))  # fmt: skip
    up = roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"qty": 7}]})
    assert up == ['ALTER TABLE "t" RENAME COLUMN "qty" TO "order"']


def test_swap_two_column_names_a_check_compares(pg_url, pg_url_b):
    old = table("t", col("a", "integer", id="a"), col("b", "integer", id="b"), checks=(Check("a < b", "t_order", id="k"),))
    new = table("t", col("b", "integer", id="a"), col("a", "integer", id="b"), checks=(Check("b < a", "t_order", id="k"),))
    up = roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1, "b": 2}]})
    assert all("RENAME COLUMN" in statement for statement in up)


@pytest.mark.parametrize(
    ("before", "after", "value"),
    [
        ("integer", "bigint", 7),
        ("smallint", "decimal(10,2)", 7),
        ("varchar(10)", "varchar(50)", "abc"),
        ("varchar(10)", "text", "abc"),
        ("float", "double", 1.5),
        ("timestamp(0)", "timestamptz(6)", "2020-01-01 10:00:00"),
    ],
)
def test_widen_type(pg_url, pg_url_b, before, after, value):
    old = table("t", col("v", before, default=None))
    new = table("t", col("v", after))
    up = roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"v": value}, {"v": None}]})
    assert "USING" in up[0]


@pytest.mark.parametrize(
    ("before", "after", "value"),
    [
        ("bigint", "integer", 7),
        ("varchar(50)", "varchar(10)", "abc"),
        ("text", "char(3)", "abc"),
        ("decimal(10,2)", "smallint", 7),
        ("json", "text", '{"a": 1}'),
    ],
)
def test_narrow_type(pg_url, pg_url_b, before, after, value):
    old = table("t", col("v", before))
    new = table("t", col("v", after))
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"v": value}, {"v": None}]})


def test_varchar_to_integer_needs_using(pg_url, pg_url_b):
    old = table("t", col("v", "varchar(20)", nullable=False, default=Default("0")))
    new = table("t", col("v", "integer", nullable=False, default=Default("0")))
    up = roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"v": "12"}, {"v": "-3"}]})
    assert 'ALTER TABLE "t" ALTER COLUMN "v" TYPE integer USING ("v"::integer)' in up
    assert sorted(query(pg_url, "SELECT v FROM t")) == [("-3",), ("12",)]


def test_make_not_null_fills_null_rows(pg_url, pg_url_b):
    old = table("t", col("a", "integer"), col("b", "text"), col("c", "boolean"))
    new = table(
        "t",
        col("a", "integer", nullable=False),
        col("b", "text", nullable=False, default=Default("none")),
        col("c", "boolean", nullable=False),
    )
    rows = {"t": [{"a": None, "b": None, "c": None}, {"a": 5, "b": "x", "c": True}]}
    roundtrip(one(old), one(new), pg_url, pg_url_b, rows)


def test_down_to_not_null_fills_null_rows_added_after_up(pg_url, pg_url_b):
    mood = Enum("mood", ("sad", "ok"))
    old = table("t", col("a", "integer", nullable=False), col("m", "enum(mood)", nullable=False), col("j", "json", nullable=False))
    new = table("t", col("a", "integer"), col("m", "enum(mood)"), col("j", "json"))
    old_schema, new_schema = one(old, enums=(mood,)), one(new, enums=(mood,))
    create_schema(pg_url, old_schema)
    create_schema(pg_url_b, old_schema)
    operations = diff(old_schema, new_schema)
    run(pg_url, [s.sql for s in render(operations, old_schema, "postgresql")])
    insert_rows(pg_url, {"t": [{"a": None, "m": None, "j": None}]})
    run(pg_url, [s.sql for s in render_down(operations, new_schema, "postgresql")])
    assert_same_schema(introspect(pg_url), introspect(pg_url_b), "after down")
    assert query(pg_url, "SELECT a, m::text, j::text FROM t") == [(0, "sad", "{}")]


def test_defaults(pg_url, pg_url_b):
    old = table(
        "t",
        col("a", "integer"),
        col("b", "text", default=Default("it's")),
        col("c", "timestamp", default=Default("CURRENT_TIMESTAMP", expression=True)),
        col("d", "boolean", default=Default("true")),
    )
    new = table(
        "t",
        col("a", "integer", default=Default("-1")),
        col("b", "text", default=Default("other")),
        col("c", "timestamp"),
        col("d", "boolean", default=Default("false")),
    )
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1}]})


def test_add_identity_to_a_column_holding_rows(pg_url, pg_url_b):
    old = Table("t", columns=(col("id", "integer"), col("v", "text")))
    new = Table("t", columns=(col("id", "integer", nullable=False, identity=True), col("v", "text")))
    rows = {"t": [{"id": 1, "v": "a"}, {"id": 5, "v": "b"}, {"id": None, "v": "c"}]}
    roundtrip(one(old), one(new), pg_url, pg_url_b, rows)
    create = [s.sql for s in render(diff(one(old), one(new)), one(old), "postgresql")]
    run(pg_url, create)
    run(pg_url, ["INSERT INTO t (v) VALUES ('d')"])
    assert query(pg_url, "SELECT id FROM t WHERE v = 'd'") == [(6,)]


def test_drop_identity(pg_url, pg_url_b):
    old = table("t", col("v", "text"))
    new = Table("t", columns=(col("id", "integer", nullable=False, id="id"), col("v", "text")), primary_key=PrimaryKey(("id",)))
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"v": "a"}, {"v": "b"}]})


def test_serial_column_can_stop_being_an_identity(pg_url, pg_url_b):
    run(pg_url, ["CREATE TABLE t (id serial PRIMARY KEY, v text)", "INSERT INTO t (v) VALUES ('a')"])
    live = introspect(pg_url)
    target = one(Table("t", columns=(col("id", "integer", nullable=False), col("v", "text")), primary_key=PrimaryKey(("id",), "t_pkey")))
    run(pg_url, [s.sql for s in render(diff(live, target), live, "postgresql")])
    create_schema(pg_url_b, target)
    assert_same_schema(introspect(pg_url), introspect(pg_url_b), "after up")


def test_column_comment(pg_url, pg_url_b):
    old = table("t", col("a", "integer"), col("b", "integer", comment="bee"), col("c", "integer", comment="sea"))
    new = table("t", col("a", "integer", comment="it's a"), col("b", "integer"), col("c", "integer", comment="see"))
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1}]})


# ---------------------------------------------------------------- keys and constraints


def test_add_composite_primary_key(pg_url, pg_url_b):
    old = Table("t", columns=(col("a", "integer", nullable=False), col("b", "text", nullable=False)))
    new = replace(old, primary_key=PrimaryKey(("b", "a")))
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}]})


def test_drop_composite_primary_key(pg_url, pg_url_b):
    old = Table("t", columns=(col("a", "integer", nullable=False), col("b", "text", nullable=False)), primary_key=PrimaryKey(("a", "b")))
    new = replace(old, primary_key=None)
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1, "b": "x"}]})


PARENT = Table(
    "parent",
    columns=(col("a", "integer", nullable=False), col("b", "integer", nullable=False)),
    primary_key=PrimaryKey(("a", "b")),
)
CHILD = Table("child", columns=(col("x", "integer"), col("y", "integer")))
FAMILY_ROWS = {"parent": [{"a": 1, "b": 2}], "child": [{"x": 1, "y": 2}, {"x": None, "y": None}]}


def test_add_composite_foreign_key_on_delete_cascade(pg_url, pg_url_b):
    fk = ForeignKey(("x", "y"), "parent", ("a", "b"), on_delete="CASCADE", on_update="RESTRICT")
    roundtrip(one(PARENT, CHILD), one(PARENT, replace(CHILD, foreign_keys=(fk,))), pg_url, pg_url_b, FAMILY_ROWS)
    run(pg_url, [s.sql for s in render(diff(one(PARENT, CHILD), one(PARENT, replace(CHILD, foreign_keys=(fk,)))), one(PARENT, CHILD), "postgresql")])
    run(pg_url, ["DELETE FROM parent"])
    assert query(pg_url, "SELECT count(*) FROM child")[0][0] == 1


def test_drop_composite_foreign_key(pg_url, pg_url_b):
    fk = ForeignKey(("y", "x"), "parent", ("b", "a"), on_delete="SET NULL")
    roundtrip(one(PARENT, replace(CHILD, foreign_keys=(fk,))), one(PARENT, CHILD), pg_url, pg_url_b, FAMILY_ROWS)


def test_self_referencing_foreign_key(pg_url, pg_url_b):
    old = table("node", col("parent", "integer"))
    new = replace(old, foreign_keys=(ForeignKey(("parent",), "node", ("id",), on_delete="CASCADE"),))
    rows = {"node": [{"parent": None}, {"parent": 1}]}
    roundtrip(one(old), one(new), pg_url, pg_url_b, rows)


def test_cycle_of_two_tables(pg_url, pg_url_b):
    a = table("a", col("b_id", "integer"), foreign_keys=(ForeignKey(("b_id",), "b", ("id",)),))
    b = table("b", col("a_id", "integer"), foreign_keys=(ForeignKey(("a_id",), "a", ("id",)),))
    other = table("other", col("v", "integer"))
    roundtrip(one(other), one(other, a, b), pg_url, pg_url_b, {"other": [{"v": 1}]})


def test_cycle_of_two_tables_holding_rows(pg_url, pg_url_b):
    a = table("a", col("b_id", "integer"))
    b = table("b", col("a_id", "integer"))
    a_new = replace(a, foreign_keys=(ForeignKey(("b_id",), "b", ("id",)),))
    b_new = replace(b, foreign_keys=(ForeignKey(("a_id",), "a", ("id",)),))
    rows = {"a": [{"b_id": None}], "b": [{"a_id": 1}]}
    roundtrip(one(a, b), one(a_new, b_new), pg_url, pg_url_b, rows)


def test_unique(pg_url, pg_url_b):
    old = table("t", col("a", "integer"), col("b", "text"), uniques=(Unique(("a",)),))
    new = table("t", col("a", "integer"), col("b", "text"), uniques=(Unique(("b", "a"), "t_pair"),))
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]})


def test_check(pg_url, pg_url_b):
    old = table("t", col("a", "integer"), checks=(Check("a < 100", "small"),))
    new = table("t", col("a", "integer"), checks=(Check("a > 0 AND a <> 13"),))
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1}, {"a": None}]})


def test_indexes(pg_url, pg_url_b):
    old = table("t", col("a", "integer"), col("b", "text"), col("gone", "boolean"), indexes=(Index(("a",)),))
    new = table(
        "t",
        col("a", "integer"),
        col("b", "text"),
        col("gone", "boolean"),
        indexes=(
            Index(("b", "a"), unique=True),
            Index(("a",), "live_a", where="NOT gone"),
            Index(("b",), "unique_live_b", unique=True, where="gone IS NOT TRUE AND b <> ''"),
        ),
    )
    rows = {"t": [{"a": 1, "b": "x", "gone": False}, {"a": 2, "b": "x", "gone": True}]}
    roundtrip(one(old), one(new), pg_url, pg_url_b, rows)


def test_rename_index(pg_url, pg_url_b):
    old = table("t", col("a", "integer"), indexes=(Index(("a",), "old_name", id="i1"),))
    new = table("t", col("a", "integer"), indexes=(Index(("a",), "new name", id="i1"),))
    up = roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1}]})
    assert up == ['ALTER INDEX "old_name" RENAME TO "new name"']


# ---------------------------------------------------------------- enums

MOOD = Enum("mood", ("sad", "ok", "happy"), id="e1")


def test_create_enum_with_a_column(pg_url, pg_url_b):
    old = table("t", col("a", "integer"))
    new = table("t", col("a", "integer"), col("m", "enum(mood)", nullable=False, default=Default("ok")))
    roundtrip(one(old), one(new, enums=(MOOD,)), pg_url, pg_url_b, {"t": [{"a": 1}]})


def test_drop_enum_with_its_column(pg_url, pg_url_b):
    old = table("t", col("a", "integer"), col("m", "enum(mood)"))
    new = table("t", col("a", "integer"))
    roundtrip(one(old, enums=(MOOD,)), one(new), pg_url, pg_url_b, {"t": [{"a": 1, "m": "happy"}]})


def test_rename_enum(pg_url, pg_url_b):
    old = table("t", col("m", "enum(mood)", default=Default("ok")))
    new = table("t", col("m", "enum(feeling)", default=Default("ok")))
    up = roundtrip(one(old, enums=(MOOD,)), one(new, enums=(replace(MOOD, name="feeling"),)), pg_url, pg_url_b, {"t": [{"m": "sad"}]})
    assert up == ['ALTER TYPE "mood" RENAME TO "feeling"']


def test_add_enum_value(pg_url, pg_url_b):
    old = table("t", col("m", "enum(mood)", default=Default("ok")))
    bigger = replace(MOOD, values=("awful", "sad", "ok", "fine", "happy"))
    up = roundtrip(one(old, enums=(MOOD,)), one(old, enums=(bigger,)), pg_url, pg_url_b, {"t": [{"m": "sad"}, {"m": "happy"}]})
    assert up == [
        "ALTER TYPE \"mood\" ADD VALUE 'awful' BEFORE 'sad'",
        "ALTER TYPE \"mood\" ADD VALUE 'fine' AFTER 'ok'",
    ]


def test_remove_enum_value(pg_url, pg_url_b):
    two = Table(
        "u",
        columns=(col("m", "enum(mood)", nullable=False), col("n", "enum(mood)", default=Default("happy"))),
        indexes=(Index(("m",)),),
    )
    old = table("t", col("m", "enum(mood)", nullable=False, default=Default("ok")))
    smaller = replace(MOOD, values=("ok", "sad"))
    rows = {"t": [{"m": "sad"}, {"m": "ok"}], "u": [{"m": "ok", "n": None}]}
    roundtrip(one(old, two, enums=(MOOD,)), one(old, replace(two, columns=(two.columns[0], col("n", "enum(mood)"))), enums=(smaller,)), pg_url, pg_url_b, rows)


def test_enum_to_text_and_back(pg_url, pg_url_b):
    old = table("t", col("m", "enum(mood)", nullable=False))
    new = table("t", col("m", "varchar(10)", nullable=False))
    roundtrip(one(old, enums=(MOOD,)), one(new, enums=(MOOD,)), pg_url, pg_url_b, {"t": [{"m": "happy"}]})


# ---------------------------------------------------------------- hostile names


def test_hostile_names_everywhere(pg_url, pg_url_b):
    quirky = Enum('say "hi"', ("it's", "naïve"), id="e")
    old = Table(
        "select",
        columns=(
            col("order", "integer", nullable=False, id="c1"),
            col("My Column", "enum(say \"hi\")", default=Default("it's"), id="c2"),
            col("表", "text", comment="ünï'code", id="c3"),
        ),
        primary_key=PrimaryKey(("order",), "order"),
        uniques=(Unique(("表",), "a.b"),),
        indexes=(Index(("My Column",), "back`tick", where='"order" > 0', id="i"),),
        comment="it's hostile",
        id="t",
    )
    new = Table(
        "user",
        columns=(
            col("group", "bigint", nullable=False, id="c1"),
            col("Mixed Case", "enum(say \"hi\")", nullable=False, default=Default("naïve"), id="c2"),
            col("表", "varchar(30)", comment=None, id="c3"),
        ),
        primary_key=PrimaryKey(("group",), "order"),
        uniques=(Unique(("表", "group"), "a.b"),),
        indexes=(Index(("Mixed Case",), "tick`back", where='"group" > 0', id="i"),),
        foreign_keys=(ForeignKey(("group",), "user", ("group",), 'self "ref"'),),
        id="t",
    )
    rows = {"select": [{"order": 1, "My Column": "it's", "表": "ok"}, {"order": 2, "My Column": None, "表": None}]}
    roundtrip(one(old, enums=(quirky,)), one(new, enums=(replace(quirky, values=("naïve", "it's")),)), pg_url, pg_url_b, rows)


def test_add_enum_value_used_as_the_new_default(pg_url, pg_url_b):
    old = table("t", col("m", "enum(mood)", default=Default("ok")))
    new = table("t", col("m", "enum(mood)", default=Default("fine")))
    bigger = replace(MOOD, values=("sad", "ok", "fine", "happy"))
    roundtrip(one(old, enums=(MOOD,)), one(new, enums=(bigger,)), pg_url, pg_url_b, {"t": [{"m": "sad"}]})


def test_remove_enum_value_used_by_a_check_and_a_partial_index(pg_url, pg_url_b):
    old = table(
        "t",
        col("m", "enum(mood)", nullable=False),
        col("n", "integer"),
        checks=(Check("m <> 'sad' OR n IS NULL", "sad_has_no_n"),),
        indexes=(Index(("n",), "happy_n", where="m = 'happy'"),),
    )
    smaller = replace(MOOD, values=("ok", "happy"))
    new = replace(old, checks=(Check("n > 0", "positive"),))
    rows = {"t": [{"m": "ok", "n": 1}, {"m": "happy", "n": 2}]}
    roundtrip(one(old, enums=(MOOD,)), one(new, enums=(smaller,)), pg_url, pg_url_b, rows)


def in_one_transaction(url: DatabaseURL, statements: list[str]) -> None:
    """Run a script as the migration runner does on PostgreSQL: all of it in one transaction."""
    with connect(url, autocommit=False) as db:
        for statement in statements:
            db.execute(statement)
        db.commit()


def test_enum_changes_run_in_one_transaction(pg_url, pg_url_b):
    old = table("t", col("m", "enum(mood)", nullable=False, default=Default("happy")))
    new = table("t", col("m", "enum(mood)", nullable=False, default=Default("ok")))
    old_schema, new_schema = one(old, enums=(MOOD,)), one(new, enums=(replace(MOOD, values=("sad", "ok")),))
    create_schema(pg_url, old_schema)
    create_schema(pg_url_b, new_schema)
    insert_rows(pg_url, {"t": [{"m": "ok"}]})
    run(pg_url, ["INSERT INTO t DEFAULT VALUES"])
    operations = diff(old_schema, new_schema)
    run(pg_url, ["UPDATE t SET m = 'ok' WHERE m = 'happy'"])
    in_one_transaction(pg_url, [s.sql for s in render(operations, old_schema, "postgresql")])
    assert_same_schema(introspect(pg_url), introspect(pg_url_b), "after up")
    in_one_transaction(pg_url, [s.sql for s in render_down(operations, new_schema, "postgresql")])
    run(pg_url, ["INSERT INTO t DEFAULT VALUES"])
    assert sorted(query(pg_url, "SELECT m::text FROM t")) == [("happy",), ("ok",), ("ok",)]


def test_enum_value_added_and_used_in_the_same_transaction_recreates_the_type(pg_url):
    # ALTER TYPE ... ADD VALUE would leave a value unusable before COMMIT.
    old = table("t", col("m", "enum(mood)", default=Default("ok")))
    new = table("t", col("m", "enum(mood)", default=Default("fine")))
    old_schema, new_schema = one(old, enums=(MOOD,)), one(new, enums=(replace(MOOD, values=("sad", "ok", "fine", "happy")),))
    create_schema(pg_url, old_schema)
    up = [s.sql for s in render(diff(old_schema, new_schema), old_schema, "postgresql")]
    assert not any("ADD VALUE" in sql for sql in up)
    in_one_transaction(pg_url, up)
    run(pg_url, ["INSERT INTO t DEFAULT VALUES"])
    assert query(pg_url, "SELECT m::text FROM t") == [("fine",)]


def test_enum_value_added_and_not_used_is_added_in_place(pg_url):
    old_schema = one(table("t", col("m", "enum(mood)")), enums=(MOOD,))
    new_schema = one(table("t", col("m", "enum(mood)")), enums=(replace(MOOD, values=(*MOOD.values, "calm")),))
    up = [s.sql for s in render(diff(old_schema, new_schema), old_schema, "postgresql")]
    assert up == ['ALTER TYPE "mood" ADD VALUE \'calm\' AFTER \'happy\'']


def test_widen_an_identity_key_referenced_by_a_foreign_key(pg_url, pg_url_b):
    parent = table("parent", col("v", "text"))
    child = table("child", col("parent_id", "integer", id="p"), foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",)),))
    big_id = col("id", "bigint", nullable=False, identity=True, id="id")
    parent_new = replace(parent, columns=(big_id, parent.columns[1]))
    child_new = replace(child, columns=(child.columns[0], col("parent_id", "bigint", id="p")))
    rows = {"parent": [{"v": "a"}, {"v": "b"}], "child": [{"parent_id": 2}]}
    roundtrip(one(parent, child), one(parent_new, child_new), pg_url, pg_url_b, rows)
    run(pg_url, ["INSERT INTO parent (v) VALUES ('c')"])
    assert query(pg_url, "SELECT id FROM parent WHERE v = 'c'") == [(3,)]


def test_rename_a_column_of_a_composite_key_referenced_by_a_foreign_key(pg_url, pg_url_b):
    parent = replace(PARENT, columns=(col("a", "integer", nullable=False, id="a"), col("b", "integer", nullable=False)))
    child = replace(CHILD, foreign_keys=(ForeignKey(("x", "y"), "parent", ("a", "b"), "child_parent"),))
    parent_new = replace(parent, columns=(col("first", "integer", nullable=False, id="a"), parent.columns[1]), primary_key=PrimaryKey(("first", "b")))
    child_new = replace(child, foreign_keys=(ForeignKey(("x", "y"), "parent", ("first", "b"), "child_parent"),))
    up = roundtrip(one(parent, child), one(parent_new, child_new), pg_url, pg_url_b, FAMILY_ROWS)
    assert up == ['ALTER TABLE "parent" RENAME COLUMN "a" TO "first"']


def test_reorder_an_enum_used_by_a_key_and_a_foreign_key(pg_url, pg_url_b):
    kinds = Table("kinds", columns=(col("kind", "enum(mood)", nullable=False),), primary_key=PrimaryKey(("kind",)))
    things = table("things", col("kind", "enum(mood)"), foreign_keys=(ForeignKey(("kind",), "kinds", ("kind",), on_delete="CASCADE"),))
    reordered = replace(MOOD, values=("happy", "ok", "sad"))
    rows = {"kinds": [{"kind": "ok"}, {"kind": "sad"}], "things": [{"kind": "ok"}, {"kind": None}]}
    roundtrip(one(kinds, things, enums=(MOOD,)), one(kinds, things, enums=(reordered,)), pg_url, pg_url_b, rows)


def test_add_identity_with_hostile_names(pg_url, pg_url_b):
    name, column = 'it\'s "x"', "Ünï 'c'"
    old = Table(name, columns=(col(column, "integer"),))
    new = Table(name, columns=(col(column, "integer", nullable=False, identity=True),))
    roundtrip(one(old), one(new), pg_url, pg_url_b, {name: [{column: 4}, {column: None}]})
    run(pg_url, [s.sql for s in render(diff(one(old), one(new)), one(old), "postgresql")])
    run(pg_url, ['INSERT INTO "it\'s ""x""" DEFAULT VALUES'])
    assert query(pg_url, "SELECT max(\"Ünï 'c'\") FROM \"it's \"\"x\"\"\"") == [(5,)]


# ---------------------------------------------------------------- serial kept as serial (issue 11)


def _rows(url: DatabaseURL, sql: str) -> list[tuple]:
    with connect(url) as db:
        return [tuple(row) for row in db.query(sql)]


def test_serial_columns_are_read_and_written_back_as_serial(pg_url, pg_url_b):
    run(pg_url, ["CREATE TABLE t (id serial PRIMARY KEY, big bigserial, small smallserial, v text)", "INSERT INTO t (v) VALUES ('a')"])
    live = introspect(pg_url)
    t = live.table("t")
    assert [(c.identity, c.serial) for c in t.columns[:3]] == [(True, True)] * 3
    up = [s.sql for s in render(diff(Schema(), live), Schema(), "postgresql")]
    assert '"id" serial NOT NULL' in up[0] and '"big" bigserial NOT NULL' in up[0] and '"small" smallserial NOT NULL' in up[0]
    run(pg_url_b, up)
    assert normalized(introspect(pg_url_b)) == normalized(live)
    # a down script dropping and creating the table again gives a serial back, not an identity
    ops = diff(live, Schema())
    run(pg_url, [s.sql for s in render(ops, live, "postgresql")])
    run(pg_url, [s.sql for s in render_down(ops, Schema(), "postgresql")])
    assert normalized(introspect(pg_url)) == normalized(live)
    assert _rows(pg_url, "SELECT attidentity FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'id'") == [("",)]


def test_serial_survives_a_comment_change_and_becomes_an_identity_and_back(pg_url, pg_url_b):
    run(pg_url, ["CREATE TABLE t (id serial PRIMARY KEY, v text)", "INSERT INTO t (v) VALUES ('a'), ('b')"])
    live = introspect(pg_url)
    t = live.table("t")
    commented = live.replace_table("t", t.replace_column("id", replace(t.column("id"), comment="key")))
    run(pg_url, [s.sql for s in render(diff(live, commented), live, "postgresql")])
    assert normalized(introspect(pg_url)) == normalized(commented)
    identity = commented.replace_table("t", t.replace_column("id", replace(t.column("id"), comment="key", serial=False)))
    ops = diff(commented, identity)
    assert "make it an identity instead of a serial" in ops[0].describe()
    run(pg_url, [s.sql for s in render(ops, commented, "postgresql")])
    assert normalized(introspect(pg_url)) == normalized(identity)
    run(pg_url, ["INSERT INTO t (v) VALUES ('c')"])
    run(pg_url, [s.sql for s in render_down(ops, identity, "postgresql")])
    assert normalized(introspect(pg_url)) == normalized(commented)
    run(pg_url, ["INSERT INTO t (v) VALUES ('d')"])
    assert _rows(pg_url, "SELECT id, v FROM t ORDER BY id") == [(1, "a"), (2, "b"), (3, "c"), (4, "d")]


# ---------------------------------------------------------------- column collations (issue 11)


def test_column_collation_is_read_written_and_kept_by_a_comment_change(pg_url, pg_url_b):
    run(pg_url, ['CREATE TABLE t (id integer PRIMARY KEY, name text COLLATE "C", plain text)', "INSERT INTO t VALUES (1, 'b', 'x'), (2, 'B', 'y')"])
    live = introspect(pg_url)
    t = live.table("t")
    assert (t.column("name").collation, t.column("plain").collation) == ("C", None)
    up = [s.sql for s in render(diff(Schema(), live), Schema(), "postgresql")]
    assert '"name" text COLLATE "C"' in up[0]
    run(pg_url_b, up)
    assert normalized(introspect(pg_url_b)) == normalized(live)
    commented = live.replace_table("t", t.replace_column("name", replace(t.column("name"), comment="who")))
    run(pg_url, [s.sql for s in render(diff(live, commented), live, "postgresql")])
    assert normalized(introspect(pg_url)) == normalized(commented)
    assert _rows(pg_url, "SELECT name FROM t ORDER BY name") == [("B",), ("b",)]


def test_a_change_of_collation_alone(pg_url, pg_url_b):
    old = table("t", col("v", "varchar(10)", default=Default("a")))
    new = table("t", col("v", "varchar(10)", default=Default("a"), collation="C"))
    up = roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"v": "x"}, {"v": None}]})
    assert any('COLLATE "C"' in sql for sql in up)
