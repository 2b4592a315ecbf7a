"""manage.py connections add / list / remove: owners change, every member lists, the password never shows."""

from __future__ import annotations

import io

import pytest

from designer.models import Activity
from designer.models.connections import Connection
from designer.deploy import registry
from tests.designer.command_runs import run_command
from tests.designer.deployments import SECRET_PASSWORD, TEST_CONNECTION_KEY


@pytest.fixture(autouse=True)
def keys(settings) -> None:
    settings.CONNECTION_KEYS = [TEST_CONNECTION_KEY]


def secret_url(pg_url) -> str:
    # Trust authentication ignores the password: it is there to be looked for.
    return f"postgresql://{pg_url.user}:{SECRET_PASSWORD}@{pg_url.host}:{pg_url.port}/{pg_url.database}"


def test_it_adds_a_connection_with_its_password_kept_encrypted(cast, pg_url):
    ran = run_command(
        "connections", "add", "shop", "staging", secret_url(pg_url), "--environment", "staging", "--user", "owner"
    )

    assert ran.status == 0, ran.error
    assert ran.out == f"added staging (staging, order 20): {pg_url}\n"
    connection = Connection.objects.get(project=cast.project, name="staging")
    assert connection.url() == secret_url(pg_url)
    assert SECRET_PASSWORD not in connection.secret_url and SECRET_PASSWORD not in connection.display_url
    assert SECRET_PASSWORD not in " ".join(Activity.objects.values_list("detail", flat=True))


def test_it_reads_the_url_from_stdin(cast, pg_url, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(secret_url(pg_url) + "\n"))

    ran = run_command(
        "connections", "add", "shop", "qa", "-", "--environment", "qa", "--order", "15", "--user", "owner"
    )

    assert ran.status == 0, ran.error
    connection = Connection.objects.get(project=cast.project, name="qa")
    assert (connection.environment_order, connection.url()) == (15, secret_url(pg_url))


def test_list_shows_every_connection_without_its_password(cast, pg_url):
    registry.add(cast.project, cast.owner, "staging", "staging", secret_url(pg_url))
    registry.add(cast.project, cast.owner, "dev", "development", secret_url(pg_url))

    ran = run_command("connections", "list", "shop", "--user", "viewer")

    assert ran.status == 0, ran.error
    assert ran.out.splitlines() == [
        f"dev  development (order 10)  {pg_url}",
        "  last check: never",
        "  last deployment: never",
        f"staging  staging (order 20)  {pg_url}",
        "  last check: never",
        "  last deployment: never",
    ]
    assert SECRET_PASSWORD not in ran.out


def test_list_shows_the_last_check(cast, pg_url):
    from designer.deploy.status import check

    connection = registry.add(cast.project, cast.owner, "staging", "staging", secret_url(pg_url))
    check(connection)

    ran = run_command("connections", "list", "shop", "--user", "viewer")

    assert "  last check: " in ran.out and ", at v0, drift not checked (no migration is applied yet)" in ran.out


def test_it_removes_a_connection(cast, pg_url):
    registry.add(cast.project, cast.owner, "staging", "staging", secret_url(pg_url))

    ran = run_command("connections", "remove", "shop", "staging", "--user", "owner")

    assert ran.status == 0, ran.error
    assert ran.out == f"removed staging (staging): {pg_url}\n"
    assert not Connection.objects.exists()


@pytest.mark.parametrize("role", ["architect", "reviewer", "viewer"])
def test_only_owners_change_connections(cast, pg_url, role):
    registry.add(cast.project, cast.owner, "staging", "staging", secret_url(pg_url))

    added = run_command(
        "connections", "add", "shop", "dev", secret_url(pg_url), "--environment", "development", "--user", role
    )
    removed = run_command("connections", "remove", "shop", "staging", "--user", role)

    assert (added.status, removed.status) == (1, 1)
    assert added.error == f"changing shop's connections needs an owner ({role} is {role})"
    assert list(Connection.objects.values_list("name", flat=True)) == ["staging"]


def test_an_outsider_is_refused_even_a_list(cast):
    ran = run_command("connections", "list", "shop", "--user", "outsider")

    assert (ran.status, ran.error) == (1, "outsider is not a member of project shop")


def test_the_user_comes_from_the_environment(cast, monkeypatch):
    monkeypatch.setenv("DESIGNER_USER", "viewer")

    assert run_command("connections", "list", "shop") == run_command("connections", "list", "shop", "--user", "viewer")
    assert run_command("connections", "list", "shop").out == "shop has no connections\n"


def test_a_refused_url_is_one_line_without_its_password(cast):
    ran = run_command(
        "connections", "add", "shop", "x", f"mysql://root:{SECRET_PASSWORD}@127.0.0.1/x", "--environment", "staging",
        "--user", "owner",
    )

    assert (ran.status, ran.error) == (1, "this is a mysql URL but the project's dialect is postgresql")
    assert not Connection.objects.exists()


def test_a_custom_environment_needs_an_order(cast, pg_url):
    ran = run_command("connections", "add", "shop", "qa", str(pg_url), "--environment", "qa", "--user", "owner")

    assert ran.status == 1 and ran.error.startswith("“qa” is not one of development, staging, production")


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("list", "nope", "--user", "owner"),
            "no project 'nope' (name a project by its slug, as in its address /p/<slug>/)",
        ),
        (("list", "shop"), "say who is acting: --user USERNAME or $DESIGNER_USER"),
        (("list", "shop", "--user", "ghost"), "no active user 'ghost'"),
        (
            ("remove", "shop", "ghost", "--user", "owner"),
            "project shop has no connection 'ghost' (its connections: none yet)",
        ),
    ],
)
def test_names_that_match_nothing_are_usage_errors(cast, monkeypatch, args, message):
    monkeypatch.delenv("DESIGNER_USER", raising=False)

    ran = run_command("connections", *args)

    assert (ran.status, ran.error) == (2, message)
