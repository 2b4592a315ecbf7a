"""Conversions between a draft's rows and the engine's schema, both ways, in bulk.

Reading runs one query per kind of row (tables, columns, indexes, uniques, checks, foreign keys,
enums, groups) whatever the draft's size; writing runs one bulk insert per kind (Django splits
very large inserts into batches). Element ``id``s in the schema are the rows' ``uid``s, so a
schema read back from a draft is equal to the one written, ids included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from django.db import connection, models

from designer.models import (
    Draft,
    DraftCheck,
    DraftColumn,
    DraftEnum,
    DraftForeignKey,
    DraftIndex,
    DraftTable,
    DraftUnique,
    TableGroup,
    new_uid,
)
from migrations_engine.schema import (
    Check,
    Column,
    Default,
    Enum,
    ForeignKey,
    Generated,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    SequenceOptions,
    Table,
    Unique,
)
from migrations_engine.snapshot import (
    domain_from_data,
    domain_to_data,
    exclusion_from_data,
    sequence_from_data,
    sequence_to_data,
    table_from_data,
    table_to_data,
    to_data,
)
from migrations_engine.types import ColumnType


#: Per kind of element, the snapshot keys a draft row keeps in its ``extra`` field: what the
#: engine reads from databases and the editor has no field for. Kept as the snapshot writes
#: them, except INCLUDE columns, which are column uids like every other column list. A table's
#: exclusion constraints (PostgreSQL) are kept whole, as the snapshot's list (names, not uids).
EXTRA_KEYS: dict[str, tuple[str, ...]] = {
    "table": ("charset", "collation", "without_rowid", "strict", "exclusions"),
    "column": (
        "charset", "collation", "on_update", "identity_always", "serial", "sequence", "generated",
        "declared_type",
    ),
    "primary_key": ("deferrable", "initially_deferred", "comment"),
    "foreign_key": ("match", "deferrable", "initially_deferred", "not_valid", "comment"),
    "unique": ("nulls_not_distinct", "deferrable", "initially_deferred", "comment"),
    "check": ("not_valid", "no_inherit", "comment"),
    "index": ("keys", "include", "method", "nulls_not_distinct", "comment"),
    "enum": ("comment",),
}

#: The keys of a table row's ``extra`` carrying schema-level objects the editor has no rows for
#: (PostgreSQL's standalone sequences and domains), each kept with the tables that use it.
CARRIED_KEYS = ("sequences", "domains")

E = TypeVar("E")


def carried_objects(schema: Schema, column_uids: dict[str, dict[str, str]], table_uids: dict[str, str]) -> dict[str, dict[str, list]]:
    """Per table name, the sequences and domains its row's ``extra`` keeps: a sequence with the
    table owning it and those whose defaults name it, a domain with the tables typed with it;
    what nothing uses with every table (so no single table's deletion loses it). A sequence's
    owner is kept as uids, so it follows renames."""
    carried: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    all_tables = [t.name for t in schema.tables]
    for sequence in schema.sequences:
        data = sequence_to_data(sequence)
        if sequence.owned_by is not None:
            table, column = sequence.owned_by
            data["owned_by"] = {"table": table_uids.get(table, table), "column": column_uids.get(table, {}).get(column, column)}
        homes = {t.name for t in schema.tables for c in t.columns if c.default and c.default.expression and sequence.name in c.default.value}
        if sequence.owned_by is not None:
            homes.add(sequence.owned_by[0])
        for name in sorted(homes & set(all_tables)) or all_tables:
            carried[name]["sequences"].append(data)
    for domain in schema.domains:
        homes = {t.name for t, _ in schema.columns_of_domain(domain.name)}
        for name in sorted(homes) or all_tables:
            carried[name]["domains"].append(domain_to_data(domain))
    return carried


def read_carried(extras: Iterable[dict[str, Any]], table_names: dict[str, str], column_names: dict[str, dict[str, str]]) -> tuple[tuple, tuple]:
    """The sequences and domains the table rows' ``extra`` keep (each once), owners back to names."""
    sequences: dict[str, Any] = {}
    domains: dict[str, Any] = {}
    for extra in extras:
        for data in extra.get("sequences", ()):
            owner = data.get("owned_by")
            if owner is not None:
                table, column = owner["table"], owner["column"]
                name = table_names.get(table)
                column_name = column_names.get(table, {}).get(column)
                data = {**data, "owned_by": {"table": name, "column": column_name} if name and column_name else None}
            sequences.setdefault(data["name"], sequence_from_data(data))
        for data in extra.get("domains", ()):
            domains.setdefault(data["name"], domain_from_data(data))
    return tuple(sequences.values()), tuple(domains.values())


def extra_of(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The part of an element's snapshot data that goes into its row's ``extra``."""
    return {key: data[key] for key in EXTRA_KEYS[kind] if key in data}


def with_extra(element: E, extra: dict[str, Any], column_names: Any = None) -> E:
    """``element`` with the attributes its row's ``extra`` holds. ``column_names`` turns the
    uids of INCLUDE columns back into names."""
    if not extra:
        return element
    values = dict(extra)
    if "sequence" in values:
        values["sequence"] = SequenceOptions(**values["sequence"])
    if "generated" in values:
        values["generated"] = Generated(**values["generated"])
    if "keys" in values:
        values["keys"] = tuple(IndexKey(**key) for key in values["keys"])
    if "include" in values:
        values["include"] = column_names(values["include"])
    if "exclusions" in values:
        values["exclusions"] = tuple(
            exclusion_from_data(x, f"exclusions[{n}]") for n, x in enumerate(values["exclusions"])
        )
    return replace(element, **values)  # type: ignore[type-var]


@dataclass
class Group:
    uid: str
    name: str
    colour: str
    tables: list[str] = field(default_factory=list)  # table uids

    def to_data(self) -> dict[str, Any]:
        return {"id": self.uid, "name": self.name, "colour": self.colour, "tables": self.tables}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Group:
        return cls(
            uid=data.get("id") or new_uid(),
            name=data.get("name", ""),
            colour=data.get("colour", "#4a7bd0"),
            tables=list(data.get("tables", [])),
        )


@dataclass
class DraftContent:
    """A draft's content: the engine schema, plus the designer's table groups."""

    schema: Schema
    groups: list[Group] = field(default_factory=list)

    def groups_data(self) -> list[dict[str, Any]]:
        return [g.to_data() for g in self.groups]

    def group_of(self, table_uid: str | None) -> Group | None:
        for group in self.groups:
            if table_uid in group.tables:
                return group
        return None

    def to_data(self) -> dict[str, Any]:
        return {"schema": to_data(self.schema, named=False), "groups": self.groups_data()}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> DraftContent:
        """Read back ``to_data``'s output as it was: names left blank stay blank."""
        body = data["schema"]
        schema = Schema(
            tables=tuple(table_from_data(t) for t in body.get("tables", [])),
            enums=tuple(
                Enum(e["name"], tuple(e.get("values", [])), e.get("id"), e.get("comment"))
                for e in body.get("enums", [])
            ),
            sequences=tuple(sequence_from_data(q) for q in body.get("sequences", [])),
            domains=tuple(domain_from_data(d) for d in body.get("domains", [])),
        )
        return cls(schema, [Group.from_data(g) for g in data.get("groups", [])])


# ---------------------------------------------------------------- rows -> schema


def read_content(draft: Draft, table_uids: Collection[str] | None = None) -> DraftContent:
    """The draft's content, or only the tables with the given uids (and every enum and group).

    One query per kind of row, whatever the number of tables.
    """
    tables = DraftTable.objects.filter(draft=draft)
    if table_uids is not None:
        tables = tables.filter(uid__in=list(table_uids))
    table_rows = list(
        tables.values(
            "id", "uid", "name", "comment", "group_id", "pk_columns", "pk_name", "pk_uid", "pk_extra", "extra"
        )
    )
    if table_uids is None:
        ids: Any = None
    else:
        ids = [row["id"] for row in table_rows]

    def children(model: type, *fields: str) -> list[dict[str, Any]]:
        rows = model.objects.filter(draft=draft)
        if ids is not None:
            rows = rows.filter(table_id__in=ids)
        return list(rows.values("table_id", *fields))

    columns = children(
        DraftColumn,
        "uid",
        "position",
        "name",
        "type",
        "nullable",
        "default",
        "default_is_expression",
        "identity",
        "comment",
        "extra",
    )
    indexes = children(DraftIndex, "uid", "name", "columns", "unique", "where", "extra")
    uniques = children(DraftUnique, "uid", "name", "columns", "extra")
    checks = children(DraftCheck, "uid", "name", "expression", "extra")
    fks = children(
        DraftForeignKey,
        "uid",
        "name",
        "columns",
        "ref_table_id",
        "ref_table__uid",
        "ref_table__name",
        "ref_columns",
        "on_delete",
        "on_update",
        "extra",
    )
    enums = list(DraftEnum.objects.filter(draft=draft).values("uid", "name", "values", "extra"))
    groups = list(TableGroup.objects.filter(draft=draft).values("id", "uid", "name", "colour"))

    # Column names by (table id, column uid): the referenced tables of foreign keys may lie
    # outside a partial read, so their column names come from the join below when missing.
    names: dict[tuple[int, str], str] = {(c["table_id"], c["uid"]): c["name"] for c in columns}
    missing_refs = {fk["ref_table_id"] for fk in fks} - {row["id"] for row in table_rows}
    if missing_refs:
        for row in DraftColumn.objects.filter(table_id__in=missing_refs).values(
            "table_id", "uid", "name"
        ):
            names[(row["table_id"], row["uid"])] = row["name"]

    def column_names(table_id: int, uids: Iterable[str]) -> tuple[str, ...]:
        # A uid with no column left (never written by the editor) shows as itself, so the
        # engine's validation names it instead of the element silently shrinking.
        return tuple(names.get((table_id, uid), uid) for uid in uids)

    by_table: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    # A schema repeats a few type texts over all its columns: each parsed once (types are frozen).
    types: dict[str, ColumnType] = {}
    for c in sorted(columns, key=lambda c: (c["table_id"], c["position"])):
        default = None
        if c["default"] is not None:
            default = Default(c["default"], c["default_is_expression"])
        column_type = types.get(c["type"])
        if column_type is None:
            column_type = types[c["type"]] = ColumnType.parse(c["type"])
        column = Column(
            name=c["name"],
            type=column_type,
            nullable=c["nullable"],
            default=default,
            identity=c["identity"],
            comment=c["comment"],
            id=c["uid"],
        )
        by_table[c["table_id"]]["columns"].append(with_extra(column, c["extra"]))
    for i in indexes:
        index = Index(
            column_names(i["table_id"], i["columns"]),
            i["name"] or None,
            i["unique"],
            i["where"],
            i["uid"],
        )
        in_table = lambda uids, table_id=i["table_id"]: column_names(table_id, uids)  # noqa: E731
        by_table[i["table_id"]]["indexes"].append(with_extra(index, i["extra"], in_table))
    for u in uniques:
        unique = Unique(column_names(u["table_id"], u["columns"]), u["name"] or None, u["uid"])
        by_table[u["table_id"]]["uniques"].append(with_extra(unique, u["extra"]))
    for k in checks:
        check = Check(k["expression"], k["name"] or None, k["uid"])
        by_table[k["table_id"]]["checks"].append(with_extra(check, k["extra"]))
    for f in fks:
        fk = ForeignKey(
            columns=column_names(f["table_id"], f["columns"]),
            ref_table=f["ref_table__name"],
            ref_columns=column_names(f["ref_table_id"], f["ref_columns"]),
            name=f["name"] or None,
            on_delete=f["on_delete"],
            on_update=f["on_update"],
            id=f["uid"],
        )
        by_table[f["table_id"]]["foreign_keys"].append(with_extra(fk, f["extra"]))

    tables_out = []
    group_tables: dict[int, list[str]] = defaultdict(list)
    for row in table_rows:
        parts = by_table[row["id"]]
        pk = None
        if row["pk_columns"]:
            pk = PrimaryKey(
                column_names(row["id"], row["pk_columns"]),
                row["pk_name"] or None,
                row["pk_uid"] or None,
            )
            pk = with_extra(pk, row["pk_extra"])
        table = Table(
            name=row["name"],
            columns=tuple(parts["columns"]),
            primary_key=pk,
            foreign_keys=tuple(parts["foreign_keys"]),
            uniques=tuple(parts["uniques"]),
            checks=tuple(parts["checks"]),
            indexes=tuple(parts["indexes"]),
            comment=row["comment"],
            id=row["uid"],
        )
        tables_out.append(with_extra(table, {k: v for k, v in row["extra"].items() if k not in CARRIED_KEYS}))
        if row["group_id"]:
            group_tables[row["group_id"]].append(row["uid"])
    table_ids = {row["id"]: row["uid"] for row in table_rows}
    sequences, domains = read_carried(
        (row["extra"] for row in table_rows),
        {row["uid"]: row["name"] for row in table_rows},
        _column_names_by_table_uid(columns, table_ids),
    )
    schema = Schema(
        tables=tuple(tables_out),
        enums=tuple(with_extra(Enum(e["name"], tuple(e["values"]), e["uid"]), e["extra"]) for e in enums),
        sequences=sequences,
        domains=domains,
    )
    return DraftContent(
        schema,
        [Group(g["uid"], g["name"], g["colour"], sorted(group_tables[g["id"]])) for g in groups],
    )


def _column_names_by_table_uid(columns: list[dict[str, Any]], table_uids: dict[int, str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for c in columns:
        found[table_uids[c["table_id"]]][c["uid"]] = c["name"]
    return found


# ---------------------------------------------------------------- schema -> rows


class _Uids:
    """Hands out each element's id as its uid, or a fresh one when missing or already taken."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def take(self, uid: str | None) -> str:
        # Uids appear in URLs and in 64-character columns: others are replaced.
        if not uid or uid in self.seen or "/" in uid or len(uid) > 64:
            uid = new_uid()
        self.seen.add(uid)
        return uid


def write_content(draft: Draft, schema: Schema, groups: list[dict[str, Any]]) -> None:
    """Insert rows for ``schema`` into an empty ``draft``: one bulk insert per kind of row."""
    uids = _Uids()
    group_rows = [
        TableGroup(draft=draft, uid=uids.take(g.uid), name=g.name, colour=g.colour)
        for g in (Group.from_data(d) for d in groups)
    ]
    group_of_table = {
        t: row for row, g in zip(group_rows, groups, strict=True) for t in g.get("tables", [])
    }
    _bulk(TableGroup, group_rows, draft, need_ids=True)
    _bulk(
        DraftEnum,
        [
            DraftEnum(
                draft=draft,
                uid=uids.take(e.id),
                name=e.name,
                values=list(e.values),
                extra={"comment": e.comment} if e.comment else {},
            )
            for e in schema.enums
        ],
        draft,
    )

    table_rows: list[DraftTable] = []
    column_uids: dict[str, dict[str, str]] = {}  # table name -> column name -> uid
    # Each table as the snapshot writes it: where its rows' ``extra`` comes from.
    data_of = {table.name: table_to_data(table) for table in schema.tables}
    table_uid_of: dict[str, str] = {}
    for table in schema.tables:
        table_uid_of[table.name] = uids.take(table.id)
        column_uids[table.name] = {c.name: uids.take(c.id) for c in table.columns}
    carried = carried_objects(schema, column_uids, table_uid_of)
    for table in schema.tables:
        group = group_of_table.get(table.id) if table.id else None
        table_rows.append(
            _table_row(
                draft, table, data_of[table.name], table_uid_of[table.name], column_uids[table.name],
                group, carried.get(table.name, {}), uids,
            )
        )
    _bulk(DraftTable, table_rows, draft, need_ids=True)
    table_by_name = {row.name: row for row in table_rows}
    _write_elements(draft, schema.tables, data_of, table_by_name, column_uids, uids)


def _table_row(
    draft: Draft,
    table: Table,
    data: dict[str, Any],
    uid: str,
    column_uids: dict[str, str],
    group: TableGroup | None,
    carried: dict[str, list],
    uids: _Uids,
) -> DraftTable:
    """``table``'s row (``data``: the table as the snapshot writes it; ``column_uids``: its
    columns' uids by name; ``carried``: the sequences and domains its ``extra`` keeps)."""
    pk = table.primary_key
    return DraftTable(
        draft=draft,
        uid=uid,
        name=table.name,
        comment=table.comment,
        group=group,
        pk_columns=[column_uids.get(c, c) for c in pk.columns] if pk else [],
        pk_name=(pk.name or "") if pk else "",
        pk_uid=uids.take(pk.id) if pk else "",
        pk_extra=extra_of("primary_key", data["primary_key"]) if pk else {},
        extra={**extra_of("table", data), **carried},
    )


def _write_elements(
    draft: Draft,
    tables: Iterable[Table],
    data_of: dict[str, dict[str, Any]],
    table_by_name: dict[str, DraftTable],
    column_uids: dict[str, dict[str, str]],
    uids: _Uids,
) -> None:
    """Insert the columns, indexes and constraints of ``tables``, whose rows ``table_by_name``
    holds (with every table a foreign key may reference, saved); ``column_uids``: the columns'
    uids by table and column name, of the referenced tables too."""

    def cols(table: str, names: Iterable[str]) -> list[str]:
        known = column_uids.get(table, {})
        return [known.get(n, n) for n in names]

    columns, indexes, uniques, checks, fks = [], [], [], [], []
    for table in tables:
        row = table_by_name[table.name]
        data = data_of[table.name]
        for position, (c, c_data) in enumerate(zip(table.columns, data.get("columns", []), strict=True)):
            columns.append(
                DraftColumn(
                    draft=draft,
                    table=row,
                    uid=column_uids[table.name][c.name],
                    position=position,
                    name=c.name,
                    type=str(c.type),
                    nullable=c.nullable,
                    default=c.default.value if c.default else None,
                    default_is_expression=bool(c.default and c.default.expression),
                    identity=c.identity,
                    comment=c.comment,
                    extra=extra_of("column", c_data),
                )
            )
        for i, i_data in zip(table.indexes, data.get("indexes", []), strict=True):
            extra = extra_of("index", i_data)
            if "include" in extra:
                extra["include"] = cols(table.name, extra["include"])
            indexes.append(
                DraftIndex(
                    draft=draft,
                    table=row,
                    uid=uids.take(i.id),
                    name=i.name or "",
                    columns=cols(table.name, i.columns),
                    unique=i.unique,
                    where=i.where,
                    extra=extra,
                )
            )
        for u, u_data in zip(table.uniques, data.get("uniques", []), strict=True):
            uniques.append(
                DraftUnique(
                    draft=draft,
                    table=row,
                    uid=uids.take(u.id),
                    name=u.name or "",
                    columns=cols(table.name, u.columns),
                    extra=extra_of("unique", u_data),
                )
            )
        for k, k_data in zip(table.checks, data.get("checks", []), strict=True):
            checks.append(
                DraftCheck(
                    draft=draft,
                    table=row,
                    uid=uids.take(k.id),
                    name=k.name or "",
                    expression=k.expression,
                    extra=extra_of("check", k_data),
                )
            )
        for f, f_data in zip(table.foreign_keys, data.get("foreign_keys", []), strict=True):
            if f.ref_table not in table_by_name:
                continue  # the engine's validation refuses such schemas; never written
            fks.append(
                DraftForeignKey(
                    draft=draft,
                    table=row,
                    uid=uids.take(f.id),
                    name=f.name or "",
                    columns=cols(table.name, f.columns),
                    ref_table=table_by_name[f.ref_table],
                    ref_columns=cols(f.ref_table, f.ref_columns),
                    on_delete=f.on_delete,
                    on_update=f.on_update,
                    extra=extra_of("foreign_key", f_data),
                )
            )
    for model, rows in (
        (DraftColumn, columns),
        (DraftIndex, indexes),
        (DraftUnique, uniques),
        (DraftCheck, checks),
        (DraftForeignKey, fks),
    ):
        _bulk(model, rows, draft)


def _bulk(model: type, rows: list, draft: Draft, *, need_ids: bool = False) -> None:
    """Insert ``rows`` (unsaved instances of ``model``) in one statement run for them all; with
    ``need_ids``, their new ids are read back (by uid: no driver returns them from it).

    Not ``bulk_create``: restoring a 10,000-table draft (90,000 rows) spent 8 of its 9.5 s in
    the ORM compiling each row's ``INSERT`` values; the driver's ``executemany`` takes the rows
    as they are, each value prepared as its field prepares it for this database."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    prepare = [None if isinstance(f, _PLAIN_FIELDS) else _prepared(f) for f in fields]
    values = [
        tuple(
            value if how is None else how(value)
            for value, how in zip([getattr(row, f.attname) for f in fields], prepare)
        )
        for row in rows
    ]
    quote = connection.ops.quote_name
    statement = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(statement, values)
    if need_ids:  # by uid, unique in a draft
        ids = dict(model.objects.filter(draft=draft).values_list("uid", "id"))
        for row in rows:
            row.pk = ids[row.uid]


def _prepared(field: models.Field) -> Callable[[Any], Any]:
    """``field``'s preparation of a value for this database; the empty object and list that
    most JSON cells of a draft hold prepared once (140,000 of them in a 10,000-table draft)."""
    prepare = field.get_db_prep_save
    if not isinstance(field, models.JSONField):
        return lambda value: prepare(value, connection)
    empty_object, empty_list = prepare({}, connection), prepare([], connection)

    def json_value(value: Any) -> Any:
        if not value and value is not None:
            if type(value) is dict:
                return empty_object
            if type(value) is list:
                return empty_list
        return prepare(value, connection)

    return json_value


#: Fields whose Python values every driver takes as they are (text, numbers, booleans, ids).
_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


# ---------------------------------------------------------------- restoring a state in place


def _groups_alone(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The content's groups without their tables (which the tables' rows say)."""
    return [{k: v for k, v in group.items() if k != "tables"} for group in content.get("groups", [])]


def _members(content: dict[str, Any]) -> dict[str, str]:
    """Table uid → the uid of the group it is in."""
    return {table: group.get("id") for group in content.get("groups", []) for table in group.get("tables", [])}


#: What a content's data says of its tables: the tables, and the hash of the whole.
_PER_TABLE = ("tables", "hash")


def restore_tables(draft: Draft, target: dict[str, Any], current: dict[str, Any], most: int) -> bool:
    """Make the draft's content ``target`` by rewriting only the tables that differ from
    ``current`` (both as ``DraftContent.to_data`` gives them; ``current`` is the draft's content
    now): Undo and Redo of one edit of a 10,000-table draft rewrote all 90,000 rows.

    A table that changed keeps its row (the keys of other tables that reference it stay) and
    has its columns, indexes and constraints written again; a table gone is deleted, a new one
    inserted. False, with nothing written, when anything else differs (groups, enums,
    sequences, domains: those are written with every table), when either content has tables
    without ids or sequences or domains (their rows' ``extra`` carries them), when the rows do
    not hold ``current``'s tables, or when more than ``most`` tables differ: the caller then
    replaces the whole content."""
    body, now = target["schema"], current["schema"]
    if (
        {k: v for k, v in body.items() if k not in _PER_TABLE} != {k: v for k, v in now.items() if k not in _PER_TABLE}
        or _groups_alone(target) != _groups_alone(current)
        or body.get("sequences") or body.get("domains")
    ):
        return False
    wanted = {t.get("id"): t for t in body.get("tables", [])}
    present = {t.get("id"): t for t in now.get("tables", [])}
    if None in wanted or None in present or len(wanted) != len(body.get("tables", [])) or len(present) != len(now.get("tables", [])):
        return False
    changed = [uid for uid, data in wanted.items() if present.get(uid) != data]
    gone = [uid for uid in present if uid not in wanted]
    group_of, was_in = _members(target), _members(current)
    moved = [uid for uid in wanted if uid in present and uid not in changed and group_of.get(uid) != was_in.get(uid)]
    if len(changed) + len(gone) + len(moved) > most:
        return False
    ids = dict(DraftTable.objects.filter(draft=draft).values_list("uid", "id"))
    if set(ids) != set(present):
        return False
    group_ids = dict(TableGroup.objects.filter(draft=draft).values_list("uid", "id"))
    for uid in moved:  # only its group changed
        DraftTable.objects.filter(pk=ids[uid]).update(group_id=group_ids.get(group_of.get(uid)))
    if not changed and not gone:
        return True
    kept = [ids[uid] for uid in changed if uid in ids]
    for model in (DraftForeignKey, DraftIndex, DraftUnique, DraftCheck, DraftColumn):
        model.objects.filter(draft=draft, table_id__in=kept + [ids[uid] for uid in gone])._raw_delete(model.objects.db)
    if gone:
        gone_ids = [ids[uid] for uid in gone]
        DraftForeignKey.objects.filter(draft=draft, ref_table_id__in=gone_ids)._raw_delete(DraftForeignKey.objects.db)
        DraftTable.objects.filter(draft=draft, id__in=gone_ids)._raw_delete(DraftTable.objects.db)

    tables = [table_from_data(wanted[uid]) for uid in changed]
    data_of = {table.name: table_to_data(table) for table in tables}
    column_uids = {
        t["name"]: {c["name"]: c["id"] for c in t.get("columns", []) if "id" in c}
        for t in body.get("tables", [])
    }
    uids = _Uids()
    rows = []
    for uid, table in zip(changed, tables):
        row = _table_row(draft, table, data_of[table.name], uids.take(uid), column_uids[table.name], None, {}, uids)
        row.group_id = group_ids.get(group_of.get(uid))
        rows.append(row)
    new = [row for row in rows if row.uid not in ids]
    for row in rows:
        if row.uid in ids:
            row.pk = ids[row.uid]
            fields = {f.attname: getattr(row, f.attname) for f in DraftTable._meta.concrete_fields if not f.primary_key}
            DraftTable.objects.filter(pk=row.pk).update(**fields)
    _bulk(DraftTable, new, draft, need_ids=True)
    # As in ``write_content``, of two tables of one name (a draft holds them until fixed) the
    # later one is the one keys reference.
    written = {row.uid: row for row in rows}
    by_name = {
        t["name"]: written.get(t["id"]) or DraftTable(pk=ids[t["id"]], name=t["name"])
        for t in body.get("tables", [])
    }
    _write_elements(draft, tables, data_of, by_name, column_uids, uids)
    return True
