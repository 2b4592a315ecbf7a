"""Sakila and Chinook, as their authors' scripts make them, on each real server.

Loaded, read back, written again by the engine's CREATE script into an empty database and read
back: the two readings are one schema. Then every column's comment changes (at once, then one
column at a time) on the database holding rows, up and down: the rows stay byte for byte and the
schema differs in those comments only. The views, triggers, functions, procedures and rules the
scripts also make are not the engine's (it manages tables, columns, keys, indexes, checks, enums
and comments): they are loaded, and must not disturb the rest.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from migrations_engine.introspect import introspect
from migrations_engine.schema import Schema, Table
from migrations_engine.scratch import scratch_database
from migrations_engine.urls import DatabaseURL
from tests.conftest import SERVERS
from tests.engine.corpus import KEEPS_COMMENTS, comment_scripts, load, table_rows, with_column_comments
from tests.engine.roundtrip import assert_same_schema, create_schema, run

CORPORA = ("sakila", "chinook")
DIALECTS = ("postgresql", "mysql", "sqlite")

#: Cases that fail because of an engine gap, each with the gap (see the issue's report).
GAPS: dict[tuple[str, str, str], str] = {}


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


def _scratch(dialect: str, tmp_path) -> Iterator[DatabaseURL]:
    server = SERVERS.get(dialect) or f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with scratch_database(server, prefix="me_test") as url:
        yield url


@pytest.fixture
def loaded(corpus, dialect, tmp_path) -> Iterator[DatabaseURL]:
    for url in _scratch(dialect, tmp_path):
        load(url, corpus)
        yield url


@pytest.fixture
def empty(dialect, tmp_path) -> Iterator[DatabaseURL]:
    yield from _scratch(dialect, tmp_path)


def corpus_comment(table: Table, column) -> str:
    # A quote, a backslash, a percent sign and non-ASCII letters: escaping has to be right.
    return f"{table.name}.{column.name}: l'été 100% \\ ok"


@pytest.mark.parametrize(("corpus", "dialect"), cases("create"))
def test_create_script_rebuilds_the_schema(corpus, dialect, loaded, empty):
    live = introspect(loaded)
    assert live.tables, "the script made no tables"
    create_schema(empty, live)
    assert_same_schema(introspect(empty), live, f"{corpus} rebuilt from its CREATE script")


@pytest.mark.parametrize(("corpus", "dialect"), cases("comments"))
def test_comment_changes_keep_rows_and_the_rest_of_the_schema(corpus, dialect, loaded):
    live = introspect(loaded)
    rows = table_rows(loaded, live)
    assert sum(len(r) for r in rows.values()) > 100, "the corpus should come with rows"

    every = with_column_comments(live, corpus_comment)
    _up_and_down(loaded, live, every, rows, "every column's comment")

    for table, column in _single_columns(live):
        one = with_column_comments(live, lambda t, c: "only this one" if (t.name, c.name) == (table, column) else None)
        _up_and_down(loaded, live, one, rows, f"the comment of {table}.{column}")


def _up_and_down(url: DatabaseURL, old: Schema, new: Schema, rows: dict[str, list[str]], what: str) -> None:
    up, down = comment_scripts(old, new, url.dialect)
    after_up = new if KEEPS_COMMENTS[url.dialect] else old
    run(url, up)
    assert_same_schema(introspect(url), after_up, f"after up changing {what}")
    assert_same_rows(table_rows(url, old), rows, f"after up changing {what}")
    run(url, down)
    assert_same_schema(introspect(url), old, f"after down changing {what}")
    assert_same_rows(table_rows(url, old), rows, f"after down changing {what}")


def assert_same_rows(actual: dict[str, list[str]], expected: dict[str, list[str]], context: str) -> None:
    for table, table_rows_ in expected.items():
        got = actual[table]
        if got != table_rows_:
            changed = [(a, b) for a, b in zip(table_rows_, got) if a != b][:3]
            raise AssertionError(
                f"{context}: rows of {table!r} changed ({len(table_rows_)} before, {len(got)} after); "
                f"first differences (before, after): {changed}"
            )


def _single_columns(schema: Schema) -> list[tuple[str, str]]:
    """A few columns whose ALTER is the riskiest: a primary key others reference, a foreign key
    column, a column with a default, an enum or ON UPDATE column."""
    picks: list[tuple[str, str]] = []
    referenced = {(fk.ref_table, fk.ref_columns[0]) for t in schema.tables for fk in t.foreign_keys}
    for test in (
        lambda t, c: (t.name, c.name) in referenced,
        lambda t, c: any(c.name == fk.columns[0] for fk in t.foreign_keys),
        lambda t, c: c.default is not None and not c.identity,
        lambda t, c: c.type.kind == "enum" or c.on_update is not None,
    ):
        found = next(((t.name, c.name) for t in schema.tables for c in t.columns if test(t, c)), None)
        if found and found not in picks:
            picks.append(found)
    return picks


def test_the_checks_here_see_a_difference(tmp_path):
    """The assertions above are not empty: one changed comment and one changed row are seen."""
    for url in _scratch("postgresql", tmp_path):
        load(url, "chinook")
        live = introspect(url)
        altered = with_column_comments(live, lambda t, c: "not in the database" if (t.name, c.name) == ("album", "title") else None)
        with pytest.raises(AssertionError, match="album"):
            assert_same_schema(live, altered, "deliberately wrong")
        rows = table_rows(url, live)
        run(url, ["UPDATE album SET title = title || ' ' WHERE album_id = 1"])
        with pytest.raises(AssertionError, match="rows of 'album' changed"):
            assert_same_rows(table_rows(url, live), rows, "deliberately changed")
