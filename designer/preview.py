"""SQL previews, computed by the engine: the full CREATE script and a migration, up and down.

``migration(old, new, dialect)`` is "a change" as every page shows it (the draft's SQL preview,
a version's migration from the one before, a draft's review): its steps, each with what it
does, whether it can lose data and what, an anchor naming it, and its SQL; and the up and down
scripts. The partials under ``templates/designer/change/`` draw it.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from designer.models import DIALECTS
from migrations_engine.diff import diff
from migrations_engine.errors import EngineError
from migrations_engine.lossy import type_losses
from migrations_engine.operations import (
    AddColumn,
    AlterColumn,
    AlterEnum,
    CreateTable,
    DropTable,
    Operation,
    RenameColumn,
    RenameConstraint,
    RenameEnum,
    RenameTable,
    SetComment,
    SetTableComment,
    reverse_all,
)
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
    #: What running it can lose (``Operation.data_loss``): None exactly when not destructive.
    data_loss: str | None = None
    #: A stable name for the operation within its change (``anchor_of``), for links and comments.
    anchor: str = ""
    kind: str = ""

    @property
    def sql(self) -> str:
        return "\n".join(self.up)


@dataclass
class Migration:
    """A change between two schemas. ``error`` set: the SQL could not be rendered (the steps are
    still listed when the change itself could be computed), or the new schema has problems (no
    steps)."""

    steps: list[Step] = field(default_factory=list)
    up: str = ""
    down: str = ""
    error: str = ""
    dialect: str = ""
    #: What running the down script can lose (its operations' ``data_loss``), in its order.
    down_data_loss: list[str] = field(default_factory=list)
    #: Columns the change creates or retypes whose type the dialect only approximates
    #: (``migrations_engine.lossy``), one sentence each.
    lossy: list[str] = field(default_factory=list)
    #: Set when the change has more operations than the page shows (``max_steps``): how many
    #: operations of each kind, and how many of them destructive; ``steps`` and the SQL are empty.
    too_many: Counter[str] | None = None
    too_many_destructive: int = 0
    #: The engine's operations of the change, for a caller that lints the same change without a
    #: second diff (None: not computed). Not for keeping: ``without_operations`` before caching.
    operations: list[Operation] | None = field(default=None, repr=False, compare=False)

    def without_operations(self) -> Migration:
        return replace(self, operations=None)

    @property
    def kind_counts(self) -> list[tuple[str, int]]:
        """``too_many`` as (kind, count) pairs, the most common first (templates read a
        Counter's attributes as missing keys)."""
        return self.too_many.most_common() if self.too_many is not None else []

    @property
    def operation_count(self) -> int:
        return sum(self.too_many.values()) if self.too_many is not None else len(self.steps)

    @property
    def destructive(self) -> bool:
        return self.destructive_count > 0

    @property
    def destructive_count(self) -> int:
        if self.too_many is not None:
            return self.too_many_destructive
        return sum(1 for step in self.steps if step.destructive)


def dialect_or_default(requested: str | None, default: str) -> str:
    return requested if requested in DIALECTS else default


def _failure(exc: Exception) -> str:
    if isinstance(exc, EngineError):
        return str(exc)
    # An engine bug must not cost the user their page: log it, say so.
    logger.exception("the engine failed to render a preview")
    return f"The engine could not render this schema ({type(exc).__name__}: {exc})."


def create_script(schema: Schema, dialect: str, found: list[str] | None = None) -> tuple[str, str]:
    """``(sql, error)``: the script creating ``schema`` from nothing. ``found``: ``schema``'s
    problems for ``dialect``, when the caller has them already."""
    if found is None:
        found = problems(schema, dialect=dialect)
    if found:
        return "", "Fix these first: " + "; ".join(found)
    try:
        operations = diff(Schema(), schema)
        return script_text(render(operations, Schema(), dialect)), ""
    except Exception as exc:  # noqa: BLE001 - see _failure
        return "", _failure(exc)


def migration(
    old: Schema,
    new: Schema,
    dialect: str,
    *,
    found: list[str] | None = None,
    max_steps: int | None = None,
) -> Migration:
    """The migration from ``old`` to ``new``: each step described, and the up and down scripts.

    ``found``: ``new``'s problems for ``dialect``, when the caller has them already. With
    ``max_steps``, a change of more operations is only counted (``Migration.too_many``): the
    first draft of a 10,000-table schema is 10,000 steps and megabytes of SQL, a download
    rather than a page.
    """
    if found is None:
        found = problems(new, dialect=dialect)
    if found:
        return Migration(error="Fix these first: " + "; ".join(found), dialect=dialect)
    try:
        operations: list[Operation] = diff(old, new)
    except Exception as exc:  # noqa: BLE001 - see _failure
        return Migration(error=_failure(exc), dialect=dialect)
    if max_steps is not None and len(operations) > max_steps:
        return Migration(
            dialect=dialect,
            operations=operations,
            too_many=Counter(op.kind for op in operations),
            too_many_destructive=sum(1 for op in operations if op.destructive),
        )
    steps = [
        Step(op.describe(), op.destructive, data_loss=op.data_loss(), anchor=anchor, kind=op.kind)
        for op, anchor in zip(operations, anchors(operations, old))
    ]
    try:
        statements = render(operations, old, dialect)
        down = render_down(operations, new, dialect)
    except Exception as exc:  # noqa: BLE001 - see _failure
        # The change is known, only this dialect cannot express it: the steps still show.
        return Migration(steps=steps, error=_failure(exc), dialect=dialect, operations=operations)
    for statement in statements:
        steps[statement.operation].up.append(statement.sql + ";")
    down_operations = reverse_all(operations)
    return Migration(
        steps=steps,
        operations=operations,
        up=script_text(statements, operations),
        down=script_text(down, down_operations),
        dialect=dialect,
        down_data_loss=[loss for op in down_operations if (loss := op.data_loss())],
        lossy=[str(loss) for loss in type_losses(new, dialect, only=typed_columns(operations))],
    )


def typed_columns(operations: list[Operation]) -> set[tuple[str, str]]:
    """The ``(table, column)`` pairs whose type ``operations`` set: created or retyped."""
    typed: set[tuple[str, str]] = set()
    for op in operations:
        if isinstance(op, CreateTable):
            typed.update((op.table.name, c.name) for c in op.table.columns)
        elif isinstance(op, AddColumn):
            typed.add((op.table, op.column.name))
        elif isinstance(op, AlterColumn) and op.type_changed:
            typed.add((op.table, op.new.name))
    return typed


# ---------------------------------------------------------------- anchors


_SPACE = re.compile(r"\s+")


def anchors(operations: list[Operation], old: Schema) -> list[str]:
    """``anchor_of`` each operation, each seen against the schema just before it; an anchor met
    twice in one change gets ``~2``, ``~3``… so that each names one operation."""
    out: list[str] = []
    seen: Counter[str] = Counter()
    schema: Schema | None = old
    applied = 0  # operations[:applied] are applied to ``schema``
    for n, op in enumerate(operations):
        # Applying an operation copies the schema's tables: on a 10,000-table schema, applying
        # each of a change's operations cost seconds. Only the kinds _element_of looks up in
        # ``before`` need it, brought up to date when one comes.
        if isinstance(op, _NEEDS_BEFORE):
            for earlier in operations[applied:n]:
                if schema is None:
                    break
                try:
                    schema = earlier.apply(schema)
                except EngineError:
                    schema = None  # cannot happen for a diff's own operations; names are the fallback
            applied = n
        anchor = anchor_of(op, schema or Schema())
        seen[anchor] += 1
        out.append(anchor if seen[anchor] == 1 else f"{anchor}~{seen[anchor]}")
    return out


def anchor_of(op: Operation, before: Schema) -> str:
    """A stable name for ``op``: its kind and the uid of the element it touches
    (``drop_column:<column uid>``), or, for an element without one, its kind and the element's
    name (``drop_column:customer.fax``). ``before`` is the schema the operation applies to (it
    finds the uid of an element that a rename names only by its name). No whitespace: it can be
    an HTML id."""
    uid, name = _element_of(op, before)
    return _SPACE.sub("_", f"{op.kind}:{uid or name}")


_ELEMENT_FIELDS = ("column", "foreign_key", "unique", "check", "index", "primary_key", "enum")
#: The operations whose element ``_element_of`` finds in the schema before them.
_NEEDS_BEFORE = (RenameEnum, RenameTable, SetTableComment, RenameColumn, RenameConstraint)


def _element_of(op: Operation, before: Schema) -> tuple[str | None, str]:
    """The uid (or None) and the name of the element ``op`` creates, drops, alters or renames."""
    table = getattr(op, "table", None)
    if isinstance(op, (CreateTable, DropTable)):
        return op.table.id, op.table.name
    for attr in _ELEMENT_FIELDS:
        element = getattr(op, attr, None)
        if element is not None:
            name = getattr(element, "name", None) or attr.replace("_", " ")
            return element.id, f"{table}.{name}" if isinstance(table, str) else name
    try:
        if isinstance(op, AlterColumn):
            return op.new.id or op.old.id, f"{op.table}.{op.old.name}"
        if isinstance(op, AlterEnum):
            return op.new.id or op.old.id, op.old.name
        if isinstance(op, RenameEnum):
            return before.enum(op.old_name).id, op.old_name
        if isinstance(op, RenameTable):
            return before.table(op.old_name).id, op.old_name
        if isinstance(op, SetTableComment):
            return before.table(op.table).id, op.table
        if isinstance(op, RenameColumn):
            return before.table(op.table).column(op.old_name).id, f"{op.table}.{op.old_name}"
        if isinstance(op, RenameConstraint):
            return op.constraint_in(before).id, f"{op.table}.{op.old_name}"
        if isinstance(op, SetComment):
            return None, ".".join(n for n in (op.table, op.name) if n)
    except EngineError:
        pass  # not in ``before``: the name will do
    old_name = getattr(op, "old_name", None)
    return None, ".".join(n for n in (table if isinstance(table, str) else None, old_name) if n) or op.kind
