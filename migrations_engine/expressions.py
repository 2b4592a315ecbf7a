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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from .errors import SchemaError

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


# ---------------------------------------------------------------- checking expressions
#
# A check condition, an expression default or a partial-index condition is pasted into the SQL
# between parentheses (``CHECK (...)``, ``DEFAULT (...)``, ``WHERE ...``). Text that closes those
# parentheses, ends the statement or comments out the rest would run as SQL of its own: those
# are refused always ("unsafe"). Designer input is held to more ("strict"): sqlglot reads it as
# exactly one expression, with no comment, statement or subquery, and naming only the table's
# columns. Text read from a live database that sqlglot cannot read is let through when it is
# safe: the database accepted it.

#: sqlglot's name for each engine dialect; readers tried in order when the dialect is unknown.
_SQLGLOT_DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}
_ALL_READERS = ("postgresql", "sqlite", "mysql")


class ExpressionError(SchemaError):
    """A SQL expression of the schema that cannot be written into a statement; ``problems``
    lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def unsafe_problems(text: str, dialect: str) -> list[str]:
    """Why ``text`` would not stay inside its parentheses in ``dialect``'s SQL (empty when it
    would): an unclosed string, name or comment, a ``;``, a parenthesis closed that was not
    opened or left open, or a comment running to the end."""
    import sqlglot
    from sqlglot.tokens import TokenType

    if not text.strip():
        return ["is empty"]
    try:
        tokens = sqlglot.tokenize(text, read=_SQLGLOT_DIALECTS[dialect])
    except Exception:  # sqlglot's TokenError and kin
        return ["has an unclosed string, quoted name or comment"]
    found: list[str] = []
    depth = 0
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            if not any("';'" in problem for problem in found):
                found.append("holds a ';': write one expression, no statements")
        elif token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
            if depth < 0:
                found.append("closes a parenthesis it did not open")
                depth = 0
    if depth > 0:
        found.append("leaves a parenthesis open")
    if tokens and text[tokens[-1].end + 1 :].strip():
        found.append("ends in a comment, which would swallow the rest of the statement")
    return found


def expression_problems(
    text: str,
    dialect: str | None,
    columns: Iterable[str] | None = None,
    *,
    table: str | None = None,
    strict: bool = True,
) -> list[str]:
    """Why ``text`` is not one SQL expression of ``dialect`` naming only ``columns`` (empty when
    it is). Each reason is a clause to follow the expression's description ("the check …").

    ``columns`` None: names are not checked; ``()``: the expression may name no column (a
    default). ``dialect`` None: the first of PostgreSQL, SQLite, MySQL that reads it.
    ``strict=False`` (text read from a database): only unsafe text is refused, and text sqlglot
    cannot read passes.
    """
    from sqlglot import exp

    readers = (dialect,) if dialect else _ALL_READERS
    first_unsafe: list[str] | None = None
    first_failure = ""
    for reader in readers:
        reading = _reading(text, reader)
        if reading.unsafe:
            first_unsafe = first_unsafe or list(reading.unsafe)
            continue
        if reading.failure is not None:
            first_failure = first_failure or reading.failure
            continue
        if reading.tree is None:
            return ["is not one expression"]
        found: list[str] = []
        if strict and reading.commented:
            found.append("holds a comment: write the expression alone")
        statement = reading.tree.find(exp.Query, exp.Command, exp.DDL, exp.DML, exp.Drop, exp.Create, exp.Alter)
        if statement is not None:
            found.append("holds a statement or a subquery: write one expression")
        if columns is not None:
            found += _column_problems(reading.tree, list(columns), table)
        return found
    if not first_failure:
        return first_unsafe or []  # unsafe in every dialect tried
    if not strict:
        return []  # safe where it was tried, and a database accepted it
    return [f"cannot be read as SQL ({first_failure})" if first_failure else "cannot be read as SQL"]


@dataclass(frozen=True)
class _Reading:
    unsafe: tuple[str, ...]  # unsafe_problems
    failure: str | None = None  # sqlglot could not read it: the first line of why
    tree: Any = None  # the one expression read (None: none, or more than one); never changed
    commented: bool = False


@lru_cache(maxsize=16384)
def _reading(text: str, reader: str) -> _Reading:
    """``text`` read as ``reader``'s SQL, once per process: a schema repeats the same defaults
    and checks over thousands of tables (10,000 tables: 20,000 readings, 5 s, for a handful
    of distinct texts). The tree is only looked at, never changed, by those who share it."""
    import sqlglot

    unsafe = unsafe_problems(text, reader)
    if unsafe:
        return _Reading(tuple(unsafe))
    try:
        trees = [t for t in sqlglot.parse(text, read=_SQLGLOT_DIALECTS[reader]) if t is not None]
        tokens = sqlglot.tokenize(text, read=_SQLGLOT_DIALECTS[reader])
    except Exception as exc:  # sqlglot raises several kinds
        return _Reading((), failure=str(exc).splitlines()[0] if str(exc) else "")
    return _Reading(
        (),
        tree=trees[0] if len(trees) == 1 else None,
        commented=any(token.comments for token in tokens),
    )


def _column_problems(tree, columns: list[str], table: str | None) -> list[str]:
    from sqlglot import exp

    exact = set(columns)
    folded = {name.lower() for name in columns}
    found: list[str] = []
    for column in tree.find_all(exp.Column):
        identifier = column.this
        if not isinstance(identifier, exp.Identifier):
            continue
        name = identifier.name
        if isinstance(column.parent, exp.Is) and column.arg_key == "expression" and not identifier.args.get("quoted"):
            continue  # ``x IS DOCUMENT``, ``IS NORMALIZED``: predicates sqlglot reads as a column
        if column.table and table is not None and column.table.lower() != table.lower():
            found.append(f"names table “{column.table}”, not this one")
            continue
        known = name in exact if identifier.args.get("quoted") else name.lower() in folded
        if not known:
            problem = (
                "names a column, which a default cannot" if not columns and not exact
                else f"names column “{name}”, which the table does not have"
            )
            if problem not in found:
                found.append(problem)
    return found


def check_expression(
    text: str, dialect: str | None, columns: Iterable[str] | None = None, *, what: str = "The expression", table: str | None = None
) -> str:
    """``text`` when it is one expression (``expression_problems``, strict); else raises
    ``ExpressionError`` whose sentences start with ``what``."""
    found = expression_problems(text, dialect, columns, table=table)
    if found:
        raise ExpressionError([f"{what} “{text}” {problem}" for problem in found])
    return text


# ---------------------------------------------------------------- functions per dialect
#
# A function one database has and another lacks: written in the target's own spelling where
# the two are the same function (sqlglot's reading of each agrees, e.g. ``now()`` and
# ``CURRENT_TIMESTAMP``), refused by name otherwise, so that the script does not fail on the
# server (SQLite would take ``DEFAULT (now())`` and fail every insert).

#: For each dialect: functions it lacks (lower case) → the same function in its spelling, or
#: None when it has none.
MISSING_FUNCTIONS: dict[str, dict[str, str | None]] = {
    "sqlite": {
        "now": "CURRENT_TIMESTAMP",
        "current_timestamp": "CURRENT_TIMESTAMP",  # as a call: CURRENT_TIMESTAMP()
        "utc_timestamp": "CURRENT_TIMESTAMP",
        "curdate": "CURRENT_DATE",
        "current_date": "CURRENT_DATE",
        "curtime": "CURRENT_TIME",
        "current_time": "CURRENT_TIME",
        "gen_random_uuid": None,
        "uuid": None,
        "uuid_generate_v4": None,
        "localtimestamp": None,
        "clock_timestamp": None,
        "statement_timestamp": None,
        "transaction_timestamp": None,
    },
    "mysql": {
        "gen_random_uuid": None,
        "uuid_generate_v4": None,
        "clock_timestamp": None,
        "statement_timestamp": None,
        "transaction_timestamp": None,
        "datetime": None,
        "strftime": None,
        "julianday": None,
        "randomblob": None,
        "unixepoch": None,
    },
    "postgresql": {
        "curdate": "CURRENT_DATE",
        "curtime": "CURRENT_TIME",
        "uuid": None,
        "utc_timestamp": None,
        "datetime": None,
        "strftime": None,
        "julianday": None,
        "randomblob": None,
        "unixepoch": None,
        "ifnull": None,
    },
}
_LABELS = {"postgresql": "PostgreSQL", "mysql": "MySQL", "sqlite": "SQLite"}


def portable_expression(text: str, dialect: str) -> str:
    """``text`` with each call of a function ``dialect`` lacks written as its own equivalent
    (``MISSING_FUNCTIONS``); the rest of the text kept as written. Raises ``UnsupportedChange``
    naming a function it lacks and has no equivalent of, or text that would not stay one
    expression in ``dialect``'s SQL (``unsafe_problems``)."""
    from .errors import UnsupportedChange

    unsafe = unsafe_problems(text, dialect)
    if unsafe:  # e.g. a MySQL string with a backslash escape, written for PostgreSQL
        raise UnsupportedChange(f"{_LABELS[dialect]} would not read {text!r} as one expression: it {unsafe[0]}")
    missing = MISSING_FUNCTIONS.get(dialect, {})
    lowered = text.lower()
    if not any(name in lowered for name in missing):
        return text  # the common case
    import sqlglot
    from sqlglot.tokens import TokenType

    try:
        tokens = sqlglot.tokenize(text, read=_SQLGLOT_DIALECTS[dialect])
    except Exception:  # sqlglot's TokenError and kin
        return text
    replacements: list[tuple[int, int, str]] = []
    for position, token in enumerate(tokens[:-1]):
        name = token.text.lower()
        if name not in missing or token.token_type == TokenType.STRING or token.token_type == TokenType.IDENTIFIER:
            continue
        if tokens[position + 1].token_type != TokenType.L_PAREN:
            continue  # a bare word (CURRENT_TIMESTAMP) or a column of that name
        closing = _closing_paren(tokens, position + 1)
        if closing is None:
            return text
        equivalent = missing[name]
        if equivalent is None or closing != position + 2:  # an equivalent only for no arguments
            raise UnsupportedChange(f"{_LABELS[dialect]} has no function {token.text}(): cannot write {text!r}")
        replacements.append((token.start, tokens[closing].end, equivalent))
    for start, end, equivalent in reversed(replacements):
        text = text[:start] + equivalent + text[end + 1 :]
    return text


