"""Index advice for a draft or a version: queries pasted or a ``pg_stat_statements`` CSV
uploaded, the engine's suggestions (``advice.indexes``) listed with their reasons and SQL, and
"Verify" (``advice.verify``): the plans before and after each index on a scratch PostgreSQL
database of ``ADVICE_SCRATCH_URL``.

Every member of the project reads advice and verifies it; outsiders get a 404. Verify posts the
query and the suggestion's table and key columns; the suggestion is made again from the query
against the schema as it is, so nothing but the choice comes from the browser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from designer.access import get_draft_for, get_project_for
from designer.conversion import read_content
from designer.deploy.targets import redact
from designer.models import Membership, Project, Role
from designer.views.changes import version_or_404
from migrations_engine.advice.indexes import (
    AdviceError,
    IndexSuggestion,
    read_pg_stat_statements_csv,
    split_queries,
    suggest_indexes,
)
from migrations_engine.advice.verify import MAX_ROWS, Verification, verify
from migrations_engine.errors import EngineError
from migrations_engine.schema import Schema

PAGE = "designer/advice/indexes.html"
SECTION = "designer/advice/index_section.html"
VERIFY = "designer/advice/index_verify.html"
#: The status of a refused form or verification (htmx is configured to swap it, base.html).
REFUSED = 422
#: The most queries read per request (a query takes a few milliseconds): the first ones, which
#: for a CSV are the costliest.
MAX_QUERIES = 200


@dataclass
class Subject:
    """What the advice is about: a draft or a version, with its schema and its URLs."""

    project: Project
    membership: Membership
    schema: Schema
    label: str
    url: str
    page_url: str
    verify_url: str


@dataclass
class Item:
    """One suggestion (or problem) on the page, with its verification once asked."""

    suggestion: IndexSuggestion
    verification: Verification | None = None
    error: str = ""

    @property
    def ratio_text(self) -> str:
        ratio = self.verification.ratio if self.verification else 0
        return "∞" if math.isinf(ratio) else f"{ratio:.1f}"


class QueriesForm(forms.Form):
    queries = forms.CharField(
        label="Queries", required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "code"}),
        help_text="One or more, separated by semicolons; $1 or ? placeholders are fine.",
    )
    csv = forms.FileField(
        label="or a pg_stat_statements CSV", required=False,
        help_text="With a header row: query, and calls, total_exec_time or total_time to put the costliest first.",
    )

    def __init__(self, *args: Any, dialect: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dialect = dialect
        #: The queries read, costliest first for a CSV, once the form is valid.
        self.query_list: list[str] = []
        #: How many were left out past ``MAX_QUERIES``.
        self.left_out = 0

    def clean(self) -> dict:
        data = super().clean()
        queries = split_queries(data.get("queries") or "", self.dialect)
        upload = data.get("csv")
        if upload is not None:
            if upload.size > settings.IMPORT_MAX_BYTES:
                raise forms.ValidationError(f"The CSV is larger than {settings.IMPORT_MAX_BYTES} bytes.")
            try:
                queries += read_pg_stat_statements_csv(upload.read().decode("utf-8"))
            except UnicodeDecodeError:
                raise forms.ValidationError("The CSV is not UTF-8 text.") from None
            except AdviceError as exc:
                raise forms.ValidationError(f"The CSV cannot be read: {exc}") from None
        if not queries:
            raise forms.ValidationError("Paste a query or upload a CSV.")
        self.query_list = queries[:MAX_QUERIES]
        self.left_out = len(queries) - len(self.query_list)
        return data


# ---------------------------------------------------------------- views


@vary_on_headers("HX-Request")
@login_required
def draft_index_advice(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """The form (GET) and the suggestions for the queries posted, on the draft's schema."""
    return _advice(request, _draft_subject(request, slug, draft_id))


