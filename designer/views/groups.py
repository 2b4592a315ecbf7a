from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from designer import editing
from designer.editor_forms import GroupForm
from designer.models import TableGroup
from designer.views.editor import WORKSPACE, editor_for, editor_response, keep_selection


@require_POST
@login_required
def group_add(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    keep_selection(editor)
    form = GroupForm(request.POST)
    if not form.is_valid():
        editor.forms["group_form"] = form
        return editor_response(editor, scope=WORKSPACE, ok=False)
    name = form.cleaned_data["name"]
    with editing.change(editor.draft, f"Add group {name}"):
        editing.add_group(editor.draft, name, form.cleaned_data["colour"])
    return editor_response(editor, scope=WORKSPACE)


@require_POST
@login_required
def group_delete(request: HttpRequest, slug: str, draft_id: int, group_uid: str) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    keep_selection(editor)
    group = TableGroup.objects.filter(draft=editor.draft, uid=group_uid).first()
    if group is None:
        raise Http404("No such group")
    with editing.change(editor.draft, f"Delete group {group.name}"):
        editing.delete_group(group)
    return editor_response(editor, scope=WORKSPACE)
