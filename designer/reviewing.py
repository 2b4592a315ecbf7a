"""The review of a draft: submit, withdraw, verdicts, the approval rules, and publishing.

Publishing checks every rule on the server, inside one transaction that first locks the project
row and the draft row: approvals given to older content, a rule or a membership changed a moment
before, a version published by someone else meanwhile, or a second publish of the same draft all
stop it (``PublishRefused``, naming each reason). Views call these functions and render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from designer import notifications
from designer.models import (
    REVIEW_STATUSES,
    Activity,
    Draft,
    DraftStatus,
    Event,
    Membership,
    Project,
    Review,
    Role,
    SchemaVersion,
    Verdict,
)


class ReviewError(Exception):
    """A review action that does not apply to the draft as it is (shown to the user)."""


class PublishRefused(ReviewError):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


# ---------------------------------------------------------------- who may do what


def can_review(draft: Draft, membership: Membership) -> bool:
    """Reviewers, architects and owners review drafts they did not write; viewers only comment."""
    return membership.allows(Role.REVIEWER) and draft.author_id != membership.user_id


def can_publish(membership: Membership) -> bool:
    return membership.allows(Role.ARCHITECT)


# ---------------------------------------------------------------- the state of a review


@dataclass
class ReviewState:
    """Where a draft's review stands against its project's rules, read at one moment."""

    required: int
    approvals: list[Review] = field(default_factory=list)
    changes_requested: list[Review] = field(default_factory=list)
    owner_approval_needed: bool = False
    owner_approved: bool = False
    #: No owner but the author, who cannot approve: the owner rule cannot be met as things are.
    no_other_owner: bool = False
    #: Approvals that no longer count because the content changed since (each reviewer's newest).
    dismissed: list[Review] = field(default_factory=list)
    latest: SchemaVersion | None = None
    base_is_latest: bool = True

    @property
    def approved_enough(self) -> bool:
        return len(self.approvals) >= self.required

    def missing(self) -> list[str]:
        """What still stands between the draft and publishing, as sentences."""
        reasons = []
        if not self.base_is_latest and self.latest is not None:
            reasons.append(
                f"v{self.latest.number} was published since this draft started: update from v{self.latest.number} first"
            )
        if len(self.approvals) < self.required:
            wanted = self.required - len(self.approvals)
            reasons.append(f"{wanted} more approval{'s' if wanted != 1 else ''} needed ({len(self.approvals)} of {self.required})")
        for review in self.changes_requested:
            reasons.append(f"{review.reviewer} requested changes")
        if self.owner_approval_needed and not self.owner_approved:
            reasons.append(
                "the change is destructive: an owner must approve it"
                + (", and the only owner wrote it: add another owner, or change the rule" if self.no_other_owner else "")
            )
        return reasons


def verdicts_in_force(draft: Draft) -> list[Review]:
    """Each current reviewer's newest verdict that still counts for the draft's content. A verdict
    by someone no longer a reviewer of the project (or by the author) does not count."""
    return [review for review in _newest_verdicts(draft) if review.is_in_force(draft.content_token)]


def _newest_verdicts(draft: Draft) -> list[Review]:
    """Each current reviewer's newest verdict that is not withdrawn (two queries)."""
    reviewers = set(
        Membership.objects.filter(
            project_id=draft.project_id, role__in=[Role.REVIEWER, Role.ARCHITECT, Role.OWNER]
        ).values_list("user_id", flat=True)
    )
    reviewers.discard(draft.author_id)
    newest: dict[int, Review] = {}
    for review in draft.reviews.filter(withdrawn_at=None).select_related("reviewer").order_by("-created", "-id"):
        newest.setdefault(review.reviewer_id, review)
    return [review for user_id, review in newest.items() if user_id in reviewers]


def review_state(draft: Draft, project: Project, *, destructive: bool | None = None) -> ReviewState:
    """The draft's review against ``project``'s rules. ``destructive`` (whether the change can
    lose data) is computed from the diff when the rules need it and it is not given."""
    newest = _newest_verdicts(draft)
    verdicts = [v for v in newest if v.is_in_force(draft.content_token)]
    latest = project.latest_version()
    state = ReviewState(
        required=project.required_approvals,
        approvals=[v for v in verdicts if v.is_approval],
        changes_requested=[v for v in verdicts if not v.is_approval],
        dismissed=[v for v in newest if v.is_approval and v not in verdicts],
        latest=latest,
        base_is_latest=latest is None or draft.base_version_id == latest.pk,
    )
    if project.owner_approval_for_destructive:
        if destructive is None:
            destructive = any(op.destructive for op in draft.diff_against_base())
        if destructive:
            owners = set(
                Membership.objects.filter(project=project, role=Role.OWNER).values_list("user_id", flat=True)
            )
            state.owner_approval_needed = True
            state.owner_approved = any(v.reviewer_id in owners for v in state.approvals)
            state.no_other_owner = not (owners - {draft.author_id})
    return state


def _status_after_verdicts(draft: Draft) -> None:
    """Move an in-review draft between in review, approved and changes requested."""
    if not draft.in_review:
        return
    # "Approved" only when every approval rule holds, the owner's for a destructive change too.
    state = review_state(draft, draft.project, destructive=None if draft.project.owner_approval_for_destructive else False)
    if state.changes_requested:
        status = DraftStatus.CHANGES_REQUESTED
    elif state.approvals and state.approved_enough and (state.owner_approved or not state.owner_approval_needed):
        status = DraftStatus.APPROVED
    else:
        status = DraftStatus.IN_REVIEW
    if status != draft.status:
        draft.status = status
        Draft.objects.filter(pk=draft.pk).update(status=status)


# ---------------------------------------------------------------- actions


