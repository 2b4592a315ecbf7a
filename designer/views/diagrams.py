"""ER diagrams: of a version, of a draft, of the changes in a draft or between two versions.

Each view answers three ways: the page (``designer/erd_page.html``), the diagram panel alone for
htmx (``designer/erd/panel.html``: the version page and the editor load it after the page), or,
with a format in the URL (``erd.svg``, ``.png``, ``.pdf``, ``.dot``), a download. The query
(``q``, ``focus``, ``hops``, ``group``, ``view``) says what to draw; whoever can read the
project can see its diagrams. A cold view of a large schema answers at once with a placeholder
that polls while a task draws it (``designer.diagrams.render``). Each diagram has a search
(``…/search/?find=``): the first matches among its tables, columns and comments, as an HTML
partial or JSON (``&format=json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlparse

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.vary import vary_on_headers

from designer.access import get_draft_for, get_project_for
from designer.diagrams import (
    DraftSource,
    LiveSource,
    Pending,
    Subject,
    VersionSource,
    place_of,
    render,
    search_index,
    source_of,
)
from designer.erd import Options, Rendered, RenderError
from designer.erd.dot import MAX_HOPS, VIEWS
from designer.erd.render import ExportTooLarge
from designer.erd.search import search
from designer.models import Membership, Project, Role, SchemaVersion
from migrations_engine.errors import EngineError

# An SVG opened on its own is a document of this site: it may style itself, nothing more.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
SVG_SLOT = "<!-- the diagram -->"


STATE = ("q", "focus", "hops", "group", "view", "at", "z", "x", "y")


#: PNG exports at 1x to 4x (designer.erd.render refuses one too big to read).
MAX_SCALE = 4


def requested_options(request: HttpRequest, *, table_link: str, page_link: str) -> Options:
    get = request.GET.get
    try:
        hops = max(0, min(int(get("hops", 1)), MAX_HOPS))
    except ValueError:
        hops = 1
    view = get("view", "")
    try:
        scale = max(1, min(int(get("scale", 1)), MAX_SCALE))
    except ValueError:
        scale = 1
    return Options(
        view=view if view in VIEWS else "",
        focus=get("focus", "").strip()[:200],
        hops=hops,
        group=get("group", "").strip()[:100],
        highlight=tuple(get("q", "").lower().split()[:5]),
        table_link=table_link,
        page_link=page_link,
        scale=scale,
    )


@dataclass
class Target:
    """One diagram as a request asks for it: what it shows, how, and the page around it."""

    subject: Subject
    options: Options
    filename: str
    context: dict[str, Any]
    keep: dict[str, str] = field(default_factory=dict)  # query kept in every link (``against``)


def answer(request: HttpRequest, target: Target, fmt: str | None) -> HttpResponse:
    """Answer as a download, the panel (htmx), the page, or the placeholder of either while the
    picture is drawn in the background (never a download: it waits for its picture)."""
    try:
        rendered = render(target.subject, target.options, fmt or "svg", background=fmt is None)
        error = ""
    except ExportTooLarge as exc:
        return _too_large(request, target, exc)
    except (RenderError, EngineError) as exc:
        # dot failing or too slow; a schema the engine cannot read (a diff's side).
        rendered, error = None, f"The diagram could not be drawn: {exc}."
    if fmt is not None:
        assert not isinstance(rendered, Pending)
        if rendered is None:
            return HttpResponse(error, status=503, content_type="text/plain; charset=utf-8")
        response = HttpResponse(rendered.content, content_type=rendered.media_type)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{target.filename}{_view_suffix(rendered.options)}.{fmt}"
        )
        if fmt == "svg":
            response["Content-Security-Policy"] = SVG_POLICY
        return response
    params = {key: request.GET.get(key, "") for key in STATE}
    pending = rendered if isinstance(rendered, Pending) else None
    if pending is not None:
        rendered, error = None, pending.error and f"The diagram could not be drawn: {pending.error}."
    erd_url = target.context["erd_url"]
    query = request.GET.urlencode()
    context = {
        **target.context,
        "own_page_url": _own_page(request, erd_url, query),
        "erd": rendered,
        "erd_error": error,
        "pending": pending,
        "params": params,
        "query": query,
        "keep": target.keep,
        "search_url": erd_url + "search/",
        "crumbs": _crumbs(target, rendered.options if rendered else target.options, rendered),
        "hops_choices": range(MAX_HOPS + 1),
        "hops": rendered.options.hops if rendered else target.options.hops,
    }
    if pending is not None:
        template = "designer/erd/drawing.html" if request.htmx else "designer/erd_page.html"
        return render_with_svg(request, template, context, None)
    template = "designer/erd/panel.html" if request.htmx else "designer/erd_page.html"
    return render_with_svg(request, template, context, rendered)


def _own_page(request: HttpRequest, erd_url: str, query: str) -> str:
    """The diagram page showing this view, for a panel inside another page (the version page,
    the editor, the review), whose address does not follow the view: a link to share it."""
    current = getattr(request, "htmx", None) and request.htmx.current_url
    if not current or urlparse(current).path == erd_url:
        return ""
    return f"{erd_url}?{query}" if query else erd_url


def _view_suffix(options: Options) -> str:
    """What names a download's view in its file name ("-focus-order-2-hops", "-group-sales"),
    so that two views downloaded do not take the same name."""
    parts = []
    if options.group:
        parts.append(f"group-{slugify(options.group, allow_unicode=True) or 'x'}")
    if options.focus:
        parts.append(f"focus-{slugify(options.focus, allow_unicode=True) or 'x'}-{options.hops}-hops")
    elif options.view and options.view not in ("", "all"):
        parts.append(options.view)
    return "".join(f"-{part}" for part in parts)


def _too_large(request: HttpRequest, target: Target, exc: ExportTooLarge) -> HttpResponse:
    """A PNG too big to keep its text legible: refused (413), with the same view as SVG or PDF."""
    query = request.GET.copy()
    query.pop("scale", None)
    rest = f"?{query.urlencode()}" if query else ""
    export = target.context.get("export_url") or target.context["erd_url"][:-1]
    context = {
        **target.context,
        "message": str(exc),
        "svg_url": f"{export}.svg{rest}",
        "pdf_url": f"{export}.pdf{rest}",
        "back_url": f"{target.context['erd_url']}{rest}",  # the same view
    }
    return HttpResponse(render_to_string("designer/erd/too_large.html", context, request), status=413)


def _crumbs(target: Target, options: Options, rendered: Rendered | None) -> list[tuple[str, str]]:
    """Breadcrumbs of the view: Overview › Group › Focus, each (label, link). The overview is
    the groups' when there are groups, else the default view; a focus table's group is named
    once the diagram has been drawn (``diagrams.place_of``)."""
    erd_url, keep = target.context["erd_url"], target.keep
    overview = {"view": "overview"} if rendered is not None and rendered.groups else {}
    crumbs = [("Overview", _link(erd_url, overview, keep))]
    group = None
    if options.group:  # named as the overview names it (a found cluster's key is its link)
        known = rendered.groups if rendered is not None else ()
        name = next((g.name for g in known if options.group in (g.ref, g.name)), options.group)
        group = (name, options.group)
    if options.focus and not group:
        group = place_of(target.subject, options.focus)
    if group:
        crumbs.append((group[0], _link(erd_url, {"group": group[1]}, keep)))
    if options.focus:
        label = f"{options.focus} (within {options.hops} hop{'s' if options.hops != 1 else ''})"
        query = {"focus": options.focus, "hops": str(options.hops)}
        crumbs.append((label, _link(erd_url, query, keep)))
    return crumbs


def _link(erd_url: str, query: dict[str, str], keep: dict[str, str]) -> str:
    query = {**keep, **query}
    return f"{erd_url}?{urlencode(query)}" if query else erd_url


def search_answer(request: HttpRequest, target: Target) -> HttpResponse:
    """The first matches of ``?find=`` in the diagram's tables, columns and comments: JSON with
    ``format=json``, else the results partial; each match links to the view that shows it."""
    query = request.GET.get("find", "")[:200]
    error = ""
    try:
        matches = search(search_index(target.subject), query) if query.strip() else []
    except EngineError as exc:  # a diff's side the engine cannot read
        matches, error = [], f"The schema could not be searched: {exc}."
    erd_url = target.context["erd_url"]
    found = [(m, _link(erd_url, m.query(), target.keep)) for m in matches]
    if request.GET.get("format") == "json":
        data = {"query": query, "matches": [{**m.as_dict(), "url": url} for m, url in found]}
        return JsonResponse({**data, "error": error} if error else data)
    context = {"query": query, "found": found, "error": error}
    return HttpResponse(render_to_string("designer/erd/search_results.html", context, request))


def render_with_svg(
    request: HttpRequest, template: str, context: dict[str, Any], rendered: Rendered | None
) -> HttpResponse:
    """``render``, with the SVG joined in as bytes where the template puts ``svg_slot``.

    The SVG of a large schema is megabytes: through the template it would be decoded, marked
    safe and copied at every level of nesting, several times the time of the rest of the page.
    """
    page = render_to_string(template, {**context, "svg_slot": mark_safe(SVG_SLOT)}, request)
    head, _, tail = page.partition(SVG_SLOT)
    svg = rendered.content if rendered is not None else b""
    return HttpResponse(b"".join((head.encode("utf-8"), svg, tail.encode("utf-8"))))


def _version_or_404(project: Project, number: int) -> SchemaVersion:
    # The snapshot is read only when the diagram is not in the cache.
    version = project.versions.defer("snapshot").filter(number=number).first()
    if version is None:
        raise Http404("No such version")
    return version


def _context(
    project: Project, membership: Membership, title: str, erd_url: str, export_url: str, **more: Any
) -> dict[str, Any]:
    return {
        "project": project,
        "membership": membership,
        "erd_title": title,
        "erd_url": erd_url,
        "export_url": export_url,
        **more,
    }


# ---------------------------------------------------------------- what each URL shows


def _version(request: HttpRequest, slug: str, number: int) -> Target:
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    version = _version_or_404(project, number)
    erd_url = reverse("designer:version_erd", args=[slug, number])
    options = requested_options(request, table_link=f"{erd_url}?focus={{name}}", page_link=erd_url)
    context = _context(
        project,
        membership,
        f"v{number}",
        erd_url,
        erd_url[:-1],
        version=version,
        changes_url=reverse("designer:version_erd_diff", args=[slug, number]),
    )
    return Target(Subject((VersionSource(version),)), options, f"{slug}-v{number}", context)


def _version_diff(request: HttpRequest, slug: str, number: int) -> Target:
    """The changes to version ``number`` from version ``?against=`` (the one before it)."""
    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    version = _version_or_404(project, number)
    try:
        against_number = int(request.GET.get("against", number - 1))
    except ValueError:
        raise Http404("No such version") from None
    against = _version_or_404(project, against_number) if against_number > 0 else None
    erd_url = reverse("designer:version_erd_diff", args=[slug, number])
    version_url = reverse("designer:version_erd", args=[slug, number])
    options = requested_options(
        request, table_link=f"{version_url}?focus={{name}}", page_link=erd_url
    )
    base = f"v{against.number}" if against else "an empty database"
    context = _context(
        project,
        membership,
        f"Changes from {base} to v{number}",
        erd_url,
        erd_url[:-1],
        version=version,
        against=against,
        is_diff=True,
    )
    keep = {"against": str(against.number)} if against else {}
    what = Subject((source_of(against), VersionSource(version)))
    filename = f"{slug}-v{against.number if against else 0}-v{number}"
    return Target(what, options, filename, context, keep)


def _draft(request: HttpRequest, slug: str, draft_id: int) -> Target:
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    draft_url = reverse("designer:draft", args=[slug, draft_id])
    erd_url = reverse("designer:draft_erd", args=[slug, draft_id])
    options = requested_options(request, table_link=f"{draft_url}?table={{key}}", page_link=erd_url)
    context = _context(
        draft.project,
        membership,
        draft.title,
        erd_url,
        erd_url[:-1],
        draft=draft,
        panel_url=f"{draft_url}t/__key__/",
        changes_url=reverse("designer:draft_erd_diff", args=[slug, draft_id]),
        reload=True,
    )
    return Target(Subject((DraftSource(draft),)), options, f"{slug}-draft-{draft_id}", context)


def _draft_diff(request: HttpRequest, slug: str, draft_id: int) -> Target:
    """The changes in a draft: from its base version (or an empty database) to its content."""
    draft, membership = get_draft_for(request.user, slug, draft_id, Role.VIEWER)
    draft_url = reverse("designer:draft", args=[slug, draft_id])
    erd_url = reverse("designer:draft_erd_diff", args=[slug, draft_id])
    options = requested_options(request, table_link=f"{draft_url}?table={{key}}", page_link=erd_url)
    base = draft.base_version
    base_name = f"v{base.number}" if base else "an empty database"
    context = _context(
        draft.project,
        membership,
        f"{draft.title}: changes from {base_name}",
        erd_url,
        erd_url[:-1],
        draft=draft,
        is_diff=True,
        panel_url=f"{draft_url}t/__key__/",
        reload=True,
    )
    what = Subject((source_of(base), DraftSource(draft)))
    return Target(what, options, f"{slug}-draft-{draft_id}-changes", context)


def _drift(request: HttpRequest, slug: str, connection_id: int) -> Target:
    """The drift of a connection as its last reading found it: from the version the database
    says it is at to its live schema."""
    from designer.views.connections import connection_or_404

    project, membership = get_project_for(request.user, slug, Role.VIEWER)
    connection = connection_or_404(project, connection_id)
    check = connection.checks.first()
    if check is None or check.live_snapshot is None:
        raise Http404("No reading of this connection's schema yet: check it first")
    expected = _version_or_404(project, check.version) if check.version else None
    erd_url = reverse("designer:connection_drift_erd", args=[slug, connection_id])
    table_link = f"{erd_url}?focus={{name}}"
    options = requested_options(request, table_link=table_link, page_link=erd_url)
    base = f"v{expected.number}" if expected else "an empty database"
    context = _context(
        project, membership, f"Drift of {connection.name}: {base} → live schema", erd_url, erd_url[:-1],
        connection=connection, is_diff=True,
    )
    what = Subject((source_of(expected), LiveSource(check)))
    return Target(what, options, f"{slug}-{connection.pk}-drift", context)


# ---------------------------------------------------------------- views


@vary_on_headers("HX-Request")
@login_required
def version_erd(
    request: HttpRequest, slug: str, number: int, fmt: str | None = None
) -> HttpResponse:
    return answer(request, _version(request, slug, number), fmt)


@login_required
def version_erd_search(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return search_answer(request, _version(request, slug, number))


@vary_on_headers("HX-Request")
@login_required
def version_erd_diff(
    request: HttpRequest, slug: str, number: int, fmt: str | None = None
) -> HttpResponse:
    return answer(request, _version_diff(request, slug, number), fmt)


@login_required
def version_erd_diff_search(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return search_answer(request, _version_diff(request, slug, number))


@vary_on_headers("HX-Request")
@login_required
def draft_erd(
    request: HttpRequest, slug: str, draft_id: int, fmt: str | None = None
) -> HttpResponse:
    return answer(request, _draft(request, slug, draft_id), fmt)


@login_required
def draft_erd_search(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    return search_answer(request, _draft(request, slug, draft_id))


@vary_on_headers("HX-Request")
@login_required
def draft_erd_diff(
    request: HttpRequest, slug: str, draft_id: int, fmt: str | None = None
) -> HttpResponse:
    return answer(request, _draft_diff(request, slug, draft_id), fmt)


@login_required
def draft_erd_diff_search(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    return search_answer(request, _draft_diff(request, slug, draft_id))


@vary_on_headers("HX-Request")
@login_required
def connection_drift_erd(
    request: HttpRequest, slug: str, connection_id: int, fmt: str | None = None
) -> HttpResponse:
    return answer(request, _drift(request, slug, connection_id), fmt)


@login_required
def connection_drift_erd_search(
    request: HttpRequest, slug: str, connection_id: int
) -> HttpResponse:
    return search_answer(request, _drift(request, slug, connection_id))
