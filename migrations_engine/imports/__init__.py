"""Schemas brought in from text: SQL DDL (parsed with sqlglot, never executed), DBML (pydbml) or
the engine's snapshot JSON.

Every reader returns an ``ImportResult``: the schema, and what it left out (statements the engine
does not manage, each with its line), so a user sees what was skipped instead of losing it.
A text that cannot be read raises ``ImportFailed`` naming the line where it can.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import EngineError
from ..schema import Schema

#: The formats ``import_text`` reads, by the name the CLI and the web use.
FORMATS = ("sql", "dbml", "snapshot")


class ImportFailed(EngineError):
    """A text that cannot be imported; ``line`` is 1-based where known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


@dataclass(frozen=True)
class Skipped:
    """A statement (or DBML element) left out: what it is, where, and why."""

    kind: str  # e.g. "view", "function", "grant", "SET"
    line: int | None
    text: str  # its first line or a short excerpt
    reason: str


@dataclass(frozen=True)
class ImportResult:
    schema: Schema
    skipped: tuple[Skipped, ...] = ()
    #: Table groups the source names (DBML ``TableGroup``): group name -> table names.
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Anything else worth telling the user (a note per line).
    notes: tuple[str, ...] = ()


def import_text(text: str, source_format: str, dialect: str | None = None) -> ImportResult:
    """The schema in ``text``. ``dialect`` (postgresql, mysql, sqlite) is needed for SQL; DBML
    and snapshots use it to check the types they name."""
    if source_format == "sql":
        from .sql import read_sql

        if dialect is None:
            raise ImportFailed("importing SQL needs its dialect (postgresql, mysql or sqlite)")
        return read_sql(text, dialect)
    if source_format == "dbml":
        from .dbml import read_dbml

        return read_dbml(text, dialect)
    if source_format == "snapshot":
        from .. import snapshot

        return ImportResult(snapshot.loads(text))
    raise ImportFailed(f"unknown import format {source_format!r} (one of {', '.join(FORMATS)})")
