"""Validation on a scratch copy: a broken migration is refused before the target is touched."""

from __future__ import annotations

import pytest

from migrations_engine.connection import connect
from migrations_engine.dialects import get_dialect
from migrations_engine.introspect import introspect
from migrations_engine.migrations.errors import ValidationFailed
from migrations_engine.migrations.validation import scratch_for
from migrations_engine.naming import with_default_names
from migrations_engine.schema import Column, PrimaryKey, Schema, Table
from migrations_engine.types import ColumnType
from tests.engine.roundtrip import run

from .conftest import (
    EMAIL,
    ID,
    INTEGER,
    craft,
    runner,
    scripts,
    version_1,
    version_2,
    version_3,
    write_folder,
)
from .test_runner import assert_schema, history


def broken_statement(dialect: str) -> str:
    q = get_dialect(dialect).quote
    return f"ALTER TABLE {q('no such table')} ADD COLUMN {q('x')} INTEGER"


def refused(folder, url) -> str:
    with pytest.raises(ValidationFailed) as caught:
        runner(folder, url, validate=True)[0].migrate()
    message = str(caught.value)
    assert "\n" not in message and message.endswith("; the target database was not touched")
    return message


@pytest.fixture
def at_version_1(tmp_path, db_url):
    """A folder whose first migration is applied to the database."""
    folder = write_folder(tmp_path / "migrations", [version_1()], (db_url.dialect,))
    runner(folder, db_url)[0].migrate()
    return folder


def test_a_broken_up_statement_never_touches_the_target(tmp_path, db_url):
    folder = write_folder(tmp_path / "migrations", [version_1()], (db_url.dialect,))
    up, down = scripts(version_1(), version_2(), db_url.dialect)
    craft(folder, "add orders", version_2(), db_url.dialect, [*up, broken_statement(db_url.dialect)], down)
    message = refused(folder, db_url)
    assert message.startswith(
        f"validation of migration 0002 add orders on a scratch copy failed: up, statement {len(up) + 1} of "
        f"{len(up) + 1} ({broken_statement(db_url.dialect)}): "
    )
    assert introspect(db_url).tables == ()  # version 1 was not applied either, nor the history table made


def test_a_broken_down_statement_is_refused(at_version_1, db_url):
    up, down = scripts(version_1(), version_2(), db_url.dialect)
    craft(at_version_1, "add orders", version_2(), db_url.dialect, up, [broken_statement(db_url.dialect), *down])
    assert f"failed: down, statement 1 of {len(down) + 1} (" in refused(at_version_1, db_url)
    assert history(db_url) == [(1, True, 1)]
    assert_schema(db_url, version_1())


def test_a_migration_landing_on_another_schema_is_refused(at_version_1, db_url):
    """Its statements run, but the column they add is not the one its snapshot holds."""
    wrong = with_default_names(Schema((Table("user", (ID, EMAIL, Column("nickname", INTEGER)), PrimaryKey(("id",))),)))
    up, down = scripts(version_1(), wrong, db_url.dialect)
    after = with_default_names(
        Schema((Table("user", (ID, EMAIL, Column("nickname", ColumnType.parse("varchar(50)"))), PrimaryKey(("id",))),))
    )
    craft(at_version_1, "add nickname", after, db_url.dialect, up, down)
    assert "failed: after up the schema is not the migration's (1 differences; to reach it would still take: " \
        "Change column “nickname” of table “user”: type integer → varchar(50))" in refused(at_version_1, db_url)
    assert_schema(db_url, version_1())


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_a_down_that_leaves_something_behind_is_refused(at_version_1, db_url):
    up, down = scripts(version_1(), version_2(), "sqlite")
    craft(at_version_1, "add orders", version_2(), "sqlite", up, down[:-1])  # forgets to drop "order"
    assert "failed: after down the schema is not the schema before up (to reach it would still take: " in refused(at_version_1, db_url)


