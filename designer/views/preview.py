from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from designer.access import get_draft_for
from designer.analysis import Pending, kept_or_started
from designer.lint import draft_lint
from designer.models import DIALECT_CHOICES, Role
from designer.preview import dialect_or_default

#: Lint findings listed by the preview (the count says how many there are).
PREVIEW_FINDINGS = 50


@login_required
def draft_preview(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """The SQL preview panel: problems, the migration from the base version, the CREATE script."""
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    dialect = dialect_or_default(request.GET.get("dialect"), draft.project.dialect)
    analysis = kept_or_started(draft, dialect)
    if isinstance(analysis, Pending):  # a large draft's, on its way: the panel asks again
        context = {"project": draft.project, "draft": draft, "dialect": dialect, "pending": analysis}
        if request.htmx:
            return render(request, "designer/editor/preview_pending.html", context)
        return render(request, "designer/draft_preview.html", {**context, "membership": membership})
    context = {
        "project": draft.project,
        "draft": draft,
        "dialect": dialect,
        "dialects": DIALECT_CHOICES,
        "errors": [m for m in analysis.messages if m.is_error],
        "warnings": [m for m in analysis.messages if not m.is_error],
        "migration": analysis.change,
        # A large draft's CREATE script is megabytes: a download (the Download menu).
        "create_sql": analysis.create_sql,
        "create_skipped": analysis.create_skipped,
        "table_count": analysis.table_count,
        "create_error": analysis.create_error,
        "lint": draft_lint(draft, dialect).first(PREVIEW_FINDINGS),
    }
    template = "designer/editor/preview.html" if request.htmx else "designer/draft_preview.html"
    return render(request, template, {**context, "membership": membership})
