"""manage.py drift: the version, the pending versions and the drift of a real database, as exit statuses."""

from __future__ import annotations

import pytest

from designer.deploy import registry
from designer.models.connections import ConnectionCheck
from migrations_engine.connection import connect
from tests.designer.command_runs import run_command
from tests.designer.deployments import TEST_CONNECTION_KEY, publish_three


@pytest.fixture(autouse=True)
def keys(settings) -> None:
    settings.CONNECTION_KEYS = [TEST_CONNECTION_KEY]


@pytest.fixture
def staging(cast, pg_url):
    publish_three(cast.project, cast.owner)
    return registry.add(cast.project, cast.owner, "staging", "staging", str(pg_url))


def test_in_sync_then_drift_after_a_hand_made_change(staging, pg_url):
    assert run_command("deploy", "shop", "staging", "--to", "2", "--run-here", "--user", "architect").status == 0

    in_sync = run_command("drift", "shop", "staging", "--user", "viewer")

    assert in_sync.status == 0, in_sync.error
    assert in_sync.out.splitlines() == [
        f"staging (staging): {pg_url}",
        "version: v2",
        "pending: v3",
        "no drift: the database matches v2",
    ]

    with connect(pg_url, create=False) as db:
        db.execute("ALTER TABLE item ADD COLUMN note text")
    drifted = run_command("drift", "shop", "staging", "--user", "viewer")

    assert drifted.status == 1
    assert drifted.out.splitlines()[3] == "drift: the database differs from v2; changed outside migrations:"
    assert [line for line in drifted.out.splitlines() if line.startswith("  - ")] == [
        "  - " + ConnectionCheck.objects.first().drift[0]
    ]
    assert "note" in drifted.out.splitlines()[4]
    assert drifted.error == "1 change(s) made outside migrations on staging"


def test_an_unreachable_server_is_exit_status_2(cast):
    registry.add(cast.project, cast.owner, "gone", "staging", "postgresql://postgres@127.0.0.1:1/x")

    ran = run_command("drift", "shop", "gone", "--user", "viewer")

    assert ran.status == 2
    assert ran.error.startswith("cannot read gone: ") and "127.0.0.1" in ran.error
    assert ConnectionCheck.objects.get().error  # kept, as the web's "Check now" keeps it


def test_a_database_with_nothing_applied_is_not_checked(staging):
    ran = run_command("drift", "shop", "staging", "--user", "viewer")

    assert (ran.status, ran.error) == (2, "drift not checked: no migration is applied yet")
    assert ran.out.splitlines()[1:] == ["version: v0 (no migration applied)", "pending: v1, v2, v3"]


def test_an_outsider_is_refused(staging):
    ran = run_command("drift", "shop", "staging", "--user", "outsider")

    assert (ran.status, ran.error) == (1, "outsider is not a member of project shop")
    assert not ConnectionCheck.objects.exists()
