"""Every kind of change applied up and down on SQLite files, with rows in the tables.

Most of these changes go through the table rebuild; the harness checks that the rebuilt tables
read back as designed and keep their rows, both ways.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace

import pytest

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
    Table,
    Unique,
    strip_ids,
)
from migrations_engine.scratch import scratch_database
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.engine.roundtrip import assert_same_schema, create_schema, insert_rows, roundtrip, run


@pytest.fixture
def sqlite_url_b(tmp_path) -> Iterator[DatabaseURL]:
    with scratch_database(f"sqlite:///{tmp_path / 'server.sqlite3'}", prefix="me_test") as url:
        yield url


def col(name: str, type_text: str, **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_text), **kwargs)


ID = col("id", "integer", nullable=False, identity=True, id="id")


def table(name: str, *columns: Column, pk: tuple[str, ...] | None = ("id",), **kwargs) -> Table:
    return Table(name, columns=(ID, *columns), primary_key=PrimaryKey(pk) if pk else None, **kwargs)


def one(*tables: Table, enums: tuple[Enum, ...] = ()) -> Schema:
    return with_default_names(Schema(tables=tables, enums=enums))


def query(url: DatabaseURL, sql: str) -> list[tuple]:
    with connect(url) as db:
        return db.query(sql)


PEOPLE = table("people", col("name", "text"), id="people")
PETS = table(
    "pets",
    col("owner", "integer"),
    foreign_keys=(ForeignKey(("owner",), "people", ("id",), on_delete="CASCADE"),),
    id="pets",
)
PEOPLE_ROWS = {"people": [{"name": "ann"}, {"name": "bob"}], "pets": [{"owner": 1}, {"owner": 2}, {"owner": 2}]}


# ---------------------------------------------------------------- tables


def test_create_table(sqlite_url, sqlite_url_b):
    new_table = table(
        "toys",
        col("pet", "integer", nullable=False),
        col("kind", "varchar(10)", default=Default("ball")),
        foreign_keys=(ForeignKey(("pet",), "pets", ("id",)),),
        checks=(Check('"kind" <> \'\''),),
        indexes=(Index(("pet", "kind")),),
    )
    roundtrip(one(PEOPLE, PETS), one(PEOPLE, PETS, new_table), sqlite_url, sqlite_url_b, PEOPLE_ROWS)


def test_drop_tables_referencing_each_other(sqlite_url, sqlite_url_b):
    roundtrip(one(PEOPLE, PETS), one(), sqlite_url, sqlite_url_b, PEOPLE_ROWS)


def test_drop_a_child_table(sqlite_url, sqlite_url_b):
    roundtrip(one(PEOPLE, PETS), one(PEOPLE), sqlite_url, sqlite_url_b, PEOPLE_ROWS)


def test_rename_a_table_referenced_by_a_foreign_key(sqlite_url, sqlite_url_b):
    persons = replace(PEOPLE, name="persons")
    pets = replace(PETS, foreign_keys=(ForeignKey(("owner",), "persons", ("id",), on_delete="CASCADE"),))
    up = roundtrip(one(PEOPLE, PETS), one(persons, pets), sqlite_url, sqlite_url_b, PEOPLE_ROWS)
    assert up[0] == 'ALTER TABLE "people" RENAME TO "persons"'
    assert query(sqlite_url, 'SELECT count(*) FROM "pets"') == [(3,)]


def test_table_comment_is_not_kept(sqlite_url, sqlite_url_b):
    up = roundtrip(one(PEOPLE), one(replace(PEOPLE, comment="everyone")), sqlite_url, sqlite_url_b, PEOPLE_ROWS | {"pets": []})
    assert up == []


# ---------------------------------------------------------------- columns


def test_add_columns(sqlite_url, sqlite_url_b):
    new = replace(
        PEOPLE,
        columns=(
            *PEOPLE.columns,
            col("maybe", "varchar(20)"),
            col("score", "integer", nullable=False),
            col("joined", "date", nullable=False, default=Default("2000-01-01")),
            col("seen", "timestamp", default=Default("CURRENT_TIMESTAMP", expression=True)),
            col("code", "text", nullable=False, default=Default("upper('x')", expression=True)),
        ),
    )
    up = roundtrip(one(PEOPLE, PETS), one(new, PETS), sqlite_url, sqlite_url_b, PEOPLE_ROWS)
    run(sqlite_url, up)
    assert query(sqlite_url, 'SELECT "score", "joined", "code", "seen" IS NOT NULL FROM "people"') == [
        (0, "2000-01-01", "X", 1),
        (0, "2000-01-01", "X", 1),
    ]


def test_drop_columns_unused_and_in_use(sqlite_url, sqlite_url_b):
    old = table(
        "t",
        col("plain", "integer"),
        col("indexed", "text"),
        col("unique", "text"),
        col("kept", "integer"),
        uniques=(Unique(("unique",)),),
        indexes=(Index(("indexed", "kept")),),
        id="t",
    )
    new = table("t", col("kept", "integer"), id="t")
    rows = {"t": [{"plain": 1, "indexed": "a", "unique": "x", "kept": 5}, {"plain": 2, "unique": "y"}]}
    up = roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, rows)
    assert 'ALTER TABLE "t" DROP COLUMN "plain"' in up
    assert query(sqlite_url, 'SELECT "kept" FROM "t" ORDER BY "id"') == [(5,), (None,)]


def test_rename_columns_used_by_keys_indexes_and_foreign_keys(sqlite_url, sqlite_url_b):
    old_people = table("people", col("name", "text", id="name"), col("code", "integer", id="code"),
                       uniques=(Unique(("code",), "people_code"),), indexes=(Index(("name",), "people_name"),), id="people")  # fmt: skip
    old_pets = table("pets", col("owner code", "integer", id="owner"),
                     foreign_keys=(ForeignKey(("owner code",), "people", ("code",), "pets_owner"),), id="pets")  # fmt: skip
    new_people = table("people", col("full name", "text", id="name"), col("number", "integer", id="code"),
                       uniques=(Unique(("number",), "people_code"),), indexes=(Index(("full name",), "people_name"),), id="people")  # fmt: skip
    new_pets = table("pets", col("owner", "integer", id="owner"),
                     foreign_keys=(ForeignKey(("owner",), "people", ("number",), "pets_owner"),), id="pets")  # fmt: skip
    rows = {"people": [{"name": "ann", "code": 7}], "pets": [{"owner code": 7}]}
    up = roundtrip(one(old_people, old_pets), one(new_people, new_pets), sqlite_url, sqlite_url_b, rows)
    assert all(statement.startswith("ALTER TABLE") for statement in up)


def test_rename_column_named_by_a_check_and_a_partial_index(sqlite_url, sqlite_url_b):
    """SQLite's RENAME COLUMN rewrites both: one statement, no rebuild."""
    old = table("t", col("qty", "integer", id="q"), checks=(Check("qty > 0", "t_qty", id="k"),),
                indexes=(Index(("id",), "t_positive", where="qty > 5", id="i"),), id="t")  # fmt: skip
    new = table("t", col("quantity", "integer", id="q"), checks=(Check("quantity > 0", "t_qty", id="k"),),
                indexes=(Index(("id",), "t_positive", where="quantity > 5", id="i"),), id="t")  # fmt: skip
    up = roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, {"t": [{"qty": 7}]})
    assert up == ['ALTER TABLE "t" RENAME COLUMN "qty" TO "quantity"']


