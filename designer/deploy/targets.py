"""The URLs a connection may have, and keeping their passwords out of everything shown.

A URL must parse, be of the project's dialect, and name a host on ``CONNECTION_ALLOWED_HOSTS``
when that list is set (so a shared server cannot be pointed at its internal hosts). A SQLite
file must lie under ``CONNECTION_SQLITE_DIR`` (or, without it, is allowed only in DEBUG), and
is never the app's own database.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from migrations_engine.errors import EngineError
from migrations_engine.urls import DatabaseURL, parse_url

MASK = "••••••"


class TargetRefused(Exception):
    """A connection URL that cannot be registered, with the reason to show."""


@sensitive_variables()
def check_url(text: str, dialect: str) -> DatabaseURL:
    """``text`` parsed and checked for a project of ``dialect``; ``TargetRefused`` says why not.
    The message never holds the password."""
    text = text.strip()
    try:
        url = parse_url(text)
    except EngineError as exc:
        raise TargetRefused(redact(str(exc), text)) from None
    if url.dialect != dialect:
        raise TargetRefused(f"this is a {url.dialect} URL but the project's dialect is {dialect}")
    if url.dialect == "sqlite":
        _check_sqlite(url)
    else:
        _check_host(url)
    return url


def _check_host(url: DatabaseURL) -> None:
    allowed = [entry.lower() for entry in settings.CONNECTION_ALLOWED_HOSTS]
    if not allowed:
        return
    host = (url.host or "").lower().rstrip(".")
    for entry in allowed:
        if host == entry or (entry.startswith(".") and host.endswith(entry)):
            return
    raise TargetRefused(
        f"host {url.host!r} is not on this server's list of allowed database hosts (CONNECTION_ALLOWED_HOSTS)"
    )


def _check_sqlite(url: DatabaseURL) -> None:
    if url.database == ":memory:":
        raise TargetRefused("an in-memory SQLite database cannot be deployed to: name a file")
    path = Path(url.database).resolve()
    root_setting = getattr(settings, "CONNECTION_SQLITE_DIR", "")
    if root_setting:
        root = Path(root_setting).resolve()
        if not path.is_relative_to(root):
            raise TargetRefused(f"SQLite files must be under {root} on this server (CONNECTION_SQLITE_DIR)")
    elif not settings.DEBUG:
        raise TargetRefused("this server takes no SQLite connections (set CONNECTION_SQLITE_DIR to allow a folder)")
    app_database = settings.DATABASES["default"]
    if app_database["ENGINE"].endswith("sqlite3") and str(app_database["NAME"]) != ":memory:":
        if path == Path(app_database["NAME"]).resolve():
            raise TargetRefused("that is this app's own database")


@sensitive_variables()
def redact(text: str, url_or_password: str | DatabaseURL | None) -> str:
    """``text`` with the password of a URL (as typed, and percent-encoded) replaced by a mask."""
    password = _password_of(url_or_password)
    if not password:
        return text
    for form in {password, quote(password, safe=""), quote(password)}:
        if form:
            text = text.replace(form, MASK)
    return text


@sensitive_variables()
def _password_of(value: str | DatabaseURL | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, DatabaseURL):
        return value.password
    try:
        return parse_url(value).password
    except EngineError:
        # Unparseable: mask what sits between "user:" and "@" by hand.
        rest = value.split("://", 1)[-1]
        credentials = rest.rsplit("@", 1)[0] if "@" in rest else ""
        return credentials.split(":", 1)[1] if ":" in credentials else None
