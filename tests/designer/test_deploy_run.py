"""A deployment's run against the real servers (PostgreSQL, MariaDB, SQLite): forward, back with
the dropped column's rows restored, status and drift, and cancelling."""

from __future__ import annotations

import pytest

from designer.deploy import plans, registry, running, starting, status
from designer.models import Activity, Event
from designer.models.connections import DeploymentState
from migrations_engine.connection import connect
from tests.designer.connection_pages import deploy, connection_settings, membership, add_connection  # noqa: F401
from tests.designer.deployments import publish_three, run_queued

pytestmark = pytest.mark.usefixtures("connection_settings")

ODD = 'odd "name"'
ROWS = [(1, "one", "first odd"), (2, "two", "second odd"), (3, "three", None)]


def quoted(dialect: str, name: str) -> str:
    if dialect == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def insert_items(url, dialect: str) -> None:
    odd = quoted(dialect, ODD)
    with connect(url) as db:
        for row in ROWS:
            db.execute(f"INSERT INTO item (id, name, {odd}) VALUES ({row[0]}, '{row[1]}', "
                       + ("NULL" if row[2] is None else f"'{row[2]}'") + ")")
        if dialect == "sqlite":
            db.commit()


def odd_names(url, dialect: str) -> list[tuple]:
    odd = quoted(dialect, ODD)
    with connect(url) as db:
        return [tuple(r) for r in db.query(f"SELECT id, name, {odd} FROM item ORDER BY id")]


def item_columns(url) -> list[str]:
    with connect(url) as db:
        cursor = db.raw.cursor()
        cursor.execute("SELECT * FROM item WHERE 1 = 0")
        names = [d[0] for d in cursor.description]
        cursor.fetchall()
        cursor.close()
    return names


def test_the_connection_answers_with_its_server_version(cast, db_url, dialect):
    connection = add_connection(cast, db_url)

    version = status.server_version(connection)

    expected = {"postgresql": "PostgreSQL ", "mysql": "", "sqlite": "SQLite "}[dialect]
    assert version.startswith(expected) and any(ch.isdigit() for ch in version)
    if dialect == "mysql":
        assert "MariaDB" in version or version[0].isdigit()


def test_it_deploys_three_versions_and_rolls_the_destructive_one_back(
    cast, db_url, dialect, django_capture_on_commit_callbacks
):
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, db_url)

    first = deploy(cast, connection, 2, django_capture_on_commit_callbacks)

    assert first.state == DeploymentState.SUCCEEDED, first.error
    assert (first.from_version, first.to_version, first.rollback) == (0, 2, False)
    assert first.statements_total > 0 and first.statements_done == first.statements_total
    assert first.percent == 100
    assert any("v1" in line or "0001" in line for line in first.lines()), first.log
    assert any("v2" in line or "0002" in line for line in first.lines()), first.log
    assert first.task_id and first.worker and first.started and first.finished
    assert plans.current_of(connection) == (2, False)

    insert_items(db_url, dialect)
    third = deploy(cast, connection, 3, django_capture_on_commit_callbacks)

    assert third.state == DeploymentState.SUCCEEDED, third.error
    assert (third.from_version, third.to_version) == (2, 3)
    assert third.statements_done == third.statements_total > 0
    assert ODD not in item_columns(db_url)
    assert plans.current_of(connection) == (3, False)

    back = deploy(cast, connection, 2, django_capture_on_commit_callbacks)

    assert back.state == DeploymentState.SUCCEEDED, back.error
    assert (back.from_version, back.to_version, back.rollback) == (3, 2, True)
    assert back.statements_done == back.statements_total > 0
    assert plans.current_of(connection) == (2, False)
    assert odd_names(db_url, dialect) == ROWS
    events = list(
        Activity.objects.filter(project=cast.project).order_by("pk").values_list("event", flat=True)
    )
    assert events.count(Event.DEPLOY_REQUESTED) == 2
    assert events.count(Event.ROLLBACK_REQUESTED) == 1
    assert events.count(Event.DEPLOY_SUCCEEDED) == 3


def test_drift_is_empty_until_a_hand_made_change(cast, db_url, dialect, django_capture_on_commit_callbacks):
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, db_url)
    assert deploy(cast, connection, 3, django_capture_on_commit_callbacks).state == DeploymentState.SUCCEEDED

    before = status.check(connection)

    assert before.error == ""
    assert (before.version, before.pending, before.drift) == (3, [], [])
    assert before.in_sync

    with connect(db_url) as db:
        db.execute("ALTER TABLE item ADD COLUMN extra integer")
        if dialect == "sqlite":
            db.commit()
    after = status.check(connection)

    assert after.version == 3 and after.error == ""
    assert after.drift and any("extra" in sentence for sentence in after.drift), after.drift
    assert not after.in_sync


def test_a_queued_deployment_cancelled_never_runs(cast, db_url, django_capture_on_commit_callbacks):
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, db_url)
    with django_capture_on_commit_callbacks(execute=True):
        deployment = starting.start(connection, membership(cast), 3)

    assert starting.cancel(deployment, cast.owner) == "cancelled before it started"
    run_queued()

    deployment.refresh_from_db()
    assert deployment.state == DeploymentState.CANCELLED
    assert deployment.started is None and deployment.log == "" and deployment.statements_done == 0
    assert plans.current_of(connection) == (0, False)


def test_a_running_deployment_cancelled_stops_between_migrations(
    cast, db_url, monkeypatch, django_capture_on_commit_callbacks
):
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, db_url)
    real = running.Progress.after_statement

    def cancel_during_v1(progress: running.Progress, version: int, done: int) -> None:
        real(progress, version, done)
        if version == 1 and done == 1:
            from designer.models.connections import Deployment

            outcome = starting.cancel(Deployment.objects.get(pk=progress.deployment_id), cast.owner)
            assert outcome.startswith("asked to stop")

    monkeypatch.setattr(running.Progress, "after_statement", cancel_during_v1)

    deployment = deploy(cast, connection, 3, django_capture_on_commit_callbacks)

    assert deployment.state == DeploymentState.CANCELLED
    assert "cancelled before" in deployment.error and "complete version" in deployment.error
    assert plans.current_of(connection) == (1, False)
    assert 0 < deployment.statements_done < deployment.statements_total
    assert Activity.objects.filter(project=cast.project, event=Event.DEPLOY_CANCELLED).count() == 2


def test_a_first_deployment_makes_the_sqlite_file_it_names(cast, tmp_path, connection_settings, django_capture_on_commit_callbacks):
    """A SQLite connection to a file not made yet is at v0: its plan validates and its first
    deployment creates it (in CONNECTION_SQLITE_DIR, the only place a SQLite URL may point)."""

    cast.project.dialect = "sqlite"
    cast.project.save()
    publish_three(cast.project, cast.owner)
    path = tmp_path / "new.sqlite3"
    connection = registry.add(cast.project, cast.owner, "dev", "development", f"sqlite:///{path}")
    plan = plans.make_plan(connection, 3)
    assert (plan.error, plan.current, len(plan.migrations)) == ("", 0, 3)
    assert plans.validate(connection, 3)[0]
    assert not path.exists()
    deployment = deploy(cast, connection, 3, django_capture_on_commit_callbacks)
    assert deployment.state == DeploymentState.SUCCEEDED, deployment.error
    assert path.is_file()
