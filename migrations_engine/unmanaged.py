"""What the engine does not model: views, triggers, functions, policies, partitions … in a live database.

The engine reads tables, their columns, keys, indexes and enums; everything else a database holds
is *not managed*: read only to be listed (``inspect`` and ``diff`` print a note), never dropped,
never recreated. A change that would drop, recreate or silently break a table or column such an
object depends on is refused with a message naming the object (``conflicts`` and
``refusal_text``; ``check`` raises ``UnmanagedConflict``): the engine cannot put the object back,
so the user drops or changes it by hand first.

What breaks what, as the servers do it (measured on PostgreSQL 15, MariaDB 10.11, SQLite 3.40):

- ``DROP TABLE``: PostgreSQL refuses while a view uses the table (and silently drops its
  triggers, policies, rules, partitions, and its place in publications); MariaDB and SQLite drop
  the table's triggers and leave the views over it broken. Always refused here.
- ``DROP COLUMN``: PostgreSQL and SQLite refuse while a view uses the column, MariaDB drops it and
  the view fails on its next read; a trigger whose body names the column breaks silently on
  MariaDB and SQLite. Refused here.
- A table or column renamed: PostgreSQL (views, rules and policies are bound to the column, not
  its name) and SQLite (``ALTER TABLE … RENAME`` rewrites the SQL of views and triggers) carry
  the dependents along, except, on PostgreSQL, a trigger whose function's body names a renamed
  column or another table renamed (``record "new" has no field``, ``relation … does not exist``). MariaDB rewrites nothing: a view over a renamed table
  or column fails on its next read (error 1356), and so does a trigger whose body names a renamed
  column (error 1054); only a trigger's own table follows a ``RENAME TABLE``. Refused where they
  break.
- A column's type changed (``AlterColumn``, or an enum recreated): PostgreSQL refuses while a
  view, rule, policy or publication uses the column, with an error naming a rule ``_RETURN``;
  refused here first, naming the object. MariaDB and SQLite keep the dependents working.
- SQLite's table rebuild (create a new table, copy, drop the old one, rename): the drop takes the
  table's triggers along, and the rename fails on every view or trigger naming the table. Refused.

This module holds no SQL: the readers are ``introspect/unmanaged_<dialect>.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import EngineError

if TYPE_CHECKING:
    from .connection import Database
    from .operations import Operation
    from .schema import Schema
    from .statement import Statement

#: Kinds attached to one table: their first ``depends_on`` pair is ``(that table, None)``.
ON_A_TABLE = ("trigger", "policy", "rule")
#: How many objects a note names before it says "and N more".
NOTE_LIMIT = 30


class UnmanagedConflict(EngineError):
    """A change would drop, recreate or break an object the engine does not manage."""


@dataclass(frozen=True)
class UnmanagedObject:
    """An object of a live database the engine does not model.

    ``depends_on`` holds ``(table, column)`` pairs, ``column`` None for the table as a whole, as
    far as the server can tell: PostgreSQL records dependencies (``pg_depend``); for MariaDB and
    SQLite they are the tables and columns the object's SQL names (a conservative reading: a name
    mentioned counts as used). An object that depends on a column depends on its table too (both
    pairs are listed). For a trigger, policy or rule the first pair is its own table.
    """

    kind: str
    name: str
    depends_on: tuple[tuple[str, str | None], ...] = ()

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables it depends on, in order, each once."""
        return tuple(dict.fromkeys(table for table, _ in self.depends_on))

    @property
    def own_table(self) -> str | None:
        """The table a trigger, policy or rule is on (None for other kinds)."""
        return self.depends_on[0][0] if self.kind in ON_A_TABLE and self.depends_on else None

    def uses_table(self, table: str) -> bool:
        return any(t == table for t, _ in self.depends_on)

    def uses_column(self, table: str | None, column: str | None) -> bool:
        return table is not None and column is not None and (table, column) in self.depends_on

    def label(self) -> str:
        """``view "active_customers"``."""
        return f"{self.kind} {quoted(self.name)}"

    def describe(self) -> str:
        """``view "active_customers" (on customer)``, ``trigger "last_updated" on film``."""
        own = self.own_table
        if own is not None:
            others = [t for t in self.tables if t != own]
            uses = f" (uses {', '.join(map(shown, others))})" if others else ""
            return f"{self.label()} on {shown(own)}{uses}"
        if self.tables:
            return f"{self.label()} (on {', '.join(map(shown, self.tables))})"
        return self.label()


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def shown(name: str) -> str:
    """A table or column name as messages show it: plain names bare, others quoted."""
    return name if _PLAIN.fullmatch(name) else quoted(name)


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# ---------------------------------------------------------------- reading


