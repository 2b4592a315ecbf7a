"""A change's SQL as a ``.sql`` download, and the whole history as migration folders in a zip.

- ``version_sql``: version N's migration (from version N-1, or from nothing for v1), up or down;
- ``draft_sql``: a draft's change (from its base version to the draft), up or down;
- ``history_zip``: every version as migrations (``designer/history.py``), in the engine's own
  folder format or exported for Flyway, golang-migrate, dbmate or Alembic.

``?dialect=`` picks the SQL dialect of a ``.sql`` (the project's by default); the history is in
the project's dialect. Whoever can read the project can download them.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from designer import history
from designer.access import get_draft_for, get_project_for
from designer.models import Project, Role, SchemaVersion
from designer.preview import Migration, dialect_or_default, migration

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


@login_required
def version_sql(request: HttpRequest, slug: str, number: int, direction: str) -> HttpResponse:
    project, _ = get_project_for(request.user, slug, Role.VIEWER)
    version = version_or_404(project, number)
    dialect = dialect_or_default(request.GET.get("dialect"), project.dialect)
    change = migration(history.version_start(version), version.schema(), dialect)
    start = f"v{number - 1}" if number > 1 else "an empty database"
    return sql_download(
        change,
        direction,
        title=f"{project.name} v{number} ({version.message}): the migration from {start}",
        filename=f"{project.slug}-v{number}-{direction}.{dialect}.sql",
    )


@login_required
def draft_sql(request: HttpRequest, slug: str, draft_id: int, direction: str) -> HttpResponse:
    draft, _ = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    project = draft.project
    dialect = dialect_or_default(request.GET.get("dialect"), project.dialect)
    change = migration(draft.base_schema(), draft.to_schema(), dialect)
    base = f"v{draft.base_version.number}" if draft.base_version else "an empty database"
    return sql_download(
        change,
        direction,
        title=f"{project.name} draft #{draft.pk} ({draft.title}): the change from {base}",
        filename=f"{project.slug}-draft-{draft.pk}-{direction}.{dialect}.sql",
    )


@login_required
def history_zip(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    if fmt not in history.FORMATS:
        raise Http404("No such format")
    if not project.versions.exists():
        return _history_unavailable(
            request, project, membership, "This project has no version yet: publish a draft "
            "to make the first one, then its history can be downloaded.", status=404
        )
    try:
        download = history.history_zip(project, fmt)
    except history.HistoryError as exc:
        return _history_unavailable(request, project, membership, str(exc), status=422)
    response = HttpResponse(download.content, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, download.filename)
    return response


def version_or_404(project: Project, number: int) -> SchemaVersion:
    version = project.versions.select_related("author").filter(number=number).first()
    if version is None:
        raise Http404("No such version")
    return version


def sql_download(change: Migration, direction: str, *, title: str, filename: str) -> HttpResponse:
    """``change``'s up or down script as an attachment, under a header saying what it is and
    what its destructive steps lose; an error (the dialect cannot express it) as a 422 text."""
    title = _LINE_BREAKS.sub(" ", title)  # user text in a SQL comment: one line, always
    if change.error:
        return HttpResponse(
            f"{title}: {change.error}\n", status=422, content_type="text/plain; charset=utf-8"
        )
    lines = [f"-- {title}", f"-- {direction} script ({change.dialect}), made by Schema Designer"]
    if direction == "up":
        losses = [step.data_loss for step in change.steps if step.data_loss]
    else:
        losses = change.down_data_loss
    if losses:
        lines.append("-- Destructive:")
        lines += [f"--   {_LINE_BREAKS.sub(' ', loss)}" for loss in losses]
    body = (change.up if direction == "up" else change.down) or "-- No changes.\n"
    response = HttpResponse(
        "\n".join(lines) + "\n\n" + body, content_type="application/sql; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _history_unavailable(
    request: HttpRequest, project: Project, membership, message: str, *, status: int
) -> HttpResponse:
    context = {"project": project, "membership": membership, "message": message}
    return render(request, "designer/version/history_unavailable.html", context, status=status)
