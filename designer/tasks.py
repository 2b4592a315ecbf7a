"""The designer's background tasks (the Tasks API: django-tasks on Django 5.2, with its
database backend; a worker runs them: ``manage.py deploy_worker``)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from designer.deploy import running

#: Deployments have a queue of their own, so a worker can be given to them alone.
DEPLOYMENTS_QUEUE = "deployments"


@task(queue_name=DEPLOYMENTS_QUEUE)
def run_deployment(deployment_id: int) -> str:
    """Run deployment ``deployment_id`` (see ``designer.deploy.running``); its final state."""
    return running.run(deployment_id)


@task()
def draw_diagram(spec: list[Any], options: dict[str, Any], fmt: str) -> str:
    """Draw an ER diagram into the ``erd`` cache (``designer.diagrams.render`` enqueues it for
    a cold view of a large schema): "drawn" or "failed"."""
    from designer.diagrams import draw_in_background

    return draw_in_background(spec, options, fmt)


@task()
def analyse_draft(draft_id: int, token: str, dialect: str) -> str:
    """Analyse a large draft's content for its preview and review (``designer.analysis``),
    which a page is waiting for: "analysed", or "stale" when it changed first."""
    from designer.analysis import analyse_in_background

    return analyse_in_background(draft_id, token, dialect)


#: Below the default: a worker draws a waiting diagram before it prepares an Undo state.
PREPARE_PRIORITY = -10


@task(priority=PREPARE_PRIORITY)
def prepare_undo_state(draft_id: int, token: str) -> str:
    """Pack a large draft's content for its next edit's Undo (``PreparedState``), then analyse
    the same content for its preview and review (``designer.analysis``): "prepared", or
    "stale" when the draft changed again first."""
    from designer import analysis
    from designer.models import PreparedState

    prepared = PreparedState.prepare(draft_id, token)
    if prepared is None:
        return "stale"
    analysis.prepare(*prepared)
    return "prepared"
