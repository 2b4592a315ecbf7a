"""Opening connections: psycopg 3 for PostgreSQL, PyMySQL for MySQL/MariaDB, sqlite3 for SQLite.

Every failure to connect becomes a ``ConnectionFailed`` with one clear line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import ConnectionFailed
from .urls import DatabaseURL, parse_url

CONNECT_TIMEOUT_SECONDS = 10


class TogetherFailed(Exception):
    """A statement of ``Database.execute_together`` failed: ``index`` is its position where the
    driver tells (else None), ``cause`` the driver's error."""

    def __init__(self, index: int | None, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.index = index
        self.cause = cause


class Database:
    """A DB-API connection with the URL it came from and a few conveniences."""

    def __init__(self, url: DatabaseURL, raw: Any) -> None:
        self.url = url
        self.dialect = url.dialect
        self.raw = raw

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, params) if params is not None else cursor.execute(sql)
            return list(cursor.fetchall()) if cursor.description else []
        finally:
            cursor.close()

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, params) if params is not None else cursor.execute(sql)
        finally:
            cursor.close()

    def execute_together(self, statements: Sequence[str]) -> list[tuple[Any, ...]]:
        """Send ``statements`` (no parameters) in one round trip; the rows of the last one that
        returns rows. The server stops at the first error: ``TogetherFailed`` says which one
        (MySQL; PostgreSQL reports no position). PostgreSQL and MySQL only (SQLite has no round
        trips to save).

        psycopg sends a query without parameters as one simple query, which may hold several
        statements; PyMySQL connections are opened with ``CLIENT.MULTI_STATEMENTS``.
        """
        cursor = self.raw.cursor()
        done = 0
        try:
            cursor.execute("\n;\n".join(statements))  # the newline ends a statement's trailing line comment
            rows: list[tuple[Any, ...]] = []
            while True:
                if cursor.description:
                    rows = list(cursor.fetchall())
                done += 1
                if not cursor.nextset():
                    return rows
        except Exception as exc:
            raise TogetherFailed(done if self.dialect == "mysql" else None, exc) from exc
        finally:
            cursor.close()

    def execute_script(self, statements: Sequence[str]) -> None:
        for statement in statements:
            self.execute(statement)

    def commit(self) -> None:
        self.raw.commit()

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(url: str | DatabaseURL, *, autocommit: bool = True, create: bool = True) -> Database:
    """Open a connection. ``autocommit`` is on by default: the runner manages transactions itself.

    ``create=False`` refuses to create a SQLite file that does not exist (a typo in a path must
    not read as an empty schema).
    """
    parsed = parse_url(url) if isinstance(url, str) else url
    try:
        if parsed.dialect == "postgresql":
            import psycopg

            raw = psycopg.connect(
                host=parsed.host,
                port=parsed.port,
                user=parsed.user,
                password=parsed.password,
                dbname=parsed.database,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                autocommit=autocommit,
                prepare_threshold=None,  # every statement runs once or twice: preparing would not pay
            )
        elif parsed.dialect == "mysql":
            import pymysql
            from pymysql.constants import CLIENT

            raw = pymysql.connect(
                host=parsed.host,
                port=parsed.port or 3306,
                user=parsed.user or "root",
                password=parsed.password or "",
                database=parsed.database,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                autocommit=autocommit,
                charset="utf8mb4",
                client_flag=CLIENT.MULTI_STATEMENTS,
            )
        else:
            path = parsed.database
            if path != ":memory:" and not Path(path).parent.exists():
                raise ConnectionFailed(f"cannot open {parsed}: folder {str(Path(path).parent)!r} does not exist")
            if not create and path != ":memory:" and not Path(path).is_file():
                raise ConnectionFailed(f"cannot open {parsed}: no such SQLite file")
            import sqlite3

            raw = sqlite3.connect(path, isolation_level=None if autocommit else "DEFERRED")
            raw.execute("PRAGMA foreign_keys = ON")
    except ConnectionFailed:
        raise
    except Exception as exc:  # drivers raise many kinds; all mean "cannot connect"
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConnectionFailed(f"cannot connect to {parsed}: {message}") from None
    return Database(parsed, raw)


@contextmanager
def connected(url: str | DatabaseURL) -> Iterator[Database]:
    database = connect(url)
    try:
        yield database
    finally:
        database.close()
