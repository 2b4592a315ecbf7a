"""The JSON snapshot format (docs/snapshot-format.md): format version, canonical order, content hash.

``load(dump(schema)) == with_default_names(schema)`` for every valid schema (so ``== schema`` when
every key, constraint and index is named). Keys whose value is the default are left out, so
snapshots stay small and diffs of snapshot files stay readable.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .errors import SchemaError, SnapshotFormatError
from .naming import with_default_names
from .schema import (
    REFERENTIAL_ACTIONS,
    Check,
    Column,
    Default,
    Domain,
    Enum,
    Exclusion,
    ForeignKey,
    Generated,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    Sequence,
    SequenceOptions,
    Table,
    Unique,
)
from .types import ColumnType
from .validate import problems

FORMAT = "schema-snapshot/4"
#: Older formats still read: 1 lacks character sets, collations and ON UPDATE (all None);
#: 2 lacks generated columns, identity options, index keys and methods, constraint timing,
#: table options and comments on constraints, indexes and enums (all defaults); 3 lacks
#: sequences and domains (none).
READABLE_FORMATS = ("schema-snapshot/1", "schema-snapshot/2", "schema-snapshot/3", FORMAT)

# The keys each object may hold, in the order they are written; any other key is refused.
DOCUMENT_KEYS = ("format", "hash", "sequences", "domains", "enums", "tables")
SEQUENCE_OBJECT_KEYS = ("name", "type", "start", "increment", "min_value", "max_value", "cache", "cycle", "owned_by")
OWNED_BY_KEYS = ("table", "column")
DOMAIN_KEYS = ("name", "type", "collation", "nullable", "default", "checks")
DOMAIN_CHECK_KEYS = ("name", "expression")
ENUM_KEYS = ("id", "name", "values", "comment")
TABLE_KEYS = (
    "id",
    "name",
    "comment",
    "charset",
    "collation",
    "without_rowid",
    "strict",
    "columns",
    "primary_key",
    "foreign_keys",
    "uniques",
    "checks",
    "exclusions",
    "indexes",
)
COLUMN_KEYS = (
    "id", "name", "type", "charset", "collation", "nullable", "default", "on_update", "identity",
    "identity_always", "serial", "sequence", "generated", "comment", "declared_type",
)
DEFAULT_KEYS = ("value", "expression")
GENERATED_KEYS = ("expression", "stored")
SEQUENCE_KEYS = ("start", "increment", "min_value", "max_value", "cache", "cycle")
TIMING_KEYS = ("deferrable", "initially_deferred")
PRIMARY_KEY_KEYS = ("id", "name", "columns", *TIMING_KEYS, "comment")
FOREIGN_KEY_KEYS = (
    "id", "name", "columns", "ref_table", "ref_columns", "on_delete", "on_update", "match",
    *TIMING_KEYS, "not_valid", "comment",
)
UNIQUE_KEYS = ("id", "name", "columns", "nulls_not_distinct", *TIMING_KEYS, "comment")
CHECK_KEYS = ("id", "name", "expression", "not_valid", "no_inherit", "comment")
INDEX_KEYS = ("id", "name", "columns", "keys", "include", "method", "unique", "nulls_not_distinct", "where", "comment")
EXCLUSION_KEYS = (
    "id", "name", "method", "columns", "operators", "keys", "include", "where", *TIMING_KEYS, "comment",
)
INDEX_KEY_KEYS = ("expression", "descending", "nulls", "opclass", "collation", "length")


# ---------------------------------------------------------------- dump


def _element(fields: dict[str, Any]) -> dict[str, Any]:
    """Drop keys holding a default (None, empty list, NO ACTION) for a compact, canonical form."""
    return {
        key: value
        for key, value in fields.items()
        if value is not None and value != [] and value != "NO ACTION"
    }


def _flags(**flags: bool) -> dict[str, Any]:
    """Boolean keys written only when true."""
    return {key: True if value else None for key, value in flags.items()}


def _sequence_to_data(sequence: SequenceOptions | None) -> dict[str, Any] | None:
    if sequence is None:
        return None
    return _element(
        {
            "start": sequence.start,
            "increment": sequence.increment,
            "min_value": sequence.min_value,
            "max_value": sequence.max_value,
            "cache": sequence.cache,
            **_flags(cycle=sequence.cycle),
        }
    )


def _index_key_to_data(key: IndexKey) -> dict[str, Any]:
    return _element(
        {
            **_flags(expression=key.expression, descending=key.descending),
            "nulls": key.nulls,
            "opclass": key.opclass,
            "collation": key.collation,
            "length": key.length,
        }
    )


def column_to_data(column: Column) -> dict[str, Any]:
    default = None
    if column.default is not None:
        default = {"value": column.default.value}
        if column.default.expression:
            default["expression"] = True
    generated = None
    if column.generated is not None:
        generated = {"expression": column.generated.expression, "stored": column.generated.stored}
    return _element(
        {
            "id": column.id,
            "name": column.name,
            "type": str(column.type),
            "charset": column.charset,
            "collation": column.collation,
            "nullable": None if column.nullable else False,
            "default": default,
            "on_update": column.on_update,
            "identity": column.identity or None,
            "identity_always": column.identity_always or None,
            "serial": column.serial or None,
            "sequence": _sequence_to_data(column.sequence),
            "generated": generated,
            "comment": column.comment,
            "declared_type": column.declared_type,
        }
    )


def index_to_data(index: Index) -> dict[str, Any]:
    return _element(
        {
            "id": index.id,
            "name": index.name,
            "columns": list(index.columns),
            "keys": [_index_key_to_data(k) for k in index.keys],
            "include": list(index.include),
            "method": index.method,
            "unique": index.unique or None,
            "nulls_not_distinct": index.nulls_not_distinct or None,
            "where": index.where,
            "comment": index.comment,
        }
    )


def exclusion_to_data(exclusion: Exclusion) -> dict[str, Any]:
    return _element(
        {
            "id": exclusion.id,
            "name": exclusion.name,
            "method": exclusion.method,
            "columns": list(exclusion.columns),
            "operators": list(exclusion.operators),
            "keys": [_index_key_to_data(k) for k in exclusion.keys],
            "include": list(exclusion.include),
            "where": exclusion.where,
            **_flags(deferrable=exclusion.deferrable, initially_deferred=exclusion.initially_deferred),
            "comment": exclusion.comment,
        }
    )


def table_to_data(table: Table) -> dict[str, Any]:
    pk = table.primary_key
    return _element(
        {
            "id": table.id,
            "name": table.name,
            "comment": table.comment,
            "charset": table.charset,
            "collation": table.collation,
            **_flags(without_rowid=table.without_rowid, strict=table.strict),
            "columns": [column_to_data(c) for c in table.columns],
            "primary_key": _element(
                {
                    "id": pk.id,
                    "name": pk.name,
                    "columns": list(pk.columns),
                    **_flags(deferrable=pk.deferrable, initially_deferred=pk.initially_deferred),
                    "comment": pk.comment,
                }
            )
            if pk
            else None,
            "foreign_keys": [
                _element(
                    {
                        "id": fk.id,
                        "name": fk.name,
                        "columns": list(fk.columns),
                        "ref_table": fk.ref_table,
                        "ref_columns": list(fk.ref_columns),
                        "on_delete": fk.on_delete,
                        "on_update": fk.on_update,
                        "match": fk.match,
                        **_flags(
                            deferrable=fk.deferrable,
                            initially_deferred=fk.initially_deferred,
                            not_valid=fk.not_valid,
                        ),
                        "comment": fk.comment,
                    }
                )
                for fk in table.foreign_keys
            ],
            "uniques": [
                _element(
                    {
                        "id": u.id,
                        "name": u.name,
                        "columns": list(u.columns),
                        **_flags(
                            nulls_not_distinct=u.nulls_not_distinct,
                            deferrable=u.deferrable,
                            initially_deferred=u.initially_deferred,
                        ),
                        "comment": u.comment,
                    }
                )
                for u in table.uniques
            ],
            "checks": [
                _element(
                    {
                        "id": c.id,
                        "name": c.name,
                        "expression": c.expression,
                        **_flags(not_valid=c.not_valid, no_inherit=c.no_inherit),
                        "comment": c.comment,
                    }
                )
                for c in table.checks
            ],
            "exclusions": [exclusion_to_data(x) for x in table.exclusions],
            "indexes": [index_to_data(i) for i in table.indexes],
        }
    )


def sequence_to_data(sequence: Sequence) -> dict[str, Any]:
    owner = sequence.owned_by
    return _element(
        {
            "name": sequence.name,
            "type": None if sequence.data_type == "bigint" else sequence.data_type,
            **(_sequence_to_data(sequence.options) or {}),
            "owned_by": {"table": owner[0], "column": owner[1]} if owner else None,
        }
    )


def domain_to_data(domain: Domain) -> dict[str, Any]:
    return _element(
        {
            "name": domain.name,
            "type": domain.base_type,
            "collation": domain.collation,
            "nullable": None if domain.nullable else False,
            "default": domain.default,
            "checks": [{"name": c.name, "expression": c.expression} for c in domain.checks],
        }
    )


def _body(schema: Schema) -> dict[str, Any]:
    """The document without ``format`` and ``hash``: what the hash covers. Names as given.
    ``sequences`` and ``domains`` only when there are some, so older bodies hash as before."""
    objects = {
        "sequences": [sequence_to_data(q) for q in schema.sequences],
        "domains": [domain_to_data(d) for d in schema.domains],
    }
    return {
        **{key: items for key, items in objects.items() if items},
        "enums": [
            _element({"id": e.id, "name": e.name, "values": list(e.values), "comment": e.comment})
            for e in schema.enums
        ],
        "tables": [table_to_data(t) for t in schema.tables],
    }


def to_data(schema: Schema, *, named: bool = True) -> dict[str, Any]:
    """The snapshot as JSON-ready data, with its format version and content hash.

    Unnamed keys, constraints and indexes are written with their conventional names, as
    ``from_data`` would give them, so a schema and its reloaded snapshot are equal and hash
    alike. ``named=False`` writes the names as they are (for drafts whose unnamed elements
    must stay unnamed); such data is not a snapshot of the schema ``from_data`` returns.
    """
    body = _body(with_default_names(schema) if named else schema)
    return {"format": format_of(body), "hash": _hash(body), **body}


#: The keys each format added, per kind of element: a schema using none of a format's keys is
#: written in an older format, byte for byte as before, so older engines (and snapshots already
#: saved) see no change.
_ADDED_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "schema-snapshot/2": {
        "table": ("charset", "collation"),
        "column": ("charset", "collation", "on_update", "serial", "declared_type"),
    },
    "schema-snapshot/3": {
        "enum": ("comment",),
        "table": ("without_rowid", "strict", "exclusions"),
        "column": ("identity_always", "sequence", "generated"),
        "primary_key": (*TIMING_KEYS, "comment"),
        "foreign_keys": ("match", *TIMING_KEYS, "not_valid", "comment"),
        "uniques": ("nulls_not_distinct", *TIMING_KEYS, "comment"),
        "checks": ("not_valid", "no_inherit", "comment"),
        "indexes": ("keys", "include", "method", "nulls_not_distinct", "comment"),
    },
    "schema-snapshot/4": {"document": ("sequences", "domains")},
}


def _elements_by_kind(body: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {
        "document": [body], "enum": list(body["enums"]), "table": list(body["tables"]),
    }
    for table in body["tables"]:
        found.setdefault("column", []).extend(table.get("columns", ()))
        if "primary_key" in table:
            found.setdefault("primary_key", []).append(table["primary_key"])
        for kind in ("foreign_keys", "uniques", "checks", "indexes"):
            found.setdefault(kind, []).extend(table.get(kind, ()))
    return found


def format_of(body: dict[str, Any]) -> str:
    """The oldest format that holds ``body``."""
    elements = _elements_by_kind(body)
    for version in reversed(list(_ADDED_KEYS)):
        for kind, keys in _ADDED_KEYS[version].items():
            if any(key in element for element in elements.get(kind, ()) for key in keys):
                return version
    return READABLE_FORMATS[0]


def _hash(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(schema: Schema) -> str:
    """The hash of the schema's canonical JSON (ids and conventional names included)."""
    return to_data(schema)["hash"]


