"""Reviews of drafts: verdicts (approve, request changes), comment threads, and the activity log.

A verdict is tied to the content it saw (the draft's ``content_token`` at the time): an approval
counts only while the draft still holds that content. Every change to the content dismisses the
approvals in force, saying which change did it. A reviewer's verdict in force is their newest one
that is not withdrawn. Activity entries are rows written once: the app never edits or deletes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from designer.models.drafts import Draft
from designer.models.projects import Project

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Verdict(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class Review(models.Model):
    """One reviewer's verdict on a draft's content."""

    draft = models.ForeignKey(Draft, models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    #: The draft's content token when the verdict was given: the content it is about.
    content_token = models.UUIDField()
    message = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)
    #: An approval dismissed by a change of the content, and that change's description.
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.CharField(max_length=200, blank=True)
    #: A verdict its reviewer took back.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["draft", "reviewer", "-created"])]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.get_verdict_display().lower()} {self.draft}"

    @property
    def is_approval(self) -> bool:
        return self.verdict == Verdict.APPROVED

    def is_in_force(self, content_token: Any) -> bool:
        """Whether this verdict still counts for a draft holding ``content_token``: approvals
        only for the content they saw, requests for changes until withdrawn or superseded."""
        if self.withdrawn_at is not None:
            return False
        if self.is_approval:
            return self.dismissed_at is None and str(self.content_token) == str(content_token)
        return True


class AnchorKind(models.TextChoices):
    """What a comment is about: the whole draft, or one element (by uid, so renames keep it)."""

    DRAFT = "", "the draft"
    TABLE = "table", "table"
    COLUMN = "column", "column"
    ELEMENT = "element", "index or constraint"
    ENUM = "enum", "enum"
    OPERATION = "operation", "operation"


class Comment(models.Model):
    """A comment on a draft; one with a ``parent`` is a reply in that comment's thread.

    ``anchor_label`` keeps the text the comment was written on (``column “customer”.“email”``),
    so a thread whose element was deleted later still says what it was about ("outdated").
    """

    draft = models.ForeignKey(Draft, models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="replies")
    body = models.TextField()
    anchor_kind = models.CharField(max_length=20, choices=AnchorKind.choices, blank=True, default="")
    anchor_uid = models.CharField(max_length=200, blank=True)
    #: The table holding an anchored column or constraint (its uid), for the editor's counts.
    anchor_table_uid = models.CharField(max_length=64, blank=True)
    anchor_label = models.CharField(max_length=400, blank=True)
    created = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["draft", "parent"])]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_thread(self) -> bool:
        return self.parent_id is None

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class ActivityQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableActivity("activity entries are never edited")


class ImmutableActivity(Exception):
    """Something tried to change an activity entry: they are written once."""


class Event(models.TextChoices):
    SUBMITTED = "submitted", "submitted for review"
    WITHDRAWN = "withdrawn", "withdrew from review"
    COMMENTED = "commented", "commented"
    APPROVED = "approved", "approved"
    CHANGES_REQUESTED = "changes_requested", "requested changes"
    VERDICT_WITHDRAWN = "verdict_withdrawn", "withdrew their verdict"
    DISMISSED = "dismissed", "approvals dismissed by a change"
    RESOLVED = "resolved", "resolved a thread"
    REOPENED = "reopened", "reopened a thread"
    UPDATED = "updated", "updated from a newer version"
    PUBLISHED = "published", "published"
    ABANDONED = "abandoned", "abandoned"
    MEMBERS_CHANGED = "members_changed", "changed the members"
    RULES_CHANGED = "rules_changed", "changed the approval rules"
    CONNECTIONS_CHANGED = "connections_changed", "changed the connections"
    DEPLOY_REQUESTED = "deploy_requested", "started a deployment"
    ROLLBACK_REQUESTED = "rollback_requested", "started a rollback"
    DEPLOY_CANCELLED = "deploy_cancelled", "cancelled a deployment"
    DEPLOY_SUCCEEDED = "deploy_succeeded", "deployment succeeded"
    DEPLOY_FAILED = "deploy_failed", "deployment failed"
    DEPLOY_INTERRUPTED = "deploy_interrupted", "deployment interrupted"


class Activity(models.Model):
    """One event of a project (and of a draft, when it is about one): who, what, when."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="activity")
    draft = models.ForeignKey(Draft, models.CASCADE, null=True, blank=True, related_name="activity")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.CharField(max_length=30, choices=Event.choices)
    detail = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "activity"
        indexes = [models.Index(fields=["project", "-created"]), models.Index(fields=["draft", "-created"])]

    def __str__(self) -> str:
        return f"{self.actor or 'someone'} {self.get_event_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableActivity("activity entries are never edited")
        super().save(*args, **kwargs)

    @classmethod
    def record(
        cls,
        event: Event,
        project: Project,
        actor: AbstractBaseUser | None,
        *,
        draft: Draft | None = None,
        detail: str = "",
    ) -> Activity:
        return cls.objects.create(
            event=event,
            project=project,
            actor=actor if actor is not None and actor.is_authenticated else None,
            draft=draft,
            detail=detail[:2000],
        )
