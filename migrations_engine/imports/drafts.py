"""What a ``CREATE TABLE``, ``ALTER TABLE`` or ``CREATE INDEX`` says, read from its tokens the same
way for every dialect, before each dialect's module turns it into the engine's elements as that
database's introspection would read them back (``sql_postgresql``, ``sql_mysql``, ``sql_sqlite``).

Texts (types, defaults, expressions) are kept as written; names as the database keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot.tokens import TokenType

from ..errors import EngineError
from .tokens import Cursor, split_commas


class Unreadable(EngineError):
    """A part of a statement this reader cannot map (the caller names the line: the statement's,
    or ``line`` within it where the reader knows it)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class ForeignKeyDraft:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    name: str | None = None
    #: None where the statement says nothing (MySQL reads that as RESTRICT, the others NO ACTION).
    on_delete: str | None = None
    on_update: str | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    match: str | None = None
    not_valid: bool = False


@dataclass
class KeyDraft:
    """A primary key, unique constraint, or (MySQL) index inside CREATE TABLE."""

    columns: tuple[str, ...]
    name: str | None = None
    #: Per element: (text, is_expression, descending, prefix length, collation, opclass, nulls).
    elements: list[tuple] = field(default_factory=list)
    kind: str = "unique"  # "primary", "unique", "index", "fulltext", "spatial"
    deferrable: bool = False
    initially_deferred: bool = False
    nulls_not_distinct: bool = False
    comment: str | None = None
    method: str | None = None


@dataclass
class CheckDraft:
    expression: str
    name: str | None = None
    column: str | None = None  # a column's own check
    not_valid: bool = False
    no_inherit: bool = False


@dataclass
class ColumnDraft:
    name: str
    type_text: str
    not_null: bool = False
    default: str | None = None
    primary_key: bool = False
    primary_key_name: str | None = None
    autoincrement: bool = False
    identity: str | None = None  # "ALWAYS" or "BY DEFAULT"
    identity_options: str = ""
    generated: str | None = None
    stored: bool | None = None
    collation: str | None = None
    charset: str | None = None
    comment: str | None = None
    on_update: str | None = None


@dataclass
class TableDraft:
    name: str
    line: int
    columns: list[ColumnDraft] = field(default_factory=list)
    keys: list[KeyDraft] = field(default_factory=list)
    foreign_keys: list[ForeignKeyDraft] = field(default_factory=list)
    checks: list[CheckDraft] = field(default_factory=list)
    #: Words after the closing parenthesis: ``ENGINE=InnoDB``, ``WITHOUT ROWID``, ``INHERITS (...)``.
    options: dict[str, str] = field(default_factory=dict)
    comment: str | None = None
    text: str = ""
    #: What was read but is not in the engine's model, one sentence each (SQLite's ON CONFLICT).
    notes: list[str] = field(default_factory=list)


#: Words that end a column's type and start its constraints.
_COLUMN_WORDS = frozenset({
    "NOT", "NULL", "DEFAULT", "PRIMARY", "PRIMARY KEY", "UNIQUE", "CHECK", "REFERENCES", "CONSTRAINT",
    "COLLATE", "GENERATED", "AS", "AUTO_INCREMENT", "AUTOINCREMENT", "COMMENT", "ON", "CHARACTER SET",
    "CHARACTER", "CHARSET", "KEY", "IDENTITY", "NOT NULL", "INVISIBLE", "VISIBLE", "STORED",
    "VIRTUAL", "PERSISTENT", "SERIAL DEFAULT VALUE", "COLUMN_FORMAT", "STORAGE", "ENCODING",
})
_MYSQL_KEYS = frozenset({"KEY", "INDEX", "FULLTEXT", "SPATIAL"})
_TABLE_CONSTRAINT = frozenset({
    "CONSTRAINT", "PRIMARY", "PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN", "FOREIGN KEY", "KEY", "INDEX",
    "FULLTEXT", "SPATIAL", "EXCLUDE", "LIKE",
})


