"""Three-way merge of schemas by element id: what the web app's "Update from vN" runs.

A draft (``ours``) was started from version ``base``; meanwhile ``theirs`` was published. The merge
keeps both sides' changes and reports where they collide.

How elements pair. Tables and enums pair across the three schemas by ``id``, columns and
constraints by ``id`` within their table. An element without an id pairs by name in its
collection, and one with neither (an unnamed constraint read from a database) by its content.
The tree is discovered from the model's type hints, not from name lists: a field holding a
tuple of (or an optional) dataclass with an ``id`` field is a collection of child elements,
every other field but ``id`` a property. An element or a property the model gains later merges
without a change here. The one hand-written list is which fields are references (below).

References. Before merging, names that point at other elements are replaced by the id of what
they name: the ``columns`` of any table element (primary key, uniques, indexes, foreign keys),
a foreign key's ``ref_table`` and ``ref_columns``, an enum column type's enum. A column renamed
on one side and given a new index on the other therefore meets up; after the merge the ids are
turned back into the merged names. Check expressions and index conditions are text and merge
as plain properties (a rename on the other side is not followed into them).

Rules, per element and per property:

* changed on one side only: that side's value; the same change on both sides: no conflict;
  changed differently on both: a **property** conflict (key ``<element path>/<field>``).
* added on one side: kept. Deleted on one side and unchanged on the other: deleted. Deleted on
  one side and changed on the other (any property, or anything inside it), or still referred to
  by something the merge keeps from the other side (a new index on a column the other side
  dropped; found by merging again when the first pass leaves a dangling reference): a
  **modify-delete** conflict (key ``<element path>``). "ours"/"theirs" picks that side's state;
  choosing the deletion also drops what refers to the element (as deleting it in the designer
  would), so keeping an index whose column is chosen deleted drops the index after all.
* two distinct elements of one collection (the tables, the enums, one table's columns, its
  indexes, ...) that end up with the same name, or two elements in a single slot (the primary
  key): a **name-clash** (key ``<parent path>/name-clash:<kind>=<name>``, or
  ``<parent path>/name-clash:<kind>`` for a slot). The chosen side's element stays; the other
  side's element is dropped when it is new on that side (or sits in a slot), and otherwise (a
  rename) goes back to its name on the chosen side, or its base name when the chosen side
  deleted it. Dropped elements take with them what refers to them (that side's new foreign keys
  to a dropped new table, ...). Going back to an old name can clash anew: a further conflict.
  Choices that contradict each other (a swap of two names given to one side, the old name to
  the other) can leave two elements under one name; ``validate.problems`` reports that.
  Names clash only within one collection; clashes across kinds (a unique and an index of the
  same name, index names across tables) are left to ``validate.problems``.

Element paths are ``<kind>:<id>`` segments joined with ``/`` (``table:t1/column:c7``); an element
without an id uses ``<kind>:name=<name>``, or ``<kind>:content=<hash>`` when it has no name either.
Keys name no side, so ``merge(b, x, y)`` and ``merge(b, y, x)`` report the same keys.

While a conflict has no choice the result has no schema; a choice can reveal a conflict that the
undecided state hid (a rename chosen that clashes with a new name), so the caller asks again
until ``unresolved`` is empty. An unresolved rename conflict leaves that element out of the
name-clash check, and an unresolved modify-delete leaves it out of the result meanwhile.

Column order (and every collection's order): the order of the side that reordered it (ours when
both or neither did), with the other side's elements inserted after the element that precedes
them on their side, or first when nothing precedes them. The result therefore depends on which
side is ours only through column order; ``merge(b, b, d)`` and ``merge(b, d, b)`` are ``d``.

Ids are assumed unique per kind across a schema (uids are), since references carry only the id.
"""

from __future__ import annotations

import hashlib
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import cache
from typing import Any, Literal

from .schema import Column, Default, Enum, ForeignKey, Schema, Table

Side = Literal["ours", "theirs"]
SIDES: tuple[Side, Side] = ("ours", "theirs")


@dataclass(frozen=True)
class Conflict:
    """One place where the two sides disagree; ``key`` is stable and names no side."""

    key: str
    kind: str  # "property" | "modify-delete" | "name-clash"
    where: str
    description: str
    ours: str
    theirs: str


