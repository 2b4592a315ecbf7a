"""A statement failing mid-migration: nothing applied where DDL is transactional; on MySQL a
partial row, then ``--resume`` or ``rollback``, history and schema agreeing at every step."""

from __future__ import annotations

import pytest

from migrations_engine import snapshot
from migrations_engine.connection import connect
from migrations_engine.dialects import get_dialect
from migrations_engine.migrations.backups import run_script
from migrations_engine.migrations.errors import MigrationFailed, PartialMigration
from migrations_engine.migrations.history import history_for
from migrations_engine.migrations.model import Migration, Script
from migrations_engine.migrations.status import read_status
from migrations_engine.naming import with_default_names
from migrations_engine.operations import AddColumn, operations_to_data
from migrations_engine.render import Statement
from migrations_engine.schema import Column, Default, PrimaryKey, Schema, Table
from tests.engine.roundtrip import insert_rows, run

from .conftest import EMAIL, ID, INTEGER, runner, version_1, version_2, version_3, write_folder
from .test_runner import assert_schema, history

DUPLICATES = {
    "user": [
        {"id": 1, "e-mail": "same@example.org", "nickname": "one"},
        {"id": 2, "e-mail": "same@example.org", "nickname": "two"},
    ]
}


def remove_duplicate(url) -> None:
    q = get_dialect(url.dialect).quote
    run(url, [f"DELETE FROM {q('user')} WHERE {q('id')} = 2"])


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])  # MySQL: the partial tests below
def test_a_failure_leaves_nothing_applied_where_ddl_is_transactional(folder, db_url):
    migrate = runner(folder, db_url)[0]
    migrate.migrate(to=2)
    insert_rows(db_url, DUPLICATES)
    total = len(run_script(folder.read()[2], db_url.dialect).up)  # with the backup of "nickname"
    with pytest.raises(MigrationFailed, match=rf"^migration 0003 unique e-mails failed at statement \d+ of {total}: .+; nothing was applied \(the transaction was rolled back\)$"):
        migrate.migrate()
    assert_schema(db_url, version_2())  # the dropped column is still there
    with connect(db_url) as db:
        failed = history_for(db).get(3)
    assert failed is not None
    assert (failed.success, failed.statements_applied, failed.statements_total) == (False, 0, total)
    assert failed.failed_statement and failed.error
    status = read_status(folder, db_url)
    assert status.entries[2].state == "failed" and status.drift == []

    remove_duplicate(db_url)
    assert [r.version for r in migrate.migrate()] == [3]
    assert history(db_url)[-1] == (3, True, total)
    assert_schema(db_url, version_3())


def fail_on_mysql(folder, url):
    migrate = runner(folder, url)[0]
    migrate.migrate(to=2)
    insert_rows(url, DUPLICATES)
    # Statements 1-2 save "nickname" (dropped by statement 3), statement 4 adds the unique constraint.
    with pytest.raises(MigrationFailed, match=r"failed at statement 4 of 4: .*Duplicate entry.*; statements 1-3 were applied and recorded \(fix the cause and run migrate --resume, or rollback --to 2\)$"):
        migrate.migrate()
    assert history(url)[-1] == (3, False, 3)
    return migrate


def test_mysql_failure_leaves_a_partial_row_and_resume_finishes_it(folder, mysql_url):
    migrate = fail_on_mysql(folder, mysql_url)
    with pytest.raises(PartialMigration, match=r"^migration 0003 unique e-mails stopped after statement 3 of 4 \(.*Duplicate entry.*\): run migrate --resume to continue it or rollback --to 2 to undo its applied part$"):
        migrate.migrate()
    status = read_status(folder, mysql_url)
    assert status.entries[2].state == "partial" and status.drift is None

    remove_duplicate(mysql_url)
    resumed, out = runner(folder, mysql_url, validate=True)  # the copy starts half-way too
    assert [r.version for r in resumed.migrate(resume=True)] == [3]
    assert out.getvalue().startswith("validated 0003 on a scratch copy: up, down, up again\n")
    assert history(mysql_url)[-1] == (3, True, 4)
    assert_schema(mysql_url, version_3())


