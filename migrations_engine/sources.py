"""Where a schema comes from: a snapshot file or a live database URL."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from . import snapshot
from .introspect import introspect
from .schema import Schema
from .unmanaged import UnmanagedObject
from .urls import looks_like_url, parse_url

T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """A schema with what its database holds that the engine does not model (nothing for a
    snapshot file: see ``migrations_engine.unmanaged``)."""

    schema: Schema
    unmanaged: tuple[UnmanagedObject, ...] = ()


def source_dialect(source: str) -> str | None:
    """The dialect of a database URL; None for a snapshot file."""
    return parse_url(source).dialect if looks_like_url(source) else None


def load_source(source: str) -> Schema:
    """A schema from a snapshot file path or a database URL (without the runner's history and backup tables)."""
    if looks_like_url(source):
        from .migrations.history import without_runner_tables

        return without_runner_tables(introspect(source))
    return snapshot.load(source)


def read_source(source: str) -> Source:
    """``load_source``'s schema with the database's unmanaged objects, read on one connection."""
    if not looks_like_url(source):
        return Source(snapshot.load(source))
    from .connection import connect
    from .migrations.history import without_runner_tables
    from .unmanaged import read_unmanaged

    with connect(source, create=False) as database:
        schema = without_runner_tables(introspect(database))
        return Source(schema, tuple(read_unmanaged(database)))


def load_sources(*sources: str) -> list[Schema]:
    """Several schemas; PostgreSQL ones read concurrently."""
    return _each(load_source, sources)


def read_sources(*sources: str) -> list[Source]:
    """Several ``read_source``; PostgreSQL ones read concurrently."""
    return _each(read_source, sources)


def _each(read: Callable[[str], T], sources: tuple[str, ...]) -> list[T]:
    """``read`` of each source, in order.

    PostgreSQL does the catalog work on the server, so two reads overlap well; reading SQLite
    files, snapshots or PyMySQL's rows is Python work that threads only slow down.
    """
    if len(sources) < 2 or not all(source_dialect(s) == "postgresql" for s in sources):
        return [read(s) for s in sources]
    with ThreadPoolExecutor(max_workers=len(sources)) as pool:
        return list(pool.map(read, sources))
