"""migrate, rollback, status, baseline and dry runs on the real servers, each dialect in turn."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrations_engine.compare import differences
from migrations_engine.connection import connect
from migrations_engine.dialects import get_dialect
from migrations_engine.introspect import introspect
from migrations_engine.migrations.errors import HistoryMismatch, MigrationError
from migrations_engine.migrations.history import (
    BACKUPS_TABLE,
    TABLE,
    history_for,
    without_runner_tables,
)
from migrations_engine.migrations.status import read_status
from migrations_engine.schema import Schema
from tests.engine.roundtrip import count_rows, create_schema, insert_rows, run

from .conftest import runner, version_1, version_2, version_3, write_folder


def live(url) -> Schema:
    return without_runner_tables(introspect(url))


def assert_schema(url, expected: Schema) -> None:
    assert differences(expected, live(url)) == []


def history(url) -> list[tuple[int, bool, int]]:
    with connect(url) as db:
        return [(r.version, r.success, r.statements_applied) for r in history_for(db).rows()]


def test_migrate_applies_in_order_and_records_history(folder, db_url):
    migrate, out = runner(folder, db_url, validate=True)
    rows = migrate.migrate()
    assert [r.version for r in rows] == [1, 2, 3]
    assert out.getvalue().splitlines()[0] == "validated 0001 to 0003 on a scratch copy: up, down, up again"
    assert out.getvalue().splitlines()[1].startswith("applied 0001 create users (")
    assert_schema(db_url, version_3())
    with connect(db_url) as db:
        stored = history_for(db).rows()
    first = stored[0]
    assert (first.name, first.success, first.kind) == ("create users", True, "migrate")
    assert first.statements_applied == first.statements_total == len(folder.read()[0].script(db_url.dialect).up)
    assert first.checksum == folder.read()[0].checksum
    assert first.applied_by and first.duration_ms >= 0 and first.error is None


def test_migrate_again_is_a_no_op(folder, db_url):
    runner(folder, db_url)[0].migrate()
    again, out = runner(folder, db_url)
    assert again.migrate() == []
    assert out.getvalue() == "nothing to migrate: the database is at version 0003\n"


def test_migrate_to_stops_at_a_version(folder, db_url):
    migrate = runner(folder, db_url)[0]
    migrate.migrate(to=1)
    assert history(db_url) == [(1, True, 1)]
    assert_schema(db_url, version_1())
    migrate.migrate(to=2)
    assert [v for v, _, _ in history(db_url)] == [1, 2]
    with pytest.raises(MigrationError, match=r"the database is at version 0002, past --to 1: use rollback"):
        migrate.migrate(to=1)


def test_dry_run_prints_the_statements_and_changes_nothing(folder, db_url):
    dry, out = runner(folder, db_url)
    dry.migrate(dry_run=True)
    text = out.getvalue()
    migrations = folder.read()
    assert text.startswith(f"-- 0001 create users (up, {db_url.dialect}, ")
    position = 0
    for migration in migrations:
        for statement in migration.script(db_url.dialect).up:
            found = text.index(statement.sql + ";", position)
            position = found
    if db_url.dialect == "sqlite":
        assert not Path(db_url.database).exists()
    else:
        assert introspect(db_url).tables == ()  # not even the history table


def test_dry_run_after_some_versions_prints_only_the_rest(folder, db_url):
    runner(folder, db_url)[0].migrate(to=2)
    dry, out = runner(folder, db_url)
    dry.migrate(dry_run=True)
    assert "-- 0001" not in out.getvalue() and "-- 0002" not in out.getvalue()
    assert out.getvalue().startswith("-- 0003 unique e-mails (up")
    assert [v for v, _, _ in history(db_url)] == [1, 2]


def test_rollback_undoes_newer_versions_newest_first(folder, db_url):
    migrate, out = runner(folder, db_url)
    migrate.migrate()
    insert_rows(db_url, {"user": [{"id": 1, "e-mail": "a@example.org"}], "order": [{"id": 7, "user id": 1}]})
    undone = migrate.rollback(to=1)
    assert [m.version for m in undone] == [3, 2]
    assert out.getvalue().endswith(
        "rolled back 0003 unique e-mails, restoring the data saved in engine_backup_0003_1\nrolled back 0002 add orders\n"
    )
    assert history(db_url) == [(1, True, 1)]
    assert_schema(db_url, version_1())
    assert count_rows(db_url, "user") == 1
    migrate.rollback(to=0)
    assert history(db_url) == []
    assert [t.name for t in introspect(db_url).tables] == [BACKUPS_TABLE, TABLE]  # the backups restored and dropped


def test_rollback_dry_run_prints_down_statements_only(folder, db_url):
    migrate, out = runner(folder, db_url)
    migrate.migrate()
    out.truncate(0)
    out.seek(0)
    migrate.rollback(to=2, dry_run=True)
    down = folder.read()[2].script(db_url.dialect).down
    assert out.getvalue().startswith(f"-- 0003 unique e-mails (down, {db_url.dialect})\n")
    assert all(s.sql + ";" in out.getvalue() for s in down)
    assert [v for v, _, _ in history(db_url)] == [1, 2, 3]


def test_status_shows_versions_destructive_pending_and_drift(folder, db_url):
    runner(folder, db_url)[0].migrate(to=2)
    text = read_status(folder, db_url).text()
    assert "  0001 create users" in text and " applied " in text
    assert re.search(r"\n  0003 unique e-mails +pending\n", text)
    assert "      destructive: Drop column “nickname” from table “user” and its values" in text
    assert "applied: 2, pending: 1" in text
    assert "drift: none (the database matches the schema of 0002 add orders)" in text

    q = get_dialect(db_url.dialect).quote
    run(db_url, [f"ALTER TABLE {q('user')} ADD COLUMN {q('extra')} INTEGER"])
    status = read_status(folder, db_url)
    assert status.drift == ["Add column “extra” (integer) to table “user”"]
    assert "drift: the database differs from the schema of 0002 add orders; changed outside migrations:\n  - Add column “extra”" in status.text()


def test_baseline_records_versions_without_running_them(folder, db_url):
    create_schema(db_url, version_2())
    baseline, out = runner(folder, db_url)
    rows = baseline.baseline(2)
    assert [(r.version, r.kind, r.statements_applied) for r in rows] == [(1, "baseline", 0), (2, "baseline", 0)]
    assert "warning" not in out.getvalue()
    assert re.search(r"0002 add orders +baseline ", read_status(folder, db_url).text())
    applied = baseline.migrate()
    assert [r.version for r in applied] == [3]
    assert_schema(db_url, version_3())
    with pytest.raises(MigrationError, match="baseline refused: the database has a migration history already"):
        baseline.baseline(1)


def test_baseline_warns_when_the_database_is_not_that_version(folder, db_url):
    create_schema(db_url, version_1())
    baseline, out = runner(folder, db_url)
    baseline.baseline(2)
    assert "warning: the database differs from the schema of 0002 add orders" in out.getvalue()


def test_a_changed_applied_migration_is_refused(folder, db_url):
    runner(folder, db_url)[0].migrate(to=1)
    q = get_dialect(db_url.dialect).quote
    run(db_url, [f"UPDATE {q(TABLE)} SET {q('checksum')} = 'sha256:0'"])
    with pytest.raises(HistoryMismatch, match="migration 0001 create users was changed after it was applied"):
        runner(folder, db_url)[0].migrate()
    assert read_status(folder, db_url).entries[0].state == "changed"


def test_a_migration_without_sql_for_the_database_is_refused_before_anything_runs(tmp_path, sqlite_url):
    folder = write_folder(tmp_path / "other", [version_1(), version_2()], ("postgresql",))
    with pytest.raises(MigrationError, match="^migration 0001 create users has no SQL for sqlite .*--dialect sqlite\\)$"):
        runner(folder, sqlite_url)[0].migrate()
    assert history(sqlite_url) == []


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_statements_ending_in_a_line_comment_are_sent_together_safely(tmp_path, db_url):
    """A migration's statements travel with the history writes in one round trip: a statement
    ending in a ``--`` comment must not swallow the next one."""
    from .conftest import craft, scripts

    folder = write_folder(tmp_path / "migrations", [version_1()], (db_url.dialect,))
    runner(folder, db_url)[0].migrate()
    up, down = scripts(version_1(), version_2(), db_url.dialect)
    craft(folder, "add orders", version_2(), db_url.dialect, [f"{sql} -- reviewed" for sql in up], down)
    runner(folder, db_url)[0].migrate()
    assert history(db_url) == [(1, True, 1), (2, True, len(up))]
    assert_schema(db_url, version_2())
