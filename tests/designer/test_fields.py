"""The designer's JSONField: empty objects and lists read without the parser, the rest as
Django reads them, on the app's database."""

from __future__ import annotations

import pytest

from designer.models import DraftTable

pytestmark = pytest.mark.django_db


def test_empty_and_full_json_cells_read_back_as_written(draft):
    table = DraftTable.objects.filter(draft=draft).first()
    table.extra, table.pk_columns = {}, []
    table.save(update_fields=["extra", "pk_columns"])
    empty = DraftTable.objects.values("extra", "pk_columns").get(pk=table.pk)
    other = DraftTable.objects.filter(draft=draft).exclude(pk=table.pk).first()
    other.extra, other.pk_columns = {"a": [1, {"b": None}], "s": "{}"}, ["[]", "x"]
    other.save(update_fields=["extra", "pk_columns"])
    full = DraftTable.objects.values("extra", "pk_columns").get(pk=other.pk)

    assert empty == {"extra": {}, "pk_columns": []}
    assert full == {"extra": {"a": [1, {"b": None}], "s": "{}"}, "pk_columns": ["[]", "x"]}
    # Each read of an empty cell makes a new object: changing one leaves the next read alone.
    empty["extra"]["changed"], empty["pk_columns"][:] = True, ["changed"]
    again = DraftTable.objects.values("extra", "pk_columns").get(pk=table.pk)
    assert again == {"extra": {}, "pk_columns": []}
