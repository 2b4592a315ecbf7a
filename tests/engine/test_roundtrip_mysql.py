"""Round trips on the real MariaDB: every kind of operation, up and down, with rows in the tables."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

from migrations_engine.compare import normalized
from migrations_engine.connection import connect
from migrations_engine.dialects import get_dialect
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
)
from migrations_engine.scratch import scratch_database
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.conftest import SERVERS
from tests.engine.roundtrip import assert_same_schema, create_schema, insert_rows, roundtrip, run


my = get_dialect("mysql")


@pytest.fixture
def urls(mysql_url: DatabaseURL) -> Iterator[tuple[DatabaseURL, DatabaseURL]]:
    with scratch_database(SERVERS["mysql"], prefix="me_test") as other:
        yield mysql_url, other


def col(name: str, type_text: str, id: str | None = None, **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_text), id=id or f"c-{name}", **kwargs)


def key(name: str = "id", type_text: str = "integer", **kwargs) -> Column:
    return col(name, type_text, nullable=False, **kwargs)


def table(name: str, *columns: Column, id: str | None = None, pk: tuple[str, ...] | None = ("id",), **kwargs) -> Table:
    return Table(name, columns, primary_key=PrimaryKey(pk, id=f"pk-{name}") if pk else None, id=id or f"t-{name}", **kwargs)


PEOPLE = table("people", key(identity=True), col("name", "varchar(50)", nullable=False), col("age", "integer"))
PEOPLE_ROWS = [{"name": "ann", "age": 31}, {"name": "bob", "age": None}, {"name": "cy", "age": 7}]


def people(*extra: Column, **changes) -> Table:
    return replace(PEOPLE, columns=(*PEOPLE.columns, *extra), **changes)


def round_trip(urls, old: Schema, new: Schema, rows=None) -> list[str]:
    """The harness's round trip (up, compare, down, compare) on schemas with every name filled in."""
    return roundtrip(with_default_names(old), with_default_names(new), *urls, rows or {})


# ---------------------------------------------------------------- tables


def test_create_and_drop_table(urls):
    pets = table("pets", key(), col("owner", "integer"), foreign_keys=(ForeignKey(("owner",), "people", ("id",), id="fk"),))
    old, new = Schema((PEOPLE,)), Schema((PEOPLE, pets))
    up = round_trip(urls, old, new, {"people": PEOPLE_ROWS})
    assert up[0].startswith("CREATE TABLE `pets`")


def test_drop_table_with_rows(urls):
    pets = table("pets", key(), col("owner", "integer"), foreign_keys=(ForeignKey(("owner",), "people", ("id",), id="fk"),))
    round_trip(urls, Schema((PEOPLE, pets)), Schema((PEOPLE,)), {"people": PEOPLE_ROWS, "pets": [{"id": 1, "owner": 1}]})


def test_rename_table_with_conventional_constraint_names(urls):
    # Every constraint named by convention after its table: the PK (a no-op in MySQL), the unique
    # (an index rename), the check and the foreign keys (made again) all follow the table's name.
    old_people = people(
        uniques=(Unique(("name",), id="u"),),
        checks=(Check("age >= 0", id="ck"),),
        indexes=(Index(("age",), id="ix"),),
    )
    pets = table("pets", key(), col("owner", "integer"), foreign_keys=(ForeignKey(("owner",), "people", ("id",), id="fk"),))
    new_people = replace(old_people, name="persons")
    new_pets = replace(pets, name="animals", foreign_keys=(ForeignKey(("owner",), "persons", ("id",), id="fk"),))
    up = round_trip(urls, Schema((old_people, pets)), Schema((new_people, new_pets)), {"people": PEOPLE_ROWS, "pets": [{"id": 1, "owner": 2}]})
    assert "ALTER TABLE `people` RENAME TO `persons`" in up


def test_table_comment(urls):
    round_trip(urls, Schema((PEOPLE,)), Schema((replace(PEOPLE, comment="Everyone's \\ here"),)), {"people": PEOPLE_ROWS})


# ---------------------------------------------------------------- columns


def test_add_and_drop_columns(urls):
    new = people(
        col("email", "varchar(200)"),
        col("score", "integer", nullable=False),
        col("joined", "date", nullable=False, default=Default("2000-01-01"), comment="day one"),
        col("data", "json", nullable=False),
        col("token", "uuid", nullable=False),
        col("mood", "enum(mood)", nullable=False),
        col("seen", "timestamptz", nullable=False),
        col("notes", "text", default=Default("none")),
    )
    round_trip(urls, Schema((PEOPLE,)), Schema((new,), enums=(Enum("mood", ("sad", "ok")),)), {"people": PEOPLE_ROWS})


def test_rename_column_used_by_keys_indexes_and_foreign_keys(urls):
    old_people = people(col("code", "char(5)", nullable=False), col("data", "json"), uniques=(Unique(("code",), "people_code", id="u"),), indexes=(Index(("code", "age"), "people_ix", id="ix"),))
    pets = table("pets", key(), col("owner_code", "char(5)"), foreign_keys=(ForeignKey(("owner_code",), "people", ("code",), "pets_fk", id="fk"),))
    renamed = tuple(replace(c, name={"code": "ref", "data": "payload", "age": "years"}.get(c.name, c.name)) for c in old_people.columns)
    new_people = replace(old_people, columns=renamed, uniques=(Unique(("ref",), "people_code", id="u"),), indexes=(Index(("ref", "years"), "people_ix", id="ix"),))
    new_pets = replace(pets, columns=(key(), col("owner", "char(5)", id="c-owner_code")), foreign_keys=(ForeignKey(("owner",), "people", ("ref",), "pets_fk", id="fk"),))
    rows = {"people": [{"name": "ann", "code": "A1", "data": '{"a": 1}'}], "pets": [{"id": 1, "owner_code": "A1"}]}
    up = round_trip(urls, Schema((old_people, pets)), Schema((new_people, new_pets)), rows)
    assert "ALTER TABLE `people` RENAME COLUMN `data` TO `payload`" in up


