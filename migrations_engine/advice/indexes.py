"""Index suggestions from queries: read each query with sqlglot, find per table the columns it
filters by equality, by range and sorts by, and suggest a B-tree index in that order (equality
columns first, then ranges, then ORDER BY; the other columns the query reads from the table
appended for an index-only scan where they are few), unless an index of the schema (or one
suggested for an earlier query) already serves it.

Only conditions joined by AND are used (a column under OR cannot seek an index alone). A join
condition counts as equality on the side of the table the JOIN brings in (the inner side of a
nested loop); in a WHERE clause, on both sides. Subqueries and CTEs are read as queries of their
own; a column of the outer query inside a correlated subquery is a value, as a parameter is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError
from sqlglot.optimizer.scope import Scope, traverse_scope

from ..dialects import canonical_name
from ..errors import EngineError
from ..naming import fit_name, index_name, with_default_names
from ..schema import Index, IndexKey, Schema, Table

EQUALITY = "equality"
RANGE = "range"
ORDER_BY = "order by"
COVERING = "included for covering"

#: sqlglot's name for each dialect.
SQLGLOT_DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}
#: At most this many columns are added for covering: beyond that the index grows towards a copy
#: of the table and stops paying for itself.
MAX_COVERING_COLUMNS = 3
#: Types too wide to copy into an index for covering.
_WIDE_KINDS = frozenset({"text", "json", "binary", "native"})


class AdviceError(EngineError):
    """Queries or a statistics file that cannot be read at all."""


@dataclass(frozen=True)
class IndexColumn:
    """One column of a suggested index and why it is there."""

    name: str
    reason: str  # EQUALITY, RANGE, ORDER_BY or COVERING
    descending: bool = False


@dataclass(frozen=True)
class Placeholder:
    """Where a query's parameter (``$1``, ``?``) is used: against which column, and how
    (``=``, ``>`` for a lower bound, ``<`` for an upper one, ``limit``)."""

    name: str
    table: str | None
    column: str | None
    role: str


@dataclass(frozen=True)
class IndexSuggestion:
    """An index for one query, or (``problem``) why a query gave none.

    A suggestion an index of the schema or an earlier suggestion already serves is kept with
    ``served_by`` naming that index, so a user sees why nothing is proposed.
    """

    query: str
    table: str | None = None
    columns: tuple[IndexColumn, ...] = ()
    #: The CREATE INDEX statement in the dialect, names quoted.
    sql: str | None = None
    index: Index | None = None
    served_by: str | None = None
    problem: str | None = None

    @property
    def skipped(self) -> bool:
        return self.served_by is not None

    @property
    def key_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.reason != COVERING)

    @property
    def covering_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.reason == COVERING)


def suggest_indexes(schema: Schema, queries: list[str], dialect: str) -> list[IndexSuggestion]:
    """Index suggestions for ``queries`` (in their order: put the costliest first) on ``schema``.

    Every query gives at least one entry: suggestions (one per table it would use an index of),
    suggestions skipped because an index serves them, or a ``problem`` (unreadable, an unknown
    table or column, nothing to index)."""
    dialect = canonical_name(dialect)
    schema = with_default_names(schema)  # a key serving a query is named by its name
    taken: set[str] = _taken_names(schema)
    suggested: list[tuple[str, str, Index]] = []
    out: list[IndexSuggestion] = []
    for query in queries:
        text = query.strip().rstrip(";").strip()
        if not text:
            continue
        try:
            uses = read_query(schema, text, dialect)
        except QueryProblem as problem:
            out.append(IndexSuggestion(query=text, problem=str(problem)))
            continue
        found = [u for u in uses if u.wants_index]
        if not found:
            out.append(IndexSuggestion(query=text, problem="nothing to index: no filter, join or ORDER BY on a column of a table"))
            continue
        seen: set[tuple[str, tuple[IndexColumn, ...]]] = set()
        for use in found:
            suggestion = _suggest(schema, use, text, dialect, taken, suggested)
            key = (use.table.name, suggestion.columns)
            if key not in seen:
                seen.add(key)
                out.append(suggestion)
    return out


def split_queries(text: str, dialect: str) -> list[str]:
    """The statements of a pasted text, cut at each ``;`` outside strings, quoted names and
    comments (sqlglot's tokenizer for the dialect); a text it cannot read is one query."""
    try:
        tokens = sqlglot.Dialect.get_or_raise(SQLGLOT_DIALECTS[canonical_name(dialect)]).tokenize(text)
    except SqlglotError:
        return [text.strip()] if text.strip() else []
    queries: list[str] = []
    start = 0
    for token in tokens:
        if token.token_type == sqlglot.TokenType.SEMICOLON:
            queries.append(text[start : token.start].strip())
            start = token.end + 1
    queries.append(text[start:].strip())
    return [q for q in queries if q]


def read_pg_stat_statements_csv(text: str) -> list[str]:
    """The queries of a ``pg_stat_statements`` export (CSV with a header naming ``query`` and
    optionally ``calls`` and ``total_exec_time`` or ``total_time``), costliest first: by total
    time, else by calls, else in the file's order. ``$1`` placeholders are kept as they are."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = {name.strip().lower(): name for name in reader.fieldnames or ()}
    if "query" not in fields:
        raise AdviceError("the CSV has no 'query' column (export pg_stat_statements with a header row)")
    cost_field = fields.get("total_exec_time") or fields.get("total_time") or fields.get("calls")
    rows: list[tuple[float, int, str]] = []
    for position, row in enumerate(reader):
        query = (row.get(fields["query"]) or "").strip()
        if not query:
            continue
        cost = 0.0
        if cost_field:
            try:
                cost = float(row.get(cost_field) or 0)
            except ValueError:
                raise AdviceError(f"line {reader.line_num}: {cost_field} is not a number: {row.get(cost_field)!r}") from None
        rows.append((-cost, position, query))
    return [query for _, _, query in sorted(rows)]


# ---------------------------------------------------------------- reading a query


class QueryProblem(EngineError):
    """A query the advice cannot use: unreadable, or naming an unknown table or column."""


@dataclass
class TableUse:
    """What one occurrence of a table in a query asks of it."""

    table: Table
    equality: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    order_by: list[tuple[str, bool]] = field(default_factory=list)
    #: Every column of the table the query reads; None when it reads them all (``*``).
    reads: set[str] | None = field(default_factory=set)

    @property
    def wants_index(self) -> bool:
        return bool(self.equality or self.ranges or self.order_by)

    def add(self, bucket: list[str], column: str) -> None:
        """``column`` into ``bucket`` (``equality`` or ``ranges``); an equality column stays one."""
        if column not in self.equality and column not in bucket:
            if bucket is self.equality and column in self.ranges:
                self.ranges.remove(column)
            bucket.append(column)


#: Quoted text (left as it is) or a driver's placeholder: ``%s``, ``%(name)s``, ``$1``.
_PLACEHOLDER_RE = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|(%s|%\(\w+\)s|\$\d+)""")


