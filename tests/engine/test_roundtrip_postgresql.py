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
    Generated,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    SequenceOptions,
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


# ---------------------------------------------------------------- issue 11: everything the model holds


def rebuilt_elsewhere(url_a: DatabaseURL, url_b: DatabaseURL) -> Schema:
    """Read A, render its CREATE script into the empty B, read B: both must be the same."""
    live = introspect(url_a)
    run(url_b, [s.sql for s in render(diff(Schema(), live), Schema(), "postgresql")])
    assert_same_schema(introspect(url_b), live, "rebuilt from what was read")
    return live


def apply(url: DatabaseURL, old: Schema, new: Schema) -> list[str]:
    """Migrate ``url`` from ``old`` to ``new`` (up); returns the statements run."""
    statements = [s.sql for s in render(diff(old, new), old, "postgresql")]
    run(url, statements)
    return statements


ISSUE_DDL = [
    'CREATE TABLE "order ""items"" 表" ('
    ' "key" serial PRIMARY KEY,'
    ' "number" bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 10 MINVALUE 5 MAXVALUE 99999 CACHE 4 CYCLE) UNIQUE,'
    ' "naïve note" text COLLATE "C",'
    ' price integer,'
    ' "with tax" integer GENERATED ALWAYS AS (price * 2) STORED)',
    "ALTER SEQUENCE \"order \"\"items\"\" 表_key_seq\" INCREMENT BY 3 CACHE 2",
    'INSERT INTO "order ""items"" 表" ("naïve note", price) VALUES (\'a\', 1), (\'b\', 2), (NULL, 3)',
]


def test_issue_example_serial_and_always_identity_with_options_survive_a_comment_change(pg_url, pg_url_b):
    run(pg_url, ISSUE_DDL)
    name = 'order "items" 表'
    rows_before = _rows(pg_url, f'SELECT * FROM "order ""items"" 表" ORDER BY 1')
    assert [row[:2] for row in rows_before] == [(1, 1000), (4, 1010), (7, 1020)]
    live = rebuilt_elsewhere(pg_url, pg_url_b)
    t = live.table(name)
    assert t.column("key").sequence == SequenceOptions(increment=3, cache=2)
    assert t.column("number").sequence == SequenceOptions(start=1000, increment=10, min_value=5, max_value=99999, cache=4, cycle=True)
    assert t.column("number").identity_always and t.column("key").serial
    commented = live.replace_table(name, replace(t, comment="it's commented", columns=tuple(
        replace(c, comment=f"about {c.name}") for c in t.columns
    )))
    positions = (
        "SELECT pg_sequence_last_value(pg_get_serial_sequence('\"order \"\"items\"\" 表\"', 'key')),"
        " pg_sequence_last_value(pg_get_serial_sequence('\"order \"\"items\"\" 表\"', 'number'))"
    )
    where_before = _rows(pg_url, positions)
    up = apply(pg_url, live, commented)
    assert all(sql.startswith("COMMENT ON") for sql in up)
    after = introspect(pg_url)
    assert after == commented
    assert _rows(pg_url, f'SELECT * FROM "order ""items"" 表" ORDER BY 1') == rows_before
    assert _rows(pg_url, positions) == where_before  # the sequences were left where they were
    run(pg_url, ['INSERT INTO "order ""items"" 表" (price) VALUES (4)'])
    ((key, number, with_tax),) = _rows(pg_url, 'SELECT "key", "number", "with tax" FROM "order ""items"" 表" WHERE price = 4')
    assert (key > 7 and key % 3 == 1, number > 1020 and number % 10 == 0, with_tax) == (True, True, 8)
    run(pg_url, [s.sql for s in render_down(diff(live, commented), commented, "postgresql")])
    assert introspect(pg_url) == live


SEQUENCE_CHANGES = {
    "by default to always with options": (
        dict(identity=True),
        dict(identity=True, identity_always=True, sequence=SequenceOptions(start=100, increment=5, max_value=10000, cache=3, cycle=True)),
    ),
    "options changed": (
        dict(identity=True, sequence=SequenceOptions(start=-200, increment=10, min_value=-200, max_value=200)),
        dict(identity=True, sequence=SequenceOptions(start=-100, increment=5, min_value=-100, max_value=100)),
    ),
    "descending": (dict(identity=True), dict(identity=True, sequence=SequenceOptions(increment=-1))),
    "serial gets options": (dict(identity=True, serial=True), dict(identity=True, serial=True, sequence=SequenceOptions(increment=2, cache=5))),
    "serial to always identity": (dict(identity=True, serial=True), dict(identity=True, identity_always=True, sequence=SequenceOptions(start=50))),
    "always identity with options goes": (dict(identity=True, identity_always=True, sequence=SequenceOptions(increment=3)), dict()),
    "plain column becomes a serial with options": (dict(), dict(identity=True, serial=True, sequence=SequenceOptions(start=10, increment=10))),
}


