"""Where a schema comes from: a snapshot file or a live database URL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from . import snapshot
from .introspect import introspect
from .schema import Schema
from .urls import looks_like_url, parse_url


def source_dialect(source: str) -> str | None:
    """The dialect of a database URL; None for a snapshot file."""
    return parse_url(source).dialect if looks_like_url(source) else None


def load_source(source: str) -> Schema:
    """A schema from a snapshot file path or a database URL (without the runner's history and backup tables)."""
    if looks_like_url(source):
        from .migrations.history import without_runner_tables

        return without_runner_tables(introspect(source))
    return snapshot.load(source)


def load_sources(*sources: str) -> list[Schema]:
    """Several schemas; PostgreSQL ones read concurrently.

    PostgreSQL does the catalog work on the server, so two reads overlap well; reading SQLite
    files, snapshots or PyMySQL's rows is Python work that threads only slow down.
    """
    if len(sources) < 2 or not all(source_dialect(s) == "postgresql" for s in sources):
        return [load_source(s) for s in sources]
    with ThreadPoolExecutor(max_workers=len(sources)) as pool:
        return list(pool.map(load_source, sources))
