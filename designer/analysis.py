"""A draft's analysis for one dialect, computed once per content: what its SQL preview and its
review page show of it.

Reading a 10,000-table draft, checking it, diffing it against its base version, linting it and
rendering the change's scripts takes seconds (bench/designer_review.py). ``analyse`` keeps the
result by the draft's content token, base version and dialect in the ``analysis`` cache, which
the web processes and the worker share (a file cache unless configured otherwise): every edit
renews the token, so nothing kept is ever stale. After an edit of a large draft the worker,
which reads the new content anyway for the next Undo (``PreparedState``), analyses it for the
project's dialect (``prepare``): the next preview or review of that content reads no row and
diffs nothing. A page asking for a large draft's analysis that is not kept yet does not compute
it either (``kept_or_started``): a worker does (``analyse_draft``), and the page shows that it
is on its way and asks again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from designer import conversion
from designer.conversion import DraftContent
from designer.lint import draft_lint
from designer.models import Draft
from designer.preview import Migration, create_script, migration
from designer.validation import Message, schema_messages
from migrations_engine.schema import Schema
from migrations_engine.validate import problems

CACHE = "analysis"
#: In every key: renewed whenever ``Analysis`` (or what it holds) changes, so that a file cache
#: kept across an upgrade never hands back what this code cannot read.
FORMAT = "analysis-1"
KEPT_SECONDS = 3600
#: Beyond this many operations a change is counted, not listed (its SQL is a download).
STEPS_SHOWN = 300
#: Beyond this many tables the CREATE script is not computed for the preview (a download).
CREATE_TABLES = 300
#: Beyond this many tables a draft's analysis is left to a worker (settings.ANALYSIS_INLINE_TABLES):
#: about a second of a web process's time.
INLINE_TABLES = 2000
#: How long a page waits for a worker's analysis before asking for another one.
PENDING_SECONDS = 120
#: Past this, the waiting page says the worker may not be running (10,000 tables take ~5 s).
SLOW_SECONDS = 30


@dataclass
class Analysis:
    """What the preview and the review show of a draft's content in one dialect."""

    messages: list[Message]
    change: Migration  # from the base version, without its operations
    table_count: int
    #: Every element's uid and every step's anchor: what a comment can be anchored to now.
    live_uids: frozenset[str] = field(default_factory=frozenset)
    create_sql: str = ""  # empty beyond ``CREATE_TABLES`` tables
    create_error: str = ""

    @property
    def create_skipped(self) -> bool:
        return self.table_count > CREATE_TABLES


def analyse(draft: Draft, dialect: str, content: DraftContent | None = None) -> Analysis:
    """The draft's analysis in ``dialect``: kept, or computed (from ``content`` when the caller
    has read it) and kept. Its lint is computed and kept alongside (``draft_lint``)."""
    kept = caches[CACHE].get(_key(draft, dialect))
    return kept if kept is not None else _analysed_and_kept(draft, dialect, content)


@dataclass
class Pending:
    """A large draft's analysis on its way (a worker computes it): the page says so and asks
    again, every second."""

    waited: float = 0.0  # seconds since it was asked for
    poll_ms: int = 1000

    @property
    def slow(self) -> bool:
        """Longer than a worker takes for the largest drafts: perhaps none is running."""
        return self.waited >= SLOW_SECONDS


def kept_or_started(draft: Draft, dialect: str) -> Analysis | Pending:
    """The draft's analysis if it is kept; for a draft of more than ``INLINE_TABLES`` tables
    otherwise ``Pending``, a worker having been asked for it (once: the cache marks it asked
    for ``PENDING_SECONDS``); a smaller draft's is computed here."""
    store = caches[CACHE]
    key = _key(draft, dialect)
    kept = store.get(key)
    if kept is not None:
        return kept
    if draft.tables.count() <= getattr(settings, "ANALYSIS_INLINE_TABLES", INLINE_TABLES) or store.get(
        f"failed:{key}"
    ):
        # A small draft, or one the worker failed on (the task's log says why): here, as the
        # page of any draft would, rather than waiting for a worker that will fail again.
        return _analysed_and_kept(draft, dialect)
    now = time.time()
    if store.add(f"asked:{key}", now, PENDING_SECONDS):
        from designer.tasks import analyse_draft

        token = str(draft.content_token)
        transaction.on_commit(lambda: analyse_draft.enqueue(draft.pk, token, dialect))
        return Pending()
    return Pending(waited=now - (store.get(f"asked:{key}") or now))


def analyse_in_background(draft_id: int, token: str, dialect: str) -> str:
    """The task's work: "analysed", or "stale" when the draft's content changed first."""
    draft = Draft.objects.filter(pk=draft_id, content_token=token).select_related("project").first()
    if draft is None:
        return "stale"
    try:
        analyse(draft, dialect)
    except Exception:
        caches[CACHE].set(f"failed:{_key(draft, dialect)}", True, PENDING_SECONDS)
        raise
    return "analysed"


def is_kept(draft: Draft, dialect: str) -> bool:
    """Whether the draft's current content has been analysed in ``dialect``."""
    return caches[CACHE].has_key(_key(draft, dialect))


def prepare(draft: Draft, content: DraftContent) -> None:
    """The worker's part: analyse ``content``, which it read with the draft's current token, in
    the project's dialect."""
    analyse(draft, draft.project.dialect, content)


def _key(draft: Draft, dialect: str) -> str:
    return f"{FORMAT}:{draft.pk}:{draft.content_token}:{draft.base_version_id}:{dialect}"


def _analysed_and_kept(draft: Draft, dialect: str, content: DraftContent | None = None) -> Analysis:
    analysed = _analysed(draft, dialect, content)
    caches[CACHE].set(_key(draft, dialect), analysed, KEPT_SECONDS)
    return analysed


def _analysed(draft: Draft, dialect: str, content: DraftContent | None) -> Analysis:
    schema = (content or conversion.read_content(draft)).schema
    base = draft.base_schema()
    found = problems(schema, dialect=dialect)
    sql, sql_error = ("", "")
    if len(schema.tables) <= CREATE_TABLES:
        sql, sql_error = create_script(schema, dialect, found)
    change = migration(base, schema, dialect, found=found, max_steps=STEPS_SHOWN)
    draft_lint(draft, dialect, schema, base, change.operations)  # kept for the pages
    return Analysis(
        messages=schema_messages(schema),
        change=change.without_operations(),
        table_count=len(schema.tables),
        live_uids=frozenset(live_uids(schema, change)),
        create_sql=sql,
        create_error=sql_error,
    )


def live_uids(schema: Schema, change: Migration) -> set[str]:
    """The uids a comment can be anchored to now: every element of the draft, every step."""
    uids = {step.anchor for step in change.steps}
    for enum in schema.enums:
        uids.add(enum.id)
    for table in schema.tables:
        uids.add(table.id)
        uids.update(c.id for c in table.columns)
        if table.primary_key is not None:
            uids.add(table.primary_key.id)
        for kind in (table.foreign_keys, table.uniques, table.checks, table.indexes, table.exclusions):
            uids.update(e.id for e in kind)
    uids.discard(None)  # type: ignore[arg-type]
    return uids
