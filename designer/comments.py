"""Comment threads on a draft: on the draft as a whole, or anchored to one element by its uid.

An anchor names a table, a column, an index or constraint, an enum, or an operation of the change
(its anchor string, ``designer.preview.Step.anchor``). Uids survive renames, so a thread follows
its column when the column is renamed; when the element is deleted later the thread is "outdated"
and still shows the label it was written on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from designer import notifications
from designer.models import (
    Activity,
    AnchorKind,
    Comment,
    Draft,
    DraftCheck,
    DraftColumn,
    DraftEnum,
    DraftForeignKey,
    DraftIndex,
    DraftTable,
    DraftUnique,
    Event,
)

MAX_BODY = 10_000


class CommentError(Exception):
    """A comment that cannot be written as asked (shown beside the form)."""


@dataclass(frozen=True)
class Anchor:
    kind: str
    uid: str
    table_uid: str
    label: str


def find_anchor(draft: Draft, kind: str, uid: str, operations: dict[str, str] | None = None) -> Anchor:
    """The anchor ``kind``/``uid`` names in the draft's current content (``CommentError`` if it
    names nothing). ``operations`` maps the change's operation anchors to their descriptions."""
    if kind == AnchorKind.DRAFT:
        return Anchor("", "", "", "")
    if kind == AnchorKind.TABLE:
        table = DraftTable.objects.filter(draft=draft, uid=uid).first()
        if table:
            return Anchor(kind, uid, uid, f"table “{table.name}”")
    elif kind == AnchorKind.COLUMN:
        column = DraftColumn.objects.filter(draft=draft, uid=uid).select_related("table").first()
        if column:
            return Anchor(kind, uid, column.table.uid, f"column “{column.table.name}”.“{column.name}”")
    elif kind == AnchorKind.ELEMENT:
        table = DraftTable.objects.filter(draft=draft, pk_uid=uid).exclude(pk_uid="").first()
        if table:
            return Anchor(kind, uid, table.uid, f"primary key of “{table.name}”")
        for model, what in ((DraftIndex, "index"), (DraftUnique, "unique constraint"), (DraftCheck, "check"), (DraftForeignKey, "foreign key")):
            element = model.objects.filter(draft=draft, uid=uid).select_related("table").first()
            if element:
                name = f" “{element.name}”" if element.name else ""
                return Anchor(kind, uid, element.table.uid, f"{what}{name} of “{element.table.name}”")
    elif kind == AnchorKind.ENUM:
        enum = DraftEnum.objects.filter(draft=draft, uid=uid).first()
        if enum:
            return Anchor(kind, uid, "", f"enum “{enum.name}”")
    elif kind == AnchorKind.OPERATION and operations and uid in operations:
        return Anchor(kind, uid, "", f"operation: {operations[uid]}")
    raise CommentError("What this comment is about is no longer in the draft: reload the page")


def add_comment(draft: Draft, author: Any, body: str, anchor: Anchor, parent: Comment | None = None) -> Comment:
    body = body.strip()
    if not body:
        raise CommentError("Write something first")
    if len(body) > MAX_BODY:
        raise CommentError(f"A comment holds at most {MAX_BODY:,} characters")
    if parent is not None:
        if parent.draft_id != draft.pk:
            raise CommentError("No such thread")
        parent = parent.parent or parent  # replies to a reply join the thread
        anchor = Anchor(parent.anchor_kind, parent.anchor_uid, parent.anchor_table_uid, parent.anchor_label)
    with transaction.atomic():
        comment = Comment.objects.create(
            draft=draft,
            author=author,
            parent=parent,
            body=body,
            anchor_kind=anchor.kind,
            anchor_uid=anchor.uid,
            anchor_table_uid=anchor.table_uid,
            anchor_label=anchor.label,
        )
        about = f" on {anchor.label}" if anchor.label else ""
        Activity.record(Event.COMMENTED, draft.project, author, draft=draft, detail=f"{about.strip()}: {body}" if about else body)
        notifications.comment_added(draft, comment)
    return comment


def set_resolved(thread: Comment, user: Any, resolved: bool) -> None:
    with transaction.atomic():
        Comment.objects.filter(pk=thread.pk).update(
            resolved_at=timezone.now() if resolved else None, resolved_by=user if resolved else None
        )
        Activity.record(
            Event.RESOLVED if resolved else Event.REOPENED,
            thread.draft.project,
            user,
            draft=thread.draft,
            detail=thread.anchor_label or thread.body[:80],
        )


# ---------------------------------------------------------------- reading threads


@dataclass
class Thread:
    root: Comment
    replies: list[Comment] = field(default_factory=list)
    outdated: bool = False

    @property
    def resolved(self) -> bool:
        return self.root.is_resolved


def threads_of(draft: Draft, live_uids: Collection[str]) -> list[Thread]:
    """Every thread of the draft with its replies, in two queries; a thread whose anchor is not
    in ``live_uids`` (the uids of the draft's elements and of its change's operations) is
    outdated."""
    comments = list(Comment.objects.filter(draft=draft).select_related("author", "resolved_by"))
    threads = {c.pk: Thread(c) for c in comments if c.parent_id is None}
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    for thread in threads.values():
        thread.outdated = bool(thread.root.anchor_kind) and thread.root.anchor_uid not in live_uids
    return list(threads.values())


ALL_THREADS = "*"


def open_thread_counts(draft: Draft) -> Counter[str]:
    """Open (unresolved) threads per table uid (its own and its columns' and constraints') and per
    column uid, and in all under ``ALL_THREADS``, in one query: the editor shows them beside each
    table and column."""
    counts: Counter[str] = Counter()
    rows = Comment.objects.filter(draft=draft, parent=None, resolved_at=None)
    for kind, uid, table_uid in rows.values_list("anchor_kind", "anchor_uid", "anchor_table_uid"):
        counts[ALL_THREADS] += 1
        if table_uid:
            counts[f"table:{table_uid}"] += 1
        if kind == AnchorKind.COLUMN:
            counts[uid] += 1
    return counts
