"""Starting, cancelling and retrying deployments: the checks, the row, the task, the activity."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from designer.deploy import gate
from designer.deploy.plans import current_of
from designer.deploy.targets import redact
from designer.models import Activity, Event, Membership
from designer.models.connections import Connection, Deployment, DeploymentState
from migrations_engine.errors import EngineError


class DeployRefused(Exception):
    """A deployment that may not start, with the reasons to show."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@sensitive_variables()
def start(
    connection: Connection,
    membership: Membership,
    target: int,
    *,
    confirmation: str | None = None,
    retry_of: Deployment | None = None,
) -> Deployment:
    """Queue a deployment of ``connection`` to version ``target`` (forward or back).

    Production needs ``confirmation`` to be the connection's name, typed. The database's
    current version is read here, for the rules; the run reads it again when it starts.
    """
    latest = connection.project.latest_version()
    if not 0 <= target <= (latest.number if latest else 0):
        raise DeployRefused([f"there is no v{target} in this project"])
    if connection.is_production and (confirmation or "").strip() != connection.name:
        raise DeployRefused([f"type the connection's name, “{connection.name}”, to confirm a change to production"])
    try:
        current, _ = current_of(connection)
    except EngineError as exc:
        raise DeployRefused([f"cannot read the database's version: {redact(str(exc), connection.url())}"]) from None
    reasons = gate.refusals(connection, membership, current, target)
    if reasons:
        raise DeployRefused(reasons)
    from designer.tasks import run_deployment

    with transaction.atomic():
        deployment = Deployment.objects.create(
            project=connection.project,
            connection=connection,
            connection_name=connection.name,
            environment=connection.environment,
            requested_by=membership.user,
            from_version=current,
            to_version=target,
            rollback=target < current,
            retry_of=retry_of,
        )
        event = Event.ROLLBACK_REQUESTED if deployment.rollback else Event.DEPLOY_REQUESTED
        Activity.record(
            event, connection.project, membership.user,
            detail=f"#{deployment.pk}: v{current} → v{target} on {connection.name} ({connection.environment})"
            + (f", retrying #{retry_of.pk}" if retry_of else ""),
        )
        transaction.on_commit(lambda: _enqueue(deployment.pk, run_deployment))
    return deployment


def _enqueue(deployment_id: int, task: Any) -> None:
    result = task.enqueue(deployment_id)
    Deployment.objects.filter(pk=deployment_id).update(task_id=str(result.id))


def cancel(deployment: Deployment, user: Any) -> str:
    """Cancel a queued deployment at once, or ask a running one to stop at its next safe point."""
    with transaction.atomic():
        if Deployment.objects.filter(pk=deployment.pk, state=DeploymentState.QUEUED).update(
            state=DeploymentState.CANCELLED, cancel_requested=True, finished=timezone.now(),
            error="cancelled before it started",
        ):
            outcome = "cancelled before it started"
        elif Deployment.objects.filter(pk=deployment.pk, state=DeploymentState.RUNNING).update(cancel_requested=True):
            outcome = "asked to stop at the next safe point (between two migrations)"
        else:
            return "it had already finished"
        Activity.record(Event.DEPLOY_CANCELLED, deployment.project, user, detail=f"#{deployment.pk}: {outcome}")
    return outcome


def retry(deployment: Deployment, membership: Membership, confirmation: str | None = None) -> Deployment:
    """A new deployment to the same target, resuming a migration the failed one left half-way."""
    if deployment.state not in (DeploymentState.FAILED, DeploymentState.INTERRUPTED, DeploymentState.CANCELLED):
        raise DeployRefused(["only a failed, interrupted or cancelled deployment can be retried"])
    if deployment.connection is None:
        raise DeployRefused(["its connection was removed"])
    return start(deployment.connection, membership, deployment.to_version, confirmation=confirmation, retry_of=deployment)