def test_rename_column_named_by_a_check(urls):
    """MySQL 8 refuses to rename a column a check names: the check is dropped and added again."""
    old = people(checks=(Check("age >= 0", "people_age", id="k"),))
    new = replace(old, columns=tuple(replace(c, name="years") if c.name == "age" else c for c in old.columns),
                  checks=(Check("years >= 0", "people_age", id="k"),))  # fmt: skip
    up = round_trip(urls, Schema((old,)), Schema((new,)), {"people": PEOPLE_ROWS})
    assert up == [
        "ALTER TABLE `people` DROP CONSTRAINT `people_age`",
        "ALTER TABLE `people` RENAME COLUMN `age` TO `years`",
        "ALTER TABLE `people` ADD CONSTRAINT `people_age` CHECK (years >= 0)",
    ]


def test_widen_types_up_and_narrow_them_down(urls):
    old = people(col("n", "smallint"), col("label", "varchar(20)"), col("price", "decimal(8,2)"), col("at", "timestamp"))
    new = people(col("n", "bigint"), col("label", "text"), col("price", "decimal(12,4)"), col("at", "timestamp(6)"))
    rows = {"people": [{"name": "a", "n": 12, "label": "short", "price": "12.50", "at": "2024-01-02 03:04:05"}]}
    round_trip(urls, Schema((old,)), Schema((new,)), rows)


def test_change_type_between_kinds(urls):
    old = people(col("flag", "boolean"), col("code", "varchar(10)"), col("blob", "binary(8)"))
    new = people(col("flag", "smallint"), col("code", "json"), col("blob", "binary"))
    round_trip(urls, Schema((old,)), Schema((new,)), {"people": [{"name": "a", "flag": True, "code": "[1]", "blob": b"\x00\x01"}]})


def test_make_not_null_fills_null_rows_and_back(urls):
    old = people(col("city", "varchar(20)"), col("visits", "integer"))
    new = people(col("city", "varchar(20)", nullable=False, default=Default("nowhere")), col("visits", "integer", nullable=False))
    rows = {"people": [{"name": "a", "city": None, "visits": None}, {"name": "b", "city": "Paris", "visits": 3}]}
    round_trip(urls, Schema((old,)), Schema((new,)), rows)
    with connect(urls[0]) as db:
        assert sorted(db.query("SELECT city, visits FROM people")) == [("Paris", 3), ("nowhere", 0)]


def test_down_to_not_null_fills_nulls_written_after_up(urls):
    url, _ = urls
    old = Schema((people(col("city", "varchar(20)", nullable=False, default=Default("nowhere"))),))
    new = Schema((people(col("city", "varchar(20)")),))
    create_schema(url, old)
    operations = diff(old, new)
    run(url, [s.sql for s in render(operations, old, "mysql")])
    insert_rows(url, {"people": [{"name": "a", "city": None}, {"name": "b", "city": "Oslo"}]})
    run(url, [s.sql for s in render_down(operations, new, "mysql")])
    with connect(url) as db:
        assert sorted(db.query("SELECT city FROM people")) == [("Oslo",), ("nowhere",)]
    assert normalized(introspect(url)).table("people").column("city").nullable is False


def test_defaults(urls):
    old = people(col("a", "integer"), col("b", "varchar(10)", default=Default("x")), col("c", "timestamp(3)"), col("d", "text"), col("e", "boolean", default=Default("false")))
    new = people(
        col("a", "integer", default=Default("7")),
        col("b", "varchar(10)"),
        col("c", "timestamp(3)", default=Default("CURRENT_TIMESTAMP", expression=True)),
        col("d", "text", default=Default("it's \\ text")),
        col("e", "boolean", default=Default("true")),
    )
    round_trip(urls, Schema((old,)), Schema((new,)), {"people": PEOPLE_ROWS})


def test_identity_on_and_off(urls):
    old = replace(PEOPLE, columns=(key(), *PEOPLE.columns[1:]))
    round_trip(urls, Schema((old,)), Schema((PEOPLE,)), {"people": [{"id": 5, "name": "a"}, {"id": 9, "name": "b"}]})


def test_column_comment(urls):
    old = people(col("x", "integer", comment="old"), col("y", "integer"))
    new = people(col("x", "integer", comment="it's new"), col("y", "integer", comment="y"))
    round_trip(urls, Schema((old,)), Schema((new,)), {"people": PEOPLE_ROWS})


# ---------------------------------------------------------------- keys and constraints


def test_add_and_drop_composite_primary_key(urls):
    old = table("pairs", key("a"), key("b"), col("v", "text"), pk=None)
    new = replace(old, primary_key=PrimaryKey(("a", "b"), id="pk"))
    round_trip(urls, Schema((old,)), Schema((new,)), {"pairs": [{"a": 1, "b": 1, "v": "x"}, {"a": 1, "b": 2, "v": "y"}]})


def test_primary_key_on_a_new_identity_column_numbers_existing_rows(urls):
    old = table("log", col("line", "text"), pk=None)
    new = replace(old, columns=(*old.columns, key("id", "bigint", identity=True)), primary_key=PrimaryKey(("id",), id="pk"))
    round_trip(urls, Schema((old,)), Schema((new,)), {"log": [{"line": "a"}, {"line": "b"}, {"line": "c"}]})
    # The down run removed the column; run up again to look at the numbers.
    url = urls[0]
    run(url, [s.sql for s in render(diff(Schema((old,)), Schema((new,))), Schema((old,)), "mysql")])
    with connect(url) as db:
        assert sorted(db.query("SELECT id FROM log")) == [(1,), (2,), (3,)]


