"""Imports: a new project from a schema (SQL, DBML, snapshot JSON), and a schema imported into a
draft, paired by name with its content so elements keep their uids. After an import into a
draft its page shows the change (operations against the content before) and the likely renames,
each confirmed on its own ("Confirm rename", one undoable change each).

The page of an import is named by the undo step the import recorded: Undo takes that step
away, and the page with it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from designer import editing
from designer.access import get_draft_for
from designer.conversion import DraftContent, read_content
from designer.forms import ProjectForm
from designer.import_forms import SOURCE_LABELS, SchemaSourceForm
from designer.models import Draft, DraftChange, Membership, Role
from designer.models.drafts import imported_groups, with_table_uids
from designer.views.editor import editor_for
from migrations_engine.imports import ImportResult
from migrations_engine.renames import RenameNotApplicable, find_suggestion, suggest_renames
from migrations_engine.schema import Schema

#: Kinds of skipped statement listed after an import (the rest are counted), and the lines
#: listed for each.
SKIPPED_SHOWN = 30
LINES_SHOWN = 12
#: Operations listed on an import's page; the rest are counted.
OPERATIONS_SHOWN = 500


@sensitive_post_parameters("url")
@login_required
def project_import(request: HttpRequest) -> HttpResponse:
    """"New project from a schema": the project's fields and where its first draft comes from."""
    form = ProjectForm(request.POST or None)
    dialect = request.POST.get("dialect") or "postgresql"
    source = SchemaSourceForm(
        request.POST or None, request.FILES or None, dialect=dialect, allow_empty=True
    )
    if request.method == "POST":
        form_ok, source_ok = form.is_valid(), source.is_valid()  # both, so both show their messages
        if form_ok and source_ok:
            with transaction.atomic():
                project = form.save()
                Membership.objects.create(project=project, user=request.user, role=Role.OWNER)
                if source.result is None:
                    return redirect("designer:project", project.slug)
                schema = with_table_uids(source.result.schema)
                draft = Draft.objects.create_from_schema(
                    project, schema, None, request.user,
                    title=f"Imported from {_label(source)}",
                    groups=imported_groups(schema, source.result.groups),
                )
            _tell(request, source.result)
            return redirect("designer:draft", project.slug, draft.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "designer/import/project.html", {"form": form, "source_form": source}, status=status)