def test_mysql_rollback_undoes_the_applied_part(folder, mysql_url):
    migrate = fail_on_mysql(folder, mysql_url)
    assert [m.version for m in migrate.rollback(to=2)] == [3]
    assert [(v, ok) for v, ok, _ in history(mysql_url)] == [(1, True), (2, True)]
    assert_schema(mysql_url, version_2())
    with connect(mysql_url) as db:  # the dropped column is back with its values, from the backup
        assert db.query("SELECT `id`, `nickname` FROM `user` ORDER BY `id`") == [(1, "one"), (2, "two")]
        assert db.query("SHOW TABLES LIKE 'engine\\_backup\\_%'") == []


def test_mysql_resume_dry_run_prints_the_rest(folder, mysql_url):
    fail_on_mysql(folder, mysql_url)
    dry, out = runner(folder, mysql_url)
    dry.migrate(dry_run=True, resume=True)
    up = folder.read()[2].script("mysql").up
    assert out.getvalue().startswith("-- 0003 unique e-mails (up, mysql, statement by statement, resuming after statement 3)")
    assert up[1].sql in out.getvalue() and up[0].sql not in out.getvalue()


def test_mysql_rollback_undoes_an_operation_stopped_half_way(tmp_path, mysql_url):
    """An operation of two statements fails at its second: rollback finds its leftovers by introspection."""
    q = get_dialect("mysql").quote
    score = Column("score", INTEGER, nullable=False, default=Default("0"), id="user.score")
    before = version_1()
    after = with_default_names(Schema((Table("user", (ID, EMAIL, score), PrimaryKey(("id",)), id="user"),)))
    half_way = Migration(
        version=2,
        name="add score",
        from_hash=snapshot.content_hash(before),
        to_hash=snapshot.content_hash(after),
        scripts={
            "mysql": Script(
                up=(
                    Statement(f"ALTER TABLE {q('user')} ADD COLUMN {q('score')} int NOT NULL DEFAULT 0", 0),
                    Statement(f"ALTER TABLE {q('user')} ADD COLUMN {q('broken')} no_such_type", 0),
                ),
                down=(Statement(f"ALTER TABLE {q('user')} DROP COLUMN {q('score')}", 0),),
            )
        },
        operations_data=tuple(operations_to_data([AddColumn("user", score)])),
        schema_json=snapshot.dumps(after),
    )
    folder = write_folder(tmp_path / "m", [before], ("mysql",))
    folder.write(half_way)
    migrate = runner(folder, mysql_url, validate=False)[0]  # validation would refuse the broken statement
    with pytest.raises(MigrationFailed, match="failed at statement 2 of 2"):
        migrate.migrate()
    assert history(mysql_url)[-1] == (2, False, 1)
    migrate.rollback(to=1)
    assert [v for v, _, _ in history(mysql_url)] == [1]
    assert_schema(mysql_url, before)


def hold_table_lock(db, dialect: str) -> None:
    q = get_dialect(dialect).quote
    if dialect == "postgresql":
        db.execute("BEGIN")
        db.execute(f"LOCK TABLE {q('user')} IN ACCESS EXCLUSIVE MODE")
    else:  # an open transaction that read the table holds a metadata lock ALTER TABLE must wait for
        db.execute("START TRANSACTION")
        db.query(f"SELECT * FROM {q('user')}")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_a_statement_waiting_too_long_for_a_table_lock_is_retried_then_fails(folder, db_url):
    runner(folder, db_url)[0].migrate(to=1)
    blocker = connect(db_url)
    try:
        hold_table_lock(blocker, db_url.dialect)
        impatient = runner(folder, db_url, ddl_lock_timeout=0.2, retries=1)[0]
        with pytest.raises(MigrationFailed, match=r"failed at statement \d+ of \d+: .*(lock timeout|Lock wait timeout).* \(gave up after 2 attempts\)"):
            impatient.migrate(to=2)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert history(db_url)[-1][:2] == (2, False)
    runner(folder, db_url)[0].migrate(to=2, resume=True)
    assert_schema(db_url, version_2())