def read_create_table(cursor: Cursor, draft: TableDraft, dialect: str) -> None:
    """The body of ``CREATE TABLE name (...)`` at the cursor (on its opening parenthesis), then its options."""
    for part in split_commas(cursor.group()):
        inner = Cursor(part, cursor.sql, fold=cursor.fold)
        first = inner.word()
        if first in _TABLE_CONSTRAINT and not (first in _MYSQL_KEYS and dialect != "mysql"):
            if first == "LIKE":
                raise Unreadable("CREATE TABLE ... (LIKE ...) copies a table this reader does not know")
            if first == "EXCLUDE" or (first == "CONSTRAINT" and inner.word(2) == "EXCLUDE"):
                raise Unreadable("EXCLUDE constraints are not read from SQL yet")
            read_table_constraint(inner, draft, dialect)
        else:
            draft.columns.append(read_column(inner, draft, dialect))
    read_table_options(cursor, draft)


def read_table_options(cursor: Cursor, draft: TableDraft) -> None:
    """What follows the column list: ``INHERITS``/``PARTITION`` (kept whole), SQLite's
    ``WITHOUT ROWID`` and ``STRICT``, MySQL's character set, collation and comment; any other
    option is kept by name in ``draft.options`` (``ENGINE``, ``TABLESPACE`` …: not in the model,
    which the inspection does not read either)."""
    while not cursor.done():
        word = cursor.word()
        token = cursor.peek()
        if token is not None and token.token_type == TokenType.COMMA:
            cursor.at += 1
            continue
        if word in ("INHERITS", "PARTITION OF") or cursor.at_word("PARTITION", "BY"):
            draft.options["INHERITS" if word == "INHERITS" else "PARTITION"] = cursor.text(cursor.rest())
            return
        if token is not None and token.token_type == TokenType.R_PAREN:
            raise Unreadable("a parenthesis closed that was not opened")
        if cursor.take("WITHOUT", "ROWID"):
            draft.options["WITHOUT ROWID"] = "1"
            continue
        if cursor.take("STRICT"):
            draft.options["STRICT"] = "1"
            continue
        cursor.take("DEFAULT")
        if cursor.take("CHARACTER", "SET") or cursor.take("CHARSET"):
            cursor.take("=")
            draft.options["CHARSET"] = cursor.name()
        elif cursor.take("COLLATE"):
            cursor.take("=")
            draft.options["COLLATE"] = cursor.name()
        elif cursor.take("COMMENT"):
            cursor.take("=")
            draft.comment = cursor.name()
        elif word is not None:
            key = word
            cursor.at += 1
            if cursor.take("="):
                pass
            if not cursor.done():
                draft.options[key] = cursor.text([cursor.peek()])
                cursor.skip()
        else:
            cursor.skip()


def read_column(cursor: Cursor, draft: TableDraft, dialect: str) -> ColumnDraft:
    """A column definition: its name, its type as written (up to the first constraint word),
    then its constraints; keys, checks and references it declares go to ``draft``."""
    line = cursor.tokens[cursor.at].line if not cursor.done() else None
    name = cursor.name()
    type_tokens = []
    while not cursor.done():
        word = cursor.word()
        if word in _COLUMN_WORDS and not (word == "CHARACTER" and (not type_tokens or cursor.word(1) == "VARYING")):
            break
        start = cursor.at
        cursor.skip()
        type_tokens.extend(cursor.tokens[start : cursor.at])
    if not type_tokens and dialect != "sqlite":  # only SQLite takes a column without a type
        raise Unreadable(f"column {name!r} has no type", line)
    column = ColumnDraft(name, cursor.text(type_tokens))
    _read_column_constraints(cursor, column, draft, dialect)
    return column


def _expression_tokens(cursor: Cursor) -> list:
    """A default's tokens: its first, then up to the next constraint word at depth 0."""
    start = cursor.at
    if not cursor.done():
        cursor.skip()
    cursor.until(lambda c: c.word() in _DEFAULT_STOP or (c.word() == "ON" and c.word(1) == "UPDATE"))
    return cursor.tokens[start : cursor.at]