def native_placeholders(text: str, dialect: str) -> str:
    """``text`` with the placeholders drivers and logs write in the dialect's own spelling:
    ``$n`` for PostgreSQL (``%s`` numbered in order, as psycopg sends them), ``?`` elsewhere."""
    count = 0

    def spelled(match: re.Match[str]) -> str:
        nonlocal count
        found = match.group(1)
        if found is None:
            return match.group(0)
        if dialect != "postgresql":
            return "?"
        if found.startswith("$"):
            return found
        count += 1
        return f"${count}"

    return _PLACEHOLDER_RE.sub(spelled, text)


def parse_query(text: str, dialect: str) -> exp.Expression:
    """The one statement in ``text``; ``QueryProblem`` when it is not exactly one. Placeholders
    of any driver (``%s``, ``$1``, ``?``) are read as parameters."""
    dialect = canonical_name(dialect)
    try:
        statements = [s for s in sqlglot.parse(native_placeholders(text, dialect), read=SQLGLOT_DIALECTS[dialect]) if s is not None]
    except (ParseError, SqlglotError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
        raise QueryProblem(f"cannot read the query: {first}") from None
    if len(statements) != 1:
        raise QueryProblem(f"expected one statement, found {len(statements)}")
    return statements[0]


def read_query(schema: Schema, text: str, dialect: str) -> list[TableUse]:
    """What ``text`` asks of each table it names, one ``TableUse`` per occurrence."""
    return _Reader(schema, dialect).read(parse_query(text, dialect))


def placeholders(schema: Schema, text: str, dialect: str) -> list[Placeholder]:
    """Where each parameter of ``text`` is used (for values to try it with)."""
    reader = _Reader(schema, dialect)
    reader.read(parse_query(text, dialect))
    return reader.placeholders


_RANGE_OPERATORS = {exp.GT: ">", exp.GTE: ">", exp.LT: "<", exp.LTE: "<"}
_FLIPPED = {">": "<", "<": ">"}


class _Reader:
    def __init__(self, schema: Schema, dialect: str) -> None:
        self.schema = schema
        self.dialect = dialect
        self.placeholders: list[Placeholder] = []

    def read(self, statement: exp.Expression) -> list[TableUse]:
        if isinstance(statement, (exp.Update, exp.Delete)):
            return self._read_dml(statement)
        if not isinstance(statement, (exp.Query,)):
            raise QueryProblem(f"not a query: {statement.key.upper()} statements are not read for index advice")
        uses: list[TableUse] = []
        try:
            scopes = traverse_scope(statement)
        except SqlglotError as exc:
            raise QueryProblem(f"cannot read the query: {exc}") from None
        for scope in scopes:
            uses.extend(self._read_scope(scope))
        for limit in statement.find_all(exp.Limit, exp.Offset):
            for param in _params(limit):
                self.placeholders.append(Placeholder(_param_name(param), None, None, "limit"))
        return uses

    def _read_dml(self, statement: exp.Expression) -> list[TableUse]:
        target = statement.this if isinstance(statement.this, exp.Table) else statement.find(exp.Table)
        if target is None:
            raise QueryProblem("cannot find the table the statement changes")
        use = TableUse(self._table(target), reads=set())
        aliases = {target.alias_or_name: use}
        where = statement.args.get("where")
        if where is not None:
            for condition in _conjuncts(where.this):
                self._condition(condition, aliases, joined=None, scope=None)
        return [use]

    def _read_scope(self, scope: Scope) -> list[TableUse]:
        select = scope.expression
        if not isinstance(select, exp.Select):
            return []
        aliases: dict[str, TableUse] = {}
        for alias, source in scope.sources.items():
            if isinstance(source, exp.Table):
                aliases[alias] = TableUse(self._table(source))
        if not aliases:
            return []
        self._check_columns(scope, aliases)
        where = select.args.get("where")
        if where is not None:
            for condition in _conjuncts(where.this):
                self._condition(condition, aliases, joined=None, scope=scope)
        for join in select.args.get("joins") or ():
            on = join.args.get("on")
            joined = join.this.alias_or_name if isinstance(join.this, exp.Table) else None
            if on is not None:
                for condition in _conjuncts(on):
                    self._condition(condition, aliases, joined=joined, scope=scope)
            for name in join.args.get("using") or ():
                column = name.name if isinstance(name, exp.Expression) else str(name)
                if joined in aliases:
                    aliases[joined].add(aliases[joined].equality, column)
        self._order_by(select, aliases, scope)
        self._reads(select, aliases, scope)
        return list(aliases.values())

    # ---- tables and columns

    def _table(self, node: exp.Table) -> Table:
        name = node.name
        if self.schema.has_table(name):
            return self.schema.table(name)
        quoted = bool(node.this and getattr(node.this, "quoted", False))
        if not quoted:
            matches = [t for t in self.schema.tables if t.name.lower() == name.lower()]
            if len(matches) == 1:
                return matches[0]
        raise QueryProblem(f"unknown table {name!r}")

    def _column_name(self, table: Table, node: exp.Column) -> str | None:
        name = node.name
        if table.has_column(name):
            return name
        quoted = bool(node.this and getattr(node.this, "quoted", False))
        if not quoted:
            matches = [c.name for c in table.columns if c.name.lower() == name.lower()]
            if len(matches) == 1:
                return matches[0]
        return None

    def _resolve(self, node: exp.Column, aliases: dict[str, TableUse], scope: Scope | None) -> tuple[TableUse, str] | None:
        """The table occurrence and column ``node`` names in this query, or None when it is
        something else (a CTE's or derived table's column, an outer query's, a SELECT alias)."""
        if node.table:
            use = aliases.get(node.table)
            if use is None:
                return None
            column = self._column_name(use.table, node)
            if column is None:
                raise QueryProblem(f"unknown column {node.table}.{node.name} (table {use.table.name!r} has no such column)")
            return use, column
        found = [(use, c) for use in aliases.values() if (c := self._column_name(use.table, node)) is not None]
        if len({id(use) for use, _ in found}) == 1:
            return found[0]
        if len(found) > 1:
            return None  # ambiguous: the database would refuse it; nothing to suggest from it
        return None

    def _check_columns(self, scope: Scope, aliases: dict[str, TableUse]) -> None:
        """An unknown column is reported where no other source could hold it."""
        only_tables = all(isinstance(s, exp.Table) for s in scope.sources.values())
        outer = scope.parent is not None
        select_aliases = {e.alias for e in scope.expression.expressions if isinstance(e, exp.Alias)}
        for node in _own_columns(scope.expression):
            if node.table and node.table not in scope.sources and not outer:
                raise QueryProblem(f"unknown table or alias {node.table!r} in {node.sql()}")
            if node.table:
                self._resolve(node, aliases, scope)
            elif only_tables and not outer and node.name not in select_aliases:
                if self._resolve(node, aliases, scope) is None and not any(
                    self._column_name(u.table, node) for u in aliases.values()
                ):
                    tables = ", ".join(repr(u.table.name) for u in aliases.values())
                    raise QueryProblem(f"unknown column {node.name!r} (not in {tables})")

    # ---- conditions

    def _condition(self, condition: exp.Expression, aliases: dict[str, TableUse], *, joined: str | None, scope: Scope | None) -> None:
        if isinstance(condition, exp.Paren):
            for inner in _conjuncts(condition.this):
                self._condition(inner, aliases, joined=joined, scope=scope)
            return
        if isinstance(condition, (exp.EQ, exp.NullSafeEQ)):
            left = self._local(condition.left, aliases, scope)
            right = self._local(condition.right, aliases, scope)
            if left and right:
                if left[0] is right[0]:
                    return  # a comparison of two columns of one row: no index seeks it
                for use, column in (left, right):
                    if joined is None or _alias_of(use, aliases) == joined:
                        use.add(use.equality, column)
                return
            for side, other in ((left, condition.right), (right, condition.left)):
                if side and not self._has_local(other, aliases, scope):
                    side[0].add(side[0].equality, side[1])
                    self._note_params(other, side, "=")
            return
        if isinstance(condition, exp.Is) and isinstance(condition.expression, exp.Null):
            side = self._local(condition.this, aliases, scope)
            if side:
                side[0].add(side[0].equality, side[1])
            return
        if isinstance(condition, exp.In):
            side = self._local(condition.this, aliases, scope)
            values = condition.expressions
            if side and not any(self._has_local(v, aliases, scope) for v in values):
                side[0].add(side[0].equality, side[1])
                for value in values:
                    self._note_params(value, side, "=")
            return
        if isinstance(condition, exp.Between):
            side = self._local(condition.this, aliases, scope)
            low, high = condition.args.get("low"), condition.args.get("high")
            if side and not self._has_local(low, aliases, scope) and not self._has_local(high, aliases, scope):
                side[0].add(side[0].ranges, side[1])
                self._note_params(low, side, ">")
                self._note_params(high, side, "<")
            return
        operator = _RANGE_OPERATORS.get(type(condition))
        if operator is not None:
            left = self._local(condition.left, aliases, scope)
            right = self._local(condition.right, aliases, scope)
            if left and not right and not self._has_local(condition.right, aliases, scope):
                left[0].add(left[0].ranges, left[1])
                self._note_params(condition.right, left, operator)
            elif right and not left and not self._has_local(condition.left, aliases, scope):
                right[0].add(right[0].ranges, right[1])
                self._note_params(condition.left, right, _FLIPPED[operator])
            return
        if isinstance(condition, exp.Like):
            side = self._local(condition.this, aliases, scope)
            pattern = condition.expression
            # A pattern with a fixed start is a range of the B-tree; PostgreSQL needs the C
            # collation or text_pattern_ops for it, which the verify button shows.
            if side and isinstance(pattern, exp.Literal) and pattern.is_string and pattern.this[:1] not in ("%", "_", ""):
                side[0].add(side[0].ranges, side[1])
            elif side:
                self._note_params(pattern, side, "=")

    def _local(self, node: exp.Expression | None, aliases: dict[str, TableUse], scope: Scope | None) -> tuple[TableUse, str] | None:
        """The (table occurrence, column) when ``node`` is a bare column of this query."""
        while isinstance(node, exp.Paren):
            node = node.this
        if isinstance(node, exp.Cast) and isinstance(node.this, exp.Column):
            return None  # a cast column no plain index serves
        if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
            return self._resolve(node, aliases, scope)
        return None

    def _has_local(self, node: exp.Expression | None, aliases: dict[str, TableUse], scope: Scope | None) -> bool:
        if node is None:
            return False
        if isinstance(node, (exp.Subquery, exp.Select)):
            return False
        return any(self._resolve(c, aliases, scope) is not None for c in _own_columns(node))

    def _note_params(self, node: exp.Expression | None, side: tuple[TableUse, str], role: str) -> None:
        if node is None:
            return
        for param in _params(node):
            self.placeholders.append(Placeholder(_param_name(param), side[0].table.name, side[1], role))

    # ---- ORDER BY and the columns read

    def _order_by(self, select: exp.Select, aliases: dict[str, TableUse], scope: Scope) -> None:
        order = select.args.get("order")
        if order is None:
            return
        columns: list[tuple[TableUse, str, bool]] = []
        for ordered in order.expressions:
            node = ordered.this
            resolved = self._local(node, aliases, scope) if isinstance(node, exp.Column) else None
            if resolved is None:
                return  # an expression or alias: no plain index gives this order
            columns.append((resolved[0], resolved[1], bool(ordered.args.get("desc"))))
        if len({id(use) for use, _, _ in columns}) != 1:
            return  # an order over several tables comes from a sort, not an index
        use = columns[0][0]
        # Only the table the query starts from can hand rows over in index order.
        first = select.args.get("from_") or select.args.get("from")
        if first is None or not isinstance(first.this, exp.Table) or aliases.get(first.this.alias_or_name) is not use:
            return
        all_desc = all(desc for _, _, desc in columns)
        for _, column, desc in columns:
            if column not in use.equality and all(column != c for c, _ in use.order_by):
                use.order_by.append((column, desc and not all_desc))

    def _reads(self, select: exp.Select, aliases: dict[str, TableUse], scope: Scope) -> None:
        for node in select.expressions:
            if isinstance(node, exp.Star):
                for use in aliases.values():
                    use.reads = None
            elif isinstance(node, exp.Column) and isinstance(node.this, exp.Star):
                use = aliases.get(node.table)
                if use is not None:
                    use.reads = None
        for node in _own_columns(select):
            if isinstance(node.this, exp.Star):
                continue
            resolved = self._resolve(node, aliases, scope)
            if resolved and resolved[0].reads is not None:
                resolved[0].reads.add(resolved[1])


def _alias_of(use: TableUse, aliases: dict[str, TableUse]) -> str | None:
    return next((alias for alias, u in aliases.items() if u is use), None)


def _conjuncts(node: exp.Expression) -> Iterator[exp.Expression]:
    while isinstance(node, exp.Paren) and isinstance(node.this, exp.And):
        node = node.this
    if isinstance(node, exp.And):
        yield from _conjuncts(node.left)
        yield from _conjuncts(node.right)
    else:
        yield node


def _own_columns(node: exp.Expression) -> Iterator[exp.Column]:
    """The columns in ``node``, not those of the subqueries inside it."""
    for found in node.walk(prune=lambda n: n is not node and isinstance(n, (exp.Subquery, exp.Select, exp.Exists)) and n is not node):
        if isinstance(found, exp.Column):
            yield found


def _params(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, (exp.Placeholder, exp.Parameter)):
        return [node]
    return [p for p in node.find_all(exp.Placeholder, exp.Parameter)]


def _param_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Parameter):
        return "$" + node.name
    return "?" if not node.name else node.name