@dataclass(frozen=True)
class MergeResult:
    schema: Schema | None  # None while any conflict has no choice
    conflicts: tuple[Conflict, ...]  # every conflict found, resolved or not, in a stable order
    unresolved: tuple[Conflict, ...]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge(
    base: Schema,
    ours: Schema,
    theirs: Schema,
    choices: Mapping[str, Side] | None = None,
    *,
    theirs_label: str = "theirs",
) -> MergeResult:
    """Combine base→ours and base→theirs. ``choices`` maps conflict keys to the side that wins;
    ``theirs_label`` names the other side in descriptions ("… here and to text in v3")."""
    for key, side in (choices or {}).items():
        if side not in SIDES:
            raise ValueError(f"choice for {key!r} must be 'ours' or 'theirs', not {side!r}")
    sides = (_to_refs(base), _to_refs(ours), _to_refs(theirs))
    used: dict[tuple[str, str], str] = {}
    while True:
        merger = _Merger(*sides, dict(choices or {}), theirs_label, used)
        root = merger.run()
        dangling = _dangling(root)
        # Something one side deleted (unchanged on the other) that the other side still refers
        # to: merge again with it counted as changed there, so it becomes a modify-delete.
        revealed = {r: user for r, user in dangling.items() if r in merger.deleted and r not in used}
        if not revealed:
            break
        used.update(revealed)
    if merger.unresolved:
        return MergeResult(None, tuple(merger.conflicts), tuple(merger.unresolved))
    while dangling:  # what refers to an element a choice removed goes with it
        root = _without(root, set(dangling))
        dangling = _dangling(root)
    return MergeResult(_to_names(root), tuple(merger.conflicts), ())


# ------------------------------------------------------------------ the shape of the model


@dataclass(frozen=True)
class _Child:
    field: str
    cls: type
    many: bool  # a tuple of elements, or a single optional one (a slot)


@cache
def _shape(cls: type) -> tuple[tuple[str, ...], tuple[_Child, ...]]:
    """(property fields, child collections) of an element class, read from its type hints."""
    hints = typing.get_type_hints(cls)
    properties: list[str] = []
    children: list[_Child] = []
    for f in fields(cls):
        if not f.init or f.name == "id":
            continue
        child = _element_class(hints[f.name])
        if child is None:
            properties.append(f.name)
        else:
            children.append(_Child(f.name, *child))
    return tuple(properties), tuple(children)


def _properties(cls: type) -> tuple[str, ...]:
    return _shape(cls)[0]


def _children(cls: type) -> tuple[_Child, ...]:
    return _shape(cls)[1]


def _element_class(hint: Any) -> tuple[type, bool] | None:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis and _is_element(args[0]):
        return args[0], True
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and _is_element(rest[0]):
            return rest[0], False
    return None


def _is_element(cls: Any) -> bool:
    return isinstance(cls, type) and is_dataclass(cls) and any(f.name == "id" for f in fields(cls))


@cache
def _kind(cls: type) -> str:
    """``PrimaryKey`` -> ``primary key``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", cls.__name__).lower()


def _items(parent: Any, child: _Child) -> tuple[Any, ...]:
    if parent is None:
        return ()
    value = getattr(parent, child.field, None)
    if child.many:
        return value or ()
    return () if value is None else (value,)


def _key(cls: type, element: Any) -> str:
    kind = _kind(cls).replace(" ", "-")
    if element.id is not None:
        return f"{kind}:{element.id}"
    name = getattr(element, "name", None)
    if name is not None:
        return f"{kind}:name={name}"
    return f"{kind}:content={hashlib.sha256(repr(element).encode()).hexdigest()[:12]}"


def _keyed(items: tuple[Any, ...], cls: type) -> dict[str, Any]:
    """Elements by key, in their order; a key met twice (an invalid schema) gets ``#2``, ..."""
    out: dict[str, Any] = {}
    for item in items:
        key = unique = _key(cls, item)
        n = 2
        while unique in out:
            unique, n = f"{key}#{n}", n + 1
        out[unique] = item
    return out


