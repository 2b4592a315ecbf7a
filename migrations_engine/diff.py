"""The diff: a fixed sequence of compare steps turning one schema into another.

Elements match by ``id`` when both sides carry one (a name change is then a rename), else by
name. The steps run in an order that is always safe to execute:

1. drop foreign keys that go away or change, or that stand in the way of a change below
   (their table or referenced table is dropped, a column they use changes type, the key they
   reference is dropped);
2. drop primary keys, unique, check and exclusion constraints and indexes that go away or change;
3. drop tables, then columns (before renames, so a new element may take a freed name; a table's
   last column is dropped only after its new columns are added, as MySQL requires);
4. rename enums, tables, columns, then keys, constraints and indexes whose name alone changed
   ("renames have to come first" among what survives; swaps go through temporary names);
5. create enums and add enum values, then sequences (not owned yet) and domains, and alter them;
6. create tables (without foreign keys), change tables' default character sets, add columns,
   alter columns;
7. remove or reorder enum values (no default uses them any more), drop domains, enums and
   sequences no column uses any more, and give sequences their owner column (which exists now;
   an owner that goes away or changes was released before step 3, as PostgreSQL drops a
   sequence with the column owning it);
8. add primary keys, unique, check and exclusion constraints, indexes; rename indexes;
9. add foreign keys (every table exists now, so cycles of foreign keys work). A new table's
   foreign keys to itself or to new tables created before it go inside its CREATE TABLE
   (``creation_order``); dropped tables go in the reverse order, keeping such keys;
10. table comments.

Each step appends operations through a ``_Plan``, which applies them to its model of the
database as it goes, so every operation is checked against the schema it will run on.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, TypeVar

from .expressions import rename_columns_in
from .naming import with_default_names
from .operations import (
    COMMENTED_ELEMENTS,
    AddCheck,
    AddColumn,
    AddExclusion,
    AddForeignKey,
    AddPrimaryKey,
    AddUnique,
    AlterColumn,
    AlterEnum,
    CreateEnum,
    CreateIndex,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropExclusion,
    DropForeignKey,
    DropIndex,
    DropPrimaryKey,
    DropTable,
    DropUnique,
    Operation,
    RenameColumn,
    RenameConstraint,
    RenameEnum,
    RenameIndex,
    RenameTable,
    SetComment,
    SetTableCharset,
    SetTableComment,
    SetTableOptions,
)
from .object_diff import ObjectSteps
from .schema import Column, ForeignKey, Schema, Table

E = TypeVar("E")


@dataclass
class Matching:
    """How the elements of two collections correspond."""

    pairs: list[tuple[Any, Any]] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)
    added: list[Any] = field(default_factory=list)


def match(old: Iterable[E], new: Iterable[E]) -> Matching:
    """Pair elements by id where both sides have one, then by name among the rest.

    Two elements that both carry ids but different ones are different elements, even when they
    share a name: the old one is removed and the new one added.
    """
    old, new = list(old), list(new)
    result = Matching()
    new_by_id = {getattr(e, "id"): e for e in new if getattr(e, "id")}
    paired_new: set[int] = set()
    unpaired_old = []
    for element in old:
        partner = new_by_id.get(getattr(element, "id")) if getattr(element, "id") else None
        if partner is not None:
            result.pairs.append((element, partner))
            paired_new.add(id(partner))
        else:
            unpaired_old.append(element)
    new_by_name = {getattr(e, "name"): e for e in new if id(e) not in paired_new}
    for element in unpaired_old:
        partner = new_by_name.get(getattr(element, "name"))
        if partner is not None and not (getattr(element, "id") and getattr(partner, "id")):
            result.pairs.append((element, partner))
            paired_new.add(id(partner))
            del new_by_name[getattr(element, "name")]
        else:
            result.removed.append(element)
    result.added = [e for e in new if id(e) not in paired_new]
    return result


def match_constraints(old: Iterable[E], new: Iterable[E]) -> Matching:
    """``match``, then pair what is left by content alone: a constraint whose conventional name
    changed with its table's or columns' names is the same constraint, renamed."""
    result = match(old, new)
    for element in list(result.removed):
        bare = _content(element)
        for candidate in result.added:
            if _content(candidate) == bare:
                result.pairs.append((element, candidate))
                result.removed.remove(element)
                result.added.remove(candidate)
                break
    return result


class _Plan:
    """The operations so far and the schema they lead to."""

    def __init__(self, start: Schema) -> None:
        self.schema = start
        self.operations: list[Operation] = []

    def add(self, op: Operation) -> None:
        self.schema = op.apply(self.schema)
        self.operations.append(op)


_CONTENT_FIELDS: dict[type, tuple[str, ...]] = {}


def _content(element: Any) -> tuple[Any, ...]:
    """The element's fields but ``id`` and ``name``: what it is, not what it is called."""
    cls = type(element)
    names = _CONTENT_FIELDS.get(cls)
    if names is None:
        # A column's declared_type is how SQLite spells its type, not what it is. The comment of
        # a key, constraint or index is set in place (SetComment), never by re-creating it.
        ignored = {"id", "name", "declared_type"} | (set() if cls is Column else {"comment"})
        names = _CONTENT_FIELDS[cls] = tuple(f.name for f in fields(cls) if f.name not in ignored)
    return tuple(getattr(element, n) for n in names)


