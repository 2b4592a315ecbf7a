"""Lint: rules that find likely mistakes in a schema, and risky steps in a change between two.

Every rule has an id (``L001``), a slug (``no-primary-key``, also its anchor in docs/lint.md), a
severity (``error``, ``warning`` or ``info``) and a one-line reason; a finding names the rule, the
table (and column or index) it is about, and where the engine can write one, the SQL to run
instead (``safe_sql``). Rules live one module per group (``keys``, ``columns``, ``naming``,
``changes``, ``locking``) and register themselves with ``@rule``; a project or a CI run turns any
off by id or slug (``disabled``).

``lint_schema`` checks one schema for one dialect; ``lint_change`` checks the operations turning
``old`` into ``new`` (the engine's ``diff`` unless given), using row counts where known.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import EngineError

if TYPE_CHECKING:
    from ..dialects.base import Dialect
    from ..operations import Operation
    from ..schema import Schema

SEVERITIES = ("info", "warning", "error")
DOCS_PAGE = "docs/lint.md"


class LintError(EngineError):
    """A lint request a user got wrong (an unknown rule id, severity or dialect)."""


@dataclass(frozen=True)
class Hit:
    """What a rule's check yields: the message and, where the engine can write it, the SQL to
    run instead. ``severity`` overrides the rule's own for this one finding (None: the rule's)."""

    message: str
    table: str | None = None
    safe_sql: str | None = None
    severity: str | None = None


@dataclass(frozen=True)
class Rule:
    """One lint rule. ``scope`` is ``schema`` (``check(schema, dialect)``) or ``change``
    (``check(change)``, a ``ChangeContext``); ``dialects`` limits it to some dialects."""

    id: str
    slug: str
    severity: str
    reason: str
    scope: str
    check: Callable[..., Iterable[Hit]] = field(compare=False, repr=False)
    dialects: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """The rule's section in docs/lint.md."""
        return self.slug

    def applies_to(self, dialect: str) -> bool:
        return not self.dialects or dialect in self.dialects


@dataclass(frozen=True)
class Finding:
    """One thing a rule found: the rule's id, slug and severity, a message naming the table and
    column (or index), and optionally the SQL to run instead."""

    rule: str
    slug: str
    severity: str
    message: str
    table: str | None = None
    safe_sql: str | None = None

    @property
    def anchor(self) -> str:
        return self.slug

    @property
    def docs(self) -> str:
        """The docs page and anchor explaining the rule."""
        return f"{DOCS_PAGE}#{self.slug}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_data(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "slug": self.slug,
            "severity": self.severity,
            "message": self.message,
            "table": self.table,
            "safe_sql": self.safe_sql,
            "docs": self.docs,
        }


RULES: dict[str, Rule] = {}


def rule(id: str, slug: str, severity: str, reason: str, *, scope: str = "schema", dialects: tuple[str, ...] = ()) -> Callable[[Callable[..., Iterable[Hit]]], Callable[..., Iterable[Hit]]]:
    """Register the decorated check as a rule (ids and slugs are unique)."""
    assert severity in SEVERITIES and scope in ("schema", "change")

    def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        assert id not in RULES and all(r.slug != slug for r in RULES.values()), id
        RULES[id] = Rule(id, slug, severity, reason, scope, check, dialects)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every rule, by id."""
    _load_rules()
    return [RULES[key] for key in sorted(RULES)]


def find_rule(name: str) -> Rule:
    """The rule with id or slug ``name`` (case-insensitive); ``LintError`` when there is none."""
    _load_rules()
    key = name.strip().lower()
    for found in RULES.values():
        if key in (found.id.lower(), found.slug):
            return found
    raise LintError(f"unknown lint rule {name!r} (ids L001… and slugs are listed in {DOCS_PAGE})")


def disabled_ids(names: Iterable[str]) -> frozenset[str]:
    """The ids of the rules named (by id or slug) in ``names``; unknown names are refused."""
    return frozenset(find_rule(name).id for name in names if name.strip())


def _load_rules() -> None:
    # The rule modules register themselves on import.
    from . import changes, columns, keys, locking, naming  # noqa: F401


def _dialect(dialect: str | Dialect) -> Dialect:
    from ..dialects import get_dialect

    return get_dialect(dialect) if isinstance(dialect, str) else dialect


def _run(rules: Iterable[Rule], call: Callable[[Rule], Iterable[Hit]], disabled: Collection[str]) -> list[Finding]:
    off = disabled_ids(disabled)
    findings = []
    for each in rules:
        if each.id in off:
            continue
        try:
            for hit in call(each):
                findings.append(Finding(each.id, each.slug, hit.severity or each.severity, hit.message, hit.table, hit.safe_sql))
        except EngineError:
            # What the dialect cannot write (a MySQL foreign key with SET DEFAULT, a partial index
            # on MySQL) the migration's own rendering reports; the other rules still run.
            continue
    return findings


def lint_schema(schema: Schema, dialect: str | Dialect, disabled: Collection[str] = ()) -> list[Finding]:
    """The findings of every schema rule not ``disabled`` (ids or slugs) on ``schema`` for ``dialect``."""
    from ..naming import with_default_names

    target = _dialect(dialect)
    named = with_default_names(schema)
    rules = [r for r in all_rules() if r.scope == "schema" and r.applies_to(target.name)]
    return _run(rules, lambda r: r.check(named, target), disabled)


@dataclass
class ChangeContext:
    """What the change rules look at: both schemas, the operations, the dialect, and the row
    count of each table of ``old`` where known (None: not known)."""

    old: Schema
    new: Schema
    operations: list[Operation]
    dialect: Dialect
    row_counts: Mapping[str, int] | None = None

    def __post_init__(self) -> None:
        from ..operations import CreateTable

        self.created = {op.table.name for op in self.operations if isinstance(op, CreateTable)}

    def existing(self, table: str) -> bool:
        """Whether ``table`` is there before the change runs (not created by it)."""
        return table not in self.created

    def rows(self, table: str) -> int | None:
        """The table's row count, or None when not known."""
        if self.row_counts is None:
            return None
        return self.row_counts.get(table)

    def schemas_around(self) -> Iterator[tuple[Operation, Schema, Schema]]:
        """Each operation with the schema before and after it."""
        schema = self.old
        for op in self.operations:
            after = op.apply(schema)
            yield op, schema, after
            schema = after


def lint_change(
    old: Schema,
    new: Schema,
    dialect: str | Dialect,
    operations: list[Operation] | None = None,
    row_counts: Mapping[str, int] | None = None,
    disabled: Collection[str] = (),
) -> list[Finding]:
    """The findings of every change rule not ``disabled`` on the change from ``old`` to ``new``
    (``operations``: the engine's ``diff`` unless given). ``row_counts`` maps tables of ``old`` to
    their row count where known; a rule that depends on rows says "if the table has rows" otherwise."""
    from ..diff import diff
    from ..naming import with_default_names

    target = _dialect(dialect)
    old, new = with_default_names(old), with_default_names(new)
    change = ChangeContext(old, new, diff(old, new) if operations is None else list(operations), target, row_counts)
    rules = [r for r in all_rules() if r.scope == "change" and r.applies_to(target.name)]
    return _run(rules, lambda r: r.check(change), disabled)


def at_or_above(findings: Iterable[Finding], severity: str) -> list[Finding]:
    """The findings of ``severity`` or worse."""
    if severity not in SEVERITIES:
        raise LintError(f"unknown severity {severity!r} (one of {', '.join(SEVERITIES)})")
    floor = SEVERITIES.index(severity)
    return [f for f in findings if SEVERITIES.index(f.severity) >= floor]
