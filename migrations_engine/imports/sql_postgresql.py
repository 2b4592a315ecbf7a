"""PostgreSQL: the schema of a script, as the engine's PostgreSQL introspection reads it back.

Types are put in ``format_type``'s spelling and given to the introspection's ``read_type``;
defaults go through its ``read_default``, expressions through its ``strip_parentheses``, and
sequence options through its ``read_sequence``; constraints the script leaves unnamed get the
names PostgreSQL gives them. Expressions are kept as written: a ``pg_dump`` writes them as the
server prints them, so a dump reads back exactly; hand-written ones may be spelled differently
from the server's deparsing (``price > 0`` against ``price > (0)::numeric``).
"""

from __future__ import annotations

import re

from ..introspect.postgresql import SERIAL_KINDS, read_default, read_sequence, read_type
from ..introspect.postgresql import strip_parentheses as _strip_parentheses
from ..schema import (
    PLAIN_KEY,
    Check,
    Column,
    Default,
    Domain,
    Enum,
    ForeignKey,
    Generated,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    Unique,
)
from ..types import ColumnType
from .drafts import ColumnDraft, TableDraft
from . import ImportFailed
from .collected import Collected
from .pg_deparse import pg_expression

_SERIALS = {"serial": "integer", "serial4": "integer", "bigserial": "bigint", "serial8": "bigint", "smallserial": "smallint", "serial2": "smallint"}
_NAMES = {
    "int": "integer", "int4": "integer", "integer": "integer", "int2": "smallint", "smallint": "smallint",
    "int8": "bigint", "bigint": "bigint", "float4": "real", "real": "real", "float8": "double precision",
    "double precision": "double precision", "bool": "boolean", "boolean": "boolean", "decimal": "numeric",
    "numeric": "numeric", "varchar": "character varying", "character varying": "character varying",
    "char": "character", "character": "character", "bpchar": "bpchar", "timestamptz": "timestamp with time zone",
    "timetz": "time with time zone", "varbit": "bit varying", "bit varying": "bit varying",
}
_TYPE = re.compile(
    r"^(?P<head>[a-z_][a-z0-9_ ]*?|\"(?:[^\"]|\"\")+\")\s*(?:\((?P<args>[^)]*)\))?\s*(?P<zone>with(?:out)?\s+time\s+zone)?$"
)
_PLAIN = re.compile(r"^[a-z_][a-z0-9_$]*$")
_TYPE_RANGES = {"smallint": (-(2**15), 2**15 - 1), "integer": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1)}


def format_type(text: str) -> tuple[str, str | None]:
    """``text`` (a type as written) in ``format_type``'s spelling, and the serial kind if it is one."""
    written = " ".join(text.split())
    arrays = 0
    while re.search(r"\[\s*\d*\s*\]$", written):
        written = re.sub(r"\s*\[\s*\d*\s*\]$", "", written)
        arrays += 1
    if written.lower().endswith(" array"):
        written, arrays = written[: -len(" array")], arrays + 1
    written = re.sub(r"^(?:pg_catalog|public)\.", "", written, flags=re.I)
    quoted = written.startswith('"')
    lowered = written if quoted else written.lower()
    match = _TYPE.match(lowered)
    if not match:
        return written + "[]" * bool(arrays), None
    head = match["head"].strip()
    args = (match["args"] or "").replace(" ", "")
    zone = " ".join((match["zone"] or "").split())
    if head.startswith('"'):
        inner = head[1:-1].replace('""', '"')
        head = inner if _PLAIN.match(inner) else head
        return head + (f"({args})" if match["args"] is not None else "") + "[]" * bool(arrays), None
    serial = _SERIALS.get(head)
    if serial:
        return serial, serial
    name = _NAMES.get(head, head)
    if head in ("timestamp", "time"):
        name = f"{head}({args})" if args else head
        name += " " + (zone or "without time zone")
    elif head == "timestamptz" or head == "timetz":
        base = "timestamp" if head == "timestamptz" else "time"
        name = f"{base}({args}) with time zone" if args else f"{base} with time zone"
    elif head == "float":
        name = "double precision" if not args or int(args) > 24 else "real"
    elif head in ("numeric", "decimal") and args and "," not in args:
        name = f"numeric({args},0)"
    elif head in ("char", "character") and not args:
        name = "character(1)"
    elif head in ("bit",) and not args:
        name = "bit(1)"
    elif args:
        name = f"{name}({args})"
    return name + "[]" * bool(arrays), None


