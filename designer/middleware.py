"""An edit refused because the draft changed since its page was drawn: status 409 and a notice."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from designer.models import DraftChanged

CONFLICT = 409


class DraftConflictMiddleware:
    """Turns ``DraftChanged`` into an answer: for htmx, a notice swapped into the editor's
    conflict slot; else a page saying the same, with a link back to the editor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DraftChanged):
            return None
        draft = exception.draft
        context = {
            "draft": draft,
            "last_change": exception.last_change(),
            "editor_url": reverse("designer:draft", args=[draft.project.slug, draft.pk]),
        }
        if getattr(request, "htmx", False):
            response = render(request, "designer/editor/conflict.html", context, status=CONFLICT)
            response["HX-Retarget"] = "#conflict"
            response["HX-Reswap"] = "innerHTML"
            return response
        return render(request, "designer/draft_conflict.html", context, status=CONFLICT)
