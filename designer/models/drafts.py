"""Drafts stored as rows, and their Undo/Redo states.

A draft's content is one row per element (table, column, index, constraint, enum, group). Every
element carries a ``uid``: the engine's element ``id``, kept from version to version so that a
renamed column diffs as a rename. Converting between rows and engine schemas lives in
``designer/conversion.py``; the model methods here call it.
"""

from __future__ import annotations

import json
import uuid
import zlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from designer.fields import JSONField
from designer.models.projects import Project
from designer.models.versions import SchemaVersion

if TYPE_CHECKING:
    from designer.conversion import DraftContent
    from migrations_engine.operations import Operation
    from migrations_engine.schema import Schema

UNDO_LIMIT = 50
#: Undo and Redo rewrite the tables that differ when they are at most this many; beyond, the
#: whole content (``conversion.restore_tables``).
RESTORED_IN_PLACE = 200


def new_uid() -> str:
    return str(uuid.uuid4())


class DraftStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    MERGED = "merged", "Published"
    ABANDONED = "abandoned", "Abandoned"


#: Under review: submitted, and not yet published, abandoned or withdrawn.
REVIEW_STATUSES = (DraftStatus.IN_REVIEW, DraftStatus.APPROVED, DraftStatus.CHANGES_REQUESTED)
EDITABLE_STATUSES = (DraftStatus.OPEN, *REVIEW_STATUSES)


def with_table_uids(schema: Schema) -> Schema:
    """``schema`` with a new uid on every table that has none (groups name tables by uid)."""
    from dataclasses import replace

    if all(t.id for t in schema.tables):
        return schema
    return replace(schema, tables=tuple(t if t.id else replace(t, id=new_uid()) for t in schema.tables))  # type: ignore[return-value]


def imported_groups(schema: Schema, groups: dict[str, tuple[str, ...]]) -> list[dict]:
    """Table groups as a draft stores them, from an import's (group name -> table names);
    ``schema``'s tables must have uids (``with_table_uids``). Unknown tables are left out."""
    uid_of = {t.name: t.id for t in schema.tables}
    return [
        {"id": new_uid(), "name": name[:100], "tables": [uid_of[t] for t in tables if t in uid_of]}
        for name, tables in groups.items()
    ]


class DraftManager(models.Manager):
    def create_from_schema(
        self,
        project: Project,
        schema: Schema,
        base_version: SchemaVersion | None,
        author: Any,
        *,
        title: str = "",
        groups: list[dict] | None = None,
    ) -> Draft:
        """A new draft holding ``schema``, written with a fixed number of bulk inserts."""
        from designer.conversion import write_content

        with transaction.atomic():
            draft = self.create(
                project=project,
                base_version=base_version,
                author=author,
                title=title or "Untitled draft",
            )
            write_content(draft, schema, groups or [])
        return draft

    def create_from_version(self, version: SchemaVersion, author: Any, title: str = "") -> Draft:
        return self.create_from_schema(
            version.project,
            version.schema(),
            version,
            author,
            title=title or f"Changes to v{version.number}",
            groups=version.groups,
        )


