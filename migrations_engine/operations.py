"""Reversible schema operations: one small data class per kind of change, no SQL.

Each operation knows how to ``apply`` itself to a ``Schema`` (the model of what the database
holds after it runs), its ``reverse``, a ``describe`` sentence for reviewers, whether it is
``destructive`` (it can lose data), and how to serialise itself (``to_data`` / ``from_data``).
The SQL for an operation lives in the dialects (``migrations_engine.dialects``).
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from .errors import SchemaError
from .expressions import rename_column_in
from .schema import (
    Check,
    Column,
    Domain,
    Enum,
    Exclusion,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    Unique,
    replace_named,
)
from .types import ColumnType, is_widening


def _q(name: str) -> str:
    return f"“{name}”"


def _cols(columns: tuple[str, ...]) -> str:
    return ", ".join(_q(c) for c in columns)


class Operation:
    """Base of every operation. Subclasses are frozen dataclasses with a unique ``kind``."""

    kind: ClassVar[str]
    registry: ClassVar[dict[str, type[Operation]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Operation.registry[cls.kind] = cls

    def apply(self, schema: Schema) -> Schema:
        """The schema after this operation: mandatory."""
        raise NotImplementedError

    def reverse(self) -> Operation:
        """The operation that undoes this one: mandatory."""
        raise NotImplementedError

    def describe(self) -> str:
        """One sentence a reviewer reads: mandatory."""
        raise NotImplementedError

    @property
    def destructive(self) -> bool:
        """True when running this operation can lose data. Defaults to False."""
        return False

    def data_loss(self) -> str | None:
        """What running this operation can lose, as one clause a reviewer reads (``drops column
        “customer”.“fax”: its values are lost unless backed up``), or None when it loses nothing.

        None by default; every operation whose ``destructive`` can be True overrides it, so that
        it is None exactly when ``destructive`` is False.
        """
        return None

    @property
    def table_name(self) -> str | None:
        """The table this operation changes, if any (used for grouping and progress)."""
        return getattr(self, "table", None) if isinstance(getattr(self, "table", None), str) else None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"op": self.kind}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            data[f.name] = _encode(getattr(self, f.name))
        return data

    @staticmethod
    def from_data(data: dict[str, Any]) -> Operation:
        try:
            cls = Operation.registry[data["op"]]
        except (KeyError, TypeError):
            raise SchemaError(f"unknown operation {data!r:.80}") from None
        kwargs = {name: _decode(hint, data.get(name)) for name, hint in _field_hints(cls)}
        return cls(**kwargs)


@functools.cache
def _field_hints(cls: type) -> tuple[tuple[str, Any], ...]:
    """Each dataclass field of an operation class with its resolved type (resolving is slow)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


# ---------------------------------------------------------------- serialisation of values


def _encode(value: Any) -> Any:
    from .snapshot import column_to_data, domain_to_data, exclusion_to_data, index_to_data, sequence_to_data, table_to_data

    if isinstance(value, Sequence):
        return sequence_to_data(value)
    if isinstance(value, Domain):
        return domain_to_data(value)
    if isinstance(value, Table):
        return table_to_data(value)
    if isinstance(value, Exclusion):
        return exclusion_to_data(value)
    if isinstance(value, Column):
        return column_to_data(value)
    if isinstance(value, Index):
        return index_to_data(value)
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def _decode(hint: Any, value: Any) -> Any:
    from .snapshot import (
        column_from_data,
        domain_from_data,
        exclusion_from_data,
        index_from_data,
        sequence_from_data,
        table_from_data,
    )

    if value is None:
        return None
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    target = args[0] if typing.get_origin(hint) in (typing.Union, getattr(__import__("types"), "UnionType")) and args else hint
    if target is Sequence:
        return sequence_from_data(value)
    if target is Domain:
        return domain_from_data(value)
    if target is Table:
        return table_from_data(value)
    if target is Column:
        return column_from_data(value)
    if target is Index:
        return index_from_data(value)
    if target is Exclusion:
        return exclusion_from_data(value)
    if dataclasses.is_dataclass(target):
        return target(**{k: tuple(v) if isinstance(v, list) else v for k, v in value.items()})
    if typing.get_origin(target) is tuple:
        return tuple(value)
    return value


def operations_to_data(operations: list[Operation]) -> list[dict[str, Any]]:
    return [op.to_data() for op in operations]


def operations_from_data(data: list[dict[str, Any]]) -> list[Operation]:
    return [Operation.from_data(item) for item in data]


def reverse_all(operations: list[Operation]) -> list[Operation]:
    """The down operations: each reversed, in reverse order."""
    return [op.reverse() for op in reversed(operations)]


def apply_all(operations: list[Operation], schema: Schema) -> Schema:
    for op in operations:
        schema = op.apply(schema)
    return schema


# ---------------------------------------------------------------- enums


