"""manage.py rotate_connection_keys: a new key, and every stored URL re-encrypted under the first key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from designer.deploy import registry
from designer.models.connections import Connection
from designer.secrets import SecretUnreadable
from tests.designer.command_runs import run_command
from tests.designer.deployments import SECRET_PASSWORD, TEST_CONNECTION_KEY

URL = f"postgresql://postgres:{SECRET_PASSWORD}@127.0.0.1:5432/shop"


@pytest.fixture
def two_connections(cast, settings) -> list[Connection]:
    settings.CONNECTION_KEYS = [TEST_CONNECTION_KEY]
    return [
        registry.add(cast.project, cast.owner, name, "staging", URL.replace("shop", name)) for name in ("one", "two")
    ]


def test_new_key_prints_a_fernet_key(db):
    ran = run_command("rotate_connection_keys", "--new-key")

    key = ran.out.strip()
    assert ran.status == 0 and ran.out == key + "\n"
    Fernet(key.encode())  # a usable key
    assert key != run_command("rotate_connection_keys", "--new-key").out.strip()


def test_it_re_encrypts_every_url_under_the_first_key(two_connections, settings):
    new_key = run_command("rotate_connection_keys", "--new-key").out.strip()
    settings.CONNECTION_KEYS = [new_key, TEST_CONNECTION_KEY]

    ran = run_command("rotate_connection_keys")

    assert (ran.status, ran.out) == (0, "re-encrypted 2 connection URL(s) under the first of CONNECTION_KEYS\n")
    settings.CONNECTION_KEYS = [new_key]  # the old key dropped: every URL still reads
    urls = [c.url() for c in Connection.objects.order_by("name")]
    assert urls == [URL.replace("shop", "one"), URL.replace("shop", "two")]


def test_an_unreadable_url_is_named_and_the_others_rotated(two_connections, settings):
    lost_key = Fernet.generate_key().decode()
    settings.CONNECTION_KEYS = [lost_key]
    lost = Fernet(lost_key.encode()).encrypt(b"postgresql://x/y").decode()
    Connection.objects.filter(name="two").update(secret_url=lost)
    new_key = Fernet.generate_key().decode()
    settings.CONNECTION_KEYS = [new_key, TEST_CONNECTION_KEY]

    ran = run_command("rotate_connection_keys")

    assert ran.status == 1
    assert ran.out == "re-encrypted 1 connection URL(s) under the first of CONNECTION_KEYS\n"
    assert ran.error.startswith("1 URL(s) decrypt under none of CONNECTION_KEYS: shop/two (")
    settings.CONNECTION_KEYS = [new_key]
    assert Connection.objects.get(name="one").url() == URL.replace("shop", "one")
    with pytest.raises(SecretUnreadable):
        Connection.objects.get(name="two").url()


def test_missing_keys_are_a_one_line_error(two_connections, settings):
    settings.CONNECTION_KEYS = []
    settings.DEBUG = False

    ran = run_command("rotate_connection_keys")

    assert ran.status == 2 and ran.error.startswith("CONNECTION_KEYS is not set")
