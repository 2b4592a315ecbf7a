"""One runner at a time: a second one waits, then runs after the first or fails with "locked by"."""

from __future__ import annotations

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
    holding = threading.Event()

    def hold_briefly() -> None:
        with lock_held(db_url):
            holding.set()
            time.sleep(0.6)

    holder = threading.Thread(target=hold_briefly)
    holder.start()
    holding.wait()
    started = time.monotonic()
    rows = runner(folder, db_url, lock_timeout=10)[0].migrate()
    holder.join()
    assert time.monotonic() - started >= 0.4
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