def _join(path: str, key: str) -> str:
    return f"{path}/{key}" if path else key


def _elements(element: Any, chain: tuple[str, ...] = ()) -> Iterator[tuple[type, Any, tuple[str, ...]]]:
    """(declared class, element, names of its ancestors) of every element below ``element``."""
    name = getattr(element, "name", None)
    below = chain if name is None else (*chain, name)
    for child in _children(type(element)):
        for item in _items(element, child):
            yield child.cls, item, below
            yield from _elements(item, below)


# ------------------------------------------------------------------ references: names <-> ids


@dataclass(frozen=True)
class _Ref:
    """A reference to the element of ``kind`` with ``id``; ``name`` is what it was called on the
    side the reference came from (for display, and as a last resort when translating back)."""

    kind: str
    id: str
    name: str = field(compare=False, repr=False)


_TABLE, _COLUMN, _ENUM = _kind(Table), _kind(Column), _kind(Enum)


def _map_table(table: Table, column: Callable[[Column], Column], element: Callable[[Any], Any]) -> Table:
    """``table`` with ``column`` applied to its columns and ``element`` to its other children
    (the table itself when nothing changes: rebuilding a table sorts its constraints)."""
    changes: dict[str, Any] = {}
    for child in _children(type(table)):
        fn = column if issubclass(child.cls, Column) else element
        items = _items(table, child)
        mapped = tuple(fn(item) for item in items)
        if any(new is not old for new, old in zip(mapped, items)):
            changes[child.field] = mapped if child.many else mapped[0]
    return replace(table, **changes) if changes else table


@cache
def _has_columns(cls: type) -> bool:
    return "columns" in _field_names(cls)


def _to_refs(schema: Schema) -> Schema:
    """``schema`` with references by name replaced by ``_Ref`` wherever the target has an id."""
    tables = {t.name: t for t in schema.tables}
    enum_ids = {e.name: e.id for e in schema.enums if e.id is not None}

    def columns(table: Table | None, names: tuple[Any, ...]) -> tuple[Any, ...]:
        ids = {c.name: c.id for c in table.columns if c.id is not None} if table else {}
        return tuple(_Ref(_COLUMN, ids[n], n) if n in ids else n for n in names)

    def for_table(table: Table) -> Table:
        def column(c: Column) -> Column:
            enum = c.type.enum
            if c.type.kind == "enum" and enum in enum_ids:
                return replace(c, type=replace(c.type, enum=_Ref(_ENUM, enum_ids[enum], enum)))
            return c

        def element(e: Any) -> Any:
            if isinstance(e, ForeignKey):
                target = tables.get(e.ref_table)
                ref_table = e.ref_table
                if target is not None and target.id is not None:
                    ref_table = _Ref(_TABLE, target.id, target.name)
                e = replace(e, ref_table=ref_table, ref_columns=columns(target, e.ref_columns))
            if _has_columns(type(e)):
                e = replace(e, columns=columns(table, e.columns))
            return e

        return _map_table(table, column, element)

    return replace(schema, tables=tuple(for_table(t) for t in schema.tables))


def _to_names(schema: Schema) -> Schema:
    """The inverse of ``_to_refs``, with the names of ``schema`` itself."""
    by_id = {t.id: t for t in schema.tables if t.id is not None}
    by_name = {t.name: t for t in schema.tables}
    enum_names = {e.id: e.name for e in schema.enums if e.id is not None}

    def columns(table: Table | None, refs: tuple[Any, ...]) -> tuple[str, ...]:
        names = {c.id: c.name for c in table.columns if c.id is not None} if table else {}
        return tuple(names.get(r.id, r.name) if isinstance(r, _Ref) else r for r in refs)

    def for_table(table: Table) -> Table:
        def column(c: Column) -> Column:
            ref = c.type.enum
            if isinstance(ref, _Ref):
                return replace(c, type=replace(c.type, enum=enum_names.get(ref.id, ref.name)))
            return c

        def element(e: Any) -> Any:
            if isinstance(e, ForeignKey):
                ref = e.ref_table
                target = by_id.get(ref.id) if isinstance(ref, _Ref) else by_name.get(ref)
                name = target.name if target else ref.name if isinstance(ref, _Ref) else ref
                e = replace(e, ref_table=name, ref_columns=columns(target, e.ref_columns))
            if _has_columns(type(e)):
                e = replace(e, columns=columns(table, e.columns))
            return e

        return _map_table(table, column, element)

    return replace(schema, tables=tuple(for_table(t) for t in schema.tables))


