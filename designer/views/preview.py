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
from migrations_engine.validate import problems

#: Beyond this many tables the preview leaves out the full CREATE script (see the Download menu).
PREVIEW_TABLES = 300
#: Beyond this many operations the preview counts the migration's steps instead of listing them.
PREVIEW_STEPS = 300
#: Lint findings listed by the preview (the count says how many there are).
PREVIEW_FINDINGS = 50


@login_required
def draft_preview(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """The SQL preview panel: problems, the migration from the base version, the CREATE script."""
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    dialect = dialect_or_default(request.GET.get("dialect"), draft.project.dialect)
    schema, base = read_content(draft).schema, draft.base_schema()
    messages = schema_messages(schema)
    found = problems(schema, dialect=dialect)
    large = len(schema.tables) > PREVIEW_TABLES
    # A large draft's CREATE script is megabytes: a download (the Download menu), not a panel.
    sql, sql_error = ("", "") if large else create_script(schema, dialect, found)
    change = migration(base, schema, dialect, found=found, max_steps=PREVIEW_STEPS)
    context = {
        "project": draft.project,
        "draft": draft,
        "dialect": dialect,
        "dialects": DIALECT_CHOICES,
        "errors": [m for m in messages if m.is_error],
        "warnings": [m for m in messages if not m.is_error],
        "migration": change,
        "create_sql": sql,
        "create_skipped": large,
        "table_count": len(schema.tables),
        "create_error": sql_error,
        "lint": draft_lint(draft, dialect, schema, base, change.operations).first(PREVIEW_FINDINGS),
    }
    template = "designer/editor/preview.html" if request.htmx else "designer/draft_preview.html"
    return render(request, template, {**context, "membership": membership})