def read_unmanaged(database: Database) -> list[UnmanagedObject]:
    """The objects of the connection's schema (PostgreSQL ``current_schema()``, MySQL
    ``DATABASE()``, SQLite ``main``) that the engine does not model, sorted by kind and name."""
    if database.dialect == "postgresql":
        from .introspect.unmanaged_postgresql import read_unmanaged as read
    elif database.dialect == "mysql":
        from .introspect.unmanaged_mysql import read_unmanaged as read
    else:
        from .introspect.unmanaged_sqlite import read_unmanaged as read
    return sorted(read(database), key=lambda o: (o.kind, o.name, o.depends_on))


def note_text(objects: Sequence[UnmanagedObject]) -> str | None:
    """The one-line note ``inspect`` and ``diff`` print; None when there is nothing to say."""
    if not objects:
        return None
    shown = ", ".join(o.describe() for o in objects[:NOTE_LIMIT])
    more = f" and {len(objects) - NOTE_LIMIT} more" if len(objects) > NOTE_LIMIT else ""
    return f"note: not managed (kept as they are): {shown}{more}"


# ---------------------------------------------------------------- SQL names (for the readers)

_TOKENS = re.compile(
    r"""
      '(?:[^']|'')*'              # a string
    | --[^\n]*                    # a line comment
    | /\*.*?(?:\*/|$)             # a block comment
    | "(?P<double>(?:[^"]|"")*)"  # "a name"
    | `(?P<back>(?:[^`]|``)*)`    # `a name`
    | \[(?P<bracket>[^\]]*)\]     # [a name] (SQLite)
    | (?P<word>[^\W\d][\w$]*)     # a bare word (keywords too: harmless, it only over-counts)
    """,
    re.VERBOSE | re.DOTALL,
)


def names_in(sql: str) -> list[str]:
    """The identifiers a SQL text holds, in order (strings and comments left out), as written:
    quoted ones unquoted. Readers match them against the tables and columns of the database."""
    names = []
    for match in _TOKENS.finditer(sql):
        if match.group("double") is not None:
            names.append(match.group("double").replace('""', '"'))
        elif match.group("back") is not None:
            names.append(match.group("back").replace("``", "`"))
        elif match.group("bracket") is not None:
            names.append(match.group("bracket"))
        elif match.group("word") is not None:
            names.append(match.group("word"))
    return names


def named_dependencies(
    sql: str, columns: dict[str, Sequence[str]], own_table: str | None = None
) -> tuple[tuple[str, str | None], ...]:
    """The ``(table, column)`` pairs a SQL text names: each table of ``columns`` (table → its
    columns) whose name it mentions, with each of its columns it mentions (names compared without
    case: more dependencies rather than fewer). ``own_table`` comes first and counts as named."""
    mentioned = {name.casefold() for name in names_in(sql)}
    pairs: list[tuple[str, str | None]] = []
    tables = [own_table] if own_table is not None else []
    tables += [t for t in columns if t != own_table and t.casefold() in mentioned]
    for table in tables:
        pairs.append((table, None))
        pairs += [(table, c) for c in columns.get(table, ()) if c.casefold() in mentioned]
    return tuple(pairs)