@dataclass(frozen=True)
class CreateEnum(Operation):
    kind: ClassVar[str] = "create_enum"
    enum: Enum

    def apply(self, schema: Schema) -> Schema:
        if schema.has_enum(self.enum.name):
            raise SchemaError(f"enum {self.enum.name!r} exists already")
        return replace(schema, enums=(*schema.enums, self.enum))

    def reverse(self) -> Operation:
        return DropEnum(self.enum)

    def describe(self) -> str:
        return f"Create enum {_q(self.enum.name)} with values {', '.join(map(repr, self.enum.values))}"


@dataclass(frozen=True)
class DropEnum(Operation):
    kind: ClassVar[str] = "drop_enum"
    enum: Enum

    def apply(self, schema: Schema) -> Schema:
        schema.enum(self.enum.name)
        return replace(schema, enums=tuple(e for e in schema.enums if e.name != self.enum.name))

    def reverse(self) -> Operation:
        return CreateEnum(self.enum)

    def describe(self) -> str:
        return f"Drop enum {_q(self.enum.name)}"


@dataclass(frozen=True)
class RenameEnum(Operation):
    kind: ClassVar[str] = "rename_enum"
    old_name: str
    new_name: str

    def apply(self, schema: Schema) -> Schema:
        enum = schema.enum(self.old_name)
        schema = schema.replace_enum(self.old_name, replace(enum, name=self.new_name))
        for table, column in schema.columns_of_enum(self.old_name):
            renamed = replace(column, type=column.type.with_enum(self.new_name))
            schema = schema.replace_table(table.name, schema.table(table.name).replace_column(column.name, renamed))
        return schema

    def reverse(self) -> Operation:
        return RenameEnum(self.new_name, self.old_name)

    def describe(self) -> str:
        return f"Rename enum {_q(self.old_name)} to {_q(self.new_name)}"


@dataclass(frozen=True)
class AlterEnum(Operation):
    """Change an enum's values (same name). Adding values keeps data; removing them may not."""

    kind: ClassVar[str] = "alter_enum"
    old: Enum
    new: Enum

    def apply(self, schema: Schema) -> Schema:
        schema.enum(self.old.name)
        return schema.replace_enum(self.old.name, self.new)

    def reverse(self) -> Operation:
        return AlterEnum(self.new, self.old)

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(v for v in self.new.values if v not in self.old.values)

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(v for v in self.old.values if v not in self.new.values)

    @property
    def only_adds(self) -> bool:
        """True when the new values are the old ones, in order, with values inserted."""
        kept = [v for v in self.new.values if v in self.old.values]
        return not self.removed and kept == list(self.old.values)

    @property
    def destructive(self) -> bool:
        return bool(self.removed)

    def data_loss(self) -> str | None:
        if not self.removed:
            return None
        them = "it" if len(self.removed) == 1 else "them"
        return (
            f"removes {', '.join(map(repr, self.removed))} from enum {_q(self.old.name)}: "
            f"rows holding {them} make the change fail unless updated first"
        )

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append("add " + ", ".join(map(repr, self.added)))
        if self.removed:
            parts.append("remove " + ", ".join(map(repr, self.removed)))
        if not parts:
            parts.append("reorder values")
        return f"Change enum {_q(self.old.name)}: " + "; ".join(parts)


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class CreateTable(Operation):
    """Create a table with its columns, keys, checks and indexes; foreign keys come separately."""

    kind: ClassVar[str] = "create_table"
    table: Table  # type: ignore[assignment]

    def apply(self, schema: Schema) -> Schema:
        return schema.with_table(self.table)

    def reverse(self) -> Operation:
        return DropTable(self.table)

    @property
    def table_name(self) -> str | None:
        return self.table.name

    def describe(self) -> str:
        n = len(self.table.columns)
        return f"Create table {_q(self.table.name)} with {n} column{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class DropTable(Operation):
    kind: ClassVar[str] = "drop_table"
    table: Table  # type: ignore[assignment]

    def apply(self, schema: Schema) -> Schema:
        return schema.without_table(self.table.name)

    def reverse(self) -> Operation:
        return CreateTable(self.table)

    @property
    def table_name(self) -> str | None:
        return self.table.name

    @property
    def destructive(self) -> bool:
        return True

    def data_loss(self) -> str | None:
        return f"drops table {_q(self.table.name)}: all its rows are lost unless backed up"

    def describe(self) -> str:
        return f"Drop table {_q(self.table.name)} and all its rows"


@dataclass(frozen=True)
class RenameTable(Operation):
    kind: ClassVar[str] = "rename_table"
    old_name: str
    new_name: str

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.old_name)
        if schema.has_table(self.new_name):
            raise SchemaError(f"cannot rename {self.old_name!r}: table {self.new_name!r} exists")
        tables = []
        for t in schema.tables:
            if t.name == self.old_name:
                t = replace(table, name=self.new_name)
            if any(fk.ref_table == self.old_name for fk in t.foreign_keys):
                t = replace(
                    t,
                    foreign_keys=tuple(
                        replace(fk, ref_table=self.new_name) if fk.ref_table == self.old_name else fk
                        for fk in t.foreign_keys
                    ),
                )
            tables.append(t)
        return replace(schema, tables=tuple(tables))

    def reverse(self) -> Operation:
        return RenameTable(self.new_name, self.old_name)

    @property
    def table_name(self) -> str | None:
        return self.old_name

    def describe(self) -> str:
        return f"Rename table {_q(self.old_name)} to {_q(self.new_name)}"


