"""Conversions between a draft's rows and the engine's schema, both ways, in bulk.

Reading runs one query per kind of row (tables, columns, indexes, uniques, checks, foreign keys,
enums, groups) whatever the draft's size; writing runs one bulk insert per kind (Django splits
very large inserts into batches). Element ``id``s in the schema are the rows' ``uid``s, so a
schema read back from a draft is equal to the one written, ids included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

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
        table_uid = table_uid_of[table.name]
        data = data_of[table.name]
        pk = table.primary_key
        table_rows.append(
            DraftTable(
                draft=draft,
                uid=table_uid,
                name=table.name,
                comment=table.comment,
                group=group_of_table.get(table.id) if table.id else None,
                pk_columns=[column_uids[table.name].get(c, c) for c in pk.columns] if pk else [],
                pk_name=(pk.name or "") if pk else "",
                pk_uid=uids.take(pk.id) if pk else "",
                pk_extra=extra_of("primary_key", data["primary_key"]) if pk else {},
                extra={**extra_of("table", data), **carried.get(table.name, {})},
            )
        )
    _bulk(DraftTable, table_rows, draft, need_ids=True)
    table_by_name = {row.name: row for row in table_rows}

    def cols(table: str, names: Iterable[str]) -> list[str]:
        known = column_uids.get(table, {})
        return [known.get(n, n) for n in names]

    columns, indexes, uniques, checks, fks = [], [], [], [], []
    for table in schema.tables:
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
    """``bulk_create``; where the database cannot return the new ids (MySQL), read them back."""
    if not rows:
        return
    model.objects.bulk_create(rows, batch_size=500)
    if need_ids and rows[0].pk is None:
        ids = dict(
            model.objects.filter(draft=draft, uid__in=[r.uid for r in rows]).values_list(
                "uid", "id"
            )
        )
        for row in rows:
            row.pk = ids[row.uid]
