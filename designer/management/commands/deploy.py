"""``manage.py deploy``: take a connection to a version, forward or back, as the web's Deploy button does.

    python manage.py deploy shop staging --user ci                    # to the latest version
    python manage.py deploy shop staging --to 2 --dry-run --user ci   # the plan and its SQL, nothing written
    python manage.py deploy shop prod --to 3 --confirm prod --user alice
    python manage.py deploy shop staging --run-here --user ci         # no worker: run in this process

The deployment is queued for a worker (``manage.py deploy_worker``) and followed: its progress
lines are printed as they arrive, until it finishes. ``--run-here`` runs it in this process
instead. The same rules as the web apply (``designer.deploy.gate``): architects and owners
deploy outside production, owners to production with ``--confirm`` and the connection's name.
Exit status 0 succeeded (or, with --dry-run, would start), 1 refused, failed, cancelled or
interrupted, 2 a command line that names nothing real.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from designer.deploy import cli, gate, running
from designer.deploy.plans import Plan, make_plan
from designer.deploy.starting import DeployRefused, start
from designer.models import Membership
from designer.models.connections import Connection, DeploymentState


class Command(BaseCommand):
    help = "Deploy (or roll back) a project's version to one of its connections (docs/connections.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("connection", help="the connection's name")
        parser.add_argument(
            "--to", dest="target", default="", help="the version (3 or v3; 0: empty); default: the latest"
        )
        parser.add_argument("--dry-run", action="store_true", help="print the plan and its SQL; change nothing")
        parser.add_argument("--confirm", default="", help="the connection's name again: production asks for it")
        parser.add_argument(
            "--run-here", action="store_true", help="run the deployment in this process rather than in a worker"
        )
        cli.add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        project = cli.project_of(options["project"])
        membership = cli.membership_of(project, options["user"])
        connection = cli.connection_of(project, options["connection"])
        target = target_version(options["target"], connection)
        with cli.plain_errors():
            if options["dry_run"]:
                self.dry_run(connection, membership, target, options["confirm"])
            else:
                self.deploy(connection, membership, target, options)

    def dry_run(self, connection: Connection, membership: Membership, target: int, confirmation: str) -> None:
        plan = make_plan(connection, target)
        if plan.error:
            raise cli.failure(plan.error)
        self.stdout.write(plan_text(plan), ending="")
        reasons = gate.refusals(connection, membership, plan.current, target)
        if connection.is_production and confirmation.strip() != connection.name:
            reasons.append(f"production asks for --confirm {connection.name}")
        if reasons:
            raise cli.failure(f"{membership.user} could not run it: " + "; ".join(reasons))

    def deploy(self, connection: Connection, membership: Membership, target: int, options: dict[str, Any]) -> None:
        try:
            deployment = start(connection, membership, target, confirmation=options["confirm"])
        except DeployRefused as refused:
            raise cli.failure("refused: " + "; ".join(refused.reasons)) from None
        self.stdout.write(
            f"deployment #{deployment.pk}: {deployment.direction} {connection.name} ({connection.environment}) "
            f"from v{deployment.from_version} to {deployment.target_label()}"
        )
        try:
            if options["run_here"]:
                running.run(deployment.pk)  # does nothing if a worker claimed it first: then it is followed
            finished = cli.follow(deployment.pk, self.stdout.write)
        except KeyboardInterrupt:
            if options["run_here"]:
                where = "it was running here: it shows as interrupted once this process ends (Retry resumes it)"
            else:
                where = "it goes on in its worker"
            raise cli.failure(f"stopped following deployment #{deployment.pk}; {where} (see its page)") from None
        if finished.state != DeploymentState.SUCCEEDED:
            raise cli.failure(f"deployment #{finished.pk} {finished.state}: {finished.error or 'no reason recorded'}")
        self.stdout.write(
            f"deployment #{finished.pk} succeeded: {connection.name} is at v{finished.to_version} "
            f"({finished.statements_done} statements)"
        )


def target_version(text: str, connection: Connection) -> int:
    """``--to`` as a version number; without it, the project's latest version."""
    if not text:
        latest = connection.project.latest_version()
        if latest is None:
            raise cli.usage(f"project {connection.project.slug} has no published version to deploy")
        return latest.number
    digits = text.strip().lower().removeprefix("v")
    if not digits.isdigit():
        raise cli.usage(f"--to takes a version number (3 or v3), not {text!r}")
    return int(digits)


def plan_text(plan: Plan) -> str:
    """The plan as the deployment page shows it before the button: each migration, what it
    destroys and backs up, then the runner's dry-run SQL."""
    connection = plan.connection
    direction = "rollback" if plan.rollback else "deploy"
    lines = [f"plan: {direction} {connection.name} ({connection.environment}) from v{plan.current} to v{plan.target}"]
    if plan.nothing_to_do:
        lines.append(f"nothing to do: the database is at v{plan.current}")
    if plan.resumes:
        lines.append("the last migration stopped half-way: this run resumes it")
    for migration in plan.migrations:
        lines.append(f"  {migration.label}: {migration.statements} statement(s)")
        lines += [f"    destructive: {text}" for text in migration.destructive]
        lines += [f"    backup: {text}" for text in migration.backups]
    if plan.migrations:
        lines.append(f"{plan.statements} statement(s) in all" + (", some destructive" if plan.destructive else ""))
    if plan.script.strip():
        lines += ["", "-- the runner's dry run:", plan.script.rstrip("\n")]
    return "\n".join(lines) + "\n"
