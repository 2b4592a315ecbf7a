from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from designer.access import get_project_for
from designer.history import version_start
from designer.models import DIALECT_CHOICES, Draft, Project, Role, SchemaVersion
from designer.preview import create_script, dialect_or_default, migration
from designer.reviewing import verdicts_in_force
from designer.views.changes import version_or_404
from migrations_engine.schema import Schema

#: The htmx target of the migration's SQL (templates/designer/change/sql.html).
CHANGE_SQL = "change-sql"


@vary_on_headers("HX-Request", "HX-Target")
@login_required
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A version: summary, diagram, its migration from the version before, CREATE script.

    htmx asks for one part in another dialect (``?dialect=``): the migration's SQL (target
    ``change-sql``) or the CREATE script; without htmx, the page shows both in that dialect.
    """
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    version = version_or_404(project, number)
    dialect = dialect_or_default(request.GET.get("dialect"), project.dialect)
    schema = version.schema()
    context: dict[str, Any] = {
        "project": project,
        "membership": membership,
        "version": version,
        "schema": schema,
        "dialect": dialect,
        "dialects": DIALECT_CHOICES,
    }
    if request.htmx.target == CHANGE_SQL:
        context |= change_context(project, version, schema, dialect)
        return render(request, "designer/change/sql.html", context)
    sql, error = create_script(schema, dialect)
    context |= {"sql": sql, "sql_error": error}
    if request.htmx:
        return render(request, "designer/version/sql.html", context)
    context |= change_context(project, version, schema, dialect)
    context |= review_of(version)
    context["column_count"] = sum(len(t.columns) for t in schema.tables)
    return render(request, "designer/version_detail.html", context)


def review_of(version: SchemaVersion) -> dict[str, Any]:
    """The draft published as ``version`` (its review page), with the approvals it had."""
    draft = Draft.objects.filter(published_as=version).first()
    if draft is None:
        return {}
    approvals = [r for r in verdicts_in_force(draft) if r.is_approval]
    return {"review_draft": draft, "review_approvals": approvals}


#: Beyond this many operations the version page counts the migration's steps (by kind) and
#: links its scripts instead of listing them: v1 of a 10,000-table schema is 10,000 steps.
VERSION_STEPS = 300


def change_context(
    project: Project, version: SchemaVersion, schema: Schema, dialect: str
) -> dict[str, Any]:
    """What the migration section (templates/designer/version/migration.html) shows."""
    before = f"v{version.number - 1}" if version.number > 1 else None
    args = [project.slug, version.number]
    return {
        "change": migration(version_start(version), schema, dialect, max_steps=VERSION_STEPS),
        "start_label": before or "an empty database",
        "no_change_text": f"No schema change: v{version.number} holds the same schema as {before}."
        if before
        else "No tables yet.",
        "sql_url": reverse("designer:version", args=args),
        "download_url_up": reverse("designer:version_sql_up", args=args),
        "download_url_down": reverse("designer:version_sql_down", args=args),
    }
