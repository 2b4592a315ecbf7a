"""Outgrowing one machine: with PostgreSQL as the app database (as docs/production.md sets it up),
two ``manage.py deploy_worker`` processes take tasks from one queue and run each exactly once.

Everything runs in subprocesses on a scratch PostgreSQL database made the app's database through
DATABASE_URL, as separate machines would share it: ``migrate``, a setup script that publishes
three versions and starts six deployments, then the two workers. No pytest-django database here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.designer.deployments import TEST_CONNECTION_KEY

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENTS = 6

#: Run with Django set up on the app database: a project with three versions, six SQLite connections, and a
#: deployment to v3 started on each (its task enqueued; no worker runs it here).
SETUP = """
import sys
from django.contrib.auth import get_user_model
from designer.deploy import registry, starting
from designer.models import Membership, Project, Role
from tests.designer.deployments import publish_three

folder = sys.argv[-1]
owner = get_user_model().objects.create_user("owner", password="x")
project = Project.objects.create(name="Shared", slug="shared", dialect="sqlite")
membership = Membership.objects.create(project=project, user=owner, role=Role.OWNER)
publish_three(project, owner)
for n in range(int(sys.argv[-2])):
    connection = registry.add(project, owner, f"db{n}", "development", f"sqlite:///{folder}/target{n}.sqlite3")
    starting.start(connection, membership, 3)
print("started")
"""


@pytest.fixture
def app_env(pg_url, tmp_path) -> dict[str, str]:
    """The environment of every process: the scratch PostgreSQL database as the app's."""
    return {
        **os.environ,
        "DATABASE_URL": f"postgresql://{pg_url.user}@{pg_url.host}:{pg_url.port}/{pg_url.database}",
        "CONNECTION_KEYS": TEST_CONNECTION_KEY,
        "CONNECTION_SQLITE_DIR": str(tmp_path),
        "CONNECTION_ALLOWED_HOSTS": "",
        "SECRET_KEY": "insecure-key-for-tests-only",
        "DEBUG": "1",
    }


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def rows(pg_url, query: str) -> list[tuple]:
    with psycopg.connect(f"postgresql://{pg_url.user}@{pg_url.host}:{pg_url.port}/{pg_url.database}") as db:
        return db.execute(query).fetchall()


def test_two_workers_on_a_postgresql_app_database_run_each_task_once(pg_url, app_env, tmp_path):
    manage(app_env, "migrate", "--no-input")
    for n in range(DEPLOYMENTS):
        (tmp_path / f"target{n}.sqlite3").touch()
    script = tmp_path / "setup.py"
    script.write_text(SETUP)
    setup = subprocess.run(
        [sys.executable, "-c", f"import sys, runpy, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'schemadesign.settings'); "
         f"django.setup(); sys.argv = ['setup', '{DEPLOYMENTS}', {str(tmp_path)!r}]; runpy.run_path({str(script)!r})"],
        cwd=ROOT, env={**app_env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120,
    )
    assert setup.returncode == 0 and "started" in setup.stdout, setup.stdout + setup.stderr

    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "deploy_worker", "--worker-id", name, "--interval", "0.1", "--no-startup-delay"],
            cwd=ROOT, env=app_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for name in ("pg-w1", "pg-w2")
    ]
    try:
        deadline = time.monotonic() + 90
        while rows(pg_url, "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status <> 'SUCCESSFUL'")[0][0]:
            assert time.monotonic() < deadline, rows(pg_url, "SELECT state, error FROM designer_deployment")
            assert all(w.poll() is None for w in workers), "a worker stopped"
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(10)

    results = rows(pg_url, "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult")
    assert len(results) == DEPLOYMENTS
    assert all(status == "SUCCESSFUL" and len(ids) == 1 for status, ids in results), results
    assert {ids[0] for _, ids in results} <= {"pg-w1", "pg-w2"}
    deployments = rows(pg_url, "SELECT state, statements_done, statements_total, log FROM designer_deployment")
    assert len(deployments) == DEPLOYMENTS
    for state, done, total, log in deployments:
        assert state == "succeeded", log
        assert done == total > 0
        lines = [line for line in log.splitlines() if line.strip()]
        assert len(lines) == len(set(lines)), log  # no line twice: each run ran once
