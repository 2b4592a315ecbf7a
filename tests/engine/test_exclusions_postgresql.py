"""Exclusion constraints on the real PostgreSQL server: read exactly, written back exactly, and
migrated both ways with every row kept.

Each rebuild test makes a table by hand, reads it, writes the CREATE script the engine renders
for it into an empty database and reads that: the two must be the same schema. Each round trip
(``tests.engine.roundtrip``) migrates a database holding rows up and down again.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from migrations_engine.compare import normalized
from migrations_engine.connection import connect
from migrations_engine.diff import diff
from migrations_engine.introspect import introspect
from migrations_engine.naming import with_default_names
from migrations_engine.operations import RenameColumn, SetComment
from migrations_engine.render import render
from migrations_engine.schema import Column, Exclusion, IndexKey, PrimaryKey, Schema, Table
from migrations_engine.scratch import scratch_database
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.conftest import SERVERS
from tests.engine.roundtrip import Rows, roundtrip, run


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


def has_btree_gist(url: DatabaseURL) -> bool:
    """``btree_gist`` (gist operator classes for scalars: ``room WITH =``) installed, if it can be."""
    try:
        run(url, ["CREATE EXTENSION IF NOT EXISTS btree_gist"])
    except AssertionError:
        return False
    return True


def rebuild(url: DatabaseURL, other: DatabaseURL, *statements: str) -> Schema:
    """Run ``statements`` in ``url``, read it, render its CREATE script into ``other`` (empty),
    read that: both must read the same. Returns what was read."""
    run(url, list(statements))
    read = introspect(url)
    run(other, [s.sql for s in render(diff(Schema(), read), Schema(), "postgresql")])
    assert normalized(introspect(other)) == normalized(read)
    return read


def migrate(old: Schema, new: Schema, url: DatabaseURL, other: DatabaseURL, rows: Rows) -> list[str]:
    """The round trip, and ``new`` read back from ``other`` exactly as designed: a part the
    introspection lost on both sides would pass the round trip alone."""
    up = roundtrip(old, new, url, other, rows)
    assert normalized(introspect(other)) == normalized(with_default_names(new))
    return up


def col(name: str, type_text: str, **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_text), **kwargs)


def booking(*exclusions: Exclusion, columns: tuple[str, ...] = ("room", "during", "cancelled")) -> Schema:
    types = {"room": "integer", "during": "postgresql:tstzrange", "cancelled": "boolean", "place": "integer", "span": "postgresql:tstzrange", "shape": "postgresql:circle"}
    table = Table(
        "booking",
        columns=(col("id", "integer", nullable=False), *(col(c, types[c], id=c) for c in columns)),
        primary_key=PrimaryKey(("id",)),
        exclusions=exclusions,
    )
    return Schema(tables=(table,))


ROWS = {
    "booking": [
        {"id": 1, "room": 1, "during": "[2026-01-01,2026-01-02)", "cancelled": False},
        {"id": 2, "room": 1, "during": "[2026-01-02,2026-01-03)", "cancelled": False},
        {"id": 3, "room": 2, "during": "[2026-01-01,2026-01-03)", "cancelled": True},
    ]
}
OVERLAP = Exclusion(("during",), ("&&",), name="no_overlap", method="gist")


def insert(url: DatabaseURL, row_id: int, room: int, during: str, cancelled: bool = False) -> None:
    with connect(url) as db:
        db.execute(
            "INSERT INTO booking (id, room, during, cancelled) VALUES (%s, %s, %s, %s)", [row_id, room, during, cancelled]
        )


# ------------------------------------------------------------------ introspection


def test_every_part_is_read(pg_url):
    run(pg_url, [
        "CREATE TABLE t (id int PRIMARY KEY, during tstzrange, name text, c circle, gone boolean,"
        " CONSTRAINT ex_where EXCLUDE USING gist (during WITH &&) WHERE (NOT gone),"
        " CONSTRAINT ex_later EXCLUDE USING gist (c WITH &&) DEFERRABLE INITIALLY DEFERRED,"
        " CONSTRAINT ex_expr EXCLUDE (lower(name) text_pattern_ops WITH =) INCLUDE (id))",
        "COMMENT ON CONSTRAINT ex_where ON t IS 'no overlap'",
        "CREATE INDEX plain ON t (name)",
    ])
    table = introspect(pg_url).table("t")
    assert table.exclusions == (
        Exclusion(
            ("lower(name)",),
            ("=",),
            name="ex_expr",
            keys=(IndexKey(expression=True, opclass="text_pattern_ops"),),
            include=("id",),
        ),
        Exclusion(("c",), ("&&",), name="ex_later", method="gist", deferrable=True, initially_deferred=True),
        Exclusion(("during",), ("&&",), name="ex_where", method="gist", where="NOT gone", comment="no overlap"),
    )
    assert [i.name for i in table.indexes] == ["plain"]  # the constraints' own indexes are not indexes


def test_an_unnamed_exclusion_reads_with_postgresqls_name(pg_url):
    run(pg_url, ["CREATE TABLE t (during tstzrange, EXCLUDE USING gist (during WITH &&))"])
    assert introspect(pg_url).table("t").exclusions[0].name == "t_during_excl"


# ------------------------------------------------------------------ what is read is written back


def test_gist_on_a_range_rebuilds(pg_url, pg_url_b):
    rebuild(pg_url, pg_url_b, "CREATE TABLE t (a tstzrange NOT NULL, b tsrange, CONSTRAINT ex EXCLUDE USING gist (a WITH &&, b WITH &&))")


def test_btree_with_a_function_and_a_condition_rebuilds(pg_url, pg_url_b):
    read = rebuild(
        pg_url,
        pg_url_b,
        "CREATE TABLE t (name varchar(255), CONSTRAINT ex EXCLUDE USING btree (lower(name::text) WITH =) WHERE (name::text <> ''))",
    )
    assert read.table("t").exclusions[0].where == "(name)::text <> ''::text"


def test_deferrable_include_opclass_and_comment_rebuild(pg_url, pg_url_b):
    rebuild(
        pg_url,
        pg_url_b,
        "CREATE TABLE t (id int, name text COLLATE \"C\", c circle,"
        " CONSTRAINT ex1 EXCLUDE (name text_pattern_ops WITH =) INCLUDE (id) DEFERRABLE,"
        ' CONSTRAINT "ex 2" EXCLUDE USING gist (c WITH &&) DEFERRABLE INITIALLY DEFERRED)',
        "COMMENT ON CONSTRAINT \"ex 2\" ON t IS 'it''s round'",
    )


def test_btree_gist_exclusion_rebuilds(pg_url, pg_url_b):
    if not (has_btree_gist(pg_url) and has_btree_gist(pg_url_b)):
        pytest.skip("btree_gist is not available on this server")
    read = rebuild(
        pg_url,
        pg_url_b,
        "CREATE TABLE room_booking (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&))",
    )
    assert read.table("room_booking").exclusions[0].operators == ("=", "&&")


# ------------------------------------------------------------------ migrations, both ways


def test_add_a_gist_exclusion_to_a_table_holding_rows(pg_url, pg_url_b):
    up = migrate(booking(), booking(OVERLAP), pg_url, pg_url_b, ROWS | {"booking": ROWS["booking"][:2]})
    assert up == ['ALTER TABLE "booking" ADD CONSTRAINT "no_overlap" EXCLUDE USING gist ("during" WITH &&)']


def test_an_exclusion_with_a_condition_enforces_it(pg_url, pg_url_b):
    active = Exclusion(("during",), ("&&",), name="active_only", method="gist", where="NOT cancelled")
    migrate(booking(), booking(active), pg_url, pg_url_b, ROWS)
    run(pg_url, [s.sql for s in render(diff(booking(), booking(active)), booking(), "postgresql")])
    insert(pg_url, 4, 3, "[2026-01-01,2026-01-03)", cancelled=True)  # cancelled: allowed
    with pytest.raises(psycopg.errors.ExclusionViolation):
        insert(pg_url, 5, 3, "[2026-01-01,2026-01-03)")


def test_deferrable_exclusion_is_checked_at_commit(pg_url, pg_url_b):
    later = Exclusion(("during",), ("&&",), name="later", method="gist", deferrable=True, initially_deferred=True)
    up = migrate(booking(OVERLAP), booking(later), pg_url, pg_url_b, ROWS | {"booking": ROWS["booking"][:2]})
    assert up[-1].endswith("DEFERRABLE INITIALLY DEFERRED")
    run(pg_url, up)
    with connect(pg_url, autocommit=False) as db:
        db.execute("INSERT INTO booking (id, during) VALUES (7, '[2026-01-01,2026-01-02)')")  # clashes with 1…
        db.execute("DELETE FROM booking WHERE id = 1")  # …which is gone by the commit
        db.commit()
        db.execute("INSERT INTO booking (id, during) VALUES (8, '[2026-01-02,2026-01-03)')")  # clashes with 2
        with pytest.raises(psycopg.errors.ExclusionViolation):
            db.commit()


def test_renaming_a_column_it_uses_keeps_it(pg_url, pg_url_b):
    old = booking(Exclusion(("room", "during"), ("=", "&&"), name="ex", method="gist", where="NOT cancelled"),
                  Exclusion(("during",), ("&&",), name="ex2", method="gist", where="room > 1"))
    if not (has_btree_gist(pg_url) and has_btree_gist(pg_url_b)):
        old = booking(Exclusion(("during",), ("&&",), name="ex", method="gist", where="NOT cancelled AND room > 0"))
    renamed = RenameColumn("booking", "room", "place").apply(RenameColumn("booking", "during", "span").apply(old))
    up = migrate(old, renamed, pg_url, pg_url_b, ROWS)
    assert up == [
        'ALTER TABLE "booking" RENAME COLUMN "room" TO "place"',
        'ALTER TABLE "booking" RENAME COLUMN "during" TO "span"',
    ]


def test_a_comment_alone_is_set_in_place(pg_url, pg_url_b):
    old = booking(OVERLAP)
    commented = SetComment("booking", "exclusion", "no_overlap", None, "one at a time").apply(old)
    up = migrate(old, commented, pg_url, pg_url_b, ROWS | {"booking": ROWS["booking"][:2]})
    assert up == ["COMMENT ON CONSTRAINT \"no_overlap\" ON \"booking\" IS 'one at a time'"]


def test_change_method_and_elements(pg_url, pg_url_b):
    old = booking(Exclusion(("room",), ("=",), name="ex"))
    new = booking(Exclusion(("during",), ("&&",), name="ex", method="gist", comment="now by time"))
    rows = [{"id": 1, "room": 1, "during": "[2026-01-01,2026-01-02)"}, {"id": 2, "room": 2, "during": "[2026-01-02,2026-01-03)"}]
    up = migrate(old, new, pg_url, pg_url_b, {"booking": rows})
    assert up == [
        'ALTER TABLE "booking" DROP CONSTRAINT "ex"',
        'ALTER TABLE "booking" ADD CONSTRAINT "ex" EXCLUDE USING gist ("during" WITH &&)',
        "COMMENT ON CONSTRAINT \"ex\" ON \"booking\" IS 'now by time'",
    ]


def test_drop_a_column_with_its_exclusion_and_create_a_table_with_one(pg_url, pg_url_b):
    old = booking(OVERLAP)
    new = Schema(tables=(
        booking(columns=("room", "cancelled")).tables[0],
        Table("zone", columns=(col("shape", "postgresql:circle"),), exclusions=(Exclusion(("shape",), ("&&",), method="gist"),)),
    ))
    migrate(old, new, pg_url, pg_url_b, {"booking": ROWS["booking"][:2]})


def test_an_enum_recreated_under_an_exclusion_on_its_column(pg_url, pg_url_b):
    from migrations_engine.schema import Enum

    def with_mood(*values: str) -> Schema:
        table = Table(
            "t",
            columns=(col("id", "integer", nullable=False), col("m", "enum(mood)")),
            primary_key=PrimaryKey(("id",)),
            exclusions=(Exclusion(("m",), ("=",), name="one_each", where="m <> 'b'::mood"),),
        )
        return Schema(tables=(table,), enums=(Enum("mood", values),))

    migrate(with_mood("a", "b", "c"), with_mood("b", "a"), pg_url, pg_url_b, {"t": [{"id": 1, "m": "a"}, {"id": 2, "m": "b"}, {"id": 3, "m": "b"}]})


def test_a_generated_column_rebuilt_under_an_exclusion_gets_it_back(pg_url, pg_url_b):
    from migrations_engine.schema import Generated

    def doubled(expression: str) -> Schema:
        table = Table(
            "t",
            columns=(col("a", "integer"), col("g", "integer", generated=Generated(expression))),
            exclusions=(Exclusion(("g",), ("=",), name="g_once"),),
        )
        return Schema(tables=(table,))

    up = migrate(doubled("a * 2"), doubled("a * 3"), pg_url, pg_url_b, {"t": [{"a": 1}, {"a": 2}]})
    assert up[-1] == 'ALTER TABLE "t" ADD CONSTRAINT "g_once" EXCLUDE USING btree ("g" WITH =)'


def test_an_enum_value_added_and_used_by_a_new_exclusion_in_one_migration(pg_url, pg_url_b):
    from migrations_engine.schema import Enum

    def table(*exclusions: Exclusion) -> Table:
        return Table("t", columns=(col("id", "integer", nullable=False), col("m", "enum(mood)")), exclusions=exclusions)

    old = Schema(tables=(table(),), enums=(Enum("mood", ("a", "b")),))
    new = Schema(
        tables=(table(Exclusion(("m",), ("=",), name="one_c", where="m = 'c'::mood")),),
        enums=(Enum("mood", ("a", "b", "c")),),
    )
    # One transaction, as the runner applies a migration: the value must be usable at once.
    up = [s.sql for s in render(diff(old, new), old, "postgresql")]
    migrate(old, new, pg_url, pg_url_b, {"t": [{"id": 1, "m": "a"}, {"id": 2, "m": "a"}]})
    run(empty(pg_url), [s.sql for s in render(diff(Schema(), old), Schema(), "postgresql")])
    with connect(pg_url, autocommit=False) as db:
        for sql in up:
            db.execute(sql)
        db.commit()
