"""Sakila and Chinook, as their authors' scripts make them, on each real server.

Loaded, read back, written again by the engine's CREATE script into an empty database and read
back: the two readings are one schema. Then every column's comment changes (at once, then one
column at a time) on the database holding rows, up and down: the rows stay byte for byte and the
schema differs in those comments only. The views, triggers, functions, procedures and rules the
scripts also make are not the engine's (it manages tables, columns, keys, indexes, checks, enums
and comments): they are loaded, and must not disturb the rest.
"""

from __future__ import annotations

import pytest

from migrations_engine.introspect import introspect
from migrations_engine.urls import DatabaseURL
from tests.engine.corpus import (
    assert_comment_changes_keep_everything,
    assert_create_script_rebuilds,
    assert_same_catalog,
    assert_same_rows,
    catalog,
    load,
    table_rows,
    with_column_comments,
)
from tests.engine.roundtrip import assert_same_schema, run

CORPORA = ("sakila", "chinook")
DIALECTS = ("postgresql", "mysql", "sqlite")

#: Cases that fail because of an engine gap, each with the gap (see the issue's report).
GAPS: dict[tuple[str, str, str], str] = {
    ("create", "sakila", "postgresql"): (
        "PostgreSQL: a column whose default is nextval() of a sequence it does not own (pg_dump's "
        "CREATE SEQUENCE + DEFAULT nextval, as in Sakila) is read as a plain default and the CREATE "
        "script never creates the sequence ('relation \"actor_actor_id_seq\" does not exist'); "
        "the same for a column typed with a domain ('type \"year\" does not exist'); and a table "
        "made with INHERITS (payment_p2007_01 ...) is rebuilt as a table of its own"
    ),
}


def cases(test: str) -> list:
    out = []
    for corpus in CORPORA:
        for dialect in DIALECTS:
            marks = []
            gap = GAPS.get((test, corpus, dialect))
            if gap:
                marks.append(pytest.mark.xfail(strict=True, reason=gap))
            out.append(pytest.param(corpus, dialect, id=f"{corpus}-{dialect}", marks=marks))
    return out


@pytest.fixture
def loaded(corpus, db_url) -> DatabaseURL:
    """A scratch database of the parametrised dialect (conftest's ``db_url``) holding ``corpus``."""
    load(db_url, corpus)
    return db_url


@pytest.mark.parametrize(("corpus", "dialect"), cases("create"))
def test_create_script_rebuilds_the_schema(corpus, dialect, loaded, second_db_url):
    assert_create_script_rebuilds(loaded, second_db_url, corpus)


@pytest.mark.parametrize(("corpus", "dialect"), cases("comments"))
def test_comment_changes_keep_rows_and_the_rest_of_the_schema(corpus, dialect, loaded):
    assert_comment_changes_keep_everything(loaded, corpus)


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
