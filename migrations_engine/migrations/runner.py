"""The runner: migrate, rollback and baseline a database from a migrations folder, or show a dry run.

Every command reads the folder first (``MigrationFolder.read`` refuses a tampered one), then
checks the database's history against it (an applied migration that was edited or that the
folder lacks is refused), then works under the runner lock (``locks``), one migration at a time
(``appliers``). Dry runs read the history but write nothing, not even the history table.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..compare import differences
from ..connection import Database, connect
from ..introspect import introspect
from ..operations import reverse_all
from ..render import script_text
from ..urls import DatabaseURL, parse_url
from .appliers import Applier, RunOptions, applier_for
from .errors import HistoryMismatch, MigrationError, PartialMigration
from .folder import MigrationFolder
from .history import KIND_BASELINE, History, HistoryRow, history_for, now, without_history
from .locks import lock_for
from .model import Migration, version_text


@dataclass(frozen=True)
class Step:
    """A migration to apply, from statement ``start`` on (non-zero when resuming)."""

    migration: Migration
    start: int = 0


def check_history(migrations: list[Migration], rows: list[HistoryRow]) -> None:
    """The history must be a prefix of the folder, each applied migration unchanged since."""
    by_version = {m.version: m for m in migrations}
    in_database = [row for row in rows if row.in_database]
    for row in in_database:
        migration = by_version.get(row.version)
        if migration is None:
            raise HistoryMismatch(
                f"the database has migration {version_text(row.version)} {row.name} applied, but the folder "
                f"holds no version {row.version} (an older copy of the folder?)"
            )
        if migration.checksum != row.checksum:
            raise HistoryMismatch(
                f"migration {migration.label} was changed after it was applied (its checksum differs from the "
                "one in the database's history)"
            )
    versions = [row.version for row in in_database]
    for expected, version in enumerate(versions, start=1):
        if version != expected:
            raise HistoryMismatch(
                f"migration {version_text(expected)} is not applied but {version_text(version)} is (history out of order)"
            )
    partial = [row for row in in_database if row.partial]
    if partial and partial[0].version != versions[-1]:
        raise HistoryMismatch(f"migration {version_text(partial[0].version)} is partially applied but later ones are applied")


def current_version(rows: list[HistoryRow]) -> int:
    """The highest version whose changes are in the database (wholly or partly)."""
    return max((row.version for row in rows if row.in_database), default=0)


def partial_row(rows: list[HistoryRow]) -> HistoryRow | None:
    return next((row for row in rows if row.partial), None)


def plan_migrate(migrations: list[Migration], rows: list[HistoryRow], to: int | None, resume: bool) -> list[Step]:
    """The migrations to apply, in order; refuses what cannot be done safely."""
    check_history(migrations, rows)
    last = migrations[-1].version if migrations else 0
    target = last if to is None else to
    if to is not None and not 0 <= to <= last:
        raise MigrationError(f"no version {to} in the folder (its versions are 1 to {last})")
    current = current_version(rows)
    if target < current:
        raise MigrationError(
            f"the database is at version {version_text(current)}, past --to {to}: use rollback to go back"
        )
    stopped = partial_row(rows)
    if stopped is not None and not resume:
        raise PartialMigration(
            f"migration {version_text(stopped.version)} {stopped.name} stopped after statement "
            f"{stopped.statements_applied} of {stopped.statements_total} ({stopped.error or 'interrupted'}): "
            f"run migrate --resume to continue it or rollback --to {stopped.version - 1} to undo its applied part"
        )
    done = {row.version for row in rows if row.success}
    start = {row.version: row.statements_applied for row in rows if row.partial}
    return [Step(m, start.get(m.version, 0)) for m in migrations if m.version <= target and m.version not in done]


def plan_rollback(migrations: list[Migration], rows: list[HistoryRow], to: int) -> list[tuple[Migration, HistoryRow]]:
    """The applied migrations above ``to``, newest first, with their rows."""
    check_history(migrations, rows)
    if to < 0:
        raise MigrationError("--to must be 0 (undo everything) or a version")
    stopped = partial_row(rows)
    if stopped is not None and stopped.version <= to:
        raise PartialMigration(
            f"migration {version_text(stopped.version)} is partially applied: resume it with migrate --resume "
            f"or roll back to {stopped.version - 1}"
        )
    by_version = {m.version: m for m in migrations}
    return [(by_version[row.version], row) for row in reversed(rows) if row.in_database and row.version > to]


class Runner:
    """Runs one folder's migrations against one database. Progress lines go to ``out``."""

    def __init__(
        self,
        folder: MigrationFolder | str | Path,
        url: str | DatabaseURL,
        options: RunOptions | None = None,
        out: TextIO | None = None,
    ) -> None:
        self.folder = folder if isinstance(folder, MigrationFolder) else MigrationFolder(folder)
        self.url = parse_url(url) if isinstance(url, str) else url
        self.options = options or RunOptions()
        self.out = out or sys.stdout

    # ------------------------------------------------------------ commands

    def migrate(self, to: int | None = None, *, dry_run: bool = False, resume: bool = False) -> list[HistoryRow]:
        """Apply the pending migrations (up to ``to``); the rows written, in order."""
        migrations = self.folder.read()
        if dry_run:
            with self._reading() as (db, history):
                steps = plan_migrate(migrations, history.rows(), to, resume)
                self._print_up(steps, db.dialect)
            return []
        applied: list[HistoryRow] = []
        with self._session() as (db, history, applier):
            steps = plan_migrate(migrations, history.rows(), to, resume)
            for step in steps:
                step.migration.script(db.dialect)  # every pending migration has SQL for this database
            for step in steps:
                row = applier.apply(step.migration, step.start)
                if row is None:
                    self._say(f"skipped {step.migration.label}: applied by another runner meanwhile")
                    continue
                applied.append(row)
                verb = "resumed" if step.start else "applied"
                self._say(f"{verb} {step.migration.label} ({row.statements_total} statements, {row.duration_ms} ms)")
            if not steps:
                self._say(f"nothing to migrate: the database is at version {version_text(current_version(history.rows()))}")
        return applied

    def rollback(self, to: int, *, dry_run: bool = False) -> list[Migration]:
        """Undo the applied migrations above version ``to``, newest first; the ones undone."""
        migrations = self.folder.read()
        if dry_run:
            with self._reading() as (db, history):
                self._print_down(plan_rollback(migrations, history.rows(), to), db.dialect)
            return []
        undone: list[Migration] = []
        with self._session() as (db, history, applier):
            targets = plan_rollback(migrations, history.rows(), to)
            for migration, row in targets:
                applier.revert(migration, row)
                undone.append(migration)
                self._say(f"rolled back {migration.label}")
            if not targets:
                self._say(f"nothing to roll back: the database is at version {version_text(current_version(history.rows()))}")
        return undone

    def baseline(self, version: int) -> list[HistoryRow]:
        """Record versions 1 to ``version`` as applied without running them (for an existing database)."""
        migrations = self.folder.read()
        if not 1 <= version <= len(migrations):
            raise MigrationError(f"no version {version} in the folder (its versions are 1 to {len(migrations)})")
        with self._session() as (db, history, applier):
            existing = history.rows()
            if existing:
                raise MigrationError(
                    f"baseline refused: the database has a migration history already ({len(existing)} rows)"
                )
            for difference in self._drift(db, migrations[version - 1])[:10]:
                self._say(f"warning: the database differs from the schema of {migrations[version - 1].label}: {difference}")
            rows = [self._baseline_row(m, history, db.dialect) for m in migrations[:version]]
            applier.record(rows)
            self._say(f"baselined versions 1 to {version}: recorded as applied without running them")
        return rows

    # ------------------------------------------------------------ helpers

    @contextmanager
    def _session(self) -> Iterator[tuple[Database, History, Applier]]:
        """A connection holding the runner lock, the history table ready."""
        db = connect(self.url)
        try:
            lock = lock_for(db, self.options.lock_timeout)
            with lock:
                history = history_for(db)
                applier = applier_for(db, history, lock, self.options, history.applied_by())
                applier.prepare()
                yield db, history, applier
        finally:
            db.close()

    @contextmanager
    def _reading(self) -> Iterator[tuple[Database, History]]:
        """A connection that only reads (dry runs); a SQLite file not created yet reads as empty."""
        url = self.url
        if url.dialect == "sqlite" and url.database != ":memory:" and not Path(url.database).is_file():
            url = url.with_database(":memory:")
        db = connect(url, create=False)
        try:
            yield db, history_for(db)
        finally:
            db.close()

    def _drift(self, db: Database, migration: Migration) -> list[str]:
        return differences(migration.schema, without_history(introspect(db)))

    def _baseline_row(self, migration: Migration, history: History, dialect: str) -> HistoryRow:
        return HistoryRow(
            version=migration.version,
            name=migration.name,
            checksum=migration.checksum,
            applied_at=now(),
            applied_by=history.applied_by(),
            duration_ms=0,
            success=True,
            statements_applied=0,
            statements_total=len(migration.script(dialect).up),
            kind=KIND_BASELINE,
        )

    def _print_up(self, steps: list[Step], dialect: str) -> None:
        how = "statement by statement" if dialect == "mysql" else "one transaction"
        for step in steps:
            script = step.migration.script(dialect)
            resuming = f", resuming after statement {step.start}" if step.start else ""
            self.out.write(f"-- {step.migration.label} (up, {dialect}, {how}{resuming})\n")
            self.out.write(script_text(list(script.up[step.start :]), step.migration.operations))
        if not steps:
            self.out.write("-- nothing to migrate\n")

    def _print_down(self, targets: list[tuple[Migration, HistoryRow]], dialect: str) -> None:
        for migration, row in targets:
            script = migration.script(dialect)
            statements = list(script.down)
            note = ""
            if row.partial:
                count = len(migration.operations_data)
                completed = [j for j in range(count) if script.up_start(j + 1) <= row.statements_applied]
                statements = [s for j in reversed(completed) for s in script.down_of(j, count)]
                note = f", partly applied: undoing operations 1-{len(completed)}"
            self.out.write(f"-- {migration.label} (down, {dialect}{note})\n")
            self.out.write(script_text(statements, reverse_all(migration.operations)))
        if not targets:
            self.out.write("-- nothing to roll back\n")

    def _say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()
