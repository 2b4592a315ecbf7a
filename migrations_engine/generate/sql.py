"""The CREATE script of a schema for one dialect: the engine's own diff from an empty schema,
rendered as ``diff`` renders any migration (no second SQL writer)."""

from __future__ import annotations

from ..diff import diff
from ..render import render, script_text
from ..schema import Schema


def create_script(schema: Schema, dialect: str) -> str:
    """The statements creating ``schema`` in an empty database of ``dialect``, each operation
    introduced by a comment. Raises ``UnsupportedChange`` for what the dialect cannot create."""
    empty = Schema()
    operations = diff(empty, schema)
    return script_text(render(operations, empty, dialect), operations)
