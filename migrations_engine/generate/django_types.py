"""The Django field of a column, per dialect: the built-in field where Django's column type is the
one the engine writes (``CharField(max_length=…)``, ``DecimalField``, ``DateTimeField`` where it
is ``timestamp with time zone`` on PostgreSQL), else ``DeclaredField(sql_type="…")``, a small field
the generated module defines that declares the column as the database spells it (a MySQL
``int unsigned`` or ``SET``, PostgreSQL's ``timestamp without time zone``).

What Django cannot create at all (a PostgreSQL enum or domain type, which need their own
``CREATE TYPE``/``CREATE DOMAIN``) gets the nearest field and a comment saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dialects import get_dialect
from ..schema import Column, Schema
from ..types import ColumnType

DECLARED_FIELD_CLASS = '''class DeclaredField(models.Field):
    """A column type Django has no field for, declared as the database spells it;
    ``rel_sql_type`` is the type of the foreign keys pointing at it, when not the same."""

    def __init__(self, *args, sql_type: str, rel_sql_type: str | None = None, **kwargs):
        self.sql_type = sql_type
        self.rel_sql_type = rel_sql_type
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sql_type"] = self.sql_type
        if self.rel_sql_type is not None:
            kwargs["rel_sql_type"] = self.rel_sql_type
        return name, path, args, kwargs

    def db_type(self, connection):
        return self.sql_type

    def rel_db_type(self, connection):
        return self.rel_sql_type or self.sql_type'''

DECLARED_AUTO_FIELD_CLASS = '''class DeclaredAutoField(models.AutoField):
    """An auto-incrementing key of a type Django has no field for, declared as the database
    spells it (Django adds AUTO_INCREMENT, IDENTITY or AUTOINCREMENT)."""

    def __init__(self, *args, sql_type: str, **kwargs):
        self.sql_type = sql_type
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sql_type"] = self.sql_type
        return name, path, args, kwargs

    def db_type(self, connection):
        # MySQL's own AutoField has AUTO_INCREMENT in its type; the others add theirs after.
        return self.sql_type + (" AUTO_INCREMENT" if connection.vendor == "mysql" else "")

    def rel_db_type(self, connection):
        return self.sql_type'''


@dataclass(frozen=True)
class DjangoField:
    field: str  # e.g. "models.CharField"
    arguments: tuple[str, ...] = ()
    #: A comment for the line above the field: what Django cannot say here.
    note: str | None = None


class FieldWriter:
    def __init__(self, schema: Schema, dialect: str) -> None:
        self.schema = schema
        self.dialect = dialect
        self.engine_dialect = get_dialect(dialect)
        self.uses_declared_field = False
        self.uses_declared_auto_field = False

    def declared(self, spelling: str, note: str | None = None) -> DjangoField:
        self.uses_declared_field = True
        return DjangoField("DeclaredField", (f"sql_type={spelling!r}",), note)

    def field(self, column: Column) -> DjangoField:
        t = column.type
        if t.is_native:
            return self._native(column)
        if t.kind == "enum":
            return self._enum(column)
        if t.kind == "boolean" and self.dialect == "sqlite":
            # As the engine writes it: BOOLEAN with a CHECK of 0 and 1 on the column.
            check = self.engine_dialect.value_check_sql(column, self.schema)  # type: ignore[attr-defined]
            self.uses_declared_field = True
            return DjangoField("DeclaredField", (f"sql_type={'BOOLEAN ' + check!r}", "rel_sql_type='BOOLEAN'"))
        found = self._builtin(t)
        if found is None:
            return self.declared(self.engine_dialect.type_sql(t, self.schema))
        if column.collation and found.field in ("models.CharField", "models.TextField"):
            found = DjangoField(found.field, (*found.arguments, f"db_collation={column.collation!r}"), found.note)
        return found

    def _builtin(self, t: ColumnType) -> DjangoField | None:
        d = self.dialect
        if t.kind in ("smallint", "integer", "bigint"):
            return DjangoField({"smallint": "models.SmallIntegerField", "integer": "models.IntegerField", "bigint": "models.BigIntegerField"}[t.kind])
        if t.kind == "decimal" and t.precision is not None and d != "sqlite":
            return DjangoField("models.DecimalField", (f"max_digits={t.precision}", f"decimal_places={t.scale or 0}"))
        if t.kind == "varchar" and (t.length is not None or d == "postgresql"):
            return DjangoField("models.CharField", (f"max_length={t.length}",))
        if t.kind == "text" and d != "mysql":  # Django's MySQL TextField is longtext
            return DjangoField("models.TextField")
        if t.kind == "boolean" and d != "sqlite":
            return DjangoField("models.BooleanField")
        if t.kind == "date":
            return DjangoField("models.DateField")
        if t.kind == "double" and d != "sqlite" or t.kind == "float" and d == "sqlite":
            return DjangoField("models.FloatField")
        # Django's time and timestamp columns: time / timestamptz on PostgreSQL, time(6) /
        # datetime(6) on MySQL, time / datetime on SQLite.
        if t.kind == "time" and (t.precision is None and d != "mysql" or t.precision == 6 and d == "mysql"):
            return DjangoField("models.TimeField")
        if t.kind == "timestamptz" and d == "postgresql" and t.precision is None:
            return DjangoField("models.DateTimeField")
        if t.kind == "timestamp" and (d == "sqlite" and t.precision is None or d == "mysql" and t.precision == 6):
            return DjangoField("models.DateTimeField")
        if t.kind == "uuid" and d == "postgresql":
            return DjangoField("models.UUIDField")
        if t.kind == "json" and d in ("postgresql", "mysql"):
            return DjangoField("models.JSONField")
        if t.kind == "binary" and (t.length is None or d == "postgresql"):
            return DjangoField("models.BinaryField")
        return None

    def _enum(self, column: Column) -> DjangoField:
        enum = self.schema.enum(column.type.enum or "")
        longest = max((len(v) for v in enum.values), default=1)
        choices = "[" + ", ".join(f"({v!r}, {v!r})" for v in enum.values) + "]"
        if self.dialect == "postgresql":
            note = (f"PostgreSQL enum {enum.name!r}: Django has no enum field and does not create the type;"
                    " a varchar with the same choices instead")
            return DjangoField("models.CharField", (f"max_length={longest}", f"choices={choices}"), note)
        if self.dialect == "mysql":  # MySQL's enums are inline: declared as MySQL spells them
            self.uses_declared_field = True
            spelling = self.engine_dialect.type_sql(column.type, self.schema)
            return DjangoField("DeclaredField", (f"sql_type={spelling!r}", f"choices={choices}"), "MySQL ENUM: Django has no enum field")
        # SQLite: TEXT with a column CHECK named after the enum, as the engine writes it (which
        # is how an enum column reads back); Django has no column CHECK of its own to say it.
        check = self.engine_dialect.value_check_sql(column, self.schema)  # type: ignore[attr-defined]
        self.uses_declared_field = True
        # A foreign key to it is TEXT: the CHECK names this column.
        return DjangoField("DeclaredField", (f"sql_type={'TEXT ' + check!r}", "rel_sql_type='TEXT'", f"choices={choices}"),
                           f"SQLite has no enum type: {enum.name!r} is TEXT with a CHECK of its values")

    def _native(self, column: Column) -> DjangoField:
        t = column.type
        native = (t.native or "").strip()
        if t.dialect != self.dialect:
            return self.declared(self.engine_dialect.type_sql(t, self.schema))
        if self.dialect == "postgresql" and any(d.name == native for d in self.schema.domains):
            domain = self.schema.domain(native)
            try:
                base = self._builtin(ColumnType.parse(domain.base_type))
            except Exception:
                base = None
            note = (f"PostgreSQL domain {domain.name!r}: Django does not create domains;"
                    f" its base type {domain.base_type} instead (its checks are not made)")
            if base is None:
                return self.declared(domain.base_type, note)
            return DjangoField(base.field, base.arguments, note)
        lower = native.lower()
        if self.dialect == "mysql" and lower.startswith("set("):
            return self.declared(native, "MySQL SET: Django has no field for it; declared as is (a str of comma-separated values)")
        if self.dialect == "mysql" and lower.startswith("enum("):
            return self.declared(native, "MySQL ENUM: Django has no enum field; declared as is")
        return self.declared(native)
