"""Versions with a change for the tests of changes, downloads and history: v2 drops a column."""

from __future__ import annotations

from dataclasses import replace

from designer.models import SchemaVersion
from migrations_engine.schema import Schema
from tests.designer.schemas import sample_schema

DROP_STATUS = 'ALTER TABLE "customer" DROP COLUMN "status";'
STATUS_LOSS = "drops column “customer”.“status”: its values are lost unless backed up"


def without_status(schema: Schema) -> Schema:
    """``schema`` without the ``customer.status`` column (which no constraint names)."""
    customer = schema.table("customer")
    columns = tuple(c for c in customer.columns if c.name != "status")
    return schema.replace_table("customer", replace(customer, columns=columns))


def publish_v2(cast, message: str = "drop status") -> SchemaVersion:
    """v2 on top of the ``version`` fixture's v1: the customers' status dropped."""
    return SchemaVersion.publish(
        cast.project, without_status(sample_schema()), author=cast.owner, message=message
    )
