"""Column types: portable logical types, and native types of one dialect kept as they are.

A type is written as text in snapshots and in the designer's type picker:

* logical: ``integer``, ``smallint``, ``bigint``, ``decimal(10,2)``, ``float``, ``double``,
  ``boolean``, ``char(3)``, ``varchar(255)``, ``varchar``, ``text``, ``date``, ``time``,
  ``time(3)``, ``timestamp``, ``timestamp(6)``, ``timestamptz``, ``uuid``, ``json``,
  ``binary``, ``binary(16)`` and ``enum(name)`` (a named enum of the schema; a name with
  parentheses, a leading ``"`` or surrounding spaces is written in double quotes, inner ``"``
  doubled: ``enum("mood (v2)")``);
* common spellings, read as the logical type they name: ``int``, ``int2``/``int4``/``int8``,
  ``numeric``, ``real``, ``float4``/``float8``, ``double precision``, ``bool``, ``character``,
  ``character varying``, ``datetime``, ``timestamp [(p)] with[out] time zone``, ``time without
  time zone`` (``_ALIASES``);
* native: ``<dialect>:<type as the dialect writes it>``, for example ``postgresql:inet`` or
  ``mysql:mediumint unsigned``. A native type renders verbatim on its own dialect.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from .errors import SchemaError

DIALECTS = ("postgresql", "mysql", "sqlite")

INTEGER_KINDS = ("smallint", "integer", "bigint")
LOGICAL_KINDS = frozenset(
    {
        *INTEGER_KINDS,
        "decimal",
        "float",
        "double",
        "boolean",
        "char",
        "varchar",
        "text",
        "date",
        "time",
        "timestamp",
        "timestamptz",
        "uuid",
        "json",
        "binary",
        "enum",
    }
)
# Kinds that accept each argument shape.
_LENGTH_KINDS = frozenset({"char", "varchar", "binary"})
_PRECISION_KINDS = frozenset({"time", "timestamp", "timestamptz"})

#: Common spellings of the portable types (PostgreSQL's, MySQL's, standard SQL's), read as them.
_ALIASES = {
    "int": "integer",
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "numeric": "decimal",
    "real": "float",
    "float4": "float",
    "float8": "double",
    "double precision": "double",
    "bool": "boolean",
    "character": "char",
    "character varying": "varchar",
    "datetime": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "time without time zone": "time",
}
_ALIAS_RE = re.compile(
    r"^\s*(?P<head>[a-z][a-z0-9 ]*?)\s*(?P<args>\([^)]*\))?\s*(?P<zone>with(?:out)?\s+time\s+zone)?\s*$",
    re.IGNORECASE,
)
_LOGICAL_RE = re.compile(r"^\s*([a-z]+)\s*(?:\(\s*([^)]*?)\s*\))?\s*$", re.IGNORECASE)
_ENUM_RE = re.compile(r"^\s*enum\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)
_QUOTED_RE = re.compile(r'^"((?:[^"]|"")*)"$', re.DOTALL)


@dataclass(frozen=True, order=True)
class ColumnType:
    """A column's type. ``kind`` is a logical kind, or ``"native"`` with ``dialect``/``native``."""

    kind: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    enum: str | None = None
    dialect: str | None = None
    native: str | None = None

    def __post_init__(self) -> None:
        if self.kind == "native":
            if self.dialect not in DIALECTS or not self.native:
                raise SchemaError(f"native type needs a dialect and a name: {self!r}")
        elif self.kind not in LOGICAL_KINDS:
            raise SchemaError(f"unknown type {self.kind!r}")
        if self.kind == "enum" and not self.enum:
            raise SchemaError("an enum type needs the enum's name: enum(name)")
        if self.kind == "decimal" and self.precision is not None and self.scale is None:
            # decimal(p) means decimal(p,0), so built and parsed types compare equal.
            object.__setattr__(self, "scale", 0)

    @property
    def is_native(self) -> bool:
        return self.kind == "native"

    @property
    def is_integer(self) -> bool:
        return self.kind in INTEGER_KINDS

    @property
    def is_textual(self) -> bool:
        return self.kind in ("char", "varchar", "text", "enum", "uuid")

    @property
    def is_numeric(self) -> bool:
        return self.kind in (*INTEGER_KINDS, "decimal", "float", "double")

    @classmethod
    def parse(cls, text: str) -> ColumnType:
        """Read a type from its text form (see the module docstring)."""
        if isinstance(text, str) and cls is ColumnType:
            # Types are frozen and a schema repeats a few dozen of them over thousands of
            # columns: each text is read once per process (60,000 readings were 1.4 s).
            return _parsed(text)
        return cls._parse(text)

    @classmethod
    def _parse(cls, text: str) -> ColumnType:
        if not isinstance(text, str) or not text.strip():
            raise SchemaError(f"a type must be a non-empty string, got {text!r}")
        head, sep, rest = text.partition(":")
        if sep and head.strip().lower() in DIALECTS:
            if not rest.strip():
                raise SchemaError(f"native type {text!r} has no name after the colon")
            return cls("native", dialect=head.strip().lower(), native=rest.strip())
        enum_match = _ENUM_RE.match(text)
        if enum_match:
            return cls("enum", enum=_read_enum_name(text, enum_match.group(1)))
        match = _LOGICAL_RE.match(_canonical_spelling(text))
        if not match:
            raise SchemaError(f"cannot read type {text!r}")
        kind, args = match.group(1).lower(), match.group(2)
        if kind not in LOGICAL_KINDS:
            raise SchemaError(
                f"unknown type {text!r}: use a portable type or '<dialect>:<native type>'"
            )
        if kind == "enum":
            raise SchemaError("an enum type needs the enum's name: enum(name)")
        numbers = _parse_numbers(text, args)
        if not numbers:
            return cls(kind)
        if kind == "decimal" and len(numbers) <= 2:
            return cls(kind, precision=numbers[0], scale=numbers[1] if len(numbers) == 2 else 0)
        if kind in _LENGTH_KINDS and len(numbers) == 1:
            return cls(kind, length=numbers[0])
        if kind in _PRECISION_KINDS and len(numbers) == 1:
            return cls(kind, precision=numbers[0])
        raise SchemaError(f"type {text!r} does not take these arguments")

    def __str__(self) -> str:
        if self.kind == "native":
            return f"{self.dialect}:{self.native}"
        if self.kind == "enum":
            return f"enum({_enum_name_text(self.enum or '')})"
        if self.kind == "decimal" and self.precision is not None:
            return f"decimal({self.precision},{self.scale or 0})"
        if self.length is not None:
            return f"{self.kind}({self.length})"
        if self.precision is not None:
            return f"{self.kind}({self.precision})"
        return self.kind

    def with_enum(self, name: str) -> ColumnType:
        return ColumnType("enum", enum=name)


