"""A change's anchors on a large schema: the schema before each operation is brought up to date
only for the operations that look their element up in it (``designer.preview.anchors``)."""

from __future__ import annotations

from migrations_engine.diff import diff
from migrations_engine.schema import Column, Schema, Table
from migrations_engine.types import ColumnType

from designer.preview import anchors


def col(name: str, uid: str) -> Column:
    return Column(name, ColumnType.parse("integer"), id=uid)


def test_a_rename_after_other_operations_is_found_in_the_schema_as_they_left_it():
    old = Schema(tables=(Table("a", columns=(col("x", "c-x"), col("z", "c-z")), id="t-a"),))
    renamed = Table("b", columns=(col("y", "c-x"), col("z", "c-z"), col("w", "c-w")), id="t-a")
    ops = diff(old, Schema(tables=(renamed,)))
    kinds = [op.kind for op in ops]
    assert kinds.index("rename_table") < kinds.index("rename_column"), kinds

    found = anchors(ops, old)

    # The column rename names table "b", which exists only once the table rename is applied.
    assert found[kinds.index("rename_column")] == "rename_column:c-x"
    assert found[kinds.index("rename_table")] == "rename_table:t-a"
    assert found[kinds.index("add_column")] == "add_column:c-w"


def test_operations_that_need_no_lookup_apply_nothing(monkeypatch):
    tables = tuple(Table(f"t{n}", columns=(col("id", f"c{n}"),), id=f"t{n}") for n in range(50))
    new = Schema(tables=tuple(Table(t.name, columns=(*t.columns, col("extra", f"e{t.id}")), id=t.id) for t in tables))
    ops = diff(Schema(tables=tables), new)
    applied: list[str] = []
    for op in ops:
        real = type(op).apply
        monkeypatch.setattr(type(op), "apply", lambda self, schema, real=real: applied.append(self.kind) or real(self, schema))

    found = anchors(ops, Schema(tables=tables))

    assert sorted(found) == sorted(f"add_column:et{n}" for n in range(50))
    assert applied == []
