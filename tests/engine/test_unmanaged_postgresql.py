"""PostgreSQL: every kind of object the engine does not model is read, with what it depends on
as pg_depend records it (introspect/unmanaged_postgresql.py)."""

from __future__ import annotations

from migrations_engine.connection import connect
from migrations_engine.operations import AlterColumn, DropColumn, DropTable
from migrations_engine.sources import read_source
from migrations_engine.unmanaged import UnmanagedObject, conflicts, read_unmanaged

SETUP = [
    "CREATE EXTENSION IF NOT EXISTS pgcrypto",  # its functions are the extension's: not listed one by one
    "CREATE TABLE customer (id integer PRIMARY KEY, email text, active boolean)",
    "CREATE TABLE film (id serial PRIMARY KEY, title text, last_update timestamptz)",  # its sequence is the column's
    "CREATE VIEW active_customers AS SELECT id, email FROM customer WHERE active",
    "CREATE MATERIALIZED VIEW film_count AS SELECT count(*) FROM film",
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.last_update = now(); RETURN NEW; END $$",
    "CREATE TRIGGER last_updated BEFORE UPDATE ON film FOR EACH ROW EXECUTE FUNCTION touch()",
    "CREATE TRIGGER title_changed BEFORE UPDATE OF title ON film FOR EACH ROW EXECUTE FUNCTION touch()",
    "CREATE TABLE other (id integer)",
    "CREATE TRIGGER last_updated BEFORE UPDATE ON other FOR EACH ROW EXECUTE FUNCTION touch()",
    "ALTER TABLE customer ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY own_rows ON customer USING (email = current_user)",
    "CREATE RULE keep_films AS ON DELETE TO film DO INSTEAD NOTHING",
    "CREATE TABLE measurement (id integer, taken date) PARTITION BY RANGE (taken)",
    "CREATE TABLE measurement_2024 PARTITION OF measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    "CREATE TABLE parent (id integer)",
    "CREATE TABLE child (extra integer) INHERITS (parent)",
    "CREATE PUBLICATION customers FOR TABLE customer (id, email)",
    "CREATE SEQUENCE loose",
    "CREATE DOMAIN positive AS integer CHECK (VALUE > 0)",
    "CREATE TYPE pair AS (a integer, b integer)",
    "CREATE TYPE floatrange AS RANGE (subtype = float8)",  # its constructors are the type's
    "CREATE TYPE mood AS ENUM ('happy')",  # modelled: not listed
    "CREATE PROCEDURE tidy(x integer) LANGUAGE sql AS $$ SELECT 1 $$",
    "CREATE FUNCTION active_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM customer WHERE active; END",
]


def objects(url) -> list[UnmanagedObject]:
    with connect(url) as db:
        for sql in SETUP:
            db.execute(sql)
        return read_unmanaged(db)


def test_every_kind_is_read_with_its_dependencies(pg_url):
    found = {(o.kind, o.name): o.depends_on for o in objects(pg_url)}
    assert found == {
        ("view", "active_customers"): (("customer", None), ("customer", "id"), ("customer", "email"), ("customer", "active")),
        ("materialized view", "film_count"): (("film", None),),
        ("trigger", "last_updated"): (("other", None),),  # the second of the name, on ``other``; see below
        ("trigger", "title_changed"): (("film", None), ("film", "title"), ("film", "last_update")),
        ("policy", "own_rows"): (("customer", None), ("customer", "email")),
        ("rule", "keep_films"): (("film", None),),
        ("partition", "measurement_2024"): (("measurement", None),),
        ("partitioning of table", "measurement"): (("measurement", None), ("measurement", "taken")),
        ("inheritance child", "child"): (("parent", None),),
        ("publication", "customers"): (("customer", None), ("customer", "id"), ("customer", "email")),
        ("composite type", "pair"): (),
        ("range type", "floatrange"): (),
        ("function", "touch()"): (),
        ("function", "active_count()"): (("customer", None), ("customer", "active")),
        ("procedure", "tidy(IN x integer)"): (),
        ("extension", "pgcrypto"): (),
    }


def test_two_triggers_of_one_name_on_two_tables_are_two_objects(pg_url):
    triggers = [o for o in objects(pg_url) if o.name == "last_updated"]
    assert [o.describe() for o in triggers] == ['trigger "last_updated" on film', 'trigger "last_updated" on other']
    assert triggers[0].uses_column("film", "last_update")  # named in touch()'s body


def test_what_postgresql_would_drop_silently_is_refused(pg_url):
    read = objects(pg_url)
    source = read_source(str(pg_url))
    measurement = source.schema.table("measurement")
    hit = conflicts([DropTable(measurement)], source.schema, "postgresql", read)
    assert [o.name for c in hit for o in c.objects] == ["measurement_2024", "measurement"]
    email = source.schema.table("customer").column("email")
    hit = conflicts([DropColumn("customer", email)], source.schema, "postgresql", read)
    assert sorted(o.name for c in hit for o in c.objects) == ["active_customers", "customers", "own_rows"]


