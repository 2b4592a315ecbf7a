"""``manage.py render_erd``: an ER diagram of a snapshot file or a database URL (``erd.cli``).

Run from a shell, ``manage.py`` hands ``render_erd`` to ``designer.erd.cli`` before Django is set
up, so it needs no settings, ``SECRET_KEY`` or database (docs/erd.md). This class is the same
command for ``call_command`` and ``manage.py help``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from designer.erd import cli


class Command(BaseCommand):
    help = cli.DESCRIPTION

    def add_arguments(self, parser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            message = cli.render(options)
        except cli.Refused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(message)
