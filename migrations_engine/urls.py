"""Database URLs: ``postgresql://user@host:port/db``, ``mysql://`` (or ``mariadb://``), ``sqlite:///path``.

Driver-qualified schemes such as ``postgresql+psycopg://`` or ``mysql+pymysql://`` are accepted;
the driver part is ignored (the engine uses psycopg 3, PyMySQL and the standard sqlite3 module).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, unquote, urlsplit

from .errors import ConnectionFailed

_SCHEMES = {
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


@dataclass(frozen=True)
class DatabaseURL:
    dialect: str
    database: str
    host: str | None = None
    port: int | None = None
    user: str | None = None
    #: Kept out of ``repr`` (tracebacks, debuggers, error reports print it).
    password: str | None = field(default=None, repr=False)
    options: tuple[tuple[str, str], ...] = ()

    def with_database(self, database: str) -> DatabaseURL:
        return replace(self, database=database)

    def __str__(self) -> str:
        """The URL without its password, fit for messages and logs."""
        if self.dialect == "sqlite":
            return f"sqlite:///{self.database}"
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"{self.dialect}://{user}{self.host or ''}{port}/{self.database}"


def looks_like_url(text: str) -> bool:
    scheme = text.split("://", 1)[0] if "://" in text else ""
    return scheme.split("+", 1)[0].lower() in _SCHEMES


def parse_url(text: str) -> DatabaseURL:
    """Read a database URL; raises ``ConnectionFailed`` with a clear message when it is malformed."""
    if "://" not in text:
        raise ConnectionFailed(f"not a database URL: {text!r}")
    scheme = text.split("://", 1)[0].split("+", 1)[0].lower()
    dialect = _SCHEMES.get(scheme)
    if dialect is None:
        raise ConnectionFailed(
            f"unknown database URL scheme {scheme!r} (use postgresql://, mysql://, mariadb:// or sqlite:///)"
        )
    parts = urlsplit(text)
    options = tuple(parse_qsl(parts.query))
    if dialect == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy writes them.
        path = unquote(text.split("://", 1)[1].split("?", 1)[0])
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise ConnectionFailed("sqlite URL names no file: use sqlite:///path/to/file.db")
        return DatabaseURL("sqlite", path, options=options)
    try:
        port = parts.port
    except ValueError:
        raise ConnectionFailed(f"bad port in database URL {text!r}") from None
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise ConnectionFailed(f"database URL names no database: {DatabaseURL(dialect, '', parts.hostname, port, parts.username)}")
    return DatabaseURL(
        dialect=dialect,
        database=database,
        host=parts.hostname or "localhost",
        port=port or DEFAULT_PORTS[dialect],
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        options=options,
    )