_DEFAULT_STOP = frozenset({
    "NOT", "NOT NULL", "NULL", "PRIMARY", "PRIMARY KEY", "UNIQUE", "CHECK", "REFERENCES", "CONSTRAINT", "COLLATE",
    "GENERATED", "AUTO_INCREMENT", "AUTOINCREMENT", "COMMENT", "KEY", "CHARACTER SET", "INVISIBLE",
})


def _read_column_constraints(cursor: Cursor, column: ColumnDraft, draft: TableDraft, dialect: str) -> None:
    name: str | None = None
    while not cursor.done():
        if cursor.take("CONSTRAINT"):
            name = cursor.name()
            continue
        if cursor.take("NOT", "NULL"):
            column.not_null = True
        elif cursor.take("NULL"):
            pass
        elif cursor.take("DEFAULT"):
            column.default = cursor.text(_expression_tokens(cursor))
            if not column.default:
                raise Unreadable(f"column {column.name!r}: DEFAULT without a value")
        elif cursor.take("PRIMARY", "KEY"):
            column.primary_key, column.primary_key_name = True, name
            if cursor.take("ASC") or cursor.take("DESC"):
                pass
            if cursor.take("AUTOINCREMENT"):
                column.autoincrement = True
        elif cursor.take("UNIQUE"):
            cursor.take("KEY")
            draft.keys.append(KeyDraft((column.name,), name, kind="unique"))
        elif cursor.take("KEY"):  # MySQL: a column's KEY is its primary key
            column.primary_key = True
        elif cursor.take("CHECK"):
            draft.checks.append(CheckDraft(cursor.text(cursor.group()), name, column=column.name))
            _check_options(cursor, draft.checks[-1])
        elif cursor.take("REFERENCES"):
            draft.foreign_keys.append(_reference(cursor, (column.name,), name))
        elif cursor.take("COLLATE"):
            column.collation = cursor.qualified_name()[1]
        elif cursor.take("CHARACTER", "SET") or cursor.take("CHARSET"):
            column.charset = cursor.name()
        elif cursor.take("AUTO_INCREMENT") or cursor.take("AUTOINCREMENT"):
            column.autoincrement = True
        elif cursor.take("COMMENT"):
            column.comment = cursor.name()
        elif cursor.take("ON", "UPDATE"):
            column.on_update = cursor.text(_expression_tokens(cursor))
        elif cursor.take("GENERATED"):
            if cursor.take("ALWAYS"):
                kind = "ALWAYS"
            else:
                cursor.take("BY")
                cursor.take("DEFAULT")
                kind = "BY DEFAULT"
            cursor.take("AS")
            if cursor.take("IDENTITY"):
                column.identity = kind
                column.identity_options = cursor.text(cursor.group())
            else:
                _generated(cursor, column)
        elif cursor.take("AS"):
            _generated(cursor, column)
        elif cursor.take("ON", "CONFLICT"):
            _on_conflict(cursor, draft, f"column {column.name!r}")
        elif cursor.word() in ("VISIBLE", "INVISIBLE"):
            if cursor.word() == "INVISIBLE":
                raise Unreadable(f"column {column.name!r}: INVISIBLE columns are not in the engine's model")
            cursor.at += 1
        else:
            raise Unreadable(f"column {column.name!r}: cannot read {cursor.text([cursor.peek()])!r}")
        name = None


def _on_conflict(cursor: Cursor, draft: TableDraft, what: str) -> None:
    """SQLite's ``ON CONFLICT <resolution>``: not in the model (the inspection does not read it
    either), so it is said, not kept."""
    resolution = cursor.word() or ""
    cursor.at += 1
    draft.notes.append(f"table {draft.name!r}, {what}: ON CONFLICT {resolution} is not in the engine's model and is left out")


def _generated(cursor: Cursor, column: ColumnDraft) -> None:
    column.generated = cursor.text(cursor.group())
    if cursor.take("STORED") or cursor.take("PERSISTENT"):
        column.stored = True
    elif cursor.take("VIRTUAL"):
        column.stored = False


