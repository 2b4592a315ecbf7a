"""What a connection or a deployment is refused for: bad credentials, an unreachable server, URLs
the server may not be pointed at, and production's gate (review, the environment before it, the
typed confirmation, the owner's role)."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from designer import reviewing
from designer.deploy import plans, registry, starting, status
from designer.deploy.starting import DeployRefused
from designer.deploy.targets import TargetRefused
from designer.models import Draft, Membership, SchemaVersion, Verdict
from designer.models.connections import Connection, Deployment, DeploymentState
from migrations_engine.connection import connect
from migrations_engine.errors import EngineError
from migrations_engine.migrations.runner import Runner
from tests.conftest import SERVERS
from tests.designer.connection_pages import deploy, connection_settings, membership, add_connection, url_text  # noqa: F401
from tests.designer.deployments import SECRET_PASSWORD, schema_v1, schema_v2, schema_v3

pytestmark = pytest.mark.usefixtures("connection_settings")


# ------------------------------------------------------------------ credentials and reachability


@pytest.fixture
def mysql_user(mysql_url):
    """A MariaDB user whose password is SECRET_PASSWORD, allowed on the scratch database."""
    name = f"me_dep_{secrets.token_hex(4)}"
    with connect(SERVERS["mysql"]) as admin:
        admin.execute(f"CREATE USER '{name}'@'%' IDENTIFIED BY '{SECRET_PASSWORD}'")
        admin.execute(f"GRANT ALL ON `{mysql_url.database}`.* TO '{name}'@'%'")
    try:
        yield name
    finally:
        with connect(SERVERS["mysql"]) as admin:
            admin.execute(f"DROP USER IF EXISTS '{name}'@'%'")


def test_the_right_password_connects(cast, mysql_url, mysql_user):
    url = f"mysql://{mysql_user}:{SECRET_PASSWORD}@127.0.0.1:3306/{mysql_url.database}"
    connection = add_connection(cast, url)

    assert status.server_version(connection)[0].isdigit()


def test_a_wrong_password_fails_without_naming_it(cast, mysql_url, mysql_user, django_capture_on_commit_callbacks):
    wrong = "Wr0ng-" + SECRET_PASSWORD
    url = f"mysql://{mysql_user}:{wrong}@127.0.0.1:3306/{mysql_url.database}"
    connection = add_connection(cast, url)

    with pytest.raises(EngineError) as refused:
        status.server_version(connection)
    with pytest.raises(DeployRefused) as deploy_refused:
        starting.start(connection, membership(cast), 0)
    reading = status.check(connection)

    for message in (str(refused.value), str(deploy_refused.value), reading.error):
        assert "Access denied" in message and mysql_user in message, message
        assert wrong not in message and SECRET_PASSWORD not in message


@pytest.mark.parametrize("scheme", ["postgresql", "mysql"])
def test_an_unreachable_host_fails_fast_and_clearly(cast, scheme):
    cast.project.dialect = scheme
    cast.project.save()
    connection = registry.add(cast.project, cast.owner, "gone", "development", f"{scheme}://someone:{SECRET_PASSWORD}@127.0.0.1:1/app")
    began = time.monotonic()

    with pytest.raises(EngineError) as refused:
        status.server_version(connection)

    assert time.monotonic() - began < django_settings.CONNECTION_TIMEOUT
    message = str(refused.value)
    assert "cannot connect to" in message and "127.0.0.1:1" in message and "refused" in message
    assert SECRET_PASSWORD not in message


# ------------------------------------------------------------------ URLs refused at registration


def test_a_host_off_the_allowed_list_is_refused(cast, settings):
    settings.CONNECTION_ALLOWED_HOSTS = ["db.internal", ".example.com"]

    with pytest.raises(TargetRefused) as refused:
        registry.add(cast.project, cast.owner, "meta", "development", f"postgresql://u:{SECRET_PASSWORD}@169.254.169.254/app")

    assert "'169.254.169.254' is not on this server's list" in str(refused.value)
    assert SECRET_PASSWORD not in str(refused.value)
    assert registry.add(cast.project, cast.owner, "ok", "development", "postgresql://u@pg.example.com/app").pk
    assert registry.add(cast.project, cast.owner, "ok2", "development", "postgresql://u@db.internal/app").pk
    with pytest.raises(TargetRefused):
        registry.add(cast.project, cast.owner, "bad", "development", "postgresql://u@example.com.evil.net/app")
    assert sorted(Connection.objects.values_list("name", flat=True)) == ["ok", "ok2"]


def test_a_url_of_another_dialect_is_refused(cast):
    with pytest.raises(TargetRefused) as refused:
        registry.add(cast.project, cast.owner, "my", "development", f"mysql://root:{SECRET_PASSWORD}@127.0.0.1/app")

    assert str(refused.value) == "this is a mysql URL but the project's dialect is postgresql"
    assert not Connection.objects.exists()


def test_sqlite_outside_its_folder_and_the_apps_own_database_are_refused(cast, settings, tmp_path):
    cast.project.dialect = "sqlite"
    cast.project.save()
    elsewhere = tmp_path.parent / "elsewhere.sqlite3"
    sneaky = f"sqlite:///{tmp_path}/../elsewhere.sqlite3"

    for url in (f"sqlite:///{elsewhere}", sneaky):
        with pytest.raises(TargetRefused, match="SQLite files must be under"):
            registry.add(cast.project, cast.owner, "out", "development", url)

    app_database = Path(settings.DATABASES["default"]["NAME"])
    settings.CONNECTION_SQLITE_DIR = str(app_database.parent)
    with pytest.raises(TargetRefused, match="this app's own database"):
        registry.add(cast.project, cast.owner, "self", "development", f"sqlite:///{app_database}")
    assert registry.add(cast.project, cast.owner, "beside", "development", f"sqlite:///{app_database.parent / 'x.db'}").pk


# ------------------------------------------------------------------ production's gate


def publish_reviewed(cast, schema, base: SchemaVersion | None) -> SchemaVersion:
    """Publish ``schema`` as the reviewer's approval of the architect's draft lets it."""
    draft = Draft.objects.create_from_schema(cast.project, schema, base, cast.architect, title="change")
    reviewing.submit(draft, cast.architect, "a change")
    draft.refresh_from_db()
    reviewing.give_verdict(draft, Membership.objects.get(project=cast.project, user=cast.reviewer), Verdict.APPROVED, "")
    draft.refresh_from_db()
    return reviewing.publish(draft, cast.owner, "reviewed")


@pytest.fixture
def pipeline(cast, tmp_path):
    """v1 and v2 reviewed, v3 not; a staging and a production SQLite database, production at v1
    (migrated by the command line's runner, as a database under migrations already is)."""
    cast.project.dialect = "sqlite"
    cast.project.save()
    v1 = publish_reviewed(cast, schema_v1(), None)
    publish_reviewed(cast, schema_v2(), v1)
    SchemaVersion.publish(cast.project, schema_v3(), author=cast.owner, message="unreviewed")
    files = {name: tmp_path / f"{name}.sqlite3" for name in ("staging", "prod")}
    for path in files.values():
        connect(f"sqlite:///{path}").close()
    staging = registry.add(cast.project, cast.owner, "staging", "staging", f"sqlite:///{files['staging']}")
    production = registry.add(cast.project, cast.owner, "prod", "production", f"sqlite:///{files['prod']}")
    from designer.deploy.folders import project_folder

    with project_folder(cast.project) as folder:
        Runner(folder, f"sqlite:///{files['prod']}", out=open("/dev/null", "w")).migrate(1)
    assert plans.current_of(production) == (1, False)
    return staging, production


def refusals(production, cast, target: int, role: str = "owner", confirmation: str | None = "prod") -> list[str]:
    with pytest.raises(DeployRefused) as refused:
        starting.start(production, membership(cast, role), target, confirmation=confirmation)
    return refused.value.reasons


def test_an_unreviewed_version_is_refused(cast, pipeline):
    _, production = pipeline

    assert "v3 was published without an approving review" in refusals(production, cast, 3)
    assert "v2 was published without an approving review" not in refusals(production, cast, 3)


def test_a_version_not_yet_deployed_before_production_is_refused(cast, pipeline, django_capture_on_commit_callbacks):
    staging, production = pipeline

    assert refusals(production, cast, 2) == ["v2 has not been deployed without error to staging yet"]
    assert deploy(cast, staging, 1, django_capture_on_commit_callbacks).state == DeploymentState.SUCCEEDED
    assert refusals(production, cast, 2) == ["v2 has not been deployed without error to staging yet"]
    Deployment.objects.create(  # a failed run to v2 does not count
        project=cast.project, connection=staging, connection_name="staging", environment="staging",
        from_version=1, to_version=2, state=DeploymentState.FAILED, error="it broke",
    )
    assert refusals(production, cast, 2) == ["v2 has not been deployed without error to staging yet"]


def test_after_review_and_staging_production_takes_it_with_its_name_typed(
    cast, pipeline, django_capture_on_commit_callbacks
):
    staging, production = pipeline
    assert deploy(cast, staging, 2, django_capture_on_commit_callbacks).state == DeploymentState.SUCCEEDED

    for typed in (None, "", "production", "Prod"):
        assert refusals(production, cast, 2, confirmation=typed) == [
            "type the connection's name, “prod”, to confirm a change to production"
        ]
    assert refusals(production, cast, 2, role="architect") == ["deploying to production needs an owner"]
    done = deploy(cast, production, 2, django_capture_on_commit_callbacks, confirmation=" prod ")

    assert done.state == DeploymentState.SUCCEEDED, done.error
    assert plans.current_of(production) == (2, False)


def test_production_without_an_earlier_environment_is_refused(cast, pipeline):
    staging, production = pipeline
    staging.delete()

    assert refusals(production, cast, 2) == [
        "production takes only versions deployed to the environment before it, and this project has "
        "no connection in an earlier environment"
    ]
