"""Applying a long migration history: the runner beside the database's own command-line client.

A history of ``--migrations`` migrations (default 200) is generated, the same for the same
``--seed``: tables created, columns added and dropped (destructive: the runner backs them up),
indexes added, a table now and then dropped. For each dialect, on a fresh scratch database each
time, best of ``--repeat``:

* runner:      ``python -m migrations_engine migrate DIR URL --no-validate`` (a whole process:
               lock, history table and rows, one transaction per migration on PostgreSQL and
               SQLite, statement by statement with a progress update each on MySQL);
* in-process: ``Runner(...).migrate()`` called in this (warm) process: the runner's own work,
               without the interpreter's start and the imports (driver included) of a new process;
* start-up:    ``python -c "import <driver>, migrations_engine.migrations.commands"``: the part of
               the runner's time that is the interpreter starting and loading the driver and the
               runner's modules, which no work on the history can shorten;
* runner+val.: the same with validation on a scratch copy (the default), once;
* client:      ``psql`` / ``mariadb`` / ``sqlite3`` running the very statements the runner runs
               (the migrations' and the backups'), one ``BEGIN`` … ``COMMIT`` per migration on
               PostgreSQL and SQLite, from one file.

It prints the best time of each, the ratio runner / client of the bests and the median of the
ratios of runs made in the same round ("paired": steadier on a machine whose speed drifts), and checks that both databases end with the
same schema. Scratch databases are dropped at the end. The engine's modules are compiled to
bytecode first, as ``pip install`` leaves an installed package (a checkout run with
``PYTHONDONTWRITEBYTECODE`` would otherwise compile them at every start).

    .venv/bin/python bench/migrations_apply.py [--dialect D ...] [--migrations 200] [--repeat 5] [--no-validation-run]
"""

from __future__ import annotations

import argparse
import compileall
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from migrations_engine.compare import differences  # noqa: E402
from migrations_engine.diff import diff  # noqa: E402
from migrations_engine.introspect import introspect  # noqa: E402
from migrations_engine.migrations.appliers import RunOptions  # noqa: E402
from migrations_engine.migrations.backups import backup_sql, run_script  # noqa: E402
from migrations_engine.migrations.folder import MigrationFolder  # noqa: E402
from migrations_engine.migrations.history import without_runner_tables  # noqa: E402
from migrations_engine.migrations.model import Migration  # noqa: E402
from migrations_engine.migrations.runner import Runner  # noqa: E402
from migrations_engine.naming import with_default_names  # noqa: E402
from migrations_engine.schema import Column, Index, PrimaryKey, Schema, Table  # noqa: E402
from migrations_engine.scratch import scratch_database  # noqa: E402
from migrations_engine.types import ColumnType  # noqa: E402
from migrations_engine.urls import DatabaseURL  # noqa: E402

DIALECTS = ("postgresql", "mysql", "sqlite")
SERVERS = {
    "postgresql": os.environ.get("BENCH_POSTGRES_URL")
    or os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    "mysql": os.environ.get("BENCH_MYSQL_URL") or os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql"),
}
TYPES = [ColumnType.parse(t) for t in ("integer", "bigint", "varchar(40)", "text", "boolean", "date", "decimal(10,2)")]


# ---------------------------------------------------------------- the history


def schemas(count: int, seed: int) -> list[Schema]:
    """``count`` successive schemas, each one small step from the one before."""
    rng = random.Random(seed)
    current = Schema()
    found: list[Schema] = []
    serial = 0
    for number in range(count):
        serial += 1
        tables = list(current.tables)
        step = rng.random()
        if not tables or step < 0.25:
            current = current.with_table(_new_table(f"t{number:03d}", rng))
        elif step < 0.6:
            table = rng.choice(tables)
            column = Column(f"c{serial}", rng.choice(TYPES))
            current = current.replace_table(table.name, replace(table, columns=(*table.columns, column)))
        elif step < 0.8:
            table = rng.choice(tables)
            unindexed = [c.name for c in table.columns[1:] if not any(i.columns == (c.name,) for i in table.indexes)]
            if unindexed:
                index = Index((rng.choice(unindexed),), f"{table.name}_i{serial}")
                current = current.replace_table(table.name, replace(table, indexes=(*table.indexes, index)))
            else:
                current = current.with_table(_new_table(f"t{number:03d}", rng))
        elif step < 0.95:
            table = rng.choice(tables)
            droppable = [c for c in table.columns[1:] if not any(c.name in i.columns for i in table.indexes)]
            if len(table.columns) > 2 and droppable:
                gone = rng.choice(droppable).name
                current = current.replace_table(table.name, replace(table, columns=tuple(c for c in table.columns if c.name != gone)))
            else:
                current = current.with_table(_new_table(f"t{number:03d}", rng))
        elif len(tables) > 3:
            current = current.without_table(rng.choice(tables).name)
        else:
            current = current.with_table(_new_table(f"t{number:03d}", rng))
        current = with_default_names(current)
        found.append(current)
    return found


def _new_table(name: str, rng: random.Random) -> Table:
    columns = [Column("id", ColumnType.parse("bigint"), nullable=False, identity=True)]
    columns += [Column(f"{name}_c{i}", rng.choice(TYPES)) for i in range(rng.randint(2, 5))]
    return Table(name, tuple(columns), PrimaryKey(("id",)))


def write_history(path: Path, count: int, seed: int) -> MigrationFolder:
    folder = MigrationFolder(path)
    previous = Schema()
    migrations = []
    for version, schema in enumerate(schemas(count, seed), start=1):
        operations = diff(previous, schema)
        migrations.append(Migration.create(version, f"step {version}", previous, schema, operations, DIALECTS))
        previous = schema
    folder.extend(migrations)
    return folder


# ---------------------------------------------------------------- the runs


