"""Reading a live PostgreSQL schema back: exact for what the engine writes, careful with the rest."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from migrations_engine.compare import normalized
from migrations_engine.connection import Database, connect
from migrations_engine.introspect import introspect
from migrations_engine.introspect.postgresql import key_collations, read_default, read_sequence, read_type, strip_parentheses
from migrations_engine.naming import with_default_names
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
from tests.engine.roundtrip import create_schema


# One database for the whole module, emptied before each test: much cheaper than new ones.
@pytest.fixture(scope="module")
def database() -> Iterator[DatabaseURL]:
    with scratch_database(SERVERS["postgresql"], prefix="me_test") as url:
        yield url


@pytest.fixture
def pg_url(database) -> DatabaseURL:
    run(database, "DROP SCHEMA IF EXISTS public, elsewhere CASCADE", "CREATE SCHEMA public")
    return database


def col(name: str, type_text: str, **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_text), **kwargs)


def run(url, *statements: str) -> None:
    with connect(url) as db:
        for statement in statements:
            db.execute(statement)


# Every logical type, every kind of default, every kind of constraint, hostile names.
EVERYTHING = Schema(
    enums=(Enum("mood", ("sad", "ok", "it's")), Enum("Big Mood", ("a", "b"))),
    tables=(
        Table(
            "user",
            columns=(
                col("id", "bigint", nullable=False, identity=True),
                col("small", "smallint", default=Default("-3")),
                col("int", "integer", nullable=False, default=Default("0")),
                col("price", "decimal(10,2)", default=Default("1.50")),
                col("any number", "decimal"),
                col("ratio", "float", default=Default("1.5")),
                col("precise", "double"),
                col("flag", "boolean", nullable=False, default=Default("true")),
                col("code", "char(3)", default=Default("abc")),
                col("padded", "char"),
                col("name", "varchar(50)", nullable=False, default=Default("it's")),
                col("free", "varchar"),
                col("bio", "text", comment="about them"),
                col("path", "text", default=Default("C:\\dir\nnext 'line'")),
                col("born", "date", default=Default("2000-01-01")),
                col("wakes", "time"),
                col("sleeps", "time(3)"),
                col("seen", "timestamp(6)", default=Default("2020-01-01 10:00:00")),
                col("created", "timestamptz", nullable=False, default=Default("now()", expression=True)),
                col("updated", "timestamp", default=Default("CURRENT_TIMESTAMP", expression=True)),
                col("token", "uuid"),
                col("data", "json", default=Default("{}")),
                col("blob", "binary"),
                col("mood", "enum(mood)", default=Default("it's")),
                col("Big Mood", "enum(Big Mood)"),
                col("address", "postgresql:inet"),
                col("tags", "postgresql:text[]"),
            ),
            primary_key=PrimaryKey(("id",)),
            uniques=(Unique(("name", "born")),),
            checks=(Check("\"int\" >= 0"), Check("(small > 0) OR (small IS NULL)", "small_positive")),
            indexes=(
                Index(("created",)),
                Index(("code", "name"), "by_code", unique=True),
                Index(("born",), "alive", where="born IS NOT NULL"),
            ),
            comment="People's accounts",
        ),
        Table(
            "表 order",
            columns=(
                col("select", "integer", nullable=False),
                col("Mixed Case", "integer", nullable=False),
                col("naïve", "bigint"),
                col("parent_a", "integer"),
                col("parent_b", "integer"),
            ),
            primary_key=PrimaryKey(("Mixed Case", "select")),
            foreign_keys=(
                ForeignKey(("naïve",), "user", ("id",), on_delete="CASCADE"),
                ForeignKey(("parent_b", "parent_a"), "表 order", ("Mixed Case", "select"), "tree", on_update="SET NULL"),
            ),
        ),
    ),
)


def test_schema_built_from_logical_types_reads_back_exactly(pg_url):
    create_schema(pg_url, EVERYTHING)
    assert normalized(introspect(pg_url)) == normalized(with_default_names(EVERYTHING))


def test_columns_keep_their_order(pg_url):
    create_schema(pg_url, EVERYTHING)
    assert introspect(pg_url).table("user").column_names == EVERYTHING.table("user").column_names


def test_enum_values_keep_their_order(pg_url):
    run(pg_url, "CREATE TYPE e AS ENUM ('b', 'c')", "ALTER TYPE e ADD VALUE 'a' BEFORE 'b'")
    assert introspect(pg_url).enums == (Enum("e", ("a", "b", "c")),)


def test_serial_column_reads_as_identity(pg_url):
    run(pg_url, "CREATE TABLE t (id serial PRIMARY KEY, big bigserial, n integer DEFAULT nextval('t_id_seq'))")
    columns = introspect(pg_url).table("t").columns
    assert [(c.identity, c.serial, c.default, c.nullable) for c in columns] == [
        (True, True, None, False),
        (True, True, None, False),
        (False, False, Default("nextval('t_id_seq'::regclass)", expression=True), True),
    ]


def test_generated_always_identity_reads_as_identity_always(pg_url):
    run(pg_url, "CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY, b integer GENERATED BY DEFAULT AS IDENTITY)")
    table = introspect(pg_url).table("t")
    assert table.column("id") == col("id", "integer", nullable=False, identity=True, identity_always=True)
    assert table.column("b") == col("b", "integer", nullable=False, identity=True)


def test_other_types_read_as_native(pg_url):
    run(
        pg_url,
        "CREATE TYPE other AS (a integer)",
        "CREATE TABLE t (a json, b numeric(5), c interval, d character varying(3)[], e other, f oid)",
    )
    assert [str(c.type) for c in introspect(pg_url).table("t").columns] == [
        "postgresql:json",
        "decimal(5,0)",
        "postgresql:interval",
        "postgresql:character varying(3)[]",
        "postgresql:other",
        "postgresql:oid",
    ]


def test_enum_of_another_schema_is_native(pg_url):
    run(pg_url, "CREATE SCHEMA elsewhere", "CREATE TYPE elsewhere.e AS ENUM ('x')", "CREATE TABLE t (a elsewhere.e)")
    schema = introspect(pg_url)
    assert schema.enums == ()
    assert str(schema.table("t").column("a").type) == "postgresql:elsewhere.e"


def test_views_partitions_inheritance_children_and_other_schemas_are_skipped(pg_url):
    run(
        pg_url,
        "CREATE TABLE measures (at date NOT NULL, v integer) PARTITION BY RANGE (at)",
        "CREATE TABLE measures_2020 PARTITION OF measures FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')",
        "CREATE TABLE readings (at date NOT NULL)",
        "CREATE TABLE readings_2020 (CHECK (at < '2021-01-01')) INHERITS (readings)",
        "CREATE VIEW recent AS SELECT * FROM measures",
        "CREATE MATERIALIZED VIEW frozen AS SELECT 1 AS one",
        "CREATE SEQUENCE counter",
        "CREATE SCHEMA elsewhere",
        "CREATE TABLE elsewhere.hidden (a integer)",
    )
    assert sorted(t.name for t in introspect(pg_url).tables) == ["measures", "readings"]


def test_foreign_key_actions(pg_url):
    actions = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
    run(pg_url, "CREATE TABLE p (id integer PRIMARY KEY)")
    for code, action in actions.items():
        run(
            pg_url,
            f"CREATE TABLE c_{code} (p integer CONSTRAINT fk REFERENCES p ON DELETE {action} ON UPDATE {action})",
        )
    schema = introspect(pg_url)
    for code, action in actions.items():
        assert schema.table(f"c_{code}").foreign_keys == (ForeignKey(("p",), "p", ("id",), "fk", action, action),)


def test_composite_foreign_key_keeps_column_order(pg_url):
    run(
        pg_url,
        "CREATE TABLE p (a integer, b integer, c integer, PRIMARY KEY (c, a))",
        "CREATE TABLE k (x integer, y integer, CONSTRAINT fk FOREIGN KEY (y, x) REFERENCES p (c, a))",
    )
    schema = introspect(pg_url)
    assert schema.table("p").primary_key == PrimaryKey(("c", "a"), "p_pkey")
    assert schema.table("k").foreign_keys == (ForeignKey(("y", "x"), "p", ("c", "a"), "fk"),)


def test_indexes_backing_constraints_are_skipped_and_every_other_is_read(pg_url):
    run(
        pg_url,
        "CREATE TABLE t (a integer PRIMARY KEY, b text UNIQUE, c integer, d tsvector)",
        "CREATE INDEX t_lower ON t (lower(b))",
        "CREATE INDEX t_gin ON t USING gin (d)",
        "CREATE INDEX t_c_desc ON t (c DESC) INCLUDE (b)",
        "CREATE UNIQUE INDEX t_c_some ON t (c, a) WHERE ((c > 0) AND (a < 5))",
    )
    assert introspect(pg_url).table("t").indexes == (
        Index(("c",), "t_c_desc", keys=(IndexKey(descending=True),), include=("b",)),
        Index(("c", "a"), "t_c_some", unique=True, where="(c > 0) AND (a < 5)"),
        Index(("d",), "t_gin", method="gin"),
        Index(("lower(b)",), "t_lower", keys=(IndexKey(expression=True),)),
    )


def test_unique_index_referenced_by_a_foreign_key_of_its_own_table_is_read(pg_url):
    run(
        pg_url,
        "CREATE TABLE t (a integer, b integer)",
        "CREATE UNIQUE INDEX t_a ON t (a)",
        "ALTER TABLE t ADD CONSTRAINT up FOREIGN KEY (b) REFERENCES t (a)",
    )
    assert introspect(pg_url).table("t").indexes == (Index(("a",), "t_a", unique=True),)


def test_checks_read_without_wrapper(pg_url):
    run(pg_url, "CREATE TABLE t (a integer CONSTRAINT pos CHECK (a > 0), b text CONSTRAINT nn CHECK (b IS NOT NULL))")
    assert introspect(pg_url).table("t").checks == (Check("b IS NOT NULL", "nn"), Check("a > 0", "pos"))


def test_comments(pg_url):
    run(
        pg_url,
        "CREATE TABLE t (a integer)",
        "COMMENT ON TABLE t IS 'it''s a table'",
        "COMMENT ON COLUMN t.a IS 'ünïcode'",
    )
    table = introspect(pg_url).table("t")
    assert (table.comment, table.column("a").comment) == ("it's a table", "ünïcode")


def test_empty_database(pg_url):
    assert introspect(pg_url) == Schema()


class CountingDatabase(Database):
    """A connection that counts the queries it runs."""

    queries = 0

    def query(self, sql, params=None):
        self.queries += 1
        return super().query(sql, params)


def queries_to_read(url) -> int:
    with connect(url) as db:
        counting = CountingDatabase(db.url, db.raw)
        introspect(counting)
        return counting.queries


def test_the_number_of_queries_does_not_grow_with_the_tables(pg_url):
    create_schema(pg_url, EVERYTHING)
    few = queries_to_read(pg_url)
    tables = [f"CREATE TABLE t{n} (id integer PRIMARY KEY, v text UNIQUE, w integer REFERENCES t0 (id))" for n in range(40)]
    run(
        pg_url, "CREATE TABLE t0 (id integer PRIMARY KEY)", *tables[1:], "CREATE TYPE more AS ENUM ('x')",
        *(f"CREATE SEQUENCE s{n}" for n in range(20)), *(f"CREATE DOMAIN d{n} AS integer CHECK (VALUE > {n})" for n in range(20)),
    )
    # the schema, then tables, columns, constraints, indexes, exclusions, enums, sequences with domains
    assert queries_to_read(pg_url) == few <= 8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'it''s'::character varying", Default("it's")),
        ("'-1'::integer", Default("-1")),
        ("42", Default("42")),
        ("-2.5", Default("-2.5")),
        ("true", Default("true")),
        ("'a'::\"Big Mood\"", Default("a")),
        ("'x'::public.mood", Default("x")),
        ("'2020-01-01 10:00:00'::timestamp without time zone", Default("2020-01-01 10:00:00")),
        ("NULL::character varying", None),
        ("now()", Default("now()", expression=True)),
        ("CURRENT_TIMESTAMP", Default("CURRENT_TIMESTAMP", expression=True)),
        ("('a'::text || 'b'::text)", Default("('a'::text || 'b'::text)", expression=True)),
        ("'a'::text || 'b'::text", Default("'a'::text || 'b'::text", expression=True)),
    ],
)
def test_read_default(text, expected):
    assert read_default(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("numeric(10,2)", "decimal(10,2)"),
        ("character(1)", "char(1)"),
        ("bpchar", "char"),
        ("timestamp(0) with time zone", "timestamptz(0)"),
        ("json", "postgresql:json"),
        ("integer[]", "postgresql:integer[]"),
        ("numeric(2,5)", "postgresql:numeric(2,5)"),  # more decimals than digits: no decimal(p,s)
        ("numeric(5,-2)", "postgresql:numeric(5,-2)"),
    ],
)
def test_read_type(text, expected):
    assert str(read_type(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(a > 0)", "a > 0"),
        ("((a > 0) AND (b > 0))", "(a > 0) AND (b > 0)"),
        ("(a > 0) AND (b > 0)", "(a > 0) AND (b > 0)"),
        ("(name <> ')'::text)", "name <> ')'::text"),
        ('("x)" > 0)', '"x)" > 0'),
    ],
)
def test_strip_parentheses(text, expected):
    assert strip_parentheses(text) == expected


def test_reads_many_tables_quickly(pg_url):
    # 1,000 tables with 10,000 columns read in about 0.5 s; 200 keep this test cheap.
    columns = "id integer PRIMARY KEY, a bigint, b smallint DEFAULT 1, c integer NOT NULL, d real, " \
        "e boolean DEFAULT false, f date, g timestamptz DEFAULT now(), h double precision, i uuid"
    run(pg_url, ";".join(f"CREATE TABLE t{n} ({columns})" for n in range(200)))
    started = time.perf_counter()
    schema = introspect(pg_url)
    elapsed = time.perf_counter() - started
    assert sum(len(t.columns) for t in schema.tables) == 2_000
    assert elapsed < 2, f"reading 200 tables took {elapsed:.2f}s"


def test_a_string_cast_to_another_type_than_the_columns_stays_an_expression():
    from migrations_engine.introspect.postgresql import read_default

    text = "'0001-01-01 00:00:00'::timestamp without time zone"
    assert read_default(text, "timestamp with time zone") == Default(text, expression=True)
    assert read_default("'x'::character varying", "character varying(20)") == Default("x")
    assert read_default("'a'::bpchar", "character(3)") == Default("a")
    assert read_default("'-3'::integer", "smallint") == Default("-3")


# ---------------------------------------------------------------- identities, sequences, generated columns


def test_identity_sequence_options_read_and_defaults_read_as_none(pg_url):
    run(
        pg_url,
        "CREATE TABLE t ("
        " a integer GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5 MAXVALUE 1000 CACHE 20 CYCLE),"
        " b smallint GENERATED BY DEFAULT AS IDENTITY (START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 32767 CACHE 1 NO CYCLE),"
        " c bigint GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -2),"
        " d integer GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -1 MINVALUE -50 MAXVALUE -10 START WITH -20))",
    )
    table = introspect(pg_url).table("t")
    assert [(c.identity_always, c.sequence) for c in table.columns] == [
        (True, SequenceOptions(start=10, increment=5, max_value=1000, cache=20, cycle=True)),
        (False, None),
        (False, SequenceOptions(increment=-2)),
        (False, SequenceOptions(start=-20, increment=-1, min_value=-50, max_value=-10)),
    ]


def test_serial_sequence_options_read(pg_url):
    run(
        pg_url,
        "CREATE TABLE t (id serial, big bigserial)",
        "ALTER SEQUENCE t_id_seq INCREMENT BY 3 START WITH 7 CACHE 5",
    )
    table = introspect(pg_url).table("t")
    assert table.column("id") == col("id", "integer", nullable=False, identity=True, serial=True, sequence=SequenceOptions(start=7, increment=3, cache=5))
    assert table.column("big").sequence is None


def test_sequence_of_a_serial_widened_compares_with_its_own_type(pg_url):
    # ALTER TYPE leaves a serial's sequence an integer one: its maximum is still the default.
    run(pg_url, "CREATE TABLE t (id serial)", "ALTER TABLE t ALTER COLUMN id TYPE bigint")
    assert introspect(pg_url).table("t").column("id").sequence is None


def test_generated_column_read_with_its_expression(pg_url):
    run(pg_url, 'CREATE TABLE t (a integer, "b c" text, g integer GENERATED ALWAYS AS (a * 2) STORED NOT NULL, h text GENERATED ALWAYS AS (upper("b c")) STORED)')
    table = introspect(pg_url).table("t")
    assert table.column("g") == col("g", "integer", nullable=False, generated=Generated("a * 2"))
    assert table.column("h") == col("h", "text", generated=Generated('upper("b c")'))


# ---------------------------------------------------------------- indexes


def test_index_keys_read_exactly(pg_url):
    run(
        pg_url,
        'CREATE TABLE t (a integer, "b c" text COLLATE "C", d varchar(10), e integer)',
        'CREATE INDEX i1 ON t (a DESC, "b c" NULLS FIRST, d DESC NULLS LAST, e ASC NULLS LAST)',
        'CREATE INDEX i2 ON t ("b c" COLLATE "POSIX" text_pattern_ops, lower("b c") COLLATE "C", (a + e) DESC)',
        'CREATE INDEX i3 ON t (d varchar_pattern_ops, "b c" COLLATE "C" text_ops)',
    )
    indexes = {i.name: i for i in introspect(pg_url).table("t").indexes}
    assert indexes["i1"] == Index(
        ("a", "b c", "d", "e"),
        "i1",
        keys=(IndexKey(descending=True), IndexKey(nulls="FIRST"), IndexKey(descending=True, nulls="LAST"), IndexKey()),
    )
    # The collation the column or the expression has already is no collation of the key's own.
    assert indexes["i2"] == Index(
        ("b c", 'lower("b c")', "a + e"),
        "i2",
        keys=(
            IndexKey(collation="POSIX", opclass="text_pattern_ops"),
            IndexKey(expression=True),
            IndexKey(expression=True, descending=True),
        ),
    )
    assert indexes["i3"] == Index(("d", "b c"), "i3", keys=(IndexKey(opclass="varchar_pattern_ops"), IndexKey()))


def test_expression_key_collation_other_than_the_expressions(pg_url):
    run(pg_url, "CREATE TABLE t (a text)", 'CREATE INDEX i ON t (lower(a) COLLATE "C", (a || \'x\') COLLATE "POSIX" DESC)')
    assert introspect(pg_url).table("t").indexes[0].keys == (
        IndexKey(expression=True, collation="C"),
        IndexKey(expression=True, collation="POSIX", descending=True),
    )


def test_index_include_method_nulls_not_distinct_and_comment(pg_url):
    run(
        pg_url,
        "CREATE TABLE t (a integer, b integer, c jsonb, d int4range)",
        "CREATE UNIQUE INDEX inc ON t (a) INCLUDE (b, c) NULLS NOT DISTINCT WHERE a > 0",
        "CREATE INDEX h ON t USING hash (b)",
        "CREATE INDEX g ON t USING gin (c jsonb_path_ops)",
        "CREATE INDEX s ON t USING gist (d)",
        "CREATE INDEX br ON t USING brin (a)",
        "CREATE INDEX sp ON t USING spgist (d)",
        "COMMENT ON INDEX inc IS 'it''s included'",
    )
    indexes = {i.name: i for i in introspect(pg_url).table("t").indexes}
    assert indexes["inc"] == Index(("a",), "inc", unique=True, where="a > 0", include=("b", "c"), nulls_not_distinct=True, comment="it's included")
    assert indexes["g"] == Index(("c",), "g", method="gin", keys=(IndexKey(opclass="jsonb_path_ops"),))
    assert {name: i.method for name, i in indexes.items()} == {"inc": None, "h": "hash", "g": "gin", "s": "gist", "br": "brin", "sp": "spgist"}


# ---------------------------------------------------------------- constraint options and comments


def test_constraint_timing_validity_inheritance_match_and_comments(pg_url):
    run(
        pg_url,
        "CREATE TABLE p (id integer CONSTRAINT p_pkey PRIMARY KEY DEFERRABLE, a integer, b integer,"
        " CONSTRAINT u UNIQUE NULLS NOT DISTINCT (a, b),"
        " CONSTRAINT later UNIQUE (b) DEFERRABLE INITIALLY DEFERRED,"
        " CONSTRAINT plain UNIQUE (a),"
        " CONSTRAINT ni CHECK (a > 0) NO INHERIT)",
        "CREATE TABLE k (x integer, y integer)",
        "ALTER TABLE k ADD CONSTRAINT full_fk FOREIGN KEY (x, y) REFERENCES p (a, b) MATCH FULL DEFERRABLE INITIALLY DEFERRED NOT VALID",
        "ALTER TABLE k ADD CONSTRAINT late CHECK (y > 0) NOT VALID",
        "COMMENT ON CONSTRAINT p_pkey ON p IS 'key'",
        "COMMENT ON CONSTRAINT u ON p IS 'pairs'",
        "COMMENT ON CONSTRAINT ni ON p IS 'positive'",
        "COMMENT ON CONSTRAINT full_fk ON k IS 'ünïcode'",
    )
    schema = introspect(pg_url)
    p, k = schema.table("p"), schema.table("k")
    assert p.primary_key == PrimaryKey(("id",), "p_pkey", deferrable=True, comment="key")
    assert p.uniques == (
        Unique(("b",), "later", deferrable=True, initially_deferred=True),
        Unique(("a",), "plain"),
        Unique(("a", "b"), "u", nulls_not_distinct=True, comment="pairs"),
    )
    assert p.checks == (Check("a > 0", "ni", no_inherit=True, comment="positive"),)
    assert k.foreign_keys == (
        ForeignKey(("x", "y"), "p", ("a", "b"), "full_fk", deferrable=True, initially_deferred=True, not_valid=True, match="FULL", comment="ünïcode"),
    )
    assert k.checks == (Check("y > 0", "late", not_valid=True),)


def test_django_style_deferred_foreign_key(pg_url):
    run(
        pg_url,
        "CREATE TABLE p (id integer PRIMARY KEY)",
        "CREATE TABLE k (p_id integer)",
        'ALTER TABLE "k" ADD CONSTRAINT "k_p_id_fk_p_id" FOREIGN KEY ("p_id") REFERENCES "p" ("id") DEFERRABLE INITIALLY DEFERRED',
    )
    assert introspect(pg_url).table("k").foreign_keys == (
        ForeignKey(("p_id",), "p", ("id",), "k_p_id_fk_p_id", deferrable=True, initially_deferred=True),
    )


def test_enum_comment(pg_url):
    run(pg_url, "CREATE TYPE mood AS ENUM ('a')", "COMMENT ON TYPE mood IS 'feelings'", "CREATE TYPE plain AS ENUM ('b')")
    assert introspect(pg_url).enums == (Enum("mood", ("a",), comment="feelings"), Enum("plain", ("b",)))


# ---------------------------------------------------------------- what we write reads back exactly


EVERY_NEW_ATTRIBUTE = Schema(
    enums=(Enum("Big Mood", ("a", "b"), comment="it's a type"),),
    tables=(
        Table(
            'say "hi" 表',
            columns=(
                col("id", "bigint", nullable=False, identity=True, identity_always=True, sequence=SequenceOptions(start=10, increment=5, max_value=10000, cache=3, cycle=True)),
                col("s", "integer", nullable=False, identity=True, serial=True, sequence=SequenceOptions(start=50, increment=-1, min_value=1, max_value=100)),
                col("naïve name", "text", collation="C"),
                col("n", "integer"),
                col("twice n", "integer", generated=Generated('n * 2'), comment="computed"),
                col("mood", "enum(Big Mood)"),
            ),
            primary_key=PrimaryKey(("id",), "pk it's", comment="the key"),
            uniques=(
                Unique(("n", "s"), "u.nique", nulls_not_distinct=True, comment="pairs"),
                Unique(("s",), "s deferred", deferrable=True, initially_deferred=True),
                Unique(("naïve name",), "name deferrable", deferrable=True),
            ),
            checks=(
                Check("n > 0", "positive", no_inherit=True, comment="ünï"),
                Check("s > 0", "later", not_valid=True),
            ),
            foreign_keys=(
                ForeignKey(("n",), 'say "hi" 表', ("id",), "self", deferrable=True, initially_deferred=True, comment="django"),
                ForeignKey(("n", "s"), 'say "hi" 表', ("n", "s"), "full", match="FULL", not_valid=True, on_delete="CASCADE"),
            ),
            indexes=(
                Index(
                    ("naïve name", 'lower("naïve name")', "n"),
                    "every key",
                    keys=(
                        IndexKey(descending=True, nulls="LAST", collation="POSIX", opclass="text_pattern_ops"),
                        IndexKey(expression=True, collation="POSIX"),
                        IndexKey(nulls="FIRST"),
                    ),
                    include=("s",),
                    where="n > 0",
                    comment="keys",
                ),
                Index(("n",), "by hash", method="hash"),
                Index(("n", "twice n"), "nnd", unique=True, nulls_not_distinct=True),
            ),
        ),
    ),
)


def test_every_new_attribute_written_reads_back_as_it_was(pg_url):
    create_schema(pg_url, EVERY_NEW_ATTRIBUTE)
    assert normalized(introspect(pg_url)) == normalized(EVERY_NEW_ATTRIBUTE)


def test_a_schema_read_twice_is_the_same(pg_url):
    create_schema(pg_url, EVERY_NEW_ATTRIBUTE)
    assert introspect(pg_url) == introspect(pg_url)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["integer", "1", "1", "1", "2147483647", "1", "false"], None),
        (["smallint", "-1", "-1", "-32768", "-1", "1", "false"], SequenceOptions(increment=-1)),
        (["bigint", "5", "1", "5", "9223372036854775807", "1", "false"], SequenceOptions(min_value=5)),
        (["bigint", "7", "1", "5", "9223372036854775807", "1", "false"], SequenceOptions(start=7, min_value=5)),
        (["integer", "1", "1", "1", "2147483647", "10", "true"], SequenceOptions(cache=10, cycle=True)),
        # A serial widened to bigint keeps its integer sequence: its maximum is that type's.
        (["integer", "1", "1", "1", "2147483647", "1", "false"], None),
        (["integer", "1", "1", "1", "9223372036854775807", "1", "false"], SequenceOptions(max_value=9223372036854775807)),
    ],
)
def test_read_sequence(values, expected):
    assert read_sequence(values) == expected


@pytest.mark.parametrize(
    ("definition", "method", "keys", "expected"),
    [
        ('CREATE INDEX i ON t USING btree (a, b DESC)', "btree", ["a", "b"], [None, None]),
        (
            'CREATE INDEX "x USING btree (" ON "t USING btree (" USING btree ("a, b" COLLATE "C" DESC, lower(\'x, y\'::text) COLLATE pg_catalog."POSIX")',
            "btree",
            ['"a, b"', "lower('x, y'::text)"],
            ["C", "POSIX"],
        ),
        ('CREATE INDEX i ON t USING gist (r COLLATE "say ""hi""")', "gist", ["r"], ['say "hi"']),
    ],
)
def test_key_collations(definition, method, keys, expected):
    assert key_collations(definition, method, keys) == expected
