from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from designer import editing
from designer.editor_forms import ColumnForm
from designer.models import DraftColumn, DraftTable
from designer.views.editor import (
    PANEL,
    Editor,
    editor_for,
    editor_response,
    engine_table,
    render_page,
    table_or_404,
)


def _column_or_404(row: DraftTable, column_uid: str) -> DraftColumn:
    column = DraftColumn.objects.filter(table=row, uid=column_uid).first()
    if column is None:
        raise Http404("No such column")
    column.table = row
    return column


@require_POST
@login_required
def column_add(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    table, schema = engine_table(editor, row)
    form = ColumnForm(request.POST, table=table, schema=schema, dialect=editor.draft.project.dialect)
    if not form.is_valid():
        editor.forms["add_column_form"] = form
        return editor_response(editor, ok=False)
    data = form.column_data()
    with editing.change(editor.draft, f"Add column {row.name}.{data.name}"):
        editing.add_column(row, data)
    return editor_response(editor, whole_list=False)


@login_required
def column_edit(
    request: HttpRequest, slug: str, draft_id: int, table_uid: str, column_uid: str
) -> HttpResponse:
    """GET: the panel with this column's row turned into a form; POST: save it."""
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    column = _column_or_404(row, column_uid)
    editor.editing_column = column.uid
    if request.method != "POST":
        return _show_form(editor)
    table, schema = engine_table(editor, row)
    form = ColumnForm(
        request.POST, table=table, schema=schema, column_uid=column.uid, dialect=editor.draft.project.dialect
    )
    if not form.is_valid():
        editor.forms["column_form"] = form
        return editor_response(editor, ok=False)
    data = form.column_data()
    description = f"Edit column {row.name}.{data.name}"
    if data.name != column.name:
        description = f"Rename column {row.name}.{column.name} to {data.name}"
    with editing.change(editor.draft, description):
        editing.update_column(column, data)
    editor.editing_column = None
    return editor_response(editor, whole_list=False)


def _show_form(editor: Editor) -> HttpResponse:
    if editor.request.htmx:
        return render(editor.request, "designer/editor/panel.html", editor.context(PANEL))
    return render_page(editor)


@require_POST
@login_required
def column_delete(
    request: HttpRequest, slug: str, draft_id: int, table_uid: str, column_uid: str
) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    column = _column_or_404(row, column_uid)
    with editing.change(editor.draft, f"Delete column {row.name}.{column.name}"):
        editing.delete_column(column)
    return editor_response(editor, whole_list=False)


@require_POST
@login_required
def column_move(
    request: HttpRequest, slug: str, draft_id: int, table_uid: str, column_uid: str
) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    column = _column_or_404(row, column_uid)
    offset = -1 if request.POST.get("direction") == "up" else 1
    with editing.change(editor.draft, f"Move column {row.name}.{column.name}"):
        editing.move_column(column, offset)
    return editor_response(editor, whole_list=False)
