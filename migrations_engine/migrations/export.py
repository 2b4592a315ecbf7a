"""Exporting a migrations folder to the formats teams already run, one class per format.

- Flyway: ``V3__add_orders.sql`` and the undo migration ``U3__add_orders.sql``;
- golang-migrate: ``3_add_orders.up.sql`` and ``3_add_orders.down.sql``;
- dbmate: ``0003_add_orders.sql`` holding ``-- migrate:up`` and ``-- migrate:down`` sections
  (zero-padded: dbmate applies files in name order);
- Alembic: a revision file ``0003_add_orders.py`` (``revision = "0003"``, ``down_revision =
  "0002"``) whose ``upgrade()`` and ``downgrade()`` call ``op.execute`` once per statement.

Each file holds one dialect's statements, exactly those the runner executes from
``migration.json``, each operation introduced by its description. The runner's own statements (the
history table, the backups before destructive operations) are not exported: those tools keep
their own history and restore no data.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from ..statement import Statement
from .errors import MigrationError
from .model import Migration, slug, version_text

FORMATS = ("flyway", "golang-migrate", "dbmate", "alembic")


class Exporter:
    """One format: the files one migration becomes. Subclasses say how."""

    name: ClassVar[str] = ""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def files(self, migration: Migration, previous: Migration | None) -> dict[str, str]:
        """File name → text for ``migration`` (``previous`` is the migration before it). Mandatory."""
        raise NotImplementedError

    def header(self, migration: Migration, direction: str) -> str:
        return f"-- {migration.label}: {direction} ({self.dialect}), exported by migrations_engine\n"

    def up_text(self, migration: Migration) -> str:
        from ..render import script_text

        return script_text(list(migration.script(self.dialect).up), migration.operations)

    def down_text(self, migration: Migration) -> str:
        from ..operations import reverse_all
        from ..render import script_text

        return script_text(list(migration.script(self.dialect).down), reverse_all(migration.operations))


class FlywayExporter(Exporter):
    """Versioned ``V`` and undo ``U`` migrations (undo needs Flyway Teams or Enterprise)."""

    name = "flyway"

    def files(self, migration: Migration, previous: Migration | None) -> dict[str, str]:
        stem = f"{migration.version}__{slug(migration.name)}.sql"
        return {
            f"V{stem}": self.header(migration, "up") + self.up_text(migration),
            f"U{stem}": self.header(migration, "down") + self.down_text(migration),
        }


class GolangMigrateExporter(Exporter):
    name = "golang-migrate"

    def files(self, migration: Migration, previous: Migration | None) -> dict[str, str]:
        stem = f"{migration.version}_{slug(migration.name)}"
        return {
            f"{stem}.up.sql": self.header(migration, "up") + self.up_text(migration),
            f"{stem}.down.sql": self.header(migration, "down") + self.down_text(migration),
        }


class DbmateExporter(Exporter):
    name = "dbmate"

    def files(self, migration: Migration, previous: Migration | None) -> dict[str, str]:
        text = (
            f"-- {migration.label} ({self.dialect}), exported by migrations_engine\n"
            f"-- migrate:up\n{self.up_text(migration)}\n"
            f"-- migrate:down\n{self.down_text(migration)}"
        )
        return {f"{version_text(migration.version)}_{slug(migration.name)}.sql": text}


class AlembicExporter(Exporter):
    """Revision ids are the zero-padded versions; every statement is a Python string literal
    (``repr``), its colons that SQLAlchemy's ``text()`` would take for bind parameters escaped."""

    name = "alembic"
    # sqlalchemy.sql.elements.TextClause._bind_params_regex: ``:name`` not after ``:``, a word
    # character or a backslash, and not followed by ``:``.
    _BIND = re.compile(r"(?<![:\w\x5c]):(\w+)(?!:)", re.UNICODE)

    def files(self, migration: Migration, previous: Migration | None) -> dict[str, str]:
        down_revision = repr(version_text(previous.version)) if previous is not None else "None"
        script = migration.script(self.dialect)
        text = (
            f'"""{_docstring_safe(migration.name)}\n\n'
            f"Revision ID: {version_text(migration.version)}\n"
            f"Revises: {version_text(previous.version) if previous is not None else ''}\n"
            f"Exported by migrations_engine from migration {version_text(migration.version)} ({self.dialect}).\n"
            '"""\n\n'
            "from alembic import op\n\n"
            f"revision = {version_text(migration.version)!r}\n"
            f"down_revision = {down_revision}\n"
            "branch_labels = None\n"
            "depends_on = None\n\n\n"
            f"def upgrade() -> None:\n{self._body(list(script.up))}\n\n"
            f"def downgrade() -> None:\n{self._body(list(script.down))}"
        )
        return {f"{version_text(migration.version)}_{slug(migration.name)}.py": text}

    def _body(self, statements: list[Statement]) -> str:
        if not statements:
            return "    pass\n"
        return "".join(f"    op.execute({self._escaped(s.sql)!r})\n" for s in statements)

    def _escaped(self, sql: str) -> str:
        return self._BIND.sub(lambda m: "\\:" + m.group(1), sql)


def _docstring_safe(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


EXPORTERS: dict[str, type[Exporter]] = {
    cls.name: cls for cls in (FlywayExporter, GolangMigrateExporter, DbmateExporter, AlembicExporter)
}


def export(migrations: list[Migration], format_name: str, dialect: str, out: str | Path) -> list[Path]:
    """Write ``migrations`` to ``out`` in ``format_name`` for ``dialect``; the files written, in order.

    Files of the same name are replaced (an export is deterministic: earlier migrations give the
    same files again); others in ``out`` are left alone.
    """
    try:
        exporter = EXPORTERS[format_name](dialect)
    except KeyError:
        raise MigrationError(f"unknown export format {format_name!r} (use {', '.join(FORMATS)})") from None
    for migration in migrations:
        migration.script(dialect)  # every migration has SQL for the dialect, before anything is written
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    previous: Migration | None = None
    for migration in migrations:
        for name, text in exporter.files(migration, previous).items():
            path = folder / name
            path.write_text(text, encoding="utf-8", newline="\n")
            written.append(path)
        previous = migration
    return written
