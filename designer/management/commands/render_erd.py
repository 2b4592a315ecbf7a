"""Render an ER diagram of a snapshot file or a live database, for documentation built in CI.

    python manage.py render_erd schema.snapshot.json -o docs/schema.svg
    python manage.py render_erd postgresql://app@db/shop -o shop.pdf --focus order --hops 2
    python manage.py render_erd schema.snapshot.json -o sales.png --groups groups.json --group Sales

The format comes from the output's extension (.svg, .png, .pdf, .dot). ``--groups`` reads the
designer's groups as JSON: ``[{"name": "Sales", "colour": "#aa3300", "tables": ["order", …]}]``
(tables by name or element id), as a version stores them. Every bad input is one line on stderr
and exit status 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from designer.erd import FORMATS, OptionError, Options, RenderError, render_diagram
from designer.erd.dot import MAX_HOPS
from designer.erd.model import from_schema, groups_by_table
from migrations_engine.errors import EngineError
from migrations_engine.sources import load_source

EXTENSIONS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}


class Command(BaseCommand):
    help = "Render an ER diagram of a snapshot file or a database URL (format from -o's extension)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="a snapshot file or a database URL")
        parser.add_argument(
            "-o", "--output", required=True, help="the file to write: .svg, .png, .pdf or .dot"
        )
        parser.add_argument(
            "--groups", help="a JSON file of table groups (see the module docstring)"
        )
        parser.add_argument("--group", default="", help="draw this group only (needs --groups)")
        parser.add_argument("--focus", default="", help="draw this table and its neighbours only")
        parser.add_argument(
            "--hops", type=int, default=1, help=f"with --focus: how far to go (0 to {MAX_HOPS})"
        )
        parser.add_argument(
            "--view",
            choices=("all", "overview", "ungrouped"),
            default="all",
            help="all tables (default), one node per group, or the tables in no group",
        )
        parser.add_argument(
            "--highlight", action="append", default=[], help="mark names containing this"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        fmt = EXTENSIONS.get(output.suffix.lower())
        if fmt is None:
            known = ", ".join(EXTENSIONS)
            raise CommandError(f"cannot tell the format of {str(output)!r}: use one of {known}")
        if not 0 <= options["hops"] <= MAX_HOPS:
            raise CommandError(f"--hops must be between 0 and {MAX_HOPS}")
        if options["group"] and not options["groups"]:
            raise CommandError("--group needs --groups FILE")
        try:
            schema = load_source(options["source"])
        except EngineError as exc:
            raise CommandError(str(exc)) from None
        groups = groups_by_table(schema.tables, read_groups(options["groups"]))
        wanted = Options(
            view=options["view"],
            focus=options["focus"],
            hops=options["hops"],
            group=options["group"],
            highlight=tuple(term.lower() for term in options["highlight"]),
        )
        try:
            rendered = render_diagram(from_schema(schema, groups), wanted, fmt, strict=True)
        except (OptionError, RenderError) as exc:
            raise CommandError(str(exc)) from None
        try:
            output.write_bytes(rendered.content)
        except OSError as exc:
            raise CommandError(f"cannot write {str(output)!r}: {exc.strerror or exc}") from None
        shown = f"{rendered.shown} of {rendered.total}" if rendered.shown else str(rendered.total)
        self.stdout.write(f"Wrote {output} ({FORMATS[fmt].split(';')[0]}, {shown} tables)")


def read_groups(path: str | None) -> list[dict[str, Any]]:
    if not path:
        return []
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(
            f"cannot read groups {path!r}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    except json.JSONDecodeError as exc:
        raise CommandError(f"groups {path!r} is not valid JSON: {exc}") from None
    if not isinstance(data, list) or not all(
        isinstance(g, dict) and isinstance(g.get("tables", []), list) for g in data
    ):
        raise CommandError(
            f'groups {path!r}: expected a list of {{"name": …, "colour": …, "tables": […]}}'
        )
    return data