def test_drop_primary_key_of_an_identity_column(urls):
    new = replace(PEOPLE, columns=(key(), *PEOPLE.columns[1:]), primary_key=None)
    round_trip(urls, Schema((PEOPLE,)), Schema((new,)), {"people": PEOPLE_ROWS})


def test_move_primary_key_to_other_columns(urls):
    old = table("pairs", key("a"), key("b"), col("v", "text"), pk=("a",))
    new = replace(old, primary_key=PrimaryKey(("b", "a"), id="pk2"))
    round_trip(urls, Schema((old,)), Schema((new,)), {"pairs": [{"a": 1, "b": 1}, {"a": 2, "b": 1}]})


def test_composite_foreign_key_with_cascade(urls):
    parent = table("parent", key("a"), key("b"), pk=("a", "b"))
    child = table("child", key(), col("pa", "integer"), col("pb", "integer"))
    linked = replace(child, foreign_keys=(ForeignKey(("pa", "pb"), "parent", ("a", "b"), on_delete="CASCADE", on_update="SET NULL", id="fk"),))
    rows = {"parent": [{"a": 1, "b": 2}], "child": [{"id": 1, "pa": 1, "pb": 2}, {"id": 2, "pa": None, "pb": None}]}
    round_trip(urls, Schema((parent, child)), Schema((parent, linked)), rows)


def test_self_reference_and_a_cycle_of_two_tables(urls):
    node = table("node", key(), col("parent", "integer"))
    a = table("a", key(), col("b_id", "integer"))
    b = table("b", key(), col("a_id", "integer"))
    linked = (
        replace(node, foreign_keys=(ForeignKey(("parent",), "node", ("id",), id="fk-node"),)),
        replace(a, foreign_keys=(ForeignKey(("b_id",), "b", ("id",), id="fk-a"),)),
        replace(b, foreign_keys=(ForeignKey(("a_id",), "a", ("id",), on_delete="SET NULL", id="fk-b"),)),
    )
    rows = {"node": [{"id": 1, "parent": None}, {"id": 2, "parent": 1}], "a": [{"id": 1, "b_id": 1}], "b": [{"id": 1, "a_id": 1}]}
    round_trip(urls, Schema((node, a, b)), Schema(linked), rows)


def test_create_tables_in_a_cycle(urls):
    a = table("a", key(), col("b_id", "integer"), foreign_keys=(ForeignKey(("b_id",), "b", ("id",), id="fk-a"),))
    b = table("b", key(), col("a_id", "integer"), foreign_keys=(ForeignKey(("a_id",), "a", ("id",), id="fk-b"),))
    round_trip(urls, Schema((PEOPLE,)), Schema((PEOPLE, a, b)), {"people": PEOPLE_ROWS})


def test_foreign_key_and_the_indexes_around_it(urls):
    # Up: the index the key used is dropped (the key gets its own again); a new index leads with
    # the key's columns (MySQL drops the key's own); the key is renamed. Down undoes all three.
    pets = table("pets", key(), col("owner", "integer"), col("kind", "varchar(9)"), col("vet", "integer"))
    old = replace(
        pets,
        indexes=(Index(("owner", "kind"), "pets_owner_kind", id="ix1"),),
        foreign_keys=(ForeignKey(("owner",), "people", ("id",), "pets_owner", id="fk1"), ForeignKey(("vet",), "people", ("id",), "pets_vet", id="fk2")),
    )
    new = replace(
        pets,
        indexes=(Index(("vet", "kind"), "pets_vet_kind", id="ix2"),),
        foreign_keys=(ForeignKey(("owner",), "people", ("id",), "pets_owner_renamed", id="fk1"), ForeignKey(("vet",), "people", ("id",), "pets_vet", id="fk2")),
    )
    rows = {"people": PEOPLE_ROWS, "pets": [{"id": 1, "owner": 1, "vet": 2}]}
    round_trip(urls, Schema((PEOPLE, old)), Schema((PEOPLE, new)), rows)


def _with_unnamed_foreign_key(url: DatabaseURL) -> Schema:
    """people, admins and posts, with posts.author_id -> people.id added without a name, as other
    tools write it: MySQL calls the key posts_ibfk_1 and its automatic index author_id, a name
    unlike the key's, so the model reads that index as an ordinary one. Returns the schema read."""
    admins = table("admins", key())
    posts = table("posts", key(), col("author_id", "integer"))
    create_schema(url, with_default_names(Schema((PEOPLE, admins, posts))))
    run(url, ["ALTER TABLE `posts` ADD FOREIGN KEY (`author_id`) REFERENCES `people` (`id`)"])
    return introspect(url)


def _up_and_down(url: DatabaseURL, old: Schema, new: Schema) -> None:
    """Migrate the database holding ``old`` to ``new`` and back, checking what it reads as each time."""
    operations = diff(old, new)
    run(url, [s.sql for s in render(operations, old, "mysql")])
    assert_same_schema(introspect(url), new, "after up")
    run(url, [s.sql for s in render_down(operations, new, "mysql")])
    assert_same_schema(introspect(url), old, "after down")


def test_foreign_key_made_again_keeps_the_automatic_index_of_an_unnamed_key(mysql_url):
    # Pointing the key at another table drops it and adds it again. The new key's automatic index
    # (named like the key) must not take the place of the old one, which MySQL also counts as
    # automatic (it would drop it), while the model holds it as index author_id.
    old = _with_unnamed_foreign_key(mysql_url)
    posts = old.table("posts")
    assert [i.name for i in posts.indexes] == ["author_id"]
    new = old.replace_table("posts", replace(posts, foreign_keys=(replace(posts.foreign_keys[0], ref_table="admins"),)))
    _up_and_down(mysql_url, old, new)


