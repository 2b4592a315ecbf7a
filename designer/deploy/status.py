"""A connection's status as the runner reads it (``read_status``): the version applied (its
history table), the versions pending, and drift: the live schema against the snapshot of the
version it says it is at, as the engine's operations (what was changed outside migrations).

Each reading is kept (``ConnectionCheck``), so the page and the ER diagram of the drift show
the last one without connecting again; "Check now" reads afresh.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from designer.deploy.folders import project_folder
from designer.deploy.targets import redact
from designer.models.connections import Connection, ConnectionCheck
from migrations_engine.connection import connect
from migrations_engine.errors import EngineError
from migrations_engine.migrations.folder import MigrationFolder
from migrations_engine.introspect import introspect
from migrations_engine.migrations.history import without_runner_tables
from migrations_engine.migrations.status import APPLIED, BASELINE, CHANGED, PARTIAL, UNKNOWN, read_status
from migrations_engine.snapshot import to_data
from migrations_engine.urls import parse_url


def server_version(connection: Connection) -> str:
    """Connect with the short timeout and return the server's version; ``EngineError`` (its
    message without the password) when the server cannot be reached or refuses."""
    url_text = connection.url()
    try:
        with connect(parse_url(url_text), create=False, timeout=settings.CONNECTION_TIMEOUT) as db:
            if db.dialect == "postgresql":
                return "PostgreSQL " + db.query("SHOW server_version")[0][0]
            if db.dialect == "mysql":
                return db.query("SELECT VERSION()")[0][0]
            return "SQLite " + db.query("SELECT sqlite_version()")[0][0]
    except EngineError as exc:
        raise EngineError(redact(str(exc), url_text)) from None
    except Exception as exc:  # a driver error past the connection (a server that answers oddly)
        raise EngineError(redact(f"{type(exc).__name__}: {exc}", url_text)) from None


def check(connection: Connection) -> ConnectionCheck:
    """Read the connection's history and live schema now, and keep what they say."""
    url_text = connection.url()
    record = ConnectionCheck(connection=connection, checked_at=timezone.now())
    try:
        _read(connection, url_text, record)
    except EngineError as exc:
        record.error = redact(str(exc), url_text)
    except Exception as exc:  # a driver error the engine did not wrap: shown, never a 500
        record.error = redact(f"{type(exc).__name__}: {exc}", url_text)
    record.save()
    stale = connection.checks.order_by("-checked_at", "-id").values_list("pk", flat=True)[ConnectionCheck.KEPT :]
    ConnectionCheck.objects.filter(pk__in=list(stale)).delete()
    return record


def _read(connection: Connection, url_text: str, record: ConnectionCheck) -> None:
    with project_folder(connection.project) as path:
        status = read_status(MigrationFolder(path), url_text, timeout=settings.CONNECTION_TIMEOUT)
    applied = [e for e in status.entries if e.state in (APPLIED, BASELINE)]
    record.version = applied[-1].version if applied else 0
    record.pending = [e.version for e in status.entries if e.state not in (APPLIED, BASELINE, UNKNOWN)]
    record.history = [
        {
            "version": e.version,
            "name": e.name,
            "state": e.state,
            "applied_at": e.row.applied_at.isoformat() if e.row else None,
            "applied_by": e.row.applied_by if e.row else "",
            "error": redact(e.row.error or "", url_text) if e.row else "",
        }
        for e in status.entries
    ]
    record.drift = status.drift
    record.drift_note = status.drift_note
    live = status.live
    if live is None and not any(e.state in (PARTIAL, CHANGED, UNKNOWN) for e in status.entries):
        # Nothing applied yet: the live schema is still what a draft starts from.
        live = without_runner_tables(introspect(parse_url(url_text)))
    if live is not None:
        record.live_snapshot = to_data(live)