class Draft(models.Model):
    """Work in progress on a project's schema, starting from a version (or from nothing)."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="drafts")
    base_version = models.ForeignKey(
        SchemaVersion, models.RESTRICT, null=True, blank=True, related_name="drafts"
    )
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    status = models.CharField(max_length=20, choices=DraftStatus.choices, default=DraftStatus.OPEN)
    #: What the author says of the change when submitting it for review.
    description = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_as = models.OneToOneField(
        SchemaVersion, models.SET_NULL, null=True, blank=True, related_name="published_from"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    #: Renewed by every edit and undo (``record_change``, ``replace_content``): with the id, it
    #: names the content for caches (ER diagrams) without reading it.
    content_token = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = DraftManager()

    class Meta:
        ordering = ["-updated"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def in_review(self) -> bool:
        return self.status in REVIEW_STATUSES

    def to_schema(self) -> Schema:
        """The draft as an engine schema, read with a fixed number of queries."""
        from designer.conversion import read_content

        return read_content(self).schema

    def base_schema(self) -> Schema:
        from migrations_engine.schema import Schema

        return self.base_version.schema() if self.base_version else Schema()

    def diff_against_base(self) -> list[Operation]:
        """The engine's operations taking the base version to this draft."""
        from migrations_engine.diff import diff

        return diff(self.base_schema(), self.to_schema())

    def replace_content(self, schema: Schema, groups: list[dict]) -> None:
        """Swap the whole content for ``schema`` (bulk delete, bulk insert); uids are kept."""
        from designer.conversion import write_content

        with transaction.atomic():
            self.clear_content()
            write_content(self, schema, groups)
            self.renew_content_token()

    def import_schema(self, schema: Schema, groups: dict[str, tuple[str, ...]] | None = None) -> bool:
        """Make ``schema`` (read by an import) the draft's content, its elements paired by name
        with the current ones so they keep their uids (the diff then shows only real changes).
        ``groups`` (group name -> table names, from DBML) replace the draft's groups when given;
        else the current groups keep their tables. False (and nothing written) when the import
        is the draft's content as it is."""
        from designer.conversion import read_content
        from migrations_engine.pairing import adopt_ids

        current = read_content(self)
        paired = with_table_uids(adopt_ids(schema, current.schema))
        if groups:
            known = {g.name: g for g in current.groups}
            data = imported_groups(paired, groups)
            for group in data:  # a group named as before keeps its uid and colour
                if group["name"] in known:
                    group.update(id=known[group["name"]].uid, colour=known[group["name"]].colour)
        else:
            data = current.groups_data()
        if paired == current.schema and data == current.groups_data():
            return False
        self.replace_content(paired, data)
        return True

    def confirm_rename(
        self, suggestion: Any, before: Schema, before_groups: list[dict] | None = None, current: Any = None
    ) -> None:
        """Apply a rename suggested after an import (``migrations_engine.renames``): the new
        element takes the uid it had in ``before``, so the diff shows a rename. A table goes
        back to the group it was in (``before_groups``, as ``groups_data`` gives them).
        ``current``: the content already read, if the caller has it (a large draft's read is slow)."""
        from designer.conversion import read_content
        from migrations_engine.renames import TABLE, apply_rename

        content = current or read_content(self)
        renamed = apply_rename(content.schema, suggestion, before)
        groups = content.groups_data()
        if suggestion.kind == TABLE:  # groups name tables by uid: the table's has changed
            was, now = content.schema.table(suggestion.new_name).id, renamed.table(suggestion.new_name).id
            for group in groups:
                group["tables"] = [now if uid == was else uid for uid in group["tables"]]
            if not any(now in group["tables"] for group in groups):
                home = next((g["name"] for g in before_groups or [] if now in g.get("tables", [])), None)
                for group in groups:
                    if group["name"] == home:
                        group["tables"].append(now)
        self.replace_content(renamed, groups)

    def renew_content_token(self, **fields: Any) -> None:
        """Say that the content changed (in the current transaction, and on this instance),
        setting ``fields`` too. Only if the stored token is still the one this instance read:
        else another edit went in since, and ``DraftChanged`` is raised (two edits made on one
        state cannot both go through)."""
        renewed = uuid.uuid4()
        if not Draft.objects.filter(pk=self.pk, content_token=self.content_token).update(content_token=renewed, **fields):
            raise DraftChanged(self)
        self.content_token = renewed

    def clear_content(self) -> None:
        # Children first, each in one query, so no cascade collector walks the rows one by one.
        for model in (
            DraftForeignKey,
            DraftIndex,
            DraftUnique,
            DraftCheck,
            DraftColumn,
            DraftTable,
            DraftEnum,
            TableGroup,
        ):
            model.objects.filter(draft=self)._raw_delete(model.objects.db)

    def publish(self, author: Any, message: str = "") -> SchemaVersion:
        """Store the draft as the project's next version and mark it merged."""
        from designer.conversion import read_content

        content = read_content(self)
        with transaction.atomic():
            version = SchemaVersion.publish(
                self.project,
                content.schema,
                groups=content.groups_data(),
                author=author,
                message=message or self.title,
            )
            self.status = DraftStatus.MERGED
            self.published_as = version
            self.save(update_fields=["status", "published_as", "updated"])
        return version

    # ------------------------------------------------------------ undo

    def record_change(self, description: str) -> DraftChange:
        """Remember the content before an edit, keeping the last ``UNDO_LIMIT`` states; a new
        edit forgets what could be redone."""
        prepared = PreparedState.for_content(self)  # of the content before the edit
        self.renew_content_token(updated=timezone.now())  # first: a stale edit stops here
        DraftChange.objects.filter(draft=self, kind=DraftChange.REDO).delete()
        self.dismiss_approvals(description)
        return self._remember(DraftChange.UNDO, description, prepared)

    def undo(self) -> DraftChange | None:
        """Restore the content as it was before the last recorded change (Redo brings it back)."""
        return self._step_back(DraftChange.UNDO, DraftChange.REDO)

    def redo(self) -> DraftChange | None:
        """Bring back the content the last Undo took away (Undo takes it away again)."""
        return self._step_back(DraftChange.REDO, DraftChange.UNDO)

    def _step_back(self, take: str, keep_as: str) -> DraftChange | None:
        """Restore the newest state of kind ``take``, remembering the current one as ``keep_as``
        under the same description."""
        from designer.conversion import DraftContent, restore_tables

        change = DraftChange.objects.filter(draft=self, kind=take).order_by("-id").first()
        if change is None:
            return None
        state = change.state
        with transaction.atomic():
            kept = self._remember(keep_as, change.description, PreparedState.for_content(self))
            # Only the tables that differ from the content now (kept just above) are written.
            if restore_tables(self, state, kept.state, most=RESTORED_IN_PLACE):
                self.renew_content_token()
            else:
                content = DraftContent.from_data(state)
                self.replace_content(content.schema, content.groups_data())
            if "base_version" in state and state["base_version"] != self.base_version_id:
                # Undoing "Update from vN" takes the draft back to the version it was based on.
                self.base_version_id = state["base_version"]
                Draft.objects.filter(pk=self.pk).update(base_version_id=self.base_version_id)
            change.delete()
            self.dismiss_approvals(f"{'Undo' if take == DraftChange.UNDO else 'Redo'}: {change.description}")
        return change

    def dismiss_approvals(self, change: str, actor: Any = None) -> int:
        """The content changed by ``change`` (its description): the approvals in force no longer
        count, and the activity says which change dismissed them. Returns how many."""
        if not self.in_review:
            return 0
        from designer.models.reviews import Activity, Event, Review, Verdict

        dismissed = Review.objects.filter(
            draft=self, verdict=Verdict.APPROVED, dismissed_at=None, withdrawn_at=None
        ).update(dismissed_at=timezone.now(), dismissed_by=change[:200])
        if dismissed:
            Activity.record(
                Event.DISMISSED, self.project, actor, draft=self,
                detail=f"{dismissed} approval{'s' if dismissed != 1 else ''} dismissed by “{change}”",
            )
            if self.status == DraftStatus.APPROVED:
                self.status = DraftStatus.IN_REVIEW
                Draft.objects.filter(pk=self.pk).update(status=self.status)
        return dismissed

    def _remember(self, kind: str, description: str, prepared: bytes | None = None) -> DraftChange:
        """Store the current content as a state of ``kind``, keeping the newest ``UNDO_LIMIT``.
        ``prepared``: that content already packed (``PreparedState``), else it is read here;
        when it is large, the content after this change is prepared in the background for the
        next one (``PreparedState.prepare_later``)."""
        packed = prepared if prepared is not None else self.packed_content()
        change = DraftChange.objects.create(
            draft=self, kind=kind, description=description, packed_state=packed
        )
        if len(packed) >= getattr(settings, "UNDO_PREPARE_BYTES", PreparedState.FROM_BYTES):
            PreparedState.prepare_later(self)
        stale = list(
            DraftChange.objects.filter(draft=self, kind=kind)
            .order_by("-id")
            .values_list("id", flat=True)[UNDO_LIMIT : UNDO_LIMIT + 1]
        )
        if stale:
            DraftChange.objects.filter(draft=self, kind=kind, id__lte=stale[0]).delete()
        return change


    def packed_content(self, content: DraftContent | None = None) -> bytes:
        """The content (and base version) as Undo keeps it: ``DraftChange.packed_state``;
        ``content``: the draft's, when the caller has read it."""
        from designer.conversion import read_content

        content = content if content is not None else read_content(self)
        state = {**content.to_data(), "base_version": self.base_version_id}
        return DraftChange.pack(state)