#: Keys led by posts.author_id, each added to the posts table as read back.
KEYS_LED_BY_AUTHOR = {
    "index": lambda posts: {"indexes": (*posts.indexes, Index(("author_id", "id"), "posts_author_id_id"))},
    "unique": lambda posts: {"uniques": (Unique(("author_id",), "posts_author_id_key"),)},
    "foreign key": lambda posts: {
        "foreign_keys": (*posts.foreign_keys, ForeignKey(("author_id",), "admins", ("id",), "posts_admin_fkey"))
    },
}


@pytest.mark.parametrize("new_key", KEYS_LED_BY_AUTHOR.values(), ids=KEYS_LED_BY_AUTHOR.keys())
def test_a_new_key_led_by_the_automatic_index_of_an_unnamed_key_keeps_it(mysql_url, new_key):
    # MySQL drops an automatic index by itself when a new key (index, unique, or another foreign
    # key's automatic index) starts with its columns; the model still holds it, so it must stay.
    old = _with_unnamed_foreign_key(mysql_url)
    posts = old.table("posts")
    new = old.replace_table("posts", replace(posts, **new_key(posts)))
    _up_and_down(mysql_url, old, new)


def test_unique_check_and_indexes(urls):
    old = people(col("email", "varchar(100)"), checks=(Check("age >= 0", id="ck1"),), indexes=(Index(("age",), "people_age", id="ix1"),))
    new = people(
        col("email", "varchar(100)"),
        uniques=(Unique(("email",), id="u1"), Unique(("name", "age"), id="u2")),
        checks=(Check("age >= 0 and age < 200", id="ck1"), Check("`name` <> ''", "named", id="ck2")),
        indexes=(
            Index(("age",), "people_years", id="ix1"),
            Index(("name", "email"), "people_name_email", unique=True, id="ix2"),
            Index(("email", "age", "name"), "people_multi", id="ix3"),
        ),
    )
    rows = {"people": [{"name": "ann", "age": 3, "email": "a@x"}, {"name": "bob", "age": 4, "email": None}]}
    round_trip(urls, Schema((old,)), Schema((new,)), rows)


def test_rename_index(urls):
    old = people(indexes=(Index(("name", "age"), "people_old", id="ix"),))
    new = people(indexes=(Index(("name", "age"), "people_new", id="ix"),))
    up = round_trip(urls, Schema((old,)), Schema((new,)), {"people": PEOPLE_ROWS})
    assert up == ["ALTER TABLE `people` RENAME INDEX `people_old` TO `people_new`"]


# ---------------------------------------------------------------- enums


def test_enum_add_and_remove_values(urls):
    old_mood, new_mood = Enum("mood", ("sad", "ok", "gone"), id="e"), Enum("mood", ("glad", "sad", "ok"), id="e")
    pets = table("pets", key(), col("mood", "enum(mood)", nullable=False, default=Default("ok")))
    with_mood = people(col("mood", "enum(mood)"))
    rows = {"people": [{"name": "a", "mood": "sad"}, {"name": "b", "mood": None}], "pets": [{"id": 1, "mood": "ok"}]}
    round_trip(urls, Schema((with_mood, pets), enums=(old_mood,)), Schema((with_mood, pets), enums=(new_mood,)), rows)


def test_enum_rename_writes_nothing(urls):
    old = Schema((people(col("mood", "enum(mood)")),), enums=(Enum("mood", ("a", "b"), id="e"),))
    new = Schema((people(col("mood", "enum(feeling)")),), enums=(Enum("feeling", ("a", "b"), id="e"),))
    assert round_trip(urls, old, new, {"people": PEOPLE_ROWS}) == []


# ---------------------------------------------------------------- names


def test_hostile_names(urls):
    weird = ["select", "order", "back`tick", "it's", 'say "hi"', "naïve", "表", "Mixed Case"]
    old = table("user`s", key("id`"), *(col(name, "integer") for name in weird), pk=("id`",))
    new = replace(
        old,
        name="order`s",
        columns=(key("id`"), *(col(name + "`2", "integer", id=f"c-{name}") for name in weird), col("new`col", "varchar(5)")),
        primary_key=PrimaryKey(("id`",), id="pk-user`s"),
        uniques=(Unique(("select`2", "order`2"), "uni`que", id="u"),),
        checks=(Check("`back``tick``2` > 0", "che`ck", id="ck"),),
        indexes=(Index(("naïve`2",), "ind`ex", id="ix"),),
        foreign_keys=(ForeignKey(("表`2",), "order`s", ("id`",), "fo`reign", id="fk"),),
        comment="com`ment 'x'",
    )
    rows = {"user`s": [{"id`": 1, "select": 1, "back`tick": 2, "表": 1}]}
    round_trip(urls, Schema((old,)), Schema((new,)), rows)


def test_primary_key_a_foreign_key_relies_on(urls):
    # Up: the key (owner, id) goes, so the foreign key on owner gets its own index in the same
    # statement. Down: the restored key serves the foreign key again and MySQL drops that index.
    old = table("pets", key("owner"), key(), pk=("owner", "id"), foreign_keys=(ForeignKey(("owner",), "people", ("id",), id="fk"),))
    new = replace(old, primary_key=PrimaryKey(("id",), id="pk-new"))
    up = round_trip(urls, Schema((PEOPLE, old)), Schema((PEOPLE, new)), {"people": PEOPLE_ROWS, "pets": [{"owner": 1, "id": 1}]})
    assert up[0] == "ALTER TABLE `pets` DROP PRIMARY KEY, ADD INDEX `pets_owner_fkey` (`owner`)"


