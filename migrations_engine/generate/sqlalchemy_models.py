"""A schema as SQLAlchemy 2.0 declarative models: one module a person could have written.

Each table with a primary key is a class (``Mapped[]`` and ``mapped_column``); a table without
one, and a pure many-to-many junction (``model_names.is_pure_junction``), is a ``Table`` that the
classes name as ``secondary``. Every foreign key between two classes is a ``relationship()`` on
both sides, ``back_populates`` pointing at each other; ``foreign_keys=`` is given where two tables
are linked more than once, ``remote_side=`` where a table points at itself.

Types are exact for the dialect (``sqlalchemy_types``); defaults are ``server_default``
(``sa.text()`` for SQL), so ``metadata.create_all()`` builds the database the engine would.
What SQLAlchemy cannot say is listed in docs/import-export.md and written as a comment where it
would have gone (comments on constraints and indexes, PostgreSQL's exclusion constraints, …).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..dialects import get_dialect
from ..errors import EngineError
from ..naming import primary_key_name
from ..schema import Column, ForeignKey, Index, Schema, Table
from ..types import DIALECTS
from .model_names import camel, identifier, is_one_to_one, is_pure_junction, plural, snake, strip_id_suffix, unique_name
from .python_code import call, docstring, text_sql
from .sqlalchemy_types import DECLARED_TYPE_CLASS, TypeWriter

#: Names a class body sees at module level: an attribute of the same name would hide them.
_MODULE_NAMES = {
    "sa", "Mapped", "mapped_column", "relationship", "DeclarativeBase", "datetime", "decimal", "uuid",
    "Any", "Optional", "postgresql", "mysql", "sqlite", "DeclaredType", "Base", "metadata", "registry",
    "list", "set", "str", "int", "float", "bool", "bytes",
}


@dataclass
class _Relationship:
    name: str
    target: str  # class name
    annotation: str
    arguments: list[str] = field(default_factory=list)


@dataclass
class _Model:
    table: Table
    name: str  # class name, or the variable of a Table
    is_class: bool
    attributes: dict[str, str] = field(default_factory=dict)  # column name -> attribute name
    taken: set[str] = field(default_factory=set)
    relationships: list[_Relationship] = field(default_factory=list)


def sqlalchemy_models(schema: Schema, dialect: str | None) -> str:
    """``schema`` as a Python module of SQLAlchemy 2.0 declarative models for ``dialect``."""
    if dialect not in DIALECTS:
        raise EngineError("SQLAlchemy models need a dialect (postgresql, mysql or sqlite): the types depend on it")
    return _Writer(schema, dialect).module()


class _Writer:
    def __init__(self, schema: Schema, dialect: str) -> None:
        self.schema = schema
        self.dialect = dialect
        self.module_names: dict[str, str] = {}
        taken_module = set(_MODULE_NAMES)
        self.models: dict[str, _Model] = {}
        for table in schema.tables:
            is_class = table.primary_key is not None and not is_pure_junction(table, schema)
            if is_class:
                base = camel(table.name)
            else:
                base = snake(table.name) + ("_table" if snake(table.name) in _MODULE_NAMES else "")
            self.models[table.name] = _Model(table, unique_name(base, taken_module, "" if is_class else "_"), is_class)
        for enum in schema.enums:
            self.module_names[f"enum:{enum.name}"] = unique_name(snake(enum.name) + "_enum", taken_module)
        if dialect == "postgresql":
            for domain in schema.domains:
                self.module_names[f"domain:{domain.name}"] = unique_name(snake(domain.name) + "_domain", taken_module)
        self.types = TypeWriter(schema, dialect, self.module_names)
        reserved = taken_module | {m.name for m in self.models.values()}
        for model in self.models.values():
            model.taken = set(reserved)
            for column in model.table.columns:
                model.attributes[column.name] = unique_name(identifier(column.name, "column"), model.taken)
        self._plan_relationships()
        self.late_foreign_keys: list[str] = []

    # ------------------------------------------------------------------ relationships

    def _plan_relationships(self) -> None:
        links: dict[frozenset[str], int] = {}
        for table in self.schema.tables:
            for fk in table.foreign_keys:
                key = frozenset((table.name, fk.ref_table))
                links[key] = links.get(key, 0) + 1
        for table in self.schema.tables:
            child = self.models[table.name]
            for fk in table.foreign_keys:
                parent = self.models.get(fk.ref_table)
                if not (child.is_class and parent is not None and parent.is_class):
                    continue
                self._relate(child, parent, fk, links[frozenset((table.name, fk.ref_table))] > 1)
        for table in self.schema.tables:
            if self.models[table.name].is_class or not is_pure_junction(table, self.schema):
                continue
            first, second = table.foreign_keys
            a, b = self.models[first.ref_table], self.models[second.ref_table]
            a_name = unique_name(plural(snake(b.name)), a.taken)
            b_name = unique_name(plural(snake(a.name)), b.taken)
            junction = self.models[table.name].name
            for one, other, name, partner in ((a, b, a_name, b_name), (b, a, b_name, a_name)):
                one.relationships.append(_Relationship(
                    name, other.name, f'Mapped[list["{other.name}"]]',
                    [f"secondary={junction}", f"back_populates={partner!r}"],
                ))

    def _relate(self, child: _Model, parent: _Model, fk: ForeignKey, ambiguous: bool) -> None:
        base = strip_id_suffix(fk.columns[0]) if len(fk.columns) == 1 else snake(parent.table.name)
        many_to_one = base
        if many_to_one in child.taken:  # the column's own name: say what it points at
            many_to_one = f"{base}_{snake(parent.table.name)}" if base != snake(parent.table.name) else f"{base}_ref"
        many_to_one = unique_name(many_to_one, child.taken)
        one = is_one_to_one(child.table, fk)
        many = snake(child.table.name) if one else plural(snake(child.table.name))
        self_reference = child is parent
        if ambiguous or self_reference:
            many = f"{base}_{many}"
        one_to_many = unique_name(many, parent.taken)
        nullable = any(child.table.column(c).nullable for c in fk.columns)
        target = f'"{parent.name}"'
        child_args = [f"back_populates={one_to_many!r}"]
        parent_args = [f"back_populates={many_to_one!r}"]
        if ambiguous:
            columns = ", ".join(f"{child.name}.{child.attributes[c]}" for c in fk.columns)
            child_args.append(f'foreign_keys="[{columns}]"')
            parent_args.append(f'foreign_keys="[{columns}]"')
        if self_reference:
            remote = ", ".join(f"{parent.name}.{parent.attributes[c]}" for c in fk.ref_columns)
            child_args.append(f'remote_side="[{remote}]"')
        child.relationships.append(_Relationship(
            many_to_one, parent.name, f"Mapped[Optional[{target}]]" if nullable else f"Mapped[{target}]", child_args,
        ))
        annotation = f'Mapped[Optional["{child.name}"]]' if one else f'Mapped[list["{child.name}"]]'
        parent.relationships.append(_Relationship(one_to_many, child.name, annotation, parent_args))

    # ------------------------------------------------------------------ the module

    def module(self) -> str:
        bodies = [self._model(model) for model in self._in_order()]
        parts = [self._header(), "class Base(DeclarativeBase):\n    pass"]
        if self.types.uses_declared_type:
            parts.append(DECLARED_TYPE_CLASS)
        objects = self._schema_objects()
        if objects:
            parts.append("\n".join(objects))
        parts += bodies
        if self.late_foreign_keys:
            parts.append(
                "# Foreign keys naming a table or column with a dot, which a \"table.column\" string cannot say.\n"
                + "\n".join(self.late_foreign_keys)
            )
        imports = self._imports("\n\n".join(parts))
        return f"{parts[0]}\n\n{imports}\n\n\n" + "\n\n\n".join(parts[1:]) + "\n"

    def _in_order(self) -> list[_Model]:
        """Tables first (classes name them as ``secondary``), then classes, by table name."""
        models = sorted(self.models.values(), key=lambda m: m.table.name)
        return [m for m in models if not m.is_class] + [m for m in models if m.is_class]

    def _header(self) -> str:
        names = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB", "sqlite": "SQLite"}
        return docstring(
            f"SQLAlchemy 2.0 models for {names[self.dialect]} ({len(self.schema.tables)} tables), "
            "written by the schema designer.\n\n`Base.metadata.create_all(engine)` creates the schema."
        )

    def _imports(self, body: str) -> str:
        standard = [f"import {m}" for m in ("datetime", "decimal", "uuid") if f"{m}." in body]
        typing = [n for n in ("Any", "Optional") if any(f"{n}{c}" in body for c in "[])")]
        lines = standard + ([f"from typing import {', '.join(typing)}"] if typing else [])
        third = ["import sqlalchemy as sa"]
        dialects = [d for d in ("mysql", "postgresql") if f"{d}." in body]
        if dialects:
            third.append(f"from sqlalchemy.dialects import {', '.join(dialects)}")
        orm = [n for n in ("DeclarativeBase", "Mapped", "mapped_column", "relationship") if f"{n}" in body]
        third.append(f"from sqlalchemy.orm import {', '.join(orm)}")
        return "\n".join(lines) + ("\n\n" if lines else "") + "\n".join(third)

    def _schema_objects(self) -> list[str]:
        lines = []
        for enum in self.schema.enums:
            if self.dialect == "sqlite":
                continue  # SQLite has no enum type: each column carries its CHECK
            # With the metadata, create_all makes the type even where no column uses it.
            values = [repr(v) for v in enum.values] + [f"name={enum.name!r}"]
            if self.dialect == "postgresql":
                values.append("metadata=Base.metadata")
            lines.append(call("sa.Enum", values, prefix=f"{self.module_names[f'enum:{enum.name}']} = "))
            if enum.comment:
                lines.append(f"# The enum's comment is not created by SQLAlchemy: {enum.comment!r}")
        if self.dialect != "postgresql":
            return lines
        for domain in self.schema.domains:
            base = self.types.portable(domain.base_type)
            args = [repr(domain.name), base[0] if base else self.types.declared(domain.base_type)]
            if not domain.nullable:
                args.append("not_null=True")
            if domain.default:
                args.append(f"default=sa.text({text_sql(domain.default)!r})")
            if domain.collation:
                args.append(f"collation={domain.collation!r}")
            if domain.checks:
                check = domain.checks[0]
                args += [f"check=sa.text({text_sql(check.expression)!r})"]
                if check.name and domain.nullable:
                    args.append(f"constraint_name={check.name!r}")
                elif check.name:
                    lines.append(f"# SQLAlchemy's DOMAIN would name NOT NULL rather than the check {check.name!r}:"
                                 " the check takes PostgreSQL's name for it.")
            args.append("metadata=Base.metadata")  # created even where no column uses it
            if len(domain.checks) > 1:
                lines.append("# SQLAlchemy's DOMAIN takes one CHECK: the others are not created: "
                             + "; ".join(repr(c.expression) for c in domain.checks[1:]))
            lines.append(call("postgresql.DOMAIN", args, prefix=f"{self.module_names[f'domain:{domain.name}']} = "))
        for sequence in self.schema.sequences:
            args = [repr(sequence.name)]
            if sequence.data_type != "bigint":
                integer = {"smallint": "sa.SmallInteger", "integer": "sa.Integer"}.get(sequence.data_type, "sa.BigInteger")
                args.append(f"data_type={integer}")
            args += _sequence_options(sequence.options)
            args.append("metadata=Base.metadata")
            lines.append(call("sa.Sequence", args))
            if sequence.owned_by:
                lines.append(f"# OWNED BY {'.'.join(sequence.owned_by)!r} is not said by SQLAlchemy.")
        return lines

    # ------------------------------------------------------------------ one table

    def _model(self, model: _Model) -> str:
        return self._class(model) if model.is_class else self._table(model)

    def _class(self, model: _Model) -> str:
        table = model.table
        lines = [f"class {model.name}(Base):", f"    __tablename__ = {table.name!r}"]
        args = self._table_arguments(model, inside_class=True)
        if args:
            lines.append(_table_args(args))
        lines += self._notes(table, indent=4)
        lines.append("")
        for column in table.columns:
            lines.append(self._mapped_column(model, column))
        if model.relationships:
            lines.append("")
            for rel in model.relationships:
                lines.append(call("relationship", rel.arguments, indent=4, prefix=f"{rel.name}: {rel.annotation} = "))
        return "\n".join(lines)

    def _table(self, model: _Model) -> str:
        table = model.table
        args = [repr(table.name), "Base.metadata"]
        args += [self._column(model, column) for column in table.columns]
        extra = self._table_arguments(model, inside_class=False)
        notes = self._notes(table, indent=0)
        return "\n".join(notes + [call("sa.Table", args + extra, prefix=f"{model.name} = ")])

    def _table_arguments(self, model: _Model, inside_class: bool) -> list[str]:
        """Constraints and indexes; options last (a dict in ``__table_args__``, keywords of ``Table``)."""
        table = model.table
        args: list[str] = []
        if self._pk_named(table):
            args.append(self._primary_key(table))
        for fk in table.foreign_keys:
            if len(fk.columns) > 1 or self._dotted(fk):
                code = self._foreign_key_constraint(model, fk)
                if code:
                    args.append(code)
        for unique in table.uniques:
            options = [f"name={unique.name!r}"] if unique.name else []
            options += _timing(unique)
            if unique.nulls_not_distinct:
                options.append("postgresql_nulls_not_distinct=True")
            args.append(call("sa.UniqueConstraint", [repr(c) for c in unique.columns] + options, nested=8))
        for check in table.checks:
            options = [f"name={check.name!r}"] if check.name else []
            if check.not_valid:
                options.append("postgresql_not_valid=True")
            args.append(call("sa.CheckConstraint", [repr(text_sql(check.expression))] + options, nested=8))
        for index in table.indexes:
            args.append(self._index(table, index))
        options = self._options(table)
        if inside_class:
            if options:
                args.append("{" + ", ".join(f"{k!r}: {v}" for k, v in options) + "}")
        else:
            args += [f"{k}={v}" for k, v in options]
        return args

    def _options(self, table: Table) -> list[tuple[str, str]]:
        options: list[tuple[str, str]] = []
        if table.comment:
            options.append(("comment", repr(table.comment)))
        if self.dialect == "mysql":
            options.append(("mysql_charset", repr(table.charset or "utf8mb4")))
            if table.collation:
                options.append(("mysql_collate", repr(table.collation)))
        if self.dialect == "sqlite":
            if self._sqlite_autoincrement(table):
                options.append(("sqlite_autoincrement", "True"))
            if table.without_rowid:
                options.append(("sqlite_with_rowid", "False"))
            if table.strict:
                options.append(("sqlite_strict", "True"))
        return options

    def _sqlite_autoincrement(self, table: Table) -> bool:
        return (
            self.dialect == "sqlite"
            and any(c.identity for c in table.columns)
            and table.primary_key is not None
            and len(table.primary_key.columns) == 1
        )

    def _notes(self, table: Table, indent: int) -> list[str]:
        """What SQLAlchemy cannot create, said where it would have been."""
        pad = " " * indent
        notes = []
        key = table.primary_key
        if self._sqlite_autoincrement(table) and key and key.name and key.name != primary_key_name(table.name):
            notes.append(
                f"{pad}# The primary key's name {key.name!r} is not created by SQLAlchemy: on SQLite"
                " it writes an AUTOINCREMENT key in its column, without a name."
            )
        for exclusion in table.exclusions:
            notes.append(f"{pad}# Not created by SQLAlchemy: the exclusion constraint {exclusion.name!r}.")
        commented = [("primary key", table.primary_key)] if table.primary_key and table.primary_key.comment else []
        commented += [("constraint", c) for c in (*table.foreign_keys, *table.uniques, *table.checks) if c.comment]
        commented += [("index", i) for i in table.indexes if i.comment]
        for what, element in commented:
            notes.append(f"{pad}# The comment on {what} {element.name!r} is not created by SQLAlchemy: {element.comment!r}")
        for check in table.checks:
            if check.no_inherit:
                notes.append(f"{pad}# Check {check.name!r} is NO INHERIT in the database; SQLAlchemy cannot say so.")
        return notes

    def _pk_named(self, table: Table) -> bool:
        """Whether the primary key needs its own ``PrimaryKeyConstraint``: a name of its own,
        timing, or columns in another order than the table's (SQLAlchemy follows the table's)."""
        key = table.primary_key
        if key is None:
            return False
        in_table_order = [c for c in table.column_names if c in key.columns] == list(key.columns)
        named = bool(key.name and self.dialect != "mysql" and key.name != primary_key_name(table.name))
        return named or key.deferrable or key.initially_deferred or not in_table_order

    def _primary_key(self, table: Table) -> str:
        key = table.primary_key
        assert key is not None
        options = [f"name={key.name!r}"] if self._pk_named(table) and key.name else []
        return call("sa.PrimaryKeyConstraint", [repr(c) for c in key.columns] + options + _timing(key))

    def _dotted(self, fk: ForeignKey) -> bool:
        return any("." in n for n in (fk.ref_table, *fk.ref_columns))

    def _foreign_key_constraint(self, model: _Model, fk: ForeignKey) -> str | None:
        options = _fk_options(fk, self.dialect)
        if self._dotted(fk):
            parent = self.models[fk.ref_table]
            table = f"{parent.name}.__table__" if parent.is_class else parent.name
            refs = "[" + ", ".join(f"{table}.c[{c!r}]" for c in fk.ref_columns) + "]"
            owner = f"{model.name}.__table__" if model.is_class else model.name
            self.late_foreign_keys.append(
                call(f"{owner}.append_constraint", [call("sa.ForeignKeyConstraint", [repr(list(fk.columns)), refs] + options)])
            )
            return None
        refs = [f"{fk.ref_table}.{c}" for c in fk.ref_columns]
        return call("sa.ForeignKeyConstraint", [repr(list(fk.columns)), repr(refs)] + options)

    def _index(self, table: Table, index: Index) -> str:
        dialect = get_dialect(self.dialect)
        if index.keys:
            keys = [dialect.index_key_sql(index, n) for n in range(len(index.columns))]  # type: ignore[attr-defined]
            elements = [f"sa.text({text_sql(key)!r})" for key in keys]
        else:
            elements = [repr(c) for c in index.columns]
        options = [f"unique=True"] if index.unique else []
        method = (index.method or "").lower()
        if method == "fulltext":
            options.append("mysql_prefix='FULLTEXT'")
        elif method:
            options.append(f"postgresql_using={index.method!r}")
        if index.where:
            options.append(f"{self.dialect}_where=sa.text({text_sql(index.where)!r})")
        if index.include:
            options.append(f"postgresql_include={list(index.include)!r}")
        if index.nulls_not_distinct:
            options.append("postgresql_nulls_not_distinct=True")
        return call("sa.Index", [repr(index.name)] + elements + options, nested=8)

    # ------------------------------------------------------------------ columns

    def _column_arguments(
        self, model: _Model, column: Column, *, with_name: bool, in_table: bool = False
    ) -> tuple[list[str], str]:
        """The arguments of ``mapped_column``/``Column`` and the Python type of the values."""
        table = model.table
        sa_type = self.types.column_type(column)
        args = [repr(column.name)] if with_name else []
        args.append(sa_type.code)
        if column.identity and self.dialect == "postgresql" and not self._serial(table, column):
            args.append(self._identity(column))
        if column.generated:
            args.append(f"sa.Computed({text_sql(column.generated.expression)!r}, persisted={column.generated.stored})")
        fks = [fk for fk in table.foreign_keys if fk.columns == (column.name,) and not self._dotted(fk)]
        for fk in fks:
            target = repr(f"{fk.ref_table}.{fk.ref_columns[0]}")
            args.append(call("sa.ForeignKey", [target] + _fk_options(fk, self.dialect), nested=8))
        if sa_type.value_check:
            check = sa_type.value_check
            name = None
            if check.startswith("CONSTRAINT "):
                name = column.type.enum
                check = check[check.index(" CHECK (") + 1 :]
            expression = check[len("CHECK (") : -1]
            args.append(call("sa.CheckConstraint", [repr(text_sql(expression))] + ([f"name={name!r}"] if name else [])))
        key = table.primary_key
        in_key = bool(key and column.name in key.columns)
        if in_key:
            args.append("primary_key=True")
        autoincrement = self._autoincrement(table, column, in_key)
        if autoincrement is not None:
            args.append(f"autoincrement={autoincrement}")
        if in_table and not column.nullable and not in_key:
            args.append("nullable=False")
        default = self._server_default(column)
        if default:
            args.append(f"server_default={default}")
        if column.comment:
            args.append(f"comment={column.comment!r}")
        return args, sa_type.python

    def _mapped_column(self, model: _Model, column: Column) -> str:
        attribute = model.attributes[column.name]
        args, python = self._column_arguments(model, column, with_name=attribute != column.name)
        in_key = bool(model.table.primary_key and column.name in model.table.primary_key.columns)
        if python == "Any" and not in_key:
            args.append(f"nullable={column.nullable}")  # Mapped[Any] says nothing of NULL
        annotation = f"Mapped[{python} | None]" if column.nullable and not in_key and python != "Any" else f"Mapped[{python}]"
        return call("mapped_column", args, indent=4, prefix=f"{attribute}: {annotation} = ")

    def _column(self, model: _Model, column: Column) -> str:
        args, _ = self._column_arguments(model, column, with_name=True, in_table=True)
        return call("sa.Column", args)

    def _identity(self, column: Column) -> str:
        args = ["always=True"] if column.identity_always else []
        return call("sa.Identity", args + _sequence_options(column.sequence))

    def _serial(self, table: Table, column: Column) -> bool:
        """PostgreSQL: a serial SQLAlchemy makes as one (SERIAL is its autoincrement column: a
        one-column integer primary key); any other serial is written as an identity."""
        key = table.primary_key
        return column.serial and bool(key) and key.columns == (column.name,) and column.type.is_integer  # type: ignore[union-attr]

    def _autoincrement(self, table: Table, column: Column, in_key: bool) -> bool | None:
        if self.dialect == "postgresql":
            if column.identity:
                return True if self._serial(table, column) else None
        elif self.dialect == "mysql":
            if column.identity:
                return True
        else:
            if column.identity:
                return True
            return None
        # A single integer key is SERIAL or AUTO_INCREMENT unless told otherwise.
        single_key = bool(in_key and table.primary_key and len(table.primary_key.columns) == 1)
        if single_key and column.type.kind in ("smallint", "integer", "bigint", "native"):
            return False
        return None

    def _server_default(self, column: Column) -> str | None:
        default = column.default
        on_update = column.on_update if self.dialect == "mysql" else None
        if default is None and on_update is None:
            return None
        if default is None:
            sql = "NULL"
        elif default.expression:
            sql = default.value
        else:
            sql = get_dialect(self.dialect).literal_sql(default.value, column.type)
            if sql.startswith("'") and not on_update:
                return repr(default.value)  # a string: SQLAlchemy quotes it
        if on_update:
            sql = f"{sql} ON UPDATE {on_update}"
        return f"sa.text({text_sql(sql)!r})"


def _timing(element: object) -> list[str]:
    options = []
    if getattr(element, "deferrable", False) or getattr(element, "initially_deferred", False):
        options.append("deferrable=True")
    if getattr(element, "initially_deferred", False):
        options.append("initially='DEFERRED'")
    return options


def _fk_options(fk: ForeignKey, dialect: str) -> list[str]:
    options = [f"name={fk.name!r}"] if fk.name else []
    # MariaDB reports an action left unsaid as RESTRICT: say NO ACTION there.
    explicit = dialect == "mysql"
    if fk.on_delete != "NO ACTION" or explicit:
        options.append(f"ondelete={fk.on_delete!r}")
    if fk.on_update != "NO ACTION" or explicit:
        options.append(f"onupdate={fk.on_update!r}")
    if fk.match:
        options.append(f"match={fk.match!r}")
    options += _timing(fk)
    if fk.not_valid:
        options.append("postgresql_not_valid=True")
    return options


def _sequence_options(options: object) -> list[str]:
    if options is None:
        return []
    names = {"start": "start", "increment": "increment", "min_value": "minvalue", "max_value": "maxvalue",
             "cache": "cache"}
    args = [f"{sa}={getattr(options, name)}" for name, sa in names.items() if getattr(options, name) is not None]
    if getattr(options, "cycle", False):
        args.append("cycle=True")
    return args


def _table_args(args: list[str]) -> str:
    """``__table_args__``: a dict alone, else a tuple (its options dict last)."""
    if len(args) == 1 and args[0].startswith("{"):
        return f"    __table_args__ = {args[0]}"
    one_line = f"    __table_args__ = ({', '.join(args)},)"
    if len(one_line) <= 100 and "\n" not in one_line:
        return one_line
    inner = "\n".join("        " + a.replace("\n", "\n        ") + "," for a in args)
    return f"    __table_args__ = (\n{inner}\n    )"
