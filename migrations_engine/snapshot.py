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
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from .types import ColumnType
from .validate import problems

FORMAT = "schema-snapshot/2"
#: Older formats still read: 1 lacks character sets, collations and ON UPDATE (all None).
READABLE_FORMATS = ("schema-snapshot/1", FORMAT)

# The keys each object may hold, in the order they are written; any other key is refused.
DOCUMENT_KEYS = ("format", "hash", "enums", "tables")
ENUM_KEYS = ("id", "name", "values")
TABLE_KEYS = (
    "id",
    "name",
    "comment",
    "charset",
    "collation",
    "columns",
    "primary_key",
    "foreign_keys",
    "uniques",
    "checks",
    "indexes",
)
COLUMN_KEYS = ("id", "name", "type", "charset", "collation", "nullable", "default", "on_update", "identity", "serial", "comment", "declared_type")
DEFAULT_KEYS = ("value", "expression")
PRIMARY_KEY_KEYS = ("id", "name", "columns")
FOREIGN_KEY_KEYS = ("id", "name", "columns", "ref_table", "ref_columns", "on_delete", "on_update")
UNIQUE_KEYS = ("id", "name", "columns")
CHECK_KEYS = ("id", "name", "expression")
INDEX_KEYS = ("id", "name", "columns", "unique", "where")


# ---------------------------------------------------------------- dump


def _element(fields: dict[str, Any]) -> dict[str, Any]:
    """Drop keys holding a default (None, empty list, NO ACTION) for a compact, canonical form."""
    return {
        key: value
        for key, value in fields.items()
        if value is not None and value != [] and value != "NO ACTION"
    }


def column_to_data(column: Column) -> dict[str, Any]:
    default = None
    if column.default is not None:
        default = {"value": column.default.value}
        if column.default.expression:
            default["expression"] = True
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
            "serial": column.serial or None,
            "comment": column.comment,
            "declared_type": column.declared_type,
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
            "columns": [column_to_data(c) for c in table.columns],
            "primary_key": _element({"id": pk.id, "name": pk.name, "columns": list(pk.columns)})
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
                    }
                )
                for fk in table.foreign_keys
            ],
            "uniques": [
                _element({"id": u.id, "name": u.name, "columns": list(u.columns)})
                for u in table.uniques
            ],
            "checks": [
                _element({"id": c.id, "name": c.name, "expression": c.expression})
                for c in table.checks
            ],
            "indexes": [
                _element(
                    {
                        "id": i.id,
                        "name": i.name,
                        "columns": list(i.columns),
                        "unique": i.unique or None,
                        "where": i.where,
                    }
                )
                for i in table.indexes
            ],
        }
    )


def _body(schema: Schema) -> dict[str, Any]:
    """The document without ``format`` and ``hash``: what the hash covers. Names as given."""
    return {
        "enums": [
            _element({"id": e.id, "name": e.name, "values": list(e.values)}) for e in schema.enums
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


#: Keys format 2 added; a schema using none of them is written as format 1, byte for byte as
#: before, so older engines (and snapshots already saved) see no change.
FORMAT_2_TABLE_KEYS = ("charset", "collation")
FORMAT_2_COLUMN_KEYS = ("charset", "collation", "on_update", "serial", "declared_type")


def format_of(body: dict[str, Any]) -> str:
    """The oldest format that holds ``body``."""
    for table in body["tables"]:
        if any(key in table for key in FORMAT_2_TABLE_KEYS):
            return FORMAT
        for column in table.get("columns", ()):
            if any(key in column for key in FORMAT_2_COLUMN_KEYS):
                return FORMAT
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
    )


def _read_table(r: _Reader) -> Table:
    pk = None
    p = r.child("primary_key", PRIMARY_KEY_KEYS)
    if p is not None:
        pk = PrimaryKey(p.names("columns"), p.get("name", str), p.get("id", str))
    return Table(
        name=r.name(),
        id=r.get("id", str),
        comment=r.get("comment", str),
        charset=r.get("charset", str),
        collation=r.get("collation", str),
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
            )
            for f in r.items("foreign_keys", FOREIGN_KEY_KEYS)
        ),
        uniques=tuple(
            Unique(u.names("columns"), u.get("name", str), u.get("id", str))
            for u in r.items("uniques", UNIQUE_KEYS)
        ),
        checks=tuple(
            Check(c.get("expression", str, required=True), c.get("name", str), c.get("id", str))
            for c in r.items("checks", CHECK_KEYS)
        ),
        indexes=tuple(
            Index(
                columns=i.names("columns"),
                name=i.get("name", str),
                unique=i.get("unique", bool, False),
                where=i.get("where", str),
                id=i.get("id", str),
            )
            for i in r.items("indexes", INDEX_KEYS)
        ),
    )


def from_data(data: Any) -> Schema:
    """A schema from snapshot data; raises ``SnapshotFormatError`` naming the faulty place."""
    root = _Reader(data, "snapshot")
    if data.get("format") not in READABLE_FORMATS:
        raise SnapshotFormatError(
            f"snapshot: unknown format {data.get('format')!r}"
            f" (this engine reads {' and '.join(map(repr, READABLE_FORMATS))})"
        )
    root.refuse_unknown(DOCUMENT_KEYS)
    as_read = Schema(
        tables=tuple(_read_table(t) for t in root.items("tables", TABLE_KEYS)),
        enums=tuple(
            Enum(e.name(), e.names("values"), e.get("id", str))
            for e in root.items("enums", ENUM_KEYS)
        ),
    )
    # Names are filled before the checks, so a filled-in name that clashes is caught too.
    schema = with_default_names(as_read)
    found = problems(schema, index_names_per_schema=False)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise SnapshotFormatError("snapshot: " + found[0] + more)
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