_PUBLIC = re.compile(r"(?<![\w\"$.])public\.(?=[\w\"])")
_QUOTED_PARTS = re.compile(r"('(?:[^']|'')*')")


def unqualified(expression: str | None) -> str | None:
    """``expression`` without the ``public.`` a ``pg_dump`` (run with an empty search_path) puts
    before names, casts and ``nextval``'s sequence, as the server prints it with ``public`` on
    the search path (the schema the import stands for)."""
    if expression is None or "public." not in expression:
        return expression
    parts = _QUOTED_PARTS.split(expression)
    out = []
    for n, part in enumerate(parts):
        if n % 2:  # a string: only a regclass literal's name
            following = parts[n + 1] if n + 1 < len(parts) else ""
            out.append("'" + part[8:] if part.startswith("'public.") and following.startswith("::regclass") else part)
        else:
            out.append(_PUBLIC.sub("", part))
    return "".join(out)


def strip_parentheses(expression: str) -> str:  # noqa: F811 - the introspection's, on the unqualified text
    return _strip_parentheses(unqualified(expression) or "")


def build(collected: Collected) -> Schema:
    comments = collected.comments
    enums = tuple(Enum(name, values, comment=comments.get(("TYPE", name))) for name, values in collected.enums.items())
    domains = tuple(_domain(name, d) for name, d in collected.domains.items())
    sequences = {name: _sequence_values(name, s) for name, s in collected.sequences.items()}
    owned = {name: s["owned_by"] for name, s in collected.sequences.items()}
    tables = []
    serial_sequences: set[str] = set()
    for draft in collected.tables.values():
        table, used = _table(collected, draft, sequences, owned)
        serial_sequences |= used
        tables.append(table)
    _add_indexes(collected, tables)
    standalone = tuple(
        Sequence(name, values[0], read_sequence(values), owned[name])
        for name, values in sequences.items()
        if name not in serial_sequences
    )
    return Schema(tables=tuple(tables), enums=enums, sequences=standalone, domains=domains)


def _domain(name: str, draft: dict) -> Domain:
    checks = []
    for number, (check_name, expression) in enumerate(draft["checks"]):
        checks.append(Check(strip_parentheses(expression), check_name or _numbered(_auto_name(name, (), "check"), number)))
    return Domain(
        name=name,
        base_type=format_type(draft["base"])[0],
        nullable=not draft["not_null"],
        default=unqualified(draft["default"]),
        checks=tuple(checks),
        collation=_collation(draft["collation"]),
    )


def _numbered(name: str, number: int) -> str:
    return name if number == 0 else f"{name}{number}"


def _collation(name: str | None) -> str | None:
    return None if name is None or name.lower() == "default" else name


_SEQUENCE_WORDS = re.compile(
    r"\b(?:AS\s+(?P<type>\w+)|START\s+(?:WITH\s+)?(?P<start>-?\d+)|INCREMENT\s+(?:BY\s+)?(?P<increment>-?\d+)"
    r"|NO\s+(?P<nomin>MINVALUE)|NO\s+(?P<nomax>MAXVALUE)|MINVALUE\s+(?P<min>-?\d+)|MAXVALUE\s+(?P<max>-?\d+)"
    r"|CACHE\s+(?P<cache>\d+)|NO\s+(?P<nocycle>CYCLE)|(?P<cycle>CYCLE))\b",
    re.IGNORECASE,
)


