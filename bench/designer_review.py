"""Server time of the review page: a 1,000-table draft with 200 changed tables and 100 comments.

In process, with Django's test client and a temporary SQLite database, as bench/designer_editor.py:
best of ``--repeat`` requests, with the number of SQL queries each ran, and the ratio to the editor
page of the same draft. The review page diffs the draft against its base and renders the change's
SQL, so it does more than the editor; the target is under 1 s server time, with a number of
queries that does not grow with the draft (tests/designer/test_review_detail.py asserts it).

    .venv/bin/python bench/designer_review.py [--tables 1000] [--changed 200] [--comments 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.designer_editor import configure, measure, wide_schema

TARGET_SECONDS = 1.0


def changed(schema, count: int):
    """``schema`` with a new column in each of its first ``count`` tables (ids kept)."""
    from migrations_engine.schema import Column
    from migrations_engine.types import ColumnType

    tables = list(schema.tables)
    for n, table in enumerate(tables[:count]):
        extra = Column("reviewed_at", ColumnType.parse("timestamp"), id=f"bench-extra-{n}")
        tables[n] = replace(table, columns=(*table.columns, extra))
    return replace(schema, tables=tuple(tables))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=200)
    parser.add_argument("--comments", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        configure(Path(scratch) / "bench.sqlite3")
        from django.contrib.auth import get_user_model
        from django.test import Client

        from designer import comments, reviewing
        from designer.conversion import read_content
        from designer.models import Draft, Membership, Project, Role

        users = get_user_model().objects
        author, reviewer = users.create_user("author"), users.create_user("reviewer")
        project = Project.objects.create(name="Big", slug="big", required_approvals=1)
        Membership.objects.create(project=project, user=author, role=Role.ARCHITECT)
        Membership.objects.create(project=project, user=reviewer, role=Role.REVIEWER)

        start = time.perf_counter()
        first = Draft.objects.create_from_schema(project, wide_schema(args.tables), None, author)
        Project.objects.filter(pk=project.pk).update(required_approvals=0)
        version = reviewing.publish(first, author, "v1")  # gives every element an id
        Project.objects.filter(pk=project.pk).update(required_approvals=1)
        draft = Draft.objects.create_from_version(version, author, title="Review me")
        draft.replace_content(changed(read_content(draft).schema, args.changed), [])
        reviewing.submit(draft, author, "Adds reviewed_at to many tables")
        draft.refresh_from_db()
        columns = list(draft.tables.order_by("name").values_list("columns__uid", flat=True)[: args.comments])
        for n, uid in enumerate(columns):
            anchor = comments.find_anchor(draft, "column", uid)
            thread = comments.add_comment(draft, reviewer, f"Comment {n}", anchor)
            if n % 3 == 0:
                comments.add_comment(draft, author, f"Reply {n}", anchor, parent=thread)
        prepared = time.perf_counter() - start

        client = Client()
        client.force_login(reviewer)

        def forget() -> None:
            """What an edit does to the kept analysis: the new content has none."""
            from django.core.cache import caches

            caches["analysis"].clear()

        def worker_analyses() -> None:
            """What the worker does after an edit of a large draft (``designer.analysis``)."""
            from designer import analysis

            forget()
            draft.refresh_from_db()
            analysis.analyse(draft, draft.project.dialect)

        def cold_review() -> object:
            """The first view after an edit, in a fresh process: nothing kept."""
            from designer.models import versions

            forget()
            versions._PARSED.clear()
            return client.get(f"/p/big/d/{draft.pk}/review/")

        def after_an_edit() -> object:
            forget()
            return client.get(f"/p/big/d/{draft.pk}/review/")

        review_url = f"/p/big/d/{draft.pk}/review/"
        rows = [
            (f"editor, {args.tables}-table draft", (lambda: client.get(f"/p/big/d/{draft.pk}/"),)),
            (
                f"review page, {args.changed} changed tables, {args.comments} threads",
                (lambda: client.get(review_url),),
            ),
            ("review page, after an edit the worker analysed", (lambda: client.get(review_url), worker_analyses)),
            ("review page, first view after an edit", (after_an_edit,)),
            ("review page, first view (nothing kept)", (cold_review,)),
        ]
        worker_analyses()  # the draft's content analysed, as the worker would after the edit
        results = {label: measure(args.repeat, *calls) for label, calls in rows}
        pending = b"review-pending" in after_an_edit().content
        assert b"review-pending" not in client.get(review_url).content or pending
        analysed = []
        for _ in range(args.repeat):
            forget()
            start = time.perf_counter()
            worker_analyses()
            analysed.append(time.perf_counter() - start)

    print(f"Review page, best of {args.repeat}, SQLite, in process (setting up took {prepared:.1f} s)")
    width = max(len(label) for label in results)
    for label, (seconds, queries) in results.items():
        print(f"  {label:<{width}}  {seconds * 1000:8.1f} ms  {queries:3d} queries")
    print(f"  {'the analysis, in the worker':<{width}}  {min(analysed) * 1000:8.1f} ms")
    if pending:
        print("  (a first view not analysed yet answers that the review is on its way, and asks again)")
    editor = results[f"editor, {args.tables}-table draft"][0]
    for label, (seconds, _) in list(results.items())[1:]:
        verdict = "within" if seconds < TARGET_SECONDS else "OVER"
        print(f"  {label} / editor: {seconds / editor:.1f}x; {verdict} the {TARGET_SECONDS:.0f} s target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
