"""What a database holds of a migrations folder: applied, pending, failed or partial versions, and drift.

Drift compares the live schema (without the history table) with the ``to`` snapshot of the last
applied migration and says, one line per difference, what was changed outside migrations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..compare import differences
from ..connection import connect
from ..introspect import introspect
from ..naming import primary_key_name
from ..pairing import adopt_spellings
from ..schema import Schema
from ..urls import DatabaseURL, parse_url
from .backups import planned_backups
from .folder import MigrationFolder
from .history import KIND_BASELINE, HistoryRow, history_for, without_runner_tables
from .model import Migration, version_text

APPLIED = "applied"
BASELINE = "baseline"
PENDING = "pending"
FAILED = "failed"
PARTIAL = "partial"
CHANGED = "changed"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Entry:
    """One version: in the folder, in the history, or both."""

    version: int
    name: str
    state: str
    migration: Migration | None = None
    row: HistoryRow | None = None

    def lines(self) -> list[str]:
        head = f"  {version_text(self.version)} {self.name:<30} {self.state:<8}"
        row = self.row
        if self.state in (APPLIED, BASELINE) and row is not None:
            head += f" {row.applied_at:%Y-%m-%d %H:%M:%S} UTC by {row.applied_by}, {row.duration_ms} ms"
        elif self.state in (FAILED, PARTIAL) and row is not None:
            head += f" at statement {row.statements_applied + 1} of {row.statements_total}: {row.error or 'interrupted'}"
        elif self.state == CHANGED:
            head += " the file's checksum differs from the one recorded when it was applied"
        elif self.state == UNKNOWN:
            head += " applied, but the folder holds no such version"
        lines = [head.rstrip()]
        if self.state in (PENDING, FAILED) and self.migration is not None:
            backups = {b.operation: b for b in planned_backups(self.migration)}
            for index, op in enumerate(self.migration.operations):
                if op.destructive:
                    saved = backups[index].describe() if index in backups else "no backup is taken"
                    lines.append(f"      destructive: {op.describe()}; {saved}")
        return lines


@dataclass
class Status:
    url: DatabaseURL
    folder: MigrationFolder
    entries: list[Entry]
    #: Differences between the live schema and the expected one; None when not checked.
    drift: list[str] | None = None
    drift_note: str = ""
    expected: Migration | None = field(default=None)
    #: The live schema (without the runner's tables) when drift was checked.
    live: Schema | None = field(default=None, repr=False)

    @property
    def pending(self) -> list[Entry]:
        return [e for e in self.entries if e.state in (PENDING, FAILED)]

    def text(self) -> str:
        applied = [e for e in self.entries if e.state in (APPLIED, BASELINE)]
        lines = [f"database: {self.url}", f"folder: {self.folder.path} ({sum(1 for e in self.entries if e.migration)} migrations)"]
        for entry in self.entries:
            lines += entry.lines()
        lines.append(f"applied: {len(applied)}, pending: {len(self.pending)}")
        if self.drift is None:
            lines.append(f"drift: not checked ({self.drift_note})")
        elif not self.drift:
            lines.append(f"drift: none (the database matches the schema of {self.expected.label if self.expected else 'nothing'})")
        else:
            label = self.expected.label if self.expected else "?"
            lines.append(f"drift: the database differs from the schema of {label}; changed outside migrations:")
            lines += [f"  - {difference}" for difference in self.drift]
        return "\n".join(lines) + "\n"


def read_status(folder: MigrationFolder, url: str | DatabaseURL, *, timeout: float | None = None) -> Status:
    """The status of ``url`` against ``folder`` (reads only; the folder must pass its checks).
    ``timeout``: seconds the server has to answer the connection (the engine's default if None)."""
    parsed = parse_url(url) if isinstance(url, str) else url
    migrations = folder.read()
    with connect(parsed, create=False, **({"timeout": timeout} if timeout is not None else {})) as db:
        rows = history_for(db).rows()
        entries = _entries(migrations, rows)
        status = Status(parsed, folder, entries)
        _check_drift(status, entries, lambda: without_runner_tables(introspect(db)))
    return status


def _entries(migrations: list[Migration], rows: list[HistoryRow]) -> list[Entry]:
    by_version = {row.version: row for row in rows}
    entries = []
    for migration in migrations:
        row = by_version.pop(migration.version, None)
        entries.append(Entry(migration.version, migration.name, _state(migration, row), migration, row))
    entries += [Entry(row.version, row.name, UNKNOWN, None, row) for row in by_version.values() if row.in_database]
    return sorted(entries, key=lambda e: e.version)


def _state(migration: Migration, row: HistoryRow | None) -> str:
    if row is None:
        return PENDING
    if row.in_database and row.checksum != migration.checksum:
        return CHANGED
    if row.success:
        return BASELINE if row.kind == KIND_BASELINE else APPLIED
    return PARTIAL if row.partial else FAILED


def _check_drift(status: Status, entries: list[Entry], live_schema: Callable[[], Schema]) -> None:
    if any(e.state in (PARTIAL, CHANGED, UNKNOWN) for e in entries):
        status.drift_note = "the history shows a partial, changed or unknown migration"
        return
    applied = [e for e in entries if e.state in (APPLIED, BASELINE)]
    if not applied:
        status.drift_note = "no migration is applied yet"
        return
    expected = applied[-1].migration
    assert expected is not None
    status.expected = expected
    # What turns the expected schema into the live one: the changes made outside migrations.
    # Expressions the server rewrote without changing them (BETWEEN kept as >= AND <=) take the
    # model's spelling, so that they are no drift, and a draft made from the live schema keeps them.
    status.live = adopt_spellings(live_schema(), expected.schema, status.url.dialect)
    status.drift = differences(_as_kept(expected.schema, status.url.dialect), status.live)


def _as_kept(schema: Schema, dialect: str) -> Schema:
    """``schema`` as the server keeps it: MySQL names every primary key PRIMARY (read back as the
    conventional name), so a primary key named otherwise in the model is no drift."""
    if dialect != "mysql":
        return schema
    return replace(schema, tables=tuple(
        replace(t, primary_key=replace(t.primary_key, name=primary_key_name(t.name))) if t.primary_key else t
        for t in schema.tables
    ))