def _check_options(cursor: Cursor, check: CheckDraft) -> None:
    while True:
        if cursor.take("NOT", "VALID"):
            check.not_valid = True
        elif cursor.take("NO", "INHERIT"):
            check.no_inherit = True
        elif cursor.take("NOT", "ENFORCED") or cursor.take("ENFORCED"):
            raise Unreadable("CHECK ... [NOT] ENFORCED is not in the engine's model")
        else:
            return


def names(tokens, cursor: Cursor) -> tuple[str, ...]:
    """The names of a parenthesised list such as ``(a, "b c")``."""
    out = []
    for part in split_commas(tokens):
        out.append(Cursor(part, cursor.sql, fold=cursor.fold).name())
    return tuple(out)


def _reference(cursor: Cursor, columns: tuple[str, ...], name: str | None) -> ForeignKeyDraft:
    _, table = cursor.qualified_name()
    ref_columns = names(cursor.group(), cursor) if cursor.is_open() else ()
    fk = ForeignKeyDraft(columns, table, ref_columns, name)
    while not cursor.done():
        if cursor.take("ON", "DELETE"):
            fk.on_delete = _action(cursor)
        elif cursor.take("ON", "UPDATE"):
            fk.on_update = _action(cursor)
        elif cursor.take("MATCH"):
            match = cursor.name().upper()
            fk.match = "FULL" if match == "FULL" else None
            if match == "PARTIAL":
                raise Unreadable("MATCH PARTIAL is not in the engine's model")
        elif cursor.take("NOT", "DEFERRABLE"):
            fk.deferrable = False
        elif cursor.take("DEFERRABLE"):
            fk.deferrable = True
        elif cursor.take("INITIALLY", "DEFERRED"):
            fk.initially_deferred = True
        elif cursor.take("INITIALLY", "IMMEDIATE"):
            fk.initially_deferred = False
        elif cursor.take("NOT", "VALID"):
            fk.not_valid = True
        else:
            break
    return fk


def _action(cursor: Cursor) -> str:
    for words in (("SET", "NULL"), ("SET", "DEFAULT"), ("NO", "ACTION"), ("CASCADE",), ("RESTRICT",)):
        if cursor.take(*words):
            if words[0] == "SET" and cursor.is_open():
                raise Unreadable("ON DELETE SET NULL (columns) is not in the engine's model")
            return " ".join(words)
    raise Unreadable(f"unknown referential action {cursor.text([cursor.peek()]) if not cursor.done() else ''!r}")


def read_table_constraint(cursor: Cursor, draft: TableDraft, dialect: str) -> None:
    """One table-level constraint (or MySQL key) into ``draft``; one this reader cannot map
    raises ``Unreadable``."""
    name = None
    if cursor.take("CONSTRAINT"):
        if cursor.word() not in ("PRIMARY", "PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN", "FOREIGN KEY"):
            name = cursor.name()
    if cursor.take("PRIMARY", "KEY"):
        key = _key(cursor, draft, "primary", name)
        draft.keys.append(key)
    elif cursor.take("UNIQUE"):
        if not (cursor.take("KEY") or cursor.take("INDEX")):
            pass
        if not cursor.is_open() and dialect == "mysql":
            name = cursor.name()
        draft.keys.append(_key(cursor, draft, "unique", name))
    elif cursor.word() in ("KEY", "INDEX", "FULLTEXT", "SPATIAL"):
        kind = "index"
        if cursor.take("FULLTEXT"):
            kind = "fulltext"
        elif cursor.take("SPATIAL"):
            kind = "spatial"
        cursor.take("KEY") or cursor.take("INDEX")
        if not cursor.is_open() and cursor.word() != "USING":
            name = cursor.name()
        draft.keys.append(_key(cursor, draft, kind, name))
    elif cursor.take("CHECK"):
        check = CheckDraft(cursor.text(cursor.group()), name)
        _check_options(cursor, check)
        draft.checks.append(check)
    elif cursor.take("FOREIGN", "KEY"):
        if not cursor.is_open():
            cursor.name()  # MySQL's index name for the key: the key's name when unnamed
        columns = names(cursor.group(), cursor)
        if not cursor.take("REFERENCES"):
            raise Unreadable("FOREIGN KEY without REFERENCES")
        draft.foreign_keys.append(_reference(cursor, columns, name))
    else:
        raise Unreadable(f"cannot read table constraint {cursor.text(cursor.rest())!r}")


