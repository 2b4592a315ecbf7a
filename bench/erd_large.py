"""Diagrams of a 10,000-table schema as a browser gets them: server time and bytes, cold and warm.

generate.py's schema of ``--tables`` tables (10,000 by default) in table groups of ``--group-size``
tables, published as version 1 of a project in a temporary SQLite database with the ``erd``
file cache in a temporary folder. Through Django's test client, the diagram page of the version:

* the overview (``?view=overview``), one group (``?group=...``), a search hit (``?q=`` a table
  in no default view), the search endpoint, the view its first match opens, and a focus
  (``?focus=T&hops=1``);
* **cold**: the diagram cache emptied and the process's parsed snapshots forgotten before each
  request; **warm**: the same request again;
* median server time of ``--repeat`` requests, and the bytes of the answer as sent to a
  browser (which accepts gzip).

Targets (issue 14): warm under 50 ms and 300 KB for each; cold under 1 s for the overview and a
group of up to 300 tables.

    .venv/bin/python bench/erd_large.py [--tables 10000] [--group-size 250] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WARM_SECONDS, WARM_BYTES, COLD_SECONDS = 0.050, 300_000, 1.0
#: The diagram panel as the page loads it after itself (and as a link opens it, once loaded),
#: by a browser, which takes compressed answers: the bytes are those sent.
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}


def configure(scratch: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="schemadesign.settings",
        DATABASE_URL=f"sqlite:///{scratch / 'bench.sqlite3'}",
        ERD_CACHE_DIR=str(scratch / "erd-cache"),
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS="testserver",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        DEBUG="0",
    )
    import warnings

    import django

    # WhiteNoise warns that STATIC_ROOT is missing (no collectstatic here): nothing to do with this.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def grouped(schema, size: int) -> tuple[object, list[dict]]:
    """``schema`` with table ids, and groups of ``size`` consecutive tables (as a version keeps
    groups)."""
    from designer.models.drafts import new_uid, with_table_uids

    schema = with_table_uids(schema)
    tables = schema.tables
    groups = [
        {
            "id": new_uid(),
            "name": f"area {n // size + 1:02d}",
            "tables": [t.id for t in tables[n : n + size]],
        }
        for n in range(0, len(tables), size)
    ]
    return schema, groups


def forget() -> None:
    """A cold request: no diagram kept, no snapshot parsed by this process."""
    from django.core.cache import caches

    from designer.models import versions

    caches["erd"].clear()
    getattr(versions, "_PARSED", {}).clear()


def search_url(slug: str, number: int) -> str:
    """The version's diagram search endpoint (its own diagram's, not its diff's: an earlier
    version of this bench picked the diff's by accident, and timed a diff of 10,000 new
    tables)."""
    from django.urls import reverse

    return reverse("designer:version_erd_search", args=[slug, number])


def timed(get: Callable[[], object]) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    response = get()
    seconds = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    body = response.content  # as sent: gzipped for a browser, when large enough to be worth it
    if response.get("Content-Encoding") == "gzip":
        import gzip

        return seconds, len(body), gzip.decompress(body)
    return seconds, len(body), body


def run_worker() -> tuple[float, float]:
    """Seconds for a worker to run the queued tasks (a cold large view is drawn by one): until
    the picture is in the cache (its pending mark cleared, which is when the page's next poll
    shows it), and in all (the search index is built after the picture)."""
    from django.core.management import call_command

    from designer.erd import cache

    finished: list[float] = []
    clear = cache.finish_pending

    def timed_clear(*args: object, **kwargs: object) -> None:
        clear(*args, **kwargs)
        finished.append(time.perf_counter())

    cache.finish_pending = timed_clear
    start = time.perf_counter()
    try:
        # ``startup_delay=False``: call_command passes an option by its dest (an earlier
        # version passed no_startup_delay=True, which set startup_delay and added a random
        # sleep of up to a second to every cold picture).
        call_command("db_worker", batch=True, startup_delay=False, queue_name="default", verbosity=0)
    finally:
        cache.finish_pending = clear
    end = time.perf_counter()
    return (finished[0] if finished else end) - start, end - start


def measure(repeat: int, get: Callable[[], object]) -> dict[str, tuple[float, int]]:
    """Median (seconds, bytes) of: the cold answer; the picture (the cold answer, plus the
    worker's drawing when the answer was a placeholder, with the bytes of the picture); the
    worker's whole work (drawing and the search index); warm."""
    answer, picture, worker, warm = [], [], [], []
    for _ in range(repeat):
        forget()
        seconds, size, content = timed(get)
        answer.append((seconds, size))
        drawing = whole = 0.0
        if b"erd-drawing" in content:  # the placeholder: a worker draws the picture
            drawing, whole = run_worker()
        after = timed(get)
        picture.append((seconds + drawing, after[1]) if drawing else (seconds, size))
        worker.append((whole, 0))
        warm.append(timed(get)[:2] if drawing else after[:2])
    return {
        name: (statistics.median(s for s, _ in rows), max(b for _, b in rows))
        for name, rows in (
            ("cold answer", answer),
            ("cold picture", picture),
            ("worker in all", worker),
            ("warm", warm),
        )
    }


def verdict(kind: str, seconds: float, size: int, cold_target: bool) -> str:
    if kind == "warm":
        ok = seconds < WARM_SECONDS and size < WARM_BYTES
        return "met" if ok else "MISSED"
    if not cold_target or kind != "cold picture":
        return ""
    return "met" if seconds < COLD_SECONDS else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=10_000)
    parser.add_argument("--group-size", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        configure(Path(scratch))
        import random

        from django.contrib.auth import get_user_model
        from django.test import Client

        from bench.generate import generate_schema
        from designer.models import Membership, Project, Role, SchemaVersion

        start = time.perf_counter()
        generated = generate_schema(args.tables, random.Random(args.seed))
        schema, groups = grouped(generated, args.group_size)
        user = get_user_model().objects.create_user("bench")
        project = Project.objects.create(name="Huge", slug="huge")
        Membership.objects.create(project=project, user=user, role=Role.VIEWER)
        SchemaVersion.publish(project, schema, groups=groups, author=user)
        prepared = time.perf_counter() - start
        client = Client()
        client.force_login(user)

        page = "/p/huge/v/1/erd/"
        # A table deep in the last group: in no default view (the overview draws groups).
        hit = schema.tables[-7].name
        focus = schema.tables[len(schema.tables) // 2].name
        group = groups[len(groups) // 2]["name"]
        rows: list[tuple[str, str, bool]] = [
            ("overview", page + "?view=overview", True),
            (
                f"group ({args.group_size} tables)",
                page + "?" + urlencode({"group": group}),
                args.group_size <= 300,
            ),
            (f"search hit ?q={hit}", page + "?" + urlencode({"q": hit}), False),
            (f"focus {focus}, 1 hop", page + "?" + urlencode({"focus": focus, "hops": 1}), False),
        ]
        print(
            f"Diagrams of a {args.tables:,}-table version ({len(groups)} groups of {args.group_size}), "
            f"median of {args.repeat}, SQLite, in process (setting up took {prepared:.1f} s)"
        )
        print(
            f"  targets: warm < {WARM_SECONDS * 1000:.0f} ms and < {WARM_BYTES // 1000} KB; "
            f"cold < {COLD_SECONDS:.0f} s for the overview and a group of up to 300 tables",
            flush=True,
        )
        endpoint = search_url("huge", 1)
        found = endpoint + "?" + urlencode({"find": hit})
        rows.append((f"search endpoint ?find={hit}", found, False))
        # Where the search's first match takes the user: the view that shows it.
        answer = client.get(endpoint, {"find": hit, "format": "json"}).json()
        if answer.get("matches"):
            rows.append(("search's first match", answer["matches"][0]["url"], False))
        width = max(len(label) for label, _, _ in rows)
        for label, url, cold_target in rows:
            path, _, query = url.partition("?")
            got = measure(
                args.repeat, lambda p=path or page, q=query: client.get(p, dict(parse_qsl(q)), **HTMX)
            )
            for kind in ("cold answer", "cold picture", "worker in all", "warm"):
                seconds, size = got[kind]
                print(
                    f"  {label:<{width}}  {kind:<12}  {seconds * 1000:9.1f} ms  {size / 1000:9.1f} KB  "
                    f"{verdict(kind, seconds, size, cold_target)}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
