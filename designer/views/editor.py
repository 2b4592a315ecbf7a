"""The draft editor page, its table list and table panel, and the responses every edit shares.

Every editing view answers the same way (``editor_response``):

* htmx, edit done: the changed part (the table panel, with the table list and undo bar swapped
  out of band; or the whole workspace) and an ``HX-Trigger: draft-changed`` event that makes the
  SQL preview reload itself;
* htmx, input refused: the same part holding the form with what was typed and the messages,
  status 422 (htmx is configured in base.html to swap 422 responses);
* plain POST: a redirect to the editor on success, the whole editor page on refusal;
* an edit made on a page drawn before the draft's last change (another architect, another tab):
  status 409 and a notice saying so (``designer.middleware``), nothing changed. The page holds
  the draft's content token (``<meta name="draft-token">``); editor.js sends it with every htmx
  request as ``X-Draft-Token`` and takes the new one from each answer's header.

The page runs a fixed number of queries whatever the draft's size: one for a page of the table
list and one counting the tables, one per kind of row for the selected table (and the tables it
references), a few for the rest. What it sends does not grow with the draft either: the table list
comes ``LIST_PAGE`` rows at a time (filtered by the database; "Show more" asks for the next rows),
and a draft of more than ``CHOICES_LIMIT`` tables offers in the "References" and "with table"
pickers the open table's neighbours, with a search box that fills the picker from the server.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from designer.access import get_draft_for
from designer.comments import ALL_THREADS, open_thread_counts
from designer.conversion import read_content
from designer.editor_forms import (
    CheckForm,
    ColumnForm,
    EnumForm,
    ForeignKeyForm,
    GroupForm,
    IndexForm,
    NewTableForm,
    RelationshipForm,
    TableForm,
    UniqueForm,
)
from designer.models import (
    Draft,
    DraftChange,
    DraftChanged,
    DraftColumn,
    DraftEnum,
    DraftForeignKey,
    DraftTable,
    Membership,
    Role,
    TableGroup,
)
from designer.type_options import type_options
from designer.validation import schema_messages

PANEL = "panel"
WORKSPACE = "workspace"
REFUSED = 422
#: The header carrying the draft's content token, both ways.
TOKEN_HEADER = "X-Draft-Token"
#: Rows of the table list per request.
LIST_PAGE = 100
#: Up to this many tables, the table pickers list them all; beyond, the open table's neighbours.
CHOICES_LIMIT = 200
#: Options a table picker's search answers with.
PICK_LIMIT = 50


@dataclass
class Editor:
    """The state of one editor request: the draft, who asks, what is selected, bound forms."""

    request: HttpRequest
    draft: Draft
    membership: Membership
    table_uid: str | None = None
    editing_column: str | None = None
    forms: dict[str, Any] = field(default_factory=dict)
    notice: str = ""

    @property
    def can_edit(self) -> bool:
        return self.membership.can_edit and self.draft.is_editable

    @property
    def query(self) -> str:
        return (self.request.GET.get("q") or self.request.POST.get("q") or "").strip()

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"designer:{name}", args=[self.draft.project.slug, self.draft.pk, *args])

    # ------------------------------------------------------------ context

    @property
    def offset(self) -> int:
        """Where the requested page of the table list starts (``?offset=``)."""
        try:
            return max(0, int(self.request.GET.get("offset", 0)))
        except ValueError:
            return 0

    def tables(self) -> list[dict[str, Any]]:
        """One page of the table list (and one row more, saying there is a next page), filtered
        by the search box, by name."""
        rows = DraftTable.objects.filter(draft=self.draft)
        if self.query:
            rows = rows.filter(name__icontains=self.query)
        # A subquery rather than a join with GROUP BY: counted for the page's rows only, not
        # for every table of the draft before the page is cut.
        columns = DraftColumn.objects.filter(table=OuterRef("pk")).order_by().values("table")
        rows = (
            rows.annotate(column_count=Subquery(columns.annotate(n=Count("*")).values("n")))
            .values("id", "uid", "name", "group__name", "group__colour", "column_count")
            .order_by("name")
        )
        return list(rows[self.offset : self.offset + LIST_PAGE + 1])

    @property
    def table_total(self) -> int:
        """How many tables the draft has (one query, once per request)."""
        if "_total" not in self.__dict__:
            self.__dict__["_total"] = DraftTable.objects.filter(draft=self.draft).count()
        return self.__dict__["_total"]

    @property
    def thread_counts(self) -> Counter[str]:
        """Open comment threads per table and column (one query, once per request)."""
        if "_threads" not in self.__dict__:
            self.__dict__["_threads"] = open_thread_counts(self.draft)
        return self.__dict__["_threads"]

    def list_context(self, tables: list[dict[str, Any]]) -> dict[str, Any]:
        shown = tables[:LIST_PAGE]
        counts = self.thread_counts
        if counts:
            for t in shown:
                t["threads"] = counts.get(f"table:{t['uid']}", 0)
        more = ""
        if len(tables) > LIST_PAGE:
            more = urlencode({"q": self.query, "offset": self.offset + LIST_PAGE})
        return {
            "table_rows": shown,
            "table_total": self.table_total,
            "more_query": more,
            "q": self.query,
            "selected": self.table_uid,
            "selected_row": next((t for t in shown if t["uid"] == self.table_uid), None),
            "draft_url": self.url("draft"),
        }

    def table_choices(
        self, row: DraftTable, neighbours: set[str]
    ) -> tuple[list[tuple[str, str]], bool]:
        """``(choices, partial)``: every table of a draft up to ``CHOICES_LIMIT`` tables;
        beyond, ``row``, its ``neighbours`` and what a refused form had chosen (``partial``)."""
        tables = DraftTable.objects.filter(draft=self.draft)
        partial = self.table_total > CHOICES_LIMIT
        if partial:
            chosen = {
                str(form[name].value())
                for key, name in (("fk_form", "ref_table"), ("relationship_form", "target"))
                if (form := self.forms.get(key)) is not None and form[name].value()
            }
            tables = tables.filter(uid__in=[row.uid, *neighbours, *chosen])
        return list(tables.order_by("name").values_list("uid", "name")), partial

    def groups(self) -> list[TableGroup]:
        if "_groups" not in self.__dict__:
            rows = TableGroup.objects.filter(draft=self.draft).annotate(size=Count("tables"))
            self.__dict__["_groups"] = list(rows)
        return self.__dict__["_groups"]

    def undo_context(self) -> dict[str, Any]:
        # One query: at most UNDO_LIMIT short rows of each kind.
        kept = list(DraftChange.objects.filter(draft=self.draft).order_by("-id").values_list("kind", "description"))
        undo = [description for kind, description in kept if kind == DraftChange.UNDO]
        redo = [description for kind, description in kept if kind == DraftChange.REDO]
        return {
            "last_change": undo[0] if undo else None,
            "change_count": len(undo),
            "next_redo": redo[0] if redo else None,
        }

    def panel_context(self) -> dict[str, Any]:
        if self.table_uid is None:
            return {"table": None}
        row = (
            DraftTable.objects.select_related("group")
            .filter(draft=self.draft, uid=self.table_uid)
            .first()
        )
        if row is None:
            raise Http404("No such table")
        refs = set(
            DraftForeignKey.objects.filter(table=row).values_list("ref_table__uid", flat=True)
        )
        content = read_content(self.draft, {row.uid, *refs})
        schema = content.schema
        table = next(t for t in schema.tables if t.id == row.uid)
        messages = schema_messages(schema, only_tables=[table.name])
        referenced_by = list(
            DraftForeignKey.objects.filter(ref_table=row)
            .exclude(table=row)
            .values_list("table__uid", "table__name")
        )
        enums = [e.name for e in schema.enums]
        forms = self.forms
        by_element = _by_element(messages)
        table_url = self.url("table", row.uid)
        choices, partial = self.table_choices(row, refs | {uid for uid, _ in referenced_by})
        context: dict[str, Any] = {
            "table_row": row,
            "table": table,
            "schema": schema,
            "messages": [m for m in messages if m.element is None or m.element == row.uid],
            "element_messages": by_element,
            "column_rows": _column_rows(table, table_url, by_element, self.thread_counts, self.url("review")),
            "table_url": table_url,
            "table_uids": {t.name: t.id for t in schema.tables},
            "referenced_by": referenced_by,
            "type_options": type_options(self.draft.project.dialect, enums),
            "editing_column": self.editing_column,
            "table_choices": choices,
            "table_choices_partial": partial,
        }
        if self.can_edit:
            context.update(
                table_form=forms.get("table_form") or TableForm(table=row, groups=self.groups()),
                add_column_form=forms.get("add_column_form")
                or ColumnForm(table=table, schema=schema),
                index_form=forms.get("index_form") or IndexForm(table=table),
                unique_form=forms.get("unique_form") or UniqueForm(table=table),
                check_form=forms.get("check_form") or CheckForm(table=table),
                fk_form=forms.get("fk_form")
                or ForeignKeyForm(table=table, draft=self.draft, table_choices=choices),
                relationship_form=forms.get("relationship_form")
                or RelationshipForm(table=table, draft=self.draft, table_choices=choices),
            )
            if self.editing_column:
                context["column_form"] = forms.get("column_form") or ColumnForm(
                    table=table, schema=schema, column_uid=self.editing_column
                )
        return context

    def sidebar_context(self) -> dict[str, Any]:
        context: dict[str, Any] = {
            "groups": self.groups(),
            "enums": list(DraftEnum.objects.filter(draft=self.draft)),
        }
        if self.can_edit:
            editing_enum = self.forms.get("editing_enum")
            context.update(
                new_table_form=self.forms.get("new_table_form") or NewTableForm(draft=self.draft),
                group_form=self.forms.get("group_form") or GroupForm(),
                enum_form=self.forms.get("enum_form") or EnumForm(draft=self.draft),
                editing_enum=editing_enum,
                enum_edit_form=self.forms.get("enum_edit_form"),
            )
        return context

    def context(self, scope: str) -> dict[str, Any]:
        tables = self.tables()
        if (
            self.table_uid is None
            and scope == WORKSPACE
            and tables
            and self.request.method == "GET"
        ):
            self.table_uid = tables[0]["uid"]
        context = {
            "project": self.draft.project,
            "draft": self.draft,
            "membership": self.membership,
            "can_edit": self.can_edit,
            "notice": self.notice,
            "editor": self,
            "open_threads": self.thread_counts.get(ALL_THREADS, 0),
            **self.list_context(tables),
            **self.undo_context(),
            **self.panel_context(),
        }
        if context["selected_row"] is None and context.get("table") is not None:
            # The open table beyond the list's first page: its line, for an edit to redraw.
            row, table = context["table_row"], context["table"]
            context["selected_row"] = {
                "uid": row.uid,
                "name": row.name,
                "group__name": row.group.name if row.group else None,
                "group__colour": row.group.colour if row.group else None,
                "column_count": len(table.columns),
                "threads": self.thread_counts.get(f"table:{row.uid}", 0),
            }
        if scope == WORKSPACE:
            context.update(self.sidebar_context())
        return context


def _column_rows(
    table, table_url: str, by_element: dict[str, list], threads: Counter[str], review_url: str
) -> list[dict[str, Any]]:
    """What each column row shows; URLs joined here rather than reversed once per column."""
    pk = set(table.primary_key.columns) if table.primary_key else set()
    unique = {u.columns[0] for u in table.uniques if len(u.columns) == 1}
    fks = {name: fk for fk in table.foreign_keys for name in fk.columns}
    return [
        {
            "column": c,
            "pk": c.name in pk,
            "unique": c.name in unique,
            "fk": fks.get(c.name),
            "messages": by_element.get(c.id, []),
            "url": f"{table_url}c/{c.id}/",
            "threads": threads.get(c.id, 0),
            "comment_url": f"{review_url}?on=column:{c.id}#comment-form",
        }
        for c in table.columns
    ]


def _by_element(messages) -> dict[str, list]:
    out: dict[str, list] = {}
    for message in messages:
        if message.element:
            out.setdefault(message.element, []).append(message)
    return out


def editor_for(request: HttpRequest, slug: str, draft_id: int, *, editing: bool) -> Editor:
    """The editor of a draft; ``editing`` needs the architect role and an open draft."""
    role = Role.ARCHITECT if editing else Role.VIEWER
    draft, membership = get_draft_for(request.user, slug, draft_id, role, editing=editing)
    if editing and request.method == "POST":
        seen = request.headers.get(TOKEN_HEADER) or request.POST.get("draft_token")
        if seen and seen != str(draft.content_token):
            raise DraftChanged(draft)  # drawn before the last change: the edit may undo it
    return Editor(request, draft, membership)


def editor_response(editor: Editor, *, scope: str = PANEL, ok: bool = True, whole_list: bool = True) -> HttpResponse:
    """The answer to an edit (see the module docstring). ``whole_list=False``: the edit can only
    change the open table's line of the table list (a column's), which alone is redrawn."""
    request = editor.request
    if not request.htmx:
        if ok:
            url = editor.url("draft")
            return redirect(f"{url}?table={editor.table_uid}" if editor.table_uid else url)
        return render_page(editor, status=REFUSED)
    if scope == WORKSPACE:
        response = render(request, "designer/editor/workspace.html", editor.context(WORKSPACE))
    else:
        template = "designer/editor/panel_changed.html" if ok else "designer/editor/panel.html"
        response = render(request, template, {**editor.context(PANEL), "whole_list": whole_list})
    if ok:
        trigger_client_event(response, "draft-changed")
    else:
        response.status_code = REFUSED
    response[TOKEN_HEADER] = str(editor.draft.content_token)
    return response


def render_page(editor: Editor, status: int = 200) -> HttpResponse:
    return render(
        editor.request, "designer/draft_editor.html", editor.context(WORKSPACE), status=status
    )


# ---------------------------------------------------------------- views


@vary_on_headers("HX-Request")
@login_required
def draft_editor(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=False)
    editor.table_uid = request.GET.get("table") or None
    if (
        editor.table_uid
        and not DraftTable.objects.filter(draft=editor.draft, uid=editor.table_uid).exists()
    ):
        editor.table_uid = None
    return render_page(editor)


@login_required
def table_list(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """The table list filtered by ``q`` (the search box asks for it as you type); with
    ``offset``, only the rows from there ("Show more"); with ``pick``, the options of a table
    picker whose names contain it (a large draft's "References" and "with table")."""
    editor = editor_for(request, slug, draft_id, editing=False)
    editor.table_uid = request.GET.get("table") or None
    if not request.htmx:
        url = editor.url("draft")
        return redirect(f"{url}?{request.GET.urlencode()}")
    if "pick" in request.GET:
        pick = request.GET["pick"].strip()
        rows = DraftTable.objects.filter(draft=editor.draft, name__icontains=pick).order_by("name")
        choices = list(rows.values_list("uid", "name")[:PICK_LIMIT])
        context = {"table_choices": choices, "pick": pick}
        return render(request, "designer/editor/table_options.html", context)
    context = {
        "draft": editor.draft,
        "project": editor.draft.project,
        "editor": editor,
        **editor.list_context(editor.tables()),
    }
    rows_only = "offset" in request.GET  # "Show more": the rows to put in its place
    template = "designer/editor/table_rows.html" if rows_only else "designer/editor/table_list.html"
    return render(request, template, context)


@vary_on_headers("HX-Request")
@login_required
def table_panel(request: HttpRequest, slug: str, draft_id: int, table_uid: str) -> HttpResponse:
    editor = editor_for(request, slug, draft_id, editing=False)
    editor.table_uid = table_uid
    if not request.htmx:
        return redirect(f"{editor.url('draft')}?table={table_uid}")
    return render(request, "designer/editor/panel.html", editor.context(PANEL))


def table_or_404(editor: Editor, table_uid: str) -> DraftTable:
    row = (
        DraftTable.objects.select_related("group").filter(draft=editor.draft, uid=table_uid).first()
    )
    if row is None:
        raise Http404("No such table")
    editor.table_uid = row.uid
    return row


def engine_table(editor: Editor, row: DraftTable):
    """``(table, schema)``: the table as the engine sees it, in a schema with it and every enum."""
    schema = read_content(editor.draft, [row.uid]).schema
    return schema.tables[0], schema


def keep_selection(editor: Editor) -> None:
    """Keep the table the user had open (sent along by every editor request) if it still exists."""
    uid = editor.request.POST.get("table") or editor.request.GET.get("table")
    if uid and DraftTable.objects.filter(draft=editor.draft, uid=uid).exists():
        editor.table_uid = uid