@vary_on_headers("HX-Request")
@login_required
def version_index_advice(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The form (GET) and the suggestions for the queries posted, on the version's schema."""
    return _advice(request, _version_subject(request, slug, number))


@require_POST
@login_required
def draft_index_verify(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    """One suggestion's plans before and after its index (htmx: the result alone)."""
    return _verify(request, _draft_subject(request, slug, draft_id))


@require_POST
@login_required
def version_index_verify(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One suggestion's plans before and after its index (htmx: the result alone)."""
    return _verify(request, _version_subject(request, slug, number))


def _draft_subject(request: HttpRequest, slug: str, draft_id: int) -> Subject:
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    args = [slug, draft_id]
    return Subject(
        project=membership.project,
        membership=membership,
        schema=read_content(draft).schema,
        label=draft.title,
        url=reverse("designer:draft", args=args),
        page_url=reverse("designer:draft_index_advice", args=args),
        verify_url=reverse("designer:draft_index_verify", args=args),
    )


def _version_subject(request: HttpRequest, slug: str, number: int) -> Subject:
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    version = version_or_404(project, number)
    args = [slug, number]
    return Subject(
        project=project,
        membership=membership,
        schema=version.schema(),
        label=f"v{number}",
        url=reverse("designer:version", args=args),
        page_url=reverse("designer:version_index_advice", args=args),
        verify_url=reverse("designer:version_index_verify", args=args),
    )


def _advice(request: HttpRequest, subject: Subject) -> HttpResponse:
    dialect = subject.project.dialect
    items: list[Item] | None = None
    status = 200
    if request.method == "POST":
        form = QueriesForm(request.POST, request.FILES, dialect=dialect)
        if form.is_valid():
            items = [Item(s) for s in suggest_indexes(subject.schema, form.query_list, dialect)]
        else:
            status = REFUSED
    else:
        form = QueriesForm(dialect=dialect)
    context = _context(subject, form, items)
    return render(request, SECTION if request.htmx else PAGE, context, status=status)


@sensitive_variables("server")
def _verify(request: HttpRequest, subject: Subject) -> HttpResponse:
    dialect = subject.project.dialect
    query = request.POST.get("query", "")
    table = request.POST.get("table", "")
    columns = tuple(request.POST.getlist("columns"))
    found = [s for s in suggest_indexes(subject.schema, [query], dialect) if s.problem is None]
    chosen = next((s for s in found if s.table == table and s.key_columns == columns), None)
    item = Item(chosen or IndexSuggestion(query=query, problem="no such suggestion"))
    server = settings.ADVICE_SCRATCH_URL
    unavailable = _verify_unavailable(subject.project)
    if unavailable:
        item.error = unavailable
    elif chosen is None:
        item.error = "This suggestion is not made for this query on this schema any more: suggest again."
    elif chosen.skipped:
        item.error = f"Nothing to verify: index {chosen.served_by} already serves the query."
    else:
        try:
            item.verification = verify(subject.schema, query, chosen, server, rows=settings.ADVICE_VERIFY_ROWS)
        except EngineError as exc:
            item.error = redact(str(exc), server)
        except Exception as exc:  # a driver's error the engine did not wrap: said, never a 500
            item.error = redact(f"{type(exc).__name__}: {exc}", server)
    status = REFUSED if item.error else 200
    if request.htmx:
        return render(request, VERIFY, {"item": item}, status=status)
    form = QueriesForm(initial={"queries": query}, dialect=dialect)
    items = [Item(s) for s in suggest_indexes(subject.schema, [query], dialect)]
    for listed in items:
        if chosen is not None and listed.suggestion.table == chosen.table and listed.suggestion.key_columns == chosen.key_columns:
            listed.verification, listed.error = item.verification, item.error
    return render(request, PAGE, _context(subject, form, items), status=status)


def _verify_unavailable(project: Project) -> str:
    """Why Verify is not offered, or an empty string."""
    if project.dialect != "postgresql":
        return "Verify runs on PostgreSQL only; this project is " + project.get_dialect_display() + "."
    if not settings.ADVICE_SCRATCH_URL:
        return "Verify is not available: no scratch PostgreSQL server is configured (ADVICE_SCRATCH_URL)."
    return ""


def _context(subject: Subject, form: QueriesForm, items: list[Item] | None) -> dict[str, Any]:
    unavailable = _verify_unavailable(subject.project)
    return {
        "project": subject.project,
        "membership": subject.membership,
        "subject": subject,
        "form": form,
        "items": items,
        "can_verify": not unavailable,
        "verify_note": unavailable,
        "verify_rows": min(settings.ADVICE_VERIFY_ROWS, MAX_ROWS),
    }
