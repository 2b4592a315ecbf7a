from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from designer import editing, relationships
from designer.editor_forms import RelationshipForm
from designer.models import DraftTable
from designer.views.editor import editor_for, editor_response, engine_table, table_or_404


@require_POST
@login_required
def relationship_add(
    request: HttpRequest, slug: str, draft_id: int, table_uid: str
) -> HttpResponse:
    """Add the columns, keys and (for many-to-many) junction table of a relationship."""
    editor = editor_for(request, slug, draft_id, editing=True)
    row = table_or_404(editor, table_uid)
    table, _ = engine_table(editor, row)
    choices = list(DraftTable.objects.filter(draft=editor.draft).values_list("uid", "name"))
    form = RelationshipForm(request.POST, table=table, draft=editor.draft, table_choices=choices)
    if not form.is_valid():
        editor.forms["relationship_form"] = form
        return editor_response(editor, ok=False)
    d, target = form.cleaned_data, form.target
    target_row = (
        row if target.id == row.uid else DraftTable.objects.get(draft=editor.draft, uid=target.id)
    )
    label = dict(relationships.KINDS)[d["kind"]].split(":")[0]
    with editing.change(editor.draft, f"Relate {row.name} to {target.name} ({label})"):
        if d["kind"] == relationships.MANY_TO_MANY:
            relationships.add_junction(editor.draft, d["junction"], row, table, target_row, target)
        else:
            relationships.add_reference(
                row,
                table,
                target_row,
                target,
                unique=d["kind"] == relationships.ONE_TO_ONE,
                required=d["required"],
                on_delete=d["on_delete"],
            )
    return editor_response(editor)
