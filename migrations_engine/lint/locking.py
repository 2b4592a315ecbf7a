"""Rules on locks a change takes on a live database, each with the form that takes fewer.

PostgreSQL: CREATE INDEX blocks writes for its whole build (CONCURRENTLY does not); ADD
FOREIGN KEY and ADD CHECK scan the table under a lock that blocks writes (NOT VALID then
VALIDATE CONSTRAINT does not); SET NOT NULL scans under ACCESS EXCLUSIVE unless a valid
``CHECK (col IS NOT NULL)`` proves it (PostgreSQL 12+).

MySQL/MariaDB (InnoDB online DDL): ``mysql-copy-alter`` lists the changes only ALGORITHM=COPY
does (a full copy of the table while writes wait); ``mysql-online-ddl`` gives, for the others,
the statement with ``ALGORITHM=INSTANT`` or ``ALGORITHM=INPLACE, LOCK=NONE`` written out, so that
the server refuses it rather than fall back to a copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from ..errors import EngineError
from ..naming import fit_name
from ..schema import Index
from ..operations import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddPrimaryKey,
    AddUnique,
    AlterColumn,
    CreateIndex,
    DropColumn,
    DropIndex,
    DropPrimaryKey,
    Operation,
    RenameColumn,
    RenameIndex,
    SetTableCharset,
)
from . import ChangeContext, Hit, rule


def _script(statements: list[str]) -> str:
    return "\n".join(s.rstrip(";") + ";" for s in statements)


def _or_none(write: Callable[[], str]) -> str | None:
    """The safe SQL ``write`` gives, or None where the dialect cannot write the element (the
    finding stands; the migration's rendering reports why)."""
    try:
        return write()
    except EngineError:
        return None


# ---------------------------------------------------------------- PostgreSQL


@rule(
    "L104", "index-not-concurrent", "warning",
    "CREATE INDEX (or ADD UNIQUE, which builds one) on an existing PostgreSQL table blocks every write until the index is built; CONCURRENTLY does not.",
    scope="change", dialects=("postgresql",),
)
def index_not_concurrent(change: ChangeContext) -> Iterator[Hit]:
    dialect = change.dialect
    for op in change.operations:
        if isinstance(op, CreateIndex) and change.existing(op.table):
            sql = dialect.create_index_sql(op.table, op.index)
            safe = sql.replace("INDEX ", "INDEX CONCURRENTLY ", 1)
            yield Hit(
                f"index {op.index.name!r} on table {op.table!r} is built without CONCURRENTLY: writes to the table wait until it is built",
                op.table,
                safe + ";  -- outside a transaction",
            )
        elif isinstance(op, AddUnique) and change.existing(op.table) and not op.unique.deferrable:
            # A unique constraint can take over a unique index built concurrently (USING INDEX).
            unique = op.unique
            index = Index(unique.columns, name=unique.name, unique=True, nulls_not_distinct=unique.nulls_not_distinct)
            built = dialect.create_index_sql(op.table, index).replace("INDEX ", "INDEX CONCURRENTLY ", 1)
            name = dialect.quote(unique.name or "")
            yield Hit(
                f"unique constraint {unique.name!r} on table {op.table!r} builds its index without CONCURRENTLY: writes to the table wait until it is built",
                op.table,
                f"{built};  -- outside a transaction\nALTER TABLE {dialect.quote(op.table)} ADD CONSTRAINT {name} UNIQUE USING INDEX {name};",
            )


def _add_not_valid(change: ChangeContext, table: str, name: str, definition: str) -> str:
    dialect = change.dialect
    quoted_table, quoted_name = dialect.quote(table), dialect.quote(name)
    return _script([
        f"ALTER TABLE {quoted_table} ADD CONSTRAINT {quoted_name} {definition} NOT VALID",
        f"ALTER TABLE {quoted_table} VALIDATE CONSTRAINT {quoted_name}",
    ])


@rule(
    "L105", "foreign-key-not-valid", "warning",
    "ADD FOREIGN KEY on an existing PostgreSQL table checks every row while writes to both tables wait; NOT VALID then VALIDATE CONSTRAINT does not block them.",
    scope="change", dialects=("postgresql",),
)
def foreign_key_not_valid(change: ChangeContext) -> Iterator[Hit]:
    for op in change.operations:
        if isinstance(op, AddForeignKey) and change.existing(op.table) and not op.foreign_key.not_valid:
            fk = op.foreign_key
            yield Hit(
                f"foreign key {fk.name!r} is added to table {op.table!r} in one step: its rows are checked while writes wait",
                op.table,
                _or_none(lambda: _add_not_valid(change, op.table, fk.name or "", change.dialect.foreign_key_definition(fk))),
            )


@rule(
    "L106", "check-not-valid", "warning",
    "ADD CHECK on an existing PostgreSQL table checks every row under a lock that blocks writes; NOT VALID then VALIDATE CONSTRAINT does not.",
    scope="change", dialects=("postgresql",),
)
def check_not_valid(change: ChangeContext) -> Iterator[Hit]:
    for op in change.operations:
        if isinstance(op, AddCheck) and change.existing(op.table) and not op.check.not_valid:
            yield Hit(
                f"check {op.check.name!r} is added to table {op.table!r} in one step: its rows are checked while writes wait",
                op.table,
                _add_not_valid(change, op.table, op.check.name or "", change.dialect.check_definition(op.check)),
            )


@rule(
    "L107", "set-not-null-unchecked", "warning",
    "SET NOT NULL scans the whole PostgreSQL table under ACCESS EXCLUSIVE unless a valid CHECK (col IS NOT NULL) proves it first.",
    scope="change", dialects=("postgresql",),
)
def set_not_null_unchecked(change: ChangeContext) -> Iterator[Hit]:
    dialect = change.dialect
    for op in change.operations:
        if not (isinstance(op, AlterColumn) and change.existing(op.table) and op.old.nullable and not op.new.nullable):
            continue
        if _proved_not_null(change, op.table, op.old.name):
            continue
        table, column = dialect.quote(op.table), dialect.quote(op.new.name)
        check = dialect.quote(fit_name(f"{op.table}_{op.new.name}_not_null"))
        safe = _script([
            f"ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID",
            f"ALTER TABLE {table} VALIDATE CONSTRAINT {check}",
            f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL",
            f"ALTER TABLE {table} DROP CONSTRAINT {check}",
        ])
        yield Hit(
            f"column {op.table}.{op.new.name} is made NOT NULL directly: the table is scanned while every query on it waits",
            op.table,
            safe,
        )


def _proved_not_null(change: ChangeContext, table: str, column: str) -> bool:
    """Whether ``table`` has, before the change, a valid ``CHECK (column IS NOT NULL)``: then
    PostgreSQL sets NOT NULL without a scan."""
    if not change.old.has_table(table):
        return False
    wanted = f"{column.lower()}isnotnull"
    for check in change.old.table(table).checks:
        text = "".join(ch for ch in check.expression.lower() if ch not in ' ()"\n\t')
        if not check.not_valid and text == wanted:
            return True
    return False


# ---------------------------------------------------------------- MySQL / MariaDB

_UTF8MB4_SHORT = 63  # varchar up to 63 utf8mb4 characters keeps a 1-byte length prefix


def _varchar_grows_in_place(op: AlterColumn) -> bool:
    """MySQL changes a varchar's length in place when it grows and its length prefix stays one
    byte (≤ 255 bytes) or stays two."""
    old, new = op.old.type, op.new.type
    if old.kind != "varchar" or new.kind != "varchar" or old.length is None or new.length is None:
        return False
    return new.length >= old.length and (old.length <= _UTF8MB4_SHORT) == (new.length <= _UTF8MB4_SHORT)


def _copy_reason(op: Operation, change: ChangeContext) -> str | None:
    """Why MySQL can only run ``op`` with ALGORITHM=COPY, or None when it runs online."""
    if isinstance(op, AlterColumn):
        if op.type_changed and not _varchar_grows_in_place(op):
            return f"changing {op.table}.{op.old.name} from {op.old.type} to {op.new.type} copies the table"
        if (op.old.charset, op.old.collation) != (op.new.charset, op.new.collation):
            return f"changing the character set of {op.table}.{op.old.name} copies the table"
        if op.becomes_generated:
            return f"making {op.table}.{op.old.name} generated copies the table"
        return None
    if isinstance(op, SetTableCharset):
        return f"converting table {op.table!r} to another character set copies it"
    if isinstance(op, AddCheck):
        return f"adding check {op.check.name!r} to table {op.table!r} copies it"
    if isinstance(op, AddForeignKey):
        return f"adding foreign key {op.foreign_key.name!r} to table {op.table!r} copies it while foreign_key_checks is on"
    if isinstance(op, DropPrimaryKey):
        adds = any(isinstance(o, AddPrimaryKey) and o.table == op.table for o in change.operations)
        return None if adds else f"dropping the primary key of table {op.table!r} without adding another copies it"
    return None


def _fk_online(change: ChangeContext, op: AddForeignKey) -> str:
    dialect = change.dialect
    fk = op.foreign_key
    orphans = (
        f"SELECT COUNT(*) FROM {dialect.quote(op.table)} t LEFT JOIN {dialect.quote(fk.ref_table)} r ON "
        + " AND ".join(f"r.{dialect.quote(r)} = t.{dialect.quote(c)}" for c, r in zip(fk.columns, fk.ref_columns))
        + f" WHERE t.{dialect.quote(fk.columns[0])} IS NOT NULL AND r.{dialect.quote(fk.ref_columns[0])} IS NULL"
    )
    return _script([
        f"-- rows are not checked with foreign_key_checks off: this must count 0 first\n{orphans}",
        "SET foreign_key_checks = 0",
        f"ALTER TABLE {dialect.quote(op.table)} ADD CONSTRAINT {dialect.quote(fk.name or '')} {dialect.foreign_key_definition(fk)}, ALGORITHM=INPLACE, LOCK=NONE",
        "SET foreign_key_checks = 1",
    ])


@rule(
    "L108", "mysql-copy-alter", "warning",
    "The change is one MySQL only runs with ALGORITHM=COPY: the whole table is copied while writes to it wait.",
    scope="change", dialects=("mysql",),
)
def mysql_copy_alter(change: ChangeContext) -> Iterator[Hit]:
    for op in change.operations:
        table = op.table_name
        if table is None or not change.existing(table):
            continue
        reason = _copy_reason(op, change)
        if reason is None:
            continue
        if isinstance(op, AddForeignKey):
            yield Hit(f"{reason}: with foreign_key_checks off it runs in place", table, _or_none(lambda: _fk_online(change, op)))
        else:
            yield Hit(f"{reason}: no online form; on a large table run it with an online schema change tool (gh-ost, pt-online-schema-change)", table)


def _online_algorithm(op: Operation) -> str | None:
    """The online algorithm MySQL 8.0 / MariaDB 10.4+ use for ``op`` (None: not an ALTER run online)."""
    if isinstance(op, AddColumn) and op.column.generated is None and not op.column.identity:
        return "INSTANT"
    if isinstance(op, AlterColumn):
        if op.type_changed:
            return "INPLACE" if _varchar_grows_in_place(op) else None
        if op.nullable_changed:
            return "INPLACE"
        if op.default_changed and not op.identity_changed and op.old.generated == op.new.generated:
            return "INSTANT"
        return None
    if isinstance(op, (CreateIndex, DropIndex, RenameIndex, RenameColumn, DropColumn)):
        return "INPLACE"
    return None


def _with_algorithm(statement: str, algorithm: str) -> str:
    clause = "ALGORITHM=INSTANT" if algorithm == "INSTANT" else "ALGORITHM=INPLACE, LOCK=NONE"
    if statement.startswith("ALTER TABLE"):
        return f"{statement}, {clause}"
    if statement.startswith(("CREATE", "DROP INDEX")):
        return f"{statement} {clause.replace(',', '')}"
    return statement


@rule(
    "L109", "mysql-online-ddl", "info",
    "Without an explicit ALGORITHM, MySQL silently falls back to a blocking table copy when it cannot run a change online; written out, it refuses instead.",
    scope="change", dialects=("mysql",),
)
def mysql_online_ddl(change: ChangeContext) -> Iterator[Hit]:
    dialect = change.dialect
    for op, before, after in change.schemas_around():
        table = op.table_name
        algorithm = _online_algorithm(op)
        if table is None or algorithm is None or not change.existing(table):
            continue
        try:
            statements = dialect.render(op, before, after)
        except Exception:  # what the dialect cannot write, the migration's preview reports
            continue
        yield Hit(
            f"{op.describe()}: MySQL can run it with ALGORITHM={algorithm}{', LOCK=NONE' if algorithm == 'INPLACE' else ''}; say so",
            table,
            _script([_with_algorithm(s, algorithm) for s in statements]),
        )
