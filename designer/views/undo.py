from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from designer.views.editor import WORKSPACE, editor_for, editor_response, keep_selection


@require_POST
@login_required
def draft_undo(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """Restore the draft as it was before its last change."""
    editor = editor_for(request, slug, draft_id, editing=True)
    change = editor.draft.undo()
    keep_selection(editor)
    editor.notice = f"Undone: {change.description}." if change else "There is nothing to undo."
    return editor_response(editor, scope=WORKSPACE)
