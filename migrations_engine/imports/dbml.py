"""DBML (dbdiagram.io's language) read with pydbml into the engine's schema.

What each DBML construct becomes (docs/import-export.md):

- ``Table`` → a table (a schema-qualified ``Table s.t`` keeps the name ``t``; the schema is noted);
  its ``Note`` → the table's comment.
- A column's type → a portable type where ``ColumnType.parse`` reads it (``varchar(255)``,
  ``int``, ``timestamp``, ``"postgresql:inet"``), else the dialect's native type (``text[]``,
  ``"int(10) unsigned"``); ``pk``, ``increment`` (identity), ``not null``, ``unique``,
  ``default`` and ``note`` (the comment).
- ``indexes { }``: ``[pk]`` is the primary key, ``[unique]`` a unique index (a unique constraint
  when followed by the comment ``// unique constraint``, or on MySQL, whose unique indexes are
  its unique constraints), expressions in backticks, ``type:`` the access method.
- ``Ref``: ``>`` and ``<`` a foreign key on the many side; ``-`` one-to-one: a foreign key on
  the second side (as dbdiagram.io's SQL export puts it) made unique; ``<>`` many-to-many: the
  junction table dbdiagram.io's SQL export makes (``_junction``), said in a note.
- ``Enum`` → a named enum (PostgreSQL and SQLite, where the engine writes a named CHECK; also
  without a dialect); on MySQL, which has no named enums, each column's inline type
  ``mysql:enum('a','b')``, as a live MySQL database reads.
- ``TableGroup`` → ``ImportResult.groups``; the ``Project`` note and sticky notes → notes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import SchemaError
from ..naming import with_default_names
from ..schema import (
    REFERENTIAL_ACTIONS,
    Column,
    Default,
    Enum,
    ForeignKey,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from ..types import ColumnType
from . import ImportFailed, ImportResult, Skipped

#: The comment after an index line that makes a unique index a unique constraint (written by
#: ``generate.dbml``: DBML has no composite unique constraint of its own).
UNIQUE_CONSTRAINT_MARK = "unique constraint"

#: ``Project``'s ``database_type`` values naming a dialect the engine writes.
_DATABASE_TYPES = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite"}

_INDEX_METHODS = {"btree": None, "hash": "hash", "gin": "gin", "gist": "gist", "brin": "brin", "spgist": "spgist"}


def read_dbml(text: str, dialect: str | None) -> ImportResult:
    """The schema written in DBML ``text``. ``dialect`` (else the ``Project``'s
    ``database_type``) decides how enums and non-portable types are kept; without one, a type
    that is not portable is refused."""
    from ..dialects import canonical_name

    dialect = canonical_name(dialect) if dialect else None
    database = _parse(text)
    if dialect is None and database.project is not None:
        named = str(database.project.items.get("database_type", "")).strip().lower()
        dialect = _DATABASE_TYPES.get(named)
    return _Reader(database, dialect).result()


def _parse(text: str) -> Any:
    import warnings

    import pyparsing

    with warnings.catch_warnings():
        # pydbml 1.2.1 uses pyparsing's old camelCase names, each a DeprecationWarning.
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydbml import PyDBML
        from pydbml import exceptions as dbml_errors

        try:
            return PyDBML(text)
        except pyparsing.ParseBaseException as exc:
            error: Exception = exc
        except (
            dbml_errors.TableNotFoundError,
            dbml_errors.ColumnNotFoundError,
            dbml_errors.DBMLError,
            dbml_errors.DatabaseValidationError,
            dbml_errors.DuplicateReferenceError,
            dbml_errors.ValidationError,
            dbml_errors.AttributeMissingError,
        ) as exc:
            error = exc
    if isinstance(error, pyparsing.ParseBaseException):
        where = error.line.strip()[:80]
        near = f": {where!r}" if where else " (an empty line: is a block left open?)"
        raise ImportFailed(f"DBML syntax error at column {error.col}{near}", error.lineno) from None
    # pydbml leaves some placeholders unfilled ("{self.name}"): its words are kept, not its braces.
    message = str(error).replace('"{self.name}"', "its table")
    raise ImportFailed(f"DBML: {message}") from None


class _Reader:
    """One DBML database turned into a schema, with what was noted or skipped on the way."""

    def __init__(self, database: Any, dialect: str | None) -> None:
        self.database = database
        self.dialect = dialect
        self.notes: list[str] = []
        self.skipped: list[Skipped] = []
        self.enums = self._enums()

    def result(self) -> ImportResult:
        names = [t.name for t in self.database.tables]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ImportFailed(f"DBML: table {repeated[0]!r} is in two schemas; the engine holds one schema of tables")
        tables = {t.name: self._table(t) for t in self.database.tables}
        for ref in self.database.refs:
            self._reference(ref, tables)
        enums = () if self.dialect == "mysql" else tuple(self.enums.values())
        if self.dialect == "mysql":
            self._skip_unused_enums()
        schema = with_default_names(Schema(tables=tuple(tables.values()), enums=enums))
        self._check(schema)
        groups = {g.name: tuple(t.name for t in g.items) for g in self.database.table_groups}
        project = self.database.project
        if project is not None and project.note:
            self.notes.append(f"project {project.name}: {project.note.text}")
        self.notes += [f"note {n.name}: {n.text}" for n in self.database.sticky_notes]
        return ImportResult(schema, tuple(self.skipped), groups, tuple(self.notes))

    # ------------------------------------------------------------ enums and types

    def _enums(self) -> dict[str, Enum]:
        enums: dict[str, Enum] = {}
        for enum in self.database.enums:
            if enum.name in enums:
                raise ImportFailed(f"DBML: enum {enum.name!r} is in two schemas; the engine holds one schema of enums")
            enums[enum.name] = Enum(enum.name, tuple(item.name for item in enum.items))
            for item in enum.items:
                if item.note:
                    text = f"{enum.name}.{item.name}: {item.note.text}"
                    self.skipped.append(Skipped("enum value note", None, text, "the engine keeps no note per enum value"))
            if enum.schema != "public":
                self.notes.append(f"enum {enum.name!r} is in schema {enum.schema!r} in the DBML: imported by its name alone")
        return enums

    def _type(self, column: Any, table: str) -> ColumnType:
        from pydbml.classes import Enum as DBMLEnum

        if isinstance(column.type, DBMLEnum):
            enum = self.enums[column.type.name]
            if self.dialect == "mysql":
                from ..dialects import get_dialect

                inline = get_dialect("mysql").enum_type_sql(ColumnType("enum", enum=enum.name), Schema(enums=(enum,)))
                return ColumnType("native", dialect="mysql", native=inline)
            return ColumnType("enum", enum=enum.name)
        text = str(column.type)
        try:
            return ColumnType.parse(text)
        except SchemaError:
            if self.dialect is None:
                raise ImportFailed(
                    f"DBML: column {table}.{column.name} has the type {text!r}, which is not portable:"
                    " give the dialect (or the Project's database_type) to keep it as that database's type"
                ) from None
            return ColumnType("native", dialect=self.dialect, native=text)

    def _skip_unused_enums(self) -> None:
        used = {c.type.name for t in self.database.tables for c in t.columns if not isinstance(c.type, str)}
        for name in self.enums:
            if name not in used:
                self.skipped.append(Skipped("enum", None, name, "MySQL has no named enums and no column uses it"))

    # ------------------------------------------------------------ tables

    def _table(self, dbml: Any) -> Table:
        if dbml.schema != "public":
            self.notes.append(f"table {dbml.name!r} is in schema {dbml.schema!r} in the DBML: imported by its name alone")
        key_columns = tuple(c.name for c in dbml.columns if c.pk)
        in_key_index = _index_key_columns(dbml)
        columns = tuple(
            Column(
                c.name,
                self._type(c, dbml.name),
                nullable=not (c.not_null or c.pk or c.name in in_key_index),
                default=_default(c.default),
                identity=bool(c.autoinc),
                comment=c.note.text or None,
            )
            for c in dbml.columns
        )
        primary_key = PrimaryKey(key_columns) if key_columns else None
        uniques = [Unique((c.name,)) for c in dbml.columns if c.unique]
        indexes: list[Index] = []
        for index in dbml.indexes:
            if index.pk:
                if key_columns:
                    raise ImportFailed(f"DBML: table {dbml.name!r} has two primary keys (column pk and an index [pk])")
                primary_key = PrimaryKey(
                    tuple(_subject(s)[0] for s in index.subjects), name=index.name, comment=index.note.text or None
                )
                continue
            subjects = [_subject(s) for s in index.subjects]
            elements = tuple(text for text, _ in subjects)
            keys = tuple(IndexKey(expression=True) if expr else IndexKey() for _, expr in subjects)
            plain = not any(expr for _, expr in subjects)
            method = _INDEX_METHODS[index.type] if index.type else None
            marked = (index.comment or "").strip() == UNIQUE_CONSTRAINT_MARK
            if index.unique and plain and method is None and (marked or self.dialect == "mysql"):
                uniques.append(Unique(elements, name=index.name, comment=index.note.text or None))
                continue
            indexes.append(Index(
                elements,
                name=index.name,
                unique=bool(index.unique),
                keys=() if plain else keys,
                method=method,
                comment=index.note.text or None,
            ))
        return Table(
            dbml.name,
            columns=columns,
            primary_key=primary_key,
            uniques=tuple(uniques),
            indexes=tuple(indexes),
            comment=dbml.note.text or None,
        )

    # ------------------------------------------------------------ references

    def _reference(self, ref: Any, tables: dict[str, Table]) -> None:
        left = ref.table1.name, tuple(c.name for c in ref.col1)
        right = ref.table2.name, tuple(c.name for c in ref.col2)
        if len(left[1]) != len(right[1]):
            raise ImportFailed(f"DBML: reference {_ref_text(ref)} joins {len(left[1])} column(s) to {len(right[1])}")
        if ref.type == "<>":
            self._junction(ref, tables)
            return
        # '>' : many on the left, the foreign key there; '<' the other way; '-' one-to-one with
        # the key on the second side, as dbdiagram.io's SQL export writes it.
        source, target = (left, right) if ref.type == ">" else (right, left)
        fk = ForeignKey(
            source[1], target[0], target[1], name=ref.name,
            on_delete=_action(ref.on_delete, ref), on_update=_action(ref.on_update, ref),
        )
        table = tables[source[0]]
        table = replace(table, foreign_keys=(*table.foreign_keys, fk))
        if ref.type == "-" and not is_unique(table, source[1]):
            table = replace(table, uniques=(*table.uniques, Unique(source[1])))
        tables[source[0]] = table

    def _junction(self, ref: Any, tables: dict[str, Table]) -> None:
        """The table dbdiagram.io's SQL export makes for ``a.x <> b.y``: ``a_b`` (``a_b(1)`` …
        when taken), columns ``a_x`` and ``b_y`` (the second side's numbered ``(1)`` … where the
        names meet), all in its primary key, a foreign key to each side."""
        first, second = ref.table1.name, ref.table2.name
        name, n = f"{first}_{second}", 0
        while name in tables:
            n += 1
            name = f"{first}_{second}({n})"
        columns: list[Column] = []
        keys = []
        for dbml_columns, table in ((ref.col1, first), (ref.col2, second)):
            names = []
            for c in dbml_columns:
                column_name, n = f"{table}_{c.name}", 0
                while any(column_name == taken.name for taken in columns):
                    n += 1
                    column_name = f"{table}_{c.name}({n})"
                names.append(column_name)
                columns.append(Column(column_name, tables[table].column(c.name).type, nullable=False))
            keys.append(ForeignKey(tuple(names), table, tuple(c.name for c in dbml_columns)))
        tables[name] = Table(
            name,
            columns=tuple(columns),
            primary_key=PrimaryKey(tuple(c.name for c in columns)),
            foreign_keys=tuple(keys),
        )
        self.notes.append(
            f"many-to-many {_ref_text(ref)}: junction table {name!r} created"
            f" ({', '.join(c.name for c in columns)}), as dbdiagram.io does"
        )

    def _check(self, schema: Schema) -> None:
        from ..validate import problems

        found = problems(schema, index_names_per_schema=self.dialect != "mysql", dialect=self.dialect)
        if found:
            raise ImportFailed(f"DBML: {found[0]}" + (f" (and {len(found) - 1} more problems)" if len(found) > 1 else ""))


def is_unique(table: Table, columns: tuple[str, ...]) -> bool:
    """True when ``columns`` (as a set) are the table's primary key, a unique constraint or a
    plain unique index: a foreign key on them is one-to-one."""
    wanted = set(columns)
    keys = [table.primary_key.columns] if table.primary_key else []
    keys += [u.columns for u in table.uniques]
    keys += [i.columns for i in table.indexes if i.unique and not i.has_expressions and i.where is None]
    return any(set(key) == wanted and len(key) == len(columns) for key in keys)


def _index_key_columns(dbml: Any) -> set[str]:
    """The columns of an index ``[pk]``: a primary key's columns are NOT NULL."""
    from pydbml.classes import Column as DBMLColumn

    return {s.name for i in dbml.indexes if i.pk for s in i.subjects if isinstance(s, DBMLColumn)}


