from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from designer.access import get_project_for
from designer.models import DIALECT_CHOICES, Role
from designer.preview import create_script, dialect_or_default


@vary_on_headers("HX-Request")
@login_required
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    version = project.versions.select_related("author").filter(number=number).first()
    if version is None:
        raise Http404("No such version")
    dialect = dialect_or_default(request.GET.get("dialect"), project.dialect)
    schema = version.schema()
    sql, error = create_script(schema, dialect)
    context = {
        "project": project,
        "membership": membership,
        "version": version,
        "schema": schema,
        "column_count": sum(len(t.columns) for t in schema.tables),
        "dialect": dialect,
        "dialects": DIALECT_CHOICES,
        "sql": sql,
        "sql_error": error,
    }
    if request.htmx:
        return render(request, "designer/version/sql.html", context)
    return render(request, "designer/version_detail.html", context)
