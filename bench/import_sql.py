"""SQL import of a 1,000-table DDL file, whole process, beside sqlglot parsing the same file alone.

The schema is ``bench/generate.py``'s (``--tables`` tables of about ten columns, keys, foreign
keys, uniques, indexes, checks, two enums). For each dialect its CREATE script (the engine's own
rendering of a diff from nothing: what a database built by the engine would be dumped as, one
statement per table, index and constraint) is written into a temporary folder. Then, each as a
separate process, the two taking turns ``--repeat`` times, best wall-clock time kept:

* sqlglot: ``python -c "sqlglot.parse(DDL, read=D)"``: parsing the file and nothing else;
* import:  ``python -m migrations_engine import DDL --from sql --dialect D`` (stdout to /dev/null).

The target is import ≤ 1.5 × sqlglot. ``--breakdown`` adds, in process, the time of cutting the
file into statements, of sqlglot's parse of each, and of the whole ``read_sql``.

    .venv/bin/python bench/import_sql.py [--dialect D ...] [--tables 1000] [--repeat 3] [--breakdown]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.ddl_runs import DIALECTS, SQLGLOT_NAMES, best_of_each, create_script, sqlglot_only  # noqa: E402
from bench.generate import generate_pair  # noqa: E402

TARGET_RATIO = 1.5


def breakdown(script: Path, dialect: str) -> str:
    """In-process seconds of splitting, of sqlglot's parse of each statement, and of ``read_sql``."""
    import sqlglot

    from migrations_engine.imports.sql import read_sql
    from migrations_engine.imports.statements import split_statements

    text = script.read_text(encoding="utf-8")
    start = time.perf_counter()
    statements = split_statements(text, dialect)
    split = time.perf_counter() - start
    reader = sqlglot.Dialect.get_or_raise(SQLGLOT_NAMES[dialect])
    start = time.perf_counter()
    for statement in statements:
        reader.parser().parse(reader.tokenize(statement.text), statement.text)
    parse = time.perf_counter() - start
    start = time.perf_counter()
    result = read_sql(text, dialect)
    whole = time.perf_counter() - start
    return (
        f"split {split:.2f} s ({len(statements)} statements), sqlglot per statement {parse:.2f} s, "
        f"read_sql {whole:.2f} s ({len(result.schema.tables)} tables)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialect", action="append", choices=DIALECTS, help="repeat for several (default: all)")
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--breakdown", action="store_true")
    args = parser.parse_args(argv)
    dialects = tuple(args.dialect or DIALECTS)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        print(f"{args.tables} tables; best of {args.repeat}; target import ≤ {TARGET_RATIO} × sqlglot")
        print(f"{'dialect':<11} {'size':>8} {'sqlglot':>8} {'import':>8} {'ratio':>6}")
        met = True
        for dialect in dialects:
            script = Path(tmp) / f"schema.{dialect}.sql"
            script.write_text(create_script(generate_pair(args.tables)[0], dialect), encoding="utf-8")
            parse, imported = best_of_each(
                [
                    sqlglot_only(python, script, dialect),
                    [python, "-m", "migrations_engine", "import", str(script), "--from", "sql", "--dialect", dialect],
                ],
                args.repeat,
            )
            met &= imported <= TARGET_RATIO * parse
            size = f"{script.stat().st_size / 1e6:.1f} MB"
            print(f"{dialect:<11} {size:>8} {parse:>7.2f}s {imported:>7.2f}s {imported / parse:>5.2f}×")
            if args.breakdown:
                print(f"{'':<11} {breakdown(script, dialect)}")
        print("target met" if met else "target NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
