"""Lines saying a long migration is still running."""

from __future__ import annotations

import re
import time

from migrations_engine.migrations.watch import Watch

from .conftest import craft, runner, version_1, version_2, write_folder

#: A statement SQLite takes a good fraction of a second over.
SLOW = (
    'CREATE TABLE "slow" AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) '
    "SELECT count(*) AS n FROM c"
)


def test_a_step_is_reported_while_it_runs_and_not_after():
    said: list[str] = []
    with Watch(said.append, every=0.05).running() as watch:
        with watch.step(lambda: "applying 0002 slow"):
            time.sleep(0.3)
        count = len(said)
        time.sleep(0.2)
    assert count >= 2 and len(said) == count
    assert all(re.fullmatch(r"applying 0002 slow: still running after \d+ s", line) for line in said)


def test_a_long_migration_says_it_is_still_running(tmp_path, sqlite_url):
    folder = write_folder(tmp_path / "migrations", [version_1()], ("sqlite",))
    craft(folder, "slow", version_2(), "sqlite", [SLOW], ['DROP TABLE "slow"'])
    migrate, out = runner(folder, sqlite_url)
    migrate.watch_every = 0.02

    migrate.migrate()

    lines = out.getvalue().splitlines()
    still = [i for i, line in enumerate(lines) if line.startswith("applying 0002 slow: still running after ")]
    done = next(i for i, line in enumerate(lines) if line.startswith("applied 0002 slow"))
    assert still and max(still) < done


def test_quick_migrations_say_nothing_more(tmp_path, sqlite_url):
    folder = write_folder(tmp_path / "migrations", [version_1(), version_2()], ("sqlite",))
    migrate, out = runner(folder, sqlite_url)

    migrate.migrate()

    assert [line.split(" (")[0] for line in out.getvalue().splitlines()] == ["applied 0001 create users", "applied 0002 add orders"]
