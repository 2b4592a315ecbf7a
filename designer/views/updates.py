"""“Update from vN”: the merge of a draft with the latest version, its conflicts, each settled
by choosing a side, then written as one undoable change."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from designer import merging
from designer.access import get_draft_for
from designer.models import Role

CHOICE_PREFIX = "choice:"


@login_required
def draft_update(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """GET shows the merge (and its conflicts, each with "theirs" / "ours"); POST writes it
    once every conflict has a choice. A page drawn before the draft's last change is refused."""
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.ARCHITECT, editing=True)
    choices = {
        key[len(CHOICE_PREFIX) :]: value
        for key, value in request.POST.items()
        if key.startswith(CHOICE_PREFIX) and value in ("ours", "theirs")
    }
    try:
        update = merging.prepare(draft, choices)
    except merging.NothingToUpdate as exc:
        return render(request, "designer/review/update.html", {"project": draft.project, "draft": draft, "membership": membership, "nothing": str(exc)})
    context = {"project": draft.project, "draft": draft, "membership": membership, "update": update, "choices": choices}
    if request.method != "POST":
        return render(request, "designer/review/update.html", context)
    # The page merged a given draft state with a given version: either moved on, and the
    # choices made on it may not fit what would be written now.
    if request.POST.get("token") != str(draft.content_token) or request.POST.get("version") != str(update.latest.number):
        context["stale"] = True
        return render(request, "designer/review/update.html", context, status=409)
    if not update.ready:
        context["missing_choices"] = len(update.result.unresolved)
        return render(request, "designer/review/update.html", context, status=422)
    merging.apply(update, request.user)
    return redirect("designer:review", draft.project.slug, draft.pk)