@pytest.mark.parametrize("change", SEQUENCE_CHANGES, ids=list(SEQUENCE_CHANGES))
def test_identity_kinds_and_sequence_options(pg_url, pg_url_b, change):
    before, after = SEQUENCE_CHANGES[change]
    old = table("t", col("n", "integer", nullable=False, **before), col("v", "text"))
    new = table("t", col("n", "integer", nullable=False, **after), col("v", "text"))
    rows = {"t": [{"n": 1, "v": "a"}, {"n": 2, "v": "b"}] if not before.get("identity") or not before.get("identity_always") else [{"v": "a"}]}
    roundtrip(one(old), one(new), pg_url, pg_url_b, rows)


def test_a_new_serial_with_options_starts_where_they_say(pg_url):
    create_schema(pg_url, one(table("t", col("n", "integer", nullable=False, identity=True, serial=True, sequence=SequenceOptions(start=50, increment=-5, max_value=100)))))
    run(pg_url, ["INSERT INTO t DEFAULT VALUES", "INSERT INTO t DEFAULT VALUES"])
    assert _rows(pg_url, "SELECT n FROM t ORDER BY n DESC") == [(50,), (45,)]


def test_options_changed_on_a_used_sequence_keep_its_place(pg_url, pg_url_b):
    old = table("t", col("n", "integer", nullable=False, identity=True, sequence=SequenceOptions(increment=1)))
    new = table("t", col("n", "integer", nullable=False, identity=True, sequence=SequenceOptions(start=500, increment=100)))
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{}, {}]})  # up, then down
    run(pg_url, [s.sql for s in render(diff(one(old), one(new)), one(old), "postgresql")])
    run(pg_url, ["INSERT INTO t DEFAULT VALUES"])
    # Values 1 and 2 were used: the sequence goes on from 2 by the new increment, START is not a RESTART.
    assert _rows(pg_url, "SELECT MAX(n) FROM t") == [(102,)]


# ---------------------------------------------------------------- generated columns


def generated_table(expression: str | None, **extra) -> Table:
    g = col("twice a", "integer", generated=Generated(expression)) if expression else col("twice a", "integer")
    return table("t", col("a", "integer"), g, **extra)


@pytest.mark.parametrize(
    ("before", "after"),
    [(None, "a * 2"), ("a * 2", None), ("a * 2", "a * 3")],
    ids=["regular to generated", "generated to regular", "new expression"],
)
def test_generated_column_changes_keep_the_rows(pg_url, pg_url_b, before, after):
    extra = dict(
        uniques=(Unique(("twice a",), "twice_unique", comment="once"),),
        checks=(Check('"twice a" < 1000', "twice_small"),),
        indexes=(
            Index(('"twice a" + 1',), "twice plus one", keys=(IndexKey(expression=True),)),
            Index(("a",), "a_including", include=("twice a",), comment="covering"),
        ),
    )
    pets = table("pets", col("owner twice", "integer"), foreign_keys=(ForeignKey(("owner twice",), "t", ("twice a",), "pets_fk", deferrable=True),))
    old = one(generated_table(before, **extra), pets)
    new = one(generated_table(after, **extra), pets)
    rows = {"t": [{"a": 1}, {"a": 2}, {"a": None}]}
    roundtrip(old, new, pg_url, pg_url_b, rows)
    if after:
        factor = int(after[-1])
        assert _rows(pg_url, 'SELECT a, "twice a" FROM t ORDER BY a') == [(1, 2), (2, 4), (None, None)]  # back down
        run(pg_url, [s.sql for s in render(diff(old, new), old, "postgresql")])
        assert _rows(pg_url, 'SELECT a, "twice a" FROM t ORDER BY a') == [(1, factor), (2, 2 * factor), (None, None)]


def test_add_a_generated_not_null_column_to_a_table_with_rows(pg_url, pg_url_b):
    old = table("t", col("a", "integer", nullable=False))
    new = table("t", col("a", "integer", nullable=False), col("b", "bigint", nullable=False, generated=Generated("a + 1"), comment="next"))
    roundtrip(one(old), one(new), pg_url, pg_url_b, {"t": [{"a": 1}, {"a": 5}]})