# ---------------------------------------------------------------- suggestions


def _suggest(
    schema: Schema, use: TableUse, query: str, dialect: str, taken: set[str], suggested: list[tuple[str, str, Index]]
) -> IndexSuggestion:
    table = use.table
    columns = [IndexColumn(c, EQUALITY) for c in use.equality]
    columns += [IndexColumn(c, RANGE) for c in use.ranges]
    columns += [IndexColumn(c, ORDER_BY, desc) for c, desc in use.order_by if c not in use.ranges]
    key = [c.name for c in columns]
    covering = _covering(table, use, key, dialect)
    columns += [IndexColumn(c, COVERING) for c in covering]
    served = _served_by(table, use, [(i.name or "", i) for i in table.indexes] + [(n, i) for t, n, i in suggested if t == table.name])
    if served is None:
        served = _served_by_key(table, use)
    index = _index(table, columns, dialect, taken if served is None else set(taken))
    sql = _create_sql(schema, table, index, dialect)
    if served is None:
        taken.add(index.name or "")
        suggested.append((table.name, index.name or "", index))
    return IndexSuggestion(query=query, table=table.name, columns=tuple(columns), sql=sql, index=index, served_by=served)


def _covering(table: Table, use: TableUse, key: list[str], dialect: str) -> list[str]:
    """The columns to add so the query reads only the index, when they are few and narrow."""
    if use.reads is None:
        return []
    rest = [c for c in table.column_names if c in use.reads and c not in key]
    if dialect == "mysql" and table.primary_key is not None:
        # InnoDB keeps the primary key in every secondary index already.
        rest = [c for c in rest if c not in table.primary_key.columns]
    if not rest or len(rest) > MAX_COVERING_COLUMNS:
        return []
    if any(table.column(c).type.kind in _WIDE_KINDS for c in rest):
        return []
    if len(key) + len(rest) >= len(table.columns):
        return []  # the index would be the table again
    return rest


