"""The SQLAlchemy type of a column, per dialect: the generic type where it gives the database the
type the engine writes, a dialect type where the generic one would change it (``postgresql.JSONB``,
``mysql.TINYINT(unsigned=True)``, ``mysql.TIMESTAMP``), and ``DeclaredType("…")`` (a two-line
class the generated module defines) for a type SQLAlchemy has no class for, written as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..dialects import get_dialect
from ..schema import Column, Schema
from ..types import ColumnType

#: The class the generated module defines when a type needs it.
DECLARED_TYPE_CLASS = '''class DeclaredType(sa.types.UserDefinedType):
    """A column type SQLAlchemy has no class for, declared as the database spells it."""

    cache_ok = True

    def __init__(self, spelling: str) -> None:
        self.spelling = spelling

    def get_col_spec(self, **kw: Any) -> str:
        return self.spelling'''


@dataclass(frozen=True)
class SAType:
    code: str
    #: The Python type of the values, as written in ``Mapped[...]``.
    python: str
    #: On SQLite, the column CHECK the engine adds for enums and booleans (their meaning there).
    value_check: str | None = None


_PYTHON = {
    "smallint": "int", "integer": "int", "bigint": "int", "decimal": "decimal.Decimal",
    "float": "float", "double": "float", "boolean": "bool", "char": "str", "varchar": "str",
    "text": "str", "enum": "str", "date": "datetime.date", "time": "datetime.time",
    "timestamp": "datetime.datetime", "timestamptz": "datetime.datetime", "uuid": "str",
    "json": "Any", "binary": "bytes",
}

_PG_NATIVE = {
    "tsvector": ("postgresql.TSVECTOR()", "Any"),
    "tsquery": ("postgresql.TSQUERY()", "Any"),
    "inet": ("postgresql.INET()", "str"),
    "cidr": ("postgresql.CIDR()", "str"),
    "macaddr": ("postgresql.MACADDR()", "str"),
    "money": ("postgresql.MONEY()", "Any"),
    "interval": ("postgresql.INTERVAL()", "datetime.timedelta"),
    "json": ("postgresql.JSON()", "Any"),
    "jsonb": ("postgresql.JSONB()", "Any"),
    "bytea": ("postgresql.BYTEA()", "bytes"),
    "oid": ("postgresql.OID()", "int"),
}
_MYSQL_INTEGER = re.compile(r"^(tinyint|smallint|mediumint|int|integer|bigint)(?:\((\d+)\))?((?:\s+(?:unsigned|zerofill))*)$", re.I)
_MYSQL_CLASSES = {"tinyint": "TINYINT", "smallint": "SMALLINT", "mediumint": "MEDIUMINT", "int": "INTEGER",
                  "integer": "INTEGER", "bigint": "BIGINT"}
_MYSQL_VALUES = re.compile(r"^(enum|set)\((.*)\)$", re.I | re.S)
_MYSQL_PLAIN = {
    "tinyblob": "bytes", "blob": "bytes", "mediumblob": "bytes", "longblob": "bytes",
    "tinytext": "str", "mediumtext": "str", "longtext": "str",
}
_MYSQL_YEAR = re.compile(r"^year(?:\((\d+)\))?$", re.I)
_QUOTED_VALUE = re.compile(r"'((?:[^'\\]|''|\\.)*)'", re.S)


class TypeWriter:
    """Writes the types of one schema's columns for one dialect; ``module_names`` names the
    module-level objects (enums, domains) the types refer to."""

    def __init__(self, schema: Schema, dialect: str, module_names: dict[str, str]) -> None:
        self.schema = schema
        self.dialect = dialect
        self.engine_dialect = get_dialect(dialect)
        self.module_names = module_names
        self.uses_declared_type = False

    def column_type(self, column: Column) -> SAType:
        kind = column.type.kind
        if column.type.is_native:
            return self._native(column)
        check = None
        if self.dialect == "sqlite" and kind in ("enum", "boolean"):
            check = self.engine_dialect.value_check_sql(column, self.schema)
        if kind == "enum":
            return SAType(self._enum(column), "str", check)
        if self.dialect == "mysql" and (column.charset or column.collation) and kind in ("char", "varchar", "text"):
            return SAType(self._mysql_text(column), "str")
        code = getattr(self, f"_{self.dialect}")(column.type)
        if code is None:
            code = self.declared(self.engine_dialect.type_sql(column.type, self.schema))
        python = "uuid.UUID" if (kind == "uuid" and self.dialect == "postgresql") else _PYTHON[kind]
        if column.collation and "collation=" not in code and code.startswith(("sa.String(", "sa.CHAR(", "sa.Text(")):
            code = _with_argument(code, f"collation={column.collation!r}")
        return SAType(code, python, check)

    def declared(self, spelling: str) -> str:
        self.uses_declared_type = True
        return f"DeclaredType({spelling!r})"

    # ------------------------------------------------------------------ logical types

    def _common(self, t: ColumnType) -> str | None:
        length = "" if t.length is None else str(t.length)
        simple = {
            "smallint": "sa.SmallInteger()", "integer": "sa.Integer()", "bigint": "sa.BigInteger()",
            "double": "sa.Double()", "boolean": "sa.Boolean()", "text": "sa.Text()", "date": "sa.Date()",
            "varchar": f"sa.String({length})", "char": f"sa.CHAR({length})",
        }
        if t.kind == "decimal":
            return "sa.Numeric()" if t.precision is None else f"sa.Numeric({t.precision}, {t.scale or 0})"
        return simple.get(t.kind)

    def _postgresql(self, t: ColumnType) -> str | None:
        if t.kind == "char" and t.length is None:
            return None  # bpchar
        if t.kind in ("time", "timestamp", "timestamptz") and t.precision is None:
            return {"time": "sa.Time()", "timestamp": "sa.DateTime()", "timestamptz": "sa.DateTime(timezone=True)"}[t.kind]
        precision = "" if t.precision is None else f"precision={t.precision}"
        special = {
            "float": "sa.REAL()",
            "time": f"postgresql.TIME({precision})",
            "timestamp": f"postgresql.TIMESTAMP({precision})",
            "timestamptz": f"postgresql.TIMESTAMP({', '.join(['timezone=True', precision] if precision else ['timezone=True'])})",
            "uuid": "sa.Uuid()",
            "json": "postgresql.JSONB()",
            "binary": "postgresql.BYTEA()",
        }
        return special.get(t.kind) or self._common(t)

    def _mysql(self, t: ColumnType) -> str | None:
        fsp = "" if t.precision is None else f"fsp={t.precision}"
        if t.kind == "varchar" and t.length is None:
            return "sa.String(255)"
        special = {
            "float": "mysql.FLOAT()",
            "boolean": "sa.Boolean()",
            "time": f"mysql.TIME({fsp})",
            "timestamp": f"mysql.DATETIME({fsp})",
            "timestamptz": f"mysql.TIMESTAMP({fsp})",
            "uuid": "mysql.CHAR(36, charset='ascii')",
            "json": "sa.JSON()",
            "binary": "mysql.LONGBLOB()" if t.length is None else f"mysql.VARBINARY({t.length})",
        }
        return special.get(t.kind) or self._common(t)

    def _sqlite(self, t: ColumnType) -> str | None:
        # SQLite keeps the declared spelling: the types it reads back as themselves.
        if t.kind in ("time", "timestamp") and t.precision is None:
            return {"time": "sa.Time()", "timestamp": "sa.DateTime()"}[t.kind]
        if t.kind == "float":
            return "sa.REAL()"
        if t.kind == "binary" and t.length is None:
            return "sa.LargeBinary()"
        if t.kind in ("time", "timestamp", "timestamptz", "uuid", "json", "binary"):
            return None
        return self._common(t)

    def _enum(self, column: Column) -> str:
        if self.dialect == "sqlite":
            return "sa.Text()"  # with its CHECK, as the engine writes it (see value_check)
        return self.module_names[f"enum:{column.type.enum}"]

    def _mysql_text(self, column: Column) -> str:
        t = column.type
        args = [] if t.length is None or t.kind == "text" else [str(t.length)]
        if t.kind == "varchar" and t.length is None:
            args = ["255"]
        args += _charset_arguments(column)
        return f"mysql.{ {'char': 'CHAR', 'varchar': 'VARCHAR', 'text': 'TEXT'}[t.kind]}({', '.join(args)})"

    # ------------------------------------------------------------------ native types

    def _native(self, column: Column) -> SAType:
        native = (column.type.native or "").strip()
        if column.type.dialect != self.dialect:
            return SAType(self.declared(self.engine_dialect.type_sql(column.type, self.schema)), "Any")
        found = getattr(self, f"_native_{self.dialect}")(native, column)
        if found is None:
            return SAType(self.declared(native), "Any")
        return SAType(*found)

    def _native_postgresql(self, native: str, column: Column) -> tuple[str, str] | None:
        lower = native.lower()
        if lower.endswith("[]"):
            inner = self._native_postgresql(native[:-2], column) or self.portable(native[:-2])
            if inner is None:
                return None
            return f"postgresql.ARRAY({inner[0]})", f"list[{inner[1]}]"
        if f"domain:{native}" in self.module_names:
            domain = self.schema.domain(native)
            python = self.portable(domain.base_type)
            return self.module_names[f"domain:{native}"], python[1] if python else "Any"
        return _PG_NATIVE.get(lower)

    def portable(self, text: str) -> tuple[str, str] | None:
        try:
            parsed = ColumnType.parse(text)
        except Exception:
            return None
        if parsed.is_native or parsed.kind == "enum":
            return None
        code = self._postgresql(parsed)
        return (code, _PYTHON[parsed.kind]) if code else None

    def _native_mysql(self, native: str, column: Column) -> tuple[str, str] | None:
        integer = _MYSQL_INTEGER.match(native)
        if integer:
            args = [integer[2]] if integer[2] else []
            flags = integer[3].lower()
            args += ["unsigned=True"] * ("unsigned" in flags) + ["zerofill=True"] * ("zerofill" in flags)
            return f"mysql.{_MYSQL_CLASSES[integer[1].lower()]}({', '.join(args)})", "int"
        year = _MYSQL_YEAR.match(native)
        if year:
            return f"mysql.YEAR({year[1] or ''})", "int"
        values = _MYSQL_VALUES.match(native)
        if values:
            items = [repr(v.replace("''", "'")) for v in _QUOTED_VALUE.findall(values[2])]
            kind = values[1].upper()
            return f"mysql.{kind}({', '.join(items + _charset_arguments(column))})", "str" if kind == "ENUM" else "set[str]"
        lower = native.lower()
        if lower in _MYSQL_PLAIN:
            args = _charset_arguments(column) if lower.endswith("text") else []
            return f"mysql.{lower.upper()}({', '.join(args)})", _MYSQL_PLAIN[lower]
        return None

    def _native_sqlite(self, native: str, column: Column) -> tuple[str, str] | None:
        return None


def _charset_arguments(column: Column) -> list[str]:
    args = []
    if column.charset:
        args.append(f"charset={column.charset!r}")
    if column.collation:
        args.append(f"collation={column.collation!r}")
    return args


def _with_argument(code: str, argument: str) -> str:
    inside = code[code.index("(") + 1 : -1]
    return f"{code[: code.index('(')]}({inside + ', ' if inside else ''}{argument})"
