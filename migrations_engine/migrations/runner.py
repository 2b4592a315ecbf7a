"""The runner: migrate, rollback and baseline a database from a migrations folder, or show a dry run.

Every command reads the folder first (``MigrationFolder.read`` refuses a tampered one), then
checks the database's history against it (an applied migration that was edited or that the
folder lacks is refused), then works under the runner lock (``locks``), one migration at a time
(``appliers``). Dry runs read the history but write nothing, not even the history table.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ..connection import Database, connect
from ..errors import EngineError
from ..urls import DatabaseURL, parse_url
from .appliers import Applier, RunOptions, Step, applier_for, error_text
from .backups import BackupRow, BackupStore, backup_version, planned_backups, run_script
from .errors import HistoryMismatch, MigrationError, MigrationFailed, PartialMigration
from .folder import MigrationFolder
from .history import KIND_BASELINE, History, HistoryRow, history_for, now, without_runner_tables
from .locks import lock_for
from .model import Migration, annotated_script, version_text
from .watch import EVERY as WATCH_EVERY
from .watch import Watch


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
    by_version = {row.version: row for row in rows}
    return [
        Step(m, start.get(m.version, 0), by_version.get(m.version))
        for m in migrations
        if m.version <= target and m.version not in done
    ]


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
        after_statement: Callable[[int, int], None] | None = None,
        before_each: Callable[[Migration], None] | None = None,
    ) -> None:
        """``after_statement(version, done)`` is called after each statement a migration runs,
        before the runner records it (progress; tests cut a run off there). ``before_each(m)``
        is called before each migration is applied or rolled back: raising there stops the run
        between two migrations, the ones before complete and recorded (a cancel)."""
        self.folder = folder if isinstance(folder, MigrationFolder) else MigrationFolder(folder)
        self.url = parse_url(url) if isinstance(url, str) else url
        self.options = options or RunOptions()
        self.out = out or sys.stdout
        self.after_statement = after_statement
        self.before_each = before_each
        #: Seconds between "still running" lines while one migration takes long.
        self.watch_every = WATCH_EVERY
        self._silenced = False
        self._saying = threading.Lock()

    # ------------------------------------------------------------ commands

    def migrate(self, to: int | None = None, *, dry_run: bool = False, resume: bool = False) -> list[HistoryRow]:
        """Apply the pending migrations (up to ``to``); the rows written, in order."""
        migrations = self.folder.read()
        if dry_run:
            with self._reading() as (db, history):
                steps = plan_migrate(migrations, history.rows(), to, resume)
                self._print_refusal(lambda: self._keep_unmanaged(db, [(step.migration, step.start) for step in steps]))
                self._print_up(steps, db.dialect)
            return []
        applied: list[HistoryRow] = []
        with self._session() as (db, history, applier):
            steps = plan_migrate(migrations, applier.reconcile(migrations, history.rows()), to, resume)
            for step in steps:
                step.migration.script(db.dialect)  # every pending migration has SQL for this database
            self._keep_unmanaged(db, [(step.migration, step.start) for step in steps])
            if steps and self.options.validate:
                # Scratch databases need the schema machinery: loaded only here.
                from .validation import Validator

                validator = Validator(db, self.options, lambda m: run_script(m, db.dialect), self.out)
                validator.validate([(step.migration, step.start) for step in steps])
            applier.prepare()
            outcomes = applier.apply_all(steps)
            with Watch(self._say, self.watch_every).running() as watch:
                for step in steps:
                    if self.before_each is not None:
                        self.before_each(step.migration)
                    with _interruptions(applier, step.migration), watch.step(lambda s=step: applier.under_way(s.migration)):
                        row = next(outcomes)
                    self._report(step, row, applied)
            if not steps:
                self._say(f"nothing to migrate: the database is at version {version_text(current_version(history.rows()))}")
        return applied

    def _report(self, step: Step, row: HistoryRow | None, applied: list[HistoryRow]) -> None:
        if row is None:
            self._say(f"skipped {step.migration.label}: applied by another runner meanwhile")
            return
        applied.append(row)
        verb = "resumed" if step.start else "applied"
        self._say(f"{verb} {step.migration.label} ({row.statements_total} statements, {row.duration_ms} ms)")

    def rollback(self, to: int, *, dry_run: bool = False) -> list[Migration]:
        """Undo the applied migrations above version ``to``, newest first; the ones undone."""
        migrations = self.folder.read()
        if dry_run:
            with self._reading() as (db, history):
                targets = plan_rollback(migrations, history.rows(), to)
                self._print_refusal(lambda: self._keep_unmanaged(db, [(m, 0) for m, _ in targets], down=True))
                self._print_down(targets, db)
            return []
        undone: list[Migration] = []
        with self._session() as (db, history, applier):
            targets = plan_rollback(migrations, applier.reconcile(migrations, history.rows()), to)
            self._keep_unmanaged(db, [(migration, 0) for migration, _ in targets], down=True)
            applier.prepare()
            with Watch(self._say, self.watch_every).running() as watch:
                for migration, row in targets:
                    if self.before_each is not None:
                        self.before_each(migration)
                    planned = [b.name for b in planned_backups(migration)]
                    present = applier.backups.existing(migration.version) if planned else set()
                    with _interruptions(applier, migration, "rollback of "), watch.step(lambda m=migration: f"rolling back {m.label}"):
                        applier.revert(migration, row)
                    undone.append(migration)
                    self._say(f"rolled back {migration.label}{_restored_text(planned, present)}")
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
            applier.prepare()
            applier.record(rows)
            self._say(f"baselined versions 1 to {version}: recorded as applied without running them")
        return rows

    def backups(self) -> list[str]:
        """One line per backup of the database (reads only)."""
        migrations = {m.version: m for m in self.folder.read()}
        with self._reading() as (db, _):
            store = BackupStore(db)
            rows = store.rows()
            unrecorded = sorted(store.tables() - {row.name for row in rows})
        lines = [_backup_line(row, migrations.get(row.version)) for row in rows]
        lines += [f"  {name}  not recorded in the backups table (a run stopped right after taking it?)" for name in unrecorded]
        if not lines:
            return ["no backups"]
        return [*lines, f"{len(lines)} backups (purge with: backups DIR URL --purge [--version V])"]

    def purge_backups(self, version: int | None = None) -> list[str]:
        """Drop the backups (of ``version`` only, when given) and their rows; the names dropped."""
        self.folder.read()
        with self._session() as (db, history, applier):
            applier.prepare()
            store = applier.backups
            names = store.tables() | {row.name for row in store.rows()}
            if version is not None:
                names = {name for name in names if backup_version(name) == version}
            existing = store.tables()
            statements = [
                sql for name in sorted(names) for sql in store.sql.drop(name)[0 if name in existing else 1 :]
            ]
            applier.run_statements(statements)
        for name in sorted(names):
            self._say(f"purged {name}")
        if not names:
            self._say("no backups to purge" + (f" for version {version_text(version)}" if version is not None else ""))
        return sorted(names)

    # ------------------------------------------------------------ helpers

    @contextmanager
    def _session(self) -> Iterator[tuple[Database, History, Applier]]:
        """A connection holding the runner lock; ``applier.prepare()`` readies the history table."""
        db = connect(self.url)
        try:
            lock = lock_for(db, self.options.lock_timeout)
            with lock:
                history = history_for(db)
                applier = applier_for(db, history, lock, self.options, history.applied_by())
                applier.after_statement = self.after_statement
                if self.before_each is not None and self.after_statement is None:
                    # PostgreSQL sends migrations in batches unless someone follows statements:
                    # stopping between two migrations needs them sent one at a time.
                    applier.after_statement = _nothing
                yield db, history, applier
        finally:
            try:
                db.close()
            except Exception:  # a connection the server killed may refuse to close; it is gone anyway
                pass

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

    def _keep_unmanaged(self, db: Database, migrations: list[tuple[Migration, int]], down: bool = False) -> None:
        """Refuse, before anything runs, scripts that would drop, recreate or break what the
        database holds beyond the engine's model (views, triggers …: ``unmanaged``).

        ``migrations`` are the ones to run in order with the statement each starts at (not 0 for
        one being resumed: its operations done already are not held against the objects); their
        down scripts when ``down``. Costs a few catalog queries when the database holds none.
        """
        if not migrations:
            return
        from ..unmanaged import check, read_unmanaged

        objects = read_unmanaged(db)
        if not objects:
            return
        from ..operations import Operation, reverse_all
        from ..statement import Statement

        operations: list[Operation] = []
        statements: list[Statement] = []
        labels: list[str] = []
        done: set[int] = set()
        for migration, start in migrations:
            script = run_script(migration, db.dialect)  # what ``start`` counts (backups included)
            offset = len(operations)
            own = reverse_all(migration.operations) if down else migration.operations
            statements += [Statement(s.sql, s.operation + offset) for s in (script.down if down else script.up)]
            done.update(offset + j for j in range(len(own)) if start and script.up_start(j + 1) <= start)
            labels += [f"{'rollback of ' if down else ''}migration {migration.label}, operation {j + 1}" for j in range(len(own))]
            operations += own
        first = migrations[0][0]
        start_schema = first.schema if down else first.schema_before(0)
        check(operations, start_schema, db.dialect, objects, statements, where=labels.__getitem__, done=done)

    def _print_refusal(self, check: Callable[[], None]) -> None:
        """A dry run shows, first, why the real run would be refused."""
        from ..unmanaged import UnmanagedConflict

        try:
            check()
        except UnmanagedConflict as refusal:
            self.out.write(f"-- the run would be {refusal}\n")

    def _drift(self, db: Database, migration: Migration) -> list[str]:
        from ..compare import differences
        from ..introspect import introspect
        from ..pairing import adopt_spellings

        live = adopt_spellings(without_runner_tables(introspect(db)), migration.schema, db.dialect)
        return differences(migration.schema, live)

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
            statements_total=len(run_script(migration, dialect).up),
            kind=KIND_BASELINE,
        )

    def _print_up(self, steps: list[Step], dialect: str) -> None:
        how = "statement by statement" if dialect == "mysql" else "one transaction"
        for step in steps:
            migration = step.migration
            script = run_script(migration, dialect)
            resuming = f", resuming after statement {step.start}" if step.start else ""
            self.out.write(f"-- {migration.label} (up, {dialect}, {how}{resuming})\n")
            notes = _destructive_notes(migration)
            self.out.write(annotated_script(list(script.up[step.start :]), migration.operations, notes))
        if not steps:
            self.out.write("-- nothing to migrate\n")

    def _print_down(self, targets: list[tuple[Migration, HistoryRow]], db: Database) -> None:
        from ..operations import reverse_all

        store = BackupStore(db)
        for migration, row in targets:
            restorable = store.existing(migration.version)
            script = run_script(migration, db.dialect, restorable)
            statements = list(script.down)
            note = ""
            if row.partial:
                count = len(migration.operations_data)
                completed = [j for j in range(count) if script.up_start(j + 1) <= row.statements_applied]
                statements = [s for j in reversed(completed) for s in script.down_of(j, count)]
                note = f", partly applied: undoing operations 1-{len(completed)}"
            self.out.write(f"-- {migration.label} (down, {db.dialect}{note})\n")
            count = len(migration.operations_data)
            notes = {
                count - 1 - b.operation: f"restores {b.describe().replace(' are saved in ', ' from ')}"
                for b in planned_backups(migration)
                if b.name in restorable
            }
            self.out.write(annotated_script(statements, reverse_all(migration.operations), notes))
        if not targets:
            self.out.write("-- nothing to roll back\n")

    def _say(self, line: str) -> None:
        with self._saying:  # the watching thread speaks too
            self._say_now(line)

    def _say_now(self, line: str) -> None:
        if self._silenced:
            return
        try:
            self.out.write(line + "\n")
            self.out.flush()
        except BrokenPipeError:
            # Whoever read the progress lines went away (``migrate … | head``): the work goes on
            # without them rather than stopping between two migrations.
            self._silenced = True
            if self.out is sys.stdout:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _nothing(version: int, done: int) -> None:
    """An ``after_statement`` that does nothing."""


def _destructive_notes(migration: Migration) -> dict[int, str]:
    """Operation index → what the dry run says of a destructive operation."""
    backups = {b.operation: b for b in planned_backups(migration)}
    return {
        index: f"destructive: {backups[index].describe()}" if index in backups else "destructive: no backup is taken"
        for index, op in enumerate(migration.operations)
        if op.destructive
    }


def _restored_text(planned: list[str], present: set[str]) -> str:
    restored = [name for name in planned if name in present]
    missing = [name for name in planned if name not in present]
    text = f", restoring the data saved in {', '.join(restored)}" if restored else ""
    if missing:
        text += f" (no backup left in {', '.join(missing)}: that data is not restored)"
    return text


def _backup_line(row: BackupRow, migration: Migration | None) -> str:
    label = migration.label if migration is not None else version_text(row.version)
    what = f"table “{row.table_name}”" if row.kind == "table" else f"column “{row.column_name}” of “{row.table_name}”"
    return f"  {row.name}  {label}: {what}, {row.row_count} rows, taken {row.created_at:%Y-%m-%d %H:%M:%S} UTC"


@contextmanager
def _interruptions(applier: Applier, migration: Migration, what: str = "") -> Iterator[None]:
    """A run cut off (the connection killed or lost) ends with one line saying what to do."""
    try:
        yield
    except EngineError:
        raise
    except Exception as exc:
        raise MigrationFailed(
            f"{what}migration {migration.label} was cut off: {error_text(exc)}; {applier.interrupted_hint(migration)}"
        ) from exc
