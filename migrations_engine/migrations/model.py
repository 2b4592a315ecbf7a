"""One versioned migration: its operations, its SQL per dialect, the schemas it joins, its files.

A migration is stored as a folder (``0003_add_email/``) holding ``migration.json`` (everything but
the ``to`` snapshot), ``schema.json`` (the ``to`` snapshot) and, for reading only,
``<dialect>.up.sql`` / ``<dialect>.down.sql``. The runner executes the statements of
``migration.json``; the checksum covers every file of the folder, so an edit to any of them is
caught. docs/migrations.md describes the format.

Applying a folder needs none of the schema machinery: statements and backup statements are stored
rendered, and operations and the snapshot are parsed on first use only.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..statement import Statement
from .errors import MigrationError

if TYPE_CHECKING:
    from ..operations import Operation
    from ..schema import Schema

#: Format 2 keeps the ``to`` snapshot in ``schema.json`` and the backups' statements in
#: ``migration.json``; format 1 (the snapshot inside ``migration.json``, backups planned when
#: read) is still read.
FORMAT = "engine-migration/2"
FORMAT_1 = "engine-migration/1"
MANIFEST = "migration.json"
SCHEMA_FILE = "schema.json"


@dataclass(frozen=True)
class BackupScript:
    """A backup's statements on one dialect: ``take`` (copy, then record) runs just before its
    operation; ``restore`` (put back, then drop the copy) right after that operation is undone."""

    take: tuple[str, ...]
    restore: tuple[str, ...]


@dataclass(frozen=True)
class Backup:
    """What the runner saves before operation ``operation`` of migration ``version``
    (``backups.py`` plans it and renders its statements when the migration is made)."""

    name: str
    version: int
    operation: int
    kind: str  # "table": every row; "column": one column's values with ``keys``
    table: str
    column: str | None
    keys: tuple[str, ...]  # the columns matching a saved value to its row (column backups)
    key_is_primary: bool
    sql: Mapping[str, BackupScript] = field(default_factory=dict, compare=False)

    def describe(self) -> str:
        saved = "its rows" if self.kind == "table" else f"the values of “{self.column}” with {self._keys_text()}"
        return f"{saved} are saved in “{self.name}”"

    def _keys_text(self) -> str:
        names = ", ".join(f"“{k}”" for k in self.keys)
        return f"the primary key ({names})" if self.key_is_primary else f"every other column ({names})"

    def to_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "operation": self.operation,
            "kind": self.kind,
            "table": self.table,
            "column": self.column,
            "keys": list(self.keys),
            "key_is_primary": self.key_is_primary,
            "sql": {d: {"take": list(s.take), "restore": list(s.restore)} for d, s in sorted(self.sql.items())},
        }

    @staticmethod
    def from_data(data: dict[str, Any], version: int) -> Backup:
        return Backup(
            name=str(data["name"]),
            version=version,
            operation=int(data["operation"]),
            kind=str(data["kind"]),
            table=str(data["table"]),
            column=None if data["column"] is None else str(data["column"]),
            keys=tuple(str(k) for k in data["keys"]),
            key_is_primary=bool(data["key_is_primary"]),
            sql={
                dialect: BackupScript(tuple(map(str, s["take"])), tuple(map(str, s["restore"])))
                for dialect, s in data["sql"].items()
            },
        )


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
    #: The ``to`` snapshot as JSON text (``schema.json``).
    schema_json: str = field(repr=False)
    #: The backups with their statements as stored (format 2); None: planned from the schema on
    #: first use (format 1, and migrations built by hand in tests).
    stored_backups: tuple[Backup, ...] | None = field(default=None, repr=False)
    #: The checksum of the migration's files as read or written (see ``checksum_of``).
    checksum: str = ""

    @staticmethod
    def create(
        version: int, name: str, start: Schema, end: Schema, operations: list[Operation], dialects: Iterable[str]
    ) -> Migration:
        """A migration taking ``start`` to ``end`` by ``operations``, rendered for each dialect."""
        from .. import snapshot
        from ..operations import operations_to_data
        from ..render import render, render_down

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
            schema_json=snapshot.dumps(end),
        )
        migration = replace(migration, stored_backups=migration.backups)
        return replace(migration, checksum=checksum_of(migration.files()))

    # ------------------------------------------------------------ derived

    @cached_property
    def operations(self) -> list[Operation]:
        from ..operations import operations_from_data

        return operations_from_data(list(self.operations_data))

    @cached_property
    def schema(self) -> Schema:
        """The schema this migration leaves (its ``to`` snapshot)."""
        from .. import snapshot

        return snapshot.loads(self.schema_json)

    @cached_property
    def backups(self) -> tuple[Backup, ...]:
        """The backups taken before the destructive operations, in order, with their statements."""
        if self.stored_backups is not None:
            return self.stored_backups
        # Loads the dialects: only for migrations without stored backups.
        from .backups import plan_backups

        return plan_backups(self)

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
        from ..operations import apply_all, reverse_all

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
            "backups": [backup.to_data() for backup in self.backups],
        }

    def files(self) -> dict[str, str]:
        """The files of the migration's folder: name → text."""
        from ..operations import reverse_all

        files = {
            MANIFEST: json.dumps(self.to_data(), indent=2, ensure_ascii=False) + "\n",
            SCHEMA_FILE: self.schema_json,
        }
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
    def from_data(data: Any, where: str, schema_json: str | None = None) -> Migration:
        """A migration from its ``migration.json`` data and its ``schema.json`` text (format 2;
        format 1 holds the snapshot in ``data``); errors name ``where``."""
        if not isinstance(data, dict) or data.get("format") not in (FORMAT, FORMAT_1):
            raise MigrationError(f"{where}: not a migration of format {FORMAT!r}")
        try:
            version, name = data["version"], data["name"]
            if not isinstance(version, int) or version < 1 or not isinstance(name, str):
                raise MigrationError(f"{where}: bad version or name")
            scripts = {
                dialect: Script(_statements_from_data(sql["up"]), _statements_from_data(sql["down"]))
                for dialect, sql in data["sql"].items()
            }
            if data["format"] == FORMAT_1:
                schema_json, backups = json.dumps(data["schema"], ensure_ascii=False), None
            elif schema_json is None:
                raise MigrationError(f"{where}: its {SCHEMA_FILE} is missing")
            else:
                backups = tuple(Backup.from_data(item, version) for item in data["backups"])
            return Migration(
                version=version,
                name=name,
                from_hash=str(data["from_hash"]),
                to_hash=str(data["to_hash"]),
                scripts=scripts,
                operations_data=tuple(data["operations"]),
                schema_json=schema_json,
                stored_backups=backups,
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


def checksum_of(files: Mapping[str, str | bytes]) -> str:
    """The hash of a migration's files (text, or bytes as read), names included; line endings do
    not count."""
    digest = hashlib.sha256()
    for name in sorted(files):
        content = files[name]
        data = content.encode("utf-8") if isinstance(content, str) else content
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n")
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(data)
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()