class PreparedState(models.Model):
    """A large draft's content packed for Undo ahead of its next edit: reading a 10,000-table
    draft and packing it took 2 - 3 s of every edit. After an edit of a draft whose packed
    content is ``FROM_BYTES`` or more, a background task packs the new content and keeps it here
    with the content token it read (one row per draft); the next edit takes it if the token is
    still the draft's, else reads the content itself as before."""

    FROM_BYTES = 150_000  # packed: about 3,000 tables (settings.UNDO_PREPARE_BYTES)

    draft = models.OneToOneField(Draft, models.CASCADE, related_name="prepared_state")
    content_token = models.UUIDField()
    base_version_id = models.IntegerField(null=True)
    packed_state = models.BinaryField()

    @classmethod
    def for_content(cls, draft: Draft) -> bytes | None:
        """The draft's current content, packed, if it was prepared."""
        found = cls.objects.filter(
            draft=draft, content_token=draft.content_token, base_version_id=draft.base_version_id
        ).values_list("packed_state", flat=True)
        return bytes(found[0]) if found else None

    @classmethod
    def prepare_later(cls, draft: Draft) -> None:
        """Have a worker prepare the draft's content as it will be once this transaction
        commits, with the content token it has then: Undo and Redo renew it after this is
        called (their content is written after the state they keep)."""
        from designer.tasks import prepare_undo_state

        transaction.on_commit(
            lambda: prepare_undo_state.enqueue(draft.pk, str(draft.content_token))
        )

    @classmethod
    def prepare(cls, draft_id: int, token: str) -> tuple[Draft, DraftContent] | None:
        """The task's work: pack the draft's content if its token is still ``token``, and keep
        it if no edit went in while it was read (the token is checked again after). The draft
        and the content read, for more work on the same content; None when it was stale."""
        from designer.conversion import read_content

        draft = Draft.objects.filter(pk=draft_id, content_token=token).first()
        if draft is None:
            return None
        content = read_content(draft)
        packed = draft.packed_content(content)
        with transaction.atomic():
            if not Draft.objects.filter(pk=draft_id, content_token=token).exists():
                return None
            cls.objects.update_or_create(
                draft=draft,
                defaults={
                    "content_token": token,
                    "base_version_id": draft.base_version_id,
                    "packed_state": packed,
                },
            )
        return draft, content