def _closing_paren(tokens, opening: int) -> int | None:
    from sqlglot.tokens import TokenType

    depth = 0
    for position in range(opening, len(tokens)):
        kind = tokens[position].token_type
        depth += 1 if kind == TokenType.L_PAREN else -1 if kind == TokenType.R_PAREN else 0
        if depth == 0:
            return position
    return None


def with_portable_expressions(value, dialect: str):
    """``value`` (an operation, a schema, or any element of them) with every expression default,
    ``ON UPDATE`` expression, check and partial-index condition passed through
    ``portable_expression``; the same object when nothing changes."""
    from dataclasses import fields, is_dataclass, replace

    from .schema import Check, Column, Default, Generated, Index

    if isinstance(value, tuple):
        mapped = tuple(with_portable_expressions(item, dialect) for item in value)
        return value if all(a is b for a, b in zip(mapped, value)) else mapped
    if not is_dataclass(value) or isinstance(value, type):
        return value
    changes = {}
    if isinstance(value, Default) and value.expression:
        new = portable_expression(value.value, dialect)
        return value if new == value.value else replace(value, value=new)
    if isinstance(value, Generated):
        new = portable_expression(value.expression, dialect)
        return value if new == value.expression else replace(value, expression=new)
    if isinstance(value, Check):
        changes["expression"] = portable_expression(value.expression, dialect)
    elif isinstance(value, Index) and (value.where or value.has_expressions):
        if value.where:
            changes["where"] = portable_expression(value.where, dialect)
        if value.has_expressions:
            changes["columns"] = tuple(
                portable_expression(e, dialect) if value.key(n).expression else e for n, e in enumerate(value.columns)
            )
    elif isinstance(value, Column) and value.on_update:
        changes["on_update"] = portable_expression(value.on_update, dialect)
    for field in fields(value):
        if field.name in changes or not field.init:
            continue
        current = getattr(value, field.name)
        if isinstance(current, (tuple,)) or is_dataclass(current):
            mapped = with_portable_expressions(current, dialect)
            if mapped is not current:
                changes[field.name] = mapped
    changes = {name: new for name, new in changes.items() if new is not getattr(value, name) and new != getattr(value, name)}
    return replace(value, **changes) if changes else value