def test_swap_two_column_names(sqlite_url, sqlite_url_b):
    old = table("t", col("a", "integer", id="a"), col("b", "text", id="b"), id="t")
    new = table("t", col("b", "integer", id="a"), col("a", "text", id="b"), id="t")
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, {"t": [{"a": 1, "b": "x"}]})
    assert query(sqlite_url, 'SELECT "a", "b" FROM "t"') == [(1, "x")]


def test_widen_types(sqlite_url, sqlite_url_b):
    old = table("t", col("n", "smallint"), col("s", "varchar(5)"), col("f", "float"), col("d", "decimal(5,2)"), id="t")
    new = table("t", col("n", "bigint"), col("s", "text"), col("f", "double"), col("d", "decimal(12,4)"), id="t")
    rows = {"t": [{"n": 7, "s": "abc", "f": 1.5, "d": 1.25}, {"n": None}]}
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, rows)
    assert query(sqlite_url, 'SELECT "n", "s", "f", "d" FROM "t" ORDER BY "id"') == [(7, "abc", 1.5, 1.25), (None, None, None, None)]


def test_narrow_types_and_change_kinds(sqlite_url, sqlite_url_b):
    old = table("t", col("weight", "double"), col("label", "text"), col("count", "text"), id="t")
    new = table("t", col("weight", "integer"), col("label", "varchar(3)"), col("count", "integer"), id="t")
    rows = {"t": [{"weight": 2.5, "label": "long text", "count": "12"}, {"weight": -1.4, "count": "n/a"}]}
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, rows)
    # After down: REAL rounded by the way up, text that reads as a number converted by affinity.
    assert query(sqlite_url, 'SELECT "weight", typeof("weight"), "label", "count" FROM "t" ORDER BY "id"') == [
        (3.0, "real", "long text", "12"),
        (-1.0, "real", None, "n/a"),
    ]


