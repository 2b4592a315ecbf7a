"""Scratch databases: created empty for a test, a conformance case or a validation run, then dropped."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .connection import connect
from .urls import DatabaseURL, parse_url


def _quote(dialect: str, name: str) -> str:
    return f"`{name}`" if dialect == "mysql" else f'"{name}"'


def create_scratch(server: str | DatabaseURL, prefix: str = "me_scratch") -> DatabaseURL:
    """Create an empty database beside ``server``'s (a new file for SQLite); return its URL."""
    url = parse_url(server) if isinstance(server, str) else server
    name = f"{prefix}_{secrets.token_hex(6)}"
    if url.dialect == "sqlite":
        folder = Path(url.database).parent if url.database != ":memory:" else Path(tempfile.gettempdir())
        return url.with_database(str(folder / f"{name}.sqlite3"))
    with connect(url) as admin:
        if url.dialect == "mysql":
            admin.execute(f"CREATE DATABASE {_quote('mysql', name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        else:
            admin.execute(f"CREATE DATABASE {_quote('postgresql', name)} ENCODING 'UTF8' TEMPLATE template0")
    return url.with_database(name)


def drop_scratch(server: str | DatabaseURL, scratch: DatabaseURL) -> None:
    url = parse_url(server) if isinstance(server, str) else server
    if scratch.dialect == "sqlite":
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.unlink(scratch.database + suffix)
            except FileNotFoundError:
                pass
        return
    with connect(url) as admin:
        if scratch.dialect == "mysql":
            admin.execute(f"DROP DATABASE IF EXISTS {_quote('mysql', scratch.database)}")
        else:
            admin.execute(f"DROP DATABASE IF EXISTS {_quote('postgresql', scratch.database)} WITH (FORCE)")


@contextmanager
def scratch_database(server: str | DatabaseURL, prefix: str = "me_scratch") -> Iterator[DatabaseURL]:
    """A fresh empty database for the duration of the ``with`` block."""
    url = create_scratch(server, prefix)
    try:
        yield url
    finally:
        drop_scratch(server, url)
