"""Runs cut off at many points: the connection killed (PostgreSQL ``pg_terminate_backend``, MariaDB
``KILL``) or the process killed (SQLite). After each: history and schema agree, no row is lost, a
re-run completes, and a rollback brings back what the migration dropped.

The runner's ``after_statement`` hook makes the points deterministic: it runs after statement k,
before the runner records it (on MySQL the history is then one statement behind: the hardest case).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from migrations_engine.connection import connect
from migrations_engine.migrations.backups import run_script
from migrations_engine.migrations.errors import MigrationFailed, PartialMigration
from migrations_engine.migrations.folder import MigrationFolder
from migrations_engine.migrations.locks import lock_for
from migrations_engine.migrations.runner import Runner
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Column, Default, Index, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL
from tests.engine.roundtrip import insert_rows

from .conftest import EMAIL, FAST, ID, INTEGER, NICKNAME, runner, write_folder
from .test_backups import backup_names, values
from .test_runner import assert_schema, history

ROOT = Path(__file__).resolve().parents[3]
ORDER = Table(
    "order", (Column("id", INTEGER, nullable=False), Column("user id", INTEGER)), PrimaryKey(("id",)), id="order"
)
SCORE = Column("score", INTEGER, nullable=False, default=Default("0"))
TAG = Table("tag", (Column("id", INTEGER, nullable=False), Column("label", ColumnType.parse("varchar(20)"))), PrimaryKey(("id",)))
BEFORE = with_default_names(Schema((Table("user", (ID, EMAIL, NICKNAME), PrimaryKey(("id",)), id="user"), ORDER)))
# Drops a column (backed up first), adds one, a table, a unique constraint and an index.
AFTER = with_default_names(
    Schema(
        (
            Table("user", (ID, EMAIL, SCORE), PrimaryKey(("id",)), uniques=(Unique(("e-mail",)),), id="user"),
            Table("order", ORDER.columns, ORDER.primary_key, indexes=(Index(("user id",)),), id="order"),
            TAG,
        )
    )
)
ROWS = {
    "user": [
        {"id": 1, "e-mail": "ann@example.org", "nickname": "ann"},
        {"id": 2, "e-mail": "bob@example.org", "nickname": None},
        {"id": 3, "e-mail": "cy@example.org", "nickname": "cy"},
    ],
    "order": [{"id": 10, "user id": 1}, {"id": 11, "user id": 3}],
}
NICKNAMES = [(1, "ann"), (2, None), (3, "cy")]


@pytest.fixture
def at_version_1(tmp_path, db_url) -> MigrationFolder:
    folder = write_folder(tmp_path / "migrations", [BEFORE, AFTER], (db_url.dialect,))
    runner(folder, db_url)[0].migrate(to=1)
    insert_rows(db_url, ROWS)
    return folder


def total(folder: MigrationFolder, dialect: str) -> int:
    return len(run_script(folder.read()[1], dialect).up)


def kill_the_runner(url: DatabaseURL) -> None:
    """From another connection, end the connection holding the runner lock and wait until it is gone."""
    with connect(url) as db:
        lock = lock_for(db)
        if url.dialect == "postgresql":
            key = lock.key & 0xFFFFFFFFFFFFFFFF  # type: ignore[attr-defined]
            db.query(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid::bigint = %s AND objid::bigint = %s",
                [key >> 32, key & 0xFFFFFFFF],
            )
            return
        (holder,) = db.query("SELECT IS_USED_LOCK(%s)", [lock.name])[0]  # type: ignore[attr-defined]
        db.execute(f"KILL {int(holder)}")
        deadline = time.monotonic() + 5
        while db.query("SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = %s", [holder]):
            assert time.monotonic() < deadline, "the killed connection lingers"
            time.sleep(0.02)


def connections(url: DatabaseURL) -> int:
    query = {
        "postgresql": "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()",
        "mysql": "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE()",
    }[url.dialect]
    with connect(url) as db:
        return int(db.query(query)[0][0]) - 1


def killer(url: DatabaseURL, at: int) -> Callable[[int, int], None]:
    def after_statement(version: int, done: int) -> None:
        if version == 2 and done == at:
            kill_the_runner(url)

    return after_statement


def assert_at_version_1(url: DatabaseURL) -> None:
    assert [(v, ok) for v, ok, _ in history(url)] == [(1, True)]
    assert_schema(url, BEFORE)
    assert values(url, "user", ["id", "nickname"]) == NICKNAMES
    assert values(url, "order", ["id", "user id"]) == [(10, 1), (11, 3)]
    assert backup_names(url) == set()


def assert_at_version_2(url: DatabaseURL) -> None:
    assert [(v, ok) for v, ok, _ in history(url)] == [(1, True), (2, True)]
    assert_schema(url, AFTER)
    assert values(url, "user", ["id", "score"]) == [(1, 0), (2, 0), (3, 0)]
    assert values(url, "order", ["id", "user id"]) == [(10, 1), (11, 3)]


def points(count: int) -> list[int]:
    return sorted({1, 2, count // 2, count - 1, count})


@pytest.mark.parametrize("dialect", ["postgresql"])
def test_postgresql_connection_killed_mid_migration(at_version_1, db_url):
    for at in points(total(at_version_1, "postgresql")):
        cut = Runner(at_version_1, db_url, FAST, after_statement=killer(db_url, at))
        with pytest.raises(MigrationFailed, match="terminating connection|cut off"):
            cut.migrate()
        assert_at_version_1(db_url)  # one transaction: nothing of it happened
        runner(at_version_1, db_url)[0].migrate()
        assert_at_version_2(db_url)
        runner(at_version_1, db_url)[0].rollback(to=1)
        assert_at_version_1(db_url)


@pytest.mark.parametrize("dialect", ["mysql"])
def test_mysql_connection_killed_after_every_statement(at_version_1, db_url):
    count = total(at_version_1, "mysql")
    for at in range(1, count + 1):
        cut = Runner(at_version_1, db_url, FAST, after_statement=killer(db_url, at))
        with pytest.raises(MigrationFailed, match=r"^migration 0002 .* was cut off: .*run migrate --resume"):
            cut.migrate()
        assert history(db_url)[-1] == (2, False, at - 1)  # the last statement ran but is not recorded
        if at % 2:  # half the points continue the migration, the others undo its applied part
            runner(at_version_1, db_url)[0].migrate(resume=True)
            assert_at_version_2(db_url)
            runner(at_version_1, db_url)[0].rollback(to=1)
        else:
            runner(at_version_1, db_url)[0].rollback(to=1)
        assert_at_version_1(db_url)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_a_runner_waiting_while_the_other_is_killed(at_version_1, db_url):
    """Two runners at once: the one holding the lock is killed after statement 3; the other, waiting
    for the lock, then finds what the first left (PostgreSQL: nothing; MySQL: a partial migration)."""
    outcome: list[object] = []

    def second_runner() -> None:
        try:
            outcome.extend(r.version for r in runner(at_version_1, db_url, lock_timeout=20)[0].migrate())
        except Exception as exc:  # collected for the assertions below
            outcome.append(exc)

    second = threading.Thread(target=second_runner)

    def start_the_second_then_kill(version: int, done: int) -> None:
        if version == 2 and done == 3:
            second.start()
            deadline = time.monotonic() + 5
            while connections(db_url) < 2:  # the second runner is connected, waiting for the lock
                assert time.monotonic() < deadline
                time.sleep(0.02)
            kill_the_runner(db_url)

    with pytest.raises(MigrationFailed):
        Runner(at_version_1, db_url, FAST, after_statement=start_the_second_then_kill).migrate()
    second.join(timeout=30)
    if db_url.dialect == "postgresql":
        assert outcome == [2]
    else:
        (refused,) = outcome
        assert isinstance(refused, PartialMigration)
        assert str(refused).startswith("migration 0002 add orders stopped after statement 3 of 7 (interrupted)")
        runner(at_version_1, db_url)[0].migrate(resume=True)
    assert_at_version_2(db_url)
    runner(at_version_1, db_url)[0].rollback(to=1)
    assert_at_version_1(db_url)


CHILD = """
import sys, time
from migrations_engine.migrations.appliers import RunOptions
from migrations_engine.migrations.runner import Runner

