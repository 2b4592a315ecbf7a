"""Validation of the pending migrations on a scratch copy of the target's schema, before the target
is touched.

The target's live schema (without the history table) is built in a scratch database (the
``copy``). Each pending migration then runs there as it would run on the target (the same
applier: one transaction with its checks, or statement by statement): up, down, up again. After
each step the copy is read back and compared, live against live, with what the step must leave:

- after up: the migration's ``to`` snapshot, built fresh in a second scratch database (the
  ``reference``) and read back, so that both sides are what the dialect really stores. Every
  table there is made by ``CREATE TABLE`` from a snapshot, never by a migration's statements; a
  table equal to the one the previous build made is kept rather than made again;
- after down: the copy as it was before up;
- after up again: the copy as it was after the first up.

When the target has drifted from the folder's schema, the copy carries that drift: up must then
land on the ``to`` snapshot plus the same drift (differences unrelated to the migration stay as
they were; a migration that would undo or trip over them is refused).

Any failure raises ``ValidationFailed`` naming the version, the step and the statement; the
target has then not been touched (not even its history table created). The scratch databases are
dropped in every case.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TextIO

from ..compare import differences, equivalent
from ..connection import Database, connect
from ..dialects import get_dialect
from ..diff import diff
from ..introspect import introspect
from ..render import render
from ..schema import Schema, strip_ids
from ..scratch import create_scratch, drop_scratch
from ..urls import DatabaseURL, parse_url
from .appliers import Applier, RunOptions, StatementError, applier_for, error_text
from .backups import BackupStore
from .errors import ValidationFailed
from .history import history_for, without_history, without_runner_tables
from .locks import lock_for
from .model import Migration, Script

SCRATCH_PREFIX = "me_validate"
#: Seconds between two progress lines while many migrations are validated.
PROGRESS_EVERY = 2.0
_SHOWN_SQL = 300


class Scratch:
    """The two scratch databases of a validation: ``copy`` and ``reference``. Subclasses say where
    they live and how the reference is emptied between builds."""

    def __init__(self, server: DatabaseURL) -> None:
        self.server = server
        self.copy: Database | None = None
        self.reference: Database | None = None

    def open(self) -> None:
        """Create both databases and connect to them. Mandatory."""
        raise NotImplementedError

    def reset_reference(self) -> None:
        """Leave the reference empty. Mandatory."""
        raise NotImplementedError

    def close(self) -> None:
        """Disconnect and drop whatever ``open`` created, whatever state it is in. Mandatory."""
        raise NotImplementedError

    @staticmethod
    def _close_quietly(db: Database | None) -> None:
        if db is not None:
            try:
                db.close()
            except Exception:  # a broken connection is being thrown away anyway
                pass


class PostgreSQLScratch(Scratch):
    """One scratch database (creating one costs a few hundred milliseconds): the copy in its
    ``public`` schema, the reference in a schema of its own on a connection whose search path is
    only that schema (introspection reads ``current_schema()``)."""

    reference_schema = "me_reference"

    def open(self) -> None:
        self.url = create_scratch(self.server, prefix=SCRATCH_PREFIX)
        self.copy = connect(self.url)
        self.reference = connect(self.url)
        self.reference.execute(f"CREATE SCHEMA {self.reference_schema}")
        self.reference.execute(f"SET search_path TO {self.reference_schema}")

    def reset_reference(self) -> None:
        assert self.reference is not None
        self.reference.execute(f"DROP SCHEMA {self.reference_schema} CASCADE")
        self.reference.execute(f"CREATE SCHEMA {self.reference_schema}")

    def close(self) -> None:
        self._close_quietly(self.copy)
        self._close_quietly(self.reference)
        if getattr(self, "url", None) is not None:
            drop_scratch(self.server, self.url)


class MySQLScratch(Scratch):
    """Two scratch databases; the reference is emptied by dropping its tables."""

    def open(self) -> None:
        self.urls = [create_scratch(self.server, prefix=SCRATCH_PREFIX)]
        self.copy = connect(self.urls[0])
        self.urls.append(create_scratch(self.server, prefix=SCRATCH_PREFIX))
        self.reference = connect(self.urls[1])

    def reset_reference(self) -> None:
        assert self.reference is not None
        found = self.reference.query(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
        )
        if not found:
            return
        quote = get_dialect("mysql").quote
        self.reference.execute("SET FOREIGN_KEY_CHECKS = 0")
        self.reference.execute("DROP TABLE " + ", ".join(quote(row[0]) for row in found))
        self.reference.execute("SET FOREIGN_KEY_CHECKS = 1")

    def close(self) -> None:
        self._close_quietly(self.copy)
        self._close_quietly(self.reference)
        for url in getattr(self, "urls", []):
            drop_scratch(self.server, url)


class SQLiteScratch(Scratch):
    """Two in-memory databases; a new connection is a new, empty database."""

    def open(self) -> None:
        self.copy = connect(self.server)
        self.reference = connect(self.server)

    def reset_reference(self) -> None:
        self._close_quietly(self.reference)
        self.reference = connect(self.server)

    def close(self) -> None:
        self._close_quietly(self.copy)
        self._close_quietly(self.reference)


def scratch_for(target: DatabaseURL, scratch_url: str | None = None) -> Scratch:
    """The scratch databases for validating migrations bound for ``target``: on ``scratch_url``'s
    server when given, else beside the target (SQLite: in memory)."""
    if target.dialect == "sqlite":
        return SQLiteScratch(DatabaseURL("sqlite", ":memory:"))
    server = parse_url(scratch_url) if scratch_url else target
    if server.dialect != target.dialect:
        raise ValidationFailed(
            f"--scratch-url is a {server.dialect} server but the target is {target.dialect}: validation needs the same kind"
        )
    return {"postgresql": PostgreSQLScratch, "mysql": MySQLScratch}[target.dialect](server)


class Validator:
    """Validates pending migrations for one target on scratch databases (see the module's docstring).

    ``script_of`` gives the statements a migration runs with on the target (its own, and any
    the runner adds), so that the copy runs exactly those.
    """

    def __init__(
        self,
        target: Database,
        options: RunOptions,
        script_of: Callable[[Migration], Script],
        out: TextIO,
    ) -> None:
        self.target = target
        self.dialect = target.dialect
        self.options = options
        self.script_of = script_of
        self.out = out
        #: What the reference database holds (as built from a snapshot, without ids), once built.
        self._built: Schema | None = None

    def validate(self, migrations: list[tuple[Migration, int]]) -> None:
        """Validate ``(migration, first statement)`` pairs in order (the first statement is not 0
        for a migration being resumed); ``ValidationFailed`` on the first failure."""
        if not migrations:
            return
        live = without_history(introspect(self.target))
        with self._scratch() as scratch:
            assert scratch.copy is not None
            applier = self._applier(scratch.copy)
            self._build(scratch.copy, Schema(), live, "the database's schema")
            BackupStore(scratch.copy).create()
            state = self._read(scratch.copy)
            first, start = migrations[0]
            expected_before = self._reference(scratch, first, first.schema_before(0))
            # What differs, live, from the folder's schema: carried over unchanged by every step.
            drift = differences(expected_before, state) if start == 0 else []
            reported = time.monotonic()
            for done, (migration, start) in enumerate(migrations, start=1):
                state, expected_before = self._validate_one(
                    scratch, applier, migration, start, state, expected_before, drift
                )
                if done < len(migrations) and time.monotonic() - reported >= PROGRESS_EVERY:
                    self._say(f"validating on a scratch copy: {done} of {len(migrations)} done ({migration.label})")
                    reported = time.monotonic()
        versions = [m.label.split(" ", 1)[0] for m, _ in migrations]
        span = versions[0] if len(versions) == 1 else f"{versions[0]} to {versions[-1]}"
        self._say(f"validated {span} on a scratch copy: up, down, up again")

    def _validate_one(
        self,
        scratch: Scratch,
        applier: Applier,
        migration: Migration,
        start: int,
        state: Schema,
        expected_before: Schema,
        drift: list[str],
    ) -> tuple[Schema, Schema]:
        """Up, down, up again for one migration; returns the copy's schema after it and the reference's."""
        assert scratch.copy is not None
        script = self.script_of(migration)
        up = [s.sql for s in script.up]
        down = [s.sql for s in script.down]
        expected = self._reference(scratch, migration, migration.schema)

        self._run(applier, migration, "up", up, start)
        after = self._read(scratch.copy)
        self._check_landing(migration, "up", after, expected, drift)

        self._run(applier, migration, "down", down)
        undone = self._read(scratch.copy)
        if start == 0:
            self._check_same(migration, "down", undone, state, "the schema before up")
        else:  # resuming: the copy started half-way, so down must reach the previous version
            self._check_landing(migration, "down", undone, expected_before, [])

        self._run(applier, migration, "up again", up)
        self._check_same(migration, "up again", self._read(scratch.copy), after, "the schema after the first up")
        return after, expected

    # ------------------------------------------------------------ steps

    @contextmanager
    def _scratch(self) -> Iterator[Scratch]:
        scratch = scratch_for(self.target.url, self.options.scratch_url)
        try:
            try:
                scratch.open()
            except Exception as exc:
                raise ValidationFailed(
                    f"validation needs a scratch database and cannot create one on {scratch.server} "
                    f"({error_text(exc)}); give --scratch-url for a server where it can, or run with --no-validate"
                ) from None
            yield scratch
        finally:
            scratch.close()

    def _applier(self, db: Database) -> Applier:
        history = history_for(db)
        applier = applier_for(db, history, lock_for(db, self.options.lock_timeout), self.options, "validation")
        applier.configure_session()
        return applier

    def _build(self, db: Database, start: Schema, end: Schema, what: str) -> None:
        """Turn ``db``, holding ``start``, into ``end`` through the engine (a diff and its SQL)."""
        for statement in render(diff(start, end), start, self.dialect):
            try:
                db.execute(statement.sql)
            except Exception as exc:
                raise ValidationFailed(
                    f"validation cannot build {what} in a scratch database: {_shown(statement.sql)} failed: "
                    f"{error_text(exc)} (run with --no-validate to skip validation)"
                ) from None

    def _reference(self, scratch: Scratch, migration: Migration, schema: Schema) -> Schema:
        """``schema`` as the dialect stores it: built in the reference and read back.

        Tables equal to those of the previous build stay (their fresh build is already there);
        the others are dropped and created afresh from ``schema``, with every table whose foreign
        keys reference one of them (dropping a table takes those keys along). A change of enums,
        sequences or domains empties the reference and builds everything.
        """
        assert scratch.reference is not None
        target = strip_ids(schema)
        kept = _reusable_tables(self._built, target)
        what = f"the schema of migration {migration.label}"
        if self._built is None or kept is None:
            scratch.reset_reference()
            start = Schema()
        else:
            start = replace(target, tables=tuple(t for t in target.tables if t.name in kept))
            self._build(scratch.reference, self._built, start, what)  # drops the tables not kept
        self._build(scratch.reference, start, target, what)
        self._built = target
        return self._read(scratch.reference)

    def _run(self, applier: Applier, migration: Migration, step: str, statements: list[str], start: int = 0) -> None:
        try:
            applier.run_statements(statements[start:])
        except StatementError as failure:
            index = failure.index + start
            where = (
                f"statement {index + 1} of {len(statements)} ({_shown(failure.sql)})"
                if index < len(statements)
                else f"the check {failure.sql!r} after its statements"
            )
            raise self._failed(migration, f"{step}, {where}: {error_text(failure.cause)}") from None

    @staticmethod
    def _read(db: Database) -> Schema:
        return without_runner_tables(introspect(db))

    def _check_landing(self, migration: Migration, step: str, actual: Schema, expected: Schema, drift: list[str]) -> None:
        """``actual`` is ``expected`` plus exactly ``drift`` (the changes made outside migrations)."""
        found = differences(expected, actual)
        if sorted(found) == sorted(drift):
            return
        if not drift:
            missing = differences(actual, expected)
            raise self._failed(
                migration,
                f"after {step} the schema is not the migration's ({len(missing)} differences; to reach it would "
                f"still take: {missing[0] if missing else 'changes the diff does not name'})",
            )
        unexpected = [d for d in found if d not in drift] + [d for d in drift if d not in found]
        raise self._failed(
            migration,
            f"after {step} the schema is not the migration's plus the database's drift "
            f"(the migration undoes or trips over a change made outside migrations: {unexpected[0]})",
        )

    def _check_same(self, migration: Migration, step: str, actual: Schema, expected: Schema, what: str) -> None:
        if equivalent(actual, expected):
            return
        missing = differences(actual, expected)
        raise self._failed(
            migration,
            f"after {step} the schema is not {what} (to reach it would still take: "
            f"{missing[0] if missing else 'changes the diff does not name'})",
        )

    @staticmethod
    def _failed(migration: Migration, detail: str) -> ValidationFailed:
        return ValidationFailed(
            f"validation of migration {migration.label} on a scratch copy failed: {detail}; "
            "the target database was not touched"
        )

    def _say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()


def _reusable_tables(built: Schema | None, target: Schema) -> set[str] | None:
    """The tables of ``target`` the reference may keep from the ``built`` schema: equal there, and
    referencing through foreign keys only tables kept too. None: build everything afresh (nothing
    built yet, or the enums, sequences or domains changed: dropping a type would take columns
    along, and a sequence its defaults)."""
    if built is None or (built.enums, built.sequences, built.domains) != (target.enums, target.sequences, target.domains):
        return None
    kept = {t.name for t in target.tables if built.has_table(t.name) and built.table(t.name) == t}
    while True:
        dropped = {
            t.name for t in target.tables if t.name in kept and any(fk.ref_table not in kept for fk in t.foreign_keys)
        }
        if not dropped:
            return kept
        kept -= dropped


def _shown(sql: str) -> str:
    """A statement on one line, cut to a length fit for a message."""
    text = " ".join(sql.split())
    return text if len(text) <= _SHOWN_SQL else text[: _SHOWN_SQL - 1] + "…"
