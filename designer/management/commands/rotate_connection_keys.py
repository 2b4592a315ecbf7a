"""``manage.py rotate_connection_keys``: re-encrypt every stored connection URL under the
first of ``CONNECTION_KEYS``, or (``--new-key``) print a fresh key to put there.

    python manage.py rotate_connection_keys --new-key   # a key for CONNECTION_KEYS
    python manage.py rotate_connection_keys             # after putting it first

The procedure (docs/connections.md): put the new key first in CONNECTION_KEYS, keeping the old
one after it; restart and run this; then drop the old key. An operator's command: it acts on
every project and takes no --user. Exit status 0; 1 when some URL decrypts under no key (named,
the others rotated all the same); 2 when CONNECTION_KEYS is missing or malformed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from designer.deploy import cli
from designer.models.connections import Connection
from designer.secrets import SecretUnreadable, generate_key, rotate


class Command(BaseCommand):
    help = "Re-encrypt every connection URL under the first of CONNECTION_KEYS, or print a new key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="print a fresh key and change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(generate_key())
            return
        rotated, unreadable = 0, []
        with cli.plain_errors(), transaction.atomic():
            for connection in Connection.objects.select_for_update().select_related("project").order_by("pk"):
                try:
                    connection.secret_url = rotate(connection.secret_url)
                except SecretUnreadable:
                    unreadable.append(f"{connection.project.slug}/{connection.name}")
                    continue
                connection.save(update_fields=["secret_url"])
                rotated += 1
        self.stdout.write(f"re-encrypted {rotated} connection URL(s) under the first of CONNECTION_KEYS")
        if unreadable:
            raise cli.failure(
                f"{len(unreadable)} URL(s) decrypt under none of CONNECTION_KEYS: {', '.join(unreadable)} "
                "(put back the key they were stored under and run this again, or enter their URLs again)"
            )
