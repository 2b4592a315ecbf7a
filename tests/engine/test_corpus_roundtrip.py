"""Sakila and Chinook, as their authors' scripts make them, on each real server.

Loaded, read back, written again by the engine's CREATE script into an empty database and read
back: the two readings are one schema, and the server's own account of the two databases is
the same. Then every column's comment changes (at once, then one
column at a time) on the database holding rows, up and down: the rows stay byte for byte and the
schema differs in those comments only. The views, triggers, functions, procedures and rules the
scripts also make are not the engine's (it manages tables, columns, keys, indexes, checks, enums,
sequences, domains and comments): they are loaded, and must not disturb the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from migrations_engine.introspect import introspect
from migrations_engine.scratch import scratch_database
from migrations_engine.urls import DatabaseURL
from tests.conftest import SERVERS
from tests.engine.corpus import (
    assert_comment_changes_keep_everything,
    assert_create_script_rebuilds,
    assert_same_catalog,
    assert_same_rows,
    catalog,
    gap,
    load,
    run_script,
    table_rows,
    with_column_comments,
)
from tests.engine.roundtrip import assert_same_schema, run

CORPORA = ("sakila", "chinook")
DIALECTS = ("postgresql", "mysql", "sqlite")

#: Cases that fail because of an engine gap, each with the gap (see the issue's report).
GAPS: dict[tuple[str, str, str], str] = {}


def cases(test: str) -> list:
    return [
        pytest.param(
            corpus, dialect, id=f"{corpus}-{dialect}",
            marks=[gap(GAPS[(test, corpus, dialect)])] if (test, corpus, dialect) in GAPS else [],
        )
        for corpus in CORPORA
        for dialect in DIALECTS
    ]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> Iterator[Callable[[str, str], DatabaseURL]]:
    """Each corpus loaded once per server, on first use, for the whole module: the CREATE test
    only reads it, and the comment test leaves it as it found it (which it asserts)."""
    loaded: dict[tuple[str, str], DatabaseURL] = {}
    with ExitStack() as stack:

        def get(corpus: str, dialect: str) -> DatabaseURL:
            if (corpus, dialect) not in loaded:
                server = SERVERS.get(dialect) or f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'server.sqlite3'}"
                url = stack.enter_context(scratch_database(server, prefix="me_test"))
                load(url, corpus)
                loaded[(corpus, dialect)] = url
            return loaded[(corpus, dialect)]

        yield get


@pytest.fixture
def loaded(corpora, corpus, dialect) -> DatabaseURL:
    return corpora(corpus, dialect)


@pytest.mark.parametrize(("corpus", "dialect"), cases("create"))
def test_create_script_rebuilds_the_schema(corpus, dialect, loaded, second_db_url):
    assert_create_script_rebuilds(loaded, second_db_url, corpus)


@pytest.mark.parametrize(("corpus", "dialect"), cases("comments"))
def test_comment_changes_keep_rows_and_the_rest_of_the_schema(corpus, dialect, loaded):
    assert_comment_changes_keep_everything(loaded, corpus)


#: The smallest SQL showing each gap the corpora and the app's tables found, and the things they
#: need that work (kept so that they stay working).
REPRODUCTIONS = [
    pytest.param(
        "postgresql",
        "CREATE SEQUENCE t_id_seq; CREATE TABLE t (id integer NOT NULL DEFAULT nextval('t_id_seq'::regclass) PRIMARY KEY);"
        " INSERT INTO t DEFAULT VALUES;",
        id="postgresql-nextval-of-a-sequence-not-owned",
    ),
    pytest.param(
        "postgresql",
        "CREATE DOMAIN year AS integer CHECK (VALUE >= 1901); CREATE TABLE t (y year); INSERT INTO t VALUES (2006);",
        id="postgresql-domain-type",
    ),
    pytest.param(
        "postgresql",
        "CREATE TABLE p (id integer PRIMARY KEY); CREATE TABLE c () INHERITS (p); INSERT INTO p VALUES (1); INSERT INTO c VALUES (2);",
        id="postgresql-inherits",  # the child is listed as not managed, the parent round-trips
    ),
    pytest.param(
        "postgresql",
        "CREATE TABLE p (id integer PRIMARY KEY);"
        " CREATE TABLE c (id integer PRIMARY KEY, p integer REFERENCES p DEFERRABLE INITIALLY DEFERRED);"
        " INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1);",
        id="postgresql-deferrable-foreign-key",
    ),
    pytest.param(
        "mysql",
        "CREATE TABLE t (id int PRIMARY KEY, n int unsigned NOT NULL CHECK (n >= 0)); INSERT INTO t VALUES (1, 2);",
        id="mariadb-column-check",
    ),
    pytest.param(
        "sqlite",
        "CREATE TABLE t (a int, b int); CREATE INDEX t_ab ON t (a, b DESC); INSERT INTO t VALUES (1, 2);",
        id="sqlite-descending-index-key",
    ),
]


@pytest.mark.parametrize(("dialect", "sql"), REPRODUCTIONS)
def test_smallest_reproductions(dialect, sql, db_url, second_db_url):
    run_script(db_url, sql)
    assert_create_script_rebuilds(db_url, second_db_url, "the reproduction")
    assert_comment_changes_keep_everything(db_url, "the reproduction", min_rows=1)


def test_the_checks_here_see_a_difference(pg_url):
    """The assertions above are not empty: a comment the database lacks, a comment the server
    reports, a row changed by a single byte are all seen."""
    load(pg_url, "chinook")
    live = introspect(pg_url)
    altered = with_column_comments(live, lambda t, c: "not in the database" if (t.name, c.name) == ("album", "title") else None)
    with pytest.raises(AssertionError, match="album"):
        assert_same_schema(live, altered, "deliberately wrong")

    facts, uncommented = catalog(pg_url), catalog(pg_url, comments=False)
    run(pg_url, ["COMMENT ON COLUMN album.title IS 'deliberately new'"])
    assert catalog(pg_url, comments=False) == uncommented
    with pytest.raises(AssertionError, match="deliberately new"):
        assert_same_catalog(catalog(pg_url), facts, "deliberately commented")

    rows = table_rows(pg_url, live)
    run(pg_url, ["UPDATE album SET title = title || ' ' WHERE album_id = 1"])
    with pytest.raises(AssertionError, match="rows of 'album' changed"):
        assert_same_rows(table_rows(pg_url, live), rows, "deliberately changed")
