"""SQL expressions kept as text in the schema (checks, partial-index conditions): renaming the
columns they name.

The databases rewrite these expressions themselves when a column is renamed (PostgreSQL,
MariaDB and SQLite do; MySQL 8 refuses the rename while a check names the column), so the model
must too, or it would describe a check on a column that no longer exists.

Expressions are read with sqlglot, which gives each column reference's place in the text; only
those places change, so the rest of the expression keeps its spelling. An expression sqlglot
cannot read is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache

#: Tried in order: PostgreSQL and SQLite read "x" as a name, MySQL as a string.
_READERS = ("postgres", "sqlite", "mysql")
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def rename_column_in(expression: str, old: str, new: str, table: str | None = None) -> str:
    """``expression`` with every reference to column ``old`` (bare, or qualified by ``table``)
    naming ``new`` instead; unchanged when it names no such column or cannot be read.

    An unquoted reference matches regardless of case, a quoted one exactly. The new name is
    written unquoted where the old one was and it is a plain lower-case name, else quoted as
    the old one was (or with the quote of the SQL dialect that read the expression)."""
    return rename_columns_in(expression, {old: new}, table)


def rename_columns_in(expression: str, renames: Mapping[str, str], table: str | None = None) -> str:
    """``rename_column_in`` for several columns at once (a swap of two names included)."""
    lowered = expression.lower()
    if not any(old.lower() in lowered for old in renames):
        return expression  # the common case, without parsing
    found = _references(expression, renames, table)
    if found is None:
        return expression
    spans, quote = found
    for start, end, quoted_with, old in sorted(spans, reverse=True):
        expression = expression[:start] + _name_text(renames[old], quoted_with, quote) + expression[end + 1 :]
    return expression


_Span = tuple[int, int, "str | None", str]


def _references(expression: str, names: Mapping[str, str], table: str | None) -> tuple[list[_Span], str] | None:
    """The text spans ``(start, end inclusive, quote character or None, name)`` naming one of
    the columns ``names``, and the quote character of the dialect that read the expression;
    None when no dialect reads it."""
    import sqlglot
    from sqlglot import exp

    exact = set(names)
    folded = {name.lower(): name for name in names}
    for reader in _READERS:
        try:
            tree = sqlglot.parse_one(expression, read=reader)
        except Exception:  # sqlglot raises several kinds; try the next reader
            continue
        spans: list[_Span] = []
        for column in tree.find_all(exp.Column):
            identifier = column.this
            if not isinstance(identifier, exp.Identifier):
                continue
            quoted = bool(identifier.args.get("quoted"))
            name = identifier.name if quoted and identifier.name in exact else None
            if not quoted:
                name = folded.get(identifier.name.lower())
            if name is None or (column.table and table is not None and column.table.lower() != table.lower()):
                continue
            start, end = identifier.meta.get("start"), identifier.meta.get("end")
            if start is None or end is None:
                return None  # no position to rewrite at: leave the expression alone
            spans.append((start, end, expression[start] if quoted else None, name))
        return spans, "`" if reader == "mysql" else '"'
    return None


def unquote_names(text: str, quote: str, needs_quotes: Callable[[str], bool], *, backslash_escapes: bool) -> str:
    """``text`` with the quotes ``quote`` removed around names for which ``needs_quotes`` is
    false: databases that rewrite an expression quote every name in it (MySQL writes
    ``(`price` > 0)``, SQLite's RENAME COLUMN ``"quantity" > 0``), a fresh build keeps what the
    model wrote. String literals are passed over (backslash escapes in them where
    ``backslash_escapes``, as MySQL has)."""
    out, position = [], 0
    while position < len(text):
        char = text[position]
        if char == quote:
            end = quoted_end(text, position, backslash_escapes=False)
            name = text[position + 1 : end - 1].replace(quote * 2, quote)
            out.append(text[position:end] if needs_quotes(name) else name)
            position = end
        elif char in "'\"":
            end = quoted_end(text, position, backslash_escapes)
            out.append(text[position:end])
            position = end
        else:
            out.append(char)
            position += 1
    return "".join(out)


def quoted_end(text: str, start: int, backslash_escapes: bool) -> int:
    """The index just past the quoted token starting at ``start`` (doubled quotes, and
    backslashes where ``backslash_escapes``)."""
    quote, position = text[start], start + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and backslash_escapes:
            position += 2
        elif char == quote:
            if text[position + 1 : position + 2] == quote:
                position += 2
            else:
                return position + 1
        else:
            position += 1
    return len(text)


def is_plain_name(name: str) -> bool:
    """A lower-case name that is reserved in none of the three databases: needs no quotes."""
    return bool(_PLAIN_NAME.fullmatch(name)) and not _is_keyword(name)


def _name_text(name: str, quoted_with: str | None, dialect_quote: str) -> str:
    if quoted_with is None and is_plain_name(name):
        return name
    quote = {"[": "]"}.get(quoted_with or "", quoted_with or dialect_quote)
    opening = quoted_with or dialect_quote
    return opening + name.replace(quote, quote * 2) + quote


def _is_keyword(name: str) -> bool:
    """Reserved in any of the three databases (SQLAlchemy's lists), so safe in all of them."""
    return name in _reserved_words()


@cache
def _reserved_words() -> frozenset[str]:
    from sqlalchemy.dialects.mysql.reserved_words import (
        RESERVED_WORDS_MARIADB,
        RESERVED_WORDS_MYSQL,
    )
    from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS as POSTGRESQL
    from sqlalchemy.dialects.sqlite.base import SQLiteIdentifierPreparer

    return frozenset(POSTGRESQL | RESERVED_WORDS_MYSQL | RESERVED_WORDS_MARIADB | SQLiteIdentifierPreparer.reserved_words)