def test_identity_led_by_a_unique_instead_of_the_primary_key(urls):
    old = table("codes", key("code", "varchar(9)"), key("n", "bigint"), pk=("code",))
    new = replace(old, columns=(key("code", "varchar(9)"), key("n", "bigint", identity=True)), uniques=(Unique(("n",), id="u"),))
    rows = {"codes": [{"code": "a", "n": 0}, {"code": "b", "n": 0}]}
    up = round_trip(urls, Schema((old,)), Schema((new,)), rows)
    assert up[-1] == "ALTER TABLE `codes` ADD CONSTRAINT `codes_n_key` UNIQUE (`n`), MODIFY COLUMN `n` bigint NOT NULL AUTO_INCREMENT"


# ---------------------------------------------------------------- what is read is written back (issue 11)


def _live_roundtrip(url: DatabaseURL, other: DatabaseURL, create_sql: str) -> Schema:
    """Create a table by hand, inspect it, create the inspected schema in ``other``: identical."""
    run(url, [create_sql])
    live = introspect(url)
    create_schema(other, live)
    assert normalized(introspect(other)) == normalized(live)
    return live


def _values(url: DatabaseURL, sql: str) -> list[tuple]:
    with connect(url) as db:
        return [tuple(row) for row in db.query(sql)]


def _change_comment(live: Schema, table_name: str, column: str, comment: str) -> Schema:
    t = live.table(table_name)
    return live.replace_table(table_name, t.replace_column(column, replace(t.column(column), comment=comment)))


def test_column_charset_in_a_latin1_table_survives_a_comment_change(urls):
    url, other = urls
    live = _live_roundtrip(
        url,
        other,
        "CREATE TABLE people (id int NOT NULL PRIMARY KEY,"
        " name varchar(20) CHARACTER SET utf8mb4 NULL,"
        " note varchar(20) COLLATE latin1_bin NULL,"
        " plain varchar(20) NULL) DEFAULT CHARSET=latin1",
    )
    people = live.table("people")
    assert (people.charset, people.collation) == ("latin1", None)
    assert (people.column("name").charset, people.column("name").collation) == ("utf8mb4", None)
    assert (people.column("note").charset, people.column("note").collation) == (None, "latin1_bin")
    assert (people.column("plain").charset, people.column("plain").collation) == (None, None)
    run(url, ["INSERT INTO people VALUES (1, '名前 café', 'é', 'à')"])

    new = _change_comment(live, "people", "name", "who")
    up = [s.sql for s in render(diff(live, new), live, "mysql")]
    assert up == ["ALTER TABLE `people` MODIFY COLUMN `name` varchar(20) CHARACTER SET utf8mb4 NULL COMMENT 'who'"]
    run(url, up)
    assert normalized(introspect(url)) == normalized(new)
    assert _values(url, "SELECT id, name, note, plain FROM people") == [(1, "名前 café", "é", "à")]