@dataclass(frozen=True)
class SetTableComment(Operation):
    kind: ClassVar[str] = "set_table_comment"
    table: str  # type: ignore[assignment]
    old: str | None
    new: str | None

    def apply(self, schema: Schema) -> Schema:
        return schema.replace_table(self.table, replace(schema.table(self.table), comment=self.new))

    def reverse(self) -> Operation:
        return SetTableComment(self.table, self.new, self.old)

    def describe(self) -> str:
        if self.new is None:
            return f"Remove the comment of table {_q(self.table)}"
        return f"Set the comment of table {_q(self.table)} to {self.new!r}"


@dataclass(frozen=True)
class SetTableCharset(Operation):
    """Change a table's default character set and collation (MySQL/MariaDB). Its columns that
    use the default follow it (their text is converted); the others keep theirs."""

    kind: ClassVar[str] = "set_table_charset"
    table: str  # type: ignore[assignment]
    old_charset: str | None
    old_collation: str | None
    new_charset: str | None
    new_collation: str | None

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        return schema.replace_table(self.table, replace(table, charset=self.new_charset, collation=self.new_collation))

    def reverse(self) -> Operation:
        return SetTableCharset(self.table, self.new_charset, self.new_collation, self.old_charset, self.old_collation)

    def describe(self) -> str:
        return f"Change the default of table {_q(self.table)}: " + _charset_words(self.new_charset, self.new_collation, "the dialect's")


@dataclass(frozen=True)
class SetTableOptions(Operation):
    """Turn a table's ``WITHOUT ROWID`` and ``STRICT`` options on or off (SQLite, which
    rebuilds the table for it)."""

    kind: ClassVar[str] = "set_table_options"
    table: str  # type: ignore[assignment]
    old_without_rowid: bool
    old_strict: bool
    new_without_rowid: bool
    new_strict: bool

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        return schema.replace_table(self.table, replace(table, without_rowid=self.new_without_rowid, strict=self.new_strict))

    def reverse(self) -> Operation:
        return SetTableOptions(self.table, self.new_without_rowid, self.new_strict, self.old_without_rowid, self.old_strict)

    def describe(self) -> str:
        changes = []
        if self.old_without_rowid != self.new_without_rowid:
            changes.append("make it WITHOUT ROWID" if self.new_without_rowid else "give it a rowid")
        if self.old_strict != self.new_strict:
            changes.append("make it STRICT" if self.new_strict else "stop it being STRICT")
        return f"Change table {_q(self.table)}: " + "; ".join(changes)


def _charset_words(charset: str | None, collation: str | None, fallback: str) -> str:
    if charset is None and collation is None:
        return f"{fallback} character set and collation"
    parts = [f"character set {charset}" if charset else f"{fallback} character set"]
    if collation:
        parts.append(f"collation {collation}")
    return " ".join(parts)


# ---------------------------------------------------------------- columns


def _rename_in(columns: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if c == old else c for c in columns)


def _index_with_column_renamed(index: Index | Exclusion, old: str, new: str, table: str) -> Any:
    """``index`` (or an exclusion constraint) naming column ``new`` where it named ``old``: its
    column elements, the columns its expressions and condition use, and its INCLUDE columns."""
    elements = tuple(
        rename_column_in(element, old, new, table) if index.key(n).expression else (new if element == old else element)
        for n, element in enumerate(index.columns)
    )
    return replace(
        index,
        columns=elements,
        include=_rename_in(index.include, old, new),
        where=index.where and rename_column_in(index.where, old, new, table),
    )


#: A column name no schema has: renaming a column to it shows whether an expression names it.
_PROBE = "__probe_column__"


def _names_column(expression: str, column: str, table: str) -> bool:
    """Whether ``expression`` names ``column`` (as sqlglot reads it)."""
    return rename_column_in(expression, column, _PROBE, table) != expression


def _uses_column(exclusion: Exclusion, column: str, table: str) -> bool:
    """Whether ``exclusion`` uses ``column``: an element, an INCLUDE column, or in an expression."""
    return _index_with_column_renamed(exclusion, column, _PROBE, table) != exclusion


def exclusion_with_column_renamed(exclusion: Exclusion, old: str, new: str, table: str) -> Exclusion:
    """``exclusion`` naming column ``new`` where it named ``old`` (as RENAME COLUMN makes it)."""
    return _index_with_column_renamed(exclusion, old, new, table)


