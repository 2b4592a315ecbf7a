"""One versioned migration: its operations, its SQL per dialect, the schemas it joins, its files.

A migration is stored as a folder (``0003_add_email/``) holding ``migration.json`` (everything
below) and, for reading only, ``<dialect>.up.sql`` / ``<dialect>.down.sql``. The runner executes
the statements of ``migration.json``; the checksum covers every file of the folder, so an edit to
any of them is caught. docs/migrations.md describes the format.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from .. import snapshot
from ..operations import Operation, apply_all, operations_from_data, operations_to_data, reverse_all
from ..render import Statement, render, render_down
from ..schema import Schema
from .errors import MigrationError

FORMAT = "engine-migration/1"
MANIFEST = "migration.json"


@dataclass(frozen=True)
class Script:
    """The up and down statements of a migration for one dialect.

    ``Statement.operation`` is the index of the operation a statement belongs to: in ``up`` an
    index into the migration's operations, in ``down`` an index into their reverse (down
    operation ``i`` undoes up operation ``n - 1 - i``).
    """

    up: tuple[Statement, ...]
    down: tuple[Statement, ...]

    def up_start(self, operation: int) -> int:
        """How many up statements run before operation ``operation`` starts."""
        return sum(1 for s in self.up if s.operation < operation)

    def down_of(self, operation: int, count: int) -> list[Statement]:
        """The down statements undoing up operation ``operation`` of ``count`` operations."""
        return [s for s in self.down if s.operation == count - 1 - operation]


@dataclass(frozen=True)
class Migration:
    """A numbered step from the schema hashed ``from_hash`` to ``schema`` (hashed ``to_hash``).

    ``operations`` and ``schema`` are parsed from their JSON on first use: the runner needs
    neither to apply a migration, and a long history loads faster without them.
    """

    version: int
    name: str
    from_hash: str
    to_hash: str
    scripts: Mapping[str, Script]
    operations_data: tuple[dict[str, Any], ...]
    schema_data: dict[str, Any] = field(repr=False)
    #: The checksum of the migration's files as read or written (see ``checksum_of``).
    checksum: str = ""

    @staticmethod
    def create(
        version: int, name: str, start: Schema, end: Schema, operations: list[Operation], dialects: Iterable[str]
    ) -> Migration:
        """A migration taking ``start`` to ``end`` by ``operations``, rendered for each dialect."""
        scripts = {
            dialect: Script(tuple(render(operations, start, dialect)), tuple(render_down(operations, end, dialect)))
            for dialect in sorted(set(dialects))
        }
        migration = Migration(
            version=version,
            name=name,
            from_hash=snapshot.content_hash(start),
            to_hash=snapshot.content_hash(end),
            scripts=scripts,
            operations_data=tuple(operations_to_data(operations)),
            schema_data=snapshot.to_data(end),
        )
        return replace(migration, checksum=checksum_of(migration.files()))

    # ------------------------------------------------------------ derived

    @cached_property
    def operations(self) -> list[Operation]:
        return operations_from_data(list(self.operations_data))

    @cached_property
    def schema(self) -> Schema:
        """The schema this migration leaves (its ``to`` snapshot)."""
        return snapshot.from_data(self.schema_data)

    @property
    def label(self) -> str:
        """``0003 add email``: how messages name a migration."""
        return f"{version_text(self.version)} {self.name}"

    @property
    def folder_name(self) -> str:
        return f"{version_text(self.version)}_{slug(self.name)}"

    @property
    def dialects(self) -> tuple[str, ...]:
        return tuple(sorted(self.scripts))

    def script(self, dialect: str) -> Script:
        """The statements for ``dialect``; a clear error when the migration was made without them."""
        try:
            return self.scripts[dialect]
        except KeyError:
            made = ", ".join(self.dialects) or "no dialect"
            raise MigrationError(
                f"migration {self.label} has no SQL for {dialect} (it was made for {made}; "
                f"make it with --dialect {dialect})"
            ) from None

    def schema_before(self, operation: int) -> Schema:
        """The schema just before operation ``operation`` runs (the ``to`` schema with the rest undone)."""
        return apply_all(reverse_all(self.operations[operation:]), self.schema)

    def destructive_operations(self) -> list[Operation]:
        return [op for op in self.operations if op.destructive]

    # ------------------------------------------------------------ files

    def to_data(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "name": self.name,
            "from_hash": self.from_hash,
            "to_hash": self.to_hash,
            "operations": list(self.operations_data),
            "destructive": [i for i, op in enumerate(self.operations) if op.destructive],
            "sql": {
                dialect: {"up": _statements_to_data(script.up), "down": _statements_to_data(script.down)}
                for dialect, script in sorted(self.scripts.items())
            },
            "schema": self.schema_data,
        }

    def files(self) -> dict[str, str]:
        """The files of the migration's folder: name → text."""
        files = {MANIFEST: json.dumps(self.to_data(), indent=2, ensure_ascii=False) + "\n"}
        up_operations = self.operations
        down_operations = reverse_all(up_operations)
        for dialect, script in sorted(self.scripts.items()):
            files[f"{dialect}.up.sql"] = self._sql_file(dialect, "up", list(script.up), up_operations)
            files[f"{dialect}.down.sql"] = self._sql_file(dialect, "down", list(script.down), down_operations)
        return files

    def _sql_file(self, dialect: str, direction: str, statements: list[Statement], operations: list[Operation]) -> str:
        header = (
            f"-- {self.label}: {direction} ({dialect})\n"
            f"-- For reading: the runner executes the statements of {MANIFEST}; this file is covered by the checksum.\n"
        )
        notes = {i: DESTRUCTIVE_NOTE for i, op in enumerate(operations) if op.destructive}
        return header + annotated_script(statements, operations, notes)

    @staticmethod
    def from_data(data: Any, where: str) -> Migration:
        """A migration from its ``migration.json`` data; errors name ``where``."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise MigrationError(f"{where}: not a migration of format {FORMAT!r}")
        try:
            version, name = data["version"], data["name"]
            if not isinstance(version, int) or version < 1 or not isinstance(name, str):
                raise MigrationError(f"{where}: bad version or name")
            scripts = {
                dialect: Script(_statements_from_data(sql["up"]), _statements_from_data(sql["down"]))
                for dialect, sql in data["sql"].items()
            }
            return Migration(
                version=version,
                name=name,
                from_hash=str(data["from_hash"]),
                to_hash=str(data["to_hash"]),
                scripts=scripts,
                operations_data=tuple(data["operations"]),
                schema_data=data["schema"],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MigrationError(f"{where}: malformed migration ({type(exc).__name__}: {exc})") from None


DESTRUCTIVE_NOTE = "destructive: the runner saves the data it destroys (docs/migrations.md)"


def annotated_script(statements: list[Statement], operations: list[Operation], notes: Mapping[int, str]) -> str:
    """A SQL script as ``render.script_text`` writes it, each operation in ``notes`` followed by its note."""
    lines: list[str] = []
    current = -1
    for statement in statements:
        if statement.operation != current:
            current = statement.operation
            lines.append(f"-- {operations[current].describe()}")
            if current in notes:
                lines.append(f"--   {notes[current]}")
        lines.append(statement.sql + ";")
    return "\n".join(lines) + ("\n" if lines else "")


def _statements_to_data(statements: Iterable[Statement]) -> list[dict[str, Any]]:
    return [{"sql": s.sql, "operation": s.operation} for s in statements]


def _statements_from_data(data: list[dict[str, Any]]) -> tuple[Statement, ...]:
    return tuple(Statement(str(item["sql"]), int(item["operation"])) for item in data)


def version_text(version: int) -> str:
    """Versions are zero-padded to four digits in names (``0003``); longer ones keep their digits."""
    return f"{version:04d}"


def slug(name: str) -> str:
    """A file-name-safe form of a migration name: ASCII lower case, words joined by ``_``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:60].rstrip("_")
    return text or "migration"


def checksum_of(files: Mapping[str, str]) -> str:
    """The hash of a migration's files, names included; line endings do not count."""
    digest = hashlib.sha256()
    for name in sorted(files):
        text = files[name].replace("\r\n", "\n")
        digest.update(name.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
    return "sha256:" + digest.hexdigest()
