"""Lint of a 1,000-table schema, whole process, beside sqlglot parsing the same DDL alone.

The schema is ``bench/generate.py``'s (``--tables`` tables of about ten columns, keys, foreign
keys, uniques, indexes, checks). For each dialect it is written twice into a temporary folder: as
a snapshot (JSON) and as the dialect's CREATE script (``migrations_engine.generate``'s ``sql``
target). Then, each as a separate process, ``--repeat`` times in turn, best wall-clock time kept:

* sqlglot:    ``python -c "sqlglot.parse(DDL, read=D)"``: parsing the DDL file and nothing else;
* lint:       ``python -m migrations_engine lint SNAPSHOT --dialect D`` (exit status 0 or 1);
* lint DDL:   ``python -m migrations_engine lint DDL --dialect D``: the same lint reading the DDL
              file itself (the SQL import, sqlglot underneath, then the rules).

The target is lint ≤ 1.5 × sqlglot. ``--breakdown`` adds, in process, the time of reading the
snapshot, reading the DDL and running the rules (``lint_schema``), to show where the time goes.

    .venv/bin/python bench/lint.py [--dialect D ...] [--tables 1000] [--repeat 3] [--breakdown]
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

from bench.ddl_runs import DIALECTS, best_of_each, create_script, sqlglot_only  # noqa: E402
from bench.generate import generate_pair  # noqa: E402

TARGET_RATIO = 1.5


def write_inputs(folder: Path, tables: int, dialects: tuple[str, ...]) -> tuple[Path, dict[str, Path]]:
    """The snapshot and each dialect's CREATE script of the generated schema."""
    from migrations_engine import snapshot

    schema, _ = generate_pair(tables)
    path = folder / "schema.json"
    snapshot.dump(schema, path)
    scripts = {}
    for dialect in dialects:
        scripts[dialect] = folder / f"schema.{dialect}.sql"
        scripts[dialect].write_text(create_script(schema, dialect), encoding="utf-8")
    return path, scripts


def breakdown(snapshot_path: Path, script: Path, dialect: str) -> str:
    """In-process seconds of reading each input and of the rules alone."""
    from migrations_engine import snapshot
    from migrations_engine.imports import import_text
    from migrations_engine.lint import lint_schema

    start = time.perf_counter()
    schema = snapshot.load(snapshot_path)
    read_snapshot = time.perf_counter() - start
    start = time.perf_counter()
    import_text(script.read_text(encoding="utf-8"), "sql", dialect)
    read_ddl = time.perf_counter() - start
    lint_schema(schema, dialect)  # imports and caches warmed
    start = time.perf_counter()
    findings = lint_schema(schema, dialect)
    rules = time.perf_counter() - start
    return f"read snapshot {read_snapshot:.2f} s, read DDL {read_ddl:.2f} s, rules {rules:.2f} s ({len(findings)} findings)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialect", action="append", choices=DIALECTS, help="repeat for several (default: all)")
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--breakdown", action="store_true")
    args = parser.parse_args(argv)
    dialects = tuple(args.dialect or DIALECTS)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
        snapshot_path, scripts = write_inputs(Path(tmp), args.tables, dialects)
        print(f"{args.tables} tables; best of {args.repeat}; target lint ≤ {TARGET_RATIO} × sqlglot")
        print(f"{'dialect':<11} {'sqlglot':>8} {'lint':>8} {'ratio':>6} {'lint DDL':>9} {'ratio':>6}")
        met = True
        for dialect in dialects:
            script = scripts[dialect]
            parse, lint, lint_ddl = best_of_each(
                [
                    sqlglot_only(python, script, dialect),
                    [python, "-m", "migrations_engine", "lint", str(snapshot_path), "--dialect", dialect],
                    [python, "-m", "migrations_engine", "lint", str(script), "--dialect", dialect],
                ],
                args.repeat,
                ok=(0, 1),  # lint exits 1 on findings; sqlglot's process only ever 0
            )
            met &= lint <= TARGET_RATIO * parse
            print(f"{dialect:<11} {parse:>7.2f}s {lint:>7.2f}s {lint / parse:>5.2f}× {lint_ddl:>8.2f}s {lint_ddl / parse:>5.2f}×")
            if args.breakdown:
                print(f"{'':<11} {breakdown(snapshot_path, script, dialect)}")
        print("target met" if met else "target NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
