"""Running cases: two scratch databases per dialect, reset between cases, and the round trip.

For a case in scope: ``current`` goes into database A and ``desired`` into database B; both are
read back (``current_live``, ``desired_live``); the diff between them is rendered, the up script
runs on A, which must then read back as ``desired_live``; the down script runs on A, which must
then read back as ``current_live``. A case whose SQL the server itself rejects is out of scope
(a property of the case); any other error is a failure of that case, never of the run.
"""

from __future__ import annotations

import importlib
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import sqlparse

from ..compare import differences, equivalent
from ..connection import Database, connect
from ..dialects import get_dialect
from ..diff import diff
from ..errors import EngineError
from ..introspect import introspect
from ..render import render, render_down
from ..schema import Schema
from ..scratch import create_scratch, drop_scratch
from ..urls import DatabaseURL, parse_url
from .cases import Case, out_of_scope_reason
from .explain import mismatch_lines

PASSED = "passed"
FAILED = "failed"
OUT_OF_SCOPE = "out of scope"
SERVER_REJECTS = "the server rejects the case's SQL"

DEFAULT_SERVERS = {
    "postgresql": "postgresql://postgres@127.0.0.1:5432/postgres",
    "mysql": "mysql://root@127.0.0.1:3306/mysql",
}
SERVER_ENV = {"postgresql": "TEST_POSTGRES_URL", "mysql": "TEST_MYSQL_URL"}
STATEMENT_TIMEOUT_SECONDS = 60
PROGRESS_EVERY = 25

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """What became of one case: ``status`` is PASSED, FAILED or OUT_OF_SCOPE.

    ``reason`` is one line (the failed step and its error, or why the case is out of scope);
    ``detail`` holds the rest (the statement that failed, every difference found).
    """

    case: Case
    status: str
    reason: str = ""
    group: str = ""
    detail: str = ""
    operations: int = 0


@dataclass
class DialectRun:
    """Every outcome of one dialect's run, with the server it ran on."""

    dialect: str
    server: str
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def in_scope(self) -> int:
        return len(self.outcomes) - self.count(OUT_OF_SCOPE)

    @property
    def pass_rate(self) -> float | None:
        """Passed cases per in-scope case, in percent (None when nothing is in scope)."""
        return 100.0 * self.count(PASSED) / self.in_scope if self.in_scope else None


class CaseFailed(Exception):
    """A step of a case went wrong: ``step`` names it, ``detail`` says more."""

    def __init__(self, step: str, message: str, detail: str = "") -> None:
        super().__init__(f"{step}: {message}")
        self.step = step
        self.message = message
        self.detail = detail


class ServerRejects(Exception):
    """The server refused a case's own SQL."""


def server_url(dialect: str, environ: dict[str, str] | None = None) -> str | None:
    """The server URL for ``dialect`` from the environment (None for SQLite, which needs none)."""
    env = os.environ if environ is None else environ
    if dialect == "sqlite":
        return None
    return env.get(SERVER_ENV[dialect]) or DEFAULT_SERVERS[dialect]


# ---------------------------------------------------------------- sandboxes


class Sandbox:
    """Two scratch databases (A and B) of one dialect, kept open and reset between cases."""

    dialect = ""

    def __init__(self, server: DatabaseURL) -> None:
        self.server = server
        self.urls: list[DatabaseURL] = []
        self.a: Database | None = None
        self.b: Database | None = None

    def open(self) -> None:
        """Create both scratch databases and connect to them."""
        for _ in range(2):
            self.urls.append(create_scratch(self.server, prefix="me_conformance"))
        self.connect()

    def connect(self) -> None:
        self.a, self.b = (self.prepare(connect(url)) for url in self.urls)

    def prepare(self, database: Database) -> Database:
        """Session settings for a fresh connection (timeouts)."""
        return database

    def close(self) -> None:
        """Disconnect and drop both scratch databases, whatever state they are in."""
        for database in (self.a, self.b):
            if database is not None:
                try:
                    database.close()
                except Exception:  # a broken connection is being thrown away anyway
                    pass
        self.a = self.b = None
        urls, self.urls = self.urls, []
        for url in urls:
            try:
                drop_scratch(self.server, url)
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"cannot drop scratch database {url}: {_error_text(exc)}") from None

    def reset(self) -> None:
        """Empty both databases; reconnect once if a connection broke."""
        try:
            self.reset_both()
        except Exception:
            self.reconnect()
            self.reset_both()

    def reconnect(self) -> None:
        for database in (self.a, self.b):
            try:
                database.close()  # type: ignore[union-attr]
            except Exception:
                pass
        self.connect()

    def reset_both(self) -> None:
        assert self.a is not None and self.b is not None
        self.a, self.b = self.empty(self.a), self.empty(self.b)

    def empty(self, database: Database) -> Database:
        """``database`` emptied (or a fresh one in its place). Mandatory."""
        raise NotImplementedError

    def run_script(self, database: Database, sql: str) -> None:
        """Run a case's SQL script as the server's own client would. Mandatory."""
        raise NotImplementedError

    def version(self) -> str:
        """The server's version, for the report. Mandatory."""
        raise NotImplementedError

    def version_tuple(self) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", self.version())[:3]) or (0,)