# ---------------------------------------------------------------- conflicts

#: (dialect, kind) pairs whose objects a rename of a table or column they use leaves broken
#: (``"*"``: every kind). MariaDB rewrites no view or trigger body; PostgreSQL binds views, rules
#: and policies to tables and columns, but a trigger function's body names them; SQLite rewrites
#: everything. A trigger moves with its own table everywhere.
_BROKEN_BY_TABLE_RENAME = {("mysql", "*"), ("postgresql", "trigger")}
_BROKEN_BY_COLUMN_RENAME = {("mysql", "*"), ("postgresql", "trigger")}


_SERVERS = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB", "sqlite": "SQLite"}


def _broken_by(rules: set[tuple[str, str]], dialect: str, kind: str) -> bool:
    return (dialect, "*") in rules or (dialect, kind) in rules


@dataclass(frozen=True)
class Conflict:
    """Operation ``operation`` (an index into the operations checked) would ``action`` (``drops
    column customer.email``), which breaks or drops ``objects``; ``why`` says how, when the server
    does it in a way worth saying."""

    operation: int
    description: str
    action: str
    objects: tuple[UnmanagedObject, ...]
    why: str = ""

    def text(self, where: str) -> str:
        objects = _and(o.describe() for o in self.objects)
        verb = "depends" if len(self.objects) == 1 else "depend"
        why = f" ({self.why})" if self.why else ""
        return f"{where} ({self.description}) {self.action}, on which {objects} {verb}{why}"


def conflicts(
    operations: Sequence[Operation],
    start: Schema | None,
    dialect: str,
    objects: Sequence[UnmanagedObject],
    statements: Sequence[Statement] | None = None,
) -> list[Conflict]:
    """What ``operations``, run in order on a database holding ``start`` on ``dialect``, would
    drop, recreate or break of ``objects`` (read from that database), one ``Conflict`` per
    operation that does.

    ``statements`` are the operations' SQL when already rendered (a migration's script; each
    ``Statement.operation`` an index into ``operations``). SQLite's table rebuilds are asked of
    the dialect (``SQLiteDialect.rebuilt_tables`` or ``rebuilds``) and found in the statements (a
    ``DROP TABLE`` of the old copy); ``start`` may be None when ``statements`` are given (only the
    statements are read then).
    """
    if not objects or not operations:
        return []
    from .operations import AlterColumn, AlterEnum, DropColumn, DropTable, RenameColumn, RenameTable

    rebuilt = _rebuilt_tables(operations, start, dialect, statements)
    names = _Origins()
    found: list[Conflict] = []
    schema = start
    for index, op in enumerate(operations):
        before, schema = schema, op.apply(schema) if schema is not None else None
        if isinstance(op, DropTable):
            table = names.table(op.table.name)
            hit = [o for o in objects if table is not None and o.uses_table(table)]
            found += _conflict(index, op, f"drops table {op.table.name}", hit)
            names.gone(op.table.name)
        elif index in rebuilt:
            tables = [names.table(name) for name in rebuilt[index]]
            hit = [o for o in objects if any(t is not None and o.uses_table(t) for t in tables)]
            found += _conflict(
                index, op, f"rebuilds table{'s' if len(tables) > 1 else ''} {', '.join(rebuilt[index])}", hit,
                "SQLite rebuilds a table by copying it into a new one: dropping the old one drops its "
                "triggers, and views or triggers naming it stop the rename",
            )
        elif isinstance(op, DropColumn):
            table = names.table(op.table)
            column = names.column(op.table, op.column.name)
            hit = [o for o in objects if o.uses_column(table, column)]
            found += _conflict(index, op, f"drops column {op.table}.{op.column.name}", hit)
        elif isinstance(op, RenameTable):
            table = names.table(op.old_name)
            hit = [
                o for o in objects
                if table is not None and o.uses_table(table) and _broken_by(_BROKEN_BY_TABLE_RENAME, dialect, o.kind)
                and o.own_table != table  # a trigger moves with its own table
            ]
            found += _conflict(
                index, op, f"renames table {op.old_name}", hit,
                f"{_SERVERS.get(dialect, dialect)} does not rewrite them: they would fail at their next use",
            )
        elif isinstance(op, RenameColumn):
            table = names.table(op.table)
            column = names.column(op.table, op.old_name)
            hit = [
                o for o in objects
                if o.uses_column(table, column) and _broken_by(_BROKEN_BY_COLUMN_RENAME, dialect, o.kind)
            ]
            found += _conflict(
                index, op, f"renames column {op.table}.{op.old_name}", hit,
                f"{_SERVERS.get(dialect, dialect)} does not rewrite them: they would fail at their next use",
            )
        elif isinstance(op, AlterEnum) and dialect == "postgresql" and before is not None:
            # Recreating the type (values removed, renamed or reordered) changes the type of
            # every column using it; values added in place change none.
            retyped = not op.only_adds or any(
                "ALTER COLUMN" in st.sql.upper() for st in statements or () if st.operation == index
            )
            columns = before.columns_of_enum(op.old.name) if retyped else []
            hit = [
                o for o in objects
                if _stops_retyping(o) and any(o.uses_column(names.table(t.name), names.column(t.name, c.name)) for t, c in columns)
            ]
            found += _conflict(index, op, f"changes the type of the columns of enum {op.old.name}", hit, _RETYPE_WHY)
        elif isinstance(op, AlterColumn) and op.type_changed and dialect == "postgresql":
            table = names.table(op.table)
            column = names.column(op.table, op.old.name)
            hit = [o for o in objects if _stops_retyping(o) and o.uses_column(table, column)]
            found += _conflict(index, op, f"changes the type of column {op.table}.{op.old.name}", hit, _RETYPE_WHY)
        names.follow(op)
    return found


