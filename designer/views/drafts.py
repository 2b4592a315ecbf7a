from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from designer import reviewing
from designer.access import get_draft_for, get_project_for
from designer.forms import DraftCreateForm
from designer.models import Draft, Role
from designer.views.projects import project_context


@require_POST
@login_required
def draft_create(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.ARCHITECT)
    form = DraftCreateForm(request.POST, project=project)
    if not form.is_valid():
        context = project_context(project, membership, draft_form=form)
        return render(request, "designer/project_detail.html", context, status=400)
    version, title = form.cleaned_data["version"], form.cleaned_data["title"]
    if version is not None:
        draft = Draft.objects.create_from_version(version, request.user, title=title)
    else:
        from migrations_engine.schema import Schema

        draft = Draft.objects.create_from_schema(
            project, Schema(), None, request.user, title=title or "New schema"
        )
    return redirect("designer:draft", project.slug, draft.pk)


@require_POST
@login_required
def draft_publish(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """Publish the draft as the next version: every rule is checked in ``reviewing.publish``,
    under a lock; a refusal shows the review page with each reason (status 400)."""
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.ARCHITECT)
    if draft.published_as_id is not None:
        # Published already (a second click, the back button): show what it became.
        return redirect("designer:version", draft.project.slug, draft.published_as.number)
    if not draft.is_editable:
        raise PermissionDenied(f"This draft is {draft.get_status_display().lower()}: it is read-only")
    try:
        version = reviewing.publish(draft, request.user, request.POST.get("message", "").strip()[:200])
    except reviewing.PublishRefused as exc:
        from designer.views.reviews import review_context

        context = review_context(request, draft, membership, publish_reasons=exc.reasons)
        return render(request, "designer/review/page.html", context, status=400)
    return redirect("designer:version", draft.project.slug, version.number)


@require_POST
@login_required
def draft_abandon(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    draft, _ = get_draft_for(request.user, slug, draft_id, Role.ARCHITECT, editing=True)
    reviewing.abandon(draft, request.user)
    if request.htmx:  # the editor's Abandon button asks first (hx-confirm), then leaves the page
        return HttpResponseClientRedirect(reverse("designer:project", args=[draft.project.slug]))
    return redirect("designer:project", draft.project.slug)