def test_type_of_a_generated_column(pg_url, pg_url_b):
    roundtrip(
        one(table("t", col("a", "integer"), col("g", "integer", generated=Generated("a * 2")))),
        one(table("t", col("a", "integer"), col("g", "bigint", generated=Generated("a * 2")))),
        pg_url, pg_url_b, {"t": [{"a": 3}]},
    )


# ---------------------------------------------------------------- indexes


INDEX_VARIANTS = {
    "descending, nulls first": Index(("b", "a"), "ix", keys=(IndexKey(descending=True), IndexKey(nulls="FIRST"))),
    "descending nulls last": Index(("a",), "ix", keys=(IndexKey(descending=True, nulls="LAST"),)),
    "operator class": Index(("b",), "ix", keys=(IndexKey(opclass="text_pattern_ops"),)),
    "collation": Index(("b",), "ix", keys=(IndexKey(collation="C"),)),
    "expressions": Index(("lower(b)", "a + 1"), "ix", keys=(IndexKey(expression=True, collation="POSIX"), IndexKey(expression=True, descending=True))),
    "include": Index(("a",), "ix", include=("b",)),
    "hash": Index(("b",), "ix", method="hash"),
    "brin": Index(("a",), "ix", method="brin"),
    "gin": Index(("j",), "ix", method="gin", keys=(IndexKey(opclass="jsonb_path_ops"),)),
    "nulls not distinct": Index(("a", "b"), "ix", unique=True, nulls_not_distinct=True),
    "comment": Index(("a",), "ix", comment="it's an index"),
}


def index_table(*indexes: Index) -> Table:
    return table("t", col("a", "integer"), col("b", "text"), col("j", "json"), indexes=indexes)


@pytest.mark.parametrize("variant", INDEX_VARIANTS, ids=list(INDEX_VARIANTS))
def test_index_variants_created_changed_and_dropped(pg_url, pg_url_b, variant):
    index = INDEX_VARIANTS[variant]
    rows = {"t": [{"a": 1, "b": "x"}, {"a": None, "b": None}]}
    roundtrip(one(index_table(Index(("a",), "ix"))), one(index_table(index)), pg_url, pg_url_b, rows)
    run(pg_url_b, ["DROP SCHEMA public CASCADE", "CREATE SCHEMA public"])
    run(pg_url, ["DROP SCHEMA public CASCADE", "CREATE SCHEMA public"])
    roundtrip(one(index_table()), one(index_table(index)), pg_url, pg_url_b, rows)


def test_index_comment_alone_is_set_in_place(pg_url, pg_url_b):
    index = Index(("lower(b)",), "ix ünï", keys=(IndexKey(expression=True),), include=("a",))
    up = roundtrip(one(index_table(index)), one(index_table(replace(index, comment='say "hi"'))), pg_url, pg_url_b, {"t": [{"a": 1}]})
    assert up == ["COMMENT ON INDEX \"ix ünï\" IS 'say \"hi\"'"]


# ---------------------------------------------------------------- constraint options and comments


def parent_and_child(fk: ForeignKey, **parent) -> Schema:
    parent.setdefault("uniques", (Unique(("code",), "parent_code_key"),))
    return one(
        table("parent", col("code", "integer"), **parent),
        table("child", col("parent_id", "integer"), col("code", "integer"), foreign_keys=(fk,)),
    )


def test_django_style_deferred_foreign_key_round_trip(pg_url, pg_url_b):
    plain = ForeignKey(("parent_id",), "parent", ("id",), "child_parent_id_fk_parent_id")
    django = replace(plain, deferrable=True, initially_deferred=True)
    rows = {"parent": [{"code": 1}], "child": [{"parent_id": 1}]}
    up = roundtrip(parent_and_child(plain), parent_and_child(django), pg_url, pg_url_b, rows)
    assert up[-1].endswith("DEFERRABLE INITIALLY DEFERRED")
    # Deferred: a child row may come before its parent within a transaction.
    apply(pg_url, parent_and_child(plain), parent_and_child(django))
    with connect(pg_url) as db:
        db.execute("BEGIN")
        db.execute("INSERT INTO child (parent_id) VALUES (2)")
        db.execute("INSERT INTO parent (id, code) VALUES (2, 2)")
        db.execute("COMMIT")


FOREIGN_KEY_VARIANTS = {
    "match full": dict(match="FULL"),
    "deferrable": dict(deferrable=True),
    "not valid": dict(not_valid=True),
    "comment": dict(comment="refers 'up'"),
    "all": dict(match="FULL", deferrable=True, initially_deferred=True, not_valid=True, on_delete="CASCADE", comment="ünï"),
}


