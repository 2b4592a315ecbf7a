"""Engine schemas for the designer's tests: a small one using every kind of element, a wide one."""

from __future__ import annotations

from migrations_engine.schema import (
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
from migrations_engine.types import ColumnType


def col(name: str, type_: str, uid: str | None = None, **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_), id=uid or f"col-{name}", **kwargs)


def sample_schema() -> Schema:
    """Two tables with a composite key, a composite foreign key, an enum and every constraint."""
    customer = Table(
        "customer",
        columns=(
            col("region", "char(2)", "c-region", nullable=False),
            col("number", "integer", "c-number", nullable=False),
            col("email", "varchar(200)", "c-email", nullable=False, comment="login"),
            col("status", "enum(status)", "c-status", default=Default("active")),
            col("created", "timestamptz", "c-created", default=Default("CURRENT_TIMESTAMP", True)),
        ),
        primary_key=PrimaryKey(("region", "number"), "customer_pkey", "pk-customer"),
        uniques=(Unique(("email",), "customer_email_key", "u-email"),),
        checks=(Check("number > 0", "customer_number_check", "k-number"),),
        indexes=(Index(("created",), "customer_created_idx", id="i-created"),),
        comment="people who buy",
        id="t-customer",
    )
    order = Table(
        "order",
        columns=(
            col("id", "bigint", "o-id", nullable=False, identity=True),
            col("customer_region", "char(2)", "o-region", nullable=False),
            col("customer_number", "integer", "o-number", nullable=False),
            col("total", "decimal(10,2)", "o-total", default=Default("0")),
            col("note", "postgresql:inet", "o-note"),
        ),
        primary_key=PrimaryKey(("id",), "order_pkey", "pk-order"),
        foreign_keys=(
            ForeignKey(
                ("customer_region", "customer_number"),
                "customer",
                ("region", "number"),
                "order_customer_fkey",
                on_delete="CASCADE",
                id="f-customer",
            ),
        ),
        indexes=(Index(("total",), "order_big_total_idx", True, "total > 100", "i-total"),),
        id="t-order",
    )
    return Schema(
        tables=(customer, order), enums=(Enum("status", ("active", "closed"), "e-status"),)
    )


def wide_schema(tables: int) -> Schema:
    """``tables`` tables of five columns, each but the first referencing the one before."""
    out = []
    for n in range(tables):
        fks = ()
        if n:
            fks = (
                ForeignKey(
                    ("parent_id",), f"t{n - 1:04}", ("id",), f"t{n:04}_parent_fkey", id=f"f{n}"
                ),
            )
        out.append(
            Table(
                f"t{n:04}",
                columns=(
                    col("id", "bigint", f"t{n}-id", nullable=False),
                    col("parent_id", "bigint", f"t{n}-parent"),
                    col("name", "varchar(100)", f"t{n}-name", nullable=False),
                    col("price", "decimal(8,2)", f"t{n}-price", default=Default("0")),
                    col("created", "timestamp", f"t{n}-created"),
                ),
                primary_key=PrimaryKey(("id",), f"t{n:04}_pkey", f"pk{n}"),
                foreign_keys=fks,
                indexes=(Index(("name",), f"t{n:04}_name_idx", id=f"i{n}"),),
                id=f"t{n}",
            )
        )
    return Schema(tables=tuple(out))
