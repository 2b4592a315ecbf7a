"""Operations on PostgreSQL's schema-level objects besides enums: standalone sequences and domains.

Like every operation they hold whole elements, so ``reverse()`` is mechanical, and carry no SQL.
A sequence's current value is data, not schema: none of these operations moves it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from .errors import SchemaError
from .operations import Operation, _q
from .schema import Domain, Schema, Sequence


def _with_sequences(schema: Schema, sequences: tuple[Sequence, ...]) -> Schema:
    return replace(schema, sequences=sequences)


def _with_domains(schema: Schema, domains: tuple[Domain, ...]) -> Schema:
    return replace(schema, domains=domains)


@dataclass(frozen=True)
class CreateSequence(Operation):
    kind: ClassVar[str] = "create_sequence"
    sequence: Sequence

    def apply(self, schema: Schema) -> Schema:
        if any(q.name == self.sequence.name for q in schema.sequences):
            raise SchemaError(f"sequence {self.sequence.name!r} exists already")
        return _with_sequences(schema, (*schema.sequences, self.sequence))

    def reverse(self) -> Operation:
        return DropSequence(self.sequence)

    def describe(self) -> str:
        return f"Create sequence {_q(self.sequence.name)}"


@dataclass(frozen=True)
class DropSequence(Operation):
    kind: ClassVar[str] = "drop_sequence"
    sequence: Sequence

    def apply(self, schema: Schema) -> Schema:
        schema.sequence(self.sequence.name)
        return _with_sequences(schema, tuple(q for q in schema.sequences if q.name != self.sequence.name))

    def reverse(self) -> Operation:
        return CreateSequence(self.sequence)

    @property
    def destructive(self) -> bool:
        return True

    def data_loss(self) -> str | None:
        return f"drops sequence {_q(self.sequence.name)}: recreated, it starts again at its START"

    def describe(self) -> str:
        return f"Drop sequence {_q(self.sequence.name)}"


@dataclass(frozen=True)
class AlterSequence(Operation):
    """Change a sequence's type, options or owner (same name); its current value stays."""

    kind: ClassVar[str] = "alter_sequence"
    old: Sequence
    new: Sequence

    def apply(self, schema: Schema) -> Schema:
        schema.sequence(self.old.name)
        return _with_sequences(schema, tuple(self.new if q.name == self.old.name else q for q in schema.sequences))

    def reverse(self) -> Operation:
        return AlterSequence(self.new, self.old)

    def describe(self) -> str:
        if replace(self.old, owned_by=self.new.owned_by) == self.new:
            owner = self.new.owned_by
            to = f"{_q(owner[0])}.{_q(owner[1])}" if owner else "no column"
            return f"Make sequence {_q(self.old.name)} owned by {to}"
        return f"Change the options of sequence {_q(self.old.name)}"


@dataclass(frozen=True)
class CreateDomain(Operation):
    kind: ClassVar[str] = "create_domain"
    domain: Domain

    def apply(self, schema: Schema) -> Schema:
        if any(d.name == self.domain.name for d in schema.domains):
            raise SchemaError(f"domain {self.domain.name!r} exists already")
        return _with_domains(schema, (*schema.domains, self.domain))

    def reverse(self) -> Operation:
        return DropDomain(self.domain)

    def describe(self) -> str:
        return f"Create domain {_q(self.domain.name)} as {self.domain.base_type}"


@dataclass(frozen=True)
class DropDomain(Operation):
    kind: ClassVar[str] = "drop_domain"
    domain: Domain

    def apply(self, schema: Schema) -> Schema:
        schema.domain(self.domain.name)
        users = schema.columns_of_domain(self.domain.name)
        if users:
            table, column = users[0]
            raise SchemaError(f"domain {self.domain.name!r} is still used by column {table.name}.{column.name}")
        return _with_domains(schema, tuple(d for d in schema.domains if d.name != self.domain.name))

    def reverse(self) -> Operation:
        return CreateDomain(self.domain)

    def describe(self) -> str:
        return f"Drop domain {_q(self.domain.name)}"


@dataclass(frozen=True)
class AlterDomain(Operation):
    """Change a domain's default, NOT NULL or checks in place (``ALTER DOMAIN``); its base type
    and collation cannot change this way."""

    kind: ClassVar[str] = "alter_domain"
    old: Domain
    new: Domain

    def __post_init__(self) -> None:
        if (self.old.base_type, self.old.collation) != (self.new.base_type, self.new.collation):
            raise SchemaError(
                f"domain {self.old.name!r}: its base type or collation cannot change in place"
            )

    def apply(self, schema: Schema) -> Schema:
        schema.domain(self.old.name)
        return _with_domains(schema, tuple(self.new if d.name == self.old.name else d for d in schema.domains))

    def reverse(self) -> Operation:
        return AlterDomain(self.new, self.old)

    @property
    def added_checks(self) -> tuple:
        return tuple(c for c in self.new.checks if c not in self.old.checks)

    @property
    def dropped_checks(self) -> tuple:
        return tuple(c for c in self.old.checks if c not in self.new.checks)

    def describe(self) -> str:
        parts = []
        if self.old.default != self.new.default:
            parts.append(f"default {self.new.default}" if self.new.default else "no default")
        if self.old.nullable != self.new.nullable:
            parts.append("NULL allowed" if self.new.nullable else "NOT NULL")
        parts += [f"drop check {_q(c.name or '')}" for c in self.dropped_checks]
        parts += [f"add check {_q(c.name or '')} ({c.expression})" for c in self.added_checks]
        return f"Change domain {_q(self.old.name)}: " + "; ".join(parts or ["no change"])
