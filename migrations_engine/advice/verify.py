"""Verify an index suggestion on a scratch PostgreSQL database: build the tables the query
touches, fill them with generated rows, EXPLAIN the query, create the index, EXPLAIN again.

Steps, on a database made for the purpose and always dropped after:

1. the tables the query names, with every table their foreign keys reach, are created from the
   engine's diff of an empty schema (without checks, which generated rows cannot be trusted to
   meet and which do not change plans; foreign keys come after the rows, so cycles load);
2. each table gets ``rows`` rows in one ``INSERT ... SELECT ... FROM generate_series``: values
   follow the column's type; columns of a primary key or unique constraint get a permutation of
   the row numbers (so they are unique), a foreign key points at a row of its table (the same row
   for every column of a composite key, a permutation when the key must be unique), other
   columns repeat every tenth of the rows, in an order unrelated to the row's place on disk;
3. VACUUM ANALYZE, then ``EXPLAIN`` the query inside a read-only transaction (``PREPARE`` lets
   PostgreSQL infer each ``$n``'s type; the value is taken from the generated rows, chosen so a
   range keeps about one row in a hundred);
4. the suggested index is created, ANALYZE, ``EXPLAIN`` again.

The query is sent as one prepared statement, so a text holding a second statement is refused
by the server itself, and it is only planned, never run.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ..connection import Database, connect
from ..diff import diff
from ..dialects import get_dialect
from ..errors import EngineError
from ..naming import with_default_names
from ..render import render
from ..scratch import create_scratch, drop_scratch
from ..schema import Column, Schema, Table
from ..types import ColumnType
from ..urls import parse_url
from .indexes import IndexSuggestion, Placeholder, native_placeholders, placeholders, read_query

#: Rows per table unless asked otherwise, and the most ever generated: a verification must
#: finish in a few seconds on a busy server.
DEFAULT_ROWS = 10_000
MAX_ROWS = 20_000
#: Every statement's limit on the scratch database.
STATEMENT_TIMEOUT_MS = 20_000
#: Multipliers giving each column its own permutation of the row numbers (primes: coprime with
#: any row count that is not their multiple, which ``_row_count`` avoids).
_PRIMES = (7919, 7927, 7933, 7937, 7949, 7951, 7963, 7993, 8009, 8011, 8017, 8039, 8053, 8059, 8069)


class VerifyFailed(EngineError):
    """The verification could not be run: the server, the schema's rows, or the query."""


@dataclass(frozen=True)
class Verification:
    """Both plans (PostgreSQL's text) and their estimated total costs."""

    #: Rows generated in the suggestion's table, and in each table built.
    rows: int
    table_rows: dict[str, int]
    tables: tuple[str, ...]
    before_plan: str
    after_plan: str
    before_cost: float
    after_cost: float
    #: Whether the plan after names the suggested index.
    index_used: bool
    #: The values tried for the query's parameters, by name (``$1``).
    parameters: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ratio(self) -> float:
        """How many times cheaper the plan is with the index (estimated cost before / after)."""
        return self.before_cost / self.after_cost if self.after_cost else math.inf


def verify(
    schema: Schema, query: str, suggestion: IndexSuggestion, scratch_server_url: str, rows: int = DEFAULT_ROWS
) -> Verification:
    """Plans of ``query`` before and after ``suggestion``'s index on generated rows, on a scratch
    database beside ``scratch_server_url`` (PostgreSQL), dropped whatever happens."""
    server = parse_url(scratch_server_url)
    if server.dialect != "postgresql":
        raise VerifyFailed("verifying an index needs a PostgreSQL server")
    if suggestion.index is None or suggestion.table is None:
        raise VerifyFailed("this suggestion has no index to verify")
    started = time.monotonic()
    count = _row_count(rows)
    text = native_placeholders(query.strip().rstrip(";").strip(), "postgresql")
    try:
        uses = read_query(schema, text, "postgresql")
    except EngineError as exc:
        raise VerifyFailed(str(exc)) from None
    wanted = {u.table.name for u in uses} | {suggestion.table}
    part = scratch_schema(schema, wanted)
    counts = row_counts(part, count)
    scratch = create_scratch(server, prefix="me_advice")
    try:
        with connect(scratch) as db:
            db.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
            _build(db, part, counts)
            values = _parameter_values(db, placeholders(schema, text, "postgresql"), counts)
            before = _explain(db, text, values)
            index = get_dialect("postgresql").create_index_sql(suggestion.table, suggestion.index)
            _run(db, index, "creating the index")
            _run(db, f"ANALYZE {get_dialect('postgresql').quote(suggestion.table)}", "ANALYZE")
            after = _explain(db, text, values)
    finally:
        drop_scratch(server, scratch)
    name = suggestion.index.name or ""
    return Verification(
        rows=counts[suggestion.table],
        table_rows=counts,
        tables=tuple(t.name for t in part.tables),
        before_plan=_plan_text(before),
        after_plan=_plan_text(after),
        before_cost=float(before["Plan"]["Total Cost"]),
        after_cost=float(after["Plan"]["Total Cost"]),
        index_used=name in _index_names(after["Plan"]),
        parameters=values,
        seconds=time.monotonic() - started,
    )


