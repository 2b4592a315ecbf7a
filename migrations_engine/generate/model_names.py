"""What the SQLAlchemy and Django exports share: Python names for tables, columns and
relationships, and which tables are pure many-to-many junctions.

Names come from the schema's names (any text a database takes: spaces, quotes, keywords,
unicode, leading digits) and must be valid, unique Python identifiers that read as a human would
write them. The real names stay in the generated code (``__tablename__``, ``db_table``, a column's
first argument, ``db_column``).
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable

from ..schema import ForeignKey, Schema, Table

_NON_WORD = re.compile(r"\W+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def identifier(text: str, fallback: str = "x") -> str:
    """``text`` as a valid Python identifier: other characters become ``_``, a leading digit gets
    a prefix; a name Python would read as another (NFKC folding) is cut to ASCII."""
    candidate = _NON_WORD.sub("_", text).strip("_") or fallback
    if unicodedata.normalize("NFKC", candidate) != candidate:
        ascii_text = unicodedata.normalize("NFKD", candidate).encode("ascii", "ignore").decode()
        candidate = _NON_WORD.sub("_", ascii_text).strip("_") or fallback
    if not candidate.isidentifier():  # a letter or digit Python does not take in a name
        candidate = _NON_WORD.sub("_", candidate.encode("ascii", "ignore").decode()).strip("_") or fallback
    if candidate[0].isdigit():
        candidate = f"{fallback}_{candidate}"
    if keyword.iskeyword(candidate) or keyword.issoftkeyword(candidate):
        candidate += "_"
    return candidate


def snake(text: str) -> str:
    """``AlbumId`` → ``album_id``, ``film actor`` → ``film_actor``."""
    return identifier(_CAMEL_BOUNDARY.sub("_", identifier(text)).lower())


def camel(text: str) -> str:
    """``film_actor`` → ``FilmActor``, ``Album`` → ``Album``."""
    parts = [p for p in identifier(text, "table").split("_") if p]
    name = "".join(p[0].upper() + p[1:] for p in parts) or "Table"
    return name + "Table" if keyword.iskeyword(name) else name  # None, True, False


#: Nouns with no plural of their own: a collection of staff is ``staff``.
_UNCOUNTABLE = ("staff", "data", "metadata", "information", "equipment", "media", "feedback", "inventory")


def plural(name: str) -> str:
    """The plural of a snake_case name's last word, for a collection's attribute; a name that
    already reads as a plural (``orders``, ``people``) or is uncountable (``staff``) is kept."""
    from ..lint.naming import is_plural

    if is_plural(name) or name.endswith(_UNCOUNTABLE):
        return name
    if name.endswith("s") or name.endswith("x"):
        return name + "es"
    if name.endswith("y") and len(name) > 1 and name[-2] not in "aeiou":
        return name[:-1] + "ies"
    return name + "s"


def unique_name(base: str, taken: set[str], separator: str = "_") -> str:
    """``base``, or ``base_2``, ``base_3`` … the first not in ``taken``; added to ``taken``."""
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{separator}{n}"
    taken.add(name)
    return name


def strip_id_suffix(column: str) -> str:
    """The name of what a foreign key column points at: ``address_id`` → ``address``,
    ``AlbumId`` → ``album``, ``ReportsTo`` → ``reports_to``."""
    base = snake(column)
    for suffix in ("_id", "_key", "_fk"):
        if base.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return base


def is_pure_junction(table: Table, schema: Schema) -> bool:
    """Two foreign keys to two different tables, forming the primary key together, and no other
    column: the table only links rows (many-to-many) and needs no class of its own."""
    key = table.primary_key
    if key is None or len(table.foreign_keys) != 2 or table.checks or table.exclusions:
        return False
    first, second = table.foreign_keys
    if first.ref_table == second.ref_table or first.ref_table == table.name or second.ref_table == table.name:
        return False
    if set(first.columns) & set(second.columns):
        return False
    if set(first.columns) | set(second.columns) != set(key.columns) or set(key.columns) != set(table.column_names):
        return False
    return all(schema.has_table(fk.ref_table) and schema.table(fk.ref_table).primary_key for fk in (first, second))


def is_one_to_one(table: Table, fk: ForeignKey) -> bool:
    """The foreign key's columns are unique on their own: at most one row points at each."""
    wanted = set(fk.columns)
    keys: Iterable[tuple[str, ...]] = [u.columns for u in table.uniques]
    keys = [*keys, *(i.columns for i in table.indexes if i.unique and not i.where and not i.has_expressions)]
    if table.primary_key:
        keys.append(table.primary_key.columns)
    return any(set(k) == wanted for k in keys)
