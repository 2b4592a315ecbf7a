"""``python -m migrations_engine generate SOURCE --to TARGET``: a schema (a snapshot file or a
live database) as SQLAlchemy or Django models, DBML, the snapshot JSON or a CREATE script.
``register`` adds the command to the CLI's parser."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..cli import UsageError, dialect_argument
from ..dialects import NAMES
from ..errors import EngineError
from . import TARGETS


def register(commands: Any) -> None:
    """Add ``generate`` to the CLI's ``add_subparsers()`` result."""
    command = commands.add_parser("generate", help="write a schema as models, DBML, a snapshot or a CREATE script")
    command.add_argument("source", metavar="SOURCE", help="database URL or snapshot file")
    command.add_argument("--to", dest="target", required=True, choices=list(TARGETS), help="what to write")
    command.add_argument(
        "--dialect", type=dialect_argument,
        help=f"one of {', '.join(NAMES)}: the SQL and types written (default: the dialect of a URL given; needed for --to sql from a snapshot)",
    )
    command.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    command.set_defaults(handler=cmd_generate)


def cmd_generate(args: argparse.Namespace) -> int:
    from . import generate
    from ..sources import load_source, source_dialect

    dialect = args.dialect or source_dialect(args.source)
    if args.target == "sql" and dialect is None:
        raise UsageError("generate: give --dialect (postgresql, mysql or sqlite) for the CREATE script of a snapshot file")
    schema = load_source(args.source)
    text = generate(schema, args.target, dialect)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise EngineError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    return 0
