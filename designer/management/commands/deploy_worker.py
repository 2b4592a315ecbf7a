"""``manage.py deploy_worker``: the background worker (django-tasks-db's ``db_worker``), which
first marks the deployments a dead worker left running as interrupted. It looks for new
tasks every 0.2 s unless ``--interval`` says otherwise.

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
        # Polling every 0.2 s: a deployment starts within a fifth of a second (bench/deploy.py:
        # at 1 s the wait alone took it past 1.1× the runner's command line).
        parser.set_defaults(queue_name="*", reload=False, interval=0.2)

    def handle(self, *args: Any, **options: Any) -> None:
        marked = mark_stale()
        if marked and options.get("verbosity", 1):
            self.stdout.write(f"marked {marked} deployment(s) interrupted: their worker stopped answering")
        super().handle(*args, **options)
