"""A schema as DBML (dbdiagram.io's language), read back by ``imports.dbml``.

Written by hand rather than with pydbml's own writer: pydbml 1.2.1 writes index columns
unquoted (a name with a space breaks the file), does not escape backslashes in notes and puts
``"`` around names without checking them. Every name here is double-quoted; strings are
single-quoted with ``\\``, ``'``, newlines and tabs escaped, as pydbml reads them.

DBML has no checks (pydbml 1.2.1 reads no ``checks { }``), sequences, domains, exclusion
constraints, partial indexes, generated columns, character sets, collations, ``ON UPDATE``,
identity options, deferrable constraints or comments on keys: what the schema holds of these is
listed in a sticky note, ``Note not_in_dbml``, and not read back (docs/import-export.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..errors import EngineError, SchemaError
from ..imports.dbml import UNIQUE_CONSTRAINT_MARK, is_unique
from ..naming import foreign_key_name, primary_key_name, unique_name
from ..schema import Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from ..types import ColumnType

#: The DBML ``Project``'s ``database_type`` for each dialect (dbdiagram.io's spelling).
DATABASE_TYPES = {"postgresql": "PostgreSQL", "mysql": "MySQL", "sqlite": "SQLite"}

#: Index access methods DBML names (``type:``); btree is the default and written as nothing.
_DBML_METHODS = ("hash", "gin", "gist", "brin", "spgist")

_NUMBER = re.compile(r"\d+(\.\d+)?")
_MYSQL_ENUM = re.compile(r"enum\((.*)\)", re.IGNORECASE | re.DOTALL)
_MYSQL_VALUE = re.compile(r"'((?:[^'\\]|''|\\.)*)'")


def to_dbml(
    schema: Schema,
    dialect: str | None,
    *,
    title: str | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """``schema`` as DBML. With ``dialect``, its native types are written bare (``text[]``,
    ``"int(10) unsigned"``) and a ``Project`` names the database; MySQL's inline enums become
    DBML enums. ``title`` names the ``Project`` (else "schema"); ``groups`` (group name -> table
    names) become ``TableGroup``s, tables the schema lacks left out. Raises ``EngineError`` for a
    name DBML cannot spell (a ``"`` or a line break)."""
    from ..dialects import canonical_name

    return _Writer(schema, canonical_name(dialect) if dialect else None, title, groups or {}).text()


class _Writer:
    def __init__(
        self, schema: Schema, dialect: str | None, title: str | None = None, groups: Mapping[str, Sequence[str]] = {}
    ) -> None:
        self.schema = schema
        self.dialect = dialect
        self.title = title or "schema"
        self.groups = groups
        self.lost: list[str] = []
        #: MySQL inline enums turned into DBML enums: (table, column) -> enum name, and the enums.
        self.inline_enums: dict[tuple[str, str], str] = {}
        self.inline_values: dict[str, tuple[str, ...]] = {}
        if dialect == "mysql":
            self._name_inline_enums()

    def text(self) -> str:
        blocks = []
        if self.dialect:
            blocks.append(f"Project {quote(self.title)} {{\n  database_type: {string(DATABASE_TYPES[self.dialect])}\n}}")
        for enum in self.schema.enums:
            blocks.append(_enum_block(enum.name, enum.values))
            if enum.comment:
                self.lost.append(f"enum {enum.name}: comment {enum.comment!r}")
        for name, values in self.inline_values.items():
            blocks.append(_enum_block(name, values))
        blocks += [self._table(t) for t in self.schema.tables]
        refs = [self._reference(t, fk) for t in self.schema.tables for fk in t.foreign_keys]
        if refs:
            blocks.append("\n".join(refs))
        blocks += self._table_groups()
        self._lost_objects()
        if self.lost:
            body = "\n".join(_note_line(line) for line in self.lost)
            blocks.append(f"Note not_in_dbml {{\n  '''DBML cannot say these; they are not read back:\n{body}'''\n}}")
        return "\n\n".join(blocks) + "\n"

    def _table_groups(self) -> list[str]:
        """A ``TableGroup`` per group, its tables in the schema's order; a table in two groups
        stays in the first (DBML allows one group per table)."""
        blocks, placed = [], set()
        for name, tables in self.groups.items():
            members = [t for t in tables if self.schema.has_table(t) and t not in placed]
            if members:
                placed.update(members)
                body = "\n".join(f"  {quote(t)}" for t in members)
                blocks.append(f"TableGroup {quote(name)} {{\n{body}\n}}")
        return blocks

    # ------------------------------------------------------------ types

    def _name_inline_enums(self) -> None:
        taken = {e.name for e in self.schema.enums}
        for table in self.schema.tables:
            for column in table.columns:
                values = _mysql_enum_values(column.type)
                if values is None:
                    continue
                name = f"{table.name}_{column.name}_enum"
                while name in taken:
                    name += "_"
                taken.add(name)
                self.inline_enums[(table.name, column.name)] = name
                self.inline_values[name] = values

    def _type(self, table: Table, column: Column) -> str:
        inline = self.inline_enums.get((table.name, column.name))
        if inline:
            return quote(inline)
        kind = column.type
        if kind.kind == "enum":
            return quote(kind.enum or "")
        if not kind.is_native:
            return _type_text(str(kind))
        native = kind.native or ""
        if kind.dialect == self.dialect and not _reads_as_portable(native):
            return _type_text(native)
        return _type_text(str(kind))  # "postgresql:inet": read back as that dialect's type

    # ------------------------------------------------------------ tables

    def _table(self, table: Table) -> str:
        lines = [f"Table {quote(table.name)} {{"]
        key = table.primary_key
        column_key = (
            key is not None and len(key.columns) == 1 and key.name in (None, primary_key_name(table.name)) and not key.comment
        )
        column_uniques = {
            u.columns[0]: u for u in table.uniques
            if len(u.columns) == 1 and u.name in (None, unique_name(table.name, u.columns)) and not u.comment
        }
        for column in table.columns:
            lines.append("  " + self._column(table, column, column_key and key.columns == (column.name,), column.name in column_uniques))
        if table.comment:
            lines.append(f"  Note: {string(table.comment)}")
        entries = []
        if key is not None and not column_key:
            settings = ["pk", *_name(key.name, primary_key_name(table.name))]
            if key.comment:
                settings.append(f"note: {string(key.comment)}")
            entries.append(f"{_subjects(key.columns)} [{', '.join(settings)}]")
        for unique in table.uniques:
            if column_uniques.get(unique.columns[0]) is not unique:
                entries.append(self._unique(table, unique))
        for index in table.indexes:
            entry = self._index(table, index)
            if entry:
                entries.append(entry)
        if entries:
            lines.append("  indexes {")
            lines += [f"    {entry}" for entry in entries]
            lines.append("  }")
        lines.append("}")
        self._lost_in_table(table)
        return "\n".join(lines)

    def _column(self, table: Table, column: Column, pk: bool, unique: bool) -> str:
        settings = []
        if pk:
            settings.append("pk")
        if column.identity:
            settings.append("increment")
        if not column.nullable:
            settings.append("not null")
        if unique:
            settings.append("unique")
        if column.default is not None:
            default = _default(column)
            if default is None:
                self.lost.append(f"{table.name}.{column.name}: default {column.default.value} (holds a backtick)")
            else:
                settings.append(f"default: {default}")
        if column.comment:
            settings.append(f"note: {string(column.comment)}")
        text = f"{quote(column.name)} {self._type(table, column)}"
        return text + (f" [{', '.join(settings)}]" if settings else "")

    def _unique(self, table: Table, unique: Unique) -> str:
        settings = ["unique", *_name(unique.name, unique_name(table.name, unique.columns))]
        if unique.comment:
            settings.append(f"note: {string(unique.comment)}")
        return f"{_subjects(unique.columns)} [{', '.join(settings)}] // {UNIQUE_CONSTRAINT_MARK}"

    def _index(self, table: Table, index: Index) -> str | None:
        where = f"{table.name}: index {index.name}"
        if index.where is not None:
            self.lost.append(f"{where} ({', '.join(index.columns)}) WHERE {index.where}: left out, a partial index")
            return None
        elements = []
        for n, element in enumerate(index.columns):
            if not index.key(n).expression:
                elements.append(quote(element))
            elif "`" in element:
                self.lost.append(f"{where}: left out, its expression {element} holds a backtick")
                return None
            else:
                elements.append(f"`{element}`")
        settings = [f"name: {string(index.name)}"] if index.name else []
        if index.unique:
            settings.append("unique")
        if index.method in _DBML_METHODS:
            settings.append(f"type: {index.method}")
        if index.comment:
            settings.append(f"note: {string(index.comment)}")
        subjects = elements[0] if len(elements) == 1 else f"({', '.join(elements)})"
        return subjects + (f" [{', '.join(settings)}]" if settings else "")

    def _reference(self, table: Table, fk: ForeignKey) -> str:
        name = ""
        if fk.name and fk.name != foreign_key_name(table.name, fk.columns):
            name = " " + quote(fk.name)
        here = f"{quote(table.name)}.{_subjects(fk.columns)}"
        there = f"{quote(fk.ref_table)}.{_subjects(fk.ref_columns)}"
        # dbdiagram.io puts a one-to-one's key on its second side (imports.dbml reads it so).
        line = f"Ref{name}: {there} - {here}" if is_unique(table, fk.columns) else f"Ref{name}: {here} > {there}"
        settings = [f"{what}: {action.lower()}" for what, action in (("update", fk.on_update), ("delete", fk.on_delete)) if action != "NO ACTION"]
        return line + (f" [{', '.join(settings)}]" if settings else "")

    # ------------------------------------------------------------ what DBML cannot say

    def _lost_in_table(self, table: Table) -> None:
        t, lost = table.name, self.lost
        for check in table.checks:
            lost.append(f"{t}: check {check.name}: {check.expression}")
        for exclusion in table.exclusions:
            lost.append(f"{t}: exclusion constraint {exclusion.name}")
        for option in ("charset", "collation"):
            if getattr(table, option):
                lost.append(f"{t}: {option} {getattr(table, option)}")
        if table.without_rowid:
            lost.append(f"{t}: WITHOUT ROWID")
        if table.strict:
            lost.append(f"{t}: STRICT")
        for column in table.columns:
            c = f"{t}.{column.name}"
            for option in ("charset", "collation", "on_update"):
                if getattr(column, option):
                    lost.append(f"{c}: {option.replace('_', ' ')} {getattr(column, option)}")
            if column.generated is not None:
                kind = "STORED" if column.generated.stored else "VIRTUAL"
                lost.append(f"{c}: generated {kind} as {column.generated.expression}")
            if column.identity_always or column.serial or column.sequence:
                lost.append(f"{c}: identity options (always {column.identity_always}, serial {column.serial}, sequence {column.sequence})")
        key = table.primary_key
        if key is not None:
            lost += _timing_and_comment(f"{t}: primary key", key, comment=False)
            # DBML's pk means NOT NULL; SQLite lets a primary key column without NOT NULL hold NULLs.
            lost += [f"{t}.{c}: a primary key column that allows NULL" for c in key.columns if table.column(c).nullable]
        for unique in table.uniques:
            lost += _timing_and_comment(f"{t}: unique {unique.name}", unique, comment=False)
            if unique.nulls_not_distinct:
                lost.append(f"{t}: unique {unique.name}: NULLS NOT DISTINCT")
        for fk in table.foreign_keys:
            lost += _timing_and_comment(f"{t}: foreign key {fk.name}", fk)
            if fk.match:
                lost.append(f"{t}: foreign key {fk.name}: MATCH {fk.match}")
            if fk.not_valid:
                lost.append(f"{t}: foreign key {fk.name}: NOT VALID")
        for index in table.indexes:
            if index.where is not None:
                continue
            if index.keys and any(k != type(k)(expression=k.expression) for k in index.keys):
                lost.append(f"{t}: index {index.name}: key options {index.keys}")
            if index.include:
                lost.append(f"{t}: index {index.name}: INCLUDE {', '.join(index.include)}")
            if index.method and index.method not in _DBML_METHODS:
                lost.append(f"{t}: index {index.name}: method {index.method}")
            if index.nulls_not_distinct:
                lost.append(f"{t}: index {index.name}: NULLS NOT DISTINCT")

    def _lost_objects(self) -> None:
        for sequence in self.schema.sequences:
            self.lost.append(f"sequence {sequence.name} ({sequence.data_type})")
        for domain in self.schema.domains:
            checks = "".join(f", check {c.expression}" for c in domain.checks)
            self.lost.append(f"domain {domain.name} ({domain.base_type}{checks})")


# ---------------------------------------------------------------- text


def quote(name: str) -> str:
    """``name`` as a DBML double-quoted identifier. pydbml reads these without escapes (and
    turns ``\\n`` into a line break): a name it cannot read back is refused."""
    if not name or '"' in name or "\n" in name or "\r" in name or re.search(r"\\[ntfr]", name):
        raise EngineError(f"DBML cannot write the name {name!r}: pydbml reads no '\"', line break or backslash escape in a name")
    return f'"{name}"'


def string(text: str) -> str:
    """``text`` as a DBML single-quoted string."""
    return f"'{_escaped(text)}'"


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _note_line(text: str) -> str:
    """One line of the sticky note (a triple-quoted string: line breaks may stay)."""
    return "- " + text.replace("\\", "\\\\").replace("'", "\\'")


def _name(name: str | None, conventional: str) -> list[str]:
    """The ``name:`` setting when the name is not the one the engine would give anyway."""
    return [f"name: {string(name)}"] if name and name != conventional else []


def _subjects(columns: tuple[str, ...]) -> str:
    names = [quote(c) for c in columns]
    return names[0] if len(names) == 1 else f"({', '.join(names)})"


def _type_text(text: str) -> str:
    """A type as DBML writes it: bare when pydbml reads it so (``varchar(45)``, ``text[]``),
    else double-quoted (``"int(10) unsigned"``)."""
    if re.fullmatch(r"[A-Za-z0-9_]+(\[\]|\([0-9, ]*\))?", text):
        return text
    return quote(text)


def _reads_as_portable(native: str) -> bool:
    """True when the native type's text would be read back as a portable type (MySQL's
    ``timestamp`` is not the portable ``timestamp``): such a type keeps its dialect prefix."""
    try:
        ColumnType.parse(native)
    except SchemaError:
        return False
    return True


def _default(column: Column) -> str | None:
    """The ``default:`` value, or None when DBML cannot hold it."""
    assert column.default is not None
    value = column.default.value
    if column.default.expression:
        return None if "`" in value else f"`{value}`"
    if value in ("true", "false") and column.type.kind == "boolean":
        return value
    if _NUMBER.fullmatch(value) and str(float(value) if "." in value else int(value)) == value:
        return value
    return string(value)


def _mysql_enum_values(column_type: ColumnType) -> tuple[str, ...] | None:
    """The values of MySQL's inline ``enum('a','b')``, else None."""
    if not (column_type.is_native and column_type.dialect == "mysql"):
        return None
    match = _MYSQL_ENUM.fullmatch((column_type.native or "").strip())
    if not match:
        return None
    values = [m.group(1) for m in _MYSQL_VALUE.finditer(match.group(1))]
    if not values:
        return None
    return tuple(re.sub(r"''|\\(.)", lambda m: m.group(1) or "'", v) for v in values)


def _enum_block(name: str, values: tuple[str, ...]) -> str:
    return f"Enum {quote(name)} {{\n" + "".join(f"  {quote(v)}\n" for v in values) + "}"


def _timing_and_comment(what: str, element: PrimaryKey | Unique | ForeignKey, *, comment: bool = True) -> list[str]:
    """The timing DBML cannot say, and the comment where it has no note for it (a Ref)."""
    out = []
    if element.deferrable:
        out.append(f"{what}: DEFERRABLE" + (" INITIALLY DEFERRED" if element.initially_deferred else ""))
    if comment and element.comment:
        out.append(f"{what}: comment {element.comment!r}")
    return out
