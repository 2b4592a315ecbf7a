"""Login throttling (django-axes, designer/throttle.py): repeated failures lock the user name and
the client address out, a correct password included, until the lock's time is up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from designer.throttle import client_ip

LOGIN = "/accounts/login/"
PASSWORD = "correct horse"
LIMIT = 3


@pytest.fixture(autouse=True)
def limit(settings) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD)


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password=PASSWORD)


def browser_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        log_in(client, username, "wrong")


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_failures_below_the_limit_only_say_the_password_is_wrong(alice):
    client = browser_at("10.0.0.1")

    fail(client, "alice", LIMIT - 1)
    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_failure_at_the_limit_locks_out_even_the_right_password(alice):
    client = browser_at("10.0.0.1")
    fail(client, "alice", LIMIT - 1)

    locked = log_in(client, "alice", "wrong")
    after = log_in(client, "alice", PASSWORD)

    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content
    assert after.status_code == 429
    assert not is_logged_in(client)


def test_the_address_is_locked_for_another_user_too(alice, bob):
    attacker = browser_at("10.0.0.1")
    fail(attacker, "alice", LIMIT)

    response = log_in(attacker, "bob", PASSWORD)

    assert response.status_code == 429
    assert not is_logged_in(attacker)


def test_the_user_is_locked_from_another_address_too(alice, bob):
    fail(browser_at("10.0.0.1"), "alice", LIMIT)
    elsewhere = browser_at("10.0.0.2")

    assert log_in(elsewhere, "alice", PASSWORD).status_code == 429
    # Another user at that other address is not held up by alice's lock.
    assert log_in(elsewhere, "bob", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(alice, settings):
    from axes.models import AccessAttempt

    client = browser_at("10.0.0.1")
    fail(client, "alice", LIMIT)
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)

    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_a_success_forgets_the_failures_before_it(alice):
    client = browser_at("10.0.0.1")
    fail(client, "alice", LIMIT - 1)
    log_in(client, "alice", PASSWORD)
    client.post("/accounts/logout/")

    fail(client, "alice", LIMIT - 1)

    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_authenticate_outside_a_request_is_not_throttled(alice):
    # A shell or a management command has no client address to count against.
    from django.contrib.auth import authenticate

    fail(browser_at("10.0.0.1"), "alice", LIMIT)

    assert authenticate(username="alice", password=PASSWORD) == alice


def _request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_proxies_the_peer_is_the_client(settings):
    settings.PROXY_COUNT = 0

    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_proxies_the_client_is_counted_from_the_right(settings):
    settings.PROXY_COUNT = 1
    # The leftmost entry came from the client and is ignored: anyone can write it.
    request = _request("10.0.0.5", "1.2.3.4, 198.51.100.7")

    assert client_ip(request) == "198.51.100.7"
    settings.PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"


def test_behind_a_proxy_a_missing_header_falls_back_to_the_peer(settings):
    settings.PROXY_COUNT = 1

    assert client_ip(_request("10.0.0.5")) == "10.0.0.5"
