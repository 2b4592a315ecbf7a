"""Projects, their members and roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Max

if TYPE_CHECKING:
    from designer.models.versions import SchemaVersion

DIALECT_CHOICES = [
    ("postgresql", "PostgreSQL"),
    ("mysql", "MySQL / MariaDB"),
    ("sqlite", "SQLite"),
]
DIALECTS = tuple(code for code, _ in DIALECT_CHOICES)


class Role(models.TextChoices):
    """A member's role; each one can do everything the ones before it can."""

    VIEWER = "viewer", "Viewer"
    REVIEWER = "reviewer", "Reviewer"
    ARCHITECT = "architect", "Architect"
    OWNER = "owner", "Owner"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= Role(needed).rank


class Project(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    dialect = models.CharField(max_length=20, choices=DIALECT_CHOICES, default="postgresql")
    #: Approvals a draft needs before it is published (0: no review, for solo use).
    required_approvals = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(5)],
        help_text="Approvals a draft needs before it can be published (0 to 5; 0: no review needed).",
    )
    #: A destructive change (it drops or narrows something) also needs an owner's approval.
    owner_approval_for_destructive = models.BooleanField(
        default=False,
        verbose_name="Destructive changes need an owner's approval",
        help_text="A change that drops a table or a column, narrows a type or can otherwise lose data "
        "needs an approval from an owner.",
    )
    #: Lint rules turned off for this project (ids such as ``L004``; see docs/lint.md).
    lint_disabled = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def latest_version(self) -> SchemaVersion | None:
        return self.versions.defer("snapshot", "groups").order_by("-number").first()

    def next_version_number(self) -> int:
        return (self.versions.aggregate(n=Max("number"))["n"] or 0) + 1


class Membership(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_once_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.project}"

    def allows(self, needed: Role) -> bool:
        return Role(self.role).allows(needed)

    @property
    def can_edit(self) -> bool:
        return self.allows(Role.ARCHITECT)

    @property
    def can_manage(self) -> bool:
        return self.allows(Role.OWNER)

