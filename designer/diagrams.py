"""The ER diagrams of versions, drafts and the changes between them (docs/erd.md).

A ``Source`` is what a diagram is drawn from: a version, a draft, or nothing (the base of a
first draft). Its ``key()`` names its content for the cache (a version: its snapshot hash and
groups; a draft: its id and content token), so a diagram is looked up before anything large is
read: a snapshot or a draft's rows are loaded only when its diagram is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from designer.conversion import DraftContent, read_content
from designer.erd import Options, Rendered, gc_paused
from designer.erd.cache import cached_render, subject
from designer.erd.diff import diff_diagram
from designer.erd.model import Diagram, from_schema, from_snapshot, groups_by_table
from designer.models import ConnectionCheck, Draft, SchemaVersion
from migrations_engine.schema import Schema


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


class LiveSource(Source):
    """A connection's live schema as one reading (``ConnectionCheck``) kept it."""

    def __init__(self, check: ConnectionCheck) -> None:
        self.check = check

    def key(self) -> list[Any]:
        return [f"check {self.check.pk}", self.check.checked_at.isoformat()]

    def schema(self) -> Schema:
        from migrations_engine.snapshot import from_data

        return from_data(self.check.live_snapshot)


def source_of(base: SchemaVersion | None) -> Source:
    return VersionSource(base) if base is not None else NoSchema()


def diagram(source: Source, options: Options, fmt: str) -> Rendered:
    """The diagram of one schema, cached by its content."""
    what = subject("schema", *source.key())
    return cached_render(what, options, fmt, source.diagram)


def changes_diagram(old: Source, new: Source, options: Options, fmt: str) -> Rendered:
    """The visual diff from ``old`` to ``new``, cached by both contents."""
    what = subject("changes", *old.key(), *new.key())

    def read() -> Diagram:
        before, after = old.schema(), new.schema()
        return diff_diagram(
            before,
            after,
            groups_by_table(after.tables, new.groups),
            groups_by_table(before.tables, old.groups),
        )

    return cached_render(what, options, fmt, read)
