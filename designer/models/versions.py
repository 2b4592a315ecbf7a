"""Published schema versions: written once, never changed."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max

from designer.models.projects import Project

if TYPE_CHECKING:
    from migrations_engine.schema import Schema

#: Parsed schemas of recently used versions, by (pk, hash): engine schemas are immutable values.
PARSED_KEPT = 16
_PARSED: OrderedDict[tuple[int, str], Schema] = OrderedDict()
_PARSED_LOCK = threading.Lock()


class ImmutableError(Exception):
    """A schema version was about to change: versions are written once."""


class SchemaVersionQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("schema versions are immutable")


class SchemaVersion(models.Model):
    """One published state of a project's schema: written once, never changed."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(help_text="the engine's snapshot data (snapshot.to_data)")
    hash = models.CharField(max_length=80)
    groups = models.JSONField(default=list, blank=True, help_text="table groups (designer only)")
    message = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = SchemaVersionQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="version_number_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.project} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError(f"{self} is published: versions are immutable")
        super().save(*args, **kwargs)

    def schema(self) -> Schema:
        """The version as an engine schema. Versions never change, so the parsed schema is kept
        (per process, the last few) and the snapshot is not even read from the database again:
        parsing a 1,000-table snapshot takes about a second."""
        key = (self.pk, self.hash)
        with _PARSED_LOCK:
            schema = _PARSED.get(key)
            if schema is not None:
                _PARSED.move_to_end(key)
                return schema
        from migrations_engine.snapshot import from_data

        # Its hash was computed by ``publish`` from what it stores: not compared again.
        schema = from_data(self.snapshot, check_hash=self.pk is None)
        if self.pk is not None:
            with _PARSED_LOCK:
                _PARSED[key] = schema
                while len(_PARSED) > PARSED_KEPT:
                    _PARSED.popitem(last=False)
        return schema

    @property
    def table_count(self) -> int:
        return len(self.snapshot.get("tables", []))

    @classmethod
    def publish(
        cls,
        project: Project,
        schema: Schema,
        *,
        groups: list[dict] | None = None,
        author: Any = None,
        message: str = "",
    ) -> SchemaVersion:
        """Store ``schema`` as the project's next version (numbers start at 1)."""
        from migrations_engine.naming import with_default_names
        from migrations_engine.snapshot import to_data

        data = to_data(with_default_names(schema))
        with transaction.atomic():
            # Lock the project row so two publishers cannot take the same number.
            Project.objects.select_for_update().filter(pk=project.pk).first()
            last = cls.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0
            return cls.objects.create(
                project=project,
                number=last + 1,
                snapshot=data,
                hash=data["hash"],
                groups=groups or [],
                author=author,
                message=message,
            )

