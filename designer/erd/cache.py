"""Rendered diagrams kept in Django's ``erd`` cache, keyed by what they are drawn from.

A key is the hash of: ``RENDERER`` (bumped whenever the drawing changes, so no stale picture is
served after an upgrade), the subject (a string naming the content: a version's snapshot hash
and its groups, a draft's id and content token, both sides of a diff), the options and the format. Same
content, same options: the same picture, so a second view renders nothing, and a version,
which never changes, is drawn once per set of options. Nothing is ever invalidated: changed
content has a new hash, and the cache's own culling drops what is no longer asked for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.cache import caches

from designer.erd import Rendered, draw
from designer.erd.dot import Options
from designer.erd.model import Diagram

CACHE_ALIAS = "erd"
RENDERER = "erd-1"


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
