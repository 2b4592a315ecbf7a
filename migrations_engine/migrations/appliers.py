"""How one migration runs on each kind of database, with its history row.

- PostgreSQL and SQLite have transactional DDL: a migration's statements and its history row go
  in ONE transaction, so a migration is applied wholly or not at all (``TransactionalApplier``).
  A failure rolls everything back and then records a row with ``success = false`` and
  ``statements_applied = 0`` (nothing applied), the failing statement and its error; the next
  ``migrate`` simply tries again.
- MySQL/MariaDB commit each DDL statement: a migration runs statement by statement and its
  history row is updated after each (``StepwiseApplier``). A failure leaves a row saying how far
  it got; ``migrate --resume`` continues after the last applied statement, ``rollback`` undoes the
  applied part operation by operation, the row following every step.

Lock waits are kept short (PostgreSQL ``lock_timeout``, MySQL ``lock_wait_timeout``) and a
statement (PostgreSQL: the whole transaction) that times out waiting for a lock is retried with
a growing pause.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..connection import Database, TogetherFailed
from ..statement import SQLITE_FOREIGN_KEYS_OFF, Statement
from .backups import COPY, BackupStatement, BackupStore, planned_backups, run_script
from .errors import MigrationError, MigrationFailed
from .history import KIND_MIGRATE, History, HistoryRow, now, without_runner_tables
from .locks import RunnerLock
from .model import Migration, Script, version_text

if TYPE_CHECKING:
    from ..operations import Operation
    from ..schema import Schema

T = TypeVar("T")


@dataclass(frozen=True)
class RunOptions:
    """How long to wait and how often to retry."""

    #: Seconds to wait for another runner to finish.
    lock_timeout: float = 30.0
    #: Seconds a statement may wait for a table lock (PostgreSQL ``lock_timeout``, MySQL ``lock_wait_timeout``).
    ddl_lock_timeout: float = 5.0
    #: Seconds a statement may run (PostgreSQL ``statement_timeout``, MariaDB ``max_statement_time``); None: no limit.
    statement_timeout: float | None = None
    #: Retries after a lock wait timed out.
    retries: int = 3
    #: Pause before the first retry, doubled for each next one.
    retry_pause: float = 1.0
    #: Validate pending migrations on a scratch copy of the target's schema before applying them.
    validate: bool = True
    #: The server where validation creates its scratch databases; None: the target's (SQLite: in memory).
    scratch_url: str | None = None

    def pause(self, attempt: int) -> float:
        return self.retry_pause * 2**attempt


@dataclass(frozen=True)
class Step:
    """A migration to apply, from statement ``start`` on (non-zero when resuming), with its history
    row as read under the runner lock (a failed or partial attempt's, or None)."""

    migration: Migration
    start: int = 0
    row: HistoryRow | None = None


class StatementError(Exception):
    """A statement failed; carries its position for the history row and the message."""

    def __init__(self, index: int, sql: str, cause: BaseException) -> None:
        super().__init__(sql)
        self.index = index
        self.sql = sql
        self.cause = cause


class RetriesExhausted(Exception):
    """A lock wait timed out on every attempt."""

    def __init__(self, cause: BaseException, attempts: int) -> None:
        super().__init__(f"{error_text(cause)} (gave up after {attempts} attempts)")
        self.cause = cause


def error_text(exc: BaseException) -> str:
    """A driver error on one line: ``message (MySQL error 1062)`` or psycopg's first line."""
    args = getattr(exc, "args", ())
    if len(args) == 2 and isinstance(args[0], int):
        return f"{str(args[1]).strip()} (MySQL error {args[0]})"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Applier:
    """Applies and reverts migrations on one connection holding the runner lock."""

    def __init__(self, db: Database, history: History, lock: RunnerLock, options: RunOptions, applied_by: str) -> None:
        self.db = db
        self.history = history
        self.lock = lock
        self.options = options
        self.applied_by = applied_by
        self.backups = BackupStore(db)
        #: Called after each statement of an ``apply`` ran (before the runner records it), with the
        #: version and the number of statements done: tests interrupt a run there.
        self.after_statement: Callable[[int, int], None] | None = None
        self._running: Migration | None = None
        self._up_scripts: dict[tuple[int, str], list[Statement]] = {}

    def prepare(self) -> None:
        """Create the history and backups tables if missing and set the session's timeouts."""
        self.history.create()
        self.backups.create()
        self.configure_session()

    def up_script(self, migration: Migration) -> list[Statement]:
        """What applying ``migration`` runs: its up statements and the backups before destructive operations."""
        key = (migration.version, migration.checksum)
        if key not in self._up_scripts:
            self._up_scripts[key] = list(run_script(migration, self.db.dialect).up)
        return self._up_scripts[key]

    def script_here(self, migration: Migration) -> Script:
        """The up and down statements for this database, the down restoring the backups it holds."""
        return run_script(migration, self.db.dialect, self.backups.existing(migration.version))

    def configure_session(self) -> None:
        """Session settings every run needs (timeouts). Defaults to none."""

    def run_statements(self, statements: list[str]) -> None:
        """Run ``statements`` as a migration's run here, without any history: on one transaction
        with its checks where DDL is transactional, else one by one. ``StatementError`` on failure
        (validation on a scratch copy uses this). Mandatory."""
        raise NotImplementedError

    def apply(self, migration: Migration, resume_from: int = 0, current: HistoryRow | None = None) -> HistoryRow | None:
        """Run ``migration``'s up statements (from ``resume_from`` on); its row, or None if already
        applied. ``current`` is its row as the runner read it holding the lock (a failed or partial
        attempt's), which a session lock keeps valid. Mandatory."""
        raise NotImplementedError

    def apply_all(self, steps: Sequence[Step]) -> Iterator[HistoryRow | None]:
        """Apply ``steps`` in order, yielding each one's row (None: already applied) as soon as it
        is done. Defaults to ``apply`` one by one."""
        for step in steps:
            yield self.apply(step.migration, step.start, step.row)

    def under_way(self, awaited: Migration) -> str:
        """What the database is applying while the runner waits for ``awaited`` to be done."""
        return f"applying {awaited.label}"

    def revert(self, migration: Migration, row: HistoryRow) -> None:
        """Undo what ``row`` says is applied of ``migration`` and remove the row. Mandatory."""
        raise NotImplementedError

    def is_lock_timeout(self, exc: BaseException) -> bool:
        """True when ``exc`` says a lock wait timed out (worth a retry)."""
        return False

    def reconcile(self, migrations: list[Migration], rows: list[HistoryRow]) -> list[HistoryRow]:
        """The history, corrected where a run died between a statement and its record. Defaults
        to ``rows`` as they are: where a migration is one transaction, its row cannot lag."""
        return rows

    def interrupted_hint(self, migration: Migration) -> str:
        """What to do after a run of ``migration`` was cut off (the connection lost)."""
        return "its transaction was rolled back, nothing was applied: run migrate again"

    def _statement_done(self, done: int) -> None:
        if self.after_statement is not None and self._running is not None:
            self.after_statement(self._running.version, done)

    def record(self, rows: list[HistoryRow]) -> None:
        """Insert history rows in one transaction (``baseline``)."""
        self.begin_history()
        try:
            for row in rows:
                self.history.insert(row)
            self.db.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise

    def begin_history(self) -> None:
        """Start a transaction that only writes the history table."""
        self.db.execute("BEGIN")

    def rollback(self) -> None:
        try:
            self.db.execute("ROLLBACK")
        except Exception:  # no transaction left to roll back (the connection may be gone)
            pass

    def _row(self, migration: Migration, *, success: bool, applied: int, started: float, **extra: object) -> HistoryRow:
        return HistoryRow(
            version=migration.version,
            name=migration.name,
            checksum=migration.checksum,
            applied_at=now(),
            applied_by=self.applied_by,
            duration_ms=_elapsed_ms(started),
            success=success,
            statements_applied=applied,
            statements_total=len(self.up_script(migration)),
            kind=KIND_MIGRATE,
            **extra,  # type: ignore[arg-type]
        )

    def _execute_all(self, statements: list[str]) -> None:
        for index, sql in enumerate(statements):
            try:
                self.db.execute(sql)
            except Exception as exc:
                raise StatementError(index, sql, exc) from exc
            self._statement_done(index + 1)


class TransactionalApplier(Applier):
    """PostgreSQL and SQLite: each migration with its history row in one transaction (the row is
    read again inside it: SQLite's lock lasts one transaction only)."""

    sql_begin: ClassVar[str] = "BEGIN"
    #: What ``before_commit`` runs, for messages.
    check_sql: ClassVar[str] = ""

    def begin(self) -> None:
        self.db.execute(self.sql_begin)

    def run_statements(self, statements: list[str]) -> None:
        self._transaction(statements, lambda: True, lambda started: None)

    def before_commit(self) -> None:
        """Last checks inside the transaction."""

    def end(self) -> None:
        """After the transaction, committed or not."""

    def apply(self, migration: Migration, resume_from: int = 0, current: HistoryRow | None = None) -> HistoryRow | None:
        statements = [s.sql for s in self.up_script(migration)]

        found: list[HistoryRow | None] = [None]

        def still_pending() -> bool:
            current = found[0] = self.history.get(migration.version)
            return current is None or not current.success  # else another runner applied it meanwhile

        def finish(started: float) -> HistoryRow:
            if found[0] is not None:  # a failed attempt's row, read in this transaction: replace it
                self.history.delete(migration.version)
            row = self._row(migration, success=True, applied=len(statements), started=started)
            self.history.insert(row)
            return row

        self._running = migration
        try:
            return self._transaction(statements, still_pending, finish)
        except StatementError as failure:
            self._record_failure(migration, failure)
            raise MigrationFailed(
                f"migration {migration.label} failed at {_position(failure, len(statements))}: "
                f"{error_text(failure.cause)}; nothing was applied (the transaction was rolled back)"
            ) from None
        finally:
            self._running = None

    def revert(self, migration: Migration, row: HistoryRow) -> None:
        statements = [s.sql for s in self.script_here(migration).down]
        try:
            self._transaction(
                statements,
                lambda: self.history.get(migration.version) is not None,
                lambda started: self.history.delete(migration.version),
            )
        except StatementError as failure:
            raise MigrationFailed(
                f"rollback of {migration.label} failed at {_position(failure, len(statements))}: "
                f"{error_text(failure.cause)}; nothing was changed (the transaction was rolled back)"
            ) from None

    def _transaction(self, statements: list[str], proceed: Callable[[], bool], finish: Callable[[float], T]) -> T | None:
        """Run ``statements`` then ``finish`` in one transaction, retrying after lock timeouts.

        ``proceed`` runs first inside the transaction (holding SQLite's write lock) and may
        decline, when another runner did the work meanwhile: the result is then None.
        """
        for attempt in range(self.options.retries + 1):
            started = time.monotonic()
            try:
                self.begin()
                if not proceed():
                    self.rollback()
                    return None
                self._execute_all(statements)
                self._checked(len(statements), self.check_sql, self.before_commit)
                result = finish(started)
                self._checked(len(statements), "COMMIT", lambda: self.db.execute("COMMIT"))
                return result
            except StatementError as failure:
                self.rollback()
                if self.is_lock_timeout(failure.cause):
                    if attempt < self.options.retries:
                        time.sleep(self.options.pause(attempt))
                        continue
                    failure.cause = RetriesExhausted(failure.cause, attempt + 1)
                raise
            except BaseException:
                self.rollback()
                raise
            finally:
                self.end()

    def _checked(self, index: int, sql: str, step: Callable[[], None]) -> None:
        try:
            step()
        except Exception as exc:
            raise StatementError(index, sql, exc) from exc

    def _record_failure(self, migration: Migration, failure: StatementError) -> None:
        """Record the failed attempt (nothing applied) outside the rolled-back transaction."""
        row = self._row(
            migration,
            success=False,
            applied=0,
            started=time.monotonic(),
            failed_statement=failure.sql,
            error=error_text(failure.cause),
        )
        try:
            self.history.delete(migration.version)
            self.history.insert(row)
        except Exception:  # the connection may be gone; the schema is unchanged either way
            pass


class PostgreSQLApplier(TransactionalApplier):
    """Migrations go to the server in batches, each batch in one round trip: for every
    migration ``BEGIN``, the timeouts, its statements, its history row, ``COMMIT``, all sent as
    one simple query, which stops at the first error. A batch holds as many migrations as the
    ones before suggest take ``BATCH_SECONDS`` (the first holds one), so progress is still
    reported a few times a second; over a network, round trips are what a long history costs.

    After a failed batch, the history (each row committed with its migration) says which
    migrations went in; the next one is run again alone, statement by statement
    (``TransactionalApplier.apply``), which retries lock timeouts, names the failing statement
    and records the failure. The session's advisory lock (held from before the history was
    read) keeps other runners out, so a batch need not re-read the history."""

    #: Seconds of work a batch aims at.
    BATCH_SECONDS: ClassVar[float] = 0.25
    #: The batch at the server (for the "still running" lines).
    _sent: Sequence[Step] = ()
    #: At most this many migrations, and about this many bytes of SQL, in one batch.
    BATCH_MIGRATIONS: ClassVar[int] = 50
    BATCH_BYTES: ClassVar[int] = 4 << 20

    #: When the migration's transaction started (a batch's transactions share one ``now()``).
    sql_mark_start = "SELECT set_config('engine.migration_started', clock_timestamp()::text, true)"
    sql_started = "current_setting('engine.migration_started')::timestamptz"
    #: The time from the migration's start to its history row, in ms, as the row stores it.
    sql_duration = f"CAST(EXTRACT(EPOCH FROM clock_timestamp() - {sql_started}) * 1000 AS bigint)"

    def begin(self) -> None:
        super().begin()
        for sql in self._settings():
            self.db.execute(sql)

    def _settings(self) -> list[str]:
        settings = [f"SET LOCAL lock_timeout = '{int(self.options.ddl_lock_timeout * 1000)}ms'"]
        if self.options.statement_timeout:
            settings.append(f"SET LOCAL statement_timeout = '{int(self.options.statement_timeout * 1000)}ms'")
        return settings

    def apply(self, migration: Migration, resume_from: int = 0, current: HistoryRow | None = None) -> HistoryRow | None:
        return next(self.apply_all([Step(migration, resume_from, current)]))

    def apply_all(self, steps: Sequence[Step]) -> Iterator[HistoryRow | None]:
        if self.after_statement is not None:  # a test stopping the run between two statements
            for step in steps:
                yield TransactionalApplier.apply(self, step.migration, step.start, step.row)
            return
        pending = list(steps)
        seconds_per_statement: float | None = None
        while pending:
            batch = self._next_batch(pending, seconds_per_statement)
            started = time.monotonic()
            rows = self._apply_batch(batch)
            statements = sum(len(self.up_script(step.migration)) for step in batch[: len(rows)])
            if rows and statements:
                seconds_per_statement = (time.monotonic() - started) / statements
            del pending[: len(rows)]
            yield from rows
            if len(rows) < len(batch):  # the next one failed: run it alone, the careful way
                step = pending.pop(0)
                yield TransactionalApplier.apply(self, step.migration, step.start, step.row)

    def under_way(self, awaited: Migration) -> str:
        if len(self._sent) > 1:
            return f"applying {_span(self._sent)} (sent together)"
        return super().under_way(awaited)

    def _next_batch(self, pending: list[Step], seconds_per_statement: float | None) -> list[Step]:
        """The first pending migration alone until one batch has shown how long statements take,
        then as many as fit ``BATCH_SECONDS``, ``BATCH_MIGRATIONS`` and ``BATCH_BYTES``."""
        if seconds_per_statement is None:
            return pending[:1]
        budget = self.BATCH_SECONDS / max(seconds_per_statement, 1e-6)
        batch: list[Step] = []
        statements = size = 0
        for step in pending[: self.BATCH_MIGRATIONS]:
            script = self.up_script(step.migration)
            statements += len(script)
            size += sum(len(s.sql) for s in script)
            if batch and (statements > budget or size > self.BATCH_BYTES):
                break
            batch.append(step)
        return batch

    def _apply_batch(self, batch: list[Step]) -> list[HistoryRow]:
        """The rows of the migrations of ``batch`` that went in, in order (all of them unless
        one failed)."""
        sql: list[str] = []
        inserts: list[tuple[int, HistoryRow]] = []
        for step in batch:
            migration = step.migration
            statements = [s.sql for s in self.up_script(migration)]
            row = self._row(migration, success=True, applied=len(statements), started=time.monotonic())
            insert = self.history.insert_sql(row, self._literal, applied_at=self.sql_started, duration_ms=self.sql_duration)
            failed_attempt = [self.history.delete_sql(migration.version)] if step.row is not None else []
            sql += ["BEGIN", *self._settings(), self.sql_mark_start, *statements, *failed_attempt]
            inserts.append((len(sql), row))
            sql += [insert, "COMMIT"]
        self._sent = batch
        try:
            results = self.db.execute_together(sql)
        except TogetherFailed as failed:
            if getattr(self.db.raw, "broken", False):
                if len(batch) == 1:
                    raise failed.cause from None  # the connection is gone: the runner says so
                raise MigrationFailed(self._batch_cut_off(batch, failed.cause)) from None
            self.rollback()
            return self._went_in(batch)
        finally:
            self._sent = ()
        went_in = []
        for index, row in inserts:
            returned = results[index]
            assert returned is not None, "an INSERT … RETURNING returns its row"
            ((applied_at, duration_ms),) = returned
            went_in.append(replace(row, applied_at=self.history.time_from_db(applied_at), duration_ms=int(duration_ms)))
        return went_in

    def _went_in(self, batch: list[Step]) -> list[HistoryRow]:
        """After a failed batch: the rows of the migrations that were committed before the failure."""
        applied = {row.version: row for row in self.history.rows() if row.success}
        went_in = []
        for step in batch:
            row = applied.get(step.migration.version)
            if row is None:
                break
            went_in.append(row)
        return went_in

    @staticmethod
    def _batch_cut_off(batch: list[Step], cause: BaseException) -> str:
        return (
            f"the run was cut off while migrations {_span(batch)} were sent together: {error_text(cause)}; "
            "each is applied wholly or not at all, and the history records those that were (see status): "
            "run migrate again"
        )

    def _literal(self, value: object) -> str:
        """A value as a SQL literal for this connection (psycopg's adaptation: quoting, escapes)."""
        return self._transformer.as_literal(value).decode(self.db.raw.info.encoding)

    @cached_property
    def _transformer(self) -> Any:
        from psycopg.adapt import Transformer

        return Transformer(self.db.raw)

    def is_lock_timeout(self, exc: BaseException) -> bool:
        return getattr(exc, "sqlstate", None) == "55P03"  # lock_not_available


class SQLiteApplier(TransactionalApplier):
    """SQLite: ``BEGIN IMMEDIATE`` as the runner lock. A migration rebuilding a table (its
    statements turn foreign keys off) runs with foreign keys off around its transaction (the
    pragma is a no-op inside one) and ``PRAGMA foreign_key_check`` before COMMIT; any other runs
    with them on, so SQLite checks each statement itself and no table is scanned at the end."""

    sql_begin = "BEGIN IMMEDIATE"
    check_sql = "PRAGMA foreign_key_check"
    _foreign_keys_off = False

    def _transaction(self, statements: list[str], proceed: Callable[[], bool], finish: Callable[[float], T]) -> T | None:
        self._foreign_keys_off = SQLITE_FOREIGN_KEYS_OFF in statements
        try:
            return super()._transaction(statements, proceed, finish)
        finally:
            self._foreign_keys_off = False

    def prepare(self) -> None:
        self.begin_history()
        try:
            self.history.create()
            self.backups.create()
            self.db.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        self.configure_session()

    def begin_history(self) -> None:
        self.begin_immediate()

    def begin(self) -> None:
        if self._foreign_keys_off:
            self.db.execute(SQLITE_FOREIGN_KEYS_OFF)
        self.begin_immediate()

    def begin_immediate(self) -> None:
        import sqlite3  # loaded with the connection; not imported for the other databases

        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise self.lock.locked_error() from None
            raise

    def before_commit(self) -> None:
        if not self._foreign_keys_off:
            return
        problems = self.db.query("PRAGMA foreign_key_check")
        if problems:
            table, rowid, parent, _ = problems[0]
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise MigrationError(f"row {rowid} of {table!r} has no parent in {parent!r}{more}")

    def end(self) -> None:
        if self._foreign_keys_off:
            self.db.execute("PRAGMA foreign_keys = ON")


class StepwiseApplier(Applier):
    """MySQL/MariaDB: statement by statement, the history row following each one."""

    def configure_session(self) -> None:
        # Strict mode whatever the server's default: a change that would mangle values (an enum
        # losing a value rows hold, a too-long string) fails, as on PostgreSQL, instead of
        # blanking or cutting them with a warning.
        self.db.execute(
            f"SET SESSION lock_wait_timeout = {max(1, math.ceil(self.options.ddl_lock_timeout))}, "
            "sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')"
        )
        if self.options.statement_timeout and self._is_mariadb():
            # MySQL 8's max_execution_time applies to SELECT only; MariaDB's covers DDL.
            self.db.execute(f"SET SESSION max_statement_time = {self.options.statement_timeout:g}")

    def _is_mariadb(self) -> bool:
        return "mariadb" in str(self.db.query("SELECT VERSION()")[0][0]).lower()

    def is_lock_timeout(self, exc: BaseException) -> bool:
        args = getattr(exc, "args", ())
        return bool(args) and args[0] == 1205  # ER_LOCK_WAIT_TIMEOUT, also for metadata locks

    def run_statements(self, statements: list[str]) -> None:
        for index, sql in enumerate(statements):
            try:
                self._execute_with_retries(sql)
            except Exception as exc:
                raise StatementError(index, sql, exc) from exc

    def apply(self, migration: Migration, resume_from: int = 0, current: HistoryRow | None = None) -> HistoryRow | None:
        """Each statement goes to the server in one packet with the update of the row that records
        it (the server stops at the first error); the row is inserted with the first one."""
        statements = [s.sql for s in self.up_script(migration)]
        version = migration.version
        if current is not None and current.success:
            return None
        started = time.monotonic()
        earlier_ms = current.duration_ms if current is not None and resume_from else 0
        if resume_from == 0:
            row = self._row(migration, success=False, applied=0, started=started)
            opening = [self.history.delete_sql(version)] if current is not None else []
            opening.append(self.history.insert_sql(row, self._literal))
        else:
            row = replace(current, failed_statement=None, error=None) if current is not None else None
            opening = [self.history.update_sql(version, self._literal, {"failed_statement": None, "error": None})]
        opening.append(f"SET {self.STARTED} = UTC_TIMESTAMP(6)")
        finished = f"{earlier_ms} + TIMESTAMPDIFF(MICROSECOND, {self.STARTED}, UTC_TIMESTAMP(6)) DIV 1000"
        self._running = migration
        try:
            for index in range(resume_from, len(statements)):
                last = index == len(statements) - 1
                done = {"statements_applied": index + 1, **({"success": True} if last else {})}
                record = self.history.update_sql(version, self._literal, done, {"duration_ms": finished} if last else None)
                try:
                    self._run_recorded(opening, statements[index], record, index + 1)
                except StatementError as failure:
                    self.history.update(
                        version,
                        failed_statement=failure.sql,
                        error=error_text(failure.cause),
                        duration_ms=earlier_ms + _elapsed_ms(started),
                    )
                    raise MigrationFailed(self._stopped_message(migration, index, len(statements), failure.cause)) from None
                opening = []
            if resume_from >= len(statements):  # every statement ran; only the row's end was not recorded
                done = {"statements_applied": len(statements), "success": True}
                self.db.execute_together([*opening, self.history.update_sql(version, self._literal, done, {"duration_ms": finished})])
        finally:
            self._running = None
        base = row or self.history.get(version)
        assert base is not None
        return replace(
            base,
            success=True,
            statements_applied=len(statements),
            duration_ms=earlier_ms + _elapsed_ms(started),
            failed_statement=None,
            error=None,
        )

    #: A session variable holding when the run of the current migration started (server time).
    STARTED = "@engine_migration_started"

    def _run_recorded(self, opening: list[str], sql: str, record: str, done: int) -> None:
        """Run ``opening`` (history writes), then ``sql``, then ``record``: in one packet, or one
        by one with the ``after_statement`` hook between ``sql`` and ``record``. ``StatementError``
        when ``sql`` fails (after the lock-timeout retries); a history write failing is raised as is."""
        if self.after_statement is not None:
            for history_sql in opening:
                self.db.execute(history_sql)
            try:
                self._execute_with_retries(sql)
            except Exception as exc:
                raise StatementError(done - 1, sql, exc) from exc
            self._statement_done(done)
            self.db.execute(record)
            return
        for attempt in range(self.options.retries + 1):
            try:
                self.db.execute_together([*opening, sql, record])
                return
            except TogetherFailed as failed:
                if failed.index != len(opening):
                    raise failed.cause from None  # a history write: the connection is likely gone
                cause: BaseException = failed.cause
                if not self.is_lock_timeout(cause):
                    raise StatementError(done - 1, sql, cause) from None
                if attempt == self.options.retries:
                    raise StatementError(done - 1, sql, RetriesExhausted(cause, attempt + 1)) from None
                opening = []  # they ran before the statement failed
                time.sleep(self.options.pause(attempt))

    def _literal(self, value: object) -> str:
        """A value as a SQL literal for this connection (PyMySQL's escaping, which follows the
        server's NO_BACKSLASH_ESCAPES mode)."""
        return str(self.db.raw.escape(value))

    def interrupted_hint(self, migration: Migration) -> str:
        return (
            f"statements already run stay applied; see status, then run migrate --resume to continue it or "
            f"rollback --to {migration.version - 1} to undo its applied part"
        )

    def reconcile(self, migrations: list[Migration], rows: list[HistoryRow]) -> list[HistoryRow]:
        """Move forward a row whose run died after a statement took effect but before it was recorded.

        Only a row of an interrupted run (not successful, no error recorded) can lag, by one
        statement at most. The next statement took effect when it is a backup's copy and the backup
        table exists, a backup's record and its row exists, or the last statement of an operation
        and the tables of that operation are as the operation leaves them.
        """
        by_version = {m.version: m for m in migrations}
        changed = False
        for row in rows:
            migration = by_version.get(row.version)
            if row.success or row.error is not None or row.kind != KIND_MIGRATE or migration is None:
                continue
            if migration.checksum != row.checksum:
                continue  # check_history refuses it with a clear message
            up = self.up_script(migration)
            if row.statements_applied < len(up) and self._took_effect(migration, up, row.statements_applied):
                self.history.update(row.version, statements_applied=row.statements_applied + 1)
                changed = True
        return self.history.rows() if changed else rows

    def _took_effect(self, migration: Migration, up: list[Statement], index: int) -> bool:
        statement = up[index]
        if isinstance(statement, BackupStatement):
            if statement.step == COPY:
                return statement.backup in self.backups.tables()
            return any(row.name == statement.backup for row in self.backups.rows())
        from ..compare import normalized
        from ..introspect import introspect

        operation = statement.operation
        if sum(1 for s in up if s.operation <= operation) != index + 1:
            return False  # not its operation's last statement: the schema cannot tell
        names = _tables_of(migration.operations[operation])
        if not names:
            return False
        live = normalized(without_runner_tables(introspect(self.db)))
        before = normalized(migration.schema_before(operation))
        after = normalized(migration.schema_before(operation + 1))
        return _same_tables(live, after, names) and not _same_tables(before, after, names)

    @staticmethod
    def _stopped_message(migration: Migration, index: int, total: int, exc: BaseException) -> str:
        applied = {0: "no statement was applied", 1: "statement 1 was applied and recorded"}.get(
            index, f"statements 1-{index} were applied and recorded"
        )
        return (
            f"migration {migration.label} failed at statement {index + 1} of {total}: {error_text(exc)}; {applied} "
            f"(fix the cause and run migrate --resume, or rollback --to {migration.version - 1})"
        )

    def revert(self, migration: Migration, row: HistoryRow) -> None:
        """Undo operation by operation, newest first, the row's count following each step.

        A row counts up statements; after undoing operation ``j`` it says ``up_start(j)`` statements
        are applied, which is exactly the database's state. An operation stopped half-way is
        undone by comparing the live tables it touches with the schema before it.
        """
        script = self.script_here(migration)
        count = len(migration.operations_data)
        applied = len(script.up) if row.success else row.statements_applied
        starts = [script.up_start(j) for j in range(count + 1)]
        completed = max(j for j in range(count + 1) if starts[j] <= applied)
        cut_off = not row.success and row.error is None and completed < count
        if applied > starts[completed] or cut_off:
            # Stopped inside operation ``completed``, or (a run cut off before recording its
            # first statement) maybe just after starting it: the live tables say which.
            self._undo_partial_operation(migration, completed)
            self.history.update(migration.version, success=False, statements_applied=starts[completed])
        for operation in reversed(range(completed)):
            for statement in script.down_of(operation, count):
                try:
                    self._execute_with_retries(statement.sql)
                except Exception as exc:
                    self.history.update(migration.version, failed_statement=statement.sql, error=error_text(exc))
                    raise MigrationFailed(
                        f"rollback of {migration.label} failed: {error_text(exc)}; its first {operation + 1} "
                        "operation(s) remain applied and the history says so (fix the cause and roll back again)"
                    ) from None
            self.history.update(migration.version, success=False, statements_applied=starts[operation])
        self.history.delete(migration.version)

    def _undo_partial_operation(self, migration: Migration, index: int) -> None:
        """Put back the tables the operation touched, and drop the backup taken before it."""
        from ..compare import normalized
        from ..diff import diff
        from ..introspect import introspect
        from ..render import render

        names = _tables_of(migration.operations[index])
        live = normalized(without_runner_tables(introspect(self.db)))
        target = normalized(migration.schema_before(index))
        fixes = [op for op in diff(live, target) if op.table_name in names]
        for statement in render(fixes, live, self.db.dialect):
            self._execute_with_retries(statement.sql)
        taken = {b.name for b in planned_backups(migration) if b.operation == index}
        for sql in self.backups.drop_statements(taken & self.backups.existing(migration.version)):
            self._execute_with_retries(sql)

    def _execute_with_retries(self, sql: str) -> None:
        for attempt in range(self.options.retries + 1):
            try:
                self.db.execute(sql)
                return
            except Exception as exc:
                if not self.is_lock_timeout(exc):
                    raise
                if attempt == self.options.retries:
                    raise RetriesExhausted(exc, attempt + 1) from exc
                time.sleep(self.options.pause(attempt))


def _span(steps: Sequence[Step]) -> str:
    """``0003 to 0050``: the versions of a batch."""
    return f"{version_text(steps[0].migration.version)} to {version_text(steps[-1].migration.version)}"


def applier_for(db: Database, history: History, lock: RunnerLock, options: RunOptions, applied_by: str) -> Applier:
    kind = {"postgresql": PostgreSQLApplier, "mysql": StepwiseApplier, "sqlite": SQLiteApplier}[db.dialect]
    return kind(db, history, lock, options, applied_by)


def _tables_of(operation: Operation) -> set[str]:
    """The tables an operation changes (both names of a renamed table)."""
    from ..operations import RenameTable

    names = {operation.table_name} if operation.table_name else set()
    if isinstance(operation, RenameTable):
        names.add(operation.new_name)
    return names


def _same_tables(a: Schema, b: Schema, names: set[str]) -> bool:
    """``a`` and ``b`` hold the same tables ``names`` (or both lack them)."""
    from ..diff import diff

    return not [op for op in diff(a, b) if op.table_name in names]


def _position(failure: StatementError, total: int) -> str:
    if failure.index < total:
        return f"statement {failure.index + 1} of {total}"
    return failure.sql

def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
