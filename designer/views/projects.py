from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from designer.access import get_project_for
from designer.forms import DraftCreateForm, MemberAddForm, ProjectForm
from designer.lint import LintRulesForm
from designer.models import Activity, Event, Membership, Project, Role


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("project")
        .annotate(
            versions=Count("project__versions", distinct=True),
            latest=Max("project__versions__number"),
        )
        .order_by("project__name")
    )
    return render(request, "designer/project_list.html", {"memberships": memberships})


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            project = form.save()
            Membership.objects.create(project=project, user=request.user, role=Role.OWNER)
        return redirect("designer:project", project.slug)
    return render(request, "designer/project_form.html", {"form": form, "creating": True})


ACTIVITY_SHOWN = 30


def project_context(project: Project, membership: Membership, **forms) -> dict:
    """What the project page and its partials show."""
    return {
        "project": project,
        "membership": membership,
        "versions": project.versions.select_related("author").defer("snapshot"),
        "drafts": project.drafts.select_related("author", "base_version").defer(
            "base_version__snapshot"
        ),
        "members": project.memberships.select_related("user").order_by("user__username"),
        "roles": Role.choices,
        "member_form": forms.get("member_form") or MemberAddForm(project=project),
        "draft_form": forms.get("draft_form")
        or DraftCreateForm(project=project),  # it preselects the latest version itself
        "member_error": forms.get("member_error", ""),
        "activity": project.activity.select_related("actor", "draft")[:ACTIVITY_SHOWN],
        "connections": project.connections.all(),
    }


@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    return render(request, "designer/project_detail.html", project_context(project, membership))


@login_required
def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.OWNER)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Under the project row's lock: a publish checking the rules waits for this change.
            Project.objects.select_for_update().filter(pk=project.pk).first()
            project = form.save()
            rules = form.changed_rules()
            if rules:
                Activity.record(Event.RULES_CHANGED, project, request.user, detail="; ".join(rules))
        return redirect("designer:project", project.slug)
    return render(
        request, "designer/project_form.html",
        {"form": form, "project": project, "creating": False, "lint_form": LintRulesForm(project=project)},
    )


@require_POST
@login_required
def project_delete(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = get_project_for(request.user, slug, Role.OWNER)
    if request.POST.get("confirm") != project.slug:
        return render(
            request,
            "designer/project_form.html",
            {
                "form": ProjectForm(instance=project),
                "project": project,
                "delete_error": f"Type “{project.slug}” to confirm.",
            },
            status=400,
        )
    project.delete()
    return redirect("designer:projects")
