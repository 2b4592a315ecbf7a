"""Who may deploy what where.

Everyone in a project sees its connections and deployments. Owners add, edit and remove
connections. Architects and owners deploy to environments other than production; only owners
deploy to (or roll back) production, and a version reaches production only when it went
through review and was deployed without error to the environment before production in the
project's order.
"""

from __future__ import annotations

from designer.models import Draft, Membership, Role, SchemaVersion
from designer.models.connections import Connection, Deployment, DeploymentState
from designer.reviewing import verdicts_in_force


def can_manage_connections(membership: Membership) -> bool:
    return membership.allows(Role.OWNER)


def can_deploy(membership: Membership, connection: Connection) -> bool:
    return membership.allows(Role.OWNER if connection.is_production else Role.ARCHITECT)


def refusals(connection: Connection, membership: Membership, current: int | None, target: int) -> list[str]:
    """Why ``membership``'s user may not take ``connection`` from ``current`` to ``target``
    (empty: they may). ``current`` is None when the database's version is not known."""
    if not can_deploy(membership, connection):
        needed = "an owner" if connection.is_production else "an architect or an owner"
        return [f"deploying to {connection.environment} needs {needed}"]
    if not connection.is_production or (current is not None and target <= current):
        return []  # a rollback of production is an owner's recovery: allowed with its confirmation
    reasons = []
    start = current or 0
    for version in connection.project.versions.filter(number__gt=start, number__lte=target).order_by("number"):
        if not went_through_review(version):
            reasons.append(f"v{version.number} was published without an approving review")
    before = previous_environment(connection)
    if before is None:
        reasons.append(
            "production takes only versions deployed to the environment before it, and this project has "
            "no connection in an earlier environment"
        )
    elif not Deployment.objects.filter(
        connection__project=connection.project,
        connection__environment=before,
        to_version=target,
        rollback=False,
        state=DeploymentState.SUCCEEDED,
    ).exists():
        reasons.append(f"v{target} has not been deployed without error to {before} yet")
    return reasons


def went_through_review(version: SchemaVersion) -> bool:
    """Published from a draft that an approval in force covered."""
    draft = Draft.objects.filter(published_as=version).first()
    return draft is not None and any(review.is_approval for review in verdicts_in_force(draft))


def previous_environment(connection: Connection) -> str | None:
    """The environment just before ``connection``'s in the project's order, if any."""
    earlier = (
        Connection.objects.filter(project=connection.project, environment_order__lt=connection.environment_order)
        .order_by("-environment_order")
        .values_list("environment", flat=True)
        .first()
    )
    return earlier