def url_text(url: DatabaseURL) -> str:
    if url.dialect == "sqlite":
        return f"sqlite:///{url.database}"
    auth = (url.user or "") + (f":{url.password}" if url.password else "")
    return f"{url.dialect}://{auth}{'@' if auth else ''}{url.host}:{url.port}/{url.database}"


def client_script(migrations: list[Migration], dialect: str) -> str:
    """The statements the runner runs, as one file for the database's own client (the backups
    table first: the backup statements record themselves in it)."""
    parts = [backup_sql(dialect).create_registry_sql() + ";\n"]
    for migration in migrations:
        statements = "".join(f"{s.sql};\n" for s in run_script(migration, dialect).up)
        if dialect == "postgresql":
            statements = f"BEGIN;\n{statements}COMMIT;\n"
        elif dialect == "sqlite":
            statements = f"PRAGMA foreign_keys = OFF;\nBEGIN;\n{statements}COMMIT;\nPRAGMA foreign_keys = ON;\n"
        parts.append(statements)
    return "".join(parts)


def client_command(url: DatabaseURL, script: Path) -> list[str]:
    if url.dialect == "postgresql":
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.host or "", "-p", str(url.port), "-U", url.user or "postgres", "-d", url.database, "-f", str(script)]
    if url.dialect == "mysql":
        return ["mariadb", "-h", url.host or "", "-P", str(url.port), "-u", url.user or "root", *([f"-p{url.password}"] if url.password else []), url.database, "-e", f"source {script}"]
    return ["sqlite3", "-bail", url.database, f".read {script}"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0 or "ERROR" in result.stderr:
        raise RuntimeError(f"{command[0]} failed: {(result.stderr or result.stdout).strip()[-500:]}")
    return seconds


def scratch_server(dialect: str, folder: Path) -> str:
    return SERVERS.get(dialect) or f"sqlite:///{folder / 'server.sqlite3'}"


def bench_dialect(dialect: str, folder: MigrationFolder, work: Path, repeat: int, validation: bool) -> dict[str, list[float]]:
    """Seconds of each run, by kind, in run order (one of each kind per round, taken in turn)."""
    server = scratch_server(dialect, work)
    script = work / f"{dialect}.sql"
    script.write_text(client_script(folder.read(), dialect), encoding="utf-8")
    runs: dict[str, list[float]] = {"runner": [], "in-process": [], "client": [], "start-up": [], "runner+validation": []}
    driver = {"postgresql": "psycopg", "mysql": "pymysql", "sqlite": "sqlite3"}[dialect]
    for _ in range(repeat):
        runs["start-up"].append(timed([sys.executable, "-c", f"import {driver}, migrations_engine.migrations.commands"]))
        with scratch_database(server, prefix="me_bench_apply") as url:
            runs["runner"].append(timed([sys.executable, "-m", "migrations_engine", "migrate", str(folder.path), url_text(url), "--no-validate"]))
            ours = without_runner_tables(introspect(url))
        with scratch_database(server, prefix="me_bench_apply") as url:
            started = time.perf_counter()
            Runner(folder, url, RunOptions(validate=False), out=io.StringIO()).migrate()
            runs["in-process"].append(time.perf_counter() - started)
        with scratch_database(server, prefix="me_bench_apply") as url:
            runs["client"].append(timed(client_command(url, script)))
            theirs = without_runner_tables(introspect(url))
        found = differences(ours, theirs)
        if found:
            raise RuntimeError(f"{dialect}: the runner and the client left different schemas: {found[0]}")
    if validation:
        with scratch_database(server, prefix="me_bench_apply") as url:
            runs["runner+validation"].append(
                timed([sys.executable, "-m", "migrations_engine", "migrate", str(folder.path), url_text(url)])
            )
    return runs


def paired_ratio(ours: list[float], theirs: list[float]) -> float:
    """The median of the ratios of runs made in the same round: steadier than a ratio of bests
    when the machine's speed drifts during the bench."""
    return statistics.median(a / b for a, b in zip(ours, theirs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialect", action="append", choices=DIALECTS)
    parser.add_argument("--migrations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-validation-run", dest="validation", action="store_false", help="skip the (slow) run with validation")
    args = parser.parse_args(argv)
    compileall.compile_dir(ROOT / "migrations_engine", quiet=1)
    with tempfile.TemporaryDirectory(prefix="me_bench_apply_") as temporary:
        work = Path(temporary)
        started = time.perf_counter()
        folder = write_history(work / "migrations", args.migrations, args.seed)
        migrations = folder.read()
        statements = {d: sum(len(run_script(m, d).up) for m in migrations) for d in DIALECTS}
        print(f"history: {len(migrations)} migrations written in {time.perf_counter() - started:.1f} s")
        print(
            f"{'dialect':<11} {'statements':>10} {'runner s':>9} {'client s':>9} {'ratio':>6} {'paired':>7} "
            f"{'in-process s':>13} {'ratio':>6} {'paired':>7} {'start-up s':>11} {'runner+validation s':>20}"
        )
        for dialect in args.dialect or DIALECTS:
            runs = bench_dialect(dialect, folder, work, args.repeat, args.validation)
            best = {kind: min(seconds, default=float("nan")) for kind, seconds in runs.items()}
            print(
                f"{dialect:<11} {statements[dialect]:>10} {best['runner']:>9.2f} {best['client']:>9.2f} "
                f"{best['runner'] / best['client']:>6.2f} {paired_ratio(runs['runner'], runs['client']):>7.2f} "
                f"{best['in-process']:>13.2f} {best['in-process'] / best['client']:>6.2f} "
                f"{paired_ratio(runs['in-process'], runs['client']):>7.2f} {best['start-up']:>11.2f} "
                f"{best['runner+validation']:>20.2f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