_RETYPE_WHY = "PostgreSQL refuses to change the type of a column a view, rule, policy or publication uses"


def _stops_retyping(obj: UnmanagedObject) -> bool:
    """Whether PostgreSQL refuses to change the type of a column ``obj`` uses. Not a trigger's:
    PostgreSQL refuses for an ``UPDATE OF`` column itself, naming the trigger, and a column its
    function's body names takes any type."""
    return obj.kind != "trigger"


def _conflict(index: int, op: Operation, action: str, hit: list[UnmanagedObject], why: str = "") -> list[Conflict]:
    return [Conflict(index, op.describe(), action, tuple(hit), why)] if hit else []


class _Origins:
    """Tables and columns by their name in the database the objects were read from, through the
    renames, creations and drops of the operations checked so far."""

    def __init__(self) -> None:
        self._tables: dict[str, str | None] = {}
        self._columns: dict[tuple[str, str], str | None] = {}

    def table(self, name: str) -> str | None:
        """The name ``name`` had in the database; None for a table the operations created."""
        return self._tables.get(name, name)

    def column(self, table: str, name: str) -> str | None:
        """The name column ``name`` of ``table`` had in the database; None for a column the
        operations created."""
        origin = self.table(table)
        return None if origin is None else self._columns.get((origin, name), name)

    def gone(self, table: str) -> None:
        self._tables[table] = None

    def follow(self, op: Operation) -> None:
        from .operations import AddColumn, CreateTable, DropColumn, RenameColumn, RenameTable

        if isinstance(op, RenameTable):
            self._tables[op.new_name] = self.table(op.old_name)
            self._tables[op.old_name] = None
        elif isinstance(op, CreateTable):
            self._tables[op.table.name] = None
        elif isinstance(op, RenameColumn) and self.table(op.table) is not None:
            origin = self.table(op.table)
            assert origin is not None
            self._columns[(origin, op.new_name)] = self.column(op.table, op.old_name)
            self._columns[(origin, op.old_name)] = None
        elif isinstance(op, (AddColumn, DropColumn)) and self.table(op.table) is not None:
            origin = self.table(op.table)
            assert origin is not None
            self._columns[(origin, op.column.name)] = None