def _canonical_spelling(text: str) -> str:
    """``text`` with a common spelling of a portable type (``_ALIASES``) replaced by the type's
    own name, its arguments kept: ``character varying(20)`` → ``varchar(20)``,
    ``timestamp(3) with time zone`` → ``timestamptz(3)``."""
    match = _ALIAS_RE.match(text)
    if not match:
        return text
    head = " ".join(match["head"].lower().split())
    if match["zone"]:
        head += " " + " ".join(match["zone"].lower().split())
    alias = _ALIASES.get(head)
    return text if alias is None else alias + (match["args"] or "")


def _needs_quotes(name: str) -> bool:
    return name != name.strip() or name.startswith('"') or "(" in name or ")" in name


def _enum_name_text(name: str) -> str:
    """The name as written inside ``enum(...)``: bare when it reads back as it is, else quoted."""
    if _needs_quotes(name):
        return '"' + name.replace('"', '""') + '"'
    return name


def _read_enum_name(text: str, inside: str) -> str:
    """The enum name written between the parentheses of ``enum(...)``, bare or double-quoted."""
    written = inside.strip()
    if written.startswith('"'):
        quoted = _QUOTED_RE.match(written)
        if not quoted:
            raise SchemaError(
                f"cannot read type {text!r}: close the quoted enum name with '\"'"
                " and double any '\"' inside"
            )
        written = quoted.group(1).replace('""', '"')
    elif "(" in written or ")" in written:
        raise SchemaError(
            f"cannot read type {text!r}: write an enum name holding parentheses in double quotes"
        )
    if not written:
        raise SchemaError("an enum type needs the enum's name: enum(name)")
    return written


