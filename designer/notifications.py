"""E-mail about reviews, through Django's mail framework (docs/designer.md, "Notifications").

Mail is handed to the backend only once the request's transaction commits
(``transaction.on_commit``): an action that rolls back sends nothing. Users without an e-mail
address, and the person who acted, are left out. A failing mail server is logged, never shown
to the user as an error: the review action itself went through.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from designer.models import Membership, Role

if TYPE_CHECKING:
    from designer.models import Comment, Draft, Review

logger = logging.getLogger(__name__)


def review_link(draft: Draft) -> str:
    path = reverse("designer:review", args=[draft.project.slug, draft.pk])
    return f"{settings.SITE_URL.rstrip('/')}{path}" if settings.SITE_URL else path


def _send_later(subject: str, body: str, users: Iterable[Any], actor: Any) -> None:
    addresses = sorted({u.email for u in users if u is not None and u.email and u.pk != getattr(actor, "pk", None)})
    if not addresses:
        return
    messages = [(subject, body, None, [address]) for address in addresses]

    def send() -> None:
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # mail is best effort: the action itself is done
            logger.exception("could not send %d review notification(s): %s", len(messages), subject)

    transaction.on_commit(send)


def draft_submitted(draft: Draft, actor: Any) -> None:
    """Tell the project's reviewers (reviewers, architects, owners) a draft awaits them."""
    reviewers = [
        m.user
        for m in Membership.objects.filter(
            project_id=draft.project_id, role__in=[Role.REVIEWER, Role.ARCHITECT, Role.OWNER]
        ).select_related("user")
        if m.user_id != draft.author_id
    ]
    _send_later(
        f"[{draft.project.name}] Review requested: {draft.title}",
        f"{actor} asks for a review of “{draft.title}”.\n\n{draft.description}\n\n{review_link(draft)}\n",
        reviewers,
        actor,
    )


def verdict_given(draft: Draft, review: Review) -> None:
    """Tell the author their draft was approved, or that changes were requested."""
    verdict = "approved" if review.is_approval else "requested changes"
    _send_later(
        f"[{draft.project.name}] {review.get_verdict_display()}: {draft.title}",
        f"{review.reviewer} {verdict} on “{draft.title}”.\n\n{review.message}\n\n{review_link(draft)}\n",
        [draft.author],
        review.reviewer,
    )


def comment_added(draft: Draft, comment: Comment) -> None:
    """Tell the draft's author and everyone who wrote in the thread about a new comment."""
    thread = comment.parent or comment
    participants = [draft.author, thread.author, *(reply.author for reply in thread.replies.select_related("author"))]
    about = f" on {thread.anchor_label}" if thread.anchor_label else ""
    _send_later(
        f"[{draft.project.name}] New comment{about}: {draft.title}",
        f"{comment.author} wrote{about}:\n\n{comment.body}\n\n{review_link(draft)}\n",
        participants,
        comment.author,
    )