def test_drift_unrelated_to_the_migration_is_carried_over(at_version_1, db_url):
    q = get_dialect(db_url.dialect).quote
    run(db_url, [f"CREATE TABLE {q('audit')} ({q('id')} INTEGER PRIMARY KEY)"])
    up, down = scripts(version_1(), version_2(), db_url.dialect)
    craft(at_version_1, "add orders", version_2(), db_url.dialect, up, down)
    migrate, out = runner(at_version_1, db_url, validate=True)
    assert [r.version for r in migrate.migrate()] == [2]
    assert out.getvalue().startswith("validated 0002 on a scratch copy: up, down, up again\n")


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_a_migration_tripping_over_drift_is_refused(at_version_1, db_url):
    q = get_dialect("sqlite").quote
    run(db_url, [f"ALTER TABLE {q('user')} ADD COLUMN {q('nickname')} INTEGER"])
    up, down = scripts(version_1(), version_2(), "sqlite")
    craft(at_version_1, "add orders", version_2(), "sqlite", up, down)
    assert "duplicate column name: nickname" in refused(at_version_1, db_url)
    assert history(db_url) == [(1, True, 1)]


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_no_validate_skips_it(at_version_1, db_url):
    up, down = scripts(version_1(), version_2(), "sqlite")
    craft(at_version_1, "add orders", version_2(), "sqlite", up, down[:-1])
    migrate, out = runner(at_version_1, db_url, validate=False)
    assert [r.version for r in migrate.migrate()] == [2]
    assert "validated" not in out.getvalue()


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_scratch_databases_are_dropped(db_url):
    scratch = scratch_for(db_url)
    scratch.open()
    created = [db.url.database for db in (scratch.copy, scratch.reference)]
    scratch.close()
    listing = {
        "postgresql": "SELECT datname FROM pg_database",
        "mysql": "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA",
    }[db_url.dialect]
    with connect(db_url) as db:
        names = {row[0] for row in db.query(listing)}
    assert created[0].startswith("me_validate_") and not set(created) & names


def test_a_scratch_server_of_another_kind_is_refused(tmp_path, pg_url):
    folder = write_folder(tmp_path / "migrations", [version_1()], ("postgresql",))
    with pytest.raises(ValidationFailed, match="--scratch-url is a mysql server but the target is postgresql"):
        runner(folder, pg_url, validate=True, scratch_url="mysql://root@127.0.0.1/mysql")[0].migrate()


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_a_long_validation_shows_its_progress(tmp_path, db_url, monkeypatch):
    from migrations_engine.migrations import validation

    monkeypatch.setattr(validation, "PROGRESS_EVERY", 0.0)
    folder = write_folder(tmp_path / "migrations", [version_1(), version_2(), version_3()], (db_url.dialect,))
    migrate, out = runner(folder, db_url, validate=True)
    migrate.migrate()
    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "validating on a scratch copy: 1 of 3 done (0001 create users)",
        "validating on a scratch copy: 2 of 3 done (0002 add orders)",
        "validated 0001 to 0003 on a scratch copy: up, down, up again",
    ]


@pytest.mark.parametrize("dialect", ["postgresql"])
def test_sequences_and_domains_are_validated_and_applied(tmp_path, db_url):
    from dataclasses import replace

    from migrations_engine.schema import Check, Default, Domain, Sequence

    seq = Sequence("user_no", "integer")
    year = Domain("year", "integer", checks=(Check("VALUE >= 1901", "year_check"),))
    extra = (
        Column("no", INTEGER, False, Default("nextval('user_no'::regclass)", True)),
        Column("born", ColumnType.parse("postgresql:year")),
    )

    def with_objects(schema: Schema, domain: Domain = year) -> Schema:
        user = schema.table("user")
        user = replace(user, columns=(*user.columns, *extra))
        return replace(schema.replace_table("user", user), sequences=(seq,), domains=(domain,))

    stricter = replace(year, checks=(Check("VALUE >= 1900", "after_1900"),), nullable=True, default="1970")
    schemas = [with_objects(version_1()), with_objects(version_2()), with_objects(version_2(), stricter)]
    folder = write_folder(tmp_path / "migrations", schemas, (db_url.dialect,))

    runner(folder, db_url, validate=True)[0].migrate()

    live = introspect(db_url)
    assert live.sequences == (seq,) and live.domains == (stricter,)
    runner(folder, db_url)[0].rollback(to=0)
    assert introspect(db_url).sequences == () and introspect(db_url).domains == ()