def test_make_columns_not_null_with_null_rows(sqlite_url, sqlite_url_b):
    old = table("t", col("a", "integer"), col("b", "text"), col("c", "boolean"), id="t")
    new = table(
        "t",
        col("a", "integer", nullable=False),
        col("b", "text", nullable=False, default=Default("none")),
        col("c", "boolean", nullable=False, default=Default("true")),
        id="t",
    )
    rows = {"t": [{"a": 1, "b": "x", "c": False}, {"a": None}]}
    up = roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, rows)
    run(sqlite_url, up)
    assert query(sqlite_url, 'SELECT "a", "b", "c" FROM "t" ORDER BY "id"') == [(1, "x", 0), (0, "none", 1)]


def test_allow_nulls(sqlite_url, sqlite_url_b):
    old = table("t", col("a", "integer", nullable=False), id="t")
    new = table("t", col("a", "integer"), id="t")
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, {"t": [{"a": 1}]})


def test_nulls_written_after_up_are_filled_by_down(sqlite_url, sqlite_url_b):
    old = table("t", col("a", "integer", nullable=False, default=Default("5")), col("b", "text", nullable=False), id="t")
    new = table("t", col("a", "integer"), col("b", "text"), id="t")
    old_schema, new_schema = one(old), one(new)
    operations = diff(old_schema, new_schema)
    create_schema(sqlite_url, old_schema)
    insert_rows(sqlite_url, {"t": [{"a": 1, "b": "x"}]})
    run(sqlite_url, [s.sql for s in render(operations, old_schema, "sqlite")])
    insert_rows(sqlite_url, {"t": [{"a": None, "b": None}]})
    run(sqlite_url, [s.sql for s in render_down(operations, new_schema, "sqlite")])
    create_schema(sqlite_url_b, old_schema)
    assert_same_schema(introspect(sqlite_url), introspect(sqlite_url_b), "after down")
    assert query(sqlite_url, 'SELECT "a", "b" FROM "t" ORDER BY "id"') == [(1, "x"), (5, "")]


def test_change_defaults(sqlite_url, sqlite_url_b):
    old = table("t", col("a", "integer", default=Default("1")), col("b", "text"), col("c", "timestamp", default=Default("CURRENT_TIMESTAMP", expression=True)), id="t")
    new = table("t", col("a", "integer", default=Default("2")), col("b", "text", default=Default("it's")), col("c", "timestamp"), id="t")
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, {"t": [{"a": 5}, {"b": None}]})


def test_make_a_primary_key_an_identity_and_back(sqlite_url, sqlite_url_b):
    plain = col("id", "integer", nullable=False, id="id")
    old = Table("t", columns=(plain, col("a", "text")), primary_key=PrimaryKey(("id",)), id="t")
    new = Table("t", columns=(replace(plain, identity=True), col("a", "text")), primary_key=PrimaryKey(("id",)), id="t")
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, {"t": [{"id": 10, "a": "x"}, {"id": 20, "a": "y"}]})
    assert query(sqlite_url, 'SELECT "id" FROM "t" ORDER BY "id"') == [(10,), (20,)]


def test_an_enum_gaining_a_value_keeps_its_rows(sqlite_url, sqlite_url_b):
    mood, more = Enum("mood", ("sad", "ok")), Enum("mood", ("sad", "ok", "glad"))
    old = table("t", col("m", "enum(mood)", default=Default("ok")), id="t")
    roundtrip(one(old, enums=(mood,)), one(old, enums=(more,)), sqlite_url, sqlite_url_b, {"t": [{"m": "sad"}]})


# ---------------------------------------------------------------- keys and constraints


def test_add_and_drop_a_composite_primary_key(sqlite_url, sqlite_url_b):
    old = Table("lines", columns=(col("order", "integer", nullable=False), col("line", "integer", nullable=False), col("qty", "integer")), id="l")
    new = replace(old, primary_key=PrimaryKey(("order", "line")))
    rows = {"lines": [{"order": 1, "line": 1, "qty": 3}, {"order": 1, "line": 2}]}
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, rows)
    roundtrip(one(new), one(old), *_fresh_pair(sqlite_url), rows)


def _fresh_pair(url: DatabaseURL) -> tuple[DatabaseURL, DatabaseURL]:
    base = url.database.rsplit(".", 1)[0]
    return url.with_database(base + "_2a.sqlite3"), url.with_database(base + "_2b.sqlite3")


