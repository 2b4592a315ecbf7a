"""Connections: the list (owners add), one connection's page (status, drift, test, deploy form,
deployments), editing and removal (owners), and a draft started from its live schema."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from designer.access import get_project_for
from designer.connection_forms import ConnectionForm, DeployForm
from designer.deploy import gate, registry, status
from designer.deploy.running import mark_stale
from designer.deploy.targets import TargetRefused
from designer.models import Draft, Membership, Project, Role
from designer.models.connections import Connection
from migrations_engine.errors import EngineError

DEPLOYMENTS_SHOWN = 20


def connection_or_404(project: Project, connection_id: int) -> Connection:
    try:
        return project.connections.get(pk=connection_id)
    except Connection.DoesNotExist:
        raise Http404("No such connection") from None


def _require_owner(membership: Membership) -> None:
    if not gate.can_manage_connections(membership):
        raise PermissionDenied("Only owners add, change and remove connections")


@sensitive_post_parameters("url")
@login_required
def connection_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Everyone sees the connections; owners add one (POST)."""
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    form = ConnectionForm(request.POST or None)
    error = ""
    if request.method == "POST":
        _require_owner(membership)
        if form.is_valid():
            data = form.cleaned_data
            try:
                connection = registry.add(
                    project, request.user, data["name"], data["environment"], data["url"], data["order"]
                )
            except TargetRefused as refusal:
                error = str(refusal)
            else:
                return redirect("designer:connection", project.slug, connection.pk)
    mark_stale()
    connections = project.connections.all()
    context = {
        "project": project,
        "membership": membership,
        "connections": [(c, c.checks.first(), c.deployments.first()) for c in connections],
        "form": form,
        "error": error,
        "can_manage": gate.can_manage_connections(membership),
    }
    return render(request, "designer/connection/list.html", context, status=422 if error or form.errors else 200)


