"""The benchmark's schema generator (bench/generate.py): deterministic, valid, and the pair differs."""

from __future__ import annotations

from bench.generate import generate_pair
from migrations_engine.validate import problems


def test_it_generates_a_valid_pair_that_differs() -> None:
    old, new = generate_pair(tables=20, seed=3)

    assert len(old.tables) == 20
    assert problems(old) == []
    assert problems(new) == []
    assert old != new


def test_it_is_deterministic() -> None:
    assert generate_pair(tables=20, seed=3) == generate_pair(tables=20, seed=3)
    assert generate_pair(tables=20, seed=3) != generate_pair(tables=20, seed=4)


def test_the_full_size_pair_has_about_ten_thousand_columns() -> None:
    old, new = generate_pair(tables=1000)

    columns = sum(len(table.columns) for table in old.tables)
    assert 9_000 <= columns <= 11_000
    changed = {t.name for t in old.tables} ^ {t.name for t in new.tables}
    changed |= {t.name for t in new.tables if old.has_table(t.name) and old.table(t.name) != t}
    assert 40 <= len(changed) <= 80
    assert problems(new) == []