@dataclass(frozen=True)
class AddColumn(Operation):
    kind: ClassVar[str] = "add_column"
    table: str  # type: ignore[assignment]
    column: Column

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        if table.has_column(self.column.name):
            raise SchemaError(f"table {self.table!r} has a column {self.column.name!r} already")
        return schema.replace_table(self.table, replace(table, columns=(*table.columns, self.column)))

    def reverse(self) -> Operation:
        return DropColumn(self.table, self.column)

    def describe(self) -> str:
        null = "" if self.column.nullable else " NOT NULL"
        return f"Add column {_q(self.column.name)} ({self.column.type}{null}) to table {_q(self.table)}"


@dataclass(frozen=True)
class DropColumn(Operation):
    kind: ClassVar[str] = "drop_column"
    table: str  # type: ignore[assignment]
    column: Column

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        name = self.column.name
        table.column(name)
        # The databases would take these with the column (or refuse): the model must not keep
        # them naming a column that is gone. The diff drops them first; a hand-made list must too.
        users = [
            f"{kind} {_q(element.name or '')}"
            for kind, element, columns in (
                *(("primary key", k, k.columns) for k in (table.primary_key,) if k is not None),
                *(("unique constraint", u, u.columns) for u in table.uniques),
                *(("index", i, (name,)) for i in table.indexes if _index_with_column_renamed(i, name, _PROBE, self.table) != i),
                *(("check", c, (name,)) for c in table.checks if _names_column(c.expression, name, self.table)),
                *(
                    ("generated column", c, (name,))
                    for c in table.columns
                    if c.generated is not None and c.name != name and _names_column(c.generated.expression, name, self.table)
                ),
                # PostgreSQL drops an exclusion with any column it uses, in an expression too.
                *(("exclusion constraint", x, (name,)) for x in table.exclusions if _uses_column(x, name, self.table)),
                *(("foreign key", f, f.columns) for f in table.foreign_keys),
                *(("foreign key", f, f.ref_columns) for _, f in schema.referencing(self.table)),
            )
            if name in columns
        ]
        if users:
            raise SchemaError(f"cannot drop column {self.table}.{name}: drop its {', '.join(dict.fromkeys(users))} first")
        return schema.replace_table(
            self.table, replace(table, columns=tuple(c for c in table.columns if c.name != name))
        )

    def reverse(self) -> Operation:
        return AddColumn(self.table, self.column)

    @property
    def destructive(self) -> bool:
        return True

    def data_loss(self) -> str | None:
        return f"drops column {_q(self.table)}.{_q(self.column.name)}: its values are lost unless backed up"

    def describe(self) -> str:
        return f"Drop column {_q(self.column.name)} from table {_q(self.table)} and its values"


@dataclass(frozen=True)
class RenameColumn(Operation):
    kind: ClassVar[str] = "rename_column"
    table: str  # type: ignore[assignment]
    old_name: str
    new_name: str

    def apply(self, schema: Schema) -> Schema:
        old, new = self.old_name, self.new_name
        table = schema.table(self.table)
        column = table.column(old)
        if table.has_column(new):
            raise SchemaError(f"cannot rename {self.table}.{old}: column {new!r} exists")
        pk = table.primary_key
        table = replace(
            table.replace_column(old, replace(column, name=new)),
            primary_key=replace(pk, columns=_rename_in(pk.columns, old, new)) if pk else None,
            foreign_keys=tuple(replace(fk, columns=_rename_in(fk.columns, old, new)) for fk in table.foreign_keys),
            uniques=tuple(replace(u, columns=_rename_in(u.columns, old, new)) for u in table.uniques),
            indexes=tuple(_index_with_column_renamed(i, old, new, self.table) for i in table.indexes),
            exclusions=tuple(_index_with_column_renamed(x, old, new, self.table) for x in table.exclusions),
            # The databases rewrite these too (MySQL 8 refuses the rename instead: its dialect
            # drops and re-adds the checks around it).
            checks=tuple(replace(c, expression=rename_column_in(c.expression, old, new, self.table)) for c in table.checks),
        )
        table = replace(
            table,
            columns=tuple(
                replace(c, generated=replace(c.generated, expression=rename_column_in(c.generated.expression, old, new, self.table)))
                if c.generated is not None
                else c
                for c in table.columns
            ),
        )
        schema = schema.replace_table(self.table, table)
        for other, fk in schema.referencing(self.table):
            other = schema.table(other.name)
            moved = replace(fk, ref_columns=_rename_in(fk.ref_columns, old, new))
            schema = schema.replace_table(
                other.name, replace(other, foreign_keys=replace_named(other.foreign_keys, fk.name or "", moved))
            )
        return schema

    def reverse(self) -> Operation:
        return RenameColumn(self.table, self.new_name, self.old_name)

    def describe(self) -> str:
        return f"Rename column {_q(self.old_name)} of table {_q(self.table)} to {_q(self.new_name)}"


