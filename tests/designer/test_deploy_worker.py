"""The real worker: ``manage.py deploy_worker`` processes sharing the app's database (the test's
SQLite file) take each deployment's task exactly once; a worker killed mid-run leaves its
deployment running until the next worker's start marks it interrupted, and a retry completes it;
two deployments to one connection never run at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django_tasks_db.models import DBTaskResult

from designer.deploy import plans, starting
from designer.models.connections import Deployment, DeploymentState
from migrations_engine.connection import connect
from tests.designer.connection_pages import connection_settings, membership, add_connection  # noqa: F401
from tests.designer.deployments import TEST_CONNECTION_KEY, publish_three
from tests.designer.worker_process import stop

pytestmark = [pytest.mark.usefixtures("connection_settings"), pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def start_worker() -> Iterator[Callable[..., subprocess.Popen]]:
    """Start ``manage.py deploy_worker`` processes on the test's app database; all stopped after."""
    started: list[subprocess.Popen] = []
    database = django_settings.DATABASES["default"]["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CONNECTION_KEYS": TEST_CONNECTION_KEY,
        "SECRET_KEY": "insecure-key-for-tests-only",
        "DEBUG": "1",
    }

    def start(worker_id: str, *extra: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "deploy_worker", "--worker-id", worker_id, "--interval", "0.1",
             "--no-startup-delay", *extra],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        stop(process)


def wait_for(condition: Callable[[], bool], seconds: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what or condition}")
        time.sleep(0.05)


def finished(*deployments: Deployment) -> bool:
    return all(d.is_finished for d in Deployment.objects.filter(pk__in=[d.pk for d in deployments]))


def test_two_workers_run_each_deployment_exactly_once(cast, tmp_path, start_worker):
    cast.project.dialect = "sqlite"
    cast.project.save()
    publish_three(cast.project, cast.owner)
    connections = []
    for n in range(6):
        path = tmp_path / f"target{n}.sqlite3"
        connect(f"sqlite:///{path}").close()
        connections.append(add_connection(cast, plans_url(path), name=f"db{n}"))
    workers = [start_worker("w1"), start_worker("w2")]

    deployments = [starting.start(c, membership(cast), 3) for c in connections]
    wait_for(
        lambda: finished(*deployments) and not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists(),
        what="the six deployments and their tasks",
    )

    results = list(DBTaskResult.objects.all())
    assert len(results) == 6
    assert all(len(r.worker_ids) == 1 and r.status == "SUCCESSFUL" for r in results), [(r.worker_ids, r.status) for r in results]
    assert {r.worker_ids[0] for r in results} <= {"w1", "w2"}
    assert sorted(d.task_id for d in Deployment.objects.all()) == sorted(str(r.id) for r in results)
    for deployment in Deployment.objects.all():
        assert deployment.state == DeploymentState.SUCCEEDED, deployment.error
        assert deployment.statements_done == deployment.statements_total > 0
        lines = deployment.lines()
        assert len(lines) == len(set(lines)), deployment.log  # no line twice: the run ran once
    assert all(w.poll() is None for w in workers)


def plans_url(path: Path):
    from migrations_engine.urls import parse_url

    return parse_url(f"sqlite:///{path}")


@pytest.fixture
def blocked_table(cast, pg_url) -> Iterator[tuple]:
    """A PostgreSQL connection at v1 whose item table another session holds locked (so the
    ALTER of v2 waits), and a function that lets it go."""
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, pg_url)
    from designer.deploy.folders import project_folder
    from migrations_engine.migrations.runner import Runner

    with project_folder(cast.project) as folder, open(os.devnull, "w") as quiet:
        Runner(folder, pg_url, out=quiet).migrate(1)
    holder = psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{pg_url.database}")
    holder.execute("LOCK TABLE item IN ACCESS EXCLUSIVE MODE")

    def release() -> None:
        if not holder.closed:
            holder.rollback()
            holder.close()

    yield connection, release
    release()


def running_on_blocked_table(deployment: Deployment) -> bool:
    deployment.refresh_from_db()
    return deployment.state == DeploymentState.RUNNING and ("v2" in deployment.log or "0002" in deployment.log)


def test_a_killed_worker_leaves_it_running_until_the_next_start_then_a_retry_completes_it(
    cast, blocked_table, start_worker
):
    connection, release = blocked_table
    deployment = starting.start(connection, membership(cast), 2)
    worker = start_worker("doomed")
    wait_for(lambda: running_on_blocked_table(deployment), what="the run to reach v2")

    worker.send_signal(signal.SIGKILL)
    worker.wait(5)
    release()
    deployment.refresh_from_db()

    assert deployment.state == DeploymentState.RUNNING
    assert deployment.worker.endswith(f":{worker.pid}")
    next_worker = start_worker("next", "--batch")
    assert next_worker.wait(20) == 0
    output = next_worker.stdout.read()
    assert "marked 1 deployment(s) interrupted" in output, output
    deployment.refresh_from_db()
    assert deployment.state == DeploymentState.INTERRUPTED
    assert f"its worker ({deployment.worker}) stopped" in deployment.error

    retried = starting.retry(deployment, membership(cast))
    assert start_worker("again", "--batch").wait(30) == 0

    retried.refresh_from_db()
    assert retried.state == DeploymentState.SUCCEEDED, retried.error + retried.log
    assert retried.retry_of_id == deployment.pk
    assert plans.current_of(connection) == (2, False)


def test_two_deployments_to_one_connection_never_run_at_once(cast, blocked_table, start_worker):
    connection, release = blocked_table
    first = starting.start(connection, membership(cast), 2)
    start_worker("w1"), start_worker("w2")
    wait_for(lambda: running_on_blocked_table(first), what="the first run to reach v2")

    second = starting.start(connection, membership(cast), 3)
    wait_for(lambda: finished(second), what="the second deployment")
    release()
    wait_for(lambda: finished(first), seconds=30, what="the first deployment")

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.state == DeploymentState.FAILED
    assert f"the connection is locked: deployment #{first.pk} (to v2) is running on it" in second.error
    assert first.state == DeploymentState.SUCCEEDED, first.error
    assert plans.current_of(connection) == (2, False)