def test_table_and_column_collations_round_trip(urls):
    url, other = urls
    live = _live_roundtrip(
        url,
        other,
        "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a varchar(10) COLLATE utf8mb4_bin NULL,"
        " b text CHARACTER SET latin1 COLLATE latin1_general_ci NULL)"
        " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    )
    t = live.table("t")
    assert (t.charset, t.collation) == (None, "utf8mb4_unicode_ci")
    assert (t.column("a").charset, t.column("a").collation) == (None, "utf8mb4_bin")
    assert (t.column("b").charset, t.column("b").collation) == ("latin1", "latin1_general_ci")


def test_charset_and_collation_changes(urls):
    """A change of a column's character set alone, and of a table's default, with its reverse."""
    old = Schema(tables=(table("t", key(), col("a", "varchar(20)"), col("b", "varchar(20)", charset="utf8mb4"), charset="latin1"),))
    new = Schema(tables=(table("t", key(), col("a", "varchar(20)"), col("b", "varchar(20)", charset="utf8mb4", collation="utf8mb4_bin")),))
    rows = {"t": [{"id": 1, "a": "café", "b": "名前"}]}
    up = roundtrip(old, new, *urls, rows=rows)
    assert up[0] == "ALTER TABLE `t` DEFAULT CHARACTER SET = utf8mb4"
    assert up[1] == "ALTER TABLE `t` MODIFY COLUMN `a` varchar(20) NULL"
    assert _values(urls[0], "SELECT a, b FROM t") == [("café", "名前")]


def test_on_update_current_timestamp_survives_a_comment_change(urls):
    url, other = urls
    live = _live_roundtrip(
        url,
        other,
        "CREATE TABLE film (id int NOT NULL PRIMARY KEY, title varchar(20) NULL,"
        " last_update timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,"
        " fine datetime(3) NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP(3))",
    )
    film = live.table("film")
    assert film.column("last_update").on_update == "CURRENT_TIMESTAMP"
    assert film.column("fine").on_update == "CURRENT_TIMESTAMP"
    assert film.column("title").on_update is None
    run(url, ["INSERT INTO film (id, title, last_update) VALUES (1, 'x', '2001-02-03 04:05:06')"])

    new = _change_comment(live, "film", "last_update", "when")
    up = [s.sql for s in render(diff(live, new), live, "mysql")]
    assert up == [
        "ALTER TABLE `film` MODIFY COLUMN `last_update` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP"
        " ON UPDATE CURRENT_TIMESTAMP COMMENT 'when'"
    ]
    run(url, up)
    assert normalized(introspect(url)) == normalized(new)
    assert _values(url, "SELECT CAST(last_update AS char) FROM film") == [("2001-02-03 04:05:06",)]
    run(url, ["UPDATE film SET title = 'y'"])
    assert _values(url, "SELECT last_update > '2001-02-03 04:05:06', fine IS NOT NULL FROM film") == [(1, 1)]


def test_on_update_added_and_removed(urls):
    old = Schema(tables=(table("t", key(), col("at", "timestamptz", nullable=False, default=Default("CURRENT_TIMESTAMP", expression=True))),))
    new = Schema(tables=(table("t", key(), col("at", "timestamptz", nullable=False, default=Default("CURRENT_TIMESTAMP", expression=True), on_update="CURRENT_TIMESTAMP")),))
    up = roundtrip(old, new, *urls, rows={"t": [{"id": 1}]})
    assert up == ["ALTER TABLE `t` MODIFY COLUMN `at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"]


# ---------------------------------------------------------------- everything the model holds, exactly (issue 11)

# Expressions in the spelling MariaDB prints them (it writes upper() as ucase(), length() as
# octet_length()): what is read back is then the model itself.
HOSTILE = Table(
    "my `doc` 文書",
    (
        key("id", "bigint", identity=True),
        col("the body", "text"),
        col("títle", "varchar(100)", nullable=False, default=Default("it's"), charset="utf8mb4"),
        col("size", "integer", generated=Generated("octet_length(`the body`)", stored=False), comment="bytes"),
        col("shout", "varchar(100)", charset="utf8mb4", collation="utf8mb4_bin", generated=Generated("ucase(`títle`)"), comment="loud"),
        col("at", "timestamp(3)", nullable=False, default=Default("CURRENT_TIMESTAMP", expression=True), on_update="CURRENT_TIMESTAMP"),
    ),
    primary_key=PrimaryKey(("id",), "my `doc` 文書_pkey", comment="the key"),
    uniques=(Unique(("títle",), "title key", comment="one title"),),
    indexes=(
        Index(("títle", "id"), "títle ` idx", keys=(IndexKey(length=10, descending=True), IndexKey()), comment="it's"),
        Index(("the body",), "body ft", method="fulltext"),
        Index(("the body",), "body prefix", unique=True, keys=(IndexKey(length=20),)),
        Index(("size", "id"), "size idx"),
    ),
    checks=(Check("size < 1000000", "size ck"),),
    comment="documents",
    charset="latin1",
    id="t-doc",
)


def test_every_attribute_reads_back_as_the_model_holds_it(urls):
    url, other = urls
    schema = Schema((HOSTILE,))
    create_schema(url, schema)
    live = introspect(url)
    assert normalized(live) == normalized(schema)
    assert introspect(url) == live  # read twice: the same
    create_schema(other, live)
    assert introspect(other) == live


ROWS = [{"id": 1, "the body": "café au lait", "títle": "名前 café"}, {"id": 2, "the body": None, "títle": "b"}]


def _hostile(**changes) -> Table:
    return replace(HOSTILE, **changes)


def _column(name: str, **changes) -> Table:
    return HOSTILE.replace_column(name, replace(HOSTILE.column(name), **changes))


@pytest.mark.parametrize(
    "new",
    [
        _column("size", generated=Generated("char_length(`the body`)", stored=False)),
        _column("shout", generated=Generated("lcase(`títle`)")),
        _column("size", generated=Generated("octet_length(`the body`)", stored=True)),
        _column("shout", generated=Generated("ucase(`títle`)", stored=False)),
        _column("size", generated=None),
        _column("shout", generated=None),
        _column("títle", generated=Generated("ucase(`the body`)"), default=None, nullable=True),
        _column("títle", generated=Generated("ucase(`the body`)", stored=False), default=None, nullable=True),
    ],
    ids=[
        "virtual expression",
        "stored expression",
        "virtual to stored",
        "stored to virtual",
        "virtual to plain",
        "stored to plain",
        "plain to stored",
        "plain to virtual",
    ],
)
def test_generated_column_changes(urls, new):
    round_trip(urls, Schema((HOSTILE,)), Schema((new,)), {HOSTILE.name: ROWS})


def _table_values(url: DatabaseURL, table: Table) -> list[tuple]:
    """Every value of every row, as the bytes the server holds (HEX), in id order."""
    names = ", ".join(f"HEX({my.quote(c.name)})" for c in table.columns)
    return _values(url, f"SELECT {names} FROM {my.quote(table.name)} ORDER BY 1")


def test_a_column_made_plain_keeps_its_values(urls):
    url, _ = urls
    for name in ("size", "shout"):
        new = _column(name, generated=None)
        create_schema(url, Schema((HOSTILE,)))
        insert_rows(url, {HOSTILE.name: ROWS})
        before = _values(url, f"SELECT HEX(`{name}`) FROM {my.quote(HOSTILE.name)} ORDER BY id")
        run(url, [s.sql for s in render(diff(Schema((HOSTILE,)), Schema((new,))), Schema((HOSTILE,)), "mysql")])
        assert _values(url, f"SELECT HEX(`{name}`) FROM {my.quote(HOSTILE.name)} ORDER BY id") == before
        assert normalized(introspect(url)) == normalized(Schema((new,)))
        run(url, [f"DROP TABLE {my.quote(HOSTILE.name)}"])


@pytest.mark.parametrize(
    "new",
    [
        _hostile(indexes=tuple(replace(i, comment="changed") if i.name == "títle ` idx" else i for i in HOSTILE.indexes)),
        _hostile(indexes=tuple(replace(i, comment=None) if i.name == "títle ` idx" else i for i in HOSTILE.indexes)),
        _hostile(indexes=tuple(replace(i, comment="words") if i.name == "body ft" else i for i in HOSTILE.indexes)),
        _hostile(indexes=tuple(replace(i, comment="start") if i.name == "body prefix" else i for i in HOSTILE.indexes)),
        _hostile(uniques=(Unique(("títle",), "title key", comment=None),)),
        _hostile(primary_key=PrimaryKey(("id",), "my `doc` 文書_pkey", comment="other")),
    ],
    ids=["index", "index removed", "fulltext", "unique prefix index", "unique", "primary key"],
)
def test_comment_of_a_key_or_index_changes_in_one_statement(urls, new):
    up = round_trip(urls, Schema((HOSTILE,)), Schema((new,)), {HOSTILE.name: ROWS})
    assert len(up) == 1 and "DROP " in up[0] and "ADD " in up[0]


@pytest.mark.parametrize(
    "index",
    [
        Index(("títle", "id"), "títle ` idx", keys=(IndexKey(length=12, descending=True), IndexKey())),
        Index(("títle", "id"), "títle ` idx", keys=(IndexKey(length=10), IndexKey(descending=True))),
        Index(("títle", "id"), "títle ` idx"),
        Index(("títle",), "títle ` idx", method="fulltext", comment="now words"),
    ],
    ids=["prefix length", "order", "plain", "fulltext"],
)
def test_index_keys_and_method_change(urls, index):
    new = _hostile(indexes=tuple(index if i.name == index.name else i for i in HOSTILE.indexes))
    round_trip(urls, Schema((HOSTILE,)), Schema((new,)), {HOSTILE.name: ROWS})


def test_primary_key_comment_with_a_foreign_key_referencing_it(urls):
    child = table("child", key(), col("doc", "bigint"), foreign_keys=(ForeignKey(("doc",), HOSTILE.name, ("id",), "child_doc", id="fk"),))
    new = _hostile(primary_key=PrimaryKey(("id",), "my `doc` 文書_pkey", comment=None))
    rows = {HOSTILE.name: ROWS, "child": [{"id": 1, "doc": 2}]}
    up = round_trip(urls, Schema((HOSTILE, child)), Schema((new, child)), rows)
    assert up == [f"ALTER TABLE {my.quote(HOSTILE.name)} DROP PRIMARY KEY, ADD PRIMARY KEY (`id`)"]


# A live table holding each attribute MODIFY COLUMN must write back (issue 11): a comment-only
# change of any column keeps every other attribute and every byte of every row.
SAKILA_LIKE = (
    "CREATE TABLE `film 映画` (\n"
    "  id bigint unsigned NOT NULL AUTO_INCREMENT,\n"
    "  name varchar(20) CHARACTER SET utf8mb4 NOT NULL DEFAULT 'x',\n"
    "  note varchar(20) COLLATE latin1_bin NULL,\n"
    "  last_update timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
    "  fine datetime(3) NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP(3),\n"
    "  amount decimal(10,2) NOT NULL DEFAULT 0.00,\n"
    "  total decimal(12,2) AS (amount * 2) VIRTUAL,\n"
    "  shout varchar(20) CHARACTER SET utf8mb4 AS (ucase(name)) STORED,\n"
    "  `count` int unsigned NOT NULL CHECK (`count` >= 0),\n"
    "  PRIMARY KEY (id)\n"
    ") DEFAULT CHARSET=latin1 COMMENT='films'"
)
SAKILA_ROWS = (
    "INSERT INTO `film 映画` (name, note, last_update, fine, amount, `count`) VALUES"
    " ('名前 café', 'é', '2001-02-03 04:05:06', '2001-02-03 04:05:06.789', 12.5, 3),"
    " ('b', NULL, '2002-01-01 00:00:00', NULL, 0, 0)"
)


@pytest.mark.parametrize("column", ["id", "name", "note", "last_update", "fine", "amount", "total", "shout", "count"])
def test_a_comment_only_change_keeps_every_attribute_and_every_byte(urls, column):
    url, other = urls
    live = _live_roundtrip(url, other, SAKILA_LIKE)
    run(url, [SAKILA_ROWS])
    film = live.table("film 映画")
    values = _table_values(url, film)

    new = _change_comment(live, film.name, column, "changed ✓")
    operations = diff(live, new)
    up = [s.sql for s in render(operations, live, "mysql")]
    assert len(up) == 1 and up[0].startswith("ALTER TABLE `film 映画` MODIFY COLUMN")
    run(url, up)
    assert introspect(url) == new
    assert _table_values(url, film) == values
    run(url, [s.sql for s in render_down(operations, new, "mysql")])
    assert introspect(url) == live
    assert _table_values(url, film) == values
    # AUTO_INCREMENT and its counter, ON UPDATE and the generated columns still work.
    run(url, ["INSERT INTO `film 映画` (name, `count`) VALUES ('c', 1)", "UPDATE `film 映画` SET amount = 1 WHERE id = 1"])
    assert _values(url, "SELECT id, CAST(last_update AS char) NOT IN ('2001-02-03 04:05:06', '2002-01-01 00:00:00'),"
        " fine > '2001-02-03 04:05:06.789', total, shout FROM `film 映画` ORDER BY id") == [
        (1, 1, 1, Decimal("2.00"), "名前 CAFÉ"),
        (2, 0, None, Decimal("0.00"), "B"),
        (3, 1, None, Decimal("0.00"), "C"),
    ]


def test_the_sakila_example_writes_every_attribute(urls):
    url, other = urls
    live = _live_roundtrip(url, other, SAKILA_LIKE)
    film = live.table("film 映画")
    assert film.column("count") == Column("count", ColumnType.parse("mysql:int(10) unsigned"), nullable=False)
    assert film.checks == (Check("count >= 0", "count"),)
    expected = {
        "id": "`id` bigint(20) unsigned NOT NULL AUTO_INCREMENT COMMENT 'c'",
        "name": "`name` varchar(20) CHARACTER SET utf8mb4 NOT NULL DEFAULT 'x' COMMENT 'c'",
        "note": "`note` varchar(20) COLLATE latin1_bin NULL COMMENT 'c'",
        "last_update": "`last_update` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP COMMENT 'c'",
        "fine": "`fine` datetime(3) NULL ON UPDATE CURRENT_TIMESTAMP(3) COMMENT 'c'",
        "amount": "`amount` decimal(10,2) NOT NULL DEFAULT 0 COMMENT 'c'",
        "total": "`total` decimal(12,2) GENERATED ALWAYS AS (amount * 2) VIRTUAL COMMENT 'c'",
        "shout": "`shout` varchar(20) CHARACTER SET utf8mb4 GENERATED ALWAYS AS (ucase(name)) STORED COMMENT 'c'",
        "count": "`count` int(10) unsigned NOT NULL COMMENT 'c' CHECK (count >= 0)",
    }
    for name, definition in expected.items():
        new = _change_comment(live, film.name, name, "c")
        assert [s.sql for s in render(diff(live, new), live, "mysql")] == [f"ALTER TABLE `film 映画` MODIFY COLUMN {definition}"]


def test_django_positive_integer_checks_are_written_back_identically(urls):
    """Django writes PositiveIntegerField on MariaDB as a column-level CHECK, which MariaDB
    names after the column; it reads and writes back as a table check of that name."""
    url, other = urls
    live = _live_roundtrip(
        url,
        other,
        "CREATE TABLE `app_thing` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY,"
        " `stock` integer UNSIGNED NOT NULL CHECK (`stock` >= 0),"
        " `my size` smallint UNSIGNED NULL CHECK (`my size` >= 0))",
    )
    thing = live.table("app_thing")
    assert thing.checks == (Check("`my size` >= 0", "my size"), Check("stock >= 0", "stock"))
    # A change of the column keeps its check, still on the column as Django made it.
    new = _change_comment(live, "app_thing", "stock", "how many")
    up = [s.sql for s in render(diff(live, new), live, "mysql")]
    assert up == ["ALTER TABLE `app_thing` MODIFY COLUMN `stock` int(10) unsigned NOT NULL COMMENT 'how many' CHECK (stock >= 0)"]
    run(url, up)
    assert introspect(url) == new
    checks = "SELECT CONSTRAINT_NAME, LEVEL, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1"
    assert _values(url, checks) == [("my size", "Column", "`my size` >= 0"), ("stock", "Column", "`stock` >= 0")]
    assert _values(other, checks) == _values(url, checks)


STOCK = table("stock", key(identity=True), col("n", "mysql:int(10) unsigned", nullable=False), col("m", "integer"))
N_CHECK = Check("n >= 0", "n", id="ck-n")


def _levels(url: DatabaseURL) -> list[tuple]:
    return _values(url, "SELECT CONSTRAINT_NAME, LEVEL FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1")


@pytest.mark.parametrize(
    "old, new",
    [
        (STOCK, replace(STOCK, checks=(N_CHECK,))),
        (replace(STOCK, checks=(N_CHECK,)), STOCK),
        (replace(STOCK, checks=(N_CHECK,)), replace(STOCK, checks=(replace(N_CHECK, expression="n < 100"),))),
        (replace(STOCK, checks=(N_CHECK,)), replace(STOCK, checks=(replace(N_CHECK, name="n_positive"),))),
        (replace(STOCK, checks=(N_CHECK,)), replace(STOCK, columns=(STOCK.columns[0], replace(STOCK.columns[1], name="count"), STOCK.columns[2]), checks=(replace(N_CHECK, expression="count >= 0"),))),
        (replace(STOCK, checks=(N_CHECK,)), replace(STOCK, checks=(N_CHECK,), columns=(STOCK.columns[0], replace(STOCK.columns[1], comment="how many"), STOCK.columns[2]))),
    ],
    ids=["add", "drop", "change", "rename", "rename its column", "comment of its column"],
)
def test_a_column_check_added_dropped_changed_and_renamed(urls, old, new):
    up = round_trip(urls, Schema((old,)), Schema((new,)), {"stock": [{"n": 1, "m": 2}, {"n": 0, "m": None}]})
    assert all("DROP CONSTRAINT `n`" not in sql for sql in up)  # MariaDB cannot: a MODIFY does it


def test_a_check_named_after_its_column_is_on_the_column(urls):
    url, other = urls
    create_schema(url, Schema((replace(STOCK, checks=(N_CHECK, Check("m > n", "m_over_n", id="ck-m"))),)))
    assert _levels(url) == [("m_over_n", "Table"), ("n", "Column")]


def test_table_comment_and_column_comment_keep_the_auto_increment_counter(urls):
    url, other = urls
    live = _live_roundtrip(url, other, SAKILA_LIKE)
    run(url, [SAKILA_ROWS, "INSERT INTO `film 映画` (name, `count`) VALUES ('gone', 1)", "DELETE FROM `film 映画` WHERE id = 3"])
    film = live.table("film 映画")
    assert film.comment == "films"
    new = live.replace_table(film.name, replace(_change_comment(live, film.name, "id", "key").table(film.name), comment="all the films"))
    up = [s.sql for s in render(diff(live, new), live, "mysql")]
    assert up == [
        "ALTER TABLE `film 映画` MODIFY COLUMN `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT COMMENT 'key'",
        "ALTER TABLE `film 映画` COMMENT = 'all the films'",
    ]
    run(url, up)
    assert introspect(url) == new
    run(url, ["INSERT INTO `film 映画` (name, `count`) VALUES ('next', 1)"])
    assert _values(url, "SELECT MAX(id) FROM `film 映画`") == [(4,)]
