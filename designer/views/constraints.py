"""Indexes, unique and check constraints, foreign keys: adding each kind, deleting any."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from designer import editing
from designer.editor_forms import CheckForm, ForeignKeyForm, IndexForm, UniqueForm
from designer.models import DraftTable
from designer.views.editor import editor_for, editor_response, engine_table, table_or_404


@require_POST
@login_required
def index_add(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    table, _ = engine_table(editor, row)
    form = IndexForm(request.POST, table=table)
    if not form.is_valid():
        editor.forms["index_form"] = form
        return editor_response(editor, ok=False)
    d = form.cleaned_data
    with editing.change(editor.draft, f"Add index on {row.name}"):
        editing.add_index(row, d["columns"], unique=d["unique"], name=d["name"], where=d["where"])
    return editor_response(editor)


@require_POST
@login_required
def unique_add(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    table, _ = engine_table(editor, row)
    form = UniqueForm(request.POST, table=table)
    if not form.is_valid():
        editor.forms["unique_form"] = form
        return editor_response(editor, ok=False)
    with editing.change(editor.draft, f"Add unique constraint on {row.name}"):
        editing.add_unique(row, form.cleaned_data["columns"], name=form.cleaned_data["name"])
    return editor_response(editor)


@require_POST
@login_required
def check_add(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    table, _ = engine_table(editor, row)
    form = CheckForm(request.POST, table=table)
    if not form.is_valid():
        editor.forms["check_form"] = form
        return editor_response(editor, ok=False)
    with editing.change(editor.draft, f"Add check constraint on {row.name}"):
        editing.add_check(row, form.cleaned_data["expression"], name=form.cleaned_data["name"])
    return editor_response(editor)


@require_POST
@login_required
def fk_add(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    table, _ = engine_table(editor, row)
    choices = list(DraftTable.objects.filter(draft=editor.draft).values_list("uid", "name"))
    form = ForeignKeyForm(request.POST, table=table, draft=editor.draft, table_choices=choices)
    if not form.is_valid():
        editor.forms["fk_form"] = form
        return editor_response(editor, ok=False)
    d = form.cleaned_data
    ref = DraftTable.objects.get(draft=editor.draft, uid=d["ref_table"])
    with editing.change(editor.draft, f"Add foreign key {row.name} → {ref.name}"):
        editing.add_foreign_key(
            row,
            d["columns"],
            ref,
            d["ref_column_uids"],
            on_delete=d["on_delete"],
            on_update=d["on_update"],
            name=d["name"],
        )
    return editor_response(editor)


ELEMENT_LABELS = {
    "pk": "primary key",
    "index": "index",
    "unique": "unique constraint",
    "check": "check constraint",
    "fk": "foreign key",
}


@require_POST
@login_required
def element_delete(
    request: HttpRequest, slug: str, draft_id: int, table_uid: str, kind: str, uid: str
) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=True)
    if kind not in ELEMENT_LABELS:
        raise Http404("No such kind of element")
    row = table_or_404(editor, table_uid)
    with editing.change(editor.draft, f"Delete {ELEMENT_LABELS[kind]} of {row.name}"):
        if not editing.delete_element(row, kind, uid):
            raise Http404(f"No such {ELEMENT_LABELS[kind]}")
    return editor_response(editor)
