"""``manage.py deploy_worker``: the background worker (django-tasks-db's ``db_worker``), which
first marks the deployments a dead worker left running as interrupted.

Run as many as you like, on as many machines as share the app's database: each task is claimed
by one worker (a row lock with SKIP LOCKED). Its options are ``db_worker``'s; it takes every
queue unless told otherwise.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from designer.deploy.running import mark_stale


class Command(DatabaseWorker):
    help = "Run the background worker (deployments), after marking deployments a dead worker left as interrupted."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        marked = mark_stale()
        if marked and options.get("verbosity", 1):
            self.stdout.write(f"marked {marked} deployment(s) interrupted: their worker stopped answering")
        super().handle(*args, **options)