class TableGroup(models.Model):
    draft = models.ForeignKey(Draft, models.CASCADE, related_name="groups")
    uid = models.CharField(max_length=64, default=new_uid)
    name = models.CharField(max_length=100)
    colour = models.CharField(max_length=7, default="#4a7bd0")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["draft", "uid"], name="group_uid_per_draft")]

    def __str__(self) -> str:
        return self.name


class DraftEnum(models.Model):
    draft = models.ForeignKey(Draft, models.CASCADE, related_name="enums")
    uid = models.CharField(max_length=64, default=new_uid)
    name = models.CharField(max_length=200)
    values = JSONField(default=list)
    #: The engine's attributes the editor has no field for, as the snapshot writes them
    #: (``conversion.EXTRA_KEYS``): kept exactly through the draft, shown read-only.
    extra = JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["draft", "uid"], name="enum_uid_per_draft")]

    def __str__(self) -> str:
        return self.name


class DraftTable(models.Model):
    draft = models.ForeignKey(Draft, models.CASCADE, related_name="tables")
    uid = models.CharField(max_length=64, default=new_uid)
    name = models.CharField(max_length=200)
    comment = models.TextField(blank=True, null=True)
    group = models.ForeignKey(
        TableGroup, models.SET_NULL, null=True, blank=True, related_name="tables"
    )
    # The primary key: column uids in key order; an empty list means no primary key.
    pk_columns = JSONField(default=list, blank=True)
    pk_name = models.CharField(max_length=200, blank=True)
    pk_uid = models.CharField(max_length=64, blank=True)
    pk_extra = JSONField(default=dict, blank=True)
    #: The engine's attributes the editor has no field for, as the snapshot writes them
    #: (``conversion.EXTRA_KEYS``): kept exactly through the draft, shown read-only.
    extra = JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["draft", "uid"], name="table_uid_per_draft")]
        indexes = [models.Index(fields=["draft", "name"])]

    def __str__(self) -> str:
        return self.name


