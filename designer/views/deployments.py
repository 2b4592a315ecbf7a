"""Deployments: the plan shown before anything runs (with the runner's validation loaded after
the page), starting one, following it live, cancelling and retrying it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from designer.access import get_project_for
from designer.connection_forms import DeployForm
from designer.deploy import gate, plans, starting
from designer.deploy.running import mark_stale
from designer.models import Deployment, Project, Role
from designer.views.connections import connection_or_404, detail_context


def deployment_or_404(project: Project, deployment_id: int) -> Deployment:
    try:
        return project.deployments.select_related("connection", "requested_by", "retry_of").get(pk=deployment_id)
    except Deployment.DoesNotExist:
        raise Http404("No such deployment") from None


def _target(request: HttpRequest, project: Project) -> int:
    form = DeployForm(request.GET if request.method == "GET" else request.POST, project=project)
    if not form.is_valid():
        raise Http404("No such version")
    return form.cleaned_data["to"]


@login_required
def deployment_plan(request: HttpRequest, slug: str, connection_id: int) -> HttpResponse:
    """What deploying ``?to=`` would do: the runner's dry run, destructive operations, backups,
    and the rules that stand in the way; validation follows (``deployment_validation``)."""
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    connection = connection_or_404(project, connection_id)
    target = _target(request, project)
    plan = plans.make_plan(connection, target)
    refusals = gate.refusals(connection, membership, plan.current, target) if not plan.error else []
    context = {
        "project": project,
        "membership": membership,
        "connection": connection,
        "plan": plan,
        "refusals": refusals,
        "deploy_form": DeployForm(project=project, initial={"to": target}),
    }
    return render(request, "designer/deployment/plan.html", context)


@login_required
def deployment_validation(request: HttpRequest, slug: str, connection_id: int) -> HttpResponse:
    """The runner's validation of a forward plan on a scratch database (up, down, up)."""
    project, _ = get_project_for(request.user, slug, Role.VIEWER)
    connection = connection_or_404(project, connection_id)
    passed, text = plans.validate(connection, _target(request, project))
    return render(request, "designer/deployment/validation.html", {"passed": passed, "text": text})


@require_POST
@login_required
def deployment_start(request: HttpRequest, slug: str, connection_id: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    connection = connection_or_404(project, connection_id)
    if not gate.can_deploy(membership, connection):
        raise PermissionDenied(gate.refusals(connection, membership, None, 0)[0])
    target = _target(request, project)
    try:
        deployment = starting.start(connection, membership, target, confirmation=request.POST.get("confirmation"))
    except starting.DeployRefused as refusal:
        context = detail_context(project, membership, connection, deploy_refusals=refusal.reasons)
        return render(request, "designer/connection/detail.html", context, status=422)
    return redirect("designer:deployment", project.slug, deployment.pk)


@login_required
def deployment_detail(request: HttpRequest, slug: str, deployment_id: int) -> HttpResponse:
    """The deployment as it goes: htmx polls the progress part until the run has finished."""
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    mark_stale()
    deployment = deployment_or_404(project, deployment_id)
    connection = deployment.connection
    context = {
        "project": project,
        "membership": membership,
        "deployment": deployment,
        "can_act": connection is not None and gate.can_deploy(membership, connection),
    }
    if request.htmx:
        return render(request, "designer/deployment/progress.html", context)
    return render(request, "designer/deployment/detail.html", context)


@require_POST
@login_required
def deployment_cancel(request: HttpRequest, slug: str, deployment_id: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    deployment = deployment_or_404(project, deployment_id)
    if deployment.connection is None or not gate.can_deploy(membership, deployment.connection):
        raise PermissionDenied("Only those who may deploy to this connection cancel its deployments")
    starting.cancel(deployment, request.user)
    return redirect("designer:deployment", project.slug, deployment.pk)


@require_POST
@login_required
def deployment_retry(request: HttpRequest, slug: str, deployment_id: int) -> HttpResponse:
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    deployment = deployment_or_404(project, deployment_id)
    if deployment.connection is None or not gate.can_deploy(membership, deployment.connection):
        raise PermissionDenied("Only those who may deploy to this connection retry its deployments")
    try:
        retry = starting.retry(deployment, membership, confirmation=request.POST.get("confirmation"))
    except starting.DeployRefused as refusal:
        context = {
            "project": project, "membership": membership, "deployment": deployment,
            "can_act": True, "retry_refusals": refusal.reasons,
        }
        return render(request, "designer/deployment/detail.html", context, status=422)
    return redirect("designer:deployment", project.slug, retry.pk)