def _sequence_values(name: str, draft: dict, data_type: str | None = None) -> list[str]:
    """A sequence's options text as ``pg_sequence``'s values, as ``read_sequence`` takes them."""
    found: dict[str, str] = {}
    for match in _SEQUENCE_WORDS.finditer(draft["options"]):
        for key, value in match.groupdict().items():
            if value is not None:
                found[key] = value
    kind = format_type(found.get("type", data_type or "bigint"))[0]
    low, high = _TYPE_RANGES.get(kind, _TYPE_RANGES["bigint"])
    increment = int(found.get("increment", 1))
    minimum = int(found["min"]) if "min" in found else (1 if increment > 0 else low)
    maximum = int(found["max"]) if "max" in found else (high if increment > 0 else -1)
    start = int(found["start"]) if "start" in found else (minimum if increment > 0 else maximum)
    cycle = "cycle" in found
    return [kind, str(start), str(increment), str(minimum), str(maximum), found.get("cache", "1"), "true" if cycle else "false"]


def _table(collected: Collected, draft: TableDraft, sequences: dict, owned: dict) -> tuple[Table, set[str]]:
    comments = collected.comments
    name = draft.name
    primary = next((k for k in draft.keys if k.kind == "primary"), None)
    pk_columns = primary.columns if primary else tuple(c.name for c in draft.columns if c.primary_key)
    if sum(1 for c in draft.columns if c.primary_key) + (primary is not None) > 1:
        raise ImportFailed(f"table {name!r} has more than one primary key", draft.line)
    pk_name = (primary.name if primary else next((c.primary_key_name for c in draft.columns if c.primary_key), None)) or _auto_name(name, (), "pkey")
    columns, used = [], set()
    for column in draft.columns:
        built, sequence = _column(collected, draft, column, column.name in pk_columns, sequences, owned)
        if sequence:
            used.add(sequence)
        columns.append(built)
    primary_key = None
    if pk_columns:
        primary_key = PrimaryKey(
            tuple(pk_columns), pk_name, comment=comments.get(("CONSTRAINT", name, pk_name)),
            deferrable=bool(primary and primary.deferrable), initially_deferred=bool(primary and primary.initially_deferred),
        )
    uniques = []
    for key in draft.keys:
        if key.kind == "unique":
            unique_name = key.name or _auto_name(name, key.columns, "key")
            uniques.append(Unique(
                key.columns, unique_name, deferrable=key.deferrable, initially_deferred=key.initially_deferred,
                nulls_not_distinct=key.nulls_not_distinct, comment=comments.get(("CONSTRAINT", name, unique_name)),
            ))
        elif key.kind != "primary":
            raise ImportFailed(f"table {name!r}: {key.kind} keys are MySQL's", draft.line)
    foreign_keys = []
    for fk in draft.foreign_keys:
        fk_name = fk.name or _auto_name(name, fk.columns, "fkey")
        ref_columns = fk.ref_columns or _primary_key_of(collected, fk.ref_table, draft.line)
        foreign_keys.append(ForeignKey(
            fk.columns, fk.ref_table, tuple(ref_columns), fk_name, on_delete=fk.on_delete or "NO ACTION", on_update=fk.on_update or "NO ACTION",
            deferrable=fk.deferrable, initially_deferred=fk.initially_deferred, not_valid=fk.not_valid,
            match=fk.match, comment=comments.get(("CONSTRAINT", name, fk_name)),
        ))
    checks, taken = [], set()
    for check in draft.checks:
        check_name = check.name or _check_name(name, check, draft, taken)
        taken.add(check_name)
        checks.append(Check(
            _server_form(check.expression, columns), check_name, not_valid=check.not_valid, no_inherit=check.no_inherit,
            comment=comments.get(("CONSTRAINT", name, check_name)),
        ))
    table = Table(
        name=name,
        columns=tuple(columns),
        primary_key=primary_key,
        foreign_keys=tuple(foreign_keys),
        uniques=tuple(uniques),
        checks=tuple(checks),
        comment=comments.get(("TABLE", name)),
    )
    return table, used


