"""Normalisation hints for a draft (the engine's ``advice.normalisation``), optionally with rows
sampled from one of the project's connections, and Apply: the hint's change made to the draft
through ``designer.editing`` inside one ``change()``, so the undo bar takes it back.

Everyone in the project sees the hints; architects and owners apply them. Apply rebuilds the
hint from its kind, table and columns against the draft as it is (``hint_for``), without
sampling again, and refuses a draft changed since the page was drawn (its content token).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from designer import editing
from designer.conversion import read_content
from designer.deploy.targets import redact
from designer.editing import ColumnData
from designer.models import DraftChange, DraftColumn, DraftTable
from designer.models.connections import Connection
from designer.views.editor import REFUSED, Editor, editor_for
from migrations_engine.advice.normalisation import (
    HintError,
    Samples,
    hint_for,
    hints,
    sample_rows,
)
from migrations_engine.errors import EngineError
from migrations_engine.operations import (
    AddForeignKey,
    CreateIndex,
    CreateTable,
    DropCheck,
    DropColumn,
    DropExclusion,
    DropIndex,
    DropUnique,
    Operation,
)
from migrations_engine.schema import Column, Table

PAGE = "designer/advice/normalisation.html"
LIST = "designer/advice/normalisation_list.html"


@vary_on_headers("HX-Request")
@login_required
def draft_normalisation(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """The hints for the draft; ``?connection=<id>`` adds those found in that database's rows.
    For htmx, only the list of hints."""
    editor = editor_for(request, slug, draft_id, editing=False)
    connection = _connection_or_404(editor, request.GET.get("connection"))
    context = _context(editor, connection)
    return render(request, LIST if request.htmx else PAGE, context)


@require_POST
@login_required
def draft_normalisation_apply(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """Make one hint's change to the draft (architects and owners), then show the editor."""
    editor = editor_for(request, slug, draft_id, editing=True)
    columns = [c for c in request.POST.getlist("columns") if c]
    kind, table = request.POST.get("kind", ""), request.POST.get("table", "")
    schema = read_content(editor.draft).schema
    try:
        hint = hint_for(schema, kind, table, columns, editor.draft.project.dialect)
        if not hint.operations:
            raise HintError("this hint proposes no change to apply")
        with editing.change(editor.draft, _shortened(hint.summary)):
            _apply(editor, hint.operations)
    except EngineError as exc:
        context = {**_context(editor, None), "error": str(exc)}
        template = LIST if request.htmx else PAGE
        return render(request, template, context, status=REFUSED)
    url = editor.url("draft")
    row = DraftTable.objects.filter(draft=editor.draft, name=hint.table).first()
    if row is not None:
        url += f"?table={row.uid}"
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _shortened(text: str, limit: int = DraftChange._meta.get_field("description").max_length) -> str:
    """``text`` cut to fit a change's description (a group of many columns can be long)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- the page


def _connection_or_404(editor: Editor, value: str | None) -> Connection | None:
    if not value:
        return None
    pk = int(value) if value.isdigit() else 0
    connection = Connection.objects.filter(project=editor.draft.project, pk=pk).first()
    if connection is None:
        raise Http404("No such connection")
    return connection


def _context(editor: Editor, connection: Connection | None) -> dict[str, Any]:
    draft = editor.draft
    schema = read_content(draft).schema
    samples, sample_error = (_sample(connection, schema) if connection else (None, ""))
    found = hints(schema, draft.project.dialect, samples)
    return {
        "project": draft.project,
        "draft": draft,
        "can_edit": editor.can_edit,
        "hints": found,
        "connections": list(Connection.objects.filter(project=draft.project)),
        "connection": connection,
        "samples": samples,
        "sample_error": sample_error,
        "sampled_tables": len(samples.tables) if samples else 0,
    }


@sensitive_variables("url_text")
def _sample(connection: Connection, schema: Any) -> tuple[Samples | None, str]:
    """Rows sampled from ``connection``, or why not (its password never in the message)."""
    url_text = connection.url()
    try:
        return sample_rows(url_text, schema, timeout=settings.CONNECTION_TIMEOUT), ""
    except EngineError as exc:
        return None, redact(str(exc), url_text)
    except Exception as exc:  # a driver error the engine did not wrap: said, never a 500
        return None, redact(f"{type(exc).__name__}: {exc}", url_text)


# ---------------------------------------------------------------- applying


def _apply(editor: Editor, operations: tuple[Operation, ...]) -> None:
    """The operations as the editor's own edits (``designer.editing``), in their order;
    ``HintError`` for one the editor cannot make (nothing is kept: ``change()`` is atomic)."""
    rows = {row.name: row for row in DraftTable.objects.filter(draft=editor.draft)}
    for op in operations:
        try:
            _apply_one(editor, rows, op)
        except (KeyError, DraftColumn.DoesNotExist):  # hint_for checked the names: a race
            raise HintError(f"the draft changed under this hint: {op.describe()}") from None


def _apply_one(editor: Editor, rows: dict[str, DraftTable], op: Operation) -> None:
    if isinstance(op, CreateTable):
        row = editing.add_table(editor.draft, op.table.name, with_id=False)
        for column in op.table.columns:
            editing.add_column(row, _column_data(column, op.table))
        rows[row.name] = row
    elif isinstance(op, AddForeignKey):
        fk, row = op.foreign_key, rows[op.table]
        ref = rows[fk.ref_table]
        editing.add_foreign_key(
            row, _uids(row, fk.columns), ref, _uids(ref, fk.ref_columns),
            on_delete=fk.on_delete, on_update=fk.on_update,
        )
    elif isinstance(op, CreateIndex) and not op.index.has_expressions:
        row, index = rows[op.table], op.index
        editing.add_index(row, _uids(row, index.columns), unique=index.unique, where=index.where or "")
    elif isinstance(op, DropColumn):
        row = rows[op.table]
        column = DraftColumn.objects.get(table=row, name=op.column.name)
        column.table = row
        editing.delete_column(column)
    elif type(op) in _ELEMENTS:
        kind, element = _ELEMENTS[type(op)](op)
        if element.id:  # else it went with its column (delete_column) or was never stored
            editing.delete_element(rows[op.table], kind, element.id)
    elif not isinstance(op, DropExclusion):  # delete_column takes those naming its column
        raise HintError(f"the designer cannot make this change: {op.describe()}")


#: The editor's kind of element and the element, for each operation dropping one.
_ELEMENTS: dict[type, Callable[[Any], tuple[str, Any]]] = {
    DropIndex: lambda op: ("index", op.index),
    DropUnique: lambda op: ("unique", op.unique),
    DropCheck: lambda op: ("check", op.check),
}


def _column_data(column: Column, table: Table) -> ColumnData:
    key = table.primary_key.columns if table.primary_key else ()
    return ColumnData(
        name=column.name,
        type=str(column.type),
        nullable=column.nullable,
        default=column.default.value if column.default else None,
        default_is_expression=bool(column.default and column.default.expression),
        identity=column.identity,
        comment=column.comment,
        primary_key=column.name in key,
    )


def _uids(row: DraftTable, names: tuple[str, ...]) -> list[str]:
    by_name = dict(DraftColumn.objects.filter(table=row, name__in=names).values_list("name", "uid"))
    return [by_name[name] for name in names]
