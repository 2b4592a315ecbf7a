"""A schema as a Django ``models.py``: one model per table (``Meta.db_table`` the real name), one
field per column (``db_column`` where the attribute differs), ``ForeignKey`` for each foreign key
(``OneToOneField`` when the key is the table's whole primary key), ``ManyToManyField(through=…)``
for pure junction tables, ``Meta.indexes`` and ``Meta.constraints`` with the schema's names.

Django cannot say everything a database holds; what it cannot is written as a comment where it
would have gone, and listed in docs/import-export.md: a foreign key's name and its ON DELETE /
ON UPDATE actions (Django 5.2 acts on delete in Python: the database gets NO ACTION), PostgreSQL
enum and domain types, sequences, partial indexes and checks' own comments, MySQL's ON UPDATE and
table character sets, a table without a primary key (left unmanaged).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..dialects import get_dialect
from ..errors import EngineError
from ..schema import Column, ForeignKey, Index, Schema, Table
from ..types import DIALECTS
from .django_types import DECLARED_AUTO_FIELD_CLASS, DECLARED_FIELD_CLASS, FieldWriter
from .model_names import camel, identifier, is_pure_junction, plural, snake, strip_id_suffix, unique_name
from .python_code import call, comment_lines, docstring, paragraphs

#: Names a model's fields must not take: Django's own attributes, and the module's names.
_RESERVED = {
    "pk", "objects", "save", "delete", "clean", "check", "full_clean", "refresh_from_db", "Meta",
    "DoesNotExist", "MultipleObjectsReturned", "models", "RawSQL", "F", "Decimal", "DeclaredField",
    "DeclaredAutoField", "GistIndex",
    "GinIndex", "BrinIndex", "HashIndex", "SpGistIndex",
}
_ON_DELETE = {"CASCADE": "CASCADE", "SET NULL": "SET_NULL", "RESTRICT": "RESTRICT", "NO ACTION": "DO_NOTHING"}
_AUTO_FIELDS = {
    "models.SmallIntegerField": "models.SmallAutoField",
    "models.IntegerField": "models.AutoField",
    "models.BigIntegerField": "models.BigAutoField",
}
_PG_INDEXES = {"gist": "GistIndex", "gin": "GinIndex", "brin": "BrinIndex", "hash": "HashIndex", "spgist": "SpGistIndex"}


@dataclass
class _Relation:
    fk: ForeignKey
    name: str
    one_to_one: bool = False
    related_name: str = ""


@dataclass
class _Model:
    table: Table
    name: str
    #: column name -> field name (for a relation, the relation's name)
    fields: dict[str, str] = field(default_factory=dict)
    relations: dict[str, _Relation] = field(default_factory=dict)  # by column
    taken: set[str] = field(default_factory=set)
    reverse_taken: set[str] = field(default_factory=set)
    many_to_many: list[str] = field(default_factory=list)


def django_models(schema: Schema, dialect: str | None) -> str:
    """``schema`` as a Django ``models.py`` for ``dialect``."""
    if dialect not in DIALECTS:
        raise EngineError("Django models need a dialect (postgresql, mysql or sqlite): the field types depend on it")
    _refuse_unquotable(schema, dialect)
    return _Writer(schema, dialect).module()


def _refuse_unquotable(schema: Schema, dialect: str) -> None:
    """Django quotes a name by putting it between quotes without doubling the quote inside (and
    leaves a name already between quotes as it is): such a name would break its SQL."""
    quote = "`" if dialect == "mysql" else '"'
    for table in schema.tables:
        names = [table.name, *table.column_names]
        names += [e.name or "" for e in (*table.foreign_keys, *table.uniques, *table.checks, *table.indexes)]
        for name in names:
            if quote in name:
                raise EngineError(
                    f"Django cannot write the name {name!r} (table {table.name!r}): it does not escape {quote} in names"
                )


def field_name(text: str) -> str:
    """A name Django takes for a field: an identifier without ``__`` or a trailing ``_``."""
    name = identifier(text, "field")
    if name.endswith("_"):
        name = name.rstrip("_") + "_field"
    return re.sub("_{2,}", "_", name)


class _Writer:
    def __init__(self, schema: Schema, dialect: str) -> None:
        self.schema = schema
        self.dialect = dialect
        self.fields = FieldWriter(schema, dialect)
        self.imports: set[str] = set()
        taken_lower: set[str] = {n.lower() for n in _RESERVED}
        self.models: dict[str, _Model] = {}
        for table in schema.tables:
            # Django's app registry knows models by their lower-case name.
            name = camel(table.name)
            base, n = name, 1
            while name.lower() in taken_lower:
                n += 1
                name = f"{base}{n}"
            taken_lower.add(name.lower())
            self.models[table.name] = _Model(table, name)
        for model in self.models.values():
            self._name_fields(model)
        for model in self.models.values():
            for relation in model.relations.values():
                self._name_reverse(model, relation)
        self._many_to_many()

    # ------------------------------------------------------------------ names

    def _relatable(self, table: Table, fk: ForeignKey) -> bool:
        """Django relates to one column, the target's primary key or a unique column."""
        target = self.schema.table(fk.ref_table) if self.schema.has_table(fk.ref_table) else None
        if target is None or len(fk.columns) != 1 or target.primary_key is None:
            return False
        if len(target.primary_key.columns) != 1:
            return False  # Django 5.2 cannot point at a composite primary key
        return True

    def _name_fields(self, model: _Model) -> None:
        table = model.table
        model.taken = set(_RESERVED)
        key = table.primary_key.columns if table.primary_key else ()
        if key != ("id",):
            model.taken.add("id")  # Django takes a field "id" for its primary key (models.E004)
        relations = {fk.columns[0]: fk for fk in table.foreign_keys if self._relatable(table, fk)}
        for column in table.columns:
            if column.name not in relations:
                model.fields[column.name] = unique_name(field_name(column.name), model.taken)
        for column in table.columns:
            fk = relations.get(column.name)
            if fk is None:
                continue
            base = strip_id_suffix(column.name)
            name, n = base, 1
            while name in model.taken or (f"{name}_id" in model.taken):
                n += 1
                name = f"{base}_ref" if n == 2 else f"{base}_ref{n - 1}"
            model.taken |= {name, f"{name}_id"}
            model.fields[column.name] = name
            one_to_one = key == (column.name,)
            model.relations[column.name] = _Relation(fk, name, one_to_one)
        model.reverse_taken = set(model.taken)  # related names must not meet a field either

    def _name_reverse(self, child: _Model, relation: _Relation) -> None:
        target = self.models[relation.fk.ref_table]
        links = sum(1 for fk in child.table.foreign_keys if fk.ref_table == relation.fk.ref_table)
        base = snake(child.name) if relation.one_to_one else plural(snake(child.name))
        if links > 1 or child is target:
            base = f"{strip_id_suffix(relation.fk.columns[0])}_{base}"
        relation.related_name = unique_name(base, target.reverse_taken)

    def _many_to_many(self) -> None:
        for table in self.schema.tables:
            if not is_pure_junction(table, self.schema):
                continue
            first, second = table.foreign_keys
            junction = self.models[table.name]
            if not all(c in junction.relations for c in (*first.columns, *second.columns)):
                continue
            a, b = sorted((self.models[first.ref_table], self.models[second.ref_table]), key=lambda m: m.name.lower())
            if junction.name.lower() < a.name.lower():
                # makemigrations (Django 5.2) would create the junction first, add its key's
                # foreign keys after the model holding the field, and fail on the composite key.
                a.many_to_many += comment_lines(
                    f"Many-to-many with {b.name} through {junction.name}: Django 5.2's makemigrations"
                    " cannot order it (the junction's model name sorts first); use the junction."
                )
                continue
            name = unique_name(plural(snake(b.name)), a.reverse_taken)
            a.taken.add(name)
            related = unique_name(plural(snake(a.name)), b.reverse_taken)
            a.many_to_many.append(call("models.ManyToManyField", [
                repr(b.name), f"through={junction.name!r}", f"related_name={related!r}",
            ], indent=4, prefix=f"{name} = "))

    # ------------------------------------------------------------------ the module

    def module(self) -> str:
        bodies = [self._model(m) for m in sorted(self.models.values(), key=lambda m: m.table.name)]
        parts = [self._header()]
        imports = ["from decimal import Decimal", ""] if "Decimal" in self.imports else []
        pg_indexes = sorted(n for n in self.imports if n.endswith("Index"))
        if pg_indexes:
            imports.append(f"from django.contrib.postgres.indexes import {', '.join(pg_indexes)}")
        imports.append("from django.db import models")
        if "F" in self.imports:
            imports.append("from django.db.models import F")
        if "RawSQL" in self.imports:
            imports.append("from django.db.models.expressions import RawSQL")
        parts.append("\n".join(imports))
        if self.fields.uses_declared_field:
            parts.append(DECLARED_FIELD_CLASS)
        if self.fields.uses_declared_auto_field:
            parts.append(DECLARED_AUTO_FIELD_CLASS)
        parts += bodies
        return parts[0] + "\n\n" + parts[1] + "\n\n\n" + "\n\n\n".join(parts[2:]) + "\n"

    def _header(self) -> str:
        names = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB", "sqlite": "SQLite"}
        lines = [f"Django models for {names[self.dialect]} ({len(self.schema.tables)} tables), written by the schema designer."]
        if self.schema.sequences:
            lines.append("\nNot created by Django: the sequences " + ", ".join(s.name for s in self.schema.sequences)
                         + " (defaults that call nextval() are left out; create them in a RunSQL migration).")
        if self.schema.domains:
            lines.append("\nNot created by Django: the domains " + ", ".join(d.name for d in self.schema.domains)
                         + " (their columns take the base type).")
        if self.schema.enums and self.dialect == "postgresql":
            lines.append("\nNot created by Django: the enum types " + ", ".join(e.name for e in self.schema.enums)
                         + " (their columns are varchars with choices).")
        if any("%" in c.expression for t in self.schema.tables for c in t.checks):
            lines.append("\nIn the checks' RawSQL, '%%' is one '%': Django %-formats a check's SQL once.")
        names = [i.name or "" for t in self.schema.tables for i in t.indexes]
        silenced = []
        if any(len(n) > 30 for n in names):
            silenced.append("models.E034 (index names over 30 characters, an Oracle limit)")
        if len(set(names)) < len(names):
            silenced.append("models.E030 (one index name in two tables, which MySQL and SQLite allow)")
        if silenced:
            lines.append("\nThe schema's own index names are kept: silence Django's checks "
                         + " and ".join(silenced) + " in SILENCED_SYSTEM_CHECKS.")
        return docstring(paragraphs("\n".join(lines)))

    def _model(self, model: _Model) -> str:
        table = model.table
        # PostgreSQL and MySQL: Django runs a CREATE TABLE through the driver's %-formatting when
        # a default is a parameter, and a '%' in a check (or a MySQL comment) breaks it. Such a
        # table gets its literal defaults as SQL too, so the statement has no parameters.
        texts = [c.expression for c in table.checks]
        texts += [c.default.value for c in table.columns if c.default]
        texts += [c.generated.expression for c in table.columns if c.generated]
        if self.dialect == "mysql":
            texts += [c.comment or "" for c in table.columns] + [table.comment or ""]
        self.raw_defaults = self.dialect != "sqlite" and any("%" in text for text in texts)
        lines = [f"class {model.name}(models.Model):"]
        key = table.primary_key
        notes = self._table_notes(model)
        lines += [line for n in notes for line in comment_lines(n)]
        if key and len(key.columns) > 1:
            names = [self._key_name(model, c) for c in key.columns]
            lines.append(call("models.CompositePrimaryKey", [repr(n) for n in names], indent=4, prefix="pk = "))
        for column in table.columns:
            lines += self._field(model, column)
        lines += model.many_to_many
        meta = "\n".join(self._meta(model))
        lines += ["", "    class Meta:"] + ["        " + line for line in meta.split("\n")]
        return "\n".join(lines)

    def _key_name(self, model: _Model, column: str) -> str:
        return model.fields[column]

    def _table_notes(self, model: _Model) -> list[str]:
        table = model.table
        notes = []
        if table.primary_key is None:
            notes.append("Django needs a primary key and this table has none:"
                         " the model is unmanaged (Django does not create it).")
        for fk in table.foreign_keys:
            if fk.columns[0] not in model.relations or len(fk.columns) > 1:
                notes.append(f"Foreign key {fk.name!r} ({', '.join(fk.columns)}) -> {fk.ref_table} ({', '.join(fk.ref_columns)}):"
                             " Django relates one column to a single-column key; not created.")
        if table.without_rowid or table.strict:
            notes.append("SQLite's WITHOUT ROWID and STRICT: Django cannot create such a table; a plain one instead.")
        for check in table.checks:
            if check.not_valid or check.no_inherit:
                notes.append(f"Check {check.name!r} is NOT VALID or NO INHERIT in the database; Django cannot say so.")
        for exclusion in table.exclusions:
            notes.append(f"Exclusion constraint {exclusion.name!r}: Django has none to create here.")
        if self.dialect == "mysql" and (table.charset or table.collation):
            notes.append(f"Table character set {table.charset or 'default'} / collation {table.collation or 'default'}:"
                         " Django uses the database's.")
        return notes

    # ------------------------------------------------------------------ fields

    def _field(self, model: _Model, column: Column) -> list[str]:
        table = model.table
        key = table.primary_key.columns if table.primary_key else ()
        relation = model.relations.get(column.name)
        # A table without a primary key: Django wants one; the model is unmanaged, so the
        # database is not changed.
        stand_in = table.primary_key is None and column is _stand_in_key(table)
        notes: list[str] = []
        if relation is not None:
            cls, args = self._relation(model, relation, column, notes)
        else:
            cls, args = self._plain_field(column, key == (column.name,), notes)
            if stand_in:
                notes.append("Not a primary key in the database: Django needs one to map the table.")
            if key == (column.name,) or stand_in:
                args.append("primary_key=True")
        name = model.fields[column.name]
        if column.generated and relation is None:
            return [line for n in notes for line in comment_lines(n)] + [self._generated(column, cls, args, name)]
        attname = f"{name}_id" if relation is not None else name
        if attname != column.name:
            args.append(f"db_column={column.name!r}")
        if column.nullable and column.name not in key and not stand_in:
            args.append("null=True")
        args += self._default(column, notes)
        if column.comment:
            args.append(f"db_comment={self._comment(column.comment)!r}")
        if column.charset and self.dialect == "mysql":
            notes.append(f"Character set {column.charset}: Django uses the table's.")
        lines = [line for n in notes for line in comment_lines(n)]
        lines.append(call(cls, args, indent=4, prefix=f"{name} = "))
        return lines

    def _plain_field(self, column: Column, whole_key: bool, notes: list[str]) -> tuple[str, list[str]]:
        """The field class and arguments of a column that is no relation; an identity that is
        the whole primary key becomes an auto field."""
        found = self.fields.field(column)
        cls, args = found.field, list(found.arguments)
        if found.note:
            notes.append(found.note)
        if column.identity and not whole_key:
            notes.append("An identity Django cannot make here (not the whole primary key); not created.")
        elif column.identity and cls == "DeclaredField":
            cls = "DeclaredAutoField"
            self.fields.uses_declared_auto_field = True
        elif column.identity and cls in _AUTO_FIELDS:
            cls = _AUTO_FIELDS[cls]
            if column.serial or column.identity_always or column.sequence:
                notes.append("Django's AutoField is GENERATED BY DEFAULT AS IDENTITY with the sequence's defaults.")
        elif column.identity:
            notes.append("An identity of a type Django has no auto field for; not created.")
        if whole_key and self.dialect == "postgresql" and cls in ("models.CharField", "models.TextField"):
            # Django would add a varchar_pattern_ops index to a text key on PostgreSQL.
            length = next((a.split("=", 1)[1] for a in args if a.startswith("max_length=")), "None")
            varchar = "character varying" + ("" if length == "None" else f"({length})")
            spelling = "text" if cls == "models.TextField" else varchar
            kept = [a for a in args if a.startswith(("db_collation", "choices"))]
            cls, args = "DeclaredField", [f"sql_type={spelling!r}", *kept]
            self.fields.uses_declared_field = True
        return cls, args

    def _generated(self, column: Column, cls: str, args: list[str], name: str) -> str:
        """A ``GeneratedField`` computing the column's SQL expression, of the column's type."""
        assert column.generated is not None
        self.imports.add("RawSQL")
        arguments = [f"expression=RawSQL({self._formatted_once(column.generated.expression)!r}, [])",
                     f"output_field={call(cls, [a for a in args if a != 'primary_key=True'])}",
                     f"db_persist={column.generated.stored}"]
        if name != column.name:
            arguments.append(f"db_column={column.name!r}")
        if column.comment:
            arguments.append(f"db_comment={self._comment(column.comment)!r}")
        return call("models.GeneratedField", arguments, indent=4, prefix=f"{name} = ")

    def _relation(self, model: _Model, relation: _Relation, column: Column, notes: list[str]) -> tuple[str, list[str]]:
        fk = relation.fk
        target = self.models[fk.ref_table]
        args = [repr(target.name)]
        action = _ON_DELETE.get(fk.on_delete, "DO_NOTHING")
        if action == "SET_NULL" and not column.nullable:
            action = "DO_NOTHING"
        args.append(f"on_delete=models.{action}")
        if fk.on_delete not in ("NO ACTION",) or fk.on_update not in ("NO ACTION",):
            notes.append(f"In the database: ON DELETE {fk.on_delete}, ON UPDATE {fk.on_update}; Django acts on delete"
                         " in Python and creates the key without actions.")
        if fk.ref_columns[0] != target.table.primary_key.columns[0]:  # type: ignore[union-attr]
            args.append(f"to_field={target.fields[fk.ref_columns[0]]!r}")
        args.append(f"related_name={relation.related_name!r}")
        if not relation.one_to_one:
            args.append("db_index=False")  # the indexes are the schema's own, in Meta.indexes
        return ("models.OneToOneField" if relation.one_to_one else "models.ForeignKey"), args

    def _default(self, column: Column, notes: list[str]) -> list[str]:
        default = column.default
        if column.on_update and self.dialect == "mysql":
            notes.append(f"ON UPDATE {column.on_update} in the database: Django has no such default (auto_now is Python's).")
        if default is None:
            return []
        if default.expression:
            if "nextval(" in default.value.lower():
                notes.append(f"Default {default.value!r}: its sequence is not Django's to create; left out.")
                return []
            self.imports.add("RawSQL")
            return [f"db_default=RawSQL({self._formatted_once(default.value)!r}, [])"]
        t = column.type
        literal = get_dialect(self.dialect).literal_sql(default.value, t)
        if not self.raw_defaults:
            if t.kind == "boolean":
                return [f"db_default={default.value.strip().lower() in ('1', 'true', 't', 'yes', 'y', 'on')}"]
            if t.is_numeric and re.fullmatch(r"-?\d+", default.value.strip()):
                return [f"db_default={int(default.value)}"]
            if t.is_numeric and re.fullmatch(r"-?\d+\.\d+", default.value.strip()):
                self.imports.add("Decimal")
                return [f"db_default=Decimal({default.value.strip()!r})"]
            if literal.startswith("'"):
                return [f"db_default={default.value!r}"]
        self.imports.add("RawSQL")
        return [f"db_default=RawSQL({self._formatted_once(literal)!r}, [])"]

    # ------------------------------------------------------------------ Meta

    def _meta(self, model: _Model) -> list[str]:
        table = model.table
        meta = [f"db_table = {table.name!r}"]
        if table.primary_key is None:
            meta.append("managed = False")
        if table.comment:
            meta.append(f"db_table_comment = {self._comment(table.comment)!r}")
        indexes, constraints = [], []
        for index in table.indexes:
            code = self._index(model, index)
            if code is None:
                continue
            (constraints if index.unique else indexes).append(code)
        for unique in table.uniques:
            args = [f"fields={[self._field_ref(model, c) for c in unique.columns]!r}", f"name={unique.name!r}"]
            args += self._timing(unique)
            if unique.nulls_not_distinct:
                args.append("nulls_distinct=False")
            constraints.append(call("models.UniqueConstraint", args))
        for check in table.checks:
            self.imports.add("RawSQL")
            condition = f"RawSQL({_percent(check.expression)!r}, [], output_field=models.BooleanField())"
            constraints.append(call("models.CheckConstraint", [f"condition={condition}", f"name={check.name!r}"]))
        for label, items in (("indexes", indexes), ("constraints", constraints)):
            if items:
                meta.append(f"{label} = [")
                meta += ["    " + item.replace("\n", "\n    ") + ("" if item.startswith("#") else ",") for item in items]
                meta.append("]")
        return meta

    def _formatted_once(self, sql: str) -> str:
        """SQLite: Django %-formats a default's or generated column's SQL once (it writes
        their parameters in); '%%' is one '%'. Elsewhere the SQL goes as it is."""
        return _percent(sql) if self.dialect == "sqlite" else sql

    def _comment(self, comment: str) -> str:
        """PostgreSQL: Django sends COMMENT ON through %-formatting with no parameters, where
        '%%' is one '%'."""
        return _percent(comment) if self.dialect == "postgresql" else comment

    def _field_ref(self, model: _Model, column: str) -> str:
        return model.fields[column]

    def _timing(self, element: object) -> list[str]:
        if getattr(element, "initially_deferred", False):
            return ["deferrable=models.Deferrable.DEFERRED"]
        if getattr(element, "deferrable", False):
            return ["deferrable=models.Deferrable.IMMEDIATE"]
        return []

    def _index(self, model: _Model, index: Index) -> str | None:
        """``models.Index`` (a unique index: ``UniqueConstraint`` over expressions, which Django
        creates as an index), or None with a comment where Django cannot say it."""
        if index.where or index.has_expressions or index.nulls_not_distinct or (index.method or "").lower() == "fulltext" \
                or any(k.nulls or k.collation or k.length for k in index.keys):
            return (f"# Index {index.name!r} is partial, on expressions, FULLTEXT or keyed in a way"
                    " Django's Index cannot say; not created.")
        names = [self._field_ref(model, c) for c in index.columns]
        args = [f"name={index.name!r}"]
        if any(k.opclass for k in index.keys):
            args.append(f"opclasses={[k.opclass or '' for k in index.keys]!r}")
        if index.include:
            args.append(f"include={[self._field_ref(model, c) for c in index.include]!r}")
        if index.unique:
            if self.dialect == "mysql":
                return call("models.UniqueConstraint", [f"fields={names!r}"] + args)
            self.imports.add("F")
            elements = [f"F({n!r}).desc()" if index.key(i).descending else f"F({n!r})" for i, n in enumerate(names)]
            return call("models.UniqueConstraint", elements + args)
        fields = [f"-{n}" if index.key(i).descending else n for i, n in enumerate(names)]
        cls = "models.Index"
        method = (index.method or "").lower()
        if method and method != "btree":
            cls = _PG_INDEXES.get(method, "models.Index")
            self.imports.add(cls)
        return call(cls, [f"fields={fields!r}"] + args)


def _stand_in_key(table: Table) -> Column:
    """The column an unmanaged model of a table without a primary key calls its key: the first
    NOT NULL one, else the first."""
    return next((c for c in table.columns if not c.nullable), table.columns[0])


def _percent(sql: str) -> str:
    """SQL Django %-formats once before sending it (a check's condition): '%' doubled."""
    return sql.replace("%", "%%")
