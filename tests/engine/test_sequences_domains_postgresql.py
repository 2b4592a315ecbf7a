"""Standalone sequences and domains on the real PostgreSQL server: read exactly, written back
exactly, and migrated up and down with every row kept (``tests.engine.roundtrip``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from migrations_engine.connection import connect
from migrations_engine.diff import diff
from migrations_engine.errors import UnsupportedChange
from migrations_engine.introspect import introspect
from migrations_engine.introspect.unmanaged_postgresql import read_unmanaged
from migrations_engine.render import render
from migrations_engine.schema import (
    Check,
    Column,
    Default,
    Domain,
    PrimaryKey,
    Schema,
    Sequence,
    SequenceOptions,
    Table,
)
from migrations_engine.scratch import scratch_database
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.conftest import SERVERS
from tests.engine.roundtrip import roundtrip, run
from tests.engine.test_exclusions_postgresql import rebuild


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


def rows_of(url: DatabaseURL, sql: str) -> list[tuple]:
    with connect(url) as db:
        return db.query(sql)


YEAR = Domain("year", "integer", checks=(Check("VALUE >= 1901", "year_check"),))
FILM_SEQ = Sequence("film_id_seq", "integer", SequenceOptions(start=100, increment=5))


def film(**changes) -> Table:
    table = Table(
        "film",
        columns=(
            Column("id", ColumnType.parse("integer"), False, Default("nextval('film_id_seq'::regclass)", True)),
            Column("released", ColumnType.parse("postgresql:year")),
        ),
        primary_key=PrimaryKey(("id",)),
    )
    return replace(table, **changes)


ROWS = {"film": [{"id": 1, "released": 2006}, {"id": 2, "released": 1999}]}


def test_every_option_is_read_and_written_back(pg_url, pg_url_b):
    read = rebuild(
        pg_url,
        pg_url_b,
        "CREATE SEQUENCE loose AS smallint INCREMENT BY -2 MINVALUE -100 MAXVALUE 50 START 10 CACHE 4 CYCLE",
        "CREATE SEQUENCE plain",
        "CREATE DOMAIN mood AS varchar(20) COLLATE \"C\" NOT NULL DEFAULT 'ok' CONSTRAINT short CHECK (length(VALUE) < 10)"
        " CONSTRAINT not_bad CHECK (VALUE <> 'bad')",
        "CREATE DOMAIN year AS integer CHECK (VALUE >= 1901)",
        "CREATE TABLE t (id integer NOT NULL DEFAULT nextval('plain') PRIMARY KEY, m mood, y year, s serial)",
        "CREATE SEQUENCE owned OWNED BY t.y",
    )
    assert read.sequences == (
        Sequence("loose", "smallint", SequenceOptions(start=10, increment=-2, min_value=-100, max_value=50, cache=4, cycle=True)),
        Sequence("owned", owned_by=("t", "y")),
        Sequence("plain"),
    )  # the serial's sequence is its column's, not one of these
    assert read.domains == (
        Domain("mood", "character varying(20)", False, "'ok'::character varying",
               (Check("(VALUE)::text <> 'bad'::text", "not_bad"), Check("length((VALUE)::text) < 10", "short")), "C"),
        YEAR,
    )
    with connect(pg_url) as db:  # managed now: no longer listed as not managed
        assert not [o for o in read_unmanaged(db) if o.kind in ("sequence", "domain")]


def test_a_sequences_current_value_is_data_a_rebuild_starts_at_start(pg_url, pg_url_b):
    read = rebuild(pg_url, pg_url_b, "CREATE SEQUENCE s START 7", "SELECT nextval('s')", "SELECT nextval('s')")
    assert read.sequences == (Sequence("s", options=SequenceOptions(start=7)),)
    assert rows_of(pg_url_b, "SELECT nextval('s')") == [(7,)]


def test_created_before_the_tables_using_them_and_dropped_after_rows_kept(pg_url, pg_url_b):
    old = Schema(tables=(Table("other", (Column("n", ColumnType.parse("integer")),)),))
    new = Schema(tables=(*old.tables, film()), sequences=(FILM_SEQ,), domains=(YEAR,))

    up = roundtrip(old, new, pg_url, pg_url_b, {"other": [{"n": 1}]})

    assert up.index('CREATE SEQUENCE "film_id_seq" AS integer START WITH 100 INCREMENT BY 5') < up.index(
        next(s for s in up if s.startswith('CREATE TABLE "film"'))
    )
    run(pg_url, [s.sql for s in render(diff(old, new), old, "postgresql")])
    run(pg_url, ['INSERT INTO film (released) VALUES (2001), (2002)'])
    assert rows_of(pg_url, "SELECT id, released FROM film ORDER BY id") == [(100, 2001), (105, 2002)]


def test_options_and_owner_change_in_place_and_back_rows_and_value_kept(pg_url, pg_url_b):
    old = Schema(tables=(film(),), sequences=(FILM_SEQ,), domains=(YEAR,))
    changed = replace(FILM_SEQ, data_type="bigint", options=SequenceOptions(start=100, increment=1, cache=20), owned_by=("film", "id"))
    new = replace(old, sequences=(changed,))

    up = roundtrip(old, new, pg_url, pg_url_b, ROWS)

    assert not any("DROP SEQUENCE" in s or "CREATE SEQUENCE" in s for s in up)
    assert any(s.startswith('ALTER SEQUENCE "film_id_seq" AS bigint') for s in up)
    assert 'ALTER SEQUENCE "film_id_seq" OWNED BY "film"."id"' in up
    assert rows_of(pg_url, "SELECT id, released FROM film ORDER BY id") == [(1, 2006), (2, 1999)]


def test_a_domains_default_not_null_and_checks_change_in_place_and_back(pg_url, pg_url_b):
    old = Schema(tables=(film(),), sequences=(FILM_SEQ,), domains=(YEAR,))
    stricter = replace(YEAR, nullable=False, default="2000", checks=(Check("VALUE >= 1900", "after_1900"), Check("VALUE < 3000", "before_3000")))
    new = replace(old, domains=(stricter,))

    up = roundtrip(old, new, pg_url, pg_url_b, ROWS)

    assert up == [
        'ALTER DOMAIN "year" DROP CONSTRAINT "year_check"',
        "ALTER DOMAIN \"year\" SET DEFAULT 2000",
        'ALTER DOMAIN "year" SET NOT NULL',
        'ALTER DOMAIN "year" ADD CONSTRAINT "after_1900" CHECK (VALUE >= 1900)',
        'ALTER DOMAIN "year" ADD CONSTRAINT "before_3000" CHECK (VALUE < 3000)',
    ]
    assert rows_of(pg_url, "SELECT id, released FROM film ORDER BY id") == [(1, 2006), (2, 1999)]


def test_dropping_the_table_and_its_owned_sequence_and_back(pg_url, pg_url_b):
    owned = replace(FILM_SEQ, owned_by=("film", "id"))
    old = Schema(tables=(film(), Table("keep", (Column("k", ColumnType.parse("integer")),))), sequences=(owned,), domains=(YEAR,))
    new = Schema(tables=(old.table("keep"),))

    up = roundtrip(old, new, pg_url, pg_url_b, {**ROWS, "keep": [{"k": 3}]})

    # released first: PostgreSQL would drop an owned sequence with its table, before DROP SEQUENCE
    assert up[0] == 'ALTER SEQUENCE "film_id_seq" OWNED BY NONE'
    assert up[-2:] == ['DROP DOMAIN "year"', 'DROP SEQUENCE "film_id_seq"']


def test_a_base_type_change_recreates_an_unused_domain_and_refuses_a_used_one(pg_url, pg_url_b):
    wider = replace(YEAR, base_type="bigint")
    unused = Schema(domains=(YEAR,))
    up = roundtrip(unused, Schema(domains=(wider,)), pg_url, pg_url_b)
    assert up == ['DROP DOMAIN "year"', 'CREATE DOMAIN "year" AS bigint CONSTRAINT "year_check" CHECK (VALUE >= 1901)']

    used = Schema(tables=(film(),), sequences=(FILM_SEQ,), domains=(YEAR,))
    with pytest.raises(UnsupportedChange, match="domain 'year' changes its base type .* while column film.released uses it"):
        diff(used, replace(used, domains=(wider,)))
