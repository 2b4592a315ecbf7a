from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from designer.access import get_draft_for
from designer.conversion import read_content
from designer.lint import draft_lint
from designer.models import DIALECT_CHOICES, Role
from designer.preview import create_script, dialect_or_default, migration
from designer.validation import schema_messages


@login_required
def draft_preview(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """The SQL preview panel: problems, the migration from the base version, the CREATE script."""
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    dialect = dialect_or_default(request.GET.get("dialect"), draft.project.dialect)
    schema, base = read_content(draft).schema, draft.base_schema()
    messages = schema_messages(schema)
    sql, sql_error = create_script(schema, dialect)
    context = {
        "project": draft.project,
        "draft": draft,
        "dialect": dialect,
        "dialects": DIALECT_CHOICES,
        "errors": [m for m in messages if m.is_error],
        "warnings": [m for m in messages if not m.is_error],
        "migration": migration(base, schema, dialect),
        "create_sql": sql,
        "create_error": sql_error,
        "lint": draft_lint(draft, dialect, schema, base),
    }
    template = "designer/editor/preview.html" if request.htmx else "designer/draft_preview.html"
    return render(request, template, {**context, "membership": membership})
