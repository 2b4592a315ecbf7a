"""``render_erd``: an ER diagram of a snapshot file or a database URL, for documentation in CI.

    python -m designer.erd schema.snapshot.json -o docs/schema.svg
    python -m designer.erd postgresql://app@db/shop -o shop.pdf --focus order --hops 2
    python -m designer.erd schema.snapshot.json -o sales.png --groups groups.json --group Sales

``python manage.py render_erd …`` is the same command (``manage.py`` hands it here before Django
is set up). It needs no settings, no ``SECRET_KEY`` and no database: it imports neither Django
nor, for a snapshot file, the engine, since as a process its time is mostly imports beside
``dot``'s (docs/erd.md, "render_erd").

The format comes from the output's extension (.svg, .png, .pdf, .dot). ``--groups`` reads the
designer's groups as JSON: ``[{"name": "Sales", "colour": "#aa3300", "tables": ["order", …]}]``
(tables by name or element id), as a version stores them. Every bad input is one line on
stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence

from designer.erd import FORMATS, OptionError, Options, RenderError, gc_paused, render_diagram
from designer.erd.dot import MAX_HOPS
from designer.erd.model import Diagram, from_schema, from_snapshot, groups_by_table

TYPE_CHECKING = False  # as in erd.model: typing not imported
if TYPE_CHECKING:
    from typing import Any, NoReturn

    from migrations_engine.schema import Schema

DESCRIPTION = (
    "Render an ER diagram of a snapshot file or a database URL (format from -o's extension)."
)
EXTENSIONS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
# migrations_engine.snapshot.READABLE_FORMATS (a test holds them equal), not imported: that
# module costs more than drawing a small diagram. A format missing here is read by the engine.
SNAPSHOT_FORMATS = (
    "schema-snapshot/1",
    "schema-snapshot/2",
    "schema-snapshot/3",
    "schema-snapshot/4",
)


class Refused(Exception):
    """Bad input: the message is the one line the user sees."""


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line and exit status 1 like every other refusal."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"{self.prog}: {message} (see --help)\n")


def _formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's help layout, its width found as argparse finds it, without ``shutil``: argparse
    imports it (and lzma and bz2 with it) for the terminal's size even when no help is shown."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 80
    return argparse.HelpFormatter(prog, width=columns - 2)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments; ``manage.py``'s ``BaseCommand`` adds the same."""
    parser.add_argument("source", help="a snapshot file or a database URL")
    parser.add_argument(
        "-o", "--output", required=True, help="the file to write: .svg, .png, .pdf or .dot"
    )
    parser.add_argument("--groups", help="a JSON file of table groups (see docs/erd.md)")
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
    parser.add_argument(
        "--validate",
        action="store_true",
        help="read a snapshot file with all of the engine's checks (slower; by default only "
        "what the diagram draws is read, and checked for shape)",
    )


def render(options: Mapping[str, Any]) -> str:
    """Draw the diagram ``options`` (the parsed arguments) ask for into its file: the line to
    print. Raises ``Refused`` with a one-line message on any bad input."""
    output = options["output"]  # a str, not a Path: pathlib's import costs a millisecond or two
    fmt = EXTENSIONS.get(os.path.splitext(output)[1].lower())
    if fmt is None:
        known = ", ".join(EXTENSIONS)
        raise Refused(f"cannot tell the format of {output!r}: use one of {known}")
    if not 0 <= options["hops"] <= MAX_HOPS:
        raise Refused(f"--hops must be between 0 and {MAX_HOPS}")
    if options["group"] and not options["groups"]:
        raise Refused("--group needs --groups FILE")
    wanted = Options(
        view=options["view"],
        focus=options["focus"],
        hops=options["hops"],
        group=options["group"],
        highlight=tuple(term.lower() for term in options["highlight"]),
    )
    with gc_paused():
        diagram = read_diagram(options["source"], options["groups"], options.get("validate"))
        try:
            rendered = render_diagram(diagram, wanted, fmt, strict=True)
        except (OptionError, RenderError) as exc:
            raise Refused(str(exc)) from None
    try:
        with open(output, "wb") as file:
            file.write(rendered.content)
    except OSError as exc:
        raise Refused(f"cannot write {output!r}: {exc.strerror or exc}") from None
    shown = f"{rendered.shown} of {rendered.total}" if rendered.shown else str(rendered.total)
    return f"Wrote {output} ({FORMATS[fmt].split(';')[0]}, {shown} tables)"