def test_a_lock_released_during_the_retries_lets_the_migration_through(folder, pg_url):
    import threading

    runner(folder, pg_url)[0].migrate(to=1)
    blocker = connect(pg_url)
    hold_table_lock(blocker, "postgresql")
    release = threading.Timer(0.4, lambda: blocker.execute("ROLLBACK"))
    release.start()
    try:
        rows = runner(folder, pg_url, ddl_lock_timeout=0.2, retries=3, retry_pause=0.2)[0].migrate(to=2)
    finally:
        release.join()
        blocker.close()
    assert [r.version for r in rows] == [2]


def test_a_statement_running_past_the_statement_timeout_fails_the_migration(tmp_path, pg_url):
    """``--statement-timeout`` holds inside the one-round-trip batch and in the statement-by-statement
    run that then names the statement."""
    from .conftest import craft, scripts

    folder = write_folder(tmp_path / "migrations", [version_1()], ("postgresql",))
    runner(folder, pg_url)[0].migrate()
    up, down = scripts(version_1(), version_2(), "postgresql")
    craft(folder, "add orders", version_2(), "postgresql", [*up, "SELECT pg_sleep(2)"], down)
    impatient = runner(folder, pg_url, statement_timeout=0.2, validate=False)[0]
    with pytest.raises(MigrationFailed, match=rf"failed at statement {len(up) + 1} of {len(up) + 1}: canceling statement due to statement timeout"):
        impatient.migrate()
    assert history(pg_url)[-1][:2] == (2, False)
    assert_schema(pg_url, version_1())


ORPHAN = 'INSERT INTO "order" ("id", "user id") VALUES (1, 999)'


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        # A rebuild turns foreign keys off: the check before COMMIT finds the orphan.
        (["PRAGMA foreign_keys = OFF", ORPHAN, "PRAGMA foreign_keys = ON"], r"row 1 of 'order' has no parent in 'user'"),
        # Any other migration runs with them on: SQLite refuses the statement itself.
        ([ORPHAN], r"failed at statement \d+ of \d+: FOREIGN KEY constraint failed"),
    ],
)
def test_sqlite_foreign_keys_hold_with_and_without_a_rebuild(tmp_path, sqlite_url, statements, message):
    from .conftest import craft

    folder = write_folder(tmp_path / "migrations", [version_1(), version_2()], ("sqlite",))
    runner(folder, sqlite_url)[0].migrate()
    craft(folder, "orphan", version_3(), "sqlite", statements, ['DELETE FROM "order"'])

    with pytest.raises(MigrationFailed, match=message):
        runner(folder, sqlite_url)[0].migrate()

    assert [v for v, success, _ in history(sqlite_url) if success] == [1, 2]
    with connect(sqlite_url) as db:
        assert db.query('SELECT COUNT(*) FROM "order"') == [(0,)]


@pytest.fixture
def lenient_mysql_server(mysql_url):
    """The server's default sql_mode without strictness, as older or hand-configured servers run."""
    with connect(mysql_url) as db:
        (mode,) = db.query("SELECT @@GLOBAL.sql_mode")[0]
        db.execute("SET GLOBAL sql_mode = 'NO_ENGINE_SUBSTITUTION'")
        try:
            yield mysql_url
        finally:
            db.execute("SET GLOBAL sql_mode = %s", [mode])


def test_mysql_runs_strict_so_a_lost_enum_value_fails_instead_of_blanking_rows(tmp_path, lenient_mysql_server):
    from migrations_engine.schema import Enum
    from migrations_engine.types import ColumnType

    url = lenient_mysql_server

    def schema(values: tuple[str, ...]) -> Schema:
        state = Column("state", ColumnType.parse("enum(state)"), id="t.state")
        return with_default_names(Schema((Table("t", (ID, state), PrimaryKey(("id",)), id="t"),), (Enum("state", values, id="e"),)))

    folder = write_folder(tmp_path / "migrations", [schema(("open", "closed")), schema(("open",))], ("mysql",))
    runner(folder, url)[0].migrate(to=1)
    run(url, ["INSERT INTO `t` (`id`, `state`) VALUES (1, 'closed')"])

    with pytest.raises(MigrationFailed, match=r"Data truncated for column 'state'"):
        runner(folder, url)[0].migrate()

    with connect(url) as db:
        assert db.query("SELECT `state` FROM `t`") == [("closed",)]
