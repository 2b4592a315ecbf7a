"""One migration runner at a time per database.

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) polled until the timeout;
  the key is derived from a fixed string, and advisory locks are per database.
- MySQL/MariaDB: ``GET_LOCK(name, timeout)``; lock names are server-wide, so the name holds the
  database's.
- SQLite: the database has no session lock, so runners lock a file beside it
  (``<database>-migrations.lock``, ``flock``, polled until the timeout; it holds the holder's
  pid) for the whole session: a second runner waits before reading the history or copying the
  schema for validation. Other writers do not take that lock: every migration's transaction also
  starts with ``BEGIN IMMEDIATE``, which waits up to the busy timeout, and the runner re-reads the
  history inside it. ``SQLiteLock`` sets the busy timeout and turns "database is locked" into
  ``RunnerLocked``.

A runner that cannot get the lock in time fails with "database is locked by another migration
runner (…)", naming the holder where the database can tell.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from types import TracebackType
from typing import ClassVar

from ..connection import Database
from .errors import RunnerLocked

try:
    import fcntl
except ImportError:  # Windows: no flock; SQLite's own write lock alone keeps runners apart there
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "migrations_engine runner"
DEFAULT_TIMEOUT_SECONDS = 30.0


class RunnerLock:
    """The migration lock of one database, held by one connection."""

    def __init__(self, db: Database, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.db = db
        self.timeout = timeout
        self.held = False

    def acquire(self) -> None:
        """Wait up to ``timeout`` seconds for the lock; ``RunnerLocked`` if it stays taken. Mandatory."""
        raise NotImplementedError

    def release(self) -> None:
        """Give the lock back (closing the connection also does). Mandatory."""
        raise NotImplementedError

    def holder(self) -> str:
        """Who holds the lock, in a few words, or "" when the database cannot tell."""
        return ""

    def locked_error(self) -> RunnerLocked:
        try:
            who = self.holder()
        except Exception:  # the description is a courtesy; never let it hide the real error
            who = ""
        detail = f" ({who})" if who else ""
        return RunnerLocked(f"database is locked by another migration runner{detail}; waited {self.timeout:g} s")

    def __enter__(self) -> RunnerLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if not self.held:
            return
        try:
            self.release()
        except Exception:
            if exc is None:
                raise
            # The connection is likely gone (which frees the lock); keep the error that got us here.


class PostgreSQLLock(RunnerLock):
    key: ClassVar[int] = int.from_bytes(hashlib.sha256(LOCK_NAME.encode()).digest()[:8], "big", signed=True)
    poll_seconds: ClassVar[float] = 0.05

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        while not self.db.query("SELECT pg_try_advisory_lock(%s)", [self.key])[0][0]:
            if time.monotonic() >= deadline:
                raise self.locked_error()
            time.sleep(self.poll_seconds)
        self.held = True

    def release(self) -> None:
        self.db.query("SELECT pg_advisory_unlock(%s)", [self.key])
        self.held = False

    def holder(self) -> str:
        # A bigint advisory key is stored as classid (high 32 bits) and objid (low 32 bits).
        unsigned = self.key & 0xFFFFFFFFFFFFFFFF
        found = self.db.query(
            """
            SELECT a.pid, a.usename, a.client_addr, a.application_name, a.backend_start
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::bigint = %s AND l.objid::bigint = %s
            """,
            [unsigned >> 32, unsigned & 0xFFFFFFFF],
        )
        if not found:
            return ""
        pid, user, address, application, since = found[0]
        where = f" from {address}" if address else ""
        app = f", {application}" if application else ""
        return f"pid {pid}, user {user}{where}{app}, connected since {since:%Y-%m-%d %H:%M:%S %Z}"


class MySQLLock(RunnerLock):
    @property
    def name(self) -> str:
        # MySQL 8 limits lock names to 64 characters.
        name = f"{LOCK_NAME}:{self.db.url.database}"
        return name if len(name) <= 64 else f"{LOCK_NAME}:{hashlib.sha1(name.encode()).hexdigest()}"

    def acquire(self) -> None:
        # GET_LOCK's timeout is whole seconds on MySQL 8 (MariaDB takes fractions).
        got = self.db.query("SELECT GET_LOCK(%s, %s)", [self.name, max(0, math.ceil(self.timeout))])[0][0]
        if got != 1:
            raise self.locked_error()
        self.held = True

    def release(self) -> None:
        self.db.query("SELECT RELEASE_LOCK(%s)", [self.name])
        self.held = False

    def holder(self) -> str:
        connection = self.db.query("SELECT IS_USED_LOCK(%s)", [self.name])[0][0]
        if connection is None:
            return ""
        found = self.db.query("SELECT USER, HOST FROM information_schema.PROCESSLIST WHERE ID = %s", [connection])
        who = f", user {found[0][0]} from {found[0][1]}" if found else ""
        return f"connection {connection}{who}"


class SQLiteLock(RunnerLock):
    poll_seconds: ClassVar[float] = 0.05
    _file: int | None = None
    _runner_holds = False

    @property
    def path(self) -> str | None:
        """The lock file, or None for a database no other connection can open (in memory)."""
        database = self.db.url.database
        if not database or database == ":memory:" or database.startswith("file::memory:"):
            return None
        return f"{database}-migrations.lock"

    def acquire(self) -> None:
        self.db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        path = self.path
        if path is not None and fcntl is not None:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        self._runner_holds = True
                        error = self.locked_error()
                        os.close(descriptor)
                        raise error from None
                    time.sleep(self.poll_seconds)
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, str(os.getpid()).encode(), 0)
            self._file = descriptor
        self.held = True

    def release(self) -> None:
        if self._file is not None:
            # Closing the descriptor releases the lock; the file stays (unlinking it would let a
            # waiter lock a file nobody else opens any more).
            os.close(self._file)
            self._file = None
        self.held = False

    def holder(self) -> str:
        path = self.path
        try:
            with open(path or "", encoding="ascii") as file:
                pid = file.read().strip()
        except (OSError, ValueError):
            return ""
        return f"pid {pid}" if pid.isdigit() else ""

    def locked_error(self) -> RunnerLocked:
        if self._runner_holds:
            return super().locked_error()
        return RunnerLocked(
            f"database is locked by another migration runner or writer (SQLite cannot tell which); waited {self.timeout:g} s"
        )


def lock_for(db: Database, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> RunnerLock:
    return {"postgresql": PostgreSQLLock, "mysql": MySQLLock, "sqlite": SQLiteLock}[db.dialect](db, timeout)
