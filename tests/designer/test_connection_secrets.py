"""Connection URLs at rest: encrypted under CONNECTION_KEYS, rotated to a new key, refused clearly
under an unknown one, and their password kept out of every log, error and activity."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection as app_db

from designer import secrets
from designer.deploy import starting, status
from designer.models import Activity
from designer.models.connections import Connection, ConnectionCheck, Deployment, DeploymentState
from designer.secrets import SecretUnreadable
from migrations_engine.errors import EngineError
from tests.designer.connection_pages import connection_settings, membership, add_connection, url_text  # noqa: F401
from tests.designer.deployments import SECRET_PASSWORD, TEST_CONNECTION_KEY, publish_three, run_queued

pytestmark = pytest.mark.usefixtures("connection_settings")


def raw_secret(pk: int) -> str:
    with app_db.cursor() as cursor:
        cursor.execute("SELECT secret_url FROM designer_connection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_url_is_stored_encrypted_and_decrypts(cast, pg_url):
    connection = add_connection(cast, pg_url)

    stored = raw_secret(connection.pk)
    assert SECRET_PASSWORD not in stored and pg_url.database not in stored
    assert Fernet(TEST_CONNECTION_KEY.encode()).decrypt(stored.encode()).decode() == url_text(pg_url)
    assert Connection.objects.get(pk=connection.pk).url() == url_text(pg_url)
    assert SECRET_PASSWORD not in connection.display_url and connection.display_url == str(pg_url)


def test_rotation_re_encrypts_under_the_new_key(cast, pg_url, settings):
    connection = add_connection(cast, pg_url)
    old_token = raw_secret(connection.pk)
    new_key = secrets.generate_key()
    settings.CONNECTION_KEYS = [new_key, TEST_CONNECTION_KEY]

    new_token = secrets.rotate(old_token)

    assert new_token != old_token
    assert Fernet(new_key.encode()).decrypt(new_token.encode()).decode() == url_text(pg_url)
    settings.CONNECTION_KEYS = [new_key]  # the old key dropped after rotation
    assert secrets.decrypt(new_token) == url_text(pg_url)
    with pytest.raises(SecretUnreadable):
        secrets.decrypt(old_token)


def test_a_url_under_an_unknown_key_is_unreadable_with_a_clear_message(cast, pg_url, settings):
    connection = add_connection(cast, pg_url)
    settings.CONNECTION_KEYS = [secrets.generate_key()]

    with pytest.raises(SecretUnreadable) as unreadable:
        Connection.objects.get(pk=connection.pk).url()
    with pytest.raises(SecretUnreadable) as not_rotated:
        secrets.rotate(raw_secret(connection.pk))

    assert "cannot be decrypted with the configured CONNECTION_KEYS" in str(unreadable.value)
    assert "enter its URL again" in str(unreadable.value)
    assert "does not decrypt under any of CONNECTION_KEYS" in str(not_rotated.value)


def test_the_password_never_shows_after_a_failing_deployment(cast, pg_url, django_capture_on_commit_callbacks):
    """The URL is changed after the deployment was queued to one whose driver error quotes the
    password (an sslmode psycopg rejects, spelled as the password): the run fails with that error."""
    publish_three(cast.project, cast.owner)
    connection = add_connection(cast, pg_url)
    with django_capture_on_commit_callbacks(execute=True):
        deployment = starting.start(connection, membership(cast), 3)
    leaking = f"{url_text(pg_url)}?sslmode={SECRET_PASSWORD}"
    connection.set_url(leaking, str(pg_url))
    connection.save()

    run_queued()
    reading = status.check(connection)
    with pytest.raises(EngineError) as answered:
        status.server_version(connection)

    deployment.refresh_from_db()
    assert deployment.state == DeploymentState.FAILED
    assert "sslmode" in deployment.error and "••••••" in deployment.error, deployment.error
    assert "sslmode" in reading.error and "••••••" in reading.error, reading.error
    assert "sslmode" in str(answered.value) and "••••••" in str(answered.value)
    texts = [deployment.error, deployment.log, reading.error, str(answered.value)]
    texts += list(Deployment.objects.values_list("log", flat=True))
    texts += list(Deployment.objects.values_list("error", flat=True))
    texts += list(ConnectionCheck.objects.values_list("error", flat=True))
    texts += list(Activity.objects.values_list("detail", flat=True))
    assert any("sslmode" in text for text in Activity.objects.values_list("detail", flat=True))
    for text in texts:
        assert SECRET_PASSWORD not in text, text
