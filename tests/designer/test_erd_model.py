"""The diagram model: columns made only for the tables a view draws."""

from __future__ import annotations

import random

from bench.generate import generate_schema
from designer.erd import Options, render_diagram
from designer.erd.dot import select
from designer.erd.model import LazyColumns, columns_of, from_schema, from_snapshot
from migrations_engine.snapshot import to_data


def test_a_tables_columns_are_made_when_first_used_and_equal_the_eager_ones():
    schema = generate_schema(30, random.Random(2))
    diagram = from_schema(schema)

    for table, engine_table in zip(diagram.tables, schema.tables, strict=True):
        assert isinstance(table.columns, LazyColumns)
        assert table.columns == columns_of(engine_table)
        assert list(table.columns) == columns_of(engine_table) and len(table.columns) > 0
        assert table.columns[0] == columns_of(engine_table)[0]


def test_a_view_makes_the_columns_of_the_tables_it_draws_only():
    schema = generate_schema(400, random.Random(2))
    diagram = from_snapshot(to_data(schema))
    name = schema.tables[0].name

    rendered = render_diagram(diagram, Options(focus=name, hops=1), "dot")

    made = {t.name for t in diagram.tables if t.columns._table is None}
    drawn = {diagram.tables[n].name for n in select(diagram, rendered.options).shown}
    assert name in made and 1 < len(made) < 20 and made == drawn  # none other