def _server_form(expression: str, columns) -> str:
    """A check or predicate as the server prints it back (``pg_deparse``), else as written."""
    text = unqualified(expression) or ""
    printed = pg_expression(text, {c.name: c.type for c in columns})
    return printed if printed is not None else strip_parentheses(text)


def _auto_name(table: str, columns: tuple[str, ...], suffix: str) -> str:
    """The name PostgreSQL gives an unnamed constraint or index (``makeObjectName``): table,
    columns and suffix joined by ``_``, the longer of table and columns clipped first so that the
    whole fits in 63 bytes."""
    first, second = table.encode(), "_".join(columns).encode()
    room = 63 - len(suffix) - 1 - (1 if second else 0)
    first_length, second_length = len(first), len(second)
    while first_length + second_length > room:
        if first_length > second_length:
            first_length -= 1
        else:
            second_length -= 1
    parts = [_clip(first, first_length)] + ([_clip(second, second_length)] if second else []) + [suffix]
    return "_".join(parts)


def _clip(text: bytes, length: int) -> str:
    """``text`` cut to at most ``length`` bytes without splitting a character."""
    return text[:length].decode("utf-8", errors="ignore")


_FUNCTION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def _index_column_name(text: str, expression: bool) -> str:
    """What PostgreSQL names an index after for one key: the column, an expression's function, else ``expr``."""
    if not expression:
        return text
    match = _FUNCTION.match(text)
    return match.group(1).lower() if match else "expr"


def _check_name(table: str, check, draft: TableDraft, taken: set[str]) -> str:
    column = check.column
    if column is None:  # PostgreSQL names a table's check after its column only when it names one
        words = _names_in(check.expression)
        named = [c.name for c in draft.columns if c.name in words]
        column = named[0] if len(named) == 1 else None
    base = _auto_name(table, (column,) if column else (), "check")
    name, number = base, 0
    while name in taken:
        number += 1
        name = f"{base}{number}"
    return name


def _names_in(expression: str) -> set[str]:
    """The column names an expression uses (sqlglot's reading; its words where it cannot read it)."""
    import sqlglot
    from sqlglot import exp

    from .pg_deparse import parsed

    try:
        columns = parsed(expression).find_all(exp.Column)
        return {c.name if c.this.args.get("quoted") else c.name.lower() for c in columns}
    except sqlglot.errors.SqlglotError:
        return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expression))


def _primary_key_of(collected: Collected, table: str, line: int) -> tuple[str, ...]:
    draft = collected.tables.get(table)
    if draft is None:
        raise ImportFailed(f"a foreign key references table {table!r}, which is not created", line)
    for key in draft.keys:
        if key.kind == "primary":
            return key.columns
    return tuple(c.name for c in draft.columns if c.primary_key)


def _column(collected: Collected, draft: TableDraft, column: ColumnDraft, in_primary_key: bool, sequences: dict, owned: dict) -> tuple[Column, str | None]:
    type_text, serial_kind = format_type(column.type_text)
    bare = type_text.removesuffix("[]")
    is_enum = bare in collected.enums and not type_text.endswith("[]")
    column_type = ColumnType("enum", enum=bare) if is_enum else read_type(type_text)
    comment = collected.comments.get(("COLUMN", draft.name, column.name))
    common = dict(
        name=column.name, type=column_type, nullable=not (column.not_null or in_primary_key or serial_kind or column.identity),
        comment=comment, collation=_collation(column.collation),
    )
    if serial_kind:
        return Column(**common, identity=True, serial=True), f"{draft.name}_{column.name}_seq"
    if column.identity:
        values = _sequence_values("", {"options": column.identity_options}, type_text)
        return Column(**common, identity=True, identity_always=column.identity == "ALWAYS", sequence=read_sequence(values)), None
    if column.generated is not None:
        return Column(**common, generated=Generated(strip_parentheses(column.generated))), None
    sequence = _serial_sequence(column.default, draft.name, column.name, owned)
    if sequence is not None and sequence in sequences:
        values = sequences[sequence]
        return Column(
            **common, identity=True, serial=column_type.kind in SERIAL_KINDS, sequence=read_sequence(values)
        ), sequence
    return Column(**common, default=_default(column.default, bare if is_enum else type_text)), None


