"""A deployment's run, in a worker (``designer.tasks.run_deployment``): the runner takes the
connection from the version its history says to the deployment's target, one migration at a
time, so that "Cancel" stops at the next safe point (between two migrations) and the page can
follow the run statement by statement.

The deployment row is the run's record: its state, the runner's progress lines (passwords
masked), the statements done of the statements planned, and a heartbeat that a worker's death
stops; a running deployment whose heartbeat is older than ``DEPLOYMENT_STALE_SECONDS`` is
marked interrupted (``mark_stale``: on each worker's start and whenever a page shows it).
"""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from designer.deploy.folders import project_folder
from designer.deploy.plans import current_of
from designer.deploy.targets import redact
from designer.models import Activity, Event
from designer.models.connections import Deployment, DeploymentState
from migrations_engine.errors import EngineError
from migrations_engine.migrations.appliers import RunOptions
from migrations_engine.migrations.backups import run_script
from migrations_engine.migrations.errors import PartialMigration
from migrations_engine.migrations.folder import MigrationFolder
from migrations_engine.migrations.model import Migration
from migrations_engine.migrations.runner import Runner

#: Seconds between two saves of the progress counter (every line is saved at once).
SAVE_EVERY = 0.25


class Cancelled(Exception):
    """The deployment was cancelled; raised between two migrations."""


class ProgressLog(io.TextIOBase):
    """The runner's ``out``: each line it writes is appended to the deployment's log at once
    (from the runner's thread or its watching thread), with the heartbeat."""

    def __init__(self, deployment_id: int, url_text: str) -> None:
        self.deployment_id = deployment_id
        self.url_text = url_text
        self._pending = ""
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            if "\n" in self._pending:
                complete, self._pending = self._pending.rsplit("\n", 1)
                append(self.deployment_id, redact(complete, self.url_text))
        return len(text)

    def say(self, line: str) -> None:
        self.write(line + "\n")


def append(deployment_id: int, lines: str) -> None:
    Deployment.objects.filter(pk=deployment_id).update(
        log=Concat(F("log"), Value(lines + "\n")), heartbeat=timezone.now()
    )


class Progress:
    """Counts the statements done across the run's migrations: ``offsets`` maps each
    migration's version to the statements of the migrations before it in the run."""

    def __init__(self, deployment_id: int, offsets: dict[int, int]) -> None:
        self.deployment_id = deployment_id
        self.offsets = offsets
        self.done = 0
        self._saved_at = 0.0

    def after_statement(self, version: int, done: int) -> None:
        self.done = self.offsets.get(version, 0) + done
        if time.monotonic() - self._saved_at >= SAVE_EVERY:
            self.save()

    def reached(self, statements: int) -> None:
        self.done = statements
        self.save()

    def save(self) -> None:
        self._saved_at = time.monotonic()
        Deployment.objects.filter(pk=self.deployment_id).update(statements_done=self.done, heartbeat=timezone.now())


