"""Structural checks of a schema's standalone sequences and domains (PostgreSQL), part of
``validate.problems``: unique names, known owners, and SQL that stays inside its place (a
domain's base type, default and checks are pasted into ``CREATE DOMAIN``)."""

from __future__ import annotations

from collections import Counter

from .expressions import unsafe_problems
from .schema import Schema

SEQUENCE_TYPES = ("smallint", "integer", "bigint")


def object_problems(schema: Schema) -> list[str]:
    """Every problem of ``schema``'s sequences and domains, as a sentence."""
    found = [f"sequence {n!r} appears twice" for n, k in Counter(q.name for q in schema.sequences).items() if k > 1]
    found += [f"domain {n!r} appears twice" for n, k in Counter(d.name for d in schema.domains).items() if k > 1]
    enums = {e.name for e in schema.enums}
    found += [f"domain {d.name!r} has the name of an enum (both are types)" for d in schema.domains if d.name in enums]
    tables = {t.name for t in schema.tables}
    for sequence in schema.sequences:
        if sequence.data_type not in SEQUENCE_TYPES:
            found.append(f"sequence {sequence.name!r}: type {sequence.data_type!r} is not smallint, integer or bigint")
        if sequence.owned_by is not None:
            table, column = sequence.owned_by
            if table not in tables or not schema.table(table).has_column(column):
                found.append(f"sequence {sequence.name!r} is owned by {table}.{column}, which does not exist")
    for domain in schema.domains:
        where = f"domain {domain.name!r}"
        texts = [("base type", domain.base_type)]
        texts += [("default", domain.default)] if domain.default is not None else []
        texts += [(f"check {c.name!r}", c.expression) for c in domain.checks]
        for what, text in texts:
            found += [f"{where}: {what} {problem}" for problem in unsafe_problems(text, "postgresql")]
        found += [f"{where}: a check has no name" for c in domain.checks if not c.name]
        found += [f"{where}: check {n!r} appears twice" for n, k in Counter(c.name for c in domain.checks).items() if k > 1]
    return found
