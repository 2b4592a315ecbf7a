"""One runner at a time: a second one waits, then runs after the first or fails with "locked by"."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from migrations_engine.connection import connect
from migrations_engine.migrations.errors import RunnerLocked
from migrations_engine.migrations.locks import lock_for
from migrations_engine.urls import DatabaseURL

from .conftest import runner, version_3
from .test_runner import assert_schema, history


@contextmanager
def lock_held(url: DatabaseURL) -> Iterator[None]:
    """Another runner's lock (SQLite: another writer's transaction)."""
    db = connect(url)
    try:
        if url.dialect == "sqlite":
            db.execute("BEGIN IMMEDIATE")
            yield
            db.execute("ROLLBACK")
        else:
            with lock_for(db, timeout=1):
                yield
    finally:
        db.close()


def test_a_second_runner_fails_with_locked_by_after_the_timeout(folder, db_url):
    with lock_held(db_url):
        started = time.monotonic()
        with pytest.raises(RunnerLocked) as caught:
            runner(folder, db_url, lock_timeout=0.5)[0].migrate()
        waited = time.monotonic() - started
    message = str(caught.value)
    assert message.startswith("database is locked by another migration runner")
    assert message.endswith("waited 0.5 s")
    assert waited >= 0.45
    holder = {"postgresql": "(pid ", "mysql": "(connection ", "sqlite": "or writer (SQLite cannot tell which)"}
    assert holder[db_url.dialect] in message
    assert history(db_url) == []


def test_a_second_runner_waits_for_the_first_then_runs(folder, db_url):
    # What is measured is the waiter's own first statement against the moment the holder let go:
    # the holder's sleep alone must not make the test pass.
    holding = threading.Event()
    released: list[float] = []
    statements: list[float] = []

    def hold_briefly() -> None:
        with lock_held(db_url):
            holding.set()
            time.sleep(0.6)
            released.append(time.monotonic())

    holder = threading.Thread(target=hold_briefly)
    holder.start()
    holding.wait()
    waiter, _ = runner(folder, db_url, lock_timeout=10)
    waiter.after_statement = lambda version, done: statements.append(time.monotonic())
    rows = waiter.migrate()
    holder.join()
    assert statements, "the waiter ran no statement"
    assert statements[0] >= released[0]
    assert [r.version for r in rows] == [1, 2, 3]


def test_concurrent_runners_apply_each_migration_once(folder, db_url):
    start = threading.Barrier(2)
    applied: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            applied.extend(r.version for r in runner(folder, db_url, lock_timeout=20)[0].migrate())
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(applied) == [1, 2, 3]
    assert [(v, ok) for v, ok, _ in history(db_url)] == [(1, True), (2, True), (3, True)]
    assert_schema(db_url, version_3())


def test_a_runner_started_during_another_waits_before_reading_then_finds_all_applied(folder, db_url):
    # The second runner validates (as `migrate` does by default): before the lock was taken first,
    # on SQLite it read the history and copied the schema while the first was rebuilding a table.
    midway = threading.Event()
    first_done: list[float] = []
    errors: list[BaseException] = []

    def slow(version: int, done: int) -> None:
        if version == 3 and not midway.is_set():
            midway.set()
            time.sleep(0.5)

    def first() -> None:
        try:
            one, _ = runner(folder, db_url, lock_timeout=20)
            one.after_statement = slow
            one.migrate()
            first_done.append(time.monotonic())
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)
            midway.set()

    thread = threading.Thread(target=first)
    thread.start()
    assert midway.wait(20)
    second, out = runner(folder, db_url, lock_timeout=20, validate=True)
    rows = second.migrate()
    second_done = time.monotonic()
    thread.join()
    assert errors == []
    assert rows == []
    assert out.getvalue() == "nothing to migrate: the database is at version 0003\n"
    assert first_done[0] <= second_done
    assert [(v, ok) for v, ok, _ in history(db_url)] == [(1, True), (2, True), (3, True)]
    assert_schema(db_url, version_3())


def test_a_sqlite_runner_locked_out_by_another_runner_names_its_pid(folder, sqlite_url):
    db = connect(sqlite_url)
    try:
        with lock_for(db, timeout=1):
            with pytest.raises(RunnerLocked) as caught:
                runner(folder, sqlite_url, lock_timeout=0.2)[0].migrate()
    finally:
        db.close()
    assert str(caught.value) == f"database is locked by another migration runner (pid {os.getpid()}); waited 0.2 s"
    assert history(sqlite_url) == []