class PostgreSQLSandbox(Sandbox):
    dialect = "postgresql"

    def prepare(self, database: Database) -> Database:
        database.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT_SECONDS}s'")
        return database

    def empty(self, database: Database) -> Database:
        # Enum types live in the schema, so dropping it drops them too.
        schemas = database.query(
            "SELECT quote_ident(nspname) FROM pg_namespace "
            "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
        )
        drops = "".join(f"DROP SCHEMA {name} CASCADE;" for (name,) in schemas)
        database.execute(f"{drops}CREATE SCHEMA public;")
        return database

    def run_script(self, database: Database, sql: str) -> None:
        if _has_statements(sql):
            database.execute(sql)  # without parameters psycopg sends several statements at once

    def version(self) -> str:
        assert self.a is not None
        return str(self.a.query("SHOW server_version")[0][0]).split()[0]


class MySQLSandbox(Sandbox):
    dialect = "mysql"

    def prepare(self, database: Database) -> Database:
        try:
            database.execute(f"SET SESSION max_statement_time = {STATEMENT_TIMEOUT_SECONDS}")  # MariaDB
        except Exception:
            pass  # MySQL 8 has no such variable
        return database

    def empty(self, database: Database) -> Database:
        name = database.url.database.replace("`", "``")
        database.execute(f"DROP DATABASE IF EXISTS `{name}`")
        database.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        database.execute(f"USE `{name}`")
        return database

    def run_script(self, database: Database, sql: str) -> None:
        for statement in sqlparse.split(sql):
            if _has_statements(statement):
                database.execute(statement)

    def version(self) -> str:
        assert self.a is not None
        return str(self.a.query("SELECT VERSION()")[0][0])


class SQLiteSandbox(Sandbox):
    dialect = "sqlite"

    def empty(self, database: Database) -> Database:
        database.close()
        drop_scratch(self.server, database.url)
        return connect(database.url)

    def run_script(self, database: Database, sql: str) -> None:
        database.raw.executescript(sql)

    def version(self) -> str:
        return sqlite3.sqlite_version


SANDBOXES: dict[str, type[Sandbox]] = {
    "postgresql": PostgreSQLSandbox,
    "mysql": MySQLSandbox,
    "sqlite": SQLiteSandbox,
}


def _has_statements(sql: str) -> bool:
    return bool(sqlparse.format(sql, strip_comments=True).strip(" \t\r\n;"))


@contextmanager
def sandbox(dialect: str, server: str | None) -> Iterator[Sandbox]:
    """An open sandbox for ``dialect``; its scratch databases are dropped on the way out."""
    with tempfile.TemporaryDirectory(prefix="me_conformance_") as folder:
        local = DatabaseURL("sqlite", os.path.join(folder, "server.sqlite3"))
        url = parse_url(server) if server else local
        box = SANDBOXES[dialect](url)
        try:
            box.open()
            yield box
        finally:
            box.close()


# ---------------------------------------------------------------- one case


def run_case(case: Case, box: Sandbox) -> Outcome:
    """Run ``case`` (statically in scope) on a freshly reset sandbox."""
    try:
        _build(box, "a", case.current)
        _build(box, "b", case.desired)
    except ServerRejects as exc:
        return Outcome(case, OUT_OF_SCOPE, str(exc), group=SERVER_REJECTS)
    a, b = _database(box, "a"), _database(box, "b")
    try:
        current_live = _step("read current", lambda: introspect(a))
        desired_live = _step("read desired", lambda: introspect(b))
        ops = _step("diff", lambda: diff(current_live, desired_live))
        up = _step("render up", lambda: [s.sql for s in render(ops, current_live, box.dialect)])
        _run_statements(a, up, "up")
        after_up = _step("read after up", lambda: introspect(a))
        _step("after up", lambda: _expect(after_up, desired_live, "after up"))
        down = _step(
            "render down", lambda: [s.sql for s in render_down(ops, desired_live, box.dialect)]
        )
        _run_statements(a, down, "down")
        after_down = _step("read after down", lambda: introspect(a))
        _step("after down", lambda: _expect(after_down, current_live, "after down"))
    except CaseFailed as exc:
        return Outcome(case, FAILED, _one_line(str(exc)), group=exc.step, detail=exc.detail)
    return Outcome(case, PASSED, operations=len(ops))


def _build(box: Sandbox, which: str, sql: str) -> None:
    """Run a case's SQL in database ``which`` ("a" or "b").

    sqldef reads a schema declaratively, so its cases may name a table before creating it (a
    foreign key to a table further down). When the script fails as written, the database is
    emptied and the statements run again in passes, each pass retrying those that failed,
    until all have run; the server rejects the case only when a pass makes no progress.
    """
    label = "current" if which == "a" else "desired"
    try:
        box.run_script(_database(box, which), sql)
        return
    except Exception as exc:
        first_error = exc
    try:
        setattr(box, which, box.empty(_database(box, which)))
        _run_in_passes(box, _database(box, which), sql)
    except _NoProgress as exc:
        raise ServerRejects(f"{SERVER_REJECTS} (`{label}`): {_error_text(exc.error)}") from None
    except Exception:
        raise ServerRejects(f"{SERVER_REJECTS} (`{label}`): {_error_text(first_error)}") from None