def with_portable_tables(schema, dialect: str, tables=None):
    """``schema`` with ``with_portable_expressions`` applied to the tables named in ``tables``
    (None: all of them), the others left as they are: rendering needs the tables its operations
    touch, and walking a large schema's every expression costs more than the rest of a diff."""
    from dataclasses import replace

    changed = {}
    for table in schema.tables:
        if tables is not None and table.name not in tables:
            continue
        portable = with_portable_expressions(table, dialect)
        if portable is not table:
            changed[table.name] = portable
    if not changed:
        return schema
    return replace(schema, tables=tuple(changed.get(t.name, t) for t in schema.tables))


def same_expression(a: str, b: str, dialect: str) -> bool:
    """Whether two spellings of an expression mean the same to ``dialect``'s server, as far as the
    way servers rewrite what they are given goes: PostgreSQL keeps ``x BETWEEN 1 AND 9`` as
    ``(x >= 1) AND (x <= 9)``, ``x IN ('a', 'b')`` as ``x::text = ANY (ARRAY['a'::varchar, ...])``,
    ``price > 0`` as ``price > 0::numeric``. Compared as syntax trees after undoing those rewrites
    (parentheses only where the tree already groups, so ``(a OR b) AND c`` stays apart from
    ``a OR (b AND c)``); text sqlglot cannot read is the same only if it is equal."""
    if a == b:
        return True
    try:
        return _canonical_tree(a, dialect) == _canonical_tree(b, dialect)
    except Exception:  # sqlglot's ParseError and kin: no opinion, so not the same
        return False


