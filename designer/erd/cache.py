"""Rendered diagrams kept in Django's ``erd`` cache, keyed by what they are drawn from.

A key is the hash of: ``RENDERER`` (bumped whenever the drawing changes, so no stale picture is
served after an upgrade), the subject (a string naming the content: a version's snapshot hash
and its groups, a draft's id and content token, both sides of a diff), the options and the format. Same
content, same options: the same picture, so a second view renders nothing, and a version,
which never changes, is drawn once per set of options. Nothing is ever invalidated: changed
content has a new hash, and the cache's own culling drops what is no longer asked for.
"""

from __future__ import annotations

import time

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import caches

from designer.erd import Rendered, draw, gc_paused
from designer.erd.dot import Options
from designer.erd.model import Diagram
from designer.erd.search import Index, build_index, places

CACHE_ALIAS = "erd"
RENDERER = "erd-6"
SEARCH_INDEX = "erd-search-2"  # bumped whenever search.Index changes
#: How long a background drawing is taken to be under way (its marker), and a failure kept.
PENDING_SECONDS = 300
FAILED_SECONDS = 30


def subject(*parts: Any) -> str:
    """A stable string naming what a diagram is drawn from (hashes, groups data)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(what: str, options: Options, fmt: str) -> str:
    return "erd:" + subject(RENDERER, what, repr(options), fmt)


def cached_render(
    what: str, options: Options, fmt: str, diagram: Callable[[], Diagram]
) -> Rendered:
    """The diagram of ``what`` as ``options`` ask, from the cache or drawn (and kept).

    ``diagram`` is called only on a miss: reading a large snapshot is itself work to save.
    """
    cache = caches[CACHE_ALIAS]
    key = cache_key(what, options, fmt)
    rendered = cache.get(key)
    if rendered is None:
        rendered = draw(diagram, options, fmt)
        cache.set(key, rendered, timeout=None)
    return rendered


def cached(what: str, options: Options, fmt: str) -> Rendered | None:
    """The diagram if it is drawn already."""
    return caches[CACHE_ALIAS].get(cache_key(what, options, fmt))


def mark_pending(what: str, options: Options, fmt: str) -> bool:
    """Mark the drawing as under way: True for the first to ask (who enqueues the job), False
    while one is already under way, so a second request enqueues nothing (the cache is shared by
    every web process and the worker, and ``add`` sets only what is not there)."""
    key = "erd-pending:" + cache_key(what, options, fmt)
    return caches[CACHE_ALIAS].add(key, time.time(), timeout=PENDING_SECONDS)


def pending_for(what: str, options: Options, fmt: str) -> float:
    """Seconds since the drawing was marked under way (0 when it is not, or was marked before
    the time was kept)."""
    since = caches[CACHE_ALIAS].get("erd-pending:" + cache_key(what, options, fmt))
    return max(time.time() - since, 0.0) if isinstance(since, float) else 0.0


def finish_pending(what: str, options: Options, fmt: str, error: str = "") -> None:
    """The background drawing is over: its marker removed, and its failure kept for a moment so
    the page waiting for it says so (a later request tries again)."""
    cache = caches[CACHE_ALIAS]
    key = cache_key(what, options, fmt)
    if error:
        cache.set("erd-failed:" + key, error, timeout=FAILED_SECONDS)
    cache.delete("erd-pending:" + key)


def failure(what: str, options: Options, fmt: str) -> str:
    """Why the last background drawing failed ("" when it did not, or long enough ago)."""
    return caches[CACHE_ALIAS].get("erd-failed:" + cache_key(what, options, fmt)) or ""


def table_count(what: str, count: Callable[[], int]) -> int:
    """How many tables ``what`` has: counted once (by the database, from the snapshot's JSON: tens
    of milliseconds at 10,000 tables) and kept, as content never changes under its name."""
    cache = caches[CACHE_ALIAS]
    key = "erd-tables:" + what
    tables = cache.get(key)
    if tables is None:
        tables = count()
        cache.set(key, tables, timeout=None)
    return tables


# The last few indexes in this process as well: unpickling a 10,000-table index from the file
# cache costs more than searching it.
_INDEXES: OrderedDict[str, Index] = OrderedDict()
_KEEP_INDEXES = 4


def search_index(what: str, diagram: Callable[[], Diagram]) -> Index:
    """The search index of ``what``, from this process, the cache, or built (and kept)."""
    key = "erd-index:" + subject(SEARCH_INDEX, what)
    index = _INDEXES.get(key)
    if index is None:
        cache = caches[CACHE_ALIAS]
        index = cache.get(key)
        if index is None:
            # The collector paused throughout: in a worker that holds a 10,000-table schema,
            # the collections that building the places' 10,000 tuples set off took 0.4 s.
            with gc_paused():
                index = build_index(diagram())
                cache.set(key, index, timeout=None)
                found = places(index)
                cache.set("erd-places:" + subject(SEARCH_INDEX, what), found, timeout=None)
    _INDEXES[key] = index
    _INDEXES.move_to_end(key)
    while len(_INDEXES) > _KEEP_INDEXES:
        _INDEXES.popitem(last=False)
    return index


def place_of(what: str, table: str) -> tuple[str, str] | None:
    """The group of ``table`` in ``what`` (its name, and what ``?group=`` calls it), for the
    breadcrumbs: None when it has none, or when no index of ``what`` was built yet."""
    key = "erd-places:" + subject(SEARCH_INDEX, what)
    found = _PLACES.get(key)
    if found is None:
        # Unpickling the places of 10,000 tables costs 7 - 10 ms: kept here once read.
        found = caches[CACHE_ALIAS].get(key)
        if found is None:
            return None
    _PLACES[key] = found
    _PLACES.move_to_end(key)
    while len(_PLACES) > _KEEP_INDEXES:
        _PLACES.popitem(last=False)
    return found.get(table)


_PLACES: OrderedDict[str, dict[str, tuple[str, str]]] = OrderedDict()
