"""The diff's steps for standalone sequences and domains (PostgreSQL), called by ``diff._Differ``
at fixed places of its sequence (see diff.py's docstring).

Sequences and domains pair by name: the designer does not edit them (a draft keeps them as they
were read), so a rename reads as a drop and a create.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from .errors import UnsupportedChange
from .object_operations import (
    AlterDomain,
    AlterSequence,
    CreateDomain,
    CreateSequence,
    DropDomain,
    DropSequence,
)
from .operations import Operation
from .schema import Domain, Schema


class Plan(Protocol):
    schema: Schema

    def add(self, op: Operation) -> None: ...


class ObjectSteps:
    """What changes among the sequences and domains of ``old`` and ``new``."""

    def __init__(self, old: Schema, new: Schema) -> None:
        self.new = new
        old_sequences = {q.name: q for q in old.sequences}
        self.new_sequences = {q.name: q for q in new.sequences}
        self.dropped_sequences = [q for name, q in old_sequences.items() if name not in self.new_sequences]
        self.added_sequences = [q for name, q in self.new_sequences.items() if name not in old_sequences]
        old_domains = {d.name: d for d in old.domains}
        new_domains = {d.name: d for d in new.domains}
        self.dropped_domains = [d for name, d in old_domains.items() if name not in new_domains]
        self.added_domains = [d for name, d in new_domains.items() if name not in old_domains]
        self.changed_domains = [
            (old_domains[name], d) for name, d in new_domains.items() if name in old_domains and old_domains[name] != d
        ]

    def release_sequences(self, plan: Plan) -> None:
        """``OWNED BY NONE`` for every owned sequence whose owner changes or that goes away: a
        dropped table or column would take its owned sequences with it."""
        for sequence in plan.schema.sequences:
            target = self.new_sequences.get(sequence.name)
            if sequence.owned_by is not None and (target is None or target.owned_by != sequence.owned_by):
                plan.add(AlterSequence(sequence, replace(sequence, owned_by=None)))

    def create_and_alter(self, plan: Plan) -> None:
        """New sequences (their owner comes later, once its column exists), changed options of
        sequences, then domains: new ones (those they are based on first), changed ones."""
        for sequence in self.added_sequences:
            plan.add(CreateSequence(replace(sequence, owned_by=None)))
        for sequence in plan.schema.sequences:
            target = self.new_sequences.get(sequence.name)
            if target is not None and replace(target, owned_by=sequence.owned_by) != sequence:
                plan.add(AlterSequence(sequence, replace(target, owned_by=sequence.owned_by)))
        for old, new in self.changed_domains:
            if (old.base_type, old.collation) == (new.base_type, new.collation):
                plan.add(AlterDomain(old, new))
            else:
                self._recreate_domain(plan, old, new)
        for domain in _based_first(self.added_domains):
            plan.add(CreateDomain(domain))

    def _recreate_domain(self, plan: Plan, old: Domain, new: Domain) -> None:
        users = plan.schema.columns_of_domain(old.name) + self.new.columns_of_domain(new.name)
        if users:
            table, column = users[0]
            raise UnsupportedChange(
                f"domain {old.name!r} changes its base type or collation ({old.base_type} → "
                f"{new.base_type}) while column {table.name}.{column.name} uses it: PostgreSQL "
                "cannot change that in place; give the columns another type first, or make a new domain"
            )
        plan.add(DropDomain(old))
        plan.add(CreateDomain(new))

    def drop_domains(self, plan: Plan) -> None:
        """Domains no column uses any more (their columns were dropped or altered before)."""
        for domain in reversed(_based_first(self.dropped_domains)):
            plan.add(DropDomain(plan.schema.domain(domain.name)))

    def drop_sequences(self, plan: Plan) -> None:
        """Sequences no default uses any more (after columns were dropped or altered)."""
        for sequence in self.dropped_sequences:
            plan.add(DropSequence(plan.schema.sequence(sequence.name)))

    def own_sequences(self, plan: Plan) -> None:
        """``OWNED BY`` the new owner, now that its column exists."""
        for sequence in plan.schema.sequences:
            target = self.new_sequences[sequence.name]
            if target.owned_by != sequence.owned_by:
                plan.add(AlterSequence(sequence, replace(sequence, owned_by=target.owned_by)))


def _based_first(domains: list[Domain]) -> list[Domain]:
    """``domains`` in name order, but a domain after the one of them its base type names."""
    remaining = sorted(domains, key=lambda d: d.name)
    names = {d.name for d in remaining}
    done: set[str] = set()
    ordered: list[Domain] = []
    while remaining:
        ready = next(
            (d for d in remaining if _bare(d.base_type) not in names - done or _bare(d.base_type) == d.name),
            remaining[0],
        )
        remaining.remove(ready)
        done.add(ready.name)
        ordered.append(ready)
    return ordered


def _bare(type_text: str) -> str:
    text = type_text.removesuffix("[]")
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text