def submit(draft: Draft, user: Any, description: str) -> None:
    """The author (or an architect) asks for review."""
    if draft.status != DraftStatus.OPEN:
        raise ReviewError(f"This draft is {draft.get_status_display().lower()}: only an open draft is submitted")
    with transaction.atomic():
        draft.status, draft.description, draft.submitted_at = DraftStatus.IN_REVIEW, description, timezone.now()
        draft.save(update_fields=["status", "description", "submitted_at", "updated"])
        _status_after_verdicts(draft)  # verdicts given before a withdrawal may still hold
        Activity.record(Event.SUBMITTED, draft.project, user, draft=draft, detail=description)
        notifications.draft_submitted(draft, user)


def withdraw(draft: Draft, user: Any) -> None:
    """Back to open: the author takes the draft out of review (verdicts stay on record)."""
    if not draft.in_review:
        raise ReviewError("This draft is not in review")
    with transaction.atomic():
        draft.status = DraftStatus.OPEN
        draft.save(update_fields=["status", "updated"])
        Activity.record(Event.WITHDRAWN, draft.project, user, draft=draft)


class StaleReview(ReviewError):
    """The verdict was given on a page drawn before the draft's last change."""


def give_verdict(
    draft: Draft, membership: Membership, verdict: Verdict, message: str, seen: str | None = None
) -> Review:
    """Approve the draft's content, or request changes. ``seen`` is the content token of the page
    the reviewer read: if the draft changed since, the verdict is refused (a reviewer approves
    what they saw, never a change made after). Without it (a script), the current content."""
    if not draft.in_review:
        raise ReviewError("Only a draft in review can be approved or sent back")
    if not can_review(draft, membership):
        raise ReviewError("Nobody approves their own draft")
    if seen is not None and seen != str(draft.content_token):
        last = draft.changes.filter(kind="undo").order_by("-id").values_list("description", flat=True).first()
        raise StaleReview(
            "Not recorded: the draft changed since this page was drawn"
            + (f" (last change: “{last}”)" if last else "")
            + ". Read the change again below, then give your verdict."
        )
    with transaction.atomic():
        review = Review.objects.create(
            draft=draft,
            reviewer=membership.user,
            verdict=verdict,
            # The token read with the draft: an edit committed since makes it stale at once.
            content_token=seen or draft.content_token,
            message=message,
        )
        event = Event.APPROVED if verdict == Verdict.APPROVED else Event.CHANGES_REQUESTED
        Activity.record(event, draft.project, membership.user, draft=draft, detail=message)
        _status_after_verdicts(draft)
        notifications.verdict_given(draft, review)
    return review


def withdraw_verdict(draft: Draft, user: Any) -> bool:
    """The reviewer takes back their verdict in force (a request for changes, or an approval)."""
    review = draft.reviews.filter(reviewer=user, withdrawn_at=None).order_by("-created", "-id").first()
    if review is None:
        return False
    with transaction.atomic():
        # All of them: an older verdict this one superseded must not come back into force.
        Review.objects.filter(draft=draft, reviewer=user, withdrawn_at=None).update(withdrawn_at=timezone.now())
        Activity.record(
            Event.VERDICT_WITHDRAWN, draft.project, user, draft=draft, detail=review.get_verdict_display()
        )
        _status_after_verdicts(draft)
    return True


def abandon(draft: Draft, user: Any) -> None:
    with transaction.atomic():
        draft.status = DraftStatus.ABANDONED
        draft.save(update_fields=["status", "updated"])
        Activity.record(Event.ABANDONED, draft.project, user, draft=draft)


def publish(draft: Draft, user: Any, message: str) -> SchemaVersion:
    """Publish the draft as the project's next version if every rule holds at this moment.

    The project row and the draft row are locked first (``select_for_update``; SQLite's
    immediate transactions serialize writers as a whole), then everything is read afresh.
    """
    from designer.validation import blocking_problems

    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=draft.project_id)
        try:
            current = Draft.objects.select_for_update().select_related("base_version").get(pk=draft.pk)
        except Draft.DoesNotExist:
            raise PublishRefused(["this draft no longer exists"]) from None
        if current.status not in (DraftStatus.OPEN, *REVIEW_STATUSES):
            raise PublishRefused([f"this draft is {current.get_status_display().lower()}"])
        reasons: list[str] = []
        if project.required_approvals and current.status == DraftStatus.OPEN:
            reasons.append("submit it for review first: this project needs approvals")
        from designer.conversion import read_content

        content = read_content(current)
        problems = blocking_problems(content.schema)
        reasons += [f"fix first: {p}" for p in problems]
        destructive = None
        if project.owner_approval_for_destructive and not problems:
            from migrations_engine.diff import diff

            destructive = any(op.destructive for op in diff(current.base_schema(), content.schema))
        reasons += review_state(current, project, destructive=bool(destructive)).missing()
        if reasons:
            raise PublishRefused(reasons)
        try:
            with transaction.atomic():
                version = SchemaVersion.publish(
                    project, content.schema, groups=content.groups_data(), author=user,
                    message=message or current.title,
                )
        except IntegrityError:
            raise PublishRefused(["another version was published at the same moment: update from it first"]) from None
        # Compare-and-set: only the content and state read above are published.
        moved = Draft.objects.filter(
            pk=current.pk, content_token=current.content_token, status=current.status
        ).update(status=DraftStatus.MERGED, published_as=version, updated=timezone.now())
        if not moved:  # raising rolls the new version back
            raise PublishRefused(["the draft changed while it was being published: look at it again"])
        Activity.record(
            Event.PUBLISHED, project, user, draft=current,
            detail=f"v{version.number}: {version.message}",
        )
    draft.status, draft.published_as = DraftStatus.MERGED, version
    return version