def test_composite_foreign_key_with_on_delete_cascade(sqlite_url, sqlite_url_b):
    orders = Table("orders", columns=(col("shop", "integer", nullable=False), col("number", "integer", nullable=False)),
                   primary_key=PrimaryKey(("shop", "number")), id="o")  # fmt: skip
    lines = table("lines", col("shop", "integer"), col("number", "integer"), id="l")
    linked = replace(lines, foreign_keys=(ForeignKey(("shop", "number"), "orders", ("shop", "number"), on_delete="CASCADE"),))
    rows = {"orders": [{"shop": 1, "number": 1}, {"shop": 1, "number": 2}], "lines": [{"shop": 1, "number": 2}, {"shop": 1, "number": 2}]}
    roundtrip(one(orders, lines), one(orders, linked), sqlite_url, sqlite_url_b, rows)


def test_rebuilding_a_parent_keeps_the_children_of_on_delete_cascade(sqlite_url, sqlite_url_b):
    checked = replace(PEOPLE, checks=(Check("length(name) > 1"),), columns=(ID, col("name", "varchar(20)", nullable=False, default=Default("?"))))
    roundtrip(one(PEOPLE, PETS), one(checked, PETS), sqlite_url, sqlite_url_b, PEOPLE_ROWS)
    assert query(sqlite_url, 'SELECT count(*) FROM "pets"') == [(3,)]


def test_self_referencing_foreign_key(sqlite_url, sqlite_url_b):
    old = table("staff", col("boss", "integer"), id="s")
    new = replace(old, foreign_keys=(ForeignKey(("boss",), "staff", ("id",), on_delete="SET NULL"),))
    rows = {"staff": [{"boss": None}, {"boss": 1}, {"boss": 2}]}
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, rows)
    assert query(sqlite_url, 'SELECT "boss" FROM "staff" ORDER BY "id"') == [(None,), (1,), (2,)]


def test_a_cycle_of_two_tables(sqlite_url, sqlite_url_b):
    a = table("a", col("b_id", "integer"), id="a")
    b = table("b", col("a_id", "integer"), id="b")
    a_to_b = replace(a, foreign_keys=(ForeignKey(("b_id",), "b", ("id",)),))
    b_to_a = replace(b, foreign_keys=(ForeignKey(("a_id",), "a", ("id",), on_delete="CASCADE"),))
    rows = {"a": [{"b_id": 1}, {"b_id": 2}], "b": [{"a_id": 2}, {"a_id": 1}]}
    roundtrip(one(a, b), one(a_to_b, b_to_a), sqlite_url, sqlite_url_b, rows)


def test_create_a_cycle_of_two_tables(sqlite_url, sqlite_url_b):
    a = table("a", col("b_id", "integer"), foreign_keys=(ForeignKey(("b_id",), "b", ("id",)),))
    b = table("b", col("a_id", "integer"), foreign_keys=(ForeignKey(("a_id",), "a", ("id",)),))
    roundtrip(one(PEOPLE), one(PEOPLE, a, b), sqlite_url, sqlite_url_b, {"people": [{"name": "ann"}]})


def test_add_and_drop_unique_and_check_constraints(sqlite_url, sqlite_url_b):
    old = table("t", col("a", "integer"), col("b", "text"), uniques=(Unique(("b",)),), checks=(Check("a < 100"),), id="t")
    new = table("t", col("a", "integer"), col("b", "text"), uniques=(Unique(("a", "b")),), checks=(Check('"a" >= 0', "positive"),), id="t")
    rows = {"t": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": None, "b": None}]}
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, rows)


def test_rename_a_primary_key_and_a_check(sqlite_url, sqlite_url_b):
    old = table("t", col("a", "integer"), checks=(Check("a > 0", "old_check", id="c"),), id="t")
    new = replace(old, primary_key=PrimaryKey(("id",), "t_key"), checks=(Check("a > 0", "new_check", id="c"),))
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, {"t": [{"a": 1}]})


# ---------------------------------------------------------------- indexes


def test_add_and_drop_indexes(sqlite_url, sqlite_url_b):
    old = table("t", col("a", "integer"), col("b", "text"), indexes=(Index(("b",)),), id="t")
    new = table(
        "t",
        col("a", "integer"),
        col("b", "text"),
        indexes=(
            Index(("a", "b"), unique=True),
            Index(("b", "a"), "multi"),
            Index(("a",), "positive_a", where='"a" > 0'),
        ),
        id="t",
    )
    rows = {"t": [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]}
    up = roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, rows)
    assert up == [
        'DROP INDEX "t_b_idx"',
        'CREATE INDEX "multi" ON "t" ("b", "a")',
        'CREATE INDEX "positive_a" ON "t" ("a") WHERE "a" > 0',
        'CREATE UNIQUE INDEX "t_a_b_idx" ON "t" ("a", "b")',
    ]


