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

    def execute_together(self, statements: Sequence[str]) -> list[list[tuple[Any, ...]] | None]:
        """Send ``statements`` (no parameters) in one round trip; for each statement, its rows
        (None when it returns none). The server stops at the first error: ``TogetherFailed``
        says which one (MySQL; PostgreSQL reports no position). PostgreSQL and MySQL only
        (SQLite has no round trips to save).

        psycopg sends a query without parameters as one simple query, which may hold several
        statements; PyMySQL connections are opened with ``CLIENT.MULTI_STATEMENTS``.
        """
        cursor = self.raw.cursor()
        done = 0
        try:
            cursor.execute("\n;\n".join(statements))  # the newline ends a statement's trailing line comment
            results: list[list[tuple[Any, ...]] | None] = []
            while True:
                results.append(list(cursor.fetchall()) if cursor.description else None)
                done += 1
                if not cursor.nextset():
                    return results
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


def connect(
    url: str | DatabaseURL, *, autocommit: bool = True, create: bool = True, timeout: float = CONNECT_TIMEOUT_SECONDS
) -> Database:
    """Open a connection. ``autocommit`` is on by default: the runner manages transactions itself.
    ``timeout`` is how many seconds a server has to answer the connection.

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
                autocommit=autocommit,
                prepare_threshold=None,  # every statement runs once or twice: preparing would not pay
                # The URL's options are libpq's own (sslmode, sslrootcert, application_name …):
                # libpq checks them and names an unknown one.
                **{"connect_timeout": str(max(1, round(timeout))), **dict(parsed.options)},
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
                connect_timeout=timeout,
                autocommit=autocommit,
                charset="utf8mb4",
                client_flag=CLIENT.MULTI_STATEMENTS,
                **mysql_tls(parsed),
            )
        else:
            if parsed.options:
                names = ", ".join(name for name, _ in parsed.options)
                raise ConnectionFailed(f"cannot open {parsed}: SQLite URLs take no options (got {names})")
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


#: ``ssl_mode`` values, as the ``mysql`` client's ``--ssl-mode`` takes them.
MYSQL_SSL_MODES = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")
_MYSQL_OPTIONS = ("ssl_mode", "ssl_ca", "ssl_cert", "ssl_key")


def mysql_tls(url: DatabaseURL) -> dict[str, Any]:
    """PyMySQL's TLS arguments for a MySQL URL's options: ``ssl_mode`` (default PREFERRED:
    TLS when the server offers it, unverified; VERIFY_CA when ``ssl_ca`` is given), ``ssl_ca``,
    ``ssl_cert``, ``ssl_key`` (files; a client certificate makes TLS required).
    ``ConnectionFailed`` for any other option or an unknown mode."""
    options = dict(url.options)
    unknown = sorted(set(options) - set(_MYSQL_OPTIONS))
    if unknown:
        raise ConnectionFailed(
            f"cannot connect to {url}: unknown option {unknown[0]!r} in the URL (MySQL URLs take {', '.join(_MYSQL_OPTIONS)})"
        )
    for name in ("ssl_ca", "ssl_cert", "ssl_key"):
        if name in options and not Path(options[name]).is_file():
            raise ConnectionFailed(f"cannot connect to {url}: {name} file {options[name]!r} does not exist")
    mode = options.get("ssl_mode", "VERIFY_CA" if "ssl_ca" in options else "PREFERRED").upper()
    if mode not in MYSQL_SSL_MODES:
        raise ConnectionFailed(f"cannot connect to {url}: ssl_mode must be one of {', '.join(MYSQL_SSL_MODES)}")
    if mode == "DISABLED":
        return {"ssl_disabled": True}
    if mode == "PREFERRED" and "ssl_cert" not in options:
        return {}  # PyMySQL's own default
    import ssl

    context = ssl.create_default_context(cafile=options.get("ssl_ca"))
    context.check_hostname = mode == "VERIFY_IDENTITY"
    if mode in ("REQUIRED", "PREFERRED"):
        context.verify_mode = ssl.CERT_NONE
    if "ssl_cert" in options:
        context.load_cert_chain(options["ssl_cert"], options.get("ssl_key"))
    return {"ssl": context}  # a context makes PyMySQL require TLS


@contextmanager
def connected(url: str | DatabaseURL) -> Iterator[Database]:
    database = connect(url)
    try:
        yield database
    finally:
        database.close()
