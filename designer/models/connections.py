"""Registered connections of a project, the deployments made to them, and the migration scripts
those deployments ran (frozen the first time a version is deployed)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from designer.models.projects import Project
from designer.models.versions import SchemaVersion

#: The standard environments and their order; a custom name needs an order of its own.
STANDARD_ENVIRONMENTS = {"development": 10, "staging": 20, "production": 30}
PRODUCTION = "production"


class Connection(models.Model):
    """A database a project deploys to. Its URL (with the password) is stored encrypted
    (``designer.secrets``) and never shown again: ``display_url`` is the URL without it."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="connections")
    name = models.CharField(max_length=100)
    environment = models.CharField(max_length=40)
    environment_order = models.PositiveSmallIntegerField(
        help_text="Deployments reach production through the environments before it, in this order."
    )
    dialect = models.CharField(max_length=20)
    secret_url = models.TextField(help_text="the URL with its password, encrypted (designer.secrets)")
    display_url = models.CharField(max_length=500, help_text="the URL without its password")
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["environment_order", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="connection_name_per_project")]

    def __str__(self) -> str:
        return f"{self.name} ({self.environment})"

    @property
    def is_production(self) -> bool:
        return self.environment == PRODUCTION

    def url(self) -> str:
        """The full URL, password included: for the engine only, never for a page or a log."""
        from designer.secrets import decrypt

        return decrypt(self.secret_url)

    def set_url(self, url: str, display: str) -> None:
        from designer.secrets import encrypt

        self.secret_url = encrypt(url)
        self.display_url = display


class ConnectionCheck(models.Model):
    """One reading of a connection's status (``designer.deploy.status.check``)."""

    #: Readings kept per connection (the newest); older ones are deleted as new ones come.
    KEPT = 10

    connection = models.ForeignKey(Connection, models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField()
    #: The version the history says is applied (0: none); None when the reading failed.
    version = models.PositiveIntegerField(null=True, blank=True)
    pending = models.JSONField(default=list, help_text="versions not applied (pending, failed or partial)")
    history = models.JSONField(default=list, help_text="one entry per version: state, when, by whom, error")
    #: What was changed outside migrations, one sentence per operation; None when not checked.
    drift = models.JSONField(null=True, blank=True)
    drift_note = models.TextField(blank=True, help_text="why drift was not checked")
    live_snapshot = models.JSONField(null=True, blank=True, help_text="the live schema (engine snapshot data)")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.connection} checked {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def in_sync(self) -> bool:
        return not self.error and self.drift == []


class DeploymentState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    INTERRUPTED = "interrupted", "Interrupted"


#: States a deployment does not leave.
FINISHED_STATES = (
    DeploymentState.SUCCEEDED,
    DeploymentState.FAILED,
    DeploymentState.CANCELLED,
    DeploymentState.INTERRUPTED,
)


class Deployment(models.Model):
    """One run of the migration runner against a connection, forward or back, as a background task."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="deployments")
    connection = models.ForeignKey(Connection, models.SET_NULL, null=True, blank=True, related_name="deployments")
    #: Kept for the record when the connection is removed.
    connection_name = models.CharField(max_length=100)
    environment = models.CharField(max_length=40)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    #: The last time the worker running it said something; a running deployment silent for
    #: DEPLOYMENT_STALE_SECONDS is taken as interrupted (its worker died).
    heartbeat = models.DateTimeField(null=True, blank=True)
    from_version = models.PositiveIntegerField(null=True, blank=True, help_text="read when the run starts")
    to_version = models.PositiveIntegerField()
    rollback = models.BooleanField(default=False)
    state = models.CharField(max_length=20, choices=DeploymentState.choices, default=DeploymentState.QUEUED)
    statements_done = models.PositiveIntegerField(default=0)
    statements_total = models.PositiveIntegerField(default=0)
    log = models.TextField(blank=True, help_text="the runner's progress lines")
    error = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    retry_of = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="retries")
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["connection", "-created"]), models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"deployment #{self.pk} of v{self.to_version} to {self.connection_name}"

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def direction(self) -> str:
        return "rollback" if self.rollback else "deploy"

    @property
    def percent(self) -> int:
        if self.state == DeploymentState.SUCCEEDED:
            return 100
        if not self.statements_total:
            return 0
        return min(100, round(100 * self.statements_done / self.statements_total))

    def lines(self) -> list[str]:
        return self.log.splitlines()

    def target_label(self) -> str:
        return f"v{self.to_version}" if self.to_version else "an empty schema (v0)"


class MigrationScript(models.Model):
    """Version N's migration (from version N-1) for one dialect, as its folder's files, frozen
    the first time it is needed: what a database's history records must never change, even when
    a newer engine would render the same version differently."""

    version = models.ForeignKey(SchemaVersion, models.CASCADE, related_name="migration_scripts")
    dialect = models.CharField(max_length=20)
    folder_name = models.CharField(max_length=200)
    files = models.JSONField(help_text="file name → text, as MigrationFolder writes them")
    checksum = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "dialect"], name="migration_script_per_dialect")]

    def __str__(self) -> str:
        return f"{self.version} for {self.dialect}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(f"{self} is frozen: migration scripts are written once")
        super().save(*args, **kwargs)
