"""Rules on names: mixed case, tables named in both plural and singular, reserved words."""

from __future__ import annotations

from collections.abc import Iterator

from ..dialects.base import Dialect
from ..schema import Schema, Table
from . import Hit, rule
from .columns import words
from .reserved import reserved_words


def _mixed_case(name: str) -> bool:
    return any(c.isupper() for c in name) and any(c.islower() for c in name)


@rule("L008", "mixed-case-name", "info", "Names in mixed case must be quoted in every query on PostgreSQL and differ by file system on MySQL; lower snake_case needs neither.")
def mixed_case_name(schema: Schema, dialect: Dialect) -> Iterator[Hit]:
    # One finding per table: its own name and its columns' together.
    for table in schema.tables:
        names = [n for n in (table.name, *table.column_names) if _mixed_case(n)]
        if names:
            what = f"table {table.name!r}" if names[0] == table.name else f"columns of table {table.name!r}"
            yield Hit(f"{what} in mixed case: {', '.join(names)}", table.name)


#: Words ending in s that are singular (``status``, ``address``, ``analysis``, ``news``).
_SINGULAR_ENDINGS = ("ss", "us", "is", "ics", "news", "series", "species", "ous")
#: Plurals that do not end in s.
_IRREGULAR_PLURALS = frozenset({"people", "children", "men", "women", "mice", "geese", "feet", "teeth", "criteria", "indices", "phenomena"})


def is_plural(name: str) -> bool:
    """A small heuristic on a table name's last word: it ends in s (but not ss, us, is, ics,
    ous, news, series, species), or it is a common irregular plural (people, children…)."""
    parts = words(name)
    if not parts:
        return False
    last = parts[-1]
    if last in _IRREGULAR_PLURALS:
        return True
    return len(last) > 2 and last.endswith("s") and not last.endswith(_SINGULAR_ENDINGS)


@rule("L009", "plural-singular-mix", "info", "Tables named some in the plural, some in the singular make every name a guess.")
def plural_singular_mix(schema: Schema, dialect: Dialect) -> Iterator[Hit]:
    plural = [t for t in schema.tables if is_plural(t.name)]
    singular = [t for t in schema.tables if not is_plural(t.name)]
    if not plural or not singular:
        return
    # The convention is the majority's (singular on a tie): the other tables are reported.
    odd: list[Table] = plural if len(plural) <= len(singular) else singular
    convention = "singular" if odd is plural else "plural"
    for table in odd:
        yield Hit(
            f"table {table.name!r} is named in the {'plural' if convention == 'singular' else 'singular'}, "
            f"most tables here are {convention} ({len(schema.tables) - len(odd)} of {len(schema.tables)})",
            table.name,
        )


@rule("L010", "reserved-word", "warning", "A reserved word used as a name must be quoted in every query, by every tool, forever.")
def reserved_word(schema: Schema, dialect: Dialect) -> Iterator[Hit]:
    words_of = reserved_words(dialect.name)
    for table in schema.tables:
        if table.name.lower() in words_of:
            yield Hit(f"table {table.name!r} is a reserved word in {dialect.name}", table.name)
        for column in table.columns:
            if column.name.lower() in words_of:
                yield Hit(f"column {table.name}.{column.name} is a reserved word in {dialect.name}", table.name)
