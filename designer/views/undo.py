from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from designer.views.editor import WORKSPACE, editor_for, editor_response, keep_selection


@require_POST
@login_required
def draft_undo(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """Restore the draft as it was before its last change (Redo brings it back)."""
    return _step(request, slug, draft_id, "undo", "Undone")


@require_POST
@login_required
def draft_redo(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """Bring back what the last Undo took away."""
    return _step(request, slug, draft_id, "redo", "Redone")


def _step(request: HttpRequest, slug: str, draft_id: int, step: str, done: str) -> HttpResponse:
    """Run ``Draft.undo`` or ``Draft.redo`` (``step``) and answer with the workspace."""
    editor = editor_for(request, slug, draft_id, editing=True)
    change = getattr(editor.draft, step)()
    keep_selection(editor)
    editor.notice = f"{done}: {change.description}." if change else f"There is nothing to {step}."
    return editor_response(editor, scope=WORKSPACE)
