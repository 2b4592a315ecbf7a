"""The exceptions of the migration runner; each message is one line fit to show a user."""

from ..errors import EngineError


class MigrationError(EngineError):
    """Something about migrations, their folder or their history is wrong."""


class FolderIntegrityError(MigrationError):
    """The migrations folder does not match its integrity file (edited, removed, reordered, inserted)."""


class EmptyMigration(MigrationError):
    """``makemigration`` found nothing to change."""


class HistoryMismatch(MigrationError):
    """The database's history disagrees with the folder (an applied migration was edited or is missing)."""


class PartialMigration(MigrationError):
    """A migration stopped half-way (MySQL) and must be resumed or rolled back first."""


class RunnerLocked(MigrationError):
    """Another runner holds the database's migration lock."""


class MigrationFailed(MigrationError):
    """A statement of a migration failed."""


class ValidationFailed(MigrationError):
    """A pending migration failed on the scratch copy of the target's schema; the target was not touched."""
