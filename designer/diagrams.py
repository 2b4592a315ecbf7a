"""The ER diagrams of versions, drafts and the changes between them (docs/erd.md).

A ``Source`` is what a diagram is drawn from: a version, a draft, or nothing (the base of a
first draft). Its ``key()`` names its content for the cache (a version: its snapshot hash and
groups; a draft: its id and content token), so a diagram is looked up before anything large is
read: a snapshot or a draft's rows are loaded only when its diagram is drawn.

A ``Subject`` is what one diagram shows: one source (a schema) or two (the changes from one to
the other). A cold view of a large subject is drawn in the background (``designer.tasks``): the
request answers ``Pending`` at once, and the page polls until the picture is in the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Model

from designer.conversion import DraftContent, read_content
from designer.erd import Options, Rendered, gc_paused
from designer.erd import cache as erd_cache
from designer.erd.cache import cached_render, subject
from designer.erd.diff import diff_diagram
from designer.erd.model import Diagram, from_schema, from_snapshot, groups_by_table
from designer.erd.search import Index
from designer.models import ConnectionCheck, Draft, DraftTable, SchemaVersion
from migrations_engine.schema import Schema

#: Subjects of more tables than this are drawn in the background when their view is cold:
#: reading and drawing 300 tables takes about half a second here (docs/erd.md, Background
#: drawing). ``ERD_INLINE_TABLES`` in the settings moves it.
INLINE_TABLES = 300


class Source:
    """What a diagram is drawn from. Subclasses set ``hash`` and ``groups`` (or override ``key``)
    and say how to read the schema."""

    hash: str = ""
    groups: Sequence[Mapping[str, Any]] = ()

    def key(self) -> list[Any]:
        """What names the content for the cache, read before anything large is."""
        return [self.hash, list(self.groups)]

    def schema(self) -> Schema:
        """The engine schema: mandatory."""
        raise NotImplementedError

    def diagram(self) -> Diagram:
        """The diagram of the schema alone. Defaults to reading the schema."""
        schema = self.schema()
        return from_schema(schema, groups_by_table(schema.tables, self.groups))

    def tables(self) -> int:
        """How many tables the schema has, read cheaply (one small query at most)."""
        return 0

    def spec(self) -> list[Any]:
        """The source as JSON data, for a background task (``source_from_spec``)."""
        return ["none"]


class NoSchema(Source):
    """An empty database: the base of a draft started from nothing, the base of v1."""

    def schema(self) -> Schema:
        return Schema()


class VersionSource(Source):
    def __init__(self, version: SchemaVersion) -> None:
        self.version = version
        self.hash = version.hash
        self.groups = version.groups

    def schema(self) -> Schema:
        return self.version.schema()

    def diagram(self) -> Diagram:
        # The snapshot was checked when published: read it as it is, without the engine's
        # validation and hashing, which cost more than the drawing on a large schema.
        snapshot = SchemaVersion.objects.values_list("snapshot", flat=True).get(pk=self.version.pk)
        return from_snapshot(snapshot, self.groups)

    def tables(self) -> int:
        return _tables_in(SchemaVersion, self.version.pk, "snapshot")

    def spec(self) -> list[Any]:
        return ["version", self.version.pk]


class DraftSource(Source):
    """A draft's content, named for the cache by the draft and its content token (renewed by every
    edit and undo), so that a diagram already drawn is found without reading the draft; the
    content is read (one query per kind of row) only to draw."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft

    def key(self) -> list[Any]:
        return [f"draft {self.draft.pk}", str(self.draft.content_token)]

    @cached_property
    def _content(self) -> DraftContent:
        with gc_paused():
            return read_content(self.draft)

    @property  # type: ignore[override]
    def groups(self) -> Sequence[Mapping[str, Any]]:
        return self._content.groups_data()

    def schema(self) -> Schema:
        return self._content.schema

    def tables(self) -> int:
        return DraftTable.objects.filter(draft=self.draft).count()

    def spec(self) -> list[Any]:
        return ["draft", self.draft.pk]


class LiveSource(Source):
    """A connection's live schema as one reading (``ConnectionCheck``) kept it."""

    def __init__(self, check: ConnectionCheck) -> None:
        self.check = check

    def key(self) -> list[Any]:
        return [f"check {self.check.pk}", self.check.checked_at.isoformat()]

    def schema(self) -> Schema:
        from migrations_engine.snapshot import from_data

        return from_data(self.check.live_snapshot)

    def tables(self) -> int:
        return _tables_in(ConnectionCheck, self.check.pk, "live_snapshot")

    def spec(self) -> list[Any]:
        return ["check", self.check.pk]


def source_of(base: SchemaVersion | None) -> Source:
    return VersionSource(base) if base is not None else NoSchema()


def source_from_spec(spec: Sequence[Any]) -> Source:
    """The source ``Source.spec`` described (for a background task): read again, as it is now."""
    kind = spec[0]
    if kind == "version":
        return VersionSource(SchemaVersion.objects.defer("snapshot").get(pk=spec[1]))
    if kind == "draft":
        return DraftSource(Draft.objects.get(pk=spec[1]))
    if kind == "check":
        return LiveSource(ConnectionCheck.objects.get(pk=spec[1]))
    return NoSchema()


# The length of a snapshot's table list, computed by the database: the snapshot is not read.
_TABLE_COUNT = {
    "postgresql": "jsonb_array_length(({field})::jsonb -> 'tables')",
    "mysql": "JSON_LENGTH({field}, '$.tables')",
    "sqlite": "json_array_length({field}, '$.tables')",
}