def dumps(schema: Schema) -> str:
    return json.dumps(to_data(schema), indent=2, ensure_ascii=False) + "\n"


def dump(schema: Schema, path: str | Path) -> None:
    Path(path).write_text(dumps(schema), encoding="utf-8")


# ---------------------------------------------------------------- load


class _Reader:
    """Reads one JSON element, naming its place (``tables[2].columns[0]``) in every error."""

    def __init__(self, data: Any, where: str, keys: tuple[str, ...] | None = None) -> None:
        if not isinstance(data, dict):
            raise SnapshotFormatError(f"{where}: expected an object, got {type(data).__name__}")
        self.data = data
        self.where = where
        if keys is not None:
            self.refuse_unknown(keys)

    def refuse_unknown(self, keys: tuple[str, ...]) -> None:
        """Refuse a key outside ``keys``: a misspelt key would silently lose what it holds."""
        for key in self.data:
            if key not in keys:
                raise SnapshotFormatError(
                    f"{self.where}: unknown key {key!r} (expected one of: {', '.join(keys)})"
                )

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., *, required: bool = False) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                raise SnapshotFormatError(f"{self.where}: missing {key!r}")
            return None if default is ... else default
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SnapshotFormatError(f"{self.where}.{key}: wrong kind of value {value!r}")
        return value

    def name(self) -> str:
        name = self.get("name", str, required=True)
        if not name:
            raise SnapshotFormatError(f"{self.where}.name: must not be empty")
        return name

    def names(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        values = self.get(key, list, required=required) or []
        if not all(isinstance(v, str) and v for v in values):
            raise SnapshotFormatError(f"{self.where}.{key}: expected a list of names")
        return tuple(values)

    def action(self, key: str) -> str:
        value = (self.get(key, str) or "NO ACTION").upper()
        if value not in REFERENTIAL_ACTIONS:
            raise SnapshotFormatError(f"{self.where}.{key}: unknown action {value!r}")
        return value

    def child(self, key: str, keys: tuple[str, ...]) -> _Reader | None:
        """The object under ``key``, or None when it is absent or null."""
        if self.get(key, dict) is None:
            return None
        return _Reader(self.data[key], f"{self.where}.{key}", keys)

    def items(self, key: str, keys: tuple[str, ...]) -> list[_Reader]:
        return [
            _Reader(item, f"{self.where}.{key}[{n}]", keys)
            for n, item in enumerate(self.get(key, list, []))
        ]


def _read_column(r: _Reader) -> Column:
    default = None
    d = r.child("default", DEFAULT_KEYS)
    if d is not None:
        default = Default(d.get("value", str, required=True), bool(d.get("expression", bool, False)))
    type_text = r.get("type", str, required=True)
    try:
        column_type = ColumnType.parse(type_text)
    except SchemaError as exc:
        raise SnapshotFormatError(f"{r.where}.type: {exc}") from None
    generated = None
    g = r.child("generated", GENERATED_KEYS)
    if g is not None:
        generated = Generated(g.get("expression", str, required=True), g.get("stored", bool, True))
    sequence = None
    q = r.child("sequence", SEQUENCE_KEYS)
    if q is not None:
        sequence = SequenceOptions(
            start=q.get("start", int),
            increment=q.get("increment", int),
            min_value=q.get("min_value", int),
            max_value=q.get("max_value", int),
            cache=q.get("cache", int),
            cycle=q.get("cycle", bool, False),
        )
    return Column(
        name=r.name(),
        type=column_type,
        nullable=r.get("nullable", bool, True),
        default=default,
        identity=r.get("identity", bool, False),
        comment=r.get("comment", str),
        id=r.get("id", str),
        charset=r.get("charset", str),
        collation=r.get("collation", str),
        on_update=r.get("on_update", str),
        serial=r.get("serial", bool, False),
        declared_type=r.get("declared_type", str),
        identity_always=r.get("identity_always", bool, False),
        sequence=sequence,
        generated=generated,
    )


def _timing(r: _Reader) -> dict[str, bool]:
    return {key: r.get(key, bool, False) for key in TIMING_KEYS}


def _read_index_key(r: _Reader) -> IndexKey:
    nulls = r.get("nulls", str)
    if nulls is not None and nulls.upper() not in ("FIRST", "LAST"):
        raise SnapshotFormatError(f"{r.where}.nulls: expected 'FIRST' or 'LAST', got {nulls!r}")
    return IndexKey(
        expression=r.get("expression", bool, False),
        descending=r.get("descending", bool, False),
        nulls=nulls.upper() if nulls else None,
        opclass=r.get("opclass", str),
        collation=r.get("collation", str),
        length=r.get("length", int),
    )


def _read_index(i: _Reader) -> Index:
    return Index(
        columns=i.names("columns"),
        name=i.get("name", str),
        unique=i.get("unique", bool, False),
        where=i.get("where", str),
        id=i.get("id", str),
        keys=tuple(_read_index_key(k) for k in i.items("keys", INDEX_KEY_KEYS)),
        include=i.names("include", required=False),
        method=i.get("method", str),
        nulls_not_distinct=i.get("nulls_not_distinct", bool, False),
        comment=i.get("comment", str),
    )


def _read_exclusion(x: _Reader) -> Exclusion:
    return Exclusion(
        columns=x.names("columns"),
        operators=x.names("operators"),
        name=x.get("name", str),
        method=x.get("method", str),
        where=x.get("where", str),
        id=x.get("id", str),
        keys=tuple(_read_index_key(k) for k in x.items("keys", INDEX_KEY_KEYS)),
        include=x.names("include", required=False),
        comment=x.get("comment", str),
        **_timing(x),
    )


def _read_table(r: _Reader) -> Table:
    pk = None
    p = r.child("primary_key", PRIMARY_KEY_KEYS)
    if p is not None:
        pk = PrimaryKey(
            p.names("columns"), p.get("name", str), p.get("id", str), **_timing(p), comment=p.get("comment", str)
        )
    return Table(
        name=r.name(),
        id=r.get("id", str),
        comment=r.get("comment", str),
        charset=r.get("charset", str),
        collation=r.get("collation", str),
        without_rowid=r.get("without_rowid", bool, False),
        strict=r.get("strict", bool, False),
        columns=tuple(_read_column(c) for c in r.items("columns", COLUMN_KEYS)),
        primary_key=pk,
        foreign_keys=tuple(
            ForeignKey(
                columns=f.names("columns"),
                ref_table=f.get("ref_table", str, required=True),
                ref_columns=f.names("ref_columns"),
                name=f.get("name", str),
                on_delete=f.action("on_delete"),
                on_update=f.action("on_update"),
                id=f.get("id", str),
                match=f.get("match", str),
                not_valid=f.get("not_valid", bool, False),
                comment=f.get("comment", str),
                **_timing(f),
            )
            for f in r.items("foreign_keys", FOREIGN_KEY_KEYS)
        ),
        uniques=tuple(
            Unique(
                u.names("columns"),
                u.get("name", str),
                u.get("id", str),
                nulls_not_distinct=u.get("nulls_not_distinct", bool, False),
                comment=u.get("comment", str),
                **_timing(u),
            )
            for u in r.items("uniques", UNIQUE_KEYS)
        ),
        checks=tuple(
            Check(
                c.get("expression", str, required=True),
                c.get("name", str),
                c.get("id", str),
                not_valid=c.get("not_valid", bool, False),
                no_inherit=c.get("no_inherit", bool, False),
                comment=c.get("comment", str),
            )
            for c in r.items("checks", CHECK_KEYS)
        ),
        indexes=tuple(_read_index(i) for i in r.items("indexes", INDEX_KEYS)),
        exclusions=tuple(_read_exclusion(x) for x in r.items("exclusions", EXCLUSION_KEYS)),
    )


def _read_sequence_object(r: _Reader) -> Sequence:
    data_type = r.get("type", str, "bigint")
    if data_type not in ("smallint", "integer", "bigint"):
        raise SnapshotFormatError(f"{r.where}.type: expected smallint, integer or bigint, got {data_type!r}")
    options = SequenceOptions(
        start=r.get("start", int),
        increment=r.get("increment", int),
        min_value=r.get("min_value", int),
        max_value=r.get("max_value", int),
        cache=r.get("cache", int),
        cycle=r.get("cycle", bool, False),
    )
    owner = r.child("owned_by", OWNED_BY_KEYS)
    return Sequence(
        name=r.name(),
        data_type=data_type,
        options=None if options == SequenceOptions() else options,
        owned_by=(owner.get("table", str, required=True), owner.get("column", str, required=True)) if owner else None,
    )


def _read_domain(r: _Reader) -> Domain:
    return Domain(
        name=r.name(),
        base_type=r.get("type", str, required=True),
        nullable=r.get("nullable", bool, True),
        default=r.get("default", str),
        checks=tuple(
            Check(c.get("expression", str, required=True), c.name()) for c in r.items("checks", DOMAIN_CHECK_KEYS)
        ),
        collation=r.get("collation", str),
    )


def sequence_from_data(data: Any, where: str = "sequence") -> Sequence:
    return _read_sequence_object(_Reader(data, where, SEQUENCE_OBJECT_KEYS))


def domain_from_data(data: Any, where: str = "domain") -> Domain:
    return _read_domain(_Reader(data, where, DOMAIN_KEYS))


def from_data(data: Any, *, check_hash: bool = True) -> Schema:
    """A schema from snapshot data; raises ``SnapshotFormatError`` naming the faulty place.

    ``check_hash=False`` skips comparing the content with its ``hash`` (the schema is still
    checked whole): for data whose hash its holder computed itself, such as a published
    version's, where the comparison was a third of reading it (2 s of 6 at 10,000 tables)."""
    root = _Reader(data, "snapshot")
    if data.get("format") not in READABLE_FORMATS:
        raise SnapshotFormatError(
            f"snapshot: unknown format {data.get('format')!r}"
            f" (this engine reads {', '.join(map(repr, READABLE_FORMATS))})"
        )
    root.refuse_unknown(DOCUMENT_KEYS)
    as_read = Schema(
        tables=tuple(_read_table(t) for t in root.items("tables", TABLE_KEYS)),
        enums=tuple(
            Enum(e.name(), e.names("values"), e.get("id", str), e.get("comment", str))
            for e in root.items("enums", ENUM_KEYS)
        ),
        sequences=tuple(_read_sequence_object(q) for q in root.items("sequences", SEQUENCE_OBJECT_KEYS)),
        domains=tuple(_read_domain(d) for d in root.items("domains", DOMAIN_KEYS)),
    )
    # Names are filled before the checks, so a filled-in name that clashes is caught too.
    schema = with_default_names(as_read)
    found = problems(schema, index_names_per_schema=False)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise SnapshotFormatError("snapshot: " + found[0] + more)
    if check_hash:
        _check_hash(root.get("hash", str), as_read, schema)
    return schema


def _check_hash(stated: str | None, as_read: Schema, named: Schema) -> None:
    # The hash of the content as read, or with its names filled in: the first is what older
    # engines wrote for schemas with unnamed elements, the second what ``to_data`` writes.
    if stated is None or stated in (_hash(_body(as_read)), _hash(_body(named))):
        return
    raise SnapshotFormatError(
        "snapshot: content hash does not match the content"
        " (edited by hand? remove the 'hash' key to accept the edit)"
    )


def loads(text: str) -> Schema:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotFormatError(f"snapshot is not valid JSON: {exc}") from None
    return from_data(data)


def load(path: str | Path) -> Schema:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotFormatError(f"cannot read snapshot {str(path)!r}: {exc}") from None
    return loads(text)


def column_from_data(data: Any, where: str = "column") -> Column:
    return _read_column(_Reader(data, where, COLUMN_KEYS))


def table_from_data(data: Any, where: str = "table") -> Table:
    """One table as ``table_to_data`` writes it, names as given (none are filled in)."""
    return _read_table(_Reader(data, where, TABLE_KEYS))


def index_from_data(data: Any, where: str = "index") -> Index:
    return _read_index(_Reader(data, where, INDEX_KEYS))


def exclusion_from_data(data: Any, where: str = "exclusion") -> Exclusion:
    return _read_exclusion(_Reader(data, where, EXCLUSION_KEYS))