def _served_by(table: Table, use: TableUse, indexes: list[tuple[str, Index]]) -> str | None:
    """The first index whose leading keys give what the query needs: its equality columns in
    any order, then the first range column, else the ORDER BY columns in order."""
    candidates = list(indexes)
    if table.primary_key is not None:
        candidates.insert(0, (table.primary_key.name or "primary key", Index(columns=table.primary_key.columns)))
    candidates += [(u.name or "unique", Index(columns=u.columns)) for u in table.uniques]
    for name, index in candidates:
        if index.where or index.method not in (None, "btree"):
            continue
        keys = _plain_prefix(index)
        eq = set(use.equality)
        if set(keys[: len(eq)]) != eq:
            continue
        rest = keys[len(eq):]
        if use.ranges:
            if rest[:1] != [use.ranges[0]]:
                continue
        elif use.order_by:
            wanted = [c for c, _ in use.order_by]
            if rest[: len(wanted)] != wanted or not _directions_fit(index, len(eq), use.order_by):
                continue
        return name
    return None


def _served_by_key(table: Table, use: TableUse) -> str | None:
    """A primary key or unique constraint within the equality columns finds one row at most."""
    eq = set(use.equality)
    if not eq:
        return None
    keys = [(table.primary_key.name or "primary key", table.primary_key.columns)] if table.primary_key else []
    keys += [(u.name or "unique", u.columns) for u in table.uniques]
    keys += [(i.name or "unique index", i.columns) for i in table.indexes if i.unique and not i.where and not i.has_expressions]
    for name, columns in keys:
        if set(columns) <= eq:
            return name
    return None


