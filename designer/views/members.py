from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from designer.access import get_project_for
from designer.forms import MemberAddForm, RoleForm
from designer.models import Activity, Event, Membership, Project, Role
from designer.views.projects import project_context

LAST_OWNER = "A project needs an owner: make someone else owner first."


def _members_response(
    request: HttpRequest, project: Project, membership: Membership, **forms
) -> HttpResponse:
    """The members section for htmx, the project page otherwise (redirect when all went well)."""
    failed = bool(forms.get("member_error")) or (
        forms.get("member_form") is not None and forms["member_form"].errors
    )
    if request.htmx:
        context = project_context(project, membership, **forms)
        return render(request, "designer/project/members.html", context)
    if not failed:
        return redirect("designer:project", project.slug)
    context = project_context(project, membership, **forms)
    return render(request, "designer/project_detail.html", context, status=400)


def _other_member(project: Project, membership_id: int) -> Membership:
    try:
        return project.memberships.select_related("user").get(pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404("No such member") from None


def _is_last_owner(member: Membership) -> bool:
    return (
        member.role == Role.OWNER
        and not member.project.memberships.filter(role=Role.OWNER).exclude(pk=member.pk).exists()
    )


@require_POST
@login_required
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.OWNER)
    form = MemberAddForm(request.POST, project=project)
    if form.is_valid():
        added = Membership.objects.create(
            project=project, user=form.cleaned_data["username"], role=form.cleaned_data["role"]
        )
        Activity.record(Event.MEMBERS_CHANGED, project, request.user, detail=f"added {added.user} as {added.get_role_display().lower()}")
        form = None
    return _members_response(request, project, membership, member_form=form)


@require_POST
@login_required
def member_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.OWNER)
    member = _other_member(project, membership_id)
    form = RoleForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Choose one of the roles."
    elif form.cleaned_data["role"] != Role.OWNER and _is_last_owner(member):
        error = LAST_OWNER
    else:
        member.role = form.cleaned_data["role"]
        member.save(update_fields=["role"])
        Activity.record(Event.MEMBERS_CHANGED, project, request.user, detail=f"made {member.user} {member.get_role_display().lower()}")
        if member.pk == membership.pk:
            membership = member
    if not membership.can_manage and request.htmx:
        # The user gave up their own ownership: the members section's controls are gone too.
        return _members_response(request, project, membership)
    return _members_response(request, project, membership, member_error=error)


@require_POST
@login_required
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.OWNER)
    member = _other_member(project, membership_id)
    if _is_last_owner(member):
        return _members_response(request, project, membership, member_error=LAST_OWNER)
    leaving = member.pk == membership.pk
    member.delete()
    Activity.record(Event.MEMBERS_CHANGED, project, request.user, detail=f"removed {member.user}")
    if leaving:
        if request.htmx:
            return HttpResponseClientRedirect(reverse("designer:projects"))
        return redirect("designer:projects")
    return _members_response(request, project, membership)