_ATOMS = (str, int, float, type(None))


def _refs_in(value: Any) -> list[_Ref]:
    """Every ``_Ref`` inside a property value (tuples and plain dataclasses searched)."""
    if isinstance(value, _ATOMS):
        return []
    if isinstance(value, _Ref):
        return [value]
    if isinstance(value, tuple):
        return [r for v in value for r in _refs_in(v)]
    if is_dataclass(value) and not isinstance(value, type):
        return [r for name in _field_names(type(value)) for r in _refs_in(getattr(value, name))]
    return []


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _own_refs(element: Any) -> list[_Ref]:
    return [r for p in _properties(type(element)) for r in _refs_in(getattr(element, p))]


def _dangling(root: Schema) -> dict[tuple[str, str], str]:
    """(kind, id) of each element referred to but not there, with a label of what refers to it."""
    present: set[tuple[str, str]] = set()
    referring: list[tuple[_Ref, type, Any, tuple[str, ...]]] = []
    for cls, element, chain in _elements(root):
        if element.id is not None:
            present.add((_kind(cls), element.id))
        referring.extend((ref, cls, element, chain) for ref in _own_refs(element))
    found: dict[tuple[str, str], str] = {}
    for ref, cls, element, chain in referring:
        if (ref.kind, ref.id) not in present and (ref.kind, ref.id) not in found:
            found[ref.kind, ref.id] = _label(cls, element, chain)
    return found


def _without(element: Any, gone: set[tuple[str, str]]) -> Any:
    """``element`` without the elements below it that refer to one of ``gone``."""
    changes: dict[str, Any] = {}
    for child in _children(type(element)):
        items = _items(element, child)
        kept = tuple(
            _without(item, gone) for item in items if not any((r.kind, r.id) in gone for r in _own_refs(item))
        )
        if len(kept) != len(items) or any(a is not b for a, b in zip(kept, items)):
            changes[child.field] = kept if child.many else (kept[0] if kept else None)
    return replace(element, **changes) if changes else element


# ------------------------------------------------------------------ words


def _quoted(name: str) -> str:
    return f"“{name}”"


def _text(value: Any) -> str:
    """A property value as short text for a person."""
    if value is None:
        return "none"
    if isinstance(value, _Ref):
        return _quoted(value.name)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_text(v) for v in value) + ")"
    if isinstance(value, Default):
        return value.value if value.expression else f"'{value.value}'"
    if is_dataclass(value) and not isinstance(value, type):
        named = _named(value)
        if type(named).__str__ is not object.__str__:
            return str(named)
        shown = [f"{f.name} {_text(getattr(named, f.name))}" for f in fields(named) if getattr(named, f.name) != f.default]
        return ", ".join(shown) or type(named).__name__
    return str(value)


def _named(value: Any) -> Any:
    """``value`` with every ``_Ref`` inside replaced by the name it stands for."""
    if isinstance(value, _Ref):
        return value.name
    if isinstance(value, tuple):
        return tuple(_named(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _named(getattr(value, f.name)) for f in fields(value) if f.init})
    return value


def _label(cls: type, element: Any, chain: tuple[str, ...]) -> str:
    """``column “customer”.“email”``; unnamed: ``primary key (“id”) of “customer”``."""
    name = getattr(element, "name", None)
    if name is not None:
        return f"{_kind(cls)} " + ".".join(_quoted(n) for n in (*chain, name))
    owner = " of " + ".".join(_quoted(n) for n in chain) if chain else ""
    return f"{_kind(cls)} {_summary(element)}{owner}"


def _summary(element: Any) -> str:
    """An unnamed element in words: its first field (a key's columns, a check's expression)."""
    return _text(getattr(element, fields(element)[0].name))


# ------------------------------------------------------------------ the merge


@dataclass
class _Entry:
    element: Any
    name_pending: bool = False  # its name is an undecided conflict: kept out of the clash check


