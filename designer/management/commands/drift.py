"""``manage.py drift``: read a connection's status now, as "Check now" on its page does: the
version its history says is applied, the versions pending, and what was changed outside
migrations (drift).

    python manage.py drift shop production --user ci

Every member may run it. Exit status 0 in sync, 1 drift, 2 no answer: the server cannot be
reached, or drift was not checked (no migration applied yet, or a partial, changed or unknown
one in the history), or a name that matches nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from designer.deploy import cli
from designer.deploy.status import check


class Command(BaseCommand):
    help = "Read a connection's version, pending versions and drift now (docs/connections.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("connection", help="the connection's name")
        cli.add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        project = cli.project_of(options["project"])
        cli.membership_of(project, options["user"])
        connection = cli.connection_of(project, options["connection"])
        with cli.plain_errors():
            reading = check(connection)
        if reading.error:
            raise cli.usage(f"cannot read {connection.name}: {reading.error}")
        self.stdout.write(f"{connection.name} ({connection.environment}): {connection.display_url}")
        self.stdout.write(f"version: v{reading.version}" + (" (no migration applied)" if not reading.version else ""))
        pending = ", ".join(f"v{n}" for n in reading.pending)
        self.stdout.write(f"pending: {pending or 'none'}")
        if reading.drift is None:
            raise cli.usage(f"drift not checked: {reading.drift_note}")
        if not reading.drift:
            self.stdout.write(f"no drift: the database matches v{reading.version}")
            return
        self.stdout.write(f"drift: the database differs from v{reading.version}; changed outside migrations:")
        for difference in reading.drift:
            self.stdout.write(f"  - {difference}")
        raise cli.failure(f"{len(reading.drift)} change(s) made outside migrations on {connection.name}")
