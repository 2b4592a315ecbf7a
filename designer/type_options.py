"""What the type picker offers: the engine's portable types, then the target dialect's own."""

from __future__ import annotations

from migrations_engine.types import enum_type_text

PORTABLE = (
    "integer",
    "bigint",
    "smallint",
    "decimal(10,2)",
    "float",
    "double",
    "boolean",
    "char(1)",
    "varchar(255)",
    "text",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "uuid",
    "json",
    "binary",
)

# Common types each database has and the portable ones do not cover.
NATIVE = {
    "postgresql": (
        "inet",
        "cidr",
        "macaddr",
        "money",
        "interval",
        "xml",
        "tsvector",
        "citext",
        "int4range",
        "daterange",
        "point",
        "integer[]",
        "text[]",
        "jsonb",
        "json",
        "bit varying(8)",
    ),
    "mysql": (
        "tinyint",
        "mediumint",
        "int unsigned",
        "bigint unsigned",
        "year",
        "datetime",
        "tinytext",
        "mediumtext",
        "longtext",
        "blob",
        "mediumblob",
        "longblob",
        "set('a','b')",
        "bit(1)",
    ),
    "sqlite": ("integer", "real", "numeric", "blob", "text"),
}


def type_options(dialect: str, enums: list[str]) -> list[tuple[str, str]]:
    """``(value, label)`` pairs: portable types, the draft's enums, ``dialect``'s native types."""
    options = [(t, "portable") for t in PORTABLE]
    options += [(enum_type_text(name), "enum of this draft") for name in enums]
    options += [(f"{dialect}:{t}", f"{dialect} only") for t in NATIVE.get(dialect, ())]
    return options