def test_rename_an_index(sqlite_url, sqlite_url_b):
    old = table("t", col("a", "integer"), indexes=(Index(("a",), "old name", unique=True, where="a > 1", id="i"),), id="t")
    new = replace(old, indexes=(Index(("a",), "new name", unique=True, where="a > 1", id="i"),))
    up = roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, {"t": [{"a": 1}, {"a": 2}]})
    assert up == ['DROP INDEX "old name"', 'CREATE UNIQUE INDEX "new name" ON "t" ("a") WHERE a > 1']


# ---------------------------------------------------------------- declared types kept (issue 11)


def _declared(url: DatabaseURL) -> list[tuple]:
    return query(url, "SELECT name, type FROM pragma_table_xinfo('t') ORDER BY cid")


def test_a_rebuild_keeps_the_declared_types_of_the_columns_it_does_not_change(sqlite_url, sqlite_url_b):
    run(
        sqlite_url,
        [
            "CREATE TABLE t (id INTEGER PRIMARY KEY, at DATETIME, price NUMERIC(12,2), f FLOAT, v varchar(10), w TEXT)",
            "INSERT INTO t VALUES (1, '2001-02-03 04:05:06', 12.5, 1.5, 'x', 'y')",
        ],
    )
    before = _declared(sqlite_url)
    live = introspect(sqlite_url)
    assert live.table("t").column("at").declared_type == "DATETIME"
    assert live.table("t").column("w").declared_type is None  # what the dialect writes anyway
    # the CREATE script written from the live schema declares the same types
    create_schema(sqlite_url_b, live)
    assert _declared(sqlite_url_b) == before
    # a change that rebuilds the table (NOT NULL on w) leaves the other columns' declarations
    t = live.table("t")
    new = live.replace_table("t", t.replace_column("w", replace(t.column("w"), nullable=False)))
    up = [s.sql for s in render(diff(live, new), live, "sqlite")]
    assert any(sql.startswith('CREATE TABLE "new__t"') for sql in up)
    run(sqlite_url, up)
    assert _declared(sqlite_url) == before
    assert query(sqlite_url, "SELECT id, at, price, f, v, w FROM t") == [(1, "2001-02-03 04:05:06", 12.5, 1.5, "x", "y")]
    # a column whose type changes gets the dialect's spelling of its new type
    t = new.table("t")
    retyped = new.replace_table("t", t.replace_column("at", replace(t.column("at"), type=ColumnType.parse("text"))))
    run(sqlite_url, [s.sql for s in render(diff(new, retyped), new, "sqlite")])
    assert dict(_declared(sqlite_url))["at"] == "TEXT"
    assert dict(_declared(sqlite_url))["price"] == "NUMERIC(12,2)"


# ---------------------------------------------------------------- what the model holds since format 3 (issue 11)

ODD = 'naïve "odd" name'  # spaces, double quotes, unicode: quoted wherever it appears


def _stock(**options) -> Table:
    """A table of every type a STRICT table can declare, plus a key that is not a rowid."""
    return Table(
        "stock",
        columns=(
            col("sku", "text", nullable=False, id="sku"),
            col("qty", "integer", nullable=False, default=Default("0"), id="qty"),
            col("price", "float", id="price"),
            col("photo", "binary", id="photo"),
            col("on sale", "boolean", nullable=False, default=Default("false"), id="on sale"),
            col(ODD, "enum(size)", id="odd"),
            col("extra", "sqlite:ANY", id="extra"),
        ),
        primary_key=PrimaryKey(("sku",)),
        id="stock",
        **options,
    )


SIZE = Enum("size", ("s", "m", "l'xl"), id="size")
STOCK_ROWS = {
    "stock": [
        {"sku": "a", "qty": 1, "price": 2.5, "photo": b"\x00\x01", "on sale": 1, ODD: "l'xl", "extra": "x"},
        {"sku": "b", "qty": 2, "price": None, "photo": None, "on sale": 0, ODD: None, "extra": 7},
    ]
}
STOCK_VALUES = [("a", 1, 2.5, b"\x00\x01", 1, "l'xl", "x"), ("b", 2, None, None, 0, None, 7)]


def _stock_values(url: DatabaseURL) -> list[tuple]:
    return query(url, f'SELECT sku, qty, price, photo, "on sale", "{ODD.replace(chr(34), chr(34) * 2)}", extra FROM stock ORDER BY sku')


