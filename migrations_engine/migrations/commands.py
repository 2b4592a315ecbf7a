"""The migration subcommands of ``python -m migrations_engine``: makemigration, migrate, rollback,
status, validate, baseline. ``register`` adds them to the CLI's parser; each handler returns the
exit status and raises ``EngineError`` subclasses for the CLI to print on one line.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..cli import dialect_argument
from ..dialects import NAMES
from .appliers import RunOptions
from .errors import EmptyMigration, MigrationError
from .export import FORMATS
from .folder import MigrationFolder
from .history import without_runner_tables
from .model import Migration
from .runner import Runner

if TYPE_CHECKING:
    from ..operations import Operation
    from ..schema import Schema
    from ..unmanaged import UnmanagedObject

# Handlers import the schema machinery (diff, sources, introspection) when they need it:
# ``migrate`` and ``rollback`` of a folder never do, and start faster without it.

LAST = "last"


def register(commands: Any) -> None:
    """Add the migration subcommands to the CLI's ``add_subparsers()`` result."""
    make = commands.add_parser("makemigration", help="write the next migration (FROM → TO) into a migrations folder")
    make.add_argument("folder", metavar="DIR", help="the migrations folder (created if missing)")
    make.add_argument("--to", dest="to_source", required=True, metavar="TO", help="snapshot file or database URL")
    make.add_argument(
        "--from",
        dest="from_source",
        default=LAST,
        metavar="FROM",
        help="snapshot file or database URL; 'last' (default): the schema the folder's last migration leaves, empty for the first",
    )
    make.add_argument("--name", required=True, help="what the migration does, in a few words")
    make.add_argument(
        "--dialect",
        dest="dialects",
        action="append",
        type=dialect_argument,
        help=f"render SQL for this dialect ({', '.join(NAMES)}); repeat for several (default: a URL's, else the last migration's)",
    )
    make.set_defaults(handler=cmd_makemigration)

    migrate = commands.add_parser("migrate", help="apply the pending migrations of DIR to a database")
    _folder_and_url(migrate)
    migrate.add_argument("--to", type=int, metavar="V", help="stop after version V")
    migrate.add_argument("--dry-run", action="store_true", help="print the statements that would run; change nothing")
    migrate.add_argument("--resume", action="store_true", help="continue a migration that stopped half-way (MySQL)")
    migrate.add_argument(
        "--no-validate",
        dest="validate",
        action="store_false",
        help="skip running the pending migrations on a scratch copy of the database's schema first (up, down, up again)",
    )
    migrate.add_argument(
        "--scratch-url",
        metavar="URL",
        help="server on which validation creates its scratch databases (default: the target's; SQLite: in memory)",
    )
    _run_options(migrate)
    migrate.set_defaults(handler=cmd_migrate)

    rollback = commands.add_parser("rollback", help="undo the applied migrations above version V")
    _folder_and_url(rollback)
    rollback.add_argument("--to", type=int, required=True, metavar="V", help="the version to go back to (0: all)")
    rollback.add_argument("--dry-run", action="store_true", help="print the statements that would run; change nothing")
    _run_options(rollback)
    rollback.set_defaults(handler=cmd_rollback)

    status = commands.add_parser("status", help="applied and pending migrations, and drift")
    _folder_and_url(status)
    status.set_defaults(handler=cmd_status)

    validate = commands.add_parser("validate", help="check a migrations folder against its integrity file")
    validate.add_argument("folder", metavar="DIR")
    validate.set_defaults(handler=cmd_validate)

    backups = commands.add_parser("backups", help="list the backups taken before destructive changes, or purge them")
    _folder_and_url(backups)
    backups.add_argument("--purge", action="store_true", help="drop the backups (a rollback then restores no data)")
    backups.add_argument("--version", type=int, metavar="V", help="with --purge: only the backups of version V")
    _run_options(backups)
    backups.set_defaults(handler=cmd_backups)

    export_cmd = commands.add_parser("export", help="write the folder's migrations for Flyway, golang-migrate, dbmate or Alembic")
    export_cmd.add_argument("folder", metavar="DIR", help="the migrations folder")
    export_cmd.add_argument("--format", required=True, choices=FORMATS, help="the tool whose files to write")
    export_cmd.add_argument("--dialect", type=dialect_argument, help="whose SQL to export (default: the migrations' only dialect)")
    export_cmd.add_argument("--out", required=True, metavar="OUTDIR", help="where to write the files (created if missing)")
    export_cmd.set_defaults(handler=cmd_export)

    baseline = commands.add_parser("baseline", help="record versions up to V as applied without running them")
    _folder_and_url(baseline)
    baseline.add_argument("--version", type=int, required=True, metavar="V")
    _run_options(baseline)
    baseline.set_defaults(handler=cmd_baseline)


def _folder_and_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="the migrations folder")
    parser.add_argument("url", metavar="URL", help="database URL")


def _run_options(parser: argparse.ArgumentParser) -> None:
    defaults = RunOptions()
    parser.add_argument("--lock-timeout", type=float, default=defaults.lock_timeout, metavar="SECONDS", help="wait this long for another runner (default %(default)s)")
    parser.add_argument("--ddl-lock-timeout", type=float, default=defaults.ddl_lock_timeout, metavar="SECONDS", help="a statement waits this long for a table lock before a retry (default %(default)s)")
    parser.add_argument("--statement-timeout", type=float, default=None, metavar="SECONDS", help="cancel a statement running longer (default: no limit)")
    parser.add_argument("--retries", type=int, default=defaults.retries, metavar="N", help="retries after a lock wait timed out (default %(default)s)")


