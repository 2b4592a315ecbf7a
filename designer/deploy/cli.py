"""What the ``connections``, ``deploy`` and ``drift`` commands share: who is acting (``--user``
or ``DESIGNER_USER``, a member of the project checked with the web's rules in ``gate``), the
project and connection named on the command line, the exit statuses, and following a
deployment's progress lines as the worker writes them.

The checks are the web's, applied to a name typed on a shell that already holds the app's
database: they stop honest mistakes, not someone determined (docs/connections.md).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError, CommandParser

from designer.deploy.running import mark_stale
from designer.deploy.targets import TargetRefused
from designer.models import Membership, Project
from designer.models.connections import Connection, Deployment, DeploymentState
from designer.secrets import SecretUnreadable

#: Exit statuses: refused, failed, cancelled or interrupted; a command line that names nothing real.
FAILED = 1
USAGE = 2
USER_VARIABLE = "DESIGNER_USER"
#: Seconds between two readings of a deployment being followed.
POLL_SECONDS = 0.5


def failure(message: str) -> CommandError:
    return CommandError(message, returncode=FAILED)


def usage(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE)


def add_user_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--user",
        default="",
        help=f"the designer user acting (default: ${USER_VARIABLE}); their role in the project is checked",
    )


@contextmanager
def plain_errors() -> Iterator[None]:
    """Turn the errors a connection's secret or URL can raise into one-line command errors."""
    try:
        yield
    except (TargetRefused, SecretUnreadable) as exc:
        raise failure(str(exc)) from None
    except ImproperlyConfigured as exc:
        raise usage(str(exc)) from None


def project_of(slug: str) -> Project:
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise usage(f"no project {slug!r} (name a project by its slug, as in its address /p/<slug>/)")
    return project


def membership_of(project: Project, username: str) -> Membership:
    """The acting user's membership of ``project``: ``--user``, else ``DESIGNER_USER``."""
    username = username or os.environ.get(USER_VARIABLE, "")
    if not username:
        raise usage(f"say who is acting: --user USERNAME or ${USER_VARIABLE}")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise usage(f"no active user {username!r}")
    membership = Membership.objects.filter(project=project, user=user).select_related("user").first()
    if membership is None:
        raise failure(f"{username} is not a member of project {project.slug}")
    return membership


def connection_of(project: Project, name: str) -> Connection:
    connection = Connection.objects.filter(project=project, name=name).select_related("project").first()
    if connection is None:
        known = ", ".join(project.connections.values_list("name", flat=True)) or "none yet"
        raise usage(f"project {project.slug} has no connection {name!r} (its connections: {known})")
    return connection


def pause(seconds: float) -> None:
    """Wait between two readings of a deployment (the tests make a worker run here)."""
    time.sleep(seconds)


def follow(deployment_id: int, write: Callable[[str], Any]) -> Deployment:
    """Write each progress line of the deployment as it appears, until it finishes; the finished row.

    A deployment whose worker died is marked interrupted here as on its web page (``mark_stale``).
    """
    printed = 0
    waiting_said = False
    while True:
        deployment = Deployment.objects.get(pk=deployment_id)
        lines = deployment.lines()
        for line in lines[printed:]:
            write(line)
        printed = len(lines)
        if deployment.is_finished:
            return deployment
        if deployment.state == DeploymentState.QUEUED and not waiting_said:
            write("waiting for a worker (manage.py deploy_worker) to take it …")
            waiting_said = True
        pause(POLL_SECONDS)
        mark_stale()
