"""SQLite: the shadow tables a virtual table keeps its data in are not read as tables.

An FTS5 table ``ft`` writes ``ft_data``, ``ft_idx``, ``ft_content``, ``ft_docsize`` and
``ft_config`` (FTS3/4 and R*Tree theirs), and SQLite drops them with it. Read as ordinary tables,
a CREATE script would make them tables of their own, beside nothing. ``PRAGMA table_list`` says
``shadow`` (SQLite 3.37); before it, the suffixes each module keeps tell.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from migrations_engine.compare import differences, normalized
from migrations_engine.connection import connect
from migrations_engine.introspect import introspect
from migrations_engine.introspect.sqlite import shadow_tables, shadows_among, virtual_module
from migrations_engine.unmanaged import read_unmanaged
from migrations_engine.urls import DatabaseURL
from tests.engine.roundtrip import create_schema

ROOT = Path(__file__).resolve().parents[2]

VIRTUAL = [
    "CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT)",
    "CREATE INDEX docs_title ON docs (title)",
    "CREATE VIRTUAL TABLE ft USING fts5(title, body, content='docs', content_rowid='id')",
    "CREATE VIRTUAL TABLE old_search USING fts4(body)",
    'CREATE VIRTUAL TABLE "boxes ü" USING rtree(id, min_x, max_x)',
    "CREATE VIRTUAL TABLE ft_more USING fts5(x)",  # named like a shadow of ft: a virtual table
    "CREATE TABLE ft_data_archive (id INTEGER PRIMARY KEY)",  # ft_ and a known suffix, but longer
    "CREATE TABLE old_search_notes (id INTEGER PRIMARY KEY)",  # old_search_ and no suffix fts4 keeps
    "INSERT INTO docs (title, body) VALUES ('a', 'b')",
    "INSERT INTO old_search (body) VALUES ('hello')",
]
SHADOWS = {
    "ft_config": "ft", "ft_data": "ft", "ft_docsize": "ft", "ft_idx": "ft",  # content='docs': no ft_content
    "ft_more_config": "ft_more", "ft_more_content": "ft_more", "ft_more_data": "ft_more",
    "ft_more_docsize": "ft_more", "ft_more_idx": "ft_more",
    "old_search_content": "old_search", "old_search_docsize": "old_search", "old_search_segdir": "old_search",
    "old_search_segments": "old_search", "old_search_stat": "old_search",
    "boxes ü_node": "boxes ü", "boxes ü_parent": "boxes ü", "boxes ü_rowid": "boxes ü",
}
MANAGED = ["docs", "ft_data_archive", "old_search_notes"]


@pytest.fixture
def with_virtual(sqlite_url):
    with connect(sqlite_url) as db:
        for sql in VIRTUAL:
            db.execute(sql)
    return sqlite_url


def table_sql(url) -> dict[str, str]:
    with connect(url) as db:
        return dict(db.query("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))


def test_shadow_tables_are_left_out_of_the_schema(with_virtual):
    assert sorted(t.name for t in introspect(with_virtual).tables) == MANAGED


def test_they_are_found_by_pragma_table_list_and_by_their_suffixes_alike(with_virtual):
    tables = table_sql(with_virtual)
    with connect(with_virtual) as db:
        assert shadow_tables(db, tables) == SHADOWS
        listed = [name for (name,) in db.query("SELECT name FROM pragma_table_list WHERE type = 'shadow'")]
    assert sqlite3.sqlite_version_info >= (3, 37)  # else the suffixes alone found them above
    assert sorted(listed) == sorted(SHADOWS)
    assert shadows_among(tables) == SHADOWS  # SQLite before 3.37: no table_list


def test_a_module_sqlite_does_not_ship_counts_on_table_list():
    tables = {
        "vectors": "CREATE VIRTUAL TABLE vectors USING vec0(embedding float[4])",
        "vectors_chunks": "CREATE TABLE vectors_chunks (chunk_id INTEGER PRIMARY KEY)",
        "vectors_data": "CREATE TABLE vectors_data (id INTEGER PRIMARY KEY)",
    }
    assert shadows_among(tables, listed=["vectors_chunks"]) == {"vectors_chunks": "vectors"}
    assert shadows_among(tables) == {}  # no suffix known: kept as a table rather than guessed


def test_virtual_module():
    assert virtual_module('CREATE VIRTUAL TABLE "a USING b" USING FTS5(x)') == "fts5"
    assert virtual_module("create virtual table if not exists [t] using rtree_i32(id, a, b)") == "rtree_i32"
    assert virtual_module("CREATE TABLE t (a)") is None


def test_no_query_is_spent_without_a_virtual_table(sqlite_url):
    with connect(sqlite_url) as db:
        db.execute("CREATE TABLE t (a INTEGER)")
        queries: list[str] = []
        query = db.query
        db.query = lambda sql, params=None: queries.append(sql) or query(sql, params)  # type: ignore[method-assign]
        assert shadow_tables(db, {"t": "CREATE TABLE t (a INTEGER)"}) == {}
    assert queries == []


def test_inspect_notes_the_virtual_tables_and_their_shadows_and_prints_only_the_managed_tables(with_virtual):
    result = subprocess.run(
        [sys.executable, "-m", "migrations_engine", "inspect", str(with_virtual)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(t["name"] for t in json.loads(result.stdout)["tables"]) == MANAGED
    note = result.stderr.strip()
    assert note.startswith("note: not managed (kept as they are): ")
    for name in ('"boxes ü"', '"ft"', '"ft_more"', '"old_search"'):
        assert f"virtual table {name}" in note
    assert 'shadow table "ft_data" (on ft)' in note and 'shadow table "boxes ü_node" (on "boxes ü")' in note
    with connect(with_virtual) as db:
        found = read_unmanaged(db)
    assert {o.name for o in found if o.kind == "virtual table"} == {"boxes ü", "ft", "ft_more", "old_search"}
    assert {o.name: o.tables[0] for o in found if o.kind == "shadow table"} == SHADOWS


def test_the_managed_part_round_trips_through_a_create_script(with_virtual, tmp_path):
    read = introspect(with_virtual)
    empty = DatabaseURL("sqlite", str(tmp_path / "empty.sqlite3"))
    create_schema(empty, read)
    again = introspect(empty)
    assert normalized(again) == normalized(read), differences(again, read)
    assert again == read
    assert sorted(table_sql(empty)) == MANAGED  # no shadow made an ordinary table


def test_a_virtual_table_keeps_working_after_the_managed_tables_change(with_virtual):
    from dataclasses import replace

    from migrations_engine.diff import diff
    from migrations_engine.render import render
    from migrations_engine.schema import Column
    from migrations_engine.types import ColumnType

    read = introspect(with_virtual)
    notes = read.table("old_search_notes")
    target = read.replace_table("old_search_notes", replace(notes, columns=(*notes.columns, Column("text", ColumnType("text")))))
    with connect(with_virtual) as db:
        for statement in render(diff(read, target), read, "sqlite"):
            db.execute(statement.sql)
        assert db.query("SELECT body FROM old_search WHERE old_search MATCH 'hello'") == [("hello",)]
    assert introspect(with_virtual) == target
