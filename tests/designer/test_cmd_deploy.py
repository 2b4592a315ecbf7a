"""manage.py deploy: forward and back on a real database, the dry run, following a worker, the gate."""

from __future__ import annotations

import pytest

from designer.deploy import cli, registry
from designer.models.connections import Deployment, DeploymentState
from migrations_engine.connection import connect
from tests.designer.command_runs import run_command
from tests.designer.deployments import SECRET_PASSWORD, TEST_CONNECTION_KEY, publish_three, run_queued

#: v1's column that v3 drops, quoted for PostgreSQL.
ODD = '"odd ""name"""'


@pytest.fixture(autouse=True)
def keys(settings) -> None:
    settings.CONNECTION_KEYS = [TEST_CONNECTION_KEY]


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch) -> None:
    """A run that would wait for a worker fails the test rather than hanging it."""

    def waits(seconds: float) -> None:
        raise AssertionError("the command waited for a worker")

    monkeypatch.setattr(cli, "pause", waits)


@pytest.fixture
def staging(cast, pg_url):
    publish_three(cast.project, cast.owner)
    url = f"postgresql://{pg_url.user}:{SECRET_PASSWORD}@{pg_url.host}:{pg_url.port}/{pg_url.database}"
    return registry.add(cast.project, cast.owner, "staging", "staging", url)


def tables(url) -> set[str]:
    with connect(url, create=False) as db:
        return {row[0] for row in db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_it_deploys_forward_then_rolls_back_with_the_dropped_columns_rows(staging, pg_url):
    assert run_command("deploy", "shop", "staging", "--to", "2", "--run-here", "--user", "architect").status == 0
    with connect(pg_url, create=False) as db:
        db.execute(f"INSERT INTO item (id, name, {ODD}) VALUES (1, 'pen', 'kept')")

    forward = run_command("deploy", "shop", "staging", "--run-here", "--user", "architect")

    assert forward.status == 0, forward.error
    lines = forward.out.splitlines()
    assert lines[0].startswith("deployment #") and lines[0].endswith("deploy staging (staging) from v2 to v3")
    assert lines[-1].startswith("deployment #") and " succeeded: staging is at v3 (" in lines[-1]
    assert len(lines) > 2  # the runner's progress lines in between
    with connect(pg_url, create=False) as db:
        columns = db.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'item'")
        assert ('odd "name"',) not in columns and ("price",) in columns

    back = run_command("deploy", "shop", "staging", "--to", "v1", "--run-here", "--user", "architect")

    assert back.status == 0, back.error
    assert "rollback staging (staging) from v3 to v1" in back.out
    with connect(pg_url, create=False) as db:
        assert db.query(f"SELECT name, {ODD} FROM item") == [("pen", "kept")]
    assert "order line" not in tables(pg_url)
    assert SECRET_PASSWORD not in forward.out + back.out


def test_the_dry_run_prints_the_plan_and_writes_nothing(staging, pg_url):
    ran = run_command("deploy", "shop", "staging", "--dry-run", "--user", "architect")

    assert ran.status == 0, ran.error
    assert ran.out.startswith("plan: deploy staging (staging) from v0 to v3\n")
    assert "    destructive: " in ran.out and "    backup: " in ran.out
    assert "-- the runner's dry run:" in ran.out and "CREATE TABLE" in ran.out
    assert tables(pg_url) == set()  # not even the runner's history table
    assert not Deployment.objects.exists()


def test_the_dry_run_says_when_the_user_could_not_run_it(staging, pg_url):
    ran = run_command("deploy", "shop", "staging", "--dry-run", "--user", "viewer")

    assert ran.status == 1
    assert ran.out.startswith("plan: deploy staging")
    assert ran.error == "viewer could not run it: deploying to staging needs an architect or an owner"


@pytest.mark.django_db(transaction=True)
def test_it_follows_a_deployment_a_worker_runs(staging, monkeypatch):
    # Committed for real (transaction=True), so the task is enqueued; each pause lets the worker run.
    pauses = []

    def worker_runs(seconds: float) -> None:
        pauses.append(seconds)
        run_queued()

    monkeypatch.setattr(cli, "pause", worker_runs)

    ran = run_command("deploy", "shop", "staging", "--user", "architect")

    assert ran.status == 0, ran.error
    lines = ran.out.splitlines()
    assert lines[1] == "waiting for a worker (manage.py deploy_worker) to take it …"
    total = Deployment.objects.get().statements_total
    assert lines[-1].endswith(f" succeeded: staging is at v3 ({total} statements)")
    assert pauses == [cli.POLL_SECONDS]
    assert Deployment.objects.get().task_id


def test_a_viewer_is_refused(staging, pg_url):
    ran = run_command("deploy", "shop", "staging", "--run-here", "--user", "viewer")

    assert (ran.status, ran.error) == (1, "refused: deploying to staging needs an architect or an owner")
    assert not Deployment.objects.exists()
    assert tables(pg_url) == set()


def test_production_needs_its_name_confirmed(cast, staging, pg_url):
    registry.add(cast.project, cast.owner, "live", "production", str(pg_url))

    unconfirmed = run_command("deploy", "shop", "live", "--run-here", "--user", "owner")
    confirmed = run_command("deploy", "shop", "live", "--run-here", "--confirm", "live", "--user", "owner")

    assert (unconfirmed.status, unconfirmed.error) == (
        1, "refused: type the connection's name, “live”, to confirm a change to production"
    )
    # Confirmed, the production gate speaks next: nothing was reviewed or deployed to staging.
    assert confirmed.status == 1 and "v1 was published without an approving review" in confirmed.error
    assert not Deployment.objects.exists()


def test_a_failed_deployment_exits_1_with_its_error(staging, pg_url):
    with connect(pg_url, create=False) as db:
        db.execute("CREATE TABLE item (id integer)")  # v1 will not be able to create it

    ran = run_command("deploy", "shop", "staging", "--to", "1", "--run-here", "--user", "architect")

    assert ran.status == 1
    deployment = Deployment.objects.get()
    assert deployment.state == DeploymentState.FAILED
    assert ran.error.startswith(f"deployment #{deployment.pk} failed: ") and "item" in ran.error


@pytest.mark.parametrize(
    "args, message",
    [
        (("--to", "two"), "--to takes a version number (3 or v3), not 'two'"),
        (("--to", "9"), None),
    ],
)
def test_bad_versions(staging, args, message):
    ran = run_command("deploy", "shop", "staging", *args, "--run-here", "--user", "architect")

    if message:
        assert (ran.status, ran.error) == (2, message)
    else:
        assert (ran.status, ran.error) == (1, "refused: there is no v9 in this project")


def test_an_unknown_connection_is_a_usage_error(staging):
    ran = run_command("deploy", "shop", "nope", "--user", "architect")

    assert (ran.status, ran.error) == (2, "project shop has no connection 'nope' (its connections: staging)")