def _same_but_id(a: Any, b: Any) -> bool:
    return a.name == b.name and _content(a) == _content(b)


def _same_but_name(a: Any, b: Any) -> bool:
    return _content(a) == _content(b)


def _column_unchanged(a: Column, b: Column) -> bool:
    return _content(a) == _content(b)


@dataclass
class _TablePair:
    old: Table  # as in the old schema
    new: Table
    columns: Matching


def _rename_map(pairs: Sequence[tuple[Any, Any]]) -> dict[str, str]:
    return {o.name: n.name for o, n in pairs if o.name != n.name}


def _translate_table(table: Table, columns: dict[str, str], tables: dict[str, str], ref_columns: dict[str, dict[str, str]]) -> Table:
    """``table`` as it reads once every rename is done (for comparing with the new schema)."""
    if not columns and table.name not in tables and not any(
        fk.ref_table in tables or fk.ref_table in ref_columns for fk in table.foreign_keys
    ):
        return table

    def cols(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(columns.get(n, n) for n in names)

    pk = table.primary_key
    return replace(
        table,
        name=tables.get(table.name, table.name),
        columns=tuple(_translate_column(c, columns, table.name) for c in table.columns),
        primary_key=replace(pk, columns=cols(pk.columns)) if pk else None,
        foreign_keys=tuple(
            replace(
                fk,
                columns=cols(fk.columns),
                ref_table=tables.get(fk.ref_table, fk.ref_table),
                ref_columns=tuple(ref_columns.get(fk.ref_table, {}).get(c, c) for c in fk.ref_columns),
            )
            for fk in table.foreign_keys
        ),
        uniques=tuple(replace(u, columns=cols(u.columns)) for u in table.uniques),
        indexes=tuple(_translate_index(i, columns, table.name) for i in table.indexes),
        exclusions=tuple(_translate_index(x, columns, table.name) for x in table.exclusions),
        checks=tuple(replace(c, expression=rename_columns_in(c.expression, columns, table.name)) for c in table.checks),
    )


def _translate_index(index: Any, columns: dict[str, str], table: str) -> Any:
    """An index or exclusion constraint as it reads after the renames of ``columns``."""
    return replace(
        index,
        columns=tuple(
            rename_columns_in(element, columns, table) if index.key(n).expression else columns.get(element, element)
            for n, element in enumerate(index.columns)
        ),
        include=tuple(columns.get(c, c) for c in index.include),
        where=index.where and rename_columns_in(index.where, columns, table),
    )


def _translate_column(column: Column, columns: dict[str, str], table: str) -> Column:
    """A column as it reads after the renames: its name, and those its generated expression uses."""
    renamed = replace(column, name=columns.get(column.name, column.name)) if column.name in columns else column
    if column.generated is not None and columns:
        expression = rename_columns_in(column.generated.expression, columns, table)
        if expression != column.generated.expression:
            renamed = replace(renamed, generated=replace(column.generated, expression=expression))
    return renamed


def diff(old: Schema, new: Schema) -> list[Operation]:
    """The operations that turn ``old`` into ``new``, in a safe order (see the module docstring)."""
    return _Differ(with_default_names(old), with_default_names(new)).run()


class _Differ:
    def __init__(self, old: Schema, new: Schema) -> None:
        self.old, self.new = old, new
        self.plan = _Plan(old)
        tables = match(old.tables, new.tables)
        self.dropped_tables: list[Table] = tables.removed
        self.added_tables: list[Table] = tables.added
        self.pairs = [_TablePair(o, n, match(o.columns, n.columns)) for o, n in tables.pairs]
        self.enums = match(old.enums, new.enums)
        self.objects = ObjectSteps(old, new)
        table_renames = _rename_map(tables.pairs)
        column_renames = {p.old.name: renames for p in self.pairs if (renames := _rename_map(p.columns.pairs))}
        # Each surviving old table as it reads after all renames: compared with its new self.
        self.translated = {
            p.old.name: _translate_table(p.old, column_renames.get(p.old.name, {}), table_renames, column_renames)
            for p in self.pairs
        }
        self.enum_renames = _rename_map(self.enums.pairs)
        altered_enums = {n.name for o, n in self.enums.pairs if o.values != n.values}
        # Columns whose type changes (an enum's rename is no change; a change of its values is).
        self.type_changed = {
            (p.new.name, n.name)
            for p in self.pairs
            for o, n in p.columns.pairs
            if self._renamed_type(o.type) != n.type or (n.type.kind == "enum" and n.type.enum in altered_enums)
        }
        # Pairs with anything to compare: most tables of a large schema are unchanged.
        self.changed_pairs = [p for p in self.pairs if self.translated[p.old.name] != p.new]

    # -------------------------------------------------------------- helpers

    def _renamed_type(self, column_type: Any) -> Any:
        if column_type.kind == "enum" and column_type.enum in self.enum_renames:
            return column_type.with_enum(self.enum_renames[column_type.enum])
        return column_type

    def _check_on_changed_type(self, pair: _TablePair, check: Any) -> bool:
        """A check naming a column whose type changes: PostgreSQL would keep the old type's casts
        in it, so it is dropped and added again around the change."""
        return any(
            table == pair.new.name and column in check.expression for table, column in self.type_changed
        )

    def _constraints(self, getter: Callable[[Table], Sequence[Any]], pairs: list[_TablePair] | None = None) -> Iterable[tuple[_TablePair, Matching]]:
        for pair in self.changed_pairs if pairs is None else pairs:
            yield pair, match_constraints(getter(self.translated[pair.old.name]), getter(pair.new))

    def _changed(self, matching: Matching) -> list[tuple[Any, Any]]:
        """Pairs whose content changed (a change of name alone is a rename, not a change)."""
        return [(o, n) for o, n in matching.pairs if not _same_but_name(o, n)]

    def _pk_changed(self, pair: _TablePair) -> bool:
        old, new = self.translated[pair.old.name].primary_key, pair.new.primary_key
        return old is not None and (new is None or not _same_but_name(old, new))

    def _original(self, pair: _TablePair, attr: str, translated: Any) -> Any:
        """The old (untranslated) constraint that ``translated`` came from: names never change in translation."""
        for element in getattr(pair.old, attr):
            if element.name == translated.name:
                return element
        raise AssertionError(f"no {attr} {translated.name!r} in {pair.old.name!r}")

    # -------------------------------------------------------------- the steps

    def run(self) -> list[Operation]:
        self.objects.release_sequences(self.plan)
        self.drop_foreign_keys()
        self.drop_keys_constraints_indexes()
        self.drop_tables()
        self.drop_columns()
        self.rename_enums()
        self.rename_tables()
        self.rename_columns()
        self.rename_keys_constraints_indexes()
        self.create_enums_and_add_values()
        self.objects.create_and_alter(self.plan)
        self.create_tables()
        self.set_table_charsets()
        self.relax_table_options()
        self.add_columns()
        self.drop_deferred_columns()
        self.alter_columns()
        self.remove_enum_values()
        self.objects.drop_domains(self.plan)
        self.drop_enums()
        self.objects.drop_sequences(self.plan)
        self.objects.own_sequences(self.plan)
        self.add_keys_constraints_indexes()
        self.tighten_table_options()
        self.add_foreign_keys()
        self.set_table_comments()
        self.set_element_comments()
        return self.plan.operations

    def _keys_dropped(self) -> set[tuple[str, frozenset[str]]]:
        """(new table name, columns) of every primary key, unique constraint or unique index that
        is dropped or replaced: a foreign key referencing those columns must go first."""
        keys: set[tuple[str, frozenset[str]]] = set()
        for pair in self.changed_pairs:
            t, n = self.translated[pair.old.name], pair.new
            if self._pk_changed(pair) and t.primary_key is not None:
                keys.add((n.name, frozenset(t.primary_key.columns)))
            for attr in ("uniques", "indexes"):
                matching = match_constraints(getattr(t, attr), getattr(n, attr))
                for element in [*matching.removed, *(o for o, _ in self._changed(matching))]:
                    if getattr(element, "unique", True):
                        keys.add((n.name, frozenset(element.columns)))
        return keys

    def drop_foreign_keys(self) -> None:
        dropped = {t.name for t in self.dropped_tables}
        keys_dropped = self._keys_dropped()
        new_names = {p.old.name: p.new.name for p in self.pairs}
        self.drop_order, kept_inline = creation_order(self.dropped_tables)
        self.drop_order.reverse()
        for table in self.dropped_tables:
            for fk in table.foreign_keys:
                if (table.name, fk.name) not in kept_inline:
                    self.plan.add(DropForeignKey(table.name, fk))
        # Every table: an unchanged one may hold a key that something below stands in the way of.
        for pair, matching in self._constraints(lambda t: t.foreign_keys, self.pairs):
            changed = {o.name for o, _ in self._changed(matching)}
            for translated in self.translated[pair.old.name].foreign_keys:
                fk: ForeignKey = self._original(pair, "foreign_keys", translated)
                ref_new = new_names.get(fk.ref_table, fk.ref_table)
                blocked = (
                    fk.ref_table in dropped
                    or (ref_new, frozenset(translated.ref_columns)) in keys_dropped
                    or any((pair.new.name, c) in self.type_changed for c in translated.columns)
                    or any((ref_new, c) in self.type_changed for c in translated.ref_columns)
                )
                if translated in matching.removed or fk.name in changed or blocked:
                    self.plan.add(DropForeignKey(pair.old.name, fk))

    def drop_keys_constraints_indexes(self) -> None:
        for pair in self.changed_pairs:
            if self._pk_changed(pair):
                self.plan.add(DropPrimaryKey(pair.old.name, pair.old.primary_key))  # type: ignore[arg-type]
        for attr, drop in (("uniques", DropUnique), ("checks", DropCheck), ("exclusions", DropExclusion)):
            for pair, matching in self._constraints(lambda t, a=attr: getattr(t, a)):
                stale = [o for o, _ in matching.pairs if attr == "checks" and self._check_on_changed_type(pair, o)]
                for element in [*matching.removed, *(o for o, _ in self._changed(matching)), *stale]:
                    if element in stale and element in matching.removed:
                        continue
                    self.plan.add(drop(pair.old.name, self._original(pair, attr, element)))
        for pair, matching in self._constraints(lambda t: t.indexes):
            for element in [*matching.removed, *(o for o, _ in self._changed(matching))]:
                self.plan.add(DropIndex(pair.old.name, self._original(pair, "indexes", element)))

    def drop_tables(self) -> None:
        # Referencing tables first, so the foreign keys they still hold go with them.
        for table in self.drop_order:
            self.plan.add(DropTable(self.plan.schema.table(table.name)))

    def drop_columns(self) -> None:
        self.deferred_drops: list[tuple[str, Column]] = []
        for pair in self.pairs:
            removed = list(pair.columns.removed)
            if removed and len(removed) == len(pair.old.columns) and pair.columns.added:
                # MySQL refuses to drop a table's last column: keep one until the new ones exist.
                added = {c.name for c in pair.columns.added}
                keep = next((c for c in removed if c.name not in added), None)
                if keep is not None:
                    removed.remove(keep)
                    self.deferred_drops.append((pair.new.name, keep))
            for column in removed:
                self.plan.add(DropColumn(pair.old.name, column))

    def drop_deferred_columns(self) -> None:
        for table, column in self.deferred_drops:
            self.plan.add(DropColumn(table, column))

    def rename_enums(self) -> None:
        self._rename_all(
            [(o.name, n.name) for o, n in self.enums.pairs if o.name != n.name],
            exists=lambda name: self.plan.schema.has_enum(name),
            make=RenameEnum,
        )

    def rename_tables(self) -> None:
        self._rename_all(
            [(p.old.name, p.new.name) for p in self.pairs if p.old.name != p.new.name],
            exists=lambda name: self.plan.schema.has_table(name),
            make=RenameTable,
        )

    def rename_columns(self) -> None:
        for pair in self.pairs:
            table = pair.new.name
            self._rename_all(
                [(o.name, n.name) for o, n in pair.columns.pairs if o.name != n.name],
                exists=lambda name, t=table: self.plan.schema.table(t).has_column(name),
                make=lambda a, b, t=table: RenameColumn(t, a, b),
            )

    def _rename_all(self, renames: list[tuple[str, str]], exists: Callable[[str], bool], make: Callable[[str, str], Operation]) -> None:
        """Rename, going through temporary names when targets are still taken (a swap of names)."""
        pending = list(renames)
        while pending:
            progress = False
            for old, new in list(pending):
                if not exists(new):
                    self.plan.add(make(old, new))
                    pending.remove((old, new))
                    progress = True
            if not progress:  # a cycle: move one aside
                old, new = pending.pop(0)
                temporary = _free_name(f"{old}__renaming", exists)
                self.plan.add(make(old, temporary))
                pending.append((temporary, new))

    def create_enums_and_add_values(self) -> None:
        """New enums, and new values of enums (before columns may use them)."""
        for enum in self.enums.added:
            self.plan.add(CreateEnum(enum))
        for _, n in self.enums.pairs:
            current = self.plan.schema.enum(n.name)
            target = replace(n, id=current.id, comment=current.comment)  # comments: SetComment
            change = AlterEnum(current, target)
            if change.only_adds and change.added:
                self.plan.add(change)
            elif change.added:  # values removed or reordered too: add now, the rest later
                self.plan.add(AlterEnum(current, replace(current, values=(*current.values, *change.added))))

    def remove_enum_values(self) -> None:
        """Removed or reordered enum values (after columns stopped using them)."""
        for _, n in self.enums.pairs:
            current = self.plan.schema.enum(n.name)
            if current.values != n.values:
                self.plan.add(AlterEnum(current, replace(n, id=current.id, comment=current.comment)))

    def create_tables(self) -> None:
        order, inline = creation_order(self.added_tables)
        for table in order:
            keep = tuple(fk for fk in table.foreign_keys if (table.name, fk.name) in inline)
            self.plan.add(CreateTable(replace(table, foreign_keys=keep)))

    def set_table_charsets(self) -> None:
        """A table's default character set changes before columns are added or altered: a new
        column, or one that goes back to the default, takes the new one."""
        for pair in self.changed_pairs:
            current, n = self.plan.schema.table(pair.new.name), pair.new
            if (current.charset, current.collation) != (n.charset, n.collation):
                self.plan.add(SetTableCharset(n.name, current.charset, current.collation, n.charset, n.collation))

    def relax_table_options(self) -> None:
        """Options turned off, before columns change: what a STRICT table refuses (a VARCHAR
        column) or a WITHOUT ROWID table needs (its primary key) may be what changes next."""
        for pair in self.changed_pairs:
            current, n = self.plan.schema.table(pair.new.name), pair.new
            relaxed = (current.without_rowid and n.without_rowid, current.strict and n.strict)
            if relaxed != (current.without_rowid, current.strict):
                self.plan.add(SetTableOptions(n.name, current.without_rowid, current.strict, *relaxed))

    def tighten_table_options(self) -> None:
        """Options turned on, once the columns and keys they need are there."""
        for pair in self.changed_pairs:
            current, n = self.plan.schema.table(pair.new.name), pair.new
            if (current.without_rowid, current.strict) != (n.without_rowid, n.strict):
                self.plan.add(SetTableOptions(n.name, current.without_rowid, current.strict, n.without_rowid, n.strict))

    def add_columns(self) -> None:
        for pair in self.pairs:
            for column in pair.columns.added:
                self.plan.add(AddColumn(pair.new.name, column))

    def alter_columns(self) -> None:
        for pair in self.changed_pairs:
            for _, n in pair.columns.pairs:
                current = self.plan.schema.table(pair.new.name).column(n.name)
                if not _column_unchanged(current, n):
                    # The declared spelling of the type stays while the type does, and only then.
                    declared = (n.declared_type or current.declared_type) if n.type == current.type else None
                    self.plan.add(AlterColumn(pair.new.name, current, replace(n, id=current.id, declared_type=declared)))

    def drop_enums(self) -> None:
        for enum in self.enums.removed:
            self.plan.add(DropEnum(self.plan.schema.enum(enum.name)))

    def rename_keys_constraints_indexes(self) -> None:
        """Rename what only changed its name, before anything new may take a name it frees.

        Names are treated as one namespace for the whole schema (PostgreSQL keeps keys and
        indexes in the schema's namespace, MySQL foreign key names per database); a swap of
        names goes through a temporary name.
        """
        renames: list[list[str]] = []  # [table, kind, old name, new name]
        for pair in self.changed_pairs:
            current, new = self.plan.schema.table(pair.new.name), pair.new
            if current.primary_key and new.primary_key and _same_but_name(current.primary_key, new.primary_key):
                if current.primary_key.name != new.primary_key.name:
                    renames.append([new.name, "constraint", current.primary_key.name or "", new.primary_key.name or ""])
            for attr in ("uniques", "checks", "exclusions", "foreign_keys", "indexes"):
                kind = "index" if attr == "indexes" else "constraint"
                for o, m in match_constraints(getattr(current, attr), getattr(new, attr)).pairs:
                    if o.name != m.name and _same_but_name(o, m):
                        renames.append([new.name, kind, o.name, m.name])
        while renames:
            taken = self._names_in_use()
            ready = [r for r in renames if r[3] not in taken]
            if not ready:  # every target is held by another element waiting to be renamed
                first = renames[0]
                if not any(r[2] == first[3] for r in renames):  # held for good: let the database say so
                    ready = [first]
                else:
                    temporary = _free_name(f"{first[2]}__renaming", lambda name: name in taken)
                    self._rename_one(first[0], first[1], first[2], temporary)
                    first[2] = temporary
                    continue
            for table, kind, old, new in ready:
                self._rename_one(table, kind, old, new)
            renames = [r for r in renames if r not in ready]

    def _names_in_use(self) -> set[str]:
        names: set[str] = set()
        for table in self.plan.schema.tables:
            if table.primary_key is not None and table.primary_key.name:
                names.add(table.primary_key.name)
            for items in (table.uniques, table.checks, table.exclusions, table.foreign_keys, table.indexes):
                names.update(item.name for item in items if item.name)
        return names

    def _rename_one(self, table: str, kind: str, old: str, new: str) -> None:
        if kind == "index":
            index = next(i for i in self.plan.schema.table(table).indexes if i.name == old)
            self.plan.add(RenameIndex(table, index, new))
        else:
            self.plan.add(RenameConstraint(table, old, new))

    def add_keys_constraints_indexes(self) -> None:
        for pair in self.changed_pairs:
            current = self.plan.schema.table(pair.new.name)
            n = pair.new
            if n.primary_key is not None and current.primary_key is None:
                self.plan.add(AddPrimaryKey(n.name, n.primary_key))
            for attr, add in (("uniques", AddUnique), ("checks", AddCheck), ("exclusions", AddExclusion)):
                for element in match_constraints(getattr(current, attr), getattr(n, attr)).added:
                    self.plan.add(add(n.name, element))
            for element in match_constraints(current.indexes, n.indexes).added:
                self.plan.add(CreateIndex(n.name, element))

    def add_foreign_keys(self) -> None:
        for table in sorted([*self.added_tables, *(p.new for p in self.pairs)], key=lambda t: t.name):
            current = self.plan.schema.table(table.name)
            matching = match_constraints(current.foreign_keys, table.foreign_keys)
            for fk in matching.added:
                self.plan.add(AddForeignKey(table.name, fk))

    def set_table_comments(self) -> None:
        for pair in self.changed_pairs:
            current = self.plan.schema.table(pair.new.name)
            if current.comment != pair.new.comment:
                self.plan.add(SetTableComment(pair.new.name, current.comment, pair.new.comment))


    def set_element_comments(self) -> None:
        """Comments of keys, constraints, indexes and enums: set last, on what now exists."""
        for pair in self.changed_pairs:
            current, n = self.plan.schema.table(pair.new.name), pair.new
            if n.primary_key is not None and current.primary_key is not None:
                if current.primary_key.comment != n.primary_key.comment:
                    self.plan.add(SetComment(n.name, "primary_key", n.primary_key.name or "", current.primary_key.comment, n.primary_key.comment))
            for element, attr in COMMENTED_ELEMENTS.items():
                if attr is None:
                    continue
                now = {item.name: item for item in getattr(current, attr)}
                for item in getattr(n, attr):
                    before = now.get(item.name)
                    if before is not None and before.comment != item.comment:
                        self.plan.add(SetComment(n.name, element, item.name, before.comment, item.comment))
        for _, n in self.enums.pairs:
            current = self.plan.schema.enum(n.name)
            if current.comment != n.comment:
                self.plan.add(SetComment(None, "enum", n.name, current.comment, n.comment))


def creation_order(tables: list[Table]) -> tuple[list[Table], set[tuple[str, str | None]]]:
    """An order to create ``tables`` in, and the foreign keys that can be created with them.

    A foreign key goes inside its table's CREATE TABLE when it references the table itself or a
    table created before it; the others (to tables that exist already, or breaking a cycle) are
    added once every table exists. SQLite, which cannot add a foreign key without rebuilding the
    table, gets plain CREATE TABLE statements this way.
    """
    # Kahn's algorithm, the ready tables taken in name order (a heap of positions in that
    # order): picking the first ready table by scanning every remaining one was quadratic,
    # 40 s for 10,000 new tables.
    ordered = sorted(tables, key=lambda t: t.name)
    names = {t.name for t in ordered}
    waiting = [
        {fk.ref_table for fk in t.foreign_keys if fk.ref_table in names and fk.ref_table != t.name}
        for t in ordered
    ]
    dependents: dict[str, list[int]] = {}
    for index, targets in enumerate(waiting):
        for target in targets:
            dependents.setdefault(target, []).append(index)
    ready = [index for index, targets in enumerate(waiting) if not targets]  # sorted: a heap
    done = [False] * len(ordered)
    first_left = 0
    created: set[str] = set()
    order: list[Table] = []
    inline: set[tuple[str, str | None]] = set()
    while len(order) < len(ordered):
        while ready and done[ready[0]]:
            heapq.heappop(ready)
        if ready:
            index = heapq.heappop(ready)
        else:  # a cycle: the first table left; the foreign keys closing it are added afterwards
            while done[first_left]:
                first_left += 1
            index = first_left
        done[index] = True
        table = ordered[index]
        created.add(table.name)
        order.append(table)
        inline |= {(table.name, fk.name) for fk in table.foreign_keys if fk.ref_table in created}
        for dependent in dependents.get(table.name, ()):
            waiting[dependent].discard(table.name)
            if not waiting[dependent] and not done[dependent]:
                heapq.heappush(ready, dependent)
    return order, inline


def _free_name(base: str, exists: Callable[[str], bool]) -> str:
    name, n = base, 1
    while exists(name):
        n += 1
        name = f"{base}{n}"
    return name