def read_diagram(source: str, groups_path: str | None, validate: bool = False) -> Diagram:
    """The diagram of a snapshot file or a database URL, with the groups file's groups.

    A snapshot file is read as the web app reads a published version (``model.from_snapshot``):
    only what the diagram draws. Whatever that reading cannot take (a missing file, bad JSON,
    an unknown format, a key missing, a name that is not text) is read again by the engine,
    whose error says what is wrong; ``validate`` asks for the engine's reading from the start.
    """
    data = None if validate or _is_url(source) else _snapshot_data(source)
    if data is not None:
        groups = read_groups(groups_path)
        try:
            return _well_formed(from_snapshot(data, groups))
        except (KeyError, TypeError, AttributeError, ValueError):
            pass
    schema = _load_source(source)
    return from_schema(schema, groups_by_table(schema.tables, read_groups(groups_path)))


def _is_url(source: str) -> bool:
    if "://" not in source:  # a file: the engine's URL module not even imported
        return False
    from migrations_engine.urls import looks_like_url

    return looks_like_url(source)


def _load_source(source: str) -> Schema:
    """The engine's reading of a snapshot file or a database URL, with all its checks."""
    from migrations_engine.errors import EngineError
    from migrations_engine.sources import load_source

    try:
        return load_source(source)
    except EngineError as exc:
        raise Refused(str(exc)) from None


def _snapshot_data(path: str) -> dict[str, Any] | None:
    """The snapshot's JSON when it looks like one the light reading takes, else None."""
    try:
        with open(path, "rb") as file:
            data = json.loads(file.read())
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("format") in SNAPSHOT_FORMATS:
        return data
    return None


def _well_formed(diagram: Diagram) -> Diagram:
    """``diagram`` when every name and type it shows is text; TypeError otherwise."""
    for table in diagram.tables:
        if not isinstance(table.name, str) or not isinstance(table.comment, str | None):
            raise TypeError(table.name)
        for column in table.columns:
            if not (isinstance(column.name, str) and isinstance(column.type, str)):
                raise TypeError(column.name)
    return diagram


def read_groups(path: str | None) -> list[dict[str, Any]]:
    """The groups file's data (``[]`` without one)."""
    if not path:
        return []
    try:
        with open(path, encoding="utf-8") as file:
            data = json.loads(file.read())
    except (OSError, UnicodeDecodeError) as exc:
        raise Refused(
            f"cannot read groups {path!r}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    except json.JSONDecodeError as exc:
        raise Refused(f"groups {path!r} is not valid JSON: {exc}") from None
    if not isinstance(data, list) or not all(
        isinstance(g, dict) and isinstance(g.get("tables", []), list) for g in data
    ):
        raise Refused(
            f'groups {path!r}: expected a list of {{"name": …, "colour": …, "tables": […]}}'
        )
    return data


def main(argv: Sequence[str] | None = None, prog: str = "render_erd") -> int:
    """Run the command: exit status 0, or 1 with one line on stderr (never a traceback)."""
    parser = _Parser(prog=prog, description=DESCRIPTION, formatter_class=_formatter)
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    try:
        print(render(options))
    except Refused as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line, naming it, for the bug report
        print(f"{prog}: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


def run(argv: Sequence[str] | None = None, prog: str = "render_erd") -> NoReturn:
    """``main``, then the process ends at once: flushed, without the interpreter's teardown
    (freeing the modules and what they hold, a last collection), which has nothing to tidy
    once the file is written and costs a few per cent of a large diagram's time."""
    status = main(argv, prog)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
