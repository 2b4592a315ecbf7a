"""MySQL/MariaDB: the tables of a script, as the engine's MySQL introspection reads them back.

Types are put in the spelling ``information_schema.COLUMNS.COLUMN_TYPE`` shows (MariaDB's, with
its display widths: ``int(11)``, ``int(10) unsigned``) and given to the introspection's
``read_type``; defaults go through its ``read_default_mariadb`` as MariaDB shows them, and
expressions through its ``normalize_expression``. Unnamed keys get the names the server gives them
(an index after its first column, ``<table>_ibfk_<n>`` for foreign keys, ``CONSTRAINT_<n>`` for
checks). A table without a character set is taken to have utf8mb4 (the database's default on
the servers this project sets up); the engine's MySQL dialect writes the same.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot.tokens import TokenType

from ..introspect.mysql import _expression, normalize_expression, read_default_mariadb, read_type, strip_parentheses
from ..naming import primary_key_name
from ..schema import PLAIN_KEY, Check, Column, ForeignKey, Generated, Index, IndexKey, PrimaryKey, Schema, Table, Unique
from ..types import ColumnType
from .drafts import ColumnDraft, TableDraft
from . import ImportFailed
from .collected import Collected

DEFAULT_CHARSET = "utf8mb4"
#: MariaDB's default collation of each character set.
_DEFAULT_COLLATIONS = {
    "utf8mb4": "utf8mb4_general_ci", "utf8mb3": "utf8mb3_general_ci", "latin1": "latin1_swedish_ci",
    "ascii": "ascii_general_ci", "binary": "binary", "ucs2": "ucs2_general_ci", "utf16": "utf16_general_ci",
    "utf32": "utf32_general_ci", "latin2": "latin2_general_ci", "cp1251": "cp1251_general_ci",
}
#: Display widths MariaDB shows for integer types written without one (signed, unsigned).
_WIDTHS = {"tinyint": (4, 3), "smallint": (6, 5), "mediumint": (9, 8), "int": (11, 10), "bigint": (20, 20)}
_TEXT_KINDS = re.compile(r"^(?:var)?char\b|^(?:tiny|medium|long)?text\b|^enum\b|^set\b")
_NATIONAL = re.compile(r"^(?:national\s+(?:char|character|varchar)(?:\s+varying)?|nchar(?:\s+varchar|\s+varying)?|nvarchar)\b")
_STRING = re.compile(r"'((?:[^'\\]|''|\\.)*)'|\"((?:[^\"\\]|\"\"|\\.)*)\"", re.S)


def _charset(name: str | None) -> str | None:
    if name is None:
        return None
    name = name.lower()
    return "utf8mb3" if name == "utf8" else name


def _collation(name: str | None) -> str | None:
    if name is None:
        return None
    name = name.lower()
    return "utf8mb3" + name[4:] if name.startswith("utf8_") else name


def _charset_of(collation: str) -> str:
    return "binary" if collation == "binary" else collation.split("_", 1)[0]


def column_type_text(text: str) -> tuple[str, bool, bool]:
    """``text`` as ``COLUMN_TYPE`` shows it, whether it is a national (utf8mb3) character type,
    and whether it says ``BINARY`` (the character set's binary collation)."""
    written = " ".join(text.split())
    lowered = written.lower()
    national = bool(_NATIONAL.match(lowered))
    if national:
        lowered = _NATIONAL.sub(lambda m: "varchar" if "var" in m.group(0) else "char", lowered)
    head_match = re.match(r"^([a-z]+(?: (?:precision|varying))?)", lowered)
    head = head_match.group(1) if head_match else lowered
    rest = lowered[len(head):].strip()
    if head in ("enum", "set"):
        values = [a if a is not None else b.replace('""', '"') for a, b in _STRING.findall(written)]
        enum_text = f"{head}(" + ",".join("'" + v.replace("''", "'").replace("'", "''") + "'" for v in values) + ")"
        return enum_text, national, False
    args = ""
    match = re.match(r"^\(([^)]*)\)\s*(.*)$", rest)
    if match:
        args, rest = match.group(1).replace(" ", ""), match.group(2)
    flags = " ".join(w for w in rest.split() if w in ("unsigned", "zerofill"))
    binary = "binary" in rest.split() and head not in ("binary", "varbinary")
    if "zerofill" in flags:
        flags = "unsigned zerofill"
    head = {"integer": "int", "bool": "tinyint", "boolean": "tinyint", "dec": "decimal", "numeric": "decimal", "fixed": "decimal",
            "real": "double", "double precision": "double", "character": "char", "character varying": "varchar"}.get(head, head)
    if lowered.startswith(("bool", "boolean")):
        args = "1"
    if head in _WIDTHS and not args:
        args = str(_WIDTHS[head][1 if "unsigned" in flags else 0])
    elif head == "decimal":
        args = args if "," in args else (f"{args},0" if args else "10,0")
    elif head == "float" and args and "," not in args:
        head, args = ("float" if int(args) <= 24 else "double"), ""
    elif head in ("char", "binary", "bit") and not args:
        args = "1"
    elif head == "year" and not args:
        args = "4"
    typed = head + (f"({args})" if args else "")
    return (typed + (" " + flags if flags else "")).strip(), national, binary


def build(collected: Collected) -> Schema:
    for index in collected.indexes:
        if index.table not in collected.tables:
            raise ImportFailed(f"index on table {index.table!r}, which is not created before it", index.line)
    return Schema(tables=tuple(_table(collected, draft) for draft in collected.tables.values()))


def _table(collected: Collected, draft: TableDraft) -> Table:
    name = draft.name
    charset = _charset(draft.options.get("CHARSET"))
    collation = _collation(draft.options.get("COLLATE"))
    if collation and not charset:
        charset = _charset_of(collation)
    charset = charset or DEFAULT_CHARSET
    default_collation = _DEFAULT_COLLATIONS.get(charset)
    table_collation = collation or default_collation
    primary = next((k for k in draft.keys if k.kind == "primary"), None)
    pk_columns = primary.columns if primary else tuple(c.name for c in draft.columns if c.primary_key)
    json_columns = _json_columns(draft)
    folded = {c.name.lower(): c.name for c in draft.columns}
    columns = tuple(
        _column(c, c.name in pk_columns, charset, table_collation, c.name in json_columns, folded) for c in draft.columns
    )
    names_taken: set[str] = set()
    uniques, indexes = [], []
    listed = [(k, k.kind == "unique") for k in draft.keys] + [(i.key, i.unique) for i in collected.indexes if i.table == name]
    for key, unique in listed:
        if key.kind == "primary":
            continue
        if key.kind == "spatial":
            collected.notes.append(f"line {draft.line}: spatial index on {name!r} left out: not in the engine's model")
            continue
        key_name = key.name or _index_name(key.columns[0], names_taken)
        names_taken.add(key_name)
        keys = tuple(IndexKey(expression=e[1], descending=e[2], length=e[3]) for e in key.elements)
        plain = all(k == PLAIN_KEY for k in keys)
        columns_or_expressions = tuple(normalize_expression(e[0]) if e[1] else e[0] for e in key.elements)
        if unique and plain:
            uniques.append(Unique(columns_or_expressions, key_name, comment=key.comment))
        else:
            indexes.append(Index(
                columns_or_expressions, key_name, unique=unique, keys=() if plain else keys,
                method="fulltext" if key.kind == "fulltext" else None, comment=key.comment,
            ))
    foreign_keys = _foreign_keys(name, draft)
    # The index MySQL makes for a foreign key (a dump writes it out) is the key's, as the
    # introspection reads it: not an index of its own.
    made_for_keys = {(fk.name, fk.columns) for fk in foreign_keys}
    indexes = [
        i for i in indexes
        if not ((i.name, i.columns) in made_for_keys and not i.keys and i.comment is None and i.method is None and not i.unique)
    ]
    return Table(
        name=name,
        charset=charset if charset != DEFAULT_CHARSET else None,
        collation=table_collation if table_collation and table_collation != default_collation else None,
        columns=columns,
        primary_key=PrimaryKey(pk_columns, primary_key_name(name), comment=primary.comment if primary else None) if pk_columns else None,
        foreign_keys=tuple(foreign_keys),
        uniques=tuple(uniques),
        checks=tuple(c for c in _checks(draft) if not (c.name in json_columns and _json_valid_of(c.expression) == c.name)),
        indexes=tuple(indexes),
        comment=draft.comment or None,
    )


def _foreign_keys(name: str, draft: TableDraft) -> list[ForeignKey]:
    foreign_keys = []
    for number, fk in enumerate(draft.foreign_keys, start=1):
        if not fk.ref_columns:
            raise ImportFailed(f"table {name!r}: a foreign key must name the referenced columns in MySQL", draft.line)
        foreign_keys.append(ForeignKey(
            fk.columns, fk.ref_table, fk.ref_columns, fk.name or f"{name}_ibfk_{number}",
            on_delete=fk.on_delete or "RESTRICT", on_update=fk.on_update or "RESTRICT",
        ))
    return foreign_keys


_JSON_VALID = re.compile(r"^\s*json_valid\s*\(\s*(`(?:[^`]|``)+`|[A-Za-z0-9_$]+)\s*\)\s*$", re.IGNORECASE)


def _json_valid_of(expression: str) -> str | None:
    """The column of ``json_valid(col)``, else None."""
    match = _JSON_VALID.match(strip_parentheses(expression))
    if not match:
        return None
    name = match.group(1)
    return name[1:-1].replace("``", "`") if name.startswith("`") else name


def _json_columns(draft: TableDraft) -> set[str]:
    """MariaDB's JSON: a LONGTEXT with its own ``CHECK (json_valid(col))`` (what a dump writes),
    read as the introspection reads it."""
    found = set()
    for check in draft.checks:
        if check.column is not None and check.name in (None, check.column) and _json_valid_of(check.expression) == check.column:
            owner = next((c for c in draft.columns if c.name == check.column), None)
            if owner is not None and column_type_text(owner.type_text)[0] == "longtext":
                found.add(check.column)
    return found


_MYSQL = sqlglot.Dialect.get_or_raise("mysql")
#: Words that may stand before a parenthesis without being a function.
_NOT_FUNCTIONS = frozenset({
    TokenType.IN, TokenType.AND, TokenType.OR, TokenType.NOT, TokenType.EXISTS, TokenType.LIKE, TokenType.IS,
    TokenType.BETWEEN, TokenType.THEN, TokenType.ELSE, TokenType.WHEN, TokenType.CASE, TokenType.ANY, TokenType.ALL,
    TokenType.SOME, TokenType.ESCAPE,
})
_OPERAND_END = frozenset({TokenType.R_PAREN, TokenType.NUMBER, TokenType.STRING, TokenType.IDENTIFIER, TokenType.VAR, TokenType.NULL, TokenType.TRUE, TokenType.FALSE})


def mariadb_expression(text: str, columns: dict[str, str] | None = None) -> str:
    """``text`` as MariaDB prints a check or generated expression back: keywords and functions
    in lower case, names in backquotes, strings in single quotes with backslash escapes, ``<>``
    for ``!=``, one space around operators and none inside parentheses or after commas. What it
    rewrites further (``NOT (a = 5)`` as ``a <> 5``) is not done: such a text stays as written.
    ``columns`` (folded name → name) spells column names as the table does (MySQL ignores case)."""
    columns = columns or {}
    try:
        tokens = _MYSQL.tokenize(text)
    except Exception:  # sqlglot raises several kinds; the text is kept as written
        return text
    out: list[str] = []
    previous = None
    previous_calls = unary = False
    for position, token in enumerate(tokens):
        kind = token.token_type
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        calls = following is not None and following.token_type == TokenType.L_PAREN and kind not in _NOT_FUNCTIONS
        if kind == TokenType.STRING:
            piece = "'" + token.text.replace("\\", "\\\\").replace("'", "\\'") + "'"
        elif kind == TokenType.IDENTIFIER or (kind == TokenType.VAR and not calls):
            name = columns.get(token.text.lower(), token.text)
            piece = "`" + name.replace("`", "``") + "`"
        elif kind == TokenType.NUMBER:
            piece = token.text
        elif kind == TokenType.NEQ:
            piece = "<>"
        else:
            piece = token.text.lower()
        if previous is None or kind in (TokenType.R_PAREN, TokenType.COMMA) or previous.token_type in (TokenType.L_PAREN, TokenType.COMMA):
            separator = ""
        elif kind == TokenType.L_PAREN and previous_calls or unary:
            separator = ""
        else:
            separator = " "
        unary = kind in (TokenType.DASH, TokenType.PLUS) and (previous is None or previous.token_type not in _OPERAND_END)
        out.append(separator + piece)
        previous, previous_calls = token, calls
    return "".join(out)


def _checks(draft: TableDraft) -> list[Check]:
    """Checks named as MariaDB names them: a column's own after the column, others CONSTRAINT_<n>."""
    columns = {c.name.lower(): c.name for c in draft.columns}
    checks, unnamed = [], 0
    for check in draft.checks:
        if check.column is not None and check.name is None:
            check_name = check.column
        elif check.name is None:
            unnamed += 1
            check_name = f"CONSTRAINT_{unnamed}"
        else:
            check_name = check.name
        checks.append(Check(normalize_expression(mariadb_expression(check.expression, columns)), check_name))
    return checks


def _index_name(first: str, taken: set[str]) -> str:
    name, number = first, 1
    while name in taken or name == "PRIMARY":
        number += 1
        name = f"{first}_{number}"
    return name


_NOW = re.compile(r"^(?:current_timestamp|now|localtime|localtimestamp)\s*(?:\(\s*(\d*)\s*\))?$", re.IGNORECASE)


def _column(
    draft: ColumnDraft, in_primary_key: bool, table_charset: str, table_collation: str | None, json: bool = False,
    names: dict[str, str] | None = None,
) -> Column:
    type_text, national, binary = column_type_text(draft.type_text)
    charset = _charset(draft.charset) or ("utf8mb3" if national else None)
    collation = _collation(draft.collation)
    if binary and collation is None:
        collation = f"{charset or table_charset}_bin"
    if collation and not charset:
        charset = _charset_of(collation)
    is_json = type_text == "json" or json
    textual = bool(_TEXT_KINDS.match(type_text))
    effective_charset = (charset or table_charset) if textual else None
    column_type = ColumnType("json") if is_json else read_type(type_text, effective_charset)
    generated = None
    if draft.generated is not None:
        generated = Generated(normalize_expression(mariadb_expression(draft.generated, names)), stored=bool(draft.stored))
    default = None
    if not draft.autoincrement and generated is None:
        default = read_default_mariadb(_default_text(draft.default, _numeric(type_text)), "", column_type)
    on_update = None
    if draft.on_update is not None:
        on_update = _expression(_now_text(draft.on_update), column_type).value
    column = Column(
        name=draft.name,
        type=column_type,
        nullable=not (draft.not_null or in_primary_key),
        default=default,
        identity=draft.autoincrement,
        comment=draft.comment or None,
        on_update=on_update,
        generated=generated,
    )
    if effective_charset is None or column_type.kind in ("uuid", "json"):
        return column
    own_charset = effective_charset if effective_charset != table_charset else None
    implied = table_collation if own_charset is None else _DEFAULT_COLLATIONS.get(effective_charset)
    from dataclasses import replace

    return replace(column, charset=own_charset, collation=collation if collation and collation != implied else None)


def _now_text(text: str) -> str:
    match = _NOW.match(text.strip())
    return f"current_timestamp({match.group(1) or ''})" if match else text


def _numeric(type_text: str) -> bool:
    return bool(re.match(r"^(?:tiny|small|medium|big)?int\b|^decimal\b|^float\b|^double\b|^bit\b", type_text))


def _default_text(text: str | None, numeric: bool = False) -> str | None:
    """A default as written, in the form MariaDB's ``COLUMN_DEFAULT`` shows it (a number given
    as a string to a numeric column is shown as the number)."""
    if text is None:
        return None
    value = text.strip()
    quoted_number = re.fullmatch(r"'\s*([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*'", value)
    if numeric and quoted_number:
        value = quoted_number.group(1)
    upper = value.upper()
    if upper in ("TRUE", "FALSE"):
        return "1" if upper == "TRUE" else "0"
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        return "'" + value[1:-1].replace('""', '"').replace("'", "''") + "'"
    if _NOW.match(value):
        return _now_text(value)
    if re.fullmatch(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?", value):
        return value.lstrip("+")
    if value.startswith("'") or value.upper() == "NULL":
        return value
    # An expression: as MariaDB prints it back (UUID() → uuid(), CURRENT_DATE → curdate()).
    printed = mariadb_expression(value)
    inner = printed[1:-1] if printed.startswith("(") and printed.endswith(")") else printed
    return _NILADIC.get(inner, printed)


_NILADIC = {"current_date": "curdate()", "current_date()": "curdate()", "current_time": "curtime()", "current_time()": "curtime()"}
