"""Type arguments each database accepts: lengths, digits and fractional seconds.

``ColumnType.parse`` reads any number; the databases refuse most of them, and only when the
script runs. The limits are the documented ones:

* PostgreSQL: ``varchar(n)``/``char(n)`` 1 to 10485760; ``numeric(p,s)`` p 1 to 1000;
  ``time(p)``/``timestamp(p)`` 0 to 6 (larger is cut to 6 with a warning: refused here);
* MySQL/MariaDB: ``varchar(n)`` 16383 characters (65535 bytes a row, 4 bytes a character in
  utf8mb4, the table's default here), ``char(n)`` 255, ``varbinary(n)`` 65535;
  ``decimal(p,s)`` p 1 to 65, s 0 to 30; fractional seconds 0 to 6;
* SQLite: none (it ignores the arguments); only what no database takes is refused.

Everywhere: a decimal's scale is at most its precision (PostgreSQL 15 takes more, no other
database does, and the designer's types are portable), and numbers past 2147483647 are refused
rather than handed to a database.
"""

from __future__ import annotations

from .types import ColumnType

#: Larger than any type argument of any database: refused before the per-dialect limits.
ABSURD = 2**31 - 1

_LENGTHS: dict[str, dict[str, int]] = {
    "postgresql": {"varchar": 10485760, "char": 10485760},
    "mysql": {"varchar": 16383, "char": 255, "binary": 65535},
    "sqlite": {},
}
_PRECISION = {"postgresql": 1000, "mysql": 65}
_SCALE = {"mysql": 30}
_FRACTIONAL_SECONDS = {"postgresql": 6, "mysql": 6}
#: Zero lengths and precisions refused (MySQL takes ``varchar(0)``, PostgreSQL does not).
_AT_LEAST_ONE = {"postgresql": ("char", "varchar", "decimal"), "mysql": ("decimal",)}
_LABELS = {"postgresql": "PostgreSQL", "mysql": "MySQL", "sqlite": "SQLite"}


def type_problems(column_type: ColumnType, dialect: str | None = None) -> list[str]:
    """Why ``column_type``'s arguments do not fit ``dialect`` (None: the checks that hold in
    every database); empty when they fit. Each reason is a sentence without its final stop."""
    if column_type.is_native:
        return []
    shown = str(column_type)
    numbers = [n for n in (column_type.length, column_type.precision, column_type.scale) if n is not None]
    if any(n > ABSURD for n in numbers):
        return [f"type {shown} has an argument no database takes (at most {ABSURD})"]
    found: list[str] = []
    kind = column_type.kind
    if kind == "decimal" and column_type.precision is not None and (column_type.scale or 0) > column_type.precision:
        found.append(f"type {shown} has more decimals ({column_type.scale}) than digits ({column_type.precision})")
    if dialect is None:
        return found
    label = _LABELS[dialect]
    if kind in _AT_LEAST_ONE.get(dialect, ()) and 0 in (column_type.length, column_type.precision):
        found.append(f"type {shown}: {label} needs at least 1")
    length_limit = _LENGTHS[dialect].get(kind)
    if length_limit is not None and column_type.length is not None and column_type.length > length_limit:
        found.append(f"type {shown}: {label} allows {kind} up to {length_limit}")
    if kind == "decimal" and column_type.precision is not None:
        precision_limit, scale_limit = _PRECISION.get(dialect), _SCALE.get(dialect)
        if precision_limit is not None and column_type.precision > precision_limit:
            found.append(f"type {shown}: {label} allows up to {precision_limit} digits")
        if scale_limit is not None and (column_type.scale or 0) > scale_limit:
            found.append(f"type {shown}: {label} allows up to {scale_limit} decimals")
    if kind in ("time", "timestamp", "timestamptz") and column_type.precision is not None:
        seconds_limit = _FRACTIONAL_SECONDS.get(dialect)
        if seconds_limit is not None and column_type.precision > seconds_limit:
            found.append(f"type {shown}: {label} keeps at most {seconds_limit} fractional digits of a second")
    return found


def written_type_problems(operations, dialect: str) -> list[str]:
    """``type_problems`` for ``dialect`` of every column the operations create or change (not
    of those they drop: a live database's column is what it is), one sentence each."""
    from dataclasses import fields, is_dataclass

    from .schema import Column

    def columns_in(value) -> list[Column]:
        if isinstance(value, Column):
            return [value]
        if isinstance(value, tuple):
            return [c for item in value for c in columns_in(item)]
        if is_dataclass(value) and not isinstance(value, type):
            return [c for f in fields(value) for c in columns_in(getattr(value, f.name))]
        return []

    found: list[str] = []
    for op in operations:
        if op.kind.startswith("drop"):
            continue
        written = [op.new] if op.kind == "alter_column" else columns_in(op)
        for column in written:
            found += [f"column {column.name!r}: {p}" for p in type_problems(column.type, dialect) if p not in found]
    return list(dict.fromkeys(found))
