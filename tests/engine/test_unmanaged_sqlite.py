"""SQLite: views, triggers and virtual tables (with their shadow tables) are read; views and
triggers with the tables and columns their SQL names (introspect/unmanaged_sqlite.py)."""

from __future__ import annotations

from migrations_engine.connection import connect
from migrations_engine.unmanaged import UnmanagedObject, read_unmanaged

SETUP = [
    "CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT, active INTEGER)",
    "CREATE TABLE film (id INTEGER PRIMARY KEY, title TEXT, last_update TEXT)",
    'CREATE TABLE "odd ""table"" ü" ("a column" INTEGER, other INTEGER)',
    "CREATE VIEW active_customers AS SELECT id, email FROM customer WHERE active -- not film",
    'CREATE VIEW [odd view] AS SELECT "a column" FROM "odd ""table"" ü"',
    "CREATE TRIGGER last_updated AFTER UPDATE OF title ON film BEGIN UPDATE film SET last_update = 'x' WHERE id = NEW.id; END",
    "CREATE VIRTUAL TABLE search USING fts5(body)",
]


def test_every_kind_is_read_with_its_dependencies(sqlite_url):
    with connect(sqlite_url) as db:
        for sql in SETUP:
            db.execute(sql)
        found = read_unmanaged(db)
    assert found == [
        *(UnmanagedObject("shadow table", f"search_{suffix}", (("search", None),)) for suffix in ("config", "content", "data", "docsize", "idx")),
        UnmanagedObject("trigger", "last_updated", (("film", None), ("film", "id"), ("film", "title"), ("film", "last_update"))),
        UnmanagedObject(
            "view", "active_customers", (("customer", None), ("customer", "id"), ("customer", "email"), ("customer", "active"))
        ),
        UnmanagedObject("view", "odd view", (('odd "table" ü', None), ('odd "table" ü', "a column"))),
        UnmanagedObject("virtual table", "search"),
    ]


def test_an_empty_database_costs_one_query(sqlite_url):
    with connect(sqlite_url) as db:
        assert read_unmanaged(db) == []