def _rebuilt_tables(
    operations: Sequence[Operation], start: Schema | None, dialect: str, statements: Sequence[Statement] | None
) -> dict[int, list[str]]:
    """Operation index → the tables it rebuilds, in order (SQLite only: other dialects alter in
    place; a change of an enum may rebuild several tables).

    Asked of the dialect (``SQLiteDialect.rebuilt_tables``, else ``rebuilds`` for the operation's
    own table) and read from ``statements`` (a ``DROP TABLE`` among an operation's statements
    other than ``DropTable``'s own: the old copy of a rebuild); rendered when neither is at hand.
    """
    if dialect != "sqlite":
        return {}
    from .dialects import get_dialect

    target = get_dialect(dialect)
    found: dict[int, list[str]] = {}
    tables_of: Callable[..., list[str]] | None = getattr(target, "rebuilt_tables", None)
    rebuilds: Callable[..., bool] | None = getattr(target, "rebuilds", None)
    if (tables_of or rebuilds) and start is not None:
        from .expressions import with_portable_expressions, with_portable_tables
        from .naming import with_default_names
        from .render import touched_tables

        # As render() sees it.
        schema = with_portable_tables(with_default_names(start), dialect, touched_tables(list(operations)))
        for index, op in enumerate(operations):
            op = with_portable_expressions(op, dialect)
            after = op.apply(schema)
            if tables_of is not None:
                tables = list(tables_of(op, schema, after))
            else:
                tables = [op.table_name] if op.table_name is not None and rebuilds and rebuilds(op, schema, after) else []
            if tables:
                found[index] = tables
            schema = after
    elif statements is None:
        if start is None:
            raise ValueError("conflicts() needs the start schema or the statements")
        from .render import render

        statements = render(list(operations), start, dialect)
    from .operations import DropTable

    for statement in statements or ():
        table = _dropped_table(statement.sql)
        index = statement.operation
        if table is None or not 0 <= index < len(operations) or isinstance(operations[index], DropTable):
            continue
        if table not in found.setdefault(index, []):
            found[index].append(table)
    return found


_DROP_TABLE = re.compile(r"\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?", re.IGNORECASE)


def _dropped_table(sql: str) -> str | None:
    """The table a ``DROP TABLE`` statement drops; None for any other statement."""
    match = _DROP_TABLE.match(sql)
    if match is None:
        return None
    names = names_in(sql[match.end() :])
    return names[-1] if len(names) in (1, 2) else None  # "t" or "main"."t"


def refusal_text(found: Sequence[Conflict], where: Callable[[int], str] = lambda i: f"operation {i + 1}") -> str:
    """The one-line refusal for ``found`` (``where(i)`` names operation ``i``)."""
    objects = list(dict.fromkeys(o for c in found for o in c.objects))
    parts = "; ".join(c.text(where(c.operation)) for c in found)
    them, they_use = ("it", "it uses") if len(objects) == 1 else ("them", "they use")
    return (
        f"refused: the engine does not manage {_and(o.label() for o in objects)} and will not drop or break "
        f"{them}: {parts}. Drop {them} by hand first and recreate {them} after, or leave what {they_use} unchanged"
    )


def check(
    operations: Sequence[Operation],
    start: Schema | None,
    dialect: str,
    objects: Sequence[UnmanagedObject],
    statements: Sequence[Statement] | None = None,
    where: Callable[[int], str] = lambda i: f"operation {i + 1}",
    done: Collection[int] = (),
) -> None:
    """``UnmanagedConflict`` when ``conflicts`` finds any (see there); operations ``done`` (a
    migration being resumed) ran already and are not held against the objects."""
    found = [c for c in conflicts(operations, start, dialect, objects, statements) if c.operation not in done]
    if found:
        raise UnmanagedConflict(refusal_text(found, where))


def _and(items: Iterable[str]) -> str:
    listed = list(items)
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