def _options(args: argparse.Namespace) -> RunOptions:
    return RunOptions(
        lock_timeout=args.lock_timeout,
        ddl_lock_timeout=args.ddl_lock_timeout,
        statement_timeout=args.statement_timeout,
        retries=args.retries,
        validate=getattr(args, "validate", True),
        scratch_url=getattr(args, "scratch_url", None),
    )


# ------------------------------------------------------------ handlers


def cmd_makemigration(args: argparse.Namespace) -> int:
    from ..diff import diff

    folder = MigrationFolder(args.folder)
    migrations = folder.read() if folder.path.exists() else []
    last = migrations[-1] if migrations else None
    name = args.name.strip()
    if not name:
        raise MigrationError("--name must say what the migration does")
    start, end, unmanaged = _schemas(args.from_source, args.to_source, last)
    operations = diff(start, end)
    if not operations:
        raise EmptyMigration("nothing to migrate: TO holds the same schema as FROM (no migration written)")
    dialects = _dialects(args, last)
    _keep_unmanaged(args.from_source, operations, start, unmanaged)
    migration = Migration.create(len(migrations) + 1, name, start, end, operations, dialects)
    path = folder.write(migration)
    destructive = len(migration.destructive_operations())
    warning = f", {destructive} destructive" if destructive else ""
    print(f"wrote {path} ({len(operations)} operations{warning}; {', '.join(migration.dialects)})")
    return 0


def _keep_unmanaged(
    from_source: str, operations: list[Operation], start: Schema, unmanaged: tuple[UnmanagedObject, ...]
) -> None:
    """A migration made from a live database: say what it holds that the engine does not model,
    and refuse, before anything is written, a migration that would drop or break it (the runner
    would refuse to apply it)."""
    from ..sources import source_dialect
    from ..unmanaged import check, note_text

    note = note_text(unmanaged)
    if note:
        print(note, file=sys.stderr)
    dialect = source_dialect(from_source)
    if unmanaged and dialect is not None:
        check(operations, start, dialect, unmanaged)


def _schemas(
    from_source: str, to_source: str, last: Migration | None
) -> tuple[Schema, Schema, tuple[UnmanagedObject, ...]]:
    """The schemas to diff, and the objects FROM's database holds that the engine does not model.
    After the first migration every one starts where the last one ends."""
    from ..compare import differences
    from ..schema import Schema
    from ..sources import load_sources, read_sources

    previous = last.schema if last is not None else Schema()
    if from_source == LAST:
        (end,) = load_sources(to_source)
        return previous, without_runner_tables(end), ()
    source, target = read_sources(from_source, to_source)
    start, end = without_runner_tables(source.schema), without_runner_tables(target.schema)
    if last is None:
        return start, end, source.unmanaged
    found = differences(previous, start)
    if found:
        raise MigrationError(
            f"FROM is not the schema migration {last.label} leaves ({len(found)} differences, first: {found[0]}); "
            "use --from last"
        )
    return previous, end, source.unmanaged


def _dialects(args: argparse.Namespace, last: Migration | None) -> list[str]:
    from ..sources import source_dialect

    if args.dialects:
        return args.dialects
    from_url = [d for d in (source_dialect(args.to_source), source_dialect(args.from_source) if args.from_source != LAST else None) if d]
    if from_url:
        return from_url[:1]
    if last is not None:
        return list(last.dialects)
    raise MigrationError("give --dialect (postgresql, mysql or sqlite): FROM and TO are snapshot files")


def cmd_migrate(args: argparse.Namespace) -> int:
    Runner(args.folder, args.url, _options(args)).migrate(args.to, dry_run=args.dry_run, resume=args.resume)
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    Runner(args.folder, args.url, _options(args)).rollback(args.to, dry_run=args.dry_run)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from .status import read_status

    sys.stdout.write(read_status(MigrationFolder(args.folder), args.url).text())
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    migrations = MigrationFolder(args.folder).read()
    last = f", last {migrations[-1].label}" if migrations else ""
    print(f"ok: {len(migrations)} migrations, each matching migrations.sum, chain intact{last}")
    return 0


def cmd_baseline(args: argparse.Namespace) -> int:
    Runner(args.folder, args.url, _options(args)).baseline(args.version)
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    runner = Runner(args.folder, args.url, _options(args))
    if args.purge:
        runner.purge_backups(args.version)
    elif args.version is not None:
        raise MigrationError("--version selects the backups to purge: give --purge too")
    else:
        print("\n".join(runner.backups()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export

    migrations = MigrationFolder(args.folder).read()
    if not migrations:
        raise MigrationError(f"nothing to export: {args.folder} holds no migration")
    dialect = args.dialect
    if dialect is None:
        common = set(migrations[0].dialects).intersection(*(m.dialects for m in migrations))
        if len(common) != 1:
            raise MigrationError(f"give --dialect: the migrations hold SQL for {', '.join(sorted(common)) or 'no common dialect'}")
        (dialect,) = common
    written = export(migrations, args.format, dialect, args.out)
    print(f"wrote {len(written)} files for {args.format} ({dialect}) to {args.out}")
    return 0
