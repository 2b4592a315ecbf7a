"""PostgreSQL: several migrations in one round trip, each still its own transaction and row."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrations_engine.connection import Database, connect
from migrations_engine.diff import diff
from migrations_engine.migrations.appliers import PostgreSQLApplier
from migrations_engine.migrations.errors import MigrationFailed
from migrations_engine.migrations.folder import MigrationFolder
from migrations_engine.migrations.history import history_for
from migrations_engine.migrations.model import Migration
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Column, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL

from .conftest import runner
from .test_interruptions import cut_off_while_blocked

INTEGER = ColumnType.parse("integer")
COUNT = 12
#: The migration that alters ``base`` (the others create a table each).
ALTERS_BASE = 6


def _table(name: str, *extra: Column) -> Table:
    return Table(name, (Column("id", INTEGER, nullable=False, id=f"{name}.id"), *extra), PrimaryKey(("id",)), id=name)


def history_folder(path: Path) -> MigrationFolder:
    """Migration 1 creates ``base``; migration ``ALTERS_BASE`` adds a column to it; every other
    one creates a table ``tNN``."""
    folder = MigrationFolder(path)
    previous, migrations = Schema(), []
    for version in range(1, COUNT + 1):
        if version == 1:
            schema = previous.with_table(_table("base"))
        elif version == ALTERS_BASE:
            schema = previous.replace_table("base", _table("base", Column("note", INTEGER, id="base.note")))
        else:
            schema = previous.with_table(_table(f"t{version:02d}"))
        schema = with_default_names(schema)
        migrations.append(Migration.create(version, f"step {version}", previous, schema, diff(previous, schema), ("postgresql",)))
        previous = schema
    folder.extend(migrations)
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> MigrationFolder:
    return history_folder(tmp_path / "migrations")


@pytest.fixture
def batches(monkeypatch) -> list[int]:
    """Batches span everything after the first migration; the number of statements of each round trip."""
    monkeypatch.setattr(PostgreSQLApplier, "BATCH_SECONDS", 60.0)
    sent: list[int] = []
    original = Database.execute_together

    def counted(self: Database, statements):
        sent.append(len(statements))
        return original(self, statements)

    monkeypatch.setattr(Database, "execute_together", counted)
    return sent


def rows(url: DatabaseURL):
    with connect(url) as db:
        return history_for(db).rows()


def test_a_long_history_goes_in_two_round_trips(folder, pg_url, batches):
    migrate, out = runner(folder, pg_url)
    applied = migrate.migrate()

    assert len(batches) == 2  # the first migration alone (it times the statements), then the rest
    assert [row.version for row in applied] == list(range(1, COUNT + 1))
    assert sum(line.startswith("applied ") for line in out.getvalue().splitlines()) == COUNT
    stored = rows(pg_url)
    assert [(r.version, r.success) for r in stored] == [(v, True) for v in range(1, COUNT + 1)]
    assert [r.applied_at for r in stored] == sorted(r.applied_at for r in stored)
    assert len({r.applied_at for r in stored}) == COUNT  # each migration's own start, not the batch's
    assert [(r.applied_at, r.duration_ms) for r in stored] == [(r.applied_at, r.duration_ms) for r in applied]


def test_a_failure_inside_a_batch_keeps_the_migrations_before_it(folder, pg_url, batches):
    with connect(pg_url) as db:
        db.execute('CREATE TABLE "t05" (x integer)')  # migration 5 will find its table taken
    migrate, out = runner(folder, pg_url)

    with pytest.raises(MigrationFailed, match=r"migration 0005 step 5 failed at statement 1 of 1: .*already exists"):
        migrate.migrate()

    stored = rows(pg_url)
    assert [(r.version, r.success) for r in stored] == [(1, True), (2, True), (3, True), (4, True), (5, False)]
    assert stored[-1].failed_statement.startswith('CREATE TABLE "t05"')
    assert [line.split()[1] for line in out.getvalue().splitlines()] == ["0001", "0002", "0003", "0004"]
    with connect(pg_url) as db:
        db.execute('DROP TABLE "t05"')
    runner(folder, pg_url)[0].migrate()
    assert all(r.success for r in rows(pg_url)) and len(rows(pg_url)) == COUNT


def test_a_batch_cut_off_by_a_lost_connection_leaves_each_migration_whole(folder, pg_url, batches):
    runner(folder, pg_url)[0].migrate(to=1)
    blocker = connect(pg_url, autocommit=False)
    try:
        blocker.query('SELECT * FROM "base"')  # holds a lock the ALTER of migration 6 waits for
        migrate, out = runner(folder, pg_url, ddl_lock_timeout=30)
        migrate.watch_every = 0.05
        failure = cut_off_while_blocked(pg_url, migrate.migrate, hold=0.3)
    finally:
        blocker.raw.rollback()
        blocker.close()

    assert isinstance(failure, MigrationFailed)
    assert f"cut off while migrations 0003 to {COUNT:04d} were sent together" in str(failure)
    assert [r.version for r in rows(pg_url)] == [1, 2, 3, 4, 5]  # 2 alone, then 3-5 before the wait
    assert f"applying 0003 to {COUNT:04d} (sent together): still running after" in out.getvalue()
    with connect(pg_url) as db:
        assert not db.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'base' AND column_name = 'note'")
    runner(folder, pg_url)[0].migrate()
    assert [r.version for r in rows(pg_url)] == list(range(1, COUNT + 1))
