"""Views and triggers the engine does not model, on the real servers (each dialect in turn): read,
listed by ``inspect`` and ``diff``, kept through changes elsewhere, and never dropped or broken by a
diff or a migration, which are refused naming them before anything runs."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from migrations_engine import snapshot
from migrations_engine.connection import connect
from migrations_engine.diff import diff
from migrations_engine.introspect import introspect
from migrations_engine.migrations.appliers import RunOptions
from migrations_engine.migrations.folder import MigrationFolder
from migrations_engine.migrations.history import history_for, without_runner_tables
from migrations_engine.migrations.model import Migration
from migrations_engine.migrations.runner import Runner
from migrations_engine.naming import with_default_names
from migrations_engine.render import render
from migrations_engine.schema import Column, PrimaryKey, Schema, Table
from migrations_engine.sources import read_source
from migrations_engine.types import ColumnType
from migrations_engine.unmanaged import UnmanagedConflict, UnmanagedObject, read_unmanaged

ROOT = Path(__file__).resolve().parents[2]
INTEGER = ColumnType.parse("integer")
TEXT = ColumnType.parse("varchar(100)")
DIALECTS = ("postgresql", "mysql", "sqlite")
FAST = RunOptions(lock_timeout=5.0, ddl_lock_timeout=1.0, retries=2, retry_pause=0.05, validate=False)

#: A name with a space, double quotes and a non-ASCII letter.
VIEW = 'active "customers" ü'
TRIGGER = "last_updated"
TABLES = with_default_names(
    Schema(
        (
            Table("customer", (Column("id", INTEGER, nullable=False), Column("email", TEXT), Column("active", INTEGER)), PrimaryKey(("id",))),
            Table("film", (Column("id", INTEGER, nullable=False), Column("title", TEXT), Column("last_update", TEXT)), PrimaryKey(("id",))),
            Table("note", (Column("id", INTEGER, nullable=False), Column("body", TEXT)), PrimaryKey(("id",))),
        )
    )
)
#: The view over customer.email and the trigger setting film.last_update, as each server writes them.
OBJECTS_SQL = {
    "postgresql": [
        'CREATE VIEW "active ""customers"" ü" AS SELECT id, email FROM customer WHERE active = 1',
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.last_update := 'touched'; RETURN NEW; END $$",
        "CREATE TRIGGER last_updated BEFORE UPDATE ON film FOR EACH ROW EXECUTE FUNCTION touch()",
    ],
    "mysql": [
        'CREATE VIEW `active "customers" ü` AS SELECT id, email FROM customer WHERE active = 1',
        "CREATE TRIGGER last_updated BEFORE UPDATE ON film FOR EACH ROW SET NEW.last_update = 'touched'",
    ],
    "sqlite": [
        'CREATE VIEW "active ""customers"" ü" AS SELECT id, email FROM customer WHERE active = 1',
        "CREATE TRIGGER last_updated AFTER UPDATE OF title ON film "
        "BEGIN UPDATE film SET last_update = 'touched' WHERE id = NEW.id; END",
    ],
}
QUOTED_VIEW = {"postgresql": '"active ""customers"" ü"', "mysql": '`active "customers" ü`', "sqlite": '"active ""customers"" ü"'}


def build(url, dialect: str) -> None:
    """The three tables with a row each, the view and the trigger."""
    with connect(url) as db:
        for statement in render(diff(Schema(), TABLES), Schema(), dialect):
            db.execute(statement.sql)
        db.execute("INSERT INTO customer (id, email, active) VALUES (1, 'a@example.com', 1)")
        db.execute("INSERT INTO film (id, title) VALUES (1, 'Alien')")
        for sql in OBJECTS_SQL[dialect]:
            db.execute(sql)


def without(schema: Schema, table: str, column: str) -> Schema:
    t = schema.table(table)
    return schema.replace_table(table, replace(t, columns=tuple(c for c in t.columns if c.name != column)))


def with_note_author(schema: Schema) -> Schema:
    t = schema.table("note")
    return schema.replace_table("note", replace(t, columns=(*t.columns, Column("author", TEXT))))


def still_working(url, dialect: str) -> None:
    """The view reads and the trigger fires."""
    with connect(url) as db:
        assert db.query(f"SELECT email FROM {QUOTED_VIEW[dialect]}") == [("a@example.com",)]
        db.execute("UPDATE film SET title = 'Aliens' WHERE id = 1")
        assert db.query("SELECT last_update FROM film WHERE id = 1") == [("touched",)]


def objects_of(url) -> list[UnmanagedObject]:
    with connect(url) as db:
        return read_unmanaged(db)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migrations_engine", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def cast(db_url, dialect):
    build(db_url, dialect)
    return db_url


# ---------------------------------------------------------------- reading


def test_the_view_and_the_trigger_are_read_with_what_they_depend_on(cast, dialect):
    found = {o.kind: o for o in objects_of(cast) if o.kind in ("view", "trigger")}
    assert found["view"].name == VIEW
    assert {("customer", None), ("customer", "email")} <= set(found["view"].depends_on)
    assert not found["view"].uses_table("film")
    assert found["trigger"].name == TRIGGER
    assert found["trigger"].depends_on[0] == ("film", None)
    assert found["trigger"].uses_column("film", "last_update")
    assert not found["trigger"].uses_table("customer")
    # The engine's own snapshot holds the tables only.
    assert [t.name for t in without_runner_tables(introspect(cast)).tables] == ["customer", "film", "note"]


def test_a_database_without_them_has_none(db_url):
    with connect(db_url) as db:
        db.execute("CREATE TABLE plain (id INTEGER PRIMARY KEY)")
    assert objects_of(db_url) == []


# ---------------------------------------------------------------- diff


def test_a_diff_dropping_the_column_the_view_uses_is_refused(cast, dialect):
    source = read_source(str(cast))
    from migrations_engine.unmanaged import check

    operations = diff(source.schema, without(source.schema, "customer", "email"))
    with pytest.raises(UnmanagedConflict, match='view "active ""customers"" ü"'):
        check(operations, source.schema, dialect, source.unmanaged)


def test_a_diff_dropping_the_column_the_trigger_sets_is_refused(cast, dialect):
    source = read_source(str(cast))
    from migrations_engine.unmanaged import check

    operations = diff(source.schema, without(source.schema, "film", "last_update"))
    with pytest.raises(UnmanagedConflict, match=r'drops column film\.last_update, on which trigger "last_updated" on film depends'):
        check(operations, source.schema, dialect, source.unmanaged)


def test_a_rebuild_of_the_table_is_refused_on_sqlite_only(cast, dialect):
    source = read_source(str(cast))
    film = source.schema.table("film")
    title = film.column("title")
    changed = source.schema.replace_table("film", film.replace_column("title", replace(title, nullable=False)))
    result = _diff_cli(cast, changed, source.schema)
    if dialect == "sqlite":
        assert result.returncode == 1, result.stderr
        assert "rebuilds table film, on which trigger \"last_updated\" on film depends" in result.stderr
        assert result.stdout == ""
    else:
        assert result.returncode == 0, result.stderr
        assert "NOT NULL" in result.stdout


def test_a_diff_of_another_table_goes_through_and_keeps_them(cast, dialect):
    source = read_source(str(cast))
    before = objects_of(cast)
    target = with_note_author(without(source.schema, "note", "body"))
    result = _diff_cli(cast, target, source.schema)
    assert result.returncode == 0, result.stderr
    with connect(cast) as db:
        for statement in render(diff(source.schema, target), source.schema, dialect):
            db.execute(statement.sql)
    assert introspect(cast).table("note").column_names == ("id", "author")
    assert objects_of(cast) == before
    still_working(cast, dialect)


def _diff_cli(url, target: Schema, start: Schema, *extra: str) -> subprocess.CompletedProcess[str]:
    path = Path(str(url.database) if url.dialect == "sqlite" else "/tmp").parent / f"target-{id(target)}.json"
    snapshot.dump(target, path)
    try:
        return run_cli("diff", str(url), str(path), *extra)
    finally:
        path.unlink()


# ---------------------------------------------------------------- what the servers do on a rename


def test_what_the_server_does_with_a_view_over_a_renamed_column(cast, dialect):
    """PostgreSQL binds a view to the column, SQLite rewrites the view's SQL: the view follows.
    MariaDB does neither: the view fails on its next read. The engine refuses the rename there."""
    from migrations_engine.operations import RenameColumn
    from migrations_engine.unmanaged import conflicts

    source = read_source(str(cast))
    rename = [RenameColumn("customer", "email", "e_mail")]
    refused = conflicts(rename, source.schema, dialect, source.unmanaged)
    with connect(cast) as db:
        for statement in render(rename, source.schema, dialect):
            db.execute(statement.sql)
        if dialect == "mysql":
            assert [o.name for c in refused for o in c.objects] == [VIEW]
            with pytest.raises(Exception, match="1356|references invalid"):
                db.query(f"SELECT * FROM {QUOTED_VIEW[dialect]}")
        else:
            assert refused == []
            assert db.query(f"SELECT * FROM {QUOTED_VIEW[dialect]}") == [(1, "a@example.com")]


def test_what_the_server_does_with_a_view_over_a_renamed_table(cast, dialect):
    from migrations_engine.operations import RenameTable
    from migrations_engine.unmanaged import conflicts

    source = read_source(str(cast))
    rename = [RenameTable("customer", "client"), RenameTable("film", "movie")]
    refused = conflicts(rename, source.schema, dialect, source.unmanaged)
    with connect(cast) as db:
        for statement in render(rename, source.schema, dialect):
            db.execute(statement.sql)
        trigger_table = [o for o in read_unmanaged(db) if o.kind == "trigger"][0].depends_on[0][0]
        assert trigger_table == "movie"  # every server moves a trigger with its table
        if dialect == "mysql":
            assert [(c.operation, [o.name for o in c.objects]) for c in refused] == [(0, [VIEW])]
            with pytest.raises(Exception, match="1356|references invalid"):
                db.query(f"SELECT * FROM {QUOTED_VIEW[dialect]}")
        else:
            assert refused == []
            assert db.query(f"SELECT * FROM {QUOTED_VIEW[dialect]}") == [(1, "a@example.com")]


def test_what_the_server_does_with_a_trigger_naming_a_renamed_column(cast, dialect):
    """SQLite rewrites the trigger's body; PostgreSQL (a plpgsql function's body) and MariaDB do
    not: the trigger fails at its next run. The engine refuses the rename there."""
    from migrations_engine.operations import RenameColumn
    from migrations_engine.unmanaged import conflicts

    source = read_source(str(cast))
    rename = [RenameColumn("film", "last_update", "changed")]
    refused = conflicts(rename, source.schema, dialect, source.unmanaged)
    with connect(cast) as db:
        for statement in render(rename, source.schema, dialect):
            db.execute(statement.sql)
        if dialect == "sqlite":
            assert refused == []
            db.execute("UPDATE film SET title = 'Aliens' WHERE id = 1")
            assert db.query("SELECT changed FROM film") == [("touched",)]
        else:
            assert [o.name for c in refused for o in c.objects] == [TRIGGER]
            with pytest.raises(Exception, match="last_update"):
                db.execute("UPDATE film SET title = 'Aliens' WHERE id = 1")


# ---------------------------------------------------------------- the command line


def test_inspect_prints_the_note_on_stderr_and_the_snapshot_on_stdout(cast, dialect):
    result = run_cli("inspect", str(cast))
    assert result.returncode == 0, result.stderr
    assert [t["name"] for t in json.loads(result.stdout)["tables"]] == ["customer", "film", "note"]
    note = result.stderr.strip()
    assert note.startswith("note: not managed (kept as they are): ")
    assert '(on customer)' in note and 'view "active ""customers"" ü"' in note
    assert 'trigger "last_updated" on film' in note
    assert "Traceback" not in result.stderr


def test_diff_from_the_database_prints_the_note_and_refuses_in_one_line(cast, dialect):
    source = read_source(str(cast))
    before = objects_of(cast)
    result = _diff_cli(cast, without(source.schema, "customer", "email"), source.schema)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    note, error = result.stderr.strip().splitlines()
    assert note.startswith("note: not managed (kept as they are): ")
    assert error.startswith('error: refused: the engine does not manage view "active ""customers"" ü" ')
    assert "(Drop column “email” from table “customer” and its values) drops column customer.email" in error
    assert objects_of(cast) == before
    assert introspect(cast).table("customer").has_column("email")


def test_diff_down_checks_the_database_it_runs_on(cast, dialect, tmp_path):
    # --down runs on TO: the database TO is, with its view, must not lose the view's column.
    source = read_source(str(cast))
    path = tmp_path / "old.json"
    snapshot.dump(without(source.schema, "customer", "email"), path)
    refused = run_cli("diff", str(cast), str(path), "--down")
    assert refused.returncode == 0, refused.stderr  # the down script adds the column back
    up = run_cli("diff", str(path), str(cast))
    assert up.returncode == 0, up.stderr  # up runs on the snapshot's database: nothing known there
    down = run_cli("diff", str(path), str(cast), "--down")
    assert down.returncode == 1 and "drops column customer.email" in down.stderr, down.stderr
    assert "Traceback" not in down.stderr


# ---------------------------------------------------------------- the runner


def folder_with(path: Path, *schemas: Schema) -> MigrationFolder:
    folder = MigrationFolder(path)
    previous = Schema()
    migrations = []
    for number, schema in enumerate(schemas, start=1):
        migrations.append(Migration.create(number, f"step {number}", previous, schema, diff(previous, schema), DIALECTS))
        previous = schema
    folder.extend(migrations)
    return folder


def migrated(tmp_path: Path, url, dialect: str) -> MigrationFolder:
    """The tables made by migration 1, then the view and the trigger made by hand."""
    folder = folder_with(tmp_path / "migrations", TABLES)
    Runner(folder, url, FAST, io.StringIO()).migrate()
    with connect(url) as db:
        db.execute("INSERT INTO customer (id, email, active) VALUES (1, 'a@example.com', 1)")
        db.execute("INSERT INTO film (id, title) VALUES (1, 'Alien')")
        for sql in OBJECTS_SQL[dialect]:
            db.execute(sql)
    return folder


def state(url) -> tuple[object, ...]:
    with connect(url) as db:
        versions = [(r.version, r.success) for r in history_for(db).rows()]
        objects = read_unmanaged(db)
    return versions, objects, introspect(url)


@pytest.mark.parametrize("validate", [False, True])
def test_migrate_refuses_before_running_anything(db_url, dialect, tmp_path, validate):
    folder = migrated(tmp_path, db_url, dialect)
    folder.extend([Migration.create(2, "drop e-mails", TABLES, without(TABLES, "customer", "email"), diff(TABLES, without(TABLES, "customer", "email")), DIALECTS)])
    before = state(db_url)
    out = io.StringIO()
    with pytest.raises(UnmanagedConflict) as caught:
        Runner(folder, db_url, replace(FAST, validate=validate), out).migrate()
    assert str(caught.value).startswith('refused: the engine does not manage view "active ""customers"" ü" ')
    assert "migration 0002 drop e-mails, operation 1 (Drop column “email”" in str(caught.value)
    assert state(db_url) == before
    assert out.getvalue() == ""  # not even validated
    still_working(db_url, dialect)


def test_dry_runs_say_the_run_would_be_refused(db_url, dialect, tmp_path):
    folder = migrated(tmp_path, db_url, dialect)
    smaller = without(TABLES, "customer", "email")
    folder.extend([Migration.create(2, "drop e-mails", TABLES, smaller, diff(TABLES, smaller), DIALECTS)])
    before = state(db_url)
    migrate = Runner(folder, db_url, FAST, io.StringIO())
    migrate.migrate(dry_run=True)
    out = migrate.out.getvalue()
    first = out.splitlines()[0]
    assert first.startswith('-- the run would be refused: the engine does not manage view "active ""customers"" ü" ')
    assert "-- 0002 drop e-mails (up" in out
    rollback = Runner(folder, db_url, FAST, io.StringIO())
    rollback.rollback(0, dry_run=True)
    assert rollback.out.getvalue().startswith("-- the run would be refused: ")
    assert "rollback of migration 0001 step 1, operation" in rollback.out.getvalue().splitlines()[0]
    assert state(db_url) == before


def test_migrate_of_a_change_elsewhere_goes_through_and_keeps_them(db_url, dialect, tmp_path):
    folder = migrated(tmp_path, db_url, dialect)
    target = with_note_author(TABLES)
    folder.extend([Migration.create(2, "note authors", TABLES, target, diff(TABLES, target), DIALECTS)])
    before = objects_of(db_url)
    Runner(folder, db_url, FAST, io.StringIO()).migrate()
    assert introspect(db_url).table("note").has_column("author")
    assert objects_of(db_url) == before
    still_working(db_url, dialect)


def test_rollback_refuses_dropping_their_tables(db_url, dialect, tmp_path):
    folder = migrated(tmp_path, db_url, dialect)
    before = state(db_url)
    with pytest.raises(UnmanagedConflict) as caught:
        Runner(folder, db_url, FAST, io.StringIO()).rollback(0)
    message = str(caught.value)
    assert "rollback of migration 0001 step 1, operation" in message
    assert "drops table customer" in message and "drops table film" in message
    assert 'trigger "last_updated" on film' in message
    assert state(db_url) == before


def test_the_cli_migrate_refuses_in_one_line(db_url, dialect, tmp_path):
    folder = migrated(tmp_path, db_url, dialect)
    smaller = without(TABLES, "film", "last_update")
    folder.extend([Migration.create(2, "no updates", TABLES, smaller, diff(TABLES, smaller), DIALECTS)])
    before = state(db_url)
    result = run_cli("migrate", str(folder.path), str(db_url), "--no-validate")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert 'trigger "last_updated" on film depends' in result.stderr
    assert state(db_url) == before


def test_migrate_refuses_a_sqlite_rebuild_of_the_triggers_table(db_url, dialect, tmp_path):
    folder = migrated(tmp_path, db_url, dialect)
    film = TABLES.table("film")
    strict = TABLES.replace_table("film", film.replace_column("title", replace(film.column("title"), nullable=False)))
    folder.extend([Migration.create(2, "titles required", TABLES, strict, diff(TABLES, strict), DIALECTS)])
    before = state(db_url)
    run = Runner(folder, db_url, FAST, io.StringIO())
    if dialect == "sqlite":
        with pytest.raises(UnmanagedConflict, match=r'operation 1 \(Change column “title” of table “film”: make NOT NULL\) rebuilds table film'):
            run.migrate()
        assert state(db_url) == before
    else:  # altered in place: the trigger stays
        run.migrate()
        assert not introspect(db_url).table("film").column("title").nullable
        assert objects_of(db_url) == before[1]
    still_working(db_url, dialect)
