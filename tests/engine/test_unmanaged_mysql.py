"""MySQL/MariaDB: views, triggers, routines, events and partitioned tables are read; views and
triggers with the tables and columns their SQL names (introspect/unmanaged_mysql.py)."""

from __future__ import annotations

from migrations_engine.connection import connect
from migrations_engine.unmanaged import UnmanagedObject, read_unmanaged

SETUP = [
    "CREATE TABLE customer (id int PRIMARY KEY, email varchar(100), active bool)",
    "CREATE TABLE film (id int PRIMARY KEY, title varchar(100), last_update datetime)",
    'CREATE TABLE `odd "table" ü` (`a column` int, other int)',
    "CREATE VIEW active_customers AS SELECT id, email FROM customer WHERE active",
    # The server stores the definition qualified and quoted: `db`.`odd "table" ü`.`a column`.
    'CREATE VIEW `odd view` AS SELECT `a column` FROM `odd "table" ü`',
    "CREATE TRIGGER last_updated BEFORE UPDATE ON film FOR EACH ROW SET NEW.last_update = NOW()",
    "CREATE TRIGGER audit AFTER INSERT ON film FOR EACH ROW UPDATE customer SET active = 1 WHERE id = NEW.id",
    "CREATE PROCEDURE tidy() SELECT 1",
    "CREATE FUNCTION answer() RETURNS int RETURN 42",
    "CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DO SELECT 1",
    "CREATE TABLE logs (id int) PARTITION BY HASH (id) PARTITIONS 2",
]


def test_every_kind_is_read_with_its_dependencies(mysql_url):
    with connect(mysql_url) as db:
        for sql in SETUP:
            db.execute(sql)
        found = read_unmanaged(db)
    assert found == [
        UnmanagedObject("event", "nightly"),
        UnmanagedObject("function", "answer"),
        UnmanagedObject("partitioning of table", "logs"),
        UnmanagedObject("procedure", "tidy"),
        UnmanagedObject(
            "trigger", "audit", (("film", None), ("film", "id"), ("customer", None), ("customer", "id"), ("customer", "active"))
        ),
        UnmanagedObject("trigger", "last_updated", (("film", None), ("film", "last_update"))),
        UnmanagedObject(
            "view", "active_customers", (("customer", None), ("customer", "id"), ("customer", "email"), ("customer", "active"))
        ),
        UnmanagedObject("view", "odd view", (('odd "table" ü', None), ('odd "table" ü', "a column"))),
    ]
    assert found[4].describe() == 'trigger "audit" on film (uses customer)'


def test_a_view_of_another_database_over_a_table_of_this_one_is_read(mysql_url, tmp_path):
    from migrations_engine.scratch import scratch_database

    with connect(mysql_url) as db:
        db.execute("CREATE TABLE customer (id int PRIMARY KEY, email varchar(100))")
    with scratch_database(str(mysql_url), prefix="me_test") as other:
        with connect(other) as db:
            db.execute(f"CREATE VIEW emails AS SELECT email FROM `{mysql_url.database}`.customer")
            db.execute("CREATE TABLE own (id int)")
            db.execute("CREATE VIEW elsewhere AS SELECT id FROM own")  # not over this database: left out
        with connect(mysql_url) as db:
            found = read_unmanaged(db)
        assert found == [UnmanagedObject("view", f"{other.database}.emails", (("customer", None), ("customer", "email")))]