class DraftColumn(models.Model):
    draft = models.ForeignKey(Draft, models.CASCADE, related_name="+")
    table = models.ForeignKey(DraftTable, models.CASCADE, related_name="columns")
    uid = models.CharField(max_length=64, default=new_uid)
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=200, help_text="the engine's text form, e.g. varchar(255)")
    nullable = models.BooleanField(default=True)
    default = models.TextField(null=True, blank=True)
    default_is_expression = models.BooleanField(default=False)
    identity = models.BooleanField(default=False)
    comment = models.TextField(null=True, blank=True)
    #: The engine's attributes the editor has no field for, as the snapshot writes them
    #: (``conversion.EXTRA_KEYS``): kept exactly through the draft, shown read-only.
    extra = JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["table", "position"]
        constraints = [
            models.UniqueConstraint(fields=["table", "uid"], name="column_uid_per_table")
        ]
        indexes = [models.Index(fields=["draft", "table", "position"])]

    def __str__(self) -> str:
        return self.name


class _TableElement(models.Model):
    """Base of indexes and constraints: a uid, an optional name (blank: the engine's default)."""

    draft = models.ForeignKey(Draft, models.CASCADE, related_name="+")
    uid = models.CharField(max_length=64, default=new_uid)
    name = models.CharField(max_length=200, blank=True)
    #: The engine's attributes the editor has no field for, as the snapshot writes them
    #: (``conversion.EXTRA_KEYS``): kept exactly through the draft, shown read-only.
    extra = JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class DraftIndex(_TableElement):
    table = models.ForeignKey(DraftTable, models.CASCADE, related_name="indexes")
    columns = JSONField(default=list, help_text="column uids")
    unique = models.BooleanField(default=False)
    where = models.TextField(null=True, blank=True)


class DraftUnique(_TableElement):
    table = models.ForeignKey(DraftTable, models.CASCADE, related_name="uniques")
    columns = JSONField(default=list, help_text="column uids")


class DraftCheck(_TableElement):
    table = models.ForeignKey(DraftTable, models.CASCADE, related_name="checks")
    expression = models.TextField()


class DraftForeignKey(_TableElement):
    ACTIONS = [(a, a) for a in ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")]

    table = models.ForeignKey(DraftTable, models.CASCADE, related_name="foreign_keys")
    columns = JSONField(default=list, help_text="column uids of this table")
    ref_table = models.ForeignKey(DraftTable, models.CASCADE, related_name="referenced_by")
    ref_columns = JSONField(default=list, help_text="column uids of ref_table")
    on_delete = models.CharField(max_length=20, choices=ACTIONS, default="NO ACTION")
    on_update = models.CharField(max_length=20, choices=ACTIONS, default="NO ACTION")


class DraftChanged(Exception):
    """An edit was made on a state of the draft that is no longer its content: another
    architect (or another tab) changed it since."""

    def __init__(self, draft: Draft) -> None:
        super().__init__(f"draft {draft.pk} changed since this edit's page was drawn")
        self.draft = draft

    def last_change(self) -> DraftChange | None:
        return DraftChange.objects.filter(draft=self.draft, kind=DraftChange.UNDO).order_by("-id").first()


class DraftChange(models.Model):
    """The draft's content before one edit (``undo``: what Undo restores), or before one Undo
    (``redo``: what Redo restores)."""

    UNDO, REDO = "undo", "redo"

    draft = models.ForeignKey(Draft, models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=4, choices=[(UNDO, "undo"), (REDO, "redo")], default=UNDO)
    description = models.CharField(max_length=200)
    #: The content as zlib-compressed JSON (``state``): a 1,000-table draft is 1.3 MB of JSON and
    #: 44 KB compressed, and a draft keeps up to 50 states of each kind.
    packed_state = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    @staticmethod
    def pack(state: dict[str, Any]) -> bytes:
        return zlib.compress(json.dumps(state, separators=(",", ":")).encode("utf-8"), 1)

    @property
    def state(self) -> dict[str, Any]:
        return json.loads(zlib.decompress(self.packed_state))

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.description