@dataclass(frozen=True)
class AlterColumn(Operation):
    """Change a column's type, nullability, default, identity or comment (not its name)."""

    kind: ClassVar[str] = "alter_column"
    table: str  # type: ignore[assignment]
    old: Column
    new: Column

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        table.column(self.old.name)
        return schema.replace_table(self.table, table.replace_column(self.old.name, self.new))

    def reverse(self) -> Operation:
        return AlterColumn(self.table, self.new, self.old)

    @property
    def type_changed(self) -> bool:
        return self.old.type != self.new.type

    @property
    def nullable_changed(self) -> bool:
        return self.old.nullable != self.new.nullable

    @property
    def default_changed(self) -> bool:
        return self.old.default != self.new.default

    @property
    def identity_changed(self) -> bool:
        return self.old.identity != self.new.identity

    @property
    def comment_changed(self) -> bool:
        return self.old.comment != self.new.comment

    @property
    def becomes_generated(self) -> bool:
        """A stored column made generated: its values are replaced by its expression's."""
        return self.old.generated is None and self.new.generated is not None

    @property
    def destructive(self) -> bool:
        # Narrowing a type can cut values; NOT NULL replaces existing NULLs by the default; a
        # column made generated has its values computed anew.
        narrowing = self.type_changed and not is_widening(self.old.type, self.new.type)
        return narrowing or (self.old.nullable and not self.new.nullable) or self.becomes_generated

    def data_loss(self) -> str | None:
        # The same two cases as ``destructive``, each said with what it does to existing values.
        column = f"{_q(self.table)}.{_q(self.old.name)}"
        losses = []
        if self.type_changed and not is_widening(self.old.type, self.new.type):
            losses.append(
                f"changes {column} from {self.old.type} to {self.new.type}: "
                + _narrowing_loss(self.old.type, self.new.type)
            )
        if self.old.nullable and not self.new.nullable:
            default = self.new.default
            if default is None or self.new.identity:
                fill = "a zero value of its type (0, '', false or the like)"
            else:
                fill = f"its default {default.value if default.expression else repr(default.value)}"
            losses.append(f"makes {column} NOT NULL: its NULLs are replaced by {fill}")
        if self.becomes_generated:
            assert self.new.generated is not None
            losses.append(f"makes {column} generated: its values are replaced by those of ({self.new.generated.expression})")
        return "; ".join(losses) or None

    def describe(self) -> str:
        changes = []
        if self.type_changed:
            changes.append(f"type {self.old.type} → {self.new.type}")
        if self.nullable_changed:
            changes.append("allow NULL" if self.new.nullable else "make NOT NULL")
        if self.default_changed:
            changes.append(
                "drop the default" if self.new.default is None else f"default {self.new.default.value}"
            )
        if self.identity_changed:
            changes.append("make it an identity" if self.new.identity else "stop being an identity")
        if self.comment_changed:
            changes.append("remove the comment" if self.new.comment is None else f"comment {self.new.comment!r}")
        if (self.old.charset, self.old.collation) != (self.new.charset, self.new.collation):
            changes.append(_charset_words(self.new.charset, self.new.collation, "the table's"))
        if self.old.serial != self.new.serial:
            changes.append("make it a serial" if self.new.serial else "make it an identity instead of a serial")
        if self.old.on_update != self.new.on_update:
            changes.append("stop setting it on update" if self.new.on_update is None else f"on update {self.new.on_update}")
        if self.old.identity_always != self.new.identity_always:
            changes.append("identity GENERATED ALWAYS" if self.new.identity_always else "identity GENERATED BY DEFAULT")
        if self.old.sequence != self.new.sequence:
            changes.append("reset its sequence's options" if self.new.sequence is None else f"sequence {_sequence_words(self.new)}")
        if self.old.generated != self.new.generated:
            generated = self.new.generated
            if generated is None:
                changes.append("stop being generated")
            else:
                changes.append(f"generated as ({generated.expression}) {'STORED' if generated.stored else 'VIRTUAL'}")
        return f"Change column {_q(self.old.name)} of table {_q(self.table)}: " + "; ".join(changes)


def _sequence_words(column: Column) -> str:
    sequence = column.sequence
    assert sequence is not None
    words = [
        f"{label} {value}"
        for label, value in (
            ("start", sequence.start),
            ("increment", sequence.increment),
            ("min", sequence.min_value),
            ("max", sequence.max_value),
            ("cache", sequence.cache),
        )
        if value is not None
    ]
    return ", ".join(words + (["cycle"] if sequence.cycle else [])) or "default options"


def _index_element_words(index: Index, position: int) -> str:
    """One element of an index as a reviewer reads it: ``“name”(10) DESC``, ``lower(email)``."""
    key = index.key(position)
    element = index.columns[position]
    words = element if key.expression else _q(element)
    if key.length is not None:
        words += f"({key.length})"
    extras = [
        f"COLLATE {key.collation}" if key.collation else "",
        key.opclass or "",
        "DESC" if key.descending else "",
        f"NULLS {key.nulls}" if key.nulls else "",
    ]
    return " ".join([words, *(extra for extra in extras if extra)])


