"""``manage.py connections``: a project's registered connections, as its Connections page shows them.

    python manage.py connections add shop staging postgresql://app:pw@db/shop --environment staging --user alice
    python manage.py connections add shop qa - --environment qa --order 15 --user alice   # URL from stdin
    python manage.py connections list shop --user bob
    python manage.py connections remove shop qa --user alice

Owners add and remove connections; every member lists them. The URL's password goes into the
encrypted store and is never printed again. Exit status 0, 1 refused, 2 a name that matches nothing.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from designer.deploy import cli, gate, registry
from designer.models import Membership, Project
from designer.models.connections import Connection


class Command(BaseCommand):
    help = "Add, list or remove a project's database connections (docs/connections.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,list,remove}")
        add = actions.add_parser("add", help="register a connection (owners)")
        add.add_argument("project", help="the project's slug")
        add.add_argument("name", help="the connection's name, unique in the project")
        add.add_argument("url", help="the database URL, password included; - reads it from stdin")
        add.add_argument("--environment", required=True, help="development, staging, production or a name of yours")
        add.add_argument("--order", type=int, default=None, help="the environment's place (needed for a custom one)")
        cli.add_user_argument(add)
        listing = actions.add_parser("list", help="show the connections (every member)")
        listing.add_argument("project", help="the project's slug")
        cli.add_user_argument(listing)
        remove = actions.add_parser("remove", help="forget a connection; its deployments stay on record (owners)")
        remove.add_argument("project", help="the project's slug")
        remove.add_argument("name", help="the connection's name")
        cli.add_user_argument(remove)

    def handle(self, *args: Any, **options: Any) -> None:
        project = cli.project_of(options["project"])
        membership = cli.membership_of(project, options["user"])
        if options["action"] == "list":
            self.show(project)
            return
        if not gate.can_manage_connections(membership):
            raise cli.failure(
                f"changing {project.slug}'s connections needs an owner ({membership.user} is {membership.role})"
            )
        if options["action"] == "add":
            self.add(project, membership, options)
        else:
            connection = cli.connection_of(project, options["name"])
            registry.remove(connection, membership.user)
            self.stdout.write(f"removed {connection.name} ({connection.environment}): {connection.display_url}")

    def add(self, project: Project, membership: Membership, options: dict[str, Any]) -> None:
        url = sys.stdin.readline().strip() if options["url"] == "-" else options["url"]
        if not url:
            raise cli.usage("no URL given (an empty line on stdin)")
        with cli.plain_errors():
            connection = registry.add(
                project, membership.user, options["name"], options["environment"], url, options["order"]
            )
        self.stdout.write(
            f"added {connection.name} ({connection.environment}, order {connection.environment_order}): "
            f"{connection.display_url}"
        )

    def show(self, project: Project) -> None:
        connections = list(project.connections.all())
        if not connections:
            self.stdout.write(f"{project.slug} has no connections")
        for connection in connections:
            self.stdout.write(
                f"{connection.name}  {connection.environment} (order {connection.environment_order})  "
                f"{connection.display_url}"
            )
            self.stdout.write(f"  last check: {last_check(connection)}")
            self.stdout.write(f"  last deployment: {last_deployment(connection)}")


def last_check(connection: Connection) -> str:
    reading = connection.checks.order_by("-checked_at", "-id").first()
    if reading is None:
        return "never"
    when = f"{reading.checked_at:%Y-%m-%d %H:%M} UTC"
    if reading.error:
        return f"{when}, failed: {reading.error}"
    if reading.drift is None:
        state = f"drift not checked ({reading.drift_note})"
    else:
        state = "in sync" if not reading.drift else f"drift: {len(reading.drift)} change(s) outside migrations"
    pending = f", pending {', '.join(f'v{n}' for n in reading.pending)}" if reading.pending else ""
    return f"{when}, at v{reading.version}{pending}, {state}"


def last_deployment(connection: Connection) -> str:
    deployment = connection.deployments.order_by("-created", "-id").first()
    if deployment is None:
        return "never"
    outcome = f"{deployment.state}" + (f": {deployment.error}" if deployment.error else "")
    return (
        f"#{deployment.pk} {deployment.direction} to {deployment.target_label()}, "
        f"{deployment.created:%Y-%m-%d %H:%M} UTC, {outcome}"
    )
