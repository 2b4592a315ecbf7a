"""Turning operations into scripts: each operation rendered against the schema it runs on."""

from __future__ import annotations

from .dialects import Dialect, get_dialect
from .errors import UnsupportedChange
from .expressions import with_portable_expressions, with_portable_tables
from .naming import with_default_names
from .operations import Operation, reverse_all
from .schema import Schema
from .statement import Statement
from .type_checks import written_type_problems


def render(operations: list[Operation], start: Schema, dialect: str | Dialect) -> list[Statement]:
    """The statements for ``operations`` run in order on a database holding ``start``.

    Functions the dialect lacks are written as its equivalent, or refused by name
    (``expressions.portable_expression``): ``now()`` is ``CURRENT_TIMESTAMP`` on SQLite. Types
    the operations write past the dialect's limits are refused (``type_checks``), and so is a
    start schema holding sequences or domains where the dialect has none."""
    target = get_dialect(dialect) if isinstance(dialect, str) else dialect
    target.refuse_schema_objects(start)
    start = with_default_names(start)  # operations name every constraint; so must the start
    start = with_portable_tables(start, target.name, touched_tables(operations))
    operations = [with_portable_expressions(op, target.name) for op in operations]
    too_large = written_type_problems(operations, target.name)
    if too_large:
        raise UnsupportedChange("; ".join(too_large))
    return [Statement(sql, index) for index, sql in target.render_all(operations, start)]


def touched_tables(operations: list[Operation]) -> set[str] | None:
    """The names of the tables ``operations`` change (a dialect may rebuild them from what the
    start schema says), or None for all: an enum's change can rebuild every table using it."""
    names: set[str] = set()
    for op in operations:
        if "enum" in op.kind:
            return None
        table = getattr(op, "table", None)
        names.update(n for n in (getattr(table, "name", table), getattr(op, "old_name", None), getattr(op, "new_name", None)) if isinstance(n, str))
        fk = getattr(op, "foreign_key", None)
        if fk is not None:
            names.add(fk.ref_table)
    return names


def render_down(operations: list[Operation], end: Schema, dialect: str | Dialect) -> list[Statement]:
    """The statements undoing ``operations``, run on a database holding ``end``."""
    return render(reverse_all(operations), end, dialect)


def script_text(statements: list[Statement], operations: list[Operation] | None = None) -> str:
    """A SQL script: each statement ends with ``;``, each operation is introduced by a comment."""
    lines: list[str] = []
    current = -1
    for statement in statements:
        if operations is not None and statement.operation != current:
            current = statement.operation
            lines.append(f"-- {operations[current].describe()}")
        lines.append(statement.sql + ";")
    return "\n".join(lines) + ("\n" if lines else "")
