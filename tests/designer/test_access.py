import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from designer.access import get_draft_for, get_project_for
from designer.models import DraftStatus, Role


@pytest.mark.parametrize("role", ["owner", "architect", "reviewer", "viewer"])
def test_members_reach_their_project_with_their_role(cast, role):
    project, membership = get_project_for(cast.user(role), "shop", Role.VIEWER)

    assert project == cast.project
    assert membership.role == role


def test_outsiders_get_a_404(cast):
    with pytest.raises(Http404):
        get_project_for(cast.outsider, "shop", Role.VIEWER)


def test_unknown_projects_get_a_404(cast):
    with pytest.raises(Http404):
        get_project_for(cast.owner, "nope", Role.VIEWER)


def test_members_without_the_role_get_a_403(cast):
    with pytest.raises(PermissionDenied):
        get_project_for(cast.reviewer, "shop", Role.ARCHITECT)


def test_drafts_of_other_projects_are_not_found(cast, draft):
    from designer.models import Membership, Project

    other = Project.objects.create(name="Other", slug="other")
    Membership.objects.create(project=other, user=cast.architect, role=Role.OWNER)

    with pytest.raises(Http404):
        get_draft_for(cast.architect, "other", draft.pk, Role.VIEWER)


def test_closed_drafts_refuse_editing(cast, draft):
    draft.status = DraftStatus.MERGED
    draft.save()

    assert get_draft_for(cast.architect, "shop", draft.pk, Role.VIEWER)[0] == draft
    with pytest.raises(PermissionDenied):
        get_draft_for(cast.architect, "shop", draft.pk, Role.ARCHITECT, editing=True)