def _plain_prefix(index: Index) -> list[str]:
    out: list[str] = []
    for n, column in enumerate(index.columns):
        if index.key(n).expression:
            break
        out.append(column)
    return out


def _directions_fit(index: Index, start: int, order_by: list[tuple[str, bool]]) -> bool:
    """An index scanned forwards or backwards gives the order when all directions agree or all
    are reversed."""
    same = [index.key(start + n).descending == desc for n, (_, desc) in enumerate(order_by)]
    return all(same) or not any(same)


def _index(table: Table, columns: list[IndexColumn], dialect: str, taken: set[str]) -> Index:
    key = [c for c in columns if c.reason != COVERING]
    include = [c.name for c in columns if c.reason == COVERING]
    names = [c.name for c in key]
    keys = [IndexKey(descending=c.descending) for c in key]
    if dialect == "mysql":
        keys = [_mysql_key(table, c.name, k) for c, k in zip(key, keys)]
    if dialect != "postgresql":
        # No INCLUDE outside PostgreSQL: covering columns go last in the key.
        names += include
        keys += [IndexKey() for _ in include]
        include = []
    base = index_name(table.name, tuple(c.name for c in key))
    name, n = base, 0
    while name in taken:
        n += 1
        name = fit_name(f"{base}{n}")
    return Index(
        columns=tuple(names),
        name=name,
        keys=tuple(keys) if any(k != IndexKey() for k in keys) else (),
        include=tuple(include),
    )


def _mysql_key(table: Table, column: str, key: IndexKey) -> IndexKey:
    kind = table.column(column).type.kind
    if kind in ("text", "binary") and table.column(column).type.length is None:
        return replace(key, length=255)  # MySQL indexes a prefix of TEXT and BLOB columns only
    return key


def _create_sql(schema: Schema, table: Table, index: Index, dialect: str) -> str:
    from ..dialects import get_dialect

    return get_dialect(dialect).create_index_sql(table.name, index)


def _taken_names(schema: Schema) -> set[str]:
    names: set[str] = set()
    for table in schema.tables:
        names.update(i.name for i in table.indexes if i.name)
        names.update(u.name for u in table.uniques if u.name)
        names.update(f.name for f in table.foreign_keys if f.name)
        names.update(c.name for c in table.checks if c.name)
        if table.primary_key and table.primary_key.name:
            names.add(table.primary_key.name)
    return names
