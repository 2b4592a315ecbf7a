"""Entity-relationship diagrams drawn by Graphviz (docs/erd.md).

* ``model``: what a diagram shows (tables, columns, foreign keys, groups), from a schema;
* ``diff``: the same from two schemas, each element marked added, removed, changed, renamed;
* ``dot``: the DOT source (crow's-foot notation, ports, clusters, focus, highlights);
* ``clusters``: groups found from the foreign keys for a large schema's tables in no group;
* ``layout``: how large a drawing may be, and the fixed columns that keep a large view within it;
* ``render``: ``dot`` run with a timeout, the SVG tidied for the page, PNGs at a scale;
* ``cache``: rendered diagrams kept by snapshot hash and options.

``render_diagram`` here ties them together: options resolved for the diagram's size, DOT built,
``dot`` run (except for the ``dot`` format), and what the page around the picture needs.
``cli`` is ``render_erd`` (``python -m designer.erd``). Nothing here but ``cache`` imports Django
or the engine at import time: the command runs with no settings, and each import is part of
its time.
"""

from __future__ import annotations

import gc
import html
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from designer.erd import dot, layout, render
from designer.erd.clusters import add_clusters
from designer.erd.dot import LARGE, OptionError, Options
from designer.erd.model import REMOVED, Diagram, Group
from designer.erd.render import FORMATS, ExportTooLarge, RenderError

TYPE_CHECKING = False  # as in erd.model: typing not imported
if TYPE_CHECKING:
    from django.utils.safestring import SafeString

__all__ = [
    "FORMATS",
    "LARGE",
    "ExportTooLarge",
    "OptionError",
    "Options",
    "RenderError",
    "Rendered",
    "draw",
    "gc_paused",
    "render_diagram",
]


@dataclass
class Rendered:
    """A rendered diagram and what the page shows beside it. Pickled into the cache."""

    content: bytes
    fmt: str
    options: Options  # as resolved: the view actually drawn
    notice: str = ""
    error: str = ""
    total: int = 0  # tables in the diagram
    shown: int = 0  # tables drawn in full (0 for the group overview)
    tables: tuple[str, ...] = ()  # names, for the focus picker (``PICKER_ALL``)
    groups: tuple[Group, ...] = ()
    changes: int = 0  # tables added, removed or changed (diff diagrams)
    refused: int = 0  # tables the asked view has, when too many to draw (the overview instead)
    _options_html: str | None = field(default=None, repr=False, compare=False)

    @property
    def media_type(self) -> str:
        return FORMATS[self.fmt]

    def table_options(self) -> SafeString:
        """``<option>``s of the table names for the focus picker: joined here once, not by a
        template loop over a thousand names on every view."""
        # Imported here: drawing needs no Django, and render_erd runs without it (docs/erd.md).
        from django.utils.safestring import mark_safe

        return mark_safe(self.join_options())

    def join_options(self) -> str:
        """``table_options``' text, joined once and kept (the cache pickles it)."""
        if self._options_html is None:
            self._options_html = "".join(
                f'<option value="{html.escape(name, quote=True)}">' for name in self.tables
            )
        return self._options_html


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: reading a large schema and building its diagram
    allocate tens of thousands of small objects, none in cycles, and the collections that
    triggers (walking every object of the process) cost as much as a third of the work.

    Resume it only once those objects are gone (freed by their reference counts): resumed
    while a 10,000-table diagram is still alive, the first collection walks its million
    objects, all of them new (0.5 s). Nested pauses resume nothing; the outermost does."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def draw(read: Callable[[], Diagram], options: Options, fmt: str = "svg") -> Rendered:
    """``render_diagram`` of the diagram ``read`` returns, with the collector paused."""
    with gc_paused():
        return render_diagram(read(), options, fmt)