@pytest.mark.parametrize("options", [{"strict": True}, {"without_rowid": True}, {"strict": True, "without_rowid": True}])
def test_table_options_on_and_off_keep_every_row(sqlite_url, sqlite_url_b, options):
    up = roundtrip(one(_stock(), enums=(SIZE,)), one(_stock(**options), enums=(SIZE,)), sqlite_url, sqlite_url_b, STOCK_ROWS)
    assert up[1].startswith('CREATE TABLE "new__stock"')
    assert up[1].endswith(") " + ", ".join(w for k, w in (("without_rowid", "WITHOUT ROWID"), ("strict", "STRICT")) if k in options))
    assert _stock_values(sqlite_url) == STOCK_VALUES


def test_a_strict_table_refuses_wrong_values_and_keeps_the_enum_and_boolean_checks(sqlite_url):
    create_schema(sqlite_url, one(_stock(strict=True), enums=(SIZE,)))
    for column, value, error in (
        ("qty", "many", "cannot store TEXT value in INTEGER column"),
        ("on sale", 2, "CHECK constraint failed"),
        (ODD, "xxl", "CHECK constraint failed: size"),
    ):
        with pytest.raises(sqlite3.IntegrityError, match=error):
            insert_rows(sqlite_url, {"stock": [{"sku": "z", column: value}]})
    assert introspect(sqlite_url) == strip_ids(one(_stock(strict=True), enums=(SIZE,)))


def _gauges(*extra: Column) -> Table:
    return table("gauges", col("c", "integer", id="c"), *extra, id="gauges")


GAUGE_ROWS = {"gauges": [{"c": 1}, {"c": 20}, {"c": None}]}


def test_generated_columns_added_in_place_or_by_a_rebuild(sqlite_url, sqlite_url_b):
    virtual = col("v", "integer", generated=Generated("c + 1", stored=False), id="v")
    stored = col(ODD, "text", generated=Generated("'#' || c", stored=True), id="odd")
    up = roundtrip(one(_gauges()), one(_gauges(virtual, stored)), sqlite_url, sqlite_url_b, GAUGE_ROWS)
    assert up[0] == 'ALTER TABLE "gauges" ADD COLUMN "v" INTEGER GENERATED ALWAYS AS (c + 1) VIRTUAL'
    assert 'GENERATED ALWAYS AS (\'#\' || c) STORED' in up[2]


@pytest.mark.parametrize(
    "change",
    [
        {"generated": Generated("c * 2", stored=True)},  # the expression
        {"generated": Generated("c + 1", stored=False)},  # the kind
        {"generated": None},  # no longer generated: the values stay as they were
    ],
)
def test_a_changed_generated_column_is_computed_anew(sqlite_url, sqlite_url_b, change):
    g = col("g", "integer", generated=Generated("c + 1", stored=True), id="g")
    up = roundtrip(one(_gauges(g)), one(_gauges(replace(g, **change))), sqlite_url, sqlite_url_b, GAUGE_ROWS)
    assert up[1].startswith('CREATE TABLE "new__gauges"')
    # A is back as it was, rows there: up again, and look at the values.
    run(sqlite_url, up)
    expected = [2, 40, None] if change["generated"] and change["generated"].expression == "c * 2" else [2, 21, None]
    assert [g for (g,) in query(sqlite_url, "SELECT g FROM gauges ORDER BY id")] == expected


def test_collations_added_changed_and_removed(sqlite_url, sqlite_url_b):
    name = col("name", "text", id="name")
    code = col("code", "varchar(10)", collation="RTRIM", id="code")
    old = table("tags", name, code, indexes=(Index(("name",), "tags_name"),), id="tags")
    new = table(
        "tags",
        replace(name, collation="NOCASE"),
        replace(code, collation=None),
        indexes=(Index(("name",), "tags_name"),),
        id="tags",
    )
    up = roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, {"tags": [{"name": "A", "code": "x  "}, {"name": "b", "code": "y"}]})
    assert any('"name" TEXT COLLATE NOCASE,\n  "code" VARCHAR(10)\n)' in sql for sql in up)
    run(sqlite_url, up)
    assert query(sqlite_url, "SELECT count(*) FROM tags WHERE name = 'a'") == [(1,)]


def test_foreign_keys_made_deferrable(sqlite_url, sqlite_url_b):
    deferred = ForeignKey(("owner",), "people", ("id",), on_delete="CASCADE", deferrable=True, initially_deferred=True)
    up = roundtrip(one(PEOPLE, PETS), one(PEOPLE, replace(PETS, foreign_keys=(deferred,))), sqlite_url, sqlite_url_b, PEOPLE_ROWS)
    assert any('REFERENCES "people" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED\n)' in sql for sql in up)
    run(sqlite_url, up)  # (the round trip ended with down)
    with connect(sqlite_url) as db:  # checked at COMMIT: a child may come before its parent
        db.raw.executescript("BEGIN; INSERT INTO pets (owner) VALUES (9); INSERT INTO people (id, name) VALUES (9, 'z'); COMMIT;")
    assert query(sqlite_url, "SELECT count(*) FROM pets WHERE owner = 9") == [(1,)]