def _parse_numbers(text: str, args: str | None) -> tuple[int, ...]:
    if args is None:
        return ()
    if args == "":
        raise SchemaError(f"type {text!r} has empty parentheses: give the arguments or drop them")
    try:
        numbers = tuple(int(part) for part in args.split(","))
    except ValueError:
        raise SchemaError(f"type {text!r} has non-numeric arguments") from None
    if any(n < 0 for n in numbers):
        raise SchemaError(f"type {text!r} has a negative argument")
    return numbers


# Changes that never lose data: (old kind, new kind) pairs, lengths and digits checked separately.
_WIDENINGS = {
    ("smallint", "integer"),
    ("smallint", "bigint"),
    ("integer", "bigint"),
    ("float", "double"),
    ("char", "varchar"),
    ("char", "text"),
    ("varchar", "text"),
    ("enum", "text"),
    ("smallint", "decimal"),
    ("integer", "decimal"),
    ("bigint", "decimal"),
}


#: What a type written without its argument holds in the database that gives it the least:
#: MySQL reads ``varchar`` as varchar(255) (the dialect writes it so), ``char`` as char(1),
#: ``decimal`` as decimal(10,0), and times without fractional digits; PostgreSQL and SQLite hold
#: more. ``binary`` without a length is unbounded everywhere (MySQL: longblob).
_LEAST_IMPLICIT: dict[str, dict[str, int]] = {
    "varchar": {"length": 255},
    "char": {"length": 1},
    "decimal": {"precision": 10, "scale": 0},
    "time": {"precision": 0},
    "timestamp": {"precision": 0},
    "timestamptz": {"precision": 0},
}


def is_widening(old: ColumnType, new: ColumnType) -> bool:
    """True when every value of ``old`` fits ``new`` unchanged in every supported database (the
    change loses nothing). A ``new`` type without its argument counts for the least any database
    gives it (``_LEAST_IMPLICIT``): varchar(300) → varchar cuts values on MySQL."""
    if old == new:
        return True
    new = _with_least_implicit_arguments(new)
    if old.kind == new.kind:
        if old.kind in _LENGTH_KINDS:
            return _length_fits(old, new)
        if old.kind == "decimal":
            if old.precision is None:
                return False
            old_int, new_int = old.precision - (old.scale or 0), (new.precision or 0) - (new.scale or 0)
            return new_int >= old_int and (new.scale or 0) >= (old.scale or 0)
        if old.kind in _PRECISION_KINDS:
            return old.precision is not None and new.precision is not None and new.precision >= old.precision
        return False
    if (old.kind, new.kind) in _WIDENINGS:
        if new.kind in _LENGTH_KINDS:
            return _length_fits(old, new)
        if new.kind == "decimal":
            digits = {"smallint": 5, "integer": 10, "bigint": 19}[old.kind]
            return (new.precision or 0) - (new.scale or 0) >= digits
        return True
    return False


def _with_least_implicit_arguments(column_type: ColumnType) -> ColumnType:
    least = _LEAST_IMPLICIT.get(column_type.kind)
    if least is None or column_type.is_native:
        return column_type
    arguments = {name: value for name, value in least.items() if getattr(column_type, name) is None}
    if "scale" in arguments and column_type.precision is not None:
        del arguments["scale"]  # decimal(12) is decimal(12,0) already
    return replace(column_type, **arguments) if arguments else column_type


def _length_fits(old: ColumnType, new: ColumnType) -> bool:
    """True when ``new``'s length limit (none: unlimited) holds every value of ``old``'s."""
    return new.length is None or (old.length is not None and new.length >= old.length)


def enum_type_text(name: str) -> str:
    """The text form of a column type using the enum ``name`` (quoted when the name needs it)."""
    return str(ColumnType("enum", enum=name))


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> ColumnType:
    return ColumnType._parse(text)
