"""A project's versions as engine migrations: the one place that makes them.

Migration N takes version N-1's schema (an empty one for version 1) to version N's, named after
the version's message, made by the engine as ``makemigration`` makes one (``diff``, then
``Migration.create``). A version published with the same schema as the one before gives an empty
migration: it keeps migration N and version N the same number, and the README of a download
says so. ``history_zip`` writes the whole history in the engine's own folder format
(``MigrationFolder.extend``: one folder per migration and ``migrations.sum``) or exports it
(``migrations_engine.migrations.export``: Flyway, golang-migrate, dbmate, Alembic), and zips it.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from designer.models import Project, SchemaVersion
from migrations_engine.diff import diff
from migrations_engine.errors import EngineError
from migrations_engine.migrations.export import FORMATS as EXPORT_FORMATS
from migrations_engine.migrations.export import export
from migrations_engine.migrations.folder import MigrationFolder
from migrations_engine.migrations.model import Migration
from migrations_engine.schema import Schema

ENGINE = "engine"
#: The download formats: the engine's own folder first, then the exports.
FORMATS = (ENGINE, *EXPORT_FORMATS)
#: Where each format's files go inside the zip's top folder (Alembic's are revision files).
_FOLDER = {"alembic": "versions"}
#: Zip entries carry this time, so the same history always gives the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class HistoryError(EngineError):
    """The history cannot be made (no version yet, or a version the dialect cannot express)."""


def migration_name(version: SchemaVersion) -> str:
    return version.message.strip() or f"version {version.number}"


def version_start(version: SchemaVersion) -> Schema:
    """The schema version ``version`` starts from: the one before it, or an empty one for v1."""
    if version.number <= 1:
        return Schema()
    before = version.project.versions.only("snapshot").filter(number=version.number - 1).first()
    return before.schema() if before is not None else Schema()


def version_migrations(project: Project, dialect: str) -> list[Migration]:
    """Migration N from version N-1 (nothing for v1) to version N, rendered for ``dialect``."""
    versions = project.versions.order_by("number").only("number", "message", "snapshot")
    migrations: list[Migration] = []
    start = Schema()
    for version in versions:
        end = version.schema()
        try:
            migration = Migration.create(
                version.number, migration_name(version), start, end, diff(start, end), [dialect]
            )
        except EngineError as exc:
            raise HistoryError(f"v{version.number} cannot be written for {dialect}: {exc}") from exc
        migrations.append(migration)
        start = end
    return migrations


@dataclass(frozen=True)
class HistoryDownload:
    filename: str
    content: bytes
    migrations: list[Migration]


def history_zip(project: Project, fmt: str) -> HistoryDownload:
    """The project's whole history for its dialect, as a zip of one folder in format ``fmt``."""
    if fmt not in FORMATS:
        raise HistoryError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    dialect = project.dialect
    migrations = version_migrations(project, dialect)
    if not migrations:
        raise HistoryError(f"{project.name} has no version yet: publish a draft first")
    top = f"{project.slug}-{fmt}"
    with tempfile.TemporaryDirectory(prefix="schemadesign-history-") as temporary:
        root = Path(temporary) / top
        folder = root / _FOLDER.get(fmt, "migrations")
        if fmt == ENGINE:
            MigrationFolder(folder).extend(migrations)
        else:
            export(migrations, fmt, dialect, folder)
        (root / "README.txt").write_text(_readme(project, fmt, migrations), encoding="utf-8")
        content = _zip(Path(temporary))
    return HistoryDownload(f"{project.slug}-history.{fmt}.zip", content, migrations)


def _zip(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(directory).as_posix(), _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes())
    return buffer.getvalue()


_HOW = {
    ENGINE: "Apply with: python -m migrations_engine migrate migrations <database URL>\n"
    "(migrations.sum guards the folder: an edited, removed or reordered migration is refused).",
    "flyway": "Point Flyway's locations at the migrations folder (filesystem:migrations);\n"
    "U files are undo migrations (Flyway Teams).",
    "golang-migrate": "Apply with: migrate -path migrations -database <database URL> up",
    "dbmate": "Apply with: dbmate --migrations-dir migrations up",
    "alembic": "Copy the files into your Alembic project's versions folder: revision N revises N-1\n"
    "and runs the SQL with op.execute.",
}


def _readme(project: Project, fmt: str, migrations: list[Migration]) -> str:
    lines = [
        f"{project.name}: its schema history as migrations ({fmt}, {project.dialect})",
        "",
        "Exported by Schema Designer. Migration N takes version N-1's schema (an empty",
        "database for migration 1) to version N's.",
        "",
    ]
    for migration in migrations:
        note = ""
        if not migration.operations_data:
            note = ": no schema change (the same schema as the version before; kept empty so numbers match)"
        elif destructive := len(migration.destructive_operations()):
            note = f": {destructive} destructive operation{'s' if destructive != 1 else ''}"
        lines.append(f"  {migration.label} (v{migration.version}){note}")
    lines += ["", _HOW[fmt], ""]
    return "\n".join(lines)