@login_required
def connection_detail(request: HttpRequest, slug: str, connection_id: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    connection = connection_or_404(project, connection_id)
    mark_stale()
    return render(request, "designer/connection/detail.html", detail_context(project, membership, connection))


def detail_context(project: Project, membership: Membership, connection: Connection, **extra) -> dict:
    return {
        "project": project,
        "membership": membership,
        "connection": connection,
        "check": connection.checks.first(),
        "deployments": connection.deployments.select_related("requested_by")[:DEPLOYMENTS_SHOWN],
        "deploy_form": DeployForm(project=project, initial={"to": _latest(project)}),
        "can_deploy": gate.can_deploy(membership, connection),
        "can_manage": gate.can_manage_connections(membership),
        "can_draft": membership.allows(Role.ARCHITECT),
        "edit_form": extra.pop("edit_form", None) or ConnectionForm(connection=connection),
        **extra,
    }


def _latest(project: Project) -> int:
    latest = project.latest_version()
    return latest.number if latest else 0


@require_POST
@login_required
def connection_check(request: HttpRequest, slug: str, connection_id: int) -> HttpResponse:
    """"Check now": read the history and the live schema afresh (htmx swaps the status card)."""
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    connection = connection_or_404(project, connection_id)
    check = status.check(connection)
    context = {"project": project, "connection": connection, "check": check, "membership": membership}
    if request.htmx:
        return render(request, "designer/connection/status.html", context)
    return redirect("designer:connection", project.slug, connection.pk)


@require_POST
@login_required
def connection_test(request: HttpRequest, slug: str, connection_id: int) -> HttpResponse:
    """"Test connection": the server's version, or why it cannot be reached."""
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    connection = connection_or_404(project, connection_id)
    try:
        version, error = status.server_version(connection), ""
    except EngineError as exc:
        version, error = "", str(exc)
    result = {"server_version": version, "test_error": error}
    if request.htmx:
        return render(request, "designer/connection/test_result.html", {"connection": connection, **result})
    return render(request, "designer/connection/detail.html", detail_context(project, membership, connection, **result))


@sensitive_post_parameters("url")
@require_POST
@login_required
def connection_edit(request: HttpRequest, slug: str, connection_id: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    _require_owner(membership)
    connection = connection_or_404(project, connection_id)
    form = ConnectionForm(request.POST, connection=connection)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            registry.update(
                connection, request.user, name=data["name"], environment=data["environment"],
                order=data["order"], url=data["url"],
            )
        except TargetRefused as refusal:
            error = str(refusal)
            connection.refresh_from_db()
        else:
            return redirect("designer:connection", project.slug, connection.pk)
    context = detail_context(project, membership, connection, edit_form=form, edit_error=error, editing=True)
    return render(request, "designer/connection/detail.html", context, status=422)


@login_required
def connection_delete(request: HttpRequest, slug: str, connection_id: int) -> HttpResponse:
    """A confirmation page, then the removal (its deployments stay on record)."""
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    _require_owner(membership)
    connection = connection_or_404(project, connection_id)
    if request.method == "POST":
        registry.remove(connection, request.user)
        return redirect("designer:connections", project.slug)
    return render(request, "designer/connection/delete.html", {"project": project, "connection": connection})


def _unreadable(request: HttpRequest, project: Project, membership: Membership, connection: Connection, check, what: str) -> HttpResponse:
    """The connection's page saying why its live schema could not be read, and what was not made."""
    reason = check.error or check.drift_note or "its schema could not be read"
    context = detail_context(project, membership, connection, check=check, draft_error=f"{what}: {reason}")
    return render(request, "designer/connection/detail.html", context, status=422)


@require_POST
@login_required
def connection_project(request: HttpRequest, slug: str, connection_id: int) -> HttpResponse:
    """A new project (its author its owner) whose first draft holds the connection's live schema."""
    from django.db import transaction

    from designer.forms import ProjectForm

    project, membership = get_project_for(request.user, slug, Role.ARCHITECT)
    connection = connection_or_404(project, connection_id)
    form = ProjectForm({
        "name": request.POST.get("name", ""), "slug": "", "description": f"Started from the live schema of {connection.name} ({project.name}).",
        "dialect": connection.dialect, "required_approvals": 1,
    })
    if not form.is_valid():
        errors = "; ".join(str(m) for messages in form.errors.values() for m in messages)
        context = detail_context(project, membership, connection, draft_error=f"No project made: {errors}")
        return render(request, "designer/connection/detail.html", context, status=422)
    check = status.check(connection)
    if check.error or check.live_snapshot is None:
        return _unreadable(request, project, membership, connection, check, "No project made")
    from migrations_engine.snapshot import from_data

    with transaction.atomic():
        new = form.save()
        Membership.objects.create(project=new, user=request.user, role=Role.OWNER)
        draft = Draft.objects.create_from_schema(
            new, from_data(check.live_snapshot), None, request.user, title=f"Live schema of {connection.name}"
        )
    return redirect("designer:draft", new.slug, draft.pk)


@require_POST
@login_required
def connection_draft(request: HttpRequest, slug: str, connection_id: int) -> HttpResponse:
    """A draft holding the connection's live schema, based on the version it is at, its elements
    paired by name with that version's so the draft shows only what differs."""
    from migrations_engine.pairing import adopt_ids
    from migrations_engine.schema import Schema
    from migrations_engine.snapshot import from_data

    project, membership = get_project_for(request.user, slug, Role.ARCHITECT)
    connection = connection_or_404(project, connection_id)
    check = status.check(connection)
    if check.error or check.live_snapshot is None:
        return _unreadable(request, project, membership, connection, check, "No draft made")
    base = project.versions.filter(number=check.version).first() if check.version else None
    live = from_data(check.live_snapshot)
    schema = adopt_ids(live, base.schema() if base else Schema())
    draft = Draft.objects.create_from_schema(
        project, schema, base, request.user,
        title=f"Live schema of {connection.name}", groups=base.groups if base else None,
    )
    return redirect("designer:draft", project.slug, draft.pk)
