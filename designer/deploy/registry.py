"""Registering, changing and removing a project's connections (owners only; the views and the
``connections`` command check the role), each change in the project's activity without the URL's
password."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.views.decorators.debug import sensitive_variables

from designer.deploy.targets import TargetRefused, check_url
from designer.models import Activity, Event, Project
from designer.models.connections import STANDARD_ENVIRONMENTS, Connection


def environment_order(environment: str, order: int | None) -> int:
    """The order of ``environment``: the standard one's, or ``order`` for a custom name."""
    if environment in STANDARD_ENVIRONMENTS and order is None:
        return STANDARD_ENVIRONMENTS[environment]
    if order is None:
        raise TargetRefused(
            f"“{environment}” is not one of {', '.join(STANDARD_ENVIRONMENTS)}: give it an order "
            f"(development is {STANDARD_ENVIRONMENTS['development']}, staging {STANDARD_ENVIRONMENTS['staging']}, "
            f"production {STANDARD_ENVIRONMENTS['production']})"
        )
    return order


def clean_environment(text: str) -> str:
    name = text.strip().lower()
    if not name or len(name) > 40 or not all(ch.isalnum() or ch in "-_ " for ch in name):
        raise TargetRefused("an environment is a name of up to 40 letters, digits, spaces, - or _")
    return name


@sensitive_variables()
def add(project: Project, user: Any, name: str, environment: str, url: str, order: int | None = None) -> Connection:
    """Register a connection; ``TargetRefused`` says why not (never with the password)."""
    environment = clean_environment(environment)
    parsed = check_url(url, project.dialect)
    connection = Connection(
        project=project,
        name=_clean_name(name),
        environment=environment,
        environment_order=environment_order(environment, order),
        dialect=parsed.dialect,
        created_by=user,
    )
    connection.set_url(url.strip(), str(parsed))
    try:
        with transaction.atomic():
            connection.save()
            Activity.record(Event.CONNECTIONS_CHANGED, project, user, detail=f"added {connection.name} ({environment}): {parsed}")
    except IntegrityError:
        raise TargetRefused(f"this project has a connection named “{connection.name}” already") from None
    return connection


@sensitive_variables()
def update(
    connection: Connection, user: Any, *, name: str, environment: str, order: int | None, url: str = ""
) -> Connection:
    """Change a connection; an empty ``url`` keeps the stored one (the password is write-only)."""
    environment = clean_environment(environment)
    changes = []
    new_name = _clean_name(name)
    if new_name != connection.name:
        changes.append(f"renamed {connection.name} to {new_name}")
    if environment != connection.environment:
        changes.append(f"moved to {environment}")
    connection.name = new_name
    connection.environment = environment
    connection.environment_order = environment_order(environment, order)
    if url.strip():
        parsed = check_url(url, connection.project.dialect)
        connection.set_url(url.strip(), str(parsed))
        changes.append(f"new URL {parsed}")
    try:
        with transaction.atomic():
            connection.save()
            Activity.record(
                Event.CONNECTIONS_CHANGED, connection.project, user,
                detail=f"changed {connection.name}: " + ("; ".join(changes) or "order"),
            )
    except IntegrityError:
        raise TargetRefused(f"this project has a connection named “{new_name}” already") from None
    return connection


def remove(connection: Connection, user: Any) -> None:
    """Forget a connection (its deployments stay on record, under its name)."""
    with transaction.atomic():
        Activity.record(
            Event.CONNECTIONS_CHANGED, connection.project, user,
            detail=f"removed {connection.name} ({connection.environment}): {connection.display_url}",
        )
        connection.delete()


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise TargetRefused("a connection needs a name of up to 100 characters")
    return name
