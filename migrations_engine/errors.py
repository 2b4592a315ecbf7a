"""The engine's exceptions. Every error meant for a user derives from ``EngineError``."""


class EngineError(Exception):
    """An error with a message fit to show a user as it is (the CLI prints it on one line)."""


class SchemaError(EngineError):
    """A schema or snapshot is invalid."""


class SnapshotFormatError(SchemaError):
    """A snapshot file cannot be read: bad JSON, unknown format version, wrong hash."""


class UnsupportedChange(EngineError):
    """A dialect cannot express a change."""


class ConnectionFailed(EngineError):
    """A database cannot be reached or the URL is invalid."""
