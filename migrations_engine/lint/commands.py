"""``python -m migrations_engine lint SOURCE [--against OLD]``: the lint findings of a schema and,
with ``--against``, of the change from OLD to SOURCE, for people and for CI.

Exit status: 0 when no finding is at or above ``--fail-on`` (default ``error``: warnings and
notes are printed but do not fail a build), 1 when one is, 2 when the lint could not run (a
usage error, a source that cannot be read, a database that does not answer).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import EngineError

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_FAILED = 2

#: Files read through ``migrations_engine.imports`` rather than as a snapshot, by suffix.
_IMPORT_FORMATS = {".sql": "sql", ".dbml": "dbml"}


def register(commands: Any) -> None:
    """Add ``lint`` to the CLI's ``add_subparsers()`` result."""
    from ..cli import dialect_argument
    from ..dialects import NAMES

    lint = commands.add_parser(
        "lint",
        help="report likely mistakes in a schema, and risky steps in a change (exit 1 on findings at --fail-on)",
        description=(
            "Lint a schema (snapshot file, .sql or .dbml file, or database URL) and, with --against, "
            "the change from OLD to it. Exit 0: nothing at or above --fail-on; 1: findings; 2: could not lint."
        ),
    )
    lint.add_argument("source", metavar="SOURCE", help="snapshot file, .sql/.dbml file or database URL")
    lint.add_argument("--against", metavar="OLD", help="lint the change from OLD (snapshot, file or URL; a URL's row counts are used)")
    lint.add_argument("--dialect", type=dialect_argument, help=f"one of {', '.join(NAMES)} (default: the dialect of a URL given)")
    lint.add_argument("--disable", metavar="RULE,...", default="", help="rule ids or slugs to skip, comma-separated")
    lint.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    lint.add_argument("--fail-on", choices=("error", "warning", "info"), default="error", help="lowest severity that makes the exit status 1 (default: error)")
    lint.set_defaults(handler=cmd_lint)


def cmd_lint(args: argparse.Namespace) -> int:
    # Failures a user can cause exit 2 here, not the CLI's 1: 1 means "findings" to a CI job.
    try:
        findings = _findings(args)
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_FAILED
    from . import at_or_above

    if args.format == "json":
        json.dump([f.to_data() for f in findings], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_text(findings))
    return EXIT_FINDINGS if at_or_above(findings, args.fail_on) else EXIT_CLEAN


def _findings(args: argparse.Namespace) -> list[Any]:
    from ..sources import source_dialect
    from . import disabled_ids, lint_change, lint_schema

    disabled = disabled_ids(args.disable.split(","))
    dialect = args.dialect or source_dialect(args.source) or (source_dialect(args.against) if args.against else None)
    if dialect is None:
        raise EngineError("lint: give --dialect (postgresql, mysql or sqlite) when no database URL is given")
    new = _read(args.source, dialect)
    findings = lint_schema(new, dialect, disabled)
    if args.against:
        old = _read(args.against, dialect)
        counts = RowCounts(args.against, old) if source_dialect(args.against) else None
        try:
            findings += lint_change(old, new, dialect, row_counts=counts, disabled=disabled)
        finally:
            if counts is not None:
                counts.close()
    return findings


def _read(source: str, dialect: str) -> Any:
    """The schema of a URL, a snapshot file, or an SQL/DBML file (read by ``imports``)."""
    from ..sources import load_source
    from ..urls import looks_like_url

    suffix = Path(source).suffix.lower()
    if suffix in _IMPORT_FORMATS and not looks_like_url(source):
        from ..imports import import_text

        text = Path(source).read_text(encoding="utf-8")
        try:
            return import_text(text, _IMPORT_FORMATS[suffix], dialect).schema
        except ImportError:
            raise EngineError(f"reading {_IMPORT_FORMATS[suffix]} files is not available in this version") from None
    return load_source(source)


class RowCounts(Mapping[str, int]):
    """The row count of each table of a live database, counted when a rule first asks
    (``SELECT COUNT(*)`` on a large table is slow: only tables a rule needs are counted)."""

    def __init__(self, url: str, schema: Any) -> None:
        self._url = url
        self._tables = [t.name for t in schema.tables]
        self._counts: dict[str, int] = {}
        self._database: Any = None

    def __getitem__(self, table: str) -> int:
        if table not in self._tables:
            raise KeyError(table)
        if table not in self._counts:
            from ..connection import connect
            from ..dialects import get_dialect

            if self._database is None:
                self._database = connect(self._url, create=False)
            quoted = get_dialect(self._database.dialect).quote(table)
            self._counts[table] = int(self._database.query(f"SELECT COUNT(*) FROM {quoted}")[0][0])
        return self._counts[table]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None


def format_text(findings: list[Any]) -> str:
    """One block per finding: ``severity rule slug: message``, the docs anchor, the safe SQL."""
    lines = []
    for f in findings:
        lines.append(f"{f.severity:7} {f.rule} {f.slug}: {f.message}")
        lines.append(f"        see {f.docs}")
        if f.safe_sql:
            lines.extend("        | " + line for line in f.safe_sql.splitlines())
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    lines.append(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}: " + ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items()))
    return "\n".join(lines) + "\n"
