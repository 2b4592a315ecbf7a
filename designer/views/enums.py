from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from designer import editing
from designer.editor_forms import EnumForm
from designer.models import DraftEnum
from designer.views.editor import (
    WORKSPACE,
    Editor,
    editor_for,
    editor_response,
    keep_selection,
    render_page,
)


def _enum_or_404(editor: Editor, enum_uid: str) -> DraftEnum:
    enum = DraftEnum.objects.filter(draft=editor.draft, uid=enum_uid).first()
    if enum is None:
        raise Http404("No such enum")
    return enum


@require_POST
@login_required
def enum_add(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    keep_selection(editor)
    form = EnumForm(request.POST, draft=editor.draft)
    if not form.is_valid():
        editor.forms["enum_form"] = form
        return editor_response(editor, scope=WORKSPACE, ok=False)
    name = form.cleaned_data["name"]
    with editing.change(editor.draft, f"Add enum {name}"):
        editing.add_enum(editor.draft, name, form.cleaned_data["values"])
    return editor_response(editor, scope=WORKSPACE)


@login_required
def enum_edit(request: HttpRequest, slug: str, draft_id: int, enum_uid: str) -> HttpResponse:
    """GET: the enum as a form in the sidebar; POST: save it (columns using it follow a rename)."""
    editor = editor_for(request, slug, draft_id, editing=True)
    keep_selection(editor)
    enum = _enum_or_404(editor, enum_uid)
    editor.forms["editing_enum"] = enum.uid
    if request.method != "POST":
        editor.forms["enum_edit_form"] = EnumForm(draft=editor.draft, enum=enum, prefix="enum-edit")
        if request.htmx:
            return editor_response(editor, scope=WORKSPACE, ok=True)
        return render_page(editor)
    form = EnumForm(request.POST, draft=editor.draft, enum=enum, prefix="enum-edit")
    if not form.is_valid():
        editor.forms["enum_edit_form"] = form
        return editor_response(editor, scope=WORKSPACE, ok=False)
    with editing.change(editor.draft, f"Edit enum {form.cleaned_data['name']}"):
        editing.update_enum(enum, form.cleaned_data["name"], form.cleaned_data["values"])
    del editor.forms["editing_enum"]
    return editor_response(editor, scope=WORKSPACE)


@require_POST
@login_required
def enum_delete(request: HttpRequest, slug: str, draft_id: int, enum_uid: str) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    keep_selection(editor)
    enum = _enum_or_404(editor, enum_uid)
    users = editing.enum_users(enum)
    if users:
        editor.notice = (
            f"Enum “{enum.name}” is still used by {', '.join(users)}: change their type first."
        )
        return editor_response(editor, scope=WORKSPACE, ok=False)
    with editing.change(editor.draft, f"Delete enum {enum.name}"):
        editing.delete_enum(enum)
    return editor_response(editor, scope=WORKSPACE)
