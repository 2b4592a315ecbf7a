"""The migrations folder a deployment hands to the runner: version N's migration from N-1, for
the project's dialect, written from its frozen files (``MigrationScript``).

A version's script is frozen the first time it is needed (a plan, a status, a deployment), so a
database's history (which records each migration's checksum) stays valid across engine upgrades
that would render the same version differently.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import IntegrityError, transaction

from designer.history import migration_name
from designer.models import Project, SchemaVersion
from designer.models.connections import MigrationScript
from migrations_engine.diff import diff
from migrations_engine.errors import EngineError
from migrations_engine.migrations.folder import SUM_FILE, SumLine, chain, sum_text
from migrations_engine.migrations.model import Migration, checksum_of
from migrations_engine.schema import Schema


class FolderError(EngineError):
    """A version cannot be written as a migration for the project's dialect."""


def frozen_scripts(project: Project) -> list[MigrationScript]:
    """Every version's script for the project's dialect, in version order (freezing the new ones)."""
    dialect = project.dialect
    scripts = {s.version_id: s for s in MigrationScript.objects.filter(version__project=project, dialect=dialect)}
    versions = list(project.versions.order_by("number").only("id", "number", "message", "hash", "project_id"))
    result: list[MigrationScript] = []
    for index, version in enumerate(versions):
        script = scripts.get(version.pk)
        if script is None:
            previous = versions[index - 1] if index else None
            script = _freeze(version, previous, dialect)
        result.append(script)
    return result


def _freeze(version: SchemaVersion, previous: SchemaVersion | None, dialect: str) -> MigrationScript:
    start = _schema_of(previous) if previous is not None else Schema()
    end = _schema_of(version)
    try:
        migration = Migration.create(version.number, migration_name(version), start, end, diff(start, end), [dialect])
    except EngineError as exc:
        raise FolderError(f"v{version.number} cannot be written for {dialect}: {exc}") from exc
    files = migration.files()
    script = MigrationScript(
        version=version, dialect=dialect, folder_name=migration.folder_name, files=files, checksum=checksum_of(files)
    )
    try:
        with transaction.atomic():
            script.save()
    except IntegrityError:  # frozen by another process meanwhile: theirs stands
        return MigrationScript.objects.get(version=version, dialect=dialect)
    return script


def _schema_of(version: SchemaVersion) -> Schema:
    if "snapshot" in version.get_deferred_fields():
        version = SchemaVersion.objects.only("id", "hash", "snapshot").get(pk=version.pk)
    return version.schema()


def write_folder(scripts: list[MigrationScript], path: Path) -> Path:
    """Write ``scripts`` as a migrations folder at ``path`` (an empty or missing directory)."""
    path.mkdir(parents=True, exist_ok=True)
    lines: list[SumLine] = []
    for script in scripts:
        folder = path / script.folder_name
        folder.mkdir()
        for name, text in script.files.items():
            (folder / name).write_text(text, encoding="utf-8", newline="\n")
        previous = lines[-1].chained if lines else ""
        number = len(lines) + 1  # versions are numbered 1, 2, 3 … with no gap
        lines.append(SumLine(number, script.checksum, chain(previous, number, script.checksum)))
    (path / SUM_FILE).write_text(sum_text(lines), encoding="utf-8", newline="\n")
    return path


@contextmanager
def project_folder(project: Project) -> Iterator[Path]:
    """The project's migrations folder in a temporary directory, removed afterwards."""
    scripts = frozen_scripts(project)
    with tempfile.TemporaryDirectory(prefix="deploy-") as directory:
        yield write_folder(scripts, Path(directory) / "migrations")