def render_diagram(
    diagram: Diagram, options: Options, fmt: str = "svg", *, strict: bool = False
) -> Rendered:
    """Draw ``diagram`` as ``options`` ask, in ``fmt`` (svg, png, pdf or dot).

    Tables in no group are put in clusters first when there are more than ``LARGE`` of them
    (``erd.clusters``). An unknown focus table or group is not an error: the default view is
    drawn with the problem in ``error`` (unless ``strict``: then ``OptionError`` propagates).
    A view of more than ``layout.MAX_DRAWN`` tables is not drawn either: a focus is drawn with
    fewer hops, anything else as the overview, with ``error`` saying why (and ``refused`` the
    count, for the overview) (``strict`` draws it all the same: the
    command draws what it is asked). ``RenderError`` (dot missing, failing, too slow)
    propagates, and ``ExportTooLarge``, one of them, for a PNG too large to keep its text
    legible at ``options.scale``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    add_clusters(diagram, above=LARGE)
    error = ""
    refused = 0
    resolved, notice = dot.resolve(diagram, options)
    try:
        drawing = dot.drawing(diagram, resolved)
    except OptionError as exc:
        if strict:
            raise
        error = f"{str(exc)[:1].upper()}{str(exc)[1:]}: showing the default view instead."
        resolved, notice = dot.resolve(
            diagram,
            Options(
                highlight=options.highlight,
                table_link=options.table_link,
                page_link=options.page_link,
                scale=options.scale,
            ),
        )
        drawing = dot.drawing(diagram, resolved)
    shown = dot.tables_shown(diagram, resolved)
    if shown > layout.MAX_DRAWN and not strict and resolved.focus and resolved.hops > 1:
        # Fewer hops around the same table, as many as stay drawable (0 hops always is).
        hops = resolved.hops
        while hops > 0 and shown > layout.MAX_DRAWN:
            hops -= 1
            fewer = Options(**{**resolved.__dict__, "hops": hops})
            shown = dot.tables_shown(diagram, fewer)
        error = (
            f"{resolved.hops} hops around {resolved.focus} are too many tables to draw in one "
            f"readable picture (at most {layout.MAX_DRAWN:,}): showing {hops} "
            f"hop{'s' if hops != 1 else ''}."
        )
        resolved = fewer
        drawing = dot.drawing(diagram, resolved)
    if shown > layout.MAX_DRAWN and not strict:
        refused = shown
        parts = diagram.parts.get(resolved.group, ())
        if resolved.group and not resolved.focus:
            group = diagram.group_named(resolved.group) or resolved.group
            error = (
                f"The group “{group}” has {shown:,} tables, too "
                f"many to draw in one readable picture (at most {layout.MAX_DRAWN:,}): showing "
                + (
                    f"the groups instead, where it is in {len(parts)} parts (“{parts[0]}”, …). "
                    "Open one, focus on one of its tables or search for one."
                    if parts
                    else "the groups instead. Focus on one of its tables or search for one."
                )
            )
        else:
            error = (
                f"{shown:,} tables are too many to draw in one readable picture (at most "
                f"{layout.MAX_DRAWN:,}): showing the groups instead. Open a group, focus on a "
                "table or search for one."
            )
        resolved, notice = _with_view(options, "overview"), ""
        drawing = dot.drawing(diagram, resolved)
        shown = 0
    if fmt == "svg":
        sources = drawing.sources(_parts(len(drawing.nodes)))
        content = render.merge_svgs(render.run_dots(sources, fmt))
        content = render.tidy_svg(content, _node_titles(diagram))
    elif fmt == "png":
        content = render.run_png(drawing.source(), resolved.scale)
    elif fmt == "dot":
        content = drawing.source().encode("utf-8")
    else:
        content = render.run_dot(drawing.source(), fmt)
    rendered = Rendered(
        content=content,
        fmt=fmt,
        options=resolved,
        notice=notice,
        error=error,
        total=len(diagram.tables),
        shown=shown,
        tables=_picker_tables(diagram, resolved),
        groups=tuple(diagram.groups.values()),
        changes=sum(1 for t in diagram.tables if t.status),
        refused=refused,
    )
    rendered.join_options()  # joined now, so that the cache keeps it
    return rendered


#: A drawing of this many tables or more is drawn in parts, one ``dot`` per processor, at once
#: (``erd.dot.Drawing.sources``): a 1,000-table drawing took 0.47 s in one, 0.28 s in two.
PART_TABLES = 150


def _parts(tables: int) -> int:
    """How many parts to draw ``tables`` tables in: one per processor this process may use,
    each of at least ``PART_TABLES`` tables."""
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        processors = os.cpu_count() or 1
    return max(1, min(processors, tables // PART_TABLES))


#: Diagrams of more tables than this offer only the drawn tables in the focus picker: the
#: names of 10,000 tables were 290 KB of every panel. The diagram's search finds the others.
PICKER_ALL = 500


def _picker_tables(diagram: Diagram, options: Options) -> tuple[str, ...]:
    """The table names the focus picker offers: all of them, or for a large diagram the ones
    the view draws (none for the overview)."""
    if len(diagram.tables) <= PICKER_ALL:
        drawn: Iterable[int] = range(len(diagram.tables))
    elif options.view == "overview" and not (options.group or options.focus):
        return ()
    else:
        selection = dot.select(diagram, options)
        drawn = [*selection.shown, *selection.stubs]
    tables = diagram.tables
    return tuple(sorted(tables[n].name for n in drawn if tables[n].status != REMOVED))


def _with_view(options: Options, view: str) -> Options:
    """``options`` showing ``view`` of the whole diagram (no group, no focus)."""
    return Options(**{**options.__dict__, "view": view, "group": "", "focus": ""})


def _node_titles(diagram: Diagram) -> dict[str, tuple[str, str]]:
    """Node name → (name, title) for ``render.tidy_svg``: tables, groups and clusters."""
    nodes = {f"t{n}": (t.name, dot.tooltip(t)) for n, t in enumerate(diagram.tables)}
    for k, name in enumerate([*diagram.groups, ""]):
        nodes[f"g{k}"] = nodes[f"c{k}"] = (name, name or "Ungrouped")
    return nodes
