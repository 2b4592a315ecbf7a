"""The review of a draft, one page per draft like a pull request: the change, its SQL and
diagram, comment threads, verdicts, and the actions that move the draft along."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from designer import comments, reviewing
from designer.analysis import Analysis, Pending, analyse, kept_or_started
from designer.access import get_draft_for
from designer.lint import draft_lint
from designer.models import (
    DIALECT_CHOICES,
    Activity,
    AnchorKind,
    Comment,
    Draft,
    Membership,
    Role,
    Verdict,
)
from designer.preview import dialect_or_default

ACTIVITY_SHOWN = 100
#: Lint findings listed (the count says how many there are).
REVIEW_FINDINGS = 100


def review_context(
    request: HttpRequest, draft: Draft, membership: Membership, analysis: Analysis | None = None, **extra
) -> dict:
    """Everything the review page and its partials show, in a fixed number of queries;
    ``analysis``: the draft's in the page's dialect, when the caller has it."""
    project = draft.project
    dialect = dialect_or_default(request.GET.get("dialect"), project.dialect)
    if analysis is None:
        analysis = analyse(draft, dialect)
    change, live_uids = analysis.change, analysis.live_uids
    state = reviewing.review_state(draft, project, destructive=change.destructive)
    threads = comments.threads_of(draft, live_uids)
    anchor_on = extra.pop("anchor", None) or _anchor_from_query(request, draft, change)
    return {
        "project": project,
        "draft": draft,
        "membership": membership,
        "state": state,
        "change": change,
        "lint": draft_lint(draft, dialect).first(REVIEW_FINDINGS),
        "dialect": dialect,
        "dialects": DIALECT_CHOICES,
        "sql_url": reverse("designer:review", args=[project.slug, draft.pk]),
        "download_url_up": reverse("designer:draft_sql_up", args=[project.slug, draft.pk]),
        "download_url_down": reverse("designer:draft_sql_down", args=[project.slug, draft.pk]),
        "threads": [t for t in threads if not t.resolved],
        "resolved_threads": [t for t in threads if t.resolved],
        "open_threads": sum(1 for t in threads if not t.resolved),
        "can_review": reviewing.can_review(draft, membership),
        "can_publish": reviewing.can_publish(membership) and draft.is_editable,
        "can_withdraw": draft.in_review and _may_withdraw(draft, membership),
        "can_submit": draft.status == "open" and membership.can_edit,
        "can_resolve_any": membership.can_edit or membership.user_id == draft.author_id,
        "my_verdict": draft.reviews.filter(reviewer=membership.user, withdrawn_at=None).order_by("-created", "-id").first(),
        "activity": Activity.objects.filter(draft=draft).select_related("actor")[:ACTIVITY_SHOWN],
        "anchor": anchor_on,
        "comment_error": extra.pop("comment_error", ""),
        "action_error": extra.pop("action_error", ""),
        "publish_reasons": extra.pop("publish_reasons", []),
        "next_version": (state.latest.number + 1) if state.latest else 1,
        **extra,
    }


def _anchor_from_query(request: HttpRequest, draft: Draft, change) -> comments.Anchor | None:
    """``?on=column:<uid>`` (from the editor's "Comment" links or an operation's): the comment
    form is anchored there. Anything not found is ignored (the form comments on the draft)."""
    kind, _, uid = request.GET.get("on", "").partition(":")
    if kind not in AnchorKind.values or not kind or not uid:
        return None
    try:
        return comments.find_anchor(draft, kind, uid, {s.anchor: s.description for s in change.steps})
    except comments.CommentError:
        return None


def _may_withdraw(draft: Draft, membership: Membership) -> bool:
    return draft.author_id == membership.user_id or membership.can_manage


@never_cache  # the back button must not show "ready to publish" for a draft published since
@vary_on_headers("HX-Request")
@login_required
def review_detail(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    analysis = None
    if not request.htmx:
        dialect = dialect_or_default(request.GET.get("dialect"), draft.project.dialect)
        analysis = kept_or_started(draft, dialect)
        if isinstance(analysis, Pending):  # a large draft's, on its way: this page asks again
            context = {"project": draft.project, "draft": draft, "membership": membership, "pending": analysis}
            return render(request, "designer/review/pending.html", context)
    context = review_context(request, draft, membership, analysis)
    if request.htmx and request.htmx.target == "change-sql":
        return render(request, "designer/change/sql.html", context)
    return render(request, "designer/review/page.html", context)


def _back(draft: Draft, fragment: str = "") -> HttpResponse:
    url = reverse("designer:review", args=[draft.project.slug, draft.pk])
    return redirect(f"{url}#{fragment}" if fragment else url)


def _refused(request: HttpRequest, draft: Draft, membership: Membership, status: int = 400, **errors) -> HttpResponse:
    return render(request, "designer/review/page.html", review_context(request, draft, membership, **errors), status=status)


@require_POST
@login_required
def draft_submit(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.ARCHITECT, editing=True)
    description = request.POST.get("description", "").strip()[:5000]
    try:
        reviewing.submit(draft, request.user, description)
    except reviewing.ReviewError as exc:
        return _refused(request, draft, membership, action_error=str(exc))
    return _back(draft)


@require_POST
@login_required
def draft_withdraw(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER, editing=True)
    if not _may_withdraw(draft, membership):
        raise PermissionDenied("Only the draft's author (or an owner) withdraws it from review")
    try:
        reviewing.withdraw(draft, request.user)
    except reviewing.ReviewError as exc:
        return _refused(request, draft, membership, action_error=str(exc))
    return _back(draft)


ACTIONS = {"approve": Verdict.APPROVED, "request_changes": Verdict.CHANGES_REQUESTED}


@require_POST
@login_required
def review_submit(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """The review form's three buttons: "Approve", "Request changes", "Comment"."""
    action = request.POST.get("action", "comment")
    if action == "comment":
        return comment_add(request, slug, draft_id)
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.REVIEWER, editing=True)
    if action not in ACTIONS:
        return HttpResponse("Unknown review action", status=400)
    if not reviewing.can_review(draft, membership):
        raise PermissionDenied("Nobody approves their own draft")
    message = request.POST.get("message", "").strip()[:5000]
    try:
        reviewing.give_verdict(draft, membership, ACTIONS[action], message, seen=request.POST.get("token"))
    except reviewing.StaleReview as exc:
        return _refused(request, draft, membership, status=409, action_error=str(exc), review_message=message)
    except reviewing.ReviewError as exc:
        return _refused(request, draft, membership, action_error=str(exc))
    return _back(draft)


