"""The cast of the migration tests: three schema versions, a folder holding their migrations."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from migrations_engine import snapshot
from migrations_engine.diff import diff
from migrations_engine.migrations.appliers import RunOptions
from migrations_engine.migrations.folder import MigrationFolder
from migrations_engine.migrations.model import Migration, Script
from migrations_engine.migrations.runner import Runner
from migrations_engine.naming import with_default_names
from migrations_engine.operations import operations_to_data
from migrations_engine.render import Statement, render, render_down
from migrations_engine.schema import Column, ForeignKey, PrimaryKey, Schema, Table, Unique
from migrations_engine.types import ColumnType
from migrations_engine.urls import DatabaseURL

INTEGER = ColumnType.parse("integer")
DIALECTS = ("postgresql", "mysql", "sqlite")
# Validation on a scratch copy is tested in test_validation.py and where a test says validate=True;
# elsewhere it would only add a scratch database to every run.
FAST = RunOptions(lock_timeout=5.0, ddl_lock_timeout=1.0, retries=2, retry_pause=0.05, validate=False)

ID = Column("id", INTEGER, nullable=False, id="user.id")
EMAIL = Column("e-mail", ColumnType.parse("varchar(100)"), id="user.email")
NICKNAME = Column("nickname", ColumnType.parse("varchar(50)"), id="user.nickname")
ORDER = Table(
    "order",
    (Column("id", INTEGER, nullable=False, id="order.id"), Column("user id", INTEGER, id="order.user")),
    PrimaryKey(("id",)),
    foreign_keys=(ForeignKey(("user id",), "user", ("id",)),),
    id="order",
)


def version_1() -> Schema:
    """A table ``user`` (id, e-mail)."""
    return with_default_names(Schema((Table("user", (ID, EMAIL), PrimaryKey(("id",)), id="user"),)))


def version_2() -> Schema:
    """Adds ``user.nickname`` and a table ``order`` referencing ``user``."""
    return with_default_names(Schema((Table("user", (ID, EMAIL, NICKNAME), PrimaryKey(("id",)), id="user"), ORDER)))


def version_3() -> Schema:
    """Drops ``user.nickname`` (destructive) and makes e-mails unique (fails on duplicates)."""
    user = Table("user", (ID, EMAIL), PrimaryKey(("id",)), uniques=(Unique(("e-mail",)),), id="user")
    return with_default_names(Schema((user, ORDER)))


def write_folder(path: Path, schemas: list[Schema], dialects: tuple[str, ...] = DIALECTS) -> MigrationFolder:
    folder = MigrationFolder(path)
    names = ["create users", "add orders", "unique e-mails"]
    previous = Schema()
    migrations = []
    for number, schema in enumerate(schemas, start=1):
        migrations.append(Migration.create(number, names[number - 1], previous, schema, diff(previous, schema), dialects))
        previous = schema
    folder.extend(migrations)
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> MigrationFolder:
    return write_folder(tmp_path / "migrations", [version_1(), version_2(), version_3()])


def runner(folder: MigrationFolder, url: DatabaseURL, **options: object) -> tuple[Runner, io.StringIO]:
    out = io.StringIO()
    return Runner(folder, url, RunOptions(**{**FAST.__dict__, **options}), out), out


def craft(
    folder: MigrationFolder, name: str, after: Schema, dialect: str, up: list[str], down: list[str]
) -> Migration:
    """Write the folder's next migration to ``after`` with hand-written statements (a broken file,
    re-summed as makemigration would write it)."""
    migrations = folder.read()
    before = migrations[-1].schema if migrations else Schema()
    operations = diff(before, after)
    migration = Migration(
        version=len(migrations) + 1,
        name=name,
        from_hash=snapshot.content_hash(before),
        to_hash=snapshot.content_hash(after),
        scripts={dialect: Script(tuple(Statement(sql, 0) for sql in up), tuple(Statement(sql, 0) for sql in down))},
        operations_data=tuple(operations_to_data(operations)),
        schema_json=snapshot.dumps(after),
    )
    folder.write(migration)
    return migration


def scripts(before: Schema, after: Schema, dialect: str) -> tuple[list[str], list[str]]:
    """The engine's own up and down statements from ``before`` to ``after``."""
    operations = diff(before, after)
    return [s.sql for s in render(operations, before, dialect)], [s.sql for s in render_down(operations, after, dialect)]
