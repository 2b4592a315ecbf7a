"""The ``import`` command: ``python -m migrations_engine import FILE --from sql|dbml|snapshot
[--dialect D]`` prints the snapshot JSON of what FILE (``-`` for stdin) describes on stdout, and
on stderr one line per statement left out (``line 12: skipped view "v": not managed by the
engine``) and per note."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import EngineError
from . import FORMATS, ImportResult, Skipped


def register(commands: Any) -> None:
    """Add the ``import`` subcommand to the CLI's ``add_subparsers()`` result."""
    from ..cli import dialect_argument
    from ..dialects import NAMES

    command = commands.add_parser("import", help="print the snapshot (JSON) of a SQL, DBML or snapshot file")
    command.add_argument("file", metavar="FILE", help="the file to read, or - for stdin")
    command.add_argument("--from", dest="source_format", required=True, choices=FORMATS, help="what FILE holds")
    command.add_argument(
        "--dialect", type=dialect_argument, help=f"one of {', '.join(NAMES)}: the SQL's dialect (required for sql)"
    )
    command.set_defaults(handler=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from .. import snapshot
    from . import import_text

    if args.source_format == "sql" and args.dialect is None:
        from ..cli import UsageError

        raise UsageError("import: --from sql needs --dialect (postgresql, mysql or sqlite)")
    text = _read(args.file)
    result = import_text(text, args.source_format, args.dialect)
    for line in report_lines(result):
        print(line, file=sys.stderr)
    sys.stdout.write(snapshot.dumps(result.schema))
    return 0


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8-sig") as file:
            return file.read()
    except FileNotFoundError:
        raise EngineError(f"no such file: {path}") from None
    except UnicodeDecodeError as exc:
        raise EngineError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise EngineError(f"cannot read {path}: {exc.strerror}") from None


def report_lines(result: ImportResult) -> list[str]:
    """What the import left out and noted, one line each, in the order of the file."""
    return [skipped_line(s) for s in result.skipped] + [f"note: {note}" for note in result.notes]


def skipped_line(skipped: Skipped) -> str:
    where = f"line {skipped.line}: " if skipped.line else ""
    name = _object_name(skipped)
    return f"{where}skipped {skipped.kind}{' ' + name if name else ''}: {skipped.reason}"


def _object_name(skipped: Skipped) -> str:
    """The name of a view, function, trigger … from the statement's first line, quoted."""
    import re

    match = re.search(
        r"\b(?:VIEW|FUNCTION|PROCEDURE|TRIGGER|AGGREGATE|RULE|POLICY|EVENT|TYPE|SCHEMA|EXTENSION|TABLE|INDEX)\s+"
        r"(?:IF\s+(?:NOT\s+)?EXISTS\s+)?((?:[`\"][^`\"]+[`\"]|[\w$]+)(?:\.(?:[`\"][^`\"]+[`\"]|[\w$]+))?)",
        skipped.text, re.IGNORECASE,
    )
    if not match:
        return ""
    name = match.group(1).split(".")[-1].strip("`\"")
    return '"' + name.replace('"', '""') + '"'