def _narrowing_loss(old: ColumnType, new: ColumnType) -> str:
    """What a type change that is not a widening does to the values that do not fit."""
    if new.kind in ("char", "varchar", "binary"):
        return "longer values fail or are cut"
    if new.kind == "decimal":
        return "values with more digits fail or are rounded"
    if new.kind == old.kind and new.kind in ("time", "timestamp", "timestamptz"):
        return "fractions of a second are rounded"
    if new.kind in ("smallint", "integer", "bigint") and old.kind in ("smallint", "integer", "bigint"):
        return "values out of the new range fail"
    if new.kind in ("float", "double"):
        return "values lose precision or fail"
    return "values that do not convert fail or are lost"


# ---------------------------------------------------------------- keys, constraints, indexes


def _table_with(schema: Schema, name: str, **changes: Any) -> Schema:
    return schema.replace_table(name, replace(schema.table(name), **changes))


_Named = PrimaryKey | ForeignKey | Unique | Check | Index | Exclusion
_A_WHAT = {
    PrimaryKey: "a primary key",
    ForeignKey: "a foreign key",
    Unique: "a unique constraint",
    Check: "a check",
    Index: "an index",
    Exclusion: "an exclusion constraint",
}


def _may_share_a_name(a: _Named, b: _Named) -> bool:
    """True when ``a`` and ``b`` can have one name in one table (the rules of ``validate``).

    Constraints have distinct names, and indexes too; a primary key, unique or exclusion
    constraint is an index as well, while a check or foreign key may share its name with an index.
    """
    index_a, index_b = isinstance(a, Index), isinstance(b, Index)
    if index_a == index_b:
        return False
    other = b if index_a else a
    return isinstance(other, (ForeignKey, Check))


def _refuse_taken(
    table: Table, item: _Named, name: str | None, *, renaming: _Named | None = None
) -> None:
    """Refuse ``item`` named ``name`` in ``table`` when the name is taken (``renaming`` aside)."""
    if not name:
        return
    pk = [table.primary_key] if table.primary_key is not None else []
    for other in (*pk, *table.foreign_keys, *table.uniques, *table.checks, *table.indexes, *table.exclusions):
        if other is renaming or other.name != name or _may_share_a_name(item, other):
            continue
        raise SchemaError(f"table {table.name!r} has {_A_WHAT[type(other)]} named {name!r} already")


@dataclass(frozen=True)
class AddPrimaryKey(Operation):
    kind: ClassVar[str] = "add_primary_key"
    table: str  # type: ignore[assignment]
    primary_key: PrimaryKey

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        if table.primary_key is not None:
            raise SchemaError(f"table {self.table!r} has a primary key already")
        _refuse_taken(table, self.primary_key, self.primary_key.name)
        return _table_with(schema, self.table, primary_key=self.primary_key)

    def reverse(self) -> Operation:
        return DropPrimaryKey(self.table, self.primary_key)

    def describe(self) -> str:
        return f"Add primary key ({_cols(self.primary_key.columns)}) to table {_q(self.table)}"


@dataclass(frozen=True)
class DropPrimaryKey(Operation):
    kind: ClassVar[str] = "drop_primary_key"
    table: str  # type: ignore[assignment]
    primary_key: PrimaryKey

    def apply(self, schema: Schema) -> Schema:
        if schema.table(self.table).primary_key is None:
            raise SchemaError(f"table {self.table!r} has no primary key")
        return _table_with(schema, self.table, primary_key=None)

    def reverse(self) -> Operation:
        return AddPrimaryKey(self.table, self.primary_key)

    def describe(self) -> str:
        return f"Drop the primary key ({_cols(self.primary_key.columns)}) of table {_q(self.table)}"


@dataclass(frozen=True)
class AddForeignKey(Operation):
    kind: ClassVar[str] = "add_foreign_key"
    table: str  # type: ignore[assignment]
    foreign_key: ForeignKey

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        _refuse_taken(table, self.foreign_key, self.foreign_key.name)
        return _table_with(schema, self.table, foreign_keys=(*table.foreign_keys, self.foreign_key))

    def reverse(self) -> Operation:
        return DropForeignKey(self.table, self.foreign_key)

    def describe(self) -> str:
        fk = self.foreign_key
        actions = ""
        if fk.on_delete != "NO ACTION":
            actions += f", ON DELETE {fk.on_delete}"
        if fk.on_update != "NO ACTION":
            actions += f", ON UPDATE {fk.on_update}"
        return (
            f"Add foreign key {_q(fk.name or '')} from {_q(self.table)} ({_cols(fk.columns)}) "
            f"to {_q(fk.ref_table)} ({_cols(fk.ref_columns)}){actions}"
        )


@dataclass(frozen=True)
class DropForeignKey(Operation):
    kind: ClassVar[str] = "drop_foreign_key"
    table: str  # type: ignore[assignment]
    foreign_key: ForeignKey

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        return _table_with(schema, self.table, foreign_keys=replace_named(table.foreign_keys, self.foreign_key.name or "", None))

    def reverse(self) -> Operation:
        return AddForeignKey(self.table, self.foreign_key)

    def describe(self) -> str:
        fk = self.foreign_key
        return f"Drop foreign key {_q(fk.name or '')} from {_q(self.table)} to {_q(fk.ref_table)}"


