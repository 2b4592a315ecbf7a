"""The command line: ``python -m migrations_engine <command> ...``.

Every failure a user can cause ends with one line on stderr and a non-zero exit status, never a
traceback (set ``MIGRATIONS_ENGINE_TRACEBACK=1`` to see one for an internal error).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .dialects import NAMES, canonical_name, get_dialect
from .errors import EngineError

if TYPE_CHECKING:
    from .unmanaged import UnmanagedObject

#: Modules that add their subcommands with ``register(commands)``.
_COMMAND_MODULES = (
    ".migrations.commands",
    ".lint.commands",
    ".generate.commands",
    ".imports.commands",
)

EXIT_ERROR = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line arguments."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see --help)")


# Each command imports what it needs when it runs, so that ``migrate`` does not pay for the
# diff, render and introspection modules (and SQLAlchemy, sqlglot) it never uses.


def cmd_inspect(args: argparse.Namespace) -> int:
    from . import snapshot
    from .sources import read_source

    source = read_source(args.source)
    _note_unmanaged(source.unmanaged)
    sys.stdout.write(snapshot.dumps(source.schema))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import diff
    from .render import render, render_down, script_text
    from .sources import read_sources, source_dialect
    from .unmanaged import check

    dialect = args.dialect or source_dialect(args.to_source) or source_dialect(args.from_source)
    if dialect is None:
        raise UsageError("diff: give --dialect (postgresql, mysql or sqlite) when both sides are snapshot files")
    target = get_dialect(dialect)
    old_source, new_source = read_sources(args.from_source, args.to_source)
    old, new = old_source.schema, new_source.schema
    operations = diff(old, new)
    if args.down:
        statements = render_down(operations, new, target)
        shown = [op.reverse() for op in reversed(operations)]
    else:
        statements = render(operations, old, target)
        shown = operations
    # The script runs on FROM (on TO with --down): what that database holds beyond the engine's
    # model is listed, and kept (a script that would drop or break it is refused).
    runs_on = new_source if args.down else old_source
    _note_unmanaged(runs_on.unmanaged)
    check(shown, new if args.down else old, target.name, runs_on.unmanaged, statements)
    if not operations:
        print("-- no changes", file=sys.stderr)
    sys.stdout.write(script_text(statements, shown))
    return 0


def _note_unmanaged(objects: Sequence[UnmanagedObject]) -> None:
    """The note on what a database holds that the engine does not model (stderr: stdout is the output)."""
    from .unmanaged import note_text

    note = note_text(objects)
    if note:
        print(note, file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m migrations_engine", description="Schema snapshots, diffs and SQL migrations.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    inspect = commands.add_parser("inspect", help="print the schema snapshot (JSON) of a database or snapshot file")
    inspect.add_argument("source", metavar="SOURCE", help="database URL or snapshot file")
    inspect.set_defaults(handler=cmd_inspect)

    diff_cmd = commands.add_parser("diff", help="print the SQL that turns FROM into TO")
    diff_cmd.add_argument("from_source", metavar="FROM", help="database URL or snapshot file")
    diff_cmd.add_argument("to_source", metavar="TO", help="database URL or snapshot file")
    diff_cmd.add_argument("--dialect", choices=None, type=dialect_argument, help=f"one of {', '.join(NAMES)} (default: the dialect of a URL given)")
    diff_cmd.add_argument("--down", action="store_true", help="print the down script (TO back to FROM)")
    diff_cmd.set_defaults(handler=cmd_diff)
    for module_name in _COMMAND_MODULES:
        importlib.import_module(module_name, __package__).register(commands)
    return parser


def dialect_argument(text: str) -> str:
    """An argparse ``type``: a dialect's name or alias, as the dialect's own name."""
    try:
        return canonical_name(text)
    except EngineError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one line, traceback only on request
        if os.environ.get("MIGRATIONS_ENGINE_TRACEBACK"):
            import traceback  # only here: every start of the CLI would pay for it

            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (set MIGRATIONS_ENGINE_TRACEBACK=1 for details)", file=sys.stderr)
        return EXIT_ERROR
