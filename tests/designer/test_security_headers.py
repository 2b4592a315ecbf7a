"""Security with DEBUG off: the headers on every answer (HSTS, Content-Security-Policy, …), the
settings read from the environment, and `manage.py check --deploy` passing with the environment
docs/production.md documents."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "production.md"
# Variables of the test run that would stand in for the documented ones (the browser tests set
# DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
OURS = {"DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def documented_environment() -> dict[str, str]:
    """The variables of docs/production.md's production block, placeholders filled in."""
    text = DOCS.read_text()
    block = re.search(r"<!-- production-environment -->\s*```sh\n(.*?)```", text, re.S)
    assert block, "docs/production.md lost its production-environment block"
    env = dict(line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["CONNECTION_KEYS"] = Fernet.generate_key().decode()
    env["DATABASE_URL"] = env["DATABASE_URL"].replace("<password>", "secret")
    assert not any("<" in value for value in env.values()), env
    return env


def run_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def settings_under(env: dict[str, str], *names: str) -> list[str]:
    code = "import schemadesign.settings as s; " + "; ".join(f"print(repr(s.{n}))" for n in names)
    result = run_python(env, "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_check_deploy_passes_with_the_documented_environment():
    result = run_python(documented_environment(), "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_hsts_leaves_out_subdomains():
    env = {**documented_environment(), "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0"}

    result = run_python(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W005" in result.stderr


def test_https_is_the_default_without_debug():
    env = {"DEBUG": "0", "SECRET_KEY": "k" * 50}

    redirect, hsts, proxy = settings_under(env, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER")

    assert (redirect, hsts, proxy) == ("True", "31536000", "None")


def test_the_https_settings_come_from_the_environment():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "k" * 50,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "600",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "yes",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    }

    values = settings_under(
        env,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
    )

    assert values == ["False", "600", "True", "True", "('HTTP_X_FORWARDED_PROTO', 'https')"]


def test_development_sends_no_hsts_and_does_not_redirect():
    values = settings_under({"DEBUG": "1"}, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")

    assert values == ["False", "0"]


@pytest.fixture
def https(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


def test_an_https_answer_carries_the_security_headers(client, db, https):
    response = client.get("/accounts/login/", secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_content_security_policy_allows_no_inline_script(client, db):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))

    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in directives["style-src"]
    assert "'unsafe-eval'" not in policy


def test_plain_http_is_redirected_when_asked(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/accounts/login/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_a_proxy_header_counts_as_https_only_when_configured(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="http").status_code == 301