@pytest.mark.parametrize("variant", FOREIGN_KEY_VARIANTS, ids=list(FOREIGN_KEY_VARIANTS))
def test_foreign_key_options(pg_url, pg_url_b, variant):
    plain = ForeignKey(("code", "parent_id"), "parent", ("code", "id"), "fk")
    parent = dict(uniques=(Unique(("code", "id"), "parent_code_id_key"),))
    rows = {"parent": [{"code": 1}], "child": [{"parent_id": 1, "code": 1}, {"parent_id": None, "code": None}]}
    roundtrip(parent_and_child(plain, **parent), parent_and_child(replace(plain, **FOREIGN_KEY_VARIANTS[variant]), **parent), pg_url, pg_url_b, rows)


def test_not_valid_constraints_are_added_over_rows_breaking_them(pg_url, pg_url_b):
    old = one(
        table("parent", col("code", "integer")),
        table("child", col("parent_id", "integer"), col("n", "integer")),
    )
    new = one(
        table("parent", col("code", "integer")),
        table(
            "child",
            col("parent_id", "integer"),
            col("n", "integer"),
            checks=(Check("n > 0", "n_positive", not_valid=True, comment="new rows only"),),
            foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), "child_parent", not_valid=True),),
        ),
    )
    roundtrip(old, new, pg_url, pg_url_b, {"child": [{"parent_id": 99, "n": -1}]})


@pytest.mark.parametrize(
    "changes",
    [
        dict(pk=dict(deferrable=True)),
        dict(unique=dict(deferrable=True, initially_deferred=True)),
        dict(unique=dict(nulls_not_distinct=True)),
        dict(check=dict(no_inherit=True)),
        dict(check=dict(not_valid=True)),
    ],
    ids=["deferrable key", "deferred unique", "unique nulls not distinct", "check no inherit", "check not valid"],
)
def test_key_unique_and_check_options(pg_url, pg_url_b, changes):
    def build(options: dict) -> Schema:
        t = table("t", col("a", "integer"), col("b", "integer"))
        return one(replace(
            t,
            primary_key=PrimaryKey(("id",), "t_pkey", **options.get("pk", {})),
            uniques=(Unique(("a", "b"), "t_ab", **options.get("unique", {})),),
            checks=(Check("a > 0", "t_a_positive", **options.get("check", {})),),
        ))

    roundtrip(build({}), build(changes), pg_url, pg_url_b, {"t": [{"a": 1, "b": None}, {"a": 2, "b": None}]})


def test_comments_of_keys_constraints_indexes_and_enums_alone_are_set_in_place(pg_url, pg_url_b):
    def build(comment: str | None) -> Schema:
        t = table(
            'say "hi" 表',
            col("a b", "integer"),
            col("mood", "enum(feeling ünï)"),
            foreign_keys=(ForeignKey(("a b",), 'say "hi" 表', ("id",), "fk. it's"),),
            uniques=(Unique(("a b",), 'u "q"'),),
            checks=(Check('"a b" > 0', "c.heck"),),
            indexes=(Index(("mood",), "i ndex"),),
        )
        t = replace(
            t,
            primary_key=PrimaryKey(("id",), "pk ünï", comment=comment),
            foreign_keys=tuple(replace(x, comment=comment) for x in t.foreign_keys),
            uniques=tuple(replace(x, comment=comment) for x in t.uniques),
            checks=tuple(replace(x, comment=comment) for x in t.checks),
            indexes=tuple(replace(x, comment=comment) for x in t.indexes),
        )
        return one(t, enums=(Enum("feeling ünï", ("ok", "it's"), comment=comment),))

    rows = {'say "hi" 表': [{"a b": None, "mood": "ok"}]}
    up = roundtrip(build(None), build("it's noted"), pg_url, pg_url_b, rows)
    assert len(up) == 6 and all(sql.startswith("COMMENT ON") for sql in up)
    run(pg_url_b, ["DROP SCHEMA public CASCADE", "CREATE SCHEMA public"])
    run(pg_url, ["DROP SCHEMA public CASCADE", "CREATE SCHEMA public"])
    roundtrip(build("old words"), build("new words"), pg_url, pg_url_b, rows)


def test_an_enum_recreated_keeps_its_comment(pg_url, pg_url_b):
    old = one(table("t", col("m", "enum(mood)")), enums=(Enum("mood", ("a", "b"), comment="feelings"),))
    new = one(table("t", col("m", "enum(mood)")), enums=(Enum("mood", ("b",), comment="feelings"),))
    roundtrip(old, new, pg_url, pg_url_b, {"t": [{"m": "b"}]})


