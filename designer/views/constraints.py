"""Indexes, unique and check constraints, foreign keys: adding each kind, deleting any."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from designer import editing
from designer.editor_forms import CheckForm, ForeignKeyForm, IndexForm, UniqueForm
from designer.models import DraftTable
from designer.views.editor import Editor, editor_for, editor_response, engine_table, table_or_404
from migrations_engine.schema import Table


def _table_editor(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> tuple[Editor, DraftTable, Table]:
    """The editor of a draft being edited, one of its tables, and that table as the engine sees it."""
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    return editor, row, engine_table(editor, row)[0]


def _add(
    editor: Editor, form: forms.Form, form_name: str, description: str, add: Callable[[dict[str, Any]], object]
) -> HttpResponse:
    """Refuse ``form`` with its messages, or make the addition ``add`` (given the cleaned data) as
    one undoable change."""
    if not form.is_valid():
        editor.forms[form_name] = form
        return editor_response(editor, ok=False)
    with editing.change(editor.draft, description):
        add(form.cleaned_data)
    return editor_response(editor)


@require_POST
@login_required
def index_add(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor, row, table = _table_editor(request, slug, draft_id, table_uid)
    return _add(
        editor,
        IndexForm(request.POST, table=table, dialect=editor.draft.project.dialect),
        "index_form",
        f"Add index on {row.name}",
        lambda d: editing.add_index(row, d["columns"], unique=d["unique"], name=d["name"], where=d["where"]),
    )


@require_POST
@login_required
def unique_add(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor, row, table = _table_editor(request, slug, draft_id, table_uid)
    return _add(
        editor,
        UniqueForm(request.POST, table=table),
        "unique_form",
        f"Add unique constraint on {row.name}",
        lambda d: editing.add_unique(row, d["columns"], name=d["name"]),
    )


@require_POST
@login_required
def check_add(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor, row, table = _table_editor(request, slug, draft_id, table_uid)
    return _add(
        editor,
        CheckForm(request.POST, table=table, dialect=editor.draft.project.dialect),
        "check_form",
        f"Add check constraint on {row.name}",
        lambda d: editing.add_check(row, d["expression"], name=d["name"]),
    )


@require_POST
@login_required
def fk_add(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor, row, table = _table_editor(request, slug, draft_id, table_uid)
    choices = list(DraftTable.objects.filter(draft=editor.draft).values_list("uid", "name"))
    form = ForeignKeyForm(request.POST, table=table, draft=editor.draft, table_choices=choices)

    def add(d: dict[str, Any]) -> None:
        ref = DraftTable.objects.get(draft=editor.draft, uid=d["ref_table"])
        editing.add_foreign_key(
            row, d["columns"], ref, d["ref_column_uids"], on_delete=d["on_delete"], on_update=d["on_update"], name=d["name"]
        )

    ref_name = dict(choices)[form.cleaned_data["ref_table"]] if form.is_valid() else ""
    return _add(editor, form, "fk_form", f"Add foreign key {row.name} → {ref_name}", add)


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