_NEXTVAL = re.compile(r"^nextval\('((?:[^']|'')+)'::regclass\)$", re.IGNORECASE)


def _serial_sequence(default: str | None, table: str, column: str, owned: dict) -> str | None:
    """The sequence of a ``nextval`` default that the column owns (the serial way), else None."""
    if default is None:
        return None
    match = _NEXTVAL.match(unqualified(default.strip()) or "")
    if not match:
        return None
    name = match.group(1).replace("''", "'")
    name = re.sub(r"^public\.", "", name)
    if name.startswith('"') and name.endswith('"'):
        name = name[1:-1].replace('""', '"')
    return name if owned.get(name) == (table, column) else None


#: ``nextval('s')``: the server keeps the argument as a regclass and prints it so.
_BARE_NEXTVAL = re.compile(r"^nextval\(('(?:[^']|'')+')\)$", re.IGNORECASE)
_CALL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\(\)$")
_STRING = re.compile(r"^'((?:[^']|'')*)'$", re.DOTALL)


def _default(text: str | None, type_text: str) -> Default | None:
    """A default as written, read as the introspection reads the server's deparsed one."""
    if text is None:
        return None
    value = unqualified(text.strip()) or ""
    value = _BARE_NEXTVAL.sub(r"nextval(\1::regclass)", value)
    if value.upper() in ("TRUE", "FALSE"):
        value = value.lower()
    plain = _STRING.match(value)
    if plain:  # PostgreSQL adds the cast to the column's type: '...'::type
        return None if value.upper() == "NULL" else Default(plain.group(1).replace("''", "'"))
    if value.upper() in ("CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME", "CURRENT_USER", "SESSION_USER"):
        value = value.upper()
    elif _CALL.match(value):  # NOW() is printed now()
        value = value.lower()
    return read_default(value, type_text)


def _add_indexes(collected: Collected, tables: list[Table]) -> None:
    from dataclasses import replace

    by_name = {t.name: n for n, t in enumerate(tables)}
    for index in collected.indexes:
        if index.table not in by_name:
            raise ImportFailed(f"index on table {index.table!r}, which is not created before it", index.line)
        position = by_name[index.table]
        table = tables[position]
        key = index.key
        if key.kind != "index":
            raise ImportFailed(f"{key.kind} indexes are MySQL's", index.line)
        columns, keys = [], []
        for text, expression, descending, _length, collation, opclass, nulls in key.elements:
            columns.append(strip_parentheses(text) if expression else text)
            if nulls is not None and (nulls == "FIRST") == descending:
                nulls = None  # the order's default
            keys.append(IndexKey(expression=expression, descending=descending, nulls=nulls, opclass=opclass, collation=collation))
        name = key.name or _auto_name(index.table, tuple(_index_column_name(c, k.expression) for c, k in zip(columns, keys)), "idx")
        built = Index(
            columns=tuple(columns),
            name=name,
            unique=index.unique,
            where=_server_form(index.where, table.columns) if index.where else None,
            keys=() if all(k == PLAIN_KEY for k in keys) else tuple(keys),
            include=index.include,
            method=None if key.method in (None, "btree") else key.method,
            nulls_not_distinct=key.nulls_not_distinct,
            comment=collected.comments.get(("INDEX", name)),
        )
        tables[position] = replace(table, indexes=table.indexes + (built,))