@require_POST
@login_required
def verdict_withdraw(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.REVIEWER, editing=True)
    if not reviewing.withdraw_verdict(draft, request.user):
        return _refused(request, draft, membership, action_error="You have no verdict on this draft to withdraw")
    return _back(draft)


@require_POST
@login_required
def comment_add(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """A new thread (on the draft, or anchored by ``anchor_kind``/``anchor_uid``) or a reply
    (``parent``). Viewers comment too. Answers htmx with the discussion partial."""
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    if not draft.is_editable:
        raise PermissionDenied(f"This draft is {draft.get_status_display().lower()}: its discussion is closed")
    parent = None
    if request.POST.get("parent"):
        parent = Comment.objects.filter(draft=draft, pk=_int(request.POST["parent"])).first()
        if parent is None:
            raise Http404("No such thread")
    anchor = comments.Anchor("", "", "", "")
    try:
        if parent is None and request.POST.get("anchor_kind"):
            operations = None
            if request.POST["anchor_kind"] == AnchorKind.OPERATION:
                change = analyse(draft, draft.project.dialect).change
                operations = {s.anchor: s.description for s in change.steps}
            anchor = comments.find_anchor(draft, request.POST["anchor_kind"], request.POST.get("anchor_uid", ""), operations)
        comment = comments.add_comment(draft, request.user, request.POST.get("body", ""), anchor, parent)
    except comments.CommentError as exc:
        # The page again with the message beside the form, what was typed and where it was
        # anchored kept (htmx: the discussion alone).
        context = review_context(request, draft, membership, comment_error=str(exc), anchor=anchor if anchor.kind else None)
        context["comment_body"] = request.POST.get("body", "") if parent is None else ""
        template = "designer/review/discussion.html" if request.htmx else "designer/review/page.html"
        return render(request, template, context, status=422)
    if request.htmx:
        return _discussion(request, draft, membership)
    return _back(draft, f"comment-{comment.parent_id or comment.pk}")


@require_POST
@login_required
def comment_resolve(request: HttpRequest, slug: str, draft_id: int, comment_id: int) -> HttpResponse:
    """Resolve a thread, or reopen it (``reopen=1``): its author, the draft's author,
    architects and owners may."""
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER, editing=True)
    thread = Comment.objects.filter(draft=draft, pk=comment_id, parent=None).select_related("draft__project").first()
    if thread is None:
        raise Http404("No such thread")
    allowed = membership.can_edit or request.user.pk in (thread.author_id, draft.author_id)
    if not allowed:
        raise PermissionDenied("Only the thread's author, the draft's author, architects and owners resolve threads")
    comments.set_resolved(thread, request.user, resolved=not request.POST.get("reopen"))
    if request.htmx:
        return _discussion(request, draft, membership)
    return _back(draft, f"comment-{thread.pk}")


def _discussion(request: HttpRequest, draft: Draft, membership: Membership) -> HttpResponse:
    """The discussion, and the activity out of band (it has a new entry)."""
    context = review_context(request, draft, membership, activity_oob=True)
    return render(request, "designer/review/discussion.html", context)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404("No such thread") from None