def _tables_in(model: type[Model], pk: int, field: str) -> int:
    template = _TABLE_COUNT.get(connection.vendor)
    if template is None:
        return 0
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    count = (
        model.objects.filter(pk=pk)
        .extra(select={"n": template.format(field=column)})
        .values_list("n", flat=True)
        .first()
    )
    return int(count or 0)


@dataclass
class Subject:
    """What one diagram shows: a schema (one source) or the changes from ``sources[0]`` to
    ``sources[1]``."""

    sources: tuple[Source, ...]

    @cached_property
    def what(self) -> str:
        """The cache's name for the content."""
        if len(self.sources) == 1:
            return subject("schema", *self.sources[0].key())
        old, new = self.sources
        return subject("changes", *old.key(), *new.key())

    def read(self) -> Diagram:
        """The diagram model, read from the sources."""
        if len(self.sources) == 1:
            return self.sources[0].diagram()
        old, new = self.sources
        before, after = old.schema(), new.schema()
        return diff_diagram(
            before,
            after,
            groups_by_table(after.tables, new.groups),
            groups_by_table(before.tables, old.groups),
        )

    def tables(self) -> int:
        return max(source.tables() for source in self.sources)

    def spec(self) -> list[Any]:
        return [source.spec() for source in self.sources]


def subject_from_spec(spec: Sequence[Sequence[Any]]) -> Subject:
    return Subject(tuple(source_from_spec(s) for s in spec))


#: How soon the placeholder asks again: quickly at first (most large views take a worker
#: about a second), then every second.
QUICK_POLL_MS, POLL_MS, QUICK_POLL_FOR = 250, 1000, 3.0


@dataclass
class Pending:
    """A diagram being drawn in the background: the page shows a placeholder that polls."""

    options: Options
    error: str = ""  # the last background drawing failed: why
    waited: float = 0.0  # seconds since the drawing was asked for

    @property
    def poll_ms(self) -> int:
        """Milliseconds until the placeholder asks again."""
        return QUICK_POLL_MS if self.waited < QUICK_POLL_FOR else POLL_MS


def render(
    what: Subject, options: Options, fmt: str, *, background: bool = False
) -> Rendered | Pending:
    """The diagram of ``what``, cached by its content. With ``background``, a cold view of a
    subject of more than ``ERD_INLINE_TABLES`` tables is not drawn here: a task is enqueued
    (once: the cache marks it pending) and ``Pending`` answered."""
    if background:
        rendered = erd_cache.cached(what.what, options, fmt)
        if rendered is not None:
            return rendered
        limit = getattr(settings, "ERD_INLINE_TABLES", INLINE_TABLES)
        if erd_cache.table_count(what.what, what.tables) > limit:
            error = erd_cache.failure(what.what, options, fmt)
            if not error and erd_cache.mark_pending(what.what, options, fmt):
                from designer.tasks import draw_diagram

                draw_diagram.enqueue(what.spec(), _options_data(options), fmt)
                return Pending(options)
            return Pending(options, error, erd_cache.pending_for(what.what, options, fmt))
    return _draw(what, options, fmt)


def _draw(
    what: Subject, options: Options, fmt: str, then: Callable[[], None] | None = None
) -> Rendered:
    """``cached_render``; when it has read the diagram, the search index is built from it too
    (and with it where each table lives, for the breadcrumbs), rather than read again later.
    ``then`` runs once the picture is in the cache, before the index is built."""
    # The collector stays paused until the diagram is gone (``_drawn`` has returned): resumed
    # while it lives, the first collection walks its million new objects (gc_paused's note).
    with gc_paused():
        return _drawn(what, options, fmt, then)


def _drawn(what: Subject, options: Options, fmt: str, then: Callable[[], None] | None) -> Rendered:
    read: list[Diagram] = []

    def diagram() -> Diagram:
        read.append(what.read())
        return read[0]

    rendered = cached_render(what.what, options, fmt, diagram)
    if then is not None:
        then()
    if read:
        erd_cache.search_index(what.what, lambda: read[0])
    return rendered


def draw_in_background(spec: Sequence[Sequence[Any]], options: Mapping[str, Any], fmt: str) -> str:
    """The task's work: draw into the cache and clear the pending mark (or keep the failure);
    then, the picture out, build the search index from the diagram it read."""
    from designer.erd import RenderError
    from migrations_engine.errors import EngineError

    what = subject_from_spec(spec)
    resolved = Options(**{**options, "highlight": tuple(options.get("highlight", ()))})
    try:
        _draw(what, resolved, fmt, then=lambda: erd_cache.finish_pending(what.what, resolved, fmt))
    except (RenderError, EngineError) as exc:
        erd_cache.finish_pending(what.what, resolved, fmt, error=str(exc) or type(exc).__name__)
        return "failed"
    return "drawn"


def _options_data(options: Options) -> dict[str, Any]:
    return {**options.__dict__, "highlight": list(options.highlight)}


def place_of(what: Subject, table: str) -> tuple[str, str] | None:
    """Where ``table`` lives (its group's name and link name), once ``what`` has been drawn."""
    return erd_cache.place_of(what.what, table)


def search_index(what: Subject) -> Index:
    """The search index of ``what``'s diagram, kept by content as the pictures are."""
    return erd_cache.search_index(what.what, what.read)


def diagram(source: Source, options: Options, fmt: str) -> Rendered:
    """The diagram of one schema, cached by its content."""
    rendered = render(Subject((source,)), options, fmt)
    assert isinstance(rendered, Rendered)
    return rendered


def changes_diagram(old: Source, new: Source, options: Options, fmt: str) -> Rendered:
    """The visual diff from ``old`` to ``new``, cached by both contents."""
    rendered = render(Subject((old, new)), options, fmt)
    assert isinstance(rendered, Rendered)
    return rendered