def test_index_keys_expressions_order_and_collations(sqlite_url, sqlite_url_b):
    people = table("people", col("name", "text", id="name"), col(ODD, "integer", id="odd"), id="people")
    keys = Index(
        ("lower(name)", ODD, "name"),
        "people keys",
        keys=(IndexKey(expression=True), IndexKey(descending=True), IndexKey(collation="NOCASE")),
        where="name IS NOT NULL",
    )
    rows = {"people": [{"name": "Ann", ODD: 1}, {"name": "bob", ODD: 2}]}
    up = roundtrip(one(people), one(replace(people, indexes=(keys,))), sqlite_url, sqlite_url_b, rows)
    assert up == [
        f'CREATE INDEX "people keys" ON "people" ((lower(name)), "{ODD.replace(chr(34), chr(34) * 2)}" DESC, "name" COLLATE NOCASE) '
        "WHERE name IS NOT NULL"
    ]


def test_enum_values_changed_and_the_enum_renamed(sqlite_url, sqlite_url_b):
    mood = Enum("mood", ("sad", "ok"), id="mood")
    people = table("people", col("mood", "enum(mood)", nullable=False, default=Default("ok"), id="mood"), id="people")
    wider = Enum("mood", ("sad", "ok", "glad"), id="mood")
    rows = {"people": [{"mood": "sad"}, {"mood": "ok"}]}
    up = roundtrip(one(people, enums=(mood,)), one(people, enums=(wider,)), sqlite_url, sqlite_url_b, rows)
    assert """CONSTRAINT "mood" CHECK ("mood" IN ('sad', 'ok', 'glad'))""" in up[1]
    renamed = Enum("feeling 😐", ("sad", "ok"), id="mood")
    feeling = replace(people, columns=(people.columns[0], replace(people.columns[1], type=ColumnType("enum", enum=renamed.name))))
    up = roundtrip(one(people, enums=(mood,)), one(feeling, enums=(renamed,)), *_fresh_pair(sqlite_url), rows)
    assert """CONSTRAINT "feeling 😐" CHECK ("mood" IN ('sad', 'ok'))""" in up[1]


def test_an_enum_value_in_use_cannot_be_removed(sqlite_url):
    mood = Enum("mood", ("sad", "ok"))
    people = table("people", col("mood", "enum(mood)"))
    create_schema(sqlite_url, one(people, enums=(mood,)))
    insert_rows(sqlite_url, {"people": [{"mood": "sad"}]})
    up = render(diff(one(people, enums=(mood,)), one(people, enums=(Enum("mood", ("ok",)),))), one(people, enums=(mood,)), "sqlite")
    with pytest.raises(AssertionError, match="CHECK constraint failed: mood"):
        run(sqlite_url, [s.sql for s in up])


def test_a_text_column_becomes_an_enum_and_a_boolean_an_integer(sqlite_url, sqlite_url_b):
    mood = Enum("mood", ("sad", "ok"), id="mood")
    old = table("people", col("mood", "text", id="mood"), col("flag", "boolean", id="flag"), id="people")
    new = table("people", col("mood", "enum(mood)", id="mood"), col("flag", "integer", id="flag"), id="people")
    roundtrip(one(old, enums=(mood,)), one(new, enums=(mood,)), sqlite_url, sqlite_url_b, {"people": [{"mood": "ok", "flag": 1}]})


def test_a_comment_only_change_does_nothing_and_a_rebuild_keeps_everything(sqlite_url, sqlite_url_b):
    run(
        sqlite_url,
        [
            'CREATE TABLE t (id INTEGER PRIMARY KEY, at DATETIME, price NUMERIC(12,2), name varchar(10) COLLATE NOCASE,'
            ' w TEXT, g INTEGER GENERATED ALWAYS AS (length(name)) STORED, v TEXT AS (upper(name)))',
            "INSERT INTO t (id, at, price, name, w) VALUES (1, '2001-02-03 04:05:06', 12.5, 'Ann', 'y'), (2, NULL, NULL, 'bo', NULL)",
        ],
    )
    before = _declared(sqlite_url)
    live = introspect(sqlite_url)
    t = live.table("t")
    commented = live.replace_table("t", t.replace_column("name", replace(t.column("name"), comment="who")))
    assert render(diff(live, commented), live, "sqlite") == []
    rebuilt = commented.replace_table("t", t.replace_column("w", replace(t.column("w"), nullable=False, default=Default("?"))))
    up = [s.sql for s in render(diff(live, rebuilt), live, "sqlite")]
    assert any(sql.startswith('CREATE TABLE "new__t"') for sql in up)
    run(sqlite_url, up)
    assert _declared(sqlite_url) == before
    assert_same_schema(introspect(sqlite_url), live.replace_table("t", rebuilt.table("t").replace_column("name", t.column("name"))), "rebuilt")
    assert query(sqlite_url, "SELECT id, at, price, name, w, g, v FROM t ORDER BY id") == [
        (1, "2001-02-03 04:05:06", 12.5, "Ann", "y", 3, "ANN"),
        (2, None, None, "bo", "?", 2, "BO"),
    ]
    assert query(sqlite_url, "SELECT count(*) FROM t WHERE name = 'ANN'") == [(1,)]  # still NOCASE


