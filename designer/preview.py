"""SQL previews, computed by the engine: the full CREATE script and a migration, up and down."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from designer.models import DIALECTS
from migrations_engine.diff import diff
from migrations_engine.errors import EngineError
from migrations_engine.operations import Operation, reverse_all
from migrations_engine.render import render, render_down, script_text
from migrations_engine.schema import Schema
from migrations_engine.validate import problems

logger = logging.getLogger(__name__)


@dataclass
class Step:
    """One operation of a migration: what it does and the SQL it takes."""

    description: str
    destructive: bool
    up: list[str] = field(default_factory=list)

    @property
    def sql(self) -> str:
        return "\n".join(self.up)


@dataclass
class Migration:
    steps: list[Step] = field(default_factory=list)
    up: str = ""
    down: str = ""
    error: str = ""

    @property
    def destructive(self) -> bool:
        return any(step.destructive for step in self.steps)


def dialect_or_default(requested: str | None, default: str) -> str:
    return requested if requested in DIALECTS else default


def _failure(exc: Exception) -> str:
    if isinstance(exc, EngineError):
        return str(exc)
    # An engine bug must not cost the user their page: log it, say so.
    logger.exception("the engine failed to render a preview")
    return f"The engine could not render this schema ({type(exc).__name__}: {exc})."


def create_script(schema: Schema, dialect: str) -> tuple[str, str]:
    """``(sql, error)``: the script creating ``schema`` from nothing."""
    found = problems(schema)
    if found:
        return "", "Fix these first: " + "; ".join(found)
    try:
        operations = diff(Schema(), schema)
        return script_text(render(operations, Schema(), dialect)), ""
    except Exception as exc:  # noqa: BLE001 - see _failure
        return "", _failure(exc)


def migration(old: Schema, new: Schema, dialect: str) -> Migration:
    """The migration from ``old`` to ``new``: each step described, and the up and down scripts."""
    found = problems(new)
    if found:
        return Migration(error="Fix these first: " + "; ".join(found))
    try:
        operations: list[Operation] = diff(old, new)
        statements = render(operations, old, dialect)
        down = render_down(operations, new, dialect)
    except Exception as exc:  # noqa: BLE001 - see _failure
        return Migration(error=_failure(exc))
    steps = [Step(op.describe(), op.destructive) for op in operations]
    for statement in statements:
        steps[statement.operation].up.append(statement.sql + ";")
    return Migration(
        steps=steps,
        up=script_text(statements, operations),
        down=script_text(down, reverse_all(operations)),
    )