def scratch_schema(schema: Schema, tables: set[str]) -> Schema:
    """``tables`` and every table their foreign keys reach, without checks (and domains without
    theirs); the sequences they need."""
    schema = with_default_names(schema)
    keep: set[str] = set()
    todo = [t for t in tables if schema.has_table(t)]
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        todo.extend(fk.ref_table for fk in schema.table(name).foreign_keys if schema.has_table(fk.ref_table))
    part = [replace(t, checks=(), exclusions=()) for t in schema.tables if t.name in keep]
    return replace(
        schema,
        tables=tuple(part),
        domains=tuple(replace(d, checks=()) for d in schema.domains),
        sequences=tuple(s for s in schema.sequences if s.owned_by is None or s.owned_by[0] in keep),
    )


def _row_count(rows: int) -> int:
    return _coprime(max(10, min(int(rows), MAX_ROWS)))


def _coprime(count: int) -> int:
    """``count`` or the nearest smaller number no multiplier divides (so each is a permutation)."""
    while count > 1 and any(count % p == 0 for p in _PRIMES):
        count -= 1
    return count


def row_counts(schema: Schema, rows: int) -> dict[str, int]:
    """Rows per table: ``rows``, or fewer where a unique key's columns hold fewer distinct values
    (a smallint, a varchar(3), an enum, a foreign key to a smaller table)."""
    counts = {t.name: rows for t in schema.tables}
    for _ in range(len(schema.tables) + 1):  # foreign keys pass smaller counts on, cycles included
        changed = False
        for table in schema.tables:
            limit = counts[table.name]
            for key in _unique_keys(table):
                limit = min(limit, max(_capacity(schema, table, column, counts) for column in key))
            limit = _coprime(max(limit, 1))
            if limit < counts[table.name]:
                counts[table.name], changed = limit, True
        if not changed:
            break
    return counts


def _unique_keys(table: Table) -> list[tuple[str, ...]]:
    keys = [table.primary_key.columns] if table.primary_key else []
    keys += [u.columns for u in table.uniques]
    keys += [i.column_names for i in table.indexes if i.unique and i.column_names]
    return keys


def _capacity(schema: Schema, table: Table, name: str, counts: dict[str, int]) -> int:
    """How many distinct values the generator can give column ``name``."""
    fk = next((fk for fk in table.foreign_keys if name in fk.columns), None)
    if fk is not None and fk.ref_table in counts:
        return counts[fk.ref_table]
    column_type = _domain_base(schema, table.column(name).type) or table.column(name).type
    kind = column_type.kind
    if kind == "smallint":
        return 32767
    if kind == "boolean":
        return 2
    if kind == "enum":
        return len(schema.enum(column_type.enum or "").values)
    if kind in ("char", "varchar") and column_type.length:
        return 10 ** min(column_type.length, 12)
    if kind == "decimal" and column_type.precision:
        return 10 ** min(max(column_type.precision - (column_type.scale or 0), 0), 12)
    return MAX_ROWS