def test_postgresql_refuses_a_type_change_under_a_view_and_the_engine_says_which(pg_url):
    from dataclasses import replace

    from migrations_engine.render import render
    from migrations_engine.types import ColumnType

    read = objects(pg_url)
    source = read_source(str(pg_url))
    email = source.schema.table("customer").column("email")
    change = [AlterColumn("customer", email, replace(email, type=ColumnType.parse("varchar(200)")))]
    hit = conflicts(change, source.schema, "postgresql", read)
    assert sorted(o.name for c in hit for o in c.objects) == ["active_customers", "customers", "own_rows"]
    with connect(pg_url) as db:
        try:
            db.execute(render(change, source.schema, "postgresql")[0].sql)
        except Exception as exc:  # the server's own message names a rule, not the view
            assert "used by a view or rule" in str(exc)
        else:
            raise AssertionError("PostgreSQL changed the type of a column a view uses")


def test_recreating_an_enum_under_a_view_is_refused_before_postgresql_refuses_it(pg_url):
    from migrations_engine.operations import AlterEnum
    from migrations_engine.render import render
    from migrations_engine.schema import Enum

    with connect(pg_url) as db:
        db.execute("CREATE TYPE mood AS ENUM ('sad', 'ok')")
        db.execute("CREATE TABLE people (id integer PRIMARY KEY, mood mood)")
        db.execute("CREATE VIEW moods AS SELECT mood FROM people")
    source = read_source(str(pg_url))
    fewer = [AlterEnum(source.schema.enums[0], Enum("mood", ("ok",)))]
    statements = render(fewer, source.schema, "postgresql")
    hit = conflicts(fewer, source.schema, "postgresql", source.unmanaged, statements)
    assert [(c.action, [o.name for o in c.objects]) for c in hit] == [("changes the type of the columns of enum mood", ["moods"])]
    with connect(pg_url) as db:
        db.execute("BEGIN")
        try:
            for statement in statements:
                db.execute(statement.sql)
        except Exception as exc:
            assert "used by a view or rule" in str(exc)
        else:
            raise AssertionError("PostgreSQL recreated an enum under a view")
        finally:
            db.execute("ROLLBACK")


def test_a_trigger_function_naming_another_table_breaks_when_that_table_is_renamed(pg_url):
    """PostgreSQL keeps a trigger function's body as text: a table it names and that is renamed
    makes the trigger fail at its next run. Its own table's rename is harmless."""
    from migrations_engine.operations import RenameTable
    from migrations_engine.render import render

    with connect(pg_url) as db:
        db.execute("CREATE TABLE film (id integer PRIMARY KEY, title text)")
        db.execute("CREATE TABLE film_log (film_id integer, at timestamptz DEFAULT now())")
        db.execute(
            "CREATE FUNCTION log_film() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN INSERT INTO film_log (film_id) VALUES (NEW.id); RETURN NEW; END $$"
        )
        db.execute("CREATE TRIGGER logged AFTER INSERT ON film FOR EACH ROW EXECUTE FUNCTION log_film()")
    source = read_source(str(pg_url))
    trigger = next(o for o in source.unmanaged if o.kind == "trigger")
    assert trigger.depends_on == (("film", None), ("film", "id"), ("film_log", None), ("film_log", "film_id"))
    assert trigger.describe() == 'trigger "logged" on film (uses film_log)'
    own = [RenameTable("film", "movie")]
    other = [RenameTable("film_log", "history")]
    assert conflicts(own, source.schema, "postgresql", source.unmanaged) == []
    assert [c.action for c in conflicts(other, source.schema, "postgresql", source.unmanaged)] == ["renames table film_log"]
    with connect(pg_url) as db:
        for statement in render(other, source.schema, "postgresql"):
            db.execute(statement.sql)
        try:
            db.execute("INSERT INTO film VALUES (1, 'Alien')")
        except Exception as exc:
            assert 'relation "film_log" does not exist' in str(exc)
        else:
            raise AssertionError("the trigger ran after the table its function names was renamed")


def test_a_view_of_another_schema_over_a_table_of_this_one_is_read(pg_url):
    with connect(pg_url) as db:
        db.execute("CREATE TABLE customer (id integer PRIMARY KEY, email text)")
        db.execute("CREATE SCHEMA reporting")
        db.execute("CREATE TABLE reporting.own (id integer)")
        db.execute("CREATE VIEW reporting.emails AS SELECT email FROM public.customer")
        db.execute("CREATE VIEW reporting.elsewhere AS SELECT id FROM reporting.own")  # not ours: left out
        found = read_unmanaged(db)
    assert found == [UnmanagedObject("view", "reporting.emails", (("customer", None), ("customer", "email")))]