def test_everything_written_by_hand_reads_back_and_rebuilds_identically(pg_url, pg_url_b):
    run(pg_url, [
        "CREATE TYPE \"Big Mood\" AS ENUM ('a', 'b')",
        "COMMENT ON TYPE \"Big Mood\" IS 'type'",
        'CREATE TABLE "p q" (id integer GENERATED ALWAYS AS IDENTITY (START 7 INCREMENT 7) PRIMARY KEY,'
        ' "naïve" text COLLATE "C", n integer, g integer GENERATED ALWAYS AS (n * 2) STORED,'
        ' m "Big Mood", CONSTRAINT "u ""q""" UNIQUE NULLS NOT DISTINCT (n, "naïve"),'
        ' CONSTRAINT later UNIQUE (g) DEFERRABLE INITIALLY DEFERRED, CONSTRAINT ni CHECK (n > 0) NO INHERIT)',
        'CREATE TABLE kids (id bigserial PRIMARY KEY, parent integer, n integer, "naïve" text)',
        'ALTER TABLE kids ADD CONSTRAINT to_parent FOREIGN KEY (parent) REFERENCES "p q" (id) DEFERRABLE INITIALLY DEFERRED',
        'ALTER TABLE kids ADD CONSTRAINT full_fk FOREIGN KEY (n, "naïve") REFERENCES "p q" (n, "naïve") MATCH FULL NOT VALID',
        "ALTER TABLE kids ADD CONSTRAINT late CHECK (n < 10) NOT VALID",
        'CREATE UNIQUE INDEX "every key" ON "p q" (lower("naïve") COLLATE "POSIX" DESC, n NULLS FIRST, "naïve" text_pattern_ops) INCLUDE (g) WHERE n > 1',
        'CREATE INDEX hashed ON kids USING hash ("naïve")',
        "COMMENT ON INDEX \"every key\" IS 'keys'",
        "COMMENT ON CONSTRAINT to_parent ON kids IS 'django'",
        'COMMENT ON CONSTRAINT "p q_pkey" ON "p q" IS \'key\'',
    ])
    live = rebuilt_elsewhere(pg_url, pg_url_b)
    assert introspect(pg_url_b) == live  # not only equivalent: the very same reading


def test_widen_a_column_generated_columns_read(pg_url, pg_url_b):
    def build(kind: str) -> Schema:
        return one(table(
            "t",
            col("a", kind),
            col("twice", "bigint", generated=Generated("a * 2"), comment="2a"),
            col("plus one", "bigint", nullable=False, generated=Generated("COALESCE(a, 0) + 1")),
            indexes=(Index(("twice", "plus one"), "both", comment="two generated"),),
            uniques=(Unique(("plus one",), "plus_unique"),),
        ))

    rows = {"t": [{"a": 1}, {"a": 2}, {"a": None}]}
    roundtrip(build("integer"), build("bigint"), pg_url, pg_url_b, rows)
    assert _rows(pg_url, 'SELECT a, twice, "plus one" FROM t ORDER BY a') == [(1, 2, 2), (2, 4, 3), (None, None, 1)]


def test_sequence_options_of_a_serial_in_a_table_named_with_dollars_and_quotes(pg_url, pg_url_b):
    name = "it's $$ a $do1$ table"
    old = table(name, col("n", "integer", nullable=False, identity=True, serial=True, sequence=SequenceOptions(increment=2)))
    new = table(name, col("n", "integer", nullable=False, identity=True, sequence=SequenceOptions(increment=3)))
    up = roundtrip(one(old), one(new), pg_url, pg_url_b, {name: [{}, {}]})
    assert any(sql.startswith("DO $do2$") for sql in up)


def test_widen_a_column_read_by_generated_columns_one_indexed_the_other_in_its_predicate(pg_url, pg_url_b):
    def build(kind: str) -> Schema:
        return one(table(
            "t",
            col("a", kind),
            col("g1", "bigint", generated=Generated("a * 2")),
            col("g2", "bigint", generated=Generated("a * 3")),
            indexes=(Index(("g1",), "g1_where_g2", where="g2 > 0"),),
            checks=(Check("g1 < g2 OR a <= 0", "g_order"),),
        ))

    roundtrip(build("integer"), build("bigint"), pg_url, pg_url_b, {"t": [{"a": 1}, {"a": 2}]})