def _key(cursor: Cursor, draft: TableDraft, kind: str, name: str | None) -> KeyDraft:
    key = KeyDraft((), name, kind=kind)
    if cursor.take("NULLS", "NOT", "DISTINCT"):
        key.nulls_not_distinct = True
    if cursor.take("USING"):
        key.method = cursor.name().lower()
    key.elements = index_elements(cursor.group(), cursor)
    key.columns = tuple(e[0] for e in key.elements)
    while not cursor.done():
        if cursor.take("USING"):
            key.method = cursor.name().lower()
        elif cursor.take("COMMENT"):
            key.comment = cursor.name()
        elif cursor.take("DEFERRABLE"):
            key.deferrable = True
        elif cursor.take("NOT", "DEFERRABLE"):
            pass
        elif cursor.take("INITIALLY", "DEFERRED"):
            key.initially_deferred = True
        elif cursor.take("INITIALLY", "IMMEDIATE"):
            pass
        elif cursor.take("INCLUDE"):
            raise Unreadable("INCLUDE columns of a key are not in the engine's model")
        elif cursor.take("ON", "CONFLICT"):
            _on_conflict(cursor, draft, f"{kind} key ({', '.join(key.columns)})")
        elif cursor.take("KEY_BLOCK_SIZE") or cursor.take("WITH", "PARSER"):
            cursor.take("=")
            cursor.skip()
        else:
            raise Unreadable(f"cannot read {cursor.text(cursor.rest())!r} after a key's columns")
    return key


def index_elements(tokens, cursor: Cursor) -> list[tuple]:
    """Each element of an index's list: (column or expression text, is_expression, descending,
    prefix length, collation, opclass, nulls)."""
    out = []
    for part in split_commas(tokens):
        inner = Cursor(part, cursor.sql, fold=cursor.fold)
        length = None
        expression = False
        if inner.is_open():
            text = inner.text(inner.group())
            expression = True
        else:
            first = inner.peek()
            following = inner.peek(1)
            if following is not None and following.token_type == TokenType.L_PAREN and first.token_type != TokenType.IDENTIFIER and _is_call(inner):
                text = inner.text(inner.until(lambda c: c.word() in _KEY_TAIL))
                expression = True
            else:
                text = inner.name()
                if inner.is_open():  # MySQL prefix length: name(10)
                    length = int(inner.text(inner.group()))
        collation = opclass = nulls = None
        descending = False
        while not inner.done():
            if inner.take("COLLATE"):
                collation = inner.qualified_name()[1]
            elif inner.take("ASC"):
                pass
            elif inner.take("DESC"):
                descending = True
            elif inner.take("NULLS", "FIRST"):
                nulls = "FIRST"
            elif inner.take("NULLS", "LAST"):
                nulls = "LAST"
            else:
                opclass = inner.name()
        out.append((text, expression, descending, length, collation, opclass, nulls))
    return out


_KEY_TAIL = frozenset({"COLLATE", "ASC", "DESC", "NULLS"})


def _is_call(cursor: Cursor) -> bool:
    """Whether ``name(...)`` at the cursor is a function call (an expression key) rather than
    MySQL's prefix length ``name(10)``, whose parenthesis holds one number."""
    inner_start = cursor.at + 2
    token = cursor.tokens[inner_start] if inner_start < len(cursor.tokens) else None
    after = cursor.tokens[inner_start + 1] if inner_start + 1 < len(cursor.tokens) else None
    is_prefix = token is not None and token.token_type == TokenType.NUMBER and after is not None and after.token_type == TokenType.R_PAREN
    return not is_prefix