@dataclass(frozen=True)
class AddUnique(Operation):
    kind: ClassVar[str] = "add_unique"
    table: str  # type: ignore[assignment]
    unique: Unique

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        _refuse_taken(table, self.unique, self.unique.name)
        return _table_with(schema, self.table, uniques=(*table.uniques, self.unique))

    def reverse(self) -> Operation:
        return DropUnique(self.table, self.unique)

    def describe(self) -> str:
        return f"Add unique constraint {_q(self.unique.name or '')} on {_q(self.table)} ({_cols(self.unique.columns)})"


@dataclass(frozen=True)
class DropUnique(Operation):
    kind: ClassVar[str] = "drop_unique"
    table: str  # type: ignore[assignment]
    unique: Unique

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        return _table_with(schema, self.table, uniques=replace_named(table.uniques, self.unique.name or "", None))

    def reverse(self) -> Operation:
        return AddUnique(self.table, self.unique)

    def describe(self) -> str:
        return f"Drop unique constraint {_q(self.unique.name or '')} from {_q(self.table)}"


@dataclass(frozen=True)
class AddCheck(Operation):
    kind: ClassVar[str] = "add_check"
    table: str  # type: ignore[assignment]
    check: Check

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        _refuse_taken(table, self.check, self.check.name)
        return _table_with(schema, self.table, checks=(*table.checks, self.check))

    def reverse(self) -> Operation:
        return DropCheck(self.table, self.check)

    def describe(self) -> str:
        return f"Add check {_q(self.check.name or '')} on {_q(self.table)}: {self.check.expression}"


@dataclass(frozen=True)
class DropCheck(Operation):
    kind: ClassVar[str] = "drop_check"
    table: str  # type: ignore[assignment]
    check: Check

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        return _table_with(schema, self.table, checks=replace_named(table.checks, self.check.name or "", None))

    def reverse(self) -> Operation:
        return AddCheck(self.table, self.check)

    def describe(self) -> str:
        return f"Drop check {_q(self.check.name or '')} from {_q(self.table)}"


def _exclusion_words(exclusion: Exclusion) -> str:
    """``USING gist (“room” WITH =, “during” WITH &&) WHERE …``, for describing it."""
    elements = ", ".join(
        f"{element if exclusion.key(n).expression else _q(element)} WITH {operator}"
        for n, (element, operator) in enumerate(zip(exclusion.columns, exclusion.operators))
    )
    where = f" where {exclusion.where}" if exclusion.where else ""
    return f"using {exclusion.method or 'btree'} ({elements}){where}"


@dataclass(frozen=True)
class AddExclusion(Operation):
    """Add a PostgreSQL ``EXCLUDE`` constraint (the rows present must satisfy it)."""

    kind: ClassVar[str] = "add_exclusion"
    table: str  # type: ignore[assignment]
    exclusion: Exclusion

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        _refuse_taken(table, self.exclusion, self.exclusion.name)
        return _table_with(schema, self.table, exclusions=(*table.exclusions, self.exclusion))

    def reverse(self) -> Operation:
        return DropExclusion(self.table, self.exclusion)

    def describe(self) -> str:
        return f"Add exclusion constraint {_q(self.exclusion.name or '')} on {_q(self.table)} {_exclusion_words(self.exclusion)}"


@dataclass(frozen=True)
class DropExclusion(Operation):
    kind: ClassVar[str] = "drop_exclusion"
    table: str  # type: ignore[assignment]
    exclusion: Exclusion

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        return _table_with(schema, self.table, exclusions=replace_named(table.exclusions, self.exclusion.name or "", None))

    def reverse(self) -> Operation:
        return AddExclusion(self.table, self.exclusion)

    def describe(self) -> str:
        return f"Drop exclusion constraint {_q(self.exclusion.name or '')} from {_q(self.table)}"


@dataclass(frozen=True)
class CreateIndex(Operation):
    kind: ClassVar[str] = "create_index"
    table: str  # type: ignore[assignment]
    index: Index

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        _refuse_taken(table, self.index, self.index.name)
        return _table_with(schema, self.table, indexes=(*table.indexes, self.index))

    def reverse(self) -> Operation:
        return DropIndex(self.table, self.index)

    def describe(self) -> str:
        index = self.index
        unique = "unique " if index.unique else ""
        method = f"{index.method} " if index.method else ""
        elements = ", ".join(_index_element_words(index, n) for n in range(len(index.columns)))
        include = f" including {_cols(index.include)}" if index.include else ""
        where = f" where {index.where}" if index.where else ""
        return f"Create {unique}{method}index {_q(index.name or '')} on {_q(self.table)} ({elements}){include}{where}"


@dataclass(frozen=True)
class DropIndex(Operation):
    kind: ClassVar[str] = "drop_index"
    table: str  # type: ignore[assignment]
    index: Index

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        return _table_with(schema, self.table, indexes=replace_named(table.indexes, self.index.name or "", None))

    def reverse(self) -> Operation:
        return CreateIndex(self.table, self.index)

    def describe(self) -> str:
        return f"Drop index {_q(self.index.name or '')} from {_q(self.table)}"


