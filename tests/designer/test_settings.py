import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from schemadesign.env import (
    DEVELOPMENT_SECRET_KEY,
    database_from_url,
    envbool,
    envint,
    envlist,
    secret_key,
)

BASE = Path("/srv/app")
REPO = Path(__file__).resolve().parents[2]


def test_sqlite_relative_path_is_under_base_dir():
    config = database_from_url("sqlite:///db.sqlite3", BASE)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(BASE / "db.sqlite3")


def test_sqlite_writers_queue_instead_of_failing():
    # Immediate transactions: publishing reads the rules and writes the version under one lock.
    options = database_from_url("sqlite:///db.sqlite3", BASE)["OPTIONS"]

    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_sqlite_absolute_path_and_memory():
    assert database_from_url("sqlite:////var/lib/app.db", BASE)["NAME"] == "/var/lib/app.db"
    assert database_from_url("sqlite:///:memory:", BASE)["NAME"] == ":memory:"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgresql_url(scheme):
    config = database_from_url(f"{scheme}://app:secret@db.example:5433/designer", BASE)

    assert config == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "designer",
        "USER": "app",
        "PASSWORD": "secret",
        "HOST": "db.example",
        "PORT": 5433,
    }


def test_postgresql_url_without_password_or_port_and_with_options():
    config = database_from_url("postgresql://postgres@127.0.0.1/app?sslmode=require", BASE)

    assert config["PASSWORD"] == ""
    assert config["PORT"] == ""
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_percent_encoded_user_and_password_are_decoded():
    config = database_from_url("postgresql://us%40er:p%40ss%3Aw%2Fo%23rd@localhost/db", BASE)

    assert config["USER"] == "us@er"
    assert config["PASSWORD"] == "p@ss:w/o#rd"


@pytest.mark.parametrize("scheme", ["mysql", "mariadb"])
def test_mysql_url(scheme):
    config = database_from_url(f"{scheme}://root:pa%20ss@127.0.0.1:3306/designer", BASE)

    assert config == {
        "ENGINE": "django.db.backends.mysql",
        "NAME": "designer",
        "USER": "root",
        "PASSWORD": "pa ss",
        "HOST": "127.0.0.1",
        "PORT": 3306,
        "OPTIONS": {"charset": "utf8mb4"},
    }


def test_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="oracle"):
        database_from_url("oracle://u:p@host/db", BASE)


def test_bad_port_is_refused():
    with pytest.raises(ImproperlyConfigured, match="port"):
        database_from_url("postgresql://u@host:notaport/db", BASE)


def test_secret_key_is_required_without_debug():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        secret_key("", debug=False)


def test_secret_key_has_a_development_default_only_with_debug():
    assert secret_key("", debug=True) == DEVELOPMENT_SECRET_KEY
    assert secret_key("configured", debug=False) == "configured"


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("EMPTY", "")
    monkeypatch.setenv("NUMBER", "42")
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")

    assert envbool("FLAG", False) is True
    assert envbool("EMPTY", True) is True
    assert envbool("UNSET_FLAG_FOR_TEST", False) is False
    assert envint("NUMBER", 0) == 42
    assert envlist("HOSTS", "") == ["a.example", "b.example"]
    assert envlist("UNSET_HOSTS_FOR_TEST", "localhost,127.0.0.1") == ["localhost", "127.0.0.1"]


def test_env_helpers_refuse_garbage(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    monkeypatch.setenv("NUMBER", "many")

    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        envbool("FLAG", False)
    with pytest.raises(ImproperlyConfigured, match="NUMBER"):
        envint("NUMBER", 0)


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import schemadesign.settings"],
        check=False,
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_settings_refuse_to_load_without_secret_key_when_debug_is_off():
    result = _import_settings(DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_settings_load_in_debug_without_secret_key():
    assert _import_settings(DEBUG="1").returncode == 0