folder, url, at = sys.argv[1], sys.argv[2], int(sys.argv[3])

def after_statement(version, done):
    if version == 2 and done == at:
        print("stopping", flush=True)
        time.sleep(60)

Runner(folder, url, RunOptions(validate=False), after_statement=after_statement).migrate()
"""


def kill_runner_process(folder: MigrationFolder, url: DatabaseURL, at: int) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder.path), str(url), str(at)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        assert line == "stopping\n", child.stderr.read()  # type: ignore[union-attr]
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_sqlite_runner_process_killed_mid_migration(at_version_1, db_url):
    count = total(at_version_1, "sqlite")
    for at in (2, count):
        kill_runner_process(at_version_1, db_url, at)
        assert_at_version_1(db_url)  # the journal rolled the open transaction back
        runner(at_version_1, db_url)[0].migrate()
        assert_at_version_2(db_url)
        runner(at_version_1, db_url)[0].rollback(to=1)
        assert_at_version_1(db_url)


def wait_until_blocked(url: DatabaseURL) -> None:
    """Until a connection of the database waits for a lock (the runner's statement)."""
    query = {
        "postgresql": "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        "mysql": "SELECT 1 FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND STATE LIKE 'Waiting for table metadata lock%'",
    }[url.dialect]
    deadline = time.monotonic() + 10
    with connect(url) as db:
        while not db.query(query):
            assert time.monotonic() < deadline, "the runner never waited for the lock"
            time.sleep(0.02)


def cut_off_while_blocked(url: DatabaseURL, run: Callable[[], object], hold: float = 0.0) -> BaseException | None:
    """Start ``run`` in a thread, wait until it waits for a lock (and ``hold`` seconds more), end
    its connection; what it raised."""
    outcome: list[BaseException] = []

    def cut_run() -> None:
        try:
            run()
        except BaseException as exc:  # handed to the caller
            outcome.append(exc)

    thread = threading.Thread(target=cut_run)
    thread.start()
    wait_until_blocked(url)
    time.sleep(hold)
    kill_the_runner(url)
    thread.join(timeout=30)
    return outcome[0] if outcome else None


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_a_run_cut_off_while_its_statements_are_at_the_server(at_version_1, db_url):
    """Without the test hook the runner sends a migration (PostgreSQL) or a statement with its
    record (MySQL) in one round trip: killed while the server works on it, nothing is half recorded."""
    from .test_failures import hold_table_lock

    blocker = connect(db_url)
    try:
        hold_table_lock(blocker, db_url.dialect)
        failure = cut_off_while_blocked(db_url, runner(at_version_1, db_url, ddl_lock_timeout=30)[0].migrate)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert isinstance(failure, MigrationFailed) and "cut off" in str(failure)
    if db_url.dialect == "postgresql":
        assert_at_version_1(db_url)  # the migration's transaction died with the connection
        runner(at_version_1, db_url)[0].migrate()
    else:
        (version, success, applied) = history(db_url)[-1]
        assert (version, success) == (2, False)
        assert applied < total(at_version_1, "mysql")
        runner(at_version_1, db_url)[0].migrate(resume=True)
    assert_at_version_2(db_url)
    runner(at_version_1, db_url)[0].rollback(to=1)
    assert_at_version_1(db_url)
