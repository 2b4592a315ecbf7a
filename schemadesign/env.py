"""Read settings from environment variables.

Small helpers in the style of healthchecks' settings, plus a DATABASE_URL parser so that
we need no dj-database-url.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-do-not-deploy"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

_ENGINES = {
    "postgresql": "django.db.backends.postgresql",
    "postgres": "django.db.backends.postgresql",
    "mysql": "django.db.backends.mysql",
    "mariadb": "django.db.backends.mysql",
}


def envstr(name: str, default: str = "") -> str:
    return os.getenv(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.getenv(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no")


def envint(name: str, default: int) -> int:
    value = os.getenv(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None


def envlist(name: str, default: str) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def secret_key(value: str, debug: bool) -> str:
    """The SECRET_KEY to use: the configured one, or a fixed key for development only."""
    if value:
        return value
    if debug:
        return DEVELOPMENT_SECRET_KEY
    raise ImproperlyConfigured(
        "SECRET_KEY is not set and DEBUG is off. Set SECRET_KEY to a long random string, "
        "e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
        "For local development set DEBUG=1 instead (make run does)."
    )


def database_from_url(url: str, base_dir: Path) -> dict:
    """Turn a DATABASE_URL into one entry of Django's DATABASES.

    sqlite:///relative/path is relative to base_dir, sqlite:////absolute/path is absolute,
    sqlite:///:memory: is in memory. postgresql://, postgres://, mysql:// and mariadb:// URLs
    may carry a percent-encoded user and password; query parameters become OPTIONS.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()

    if scheme == "sqlite":
        name = unquote(parts.path[1:]) or ":memory:"
        if name != ":memory:" and not Path(name).is_absolute():
            name = str(base_dir / name)
        # Immediate transactions take the write lock when they begin, so two writers queue
        # (up to the timeout) instead of one failing to upgrade its read lock mid-transaction.
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }

    if scheme not in _ENGINES:
        known = ", ".join(["sqlite", *_ENGINES])
        raise ImproperlyConfigured(f"DATABASE_URL scheme {scheme!r} is not one of: {known}")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"DATABASE_URL has an invalid port: {url!r}") from None

    options = dict(parse_qsl(parts.query))
    if _ENGINES[scheme] == "django.db.backends.mysql":
        # Django would otherwise ask for utf8, which is the 3-byte utf8mb3 on MySQL/MariaDB.
        options.setdefault("charset", "utf8mb4")
    config = {
        "ENGINE": _ENGINES[scheme],
        "NAME": unquote(parts.path[1:]),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": port or "",
    }
    if options:
        config["OPTIONS"] = options
    return config