def run(deployment_id: int) -> str:
    """Run the deployment if it is still queued (a second delivery of its task does nothing);
    returns its final state."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    claimed = Deployment.objects.filter(pk=deployment_id, state=DeploymentState.QUEUED).update(
        state=DeploymentState.RUNNING, started=timezone.now(), heartbeat=timezone.now(), worker=worker
    )
    if not claimed:
        return Deployment.objects.filter(pk=deployment_id).values_list("state", flat=True).first() or "missing"
    deployment = Deployment.objects.select_related("connection", "project").get(pk=deployment_id)
    url_text = ""
    try:
        connection = deployment.connection
        if connection is None:
            raise EngineError("its connection was removed")
        url_text = connection.url()
        _refuse_if_busy(deployment)
        _run(deployment, url_text)
    except Cancelled as stop:
        _finish(deployment, DeploymentState.CANCELLED, str(stop), Event.DEPLOY_CANCELLED)
    except PartialMigration as exc:
        hint = " (here: Retry resumes it)"
        _finish(deployment, DeploymentState.FAILED, redact(str(exc), url_text) + hint, Event.DEPLOY_FAILED)
    except EngineError as exc:
        _finish(deployment, DeploymentState.FAILED, redact(str(exc), url_text), Event.DEPLOY_FAILED)
    except Exception as exc:  # whatever a driver raised: recorded, never lost in a worker's log
        _finish(deployment, DeploymentState.FAILED, redact(f"{type(exc).__name__}: {exc}", url_text), Event.DEPLOY_FAILED)
    else:
        _finish(deployment, DeploymentState.SUCCEEDED, "", Event.DEPLOY_SUCCEEDED)
    return Deployment.objects.values_list("state", flat=True).get(pk=deployment_id)


def _refuse_if_busy(deployment: Deployment) -> None:
    """Two deployments never run on one connection at once (the runner's lock guards the
    database itself against any other runner, the command line's included)."""
    with transaction.atomic():
        other = (
            Deployment.objects.select_for_update()
            .filter(connection=deployment.connection_id, state=DeploymentState.RUNNING)
            # Of two claimed at once, the first claimed goes ahead: each sees the other.
            .filter(Q(started__lt=deployment.started) | Q(started=deployment.started, pk__lt=deployment.pk))
            .order_by("started")
            .first()
        )
    if other is not None:
        raise EngineError(
            f"the connection is locked: deployment #{other.pk} (to {other.target_label()}) is running on it; "
            "try again when it has finished"
        )


def _run(deployment: Deployment, url_text: str) -> None:
    """One runner command, as the command line would run it (validation once, on one scratch
    database), told to stop between two migrations when the deployment is cancelled."""
    connection = deployment.connection
    assert connection is not None
    current, partial = current_of(connection)
    Deployment.objects.filter(pk=deployment.pk).update(from_version=current)
    target = deployment.to_version
    rollback = target < current
    resume = partial and not rollback and bool(deployment.retry_of_id)
    with project_folder(deployment.project) as path:
        folder = MigrationFolder(path)
        migrations = folder.read()
        if target > len(migrations):
            raise EngineError(f"there is no v{target}: the project's latest version is v{len(migrations)}")
        if rollback:
            chosen = [(m, len(run_script(m, connection.dialect).down)) for m in reversed(migrations[target:current])]
        else:
            first = current - 1 if resume else current
            chosen = [(m, len(run_script(m, connection.dialect).up)) for m in migrations[first:target]]
        offsets, total = {}, 0
        for migration, statements in chosen:
            offsets[migration.version] = total
            total += statements
        Deployment.objects.filter(pk=deployment.pk).update(statements_total=total)
        progress = Progress(deployment.pk, offsets)
        log = ProgressLog(deployment.pk, url_text)
        # The runner says nothing until its validation is done: the page should not sit empty.
        if chosen:
            verb = "rolling back" if rollback else ("validating on a scratch database, then applying")
            log.say(f"v{current} → v{target}: {len(chosen)} migration(s), {total} statement(s); {verb}")

        def before_each(migration: Migration) -> None:
            progress.reached(offsets.get(migration.version, 0))
            if Deployment.objects.filter(pk=deployment.pk, cancel_requested=True).exists():
                raise Cancelled(f"cancelled before {migration.label}: the database is left at a complete version")

        runner = Runner(folder, url_text, RunOptions(), out=log, after_statement=progress.after_statement, before_each=before_each)
        if rollback:
            runner.rollback(target)
        else:
            runner.migrate(target, resume=resume)
        progress.reached(total)


def _finish(deployment: Deployment, state: DeploymentState, error: str, event: Event) -> None:
    Deployment.objects.filter(pk=deployment.pk).update(
        state=state, error=error, finished=timezone.now(), heartbeat=timezone.now()
    )
    _record(deployment, event, error)


def _record(deployment: Deployment, event: Event, message: str) -> None:
    """The activity entry of a deployment that ended (by itself: no actor)."""
    detail = f"#{deployment.pk}: {deployment.direction} to v{deployment.to_version} on {deployment.connection_name}"
    Activity.record(event, deployment.project, None, detail=detail + (f": {message}" if message else ""))


def mark_stale() -> int:
    """Mark as interrupted the running deployments whose worker is gone: silent for
    ``DEPLOYMENT_STALE_SECONDS``, or a process of this machine that no longer exists. How many."""
    now = timezone.now()
    limit = now - timedelta(seconds=settings.DEPLOYMENT_STALE_SECONDS)
    running = Deployment.objects.filter(state=DeploymentState.RUNNING).select_related("project")
    marked = 0
    for deployment in running:
        silent = deployment.heartbeat is None or deployment.heartbeat < limit
        if not silent and not _dead_here(deployment.worker):
            continue
        since = f"{deployment.heartbeat:%Y-%m-%d %H:%M:%S} UTC" if deployment.heartbeat else "its start"
        message = (
            f"its worker ({deployment.worker}) stopped (no word since {since}); the database is as the runner's "
            "history and locks left it: Retry resumes or completes it"
        )
        updated = Deployment.objects.filter(pk=deployment.pk, state=DeploymentState.RUNNING, worker=deployment.worker).update(
            state=DeploymentState.INTERRUPTED, error=message, finished=now
        )
        if updated:
            marked += 1
            _record(deployment, Event.DEPLOY_INTERRUPTED, message)
    return marked


def _dead_here(worker: str) -> bool:
    """Whether ``worker`` (``host:pid``) was a process of this machine that has ended."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False
