"""Deployments from the designer beside the runner's command line, on the same migrations.

A project of ``--versions`` versions (default 20) of a ``--tables``-table schema (default 50,
from bench/generate.py: v1 creates it, each next version alters a tenth of the tables and adds
one) is deployed from v0 to its latest version on a fresh scratch database, for each dialect,
``--repeat`` rounds, medians printed. The app database is a temporary SQLite file shared by this
process (Django's test client: the "Deploy" POST and the deployment page) and real
``manage.py deploy_worker`` processes.

Per round:

* cli:         ``python -m migrations_engine migrate FOLDER URL`` (a whole process, validation
               on, as the deployment does), FOLDER written once by ``designer.deploy.folders``;
* runner:      ``Runner(FOLDER, URL).migrate()`` in this (warm) process: the runner's own work;
* task body:   ``designer.deploy.running.run`` in this process on a queued row (no worker, no
               poll): the runner plus what the designer adds (folder from the frozen scripts,
               the row's log line by line, progress, heartbeat);
* deployment:  the "Deploy" POST, then a worker started with ``--interval 0.2`` picks the task up;
               total = the row's ``created`` → ``finished`` (queued → succeeded); first line =
               from the POST until the deployment page (its htmx part, polled every 10 ms) shows
               the first line of the runner's log, then every 0.25 s until it has finished;
* then the same rounds of the deployment alone with a worker polling every 1.0 s.

Each worker gets one untimed deployment first (its imports, its first connection). The target
is a deployment's total ≤ 1.1 × the CLI's, per dialect.

    .venv/bin/python bench/deploy.py [--dialect D ...] [--versions 20] [--tables 50] [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import _CHANGES, _add_check, _table, generate_schema  # noqa: E402
from migrations_engine.naming import with_default_names  # noqa: E402
from migrations_engine.schema import Schema  # noqa: E402

DIALECTS = ("postgresql", "mysql", "sqlite")
SERVERS = {
    "postgresql": os.environ.get("BENCH_POSTGRES_URL")
    or os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    "mysql": os.environ.get("BENCH_MYSQL_URL") or os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql"),
}
#: A Fernet key for this bench only.
KEY = "kN1m9lq1sFv6vYgJ3mWq0G5y2p8b2o5oQ7V0nS0nqjA="
TARGET = 1.1
INTERVALS = (0.2, 1.0)
POLL = 0.01


def history(versions: int, tables: int, seed: int) -> list[Schema]:
    """``versions`` schemas: ``tables`` tables, then each a tenth of them altered and one added."""
    rng = random.Random(seed)
    current = generate_schema(tables, rng)
    found = [current]
    for n in range(1, versions):
        by_name = {t.name: t for t in current.tables}
        for name in rng.sample(sorted(by_name), max(1, tables // 10)):
            by_name[name] = _change_table(by_name[name], rng)
        new = _table(tables + n, rng, tables_before=0)
        by_name[new.name] = new
        current = with_default_names(Schema(tables=tuple(by_name.values()), enums=current.enums))
        found.append(current)
    return found


def _change_table(table, rng: random.Random):
    """generate.py's changes of one release, but no check: its checks have one fixed name per
    table, and MariaDB refuses one on a column whose foreign key sets it to NULL."""
    for change in rng.sample([c for c in _CHANGES if c is not _add_check], rng.randint(1, 3)):
        table = change(table, rng)
    return table


def configure(work: Path) -> dict[str, str]:
    """Django on a temporary SQLite app database; the environment a worker needs to share it."""
    env = {
        "DJANGO_SETTINGS_MODULE": "schemadesign.settings",
        "DATABASE_URL": f"sqlite:///{work / 'app.sqlite3'}",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "CONNECTION_KEYS": KEY,
        "CONNECTION_SQLITE_DIR": str(work),
        "CONNECTION_ALLOWED_HOSTS": "",
    }
    os.environ.update(env)
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return {**os.environ, **env}


def url_text(url) -> str:
    if url.dialect == "sqlite":
        return f"sqlite:///{url.database}"
    auth = (url.user or "") + (f":{url.password}" if url.password else "")
    return f"{url.dialect}://{auth}{'@' if auth else ''}{url.host}:{url.port}/{url.database}"


class Bench:
    def __init__(self, dialect: str, schemas: list[Schema], work: Path, env: dict[str, str]) -> None:
        from django.contrib.auth import get_user_model
        from django.test import Client

        from designer.deploy.folders import frozen_scripts, write_folder
        from designer.models import Membership, Project, Role, SchemaVersion

        self.dialect = dialect
        self.work = work
        self.env = env
        self.server = SERVERS.get(dialect) or f"sqlite:///{work / 'server.sqlite3'}"
        users = get_user_model().objects
        self.owner = users.filter(username="owner").first() or users.create_user("owner")
        self.project = Project.objects.create(name=f"Bench {dialect}", slug=f"bench-{dialect}", dialect=dialect)
        Membership.objects.create(project=self.project, user=self.owner, role=Role.OWNER)
        for number, schema in enumerate(schemas, start=1):
            SchemaVersion.publish(self.project, schema, author=self.owner, message=f"release {number}")
        started = time.perf_counter()
        scripts = frozen_scripts(self.project)  # frozen once, as the first plan would
        self.freeze_seconds = time.perf_counter() - started
        self.folder = write_folder(scripts, work / f"migrations-{dialect}")
        self.target = len(schemas)
        self.client = Client()
        self.client.force_login(self.owner)
        self.serial = 0

    # ------------------------------------------------------------ one database each

    def scratch(self, stack: ExitStack):
        from migrations_engine.connection import connect
        from migrations_engine.scratch import scratch_database

        url = stack.enter_context(scratch_database(self.server, prefix="me_bench_deploy"))
        if url.dialect == "sqlite":
            connect(url).close()
        return url

    def register(self, url):
        from designer.deploy import registry

        self.serial += 1
        return registry.add(self.project, self.owner, f"db{self.serial}", "development", url_text(url))

    def cli(self) -> float:
        with ExitStack() as stack:
            url = self.scratch(stack)
            command = [sys.executable, "-m", "migrations_engine", "migrate", str(self.folder), url_text(url)]
            started = time.perf_counter()
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            if result.returncode != 0:
                raise RuntimeError(f"the CLI failed: {(result.stderr or result.stdout)[-500:]}")
            return seconds

    def runner(self) -> float:
        from migrations_engine.migrations.runner import Runner

        with ExitStack() as stack:
            url = self.scratch(stack)
            started = time.perf_counter()
            Runner(self.folder, url_text(url), out=io.StringIO()).migrate()
            return time.perf_counter() - started

    def task_body(self) -> float:
        """``running.run`` in this process on a row made as ``starting.start`` makes it."""
        from designer.deploy import running
        from designer.models.connections import Deployment

        with ExitStack() as stack:
            connection = self.register(self.scratch(stack))
            deployment = Deployment.objects.create(
                project=self.project, connection=connection, connection_name=connection.name,
                environment=connection.environment, requested_by=self.owner, from_version=0,
                to_version=self.target,
            )
            started = time.perf_counter()
            state = running.run(deployment.pk)
            seconds = time.perf_counter() - started
            if state != "succeeded":
                raise RuntimeError(f"the task body ended {state}: {Deployment.objects.get(pk=deployment.pk).error}")
            return seconds

    def deployment(self) -> tuple[float, float, float]:
        """(queued → succeeded, POST → first line on the page, queued → claimed) in seconds."""
        from designer.models.connections import Deployment

        with ExitStack() as stack:
            connection = self.register(self.scratch(stack))
            page = f"/p/{self.project.slug}/deployments/"
            posted = time.perf_counter()
            response = self.client.post(
                f"/p/{self.project.slug}/connections/{connection.pk}/deploy/", {"to": self.target}
            )
            if response.status_code != 302:
                raise RuntimeError(f"the Deploy POST answered {response.status_code}")
            progress = response["Location"]
            assert progress.startswith(page), progress
            first_line = None
            deadline = time.perf_counter() + 600
            while time.perf_counter() < deadline:
                text = self.client.get(progress, headers={"HX-Request": "true"}).content.decode()
                if first_line is None and "(no output yet)" not in text:
                    first_line = time.perf_counter() - posted
                if 'hx-trigger="every' not in text:  # finished: the page stops polling
                    break
                # Fast until the first line, then as slow as the page's own poll: a 10 ms poll
                # all along took a core from the worker and the server (MariaDB: +1 s of 6.8).
                time.sleep(POLL if first_line is None else 0.25)
            deployment = Deployment.objects.get(pk=int(progress.rstrip("/").rsplit("/", 1)[1]))
            if deployment.state != "succeeded":
                raise RuntimeError(f"deployment #{deployment.pk} ended {deployment.state}: {deployment.error}")
            total = (deployment.finished - deployment.created).total_seconds()
            claimed = (deployment.started - deployment.created).total_seconds()
            return total, first_line or float("nan"), claimed

    def worker(self, interval: float) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", "deploy_worker", "--interval", str(interval), "--no-startup-delay",
             "--worker-id", f"bench-{interval}"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


INTERFERENCE = "terminating connection due to administrator command"


def again(measure):
    """``measure()``, once more if another process on the shared server killed its connection
    (tests/engine/migrations/test_interruptions.py terminates advisory-lock holders)."""
    try:
        return measure()
    except RuntimeError as exc:
        if INTERFERENCE not in str(exc):
            raise
        print(f"  (retried: {INTERFERENCE}, from another process on the server)", flush=True)
        return measure()


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run_dialect(bench: Bench, repeat: int) -> dict[str, list[float]]:
    runs: dict[str, list[float]] = {"cli": [], "runner": [], "task": []}
    for interval in INTERVALS:
        for key in ("total", "first", "claimed"):
            runs[f"{key}@{interval}"] = []
    for interval in INTERVALS:
        worker = bench.worker(interval)
        try:
            again(bench.deployment)  # untimed: the worker's imports and first connection
            for _ in range(repeat):
                if interval == INTERVALS[0]:
                    runs["cli"].append(again(bench.cli))
                    runs["runner"].append(again(bench.runner))
                    runs["task"].append(again(bench.task_body))
                total, first, claimed = again(bench.deployment)
                runs[f"total@{interval}"].append(total)
                runs[f"first@{interval}"].append(first)
                runs[f"claimed@{interval}"].append(claimed)
        finally:
            stop(worker)
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialect", action="append", choices=DIALECTS)
    parser.add_argument("--versions", type=int, default=20)
    parser.add_argument("--tables", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="me_bench_deploy_") as temporary:
        work = Path(temporary)
        env = configure(work)
        schemas = history(args.versions, args.tables, args.seed)
        print(f"{args.versions} versions of {args.tables} tables; medians of {args.repeat} rounds, seconds")
        print(
            f"{'dialect':<11} {'stmts':>5} {'cli':>6} {'runner':>6} {'task':>6} "
            f"{'deploy@0.2':>10} {'claim':>6} {'1st line':>8} {'deploy@1.0':>10} {'claim':>6} {'1st line':>8} "
            f"{'deploy/cli':>10}  target ≤ {TARGET}"
        )
        for dialect in args.dialect or DIALECTS:
            bench = Bench(dialect, schemas, work, env)
            from migrations_engine.migrations.backups import run_script
            from migrations_engine.migrations.folder import MigrationFolder

            statements = sum(len(run_script(m, dialect).up) for m in MigrationFolder(bench.folder).read())
            runs = run_dialect(bench, args.repeat)
            m = {kind: med(values) for kind, values in runs.items()}
            ratio = m["total@0.2"] / m["cli"]
            print(
                f"{dialect:<11} {statements:>5} {m['cli']:>6.2f} {m['runner']:>6.2f} {m['task']:>6.2f} "
                f"{m['total@0.2']:>10.2f} {m['claimed@0.2']:>6.2f} {m['first@0.2']:>8.2f} "
                f"{m['total@1.0']:>10.2f} {m['claimed@1.0']:>6.2f} {m['first@1.0']:>8.2f} "
                f"{ratio:>10.2f}  {'met' if ratio <= TARGET else 'missed'}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
