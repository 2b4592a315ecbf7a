"""Schemas taken out as code or text: SQLAlchemy 2.0 declarative models, Django models, DBML,
the snapshot JSON, or the CREATE script of a dialect.

``generate`` is the one entry point; each target is a module of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import EngineError
from ..schema import Schema

#: The targets ``generate`` writes, by the name the CLI and the web use, with the file suffix.
TARGETS = {"sqlalchemy": ".py", "django": ".py", "dbml": ".dbml", "snapshot": ".json", "sql": ".sql"}


def generate(
    schema: Schema,
    target: str,
    dialect: str | None = None,
    *,
    title: str | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """``schema`` as the text of ``target``; ``dialect`` chooses the SQL and the types written.
    DBML also carries the project's ``title`` and its table ``groups`` (group name -> table
    names), which the schema itself does not hold."""
    if target == "sqlalchemy":
        from .sqlalchemy_models import sqlalchemy_models

        return sqlalchemy_models(schema, dialect)
    if target == "django":
        from .django_models import django_models

        return django_models(schema, dialect)
    if target == "dbml":
        from .dbml import to_dbml

        return to_dbml(schema, dialect, title=title, groups=groups)
    if target == "snapshot":
        from .. import snapshot

        return snapshot.dumps(schema)
    if target == "sql":
        from .sql import create_script

        if dialect is None:
            raise EngineError("the CREATE script needs a dialect (postgresql, mysql or sqlite)")
        return create_script(schema, dialect)
    raise EngineError(f"unknown target {target!r} (one of {', '.join(TARGETS)})")
