"""``Runner(before_each=…)``: called before each migration applied or rolled back; raising there
stops the run between two migrations, those before it complete and recorded (how the designer
cancels a deployment)."""

from __future__ import annotations

import pytest

from migrations_engine.migrations.model import Migration

from .conftest import runner, version_1, version_2
from .test_runner import assert_schema, history


class Stop(Exception):
    pass


def stopping_before(version: int, seen: list[int]):
    def before_each(migration: Migration) -> None:
        seen.append(migration.version)
        if migration.version == version:
            raise Stop

    return before_each


def test_migrate_stops_before_the_chosen_migration_with_the_earlier_ones_recorded(folder, db_url):
    migrate, _ = runner(folder, db_url)
    seen: list[int] = []
    migrate.before_each = stopping_before(3, seen)
    with pytest.raises(Stop):
        migrate.migrate()
    # PostgreSQL would send all three in one batch: with before_each they go one at a time.
    assert seen == [1, 2, 3]
    assert [(v, ok) for v, ok, _ in history(db_url)] == [(1, True), (2, True)]
    assert_schema(db_url, version_2())


def test_rollback_stops_before_the_chosen_migration(folder, db_url):
    runner(folder, db_url)[0].migrate()
    back, _ = runner(folder, db_url)
    seen: list[int] = []
    back.before_each = stopping_before(2, seen)
    with pytest.raises(Stop):
        back.rollback(0)
    assert seen == [3, 2]
    assert [v for v, _, _ in history(db_url)] == [1, 2]
    assert_schema(db_url, version_2())


def test_without_raising_it_sees_every_migration(folder, db_url):
    migrate, _ = runner(folder, db_url)
    seen: list[int] = []
    migrate.before_each = seen.append  # type: ignore[assignment]
    migrate.migrate(to=1)
    assert [m.version for m in seen] == [1]  # type: ignore[attr-defined]
    assert_schema(db_url, version_1())