def _canonical_tree(text: str, dialect: str):
    import sqlglot

    tree = sqlglot.parse_one(text, read=_SQLGLOT_DIALECTS[dialect]).transform(
        lambda node: _as_server_names(node, dialect)
    )
    for _ in range(50):  # each pass undoes one layer of rewriting; real expressions need a few
        simpler = tree.transform(_undo_rewrite)
        if simpler == tree:
            break
        tree = simpler
    return tree


def _as_server_names(node, dialect: str):
    """An identifier as the server resolves it: PostgreSQL folds unquoted names to lower case and
    keeps quoted ones; MySQL and SQLite column names ignore case."""
    from sqlglot import exp

    if not isinstance(node, exp.Identifier):
        return node
    name = node.this if (node.quoted and dialect == "postgresql") else node.this.lower()
    return exp.Identifier(this=name, quoted=False)


def _undo_rewrite(node):
    from sqlglot import exp

    if isinstance(node, exp.Paren):
        return node.this
    if isinstance(node, exp.Between):
        low = exp.GTE(this=node.this.copy(), expression=node.args["low"].copy())
        return exp.And(this=low, expression=exp.LTE(this=node.this.copy(), expression=node.args["high"].copy()))
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        values = node.expression.this
        while isinstance(values, (exp.Paren, exp.Cast)):
            values = values.this
        if isinstance(values, exp.Array):
            return exp.In(this=node.this.copy(), expressions=[e.copy() for e in values.expressions])
    if isinstance(node, exp.Cast) and node.to.this in _implied_casts() and isinstance(node.this, (exp.Literal, exp.Column, exp.Paren)):
        return node.this
    return node


@cache
def _implied_casts() -> frozenset:
    """Casts a server adds to a literal or a column to compare it (text and numeric kinds)."""
    from sqlglot import exp

    kind = exp.DataType.Type
    return frozenset({
        kind.TEXT, kind.VARCHAR, kind.CHAR, kind.NCHAR, kind.NVARCHAR, kind.BPCHAR, kind.DECIMAL,
        kind.DOUBLE, kind.FLOAT, kind.INT, kind.BIGINT, kind.SMALLINT,
    })