@sensitive_post_parameters("url")
@login_required
def draft_import(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """The import form of a draft (architects and owners); POST replaces the draft's content
    with the schema read, paired by name, as one undoable change."""
    editor = editor_for(request, slug, draft_id, editing=True)
    draft, membership = editor.draft, editor.membership
    source = SchemaSourceForm(
        request.POST or None, request.FILES or None, dialect=draft.project.dialect,
        project=draft.project, allow_url=membership.allows(Role.OWNER),
    )
    if request.method == "POST" and source.is_valid():
        assert source.result is not None  # no "empty" source here
        with editing.change(draft, f"Import {_label(source)}"[:200]):
            if not (changed := draft.import_schema(source.result.schema, source.result.groups)):
                raise editing.NoChange  # no undo step for an import that changes nothing
        _tell(request, source.result)
        if not changed:
            messages.info(request, "Nothing changed: the schema imported is the draft's content as it is.")
            return redirect("designer:draft", draft.project.slug, draft.pk)
        change = DraftChange.objects.filter(draft=draft, kind=DraftChange.UNDO).order_by("-id").first()
        return redirect("designer:import_result", draft.project.slug, draft.pk, change.pk)
    context = {"project": draft.project, "draft": draft, "membership": membership, "source_form": source}
    status = 422 if request.method == "POST" else 200
    return render(request, "designer/import/draft.html", context, status=status)


@login_required
def import_result(request: HttpRequest, slug: str, draft_id: int, change_id: int) -> HttpResponse:
    """What an import changed (against the content before it) and the renames it suggests."""
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    before = _before_import(draft, change_id).schema
    after = draft.to_schema()
    context = {
        "project": draft.project,
        "draft": draft,
        "membership": membership,
        "change_id": change_id,
        "can_edit": membership.can_edit and draft.is_editable,
        "suggestions": suggest_renames(before, after),
        **_operations(before, after),
    }
    return render(request, "designer/import/result.html", context)


@require_POST
@login_required
def rename_confirm(request: HttpRequest, slug: str, draft_id: int, change_id: int) -> HttpResponse:
    """"Confirm rename": the suggestion named by ``key`` applied as one undoable change."""
    editor = editor_for(request, slug, draft_id, editing=True)
    draft = editor.draft
    before = _before_import(draft, change_id)
    content = read_content(draft)
    suggestion = find_suggestion(before.schema, content.schema, request.POST.get("key", ""))
    if suggestion is None:
        messages.warning(request, "That rename is no longer suggested: the draft changed since.")
    else:
        try:
            with editing.change(draft, suggestion.describe()[:200]):
                draft.confirm_rename(suggestion, before.schema, before.groups_data(), current=content)
        except RenameNotApplicable as exc:
            messages.warning(request, f"Not renamed: {exc}")
        else:
            messages.success(request, f"{suggestion.describe()}: done.")
    return redirect("designer:import_result", draft.project.slug, draft.pk, change_id)


def _before_import(draft: Draft, change_id: int) -> DraftContent:
    """The draft's content before the import recorded as undo step ``change_id``."""
    change = DraftChange.objects.filter(pk=change_id, draft=draft, kind=DraftChange.UNDO).first()
    if change is None:
        raise Http404("This import was undone (or is too old to show)")
    return DraftContent.from_data(change.state)


def _operations(before: Schema, after: Schema) -> dict:
    from migrations_engine.diff import diff

    try:
        operations = diff(before, after)
    except Exception as exc:  # noqa: BLE001 - the page says it instead of answering 500
        return {"operations": [], "operation_count": 0, "diff_error": f"{type(exc).__name__}: {exc}"}
    return {
        "operations": [(op.describe(), op.destructive) for op in operations[:OPERATIONS_SHOWN]],
        "operation_count": len(operations),
        "destructive_count": sum(op.destructive for op in operations),
    }


def _label(source: SchemaSourceForm) -> str:
    chosen = source.cleaned_data["source"]
    upload = source.cleaned_data.get("file")
    if upload is not None:
        return f"{upload.name}"[:100]
    connection = source.cleaned_data.get("connection")
    if chosen == "connection" and connection is not None:
        return f"the live schema of {connection.name}"
    short = {"sql": "SQL", "dbml": "DBML", "snapshot": "a snapshot", "url": "a database"}
    return short.get(chosen, SOURCE_LABELS[chosen])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _tell(request: HttpRequest, result: ImportResult) -> None:
    """What the import read, and what it left out: one message per kind of statement skipped
    (a script's rows are hundreds of INSERTs), each with its lines."""
    schema = result.schema
    skipped = f"; {_count(len(result.skipped), 'statement')} skipped" if result.skipped else ""
    messages.info(
        request,
        f"Imported {_count(len(schema.tables), 'table')} and {_count(len(schema.enums), 'enum')}{skipped}.",
    )
    for note in result.notes:
        messages.info(request, note)
    groups: dict[tuple[str, str], list] = {}
    for skipped in result.skipped:
        groups.setdefault((skipped.kind, skipped.reason), []).append(skipped)
    for (kind, reason), statements in list(groups.items())[:SKIPPED_SHOWN]:
        if len(statements) == 1:
            (one,) = statements
            where = f"line {one.line}: " if one.line else ""
            messages.warning(request, f"Skipped {where}{kind} “{one.text}” — {reason}")
            continue
        lines = [str(s.line) for s in statements if s.line]
        shown = ", ".join(lines[:LINES_SHOWN]) + (", …" if len(lines) > LINES_SHOWN else "")
        messages.warning(
            request,
            f"Skipped {len(statements)} {kind} statements — {reason}{f' (lines {shown})' if lines else ''}",
        )
    if len(groups) > SKIPPED_SHOWN:
        messages.warning(request, f"… and {len(groups) - SKIPPED_SHOWN} more kinds of statement skipped.")
