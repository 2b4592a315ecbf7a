"""What a deployment would do, shown before anything runs: the runner's own dry run (the
migrations in order, their SQL with destructive operations marked, the backups it takes) and,
for a forward deployment, the runner's validation on a scratch database (up, down, up).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from designer.deploy.folders import project_folder
from designer.deploy.targets import redact
from designer.models.connections import Connection
from migrations_engine.connection import connect
from migrations_engine.errors import EngineError
from migrations_engine.migrations.appliers import RunOptions
from migrations_engine.migrations.backups import planned_backups, run_script
from migrations_engine.migrations.folder import MigrationFolder
from migrations_engine.migrations.history import history_for
from migrations_engine.migrations.model import Migration
from migrations_engine.migrations.runner import Runner, current_version, partial_row
from migrations_engine.urls import parse_url


@dataclass(frozen=True)
class PlannedMigration:
    version: int
    label: str
    statements: int
    destructive: list[str]
    backups: list[str]


@dataclass
class Plan:
    connection: Connection
    target: int
    current: int | None = None
    rollback: bool = False
    migrations: list[PlannedMigration] = field(default_factory=list)
    #: The runner's dry run: the SQL it would run, annotated.
    script: str = ""
    #: Why the run cannot go ahead as asked (an unknown version, a history that does not match …).
    error: str = ""
    #: The database's last migration stopped half-way: a forward run resumes it.
    resumes: bool = False

    @property
    def statements(self) -> int:
        return sum(m.statements for m in self.migrations)

    @property
    def destructive(self) -> bool:
        return any(m.destructive for m in self.migrations)

    @property
    def nothing_to_do(self) -> bool:
        return not self.error and not self.migrations


@sensitive_variables()
def current_of(connection: Connection) -> tuple[int, bool]:
    """The version the database's history says is applied, and whether one stopped half-way.
    A SQLite file not made yet is at version 0 (the first deployment creates it, in its folder)."""
    url = parse_url(connection.url())
    if url.dialect == "sqlite" and not Path(url.database).exists():
        return 0, False
    with connect(url, create=False, timeout=settings.CONNECTION_TIMEOUT) as db:
        rows = history_for(db).rows()
    return current_version(rows), partial_row(rows) is not None


@sensitive_variables()
def make_plan(connection: Connection, target: int) -> Plan:
    """The plan for taking ``connection`` to version ``target`` (forward or back)."""
    plan = Plan(connection, target)
    url_text = connection.url()
    try:
        plan.current, partial = current_of(connection)
        plan.rollback = target < plan.current
        plan.resumes = partial and not plan.rollback
        with project_folder(connection.project) as path:
            migrations = MigrationFolder(path).read()
            if target > len(migrations):
                raise EngineError(f"there is no v{target}: the project's latest version is v{len(migrations)}")
            plan.script = _dry_run(path, url_text, plan)
        first = plan.current - 1 if plan.resumes else plan.current
        chosen = migrations[target : plan.current] if plan.rollback else migrations[first:target]
        plan.migrations = [_planned(m, connection.dialect, plan.rollback) for m in (reversed(chosen) if plan.rollback else chosen)]
    except EngineError as exc:
        plan.error = redact(str(exc), url_text)
    return plan


@sensitive_variables()
def _dry_run(path: Path, url_text: str, plan: Plan) -> str:
    out = io.StringIO()
    runner = Runner(path, url_text, RunOptions(validate=False), out=out)
    if plan.rollback:
        runner.rollback(plan.target, dry_run=True)
    else:
        runner.migrate(plan.target, dry_run=True, resume=plan.resumes)
    return redact(out.getvalue(), url_text)


def _planned(migration: Migration, dialect: str, rollback: bool) -> PlannedMigration:
    script = run_script(migration, dialect)
    backups = planned_backups(migration)
    return PlannedMigration(
        version=migration.version,
        label=migration.label,
        statements=len(script.down if rollback else script.up),
        destructive=[op.describe() for op in migration.destructive_operations()],
        backups=[b.describe() for b in backups],
    )


@sensitive_variables()
def validate(connection: Connection, target: int) -> tuple[bool, str]:
    """The runner's validation of the forward plan on a scratch database: (passed, its lines)."""
    from migrations_engine.migrations.validation import Validator

    url_text = connection.url()
    out = io.StringIO()
    try:
        with project_folder(connection.project) as path:
            migrations = MigrationFolder(path).read()
        url = parse_url(url_text)
        if url.dialect == "sqlite" and not Path(url.database).exists():
            url = url.with_database(":memory:")  # not made yet: as empty as a new file
        with connect(url, create=False, timeout=settings.CONNECTION_TIMEOUT) as db:
            rows = history_for(db).rows()
            current = current_version(rows)
            stopped = partial_row(rows)
            start = stopped.statements_applied if stopped is not None else 0
            pending = [(m, start if stopped is not None and m.version == stopped.version else 0)
                       for m in migrations[current:target]]
            if not pending:
                return True, "nothing to validate: no migration to apply"
            Validator(db, RunOptions(), lambda m: run_script(m, db.dialect), out).validate(pending)
    except EngineError as exc:
        return False, redact(out.getvalue() + str(exc), url_text)
    return True, redact(out.getvalue(), url_text)
