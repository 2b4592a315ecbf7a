from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from designer import editing
from designer.editor_forms import NewTableForm, TableForm
from designer.models import TableGroup
from designer.views.editor import (
    WORKSPACE,
    editor_for,
    editor_response,
    keep_selection,
    table_or_404,
)


@require_POST
@login_required
def table_add(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    form = NewTableForm(request.POST, draft=editor.draft)
    if not form.is_valid():
        keep_selection(editor)
        editor.forms["new_table_form"] = form
        return editor_response(editor, scope=WORKSPACE, ok=False)
    name = form.cleaned_data["name"]
    with editing.change(editor.draft, f"Add table {name}"):
        table = editing.add_table(editor.draft, name, with_id=form.cleaned_data["with_id"])
    editor.table_uid = table.uid
    return editor_response(editor, scope=WORKSPACE)


@require_POST
@login_required
def table_edit(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    form = TableForm(
        request.POST, table=row, groups=list(TableGroup.objects.filter(draft=editor.draft))
    )
    if not form.is_valid():
        editor.forms["table_form"] = form
        return editor_response(editor, ok=False)
    name = form.cleaned_data["name"]
    description = f"Rename table {row.name} to {name}" if name != row.name else f"Edit table {name}"
    with editing.change(editor.draft, description):
        editing.update_table(
            row, name=name, comment=form.cleaned_data["comment"], group=form.cleaned_data["group"]
        )
    return editor_response(editor)


@require_POST
@login_required
def table_delete(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    with editing.change(editor.draft, f"Delete table {row.name}"):
        editing.delete_table(row)
    editor.table_uid = None
    return editor_response(editor, scope=WORKSPACE)