def _people_with_expressions(name: str) -> Table:
    q = name if name.isidentifier() else f'"{name}"'
    return table(
        "people",
        col(name, "text", id="name"),
        col("mood", "enum(mood)", id="mood"),
        col("flag", "boolean", id="flag"),
        col("shout", "text", generated=Generated(f"upper({q})", stored=True), id="shout"),
        indexes=(Index((f"lower({q})",), "people_lower", keys=(IndexKey(expression=True),), id="people_lower"),),
        id="people",
    )


def test_rename_columns_used_by_a_generated_column_an_index_expression_and_the_checks_of_an_enum_and_a_boolean(
    sqlite_url, sqlite_url_b
):
    mood = Enum("mood", ("sad", "ok"), id="mood")
    old = _people_with_expressions("full name")
    renames = {"mood": "humeur 🙂", "flag": "drapeau"}
    new = _people_with_expressions("the name")
    new = replace(new, columns=tuple(replace(c, name=renames.get(c.name, c.name)) for c in new.columns))
    rows = {"people": [{"full name": "ann", "mood": "ok", "flag": 1}]}
    up = roundtrip(one(old, enums=(mood,)), one(new, enums=(mood,)), sqlite_url, sqlite_url_b, rows)
    assert all(sql.startswith('ALTER TABLE "people" RENAME COLUMN') for sql in up)


def test_rename_to_a_plain_name_used_by_a_generated_column_and_an_index_expression(sqlite_url, sqlite_url_b):
    mood = Enum("mood", ("sad", "ok"), id="mood")
    roundtrip(  # down renames "full name" back to name
        one(_people_with_expressions("name"), enums=(mood,)),
        one(_people_with_expressions("full name"), enums=(mood,)),
        sqlite_url,
        sqlite_url_b,
    )


def test_strict_turned_on_in_the_migration_that_makes_its_types_strict(sqlite_url, sqlite_url_b):
    old = table("notes", col("body", "varchar(200)", id="body"), id="notes")
    new = table("notes", col("body", "text", id="body"), id="notes", strict=True)
    roundtrip(one(old), one(new), sqlite_url, sqlite_url_b, {"notes": [{"body": "hi"}]})


def test_enum_boolean_and_virtual_generated_columns_added_in_place_to_a_table_with_rows(sqlite_url, sqlite_url_b):
    mood = Enum("mood", ("sad", "ok"), id="mood")
    new = replace(
        PEOPLE,
        columns=(
            *PEOPLE.columns,
            col("mood", "enum(mood)", nullable=False, default=Default("ok"), id="mood"),
            col("flag", "boolean", default=Default("true"), id="flag"),
            col("shout", "text", generated=Generated("upper(name)", stored=False), id="shout"),
        ),
    )
    rows = {"people": [{"name": "ann"}, {"name": "bob"}]}
    up = roundtrip(one(PEOPLE, enums=(mood,)), one(new, enums=(mood,)), sqlite_url, sqlite_url_b, rows)
    assert up == [
        """ALTER TABLE "people" ADD COLUMN "mood" TEXT NOT NULL DEFAULT 'ok' CONSTRAINT "mood" CHECK ("mood" IN ('sad', 'ok'))""",
        'ALTER TABLE "people" ADD COLUMN "flag" BOOLEAN DEFAULT 1 CHECK ("flag" IN (0, 1))',
        'ALTER TABLE "people" ADD COLUMN "shout" TEXT GENERATED ALWAYS AS (upper(name)) VIRTUAL',
    ]
    run(sqlite_url, up)
    assert query(sqlite_url, "SELECT name, mood, flag, shout FROM people ORDER BY id") == [("ann", "ok", 1, "ANN"), ("bob", "ok", 1, "BOB")]
