"""Lint pages: the project's "Lint rules" settings (owners), and docs/lint.md, which every
finding links to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from designer.access import get_project_for
from designer.lint import LintRulesForm, docs_html
from designer.models import Activity, Event, Role


@require_POST
@login_required
def project_lint_rules(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = get_project_for(request.user, slug, Role.OWNER)
    form = LintRulesForm(request.POST, project=project)
    form.is_valid()  # checkboxes: every POST is valid, an unchecked box is a rule turned off
    off = form.save()
    Activity.record(Event.RULES_CHANGED, project, request.user, detail="lint rules off: " + (", ".join(off) or "none"))
    return redirect(reverse("designer:project_edit", args=[project.slug]) + "#lint-rules")


@login_required
def lint_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "designer/lint/docs.html", {"docs": docs_html()})