def _run(db: Database, sql: str, step: str) -> None:
    try:
        db.execute(sql)
    except Exception as exc:  # the driver's errors: say which step and the server's first line
        raise VerifyFailed(f"{step} failed: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ---------------------------------------------------------------- tables and rows


def _build(db: Database, schema: Schema, counts: dict[str, int]) -> None:
    bare = replace(schema, tables=tuple(t.without_foreign_keys() for t in schema.tables))
    dialect = get_dialect("postgresql")
    for statement in render(diff(Schema(), bare), Schema(), dialect):
        _run(db, statement.sql, "creating the tables")
    for table in schema.tables:
        _run(db, _insert_sql(schema, table, counts), f"filling table {table.name!r}")
    for statement in render(diff(bare, schema), bare, dialect):
        _run(db, statement.sql, "adding the foreign keys")
    # VACUUM too, as a table at rest has its visibility map set: index-only scans become plannable.
    _run(db, "VACUUM (ANALYZE) " + ", ".join(dialect.quote(t.name) for t in schema.tables), "VACUUM ANALYZE")


def _insert_sql(schema: Schema, table: Table, counts: dict[str, int]) -> str:
    """One ``INSERT ... SELECT ... FROM generate_series(1, count) AS g(i)`` for ``table``."""
    count = counts[table.name]
    dialect = get_dialect("postgresql")
    unique = _unique_columns(table)
    columns = [c for c in table.columns if c.generated is None]
    values = [_value_sql(schema, table, column, position, unique, counts) for position, column in enumerate(columns)]
    overriding = " OVERRIDING SYSTEM VALUE" if any(c.identity for c in columns) else ""
    return (
        f"INSERT INTO {dialect.quote(table.name)} ({dialect.quote_columns(tuple(c.name for c in columns))}){overriding} "
        f"SELECT {', '.join(values)} FROM generate_series(1, {count}) AS g(i)"
    )


def _unique_columns(table: Table) -> set[str]:
    names: set[str] = set(table.primary_key.columns) if table.primary_key else set()
    for unique in table.uniques:
        names.update(unique.columns)
    for index in table.indexes:
        if index.unique:
            names.update(index.column_names)
    return names


def _value_sql(schema: Schema, table: Table, column: Column, position: int, unique: set[str], counts: dict[str, int]) -> str:
    fk = next((fk for fk in table.foreign_keys if column.name in fk.columns), None)
    if fk is not None and schema.has_table(fk.ref_table):
        parent = schema.table(fk.ref_table)
        ref = fk.ref_columns[fk.columns.index(column.name)]
        prime = _PRIMES[table.foreign_keys.index(fk) % len(_PRIMES)]
        # A key that must be unique takes a permutation of the parent's rows; else a tenth of them.
        parents = counts[parent.name]
        spread = parents if any(c in unique for c in fk.columns) else max(parents // 10, 1)
        row = f"((((g.i - 1)::bigint * {prime}) % {spread}) + 1)"
        parent_unique = _unique_columns(parent)
        ref_column = parent.column(ref)
        ref_position = [c for c in parent.columns if c.generated is None].index(ref_column)
        return _value_sql(schema, parent, ref_column, ref_position, parent_unique, counts).replace("g.i", row)
    prime = _PRIMES[(position + len(table.foreign_keys)) % len(_PRIMES)]
    count = counts[table.name]
    spread = count if column.name in unique else max(count // 10, 1)
    number = f"(((g.i - 1)::bigint * {prime}) % {spread})"
    return _typed(schema, column, number)


def _typed(schema: Schema, column: Column, number: str) -> str:
    """A value of ``column``'s type made from the integer expression ``number``."""
    dialect = get_dialect("postgresql")
    column_type = column.type
    type_sql = dialect.type_sql(column_type, schema)
    domain = _domain_base(schema, column_type)
    if domain is not None:
        return f"CAST({_typed(schema, replace(column, type=domain), number)} AS {type_sql})"
    kind = column_type.kind
    if kind == "smallint":
        expr = f"({number} % 32767)"
    elif column_type.is_numeric and kind == "decimal" and column_type.precision:
        digits = column_type.precision - (column_type.scale or 0)
        expr = f"({number} % {10 ** min(digits, 18)})" if digits > 0 else "0"
    elif column_type.is_numeric:
        expr = number
    elif kind == "boolean":
        expr = f"({number} % 2 = 0)"
    elif kind == "enum":
        values = schema.enum(column_type.enum or "").values
        array = ", ".join(dialect.string_literal(v) for v in values)
        expr = f"(ARRAY[{array}]::text[])[1 + {number} % {len(values)}]"
    elif kind in ("char", "varchar", "text"):
        # Digits alone where the length is short, so every number up to its capacity fits.
        expr = f"('v' || {number})" if not column_type.length or column_type.length > 12 else f"({number})::text"
    elif kind == "date":
        expr = f"(DATE '2000-01-01' + ({number})::integer)"
    elif kind == "timestamp":
        expr = f"(TIMESTAMP '2000-01-01' + {number} * INTERVAL '1 minute')"
    elif kind == "timestamptz":
        expr = f"(TIMESTAMPTZ '2000-01-01 00:00:00+00' + {number} * INTERVAL '1 minute')"
    elif kind == "time":
        expr = f"(TIME '00:00' + ({number} % 86400) * INTERVAL '1 second')"
    elif kind == "uuid":
        expr = f"md5(({number})::text)::uuid"
    elif kind == "json":
        expr = f"json_build_object('n', {number})"
    elif kind == "binary":
        expr = f"decode(md5(({number})::text), 'hex')"
    elif column.nullable:
        return f"CAST(NULL AS {type_sql})"
    else:
        expr = f"('v' || {number})"  # a native type read from text (tsvector, citext …), or refused by the server
    return f"CAST({expr} AS {type_sql})"


def _domain_base(schema: Schema, column_type: ColumnType) -> ColumnType | None:
    if column_type.kind != "native" or column_type.dialect != "postgresql":
        return None
    name = (column_type.native or "").strip('"')
    for domain in schema.domains:
        if domain.name == name:
            try:
                return ColumnType.parse(domain.base_type)
            except EngineError:
                return None
    return None


# ---------------------------------------------------------------- parameters and plans


def _parameter_values(db: Database, uses: list[Placeholder], counts: dict[str, int]) -> dict[str, str]:
    """A value for each ``$n``, read from the generated rows: an equality takes a value present
    in the table, a range a bound keeping about one row in a hundred."""
    dialect = get_dialect("postgresql")
    by_column: dict[tuple[str, str], set[str]] = {}
    for use in uses:
        if use.table and use.column:
            by_column.setdefault((use.table, use.column), set()).add(use.role)
    values: dict[str, str] = {}
    for use in uses:
        if not use.name.startswith("$") or use.name in values:
            continue
        if use.role == "limit" or not use.table or not use.column:
            values[use.name] = "10"
            continue
        roles = by_column[(use.table, use.column)]
        count = counts.get(use.table, 1)
        if use.role == "=":
            offset = count // 2
        elif use.role == ">":
            offset = count // 2 if "<" in roles else count - max(count // 100, 1)
        else:
            offset = count // 2 + max(count // 100, 1) if ">" in roles else max(count // 100, 1)
        sql = (
            f"SELECT {dialect.quote(use.column)}::text FROM {dialect.quote(use.table)} "
            f"WHERE {dialect.quote(use.column)} IS NOT NULL ORDER BY 1 OFFSET {offset} LIMIT 1"
        )
        if use.role != "=":
            sql = sql.replace("ORDER BY 1", f"ORDER BY {dialect.quote(use.column)}")
        found = db.query(sql)
        values[use.name] = found[0][0] if found else "1"
    return values


def _explain(db: Database, query: str, values: dict[str, str]) -> dict:
    """The JSON plan of ``query`` with ``values`` for its parameters, in a read-only transaction."""
    dialect = get_dialect("postgresql")
    names = sorted(values, key=lambda n: int(n[1:]) if n[1:].isdigit() else 0)
    db.execute("BEGIN READ ONLY")
    try:
        cursor = db.raw.cursor()
        try:
            if names:
                # One prepared statement: the server refuses a text holding two.
                cursor.execute(f"PREPARE me_advice_query AS {query}", prepare=True)
                arguments = ", ".join(dialect.string_literal(values[n]) for n in names)
                cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
                cursor.execute(f"EXPLAIN (FORMAT JSON) EXECUTE me_advice_query({arguments})")
            else:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {query}", prepare=True)
            plan = cursor.fetchall()[0][0]
        finally:
            cursor.close()
    except Exception as exc:  # the server's refusal of the query, in its words
        raise VerifyFailed(f"EXPLAIN of the query failed: {_first_line(exc)}") from None
    finally:
        db.execute("ROLLBACK")
        db.execute("DEALLOCATE ALL")  # a prepared statement outlives the transaction
    data = plan if isinstance(plan, list) else json.loads(plan)
    return data[0]


def _index_names(plan: dict) -> set[str]:
    names = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", ()):
        names |= _index_names(child)
    return names


def _plan_text(plan: dict) -> str:
    """The plan as ``EXPLAIN`` prints it, from its JSON: one line per node, indented."""
    return "\n".join(_plan_lines(plan["Plan"], 0))


def _plan_lines(node: dict, depth: int) -> Iterator[str]:
    label = node["Node Type"]
    if "Index Name" in node:
        label += f" using {node['Index Name']}"
    if "Relation Name" in node:
        label += f" on {node['Relation Name']}"
        if node.get("Alias") and node["Alias"] != node["Relation Name"]:
            label += f" {node['Alias']}"
    cost = f"(cost={node['Startup Cost']:.2f}..{node['Total Cost']:.2f} rows={node['Plan Rows']} width={node['Plan Width']})"
    prefix = "  " * depth + ("->  " if depth else "")
    yield f"{prefix}{label}  {cost}"
    for key in ("Index Cond", "Recheck Cond", "Filter", "Hash Cond", "Join Filter", "Sort Key"):
        if key in node:
            value = ", ".join(node[key]) if isinstance(node[key], list) else node[key]
            yield "  " * depth + ("      " if depth else "  ") + f"{key}: {value}"
    for child in node.get("Plans", ()):
        yield from _plan_lines(child, depth + 1)