class _NoProgress(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _database(box: Sandbox, which: str) -> Database:
    database = getattr(box, which)
    assert database is not None
    return database


def _run_in_passes(box: Sandbox, database: Database, sql: str) -> None:
    pending = [s for s in sqlparse.split(sql) if _has_statements(s)]
    while pending:
        failed: list[str] = []
        error: Exception | None = None
        for statement in pending:
            try:
                box.run_script(database, statement)
            except Exception as exc:
                failed.append(statement)
                error = error or exc
        if error is not None and len(failed) == len(pending):
            raise _NoProgress(error)
        pending = failed


def _step(step: str, action: Callable[[], T]) -> T:
    try:
        return action()
    except CaseFailed:
        raise
    except Exception as exc:
        raise CaseFailed(step, _error_text(exc)) from None


def _run_statements(database: Database, statements: Sequence[str], step: str) -> None:
    for index, sql in enumerate(statements, 1):
        try:
            database.execute(sql)
        except Exception as exc:
            raise CaseFailed(
                f"{step} failed",
                f"statement {index}/{len(statements)} `{_one_line(sql, 160)}`: {_error_text(exc)}",
                detail="\n".join(f"{s};" for s in statements),
            ) from None


def _expect(actual: Schema, expected: Schema, step: str) -> None:
    if equivalent(actual, expected):
        return
    mismatches = mismatch_lines(actual, expected)
    try:
        described = differences(actual, expected)
    except Exception as exc:
        described = [f"(the diff cannot describe it: {_error_text(exc)})"]
    first = mismatches[0] if mismatches else "schemas differ"
    more = f" (+{len(mismatches) - 1} more)" if len(mismatches) > 1 else ""
    detail = "\n".join(["mismatches:", *mismatches, "diff from actual to expected:", *described])
    raise CaseFailed(f"{step}: schema differs", first + more, detail)


# ---------------------------------------------------------------- a dialect's run


def run_dialect(
    dialect: str,
    cases: list[Case],
    server: str | None,
    progress: Callable[[str], None] | None = None,
    verbose: Callable[[Outcome], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> DialectRun:
    """Classify and run every case of one dialect, in order.

    ``progress`` gets a line every few cases, ``verbose`` every outcome; when ``stop`` turns
    true the run ends early (its scratch databases are dropped all the same). Raises
    ``EngineError`` when the server cannot be used.
    """
    started = time.monotonic()
    _load_modules(dialect)
    with sandbox(dialect, server) as box:
        run = DialectRun(dialect, _server_name(dialect, box.version()))
        version = box.version_tuple()
        for number, case in enumerate(cases, 1):
            if stop and stop():
                break
            run.outcomes.append(_outcome(case, box, version))
            if verbose:
                verbose(run.outcomes[-1])
            if progress and (number % PROGRESS_EVERY == 0 or number == len(cases)):
                progress(_progress_line(run, number, len(cases)))
    run.seconds = time.monotonic() - started
    return run


def _load_modules(dialect: str) -> None:
    """Import the dialect's modules up front, so a broken one is one clear error, not N failures."""
    try:
        get_dialect(dialect)
        importlib.import_module(f"{__package__.rsplit('.', 1)[0]}.introspect.{dialect}")
    except Exception as exc:
        raise EngineError(f"{dialect}: cannot load the engine's modules: {_error_text(exc)}") from None


def _outcome(case: Case, box: Sandbox, version: tuple[int, ...]) -> Outcome:
    reason = out_of_scope_reason(case, box.dialect, version)
    if reason:
        return Outcome(case, OUT_OF_SCOPE, reason, group=reason)
    try:
        box.reset()
    except Exception as exc:  # still broken after a reconnect: the run cannot go on
        message = f"{box.dialect}: cannot reset the scratch databases: {_error_text(exc)}"
        raise EngineError(message) from None
    try:
        return run_case(case, box)
    except Exception as exc:  # a bug of the runner itself still only fails this case
        return Outcome(case, FAILED, f"runner: {_error_text(exc)}", group="runner")


def _progress_line(run: DialectRun, done: int, total: int) -> str:
    return (
        f"{run.dialect}: {done}/{total} cases, {run.count(PASSED)} passed, "
        f"{run.count(FAILED)} failed, {run.count(OUT_OF_SCOPE)} out of scope"
    )


def _server_name(dialect: str, version: str) -> str:
    """``PostgreSQL 15.20``, ``MariaDB 10.11.19``, ``MySQL 8.0.36``, ``SQLite 3.40.1``."""
    number = version.split("-")[0]
    if dialect == "mysql":
        return f"{'MariaDB' if 'mariadb' in version.lower() else 'MySQL'} {number}"
    return f"{'PostgreSQL' if dialect == 'postgresql' else 'SQLite'} {number}"


# ---------------------------------------------------------------- messages


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return _one_line(text.splitlines()[0]) if text else type(exc).__name__


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