def _subject(subject: Any) -> tuple[str, bool]:
    """An index element: (column name or expression, whether it is an expression)."""
    from pydbml.classes import Column as DBMLColumn
    from pydbml.classes import Expression

    if isinstance(subject, DBMLColumn):
        return subject.name, False
    if isinstance(subject, Expression):
        return subject.text, True
    return str(subject), False


def _default(value: Any) -> Default | None:
    from pydbml.classes import Expression

    if value is None:
        return None
    if isinstance(value, Expression):
        return Default(value.text, expression=True)
    if isinstance(value, bool):
        return Default("true" if value else "false")
    return Default(str(value))


def _action(value: str | None, ref: Any) -> str:
    if not value:
        return "NO ACTION"
    action = " ".join(value.upper().split())
    if action not in REFERENTIAL_ACTIONS:
        raise ImportFailed(f"DBML: reference {_ref_text(ref)} has the unknown action {value!r}")
    return action


def _ref_text(ref: Any) -> str:
    def side(table: Any, columns: list[Any]) -> str:
        names = ", ".join(c.name for c in columns)
        return f"{table.name}.{names}" if len(columns) == 1 else f"{table.name}.({names})"

    return f"{side(ref.table1, ref.col1)} {ref.type} {side(ref.table2, ref.col2)}"