class _Merger:
    def __init__(
        self,
        base: Schema,
        ours: Schema,
        theirs: Schema,
        choices: dict[str, Side],
        label: str,
        used: dict[tuple[str, str], str],
    ) -> None:
        self.base, self.ours, self.theirs = base, ours, theirs
        self.choices = choices
        self.label = label
        self.used = used  # (kind, id) -> what still refers to it, found by an earlier pass
        self.deleted: set[tuple[str, str]] = set()  # (kind, id) of what a side deleted cleanly
        self.conflicts: list[Conflict] = []
        self.unresolved: list[Conflict] = []

    def run(self) -> Schema:
        entry = self.element("", Schema, (), self.base, self.ours, self.theirs)
        assert entry is not None
        return entry.element

    def choose(self, conflict: Conflict) -> Side | None:
        self.conflicts.append(conflict)
        side = self.choices.get(conflict.key)
        if side is None:
            self.unresolved.append(conflict)
        return side

    # -------------------------------------------------------------- one element

    def element(
        self, path: str, cls: type, chain: tuple[str, ...], b: Any, o: Any, t: Any
    ) -> _Entry | None:
        """The merged element from its base, our and their versions (each None when absent)."""
        if o is None and t is None:
            return None
        if o is not None and t is not None:
            return self.combine(path, cls, chain, b, o, t)
        side: Side = "ours" if o is not None else "theirs"
        present = o if o is not None else t
        if b is None:
            return _Entry(present)  # added on one side
        ids = [(_kind(cls), present.id), *((_kind(c), e.id) for c, e, _ in _elements(present))]
        user = next((self.used[i] for i in ids if i in self.used), None)
        changed = present != b
        if not changed and user is None:
            self.deleted.update(i for i in ids if i[1] is not None)
            return None  # deleted on the other side
        state = "changed" if changed else f"used by {user}"
        if changed and user is not None:
            state = f"changed and used by {user}"
        ours, theirs = ("deleted", state) if side == "theirs" else (state, "deleted")
        conflict = Conflict(
            key=path,
            kind="modify-delete",
            where=_label(cls, present, chain),
            description=f"{ours} here and {theirs} in {self.label}",
            ours=ours,
            theirs=theirs,
        )
        return _Entry(present) if self.choose(conflict) == side else None

    def combine(self, path: str, cls: type, chain: tuple[str, ...], b: Any, o: Any, t: Any) -> _Entry:
        """An element present on both sides (and maybe in base)."""
        if o == t or t == b:
            return _Entry(o)
        if o == b:
            return _Entry(t)
        element_type = type(o)
        values: dict[str, Any] = {}
        pending = False
        for prop in _properties(element_type):
            vb = getattr(b, prop, _MISSING) if b is not None else _MISSING
            vo, vt = getattr(o, prop), getattr(t, prop)
            if vo == vt or vt == vb:
                values[prop] = vo
            elif vo == vb:
                values[prop] = vt
            else:
                ours, theirs = _text(vo), _text(vt)
                verb = "changed to" if b is not None else "set to"
                conflict = Conflict(
                    key=_join(path, prop),
                    kind="property",
                    where=_label(cls, o, chain),
                    description=f"{prop} {verb} {ours} here and to {theirs} in {self.label}",
                    ours=ours,
                    theirs=theirs,
                )
                side = self.choose(conflict)
                values[prop] = vt if side == "theirs" else vo
                pending |= side is None and prop == "name"
        name = values.get("name")  # as merged: what the conflicts inside call it
        below = chain if name is None else (*chain, name)
        for child in _children(element_type):
            values[child.field] = self.collection(path, child, below, b, o, t)
        if any(f.name == "id" for f in fields(element_type)):
            values["id"] = o.id
        return _Entry(element_type(**values), pending)

    # -------------------------------------------------------------- one collection

    def collection(self, path: str, child: _Child, chain: tuple[str, ...], b: Any, o: Any, t: Any) -> Any:
        bs, os, ts = (_keyed(_items(x, child), child.cls) for x in (b, o, t))
        keys = [*os, *(k for k in ts if k not in os), *(k for k in bs if k not in os and k not in ts)]
        entries: dict[str, _Entry] = {}
        for key in keys:
            entry = self.element(_join(path, key), child.cls, chain, bs.get(key), os.get(key), ts.get(key))
            if entry is not None:
                entries[key] = entry
        self.clashes(path, child, chain, entries, {"ours": os, "theirs": ts}, bs)
        order = _order(set(entries), list(bs), list(os), list(ts))
        items = tuple(entries[k].element for k in order)
        if child.many:
            return items
        return items[0] if items else None

    def clashes(
        self,
        path: str,
        child: _Child,
        chain: tuple[str, ...],
        entries: dict[str, _Entry],
        sides: dict[Side, dict[str, Any]],
        bs: dict[str, Any],
    ) -> None:
        """Report and resolve elements that end up with one name (or share a slot)."""
        kind = _kind(child.cls)
        seen: set[str] = set()
        while True:
            groups: dict[str, list[str]] = {}
            for key, entry in entries.items():
                if entry.name_pending:
                    continue
                name = getattr(entry.element, "name", None) if child.many else ""
                if name is not None:
                    groups.setdefault(name, []).append(key)
            fresh = sorted((n, ks) for n, ks in groups.items() if len(ks) > 1 and n not in seen)
            if not fresh:
                return
            for name, keys in fresh:
                seen.add(name)

                def holds(side: Side, key: str, name: str = name) -> bool:
                    """Whether ``side`` has the element under this name (in this slot)."""
                    element = sides[side].get(key)
                    if element is None:
                        return False
                    return not child.many or getattr(element, "name", None) == name

                states = {
                    side: _clash_state(child, name, [(sides[side][k], bs.get(k)) for k in keys if holds(side, k)])
                    for side in SIDES
                }
                if child.many:
                    where = f"{kind} " + ".".join(_quoted(n) for n in (*chain, name))
                    what = f"are both called {_quoted(name)}"
                    key = _join(path, f"name-clash:{kind.replace(' ', '-')}={name}")
                else:
                    where = f"{kind} of " + ".".join(_quoted(n) for n in chain) if chain else kind
                    what = "where there can be only one"
                    key = _join(path, f"name-clash:{kind.replace(' ', '-')}")
                conflict = Conflict(
                    key=key,
                    kind="name-clash",
                    where=where,
                    description=f"{states['ours']} here and {states['theirs']} in {self.label} {what}",
                    ours=states["ours"],
                    theirs=states["theirs"],
                )
                side = self.choose(conflict)
                if side is None:
                    continue
                for held in keys:
                    if holds(side, held):
                        continue
                    back = sides[side].get(held, bs.get(held))
                    if not child.many or back is None or getattr(back, "name", None) in (None, name):
                        del entries[held]
                    else:
                        entries[held].element = replace(entries[held].element, name=back.name)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def _clash_state(child: _Child, name: str, held: list[tuple[Any, Any]]) -> str:
    """How the elements one side holds under ``name`` (or in the slot) came about, in words;
    ``held`` pairs each with its base version (None when new)."""
    kind = _kind(child.cls)
    if not held:
        return f"no {kind}"
    texts = []
    for element, before in held:
        what = kind if child.many else f"{kind} {_summary(element)}"
        if before is None:
            texts.append(f"a new {what}")
        elif child.many and getattr(before, "name", None) != name:
            texts.append(f"{kind} {_quoted(before.name)} renamed")
        else:
            texts.append(f"the {what}")
    return " and ".join(texts)


def _order(result: set[str], base: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    """The merged order of a collection (see the module docstring)."""

    def reordered(side: list[str]) -> bool:
        kept, before = set(side), set(base)
        return [k for k in side if k in before] != [k for k in base if k in kept]

    primary, secondary = (theirs, ours) if reordered(theirs) and not reordered(ours) else (ours, theirs)
    out = [k for k in primary if k in result]
    placed = set(out)
    for i, key in enumerate(secondary):
        if key in placed or key not in result:
            continue
        at = 0
        for previous in reversed(secondary[:i]):
            if previous in placed:
                at = out.index(previous) + 1
                break
        out.insert(at, key)
        placed.add(key)
    return out + sorted(result - placed)
