"""The designer's background tasks (the Tasks API: django-tasks on Django 5.2, with its
database backend; a worker runs them: ``manage.py deploy_worker``)."""

from __future__ import annotations

from django_tasks import task

from designer.deploy import running

#: Deployments have a queue of their own, so a worker can be given to them alone.
DEPLOYMENTS_QUEUE = "deployments"


@task(queue_name=DEPLOYMENTS_QUEUE)
def run_deployment(deployment_id: int) -> str:
    """Run deployment ``deployment_id`` (see ``designer.deploy.running``); its final state."""
    return running.run(deployment_id)