@dataclass(frozen=True)
class RenameIndex(Operation):
    kind: ClassVar[str] = "rename_index"
    table: str  # type: ignore[assignment]
    index: Index  # as it is before the rename
    new_name: str

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        renamed = replace(self.index, name=self.new_name)
        indexes = replace_named(table.indexes, self.index.name or "", renamed)
        current = next(i for i in table.indexes if i.name == self.index.name)
        _refuse_taken(table, renamed, self.new_name, renaming=current)
        return _table_with(schema, self.table, indexes=indexes)

    def reverse(self) -> Operation:
        return RenameIndex(self.table, replace(self.index, name=self.new_name), self.index.name or "")

    def describe(self) -> str:
        return f"Rename index {_q(self.index.name or '')} of {_q(self.table)} to {_q(self.new_name)}"


@dataclass(frozen=True)
class RenameConstraint(Operation):
    """Rename a primary key, foreign key, unique, check or exclusion constraint, nothing else changing."""

    kind: ClassVar[str] = "rename_constraint"
    table: str  # type: ignore[assignment]
    old_name: str
    new_name: str

    def apply(self, schema: Schema) -> Schema:
        table = schema.table(self.table)
        old, new = self.old_name, self.new_name
        current = self.constraint_in(schema)
        _refuse_taken(table, current, new, renaming=current)
        pk = table.primary_key
        if pk is not None and pk.name == old:
            return _table_with(schema, self.table, primary_key=replace(pk, name=new))
        for attr in ("foreign_keys", "uniques", "checks", "exclusions"):
            items = getattr(table, attr)
            for item in items:
                if item.name == old:
                    return _table_with(schema, self.table, **{attr: replace_named(items, old, replace(item, name=new))})
        raise SchemaError(f"table {self.table!r} has no constraint {old!r}")

    def reverse(self) -> Operation:
        return RenameConstraint(self.table, self.new_name, self.old_name)

    def describe(self) -> str:
        return f"Rename constraint {_q(self.old_name)} of {_q(self.table)} to {_q(self.new_name)}"

    def constraint_in(self, schema: Schema) -> PrimaryKey | ForeignKey | Unique | Check | Exclusion:
        """The constraint this operation renames, as it is in ``schema`` (before the rename)."""
        table = schema.table(self.table)
        for item in (table.primary_key, *table.foreign_keys, *table.uniques, *table.checks, *table.exclusions):
            if item is not None and item.name == self.old_name:
                return item
        raise SchemaError(f"table {self.table!r} has no constraint {self.old_name!r}")


#: ``SetComment.element``: the kinds of element whose comment it sets, with the table's attribute
#: holding them (None: the primary key, or an enum, which has no table).
COMMENTED_ELEMENTS = {
    "primary_key": None,
    "foreign_key": "foreign_keys",
    "unique": "uniques",
    "check": "checks",
    "index": "indexes",
    "exclusion": "exclusions",
    "enum": None,
}


@dataclass(frozen=True)
class SetComment(Operation):
    """Set or remove the comment of a key, constraint, index (``table`` names its table) or
    enum (``table`` is None). Table and column comments have their own operations."""

    kind: ClassVar[str] = "set_comment"
    table: str | None  # type: ignore[assignment]
    element: str  # a key of COMMENTED_ELEMENTS
    name: str
    old: str | None
    new: str | None

    def apply(self, schema: Schema) -> Schema:
        if self.element == "enum":
            return schema.replace_enum(self.name, replace(schema.enum(self.name), comment=self.new))
        table = schema.table(self.table or "")
        if self.element == "primary_key":
            if table.primary_key is None or table.primary_key.name != self.name:
                raise SchemaError(f"table {table.name!r} has no primary key {self.name!r}")
            return _table_with(schema, table.name, primary_key=replace(table.primary_key, comment=self.new))
        attr = COMMENTED_ELEMENTS[self.element]
        assert attr is not None
        items = getattr(table, attr)
        current = next((item for item in items if item.name == self.name), None)
        if current is None:
            raise SchemaError(f"table {table.name!r} has no {self.element.replace('_', ' ')} {self.name!r}")
        return _table_with(schema, table.name, **{attr: replace_named(items, self.name, replace(current, comment=self.new))})

    def reverse(self) -> Operation:
        return SetComment(self.table, self.element, self.name, self.new, self.old)

    def describe(self) -> str:
        what = f"{self.element.replace('_', ' ')} {_q(self.name)}"
        if self.table is not None:
            what += f" of {_q(self.table)}"
        if self.new is None:
            return f"Remove the comment of {what}"
        return f"Set the comment of {what} to {self.new!r}"


# The operations on sequences and domains live in their own module; importing it here registers
# them, so ``Operation.from_data`` knows them wherever operations are read.
from . import object_operations  # noqa: E402,F401
