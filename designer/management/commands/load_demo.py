"""Give a user the Sakila demo project: two published versions, an open draft, and a draft in
review (with a comment from the demo reviewer, when that user exists: ensure_demo makes it).

Idempotent: run it again and it only makes sure the user is the project's owner.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from designer import comments, editing, reviewing
from designer.models import (
    Draft,
    DraftColumn,
    DraftTable,
    Membership,
    Project,
    Role,
    SchemaVersion,
    TableGroup,
)
from migrations_engine.snapshot import load

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "sakila.snapshot.json"
SLUG = "sakila"
GROUPS = {
    "Films": ("#4a7bd0", ("actor", "category", "film", "film_actor", "film_category", "language")),
    "Customers": ("#2e9e6a", ("address", "city", "country", "customer")),
    "Rentals": ("#d08a2e", ("inventory", "payment", "rental", "staff", "store")),
}


class Command(BaseCommand):
    help = "Load the Sakila demo project (two versions, one open draft) for a user. Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--username", default="demo", help="the project's owner (default: demo)"
        )
        parser.add_argument(
            "--reviewer", default="reviewer", help="a reviewer of the project, if that user exists"
        )

    def handle(self, *args, username: str, reviewer: str, **options) -> None:
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                f"There is no user {username!r}: create it first (ensure_demo)."
            ) from None
        # The demo's history is made up: nobody is notified of it.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            project, _ = Project.objects.get_or_create(
                slug=SLUG,
                defaults={
                    "name": "Sakila",
                    "dialect": "postgresql",
                    "description": "The Sakila DVD rental schema (jOOQ's port, BSD 2-clause).",
                },
            )
            Membership.objects.update_or_create(
                project=project, user=user, defaults={"role": Role.OWNER}
            )
            second = get_user_model().objects.filter(username=reviewer).exclude(pk=user.pk).first()
            if second is not None:
                Membership.objects.get_or_create(project=project, user=second, defaults={"role": Role.REVIEWER})
            if project.versions.exists():
                self.stdout.write(f"Demo project {SLUG!r} is there already.")
                return
            v2 = load_versions(project, user)
            submit_draft(v2, user, second)
        self.stdout.write(
            f"Loaded demo project {SLUG!r}: v1, v2, an open draft and one in review, owned by {username}."
        )


def load_versions(project: Project, user) -> SchemaVersion:
    """v1: Sakila as published; v2: customer loyalty tiers; then an open draft on v2."""
    draft = Draft.objects.create_from_schema(project, load(FIXTURE), None, user, title="Sakila")
    for name, (colour, tables) in GROUPS.items():
        group = TableGroup.objects.create(draft=draft, name=name, colour=colour)
        DraftTable.objects.filter(draft=draft, name__in=tables).update(group=group)
    v1 = draft.publish(user, "Sakila, as published by jOOQ")

    draft = Draft.objects.create_from_version(v1, user, title="Customer loyalty tiers")
    editing.add_enum(draft, "loyalty_tier", ["bronze", "silver", "gold"])
    customer = DraftTable.objects.get(draft=draft, name="customer")
    editing.add_column(
        customer,
        editing.ColumnData("loyalty_tier", "enum(loyalty_tier)", nullable=False, default="bronze"),
    )
    DraftColumn.objects.filter(table=customer, name="activebool").update(name="is_active")
    v2 = draft.publish(user, "Customer loyalty tiers; activebool renamed is_active")

    Draft.objects.create_from_version(v2, user, title="Try things here")
    return v2


def submit_draft(v2: SchemaVersion, user, reviewer) -> Draft:
    """A draft on v2 adding customer phone numbers, submitted for review; the reviewer (if any)
    has asked a question about the new column."""
    draft = Draft.objects.create_from_version(v2, user, title="Customer phone numbers")
    customer = DraftTable.objects.get(draft=draft, name="customer")
    with editing.change(draft, "Add column customer.phone"):
        column = editing.add_column(customer, editing.ColumnData("phone", "varchar(30)", comment="for call-backs"))
    reviewing.submit(draft, user, "Stores a phone number per customer, so the stores can call them back.")
    if reviewer is not None:
        anchor = comments.find_anchor(draft, "column", column.uid)
        comments.add_comment(draft, reviewer, "Should this hold international numbers (E.164, up to 15 digits)?", anchor)
    return draft
