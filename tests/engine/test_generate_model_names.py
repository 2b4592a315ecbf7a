"""Collection names in the exported SQLAlchemy and Django models: plural once, never twice."""

from __future__ import annotations

import pytest

from migrations_engine.generate.model_names import plural


@pytest.mark.parametrize(
    "name, expected",
    [
        ("customer", "customers"),
        ("category", "categories"),
        ("address", "addresses"),
        ("box", "boxes"),
        ("invoice_line", "invoice_lines"),
        ("orders", "orders"),  # was "orderses"
        ("order_items", "order_items"),
        ("people", "people"),
        ("staff", "staff"),  # was "staffs" (Sakila)
    ],
)
def test_plural(name: str, expected: str) -> None:
    assert plural(name) == expected
