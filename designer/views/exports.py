"""Downloads of a version or a draft as SQLAlchemy models, Django models, DBML, snapshot JSON or
the CREATE script in the project's dialect (``migrations_engine.generate``). Any member may
download; a schema the engine cannot write out becomes a message on the page, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

from designer.access import get_draft_for, get_project_for
from designer.conversion import read_content
from designer.models import Project, Role
from designer.views.changes import version_or_404
from migrations_engine.errors import EngineError
from migrations_engine.generate import TARGETS, generate
from migrations_engine.schema import Schema

#: What each target is called on the Download menu and in messages, in the menu's order.
TARGET_LABELS = {
    "sqlalchemy": "SQLAlchemy models",
    "django": "Django models",
    "dbml": "DBML",
    "snapshot": "Snapshot JSON",
    "sql": "SQL (CREATE script)",
}
CONTENT_TYPES = {
    "sqlalchemy": "text/x-python",
    "django": "text/x-python",
    "dbml": "text/plain",
    "snapshot": "application/json",
    "sql": "application/sql",
}


@login_required
def version_export(request: HttpRequest, slug: str, number: int, target: str) -> HttpResponse:
    project, _ = get_project_for(request.user, slug, Role.VIEWER)
    version = version_or_404(project, number)
    back = redirect("designer:version", project.slug, number)
    name = f"{project.slug}-v{version.number}"
    return _download(request, version.schema(), target, project, name, back, version.groups)


@login_required
def draft_export(request: HttpRequest, slug: str, draft_id: int, target: str) -> HttpResponse:
    draft, _ = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    back = redirect("designer:draft", slug, draft_id)
    base = f"-v{draft.base_version.number}" if draft.base_version else ""
    name = f"{draft.project.slug}{base}-draft-{draft.pk}"
    content = read_content(draft)
    return _download(request, content.schema, target, draft.project, name, back, content.groups_data())


def _tables_by_group(schema: Schema, groups: list[dict]) -> dict[str, list[str]]:
    """The designer's groups (tables by uid, or by name in older versions) as table names."""
    names = {table.id: table.name for table in schema.tables if table.id}
    return {group["name"]: [names.get(t, t) for t in group.get("tables", [])] for group in groups if group.get("name")}


def _download(
    request: HttpRequest,
    schema: Schema,
    target: str,
    project: Project,
    name: str,
    back: HttpResponse,
    groups: list[dict],
) -> HttpResponse:
    """``schema`` as an attachment of ``target`` (DBML with the project's name and ``groups``);
    on failure a message and ``back``."""
    if target not in TARGETS:
        raise Http404("No such download")
    label = TARGET_LABELS.get(target, target)
    try:
        text = generate(schema, target, project.dialect, title=project.name, groups=_tables_by_group(schema, groups))
    except ImportError:  # the target's module is not part of this installation yet
        messages.error(request, f"{label} downloads are not available on this server.")
        return back
    except EngineError as exc:
        messages.error(request, f"Could not write {label}: {exc}")
        return back
    except Exception as exc:  # noqa: BLE001 - a generator's bug shown as a message, never a 500
        messages.error(request, f"Could not write {label} ({type(exc).__name__}: {exc})")
        return back
    suffix = TARGETS[target]
    # A Python file's name is a module name: underscores, not the slug's hyphens.
    filename = f"{name}_{target}.py".replace("-", "_") if suffix == ".py" else f"{name}{suffix}"
    content_type = f"{CONTENT_TYPES.get(target, 'text/plain')}; charset=utf-8"
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
