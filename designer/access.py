"""Who may see and do what: every view goes through one of these helpers first.

Outsiders get a 404 (a project's existence is not revealed), members lacking the role a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from designer.models import Draft, Membership, Project, Role


def get_membership_for(user, slug: str, min_role: Role) -> Membership:
    """The user's membership of the project ``slug`` (with the project), if it has ``min_role``."""
    try:
        membership = Membership.objects.select_related("project").get(project__slug=slug, user=user)
    except Membership.DoesNotExist:
        raise Http404("No such project") from None
    if not membership.allows(min_role):
        raise PermissionDenied(f"This needs the {Role(min_role).label.lower()} role")
    return membership


def get_project_for(user, slug: str, min_role: Role) -> tuple[Project, Membership]:
    membership = get_membership_for(user, slug, min_role)
    return membership.project, membership


def get_draft_for(
    user, slug: str, draft_id: int, min_role: Role, *, editing: bool = False
) -> tuple[Draft, Membership]:
    """A draft of the project; ``editing`` also refuses drafts that are merged or abandoned."""
    membership = get_membership_for(user, slug, min_role)
    try:
        # The base version's snapshot is large and only the SQL preview needs it: loaded on use.
        draft = (
            Draft.objects.select_related("base_version", "author")
            .defer("base_version__snapshot", "base_version__groups")
            .get(pk=draft_id, project=membership.project)
        )
    except Draft.DoesNotExist:
        raise Http404("No such draft") from None
    draft.project = membership.project
    if editing and not draft.is_editable:
        raise PermissionDenied(
            f"This draft is {draft.get_status_display().lower()}: it is read-only"
        )
    return draft, membership
